//! The certificate of a training or technical-guidance participant.
use domain::Lang;

/// A participant's participation certificate, as PDF.
pub fn certificate_pdf(
    cx: &crate::Context,
    t: &crate::store::trainings::Training,
    name: &str,
    village: &str,
    agencies: &[String],
) -> Vec<u8> {
    use pdf::{Align, Font};
    let mut doc = crate::documents::document(cx, &format!("Sertifikat {name}"));
    let mut pg = doc.page();
    let mid = pdf::WIDTH / 2.0;
    let cfg = &cx.settings;
    pg.rect(36.0, 36.0, pdf::WIDTH - 72.0, pdf::HEIGHT - 72.0, 2.0);
    pg.rect(44.0, 44.0, pdf::WIDTH - 88.0, pdf::HEIGHT - 88.0, 0.5);
    let mut y = super::heading(&mut pg, cx, 740.0, 13.0);
    y -= 80.0;
    pg.text(mid, y, 26.0, Font::Bold, Align::Center, "SERTIFIKAT");
    y -= 40.0;
    pg.text(
        mid,
        y,
        12.0,
        Font::Regular,
        Align::Center,
        "diberikan kepada",
    );
    y -= 36.0;
    pg.text(mid, y, 20.0, Font::Bold, Align::Center, name);
    y -= 20.0;
    pg.text(mid, y, 11.0, Font::Regular, Align::Center, village);
    y -= 40.0;
    let kind = Lang::Id.t(t.kind.label_key());
    let period = if t.starts_on == t.ends_on {
        domain::aid::tanggal(*t.starts_on)
    } else {
        format!(
            "{} s.d. {}",
            domain::aid::tanggal(*t.starts_on),
            domain::aid::tanggal(*t.ends_on)
        )
    };
    for line in pdf::wrap(
        &format!(
            "sebagai peserta {kind} \"{}\" yang diselenggarakan pada {period} di {}.",
            t.title,
            cx.areas.name(&t.village_code)
        ),
        420.0,
        12.0,
        Font::Regular,
    ) {
        pg.text(mid, y, 12.0, Font::Regular, Align::Center, &line);
        y -= 18.0;
    }
    if !agencies.is_empty() {
        y -= 6.0;
        pg.text(
            mid,
            y,
            10.0,
            Font::Regular,
            Align::Center,
            &format!("bekerja sama dengan {}", agencies.join(", ")),
        );
    }
    pg.text(
        mid + 120.0,
        210.0,
        11.0,
        Font::Regular,
        Align::Center,
        &cfg.office_name,
    );
    pg.line(mid + 50.0, 140.0, mid + 190.0, 140.0, 0.5);
    pg.text(
        mid + 120.0,
        126.0,
        10.0,
        Font::Regular,
        Align::Center,
        "Kepala Bidang",
    );
    pg.finish();
    doc.to_bytes()
}
