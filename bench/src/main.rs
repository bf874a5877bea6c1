//! The data generator and raw baselines behind `bench/run.sh`.
//!
//! - `persons N REGION OUT.csv [OUT.xlsx]`: N deterministic persons with valid NIKs in the
//!   villages of REGION (a regency code such as `32.01`), in the import file format.
//! - `raw-sqlite FILE.csv DB`: the baseline — the same rows inserted by a minimal rusqlite
//!   program (prepared statement, one transaction, unique index created after the load).
//! - `raw-sqlite-full FILE.csv DB`: a second reference — what `sikube import` writes (the
//!   persons with all their columns, categories, name words, every index of those tables,
//!   into a database `sikube migrate` made), by the same minimal rusqlite program: no
//!   validation, no checks, no audit. The gap between it and the raw baseline is the
//!   registry's own data; the gap between it and sikube is sikube's overhead.
//! - `national DB_URL REGION KUBE VISITS`: on a database whose persons are imported, the
//!   rest of a national-scale office: KUBE (5–12 members of one kecamatan each), visits,
//!   trainings with participants, programmes and proposals, in proportion.
use std::io::{BufRead, BufWriter, Write};
use std::time::Instant;

/// splitmix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

// Sundanese, Javanese and general Indonesian names: real registries hold hundreds of
// thousands of distinct names; three parts drawn from these lists give about 400,000.
const WOMEN: &[&str] = &[
    "Siti",
    "Euis",
    "Iis",
    "Nining",
    "Tati",
    "Lilis",
    "Popon",
    "Kokom",
    "Enok",
    "Cucu",
    "Dedeh",
    "Yati",
    "Entin",
    "Rina",
    "Sri",
    "Nur",
    "Dewi",
    "Neneng",
    "Imas",
    "Wati",
    "Ai",
    "Elis",
    "Yuyun",
    "Ani",
    "Rini",
    "Eti",
    "Titin",
    "Oom",
    "Iyah",
    "Ela",
    "Nani",
    "Rohmah",
    "Aisyah",
    "Fatimah",
    "Lina",
    "Nia",
    "Wulan",
    "Rosita",
    "Yulia",
    "Heni",
    "Ika",
    "Maya",
    "Rahmawati",
    "Sumiati",
];
const MEN: &[&str] = &[
    "Asep", "Ujang", "Dadang", "Cecep", "Dedi", "Maman", "Oman", "Yayat", "Wawan", "Jajang",
    "Agus", "Budi", "Hendra", "Rahmat", "Gugun", "Engkus", "Endang", "Ade", "Iwan", "Usep",
    "Aceng", "Dodi", "Eman", "Juju", "Kurnia", "Lukman", "Mamat", "Nandang", "Odang", "Pepen",
    "Rudi", "Sutisna", "Tatang", "Ucu", "Yusuf", "Zaenal", "Ahmad", "Muhammad", "Bambang",
];
const MIDDLE: &[&str] = &[
    "Nur", "Sri", "Siti", "Dewi", "Ayu", "Putri", "Indah", "Ratna", "Tri", "Dwi", "Eka", "Rahma",
    "Ali", "Abdul", "Agus", "Dedi", "Hadi", "Iman", "Jaka", "Rizki", "Adi", "Bayu", "Candra",
];
const FAMILY: &[&str] = &[
    "Sunarya",
    "Rukmana",
    "Hidayat",
    "Suryana",
    "Permana",
    "Kusnadi",
    "Supriatna",
    "Hasanah",
    "Rohimah",
    "Marlina",
    "Solihin",
    "Mulyana",
    "Sopandi",
    "Wahyudi",
    "Setiawan",
    "Nurhayati",
    "Kurniasih",
    "Saepudin",
    "Ruhiyat",
    "Firmansyah",
    "Lestari",
    "Rahayu",
    "Fitriani",
    "Gunawan",
    "Hermawan",
    "Iskandar",
    "Junaedi",
    "Kartika",
    "Maulana",
    "Nugraha",
    "Pratama",
    "Ramdani",
    "Sabana",
    "Taufik",
    "Wijaya",
    "Yulianti",
    "Zakaria",
    "Anggraeni",
    "Budiman",
    "Cahyadi",
    "Darmawan",
    "Effendi",
    "Fauzi",
    "Hakim",
    "Irawan",
    "Jamaludin",
    "Komarudin",
    "Latif",
    "Mulyadi",
    "Nasution",
    "Purnama",
    "Rosadi",
    "Suhendar",
    "Tarsono",
    "Umar",
    "Wiguna",
    "Yusup",
    "Sukmawati",
    "Sutrisno",
    "Haryanto",
    "Susanti",
    "Wulandari",
    "Kusumah",
    "Ardiansyah",
    "Hidayati",
    "Sulastri",
    "Rismawati",
    "Sumarni",
    "Handayani",
    "Suryadi",
    "Nurjanah",
    "Mardiyah",
];

