//! Persons (penduduk / penerima manfaat): the rules of a valid record.
use crate::area::RegencyCode;
use crate::nik::{KkNumber, Nik, Sex};
use crate::{Areas, Invalid, Msg, VillageCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    Category, |s: &str| Msg::new("person.category_invalid").arg(s), "category.", {
        FakirMiskin => "fakir_miskin", Wrse => "wrse", Lansia => "lansia", Anak => "anak", Disabilitas => "disabilitas",
    }
);

/// A person as the form or the API sends it: text, to be validated.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    /// 16 digits; sex and birth date must agree with it.
    #[schema(pattern = "^[0-9]{16}$")]
    pub nik: String,
    #[schema(pattern = "^[0-9]{16}$")]
    pub kk_number: Option<String>,
    #[schema(pattern = "\\S")]
    pub name: String,
    /// `L` or `P`
    #[schema(pattern = "^(L|P)$")]
    pub sex: String,
    /// `YYYY-MM-DD`
    #[schema(format = Date)]
    pub birth_date: String,
    /// A village of the office's region, e.g. `32.79.04.2002`.
    #[schema(pattern = "^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$")]
    pub village_code: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    /// Street address.
    pub address: Option<String>,
    pub phone: Option<String>,
    /// From `fakir_miskin`, `wrse`, `lansia`, `anak`, `disabilitas`.
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default, deserialize_with = "crate::yes_no")]
    pub dtks_registered: bool,
    pub dtks_ref: Option<String>,
    pub notes: Option<String>,
    /// `kepala_keluarga`, `pencari_nafkah` or `anggota_keluarga`; empty: not known.
    #[serde(default)]
    pub household_role: Option<String>,
    /// `pns`, `tni`, `polri` or `lainnya`; empty: not known.
    #[serde(default)]
    pub occupation: Option<String>,
}

/// A person that satisfies every rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidPerson {
    #[serde(serialize_with = "ser_nik")]
    pub nik: Nik,
    #[serde(serialize_with = "ser_kk")]
    pub kk_number: Option<KkNumber>,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub village_code: VillageCode,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub categories: Vec<Category>,
    pub dtks_registered: bool,
    pub dtks_ref: Option<String>,
    pub notes: Option<String>,
    pub household_role: Option<crate::membership::HouseholdRole>,
    pub occupation: Option<crate::membership::Occupation>,
}

fn ser_nik<S: serde::Serializer>(n: &Nik, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(n.as_str())
}
fn ser_kk<S: serde::Serializer>(n: &Option<KkNumber>, s: S) -> Result<S::Ok, S::Error> {
    match n {
        Some(k) => s.serialize_str(k.as_str()),
        None => s.serialize_none(),
    }
}

/// A date typed into a form or sent by the API: day first or ISO, four-digit year.
pub fn parse_date(s: &str) -> Result<NaiveDate, Msg> {
    // As an office writes it (17-08-1990, 17/08/1990, 17 Agustus 1990) or ISO: the same
    // reader as a spreadsheet's cells, so a form and an import take the same dates.
    crate::dates::read(s).map_err(|m| match m.key {
        "import.year_two_digits" => m,
        _ => Msg::new("common.date_invalid"),
    })
}

fn opt_text(inv: &mut Invalid, field: &str, v: &Option<String>, max: usize) -> Option<String> {
    let t = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if t.chars().count() > max {
        inv.add(field, Msg::new("common.too_long").arg(max));
        return None;
    }
    Some(t.to_string())
}

/// RT/RW: 1–3 digits, kept zero-padded (`003`).
fn rt_rw(inv: &mut Invalid, field: &str, v: &Option<String>) -> Option<String> {
    let t = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) {
        Some(format!("{:0>3}", t))
    } else {
        inv.add(field, Msg::new("person.rt_rw_invalid"));
        None
    }
}

