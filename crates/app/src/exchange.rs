//! The files an office sends to the province and the ministry: the *rekap* (KUBE counted
//! by kecamatan, business type, funding source, year, status and level) and the groups'
//! file (each group with its officers, members' NIK and the goods it received). Both name
//! areas by the national (Kemendagri) codes; their layouts are in the README. Exports
//! are audited; the groups' file carries NIKs in full, so it is the office's.
pub use crate::store::exchange::ExchangeFilter;
use crate::store::exchange::{GroupRow, MemberRow};
use crate::{Caller, Context, Error, Result};
use domain::kube::MemberRole;
use sheets::Cell;
use std::collections::HashMap;

/// The rekap's columns, in order (README "Exchange files").
pub const REKAP_COLUMNS: [&str; 12] = [
    "Kode Provinsi",
    "Kode Kabupaten/Kota",
    "Kode Kecamatan",
    "Kecamatan",
    "Kode Jenis Usaha",
    "Jenis Usaha",
    "Sumber Dana",
    "Tahun Pembentukan",
    "Status",
    "Tingkat",
    "Jumlah KUBE",
    "Jumlah Anggota",
];

/// The groups' file: one sheet of groups, one of members, one of goods received.
pub const GROUP_COLUMNS: [&str; 23] = [
    "Nomor Registrasi",
    "Nama KUBE",
    "Kode Provinsi",
    "Kode Kabupaten/Kota",
    "Kode Kecamatan",
    "Kecamatan",
    "Kode Desa/Kelurahan",
    "Desa/Kelurahan",
    "Jenis Usaha",
    "Sumber Dana",
    "Tanggal Pembentukan",
    "Status",
    "Tingkat",
    "Tanggal Penilaian",
    "Jumlah Anggota",
    "Ketua",
    "NIK Ketua",
    "Sekretaris",
    "NIK Sekretaris",
    "Bendahara",
    "NIK Bendahara",
    "Pendamping",
    "Nilai Bantuan Diterima",
];
pub const MEMBER_COLUMNS: [&str; 8] = [
    "Nomor Registrasi",
    "Nama KUBE",
    "NIK",
    "No KK",
    "Nama",
    "Jenis Kelamin",
    "Jabatan",
    "Tanggal Bergabung",
];
pub const AID_COLUMNS: [&str; 11] = [
    "Nomor Registrasi",
    "Nama KUBE",
    "Program",
    "Tahun Program",
    "Barang",
    "Satuan",
    "Jumlah",
    "Harga Satuan",
    "Nilai",
    "Tanggal Serah Terima",
    "Nomor BAST",
];

/// A level as the files write it: the latest checklist's, or why there is none.
fn level_code(level: &str) -> &str {
    match level {
        "never" => "belum_pernah_dinilai",
        "below" => "belum_tumbuh",
        l => l,
    }
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// Province (`32`), regency (`32.79`) and kecamatan codes of a kecamatan code.
fn region_cells(district: &str) -> [Cell; 3] {
    let prefix = |n: usize| text(district.get(..n).unwrap_or(district));
    [prefix(2), prefix(5), text(district)]
}

/// Narrows `f` to what the caller sees: a group outside the area reads as none.
async fn checked<'a>(
    cx: &Context,
    c: &Caller,
    f: ExchangeFilter<'a>,
) -> Result<ExchangeFilter<'a>> {
    if let Some(id) = f.kube_id {
        crate::scope::kube(cx, c, id).await?;
    }
    if f.district.is_some_and(|d| !c.sees_district(d)) {
        return Err(Error::NotFound);
    }
    Ok(f)
}

async fn business_names(cx: &Context) -> Result<HashMap<String, String>> {
    Ok(cx
        .store
        .business_type_list()
        .await?
        .into_iter()
        .map(|b| (b.code, b.name))
        .collect())
}

/// The rekap as XLSX, for any role in its area (counts only); audited.
pub async fn rekap_xlsx(cx: &Context, c: &Caller, f: ExchangeFilter<'_>) -> Result<Vec<u8>> {
    let f = checked(cx, c, f).await?;
    let rows = cx.store.exchange_rekap(c.district_scope(), f).await?;
    let names = business_names(cx).await?;
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let mut row: Vec<Cell> = region_cells(&r.district_code).into();
            row.extend([
                text(cx.areas.name(&r.district_code)),
                text(&r.business_type),
                text(names.get(&r.business_type).unwrap_or(&r.business_type)),
                text(&r.funding_source),
                Cell::Int(r.formed_year),
                text(&r.status),
                text(level_code(&r.level)),
                Cell::Int(r.n),
                Cell::Int(r.members),
            ]);
            row
        })
        .collect();
    let bytes =
        sheets::write_xlsx("Rekap KUBE", &REKAP_COLUMNS, &cells).map_err(|_| Error::Internal)?;
    audit(cx, c, "exchange_rekap", &f, rows.len()).await?;
    Ok(bytes)
}

