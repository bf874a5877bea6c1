use crate::store::backend::Backend;
use crate::store::business_types::BusinessType;
use crate::store::Result;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The file of a `sqlite://FILE?…` URL (none for memory databases and PostgreSQL).
pub fn sqlite_file(url: &str) -> Option<String> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && !path.contains(":memory:")).then(|| path.to_string())
}

/// Makes `path` readable and writable by its owner only (0600): it holds NIKs. With
/// `create`, an absent file is created empty with those permissions. Best effort: a
/// file system without Unix permissions keeps its own.
pub fn private_file(path: &str, create: bool) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if create && !std::path::Path::new(path).exists() {
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
        }
        if std::path::Path::new(path).exists() {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, create);
}

type CachedTypes = (u64, Option<(Instant, Arc<Vec<BusinessType>>)>);

#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// Business types as last read, and when (nearly every page names them), with a
    /// generation counted up by each change made through this store.
    pub(crate) business_types: Arc<Mutex<CachedTypes>>,
    /// What every "now" and "today" of this store reads.
    clock: crate::store::Clock,
    /// A streaming replica that reads may go to (`crate::store::replica`).
    pub(crate) replica: Option<Arc<crate::store::replica::Replica>>,
    /// The database's URL: a large import into PostgreSQL streams its rows over a
    /// connection of its own (`COPY` is not spoken through the pool's `Any` driver).
    pub(crate) url: Arc<str>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

