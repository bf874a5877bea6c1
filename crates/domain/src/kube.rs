//! KUBE (Kelompok Usaha Bersama): the rules of a group and its members
//! (Permensos 2/2019: 5–20 families of one kecamatan, officers ketua, sekretaris, bendahara).
use crate::area::RegencyCode;
use crate::{Areas, Invalid, Msg, VillageCode};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub const MIN_MEMBERS: usize = 5;
pub const MAX_MEMBERS: usize = 20;

code_enum!(
    /// Who funds the group.
    FundingSource, |_| Msg::new("kube.funding_invalid"), "funding.", {
        ApbdKota => "apbd_kota", ApbdProvinsi => "apbd_provinsi", Apbn => "apbn", Lainnya => "lainnya",
    }
);

code_enum!(
    /// A member's office in the group.
    MemberRole, |_| Msg::new("kube.role_invalid"), "member_role.", {
        Ketua => "ketua", Sekretaris => "sekretaris", Bendahara => "bendahara", Anggota => "anggota",
    }
);

code_enum!(
    /// Operational state (berjalan …); computed from monitoring visits once they exist.
    Status, |_| Msg::new("kube.status_invalid"), "status.", {
        Berjalan => "berjalan", PerluPendampingan => "perlu_pendampingan", TidakAktif => "tidak_aktif",
        Bubar => "bubar", BelumDinilai => "belum_dinilai",
    }
);

impl Status {
    /// Time without visits can change it; a group not yet assessed, or dissolved, keeps
    /// its status.
    pub fn ages(self) -> bool {
        !matches!(self, Status::BelumDinilai | Status::Bubar)
    }
}

code_enum!(
    /// Where the group is in the programme: formation → guidance → aid → mentoring → independent.
    Stage, |_| Msg::new("kube.stage_invalid"), "stage.", {
        Pembentukan => "pembentukan", Bimbingan => "bimbingan", Bantuan => "bantuan",
        Pendampingan => "pendampingan", Mandiri => "mandiri", Bubar => "bubar",
    }
);

impl MemberRole {
    pub fn is_officer(self) -> bool {
        self != MemberRole::Anggota
    }
    pub const OFFICERS: [MemberRole; 3] = [
        MemberRole::Ketua,
        MemberRole::Sekretaris,
        MemberRole::Bendahara,
    ];
}

/// Business types seeded into the configurable list: the article's three and the
/// ministry's six (code, Bahasa Indonesia, English).
pub const SEED_BUSINESS_TYPES: &[(&str, &str, &str)] = &[
    ("ternak_kambing", "Ternak kambing", "Goat rearing"),
    ("makanan_olahan", "Makanan olahan", "Processed food"),
    ("warungan", "Warungan", "Small shop"),
    ("perikanan", "Perikanan", "Fisheries"),
    ("jasa_pariwisata", "Jasa pariwisata", "Tourism services"),
    ("industri_rumahan", "Industri rumah tangga", "Home industry"),
    ("peternakan", "Peternakan", "Livestock"),
    (
        "pertanian",
        "Pertanian/perkebunan",
        "Agriculture/plantation",
    ),
    ("perdagangan", "Perdagangan", "Trade"),
];

/// A group's fields as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct KubeInput {
    #[schema(pattern = "\\S")]
    pub name: String,
    /// A configured business type (`GET /api/v1/business-types`).
    #[schema(pattern = "^[a-z_]{1,40}$")]
    pub business_type: String,
    /// A village of the office's region.
    #[schema(pattern = "^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$")]
    pub village_code: String,
    pub address: Option<String>,
    /// `YYYY-MM-DD`
    #[schema(format = Date)]
    pub formed_on: String,
    /// `apbd_kota`, `apbd_provinsi`, `apbn`, `lainnya`
    #[schema(pattern = "^(apbd_kota|apbd_provinsi|apbn|lainnya)$")]
    pub funding_source: String,
    /// Defaults to the year of formation.
    #[schema(minimum = 2000, maximum = 2100)]
    pub programme_year: Option<i32>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidKube {
    pub name: String,
    pub business_type: String,
    pub village_code: VillageCode,
    pub address: Option<String>,
    pub formed_on: NaiveDate,
    pub funding_source: FundingSource,
    pub programme_year: i32,
    pub notes: Option<String>,
}

impl KubeInput {
    /// `business_types`: the configured codes.
    pub fn validate(
        &self,
        areas: &Areas,
        region: &RegencyCode,
        business_types: &[String],
        today: NaiveDate,
    ) -> Result<ValidKube, Invalid> {
        let mut inv = Invalid::new();
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            inv.add("name", Msg::new("common.required"));
        } else if name.chars().count() > 100 {
            inv.add("name", Msg::new("common.too_long").arg(100));
        }
        let bt = self.business_type.trim().to_string();
        if bt.is_empty() {
            inv.add("business_type", Msg::new("common.required"));
        } else if !business_types.contains(&bt) {
            inv.add("business_type", Msg::new("kube.business_type_invalid"));
        }
        let village_code = if self.village_code.trim().is_empty() {
            inv.add("village_code", Msg::new("common.required"));
            None
        } else {
            inv.check("village_code", areas.village_in(region, &self.village_code))
        };
        let formed_on = if self.formed_on.trim().is_empty() {
            inv.add("formed_on", Msg::new("common.required"));
            None
        } else {
            inv.check("formed_on", crate::person::parse_date(&self.formed_on))
        };
        if let Some(f) = formed_on {
            if f > today {
                inv.add("formed_on", Msg::new("kube.formed_in_future"));
            } else if f.year() < 1990 {
                inv.add("formed_on", Msg::new("kube.formed_too_early"));
            }
        }
        let funding_source = if self.funding_source.trim().is_empty() {
            inv.add("funding_source", Msg::new("common.required"));
            None
        } else {
            inv.check("funding_source", FundingSource::parse(&self.funding_source))
        };
        let programme_year = self.programme_year.or(formed_on.map(|f| f.year()));
        if let Some(y) = programme_year {
            if !(1990..=today.year() + 1).contains(&y) {
                inv.add("programme_year", Msg::new("kube.year_invalid"));
            }
        }
        let address = self
            .address
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        if address.as_ref().is_some_and(|a| a.chars().count() > 200) {
            inv.add("address", Msg::new("common.too_long").arg(200));
        }
        let notes = self
            .notes
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        match (
            village_code,
            formed_on,
            funding_source,
            programme_year,
            inv.is_empty(),
        ) {
            (
                Some(village_code),
                Some(formed_on),
                Some(funding_source),
                Some(programme_year),
                true,
            ) => Ok(ValidKube {
                name,
                business_type: bt,
                village_code,
                address,
                formed_on,
                funding_source,
                programme_year,
                notes,
            }),
            _ => Err(inv),
        }
    }
}

