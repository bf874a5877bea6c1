//! The national-scale database: persons, KUBE, members and visits written straight into
//! PostgreSQL or SQLite in batches.
use super::*;

/// Multi-row INSERTs with literal values: the data is generated here, never user text.
pub(super) struct Batch {
    pub(super) head: String,
    pub(super) rows: Vec<String>,
}

impl Batch {
    pub(super) fn new(head: &str) -> Batch {
        Batch {
            head: head.to_string(),
            rows: Vec::new(),
        }
    }
    /// Adds a row; the caller flushes (parents before children, for the foreign keys).
    pub(super) async fn push(
        &mut self,
        _tx: &mut sqlx::AnyConnection,
        row: String,
    ) -> Result<(), sqlx::Error> {
        self.rows.push(row);
        Ok(())
    }
    pub(super) fn full(&self) -> bool {
        self.rows.len() >= 1000
    }
    pub(super) async fn flush(&mut self, tx: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
        if !self.rows.is_empty() {
            let sql = format!("{} VALUES {}", self.head, self.rows.join(","));
            sqlx::raw_sql(&sql).execute(&mut *tx).await?;
            self.rows.clear();
        }
        Ok(())
    }
}

pub(super) fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub(super) async fn national(
    url: &str,
    region: &str,
    kube: usize,
    visits: usize,
) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let started = Instant::now();
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    let persons: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, district_code, village_code FROM persons ORDER BY id")
            .fetch_all(&mut conn)
            .await?;
    let mut by_district: std::collections::BTreeMap<String, Vec<(i64, String)>> =
        Default::default();
    for (id, d, v) in persons {
        by_district.entry(d).or_default().push((id, v));
    }
    let districts: Vec<String> = by_district.keys().cloned().collect();
    let mut next: std::collections::HashMap<String, usize> = Default::default();
    let mut rng = Rng(26_019);
    let now = "2026-11-01T00:00:00Z";
    let rcode = region.replace('.', "");
    let types = [
        "ternak_kambing",
        "makanan_olahan",
        "warungan",
        "perikanan",
        "industri_rumahan",
        "pertanian",
    ];
    let funds = ["apbd_kota", "apbd_provinsi", "apbn"];
    let mut tx = conn.begin().await?;
    let mut kb = Batch::new("INSERT INTO kube (id, registration_number, name, name_lower, business_type, village_code, district_code, address, formed_on, formed_year, funding_source, programme_year, status, stage, member_count, created_at, updated_at, last_visit_on)");
    let mut mb = Batch::new("INSERT INTO kube_members (kube_id, person_id, role, joined_on)");
    let mut made = 0usize;
    let mut members_of: Vec<Vec<i64>> = Vec::with_capacity(kube);
    // Each kecamatan gets KUBE in proportion to its persons.
    let total: usize = by_district.values().map(Vec::len).sum();
    let mut plan: Vec<&String> = Vec::with_capacity(kube);
    for d in &districts {
        let quota = (kube * by_district[d].len()).div_ceil(total.max(1));
        plan.extend(std::iter::repeat_n(d, quota));
    }
    plan.truncate(kube);
    for d in plan {
        let k = made + 1;
        let pool = &by_district[d];
        let at = next.entry(d.clone()).or_insert(0);
        let size = 5 + rng.below(8) as usize;
        if *at + size > pool.len() {
            continue;
        }
        let ms: Vec<(i64, String)> = pool[*at..*at + size].to_vec();
        *at += size;
        let year = 2015 + rng.below(11) as u32;
        let formed = format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
        let status = match rng.below(100) {
            0..=34 => "berjalan",
            35..=64 => "perlu_pendampingan",
            65..=84 => "tidak_aktif",
            85..=92 => "bubar",
            _ => "belum_dinilai",
        };
        let stage = if status == "bubar" {
            "bubar"
        } else {
            "pendampingan"
        };
        let name = format!(
            "KUBE {} {} {k}",
            rng.pick(&["Mekar", "Sejahtera", "Mandiri", "Rukun", "Maju", "Berkah"]),
            rng.pick(FAMILY)
        );
        let village = ms[0].1.clone();
        kb.push(
            &mut tx,
            format!(
                "({k}, {}, {}, {}, {}, {}, {}, 'RT 001 RW 002', {}, {year}, {}, {year}, {}, {}, {size}, {}, {}, {})",
                q(&format!("KUBE-{rcode}-{year}-{k:06}")),
                q(&name),
                q(&name.to_lowercase()),
                q(rng.pick::<&str>(&types)),
                q(&village),
                q(d),
                q(&formed),
                q(rng.pick::<&str>(&funds)),
                q(status),
                q(stage),
                q(now),
                q(now),
                if status == "belum_dinilai" { "NULL".into() } else { q("2026-09-15") },
            ),
        )
        .await?;
        for (i, (pid, _)) in ms.iter().enumerate() {
            let role = ["ketua", "sekretaris", "bendahara"]
                .get(i)
                .copied()
                .unwrap_or("anggota");
            mb.push(
                &mut tx,
                format!("({k}, {pid}, {}, {})", q(role), q(&formed)),
            )
            .await?;
        }
        members_of.push(ms.iter().map(|m| m.0).collect());
        made += 1;
        if mb.full() || kb.full() {
            kb.flush(&mut tx).await?;
            mb.flush(&mut tx).await?;
        }
    }
    kb.flush(&mut tx).await?;
    mb.flush(&mut tx).await?;
    eprintln!("kube: {made} in {:.1} s", started.elapsed().as_secs_f64());

    let mut vb = Batch::new("INSERT INTO visits (kube_id, visited_on, operating, meetings_held, members_present, books_up_to_date, revenue, expenses, savings_balance, asset_count, asset_value, created_at)");
    for _ in 0..visits {
        let k = 1 + rng.below(made as u64);
        let on = format!(
            "20{:02}-{:02}-{:02}",
            16 + rng.below(11),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        vb.push(
            &mut tx,
            format!(
                "({k}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                q(&on),
                (rng.below(10) < 7) as i64,
                rng.below(4),
                3 + rng.below(8),
                (rng.below(10) < 6) as i64,
                rng.below(5_000_000),
                rng.below(4_000_000),
                rng.below(10_000_000),
                rng.below(20),
                rng.below(30_000_000),
                q(now)
            ),
        )
        .await?;
        if vb.full() {
            vb.flush(&mut tx).await?;
        }
    }
    vb.flush(&mut tx).await?;
    eprintln!(
        "visits: {visits} in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // One guidance training per 5 KUBE, its members attending; one programme per year and
    // funding source, one proposal per 3 KUBE.
    let trainings = made / 5;
    let mut tb = Batch::new("INSERT INTO trainings (id, title, kind, business_type, starts_on, ends_on, village_code, district_code, created_at, updated_at)");
    let mut pb = Batch::new(
        "INSERT INTO training_participants (training_id, person_id, attended, created_at)",
    );
    for t in 1..=trainings {
        let k = 1 + rng.below(made as u64) as usize;
        let d = &districts[k % districts.len()];
        let v = &by_district[d][0].1;
        let on = format!(
            "20{:02}-{:02}-{:02}",
            16 + rng.below(11),
            1 + rng.below(12),
            1 + rng.below(27)
        );
        tb.push(&mut tx, format!("({t}, 'Bimbingan teknis {t}', 'bimbingan_teknis', 'ternak_kambing', {}, {}, {}, {}, {}, {})", q(&on), q(&on), q(v), q(d), q(now), q(now))).await?;
        let mut seen = std::collections::HashSet::new();
        for pid in &members_of[k - 1] {
            if seen.insert(*pid) {
                pb.push(
                    &mut tx,
                    format!("({t}, {pid}, {}, {})", (rng.below(10) < 8) as i64, q(now)),
                )
                .await?;
            }
        }
        if pb.full() || tb.full() {
            tb.flush(&mut tx).await?;
            pb.flush(&mut tx).await?;
        }
    }
    tb.flush(&mut tx).await?;
    pb.flush(&mut tx).await?;
    let mut gb = Batch::new("INSERT INTO programmes (id, name, year, funding_source, target, budget, quota, package_value, created_at, updated_at)");
    let mut programmes = Vec::new();
    for (i, year) in (2016..=2026).enumerate() {
        for (j, f) in funds.iter().enumerate() {
            let id = i * funds.len() + j + 1;
            programmes.push(id);
            gb.push(
                &mut tx,
                format!(
                    "({id}, {}, {year}, {}, 'kube', 100000000000, NULL, 15000000, {}, {})",
                    q(&format!("Bantuan UEP KUBE {year} {f}")),
                    q(f),
                    q(now),
                    q(now)
                ),
            )
            .await?;
        }
    }
    gb.flush(&mut tx).await?;
    let mut ob = Batch::new("INSERT INTO proposals (kube_id, programme_id, state, total, delivered_total, justification, created_at, updated_at)");
    for k in (1..=made).step_by(3) {
        let g = rng.pick(&programmes);
        let state = *rng.pick(&["submitted", "approved", "delivered", "closed", "rejected"]);
        let total = 5_000_000 + rng.below(20) as i64 * 500_000;
        let delivered = if matches!(state, "delivered" | "closed") {
            total
        } else {
            0
        };
        ob.push(
            &mut tx,
            format!(
                "({k}, {g}, {}, {total}, {delivered}, 'Penambahan modal usaha', {}, {})",
                q(state),
                q(now),
                q(now)
            ),
        )
        .await?;
        if ob.full() {
            ob.flush(&mut tx).await?;
        }
    }
    ob.flush(&mut tx).await?;
    // The rows above carry their ids; PostgreSQL's sequences must follow, or the first
    // KUBE, training or programme the server adds would take a used id.
    if url.starts_with("postgres") {
        for t in ["kube", "trainings", "programmes"] {
            sqlx::raw_sql(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    eprintln!(
        "national: {made} KUBE, {visits} visits, {trainings} trainings, {} proposals in {:.1} s",
        made.div_ceil(3),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Real objects for the HTTP runs: a kecamatan with KUBE, a KUBE in the middle, the NIK
/// and name of one of its members.
pub(super) async fn pick(url: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    let (district, kube, nik, name): (String, i64, String, String) = sqlx::query_as(
        "SELECT k.district_code, k.id, p.nik, p.name FROM kube k
         JOIN kube_members m ON m.kube_id = k.id JOIN persons p ON p.id = m.person_id
         WHERE k.id = (SELECT id FROM kube ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM kube))
         ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&mut conn)
    .await?;
    // The whole name, as an operator types it, ready for a query string.
    println!(
        "{district} {kube} {nik} {}",
        name.split_whitespace().collect::<Vec<_>>().join("+")
    );
    Ok(())
}
