//! The user guide served by the binary: one short page per role with the everyday tasks
//! step by step, in Bahasa Indonesia, illustrated by screenshots that the browser tests
//! take from the demo city (e2e/tests/guide.test.mjs writes crates/web/guide/*.jpg).
use crate::error::{AppError, AppResult};
use crate::page::{html, Ctx, PageAuth};
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/guide", get(index))
        .route("/guide/{page}", get(page))
        .route("/guide/img/{file}", get(image))
}

/// A task: its title, the steps, and the screenshot that shows it. A button, link or
/// menu label a step names is written «so»; `at` are the pages (in the demo city, as the
/// role) where each such label is found — a test holds the guide to them. A path ending
/// in " >" is a list: the label is on the first record it links to.
pub struct Task {
    pub title: &'static str,
    pub steps: &'static [&'static str],
    pub image: Option<&'static str>,
    pub at: &'static [&'static str],
}

impl Task {
    /// The labels the steps name.
    pub fn labels(&self) -> Vec<&'static str> {
        self.steps
            .iter()
            .flat_map(|s| s.split('«').skip(1).filter_map(|p| p.split('»').next()))
            .collect()
    }
}

/// A role's page of the guide.
pub struct Page {
    pub slug: &'static str,
    pub role: &'static str,
    pub intro: &'static str,
    pub tasks: &'static [Task],
}

/// A step as HTML: the text escaped, the labels it names in bold.
pub fn step_html(step: &str) -> String {
    let escaped = askama::filters::escape(step, askama::filters::Html)
        .map(|e| e.to_string())
        .unwrap_or_default();
    escaped
        .replace('«', "<b class=\"ui\">")
        .replace('»', "</b>")
}

/// Screenshots of the demo city (JPEG), written by the browser tests.
const IMAGES: &[(&str, &[u8])] = &[
    ("login.jpg", include_bytes!("../guide/login.jpg")),
    ("dashboard.jpg", include_bytes!("../guide/dashboard.jpg")),
    (
        "person-form.jpg",
        include_bytes!("../guide/person-form.jpg"),
    ),
    ("import.jpg", include_bytes!("../guide/import.jpg")),
    ("kube-form.jpg", include_bytes!("../guide/kube-form.jpg")),
    (
        "kube-detail.jpg",
        include_bytes!("../guide/kube-detail.jpg"),
    ),
    (
        "proposal-form.jpg",
        include_bytes!("../guide/proposal-form.jpg"),
    ),
    (
        "proposal-approve.jpg",
        include_bytes!("../guide/proposal-approve.jpg"),
    ),
    (
        "proposal-deliver.jpg",
        include_bytes!("../guide/proposal-deliver.jpg"),
    ),
    ("training.jpg", include_bytes!("../guide/training.jpg")),
    ("duplicates.jpg", include_bytes!("../guide/duplicates.jpg")),
    ("programme.jpg", include_bytes!("../guide/programme.jpg")),
    ("report.jpg", include_bytes!("../guide/report.jpg")),
    ("mentoring.jpg", include_bytes!("../guide/mentoring.jpg")),
    ("visit-form.jpg", include_bytes!("../guide/visit-form.jpg")),
    ("audit.jpg", include_bytes!("../guide/audit.jpg")),
    ("users.jpg", include_bytes!("../guide/users.jpg")),
];

