//! Comparing two records field by field: each comparison falls into an agreement level
//! (the NIK read for what it encodes, names word by word, birth dates with their usual
//! typos), which the model ([`super::model`]) weighs.
use super::{jaro_winkler, name_parts, Record};

/// The comparisons of a pair, in the order of a [`Pattern`].
pub const NIK: usize = 0;
pub const KK: usize = 1;
pub const NAME: usize = 2;
pub const BIRTH: usize = 3;
pub const PLACE: usize = 4;
pub const SEX: usize = 5;
pub const PATRONYMIC: usize = 6;

/// The agreement level of each comparison (NIK, KK, name, birth date, place, sex,
/// patronymic). The NIK's: 0 the same, 1 a typo in the serial's last digit, 2 a typo in
/// the area or birth digits (one NIK does not fit its record), 3 the area or birth one
/// digit apart and both fit (two people), 4 the same area and birth, another serial, 5
/// different, 6 a typo in the serial's leading digits, 7 missing.
pub type Pattern = [u8; 7];

/// The name levels, strongest agreement first.
pub mod name {
    pub const EXACT: u8 = 0;
    /// Every word of one name in the other (a word dropped or added).
    pub const WITHIN: u8 = 1;
    /// The same letters spaced otherwise (`NURHASANAH` / `NUR HASANAH`), a word of one
    /// being several run together in the other.
    pub const SPACING: u8 = 2;
    /// Every word of one close to a word of the other (a typo).
    pub const CLOSE: u8 = 3;
    /// Words cut to their initial (`M. RIZKI`, `ASEP S.`), the others alike.
    pub const INITIALS: u8 = 4;
    pub const SOME_WORD: u8 = 5;
    pub const DIFFERENT: u8 = 6;
    pub const MISSING: u8 = 7;
}

/// A record made ready for many comparisons.
#[derive(Debug, Clone)]
pub struct Prepared {
    nik: Option<[u8; 16]>,
    /// The NIK's area and birth digits agree with the record's kecamatan, birth date and sex.
    nik_fits: bool,
    kk: Option<Box<str>>,
    name: Box<str>,
    words: Vec<Box<str>>,
    /// The name's words run together.
    joined: Box<str>,
    /// A word of one letter: an initial.
    initial: bool,
    patronymic: Box<str>,
    birth: Option<(i32, u32, u32)>,
    village: Box<str>,
    district: Box<str>,
    female: Option<bool>,
}

fn digits16(s: &str) -> Option<[u8; 16]> {
    let b = s.trim().as_bytes();
    (b.len() == 16 && b.iter().all(u8::is_ascii_digit)).then(|| {
        let mut out = [0u8; 16];
        out.copy_from_slice(b);
        out
    })
}

fn parse_birth(s: &str) -> Option<(i32, u32, u32)> {
    let mut it = s.trim().splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) || (1..=12).contains(&d)).then_some((y, m, d))
}

impl Prepared {
    pub fn new(r: &Record) -> Prepared {
        let parts = name_parts(&r.name);
        let name = parts.proper;
        let words = name.split_whitespace().map(Into::into).collect();
        let joined = name.replace(' ', "").into();
        let initial = name.split_whitespace().any(|w| w.len() == 1);
        let district: String = r.village_code.get(..8).unwrap_or("").to_string();
        let female = match r.sex.trim().to_ascii_uppercase().as_str() {
            "P" | "F" | "PEREMPUAN" | "WANITA" => Some(true),
            "L" | "M" | "LAKI-LAKI" | "PRIA" => Some(false),
            _ => None,
        };
        let birth = parse_birth(&r.birth_date);
        let nik = digits16(&r.nik);
        let nik_fits = match (&nik, birth, female) {
            (Some(n), Some((y, m, d)), Some(f)) => {
                let area: String = district.chars().filter(char::is_ascii_digit).collect();
                let day = if f { d + 40 } else { d };
                let encoded = format!("{area}{day:02}{m:02}{:02}", y.rem_euclid(100));
                encoded.as_bytes() == &n[..12]
            }
            _ => false,
        };
        Prepared {
            nik,
            nik_fits,
            kk: Some(r.kk_number.trim())
                .filter(|k| !k.is_empty())
                .map(Into::into),
            name: name.into(),
            words,
            joined,
            initial,
            patronymic: parts.patronymic.into(),
            birth,
            village: r.village_code.trim().into(),
            district: district.into(),
            female,
        }
    }
    /// The normalised name (the key of name frequencies).
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Positions where two NIKs differ: none, one, an adjacent swap, or more.
enum NikDiff {
    Same,
    One(usize),
    Swap(usize),
    More,
}

fn nik_diff(a: &[u8; 16], b: &[u8; 16]) -> NikDiff {
    let mut first = None;
    let mut n = 0;
    let mut second = 0;
    for i in 0..16 {
        if a[i] != b[i] {
            n += 1;
            match first {
                None => first = Some(i),
                Some(_) => second = i,
            }
        }
    }
    match (n, first) {
        (0, _) => NikDiff::Same,
        (1, Some(i)) => NikDiff::One(i),
        (2, Some(i)) if second == i + 1 && a[i] == b[i + 1] && a[i + 1] == b[i] => NikDiff::Swap(i),
        _ => NikDiff::More,
    }
}

/// Whether two words are the same name as typed: equal, or one letter apart for short
/// words (a three-letter name mistyped), or Jaro–Winkler 0.9 or more for longer ones.
fn close(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.min(lb) <= 4 {
        one_edit(a, b)
    } else {
        jaro_winkler(a, b) >= 0.9
    }
}

/// At most one insertion, deletion or substitution apart.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (s, l) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if l.len() - s.len() > 1 {
        return false;
    }
    let p = s.iter().zip(l.iter()).take_while(|(x, y)| x == y).count();
    if s.len() == l.len() {
        s[p + 1..] == l[p + 1..]
    } else {
        s[p..] == l[p + 1..]
    }
}

