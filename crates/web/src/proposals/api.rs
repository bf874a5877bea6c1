//! The proposals JSON API: list, create, act on a proposal, its BAST and a KUBE's assets.
use super::*;
use crate::list::Listed;
pub(crate) use app::proposals::Proposals;

/// Proposals of the KUBE the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "aid", params(ProposalFilter, crate::list::PageQuery), responses((status = 200, body = crate::schema::ListOf<ProposalOut>)))]
pub(crate) async fn api_list(l: Listed<Proposals>) -> Json<crate::schema::ListOf<ProposalOut>> {
    l.json(|l| {
        out(ProposalDetail {
            proposal: l.proposal,
            items: Vec::new(),
            events: Vec::new(),
        })
    })
}

crate::export::api_export!(
    api_export,
    Proposals,
    "/api/v1/proposals/export",
    ProposalFilter,
    "Export the filtered proposals (the list's filters) as XLSX or CSV; audited."
);

/// A KUBE proposes goods from the catalogue under a programme: a draft.
#[utoipa::path(post, path = "/api/v1/proposals", tag = "aid", request_body = ProposalCreate,
    responses((status = 201, body = ProposalOut), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<ProposalCreate>,
) -> AppResult<Response> {
    let d = app::proposals::create(&state.app(), &s.caller(), &b).await?;
    Ok((StatusCode::CREATED, Json(out(d))).into_response())
}

/// A proposal with its items and history.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<ProposalOut>> {
    Ok(Json(out(visible(&state, &s, id).await?)))
}

/// The facts a proposal is decided on — the programme's budget and quota before and after
/// it, the group's status, level, guidance and other aid — and the steps the caller may
/// take now, each with the reason the facts would refuse it.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/decision", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, body = DecisionOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_decision(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<DecisionOut>> {
    let o = app::proposals::overview(&state.app(), &s.caller(), id).await?;
    Ok(Json(decision_out(&o, lang)))
}

/// One step: `submit`, `verify`, `approve`, `reject` (with `reason`), `deliver` (with
/// `delivered_on`, `items`, `receiver`), `close`. A wrong order, an overspend or a
/// delivery before technical guidance is 409.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/{action}", tag = "aid", params(("id" = i64, Path), ("action" = String, Path, pattern = "^(submit|verify|approve|reject|deliver|close)$")),
    request_body(content = Option<ActBody>),
    responses((status = 200, body = ProposalOut), (status = 403, body = crate::schema::ErrorBody), (status = 409, body = crate::schema::ErrorBody),
              (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_act(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, action)): Path<(i64, String)>,
    crate::json::JsonOpt(b): crate::json::JsonOpt<ActBody>,
) -> AppResult<Json<ProposalOut>> {
    // No body, or `null`, is a step with nothing to add.
    let b = b.unwrap_or_default();
    Ok(Json(out(app::proposals::act(
        &state.app(),
        &s.caller(),
        id,
        &action,
        &b,
    )
    .await?)))
}

/// The handover minutes (BAST) of a delivered proposal.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/bast.pdf", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 409, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_bast(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    bast_response(&state, &s, id).await
}

pub(super) async fn bast(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    bast_response(&state, &s, id).await
}

pub(super) async fn bast_response(state: &AppState, s: &Session, id: i64) -> AppResult<Response> {
    let bytes = app::proposals::bast(&state.app(), &s.caller(), id).await?;
    let name = format!("BAST-{id}.pdf");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
        bytes,
    )
        .into_response())
}

/// Change a draft (its programme, items and reason); refused once submitted.
#[utoipa::path(put, path = "/api/v1/proposals/{id}", tag = "proposals", params(("id" = i64, Path)), request_body = app::proposals::ProposalDraft,
    responses((status = 200, body = ProposalOut), (status = 404, body = crate::schema::ErrorBody), (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_update(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<app::proposals::ProposalDraft>,
) -> AppResult<Json<ProposalOut>> {
    Ok(Json(out(app::proposals::update(
        &state.app(),
        &s.caller(),
        id,
        &b,
    )
    .await?)))
}

/// Withdraw a draft: it and its files are removed, the audit trail keeps it; refused
/// once submitted (a submitted proposal is rejected instead).
#[utoipa::path(delete, path = "/api/v1/proposals/{id}", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::schema::ErrorBody), (status = 409, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_withdraw(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    app::proposals::withdraw(&state.app(), &s.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
