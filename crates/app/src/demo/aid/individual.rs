//! The demo's individual programmes: ASLUT, WRSE, neglected children, food parcels.
use super::*;

/// This year's individual programmes: monthly ASLUT payments to neglected elderly, WRSE
/// business goods, school kits for neglected children, food parcels for poor families.
pub(crate) async fn individual(
    store: &Store,
    cast: &Cast,
    year: &Year,
    persons: &[(i64, ValidPerson)],
) -> DemoResult<()> {
    let y = year.year;
    let planner = on(&cast.operator, year.at(0.0), 10);
    let eligible = |preset: &str, p: &ValidPerson| {
        Eligibility::preset(preset).is_some_and(|e| {
            e.check(p.sex, age_on(p.birth_date, year.today), &p.categories)
                .is_ok()
        })
    };
    // (name, funding, budget, quota, preset, how many enrolled)
    let programmes = [
        (
            "Asistensi Sosial Lanjut Usia (ASLUT)",
            FundingSource::ApbdKota,
            48_000_000,
            20,
            "aslut",
            20,
        ),
        (
            "Bantuan Usaha WRSE",
            FundingSource::ApbdProvinsi,
            50_000_000,
            25,
            "wrse",
            20,
        ),
        (
            "Rehabilitasi Sosial Anak Terlantar",
            FundingSource::ApbdKota,
            30_000_000,
            30,
            "anak",
            25,
        ),
        (
            "Bantuan Sembako Fakir Miskin",
            FundingSource::ApbdKota,
            60_000_000,
            50,
            "fakir_miskin",
            40,
        ),
    ];
    // The last six persons are second registrations of others (the duplicate review's
    // work); one of them and her first record were both enrolled in WRSE.
    let (originals, twice) = persons.split_at(persons.len().saturating_sub(6));
    let mut taken: Vec<i64> = Vec::new();
    for (n, (name, funding, budget, quota, preset, enrol)) in programmes.into_iter().enumerate() {
        let pid = programme(
            store,
            &planner,
            format!("{name} {y}"),
            y,
            funding,
            budget,
            Some(quota),
            Some(preset),
        )
        .await?;
        let mut chosen: Vec<i64> = Vec::new();
        if preset == "wrse" {
            if let (Some(a), Some(b)) = (originals.first(), twice.first()) {
                if eligible(preset, &a.1) && eligible(preset, &b.1) {
                    chosen.extend([a.0, b.0]);
                }
            }
        }
        for (id, p) in originals {
            if chosen.len() >= enrol {
                break;
            }
            if eligible(preset, p) && !taken.contains(id) && !chosen.contains(id) {
                chosen.push(*id);
            }
        }
        for (k, id) in chosen.iter().enumerate() {
            let day = year.at(0.02 + 0.002 * k as f64 + 0.01 * n as f64);
            store
                .enrolment_create(&on(&cast.operator, day, 10), pid, *id, day)
                .await
                .map_err(err)?;
        }
        taken.extend(&chosen);
        // (kind, period, amount, description, day) for each person.
        let payments: Vec<(BenefitKind, String, i64, &str, NaiveDate)> = match preset {
            "aslut" => (1..=12u32)
                .map(|m| date(y, m, 5))
                .filter(|d| *d <= year.today)
                .map(|d| {
                    (
                        BenefitKind::BantuanBulanan,
                        d.format("%Y-%m").to_string(),
                        200_000,
                        "Asistensi bulanan",
                        d,
                    )
                })
                .collect(),
            "wrse" => vec![(
                BenefitKind::Barang,
                format!("{y}-07"),
                2_500_000,
                "Paket usaha pengolahan makanan",
                year.at(0.55),
            )],
            "anak" => vec![(
                BenefitKind::Barang,
                format!("{y}-07"),
                750_000,
                "Perlengkapan sekolah",
                year.at(0.5),
            )],
            _ => [3u32, 6, 9, 12]
                .into_iter()
                .map(|m| date(y, m, 10))
                .filter(|d| *d <= year.today)
                .map(|d| {
                    (
                        BenefitKind::Barang,
                        d.format("%Y-%m").to_string(),
                        300_000,
                        "Paket sembako",
                        d,
                    )
                })
                .collect(),
        };
        // WRSE goods reached most women so far; the rest are next month's — among them
        // the second record of the woman enrolled twice, whom the duplicate review
        // catches before her goods go out twice.
        let receivers = if preset == "wrse" {
            chosen.len() * 4 / 5
        } else {
            chosen.len()
        };
        let second = twice.first().map(|t| t.0);
        for id in chosen[..receivers].iter().filter(|id| Some(**id) != second) {
            for (n, (kind, period, amount, description, day)) in payments.iter().enumerate() {
                let bid = store
                    .benefit_add(
                        &on(&cast.operator, *day, 11),
                        pid,
                        *id,
                        *kind,
                        period,
                        Rupiah::new(*amount),
                        Some(description),
                        *day,
                    )
                    .await
                    .map_err(err)?;
                // Every benefit is given once the head of division approves; this
                // month's cash list still waits for it.
                let waits = *kind == BenefitKind::BantuanBulanan && n + 1 == payments.len();
                if !waits {
                    let approved = (*day + chrono::Duration::days(2)).min(year.today);
                    store
                        .benefit_approve(&on(&cast.kabid, approved, 14), pid, bid, false)
                        .await
                        .map_err(err)?;
                }
            }
        }
    }
    Ok(())
}
