//! The stage checklist (*penilaian tingkat perkembangan*): the ministry's criteria for
//! Tumbuh, Berkembang and Maju, answered per group at most once a quarter, each item that
//! holds with its evidence — a note, a photo, or the figures the office already has
//! (facilitator, officers, aid handed over, visits). A group's level is the highest stage
//! whose items, and those of every stage below it, all hold. A region may add criteria.
use crate::health::{Level, VisitFacts};
use crate::money::Rupiah;
use crate::{Invalid, Lang, Msg};
use chrono::{Datelike, NaiveDate};

/// What the office already knows that can answer an item by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auto {
    Facilitator,
    Officers,
    AidReceived,
    ActivityStarted,
    OfficersActive,
    ProfitToCapital,
    CapitalGrowing,
    BooksKept,
}

/// How an item is worded: the ministry's (translated) or a region's own (as entered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Builtin(&'static str),
    Region(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub code: String,
    pub stage: Level,
    pub label: Label,
    pub auto: Option<Auto>,
}

impl Criterion {
    pub fn text(&self, lang: Lang) -> String {
        match &self.label {
            Label::Builtin(key) => lang.t(key).to_string(),
            Label::Region(s) => s.clone(),
        }
    }
}

/// The ministry's criteria (peers.md, "Stage criteria"), in stage order.
pub fn builtin() -> Vec<Criterion> {
    use Auto::*;
    use Level::*;
    let c = |code: &str, stage, key, auto| Criterion {
        code: code.to_string(),
        stage,
        label: Label::Builtin(key),
        auto,
    };
    vec![
        c(
            "facilitator",
            Tumbuh,
            "checklist.item.facilitator",
            Some(Facilitator),
        ),
        c(
            "officers",
            Tumbuh,
            "checklist.item.officers",
            Some(Officers),
        ),
        c(
            "aid_received",
            Tumbuh,
            "checklist.item.aid_received",
            Some(AidReceived),
        ),
        c("name_board", Tumbuh, "checklist.item.name_board", None),
        c(
            "activity_started",
            Tumbuh,
            "checklist.item.activity_started",
            Some(ActivityStarted),
        ),
        c(
            "officers_active",
            Berkembang,
            "checklist.item.officers_active",
            Some(OfficersActive),
        ),
        c(
            "profit_to_capital",
            Berkembang,
            "checklist.item.profit_to_capital",
            Some(ProfitToCapital),
        ),
        c("welfare", Berkembang, "checklist.item.welfare", None),
        c("iks", Berkembang, "checklist.item.iks", None),
        c(
            "capital_growing",
            Maju,
            "checklist.item.capital_growing",
            Some(CapitalGrowing),
        ),
        c("iks_outside", Maju, "checklist.item.iks_outside", None),
        c(
            "books_kept",
            Maju,
            "checklist.item.books_kept",
            Some(BooksKept),
        ),
        c("partnerships", Maju, "checklist.item.partnerships", None),
    ]
}

/// What the office's records say about a group on the day of the checklist.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub has_facilitator: bool,
    /// Of ketua, sekretaris and bendahara, how many are among the active members.
    pub officers: usize,
    /// Proposals whose goods were handed over, and their value.
    pub aid_delivered: usize,
    pub aid_value: i64,
    /// Visits up to the checklist's day, in recording order.
    pub visits: Vec<VisitFacts>,
}

impl Auto {
    /// Whether the records show the item holds, and the figures that say so.
    pub fn judge(self, f: &Facts) -> (bool, Msg) {
        let mut vs: Vec<&VisitFacts> = f.visits.iter().collect();
        vs.sort_by_key(|v| v.visited_on);
        let last = vs.last().copied();
        let day = |v: &VisitFacts| v.visited_on.format("%d/%m/%Y").to_string();
        let none = || (false, Msg::new("checklist.fig.no_visit"));
        match self {
            Auto::Facilitator => (
                f.has_facilitator,
                Msg::new(if f.has_facilitator {
                    "checklist.fig.facilitator"
                } else {
                    "checklist.fig.no_facilitator"
                }),
            ),
            Auto::Officers => (
                f.officers >= 3,
                Msg::new("checklist.fig.officers").arg(f.officers),
            ),
            Auto::AidReceived => (
                f.aid_delivered > 0,
                Msg::new("checklist.fig.aid")
                    .arg(f.aid_delivered)
                    .arg(Rupiah::new(f.aid_value)),
            ),
            Auto::ActivityStarted => match last {
                Some(v) => (
                    v.operating,
                    Msg::new(if v.operating {
                        "checklist.fig.operating"
                    } else {
                        "checklist.fig.not_operating"
                    })
                    .arg(day(v))
                    .arg(Rupiah::new(v.revenue)),
                ),
                None => none(),
            },
            Auto::OfficersActive => match last {
                Some(v) => (
                    v.operating && v.meetings_held > 0,
                    Msg::new("checklist.fig.meetings")
                        .arg(day(v))
                        .arg(v.meetings_held)
                        .arg(v.members_present),
                ),
                None => none(),
            },
            Auto::ProfitToCapital => match last {
                Some(v) => (
                    v.profit() > 0 && v.savings_balance > 0,
                    Msg::new("checklist.fig.profit")
                        .arg(day(v))
                        .arg(Rupiah::new(v.profit()))
                        .arg(Rupiah::new(v.savings_balance)),
                ),
                None => none(),
            },
            Auto::CapitalGrowing => match (vs.first().copied(), last) {
                (Some(first), Some(last)) if vs.len() >= 2 => (
                    last.savings_balance > first.savings_balance
                        && last.asset_value > first.asset_value
                        && last.profit() > 0,
                    Msg::new("checklist.fig.growing")
                        .arg(day(first))
                        .arg(Rupiah::new(first.savings_balance))
                        .arg(Rupiah::new(last.savings_balance))
                        .arg(Rupiah::new(first.asset_value))
                        .arg(Rupiah::new(last.asset_value)),
                ),
                _ => (false, Msg::new("checklist.fig.few_visits").arg(vs.len())),
            },
            Auto::BooksKept => {
                let recent: Vec<&&VisitFacts> = vs.iter().rev().take(3).collect();
                let kept = recent.iter().filter(|v| v.books_up_to_date).count();
                if recent.is_empty() {
                    return none();
                }
                (
                    kept == recent.len(),
                    Msg::new("checklist.fig.books").arg(kept).arg(recent.len()),
                )
            }
        }
    }
}

