//! In-kind aid: programmes with budget and quota, proposals and their state machine,
//! eligibility of persons for individual programmes, and amounts in Indonesian words.
use crate::money::Rupiah;
use crate::nik::Sex;
use crate::person::Category;
use crate::{Msg, Role};
use serde::{Deserialize, Serialize};

mod step;
pub use step::{
    decide, may, refused_by_facts, Facts, Handover, Line, Money, Refusal, Snapshot, Step,
    StepInput, Who,
};

code_enum!(
    ProposalState, |_| Msg::new("proposal.state_invalid"), "proposal.state.", {
        Draft => "draft", Submitted => "submitted", Verified => "verified", Approved => "approved", Rejected => "rejected", Delivered => "delivered", Closed => "closed",
    }
);

code_enum!(
    Action, |_| Msg::new("proposal.action_invalid"), "proposal.action.", {
        Submit => "submit", Verify => "verify", Approve => "approve", Reject => "reject", Deliver => "deliver", Close => "close",
    }
);

impl ProposalState {
    /// Approved money is committed against the programme until the end.
    pub fn commits_budget(self) -> bool {
        matches!(
            self,
            ProposalState::Approved | ProposalState::Delivered | ProposalState::Closed
        )
    }
    /// The goods have been handed over (the reports' aid delivered).
    pub fn delivered(self) -> bool {
        matches!(self, ProposalState::Delivered | ProposalState::Closed)
    }
}

impl Action {
    /// Who may take the step: field staff submit and verify, the head of division
    /// decides, the office records the delivery (maker-checker).
    pub fn allowed(self, role: Role) -> bool {
        match self {
            Action::Submit | Action::Verify => {
                matches!(role, Role::Pendamping | Role::Operator | Role::Admin)
            }
            Action::Approve | Action::Reject => role == Role::KepalaBidang,
            Action::Deliver => matches!(role, Role::Operator | Role::Admin),
            Action::Close => matches!(role, Role::Operator | Role::Admin | Role::KepalaBidang),
        }
    }
}

/// The largest quantity of one item in a proposal or package; beyond it is a typing slip
/// (and it keeps quantity × price far from overflowing).
pub const MAX_QUANTITY: i64 = 100_000;

/// The highest unit price of a catalogue item (Rp 10 billion): beyond it is a typing
/// slip, and with [`MAX_QUANTITY`] it keeps a proposal's sums far inside i64.
pub const MAX_UNIT_PRICE: i64 = 10_000_000_000;

/// A unit price is positive and at most [`MAX_UNIT_PRICE`].
pub fn check_unit_price(p: i64) -> Result<(), Msg> {
    if p <= 0 {
        Err(Msg::new("item.price_positive"))
    } else if p > MAX_UNIT_PRICE {
        Err(Msg::new("item.price_too_large").arg(crate::money::Rupiah::new(MAX_UNIT_PRICE)))
    } else {
        Ok(())
    }
}

/// A requested quantity must be a positive count no larger than [`MAX_QUANTITY`].
pub fn check_quantity(q: i64) -> Result<(), Msg> {
    if q <= 0 {
        Err(Msg::new("item.quantity_positive"))
    } else if q > MAX_QUANTITY {
        Err(Msg::new("item.quantity_too_large").arg(MAX_QUANTITY))
    } else {
        Ok(())
    }
}

/// The one place where the order of a proposal's states is decided.
pub fn transition(from: ProposalState, action: Action, role: Role) -> Result<ProposalState, Msg> {
    use Action as A;
    use ProposalState as S;
    let to = match (from, action) {
        (S::Draft, A::Submit) => S::Submitted,
        (S::Submitted, A::Verify) => S::Verified,
        (S::Verified, A::Approve) => S::Approved,
        (S::Submitted | S::Verified, A::Reject) => S::Rejected,
        (S::Approved, A::Deliver) => S::Delivered,
        (S::Delivered, A::Close) => S::Closed,
        _ => {
            return Err(Msg::new("proposal.wrong_order")
                .arg(action.code())
                .arg(from.code()))
        }
    };
    if !action.allowed(role) {
        return Err(Msg::new("proposal.role_not_allowed")
            .arg(action.code())
            .arg(role.code()));
    }
    Ok(to)
}

