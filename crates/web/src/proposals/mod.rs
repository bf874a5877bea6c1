//! Proposals of KUBE for in-kind aid: draft → submitted → verified → approved/rejected →
//! delivered → closed, with the budget check at approval, the technical-guidance check
//! at delivery, and the handover minutes (BAST) as PDF.
use crate::error::AppResult;
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::session::{Authed, Session};
use crate::AppState;
use app::proposals::{ProposalDetail, ProposalFilter};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::aid::ProposalState;
use domain::money::Rupiah;
use domain::{Invalid, Msg};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

pub(crate) use app::proposals::{ActBody, ItemQty, ProposalCreate};

mod api;
pub(crate) use api::*;
mod pages;
pub(crate) use pages::*;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/proposals", get(list_page).post(create_form))
        .route("/proposals/new", get(new_page))
        .route("/proposals/export", get(crate::export::export::<Proposals>))
        .route("/proposals/{id}", get(detail_page).post(update_form))
        .route("/proposals/{id}/edit", get(edit_page))
        .route("/proposals/{id}/withdraw", post(withdraw_form))
        .route("/proposals/{id}/act/{action}", post(act_form))
        .route("/proposals/{id}/bast.pdf", get(bast))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_export))
        .routes(routes!(api_get, api_update, api_withdraw))
        .routes(routes!(api_decision))
        .routes(routes!(api_act))
        .routes(routes!(api_bast))
        .routes(routes!(api_assets))
}

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct AssetOut {
    pub item_id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub value: i64,
    #[schema(value_type = String, format = Date)]
    pub acquired_on: app::Date,
    pub proposal_id: Option<i64>,
}

pub(crate) async fn assets(
    state: &AppState,
    s: &Session,
    kube_id: i64,
) -> AppResult<Vec<AssetOut>> {
    Ok(app::proposals::assets(&state.app(), &s.caller(), kube_id)
        .await?
        .into_iter()
        .map(AssetOut::from)
        .collect())
}

impl From<app::proposals::Asset> for AssetOut {
    fn from(a: app::proposals::Asset) -> AssetOut {
        AssetOut {
            value: a.quantity.saturating_mul(a.unit_price),
            item_id: a.item_id,
            name: a.name,
            unit: a.unit,
            quantity: a.quantity,
            unit_price: a.unit_price,
            acquired_on: a.acquired_on,
            proposal_id: a.proposal_id,
        }
    }
}

/// The group's asset register: goods received through delivered proposals.
#[utoipa::path(get, path = "/api/v1/kube/{id}/assets", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AssetOut>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_assets(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<AssetOut>>> {
    Ok(Json(assets(&state, &s, id).await?))
}

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct ProposalItemOut {
    pub item_id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub subtotal: i64,
    pub delivered_quantity: Option<i64>,
}

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct EventOut {
    #[schema(value_type = String)]
    pub action: domain::aid::Action,
    #[schema(value_type = String)]
    pub from_state: ProposalState,
    #[schema(value_type = String)]
    pub to_state: ProposalState,
    pub username: String,
    /// The account's full name, if it has one (as pages name people).
    pub full_name: Option<String>,
    pub note: Option<String>,
    pub at: String,
    /// The same person took this step and the one it checks (the office's option for
    /// very small offices allowed it).
    pub same_person: bool,
}

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct ProposalOut {
    pub id: i64,
    pub kube_id: i64,
    pub programme_id: i64,
    /// `draft`, `submitted`, `verified`, `approved`, `rejected`, `delivered`, `closed`
    #[schema(value_type = String)]
    pub state: ProposalState,
    pub total: i64,
    pub delivered_total: i64,
    pub justification: String,
    pub reason: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub delivered_on: Option<app::Date>,
    pub receiver: Option<String>,
    pub place: Option<String>,
    pub bast_number: Option<String>,
    pub items: Vec<ProposalItemOut>,
    pub events: Vec<EventOut>,
}

