//! The field app: what a facilitator's phone keeps to work without signal — their
//! caseload (groups with members, the last visit's figures, the next due date) and the
//! guidance events of their area that take attendance now — read once online.
use crate::store::trainings::{Training, TrainingFilter};
use crate::store::Paging;
use crate::visits::{Case, Visit};
use crate::{Caller, Context, Result};
use chrono::{Datelike, Duration};

/// A group of the caseload, as the phone keeps it.
pub struct FieldKube {
    pub case: Case,
    /// Active members: (person id, name, role code), officers first.
    pub members: Vec<(i64, String, &'static str)>,
    pub last_visit: Option<Visit>,
}

/// A guidance event whose attendance may be taken in the field.
pub struct FieldTraining {
    pub training: Training,
    pub days: Vec<String>,
    /// Participants of the caller's area: (person id, name).
    pub participants: Vec<(i64, String)>,
    /// (person id, day) recorded present.
    pub present: Vec<(i64, String)>,
}

pub struct Caseload {
    pub kube: Vec<FieldKube>,
    pub trainings: Vec<FieldTraining>,
}

/// Events from a fortnight back to a week ahead take attendance in the field.
const EVENTS_BACK: i64 = 14;
const EVENTS_AHEAD: i64 = 7;

/// The caller's caseload (a pendamping's own groups; an office role's whole area), most
/// urgent first, and the events of their area that take attendance now. For those who
/// record visits.
pub async fn caseload(cx: &Context, c: &Caller) -> Result<Caseload> {
    c.require_write()?;
    let queue = crate::visits::queue(cx, c, true, None).await?;
    let mut kube = Vec::with_capacity(queue.cases.len());
    for case in queue.cases {
        let d = cx.store.kube_detail(case.kube.id).await?;
        let members = d
            .members
            .into_iter()
            .map(|m| (m.person_id, m.name, m.role.code()))
            .collect();
        let last_visit = cx.store.visit_list(case.kube.id).await?.into_iter().next();
        kube.push(FieldKube {
            case,
            members,
            last_visit,
        });
    }
    let today = cx.today();
    let (from, to) = (
        today - Duration::days(EVENTS_BACK),
        today + Duration::days(EVENTS_AHEAD),
    );
    let mut trainings = Vec::new();
    // The events starting in the years the window spans, or in the one before when an
    // event begun then (at most 31 days long) may still run into it.
    let first_year = (from - Duration::days(31)).year();
    for year in first_year..=to.year() {
        let f = TrainingFilter {
            year: Some(i64::from(year)),
            ..TrainingFilter::default()
        };
        let page = cx
            .store
            .training_list(&f, c.district_scope(), Paging::new(Some(500), None))
            .await?;
        for t in page.items {
            if *t.ends_on < from || *t.starts_on > to {
                continue;
            }
            let seen = crate::trainings::training(cx, c, t.id).await?;
            let ids: Vec<i64> = seen.d.participants.iter().map(|p| p.person_id).collect();
            let present = cx
                .store
                .training_days(t.id)
                .await?
                .into_iter()
                .filter(|(p, _)| ids.contains(p))
                .collect();
            trainings.push(FieldTraining {
                days: crate::trainings::days(&seen.d.training),
                participants: seen
                    .d
                    .participants
                    .into_iter()
                    .map(|p| (p.person_id, p.name))
                    .collect(),
                present,
                training: seen.d.training,
            });
        }
    }
    trainings.sort_by_key(|t| (*t.training.starts_on, t.training.id));
    Ok(Caseload { kube, trainings })
}
