//! Reads that a page needs together, sent to the database as one round trip.
//!
//! A page of sikube reads a dozen small things (a group, its members, visits, assets,
//! history …). Sent one by one, every statement is a round trip: on PostgreSQL a message
//! exchange and a transaction of its own, on SQLite a hand-off to the connection's
//! thread — and the round trips, not the reads, were most of a page's cost. A [`Batch`]
//! sends its statements as one multi-statement text (PostgreSQL's simple query protocol,
//! SQLite's statement tail), so they run one after the other in one exchange; on
//! PostgreSQL in one implicit transaction. On SQLite the text is prepared once per page
//! shape and its values bound (parameters numbered across the statements). PostgreSQL's
//! simple protocol takes no parameters: each read is prepared on the connection once
//! (`PREPARE`) and the batch `EXECUTE`s them with the values written in as literals
//! ([`Lit`]): integers as `CAST(n AS BIGINT)` (the type a bound `i64` has), text as
//! `E'…'` (backslash escapes, read the same whatever `standard_conforming_strings` says).
//!
//! A query is written once as a [`Read`]: run alone (prepared, values bound) or added to
//! a batch; both decode the same rows the same way.
use std::marker::PhantomData;

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Either, FromRow};

use crate::store::{Backend, Result, StoreError};

/// A value for a `$N` of a [`Read`].
#[derive(Debug, Clone)]
pub(crate) enum Lit {
    Int(i64),
    Text(String),
}

impl From<i64> for Lit {
    fn from(v: i64) -> Lit {
        Lit::Int(v)
    }
}

impl From<&str> for Lit {
    fn from(v: &str) -> Lit {
        Lit::Text(v.to_string())
    }
}

impl From<String> for Lit {
    fn from(v: String) -> Lit {
        Lit::Text(v)
    }
}

impl From<crate::store::Date> for Lit {
    fn from(v: crate::store::Date) -> Lit {
        Lit::Text(v.format("%Y-%m-%d").to_string())
    }
}

impl Lit {
    /// The value as a PostgreSQL literal; `None` for text SQL cannot hold (a NUL
    /// character).
    fn sql(&self) -> Option<String> {
        match self {
            Lit::Int(v) => Some(format!("CAST({v} AS BIGINT)")),
            Lit::Text(s) if s.contains('\0') => None,
            Lit::Text(s) => Some(format!(
                "E'{}'",
                s.replace('\\', "\\\\").replace('\'', "\\'")
            )),
        }
    }
}

/// One query and its values, whose rows decode as `T`.
pub(crate) struct Read<T> {
    sql: String,
    args: Vec<Lit>,
    /// Planned once for any values (see [`GENERIC_PLANS`]).
    generic: bool,
    rows: PhantomData<fn() -> T>,
}

