//! Who is acting: their account for the audit log, their role, and the kecamatan their
//! role confines them to.
use crate::store::Actor;
use crate::{Error, Result};
use domain::{Lang, Role};

#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub role: Role,
    /// The kecamatan of an area-scoped role (a pendamping).
    pub districts: Vec<String>,
    /// The language of texts a use case composes (messages carry their own).
    pub lang: Lang,
}

impl Caller {
    /// The command line: an administrator without an account, not confined to areas.
    pub fn cli(clock: &crate::store::Clock) -> Caller {
        Caller {
            actor: Actor::cli(clock),
            role: Role::Admin,
            districts: Vec::new(),
            lang: Lang::En,
        }
    }
    /// The day the caller acts on, where the office is.
    pub fn today(&self) -> chrono::NaiveDate {
        self.actor.today()
    }
    /// `None` for roles that see every kecamatan.
    pub fn district_scope(&self) -> Option<&[String]> {
        self.role.is_area_scoped().then_some(&self.districts[..])
    }
    pub fn sees_district(&self, district: &str) -> bool {
        self.district_scope()
            .is_none_or(|ds| ds.iter().any(|d| d == district))
    }
    /// Refuses unless the caller's role passes `allowed`.
    pub fn require(&self, allowed: impl Fn(Role) -> bool) -> Result<()> {
        if allowed(self.role) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
    pub fn require_write(&self) -> Result<()> {
        self.require(Role::can_write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, districts: &[&str]) -> Caller {
        Caller {
            role,
            districts: districts.iter().map(|d| d.to_string()).collect(),
            ..Caller::cli(&crate::store::Clock::parse("2026-12-06T03:00:00Z").unwrap())
        }
    }

    #[test]
    fn a_pendamping_is_confined_to_their_kecamatan_and_the_office_is_not() {
        let field = caller(Role::Pendamping, &["32.79.04"]);
        assert_eq!(field.district_scope(), Some(&["32.79.04".to_string()][..]));
        assert!(field.sees_district("32.79.04") && !field.sees_district("32.79.02"));
        for role in [
            Role::Admin,
            Role::KepalaBidang,
            Role::Operator,
            Role::Auditor,
        ] {
            let c = caller(role, &[]);
            assert!(c.district_scope().is_none() && c.sees_district("32.79.02"));
        }
        assert!(matches!(
            caller(Role::Auditor, &[]).require_write(),
            Err(Error::Forbidden)
        ));
        assert!(field.require_write().is_ok());
        // The command line acts as an administrator without an account, on the office's day.
        let cli = Caller::cli(&crate::store::Clock::parse("2026-12-31T17:30:00Z").unwrap());
        assert_eq!((cli.role, cli.actor.user_id), (Role::Admin, None));
        assert_eq!(cli.today().to_string(), "2027-01-01");
    }
}
