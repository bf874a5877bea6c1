//! Rules for accounts: user names and the password policy.
use crate::{Invalid, Msg, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// 3–32 characters of lower-case letters, digits, `.`, `_`, `-`, starting with a letter.
    pub fn parse(s: &str) -> Result<Username, Msg> {
        let s = s.trim().to_lowercase();
        let ok_len = (3..=32).contains(&s.len());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        let ok_start = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if ok_len && ok_chars && ok_start {
            Ok(Username(s))
        } else {
            Err(Msg::new("user.username_invalid"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// At least 10 characters, with a letter and a digit; not the user name.
pub fn check_password(password: &str, username: &str) -> Result<(), Msg> {
    if password.chars().count() < 10 {
        return Err(Msg::new("user.password_short"));
    }
    if password.chars().count() > 200 {
        return Err(Msg::new("user.password_long"));
    }
    let letter = password.chars().any(|c| c.is_alphabetic());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    if !letter || !digit {
        return Err(Msg::new("user.password_weak"));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) && !username.is_empty() {
        return Err(Msg::new("user.password_contains_username"));
    }
    if is_common(password) {
        return Err(Msg::new("user.password_common"));
    }
    Ok(())
}

/// One of the 10,000 most common passwords (data/common-passwords.txt: its source and
/// licence are beside it), in any letter case.
fn is_common(password: &str) -> bool {
    static COMMON: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    COMMON
        .get_or_init(|| {
            include_str!("../data/common-passwords.txt")
                .lines()
                .collect()
        })
        .contains(password.to_lowercase().as_str())
}

/// A pendamping must be assigned at least one kecamatan; other roles have none.
pub fn check_districts(role: Role, districts: &[crate::DistrictCode]) -> Result<(), Invalid> {
    if role.is_area_scoped() && districts.is_empty() {
        return Err(Invalid::field(
            "districts",
            Msg::new("user.pendamping_needs_district"),
        ));
    }
    if !role.is_area_scoped() && !districts.is_empty() {
        return Err(Invalid::field(
            "districts",
            Msg::new("user.districts_only_pendamping"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" Operator1 ").unwrap().as_str(),
            "operator1"
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("a b c").is_err());
    }
    #[test]
    fn passwords() {
        assert!(check_password("short1", "x").is_err());
        assert!(check_password("longenoughnodigit", "x").is_err());
        assert!(check_password("operator1234", "operator").is_err());
        assert!(check_password("Rahasia-2026", "operator").is_ok());
        for common in ["q1w2e3r4t5", "1Q2W3E4R5T", "123456789a"] {
            assert_eq!(
                check_password(common, "x").unwrap_err().key,
                "user.password_common"
            );
        }
    }
}
