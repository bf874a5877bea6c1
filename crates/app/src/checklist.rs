//! The stage checklist of a group (`domain::checklist`): the criteria in force (the
//! ministry's and the region's), the form with the figures the records give, recording
//! one at most once a quarter by whoever may record visits there, and the history.
pub use crate::store::checklist::{AnswerRow, Checklist, Photo, RegionCriterion};
use crate::store::checklist::{NewAnswer, NewChecklist};
use crate::{Caller, Context, Error, Result};
use domain::checklist::{builtin, judge, quarter, region_label, AnswerIn, Criterion, Label};
use domain::health::Level;
use domain::kube::Stage;
use domain::{Invalid, Msg, Role};
use serde::Deserialize;

/// The levels a group can be in, as the dashboard counts and the list filters them (the
/// store's `LEVEL_CODE`), with their labels.
pub const LEVELS: [(&str, &str); 5] = [
    ("never", "checklist.never"),
    ("below", "checklist.below"),
    ("tumbuh", "level.tumbuh"),
    ("berkembang", "level.berkembang"),
    ("maju", "level.maju"),
];

/// The criteria a new checklist asks: the ministry's, then the region's active ones, each
/// stage's together.
pub async fn criteria(cx: &Context) -> Result<Vec<Criterion>> {
    let mut all = builtin();
    for r in cx.store.checklist_criteria().await? {
        if *r.active {
            all.push(Criterion {
                code: r.code,
                stage: r.stage.0,
                label: Label::Region(r.label),
                auto: None,
            });
        }
    }
    all.sort_by_key(|c| c.stage as usize);
    Ok(all)
}

/// Every criterion a region added, retired ones too (for the admin's page).
pub async fn region_criteria(cx: &Context, c: &Caller) -> Result<Vec<RegionCriterion>> {
    c.require(Role::manages_users)?;
    Ok(cx.store.checklist_criteria().await?)
}

/// Adds a region's criterion to a stage (admin).
pub async fn criterion_add(
    cx: &Context,
    c: &Caller,
    stage: &str,
    label: &str,
) -> Result<RegionCriterion> {
    c.require(Role::manages_users)?;
    let mut inv = Invalid::new();
    let stage = inv.check("stage", Level::parse(stage.trim()));
    let label = inv.check("label", region_label(label));
    inv.into_result()?;
    let (Some(stage), Some(label)) = (stage, label) else {
        return Err(Error::Internal);
    };
    Ok(cx
        .store
        .checklist_criterion_add(&c.actor, stage, &label)
        .await?)
}

/// Retires a region's criterion (admin): later checklists leave it out.
pub async fn criterion_retire(cx: &Context, c: &Caller, code: &str) -> Result<()> {
    c.require(Role::manages_users)?;
    Ok(cx.store.checklist_criterion_retire(&c.actor, code).await?)
}

/// A checklist as the API takes it.
#[derive(Deserialize, utoipa::ToSchema, Default, Debug)]
pub struct ChecklistIn {
    /// `YYYY-MM-DD`: at most once a quarter per group.
    #[schema(format = Date)]
    pub assessed_on: String,
    /// One per criterion (`GET /api/v1/checklist/criteria`); an item left out does not hold.
    #[serde(default)]
    pub answers: Vec<ChecklistAnswerIn>,
}

#[derive(Deserialize, utoipa::ToSchema, Default, Debug, Clone)]
pub struct ChecklistAnswerIn {
    pub criterion: String,
    pub holds: bool,
    /// Evidence: what the facilitator saw (at most 500 characters).
    pub note: Option<String>,
    /// Evidence: one of the group's photos (a visit's or an earlier checklist's).
    pub photo_id: Option<i64>,
}

