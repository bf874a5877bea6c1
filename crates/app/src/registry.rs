//! The registry interface's use case (DCI social registry sync search): another system
//! — the province's, the ministry's — asks who is registered and what each already
//! receives (KUBE, the goods their group got, enrolments and benefits), to keep aid from
//! being given twice. Its account (role `interop`) reads only the kecamatan it was
//! granted; NIK, family card and birth date come masked to it (a NIK it asked by is
//! echoed: it knew it), and every NIK or family-card query is a counted, limited lookup.
//! Every search is audited with what it found.
use crate::store::registry::RegistryFilter;
pub use crate::store::registry::{BenefitLink, KubeLink, RegistryPerson};
use crate::store::{Page, Paging};
use crate::{Caller, Context, Error, Result};
use chrono::{Datelike, NaiveDate};
use domain::person::age_on;
use domain::privacy::mask;
use domain::registry::{Condition, PageOf, Query};
use domain::Role;

/// A person as the answer carries them (masked as the caller reads them), with what
/// they receive.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: i64,
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    pub sex: String,
    /// Withheld from masked roles: the age only.
    pub birth_date: Option<NaiveDate>,
    pub age: i32,
    pub village_code: String,
    pub district_code: String,
    pub household_role: Option<String>,
    pub dtsen_decile: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub kube: Vec<KubeLink>,
    pub benefits: Vec<BenefitLink>,
}

/// Who may search: other systems' accounts and the administrator (to try it out).
fn may_search(r: Role) -> bool {
    matches!(r, Role::Interop | Role::Admin)
}

/// `years` years before `today` (29 February falls back to the 28th).
fn years_before(today: NaiveDate, years: u32) -> NaiveDate {
    let y = today.year() - years as i32;
    NaiveDate::from_ymd_opt(y, today.month(), today.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, today.month(), 28))
        .unwrap_or(today)
}

fn filter_of(q: &Query, today: NaiveDate) -> RegistryFilter {
    let mut f = RegistryFilter::default();
    match q {
        Query::Nik(n) => f.nik = Some(n.clone()),
        Query::FamilyCard(k) => f.kk_number = Some(k.clone()),
        Query::Where(cs) => {
            for c in cs {
                match c {
                    Condition::Districts(d) => f.districts.extend(d.iter().cloned()),
                    Condition::Villages(v) => f.villages.extend(v.iter().cloned()),
                    Condition::Sex(s) => f.sex = Some(s.clone()),
                    // At least `a` years old: born on or before the day `a` years ago.
                    Condition::AgeAtLeast(a) => {
                        let d = years_before(today, *a);
                        f.born_until = Some(f.born_until.map_or(d, |x| x.min(d)));
                    }
                    // At most `a`: born after the day `a + 1` years ago.
                    Condition::AgeAtMost(a) => {
                        let d = years_before(today, a + 1).succ_opt().unwrap_or(today);
                        f.born_from = Some(f.born_from.map_or(d, |x| x.max(d)));
                    }
                    Condition::KubeMember(m) => f.kube_member = Some(*m),
                }
            }
        }
    }
    f
}

/// One page of the persons a query finds in the caller's area, with what they receive.
pub async fn search(cx: &Context, c: &Caller, q: &Query, page: PageOf) -> Result<Page<Record>> {
    c.require(may_search)?;
    let asked: Vec<&str> = match q {
        Query::Nik(n) | Query::FamilyCard(n) => vec![n.as_str()],
        Query::Where(_) => Vec::new(),
    };
    crate::persons::nik_lookups(cx, c, &asked, "registry").await?;
    let paging = Paging {
        limit: page.size as i64,
        offset: (page.number as i64 - 1) * page.size as i64,
        count: true,
    };
    let today = cx.today();
    let mut filter = filter_of(q, today);
    // Children's records only for the roles that read them (another system's account
    // does not, unless the office says so).
    if let Some(adult) = crate::scope::adults_born_by(cx, c) {
        filter.born_until = Some(filter.born_until.map_or(adult, |d| d.min(adult)));
    }
    let found = cx
        .store
        .registry_search(c.district_scope(), &filter, paging)
        .await?;
    let ids: Vec<i64> = found.items.iter().map(|p| p.id).collect();
    let kube = cx.store.registry_kube(&ids).await?;
    let benefits = cx.store.registry_benefits(&ids).await?;
    let full = c.role.sees_full_identity();
    // The trail masks NIK-like numbers for the roles that read it masked.
    let after = serde_json::json!({"query": format!("{q:?}"), "page": page.number,
        "total": found.total, "persons": ids});
    cx.store
        .audit_event(&c.actor, "registry_search", "registry", "-", &after)
        .await
        .map_err(|_| Error::Internal)?;
    Ok(found.map(|p: RegistryPerson| {
        // A NIK the caller asked by is echoed: it knew it.
        let asked_by = matches!(q, Query::Nik(n) if *n == p.nik);
        Record {
            kube: kube
                .iter()
                .filter(|k| k.person_id == p.id)
                .cloned()
                .collect(),
            benefits: benefits
                .iter()
                .filter(|b| b.person_id == p.id)
                .cloned()
                .collect(),
            age: age_on(*p.birth_date, today),
            birth_date: full.then_some(*p.birth_date),
            nik: if full || asked_by {
                p.nik
            } else {
                mask(&p.nik)
            },
            kk_number: if full {
                p.kk_number
            } else {
                p.kk_number.as_deref().map(mask)
            },
            id: p.id,
            name: p.name,
            sex: p.sex,
            village_code: p.village_code,
            district_code: p.district_code,
            household_role: p.household_role,
            dtsen_decile: p.dtsen_decile,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }))
}
