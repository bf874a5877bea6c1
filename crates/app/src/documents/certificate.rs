//! The certificates of a training's or technical guidance's participants.
use domain::Lang;

/// Who a certificate is given to: the name and the village.
pub struct Certified {
    pub name: String,
    pub village: String,
}

/// The participation certificates of an event, one page each, in one PDF: an office
/// prints a training's certificates at once and has them signed in one sitting.
pub fn certificates_pdf(
    cx: &crate::Context,
    t: &crate::store::trainings::Training,
    people: &[Certified],
    agencies: &[String],
) -> Vec<u8> {
    let title = match people {
        [one] => format!("Sertifikat {}", one.name),
        _ => format!("Sertifikat {}", t.title),
    };
    let mut doc = crate::documents::document(cx, &title);
    for p in people {
        page(&mut doc, cx, t, p, agencies);
    }
    doc.to_bytes()
}

fn page(
    doc: &mut pdf::Document,
    cx: &crate::Context,
    t: &crate::store::trainings::Training,
    Certified { name, village }: &Certified,
    agencies: &[String],
) {
    use pdf::{Align, Font};
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
    // Signed by the head of the office, dated the last day of the event.
    let head = &cfg.office_head;
    let x = mid + 120.0;
    pg.text(
        x,
        232.0,
        10.0,
        Font::Regular,
        Align::Center,
        &format!(
            "{}, {}",
            // The place as letters are dated: "Banjar", not "Kota Banjar".
            {
                let region = cx.areas.name(cfg.region.as_str());
                region
                    .strip_prefix("Kota ")
                    .or_else(|| region.strip_prefix("Kabupaten "))
                    .unwrap_or(region)
            },
            domain::aid::tanggal(*t.ends_on)
        ),
    );
    super::signature(
        &mut pg,
        x,
        216.0,
        &[&super::head_title(cx)],
        head.full_name.as_deref().unwrap_or(""),
        head.nip.as_ref(),
    );
    pg.finish();
}
