//! The registry of persons: registering and changing a person within the caller's area,
//! the warning about a possible duplicate, and who may search by NIK.
use crate::lists::{opt, text, yes_no, Listing, Open, Viewer};
pub use crate::store::persons::{Person, PersonFilter, PersonRow};
use crate::store::{Page, Paging};
use crate::{Caller, Context, Error, Result};
use domain::dedup::Record;
use domain::person::{age_on, PersonInput, ValidPerson};
use domain::{Invalid, Msg, Role};
use serde::Deserialize;
use sheets::Cell;

/// Age on `today` of a stored birth date.
pub fn age_of(birth_date: &crate::store::Date, today: chrono::NaiveDate) -> i32 {
    age_on(**birth_date, today)
}

/// The sorts that would order persons by what a masked role may not read: NIK order is
/// kecamatan, birth date and serial; beside the shown age it narrows each birth date.
const MASKED_SORTS: [&str; 3] = ["nik", "kk_number", "birth_date"];

/// Refuses, for a role that sees identity masked, a sort on a masked field (in the list,
/// the API and the export alike).
pub fn check_sort(c: &Caller, sort: Option<&str>) -> Result<()> {
    let field = sort.unwrap_or("").trim_start_matches('-');
    if !c.role.sees_full_identity() && MASKED_SORTS.contains(&field) {
        return Err(Error::invalid(
            "sort",
            Msg::new("search.sort_not_allowed").arg(field),
        ));
    }
    Ok(())
}

/// The duplicate finder's view of a registered person.
pub fn record_of(p: &Person) -> Record {
    Record {
        id: p.id.to_string(),
        nik: p.nik.clone(),
        name: p.name.clone(),
        sex: p.sex.code().to_string(),
        birth_date: p.birth_date.to_string(),
        village_code: p.village_code.clone(),
        kk_number: p.kk_number.clone().unwrap_or_default(),
    }
}

/// Searching by NIK: roles that handle identity documents search by any start of a NIK;
/// a pendamping may look up one whole NIK (the card is in their hand), and the lookup is
/// audited; an auditor not at all — a prefix search would confirm guesses digit by digit.
/// `q` is a NIK search when it is all digits (4 or more), as the store reads it.
pub async fn check_nik_search(cx: &Context, c: &Caller, q: Option<&str>) -> Result<()> {
    let digits: String = q
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if digits.len() < 4
        || !digits.chars().all(|c| c.is_ascii_digit())
        || c.role.sees_full_identity()
    {
        return Ok(());
    }
    if digits.len() == 16 && c.role == Role::Pendamping {
        return nik_lookups(cx, c, &[digits.as_str()], "search").await;
    }
    Err(Error::invalid("q", Msg::new("search.nik_not_allowed")))
}

/// Every answer that tells a role seeing identity masked whether NIKs are registered is
/// a counted lookup: at most `Settings::nik_lookups_per_day` distinct NIKs per account and
/// office day (429 with the reason past it), each request audited with its count. Roles
/// that read NIKs in full are not counted. Call it before the answer is computed.
pub async fn nik_lookups(cx: &Context, c: &Caller, niks: &[&str], source: &str) -> Result<()> {
    use sha2::{Digest, Sha256};
    if c.role.sees_full_identity() || niks.is_empty() {
        return Ok(());
    }
    let hashes: Vec<String> = niks
        .iter()
        .map(|n| hex::encode(Sha256::digest(n.trim().as_bytes())))
        .collect();
    let limit = cx.settings.nik_lookups_per_day;
    match cx
        .store
        .nik_lookup(&c.actor, c.today(), &hashes, limit, source)
        .await?
    {
        crate::store::lookups::Lookup::Counted(_) => {
            crate::access::lookups(cx, c, niks, source).await
        }
        crate::store::lookups::Lookup::Refused(used) => Err(Error::Limited(
            Msg::new("person.nik_lookups_limit")
                .arg(limit)
                .arg(used)
                .arg(niks.len()),
        )),
    }
}

