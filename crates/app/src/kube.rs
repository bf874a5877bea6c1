//! KUBE: forming a group with its members, changing it, members joining and leaving,
//! roles — within the caller's area; the group rules are decided by `domain::kube` and
//! checked again inside the store's transaction.
use crate::lists::{text, Listing, Open, Viewer};
pub use crate::store::kube::{
    BusinessType, Kube, KubeChange, KubeDetail, KubeFilter, KubeRow, Member, NewMember,
};
use crate::store::{Page, Paging};
use crate::{Caller, Context, Error, Result};
use domain::kube::{KubeInput, MemberRole, Stage, ValidKube};
use domain::{Invalid, Msg};
use serde::Deserialize;
use sheets::Cell;

#[derive(Deserialize, utoipa::ToSchema, Clone)]
pub struct MemberIn {
    pub person_id: i64,
    /// `ketua`, `sekretaris`, `bendahara` or `anggota` (default).
    pub role: Option<String>,
    /// Membership rules an officer overrides for this person, each with the reason.
    #[serde(default)]
    pub exceptions: Vec<crate::membership::ExceptionIn>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct KubeCreate {
    #[serde(flatten)]
    pub kube: KubeInput,
    /// A pendamping assigned to the KUBE's kecamatan.
    pub pendamping_id: Option<i64>,
    /// 5–20 persons of the KUBE's kecamatan; one ketua, one sekretaris, one bendahara.
    /// Each must meet the membership rules, or carry an officer's exception.
    pub members: Vec<MemberIn>,
}

/// A change; absent fields stay. Members change through their own routes.
#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct KubePatch {
    pub name: Option<String>,
    pub business_type: Option<String>,
    pub village_code: Option<String>,
    pub address: Option<String>,
    #[schema(format = Date)]
    pub formed_on: Option<String>,
    #[schema(pattern = "^(apbd_kota|apbd_provinsi|apbn|lainnya)$")]
    pub funding_source: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub programme_year: Option<i32>,
    pub notes: Option<String>,
    /// `bubar` dissolves the group and ends its memberships.
    #[schema(pattern = "^(pembentukan|bimbingan|bantuan|pendampingan|mandiri|bubar)$")]
    pub stage: Option<String>,
    /// 0 removes the pendamping.
    pub pendamping_id: Option<i64>,
}

/// The codes of the business types in use.
pub async fn business_type_codes(cx: &Context) -> Result<Vec<String>> {
    Ok(cx
        .store
        .business_type_list()
        .await?
        .into_iter()
        .filter(|b| *b.active)
        .map(|b| b.code)
        .collect())
}

async fn validate(cx: &Context, c: &Caller, input: &KubeInput) -> Result<ValidKube> {
    let codes = business_type_codes(cx).await?;
    let v = input.validate(&cx.areas, &cx.settings.region, &codes, cx.today())?;
    if !c.sees_district(v.village_code.district().as_str()) {
        return Err(Error::invalid(
            "village_code",
            Msg::new("area.outside_scope"),
        ));
    }
    Ok(v)
}

fn parse_members(items: &[MemberIn]) -> Result<Vec<NewMember>, Invalid> {
    let mut inv = Invalid::new();
    let mut out = Vec::new();
    for m in items {
        let role = match m.role.as_deref() {
            None | Some("") => Some(MemberRole::Anggota),
            Some(r) => inv.check("members", MemberRole::parse(r)),
        };
        if let Some(role) = role {
            out.push(NewMember {
                person_id: m.person_id,
                role,
            });
        }
    }
    inv.into_result().map(|_| out)
}

/// Persons outside the caller's area are unknown to them: the answer names only the id
/// they sent, never the person, their village or their KUBE.
async fn check_members_visible(
    cx: &Context,
    c: &Caller,
    members: &[NewMember],
) -> Result<(), Invalid> {
    let mut inv = Invalid::new();
    for m in members {
        if crate::scope::person(cx, c, m.person_id).await.is_err() {
            inv.add("members", Msg::new("kube.person_unknown").arg(m.person_id));
        }
    }
    inv.into_result()
}

