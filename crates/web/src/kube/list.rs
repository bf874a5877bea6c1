//! The KUBE list page: filters, paging, the table.
use super::*;
use app::lists::Open;

// ---------- pages ----------

pub struct Row {
    pub id: i64,
    pub registration_number: String,
    pub name: String,
    pub business_type: String,
    pub village: String,
    pub year: i64,
    pub members: i64,
    pub status: String,
    pub status_label: &'static str,
}

/// Select options shared by the list and the forms.
pub struct Options {
    pub districts: Vec<(String, String)>,
    pub villages: Vec<(String, String, String)>,
    pub business_types: Vec<(String, String)>,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub stages: Vec<(&'static str, &'static str)>,
    /// Levels by the latest stage checklist, never assessed first.
    pub levels: Vec<(&'static str, &'static str)>,
    pub funding: Vec<(&'static str, &'static str)>,
    pub roles: Vec<(&'static str, &'static str)>,
}

/// The choices of the KUBE forms: every village the caller sees.
pub(super) async fn options(state: &AppState, s: &Session, lang: Lang) -> AppResult<Options> {
    let types = business_types(state, s, lang).await?;
    let villages = crate::persons::villages_in(state, s, None);
    Ok(options_with(state, s, lang, villages, types))
}

/// The choices of the KUBE pages, with the villages and business types to offer.
pub(super) fn options_with(
    state: &AppState,
    s: &Session,
    lang: Lang,
    villages: Vec<(String, String, String)>,
    business_types: Vec<(String, String)>,
) -> Options {
    Options {
        districts: district_options(state, s),
        villages,
        business_types,
        statuses: Status::options(lang),
        stages: Stage::options(lang),
        levels: app::checklist::LEVELS
            .iter()
            .map(|(code, key)| (*code, lang.t(key)))
            .collect(),
        funding: FundingSource::options(lang),
        roles: MemberRole::options(lang),
    }
}

impl Options {
    pub(super) fn business_type_name(&self, code: &str) -> String {
        self.business_types
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| code.to_string())
    }
}

#[derive(askama::Template)]
#[template(path = "kube_list.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    q: ListQuery,
    o: Options,
    pager: Pager,
    can_write: bool,
    errors: FormErrors,
    /// Pendampings of the caller's kecamatans: to filter by, and to give ticked groups to
    /// (none for a pendamping).
    pendampings: Vec<(i64, String)>,
    /// The groups ticked when the assignment was refused (ticked again).
    ticked: Vec<i64>,
    /// This list as filtered, for the assignment to come back to.
    back: String,
}

impl ListPage {
    /// The office gives groups to its pendampings: not a pendamping, not an auditor.
    fn can_assign(&self) -> bool {
        self.can_write && !self.pendampings.is_empty()
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    q: List<ListQuery>,
) -> AppResult<Response> {
    render_list(&state, &s, ctx, q, None, Vec::new()).await
}

/// The list, with the assignment's errors and ticks when it was refused.
pub(super) async fn render_list(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    q: List<ListQuery>,
    assign_errors: Option<&Invalid>,
    ticked: Vec<i64>,
) -> AppResult<Response> {
    let (list, inv) = match Open::<Kubes>::new(&state.app(), &s.caller(), &q).await {
        Ok(l) => (l, None),
        Err(app::Error::Invalid(i)) => (Open::unfiltered(&state.app(), &s.caller()), Some(i)),
        Err(e) => return Err(e.into()),
    };
    let (page, pendampings) = list.page(&state.app(), &s.caller(), q.paging(50)).await?;
    let pager = q.pager(&page).with_export();
    let villages = crate::persons::filter_villages(
        state,
        s,
        q.district_code.as_deref(),
        q.village_code.as_deref(),
    );
    let types = business_types(state, s, ctx.lang).await?;
    let o = options_with(state, s, ctx.lang, villages, types);
    let rows = page
        .items
        .into_iter()
        .map(|k| Row {
            id: k.id,
            business_type: o.business_type_name(&k.business_type),
            village: state.areas.name(&k.village_code).to_string(),
            status_label: ctx.t(k.status.label_key()),
            registration_number: k.registration_number,
            name: k.name,
            year: k.formed_year,
            members: k.member_count,
            status: k.status.code().to_string(),
        })
        .collect();
    let errors = FormErrors::new(inv.as_ref().or(assign_errors), ctx.lang);
    let back = q.uri().to_string();
    let page = ListPage {
        rows,
        q: q.into_inner(),
        o,
        pager,
        can_write: s.role().can_write(),
        errors,
        pendampings,
        ticked,
        back,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}
