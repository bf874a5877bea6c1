//! The installation itself, as the command line and the server's start see it: its
//! database opened and brought up to date, backed up and restored, the accounts made
//! before anyone can log in, the demo data, and the hourly housekeeping. Its answers are
//! sentences for the terminal.
use crate::store::{Backend, Store, StoreError};
use crate::users::{NewUser, User, UserChange, UserFilter};
use crate::{Actor, Clock, Context, Paging, Settings};
use domain::area::RegencyCode;
use domain::Areas;
use std::sync::Arc;

pub use crate::store::sqlite_file;

type Said<T> = std::result::Result<T, String>;

/// A database of sikube's.
#[derive(Clone)]
pub struct Installation {
    store: Store,
}

impl Installation {
    /// Connects without changing anything (a backup only reads).
    pub async fn connect(url: &str) -> Said<Installation> {
        Installation::connect_with(url, None).await
    }

    /// [`Installation::connect`] keeping at most `connections` database connections.
    pub async fn connect_with(url: &str, connections: Option<u32>) -> Said<Installation> {
        Ok(Installation {
            store: Store::connect_with(url, connections)
                .await
                .map_err(|e| format!("cannot open database: {e}"))?,
        })
    }

    /// Connects and brings the schema up to date; every "now" reads `clock`.
    pub async fn open(url: &str, clock: Clock) -> Said<Installation> {
        Installation::open_with(url, clock, None).await
    }

    /// [`Installation::open`] keeping at most `connections` database connections.
    pub async fn open_with(
        url: &str,
        clock: Clock,
        connections: Option<u32>,
    ) -> Said<Installation> {
        let i = Installation::connect_with(url, connections).await?;
        let i = Installation {
            store: i.store.with_clock(clock),
        };
        i.store
            .migrate()
            .await
            .map_err(|e| format!("migration failed: {e}"))?;
        Ok(i)
    }