/// Migrations per backend, kept in step (a test compares the resulting schemas).
pub(crate) const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../../migrations/sqlite/0001_foundation.sql"),
        include_str!("../../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "persons",
        include_str!("../../migrations/sqlite/0002_persons.sql"),
        include_str!("../../migrations/postgres/0002_persons.sql"),
    ),
    (
        3,
        "kube",
        include_str!("../../migrations/sqlite/0003_kube.sql"),
        include_str!("../../migrations/postgres/0003_kube.sql"),
    ),
    (
        4,
        "imports",
        include_str!("../../migrations/sqlite/0004_imports.sql"),
        include_str!("../../migrations/postgres/0004_imports.sql"),
    ),
    (
        5,
        "guidance_visits",
        include_str!("../../migrations/sqlite/0005_guidance_visits.sql"),
        include_str!("../../migrations/postgres/0005_guidance_visits.sql"),
    ),
    (
        6,
        "aid",
        include_str!("../../migrations/sqlite/0006_aid.sql"),
        include_str!("../../migrations/postgres/0006_aid.sql"),
    ),
    (
        7,
        "attachments",
        include_str!("../../migrations/sqlite/0007_attachments.sql"),
        include_str!("../../migrations/postgres/0007_attachments.sql"),
    ),
    (
        8,
        "attendance",
        include_str!("../../migrations/sqlite/0008_attendance.sql"),
        include_str!("../../migrations/postgres/0008_attendance.sql"),
    ),
    (
        9,
        "duplicates",
        include_str!("../../migrations/sqlite/0009_duplicates.sql"),
        include_str!("../../migrations/postgres/0009_duplicates.sql"),
    ),
    (
        10,
        "name_words",
        include_str!("../../migrations/sqlite/0010_name_words.sql"),
        include_str!("../../migrations/postgres/0010_name_words.sql"),
    ),
    (
        11,
        "list_order",
        include_str!("../../migrations/sqlite/0011_list_order.sql"),
        include_str!("../../migrations/postgres/0011_list_order.sql"),
    ),
    (
        12,
        "current_names",
        include_str!("../../migrations/sqlite/0012_current_names.sql"),
        include_str!("../../migrations/postgres/0012_current_names.sql"),
    ),
    (
        13,
        "duties",
        include_str!("../../migrations/sqlite/0013_duties.sql"),
        include_str!("../../migrations/postgres/0013_duties.sql"),
    ),
    (
        14,
        "import_mappings",
        include_str!("../../migrations/sqlite/0014_import_mappings.sql"),
        include_str!("../../migrations/postgres/0014_import_mappings.sql"),
    ),
    (
        15,
        "nik_lookups",
        include_str!("../../migrations/sqlite/0015_nik_lookups.sql"),
        include_str!("../../migrations/postgres/0015_nik_lookups.sql"),
    ),
    (
        16,
        "mapping_owners",
        include_str!("../../migrations/sqlite/0016_mapping_owners.sql"),
        include_str!("../../migrations/postgres/0016_mapping_owners.sql"),
    ),
    (
        17,
        "user_identity",
        include_str!("../../migrations/sqlite/0017_user_identity.sql"),
        include_str!("../../migrations/postgres/0017_user_identity.sql"),
    ),
    (
        18,
        "membership_rules",
        include_str!("../../migrations/sqlite/0018_membership_rules.sql"),
        include_str!("../../migrations/postgres/0018_membership_rules.sql"),
    ),
    (
        19,
        "checklist",
        include_str!("../../migrations/sqlite/0019_checklist.sql"),
        include_str!("../../migrations/postgres/0019_checklist.sql"),
    ),
    (
        20,
        "idempotency",
        include_str!("../../migrations/sqlite/0020_idempotency.sql"),
        include_str!("../../migrations/postgres/0020_idempotency.sql"),
    ),
    (
        21,
        "monthly",
        include_str!("../../migrations/sqlite/0021_monthly.sql"),
        include_str!("../../migrations/postgres/0021_monthly.sql"),
    ),
    (
        22,
        "access",
        include_str!("../../migrations/sqlite/0022_access.sql"),
        include_str!("../../migrations/postgres/0022_access.sql"),
    ),
    (
        23,
        "protection",
        include_str!("../../migrations/sqlite/0023_protection.sql"),
        include_str!("../../migrations/postgres/0023_protection.sql"),
    ),
    (
        24,
        "jobs",
        include_str!("../../migrations/sqlite/0024_jobs.sql"),
        include_str!("../../migrations/postgres/0024_jobs.sql"),
    ),
    (
        25,
        "replica",
        include_str!("../../migrations/sqlite/0025_replica.sql"),
        include_str!("../../migrations/postgres/0025_replica.sql"),
    ),
    (
        26,
        "duplicate_pairs",
        include_str!("../../migrations/sqlite/0026_duplicate_pairs.sql"),
        include_str!("../../migrations/postgres/0026_duplicate_pairs.sql"),
    ),
    (
        27,
        "kube_tallies",
        include_str!("../../migrations/sqlite/0027_kube_tallies.sql"),
        include_str!("../../migrations/postgres/0027_kube_tallies.sql"),
    ),
    (
        28,
        "person_tallies",
        include_str!("../../migrations/sqlite/0028_person_tallies.sql"),
        include_str!("../../migrations/postgres/0028_person_tallies.sql"),
    ),
    (
        29,
        "visits_by_day",
        include_str!("../../migrations/sqlite/0029_visits_by_day.sql"),
        include_str!("../../migrations/postgres/0029_visits_by_day.sql"),
    ),
    (
        30,
        "kube_visit_due",
        include_str!("../../migrations/sqlite/0030_kube_visit_due.sql"),
        include_str!("../../migrations/postgres/0030_kube_visit_due.sql"),
    ),
    (
        31,
        "kube_tallies_key",
        include_str!("../../migrations/sqlite/0031_kube_tallies_key.sql"),
        include_str!("../../migrations/postgres/0031_kube_tallies_key.sql"),
    ),
    (
        32,
        "registry_byte_order",
        include_str!("../../migrations/sqlite/0032_registry_byte_order.sql"),
        include_str!("../../migrations/postgres/0032_registry_byte_order.sql"),
    ),
];

