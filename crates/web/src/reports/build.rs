//! The reports' contents: each report's columns and rows from the store, its chart and
//! its subtitle.
use super::*;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Text,
    Int,
    Money,
    Percent,
}

/// A report: typed columns and rows, and which column the chart shows.
pub(super) struct Report {
    pub(super) title: String,
    pub(super) columns: Vec<(String, Kind)>,
    pub(super) rows: Vec<Vec<Cell>>,
    /// (label column, value columns) of the chart.
    pub(super) chart: Option<(usize, Vec<usize>)>,
    /// Rows that add up the ones before (subtotals, the total): not charted, shown bold.
    pub(super) totals: Vec<usize>,
}

#[derive(Deserialize, IntoParams, Default, Clone)]
pub struct ReportQuery {
    /// `html` (page), `xlsx`, `pdf` or `json`.
    pub format: Option<String>,
    /// Year (an empty value means all years).
    pub year: Option<String>,
    pub district_code: Option<String>,
}

impl ReportQuery {
    pub(super) fn year(&self) -> Option<i64> {
        self.year.as_deref().and_then(|y| y.trim().parse().ok())
    }
}

pub(super) fn col(lang: Lang, key: &str, kind: Kind) -> (String, Kind) {
    (lang.t(key).to_string(), kind)
}

pub(super) fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

