//! A small builder for the `WHERE` clause of filtered lists, so every list binds its
//! filters the same way on both backends.
use sqlx::any::AnyArguments;
use sqlx::{AnyPool, Arguments};

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
    /// Adds a condition whose `?` becomes the next `$N` placeholder.
    pub fn cond(&mut self, sql: &str, v: impl Into<String>) {
        self.args.push(Arg::Text(v.into()));
        self.conds
            .push(sql.replace('?', &format!("${}", self.args.len())));
    }
    pub fn cond_int(&mut self, sql: &str, v: i64) {
        self.args.push(Arg::Int(v));
        self.conds
            .push(sql.replace('?', &format!("${}", self.args.len())));
    }
    /// A condition whose placeholders were numbered by the caller from
    /// [`Where::next_placeholder`], one per value.
    pub fn cond_many(&mut self, sql: &str, vs: &[String]) {
        for v in vs {
            self.args.push(Arg::Text(v.clone()));
        }
        self.conds.push(sql.to_string());
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
            self.args.push(Arg::Text(pat));
            let n = self.args.len();
            let any: Vec<String> = cols
                .iter()
                .map(|c| format!("LOWER({c}) LIKE ${n}"))
                .collect();
            self.conds.push(format!("({})", any.join(" OR ")));
        }
    }
    pub fn next_placeholder(&self) -> usize {
        self.args.len() + 1
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
}
