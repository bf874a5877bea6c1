//! Technical guidance: whether a KUBE's members have had the guidance its business
//! needs before goods are delivered.
use crate::{Context, Result};
use domain::guidance::{technical_guidance, GuidanceStatus};

/// The group's technical guidance as the office's rule judges it.
pub async fn status(cx: &Context, kube_id: i64) -> Result<GuidanceStatus> {
    let members = cx.store.kube_guidance(kube_id).await?;
    Ok(technical_guidance(&members, cx.rules.guidance_share_pct))
}