fn villages(region: &str) -> Vec<(String, String)> {
    let areas = domain::Areas::embedded();
    let mut out = Vec::new();
    for d in areas.children(region) {
        for v in areas.children(&d.code) {
            out.push((v.code.clone(), d.code.clone()));
        }
    }
    assert!(!out.is_empty(), "no villages under {region}");
    out
}

const HEADER: [&str; 14] = [
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_date",
    "village_code",
    "rt",
    "rw",
    "address",
    "phone",
    "categories",
    "dtks_registered",
    "dtks_ref",
    "notes",
];

/// Persons as import rows. NIK: the kecamatan of registration, the birth date (+40 on the
/// day for women), a serial unique per kecamatan, date and sex — as Dukcapil issues them.
fn person_rows(n: usize, region: &str) -> Vec<[String; 14]> {
    let vs = villages(region);
    let mut rng = Rng(2012);
    let mut serials: std::collections::HashMap<(String, u32, bool), u32> = Default::default();
    let mut out = Vec::with_capacity(n);
    let mut kk_serial = 0u32;
    let mut kk = String::new();
    for i in 0..n {
        let (village, district) = rng.pick(&vs).clone();
        let female = rng.below(100) < 55;
        let year = 1940 + rng.below(70) as u32;
        let month = 1 + rng.below(12) as u32;
        let day = 1 + rng.below(28) as u32;
        let key = (district.clone(), year * 10_000 + month * 100 + day, female);
        let serial = serials.entry(key).or_insert(0);
        *serial += 1;
        let d6 = district.replace('.', "");
        let nik = format!(
            "{d6}{:02}{month:02}{:02}{:04}",
            if female { day + 40 } else { day },
            year % 100,
            serial
        );
        // Households of about three: the family card repeats.
        if i % 3 == 0 {
            kk_serial += 1;
            kk = format!(
                "{d6}{:02}{:02}{:02}{:04}",
                1 + rng.below(28),
                1 + rng.below(12),
                10 + rng.below(14),
                kk_serial % 9_999 + 1
            );
        }
        let first = if female {
            rng.pick(WOMEN)
        } else {
            rng.pick(MEN)
        };
        let name = if rng.below(2) == 0 {
            format!("{first} {} {}", rng.pick(MIDDLE), rng.pick(FAMILY))
        } else {
            format!("{first} {}", rng.pick(FAMILY))
        };
        let category = match rng.below(10) {
            0..=5 => "fakir_miskin",
            6 | 7 if female => "wrse",
            8 if year < 1965 => "lansia",
            _ => "fakir_miskin",
        };
        out.push([
            nik,
            kk.clone(),
            name,
            if female { "P" } else { "L" }.to_string(),
            format!("{year}-{month:02}-{day:02}"),
            village,
            format!("{:03}", 1 + rng.below(15)),
            format!("{:03}", 1 + rng.below(9)),
            format!("Dusun {}", 1 + rng.below(6)),
            String::new(),
            category.to_string(),
            if rng.below(10) < 8 { "ya" } else { "tidak" }.to_string(),
            String::new(),
            String::new(),
        ]);
    }
    out
}

fn write_csv(rows: &[[String; 14]], path: &str) -> std::io::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "{}", HEADER.join(","))?;
    for r in rows {
        writeln!(w, "{}", r.join(","))?;
    }
    w.flush()
}

fn write_xlsx(rows: &[[String; 14]], path: &str) -> Result<(), String> {
    let cells: Vec<Vec<sheets::Cell>> = rows
        .iter()
        .map(|r| r.iter().map(|c| sheets::Cell::Text(c.clone())).collect())
        .collect();
    let bytes = sheets::write_xlsx("persons", &HEADER, &cells).map_err(|e| e.to_string())?;
    std::fs::write(path, bytes).map_err(|e| e.to_string())
}

fn raw_sqlite_full(csv: &str, db: &str) -> rusqlite::Result<()> {
    let started = Instant::now();
    let mut conn = rusqlite::Connection::open(db)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;",
    )?;
    let tx = conn.transaction()?;
    // Secondary indexes built once after the load, as sikube's import does.
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'
               AND tbl_name IN ('persons', 'person_words', 'person_categories')
               AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    let now = "2026-01-01T00:00:00Z";
    let mut rows = 0u64;
    let mut words: Vec<(String, i64)> = Vec::new();
    {
        let mut person = tx.prepare(
            "INSERT INTO persons (nik, kk_number, name, name_lower, sex, birth_date, village_code,
               district_code, rt, rw, address, phone, dtks_registered, dtks_ref, notes, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
        )?;
        let mut category =
            tx.prepare("INSERT INTO person_categories (person_id, category) VALUES (?1, ?2)")?;
        let file = std::fs::File::open(csv).expect("csv");
        for line in std::io::BufReader::new(file).lines().skip(1) {
            let line = line.expect("line");
            let f: Vec<&str> = line.split(',').collect();
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
            person.execute(rusqlite::params![
                f[0],
                opt(f[1]),
                f[2],
                f[2].to_lowercase(),
                f[3],
                f[4],
                f[5],
                &f[5][..8],
                opt(f[6]),
                opt(f[7]),
                opt(f[8]),
                opt(f[9]),
                (f[11] == "ya") as i64,
                opt(f[12]),
                opt(f[13]),
                now
            ])?;
            let id = tx.last_insert_rowid();
            for c in f[10].split(';').filter(|c| !c.is_empty()) {
                category.execute(rusqlite::params![id, c])?;
            }
            let mut w: Vec<String> = domain::dedup::normalize_name(f[2])
                .split_whitespace()
                .map(String::from)
                .collect();
            w.sort();
            w.dedup();
            words.extend(w.into_iter().map(|w| (w, id)));
            rows += 1;
        }
        words.sort();
        let mut word = tx.prepare("INSERT INTO person_words (person_id, word) VALUES (?1, ?2)")?;
        for (w, id) in &words {
            word.execute(rusqlite::params![id, w])?;
        }
    }
    for (_, sql) in &indexes {
        tx.execute_batch(sql)?;
    }
    tx.commit()?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "raw_sqlite_full rows={rows} secs={secs:.2} rate={:.0}",
        rows as f64 / secs
    );
    Ok(())
}