fn validate(cx: &Context, c: &Caller, input: &PersonInput) -> Result<ValidPerson, Invalid> {
    let v = input.validate(&cx.areas, &cx.settings.region, cx.today())?;
    if !c.sees_district(v.village_code.district().as_str()) {
        return Err(Invalid::field(
            "village_code",
            Msg::new("area.outside_scope"),
        ));
    }
    Ok(v)
}

/// Persons already registered whom the duplicate finder judges worth a look beside
/// this new record (the same finder as the review page), most alike first.
async fn possible_duplicates(
    cx: &Context,
    v: &ValidPerson,
    exclude: Option<i64>,
) -> Result<Vec<Person>> {
    let mut found = cx.store.person_duplicate_candidates(v, exclude).await?;
    let new = Record {
        id: String::new(),
        nik: v.nik.as_str().to_string(),
        name: v.name.clone(),
        sex: v.sex.code().to_string(),
        birth_date: v.birth_date.format("%Y-%m-%d").to_string(),
        village_code: v.village_code.as_str().to_string(),
        kk_number: v
            .kk_number
            .as_ref()
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
    };
    let known: Vec<Record> = found.iter().map(record_of).collect();
    let finder = crate::duplicates::finder(cx).await?;
    let ids: Vec<String> = finder
        .likely_same(&new, &known)
        .into_iter()
        .map(|(r, _)| r.id.clone())
        .collect();
    // The same NIK is not a possible duplicate but a refusal ("NIK already registered").
    found.retain(|p| ids.contains(&p.id.to_string()) && p.nik != v.nik.as_str());
    found.sort_by_key(|p| ids.iter().position(|i| *i == p.id.to_string()));
    Ok(found)
}

/// The warning about possible duplicates: those in the caller's area by name, village
/// and birth date (the age for masked roles); others only as "outside your area".
fn duplicate_error(cx: &Context, c: &Caller, dups: &[Person]) -> Error {
    let full = c.role.sees_full_identity();
    let names: Vec<String> = dups
        .iter()
        .filter(|d| c.sees_district(&d.district_code))
        .take(3)
        .map(|d| {
            let born = if full {
                d.birth_date.to_string()
            } else {
                age_of(&d.birth_date, c.today()).to_string()
            };
            format!("{} ({}, {})", d.name, born, cx.areas.name(&d.village_code))
        })
        .collect();
    let msg = if names.is_empty() {
        Msg::new("person.possible_duplicate_elsewhere")
    } else {
        Msg::new("person.possible_duplicate").arg(names.join("; "))
    };
    Error::Conflict {
        field: "name".into(),
        msg,
    }
}

/// Registers a person; a possible duplicate is refused unless the caller confirms.
pub async fn create(
    cx: &Context,
    c: &Caller,
    input: &PersonInput,
    confirm_duplicate: bool,
) -> Result<Person> {
    c.require_write()?;
    let v = validate(cx, c, input)?;
    // Whatever comes next — registered, "NIK already registered", a duplicate warning —
    // tells whether the NIK was known: a counted lookup for a role that sees it masked.
    nik_lookups(cx, c, &[v.nik.as_str()], "registration").await?;
    if !confirm_duplicate {
        let dups = possible_duplicates(cx, &v, None).await?;
        if !dups.is_empty() {
            return Err(duplicate_error(cx, c, &dups));
        }
    }
    Ok(cx.store.person_create(&c.actor, &v).await?)
}

/// A stored person as the input that would register them again.
pub fn input_of(p: &Person) -> PersonInput {
    PersonInput {
        nik: p.nik.clone(),
        kk_number: p.kk_number.clone(),
        name: p.name.clone(),
        sex: p.sex.code().to_string(),
        birth_date: p.birth_date.to_string(),
        village_code: p.village_code.clone(),
        rt: p.rt.clone(),
        rw: p.rw.clone(),
        address: p.address.clone(),
        phone: p.phone.clone(),
        categories: p.categories.clone(),
        dtks_registered: *p.dtks_registered,
        dtks_ref: p.dtks_ref.clone(),
        notes: p.notes.clone(),
        household_role: p.household_role.clone(),
        occupation: p.occupation.clone(),
    }
}