/// Separation of duties on aid: whoever took one step may not take the next check —
/// the submitter does not verify, the verifier does not approve. `earlier` holds who
/// took each step so far (action, user id). With `allow_same_person` (very small offices)
/// the step is allowed and `Ok(true)` says so, to be shown on the proposal.
pub fn check_duties(
    action: Action,
    actor: Option<i64>,
    earlier: &[(Action, Option<i64>)],
    allow_same_person: bool,
) -> Result<bool, Msg> {
    let checked = match action {
        Action::Verify => Action::Submit,
        Action::Approve => Action::Verify,
        _ => return Ok(false),
    };
    let same = actor.is_some()
        && earlier
            .iter()
            .rev()
            .find(|(a, _)| *a == checked)
            .is_some_and(|(_, by)| *by == actor);
    match (same, allow_same_person) {
        (false, _) => Ok(false),
        (true, true) => Ok(true),
        (true, false) => Err(Msg::new(match action {
            Action::Verify => "proposal.same_person_verify",
            _ => "proposal.same_person_approve",
        })),
    }
}

/// Approving `amount` must fit in what is left of the budget; counts must fit the quota.
pub fn check_budget(budget: Option<Rupiah>, committed: Rupiah, amount: Rupiah) -> Result<(), Msg> {
    if let Some(b) = budget {
        let after = committed.value() + amount.value();
        if after > b.value() {
            return Err(Msg::new("programme.over_budget")
                .arg(amount)
                .arg(Rupiah::new(b.value() - committed.value()))
                .arg(b));
        }
    }
    Ok(())
}

pub fn check_quota(quota: Option<i64>, used: i64) -> Result<(), Msg> {
    match quota {
        Some(q) if used + 1 > q => Err(Msg::new("programme.over_quota").arg(used).arg(q)),
        _ => Ok(()),
    }
}

/// Who an individual programme is for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Eligibility {
    /// At least one of these categories (empty: any).
    #[serde(default)]
    pub categories: Vec<Category>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub sex: Option<Sex>,
}

impl Eligibility {
    /// The usual rules of the office's individual programmes.
    pub fn preset(code: &str) -> Option<Eligibility> {
        Some(match code {
            "wrse" => Eligibility {
                categories: vec![Category::Wrse],
                min_age: Some(18),
                max_age: Some(59),
                sex: Some(Sex::Female),
            },
            "lansia" | "aslut" => Eligibility {
                categories: vec![Category::Lansia],
                min_age: Some(60),
                max_age: None,
                sex: None,
            },
            "anak" => Eligibility {
                categories: vec![Category::Anak],
                min_age: Some(6),
                max_age: Some(18),
                sex: None,
            },
            "fakir_miskin" => Eligibility {
                categories: vec![Category::FakirMiskin],
                min_age: None,
                max_age: None,
                sex: None,
            },
            _ => return None,
        })
    }
    pub fn check(&self, sex: Sex, age: i32, categories: &[Category]) -> Result<(), Msg> {
        if let Some(s) = self.sex {
            if s != sex {
                return Err(Msg::new("eligibility.sex").arg(s.code()));
            }
        }
        if let Some(min) = self.min_age {
            if age < min {
                return Err(Msg::new("eligibility.too_young").arg(age).arg(min));
            }
        }
        if let Some(max) = self.max_age {
            if age > max {
                return Err(Msg::new("eligibility.too_old").arg(age).arg(max));
            }
        }
        if !self.categories.is_empty() && !self.categories.iter().any(|c| categories.contains(c)) {
            let names: Vec<&str> = self.categories.iter().map(|c| c.code()).collect();
            return Err(Msg::new("eligibility.category").arg(names.join(", ")));
        }
        Ok(())
    }
}

