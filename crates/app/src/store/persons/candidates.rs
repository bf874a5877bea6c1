//! The persons a form may pick in a kecamatan or the caller's area: by a name or NIK start as one types, or
//! by exactly what a form row sent.
use crate::store::sql::Where;
use crate::store::{Result, Store};

/// Which persons of the kecamatan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Among {
    /// Every current (not merged) resident.
    All,
    /// Those in no active KUBE: who may join a group.
    OutsideKube,
}

/// How a candidate is matched.
#[derive(Debug, Clone)]
pub enum Match {
    Any,
    /// The name (lowercase) or, when all digits, the NIK starts with it.
    Start(String),
    /// The name exactly, in any case.
    Name(String),
    Nik(String),
    Id(i64),
}

/// (id, name, village code, NIK, birth date).
pub type CandidateRow = (i64, String, String, String, crate::store::Date);

impl Store {
    /// Candidates of a kecamatan (or of every kecamatan of the scope), by name, at most
    /// `limit`.
    pub async fn person_candidates(
        &self,
        district_code: Option<&str>,
        scope: super::Scope<'_>,
        among: Among,
        m: &Match,
        limit: i64,
    ) -> Result<Vec<CandidateRow>> {
        let mut w = Where::new();
        if let Some(d) = district_code {
            w.cond("p.district_code = ?", d);
        }
        super::scope_filter(&mut w, "p.district_code", scope);
        w.raw("p.merged_into IS NULL");
        w.raw(super::PROCESSED);
        if among == Among::OutsideKube {
            w.raw("NOT EXISTS (SELECT 1 FROM kube_members m WHERE m.person_id = p.id AND m.left_on IS NULL)");
        }
        match m {
            Match::Any => {}
            // Ranges walk the indexes.
            Match::Start(q) if q.chars().all(|c| c.is_ascii_digit()) => w.starts_with("p.nik", q),
            Match::Start(q) => w.starts_with("p.name_lower", &q.to_lowercase()),
            Match::Name(n) => w.cond("p.name_lower = ?", n.trim().to_lowercase()),
            Match::Nik(n) => w.cond("p.nik = ?", n.as_str()),
            Match::Id(id) => w.cond_int("p.id = ?", *id),
        }
        let sql = format!(
            "SELECT p.id, p.name, p.village_code, p.nik, p.birth_date FROM persons p {} ORDER BY p.name_lower, p.id LIMIT {}",
            w.sql(),
            limit.clamp(1, 5000)
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }
}
