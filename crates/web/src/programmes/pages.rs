//! The programme pages: the list with its budget figures, a programme's page and its forms.
use super::*;
use crate::page::Outcome::{Again, Done};

// ---------- pages ----------

pub struct ProgrammeRow {
    pub p: ProgrammeOut,
    pub funding: &'static str,
    pub target: &'static str,
}

#[derive(askama::Template)]
#[template(path = "programmes.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    rows: Vec<ProgrammeRow>,
    can_manage: bool,
    v: ProgrammeCreate,
    funding: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

impl ListPage {
    pub(super) fn rp(&self, v: &Option<i64>) -> String {
        v.map(|x| Rupiah::new(x).to_string())
            .unwrap_or_else(|| "–".into())
    }
    pub(super) fn rp0(&self, v: &i64) -> String {
        Rupiah::new(*v).to_string()
    }
    pub(super) fn opt_num(&self, v: &Option<i64>) -> String {
        v.map(|x| x.to_string()).unwrap_or_default()
    }
}

pub(super) fn row(p: ProgrammeOut, lang: Lang) -> ProgrammeRow {
    ProgrammeRow {
        funding: FundingSource::parse(&p.funding_source)
            .map(|f| lang.t(f.label_key()))
            .unwrap_or(""),
        target: lang.t(if p.target == "kube" {
            "programme.target.kube"
        } else {
            "programme.target.individual"
        }),
        p,
    }
}

pub(super) async fn render_list(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    v: ProgrammeCreate,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let rows = app::programmes::list(&state.app(), &s.caller(), None)
        .await?
        .into_iter()
        .map(|(p, f)| row(programme_out(p, f), lang))
        .collect();
    let errors = FormErrors::new(errors, lang);
    let page = ListPage {
        rows,
        can_manage: app::programmes::require_office(&s.caller()).is_ok(),
        v,
        funding: FundingSource::options(lang),
        errors,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    let v = ProgrammeCreate {
        year: chrono::Datelike::year(&state.today()) as i64,
        target: "kube".into(),
        funding_source: "apbd_kota".into(),
        ..Default::default()
    };
    render_list(&state, &s, ctx, v, None).await
}

pub(super) fn num(inv: &mut Invalid, field: &str, s: &str) -> Option<i64> {
    if s.trim().is_empty() {
        return None;
    }
    match Rupiah::parse(s) {
        Ok(r) => Some(r.value()),
        Err(m) => {
            inv.add(field, m);
            None
        }
    }
}

/// The programme form: amounts as people write them (`Rp 150.000.000`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ProgrammeForm {
    name: String,
    year: String,
    funding_source: String,
    target: String,
    budget: String,
    quota: String,
    package_value: String,
    /// A preset's name (`wrse`, `lansia`, …).
    eligibility: Option<String>,
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    page::Form(f): page::Form<ProgrammeForm>,
) -> AppResult<Response> {
    let mut inv = Invalid::new();
    let v = ProgrammeCreate {
        year: f.year.trim().parse().unwrap_or(0),
        budget: num(&mut inv, "budget", &f.budget),
        quota: num(&mut inv, "quota", &f.quota),
        package_value: num(&mut inv, "package_value", &f.package_value),
        eligibility: f.eligibility.map(serde_json::Value::String),
        name: f.name,
        funding_source: f.funding_source,
        target: f.target,
    };
    let r = if inv.is_empty() {
        app::programmes::create(&state.app(), &s.caller(), &v).await
    } else {
        Err(inv.into())
    };
    match page::outcome(r)? {
        Done(p) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{}", p.id),
                ctx.tf("programme.created", &[p.name]),
            )
            .await
        }
        Again(inv) => render_list(&state, &s, ctx, v, Some(&inv)).await,
    }
}

