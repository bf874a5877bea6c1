//! The middleware every request passes: the session or token, CSRF, security headers,
//! error pages; and the small helpers it shares with the pages.
use super::*;

/// The first query parameter sent empty (`to=`): under `/api` a parameter not used is left
/// out (the document says `minLength: 1`), so an empty date or number is not read as none.
fn empty_parameter(query: Option<&str>) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query?).ok()?;
    pairs
        .into_iter()
        .find(|(_, v)| v.is_empty())
        .map(|(k, _)| k)
}

/// Resolves the caller's session and language, enforces CSRF on state-changing
/// requests, and renders every error in the caller's language (JSON or HTML).
pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let api = is_api(&path);
    // A NUL character in the address: no parameter holds one (PostgreSQL refuses it).
    let raw = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    if crate::json::has_encoded_nul(raw.as_bytes()) {
        return render_error(
            &state,
            None,
            Lang::Id,
            api,
            &path,
            AppError::BadRequest(Msg::new("error.bad_request")),
        );
    }
    let headers = req.headers().clone();

    let mut session = None;
    let (token, via_cookie) = match bearer(&headers) {
        Some(t) => (Some(t), false),
        None => (cookie(&headers, SESSION_COOKIE), true),
    };
    if let Some(token) = token {
        match app::sessions::resolve(&state.app(), token).await {
            Ok(Some(info)) => {
                session = Some(Session::new(info, via_cookie, state.clock().now()));
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = ?e, "session lookup failed");
                return render_error(
                    &state,
                    None,
                    Lang::Id,
                    api,
                    &path,
                    AppError::App(app::Error::Internal),
                );
            }
        }
    }

    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    let user_lang = session.as_ref().map(|s| s.user().lang);
    let cookie_lang = cookie(&headers, LANG_COOKIE).and_then(|c| Lang::parse(c).ok());
    // The API follows Accept-Language (api.md). Pages follow the user's own choice:
    // Bahasa Indonesia unless they chose English (many office PCs run English browsers).
    let lang = if api {
        accept.or(user_lang)
    } else {
        user_lang.or(cookie_lang)
    }
    .unwrap_or_default();

    if let Some(name) = api.then(|| empty_parameter(req.uri().query())).flatten() {
        let e = app::Error::Invalid(domain::Invalid::field(
            &name,
            Msg::new("error.empty_parameter"),
        ));
        return render_error(&state, session.as_ref(), lang, api, &path, AppError::App(e));
    }

    if !matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        match check_csrf(req, session.as_ref(), api).await {
            Ok(r) => req = r,
            Err(e) => return render_error(&state, session.as_ref(), lang, api, &path, e),
        }
    }

    // Another system's account reads through the registry interface only.
    if session.as_ref().is_some_and(|s| s.role().is_interop()) && !interop_may(&path) {
        return render_error(
            &state,
            session.as_ref(),
            lang,
            api,
            &path,
            AppError::App(app::Error::Forbidden),
        );
    }

    req.extensions_mut().insert(lang);
    let addr = ClientAddr(client_addr(&state, &req));
    if let Some(s) = session.take() {
        session = Some(s.from_client(addr.0.clone()));
    }
    req.extensions_mut().insert(addr);
    if let Some(s) = &session {
        req.extensions_mut().insert(s.clone());
    }
    // Reads may go to the replica, unless this session wrote within the lag it may have
    // (then they read its own writes from the primary).
    let method = req.method().clone();
    let reading = matches!(method, Method::GET | Method::HEAD);
    let cx = state.app();
    let resp = if reading
        && app::replica::may_read(
            &cx,
            session
                .as_ref()
                .and_then(|s| s.info.last_write_at.as_deref()),
        ) {
        app::replica::allowing(next.run(req)).await
    } else {
        next.run(req).await
    };
    if !reading && (resp.status().is_success() || resp.status().is_redirection()) {
        if let Some(s) = &session {
            if let Err(e) = app::replica::wrote(&cx, s.info.session_id).await {
                tracing::warn!(error = ?e, "recording a session's write failed");
            }
        }
    }

    if let Some(err) = resp.extensions().get::<AppError>().cloned() {
        let mut out = render_error(&state, session.as_ref(), lang, api, &path, err);
        for c in resp.headers().get_all(header::SET_COOKIE) {
            out.headers_mut().append(header::SET_COOKIE, c.clone());
        }
        return out;
    }
    // Rejections of axum's own extractors (bad JSON, wrong content type, ...) arrive
    // as plain text; give API callers the documented error shape.
    let status = resp.status();
    if api && (status.is_client_error() || status.is_server_error()) {
        let is_json = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if !is_json {
            let err = match status {
                StatusCode::NOT_FOUND => AppError::App(app::Error::NotFound),
                StatusCode::PAYLOAD_TOO_LARGE => {
                    AppError::BadRequest(Msg::new("error.payload_too_large"))
                }
                StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                    AppError::BadRequest(Msg::new("error.json_content_type"))
                }
                s if s.is_server_error() => AppError::App(app::Error::Internal),
                _ => AppError::BadRequest(Msg::new("error.bad_request")),
            };
            let mut r = (status, Json(err.to_json(lang))).into_response();
            if status == StatusCode::METHOD_NOT_ALLOWED {
                if let Some(allow) = resp.headers().get(header::ALLOW) {
                    r.headers_mut().insert(header::ALLOW, allow.clone());
                }
            }
            return r;
        }
    } else if !api && status.is_client_error() {
        // A page request the extractors refused (bad query, body too large) gets the
        // error page in the user's language instead of axum's plain text.
        let is_html = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if !is_html && status != StatusCode::NOT_MODIFIED {
            let err = match status {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    AppError::BadRequest(Msg::new("error.payload_too_large"))
                }
                StatusCode::NOT_FOUND => AppError::App(app::Error::NotFound),
                _ => AppError::BadRequest(Msg::new("error.bad_request")),
            };
            let mut out = render_error(&state, session.as_ref(), lang, api, &path, err);
            *out.status_mut() = status;
            return out;
        }
    }
    resp
}

