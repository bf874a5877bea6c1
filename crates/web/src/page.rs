//! The page frame: what every page template needs (language, user, navigation,
//! CSRF token, flash message), HTML rendering, pagination and the error page.
use crate::error::{AppError, AppResult};
use crate::session::Session;
use crate::AppState;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::{Invalid, Lang, Role};

/// A count a page shows, whatever integer type holds it (templates pass references).
pub trait Whole {
    fn whole(&self) -> i64;
}

macro_rules! whole {
    ($($t:ty),*) => { $(impl Whole for $t {
        fn whole(&self) -> i64 {
            i64::try_from(*self).unwrap_or(i64::MAX)
        }
    })* };
}
whole!(i64, i32, u32, usize);

impl<T: Whole + ?Sized> Whole for &T {
    fn whole(&self) -> i64 {
        (**self).whole()
    }
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

pub struct CtxUser {
    pub username: String,
    pub role: Role,
}

pub struct Ctx {
    pub lang: Lang,
    pub user: Option<CtxUser>,
    pub csrf: String,
    pub flash: Option<String>,
    pub path: String,
    pub region_name: String,
}

impl Ctx {
    /// A count in the page's language: `1.510` (see `domain::numbers`).
    pub fn n(&self, v: impl Whole) -> String {
        domain::numbers::count(v.whole(), self.lang)
    }
    /// A percentage in the page's language: `39,3%`.
    pub fn pct(&self, v: impl std::borrow::Borrow<f64>) -> String {
        domain::numbers::percent(*v.borrow(), self.lang)
    }
    /// Whether the caller is of the office's staff who write (operator, head of division,
    /// admin): not a pendamping, not an auditor.
    pub fn is_office(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role.can_write() && u.role != Role::Pendamping)
    }
    /// Whether the caller administers the installation (users, shared settings).
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.manages_users())
    }
    pub fn new(
        state: &AppState,
        session: Option<&Session>,
        lang: Lang,
        path: &str,
        flash: Option<String>,
    ) -> Ctx {
        Ctx {
            lang,
            user: session.map(|s| CtxUser {
                username: s.user().username.clone(),
                role: s.role(),
            }),
            csrf: session.map(|s| s.info.csrf.clone()).unwrap_or_default(),
            flash,
            path: path.to_string(),
            region_name: state.areas.name(state.settings.region.as_str()).to_string(),
        }
    }
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
    /// A message with arguments, e.g. `ctx.tf("common.showing", [a, b, c])`.
    pub fn tf(&self, key: &'static str, args: &[String]) -> String {
        let mut m = domain::Msg::new(key);
        for a in args {
            let a = a.as_str();
            m = m.arg(a);
        }
        m.text(self.lang)
    }
    pub fn role_label(&self) -> &'static str {
        self.user
            .as_ref()
            .map(|u| self.t(u.role.label_key()))
            .unwrap_or("")
    }
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(u) = &self.user else {
            return Vec::new();
        };
        let mut items = vec![
            ("/", "nav.home"),
            ("/kube", "nav.kube"),
            ("/persons", "nav.persons"),
            ("/mentoring", "nav.mentoring"),
            ("/trainings", "nav.trainings"),
            ("/proposals", "nav.proposals"),
            ("/programmes", "nav.programmes"),
            ("/reports", "nav.reports"),
        ];
        if u.role.can_write() {
            items.insert(4, ("/field/", "nav.field"));
            items.push(("/import", "nav.import"));
        }
        if u.role.manages_users() {
            items.push(("/users", "nav.users"));
        }
        if !matches!(u.role, domain::Role::Pendamping | domain::Role::Interop) {
            items.push(("/protection", "nav.protection"));
        }
        if u.role.reads_audit() {
            items.push(("/audit", "nav.audit"));
            items.push(("/access-log", "nav.access"));
        }
        items.push(("/guide", "nav.guide"));
        items.push(("/api/docs", "nav.api_docs"));
        items
            .into_iter()
            .map(|(href, key)| NavItem {
                href,
                label: self.t(key),
                active: if href == "/" {
                    self.path == "/"
                } else {
                    self.path.starts_with(href)
                },
            })
            .collect()
    }
    /// Shows an instant in UTC as Asia/Jakarta time (WIB, UTC+7, no daylight saving).
    pub fn local_time(&self, rfc3339: &str) -> String {
        local_time(rfc3339)
    }
}