fn out(d: ProposalDetail) -> ProposalOut {
    let p = d.proposal;
    ProposalOut {
        id: p.id,
        kube_id: p.kube_id,
        programme_id: p.programme_id,
        state: p.state,
        total: p.total,
        delivered_total: p.delivered_total,
        justification: p.justification,
        reason: p.reason,
        delivered_on: p.delivered_on,
        receiver: p.receiver,
        place: p.place,
        bast_number: p.bast_number,
        items: d
            .items
            .into_iter()
            .map(|i| ProposalItemOut {
                subtotal: i.quantity.saturating_mul(i.unit_price),
                item_id: i.item_id,
                name: i.name,
                unit: i.unit,
                quantity: i.quantity,
                unit_price: i.unit_price,
                delivered_quantity: i.delivered_quantity,
            })
            .collect(),
        events: d
            .events
            .into_iter()
            .map(|e| EventOut {
                action: e.action,
                from_state: e.from_state,
                to_state: e.to_state,
                username: e.username,
                full_name: e.full_name,
                note: e.note,
                at: e.at,
                same_person: *e.same_person,
            })
            .collect(),
    }
}

async fn visible(state: &AppState, s: &Session, id: i64) -> AppResult<ProposalDetail> {
    Ok(app::scope::proposal(&state.app(), &s.caller(), id).await?)
}

/// A step the caller may take now, and why the facts would refuse it (null: they would not).
#[derive(Serialize, ToSchema)]
pub struct OfferOut {
    /// `submit`, `verify`, `approve`, `reject`, `deliver`, `close`
    #[schema(value_type = String)]
    pub action: domain::aid::Action,
    /// In the caller's language.
    pub refused: Option<String>,
}

/// An earlier or other proposal of the same group.
#[derive(Serialize, ToSchema)]
pub struct EarlierOut {
    pub id: i64,
    pub programme: String,
    #[schema(value_type = String)]
    pub state: ProposalState,
    pub total: i64,
    pub delivered_total: i64,
}

/// The facts a proposal is decided on, and the steps the caller may take with the reason
/// any would be refused now.
#[derive(Serialize, ToSchema)]
pub struct DecisionOut {
    pub offers: Vec<OfferOut>,
    /// The programme's budget (null: none set), committed so far, left now and left once
    /// this proposal is approved (its own amount already counted when `counted`).
    pub budget: Option<i64>,
    pub committed: i64,
    pub remaining: Option<i64>,
    pub remaining_after: Option<i64>,
    pub quota: Option<i64>,
    pub quota_left: Option<i64>,
    pub quota_left_after: Option<i64>,
    /// Approved or later: this proposal is already in the figures.
    pub counted: bool,
    /// The group's health today.
    #[schema(value_type = String)]
    pub status: domain::kube::Status,
    #[schema(value_type = Option<String>)]
    pub level: Option<domain::health::Level>,
    pub status_reasons: Vec<String>,
    pub members: i64,
    pub guidance_completed: bool,
    /// The guidance in a sentence (who attended, or what is missing).
    pub guidance: String,
    /// The group's other proposals, newest first.
    pub earlier: Vec<EarlierOut>,
}

pub(crate) fn decision_out(o: &app::proposals::Overview, lang: domain::Lang) -> DecisionOut {
    let f = &o.facts;
    let g = &f.guidance;
    let guidance = if g.completed {
        Msg::new("decision.guidance_done")
            .arg(g.attended)
            .arg(g.members)
    } else {
        let why: Vec<String> = g.reasons.iter().map(|m| m.text(lang)).collect();
        Msg::new("decision.guidance_missing").arg(why.join("; "))
    };
    DecisionOut {
        offers: o
            .offers
            .iter()
            .map(|x| OfferOut {
                action: x.action,
                refused: x.refused.as_ref().map(|m| m.text(lang)),
            })
            .collect(),
        budget: o.programme.budget,
        committed: f.figures.committed,
        remaining: f.figures.remaining,
        remaining_after: f.remaining_after,
        quota: o.programme.quota,
        quota_left: f.quota_left,
        quota_left_after: f.quota_left_after,
        counted: f.counted,
        status: f.health.status,
        level: f.health.level,
        status_reasons: f.health.reasons.iter().map(|m| m.text(lang)).collect(),
        members: o.kube.member_count,
        guidance_completed: g.completed,
        guidance: guidance.text(lang),
        earlier: f
            .earlier
            .iter()
            .map(|l| EarlierOut {
                id: l.proposal.id,
                programme: l.programme_name.clone(),
                state: l.proposal.state,
                total: l.proposal.total,
                delivered_total: l.proposal.delivered_total,
            })
            .collect(),
    }
}
