//! Demo data for `serve --demo`: a deterministic Kota Banjar told over its years — the
//! article's 150 KUBE formed 2004–2012 with their members, technical guidance with the
//! partner agencies, the aid each received as goods, monitoring visits that decide their
//! health, and this year's programmes: proposals in every state, deliveries, an approval
//! the budget refused, and the individual programmes (ASLUT, WRSE, children, fakir miskin)
//! with their beneficiaries. Loaded once (a second run changes nothing).
mod aid;
mod groups;
mod people;

use crate::store::{Actor, Store};
use crate::users::NewUser;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::area::RegencyCode;
use domain::user::Username;
use domain::{Areas, DistrictCode, Lang, Role};

/// The password of every demo account (printed at start; demo only).
pub const PASSWORD: &str = "demo-banjar-2012";

type DemoResult<T> = Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The demo office's head, who signs "Mengetahui" under its BASTs.
pub fn office_head() -> domain::user::Identity {
    domain::user::Identity {
        full_name: Some("Dra. Hj. Nia Kurniasih, M.Si.".into()),
        nip: domain::user::Nip::parse("196805121993032004").ok(),
        position: Some("Kepala Dinas Sosial Kota Banjar".into()),
    }
}

/// How the demo office names its staff (titles, NIP for civil servants, positions).
fn demo_identity(role: Role, ds: &[DistrictCode], areas: &Areas) -> domain::user::Identity {
    let (name, nip, position) = match role {
        Role::Admin => (
            "Rina Marlina, S.Kom.",
            Some("198803142015032001"),
            "Pranata Komputer".to_string(),
        ),
        Role::KepalaBidang => (
            "Drs. H. Asep Saepudin, M.Si.",
            Some("197008171995031002"),
            "Kepala Bidang Pemberdayaan Sosial".to_string(),
        ),
        Role::Operator => (
            "Dewi Lestari, S.E.",
            Some("198504122010012015"),
            "Pengelola Data".to_string(),
        ),
        Role::Auditor => (
            "Hendra Gunawan, S.E., Ak.",
            Some("197911052006041008"),
            "Auditor Ahli Muda".to_string(),
        ),
        Role::Interop => (
            "Sistem Dinas Sosial Provinsi",
            None,
            "Akun sistem: pencarian registri DCI".to_string(),
        ),
        Role::Pendamping => {
            let district = ds.first().map(|d| areas.name(d.as_str())).unwrap_or("");
            let names = [
                "Ujang Supriatna",
                "Euis Rohmawati",
                "Dadan Hermawan",
                "Neng Sri Mulyani",
            ];
            let name = names[district.len() % names.len()];
            (
                name,
                None,
                format!("Pendamping Sosial Kecamatan {district}"),
            )
        }
    };
    domain::user::Identity {
        full_name: Some(name.to_string()),
        nip: nip.and_then(|n| domain::user::Nip::parse(n).ok()),
        position: Some(position),
    }
}

/// A user name from a kecamatan's name: `pendamping.langensari`.
fn pendamping_name(district: &str) -> String {
    let slug: String = district
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("pendamping.{slug}")
}

/// Creates the demo accounts that do not exist yet — the office's roles and a facilitator
/// for every kecamatan — and returns all of them with their roles.
pub(crate) async fn load(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
) -> DemoResult<Vec<(String, String)>> {
    let mut accounts: Vec<(String, Role, Vec<DistrictCode>)> = vec![
        ("admin".into(), Role::Admin, vec![]),
        ("kabid".into(), Role::KepalaBidang, vec![]),
        ("operator".into(), Role::Operator, vec![]),
    ];
    for d in areas.children(region.as_str()) {
        if let Ok(code) = DistrictCode::parse(&d.code) {
            accounts.push((pendamping_name(&d.name), Role::Pendamping, vec![code]));
        }
    }
    accounts.push(("auditor".into(), Role::Auditor, vec![]));
    // The province's system: every kecamatan of the city, through the registry interface.
    let all: Vec<DistrictCode> = areas
        .children(region.as_str())
        .iter()
        .filter_map(|d| DistrictCode::parse(&d.code).ok())
        .collect();
    accounts.push(("provinsi".into(), Role::Interop, all));
    let actor = Actor::new(None, "(demo)", &store.clock());
    let mut out = Vec::new();
    let hash = crate::passwords::hash_password(PASSWORD);
    for (name, role, ds) in accounts {
        if store.user_get_by_name(&name).await.is_err() {
            let username = Username::parse(&name).map_err(|m| m.text(Lang::En))?;
            let user = NewUser {
                username,
                password_hash: hash.clone(),
                role,
                districts: ds.clone(),
                lang: Lang::Id,
                identity: demo_identity(role, &ds, areas),
            };
            store
                .user_create(&actor, user)
                .await
                .map_err(|e| format!("demo user {name}: {e}"))?;
        }
        let areas_text: Vec<&str> = ds.iter().map(|d| areas.name(d.as_str())).collect();
        let label = if areas_text.is_empty() {
            role.code().to_string()
        } else {
            format!("{} ({})", role.code(), areas_text.join(", "))
        };
        out.push((name, label));
    }
    Ok(out)
}

