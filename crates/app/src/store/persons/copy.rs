//! A large import into PostgreSQL by `COPY`. Into an empty registry the rows go straight
//! into the tables inside the import's own transaction (on a connection of its own: sqlx's
//! `Any` driver does not speak `COPY`), with the secondary indexes and the name and category
//! tables' keys built once after the load instead of row by row. Otherwise the checked rows
//! are streamed into staging tables and moved with one `INSERT … SELECT` per table inside
//! the import's transaction, where a NIK registered meanwhile is found and named.
use super::*;
use sqlx::postgres::PgCopyIn;
use sqlx::{Connection, Executor, PgConnection, Postgres};
use std::fmt::Write as _;

/// At least this many rows go by `COPY` (fewer: multi-row inserts, as on SQLite).
pub(super) const COPY_ROWS: usize = BULK_ROWS;
/// An import of at least this many rows into an empty registry builds its indexes after.
const BUILD_AFTER_ROWS: usize = 10 * BULK_ROWS;
/// The stored fields of a person as [`person_fields`] writes them.
const PERSON_COLUMNS: &str = "nik, kk_number, name, name_lower, sex, birth_date, village_code,
    district_code, rt, rw, address, phone, dtks_registered, dtks_ref, notes, household_role,
    occupation";
/// Text is sent to PostgreSQL in pieces of this size: it parses one while the next is written.
const PIECE: usize = 1 << 20;

/// The staging tables of one import: created and filled over a connection of their own
/// (committed, so the import's transaction sees them), dropped by the import's
/// transaction, or by [`Stage::discard`] when that rolled back.
pub(super) struct Stage {
    name: String,
}

