//! The dashboard: how many KUBE, how many run, where, of which kind, funded how, and this
//! year's activity — live, within the caller's area. The figures change only when the
//! data does (`version`), so a caller may keep them until then.
use crate::programmes::{Figures, Programme};
pub use crate::store::dashboard::{DataVersion, DimCount};
use crate::{Caller, Context, Result};
use chrono::Datelike;
use domain::kube::{FundingSource, Status};
use domain::Lang;
use std::collections::BTreeMap;

/// Counts per status code (`berjalan`, `perlu_pendampingan`, `tidak_aktif`, `bubar`,
/// `belum_dinilai`).
pub type ByStatus = BTreeMap<String, i64>;

/// KUBE of one kecamatan, village, business type, year or funding source.
#[derive(Debug, Clone)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub total: i64,
    pub by_status: ByStatus,
}

/// What happened in the office's year so far.
#[derive(Debug, Clone)]
pub struct ThisYear {
    pub year: i32,
    pub trainings: i64,
    /// Persons who attended.
    pub participants: i64,
    pub visits: i64,
    /// KUBE (not dissolved) whose monitoring visit is overdue today.
    pub visits_overdue: i64,
    /// This year's programmes with their budget and quota use.
    pub programmes: Vec<(Programme, Figures)>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub kube_total: i64,
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
    /// By the latest stage checklist: `never` assessed, `below` Tumbuh, then the levels.
    pub by_level: Vec<Group>,
    /// Persons enrolled in individual programmes (WRSE, ASLUT, ...).
    pub enrolled_total: i64,
    /// Registered persons by category code.
    pub persons_by_category: BTreeMap<String, i64>,
    pub this_year: ThisYear,
}

/// The version of the data the figures are computed from: read it before computing, and
/// the figures are at least that new.
pub async fn version(cx: &Context) -> Result<DataVersion> {
    Ok(cx.store.data_version().await?)
}

/// What the home page reads besides the figures, in one round trip with the figures'
/// version: the newest audit entries (roles that read the trail) and the to-do list
/// (roles that change something).
pub struct Home {
    pub version: DataVersion,
    pub recent: Vec<crate::audit::AuditEntry>,
    pub tasks: Vec<crate::tasks::Task>,
}

/// Entries of the trail on the home page.
const RECENT: i64 = 8;

/// The home page's reads, one batch: the data version, the trail's newest entries and
/// the caller's to-do list.
pub async fn home(cx: &Context, c: &Caller) -> Result<Home> {
    let mut b = crate::store::batch::Batch::new(cx.store.backend());
    let version = b.add(crate::store::dashboard::data_version())?;
    let recent = c
        .role
        .reads_audit()
        .then(|| b.add(crate::store::audit::newest(RECENT)))
        .transpose()?;
    let tasks = crate::tasks::plan(c, cx, &mut b)?;
    let mut rows = cx.store.read_batch(b).await?;
    Ok(Home {
        version: crate::store::dashboard::version_of(rows.one(version)?),
        recent: match recent {
            Some(s) => rows.all(s)?,
            None => Vec::new(),
        },
        tasks: tasks.finish(cx, c, &mut rows)?,
    })
}

/// Every status, none counted yet.
pub fn empty_status() -> ByStatus {
    Status::ALL
        .iter()
        .map(|s| (s.code().to_string(), 0))
        .collect()
}

/// The groups of one dimension, each with its counts per status.
fn group_by(rows: &[DimCount], dim: &str, name: impl Fn(&str) -> String) -> Vec<Group> {
    let mut m: BTreeMap<String, ByStatus> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.dim == dim) {
        *m.entry(r.code.clone())
            .or_insert_with(empty_status)
            .entry(r.status.code().to_string())
            .or_default() += r.n;
    }
    m.into_iter()
        .map(|(code, by_status)| Group {
            name: name(&code),
            total: by_status.values().sum(),
            code,
            by_status,
        })
        .collect()
}

/// The level groups in the order of the scale, each present (a zero says as much).
fn by_level(rows: &[DimCount], lang: Lang) -> Vec<Group> {
    let found = group_by(rows, "level", |c| c.to_string());
    crate::checklist::LEVELS
        .iter()
        .map(|(code, key)| {
            let by_status = found
                .iter()
                .find(|g| g.code == *code)
                .map(|g| g.by_status.clone())
                .unwrap_or_else(empty_status);
            Group {
                code: code.to_string(),
                name: lang.t(key).to_string(),
                total: by_status.values().sum(),
                by_status,
            }
        })
        .collect()
}

/// The dashboard of the caller's area, names in the caller's language.
pub async fn compute(cx: &Context, c: &Caller, lang: Lang) -> Result<Dashboard> {
    let scope = c.district_scope();
    let rows = cx.store.dashboard_dims(scope).await?;
    let mut by_status = empty_status();
    // Every KUBE has one kecamatan: the totals come from that dimension.
    for r in rows.iter().filter(|r| r.dim == "district") {
        *by_status.entry(r.status.code().to_string()).or_default() += r.n;
    }
    let kube_total: i64 = by_status.values().sum();
    let running = by_status.get(Status::Berjalan.code()).copied().unwrap_or(0);
    let running_pct = if kube_total == 0 {
        0.0
    } else {
        ((running * 1000 + kube_total / 2) / kube_total) as f64 / 10.0
    };
    let areas = &cx.areas;
    let bt_names: BTreeMap<String, String> = cx
        .store
        .business_type_list()
        .await?
        .into_iter()
        .map(|b| (b.code, if lang == Lang::En { b.name_en } else { b.name }))
        .collect();
    let mut by_district = group_by(&rows, "district", |c| areas.name(c).to_string());
    // Every kecamatan the caller sees, also those without KUBE.
    for d in cx.districts() {
        if c.sees_district(&d.code) && !by_district.iter().any(|g| g.code == d.code) {
            by_district.push(Group {
                code: d.code.clone(),
                name: d.name.clone(),
                total: 0,
                by_status: empty_status(),
            });
        }
    }
    by_district.sort_by(|a, b| a.code.cmp(&b.code));
    let mut by_business_type = group_by(&rows, "business_type", |c| {
        bt_names.get(c).cloned().unwrap_or_else(|| c.to_string())
    });
    by_business_type.sort_by(|a, b| b.total.cmp(&a.total).then(a.code.cmp(&b.code)));
    let year = cx.today().year();
    let since = format!("{year}-01-01");
    let activity = cx.store.dashboard_activity(scope, &since).await?;
    let visits_overdue = cx
        .store
        .visit_list_overdue(scope, cx.today(), &cx.settings.visits)
        .await?;
    Ok(Dashboard {
        kube_total,
        running_pct,
        members_total: rows
            .iter()
            .filter(|r| r.dim == "district")
            .map(|r| r.members)
            .sum(),
        by_village: group_by(&rows, "village", |c| areas.name(c).to_string()),
        by_district,
        by_business_type,
        by_year: group_by(&rows, "year", |c| c.to_string()),
        by_funding_source: group_by(&rows, "funding_source", |c| {
            FundingSource::parse(c)
                .map(|f| lang.t(f.label_key()).to_string())
                .unwrap_or_else(|_| c.to_string())
        }),
        by_level: by_level(&rows, lang),
        by_status,
        persons_by_category: activity.persons_by_category.into_iter().collect(),
        enrolled_total: activity.enrolled,
        this_year: ThisYear {
            year,
            trainings: activity.trainings,
            participants: activity.participants,
            visits: activity.visits,
            visits_overdue,
            programmes: cx.store.programme_list(Some(year as i64)).await?,
        },
    })
}
