//! The demo's aid: the goods catalogue and packages, the aid each KUBE received in the
//! year it was formed, this year's programmes with proposals in every state (an approval
//! refused by the budget, one by the quota), and the individual programmes with their
//! beneficiaries and payments.
use super::groups::{business_label, guidance, Group};
use super::people::PersonMaker;
use super::{err, on, Cast, DemoResult, Year};
use crate::programmes::NewProgramme;
use crate::store::{Actor, Store};
use chrono::{Datelike, NaiveDate};
use domain::aid::{
    decide, Action, BenefitKind, Eligibility, Facts, Refusal, StepInput, Target, Who,
};
use domain::kube::{FundingSource, Status};
use domain::money::Rupiah;
use domain::person::{age_on, ValidPerson};
use domain::trainings::technical_guidance;
use domain::Role;

mod individual;
pub(crate) use individual::*;

/// Items by package: (item id, quantity, unit price).
type Package = Vec<(i64, i64, i64)>;

/// A package as the demo writes it: name, business types, items (name, unit, price,
/// category, quantity).
type PackageSpec = (
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, &'static str, i64, &'static str, i64)],
);

pub(crate) struct Catalogue {
    /// (business types, package).
    packages: Vec<(&'static [&'static str], Package)>,
}

impl Catalogue {
    fn package(&self, business_type: &str) -> &Package {
        self.packages
            .iter()
            .find(|(types, _)| types.contains(&business_type))
            .or(self.packages.last())
            .map(|p| &p.1)
            .expect("the demo has packages")
    }
    fn total(&self, business_type: &str) -> i64 {
        self.package(business_type)
            .iter()
            .map(|(_, q, p)| q * p)
            .sum()
    }
}

/// The goods catalogue and one package per kind of business.
pub(crate) async fn catalogue(store: &Store, cast: &Cast) -> DemoResult<Catalogue> {
    let actor = on(
        &cast.operator,
        NaiveDate::from_ymd_opt(2004, 1, 12).unwrap_or_default(),
        9,
    );
    #[rustfmt::skip]
    let packages: [PackageSpec; 6] = [
        ("Paket ternak kambing", &["ternak_kambing", "peternakan"], &[
            ("Kambing betina", "ekor", 2_500_000, "ternak", 5), ("Kambing jantan", "ekor", 3_000_000, "ternak", 1),
            ("Bahan kandang", "paket", 5_000_000, "ternak", 1), ("Pakan konsentrat", "karung", 250_000, "ternak", 6)]),
        ("Paket makanan olahan", &["makanan_olahan"], &[
            ("Peralatan masak", "paket", 3_500_000, "makanan", 2), ("Bahan baku olahan", "paket", 2_000_000, "makanan", 5)]),
        ("Paket warungan", &["warungan", "perdagangan"], &[
            ("Etalase kaca", "unit", 2_000_000, "warung", 2), ("Barang dagangan", "paket", 5_000_000, "warung", 3)]),
        ("Paket perikanan", &["perikanan"], &[
            ("Kolam terpal", "unit", 1_500_000, "ikan", 4), ("Benih ikan lele", "ribu ekor", 150_000, "ikan", 20),
            ("Pakan ikan", "karung", 300_000, "ikan", 30)]),
        ("Paket pertanian", &["pertanian"], &[
            ("Bibit dan pupuk", "paket", 1_000_000, "tani", 5), ("Alat pertanian", "paket", 2_500_000, "tani", 4)]),
        ("Paket industri rumahan", &["industri_rumahan", "jasa_pariwisata"], &[
            ("Mesin jahit", "unit", 2_500_000, "rumahan", 4), ("Bahan produksi", "paket", 1_500_000, "rumahan", 5)]),
    ];
    let mut out = Vec::new();
    for (name, types, items) in packages {
        let mut package = Vec::new();
        for (item, unit, price, category, qty) in items {
            let i = store
                .item_create(&actor, item, unit, Rupiah::new(*price), Some(category))
                .await
                .map_err(err)?;
            package.push((i.id, *qty, *price));
        }
        let ids: Vec<(i64, i64)> = package.iter().map(|(i, q, _)| (*i, *q)).collect();
        store
            .package_create(&actor, name, Some(types[0]), &ids)
            .await
            .map_err(err)?;
        out.push((types, package));
    }
    Ok(Catalogue { packages: out })
}

fn programme_name(f: FundingSource) -> &'static str {
    match f {
        FundingSource::ApbdKota => "Bantuan UEP KUBE APBD Kota",
        FundingSource::ApbdProvinsi => "KUBE Provinsi Jawa Barat",
        FundingSource::Apbn => "KUBE Kementerian Sosial",
        FundingSource::Lainnya => "KUBE Mitra CSR",
    }
}