/// A field in `COPY`'s text format.
fn field(out: &mut String, v: Option<&str>) {
    match v {
        None => out.push_str("\\N"),
        Some(v) if !v.contains(['\\', '\t', '\n', '\r']) => out.push_str(v),
        Some(v) => {
            for c in v.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
    }
}

/// A person's stored fields in the order of [`PERSON_COLUMNS`], each after a tab (the
/// row's first column, its number or id, is written before).
fn person_fields(out: &mut String, p: &ValidPerson) {
    use chrono::Datelike;
    let d = p.birth_date;
    let mut birth = String::with_capacity(10);
    let _ = write!(birth, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
    let district = p.village_code.district();
    for f in [
        Some(p.nik.as_str()),
        p.kk_number.as_ref().map(|k| k.as_str()),
        Some(&p.name),
        Some(&p.name.to_lowercase()),
        Some(p.sex.code()),
        Some(&birth),
        Some(p.village_code.as_str()),
        Some(district.as_str()),
        p.rt.as_deref(),
        p.rw.as_deref(),
        p.address.as_deref(),
        p.phone.as_deref(),
        Some(if p.dtks_registered { "1" } else { "0" }),
        p.dtks_ref.as_deref(),
        p.notes.as_deref(),
        p.household_role.map(|r| r.code()),
        p.occupation.map(|o| o.code()),
    ] {
        out.push('\t');
        field(out, f);
    }
}

/// Rows streamed to one `COPY … FROM STDIN`: written into a buffer and sent a piece at a
/// time, so PostgreSQL parses and stores a piece while the next is written.
struct Stream<'c> {
    sink: Option<PgCopyIn<&'c mut PgConnection>>,
    buf: String,
}

impl<'c> Stream<'c> {
    async fn open(conn: &'c mut PgConnection, target: &str) -> Result<Stream<'c>> {
        let sink = conn
            .copy_in_raw(&format!("COPY {target} FROM STDIN"))
            .await?;
        Ok(Stream {
            sink: Some(sink),
            buf: String::with_capacity(PIECE + (64 << 10)),
        })
    }

    /// The row being written: fields are appended, then [`Stream::end_row`].
    fn row(&mut self) -> &mut String {
        &mut self.buf
    }

    /// Ends the row; sends the buffer once it holds a piece.
    async fn end_row(&mut self) -> Result<()> {
        self.buf.push('\n');
        if self.buf.len() >= PIECE {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> Result<()> {
        let Some(sink) = self.sink.as_mut() else {
            return Ok(());
        };
        if let Err(e) = sink.send(self.buf.as_bytes()).await {
            if let Some(sink) = self.sink.take() {
                let _ = sink.abort("send failed").await;
            }
            return Err(e.into());
        }
        self.buf.clear();
        Ok(())
    }

    async fn finish(mut self) -> Result<()> {
        self.send().await?;
        if let Some(sink) = self.sink.take() {
            sink.finish().await?;
        }
        Ok(())
    }
}

/// Streams (key, text) rows into `target`: for each person its key (its row's number or
/// its id) with each text `texts` gives of it (its name words, its categories).
async fn copy_pairs<K: std::fmt::Display, T: AsRef<str>>(
    conn: &mut PgConnection,
    target: &str,
    keys: impl Iterator<Item = K>,
    ps: &[ValidPerson],
    texts: impl Fn(&ValidPerson) -> Vec<T>,
) -> Result<()> {
    let mut s = Stream::open(conn, target).await?;
    for (k, p) in keys.zip(ps) {
        for t in texts(p) {
            let row = s.row();
            int(row, &k);
            row.push('\t');
            field(row, Some(t.as_ref()));
            s.end_row().await?;
        }
    }
    s.finish().await
}

/// The words of a person's name, as searched.
fn words(p: &ValidPerson) -> Vec<String> {
    name_words(&p.name)
}

/// The codes of a person's categories.
fn codes(p: &ValidPerson) -> Vec<&'static str> {
    p.categories.iter().map(|c| c.code()).collect()
}

/// The text of an integer (ids and row numbers) without an allocation per row.
fn int(out: &mut String, n: impl std::fmt::Display) {
    let _ = write!(out, "{n}");
}

/// The staging tables' names start so: `import_stage_{process}_{nanoseconds, hex}_{p|w|c}`.
const STAGE_PREFIX: &str = "import_stage_";

/// When a staging table was made, from its name (none: not one of ours).
fn staged_at(table: &str) -> Option<std::time::SystemTime> {
    let rest = table.strip_prefix(STAGE_PREFIX)?;
    let mut parts = rest.split('_');
    let (_pid, stamp) = (parts.next()?, parts.next()?);
    let nanos = u128::from_str_radix(stamp, 16).ok()?;
    let nanos = u64::try_from(nanos).ok()?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_nanos(nanos))
}

impl Store {
    /// Drops the staging tables of imports that never ended (the process killed between
    /// staging and commit): they hold the batch's NIKs. A table is left while younger than
    /// `age` (an import running now). How many were dropped; none on SQLite.
    pub async fn import_stage_purge(&self, age: std::time::Duration) -> Result<usize> {
        if self.backend() != crate::store::Backend::Postgres {
            return Ok(0);
        }
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = current_schema()
               AND starts_with(tablename, $1)",
        )
        .bind(STAGE_PREFIX)
        .fetch_all(&self.pool)
        .await?;
        let before = std::time::SystemTime::now() - age;
        let mut dropped = 0;
        for (t,) in tables {
            if staged_at(&t).is_some_and(|at| at < before) {
                // The name came from the catalogue and matched our pattern.
                sqlx::query(&format!("DROP TABLE IF EXISTS {t}"))
                    .execute(&self.pool)
                    .await?;
                dropped += 1;
            }
        }
        Ok(dropped)
    }
}

impl Stage {
    /// Stages the persons (row number, an id drawn from the persons' own sequence, the
    /// stored fields), their categories and their name words.
    pub(super) async fn fill(url: &str, ps: &[ValidPerson]) -> Result<Stage> {
        let mut conn = PgConnection::connect(url).await?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let stage = Stage {
            name: format!("{STAGE_PREFIX}{}_{stamp:x}", std::process::id()),
        };
        let n = &stage.name;
        let r = async {
            conn.execute(
                format!(
                    "CREATE UNLOGGED TABLE {n}_p (row_no BIGINT NOT NULL,
                       id BIGINT NOT NULL DEFAULT nextval(pg_get_serial_sequence('persons', 'id')),
                       nik TEXT NOT NULL, kk_number TEXT, name TEXT NOT NULL, name_lower TEXT NOT NULL,
                       sex TEXT NOT NULL, birth_date TEXT NOT NULL, village_code TEXT NOT NULL,
                       district_code TEXT NOT NULL, rt TEXT, rw TEXT, address TEXT, phone TEXT,
                       dtks_registered BIGINT NOT NULL, dtks_ref TEXT, notes TEXT,
                       household_role TEXT, occupation TEXT);
                     CREATE UNLOGGED TABLE {n}_w (row_no BIGINT NOT NULL, word TEXT NOT NULL);
                     CREATE UNLOGGED TABLE {n}_c (row_no BIGINT NOT NULL, category TEXT NOT NULL);"
                )
                .as_str(),
            )
            .await?;
            let mut persons =
                Stream::open(&mut conn, &format!("{n}_p (row_no, {PERSON_COLUMNS})")).await?;
            for (i, p) in ps.iter().enumerate() {
                let row = persons.row();
                int(row, i);
                person_fields(row, p);
                persons.end_row().await?;
            }
            persons.finish().await?;
            copy_pairs(&mut conn, &format!("{n}_w (row_no, word)"), 0.., ps, words).await?;
            copy_pairs(&mut conn, &format!("{n}_c (row_no, category)"), 0.., ps, codes).await?;
            Ok::<(), StoreError>(())
        }
        .await;
        if let Err(e) = r {
            let _ = conn.execute(stage.drop_sql().as_str()).await;
            return Err(e);
        }
        let _ = conn.close().await;
        Ok(stage)
    }

    fn drop_sql(&self) -> String {
        let n = &self.name;
        format!("DROP TABLE IF EXISTS {n}_p, {n}_w, {n}_c")
    }

    /// Drops the staging tables when the import's transaction did not.
    pub(super) async fn discard(self, pool: &sqlx::AnyPool) {
        let _ = sqlx::query(&self.drop_sql()).execute(pool).await;
    }

    /// Moves the staged rows into the registry inside `tx`; returns the persons' ids in
    /// the order of the rows. A NIK already registered is a conflict naming its row.
    pub(super) async fn move_into(&self, tx: &mut AnyConnection, now: &str) -> Result<Vec<i64>> {
        let n = &self.name;
        let taken: Option<(i64,)> = sqlx::query_as(&format!(
            "SELECT s.row_no FROM {n}_p s WHERE EXISTS (SELECT 1 FROM persons p WHERE p.nik = s.nik)
             ORDER BY s.row_no LIMIT 1"
        ))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((row,)) = taken {
            return Err(StoreError::conflict(
                &format!("nik[{row}]"),
                Msg::new("person.nik_taken"),
            ));
        }
        sqlx::query(&format!(
            "INSERT INTO persons (id, {PERSON_COLUMNS}, created_at, updated_at)
             SELECT id, {PERSON_COLUMNS}, $1, $1 FROM {n}_p"
        ))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unique_as_conflict("nik[0]", Msg::new("person.nik_taken")))?;
        // In key order an index grows at a few places instead of all over.
        for (table, staged, from) in [
            (
                "person_categories (person_id, category)",
                "s.id, x.category",
                "c",
            ),
            ("person_words (word, person_id)", "x.word, s.id", "w"),
        ] {
            sqlx::query(&format!(
                "INSERT INTO {table} SELECT {staged} FROM {n}_{from} x
                 JOIN {n}_p s ON s.row_no = x.row_no ORDER BY 1, 2"
            ))
            .execute(&mut *tx)
            .await?;
        }
        let ids: Vec<(i64,)> = sqlx::query_as(&format!("SELECT id FROM {n}_p ORDER BY row_no"))
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query(&self.drop_sql()).execute(&mut *tx).await?;
        Ok(ids.into_iter().map(|r| r.0).collect())
    }
}

