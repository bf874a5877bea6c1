//! NIK (Nomor Induk Kependudukan) and KK (family card) numbers.
//!
//! NIK: 16 digits `PPKKCC DDMMYY NNNN` — the kecamatan of first registration, the birth
//! date (day + 40 for women), a serial from 0001. A person keeps the NIK when moving, so
//! the local regency prefix is never required.
use crate::{Areas, Msg};
use chrono::{Datelike, NaiveDate};

code_enum!(
    /// Sex as the NIK encodes it and the registry writes it: `L` (laki-laki) or `P`
    /// (perempuan); spreadsheets also write lower case, or `M`/`F`.
    Sex, |_| Msg::new("person.sex_invalid"), "person.sex_", {
        Male => "L", Female => "P",
    }, read = |s: &str| match s.to_ascii_uppercase().as_str() {
        "M" => "L".to_string(),
        "F" => "P".to_string(),
        other => other.to_string(),
    }
);

/// A NIK that passed every rule; it also carries what it encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nik {
    digits: String,
    sex: Sex,
    birth_date: NaiveDate,
}

/// Why a NIK is invalid: a catalogue key (`nik.*`).
pub type NikError = Msg;

fn two(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

impl Nik {
    /// Validates and decodes. `today` decides the century: the most recent year that
    /// is not in the future.
    pub fn parse(s: &str, areas: &Areas, today: NaiveDate) -> Result<Nik, NikError> {
        let d = digits_typed(s);
        if d.len() != 16 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Msg::new("nik.format"));
        }
        let (prov, reg, dist) = (&d[0..2], &d[2..4], &d[4..6]);
        if areas.get(prov).is_none() {
            return Err(Msg::new("nik.province_unknown").arg(prov));
        }
        if areas.get(&format!("{prov}.{reg}")).is_none() {
            return Err(Msg::new("nik.regency_unknown").arg(format!("{prov}.{reg}")));
        }
        if areas.get(&format!("{prov}.{reg}.{dist}")).is_none() {
            return Err(Msg::new("nik.district_unknown").arg(format!("{prov}.{reg}.{dist}")));
        }
        let day_raw = two(&d[6..8]);
        let month = two(&d[8..10]);
        let yy = two(&d[10..12]) as i32;
        let (sex, day) = match day_raw {
            1..=31 => (Sex::Male, day_raw),
            41..=71 => (Sex::Female, day_raw - 40),
            _ => return Err(Msg::new("nik.day")),
        };
        if !(1..=12).contains(&month) {
            return Err(Msg::new("nik.month"));
        }
        if &d[12..16] == "0000" {
            return Err(Msg::new("nik.serial"));
        }
        let century_now = today.year() / 100 * 100;
        let mut year = century_now + yy;
        if year > today.year() {
            year -= 100;
        }
        let mut birth_date = NaiveDate::from_ymd_opt(year, month, day);
        // 29 February of a year in the future century falls back a century too.
        if birth_date.is_some_and(|b| b > today) {
            birth_date = NaiveDate::from_ymd_opt(year - 100, month, day);
        }
        let birth_date = birth_date.ok_or_else(|| Msg::new("nik.date"))?;
        Ok(Nik {
            digits: d,
            sex,
            birth_date,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }
    pub fn sex(&self) -> Sex {
        self.sex
    }
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }
    pub fn province_code(&self) -> String {
        self.digits[0..2].to_string()
    }
    pub fn regency_code(&self) -> String {
        format!("{}.{}", &self.digits[0..2], &self.digits[2..4])
    }
    pub fn district_code(&self) -> String {
        format!(
            "{}.{}.{}",
            &self.digits[0..2],
            &self.digits[2..4],
            &self.digits[4..6]
        )
    }
}

/// A family card number: 16 digits, a known province prefix, serial not 0000.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KkNumber(String);

impl KkNumber {
    pub fn parse(s: &str, areas: &Areas) -> Result<KkNumber, Msg> {
        let d = digits_typed(s);
        if d.len() != 16 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Msg::new("kk.format"));
        }
        if areas.get(&d[0..2]).is_none() {
            return Err(Msg::new("kk.area_unknown"));
        }
        if &d[12..16] == "0000" {
            return Err(Msg::new("kk.serial"));
        }
        Ok(KkNumber(d))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The digits of a number as people type it: groups separated by spaces, dots or dashes
