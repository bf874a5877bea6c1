//! The office's duties as controller of personal data: data subjects' requests, consent
//! to optional data, restriction, anonymisation, the breach register — every change
//! audited in its own transaction.
use crate::store::batch::{Counted, Read};
use crate::store::sql::Where;
use crate::store::{audit, Actor, Page, Paging, Result, Store, StoreError};
use serde::Serialize;
use sqlx::FromRow;

/// A data subject's request.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct DataRequest {
    pub id: i64,
    /// The registered person it is about; absent when the requester is not registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i64>,
    /// `access`, `correction`, `restriction`, `erasure`, `objection`, `withdrawal`
    pub kind: String,
    pub requester: String,
    pub details: String,
    /// RFC 3339 UTC
    pub received_at: String,
    /// RFC 3339 UTC: received plus the kind's deadline.
    pub due_at: String,
    /// `open`, `done`, `refused`
    pub status: String,
    pub officer: String,
    pub outcome: Option<String>,
    /// The audit entry of the change a correction led to.
    pub audit_id: Option<i64>,
    pub closed_at: Option<String>,
}

const REQUEST_COLS: &str = "id, person_id, kind, requester, details, received_at, due_at, \
    status, officer, outcome, audit_id, closed_at";

/// What the request register is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub status: Option<String>,
    pub person_id: Option<i64>,
    /// Open requests due before this instant (RFC 3339 UTC).
    pub overdue_at: Option<String>,
}

/// A consent to optional data.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Consent {
    pub id: i64,
    pub person_id: i64,
    /// `phone`, `photos`
    pub kind: String,
    /// `YYYY-MM-DD`
    pub given_on: String,
    /// `written`, `oral`, `form`
    pub method: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
}

/// A breach register entry.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Incident {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// `YYYY-MM-DD`, when known.
    pub occurred_on: Option<String>,
    /// RFC 3339 UTC: the 3 × 24 hours to notify run from here.
    pub discovered_at: String,
    /// Kinds of data, comma-separated codes.
    pub data_kinds: String,
    pub persons_affected: i64,
    pub measures: String,
    pub authority_notified_at: Option<String>,
    pub persons_notified_at: Option<String>,
    pub recorded_by: String,
    pub created_at: String,
    pub updated_at: String,
}

const INCIDENT_COLS: &str = "id, title, description, occurred_on, discovered_at, data_kinds, \
    persons_affected, measures, authority_notified_at, persons_notified_at, recorded_by, \
    created_at, updated_at";

/// A person due for anonymisation: no active membership or enrolment since the cut-off.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct DuePerson {
    pub id: i64,
    pub name: String,
    pub district_code: String,
    pub village_code: String,
    /// `YYYY-MM-DD`: the last day of membership, enrolment, benefit, training or registration.
    pub last_active_on: String,
}

/// A visit photo due for deletion.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct DuePhoto {
    pub id: i64,
    pub visit_id: i64,
    pub kube_id: i64,
    pub visited_on: String,
    pub filename: String,
}

/// A visit to a KUBE while the person was a member (named: their name is in its text).
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct CopyVisit {
    pub visit_id: i64,
    pub kube: String,
    pub visited_on: String,
    pub named: i64,
}

/// A photo the person is in, or may be in: their own, or of a visit, checklist or
/// proposal of their KUBE while they were a member.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct CopyPhoto {
    pub id: i64,
    /// `person`, `visit`, `checklist`, `proposal`
    pub entity: String,
    pub filename: String,
    pub created_at: String,
}

/// An entry of the record's trail: who entered or changed it, and how.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct CopySource {
    pub at: String,
    pub action: String,
    pub username: String,
}

const MEMBER_DAYS: &str = "km.person_id = $1 AND {day} >= km.joined_on \
    AND (km.left_on IS NULL OR {day} <= km.left_on)";