code_enum!(
    /// Target of a programme.
    Target, |_| Msg::new("programme.target_invalid"), "programme.target.", {
        Kube => "kube", Individual => "individual",
    }
);

code_enum!(
    /// What an individual programme gives an enrolled person.
    BenefitKind, |_| Msg::new("benefit.kind_invalid"), "benefit.kind.", {
        BantuanBulanan => "bantuan_bulanan", Barang => "barang", Pelatihan => "pelatihan",
    }
);

const UNITS: [&str; 12] = [
    "", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh",
    "sebelas",
];

/// A number in Indonesian words ("terbilang"), e.g. 150.000.000 → "seratus lima puluh juta".
pub fn terbilang(n: u64) -> String {
    fn words(n: u64) -> String {
        match n {
            0..=11 => UNITS[n as usize].to_string(),
            12..=19 => format!("{} belas", UNITS[(n - 10) as usize]),
            20..=99 => join(
                &format!("{} puluh", UNITS[(n / 10) as usize]),
                &words(n % 10),
            ),
            100..=199 => join("seratus", &words(n - 100)),
            200..=999 => join(
                &format!("{} ratus", UNITS[(n / 100) as usize]),
                &words(n % 100),
            ),
            1000..=1999 => join("seribu", &words(n - 1000)),
            2000..=999_999 => join(&format!("{} ribu", words(n / 1000)), &words(n % 1000)),
            1_000_000..=999_999_999 => join(
                &format!("{} juta", words(n / 1_000_000)),
                &words(n % 1_000_000),
            ),
            1_000_000_000..=999_999_999_999 => join(
                &format!("{} miliar", words(n / 1_000_000_000)),
                &words(n % 1_000_000_000),
            ),
            _ => join(
                &format!("{} triliun", words(n / 1_000_000_000_000)),
                &words(n % 1_000_000_000_000),
            ),
        }
    }
    fn join(a: &str, b: &str) -> String {
        if b.is_empty() {
            a.to_string()
        } else {
            format!("{a} {b}")
        }
    }
    if n == 0 {
        "nol".into()
    } else {
        words(n)
    }
}

/// A date as the opening of minutes spells it: "Selasa, tanggal delapan bulan
/// September tahun dua ribu dua puluh enam".
pub fn tanggal_in_words(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
    ];
    format!(
        "{}, tanggal {} bulan {} tahun {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        terbilang(d.day() as u64),
        crate::dates::MONTH_NAMES[d.month0() as usize],
        terbilang(d.year().max(0) as u64)
    )
}

/// A date as written in Indonesian letters: `20 November 2026`.
pub fn tanggal(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let month = crate::dates::MONTH_NAMES[d.month0() as usize];
    format!("{} {month} {}", d.day(), d.year())
}

/// The total of a handover in words: "seratus lima puluh juta rupiah".
pub fn rupiah_in_words(r: Rupiah) -> String {
    format!("{} rupiah", terbilang(r.value().max(0) as u64))
}

#[cfg(test)]
mod duty_tests {
    use super::*;

