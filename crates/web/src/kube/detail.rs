//! A KUBE's page: members, health, visits, aid; the member forms.
use super::*;
use crate::page::Outcome::{Again, Done};

pub struct AuditRow {
    pub at: String,
    pub username: String,
    pub action: String,
}

#[derive(askama::Template)]
#[template(path = "kube_detail.html")]
pub(super) struct DetailPage {
    ctx: Ctx,
    k: KubeOut,
    business_type: String,
    funding: &'static str,
    stage: &'static str,
    status: &'static str,
    o: Options,
    candidates: Vec<app::persons::Candidate>,
    member_q: String,
    can_write: bool,
    audit: Vec<AuditRow>,
    errors: FormErrors,
    health: crate::visits::HealthOut,
    level: &'static str,
    guidance: domain::trainings::GuidanceStatus,
    visits: Vec<crate::visits::VisitOut>,
    /// Revenue, profit and savings over the visits (SVG).
    trend: String,
    history: Vec<(String, String, &'static str, String)>,
    can_visit: bool,
    assets: Vec<crate::proposals::AssetOut>,
    /// Photos of the last visit, and its id for adding more.
    photos: Vec<crate::attachments::AttachmentOut>,
    last_visit: Option<i64>,
    membership: super::MembershipOut,
    /// Stage checklists, newest first: (id, day, level, by).
    checklists: Vec<(i64, String, &'static str, String)>,
}

impl DetailPage {
    fn rupiah(&self, v: &i64) -> String {
        domain::money::Rupiah::new(*v).to_string()
    }
    fn msg(&self, m: &domain::Msg) -> String {
        m.text(self.ctx.lang)
    }
    fn village(&self, code: &str) -> String {
        self.o
            .villages
            .iter()
            .find(|v| v.0 == code)
            .map(|v| v.1.clone())
            .unwrap_or_default()
    }
}

pub(super) async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    render_detail_with(state, s, ctx, id, errors, None).await
}

/// The detail page; `member_q` (a name or NIK start) lists persons who could join.
pub(super) async fn render_detail_with(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
    member_q: Option<String>,
) -> AppResult<Response> {
    let app::kube::KubePage {
        overview: ov,
        standing,
        checklists,
    } = app::kube::page(&state.app(), &s.caller(), id).await?;
    let h = ov.health;
    let district = ov.detail.kube.district_code.clone();
    let k = KubeOut::from_detail(state, ov.detail, s.role().sees_full_identity());
    let types = active_type_names(&ov.business_types, ctx.lang);
    let villages = crate::persons::villages_in(state, s, Some(&district));
    let o = options_with(state, s, ctx.lang, villages, types);
    let can_write = s.role().can_write() && k.stage != Stage::Bubar.code();
    // Candidates only on request: a kecamatan may hold tens of thousands of persons.
    let member_q = member_q.filter(|q| !q.trim().is_empty());
    let candidates = match &member_q {
        Some(q) if can_write => {
            app::persons::candidates(
                &state.app(),
                &s.caller(),
                Some(&district),
                app::persons::Among::OutsideKube,
                Some(q),
                50,
            )
            .await?
        }
        _ => Vec::new(),
    };
    let audit = ov
        .audit
        .into_iter()
        .map(|e| AuditRow {
            at: page::local_time(&e.at),
            username: e.who().to_string(),
            action: e.action,
        })
        .collect();
    let lang = ctx.lang;
    let errors = FormErrors::new(errors, lang);
    let status = errors.status();
    let guidance =
        domain::trainings::technical_guidance(&ov.guidance, state.settings.guidance_share_pct);
    let last_visit = ov.visits.first().map(|v| v.id);
    let visits: Vec<crate::visits::VisitOut> = ov
        .visits
        .into_iter()
        .take(12)
        .map(crate::visits::VisitOut::from)
        .collect();
    let trend = crate::visits::trend_chart(&visits, lang);
    let history = ov
        .health_history
        .into_iter()
        .map(|r| {
            let reasons: Vec<serde_json::Value> =
                serde_json::from_str(&r.reasons_json).unwrap_or_default();
            let text = reasons
                .iter()
                .map(|m| {
                    let mut msg = domain::Msg::new(lang_key(m["key"].as_str().unwrap_or("")));
                    for a in m["args"].as_array().into_iter().flatten() {
                        msg = msg.arg(a.as_str().unwrap_or(""));
                    }
                    msg.text(lang)
                })
                .collect::<Vec<_>>()
                .join("; ");
            (
                page::local_time(&r.assessed_at),
                r.status.code().to_string(),
                lang.t(r.status.label_key()),
                text,
            )
        })
        .collect();
    let checklists = crate::checklist::history_rows(checklists, lang);
    let page = DetailPage {
        // The latest checklist's level; "never assessed" when there is none.
        level: match checklists.first() {
            Some((_, _, level, _)) => level,
            None => lang.t("checklist.never"),
        },
        checklists,
        health: crate::visits::health_out(&h, lang),
        guidance,
        visits,
        trend,
        history,
        can_visit: s.role().can_write() && k.stage != Stage::Bubar.code(),
        assets: ov
            .assets
            .into_iter()
            .map(crate::proposals::AssetOut::from)
            .collect(),
        photos: ov
            .photos
            .into_iter()
            .map(crate::attachments::AttachmentOut::from)
            .collect(),
        last_visit,
        membership: super::membership_out(standing, lang),
        business_type: o.business_type_name(&k.business_type),
        funding: FundingSource::parse(&k.funding_source)
            .map(|f| lang.t(f.label_key()))
            .unwrap_or(""),
        stage: Stage::parse(&k.stage)
            .map(|f| lang.t(f.label_key()))
            .unwrap_or(""),
        status: lang.t(h.status.label_key()),
        k,
        o,
        candidates,
        member_q: member_q.unwrap_or_default(),
        can_write,
        audit,
        errors,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

#[derive(Deserialize)]
pub(super) struct DetailQuery {
    member_q: Option<String>,
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<Response> {
    render_detail_with(&state, &s, ctx, id, None, q.member_q).await
}

pub(super) async fn member_result(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    r: app::Result<KubeDetail>,
    ok_msg: String,
) -> AppResult<Response> {
    match page::outcome(r)? {
        Done(_) => page::redirect_with_flash(state, s, &format!("/kube/{id}"), ok_msg).await,
        Again(inv) => render_detail(state, s, ctx, id, Some(&inv)).await,
    }
}

pub(super) fn person_name(d: &Option<KubeDetail>, person_id: i64) -> String {
    d.as_ref()
        .and_then(|d| d.history.iter().find(|m| m.person_id == person_id))
        .map(|m| m.name.clone())
        .unwrap_or_default()
}

/// The member forms of a KUBE's page: add (person, role), leave (reason), change role.
#[derive(Deserialize)]
pub(super) struct MemberForm {
    person_id: Option<i64>,
    role: Option<String>,
    reason: Option<String>,
    /// An officer's reason to accept the person although a membership rule refuses them.
    member_exception: Option<String>,
}

pub(super) async fn add_member_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<MemberForm>,
) -> AppResult<Response> {
    let Some(person_id) = f.person_id else {
        return render_detail(
            &state,
            &s,
            ctx,
            id,
            Some(&Invalid::field("person_id", Msg::new("common.required"))),
        )
        .await;
    };
    let r = app::kube::add_member(
        &state.app(),
        &s.caller(),
        id,
        &MemberIn {
            person_id,
            role: Some(f.role.unwrap_or_default()),
            exceptions: super::exception_of(person_id, f.member_exception.as_deref()),
        },
    )
    .await
    // The rules' refusal of the person is said where the person was chosen.
    .map_err(|e| super::member_errors_as(e, |_| Some("person_id".to_string())));
    let name = person_name(&r.as_ref().ok().cloned(), person_id);
    let msg = ctx.tf("kube.member_added", &[name]);
    member_result(&state, &s, ctx, id, r, msg).await
}

pub(super) async fn remove_member_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, person_id)): Path<(i64, i64)>,
    page::Form(f): page::Form<MemberForm>,
) -> AppResult<Response> {
    let r = app::kube::remove_member(
        &state.app(),
        &s.caller(),
        id,
        person_id,
        f.reason.as_deref(),
    )
    .await;
    let name = person_name(&r.as_ref().ok().cloned(), person_id);
    let msg = ctx.tf("kube.member_removed", &[name]);
    member_result(&state, &s, ctx, id, r, msg).await
}

pub(super) async fn role_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, person_id)): Path<(i64, i64)>,
    page::Form(f): page::Form<MemberForm>,
) -> AppResult<Response> {
    let role = f.role.unwrap_or_default();
    let r = app::kube::set_role(&state.app(), &s.caller(), id, person_id, &role).await;
    let name = person_name(&r.as_ref().ok().cloned(), person_id);
    let msg = ctx.tf("kube.role_changed", &[name]);
    member_result(&state, &s, ctx, id, r, msg).await
}
