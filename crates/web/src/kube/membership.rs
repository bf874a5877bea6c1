//! The membership rules on the KUBE pages: a group's standing, and the members of the
//! area's groups who break a rule (earlier data), by kecamatan.
use super::*;

/// A member and what a membership rule says of them.
#[derive(Serialize, ToSchema)]
pub struct RuleNote {
    pub person_id: i64,
    pub name: String,
    /// The rule's code (`working_age` …) and its name.
    pub rule: String,
    pub rule_name: String,
    pub message: String,
}

/// An exception an officer recorded.
#[derive(Serialize, ToSchema)]
pub struct ExceptionOut {
    pub person_id: i64,
    pub name: String,
    pub rule: String,
    pub rule_name: String,
    pub reason: String,
    /// Who recorded it (full name when the account has one) and when (RFC 3339 UTC).
    pub by: String,
    pub at: String,
}

/// A group's members under the membership rules.
#[derive(Serialize, ToSchema)]
pub struct MembershipOut {
    pub exceptions: Vec<ExceptionOut>,
    /// Members who break a rule with no exception (earlier data, listed, not changed).
    pub breaking: Vec<RuleNote>,
    /// What could not be checked (a fact unknown, DTSEN not yet imported).
    pub warnings: Vec<RuleNote>,
}

pub(crate) fn membership_out(s: app::membership::Standing, lang: Lang) -> MembershipOut {
    let note = |n: app::membership::Noted| RuleNote {
        person_id: n.person_id,
        name: n.name,
        rule: n.finding.rule.code().into(),
        rule_name: lang.t(n.finding.rule.label_key()).into(),
        message: n.finding.msg.text(lang),
    };
    MembershipOut {
        exceptions: s
            .exceptions
            .into_iter()
            .map(|e| ExceptionOut {
                person_id: e.person_id,
                name: e.name,
                rule: e.rule.code().into(),
                rule_name: lang.t(e.rule.label_key()).into(),
                reason: e.reason,
                by: e.full_name.unwrap_or(e.username),
                at: e.at,
            })
            .collect(),
        breaking: s.breaking.into_iter().map(note).collect(),
        warnings: s.warnings.into_iter().map(note).collect(),
    }
}

/// A member who breaks a rule, with their group.
#[derive(Serialize, ToSchema)]
pub struct BreachOut {
    pub kube_id: i64,
    pub kube_name: String,
    pub district_code: String,
    pub district_name: String,
    #[serde(flatten)]
    pub note: RuleNote,
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct BreachQuery {
    /// A kecamatan of the caller's area; empty: all of it.
    pub district_code: String,
}

async fn breaches_of(
    state: &AppState,
    s: &Session,
    q: &BreachQuery,
    lang: Lang,
) -> AppResult<Vec<BreachOut>> {
    let d = Some(q.district_code.trim()).filter(|d| !d.is_empty());
    Ok(app::membership::breaches(&state.app(), &s.caller(), d)
        .await?
        .into_iter()
        .map(|b| BreachOut {
            district_name: state.areas.name(&b.district_code).to_string(),
            kube_id: b.kube_id,
            kube_name: b.kube_name,
            district_code: b.district_code,
            note: RuleNote {
                person_id: b.noted.person_id,
                name: b.noted.name,
                rule: b.noted.finding.rule.code().into(),
                rule_name: lang.t(b.noted.finding.rule.label_key()).into(),
                message: b.noted.finding.msg.text(lang),
            },
        })
        .collect())
}

/// A page of breaches and how many there are.
fn page_of(all: Vec<BreachOut>, paging: app::Paging) -> app::Page<BreachOut> {
    let total = all.len() as i64;
    let items = all
        .into_iter()
        .skip(usize::try_from(paging.offset).unwrap_or(usize::MAX))
        .take(usize::try_from(paging.limit).unwrap_or(0))
        .collect();
    app::Page {
        items,
        total,
        limit: paging.limit,
        offset: paging.offset,
    }
}

/// Members of the area's active groups who break a membership rule with no exception
/// recorded (data from before a rule or a bound), by kecamatan and group, a page at a time.
#[utoipa::path(get, path = "/api/v1/kube/membership", tag = "kube", params(BreachQuery, crate::list::PageQuery),
    responses((status = 200, body = crate::schema::ListOf<BreachOut>)))]
pub(crate) async fn api_breaches(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Query(q): Query<BreachQuery>,
    Query(page): Query<crate::list::PageQuery>,
) -> AppResult<Json<crate::schema::ListOf<BreachOut>>> {
    let all = breaches_of(&state, &s, &q, lang).await?;
    Ok(Json(crate::schema::ListOf::from_page(
        page_of(all, page.paging()?),
        |b| b,
    )))
}

#[derive(askama::Template)]
#[template(path = "membership.html")]
pub(super) struct BreachPage {
    ctx: Ctx,
    rows: Vec<BreachOut>,
    total: i64,
    districts: Vec<(String, String)>,
    district: String,
}

pub(super) async fn breaches_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<BreachQuery>,
) -> AppResult<Response> {
    // A hundred at a time on a page (a phone stacks each as a card).
    let all = breaches_of(&state, &s, &q, ctx.lang).await?;
    let page = page_of(all, app::Paging::new(Some(100), None));
    Ok(html(&BreachPage {
        rows: page.items,
        total: page.total,
        districts: district_options(&state, &s),
        district: q.district_code,
        ctx,
    })?
    .into_response())
}
