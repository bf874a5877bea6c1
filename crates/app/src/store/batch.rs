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
//! simple protocol takes no parameters: the values go into the text as literals
//! ([`Lit`]), integers as `CAST(n AS BIGINT)` (the type a
//! bound `i64` has), text quoted: `'…'` on SQLite (no escapes), `E'…'` on PostgreSQL
//! (backslash escapes, read the same whatever `standard_conforming_strings` says).
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
    /// The value as an SQL literal; `None` for text SQL cannot hold (a NUL character).
    fn sql(&self, backend: Backend) -> Option<String> {
        match (self, backend) {
            (Lit::Int(v), _) => Some(format!("CAST({v} AS BIGINT)")),
            (Lit::Text(s), _) if s.contains('\0') => None,
            (Lit::Text(s), Backend::Sqlite) => Some(format!("'{}'", s.replace('\'', "''"))),
            (Lit::Text(s), Backend::Postgres) => Some(format!(
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
            rows: PhantomData,
        }
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

    /// The text for a batch whose earlier reads took `base` values: on PostgreSQL each
    /// `$N` outside quotes replaced by its value, on SQLite renumbered `$(base + N)`
    /// with the values to bind (SQLite numbers a multi-statement text's parameters
    /// across its statements).
    fn placed(&self, backend: Backend, base: usize) -> Result<(String, &[Lit])> {
        let bad = || {
            StoreError::Db(sqlx::Error::Protocol(format!(
                "a batched read has a bad value: {}",
                self.sql
            )))
        };
        let mut out = String::with_capacity(self.sql.len() + 16 * self.args.len());
        let mut quote: Option<char> = None;
        let mut chars = self.sql.chars().peekable();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '$') if chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                    let mut n = 0usize;
                    while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                        n = n * 10 + d as usize;
                        chars.next();
                    }
                    let lit = n
                        .checked_sub(1)
                        .and_then(|i| self.args.get(i))
                        .ok_or_else(bad)?;
                    match backend {
                        Backend::Postgres => out.push_str(&lit.sql(backend).ok_or_else(bad)?),
                        Backend::Sqlite => out.push_str(&format!("${}", base + n)),
                    }
                    continue;
                }
                _ => {}
            }
            out.push(c);
        }
        if backend == Backend::Sqlite && self.args.iter().any(|a| a.sql(backend).is_none()) {
            return Err(bad());
        }
        Ok(match backend {
            Backend::Postgres => (out, &[]),
            Backend::Sqlite => (out, &self.args),
        })
    }
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
    /// The values to bind (SQLite only).
    args: Vec<Lit>,
    count: usize,
}

impl Batch {
    pub fn new(backend: Backend) -> Batch {
        Batch {
            backend,
            sql: String::new(),
            args: Vec::new(),
            count: 0,
        }
    }

    pub fn add<T>(&mut self, r: Read<T>) -> Result<Slot<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let (sql, args) = r.placed(self.backend, self.args.len())?;
        self.sql.push_str(&sql);
        self.sql.push_str(";\n");
        // A value used twice in a read is bound once: `$N` names its place.
        self.args.extend(args.iter().cloned());
        self.count += 1;
        Ok(Slot {
            index: self.count - 1,
            rows: PhantomData,
        })
    }

    /// Sends every read in one round trip; the rows of each, in order.
    pub async fn run(self, conn: &mut AnyConnection) -> Result<Rows> {
        let mut sets: Vec<Vec<AnyRow>> = Vec::with_capacity(self.count);
        let mut current = Vec::new();
        // PostgreSQL: the simple protocol, values written in. SQLite: prepared once per
        // page shape and kept by the connection (the text does not change with the
        // values), values bound.
        let mut stream = match self.backend {
            Backend::Postgres => sqlx::raw_sql(&self.sql).fetch_many(conn),
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
        if sets.len() != self.count {
            return Err(StoreError::Db(sqlx::Error::Protocol(format!(
                "a batch of {} reads answered {} results",
                self.count,
                sets.len()
            ))));
        }
        Ok(Rows(sets.into_iter().map(Some).collect()))
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
