//! The health of a KUBE from its monitoring visits: an operational status and a
//! development level, each with the reasons that decided it. Thresholds are settings.
use crate::kube::Status;
use crate::Msg;
use chrono::NaiveDate;

code_enum!(
    Level, |_| Msg::new("level.invalid"), "level.", {
        Tumbuh => "tumbuh", Berkembang => "berkembang", Maju => "maju",
    }
);

/// What a visit found (money in rupiah).
#[derive(Debug, Clone, PartialEq)]
pub struct VisitFacts {
    pub visited_on: NaiveDate,
    pub operating: bool,
    pub meetings_held: i64,
    pub members_present: i64,
    pub books_up_to_date: bool,
    pub revenue: i64,
    pub expenses: i64,
    pub savings_balance: i64,
    pub asset_value: i64,
}

impl VisitFacts {
    pub fn profit(&self) -> i64 {
        self.revenue - self.expenses
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// A last visit older than this leaves the KUBE "not yet assessed".
    pub stale_after_days: i64,
    /// Share of members at the last meeting below which mentoring is needed (percent).
    pub min_attendance_pct: i64,
    /// Visits in a row with falling revenue that call for mentoring.
    pub declining_visits: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            stale_after_days: 120,
            min_attendance_pct: 50,
            declining_visits: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub status: Status,
    pub level: Option<Level>,
    pub reasons: Vec<Msg>,
    pub assessed_on: Option<NaiveDate>,
}

/// Classifies a group. `visits` in the order they were recorded (of two visits on one date
/// the one recorded later decides: a correction or a second trip that day); `dissolved`
/// when the office recorded it. The level is not judged here: it is the latest stage
/// checklist's, which the caller passes in to be carried with the status.
pub fn assess(
    visits: &[VisitFacts],
    member_count: i64,
    dissolved: bool,
    level: Option<Level>,
    today: NaiveDate,
    t: &Thresholds,
) -> Health {
    let mut vs: Vec<&VisitFacts> = visits.iter().collect();
    // Stable: visits of one date stay in recording order.
    vs.sort_by_key(|v| v.visited_on);
    let last = vs.last().copied();
    let assessed_on = last.map(|v| v.visited_on);
    if dissolved {
        return Health {
            status: Status::Bubar,
            level: None,
            reasons: vec![Msg::new("health.dissolved")],
            assessed_on,
        };
    }
    let Some(last) = last else {
        return Health {
            status: Status::BelumDinilai,
            level,
            reasons: vec![Msg::new("health.never_visited")],
            assessed_on,
        };
    };
    let age = (today - last.visited_on).num_days();
    if age > t.stale_after_days {
        return Health {
            status: Status::BelumDinilai,
            level,
            reasons: vec![Msg::new("health.visit_too_old").arg(age)],
            assessed_on,
        };
    }
    if !last.operating {
        let mut reasons = vec![Msg::new("health.not_operating")];
        let stopped = vs.iter().rev().take_while(|v| !v.operating).count();
        if stopped > 1 {
            reasons.push(Msg::new("health.not_operating_visits").arg(stopped));
        }
        return Health {
            status: Status::TidakAktif,
            level,
            reasons,
            assessed_on,
        };
    }
    let mut problems = Vec::new();
    if last.meetings_held == 0 {
        problems.push(Msg::new("health.no_meeting"));
    }
    if member_count > 0 && last.members_present * 100 < member_count * t.min_attendance_pct {
        problems.push(
            Msg::new("health.low_attendance")
                .arg(last.members_present)
                .arg(member_count),
        );
    }
    if !last.books_up_to_date {
        problems.push(Msg::new("health.books_not_kept"));
    }
    if last.profit() < 0 {
        problems.push(Msg::new("health.loss"));
    }
    let n = t.declining_visits;
    if n >= 2 && vs.len() >= n {
        let tail = &vs[vs.len() - n..];
        if tail.windows(2).all(|w| w[1].revenue < w[0].revenue) {
            problems.push(Msg::new("health.revenue_declining").arg(n));
        }
    }
    if problems.is_empty() {
        Health {
            status: Status::Berjalan,
            level,
            reasons: vec![Msg::new("health.running_well")],
            assessed_on,
        }
    } else {
        Health {
            status: Status::PerluPendampingan,
            level,
            reasons: problems,
            assessed_on,
        }
    }
}

/// When monitoring visits fall due: `interval_days` after the last one; a group never
/// visited, `first_days` after it was formed (a group formed last week is not late yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitSchedule {
    pub interval_days: i64,
    pub first_days: i64,
}

impl Default for VisitSchedule {
    /// Monthly, the first visit a month after forming.
    fn default() -> Self {
        VisitSchedule {
            interval_days: 30,
            first_days: 30,
        }
    }
}

/// How soon a group's next visit is, as the mentoring queue sorts and words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// Past its due date.
    Overdue,
    /// Due within [`DUE_SOON_DAYS`] days.
    DueSoon,
    Later,
}

