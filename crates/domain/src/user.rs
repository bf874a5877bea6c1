//! Rules for accounts: user names, how an office names its staff, the password policy.
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

/// How an office names a member of its staff in letters, minutes and signature blocks:
/// full name with titles, NIP (civil servants) and position. Each may be empty: a contract
/// facilitator has no NIP.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub full_name: Option<String>,
    pub nip: Option<Nip>,
    pub position: Option<String>,
}

/// A civil servant's NIP: 18 digits (birth date, appointment month, sex, serial); typed
/// with spaces it is read as its digits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Nip(String);

impl Nip {
    pub fn parse(s: &str) -> Result<Nip, Msg> {
        let d: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if d.len() == 18 && d.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Nip(d))
        } else {
            Err(Msg::new("user.nip_invalid"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Identity {
    /// From what a form or the API sent: empty fields are none; names and positions of at
    /// most 120 characters; the NIP checked.
    pub fn parse(
        full_name: Option<&str>,
        nip: Option<&str>,
        position: Option<&str>,
    ) -> Result<Identity, Invalid> {
        let mut inv = Invalid::new();
        let mut text = |field: &str, v: Option<&str>| {
            let t = v.map(str::trim).filter(|t| !t.is_empty())?;
            if t.chars().count() > 120 {
                inv.add(field, Msg::new("common.too_long").arg(120));
                return None;
            }
            Some(t.to_string())
        };
        let full_name = text("full_name", full_name);
        let position = text("position", position);
        let nip = match nip.map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(n) => inv.check("nip", Nip::parse(n)),
        };
        inv.into_result()?;
        Ok(Identity {
            full_name,
            nip,
            position,
        })
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
    fn an_identity_is_trimmed_and_its_nip_checked() {
        let i = Identity::parse(
            Some(" Drs. Asep Saepudin, M.Si "),
            Some("19700817 199503 1 002"),
            Some(""),
        )
        .unwrap();
        assert_eq!(i.full_name.as_deref(), Some("Drs. Asep Saepudin, M.Si"));
        assert_eq!(i.nip.unwrap().as_str(), "197008171995031002");
        assert_eq!(i.position, None);
        let bad = Identity::parse(None, Some("1970"), Some(&"x".repeat(121))).unwrap_err();
        assert_eq!(bad.fields["nip"].key, "user.nip_invalid");
        assert_eq!(bad.fields["position"].key, "common.too_long");
    }
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