/// Whether `whole` is some consecutive words of `words` run together (at least two).
fn run_together(whole: &str, words: &[Box<str>]) -> bool {
    // Without building strings: this runs on most candidate pairs.
    (0..words.len()).any(|i| {
        let mut rest = whole;
        for (k, w) in words[i..].iter().enumerate() {
            match rest.strip_prefix(&**w) {
                Some("") => return k >= 1,
                Some(r) => rest = r,
                None => return false,
            }
        }
        false
    })
}

/// Whether every word of `short` has its own partner in `long`: a close word, or one
/// whose initial it is (or which is its initial); at least one partner a whole word
/// and at least one an initial.
fn initials_agree(short: &[Box<str>], long: &[Box<str>]) -> bool {
    let mut used = vec![false; long.len()];
    let (mut whole, mut initial) = (false, false);
    for w in short {
        let found = long.iter().enumerate().position(|(k, v)| {
            !used[k] && (v.len() == 1 || w.len() == 1) && v.chars().next() == w.chars().next()
                || !used[k] && v.len() > 1 && w.len() > 1 && close(w, v)
        });
        let Some(k) = found else { return false };
        used[k] = true;
        if w.len() == 1 || long[k].len() == 1 {
            initial = true;
        } else {
            whole = true;
        }
    }
    whole && initial
}

/// A name with initials read in another written run together, in order: `D. SOPIAH` in
/// `DEAISOPIAH`, `DEWI SARTIKA K.` in `DEWISARTIKAKOMALASARI` — the first word at its start,
/// each initial the next letter, each whole word further on.
fn initials_in_joined(words: &[Box<str>], joined: &str) -> bool {
    let (mut at, mut whole) = (0usize, false);
    for (k, w) in words.iter().enumerate() {
        let rest = &joined[at..];
        let found = if w.len() == 1 || k == 0 {
            rest.starts_with(&**w).then_some(0)
        } else {
            rest.find(&**w)
        };
        let Some(i) = found else { return false };
        whole |= w.len() > 1;
        at += i + w.len();
    }
    whole
}

fn name_level(a: &Prepared, b: &Prepared) -> u8 {
    if a.words.is_empty() || b.words.is_empty() {
        return name::MISSING;
    }
    if a.name == b.name {
        return name::EXACT;
    }
    let (s, l) = if a.words.len() <= b.words.len() {
        (&a.words, &b.words)
    } else {
        (&b.words, &a.words)
    };
    if s.iter().all(|w| l.contains(w)) {
        return name::WITHIN;
    }
    // Every word of the one with fewer words is a word of the other or several of its
    // words run together.
    if a.joined == b.joined || s.iter().all(|w| l.contains(w) || run_together(w, l)) {
        return name::SPACING;
    }
    // Names run together and mistyped: only when the lengths allow it (most candidate
    // pairs have unlike names, and this runs on every one).
    let (ja, jb) = (a.joined.len(), b.joined.len());
    if s.iter().all(|w| l.iter().any(|v| close(w, v)))
        || (ja.abs_diff(jb) <= 2 && a.words.len() != b.words.len() && close(&a.joined, &b.joined))
    {
        return name::CLOSE;
    }
    if (a.initial || b.initial)
        && (initials_agree(s, l)
            || initials_agree(l, s)
            || (a.initial && initials_in_joined(&a.words, &b.joined))
            || (b.initial && initials_in_joined(&b.words, &a.joined)))
    {
        return name::INITIALS;
    }
    if s.iter().any(|w| l.iter().any(|v| close(w, v))) {
        return name::SOME_WORD;
    }
    name::DIFFERENT
}

