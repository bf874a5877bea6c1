//! The office's duties as controller of personal data (UU 27/2022): what each kind of data
//! is processed for and on what legal basis, the data subjects' requests and their
//! deadlines, consent to optional data, how long records are kept, and who reads
//! children's records in full. Plain rules; the application layer applies them.
use crate::{Invalid, Msg, Role};
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

code_enum!(
    /// A kind of personal data the office holds, each with its purpose and legal basis.
    DataKind, |_| Msg::new("protection.kind_invalid"), "protection.kind.", {
        Identity => "identity", Categories => "categories", Aid => "aid", Phone => "phone",
        Photos => "photos", Gps => "gps", Children => "children",
    }
);

code_enum!(
    /// What a data subject asks of the office (UU 27/2022 articles 5–11).
    RequestKind, |_| Msg::new("protection.request_kind_invalid"), "protection.request.", {
        Access => "access", Correction => "correction", Restriction => "restriction",
        Erasure => "erasure", Objection => "objection", Withdrawal => "withdrawal",
    }
);

code_enum!(
    /// Where a request stands: open, carried out, or refused (with the reason as outcome).
    RequestStatus, |_| Msg::new("protection.status_invalid"), "protection.status.", {
        Open => "open", Done => "done", Refused => "refused",
    }
);

code_enum!(
    /// Optional data held only with the person's consent.
    ConsentKind, |_| Msg::new("protection.consent_kind_invalid"), "protection.consent.", {
        Phone => "phone", Photos => "photos",
    }
);

code_enum!(
    /// How consent was given.
    ConsentMethod, |_| Msg::new("protection.method_invalid"), "protection.method.", {
        Written => "written", Oral => "oral", Form => "form",
    }
);

/// A purpose and its legal basis, as told to the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    pub purpose: String,
    pub basis: String,
}

/// The office's data protection settings.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Hours the office has to answer each kind of request.
    pub deadline_hours: BTreeMap<RequestKind, i64>,
    /// Persons with no active KUBE membership or programme enrolment for this many years
    /// are due for anonymisation.
    pub inactive_person_years: u32,
    /// Visit photos older than this many years are due for deletion.
    pub visit_photo_years: u32,
    /// Roles that read the records of persons under 18 in full.
    pub children_roles: Vec<Role>,
    /// Purposes and legal bases stated by the office; kinds not named here read the
    /// catalogue's defaults (`protection.purpose.<kind>`, `protection.basis.<kind>`).
    pub purposes: BTreeMap<DataKind, Purpose>,
}

/// UU 27/2022 gives the controller 3 × 24 hours to act on most requests (articles 32–34,
/// 40–44); the office may shorten none of them below that by mistake, only configure.
pub const DEFAULT_DEADLINE_HOURS: i64 = 72;
/// A breach is notified to the persons and the authority within 3 × 24 hours (article 46).
pub const BREACH_NOTICE_HOURS: i64 = 72;
/// Under this age a person is a child (UU 23/2002 on child protection).
pub const ADULT_AGE: u32 = 18;

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            deadline_hours: RequestKind::ALL
                .iter()
                .map(|k| (*k, DEFAULT_DEADLINE_HOURS))
                .collect(),
            inactive_person_years: 5,
            visit_photo_years: 3,
            children_roles: vec![Role::Admin, Role::KepalaBidang, Role::Operator],
            purposes: BTreeMap::new(),
        }
    }
}

impl Policy {
    pub fn deadline_hours(&self, k: RequestKind) -> i64 {
        self.deadline_hours
            .get(&k)
            .copied()
            .unwrap_or(DEFAULT_DEADLINE_HOURS)
    }

    /// The stated purpose of a kind of data, in the reader's language when the office
    /// stated none of its own.
    pub fn purpose(&self, k: DataKind, lang: crate::Lang) -> Purpose {
        self.purposes.get(&k).cloned().unwrap_or_else(|| Purpose {
            purpose: lang.t(purpose_key(k)).to_string(),
            basis: lang.t(basis_key(k)).to_string(),
        })
    }

    /// Whether `role` reads a child's record in full.
    pub fn reads_children(&self, role: Role) -> bool {
        self.children_roles.contains(&role)
    }

    /// Reads `KIND=HOURS` (e.g. `restriction=72`).
    pub fn set_deadline(&mut self, text: &str) -> Result<(), String> {
        let (k, h) = text
            .split_once('=')
            .ok_or_else(|| format!("{text}: expected KIND=HOURS"))?;
        let kind = RequestKind::parse(k).map_err(|_| format!("{k}: not a request kind"))?;
        let hours: i64 = h
            .trim()
            .parse()
            .ok()
            .filter(|h| (1..=24 * 365).contains(h))
            .ok_or_else(|| format!("{h}: hours from 1 to 8760"))?;
        self.deadline_hours.insert(kind, hours);
        Ok(())
    }

    /// Reads the office's purposes: lines `KIND<TAB>purpose<TAB>legal basis`; `#` starts
    /// a comment.
    pub fn read_purposes(&mut self, text: &str) -> Result<(), String> {
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split('\t').collect();
            let [k, purpose, basis] = parts[..] else {
                return Err(format!(
                    "line {}: expected KIND, purpose, legal basis",
                    n + 1
                ));
            };
            let kind = DataKind::parse(k).map_err(|_| format!("line {}: {k}", n + 1))?;
            self.purposes.insert(
                kind,
                Purpose {
                    purpose: purpose.trim().into(),
                    basis: basis.trim().into(),
                },
            );
        }
        Ok(())
    }
}

fn purpose_key(k: DataKind) -> &'static str {
    crate::i18n::key(&format!("protection.purpose.{}", k.code())).unwrap_or("protection.title")
}

