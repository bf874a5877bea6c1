//! The data generator and raw baselines behind `bench/run.sh`.
//!
//! - `persons N REGION OUT.csv [OUT.xlsx]`: N deterministic persons with valid NIKs in the
//!   villages of REGION (a regency code such as `32.01`), in the import file format; one
//!   in forty is an earlier one registered again (a mistyped NIK serial, a name misspelt).
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

mod names;
use names::*;
mod database;
use database::*;

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
        // One person in forty registered a second time at the counter, as registries
        // hold them: the NIK's serial mistyped, a letter of the name doubled, no family
        // card — the duplicate review's work (`bench/run.sh` measures its page).
        if i % 40 == 39 {
            let mut again = out[i - 17].clone();
            let serial: u32 = again[0][12..].parse().unwrap_or(0);
            again[0] = format!("{}{:04}", &again[0][..12], (serial + 5000) % 10_000);
            again[1] = String::new();
            if let Some(last) = again[2].pop() {
                again[2].push(last);
                again[2].push(last);
            }
            out[i] = again;
        }
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
