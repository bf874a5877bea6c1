//! The proposal pages: the list, the form, a proposal's page with its actions.
use super::*;
use crate::list::Listed;
use crate::page::Outcome::{Again, Done};
use domain::aid::Action;

// ---------- pages ----------

pub struct Row {
    pub id: i64,
    pub kube: String,
    pub programme: String,
    pub total: String,
    pub state: String,
    pub state_label: &'static str,
}

#[derive(askama::Template)]
#[template(path = "proposals.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    pager: Pager,
    states: Vec<(&'static str, &'static str)>,
    q_state: String,
}

pub(super) async fn list_page(
    PageAuth { ctx, .. }: PageAuth,
    l: Listed<Proposals>,
) -> AppResult<Response> {
    let rows = l
        .page
        .items
        .into_iter()
        .map(|l| Row {
            id: l.proposal.id,
            kube: l.kube_name,
            programme: l.programme_name,
            total: Rupiah::new(l.proposal.total).to_string(),
            state_label: ctx.t(l.proposal.state.label_key()),
            state: l.proposal.state.code().to_string(),
        })
        .collect();
    let lang = ctx.lang;
    let states = ProposalState::options(lang);
    Ok(html(&ListPage {
        rows,
        pager: l.pager,
        states,
        q_state: l.query.state.unwrap_or_default(),
        ctx,
    })?
    .into_response())
}

#[derive(askama::Template)]
#[template(path = "proposal_form.html")]
pub(super) struct FormPage {
    ctx: Ctx,
    kube: app::kube::Kube,
    programmes: Vec<(i64, String)>,
    programme_id: i64,
    items: Vec<(i64, String, String, String, i64)>,
    packages: Vec<(i64, String)>,
    /// The package chosen, else the one for the group's business type.
    package_id: i64,
    justification: String,
    /// The draft being changed; none for a new proposal.
    editing: Option<i64>,
    errors: FormErrors,
}

/// What a proposal form holds: the group, the programme, the (item, quantity) rows, the
/// reason and the package chosen; and the draft it changes, if it does.
pub(super) struct Draft {
    editing: Option<i64>,
    kube_id: i64,
    programme_id: i64,
    quantities: Vec<(i64, i64)>,
    justification: String,
    package: Option<i64>,
}

