//! The registry of persons. Area scoping: a list or read can be confined to kecamatan.
use crate::store::batch::{Batch, Read};
use crate::store::error::unique_as_conflict;
use crate::store::sql::{values_list, Sorts, Where};
use crate::store::{audit, Actor, Page, Paging, Result, Store, StoreError};
use domain::nik::Sex;
use domain::person::ValidPerson;
use domain::Msg;
use serde::{Deserialize, Serialize};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyConnection, Arguments, FromRow, Row};

mod bulk;
mod candidates;
mod copy;
mod dtsen;
mod usulan;
pub use usulan::UsulanRow;
mod history;
pub(crate) use bulk::*;
pub use candidates::{Among, Match};
pub use history::HistoryRow;

#[derive(Debug, Clone, Serialize, PartialEq, FromRow)]
pub struct Person {
    pub id: i64,
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub sex: Sex,
    pub birth_date: crate::store::Date,
    pub village_code: String,
    pub district_code: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    #[sqlx(skip)]
    pub categories: Vec<String>,
    pub dtks_registered: crate::store::Flag,
    pub dtks_ref: Option<String>,
    pub notes: Option<String>,
    /// A `HouseholdRole` code; none: not known.
    pub household_role: Option<String>,
    /// An `Occupation` code; none: not known.
    pub occupation: Option<String>,
    /// The DTSEN decile of the latest extract; none: not in it (or no extract yet).
    pub dtsen_decile: Option<i64>,
    /// The latest extract's period; none: no extract imported yet.
    pub dtsen_period: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Set when this record was merged into another (it is then retired).
    pub merged_into: Option<i64>,
    /// Set while processing is restricted at the person's request (UU 27/2022).
    pub restricted_at: Option<String>,
}

pub(crate) const COLS: &str =
    "id, nik, kk_number, name, sex, birth_date, village_code, district_code, rt, rw, \
                    address, phone, dtks_registered, dtks_ref, notes, household_role, occupation, \
                    CASE WHEN dtsen_import = (SELECT MAX(id) FROM dtsen_imports) THEN dtsen_decile END AS dtsen_decile, \
                    (SELECT period FROM dtsen_imports ORDER BY id DESC LIMIT 1) AS dtsen_period, \
                    created_at, updated_at, merged_into, restricted_at";

/// A person's DTSEN decile as the latest extract has it (none: not in it), for a query
/// of `persons p`.
pub(crate) const DTSEN_DECILE: &str =
    "CASE WHEN p.dtsen_import = (SELECT MAX(id) FROM dtsen_imports) THEN p.dtsen_decile END";

/// Persons (`p`) whose data may be processed: not restricted at their request (UU
/// 27/2022). A restricted record leaves lists, exports, reports and counts until lifted.
pub(crate) const PROCESSED: &str = "p.restricted_at IS NULL";

/// The persons list's filters, read straight from its query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonFilter {
    /// Part of the name, or the start of the NIK (digits).
    pub q: Option<String>,
    pub village_code: Option<String>,
    pub district_code: Option<String>,
    /// `fakir_miskin`, `wrse`, `lansia`, `anak`, `disabilitas`
    pub category: Option<String>,
    /// `name` (default), `birth_date`, `created_at`, `nik`; `-` before: descending.
    pub sort: Option<String>,
    /// Only persons born on or before this day (`YYYY-MM-DD`): adults, for a role that
    /// does not read children's records. Set by the application, never read from a query.
    #[serde(skip)]
    #[param(ignore)]
    pub born_by: Option<String>,
}

/// Kecamatan a caller is confined to (`None`: the whole region).
pub type Scope<'a> = Option<&'a [String]>;

pub(crate) fn scope_filter(w: &mut Where, col: &str, scope: Scope<'_>) {
    if let Some(ds) = scope {
        if ds.is_empty() {
            w.raw("1 = 0");
            return;
        }
        let sql = format!("{col} IN ({})", vec!["?"; ds.len()].join(", "));
        w.cond_seq(&sql, ds.to_vec());
    }
}

/// How the persons list sorts.
pub const SORTS: Sorts = Sorts {
    columns: &[
        ("name", "name_lower"),
        ("birth_date", "birth_date"),
        ("created_at", "id"),
        ("nik", "nik"),
    ],
    tie: "id",
    default: "name_lower, id",
};

