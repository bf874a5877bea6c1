//! Duplicate persons: the records the finder reads, pairs judged distinct, and merging
//! one record into another (everything it holds moves; it is retired with a pointer).
use crate::store::batch::{Batch, Lit, Read};
use crate::store::persons::{assign_categories, get_in, scope_filter, Person, Scope, COLS};
use crate::store::sql::Where;
use crate::store::{audit, Actor, Result, Store, StoreError};
use domain::dedup::Record;
use domain::{Invalid, Msg};
use serde::Serialize;
use sqlx::AnyConnection;
use std::collections::HashSet;

mod pairs;
pub(crate) use pairs::{pairs_waiting, waiting_of};
pub use pairs::{ScanState, Scored, StoredPair, LATE_WINDOW};

/// What a person takes part in, shown beside a pair so harm is visible: two active KUBE,
/// or one programme twice.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Links {
    /// (person id, KUBE id, KUBE name) of active memberships.
    pub active_kube: Vec<(i64, i64, String)>,
    /// (person id, programme id, programme name) of enrolments.
    pub enrolments: Vec<(i64, i64, String)>,
}

impl Links {
    /// The name of the KUBE a person is an active member of.
    pub fn active_kube_of(&self, person: i64) -> Option<&str> {
        self.active_kube
            .iter()
            .find(|(p, _, _)| *p == person)
            .map(|(_, _, n)| n.as_str())
    }
    /// The names of the programmes a person is enrolled in.
    pub fn programmes_of(&self, person: i64) -> Vec<&str> {
        self.enrolments
            .iter()
            .filter(|(p, _, _)| *p == person)
            .map(|(_, _, n)| n.as_str())
            .collect()
    }
}

/// What a merge moved to the kept record.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Moved {
    pub memberships: i64,
    pub enrolments: i64,
    pub benefits: i64,
    pub trainings: i64,
    pub attendance_days: i64,
    pub categories: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Merged {
    pub kept: Person,
    pub retired: Person,
    pub moved: Moved,
}

/// A person's columns the finder reads, and their row.
const RECORD_COLS: &str = "id, nik, name, sex, birth_date, village_code, kk_number";
type RecordRow = (i64, String, String, String, String, String, Option<String>);

fn records_of(rows: Vec<RecordRow>) -> Vec<Record> {
    rows.into_iter()
        .map(
            |(id, nik, name, sex, birth_date, village_code, kk)| Record {
                id: id.to_string(),
                nik,
                name,
                sex,
                birth_date,
                village_code,
                kk_number: kk.unwrap_or_default(),
            },
        )
        .collect()
}

fn ordered(a: i64, b: i64) -> (i64, i64) {
    (a.min(b), a.max(b))
}