pub const PAGES: &[Page] = &[
    Page {
        slug: "operator",
        role: "Operator (petugas entri data)",
        intro: "Operator mendaftarkan penduduk dan KUBE, mengimpor daftar dari spreadsheet, membuat dan memverifikasi usulan, mencatat bimbingan teknis serta penyerahan barang. Beranda menampilkan Tugas saya: draf usulan, impor yang bermasalah dan data ganda yang perlu diperiksa.",
        tasks: &[
            Task {
                title: "Masuk ke SIKUBE",
                steps: &[
                    "Buka alamat SIKUBE kantor di peramban (komputer atau ponsel).",
                    "Isi nama pengguna dan kata sandi, lalu tekan «Masuk».",
                    "Setelah lima kali salah, akun dan komputer Anda ditahan sementara: tunggu 15 menit atau minta admin mengganti kata sandi.",
                ],
                image: Some("login.jpg"),
                at: &["/login"],
            },
            Task {
                title: "Mendaftarkan penduduk",
                steps: &[
                    "Menu «Penduduk» → «Tambah penduduk».",
                    "Ketik NIK 16 digit (boleh dengan spasi atau titik): di bawah kolom tampil tanggal lahir dan jenis kelamin yang terbaca dari NIK, dan keduanya terisi bila masih kosong — cocokkan dengan KTP. Bila NIK sudah terdaftar, petunjuk itu mengatakannya dengan tautan ke datanya.",
                    "Isi nomor KK, nama lengkap, desa/kelurahan, RT/RW dan kategori (fakir miskin, WRSE, lansia, anak, disabilitas). Tanggal diketik hari dulu: 17-08-1992.",
                    "Tekan «Simpan». Bila muncul peringatan kemungkinan data ganda, buka data yang disebut; centang \"tetap simpan\" hanya bila benar orang yang berbeda.",
                ],
                image: Some("person-form.jpg"),
                at: &["/persons", "/persons/new"],
            },
            Task {
                title: "Mengimpor daftar dari spreadsheet",
                steps: &[
                    "Menu «Impor» → «Unduh templat» (XLSX, ODS atau CSV) dan isi satu baris per orang. Kolom NIK dan KK harus berformat Teks; CSV memakai pemisah titik koma seperti Excel berbahasa Indonesia.",
                    "Pilih berkas lalu tekan «Periksa berkas»: setiap baris yang salah tampil dengan kolom dan alasannya.",
                    "Pilih \"semua atau tidak sama sekali\" atau \"hanya baris yang benar\", lalu tekan Simpan ke database di halaman pratinjau. Baris yang ditolak dapat diunduh, diperbaiki, dan diimpor lagi; baris yang sudah terdaftar dilewati.",
                    "Berkas kantor sendiri dengan judul kolom lain juga bisa: halaman pratinjau menampilkan kolom berkas di samping setiap isian (tebakan sudah dipilih); periksa, lalu simpan pasangan kolom. Pasangan itu diingat untuk berkas berikutnya dengan judul kolom yang sama.",
                    "NIK yang tersimpan sebagai angka ditolak per baris: program spreadsheet sudah membulatkannya ke 15 digit. Format kolom NIK sebagai Teks lalu ketik ulang.",
                ],
                image: Some("import.jpg"),
                at: &["/import"],
            },
            Task {
                title: "Membentuk KUBE",
                steps: &[
                    "Menu «KUBE» → «Bentuk KUBE baru», pilih desa/kelurahan sekretariat.",
                    "Isi nama kelompok, jenis usaha, tanggal pembentukan dan sumber dana.",
                    "Isi baris anggota: ketik nama atau NIK lalu pilih dari daftar yang muncul — setiap pilihan menampilkan umur, desa dan NIK (disamarkan bagi pendamping). Anggota harus dari kecamatan yang sama; baris pertama ketua, lalu sekretaris dan bendahara.",
                    "Perlu lebih dari lima anggota? Tekan «Tambah baris anggota». Semua baris yang salah ditandai sekaligus.",
                    "Anggota harus memenuhi aturan keanggotaan (Permensos 2/2019): kepala keluarga atau pencari nafkah utama, usia 18–59 tahun, bukan PNS/TNI/Polri, terdaftar di DTSEN, satu orang per kartu keluarga. Baris yang melanggar ditolak dengan nama aturannya; bila tetap diterima, petugas kantor mengisi alasan pengecualian di samping baris itu — alasan tercatat di halaman KUBE dan jejak audit.",
                    "Tekan «Simpan»: nomor registrasi KUBE-kode-tahun-urut dibuat otomatis.",
                ],
                image: Some("kube-form.jpg"),
                at: &["/kube", "/kube/new?village_code=32.79.04.2003"],
            },
            Task {
                title: "Membuat, mengubah dan memverifikasi usulan bantuan",
                steps: &[
                    "Buka halaman KUBE → «Buat usulan». Paket untuk jenis usaha kelompok sudah terpilih.",
                    "Pilih program, lalu «Isi dari paket»: program dan alasan yang sudah diisi tetap; sesuaikan jumlah barang.",
                    "«Simpan» menyimpan draf. Draf dapat diubah («Ubah draf») atau ditarik («Tarik draf») sampai diajukan.",
                    "Tekan «Ajukan». Petugas lain memeriksa kelengkapan lalu menekan «Verifikasi»; halaman usulan menyebut langkah mana yang bukan untuk Anda dan mengapa (mis. pengusul tidak memverifikasi usulannya sendiri).",
                ],
                image: Some("proposal-form.jpg"),
                at: &[
                    "/kube?business_type=ternak_kambing&status=berjalan >",
                    "/proposals/new?kube_id=1",
                    "/proposals?state=draft >",
                    "/proposals?state=submitted >",
                ],
            },
            Task {
                title: "Mencatat bimbingan teknis dan kehadiran",
                steps: &[
                    "Menu «Bimbingan» → «Tambah kegiatan»: jenis (bimbingan teknis), jenis usaha, tanggal, tempat dan instansi mitra (mis. dinas peternakan).",
                    "Buka kegiatan, «Tambah peserta»: cari nama atau NIK, centang beberapa orang sekaligus, lalu «Tambahkan yang dipilih».",
                    "Centang kehadiran setiap hari kegiatan.",
                    "Halaman kegiatan merangkum peserta per desa asal; «Unduh semua sertifikat (satu PDF)» mencetak sertifikat setiap peserta yang hadir, ditandatangani kepala dinas.",
                ],
                image: Some("training.jpg"),
                at: &["/trainings", "/trainings >"],
            },
            Task {
                title: "Mencatat penyerahan barang dan BAST",
                steps: &[
                    "Barang hanya diserahkan setelah usulan disetujui dan pengurus serta sebagian besar anggota KUBE mengikuti bimbingan teknis jenis usahanya.",
                    "Buka usulan yang Disetujui, isi tanggal, penerima, tempat dan jumlah barang yang benar-benar diserahkan, lalu tekan «Catat penyerahan».",
                    "Unduh BAST untuk ditandatangani; barang tercatat di aset kelompok.",
                ],
                image: Some("proposal-deliver.jpg"),
                at: &["/proposals?state=approved >"],
            },
            Task {
                title: "Memeriksa anggota yang tidak memenuhi aturan",
                steps: &[
                    "Menu «KUBE» → «Anggota yang tidak memenuhi aturan»: anggota KUBE aktif yang melanggar aturan keanggotaan tanpa pengecualian, menurut kecamatan — umumnya data lama. SIKUBE tidak mengubahnya.",
                    "Buka KUBE-nya: bagian Aturan keanggotaan menampilkan pengecualian yang tercatat, anggota yang melanggar, dan yang belum dapat dicek (mis. pekerjaan belum diisi).",
                ],
                image: None,
                at: &["/kube", "/kube/membership"],
            },
            Task {
                title: "Mengirim berkas ke provinsi dan kementerian",
                steps: &[
                    "Menu «Laporan» → «Berkas untuk provinsi dan kementerian».",
                    "Saring kecamatan atau tahun pembentukan bila diminta, lalu unduh Rekap KUBE (jumlah KUBE menurut kecamatan, jenis usaha, sumber dana, tahun, status dan tingkat) atau Data per KUBE (pengurus, NIK anggota, bantuan yang diterima dan tingkat terakhir).",
                    "Kedua berkas memakai kode wilayah nasional; setiap unduhan tercatat di jejak audit.",
                ],
                image: None,
                at: &["/reports"],
            },
            Task {
                title: "Memeriksa data ganda",
                steps: &[
                    "Menu «Penduduk» → «Periksa data ganda»: pasangan data yang mirip tampil berdampingan dengan alasannya.",
                    "Pasangan yang menerima bantuan dua kali ditandai dan tampil paling atas.",
                    "Tekan «Bukan orang yang sama», atau «Gabungkan…» lalu pilih data yang dipertahankan: keanggotaan, program dan bimbingan dipindahkan ke data yang dipertahankan.",
                ],
                image: Some("duplicates.jpg"),
                at: &["/persons", "/persons/duplicates"],
            },
            Task {
                title: "Melayani hak warga atas data pribadinya",
                steps: &[
                    "Warga yang datang dengan KTP/KK berhak atas salinan semua data tentang dirinya: menu «Perlindungan data», ketik NIK-nya, tekan «Buat salinan (PDF)». Salinan memuat identitas, keanggotaan, program dan bantuan, pelatihan, kunjungan, foto, siapa yang membaca datanya setahun terakhir, serta tujuan dan dasar hukum setiap jenis data. Pembuatannya tercatat.",
                    "Permintaan lain (perbaikan, pembatasan, penghapusan, keberatan, penarikan persetujuan): buka «Permintaan subjek data», isi jenis, nama pemohon dan nomor data penduduknya, lalu «Catat permintaan». Tenggatnya (3 × 24 jam) dihitung otomatis; Kepala Bidang menutupnya.",
                    "Nomor telepon dan foto diri hanya disimpan dengan persetujuan: di halaman penduduk, bagian Data pribadi orang ini, «Catat persetujuan». Bila warga menariknya, tekan Tarik persetujuan: nomor dikosongkan atau fotonya dihapus seketika.",
                ],
                image: None,
                at: &["/protection", "/data-requests", "/persons?district_code=32.79.04 >"],
            },
        ],
    },
    Page {
        slug: "kepala-bidang",
        role: "Kepala Bidang",
        intro: "Kepala Bidang memantau berapa KUBE masih berjalan, memutuskan usulan bantuan, menyetujui pembayaran, dan menjaga anggaran serta kuota program. Beranda menampilkan Tugas saya: usulan dan pembayaran yang menunggu persetujuan.",
        tasks: &[
            Task {
                title: "Membaca dasbor",
                steps: &[
                    "«Beranda» menampilkan jumlah KUBE, persentase yang masih berjalan, dan status per kecamatan, jenis usaha, tahun pembentukan, desa dan sumber dana, serta tingkat perkembangan dari penilaian terakhir (termasuk KUBE yang belum pernah dinilai).",
                    "Warna batang mengikuti keterangan status; tekan sebuah batang atau angka untuk membuka daftar KUBE-nya.",
                    "Di bagian bawah: kegiatan bimbingan, kunjungan, serta anggaran dan kuota program tahun ini.",
                ],
                image: Some("dashboard.jpg"),
                at: &["/"],
            },
            Task {
                title: "Menyetujui atau menolak usulan",
                steps: &[
                    "Dari Tugas saya di «Beranda», atau menu «Usulan» disaring status Diverifikasi; buka sebuah usulan.",
                    "Halaman usulan menampilkan faktanya: sisa anggaran dan kuota program sebelum dan sesudah usulan ini, status, tingkat dan bimbingan kelompok, serta bantuan yang pernah diterimanya.",
                    "Tekan «Setujui» dan konfirmasi. Bila anggaran atau kuota tidak cukup, tombol itu tidak aktif dan alasannya tertulis di atasnya.",
                    "Atau tulis alasan lalu tekan «Tolak».",
                ],
                image: Some("proposal-approve.jpg"),
                at: &["/", "/proposals?state=verified >"],
            },
            Task {
                title: "Menyetujui pembayaran bantuan bulanan",
                steps: &[
                    "Bantuan uang (mis. ASLUT bulanan) yang dicatat operator menunggu persetujuan Kepala Bidang; sampai disetujui, dana sudah terikat tetapi belum tersalurkan — kartu Tersalurkan menyebut selisihnya.",
                    "Menu «Program» → buka program, lihat bagian bantuan tercatat.",
                    "Centang yang akan disetujui (atau centang semua yang menunggu), lalu «Setujui yang dipilih»; satu pembayaran juga dapat disetujui dengan «Setujui pembayaran» di barisnya. Pencatat tidak dapat menyetujui catatannya sendiri.",
                ],
                image: Some("programme.jpg"),
                at: &["/programmes", "/programmes?target=individual >"],
            },
            Task {
                title: "Memantau anggaran program",
                steps: &[
                    "Menu «Program» → buka program.",
                    "Angka anggaran, terikat (disetujui), tersalurkan dan sisa; kuota terpakai.",
                    "Grafik menunjukkan dana terikat dan tersalurkan per bulan terhadap garis pagu anggaran.",
                ],
                image: Some("programme.jpg"),
                at: &["/programmes"],
            },
            Task {
                title: "Mengunduh laporan",
                steps: &[
                    "Menu «Laporan» → pilih laporan (mis. Status KUBE).",
                    "Saring tahun atau kecamatan; laporan status memuat subtotal dan persentase yang masih berjalan per kecamatan.",
                    "Unduh XLSX, PDF (berkop dinas) atau CSV.",
                ],
                image: Some("report.jpg"),
                at: &["/reports"],
            },
            Task {
                title: "Menutup permintaan data pribadi dan mencatat insiden",
                steps: &[
                    "Permintaan warga yang melewati tenggat tampil di Tugas saya. Menu «Perlindungan data» → «Permintaan subjek data» → buka permintaan, pilih Selesai atau Ditolak, tulis hasilnya, lalu Tutup permintaan. Perbaikan yang selesai menautkan nomor catatan audit perubahannya; pembatasan yang selesai mengeluarkan data orang itu dari daftar, ekspor dan laporan sampai Cabut pembatasan.",
                    "Kebocoran atau kehilangan data: «Insiden data pribadi» → isi kejadian, data yang terdampak, jumlah orang dan langkah yang diambil, lalu «Simpan». Batas pemberitahuan 3 × 24 jam sejak diketahui tampil di halamannya; surat kepada pemilik data dan kepada lembaga pengawas dicetak dari sana (PDF berkop).",
                ],
                image: None,
                at: &["/protection", "/incidents"],
            },
        ],
    },
    Page {
        slug: "pendamping",
        role: "Pendamping",
        intro: "Pendamping bekerja dari ponsel di desa: melihat KUBE dampingannya menurut kunjungan yang paling mendesak, mencatat kunjungan monitoring, dan melihat perkembangan kelompok. Pendamping hanya melihat kecamatan tugasnya.",
        tasks: &[
            Task {
                title: "Melihat antrean pendampingan",
                steps: &[
                    "Menu «Pendampingan»: yang terlambat dikunjungi di atas, lalu yang jatuh tempo minggu ini, lalu sisanya. KUBE yang belum pernah dikunjungi ditandai; kunjungan pertama jatuh tempo 30 hari setelah pembentukan.",
                    "Saring menurut desa/kelurahan bila daftarnya panjang. Setiap baris menampilkan status, alasannya dan tanggal kunjungan berikutnya.",
                ],
                image: Some("mentoring.jpg"),
                at: &["/mentoring"],
            },
            Task {
                title: "Mencatat kunjungan monitoring",
                steps: &[
                    "Tekan «Catat kunjungan» pada KUBE yang dikunjungi.",
                    "Isi tanggal (hari dulu: 06-12-2026), apakah usaha berjalan, jumlah pertemuan, anggota yang hadir, pembukuan, omzet, biaya, saldo tabungan/IKS, jumlah dan nilai aset, masalah dan tindak lanjut. Kolom angka membuka papan angka ponsel.",
                    "Tekan «Simpan»: status KUBE dinilai ulang seketika, dengan alasannya. Bila ada isian yang salah, ponsel langsung membawa Anda ke kolom itu.",
                ],
                image: Some("visit-form.jpg"),
                at: &["/mentoring", "/kube >"],
            },
            Task {
                title: "Mengisi penilaian tingkat perkembangan",
                steps: &[
                    "Sekali dalam satu triwulan, buka halaman KUBE → «Isi penilaian tingkat perkembangan».",
                    "Butir Tumbuh, Berkembang dan Maju tampil berurutan. Butir yang dapat dijawab data (pendamping, pengurus, bantuan yang diserahkan, angka kunjungan) sudah menampilkan angkanya dan tercentang bila angkanya mendukung.",
                    "Centang setiap butir yang terpenuhi dan beri buktinya: tulis catatan atau ambil foto langsung dari formulir (mis. papan nama). Butir yang dicentang tanpa bukti ditolak dengan pesan di butir itu.",
                    "Tekan Simpan: tingkat kelompok adalah tahap tertinggi yang semua butirnya, dan butir tahap di bawahnya, terpenuhi. Riwayat penilaian tampil di halaman KUBE; dasbor menghitung dari penilaian terakhir.",
                ],
                image: None,
                at: &["/kube >"],
            },
            Task {
                title: "Melihat perkembangan kelompok",
                steps: &[
                    "Buka halaman KUBE: grafik omzet, laba dan tabungan per kunjungan menunjukkan arah usaha sekilas.",
                    "Di bawahnya: daftar kunjungan, anggota dan pengurus, bimbingan teknis, aset kelompok dan riwayat status.",
                ],
                image: Some("kube-detail.jpg"),
                at: &[],
            },
        ],
    },
    Page {
        slug: "auditor",
        role: "Auditor",
        intro: "Auditor membaca semua data dan laporan tanpa dapat mengubahnya. NIK, KK dan tanggal lahir tampil disamarkan.",
        tasks: &[
            Task {
                title: "Memeriksa jejak audit",
                steps: &[
                    "Menu «Jejak audit»: setiap perubahan dengan waktu (WIB), nama petugas, tindakan, dan nilai sebelum → sesudah.",
                    "Saring menurut entitas, nomor, pengguna, tindakan (mis. persetujuan yang ditolak sistem karena anggaran) dan tanggal (hari dulu: 01-12-2026).",
                    "Setiap ekspor data pribadi juga tercatat di sini.",
                ],
                image: Some("audit.jpg"),
                at: &["/audit"],
            },
            Task {
                title: "Membaca laporan",
                steps: &[
                    "Menu «Laporan»: status KUBE, penyaluran bantuan, hasil usaha, bimbingan dan penerima program perorangan.",
                    "Unduh XLSX atau PDF untuk berkas pemeriksaan.",
                ],
                image: Some("report.jpg"),
                at: &["/reports"],
            },
        ],
    },
    Page {
        slug: "admin",
        role: "Admin",
        intro: "Admin mengelola akun pengguna, peran dan wilayah tugas pendamping. Beranda menampilkan Tugas saya: akun yang terkunci atau tidak pernah dipakai.",
        tasks: &[
            Task {
                title: "Menambah dan mengubah pengguna",
                steps: &[
                    "Menu «Pengguna» → «Tambah pengguna»: nama pengguna, nama lengkap, NIP dan jabatan (tercetak di BAST dan riwayat), peran, kata sandi awal (minimal 10 karakter), dan kecamatan tugas untuk pendamping.",
                    "Buka seorang pengguna untuk mengganti peran, kecamatan atau kata sandi, atau menonaktifkannya; sesi pengguna yang dinonaktifkan berakhir seketika.",
                    "Admin tidak dapat menonaktifkan atau menurunkan peran dirinya sendiri bila ia admin terakhir.",
                    "Di halaman pengguna tampil sesi dan token API-nya beserta waktu terakhir dipakai; tekan «Akhiri» untuk memutus satu, atau «Akhiri semua sesi dan token». Mengganti kata sandi seseorang juga mengakhiri semua sesi dan tokennya.",
                ],
                image: Some("users.jpg"),
                at: &["/users", "/users?role=admin >"],
            },
            Task {
                title: "Menetapkan pendamping untuk beberapa KUBE",
                steps: &[
                    "Menu «KUBE», saring menurut pendamping (mis. yang pindah tugas) atau \"Belum ada pendamping\".",
                    "Centang KUBE-nya (atau centang semua), pilih pendamping baru, lalu «Tetapkan pendamping». Pendamping harus bertugas di kecamatan KUBE itu.",
                ],
                image: None,
                at: &["/kube"],
            },
            Task {
                title: "Akun untuk sistem lain (interop) dan butir penilaian daerah",
                steps: &[
                    "Sistem provinsi atau kementerian yang memeriksa siapa sudah menerima apa memakai akun berperan Sistem lain (interop): menu «Pengguna» → «Tambah pengguna», pilih peran itu dan kecamatan yang boleh dibacanya. Akun itu hanya dapat memakai antarmuka registri DCI (/api/v1/registry/sync/search) dengan NIK disamarkan; setiap pencarian tercatat di jejak audit.",
                    "Butir penilaian tingkat perkembangan tambahan daerah: buka «Butir penilaian» di halaman KUBE, isi tahap dan bunyinya, lalu «Tambah butir». Butir yang tidak dipakai lagi dihentikan; penilaian lama tetap memuatnya.",
                ],
                image: None,
                at: &["/users", "/checklist/criteria"],
            },
            Task {
                title: "Masa simpan dan anonimisasi data",
                steps: &[
                    "Menu «Perlindungan data» → «Masa simpan»: penduduk yang tidak aktif lebih dari 5 tahun dan foto kunjungan lebih dari 3 tahun (dapat diatur).",
                    "Centang pernyataan lalu «Anonimkan»: nama, NIK, KK, alamat, telepon, catatan dan foto dihapus atau diganti di semua tabel; jenis kelamin, tanggal lahir, desa, keanggotaan dan bantuan tetap, sehingga angka dasbor dan laporan tidak berubah. Langkah ini tercatat dan tidak dapat dibatalkan.",
                ],
                image: None,
                at: &["/protection", "/retention"],
            },
            Task {
                title: "Pekerjaan di server",
                steps: &[
                    "Cadangan: sikube backup /cadangan/sikube-TANGGAL.db (boleh saat server berjalan).",
                    "Pemulihan: hentikan server, lalu sikube restore BERKAS.",
                    "Impor besar: sikube import persons BERKAS.xlsx --mode valid --rejected ditolak.xlsx.",
                ],
                image: None,
                at: &[],
            },
        ],
    },
];

