//! The interface's two languages. Bahasa Indonesia is the default; every text a user
//! reads comes from this catalogue so that both languages stay complete (a test checks).
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(h: &str) -> Option<Lang> {
        h.split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| Lang::parse(tag.split('-').next().unwrap_or("")))
            .next()
    }
    /// The text of a catalogue key; an unknown key shows itself, so gaps are visible.
    pub fn t(self, key: &str) -> &'static str {
        match CATALOGUE.iter().find(|(k, _, _)| *k == key) {
            Some((_, id, en)) => match self {
                Lang::Id => id,
                Lang::En => en,
            },
            None => "??",
        }
    }
}

/// (key, Bahasa Indonesia, English)
pub static CATALOGUE: &[(&str, &str, &str)] = &[
    ("app.name", "SIKUBE", "SIKUBE"),
    ("app.tagline", "Sistem Informasi Kelompok Usaha Bersama", "Joint Business Group Information System"),
    // navigation
    ("nav.home", "Beranda", "Home"),
    ("nav.users", "Pengguna", "Users"),
    ("nav.persons", "Penduduk", "Persons"),
    ("nav.audit", "Jejak audit", "Audit trail"),
    ("nav.profile", "Profil", "Profile"),
    ("nav.api_docs", "Dokumentasi API", "API documentation"),
    ("nav.logout", "Keluar", "Log out"),
    ("nav.login", "Masuk", "Log in"),
    ("nav.menu", "Menu", "Menu"),
    // roles
    ("role.admin", "Admin", "Administrator"),
    ("role.kepala_bidang", "Kepala Bidang", "Head of division"),
    ("role.operator", "Operator", "Operator"),
    ("role.pendamping", "Pendamping", "Facilitator"),
    ("role.auditor", "Auditor", "Auditor"),
    ("role.invalid", "Peran tidak dikenal", "Unknown role"),
    // common words
    ("common.save", "Simpan", "Save"),
    ("common.cancel", "Batal", "Cancel"),
    ("common.delete", "Hapus", "Delete"),
    ("common.search", "Cari", "Search"),
    ("common.filter", "Saring", "Filter"),
    ("common.reset", "Atur ulang", "Reset"),
    ("common.edit", "Ubah", "Edit"),
    ("common.create", "Tambah", "Add"),
    ("common.yes", "Ya", "Yes"),
    ("common.no", "Tidak", "No"),
    ("common.all", "Semua", "All"),
    ("common.none", "Tidak ada", "None"),
    ("common.prev", "Sebelumnya", "Previous"),
    ("common.next", "Berikutnya", "Next"),
    ("common.showing", "Menampilkan {0}–{1} dari {2}", "Showing {0}–{1} of {2}"),
    ("common.empty", "Belum ada data.", "No data yet."),
    ("common.actions", "Tindakan", "Actions"),
    ("common.status", "Status", "Status"),
    ("common.active", "Aktif", "Active"),
    ("common.disabled", "Nonaktif", "Disabled"),
    ("common.language", "Bahasa", "Language"),
    ("common.created_at", "Dibuat", "Created"),
    ("common.back", "Kembali", "Back"),
    ("common.details", "Rincian", "Details"),
    ("common.confirm_delete", "Yakin ingin menghapus? Tindakan ini tidak dapat dibatalkan.", "Are you sure? This cannot be undone."),
    ("common.form_has_errors", "Periksa kembali isian yang ditandai.", "Please check the marked fields."),
    ("common.required", "Wajib diisi", "Required"),
    ("common.too_long", "Terlalu panjang (maks. {0} karakter)", "Too long (at most {0} characters)"),
    ("lang.id", "Bahasa Indonesia", "Bahasa Indonesia"),
    ("lang.en", "English", "English"),
    // login
    ("login.title", "Masuk ke SIKUBE", "Log in to SIKUBE"),
    ("login.username", "Nama pengguna", "User name"),
    ("login.password", "Kata sandi", "Password"),
    ("login.submit", "Masuk", "Log in"),
    ("login.failed", "Nama pengguna atau kata sandi salah.", "Wrong user name or password."),
    ("login.too_many", "Terlalu banyak percobaan masuk. Coba lagi dalam 15 menit.", "Too many login attempts. Try again in 15 minutes."),
    ("login.logged_out", "Anda telah keluar.", "You have logged out."),
    ("login.welcome", "Selamat datang, {0}.", "Welcome, {0}."),
    // home
    ("home.title", "Beranda", "Home"),
    ("home.signed_in_as", "Masuk sebagai {0} ({1})", "Signed in as {0} ({1})"),
    ("home.your_areas", "Wilayah tugas Anda", "Your assigned areas"),
    ("home.region", "Wilayah kantor", "Office region"),
    ("home.all_areas", "Seluruh wilayah kantor", "The whole office region"),
    ("home.shortcuts", "Pintasan", "Shortcuts"),
    ("home.recent_activity", "Aktivitas terakhir", "Recent activity"),
    ("home.users_total", "Pengguna aktif", "Active users"),
    // users
    ("users.title", "Pengguna", "Users"),
    ("users.new", "Tambah pengguna", "Add user"),
    ("users.edit", "Ubah pengguna", "Edit user"),
    ("users.username", "Nama pengguna", "User name"),
    ("users.role", "Peran", "Role"),
    ("users.districts", "Kecamatan tugas", "Assigned kecamatan"),
    ("users.districts_hint", "Hanya untuk pendamping: data yang dapat dilihat dibatasi pada kecamatan ini.", "Facilitators only: the data they see is limited to these kecamatan."),
    ("users.password", "Kata sandi", "Password"),
    ("users.password_hint", "Minimal 10 karakter, berisi huruf dan angka. Kosongkan jika tidak diubah.", "At least 10 characters with letters and digits. Leave empty to keep."),
    ("users.disabled", "Nonaktifkan akun", "Disable account"),
    ("users.created", "Pengguna {0} dibuat.", "User {0} created."),
    ("users.updated", "Pengguna {0} diperbarui.", "User {0} updated."),
    ("users.last_login", "Terakhir masuk", "Last login"),
    ("users.never", "Belum pernah", "Never"),
    ("user.username_invalid", "3–32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung; diawali huruf", "3–32 characters: lower-case letters, digits, dot, underscore or hyphen; starting with a letter"),
    ("user.username_taken", "Nama pengguna sudah dipakai", "User name already taken"),
    ("user.password_short", "Kata sandi minimal 10 karakter", "Password must have at least 10 characters"),
    ("user.password_long", "Kata sandi terlalu panjang", "Password is too long"),
    ("user.password_weak", "Kata sandi harus berisi huruf dan angka", "Password must contain letters and digits"),
    ("user.password_contains_username", "Kata sandi tidak boleh memuat nama pengguna", "Password must not contain the user name"),
    ("user.password_wrong", "Kata sandi lama salah", "Current password is wrong"),
    ("user.pendamping_needs_district", "Pendamping harus ditugaskan ke minimal satu kecamatan", "A facilitator needs at least one kecamatan"),
    ("user.districts_only_pendamping", "Hanya pendamping yang dibatasi kecamatan", "Only facilitators are limited to kecamatan"),
    ("user.cannot_disable_self", "Anda tidak dapat menonaktifkan atau menurunkan peran akun sendiri", "You cannot disable or demote your own account"),
    // profile
    ("profile.title", "Profil", "Profile"),
    ("profile.language_saved", "Bahasa disimpan.", "Language saved."),
    ("profile.change_password", "Ganti kata sandi", "Change password"),
    ("profile.current_password", "Kata sandi saat ini", "Current password"),
    ("profile.new_password", "Kata sandi baru", "New password"),
    ("profile.password_changed", "Kata sandi diganti. Sesi lain telah diakhiri.", "Password changed. Other sessions were ended."),
    ("profile.tokens", "Token API", "API tokens"),
    ("profile.tokens_hint", "Token untuk integrasi sistem lain. Kirim sebagai header Authorization: Bearer <token>.", "Tokens for integrating other systems. Send as the header Authorization: Bearer <token>."),
    ("profile.token_label", "Nama token", "Token name"),
    ("profile.token_create", "Buat token", "Create token"),
    ("profile.token_created", "Token dibuat. Salin sekarang — token ini tidak akan ditampilkan lagi:", "Token created. Copy it now — it will not be shown again:"),
    ("profile.token_revoke", "Cabut", "Revoke"),
    ("profile.token_revoked", "Token dicabut.", "Token revoked."),
    ("profile.token_last_used", "Terakhir dipakai", "Last used"),
    // audit
    ("audit.title", "Jejak audit", "Audit trail"),
    ("audit.at", "Waktu", "Time"),
    ("audit.user", "Pengguna", "User"),
    ("audit.action", "Tindakan", "Action"),
    ("audit.entity", "Entitas", "Entity"),
    ("audit.entity_id", "ID", "ID"),
    ("audit.before", "Sebelum", "Before"),
    ("audit.after", "Sesudah", "After"),
    ("audit.from", "Dari tanggal", "From date"),
    ("audit.to", "Sampai tanggal", "To date"),
    ("audit.date_invalid", "Tanggal harus berformat TTTT-BB-HH", "Date must be YYYY-MM-DD"),
    // areas
    ("area.regency_invalid", "Kode kabupaten/kota harus berformat 00.00", "Regency code must look like 00.00"),
    ("area.district_invalid", "Kode kecamatan harus berformat 00.00.00", "District code must look like 00.00.00"),
    ("area.village_invalid", "Kode desa/kelurahan harus berformat 00.00.00.0000", "Village code must look like 00.00.00.0000"),
    ("area.regency_unknown", "Kabupaten/kota tidak dikenal", "Unknown regency/city"),
    ("area.district_unknown", "Kecamatan tidak dikenal", "Unknown district"),
    ("area.village_unknown", "Desa/kelurahan tidak dikenal", "Unknown village"),
    ("area.outside_region", "Di luar wilayah kantor", "Outside the office's region"),
    ("area.parent_unknown", "Kode wilayah induk tidak dikenal", "Unknown parent area code"),
    // NIK and KK
    ("nik.format", "NIK harus 16 angka", "NIK must be 16 digits"),
    ("nik.province_unknown", "Kode provinsi {0} pada NIK tidak dikenal", "Unknown province {0} in the NIK"),
    ("nik.regency_unknown", "Kode kabupaten/kota {0} pada NIK tidak dikenal", "Unknown regency {0} in the NIK"),
    ("nik.district_unknown", "Kode kecamatan {0} pada NIK tidak dikenal", "Unknown district {0} in the NIK"),
    ("nik.day", "Tanggal lahir pada NIK harus 01–31 (laki-laki) atau 41–71 (perempuan)", "Birth day in the NIK must be 01–31 (men) or 41–71 (women)"),
    ("nik.month", "Bulan lahir pada NIK harus 01–12", "Birth month in the NIK must be 01–12"),
    ("nik.date", "Tanggal lahir pada NIK bukan tanggal yang ada", "The birth date in the NIK is not a real date"),
    ("nik.serial", "Nomor urut NIK tidak boleh 0000", "The NIK serial must not be 0000"),
    ("kk.format", "Nomor KK harus 16 angka", "KK number must be 16 digits"),
    ("kk.area_unknown", "Kode wilayah pada nomor KK tidak dikenal", "Unknown area code in the KK number"),
    ("kk.serial", "Nomor urut KK tidak boleh 0000", "The KK serial must not be 0000"),
    // persons
    ("person.sex_invalid", "Jenis kelamin harus L atau P", "Sex must be L or P"),
    ("person.sex_l", "Laki-laki", "Male"),
    ("person.sex_p", "Perempuan", "Female"),
    ("person.sex_mismatch", "Jenis kelamin tidak sesuai dengan NIK", "Sex does not match the NIK"),
    ("person.birth_mismatch", "Tanggal lahir tidak sesuai dengan NIK ({0})", "Birth date does not match the NIK ({0})"),
    ("person.birth_in_future", "Tanggal lahir tidak boleh di masa depan", "Birth date cannot be in the future"),
    ("person.name_invalid", "Nama harus berisi huruf", "Name must contain letters"),
    ("person.category_invalid", "Kategori tidak dikenal: {0}", "Unknown category: {0}"),
    ("person.rt_rw_invalid", "RT/RW berupa 1–3 angka", "RT/RW are 1–3 digits"),
    ("person.phone_invalid", "Nomor telepon hanya berisi angka, +, - dan spasi", "Phone numbers contain only digits, +, - and spaces"),
    ("person.nik_taken", "NIK sudah terdaftar", "This NIK is already registered"),
    ("person.possible_duplicate", "Mungkin sudah terdaftar: {0}. Periksa dulu; centang \"tetap simpan\" bila memang orang berbeda.", "Possibly already registered: {0}. Check first; tick \"save anyway\" if this is a different person."),
    ("common.date_invalid", "Tanggal harus berformat TTTT-BB-HH", "Date must be YYYY-MM-DD"),
    ("category.fakir_miskin", "Fakir miskin", "Poor family"),
    ("category.wrse", "WRSE", "WRSE (women at risk)"),
    ("category.lansia", "Lansia", "Elderly"),
    ("category.anak", "Anak", "Child"),
    ("category.disabilitas", "Disabilitas", "Disability"),
    ("area.outside_scope", "Di luar kecamatan tugas Anda", "Outside your assigned kecamatan"),
    ("persons.title", "Penduduk", "Persons"),
    ("persons.new", "Tambah penduduk", "Add person"),
    ("persons.edit", "Ubah data penduduk", "Edit person"),
    ("persons.created", "{0} terdaftar.", "{0} registered."),
    ("persons.updated", "Data {0} diperbarui.", "{0} updated."),
    ("persons.search", "Nama atau NIK", "Name or NIK"),
    ("persons.confirm_duplicate", "Tetap simpan: saya sudah memeriksa, ini orang yang berbeda", "Save anyway: I checked, this is a different person"),
    ("person.nik", "NIK", "NIK"),
    ("person.kk_number", "Nomor KK", "Family card (KK) number"),
    ("person.name", "Nama lengkap", "Full name"),
    ("person.sex", "Jenis kelamin", "Sex"),
    ("person.birth_date", "Tanggal lahir", "Birth date"),
    ("person.age", "Umur", "Age"),
    ("person.village", "Desa/Kelurahan", "Village"),
    ("person.district", "Kecamatan", "District"),
    ("person.rt", "RT", "RT"),
    ("person.rw", "RW", "RW"),
    ("person.address", "Alamat (jalan/dusun)", "Address (street/hamlet)"),
    ("person.phone", "Telepon", "Phone"),
    ("person.categories", "Kategori", "Categories"),
    ("person.dtks_registered", "Terdaftar di DTKS/DTSEN", "Listed in DTKS/DTSEN"),
    ("person.dtks_ref", "Nomor referensi DTKS/DTSEN", "DTKS/DTSEN reference"),
    ("person.notes", "Catatan", "Notes"),
    ("person.nik_hint", "Jenis kelamin dan tanggal lahir harus sesuai NIK.", "Sex and birth date must agree with the NIK."),
    ("person.identity_locked", "NIK dan KK hanya dapat diubah operator.", "Only operators can change NIK and KK."),
    ("common.choose", "— pilih —", "— choose —"),
    ("common.sort", "Urutkan", "Sort"),
    ("sort.name", "Nama A–Z", "Name A–Z"),
    ("sort.-name", "Nama Z–A", "Name Z–A"),
    ("sort.-created_at", "Terbaru", "Newest"),
    ("sort.birth_date", "Tertua", "Oldest"),
    // KUBE
    ("nav.kube", "KUBE", "KUBE"),
    ("kube.title", "Kelompok Usaha Bersama", "Joint business groups"),
    ("kube.new", "Bentuk KUBE baru", "Form a new KUBE"),
    ("kube.edit", "Ubah data KUBE", "Edit KUBE"),
    ("kube.created", "KUBE {0} terdaftar dengan nomor {1}.", "KUBE {0} registered as {1}."),
    ("kube.updated", "KUBE {0} diperbarui.", "KUBE {0} updated."),
    ("kube.search", "Nama, nomor registrasi, nama/NIK anggota", "Name, registration number, member name/NIK"),
    ("kube.registration_number", "Nomor registrasi", "Registration number"),
    ("kube.name", "Nama KUBE", "KUBE name"),
    ("kube.business_type", "Jenis usaha", "Business type"),
    ("kube.village", "Desa/Kelurahan", "Village"),
    ("kube.address", "Alamat sekretariat", "Address"),
    ("kube.formed_on", "Tanggal pembentukan", "Formed on"),
    ("kube.funding_source", "Sumber dana", "Funding source"),
    ("kube.programme_year", "Tahun program", "Programme year"),
    ("kube.status", "Status", "Status"),
    ("kube.stage", "Tahap", "Stage"),
    ("kube.pendamping", "Pendamping", "Facilitator"),
    ("kube.no_pendamping", "Belum ada pendamping", "No facilitator yet"),
    ("kube.members", "Anggota", "Members"),
    ("kube.member_count", "Jumlah anggota", "Members"),
    ("kube.officers", "Pengurus", "Officers"),
    ("kube.history", "Riwayat keanggotaan", "Membership history"),
    ("kube.joined_on", "Bergabung", "Joined"),
    ("kube.left_on", "Keluar", "Left"),
    ("kube.left_reason", "Alasan keluar", "Reason for leaving"),
    ("kube.add_member", "Tambah anggota", "Add member"),
    ("kube.remove_member", "Keluarkan", "Remove"),
    ("kube.member_added", "{0} ditambahkan sebagai anggota.", "{0} added as a member."),
    ("kube.member_removed", "{0} keluar dari KUBE.", "{0} left the KUBE."),
    ("kube.role_changed", "Peran {0} diubah.", "Role of {0} changed."),
    ("kube.choose_village_first", "Pilih desa/kelurahan KUBE dulu: anggota harus tinggal di kecamatan yang sama.", "Choose the KUBE's village first: members must live in the same kecamatan."),
    ("kube.member_rows", "Anggota (5–20; satu ketua, satu sekretaris, satu bendahara)", "Members (5–20; one ketua, one sekretaris, one bendahara)"),
    ("kube.no_candidates", "Belum ada penduduk di kecamatan ini yang bisa menjadi anggota. Daftarkan penduduk dulu.", "No persons in this kecamatan can become members yet. Register persons first."),
    ("kube.filter_year", "Tahun pembentukan", "Year formed"),
    ("kube.funding_invalid", "Sumber dana tidak dikenal (apbd_kota, apbd_provinsi, apbn, lainnya)", "Unknown funding source (apbd_kota, apbd_provinsi, apbn, lainnya)"),
    ("kube.role_invalid", "Peran anggota tidak dikenal (ketua, sekretaris, bendahara, anggota)", "Unknown member role (ketua, sekretaris, bendahara, anggota)"),
    ("kube.status_invalid", "Status tidak dikenal", "Unknown status"),
    ("kube.stage_invalid", "Tahap tidak dikenal", "Unknown stage"),
    ("kube.business_type_invalid", "Jenis usaha tidak dikenal", "Unknown business type"),
    ("kube.formed_in_future", "Tanggal pembentukan tidak boleh di masa depan", "The formation date cannot be in the future"),
    ("kube.formed_too_early", "Tanggal pembentukan terlalu lama (sebelum 1990)", "The formation date is too early (before 1990)"),
    ("kube.year_invalid", "Tahun program tidak valid", "Invalid programme year"),
    ("kube.too_few", "KUBE minimal {0} anggota (sekarang {1})", "A KUBE needs at least {0} members (now {1})"),
    ("kube.too_many", "KUBE maksimal {0} anggota (sekarang {1})", "A KUBE has at most {0} members (now {1})"),
    ("kube.member_twice", "{0} tercantum dua kali", "{0} is listed twice"),
    ("kube.officer_missing", "Harus ada satu {0}", "There must be one {0}"),
    ("kube.officer_twice", "Hanya boleh satu {0}", "There can be only one {0}"),
    ("kube.member_other_district", "Anggota harus tinggal di kecamatan yang sama dengan KUBE: {0}", "Members must live in the KUBE's kecamatan: {0}"),
    ("kube.member_in_other_kube", "{0} sudah menjadi anggota aktif {1}", "{0} is already an active member of {1}"),
    ("kube.person_unknown", "Penduduk dengan id {0} tidak ada", "No person with id {0}"),
    ("kube.below_minimum", "Tidak bisa: KUBE akan kurang dari {0} anggota. Tambah anggota baru dulu.", "Not possible: the KUBE would have fewer than {0} members. Add a new member first."),
    ("kube.officer_cannot_leave", "{0} adalah {1}; tunjuk pengganti dulu.", "{0} is the {1}; appoint a replacement first."),
    ("kube.not_a_member", "Bukan anggota aktif KUBE ini", "Not an active member of this KUBE"),
    ("kube.pendamping_invalid", "Pendamping harus pengguna berperan pendamping yang ditugaskan di kecamatan KUBE", "The facilitator must be a pendamping assigned to the KUBE's kecamatan"),
    ("kube.village_change_district", "Desa baru harus di kecamatan yang sama (anggota tinggal di sana)", "The new village must be in the same kecamatan (the members live there)"),
    ("kube.dissolved", "KUBE sudah bubar", "The KUBE is dissolved"),
    ("kube.reason_required", "Alasan keluar wajib diisi", "A reason for leaving is required"),
    ("funding.apbd_kota", "APBD Kota/Kab.", "City/regency budget"),
    ("funding.apbd_provinsi", "APBD Provinsi", "Provincial budget"),
    ("funding.apbn", "APBN", "National budget"),
    ("funding.lainnya", "Lainnya", "Other"),
    ("member_role.ketua", "Ketua", "Chair"),
    ("member_role.sekretaris", "Sekretaris", "Secretary"),
    ("member_role.bendahara", "Bendahara", "Treasurer"),
    ("member_role.anggota", "Anggota", "Member"),
    ("status.berjalan", "Berjalan", "Running"),
    ("status.perlu_pendampingan", "Perlu pendampingan", "Needs mentoring"),
    ("status.tidak_aktif", "Tidak aktif", "Inactive"),
    ("status.bubar", "Bubar", "Dissolved"),
    ("status.belum_dinilai", "Belum dinilai", "Not yet assessed"),
    ("stage.pembentukan", "Pembentukan", "Formation"),
    ("stage.bimbingan", "Bimbingan", "Guidance"),
    ("stage.bantuan", "Bantuan", "Aid"),
    ("stage.pendampingan", "Pendampingan", "Mentoring"),
    ("stage.mandiri", "Mandiri", "Independent"),
    ("stage.bubar", "Bubar", "Dissolved"),
    // errors
    ("error.title", "Terjadi kesalahan", "Something went wrong"),
    ("error.unauthorized", "Silakan masuk terlebih dahulu.", "Please log in first."),
    ("error.forbidden", "Anda tidak memiliki akses ke halaman atau data ini.", "You are not allowed to access this page or data."),
    ("error.not_found", "Halaman atau data tidak ditemukan.", "Page or data not found."),
    ("error.validation", "Isian tidak valid.", "Invalid input."),
    ("error.conflict", "Terjadi konflik dengan data yang ada.", "This conflicts with existing data."),
    ("error.too_many", "Terlalu banyak permintaan. Coba lagi nanti.", "Too many requests. Try again later."),
    ("error.internal", "Terjadi kesalahan pada server. Kejadian ini telah dicatat.", "A server error occurred. It has been logged."),
    ("error.csrf", "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.", "The form expired or is not valid. Reload the page and try again."),
    ("error.bad_request", "Permintaan tidak dapat dibaca.", "The request could not be read."),
    ("error.payload_too_large", "Data yang dikirim terlalu besar.", "The request is too large."),
    ("error.json_content_type", "Permintaan harus berformat JSON (Content-Type: application/json).", "The request must be JSON (Content-Type: application/json)."),
    ("error.home", "Kembali ke beranda", "Back to home"),
    ("error.id_invalid", "ID tidak valid", "Invalid id"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_keys_unique_and_both_languages_filled() {
        let mut keys = std::collections::HashSet::new();
        for (k, id, en) in CATALOGUE {
            assert!(keys.insert(*k), "duplicate key {k}");
            assert!(!id.is_empty() && !en.is_empty(), "empty text for {k}");
        }
    }

    #[test]
    fn accept_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr, id;q=0.5"), Some(Lang::Id));
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(Lang::En.t("nav.home"), "Home");
    }
}
