//! Demo data for `serve --demo`: deterministic, loaded once (a second run changes nothing).
use domain::area::RegencyCode;
use domain::user::Username;
use domain::{Areas, DistrictCode, Lang, Role};
use store::users::NewUser;
use store::{Actor, Store};

/// The password of every demo account (printed at start; demo only).
pub const PASSWORD: &str = "demo-banjar-2012";

/// Creates the demo accounts that do not exist yet; returns all of them with their roles.
pub async fn load(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
) -> Result<Vec<(String, String)>, String> {
    let districts: Vec<DistrictCode> = areas
        .children(region.as_str())
        .iter()
        .filter_map(|d| DistrictCode::parse(&d.code).ok())
        .collect();
    // In Kota Banjar: Langensari (most KUBE) and Pataruman.
    let pick = |name: &str, fallback: usize| {
        districts
            .iter()
            .find(|d| areas.name(d.as_str()).eq_ignore_ascii_case(name))
            .or_else(|| districts.get(fallback))
            .cloned()
    };
    let langensari = pick("Langensari", 0);
    let pataruman = pick("Pataruman", 1);
    let accounts: Vec<(&str, Role, Vec<DistrictCode>)> = vec![
        ("admin", Role::Admin, vec![]),
        ("kabid", Role::KepalaBidang, vec![]),
        ("operator", Role::Operator, vec![]),
        (
            "pendamping.langensari",
            Role::Pendamping,
            langensari.into_iter().collect(),
        ),
        (
            "pendamping.pataruman",
            Role::Pendamping,
            pataruman.into_iter().collect(),
        ),
        ("auditor", Role::Auditor, vec![]),
    ];
    let actor = Actor {
        user_id: None,
        username: "(demo)".into(),
    };
    let mut out = Vec::new();
    let hash = web::auth::hash_password(PASSWORD);
    for (name, role, ds) in accounts {
        if store.user_by_name(name).await.is_err() {
            let username = Username::parse(name).map_err(|m| m.text(Lang::En))?;
            store
                .user_create(
                    &actor,
                    NewUser {
                        username,
                        password_hash: hash.clone(),
                        role,
                        districts: ds.clone(),
                        lang: Lang::Id,
                    },
                )
                .await
                .map_err(|e| format!("demo user {name}: {e}"))?;
        }
        let areas_text: Vec<&str> = ds.iter().map(|d| areas.name(d.as_str())).collect();
        let label = if areas_text.is_empty() {
            role.as_str().to_string()
        } else {
            format!("{} ({})", role.as_str(), areas_text.join(", "))
        };
        out.push((name.to_string(), label));
    }
    Ok(out)
}

/// SplitMix64: a small deterministic generator, so the demo city is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.next() as usize % xs.len()]
    }
    /// Picks by weight from `(value, weight)`.
    fn weighted<'a, T>(&mut self, xs: &'a [(T, u32)]) -> &'a T {
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

