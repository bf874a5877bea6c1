//! The demo's KUBE: registered in the year they were formed, guided by the partner agency
//! of their business, visited by their kecamatan's facilitator (the visits decide their
//! health), and finally given the stage their history puts them in.
use super::people::{misspell, PersonMaker, GROUP_WORDS};
use super::{err, on, ymd, Cast, DemoResult, Rng, Year};
use crate::kube::NewMember;
use crate::store::Store;
use crate::trainings::NewTraining;
use chrono::NaiveDate;
use domain::area::RegencyCode;
use domain::health::Level;
use domain::health::{Health, Thresholds};
use domain::kube::{KubeInput, MemberRole, Stage, Status, ValidKube};
use domain::money::Rupiah;
use domain::person::ValidPerson;
use domain::trainings::TrainingKind;
use domain::visit::VisitInput;
use domain::Areas;

/// A demo KUBE and what its story needs to know of it.
pub(crate) struct Group {
    pub id: i64,
    pub kube: ValidKube,
    pub district: String,
    pub village_name: String,
    /// Active members (id, name), ketua first.
    pub members: Vec<(i64, String)>,
    /// Where its visits lead; `Bubar` is dissolved some years after forming.
    pub target: Status,
    /// Its officers and most members attended technical guidance of its business.
    pub guided: bool,
    /// Received goods (set by the aid story).
    pub aided: bool,
    pub health: Option<Health>,
    /// From its latest stage checklist (set by the checklist story).
    pub level: Option<Level>,
}

/// Partner agencies by business type: the offices that know the business.
pub(crate) fn agencies(business_type: &str) -> Vec<String> {
    let v: &[&str] = match business_type {
        "ternak_kambing" | "peternakan" => {
            &["Dinas Pertanian dan Ketahanan Pangan Kota Banjar (Bidang Peternakan)"]
        }
        "perikanan" => &["Dinas Pertanian dan Ketahanan Pangan Kota Banjar (Bidang Perikanan)"],
        "pertanian" => {
            &["Dinas Pertanian dan Ketahanan Pangan Kota Banjar (Bidang Tanaman Pangan)"]
        }
        "makanan_olahan" => &[
            "Dinas Koperasi, UKM, Perindustrian dan Perdagangan Kota Banjar",
            "Dinas Kesehatan Kota Banjar (PIRT)",
        ],
        _ => &["Dinas Koperasi, UKM, Perindustrian dan Perdagangan Kota Banjar"],
    };
    v.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn business_label(code: &str) -> &'static str {
    domain::kube::SEED_BUSINESS_TYPES
        .iter()
        .find(|b| b.0 == code)
        .map(|b| b.1)
        .unwrap_or("usaha bersama")
}