impl Urgency {
    pub fn code(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::DueSoon => "due_soon",
            Urgency::Later => "later",
        }
    }
}

/// "Due soon" is within this many days: the week ahead a pendamping plans.
pub const DUE_SOON_DAYS: i64 = 7;

impl VisitSchedule {
    /// When the next visit is due.
    pub fn due(&self, last_visit: Option<NaiveDate>, formed_on: NaiveDate) -> NaiveDate {
        match last_visit {
            Some(d) => d + chrono::Duration::days(self.interval_days),
            None => formed_on + chrono::Duration::days(self.first_days),
        }
    }

    /// How urgent a visit due on `due` is on `today`.
    pub fn urgency(due: NaiveDate, today: NaiveDate) -> Urgency {
        let days = (due - today).num_days();
        if days < 0 {
            Urgency::Overdue
        } else if days <= DUE_SOON_DAYS {
            Urgency::DueSoon
        } else {
            Urgency::Later
        }
    }

    /// The rule of `due(..) < today` as bounds a query can count with, where the data is:
    /// a group is overdue when its last visit was before the first date or, never
    /// visited, it was formed before the second.
    pub fn overdue_bounds(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        (
            today - chrono::Duration::days(self.interval_days),
            today - chrono::Duration::days(self.first_days),
        )
    }
}

