//! Berita Acara Serah Terima: the record of goods handed over to a KUBE.
use crate::store::aid::ProposalDetail;
use domain::aid::rupiah_in_words;
use domain::money::Rupiah;
use domain::Lang;

/// Berita Acara Serah Terima: letterhead, number, date, the parties, the goods with
/// quantities, prices and total, the total in words, and signature blocks.
pub fn bast_pdf(
    cx: &crate::Context,
    d: &ProposalDetail,
    k: &crate::store::kube::KubeDetail,
    prog: &crate::store::aid::Programme,
    approver: Option<&crate::store::users::User>,
) -> Vec<u8> {
    use pdf::{Align, Font};
    let cfg = &cx.settings;
    let p = &d.proposal;
    let mut doc = crate::documents::document(
        cx,
        &format!("BAST {}", p.bast_number.as_deref().unwrap_or("")),
    );
    let mut pg = doc.page();
    let (l, r) = (crate::documents::LEFT, crate::documents::RIGHT);
    let mid = pdf::WIDTH / 2.0;
    let mut y = crate::documents::letterhead(&mut pg, cx);
    pg.text(
        mid,
        y,
        12.0,
        Font::Bold,
        Align::Center,
        "BERITA ACARA SERAH TERIMA BARANG",
    );
    y -= 14.0;
    pg.text(
        mid,
        y,
        10.0,
        Font::Regular,
        Align::Center,
        &format!("Nomor: {}", p.bast_number.as_deref().unwrap_or("-")),
    );
    y -= 26.0;
    let date = p
        .delivered_on
        .map(|d| domain::aid::tanggal_in_words(*d))
        .unwrap_or_default();
    let place = p
        .place
        .clone()
        .unwrap_or_else(|| cx.areas.name(&k.kube.village_code).to_string());
    for line in pdf::wrap(
        &format!("Pada hari ini, {date}, bertempat di {place}, yang bertanda tangan di bawah ini:"),
        r - l,
        10.0,
        Font::Regular,
    ) {
        pg.text(l, y, 10.0, Font::Regular, Align::Left, &line);
        y -= 14.0;
    }
    y -= 4.0;
    pg.text(l, y, 10.0, Font::Bold, Align::Left, "PIHAK PERTAMA");
    pg.text(
        l + 110.0,
        y,
        10.0,
        Font::Regular,
        Align::Left,
        &format!(": {}", cfg.office_name),
    );
    y -= 14.0;
    pg.text(l, y, 10.0, Font::Bold, Align::Left, "PIHAK KEDUA");
    pg.text(
        l + 110.0,
        y,
        10.0,
        Font::Regular,
        Align::Left,
        &format!(
            ": {}, atas nama {}",
            p.receiver.as_deref().unwrap_or("-"),
            k.kube.name
        ),
    );
    y -= 14.0;
    pg.text(
        l + 110.0,
        y,
        10.0,
        Font::Regular,
        Align::Left,
        &format!(
            "  {} · {}, {}",
            k.kube.registration_number,
            cx.areas.name(&k.kube.village_code),
            cx.areas.name(&k.kube.district_code)
        ),
    );
    y -= 20.0;
    for line in pdf::wrap(
        &format!("PIHAK PERTAMA menyerahkan kepada PIHAK KEDUA bantuan dalam bentuk barang dari program {} tahun {} ({}), dengan rincian:",
            prog.name,
            prog.year,
            Lang::Id.t(prog.funding_source.label_key())
        ),
        r - l,
        10.0,
        Font::Regular,
    ) {
        pg.text(l, y, 10.0, Font::Regular, Align::Left, &line);
        y -= 14.0;
    }
    y -= 6.0;
    // The item table: six cells between seven edges; numbers right-aligned.
    let edges = [l, l + 24.0, l + 200.0, l + 250.0, l + 300.0, l + 395.0, r];
    let right = [false, false, true, false, true, true];
    let cell = |pg: &mut pdf::Page, i: usize, y: f64, font: Font, s: &str| {
        if right[i] {
            pg.text(edges[i + 1] - 4.0, y, 9.0, font, Align::Right, s);
        } else {
            pg.text(edges[i] + 3.0, y, 9.0, font, Align::Left, s);
        }
    };
    pg.line(l, y + 12.0, r, y + 12.0, 0.8);
    for (i, h) in [
        "No",
        "Nama barang",
        "Jumlah",
        "Satuan",
        "Harga satuan",
        "Jumlah harga",
    ]
    .iter()
    .enumerate()
    {
        cell(&mut pg, i, y, Font::Bold, h);
    }
    y -= 6.0;
    pg.line(l, y, r, y, 0.8);
    y -= 12.0;
    let mut total = 0;
    for (n, it) in d
        .items
        .iter()
        .filter(|i| i.delivered_quantity.unwrap_or(0) > 0)
        .enumerate()
    {
        let q = it.delivered_quantity.unwrap_or(0);
        let sub = q * it.unit_price;
        total += sub;
        let texts = [
            (n + 1).to_string(),
            it.name.clone(),
            q.to_string(),
            it.unit.clone(),
            Rupiah::new(it.unit_price).to_string(),
            Rupiah::new(sub).to_string(),
        ];
        for (i, t) in texts.iter().enumerate() {
            cell(&mut pg, i, y, Font::Regular, t);
        }
        y -= 14.0;
    }
    pg.line(l, y + 8.0, r, y + 8.0, 0.8);
    y -= 4.0;
    pg.text(edges[5] - 4.0, y, 10.0, Font::Bold, Align::Right, "TOTAL");
    pg.text(
        r - 4.0,
        y,
        10.0,
        Font::Bold,
        Align::Right,
        &Rupiah::new(total).to_string(),
    );
    y -= 18.0;
    for line in pdf::wrap(
        &format!("Terbilang: {}", rupiah_in_words(Rupiah::new(total))),
        r - l,
        10.0,
        Font::Regular,
    ) {
        pg.text(l, y, 10.0, Font::Regular, Align::Left, &line);
        y -= 14.0;
    }
    y -= 6.0;
    for line in pdf::wrap(
        "Barang tersebut menjadi aset kelompok, bukan milik perorangan anggota, dan digunakan untuk usaha bersama. Berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.",
        r - l,
        10.0,
        Font::Regular,
    ) {
        pg.text(l, y, 10.0, Font::Regular, Align::Left, &line);
        y -= 14.0;
    }
    // The signatures stay together: to the next page when they would not fit (about 300 pt).
    let mut pg = if y < 330.0 {
        pg.finish();
        y = pdf::HEIGHT - 80.0;
        doc.page()
    } else {
        pg
    };
    y -= 30.0;
    let left_x = l + 80.0;
    let right_x = r - 80.0;
    let chair = format!("Ketua {}", k.kube.name);
    super::signature(
        &mut pg,
        left_x,
        y,
        &["PIHAK KEDUA", &chair],
        p.receiver.as_deref().unwrap_or(""),
        None,
    );
    let position = approver
        .and_then(|u| u.identity.position.clone())
        .unwrap_or_else(|| "Kepala Bidang".into());
    super::signature(
        &mut pg,
        right_x,
        y,
        &["PIHAK PERTAMA", &position],
        approver.map(|u| u.display_name()).unwrap_or(""),
        approver.and_then(|u| u.identity.nip.as_ref()),
    );
    // "Mengetahui": the head of the office, below and between the two parties.
    let head = &cfg.office_head;
    super::signature(
        &mut pg,
        mid,
        y - 124.0,
        &["Mengetahui,", &super::head_title(cx)],
        head.full_name.as_deref().unwrap_or(""),
        head.nip.as_ref(),
    );
    pg.finish();
    doc.to_bytes()
}
