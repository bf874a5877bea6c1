//! Files attached to proposals (documents, photos), to monitoring visits and to stage
//! checklists (photos), and photos of a person (with their consent).
//! Access follows the record: whoever may see the proposal or the KUBE may see its files.
use crate::idempotency::{earlier, Key};
pub use crate::store::attachments::AttachmentInfo;
use crate::{Caller, Context, Error, Result};
use domain::attachment::{clean_name, sniff};
use domain::Msg;
use sha2::Digest;

/// The KUBE a record (`proposal`, `visit` or `checklist`) belongs to (a `person`: the
/// person), if the caller may see it.
async fn kube_of(cx: &Context, c: &Caller, entity: &str, id: i64) -> Result<i64> {
    Ok(match entity {
        "proposal" => crate::scope::proposal(cx, c, id).await?.proposal.kube_id,
        "visit" => crate::scope::visit_kube(cx, c, id).await?.id,
        "checklist" => crate::checklist::kube_of(cx, c, id).await?,
        // A photo of the person (taken with their consent).
        "person" => crate::scope::person(cx, c, id).await?.id,
        _ => return Err(Error::NotFound),
    })
}

/// Attaches a file to a record of the caller's area: its type is decided by its content
/// (JPEG, PNG or PDF; a visit takes photos only); audited.
pub async fn add(
    cx: &Context,
    c: &Caller,
    entity: &str,
    id: i64,
    name: &str,
    bytes: &[u8],
) -> Result<AttachmentInfo> {
    add_once(cx, c, entity, id, name, bytes, None).await
}

/// [`add`], with a key: the same file sent again to the same record (a phone's photo
/// whose answer was lost) is stored once, and answered as the first time
/// (`crate::idempotency`).
pub async fn add_once(
    cx: &Context,
    c: &Caller,
    entity: &str,
    id: i64,
    name: &str,
    bytes: &[u8],
    key: Option<&Key>,
) -> Result<AttachmentInfo> {
    c.require_write()?;
    kube_of(cx, c, entity, id).await?;
    if entity == "person" {
        crate::protection::consents::require(cx, id, domain::protection::ConsentKind::Photos)
            .await?;
    }
    let once = key.map(|k| {
        let digest = hex::encode(sha2::Sha256::digest(bytes));
        k.once("attachment", &(entity, id, digest))
    });
    if let Some(first) = earlier(cx, c, once.as_ref()).await? {
        return Ok(cx.store.attachment_get(first).await?.0);
    }
    let mime = sniff(bytes).map_err(|m| Error::invalid("file", m))?;
    if entity != "proposal" && mime == "application/pdf" {
        return Err(Error::invalid("file", Msg::new("attachment.type")));
    }
    let name = clean_name(name, mime);
    let file = crate::store::attachments::NewFile {
        name: &name,
        mime,
        content: bytes,
    };
    match cx
        .store
        .attachment_add(&c.actor, (entity, id), &file, once.as_ref())
        .await
    {
        Ok(a) => Ok(a),
        // The same file, sent twice at once: the other one stored it.
        Err(e) => match earlier(cx, c, once.as_ref()).await? {
            Some(first) => Ok(cx.store.attachment_get(first).await?.0),
            None => Err(e.into()),
        },
    }
}

/// The files of a record of the caller's area.
pub async fn list(cx: &Context, c: &Caller, entity: &str, id: i64) -> Result<Vec<AttachmentInfo>> {
    kube_of(cx, c, entity, id).await?;
    Ok(cx.store.attachment_list(entity, id).await?)
}

/// A file and what it is, if the caller may see its record.
pub async fn get(cx: &Context, c: &Caller, id: i64) -> Result<(AttachmentInfo, Vec<u8>)> {
    let (info, content) = cx.store.attachment_get(id).await?;
    kube_of(cx, c, &info.entity, info.entity_id).await?;
    Ok((info, content))
}
