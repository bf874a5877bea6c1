//! The reports' contents: each report's columns and rows from the store, in the caller's
//! area and language. How they are shown (page, chart, XLSX, PDF) is the web's.
use crate::{Caller, Context, Error, Result};
use domain::kube::Status;
use domain::person::age_on;
use domain::Lang;
use sheets::Cell;
use std::collections::BTreeMap;

/// The reports there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    KubeStatus,
    KubeLevels,
    Aid,
    Outcomes,
    Trainings,
    Enrolments,
}

impl Name {
    pub const ALL: [Name; 6] = [
        Name::KubeStatus,
        Name::KubeLevels,
        Name::Aid,
        Name::Outcomes,
        Name::Trainings,
        Name::Enrolments,
    ];
    /// The name in addresses (`/reports/kube-status`).
    pub fn code(self) -> &'static str {
        match self {
            Name::KubeStatus => "kube-status",
            Name::KubeLevels => "kube-levels",
            Name::Aid => "aid",
            Name::Outcomes => "outcomes",
            Name::Trainings => "trainings",
            Name::Enrolments => "enrolments",
        }
    }
    pub fn title_key(self) -> &'static str {
        match self {
            Name::KubeStatus => "report.kube_status",
            Name::KubeLevels => "report.kube_levels",
            Name::Aid => "report.aid",
            Name::Outcomes => "report.outcomes",
            Name::Trainings => "report.trainings",
            Name::Enrolments => "report.enrolments",
        }
    }
    /// An unknown name is a report that is not there.
    pub fn parse(code: &str) -> Result<Name> {
        Name::ALL
            .into_iter()
            .find(|n| n.code() == code)
            .ok_or(Error::NotFound)
    }
}

/// How a column's cells read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Money,
    Percent,
}

/// A report: typed columns and rows, and which column the chart shows.
pub struct Report {
    pub title: String,
    pub columns: Vec<(String, Kind)>,
    pub rows: Vec<Vec<Cell>>,
    /// (label column, value columns) of the chart.
    pub chart: Option<(usize, Vec<usize>)>,
    /// Rows that add up the ones before (subtotals, the total): not charted, shown bold.
    pub totals: Vec<usize>,
}

/// What the reports are narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub year: Option<i64>,
    /// A kecamatan (the KUBE-status and outcome reports).
    pub district_code: Option<String>,
}

impl Filter {
    fn district(&self) -> Option<&str> {
        self.district_code.as_deref().filter(|d| !d.is_empty())
    }
}

/// A cell as text, the way the page and the PDF print it in `lang`: counts grouped,
/// percentages with one decimal, dates day first.
pub fn text_of(c: &Cell, kind: Kind, lang: domain::Lang) -> String {
    match (c, kind) {
        (Cell::Int(v), Kind::Money) => domain::money::Rupiah::new(*v).to_string(),
        (Cell::Int(v), _) => domain::numbers::count(*v, lang),
        (Cell::Percent(p), _) => domain::numbers::percent(p * 100.0, lang),
        (Cell::Date(s), _) => domain::dates::day_first(s),
        (Cell::Text(s), _) => s.clone(),
        (Cell::Empty, _) => String::new(),
    }
}

/// Builds one report within the caller's area.
pub async fn build(cx: &Context, caller: &Caller, name: Name, f: &Filter) -> Result<Report> {
    let r = Build {
        cx,
        caller,
        f,
        lang: caller.lang,
    };
    match name {
        Name::KubeStatus => r.kube_status().await,
        Name::KubeLevels => r.kube_levels().await,
        Name::Aid => r.aid().await,
        Name::Outcomes => r.outcomes().await,
        Name::Trainings => r.trainings().await,
        Name::Enrolments => r.enrolments().await,
    }
}

/// KUBE counted per status and per level (by the latest stage checklist).
#[derive(Default)]
struct Counts {
    status: BTreeMap<Status, i64>,
    level: BTreeMap<String, i64>,
}

struct Build<'a> {
    cx: &'a Context,
    caller: &'a Caller,
    f: &'a Filter,
    lang: Lang,
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