/// An item as the facilitator answered it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerIn {
    pub criterion: String,
    pub holds: bool,
    pub note: Option<String>,
    /// A photo comes with the answer (uploaded, or one of the group's photos).
    pub photo: bool,
}

/// An item as it is kept: the criterion as it read then, the answer and its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub criterion: Criterion,
    pub holds: bool,
    pub note: Option<String>,
    pub photo: bool,
    /// The figures of an item the records can answer, shown whatever was answered.
    pub figures: Option<Msg>,
}

/// The longest note an item takes.
pub const NOTE_MAX: usize = 500;

/// Judges a checklist: every criterion answered (an item left out does not hold), each
/// item that holds with evidence — a note, a photo, or figures that show it. Errors are
/// per item (`answer.<code>`).
pub fn judge(
    criteria: &[Criterion],
    facts: &Facts,
    answers: &[AnswerIn],
) -> Result<(Vec<Answer>, Option<Level>), Invalid> {
    let mut inv = Invalid::new();
    for a in answers {
        if !criteria.iter().any(|c| c.code == a.criterion) {
            inv.add(
                "answers",
                Msg::new("checklist.unknown_criterion").arg(&a.criterion),
            );
        }
    }
    let mut out = Vec::with_capacity(criteria.len());
    for c in criteria {
        let given = answers.iter().find(|a| a.criterion == c.code);
        let note = given
            .and_then(|a| a.note.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let photo = given.is_some_and(|a| a.photo);
        let holds = given.is_some_and(|a| a.holds);
        let judged = c.auto.map(|a| a.judge(facts));
        let field = format!("answer.{}", c.code);
        if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
            inv.add(&field, Msg::new("checklist.note_too_long").arg(NOTE_MAX));
        }
        let shown = judged.as_ref().is_some_and(|(h, _)| *h);
        if holds && note.is_none() && !photo && !shown {
            inv.add(&field, Msg::new("checklist.evidence_missing"));
        }
        out.push(Answer {
            criterion: c.clone(),
            holds,
            note,
            photo,
            figures: judged.map(|(_, m)| m),
        });
    }
    inv.into_result()?;
    let level = level_of(&out);
    Ok((out, level))
}

/// The highest stage whose items, and those of the stages below, all hold.
pub fn level_of(answers: &[Answer]) -> Option<Level> {
    let mut level = None;
    for stage in Level::ALL {
        let of_stage: Vec<&Answer> = answers
            .iter()
            .filter(|a| a.criterion.stage == stage)
            .collect();
        if of_stage.is_empty() || !of_stage.iter().all(|a| a.holds) {
            break;
        }
        level = Some(stage);
    }
    level
}