/// Forms a KUBE with its members.
pub async fn create(cx: &Context, c: &Caller, b: &KubeCreate) -> Result<KubeDetail> {
    c.require_write()?;
    let v = validate(cx, c, &b.kube).await;
    let members = match parse_members(&b.members) {
        Ok(m) => check_members_visible(cx, c, &m).await.map(|()| m),
        Err(i) => Err(i),
    };
    // The membership rules, for the members the group could have.
    let judged = match &members {
        Ok(m) => {
            let ids: Vec<i64> = m.iter().map(|m| m.person_id).collect();
            let ex: Vec<_> = b
                .members
                .iter()
                .flat_map(|m| m.exceptions.clone())
                .collect();
            Some(crate::membership::judge(cx, c, &[], &ids, &ex).await)
        }
        Err(_) => None,
    };
    // Report field errors of the group, of its members and of the rules together.
    let (v, members, judged) = match (v, members, judged) {
        (Ok(v), Ok(m), Some(Ok(j))) => (v, m, j),
        (v, m, j) => {
            let mut inv = Invalid::new();
            for r in [
                v.map(|_| ()),
                j.unwrap_or(Ok(crate::membership::Judged::default()))
                    .map(|_| ()),
            ] {
                match r {
                    Err(Error::Invalid(i)) => inv.fields.extend(i.fields),
                    Err(e) => return Err(e),
                    Ok(()) => {}
                }
            }
            if let Err(i) = m {
                inv.fields.extend(i.fields);
            }
            return Err(inv.into());
        }
    };
    Ok(cx
        .store
        .kube_create(
            &c.actor,
            &cx.settings.region,
            &v,
            &members,
            b.pendamping_id,
            &judged.excepted,
        )
        .await?)
}

/// A stored KUBE as the input that would form it again.
pub fn input_of(k: &Kube) -> KubeInput {
    KubeInput {
        name: k.name.clone(),
        business_type: k.business_type.clone(),
        village_code: k.village_code.clone(),
        address: k.address.clone(),
        formed_on: k.formed_on.to_string(),
        funding_source: k.funding_source.code().to_string(),
        programme_year: Some(k.programme_year as i32),
        notes: k.notes.clone(),
    }
}

/// Changes a KUBE the caller may see; `stage: bubar` dissolves it.
pub async fn update(cx: &Context, c: &Caller, id: i64, p: &KubePatch) -> Result<KubeDetail> {
    c.require_write()?;
    let current = crate::scope::kube_detail(cx, c, id).await?.kube;
    let mut input = input_of(&current);
    macro_rules! take {
        ($($f:ident),*) => { $( if let Some(v) = &p.$f { input.$f = v.clone(); } )* };
    }
    take!(name, business_type, village_code, formed_on, funding_source);
    if let Some(v) = &p.address {
        input.address = Some(v.clone());
    }
    if let Some(v) = &p.notes {
        input.notes = Some(v.clone());
    }
    if p.programme_year.is_some() {
        input.programme_year = p.programme_year;
    }
    change(cx, c, current, &input, p.stage.as_deref(), p.pendamping_id).await
}

/// Replaces a KUBE's fields with those of a whole form (its stage and pendamping too;
/// an empty programme year keeps the one on record).
pub async fn replace(
    cx: &Context,
    c: &Caller,
    id: i64,
    mut input: KubeInput,
    stage: &str,
    pendamping_id: Option<i64>,
) -> Result<KubeDetail> {
    c.require_write()?;
    let current = crate::scope::kube_detail(cx, c, id).await?.kube;
    if input.programme_year.is_none() {
        input.programme_year = Some(current.programme_year as i32);
    }
    change(
        cx,
        c,
        current,
        &input,
        Some(stage),
        Some(pendamping_id.unwrap_or(0)),
    )
    .await
}