#[derive(askama::Template)]
#[template(path = "programme_detail.html")]
pub(super) struct DetailPage {
    ctx: Ctx,
    r: ProgrammeRow,
    proposals: Vec<(i64, String, String, &'static str)>,
    enrolments: Vec<EnrolmentOut>,
    /// (id, name, birth date — or the age, for roles that see identity masked).
    /// Residents of the caller's area not enrolled yet, by the search `pick_q`.
    candidates: Vec<app::persons::Candidate>,
    pick_q: String,
    can_write: bool,
    errors: FormErrors,
    /// Committed and delivered by month against the budget line (SVG), and the figures.
    chart: String,
    months: Vec<(&'static str, i64, i64)>,
    /// The latest benefits, awaiting approval first, and whether the caller approves.
    benefits: Vec<BenefitOut>,
    benefit_kinds: Vec<(&'static str, &'static str)>,
    can_approve: bool,
}

impl DetailPage {
    pub(super) fn rp(&self, v: &Option<i64>) -> String {
        v.map(|x| Rupiah::new(x).to_string())
            .unwrap_or_else(|| "–".into())
    }
    pub(super) fn rp0(&self, v: &i64) -> String {
        Rupiah::new(*v).to_string()
    }
}

pub(super) async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    pick_q: &str,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let o = app::programmes::overview(&state.app(), &s.caller(), id).await?;
    let (chart, months) = budget_chart(&o.programme, &o.flows, lang, state.today());
    let benefits = o.benefits.into_iter().map(BenefitOut::from).collect();
    let r = row(programme_out(o.programme, o.figures), lang);
    let proposals = o
        .proposals
        .into_iter()
        .map(|l| {
            let p = l.proposal;
            let st = lang.t(p.state.label_key());
            (
                p.id,
                format!("#{} · {}", p.id, l.kube_name),
                Rupiah::new(p.total).to_string(),
                st,
            )
        })
        .collect();
    let enrolments: Vec<EnrolmentOut> = o.enrolments.into_iter().map(EnrolmentOut::from).collect();
    // Searched only when asked: a city holds tens of thousands of residents.
    let candidates = if s.role().can_write() && !pick_q.trim().is_empty() {
        let taken: std::collections::HashSet<i64> =
            enrolments.iter().map(|e| e.person_id).collect();
        let q = crate::persons::CandidatesQuery {
            q: Some(pick_q.to_string()),
            ..Default::default()
        };
        crate::persons::candidates_of(state, s, &q, 40 + taken.len() as i64)
            .await?
            .into_iter()
            .filter(|c| !taken.contains(&c.id))
            .take(40)
            .collect()
    } else {
        Vec::new()
    };
    let errors = FormErrors::new(errors, lang);
    let page = DetailPage {
        r,
        proposals,
        enrolments,
        candidates,
        pick_q: pick_q.to_string(),
        can_write: s.role().can_write(),
        errors,
        chart,
        months,
        benefits,
        benefit_kinds: domain::aid::BenefitKind::options(ctx.lang),
        can_approve: s.role() == Role::KepalaBidang,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

/// The month (1–12) of a flow in the programme's year, in Jakarta time; flows before or
/// after the year count in its first or last month.
pub(super) fn month_of(when: &str, year: i64) -> usize {
    let day = chrono::DateTime::parse_from_rfc3339(when)
        .map(|t| app::day_in_jakarta(t.to_utc()))
        .or_else(|_| chrono::NaiveDate::parse_from_str(when, "%Y-%m-%d"));
    match day {
        Ok(d) if (d.year() as i64) < year => 1,
        Ok(d) if (d.year() as i64) > year => 12,
        Ok(d) => d.month() as usize,
        Err(_) => 12,
    }
}

/// Committed and delivered, cumulated by month over the programme's year, against its
/// budget; months still to come are left open.
pub(super) fn budget_chart(
    p: &Programme,
    flows: &[(String, i64, i64)],
    lang: Lang,
    today: chrono::NaiveDate,
) -> (String, Vec<(&'static str, i64, i64)>) {
    let names: Vec<&'static str> = lang.t("chart.months").split(',').collect();
    let mut by_month = [(0i64, 0i64); 12];
    for (when, c, d) in flows {
        let m = month_of(when, p.year) - 1;
        by_month[m].0 += c;
        by_month[m].1 += d;
    }
    let last = match (today.year() as i64).cmp(&p.year) {
        std::cmp::Ordering::Less => 0,
        std::cmp::Ordering::Equal => today.month() as usize,
        std::cmp::Ordering::Greater => 12,
    };
    let (mut c, mut d) = (0, 0);
    let mut committed = Vec::new();
    let mut delivered = Vec::new();
    for (i, (mc, md)) in by_month.iter().enumerate() {
        c += mc;
        d += md;
        let open = i >= last && *mc == 0 && *md == 0;
        committed.push((!open).then_some(c));
        delivered.push((!open).then_some(d));
    }
    let labels: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let delivered = crate::chart::Series {
        label: lang.t("chart.delivered").into(),
        colour: "#2e7d32",
        values: delivered,
    };
    // Benefits to persons are committed as they are given: one line says it.
    let series = if p.target == domain::aid::Target::Individual {
        vec![delivered]
    } else {
        let committed = crate::chart::Series {
            label: lang.t("chart.committed").into(),
            colour: "#1e88e5",
            values: committed,
        };
        vec![committed, delivered]
    };
    let budget_line = lang.t("chart.budget_line");
    let chart = crate::chart::lines(
        &format!("{} {}", lang.t("chart.budget_year"), p.year),
        &labels,
        &series,
        p.budget.map(|b| (budget_line, b)),
    );
    let months = names
        .into_iter()
        .zip(by_month)
        .filter(|(_, (c, d))| *c != 0 || *d != 0)
        .map(|(n, (c, d))| (n, c, d))
        .collect();
    (chart, months)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DetailQuery {
    pick_q: String,
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<DetailQuery>,
) -> AppResult<Response> {
    render_detail(&state, &s, ctx, id, &q.pick_q, None).await
}

/// The enrolment form (a person) and the benefit form (a person and what they got).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct BenefitForm {
    person_id: Option<i64>,
    kind: String,
    period: String,
    amount: String,
    description: Option<String>,
}

pub(super) async fn enrol_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<BenefitForm>,
) -> AppResult<Response> {
    let person_id = f.person_id.unwrap_or(0);
    match page::outcome(app::programmes::enrol(&state.app(), &s.caller(), id, person_id).await)? {
        Done(_) => {
            let name = app::scope::person(&state.app(), &s.caller(), person_id)
                .await
                .map(|p| p.name)
                .unwrap_or_default();
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{id}"),
                ctx.tf("enrolment.done", &[name]),
            )
            .await
        }
        Again(inv) => render_detail(&state, &s, ctx, id, "", Some(&inv)).await,
    }
}

pub(super) async fn benefit_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<BenefitForm>,
) -> AppResult<Response> {
    let mut inv = Invalid::new();
    let amount = num(&mut inv, "amount", &f.amount).unwrap_or(0);
    let b = BenefitIn {
        person_id: f.person_id.unwrap_or(0),
        kind: f.kind,
        period: f.period,
        amount,
        description: f.description,
    };
    let r = if inv.is_empty() {
        app::programmes::benefit(&state.app(), &s.caller(), id, &b).await
    } else {
        Err(inv.into())
    };
    match page::outcome(r)? {
        Done(_) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{id}"),
                ctx.t("common.save"),
            )
            .await
        }
        Again(inv) => render_detail(&state, &s, ctx, id, "", Some(&inv)).await,
    }
}
