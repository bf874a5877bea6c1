//! Sessions live in the database so that several instances can share them. The
//! browser holds a random token; only its SHA-256 hash is stored. API tokens are
//! long-lived sessions of kind `api`.
use crate::store::{audit, Actor, Result, Store, StoreError};
use serde::Serialize;
use sqlx::FromRow;

pub use domain::role::SessionKind;

/// A valid session and the account behind it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub session_id: i64,
    pub kind: SessionKind,
    pub csrf: String,
    pub flash: Option<String>,
    pub last_seen_at: String,
    /// When this session last changed something (reads soon after go to the primary).
    pub last_write_at: Option<String>,
    pub user: crate::store::users::User,
}

/// A session or API token of an account, as its owner and the admin see it.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct SessionRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: SessionKind,
    pub label: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub label: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub kind: SessionKind,
    pub label: &'a str,
    pub csrf: &'a str,
    pub expires_at: String,
}

impl Store {
    pub async fn session_create(&self, s: NewSession<'_>) -> Result<i64> {
        let now = self.now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO sessions (token_hash, user_id, kind, label, csrf, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
        )
        .bind(s.token_hash)
        .bind(s.user_id)
        .bind(s.kind.code())
        .bind(s.label)
        .bind(s.csrf)
        .bind(&now)
        .bind(&s.expires_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// The session of a token hash if it has not expired and its account is enabled.
    /// Web sessions also expire after `idle_cutoff` (RFC 3339) without use.
    pub async fn session_lookup(
        &self,
        token_hash: &str,
        idle_cutoff: &str,
    ) -> Result<Option<SessionInfo>> {
        // One query for the session and its account: it runs on every request. The account's
        // columns are the users module's own, read by its own row type.
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL.get_or_init(|| {
            format!(
                "SELECT s.id AS session_id, s.kind AS session_kind, s.csrf, s.flash, s.last_seen_at,
                        s.last_write_at, {}
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0
                   AND (s.kind = '{api}' OR s.last_seen_at > $3)",
                crate::store::users::columns_of("u"),
                api = SessionKind::Api.code()
            )
        });
        let Some(r) = sqlx::query(sql)
            .bind(token_hash)
            .bind(self.now())
            .bind(idle_cutoff)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        use sqlx::Row;
        let session_id: i64 = r.try_get("session_id")?;
        let kind: crate::store::Code<SessionKind> = r.try_get("session_kind")?;
        let csrf: String = r.try_get("csrf")?;
        let flash: Option<String> = r.try_get("flash")?;
        let last_seen_at: String = r.try_get("last_seen_at")?;
        let last_write_at: Option<String> = r.try_get("last_write_at")?;
        let row = crate::store::users::UserRow::from_row(&r)?;
        let user = self.user_of_row(row).await?;
        Ok(Some(SessionInfo {
            session_id,
            kind: kind.0,
            csrf,
            flash,
            last_seen_at,
            last_write_at,
            user,
        }))
    }

    pub async fn session_touch(&self, session_id: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(self.now())
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records that the session changed something now.
    pub async fn session_wrote(&self, session_id: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_write_at = $1 WHERE id = $2")
            .bind(self.now())
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session_delete(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The unexpired sessions and API tokens of an account, newest first.
    pub async fn user_sessions(&self, user_id: i64) -> Result<Vec<SessionRow>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, label, created_at, last_seen_at, expires_at FROM sessions
             WHERE user_id = $1 AND expires_at > $2 ORDER BY id DESC",
        )
        .bind(user_id)
        .bind(self.now())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Ends one session or token of an account (404 when it is not theirs).
    pub async fn session_end(&self, actor: &Actor, user_id: i64, id: i64) -> Result<()> {
        let mut tx = self.tx().await?;
        let r = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let after = serde_json::json!({"session": id});
        audit::record::<(), _>(
            &mut tx,
            actor,
            "end_session",
            "user",
            user_id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session and token of an account but `keep`; returns how many ended.
    pub async fn session_end_all(
        &self,
        actor: &Actor,
        user_id: i64,
        keep: Option<i64>,
    ) -> Result<u64> {
        let mut tx = self.tx().await?;
        let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(-1))
            .execute(&mut *tx)
            .await?;
        let after = serde_json::json!({"sessions_ended": r.rows_affected()});
        audit::record::<(), _>(
            &mut tx,
            actor,
            "end_sessions",
            "user",
            user_id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(r.rows_affected())
    }

    /// A one-time message shown on the next page (after a redirect).
    pub async fn session_set_flash(&self, session_id: i64, text: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE sessions SET flash = $1 WHERE id = $2")
            .bind(text)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session_purge_expired(&self) -> Result<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(self.now())
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }

    pub async fn api_token_list(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        Ok(sqlx::query_as(
            "SELECT id, label, created_at, last_seen_at, expires_at FROM sessions
             WHERE user_id = $1 AND kind = 'api' ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn api_token_created(&self, actor: &Actor, id: i64, label: &str) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        let after = serde_json::json!({ "label": label });
        audit::record::<(), _>(
            &mut conn,
            actor,
            "create",
            "api_token",
            id,
            None,
            Some(&after),
        )
        .await
    }

    pub async fn api_token_revoke(&self, actor: &Actor, user_id: i64, id: i64) -> Result<()> {
        let mut tx = self.tx().await?;
        let r = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2 AND kind = 'api'")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record::<(), ()>(&mut tx, actor, "revoke", "api_token", id, None, None).await?;
        tx.commit().await?;
        Ok(())
    }
}
