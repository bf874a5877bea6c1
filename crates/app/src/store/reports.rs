//! Grouped figures behind the reports, scoped to the caller's area.
use crate::store::aid::delivered_states;
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::Where;
use crate::store::{Result, Store};
use domain::kube::Status;
use domain::nik::Sex;
use domain::trainings::TrainingKind;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct AidRow {
    pub village_code: String,
    pub programme: String,
    pub proposals: i64,
    pub items: i64,
    pub value: i64,
    /// Of the groups aided, those with a membership rule overridden by an officer.
    pub excepted: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct MonthRow {
    pub month: String,
    pub kube: i64,
    pub visits: i64,
    pub revenue: i64,
    pub profit: i64,
    pub savings: i64,
    pub assets: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct AidOutcome {
    pub kube_id: i64,
    pub name: String,
    pub delivered_on: crate::store::Date,
    pub value: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct TrainingRow {
    pub village_code: String,
    #[sqlx(try_from = "String")]
    pub kind: TrainingKind,
    pub events: i64,
    pub participants: i64,
    pub attended: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct EnrolmentRow {
    pub programme: String,
    #[sqlx(try_from = "String")]
    pub sex: Sex,
    pub birth_date: crate::store::Date,
}

impl Store {
    pub async fn report_aid(&self, scope: Scope<'_>, year: Option<i64>) -> Result<Vec<AidRow>> {
        let mut w = Where::new();
        w.raw(&format!("p.state IN {}", delivered_states()));
        if let Some(y) = year {
            w.cond("p.delivered_on LIKE ?", format!("{y}-%"));
        }
        scope_filter(&mut w, "k.district_code", scope);
        let sql = format!(
            "SELECT k.village_code, g.name AS programme, CAST(COUNT(DISTINCT p.id) AS BIGINT) AS proposals,
                    CAST(COALESCE(SUM(pi.delivered_quantity), 0) AS BIGINT) AS items,
                    CAST(COALESCE(SUM(pi.delivered_quantity * pi.unit_price), 0) AS BIGINT) AS value,
                    CAST(COUNT(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM kube_member_exceptions x WHERE x.kube_id = k.id)
                                             THEN k.id END) AS BIGINT) AS excepted
             FROM proposals p JOIN kube k ON k.id = p.kube_id JOIN programmes g ON g.id = p.programme_id
             JOIN proposal_items pi ON pi.proposal_id = p.id {}
             GROUP BY k.village_code, g.name ORDER BY k.village_code, g.name",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(self.reading())
            .await?)
    }

    /// Visit figures per month: the outcomes of the groups over time.
    pub async fn report_months(
        &self,
        scope: Scope<'_>,
        district: Option<String>,
    ) -> Result<Vec<MonthRow>> {
        let mut w = Where::new();
        w.eq("k.district_code", &district);
        scope_filter(&mut w, "k.district_code", scope);
        let sql = format!(
            "SELECT SUBSTR(v.visited_on, 1, 7) AS month, CAST(COUNT(DISTINCT v.kube_id) AS BIGINT) AS kube,
                    CAST(COUNT(*) AS BIGINT) AS visits, CAST(SUM(v.revenue) AS BIGINT) AS revenue,
                    CAST(SUM(v.revenue - v.expenses) AS BIGINT) AS profit, CAST(SUM(v.savings_balance) AS BIGINT) AS savings,
                    CAST(SUM(v.asset_value) AS BIGINT) AS assets
             FROM visits v JOIN kube k ON k.id = v.kube_id {} GROUP BY SUBSTR(v.visited_on, 1, 7) ORDER BY month",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(self.reading())
            .await?)
    }

    /// KUBE that received aid: the first delivery and its value.
    pub async fn report_aided_kube(&self, scope: Scope<'_>) -> Result<Vec<AidOutcome>> {
        let mut w = Where::new();
        w.raw(&format!("p.state IN {}", delivered_states()));
        scope_filter(&mut w, "k.district_code", scope);
        let sql = format!(
            "SELECT k.id AS kube_id, k.name, MIN(p.delivered_on) AS delivered_on, CAST(SUM(p.delivered_total) AS BIGINT) AS value
             FROM proposals p JOIN kube k ON k.id = p.kube_id {} GROUP BY k.id, k.name ORDER BY k.name",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(self.reading())
            .await?)
    }

    pub async fn report_trainings(
        &self,
        scope: Scope<'_>,
        year: Option<i64>,
    ) -> Result<Vec<TrainingRow>> {
        let mut w = Where::new();
        if let Some(y) = year {
            w.cond("t.starts_on LIKE ?", format!("{y}-%"));
        }
        scope_filter(&mut w, "p.district_code", scope);
        w.raw(crate::store::persons::PROCESSED);
        let sql = format!(
            "SELECT p.village_code, t.kind, CAST(COUNT(DISTINCT t.id) AS BIGINT) AS events, CAST(COUNT(*) AS BIGINT) AS participants,
                    CAST(SUM(tp.attended) AS BIGINT) AS attended
             FROM training_participants tp JOIN trainings t ON t.id = tp.training_id JOIN persons p ON p.id = tp.person_id {}
             GROUP BY p.village_code, t.kind ORDER BY p.village_code, t.kind",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(self.reading())
            .await?)
    }

    pub async fn report_enrolments(&self, scope: Scope<'_>) -> Result<Vec<EnrolmentRow>> {
        let mut w = Where::new();
        scope_filter(&mut w, "p.district_code", scope);
        w.raw(crate::store::persons::PROCESSED);
        let sql = format!(
            "SELECT g.name AS programme, p.sex, p.birth_date FROM enrolments e JOIN persons p ON p.id = e.person_id
             JOIN programmes g ON g.id = e.programme_id {} ORDER BY g.name",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(self.reading())
            .await?)
    }

    /// The public page: per village and year formed, KUBE, running KUBE and aid delivered.
    pub async fn report_public(&self) -> Result<Vec<(String, i64, i64, i64, i64)>> {
        Ok(sqlx::query_as(&format!(
            "SELECT k.village_code, k.formed_year, CAST(COUNT(*) AS BIGINT),
                    CAST(SUM(CASE WHEN k.status = '{running}' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(COALESCE(SUM((SELECT SUM(p.delivered_total) FROM proposals p WHERE p.kube_id = k.id AND p.state IN {delivered})), 0) AS BIGINT)
             FROM kube k GROUP BY k.village_code, k.formed_year ORDER BY k.village_code, k.formed_year",
            running = Status::Berjalan.code(),
            delivered = delivered_states(),
        ))
        .fetch_all(self.reading())
        .await?)
    }
}
