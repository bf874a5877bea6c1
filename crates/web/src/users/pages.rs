//! The user administration pages: the list and the form.
use super::*;
use crate::page::Outcome::{Again, Done};
use crate::session::Session;

// ---------- pages ----------

pub struct Row {
    pub id: i64,
    pub username: String,
    pub role: &'static str,
    pub districts: String,
    pub disabled: bool,
    pub last_login: String,
}

#[derive(askama::Template)]
#[template(path = "users_list.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    q: String,
    role: String,
    roles: Vec<(&'static str, &'static str)>,
    pager: Pager,
}

pub(super) fn district_names(state: &AppState, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| state.areas.name(c))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    PageAuth { ctx, .. }: PageAuth,
    l: Listed<Users>,
) -> AppResult<Response> {
    let never = ctx.t("users.never");
    let rows = l
        .page
        .items
        .into_iter()
        .map(|u| Row {
            id: u.id,
            username: u.username,
            role: ctx.t(u.role.label_key()),
            districts: district_names(&state, &u.districts),
            disabled: u.disabled,
            last_login: u
                .last_login_at
                .as_deref()
                .map(page::local_time)
                .unwrap_or_else(|| never.into()),
        })
        .collect();
    let roles = Role::options(ctx.lang);
    Ok(html(&ListPage {
        rows,
        q: l.query.q.unwrap_or_default(),
        role: l.query.role.unwrap_or_default(),
        roles,
        pager: l.pager,
        ctx,
    })?
    .into_response())
}

#[derive(askama::Template)]
#[template(path = "users_form.html")]
pub(super) struct FormPage {
    ctx: Ctx,
    /// `None` for a new user.
    id: Option<i64>,
    username: String,
    role: String,
    lang: String,
    disabled: bool,
    full_name: String,
    nip: String,
    position: String,
    districts: Vec<(String, String, bool)>,
    roles: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
    /// The account's sessions and API tokens (an existing account).
    sessions: Vec<SessionOut>,
}

pub(super) async fn form_page(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: Option<i64>,
    v: &UserFormData,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let sessions = match id {
        Some(id) => sessions_of(state, s, id).await?,
        None => Vec::new(),
    };
    let districts = state
        .districts()
        .into_iter()
        .map(|d| {
            (
                d.code.clone(),
                d.name.clone(),
                v.districts.contains(&d.code),
            )
        })
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let status = errors.status();
    let page = FormPage {
        id,
        username: v.username.clone(),
        role: v.role.clone(),
        lang: v.lang.clone().unwrap_or_else(|| "id".into()),
        disabled: v.disabled.is_some(),
        full_name: v.full_name.clone(),
        nip: v.nip.clone(),
        position: v.position.clone(),
        districts,
        roles: Role::options(ctx.lang),
        errors,
        sessions,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

/// The user form as browsers send it (checkboxes repeat `districts`).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserFormData {
    username: String,
    password: String,
    role: String,
    districts: Vec<String>,
    lang: Option<String>,
    disabled: Option<String>,
    full_name: String,
    nip: String,
    position: String,
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    s.require(Role::manages_users)?;
    let v = UserFormData {
        role: "operator".into(),
        ..Default::default()
    };
    form_page(&state, &s, ctx, None, &v, None).await
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    page::Form(f): page::Form<UserFormData>,
) -> AppResult<Response> {
    let input = UserCreate {
        username: f.username.clone(),
        password: f.password.clone(),
        role: f.role.clone(),
        districts: f.districts.clone(),
        lang: f.lang.clone(),
        full_name: Some(f.full_name.clone()),
        nip: Some(f.nip.clone()),
        position: Some(f.position.clone()),
    };
    match page::outcome(app::users::create(&state.app(), &s.caller(), &input).await)? {
        Done(u) => {
            let msg = ctx.tf("users.created", std::slice::from_ref(&u.username));
            page::redirect_with_flash(&state, &s, "/users", msg).await
        }
        Again(inv) => form_page(&state, &s, ctx, None, &f, Some(&inv)).await,
    }
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require(Role::manages_users)?;
    let u = app::users::get(&state.app(), &s.caller(), id).await?;
    let v = UserFormData {
        username: u.username,
        role: u.role.code().into(),
        districts: u.districts,
        lang: Some(u.lang.code().into()),
        disabled: u.disabled.then(|| "on".into()),
        full_name: u.identity.full_name.clone().unwrap_or_default(),
        nip: u
            .identity
            .nip
            .as_ref()
            .map(|n| n.as_str().to_string())
            .unwrap_or_default(),
        position: u.identity.position.clone().unwrap_or_default(),
        ..Default::default()
    };
    form_page(&state, &s, ctx, Some(id), &v, None).await
}

pub(super) async fn update_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<UserFormData>,
) -> AppResult<Response> {
    let patch = UserPatch {
        role: Some(f.role.clone()),
        districts: Some(f.districts.clone()),
        disabled: Some(f.disabled.is_some()),
        password: Some(f.password.clone()),
        lang: f.lang.clone(),
        full_name: Some(f.full_name.clone()),
        nip: Some(f.nip.clone()),
        position: Some(f.position.clone()),
    };
    match page::outcome(app::users::update(&state.app(), &s.caller(), id, &patch).await)? {
        Done(u) => {
            let msg = ctx.tf("users.updated", std::slice::from_ref(&u.username));
            page::redirect_with_flash(&state, &s, "/users", msg).await
        }
        Again(inv) => {
            let current = app::users::get(&state.app(), &s.caller(), id).await?;
            let f = UserFormData {
                username: current.username,
                ..f
            };
            form_page(&state, &s, ctx, Some(id), &f, Some(&inv)).await
        }
    }
}
