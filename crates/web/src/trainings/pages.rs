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
    candidates: Vec<(i64, String, String)>,
    can_write: bool,
    errors: FormErrors,
    days: Vec<String>,
    present: Vec<(i64, String)>,
}

impl DetailPage {
    pub(super) fn was_present(&self, person_id: &i64, day: &str) -> bool {
        self.present.iter().any(|(p, d)| p == person_id && d == day)
    }
}

pub(super) async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let seen = visible(state, s, id).await?;
    let d = &seen.d;
    let summary = summary(state, s, id, ctx.lang).await?;
    let can_write = s.role().can_write();
    // Persons of the caller's area who are not participants yet: (id, name, village).
    let candidates = if can_write {
        let taken: std::collections::HashSet<i64> =
            d.participants.iter().map(|p| p.person_id).collect();
        let filter = app::persons::PersonFilter {
            district_code: Some(d.training.district_code.clone()),
            ..Default::default()
        };
        app::persons::residents(&state.app(), &s.caller(), &filter, 500)
            .await?
            .into_iter()
            .filter(|p| !taken.contains(&p.0))
            .map(|(id, name, village)| (id, name, state.areas.name(&village).to_string()))
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
        can_write,
        errors,
        days,
        present,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_detail(&state, &s, ctx, id, None).await
}

/// A participant to add, and whether they attended (a checkbox).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct ParticipantForm {
    person_id: Option<i64>,
    attended: Option<String>,
}

pub(super) async fn participant_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<ParticipantForm>,
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
    let attended = f.attended.is_some();
    match page::outcome(
        app::trainings::add_participant(
            &state.app(),
            &s.caller(),
            id,
            &ParticipantIn {
                person_id,
                attended,
            },
        )
        .await,
    )? {
        Done(d) => {
            let name = d
                .participants
                .iter()
                .find(|p| p.person_id == person_id)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/trainings/{id}"),
                ctx.tf("training.participant_added", &[name]),
            )
            .await
        }
        Again(inv) => render_detail(&state, &s, ctx, id, Some(&inv)).await,
    }
}
