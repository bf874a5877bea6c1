//! Counts behind the dashboard, in few grouped queries, scoped to the caller's area.
use crate::store::batch::Read;
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::Where;
use crate::store::{Backend, Result, Store};
use domain::kube::{FundingSource, Status};
use serde::Serialize;
use sqlx::FromRow;

/// KUBE counted by every dimension the dashboard shows.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct KubeCount {
    pub district_code: String,
    pub village_code: String,
    pub business_type: String,
    pub formed_year: i64,
    #[sqlx(try_from = "String")]
    pub funding_source: FundingSource,
    #[sqlx(try_from = "String")]
    pub status: Status,
    /// By the latest stage checklist ([`LEVEL_CODE`]).
    pub level: String,
    pub n: i64,
    pub members: i64,
}

/// KUBE of one status with one value of one dimension.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct DimCount {
    pub dim: String,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub n: i64,
    pub members: i64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ActivityCounts {
    pub trainings: i64,
    pub participants: i64,
    pub visits: i64,
    pub persons_by_category: Vec<(String, i64)>,
    pub enrolled: i64,
}

/// A group's level as the dashboard and the list filter name it: the latest checklist's,
/// `below` when that met not even Tumbuh, `never` when it was never assessed.
pub const LEVEL_CODE: &str =
    "CASE WHEN checklist_on IS NULL THEN 'never' ELSE COALESCE(level, 'below') END";

impl Store {
    pub async fn dashboard_kube(&self, scope: Scope<'_>) -> Result<Vec<KubeCount>> {
        let mut w = Where::new();
        scope_filter(&mut w, "district_code", scope);
        let sql = format!(
            "SELECT district_code, village_code, business_type, formed_year, funding_source, status,
                    {LEVEL_CODE} AS level,
                    CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(member_count) AS BIGINT) AS members
             FROM kube {} GROUP BY district_code, village_code, business_type, formed_year, funding_source, status, {LEVEL_CODE}",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(self.reading())
            .await?)
    }

    /// KUBE counted per status along each dimension the dashboard shows (`district`,
    /// `village`, `business_type`, `year`, `funding_source`, `level`): summed from the
    /// tallies the KUBE's own writes keep (migration 27), a few hundred rows however many
    /// KUBE there are, so a change costs the next view no recount.
    pub async fn dashboard_dims(&self, scope: Scope<'_>) -> Result<Vec<DimCount>> {
        let mut w = Where::new();
        scope_filter(&mut w, "district_code", scope);
        let sql = format!(
            "SELECT dim, code, status, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(members) AS BIGINT) AS members
             FROM kube_tallies {} GROUP BY dim, code, status HAVING SUM(n) <> 0",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(self.reading())
            .await?)
    }

    /// Folds the dashboard's tallies (KUBE, persons by category) into one row per key:
    /// the housekeeping's. How many rows were folded.
    pub async fn tallies_fold(&self) -> Result<u64> {
        Ok(self
            .tally_fold(
                "kube_tallies",
                "dim, code, district_code, status",
                "n, members",
            )
            .await?
            + self
                .tally_fold("person_tallies", "district_code, category", "n")
                .await?)
    }

    /// After an import of thousands of rows (each of which added its tallies on
    /// SQLite): folded at once, so the dashboard does not sum them until the housekeeping
    /// runs. The import is done whatever happens here.
    pub(crate) async fn tallies_fold_after_bulk(&self) {
        if let Err(e) = self.tallies_fold().await {
            tracing::warn!(error = %e, "folding the dashboard tallies after an import failed");
        }
    }

    /// Exactly the rows this transaction sees are summed and removed, so a write
    /// committing meanwhile keeps its rows for the next fold.
    async fn tally_fold(&self, table: &str, keys: &str, counts: &str) -> Result<u64> {
        let summed: Vec<String> = counts.split(", ").map(|c| format!("SUM({c})")).collect();
        let sums = format!(
            "SELECT {keys}, {} FROM {{from}} GROUP BY {keys} HAVING {}",
            summed.join(", "),
            summed
                .iter()
                .map(|s| format!("{s} <> 0"))
                .collect::<Vec<_>>()
                .join(" OR ")
        );
        let insert = format!("INSERT INTO {table} ({keys}, {counts})");
        let mut tx = self.tx().await?;
        let folded = match self.backend() {
            // One statement, one snapshot: the rows deleted are the rows summed.
            Backend::Postgres => {
                let (n,): (i64,) = sqlx::query_as(&format!(
                    "WITH gone AS (DELETE FROM {table} RETURNING *),
                          kept AS ({insert} {} RETURNING 1)
                     SELECT CAST(COUNT(*) AS BIGINT) FROM gone",
                    sums.replace("{from}", "gone")
                ))
                .fetch_one(&mut *tx)
                .await?;
                n as u64
            }
            // The only writer while the transaction lasts.
            Backend::Sqlite => {
                let (upto,): (Option<i64>,) =
                    sqlx::query_as(&format!("SELECT MAX(id) FROM {table}"))
                        .fetch_one(&mut *tx)
                        .await?;
                let upto = upto.unwrap_or(0);
                sqlx::query(&format!(
                    "{insert} {}",
                    sums.replace("{from}", &format!("{table} WHERE id <= ?"))
                ))
                .bind(upto)
                .execute(&mut *tx)
                .await?;
                sqlx::query(&format!("DELETE FROM {table} WHERE id <= ?"))
                    .bind(upto)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
        };
        tx.commit().await?;
        Ok(folded)
    }

    /// Trainings, participants and visits since `since` (`YYYY-MM-DD`), and persons by
    /// category, in the caller's area.
    pub async fn dashboard_activity(
        &self,
        scope: Scope<'_>,
        since: &str,
    ) -> Result<ActivityCounts> {
        let mut w = Where::new();
        w.cond("starts_on >= ?", since);
        scope_filter(&mut w, "district_code", scope);
        let trainings = w.count(self.reading(), "trainings").await?;
        let mut w = Where::new();
        w.cond("t.starts_on >= ?", since);
        w.raw("tp.attended = 1");
        scope_filter(&mut w, "t.district_code", scope);
        w.raw("tp.training_id = t.id");
        // The year's trainings first, then their participants: SQLite, left to choose,
        // reads every participant ever recorded (a CROSS JOIN keeps its order; PostgreSQL
        // plans it as any join).
        let participants = w
            .count(
                self.reading(),
                "trainings t CROSS JOIN training_participants tp",
            )
            .await?;
        let mut w = Where::new();
        w.cond("v.visited_on >= ?", since);
        // Every visit is of a KUBE (a foreign key): the whole area's are counted by day
        // alone (`visits_by_day`), an area's through its KUBE.
        let visits = match scope {
            None => w.count(self.reading(), "visits v").await?,
            Some(_) => {
                scope_filter(&mut w, "k.district_code", scope);
                w.count(self.reading(), "visits v JOIN kube k ON k.id = v.kube_id")
                    .await?
            }
        };
        // From the tallies the categories' own writes keep (migration 28).
        let mut w = Where::new();
        scope_filter(&mut w, "district_code", scope);
        let sql = format!(
            "SELECT category, CAST(SUM(n) AS BIGINT) FROM person_tallies {}
             GROUP BY category HAVING SUM(n) <> 0 ORDER BY category",
            w.sql()
        );
        let persons_by_category = sqlx::query_as_with(&sql, w.args())
            .fetch_all(self.reading())
            .await?;
        let mut w = Where::new();
        scope_filter(&mut w, "p.district_code", scope);
        w.raw(crate::store::persons::PROCESSED);
        let enrolled = w
            .count(
                self.reading(),
                "enrolments e JOIN persons p ON p.id = e.person_id",
            )
            .await?;
        Ok(ActivityCounts {
            trainings,
            participants,
            visits,
            persons_by_category,
            enrolled,
        })
    }
}