fn justification(business_type: &str) -> &'static str {
    match business_type {
        "ternak_kambing" | "peternakan" => {
            "Penambahan indukan kambing dan perbaikan kandang agar kelompok dapat menjual anakan setiap enam bulan."
        }
        "makanan_olahan" => "Peralatan produksi dan bahan baku untuk menambah kapasitas olahan keripik dan rengginang.",
        "warungan" | "perdagangan" => "Etalase dan barang dagangan kebutuhan pokok untuk warung kelompok.",
        "perikanan" => "Kolam terpal, benih dan pakan lele untuk budidaya kelompok.",
        "pertanian" => "Bibit, pupuk dan alat pertanian untuk lahan garapan kelompok.",
        _ => "Mesin jahit dan bahan produksi untuk usaha konveksi rumahan kelompok.",
    }
}

#[allow(clippy::too_many_arguments)] // a programme's fields, as the demo lists them
async fn programme(
    store: &Store,
    actor: &Actor,
    name: String,
    year: i32,
    funding: FundingSource,
    budget: i64,
    quota: Option<i64>,
    eligibility: Option<&str>,
) -> DemoResult<i64> {
    let individual = eligibility.is_some();
    let p = NewProgramme {
        name,
        year: year as i64,
        funding_source: funding,
        target: if individual {
            Target::Individual
        } else {
            Target::Kube
        },
        budget: Some(budget),
        quota,
        package_value: (!individual).then_some(20_000_000),
        eligibility_json: eligibility
            .and_then(Eligibility::preset)
            .and_then(|e| serde_json::to_string(&e).ok()),
    };
    Ok(store.programme_create(actor, &p).await.map_err(err)?.id)
}

/// A proposal of `g` created on `created` and taken through `steps`, each on its day; an
/// approval in `steps` may be refused (budget or quota), which the audit log keeps.
#[allow(clippy::too_many_arguments)] // the proposal, its group and its steps
async fn propose(
    store: &Store,
    cast: &Cast,
    cat: &Catalogue,
    g: &mut Group,
    programme_id: i64,
    note: &str,
    created: NaiveDate,
    steps: &[(Action, NaiveDate)],
) -> DemoResult<()> {
    let package = cat.package(&g.kube.business_type);
    let items: Vec<(i64, i64)> = package.iter().map(|(i, q, _)| (*i, *q)).collect();
    let field = cast.field(&g.district);
    let field_role = if field.user_id == cast.operator.user_id {
        Role::Operator
    } else {
        Role::Pendamping
    };
    let p = store
        .proposal_create(&on(field, created, 9), g.id, programme_id, &items, note)
        .await
        .map_err(err)?;
    let id = p.proposal.id;
    for (k, &(action, day)) in steps.iter().enumerate() {
        let (actor, role) = match action {
            Action::Submit => (field, field_role),
            // Separation of duties: where the office itself proposed, the admin verifies.
            Action::Verify if field_role == Role::Operator => (&cast.admin, Role::Admin),
            Action::Verify | Action::Deliver => (&cast.operator, Role::Operator),
            Action::Approve | Action::Reject | Action::Close => (&cast.kabid, Role::KepalaBidang),
        };
        let mut input = StepInput::default();
        if action == Action::Deliver {
            // Goods only after technical guidance, as the office's rule says.
            let members = store.kube_guidance(g.id).await.map_err(err)?;
            if !technical_guidance(&members, 80).completed {
                return Err(format!(
                    "demo: delivery to {} before its guidance",
                    g.kube.name
                ));
            }
            // Now and then a supplier hands over one unit less than approved.
            let short = g.id % 7 == 0;
            let items = items
                .iter()
                .enumerate()
                .map(|(i, &(item, q))| {
                    (
                        item,
                        if short && i == items.len() - 1 && q > 1 {
                            q - 1
                        } else {
                            q
                        },
                    )
                })
                .collect();
            let ketua = g.members.first().map(|m| m.1.as_str()).unwrap_or("");
            input = StepInput {
                delivered_on: Some(day.to_string()),
                receiver: Some(format!("{ketua} (Ketua {})", g.kube.name)),
                place: Some(format!("Balai Desa {}", g.village_name)),
                items: Some(items),
                note: None,
            };
            g.aided = true;
        }
        if action == Action::Reject {
            input.note = Some("Usaha kelompok berhenti menurut kunjungan monitoring terakhir; kelompok diminta aktif kembali lalu mengajukan ulang.".into());
        }
        let hour = 9 + k as u32;
        let who = Who {
            user_id: actor.user_id,
            role,
        };
        let decided = store
            .proposal_step(
                &on(actor, day, hour),
                id,
                action == Action::Approve,
                |p, money| {
                    let facts = Facts {
                        today: day,
                        allow_same_person: false,
                        guidance: Ok(()),
                        money,
                    };
                    decide(p, action, who, &input, &facts)
                },
            )
            .await
            .map_err(err)?;
        match decided {
            Ok(_) => {}
            // The refusal is the point of this step; nothing changed.
            Err(Refusal::OverBudget(..)) if action == Action::Approve && k + 1 == steps.len() => {}
            Err(r) => return Err(format!("demo proposal {id} {}: {r:?}", action.code())),
        }
    }
    Ok(())
}