/// Loads `ps` into an empty registry: `COPY` straight into the persons, their name words and
/// categories, ids drawn from the persons' sequence, the audit entry, all in one transaction
/// on a connection of its own (closing it on an error rolls everything back). The registry's
/// tables are locked meanwhile: there is nothing in them to read yet. `None`, with nothing
/// written, when the registry is not empty: the caller stages the rows instead.
pub(super) async fn load_into_empty(
    url: &str,
    actor: &Actor,
    ps: &[ValidPerson],
    what: &str,
) -> Result<Option<Vec<i64>>> {
    let mut conn = PgConnection::connect(url).await?;
    let r = load(&mut conn, actor, ps, what).await;
    let _ = conn.close().await;
    r
}

async fn load(
    conn: &mut PgConnection,
    actor: &Actor,
    ps: &[ValidPerson],
    what: &str,
) -> Result<Option<Vec<i64>>> {
    async fn empty(tx: &mut PgConnection) -> Result<bool> {
        let any: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM persons)")
            .fetch_one(&mut *tx)
            .await?;
        Ok(!any)
    }
    let mut tx = conn.begin().await?;
    // Asked before locking (a registry with persons is never locked) and again under it.
    if !empty(&mut tx).await? {
        return Ok(None);
    }
    tx.execute("LOCK TABLE persons, person_words, person_categories IN ACCESS EXCLUSIVE MODE")
        .await?;
    if !empty(&mut tx).await? {
        return Ok(None);
    }
    let rebuild = if ps.len() >= BUILD_AFTER_ROWS {
        take_apart(&mut tx).await?
    } else {
        Vec::new()
    };
    // One array, not a row per id: a million rows take sqlx seconds to decode.
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT array_agg(v ORDER BY v) FROM (SELECT nextval(pg_get_serial_sequence('persons', 'id')) AS v
         FROM generate_series(1, $1)) s",
    )
    .bind(ps.len() as i64)
    .fetch_one(&mut *tx)
    .await?;
    let now = actor.now();
    let mut persons = Stream::open(
        &mut tx,
        &format!("persons (id, {PERSON_COLUMNS}, created_at, updated_at)"),
    )
    .await?;
    for (id, p) in ids.iter().zip(ps) {
        let row = persons.row();
        int(row, id);
        person_fields(row, p);
        for _ in 0..2 {
            row.push('\t');
            row.push_str(&now);
        }
        persons.end_row().await?;
    }
    persons.finish().await?;
    let keys = ids.iter();
    copy_pairs(&mut tx, "person_words (person_id, word)", keys, ps, words).await?;
    let keys = ids.iter();
    copy_pairs(
        &mut tx,
        "person_categories (person_id, category)",
        keys,
        ps,
        codes,
    )
    .await?;
    for sql in &rebuild {
        // A NIK twice in the batch shows here, when its unique key is built again.
        tx.execute(sql.as_str())
            .await
            .map_err(unique_as_conflict("nik[0]", Msg::new("person.nik_taken")))?;
    }
    bind_import(sqlx::query::<Postgres>(audit::RECORD), actor, &ids, what)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(ids))
}