pub use app::local_time;

/// The label of a code (`prefix` + code in the message catalogue), or the code itself
/// when the catalogue has none (a new action the labels do not know yet stays readable).
pub fn label(prefix: &str, code: &str, lang: domain::Lang) -> String {
    domain::i18n::label(prefix, code, lang)
}

/// A date field's value as the office writes it: an ISO date (`1990-08-17`, as stored)
/// day first (`17-08-1990`); anything else (what the user typed) as it is.
pub fn day_first(v: impl std::fmt::Display) -> String {
    domain::dates::day_first(&v.to_string())
}

pub fn html(t: &impl Template) -> AppResult<Html<String>> {
    Ok(Html(t.render()?))
}

/// Extractor for pages that need a logged-in user: the session and the page frame.
/// Reading the frame consumes a pending flash message.
pub struct PageAuth {
    pub s: Session,
    pub ctx: Ctx,
}

impl FromRequestParts<AppState> for PageAuth {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let s = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or(AppError::Unauthorized)?;
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        let flash = s.info.flash.clone();
        if flash.is_some() {
            app::sessions::set_flash(&state.app(), s.info.session_id, None).await?;
        }
        let ctx = Ctx::new(state, Some(&s), lang, parts.uri.path(), flash);
        Ok(PageAuth { s, ctx })
    }
}

/// What a use case made of a submitted form.
pub enum Outcome<T> {
    /// Done: on to the next page with a message (`redirect_with_flash`).
    Done(T),
    /// Refused input: the form again, with its field errors (422).
    Again(Invalid),
}

/// Sorts a use case's answer to a form: refused input (validation, conflicts) goes
/// back to the form; any other error stays an error.
pub fn outcome<T, E: Into<AppError>>(r: Result<T, E>) -> AppResult<Outcome<T>> {
    match r {
        Ok(v) => Ok(Outcome::Done(v)),
        Err(e) => Ok(Outcome::Again(e.into().into_form_errors()?)),
    }
}

/// Redirect after a successful form (303: the browser follows with GET), with a message.
pub async fn redirect_with_flash(
    state: &AppState,
    s: &Session,
    to: &str,
    msg: impl Into<String>,
) -> AppResult<Response> {
    let msg = msg.into();
    app::sessions::set_flash(&state.app(), s.info.session_id, Some(&msg)).await?;
    Ok(Redirect::to(to).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: Ctx,
    status: u16,
    message: String,
    fields: Vec<(String, String)>,
}

pub fn error_page(ctx: Ctx, err: &AppError) -> Response {
    let fields = err
        .fields(ctx.lang)
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
        .collect();
    let page = ErrorPage {
        status: err.status().as_u16(),
        message: err.message(ctx.lang),
        fields,
        ctx,
    };
    match page.render() {
        Ok(body) => (err.status(), Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (err.status(), err.code()).into_response()
        }
    }
}

/// The links around a list's table: the previous and next page, the column sorts and
/// the exports, each keeping the other query parameters.
pub struct Pager {
    pub from: i64,
    pub to: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The list's export with its filters, ready for `format=…`, when the list has one.
    pub export: Option<String>,
    path: String,
    query: Vec<(String, String)>,
}

impl Pager {
    fn new<T>(page: &app::Page<T>, path: &str, query: &[(String, String)]) -> Pager {
        let query: Vec<(String, String)> = query
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .cloned()
            .collect();
        let n = page.items.len() as i64;
        let mut p = Pager {
            from: if n == 0 { 0 } else { page.offset + 1 },
            to: page.offset + n,
            total: page.total,
            prev: None,
            next: None,
            export: None,
            path: path.to_string(),
            query,
        };
        p.prev =
            (page.offset > 0).then(|| p.href(&[("offset", (page.offset - page.limit).max(0))]));
        p.next =
            (page.offset + n < page.total).then(|| p.href(&[("offset", page.offset + page.limit)]));
        p
    }
    /// This list's address with `set` replacing those parameters (a zero offset left out).
    fn href(&self, set: &[(&str, impl ToString)]) -> String {
        let mut q: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| k != "offset" && !set.iter().any(|(s, _)| s == k))
            .cloned()
            .collect();
        for (k, v) in set {
            let v = v.to_string();
            if !(*k == "offset" && v == "0") {
                q.push((k.to_string(), v));
            }
        }
        let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
        if qs.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{qs}", self.path)
        }
    }
    fn sort(&self) -> &str {
        self.query
            .iter()
            .find(|(k, _)| k == "sort")
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// A column header's link: sorts by `key`, descending when it already sorts by it,
    /// from the first page.
    pub fn sort_href(&self, key: &str) -> String {
        let to = if self.sort() == key {
            format!("-{key}")
        } else {
            key.to_string()
        };
        self.href(&[("sort", to)])
    }
    /// `▲`/`▼` on the column the list is sorted by.
    pub fn sort_mark(&self, key: &str) -> &'static str {
        match self.sort().strip_prefix('-') {
            Some(k) if k == key => " ▼",
            None if self.sort() == key => " ▲",
            _ => "",
        }
    }
    /// The list's export, with its filters.
    pub(crate) fn with_export(mut self) -> Pager {
        let filters: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| k != "offset" && k != "limit")
            .cloned()
            .collect();
        let mut qs = serde_urlencoded::to_string(filters).unwrap_or_default();
        if !qs.is_empty() {
            qs.push('&');
        }
        self.export = Some(format!("{}/export?{qs}", self.path));
        self
    }
}

