//! Demo persons: Sundanese names, valid synthetic NIKs (women's birth day +40; one in five
//! first registered in Ciamis, before Banjar became a city), family cards, plausible ages.
use super::Rng;
use chrono::{Datelike, NaiveDate};
use domain::person::PersonInput;

const MEN: &[&str] = &[
    "Asep", "Ujang", "Dedi", "Cecep", "Wawan", "Jajang", "Dadang", "Agus", "Iwan", "Yayat", "Eman",
    "Odih", "Rahmat", "Endang", "Aep", "Maman", "Ade", "Engkos", "Dudung", "Hendra", "Budi",
    "Ahmad", "Entis", "Udin", "Didin", "Ohan", "Sobari", "Nana", "Tatang", "Juju",
];
const WOMEN: &[&str] = &[
    "Euis", "Siti", "Ai", "Neneng", "Iis", "Kokom", "Lilis", "Nining", "Tati", "Yati", "Popon",
    "Cucu", "Enok", "Imas", "Oom", "Dedeh", "Elis", "Rina", "Sri", "Nia", "Entin", "Titin",
    "Wiwin", "Nur", "Aas", "Heni", "Yuyun", "Onah", "Eti", "Ratna",
];
const FAMILY: &[&str] = &[
    "Suryana",
    "Sutisna",
    "Hidayat",
    "Rahayu",
    "Kurniawan",
    "Setiawan",
    "Sukmana",
    "Permana",
    "Sopandi",
    "Nurhayati",
    "Rukmana",
    "Mulyana",
    "Saepudin",
    "Hermawan",
    "Supriatna",
    "Komariah",
    "Wahyudi",
    "Gunawan",
    "Hasanah",
    "Sumarni",
    "Kusnadi",
    "Solihin",
    "Rosita",
    "Hamdani",
    "Juariah",
    "Sudrajat",
    "Kartika",
];
/// Words of group and hamlet names.
pub const GROUP_WORDS: &[&str] = &[
    "Mekar",
    "Jaya",
    "Makmur",
    "Sejahtera",
    "Mandiri",
    "Harapan",
    "Sauyunan",
    "Rukun",
    "Lestari",
    "Barokah",
    "Sugih",
    "Mukti",
    "Tani",
    "Sinar",
    "Maju",
    "Bersama",
    "Berkah",
    "Saluyu",
    "Mulya",
    "Hegar",
];

/// Makes persons with NIKs that never repeat.
pub struct PersonMaker {
    pub rng: Rng,
    niks: std::collections::HashSet<String>,
    kk_serial: u32,
}

impl PersonMaker {
    pub fn new(seed: u64) -> PersonMaker {
        PersonMaker {
            rng: Rng(seed),
            niks: Default::default(),
            kk_serial: 0,
        }
    }

    /// A valid synthetic person of `village`, aged `ages` on `on`.
    pub fn make(
        &mut self,
        village: &str,
        female: bool,
        ages: (i64, i64),
        on: NaiveDate,
        categories: &[&str],
    ) -> PersonInput {
        let r = &mut self.rng;
        let year = on.year() as i64 - r.range(ages.0, ages.1);
        let month = r.range(1, 12) as u32;
        let day = r.range(1, 28) as u32;
        let birth = NaiveDate::from_ymd_opt(year as i32, month, day).unwrap_or(on);
        let reg_district = if r.range(1, 5) == 1 {
            "320701".to_string()
        } else {
            village[..8].replace('.', "")
        };
        let dd = if female { day + 40 } else { day };
        let mut serial = r.range(1, 400) as u32;
        let nik = loop {
            let n = format!(
                "{reg_district}{dd:02}{month:02}{:02}{serial:04}",
                year % 100
            );
            if self.niks.insert(n.clone()) {
                break n;
            }
            serial += 1;
        };
        self.kk_serial += 1;
        let kk = format!(
            "{}{:02}{:02}{:02}{:04}",
            village[..8].replace('.', ""),
            r.range(1, 28),
            r.range(1, 12),
            r.range(5, 12),
            self.kk_serial % 9999 + 1
        );
        let first = if female { *r.pick(WOMEN) } else { *r.pick(MEN) };
        PersonInput {
            nik,
            kk_number: Some(kk),
            name: format!("{first} {}", r.pick(FAMILY)),
            sex: if female { "P".into() } else { "L".into() },
            birth_date: birth.format("%Y-%m-%d").to_string(),
            village_code: village.to_string(),
            rt: Some(format!("{:03}", r.range(1, 12))),
            rw: Some(format!("{:03}", r.range(1, 8))),
            address: Some(format!("Dusun {}", r.pick(GROUP_WORDS))),
            phone: None,
            categories: categories.iter().map(|c| c.to_string()).collect(),
            dtks_registered: r.range(1, 10) <= 8,
            dtks_ref: None,
            notes: None,
            // Most adults the office registers head or keep their household; a few
            // records are still incomplete (the rules then warn). From the family card's
            // serial, so the random draws of the demo stay as they were.
            household_role: match self.kk_serial % 10 {
                0..=5 => Some("kepala_keluarga".into()),
                6..=7 => Some("pencari_nafkah".into()),
                _ => None,
            },
            occupation: (self.kk_serial % 10 != 9).then(|| "lainnya".into()),
        }
    }
}

/// A name as a clerk might mistype it: a doubled letter, two letters swapped, or upper case.
pub fn misspell(name: &str, i: usize) -> String {
    let chars: Vec<char> = name.chars().collect();
    let at = chars.len() - 2;
    match i % 3 {
        0 => {
            let mut c = chars.clone();
            c.insert(at, chars[at]);
            c.into_iter().collect()
        }
        1 => {
            let mut c = chars;
            c.swap(at, at + 1);
            c.into_iter().collect()
        }
        _ => name.to_uppercase(),
    }
}
