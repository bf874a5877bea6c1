//! Retention: persons with no active KUBE membership, enrolment, benefit or training for
//! the configured years, and visit photos older than theirs, listed as due; the
//! administrator anonymises them in one audited step. What accountability for aid needs
//! stays (sex, birth date, village, memberships, enrolments, benefits, deliveries), so
//! every dashboard and report total is the same after; names, NIK, KK, address, phone,
//! notes and photos are gone from every table (the audit and access logs included).
pub use crate::store::protection::{DuePerson, DuePhoto};
use crate::store::{Page, Paging};
use crate::{Caller, Context, Result};
use chrono::{Months, NaiveDate};
use domain::Role;

/// The days before which persons and photos are due.
pub fn cutoffs(cx: &Context) -> (NaiveDate, NaiveDate) {
    let p = &cx.settings.protection;
    let back = |years: u32| {
        cx.today()
            .checked_sub_months(Months::new(12 * years))
            .unwrap_or(NaiveDate::MIN)
    };
    (back(p.inactive_person_years), back(p.visit_photo_years))
}

/// Persons due for anonymisation (administrator, auditor).
pub async fn due_persons(cx: &Context, c: &Caller, paging: Paging) -> Result<Page<DuePerson>> {
    c.require(|r| matches!(r, Role::Admin | Role::Auditor))?;
    let (persons, _) = cutoffs(cx);
    let born_by = crate::scope::adults_born_by(cx, c).map(|d| d.to_string());
    Ok(cx
        .store
        .retention_due_persons(&persons.to_string(), born_by.as_deref(), paging)
        .await?)
}

/// Visit photos due for deletion (administrator, auditor).
pub async fn due_photos(cx: &Context, c: &Caller, paging: Paging) -> Result<Page<DuePhoto>> {
    c.require(|r| matches!(r, Role::Admin | Role::Auditor))?;
    let (_, photos) = cutoffs(cx);
    Ok(cx
        .store
        .retention_due_photos(&photos.to_string(), paging)
        .await?)
}

/// Persons named in one anonymisation, at most.
pub const MAX_IDS: usize = 10_000;

/// What one anonymisation did.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Anonymised {
    pub persons: u64,
    pub photos_deleted: u64,
    pub import_files_emptied: u64,
}

/// Anonymises every person due (or those of `ids` still due) and deletes the due visit
/// photos, in one audited step (administrator).
pub async fn anonymise(cx: &Context, c: &Caller, ids: Option<&[i64]>) -> Result<Anonymised> {
    c.require(|r| r == Role::Admin)?;
    if ids.is_some_and(|ids| ids.len() > MAX_IDS) {
        let msg = domain::Msg::new("protection.too_many").arg(MAX_IDS);
        return Err(crate::Error::invalid("ids", msg));
    }
    let (persons_cut, photos_cut) = cutoffs(cx);
    let ids: Vec<i64> = match ids {
        Some(ids) => ids.to_vec(),
        None => {
            let mut all = Vec::new();
            let mut offset = 0;
            loop {
                let page = cx
                    .store
                    .retention_due_persons(
                        &persons_cut.to_string(),
                        None,
                        Paging::new(Some(500), Some(offset)).uncounted(),
                    )
                    .await?;
                let n = page.items.len() as i64;
                all.extend(page.items.into_iter().map(|p| p.id));
                if n < 500 {
                    break;
                }
                offset += n;
            }
            all
        }
    };
    // The NIKs leave uploaded files too: read them before they are replaced.
    let niks = cx.store.niks_of(&ids).await?;
    let (persons, photos) = cx
        .store
        .anonymise(
            &c.actor,
            &ids,
            &persons_cut.to_string(),
            Some(&photos_cut.to_string()),
        )
        .await?;
    let gone = cx.store.niks_of(&ids).await?;
    let removed: Vec<String> = niks.into_iter().filter(|n| !gone.contains(n)).collect();
    let import_files_emptied = cx.store.import_files_scrub(&removed).await?;
    Ok(Anonymised {
        persons,
        photos_deleted: photos,
        import_files_emptied,
    })
}
