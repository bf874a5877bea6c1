//! A small builder for the `WHERE` clause of filtered lists, so every list binds its
//! filters the same way on both backends.
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyPool, Arguments, FromRow};

use crate::store::batch::{Counted, Read};
use crate::store::{Page, Paging};

/// `('a', 'b')`: the codes of an enum that the domain picks, as an SQL list (codes are
/// fixed words, never user text).
pub(crate) fn codes_in<T: Copy>(
    all: &[T],
    keep: impl Fn(T) -> bool,
    code: impl Fn(T) -> &'static str,
) -> String {
    let codes: Vec<String> = all
        .iter()
        .copied()
        .filter(|&t| keep(t))
        .map(|t| format!("'{}'", code(t)))
        .collect();
    format!("({})", codes.join(", "))
}

/// How a list may be sorted: the names a `sort` parameter may hold (a leading `-`:
/// descending), each with its column, the column that breaks ties, and the order when
/// none (or an unknown one) is asked for.
pub struct Sorts {
    pub columns: &'static [(&'static str, &'static str)],
    pub tie: &'static str,
    pub default: &'static str,
}

impl Sorts {
    /// The `ORDER BY` for a `sort` parameter.
    pub fn order(&self, sort: &Option<String>) -> String {
        let s = sort.as_deref().unwrap_or("");
        let (name, desc) = match s.strip_prefix('-') {
            Some(n) => (n, " DESC"),
            None => (s, ""),
        };
        match self.columns.iter().find(|(n, _)| *n == name) {
            Some((_, col)) if *col == self.tie => format!("{col}{desc}"),
            Some((_, col)) => format!("{col}{desc}, {}{desc}", self.tie),
            None => self.default.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

#[derive(Debug, Default, Clone)]
pub struct Where {
    conds: Vec<String>,
    args: Vec<Arg>,
}

/// The smallest string above every string that starts with `prefix` (lowercase letters
/// and digits), for a `>= prefix AND < upper` range that walks an index. Increments the
/// last character, carrying past 'z' and '9' so that no punctuation is involved — its
/// order differs between byte and linguistic collations (PostgreSQL's default).
pub fn prefix_upper(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(c) = chars.pop() {
        if c != 'z' && c != '9' {
            if let Some(n) = char::from_u32(c as u32 + 1) {
                chars.push(n);
                return Some(chars.into_iter().collect());
            }
        }
    }
    None
}

/// The trimmed value of an optional text filter, if it is not empty.
pub fn nonempty(o: &Option<String>) -> Option<String> {
    o.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

impl Where {
    pub fn new() -> Where {
        Where::default()
    }
    // The one placeholder rule: a condition is written with one `?` per value, in order,
    // and the builder numbers them (`$1`, `$2` …, which both backends read).
    fn push(&mut self, sql: &str, vs: impl IntoIterator<Item = Arg>) {
        let mut out = sql.to_string();
        for v in vs {
            self.args.push(v);
            out = out.replacen('?', &format!("${}", self.args.len()), 1);
        }
        self.conds.push(out);
    }
    /// A condition with one text value.
    pub fn cond(&mut self, sql: &str, v: impl Into<String>) {
        self.push(sql, [Arg::Text(v.into())]);
    }
    /// A condition with one integer value.
    pub fn cond_int(&mut self, sql: &str, v: i64) {
        self.push(sql, [Arg::Int(v)]);
    }
    /// A condition with one `?` per text value.
    pub fn cond_seq(&mut self, sql: &str, vs: Vec<String>) {
        self.push(sql, vs.into_iter().map(Arg::Text));
    }
    /// `col` starts with `prefix`, as an index range.
    pub fn starts_with(&mut self, col: &str, prefix: &str) {
        match prefix_upper(prefix) {
            Some(upper) => self.cond_seq(
                &format!("{col} >= ? AND {col} < ?"),
                vec![prefix.to_string(), upper],
            ),
            None => self.cond(&format!("{col} >= ?"), prefix),
        }
    }
    /// A condition without a parameter (e.g. `disabled = 0`).
    pub fn raw(&mut self, sql: &str) {
        self.conds.push(sql.to_string());
    }
    /// `col = value` when the filter is given and not empty.
    pub fn eq(&mut self, col: &str, v: &Option<String>) {
        if let Some(v) = nonempty(v) {
            self.cond(&format!("{col} = ?"), v);
        }
    }
    /// Case-insensitive substring match (portable: LOWER + LIKE).
    pub fn contains(&mut self, cols: &[&str], v: &Option<String>) {
        if let Some(v) = nonempty(v) {
            let pat = format!(
                "%{}%",
                v.to_lowercase().replace('\\', "").replace(['%', '_'], "")
            );
            let any: Vec<String> = cols.iter().map(|c| format!("LOWER({c}) LIKE ?")).collect();
            self.cond_seq(&format!("({})", any.join(" OR ")), vec![pat; cols.len()]);
        }
    }
    pub fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conds.join(" AND "))
        }
    }
    pub fn args(&self) -> AnyArguments<'static> {
        let mut a = AnyArguments::default();
        for arg in &self.args {
            // Adding a text or integer to AnyArguments cannot fail.
            let _ = match arg {
                Arg::Text(s) => a.add(s.clone()),
                Arg::Int(i) => a.add(*i),
            };
        }
        a
    }
    pub async fn count(&self, pool: &AnyPool, from: &str) -> sqlx::Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {from} {}", self.sql());
        let (n,): (i64,) = sqlx::query_as_with(&sql, self.args())
            .fetch_one(pool)
            .await?;
        Ok(n)
    }

    /// The values of the conditions, for a [`Read`](crate::store::batch::Read).
    pub(crate) fn lits(&self) -> Vec<crate::store::batch::Lit> {
        self.args
            .iter()
            .map(|a| match a {
                Arg::Text(s) => s.as_str().into(),
                Arg::Int(i) => (*i).into(),
            })
            .collect()
    }

    /// `SELECT cols FROM from WHERE … ORDER BY order` with its values, for a statement of
    /// its own or in a batch.
    pub(crate) fn read<T>(&self, cols: &str, from: &str, order: &str) -> Read<T>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        Read::new(
            format!("SELECT {cols} FROM {from} {} ORDER BY {order}", self.sql()),
            self.lits(),
        )
    }

    /// One page of `SELECT cols FROM from WHERE … ORDER BY order` with the count of every
    /// matching row, in one statement: the count rides along as an uncorrelated subquery,
    /// which both databases evaluate once. Each statement is a round trip to SQLite's
    /// worker thread (most of a list page's cost), so a list makes one instead of two.
    pub(crate) fn page_read<T>(
        &self,
        cols: &str,
        from: &str,
        order: &str,
        paging: Paging,
    ) -> Read<Counted<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        self.page_read_totalled(cols, from, order, paging, None)
    }

    /// [`Where::page_read`] whose count, when `total` is given, is `SELECT {total.0}
    /// WHERE {total.1}` — a sum of kept tallies instead of a count of every matching row;
    /// `total.1` is a [`Where::continued`] of this one.
    pub(crate) fn page_read_totalled<T>(
        &self,
        cols: &str,
        from: &str,
        order: &str,
        paging: Paging,
        total: Option<(&str, Where)>,
    ) -> Read<Counted<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let w = self.sql();
        let (counted, lits) = match (paging.count, total) {
            (false, _) => (String::new(), self.lits()),
            (true, None) => (
                format!(", (SELECT COUNT(*) FROM {from} {w}) AS page_total"),
                self.lits(),
            ),
            (true, Some((sum, t))) => (
                format!(", (SELECT {sum} {}) AS page_total", t.sql()),
                t.lits(),
            ),
        };
        Read::new(
            format!(
                "SELECT {cols}{counted} FROM {from} {w} ORDER BY {order} {}",
                paging.sql()
            ),
            lits,
        )
    }

    /// A new condition list whose values are numbered after this one's (and carry them):
    /// its conditions can sit in the same statement as this one's.
    pub(crate) fn continued(&self) -> Where {
        Where {
            conds: Vec::new(),
            args: self.args.clone(),
        }
    }

    /// [`Where::page_read`] run alone; a page past the end counts the rows apart.
    pub async fn page<T>(
        &self,
        pool: &AnyPool,
        cols: &str,
        from: &str,
        order: &str,
        paging: Paging,
    ) -> crate::store::Result<Page<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        self.page_totalled(pool, cols, from, order, paging, None)
            .await
    }

    /// [`Where::page_read_totalled`] run alone; a page past the end counts the rows apart.
    pub(crate) async fn page_totalled<T>(
        &self,
        pool: &AnyPool,
        cols: &str,
        from: &str,
        order: &str,
        paging: Paging,
        total: Option<(&str, Where)>,
    ) -> crate::store::Result<Page<T>>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let rows = self
            .page_read_totalled(cols, from, order, paging, total)
            .all(pool)
            .await?;
        let mut page = Counted::page(rows, paging);
        if page.past_the_end(paging) {
            page.total = self.count(pool, from).await?;
        }
        Ok(page)
    }
}

