//! The fields of the person and KUBE imports: headings, the aliases offices use, hints;
//! and how a heading is normalised and matched.

/// A field of an import: its code, the template's heading, whether it must be there,
/// and the headings offices use for it (normalised: lower case, `_` between words).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub code: &'static str,
    pub heading: &'static str,
    pub required: bool,
    pub aliases: &'static [&'static str],
    /// Words that make a heading a likely match, offered to the operator to confirm.
    pub hints: &'static [&'static str],
    /// The template formats the column as text (numbers that are not quantities).
    pub text: bool,
}

pub(super) const fn col(
    code: &'static str,
    heading: &'static str,
    required: bool,
    aliases: &'static [&'static str],
    hints: &'static [&'static str],
    text: bool,
) -> Column {
    Column {
        code,
        heading,
        required,
        aliases,
        hints,
        text,
    }
}

/// Person columns in template order.
pub const PERSON_COLUMNS: &[Column] = &[
    col(
        "nik",
        "NIK",
        true,
        &[
            "no_nik",
            "nomor_nik",
            "nik_ktp",
            "no_ktp",
            "nomor_ktp",
            "nomor_induk_kependudukan",
        ],
        &["nik", "ktp"],
        true,
    ),
    col(
        "kk_number",
        "Nomor KK",
        false,
        &[
            "kk",
            "no_kk",
            "nomor_kk",
            "no_kartu_keluarga",
            "nomor_kartu_keluarga",
        ],
        &["kk", "keluarga"],
        true,
    ),
    col(
        "name",
        "Nama",
        true,
        &[
            "nama_lengkap",
            "nama_penerima",
            "nama_anggota",
            "nama_warga",
        ],
        &["nama"],
        false,
    ),
    col(
        "sex",
        "Jenis Kelamin (L/P)",
        true,
        &["jenis_kelamin", "jk", "l_p", "kelamin"],
        &["kelamin", "jk", "l_p"],
        false,
    ),
    col(
        "birth_date",
        "Tanggal Lahir",
        true,
        &["tgl_lahir", "tgl_lhr", "tanggal_lhr"],
        &["lahir", "lhr"],
        false,
    ),
    col(
        "village_code",
        "Desa/Kelurahan",
        true,
        &[
            "kode_desa",
            "desa",
            "kelurahan",
            "desa_kel",
            "desa_kelurahan",
            "nama_desa",
            "village",
        ],
        &["desa", "kel"],
        false,
    ),
    col(
        "district",
        "Kecamatan",
        false,
        &["kec", "nama_kecamatan"],
        &["kec"],
        false,
    ),
    col("rt", "RT", false, &["no_rt"], &[], true),
    col("rw", "RW", false, &["no_rw"], &[], true),
    col(
        "address",
        "Alamat",
        false,
        &["alamat_lengkap", "dusun", "kampung"],
        &["alamat"],
        false,
    ),
    col(
        "phone",
        "Telepon",
        false,
        &[
            "telp",
            "no_telp",
            "no_telepon",
            "no_hp",
            "hp",
            "nomor_hp",
            "nomor_telepon",
        ],
        &["telp", "hp"],
        true,
    ),
    col(
        "categories",
        "Kategori",
        false,
        &["kategori_pmks"],
        &["kategori"],
        false,
    ),
    col(
        "dtks_registered",
        "Terdaftar DTKS",
        false,
        &["dtks", "terdaftar_di_dtks"],
        &["dtks"],
        false,
    ),
    col(
        "dtks_ref",
        "Referensi DTKS",
        false,
        &["id_dtks", "no_dtks"],
        &[],
        true,
    ),
    col(
        "household_role",
        "Kedudukan dalam Keluarga",
        false,
        &["shdk", "status_dalam_keluarga", "hubungan_keluarga"],
        &["kedudukan", "shdk", "hubungan"],
        false,
    ),
    col(
        "occupation",
        "Pekerjaan",
        false,
        &["jenis_pekerjaan"],
        &["pekerjaan"],
        false,
    ),
    col(
        "notes",
        "Catatan",
        false,
        &["keterangan", "ket"],
        &["catatan", "ket"],
        false,
    ),
];

/// KUBE rows: one row per member; rows with the same KUBE name and village form a group.
pub const KUBE_COLUMNS: &[Column] = &[
    col(
        "kube_name",
        "Nama KUBE",
        true,
        &["nama_kelompok", "kube"],
        &["kube", "kelompok"],
        false,
    ),
    col(
        "business_type",
        "Jenis Usaha",
        true,
        &["usaha"],
        &["usaha"],
        false,
    ),
    col(
        "village_code",
        "Desa/Kelurahan",
        true,
        &[
            "kode_desa",
            "desa",
            "kelurahan",
            "desa_kel",
            "desa_kelurahan",
            "village",
        ],
        &["desa", "kel"],
        false,
    ),
    col("district", "Kecamatan", false, &["kec"], &["kec"], false),
    col(
        "formed_on",
        "Tanggal Pembentukan",
        true,
        &["tgl_pembentukan", "tanggal_dibentuk", "tgl_dibentuk"],
        &["bentuk"],
        false,
    ),
    col(
        "funding_source",
        "Sumber Dana",
        true,
        &["dana", "sumber_anggaran"],
        &["dana", "anggaran"],
        false,
    ),
    col(
        "programme_year",
        "Tahun Program",
        false,
        &["tahun", "tahun_anggaran"],
        &["tahun"],
        false,
    ),
    col(
        "address",
        "Alamat",
        false,
        &["alamat_sekretariat"],
        &["alamat"],
        false,
    ),
    col(
        "member_nik",
        "NIK Anggota",
        true,
        &["nik", "nik_anggota"],
        &["nik", "ktp"],
        true,
    ),
    col(
        "member_role",
        "Peran Anggota",
        false,
        &["jabatan", "peran", "kedudukan"],
        &["jabatan", "peran"],
        false,
    ),
];

/// A heading normalised: lower case, words joined by one `_`.
pub fn norm(h: &str) -> String {
    let s: String = h
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    s.split('_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

impl Column {
    /// The heading is this field's code, template heading or a usual alias.
    pub(super) fn fits(&self, h: &str) -> bool {
        !h.is_empty() && (h == self.code || h == norm(self.heading) || self.aliases.contains(&h))
    }
    /// The heading holds one of the field's hint words.
    pub(super) fn likely(&self, h: &str) -> bool {
        self.fits(h)
            || self
                .hints
                .iter()
                .any(|w| h.split('_').any(|part| part == *w) || h.contains(w))
    }
}

/// The DTSEN extract the office receives: its headings differ from year to year, so the
/// aliases name those seen, and a mapping on the import screen names the others.
pub const DTSEN_COLUMNS: &[Column] = &[
    col(
        "nik",
        "NIK",
        true,
        &["nik_art", "no_nik", "nomor_induk_kependudukan"],
        &["nik"],
        true,
    ),
    col(
        "kk_number",
        "No KK",
        false,
        &["no_kk", "nomor_kk", "nkk"],
        &["kk"],
        true,
    ),
    col(
        "name",
        "Nama",
        false,
        &["nama_art", "nama_lengkap"],
        &["nama"],
        false,
    ),
    col(
        "decile",
        "Desil",
        true,
        &[
            "desil_nasional",
            "peringkat_desil",
            "desil_kesejahteraan",
            "kelompok_desil",
        ],
        &["desil"],
        false,
    ),
    col(
        "period",
        "Periode",
        true,
        &[
            "periode_data",
            "bulan_data",
            "periode_pemutakhiran",
            "tahun_data",
        ],
        &["periode", "bulan"],
        false,
    ),
];
