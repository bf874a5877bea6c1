//! Forming a KUBE and editing it: the form with its member rows.
use super::*;
use crate::page::Outcome::{Again, Done};

// ----- create and edit forms -----

/// A member row as typed or picked: a candidate's label, a NIK or a name, a role, and an
/// officer's reason to override the membership rules the person breaks.
pub struct MemberRow {
    pub typed: String,
    pub role: String,
    pub exception: String,
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
    /// Persons who may join (create form), offered as one datalist that every member row's
    /// input uses and that typing refills from the server. Each label says name, age,
    /// village and NIK (as the role may read it).
    candidates: Vec<app::persons::Candidate>,
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
    /// The error of member row `n` (from 1), if any.
    fn row_error(&self, n: &usize) -> &str {
        self.errors.get(&format!("member_row_{n}"))
    }
    /// An officer may override the membership rules (not a pendamping).
    fn can_except(&self) -> bool {
        self.ctx.is_office()
    }
    /// Rows may still be added.
    fn can_add_rows(&self) -> bool {
        self.rows.len() < MAX_MEMBERS
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

/// The candidates a new KUBE's form offers before anything is typed; typing asks the
/// server for the matching ones (`/persons/candidates`), and any name or NIK typed is
/// looked up on saving.
const PICKER_FIRST: i64 = 100;

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
                app::persons::candidates(
                    &state.app(),
                    &s.caller(),
                    Some(d.as_str()),
                    app::persons::Among::OutsideKube,
                    None,
                    PICKER_FIRST,
                )
                .await?
            } else {
                Vec::new()
            },
            app::users::pendampings(&state.app(), &s.caller(), Some(d.as_str())).await?,
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let o = options(state, s, ctx.lang).await?;
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

/// A new KUBE's form starts with the rows a group needs at least (its officers first);
/// more are added on demand.
pub(super) fn default_rows() -> Vec<MemberRow> {
    rows_with_roles(Vec::new(), MIN_MEMBERS)
}

/// `rows` filled up to `n` rows, the first three roles the officers'.
fn rows_with_roles(mut rows: Vec<MemberRow>, n: usize) -> Vec<MemberRow> {
    while rows.len() < n.min(MAX_MEMBERS) {
        let role = match rows.len() {
            0 => "ketua",
            1 => "sekretaris",
            2 => "bendahara",
            _ => "anggota",
        };
        rows.push(MemberRow {
            typed: String::new(),
            role: role.into(),
            exception: String::new(),
        });
    }
    rows
}

/// Rows added by "add member rows".
const MORE_ROWS: usize = 5;

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
    more_rows: bool,
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
    member_exception: Vec<String>,
    /// "Add member rows" pressed: the form again with more rows, nothing saved.
    more_rows: Option<String>,
}

pub(super) fn parse_form(body: &[u8]) -> AppResult<ParsedForm> {
    let input: KubeInput = page::form(body)?;
    let Beside {
        stage,
        pendamping_id,
        member_person,
        member_role,
        member_exception,
        more_rows,
    } = page::form(body)?;
    let rows = member_person
        .into_iter()
        .zip(member_role)
        .enumerate()
        .map(|(i, (typed, role))| MemberRow {
            typed,
            role,
            exception: member_exception.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(ParsedForm {
        input,
        stage,
        pendamping_id: pendamping_id.filter(|i| *i > 0),
        rows,
        more_rows: more_rows.is_some(),
    })
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let mut f = parse_form(&body)?;
    if f.more_rows {
        let n = f.rows.len() + MORE_ROWS;
        f.rows = rows_with_roles(std::mem::take(&mut f.rows), n);
        return create_form_again(&state, &s, ctx, f, &Invalid::new()).await;
    }
    // Every row that names nobody (or several) is reported at once.
    let district = state
        .areas
        .village(&f.input.village_code)
        .ok()
        .map(|v| v.district().as_str().to_string());
    let typed: Vec<String> = f.rows.iter().map(|r| r.typed.clone()).collect();
    let picked = match &district {
        Some(d) => app::kube::pick_members(&state.app(), &s.caller(), d, &typed).await,
        None => Ok(vec![None; typed.len()]),
    };
    let picked = match picked {
        Ok(p) => p,
        Err(e) => return create_form_again(&state, &s, ctx, f, &e.into_form_errors()?).await,
    };
    let members: Vec<MemberIn> = f
        .rows
        .iter()
        .zip(&picked)
        .filter_map(|(r, id)| {
            id.map(|person_id| MemberIn {
                person_id,
                role: Some(r.role.clone()),
                exceptions: super::exception_of(person_id, Some(&r.exception)),
            })
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
        Err(e) => {
            // The rules' refusal of a person is said beside the row that named them.
            let row_of = |pid: i64| {
                picked
                    .iter()
                    .position(|p| *p == Some(pid))
                    .map(|i| format!("member_row_{}", i + 1))
            };
            let e = super::member_errors_as(e, row_of);
            create_form_again(&state, &s, ctx, f, &e.into_form_errors()?).await
        }
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
    let n = f.rows.len().max(MIN_MEMBERS);
    let rows = rows_with_roles(f.rows, n);
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
