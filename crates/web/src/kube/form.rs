//! Forming a KUBE and editing it: the form with its member rows.
use super::*;
use crate::page::Outcome::{Again, Done};

// ----- create and edit forms -----

pub struct MemberRow {
    pub person_id: i64,
    pub role: String,
    /// What was typed when it named no candidate (shown again with the error).
    pub typed: String,
}

#[derive(askama::Template)]
#[template(path = "kube_form.html")]
pub(super) struct FormPage {
    ctx: Ctx,
    id: Option<i64>,
    v: KubeInput,
    stage: String,
    pendamping_id: i64,
    pendampings: Vec<(i64, String)>,
    o: Options,
    /// Persons who may join (create form): (id, "name (village) #id"), offered once as a
    /// datalist that every member row's input uses — 20 selects of 2,000 options made a
    /// large kecamatan's form 2.3 MB.
    candidates: Vec<(i64, String)>,
    rows: Vec<MemberRow>,
    errors: FormErrors,
}

impl FormPage {
    fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
    fn year(&self) -> String {
        self.v
            .programme_year
            .map(|y| y.to_string())
            .unwrap_or_default()
    }
    fn village(&self, code: &str) -> String {
        self.o
            .villages
            .iter()
            .find(|v| v.0 == code)
            .map(|v| v.1.clone())
            .unwrap_or_default()
    }
    /// A member row's input: the candidate's label, or what was typed.
    fn member_value(&self, r: &MemberRow) -> String {
        match self.candidates.iter().find(|c| c.0 == r.person_id) {
            Some(c) => c.1.clone(),
            None if r.person_id > 0 => format!("#{}", r.person_id),
            None => r.typed.clone(),
        }
    }
    /// Errors of the member list: size, repeats, kecamatan, officers.
    fn member_errors(&self) -> Vec<&str> {
        [
            "members",
            "members.ketua",
            "members.sekretaris",
            "members.bendahara",
        ]
        .iter()
        .map(|f| self.errors.get(f))
        .filter(|m| !m.is_empty())
        .collect()
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn form_page(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: Option<i64>,
    v: KubeInput,
    stage: String,
    pendamping_id: Option<i64>,
    rows: Vec<MemberRow>,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let district = state
        .areas
        .village(&v.village_code)
        .ok()
        .map(|vc| vc.district());
    let (candidates, pendampings) = match &district {
        Some(d) if s.sees_district(d.as_str()) => (
            if id.is_none() {
                app::kube::candidates(&state.app(), &s.caller(), d.as_str(), None, 2000).await?
            } else {
                Vec::new()
            },
            app::users::pendampings(&state.app(), &s.caller(), d.as_str()).await?,
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let o = options(state, s, ctx.lang).await?;
    let village_names: std::collections::HashMap<&str, &str> = o
        .villages
        .iter()
        .map(|v| (v.0.as_str(), v.1.as_str()))
        .collect();
    let candidates = candidates
        .into_iter()
        .map(|(id, name, village)| {
            let v = village_names.get(village.as_str()).copied().unwrap_or("");
            (id, format!("{name} ({v}) #{id}"))
        })
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let status = errors.status();
    let page = FormPage {
        id,
        v,
        stage,
        pendamping_id: pendamping_id.unwrap_or(0),
        pendampings,
        o,
        candidates,
        rows,
        errors,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

pub(super) fn default_rows() -> Vec<MemberRow> {
    (0..MAX_MEMBERS)
        .map(|i| MemberRow {
            person_id: 0,
            role: match i {
                0 => "ketua",
                1 => "sekretaris",
                2 => "bendahara",
                _ => "anggota",
            }
            .into(),
            typed: String::new(),
        })
        .collect()
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    village_code: Option<String>,
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    s.require_write()?;
    let v = KubeInput {
        village_code: q.village_code.unwrap_or_default(),
        funding_source: "apbd_kota".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &s,
        ctx,
        None,
        v,
        Stage::Pembentukan.code().into(),
        None,
        default_rows(),
        None,
    )
    .await
}

pub(super) struct ParsedForm {
    input: KubeInput,
    stage: String,
    pendamping_id: Option<i64>,
    rows: Vec<MemberRow>,
}

/// A member row's input: empty, an id, or a candidate's label ending in `#id`.
/// `Err` when something was typed that names no one.
pub(super) fn member_id(v: &str) -> Result<i64, ()> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(0);
    }
    let id = v.rsplit_once('#').map_or(v, |(_, id)| id).trim();
    id.parse::<i64>().ok().filter(|i| *i > 0).ok_or(())
}

/// Beside the group's fields, the KUBE form sends its stage, facilitator and member rows
/// (each row a person, typed or picked, and a role).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Beside {
    stage: String,
    pendamping_id: Option<i64>,
    member_person: Vec<String>,
    member_role: Vec<String>,
}

pub(super) fn parse_form(body: &[u8]) -> AppResult<ParsedForm> {
    let input: KubeInput = page::form(body)?;
    let Beside {
        stage,
        pendamping_id,
        member_person,
        member_role,
    } = page::form(body)?;
    let rows = member_person
        .into_iter()
        .zip(member_role)
        .map(|(typed, role)| match member_id(&typed) {
            Ok(person_id) => MemberRow {
                person_id,
                role,
                typed: String::new(),
            },
            Err(()) => MemberRow {
                person_id: 0,
                role,
                typed,
            },
        })
        .collect();
    Ok(ParsedForm {
        input,
        stage,
        pendamping_id: pendamping_id.filter(|i| *i > 0),
        rows,
    })
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = parse_form(&body)?;
    if let Some(row) = f.rows.iter().position(|r| !r.typed.is_empty()) {
        let inv = domain::Invalid::field("members", Msg::new("kube.member_unknown").arg(row + 1));
        return create_form_again(&state, &s, ctx, f, &inv).await;
    }
    let members: Vec<MemberIn> = f
        .rows
        .iter()
        .filter(|r| r.person_id > 0)
        .map(|r| MemberIn {
            person_id: r.person_id,
            role: Some(r.role.clone()),
        })
        .collect();
    let b = KubeCreate {
        kube: f.input.clone(),
        pendamping_id: f.pendamping_id,
        members,
    };
    match app::kube::create(&state.app(), &s.caller(), &b).await {
        Ok(d) => {
            let msg = ctx.tf(
                "kube.created",
                &[d.kube.name.clone(), d.kube.registration_number.clone()],
            );
            page::redirect_with_flash(&state, &s, &format!("/kube/{}", d.kube.id), msg).await
        }
        Err(e) => create_form_again(&state, &s, ctx, f, &e.into_form_errors()?).await,
    }
}

/// The create form again with what was entered and why it was refused.
pub(super) async fn create_form_again(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    f: ParsedForm,
    inv: &Invalid,
) -> AppResult<Response> {
    let mut rows = f.rows;
    rows.resize_with(MAX_MEMBERS, || MemberRow {
        person_id: 0,
        role: "anggota".into(),
        typed: String::new(),
    });
    form_page(
        state,
        s,
        ctx,
        None,
        f.input,
        Stage::Pembentukan.code().into(),
        f.pendamping_id,
        rows,
        Some(inv),
    )
    .await
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require_write()?;
    let k = visible(&state, &s, id).await?.kube;
    form_page(
        &state,
        &s,
        ctx,
        Some(id),
        app::kube::input_of(&k),
        k.stage.code().to_string(),
        k.pendamping_id,
        Vec::new(),
        None,
    )
    .await
}

pub(super) async fn update_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = parse_form(&body)?;
    let r = app::kube::replace(
        &state.app(),
        &s.caller(),
        id,
        f.input.clone(),
        &f.stage,
        f.pendamping_id,
    )
    .await;
    match page::outcome(r)? {
        Done(d) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/kube/{id}"),
                ctx.tf("kube.updated", &[d.kube.name]),
            )
            .await
        }
        Again(inv) => {
            form_page(
                &state,
                &s,
                ctx,
                Some(id),
                f.input,
                f.stage,
                f.pendamping_id,
                Vec::new(),
                Some(&inv),
            )
            .await
        }
    }
}

/// Catalogue keys stored with assessments are `'static` in the catalogue.
pub(super) fn lang_key(key: &str) -> &'static str {
    domain::i18n::catalogue()
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(k, _, _)| *k)
        .unwrap_or("error.validation")
}