/// One member as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberFacts {
    pub person_id: i64,
    pub name: String,
    pub role: MemberRole,
    pub district_code: String,
}

/// The rules of a group's membership: 5–20 members, each once, exactly one of each
/// officer, all living in the kecamatan of the group.
pub fn check_members(kube_district: &str, members: &[MemberFacts]) -> Result<(), Invalid> {
    let mut inv = Invalid::new();
    if members.len() < MIN_MEMBERS {
        inv.add(
            "members",
            Msg::new("kube.too_few").arg(MIN_MEMBERS).arg(members.len()),
        );
    }
    if members.len() > MAX_MEMBERS {
        inv.add(
            "members",
            Msg::new("kube.too_many")
                .arg(MAX_MEMBERS)
                .arg(members.len()),
        );
    }
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|o| o.person_id == m.person_id) {
            inv.add("members", Msg::new("kube.member_twice").arg(&m.name));
        }
    }
    for officer in MemberRole::OFFICERS {
        let n = members.iter().filter(|m| m.role == officer).count();
        if n != 1 {
            let key = if n == 0 {
                "kube.officer_missing"
            } else {
                "kube.officer_twice"
            };
            inv.add(
                &format!("members.{}", officer.code()),
                Msg::new(key).arg(officer.code()),
            );
        }
    }
    let outside: Vec<&str> = members
        .iter()
        .filter(|m| m.district_code != kube_district)
        .map(|m| m.name.as_str())
        .collect();
    if !outside.is_empty() {
        inv.add(
            "members",
            Msg::new("kube.member_other_district").arg(outside.join(", ")),
        );
    }
    inv.into_result()
}

/// `KUBE-3279-2012-0001`: regency digits, year of formation, serial within them.
pub fn registration_number(region: &RegencyCode, year: i32, serial: i64) -> String {
    format!(
        "KUBE-{}-{year}-{serial:04}",
        region.as_str().replace('.', "")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: i64, role: MemberRole, district: &str) -> MemberFacts {
        MemberFacts {
            person_id: id,
            name: format!("P{id}"),
            role,
            district_code: district.into(),
        }
    }
    fn group(n: i64) -> Vec<MemberFacts> {
        (1..=n)
            .map(|i| {
                let role = match i {
                    1 => MemberRole::Ketua,
                    2 => MemberRole::Sekretaris,
                    3 => MemberRole::Bendahara,
                    _ => MemberRole::Anggota,
                };
                m(i, role, "32.79.04")
            })
            .collect()
    }

    #[test]
    fn sizes() {
        assert!(check_members("32.79.04", &group(5)).is_ok());
        assert!(check_members("32.79.04", &group(20)).is_ok());
        assert_eq!(
            check_members("32.79.04", &group(4)).unwrap_err().fields["members"].key,
            "kube.too_few"
        );
        assert_eq!(
            check_members("32.79.04", &group(21)).unwrap_err().fields["members"].key,
            "kube.too_many"
        );
    }

    #[test]
    fn officers_exactly_once() {
        let mut g = group(6);
        g[4].role = MemberRole::Ketua;
        let e = check_members("32.79.04", &g).unwrap_err();
        assert_eq!(e.fields["members.ketua"].key, "kube.officer_twice");
        let mut g = group(6);
        g[2].role = MemberRole::Anggota;
        let e = check_members("32.79.04", &g).unwrap_err();
        assert_eq!(e.fields["members.bendahara"].key, "kube.officer_missing");
    }

    #[test]
    fn same_kecamatan_and_no_repeats() {
        let mut g = group(6);
        g[5].district_code = "32.79.02".into();
        let e = check_members("32.79.04", &g).unwrap_err();
        assert_eq!(e.fields["members"].key, "kube.member_other_district");
        assert_eq!(e.fields["members"].args, vec!["P6".to_string()]);
        let mut g = group(6);
        g[5].person_id = 4;
        assert_eq!(
            check_members("32.79.04", &g).unwrap_err().fields["members"].key,
            "kube.member_twice"
        );
    }

    #[test]
    fn registration_numbers() {
        let r = RegencyCode::parse("32.79").unwrap();
        assert_eq!(registration_number(&r, 2012, 1), "KUBE-3279-2012-0001");
    }

    #[test]
    fn codes() {
        assert_eq!(FundingSource::parse("apbn").unwrap(), FundingSource::Apbn);
        assert!(FundingSource::parse("cash").is_err());
        assert_eq!(MemberRole::Ketua.label_key(), "member_role.ketua");
        assert_eq!(Status::ALL.len(), 5);
    }
}