/// Changes since a cached figure was computed. Every change of the registry writes an
/// audit row, and every change of a KUBE's health a `kube_health` row: the newest id and
/// the count of the newest thousand ids of each move on every committed change — the
/// count also when a transaction commits after a later-numbered one (PostgreSQL).
pub type DataVersion = [i64; 4];

/// Audited actions on persons that read rather than change them (the duplicate scan
/// leaves them aside).
pub(crate) const PERSON_READS: &str = "('export', 'nik_lookup', 'nik_lookup_refused')";

/// The [`DataVersion`] as a read of a batch.
pub(crate) fn data_version() -> Read<VersionRow> {
    Read::new(
        "SELECT (SELECT MAX(id) FROM audit_log),
                (SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE id > (SELECT COALESCE(MAX(id), 0) - 1000 FROM audit_log)),
                (SELECT MAX(id) FROM kube_health),
                (SELECT CAST(COUNT(*) AS BIGINT) FROM kube_health WHERE id > (SELECT COALESCE(MAX(id), 0) - 1000 FROM kube_health))",
        Vec::new(),
    )
}

/// The row of [`data_version`].
pub(crate) type VersionRow = (Option<i64>, i64, Option<i64>, i64);

/// The version a [`data_version`] row says.
pub(crate) fn version_of(row: VersionRow) -> DataVersion {
    let (a, b, c, d) = row;
    [a.unwrap_or(0), b, c.unwrap_or(0), d]
}

impl Store {
    pub async fn data_version(&self) -> Result<DataVersion> {
        let row = data_version().all(self.reading()).await?.into_iter().next();
        Ok(version_of(row.ok_or(crate::store::StoreError::NotFound)?))
    }
}
