use crate::Msg;
use serde::{Deserialize, Serialize};

/// What a user may do. Area scoping applies to `Pendamping` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    KepalaBidang,
    Operator,
    Pendamping,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::KepalaBidang,
        Role::Operator,
        Role::Pendamping,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::KepalaBidang => "kepala_bidang",
            Role::Operator => "operator",
            Role::Pendamping => "pendamping",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Result<Role, Msg> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| Msg::new("role.invalid"))
    }

    /// Catalogue key of the role's display name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::KepalaBidang => "role.kepala_bidang",
            Role::Operator => "role.operator",
            Role::Pendamping => "role.pendamping",
            Role::Auditor => "role.auditor",
        }
    }

    /// Only pendamping are confined to their assigned kecamatan.
    pub fn is_area_scoped(self) -> bool {
        self == Role::Pendamping
    }
    pub fn manages_users(self) -> bool {
        self == Role::Admin
    }
    pub fn reads_audit(self) -> bool {
        matches!(self, Role::Admin | Role::Auditor)
    }
    /// Auditors read everything and change nothing.
    pub fn can_write(self) -> bool {
        self != Role::Auditor
    }
    /// NIK and KK in full: only roles that handle identity documents.
    pub fn sees_full_identity(self) -> bool {
        matches!(self, Role::Admin | Role::KepalaBidang | Role::Operator)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
        assert!(!Role::Auditor.can_write());
        assert!(Role::Pendamping.is_area_scoped());
        assert!(!Role::Pendamping.sees_full_identity());
    }
}