/// A change: absent fields stay as they are.
#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct PersonPatch {
    #[schema(pattern = "^[0-9]{16}$")]
    pub nik: Option<String>,
    #[schema(pattern = "^[0-9]{16}$")]
    pub kk_number: Option<String>,
    #[schema(pattern = "\\S")]
    pub name: Option<String>,
    #[schema(pattern = "^(L|P)$")]
    pub sex: Option<String>,
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    #[schema(pattern = "^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$")]
    pub village_code: Option<String>,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub categories: Option<Vec<String>>,
    pub dtks_registered: Option<bool>,
    pub dtks_ref: Option<String>,
    pub notes: Option<String>,
    /// `kepala_keluarga`, `pencari_nafkah`, `anggota_keluarga`; empty clears it.
    pub household_role: Option<String>,
    /// `pns`, `tni`, `polri`, `lainnya`; empty clears it.
    pub occupation: Option<String>,
}

/// Replaces a person's fields with those of a whole form. A masked role's form has no
/// identity fields (it shows them masked): those stay as they are.
pub async fn replace(cx: &Context, c: &Caller, id: i64, mut input: PersonInput) -> Result<Person> {
    c.require_write()?;
    let current = crate::scope::person(cx, c, id).await?;
    if !c.role.sees_full_identity() {
        let was = input_of(&current);
        (input.nik, input.kk_number, input.sex, input.birth_date) =
            (was.nik, was.kk_number, was.sex, was.birth_date);
    }
    let v = validate(cx, c, &input)?;
    Ok(cx.store.person_update(&c.actor, id, &v).await?)
}

/// Changes a person the caller may see.
pub async fn update(cx: &Context, c: &Caller, id: i64, patch: &PersonPatch) -> Result<Person> {
    c.require_write()?;
    let current = crate::scope::person(cx, c, id).await?;
    let mut input = input_of(&current);
    // Roles that see masked numbers cannot change what the NIK encodes: they never saw
    // it, and the answers to trying (does this birth date fit the NIK?) would rebuild it.
    if c.role.sees_full_identity() {
        if let Some(v) = &patch.nik {
            input.nik = v.clone();
        }
        if let Some(v) = &patch.kk_number {
            input.kk_number = Some(v.clone());
        }
    } else if patch.nik.is_some()
        || patch.kk_number.is_some()
        || patch.birth_date.is_some()
        || patch.sex.is_some()
    {
        return Err(Error::Forbidden);
    }
    macro_rules! take {
        ($($f:ident),*) => { $( if let Some(v) = &patch.$f { input.$f = v.clone(); } )* };
    }
    take!(
        name,
        sex,
        birth_date,
        village_code,
        categories,
        dtks_registered
    );
    macro_rules! take_opt {
        ($($f:ident),*) => { $( if let Some(v) = &patch.$f { input.$f = Some(v.clone()); } )* };
    }
    take_opt!(
        rt,
        rw,
        address,
        phone,
        dtks_ref,
        notes,
        household_role,
        occupation
    );
    let v = validate(cx, c, &input)?;
    Ok(cx.store.person_update(&c.actor, id, &v).await?)
}

/// The persons a caller may see: the registry's list page, API list and export.
pub struct Persons;