/// The 150 KUBE of 2004–2012 with their members and visits.
pub(crate) async fn register(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
    cast: &Cast,
    maker: &mut PersonMaker,
    year: &Year,
) -> DemoResult<Vec<Group>> {
    let districts = areas.children(region.as_str());
    let langensari = districts
        .iter()
        .position(|d| d.name == "Langensari")
        .unwrap_or(0);
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
    let bts: Vec<String> = domain::kube::SEED_BUSINESS_TYPES
        .iter()
        .map(|b| b.0.to_string())
        .collect();
    let mut groups = Vec::new();
    for (di, d) in districts.iter().enumerate() {
        let villages = areas.children(&d.code);
        // Most KUBE are in Langensari (the 2012 report).
        let count = if di == langensari { 66 } else { 28 };
        for g in 0..count {
            let r = &mut maker.rng;
            let village = villages[g % villages.len()].code.clone();
            let formed_year = 2004 + (g as i32 * 9 / count as i32);
            // Formed between February and July: the year's guidance and aid follow.
            let formed_on =
                NaiveDate::from_ymd_opt(formed_year, r.range(2, 7) as u32, r.range(1, 28) as u32)
                    .unwrap_or(year.today);
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
                let female = maker.rng.range(1, 10) <= if women_group { 9 } else { 3 };
                let cats: &[&str] = if female && m % 3 == 0 {
                    &["fakir_miskin", "wrse"]
                } else {
                    &["fakir_miskin"]
                };
                inputs.push(maker.make(&mv, female, (22, 55), formed_on, cats));
            }
            let valid: Vec<ValidPerson> = inputs
                .iter()
                .map(|p| p.validate(areas, region, year.today))
                .collect::<Result<_, _>>()
                .map_err(|e| format!("demo person: {e}"))?;
            let registrar = on(&cast.operator, formed_on, 9);
            let ids = store
                .person_create_many(&registrar, &valid, "demo")
                .await
                .map_err(err)?;
            let members: Vec<NewMember> = ids
                .iter()
                .enumerate()
                .map(|(i, &person_id)| NewMember {
                    person_id,
                    role: MemberRole::OFFICERS
                        .get(i)
                        .copied()
                        .unwrap_or(MemberRole::Anggota),
                })
                .collect();
            let input = KubeInput {
                name,
                business_type: bt.into(),
                village_code: village.clone(),
                address: Some(format!(
                    "RT {:03} RW {:03}",
                    maker.rng.range(1, 9),
                    maker.rng.range(1, 6)
                )),
                formed_on: ymd(formed_on),
                funding_source: fund.into(),
                programme_year: None,
                notes: None,
            };
            let kube = input
                .validate(areas, region, &bts, year.today)
                .map_err(|e| format!("demo kube: {e}"))?;
            let detail = store
                .kube_create(
                    &registrar,
                    region,
                    &kube,
                    &members,
                    cast.pendamping_id(&d.code),
                    &[],
                )
                .await
                .map_err(|e| format!("demo kube {}: {e}", kube.name))?;
            // The 2012 report: about 40% still run; in Langensari nearly all develop well.
            let roll = maker.rng.range(1, 100);
            let target = match (di == langensari, roll) {
                (true, 1..=62) | (false, 1..=22) => Status::Berjalan,
                (true, 63..=85) | (false, 23..=70) => Status::PerluPendampingan,
                (true, 86..=95) | (false, 71..=90) => Status::TidakAktif,
                _ => Status::Bubar,
            };
            // The newest groups: one in three has not finished its technical guidance.
            let guided =
                formed_year < 2012 || target == Status::Bubar || maker.rng.range(1, 3) != 1;
            let names = valid.iter().map(|p| p.name.clone());
            let mut group = Group {
                id: detail.kube.id,
                kube,
                district: d.code.clone(),
                village_name: areas.name(&village).to_string(),
                members: ids.iter().copied().zip(names).collect(),
                target,
                guided,
                aided: false,
                health: None,
                level: None,
            };
            if target != Status::Bubar {
                group.health = visits(store, cast, &mut maker.rng, &group, year).await?;
            }
            groups.push(group);
        }
    }
    Ok(groups)
}

/// Monthly visits over the last months that lead to the group's target; a few groups
/// needing mentoring were never visited. Returns the health after the last visit.
async fn visits(
    store: &Store,
    cast: &Cast,
    r: &mut Rng,
    g: &Group,
    year: &Year,
) -> DemoResult<Option<Health>> {
    if g.target == Status::PerluPendampingan && r.range(1, 10) == 1 {
        return Ok(None); // never visited: "belum dinilai"
    }
    let size = g.members.len() as i64;
    // Groups still in guidance have been visited only lately.
    let n = if g.guided {
        r.range(5, 10)
    } else {
        r.range(2, 3)
    };
    let mut revenue = r.range(15, 60) * 100_000;
    let mut savings = r.range(1, 5) * 100_000;
    let mut assets = r.range(20, 80) * 500_000;
    let mut health = None;
    for i in 0..n {
        let days_ago = (n - 1 - i) * 30 + r.range(3, 20);
        let visited_on = year.today - chrono::Duration::days(days_ago);
        revenue = (revenue + r.range(-3, 5) * 100_000).max(200_000);
        savings += r.range(0, 3) * 50_000;
        assets += r.range(0, 4) * 250_000;
        let mut v = VisitInput {
            visited_on: ymd(visited_on),
            operating: true,
            meetings_held: r.range(1, 4),
            members_present: (size * r.range(60, 100) / 100).max(1),
            books_up_to_date: true,
            revenue: Rupiah::new(revenue),
            expenses: Rupiah::new(revenue * r.range(50, 85) / 100),
            savings_balance: Rupiah::new(savings),
            asset_count: r.range(5, 30),
            asset_value: Rupiah::new(assets),
            ..Default::default()
        };
        if i == n - 1 {
            match g.target {
                Status::TidakAktif => {
                    v.operating = false;
                    v.meetings_held = 0;
                    v.members_present = 0;
                    // A stopped business takes nothing in.
                    v.revenue = Rupiah::new(0);
                    v.expenses = Rupiah::new(0);
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
                        v.expenses = Rupiah::new(revenue + r.range(1, 5) * 100_000);
                        v.problems = Some("Harga pakan naik; penjualan turun".into());
                    }
                },
                _ => {}
            }
            if v.problems.is_some() {
                v.actions =
                    Some("Pendampingan pembukuan dan pertemuan kelompok bulan depan".into());
            }
        }
        let valid = v
            .validate(year.today, g.kube.formed_on, size)
            .map_err(|e| format!("demo visit: {e}"))?;
        let visitor = on(cast.field(&g.district), visited_on, 10);
        let (_, h) = store
            .visit_create(
                &visitor,
                g.id,
                &valid,
                &Thresholds::default(),
                year.today,
                None,
            )
            .await
            .map_err(|e| format!("demo visit: {e}"))?;
        health = Some(h);
    }
    Ok(health)
}

