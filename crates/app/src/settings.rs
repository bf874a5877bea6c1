//! The office's settings: one type, filled once by the binary from its flags and
//! environment, read by every use case and by the web (how it is served).
use domain::area::RegencyCode;

#[derive(Clone, Debug)]
pub struct Settings {
    /// The office's regency/city: forms offer only its kecamatan and villages.
    pub region: RegencyCode,
    /// Mark cookies `Secure` and send HSTS (when served over https).
    pub https: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Serve the public page (no personal data) at `/publik`.
    pub public_page: bool,
    /// Thresholds of the health classification.
    pub health: domain::health::Thresholds,
    /// When monitoring visits fall due: days after the last one, and after forming for
    /// the first.
    pub visits: domain::health::VisitSchedule,
    /// Share of members (percent) who must attend technical guidance.
    pub guidance_share_pct: i64,
    /// Lets one person take a step of aid and the check of it (submit and verify, verify
    /// and approve, record and approve a benefit): only for very small offices; every
    /// such step is marked.
    pub allow_same_person: bool,
    /// Distinct NIKs a role seeing identity masked may learn the registration of, per
    /// account and office day.
    pub nik_lookups_per_day: i64,
    /// Days the access log of personal data is kept (then purged by the system).
    pub access_log_days: i64,
    /// The letterhead of documents such as the BAST.
    pub office_name: String,
    pub office_address: String,
    /// The office's logo on the letterhead (a JPEG).
    pub office_logo: Option<pdf::Jpeg>,
    /// The head of the office, who signs "Mengetahui" under a BAST.
    pub office_head: domain::user::Identity,
    /// Who may be a KUBE member (the regulation's defaults: 18–59, decile ≤ 4, one per
    /// family card).
    pub membership: domain::membership::Rules,
    /// Personal data protection: request deadlines, retention, purposes, who reads
    /// children's records in full.
    pub protection: domain::protection::Policy,
}

impl Settings {
    /// The defaults for a region: monthly visits (the first a month after forming), 80% guidance attendance, separate
    /// persons for each step, 50 NIK look-ups a day.
    pub fn new(region: RegencyCode) -> Settings {
        Settings {
            region,
            https: false,
            trust_forwarded_for: false,
            public_page: false,
            health: domain::health::Thresholds::default(),
            visits: domain::health::VisitSchedule::default(),
            guidance_share_pct: 80,
            allow_same_person: false,
            nik_lookups_per_day: 50,
            access_log_days: 730,
            office_name: "Dinas Sosial".into(),
            office_address: String::new(),
            office_logo: None,
            office_head: Default::default(),
            membership: Default::default(),
            protection: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let s = Settings::new(domain::Areas::embedded().regency("32.79").unwrap());
        assert_eq!(
            (
                s.visits.interval_days,
                s.visits.first_days,
                s.guidance_share_pct,
                s.nik_lookups_per_day
            ),
            (30, 30, 80, 50)
        );
        assert!(!s.allow_same_person && !s.public_page && !s.https);
        assert_eq!(s.office_name, "Dinas Sosial");
    }
}
