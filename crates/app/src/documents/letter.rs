//! A letter of the office: letterhead, place and date, number, addressee, subject, the
//! paragraphs wrapped over as many pages as they need, and the head's signature block.
use pdf::{Align, Font};

pub struct Letter<'a> {
    pub title: &'a str,
    pub number: &'a str,
    pub date: chrono::NaiveDate,
    pub to: &'a [String],
    pub subject: &'a str,
    pub paragraphs: &'a [String],
}

pub fn letter_pdf(cx: &crate::Context, l: &Letter) -> Vec<u8> {
    let (left, right) = (super::LEFT, super::RIGHT);
    let mut doc = super::document(cx, l.title);
    let mut pg = doc.page();
    let mut y = super::letterhead(&mut pg, cx);
    let region = cx.areas.name(cx.settings.region.as_str()).to_string();
    // "Kota Banjar" signs as "Banjar".
    let place = ["KOTA ", "KABUPATEN ", "KAB. "]
        .iter()
        .find(|p| region.to_uppercase().starts_with(*p))
        .map(|p| region[p.len()..].to_string())
        .unwrap_or(region);
    pg.text(
        right,
        y,
        10.0,
        Font::Regular,
        Align::Right,
        &format!("{place}, {}", domain::dates::in_letters(l.date)),
    );
    y -= 18.0;
    for (k, v) in [("Nomor", l.number), ("Perihal", l.subject)] {
        pg.text(left, y, 10.0, Font::Regular, Align::Left, k);
        pg.text(
            left + 60.0,
            y,
            10.0,
            Font::Regular,
            Align::Left,
            &format!(": {v}"),
        );
        y -= 14.0;
    }
    y -= 10.0;
    pg.text(left, y, 10.0, Font::Regular, Align::Left, "Kepada Yth.");
    y -= 14.0;
    for t in l.to {
        pg.text(left, y, 10.0, Font::Bold, Align::Left, t);
        y -= 14.0;
    }
    y -= 12.0;
    for p in l.paragraphs {
        for line in pdf::wrap(p, right - left, 10.0, Font::Regular) {
            if y < 80.0 {
                pg.finish();
                pg = doc.page();
                y = super::letterhead(&mut pg, cx);
            }
            pg.text(left, y, 10.0, Font::Regular, Align::Left, &line);
            y -= 14.0;
        }
        y -= 8.0;
    }
    if y < 200.0 {
        pg.finish();
        pg = doc.page();
        y = super::letterhead(&mut pg, cx);
    }
    let head = &cx.settings.office_head;
    let title = super::head_title(cx);
    super::signature(
        &mut pg,
        right - 100.0,
        y - 10.0,
        &[&title],
        head.full_name.as_deref().unwrap_or(""),
        head.nip.as_ref(),
    );
    pg.finish();
    doc.to_bytes()
}