/// The patronymics: the same (or alike), different, or not written on one of the two.
fn patronymic_level(a: &Prepared, b: &Prepared) -> u8 {
    if a.patronymic.is_empty() || b.patronymic.is_empty() {
        2
    } else if close(&a.patronymic, &b.patronymic) {
        0
    } else {
        1
    }
}

fn birth_level(a: Option<(i32, u32, u32)>, b: Option<(i32, u32, u32)>) -> u8 {
    let (Some((ya, ma, da)), Some((yb, mb, db))) = (a, b) else {
        return 4;
    };
    if (ya, ma, da) == (yb, mb, db) {
        return 0;
    }
    if ya == yb && ma == db && da == mb {
        return 1;
    }
    let near = |x: i64, y: i64| (x - y).abs() == 1 || one_digit(x, y);
    let diffs = [ya != yb, ma != mb, da != db];
    if diffs.iter().filter(|d| **d).count() == 1
        && ((ya != yb && near(ya.into(), yb.into()))
            || (ma != mb && near(ma.into(), mb.into()))
            || (da != db && near(da.into(), db.into())))
    {
        return 2;
    }
    3
}

/// Two numbers written with the same number of digits that differ in one digit.
fn one_digit(x: i64, y: i64) -> bool {
    let (a, b) = (format!("{x:02}"), format!("{y:02}"));
    a.len() == b.len() && a.bytes().zip(b.bytes()).filter(|(p, q)| p != q).count() == 1
}

/// Serials (the last four digits) that are the next numbers of each other.
fn consecutive(x: &[u8; 16], y: &[u8; 16]) -> bool {
    let serial = |n: &[u8; 16]| {
        n[12..]
            .iter()
            .fold(0i32, |acc, d| acc * 10 + (d - b'0') as i32)
    };
    (serial(x) - serial(y)).abs() == 1
}

