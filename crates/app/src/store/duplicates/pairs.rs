//! The duplicate scan's stored pairs, where it stands, and what it reads: the registry's
//! changes since its last run and the candidates of a changed person.
use super::{id_list, records_of, RecordRow, RECORD_COLS};
use crate::store::batch::Read;
use crate::store::dashboard::PERSON_READS;
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::{prefix_upper, Where};
use crate::store::{Page, Paging, Result, Store};
use domain::dedup::{reason_key, PairScore, Record};
use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, Arguments};

/// Where the scan stands (see the `duplicate_scan` table).
#[derive(Debug, Clone, PartialEq)]
pub struct ScanState {
    /// The newest audit entry on persons the scan has read.
    pub seen_upto: i64,
    /// The ids of such entries among the thousand before it: one committed late (after a
    /// later-numbered one) is told apart from those already read.
    pub seen_recent: Vec<i64>,
    /// The registry's size when every person was last scored.
    pub persons: i64,
    pub full_at: String,
    pub scanned_at: String,
}

/// How far back the scan looks for entries committed after later-numbered ones.
pub const LATE_WINDOW: i64 = 1000;

/// A pair as the scan stores it (`a < b`), with the two persons' kecamatan.
#[derive(Debug, Clone)]
pub struct StoredPair {
    pub a: i64,
    pub b: i64,
    pub score: PairScore,
    pub districts: [String; 2],
}

/// What a scan replaces: every pair, or those of the persons it scored again.
pub enum Scored<'a> {
    All,
    Persons(&'a [i64]),
}

