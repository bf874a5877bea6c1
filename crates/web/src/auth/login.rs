//! Login and logout, pages and API: limits first, then the password; the language switch.
use super::*;
use app::sessions::SignedIn;

// ---------- login and logout ----------

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .route("/lang/{code}", get(set_lang))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_login))
        .routes(routes!(api_logout))
        .routes(routes!(api_logout_all))
        .routes(routes!(api_me))
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    ctx: Ctx,
    next: String,
    username: String,
    error: Option<String>,
    first_start: bool,
}

pub(super) async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
    session: Option<axum::Extension<Session>>,
) -> AppResult<Response> {
    if session.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    render_login(
        &state,
        &headers,
        lang,
        safe_next(q.next.as_deref()),
        String::new(),
        None,
        StatusCode::OK,
    )
    .await
}

pub(super) async fn render_login(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    next: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let existing = cookie(headers, PRE_CSRF_COOKIE).map(String::from);
    let pre = existing.clone().unwrap_or_else(new_token);
    let mut ctx = Ctx::new(state, None, lang, "/login", None);
    ctx.csrf = pre.clone();
    let first_start = app::sessions::first_start(&state.app()).await?;
    let page = LoginPage {
        ctx,
        next,
        username,
        error,
        first_start,
    };
    let mut resp = (status, page::html(&page)?).into_response();
    if existing.is_none() {
        if let Ok(v) = set_cookie(PRE_CSRF_COOKIE, &pre, 3600 * 12, state.settings.https).parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub(super) async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(f.next.as_deref());
    // The old session, if any, ends: the new one gets a new id.
    let old = cookie(&headers, SESSION_COOKIE);
    match app::sessions::sign_in(&state.app(), &f.username, &f.password, &addr.0, old).await? {
        SignedIn::Ok { user, token } => {
            // Another system's account has no pages but its profile (its API tokens).
            let next = if user.role.is_interop() {
                "/profile".to_string()
            } else {
                next
            };
            let mut resp = Redirect::to(&next).into_response();
            let c = set_cookie(
                SESSION_COOKIE,
                &token,
                SESSION_DAYS * 86400,
                state.settings.https,
            );
            if let Ok(v) = c.parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(
                LANG_COOKIE,
                user.lang.code(),
                365 * 86400,
                state.settings.https,
            )
            .parse()
            {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        SignedIn::Failed => {
            render_login(
                &state,
                &headers,
                lang,
                next,
                f.username,
                Some(lang.t("login.failed").into()),
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
        SignedIn::Locked => {
            render_login(
                &state,
                &headers,
                lang,
                next,
                f.username,
                Some(lang.t("login.too_many").into()),
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await
        }
    }
}

pub(super) async fn logout_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> AppResult<Response> {
    if let Some(t) = cookie(&headers, SESSION_COOKIE) {
        app::sessions::sign_out(&state.app(), t).await?;
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, state.settings.https).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// Language choice before login (after login it is saved in the profile).
pub(super) async fn set_lang(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> AppResult<Response> {
    let lang = Lang::parse(&code).map_err(|_| AppError::App(app::Error::NotFound))?;
    let mut resp = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    if let Ok(v) = set_cookie(LANG_COOKIE, lang.code(), 365 * 86400, state.settings.https).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

// ---------- API ----------

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LoginUser {
    pub username: String,
    pub role: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`; the same login also sets the session cookie.
    pub token: String,
    pub user: LoginUser,
}

/// Log in with user name and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::schema::ErrorBody),
              (status = 429, body = crate::schema::ErrorBody)),
    security(()))]
pub(crate) async fn api_login(
    State(state): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    crate::json::JsonIn(body): crate::json::JsonIn<LoginRequest>,
) -> AppResult<Response> {
    match app::sessions::sign_in(&state.app(), &body.username, &body.password, &addr.0, None)
        .await?
    {
        SignedIn::Ok { user, token } => {
            let mut resp = Json(LoginResponse {
                token: token.clone(),
                user: LoginUser {
                    username: user.username,
                    role: user.role.code().into(),
                },
            })
            .into_response();
            let c = set_cookie(
                SESSION_COOKIE,
                &token,
                SESSION_DAYS * 86400,
                state.settings.https,
            );
            if let Ok(v) = c.parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        SignedIn::Failed => Err(AppError::Unauthorized),
        SignedIn::Locked => Err(AppError::App(app::Error::Busy(Msg::new("login.too_many")))),
    }
}

/// End the current session (cookie or bearer token).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "logged out"), (status = 401, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Authed(_caller): Authed,
) -> AppResult<Response> {
    let token = bearer(&headers).or_else(|| cookie(&headers, SESSION_COOKIE));
    if let Some(t) = token {
        app::sessions::sign_out(&state.app(), t).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, state.settings.https).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// End every session and API token of the caller's account ("log out everywhere").
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "auth",
    responses((status = 204, description = "every session and token ended"), (status = 401, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_logout_all(
    State(state): State<AppState>,
    Authed(s): Authed,
) -> AppResult<Response> {
    app::sessions::sign_out_everywhere(&state.app(), &s.caller()).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, state.settings.https).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = crate::users::UserOut), (status = 401, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_me(Authed(s): Authed) -> Json<crate::users::UserOut> {
    Json(crate::users::UserOut::from(s.user().clone()))
}

#[cfg(test)]
mod redirect_tests {
    use super::safe_next;

    #[test]
    fn only_same_origin_paths_are_redirect_targets() {
        for ok in [
            "/",
            "/kube/5",
            "/persons?q=asep&offset=50",
            "/guide/operator",
        ] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example".replace("%09", "\t").as_str(),
            "/ /evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "evil.example",
            "/kube\\..\\x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