/// A list page's request: its filter deserialised from the query string, and the page
/// of rows it asks for; it builds the pager and the export links from its own address,
/// so every list pages and exports the same way.
pub struct List<Q> {
    query: Q,
    uri: axum::http::Uri,
}

impl<Q> std::ops::Deref for List<Q> {
    type Target = Q;
    fn deref(&self) -> &Q {
        &self.query
    }
}

impl<Q: serde::de::DeserializeOwned> List<Q> {
    /// The list a form's `back` address shows, to show it again with the form's errors
    /// after a POST (`None` when the address is not a list's).
    pub fn from_back(back: &str) -> Option<List<Q>> {
        let uri: axum::http::Uri = back.parse().ok()?;
        let axum::extract::Query(query) = axum::extract::Query::try_from_uri(&uri).ok()?;
        Some(List { query, uri })
    }
}

impl<Q> List<Q> {
    /// The list's address as asked (path and filters).
    pub fn uri(&self) -> &axum::http::Uri {
        &self.uri
    }
    pub fn into_inner(self) -> Q {
        self.query
    }
    /// A whole number of the query string (`offset`, `limit`).
    fn number(&self, name: &str) -> Option<i64> {
        query_pairs(&self.uri)
            .into_iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.parse().ok())
    }
    /// Rows of `size` from the `offset` of the query.
    pub fn paging(&self, size: i64) -> app::Paging {
        app::Paging::new(Some(size), self.number("offset"))
    }
    /// Links to the previous and next page, keeping the filters.
    pub fn pager<T>(&self, page: &app::Page<T>) -> Pager {
        Pager::new(page, self.uri.path(), &query_pairs(&self.uri))
    }
}

impl<S: Send + Sync, Q: serde::de::DeserializeOwned + Send> FromRequestParts<S> for List<Q> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let axum::extract::Query(q) = axum::extract::Query::<Q>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let axum::extract::OriginalUri(uri) =
            axum::extract::OriginalUri::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        Ok(List { query: q, uri })
    }
}

