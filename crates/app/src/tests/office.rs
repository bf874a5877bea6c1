//! An office on a fresh database: the region Kota Banjar (32.79), its accounts (one per
//! role; a pendamping in Langensari and one in Pataruman), the clock at a fixed instant,
//! and helpers that register residents and form KUBE through the use cases themselves.
use crate::installation::Installation;
use crate::store::FreshDatabase;
use crate::users::NewUser;
use crate::{Caller, Clock, Context, Settings};
use domain::user::Username;
use domain::{Areas, DistrictCode, Lang, Role};
use serde_json::{json, Value};
use std::sync::Arc;

/// Villages of Langensari (32.79.04) and Pataruman (32.79.02).
pub const REJASARI: &str = "32.79.04.2002";
pub const BINANGUN: &str = "32.79.02.1002";
/// Another village of kecamatan Langensari.
pub const WARINGINSARI: &str = "32.79.04.2003";

/// 2026-12-06 10:00 WIB, the instant every test office starts at.
pub const INSTANT: &str = "2026-12-06T03:00:00Z";

pub struct Office {
    pub cx: Context,
    pub db: Installation,
    pub admin: Caller,
    pub kabid: Caller,
    pub operator: Caller,
    pub auditor: Caller,
    /// The pendamping of Langensari.
    pub field: Caller,
    /// The pendamping of Pataruman.
    pub other: Caller,
    _fresh: FreshDatabase,
}

fn hash() -> String {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| crate::passwords::hash_password("Sandi-Uji-Kantor-2026"))
        .clone()
}

/// Typed input from JSON, as the API would send it.
pub fn input<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("input")
}

impl Office {
    pub async fn new() -> Office {
        Office::with(|_| {}).await
    }

    pub async fn with(f: impl FnOnce(&mut Settings)) -> Office {
        let pg = std::env::var("SIKUBE_TEST_DATABASE_URL").ok();
        let fresh = FreshDatabase::create(pg.as_deref())
            .await
            .expect("database");
        let clock = Clock::parse(INSTANT).expect("clock");
        let db = Installation::open(fresh.url(), clock).await.expect("open");
        let areas = Arc::new(Areas::embedded());
        let mut settings = Settings::new(areas.regency("32.79").expect("region"));
        f(&mut settings);
        let cx = db.office(areas, settings);
        let mut callers = Vec::new();
        for (name, role, districts) in [
            ("admin", Role::Admin, vec![]),
            ("kabid", Role::KepalaBidang, vec![]),
            ("operator", Role::Operator, vec![]),
            ("auditor", Role::Auditor, vec![]),
            ("p.langensari", Role::Pendamping, vec!["32.79.04"]),
            ("p.pataruman", Role::Pendamping, vec!["32.79.02"]),
        ] {
            let u = db
                .user_add(NewUser {
                    username: Username::parse(name).expect("name"),
                    password_hash: hash(),
                    role,
                    districts: districts
                        .iter()
                        .map(|d| DistrictCode::parse(d).expect("district"))
                        .collect(),
                    lang: Lang::Id,
                    identity: Default::default(),
                })
                .await
                .expect("account");
            callers.push(Caller {
                actor: crate::Actor::new(Some(u.id), name, &clock),
                role,
                districts: u.districts.clone(),
                lang: Lang::Id,
            });
        }
        let mut c = callers.into_iter();
        let mut next = || c.next().expect("caller");
        Office {
            admin: next(),
            kabid: next(),
            operator: next(),
            auditor: next(),
            field: next(),
            other: next(),
            cx,
            db,
            _fresh: fresh,
        }
    }

    /// `n` residents of a village registered by the operator (distinct birth days, so
    /// no duplicate warning); their ids. `seed` keeps NIKs apart between calls.
    pub async fn residents(&self, village: &str, n: usize, seed: usize) -> Vec<i64> {
        let district = village[..8].replace('.', "");
        let mut ids = Vec::new();
        for i in 0..n {
            let day = i % 28 + 1;
            let year = 70 + seed % 30;
            let nik = format!("{district}{day:02}01{year:02}{:04}", seed * 100 + i + 1);
            let p = crate::persons::create(
                &self.cx,
                &self.operator,
                &input(
                    json!({"nik": nik, "name": format!("Warga {seed} {i}"), "sex": "L",
                    "birth_date": format!("19{year:02}-01-{day:02}"), "village_code": village,
                    "categories": ["fakir_miskin"]}),
                ),
                true,
            )
            .await
            .expect("resident");
            ids.push(p.id);
        }
        ids
    }

    /// A KUBE programme of 2026 with a budget of Rp 50 juta, and a catalogue item (a goat
    /// at Rp 2 juta), made by the operator.
    pub async fn kube_programme(&self) -> (crate::programmes::Programme, crate::programmes::Item) {
        let prog = crate::programmes::create(
            &self.cx,
            &self.operator,
            &input(
                json!({"name": "KUBE 2026", "year": 2026, "funding_source": "apbd_kota",
                "target": "kube", "budget": 50_000_000}),
            ),
        )
        .await
        .expect("programme");
        let item = crate::programmes::item_create(
            &self.cx,
            &self.operator,
            &input(json!({"name": "Kambing", "unit": "ekor", "unit_price": 2_000_000})),
        )
        .await
        .expect("item");
        (prog, item)
    }

    /// A KUBE of these members (the first three its officers), formed by the operator.
    pub async fn kube(&self, name: &str, village: &str, members: &[i64]) -> i64 {
        self.kube_formed(name, village, members, "2024-03-01").await
    }

    /// [`Office::kube`] formed on a given day.
    pub async fn kube_formed(
        &self,
        name: &str,
        village: &str,
        members: &[i64],
        formed_on: &str,
    ) -> i64 {
        let roles = ["ketua", "sekretaris", "bendahara"];
        let members: Vec<Value> = members
            .iter()
            .enumerate()
            .map(|(i, id)| json!({"person_id": id, "role": roles.get(i).copied().unwrap_or("anggota")}))
            .collect();
        crate::kube::create(
            &self.cx,
            &self.operator,
            &input(
                json!({"name": name, "business_type": "ternak_kambing", "village_code": village,
                "formed_on": formed_on, "funding_source": "apbd_kota", "members": members}),
            ),
        )
        .await
        .expect("kube")
        .kube
        .id
    }
}
