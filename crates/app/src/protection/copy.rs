//! "Salinan data pribadi": everything the office holds about one person, for that person
//! (who came to the office with their card): identity, categories and where they came
//! from, KUBE memberships, programmes and every benefit, trainings, the visits in which
//! they are or may be named, the photos they may appear in, who read the record in the
//! last 12 months, consents, requests, and the purpose and legal basis of each kind of
//! data. Produced by an officer who handles identity documents; audited and logged.
use super::require_officer;
use crate::access::{Access, AccessFilter};
pub use crate::store::persons::HistoryRow;
pub use crate::store::protection::{Consent, CopyPhoto, CopySource, CopyVisit, DataRequest};
use crate::store::Paging;
use crate::{Caller, Context, Error, Result};
use domain::protection::DataKind;
use domain::{Lang, Msg};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonalCopy {
    /// RFC 3339 UTC
    pub produced_at: String,
    pub identity: Identity,
    /// Category codes (`fakir_miskin`, `wrse`, `lansia`, `anak`, `disabilitas`).
    pub categories: Vec<String>,
    /// The record's trail: registered, imported, changed — when and by which account.
    pub sources: Vec<CopySource>,
    /// Memberships, enrolments, benefits, trainings and aid to their KUBE, newest first.
    pub history: Vec<HistoryRow>,
    pub visits: Vec<CopyVisit>,
    pub photos: Vec<CopyPhoto>,
    pub consents: Vec<Consent>,
    pub requests: Vec<DataRequest>,
    /// Reads, lookups and exports of the record in the last 12 months.
    pub accesses: Vec<Access>,
    /// The purpose and legal basis of each kind of data.
    pub purposes: Vec<PurposeLine>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Identity {
    pub id: i64,
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    /// `L` or `P`
    pub sex: String,
    #[schema(format = Date)]
    pub birth_date: String,
    pub village: String,
    pub district: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub household_role: Option<String>,
    pub occupation: Option<String>,
    pub dtsen_decile: Option<i64>,
    pub dtsen_period: Option<String>,
    pub notes: Option<String>,
    pub registered_at: String,
    /// Set while processing is restricted.
    pub restricted_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PurposeLine {
    pub kind: String,
    pub label: String,
    pub purpose: String,
    pub basis: String,
}

/// The copy for the person registered under `nik` (the officer's area; "not found" else).
pub async fn produce(cx: &Context, c: &Caller, nik: &str, lang: Lang) -> Result<PersonalCopy> {
    require_officer(c)?;
    let nik =
        domain::nik::Nik::parse(nik, &cx.areas, c.today()).map_err(|m| Error::invalid("nik", m))?;
    let found = cx
        .store
        .person_ids_by_nik(&[nik.as_str().to_string()])
        .await?;
    let Some((_, id, _, _)) = found.first() else {
        return Err(Error::invalid("nik", Msg::new("protection.nik_unknown")));
    };
    let p = crate::scope::person(cx, c, *id)
        .await
        .map_err(|_| Error::invalid("nik", Msg::new("protection.nik_unknown")))?;
    let since = crate::store::ts(c.actor.at - chrono::Duration::days(365));
    let accesses = cx
        .store
        .access_list(
            &AccessFilter {
                person_id: Some(p.id),
                user_id: None,
                since: Some(since),
            },
            Paging::new(Some(500), None),
        )
        .await?
        .items;
    let history = cx.store.person_history(p.id).await?;
    let copy = PersonalCopy {
        produced_at: c.actor.now(),
        sources: cx.store.copy_sources(p.id).await?,
        history,
        visits: cx.store.copy_visits(p.id, &p.name).await?,
        photos: cx.store.copy_photos(p.id).await?,
        consents: cx.store.consent_list(p.id).await?,
        requests: cx
            .store
            .request_list(
                &crate::store::protection::RequestFilter {
                    person_id: Some(p.id),
                    ..Default::default()
                },
                Paging::new(Some(500), None),
            )
            .await?
            .items,
        accesses,
        purposes: DataKind::ALL
            .iter()
            .map(|k| {
                let pp = cx.settings.protection.purpose(*k, lang);
                PurposeLine {
                    kind: k.code().into(),
                    label: lang.t(k.label_key()).into(),
                    purpose: pp.purpose,
                    basis: pp.basis,
                }
            })
            .collect(),
        categories: p.categories.clone(),
        identity: Identity {
            id: p.id,
            nik: p.nik.clone(),
            kk_number: p.kk_number.clone(),
            name: p.name.clone(),
            sex: p.sex.code().into(),
            birth_date: p.birth_date.to_string(),
            village: cx.areas.name(&p.village_code).into(),
            district: cx.areas.name(&p.district_code).into(),
            rt: p.rt.clone(),
            rw: p.rw.clone(),
            address: p.address.clone(),
            phone: p.phone.clone(),
            household_role: p.household_role.clone(),
            occupation: p.occupation.clone(),
            dtsen_decile: p.dtsen_decile,
            dtsen_period: p.dtsen_period.clone(),
            notes: p.notes.clone(),
            registered_at: p.created_at.clone(),
            restricted_at: p.restricted_at.clone(),
        },
    };
    cx.store
        .access_record(&c.actor, "copy", &[Some(p.id)], None)
        .await?;
    cx.store.audit_copy(&c.actor, p.id).await?;
    Ok(copy)
}

/// The copy as one PDF: a table of everything held, then each kind of data's purpose
/// and legal basis.
pub fn pdf(cx: &Context, copy: &PersonalCopy, lang: Lang) -> Vec<u8> {
    let t = |k: &str| lang.t(k).to_string();
    let label = |prefix: &str, code: &str| domain::i18n::label(prefix, code, lang);
    let day = |d: &str| domain::dates::day_first(d);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |part: &str, what: String, when: String, more: String| {
        rows.push(vec![part.to_string(), what, when, more]);
    };
    let i = &copy.identity;
    let part = t("copy.part.identity");
    for (label, v) in [
        ("person.name", Some(i.name.clone())),
        ("person.nik", Some(i.nik.clone())),
        ("person.kk_number", i.kk_number.clone()),
        ("person.sex", Some(label("person.sex_", &i.sex))),
        ("person.birth_date", Some(day(&i.birth_date))),
        (
            "person.village",
            Some(format!("{}, {}", i.village, i.district)),
        ),
        ("person.address", i.address.clone()),
        ("person.rt", i.rt.clone()),
        ("person.rw", i.rw.clone()),
        ("person.phone", i.phone.clone()),
        (
            "person.household_role",
            i.household_role
                .as_deref()
                .map(|c| label("household_role.", c)),
        ),
        (
            "person.occupation",
            i.occupation.as_deref().map(|c| label("occupation.", c)),
        ),
        ("person.notes", i.notes.clone()),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            row(
                &part,
                format!("{}: {v}", t(label)),
                String::new(),
                String::new(),
            );
        }
    }
    if let Some(d) = i.dtsen_decile {
        row(
            &t("copy.part.categories"),
            format!("DTSEN desil {d}"),
            i.dtsen_period.clone().unwrap_or_default(),
            "DTSEN".into(),
        );
    }
    for c in &copy.categories {
        row(
            &t("copy.part.categories"),
            t(&format!("category.{c}")),
            String::new(),
            String::new(),
        );
    }
    row(
        &t("copy.part.sources"),
        t("copy.source.create"),
        crate::local_time(&i.registered_at),
        String::new(),
    );
    if let Some(r) = &i.restricted_at {
        row(
            &part,
            t("protection.restricted"),
            crate::local_time(r),
            String::new(),
        );
    }
    for s in &copy.sources {
        row(
            &t("copy.part.sources"),
            t(&format!("copy.source.{}", s.action)),
            crate::local_time(&s.at),
            s.username.clone(),
        );
    }
    for h in &copy.history {
        let amount = h
            .amount
            .map(|a| domain::money::Rupiah::new(a).to_string())
            .unwrap_or_default();
        let code = h.code.as_deref().map(|c| match h.kind.as_str() {
            "kube_joined" | "kube_left" => label("member_role.", c),
            "benefit" => label("benefit.kind.", c),
            "training" => label("training.kind.", c),
            _ => c.to_string(),
        });
        let more = [code, h.detail.clone(), Some(amount)]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        row(
            &t(&format!("copy.history.{}", h.kind)),
            h.title.clone(),
            day(&h.on_day),
            more,
        );
    }
    for v in &copy.visits {
        let more = if v.named == 1 {
            t("copy.visit_named")
        } else {
            t("copy.visit_member")
        };
        row(
            &t("copy.part.visits"),
            v.kube.clone(),
            day(&v.visited_on),
            more,
        );
    }
    for p in &copy.photos {
        row(
            &t("copy.part.photos"),
            p.filename.clone(),
            crate::local_time(&p.created_at),
            t(&format!("copy.photo.{}", p.entity)),
        );
    }
    for c in &copy.consents {
        let state = match &c.withdrawn_at {
            Some(w) => format!("{} {}", t("copy.withdrawn"), crate::local_time(w)),
            None => t("copy.in_force"),
        };
        row(
            &t("copy.part.consents"),
            t(&format!("protection.consent.{}", c.kind)),
            day(&c.given_on),
            format!(
                "{} · {state}",
                t(&format!("protection.method.{}", c.method))
            ),
        );
    }
    for r in &copy.requests {
        row(
            &t("copy.part.requests"),
            t(&format!("protection.request.{}", r.kind)),
            crate::local_time(&r.received_at),
            t(&format!("protection.status.{}", r.status)),
        );
    }
    for a in &copy.accesses {
        row(
            &t("copy.part.accesses"),
            t(&format!("access.action.{}", a.action)),
            crate::local_time(&a.at),
            a.username.clone(),
        );
    }
    let header = [
        "copy.col.part",
        "copy.col.what",
        "copy.col.when",
        "copy.col.more",
    ]
    .map(&t)
    .to_vec();
    let notes: Vec<(String, String)> = copy
        .purposes
        .iter()
        .map(|p| {
            (
                p.label.clone(),
                format!(
                    "{}: {}. {}: {}.",
                    t("copy.purpose"),
                    p.purpose,
                    t("copy.basis"),
                    p.basis
                ),
            )
        })
        .collect();
    let subtitle = format!(
        "{} · {} {}",
        i.name,
        t("copy.produced"),
        crate::local_time(&copy.produced_at)
    );
    super::super::documents::table_pdf(
        cx,
        &t("copy.title"),
        &subtitle,
        &header,
        &rows,
        &[false, false, false, false],
        &notes,
    )
}