const MEN: &[&str] = &[
    "Asep", "Ujang", "Dedi", "Cecep", "Wawan", "Jajang", "Dadang", "Agus", "Iwan", "Yayat", "Eman",
    "Odih", "Rahmat", "Endang", "Aep", "Maman", "Ade", "Engkos", "Dudung", "Hendra", "Budi",
    "Ahmad", "Entis", "Udin", "Didin", "Ohan", "Sobari", "Nana", "Tatang", "Juju",
];
const WOMEN: &[&str] = &[
    "Euis", "Siti", "Ai", "Neneng", "Iis", "Kokom", "Lilis", "Nining", "Tati", "Yati", "Popon",
    "Cucu", "Enok", "Imas", "Oom", "Dedeh", "Elis", "Rina", "Sri", "Nia", "Entin", "Titin",
    "Wiwin", "Nur", "Aas", "Heni", "Yuyun", "Onah", "Eti", "Ratna",
];
const FAMILY: &[&str] = &[
    "Suryana",
    "Sutisna",
    "Hidayat",
    "Rahayu",
    "Kurniawan",
    "Setiawan",
    "Sukmana",
    "Permana",
    "Sopandi",
    "Nurhayati",
    "Rukmana",
    "Mulyana",
    "Saepudin",
    "Hermawan",
    "Supriatna",
    "Komariah",
    "Wahyudi",
    "Gunawan",
    "Hasanah",
    "Sumarni",
    "Kusnadi",
    "Solihin",
    "Rosita",
    "Hamdani",
    "Juariah",
    "Sudrajat",
    "Kartika",
];
const GROUP_WORDS: &[&str] = &[
    "Mekar",
    "Jaya",
    "Makmur",
    "Sejahtera",
    "Mandiri",
    "Harapan",
    "Sauyunan",
    "Rukun",
    "Lestari",
    "Barokah",
    "Sugih",
    "Mukti",
    "Tani",
    "Sinar",
    "Maju",
    "Bersama",
    "Berkah",
    "Saluyu",
    "Mulya",
    "Hegar",
];

struct PersonMaker {
    rng: Rng,
    niks: std::collections::HashSet<String>,
    kk_serial: u32,
}

impl PersonMaker {
    /// A valid synthetic person of `village`, aged `age_lo..=age_hi` on `on`.
    #[allow(clippy::too_many_arguments)]
    fn make(
        &mut self,
        areas: &Areas,
        village: &str,
        female: bool,
        age_lo: i64,
        age_hi: i64,
        on: chrono::NaiveDate,
        categories: &[&str],
    ) -> domain::person::PersonInput {
        use chrono::Datelike;
        let r = &mut self.rng;
        let year = on.year() as i64 - r.range(age_lo, age_hi);
        let month = r.range(1, 12) as u32;
        let day = r.range(1, 28) as u32;
        let birth = chrono::NaiveDate::from_ymd_opt(year as i32, month, day).unwrap_or(on);
        // One in five was first registered in Ciamis, before Banjar became a city.
        let reg_district = if r.range(1, 5) == 1 {
            "320701".to_string()
        } else {
            village[..8].replace('.', "")
        };
        let dd = if female { day + 40 } else { day };
        let mut serial = r.range(1, 400) as u32;
        let nik = loop {
            let n = format!(
                "{reg_district}{dd:02}{month:02}{:02}{serial:04}",
                year % 100
            );
            if self.niks.insert(n.clone()) {
                break n;
            }
            serial += 1;
        };
        self.kk_serial += 1;
        let kk = format!(
            "{}{:02}{:02}{:02}{:04}",
            village[..8].replace('.', ""),
            r.range(1, 28),
            r.range(1, 12),
            r.range(5, 12),
            self.kk_serial % 9999 + 1
        );
        let first = if female { *r.pick(WOMEN) } else { *r.pick(MEN) };
        let name = format!("{first} {}", r.pick(FAMILY));
        let _ = areas;
        domain::person::PersonInput {
            nik,
            kk_number: Some(kk),
            name,
            sex: if female { "P".into() } else { "L".into() },
            birth_date: birth.format("%Y-%m-%d").to_string(),
            village_code: village.to_string(),
            rt: Some(format!("{:03}", r.range(1, 12))),
            rw: Some(format!("{:03}", r.range(1, 8))),
            address: Some(format!("Dusun {}", r.pick(GROUP_WORDS))),
            phone: None,
            categories: categories.iter().map(|c| c.to_string()).collect(),
            dtks_registered: r.range(1, 10) <= 8,
            dtks_ref: None,
            notes: None,
        }
    }
}

