//! Kemendagri area codes and the embedded national area tables (ODbL, see data/wilayah).
use crate::Msg;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    Province,
    Regency,
    District,
    Village,
}

impl AreaLevel {
    /// The level follows from the number of dotted parts: 32 / 32.79 / 32.79.04 / 32.79.04.2002.
    fn of(code: &str) -> Option<AreaLevel> {
        let parts: Vec<&str> = code.split('.').collect();
        let widths = [2, 2, 2, 4];
        if parts.is_empty() || parts.len() > 4 {
            return None;
        }
        for (p, w) in parts.iter().zip(widths) {
            if p.len() != w || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
        }
        Some(match parts.len() {
            1 => AreaLevel::Province,
            2 => AreaLevel::Regency,
            3 => AreaLevel::District,
            _ => AreaLevel::Village,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub level: AreaLevel,
}

macro_rules! code_newtype {
    ($name:ident, $level:expr, $key:literal) => {
        /// A code of the right shape; existence is checked with [`Areas`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, Msg> {
                let s = s.trim();
                if AreaLevel::of(s) == Some($level) {
                    Ok(Self(s.to_string()))
                } else {
                    Err(Msg::new($key))
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

code_newtype!(RegencyCode, AreaLevel::Regency, "area.regency_invalid");
code_newtype!(DistrictCode, AreaLevel::District, "area.district_invalid");
code_newtype!(VillageCode, AreaLevel::Village, "area.village_invalid");

impl VillageCode {
    pub fn district(&self) -> DistrictCode {
        DistrictCode(self.0[..8].to_string())
    }
    /// Village serials 1xxx are kelurahan, 2xxx desa.
    pub fn is_kelurahan(&self) -> bool {
        self.0.as_bytes()[9] == b'1'
    }
}

impl DistrictCode {
    pub fn regency(&self) -> RegencyCode {
        RegencyCode(self.0[..5].to_string())
    }
}

const PROVINCES: &str = include_str!("../../../data/wilayah/provinces.csv");
const REGENCIES: &str = include_str!("../../../data/wilayah/regencies.csv");
const DISTRICTS: &str = include_str!("../../../data/wilayah/districts.csv");
const VILLAGES: &str = include_str!("../../../data/wilayah/villages.csv");

/// The national area tables, parsed once from the data embedded in the binary.
pub struct Areas {
    areas: Vec<Area>,
    by_code: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
}

/// Splits `code,parent,name` where only the name may be quoted (with `""` escapes).
fn split_row(line: &str) -> Option<(&str, String)> {
    let mut it = line.splitn(3, ',');
    let code = it.next()?;
    let rest = it.next()?;
    let name = match it.next() {
        Some(n) => n,
        None => rest, // provinces.csv: code,name
    };
    let name = name.trim_end_matches('\r');
    let name = if name.starts_with('"') && name.ends_with('"') && name.len() >= 2 {
        name[1..name.len() - 1].replace("\"\"", "\"")
    } else {
        name.to_string()
    };
    Some((code, name))
}

impl Areas {
    pub fn embedded() -> Areas {
        let mut areas = Vec::with_capacity(92_000);
        for table in [PROVINCES, REGENCIES, DISTRICTS, VILLAGES] {
            for line in table.lines().skip(1).filter(|l| !l.is_empty()) {
                if let Some((code, name)) = split_row(line) {
                    if let Some(level) = AreaLevel::of(code) {
                        areas.push(Area {
                            code: code.to_string(),
                            name,
                            level,
                        });
                    }
                }
            }
        }
        let mut by_code = HashMap::with_capacity(areas.len());
        let mut children: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in areas.iter().enumerate() {
            by_code.insert(a.code.clone(), i);
            let parent = match a.code.rfind('.') {
                Some(p) => a.code[..p].to_string(),
                None => String::new(),
            };
            children.entry(parent).or_default().push(i);
        }
        for v in children.values_mut() {
            v.sort_by(|&a, &b| areas[a].code.cmp(&areas[b].code));
        }
        Areas {
            areas,
            by_code,
            children,
        }
    }

    pub fn len(&self) -> usize {
        self.areas.len()
    }
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    pub fn get(&self, code: &str) -> Option<&Area> {
        self.by_code.get(code).map(|&i| &self.areas[i])
    }

    pub fn name(&self, code: &str) -> &str {
        self.get(code).map(|a| a.name.as_str()).unwrap_or("")
    }

    /// Children of `parent`; the empty string lists the provinces.
    pub fn children(&self, parent: &str) -> Vec<&Area> {
        self.children
            .get(parent)
            .map(|v| v.iter().map(|&i| &self.areas[i]).collect())
            .unwrap_or_default()
    }

    pub fn regency(&self, s: &str) -> Result<RegencyCode, Msg> {
        let c = RegencyCode::parse(s)?;
        self.exists(c, "area.regency_unknown")
    }
    pub fn district(&self, s: &str) -> Result<DistrictCode, Msg> {
        let c = DistrictCode::parse(s)?;
        self.exists(c, "area.district_unknown")
    }
    pub fn village(&self, s: &str) -> Result<VillageCode, Msg> {
        let c = VillageCode::parse(s)?;
        self.exists(c, "area.village_unknown")
    }

    /// A kecamatan of the office's own region.
    pub fn district_in(&self, region: &RegencyCode, s: &str) -> Result<DistrictCode, Msg> {
        let d = self.district(s)?;
        if &d.regency() == region {
            Ok(d)
        } else {
            Err(Msg::new("area.outside_region"))
        }
    }
    /// A village of the office's own region.
    pub fn village_in(&self, region: &RegencyCode, s: &str) -> Result<VillageCode, Msg> {
        let v = self.village(s)?;
        if &v.district().regency() == region {
            Ok(v)
        } else {
            Err(Msg::new("area.outside_region"))
        }
    }

    fn exists<T: std::fmt::Display>(&self, c: T, key: &'static str) -> Result<T, Msg> {
        if self.by_code.contains_key(&c.to_string()) {
            Ok(c)
        } else {
            Err(Msg::new(key))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_with_counts_of_the_readme() {
        let a = Areas::embedded();
        assert_eq!(a.children("").len(), 38);
        assert_eq!(a.len(), 38 + 514 + 7285 + 83762);
        let banjar = a.children("32.79");
        let names: Vec<&str> = banjar.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Banjar", "Pataruman", "Purwaharja", "Langensari"]);
        let villages: usize = banjar.iter().map(|d| a.children(&d.code).len()).sum();
        assert_eq!(villages, 25);
        assert_eq!(a.name("32.79.04.2002"), "Rejasari");
        assert_eq!(a.name("35.13.15.2017"), "Soka\"an");
        assert_eq!(a.name("12.07.28.1007"), "Lubuk Pakam I,II");
    }

    #[test]
    fn codes_are_checked() {
        let a = Areas::embedded();
        let region = a.regency("32.79").unwrap();
        assert!(a.village_in(&region, "32.79.04.2002").is_ok());
        assert!(a.village_in(&region, "32.07.01.2001").is_err());
        assert!(a.village("32.79.04.9999").is_err());
        assert!(VillageCode::parse("32.79.04").is_err());
        assert!(DistrictCode::parse("32.79.4").is_err());
        let v = VillageCode::parse("32.79.04.2002").unwrap();
        assert_eq!(v.district().as_str(), "32.79.04");
        assert!(!v.is_kelurahan());
    }
}
