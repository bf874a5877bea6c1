//! What a role that does not handle identity documents (pendamping, auditor) reads of a
//! person: NIK and KK only to the regency prefix, the age instead of the birth date.
//!
//! Why this rule: a NIK *is* its holder's kecamatan of registration, birth date (+40 for
//! women) and a serial. Showing the serial beside the birth date, sex and kecamatan gave
//! the whole number back. With the serial hidden and only the age shown, every person a
//! masked role reads stays one of at least 365 × 9,999 possible NIKs (a test counts them).
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// NIK and KK for masked roles: the province and regency (`3279••••••••••••`).
pub fn mask(number: &str) -> String {
    if number.len() != 16 || !number.is_ascii() {
        return "•".repeat(number.chars().count());
    }
    format!("{}{}", &number[..4], "•".repeat(12))
}

/// Keys of logged or exported values that hold a NIK or KK number.
const NUMBER_KEYS: [&str; 4] = ["nik", "kk_number", "kk", "nik_kk"];

/// Digits in a row from which a number is masked wherever it stands: a NIK's first eight
/// digits already hold its kecamatan and its holder's birth day.
const MASKED_RUN: usize = 8;

/// A text with every run of [`MASKED_RUN`] or more digits masked after its first four
/// (a NIK or KK typed into a search, a note or any other free text).
pub fn mask_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= MASKED_RUN {
            out.push_str(&run[..4]);
            out.push_str(&"•".repeat(run.len() - 4));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            run.push(ch);
        } else {
            flush(&mut run, &mut out);
            out.push(ch);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Masks personal numbers anywhere in a JSON value (audit entries nest whole records):
/// NIK and KK to their prefix under whatever key, and any long run of digits in any text
/// (a search's filter, a note); birth dates removed (the age stays where it is given).
pub fn mask_json(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            for (key, val) in obj.iter_mut() {
                match (key.as_str(), &*val) {
                    (k, Value::String(n)) if NUMBER_KEYS.contains(&k) => *val = mask(n).into(),
                    ("birth_date", Value::String(_)) => *val = Value::Null,
                    _ => mask_json(val),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        Value::String(t) => *t = mask_numbers(t),
        // A number typed as a JSON number (an id is short; a NIK is not).
        Value::Number(n) if n.to_string().len() >= MASKED_RUN => {
            *v = Value::String(mask_numbers(&n.to_string()))
        }
        _ => {}
    }
}

/// How many valid NIKs agree with what a masked role reads of a person: the masked
/// number, sex, age today and kecamatan of residence (taken, to the attacker's advantage,
/// as the kecamatan of registration). Counted in full: whether a NIK is valid depends
/// on its first twelve digits only, so each birth date is checked once and its serials
/// are counted against the visible digits.
pub fn consistent_niks(
    masked: &str,
    district: &str,
    sex: crate::nik::Sex,
    age: i32,
    today: NaiveDate,
    areas: &crate::Areas,
) -> usize {
    let district: String = district.chars().filter(char::is_ascii_digit).collect();
    let visible: Vec<Option<char>> = masked
        .chars()
        .map(|c| c.is_ascii_digit().then_some(c))
        .collect();
    let mut n = 0;
    // Birth dates that give this age today: a year's window.
    let first = NaiveDate::from_ymd_opt(today.year() - age - 1, today.month(), 1).unwrap_or(today);
    for d in first.iter_days().take(400) {
        if crate::person::age_on(d, today) != age {
            continue;
        }
        let day = d.day()
            + if sex == crate::nik::Sex::Female {
                40
            } else {
                0
            };
        let stem = format!("{district}{day:02}{:02}{:02}", d.month(), d.year() % 100);
        let agrees = |s: &str, at: usize| {
            s.chars()
                .zip(&visible[at..])
                .all(|(c, v)| v.is_none_or(|v| v == c))
        };
        if visible.len() != 16
            || !agrees(&stem, 0)
            || crate::nik::Nik::parse(&format!("{stem}0001"), areas, today).is_err()
        {
            continue;
        }
        n += if visible[12..].iter().all(Option::is_none) {
            9999
        } else {
            (1..=9999u32)
                .filter(|serial| agrees(&format!("{serial:04}"), 12))
                .count()
        };
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nik::Sex;

    #[test]
    fn numbers_keep_only_the_regency() {
        assert_eq!(mask("3279041705800012"), "3279••••••••••••");
        assert_eq!(mask("123"), "•••");
    }

    #[test]
    fn long_numbers_are_masked_in_any_text() {
        assert_eq!(mask_numbers("q=3279045708920003"), "q=3279••••••••••••");
        assert_eq!(
            mask_numbers("cari 32790457 dan 1234567"),
            "cari 3279•••• dan 1234567"
        );
        assert_eq!(mask_numbers("KUBE-3279-2012-0001"), "KUBE-3279-2012-0001");
        let mut v = serde_json::json!({"filters": {"q": "3279045708920003"}, "note": "KK 3279040101100001",
            "rows": 12, "n": 3279045708920003u64});
        mask_json(&mut v);
        assert!(
            !v.to_string().contains("5708920003") && !v.to_string().contains("0101100001"),
            "{v}"
        );
        assert_eq!(v["rows"], 12);
    }

    #[test]
    fn nested_records_are_masked() {
        let mut v = serde_json::json!({
            "kept": {"nik": "3279041705800012", "kk_number": "3279040101100001", "birth_date": "1980-05-17", "name": "A"},
            "retired": [{"nik": "3279041705800013"}],
            "counts": {"memberships": 1}
        });
        mask_json(&mut v);
        assert_eq!(v["kept"]["nik"], "3279••••••••••••");
        assert_eq!(v["kept"]["kk_number"], "3279••••••••••••");
        assert_eq!(v["kept"]["birth_date"], Value::Null);
        assert_eq!(v["kept"]["name"], "A");
        assert_eq!(v["retired"][0]["nik"], "3279••••••••••••");
        assert_eq!(v["counts"]["memberships"], 1);
        assert!(!v.to_string().contains("0012"));
    }

    /// For generated persons, what a masked role reads leaves at least 365 × 9,999 NIKs:
    /// every birth date of a year's window, every serial.
    #[test]
    fn a_masked_nik_cannot_be_rebuilt() {
        let areas = crate::Areas::embedded();
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let districts = ["32.79.01", "32.79.04", "32.07.01", "31.71.01"];
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for i in 0..40 {
            let district = districts[next(4) as usize];
            let sex = if i % 2 == 0 { Sex::Male } else { Sex::Female };
            // Birthdays on the day the age changes too (1 January), a common registration.
            let birth = if i % 5 == 0 {
                NaiveDate::from_ymd_opt(1990 + next(20) as i32, 1, 1).unwrap()
            } else {
                NaiveDate::from_ymd_opt(
                    1950 + next(60) as i32,
                    1 + next(12) as u32,
                    1 + next(28) as u32,
                )
                .unwrap()
            };
            let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
            let nik = format!(
                "{}{day:02}{:02}{:02}{:04}",
                district.replace('.', ""),
                birth.month(),
                birth.year() % 100,
                1 + next(9999)
            );
            assert!(crate::nik::Nik::parse(&nik, &areas, today).is_ok(), "{nik}");
            let age = crate::person::age_on(birth, today);
            let n = consistent_niks(&mask(&nik), district, sex, age, today, &areas);
            assert!(
                n >= 365 * 9_999,
                "{nik}: only {n} NIKs fit what a masked role sees"
            );
            // The count is of what is visible: the full NIK leaves one.
            assert_eq!(
                consistent_niks(&nik, district, sex, age, today, &areas),
                1,
                "{nik}"
            );
        }
    }
}
