//! Cells of an office's spreadsheet as people and programs write them: NIKs a
//! spreadsheet program turned into numbers (refused: the last digit is gone), dates
//! written day first, "Laki-laki" for L, villages by name, phones that lost their 0.
use crate::area::{Areas, RegencyCode};
use crate::Msg;
use chrono::{Datelike, NaiveDate};

/// A cell of an imported file as the spreadsheet program stored it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell (a spreadsheet program keeps 15 significant digits).
    Number(f64),
    /// A cell with a date format, of any style.
    Date(NaiveDate),
}

impl Cell {
    /// As text: whole numbers without `.0`, dates `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
            Cell::Number(f) => f.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A NIK or KK number. From a number cell only when the number is exact — 15 digits at
/// most — which a 16-digit NIK never is: the program already dropped its last digit.
pub fn identity_number(c: &Cell) -> Result<String, Msg> {
    match c {
        Cell::Number(f) => {
            let whole = f.fract() == 0.0 && *f >= 0.0;
            let digits = format!("{:.0}", f.abs()).len();
            if whole && digits <= 15 {
                Ok(format!("{:.0}", f))
            } else {
                Err(Msg::new("import.number_cell"))
            }
        }
        // A leading apostrophe is how some type a number as text.
        other => Ok(other
            .text()
            .trim_start_matches('\'')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()),
    }
}

/// L or P from the ways offices write it.
pub fn sex(c: &Cell) -> String {
    let t = c.text().to_lowercase().replace(['-', '.', ' '], "");
    match t.as_str() {
        "l" | "lk" | "lakilaki" | "laki" | "pria" | "m" | "male" => "L".into(),
        "p" | "pr" | "perempuan" | "wanita" | "w" | "f" | "female" => "P".into(),
        _ => c.text(),
    }
}

/// Yes or no: ya/tidak, y/t, 1/0 (and English); an empty cell is no.
pub fn yes_no(c: &Cell) -> Result<bool, Msg> {
    match c.text().to_lowercase().as_str() {
        "ya" | "y" | "1" | "yes" | "true" | "benar" | "iya" => Ok(true),
        "tidak" | "t" | "0" | "no" | "n" | "false" | "salah" | "" => Ok(false),
        _ => Err(Msg::new("import.yes_no")),
    }
}

/// A date as Indonesians write it (see [`crate::dates::read`]); a date cell as it is.
pub fn date(c: &Cell) -> Result<NaiveDate, Msg> {
    match c {
        Cell::Date(d) => Ok(*d),
        Cell::Empty => Err(Msg::new("common.required")),
        other => crate::dates::read(&other.text()),
    }
}

/// RT/RW numbers and the like from a number cell: the whole number.
pub fn number_text(c: &Cell) -> Option<String> {
    let t = c.text();
    (!t.is_empty()).then_some(t)
}

/// An Indonesian phone number; a number cell dropped its leading 0 (0812… became 812…).
pub fn phone(c: &Cell) -> Option<String> {
    let t: String = c
        .text()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    if t.is_empty() {
        return None;
    }
    let t = t.trim_start_matches('\'');
    Some(
        if t.starts_with('8') && t.chars().all(|c| c.is_ascii_digit()) {
            format!("0{t}")
        } else if let Some(rest) = t
            .strip_prefix("+62")
            .or_else(|| t.strip_prefix("62").filter(|r| r.starts_with('8')))
        {
            format!("0{rest}")
        } else {
            t.to_string()
        },
    )
}

fn plain(name: &str) -> String {
    let n = name.trim().to_lowercase();
    let n = ["desa ", "kelurahan ", "kel. ", "kel ", "ds. ", "ds "]
        .iter()
        .find_map(|p| n.strip_prefix(p))
        .unwrap_or(&n)
        .to_string();
    n.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A village of the region by its code (with or without dots, or a template's
/// "32.79.04.2002 Rejasari (Langensari)"), or by its name; a name found in several
/// kecamatan needs the kecamatan (`district`, by name or code).
pub fn village(
    c: &Cell,
    district: &Cell,
    areas: &Areas,
    region: &RegencyCode,
) -> Result<String, Msg> {
    let t = c.text();
    let head = t.split_whitespace().next().unwrap_or("");
    let digits: String = head.chars().filter(|c| c.is_ascii_digit()).collect();
    if head.chars().all(|c| c.is_ascii_digit() || c == '.') && digits.len() == 10 {
        return Ok(format!(
            "{}.{}.{}.{}",
            &digits[..2],
            &digits[2..4],
            &digits[4..6],
            &digits[6..]
        ));
    }
    if t.is_empty() {
        return Ok(t);
    }
    let want = plain(&t);
    let kec = district.text();
    let kec_plain = plain(
        kec.trim_start_matches("Kecamatan ")
            .trim_start_matches("Kec. "),
    );
    let mut found = Vec::new();
    for d in areas.children(region.as_str()) {
        if !kec.is_empty() && d.code != kec && plain(&d.name) != kec_plain {
            continue;
        }
        for v in areas.children(&d.code) {
            if plain(&v.name) == want {
                found.push((v.code.clone(), d.name.clone()));
            }
        }
    }
    match found.len() {
        0 => Err(Msg::new("import.village_unknown").arg(t)),
        1 => Ok(found.remove(0).0),
        _ => {
            let names: Vec<String> = found.into_iter().map(|f| f.1).collect();
            Err(Msg::new("import.village_ambiguous")
                .arg(t)
                .arg(names.join(", ")))
        }
    }
}

/// A year from a number or text cell.
pub fn year(c: &Cell) -> Option<i32> {
    match c {
        Cell::Date(d) => Some(d.year()),
        other => other.text().parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }
    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_nik_from_a_number_cell_is_refused() {
        // LibreOffice and Excel keep 15 significant digits: 3279044101600001 became …000.
        assert_eq!(
            identity_number(&Cell::Number(3279044101600000.0))
                .unwrap_err()
                .key,
            "import.number_cell"
        );
        assert_eq!(
            identity_number(&Cell::Number(327904410160001.0)).unwrap(),
            "327904410160001"
        );
        assert_eq!(
            identity_number(&t(" 3279 0441 0160 0001")).unwrap(),
            "3279044101600001"
        );
        assert_eq!(
            identity_number(&t("'3279044101600001")).unwrap(),
            "3279044101600001"
        );
    }

    #[test]
    fn dates_day_first_in_every_usual_form() {
        for s in [
            "17/08/1992",
            "17-08-1992",
            "17.08.1992",
            "17 Agustus 1992",
            "17 Agt 1992",
            "17 agu 1992",
            "1992-08-17",
            "17 August 1992",
        ] {
            assert_eq!(date(&t(s)), Ok(ymd(1992, 8, 17)), "{s}");
        }
        assert_eq!(
            date(&t("05/03/1992")),
            Ok(ymd(1992, 3, 5)),
            "day first, never month first"
        );
        assert_eq!(
            date(&t("17/08/92")).unwrap_err().key,
            "import.year_two_digits"
        );
        assert_eq!(
            date(&t("31/02/1992")).unwrap_err().key,
            "import.date_unreadable"
        );
        assert_eq!(
            date(&t("08/17/1992")).unwrap_err().key,
            "import.date_unreadable"
        );
        assert_eq!(date(&Cell::Date(ymd(1992, 8, 17))), Ok(ymd(1992, 8, 17)));
    }

    #[test]
    fn sexes_yes_no_and_phones() {
        for (s, want) in [
            ("L", "L"),
            ("Laki-laki", "L"),
            ("LK", "L"),
            ("p", "P"),
            ("Perempuan", "P"),
            ("PR", "P"),
        ] {
            assert_eq!(sex(&t(s)), want, "{s}");
        }
        for (s, want) in [
            ("ya", true),
            ("Y", true),
            ("1", true),
            ("tidak", false),
            ("t", false),
            ("0", false),
            ("", false),
        ] {
            assert_eq!(yes_no(&t(s)), Ok(want), "{s}");
        }
        assert!(yes_no(&t("mungkin")).is_err());
        assert_eq!(
            phone(&Cell::Number(81234567890.0)).as_deref(),
            Some("081234567890")
        );
        assert_eq!(
            phone(&t("+62 812-3456-7890")).as_deref(),
            Some("081234567890")
        );
        assert_eq!(phone(&t("0265 741234")).as_deref(), Some("0265741234"));
    }

    #[test]
    fn villages_by_code_or_name() {
        let areas = Areas::embedded();
        let banjar = areas.regency("32.79").unwrap();
        let none = Cell::Empty;
        assert_eq!(
            village(&t("Rejasari"), &none, &areas, &banjar).unwrap(),
            "32.79.04.2002"
        );
        assert_eq!(
            village(&t("desa rejasari"), &none, &areas, &banjar).unwrap(),
            "32.79.04.2002"
        );
        assert_eq!(
            village(&t("3279042002"), &none, &areas, &banjar).unwrap(),
            "32.79.04.2002"
        );
        assert_eq!(
            village(
                &t("32.79.04.2002 Rejasari (Langensari)"),
                &none,
                &areas,
                &banjar
            )
            .unwrap(),
            "32.79.04.2002"
        );
        assert_eq!(
            village(&t("Atlantis"), &none, &areas, &banjar)
                .unwrap_err()
                .key,
            "import.village_unknown"
        );
        // A name found in two kecamatan of a regency needs the kecamatan.
        let bogor = areas.regency("32.01").unwrap();
        let mut seen = std::collections::HashMap::new();
        let mut twice = None;
        for d in areas.children("32.01") {
            for v in areas.children(&d.code) {
                if let Some(first) = seen.insert(v.name.clone(), d.name.clone()) {
                    twice = Some((v.name.clone(), first, d.name.clone()));
                }
            }
        }
        let (name, kec, _) = twice.expect("Bogor has a village name twice");
        assert_eq!(
            village(&t(&name), &none, &areas, &bogor).unwrap_err().key,
            "import.village_ambiguous"
        );
        assert!(village(&t(&name), &t(&kec), &areas, &bogor).is_ok());
    }
}
