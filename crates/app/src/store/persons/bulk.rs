//! Writing many persons at once (an import): multi-row inserts in chunks, their categories
//! and the name index.
use super::*;

/// Inserts (person id, text) rows into `table (columns)` in multi-row statements.
pub(super) async fn insert_person_texts(
    conn: &mut AnyConnection,
    backend: crate::store::Backend,
    table: &str,
    rows: &[(i64, &str)],
) -> Result<()> {
    for chunk in rows.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO {table} VALUES {}",
            values_list(backend, chunk.len(), 2, 0)
        );
        let mut q = sqlx::query(&sql);
        for (id, t) in chunk {
            q = q.bind(*id).bind(*t);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes the name words of persons (on a rename the caller removes the old ones first).
pub(super) async fn index_names(
    conn: &mut AnyConnection,
    backend: crate::store::Backend,
    persons: &[(i64, &str)],
) -> Result<()> {
    let mut rows: Vec<(i64, String)> = persons
        .iter()
        .flat_map(|(id, name)| name_words(name).into_iter().map(move |w| (*id, w)))
        .collect();
    // In key order the index grows at a few places instead of all over.
    rows.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    let rows: Vec<(i64, &str)> = rows.iter().map(|(id, w)| (*id, w.as_str())).collect();
    insert_person_texts(conn, backend, "person_words (person_id, word)", &rows).await?;
    Ok(())
}

/// Fills the name words of every person (once, when the table is created).
pub(crate) async fn index_all_names(
    conn: &mut AnyConnection,
    backend: crate::store::Backend,
) -> Result<()> {
    let all: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM persons ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let refs: Vec<(i64, &str)> = all.iter().map(|(i, n)| (*i, n.as_str())).collect();
    index_names(conn, backend, &refs).await
}

/// The body of [`Store::person_create_many`] inside its transaction.
pub(super) async fn create_many_in(
    tx: &mut AnyConnection,
    backend: crate::store::Backend,
    actor: &Actor,
    ps: &[ValidPerson],
    what: &str,
    big: bool,
) -> Result<Vec<i64>> {
    let mut rebuild: Vec<(String, String)> = Vec::new();
    if big {
        // Secondary indexes are built faster once, sorted, than grown row by row.
        // Dropped and recreated inside this transaction: readers (WAL) keep seeing
        // them, and a failure rolls everything back. The unique NIK index stays. The name
        // words arrive sorted by word: their index by person would grow all over.
        rebuild = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'
                   AND tbl_name IN ('persons', 'person_words', 'person_categories')
                   AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        )
        .fetch_all(&mut *tx)
        .await?;
        for (name, _) in &rebuild {
            // Names come from SQLite's own catalogue.
            sqlx::query(&format!("DROP INDEX \"{name}\""))
                .execute(&mut *tx)
                .await?;
        }
    }
    let mut ids = Vec::with_capacity(ps.len());
    let now = actor.now();
    for (c, chunk) in ps.chunks(BULK_ROWS).enumerate() {
        ids.extend(insert_chunk(&mut *tx, backend, chunk, c * BULK_ROWS, &now).await?);
    }
    audit_import(&mut *tx, actor, &ids, what).await?;
    let names: Vec<(i64, &str)> = ids
        .iter()
        .zip(ps)
        .map(|(id, p)| (*id, p.name.as_str()))
        .collect();
    index_names(&mut *tx, backend, &names).await?;
    for (_, sql) in &rebuild {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    Ok(ids)
}

/// The one audit entry of an import: how many persons, their ids' range, the source.
pub(super) async fn audit_import(
    tx: &mut AnyConnection,
    actor: &Actor,
    ids: &[i64],
    what: &str,
) -> Result<()> {
    bind_import(sqlx::query(audit::RECORD), actor, ids, what)
        .execute(tx)
        .await?;
    Ok(())
}

/// [`audit_import`]'s entry bound to any connection's query.
pub(super) fn bind_import<'q, DB: sqlx::Database>(
    q: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    actor: &Actor,
    ids: &[i64],
    what: &str,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let summary = serde_json::json!({ "count": ids.len(), "source": what });
    let range = format!(
        "{}..{}",
        ids.first().unwrap_or(&0),
        ids.last().unwrap_or(&0)
    );
    audit::bind_entry::<_, (), _>(q, actor, "import", "person", range, None, Some(&summary))
}