    /// Reads of lists and figures may go to the streaming replica at `url` while it is
    /// within `max_lag` of this database; checked once now and every second after.
    pub async fn with_replica(self, url: &str, max_lag: std::time::Duration) -> Said<Installation> {
        let store = self
            .store
            .with_replica(url, max_lag)
            .map_err(|e| format!("--read-database-url: {e}"))?;
        store.replica_check().await;
        let checked = store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tick.tick().await;
                checked.replica_check().await;
            }
        });
        Ok(Installation { store })
    }

    /// Applies the migrations not applied yet; how many.
    pub async fn migrate(&self) -> Said<usize> {
        self.store.migrate().await.map_err(|e| e.to_string())
    }

    /// The office's use cases over this database.
    pub fn office(&self, areas: Arc<Areas>, settings: Settings) -> Context {
        Context::new(self.store.clone(), areas, settings)
    }

    pub fn clock(&self) -> Clock {
        self.store.clock()
    }

    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Writes a consistent copy of a SQLite database to `file` (a new file).
    pub async fn backup(&self, file: &str) -> Said<()> {
        match self.store.backend() {
            Backend::Postgres => Err(
                "this database is PostgreSQL: back it up with pg_dump, e.g. \
                 `pg_dump --format=custom --file=sikube.dump \"$SIKUBE_DATABASE_URL\"`"
                    .into(),
            ),
            Backend::Sqlite => {
                if std::path::Path::new(file).exists() {
                    return Err(format!("{file} exists; choose a new file name"));
                }
                self.store
                    .backup_sqlite(file)
                    .await
                    .map_err(|e| format!("backup failed: {e}"))
            }
        }
    }

    /// Whether `file` is a sound sikube SQLite database (its integrity checked, its
    /// migrations recorded), read without changing it.
    pub async fn check_backup(file: &str) -> Said<()> {
        let backup = Store::connect(&format!("sqlite://{file}?mode=ro"))
            .await
            .map_err(|e| format!("{file} is not a SQLite database: {e}"))?;
        let ok = backup
            .integrity_ok()
            .await
            .map_err(|e| format!("{file} is not a sikube database: {e}"))?;
        let tables = backup.table_counts().await.map_err(|e| e.to_string())?;
        backup.close().await;
        if !ok || !tables.iter().any(|(t, _)| t == "schema_migrations") {
            return Err(format!(
                "{file} is not a sound sikube database; nothing was changed"
            ));
        }
        Ok(())
    }

    /// SQLite's own check of the file (PostgreSQL: always true).
    pub async fn integrity_ok(&self) -> Said<bool> {
        self.store.integrity_ok().await.map_err(|e| e.to_string())
    }

    /// Rows per table: a database compared with its backup.
    pub async fn table_counts(&self) -> Said<Vec<(String, i64)>> {
        self.store.table_counts().await.map_err(|e| e.to_string())
    }

    /// Every row of every table as text, sorted per table: a restore proved exact.
    pub async fn table_rows(&self) -> Said<Vec<(String, Vec<String>)>> {
        self.store.table_rows().await.map_err(|e| e.to_string())
    }

    /// Persons registered.
    pub async fn persons(&self) -> Said<i64> {
        Ok(self
            .store
            .table_counts()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|(t, _)| t == "persons")
            .map(|(_, n)| n)
            .unwrap_or(0))
    }

    /// Accounts there are (none: the first administrator is still to be made).
    pub async fn accounts(&self) -> Said<i64> {
        self.store.user_count().await.map_err(|e| e.to_string())
    }

    fn actor(&self) -> Actor {
        Actor::cli(&self.store.clock())
    }

    /// An account made from the command line (checked by the caller); audited.
    pub async fn user_add(&self, new: NewUser) -> Said<User> {
        self.store
            .user_create(&self.actor(), new)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { msg, .. } => msg.text(domain::Lang::En),
                e => e.to_string(),
            })
    }

    pub async fn user_by_name(&self, username: &str) -> Said<User> {
        self.store
            .user_get_by_name(username)
            .await
            .map_err(|_| format!("no user {username}"))
    }

    /// A change of an account from the command line; audited.
    pub async fn user_change(&self, id: i64, change: UserChange) -> Said<()> {
        self.store
            .user_update(&self.actor(), id, change)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    pub async fn users(&self) -> Said<Vec<User>> {
        Ok(self
            .store
            .user_list(&UserFilter::default(), Paging::new(Some(500), None))
            .await
            .map_err(|e| e.to_string())?
            .items)
    }

    /// The demo accounts (made when missing): (user name, role).
    pub async fn demo_accounts(
        &self,
        areas: &Areas,
        region: &RegencyCode,
    ) -> Said<Vec<(String, String)>> {
        crate::demo::load(&self.store, areas, region).await
    }

    /// The demo city (once); how many KUBE were made.
    pub async fn demo_city(&self, areas: &Areas, region: &RegencyCode) -> Said<usize> {
        crate::demo::load_city(&self.store, areas, region).await
    }

    /// Hourly: expired sessions are removed, KUBE whose last visit grew too old are
    /// re-assessed, and the access log's entries older than `access_log_days` purged.
    pub fn spawn_housekeeping(&self, thresholds: domain::health::Thresholds, access_log_days: i64) {
        let this = self.clone();
        let instance = instance_name();
        tokio::spawn(async move {
            // Every instance wakes up every few minutes; the one that claims the hour's
            // run does it (the others find it claimed).
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
            loop {
                tick.tick().await;
                if let Err(e) = this
                    .housekeeping(&instance, thresholds, access_log_days)
                    .await
                {
                    tracing::warn!(error = %e, "housekeeping failed");
                }
            }
        });
    }

    /// The hourly housekeeping, if no instance has run it in the last hour: expired
    /// sessions, old access-log entries and the staging tables of imports killed midway
    /// removed, the dashboard's tallies folded, every KUBE's health re-assessed.
    /// Whether this instance ran it.
    pub async fn housekeeping(
        &self,
        instance: &str,
        thresholds: domain::health::Thresholds,
        access_log_days: i64,
    ) -> Said<bool> {
        let store = &self.store;
        let due_before =
            crate::store::ts(store.clock().now() - chrono::Duration::minutes(HOUSEKEEPING_MINUTES));
        if !store
            .job_claim("housekeeping", instance, &due_before)
            .await
            .map_err(|e| e.to_string())?
        {
            return Ok(false);
        }
        if let Err(e) = store.session_purge_expired().await {
            tracing::warn!(error = %e, "session purge failed");
        }
        if let Err(e) = crate::access::purge(store, access_log_days).await {
            tracing::warn!(error = %e, "access log purge failed");
        }
        // No import runs for six hours: older staging tables are a killed import's.
        match store
            .import_stage_purge(std::time::Duration::from_secs(6 * 3600))
            .await
        {
            Ok(n) if n > 0 => {
                tracing::info!(dropped = n, "staging tables of unfinished imports dropped")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "dropping old staging tables failed"),
        }
        let today = store.clock().today();
        match store.kube_reassess_all(&thresholds, today).await {
            Ok(n) if n > 0 => tracing::info!(changed = n, instance, "KUBE re-assessed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "re-assessment failed"),
        }
        // After the re-assessment, whose changes of status add tallies too.
        if let Err(e) = store.tallies_fold().await {
            tracing::warn!(error = %e, "folding the dashboard tallies failed");
        }
        Ok(true)
    }
}

/// Minutes between housekeeping runs, across all instances.
const HOUSEKEEPING_MINUTES: i64 = 60;

/// This process, as the job table names who ran a job: host and process id.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    format!("{host}:{}", std::process::id())
}