/// (`3279 0417 0890 0001`, `3279.0417.0890.0001`) read as the 16 digits.
fn digits_typed(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn areas() -> &'static Areas {
        static A: OnceLock<Areas> = OnceLock::new();
        A.get_or_init(Areas::embedded)
    }
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }
    fn parse(s: &str) -> Result<Nik, &'static str> {
        Nik::parse(s, areas(), today()).map_err(|m| m.key)
    }

    #[test]
    fn valid_man() {
        let n = parse("3279041705800012").unwrap();
        assert_eq!(n.sex(), Sex::Male);
        assert_eq!(
            n.birth_date(),
            NaiveDate::from_ymd_opt(1980, 5, 17).unwrap()
        );
        assert_eq!(n.district_code(), "32.79.04");
        assert_eq!(n.regency_code(), "32.79");
        assert_eq!(n.province_code(), "32");
    }

    #[test]
    fn typed_in_groups() {
        for t in [
            "3279 0417 0580 0012",
            "3279.0417.0580.0012",
            "327904-170580-0012",
            " 3279041705800012 ",
        ] {
            assert_eq!(parse(t).unwrap().as_str(), "3279041705800012", "{t}");
        }
        assert_eq!(parse("3279/0417/0580/0012").unwrap_err(), "nik.format");
    }

    #[test]
    fn valid_woman_day_plus_40() {
        let n = parse("3279045708920003").unwrap();
        assert_eq!(n.sex(), Sex::Female);
        assert_eq!(
            n.birth_date(),
            NaiveDate::from_ymd_opt(1992, 8, 17).unwrap()
        );
    }

    #[test]
    fn other_regency_prefix_is_fine() {
        // Born in Ciamis before Banjar split off: still a valid NIK for a Banjar resident.
        assert!(parse("3207011212650001").is_ok());
    }

    #[test]
    fn century_is_the_most_recent_past() {
        assert_eq!(parse("3279040101150001").unwrap().birth_date().year(), 2015);
        assert_eq!(parse("3279040101300001").unwrap().birth_date().year(), 1930);
        // 2026-12-01 would be in the future: 1926.
        assert_eq!(parse("3279040112260001").unwrap().birth_date().year(), 1926);
    }

    #[test]
    fn rules() {
        assert_eq!(parse("3279041713800012").unwrap_err(), "nik.month");
        assert_eq!(parse("3279043205800012").unwrap_err(), "nik.day");
        assert_eq!(parse("3279047205800012").unwrap_err(), "nik.day");
        assert_eq!(parse("3279040005800012").unwrap_err(), "nik.day");
        assert_eq!(parse("3279043102800012").unwrap_err(), "nik.date");
        assert_eq!(parse("3279041705800000").unwrap_err(), "nik.serial");
        assert_eq!(
            parse("9979041705800012").unwrap_err(),
            "nik.province_unknown"
        );
        assert_eq!(
            parse("3299041705800012").unwrap_err(),
            "nik.regency_unknown"
        );
        assert_eq!(
            parse("3279991705800012").unwrap_err(),
            "nik.district_unknown"
        );
        assert_eq!(parse("327904170580001").unwrap_err(), "nik.format");
        assert_eq!(parse("32790417058000a2").unwrap_err(), "nik.format");
        assert!(parse("3279042902000001").is_ok(), "29 Feb 2000");
        assert_eq!(parse("3279042902010001").unwrap_err(), "nik.date");
    }

    #[test]
    fn kk() {
        assert!(KkNumber::parse("3279040101100001", areas()).is_ok());
        assert_eq!(
            KkNumber::parse("327904010110000", areas()).unwrap_err().key,
            "kk.format"
        );
        assert_eq!(
            KkNumber::parse("3279040101100000", areas())
                .unwrap_err()
                .key,
            "kk.serial"
        );
        assert_eq!(
            KkNumber::parse("9979040101100001", areas())
                .unwrap_err()
                .key,
            "kk.area_unknown"
        );
    }
}