/// A person's stored fields as bind values, in the order of `INSERT INTO persons (nik,
/// kk_number, name, name_lower, sex, birth_date, village_code, district_code, rt, rw,
/// address, phone, dtks_registered, dtks_ref, notes, household_role, occupation, …)`:
/// one list for create and update.
pub(super) fn add_person_args<'q>(a: &mut AnyArguments<'q>, p: &'q ValidPerson) -> Result<()> {
    add_arg(a, p.nik.as_str())?;
    add_arg(a, p.kk_number.as_ref().map(|k| k.as_str().to_string()))?;
    add_arg(a, p.name.as_str())?;
    add_arg(a, p.name.to_lowercase())?;
    add_arg(a, p.sex.code())?;
    add_arg(a, p.birth_date.format("%Y-%m-%d").to_string())?;
    add_arg(a, p.village_code.as_str())?;
    add_arg(a, p.village_code.district().as_str().to_string())?;
    add_arg(a, &p.rt)?;
    add_arg(a, &p.rw)?;
    add_arg(a, &p.address)?;
    add_arg(a, &p.phone)?;
    add_arg(a, p.dtks_registered as i64)?;
    add_arg(a, &p.dtks_ref)?;
    add_arg(a, &p.notes)?;
    add_arg(a, p.household_role.map(|r| r.code()))?;
    add_arg(a, p.occupation.map(|o| o.code()))
}

pub(super) fn add_arg<'q, T>(a: &mut AnyArguments<'q>, v: T) -> Result<()>
where
    T: 'q + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    a.add(v).map_err(|e| sqlx::Error::Encode(e).into())
}

/// Rows per multi-row INSERT: 19 parameters each stays under SQLite's 32,766.
pub(super) const BULK_ROWS: usize = 1000;

/// Inserts persons (`first` is the index of `ps[0]` in the whole batch, for the error)
/// and their categories; returns their ids in order. The caller indexes their names. A NIK already registered is a
/// conflict naming the row (`nik[i]`).
pub(super) async fn insert_chunk(
    conn: &mut AnyConnection,
    backend: crate::store::Backend,
    ps: &[ValidPerson],
    first: usize,
    now: &str,
) -> Result<Vec<i64>> {
    // Registered since the file was checked (or twice in it): say which row.
    let one_row = values_list(backend, 1, ps.len(), 0);
    let sql = format!("SELECT nik FROM persons WHERE nik IN {one_row}");
    let mut q = sqlx::query_as::<_, (String,)>(&sql);
    for p in ps {
        q = q.bind(p.nik.as_str());
    }
    if let Some((taken,)) = q.fetch_optional(&mut *conn).await? {
        let i = ps.iter().position(|p| p.nik.as_str() == taken).unwrap_or(0);
        return Err(StoreError::conflict(
            &format!("nik[{}]", first + i),
            Msg::new("person.nik_taken"),
        ));
    }
    let sql = format!(
        "INSERT INTO persons (nik, kk_number, name, name_lower, sex, birth_date, village_code,
           district_code, rt, rw, address, phone, dtks_registered, dtks_ref, notes, household_role,
           occupation, created_at, updated_at)
         VALUES {} RETURNING id, nik",
        values_list(backend, ps.len(), 19, 0)
    );
    let mut args = AnyArguments::default();
    for p in ps {
        add_person_args(&mut args, p)?;
        add_arg(&mut args, now)?;
        add_arg(&mut args, now)?;
    }
    let q = sqlx::query_as_with::<_, (i64, String), _>(&sql, args);
    let returned = q.fetch_all(&mut *conn).await.map_err(unique_as_conflict(
        &format!("nik[{first}]"),
        Msg::new("person.nik_taken"),
    ))?;
    // RETURNING order is not promised: map back by NIK.
    let by_nik: std::collections::HashMap<&str, i64> = returned
        .iter()
        .map(|(id, nik)| (nik.as_str(), *id))
        .collect();
    let ids: Vec<i64> = ps
        .iter()
        .map(|p| by_nik.get(p.nik.as_str()).copied().unwrap_or(0))
        .collect();
    let cats: Vec<(i64, &str)> = ps
        .iter()
        .zip(&ids)
        .flat_map(|(p, id)| p.categories.iter().map(move |c| (*id, c.code())))
        .collect();
    insert_person_texts(
        conn,
        backend,
        "person_categories (person_id, category)",
        &cats,
    )
    .await?;
    Ok(ids)
}