/// The agreement levels of a pair.
pub fn compare(a: &Prepared, b: &Prepared) -> Pattern {
    let name = name_level(a, b);
    let birth = birth_level(a.birth, b.birth);
    let nik = match (&a.nik, &b.nik) {
        (Some(x), Some(y)) => match nik_diff(x, y) {
            NikDiff::Same => 0,
            // Two people born the same day in one kecamatan get the next serial numbers
            // (0001, 0002): only another one-digit difference in the serial is a typo —
            // and one in its leading digits (0001 → 2001) makes a serial few neighbours
            // have, so it is weighed apart.
            NikDiff::One(i) | NikDiff::Swap(i) if i >= 12 && !consecutive(x, y) => {
                if x[12..15] == y[12..15] {
                    1
                } else {
                    6
                }
            }
            // Two digits swapped across the birth date and the serial.
            NikDiff::Swap(11) => 2,
            NikDiff::One(_) | NikDiff::Swap(_) if x[12..] == y[12..] => {
                // The area and birth digits are one apart. If both NIKs fit their own
                // records, they encode two different people (neighbouring kecamatan, or a
                // man and a woman born the same day); if one does not, it was mistyped.
                if a.nik_fits && b.nik_fits {
                    3
                } else {
                    2
                }
            }
            _ if x[..12] == y[..12] => 4,
            _ => 5,
        },
        _ => 7,
    };
    let kk = match (&a.kk, &b.kk) {
        (Some(x), Some(y)) if x == y => 0,
        (Some(_), Some(_)) => 1,
        _ => 2,
    };
    let place = if a.village.is_empty() || b.village.is_empty() {
        3
    } else if a.village == b.village {
        0
    } else if !a.district.is_empty() && a.district == b.district {
        1
    } else {
        2
    };
    let sex = match (a.female, b.female) {
        (Some(x), Some(y)) if x == y => 0,
        (Some(_), Some(_)) => 1,
        _ => 2,
    };
    [nik, kk, name, birth, place, sex, patronymic_level(a, b)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(nik: &str, name: &str, sex: &str, birth: &str, village: &str, kk: &str) -> Prepared {
        Prepared::new(&super::super::r("", nik, name, sex, birth, village, kk))
    }

    #[test]
    fn nik_levels_know_what_a_nik_encodes() {
        let v = "32.79.04.2002";
        let a = rec("3279041705800012", "Asep", "L", "1980-05-17", v, "");
        for (nik, sex, village, level, why) in [
            ("3279041705800017", "L", v, 1, "a serial digit mistyped"),
            (
                "3279041705800013",
                "L",
                v,
                4,
                "the next person born that day there",
            ),
            (
                "3279045705800012",
                "P",
                v,
                3,
                "a woman born the same day: both fit",
            ),
            (
                "3279031705800012",
                "L",
                "32.79.03.1001",
                3,
                "the neighbouring kecamatan",
            ),
            (
                "3279031705800012",
                "L",
                v,
                2,
                "a kecamatan digit mistyped: misfits",
            ),
            ("3279041705800099", "L", v, 4, "another serial"),
            (
                "3279041705802012",
                "L",
                v,
                6,
                "a leading serial digit mistyped",
            ),
            (
                "3279041705808012",
                "L",
                v,
                6,
                "a leading serial digit mistyped",
            ),
            (
                "3279041705800021",
                "L",
                v,
                6,
                "the serial's last digits swapped",
            ),
            (
                "3279041705080012",
                "L",
                v,
                2,
                "a swap across birth date and serial",
            ),
            ("", "L", v, 7, "missing"),
        ] {
            let b = rec(nik, "Asep", sex, "1980-05-17", village, "");
            assert_eq!(compare(&a, &b)[NIK], level, "{why}");
        }
    }

    #[test]
    fn names_words_and_short_names() {
        let v = "32.79.04.2002";
        let eneng = rec("", "ENENG", "P", "", v, "");
        let eneng_aisyah = rec("", "ENENG AISYAH", "P", "", v, "");
        assert_eq!(compare(&eneng, &eneng_aisyah)[NAME], 1);
        let ade = rec("", "ADE", "L", "", v, "");
        let adi = rec("", "ADI", "L", "", v, "");
        assert_eq!(compare(&ade, &adi)[NAME], name::CLOSE);
        let budi = rec("", "Budi Santoso", "L", "", v, "");
        assert_eq!(compare(&ade, &budi)[NAME], name::DIFFERENT);
        assert!(one_edit("ade", "ad") && one_edit("ade", "adi") && !one_edit("ade", "eda"));
    }

    #[test]
    fn names_drifted_over_the_years() {
        let v = "32.79.04.2002";
        let level = |x: &str, y: &str| {
            compare(&rec("", x, "P", "", v, ""), &rec("", y, "P", "", v, ""))[NAME]
        };
        assert_eq!(level("HJ. SITI AMINAH", "SITI AMINAH, S.PD"), name::EXACT);
        assert_eq!(level("NURHASANAH", "NUR HASANAH"), name::SPACING);
        assert_eq!(level("SITIAMINAH", "SITI AMINAH ROHAETI"), name::SPACING);
        assert_eq!(level("NENENGKOMAIASARI", "NENENG KOMALASARI"), name::CLOSE);
        assert_eq!(level("M. RIZKI", "MUHAMMAD RIZKI"), name::INITIALS);
        assert_eq!(level("ASEP S.", "Asep Saepudin"), name::INITIALS);
        // Cut to an initial on one record, run together on the other.
        assert_eq!(level("D. SOPIAH", "DEDISOPIAH"), name::INITIALS);
        assert_eq!(
            level("DEWI SARTIKA K.", "DEWISARTIKA KOMALASARI"),
            name::INITIALS
        );
        assert_eq!(level("T. SAEPUDIN", "ASEPSAEPUDIN"), name::DIFFERENT);
        assert_eq!(level("A. S.", "ASEP SAEPUDIN"), name::DIFFERENT);
        assert_eq!(level("HASAN", "HUSEN"), name::DIFFERENT);
        let patronymic = |x: &str, y: &str| {
            compare(&rec("", x, "L", "", v, ""), &rec("", y, "L", "", v, ""))[PATRONYMIC]
        };
        assert_eq!(patronymic("ASEP BIN UJANG", "ASEP BIN UJANK"), 0);
        assert_eq!(patronymic("ASEP BIN UJANG", "ASEP BIN DEDI"), 1);
        assert_eq!(patronymic("ASEP BIN UJANG", "ASEP"), 2);
    }

    #[test]
    fn birth_levels() {
        assert_eq!(birth_level(Some((1980, 5, 17)), Some((1980, 5, 17))), 0);
        assert_eq!(birth_level(Some((1980, 5, 7)), Some((1980, 7, 5))), 1);
        assert_eq!(birth_level(Some((1980, 5, 17)), Some((1980, 5, 18))), 2);
        assert_eq!(birth_level(Some((1980, 5, 17)), Some((1981, 5, 17))), 2);
        assert_eq!(birth_level(Some((1980, 5, 17)), Some((1975, 2, 1))), 3);
        assert_eq!(birth_level(None, Some((1975, 2, 1))), 4);
    }
}