/// SplitMix64: a small deterministic generator, so the demo city is the same every time.
pub(crate) struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.next() as usize % xs.len()]
    }
    /// Picks by weight from `(value, weight)`.
    pub fn weighted<'a, T>(&mut self, xs: &'a [(T, u32)]) -> &'a T {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = (self.next() % total as u64) as u32;
        for (v, w) in xs {
            if r < *w {
                return v;
            }
            r -= w;
        }
        &xs[0].0
    }
}

/// Who does what in the demo office: the accounts of each role (none: "(demo)").
pub(crate) struct Cast {
    pub kabid: Actor,
    pub operator: Actor,
    pub admin: Actor,
    /// The facilitator of each kecamatan: (district code, user id, actor).
    pub pendamping: Vec<(String, i64, Actor)>,
}

impl Cast {
    async fn find(store: &Store) -> DemoResult<Cast> {
        let users = store
            .user_list(&Default::default(), crate::Paging::new(Some(500), None))
            .await
            .map_err(err)?
            .items;
        let first = |role: Role| {
            users
                .iter()
                .find(|u| u.role == role && !u.disabled)
                .map(|u| Actor::new(Some(u.id), u.username.clone(), &store.clock()))
                .unwrap_or_else(|| Actor::new(None, "(demo)", &store.clock()))
        };
        let mut pendamping: Vec<(String, i64, Actor)> = Vec::new();
        for u in users.iter().filter(|u| u.role == Role::Pendamping) {
            for d in &u.districts {
                if !pendamping.iter().any(|(c, ..)| c == d) {
                    pendamping.push((
                        d.clone(),
                        u.id,
                        Actor::new(Some(u.id), u.username.clone(), &store.clock()),
                    ));
                }
            }
        }
        Ok(Cast {
            kabid: first(Role::KepalaBidang),
            operator: first(Role::Operator),
            admin: first(Role::Admin),
            pendamping,
        })
    }
    /// The facilitator of a kecamatan as the actor (else the operator).
    fn field(&self, district: &str) -> &Actor {
        self.pendamping
            .iter()
            .find(|(d, ..)| d == district)
            .map(|p| &p.2)
            .unwrap_or(&self.operator)
    }
    fn pendamping_id(&self, district: &str) -> Option<i64> {
        self.pendamping
            .iter()
            .find(|(d, ..)| d == district)
            .map(|p| p.1)
    }
}

/// `actor` acting on `day` at `hour` o'clock Jakarta time — never after the actor's own
/// instant (the cast act at the load's now): on today's date, a later hour is not yet.
pub(crate) fn on(actor: &Actor, day: NaiveDate, hour: u32) -> Actor {
    let wib = day.and_hms_opt(hour.clamp(7, 23), 0, 0).unwrap_or_default();
    let utc: DateTime<Utc> =
        DateTime::from_naive_utc_and_offset(wib - chrono::Duration::hours(7), Utc);
    Actor {
        at: utc.min(actor.at),
        ..actor.clone()
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Today in Jakarta, and a day at a share `f` (0–1) of the part of this year gone by:
/// this year's story fits between 1 January and today, whenever the demo is loaded.
pub(crate) struct Year {
    pub today: NaiveDate,
    pub year: i32,
    start: NaiveDate,
}

impl Year {
    fn on(today: NaiveDate) -> Year {
        Year {
            today,
            year: today.year(),
            start: NaiveDate::from_ymd_opt(today.year(), 1, 2).unwrap_or(today),
        }
    }
    pub fn at(&self, f: f64) -> NaiveDate {
        let span = (self.today - self.start).num_days().max(0) as f64;
        (self.start + chrono::Duration::days((span * f.clamp(0.0, 1.0)) as i64)).min(self.today)
    }
}

/// Loads the demo city once: registry, guidance, aid over the years, visits, this year's
/// programmes. Does nothing when KUBE already exist. Returns the number of KUBE made.
pub(crate) async fn load_city(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
) -> DemoResult<usize> {
    if store.kube_count().await.map_err(err)? > 0 {
        return Ok(0);
    }
    let cast = Cast::find(store).await?;
    let year = Year::on(store.clock().today());
    let mut maker = people::PersonMaker::new(2012);
    let mut groups = groups::register(store, areas, region, &cast, &mut maker, &year).await?;
    groups::history_guidance(store, areas, region, &cast, &mut maker, &groups).await?;
    let catalogue = aid::catalogue(store, &cast).await?;
    aid::history(store, &cast, &catalogue, &mut groups).await?;
    aid::this_year(store, &cast, &catalogue, &mut maker, &year, &mut groups).await?;
    let persons =
        groups::individual_persons(store, areas, region, &cast, &mut maker, &year).await?;
    aid::individual(store, &cast, &year, &persons).await?;
    groups::checklists(store, &cast, &mut maker.rng, &mut groups).await?;
    groups::settle_stages(store, &cast, &year, &groups).await?;
    Ok(groups.len())
}