impl Listing for Persons {
    type Query = PersonFilter;
    type Filter = PersonFilter;
    type Item = Person;
    const ENTITY: &'static str = "person";
    const FILE: &'static str = "penduduk";
    async fn filter(cx: &Context, c: &Caller, q: &PersonFilter) -> Result<PersonFilter> {
        check_nik_search(cx, c, q.q.as_deref()).await?;
        check_sort(c, q.sort.as_deref())?;
        Ok(PersonFilter {
            born_by: crate::scope::adults_born_by(cx, c).map(|d| d.to_string()),
            ..q.clone()
        })
    }
    async fn fetch(
        v: &Viewer,
        f: &PersonFilter,
        paging: Paging,
    ) -> crate::store::Result<Page<Person>> {
        v.store.person_list(f, v.scope(), paging).await
    }
    crate::lists::columns!(|v, p: Person| [
        ("nik", v.identity(p.nik)),
        (
            "kk_number",
            p.kk_number.map(|k| v.identity(k)).unwrap_or(Cell::Empty)
        ),
        ("name", text(p.name)),
        ("sex", text(p.sex.code())),
        // Masked roles read the age: the birth date beside the NIK's prefix would narrow
        // the number down.
        (
            "birth_date",
            if v.full {
                Cell::Date(p.birth_date.to_string())
            } else {
                Cell::Empty
            }
        ),
        ("age", Cell::Int(age_of(&p.birth_date, v.today) as i64)),
        ("village_code", text(&p.village_code)),
        ("village", v.area(&p.village_code)),
        ("district", v.area(&p.district_code)),
        ("rt", opt(p.rt)),
        ("rw", opt(p.rw)),
        ("address", opt(p.address)),
        ("phone", opt(p.phone)),
        ("categories", text(p.categories.join(", "))),
        ("dtks_registered", yes_no(*p.dtks_registered)),
        ("dtks_ref", opt(p.dtks_ref)),
    ]);

    fn described(v: &Viewer, f: &PersonFilter) -> serde_json::Value {
        serde_json::json!({"full_identity": v.full,
            "filters": {"q": f.q, "village_code": f.village_code, "district_code": f.district_code, "category": f.category}})
    }
}

impl Open<Persons> {
    /// A page of the list with only what the list page shows.
    pub async fn rows(&self, paging: Paging) -> Result<Page<PersonRow>> {
        Ok(self
            .v
            .store
            .person_list_rows(&self.filter, self.v.scope(), paging)
            .await?)
    }
}

/// Residents of the caller's area matching a filter, at most `limit`, as forms offer
/// them: (id, name, village code) — nothing that identifies them further.
pub async fn residents(
    cx: &Context,
    c: &Caller,
    f: &PersonFilter,
    limit: i64,
) -> Result<Vec<(i64, String, String)>> {
    let f = PersonFilter {
        born_by: crate::scope::adults_born_by(cx, c).map(|d| d.to_string()),
        ..f.clone()
    };
    Ok(cx
        .store
        .person_list(&f, c.district_scope(), Paging::new(Some(limit), None))
        .await?
        .items
        .into_iter()
        .map(|p| (p.id, p.name, p.village_code))
        .collect())
}

pub use crate::store::persons::{Among, HistoryRow, Match};

/// A resident as a picker shows them: name, age and village, and the NIK as the caller
/// may read it — enough to tell two namesakes apart (and to see that a child is not a
/// member to be).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub village_code: String,
    pub age: i32,
    /// Masked for roles that read NIKs masked.
    pub nik: String,
    /// What the picker offers and a form may send back.
    pub label: String,
}

/// Residents of a kecamatan of the caller's (`None`: of the caller's whole area), by a
/// name or NIK start (`q`), as a picker offers them while one types. A NIK start is
/// searched only as [`check_nik_search`] allows the caller.
pub async fn candidates(
    cx: &Context,
    c: &Caller,
    district: Option<&str>,
    among: Among,
    q: Option<&str>,
    limit: i64,
) -> Result<Vec<Candidate>> {
    let q = q.map(str::trim).filter(|q| !q.is_empty());
    check_nik_search(cx, c, q).await?;
    let m = match q {
        Some(q) => {
            // A NIK may be typed in groups of digits.
            let digits: String = q.chars().filter(|ch| !ch.is_whitespace()).collect();
            if digits.bytes().all(|b| b.is_ascii_digit()) {
                Match::Start(digits)
            } else {
                Match::Start(q.to_string())
            }
        }
        None => Match::Any,
    };
    matching(cx, c, district, among, &m, limit).await
}

