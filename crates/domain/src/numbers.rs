//! One way to write numbers per language, in pages, charts, PDFs and messages:
//! Indonesian groups thousands with `.` and writes decimals with `,` (1.510; 39,3%),
//! English the other way round (1,510; 39.3%). Files for machines keep plain numbers.
use crate::Lang;

/// The separators of a language: (thousands, decimal).
fn marks(lang: Lang) -> (char, char) {
    match lang {
        Lang::Id => ('.', ','),
        Lang::En => (',', '.'),
    }
}

/// A whole number with its thousands grouped: `1.510`, `-2.500.000`.
pub fn count(n: i64, lang: Lang) -> String {
    group(&n.unsigned_abs().to_string(), n < 0, marks(lang).0)
}

/// A number with `places` decimals: `39,3`.
pub fn decimal(x: f64, places: usize, lang: Lang) -> String {
    let (thousands, point) = marks(lang);
    let s = format!("{:.*}", places, x.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    // A value that rounds to zero is written without a sign.
    let negative = x < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let mut out = group(whole, negative, thousands);
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A percentage with one decimal: `39,3%`.
pub fn percent(pct: f64, lang: Lang) -> String {
    format!("{}%", decimal(pct, 1, lang))
}

/// `part` as a percentage of `whole` (0 when there is no whole).
pub fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn group(digits: &str, negative: bool, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if negative {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn one_form_per_language() {
        assert_eq!(count(1510, Lang::Id), "1.510");
        assert_eq!(count(1510, Lang::En), "1,510");
        assert_eq!(count(-2_500_000, Lang::Id), "-2.500.000");
        assert_eq!(count(999, Lang::Id), "999");
        assert_eq!(percent(39.27, Lang::Id), "39,3%");
        assert_eq!(percent(17.94, Lang::En), "17.9%");
        assert_eq!(decimal(12345.678, 2, Lang::Id), "12.345,68");
        assert_eq!(decimal(-0.01, 1, Lang::Id), "0,0");
        assert_eq!(percent(share(3, 0), Lang::Id), "0,0%");
        assert_eq!(percent(share(1, 3), Lang::Id), "33,3%");
    }
}
