//! Guidance and training events, their partner agencies and participants.
use crate::store::idempotency::{self, Once};
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::Where;
use crate::store::{audit, Actor, Page, Paging, Result, Store, StoreError};
use domain::kube::MemberRole;
use domain::nik::Sex;
use domain::trainings::{MemberGuidance, TrainingKind};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Serialize, PartialEq, FromRow)]
pub struct Training {
    pub id: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub kind: TrainingKind,
    pub topic: Option<String>,
    pub business_type: Option<String>,
    pub starts_on: crate::store::Date,
    pub ends_on: crate::store::Date,
    pub village_code: String,
    pub district_code: String,
    pub organiser: Option<String>,
    pub trainers: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const COLS: &str =
    "id, title, kind, topic, business_type, starts_on, ends_on, village_code, district_code, \
    organiser, trainers, created_at, updated_at";

#[derive(Debug, Clone)]
pub struct NewTraining {
    pub title: String,
    pub kind: TrainingKind,
    pub topic: Option<String>,
    pub business_type: Option<String>,
    pub starts_on: crate::store::Date,
    pub ends_on: crate::store::Date,
    pub village_code: String,
    pub district_code: String,
    pub organiser: Option<String>,
    pub trainers: Option<String>,
    pub agencies: Vec<String>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Participant {
    pub person_id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub sex: Sex,
    pub village_code: String,
    pub attended: crate::store::Flag,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainingDetail {
    #[serde(flatten)]
    pub training: Training,
    pub partner_agencies: Vec<String>,
    pub participants: Vec<Participant>,
}

/// Participants and attendance by the village participants live in.
#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct VillageCount {
    pub village_code: String,
    pub participants: i64,
    pub attended: i64,
}

/// The trainings list's filters, read straight from its query string.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingFilter {
    pub kind: Option<String>,
    pub year: Option<i64>,
    /// Part of the title or the topic.
    pub q: Option<String>,
    /// `starts_on`, `title` (`-` before: descending); the latest first by default.
    pub sort: Option<String>,
}

/// How the trainings list sorts.
pub const SORTS: crate::store::sql::Sorts = crate::store::sql::Sorts {
    columns: &[("starts_on", "starts_on"), ("title", "LOWER(title)")],
    tie: "id",
    default: "starts_on DESC, id DESC",
};

async fn get_in(conn: &mut AnyConnection, id: i64) -> Result<TrainingDetail> {
    let training: Training = sqlx::query_as(&format!("SELECT {COLS} FROM trainings WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let agencies: Vec<(String,)> = sqlx::query_as(
        "SELECT a.name FROM training_agencies ta JOIN partner_agencies a ON a.id = ta.agency_id
         WHERE ta.training_id = $1 ORDER BY a.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let participants = sqlx::query_as(
        "SELECT tp.person_id, p.name, p.sex, p.village_code, tp.attended FROM training_participants tp
         JOIN persons p ON p.id = tp.person_id WHERE tp.training_id = $1 ORDER BY p.name_lower",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(TrainingDetail {
        training,
        partner_agencies: agencies.into_iter().map(|a| a.0).collect(),
        participants,
    })
}

impl Store {
    pub async fn training_create(&self, actor: &Actor, t: &NewTraining) -> Result<TrainingDetail> {
        let mut tx = self.tx().await?;
        let now = actor.now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO trainings (title, kind, topic, business_type, starts_on, ends_on, village_code, district_code,
               organiser, trainers, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(&t.title)
        .bind(t.kind.code())
        .bind(&t.topic)
        .bind(&t.business_type)
        .bind(t.starts_on)
        .bind(t.ends_on)
        .bind(&t.village_code)
        .bind(&t.district_code)
        .bind(&t.organiser)
        .bind(&t.trainers)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        for name in &t.agencies {
            // A new agency name joins the managed list.
            let existing: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM partner_agencies WHERE LOWER(name) = $1")
                    .bind(name.to_lowercase())
                    .fetch_optional(&mut *tx)
                    .await?;
            let aid = match existing {
                Some((a,)) => a,
                None => {
                    let (a,): (i64,) = sqlx::query_as("INSERT INTO partner_agencies (name, created_at) VALUES ($1, $2) RETURNING id")
                        .bind(name)
                        .bind(&now)
                        .fetch_one(&mut *tx)
                        .await?;
                    a
                }
            };
            sqlx::query("INSERT INTO training_agencies (training_id, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(aid)
                .execute(&mut *tx)
                .await?;
        }
        let d = get_in(&mut tx, id).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "create",
            "training",
            id,
            None,
            Some(&d.training),
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    pub async fn training_get(&self, id: i64) -> Result<TrainingDetail> {
        let mut conn = self.pool.acquire().await?;
        get_in(&mut conn, id).await
    }

    /// Trainings held in the caller's kecamatan (a pendamping) or anywhere, newest first.
    pub async fn training_list(
        &self,
        f: &TrainingFilter,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<Training>> {
        let mut w = Where::new();
        w.eq("kind", &f.kind);
        w.contains(&["title", "topic"], &f.q);
        if let Some(y) = f.year {
            w.cond("starts_on LIKE ?", format!("{y}-%"));
        }
        scope_filter(&mut w, "district_code", scope);
        w.page(&self.pool, COLS, "trainings", &SORTS.order(&f.sort), paging)
            .await
    }

    pub async fn partner_agency_list(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM partner_agencies ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Records a participant (or changes their attendance).
    pub async fn training_participants_add(
        &self,
        actor: &Actor,
        training_id: i64,
        person_ids: &[i64],
        attended: bool,
    ) -> Result<TrainingDetail> {
        let mut tx = self.tx().await?;
        get_in(&mut tx, training_id).await?;
        for &person_id in person_ids {
            crate::store::persons::ensure_current(&mut tx, person_id, "person_id").await?;
            sqlx::query(
                "INSERT INTO training_participants (training_id, person_id, attended, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (training_id, person_id) DO UPDATE SET attended = $3",
            )
            .bind(training_id)
            .bind(person_id)
            .bind(attended as i64)
            .bind(actor.now())
            .execute(&mut *tx)
            .await?;
            let after = serde_json::json!({"person_id": person_id, "attended": attended});
            audit::record::<(), _>(
                &mut tx,
                actor,
                "participant",
                "training",
                training_id,
                None,
                Some(&after),
            )
            .await?;
        }
        let d = get_in(&mut tx, training_id).await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Registers several participants at once (e.g. a whole KUBE), each with the days
    /// they were present (none: registered, absent), in one transaction.
    pub async fn training_participants_many(
        &self,
        actor: &Actor,
        training_id: i64,
        people: &[(i64, Vec<String>)],
    ) -> Result<()> {
        let mut tx = self.tx().await?;
        get_in(&mut tx, training_id).await?;
        for (person_id, days) in people {
            crate::store::persons::ensure_current(&mut tx, *person_id, "person_id").await?;
            sqlx::query(
                "INSERT INTO training_participants (training_id, person_id, attended, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (training_id, person_id) DO UPDATE SET attended = $3",
            )
            .bind(training_id)
            .bind(person_id)
            .bind(!days.is_empty() as i64)
            .bind(actor.now())
            .execute(&mut *tx)
            .await?;
            for day in days {
                sqlx::query("INSERT INTO training_attendance (training_id, person_id, day) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(training_id)
                    .bind(person_id)
                    .bind(day)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let after = serde_json::json!({
            "participants": people.iter().map(|p| p.0).collect::<Vec<_>>(),
            "attended": people.iter().filter(|p| !p.1.is_empty()).count(),
        });
        audit::record::<(), _>(
            &mut tx,
            actor,
            "participants",
            "training",
            training_id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a participant present or absent on one day of the training; the
    /// participant's overall attendance follows (present on any day).
    pub async fn training_attendance(
        &self,
        actor: &Actor,
        training_id: i64,
        person_id: i64,
        day: &str,
        present: bool,
        once: Option<&Once>,
    ) -> Result<()> {
        let mut tx = self.tx().await?;
        let known: Option<(i64,)> = sqlx::query_as(
            "SELECT person_id FROM training_participants WHERE training_id = $1 AND person_id = $2",
        )
        .bind(training_id)
        .bind(person_id)
        .fetch_optional(&mut *tx)
        .await?;
        if known.is_none() {
            return Err(domain::Invalid::field(
                "person_id",
                domain::Msg::new("training.not_participant"),
            )
            .into());
        }
        if present {
            sqlx::query("INSERT INTO training_attendance (training_id, person_id, day) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(training_id)
                .bind(person_id)
                .bind(day)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("DELETE FROM training_attendance WHERE training_id = $1 AND person_id = $2 AND day = $3")
                .bind(training_id)
                .bind(person_id)
                .bind(day)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE training_participants SET attended = CAST(CASE WHEN EXISTS (
                 SELECT 1 FROM training_attendance a WHERE a.training_id = $1 AND a.person_id = $2) THEN 1 ELSE 0 END AS BIGINT)
             WHERE training_id = $1 AND person_id = $2",
        )
        .bind(training_id)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({"person_id": person_id, "day": day, "present": present});
        audit::record::<(), _>(
            &mut tx,
            actor,
            "attendance",
            "training",
            training_id,
            None,
            Some(&after),
        )
        .await?;
        if let (Some(once), Some(user)) = (once, actor.user_id) {
            idempotency::remember(&mut tx, user, once, training_id, &actor.now()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// (person id, day) of every recorded presence.
    pub async fn training_days(&self, training_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as("SELECT person_id, day FROM training_attendance WHERE training_id = $1 ORDER BY day, person_id")
            .bind(training_id)
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn training_summary(&self, training_id: i64) -> Result<Vec<VillageCount>> {
        Ok(sqlx::query_as(
            "SELECT p.village_code, CAST(COUNT(*) AS BIGINT) AS participants,
                    CAST(SUM(tp.attended) AS BIGINT) AS attended
             FROM training_participants tp JOIN persons p ON p.id = tp.person_id
             WHERE tp.training_id = $1 GROUP BY p.village_code ORDER BY participants DESC, p.village_code",
        )
        .bind(training_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// For each active member of a KUBE: their role and whether they attended a
    /// technical guidance of the KUBE's business type.
    pub async fn kube_guidance(&self, kube_id: i64) -> Result<Vec<MemberGuidance>> {
        guidance_in(&mut *self.pool.acquire().await?, kube_id).await
    }
}

/// 1 when the member `m` of the KUBE `k` attended a technical guidance of the KUBE's
/// business type, else 0 (a BIGINT on both databases).
pub(crate) fn attended_guidance() -> String {
    // A scalar sub-select, not `EXISTS`: PostgreSQL may answer an `EXISTS` by hashing
    // every guidance participant once per page (0.9 ms on the demo city, growing with
    // the registry), where this probes each member's participations by index.
    format!(
        "COALESCE((SELECT CAST(1 AS BIGINT)
         FROM training_participants tp JOIN trainings t ON t.id = tp.training_id
         WHERE tp.person_id = m.person_id AND tp.attended = 1 AND t.kind = '{}'
           AND t.business_type = k.business_type LIMIT 1), 0)",
        TrainingKind::BimbinganTeknis.code()
    )
}

/// An active member's role and whether they attended the technical guidance.
#[derive(FromRow)]
struct GuidanceRow {
    #[sqlx(try_from = "String")]
    role: MemberRole,
    attended: crate::store::Flag,
}

async fn guidance_in(conn: &mut AnyConnection, kube_id: i64) -> Result<Vec<MemberGuidance>> {
    let rows: Vec<GuidanceRow> = sqlx::query_as(&format!(
        "SELECT m.role, {} AS attended
         FROM kube_members m JOIN kube k ON k.id = m.kube_id
         WHERE m.kube_id = $1 AND m.left_on IS NULL",
        attended_guidance()
    ))
    .bind(kube_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MemberGuidance {
            role: r.role,
            attended: *r.attended,
        })
        .collect())
}