/// The residents a match names (none outside the caller's area). A NIK match by a
/// masked role must be counted ([`nik_lookups`]) by the caller first.
pub(crate) async fn matching(
    cx: &Context,
    c: &Caller,
    district: Option<&str>,
    among: Among,
    m: &Match,
    limit: i64,
) -> Result<Vec<Candidate>> {
    if district.is_some_and(|d| !c.sees_district(d)) {
        return Ok(Vec::new());
    }
    let full = c.role.sees_full_identity();
    Ok(cx
        .store
        .person_candidates(district, c.district_scope(), among, m, limit)
        .await?
        .into_iter()
        .filter(|(_, _, _, _, birth)| !crate::scope::child_hidden(cx, c, **birth))
        .map(|(id, name, village_code, nik, birth)| {
            let age = age_of(&birth, c.today());
            let nik = if full {
                nik
            } else {
                domain::privacy::mask(&nik)
            };
            let label = format!(
                "{name} · {age} th · {} · NIK {nik}",
                cx.areas.name(&village_code)
            );
            Candidate {
                id,
                name,
                village_code,
                age,
                nik,
                label,
            }
        })
        .collect())
}

/// A person's history, newest first: KUBE joined and left, programmes, benefits,
/// trainings, and the aid their KUBE received while they were a member — what an operator
/// needs to see double aid while entering data. Only of a person of the caller's area.
/// A person's page: the person (a read of personal data, recorded in the access log),
/// their history, consents and photos — read together, the area checked once.
pub struct PersonPage {
    pub person: Person,
    pub history: Vec<HistoryRow>,
    pub consents: Vec<crate::protection::consents::Consent>,
    pub photos: Vec<crate::store::attachments::AttachmentInfo>,
}

pub async fn page(cx: &Context, c: &Caller, id: i64) -> Result<PersonPage> {
    let r = cx.store.person_reads(id).await?;
    let person = crate::scope::person_visible(cx, c, r.person)?;
    crate::access::record_read(cx, c, id).await?;
    Ok(PersonPage {
        person,
        history: r.history,
        consents: r.consents,
        photos: r.photos,
    })
}

pub async fn history(cx: &Context, c: &Caller, id: i64) -> Result<Vec<HistoryRow>> {
    crate::scope::person(cx, c, id).await?;
    Ok(cx.store.person_history(id).await?)
}

/// The page a history line leads to.
pub fn history_href(h: &HistoryRow) -> String {
    match h.kind.as_str() {
        "kube_joined" | "kube_left" => format!("/kube/{}", h.ref_id),
        "enrolled" | "benefit" => format!("/programmes/{}", h.ref_id),
        "training" => format!("/trainings/{}", h.ref_id),
        _ => format!("/proposals/{}", h.ref_id),
    }
}

/// Whether a NIK is registered, as the person form's hint tells someone about to register
/// it: the person, when of the caller's area; only that it is registered, when elsewhere
/// (no name outside the area). For a role that reads NIKs masked it is a counted, audited
/// lookup; a role that registers nobody is not told.
#[derive(Debug, PartialEq)]
pub enum Registered {
    No,
    Here { id: i64, name: String },
    Elsewhere,
}

pub async fn nik_registered(
    cx: &Context,
    c: &Caller,
    nik: &domain::nik::Nik,
) -> Result<Registered> {
    c.require_write()?;
    nik_lookups(cx, c, &[nik.as_str()], "nik_hint").await?;
    let found = cx
        .store
        .person_ids_by_nik(&[nik.as_str().to_string()])
        .await?;
    Ok(match found.into_iter().next() {
        None => Registered::No,
        Some((_, id, district, name)) if c.sees_district(&district) => {
            Registered::Here { id, name }
        }
        Some(_) => Registered::Elsewhere,
    })
}