impl<T> Read<T>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    pub fn new(sql: impl Into<String>, args: Vec<Lit>) -> Read<T> {
        Read {
            sql: sql.into(),
            args,
            generic: false,
            rows: PhantomData,
        }
    }

    /// This read planned once for any values in a batch on PostgreSQL (with the batch's
    /// other reads), where PostgreSQL would otherwise plan it anew at each view.
    pub fn generic(mut self) -> Read<T> {
        self.generic = true;
        self
    }

    /// Runs this read alone, as a prepared statement with its values bound, on a
    /// connection or a pool.
    pub async fn all<'c, E>(self, conn: E) -> Result<Vec<T>>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        let mut q = sqlx::query_as::<_, T>(&self.sql);
        for a in self.args {
            q = match a {
                Lit::Int(v) => q.bind(v),
                Lit::Text(s) => q.bind(s),
            };
        }
        Ok(q.fetch_all(conn).await?)
    }

    /// This read refused: a value SQL cannot hold, or a `$N` without its value.
    fn bad(&self) -> StoreError {
        StoreError::Db(sqlx::Error::Protocol(format!(
            "a batched read has a bad value: {}",
            self.sql
        )))
    }

    /// SQLite: the text for a batch whose earlier reads took `base` values, each `$N`
    /// outside quotes renumbered `$(base + N)` (SQLite numbers a multi-statement text's
    /// parameters across its statements). Every `$N` must have its value, and no text
    /// value may hold a NUL (SQL cannot).
    fn placed(&self, base: usize) -> Result<String> {
        let bad = || self.bad();
        if self.args.iter().any(|a| a.sql().is_none()) {
            return Err(bad());
        }
        let mut out = String::with_capacity(self.sql.len() + 4 * self.args.len());
        let mut from = 0;
        for (at, len, n) in params(&self.sql) {
            if n == 0 || n > self.args.len() {
                return Err(bad());
            }
            out.push_str(&self.sql[from..at]);
            out.push_str(&format!("${}", base + n));
            from = at + len;
        }
        out.push_str(&self.sql[from..]);
        Ok(out)
    }

    /// PostgreSQL: this read as a statement prepared on the connection under a name
    /// its text and value types give: the statement to prepare (its name, parameter
    /// types and text) and the `EXECUTE` with the values written in (the simple protocol
    /// carries it). Parameters are declared `bigint` and `text`, the types a bound `i64`
    /// and `String` have, so the read means what it means alone.
    fn prepared(self) -> Result<(Prepared, String)> {
        use std::hash::{Hash, Hasher};
        let values = match self
            .args
            .iter()
            .map(Lit::sql)
            .collect::<Option<Vec<String>>>()
        {
            Some(v) if params_within(&self.sql, v.len()) => v,
            _ => return Err(self.bad()),
        };
        let types: Vec<&str> = self
            .args
            .iter()
            .map(|a| match a {
                Lit::Int(_) => "bigint",
                Lit::Text(_) => "text",
            })
            .collect();
        let types = types.join(", ");
        let mut h = std::hash::DefaultHasher::new();
        (&types, &self.sql).hash(&mut h);
        let name = format!("sikube_{:016x}", h.finish());
        let execute = if values.is_empty() {
            format!("EXECUTE {name}")
        } else {
            format!("EXECUTE {name}({})", values.join(", "))
        };
        Ok((
            Prepared {
                name,
                types,
                sql: self.sql,
            },
            execute,
        ))
    }
}

/// The `$N` of `sql` outside quotes: where each starts, its length and its `N`.
fn params(sql: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let b = sql.as_bytes();
    let (mut i, mut quote) = (0, None);
    std::iter::from_fn(move || {
        while i < b.len() {
            let at = i;
            i += 1;
            match (quote, b[at]) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, c @ (b'\'' | b'"')) => quote = Some(c),
                (None, b'$') => {
                    let digits = b[i..].iter().take_while(|d| d.is_ascii_digit()).count();
                    if digits > 0 {
                        i += digits;
                        let n = sql[at + 1..i].parse().unwrap_or(usize::MAX);
                        return Some((at, 1 + digits, n));
                    }
                }
                _ => {}
            }
        }
        None
    })
}

/// Every `$N` of `sql` has one of `n` values (PostgreSQL: the text is sent as it is, so
/// this only looks, without building a copy).
fn params_within(sql: &str, n: usize) -> bool {
    params(sql).all(|(_, _, k)| (1..=n).contains(&k))
}

/// A read as PostgreSQL prepares it on a connection.
struct Prepared {
    name: String,
    /// `bigint, text, …`; empty without parameters.
    types: String,
    sql: String,
}

/// A row of a page with the count of every matching row beside it (`page_total`, read
/// by `Where::page_read`); `None` where the page was read uncounted.
pub(crate) struct Counted<T> {
    pub item: T,
    pub total: Option<i64>,
}

impl<'r, T: FromRow<'r, AnyRow>> FromRow<'r, AnyRow> for Counted<T> {
    fn from_row(row: &'r AnyRow) -> sqlx::Result<Self> {
        Ok(Counted {
            item: T::from_row(row)?,
            total: match sqlx::Row::try_get(row, "page_total") {
                Ok(n) => Some(n),
                Err(sqlx::Error::ColumnNotFound(_)) => None,
                Err(e) => return Err(e),
            },
        })
    }
}

impl<T> Counted<T> {
    /// The page these rows are, read at `paging`'s offset 0 or within the rows (a
    /// page past the end cannot tell the count: `Where::page` reads it again).
    pub fn page(rows: Vec<Counted<T>>, paging: crate::store::Paging) -> crate::store::Page<T> {
        let total = rows
            .first()
            .and_then(|r| r.total)
            .unwrap_or(paging.offset + rows.len() as i64);
        crate::store::Page {
            items: rows.into_iter().map(|r| r.item).collect(),
            total,
            limit: paging.limit,
            offset: paging.offset,
        }
    }
}

