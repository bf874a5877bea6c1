//! Stage checklists: each group's assessments with their answers and evidence, the
//! region's own criteria, and the facts the records give an assessment. A checklist, its
//! photos and the group's new level are one change.
use crate::store::aid::delivered_states;
use crate::store::error::is_unique_violation;
use crate::store::visits::visits_in;
use crate::store::{attachments, audit, Actor, Code, Date, Flag, Result, Store, StoreError};
use chrono::NaiveDate;
use domain::checklist::Facts;
use domain::health::Level;
use domain::{Invalid, Msg};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A criterion a region added.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct RegionCriterion {
    pub code: String,
    pub stage: Code<Level>,
    pub label: String,
    pub active: Flag,
    pub created_at: String,
}

/// A checklist as recorded.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Checklist {
    pub id: i64,
    pub kube_id: i64,
    pub assessed_on: Date,
    pub quarter: String,
    /// None: not even Tumbuh's items all held.
    pub level: Option<Code<Level>>,
    pub username: String,
    pub full_name: Option<String>,
    pub at: String,
}

/// An item as answered then: `label` is the catalogue key of a ministry criterion or a
/// region's own words; `figures` a kept message (JSON).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AnswerRow {
    pub criterion: String,
    pub stage: Code<Level>,
    pub label: String,
    pub holds: Flag,
    pub note: Option<String>,
    pub photo_id: Option<i64>,
    pub figures: Option<String>,
}

impl AnswerRow {
    pub fn figures(&self) -> Option<Msg> {
        serde_json::from_str(self.figures.as_deref()?).ok()
    }
}

/// A photo offered as evidence: one the group already has, or a new one.
#[derive(Debug, Clone)]
pub enum Photo {
    Existing(i64),
    Upload {
        filename: String,
        mime: &'static str,
        bytes: Vec<u8>,
    },
}

#[derive(Debug, Clone)]
pub struct NewAnswer {
    pub criterion: String,
    pub stage: Level,
    pub label: String,
    pub holds: bool,
    pub note: Option<String>,
    pub photo: Option<Photo>,
    pub figures: Option<Msg>,
}

#[derive(Debug, Clone)]
pub struct NewChecklist {
    pub assessed_on: NaiveDate,
    pub quarter: String,
    pub level: Option<Level>,
    pub answers: Vec<NewAnswer>,
}

const COLS: &str = "c.id, c.kube_id, c.assessed_on, c.quarter, c.level, c.username, \
    (SELECT u.full_name FROM users u WHERE u.id = c.user_id) AS full_name, c.at";