/// Technical guidance of each business type in each year groups were formed, with its
/// partner agencies, three days, attendance per day; and the article's May 2012 guidance
/// for 20 WRSE women in Rejasari: 15 from Rejasari, 5 from Waringinsari.
pub(crate) async fn history_guidance(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
    cast: &Cast,
    maker: &mut PersonMaker,
    groups: &[Group],
) -> DemoResult<()> {
    wrse_2012(store, areas, region, cast, maker, groups).await?;
    let mut keys: Vec<(i32, String)> = groups
        .iter()
        .map(|g| {
            (
                chrono::Datelike::year(&g.kube.formed_on),
                g.kube.business_type.clone(),
            )
        })
        .collect();
    keys.sort();
    keys.dedup();
    for (y, bt) in keys {
        let these: Vec<&Group> = groups
            .iter()
            .filter(|g| {
                chrono::Datelike::year(&g.kube.formed_on) == y && g.kube.business_type == bt
            })
            .collect();
        let starts = NaiveDate::from_ymd_opt(y, 10, 6).unwrap_or_default();
        let title = format!(
            "Bimbingan teknis {} {y}",
            business_label(&bt).to_lowercase()
        );
        guidance(
            store,
            cast,
            &mut maker.rng,
            &title,
            &bt,
            starts,
            starts + chrono::Duration::days(3),
            &these,
        )
        .await?;
    }
    Ok(())
}

/// A three-day technical guidance for `groups`: guided groups attend (officers every day,
/// nearly all members), the others send half their members and not their ketua. It is
/// over, and its attendance recorded, by `today` (early in a year it starts late in the
/// last one).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn guidance(
    store: &Store,
    cast: &Cast,
    r: &mut Rng,
    title: &str,
    business_type: &str,
    starts: NaiveDate,
    today: NaiveDate,
    groups: &[&Group],
) -> DemoResult<()> {
    let Some(first) = groups.first() else {
        return Ok(());
    };
    let starts = starts.min(today - chrono::Duration::days(3));
    let days: Vec<String> = (0..3)
        .map(|i| ymd(starts + chrono::Duration::days(i)))
        .collect();
    let organiser = on(&cast.operator, starts - chrono::Duration::days(21), 9);
    let t = store
        .training_create(
            &organiser,
            &NewTraining {
                title: title.into(),
                kind: TrainingKind::BimbinganTeknis,
                topic: Some(format!(
                    "Teknis usaha {}",
                    business_label(business_type).to_lowercase()
                )),
                business_type: Some(business_type.into()),
                starts_on: starts.into(),
                ends_on: (starts + chrono::Duration::days(2)).into(),
                district_code: first.district.clone(),
                village_code: first.kube.village_code.as_str().into(),
                organiser: Some("Bidang Sosial, Dinas Sosial dan Tenaga Kerja Kota Banjar".into()),
                trainers: Some("Penyuluh instansi mitra; pendamping KUBE".into()),
                agencies: agencies(business_type),
            },
        )
        .await
        .map_err(err)?;
    let mut people = Vec::new();
    for g in groups {
        for (i, (person, _)) in g.members.iter().enumerate() {
            let present: Vec<String> = days
                .iter()
                .filter(|_| match (g.guided, i) {
                    (true, 0..=2) => true,
                    (true, _) => r.range(1, 20) != 1,
                    (false, 0) => false,
                    (false, _) => r.range(1, 2) == 1,
                })
                .cloned()
                .collect();
            // A guided group's member missing all three days is rare: they come on day one.
            let present = if g.guided && present.is_empty() && r.range(1, 10) != 1 {
                vec![days[0].clone()]
            } else {
                present
            };
            people.push((*person, present));
        }
    }
    let recorder = on(&cast.operator, starts + chrono::Duration::days(3), 14);
    store
        .training_participants_many(&recorder, t.training.id, &people)
        .await
        .map_err(err)
}

