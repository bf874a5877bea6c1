//! The dashboard: how many KUBE, how many run, where, of which kind, funded how — live,
//! scoped to what the caller may see. Home page and `GET /api/v1/dashboard`.
use crate::chart::{stacked_bars, Bar, Segment};
use crate::error::AppResult;
use crate::page::{self, html, Ctx, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use domain::kube::Status;
use domain::Lang;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new().route("/", get(home))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_dashboard))
}

/// Counts per status code (`berjalan`, `perlu_pendampingan`, `tidak_aktif`, `bubar`, `belum_dinilai`).
pub use app::dashboard::ByStatus;

#[derive(Serialize, ToSchema, Clone)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub total: i64,
    #[schema(value_type = Object)]
    pub by_status: ByStatus,
}

#[derive(Serialize, ToSchema)]
pub struct ThisYear {
    pub year: i32,
    pub trainings: i64,
    /// Persons who attended.
    pub participants: i64,
    pub visits: i64,
    /// KUBE (not dissolved) whose monitoring visit is overdue today.
    pub visits_overdue: i64,
    /// Budget and quota use of this year's programmes.
    pub programmes: Vec<crate::programmes::ProgrammeOut>,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardOut {
    pub kube_total: i64,
    #[schema(value_type = Object)]
    pub by_status: ByStatus,
    /// Share of all KUBE that are running (`berjalan`), in percent with one decimal.
    pub running_pct: f64,
    /// Active members of KUBE.
    pub members_total: i64,
    pub by_district: Vec<Group>,
    pub by_village: Vec<Group>,
    pub by_business_type: Vec<Group>,
    pub by_year: Vec<Group>,
    pub by_funding_source: Vec<Group>,
    /// By the latest stage checklist: `never` (never assessed), `below` (not even Tumbuh),
    /// `tumbuh`, `berkembang`, `maju`.
    pub by_level: Vec<Group>,
    /// Persons enrolled in individual programmes (WRSE, ASLUT, ...).
    pub enrolled_total: i64,
    /// Registered persons by category (`fakir_miskin`, `wrse`, `lansia`, `anak`, `disabilitas`).
    #[schema(value_type = Object)]
    pub persons_by_category: BTreeMap<String, i64>,
    pub this_year: ThisYear,
}

impl From<app::dashboard::Group> for Group {
    fn from(g: app::dashboard::Group) -> Group {
        Group {
            code: g.code,
            name: g.name,
            total: g.total,
            by_status: g.by_status,
        }
    }
}

fn groups(gs: Vec<app::dashboard::Group>) -> Vec<Group> {
    gs.into_iter().map(Group::from).collect()
}

impl From<app::dashboard::Dashboard> for DashboardOut {
    fn from(d: app::dashboard::Dashboard) -> DashboardOut {
        let y = d.this_year;
        DashboardOut {
            kube_total: d.kube_total,
            by_status: d.by_status,
            running_pct: d.running_pct,
            members_total: d.members_total,
            by_district: groups(d.by_district),
            by_village: groups(d.by_village),
            by_business_type: groups(d.by_business_type),
            by_year: groups(d.by_year),
            by_funding_source: groups(d.by_funding_source),
            by_level: groups(d.by_level),
            enrolled_total: d.enrolled_total,
            persons_by_category: d.persons_by_category,
            this_year: ThisYear {
                year: y.year,
                trainings: y.trainings,
                participants: y.participants,
                visits: y.visits,
                visits_overdue: y.visits_overdue,
                programmes: y
                    .programmes
                    .into_iter()
                    .map(|(p, f)| crate::programmes::programme_out(p, f))
                    .collect(),
            },
        }
    }
}

/// The dashboard of the caller's area, recomputed only when the data changed.
pub(crate) async fn dashboard(
    state: &AppState,
    s: &Session,
    lang: Lang,
) -> AppResult<std::sync::Arc<Computed>> {
    // Read the version first: figures computed afterwards are at least that new.
    let version = app::dashboard::version(&state.app()).await?;
    dashboard_at(state, s, lang, version).await
}

/// The dashboard of the caller's area as of `version` (read before), recomputed only
/// when the data changed.
async fn dashboard_at(
    state: &AppState,
    s: &Session,
    lang: Lang,
    version: app::dashboard::DataVersion,
) -> AppResult<std::sync::Arc<Computed>> {
    let cx = state.app();
    let c = s.caller();
    let key = format!("{:?}|{}|{}", s.district_scope(), lang.code(), state.today());
    state
        .dashboards
        .get_or_compute(key, version, || async {
            let out = DashboardOut::from(app::dashboard::compute(&cx, &c, lang).await?);
            Ok(Computed {
                tables: tables(&out, lang),
                out,
            })
        })
        .await
}

/// The programme's numbers, live, scoped to the caller's area.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", responses((status = 200, body = DashboardOut)))]
pub(crate) async fn api_dashboard(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
) -> AppResult<Response> {
    let d = dashboard(&state, &s, lang).await?;
    Ok(Json(&d.out).into_response())
}

// ---------- page ----------

const COLOURS: [(Status, &str); 5] = [
    (Status::Berjalan, "#2e7d32"),
    (Status::PerluPendampingan, "#f9a825"),
    (Status::TidakAktif, "#c62828"),
    (Status::BelumDinilai, "#1e88e5"),
    (Status::Bubar, "#9e9e9e"),
];

pub struct StatusCard {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
    pub pct: String,
}

pub struct RecentRow {
    pub at: String,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
}

pub struct Table {
    pub title: String,
    pub param: &'static str,
    pub groups: Vec<Group>,
    pub chart: String,
}

/// The dashboard and its charts, computed once per version of the data.
pub struct Computed {
    pub out: DashboardOut,
    pub tables: Vec<Table>,
}

impl std::ops::Deref for Computed {
    type Target = DashboardOut;
    fn deref(&self) -> &DashboardOut {
        &self.out
    }
}

const DASHBOARD_VILLAGES: usize = 40;

fn tables(d: &DashboardOut, lang: Lang) -> Vec<Table> {
    // A regency has hundreds of villages (Kabupaten Bogor 435): the page shows those
    // with the most KUBE; the API and the reports keep every one.
    let mut villages = d.by_village.clone();
    let village_title = if villages.len() > DASHBOARD_VILLAGES {
        villages.sort_by(|a, b| b.total.cmp(&a.total).then(a.name.cmp(&b.name)));
        villages.truncate(DASHBOARD_VILLAGES);
        domain::Msg::new("dashboard.by_village_top")
            .arg(DASHBOARD_VILLAGES)
            .arg(d.by_village.len())
            .text(lang)
    } else {
        lang.t("dashboard.by_village").to_string()
    };
    vec![
        Table {
            title: lang.t("dashboard.by_district").to_string(),
            param: "district_code",
            chart: chart_for(
                lang.t("dashboard.by_district"),
                "district_code",
                &d.by_district,
                lang,
            ),
            groups: d.by_district.clone(),
        },
        Table {
            title: lang.t("dashboard.by_business_type").to_string(),
            param: "business_type",
            chart: chart_for(
                lang.t("dashboard.by_business_type"),
                "business_type",
                &d.by_business_type,
                lang,
            ),
            groups: d.by_business_type.clone(),
        },
        Table {
            title: lang.t("dashboard.by_year").to_string(),
            param: "year",
            chart: chart_for(lang.t("dashboard.by_year"), "year", &d.by_year, lang),
            groups: d.by_year.clone(),
        },
        Table {
            chart: chart_for(
                lang.t("dashboard.by_village"),
                "village_code",
                &villages,
                lang,
            ),
            title: village_title,
            param: "village_code",
            groups: villages,
        },
        Table {
            title: lang.t("dashboard.by_funding").to_string(),
            param: "funding_source",
            chart: chart_for(
                lang.t("dashboard.by_funding"),
                "funding_source",
                &d.by_funding_source,
                lang,
            ),
            groups: d.by_funding_source.clone(),
        },
        Table {
            title: lang.t("dashboard.levels").to_string(),
            param: "level",
            chart: chart_for(lang.t("dashboard.levels"), "level", &d.by_level, lang),
            groups: d.by_level.clone(),
        },
    ]
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    d: std::sync::Arc<Computed>,
    cards: Vec<StatusCard>,
    statuses: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, i64)>,
    recent: Vec<RecentRow>,
    show_recent: bool,
    scoped: bool,
    /// "Tugas saya": what waits for the caller, above the figures.
    tasks: Vec<crate::tasks::TaskOut>,
    /// An auditor changes nothing: no to-do list.
    show_tasks: bool,
    /// The office's budget table (not a pendamping's work).
    show_budget: bool,
}