fn raw_sqlite(csv: &str, db: &str) -> rusqlite::Result<()> {
    let _ = std::fs::remove_file(db);
    let started = Instant::now();
    let mut conn = rusqlite::Connection::open(db)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE persons (id INTEGER PRIMARY KEY, nik TEXT NOT NULL, kk_number TEXT, name TEXT NOT NULL,
           sex TEXT NOT NULL, birth_date TEXT NOT NULL, village_code TEXT NOT NULL, rt TEXT, rw TEXT,
           address TEXT, phone TEXT, categories TEXT, dtks_registered INTEGER, dtks_ref TEXT, notes TEXT);",
    )?;
    let file = std::fs::File::open(csv).expect("csv");
    let tx = conn.transaction()?;
    let mut rows = 0u64;
    {
        let mut st = tx.prepare(
            "INSERT INTO persons (nik, kk_number, name, sex, birth_date, village_code, rt, rw, address, phone,
               categories, dtks_registered, dtks_ref, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        for line in std::io::BufReader::new(file).lines().skip(1) {
            let line = line.expect("line");
            let f: Vec<&str> = line.split(',').collect();
            st.execute(rusqlite::params![
                f[0],
                f[1],
                f[2],
                f[3],
                f[4],
                f[5],
                f[6],
                f[7],
                f[8],
                f[9],
                f[10],
                (f[11] == "ya") as i64,
                f[12],
                f[13]
            ])?;
            rows += 1;
        }
    }
    tx.commit()?;
    conn.execute_batch("CREATE UNIQUE INDEX persons_nik ON persons(nik);")?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "raw_sqlite rows={rows} secs={secs:.2} rate={:.0}",
        rows as f64 / secs
    );
    Ok(())
}

/// Multi-row INSERTs with literal values: the data is generated here, never user text.
struct Batch {
    head: String,
    rows: Vec<String>,
}

impl Batch {
    fn new(head: &str) -> Batch {
        Batch {
            head: head.to_string(),
            rows: Vec::new(),
        }
    }
    /// Adds a row; the caller flushes (parents before children, for the foreign keys).
    async fn push(
        &mut self,
        _tx: &mut sqlx::AnyConnection,
        row: String,
    ) -> Result<(), sqlx::Error> {
        self.rows.push(row);
        Ok(())
    }
    fn full(&self) -> bool {
        self.rows.len() >= 1000
    }
    async fn flush(&mut self, tx: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
        if !self.rows.is_empty() {
            let sql = format!("{} VALUES {}", self.head, self.rows.join(","));
            sqlx::raw_sql(&sql).execute(&mut *tx).await?;
            self.rows.clear();
        }
        Ok(())
    }
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

async fn national(url: &str, region: &str, kube: usize, visits: usize) -> Result<(), sqlx::Error> {
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
            "berkembang"
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
async fn pick(url: &str) -> Result<(), sqlx::Error> {
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

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a = |i: usize| args.get(i).cloned().unwrap_or_default();
    match a(0).as_str() {
        "persons" => {
            let n: usize = a(1).parse().expect("N");
            let started = Instant::now();
            let rows = person_rows(n, &a(2));
            write_csv(&rows, &a(3)).expect("csv");
            if !a(4).is_empty() {
                write_xlsx(&rows, &a(4)).expect("xlsx");
            }
            eprintln!(
                "persons: {n} rows in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        "raw-sqlite" => raw_sqlite(&a(1), &a(2)).expect("raw sqlite"),
        "raw-sqlite-full" => raw_sqlite_full(&a(1), &a(2)).expect("raw sqlite full"),
        "pick" => pick(&a(1)).await.expect("pick"),
        "national" => national(
            &a(1),
            &a(2),
            a(3).parse().expect("KUBE"),
            a(4).parse().expect("VISITS"),
        )
        .await
        .expect("national"),
        _ => {
            eprintln!("usage: sikube-bench persons N REGION OUT.csv [OUT.xlsx] | raw-sqlite FILE.csv DB | national DB_URL REGION KUBE VISITS");
            std::process::exit(2);
        }
    }
}
