//! The office's printed documents (PDF): the BAST, certificates, and what they and the
//! reports share: the letterhead, and tables that flow over pages.
use pdf::{Align, Font, Page};

mod bast;
mod certificate;
mod letter;
pub use bast::bast_pdf;
pub use certificate::{certificates_pdf, Certified};
pub use letter::{letter_pdf, Letter};

pub const LEFT: f64 = 56.0;
pub const RIGHT: f64 = pdf::WIDTH - 56.0;

/// "PEMERINTAH <region>" and the office's name, centred from `y` down; returns the
/// line of the name.
pub fn heading(pg: &mut Page, cx: &crate::Context, y: f64, name_size: f64) -> f64 {
    let mid = pdf::WIDTH / 2.0;
    let region = cx.areas.name(cx.settings.region.as_str()).to_uppercase();
    pg.text(
        mid,
        y,
        12.0,
        Font::Bold,
        Align::Center,
        &format!("PEMERINTAH {region}"),
    );
    let y = y - 16.0;
    let name = cx.settings.office_name.to_uppercase();
    pg.text(mid, y, name_size, Font::Bold, Align::Center, &name);
    y
}

/// The letterhead at the top of a page; returns the height below it.
pub fn letterhead(pg: &mut Page, cx: &crate::Context) -> f64 {
    let cfg = &cx.settings;
    let mid = pdf::WIDTH / 2.0;
    // The logo, if configured, stands at the left of the heading.
    pg.image(LEFT, 762.0, 44.0);
    let mut y = heading(pg, cx, 790.0, 14.0);
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

/// A signature block centred on `x`, from `y` down: the title lines, room to sign, the
/// signer's name in bold (blank when unknown, to be written by hand) and the NIP.
pub fn signature(
    pg: &mut Page,
    x: f64,
    mut y: f64,
    titles: &[&str],
    name: &str,
    nip: Option<&domain::user::Nip>,
) {
    for (i, t) in titles.iter().enumerate() {
        let font = if i == 0 && titles.len() > 1 {
            Font::Bold
        } else {
            Font::Regular
        };
        pg.text(x, y, 10.0, font, Align::Center, t);
        y -= 12.0;
    }
    y -= 48.0;
    pg.line(x - 70.0, y, x + 70.0, y, 0.5);
    y -= 12.0;
    pg.text(x, y, 9.0, Font::Bold, Align::Center, name);
    if let Some(nip) = nip {
        pg.text(
            x,
            y - 11.0,
            9.0,
            Font::Regular,
            Align::Center,
            &format!("NIP. {}", nip.as_str()),
        );
    }
}

/// The head of the office's title as it signs: the configured position, else
/// "Kepala <office>".
pub fn head_title(cx: &crate::Context) -> String {
    let cfg = &cx.settings;
    cfg.office_head
        .position
        .clone()
        .unwrap_or_else(|| format!("Kepala {}", cfg.office_name))
}

/// A document that can show the office's logo.
pub fn document(cx: &crate::Context, title: &str) -> pdf::Document {
    pdf::Document::new(title).with_image(cx.settings.office_logo.clone())
}

/// A report as a printable PDF: letterhead, title, and the table over as many pages as
/// needed (the header row repeated on each); then `notes`, each a heading and its text
/// wrapped to the page.
pub fn table_pdf(
    cx: &crate::Context,
    title: &str,
    subtitle: &str,
    header: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
    notes: &[(String, String)],
) -> Vec<u8> {
    let mut doc = document(cx, title);
    let width = RIGHT - LEFT;
    let n = header.len().max(1);
    // Each column as wide as its widest text (header words may wrap onto two lines),
    // then all scaled to the page.
    let words_w = |h: &str| {
        h.split_whitespace()
            .map(|w| pdf::text_width(w, 8.0, Font::Bold))
            .fold(0.0, f64::max)
    };
    let mut widths: Vec<f64> = (0..n)
        .map(|c| {
            let cells = rows
                .iter()
                .map(|r| {
                    pdf::text_width(
                        r.get(c).map(String::as_str).unwrap_or(""),
                        8.0,
                        Font::Regular,
                    )
                })
                .fold(0.0, f64::max);
            cells.max(words_w(&header[c])).max(18.0) + 8.0
        })
        .collect();
    let total: f64 = widths.iter().sum();
    for w in &mut widths {
        *w *= width / total;
    }
    let edges: Vec<f64> = std::iter::once(LEFT)
        .chain(widths.iter().scan(LEFT, |x, w| {
            *x += w;
            Some(*x)
        }))
        .collect();
    let edge = |i: usize| edges[i.min(n)];
    let mut i = 0;
    let mut page_no = 1;
    loop {
        let mut pg = doc.page();
        let mut y = letterhead(&mut pg, cx);
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
            // Cut what does not fit its column.
            let room = edge(c + 1) - edge(c) - 6.0;
            let mut s = s.to_string();
            while pdf::text_width(&s, 8.0, font) > room && s.chars().count() > 1 {
                s.pop();
            }
            if numeric.get(c).copied().unwrap_or(false) {
                pg.text(edge(c + 1) - 3.0, y, 8.0, font, Align::Right, &s);
            } else {
                pg.text(edge(c) + 3.0, y, 8.0, font, Align::Left, &s);
            }
        };
        pg.line(LEFT, y + 11.0, RIGHT, y + 11.0, 0.8);
        // Header cells wrap onto a second line when they are wider than their column.
        let mut second = false;
        for (c, h) in header.iter().enumerate() {
            let room = edge(c + 1) - edge(c) - 6.0;
            let lines = pdf::wrap(h, room, 8.0, Font::Bold);
            cell(
                &mut pg,
                c,
                y,
                Font::Bold,
                lines.first().map(String::as_str).unwrap_or(""),
            );
            if let Some(rest) = lines.get(1..).filter(|r| !r.is_empty()) {
                cell(&mut pg, c, y - 10.0, Font::Bold, &rest.join(" "));
                second = true;
            }
        }
        if second {
            y -= 10.0;
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
        let done = i >= rows.len();
        if done {
            y -= 14.0;
            for (heading, text) in notes {
                let lines = pdf::wrap(text, RIGHT - LEFT, 9.0, Font::Regular);
                // A note starts on a new page when its heading and first line do not fit.
                if y < 70.0 + 24.0 {
                    page_number(&mut pg, page_no);
                    pg.finish();
                    page_no += 1;
                    pg = doc.page();
                    y = letterhead(&mut pg, cx);
                }
                pg.text(LEFT, y, 10.0, Font::Bold, Align::Left, heading);
                y -= 13.0;
                for l in lines {
                    if y < 70.0 {
                        page_number(&mut pg, page_no);
                        pg.finish();
                        page_no += 1;
                        pg = doc.page();
                        y = letterhead(&mut pg, cx);
                    }
                    pg.text(LEFT, y, 9.0, Font::Regular, Align::Left, &l);
                    y -= 11.0;
                }
                y -= 8.0;
            }
        }
        page_number(&mut pg, page_no);
        pg.finish();
        page_no += 1;
        if done {
            break;
        }
    }
    doc.to_bytes()
}

fn page_number(pg: &mut Page, n: usize) {
    pg.text(
        RIGHT,
        40.0,
        8.0,
        Font::Regular,
        Align::Right,
        &format!("Halaman {n}"),
    );
}