pub(super) async fn build(
    state: &AppState,
    s: &Session,
    name: &str,
    q: &ReportQuery,
    lang: Lang,
) -> AppResult<Report> {
    let scope = s.district_scope();
    let areas = &state.areas;
    let title = |key: &str| lang.t(key).to_string();
    Ok(match name {
        "kube-status" => {
            let rows = state.store.dashboard_kube(scope).await?;
            let bt: BTreeMap<String, String> = state
                .store
                .business_type_list()
                .await?
                .into_iter()
                .map(|b| (b.code, b.name))
                .collect();
            // kecamatan × business type × year → counts per status
            let mut m: BTreeMap<(String, String, i64), BTreeMap<String, i64>> = BTreeMap::new();
            for r in rows.iter().filter(|r| {
                q.year().is_none_or(|y| r.formed_year == y)
                    && q.district_code
                        .as_deref()
                        .is_none_or(|d| d.is_empty() || r.district_code == d)
            }) {
                *m.entry((
                    r.district_code.clone(),
                    r.business_type.clone(),
                    r.formed_year,
                ))
                .or_default()
                .entry(r.status.clone())
                .or_default() += r.n;
            }
            let mut columns = vec![
                col(lang, "person.district", Kind::Text),
                col(lang, "kube.business_type", Kind::Text),
                col(lang, "kube.filter_year", Kind::Int),
            ];
            for st in Status::ALL {
                columns.push((lang.t(st.label_key()).into(), Kind::Int));
            }
            columns.push(col(lang, "dashboard.total", Kind::Int));
            columns.push(col(lang, "report.running_share", Kind::Percent));
            // Counts per status, the total and the running share of one row.
            let figures = |by: &BTreeMap<String, i64>| {
                let mut cells: Vec<Cell> = Status::ALL
                    .iter()
                    .map(|st| Cell::Int(by.get(st.code()).copied().unwrap_or(0)))
                    .collect();
                let total: i64 = by.values().sum();
                let running = by.get(Status::Berjalan.code()).copied().unwrap_or(0);
                cells.push(Cell::Int(total));
                cells.push(Cell::Percent(running as f64 / total.max(1) as f64));
                cells
            };
            let add = |into: &mut BTreeMap<String, i64>, by: &BTreeMap<String, i64>| {
                for (k, v) in by {
                    *into.entry(k.clone()).or_default() += v;
                }
            };
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            let mut totals = Vec::new();
            let (mut district, mut all) = (BTreeMap::new(), BTreeMap::new());
            let mut entries = m.into_iter().peekable();
            while let Some(((d, b, y), by)) = entries.next() {
                let mut r = vec![
                    t(areas.name(&d)),
                    t(bt.get(&b).cloned().unwrap_or(b)),
                    Cell::Int(y),
                ];
                r.extend(figures(&by));
                rows.push(r);
                add(&mut district, &by);
                add(&mut all, &by);
                // After a kecamatan's last row: its subtotal and running share.
                if entries.peek().is_none_or(|((next, ..), _)| *next != d) {
                    let mut r = vec![
                        t(domain::Msg::new("report.subtotal")
                            .arg(areas.name(&d))
                            .text(lang)),
                        t(""),
                        Cell::Empty,
                    ];
                    r.extend(figures(&district));
                    totals.push(rows.len());
                    rows.push(r);
                    district.clear();
                }
            }
            if !rows.is_empty() {
                let mut r = vec![t(lang.t("dashboard.total")), t(""), Cell::Empty];
                r.extend(figures(&all));
                totals.push(rows.len());
                rows.push(r);
            }
            Report {
                title: title("report.kube_status"),
                columns,
                rows,
                chart: Some((0, (3..8).collect())),
                totals,
            }
        }
        "aid" => {
            let rows = state.store.report_aid(scope, q.year()).await?;
            Report {
                title: title("report.aid"),
                columns: vec![
                    col(lang, "person.village", Kind::Text),
                    col(lang, "proposal.programme", Kind::Text),
                    col(lang, "report.proposals", Kind::Int),
                    col(lang, "report.items", Kind::Int),
                    col(lang, "report.value", Kind::Money),
                ],
                rows: rows
                    .into_iter()
                    .map(|r| {
                        vec![
                            t(areas.name(&r.village_code)),
                            t(r.programme),
                            Cell::Int(r.proposals),
                            Cell::Int(r.items),
                            Cell::Int(r.value),
                        ]
                    })
                    .collect(),
                chart: Some((0, vec![4])),
                totals: Vec::new(),
            }
        }
        "outcomes" => {
            let months = state
                .store
                .report_months(scope, q.district_code.clone().filter(|d| !d.is_empty()))
                .await?;
            let mut rows: Vec<Vec<Cell>> = months
                .into_iter()
                .filter(|m| q.year().is_none_or(|y| m.month.starts_with(&y.to_string())))
                .map(|m| {
                    vec![
                        t(m.month),
                        Cell::Int(m.kube),
                        Cell::Int(m.visits),
                        Cell::Int(m.revenue),
                        Cell::Int(m.profit),
                        Cell::Int(m.savings),
                        Cell::Int(m.assets),
                    ]
                })
                .collect();
            // The change since aid: per aided KUBE, its last visit before the delivery
            // against its latest visit.
            for a in state.store.report_aided_kube(scope).await? {
                let visits = state.store.visit_list(a.kube_id).await?;
                let before = visits
                    .iter()
                    .filter(|v| v.visited_on <= a.delivered_on)
                    .max_by(|x, y| x.visited_on.cmp(&y.visited_on));
                let latest = visits.iter().max_by(|x, y| x.visited_on.cmp(&y.visited_on));
                if let (Some(b), Some(l)) = (before, latest) {
                    if l.visited_on > b.visited_on {
                        rows.push(vec![
                            t(format!("{} ({} → {})", a.name, b.visited_on, l.visited_on)),
                            Cell::Int(1),
                            Cell::Int(0),
                            Cell::Int(l.revenue - b.revenue),
                            Cell::Int((l.revenue - l.expenses) - (b.revenue - b.expenses)),
                            Cell::Int(l.savings_balance - b.savings_balance),
                            Cell::Int(l.asset_value - b.asset_value),
                        ]);
                    }
                }
            }
            Report {
                title: title("report.outcomes"),
                columns: vec![
                    col(lang, "report.period", Kind::Text),
                    col(lang, "nav.kube", Kind::Int),
                    col(lang, "dashboard.visits", Kind::Int),
                    col(lang, "visit.revenue", Kind::Money),
                    col(lang, "visit.profit", Kind::Money),
                    col(lang, "visit.savings_balance", Kind::Money),
                    col(lang, "visit.asset_value", Kind::Money),
                ],
                rows,
                chart: Some((0, vec![4])),
                totals: Vec::new(),
            }
        }
        "trainings" => {
            let rows = state.store.report_trainings(scope, q.year()).await?;
            Report {
                title: title("report.trainings"),
                columns: vec![
                    col(lang, "person.village", Kind::Text),
                    col(lang, "training.kind", Kind::Text),
                    col(lang, "report.events", Kind::Int),
                    col(lang, "training.participants", Kind::Int),
                    col(lang, "training.attended", Kind::Int),
                ],
                rows: rows
                    .into_iter()
                    .map(|r| {
                        let kind = domain::guidance::TrainingKind::parse(&r.kind)
                            .map(|k| lang.t(k.label_key()))
                            .unwrap_or("");
                        vec![
                            t(areas.name(&r.village_code)),
                            t(kind),
                            Cell::Int(r.events),
                            Cell::Int(r.participants),
                            Cell::Int(r.attended),
                        ]
                    })
                    .collect(),
                chart: Some((0, vec![4])),
                totals: Vec::new(),
            }
        }
        "enrolments" => {
            let today = today();
            let mut m: BTreeMap<(String, String, &'static str), i64> = BTreeMap::new();
            for r in state.store.report_enrolments(scope).await? {
                let age = domain::person::parse_date(&r.birth_date)
                    .map(|b| age_on(b, today))
                    .unwrap_or(0);
                let band = match age {
                    0..=17 => "0–17",
                    18..=29 => "18–29",
                    30..=44 => "30–44",
                    45..=59 => "45–59",
                    60..=69 => "60–69",
                    _ => "70+",
                };
                *m.entry((r.programme, r.sex, band)).or_default() += 1;
            }
            Report {
                title: title("report.enrolments"),
                columns: vec![
                    col(lang, "proposal.programme", Kind::Text),
                    col(lang, "person.sex", Kind::Text),
                    col(lang, "report.age_band", Kind::Text),
                    col(lang, "dashboard.total", Kind::Int),
                ],
                rows: m
                    .into_iter()
                    .map(|((p, sex, band), n)| vec![t(p), t(sex), t(band), Cell::Int(n)])
                    .collect(),
                chart: Some((0, vec![3])),
                totals: Vec::new(),
            }
        }
        _ => return Err(AppError::NotFound),
    })
}

pub(super) fn text_of(c: &Cell, kind: Kind) -> String {
    match (c, kind) {
        (Cell::Int(v), Kind::Money) => Rupiah::new(*v).to_string(),
        (Cell::Int(v), _) => v.to_string(),
        (Cell::Percent(p), _) => format!("{:.1}%", p * 100.0).replace('.', ","),
        (Cell::Text(s) | Cell::Date(s), _) => s.clone(),
        (Cell::Empty, _) => String::new(),
    }
}

pub(super) fn chart(r: &Report) -> String {
    let Some((label, values)) = &r.chart else {
        return String::new();
    };
    const COLOURS: [&str; 5] = ["#2e7d32", "#f9a825", "#c62828", "#9e9e9e", "#1e88e5"];
    // Rows with the same label (e.g. a kecamatan) are added up.
    let mut bars: Vec<Bar> = Vec::new();
    for (_, row) in r
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !r.totals.contains(i))
    {
        let name = text_of(&row[*label], Kind::Text);
        let segs: Vec<i64> = values
            .iter()
            .map(|&i| {
                if let Cell::Int(v) = row[i] {
                    v.max(0)
                } else {
                    0
                }
            })
            .collect();
        match bars.iter_mut().find(|b| b.label == name) {
            Some(b) => {
                for (s, v) in b.segments.iter_mut().zip(&segs) {
                    s.value += v;
                }
            }
            None => bars.push(Bar {
                label: name,
                href: String::new(),
                segments: segs
                    .iter()
                    .enumerate()
                    .map(|(k, v)| Segment {
                        value: *v,
                        colour: COLOURS[k % COLOURS.len()],
                        label: r.columns[values[k]].0.clone(),
                    })
                    .collect(),
            }),
        }
    }
    bars.truncate(40);
    stacked_bars(&r.title, &bars)
}

pub(super) fn subtitle(q: &ReportQuery, state: &AppState, lang: Lang) -> String {
    let mut parts = vec![format!(
        "{} {}",
        lang.t("report.made_on"),
        domain::aid::tanggal(today())
    )];
    if let Some(y) = q.year() {
        parts.push(format!("{} {y}", lang.t("kube.filter_year")));
    }
    if let Some(d) = q.district_code.as_deref().filter(|d| !d.is_empty()) {
        parts.push(state.areas.name(d).to_string());
    }
    parts.join(" · ")
}
