//! Who is acting: their account for the audit log, their role, and the kecamatan their
//! role confines them to.
use crate::{Error, Result};
use domain::{Lang, Role};
use store::Actor;

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
    pub fn cli(clock: &store::Clock) -> Caller {
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
