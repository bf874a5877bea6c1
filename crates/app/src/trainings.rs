//! Guidance and training events: recording them, their participants and attendance;
//! and whether a KUBE's members have had the technical guidance its business needs
//! before goods are delivered.
use crate::idempotency::{earlier, Key};
use crate::lists::{opt as maybe, text, Listing, Viewer};
pub use crate::store::trainings::{NewTraining, Training, TrainingDetail, TrainingFilter};
use crate::store::{Page, Paging};
use crate::{Caller, Context, Error, Result};
use domain::trainings::{technical_guidance, GuidanceStatus, TrainingKind};
use domain::{Invalid, Msg};
use serde::Deserialize;
use sheets::Cell;

/// The group's technical guidance as the office's rule judges it.
pub async fn status(cx: &Context, kube_id: i64) -> Result<GuidanceStatus> {
    let members = cx.store.kube_guidance(kube_id).await?;
    Ok(technical_guidance(&members, cx.settings.guidance_share_pct))
}

#[derive(Deserialize, utoipa::ToSchema, Default, Clone)]
pub struct TrainingCreate {
    #[schema(pattern = "\\S")]
    pub title: String,
    /// `bimbingan_sosial`, `bimbingan_teknis` or `pelatihan`
    #[schema(pattern = "^(bimbingan_sosial|bimbingan_teknis|pelatihan)$")]
    pub kind: String,
    pub topic: Option<String>,
    /// Required for `bimbingan_teknis`: the business the guidance is about.
    pub business_type: Option<String>,
    #[schema(format = Date)]
    pub starts_on: String,
    #[schema(format = Date)]
    pub ends_on: String,
    /// Venue: a village of the region.
    #[schema(pattern = "^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$")]
    pub village_code: String,
    pub organiser: Option<String>,
    pub trainers: Option<String>,
    /// Names; a new name is added to the managed list.
    #[serde(default)]
    pub partner_agencies: Vec<String>,
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Records a guidance or training event in the caller's area.
pub async fn create(cx: &Context, c: &Caller, b: &TrainingCreate) -> Result<TrainingDetail> {
    c.require_write()?;
    let mut inv = Invalid::new();
    let title = b.title.trim().to_string();
    if title.is_empty() {
        inv.add("title", Msg::new("common.required"));
    } else if title.chars().count() > 200 {
        inv.add("title", Msg::new("common.too_long").arg(200));
    }
    let kind = inv.check("kind", TrainingKind::parse(&b.kind));
    let starts = inv.check("starts_on", domain::person::parse_date(&b.starts_on));
    let ends = inv.check("ends_on", domain::person::parse_date(&b.ends_on));
    if let (Some(a), Some(z)) = (starts, ends) {
        if z < a {
            inv.add("ends_on", Msg::new("training.ends_before_start"));
        }
    }
    let village = inv.check(
        "village_code",
        cx.areas.village_in(&cx.settings.region, &b.village_code),
    );
    if let Some(v) = &village {
        if !c.sees_district(v.district().as_str()) {
            inv.add("village_code", Msg::new("area.outside_scope"));
        }
    }
    let business_type = opt(&b.business_type);
    let codes: Vec<String> = cx
        .store
        .business_type_list()
        .await?
        .into_iter()
        .map(|b| b.code)
        .collect();
    match (&business_type, kind) {
        (Some(bt), _) if !codes.contains(bt) => {
            inv.add("business_type", Msg::new("kube.business_type_invalid"))
        }
        (None, Some(TrainingKind::BimbinganTeknis)) => inv.add(
            "business_type",
            Msg::new("training.business_type_for_teknis"),
        ),
        _ => {}
    }
    let mut agencies: Vec<String> = Vec::new();
    for a in b
        .partner_agencies
        .iter()
        .flat_map(|a| a.split(','))
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        if a.chars().count() > 120 {
            inv.add("partner_agencies", Msg::new("common.too_long").arg(120));
        } else if !agencies.iter().any(|x| x.eq_ignore_ascii_case(a)) {
            agencies.push(a.to_string());
        }
    }
    inv.into_result()?;
    let (Some(kind), Some(starts), Some(ends), Some(village)) = (kind, starts, ends, village)
    else {
        return Err(Error::Internal);
    };
    let t = NewTraining {
        title,
        kind,
        topic: opt(&b.topic),
        business_type,
        starts_on: starts.into(),
        ends_on: ends.into(),
        district_code: village.district().as_str().into(),
        village_code: village.as_str().into(),
        organiser: opt(&b.organiser),
        trainers: opt(&b.trainers),
        agencies,
    };
    Ok(cx.store.training_create(&c.actor, &t).await?)
}

