//! Accounts: creating and changing users with their role, kecamatan and language
//! (administrators only); passwords follow the policy and are hashed off the request
//! threads.
use crate::lists::{opt, text, yes_no, Listing, Viewer};
use crate::passwords::{bounded_hashing, hash_password};
pub use crate::store::sessions::SessionRow;
pub use crate::store::users::{NewUser, User, UserChange, UserFilter};
use crate::store::{Page, Paging};
use crate::{local_time, Caller, Context, Error, Result};
use domain::user::{check_districts, check_password, Username};
use domain::{DistrictCode, Invalid, Lang, Msg, Role};
use serde::Deserialize;

/// A password's hash, or busy when too many are being hashed.
async fn hash(password: String) -> Result<String> {
    bounded_hashing(move || hash_password(&password))
        .await
        .ok_or_else(|| Error::Busy(Msg::new("login.busy")))
}

fn parse_districts(cx: &Context, inv: &mut Invalid, codes: &[String]) -> Vec<DistrictCode> {
    let mut out = Vec::new();
    for c in codes.iter().filter(|c| !c.trim().is_empty()) {
        if let Some(d) = inv.check("districts", cx.areas.district_in(&cx.settings.region, c)) {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

fn parse_lang(inv: &mut Invalid, s: Option<&str>) -> Option<Lang> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(v) => inv.check("lang", Lang::parse(v)),
    }
}

/// Input of a new account, as both the form and the API send it.
#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct UserCreate {
    pub username: String,
    #[schema(min_length = 10, pattern = "^(?=.*[A-Za-z])(?=.*[0-9])")]
    pub password: String,
    #[schema(pattern = "^(admin|kepala_bidang|operator|pendamping|auditor|interop)$")]
    pub role: String,
    #[serde(default)]
    pub districts: Vec<String>,
    #[schema(pattern = "^(id|en)?$")]
    pub lang: Option<String>,
    /// Full name with titles, as letters and signature blocks write it.
    pub full_name: Option<String>,
    /// 18 digits (civil servants).
    pub nip: Option<String>,
    pub position: Option<String>,
}

/// An identity from sent fields, its refusals added to `inv`.
fn identity_of(
    inv: &mut Invalid,
    full_name: Option<&str>,
    nip: Option<&str>,
    position: Option<&str>,
) -> domain::user::Identity {
    domain::user::Identity::parse(full_name, nip, position).unwrap_or_else(|e| {
        inv.fields.extend(e.fields);
        Default::default()
    })
}

/// A new account (administrators).
pub async fn create(cx: &Context, c: &Caller, input: &UserCreate) -> Result<User> {
    c.require(Role::manages_users)?;
    let mut inv = Invalid::new();
    let username = inv.check("username", Username::parse(&input.username));
    let role = inv.check("role", Role::parse(&input.role));
    inv.check(
        "password",
        check_password(&input.password, input.username.trim()),
    );
    let districts = parse_districts(cx, &mut inv, &input.districts);
    let lang = parse_lang(&mut inv, input.lang.as_deref());
    let identity = identity_of(
        &mut inv,
        input.full_name.as_deref(),
        input.nip.as_deref(),
        input.position.as_deref(),
    );
    if let Some(role) = role {
        if let Err(e) = check_districts(role, &districts) {
            inv.fields.extend(e.fields);
        }
    }
    let (Some(username), Some(role), true) = (username, role, inv.is_empty()) else {
        return Err(inv.into());
    };
    let password = input.password.clone();
    let password_hash = hash(password).await?;
    Ok(cx
        .store
        .user_create(
            &c.actor,
            NewUser {
                username,
                password_hash,
                role,
                districts,
                lang: lang.unwrap_or_default(),
                identity,
            },
        )
        .await?)
}

/// A change of an account; absent fields stay as they are.
#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct UserPatch {
    #[schema(pattern = "^(admin|kepala_bidang|operator|pendamping|auditor|interop)$")]
    pub role: Option<String>,
    pub districts: Option<Vec<String>>,
    pub disabled: Option<bool>,
    /// A new password (the policy applies).
    #[schema(min_length = 10, pattern = "^(?=.*[A-Za-z])(?=.*[0-9])")]
    pub password: Option<String>,
    #[schema(pattern = "^(id|en)?$")]
    pub lang: Option<String>,
    /// Sent empty: cleared.
    pub full_name: Option<String>,
    pub nip: Option<String>,
    pub position: Option<String>,
}

