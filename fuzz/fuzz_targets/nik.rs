//! The NIK decoder and the person rules never panic, whatever the text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn areas() -> &'static domain::Areas {
    static A: OnceLock<domain::Areas> = OnceLock::new();
    A.get_or_init(domain::Areas::embedded)
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    if let Ok(n) = domain::nik::Nik::parse(&s, areas(), today) {
        assert_eq!(n.as_str().len(), 16);
        assert!(n.birth_date() <= today);
    }
    let _ = domain::nik::KkNumber::parse(&s, areas());
    let _ = domain::privacy::mask(&s);
    let _ = domain::money::Rupiah::parse(&s);
});