impl Build<'_> {
    fn col(&self, key: &str, kind: Kind) -> (String, Kind) {
        (self.lang.t(key).to_string(), kind)
    }
    fn report(&self, name: Name, columns: Vec<(String, Kind)>, rows: Vec<Vec<Cell>>) -> Report {
        Report {
            title: self.lang.t(name.title_key()).to_string(),
            columns,
            rows,
            chart: None,
            totals: Vec::new(),
        }
    }
    fn place(&self, code: &str) -> Cell {
        t(self.cx.areas.name(code))
    }

    /// KUBE per kecamatan, business type and year of forming, by status, with the
    /// running share, a subtotal per kecamatan and a total.
    async fn kube_status(&self) -> Result<Report> {
        let lang = self.lang;
        let mut columns: Vec<(String, Kind)> = Status::ALL
            .iter()
            .map(|st| (lang.t(st.label_key()).to_string(), Kind::Int))
            .collect();
        columns.push(self.col("dashboard.total", Kind::Int));
        columns.push(self.col("report.running_share", Kind::Percent));
        // Counts per status, the total and the running share of one row.
        let figures = |c: &Counts| {
            let by = &c.status;
            let mut cells: Vec<Cell> = Status::ALL
                .iter()
                .map(|st| Cell::Int(by.get(st).copied().unwrap_or(0)))
                .collect();
            let total: i64 = by.values().sum();
            let running = by.get(&Status::Berjalan).copied().unwrap_or(0);
            cells.push(Cell::Int(total));
            cells.push(Cell::Percent(running as f64 / total.max(1) as f64));
            cells
        };
        self.by_area(Name::KubeStatus, columns, figures, (3..8).collect())
            .await
    }

    /// KUBE per kecamatan, business type and year of forming, by development level from
    /// the latest stage checklist (never assessed and below Tumbuh first), with the total.
    async fn kube_levels(&self) -> Result<Report> {
        let mut columns: Vec<(String, Kind)> = crate::checklist::LEVELS
            .iter()
            .map(|(_, key)| self.col(key, Kind::Int))
            .collect();
        columns.push(self.col("dashboard.total", Kind::Int));
        let figures = |c: &Counts| {
            let mut cells: Vec<Cell> = crate::checklist::LEVELS
                .iter()
                .map(|(code, _)| Cell::Int(c.level.get(*code).copied().unwrap_or(0)))
                .collect();
            cells.push(Cell::Int(c.level.values().sum()));
            cells
        };
        self.by_area(Name::KubeLevels, columns, figures, (3..8).collect())
            .await
    }

    /// KUBE per kecamatan, business type and year of forming with `figures` of each,
    /// a subtotal per kecamatan and a total; `counted` names the figures' columns.
    async fn by_area(
        &self,
        name: Name,
        counted: Vec<(String, Kind)>,
        figures: impl Fn(&Counts) -> Vec<Cell>,
        chart: Vec<usize>,
    ) -> Result<Report> {
        let (cx, f, lang) = (self.cx, self.f, self.lang);
        let rows = cx
            .store
            .dashboard_kube(self.caller.district_scope())
            .await?;
        let bt: BTreeMap<String, String> = cx
            .store
            .business_type_list()
            .await?
            .into_iter()
            .map(|b| (b.code, b.name))
            .collect();
        // kecamatan × business type × year → counts per status and per level
        let mut m: BTreeMap<(String, String, i64), Counts> = BTreeMap::new();
        for r in rows.iter().filter(|r| {
            f.year.is_none_or(|y| r.formed_year == y)
                && f.district().is_none_or(|d| r.district_code == d)
        }) {
            let c = m
                .entry((
                    r.district_code.clone(),
                    r.business_type.clone(),
                    r.formed_year,
                ))
                .or_default();
            *c.status.entry(r.status).or_default() += r.n;
            *c.level.entry(r.level.clone()).or_default() += r.n;
        }
        let mut columns = vec![
            self.col("person.district", Kind::Text),
            self.col("kube.business_type", Kind::Text),
            self.col("kube.filter_year", Kind::Int),
        ];
        columns.extend(counted);
        let add = |into: &mut Counts, by: &Counts| {
            for (k, v) in &by.status {
                *into.status.entry(*k).or_default() += v;
            }
            for (k, v) in &by.level {
                *into.level.entry(k.clone()).or_default() += v;
            }
        };
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut totals = Vec::new();
        let (mut district, mut all) = (Counts::default(), Counts::default());
        let mut entries = m.into_iter().peekable();
        while let Some(((d, b, y), by)) = entries.next() {
            let mut r = vec![
                self.place(&d),
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
                        .arg(cx.areas.name(&d))
                        .text(lang)),
                    t(""),
                    Cell::Empty,
                ];
                r.extend(figures(&district));
                totals.push(rows.len());
                rows.push(r);
                district = Counts::default();
            }
        }
        if !rows.is_empty() {
            let mut r = vec![t(lang.t("dashboard.total")), t(""), Cell::Empty];
            r.extend(figures(&all));
            totals.push(rows.len());
            rows.push(r);
        }
        Ok(Report {
            chart: Some((0, chart)),
            totals,
            ..self.report(name, columns, rows)
        })
    }

    /// Aid delivered per village and programme: proposals, items and their value.
    async fn aid(&self) -> Result<Report> {
        let rows = self
            .cx
            .store
            .report_aid(self.caller.district_scope(), self.f.year)
            .await?;
        let columns = vec![
            self.col("person.village", Kind::Text),
            self.col("proposal.programme", Kind::Text),
            self.col("report.proposals", Kind::Int),
            self.col("report.items", Kind::Int),
            self.col("report.value", Kind::Money),
            // Aid to a group whose membership an officer excepted from a rule: the
            // reasons are on the group's page and in the audit trail.
            self.col("report.excepted_kube", Kind::Int),
        ];
        let rows = rows
            .into_iter()
            .map(|r| {
                vec![
                    self.place(&r.village_code),
                    t(r.programme),
                    Cell::Int(r.proposals),
                    Cell::Int(r.items),
                    Cell::Int(r.value),
                    Cell::Int(r.excepted),
                ]
            })
            .collect();
        Ok(Report {
            chart: Some((0, vec![4])),
            ..self.report(Name::Aid, columns, rows)
        })
    }

    /// The groups' figures per month, then the change since aid per aided KUBE.
    async fn outcomes(&self) -> Result<Report> {
        let (store, f) = (&self.cx.store, self.f);
        let scope = self.caller.district_scope();
        let months = store
            .report_months(scope, f.district().map(str::to_string))
            .await?;
        let mut rows: Vec<Vec<Cell>> = months
            .into_iter()
            .filter(|m| f.year.is_none_or(|y| m.month.starts_with(&y.to_string())))
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
        for a in store.report_aided_kube(scope).await? {
            let visits = store.visit_list(a.kube_id).await?;
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
        let columns = vec![
            self.col("report.period", Kind::Text),
            self.col("nav.kube", Kind::Int),
            self.col("dashboard.visits", Kind::Int),
            self.col("visit.revenue", Kind::Money),
            self.col("visit.profit", Kind::Money),
            self.col("visit.savings_balance", Kind::Money),
            self.col("visit.asset_value", Kind::Money),
        ];
        Ok(Report {
            chart: Some((0, vec![4])),
            ..self.report(Name::Outcomes, columns, rows)
        })
    }

    /// Training events per village and kind: events, participants, attendance.
    async fn trainings(&self) -> Result<Report> {
        let rows = self
            .cx
            .store
            .report_trainings(self.caller.district_scope(), self.f.year)
            .await?;
        let columns = vec![
            self.col("person.village", Kind::Text),
            self.col("training.kind", Kind::Text),
            self.col("report.events", Kind::Int),
            self.col("training.participants", Kind::Int),
            self.col("training.attended", Kind::Int),
        ];
        let rows = rows
            .into_iter()
            .map(|r| {
                vec![
                    self.place(&r.village_code),
                    t(self.lang.t(r.kind.label_key())),
                    Cell::Int(r.events),
                    Cell::Int(r.participants),
                    Cell::Int(r.attended),
                ]
            })
            .collect();
        Ok(Report {
            chart: Some((0, vec![4])),
            ..self.report(Name::Trainings, columns, rows)
        })
    }

    /// Persons enrolled per programme, sex and age band.
    async fn enrolments(&self) -> Result<Report> {
        let today = self.cx.today();
        let mut m: BTreeMap<(String, String, &'static str), i64> = BTreeMap::new();
        for r in self
            .cx
            .store
            .report_enrolments(self.caller.district_scope())
            .await?
        {
            let age = age_on(*r.birth_date, today);
            let band = match age {
                0..=17 => "0–17",
                18..=29 => "18–29",
                30..=44 => "30–44",
                45..=59 => "45–59",
                60..=69 => "60–69",
                _ => "70+",
            };
            *m.entry((r.programme, r.sex.code().to_string(), band))
                .or_default() += 1;
        }
        let columns = vec![
            self.col("proposal.programme", Kind::Text),
            self.col("person.sex", Kind::Text),
            self.col("report.age_band", Kind::Text),
            self.col("dashboard.total", Kind::Int),
        ];
        let rows = m
            .into_iter()
            .map(|((p, sex, band), n)| vec![t(p), t(sex), t(band), Cell::Int(n)])
            .collect();
        Ok(Report {
            chart: Some((0, vec![3])),
            ..self.report(Name::Enrolments, columns, rows)
        })
    }
}

/// The public page's figures (no personal data), when the office publishes them: per
/// village and year (village code, year, KUBE, running, aid in rupiah).
pub async fn public(cx: &Context) -> Result<Vec<(String, i64, i64, i64, i64)>> {
    if !cx.settings.public_page {
        return Err(Error::NotFound);
    }
    Ok(cx.store.report_public().await?)
}