/// `(…), (…)` placeholders for `rows` rows of `per_row` parameters, numbered from
/// `$(offset + 1)`. SQLite gets anonymous `?`: it looks a `$N` up by walking every
/// parameter name, which makes a statement with thousands of parameters quadratic.
pub fn values_list(
    backend: crate::store::Backend,
    rows: usize,
    per_row: usize,
    offset: usize,
) -> String {
    let mut out = String::with_capacity(rows * per_row * 6);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..per_row {
            if c > 0 {
                out.push_str(", ");
            }
            match backend {
                crate::store::Backend::Sqlite => out.push('?'),
                crate::store::Backend::Postgres => {
                    out.push('$');
                    out.push_str(&(offset + r * per_row + c + 1).to_string());
                }
            }
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod sort_tests {
    use super::Sorts;

    const S: Sorts = Sorts {
        columns: &[("name", "name_lower"), ("id", "id")],
        tie: "id",
        default: "code",
    };

    #[test]
    fn sorts_by_known_columns_only() {
        assert_eq!(S.order(&Some("name".into())), "name_lower, id");
        assert_eq!(S.order(&Some("-name".into())), "name_lower DESC, id DESC");
        assert_eq!(S.order(&Some("-id".into())), "id DESC");
        assert_eq!(S.order(&Some("name; DROP TABLE x".into())), "code");
        assert_eq!(S.order(&None), "code");
        assert_eq!(S.order(&Some("-nama".into())), "code");
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_upper;

    #[test]
    fn prefix_ranges_avoid_punctuation() {
        assert_eq!(prefix_upper("siti").as_deref(), Some("sitj"));
        assert_eq!(prefix_upper("3209").as_deref(), Some("321"));
        assert_eq!(prefix_upper("az").as_deref(), Some("b"));
        assert_eq!(prefix_upper("zz"), None);
    }
}