async fn wrse_2012(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
    cast: &Cast,
    maker: &mut PersonMaker,
    groups: &[Group],
) -> DemoResult<()> {
    let village = |name: &str| {
        groups
            .iter()
            .map(|g| g.kube.village_code.as_str())
            .find(|v| areas.name(v) == name)
            .map(str::to_string)
    };
    let (Some(rejasari), Some(waringinsari)) = (village("Rejasari"), village("Waringinsari"))
    else {
        return Ok(());
    };
    let may = NaiveDate::from_ymd_opt(2012, 5, 14).unwrap_or_default();
    let mut women = Vec::new();
    for i in 0..20 {
        let v = if i < 15 { &rejasari } else { &waringinsari };
        let p = maker.make(v, true, (20, 45), may, &["wrse", "fakir_miskin"]);
        women.push(
            p.validate(areas, region, store.clock().today())
                .map_err(err)?,
        );
    }
    let registrar = on(&cast.operator, may - chrono::Duration::days(14), 9);
    let ids = store
        .person_create_many(&registrar, &women, "demo")
        .await
        .map_err(err)?;
    let t = store
        .training_create(
            &registrar,
            &NewTraining {
                title: "Bimbingan sosial dan teknis WRSE: pengolahan makanan".into(),
                kind: TrainingKind::BimbinganTeknis,
                topic: Some("Pengolahan pangan lokal".into()),
                business_type: Some("makanan_olahan".into()),
                starts_on: may.into(),
                ends_on: (may + chrono::Duration::days(2)).into(),
                district_code: rejasari[..8].into(),
                village_code: rejasari.clone(),
                organiser: Some("Dinas Sosial dan Tenaga Kerja Kota Banjar".into()),
                trainers: None,
                agencies: vec![
                    "Dinas Koperasi, UKM, Perindustrian dan Perdagangan Kota Banjar".into(),
                ],
            },
        )
        .await
        .map_err(err)?;
    let days: Vec<String> = ["2012-05-14", "2012-05-15", "2012-05-16"]
        .map(String::from)
        .to_vec();
    let people: Vec<(i64, Vec<String>)> = ids.into_iter().map(|id| (id, days.clone())).collect();
    store
        .training_participants_many(&on(&cast.operator, may, 15), t.training.id, &people)
        .await
        .map_err(err)
}

/// Persons of the individual programmes — WRSE women, neglected elderly, children — and
/// six registered a second time at the counter (a typo in the name, a mistyped NIK serial)
/// so the duplicate review has work. Returns them with their ids.
pub(crate) async fn individual_persons(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
    cast: &Cast,
    maker: &mut PersonMaker,
    year: &Year,
) -> DemoResult<Vec<(i64, ValidPerson)>> {
    let districts = areas.children(region.as_str());
    let now = year.today;
    let mut others = Vec::new();
    for i in 0..240 {
        let d = &districts[i % districts.len()];
        let villages = areas.children(&d.code);
        let v = maker.rng.pick(&villages).code.clone();
        let p = match i % 4 {
            0 | 1 => maker.make(&v, true, (20, 55), now, &["wrse", "fakir_miskin"]),
            2 => {
                let f = maker.rng.range(0, 1) == 1;
                maker.make(&v, f, (61, 85), now, &["lansia"])
            }
            _ => {
                let f = maker.rng.range(0, 1) == 1;
                maker.make(&v, f, (7, 17), now, &["anak"])
            }
        };
        others.push(
            p.validate(areas, region, now)
                .map_err(|e| format!("demo person: {e}"))?,
        );
    }
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
                categories: v.categories.iter().map(|c| c.code().to_string()).collect(),
                ..Default::default()
            }
        })
        .collect();
    for p in &twice {
        others.push(
            p.validate(areas, region, now)
                .map_err(|e| format!("demo person: {e}"))?,
        );
    }
    let registrar = on(&cast.operator, year.at(0.0), 9);
    let ids = store
        .person_create_many(&registrar, &others, "demo")
        .await
        .map_err(err)?;
    Ok(ids.into_iter().zip(others).collect())
}

