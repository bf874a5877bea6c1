//! In-kind aid: proposals of KUBE through their states. The state machine, the budget
//! and quota checks and separation of duties are `domain::aid`'s, checked again inside the
//! store's transaction; here is what a step needs before it is tried.
use crate::lists::{opt, text, Listing, Viewer};
use crate::{local_time, Caller, Context, Error, Result};
use domain::aid::{Action, ProposalState};
use domain::{Invalid, Msg};
use serde::{Deserialize, Serialize};
use sheets::Cell;
pub use store::aid::{Asset, Delivery, ProposalDetail, ProposalFilter, ProposalListed};
use store::{Page, Paging};

#[derive(Deserialize, Serialize, utoipa::ToSchema, Clone)]
pub struct ItemQty {
    pub item_id: i64,
    pub quantity: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProposalCreate {
    pub kube_id: i64,
    pub programme_id: i64,
    pub items: Vec<ItemQty>,
    pub justification: String,
}

/// A draft proposal of a KUBE the caller may see.
pub async fn create(cx: &Context, c: &Caller, b: &ProposalCreate) -> Result<ProposalDetail> {
    c.require_write()?;
    let mut inv = Invalid::new();
    let k = match crate::scope::kube(cx, c, b.kube_id).await {
        Ok(k) => Some(k),
        Err(_) => {
            inv.add("kube_id", Msg::new("error.not_found"));
            None
        }
    };
    if k.as_ref()
        .is_some_and(|k| k.stage == domain::kube::Stage::Bubar)
    {
        inv.add("kube_id", Msg::new("kube.dissolved"));
    }
    let items: Vec<&ItemQty> = b.items.iter().filter(|i| i.quantity != 0).collect();
    if items.is_empty() {
        inv.add("items", Msg::new("proposal.no_items"));
    }
    if let Some(m) = items
        .iter()
        .find_map(|i| domain::aid::check_quantity(i.quantity).err())
    {
        inv.add("items", m);
    }
    if b.justification.trim().is_empty() {
        inv.add("justification", Msg::new("common.required"));
    }
    inv.into_result()?;
    let pairs: Vec<(i64, i64)> = items.iter().map(|i| (i.item_id, i.quantity)).collect();
    Ok(cx
        .store
        .proposal_create(
            &c.actor,
            b.kube_id,
            b.programme_id,
            &pairs,
            b.justification.trim(),
        )
        .await?)
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct ActBody {
    /// For `reject`: why (required); for others: an optional note.
    pub reason: Option<String>,
    pub note: Option<String>,
    /// For `deliver`.
    pub delivered_on: Option<String>,
    pub receiver: Option<String>,
    pub place: Option<String>,
    /// For `deliver`: the items actually handed over (may be fewer than approved).
    pub items: Option<Vec<ItemQty>>,
}

/// Takes a step of a proposal: the role may, the state allows, and a delivery has its
/// details and follows the group's technical guidance.
pub async fn act(
    cx: &Context,
    c: &Caller,
    id: i64,
    action: &str,
    b: &ActBody,
) -> Result<ProposalDetail> {
    let action = Action::parse(action).map_err(|m| Error::invalid("action", m))?;
    let d = crate::scope::proposal(cx, c, id).await?;
    if !action.allowed(c.role) {
        return Err(Error::Forbidden);
    }
    let mut delivery = None;
    if action == Action::Deliver {
        let mut inv = Invalid::new();
        let on = match b.delivered_on.as_deref() {
            Some(d) if !d.trim().is_empty() => {
                inv.check("delivered_on", domain::person::parse_date(d))
            }
            _ => {
                inv.add("delivered_on", Msg::new("common.required"));
                None
            }
        };
        if on.is_some_and(|d| d > cx.today()) {
            inv.add("delivered_on", Msg::new("visit.in_future"));
        }
        let receiver = b.receiver.as_deref().map(str::trim).unwrap_or("");
        if receiver.is_empty() {
            inv.add("receiver", Msg::new("common.required"));
        }
        let items: Vec<(i64, i64)> = match &b.items {
            Some(items) => items.iter().map(|i| (i.item_id, i.quantity)).collect(),
            None => d.items.iter().map(|i| (i.item_id, i.quantity)).collect(),
        };
        inv.into_result()?;
        // Goods only after technical guidance of the group's business.
        if d.proposal.state == ProposalState::Approved {
            let g = crate::guidance::status(cx, d.proposal.kube_id).await?;
            if !g.completed {
                let why = g
                    .reasons
                    .iter()
                    .map(|m| m.text(c.lang))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(Error::Conflict {
                    field: "kube_id".into(),
                    msg: Msg::new("proposal.no_guidance").arg(why),
                });
            }
        }
        delivery = Some(Delivery {
            delivered_on: on.map(store::Date).ok_or(Error::Internal)?,
            receiver: receiver.to_string(),
            place: b.place.clone().filter(|p| !p.trim().is_empty()),
            items,
        });
    }
    let note = b
        .reason
        .as_deref()
        .or(b.note.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty());
    Ok(cx
        .store
        .proposal_act(
            &c.actor,
            c.role,
            id,
            action,
            note,
            delivery.as_ref(),
            cx.settings.allow_same_person,
        )
        .await?)
}

/// The proposals of the KUBE a caller may see: the list page, the API list and the export.
pub struct Proposals;

impl Listing for Proposals {
    type Query = ProposalFilter;
    type Filter = ProposalFilter;
    type Item = ProposalListed;
    const ENTITY: &'static str = "proposal";
    const FILE: &'static str = "usulan";
    const COLUMNS: &'static str = "id registration_number kube district programme state total \
        delivered_total created_at delivered_on bast_number";
    async fn filter(_: &Context, _: &Caller, q: &ProposalFilter) -> Result<ProposalFilter> {
        Ok(q.clone())
    }
    async fn fetch(
        v: &Viewer,
        f: &ProposalFilter,
        paging: Paging,
    ) -> store::Result<Page<ProposalListed>> {
        v.store.proposal_list(f, v.scope(), paging).await
    }
    fn cells(v: &Viewer, l: ProposalListed) -> Vec<Cell> {
        let p = l.proposal;
        vec![
            Cell::Int(p.id),
            text(l.registration_number),
            text(l.kube_name),
            v.area(&l.district_code),
            text(l.programme_name),
            text(p.state.code()),
            Cell::Int(p.total),
            Cell::Int(p.delivered_total),
            text(local_time(&p.created_at)),
            p.delivered_on
                .map(|d| Cell::Date(d.to_string()))
                .unwrap_or(Cell::Empty),
            opt(p.bast_number),
        ]
    }
}

/// A KUBE's asset register: goods received through delivered proposals.
pub async fn assets(cx: &Context, c: &Caller, kube_id: i64) -> Result<Vec<Asset>> {
    crate::scope::kube(cx, c, kube_id).await?;
    Ok(cx.store.kube_assets(kube_id).await?)
}

/// The BAST (record of handover) of a delivered proposal of the caller's area, as PDF.
pub async fn bast(cx: &Context, c: &Caller, id: i64) -> Result<Vec<u8>> {
    let d = crate::scope::proposal(cx, c, id).await?;
    if !d.proposal.state.delivered() {
        return Err(Error::Conflict {
            field: "state".into(),
            msg: Msg::new("proposal.wrong_order")
                .arg("bast")
                .arg(d.proposal.state.code()),
        });
    }
    let k = cx.store.kube_detail(d.proposal.kube_id).await?;
    let (prog, _) = cx.store.programme_get(d.proposal.programme_id).await?;
    Ok(crate::documents::bast_pdf(cx, &d, &k, &prog))
}

/// What a proposal's page shows beside the proposal: its KUBE, its programme, and the
/// steps the caller may take now (the transitions their role allows, without checking
/// their own step).
pub struct Overview {
    pub detail: ProposalDetail,
    pub kube: crate::kube::Kube,
    pub programme: crate::programmes::Programme,
    pub actions: Vec<Action>,
}

pub async fn overview(cx: &Context, c: &Caller, id: i64) -> Result<Overview> {
    let detail = crate::scope::proposal(cx, c, id).await?;
    let kube = cx.store.kube_get(detail.proposal.kube_id).await?;
    let (programme, _) = cx.store.programme_get(detail.proposal.programme_id).await?;
    let earlier: Vec<(Action, Option<i64>)> = detail
        .events
        .iter()
        .map(|e| (e.action, e.user_id))
        .collect();
    let st = detail.proposal.state;
    let actions = Action::ALL
        .iter()
        .copied()
        .filter(|a| domain::aid::transition(st, *a, c.role).is_ok())
        .filter(|a| {
            domain::aid::check_duties(*a, c.actor.user_id, &earlier, cx.settings.allow_same_person)
                .is_ok()
        })
        .collect();
    Ok(Overview {
        detail,
        kube,
        programme,
        actions,
    })
}
