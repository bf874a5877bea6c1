//! Amounts in Indonesian words: never panic, never empty, always end in "rupiah".
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|n: u64| {
    let w = domain::aid::terbilang(n);
    assert!(!w.is_empty());
    let r = domain::aid::rupiah_in_words(domain::money::Rupiah::new((n >> 1) as i64));
    assert!(r.ends_with(" rupiah"));
});
