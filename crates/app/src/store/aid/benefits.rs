//! Individual programmes: enrolments within the quota, benefits and their approval.
use super::*;

impl Store {
    /// Enrols a person, within the programme's quota (eligibility is checked before).
    pub async fn enrolment_create(
        &self,
        actor: &Actor,
        programme_id: i64,
        person_id: i64,
        on: NaiveDate,
    ) -> Result<i64> {
        let mut tx = self.tx().await?;
        let p = programme_in(&mut tx, programme_id, Some(self.backend())).await?;
        let f = figures_in(&mut tx, &p).await?;
        check_quota(p.quota, f.quota_used).map_err(|m| StoreError::conflict("quota", m))?;
        crate::store::persons::ensure_current(&mut tx, person_id, "person_id").await?;
        let r: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO enrolments (programme_id, person_id, enrolled_on, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(programme_id)
        .bind(person_id)
        .bind(crate::store::Date(on))
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await;
        let (id,) = r.map_err(unique_as_conflict(
            "person_id",
            Msg::new("enrolment.exists"),
        ))?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "enrol",
            "programme",
            programme_id,
            None,
            Some(&serde_json::json!({"person_id": person_id})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn enrolment_list(
        &self,
        programme_id: i64,
        scope: Scope<'_>,
        born_by: Option<&str>,
    ) -> Result<Vec<Enrolment>> {
        let mut w = Where::new();
        w.cond_int("e.programme_id = ?", programme_id);
        scope_filter(&mut w, "p.district_code", scope);
        w.raw(crate::store::persons::PROCESSED);
        if let Some(d) = born_by {
            w.cond("p.birth_date <= ?", d);
        }
        let sql = format!(
            "SELECT e.id, e.programme_id, e.person_id, p.name, e.enrolled_on FROM enrolments e JOIN persons p ON p.id = e.person_id {} ORDER BY p.name_lower",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }

    /// Records a benefit for an enrolled person within the programme's budget.
    #[allow(clippy::too_many_arguments)] // one per field of the benefit, as the API sends them
    pub async fn benefit_add(
        &self,
        actor: &Actor,
        programme_id: i64,
        person_id: i64,
        kind: BenefitKind,
        period: &str,
        amount: Rupiah,
        description: Option<&str>,
        on: NaiveDate,
    ) -> Result<i64> {
        let mut tx = self.tx().await?;
        let p = programme_in(&mut tx, programme_id, Some(self.backend())).await?;
        let enrolment: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM enrolments WHERE programme_id = $1 AND person_id = $2")
                .bind(programme_id)
                .bind(person_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((eid,)) = enrolment else {
            return Err(StoreError::conflict(
                "person_id",
                Msg::new("benefit.not_enrolled"),
            ));
        };
        let f = figures_in(&mut tx, &p).await?;
        check_budget(p.budget.map(Rupiah::new), Rupiah::new(f.committed), amount)
            .map_err(|m| StoreError::conflict("budget", m))?;
        // Every benefit — cash, goods or training alike: each costs the programme — waits
        // for a head of division who is not its recorder (`benefit_approve`). No one
        // commits programme money alone.
        let r: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO benefits (enrolment_id, kind, period, description, amount, given_on, created_at, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(eid)
        .bind(kind.code())
        .bind(period)
        .bind(description)
        .bind(amount.value())
        .bind(crate::store::Date(on))
        .bind(actor.now())
        .bind(actor.user_id)
        .fetch_one(&mut *tx)
        .await;
        let (id,) = r.map_err(unique_as_conflict("period", Msg::new("benefit.twice")))?;
        let after = serde_json::json!({"person_id": person_id, "kind": kind, "period": period, "amount": amount.value()});
        audit::record::<(), _>(
            &mut tx,
            actor,
            "benefit",
            "programme",
            programme_id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// A benefit given to an enrolled person.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Benefit {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: BenefitKind,
    pub period: String,
    pub amount: i64,
    pub given_on: crate::store::Date,
    pub recorded_by: Option<i64>,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

impl Store {
    /// The benefits of a programme to persons the caller may see: awaiting approval first,
    /// then the newest.
    pub async fn benefit_list(
        &self,
        programme_id: i64,
        scope: Scope<'_>,
        born_by: Option<&str>,
        paging: Paging,
    ) -> Result<Page<Benefit>> {
        let mut w = Where::new();
        w.cond_int("e.programme_id = ?", programme_id);
        scope_filter(&mut w, "p.district_code", scope);
        w.raw(crate::store::persons::PROCESSED);
        if let Some(d) = born_by {
            w.cond("p.birth_date <= ?", d);
        }
        w
            .page(
                &self.pool,
                "b.id, e.person_id, p.name, b.kind, b.period, b.amount, b.given_on, b.recorded_by, b.approved_by, b.approved_at",
                "benefits b JOIN enrolments e ON e.id = b.enrolment_id JOIN persons p ON p.id = e.person_id",
                "CASE WHEN b.approved_at IS NULL THEN 0 ELSE 1 END, b.given_on DESC, b.id DESC",
                paging,
            )
            .await
    }

    /// The head of division approves a recorded cash benefit; not its recorder (unless
    /// the office allows one person both steps).
    pub async fn benefit_approve(
        &self,
        actor: &Actor,
        programme_id: i64,
        benefit_id: i64,
        allow_same_person: bool,
    ) -> Result<Benefit> {
        let mut tx = self.tx().await?;
        let row: Option<Benefit> = sqlx::query_as(
            "SELECT b.id, e.person_id, p.name, b.kind, b.period, b.amount, b.given_on, b.recorded_by, b.approved_by, b.approved_at
             FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id JOIN persons p ON p.id = e.person_id
             WHERE b.id = $1 AND e.programme_id = $2",
        )
        .bind(benefit_id)
        .bind(programme_id)
        .fetch_optional(&mut *tx)
        .await?;
        let before = row.ok_or(StoreError::NotFound)?;
        if before.approved_at.is_some() {
            return Err(StoreError::conflict(
                "benefit",
                Msg::new("benefit.already_approved"),
            ));
        }
        if !allow_same_person && actor.user_id.is_some() && before.recorded_by == actor.user_id {
            return Err(StoreError::conflict(
                "benefit",
                Msg::new("benefit.same_person_approve"),
            ));
        }
        let now = actor.now();
        sqlx::query("UPDATE benefits SET approved_by = $1, approved_at = $2 WHERE id = $3")
            .bind(&actor.username)
            .bind(&now)
            .bind(benefit_id)
            .execute(&mut *tx)
            .await?;
        let after = Benefit {
            approved_by: Some(actor.username.clone()),
            approved_at: Some(now),
            ..before.clone()
        };
        audit::record(
            &mut tx,
            actor,
            "approve_benefit",
            "programme",
            programme_id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