impl PersonInput {
    pub fn validate(
        &self,
        areas: &Areas,
        region: &RegencyCode,
        today: NaiveDate,
    ) -> Result<ValidPerson, Invalid> {
        let mut inv = Invalid::new();
        let nik = inv.check("nik", Nik::parse(&self.nik, areas, today));
        let kk_number = match self
            .kk_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(k) => inv.check("kk_number", KkNumber::parse(k, areas)),
            None => None,
        };
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            inv.add("name", Msg::new("common.required"));
        } else if name.chars().count() > 100 {
            inv.add("name", Msg::new("common.too_long").arg(100));
        } else if !name.chars().any(char::is_alphabetic) {
            inv.add("name", Msg::new("person.name_invalid"));
        }
        let sex = if self.sex.trim().is_empty() {
            inv.add("sex", Msg::new("common.required"));
            None
        } else {
            inv.check("sex", Sex::parse(&self.sex))
        };
        let birth_date = if self.birth_date.trim().is_empty() {
            inv.add("birth_date", Msg::new("common.required"));
            None
        } else {
            inv.check("birth_date", parse_date(&self.birth_date))
        };
        if let Some(b) = birth_date {
            if b > today {
                inv.add("birth_date", Msg::new("person.birth_in_future"));
            }
        }
        // What the NIK encodes must agree with what was entered.
        if let (Some(n), Some(s)) = (&nik, sex) {
            if n.sex() != s {
                inv.add("sex", Msg::new("person.sex_mismatch"));
            }
        }
        if let (Some(n), Some(b)) = (&nik, birth_date) {
            if n.birth_date() != b {
                inv.add(
                    "birth_date",
                    Msg::new("person.birth_mismatch").arg(n.birth_date().format("%Y-%m-%d")),
                );
            }
        }
        let village_code = if self.village_code.trim().is_empty() {
            inv.add("village_code", Msg::new("common.required"));
            None
        } else {
            inv.check("village_code", areas.village_in(region, &self.village_code))
        };
        let mut categories = Vec::new();
        for c in &self.categories {
            if c.trim().is_empty() {
                continue;
            }
            if let Some(c) = inv.check("categories", Category::parse(c)) {
                if !categories.contains(&c) {
                    categories.push(c);
                }
            }
        }
        categories.sort();
        let rt = rt_rw(&mut inv, "rt", &self.rt);
        let rw = rt_rw(&mut inv, "rw", &self.rw);
        let address = opt_text(&mut inv, "address", &self.address, 200);
        let phone = match opt_text(&mut inv, "phone", &self.phone, 20) {
            Some(p) if p.chars().all(|c| c.is_ascii_digit() || "+- ".contains(c)) => Some(p),
            Some(_) => {
                inv.add("phone", Msg::new("person.phone_invalid"));
                None
            }
            None => None,
        };
        let dtks_ref = opt_text(&mut inv, "dtks_ref", &self.dtks_ref, 40);
        let notes = opt_text(&mut inv, "notes", &self.notes, 1000);
        let household_role = chosen(&self.household_role)
            .and_then(|v| inv.check("household_role", crate::membership::HouseholdRole::parse(v)));
        let occupation = chosen(&self.occupation)
            .and_then(|v| inv.check("occupation", crate::membership::Occupation::parse(v)));
        match (nik, sex, birth_date, village_code, inv.is_empty()) {
            (Some(nik), Some(sex), Some(birth_date), Some(village_code), true) => Ok(ValidPerson {
                nik,
                kk_number,
                name,
                sex,
                birth_date,
                village_code,
                rt,
                rw,
                address,
                phone,
                categories,
                dtks_registered: self.dtks_registered,
                dtks_ref,
                notes,
                household_role,
                occupation,
            }),
            _ => Err(inv),
        }
    }
}

/// A choice left empty reads as none.
fn chosen(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Age in whole years on a date.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_read_day_first_or_iso_never_month_first() {
        let d = NaiveDate::from_ymd_opt(1990, 8, 17).unwrap();
        for t in [
            "1990-08-17",
            "17-08-1990",
            "17/08/1990",
            "17.08.1990",
            " 17 Agustus 1990 ",
        ] {
            assert_eq!(parse_date(t), Ok(d), "{t}");
        }
        assert_eq!(
            parse_date("08/17/1990").unwrap_err().key,
            "common.date_invalid"
        );
        assert_eq!(
            parse_date("17-08-90").unwrap_err().key,
            "import.year_two_digits"
        );
        assert!(parse_date("").is_err());
        assert_eq!(parse_date("besok").unwrap_err().key, "common.date_invalid");
    }

    fn input() -> PersonInput {
        PersonInput {
            nik: "3279045708920003".into(),
            name: "  Siti   Aminah ".into(),
            sex: "P".into(),
            birth_date: "1992-08-17".into(),
            village_code: "32.79.04.2002".into(),
            rt: Some("3".into()),
            categories: vec!["wrse".into(), "fakir_miskin".into(), "wrse".into()],
            ..Default::default()
        }
    }
    fn check(p: &PersonInput) -> Result<ValidPerson, Invalid> {
        let areas = Areas::embedded();
        let region = areas.regency("32.79").unwrap();
        p.validate(
            &areas,
            &region,
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        )
    }

    #[test]
    fn valid_person_is_normalised() {
        let p = check(&input()).unwrap();
        assert_eq!(p.name, "Siti Aminah");
        assert_eq!(p.rt.as_deref(), Some("003"));
        assert_eq!(p.categories, vec![Category::FakirMiskin, Category::Wrse]);
    }

    #[test]
    fn sex_and_birth_date_must_match_the_nik() {
        let mut p = input();
        p.sex = "L".into();
        p.birth_date = "1992-08-18".into();
        let e = check(&p).unwrap_err();
        assert_eq!(e.fields["sex"].key, "person.sex_mismatch");
        assert_eq!(e.fields["birth_date"].key, "person.birth_mismatch");
    }

    #[test]
    fn village_must_be_in_the_region_and_fields_named() {
        let mut p = input();
        p.village_code = "32.07.01.1001".into();
        p.name = "".into();
        p.categories = vec!["rich".into()];
        p.phone = Some("call me".into());
        let e = check(&p).unwrap_err();
        assert_eq!(e.fields["village_code"].key, "area.outside_region");
        assert_eq!(e.fields["name"].key, "common.required");
        assert_eq!(e.fields["categories"].key, "person.category_invalid");
        assert_eq!(e.fields["phone"].key, "person.phone_invalid");
    }

    #[test]
    fn ages() {
        let b = NaiveDate::from_ymd_opt(1966, 11, 30).unwrap();
        assert_eq!(
            age_on(b, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()),
            59
        );
        assert_eq!(
            age_on(b, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
            60
        );
    }
}
