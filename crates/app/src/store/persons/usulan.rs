//! The persons the office proposes to DTSEN (*usulan*): KUBE members and programme
//! beneficiaries the latest extract does not list, or lists above the decile bound.
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::Where;
use crate::store::{Result, Store};
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct UsulanRow {
    pub id: i64,
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    pub sex: String,
    pub birth_date: crate::store::Date,
    pub village_code: String,
    pub district_code: String,
    pub address: Option<String>,
    pub dtsen_decile: Option<i64>,
    pub dtsen_period: Option<String>,
    /// The active KUBE, if a member.
    pub kube: Option<String>,
    /// A programme enrolled in, if any.
    pub programme: Option<String>,
}

impl Store {
    pub async fn dtsen_usulan(
        &self,
        max_decile: i32,
        district: Option<&str>,
        scope: Scope<'_>,
    ) -> Result<Vec<UsulanRow>> {
        let decile = super::DTSEN_DECILE;
        let mut w = Where::new();
        w.raw("p.merged_into IS NULL AND EXISTS (SELECT 1 FROM dtsen_imports)");
        w.cond_int(
            &format!("({decile} IS NULL OR {decile} > ?)"),
            max_decile as i64,
        );
        w.raw(
            "(EXISTS (SELECT 1 FROM kube_members m WHERE m.person_id = p.id AND m.left_on IS NULL)
              OR EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id))",
        );
        if let Some(d) = district {
            w.cond("p.district_code = ?", d);
        }
        scope_filter(&mut w, "p.district_code", scope);
        let sql = format!(
            "SELECT p.id, p.nik, p.kk_number, p.name, p.sex, p.birth_date, p.village_code, p.district_code,
                    p.address, {decile} AS dtsen_decile,
                    (SELECT period FROM dtsen_imports ORDER BY id DESC LIMIT 1) AS dtsen_period,
                    (SELECT k.name FROM kube_members m JOIN kube k ON k.id = m.kube_id
                      WHERE m.person_id = p.id AND m.left_on IS NULL ORDER BY m.id LIMIT 1) AS kube,
                    (SELECT g.name FROM enrolments e JOIN programmes g ON g.id = e.programme_id
                      WHERE e.person_id = p.id ORDER BY e.id LIMIT 1) AS programme
             FROM persons p {} ORDER BY p.district_code, p.village_code, p.name_lower",
            w.sql(),
            decile = decile
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }
}