/// Loads a believable Kota Banjar once: about 150 KUBE formed 2004–2012 across the
/// villages, most in Langensari, each with 5–20 members, and persons of the individual
/// programmes. Does nothing when KUBE already exist. Returns the number of KUBE made.
pub async fn load_city(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
) -> Result<usize, String> {
    use domain::kube::{KubeInput, MemberRole, Status};
    use store::kube::NewMember;
    if store.kube_count().await.map_err(|e| e.to_string())? > 0 {
        return Ok(0);
    }
    let actor = Actor {
        user_id: None,
        username: "(demo)".into(),
    };
    let today = chrono::NaiveDate::from_ymd_opt(2012, 12, 31).unwrap_or_default();
    let mut maker = PersonMaker {
        rng: Rng(2012),
        niks: Default::default(),
        kk_serial: 0,
    };
    let districts = areas.children(region.as_str());
    let langensari = districts
        .iter()
        .position(|d| d.name == "Langensari")
        .unwrap_or(0);
    let users = store
        .user_list(
            &store::users::UserFilter {
                q: None,
                role: Some("pendamping".into()),
            },
            store::Paging::new(Some(500), None),
        )
        .await
        .map_err(|e| e.to_string())?
        .items;
    let business: &[(&str, u32)] = &[
        ("ternak_kambing", 38),
        ("makanan_olahan", 30),
        ("warungan", 20),
        ("industri_rumahan", 5),
        ("pertanian", 4),
        ("perikanan", 3),
    ];
    let funding: &[(&str, u32)] = &[
        ("apbd_kota", 62),
        ("apbd_provinsi", 20),
        ("apbn", 14),
        ("lainnya", 4),
    ];
    let mut made = 0;
    for (di, d) in districts.iter().enumerate() {
        let villages = areas.children(&d.code);
        // Most KUBE are in Langensari (the 2012 report).
        let count = if di == langensari { 66 } else { 28 };
        let pendamping = users
            .iter()
            .find(|u| u.districts.contains(&d.code))
            .map(|u| u.id);
        for g in 0..count {
            let r = &mut maker.rng;
            let village = villages[g % villages.len()].code.clone();
            let year = 2004 + (g as i64 * 9 / count as i64);
            let formed_on = chrono::NaiveDate::from_ymd_opt(
                year as i32,
                r.range(2, 11) as u32,
                r.range(1, 28) as u32,
            )
            .unwrap_or(today);
            let (small, large) = (r.range(5, 9), r.range(11, 20));
            let size = *r.weighted(&[(10i64, 50), (small, 25), (large, 25)]);
            let bt = *r.weighted(business);
            let fund = *r.weighted(funding);
            let name = format!("KUBE {} {}", r.pick(GROUP_WORDS), r.pick(GROUP_WORDS));
            let women_group = bt == "makanan_olahan";
            let mut inputs = Vec::new();
            for m in 0..size {
                // Members live in villages of the group's kecamatan, mostly its own.
                let mv = if maker.rng.range(1, 4) == 1 {
                    maker.rng.pick(&villages).code.clone()
                } else {
                    village.clone()
                };
                let female = if women_group {
                    maker.rng.range(1, 10) <= 9
                } else {
                    maker.rng.range(1, 10) <= 3
                };
                let cats: &[&str] = if female && m % 3 == 0 {
                    &["fakir_miskin", "wrse"]
                } else {
                    &["fakir_miskin"]
                };
                inputs.push(maker.make(areas, &mv, female, 22, 55, formed_on, cats));
            }
            let valid: Vec<_> = inputs
                .iter()
                .map(|p| p.validate(areas, region, chrono::Utc::now().date_naive()))
                .collect::<Result<_, _>>()
                .map_err(|e| format!("demo person: {e}"))?;
            let ids = store
                .person_create_many(&actor, &valid, "demo")
                .await
                .map_err(|e| format!("demo persons: {e}"))?;
            let members: Vec<NewMember> = ids
                .iter()
                .enumerate()
                .map(|(i, &person_id)| NewMember {
                    person_id,
                    role: [
                        MemberRole::Ketua,
                        MemberRole::Sekretaris,
                        MemberRole::Bendahara,
                    ]
                    .get(i)
                    .copied()
                    .unwrap_or(MemberRole::Anggota),
                })
                .collect();
            let k = KubeInput {
                name,
                business_type: bt.into(),
                village_code: village.clone(),
                address: Some(format!(
                    "RT {:03} RW {:03}",
                    maker.rng.range(1, 9),
                    maker.rng.range(1, 6)
                )),
                formed_on: formed_on.format("%Y-%m-%d").to_string(),
                funding_source: fund.into(),
                programme_year: None,
                notes: None,
            };
            let bts: Vec<String> = domain::kube::SEED_BUSINESS_TYPES
                .iter()
                .map(|b| b.0.to_string())
                .collect();
            let vk = k
                .validate(areas, region, &bts, chrono::Utc::now().date_naive())
                .map_err(|e| format!("demo kube: {e}"))?;
            let detail = store
                .kube_create(&actor, region, &vk, &members, pendamping)
                .await
                .map_err(|e| format!("demo kube {}: {e}", vk.name))?;
            // The 2012 report: about 40% still run; in Langensari nearly all develop well.
            let roll = maker.rng.range(1, 100);
            let status = if di == langensari {
                match roll {
                    1..=62 => Status::Berjalan,
                    63..=85 => Status::PerluPendampingan,
                    86..=95 => Status::TidakAktif,
                    _ => Status::Bubar,
                }
            } else {
                match roll {
                    1..=22 => Status::Berjalan,
                    23..=70 => Status::PerluPendampingan,
                    71..=90 => Status::TidakAktif,
                    _ => Status::Bubar,
                }
            };
            if status == Status::Bubar {
                // Dissolved: the memberships end, as when the office records it.
                let change = store::kube::KubeChange {
                    kube: vk.clone(),
                    stage: domain::kube::Stage::Bubar,
                    pendamping_id: pendamping,
                };
                store
                    .kube_update(&actor, detail.kube.id, &change)
                    .await
                    .map_err(|e| e.to_string())?;
            } else {
                // The status comes from monitoring visits, as in the office.
                demo_visits(
                    store,
                    &mut maker.rng,
                    detail.kube.id,
                    size,
                    status,
                    formed_on,
                )
                .await?;
            }
            made += 1;
        }
    }
    demo_trainings(store, areas, region, &mut maker).await?;
    // Persons of the individual programmes: WRSE women, neglected elderly, children.
    let mut others = Vec::new();
    for i in 0..240 {
        let d = &districts[i % districts.len()];
        let villages = areas.children(&d.code);
        let v = maker.rng.pick(&villages).code.clone();
        let now = chrono::Utc::now().date_naive();
        let p = match i % 4 {
            0 | 1 => maker.make(areas, &v, true, 20, 55, now, &["wrse", "fakir_miskin"]),
            2 => {
                let f = maker.rng.range(0, 1) == 1;
                maker.make(areas, &v, f, 61, 85, now, &["lansia"])
            }
            _ => {
                let f = maker.rng.range(0, 1) == 1;
                maker.make(areas, &v, f, 7, 17, now, &["anak"])
            }
        };
        others.push(
            p.validate(areas, region, now)
                .map_err(|e| format!("demo person: {e}"))?,
        );
    }
    // Some persons registered a second time at the counter, with a typo in the name and
    // a mistyped NIK serial: the duplicate review has real work in the demo.
    let now = chrono::Utc::now().date_naive();
    let twice: Vec<domain::person::PersonInput> = others
        .iter()
        .step_by(40)
        .enumerate()
        .map(|(i, v)| {
            let nik = v.nik.as_str();
            let serial: u32 = nik[12..].parse().unwrap_or(1);
            domain::person::PersonInput {
                nik: format!("{}{:04}", &nik[..12], (serial + 5000) % 10_000),
                kk_number: None,
                name: misspell(&v.name, i),
                sex: v.sex.code().to_string(),
                birth_date: v.birth_date.format("%Y-%m-%d").to_string(),
                village_code: v.village_code.as_str().to_string(),
                rt: v.rt.clone(),
                rw: v.rw.clone(),
                address: None,
                phone: None,
                categories: v.categories.iter().map(|c| c.code().to_string()).collect(),
                dtks_registered: false,
                dtks_ref: None,
                notes: None,
            }
        })
        .collect();
    for p in &twice {
        others.push(
            p.validate(areas, region, now)
                .map_err(|e| format!("demo person: {e}"))?,
        );
    }
    store
        .person_create_many(&actor, &others, "demo")
        .await
        .map_err(|e| e.to_string())?;
    demo_aid(store, &actor).await?;
    Ok(made)
}