impl HomePage {
    fn rp(&self, v: &Option<i64>) -> String {
        v.map(|x| domain::money::Rupiah::new(x).to_string())
            .unwrap_or_else(|| "–".into())
    }
    fn rp0(&self, v: &i64) -> String {
        domain::money::Rupiah::new(*v).to_string()
    }
    fn count(&self, g: &Group, status: &str) -> i64 {
        g.by_status.get(status).copied().unwrap_or(0)
    }
}

fn chart_for(title: &str, param: &str, groups: &[Group], lang: Lang) -> String {
    let bars: Vec<Bar> = groups
        .iter()
        .map(|g| Bar {
            label: g.name.clone(),
            href: format!("/kube?{param}={}", g.code),
            segments: COLOURS
                .iter()
                .map(|(s, c)| Segment {
                    value: g.by_status.get(s.code()).copied().unwrap_or(0),
                    colour: c,
                    label: lang.t(s.label_key()).into(),
                })
                .collect(),
        })
        .collect();
    stacked_bars(title, &bars, lang)
}

async fn home(State(state): State<AppState>, PageAuth { s, ctx }: PageAuth) -> AppResult<Response> {
    let lang = ctx.lang;
    // The version, the trail and the to-do list in one round trip; the figures only
    // when the data changed since they were computed.
    let home = app::dashboard::home(&state.app(), &s.caller()).await?;
    let d = dashboard_at(&state, &s, lang, home.version).await?;
    let cards = COLOURS
        .iter()
        .map(|(st, _)| {
            let count = d.by_status.get(st.code()).copied().unwrap_or(0);
            let pct = ctx.pct(domain::numbers::share(count, d.kube_total));
            StatusCard {
                code: st.code(),
                label: lang.t(st.label_key()),
                count,
                pct,
            }
        })
        .collect();
    let categories = domain::person::Category::ALL
        .iter()
        .map(|c| {
            (
                lang.t(c.label_key()),
                d.persons_by_category.get(c.code()).copied().unwrap_or(0),
            )
        })
        .collect();
    let show_recent = s.role().reads_audit();
    let recent = home
        .recent
        .into_iter()
        .map(|e| RecentRow {
            at: page::local_time(&e.at),
            username: e.who().to_string(),
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
        })
        .collect();
    let statuses = COLOURS
        .iter()
        .map(|(s, _)| (s.code(), lang.t(s.label_key())))
        .collect();
    let tasks = crate::tasks::out(home.tasks, lang);
    Ok(html(&HomePage {
        tasks,
        show_budget: !s.role().is_area_scoped(),
        show_tasks: s.role() != domain::Role::Auditor,
        d,
        cards,
        statuses,
        categories,
        recent,
        show_recent,
        scoped: s.role().is_area_scoped(),
        ctx,
    })?
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(n: usize) -> Vec<Group> {
        (0..n)
            .map(|i| Group {
                code: format!("v{i}"),
                name: format!("Desa {i:03}"),
                total: i as i64,
                by_status: app::dashboard::empty_status(),
            })
            .collect()
    }

    fn out(villages: usize) -> DashboardOut {
        DashboardOut {
            kube_total: 0,
            by_status: app::dashboard::empty_status(),
            running_pct: 0.0,
            members_total: 0,
            by_district: groups(3),
            by_village: groups(villages),
            by_business_type: Vec::new(),
            by_year: Vec::new(),
            by_funding_source: Vec::new(),
            by_level: Vec::new(),
            enrolled_total: 0,
            persons_by_category: BTreeMap::new(),
            this_year: ThisYear {
                year: 2026,
                trainings: 0,
                participants: 0,
                visits: 0,
                visits_overdue: 0,
                programmes: Vec::new(),
            },
        }
    }

    #[test]
    fn a_region_of_many_villages_shows_those_with_most_kube() {
        let village = |d: &DashboardOut| {
            tables(d, Lang::Id)
                .into_iter()
                .find(|t| t.param == "village_code")
                .unwrap()
        };
        // A city: every village, in the order of the data.
        let t = village(&out(25));
        assert_eq!(t.groups.len(), 25);
        assert_eq!(t.title, "Menurut desa/kelurahan");
        // A regency: the forty with most KUBE, most first; the API keeps all 435.
        let d = out(435);
        let t = village(&d);
        assert_eq!(t.groups.len(), DASHBOARD_VILLAGES);
        assert_eq!(t.groups[0].total, 434);
        assert_eq!(t.groups[39].total, 395);
        assert_eq!(t.title, "Menurut desa/kelurahan: 40 teratas dari 435");
        assert_eq!(d.by_village.len(), 435);
    }
}
