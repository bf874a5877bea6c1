//! Dates as an office writes them, read the same from a form, the API and a
//! spreadsheet: day first or ISO, months by number or by name, never month first.
use crate::Msg;
use chrono::NaiveDate;

const MONTHS: [(&str, u32); 24] = [
    ("januari", 1),
    ("februari", 2),
    ("pebruari", 2),
    ("maret", 3),
    ("april", 4),
    ("mei", 5),
    ("juni", 6),
    ("juli", 7),
    ("agustus", 8),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("nopember", 11),
    ("desember", 12),
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("october", 10),
    ("december", 12),
    ("peb", 2),
];

/// The month of a name or its abbreviation (Agt, Agu, Ags, Okt, Des, Sept, …).
fn month(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_lowercase();
    if n.len() < 3 {
        return None;
    }
    let abbrev = [
        ("agt", 8),
        ("ags", 8),
        ("okt", 10),
        ("des", 12),
        ("nop", 11),
        ("sept", 9),
    ];
    abbrev
        .iter()
        .find(|(a, _)| *a == n)
        .map(|(_, m)| *m)
        .or_else(|| {
            MONTHS
                .iter()
                .find(|(full, _)| full.starts_with(&n))
                .map(|(_, m)| *m)
        })
}

/// A date as Indonesians write it: day first (17/08/1992, 17-08-1992, 17.08.1992,
/// "17 Agustus 1992", "17 Agt 1992"), or ISO (1992-08-17); never month first. A
/// two-digit year is refused: 17/08/92 could be 1992 or 2092 to a program.
pub fn read(t: &str) -> Result<NaiveDate, Msg> {
    let bad = || Msg::new("import.date_unreadable");
    let t = t.trim();
    if let Some(d) = iso(t) {
        return Ok(d);
    }
    let parts: Vec<&str> = t
        .split(|c: char| c == '/' || c == '-' || c == '.' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [d, m, y] = parts[..] else {
        return Err(bad());
    };
    let day: u32 = d.parse().map_err(|_| bad())?;
    let mon = m.parse::<u32>().ok().or_else(|| month(m)).ok_or_else(bad)?;
    if y.len() != 4 || !y.chars().all(|c| c.is_ascii_digit()) {
        return Err(if y.len() == 2 {
            Msg::new("import.year_two_digits").arg(y)
        } else {
            bad()
        });
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, mon, day).ok_or_else(bad)
}

/// `2026-11-20` exactly (ten characters) as a date. By hand: pages read and write dozens
/// of dates, and chrono parses its format strings again at every use.
fn iso_exact(iso: &str) -> Option<NaiveDate> {
    let b = iso.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// An ISO date as stored (`2026-11-20`); what chrono's `%Y-%m-%d` reads otherwise.
pub fn iso(s: &str) -> Option<NaiveDate> {
    iso_exact(s).or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// An ISO date (`2026-11-20`) as people write it: `20-11-2026`; anything else as it is.
pub fn day_first(iso: &str) -> String {
    match iso_exact(iso) {
        Some(_) => format!("{}-{}-{}", &iso[8..10], &iso[5..7], &iso[0..4]),
        None => iso.to_string(),
    }
}

/// The months' names in Indonesian letters.
pub const MONTH_NAMES: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// A date as a letter is dated: `6 Desember 2026`.
pub fn in_letters(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {}",
        d.day(),
        MONTH_NAMES[d.month0() as usize],
        d.year()
    )
}

/// A calendar month (`2026-12`): what a monthly report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    /// `YYYY-MM`, a month of the years 2000–2100.
    pub fn parse(s: &str) -> Result<Month, Msg> {
        let bad = || Msg::new("month.invalid");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(2000..=2100).contains(&y) {
            return Err(bad());
        }
        NaiveDate::from_ymd_opt(y, m, 1)
            .map(|first| Month { first })
            .ok_or_else(bad)
    }
    /// The month a day is in.
    pub fn of(d: NaiveDate) -> Month {
        use chrono::Datelike;
        Month {
            first: d.with_day(1).unwrap_or(d),
        }
    }
    pub fn first(self) -> NaiveDate {
        self.first
    }
    pub fn last(self) -> NaiveDate {
        self.next().first - chrono::Duration::days(1)
    }
    pub fn next(self) -> Month {
        Month {
            first: self
                .first
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(self.first),
        }
    }
    pub fn contains(self, d: NaiveDate) -> bool {
        d >= self.first && d <= self.last()
    }
    /// `Desember 2026` (Indonesian) or `December 2026`.
    pub fn name(self, lang: crate::Lang) -> String {
        use chrono::Datelike;
        match lang {
            crate::Lang::Id => format!(
                "{} {}",
                MONTH_NAMES[self.first.month0() as usize],
                self.first.year()
            ),
            crate::Lang::En => self.first.format("%B %Y").to_string(),
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.first.format("%Y-%m"))
    }
}

#[cfg(test)]
mod month_tests {
    use super::*;

    #[test]
    fn months_read_and_bound() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.first(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(m.last(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(
            Month::parse("2024-02").unwrap().last().to_string(),
            "2024-02-29"
        );
        assert_eq!(m.name(crate::Lang::Id), "Desember 2026");
        assert_eq!(m.name(crate::Lang::En), "December 2026");
        for bad in ["2026-13", "2026-1", "26-12", "1999-12", "2026/12", ""] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::day_first;

    #[test]
    fn an_iso_date_is_written_day_first_and_anything_else_as_it_is() {
        assert_eq!(day_first("2026-11-20"), "20-11-2026");
        assert_eq!(day_first("2024-02-29"), "29-02-2024");
        for other in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-05",
            "20-11-2026",
            "2026-11-20T03:00",
            "",
            "２０２６-11-20",
            "abcd-ef-gh",
        ] {
            assert_eq!(day_first(other), other);
        }
        // The same dates as chrono's own reading, and more than the exact form.
        for s in [
            "2026-11-20",
            "2024-02-29",
            "2026-02-30",
            "0001-01-01",
            "9999-12-31",
            "2026-1-5",
            " 2026-01-05",
            "x",
        ] {
            assert_eq!(
                super::iso(s),
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
                "{s}"
            );
        }
    }
}
