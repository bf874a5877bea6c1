//! A monitoring visit as entered, and its rules.
use crate::health::VisitFacts;
use crate::money::Rupiah;
use crate::{Invalid, Msg};
use chrono::NaiveDate;

#[derive(Debug, Clone, Default)]
pub struct VisitInput {
    pub visited_on: String,
    pub operating: bool,
    pub meetings_held: i64,
    pub members_present: i64,
    pub books_up_to_date: bool,
    pub revenue: Rupiah,
    pub expenses: Rupiah,
    pub savings_balance: Rupiah,
    pub asset_count: i64,
    pub asset_value: Rupiah,
    pub problems: Option<String>,
    pub actions: Option<String>,
    pub gps: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidVisit {
    pub facts: VisitFacts,
    pub asset_count: i64,
    pub problems: Option<String>,
    pub actions: Option<String>,
    pub gps: Option<(f64, f64)>,
}

fn text(inv: &mut Invalid, field: &str, v: &Option<String>) -> Option<String> {
    let t = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if t.chars().count() > 2000 {
        inv.add(field, Msg::new("common.too_long").arg(2000));
    }
    Some(t.to_string())
}

impl VisitInput {
    pub fn validate(
        &self,
        today: NaiveDate,
        formed_on: NaiveDate,
        member_count: i64,
    ) -> Result<ValidVisit, Invalid> {
        let mut inv = Invalid::new();
        let visited_on = if self.visited_on.trim().is_empty() {
            inv.add("visited_on", Msg::new("common.required"));
            None
        } else {
            inv.check("visited_on", crate::person::parse_date(&self.visited_on))
        };
        if let Some(d) = visited_on {
            if d > today {
                inv.add("visited_on", Msg::new("visit.in_future"));
            } else if d < formed_on {
                inv.add("visited_on", Msg::new("visit.before_formed"));
            }
        }
        for (f, v) in [
            ("meetings_held", self.meetings_held),
            ("members_present", self.members_present),
            ("asset_count", self.asset_count),
        ] {
            if v < 0 {
                inv.add(f, Msg::new("visit.negative"));
            }
        }
        for (f, v) in [
            ("revenue", self.revenue),
            ("expenses", self.expenses),
            ("savings_balance", self.savings_balance),
            ("asset_value", self.asset_value),
        ] {
            if v.value() < 0 {
                inv.add(f, Msg::new("visit.negative"));
            }
        }
        if self.members_present > member_count && member_count > 0 {
            inv.add(
                "members_present",
                Msg::new("visit.present_above_members").arg(member_count),
            );
        }
        let gps = match self.gps.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(g) => {
                let parsed = g.split_once(',').and_then(|(a, b)| {
                    Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
                });
                match parsed {
                    Some((lat, lon))
                        if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
                    {
                        Some((lat, lon))
                    }
                    _ => {
                        inv.add("gps", Msg::new("visit.gps_invalid"));
                        None
                    }
                }
            }
        };
        let problems = text(&mut inv, "problems", &self.problems);
        let actions = text(&mut inv, "actions", &self.actions);
        match (visited_on, inv.is_empty()) {
            (Some(visited_on), true) => Ok(ValidVisit {
                facts: VisitFacts {
                    visited_on,
                    operating: self.operating,
                    meetings_held: self.meetings_held,
                    members_present: self.members_present,
                    books_up_to_date: self.books_up_to_date,
                    revenue: self.revenue.value(),
                    expenses: self.expenses.value(),
                    savings_balance: self.savings_balance.value(),
                    asset_value: self.asset_value.value(),
                },
                asset_count: self.asset_count,
                problems,
                actions,
                gps,
            }),
            _ => Err(inv),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn rules() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let ok = VisitInput {
            visited_on: "2026-11-01".into(),
            members_present: 8,
            gps: Some("-7.37, 108.54".into()),
            ..Default::default()
        };
        let v = ok.validate(d("2026-11-29"), d("2012-01-01"), 10).unwrap();
        assert_eq!(v.gps, Some((-7.37, 108.54)));
        let bad = VisitInput {
            visited_on: "2026-12-01".into(),
            members_present: 11,
            meetings_held: -1,
            gps: Some("here".into()),
            ..Default::default()
        };
        let e = bad
            .validate(d("2026-11-29"), d("2012-01-01"), 10)
            .unwrap_err();
        for f in ["visited_on", "members_present", "meetings_held", "gps"] {
            assert!(e.fields.contains_key(f), "{f}");
        }
    }
}
