//! A small deterministic random generator and the Indonesian names it draws from.

/// splitmix64: small, fast and the same on every machine.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(super) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

// Sundanese, Javanese and general Indonesian names: real registries hold hundreds of
// thousands of distinct names; three parts drawn from these lists give about 400,000.
pub(super) const WOMEN: &[&str] = &[
    "Siti",
    "Euis",
    "Iis",
    "Nining",
    "Tati",
    "Lilis",
    "Popon",
    "Kokom",
    "Enok",
    "Cucu",
    "Dedeh",
    "Yati",
    "Entin",
    "Rina",
    "Sri",
    "Nur",
    "Dewi",
    "Neneng",
    "Imas",
    "Wati",
    "Ai",
    "Elis",
    "Yuyun",
    "Ani",
    "Rini",
    "Eti",
    "Titin",
    "Oom",
    "Iyah",
    "Ela",
    "Nani",
    "Rohmah",
    "Aisyah",
    "Fatimah",
    "Lina",
    "Nia",
    "Wulan",
    "Rosita",
    "Yulia",
    "Heni",
    "Ika",
    "Maya",
    "Rahmawati",
    "Sumiati",
];
pub(super) const MEN: &[&str] = &[
    "Asep", "Ujang", "Dadang", "Cecep", "Dedi", "Maman", "Oman", "Yayat", "Wawan", "Jajang",
    "Agus", "Budi", "Hendra", "Rahmat", "Gugun", "Engkus", "Endang", "Ade", "Iwan", "Usep",
    "Aceng", "Dodi", "Eman", "Juju", "Kurnia", "Lukman", "Mamat", "Nandang", "Odang", "Pepen",
    "Rudi", "Sutisna", "Tatang", "Ucu", "Yusuf", "Zaenal", "Ahmad", "Muhammad", "Bambang",
];
pub(super) const MIDDLE: &[&str] = &[
    "Nur", "Sri", "Siti", "Dewi", "Ayu", "Putri", "Indah", "Ratna", "Tri", "Dwi", "Eka", "Rahma",
    "Ali", "Abdul", "Agus", "Dedi", "Hadi", "Iman", "Jaka", "Rizki", "Adi", "Bayu", "Candra",
];
pub(super) const FAMILY: &[&str] = &[
    "Sunarya",
    "Rukmana",
    "Hidayat",
    "Suryana",
    "Permana",
    "Kusnadi",
    "Supriatna",
    "Hasanah",
    "Rohimah",
    "Marlina",
    "Solihin",
    "Mulyana",
    "Sopandi",
    "Wahyudi",
    "Setiawan",
    "Nurhayati",
    "Kurniasih",
    "Saepudin",
    "Ruhiyat",
    "Firmansyah",
    "Lestari",
    "Rahayu",
    "Fitriani",
    "Gunawan",
    "Hermawan",
    "Iskandar",
    "Junaedi",
    "Kartika",
    "Maulana",
    "Nugraha",
    "Pratama",
    "Ramdani",
    "Sabana",
    "Taufik",
    "Wijaya",
    "Yulianti",
    "Zakaria",
    "Anggraeni",
    "Budiman",
    "Cahyadi",
    "Darmawan",
    "Effendi",
    "Fauzi",
    "Hakim",
    "Irawan",
    "Jamaludin",
    "Komarudin",
    "Latif",
    "Mulyadi",
    "Nasution",
    "Purnama",
    "Rosadi",
    "Suhendar",
    "Tarsono",
    "Umar",
    "Wiguna",
    "Yusup",
    "Sukmawati",
    "Sutrisno",
    "Haryanto",
    "Susanti",
    "Wulandari",
    "Kusumah",
    "Ardiansyah",
    "Hidayati",
    "Sulastri",
    "Rismawati",
    "Sumarni",
    "Handayani",
    "Suryadi",
    "Nurjanah",
    "Mardiyah",
];
