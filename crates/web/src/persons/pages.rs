//! The persons pages: the list, a person's page, the form, the NIK hint.
use super::*;
use crate::page::Outcome::{Again, Done};
use app::lists::Open;

// ---------- pages ----------

pub struct Row {
    pub id: i64,
    pub nik: String,
    pub name: String,
    pub sex: String,
    pub age: i32,
    pub village: String,
    pub categories: String,
}

#[derive(askama::Template)]
#[template(path = "persons_list.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    q: ListQuery,
    districts: Vec<(String, String)>,
    villages: Vec<(String, String, String)>,
    categories: Vec<(&'static str, &'static str)>,
    pager: Pager,
    can_write: bool,
    /// NIK and birth date in full: only then are they offered as sorts.
    full: bool,
}

impl ListPage {
    pub(super) fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

pub(super) fn category_labels(lang: Lang, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| {
            Category::parse(c)
                .map(|c| lang.t(c.label_key()))
                .unwrap_or("?")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The region's kecamatan a caller may see: (code, name).
pub(crate) fn district_options(state: &AppState, s: &Session) -> Vec<(String, String)> {
    state
        .districts()
        .into_iter()
        .filter(|d| s.sees_district(&d.code))
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect()
}

/// The region's villages a caller may see: (code, name, kecamatan name).
pub(crate) fn village_options(state: &AppState, s: &Session) -> Vec<(String, String, String)> {
    villages_in(state, s, None)
}

/// The villages a caller may see, of one kecamatan when it is chosen: a large regency
/// has hundreds, too many for every page of a filtered list.
pub(crate) fn villages_in(
    state: &AppState,
    s: &Session,
    district: Option<&str>,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (dc, dn) in district_options(state, s) {
        if district.is_some_and(|d| !d.is_empty() && d != dc) {
            continue;
        }
        for v in state.areas.children(&dc) {
            out.push((v.code.clone(), v.name.clone(), dn.clone()));
        }
    }
    out
}

/// Villages for a list's filter: those of the chosen kecamatan, or all the caller
/// sees when they are few. A regency has hundreds (Kabupaten Bogor 435): one select of
/// them all is unusable on a phone and doubles the page, so the kecamatan comes first.
pub(crate) fn filter_villages(
    state: &AppState,
    s: &Session,
    district: Option<&str>,
    village: Option<&str>,
) -> Vec<(String, String, String)> {
    let all = villages_in(state, s, district);
    if district.is_some_and(|d| !d.is_empty()) || all.len() <= FILTER_VILLAGES_MAX {
        return all;
    }
    // A village chosen through a link stays shown as chosen.
    all.into_iter()
        .filter(|v| Some(v.0.as_str()) == village)
        .collect()
}

pub(super) const FILTER_VILLAGES_MAX: usize = 60;

pub(super) async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    q: List<ListQuery>,
) -> AppResult<Response> {
    let list = Open::<Persons>::new(&state.app(), &s.caller(), &q).await?;
    let page = list.rows(q.paging(50)).await?;
    let pager = q.pager(&page).with_export();
    let full = s.role().sees_full_identity();
    let rows = page
        .items
        .into_iter()
        .map(|p| Row {
            id: p.id,
            categories: category_labels(ctx.lang, &p.categories),
            nik: if full { p.nik } else { mask(&p.nik) },
            age: age_of(&p.birth_date, state.today()),
            village: state.areas.name(&p.village_code).to_string(),
            name: p.name,
            sex: p.sex.code().to_string(),
        })
        .collect();
    let page = ListPage {
        rows,
        districts: district_options(&state, &s),
        villages: filter_villages(
            &state,
            &s,
            q.district_code.as_deref(),
            q.village_code.as_deref(),
        ),
        categories: Category::options(ctx.lang),
        pager,
        can_write: s.role().can_write(),
        full: s.role().sees_full_identity(),
        q: q.into_inner(),
        ctx,
    };
    Ok(html(&page)?.into_response())
}

#[derive(askama::Template)]
#[template(path = "person_detail.html")]
pub(super) struct DetailPage {
    ctx: Ctx,
    p: PersonOut,
    categories: String,
    can_write: bool,
    history: Vec<HistoryOut>,
    /// Personal data duties: consents, the person's photos, a restriction.
    consents: Vec<app::protection::Consent>,
    photos: Vec<app::attachments::AttachmentInfo>,
    photo_consent: bool,
    restricted_at: Option<String>,
    /// Lifts a restriction (admin, head of division).
    decider: bool,
    /// Registers requests (handles identity documents).
    officer: bool,
    today: String,
}

impl DetailPage {
    fn rp(&self, v: &i64) -> String {
        domain::money::Rupiah::new(*v).to_string()
    }
    fn label(&self, prefix: &str, code: &str) -> String {
        crate::page::label(prefix, code, self.ctx.lang)
    }
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let app::persons::PersonPage {
        person: p,
        history: rows,
        consents,
        photos,
    } = app::persons::page(&state.app(), &s.caller(), id).await?;
    let restricted_at = p.restricted_at.clone();
    let p = PersonOut::new(&state, p, s.role().sees_full_identity());
    let categories = category_labels(ctx.lang, &p.categories);
    let history = history_out(rows, ctx.lang);
    let photo_consent = consents
        .iter()
        .any(|c| c.kind == "photos" && c.withdrawn_at.is_none());
    Ok(html(&DetailPage {
        history,
        consents,
        photos,
        photo_consent,
        restricted_at,
        decider: matches!(s.role(), domain::Role::Admin | domain::Role::KepalaBidang),
        officer: s.role().sees_full_identity(),
        today: crate::page::day_first(state.today()),
        ctx,
        p,
        categories,
        can_write: s.role().can_write(),
    })?
    .into_response())
}

/// Beside the person's fields, the person form may confirm a likely duplicate.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Confirm {
    #[serde(deserialize_with = "domain::yes_no")]
    pub confirm_duplicate: bool,
}

#[derive(askama::Template)]
#[template(path = "person_form.html")]
pub(super) struct FormPage {
    ctx: Ctx,
    id: Option<i64>,
    v: PersonInput,
    /// The NIK and KK cannot be changed by this caller (they see them masked).
    identity_locked: bool,
    villages: Vec<(String, String, String)>,
    categories: Vec<(&'static str, &'static str, bool)>,
    errors: FormErrors,
    duplicate_warning: bool,
}

impl FormPage {
    pub(super) fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

pub(super) fn form_page(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: Option<i64>,
    mut v: PersonInput,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let identity_locked = id.is_some() && !s.role().sees_full_identity();
    if identity_locked {
        v.nik = mask(&v.nik);
        v.kk_number = v.kk_number.as_deref().map(mask);
        v.birth_date = String::new();
    }
    let categories = Category::ALL
        .iter()
        .map(|c| {
            (
                c.code(),
                ctx.t(c.label_key()),
                v.categories.iter().any(|x| x == c.code()),
            )
        })
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let duplicate_warning =
        errors.get("name").contains('(') && errors.get("nik").is_empty() && id.is_none();
    let status = if duplicate_warning {
        StatusCode::CONFLICT
    } else {
        errors.status()
    };
    let page = FormPage {
        villages: village_options(state, s),
        categories,
        errors,
        duplicate_warning,
        identity_locked,
        id,
        v,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    s.require_write()?;
    form_page(&state, &s, ctx, None, PersonInput::default(), None)
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let input: PersonInput = page::form(&body)?;
    let Confirm { confirm_duplicate } = page::form(&body)?;
    match page::outcome(
        app::persons::create(&state.app(), &s.caller(), &input, confirm_duplicate).await,
    )? {
        Done(p) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/persons/{}", p.id),
                ctx.tf("persons.created", &[p.name]),
            )
            .await
        }
        Again(inv) => form_page(&state, &s, ctx, None, input, Some(&inv)),
    }
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require_write()?;
    let p = app::access::read_person(&state.app(), &s.caller(), id).await?;
    form_page(&state, &s, ctx, Some(id), app::persons::input_of(&p), None)
}

pub(super) async fn update_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<PersonInput>,
) -> AppResult<Response> {
    match page::outcome(app::persons::replace(&state.app(), &s.caller(), id, f.clone()).await)? {
        Done(p) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/persons/{id}"),
                ctx.tf("persons.updated", &[p.name]),
            )
            .await
        }
        Again(inv) => form_page(&state, &s, ctx, Some(id), f, Some(&inv)),
    }
}