/// A person of a list, with the categories its statement aggregated (`category_list`).
struct Listed(Person);

impl<'r> FromRow<'r, AnyRow> for Listed {
    fn from_row(row: &'r AnyRow) -> sqlx::Result<Listed> {
        let mut p = Person::from_row(row)?;
        p.categories = category_list(row)?;
        Ok(Listed(p))
    }
}

fn category_list(row: &AnyRow) -> sqlx::Result<Vec<String>> {
    let list: Option<String> = row.try_get("category_list")?;
    let mut v: Vec<String> = list
        .map(|l| l.split(',').map(String::from).collect())
        .unwrap_or_default();
    v.sort();
    Ok(v)
}

/// A row of the persons list page: only the columns it shows. Each column of each
/// row is a conversion through sqlx's Any driver, most of a list page's time.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub id: i64,
    pub nik: String,
    pub name: String,
    pub sex: Sex,
    pub birth_date: crate::store::Date,
    pub village_code: String,
    pub categories: Vec<String>,
}

const ROW_COLS: &str = "id, nik, name, sex, birth_date, village_code";

impl<'r> FromRow<'r, AnyRow> for PersonRow {
    fn from_row(row: &'r AnyRow) -> sqlx::Result<PersonRow> {
        Ok(PersonRow {
            id: row.try_get("id")?,
            nik: row.try_get("nik")?,
            name: row.try_get("name")?,
            sex: Sex::try_from(row.try_get::<String, _>("sex")?)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            birth_date: row.try_get("birth_date")?,
            village_code: row.try_get("village_code")?,
            categories: category_list(row)?,
        })
    }
}

/// Gives each person their (person id, category) rows.
pub(crate) fn assign_categories(persons: &mut [Person], rows: Vec<(i64, String)>) {
    for p in persons.iter_mut() {
        p.categories = rows
            .iter()
            .filter(|(id, _)| *id == p.id)
            .map(|(_, c)| c.clone())
            .collect();
    }
}

pub(crate) async fn get_in(conn: &mut AnyConnection, id: i64) -> Result<Person> {
    let p = person_of(id).all(&mut *conn).await?.pop();
    let categories = categories_of(id).all(conn).await?;
    with_categories(p, categories)
}

fn person_of(id: i64) -> Read<Person> {
    Read::new(
        format!("SELECT {COLS} FROM persons WHERE id = $1"),
        vec![id.into()],
    )
}

fn categories_of(id: i64) -> Read<(String,)> {
    Read::new(
        "SELECT category FROM person_categories WHERE person_id = $1 ORDER BY category",
        vec![id.into()],
    )
}

fn with_categories(p: Option<Person>, categories: Vec<(String,)>) -> Result<Person> {
    let mut p = p.ok_or(StoreError::NotFound)?;
    p.categories = categories.into_iter().map(|c| c.0).collect();
    Ok(p)
}

/// What a person's page shows, read in one round trip.
pub struct PersonReads {
    pub person: Person,
    pub history: Vec<HistoryRow>,
    pub consents: Vec<crate::store::protection::Consent>,
    pub photos: Vec<crate::store::attachments::AttachmentInfo>,
}

impl Store {
    /// A person, their history, consents and photos in one round trip (a [`Batch`]);
    /// the caller decides afterwards whether the person is theirs to see.
    pub async fn person_reads(&self, id: i64) -> Result<PersonReads> {
        let mut b = Batch::new(self.backend());
        let person = b.add(person_of(id))?;
        let categories = b.add(categories_of(id))?;
        let history = b.add(history::history_of(id))?;
        let consents = b.add(crate::store::protection::consents_of(id))?;
        let photos = b.add(crate::store::attachments::attached_to("person", id))?;
        let mut rows = b.run(&mut *self.pool.acquire().await?).await?;
        Ok(PersonReads {
            person: with_categories(rows.optional(person)?, rows.all(categories)?)?,
            history: rows.all(history)?,
            consents: rows.all(consents)?,
            photos: rows.all(photos)?,
        })
    }
}