/// The glossary: each status, level, stage and proposal state with what it means.
pub fn glossary(lang: domain::Lang) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    use domain::aid::ProposalState;
    use domain::health::Level;
    use domain::kube::{Stage, Status};
    fn terms<T: Copy>(
        lang: domain::Lang,
        all: &[T],
        label: fn(T) -> &'static str,
        code: fn(T) -> &'static str,
        prefix: &str,
    ) -> Vec<(&'static str, &'static str)> {
        all.iter()
            .map(|t| {
                let key = domain::i18n::key(&format!("glossary.{prefix}{}", code(*t)))
                    .unwrap_or("common.empty");
                (lang.t(label(*t)), lang.t(key))
            })
            .collect()
    }
    vec![
        (
            lang.t("glossary.kube_status"),
            terms(
                lang,
                &Status::ALL,
                Status::label_key,
                Status::code,
                "status.",
            ),
        ),
        (
            lang.t("glossary.level"),
            terms(lang, &Level::ALL, Level::label_key, Level::code, "level."),
        ),
        (
            lang.t("glossary.stage"),
            terms(lang, &Stage::ALL, Stage::label_key, Stage::code, "stage."),
        ),
        (
            lang.t("glossary.membership"),
            terms(
                lang,
                &domain::membership::Rule::ALL,
                domain::membership::Rule::label_key,
                domain::membership::Rule::code,
                "rule.",
            ),
        ),
        (
            lang.t("glossary.proposal_state"),
            terms(
                lang,
                &ProposalState::ALL,
                ProposalState::label_key,
                ProposalState::code,
                "proposal_state.",
            ),
        ),
    ]
}

