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

/// A task: its title, the steps, and the screenshot that shows it.
pub struct Task {
    pub title: &'static str,
    pub steps: &'static [&'static str],
    pub image: Option<&'static str>,
}

/// A role's page of the guide.
pub struct Page {
    pub slug: &'static str,
    pub role: &'static str,
    pub intro: &'static str,
    pub tasks: &'static [Task],
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
        intro: "Operator mendaftarkan penduduk dan KUBE, mengimpor daftar dari spreadsheet, membuat dan memverifikasi usulan, mencatat bimbingan teknis serta penyerahan barang.",
        tasks: &[
            Task {
                title: "Masuk ke SIKUBE",
                steps: &[
                    "Buka alamat SIKUBE kantor di peramban (komputer atau ponsel).",
                    "Isi nama pengguna dan kata sandi, lalu tekan Masuk.",
                    "Setelah lima kali salah, akun dan komputer Anda ditahan sementara: tunggu 15 menit atau minta admin mengganti kata sandi.",
                ],
                image: Some("login.jpg"),
            },
            Task {
                title: "Mendaftarkan penduduk",
                steps: &[
                    "Menu Penduduk → Tambah penduduk.",
                    "Ketik NIK 16 digit: di bawah kolom tampil wilayah, tanggal lahir dan jenis kelamin yang terbaca dari NIK — cocokkan dengan KTP.",
                    "Isi nomor KK, nama lengkap, desa/kelurahan, RT/RW dan kategori (fakir miskin, WRSE, lansia, anak, disabilitas).",
                    "Tekan Simpan. Bila muncul peringatan kemungkinan data ganda, buka data yang disebut; centang \"tetap simpan\" hanya bila benar orang yang berbeda.",
                ],
                image: Some("person-form.jpg"),
            },
            Task {
                title: "Mengimpor daftar dari spreadsheet",
                steps: &[
                    "Menu Impor → unduh templat (XLSX atau CSV) dan isi satu baris per orang. Kolom NIK dan KK harus berformat Teks.",
                    "Pilih berkas lalu tekan Periksa: setiap baris yang salah tampil dengan kolom dan alasannya.",
                    "Pilih \"semua atau tidak sama sekali\" atau \"hanya baris yang benar\", lalu Simpan. Baris yang ditolak dapat diunduh, diperbaiki, dan diimpor lagi; baris yang sudah terdaftar dilewati.",
                    "Berkas kantor sendiri dengan judul kolom lain juga bisa: halaman pratinjau menampilkan kolom berkas di samping setiap isian (tebakan sudah dipilih); periksa, lalu Simpan pasangan kolom. Pasangan itu diingat untuk berkas berikutnya dengan judul kolom yang sama.",
                    "NIK yang tersimpan sebagai angka ditolak per baris: program spreadsheet sudah membulatkannya ke 15 digit. Format kolom NIK sebagai Teks lalu ketik ulang.",
                ],
                image: Some("import.jpg"),
            },
            Task {
                title: "Membentuk KUBE",
                steps: &[
                    "Menu KUBE → Tambah KUBE, pilih desa/kelurahan sekretariat.",
                    "Isi nama kelompok, jenis usaha, tanggal pembentukan dan sumber dana.",
                    "Pilih 5–20 anggota dari kecamatan yang sama (ketik nama lalu pilih dari daftar) dan tentukan ketua, sekretaris dan bendahara.",
                    "Tekan Simpan: nomor registrasi KUBE-kode-tahun-urut dibuat otomatis.",
                ],
                image: Some("kube-form.jpg"),
            },
            Task {
                title: "Membuat dan memverifikasi usulan bantuan",
                steps: &[
                    "Buka halaman KUBE → Buat usulan.",
                    "Pilih program, pilih paket lalu Isi dari paket; sesuaikan jumlah barang dan tulis alasan usulan.",
                    "Simpan (Draf) → Ajukan. Petugas lain memeriksa kelengkapan lalu menekan Verifikasi; usulan kemudian menunggu keputusan Kepala Bidang.",
                ],
                image: Some("proposal-form.jpg"),
            },
            Task {
                title: "Mencatat bimbingan teknis dan kehadiran",
                steps: &[
                    "Menu Bimbingan → Tambah kegiatan: jenis (bimbingan teknis), jenis usaha, tanggal, tempat dan instansi mitra (mis. dinas peternakan).",
                    "Tambahkan peserta, lalu centang kehadiran setiap hari kegiatan.",
                    "Halaman kegiatan merangkum peserta per desa asal; sertifikat dapat diunduh untuk peserta yang hadir.",
                ],
                image: Some("training.jpg"),
            },
            Task {
                title: "Mencatat penyerahan barang dan BAST",
                steps: &[
                    "Barang hanya diserahkan setelah usulan disetujui dan pengurus serta sebagian besar anggota KUBE mengikuti bimbingan teknis jenis usahanya.",
                    "Buka usulan yang Disetujui, isi tanggal, penerima, tempat dan jumlah barang yang benar-benar diserahkan, lalu tekan Catat penyerahan.",
                    "Unduh BAST untuk ditandatangani; barang tercatat di aset kelompok.",
                ],
                image: Some("proposal-deliver.jpg"),
            },
            Task {
                title: "Memeriksa data ganda",
                steps: &[
                    "Menu Penduduk → Periksa data ganda: pasangan data yang mirip tampil berdampingan dengan alasannya.",
                    "Pasangan yang menerima bantuan dua kali ditandai dan tampil paling atas.",
                    "Tekan \"Bukan orang yang sama\" atau pilih data yang dipertahankan lalu Gabungkan: keanggotaan, program dan bimbingan dipindahkan ke data yang dipertahankan.",
                ],
                image: Some("duplicates.jpg"),
            },
        ],
    },
    Page {
        slug: "kepala-bidang",
        role: "Kepala Bidang",
        intro: "Kepala Bidang memantau berapa KUBE masih berjalan, memutuskan usulan bantuan, dan menjaga anggaran serta kuota program.",
        tasks: &[
            Task {
                title: "Membaca dasbor",
                steps: &[
                    "Beranda menampilkan jumlah KUBE, persentase yang masih berjalan, dan status per kecamatan, jenis usaha, tahun pembentukan, desa dan sumber dana.",
                    "Warna batang mengikuti keterangan status; tekan sebuah batang atau angka untuk membuka daftar KUBE-nya.",
                    "Di bagian bawah: kegiatan bimbingan, kunjungan, serta anggaran dan kuota program tahun ini.",
                ],
                image: Some("dashboard.jpg"),
            },
            Task {
                title: "Menyetujui atau menolak usulan",
                steps: &[
                    "Menu Usulan → saring status Diverifikasi, buka sebuah usulan.",
                    "Periksa barang, total, lampiran dan riwayat usulan.",
                    "Tekan Setujui: sistem menolak bila anggaran atau kuota program tidak cukup, dengan angkanya; penolakan itu tercatat di jejak audit.",
                    "Atau tulis alasan lalu tekan Tolak.",
                ],
                image: Some("proposal-approve.jpg"),
            },
            Task {
                title: "Menyetujui pembayaran bantuan bulanan",
                steps: &[
                    "Bantuan uang (mis. ASLUT bulanan) yang dicatat operator menunggu persetujuan Kepala Bidang; sampai disetujui, dana sudah terikat tetapi belum tersalurkan.",
                    "Menu Program → buka program, lihat bagian Bantuan tercatat: yang menunggu tampil paling atas.",
                    "Periksa nama, periode dan nilai, lalu tekan Setujui pembayaran. Pencatat tidak dapat menyetujui catatannya sendiri.",
                ],
                image: Some("programme.jpg"),
            },
            Task {
                title: "Memantau anggaran program",
                steps: &[
                    "Menu Program → buka program.",
                    "Angka anggaran, terikat (disetujui), tersalurkan dan sisa; kuota terpakai.",
                    "Grafik menunjukkan dana terikat dan tersalurkan per bulan terhadap garis pagu anggaran.",
                ],
                image: Some("programme.jpg"),
            },
            Task {
                title: "Mengunduh laporan",
                steps: &[
                    "Menu Laporan → pilih laporan (mis. Status KUBE).",
                    "Saring tahun atau kecamatan; laporan status memuat subtotal dan persentase yang masih berjalan per kecamatan.",
                    "Unduh XLSX, PDF (berkop dinas) atau CSV.",
                ],
                image: Some("report.jpg"),
            },
        ],
    },
    Page {
        slug: "pendamping",
        role: "Pendamping",
        intro: "Pendamping bekerja dari ponsel di desa: melihat KUBE dampingannya menurut risiko, mencatat kunjungan monitoring, dan melihat perkembangan kelompok. Pendamping hanya melihat kecamatan tugasnya.",
        tasks: &[
            Task {
                title: "Melihat antrean pendampingan",
                steps: &[
                    "Menu → Pendampingan: KUBE dampingan diurutkan menurut risiko (tidak aktif dan perlu pendampingan di atas, lalu yang paling lama terlambat dikunjungi).",
                    "Setiap baris menampilkan status, alasannya dan tanggal kunjungan berikutnya.",
                ],
                image: Some("mentoring.jpg"),
            },
            Task {
                title: "Mencatat kunjungan monitoring",
                steps: &[
                    "Tekan Catat kunjungan pada KUBE yang dikunjungi.",
                    "Isi tanggal, apakah usaha berjalan, jumlah pertemuan, anggota yang hadir, pembukuan, omzet, biaya, saldo tabungan/IKS, jumlah dan nilai aset, masalah dan tindak lanjut.",
                    "Tekan Simpan: status dan tingkat KUBE dinilai ulang seketika, dengan alasannya. Bila ada dua kunjungan pada tanggal yang sama, yang dicatat terakhir yang menentukan.",
                ],
                image: Some("visit-form.jpg"),
            },
            Task {
                title: "Melihat perkembangan kelompok",
                steps: &[
                    "Buka halaman KUBE: grafik omzet, laba dan tabungan per kunjungan menunjukkan arah usaha sekilas.",
                    "Di bawahnya: daftar kunjungan, anggota dan pengurus, bimbingan teknis, aset kelompok dan riwayat status.",
                ],
                image: Some("kube-detail.jpg"),
            },
        ],
    },
    Page {
        slug: "auditor",
        role: "Auditor",
        intro: "Auditor membaca semua data dan laporan tanpa dapat mengubahnya. NIK dan KK tampil disamarkan.",
        tasks: &[
            Task {
                title: "Memeriksa jejak audit",
                steps: &[
                    "Menu Jejak audit: setiap perubahan dengan waktu (WIB), pengguna, tindakan, dan nilai sebelum → sesudah.",
                    "Saring menurut entitas, nomor, pengguna, tindakan (mis. approve_refused untuk persetujuan yang ditolak anggaran) dan tanggal.",
                    "Setiap ekspor data pribadi juga tercatat di sini.",
                ],
                image: Some("audit.jpg"),
            },
            Task {
                title: "Membaca laporan",
                steps: &[
                    "Menu Laporan: status KUBE, penyaluran bantuan, hasil usaha, bimbingan dan penerima program perorangan.",
                    "Unduh XLSX atau PDF untuk berkas pemeriksaan.",
                ],
                image: Some("report.jpg"),
            },
        ],
    },
    Page {
        slug: "admin",
        role: "Admin",
        intro: "Admin mengelola akun pengguna, peran dan wilayah tugas pendamping.",
        tasks: &[
            Task {
                title: "Menambah dan mengubah pengguna",
                steps: &[
                    "Menu Pengguna → Tambah pengguna: nama pengguna, peran, kata sandi awal (minimal 10 karakter), dan kecamatan tugas untuk pendamping.",
                    "Buka seorang pengguna untuk mengganti peran, kecamatan atau kata sandi, atau menonaktifkannya; sesi pengguna yang dinonaktifkan berakhir seketika.",
                    "Admin tidak dapat menonaktifkan atau menurunkan peran dirinya sendiri bila ia admin terakhir.",
                    "Di halaman pengguna tampil sesi dan token API-nya beserta waktu terakhir dipakai; tekan Akhiri untuk memutus satu, atau Akhiri semua. Mengganti kata sandi seseorang juga mengakhiri semua sesi dan tokennya.",
                ],
                image: Some("users.jpg"),
            },
            Task {
                title: "Pekerjaan di server",
                steps: &[
                    "Cadangan: sikube backup /cadangan/sikube-TANGGAL.db (boleh saat server berjalan).",
                    "Pemulihan: hentikan server, lalu sikube restore BERKAS.",
                    "Impor besar: sikube import persons BERKAS.xlsx --mode valid --rejected ditolak.xlsx.",
                ],
                image: None,
            },
        ],
    },
];

#[derive(askama::Template)]
#[template(path = "guide.html")]
struct GuidePage {
    ctx: Ctx,
    pages: &'static [Page],
    page: Option<&'static Page>,
    /// The page of the caller's role.
    mine: &'static str,
}

fn slug_of(role: domain::Role) -> &'static str {
    match role {
        domain::Role::KepalaBidang => "kepala-bidang",
        domain::Role::Pendamping => "pendamping",
        domain::Role::Auditor => "auditor",
        domain::Role::Admin => "admin",
        domain::Role::Operator => "operator",
    }
}

async fn index(PageAuth { s, ctx }: PageAuth) -> AppResult<Response> {
    let mine = slug_of(s.role());
    Ok(html(&GuidePage {
        ctx,
        pages: PAGES,
        page: None,
        mine,
    })?
    .into_response())
}

async fn page(PageAuth { s, ctx }: PageAuth, Path(slug): Path<String>) -> AppResult<Response> {
    let page = PAGES
        .iter()
        .find(|p| p.slug == slug)
        .ok_or(AppError::App(app::Error::NotFound))?;
    let mine = slug_of(s.role());
    Ok(html(&GuidePage {
        ctx,
        pages: PAGES,
        page: Some(page),
        mine,
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