async fn write_categories(conn: &mut AnyConnection, id: i64, p: &ValidPerson) -> Result<()> {
    sqlx::query("DELETE FROM person_categories WHERE person_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for c in &p.categories {
        sqlx::query("INSERT INTO person_categories (person_id, category) VALUES ($1, $2)")
            .bind(id)
            .bind(c.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A person who can take part in something new (a KUBE, a programme, a training):
/// registered and not retired by a merge. Otherwise an error on `field`.
pub(crate) async fn ensure_current(conn: &mut AnyConnection, id: i64, field: &str) -> Result<()> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT merged_into FROM persons WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    match row {
        None => Err(domain::Invalid::field(field, Msg::new("kube.person_unknown").arg(id)).into()),
        Some((Some(kept),)) => Err(StoreError::conflict(
            field,
            Msg::new("person.merged").arg(kept),
        )),
        Some((None,)) => Ok(()),
    }
}

impl Store {
    pub async fn person_create(&self, actor: &Actor, p: &ValidPerson) -> Result<Person> {
        let mut tx = self.tx().await?;
        let ids = insert_chunk(
            &mut tx,
            self.backend(),
            std::slice::from_ref(p),
            0,
            &self.now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict { msg, .. } => StoreError::Conflict {
                field: "nik".into(),
                msg,
            },
            e => e,
        })?;
        let id = ids[0];
        index_names(&mut tx, self.backend(), &[(id, p.name.as_str())]).await?;
        let created = get_in(&mut tx, id).await?;
        audit::record::<(), _>(&mut tx, actor, "create", "person", id, None, Some(&created))
            .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Registers many persons in one transaction: all of them or (on any error) none.
    /// Returns their ids in order. One audit entry records the batch. Rows go in
    /// multi-row statements: per-statement overhead, not the database, bounds a large
    /// import otherwise.
    pub async fn person_create_many(
        &self,
        actor: &Actor,
        ps: &[ValidPerson],
        what: &str,
    ) -> Result<Vec<i64>> {
        if self.backend() == crate::store::Backend::Postgres && ps.len() >= copy::COPY_ROWS {
            return self.person_copy_many(actor, ps, what).await;
        }
        let mut tx = self.tx().await?;
        let big = self.backend() == crate::store::Backend::Sqlite && ps.len() > 10 * BULK_ROWS;
        if big {
            // With SQLite's default 2 MB page cache a large import spills pages and reads
            // them back: widened for this connection only, and narrowed again whatever
            // the outcome (the connection returns to the pool).
            sqlx::query("PRAGMA cache_size = -262144")
                .execute(&mut *tx)
                .await?;
        }
        let r = create_many_in(&mut tx, self.backend(), actor, ps, what, big).await;
        if big {
            sqlx::query("PRAGMA cache_size = -2000")
                .execute(&mut *tx)
                .await?;
        }
        let ids = r?;
        tx.commit().await?;
        if big {
            self.tallies_fold_after_bulk().await;
        }
        Ok(ids)
    }

    /// [`Store::person_create_many`] on PostgreSQL: the rows by `COPY`, straight into an
    /// empty registry, or else into staging tables moved into the registry inside one
    /// transaction with the audit entry.
    async fn person_copy_many(
        &self,
        actor: &Actor,
        ps: &[ValidPerson],
        what: &str,
    ) -> Result<Vec<i64>> {
        if let Some(ids) = copy::load_into_empty(&self.url, actor, ps, what).await? {
            return Ok(ids);
        }
        let stage = copy::Stage::fill(&self.url, ps).await?;
        let r = async {
            let mut tx = self.tx().await?;
            let ids = stage.move_into(&mut tx, &actor.now()).await?;
            audit_import(&mut tx, actor, &ids, what).await?;
            tx.commit().await?;
            Ok(ids)
        }
        .await;
        if r.is_err() {
            stage.discard(&self.pool).await;
        }
        r
    }

    pub async fn person_get(&self, id: i64) -> Result<Person> {
        let mut conn = self.pool.acquire().await?;
        get_in(&mut conn, id).await
    }

    pub async fn person_update(&self, actor: &Actor, id: i64, p: &ValidPerson) -> Result<Person> {
        let mut tx = self.tx().await?;
        let before = get_in(&mut tx, id).await?;
        if let Some(kept) = before.merged_into {
            return Err(StoreError::conflict(
                "id",
                Msg::new("person.merged").arg(kept),
            ));
        }
        let mut args = AnyArguments::default();
        add_person_args(&mut args, p)?;
        add_arg(&mut args, self.now())?;
        add_arg(&mut args, id)?;
        sqlx::query_with(
            "UPDATE persons SET nik = $1, kk_number = $2, name = $3, name_lower = $4, sex = $5,
               birth_date = $6, village_code = $7, district_code = $8, rt = $9, rw = $10,
               address = $11, phone = $12, dtks_registered = $13, dtks_ref = $14, notes = $15,
               household_role = $16, occupation = $17, updated_at = $18
             WHERE id = $19",
            args,
        )
        .execute(&mut *tx)
        .await
        .map_err(unique_as_conflict("nik", Msg::new("person.nik_taken")))?;
        write_categories(&mut tx, id, p).await?;
        sqlx::query("DELETE FROM person_words WHERE person_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        index_names(&mut tx, self.backend(), &[(id, p.name.as_str())]).await?;
        let after = get_in(&mut tx, id).await?;
        audit::record(
            &mut tx,
            actor,
            "update",
            "person",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn person_list(
        &self,
        f: &PersonFilter,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<Person>> {
        let page: Page<Listed> = self.person_page(f, scope, paging, COLS).await?;
        Ok(page.map(|l| l.0))
    }

    /// [`Store::person_list`] with only what the list page shows.
    pub async fn person_list_rows(
        &self,
        f: &PersonFilter,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<PersonRow>> {
        self.person_page(f, scope, paging, ROW_COLS).await
    }

    /// A page of persons read as `T` from `cols` and their categories (`category_list`).
    async fn person_page<T>(
        &self,
        f: &PersonFilter,
        scope: Scope<'_>,
        paging: Paging,
        cols: &str,
    ) -> Result<Page<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let q = crate::store::sql::nonempty(&f.q);
        let by_words = |q: &str| {
            let mut w = Where::new();
            // Every word typed must start a word of the name (spelling variants
            // unified): "siti am" finds "Siti Aminah", "sukarno" finds "Soekarno".
            // The word index alone intersects the words; persons are read after.
            let mut parts = Vec::new();
            let mut args = Vec::new();
            for word in name_words(q) {
                args.push(word.clone());
                match crate::store::sql::prefix_upper(&word) {
                    Some(upper) => {
                        parts.push(
                            "SELECT person_id FROM person_words WHERE word >= ? AND word < ?",
                        );
                        args.push(upper);
                    }
                    None => parts.push("SELECT person_id FROM person_words WHERE word >= ?"),
                }
            }
            if parts.is_empty() {
                w.raw("1 = 0");
            } else {
                w.cond_seq(&format!("id IN ({})", parts.join(" INTERSECT ")), args);
            }
            w
        };
        let filtered = |mut w: Where| {
            with_filters(&mut w, f, scope);
            w
        };
        // Categories come in the same statement as the persons and their count.
        let cols = format!(
            "{cols}, (SELECT string_agg(c.category, ',') FROM person_categories c \
             WHERE c.person_id = persons.id) AS category_list"
        );
        let list = |w: Where| {
            let cols = &cols;
            async move {
                w.page(
                    self.reading(),
                    cols,
                    "persons",
                    &SORTS.order(&f.sort),
                    paging,
                )
                .await
            }
        };
        let w = match &q {
            Some(q) if q.len() >= 4 && q.chars().all(|c| c.is_ascii_digit()) => {
                // A range, not LIKE: it walks the unique NIK index.
                let mut w = Where::new();
                w.starts_with("nik", q);
                filtered(w)
            }
            // Several words: most often a name typed from its start, which the name
            // index answers at once; the word intersection only when that finds nobody.
            Some(q) if q.split_whitespace().count() > 1 => {
                let mut w = Where::new();
                w.starts_with("name_lower", &q.to_lowercase());
                let page = list(filtered(w)).await?;
                if page.total > 0 {
                    return Ok(page);
                }
                filtered(by_words(q))
            }
            Some(q) => filtered(by_words(q)),
            None => filtered(Where::new()),
        };
        list(w).await
    }

    /// Registered persons a new record could duplicate: born on the same date (or with
    /// day and month swapped), in the same family card, with the same NIK up to the
    /// serial, or with the same name in the same kecamatan. The finder scores them.
    pub async fn person_duplicate_candidates(
        &self,
        p: &ValidPerson,
        exclude: Option<i64>,
    ) -> Result<Vec<Person>> {
        let birth = p.birth_date.format("%Y-%m-%d").to_string();
        let swapped = p.birth_date.format("%Y-%d-%m").to_string();
        let prefix = &p.nik.as_str()[..12];
        let sql = format!(
            "SELECT {COLS} FROM persons
             WHERE merged_into IS NULL AND id <> $1
               AND (birth_date = $2 OR birth_date = $3 OR kk_number = $4
                    OR (nik >= $5 AND nik < $6)
                    OR (district_code = $7 AND name_lower = $8))
             ORDER BY id LIMIT 500"
        );
        Ok(sqlx::query_as(&sql)
            .bind(exclude.unwrap_or(-1))
            .bind(&birth)
            .bind(&swapped)
            .bind(p.kk_number.as_ref().map(|k| k.as_str()).unwrap_or("-"))
            .bind(prefix)
            // Twelve digits never all '9' in a valid NIK: there is always an upper bound.
            .bind(crate::store::sql::prefix_upper(prefix).unwrap_or_else(|| format!("{prefix}:")))
            .bind(p.village_code.district().as_str())
            .bind(p.name.to_lowercase())
            .fetch_all(&self.pool)
            .await?)
    }
}

/// The list filters besides the search text, and the area, on current records.
fn with_filters(w: &mut Where, f: &PersonFilter, scope: Scope<'_>) {
    w.eq("village_code", &f.village_code);
    w.eq("district_code", &f.district_code);
    if let Some(c) = crate::store::sql::nonempty(&f.category) {
        w.cond(
            "id IN (SELECT person_id FROM person_categories WHERE category = ?)",
            c,
        );
    }
    scope_filter(w, "district_code", scope);
    if let Some(d) = &f.born_by {
        w.cond("birth_date <= ?", d.clone());
    }
    // Retired (merged) records leave the registry; they stay reachable by id. So do
    // records whose processing is restricted (UU 27/2022), until it is lifted.
    w.raw("merged_into IS NULL AND restricted_at IS NULL");
}

/// The distinct normalised words of a name, as searched: every word written, the
/// father's name after BIN/BINTI too.
pub fn name_words(name: &str) -> Vec<String> {
    let mut w: Vec<String> = domain::dedup::spelled(name)
        .split_whitespace()
        .map(String::from)
        .collect();
    w.sort();
    w.dedup();
    w
}

impl Store {
    /// For each NIK that is registered: (NIK, person id, kecamatan, name). Looked up in
    /// chunks so that a large import makes few queries.
    pub async fn person_ids_by_nik(
        &self,
        niks: &[String],
    ) -> Result<Vec<(String, i64, String, String)>> {
        let mut out = Vec::new();
        // A first large import (a regency's whole registry) asks a thousand chunks of an
        // empty table: one question instead.
        if niks.len() > BULK_ROWS {
            let any: Option<(i64,)> = sqlx::query_as("SELECT id FROM persons LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
            if any.is_none() {
                return Ok(out);
            }
        }
        for chunk in niks.chunks(BULK_ROWS) {
            let sql = format!(
                "SELECT nik, id, district_code, name FROM persons WHERE nik IN {}",
                values_list(self.backend(), 1, chunk.len(), 0)
            );
            let mut q = sqlx::query_as::<_, (String, i64, String, String)>(&sql);
            for n in chunk {
                q = q.bind(n);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    /// Persons among `ids` who are active members of a KUBE: (person id, KUBE name).
    pub async fn person_list_in_active_kube(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(|i| i.to_string()).collect();
            // Integers from the database, not user text.
            let sql = format!(
                "SELECT m.person_id, k.name FROM kube_members m JOIN kube k ON k.id = m.kube_id
                 WHERE m.left_on IS NULL AND m.person_id IN ({})",
                list.join(",")
            );
            out.extend(
                sqlx::query_as::<_, (i64, String)>(&sql)
                    .fetch_all(&self.pool)
                    .await?,
            );
        }
        Ok(out)
    }
}
