//! Accounts, their roles and the kecamatan a pendamping is assigned to.
use crate::store::batch::{Counted, Read};
use crate::store::error::unique_as_conflict;
use crate::store::sql::Where;
use crate::store::{audit, Actor, Page, Paging, Result, Store, StoreError};
use domain::{DistrictCode, Lang, Msg, Role};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub lang: Lang,
    pub disabled: bool,
    pub districts: Vec<String>,
    pub created_at: String,
    pub last_login_at: Option<String>,
    /// How letters and signature blocks name them.
    pub identity: domain::user::Identity,
}

impl User {
    /// The name an office writes: the full name, else the user name.
    pub fn display_name(&self) -> &str {
        self.identity.full_name.as_deref().unwrap_or(&self.username)
    }
}

#[derive(FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) role: String,
    pub(crate) lang: String,
    pub(crate) disabled: i64,
    pub(crate) created_at: String,
    pub(crate) last_login_at: Option<String>,
    pub(crate) full_name: Option<String>,
    pub(crate) nip: Option<String>,
    pub(crate) position: Option<String>,
}

impl UserRow {
    fn into_user(self, districts: Vec<String>) -> User {
        User {
            id: self.id,
            username: self.username,
            // Rows are written only from parsed roles; an unknown one is treated as the
            // least privileged rather than failing the whole list.
            role: Role::parse(&self.role).unwrap_or(Role::Auditor),
            lang: Lang::parse(&self.lang).unwrap_or_default(),
            disabled: self.disabled != 0,
            districts,
            created_at: self.created_at,
            last_login_at: self.last_login_at,
            identity: domain::user::Identity {
                full_name: self.full_name,
                // Written only from a parsed NIP.
                nip: self.nip.and_then(|n| domain::user::Nip::parse(&n).ok()),
                position: self.position,
            },
        }
    }
}

const COLS: &str =
    "id, username, role, lang, disabled, created_at, last_login_at, full_name, nip, position";

/// The account's columns read through a table alias (`u.id, u.username, …`), for a query
/// that joins users.
pub(crate) fn columns_of(alias: &str) -> String {
    COLS.split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub struct NewUser {
    pub username: domain::user::Username,
    pub password_hash: String,
    pub role: Role,
    pub districts: Vec<DistrictCode>,
    pub lang: Lang,
    pub identity: domain::user::Identity,
}

/// A change to an account; `None` leaves a field as it is.
#[derive(Default)]
pub struct UserChange {
    pub role: Option<Role>,
    pub districts: Option<Vec<DistrictCode>>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    pub lang: Option<Lang>,
    pub identity: Option<domain::user::Identity>,
    /// With a new password, the one session that stays (the owner's own, when they
    /// change it themselves); every other session and API token of the account ends.
    pub keep_session: Option<i64>,
}

/// The users list's filters, read straight from its query string.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Part of the user name.
    pub q: Option<String>,
    pub role: Option<String>,
    /// `username`, `role`, `last_login` (`-` before: descending); by user name by default.
    pub sort: Option<String>,
}

/// How the users list sorts.
pub const SORTS: crate::store::sql::Sorts = crate::store::sql::Sorts {
    columns: &[
        ("username", "username"),
        ("role", "role"),
        // Never logged in sorts first on both backends (they place NULL differently).
        ("last_login", "COALESCE(last_login_at, '')"),
    ],
    tie: "id",
    default: "username",
};

async fn districts_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT district_code FROM user_districts WHERE user_id = $1 ORDER BY district_code",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