fn basis_key(k: DataKind) -> &'static str {
    crate::i18n::key(&format!("protection.basis.{}", k.code())).unwrap_or("protection.title")
}

/// Whether a person born on `birth` is a child on `today`.
pub fn is_child(birth: NaiveDate, today: NaiveDate) -> bool {
    birth
        .checked_add_months(Months::new(12 * ADULT_AGE))
        .is_some_and(|adult| adult > today)
}

/// A data subject's request as entered: who asked, what, and when it was received.
#[derive(Debug, Clone)]
pub struct ValidRequest {
    pub kind: RequestKind,
    pub requester: String,
    pub details: String,
}

/// Checks a request as entered.
pub fn request(kind: &str, requester: &str, details: &str) -> Result<ValidRequest, Invalid> {
    let mut inv = Invalid::default();
    let kind = RequestKind::parse(kind)
        .map_err(|m| inv.add("kind", m))
        .ok();
    let requester = requester.trim();
    if requester.is_empty() {
        inv.add("requester", Msg::new("common.required"));
    } else if requester.chars().count() > 200 {
        inv.add("requester", Msg::new("common.too_long").arg(200));
    }
    if details.chars().count() > 4000 {
        inv.add("details", Msg::new("common.too_long").arg(4000));
    }
    match kind {
        Some(kind) if inv.is_empty() => Ok(ValidRequest {
            kind,
            requester: requester.into(),
            details: details.trim().into(),
        }),
        _ => Err(inv),
    }
}

/// A breach as entered in the register.
#[derive(Debug, Clone)]
pub struct ValidIncident {
    pub title: String,
    pub description: String,
    pub occurred_on: Option<NaiveDate>,
    pub data_kinds: Vec<DataKind>,
    pub persons_affected: i64,
    pub measures: String,
}

/// Checks a breach register entry.
pub fn incident(
    title: &str,
    description: &str,
    occurred_on: Option<NaiveDate>,
    data_kinds: &[String],
    persons_affected: i64,
    measures: &str,
) -> Result<ValidIncident, Invalid> {
    let mut inv = Invalid::default();
    let required = |inv: &mut Invalid, field: &'static str, v: &str, max: usize| {
        if v.trim().is_empty() {
            inv.add(field, Msg::new("common.required"));
        } else if v.chars().count() > max {
            inv.add(field, Msg::new("common.too_long").arg(max));
        }
    };
    required(&mut inv, "title", title, 200);
    required(&mut inv, "description", description, 4000);
    if measures.chars().count() > 4000 {
        inv.add("measures", Msg::new("common.too_long").arg(4000));
    }
    let mut kinds = Vec::new();
    for k in data_kinds {
        match DataKind::parse(k) {
            Ok(k) if !kinds.contains(&k) => kinds.push(k),
            Ok(_) => {}
            Err(m) => inv.add("data_kinds", m),
        }
    }
    if kinds.is_empty() && !inv.fields.contains_key("data_kinds") {
        inv.add("data_kinds", Msg::new("common.required"));
    }
    if !(0..=100_000_000).contains(&persons_affected) {
        inv.add("persons_affected", Msg::new("protection.persons_invalid"));
    }
    if inv.is_empty() {
        Ok(ValidIncident {
            title: title.trim().into(),
            description: description.trim().into(),
            occurred_on,
            data_kinds: kinds,
            persons_affected,
            measures: measures.trim().into(),
        })
    } else {
        Err(inv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_child_until_the_eighteenth_birthday() {
        assert!(is_child(d("2008-12-07"), d("2026-12-06")));
        assert!(!is_child(d("2008-12-06"), d("2026-12-06")));
        // Born on 29 February: adult on 28 February of a common year.
        assert!(!is_child(d("2008-02-29"), d("2026-02-28")));
    }

    #[test]
    fn deadlines_and_purposes_are_configurable() {
        let mut p = Policy::default();
        assert_eq!(p.deadline_hours(RequestKind::Restriction), 72);
        p.set_deadline("restriction=24").unwrap();
        assert_eq!(p.deadline_hours(RequestKind::Restriction), 24);
        assert!(p.set_deadline("restriction=0").is_err());
        assert!(p.set_deadline("hapus=10").is_err());
        p.read_purposes("# comment\nphone\tMenghubungi\tPersetujuan\n")
            .unwrap();
        assert_eq!(
            p.purpose(DataKind::Phone, crate::Lang::Id).basis,
            "Persetujuan"
        );
        // Every kind has a default purpose and basis in both languages.
        for k in DataKind::ALL {
            for lang in [crate::Lang::Id, crate::Lang::En] {
                let pp = Policy::default().purpose(k, lang);
                assert!(!pp.purpose.is_empty() && pp.basis.len() > 10, "{k:?}");
                assert_ne!(pp.purpose, lang.t("protection.title"));
            }
        }
        assert!(p.read_purposes("phone\tonly two").is_err());
        assert!(p.reads_children(Role::Operator) && !p.reads_children(Role::Pendamping));
    }

    #[test]
    fn requests_and_incidents_name_their_faults() {
        let e = request("hapus", " ", "").unwrap_err();
        assert!(e.fields.contains_key("kind") && e.fields.contains_key("requester"));
        assert!(request("restriction", "Siti", "").is_ok());
        let e = incident("", "x", None, &[], -1, "").unwrap_err();
        assert!(e.fields.contains_key("title"));
        assert!(e.fields.contains_key("data_kinds"));
        assert!(e.fields.contains_key("persons_affected"));
        let ok = incident(
            "Laptop hilang",
            "x",
            None,
            &["identity".into(), "identity".into()],
            3,
            "",
        )
        .unwrap();
        assert_eq!(ok.data_kinds, vec![DataKind::Identity]);
    }
}
