//! The time sikube runs by. Every "now" and every "today" in the system is read from one
//! clock, held by the store, so a test or a demonstration can run the whole system at a
//! set instant (the last hour of a year in Jakarta, 1 January, a month without payments)
//! instead of whatever day the machine happens to be on.
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// The machine's clock, or the machine's clock moved to read a set instant when it was
/// made and running on from there (time still passes: sessions age, entries stay in order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    offset: TimeDelta,
}

impl Clock {
    /// The machine's clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `t` now and runs on from there.
    pub fn starting_at(t: DateTime<Utc>) -> Clock {
        Clock {
            offset: t - Utc::now(),
        }
    }

    /// A clock from an RFC 3339 instant (`2027-01-01T00:30:00+07:00`); an empty text
    /// or `system` is the machine's clock.
    pub fn parse(s: &str) -> Result<Clock, String> {
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("system") {
            return Ok(Clock::system());
        }
        DateTime::parse_from_rfc3339(s)
            .map(|t| Clock::starting_at(t.to_utc()))
            .map_err(|e| format!("not an RFC 3339 instant ({e}): {s}"))
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    /// Now as stored: fixed-width RFC 3339 in UTC, so it sorts as text.
    pub fn stamp(&self) -> String {
        crate::store::ts(self.now())
    }

    /// The instant `d` from now, as stored.
    pub fn stamp_in(&self, d: TimeDelta) -> String {
        crate::store::ts(self.now() + d)
    }

    /// Today where the office is (Asia/Jakarta).
    pub fn today(&self) -> NaiveDate {
        crate::store::day_in_jakarta(self.now())
    }

    /// Whether this clock is the machine's own.
    pub fn is_system(&self) -> bool {
        self.offset.is_zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_reads_its_instant_and_its_day_in_jakarta() {
        // 23:30 WIB on 31 December is 16:30 UTC the same day.
        let c = Clock::parse("2026-12-31T23:30:00+07:00").unwrap();
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert!(c.stamp().starts_with("2026-12-31T16:3"), "{}", c.stamp());
        // 00:30 WIB on 1 January is still 31 December in UTC; the office's day is the 1st.
        let c = Clock::parse("2027-01-01T00:30:00+07:00").unwrap();
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert!(c.stamp().starts_with("2026-12-31T17:3"), "{}", c.stamp());
        assert!(c
            .stamp_in(TimeDelta::days(1))
            .starts_with("2027-01-01T17:3"));
    }

    #[test]
    fn the_system_clock_and_bad_instants() {
        assert!(Clock::parse("").unwrap().is_system());
        assert!(Clock::parse("system").unwrap().is_system());
        assert!(Clock::parse("2027-01-01").is_err());
        assert!(Clock::parse("tomorrow").is_err());
        let c = Clock::system();
        assert!((c.now() - Utc::now()).num_seconds().abs() < 5);
    }

    #[test]
    fn a_set_clock_runs_on() {
        let c = Clock::parse("2027-01-01T00:30:00+07:00").unwrap();
        let a = c.now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(c.now() > a);
    }
}
