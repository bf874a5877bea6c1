//! DTSEN, the national socio-economic registry: the office imports its extract (see
//! `import`), and proposes (*usulan*) the KUBE members and beneficiaries it does not list
//! as poor or vulnerable — a spreadsheet sent after the village deliberation.
pub use crate::store::persons::UsulanRow;
use crate::{Caller, Context, Error, Result};
use sheets::Cell;

/// The persons to propose, of the caller's area (or one kecamatan of it). Office roles
/// only: the list carries NIKs and KK numbers in full.
pub async fn usulan(cx: &Context, c: &Caller, district: Option<&str>) -> Result<Vec<UsulanRow>> {
    if !c.role.sees_full_identity() {
        return Err(Error::Forbidden);
    }
    if district.is_some_and(|d| !c.sees_district(d)) {
        return Ok(Vec::new());
    }
    Ok(cx
        .store
        .dtsen_usulan(
            cx.settings.membership.max_decile,
            district,
            c.district_scope(),
        )
        .await?)
}

/// The list as the spreadsheet the office sends, its headings in Indonesian (the
/// national template's order: area, identity, address, why); the export is audited.
pub async fn usulan_xlsx(cx: &Context, c: &Caller, district: Option<&str>) -> Result<Vec<u8>> {
    let rows = usulan(cx, c, district).await?;
    let header = [
        "Kecamatan",
        "Desa/Kelurahan",
        "NIK",
        "No KK",
        "Nama",
        "Jenis Kelamin",
        "Tanggal Lahir",
        "Alamat",
        "KUBE",
        "Program",
        "Status DTSEN",
        "Periode DTSEN",
    ];
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let text = |s: &str| Cell::Text(s.to_string());
            let opt = |s: &Option<String>| s.as_deref().map(text).unwrap_or(Cell::Empty);
            vec![
                text(cx.areas.name(&r.district_code)),
                text(cx.areas.name(&r.village_code)),
                text(&r.nik),
                opt(&r.kk_number),
                text(&r.name),
                text(&r.sex),
                Cell::Date(r.birth_date.to_string()),
                opt(&r.address),
                opt(&r.kube),
                opt(&r.programme),
                text(&match r.dtsen_decile {
                    Some(d) => format!("Desil {d}"),
                    None => "Tidak terdaftar".into(),
                }),
                opt(&r.dtsen_period),
            ]
        })
        .collect();
    let bytes = sheets::write_xlsx("Usulan DTSEN", &header, &cells).map_err(|_| Error::Internal)?;
    let after = serde_json::json!({"format": "xlsx", "rows": rows.len(), "district": district});
    cx.store
        .audit_event(&c.actor, "export", "dtsen_usulan", "-", &after)
        .await?;
    crate::access::export(&cx.store, c, "dtsen_usulan", &after, rows.len() as i64).await?;
    Ok(bytes)
}