async fn get_in(conn: &mut AnyConnection, id: i64) -> Result<User> {
    let row: UserRow = sqlx::query_as(&format!("SELECT {COLS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let d = districts_of(conn, id).await?;
    Ok(row.into_user(d))
}

async fn set_districts(conn: &mut AnyConnection, id: i64, ds: &[DistrictCode]) -> Result<()> {
    sqlx::query("DELETE FROM user_districts WHERE user_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for d in ds {
        sqlx::query("INSERT INTO user_districts (user_id, district_code) VALUES ($1, $2)")
            .bind(id)
            .bind(d.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// An account as the list reads it: each account's kecamatan in the same statement as
/// the accounts and their count.
#[derive(FromRow)]
pub(crate) struct Listed {
    #[sqlx(flatten)]
    row: UserRow,
    district_list: Option<String>,
}

impl Listed {
    pub(crate) fn user(self) -> User {
        let districts = self
            .district_list
            .map(|d| d.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        self.row.into_user(districts)
    }
}

fn listed_cols() -> String {
    format!(
        "{COLS}, (SELECT string_agg(d.district_code, ',' ORDER BY d.district_code)
                  FROM user_districts d WHERE d.user_id = users.id) AS district_list"
    )
}

fn user_where(f: &UserFilter) -> Where {
    let mut w = Where::new();
    w.contains(&["username"], &f.q);
    w.eq("role", &f.role);
    w
}

/// [`Store::user_list`] as a read of a batch.
pub(crate) fn user_page(f: &UserFilter, paging: Paging) -> Read<Counted<Listed>> {
    user_where(f).page_read(&listed_cols(), "users", &SORTS.order(&f.sort), paging)
}

impl Store {
    pub async fn user_create(&self, actor: &Actor, u: NewUser) -> Result<User> {
        let mut tx = self.tx().await?;
        let now = self.now();
        let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO users (username, password_hash, role, lang, disabled, created_at, updated_at, full_name, nip, position)
             VALUES ($1, $2, $3, $4, 0, $5, $5, $6, $7, $8) RETURNING id",
        )
        .bind(u.username.as_str())
        .bind(&u.password_hash)
        .bind(u.role.code())
        .bind(u.lang.code())
        .bind(&now)
        .bind(u.identity.full_name.as_deref())
        .bind(u.identity.nip.as_ref().map(|n| n.as_str()))
        .bind(u.identity.position.as_deref())
        .fetch_one(&mut *tx)
        .await;
        let (id,) = inserted.map_err(unique_as_conflict(
            "username",
            Msg::new("user.username_taken"),
        ))?;
        set_districts(&mut tx, id, &u.districts).await?;
        let user = get_in(&mut tx, id).await?;
        audit::record::<User, User>(&mut tx, actor, "create", "user", id, None, Some(&user))
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The account of a row read elsewhere (the session lookup); its kecamatan are read
    /// only for roles confined to them.
    pub(crate) async fn user_of_row(&self, row: UserRow) -> Result<User> {
        let scoped = Role::parse(&row.role).is_ok_and(Role::is_area_scoped);
        let districts = if scoped {
            let mut conn = self.pool.acquire().await?;
            districts_of(&mut conn, row.id).await?
        } else {
            Vec::new()
        };
        Ok(row.into_user(districts))
    }

    pub async fn user_get(&self, id: i64) -> Result<User> {
        let mut conn = self.pool.acquire().await?;
        get_in(&mut conn, id).await
    }

    /// The account and its password hash, for login.
    pub async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT id, password_hash FROM users WHERE username = $1")
                .bind(username.trim().to_lowercase())
                .fetch_optional(&self.pool)
                .await?;
        match row {
            None => Ok(None),
            Some((id, hash)) => Ok(Some((self.user_get(id).await?, hash))),
        }
    }

    pub async fn user_get_by_name(&self, username: &str) -> Result<User> {
        Ok(self
            .user_credentials(username)
            .await?
            .ok_or(StoreError::NotFound)?
            .0)
    }

    pub async fn user_count(&self) -> Result<i64> {
        Where::new()
            .count(&self.pool, "users")
            .await
            .map_err(Into::into)
    }

    pub async fn user_list(&self, f: &UserFilter, paging: Paging) -> Result<Page<User>> {
        let rows: Page<Listed> = user_where(f)
            .page(
                &self.pool,
                &listed_cols(),
                "users",
                &SORTS.order(&f.sort),
                paging,
            )
            .await?;
        Ok(rows.map(Listed::user))
    }

    /// Applies a change and records it with the values before and after. A disabled
    /// account or a new password ends the account's sessions.
    pub async fn user_update(&self, actor: &Actor, id: i64, c: UserChange) -> Result<User> {
        let mut tx = self.tx().await?;
        let before = get_in(&mut tx, id).await?;
        let now = self.now();
        if let Some(role) = c.role {
            sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
                .bind(role.code())
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(lang) = c.lang {
            sqlx::query("UPDATE users SET lang = $1, updated_at = $2 WHERE id = $3")
                .bind(lang.code())
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(i) = &c.identity {
            sqlx::query(
                "UPDATE users SET full_name = $1, nip = $2, position = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(i.full_name.as_deref())
            .bind(i.nip.as_ref().map(|n| n.as_str()))
            .bind(i.position.as_deref())
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(disabled) = c.disabled {
            sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
                .bind(disabled as i64)
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(ds) = &c.districts {
            set_districts(&mut tx, id, ds).await?;
        }
        if let Some(hash) = &c.password_hash {
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(hash)
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if c.disabled == Some(true) || c.password_hash.is_some() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(id)
                .bind(
                    c.keep_session
                        .filter(|_| c.disabled != Some(true))
                        .unwrap_or(-1),
                )
                .execute(&mut *tx)
                .await?;
        }
        let after = get_in(&mut tx, id).await?;
        let mut after_json = serde_json::to_value(&after).unwrap_or_default();
        if c.password_hash.is_some() {
            // The hash itself never enters the log; only the fact that it changed.
            after_json["password_changed"] = serde_json::Value::Bool(true);
        }
        if before != after || c.password_hash.is_some() {
            audit::record(
                &mut tx,
                actor,
                "update",
                "user",
                id,
                Some(&before),
                Some(&after_json),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    pub async fn user_mark_login(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(self.now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
