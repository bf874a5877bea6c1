//! Files attached to records (proposal documents, visit photos).
use crate::store::batch::Read;
use crate::store::idempotency::{self, Once};
use crate::store::{audit, Actor, Result, Store, StoreError};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AttachmentInfo {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub created_at: String,
}

/// A file to attach: its name, its type (from its content) and its bytes.
pub struct NewFile<'a> {
    pub name: &'a str,
    pub mime: &'a str,
    pub content: &'a [u8],
}

impl Store {
    pub async fn attachment_add(
        &self,
        actor: &Actor,
        (entity, entity_id): (&str, i64),
        file: &NewFile<'_>,
        once: Option<&Once>,
    ) -> Result<AttachmentInfo> {
        let mut tx = self.tx().await?;
        let info = add_in(
            &mut tx,
            actor,
            entity,
            entity_id,
            file.name,
            file.mime,
            file.content,
        )
        .await?;
        if let (Some(once), Some(user)) = (once, actor.user_id) {
            idempotency::remember(&mut tx, user, once, info.id, &actor.now()).await?;
        }
        tx.commit().await?;
        Ok(info)
    }

    pub async fn attachment_list(
        &self,
        entity: &str,
        entity_id: i64,
    ) -> Result<Vec<AttachmentInfo>> {
        list_in(&mut *self.pool.acquire().await?, entity, entity_id).await
    }

    pub async fn attachment_get(&self, id: i64) -> Result<(AttachmentInfo, Vec<u8>)> {
        let info: AttachmentInfo = sqlx::query_as("SELECT id, entity, entity_id, filename, mime, size, created_at FROM attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (content,): (Vec<u8>,) =
            sqlx::query_as("SELECT content FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        Ok((info, content))
    }

    /// The KUBE a visit belongs to.
    pub async fn visit_kube(&self, visit_id: i64) -> Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT kube_id FROM visits WHERE id = $1")
            .bind(visit_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound)
    }
}

const COLS: &str = "id, entity, entity_id, filename, mime, size, created_at";

/// The files attached to a record, oldest first.
pub(crate) fn attached_to(entity: &str, entity_id: i64) -> Read<AttachmentInfo> {
    Read::new(
        format!("SELECT {COLS} FROM attachments WHERE entity = $1 AND entity_id = $2 ORDER BY id"),
        vec![entity.into(), entity_id.into()],
    )
}

pub(crate) async fn list_in(
    conn: &mut AnyConnection,
    entity: &str,
    entity_id: i64,
) -> Result<Vec<AttachmentInfo>> {
    attached_to(entity, entity_id).all(conn).await
}

/// The photos of a KUBE's newest visit.
pub(crate) fn newest_visit_photos(kube_id: i64) -> Read<AttachmentInfo> {
    Read::new(
        format!(
            "SELECT {COLS} FROM attachments WHERE entity = 'visit' AND entity_id =
               (SELECT id FROM visits WHERE kube_id = $1 ORDER BY visited_on DESC, id DESC LIMIT 1)
             ORDER BY id"
        ),
        vec![kube_id.into()],
    )
}

/// Attaches a file inside the caller's transaction (a checklist and its photos are one
/// change); audited.
pub(crate) async fn add_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    entity: &str,
    entity_id: i64,
    filename: &str,
    mime: &str,
    content: &[u8],
) -> Result<AttachmentInfo> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO attachments (entity, entity_id, filename, mime, size, content, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(entity)
    .bind(entity_id)
    .bind(filename)
    .bind(mime)
    .bind(content.len() as i64)
    .bind(content.to_vec())
    .bind(actor.user_id)
    .bind(actor.now())
    .fetch_one(&mut *conn)
    .await?;
    let info: AttachmentInfo = sqlx::query_as(
        "SELECT id, entity, entity_id, filename, mime, size, created_at FROM attachments WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    audit::record::<(), _>(conn, actor, "attach", entity, entity_id, None, Some(&info)).await?;
    Ok(info)
}
