//! The import templates: the fields in order, NIK-like columns as text, drop-down lists
//! of the region's villages and kecamatan, business types, categories, sexes and the
//! like, an example row and instructions in Bahasa Indonesia — XLSX, ODS and CSV.
use super::Kind;
use crate::{Context, Error, Result};
use domain::kube::{FundingSource, MemberRole};
use domain::person::Category;
use domain::Lang;
use sheets::{Cell, Template, TemplateColumn};

const INSTRUCTIONS: &[&str] = &[
    "PETUNJUK PENGISIAN",
    "1. Isi lembar Data mulai baris ke-2, satu baris per orang (contoh pengisian ada di bawah petunjuk ini). Jangan ubah judul kolom.",
    "2. NIK dan Nomor KK: 16 digit. Kolomnya sudah berformat Teks; jangan ubah ke format Angka — program spreadsheet membulatkan angka ke 15 digit sehingga digit terakhir NIK hilang.",
    "3. Tanggal: tulis hari dulu, mis. 17/08/1992 atau 17 Agustus 1992. Tahun ditulis lengkap (1992, bukan 92).",
    "4. Jenis kelamin, desa/kelurahan, kecamatan, kategori dan kolom pilihan lain: pilih dari daftar (klik sel, lalu panah). Desa boleh juga ditulis namanya saja; bila nama desa ada di dua kecamatan, isi juga kolom Kecamatan.",
    "5. Kategori boleh lebih dari satu, dipisah koma, mis. WRSE, Fakir miskin.",
    "6. RT/RW boleh ditulis 3 atau 003. Telepon ditulis lengkap dengan 0 di depan (08…).",
    "7. Terdaftar DTKS: ya atau tidak.",
    "8. KUBE: satu baris per anggota; baris dengan Nama KUBE dan desa yang sama menjadi satu kelompok. Peran: ketua, sekretaris, bendahara atau anggota.",
    "9. Simpan sebagai XLSX, ODS atau CSV, lalu unggah di menu Impor. Baris yang salah ditampilkan dengan kolom dan alasannya sebelum disimpan.",
];

/// The region's villages as a template lists them: code, name and kecamatan — the
/// import reads the code, a person reads the rest.
fn villages(cx: &Context) -> Vec<String> {
    cx.districts()
        .into_iter()
        .flat_map(|d| {
            cx.areas
                .children(&d.code)
                .into_iter()
                .map(move |v| format!("{} {} ({})", v.code, v.name, d.name))
        })
        .collect()
}

async fn choices(cx: &Context, code: &str) -> Result<Vec<String>> {
    let lang = Lang::Id;
    Ok(match code {
        "sex" => vec!["L".into(), "P".into()],
        "village_code" => villages(cx),
        "district" => cx.districts().into_iter().map(|d| d.name.clone()).collect(),
        "categories" => Category::ALL
            .iter()
            .map(|c| lang.t(c.label_key()).to_string())
            .collect(),
        "dtks_registered" => vec!["ya".into(), "tidak".into()],
        "household_role" => domain::membership::HouseholdRole::ALL
            .iter()
            .map(|c| c.code().to_string())
            .collect(),
        "occupation" => domain::membership::Occupation::ALL
            .iter()
            .map(|c| c.code().to_string())
            .collect(),
        "business_type" => cx
            .store
            .business_type_list()
            .await?
            .into_iter()
            .filter(|b| *b.active)
            .map(|b| b.name)
            .collect(),
        "funding_source" => FundingSource::ALL
            .iter()
            .map(|f| lang.t(f.label_key()).to_string())
            .collect(),
        "member_role" => MemberRole::ALL
            .iter()
            .map(|r| r.code().to_string())
            .collect(),
        _ => Vec::new(),
    })
}

fn example(cx: &Context, kind: Kind) -> Vec<Cell> {
    let t = |s: &str| Cell::Text(s.into());
    // A village of the office's own region, as its list writes it, and a NIK and KK of
    // the same kecamatan (a woman born 17-08-1992): the example is one consistent person.
    let village = villages(cx).into_iter().next().unwrap_or_default();
    let district: String = village
        .chars()
        .take(8)
        .filter(|c| c.is_ascii_digit())
        .collect();
    let nik = format!("{district}5708920003");
    let kk = format!("{district}0101100001");
    match kind {
        Kind::Persons => vec![
            t(&nik),
            t(&kk),
            t("Siti Aminah"),
            t("P"),
            Cell::Date("1992-08-17".into()),
            Cell::Text(village),
            Cell::Empty,
            t("003"),
            t("005"),
            t("Dusun Mekar"),
            t("081234567890"),
            t("WRSE, Fakir miskin"),
            t("ya"),
            Cell::Empty,
            Cell::Empty,
        ],
        Kind::Kube => vec![
            t("KUBE Mekar Jaya"),
            t("Ternak kambing"),
            Cell::Text(village),
            Cell::Empty,
            Cell::Date("2012-05-14".into()),
            t("APBD Kota/Kab."),
            Cell::Int(2012),
            Cell::Empty,
            t(&nik),
            t("ketua"),
        ],
        Kind::Dtsen => vec![t(&nik), t(&kk), t("Siti Aminah"), t("2"), t("2025-10")],
    }
}

/// A template: `ext` is `xlsx`, `ods` or `csv`.
pub async fn template_file(cx: &Context, kind: Kind, ext: &str) -> Result<Vec<u8>> {
    let mut columns = Vec::new();
    for c in kind.columns() {
        columns.push(TemplateColumn {
            heading: c.heading.to_string(),
            text: c.text,
            choices: choices(cx, c.code).await?,
        });
    }
    let t = Template {
        sheet: "Data".into(),
        columns,
        example: example(cx, kind),
        instructions_sheet: "Petunjuk".into(),
        instructions: INSTRUCTIONS.iter().map(|s| s.to_string()).collect(),
        lists_sheet: "Daftar".into(),
    };
    let out = match ext {
        "xlsx" => sheets::template_xlsx(&t),
        "ods" => sheets::template_ods(&t),
        "csv" => {
            // Dates day first, as the instructions ask (a spreadsheet's date cells are dates).
            let example: Vec<Cell> = t
                .example
                .iter()
                .map(|c| match c {
                    Cell::Date(iso) => Cell::Text(
                        chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
                            .map(|d| d.format("%d/%m/%Y").to_string())
                            .unwrap_or_else(|_| iso.clone()),
                    ),
                    other => other.clone(),
                })
                .collect();
            let header: Vec<&str> = t.columns.iter().map(|c| c.heading.as_str()).collect();
            sheets::write_csv_local(&header, &[example])
        }
        _ => return Err(Error::NotFound),
    };
    out.map_err(|e| {
        tracing::error!(error = %e, "template");
        Error::Internal
    })
}
