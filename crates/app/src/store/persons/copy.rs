//! A large import into PostgreSQL: the checked rows are streamed with `COPY` into staging
//! tables, then moved with one `INSERT … SELECT` per table inside the import's transaction.
//! Into an empty registry the secondary indexes and the name and category tables' keys are
//! built once after the load instead of row by row (the tables are locked meanwhile: there
//! is nothing in them to read yet).
use super::*;
use sqlx::{Connection, Executor, PgConnection};

/// At least this many rows go by `COPY` (fewer: multi-row inserts, as on SQLite).
pub(super) const COPY_ROWS: usize = BULK_ROWS;
/// An import of at least this many rows into an empty registry builds its indexes after.
const BUILD_AFTER_ROWS: usize = 10 * BULK_ROWS;

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

fn line(out: &mut String, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        field(out, *f);
    }
    out.push('\n');
}

/// Sends `text` to `COPY table FROM STDIN` in pieces of a few megabytes.
async fn copy(conn: &mut PgConnection, table: &str, text: &str) -> Result<()> {
    let mut sink = conn
        .copy_in_raw(&format!("COPY {table} FROM STDIN"))
        .await?;
    for piece in text.as_bytes().chunks(4 << 20) {
        if let Err(e) = sink.send(piece).await {
            let _ = sink.abort("send failed").await;
            return Err(e.into());
        }
    }
    sink.finish().await?;
    Ok(())
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
            let (mut persons, mut words, mut cats) = (
                String::with_capacity(ps.len() * 160),
                String::with_capacity(ps.len() * 30),
                String::new(),
            );
            for (i, p) in ps.iter().enumerate() {
                let row = i.to_string();
                let birth = p.birth_date.format("%Y-%m-%d").to_string();
                let district = p.village_code.district();
                line(
                    &mut persons,
                    &[
                        Some(&row),
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
                    ],
                );
                for w in name_words(&p.name) {
                    line(&mut words, &[Some(&row), Some(&w)]);
                }
                for c in &p.categories {
                    line(&mut cats, &[Some(&row), Some(c.code())]);
                }
            }
            copy(
                &mut conn,
                &format!(
                    "{n}_p (row_no, nik, kk_number, name, name_lower, sex, birth_date, village_code,
                       district_code, rt, rw, address, phone, dtks_registered, dtks_ref, notes,
                       household_role, occupation)"
                ),
                &persons,
            )
            .await?;
            copy(&mut conn, &format!("{n}_w"), &words).await?;
            copy(&mut conn, &format!("{n}_c"), &cats).await?;
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
    pub(super) async fn move_into(
        &self,
        tx: &mut AnyConnection,
        rows: usize,
        now: &str,
    ) -> Result<Vec<i64>> {
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
        let rebuild = if rows >= BUILD_AFTER_ROWS {
            take_apart_if_empty(tx).await?
        } else {
            Vec::new()
        };
        sqlx::query(&format!(
            "INSERT INTO persons (id, nik, kk_number, name, name_lower, sex, birth_date, village_code,
               district_code, rt, rw, address, phone, dtks_registered, dtks_ref, notes, household_role,
               occupation, created_at, updated_at)
             SELECT id, nik, kk_number, name, name_lower, sex, birth_date, village_code,
               district_code, rt, rw, address, phone, dtks_registered, dtks_ref, notes, household_role,
               occupation, $1, $1
             FROM {n}_p"
        ))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unique_as_conflict("nik[0]", Msg::new("person.nik_taken")))?;
        // In key order an index grows at a few places instead of all over (none to grow
        // when they are built after).
        let order = if rebuild.is_empty() {
            "ORDER BY 1, 2"
        } else {
            ""
        };
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
                 JOIN {n}_p s ON s.row_no = x.row_no {order}"
            ))
            .execute(&mut *tx)
            .await?;
        }
        for sql in &rebuild {
            // A NIK twice in the batch shows here when its unique key is built again.
            sqlx::query(sql)
                .execute(&mut *tx)
                .await
                .map_err(unique_as_conflict("nik[0]", Msg::new("person.nik_taken")))?;
        }
        let ids: Vec<(i64,)> = sqlx::query_as(&format!("SELECT id FROM {n}_p ORDER BY row_no"))
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query(&self.drop_sql()).execute(&mut *tx).await?;
        Ok(ids.into_iter().map(|r| r.0).collect())
    }
}

/// With the registry empty (checked under lock), drops the secondary indexes of the three
/// tables, the unique NIK and the keys of the name and category tables; returns the
/// statements that build them again. The persons' primary key stays: other tables refer
/// to it.
async fn take_apart_if_empty(tx: &mut AnyConnection) -> Result<Vec<String>> {
    async fn empty(tx: &mut AnyConnection) -> Result<bool> {
        let (any,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM persons)")
            .fetch_one(&mut *tx)
            .await?;
        Ok(!any)
    }
    // Asked before locking (a registry with persons is never locked) and again under it.
    if !empty(tx).await? {
        return Ok(Vec::new());
    }
    sqlx::query("LOCK TABLE persons, person_words, person_categories IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    if !empty(tx).await? {
        return Ok(Vec::new());
    }
    // Sorting a million keys for an index wants more than the default 64 MB.
    sqlx::query("SET LOCAL maintenance_work_mem = '256MB'")
        .execute(&mut *tx)
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
        sqlx::query(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\""))
            .execute(&mut *tx)
            .await?;
        rebuild.push(format!(
            "ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {def}"
        ));
    }
    for (name, def) in &indexes {
        sqlx::query(&format!("DROP INDEX \"{name}\""))
            .execute(&mut *tx)
            .await?;
        rebuild.push(def.clone());
    }
    Ok(rebuild)
}
