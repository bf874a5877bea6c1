//! What the province and the ministry ask of an office: KUBE counted by kecamatan,
//! business type, funding source, year, status and level; and each group with its
//! members, officers and the goods it received. One filter for all of it.
use crate::store::aid::delivered_states;
use crate::store::dashboard::LEVEL_CODE;
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::Where;
use crate::store::{Date, Result, Store};
use serde::Serialize;
use sqlx::FromRow;

/// Which groups: the caller's area, narrowed to a kecamatan, a year of forming, a group.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExchangeFilter<'a> {
    pub district: Option<&'a str>,
    pub year: Option<i64>,
    pub kube_id: Option<i64>,
}

impl ExchangeFilter<'_> {
    fn apply(&self, w: &mut Where, scope: Scope<'_>) {
        scope_filter(w, "k.district_code", scope);
        if let Some(d) = self.district {
            w.cond("k.district_code = ?", d);
        }
        if let Some(y) = self.year {
            w.cond_int("k.formed_year = ?", y);
        }
        if let Some(id) = self.kube_id {
            w.cond_int("k.id = ?", id);
        }
    }
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct RekapRow {
    pub district_code: String,
    pub business_type: String,
    pub funding_source: String,
    pub formed_year: i64,
    pub status: String,
    pub level: String,
    pub n: i64,
    pub members: i64,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct GroupRow {
    pub id: i64,
    pub registration_number: String,
    pub name: String,
    pub village_code: String,
    pub district_code: String,
    pub business_type: String,
    pub funding_source: String,
    pub formed_on: Date,
    pub status: String,
    pub level: String,
    pub checklist_on: Option<Date>,
    pub member_count: i64,
    pub pendamping: Option<String>,
    pub aid_value: i64,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct MemberRow {
    pub kube_id: i64,
    pub role: String,
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    pub sex: String,
    pub joined_on: Date,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AidRow {
    pub kube_id: i64,
    pub programme: String,
    pub programme_year: i64,
    pub item: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub delivered_on: Option<Date>,
    pub bast_number: Option<String>,
}

impl Store {
    /// KUBE counted per kecamatan, business type, funding source, year, status and level.
    pub async fn exchange_rekap(
        &self,
        scope: Scope<'_>,
        f: ExchangeFilter<'_>,
    ) -> Result<Vec<RekapRow>> {
        let mut w = Where::new();
        f.apply(&mut w, scope);
        let sql = format!(
            "SELECT k.district_code, k.business_type, k.funding_source, k.formed_year, k.status, {LEVEL_CODE} AS level,
                    CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(k.member_count), 0) AS BIGINT) AS members
             FROM kube k {} GROUP BY k.district_code, k.business_type, k.funding_source, k.formed_year, k.status, {LEVEL_CODE}
             ORDER BY k.district_code, k.business_type, k.funding_source, k.formed_year, k.status, level",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }

    /// The groups, each with its facilitator and the value of the goods handed over.
    pub async fn exchange_groups(
        &self,
        scope: Scope<'_>,
        f: ExchangeFilter<'_>,
    ) -> Result<Vec<GroupRow>> {
        let mut w = Where::new();
        f.apply(&mut w, scope);
        let sql = format!(
            "SELECT k.id, k.registration_number, k.name, k.village_code, k.district_code, k.business_type,
                    k.funding_source, k.formed_on, k.status, {LEVEL_CODE} AS level, k.checklist_on, k.member_count,
                    (SELECT COALESCE(u.full_name, u.username) FROM users u WHERE u.id = k.pendamping_id) AS pendamping,
                    CAST((SELECT COALESCE(SUM(p.delivered_total), 0) FROM proposals p
                          WHERE p.kube_id = k.id AND p.state IN {}) AS BIGINT) AS aid_value
             FROM kube k {} ORDER BY k.district_code, k.registration_number",
            delivered_states(),
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }

    /// The groups' active members.
    pub async fn exchange_members(
        &self,
        scope: Scope<'_>,
        f: ExchangeFilter<'_>,
    ) -> Result<Vec<MemberRow>> {
        let mut w = Where::new();
        f.apply(&mut w, scope);
        w.raw("m.left_on IS NULL");
        let sql = format!(
            "SELECT m.kube_id, m.role, p.nik, p.kk_number, p.name, p.sex, m.joined_on
             FROM kube_members m JOIN kube k ON k.id = m.kube_id JOIN persons p ON p.id = m.person_id {}
             ORDER BY k.district_code, k.registration_number, p.name",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }

    /// The goods handed over to the groups, item by item.
    pub async fn exchange_aid(
        &self,
        scope: Scope<'_>,
        f: ExchangeFilter<'_>,
    ) -> Result<Vec<AidRow>> {
        let mut w = Where::new();
        f.apply(&mut w, scope);
        w.raw(&format!("p.state IN {}", delivered_states()));
        let sql = format!(
            "SELECT p.kube_id, pr.name AS programme, pr.year AS programme_year, i.name AS item, i.unit,
                    COALESCE(pi.delivered_quantity, pi.quantity) AS quantity, pi.unit_price, p.delivered_on, p.bast_number
             FROM proposal_items pi JOIN proposals p ON p.id = pi.proposal_id JOIN kube k ON k.id = p.kube_id
                  JOIN programmes pr ON pr.id = p.programme_id JOIN items i ON i.id = pi.item_id {}
             ORDER BY k.district_code, k.registration_number, p.delivered_on, i.name",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }
}
