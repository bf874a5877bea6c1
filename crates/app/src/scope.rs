//! The one place where a record outside the caller's area becomes "not found": to a
//! pendamping another kecamatan's KUBE, persons, proposals and events do not exist, so
//! neither a page, an API answer nor an error message tells them apart from missing ones.
use crate::store::aid::ProposalDetail;
use crate::store::kube::{Kube, KubeDetail, KubeOverview};
use crate::store::persons::Person;
use crate::store::trainings::TrainingDetail;
use crate::{Caller, Context, Error, Result};

/// A record that lies in one kecamatan.
pub trait InDistrict {
    fn district_code(&self) -> &str;
}

impl InDistrict for Kube {
    fn district_code(&self) -> &str {
        &self.district_code
    }
}
impl InDistrict for KubeDetail {
    fn district_code(&self) -> &str {
        &self.kube.district_code
    }
}
impl InDistrict for KubeOverview {
    fn district_code(&self) -> &str {
        &self.detail.kube.district_code
    }
}
impl InDistrict for Person {
    fn district_code(&self) -> &str {
        &self.district_code
    }
}
impl InDistrict for TrainingDetail {
    fn district_code(&self) -> &str {
        &self.training.district_code
    }
}

impl Caller {
    /// The record if the caller may see it, else not found.
    pub fn visible<T: InDistrict>(&self, record: T) -> Result<T> {
        if self.sees_district(record.district_code()) {
            Ok(record)
        } else {
            Err(Error::NotFound)
        }
    }
}

pub async fn kube(cx: &Context, c: &Caller, id: i64) -> Result<Kube> {
    c.visible(cx.store.kube_get(id).await?)
}

pub async fn kube_detail(cx: &Context, c: &Caller, id: i64) -> Result<KubeDetail> {
    c.visible(cx.store.kube_detail(id).await?)
}

/// A person of the caller's area; a child's record only to the roles that read them
/// (`Settings::protection`).
pub async fn person(cx: &Context, c: &Caller, id: i64) -> Result<Person> {
    person_visible(cx, c, cx.store.person_get(id).await?)
}

/// [`person`] of a person already read.
pub(crate) fn person_visible(cx: &Context, c: &Caller, p: Person) -> Result<Person> {
    let p = c.visible(p)?;
    if child_hidden(cx, c, *p.birth_date) {
        return Err(Error::NotFound);
    }
    Ok(p)
}

pub async fn training(cx: &Context, c: &Caller, id: i64) -> Result<TrainingDetail> {
    c.visible(cx.store.training_get(id).await?)
}

/// A proposal lies where its KUBE does.
pub async fn proposal(cx: &Context, c: &Caller, id: i64) -> Result<ProposalDetail> {
    let d = cx.store.proposal_get(id).await?;
    kube(cx, c, d.proposal.kube_id).await?;
    Ok(d)
}

/// The KUBE a mentoring visit belongs to.
pub async fn visit_kube(cx: &Context, c: &Caller, visit_id: i64) -> Result<Kube> {
    kube(cx, c, cx.store.visit_kube(visit_id).await?).await
}

/// For a role that does not read children's records: the last birth date of an adult
/// today, which lists and exports keep to. None: the role reads them.
pub(crate) fn adults_born_by(cx: &Context, c: &Caller) -> Option<chrono::NaiveDate> {
    if cx.settings.protection.reads_children(c.role) {
        return None;
    }
    c.today()
        .checked_sub_months(chrono::Months::new(12 * domain::protection::ADULT_AGE))
}

/// Whether a person is a child whose record the caller's role may not read (it is then
/// "not found" to them, as a record outside their area is).
pub(crate) fn child_hidden(cx: &Context, c: &Caller, birth: chrono::NaiveDate) -> bool {
    !cx.settings.protection.reads_children(c.role) && domain::protection::is_child(birth, c.today())
}
