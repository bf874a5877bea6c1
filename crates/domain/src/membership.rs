//! Who may be a KUBE member, by the ministry's regulation (Permensos 2/2019 and the
//! central practice before it): heads of household or the household's main earner, of
//! working age, not civil servants, soldiers or police, listed in DTSEN as poor or
//! vulnerable, one per family card. The office configures the bounds. A rule whose fact
//! is unknown (a field left empty, DTSEN not yet imported) warns instead of refusing, so
//! a fresh installation and older API clients keep working; an officer may record a
//! justified exception to a refusal.
use crate::Msg;
use serde::{Deserialize, Serialize};

code_enum!(
    /// A person's place in their household.
    HouseholdRole, |_| Msg::new("person.household_role_invalid"), "household_role.", {
        KepalaKeluarga => "kepala_keluarga", PencariNafkah => "pencari_nafkah", AnggotaKeluarga => "anggota_keluarga",
    }
);

code_enum!(
    /// What a person works as, as far as the membership rule asks.
    Occupation, |_| Msg::new("person.occupation_invalid"), "occupation.", {
        Pns => "pns", Tni => "tni", Polri => "polri", Lainnya => "lainnya",
    }
);

code_enum!(
    /// A membership rule, as refusals, warnings and exceptions name it.
    Rule, |_| Msg::new("membership.rule_invalid"), "membership.rule.", {
        WorkingAge => "working_age", HeadOfHousehold => "head_of_household", Occupation => "occupation",
        DtsenListed => "dtsen_listed", DtsenDecile => "dtsen_decile", OnePerFamilyCard => "one_per_family_card",
    }
);

/// The office's bounds (the regulation's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub min_age: i32,
    pub max_age: i32,
    /// The highest DTSEN welfare decile a member may be in (1 is the poorest).
    pub max_decile: i32,
    pub one_per_family_card: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_age: 18,
            max_age: 59,
            max_decile: 4,
            one_per_family_card: true,
        }
    }
}

/// What the rules ask of a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub person_id: i64,
    pub age: i32,
    pub household_role: Option<HouseholdRole>,
    pub occupation: Option<Occupation>,
    pub kk_number: Option<String>,
    /// The DTSEN decile; `None` when the person is not in the extract.
    pub decile: Option<i32>,
}

/// How a rule judged a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub person_id: i64,
    pub rule: Rule,
    /// Refused (unless excepted), or only a warning (the fact is unknown).
    pub refuses: bool,
    pub msg: Msg,
}