/// The aid each guided KUBE received in the year it was formed: a programme per year and
/// funding source whose budget and quota it used up; delivered after the year's guidance
/// in October, closed in December.
pub(crate) async fn history(
    store: &Store,
    cast: &Cast,
    cat: &Catalogue,
    groups: &mut [Group],
) -> DemoResult<()> {
    let mut keys: Vec<(i32, FundingSource)> = groups
        .iter()
        .filter(|g| g.guided)
        .map(|g| (g.kube.formed_on.year(), g.kube.funding_source))
        .collect();
    keys.sort_by_key(|(y, f)| (*y, f.code()));
    keys.dedup();
    for (y, f) in keys {
        let idx: Vec<usize> = (0..groups.len())
            .filter(|&i| {
                let g = &groups[i];
                g.guided && g.kube.formed_on.year() == y && g.kube.funding_source == f
            })
            .collect();
        let budget: i64 = idx
            .iter()
            .map(|&i| cat.total(&groups[i].kube.business_type))
            .sum();
        let quota = matches!(f, FundingSource::ApbdProvinsi | FundingSource::Apbn)
            .then_some(idx.len() as i64);
        let planner = on(&cast.operator, date(y, 1, 15), 9);
        let pid = programme(
            store,
            &planner,
            format!("{} {y}", programme_name(f)),
            y,
            f,
            budget,
            quota,
            None,
        )
        .await?;
        for (k, &i) in idx.iter().enumerate() {
            let g = &mut groups[i];
            let f0 = g.kube.formed_on;
            let days = |n: i64| f0 + chrono::Duration::days(n);
            let steps = [
                (Action::Submit, days(21)),
                (Action::Verify, days(35)),
                (Action::Approve, days(49)),
                (
                    Action::Deliver,
                    date(y, 10, 20) + chrono::Duration::days(k as i64 % 20),
                ),
                (
                    Action::Close,
                    date(y, 12, 10) + chrono::Duration::days(k as i64 % 10),
                ),
            ];
            let note = format!(
                "Bantuan stimulan usaha ekonomi produktif kelompok baru tahun {y}. {}",
                justification(&g.kube.business_type)
            );
            propose(store, cast, cat, g, pid, &note, days(14), &steps).await?;
        }
    }
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Where a proposal of this year ends.
#[derive(Clone, Copy, PartialEq)]
enum End {
    Closed,
    Delivered,
    Approved,
    Verified,
    Submitted,
    Draft,
    Rejected,
    /// Verified, then the approval is refused (budget or quota).
    Refused,
}

/// The steps to `end`, on days at shares of the year so far; `k` spreads proposals.
fn plan(year: &Year, end: End, k: usize) -> (NaiveDate, Vec<(Action, NaiveDate)>) {
    use Action::*;
    let k = k as f64;
    let d = |f: f64| year.at(f);
    let created = match end {
        End::Closed => d(0.03 + k * 0.01),
        End::Delivered => d(0.06),
        End::Rejected => d(0.3),
        End::Refused => d(0.4),
        End::Approved => d(0.5),
        End::Verified => d(0.7),
        End::Submitted => d(0.8),
        End::Draft => d(0.96 + k * 0.015),
    };
    let steps = match end {
        End::Closed => vec![
            (Submit, d(0.08)),
            (Verify, d(0.15)),
            (Approve, d(0.25 + k * 0.01)),
            (Deliver, d(0.55 + k * 0.02)),
            (Close, d(0.8 + k * 0.01)),
        ],
        End::Delivered => vec![
            (Submit, d(0.1)),
            (Verify, d(0.18)),
            (Approve, d(0.3)),
            (Deliver, d(0.7 + k * 0.04)),
        ],
        End::Approved => vec![
            (Submit, d(0.55)),
            (Verify, d(0.65)),
            (Approve, d(0.85 + k * 0.02)),
        ],
        End::Verified => vec![(Submit, d(0.8)), (Verify, d(0.9))],
        End::Submitted => vec![(Submit, d(0.93 + k * 0.02))],
        End::Draft => vec![],
        End::Rejected => vec![(Submit, d(0.35)), (Verify, d(0.4)), (Reject, d(0.5))],
        End::Refused => vec![
            (Submit, d(0.45)),
            (Verify, d(0.5)),
            (Approve, d(0.75 + k * 0.1)),
        ],
    };
    (created, steps)
}

/// This year's KUBE programmes: the city's budget funds as many groups as it covers, the
/// ministry's and the province's quotas are fixed. Proposals in every state, spread over
/// the kecamatan; a technical guidance before the deliveries.
pub(crate) async fn this_year(
    store: &Store,
    cast: &Cast,
    cat: &Catalogue,
    maker: &mut PersonMaker,
    year: &Year,
    groups: &mut [Group],
) -> DemoResult<()> {
    use End::*;
    let y = year.year;
    // Candidates in turn from each kecamatan: guided groups that still run.
    let mut by_district: Vec<Vec<usize>> = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        if g.guided && matches!(g.target, Status::Berjalan | Status::PerluPendampingan) {
            match by_district
                .iter_mut()
                .find(|v| groups[v[0]].district == g.district)
            {
                Some(v) => v.push(i),
                None => by_district.push(vec![i]),
            }
        }
    }
    let mut pool = Vec::new();
    for round in 0.. {
        let before = pool.len();
        pool.extend(by_district.iter().filter_map(|v| v.get(round)));
        if pool.len() == before {
            break;
        }
    }
    let mut pool = pool.into_iter();
    let mut next = || {
        pool.next()
            .ok_or("demo: too few groups for this year's proposals")
    };
    let inactive = groups.iter().position(|g| g.target == Status::TidakAktif);
    let unguided = groups
        .iter()
        .position(|g| !g.guided && g.target != Status::Bubar);

    let planner = on(&cast.operator, year.at(0.0), 9);
    // (programme, group, end, k)
    let mut work: Vec<(usize, usize, End, usize)> = Vec::new();
    let city: &[(End, usize)] = &[
        (Closed, 5),
        (Delivered, 3),
        (Approved, 1),
        (Verified, 2),
        (Submitted, 2),
        (Draft, 2),
    ];
    for &(end, n) in city {
        for k in 0..n {
            work.push((0, next()?, end, k));
        }
    }
    if let Some(i) = unguided {
        // Approved, but its goods wait for its technical guidance.
        work.push((0, i, Approved, 1));
    }
    if let Some(i) = inactive {
        work.push((0, i, Rejected, 0));
    }
    for &(end, n) in &[(Closed, 3), (Delivered, 3), (Approved, 2), (Refused, 1)] {
        for k in 0..n {
            work.push((1, next()?, end, k));
        }
    }
    // The province: two groups funded; a goat group's proposal comes after the money ran out.
    work.push((2, next()?, Closed, 0));
    work.push((2, next()?, Delivered, 1));
    let goat = (0..groups.len())
        .find(|&i| {
            let g = &groups[i];
            g.guided
                && g.target == Status::Berjalan
                && g.kube.business_type == "ternak_kambing"
                && !work.iter().any(|w| w.1 == i)
        })
        .ok_or("demo: no goat group left")?;
    work.push((2, goat, Refused, 1));

    let spent = |p: usize| -> i64 {
        work.iter()
            .filter(|w| w.0 == p && w.2 != Refused)
            .map(|w| cat.total(&groups[w.1].kube.business_type))
            .sum()
    };
    let province_budget = spent(2) + cat.total("ternak_kambing") / 2 / 1_000_000 * 1_000_000;
    let ids = [
        programme(
            store,
            &planner,
            format!("{} {y}", programme_name(FundingSource::ApbdKota)),
            y,
            FundingSource::ApbdKota,
            300_000_000,
            None,
            None,
        )
        .await?,
        programme(
            store,
            &planner,
            format!("{} {y}", programme_name(FundingSource::Apbn)),
            y,
            FundingSource::Apbn,
            200_000_000,
            Some(8),
            None,
        )
        .await?,
        programme(
            store,
            &planner,
            format!("{} {y}", programme_name(FundingSource::ApbdProvinsi)),
            y,
            FundingSource::ApbdProvinsi,
            province_budget,
            Some(4),
            None,
        )
        .await?,
    ];

    // This year's technical guidance, before the first delivery, for the groups aided.
    let mut types: Vec<String> = work
        .iter()
        .filter(|w| matches!(w.2, Closed | Delivered))
        .map(|w| groups[w.1].kube.business_type.clone())
        .collect();
    types.sort();
    types.dedup();
    for bt in types {
        let these: Vec<&Group> = work
            .iter()
            .filter(|w| matches!(w.2, Closed | Delivered) && groups[w.1].kube.business_type == bt)
            .map(|w| &groups[w.1])
            .collect();
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
            year.at(0.45),
            year.today,
            &these,
        )
        .await?;
    }

    for (p, i, end, k) in work {
        let g = &mut groups[i];
        let (created, steps) = plan(year, end, k);
        let note = justification(&g.kube.business_type).to_string();
        propose(store, cast, cat, g, ids[p], &note, created, &steps).await?;
    }
    Ok(())
}