impl FormPage {
    /// Cancel goes back to the draft, or to the group of a new proposal.
    fn back(&self) -> String {
        match self.editing {
            Some(id) => format!("/proposals/{id}"),
            None => format!("/kube/{}", self.kube.id),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    kube_id: i64,
    package_id: Option<i64>,
    programme_id: Option<i64>,
}

pub(super) async fn form(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    d: Draft,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let Draft {
        editing,
        kube_id,
        programme_id,
        quantities,
        justification,
        package,
    } = d;
    let kube = crate::kube_in_scope(state, s, kube_id).await?;
    let year = chrono::Datelike::year(&state.today()) as i64;
    let programmes = app::programmes::list(&state.app(), &s.caller(), None)
        .await?
        .into_iter()
        .filter(|(p, _)| p.target == domain::aid::Target::Kube && p.year >= year - 1)
        .map(|(p, _)| (p.id, format!("{} ({})", p.name, p.year)))
        .collect();
    let items = app::programmes::items(&state.app(), &s.caller())
        .await?
        .into_iter()
        .map(|i| {
            let q = quantities
                .iter()
                .find(|(id, _)| *id == i.id)
                .map(|(_, q)| *q)
                .unwrap_or(0);
            (
                i.id,
                i.name,
                i.unit,
                Rupiah::new(i.unit_price).to_string(),
                q,
            )
        })
        .collect();
    let all = app::programmes::packages(&state.app(), &s.caller()).await?;
    let package_id = package
        .or_else(|| {
            all.iter()
                .find(|p| p.2.as_deref() == Some(kube.business_type.as_str()))
                .map(|p| p.0)
        })
        .unwrap_or(0);
    let packages = all.into_iter().map(|(id, name, _, _)| (id, name)).collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let page = FormPage {
        kube,
        programmes,
        programme_id,
        items,
        packages,
        package_id,
        justification,
        editing,
        errors,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    s.require_write()?;
    let quantities = package_items(&state, &s, q.package_id).await?;
    let d = Draft {
        editing: None,
        kube_id: q.kube_id,
        programme_id: q.programme_id.unwrap_or(0),
        quantities,
        justification: String::new(),
        package: q.package_id,
    };
    form(&state, &s, ctx, d, None).await
}

/// A draft's form, filled with what it holds.
pub(super) async fn edit_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require_write()?;
    let o = app::proposals::overview(&state.app(), &s.caller(), id).await?;
    if !o.editable {
        return Err(app::Error::Conflict {
            field: "state".into(),
            msg: domain::Msg::new("proposal.not_draft"),
        }
        .into());
    }
    let p = o.detail.proposal;
    let d = Draft {
        editing: Some(id),
        kube_id: p.kube_id,
        programme_id: p.programme_id,
        quantities: o
            .detail
            .items
            .iter()
            .map(|i| (i.item_id, i.quantity))
            .collect(),
        justification: p.justification,
        package: None,
    };
    form(&state, &s, ctx, d, None).await
}

/// A package's (item, quantity) rows; none for no package.
async fn package_items(
    state: &AppState,
    s: &Session,
    package: Option<i64>,
) -> AppResult<Vec<(i64, i64)>> {
    Ok(match package {
        Some(pid) => app::programmes::packages(&state.app(), &s.caller())
            .await?
            .into_iter()
            .find(|p| p.0 == pid)
            .map(|p| p.3)
            .unwrap_or_default(),
        None => Vec::new(),
    })
}

/// The item rows of a proposal's forms: each row sends its item and the quantity typed
/// (empty or not a number: `blank`).
fn item_rows(item_id: &[i64], quantity: &[String], blank: i64) -> Vec<ItemQty> {
    item_id
        .iter()
        .zip(quantity)
        .map(|(&item_id, q)| ItemQty {
            item_id,
            quantity: q.trim().parse().unwrap_or(blank),
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ProposalForm {
    kube_id: Option<i64>,
    programme_id: Option<i64>,
    justification: String,
    item_id: Vec<i64>,
    quantity: Vec<String>,
    package_id: Option<i64>,
    /// "Fill from package" pressed: the form again with the package's items, nothing saved.
    use_package: Option<String>,
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    page::Form(f): page::Form<ProposalForm>,
) -> AppResult<Response> {
    save(&state, &s, ctx, None, f).await
}

/// A draft's form sent back: the draft changed.
pub(super) async fn update_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<ProposalForm>,
) -> AppResult<Response> {
    save(&state, &s, ctx, Some(id), f).await
}

/// A new proposal or a changed draft saved; or the form again, filled from a package or
/// with its errors.
async fn save(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    editing: Option<i64>,
    f: ProposalForm,
) -> AppResult<Response> {
    let kube_id = match editing {
        Some(id) => {
            app::proposals::overview(&state.app(), &s.caller(), id)
                .await?
                .detail
                .proposal
                .kube_id
        }
        None => f.kube_id.unwrap_or(0),
    };
    let programme_id = f.programme_id.unwrap_or(0);
    let again = |quantities: Vec<(i64, i64)>, justification: String| Draft {
        editing,
        kube_id,
        programme_id,
        quantities,
        justification,
        package: f.package_id,
    };
    if f.use_package.is_some() {
        s.require_write()?;
        let quantities = package_items(state, s, f.package_id).await?;
        return form(
            state,
            s,
            ctx,
            again(quantities, f.justification.clone()),
            None,
        )
        .await;
    }
    let items = item_rows(&f.item_id, &f.quantity, 0);
    let saved = match editing {
        Some(id) => {
            let b = app::proposals::ProposalDraft {
                programme_id,
                items: items.clone(),
                justification: f.justification.clone(),
            };
            app::proposals::update(&state.app(), &s.caller(), id, &b)
                .await
                .map(|d| (d, "proposal.updated"))
        }
        None => {
            let b = ProposalCreate {
                kube_id,
                programme_id,
                items: items.clone(),
                justification: f.justification.clone(),
            };
            app::proposals::create(&state.app(), &s.caller(), &b)
                .await
                .map(|d| (d, "proposal.created"))
        }
    };
    match page::outcome(saved)? {
        Done((d, msg)) => {
            let to = format!("/proposals/{}", d.proposal.id);
            page::redirect_with_flash(state, s, &to, ctx.t(msg)).await
        }
        Again(inv) => {
            let q = items.iter().map(|i| (i.item_id, i.quantity)).collect();
            form(state, s, ctx, again(q, f.justification.clone()), Some(&inv)).await
        }
    }
}

/// A draft withdrawn from its page (after the confirmation).
pub(super) async fn withdraw_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let kube_id = super::visible(&state, &s, id).await?.proposal.kube_id;
    match page::outcome(app::proposals::withdraw(&state.app(), &s.caller(), id).await)? {
        Done(()) => {
            let to = format!("/kube/{kube_id}");
            page::redirect_with_flash(&state, &s, &to, ctx.t("proposal.withdrawn")).await
        }
        Again(inv) => render_detail(&state, &s, ctx, id, Some(&inv)).await,
    }
}

#[derive(askama::Template)]
#[template(path = "proposal_detail.html")]
pub(super) struct DetailPage {
    ctx: Ctx,
    p: ProposalOut,
    kube: app::kube::Kube,
    programme: String,
    state_label: &'static str,
    offers: Vec<OfferView>,
    facts: DecisionOut,
    errors: FormErrors,
    today: String,
    attachments: Vec<crate::attachments::AttachmentOut>,
    can_write: bool,
    /// The next steps not the viewer's: (code, label, why).
    withheld: Vec<(&'static str, &'static str, String)>,
    editable: bool,
}

/// A step offered on the page: its button, why it would be refused now, and what its
/// confirmation says it does.
pub(super) struct OfferView {
    code: &'static str,
    label: &'static str,
    refused: Option<String>,
    confirm: Option<String>,
}

impl DetailPage {
    pub(super) fn rp(&self, v: &i64) -> String {
        Rupiah::new(*v).to_string()
    }
    fn label(&self, key: &str) -> &'static str {
        self.ctx.t(key)
    }
}

pub(super) async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let o = app::proposals::overview(&state.app(), &s.caller(), id).await?;
    let facts = decision_out(&o, ctx.lang);
    let (d, kube, prog) = (o.detail, o.kube, o.programme);
    let st = d.proposal.state;
    let lang = ctx.lang;
    let total = Rupiah::new(d.proposal.total).to_string();
    let offers = o
        .offers
        .iter()
        .map(|f| OfferView {
            code: f.action.code(),
            label: lang.t(f.action.label_key()),
            refused: f.refused.as_ref().map(|m| {
                domain::Msg::new("decision.refused")
                    .arg(m.text(lang))
                    .text(lang)
            }),
            confirm: match f.action {
                Action::Approve => {
                    Some(ctx.tf("proposal.confirm_approve", std::slice::from_ref(&total)))
                }
                Action::Reject => Some(ctx.t("proposal.confirm_reject").to_string()),
                Action::Deliver => Some(ctx.t("proposal.confirm_deliver").to_string()),
                _ => None,
            },
        })
        .collect();
    let errors = FormErrors::new(errors, lang);
    let page = DetailPage {
        state_label: lang.t(st.label_key()),
        p: out(d),
        kube,
        programme: format!("{} ({})", prog.name, prog.year),
        offers,
        facts,
        errors,
        today: state.today().format("%Y-%m-%d").to_string(),
        attachments: crate::attachments::list(state, s, "proposal", id).await?,
        can_write: s.role().can_write(),
        withheld: o
            .withheld
            .iter()
            .map(|(a, why)| (a.code(), lang.t(a.label_key()), why.text(lang)))
            .collect(),
        editable: o.editable,
        ctx,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, html(&page)?).into_response())
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_detail(&state, &s, ctx, id, None).await
}

/// A step of a proposal: its note or reason, and at delivery what was handed over.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ActForm {
    reason: Option<String>,
    note: Option<String>,
    delivered_on: Option<String>,
    receiver: Option<String>,
    place: Option<String>,
    item_id: Vec<i64>,
    quantity: Vec<String>,
}

pub(super) async fn act_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, action)): Path<(i64, String)>,
    page::Form(f): page::Form<ActForm>,
) -> AppResult<Response> {
    // A quantity left empty at delivery is refused, not read as none delivered.
    let items = item_rows(&f.item_id, &f.quantity, -1);
    let b = ActBody {
        reason: f.reason,
        note: f.note,
        delivered_on: f.delivered_on,
        receiver: f.receiver,
        place: f.place,
        items: if items.is_empty() { None } else { Some(items) },
    };
    match page::outcome(app::proposals::act(&state.app(), &s.caller(), id, &action, &b).await)? {
        Done(d) => {
            let label = ctx.t(d.proposal.state.label_key());
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/proposals/{id}"),
                ctx.tf("proposal.done", &[label.to_string()]),
            )
            .await
        }
        Again(inv) => render_detail(&state, &s, ctx, id, Some(&inv)).await,
    }
}