/// Order of the mentoring queue: higher is more urgent. The status decides first;
/// within a status, the longer overdue and the more problems, the sooner.
pub fn risk_score(status: Status, overdue_days: i64, reasons: usize) -> i64 {
    let base = match status {
        Status::TidakAktif => 3000,
        Status::PerluPendampingan => 2000,
        Status::BelumDinilai => 1000,
        Status::Berjalan => 0,
        Status::Bubar => -10_000,
    };
    base + overdue_days.clamp(0, 365) * 2 + (reasons as i64).min(10) * 30
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn overdue_bounds_say_what_due_says() {
        let today = d("2026-12-02");
        for (interval, first) in [(1, 0), (30, 30), (45, 14)] {
            let s = VisitSchedule {
                interval_days: interval,
                first_days: first,
            };
            let (last_before, formed_before) = s.overdue_bounds(today);
            for offset in -100..100 {
                let day = today + chrono::Duration::days(offset);
                let visited = s.due(Some(day), d("2020-01-01")) < today;
                assert_eq!(
                    visited,
                    day < last_before,
                    "visited {day}, every {interval}"
                );
                let never = s.due(None, day) < today;
                assert_eq!(never, day < formed_before, "formed {day}");
            }
        }
    }

    #[test]
    fn a_new_group_is_not_late_and_the_week_ahead_is_due_soon() {
        let s = VisitSchedule::default();
        let today = d("2026-12-06");
        // Formed 16 days ago, never visited: due in 14 days, not late.
        let due = s.due(None, d("2026-11-20"));
        assert_eq!(due, d("2026-12-20"));
        assert_eq!(VisitSchedule::urgency(due, today), Urgency::Later);
        assert_eq!(
            VisitSchedule::urgency(d("2026-12-13"), today),
            Urgency::DueSoon
        );
        assert_eq!(VisitSchedule::urgency(today, today), Urgency::DueSoon);
        assert_eq!(
            VisitSchedule::urgency(d("2026-12-05"), today),
            Urgency::Overdue
        );
        assert!(Urgency::Overdue < Urgency::DueSoon && Urgency::DueSoon < Urgency::Later);
    }
    #[allow(clippy::too_many_arguments)] // a visit's facts, positionally, for compact tests
    fn v(
        date: &str,
        operating: bool,
        meetings: i64,
        present: i64,
        books: bool,
        revenue: i64,
        expenses: i64,
        savings: i64,
        assets: i64,
    ) -> VisitFacts {
        VisitFacts {
            visited_on: d(date),
            operating,
            meetings_held: meetings,
            members_present: present,
            books_up_to_date: books,
            revenue,
            expenses,
            savings_balance: savings,
            asset_value: assets,
        }
    }
    fn good(date: &str, revenue: i64, savings: i64, assets: i64) -> VisitFacts {
        v(
            date,
            true,
            2,
            9,
            true,
            revenue,
            revenue / 2,
            savings,
            assets,
        )
    }
    const TODAY: &str = "2026-11-29";

    #[test]
    fn of_two_visits_on_one_date_the_later_recorded_decides() {
        let t = Thresholds::default();
        let stopped = v("2026-11-20", false, 0, 0, true, 0, 0, 0, 0);
        let running = good("2026-11-20", 1_000_000, 100_000, 5_000_000);
        let earlier = good("2026-10-20", 1_000_000, 100_000, 5_000_000);
        let h = assess(
            &[earlier.clone(), running.clone(), stopped.clone()],
            10,
            false,
            None,
            d(TODAY),
            &t,
        );
        assert_eq!(h.status, Status::TidakAktif);
        let h = assess(&[stopped, earlier, running], 10, false, None, d(TODAY), &t);
        assert_eq!(h.status, Status::Berjalan);
    }

    #[test]
    fn classification_table() {
        let t = Thresholds::default();
        struct Case {
            name: &'static str,
            visits: Vec<VisitFacts>,
            dissolved: bool,
            status: Status,
            reasons: &'static [&'static str],
        }
        let cases = vec![
            Case {
                name: "never visited",
                visits: vec![],
                dissolved: false,
                status: Status::BelumDinilai,
                reasons: &["health.never_visited"],
            },
            Case {
                name: "last visit too old",
                visits: vec![good("2026-01-10", 1_000_000, 100_000, 5_000_000)],
                dissolved: false,
                status: Status::BelumDinilai,
                reasons: &["health.visit_too_old"],
            },
            Case {
                name: "dissolved",
                visits: vec![good("2026-11-01", 1, 1, 1)],
                dissolved: true,
                status: Status::Bubar,
                reasons: &["health.dissolved"],
            },
            Case {
                name: "not operating twice",
                visits: vec![
                    v("2026-09-01", false, 0, 0, false, 0, 0, 0, 0),
                    v("2026-10-01", false, 0, 0, false, 0, 0, 0, 0),
                ],
                dissolved: false,
                status: Status::TidakAktif,
                reasons: &["health.not_operating", "health.not_operating_visits"],
            },
            Case {
                name: "running, first visit",
                visits: vec![good("2026-11-01", 2_000_000, 300_000, 10_000_000)],
                dissolved: false,
                status: Status::Berjalan,
                reasons: &["health.running_well"],
            },
            Case {
                name: "no savings yet: tumbuh",
                visits: vec![good("2026-11-01", 2_000_000, 0, 10_000_000)],
                dissolved: false,
                status: Status::Berjalan,
                reasons: &["health.running_well"],
            },
            Case {
                name: "no meeting, books not kept, loss",
                visits: vec![v("2026-11-01", true, 0, 9, false, 500_000, 800_000, 0, 0)],
                dissolved: false,
                status: Status::PerluPendampingan,
                reasons: &["health.no_meeting", "health.books_not_kept", "health.loss"],
            },
            Case {
                name: "low attendance",
                visits: vec![v(
                    "2026-11-01",
                    true,
                    1,
                    3,
                    true,
                    900_000,
                    100_000,
                    50_000,
                    1,
                )],
                dissolved: false,
                status: Status::PerluPendampingan,
                reasons: &["health.low_attendance"],
            },
            Case {
                name: "revenue down three visits in a row",
                visits: vec![
                    good("2026-08-01", 3_000_000, 100_000, 1),
                    good("2026-09-01", 2_500_000, 120_000, 1),
                    good("2026-10-01", 2_000_000, 130_000, 1),
                ],
                dissolved: false,
                status: Status::PerluPendampingan,
                reasons: &["health.revenue_declining"],
            },
            Case {
                name: "growing: maju",
                visits: vec![
                    good("2026-07-01", 2_000_000, 100_000, 5_000_000),
                    good("2026-08-01", 2_500_000, 200_000, 5_500_000),
                    good("2026-09-01", 2_400_000, 300_000, 6_000_000),
                    good("2026-10-01", 2_800_000, 450_000, 7_000_000),
                ],
                dissolved: false,
                status: Status::Berjalan,
                reasons: &["health.running_well"],
            },
        ];
        for c in cases {
            // The checklist's level rides along, except for a dissolved group.
            let h = assess(
                &c.visits,
                10,
                c.dissolved,
                Some(Level::Berkembang),
                d(TODAY),
                &t,
            );
            assert_eq!(h.status, c.status, "{}", c.name);
            let level = (!c.dissolved).then_some(Level::Berkembang);
            assert_eq!(h.level, level, "{}", c.name);
            let keys: Vec<&str> = h.reasons.iter().map(|m| m.key).collect();
            assert_eq!(keys, c.reasons, "{}", c.name);
        }
    }

    #[test]
    fn thresholds_are_settings() {
        let visits = vec![v("2026-11-01", true, 1, 4, true, 900_000, 100_000, 1, 1)];
        let strict = Thresholds {
            min_attendance_pct: 50,
            ..Default::default()
        };
        let lenient = Thresholds {
            min_attendance_pct: 30,
            ..Default::default()
        };
        assert_eq!(
            assess(&visits, 10, false, None, d(TODAY), &strict).status,
            Status::PerluPendampingan
        );
        assert_eq!(
            assess(&visits, 10, false, None, d(TODAY), &lenient).status,
            Status::Berjalan
        );
    }

    #[test]
    fn queue_order() {
        assert!(
            risk_score(Status::TidakAktif, 0, 1) > risk_score(Status::PerluPendampingan, 30, 2)
        );
        assert!(
            risk_score(Status::PerluPendampingan, 60, 1)
                > risk_score(Status::PerluPendampingan, 0, 1)
        );
        assert_eq!(
            VisitSchedule::default().due(Some(d("2026-11-01")), d("2012-01-01")),
            d("2026-12-01")
        );
    }
}