/// Visits over the last months that lead to `target` (running, needs mentoring,
/// inactive); a few groups stay never visited.
async fn demo_visits(
    store: &Store,
    r: &mut Rng,
    kube_id: i64,
    members: i64,
    target: domain::kube::Status,
    formed_on: chrono::NaiveDate,
) -> Result<(), String> {
    use domain::kube::Status;
    use domain::visit::VisitInput;
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    if target == Status::PerluPendampingan && r.range(1, 10) == 1 {
        return Ok(()); // never visited: "belum dinilai"
    }
    let actor = Actor {
        user_id: None,
        username: "(demo)".into(),
    };
    let n = r.range(2, 6);
    let mut revenue = r.range(15, 60) * 100_000;
    let mut savings = r.range(1, 5) * 100_000;
    let mut assets = r.range(20, 80) * 500_000;
    for i in 0..n {
        let days_ago = (n - 1 - i) * 30 + r.range(3, 20);
        let last = i == n - 1;
        let visited_on = today - chrono::Duration::days(days_ago);
        revenue = (revenue + r.range(-3, 5) * 100_000).max(200_000);
        savings += r.range(0, 3) * 50_000;
        assets += r.range(0, 4) * 250_000;
        let mut v = VisitInput {
            visited_on: visited_on.format("%Y-%m-%d").to_string(),
            operating: true,
            meetings_held: r.range(1, 4),
            members_present: (members * r.range(60, 100) / 100).max(1),
            books_up_to_date: true,
            revenue: domain::money::Rupiah::new(revenue),
            expenses: domain::money::Rupiah::new(revenue * r.range(50, 85) / 100),
            savings_balance: domain::money::Rupiah::new(savings),
            asset_count: r.range(5, 30),
            asset_value: domain::money::Rupiah::new(assets),
            ..Default::default()
        };
        if last {
            match target {
                Status::TidakAktif => {
                    v.operating = false;
                    v.meetings_held = 0;
                    v.members_present = 0;
                    v.problems = Some("Usaha berhenti; anggota bekerja di tempat lain".into());
                }
                Status::PerluPendampingan => match r.range(1, 3) {
                    1 => {
                        v.books_up_to_date = false;
                        v.problems = Some("Buku kas tidak diisi sejak dua bulan".into());
                    }
                    2 => {
                        v.meetings_held = 0;
                        v.problems = Some("Pertemuan rutin tidak berjalan".into());
                    }
                    _ => {
                        v.expenses = domain::money::Rupiah::new(revenue + r.range(1, 5) * 100_000);
                        v.problems = Some("Harga pakan naik; penjualan turun".into());
                    }
                },
                _ => {}
            }
        }
        let valid = v
            .validate(today, formed_on, members)
            .map_err(|e| format!("demo visit: {e}"))?;
        store
            .visit_create(
                &actor,
                kube_id,
                &valid,
                &domain::health::Thresholds::default(),
                today,
            )
            .await
            .map_err(|e| format!("demo visit: {e}"))?;
    }
    Ok(())
}