/// Writes a group's new fields, stage (`None`: unchanged) and pendamping (`None`:
/// unchanged, 0: none).
async fn change(
    cx: &Context,
    c: &Caller,
    current: Kube,
    input: &KubeInput,
    stage: Option<&str>,
    pendamping_id: Option<i64>,
) -> Result<KubeDetail> {
    let v = validate(cx, c, input).await;
    let stage = match stage {
        Some(st) => Stage::parse(st).map_err(|m| Invalid::field("stage", m)),
        None => Ok(current.stage),
    };
    let (v, stage) = match (v, stage) {
        (Ok(v), Ok(st)) => (v, st),
        (Err(e), _) => return Err(e),
        (_, Err(i)) => return Err(i.into()),
    };
    let pendamping_id = match pendamping_id {
        Some(0) => None,
        Some(id) => Some(id),
        None => current.pendamping_id,
    };
    Ok(cx
        .store
        .kube_update(
            &c.actor,
            current.id,
            &KubeChange {
                kube: v,
                stage,
                pendamping_id,
            },
        )
        .await?)
}

/// Several groups given to one pendamping at once.
#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct PendampingAssign {
    #[schema(min_items = 1)]
    pub kube_ids: Vec<i64>,
    /// The pendamping's account; 0 leaves the groups without one.
    pub pendamping_id: i64,
}

/// Gives the groups (of the caller's area) to a pendamping of their kecamatan, all or
/// none; returns how many changed. The office assigns its facilitators: not a pendamping.
pub async fn assign_pendamping(cx: &Context, c: &Caller, a: &PendampingAssign) -> Result<usize> {
    c.require_write()?;
    if c.role == domain::Role::Pendamping {
        return Err(Error::Forbidden);
    }
    if a.kube_ids.is_empty() {
        return Err(Error::invalid("kube_ids", Msg::new("kube.assign_none")));
    }
    for id in &a.kube_ids {
        // A group outside the caller's area reads as one that does not exist.
        crate::scope::kube_detail(cx, c, *id).await?;
    }
    let to = (a.pendamping_id != 0).then_some(a.pendamping_id);
    Ok(cx
        .store
        .kube_assign_pendamping(&c.actor, &a.kube_ids, to)
        .await?)
}

pub async fn add_member(cx: &Context, c: &Caller, id: i64, m: &MemberIn) -> Result<KubeDetail> {
    c.require_write()?;
    let d = crate::scope::kube_detail(cx, c, id).await?;
    let nm = parse_members(std::slice::from_ref(m))?.remove(0);
    check_members_visible(cx, c, std::slice::from_ref(&nm)).await?;
    let members: Vec<i64> = d
        .members
        .iter()
        .filter(|m| m.left_on.is_none())
        .map(|m| m.person_id)
        .collect();
    let judged = crate::membership::judge(cx, c, &members, &[nm.person_id], &m.exceptions).await?;
    Ok(cx
        .store
        .kube_add_member(&c.actor, id, nm, cx.today(), &judged.excepted)
        .await?)
}

pub async fn remove_member(
    cx: &Context,
    c: &Caller,
    id: i64,
    person_id: i64,
    reason: Option<&str>,
) -> Result<KubeDetail> {
    c.require_write()?;
    crate::scope::kube_detail(cx, c, id).await?;
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Error::invalid("reason", Msg::new("kube.reason_required")))?;
    if reason.chars().count() > 200 {
        return Err(Error::invalid(
            "reason",
            Msg::new("common.too_long").arg(200),
        ));
    }
    Ok(cx
        .store
        .kube_remove_member(&c.actor, id, person_id, reason, cx.today())
        .await?)
}

pub async fn set_role(
    cx: &Context,
    c: &Caller,
    id: i64,
    person_id: i64,
    role: &str,
) -> Result<KubeDetail> {
    c.require_write()?;
    crate::scope::kube_detail(cx, c, id).await?;
    let role = MemberRole::parse(role).map_err(|m| Invalid::field("role", m))?;
    Ok(cx
        .store
        .kube_set_role(&c.actor, id, person_id, role)
        .await?)
}

/// The KUBE a caller may see: the registry's list page, API list and export.
pub struct Kubes;