/// Each group's stage follows its history: dissolved groups some years after forming,
/// groups still in guidance, independent groups (rated maju), the rest in mentoring.
pub(crate) async fn settle_stages(
    store: &Store,
    cast: &Cast,
    year: &Year,
    groups: &[Group],
) -> DemoResult<()> {
    for g in groups {
        let (stage, when) = if g.target == Status::Bubar {
            let y = chrono::Datelike::year(&g.kube.formed_on) + 3;
            (
                Stage::Bubar,
                NaiveDate::from_ymd_opt(y.min(year.year), 11, 20).unwrap_or(year.today),
            )
        } else if !g.guided {
            (Stage::Bimbingan, year.at(0.2))
        } else if g.level == Some(Level::Maju) {
            (Stage::Mandiri, year.at(0.99))
        } else if g.aided {
            (Stage::Pendampingan, year.at(0.99))
        } else {
            (Stage::Bantuan, year.at(0.99))
        };
        let change = crate::kube::KubeChange {
            kube: g.kube.clone(),
            stage,
            pendamping_id: cast.pendamping_id(&g.district),
        };
        store
            .kube_update(&on(&cast.operator, when, 15), g.id, &change)
            .await
            .map_err(err)?;
    }
    Ok(())
}

/// The facilitators' stage checklists: each visited group assessed on its last visit's
/// day, and those visited over more than one quarter on their first visit's day too. The
/// records answer what they can; what a facilitator sees (the name board, welfare and
/// solidarity funds, help outside the group, partners) follows how well the group runs.
pub(crate) async fn checklists(
    store: &Store,
    cast: &Cast,
    r: &mut Rng,
    groups: &mut [Group],
) -> DemoResult<()> {
    use crate::store::checklist::{NewAnswer, NewChecklist};
    use domain::checklist::{builtin, judge, quarter, AnswerIn, Label};
    let criteria = builtin();
    for g in groups.iter_mut() {
        if g.target == Status::Bubar {
            continue;
        }
        let visits = store.visit_list(g.id).await.map_err(err)?;
        let (Some(first), Some(last)) = (visits.last(), visits.first()) else {
            continue;
        };
        let mut days = vec![*last.visited_on];
        if quarter(*first.visited_on) != quarter(*last.visited_on) {
            days.insert(0, *first.visited_on);
        }
        // How far what the facilitator sees goes: running groups save for welfare and
        // IKS; some of them help others and have partners.
        let strong = g.target == Status::Berjalan && r.range(1, 3) != 1;
        let saving =
            matches!(g.target, Status::Berjalan | Status::PerluPendampingan) && r.range(1, 4) != 1;
        for (i, day) in days.iter().enumerate() {
            let latest = i + 1 == days.len();
            let facts = store.checklist_facts(g.id, *day).await.map_err(err)?;
            let answers: Vec<AnswerIn> = criteria
                .iter()
                .map(|c| {
                    let (holds, note) = match (c.auto, c.code.as_str()) {
                        (Some(a), _) => (a.judge(&facts).0, ""),
                        (None, "name_board") => (true, "Papan nama terpasang di depan rumah ketua"),
                        (None, "welfare") => {
                            (saving, "Sebagian keuntungan dibagi untuk kebutuhan anggota")
                        }
                        (None, "iks") => (saving, "IKS dihimpun tiap pertemuan, dicatat bendahara"),
                        (None, "iks_outside") => (strong && latest, "IKS membantu tetangga lansia"),
                        (None, _) => (
                            strong && latest,
                            "Menjual rutin ke pengepul; rekening di bank",
                        ),
                    };
                    AnswerIn {
                        criterion: c.code.clone(),
                        holds,
                        // A facilitator writes what they saw only of what holds.
                        note: (holds && !note.is_empty()).then(|| note.to_string()),
                        photo: false,
                    }
                })
                .collect();
            let (answers, level) =
                judge(&criteria, &facts, &answers).map_err(|e| format!("demo checklist: {e}"))?;
            let new = NewChecklist {
                assessed_on: *day,
                quarter: quarter(*day),
                level,
                answers: answers
                    .into_iter()
                    .map(|a| NewAnswer {
                        criterion: a.criterion.code.clone(),
                        stage: a.criterion.stage,
                        label: match a.criterion.label {
                            Label::Builtin(k) => k.to_string(),
                            Label::Region(s) => s,
                        },
                        holds: a.holds,
                        note: a.note,
                        photo: None,
                        figures: a.figures,
                    })
                    .collect(),
            };
            store
                .checklist_create(&on(cast.field(&g.district), *day, 14), g.id, &new)
                .await
                .map_err(|e| format!("demo checklist: {e}"))?;
            g.level = level;
        }
    }
    Ok(())
}
