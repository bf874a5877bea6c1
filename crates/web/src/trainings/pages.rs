//! The training pages: the list, the form, an event's page with attendance.
use super::*;
use crate::list::Listed;
use crate::page::Outcome::{Again, Done};

// ---------- pages ----------

pub struct Row {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub dates: String,
    pub village: String,
}

#[derive(askama::Template)]
#[template(path = "trainings_list.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    pager: Pager,
    can_write: bool,
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    l: Listed<Trainings>,
) -> AppResult<Response> {
    let rows = l
        .page
        .items
        .into_iter()
        .map(|t| Row {
            id: t.id,
            kind: ctx.t(t.kind.label_key()),
            dates: if t.starts_on == t.ends_on {
                t.starts_on.to_string()
            } else {
                format!("{} – {}", t.starts_on, t.ends_on)
            },
            village: state.areas.name(&t.village_code).to_string(),
            title: t.title,
        })
        .collect();
    Ok(html(&ListPage {
        rows,
        pager: l.pager,
        can_write: s.role().can_write(),
        ctx,
    })?
    .into_response())
}

#[derive(askama::Template)]
#[template(path = "training_form.html")]
pub(super) struct FormPage {
    ctx: Ctx,
    v: TrainingCreate,
    kinds: Vec<(&'static str, &'static str)>,
    business_types: Vec<(String, String)>,
    villages: Vec<(String, String, String)>,
    agencies: Vec<String>,
    errors: FormErrors,
}

impl FormPage {
    pub(super) fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

pub(super) async fn form_page(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    v: TrainingCreate,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let errors = FormErrors::new(errors, lang);
    let page = FormPage {
        kinds: TrainingKind::options(lang),
        business_types: app::kube::business_types(&state.app(), &s.caller())
            .await?
            .into_iter()
            .map(|b| (b.code, if lang == Lang::En { b.name_en } else { b.name }))
            .collect(),
        villages: village_options(state, s),
        agencies: app::trainings::partner_agencies(&state.app(), &s.caller()).await?,
        v,
        ctx,
        errors,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    s.require_write()?;
    let today = state.today().format("%Y-%m-%d").to_string();
    let v = TrainingCreate {
        kind: "bimbingan_teknis".into(),
        starts_on: today.clone(),
        ends_on: today,
        ..Default::default()
    };
    form_page(&state, &s, ctx, v, None).await
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    page::Form(v): page::Form<TrainingCreate>,
) -> AppResult<Response> {
    match page::outcome(app::trainings::create(&state.app(), &s.caller(), &v).await)? {
        Done(d) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/trainings/{}", d.training.id),
                ctx.tf("training.created", &[d.training.title]),
            )
            .await
        }
        Again(inv) => form_page(&state, &s, ctx, v, Some(&inv)).await,
    }
}

#[derive(askama::Template)]
#[template(path = "training_detail.html")]
pub(super) struct DetailPage {
    ctx: Ctx,
    t: TrainingOut,
    kind: &'static str,
    summary: Vec<VillageSummary>,
    /// Residents of the event's kecamatan not yet participants, by the search `pick_q`.
    candidates: Vec<app::persons::Candidate>,
    pick_q: String,
    can_write: bool,
    errors: FormErrors,
    days: Vec<String>,
    present: Vec<(i64, String)>,
}

impl DetailPage {
    fn any_attended(&self) -> bool {
        self.t.participants.iter().any(|p| p.attended)
    }
    pub(super) fn was_present(&self, person_id: &i64, day: &str) -> bool {
        self.present.iter().any(|(p, d)| p == person_id && d == day)
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
    let seen = visible(state, s, id).await?;
    let d = &seen.d;
    let summary = summary(state, s, id, ctx.lang).await?;
    let can_write = s.role().can_write();
    // Persons of the caller's area who are not participants yet, by the search typed
    // (the first of the kecamatan by name when none).
    let candidates = if can_write {
        let taken: std::collections::HashSet<i64> =
            d.participants.iter().map(|p| p.person_id).collect();
        let q = crate::persons::CandidatesQuery {
            area: d.training.district_code.clone(),
            among: None,
            q: Some(pick_q.to_string()),
        };
        crate::persons::candidates_of(state, s, &q, PICK_SHOWN + taken.len() as i64)
            .await?
            .into_iter()
            .filter(|c| !taken.contains(&c.id))
            .take(PICK_SHOWN as usize)
            .collect()
    } else {
        Vec::new()
    };
    let days = days(&d.training);
    let present = app::trainings::days_present(&state.app(), &s.caller(), id).await?;
    let t = out(state, seen);
    let errors = FormErrors::new(errors, ctx.lang);
    let page = DetailPage {
        kind: ctx.t(t.kind.label_key()),
        t,
        summary,
        candidates,
        pick_q: pick_q.to_string(),
        can_write,
        errors,
        days,
        present,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

/// At most this many persons to tick at once; a search narrows them.
const PICK_SHOWN: i64 = 40;

#[derive(serde::Deserialize, Default)]
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

/// The participants ticked, and whether they attended (a checkbox).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct ParticipantForm {
    person_id: Vec<i64>,
    attended: Option<String>,
}

pub(super) async fn participant_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<ParticipantForm>,
) -> AppResult<Response> {
    let attended = f.attended.is_some();
    match page::outcome(
        app::trainings::add_participants(&state.app(), &s.caller(), id, &f.person_id, attended)
            .await,
    )? {
        Done(d) => {
            let names: Vec<String> = d
                .participants
                .iter()
                .filter(|p| f.person_id.contains(&p.person_id))
                .map(|p| p.name.clone())
                .collect();
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/trainings/{id}#participants"),
                ctx.tf("training.participant_added", &[names.join(", ")]),
            )
            .await
        }
        Again(inv) => render_detail(&state, &s, ctx, id, "", Some(&inv)).await,
    }
}