/// Where a read's rows are in a batch's results.
pub(crate) struct Slot<T> {
    index: usize,
    rows: PhantomData<fn() -> T>,
}

/// Reads gathered to be sent together.
pub(crate) struct Batch {
    backend: Backend,
    sql: String,
    /// The values to bind (SQLite).
    args: Vec<Lit>,
    /// Each read as prepared on a connection that lacks it (PostgreSQL).
    prepared: Vec<Prepared>,
    /// Planned with [`GENERIC_PLANS`] (PostgreSQL).
    generic: bool,
    count: usize,
}

/// PostgreSQL's code for a statement to execute that was not prepared on this connection.
const NOT_PREPARED: &str = "26000";

fn db_code(e: &StoreError) -> Option<String> {
    match e {
        StoreError::Db(sqlx::Error::Database(d)) => d.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// A batch with a [`Read::generic`] read has its reads planned once for any values
/// (PostgreSQL), for its implicit transaction only. Left to choose, PostgreSQL planned
/// the KUBE page's members and their membership facts anew at every view (on paper a
/// plan for any group costs more than one for the group at hand; it is the same plan):
/// 0.6 ms of planning per view, more than the reads themselves. Not for every batch:
/// the statement costs a little, and elsewhere the plans are kept already.
const GENERIC_PLANS: &str = "SET LOCAL plan_cache_mode = force_generic_plan";

/// A block that prepares on the connection those of `statements` (named `names`) it
/// lacks: PL/pgSQL may run `PREPARE`, and only it can do so conditionally. A connection
/// holding more than [`PREPARED_MOST`] of sikube's first lets them all go: a read whose
/// text varies (a list of ids) must not fill the server's memory, one connection at a
/// time, for as long as the connection lives.
fn prepare_missing(reads: &[Prepared]) -> String {
    let mut block = format!(
        "DO $sikube$ DECLARE n text; BEGIN\n\
         IF (SELECT COUNT(*) FROM pg_prepared_statements WHERE left(name, 7) = 'sikube_') > {PREPARED_MOST} THEN\n\
         FOR n IN SELECT name FROM pg_prepared_statements WHERE left(name, 7) = 'sikube_' LOOP\n\
         EXECUTE 'DEALLOCATE ' || quote_ident(n); END LOOP; END IF;\n"
    );
    for Prepared { name, types, sql } in reads {
        let prepare = match types.as_str() {
            "" => format!("PREPARE {name} AS {sql}"),
            types => format!("PREPARE {name} ({types}) AS {sql}"),
        };
        block.push_str(&format!(
            "IF NOT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = '{name}') THEN EXECUTE {}; END IF;\n",
            Lit::Text(prepare).sql().unwrap_or_default()
        ));
    }
    block.push_str("END $sikube$");
    block
}

/// The most statements a batch leaves prepared on one connection.
const PREPARED_MOST: usize = 200;

impl Batch {
    pub fn new(backend: Backend) -> Batch {
        Batch {
            backend,
            sql: String::new(),
            args: Vec::new(),
            prepared: Vec::new(),
            generic: false,
            count: 0,
        }
    }

    pub fn add<T>(&mut self, r: Read<T>) -> Result<Slot<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        match self.backend {
            Backend::Postgres => {
                self.generic |= r.generic;
                let (prepared, execute) = r.prepared()?;
                self.sql.push_str(&execute);
                self.prepared.push(prepared);
            }
            Backend::Sqlite => {
                self.sql.push_str(&r.placed(self.args.len())?);
                // A value used twice in a read is bound once: `$N` names its place.
                self.args.extend(r.args);
            }
        }
        self.sql.push_str(";\n");
        self.count += 1;
        Ok(Slot {
            index: self.count - 1,
            rows: PhantomData,
        })
    }

    /// Sends every read in one round trip; the rows of each, in order.
    ///
    /// PostgreSQL: the simple protocol (the only one that carries several statements),
    /// each read an `EXECUTE` of a statement prepared on the connection — planned once
    /// per connection, not per view (planning the KUBE page's twelve reads anew cost
    /// more than running them). A connection that lacks one (new, or the page is new to
    /// it) answers "not prepared"; the batch is then sent again behind a block that
    /// prepares what the connection lacks: two round trips, once per connection.
    pub async fn run(self, conn: &mut AnyConnection) -> Result<Rows> {
        let sets = match self.fetch(conn, false).await {
            Err(e) if db_code(&e).as_deref() == Some(NOT_PREPARED) => {
                self.fetch(conn, true).await?
            }
            other => other?,
        };
        if sets.len() != self.count {
            return Err(StoreError::Db(sqlx::Error::Protocol(format!(
                "a batch of {} reads answered {} results",
                self.count,
                sets.len()
            ))));
        }
        Ok(Rows(sets.into_iter().map(Some).collect()))
    }

    /// The reads' rows, sent (PostgreSQL) behind [`GENERIC_PLANS`] where asked and
    /// behind the block that prepares what the connection lacks when `preparing`; the
    /// answers of those leading statements (no rows) are left out.
    async fn fetch(&self, conn: &mut AnyConnection, preparing: bool) -> Result<Vec<Vec<AnyRow>>> {
        let mut sets: Vec<Vec<AnyRow>> = Vec::with_capacity(self.count + 2);
        let mut current = Vec::new();
        let mut lead = Vec::new();
        if self.generic {
            lead.push(GENERIC_PLANS.to_string());
        }
        if preparing {
            lead.push(prepare_missing(&self.prepared));
        }
        let sql = match lead.as_slice() {
            [] => std::borrow::Cow::Borrowed(&self.sql),
            lead => std::borrow::Cow::Owned(lead.join(";\n") + ";\n" + &self.sql),
        };
        let mut stream = match self.backend {
            Backend::Postgres => sqlx::raw_sql(&sql).fetch_many(conn),
            // SQLite: prepared once per page shape and kept by the connection (the text
            // does not change with the values), values bound.
            Backend::Sqlite => {
                let mut args = sqlx::any::AnyArguments::default();
                for a in &self.args {
                    match a {
                        Lit::Int(v) => sqlx::Arguments::add(&mut args, *v),
                        Lit::Text(t) => sqlx::Arguments::add(&mut args, t.clone()),
                    }
                    .map_err(sqlx::Error::Encode)?;
                }
                // Deprecated in sqlx 0.8 (sqlx#3108: only SQLite prepares several statements
                // as one, and a later sqlx may stop); kept for what it saves here — the KUBE
                // page serves 3,600/s this way, 1,950/s with the text prepared anew per view
                // — and checked by `a_batch_answers_what_each_read_answers_alone`.
                #[allow(deprecated)]
                sqlx::query_with(&self.sql, args).fetch_many(conn)
            }
        };
        while let Some(item) = stream.try_next().await? {
            match item {
                Either::Right(row) => current.push(row),
                // The end of one statement.
                Either::Left(_) => sets.push(std::mem::take(&mut current)),
            }
        }
        drop(stream);
        Ok(sets.split_off(lead.len().min(sets.len())))
    }
}

/// The rows a batch answered, taken out read by read.
pub(crate) struct Rows(Vec<Option<Vec<AnyRow>>>);

impl Rows {
    pub fn all<T>(&mut self, slot: Slot<T>) -> Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let rows = self
            .0
            .get_mut(slot.index)
            .and_then(Option::take)
            .unwrap_or_default();
        Ok(rows.iter().map(T::from_row).collect::<Result<_, _>>()?)
    }

    pub fn optional<T>(&mut self, slot: Slot<T>) -> Result<Option<T>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        Ok(self.all(slot)?.into_iter().next())
    }

    pub fn one<T>(&mut self, slot: Slot<T>) -> Result<T>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        self.optional(slot)?.ok_or(StoreError::NotFound)
    }
}

impl crate::store::Store {
    /// One read alone, on the primary.
    pub(crate) async fn read<T>(&self, r: Read<T>) -> Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        r.all(&self.pool).await
    }

    /// A batch on one connection of the pool lists and figures are read from (the
    /// replica where this request allows it).
    pub(crate) async fn read_batch(&self, b: Batch) -> Result<Rows> {
        b.run(&mut *self.reading().acquire().await?).await
    }
}
