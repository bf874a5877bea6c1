//! Programmes (city budget, provincial and ministry quotas) and their goods catalogue,
//! and the individual programmes: enrolling persons by eligibility, their benefits and
//! the approval of cash benefits.
pub use crate::store::aid::{Benefit, Enrolment, Figures, Item, NewProgramme, Programme};
use crate::{Caller, Context, Error, Result};
use domain::aid::{BenefitKind, Eligibility, Target};
use domain::kube::FundingSource;
use domain::money::Rupiah;
use domain::person::{age_on, Category};
use domain::{Invalid, Msg, Role};
use serde::{Deserialize, Serialize};

/// Programmes and the catalogue are managed by the office, not in the field.
pub fn require_office(c: &Caller) -> Result<()> {
    c.require(|r| matches!(r, Role::Admin | Role::KepalaBidang | Role::Operator))
}

#[derive(Deserialize, utoipa::ToSchema, Default, Clone)]
pub struct ProgrammeCreate {
    #[schema(pattern = "\\S")]
    pub name: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    /// `apbd_kota`, `apbd_provinsi`, `apbn`, `lainnya`
    #[schema(pattern = "^(apbd_kota|apbd_provinsi|apbn|lainnya)$")]
    pub funding_source: String,
    /// `kube` or `individual`
    #[schema(pattern = "^(kube|individual)$")]
    pub target: String,
    /// Integer rupiah.
    pub budget: Option<i64>,
    /// Number of groups or persons.
    pub quota: Option<i64>,
    /// Standard package value (rupiah).
    pub package_value: Option<i64>,
    /// For individual programmes: a preset (`wrse`, `lansia`, `aslut`, `anak`, `fakir_miskin`)
    /// or `{categories, min_age, max_age, sex}`.
    #[schema(value_type = Option<Object>)]
    pub eligibility: Option<serde_json::Value>,
}

fn parse_eligibility(inv: &mut Invalid, v: &Option<serde_json::Value>) -> Option<Eligibility> {
    match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
        Some(serde_json::Value::String(s)) => {
            let e = Eligibility::preset(s.trim());
            if e.is_none() {
                inv.add("eligibility", Msg::new("error.validation"));
            }
            e
        }
        Some(o) => match serde_json::from_value::<Eligibility>(o.clone()) {
            Ok(e) => Some(e),
            Err(_) => {
                inv.add("eligibility", Msg::new("error.validation"));
                None
            }
        },
    }
}