/// Whether a file belongs to a group: one of its visits' photos or its checklists'.
async fn photo_of_group(conn: &mut AnyConnection, photo_id: i64, kube_id: i64) -> Result<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM attachments a
         WHERE a.id = $1 AND a.mime <> 'application/pdf' AND (
            (a.entity = 'visit' AND a.entity_id IN (SELECT id FROM visits WHERE kube_id = $2))
         OR (a.entity = 'checklist' AND a.entity_id IN (SELECT id FROM kube_checklists WHERE kube_id = $2)))",
    )
    .bind(photo_id)
    .bind(kube_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

impl Store {
    /// The criteria regions added, retired ones too (older answers name them).
    pub async fn checklist_criteria(&self) -> Result<Vec<RegionCriterion>> {
        Ok(sqlx::query_as(
            "SELECT code, stage, label, active, created_at FROM checklist_criteria ORDER BY created_at, code",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Adds a region's criterion (`region_N`); audited.
    pub async fn checklist_criterion_add(
        &self,
        actor: &Actor,
        stage: Level,
        label: &str,
    ) -> Result<RegionCriterion> {
        let mut tx = self.tx().await?;
        let (n,): (i64,) =
            sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM checklist_criteria")
                .fetch_one(&mut *tx)
                .await?;
        let code = format!("region_{}", n + 1);
        let r = sqlx::query(
            "INSERT INTO checklist_criteria (code, stage, label, active, created_at) VALUES ($1, $2, $3, 1, $4)",
        )
        .bind(&code)
        .bind(stage.code())
        .bind(label)
        .bind(actor.now())
        .execute(&mut *tx)
        .await;
        if let Err(e) = r {
            return Err(if is_unique_violation(&e) {
                StoreError::conflict("label", Msg::new("error.conflict"))
            } else {
                e.into()
            });
        }
        let c: RegionCriterion = sqlx::query_as(
            "SELECT code, stage, label, active, created_at FROM checklist_criteria WHERE code = $1",
        )
        .bind(&code)
        .fetch_one(&mut *tx)
        .await?;
        audit::record::<(), _>(&mut tx, actor, "create", "criterion", &code, None, Some(&c))
            .await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Retires a region's criterion: new checklists leave it out; audited.
    pub async fn checklist_criterion_retire(&self, actor: &Actor, code: &str) -> Result<()> {
        let mut tx = self.tx().await?;
        let n =
            sqlx::query("UPDATE checklist_criteria SET active = 0 WHERE code = $1 AND active = 1")
                .bind(code)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "retire",
            "criterion",
            code,
            None,
            Some(&serde_json::json!({"code": code})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the records say about a group as of `on`: facilitator, officers, aid handed
    /// over, visits.
    pub async fn checklist_facts(&self, kube_id: i64, on: NaiveDate) -> Result<Facts> {
        let mut conn = self.pool.acquire().await?;
        let (pendamping,): (Option<i64>,) =
            sqlx::query_as("SELECT pendamping_id FROM kube WHERE id = $1")
                .bind(kube_id)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(StoreError::NotFound)?;
        let (officers,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(DISTINCT role) AS BIGINT) FROM kube_members
             WHERE kube_id = $1 AND left_on IS NULL AND role IN ('ketua', 'sekretaris', 'bendahara')",
        )
        .bind(kube_id)
        .fetch_one(&mut *conn)
        .await?;
        let (aid, value): (i64, i64) = sqlx::query_as(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(delivered_total), 0) AS BIGINT) FROM proposals
             WHERE kube_id = $1 AND state IN {} AND delivered_on <= $2",
            delivered_states()
        ))
        .bind(kube_id)
        .bind(Date(on))
        .fetch_one(&mut *conn)
        .await?;
        let mut visits: Vec<_> = visits_in(&mut conn, kube_id)
            .await?
            .iter()
            .rev()
            .map(|v| v.facts())
            .filter(|f| f.visited_on <= on)
            .collect();
        visits.sort_by_key(|f| f.visited_on);
        Ok(Facts {
            has_facilitator: pendamping.is_some(),
            officers: officers as usize,
            aid_delivered: aid as usize,
            aid_value: value,
            visits,
        })
    }

    /// Records a checklist with its photos, and sets the group's level from its latest
    /// checklist; audited. A second checklist in one quarter is refused.
    pub async fn checklist_create(
        &self,
        actor: &Actor,
        kube_id: i64,
        c: &NewChecklist,
    ) -> Result<Checklist> {
        let mut tx = self.tx().await?;
        let mut inv = Invalid::new();
        for a in &c.answers {
            if let Some(Photo::Existing(id)) = a.photo {
                if !photo_of_group(&mut tx, id, kube_id).await? {
                    inv.add(
                        &format!("answer.{}", a.criterion),
                        Msg::new("checklist.photo_unknown"),
                    );
                }
            }
        }
        if !inv.is_empty() {
            return Err(StoreError::Invalid(inv));
        }
        let r = sqlx::query_as::<_, (i64,)>(
            "INSERT INTO kube_checklists (kube_id, assessed_on, quarter, level, user_id, username, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(kube_id)
        .bind(Date(c.assessed_on))
        .bind(&c.quarter)
        .bind(c.level.map(|l| l.code()))
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await;
        let id = match r {
            Ok((id,)) => id,
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Invalid(Invalid::field(
                    "assessed_on",
                    Msg::new("checklist.quarter_taken").arg(&c.quarter),
                )))
            }
            Err(e) => return Err(e.into()),
        };
        for (position, a) in c.answers.iter().enumerate() {
            let photo_id = match &a.photo {
                Some(Photo::Existing(id)) => Some(*id),
                Some(Photo::Upload {
                    filename,
                    mime,
                    bytes,
                }) => Some(
                    attachments::add_in(&mut tx, actor, "checklist", id, filename, mime, bytes)
                        .await?
                        .id,
                ),
                None => None,
            };
            sqlx::query(
                "INSERT INTO kube_checklist_answers (checklist_id, position, criterion, stage, label, holds, note, photo_id, figures)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(&a.criterion)
            .bind(a.stage.code())
            .bind(&a.label)
            .bind(a.holds as i64)
            .bind(&a.note)
            .bind(photo_id)
            .bind(a.figures.as_ref().map(|m| serde_json::to_string(m).unwrap_or_default()))
            .execute(&mut *tx)
            .await?;
        }
        // The group's level is its latest checklist's (by the day assessed).
        let (level, on): (Option<String>, String) = sqlx::query_as(
            "SELECT level, assessed_on FROM kube_checklists WHERE kube_id = $1 ORDER BY assessed_on DESC, id DESC LIMIT 1",
        )
        .bind(kube_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE kube SET level = $1, checklist_on = $2 WHERE id = $3")
            .bind(level)
            .bind(on)
            .bind(kube_id)
            .execute(&mut *tx)
            .await?;
        let (row, answers) = get_in(&mut tx, id).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "checklist",
            "kube",
            kube_id,
            None,
            Some(&serde_json::json!({"checklist": row, "answers": answers})),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// A group's checklists, newest first.
    pub async fn checklists(&self, kube_id: i64) -> Result<Vec<Checklist>> {
        checklists_of(kube_id)
            .all(&mut *self.pool.acquire().await?)
            .await
    }

    /// A checklist and its answers in the order they were asked.
    pub async fn checklist(&self, id: i64) -> Result<(Checklist, Vec<AnswerRow>)> {
        get_in(&mut *self.pool.acquire().await?, id).await
    }
}

/// A group's checklists, newest first.
pub(crate) fn checklists_of(kube_id: i64) -> crate::store::batch::Read<Checklist> {
    crate::store::batch::Read::new(
        format!("SELECT {COLS} FROM kube_checklists c WHERE c.kube_id = $1 ORDER BY c.assessed_on DESC, c.id DESC"),
        vec![kube_id.into()],
    )
}

async fn get_in(conn: &mut AnyConnection, id: i64) -> Result<(Checklist, Vec<AnswerRow>)> {
    let row: Checklist = sqlx::query_as(&format!(
        "SELECT {COLS} FROM kube_checklists c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let answers = sqlx::query_as(
        "SELECT criterion, stage, label, holds, note, photo_id, figures FROM kube_checklist_answers
         WHERE checklist_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok((row, answers))
}
