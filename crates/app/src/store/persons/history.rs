//! What happened to one person across the office's work, dated, in one statement: KUBE
//! joined and left, programmes enrolled in, benefits received, trainings, and the aid
//! their KUBE received while they were a member.
use crate::store::{Result, Store};

/// One dated line of a person's history; which columns mean what depends on `kind`.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct HistoryRow {
    /// `YYYY-MM-DD`
    #[schema(format = Date)]
    pub on_day: String,
    /// `kube_joined`, `kube_left`, `enrolled`, `benefit`, `training`, `kube_aid`
    pub kind: String,
    /// The KUBE, programme or training.
    pub title: String,
    /// Its id (for `kube_aid`, the proposal's).
    pub ref_id: i64,
    /// A benefit's or a delivery's rupiah.
    pub amount: Option<i64>,
    /// The member's role, the benefit's or training's kind.
    pub code: Option<String>,
    /// The leaving reason, the benefit's period, the KUBE that received aid.
    pub detail: Option<String>,
    /// A benefit awaiting approval, a training not attended.
    pub open: i64,
}

const HISTORY: &str = "
SELECT km.joined_on AS on_day, 'kube_joined' AS kind, k.name AS title, k.id AS ref_id,
       CAST(NULL AS BIGINT) AS amount, km.role AS code, CAST(NULL AS TEXT) AS detail, CAST(0 AS BIGINT) AS open
  FROM kube_members km JOIN kube k ON k.id = km.kube_id WHERE km.person_id = $1
UNION ALL
SELECT km.left_on, 'kube_left', k.name, k.id, CAST(NULL AS BIGINT), km.role, km.left_reason, CAST(0 AS BIGINT)
  FROM kube_members km JOIN kube k ON k.id = km.kube_id WHERE km.person_id = $1 AND km.left_on IS NOT NULL
UNION ALL
SELECT e.enrolled_on, 'enrolled', g.name, g.id, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(0 AS BIGINT)
  FROM enrolments e JOIN programmes g ON g.id = e.programme_id WHERE e.person_id = $1
UNION ALL
SELECT b.given_on, 'benefit', g.name, g.id, b.amount, b.kind, b.period,
       CAST(CASE WHEN b.approved_at IS NULL THEN 1 ELSE 0 END AS BIGINT)
  FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id JOIN programmes g ON g.id = e.programme_id
 WHERE e.person_id = $1
UNION ALL
SELECT t.starts_on, 'training', t.title, t.id, CAST(NULL AS BIGINT), t.kind, CAST(NULL AS TEXT),
       CAST(CASE WHEN tp.attended = 0 THEN 1 ELSE 0 END AS BIGINT)
  FROM training_participants tp JOIN trainings t ON t.id = tp.training_id WHERE tp.person_id = $1
UNION ALL
SELECT p.delivered_on, 'kube_aid', g.name, p.id, p.delivered_total, CAST(NULL AS TEXT), k.name, CAST(0 AS BIGINT)
  FROM proposals p JOIN kube_members km ON km.kube_id = p.kube_id JOIN kube k ON k.id = p.kube_id
  JOIN programmes g ON g.id = p.programme_id
 WHERE km.person_id = $1 AND p.delivered_on IS NOT NULL AND p.delivered_on >= km.joined_on
   AND (km.left_on IS NULL OR p.delivered_on <= km.left_on)
ORDER BY on_day DESC, kind, ref_id DESC";

impl Store {
    /// A person's history, newest first.
    pub async fn person_history(&self, person_id: i64) -> Result<Vec<HistoryRow>> {
        history_of(person_id)
            .all(&mut *self.pool.acquire().await?)
            .await
    }
}

pub(crate) fn history_of(person_id: i64) -> crate::store::batch::Read<HistoryRow> {
    crate::store::batch::Read::new(HISTORY, vec![person_id.into()])
}
