//! The breach register: what happened, when it was discovered, which data and how many
//! persons, the measures taken; the 3 × 24 hours to notify counted from discovery; and,
//! from the entry, the letters to the affected persons and to the supervising authority.
use super::{after_hours, require_decider, require_reader};
use crate::store::batch::Counted;
pub use crate::store::protection::Incident;
use crate::store::{Page, Paging};
use crate::{Caller, Context, Error, Result};
use domain::protection::{DataKind, BREACH_NOTICE_HOURS};
use domain::{Lang, Msg};

/// A breach as entered (a form or the API).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct IncidentInput {
    #[schema(max_length = 200)]
    pub title: String,
    #[schema(max_length = 4000)]
    pub description: String,
    /// `YYYY-MM-DD`, when known.
    #[schema(format = Date)]
    pub occurred_on: Option<String>,
    /// RFC 3339: when the office learned of it (default: now). Not in the future.
    #[schema(format = DateTime)]
    pub discovered_at: Option<String>,
    /// `identity`, `categories`, `aid`, `phone`, `photos`, `gps`, `children`
    pub data_kinds: Vec<String>,
    #[schema(minimum = 0, maximum = 100000000)]
    pub persons_affected: i64,
    #[schema(max_length = 4000)]
    pub measures: String,
    /// Record that these notifications were sent now: `authority`, `persons`.
    pub notified: Vec<String>,
}

fn valid(i: &IncidentInput, today: chrono::NaiveDate) -> Result<domain::protection::ValidIncident> {
    let mut inv = domain::Invalid::new();
    let occurred = match i.occurred_on.as_deref() {
        None => None,
        Some(s) => inv.check(
            "occurred_on",
            domain::dates::read(s)
                .ok()
                .filter(|d| *d <= today)
                .ok_or(Msg::new("protection.occurred_invalid")),
        ),
    };
    for n in &i.notified {
        if !matches!(n.as_str(), "authority" | "persons") {
            inv.add("notified", Msg::new("protection.notified_invalid"));
        }
    }
    let v = domain::protection::incident(
        &i.title,
        &i.description,
        occurred,
        &i.data_kinds,
        i.persons_affected,
        &i.measures,
    );
    match v {
        Ok(v) if inv.is_empty() => Ok(v),
        Ok(_) => Err(Error::Invalid(inv)),
        Err(mut more) => {
            more.fields.extend(inv.fields);
            Err(Error::Invalid(more))
        }
    }
}

pub async fn record(cx: &Context, c: &Caller, i: &IncidentInput) -> Result<Incident> {
    require_decider(c)?;
    let v = valid(i, c.today())?;
    let discovered = match i.discovered_at.as_deref() {
        None => c.actor.at,
        Some(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
            .filter(|t| *t <= c.actor.at && *t > c.actor.at - chrono::Duration::days(3660))
            .ok_or_else(|| {
                Error::invalid("discovered_at", Msg::new("protection.received_invalid"))
            })?,
    };
    let added = cx
        .store
        .incident_add(&c.actor, &v, &crate::store::ts(discovered))
        .await?;
    if i.notified.is_empty() {
        return Ok(added);
    }
    let notified: Vec<&str> = i.notified.iter().map(String::as_str).collect();
    Ok(cx
        .store
        .incident_update(&c.actor, added.id, &v, &notified)
        .await?)
}

pub async fn update(cx: &Context, c: &Caller, id: i64, i: &IncidentInput) -> Result<Incident> {
    require_decider(c)?;
    cx.store.incident_get(id).await?;
    let v = valid(i, c.today())?;
    let notified: Vec<&str> = i.notified.iter().map(String::as_str).collect();
    Ok(cx
        .store
        .incident_update(&c.actor, id, &v, &notified)
        .await?)
}

pub async fn get(cx: &Context, c: &Caller, id: i64) -> Result<Incident> {
    require_reader(c)?;
    Ok(masked(c, cx.store.incident_get(id).await?))
}

pub async fn list(cx: &Context, c: &Caller, paging: Paging) -> Result<Page<Incident>> {
    require_reader(c)?;
    Ok(cx.store.incident_list(paging).await?.map(|i| masked(c, i)))
}

/// An entry as the caller may read it (`super::shown`).
fn masked(c: &Caller, mut i: Incident) -> Incident {
    super::shown(c, &mut [&mut i.title, &mut i.description, &mut i.measures]);
    i
}

/// When the notifications are due (RFC 3339 UTC): discovery plus 3 × 24 hours.
pub fn notice_due(i: &Incident) -> String {
    chrono::DateTime::parse_from_rfc3339(&i.discovered_at)
        .map(|t| after_hours(t.with_timezone(&chrono::Utc), BREACH_NOTICE_HOURS))
        .unwrap_or_default()
}

/// Whether a notification is still owed past its deadline.
pub fn notice_overdue(i: &Incident, now: &str) -> bool {
    (i.authority_notified_at.is_none() || i.persons_notified_at.is_none())
        && notice_due(i).as_str() < now
}

/// Open incidents whose notifications are past due.
pub async fn overdue(cx: &Context, c: &Caller) -> Result<Vec<Incident>> {
    let rows = cx.store.read(overdue_read(c)?).await?;
    Ok(overdue_of(c, rows))
}

/// What [`overdue`] reads, for a batch: the newest 500 incidents.
pub(crate) fn overdue_read(c: &Caller) -> Result<crate::store::batch::Read<Counted<Incident>>> {
    require_reader(c)?;
    Ok(crate::store::protection::incident_page(
        Paging::new(Some(500), None).uncounted(),
    ))
}

/// The incidents [`overdue_read`] read whose notifications are past due, as the caller
/// may see them.
pub(crate) fn overdue_of(c: &Caller, rows: Vec<Counted<Incident>>) -> Vec<Incident> {
    let now = c.actor.now();
    rows.into_iter()
        .map(|r| r.item)
        .filter(|i| notice_overdue(i, &now))
        .map(|i| masked(c, i))
        .collect()
}

/// To whom a letter is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Addressee {
    Persons,
    Authority,
}

