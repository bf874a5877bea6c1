//! In-kind aid: proposals of KUBE through their states. The state machine, the budget
//! and quota checks and separation of duties are `domain::aid`'s, checked again inside the
//! store's transaction; here is what a step needs before it is tried.
use crate::lists::{opt, text, Listing, Viewer};
pub use crate::store::aid::{Asset, ProposalDetail, ProposalFilter, ProposalListed};
use crate::store::{Page, Paging};
use crate::{local_time, Caller, Context, Error, Result};
use domain::aid::{decide, Action, Facts, ProposalState, Refusal, StepInput, Who};
use domain::{Invalid, Msg, Role};
use serde::{Deserialize, Serialize};
use sheets::Cell;

#[derive(Deserialize, Serialize, utoipa::ToSchema, Clone)]
pub struct ItemQty {
    #[schema(minimum = 1)]
    pub item_id: i64,
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProposalCreate {
    pub kube_id: i64,
    pub programme_id: i64,
    #[schema(min_items = 1)]
    pub items: Vec<ItemQty>,
    #[schema(pattern = "\\S")]
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
    let pairs = check_draft(&mut inv, &b.items, &b.justification);
    inv.into_result()?;
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

/// The items (quantity 0 left out) and the reason of a draft, checked into `inv`.
fn check_draft(inv: &mut Invalid, items: &[ItemQty], justification: &str) -> Vec<(i64, i64)> {
    let items: Vec<&ItemQty> = items.iter().filter(|i| i.quantity != 0).collect();
    if items.is_empty() {
        inv.add("items", Msg::new("proposal.no_items"));
    }
    if let Some(m) = items
        .iter()
        .find_map(|i| domain::aid::check_quantity(i.quantity).err())
    {
        inv.add("items", m);
    }
    if justification.trim().is_empty() {
        inv.add("justification", Msg::new("common.required"));
    }
    items.iter().map(|i| (i.item_id, i.quantity)).collect()
}

/// A draft as changed before it is submitted: everything but its group.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProposalDraft {
    pub programme_id: i64,
    #[schema(min_items = 1)]
    pub items: Vec<ItemQty>,
    #[schema(pattern = "\\S")]
    pub justification: String,
}

/// Changes a draft of the caller's area (refused once submitted).
pub async fn update(
    cx: &Context,
    c: &Caller,
    id: i64,
    b: &ProposalDraft,
) -> Result<ProposalDetail> {
    c.require_write()?;
    crate::scope::proposal(cx, c, id).await?;
    let mut inv = Invalid::new();
    let pairs = check_draft(&mut inv, &b.items, &b.justification);
    inv.into_result()?;
    Ok(cx
        .store
        .proposal_update_draft(&c.actor, id, b.programme_id, &pairs, b.justification.trim())
        .await?)
}

/// Withdraws a draft of the caller's area: it is removed, the audit trail keeps it
/// (refused once submitted: from then on a proposal is rejected, not withdrawn).
pub async fn withdraw(cx: &Context, c: &Caller, id: i64) -> Result<()> {
    c.require_write()?;
    crate::scope::proposal(cx, c, id).await?;
    Ok(cx.store.proposal_withdraw(&c.actor, id).await?)
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct ActBody {
    /// For `reject`: why (required); for others: an optional note.
    pub reason: Option<String>,
    pub note: Option<String>,
    /// For `deliver`.
    #[schema(format = Date)]
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
        guidance_fact(&crate::trainings::status(cx, d.proposal.kube_id).await?, c)
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
    // The first party signs as the one who approved the aid: named as the office names them.
    let approver = match d
        .events
        .iter()
        .rev()
        .find(|e| e.action == Action::Approve)
        .and_then(|e| e.user_id)
    {
        Some(id) => cx.store.user_get(id).await.ok(),
        None => None,
    };
    Ok(crate::documents::bast_pdf(
        cx,
        &d,
        &k,
        &prog,
        approver.as_ref(),
    ))
}

/// The group's technical guidance as a fact of a delivery: done, or what is missing.
fn guidance_fact(
    g: &domain::trainings::GuidanceStatus,
    c: &Caller,
) -> std::result::Result<(), Msg> {
    if g.completed {
        Ok(())
    } else {
        let why = g.reasons.iter().map(|m| m.text(c.lang)).collect::<Vec<_>>();
        Err(Msg::new("proposal.no_guidance").arg(why.join("; ")))
    }
}

/// What a proposal's page shows beside the proposal: its KUBE, its programme, the facts
/// a decision is taken on, and the steps the caller may take now, each with the reason
/// the facts would refuse it (a button shown disabled, with its reason, before anyone
/// clicks).
pub struct Overview {
    pub detail: ProposalDetail,
    pub kube: crate::kube::Kube,
    pub programme: crate::programmes::Programme,
    pub offers: Vec<Offer>,
    /// The next steps of the proposal the caller may not take, each with why (another
    /// role's; the same person may not check their own step).
    pub withheld: Vec<(Action, Msg)>,
    /// The draft may be changed or withdrawn by the caller.
    pub editable: bool,
    pub facts: DecisionFacts,
}

/// A step the caller's role and the order of persons allow now.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub action: Action,
    /// Why the facts would refuse it (the budget, the quota, the guidance), if they would.
    pub refused: Option<Msg>,
}

/// What the head of division decides on.
pub struct DecisionFacts {
    /// The programme's money and quota now.
    pub figures: crate::programmes::Figures,
    /// The proposal is already counted in them (approved or later).
    pub counted: bool,
    /// The budget left once this proposal is approved (none: no budget set, or counted).
    pub remaining_after: Option<i64>,
    /// The quota left now and once this proposal is approved (none: no quota set).
    pub quota_left: Option<i64>,
    pub quota_left_after: Option<i64>,
    /// The group's health as of today (status, level, why).
    pub health: domain::health::Health,
    pub guidance: domain::trainings::GuidanceStatus,
    /// The group's other proposals, newest first: its earlier aid.
    pub earlier: Vec<ProposalListed>,
}

impl Overview {
    /// The steps offered, refused or not.
    pub fn actions(&self) -> Vec<Action> {
        self.offers.iter().map(|o| o.action).collect()
    }
}

pub async fn overview(cx: &Context, c: &Caller, id: i64) -> Result<Overview> {
    let detail = crate::scope::proposal(cx, c, id).await?;
    let kube_id = detail.proposal.kube_id;
    let kube = cx.store.kube_get(kube_id).await?;
    let (programme, figures) = cx.store.programme_get(detail.proposal.programme_id).await?;
    let (health, _) = cx
        .store
        .kube_health(kube_id, &cx.settings.health, cx.today())
        .await?;
    let guidance = crate::trainings::status(cx, kube_id).await?;
    let earlier = cx
        .store
        .proposal_list(
            &ProposalFilter {
                kube_id: Some(kube_id),
                ..Default::default()
            },
            c.district_scope(),
            Paging::new(Some(100), None),
        )
        .await?
        .items
        .into_iter()
        .filter(|l| l.proposal.id != id)
        .collect();
    let steps: Vec<(Action, Option<i64>)> = detail
        .events
        .iter()
        .map(|e| (e.action, e.user_id))
        .collect();
    let st = detail.proposal.state;
    let total = domain::money::Rupiah::new(detail.proposal.total);
    let who = Who {
        user_id: c.actor.user_id,
        role: c.role,
    };
    let facts = Facts {
        today: cx.today(),
        allow_same_person: cx.settings.allow_same_person,
        guidance: guidance_fact(&guidance, c),
        money: Some(domain::aid::Money {
            budget: programme.budget.map(domain::money::Rupiah::new),
            committed: domain::money::Rupiah::new(figures.committed),
            quota: programme.quota,
            quota_used: figures.quota_used,
        }),
    };
    let mut withheld = Vec::new();
    for a in Action::ALL.iter().copied() {
        // A next step of the proposal (some role may take it) that this caller may not.
        let next = Role::ALL
            .iter()
            .any(|r| domain::aid::transition(st, a, *r).is_ok());
        if !next {
            continue;
        }
        if !a.allowed(c.role) {
            // Said as who takes it, not as a refusal of the caller's role.
            let key = domain::i18n::key(&format!("proposal.who.{}", a.code()));
            withheld.push((a, Msg::new(key.unwrap_or("error.forbidden"))));
        } else if let Err(Refusal::Conflict(_, why)) =
            domain::aid::may(st, &steps, a, who, cx.settings.allow_same_person)
        {
            withheld.push((a, why));
        }
    }
    let offers = Action::ALL
        .iter()
        .copied()
        .filter(|a| domain::aid::may(st, &steps, *a, who, cx.settings.allow_same_person).is_ok())
        .map(|action| Offer {
            action,
            refused: domain::aid::refused_by_facts(st, action, total, &facts)
                .err()
                .map(|r| match r {
                    Refusal::Conflict(_, m) | Refusal::OverBudget(_, m) => m,
                    Refusal::Invalid(_) | Refusal::Forbidden => Msg::new("error.forbidden"),
                }),
        })
        .collect();
    let counted = matches!(
        st,
        ProposalState::Approved | ProposalState::Delivered | ProposalState::Closed
    );
    let after = |left: Option<i64>, by: i64| left.map(|l| if counted { l } else { l - by });
    let quota_left = programme.quota.map(|q| q - figures.quota_used);
    let facts = DecisionFacts {
        remaining_after: after(figures.remaining, detail.proposal.total),
        quota_left_after: after(quota_left, 1),
        quota_left,
        counted,
        figures,
        health,
        guidance,
        earlier,
    };
    let editable = st == ProposalState::Draft && c.role.can_write();
    Ok(Overview {
        detail,
        kube,
        programme,
        offers,
        withheld,
        editable,
        facts,
    })
}