/// What an interop account may reach: the registry interface, signing in and out, its
/// own profile (API tokens), the API's description, static files.
fn interop_may(path: &str) -> bool {
    const PREFIXES: [&str; 6] = [
        "/api/v1/registry/",
        "/api/v1/auth/",
        "/profile",
        "/static/",
        "/lang/",
        "/api/docs",
    ];
    PREFIXES.iter().any(|p| path.starts_with(p))
        || matches!(
            path,
            "/login" | "/logout" | "/api/openapi.json" | "/healthz" | "/readyz"
        )
}

/// Browsers send forms; a form from another site carries our cookie but cannot know
/// the token. Pages: the token must come as the `_csrf` form field, the `X-CSRF-Token`
/// header (htmx) or the `_csrf` query parameter (file uploads). API: bearer tokens are
/// not sent by browsers on their own; a cookie-authenticated call must be JSON (which a
/// cross-site form cannot send) or carry the header.
/// The boundary of a `multipart/form-data` request.
pub(super) fn multipart_boundary(req: &Request) -> Option<String> {
    let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return None;
    }
    let b = ct
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?;
    Some(b.trim_matches('"').to_string())
}

/// The `_csrf` field of a multipart form. The upload forms put it first, so only the
/// start of the body is read (at most 64 KB); the whole body is passed on unchanged.
pub(super) async fn multipart_csrf(
    req: Request,
    boundary: &str,
) -> Result<(Request, Option<String>), AppError> {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let delimiter = format!("--{boundary}");
    let mut head: Vec<u8> = Vec::new();
    let seen = |h: &[u8]| {
        h.windows(delimiter.len())
            .filter(|w| *w == delimiter.as_bytes())
            .count()
    };
    while head.len() < 64 * 1024 && seen(&head) < 2 {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(AppError::BadRequest(Msg::new("error.payload_too_large"))),
            None => break,
        }
    }
    let token = first_part_field(&head, &delimiter, "_csrf");
    let first =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(head)) },
        );
    let body = Body::from_stream(first.chain(stream));
    Ok((Request::from_parts(parts, body), token))
}

/// The value of the first part of a multipart body when that part is the field `name`.
pub(super) fn first_part_field(head: &[u8], delimiter: &str, name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let start = text.find(delimiter)? + delimiter.len();
    let part = &text[start..];
    let (headers, rest) = part.split_once("\r\n\r\n")?;
    let disposition = headers.to_ascii_lowercase();
    if !disposition.contains(&format!("name=\"{name}\"")) {
        return None;
    }
    let end = rest.find(&format!("\r\n{delimiter}"))?;
    Some(rest[..end].to_string())
}

pub(super) async fn check_csrf(
    req: Request,
    session: Option<&Session>,
    api: bool,
) -> Result<Request, AppError> {
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let expected: Option<String> = match session {
        Some(s) if !s.via_cookie => return Ok(req),
        Some(s) => Some(s.info.csrf.clone()),
        None => cookie(req.headers(), PRE_CSRF_COOKIE).map(String::from),
    };
    if api {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        // Without a session cookie there is nothing to forge: login itself is JSON-only.
        if session.is_none() || json || (header_token.is_some() && header_token == expected) {
            return Ok(req);
        }
        return Err(AppError::Csrf);
    }
    let Some(expected) = expected.filter(|e| !e.is_empty()) else {
        return Err(AppError::Csrf);
    };
    if header_token.as_deref() == Some(expected.as_str()) {
        return Ok(req);
    }
    // Never from the URL: proxies and browser histories keep URLs.
    if let Some(boundary) = multipart_boundary(&req) {
        let (req, token) = multipart_csrf(req, &boundary).await?;
        return if token.as_deref() == Some(expected.as_str()) {
            Ok(req)
        } else {
            Err(AppError::Csrf)
        };
    }
    let is_form = req.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
        .await
        .map_err(|_| AppError::BadRequest(Msg::new("error.payload_too_large")))?;
    let form_token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|v| v.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
    if form_token.as_deref() != Some(expected.as_str()) {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

pub(super) fn render_error(
    state: &AppState,
    session: Option<&Session>,
    lang: Lang,
    api: bool,
    path: &str,
    err: AppError,
) -> Response {
    if let AppError::App(app::Error::Internal) = err {
        tracing::error!(path, "internal error");
    }
    if api {
        return (err.status(), Json(err.to_json(lang))).into_response();
    }
    if let (AppError::Unauthorized, _) | (AppError::Csrf, None) = (&err, session) {
        let next = if path == "/" || path.starts_with("/login") {
            String::new()
        } else {
            format!("?next={}", urlencode(path))
        };
        if matches!(err, AppError::Unauthorized) {
            return Redirect::to(&format!("/login{next}")).into_response();
        }
    }
    let ctx = Ctx::new(state, session, lang, path, None);
    page::error_page(ctx, &err)
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|e| e[2..].to_string())
        .unwrap_or_default()
}

/// Only same-origin relative paths may be redirect targets: one `/`, then no second `/`
/// or `\` (browsers read `/\t/host` and `/\host` as `//host`), and no control or
/// whitespace characters anywhere. Anything else goes to `/`.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    let ok = |n: &str| {
        let mut c = n.chars();
        c.next() == Some('/')
            && !matches!(c.next(), Some('/' | '\\'))
            && !n
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    };
    match next {
        Some(n) if ok(n) => n.to_string(),
        _ => "/".into(),
    }
}
