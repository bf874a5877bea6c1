//! The office's duties as controller of personal data (UU 27/2022), a few clicks each:
//! the person's own copy, the register of data subjects' requests with their deadlines
//! (a restriction takes the record out of lists and exports), consent to optional data
//! and its withdrawal, retention and anonymisation, and the breach register with its
//! letters. The access log is `crate::access`.
use crate::{Caller, Result};
use domain::Role;

pub mod consents;
pub mod copy;
pub mod incidents;
pub mod requests;
pub mod retention;

pub use crate::store::protection::{Consent, DataRequest, DuePerson, DuePhoto, Incident};

/// Handles a person's identity documents and their requests: admin, head of division,
/// operator.
fn require_officer(c: &Caller) -> Result<()> {
    c.require(Role::sees_full_identity)
}

/// Decides on requests, lifts restrictions, keeps the breach register: admin and head of
/// division.
fn require_decider(c: &Caller) -> Result<()> {
    c.require(|r| matches!(r, Role::Admin | Role::KepalaBidang))
}

/// Reads the registers: the deciders and the auditor.
fn require_reader(c: &Caller) -> Result<()> {
    c.require(|r| {
        matches!(
            r,
            Role::Admin | Role::KepalaBidang | Role::Operator | Role::Auditor
        )
    })
}

/// Free texts of the registers as the caller may read them: typed by officers, they may
/// hold a NIK or KK, which a role reading numbers masked (the auditor) reads masked.
fn shown(c: &Caller, texts: &mut [&mut String]) {
    if !c.role.sees_full_identity() {
        for t in texts {
            **t = domain::privacy::mask_numbers(t);
        }
    }
}

/// An instant `hours` after `at` (RFC 3339 UTC), as stored.
fn after_hours(at: chrono::DateTime<chrono::Utc>, hours: i64) -> String {
    crate::store::ts(at + chrono::Duration::hours(hours))
}
