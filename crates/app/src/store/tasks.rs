//! What waits for someone: counted where the data is, for each role's to-do list. Each
//! a [`Read`], so that a home page sends its to-do list's reads in one round trip.
use crate::store::batch::Read;
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::Where;

/// Cash benefits of one programme recorded and not yet approved.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WaitingBenefits {
    pub programme_id: i64,
    pub programme_name: String,
    pub n: i64,
}

/// An upload of the caller's not written yet, with what its check kept.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingUpload {
    pub id: i64,
    pub filename: String,
    pub result_json: Option<String>,
}

/// An account an administrator should look at.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdleAccount {
    pub id: i64,
    pub username: String,
    pub last_login_at: Option<String>,
}

/// Proposals of KUBE in scope per state.
pub(crate) fn proposals(scope: Scope<'_>) -> Read<(String, i64)> {
    let mut w = Where::new();
    scope_filter(&mut w, "k.district_code", scope);
    Read::new(
        format!(
            "SELECT p.state, COUNT(*) FROM proposals p JOIN kube k ON k.id = p.kube_id {} \
             GROUP BY p.state ORDER BY p.state",
            w.sql()
        ),
        w.lits(),
    )
}

/// Benefits of persons in scope waiting for approval, per programme; those recorded by
/// `not_recorded_by` left out (they may not approve their own).
pub(crate) fn benefits(scope: Scope<'_>, not_recorded_by: Option<i64>) -> Read<WaitingBenefits> {
    let mut w = Where::new();
    w.raw("b.approved_at IS NULL");
    if let Some(u) = not_recorded_by {
        w.cond_int("(b.recorded_by IS NULL OR b.recorded_by <> ?)", u);
    }
    scope_filter(&mut w, "p.district_code", scope);
    Read::new(
        format!(
            "SELECT g.id AS programme_id, g.name AS programme_name, COUNT(*) AS n \
             FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id \
             JOIN persons p ON p.id = e.person_id JOIN programmes g ON g.id = e.programme_id {} \
             GROUP BY g.id, g.name ORDER BY g.id",
            w.sql()
        ),
        w.lits(),
    )
}

/// A user's uploads not written yet (uploads are kept a day), newest first.
pub(crate) fn uploads(user_id: i64) -> Read<PendingUpload> {
    Read::new(
        "SELECT id, filename, result_json FROM import_files \
         WHERE user_id = $1 AND status <> 'committed' ORDER BY id DESC LIMIT 20",
        vec![user_id.into()],
    )
}

/// Active accounts not used since `since` (RFC 3339): never signed in and made before
/// it, or last signed in before it; oldest use first.
pub(crate) fn idle_accounts(since: &str) -> Read<IdleAccount> {
    Read::new(
        "SELECT id, username, last_login_at, created_at FROM users \
         WHERE disabled = 0 AND ((last_login_at IS NULL AND created_at < $1) OR last_login_at < $1) \
         ORDER BY COALESCE(last_login_at, created_at), id LIMIT 50",
        vec![since.into()],
    )
}

/// Accounts with `limit` or more failed sign-ins from one address since `since` (RFC
/// 3339): locked out there until the window passes (`user:<name>@<address>` keys).
pub(crate) fn locked_accounts(since: &str, limit: i64) -> Read<(i64, String)> {
    Read::new(
        "SELECT u.id, u.username FROM users u \
         JOIN login_failures f ON SUBSTR(f.key, 1, LENGTH(u.username) + 6) = 'user:' || u.username || '@' \
         WHERE f.at >= $1 GROUP BY u.id, u.username, f.key HAVING COUNT(*) >= $2 ORDER BY u.username",
        vec![since.into(), limit.into()],
    )
}
