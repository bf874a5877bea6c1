//! Individual programmes: enrolling persons, recording and approving their benefits.
use super::*;

#[derive(Deserialize, ToSchema)]
pub struct EnrolIn {
    pub person_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentOut {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub enrolled_on: String,
}

/// Enrols a person after checking the programme's eligibility (age, sex, category).
pub(super) async fn enrol(
    state: &AppState,
    s: &Session,
    programme_id: i64,
    person_id: i64,
) -> AppResult<i64> {
    s.require_write()?;
    let (p, _) = state.store.programme(programme_id).await?;
    if p.target != Target::Individual.code() {
        return Err(AppError::invalid(
            "programme_id",
            Msg::new("programme.wrong_target"),
        ));
    }
    let person = crate::persons::visible(state, s, person_id)
        .await
        .map_err(|_| {
            AppError::invalid("person_id", Msg::new("kube.person_unknown").arg(person_id))
        })?;
    if let Some(e) = p
        .eligibility_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<Eligibility>(j).ok())
    {
        let sex =
            domain::nik::Sex::parse(&person.sex).map_err(|m| AppError::invalid("person_id", m))?;
        let age = domain::person::parse_date(&person.birth_date)
            .map(|b| age_on(b, today()))
            .unwrap_or(0);
        let cats: Vec<Category> = person
            .categories
            .iter()
            .filter_map(|c| Category::parse(c).ok())
            .collect();
        e.check(sex, age, &cats)
            .map_err(|m| AppError::invalid("person_id", m))?;
    }
    Ok(state
        .store
        .enrol(
            &s.actor(),
            programme_id,
            person_id,
            &today().format("%Y-%m-%d").to_string(),
        )
        .await?)
}

/// Enrol a person in an individual programme (eligibility checked; 422 with the reason).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/enrolments", tag = "aid", params(("id" = i64, Path)), request_body = EnrolIn,
    responses((status = 201, description = "enrolled"), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_enrol(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<EnrolIn>,
) -> AppResult<Response> {
    let eid = enrol(&state, &s, id, b.person_id).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": eid}))).into_response())
}

/// Persons enrolled (in the caller's area).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/enrolments", tag = "aid", params(("id" = i64, Path)), responses((status = 200, body = Vec<EnrolmentOut>)))]
pub(crate) async fn api_enrolments(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<EnrolmentOut>>> {
    state.store.programme(id).await?;
    Ok(Json(
        state
            .store
            .enrolments(id, s.district_scope())
            .await?
            .into_iter()
            .map(|e| EnrolmentOut {
                id: e.id,
                person_id: e.person_id,
                name: e.name,
                enrolled_on: e.enrolled_on,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct BenefitIn {
    pub person_id: i64,
    /// `barang`, `pelatihan`, `bantuan_bulanan`
    pub kind: String,
    /// `YYYY-MM`
    pub period: String,
    /// Integer rupiah.
    pub amount: i64,
    pub description: Option<String>,
}

pub(super) async fn benefit(
    state: &AppState,
    s: &Session,
    programme_id: i64,
    b: &BenefitIn,
) -> AppResult<i64> {
    s.require_write()?;
    let mut inv = Invalid::new();
    if !matches!(b.kind.as_str(), "barang" | "pelatihan" | "bantuan_bulanan") {
        inv.add("kind", Msg::new("benefit.kind_invalid"));
    }
    if chrono::NaiveDate::parse_from_str(&format!("{}-01", b.period.trim()), "%Y-%m-%d").is_err() {
        inv.add("period", Msg::new("benefit.period_invalid"));
    }
    if b.amount < 0 {
        inv.add("amount", Msg::new("money.negative"));
    }
    inv.into_result()?;
    crate::persons::visible(state, s, b.person_id).await?;
    Ok(state
        .store
        .benefit_add(
            &s.actor(),
            programme_id,
            b.person_id,
            &b.kind,
            b.period.trim(),
            Rupiah::new(b.amount),
            b.description.as_deref(),
            &today().format("%Y-%m-%d").to_string(),
        )
        .await?)
}

/// Record a benefit (goods, training, monthly assistance) within the budget.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/benefits", tag = "aid", params(("id" = i64, Path)), request_body = BenefitIn,
    responses((status = 201, description = "recorded"), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_benefit(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<BenefitIn>,
) -> AppResult<Response> {
    let bid = benefit(&state, &s, id, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": bid}))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct BenefitOut {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    /// `barang`, `pelatihan`, `bantuan_bulanan`
    pub kind: String,
    pub period: String,
    pub amount: i64,
    pub given_on: String,
    /// Who approved the payment and when; null while a cash benefit awaits the head of
    /// division.
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

impl From<store::aid::Benefit> for BenefitOut {
    fn from(b: store::aid::Benefit) -> Self {
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

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The benefits given under a programme to persons the caller may see, awaiting
/// approval first.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/benefits", tag = "aid", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = crate::api::ListOf<BenefitOut>), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_benefits(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<crate::api::ListOf<BenefitOut>>> {
    state.store.programme(id).await?;
    let page = state
        .store
        .benefits(
            id,
            s.district_scope(),
            store::Paging::new(q.limit, q.offset),
        )
        .await?;
    Ok(Json(crate::api::ListOf::from_page(page, BenefitOut::from)))
}

/// The head of division approves a recorded cash benefit (not the person who recorded it).
pub(super) async fn approve_benefit(
    state: &AppState,
    s: &Session,
    id: i64,
    bid: i64,
) -> AppResult<store::aid::Benefit> {
    s.require(|r| r == Role::KepalaBidang)?;
    Ok(state
        .store
        .benefit_approve(&s.actor(), id, bid, state.config.allow_same_person)
        .await?)
}

/// Approve a recorded cash benefit (kepala bidang; not its recorder).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/benefits/{bid}/approve", tag = "aid", params(("id" = i64, Path), ("bid" = i64, Path)),
    responses((status = 200, body = BenefitOut), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody)))]
pub(crate) async fn api_benefit_approve(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, bid)): Path<(i64, i64)>,
) -> AppResult<Json<BenefitOut>> {
    Ok(Json(approve_benefit(&state, &s, id, bid).await?.into()))
}

pub(super) async fn approve_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, bid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    match approve_benefit(&state, &s, id, bid).await {
        Ok(_) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{id}"),
                ctx.t("benefit.approved").into(),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            render_detail(&state, &s, ctx, id, Some(&inv)).await
        }
    }
}
