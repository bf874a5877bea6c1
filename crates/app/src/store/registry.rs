//! What the registry interface (DCI social registry sync search) reads: persons by NIK,
//! family card or attributes within an area, a page at a time, with their KUBE
//! memberships, the goods their group received, their enrolments and benefits.
use crate::store::aid::delivered_states;
use crate::store::persons::{scope_filter, Scope, DTSEN_DECILE};
use crate::store::sql::Where;
use crate::store::{Date, Page, Paging, Result, Store};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::FromRow;

/// A search, as the application layer validated it; every part narrows (AND).
#[derive(Debug, Clone, Default)]
pub struct RegistryFilter {
    pub nik: Option<String>,
    pub kk_number: Option<String>,
    pub districts: Vec<String>,
    pub villages: Vec<String>,
    pub sex: Option<String>,
    /// Born on or after (an age at most).
    pub born_from: Option<NaiveDate>,
    /// Born on or before (an age at least).
    pub born_until: Option<NaiveDate>,
    /// Active member of a KUBE (true) or of none (false).
    pub kube_member: Option<bool>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct RegistryPerson {
    pub id: i64,
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    pub sex: String,
    pub birth_date: Date,
    pub village_code: String,
    pub district_code: String,
    pub household_role: Option<String>,
    pub dtsen_decile: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct KubeLink {
    pub person_id: i64,
    pub registration_number: String,
    pub name: String,
    pub role: String,
    pub joined_on: Date,
    pub left_on: Option<Date>,
    pub status: String,
    /// The value of the goods the group received.
    pub aid_value: i64,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct BenefitLink {
    pub person_id: i64,
    pub programme: String,
    pub programme_year: i64,
    pub enrolled_on: Date,
    pub kind: Option<String>,
    pub period: Option<String>,
    pub amount: Option<i64>,
    pub given_on: Option<Date>,
}

fn in_list(w: &mut Where, col: &str, values: &[String]) {
    if !values.is_empty() {
        let sql = format!("{col} IN ({})", vec!["?"; values.len()].join(", "));
        w.cond_seq(&sql, values.to_vec());
    }
}

/// `p.person_id IN (…)` for a page of persons (at most a page's size).
fn ids_in(col: &str, ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!(
        "{col} IN ({})",
        if list.is_empty() {
            "0".into()
        } else {
            list.join(", ")
        }
    )
}

impl Store {
    /// A page of the persons of `scope` the filter finds (merged records left out).
    pub async fn registry_search(
        &self,
        scope: Scope<'_>,
        f: &RegistryFilter,
        paging: Paging,
    ) -> Result<Page<RegistryPerson>> {
        let mut w = Where::new();
        w.raw("p.merged_into IS NULL");
        w.raw(crate::store::persons::PROCESSED);
        scope_filter(&mut w, "p.district_code", scope);
        if let Some(n) = &f.nik {
            w.cond("p.nik = ?", n.clone());
        }
        if let Some(k) = &f.kk_number {
            w.cond("p.kk_number = ?", k.clone());
        }
        in_list(&mut w, "p.district_code", &f.districts);
        in_list(&mut w, "p.village_code", &f.villages);
        if let Some(s) = &f.sex {
            w.cond("p.sex = ?", s.clone());
        }
        if let Some(d) = f.born_from {
            w.cond("p.birth_date >= ?", d.format("%Y-%m-%d").to_string());
        }
        if let Some(d) = f.born_until {
            w.cond("p.birth_date <= ?", d.format("%Y-%m-%d").to_string());
        }
        match f.kube_member {
            Some(true) => {
                w.raw("p.id IN (SELECT person_id FROM kube_members WHERE left_on IS NULL)")
            }
            Some(false) => {
                w.raw("p.id NOT IN (SELECT person_id FROM kube_members WHERE left_on IS NULL)")
            }
            None => {}
        }
        let cols = format!(
            "p.id, p.nik, p.kk_number, p.name, p.sex, p.birth_date, p.village_code, p.district_code,
             p.household_role, {DTSEN_DECILE} AS dtsen_decile, p.created_at, p.updated_at"
        );
        w.page(&self.pool, &cols, "persons p", "p.id", paging).await
    }

    /// The KUBE memberships (past ones too) of some persons.
    pub async fn registry_kube(&self, ids: &[i64]) -> Result<Vec<KubeLink>> {
        let sql = format!(
            "SELECT m.person_id, k.registration_number, k.name, m.role, m.joined_on, m.left_on, k.status,
                    CAST((SELECT COALESCE(SUM(pr.delivered_total), 0) FROM proposals pr
                          WHERE pr.kube_id = k.id AND pr.state IN {}) AS BIGINT) AS aid_value
             FROM kube_members m JOIN kube k ON k.id = m.kube_id
             WHERE {} ORDER BY m.person_id, m.joined_on",
            delivered_states(),
            ids_in("m.person_id", ids)
        );
        Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
    }

    /// The enrolments of some persons, each with its benefits (one row per benefit; an
    /// enrolment with none has one row without).
    pub async fn registry_benefits(&self, ids: &[i64]) -> Result<Vec<BenefitLink>> {
        let sql = format!(
            "SELECT e.person_id, pr.name AS programme, pr.year AS programme_year, e.enrolled_on,
                    b.kind, b.period, b.amount, b.given_on
             FROM enrolments e JOIN programmes pr ON pr.id = e.programme_id
                  LEFT JOIN benefits b ON b.enrolment_id = e.id
             WHERE {} ORDER BY e.person_id, e.enrolled_on, b.given_on",
            ids_in("e.person_id", ids)
        );
        Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
    }
}