impl Store {
    /// Connects to `sqlite://path` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, None).await
    }

    /// [`Store::connect`] with at most `connections` connections (default
    /// [`pool::connections_default`](crate::store::pool::connections_default)).
    pub async fn connect_with(url: &str, connections: Option<u32>) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                "database URL must start with sqlite:// or postgres://".into(),
            )
            .into());
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_string(),
        };
        let file = sqlite_file(&url);
        if let Some(f) = &file {
            // Created readable by its owner only; SQLite gives its WAL and shared-memory
            // files the database file's permissions.
            private_file(f, true);
        }
        let opts = AnyConnectOptions::from_str(&url)?;
        // A read-only open (checking a backup) cannot switch the journal mode.
        let read_only = url.contains("mode=ro");
        let pool = crate::store::pool::pool_options(
            connections.unwrap_or_else(|| crate::store::pool::connections_default(backend)),
        )
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite && read_only {
                    conn.execute("PRAGMA busy_timeout=10000;").await?;
                } else if backend == Backend::Sqlite {
                    // WAL lets readers run beside the writer; busy_timeout makes a
                    // second writer wait instead of failing at once.
                    // busy_timeout first: the journal-mode pragma may itself wait for
                    // a writer of another process (a backup during write load).
                    conn.execute(
                        "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL; \
                             PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect_with(opts)
        .await?;
        if let Some(f) = &file {
            for suffix in ["", "-wal", "-shm"] {
                private_file(&format!("{f}{suffix}"), false);
            }
        }
        Ok(Store {
            pool,
            backend,
            business_types: Arc::default(),
            clock: crate::store::Clock::system(),
            replica: None,
            url: url.as_str().into(),
        })
    }

    /// The same store, reading its time from `clock`.
    pub fn with_clock(mut self, clock: crate::store::Clock) -> Store {
        self.clock = clock;
        self
    }

    pub fn clock(&self) -> crate::store::Clock {
        self.clock
    }

    /// Now as stored (see [`Clock::stamp`](crate::store::Clock::stamp)).
    pub(crate) fn now(&self) -> String {
        self.clock.stamp()
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a deferred transaction that reads first cannot wait for the lock and fails.
    pub(crate) async fn tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations not yet applied; returns how many ran. Idempotent.
    pub async fn migrate(&self) -> Result<usize> {
        let mut tx = self.tx().await?;
        if self.backend == Backend::Postgres {
            // Instances starting at once on an empty database would both create the
            // table (PostgreSQL refuses the second); one does, the others wait.
            sqlx::query("SELECT pg_advisory_xact_lock(7305)")
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut applied = 0;
        for &(version, name, sqlite_sql, pg_sql) in MIGRATIONS {
            let mut tx = self.tx().await?;
            if self.backend == Backend::Postgres {
                // Several instances may start at once: one migrates, the others wait.
                sqlx::query("SELECT pg_advisory_xact_lock(7305)")
                    .execute(&mut *tx)
                    .await?;
            }
            let done: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            let sql = match self.backend {
                Backend::Sqlite => sqlite_sql,
                Backend::Postgres => pg_sql,
            };
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            if name == "name_words" {
                // Words are computed in Rust, not SQL: fill them for persons already there.
                crate::store::persons::index_all_names(&mut tx, self.backend).await?;
            }
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(name)
            .bind(self.now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::info!(version, name, "migration applied");
            applied += 1;
        }
        Ok(applied)
    }

    /// The database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A consistent online copy of a SQLite database (`VACUUM INTO`), readable by its
    /// owner only (the file is created empty first: SQLite fills an empty file).
    pub async fn backup_sqlite(&self, path: &str) -> Result<()> {
        private_file(path, true);
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Rows per table, for comparing a database with its backup.
    pub async fn table_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut tables: Vec<String> = self.schema().await?.into_iter().map(|(t, _)| t).collect();
        tables.dedup();
        let mut out = Vec::new();
        for t in tables {
            // Table names come from the database's own catalogue.
            let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {t}"))
                .fetch_one(&self.pool)
                .await?;
            out.push((t, n));
        }
        Ok(out)
    }

    /// Every row of every table as text, sorted per table: proves a restored database
    /// holds exactly what was saved, not just as many rows.
    pub async fn table_rows(&self) -> Result<Vec<(String, Vec<String>)>> {
        let schema = self.schema().await?;
        let mut tables: Vec<&str> = schema.iter().map(|(t, _)| t.as_str()).collect();
        tables.dedup();
        let mut out = Vec::new();
        for t in tables {
            let cols: Vec<&str> = schema
                .iter()
                .filter(|(x, _)| x == t)
                .map(|(_, c)| c.as_str())
                .collect();
            // Names come from the database's own catalogue.
            let sql = match self.backend {
                Backend::Sqlite => format!(
                    "SELECT {} FROM {t}",
                    cols.iter()
                        .map(|c| format!("quote(\"{c}\")"))
                        .collect::<Vec<_>>()
                        .join(" || '|' || ")
                ),
                Backend::Postgres => format!("SELECT CAST(row_to_json(x) AS TEXT) FROM {t} x"),
            };
            let mut rows: Vec<String> = sqlx::query_as::<_, (String,)>(&sql)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|(r,)| r)
                .collect();
            rows.sort();
            out.push((t.to_string(), rows));
        }
        Ok(out)
    }

    /// SQLite's own check of the file (PostgreSQL: always true).
    pub async fn integrity_ok(&self) -> Result<bool> {
        match self.backend {
            Backend::Sqlite => {
                let (r,): (String,) = sqlx::query_as("PRAGMA integrity_check")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(r == "ok")
            }
            Backend::Postgres => Ok(true),
        }
    }

    /// Tables and their columns, sorted: used to prove both backends' schemas agree.
    pub async fn schema(&self) -> Result<Vec<(String, String)>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT)
                 FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
            }
        };
        Ok(sqlx::query_as(sql).fetch_all(&self.pool).await?)
    }

    /// Indexes and keys with their definitions, sorted: a bulk load that takes them apart
    /// must leave them as they were.
    pub async fn indexes(&self) -> Result<Vec<(String, String)>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY 1"
            }
            Backend::Postgres => {
                "SELECT CAST(indexname AS TEXT), indexdef FROM pg_indexes
                   WHERE schemaname = current_schema()
                 UNION ALL
                 SELECT CAST(conname AS TEXT), pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE connamespace = CAST(current_schema() AS regnamespace)
                 ORDER BY 1, 2"
            }
        };
        Ok(sqlx::query_as(sql).fetch_all(&self.pool).await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// For tests: a new empty database — SQLite: a file in the temp directory; PostgreSQL: a
/// new database on the server of the given URL — removed again when this value is dropped,
/// so test runs do not pile up databases (a machine that ran the suite a few hundred times
/// otherwise carries gigabytes of them).
pub struct FreshDatabase {
    url: String,
    /// PostgreSQL: the server's URL to drop the database through, and its name.
    pg: Option<(String, String)>,
}

impl FreshDatabase {
    pub async fn create(pg_url: Option<&str>) -> Result<FreshDatabase> {
        let tag = format!(
            "sikube_test_{}_{}",
            std::process::id(),
            FRESH.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tag = format!("{tag}_{nanos}");
        match pg_url {
            None => {
                let dir = std::env::temp_dir().join("sikube-tests");
                std::fs::create_dir_all(&dir).map_err(sqlx::Error::Io)?;
                Ok(FreshDatabase {
                    url: format!("sqlite://{}", dir.join(format!("{tag}.db")).display()),
                    pg: None,
                })
            }
            Some(url) => {
                sqlx::any::install_default_drivers();
                let admin = AnyPoolOptions::new()
                    .max_connections(1)
                    .connect(url)
                    .await?;
                sqlx::raw_sql(&format!("CREATE DATABASE {tag}"))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                let (base, query) = match url.split_once('?') {
                    Some((b, q)) => (b, format!("?{q}")),
                    None => (url, String::new()),
                };
                let base = match base.rfind('/') {
                    Some(i) if i > "postgres://".len() => &base[..i],
                    _ => base,
                };
                Ok(FreshDatabase {
                    url: format!("{base}/{tag}{query}"),
                    pg: Some((url.to_string(), tag)),
                })
            }
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        match self.pg.take() {
            None => {
                let path = self.url.trim_start_matches("sqlite://");
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            // Drop runs inside the test's runtime, which cannot be blocked on: the
            // database is dropped from a thread of its own. FORCE ends the connections
            // the test's pool still holds.
            Some((admin_url, name)) => {
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = AnyPoolOptions::new()
                            .max_connections(1)
                            .connect(&admin_url)
                            .await
                        {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::raw_sql(&sql).execute(&admin).await;
                            admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

static FRESH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
