//! In-kind aid: proposals of KUBE through their states. The state machine, the budget
//! and quota checks and separation of duties are `domain::aid`'s, checked again inside the
//! store's transaction; here is what a step needs before it is tried.
use crate::lists::{opt, text, Listing, Viewer};
pub use crate::store::aid::{Asset, ProposalDetail, ProposalFilter, ProposalListed};
use crate::store::{Page, Paging};
use crate::{local_time, Caller, Context, Error, Result};
use domain::aid::{decide, Action, Facts, ProposalState, Refusal, StepInput, Who};
use domain::{Invalid, Msg};
use serde::{Deserialize, Serialize};
use sheets::Cell;

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

/// Takes a step of a proposal of the caller's area: the domain decides (`decide`) on the
/// proposal as the store holds it under its lock, the store applies.
pub async fn act(
    cx: &Context,
    c: &Caller,
    id: i64,
    action: &str,
    b: &ActBody,
) -> Result<ProposalDetail> {
    let action = Action::parse(action).map_err(|m| Error::invalid("action", m))?;
    let d = crate::scope::proposal(cx, c, id).await?;
    // Goods only after technical guidance of the group's business.
    let guidance = if action == Action::Deliver && d.proposal.state == ProposalState::Approved {
        let g = crate::trainings::status(cx, d.proposal.kube_id).await?;
        if g.completed {
            Ok(())
        } else {
            let why = g.reasons.iter().map(|m| m.text(c.lang)).collect::<Vec<_>>();
            Err(Msg::new("proposal.no_guidance").arg(why.join("; ")))
        }
    } else {
        Ok(())
    };
    let input = StepInput {
        note: b.reason.clone().or(b.note.clone()),
        delivered_on: b.delivered_on.clone(),
        receiver: b.receiver.clone(),
        place: b.place.clone(),
        items: b
            .items
            .as_ref()
            .map(|items| items.iter().map(|i| (i.item_id, i.quantity)).collect()),
    };
    step(cx, &c.actor, c.role, id, action, input, guidance).await
}

/// A step decided and applied.
async fn step(
    cx: &Context,
    actor: &crate::Actor,
    role: domain::Role,
    id: i64,
    action: Action,
    input: StepInput,
    guidance: std::result::Result<(), Msg>,
) -> Result<ProposalDetail> {
    let who = Who {
        user_id: actor.user_id,
        role,
    };
    let facts = |money| Facts {
        today: actor.today(),
        allow_same_person: cx.settings.allow_same_person,
        guidance,
        money,
    };
    let decided = cx
        .store
        .proposal_step(actor, id, action == Action::Approve, |p, money| {
            decide(p, action, who, &input, &facts(money))
        })
        .await?;
    decided.map_err(|r| match r {
        Refusal::Forbidden => Error::Forbidden,
        Refusal::Invalid(i) => Error::Invalid(i),
        Refusal::Conflict(field, msg) | Refusal::OverBudget(field, msg) => Error::Conflict {
            field: field.into(),
            msg,
        },
    })
}

/// The proposals of the KUBE a caller may see: the list page, the API list and the export.
pub struct Proposals;

impl Listing for Proposals {
    type Query = ProposalFilter;
    type Filter = ProposalFilter;
    type Item = ProposalListed;
    const ENTITY: &'static str = "proposal";
    const FILE: &'static str = "usulan";
    async fn filter(_: &Context, _: &Caller, q: &ProposalFilter) -> Result<ProposalFilter> {
        Ok(q.clone())
    }
    async fn fetch(
        v: &Viewer,
        f: &ProposalFilter,
        paging: Paging,
    ) -> crate::store::Result<Page<ProposalListed>> {
        v.store.proposal_list(f, v.scope(), paging).await
    }
    crate::lists::columns!(|v, l: ProposalListed| {
        let p = l.proposal;
        [
            ("id", Cell::Int(p.id)),
            ("registration_number", text(l.registration_number)),
            ("kube", text(l.kube_name)),
            ("district", v.area(&l.district_code)),
            ("programme", text(l.programme_name)),
            ("state", text(p.state.code())),
            ("total", Cell::Int(p.total)),
            ("delivered_total", Cell::Int(p.delivered_total)),
            ("created_at", text(local_time(&p.created_at))),
            (
                "delivered_on",
                p.delivered_on
                    .map(|d| Cell::Date(d.to_string()))
                    .unwrap_or(Cell::Empty),
            ),
            ("bast_number", opt(p.bast_number)),
        ]
    });
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
    let who = Who {
        user_id: c.actor.user_id,
        role: c.role,
    };
    let actions = Action::ALL
        .iter()
        .copied()
        .filter(|a| domain::aid::may(st, &earlier, *a, who, cx.settings.allow_same_person).is_ok())
        .collect();
    Ok(Overview {
        detail,
        kube,
        programme,
        actions,
    })
}