fn id_list(ids: &[i64]) -> String {
    // Integers from the database, not user text.
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// `$1, $2, …` for these ids, with their values: a read whose text depends only on how
/// many there are (PostgreSQL keeps one prepared statement per text and connection).
/// Never an empty `IN ()`: no person has id 0.
fn id_params(ids: &[i64]) -> (String, Vec<Lit>) {
    if ids.is_empty() {
        return ("0".into(), Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    (marks.join(", "), ids.iter().map(|&i| i.into()).collect())
}

/// (person, KUBE id, KUBE name) of the active memberships of these persons.
fn active_kube_of(ids: &[i64]) -> Read<(i64, i64, String)> {
    let (list, values) = id_params(ids);
    Read::new(
        format!(
            "SELECT m.person_id, k.id, k.name FROM kube_members m JOIN kube k ON k.id = m.kube_id
             WHERE m.left_on IS NULL AND m.person_id IN ({list}) ORDER BY m.person_id"
        ),
        values,
    )
}

/// (person, programme id, programme name) of the enrolments of these persons.
fn enrolments_of(ids: &[i64]) -> Read<(i64, i64, String)> {
    let (list, values) = id_params(ids);
    Read::new(
        format!(
            "SELECT e.person_id, g.id, g.name FROM enrolments e JOIN programmes g ON g.id = e.programme_id
             WHERE e.person_id IN ({list}) ORDER BY e.person_id, g.id"
        ),
        values,
    )
}

/// Runs a statement over person ids `$1`, `$2`…; returns the rows it touched.
async fn exec(conn: &mut AnyConnection, sql: &str, ids: &[i64]) -> Result<i64> {
    let mut q = sqlx::query(sql);
    for &id in ids {
        q = q.bind(id);
    }
    Ok(q.execute(conn).await?.rows_affected() as i64)
}

impl Store {
    /// How many current (not merged) persons the registry holds.
    pub async fn person_count(&self) -> Result<i64> {
        let mut w = Where::new();
        w.raw("merged_into IS NULL");
        Ok(w.count(&self.pool, "persons").await?)
    }

    /// The current (not merged) persons of the caller's area, as the finder reads them;
    /// `Record::id` is the person id.
    pub async fn duplicate_records(&self, scope: Scope<'_>) -> Result<Vec<Record>> {
        let mut w = Where::new();
        w.raw("merged_into IS NULL");
        scope_filter(&mut w, "district_code", scope);
        let sql = format!("SELECT {RECORD_COLS} FROM persons {} ORDER BY id", w.sql());
        let rows: Vec<RecordRow> = sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?;
        Ok(records_of(rows))
    }

    /// Pairs (smaller id first) an operator said are different people.
    pub async fn duplicate_distinct_pairs(&self) -> Result<HashSet<(i64, i64)>> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT person_a, person_b FROM person_distinct")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// Active memberships and enrolments of these persons.
    pub async fn person_links(&self, ids: &[i64]) -> Result<Links> {
        if ids.is_empty() {
            return Ok(Links::default());
        }
        let mut conn = self.pool.acquire().await?;
        Ok(Links {
            active_kube: active_kube_of(ids).all(&mut *conn).await?,
            enrolments: enrolments_of(ids).all(&mut *conn).await?,
        })
    }

    /// What the review page shows beside a page of pairs, in one round trip: the persons
    /// (at most a page's worth), their active memberships and enrolments, and when the
    /// duplicate scan last looked.
    pub async fn duplicate_review_reads(
        &self,
        ids: &[i64],
    ) -> Result<(Vec<Person>, Links, Option<String>)> {
        let mut b = Batch::new(self.backend());
        let (list, values) = id_params(ids);
        let persons = b.add(Read::<Person>::new(
            format!("SELECT {COLS} FROM persons WHERE id IN ({list})"),
            values.clone(),
        ))?;
        let categories = b.add(Read::<(i64, String)>::new(
            format!("SELECT person_id, category FROM person_categories WHERE person_id IN ({list}) ORDER BY category"),
            values,
        ))?;
        let active_kube = b.add(active_kube_of(ids))?;
        let enrolments = b.add(enrolments_of(ids))?;
        let scanned = b.add(Read::<(String,)>::new(
            "SELECT scanned_at FROM duplicate_scan WHERE id = 1",
            Vec::new(),
        ))?;
        let mut rows = b.run(&mut *self.pool.acquire().await?).await?;
        let mut persons = rows.all(persons)?;
        assign_categories(&mut persons, rows.all(categories)?);
        let links = Links {
            active_kube: rows.all(active_kube)?,
            enrolments: rows.all(enrolments)?,
        };
        Ok((persons, links, rows.optional(scanned)?.map(|s| s.0)))
    }

    /// Remembers that two persons are different people. Idempotent.
    pub async fn duplicate_mark_distinct(&self, actor: &Actor, a: i64, b: i64) -> Result<()> {
        if a == b {
            return Err(Invalid::field("person_b", Msg::new("merge.same_person")).into());
        }
        let (a, b) = ordered(a, b);
        let mut tx = self.tx().await?;
        get_in(&mut tx, a).await?;
        get_in(&mut tx, b).await?;
        let known: Option<(i64,)> = sqlx::query_as(
            "SELECT person_a FROM person_distinct WHERE person_a = $1 AND person_b = $2",
        )
        .bind(a)
        .bind(b)
        .fetch_optional(&mut *tx)
        .await?;
        if known.is_none() {
            pairs::settle_in(&mut tx, a, Some(b)).await?;
            sqlx::query(
                "INSERT INTO person_distinct (person_a, person_b, decided_by, decided_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(a)
            .bind(b)
            .bind(actor.user_id)
            .bind(self.now())
            .execute(&mut *tx)
            .await?;
            let pair = serde_json::json!({ "person_a": a, "person_b": b });
            audit::record::<(), _>(
                &mut tx,
                actor,
                "not_duplicate",
                "person",
                a,
                None,
                Some(&pair),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Merges `other` into `keep` in one transaction: memberships, enrolments (with their
    /// benefits), training participation and attendance, and categories move to `keep`;
    /// blanks of `keep` are filled from `other`; `other` is retired pointing at `keep`.
    /// Refused (409, nothing changed) when the two are active in two KUBE, or received
    /// the same benefit for the same period — a person must decide which one stands.
    pub async fn person_merge(&self, actor: &Actor, keep: i64, other: i64) -> Result<Merged> {
        if keep == other {
            return Err(Invalid::field("other_id", Msg::new("merge.same_person")).into());
        }
        let mut tx = self.tx().await?;
        let keep_before = get_in(&mut tx, keep).await?;
        let other_before = get_in(&mut tx, other).await.map_err(|e| match e {
            StoreError::NotFound => {
                Invalid::field("other_id", Msg::new("kube.person_unknown").arg(other)).into()
            }
            e => e,
        })?;
        for p in [&keep_before, &other_before] {
            if let Some(k) = p.merged_into {
                return Err(StoreError::conflict(
                    "other_id",
                    Msg::new("person.merged").arg(k),
                ));
            }
        }
        let mut moved = Moved::default();

        let active: Vec<(i64, String)> = sqlx::query_as(
            "SELECT m.person_id, k.name FROM kube_members m JOIN kube k ON k.id = m.kube_id
             WHERE m.left_on IS NULL AND m.person_id IN ($1, $2) ORDER BY m.person_id",
        )
        .bind(keep)
        .bind(other)
        .fetch_all(&mut *tx)
        .await?;
        if active.len() > 1 {
            let names: Vec<&str> = active.iter().map(|(_, n)| n.as_str()).collect();
            return Err(StoreError::conflict(
                "other_id",
                Msg::new("merge.both_active_kube").arg(names.join("; ")),
            ));
        }
        moved.memberships = exec(
            &mut tx,
            "UPDATE kube_members SET person_id = $1 WHERE person_id = $2",
            &[keep, other],
        )
        .await?;

        // Enrolments: one per programme. Where both are enrolled, benefits move onto the
        // kept enrolment unless the same benefit was given to both for one period.
        let theirs: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT e.id, e.programme_id, g.name FROM enrolments e JOIN programmes g ON g.id = e.programme_id
             WHERE e.person_id = $1 ORDER BY e.id",
        )
        .bind(other)
        .fetch_all(&mut *tx)
        .await?;
        for (enrolment, programme, programme_name) in theirs {
            let mine: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM enrolments WHERE person_id = $1 AND programme_id = $2",
            )
            .bind(keep)
            .bind(programme)
            .fetch_optional(&mut *tx)
            .await?;
            moved.enrolments += 1;
            let Some((mine,)) = mine else {
                exec(
                    &mut tx,
                    "UPDATE enrolments SET person_id = $1 WHERE id = $2",
                    &[keep, enrolment],
                )
                .await?;
                continue;
            };
            let clash: Option<(String, String)> = sqlx::query_as(
                "SELECT b.kind, b.period FROM benefits b WHERE b.enrolment_id = $1 AND EXISTS
                   (SELECT 1 FROM benefits c WHERE c.enrolment_id = $2 AND c.kind = b.kind AND c.period = b.period)
                 ORDER BY b.period LIMIT 1",
            )
            .bind(enrolment)
            .bind(mine)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((kind, period)) = clash {
                return Err(StoreError::conflict(
                    "other_id",
                    Msg::new("merge.benefit_clash")
                        .arg(programme_name)
                        .arg(kind)
                        .arg(period),
                ));
            }
            moved.benefits += exec(
                &mut tx,
                "UPDATE benefits SET enrolment_id = $1 WHERE enrolment_id = $2",
                &[mine, enrolment],
            )
            .await?;
            sqlx::query("DELETE FROM enrolments WHERE id = $1")
                .bind(enrolment)
                .execute(&mut *tx)
                .await?;
        }

        // Training participation: one row per training; attendance counts if either had it.
        exec(
            &mut tx,
            "UPDATE training_participants SET attended = 1 WHERE person_id = $1 AND attended = 0
               AND training_id IN (SELECT training_id FROM training_participants WHERE person_id = $2 AND attended = 1)",
            &[keep, other],
        )
        .await?;
        moved.trainings = exec(
            &mut tx,
            "UPDATE training_participants SET person_id = $1 WHERE person_id = $2
               AND training_id NOT IN (SELECT training_id FROM training_participants WHERE person_id = $1)",
            &[keep, other],
        )
        .await?;
        moved.trainings += exec(
            &mut tx,
            "DELETE FROM training_participants WHERE person_id = $1",
            &[other],
        )
        .await?;
        moved.attendance_days = exec(
            &mut tx,
            "INSERT INTO training_attendance (training_id, person_id, day)
             SELECT a.training_id, $1, a.day FROM training_attendance a WHERE a.person_id = $2
               AND NOT EXISTS (SELECT 1 FROM training_attendance b
                               WHERE b.person_id = $1 AND b.training_id = a.training_id AND b.day = a.day)",
            &[keep, other],
        )
        .await?;
        exec(
            &mut tx,
            "DELETE FROM training_attendance WHERE person_id = $1",
            &[other],
        )
        .await?;
        moved.categories = exec(
            &mut tx,
            "INSERT INTO person_categories (person_id, category)
             SELECT $1, c.category FROM person_categories c WHERE c.person_id = $2
               AND NOT EXISTS (SELECT 1 FROM person_categories d WHERE d.person_id = $1 AND d.category = c.category)",
            &[keep, other],
        )
        .await?;
        exec(
            &mut tx,
            "DELETE FROM person_categories WHERE person_id = $1",
            &[other],
        )
        .await?;

        // Nothing the other record knew is lost: blanks of the kept one are filled.
        let now = self.now();
        sqlx::query(
            "UPDATE persons SET kk_number = COALESCE(kk_number, $1), rt = COALESCE(rt, $2),
               rw = COALESCE(rw, $3), address = COALESCE(address, $4), phone = COALESCE(phone, $5),
               dtks_ref = COALESCE(dtks_ref, $6), notes = COALESCE(notes, $7),
               dtks_registered = CASE WHEN dtks_registered = 1 OR $8 = 1 THEN 1 ELSE 0 END,
               household_role = COALESCE(household_role, $11), occupation = COALESCE(occupation, $12),
               updated_at = $9
             WHERE id = $10",
        )
        .bind(&other_before.kk_number)
        .bind(&other_before.rt)
        .bind(&other_before.rw)
        .bind(&other_before.address)
        .bind(&other_before.phone)
        .bind(&other_before.dtks_ref)
        .bind(&other_before.notes)
        .bind(*other_before.dtks_registered as i64)
        .bind(&now)
        .bind(keep)
        .bind(&other_before.household_role)
        .bind(&other_before.occupation)
        .execute(&mut *tx)
        .await?;
        pairs::settle_in(&mut tx, other, None).await?;
        // Records merged into `other` earlier now point at the survivor too.
        sqlx::query(
            "UPDATE persons SET merged_into = $1, updated_at = $2 WHERE merged_into = $3 OR id = $3",
        )
        .bind(keep)
        .bind(&now)
        .bind(other)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE persons SET merged_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(other)
            .execute(&mut *tx)
            .await?;

        let kept = get_in(&mut tx, keep).await?;
        let retired = get_in(&mut tx, other).await?;
        let before = serde_json::json!({ "kept": keep_before, "retired": other_before });
        let after = serde_json::json!({ "kept": kept, "retired": retired, "moved": moved });
        audit::record(
            &mut tx,
            actor,
            "merge",
            "person",
            keep,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(Merged {
            kept,
            retired,
            moved,
        })
    }
}
