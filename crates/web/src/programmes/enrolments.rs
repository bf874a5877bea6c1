//! Individual programmes: enrolling persons, recording and approving their benefits.
use super::*;
use crate::page::Outcome::{Again, Done};

#[derive(Serialize, ToSchema)]
pub struct EnrolmentOut {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    #[schema(value_type = String, format = Date)]
    pub enrolled_on: app::Date,
}

impl From<app::programmes::Enrolment> for EnrolmentOut {
    fn from(e: app::programmes::Enrolment) -> Self {
        EnrolmentOut {
            id: e.id,
            person_id: e.person_id,
            name: e.name,
            enrolled_on: e.enrolled_on,
        }
    }
}

/// Enrol a person in an individual programme (eligibility checked; 422 with the reason).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/enrolments", tag = "aid", params(("id" = i64, Path)), request_body = EnrolIn,
    responses((status = 201, description = "enrolled"), (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_enrol(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<EnrolIn>,
) -> AppResult<Response> {
    let eid = app::programmes::enrol(&state.app(), &s.caller(), id, b.person_id).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": eid}))).into_response())
}

/// Persons enrolled (in the caller's area).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/enrolments", tag = "aid", params(("id" = i64, Path)), responses((status = 200, body = Vec<EnrolmentOut>)))]
pub(crate) async fn api_enrolments(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<EnrolmentOut>>> {
    Ok(Json(
        app::programmes::enrolments(&state.app(), &s.caller(), id)
            .await?
            .into_iter()
            .map(EnrolmentOut::from)
            .collect(),
    ))
}

/// Record a benefit (goods, training, monthly assistance) within the budget.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/benefits", tag = "aid", params(("id" = i64, Path)), request_body = BenefitIn,
    responses((status = 201, description = "recorded"), (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_benefit(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<BenefitIn>,
) -> AppResult<Response> {
    let bid = app::programmes::benefit(&state.app(), &s.caller(), id, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": bid}))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct BenefitOut {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    /// `barang`, `pelatihan`, `bantuan_bulanan`
    #[schema(value_type = String)]
    pub kind: domain::aid::BenefitKind,
    pub period: String,
    pub amount: i64,
    #[schema(value_type = String, format = Date)]
    pub given_on: app::Date,
    /// Who approved the payment and when; null while a cash benefit awaits the head of
    /// division.
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

impl From<app::programmes::Benefit> for BenefitOut {
    fn from(b: app::programmes::Benefit) -> Self {
        BenefitOut {
            id: b.id,
            person_id: b.person_id,
            name: b.name,
            kind: b.kind,
            period: b.period,
            amount: b.amount,
            given_on: b.given_on,
            approved_by: b.approved_by,
            approved_at: b.approved_at,
        }
    }
}

/// The benefits given under a programme to persons the caller may see, awaiting
/// approval first.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/benefits", tag = "aid", params(("id" = i64, Path), crate::list::PageQuery),
    responses((status = 200, body = crate::schema::ListOf<BenefitOut>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_benefits(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Query(q): Query<crate::list::PageQuery>,
) -> AppResult<Json<crate::schema::ListOf<BenefitOut>>> {
    let page = app::programmes::benefits(&state.app(), &s.caller(), id, q.paging()?).await?;
    Ok(Json(crate::schema::ListOf::from_page(
        page,
        BenefitOut::from,
    )))
}

/// Approve a recorded cash benefit (kepala bidang; not its recorder).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/benefits/{bid}/approve", tag = "aid", params(("id" = i64, Path), ("bid" = i64, Path)),
    responses((status = 200, body = BenefitOut), (status = 403, body = crate::schema::ErrorBody), (status = 404, body = crate::schema::ErrorBody), (status = 409, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_benefit_approve(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, bid)): Path<(i64, i64)>,
) -> AppResult<Json<BenefitOut>> {
    Ok(Json(
        app::programmes::approve_benefit(&state.app(), &s.caller(), id, bid)
            .await?
            .into(),
    ))
}

pub(super) async fn approve_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, bid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    match page::outcome(app::programmes::approve_benefit(&state.app(), &s.caller(), id, bid).await)?
    {
        Done(_) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{id}"),
                ctx.t("benefit.approved"),
            )
            .await
        }
        Again(inv) => render_detail(&state, &s, ctx, id, "", Some(&inv)).await,
    }
}

/// Payments to approve at once.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ApproveIn {
    pub benefit_ids: Vec<i64>,
}

/// A payment not approved, and why.
#[derive(Serialize, ToSchema)]
pub struct RefusedOut {
    pub id: i64,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApprovedOut {
    pub approved: Vec<BenefitOut>,
    pub refused: Vec<RefusedOut>,
}

/// Approve several recorded payments at once (kepala bidang): each is approved and
/// audited on its own, never by its recorder; those refused are listed with the reason
/// and do not hold back the others. At most 500.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/benefits/approve", tag = "aid", params(("id" = i64, Path)), request_body = ApproveIn,
    responses((status = 200, body = ApprovedOut), (status = 403, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_benefits_approve(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<ApproveIn>,
) -> AppResult<Json<ApprovedOut>> {
    let done =
        app::programmes::approve_benefits(&state.app(), &s.caller(), id, &b.benefit_ids).await?;
    Ok(Json(ApprovedOut {
        approved: done.approved.into_iter().map(BenefitOut::from).collect(),
        refused: done
            .refused
            .into_iter()
            .map(|(id, m)| RefusedOut {
                id,
                reason: m.text(lang),
            })
            .collect(),
    }))
}

/// The ticked payments of the benefits table.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApproveForm {
    benefit_id: Vec<i64>,
}

pub(super) async fn approve_selected_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<ApproveForm>,
) -> AppResult<Response> {
    let r = app::programmes::approve_benefits(&state.app(), &s.caller(), id, &f.benefit_id).await;
    match page::outcome(r)? {
        Done(done) => {
            let mut msg = domain::Msg::new("benefit.approved_n")
                .arg(done.approved.len())
                .text(ctx.lang);
            if !done.refused.is_empty() {
                let why: Vec<String> = done
                    .refused
                    .iter()
                    .map(|(bid, m)| format!("#{bid} {}", m.text(ctx.lang)))
                    .collect();
                msg.push(' ');
                msg.push_str(
                    &domain::Msg::new("benefit.refused_n")
                        .arg(done.refused.len())
                        .arg(why.join("; "))
                        .text(ctx.lang),
                );
            }
            // Back to the table, not the top of the page.
            page::redirect_with_flash(&state, &s, &format!("/programmes/{id}#benefits"), msg).await
        }
        Again(inv) => render_detail(&state, &s, ctx, id, "", Some(&inv)).await,
    }
}