#[derive(Deserialize)]
pub(super) struct HintQuery {
    nik: Option<String>,
}

/// htmx: what the typed NIK encodes, shown under the field while filling the form.
pub(super) async fn nik_hint(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Query(q): Query<HintQuery>,
) -> Response {
    let nik = q.nik.unwrap_or_default();
    if nik.trim().is_empty() {
        return axum::response::Html(String::new()).into_response();
    }
    let text = match Nik::parse(&nik, &state.areas, state.today()) {
        Ok(n) => {
            let sex = lang.t(if n.sex().code() == "L" {
                "person.sex_L"
            } else {
                "person.sex_P"
            });
            let birth = n.birth_date();
            // The form fills sex and birth date from these when they are still empty.
            let decoded = format!(
                "<small class=\"hint ok\" data-sex=\"{}\" data-birth=\"{}\">✓ {sex}, {}</small>",
                n.sex().code(),
                birth.format("%d-%m-%Y"),
                birth.format("%d-%m-%Y")
            );
            let registered = if s.role().can_write() {
                app::persons::nik_registered(&state.app(), &s.caller(), &n).await
            } else {
                Ok(app::persons::Registered::No)
            };
            match registered {
                Ok(app::persons::Registered::No) => decoded,
                Ok(app::persons::Registered::Here { id, name }) => format!(
                    "<small class=\"field-error\" id=\"nik-registered\">{} <a href=\"/persons/{id}\">{}</a></small>",
                    escape(lang.t("person.nik_registered_here")),
                    escape(&name)
                ),
                Ok(app::persons::Registered::Elsewhere) => format!(
                    "<small class=\"field-error\" id=\"nik-registered\">{}</small>",
                    escape(lang.t("person.nik_registered_elsewhere"))
                ),
                Err(e) => format!(
                    "<small class=\"field-error\">{}</small>",
                    escape(&crate::error::AppError::from(e).message(lang))
                ),
            }
        }
        Err(m) => format!(
            "<small class=\"field-error\">{}</small>",
            escape(&m.text(lang))
        ),
    };
    axum::response::Html(text).into_response()
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What a picker asks while one types: the residents of a kecamatan whose name or NIK
/// starts with `q` (a KUBE form's member row sends its own field, `member_person`).
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CandidatesQuery {
    /// The kecamatan (`32.79.04`) or a village in it; empty: the caller's whole area.
    pub area: String,
    /// `kube`: only those in no active KUBE (who may join one).
    pub among: Option<String>,
    #[serde(alias = "member_person")]
    pub q: Option<String>,
}

pub(crate) async fn candidates_of(
    state: &AppState,
    s: &Session,
    q: &CandidatesQuery,
    limit: i64,
) -> AppResult<Vec<app::persons::Candidate>> {
    let area = q.area.trim();
    let district = (!area.is_empty()).then(|| area.get(..8).unwrap_or(area));
    let among = match q.among.as_deref() {
        Some("kube") => app::persons::Among::OutsideKube,
        _ => app::persons::Among::All,
    };
    // A picker's label typed back in full searches by its name.
    let typed = q.q.as_deref().map(|t| t.split(" · ").next().unwrap_or(t));
    Ok(app::persons::candidates(&state.app(), &s.caller(), district, among, typed, limit).await?)
}

/// The datalist options of a picker, as one types (htmx swaps them in).
pub(super) async fn candidates_fragment(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<CandidatesQuery>,
) -> AppResult<Response> {
    s.require_write()?;
    // A search the role may not make (a NIK start) offers nothing, as typing on does.
    let found = candidates_of(&state, &s, &q, 30).await.unwrap_or_default();
    let html: String = found
        .iter()
        .map(|c| format!("<option value=\"{}\"></option>", escape(&c.label)))
        .collect();
    Ok(axum::response::Html(html).into_response())
}
