//! Uploaded import files, kept between preview and commit.
use crate::store::{Flag, Result, Store, StoreError};
use domain::import::Kind;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportFile {
    pub id: i64,
    pub user_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub filename: String,
    /// Written already (a second commit of the same upload is refused).
    pub committed: Flag,
    /// What the last check or the commit found (`app::import::Check`), kept so that
    /// viewing an upload does not read and check its file again.
    pub result_json: Option<String>,
    pub created_at: String,
}

/// The `status` of an upload once its rows are written (before: `uploaded`).
const COMMITTED: &str = "committed";

impl Store {
    pub async fn import_file_save(
        &self,
        user_id: i64,
        kind: Kind,
        filename: &str,
        content: &[u8],
    ) -> Result<i64> {
        // Keep a day of uploads: older previews are of no use.
        let cutoff = self.clock().stamp_in(-chrono::Duration::days(1));
        sqlx::query("DELETE FROM import_files WHERE created_at < $1")
            .bind(&cutoff)
            .execute(&self.pool)
            .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO import_files (user_id, kind, filename, content, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(kind.code())
        .bind(filename)
        .bind(content.to_vec())
        .bind(self.now())
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// The upload of a user (others' uploads are not found).
    pub async fn import_file(&self, id: i64, user_id: i64) -> Result<ImportFile> {
        sqlx::query_as(&format!(
            "SELECT id, user_id, kind, filename,
                    CAST(CASE WHEN status = '{COMMITTED}' THEN 1 ELSE 0 END AS BIGINT) AS committed, result_json, created_at
             FROM import_files WHERE id = $1 AND user_id = $2"
        ))
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The file of an upload of a user's.
    pub async fn import_file_content(&self, id: i64, user_id: i64) -> Result<Vec<u8>> {
        let row: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT content FROM import_files WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound)
    }

    /// Keeps what a check (`committed` false) or the commit found.
    pub async fn import_file_result(
        &self,
        id: i64,
        result_json: &str,
        committed: bool,
    ) -> Result<()> {
        let status = if committed { COMMITTED } else { "uploaded" };
        sqlx::query("UPDATE import_files SET status = $1, result_json = $2 WHERE id = $3")
            .bind(status)
            .bind(result_json)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Store {
    /// The mapping remembered for a layout of headings (`key`), as JSON: the account's
    /// own, else the office's (shared by an admin); never another account's.
    pub async fn import_mapping(&self, key: &str, user_id: Option<i64>) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT mapping_json FROM import_mappings WHERE key = $1 AND owner_id IN ($2, 0)
             ORDER BY owner_id DESC LIMIT 1",
        )
        .bind(key)
        .bind(user_id.unwrap_or(0))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// Remembers (or replaces) the mapping of a layout of headings, the actor's own or —
    /// `shared` — the office's; audited.
    pub async fn import_mapping_save(
        &self,
        actor: &crate::store::Actor,
        key: &str,
        kind: Kind,
        mapping_json: &str,
        shared: bool,
    ) -> Result<()> {
        let owner = if shared {
            0
        } else {
            actor.user_id.unwrap_or(0)
        };
        let mut tx = self.tx().await?;
        sqlx::query(
            "INSERT INTO import_mappings (key, owner_id, kind, mapping_json, updated_at) VALUES ($1, $5, $2, $3, $4)
             ON CONFLICT (key, owner_id) DO UPDATE SET mapping_json = $3, updated_at = $4",
        )
        .bind(key)
        .bind(kind.code())
        .bind(mapping_json)
        .bind(actor.now())
        .bind(owner)
        .execute(&mut *tx)
        .await?;
        let mut after: serde_json::Value = serde_json::from_str(mapping_json).unwrap_or_default();
        if let Some(o) = after.as_object_mut() {
            o.insert("shared".into(), shared.into());
        }
        crate::store::audit::record::<(), _>(
            &mut tx,
            actor,
            "map_columns",
            "import",
            key,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