impl Listing for Kubes {
    type Query = KubeFilter;
    type Filter = KubeFilter;
    type Item = Kube;
    const ENTITY: &'static str = "kube";
    const FILE: &'static str = "kube";
    async fn filter(cx: &Context, c: &Caller, q: &KubeFilter) -> Result<KubeFilter> {
        crate::persons::check_nik_search(cx, c, q.q.as_deref()).await?;
        q.year()
            .map_err(|_| Invalid::field("year", Msg::new("kube.year_invalid")))?;
        Ok(q.clone())
    }
    async fn fetch(v: &Viewer, f: &KubeFilter, paging: Paging) -> crate::store::Result<Page<Kube>> {
        v.store.kube_list(f, v.scope(), paging).await
    }
    crate::lists::columns!(|v, k: Kube| [
        ("registration_number", text(k.registration_number)),
        ("name", text(k.name)),
        ("business_type", text(k.business_type)),
        ("village_code", text(&k.village_code)),
        ("village", v.area(&k.village_code)),
        ("district", v.area(&k.district_code)),
        ("formed_on", Cell::Date(k.formed_on.to_string())),
        ("funding_source", text(k.funding_source.code())),
        ("programme_year", Cell::Int(k.programme_year)),
        ("status", text(k.status.code())),
        ("stage", text(k.stage.code())),
        ("members", Cell::Int(k.member_count)),
    ]);
}

impl Open<Kubes> {
    /// The whole list, for a page whose filters were malformed (they come back marked).
    pub fn unfiltered(cx: &Context, c: &Caller) -> Open<Kubes> {
        Open {
            v: Viewer::new(cx, c),
            filter: KubeFilter::default(),
        }
    }
    /// A page of the list with only what the list page shows.
    pub async fn rows(&self, paging: Paging) -> Result<Page<KubeRow>> {
        Ok(self
            .v
            .store
            .kube_list_rows(&self.filter, self.v.scope(), paging)
            .await?)
    }

    /// The list page's reads in one round trip: a page of rows and, for those who
    /// assign groups (not a pendamping), the pendampings of the caller's area.
    pub async fn page(
        &self,
        cx: &Context,
        c: &Caller,
        paging: Paging,
    ) -> Result<(Page<KubeRow>, Vec<(i64, String)>)> {
        let mut b = crate::store::batch::Batch::new(cx.store.backend());
        let rows = b.add(crate::store::kube::kube_rows_page(
            &self.filter,
            self.v.scope(),
            paging,
        ))?;
        let pendampings = (c.role != domain::Role::Pendamping)
            .then(|| b.add(crate::users::pendampings_read()))
            .transpose()?;
        let mut found = cx.store.read_batch(b).await?;
        let mut page = crate::store::batch::Counted::page(found.all(rows)?, paging);
        if page.past_the_end(paging) {
            // The count from the list alone.
            page = self.rows(paging).await?;
        }
        let pendampings = match pendampings {
            Some(s) => crate::users::pendampings_of(cx, c, found.all(s)?, None),
            None => Vec::new(),
        };
        Ok((page, pendampings))
    }
}

pub use crate::store::kube::KubeOverview;