/// Query parameters of the current request, for rebuilding links.
fn query_pairs(uri: &axum::http::Uri) -> Vec<(String, String)> {
    uri.query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

/// Field errors of a form, in the user's language, for the template to show per field.
#[derive(Default)]
pub struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    pub fn new(inv: Option<&domain::Invalid>, lang: Lang) -> FormErrors {
        FormErrors(
            inv.map(|i| {
                i.fields
                    .iter()
                    .map(|(f, m)| (f.clone(), m.text(lang)))
                    .collect()
            })
            .unwrap_or_default(),
        )
    }
    /// The message of a field, empty when the field is fine.
    pub fn get(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .unwrap_or("")
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// 422 when the form comes back with errors.
    pub fn status(&self) -> axum::http::StatusCode {
        if self.0.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

/// A form body as ordered pairs, for a form whose field names are data (a column
/// mapping's `map_<field>`).
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// A submitted form as a typed value. Unlike `axum::Form`, a name sent several times
/// (checkboxes, a multiple select) fills a `Vec`, and a field sent empty is `None`.
/// A body that does not fit is a 400, never a half-read form.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Form<T> {
    type Rejection = Response;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        form(&body).map(Form).map_err(IntoResponse::into_response)
    }
}

/// A form body as `T` (also for a body read as two parts: the domain's input and the
/// page's own fields beside it). A field the browser did not send at all — a radio group
/// left unticked — reads as sent empty, like an empty text box, so that the form's own
/// checks name it (422 on the field) instead of the whole body being refused.
pub fn form<T: serde::de::DeserializeOwned>(body: &[u8]) -> AppResult<T> {
    if crate::json::has_encoded_nul(body) {
        return Err(AppError::BadRequest(domain::Msg::new("error.bad_request")));
    }
    let sent: Vec<String> = form_pairs(body).into_iter().map(|(k, _)| k).collect();
    let mut body = body.to_vec();
    for field in required_missing::<T>(sent) {
        body.extend_from_slice(format!("&{field}=").as_bytes());
    }
    serde_html_form::from_bytes::<T>(&body)
        .map_err(|_| AppError::BadRequest(domain::Msg::new("error.bad_request")))
}

/// The fields `T` requires that were not sent: `T` is read from the names sent, each with
/// a value that fits any type, and its derived `Deserialize` names each required field it
/// misses through `Error::missing_field` (optional ones it fills itself).
fn required_missing<T: serde::de::DeserializeOwned>(mut names: Vec<String>) -> Vec<&'static str> {
    // A name sent several times (checkboxes) is one field.
    names.sort();
    names.dedup();
    use serde::de::value::MapDeserializer;
    use serde::de::{Deserializer, IntoDeserializer, Visitor};
    #[derive(Debug)]
    enum Heard {
        Missing(&'static str),
        Other,
    }
    impl std::fmt::Display for Heard {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{self:?}")
        }
    }
    impl std::error::Error for Heard {}
    impl serde::de::Error for Heard {
        fn custom<M: std::fmt::Display>(_: M) -> Heard {
            Heard::Other
        }
        fn missing_field(field: &'static str) -> Heard {
            Heard::Missing(field)
        }
    }
    /// A value that reads as whatever is asked of it, empty.
    struct Anything;
    impl<'de> IntoDeserializer<'de, Heard> for Anything {
        type Deserializer = Anything;
        fn into_deserializer(self) -> Anything {
            self
        }
    }
    impl<'de> Deserializer<'de> for Anything {
        type Error = Heard;
        fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Heard> {
            v.visit_str("")
        }
        fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Heard> {
            v.visit_none()
        }
        fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Heard> {
            v.visit_seq(serde::de::value::SeqDeserializer::<_, Heard>::new(
                std::iter::empty::<Anything>(),
            ))
        }
        fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Heard> {
            v.visit_bool(false)
        }
        fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Heard> {
            v.visit_i64(0)
        }
        serde::forward_to_deserialize_any! {
            i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
            unit_struct newtype_struct tuple tuple_struct map struct enum identifier ignored_any
        }
    }
    let mut missing = Vec::new();
    // Bounded: each round names one more field.
    for _ in 0..64 {
        let map = MapDeserializer::<_, Heard>::new(names.iter().map(|n| (n.as_str(), Anything)));
        match T::deserialize(map) {
            Err(Heard::Missing(field)) if !names.iter().any(|n| n == field) => {
                missing.push(field);
                names.push(field.to_string());
            }
            _ => break,
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::form;

    #[test]
    fn a_field_not_sent_reads_as_sent_empty() {
        let p: domain::person::PersonInput =
            form(b"nik=3279045708920003&name=Siti&birth_date=1992-08-17&village_code=x").unwrap();
        assert_eq!((p.sex.as_str(), p.name.as_str()), ("", "Siti"));
        assert!(p.categories.is_empty() && p.kk_number.is_none());
        // A body that does not fit the type is refused whole.
        assert!(form::<domain::person::PersonInput>(b"dtks_registered=maybe").is_err());
        // Checkboxes send their name once per tick.
        let p: domain::person::PersonInput =
            form(b"categories=wrse&categories=lansia&nik=1").unwrap();
        assert_eq!((p.categories.len(), p.sex.as_str()), (2, ""));
    }
}