impl Store {
    /// Where the scan stands; none before its first run.
    pub async fn duplicate_scan_state(&self) -> Result<Option<ScanState>> {
        type Row = (i64, String, i64, String, String);
        let row: Option<Row> = sqlx::query_as(
            "SELECT seen_upto, seen_recent, persons, full_at, scanned_at FROM duplicate_scan WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(seen_upto, recent, persons, full_at, scanned_at)| ScanState {
                seen_upto,
                seen_recent: recent.split(',').filter_map(|s| s.parse().ok()).collect(),
                persons,
                full_at,
                scanned_at,
            },
        ))
    }

    /// The audit entries that change persons (reads left aside) after `after`, oldest
    /// first: (entry id, the person or the range of persons it names).
    pub async fn duplicate_changes(&self, after: i64) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(&format!(
            "SELECT id, entity_id FROM audit_log
             WHERE entity = 'person' AND action NOT IN {PERSON_READS} AND id > $1 ORDER BY id"
        ))
        .bind(after)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The newest audit entry's id (0: none).
    pub async fn audit_newest(&self) -> Result<i64> {
        let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM audit_log")
            .fetch_one(&self.pool)
            .await?;
        Ok(n.unwrap_or(0))
    }

    /// The current (not merged) persons among `ids`, as the finder reads them.
    pub async fn duplicate_records_by_ids(&self, ids: &[i64]) -> Result<Vec<Record>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let rows: Vec<RecordRow> = sqlx::query_as(&format!(
                "SELECT {RECORD_COLS} FROM persons WHERE merged_into IS NULL AND id IN ({})",
                id_list(chunk)
            ))
            .fetch_all(&self.pool)
            .await?;
            out.extend(records_of(rows));
        }
        Ok(out)
    }

    /// Every current person that may share a blocking key of the finder with `r` (a few
    /// more do no harm: the finder keeps those that do), found through the indexes.
    pub async fn duplicate_candidates(&self, r: &Record) -> Result<Vec<Record>> {
        let mut arms = Arms::default();
        let nik = r.nik.trim();
        if nik.len() == 16 && nik.is_ascii() {
            match prefix_upper(&nik[..12]) {
                Some(upper) => arms.push("nik >= ? AND nik < ?", [&nik[..12], upper.as_str()]),
                None => arms.push("nik >= ?", [&nik[..12]]),
            }
            arms.push("substr(nik, 7) = ?", [&nik[6..]]);
        }
        let kk = r.kk_number.trim();
        if !kk.is_empty() {
            arms.push("kk_number = ?", [kk]);
        }
        let birth = r.birth_date.trim();
        let district = r.village_code.get(..8).unwrap_or("");
        if !birth.is_empty() {
            arms.push("birth_date = ?", [birth]);
            if let Some(swapped) = domain::dedup::swapped_birth(birth) {
                arms.push("birth_date = ?", [swapped.as_str()]);
            }
        }
        match (birth.get(..7), birth.get(5..)) {
            (Some(month), Some(day)) => {
                // The same month in the kecamatan, and the same day of any year there.
                let (from, to) = (format!("{month}-00"), format!("{month}-99"));
                arms.push(
                    "district_code = ? AND birth_date >= ? AND birth_date <= ?",
                    [district, from.as_str(), to.as_str()],
                );
                let days: Vec<String> = (1880..=2100).map(|y| format!("{y}-{day}")).collect();
                let marks = vec!["?"; days.len()].join(", ");
                let mut values = vec![district.to_string()];
                values.extend(days);
                arms.push(
                    &format!("district_code = ? AND birth_date IN ({marks})"),
                    values.iter().map(String::as_str),
                );
            }
            _ => arms.push("district_code = ?", [district]),
        }
        let sql = numbered(&format!(
            "SELECT {RECORD_COLS} FROM persons WHERE merged_into IS NULL AND (({}))",
            arms.sql.join(") OR (")
        ));
        let rows: Vec<RecordRow> = sqlx::query_as_with(&sql, arms.args)
            .fetch_all(&self.pool)
            .await?;
        Ok(records_of(rows))
    }

    /// Stores a scan's pairs and where it now stands, if no other scan has moved it since
    /// `started` (the state this scan began from): whether they were stored. Pairs of
    /// persons merged away meanwhile are dropped; the flags are refreshed.
    pub async fn duplicate_pairs_save(
        &self,
        started: Option<i64>,
        scored: Scored<'_>,
        pairs: &[StoredPair],
        state: &ScanState,
    ) -> Result<bool> {
        let mut tx = self.tx().await?;
        let now: Option<(i64,)> =
            sqlx::query_as("SELECT seen_upto FROM duplicate_scan WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await?;
        if now.map(|(n,)| n) != started {
            return Ok(false);
        }
        match scored {
            Scored::All => {
                sqlx::query("DELETE FROM duplicate_pairs")
                    .execute(&mut *tx)
                    .await?;
            }
            Scored::Persons(ids) => {
                for chunk in ids.chunks(500) {
                    let list = id_list(chunk);
                    sqlx::query(&format!(
                        "DELETE FROM duplicate_pairs WHERE person_a IN ({list}) OR person_b IN ({list})"
                    ))
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        for chunk in pairs.chunks(200) {
            let rows = vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
            let mut args = AnyArguments::default();
            for p in chunk {
                let _ = args.add(p.a);
                let _ = args.add(p.b);
                let _ = args.add(p.score.score);
                let _ = args.add(p.score.name_similarity);
                let _ = args.add(p.score.reasons.join(","));
                let _ = args.add(p.districts[0].clone());
                let _ = args.add(p.districts[1].clone());
            }
            sqlx::query_with(
                &numbered(&format!(
                    "INSERT INTO duplicate_pairs (person_a, person_b, score, name_similarity, reasons,
                       district_a, district_b)
                     VALUES {rows}
                     ON CONFLICT (person_a, person_b) DO UPDATE SET score = excluded.score,
                       name_similarity = excluded.name_similarity, reasons = excluded.reasons,
                       district_a = excluded.district_a, district_b = excluded.district_b"
                )),
                args,
            )
            .execute(&mut *tx)
            .await?;
        }
        // Decided meanwhile (merged, told apart): those decisions removed their pairs, a
        // scan that began before them must not bring them back.
        sqlx::query(
            "DELETE FROM duplicate_pairs
             WHERE person_a IN (SELECT id FROM persons WHERE merged_into IS NOT NULL)
                OR person_b IN (SELECT id FROM persons WHERE merged_into IS NOT NULL)
                OR EXISTS (SELECT 1 FROM person_distinct x
                           WHERE x.person_a = duplicate_pairs.person_a AND x.person_b = duplicate_pairs.person_b)",
        )
        .execute(&mut *tx)
        .await?;
        // Which pairs are urgent: memberships and enrolments change without a person
        // changing, so every save looks again.
        sqlx::query(&format!(
            "UPDATE duplicate_pairs SET flagged = {FLAGGED} WHERE flagged <> {FLAGGED}"
        ))
        .execute(&mut *tx)
        .await?;
        let recent = state
            .seen_recent
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        sqlx::query(
            "INSERT INTO duplicate_scan (id, seen_upto, seen_recent, persons, full_at, scanned_at)
             VALUES (1, $1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET seen_upto = excluded.seen_upto,
               seen_recent = excluded.seen_recent, persons = excluded.persons,
               full_at = excluded.full_at, scanned_at = excluded.scanned_at",
        )
        .bind(state.seen_upto)
        .bind(recent)
        .bind(state.persons)
        .bind(&state.full_at)
        .bind(&state.scanned_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// One page of the stored pairs of the area (both persons in it): urgent ones first,
    /// then the likeliest. Pairs leave the table when decided, so it is read alone.
    pub async fn duplicate_pairs_page(
        &self,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<StoredPair>> {
        type Row = (i64, i64, f64, f64, String, String, String);
        let page: Page<Row> = pairs_in(scope)
            .page(
                self.reading(),
                "person_a, person_b, score, name_similarity, reasons, district_a, district_b",
                "duplicate_pairs",
                "flagged DESC, score DESC, person_a DESC, person_b DESC",
                paging,
            )
            .await?;
        Ok(page.map(
            |(a, b, score, name_similarity, reasons, da, db)| StoredPair {
                a,
                b,
                score: PairScore {
                    score,
                    name_similarity,
                    reasons: reasons.split(',').filter_map(reason_key).collect(),
                },
                districts: [da, db],
            },
        ))
    }
}

/// Whether the scan has run, and the pairs it stored in scope: a read of a batch.
pub(crate) fn pairs_waiting(scope: Scope<'_>) -> Read<(i64, i64)> {
    let w = pairs_in(scope);
    Read::new(
        format!(
            "SELECT (SELECT COUNT(*) FROM duplicate_scan WHERE id = 1), \
                    (SELECT COUNT(*) FROM duplicate_pairs {})",
            w.sql()
        ),
        w.lits(),
    )
}

/// The pairs waiting, as [`pairs_waiting`] read them; none before the scan's first run.
pub(crate) fn waiting_of((scanned, pairs): (i64, i64)) -> Option<i64> {
    (scanned > 0).then_some(pairs)
}

fn pairs_in(scope: Scope<'_>) -> Where {
    let mut w = Where::new();
    scope_filter(&mut w, "district_a", scope);
    scope_filter(&mut w, "district_b", scope);
    w
}

/// Removes the pairs a decision settles: the pair told apart, or every pair of a record
/// merged away (its transaction's).
pub(super) async fn settle_in(conn: &mut AnyConnection, a: i64, b: Option<i64>) -> Result<()> {
    match b {
        Some(b) => {
            sqlx::query("DELETE FROM duplicate_pairs WHERE person_a = $1 AND person_b = $2")
                .bind(a.min(b))
                .bind(a.max(b))
                .execute(conn)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM duplicate_pairs WHERE person_a = $1 OR person_b = $1")
                .bind(a)
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// A pair is urgent when both persons are active members of a KUBE, or both are enrolled
/// in one programme (the flags the review page shows).
const FLAGGED: &str = "(CASE WHEN (EXISTS (SELECT 1 FROM kube_members m WHERE m.person_id = person_a AND m.left_on IS NULL)
        AND EXISTS (SELECT 1 FROM kube_members m WHERE m.person_id = person_b AND m.left_on IS NULL))
     OR EXISTS (SELECT 1 FROM enrolments ea JOIN enrolments eb ON eb.programme_id = ea.programme_id
                WHERE ea.person_id = person_a AND eb.person_id = person_b)
   THEN 1 ELSE 0 END)";

/// `?` → `$1`, `$2` … in order (both backends read the numbered form).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

/// Conditions joined by `OR`, each with its values (`?` each, numbered once joined).
#[derive(Default)]
struct Arms {
    sql: Vec<String>,
    args: AnyArguments<'static>,
}

impl Arms {
    fn push<'v>(&mut self, cond: &str, values: impl IntoIterator<Item = &'v str>) {
        for v in values {
            let _ = self.args.add(v.to_string());
        }
        self.sql.push(cond.to_string());
    }
}
