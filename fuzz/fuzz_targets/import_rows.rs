//! Spreadsheet and CSV reading, finding the columns and reading the cells (day-first
//! dates, villages by name, numbers in NIK columns) never panic.
#![no_main]
use domain::import::{kube_groups, layout, person_inputs, Cell, KUBE_COLUMNS, PERSON_COLUMNS};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn areas() -> &'static domain::Areas {
    static A: OnceLock<domain::Areas> = OnceLock::new();
    A.get_or_init(domain::Areas::embedded)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(rows) = sheets::read_values(data, &sheets::Limits::UPLOAD, None) {
        let table: Vec<Vec<Cell>> = rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|v| match v {
                        sheets::Value::Number(f) => Cell::Number(f),
                        sheets::Value::Empty => Cell::Empty,
                        other => Cell::Text(other.text()),
                    })
                    .collect()
            })
            .collect();
        let region = areas().regency("32.79").expect("Kota Banjar");
        if let Ok(l) = layout(&table, PERSON_COLUMNS, &Vec::new()) {
            let _ = person_inputs(&table, &l, areas(), &region);
        }
        if let Ok(l) = layout(&table, KUBE_COLUMNS, &Vec::new()) {
            let _ = kube_groups(&table, &l, areas(), &region);
        }
    }
    let _ = domain::attachment::sniff(data);
});