/// The business types, retired ones included (they name existing KUBE).
pub async fn business_types(cx: &Context, _c: &Caller) -> Result<Vec<BusinessType>> {
    Ok(cx.store.business_type_list().await?)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BusinessTypeIn {
    /// Lower-case letters and underscores, e.g. `budidaya_lele`.
    #[schema(pattern = "^[a-z_]{1,40}$")]
    pub code: String,
    /// Name in Bahasa Indonesia.
    #[schema(pattern = "\\S")]
    pub name: String,
    /// Name in English (defaults to the Indonesian name).
    pub name_en: Option<String>,
    /// False hides the type from new KUBE (existing ones keep it).
    pub active: Option<bool>,
}

/// Adds, renames or retires a business type (admin).
pub async fn business_type_save(cx: &Context, c: &Caller, b: &BusinessTypeIn) -> Result<()> {
    c.require(domain::Role::manages_users)?;
    let mut inv = Invalid::new();
    let code = b.code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code.bytes().all(|c| c.is_ascii_lowercase() || c == b'_')
    {
        inv.add("code", Msg::new("error.validation"));
    }
    if b.name.trim().is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    inv.into_result()?;
    let en = b
        .name_en
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(b.name.trim());
    cx.store
        .business_type_upsert(&c.actor, code, b.name.trim(), en, b.active.unwrap_or(true))
        .await?;
    Ok(())
}

/// What a KUBE's page shows: the group with its members, health (assessed anew when due,
/// which may write: only after access is decided), guidance, visits and history.
pub async fn overview(cx: &Context, c: &Caller, id: i64) -> Result<KubeOverview> {
    let t = &cx.settings.health;
    let mut ov = cx.store.kube_overview(id, t, cx.today()).await?;
    ov.detail = c.visible(ov.detail)?;
    if ov.health_moved {
        ov.health = cx.store.kube_health_settle(id, t, cx.today()).await?;
        ov.health_moved = false;
        // The status the group shows is the one just stored.
        ov.detail = cx.store.kube_detail(id).await?;
    }
    Ok(ov)
}

/// A KUBE's page: its [`overview`], its members' standing against the membership rules
/// and its checklists — the group and its members read once for all three.
pub struct KubePage {
    pub overview: KubeOverview,
    pub standing: crate::membership::Standing,
    /// Newest first.
    pub checklists: Vec<crate::checklist::Checklist>,
}

pub async fn page(cx: &Context, c: &Caller, id: i64) -> Result<KubePage> {
    let mut overview = overview(cx, c, id).await?;
    let standing = crate::membership::standing_from(
        cx,
        c,
        &overview.detail,
        std::mem::take(&mut overview.member_facts),
        overview.dtsen_known,
        std::mem::take(&mut overview.exceptions),
    );
    Ok(KubePage {
        standing,
        checklists: std::mem::take(&mut overview.checklists),
        overview,
    })
}

/// The persons a KUBE form's member rows name, row by row (`None` for an empty row): each
/// row the picker's label, a NIK (spaces allowed), or a name only one candidate bears.
/// Every row that names nobody, or more than one, is refused at once, with its number.
/// A NIK typed by a role that reads NIKs masked is a counted look-up.
pub async fn pick_members(
    cx: &Context,
    c: &Caller,
    district: &str,
    rows: &[String],
) -> Result<Vec<Option<i64>>> {
    use crate::persons::{matching, Among, Match};
    let typed: Vec<(&str, String)> = rows
        .iter()
        .map(|t| {
            let t = t.trim();
            let digits = t
                .chars()
                .filter(|ch| !ch.is_whitespace() && !matches!(ch, '.' | '-'))
                .collect::<String>();
            (t, digits)
        })
        .collect();
    let niks: Vec<&str> = typed
        .iter()
        .map(|(_, d)| d.as_str())
        .filter(|d| d.len() == 16 && d.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    crate::persons::nik_lookups(cx, c, &niks, "kube_form").await?;
    let mut inv = Invalid::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, (t, digits)) in typed.iter().enumerate() {
        if t.is_empty() {
            out.push(None);
            continue;
        }
        let is_number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        let m = match digits.len() {
            16 if is_number => Match::Nik(digits.clone()),
            // A person's id, as scripts and older forms send it.
            1..=15 if is_number => Match::Id(digits.parse().unwrap_or(0)),
            // A picker's label starts with the name.
            _ => Match::Name(t.split(" · ").next().unwrap_or(t).to_string()),
        };
        let found = matching(cx, c, Some(district), Among::OutsideKube, &m, 50).await?;
        // Namesakes are told apart by the rest of the label.
        let hits: Vec<i64> = if found.len() > 1 && t.contains(" · ") {
            found
                .iter()
                .filter(|k| k.label == *t)
                .map(|k| k.id)
                .collect()
        } else {
            found.iter().map(|k| k.id).collect()
        };
        let field = format!("member_row_{}", i + 1);
        match hits.as_slice() {
            [one] => out.push(Some(*one)),
            [] => {
                inv.add(&field, Msg::new("kube.member_unknown").arg(i + 1));
                out.push(None);
            }
            _ => {
                inv.add(&field, Msg::new("kube.member_ambiguous").arg(i + 1).arg(*t));
                out.push(None);
            }
        }
    }
    inv.into_result()?;
    Ok(out)
}