/// The notification letter of an incident, as a PDF (admin, head of division).
pub async fn letter(cx: &Context, c: &Caller, id: i64, to: Addressee) -> Result<Vec<u8>> {
    require_decider(c)?;
    let i = cx.store.incident_get(id).await?;
    let lang = Lang::Id;
    let kinds: Vec<String> = i
        .data_kinds
        .split(',')
        .filter_map(|k| DataKind::parse(k).ok())
        .map(|k| lang.t(k.label_key()).to_string())
        .collect();
    let office = &cx.settings.office_name;
    let discovered = crate::local_time(&i.discovered_at);
    let occurred = i
        .occurred_on
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(domain::dates::in_letters)
        .unwrap_or_else(|| "belum diketahui".into());
    let measures = if i.measures.trim().is_empty() {
        "sedang ditetapkan dan akan diberitahukan".to_string()
    } else {
        i.measures.clone()
    };
    let what = format!(
        "Pada {discovered} {office} mengetahui terjadinya kegagalan pelindungan data pribadi: {} \
         ({}). Tanggal kejadian: {occurred}.",
        i.title, i.description
    );
    let data = format!("Data pribadi yang terungkap: {}.", kinds.join(", "));
    let (to_lines, subject, paragraphs) = match to {
        Addressee::Persons => (
            vec![
                "Bapak/Ibu/Saudara pemilik data".to_string(),
                "yang terdampak".to_string(),
            ],
            "Pemberitahuan kegagalan pelindungan data pribadi",
            vec![
                "Dengan hormat,".to_string(),
                format!(
                    "Sesuai Pasal 46 Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data \
                     Pribadi, kami memberitahukan bahwa data pribadi Bapak/Ibu/Saudara yang kami \
                     kelola mungkin terdampak suatu kegagalan pelindungan data pribadi."
                ),
                what,
                data,
                format!("Langkah yang telah dan akan kami ambil: {measures}."),
                format!(
                    "Untuk pertanyaan, permintaan salinan data, perbaikan atau pembatasan \
                     pemrosesan, Bapak/Ibu/Saudara dapat datang ke {office}{} dengan membawa \
                     KTP atau KK.",
                    if cx.settings.office_address.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", cx.settings.office_address)
                    }
                ),
                "Kami mohon maaf atas kejadian ini. Atas perhatian Bapak/Ibu/Saudara kami \
                 ucapkan terima kasih."
                    .to_string(),
            ],
        ),
        Addressee::Authority => (
            vec![
                "Lembaga Penyelenggara Pelindungan Data Pribadi".to_string(),
                "di Jakarta".to_string(),
            ],
            "Pemberitahuan kegagalan pelindungan data pribadi",
            vec![
                "Dengan hormat,".to_string(),
                "Sesuai Pasal 46 Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data \
                 Pribadi, kami sebagai pengendali data pribadi menyampaikan pemberitahuan \
                 tertulis sebagai berikut."
                    .to_string(),
                what,
                data,
                format!(
                    "Jumlah subjek data pribadi yang terdampak: {} orang.",
                    i.persons_affected
                ),
                format!("Penanganan dan pemulihan yang dilakukan: {measures}."),
                format!(
                    "Pemberitahuan kepada subjek data pribadi: {}.",
                    i.persons_notified_at
                        .as_deref()
                        .map(crate::local_time)
                        .unwrap_or_else(|| "sedang disampaikan".into())
                ),
                "Demikian pemberitahuan ini kami sampaikan.".to_string(),
            ],
        ),
    };
    let number = format!(
        "PDP/{}/{}",
        i.id,
        &i.discovered_at[..4.min(i.discovered_at.len())]
    );
    Ok(crate::documents::letter_pdf(
        cx,
        &crate::documents::Letter {
            title: subject,
            number: &number,
            date: c.today(),
            to: &to_lines,
            subject,
            paragraphs: &paragraphs,
        },
    ))
}