/// Technical guidance for most groups of each business type, and the article's
/// May 2012 guidance for 20 WRSE women in Rejasari: 15 from Rejasari, 5 from Waringinsari.
async fn demo_trainings(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
    maker: &mut PersonMaker,
) -> Result<(), String> {
    use store::trainings::NewTraining;
    let actor = Actor {
        user_id: None,
        username: "(demo)".into(),
    };
    let village = |name: &str| {
        areas
            .children(region.as_str())
            .iter()
            .flat_map(|d| areas.children(&d.code))
            .find(|v| v.name == name)
            .map(|v| v.code.clone())
    };
    if let (Some(rejasari), Some(waringinsari)) = (village("Rejasari"), village("Waringinsari")) {
        let now = chrono::Utc::now().date_naive();
        let mut women = Vec::new();
        for i in 0..20 {
            let v = if i < 15 { &rejasari } else { &waringinsari };
            let on = chrono::NaiveDate::from_ymd_opt(2012, 5, 14).unwrap_or(now);
            women.push(
                maker
                    .make(areas, v, true, 20, 50, on, &["wrse", "fakir_miskin"])
                    .validate(areas, region, now)
                    .map_err(|e| e.to_string())?,
            );
        }
        let ids = store
            .person_create_many(&actor, &women, "demo")
            .await
            .map_err(|e| e.to_string())?;
        let t = store
            .training_create(
                &actor,
                &NewTraining {
                    title: "Bimbingan sosial dan teknis WRSE: pengolahan makanan".into(),
                    kind: "bimbingan_teknis".into(),
                    topic: Some("Pengolahan pangan lokal".into()),
                    business_type: Some("makanan_olahan".into()),
                    starts_on: "2012-05-14".into(),
                    ends_on: "2012-05-16".into(),
                    district_code: rejasari[..8].into(),
                    village_code: rejasari.clone(),
                    organiser: Some("Dinas Sosial dan Tenaga Kerja Kota Banjar".into()),
                    trainers: None,
                    agencies: vec!["Dinas Koperasi, UKM dan Perindag".into()],
                },
            )
            .await
            .map_err(|e| e.to_string())?;
        for id in ids {
            store
                .training_participant(&actor, t.training.id, id, true)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    // One technical guidance per business type and kecamatan, attended by most members.
    let kube = store
        .kube_list(
            &Default::default(),
            None,
            store::Paging::new(Some(500), None),
        )
        .await
        .map_err(|e| e.to_string())?
        .items;
    let mut done: Vec<(String, String)> = Vec::new();
    for k in &kube {
        let key = (k.business_type.clone(), k.district_code.clone());
        if done.contains(&key) || k.stage == "bubar" {
            continue;
        }
        done.push(key.clone());
        let agency = match k.business_type.as_str() {
            "ternak_kambing" | "peternakan" => "Dinas Pertanian dan Peternakan",
            "perikanan" => "Dinas Perikanan",
            _ => "Dinas Koperasi, UKM dan Perindag",
        };
        let t = store
            .training_create(
                &actor,
                &NewTraining {
                    title: format!(
                        "Bimbingan teknis {} {}",
                        k.business_type.replace('_', " "),
                        areas.name(&k.district_code)
                    ),
                    kind: "bimbingan_teknis".into(),
                    topic: None,
                    business_type: Some(k.business_type.clone()),
                    starts_on: format!("{}-03-10", k.formed_year),
                    ends_on: format!("{}-03-11", k.formed_year),
                    district_code: k.district_code.clone(),
                    village_code: k.village_code.clone(),
                    organiser: Some("Bidang Sosial".into()),
                    trainers: None,
                    agencies: vec![agency.into()],
                },
            )
            .await
            .map_err(|e| e.to_string())?;
        for g in kube.iter().filter(|g| {
            (g.business_type.clone(), g.district_code.clone()) == key && g.stage != "bubar"
        }) {
            // Four groups in five completed their guidance.
            let complete = maker.rng.range(1, 5) != 1;
            let d = store.kube_detail(g.id).await.map_err(|e| e.to_string())?;
            for (i, m) in d.members.iter().enumerate() {
                let attended = complete || i > 2 && maker.rng.range(0, 1) == 1;
                store
                    .training_participant(&actor, t.training.id, m.person_id, attended)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// The goods catalogue, package templates and this year's programmes.
async fn demo_aid(store: &Store, actor: &Actor) -> Result<(), String> {
    use domain::money::Rupiah;
    use store::aid::NewProgramme;
    let err = |e: store::StoreError| e.to_string();
    let mut ids = std::collections::HashMap::new();
    for (name, unit, price, cat) in [
        ("Kambing betina", "ekor", 2_500_000, "ternak"),
        ("Kambing jantan", "ekor", 3_000_000, "ternak"),
        ("Bahan kandang", "paket", 5_000_000, "ternak"),
        ("Pakan konsentrat", "karung", 250_000, "ternak"),
        ("Peralatan masak", "paket", 3_500_000, "makanan"),
        ("Bahan baku olahan", "paket", 2_000_000, "makanan"),
        ("Etalase kaca", "unit", 2_000_000, "warung"),
        ("Barang dagangan", "paket", 5_000_000, "warung"),
    ] {
        let i = store
            .item_create(actor, name, unit, Rupiah::new(price), Some(cat))
            .await
            .map_err(err)?;
        ids.insert(name, i.id);
    }
    for (name, bt, items) in [
        (
            "Paket ternak kambing",
            "ternak_kambing",
            vec![
                ("Kambing betina", 5),
                ("Kambing jantan", 1),
                ("Bahan kandang", 1),
                ("Pakan konsentrat", 6),
            ],
        ),
        (
            "Paket makanan olahan",
            "makanan_olahan",
            vec![("Peralatan masak", 2), ("Bahan baku olahan", 5)],
        ),
        (
            "Paket warungan",
            "warungan",
            vec![("Etalase kaca", 2), ("Barang dagangan", 3)],
        ),
    ] {
        let items: Vec<(i64, i64)> = items.iter().map(|(n, q)| (ids[n], *q)).collect();
        store
            .package_create(actor, name, Some(bt), &items)
            .await
            .map_err(err)?;
    }
    let year = chrono::Datelike::year(&chrono::Utc::now()) as i64;
    for (name, funding, target, budget, quota, elig) in [
        (
            "Bantuan UEP KUBE",
            "apbd_kota",
            "kube",
            Some(300_000_000),
            None,
            None,
        ),
        (
            "KUBE Kementerian Sosial",
            "apbn",
            "kube",
            Some(200_000_000),
            Some(10),
            None,
        ),
        (
            "Asistensi Sosial Lanjut Usia (ASLUT)",
            "apbd_kota",
            "individual",
            Some(48_000_000),
            Some(20),
            Some("aslut"),
        ),
        (
            "Bantuan usaha WRSE",
            "apbd_provinsi",
            "individual",
            Some(50_000_000),
            Some(25),
            Some("wrse"),
        ),
    ] {
        let eligibility_json = elig
            .and_then(domain::aid::Eligibility::preset)
            .and_then(|e| serde_json::to_string(&e).ok());
        store
            .programme_create(
                actor,
                &NewProgramme {
                    name: format!("{name} {year}"),
                    year,
                    funding_source: funding.into(),
                    target: target.into(),
                    budget,
                    quota,
                    package_value: if target == "kube" {
                        Some(20_000_000)
                    } else {
                        None
                    },
                    eligibility_json,
                },
            )
            .await
            .map_err(err)?;
    }
    Ok(())
}

/// A name as a clerk might mistype it: a doubled letter, two letters swapped, or upper case.
fn misspell(name: &str, i: usize) -> String {
    let chars: Vec<char> = name.chars().collect();
    let at = chars.len() - 2;
    match i % 3 {
        0 => {
            let mut c = chars.clone();
            c.insert(at, chars[at]);
            c.into_iter().collect()
        }
        1 => {
            let mut c = chars;
            c.swap(at, at + 1);
            c.into_iter().collect()
        }
        _ => name.to_uppercase(),
    }
}