/// An event as the caller sees it: participants from outside their area are only
/// counted, never named (an event in their kecamatan may gather the whole city).
pub struct Seen {
    pub d: TrainingDetail,
    pub elsewhere: usize,
}

pub fn seen(c: &Caller, mut d: TrainingDetail) -> Seen {
    let before = d.participants.len();
    d.participants
        .retain(|p| c.sees_district(p.village_code.get(..8).unwrap_or("")));
    let elsewhere = before - d.participants.len();
    Seen { d, elsewhere }
}

/// An event the caller may see, as they may see it.
pub async fn training(cx: &Context, c: &Caller, id: i64) -> Result<Seen> {
    Ok(seen(c, crate::scope::training(cx, c, id).await?))
}

/// Participants and attendance by village of origin, as the caller may see them: the
/// villages outside their area are one row without a village (counted, not placed).
pub async fn summary(
    cx: &Context,
    c: &Caller,
    id: i64,
) -> Result<Vec<crate::store::trainings::VillageCount>> {
    crate::scope::training(cx, c, id).await?;
    let mut out = Vec::new();
    let mut elsewhere = crate::store::trainings::VillageCount {
        village_code: String::new(),
        participants: 0,
        attended: 0,
    };
    for v in cx.store.training_summary(id).await? {
        if c.sees_district(v.village_code.get(..8).unwrap_or("")) {
            out.push(v);
        } else {
            elsewhere.participants += v.participants;
            elsewhere.attended += v.attended;
        }
    }
    if elsewhere.participants > 0 {
        out.push(elsewhere);
    }
    Ok(out)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ParticipantIn {
    pub person_id: i64,
    #[serde(default)]
    pub attended: bool,
}

/// Adds a person of the caller's area to an event.
pub async fn add_participant(
    cx: &Context,
    c: &Caller,
    id: i64,
    p: &ParticipantIn,
) -> Result<TrainingDetail> {
    add_participants(cx, c, id, &[p.person_id], p.attended).await
}

/// Adds persons of the caller's area to an event at once (as ticked on its page), all or
/// none; each is audited.
pub async fn add_participants(
    cx: &Context,
    c: &Caller,
    id: i64,
    person_ids: &[i64],
    attended: bool,
) -> Result<TrainingDetail> {
    c.require_write()?;
    training(cx, c, id).await?;
    if person_ids.is_empty() {
        return Err(Error::invalid("person_id", Msg::new("common.required")));
    }
    // Participants come from the caller's area like every other record they touch; a
    // person of another area reads as one who does not exist (no id can be probed).
    for pid in person_ids {
        crate::scope::person(cx, c, *pid)
            .await
            .map_err(|_| Error::invalid("person_id", Msg::new("kube.person_unknown").arg(*pid)))?;
    }
    Ok(cx
        .store
        .training_participants_add(&c.actor, id, person_ids, attended)
        .await?)
}

/// The days of an event (at most 31).
pub fn days(t: &crate::store::trainings::Training) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = *t.starts_on;
    while d <= *t.ends_on && out.len() < 31 {
        out.push(d.format("%Y-%m-%d").to_string());
        d += chrono::Duration::days(1);
    }
    out
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AttendanceIn {
    pub person_id: i64,
    /// `YYYY-MM-DD`, a day of the event.
    #[schema(format = Date)]
    pub day: String,
    pub present: bool,
}

/// Marks a participant present or absent on a day of the event.
/// With a key, a request sent again records nothing more (`crate::idempotency`).
pub async fn attendance(
    cx: &Context,
    c: &Caller,
    id: i64,
    b: &AttendanceIn,
    key: Option<&Key>,
) -> Result<()> {
    c.require_write()?;
    let once = key.map(|k| k.once("attendance", &(id, b)));
    if earlier(cx, c, once.as_ref()).await?.is_some() {
        return training(cx, c, id).await.map(|_| ());
    }
    let d = training(cx, c, id).await?.d;
    if !days(&d.training).contains(&b.day.trim().to_string()) {
        return Err(Error::invalid("day", Msg::new("training.day_outside")));
    }
    if !d.participants.iter().any(|p| p.person_id == b.person_id) {
        return Err(Error::invalid(
            "person_id",
            Msg::new("training.not_participant"),
        ));
    }
    let made = cx
        .store
        .training_attendance(
            &c.actor,
            id,
            b.person_id,
            b.day.trim(),
            b.present,
            once.as_ref(),
        )
        .await;
    match made {
        Ok(()) => Ok(()),
        // The same request, sent twice at once: the other one recorded it.
        Err(e) => match earlier(cx, c, once.as_ref()).await? {
            Some(_) => Ok(()),
            None => Err(e.into()),
        },
    }
}

/// The guidance and training events a caller may see: the list page, the API list and
/// the export.
pub struct Trainings;

impl Listing for Trainings {
    type Query = TrainingFilter;
    type Filter = TrainingFilter;
    type Item = Training;
    const ENTITY: &'static str = "training";
    const FILE: &'static str = "bimbingan";
    async fn filter(_: &Context, _: &Caller, q: &TrainingFilter) -> Result<TrainingFilter> {
        Ok(q.clone())
    }
    async fn fetch(
        v: &Viewer,
        f: &TrainingFilter,
        paging: Paging,
    ) -> crate::store::Result<Page<Training>> {
        v.store.training_list(f, v.scope(), paging).await
    }
    crate::lists::columns!(|v, t: Training| [
        ("id", Cell::Int(t.id)),
        ("title", text(t.title)),
        ("kind", text(t.kind.code())),
        ("topic", maybe(t.topic)),
        ("business_type", maybe(t.business_type)),
        ("starts_on", Cell::Date(t.starts_on.to_string())),
        ("ends_on", Cell::Date(t.ends_on.to_string())),
        ("village_code", text(&t.village_code)),
        ("village", v.area(&t.village_code)),
        ("district", v.area(&t.district_code)),
        ("organiser", maybe(t.organiser)),
        ("trainers", maybe(t.trainers)),
    ]);
}

/// The agencies that give technical guidance (names).
pub async fn partner_agencies(cx: &Context, _c: &Caller) -> Result<Vec<String>> {
    Ok(cx.store.partner_agency_list().await?)
}

/// Who was present on which day of a training of the caller's: (person id, day).
pub async fn days_present(cx: &Context, c: &Caller, id: i64) -> Result<Vec<(i64, String)>> {
    crate::scope::training(cx, c, id).await?;
    Ok(cx.store.training_days(id).await?)
}

/// The certificate of a participant who attended a training of the caller's area, as
/// PDF; none for one who did not attend.
pub async fn certificate(cx: &Context, c: &Caller, id: i64, person_id: i64) -> Result<Vec<u8>> {
    certificates_of(cx, c, id, Some(person_id)).await
}

/// The certificates of all participants of the caller's area who attended, in one PDF
/// (a page each, in the participants' order); refused when no one attended yet.
pub async fn certificates(cx: &Context, c: &Caller, id: i64) -> Result<Vec<u8>> {
    certificates_of(cx, c, id, None).await
}

async fn certificates_of(
    cx: &Context,
    c: &Caller,
    id: i64,
    person_id: Option<i64>,
) -> Result<Vec<u8>> {
    // `training` leaves out the participants outside the caller's area.
    let d = training(cx, c, id).await?.d;
    let chosen: Vec<_> = match person_id {
        Some(pid) => vec![d
            .participants
            .iter()
            .find(|p| p.person_id == pid)
            .ok_or(Error::NotFound)?],
        None => d.participants.iter().collect(),
    };
    let people: Vec<crate::documents::Certified> = chosen
        .into_iter()
        .filter(|p| *p.attended)
        .map(|p| crate::documents::Certified {
            name: p.name.clone(),
            village: cx.areas.name(&p.village_code).to_string(),
        })
        .collect();
    if people.is_empty() {
        return Err(Error::Conflict {
            field: "person_id".into(),
            msg: Msg::new("training.certificate_not_attended"),
        });
    }
    Ok(crate::documents::certificates_pdf(
        cx,
        &d.training,
        &people,
        &d.partner_agencies,
    ))
}
