//! Signing in and the sessions it opens: web sessions (a cookie) and API tokens, both kept
//! in the database as hashes. Every password check counts against the same limits first.
use crate::passwords::{bounded_hashing, hash_password, verify_password};
pub use crate::store::sessions::{ApiToken, NewSession, SessionInfo, SessionKind, SessionRow};
use crate::users::User;
use crate::{Caller, Context, Result};
use argon2::password_hash::rand_core::OsRng;
use domain::{Invalid, Msg};
use sha2::{Digest, Sha256};

/// A web session ends after this long in any case…
pub const SESSION_DAYS: i64 = 7;
/// …or after this long unused.
pub const IDLE_HOURS: i64 = 8;
/// Login attempts allowed in the window: for an account from one address (a guesser at
/// one PC), from one address in all (a guesser trying many accounts), and for an account
/// from everywhere (a guesser spread over many addresses) — the last high enough that an
/// attack from elsewhere does not lock the owner out at their own office.
pub(crate) const MAX_ATTEMPTS_ACCOUNT_ADDRESS: i64 = 5;
const MAX_ATTEMPTS_ADDRESS: i64 = 30;
const MAX_ATTEMPTS_ACCOUNT: i64 = 100;
pub(crate) const FAILURE_WINDOW_MIN: i64 = 15;

/// A short, stable tag of a typed user name for the log: what was typed in the user name
/// box is often a password typed in the wrong box, so it is never logged as such.
pub fn log_tag(username: &str) -> String {
    hex::encode(&Sha256::digest(username.trim().to_lowercase().as_bytes())[..4])
}

/// A hash to verify against when the account does not exist, so that the answer
/// takes as long as for a wrong password.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not-a-real-password-0"))
}

/// A new random token (64 hex digits): a session's, an API token's, a CSRF token.
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::RngCore::fill_bytes(&mut OsRng, &mut b);
    hex::encode(b)
}

/// What the database keeps of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn stamp_in(cx: &Context, d: chrono::Duration) -> String {
    cx.clock().stamp_in(d)
}

/// What a counted password check found.
pub enum Checked {
    /// The right password of an enabled account.
    Right(User),
    Wrong,
    /// Held back by the limits (or the server too busy to check).
    Locked,
}

/// Every check of a password — a login, or the current password asked again before a
/// token or a new password — counts against the same limits first (5 per account from
/// one address, 30 per address, 100 per account), so a stolen session cannot guess the
/// account's password past them.
pub async fn counted_check(
    cx: &Context,
    username: &str,
    password: &str,
    addr: &str,
) -> Result<Checked> {
    let uname = username.trim().to_lowercase();
    let pair_key = format!("user:{uname}@{addr}");
    let addr_key = format!("addr:{addr}");
    let user_key = format!("user:{uname}");
    let since = stamp_in(cx, -chrono::Duration::minutes(FAILURE_WINDOW_MIN));
    // Counted before the password is checked: a parallel burst cannot outrun the limit.
    // The account's count across addresses takes only attempts that passed their
    // address's limits, so one guessing PC cannot lock the owner out elsewhere.
    let (mut attempt, counts) = cx
        .store
        .login_attempt(&[&pair_key, &addr_key], &since)
        .await?;
    let mut locked = counts[0] > MAX_ATTEMPTS_ACCOUNT_ADDRESS || counts[1] > MAX_ATTEMPTS_ADDRESS;
    if !locked {
        let (ids, counts) = cx.store.login_attempt(&[&user_key], &since).await?;
        attempt.extend(ids);
        locked = counts[0] > MAX_ATTEMPTS_ACCOUNT;
    }
    if locked {
        tracing::warn!(user = %log_tag(&uname), "login refused: too many attempts");
        return Ok(Checked::Locked);
    }
    let creds = cx.store.user_credentials(&uname).await?;
    let password = password.to_string();
    let hash = creds
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let Some(ok) = bounded_hashing(move || verify_password(&password, &hash)).await else {
        return Ok(Checked::Locked);
    };
    match creds {
        Some((user, _)) if ok && !user.disabled => {
            let forget = stamp_in(cx, -chrono::Duration::days(1));
            cx.store
                .login_attempt_succeeded(&attempt, &pair_key, &forget)
                .await?;
            Ok(Checked::Right(user))
        }
        _ => {
            tracing::warn!(user = %log_tag(&uname), "login failed");
            Ok(Checked::Wrong)
        }
    }
}