/// The quarter a day falls in (`2026-Q4`): a group is assessed at most once in each.
pub fn quarter(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// The longest label a region's criterion takes.
pub const LABEL_MAX: usize = 200;

/// A region's criterion label: trimmed, not empty, not too long.
pub fn region_label(s: &str) -> Result<String, Msg> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Msg::new("common.required"));
    }
    if t.chars().count() > LABEL_MAX {
        return Err(Msg::new("checklist.label_too_long").arg(LABEL_MAX));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(on: &str, operating: bool, profit: i64, savings: i64, assets: i64) -> VisitFacts {
        VisitFacts {
            visited_on: on.parse().unwrap(),
            operating,
            meetings_held: if operating { 2 } else { 0 },
            members_present: 8,
            books_up_to_date: true,
            revenue: 2_000_000,
            expenses: 2_000_000 - profit,
            savings_balance: savings,
            asset_value: assets,
        }
    }

    fn strong() -> Facts {
        Facts {
            has_facilitator: true,
            officers: 3,
            aid_delivered: 1,
            aid_value: 15_000_000,
            visits: vec![
                visit("2026-07-01", true, 300_000, 100_000, 10_000_000),
                visit("2026-10-01", true, 400_000, 400_000, 12_000_000),
            ],
        }
    }

    fn yes(code: &str, note: Option<&str>) -> AnswerIn {
        AnswerIn {
            criterion: code.into(),
            holds: true,
            note: note.map(str::to_string),
            photo: false,
        }
    }

    /// Every item answered "holds"; the ones the records cannot show with a note.
    fn all_hold(criteria: &[Criterion]) -> Vec<AnswerIn> {
        criteria
            .iter()
            .map(|c| yes(&c.code, c.auto.is_none().then_some("dilihat sendiri")))
            .collect()
    }

    #[test]
    fn the_level_is_the_highest_stage_whose_items_all_hold() {
        let cs = builtin();
        let (_, level) = judge(&cs, &strong(), &all_hold(&cs)).unwrap();
        assert_eq!(level, Some(Level::Maju));

        // One Maju item not holding: Berkembang.
        let mut a = all_hold(&cs);
        a.retain(|a| a.criterion != "partnerships");
        assert_eq!(
            judge(&cs, &strong(), &a).unwrap().1,
            Some(Level::Berkembang)
        );

        // A Tumbuh item not holding: no level, whatever holds above it.
        let mut a = all_hold(&cs);
        a.iter_mut()
            .find(|a| a.criterion == "name_board")
            .unwrap()
            .holds = false;
        assert_eq!(judge(&cs, &strong(), &a).unwrap().1, None);
    }

    #[test]
    fn an_item_that_holds_needs_evidence() {
        let cs = builtin();
        // The name board has no figures: a note or a photo is needed.
        let mut a = all_hold(&cs);
        a.iter_mut()
            .find(|a| a.criterion == "name_board")
            .unwrap()
            .note = None;
        let e = judge(&cs, &strong(), &a).unwrap_err();
        assert_eq!(
            e.fields["answer.name_board"].key,
            "checklist.evidence_missing"
        );
        a.iter_mut()
            .find(|a| a.criterion == "name_board")
            .unwrap()
            .photo = true;
        assert!(judge(&cs, &strong(), &a).is_ok());

        // Figures that do not show the item (no facilitator) are no evidence for "holds".
        let mut f = strong();
        f.has_facilitator = false;
        let e = judge(&cs, &f, &all_hold(&cs)).unwrap_err();
        assert_eq!(
            e.fields["answer.facilitator"].key,
            "checklist.evidence_missing"
        );
        let mut a = all_hold(&cs);
        a[0].note = Some("SK pendamping baru, belum dicatat".into());
        assert!(judge(&cs, &f, &a).is_ok());
    }

    #[test]
    fn figures_come_from_the_records() {
        let f = strong();
        let (h, m) = Auto::CapitalGrowing.judge(&f);
        assert!(h);
        assert_eq!(m.args[1], "Rp 100.000");
        assert_eq!(m.args[2], "Rp 400.000");
        let one = Facts {
            visits: vec![visit("2026-10-01", true, 1, 1, 1)],
            ..strong()
        };
        assert!(!Auto::CapitalGrowing.judge(&one).0);
        let stopped = Facts {
            visits: vec![visit("2026-10-01", false, 0, 0, 0)],
            ..strong()
        };
        assert!(!Auto::ActivityStarted.judge(&stopped).0);
        assert!(!Auto::ActivityStarted.judge(&Facts::default()).0);
        assert!(Auto::AidReceived.judge(&f).0);
        assert!(
            !Auto::Officers
                .judge(&Facts {
                    officers: 2,
                    ..strong()
                })
                .0
        );
    }

    #[test]
    fn a_region_may_add_criteria_and_unknown_items_are_refused() {
        let mut cs = builtin();
        cs.push(Criterion {
            code: "region_1".into(),
            stage: Level::Tumbuh,
            label: Label::Region("Rekening kelompok di bank".into()),
            auto: None,
        });
        let mut a = all_hold(&builtin());
        assert_eq!(judge(&cs, &strong(), &a).unwrap().1, None);
        a.push(yes("region_1", Some("Buku tabungan BRI")));
        assert_eq!(judge(&cs, &strong(), &a).unwrap().1, Some(Level::Maju));
        a.push(yes("nonsense", None));
        let e = judge(&cs, &strong(), &a).unwrap_err();
        assert_eq!(e.fields["answers"].key, "checklist.unknown_criterion");
    }

    #[test]
    fn quarters() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(quarter(d("2026-12-31")), "2026-Q4");
        assert_eq!(quarter(d("2027-01-01")), "2027-Q1");
        assert_eq!(quarter(d("2026-06-30")), "2026-Q2");
        assert_eq!(quarter(d("2026-07-01")), "2026-Q3");
        assert!(region_label("  ").is_err());
        assert!(region_label(&"x".repeat(201)).is_err());
    }
}