/// A programme of the office.
pub async fn create(cx: &Context, c: &Caller, b: &ProgrammeCreate) -> Result<Programme> {
    require_office(c)?;
    let mut inv = Invalid::new();
    let name = b.name.trim().to_string();
    if name.is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    let this_year = chrono::Datelike::year(&cx.today()) as i64;
    if !(2000..=this_year + 2).contains(&b.year) {
        inv.add("year", Msg::new("programme.year_invalid"));
    }
    let funding = inv.check("funding_source", FundingSource::parse(&b.funding_source));
    let target = inv.check("target", Target::parse(&b.target));
    for (f, v) in [
        ("budget", b.budget),
        ("quota", b.quota),
        ("package_value", b.package_value),
    ] {
        if v.is_some_and(|v| v < 0) {
            inv.add(f, Msg::new("money.negative"));
        }
    }
    if b.budget.is_none() && b.quota.is_none() {
        inv.add("budget", Msg::new("programme.needs_budget_or_quota"));
    }
    let elig = parse_eligibility(&mut inv, &b.eligibility);
    inv.into_result()?;
    let (Some(funding), Some(target)) = (funding, target) else {
        return Err(Error::Internal);
    };
    let p = NewProgramme {
        name,
        year: b.year,
        funding_source: funding,
        target,
        budget: b.budget,
        quota: b.quota,
        package_value: b.package_value,
        eligibility_json: elig
            .filter(|_| target == Target::Individual)
            .and_then(|e| serde_json::to_string(&e).ok()),
    };
    Ok(cx.store.programme_create(&c.actor, &p).await?)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ItemIn {
    #[schema(pattern = "\\S")]
    pub name: String,
    #[schema(pattern = "\\S")]
    pub unit: String,
    /// Integer rupiah.
    #[schema(minimum = 1, maximum = 10_000_000_000_i64)]
    pub unit_price: i64,
    pub category: Option<String>,
}

pub async fn item_create(cx: &Context, c: &Caller, b: &ItemIn) -> Result<crate::store::aid::Item> {
    require_office(c)?;
    let mut inv = Invalid::new();
    if b.name.trim().is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    if b.unit.trim().is_empty() {
        inv.add("unit", Msg::new("common.required"));
    }
    inv.check("unit_price", domain::aid::check_unit_price(b.unit_price));
    inv.into_result()?;
    let cat = b
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    Ok(cx
        .store
        .item_create(
            &c.actor,
            b.name.trim(),
            b.unit.trim(),
            Rupiah::new(b.unit_price),
            cat,
        )
        .await?)
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub struct PackageItem {
    #[schema(minimum = 1)]
    pub item_id: i64,
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PackageIn {
    #[schema(pattern = "\\S")]
    pub name: String,
    pub business_type: Option<String>,
    #[schema(min_items = 1)]
    pub items: Vec<PackageItem>,
}

/// Creates a package template of catalogue items.
pub async fn package_create(cx: &Context, c: &Caller, b: &PackageIn) -> Result<i64> {
    require_office(c)?;
    let known: Vec<i64> = cx
        .store
        .item_list()
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let mut inv = Invalid::new();
    if b.name.trim().is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    if b.items.is_empty() {
        inv.add("items", Msg::new("proposal.no_items"));
    }
    for i in &b.items {
        if !known.contains(&i.item_id) {
            inv.add("items", Msg::new("item.unknown").arg(i.item_id));
        } else if let Err(m) = domain::aid::check_quantity(i.quantity) {
            inv.add("items", m);
        }
    }
    inv.into_result()?;
    let items: Vec<(i64, i64)> = b.items.iter().map(|i| (i.item_id, i.quantity)).collect();
    let id = cx
        .store
        .package_create(&c.actor, b.name.trim(), b.business_type.as_deref(), &items)
        .await?;
    Ok(id)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EnrolIn {
    pub person_id: i64,
}

/// Enrols a person after checking the programme's eligibility (age, sex, category).
pub async fn enrol(cx: &Context, c: &Caller, programme_id: i64, person_id: i64) -> Result<i64> {
    c.require_write()?;
    let (p, _) = cx.store.programme_get(programme_id).await?;
    if p.target != Target::Individual {
        return Err(Error::invalid(
            "programme_id",
            Msg::new("programme.wrong_target"),
        ));
    }
    let person = crate::scope::person(cx, c, person_id)
        .await
        .map_err(|_| Error::invalid("person_id", Msg::new("kube.person_unknown").arg(person_id)))?;
    if let Some(e) = p
        .eligibility_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<Eligibility>(j).ok())
    {
        let sex = person.sex;
        let age = age_on(*person.birth_date, cx.today());
        let cats: Vec<Category> = person
            .categories
            .iter()
            .filter_map(|c| Category::parse(c).ok())
            .collect();
        e.check(sex, age, &cats)
            .map_err(|m| Error::invalid("person_id", m))?;
    }
    Ok(cx
        .store
        .enrolment_create(&c.actor, programme_id, person_id, cx.today())
        .await?)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BenefitIn {
    pub person_id: i64,
    /// `barang`, `pelatihan`, `bantuan_bulanan`
    #[schema(pattern = "^(bantuan_bulanan|barang|pelatihan)$")]
    pub kind: String,
    /// `YYYY-MM`
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
    /// Integer rupiah.
    #[schema(minimum = 0)]
    pub amount: i64,
    pub description: Option<String>,
}

pub async fn benefit(cx: &Context, c: &Caller, programme_id: i64, b: &BenefitIn) -> Result<i64> {
    c.require_write()?;
    let mut inv = Invalid::new();
    let kind = inv.check("kind", BenefitKind::parse(&b.kind));
    if chrono::NaiveDate::parse_from_str(&format!("{}-01", b.period.trim()), "%Y-%m-%d").is_err() {
        inv.add("period", Msg::new("benefit.period_invalid"));
    }
    if b.amount < 0 {
        inv.add("amount", Msg::new("money.negative"));
    }
    inv.into_result()?;
    let kind = kind.ok_or(Error::Internal)?;
    crate::scope::person(cx, c, b.person_id).await?;
    Ok(cx
        .store
        .benefit_add(
            &c.actor,
            programme_id,
            b.person_id,
            kind,
            b.period.trim(),
            Rupiah::new(b.amount),
            b.description.as_deref(),
            cx.today(),
        )
        .await?)
}

/// The head of division approves a recorded cash benefit (not the person who recorded it).
pub async fn approve_benefit(
    cx: &Context,
    c: &Caller,
    id: i64,
    bid: i64,
) -> Result<crate::store::aid::Benefit> {
    c.require(|r| r == Role::KepalaBidang)?;
    Ok(cx
        .store
        .benefit_approve(&c.actor, id, bid, cx.settings.allow_same_person)
        .await?)
}

/// Payments approved at once, and those that were not with the reason.
#[derive(Debug)]
pub struct Approved {
    pub approved: Vec<crate::store::aid::Benefit>,
    pub refused: Vec<(i64, Msg)>,
}

/// At most this many payments approved in one go (a month of a large programme).
pub const APPROVE_AT_ONCE: usize = 500;

/// Approves several recorded payments of a programme, each as [`approve_benefit`] does —
/// its own transaction and audit entry, never its recorder's — so that one refused
/// payment does not hold back the others: it is listed with its reason.
pub async fn approve_benefits(cx: &Context, c: &Caller, id: i64, bids: &[i64]) -> Result<Approved> {
    c.require(|r| r == Role::KepalaBidang)?;
    let mut ids = bids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(Error::invalid("benefit_ids", Msg::new("benefit.choose")));
    }
    if ids.len() > APPROVE_AT_ONCE {
        return Err(Error::invalid(
            "benefit_ids",
            Msg::new("benefit.too_many").arg(APPROVE_AT_ONCE),
        ));
    }
    let mut out = Approved {
        approved: Vec::new(),
        refused: Vec::new(),
    };
    for bid in ids {
        match approve_benefit(cx, c, id, bid).await {
            Ok(b) => out.approved.push(b),
            Err(Error::Conflict { msg, .. }) => out.refused.push((bid, msg)),
            Err(Error::NotFound) => out.refused.push((bid, Msg::new("benefit.not_found"))),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The programmes (of a year), each with its figures.
pub async fn list(
    cx: &Context,
    _c: &Caller,
    year: Option<i64>,
) -> Result<Vec<(Programme, Figures)>> {
    Ok(cx.store.programme_list(year).await?)
}

/// A programme and its figures (budget, committed, delivered, quota used).
pub async fn get(cx: &Context, _c: &Caller, id: i64) -> Result<(Programme, Figures)> {
    Ok(cx.store.programme_get(id).await?)
}

/// The persons enrolled in a programme, those of the caller's area.
pub async fn enrolments(cx: &Context, c: &Caller, id: i64) -> Result<Vec<Enrolment>> {
    cx.store.programme_get(id).await?;
    let born_by = crate::scope::adults_born_by(cx, c).map(|d| d.to_string());
    Ok(cx
        .store
        .enrolment_list(id, c.district_scope(), born_by.as_deref())
        .await?)
}

/// The benefits given in a programme to persons of the caller's area.
pub async fn benefits(
    cx: &Context,
    c: &Caller,
    id: i64,
    paging: crate::Paging,
) -> Result<crate::Page<Benefit>> {
    cx.store.programme_get(id).await?;
    Ok(cx
        .store
        .benefit_list(
            id,
            c.district_scope(),
            crate::scope::adults_born_by(cx, c)
                .map(|d| d.to_string())
                .as_deref(),
            paging,
        )
        .await?)
}

/// The goods catalogue.
pub async fn items(cx: &Context, _c: &Caller) -> Result<Vec<Item>> {
    Ok(cx.store.item_list().await?)
}

/// A package: its id, name, business type and (item, quantity) lines.
pub type Package = (i64, String, Option<String>, Vec<(i64, i64)>);

/// The standard packages of goods.
pub async fn packages(cx: &Context, _c: &Caller) -> Result<Vec<Package>> {
    Ok(cx.store.package_list().await?)
}

/// What a programme's page shows: the programme, money over time, its proposals, and for
/// an individual programme its enrolments and benefits — all within the caller's area.
/// (Residents to enrol are searched with the person picker.)
pub struct Overview {
    pub programme: Programme,
    pub figures: Figures,
    /// (when, committed, delivered) as the money moved.
    pub flows: Vec<(String, i64, i64)>,
    pub proposals: Vec<crate::store::aid::ProposalListed>,
    pub enrolments: Vec<Enrolment>,
    pub benefits: Vec<Benefit>,
}

pub async fn overview(cx: &Context, c: &Caller, id: i64) -> Result<Overview> {
    let (programme, figures) = cx.store.programme_get(id).await?;
    let individual = programme.target == Target::Individual;
    let flows = cx.store.programme_flows(&programme).await?;
    let scope = c.district_scope();
    let proposals = cx
        .store
        .proposal_list(
            &crate::store::aid::ProposalFilter {
                programme_id: Some(id),
                ..Default::default()
            },
            scope,
            crate::Paging::new(Some(200), None),
        )
        .await?
        .items;
    let (mut enrolments, mut benefits) = (Vec::new(), Vec::new());
    if individual {
        let born_by = crate::scope::adults_born_by(cx, c).map(|d| d.to_string());
        enrolments = cx
            .store
            .enrolment_list(id, scope, born_by.as_deref())
            .await?;
        benefits = cx
            .store
            .benefit_list(
                id,
                scope,
                born_by.as_deref(),
                crate::Paging::new(Some(100), None),
            )
            .await?
            .items;
    }
    Ok(Overview {
        programme,
        figures,
        flows,
        proposals,
        enrolments,
        benefits,
    })
}