/// How a sign-in ended.
pub enum SignedIn {
    /// A new web session: its token (for the cookie).
    Ok {
        user: Box<User>,
        token: String,
    },
    Failed,
    Locked,
}

/// Checks the limits, then the password; a success opens a new web session (a fresh id
/// at every login, so a planted session id is worthless) and ends `replacing`, the
/// browser's session before, if any.
pub async fn sign_in(
    cx: &Context,
    username: &str,
    password: &str,
    addr: &str,
    replacing: Option<&str>,
) -> Result<SignedIn> {
    match counted_check(cx, username, password, addr).await? {
        Checked::Locked => Ok(SignedIn::Locked),
        Checked::Wrong => Ok(SignedIn::Failed),
        Checked::Right(user) => {
            let token = new_token();
            cx.store
                .session_create(NewSession {
                    token_hash: &hash_token(&token),
                    user_id: user.id,
                    kind: SessionKind::Web,
                    label: "",
                    csrf: &new_token(),
                    expires_at: stamp_in(cx, chrono::Duration::days(SESSION_DAYS)),
                })
                .await?;
            cx.store.user_mark_login(user.id).await?;
            if let Some(old) = replacing {
                sign_out(cx, old).await?;
            }
            tracing::info!(user = %user.username, "login");
            Ok(SignedIn::Ok {
                user: Box::new(user),
                token,
            })
        }
    }
}

/// The session a token (cookie or bearer) opens, if it is alive; marks it used.
pub async fn resolve(cx: &Context, token: &str) -> Result<Option<SessionInfo>> {
    let idle_cutoff = stamp_in(cx, -chrono::Duration::hours(IDLE_HOURS));
    let info = cx
        .store
        .session_lookup(&hash_token(token), &idle_cutoff)
        .await?;
    if let Some(info) = &info {
        // Touched at most once a minute: a write per request would be wasted.
        if info.last_seen_at < stamp_in(cx, -chrono::Duration::minutes(1)) {
            let _ = cx.store.session_touch(info.session_id).await;
        }
    }
    Ok(info)
}

/// Ends the session of a token.
pub async fn sign_out(cx: &Context, token: &str) -> Result<()> {
    Ok(cx.store.session_delete(&hash_token(token)).await?)
}

/// Ends every session and API token of the caller's account; audited.
pub async fn sign_out_everywhere(cx: &Context, c: &Caller) -> Result<()> {
    let id = c.actor.user_id.ok_or(crate::Error::Forbidden)?;
    cx.store.session_end_all(&c.actor, id, None).await?;
    Ok(())
}

/// The message a session shows on its next page (none: shown, forget it).
pub async fn set_flash(cx: &Context, session_id: i64, text: Option<&str>) -> Result<()> {
    Ok(cx.store.session_set_flash(session_id, text).await?)
}

/// No account exists yet: the login page says how to make the first.
pub async fn first_start(cx: &Context) -> Result<bool> {
    Ok(cx.store.user_count().await? == 0)
}

/// Opens an API token of the caller's account for `days`: its id and the token (shown
/// once); audited.
pub async fn token_create(
    cx: &Context,
    c: &Caller,
    label: &str,
    days: i64,
) -> Result<(i64, String)> {
    let user_id = c.actor.user_id.ok_or(crate::Error::Forbidden)?;
    let token = new_token();
    let id = cx
        .store
        .session_create(NewSession {
            token_hash: &hash_token(&token),
            user_id,
            kind: SessionKind::Api,
            label,
            csrf: &new_token(),
            expires_at: stamp_in(cx, chrono::Duration::days(days)),
        })
        .await?;
    cx.store.api_token_created(&c.actor, id, label).await?;
    Ok((id, token))
}