    #[test]
    fn a_date_in_the_words_of_minutes() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 9, 8).unwrap();
        assert_eq!(
            tanggal_in_words(d),
            "Selasa, tanggal delapan bulan September tahun dua ribu dua puluh enam"
        );
        assert_eq!(tanggal(d), "8 September 2026");
    }

    #[test]
    fn the_next_check_is_someone_else() {
        let steps = [(Action::Submit, Some(7)), (Action::Verify, Some(8))];
        assert_eq!(
            check_duties(Action::Verify, Some(7), &steps[..1], false)
                .unwrap_err()
                .key,
            "proposal.same_person_verify"
        );
        assert_eq!(
            check_duties(Action::Verify, Some(8), &steps[..1], false),
            Ok(false)
        );
        assert_eq!(
            check_duties(Action::Approve, Some(8), &steps, false)
                .unwrap_err()
                .key,
            "proposal.same_person_approve"
        );
        assert_eq!(
            check_duties(Action::Approve, Some(9), &steps, false),
            Ok(false)
        );
        // A small office may allow it; the step says so.
        assert_eq!(
            check_duties(Action::Verify, Some(7), &steps[..1], true),
            Ok(true)
        );
        // Delivery and closing are not checks of an earlier step.
        assert_eq!(
            check_duties(Action::Deliver, Some(7), &steps, false),
            Ok(false)
        );
        // The command line (no account) is not a person.
        assert_eq!(
            check_duties(Action::Verify, None, &[(Action::Submit, None)], false),
            Ok(false)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_from_codes_and_compare_with_them() {
        assert_eq!(
            ProposalState::try_from("approved".to_string()),
            Ok(ProposalState::Approved)
        );
        assert!(ProposalState::try_from("berkembang".to_string()).is_err());
        assert!(ProposalState::Approved == "approved" && ProposalState::Approved != "closed");
        let delivered: Vec<_> = ProposalState::ALL
            .into_iter()
            .filter(|s| s.delivered())
            .collect();
        assert_eq!(delivered, [ProposalState::Delivered, ProposalState::Closed]);
        assert!(delivered.iter().all(|s| s.commits_budget()));
    }

    #[test]
    fn quantities_are_positive_and_bounded() {
        assert!(check_unit_price(MAX_UNIT_PRICE).is_ok());
        assert!(check_unit_price(MAX_UNIT_PRICE + 1).is_err());
        assert!(check_unit_price(0).is_err());
        // The largest proposal line stays far inside i64.
        assert!(MAX_UNIT_PRICE
            .checked_mul(MAX_QUANTITY)
            .and_then(|l| l.checked_mul(1000))
            .is_some());
        assert!(check_quantity(1).is_ok());
        assert!(check_quantity(MAX_QUANTITY).is_ok());
        assert!(check_quantity(0).is_err());
        assert!(check_quantity(-3).is_err());
        assert!(check_quantity(MAX_QUANTITY + 1).is_err());
    }

    #[test]
    fn terbilang_cases() {
        assert_eq!(terbilang(0), "nol");
        assert_eq!(terbilang(11), "sebelas");
        assert_eq!(terbilang(100), "seratus");
        assert_eq!(terbilang(1_000), "seribu");
        assert_eq!(terbilang(1_000_000), "satu juta");
        assert_eq!(terbilang(150_000_000), "seratus lima puluh juta");
        assert_eq!(
            terbilang(2_500_750),
            "dua juta lima ratus ribu tujuh ratus lima puluh"
        );
        assert_eq!(terbilang(19), "sembilan belas");
        assert_eq!(terbilang(111_111), "seratus sebelas ribu seratus sebelas");
        assert_eq!(terbilang(1_001_000_000), "satu miliar satu juta");
        assert_eq!(
            rupiah_in_words(Rupiah::new(20_000_000)),
            "dua puluh juta rupiah"
        );
    }

    #[test]
    fn happy_path_and_roles() {
        use Action::*;
        let mut s = ProposalState::Draft;
        for (a, r) in [
            (Submit, Role::Pendamping),
            (Verify, Role::Operator),
            (Approve, Role::KepalaBidang),
            (Deliver, Role::Operator),
            (Close, Role::KepalaBidang),
        ] {
            s = transition(s, a, r).unwrap();
        }
        assert_eq!(s, ProposalState::Closed);
        assert_eq!(
            transition(ProposalState::Verified, Approve, Role::Operator)
                .unwrap_err()
                .key,
            "proposal.role_not_allowed"
        );
        assert_eq!(
            transition(ProposalState::Draft, Approve, Role::KepalaBidang)
                .unwrap_err()
                .key,
            "proposal.wrong_order"
        );
        assert_eq!(
            transition(ProposalState::Submitted, Reject, Role::KepalaBidang).unwrap(),
            ProposalState::Rejected
        );
    }

    /// Property over random sequences of actions by random roles: the state only moves
    /// along the allowed edges, only by allowed roles, and never leaves a final state.
    #[test]
    fn random_sequences_follow_the_machine() {
        let mut seed: u64 = 0x5eed;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let edges = [
            (ProposalState::Draft, ProposalState::Submitted),
            (ProposalState::Submitted, ProposalState::Verified),
            (ProposalState::Verified, ProposalState::Approved),
            (ProposalState::Submitted, ProposalState::Rejected),
            (ProposalState::Verified, ProposalState::Rejected),
            (ProposalState::Approved, ProposalState::Delivered),
            (ProposalState::Delivered, ProposalState::Closed),
        ];
        for _ in 0..20_000 {
            let mut s = ProposalState::Draft;
            for _ in 0..12 {
                let a = Action::ALL[(next() % 6) as usize];
                let r = Role::ALL[(next() % 5) as usize];
                if let Ok(t) = transition(s, a, r) {
                    assert!(edges.contains(&(s, t)), "{s:?} -{a:?}-> {t:?}");
                    assert!(a.allowed(r));
                    assert_ne!(r, Role::Auditor);
                    s = t;
                }
                if matches!(s, ProposalState::Closed | ProposalState::Rejected) {
                    assert!(Action::ALL
                        .iter()
                        .all(|a| Role::ALL.iter().all(|r| transition(s, *a, *r).is_err())));
                }
            }
        }
    }

    #[test]
    fn budget_and_quota() {
        let b = Some(Rupiah::new(100_000_000));
        assert!(check_budget(b, Rupiah::new(80_000_000), Rupiah::new(20_000_000)).is_ok());
        let e = check_budget(b, Rupiah::new(90_000_000), Rupiah::new(20_000_000)).unwrap_err();
        assert_eq!(e.key, "programme.over_budget");
        assert_eq!(
            e.args,
            vec!["Rp 20.000.000", "Rp 10.000.000", "Rp 100.000.000"]
        );
        assert!(check_budget(None, Rupiah::new(1), Rupiah::new(1)).is_ok());
        assert!(check_quota(Some(5), 4).is_ok());
        assert_eq!(
            check_quota(Some(5), 5).unwrap_err().key,
            "programme.over_quota"
        );
    }

    #[test]
    fn eligibility() {
        let wrse = Eligibility::preset("wrse").unwrap();
        assert!(wrse.check(Sex::Female, 30, &[Category::Wrse]).is_ok());
        assert_eq!(
            wrse.check(Sex::Male, 30, &[Category::Wrse])
                .unwrap_err()
                .key,
            "eligibility.sex"
        );
        assert_eq!(
            wrse.check(Sex::Female, 17, &[Category::Wrse])
                .unwrap_err()
                .key,
            "eligibility.too_young"
        );
        assert_eq!(
            wrse.check(Sex::Female, 60, &[Category::Wrse])
                .unwrap_err()
                .key,
            "eligibility.too_old"
        );
        assert_eq!(
            wrse.check(Sex::Female, 30, &[Category::FakirMiskin])
                .unwrap_err()
                .key,
            "eligibility.category"
        );
        let lansia = Eligibility::preset("lansia").unwrap();
        assert!(lansia.check(Sex::Male, 60, &[Category::Lansia]).is_ok());
        assert!(lansia.check(Sex::Male, 59, &[Category::Lansia]).is_err());
        let anak = Eligibility::preset("anak").unwrap();
        assert!(
            anak.check(Sex::Male, 6, &[Category::Anak]).is_ok()
                && anak.check(Sex::Male, 19, &[Category::Anak]).is_err()
        );
    }
}