/// A photo taken for an item on the form.
pub struct Upload {
    pub criterion: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The form of a new checklist: each criterion with what the records show as of `on`.
pub async fn draft(
    cx: &Context,
    c: &Caller,
    kube_id: i64,
    on: chrono::NaiveDate,
) -> Result<Vec<(Criterion, Option<(bool, Msg)>)>> {
    crate::scope::kube(cx, c, kube_id).await?;
    let facts = cx.store.checklist_facts(kube_id, on).await?;
    Ok(criteria(cx)
        .await?
        .into_iter()
        .map(|k| {
            let shown = k.auto.map(|a| a.judge(&facts));
            (k, shown)
        })
        .collect())
}

/// Records a checklist of a group in the caller's area: the level follows from the
/// answers; the group takes it when this is its latest checklist.
pub async fn record(
    cx: &Context,
    c: &Caller,
    kube_id: i64,
    input: &ChecklistIn,
    uploads: Vec<Upload>,
) -> Result<Checklist> {
    c.require_write()?;
    let k = crate::scope::kube(cx, c, kube_id).await?;
    if k.stage == Stage::Bubar {
        return Err(Error::Conflict {
            field: "kube".into(),
            msg: Msg::new("checklist.dissolved"),
        });
    }
    let mut inv = Invalid::new();
    let on = if input.assessed_on.trim().is_empty() {
        inv.add("assessed_on", Msg::new("common.required"));
        None
    } else {
        inv.check(
            "assessed_on",
            domain::person::parse_date(&input.assessed_on),
        )
    };
    if let Some(d) = on {
        if d > cx.today() {
            inv.add("assessed_on", Msg::new("checklist.future"));
        } else if d < *k.formed_on {
            inv.add("assessed_on", Msg::new("checklist.before_formed"));
        }
    }
    let mut photos = Vec::new();
    for u in uploads {
        match domain::attachment::sniff(&u.bytes) {
            Ok(mime) if mime != "application/pdf" => photos.push((u, mime)),
            _ => inv.add(
                &format!("answer.{}", u.criterion),
                Msg::new("attachment.type"),
            ),
        }
    }
    let (Some(on), true) = (on, inv.is_empty()) else {
        return Err(Error::Invalid(inv));
    };
    let criteria = criteria(cx).await?;
    let facts = cx.store.checklist_facts(kube_id, on).await?;
    let given: Vec<AnswerIn> = input
        .answers
        .iter()
        .map(|a| AnswerIn {
            criterion: a.criterion.clone(),
            holds: a.holds,
            note: a.note.clone(),
            photo: a.photo_id.is_some() || photos.iter().any(|(u, _)| u.criterion == a.criterion),
        })
        .collect();
    let (answers, level) = judge(&criteria, &facts, &given)?;
    let answers = answers
        .into_iter()
        .map(|a| {
            let code = a.criterion.code.clone();
            let photo = match photos.iter().position(|(u, _)| u.criterion == code) {
                Some(i) => {
                    let (u, mime) = photos.swap_remove(i);
                    Some(Photo::Upload {
                        filename: domain::attachment::clean_name(&u.filename, mime),
                        mime,
                        bytes: u.bytes,
                    })
                }
                None => input
                    .answers
                    .iter()
                    .find(|g| g.criterion == code)
                    .and_then(|g| g.photo_id)
                    .map(Photo::Existing),
            };
            NewAnswer {
                stage: a.criterion.stage,
                label: match &a.criterion.label {
                    Label::Builtin(key) => key.to_string(),
                    Label::Region(s) => s.clone(),
                },
                criterion: code,
                holds: a.holds,
                note: a.note,
                photo,
                figures: a.figures,
            }
        })
        .collect();
    let new = NewChecklist {
        assessed_on: on,
        quarter: quarter(on),
        level,
        answers,
    };
    Ok(cx.store.checklist_create(&c.actor, kube_id, &new).await?)
}

/// A group's checklists, newest first.
pub async fn history(cx: &Context, c: &Caller, kube_id: i64) -> Result<Vec<Checklist>> {
    crate::scope::kube(cx, c, kube_id).await?;
    Ok(cx.store.checklists(kube_id).await?)
}

/// One checklist with its answers, if the caller may see its group.
pub async fn get(cx: &Context, c: &Caller, id: i64) -> Result<(Checklist, Vec<AnswerRow>)> {
    let (row, answers) = cx.store.checklist(id).await?;
    crate::scope::kube(cx, c, row.kube_id).await?;
    Ok((row, answers))
}

/// The kube a checklist belongs to (its photos follow the group's access).
pub async fn kube_of(cx: &Context, c: &Caller, id: i64) -> Result<i64> {
    Ok(get(cx, c, id).await?.0.kube_id)
}