/// The caller's API tokens.
pub async fn tokens(cx: &Context, c: &Caller) -> Result<Vec<ApiToken>> {
    let user_id = c.actor.user_id.ok_or(crate::Error::Forbidden)?;
    Ok(cx.store.api_token_list(user_id).await?)
}

/// Revokes one of the caller's API tokens; audited.
pub async fn token_revoke(cx: &Context, c: &Caller, id: i64) -> Result<()> {
    let user_id = c.actor.user_id.ok_or(crate::Error::Forbidden)?;
    Ok(cx.store.api_token_revoke(&c.actor, user_id, id).await?)
}

/// Whether the database answers (readiness).
pub async fn ping(cx: &Context) -> Result<()> {
    Ok(cx.store.ping().await?)
}

/// Whether `password` is the caller's current password: counted against the login
/// limits like a login from the caller's address (refused once they are reached).
pub async fn is_current_password(
    cx: &Context,
    c: &Caller,
    password: &str,
    addr: &str,
) -> Result<bool> {
    match counted_check(cx, &c.actor.username, password, addr).await? {
        Checked::Right(u) => Ok(Some(u.id) == c.actor.user_id),
        Checked::Wrong => Ok(false),
        Checked::Locked => Err(crate::Error::Limited(Msg::new("login.too_many"))),
    }
}

const TOKEN_DAYS_DEFAULT: i64 = 90;
const TOKEN_DAYS_MAX: i64 = 365;

/// An API token asked for: a name, the current password again, a lifetime in days
/// (default 90, at most a year).
pub struct TokenRequest<'a> {
    pub label: &'a str,
    pub password: &'a str,
    pub days: Option<i64>,
}

/// A new API token of the caller's: (id, label, the token, shown once).
pub async fn token_request(
    cx: &Context,
    c: &Caller,
    r: TokenRequest<'_>,
    addr: &str,
) -> Result<(i64, String, String)> {
    let mut inv = Invalid::new();
    let label = r.label.trim();
    if label.is_empty() {
        inv.add("label", Msg::new("common.required"));
    } else if label.chars().count() > 80 {
        inv.add("label", Msg::new("common.too_long").arg(80));
    }
    let days = r.days.unwrap_or(TOKEN_DAYS_DEFAULT);
    if !(1..=TOKEN_DAYS_MAX).contains(&days) {
        inv.add("days", Msg::new("profile.token_days").arg(TOKEN_DAYS_MAX));
    }
    if !is_current_password(cx, c, r.password, addr).await? {
        inv.add("password", Msg::new("user.password_wrong"));
    }
    inv.into_result()?;
    let (id, token) = token_create(cx, c, label, days).await?;
    Ok((id, label.to_string(), token))
}

/// Changes the caller's password after checking the current one; every other session
/// and API token of the account ends (`keep_session` is the one asking).
pub async fn change_password(
    cx: &Context,
    c: &Caller,
    current: &str,
    new: &str,
    addr: &str,
    keep_session: i64,
) -> Result<()> {
    let mut inv = Invalid::new();
    if !is_current_password(cx, c, current, addr).await? {
        inv.add("current", Msg::new("user.password_wrong"));
    }
    inv.check("new", domain::user::check_password(new, &c.actor.username));
    inv.into_result()?;
    let new = new.to_string();
    let new_hash = bounded_hashing(move || hash_password(&new))
        .await
        .ok_or_else(|| crate::Error::Busy(Msg::new("login.busy")))?;
    let user_id = c.actor.user_id.ok_or(crate::Error::Forbidden)?;
    cx.store
        .user_update(
            &c.actor,
            user_id,
            crate::users::UserChange {
                password_hash: Some(new_hash),
                keep_session: Some(keep_session),
                ..Default::default()
            },
        )
        .await?;
    Ok(())
}

/// The caller's own interface language.
pub async fn set_language(cx: &Context, c: &Caller, lang: domain::Lang) -> Result<()> {
    let user_id = c.actor.user_id.ok_or(crate::Error::Forbidden)?;
    cx.store
        .user_update(
            &c.actor,
            user_id,
            crate::users::UserChange {
                lang: Some(lang),
                ..Default::default()
            },
        )
        .await?;
    Ok(())
}