async fn audit(
    cx: &Context,
    c: &Caller,
    what: &str,
    f: &ExchangeFilter<'_>,
    rows: usize,
) -> Result<()> {
    let after = serde_json::json!({"format": "xlsx", "rows": rows, "district": f.district,
        "year": f.year, "kube_id": f.kube_id});
    cx.store
        .audit_event(&c.actor, "export", what, "-", &after)
        .await?;
    crate::access::export(&cx.store, c, what, &after, rows as i64).await
}

/// The groups' file as XLSX (sheets KUBE, Anggota, Bantuan): office roles only, as it
/// carries NIKs in full; audited.
pub async fn groups_xlsx(cx: &Context, c: &Caller, f: ExchangeFilter<'_>) -> Result<Vec<u8>> {
    if !c.role.sees_full_identity() {
        return Err(Error::Forbidden);
    }
    let f = checked(cx, c, f).await?;
    let scope = c.district_scope();
    let groups = cx.store.exchange_groups(scope, f).await?;
    let members = cx.store.exchange_members(scope, f).await?;
    let aid = cx.store.exchange_aid(scope, f).await?;
    let names = business_names(cx).await?;
    let by_id: HashMap<i64, &GroupRow> = groups.iter().map(|g| (g.id, g)).collect();
    let officer = |kube: i64, role: MemberRole| -> [Cell; 2] {
        match members
            .iter()
            .find(|m| m.kube_id == kube && m.role == role.code())
        {
            Some(m) => [text(&m.name), text(&m.nik)],
            None => [Cell::Empty, Cell::Empty],
        }
    };
    let group_cells: Vec<Vec<Cell>> = groups
        .iter()
        .map(|g| {
            let mut row = vec![text(&g.registration_number), text(&g.name)];
            row.extend(region_cells(&g.district_code));
            row.extend([
                text(cx.areas.name(&g.district_code)),
                text(&g.village_code),
                text(cx.areas.name(&g.village_code)),
                text(names.get(&g.business_type).unwrap_or(&g.business_type)),
                text(&g.funding_source),
                Cell::Date(g.formed_on.to_string()),
                text(&g.status),
                text(level_code(&g.level)),
                g.checklist_on
                    .map(|d| Cell::Date(d.to_string()))
                    .unwrap_or(Cell::Empty),
                Cell::Int(g.member_count),
            ]);
            for role in [
                MemberRole::Ketua,
                MemberRole::Sekretaris,
                MemberRole::Bendahara,
            ] {
                row.extend(officer(g.id, role));
            }
            row.push(g.pendamping.as_deref().map(text).unwrap_or(Cell::Empty));
            row.push(Cell::Int(g.aid_value));
            row
        })
        .collect();
    let of = |kube: i64| -> [Cell; 2] {
        match by_id.get(&kube) {
            Some(g) => [text(&g.registration_number), text(&g.name)],
            None => [Cell::Empty, Cell::Empty],
        }
    };
    let member_cells: Vec<Vec<Cell>> = members
        .iter()
        .map(|m: &MemberRow| {
            let mut row: Vec<Cell> = of(m.kube_id).into();
            row.extend([
                text(&m.nik),
                m.kk_number.as_deref().map(text).unwrap_or(Cell::Empty),
                text(&m.name),
                text(&m.sex),
                text(&m.role),
                Cell::Date(m.joined_on.to_string()),
            ]);
            row
        })
        .collect();
    let aid_cells: Vec<Vec<Cell>> = aid
        .iter()
        .map(|a| {
            let mut row: Vec<Cell> = of(a.kube_id).into();
            row.extend([
                text(&a.programme),
                Cell::Int(a.programme_year),
                text(&a.item),
                text(&a.unit),
                Cell::Int(a.quantity),
                Cell::Int(a.unit_price),
                Cell::Int(a.quantity.saturating_mul(a.unit_price)),
                a.delivered_on
                    .map(|d| Cell::Date(d.to_string()))
                    .unwrap_or(Cell::Empty),
                a.bast_number.as_deref().map(text).unwrap_or(Cell::Empty),
            ]);
            row
        })
        .collect();
    let io = |_| Error::Internal;
    let mut x = sheets::XlsxRows::new("KUBE", &GROUP_COLUMNS, false).map_err(io)?;
    x.add(&group_cells).map_err(io)?;
    x.sheet("Anggota", &MEMBER_COLUMNS).map_err(io)?;
    x.add(&member_cells).map_err(io)?;
    x.sheet("Bantuan", &AID_COLUMNS).map_err(io)?;
    x.add(&aid_cells).map_err(io)?;
    let bytes = x.finish().map_err(io)?;
    audit(cx, c, "exchange_kube", &f, groups.len()).await?;
    Ok(bytes)
}
