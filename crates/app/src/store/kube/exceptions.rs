//! Membership rules an officer overrode for a member, with the reason; and the facts
//! the rules judge a person on.
use super::*;
use domain::membership::Rule;

/// A refusal overridden: whose, which rule, why.
#[derive(Debug, Clone)]
pub struct Excepted {
    pub person_id: i64,
    pub rule: Rule,
    pub reason: String,
}

/// An exception as recorded.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct MemberException {
    pub person_id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub rule: Rule,
    pub reason: String,
    pub username: String,
    pub full_name: Option<String>,
    pub at: String,
}

/// (person id, birth date, household role, occupation, KK number, DTSEN decile).
pub type RuleFacts = (
    i64,
    crate::store::Date,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// Records the exceptions of a group's members (in the transaction that adds them),
/// each audited.
pub(super) async fn record_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    kube_id: i64,
    ex: &[Excepted],
) -> Result<()> {
    for e in ex {
        sqlx::query(
            "INSERT INTO kube_member_exceptions (kube_id, person_id, rule, reason, user_id, username, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(kube_id)
        .bind(e.person_id)
        .bind(e.rule.code())
        .bind(&e.reason)
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(actor.now())
        .execute(&mut *conn)
        .await?;
        let after = serde_json::json!({"person_id": e.person_id, "rule": e.rule.code(), "reason": e.reason});
        audit::record::<(), _>(
            conn,
            actor,
            "exception",
            "kube",
            kube_id,
            None,
            Some(&after),
        )
        .await?;
    }
    Ok(())
}

/// A member of an active group with the rules' facts: (kube id, kube name, kecamatan,
/// the person's facts, the person's name).
#[derive(Debug, Clone, FromRow)]
pub struct RosterRow {
    pub kube_id: i64,
    pub kube_name: String,
    pub district_code: String,
    pub person_id: i64,
    pub name: String,
    pub birth_date: crate::store::Date,
    pub household_role: Option<String>,
    pub occupation: Option<String>,
    pub kk_number: Option<String>,
    pub dtsen_decile: Option<i64>,
}

impl RosterRow {
    pub fn facts(&self) -> RuleFacts {
        (
            self.person_id,
            self.birth_date,
            self.household_role.clone(),
            self.occupation.clone(),
            self.kk_number.clone(),
            self.dtsen_decile,
        )
    }
}

impl Store {
    /// The active members of the groups of a scope (or of one kecamatan), group by group.
    pub async fn membership_roster(
        &self,
        district: Option<&str>,
        scope: Scope<'_>,
    ) -> Result<Vec<RosterRow>> {
        let mut w = Where::new();
        w.raw("m.left_on IS NULL");
        w.raw(&format!("k.stage <> '{}'", Stage::Bubar.code()));
        if let Some(d) = district {
            w.cond("k.district_code = ?", d);
        }
        scope_filter(&mut w, "k.district_code", scope);
        let sql = format!(
            "SELECT k.id AS kube_id, k.name AS kube_name, k.district_code, p.id AS person_id, p.name,
                    p.birth_date, p.household_role, p.occupation, p.kk_number, {} AS dtsen_decile
             FROM kube_members m JOIN kube k ON k.id = m.kube_id JOIN persons p ON p.id = m.person_id
             {} ORDER BY k.district_code, k.name_lower, k.id, m.id",
            crate::store::persons::DTSEN_DECILE,
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every exception recorded: (kube id, person id, rule code).
    pub async fn membership_exceptions_all(&self) -> Result<Vec<(i64, i64, String)>> {
        Ok(
            sqlx::query_as("SELECT kube_id, person_id, rule FROM kube_member_exceptions")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The exceptions recorded for a group's members, oldest first.
    pub async fn kube_exceptions(&self, kube_id: i64) -> Result<Vec<MemberException>> {
        exceptions_of(kube_id)
            .all(&mut *self.pool.acquire().await?)
            .await
    }

    /// What the membership rules ask of these persons, in the order asked.
    pub async fn membership_facts(&self, ids: &[i64]) -> Result<Vec<RuleFacts>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::store::sql::values_list(self.backend(), 1, ids.len(), 0);
        let sql = format!(
            "SELECT p.id, p.birth_date, p.household_role, p.occupation, p.kk_number, {} FROM persons p WHERE p.id IN {marks}",
            crate::store::persons::DTSEN_DECILE
        );
        let mut q = sqlx::query_as::<_, RuleFacts>(&sql);
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await?;
        ids.iter()
            .map(|id| {
                rows.iter()
                    .find(|r| r.0 == *id)
                    .cloned()
                    .ok_or(StoreError::NotFound)
            })
            .collect()
    }

    /// Whether the office has imported a DTSEN extract (before that the DTSEN rules warn).
    pub async fn dtsen_known(&self) -> Result<bool> {
        let rows = dtsen_imported()
            .all(&mut *self.pool.acquire().await?)
            .await?;
        Ok(!rows.is_empty())
    }
}

/// The exceptions recorded for a group's members, oldest first.
pub(super) fn exceptions_of(kube_id: i64) -> Read<MemberException> {
    Read::new(
        format!(
            "SELECT x.person_id, p.name, x.rule, x.reason, x.username, {}, x.at
             FROM kube_member_exceptions x JOIN persons p ON p.id = x.person_id
             WHERE x.kube_id = $1 ORDER BY x.id",
            crate::store::audit::full_name_of("x.user_id")
        ),
        vec![kube_id.into()],
    )
}

/// A row when a DTSEN extract was ever imported.
fn dtsen_imported() -> Read<(i64,)> {
    Read::new("SELECT id FROM dtsen_imports LIMIT 1", Vec::new())
}

/// What the membership rules ask of a group's active members (in no order).
pub(super) fn active_member_facts(kube_id: i64) -> Read<RuleFacts> {
    Read::new(
        format!(
            "SELECT p.id, p.birth_date, p.household_role, p.occupation, p.kk_number, {} FROM persons p
             WHERE p.id IN (SELECT person_id FROM kube_members WHERE kube_id = $1 AND left_on IS NULL)",
            crate::store::persons::DTSEN_DECILE
        ),
        vec![kube_id.into()],
    )
    // PostgreSQL would plan it anew at every view (`batch::GENERIC_PLANS`).
    .generic()
}