/// Changes an account (administrators); an administrator cannot lock themselves out.
pub async fn update(cx: &Context, c: &Caller, id: i64, p: &UserPatch) -> Result<User> {
    c.require(Role::manages_users)?;
    let current = cx.store.user_get(id).await?;
    let mut inv = Invalid::new();
    let role = match p.role.as_deref() {
        Some(r) => inv.check("role", Role::parse(r)),
        None => None,
    };
    let districts = p
        .districts
        .as_ref()
        .map(|d| parse_districts(cx, &mut inv, d));
    let lang = parse_lang(&mut inv, p.lang.as_deref());
    // Each field sent replaces the one kept; one not sent stays.
    let identity = (p.full_name.is_some() || p.nip.is_some() || p.position.is_some()).then(|| {
        let kept = &current.identity;
        identity_of(
            &mut inv,
            p.full_name.as_deref().or(kept.full_name.as_deref()),
            p.nip.as_deref().or(kept.nip.as_ref().map(|n| n.as_str())),
            p.position.as_deref().or(kept.position.as_deref()),
        )
    });
    let password = p.password.as_deref().filter(|p| !p.is_empty());
    if let Some(pw) = password {
        inv.check("password", check_password(pw, &current.username));
    }
    // An admin locking themselves out would leave the office without one.
    if Some(id) == c.actor.user_id
        && (p.disabled == Some(true) || role.is_some_and(|r| r != Role::Admin))
    {
        inv.add("role", Msg::new("user.cannot_disable_self"));
    }
    let final_role = role.unwrap_or(current.role);
    let final_districts: Vec<DistrictCode> = match &districts {
        Some(d) => d.clone(),
        None if final_role.is_area_scoped() => current
            .districts
            .iter()
            .filter_map(|d| DistrictCode::parse(d).ok())
            .collect(),
        None => Vec::new(),
    };
    if inv.is_empty() {
        if let Err(e) = check_districts(final_role, &final_districts) {
            inv.fields.extend(e.fields);
        }
    }
    inv.into_result()?;
    let password_hash = match password {
        Some(pw) => {
            let pw = pw.to_string();
            Some(hash(pw).await?)
        }
        None => None,
    };
    let change = UserChange {
        role,
        // A role change away from pendamping drops the areas with it.
        districts: if districts.is_some() || role.is_some() {
            Some(final_districts)
        } else {
            None
        },
        disabled: p.disabled,
        // A reset by the admin ends every session and token of the account.
        password_hash,
        lang,
        identity,
        keep_session: None,
    };
    Ok(cx.store.user_update(&c.actor, id, change).await?)
}

/// The accounts (administrators only): the list page, the API list and the export.
pub struct Users;

impl Listing for Users {
    type Query = UserFilter;
    type Filter = UserFilter;
    type Item = User;
    const ENTITY: &'static str = "user";
    const FILE: &'static str = "pengguna";
    async fn filter(_: &Context, c: &Caller, q: &UserFilter) -> Result<UserFilter> {
        c.require(Role::manages_users)?;
        Ok(q.clone())
    }
    async fn fetch(v: &Viewer, f: &UserFilter, paging: Paging) -> crate::store::Result<Page<User>> {
        v.store.user_list(f, paging).await
    }
    crate::lists::columns!(|v, u: User| {
        let districts: Vec<&str> = u.districts.iter().map(|d| v.areas.name(d)).collect();
        [
            ("username", text(u.username)),
            ("role", text(u.role.code())),
            ("districts", text(districts.join(", "))),
            ("disabled", yes_no(u.disabled)),
            ("created_at", text(local_time(&u.created_at))),
            (
                "last_login_at",
                opt(u.last_login_at.as_deref().map(local_time)),
            ),
        ]
    });
}

/// The active pendamping accounts of a kecamatan, or (`None`) of any kecamatan the
/// caller sees: (id, the name an office writes — with their kecamatans when of any).
pub async fn pendampings(
    cx: &Context,
    c: &Caller,
    district: Option<&str>,
) -> Result<Vec<(i64, String)>> {
    let rows = cx.store.read(pendampings_read()).await?;
    Ok(pendampings_of(cx, c, rows, district))
}

/// What [`pendampings`] reads, for a batch: every pendamping account.
pub(crate) fn pendampings_read(
) -> crate::store::batch::Read<crate::store::batch::Counted<crate::store::users::Listed>> {
    crate::store::users::user_page(
        &UserFilter {
            q: None,
            role: Some(Role::Pendamping.code().into()),
            sort: None,
        },
        Paging::new(Some(500), None),
    )
}

/// The active ones among [`pendampings_read`]'s accounts that work in `district` (or in
/// the caller's area), each with a label.
pub(crate) fn pendampings_of(
    cx: &Context,
    c: &Caller,
    rows: Vec<crate::store::batch::Counted<crate::store::users::Listed>>,
    district: Option<&str>,
) -> Vec<(i64, String)> {
    rows.into_iter()
        .map(|r| r.item.user())
        .filter(|u| {
            !u.disabled
                && u.districts.iter().any(|d| match district {
                    Some(want) => d == want,
                    None => c.sees_district(d),
                })
        })
        .map(|u| match district {
            Some(_) => (u.id, u.display_name().to_string()),
            None => {
                let areas: Vec<&str> = u.districts.iter().map(|d| cx.areas.name(d)).collect();
                (u.id, format!("{} ({})", u.display_name(), areas.join(", ")))
            }
        })
        .collect()
}

/// An account (admin).
pub async fn get(cx: &Context, c: &Caller, id: i64) -> Result<User> {
    c.require(Role::manages_users)?;
    Ok(cx.store.user_get(id).await?)
}

/// An account's sessions and API tokens with their last use (admin).
pub async fn sessions(cx: &Context, c: &Caller, id: i64) -> Result<Vec<SessionRow>> {
    get(cx, c, id).await?;
    Ok(cx.store.user_sessions(id).await?)
}

/// Ends one session or API token of an account (admin); audited.
pub async fn end_session(cx: &Context, c: &Caller, id: i64, session_id: i64) -> Result<()> {
    c.require(Role::manages_users)?;
    Ok(cx.store.session_end(&c.actor, id, session_id).await?)
}

/// Ends every session and API token of an account (admin); audited.
pub async fn end_sessions(cx: &Context, c: &Caller, id: i64) -> Result<()> {
    get(cx, c, id).await?;
    cx.store.session_end_all(&c.actor, id, None).await?;
    Ok(())
}
