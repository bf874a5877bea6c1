use crate::Msg;

code_enum!(
    /// What a user may do. Area scoping applies to `Pendamping` and `Interop`.
    Role, |_| Msg::new("role.invalid"), "role.", {
        Admin => "admin", KepalaBidang => "kepala_bidang", Operator => "operator", Pendamping => "pendamping", Auditor => "auditor",
        Interop => "interop",
    }
);

code_enum!(
    /// How an account is signed in: a browser login, or a long-lived API token.
    SessionKind, |_| Msg::new("session.kind_invalid"), "session.kind.", {
        Web => "web", Api => "api",
    }
);

impl Role {
    /// Pendamping, and other systems' accounts, are confined to their assigned kecamatan.
    pub fn is_area_scoped(self) -> bool {
        matches!(self, Role::Pendamping | Role::Interop)
    }
    /// Another system's account (a provincial or national registry): it reads through the
    /// DCI registry interface only, and writes nothing.
    pub fn is_interop(self) -> bool {
        self == Role::Interop
    }
    pub fn manages_users(self) -> bool {
        self == Role::Admin
    }
    pub fn reads_audit(self) -> bool {
        matches!(self, Role::Admin | Role::Auditor)
    }
    /// Auditors read everything and change nothing; other systems change nothing either.
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Auditor | Role::Interop)
    }
    /// NIK and KK in full: only roles that handle identity documents.
    pub fn sees_full_identity(self) -> bool {
        matches!(self, Role::Admin | Role::KepalaBidang | Role::Operator)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
        assert!(!Role::Auditor.can_write());
        assert!(Role::Pendamping.is_area_scoped());
        assert!(!Role::Pendamping.sees_full_identity());
    }
}