/// Drops the secondary indexes of the registry's three tables, the unique NIK and the keys
/// of the name and category tables (the caller holds them locked, empty); returns the
/// statements that build them again. The persons' primary key stays: other tables refer
/// to it.
async fn take_apart(tx: &mut PgConnection) -> Result<Vec<String>> {
    // Sorting a million keys for an index wants more than the default 64 MB.
    tx.execute("SET LOCAL maintenance_work_mem = '256MB'")
        .await?;
    let constraints: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid)
         FROM pg_constraint
         WHERE conrelid IN ('person_words'::regclass, 'person_categories'::regclass)
            OR (conrelid = 'persons'::regclass AND contype = 'u')",
    )
    .fetch_all(&mut *tx)
    .await?;
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes i
         WHERE schemaname = current_schema()
           AND tablename IN ('persons', 'person_words', 'person_categories')
           AND indexdef NOT LIKE 'CREATE UNIQUE%'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut rebuild = Vec::new();
    // Names come from PostgreSQL's own catalogue.
    for (table, name, def) in &constraints {
        tx.execute(format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\"").as_str())
            .await?;
        rebuild.push(format!(
            "ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {def}"
        ));
    }
    for (name, def) in &indexes {
        tx.execute(format!("DROP INDEX \"{name}\"").as_str())
            .await?;
        rebuild.push(def.clone());
    }
    Ok(rebuild)
}
