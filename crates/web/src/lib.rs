//! The web tier: HTML pages and the JSON API over one router. Handlers are thin:
//! parse, authorise, call the store/domain, render. One module per capability.

mod access;
pub mod api;
mod areas;
mod assets;
mod attachments;
mod audit;
pub mod auth;
mod chart;
mod checklist;
mod contract;
mod dashboard;
mod dtsen;
mod duplicates;
pub mod error;
mod exchange;
mod export;
mod field;
pub mod guide;
mod idempotency;
pub mod import;
mod json;
mod kube;
mod list;
mod monthly;
mod page;
mod persons;
mod profile;
mod programmes;
mod proposals;
mod protection;
mod registry;
mod reports;
mod schema;
pub mod session;
mod slots;
mod tasks;
mod trainings;
mod users;
mod visits;

use axum::http::{header, HeaderValue};
use axum::Router;
use domain::Areas;
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

pub use app::Settings;
pub use error::AppError;

#[derive(Clone)]
pub struct AppState {
    /// The application layer: the only way to the data.
    cx: app::Context,
    /// The area tables and the settings, shared with the application layer.
    pub areas: Arc<Areas>,
    pub settings: Arc<Settings>,
    dashboards: Arc<app::cache::VersionedCache<dashboard::Computed>>,
    /// Exports running at once (two per account, four in all).
    exports: Arc<slots::Slots>,
    /// File checks and imports running at once (two per account, two in all: each takes
    /// a core).
    imports: Arc<slots::Slots>,
}

/// A KUBE the caller may see; any other is not found (`app::scope`).
pub(crate) async fn kube_in_scope(
    state: &AppState,
    s: &session::Session,
    id: i64,
) -> error::AppResult<app::kube::Kube> {
    Ok(app::scope::kube(&state.app(), &s.caller(), id).await?)
}

impl AppState {
    pub fn new(cx: app::Context) -> AppState {
        AppState {
            areas: cx.areas.clone(),
            settings: cx.settings.clone(),
            cx,
            dashboards: Default::default(),
            exports: Arc::new(slots::Slots::new(4, 2, "export.busy")),
            imports: Arc::new(slots::Slots::new(2, 2, "import.busy")),
        }
    }
    /// What every "now" and "today" of this server reads.
    pub fn clock(&self) -> app::Clock {
        self.cx.clock()
    }
    /// Today where the office is.
    pub fn today(&self) -> chrono::NaiveDate {
        self.cx.today()
    }
    /// What the application layer's use cases work with.
    pub fn app(&self) -> app::Context {
        self.cx.clone()
    }
    /// The region's kecamatan, in code order.
    pub fn districts(&self) -> Vec<&domain::area::Area> {
        self.areas.children(self.settings.region.as_str())
    }
}

/// Routes that remember their paths, so tests can visit every one (the role matrix).
pub struct Routes {
    router: Router<AppState>,
    paths: Vec<String>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            paths: Vec::new(),
        }
    }
    pub fn route(mut self, path: &str, m: axum::routing::MethodRouter<AppState>) -> Routes {
        self.router = self.router.route(path, m);
        self.paths.push(path.to_string());
        self
    }
    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }
    /// Accepts request bodies up to `bytes` on these routes (others: 2 MB).
    pub fn layer_body_limit(mut self, bytes: usize) -> Routes {
        self.router = self
            .router
            .layer(axum::extract::DefaultBodyLimit::max(bytes));
        self
    }
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

/// The pages (and files) of the application, without the API.
fn pages() -> Routes {
    Routes::new()
        .merge(auth::routes())
        .merge(dashboard::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(profile::routes())
        .merge(persons::routes())
        .merge(duplicates::routes())
        .merge(dtsen::routes())
        .merge(checklist::routes())
        .merge(exchange::routes())
        .merge(kube::routes())
        .merge(trainings::routes())
        .merge(visits::routes())
        .merge(field::routes())
        .merge(monthly::routes())
        .merge(access::routes())
        .merge(protection::routes())
        .merge(programmes::routes())
        .merge(proposals::routes())
        .merge(attachments::routes())
        .merge(reports::routes())
        .merge(areas::routes())
        .merge(assets::routes())
        .merge(import::routes())
        .merge(guide::routes())
}

/// Every page path (with `{param}` placeholders); the API's are in [`api::api_paths`].
pub fn page_paths() -> Vec<String> {
    pages().paths
}

/// The whole application: pages, API, assets, health checks.
pub fn router(state: AppState) -> Router {
    let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
               frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    let mut app = pages()
        .router
        .merge(api::routes())
        .fallback(|| async { AppError::App(app::Error::NotFound) })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::middleware,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(60),
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        // Pages, API answers and documents carry personal data: a shared office PC's
        // browser must keep none of it. Static assets set their own caching first.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ));
    if state.settings.https {
        app = app.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    // A bug in a handler answers 500 instead of dropping the connection.
    app.layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(
        tower_http::trace::TraceLayer::new_for_http().make_span_with(
            // Only method and path, with long digit runs (NIK, KK) blanked: query strings
            // may carry names or NIKs and are never logged.
            |req: &axum::http::Request<_>| {
                tracing::info_span!("request", method = %req.method(), path = %redact_path(req.uri().path()))
            },
        ),
    )
    .with_state(state)
}

/// A path fit for the log: runs of 10 or more digits (NIK, KK numbers) become `…`.
pub fn redact_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut digits = String::new();
    for c in path.chars().chain(std::iter::once('/')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.len() >= 10 {
            out.push('…');
        } else {
            out.push_str(&digits);
        }
        digits.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// Process alive.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, description = "alive")))]
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// Database reachable; with a read replica, how it stands (`ready; replica ok, 12 ms
/// behind`, or `ready; replica down: reads from the primary`).
#[utoipa::path(get, path = "/readyz", tag = "system", responses(
    (status = 200, description = "ready", content_type = "text/plain"), (status = 503, description = "database unreachable")))]
pub(crate) async fn readyz(
    axum::extract::State(s): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, String) {
    use app::replica::ReplicaState;
    let cx = s.app();
    match app::sessions::ping(&cx).await {
        Ok(()) => (
            axum::http::StatusCode::OK,
            match app::replica::state(&cx) {
                None => "ready".into(),
                Some(ReplicaState::Ok { lag_ms }) => {
                    format!("ready; replica ok, {lag_ms} ms behind")
                }
                Some(ReplicaState::Lagging { lag_ms }) => {
                    format!("ready; replica {lag_ms} ms behind: reads from the primary")
                }
                Some(ReplicaState::Down) => "ready; replica down: reads from the primary".into(),
                Some(ReplicaState::Starting) => {
                    "ready; replica not checked yet: reads from the primary".into()
                }
            },
        ),
        Err(e) => {
            tracing::error!(error = ?e, "database unreachable");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unreachable".into(),
            )
        }
    }
}

/// Serves the application until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn niks_never_reach_the_log() {
        assert_eq!(
            super::redact_path("/api/v1/nik/3279045708920003"),
            "/api/v1/nik/…"
        );
        assert_eq!(
            super::redact_path("/kube/12/members/345"),
            "/kube/12/members/345"
        );
        assert_eq!(super::redact_path("/"), "/");
    }
}
