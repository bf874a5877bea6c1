//! What the office's printed documents share: the letterhead, and tables that flow
//! over pages. Used by the BAST, certificates and reports.
use crate::AppState;
use pdf::{Align, Font, Page};

pub const LEFT: f64 = 56.0;
pub const RIGHT: f64 = pdf::WIDTH - 56.0;

/// The letterhead at the top of a page; returns the height below it.
pub fn letterhead(pg: &mut Page, state: &AppState) -> f64 {
    let cfg = &state.config;
    let mid = pdf::WIDTH / 2.0;
    let mut y = 790.0;
    pg.text(
        mid,
        y,
        12.0,
        Font::Bold,
        Align::Center,
        &format!(
            "PEMERINTAH {}",
            state.areas.name(cfg.region.as_str()).to_uppercase()
        ),
    );
    y -= 16.0;
    pg.text(
        mid,
        y,
        14.0,
        Font::Bold,
        Align::Center,
        &cfg.office_name.to_uppercase(),
    );
    y -= 14.0;
    pg.text(
        mid,
        y,
        9.0,
        Font::Regular,
        Align::Center,
        &cfg.office_address,
    );
    y -= 8.0;
    pg.line(LEFT, y, RIGHT, y, 1.5);
    y - 26.0
}

/// A report as a printable PDF: letterhead, title, and the table over as many pages as
/// needed (the header row repeated on each).
pub fn table_pdf(
    state: &AppState,
    title: &str,
    subtitle: &str,
    header: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
) -> Vec<u8> {
    let mut doc = pdf::Document::new(title);
    let width = RIGHT - LEFT;
    let n = header.len().max(1);
    // The first column (a name) gets more room.
    let first = (width * 0.34).min(200.0);
    let rest = (width - first) / (n.saturating_sub(1).max(1)) as f64;
    let edge = |i: usize| {
        if i == 0 {
            LEFT
        } else {
            LEFT + first + rest * (i - 1) as f64
        }
    };
    let mut i = 0;
    let mut page_no = 1;
    loop {
        let mut pg = doc.page();
        let mut y = letterhead(&mut pg, state);
        pg.text(pdf::WIDTH / 2.0, y, 12.0, Font::Bold, Align::Center, title);
        y -= 14.0;
        pg.text(
            pdf::WIDTH / 2.0,
            y,
            9.0,
            Font::Regular,
            Align::Center,
            subtitle,
        );
        y -= 22.0;
        let cell = |pg: &mut Page, c: usize, y: f64, font: Font, s: &str| {
            let s: String = s.chars().take(if c == 0 { 40 } else { 18 }).collect();
            if numeric.get(c).copied().unwrap_or(false) {
                pg.text(edge(c + 1) - 3.0, y, 8.0, font, Align::Right, &s);
            } else {
                pg.text(edge(c) + 3.0, y, 8.0, font, Align::Left, &s);
            }
        };
        pg.line(LEFT, y + 11.0, RIGHT, y + 11.0, 0.8);
        for (c, h) in header.iter().enumerate() {
            cell(&mut pg, c, y, Font::Bold, h);
        }
        y -= 5.0;
        pg.line(LEFT, y, RIGHT, y, 0.8);
        y -= 11.0;
        while i < rows.len() && y > 70.0 {
            for (c, v) in rows[i].iter().enumerate() {
                cell(&mut pg, c, y, Font::Regular, v);
            }
            y -= 12.0;
            i += 1;
        }
        pg.line(LEFT, y + 6.0, RIGHT, y + 6.0, 0.5);
        pg.text(
            RIGHT,
            40.0,
            8.0,
            Font::Regular,
            Align::Right,
            &format!("Halaman {page_no}"),
        );
        pg.finish();
        page_no += 1;
        if i >= rows.len() {
            break;
        }
    }
    doc.to_bytes()
}