/// The last day a person was active: registered, member, enrolled, given a benefit, trained.
const LAST_ACTIVE: &str = "(SELECT MAX(d) FROM (
    SELECT substr(p.created_at, 1, 10) AS d
    UNION ALL SELECT COALESCE(km.left_on, '9999-12-31') FROM kube_members km WHERE km.person_id = p.id
    UNION ALL SELECT e.enrolled_on FROM enrolments e WHERE e.person_id = p.id
    UNION ALL SELECT b.given_on FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id WHERE e.person_id = p.id
    UNION ALL SELECT t.starts_on FROM training_participants tp JOIN trainings t ON t.id = tp.training_id WHERE tp.person_id = p.id
  ) AS days)";

impl Store {
    // ---------- requests ----------

    pub async fn request_add(
        &self,
        actor: &Actor,
        person_id: Option<i64>,
        v: &domain::protection::ValidRequest,
        received_at: &str,
        due_at: &str,
    ) -> Result<DataRequest> {
        let mut tx = self.tx().await?;
        let r: DataRequest = sqlx::query_as(&format!(
            "INSERT INTO data_requests (person_id, kind, requester, details, received_at, due_at,
                 status, officer_id, officer, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9) RETURNING {REQUEST_COLS}"
        ))
        .bind(person_id)
        .bind(v.kind.code())
        .bind(&v.requester)
        .bind(&v.details)
        .bind(received_at)
        .bind(due_at)
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "data_request",
            r.id,
            None::<&()>,
            Some(&r),
        )
        .await?;
        tx.commit().await?;
        Ok(r)
    }

    pub async fn request_get(&self, id: i64) -> Result<DataRequest> {
        sqlx::query_as(&format!(
            "SELECT {REQUEST_COLS} FROM data_requests WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The register, the soonest due first among open ones, then the newest.
    pub async fn request_list(
        &self,
        f: &RequestFilter,
        paging: Paging,
    ) -> Result<Page<DataRequest>> {
        request_where(f)
            .page(
                &self.pool,
                REQUEST_COLS,
                "data_requests",
                REQUEST_ORDER,
                paging,
            )
            .await
    }

    /// Closes a request; a restriction carried out marks its person restricted in the
    /// same step.
    pub async fn request_close(
        &self,
        actor: &Actor,
        id: i64,
        status: &str,
        outcome: &str,
        audit_id: Option<i64>,
    ) -> Result<DataRequest> {
        let mut tx = self.tx().await?;
        let before: DataRequest = sqlx::query_as(&format!(
            "SELECT {REQUEST_COLS} FROM data_requests WHERE id = $1 AND status = 'open'"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let after: DataRequest = sqlx::query_as(&format!(
            "UPDATE data_requests SET status = $1, outcome = $2, audit_id = $3, closed_at = $4
              WHERE id = $5 RETURNING {REQUEST_COLS}"
        ))
        .bind(status)
        .bind(outcome)
        .bind(audit_id)
        .bind(actor.now())
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "close",
            "data_request",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        if let (Some(pid), "restriction", "done") = (after.person_id, after.kind.as_str(), status) {
            set_restricted(&mut tx, actor, pid, Some(actor.now())).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Lifts a person's restriction.
    pub async fn restriction_lift(&self, actor: &Actor, person_id: i64) -> Result<()> {
        let mut tx = self.tx().await?;
        set_restricted(&mut tx, actor, person_id, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether an audit entry exists and is about this person.
    pub async fn audit_of_person(&self, audit_id: i64, person_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log
              WHERE id = $1 AND entity = 'person' AND entity_id = $2",
        )
        .bind(audit_id)
        .bind(person_id.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    // ---------- the person's copy ----------

    pub async fn copy_visits(&self, person_id: i64, name: &str) -> Result<Vec<CopyVisit>> {
        let during = MEMBER_DAYS.replace("{day}", "v.visited_on");
        Ok(sqlx::query_as(&format!(
            "SELECT v.id AS visit_id, k.name AS kube, v.visited_on,
                    CAST(CASE WHEN LOWER(COALESCE(v.problems, '') || ' ' || COALESCE(v.actions, ''))
                              LIKE $2 THEN 1 ELSE 0 END AS BIGINT) AS named
               FROM visits v JOIN kube k ON k.id = v.kube_id
               JOIN kube_members km ON km.kube_id = v.kube_id
              WHERE {during} ORDER BY v.visited_on DESC, v.id DESC"
        ))
        .bind(person_id)
        .bind(format!("%{}%", name.to_lowercase().replace(['%', '_'], "")))
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn copy_photos(&self, person_id: i64) -> Result<Vec<CopyPhoto>> {
        let visit = MEMBER_DAYS.replace("{day}", "v.visited_on");
        let other = MEMBER_DAYS.replace("{day}", "substr(a.created_at, 1, 10)");
        Ok(sqlx::query_as(&format!(
            "SELECT a.id, a.entity, a.filename, a.created_at FROM attachments a
              WHERE a.entity = 'person' AND a.entity_id = $1
             UNION
             SELECT a.id, a.entity, a.filename, a.created_at FROM attachments a
               JOIN visits v ON a.entity = 'visit' AND v.id = a.entity_id
               JOIN kube_members km ON km.kube_id = v.kube_id WHERE {visit}
             UNION
             SELECT a.id, a.entity, a.filename, a.created_at FROM attachments a
               JOIN kube_checklists c ON a.entity = 'checklist' AND c.id = a.entity_id
               JOIN kube_members km ON km.kube_id = c.kube_id WHERE {other}
             UNION
             SELECT a.id, a.entity, a.filename, a.created_at FROM attachments a
               JOIN proposals p ON a.entity = 'proposal' AND p.id = a.entity_id
               JOIN kube_members km ON km.kube_id = p.kube_id WHERE {other}
                AND a.mime <> 'application/pdf'
             ORDER BY created_at DESC, id DESC"
        ))
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records that a person's copy was produced.
    pub async fn audit_copy(&self, actor: &Actor, person_id: i64) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        audit::record(
            &mut conn,
            actor,
            "copy",
            "person",
            person_id,
            None::<&()>,
            None::<&()>,
        )
        .await
    }

    pub async fn copy_sources(&self, person_id: i64) -> Result<Vec<CopySource>> {
        Ok(sqlx::query_as(
            "SELECT at, action, username FROM audit_log
              WHERE entity = 'person' AND entity_id = $1 ORDER BY at, id",
        )
        .bind(person_id.to_string())
        .fetch_all(&self.pool)
        .await?)
    }

    // ---------- consent ----------

    pub async fn consent_list(&self, person_id: i64) -> Result<Vec<Consent>> {
        consents_of(person_id)
            .all(&mut *self.pool.acquire().await?)
            .await
    }

    /// Records a consent (a consent of the same kind still in force is replaced).
    pub async fn consent_add(
        &self,
        actor: &Actor,
        person_id: i64,
        kind: &str,
        given_on: &str,
        method: &str,
    ) -> Result<Consent> {
        let mut tx = self.tx().await?;
        sqlx::query(
            "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2
              WHERE person_id = $3 AND kind = $4 AND withdrawn_at IS NULL",
        )
        .bind(actor.now())
        .bind(&actor.username)
        .bind(person_id)
        .bind(kind)
        .execute(&mut *tx)
        .await?;
        let c: Consent = sqlx::query_as(
            "INSERT INTO consents (person_id, kind, given_on, method, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id, person_id, kind, given_on, method, recorded_by, recorded_at,
                       withdrawn_at, withdrawn_by",
        )
        .bind(person_id)
        .bind(kind)
        .bind(given_on)
        .bind(method)
        .bind(&actor.username)
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "consent",
            "person",
            person_id,
            None::<&()>,
            Some(&c),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Withdraws a consent in force and removes what it covered (the phone number, the
    /// person's photos), in one step; how many files were deleted. None: no consent in force.
    pub async fn consent_withdraw(
        &self,
        actor: &Actor,
        person_id: i64,
        kind: &str,
    ) -> Result<Option<u64>> {
        let mut tx = self.tx().await?;
        let withdrawn = sqlx::query(
            "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2
              WHERE person_id = $3 AND kind = $4 AND withdrawn_at IS NULL",
        )
        .bind(actor.now())
        .bind(&actor.username)
        .bind(person_id)
        .bind(kind)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if withdrawn == 0 {
            return Ok(None);
        }
        let removed = match kind {
            "phone" => {
                sqlx::query("UPDATE persons SET phone = NULL, updated_at = $1 WHERE id = $2")
                    .bind(actor.now())
                    .bind(person_id)
                    .execute(&mut *tx)
                    .await?;
                0
            }
            _ => delete_person_photos(&mut tx, person_id).await?,
        };
        audit::record(
            &mut tx,
            actor,
            "consent_withdrawn",
            "person",
            person_id,
            None::<&()>,
            Some(&serde_json::json!({"kind": kind, "files_deleted": removed})),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(removed))
    }

    /// Whether a consent of `kind` is in force.
    pub async fn consent_in_force(&self, person_id: i64, kind: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM consents
              WHERE person_id = $1 AND kind = $2 AND withdrawn_at IS NULL",
        )
        .bind(person_id)
        .bind(kind)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    // ---------- retention ----------

    /// Persons with no membership, enrolment, benefit or training since `cutoff`
    /// (`YYYY-MM-DD`), not yet anonymised, not retired.
    /// Those born after `born_by` are left out (children, for a role that does not read
    /// their records).
    pub async fn retention_due_persons(
        &self,
        cutoff: &str,
        born_by: Option<&str>,
        paging: Paging,
    ) -> Result<Page<DuePerson>> {
        let mut w = Where::new();
        w.raw("anonymised_at IS NULL AND merged_into IS NULL");
        if let Some(d) = born_by {
            w.cond("birth_date <= ?", d);
        }
        w.cond(&format!("{LAST_ACTIVE} < ?"), cutoff.to_string());
        w.page(
            &self.pool,
            &format!("id, name, district_code, village_code, {LAST_ACTIVE} AS last_active_on"),
            "persons p",
            "last_active_on, id",
            paging,
        )
        .await
    }

    /// Photos of visits made before `cutoff` (`YYYY-MM-DD`).
    pub async fn retention_due_photos(
        &self,
        cutoff: &str,
        paging: Paging,
    ) -> Result<Page<DuePhoto>> {
        let mut w = Where::new();
        w.raw("a.entity = 'visit'");
        w.cond("v.visited_on < ?", cutoff.to_string());
        w.page(
            &self.pool,
            "a.id, v.id AS visit_id, v.kube_id, v.visited_on, a.filename",
            "attachments a JOIN visits v ON v.id = a.entity_id",
            "v.visited_on, a.id",
            paging,
        )
        .await
    }

    /// Anonymises the persons still due at `cutoff` among `ids` and deletes the visit
    /// photos older than `photo_cutoff`, in one audited step: names, NIK, KK, address,
    /// phone, notes, photos and consents' traces removed; sex, birth date, village,
    /// memberships, enrolments and aid kept (every total stays). Returns (persons, photos).
    pub async fn anonymise(
        &self,
        actor: &Actor,
        ids: &[i64],
        cutoff: &str,
        photo_cutoff: Option<&str>,
    ) -> Result<(u64, u64)> {
        let mut tx = self.tx().await?;
        let mut persons = 0;
        for &id in ids {
            // Still due (a change since the list was read keeps the person).
            let nik: Option<String> = sqlx::query_scalar(&format!(
                "SELECT nik FROM persons p WHERE id = $1 AND anonymised_at IS NULL
                   AND merged_into IS NULL AND {LAST_ACTIVE} < $2"
            ))
            .bind(id)
            .bind(cutoff)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(nik) = nik else { continue };
            let name = format!("ANONIM-{id}");
            sqlx::query(
                "UPDATE persons SET nik = $1, kk_number = NULL, name = $2, name_lower = $3,
                        rt = NULL, rw = NULL, address = NULL, phone = NULL, dtks_ref = NULL,
                        notes = NULL, anonymised_at = $4, updated_at = $4 WHERE id = $5",
            )
            .bind(format!("X{id}"))
            .bind(&name)
            .bind(name.to_lowercase())
            .bind(actor.now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM person_words WHERE person_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            delete_person_photos(&mut tx, id).await?;
            // The trail keeps that the person changed, not who they were.
            sqlx::query(
                "UPDATE audit_log SET before_json = NULL, after_json = NULL
                  WHERE entity = 'person' AND entity_id = $1",
            )
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
            for table in [
                ("audit_log", "before_json"),
                ("audit_log", "after_json"),
                ("access_log", "detail"),
            ] {
                sqlx::query(&format!(
                    "UPDATE {0} SET {1} = REPLACE({1}, $1, $2) WHERE {1} LIKE $3",
                    table.0, table.1
                ))
                .bind(&nik)
                .bind(format!("X{id}"))
                .bind(format!("%{nik}%"))
                .execute(&mut *tx)
                .await?;
            }
            persons += 1;
        }
        let photos = match photo_cutoff {
            Some(c) => sqlx::query(
                "DELETE FROM attachments WHERE entity = 'visit'
                   AND entity_id IN (SELECT id FROM visits WHERE visited_on < $1)",
            )
            .bind(c)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            None => 0,
        };
        audit::record(
            &mut tx,
            actor,
            "anonymise",
            "retention",
            0,
            None::<&()>,
            Some(&serde_json::json!({"persons": persons, "ids": ids, "photos_deleted": photos})),
        )
        .await?;
        tx.commit().await?;
        Ok((persons, photos))
    }

    /// The NIKs of these persons.
    pub async fn niks_of(&self, ids: &[i64]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            // Integers, written into the statement as such.
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let niks: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT nik FROM persons WHERE id IN ({})",
                list.join(", ")
            ))
            .fetch_all(&self.pool)
            .await?;
            out.extend(niks);
        }
        Ok(out)
    }

    /// Import files whose text holds `nik`, emptied (an uploaded sheet kept its rows).
    pub async fn import_files_scrub(&self, niks: &[String]) -> Result<u64> {
        let files: Vec<(i64, Vec<u8>)> = sqlx::query_as("SELECT id, content FROM import_files")
            .fetch_all(&self.pool)
            .await?;
        let mut n = 0;
        for (id, content) in files {
            let holds = niks
                .iter()
                .any(|nik| content.windows(nik.len()).any(|w| w == nik.as_bytes()));
            if holds {
                sqlx::query("UPDATE import_files SET content = $1 WHERE id = $2")
                    .bind(Vec::<u8>::new())
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                n += 1;
            }
        }
        Ok(n)
    }

    // ---------- incidents ----------

    pub async fn incident_add(
        &self,
        actor: &Actor,
        v: &domain::protection::ValidIncident,
        discovered_at: &str,
    ) -> Result<Incident> {
        let mut tx = self.tx().await?;
        let i: Incident = sqlx::query_as(&format!(
            "INSERT INTO incidents (title, description, occurred_on, discovered_at, data_kinds,
                 persons_affected, measures, recorded_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {INCIDENT_COLS}"
        ))
        .bind(&v.title)
        .bind(&v.description)
        .bind(v.occurred_on.map(|d| d.to_string()))
        .bind(discovered_at)
        .bind(kinds_text(v))
        .bind(v.persons_affected)
        .bind(&v.measures)
        .bind(&actor.username)
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "incident",
            i.id,
            None::<&()>,
            Some(&i),
        )
        .await?;
        tx.commit().await?;
        Ok(i)
    }

    /// Changes an entry's account and measures; records a notification as sent
    /// (`authority`, `persons`) at the action's instant.
    pub async fn incident_update(
        &self,
        actor: &Actor,
        id: i64,
        v: &domain::protection::ValidIncident,
        notified: &[&str],
    ) -> Result<Incident> {
        let mut tx = self.tx().await?;
        let before = incident_in(&mut tx, id).await?;
        let now = actor.now();
        let stamp = |who: &str, was: &Option<String>| {
            was.clone()
                .or_else(|| notified.contains(&who).then(|| now.clone()))
        };
        let after: Incident = sqlx::query_as(&format!(
            "UPDATE incidents SET title = $1, description = $2, occurred_on = $3, data_kinds = $4,
                    persons_affected = $5, measures = $6, authority_notified_at = $7,
                    persons_notified_at = $8, updated_at = $9
              WHERE id = $10 RETURNING {INCIDENT_COLS}"
        ))
        .bind(&v.title)
        .bind(&v.description)
        .bind(v.occurred_on.map(|d| d.to_string()))
        .bind(kinds_text(v))
        .bind(v.persons_affected)
        .bind(&v.measures)
        .bind(stamp("authority", &before.authority_notified_at))
        .bind(stamp("persons", &before.persons_notified_at))
        .bind(&now)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "update",
            "incident",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn incident_get(&self, id: i64) -> Result<Incident> {
        let mut conn = self.pool.acquire().await?;
        incident_in(&mut conn, id).await
    }

    pub async fn incident_list(&self, paging: Paging) -> Result<Page<Incident>> {
        Where::new()
            .page(
                &self.pool,
                INCIDENT_COLS,
                "incidents",
                INCIDENT_ORDER,
                paging,
            )
            .await
    }
}

/// Open requests first, the nearest deadline first; then the newest.
const REQUEST_ORDER: &str = "CASE WHEN status = 'open' THEN 0 ELSE 1 END, \
     CASE WHEN status = 'open' THEN due_at END, received_at DESC, id DESC";
const INCIDENT_ORDER: &str = "discovered_at DESC, id DESC";

fn request_where(f: &RequestFilter) -> Where {
    let mut w = Where::new();
    w.eq("status", &f.status);
    if let Some(p) = f.person_id {
        w.cond_int("person_id = ?", p);
    }
    if let Some(at) = &f.overdue_at {
        w.cond("status = 'open' AND due_at < ?", at.clone());
    }
    w
}

/// [`Store::request_list`] as a read of a batch.
pub(crate) fn request_page(f: &RequestFilter, paging: Paging) -> Read<Counted<DataRequest>> {
    request_where(f).page_read(REQUEST_COLS, "data_requests", REQUEST_ORDER, paging)
}

/// [`Store::incident_list`] as a read of a batch.
pub(crate) fn incident_page(paging: Paging) -> Read<Counted<Incident>> {
    Where::new().page_read(INCIDENT_COLS, "incidents", INCIDENT_ORDER, paging)
}

fn kinds_text(v: &domain::protection::ValidIncident) -> String {
    v.data_kinds
        .iter()
        .map(|k| k.code())
        .collect::<Vec<_>>()
        .join(",")
}

async fn incident_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Incident> {
    sqlx::query_as(&format!(
        "SELECT {INCIDENT_COLS} FROM incidents WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

async fn set_restricted(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    person_id: i64,
    at: Option<String>,
) -> Result<()> {
    let n = sqlx::query("UPDATE persons SET restricted_at = $1 WHERE id = $2")
        .bind(&at)
        .bind(person_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let action = if at.is_some() {
        "restrict"
    } else {
        "restriction_lifted"
    };
    audit::record(
        conn,
        actor,
        action,
        "person",
        person_id,
        None::<&()>,
        None::<&()>,
    )
    .await
}

async fn delete_person_photos(conn: &mut sqlx::AnyConnection, person_id: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM attachments WHERE entity = 'person' AND entity_id = $1")
            .bind(person_id)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// A person's consents, newest first.
pub(crate) fn consents_of(person_id: i64) -> crate::store::batch::Read<Consent> {
    crate::store::batch::Read::new(
        "SELECT id, person_id, kind, given_on, method, recorded_by, recorded_at, withdrawn_at,
                withdrawn_by FROM consents WHERE person_id = $1 ORDER BY id DESC",
        vec![person_id.into()],
    )
}
