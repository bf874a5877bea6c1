//! The KUBE JSON API: groups, members and business types.
use super::*;
use crate::list::Listed;
pub(crate) use app::kube::Kubes;
/// The list's query string is the store's filter.
pub type ListQuery = KubeFilter;

// ---------- API ----------

#[derive(Serialize, ToSchema)]
pub struct BusinessTypeOut {
    pub code: String,
    pub name: String,
}

/// The configured business types.
#[utoipa::path(get, path = "/api/v1/business-types", tag = "kube",
    responses((status = 200, body = Vec<BusinessTypeOut>)))]
pub(crate) async fn api_business_types(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
) -> AppResult<Json<Vec<BusinessTypeOut>>> {
    Ok(Json(
        business_types(&state, &s, lang)
            .await?
            .into_iter()
            .map(|(code, name)| BusinessTypeOut { code, name })
            .collect(),
    ))
}

/// Add, rename or retire a business type (admin).
#[utoipa::path(post, path = "/api/v1/business-types", tag = "kube", request_body = app::kube::BusinessTypeIn,
    responses((status = 201, body = Vec<BusinessTypeOut>), (status = 403, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_business_type_upsert(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    crate::json::JsonIn(b): crate::json::JsonIn<app::kube::BusinessTypeIn>,
) -> AppResult<Response> {
    app::kube::business_type_save(&state.app(), &s.caller(), &b).await?;
    let all: Vec<BusinessTypeOut> = business_types(&state, &s, lang)
        .await?
        .into_iter()
        .map(|(code, name)| BusinessTypeOut { code, name })
        .collect();
    Ok((StatusCode::CREATED, Json(all)).into_response())
}

pub(super) async fn business_types(
    state: &AppState,
    s: &Session,
    lang: Lang,
) -> AppResult<Vec<(String, String)>> {
    Ok(active_type_names(
        &app::kube::business_types(&state.app(), &s.caller()).await?,
        lang,
    ))
}

pub(super) fn active_type_names(
    types: &[app::kube::BusinessType],
    lang: Lang,
) -> Vec<(String, String)> {
    types
        .iter()
        .filter(|b| *b.active)
        .map(|b| {
            let name = if lang == Lang::En {
                &b.name_en
            } else {
                &b.name
            };
            (b.code.clone(), name.clone())
        })
        .collect()
}

/// List KUBE the caller may see.
#[utoipa::path(get, path = "/api/v1/kube", tag = "kube", params(ListQuery, crate::list::PageQuery),
    responses((status = 200, body = crate::schema::ListOf<KubeOut>), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    l: Listed<Kubes>,
) -> Json<crate::schema::ListOf<KubeOut>> {
    l.json(|k| KubeOut::from_kube(&state, k))
}

crate::export::api_export!(
    api_export,
    Kubes,
    "/api/v1/kube/export",
    ListQuery,
    "Export the filtered KUBE (the list's filters) as XLSX or CSV; audited."
);

/// Form a KUBE with its members; returns its registration number.
#[utoipa::path(post, path = "/api/v1/kube", tag = "kube", request_body = KubeCreate,
    responses((status = 201, body = KubeOut), (status = 409, body = crate::schema::ErrorBody, description = "a member is already in an active KUBE"),
              (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<KubeCreate>,
) -> AppResult<Response> {
    let d = app::kube::create(&state.app(), &s.caller(), &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(KubeOut::from_detail(
            &state,
            d,
            s.role().sees_full_identity(),
        )),
    )
        .into_response())
}

/// Read a KUBE with members, history and current health.
#[utoipa::path(get, path = "/api/v1/kube/{id}", tag = "kube", params(("id" = i64, Path)),
    responses((status = 200, body = KubeOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<KubeOut>> {
    let (h, _) = app::visits::health(&state.app(), &s.caller(), id).await?;
    let d = visible(&state, &s, id).await?;
    let mut out = KubeOut::from_detail(&state, d, s.role().sees_full_identity());
    out.status = h.status.code().into();
    out.health = crate::visits::health_out(&h, lang);
    Ok(Json(out))
}

/// Change a KUBE's fields, stage or pendamping.
#[utoipa::path(patch, path = "/api/v1/kube/{id}", tag = "kube", params(("id" = i64, Path)), request_body = KubePatch,
    responses((status = 200, body = KubeOut), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_update(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<KubePatch>,
) -> AppResult<Json<KubeOut>> {
    let d = app::kube::update(&state.app(), &s.caller(), id, &b).await?;
    Ok(Json(KubeOut::from_detail(
        &state,
        d,
        s.role().sees_full_identity(),
    )))
}

/// Add a member (a person of the KUBE's kecamatan in no other active KUBE).
#[utoipa::path(post, path = "/api/v1/kube/{id}/members", tag = "kube", params(("id" = i64, Path)), request_body = MemberIn,
    responses((status = 201, body = KubeOut), (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_add_member(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<MemberIn>,
) -> AppResult<Response> {
    let d = app::kube::add_member(&state.app(), &s.caller(), id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(KubeOut::from_detail(
            &state,
            d,
            s.role().sees_full_identity(),
        )),
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaveQuery {
    /// Why the member leaves (kept in the membership history).
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct LeaveBody {
    pub reason: Option<String>,
}

/// A member leaves the KUBE (kept in the history). Refused below 5 members or for an
/// officer without replacement.
#[utoipa::path(delete, path = "/api/v1/kube/{id}/members/{person_id}", tag = "kube",
    params(("id" = i64, Path), ("person_id" = i64, Path), LeaveQuery), request_body(content = Option<LeaveBody>),
    responses((status = 200, body = KubeOut), (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_remove_member(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, person_id)): Path<(i64, i64)>,
    Query(q): Query<LeaveQuery>,
    crate::json::JsonOpt(body): crate::json::JsonOpt<LeaveBody>,
) -> AppResult<Json<KubeOut>> {
    let from_body = body.and_then(|b| b.reason);
    let reason = q.reason.or(from_body);
    let d = app::kube::remove_member(&state.app(), &s.caller(), id, person_id, reason.as_deref())
        .await?;
    Ok(Json(KubeOut::from_detail(
        &state,
        d,
        s.role().sees_full_identity(),
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleBody {
    /// `ketua`, `sekretaris`, `bendahara` or `anggota`; the previous holder of an office becomes `anggota`.
    #[schema(pattern = "^(ketua|sekretaris|bendahara|anggota)$")]
    pub role: String,
}

/// Change a member's role.
#[utoipa::path(patch, path = "/api/v1/kube/{id}/members/{person_id}", tag = "kube",
    params(("id" = i64, Path), ("person_id" = i64, Path)), request_body = RoleBody,
    responses((status = 200, body = KubeOut), (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_set_role(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, person_id)): Path<(i64, i64)>,
    crate::json::JsonIn(b): crate::json::JsonIn<RoleBody>,
) -> AppResult<Json<KubeOut>> {
    let d = app::kube::set_role(&state.app(), &s.caller(), id, person_id, &b.role).await?;
    Ok(Json(KubeOut::from_detail(
        &state,
        d,
        s.role().sees_full_identity(),
    )))
}

#[derive(Serialize, ToSchema)]
pub struct AssignOut {
    /// Groups whose pendamping changed (those already theirs are left as they were).
    pub changed: usize,
}

/// Give several groups to one pendamping at once (0: none), all or none; each group's
/// kecamatan must be one of the pendamping's. Not for a pendamping.
#[utoipa::path(post, path = "/api/v1/kube/assign", tag = "kube", request_body = app::kube::PendampingAssign,
    responses((status = 200, body = AssignOut), (status = 403, body = crate::schema::ErrorBody), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_assign(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<app::kube::PendampingAssign>,
) -> AppResult<Json<AssignOut>> {
    let changed = app::kube::assign_pendamping(&state.app(), &s.caller(), &b).await?;
    Ok(Json(AssignOut { changed }))
}

/// The KUBE list's ticked groups, given to the pendamping chosen below the table.
pub(super) async fn assign_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    crate::page::Form(b): crate::page::Form<AssignForm>,
) -> AppResult<Response> {
    let a = app::kube::PendampingAssign {
        kube_ids: b.kube_id,
        pendamping_id: b.pendamping_id.unwrap_or(-1),
    };
    let back = Some(b.back)
        .filter(|b| b.starts_with("/kube?") || b == "/kube")
        .unwrap_or_else(|| "/kube".into());
    let refused = if a.pendamping_id < 0 {
        Invalid::field("pendamping_id", domain::Msg::new("kube.assign_pick"))
    } else {
        match app::kube::assign_pendamping(&state.app(), &s.caller(), &a).await {
            Ok(n) => {
                let msg = ctx.tf("kube.assigned", &[n.to_string()]);
                return crate::page::redirect_with_flash(&state, &s, &back, msg).await;
            }
            Err(app::Error::Invalid(inv)) => inv,
            Err(e) => return Err(e.into()),
        }
    };
    // Shown again as it was, the groups still ticked, the reason beside the button.
    let list = crate::page::List::from_back(&back)
        .or_else(|| crate::page::List::from_back("/kube"))
        .ok_or(app::Error::NotFound)?;
    super::render_list(&state, &s, ctx, list, Some(&refused), a.kube_ids).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct AssignForm {
    kube_id: Vec<i64>,
    pendamping_id: Option<i64>,
    /// The list as filtered, to return to.
    back: String,
}

/// A group's members under the membership rules: the exceptions officers recorded (with
/// reason, who and when), members who break a rule without one, and what is unknown.
#[utoipa::path(get, path = "/api/v1/kube/{id}/membership", tag = "kube", params(("id" = i64, Path)),
    responses((status = 200, body = super::MembershipOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_membership(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<super::MembershipOut>> {
    let st = app::membership::standing(&state.app(), &s.caller(), id).await?;
    Ok(Json(super::membership_out(st, lang)))
}
