//! Commands on files: `sikube dedup` (the duplicate finder on a CSV) and `sikube restore`
//! (a backup into a database that is not being served).
use super::*;

/// Reads persons, clusters the duplicates on all cores, writes `id,cluster_id`
/// (a cluster is named by the id of its first row; singletons are their own cluster).
pub(super) fn dedup(file: &str, out: &str, explain: bool) -> Result<(), String> {
    use domain::dedup::{cluster_with, Record, MAX_BLOCK};
    use std::io::Write;
    let started = std::time::Instant::now();
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let table = sheets::read(&bytes, &sheets::Limits::COMMAND_LINE).map_err(|e| e.to_string())?;
    // A million persons: the file and its cells are let go as the records are built.
    drop(bytes);
    let mut rows = table.into_iter();
    let header = rows.next().ok_or("the file is empty")?;
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let idx: Vec<Option<usize>> = [
        "id",
        "nik",
        "name",
        "sex",
        "birth_date",
        "village_code",
        "kk_number",
    ]
    .iter()
    .map(|c| col(c))
    .collect();
    if idx[0].is_none() {
        return Err("the file needs an id column".into());
    }
    let get = |row: &mut Vec<String>, i: usize| {
        idx[i]
            .and_then(|c| row.get_mut(c))
            .map(|s| {
                let t = s.trim();
                if t.len() == s.len() {
                    std::mem::take(s)
                } else {
                    t.to_string()
                }
            })
            .unwrap_or_default()
    };
    let records: Vec<Record> = rows
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .map(|mut r| Record {
            id: get(&mut r, 0),
            nik: get(&mut r, 1),
            name: get(&mut r, 2),
            sex: get(&mut r, 3),
            birth_date: get(&mut r, 4),
            village_code: get(&mut r, 5),
            kk_number: get(&mut r, 6),
        })
        .collect();
    eprintln!(
        "{} persons read in {:.1} s",
        records.len(),
        started.elapsed().as_secs_f64()
    );
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let progress = |done: usize, total: usize| {
        eprint!("\rcomparing: {done}/{total} blocks");
        let _ = std::io::stderr().flush();
    };
    let (clusters, compared, finder) = cluster_with(&records, MAX_BLOCK, threads, &progress);
    eprintln!();
    if explain {
        print!("{}", finder.model.explain());
    }
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(out).map_err(|e| format!("cannot write {out}: {e}"))?,
    );
    writeln!(w, "id,cluster_id").map_err(|e| e.to_string())?;
    for (r, c) in records.iter().zip(&clusters) {
        writeln!(w, "{},{}", r.id, records[*c].id).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    let groups = clusters
        .iter()
        .enumerate()
        .filter(|(i, c)| *i != **c)
        .map(|(_, c)| *c)
        .collect::<std::collections::HashSet<_>>()
        .len();
    println!(
        "{} persons, {} pairs compared, {} clusters with duplicates, written to {out} in {:.1} s",
        records.len(),
        compared,
        groups,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Checks the backup (a sikube SQLite database that passes its integrity check), then
/// puts it in place of the database file in one rename.
/// A running server holds an exclusive lock on `<database>.lock` (SQLite): a restore
/// must not replace the file under it. `None` for PostgreSQL.
pub(super) fn lock_database(url: &str) -> Result<Option<std::fs::File>, String> {
    let Some(db) = app::installation::sqlite_file(url) else {
        return Ok(None);
    };
    let path = format!("{db}.lock");
    app::private_file(&path, true);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {path}: {e}"))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "a sikube server is using {db}; stop it first (nothing was changed)"
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {path}: {e}")),
    }
}

pub(super) async fn restore(db: &DbArgs, file: &str) -> Result<(), String> {
    let url = db.url()?;
    let _lock = lock_database(&url)?;
    let Some(target) = url
        .strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or(p).to_string())
    else {
        return Err(
            "this database is PostgreSQL: restore it with pg_restore, e.g. \
             `pg_restore --clean --dbname \"$SIKUBE_DATABASE_URL\" sikube.dump`"
                .into(),
        );
    };
    if !std::path::Path::new(file).is_file() {
        return Err(format!("{file} does not exist"));
    }
    let mut head = [0u8; 16];
    let is_sqlite = std::fs::File::open(file)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == b"SQLite format 3\0";
    if !is_sqlite {
        return Err(format!(
            "{file} is not a SQLite database; nothing was changed"
        ));
    }
    Installation::check_backup(file).await?;
    let staged = format!("{target}.restoring");
    std::fs::copy(file, &staged).map_err(|e| format!("cannot copy {file}: {e}"))?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{target}{suffix}"));
    }
    std::fs::rename(&staged, &target).map_err(|e| format!("cannot replace {target}: {e}"))?;
    let persons = open(db).await?.persons().await?;
    println!("restored {file} into {target} ({persons} persons)");
    Ok(())
}