/// Each rule on each member of a group-to-be (or the group with a new member), in order.
/// `dtsen_known`: the office has imported a DTSEN extract — before that the DTSEN rules
/// only warn.
pub fn check(rules: &Rules, members: &[Facts], dtsen_known: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut cards: Vec<&str> = Vec::new();
    for m in members {
        let mut find = |rule: Rule, refuses: bool, msg: Msg| {
            out.push(Finding {
                person_id: m.person_id,
                rule,
                refuses,
                msg,
            })
        };
        if m.age < rules.min_age || m.age > rules.max_age {
            find(
                Rule::WorkingAge,
                true,
                Msg::new("membership.age")
                    .arg(m.age)
                    .arg(rules.min_age)
                    .arg(rules.max_age),
            );
        }
        match m.household_role {
            Some(HouseholdRole::AnggotaKeluarga) => {
                find(Rule::HeadOfHousehold, true, Msg::new("membership.not_head"))
            }
            None => find(
                Rule::HeadOfHousehold,
                false,
                Msg::new("membership.head_unknown"),
            ),
            Some(_) => {}
        }
        match m.occupation {
            Some(o @ (Occupation::Pns | Occupation::Tni | Occupation::Polri)) => find(
                Rule::Occupation,
                true,
                Msg::new("membership.occupation").arg(o.code()),
            ),
            None => find(
                Rule::Occupation,
                false,
                Msg::new("membership.occupation_unknown"),
            ),
            Some(_) => {}
        }
        match (dtsen_known, m.decile) {
            (false, _) => find(
                Rule::DtsenListed,
                false,
                Msg::new("membership.dtsen_not_imported"),
            ),
            (true, None) => find(Rule::DtsenListed, true, Msg::new("membership.not_in_dtsen")),
            (true, Some(d)) if d > rules.max_decile => find(
                Rule::DtsenDecile,
                true,
                Msg::new("membership.decile").arg(d).arg(rules.max_decile),
            ),
            _ => {}
        }
        if rules.one_per_family_card {
            if let Some(kk) = m.kk_number.as_deref().filter(|k| !k.is_empty()) {
                if cards.contains(&kk) {
                    find(
                        Rule::OnePerFamilyCard,
                        true,
                        Msg::new("membership.same_family_card"),
                    );
                }
                cards.push(kk);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(id: i64) -> Facts {
        Facts {
            person_id: id,
            age: 40,
            household_role: Some(HouseholdRole::KepalaKeluarga),
            occupation: Some(Occupation::Lainnya),
            kk_number: Some(format!("32790401011000{id:02}")),
            decile: Some(2),
        }
    }

    fn refused(f: &[Finding]) -> Vec<(i64, Rule)> {
        f.iter()
            .filter(|f| f.refuses)
            .map(|f| (f.person_id, f.rule))
            .collect()
    }

    #[test]
    fn each_rule_refuses_what_it_names_and_warns_on_what_is_unknown() {
        let r = Rules::default();
        assert!(check(&r, &[facts(1), facts(2)], true).is_empty());
        let child = Facts { age: 7, ..facts(3) };
        let old = Facts {
            age: 60,
            ..facts(4)
        };
        let dependant = Facts {
            household_role: Some(HouseholdRole::AnggotaKeluarga),
            ..facts(5)
        };
        let police = Facts {
            occupation: Some(Occupation::Polri),
            ..facts(6)
        };
        let rich = Facts {
            decile: Some(7),
            ..facts(7)
        };
        let unlisted = Facts {
            decile: None,
            ..facts(8)
        };
        let sibling = Facts {
            kk_number: facts(1).kk_number,
            ..facts(9)
        };
        let all = [
            facts(1),
            child,
            old,
            dependant,
            police,
            rich,
            unlisted,
            sibling,
        ];
        assert_eq!(
            refused(&check(&r, &all, true)),
            vec![
                (3, Rule::WorkingAge),
                (4, Rule::WorkingAge),
                (5, Rule::HeadOfHousehold),
                (6, Rule::Occupation),
                (7, Rule::DtsenDecile),
                (8, Rule::DtsenListed),
                (9, Rule::OnePerFamilyCard),
            ]
        );
        // Before a DTSEN extract: those two only warn.
        let before = check(&r, &all, false);
        assert!(!refused(&before)
            .iter()
            .any(|(_, r)| matches!(r, Rule::DtsenListed | Rule::DtsenDecile)));
        assert_eq!(
            before
                .iter()
                .filter(|f| f.rule == Rule::DtsenListed)
                .count(),
            all.len()
        );
        // Unknown facts warn.
        let unknown = Facts {
            household_role: None,
            occupation: None,
            ..facts(10)
        };
        let f = check(&r, &[unknown], true);
        assert!(f.iter().all(|f| !f.refuses) && f.len() == 2, "{f:?}");
        // Configured bounds.
        let loose = Rules {
            max_age: 64,
            max_decile: 7,
            one_per_family_card: false,
            ..r
        };
        assert_eq!(
            refused(&check(&loose, &all, true)),
            vec![
                (3, Rule::WorkingAge),
                (5, Rule::HeadOfHousehold),
                (6, Rule::Occupation),
                (8, Rule::DtsenListed)
            ]
        );
    }
}
