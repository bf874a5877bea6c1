//! Spreadsheet and CSV reading and the row-to-person mapping never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = sheets::read(data, &sheets::Limits::UPLOAD) {
        let _ = domain::import::person_inputs(&table);
        let _ = domain::import::kube_groups(&table);
    }
    let _ = domain::attachment::sniff(data);
});