#[derive(askama::Template)]
#[template(path = "guide.html")]
struct GuidePage {
    ctx: Ctx,
    pages: &'static [Page],
    page: Option<&'static Page>,
    /// The page of the caller's role.
    mine: &'static str,
    glossary: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
}

fn slug_of(role: domain::Role) -> &'static str {
    match role {
        domain::Role::KepalaBidang => "kepala-bidang",
        domain::Role::Pendamping => "pendamping",
        domain::Role::Auditor => "auditor",
        // Another system's account is set up by the administrator (their page explains it).
        domain::Role::Admin | domain::Role::Interop => "admin",
        domain::Role::Operator => "operator",
    }
}

async fn index(PageAuth { s, ctx }: PageAuth) -> AppResult<Response> {
    let mine = slug_of(s.role());
    let ctx_lang = ctx.lang;
    Ok(html(&GuidePage {
        ctx,
        pages: PAGES,
        page: None,
        mine,
        glossary: glossary(ctx_lang),
    })?
    .into_response())
}

async fn page(PageAuth { s, ctx }: PageAuth, Path(slug): Path<String>) -> AppResult<Response> {
    let page = PAGES
        .iter()
        .find(|p| p.slug == slug)
        .ok_or(AppError::App(app::Error::NotFound))?;
    let mine = slug_of(s.role());
    let ctx_lang = ctx.lang;
    Ok(html(&GuidePage {
        ctx,
        pages: PAGES,
        page: Some(page),
        mine,
        glossary: glossary(ctx_lang),
    })?
    .into_response())
}

async fn image(_: PageAuth, Path(file): Path<String>) -> AppResult<Response> {
    let (_, body) = IMAGES
        .iter()
        .find(|(n, _)| *n == file)
        .ok_or(AppError::App(app::Error::NotFound))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        *body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_level_stage_and_state_is_explained() {
        for lang in [domain::Lang::Id, domain::Lang::En] {
            for (title, terms) in glossary(lang) {
                assert!(!terms.is_empty(), "{title}");
                for (label, text) in terms {
                    assert!(text.len() > 10 && text != lang.t("common.empty"), "{label}");
                }
            }
        }
        assert_eq!(
            step_html("Tekan «Simpan» <b>"),
            "Tekan <b class=\"ui\">Simpan</b> &#60;b&#62;"
        );
    }

    #[test]
    fn every_role_has_a_page_and_every_picture_exists() {
        for r in domain::Role::ALL {
            assert!(PAGES.iter().any(|p| p.slug == slug_of(r)), "{r:?}");
        }
        for t in PAGES.iter().flat_map(|p| p.tasks) {
            if let Some(img) = t.image {
                let (_, bytes) = IMAGES.iter().find(|(n, _)| *n == img).expect(img);
                assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF], "{img} is a JPEG");
            }
        }
    }
}
