use super::*;

const V: &str = "32.79.04.2002";

#[test]
fn each_corruption_kind_is_found() {
    let base = r(
        "1",
        "3279041705800012",
        "Muhammad Sujono",
        "L",
        "1980-05-17",
        V,
        "3279040101100001",
    );
    let variants = [
        r(
            "2",
            "3279041705800012",
            "Moh. Soedjono",
            "L",
            "1980-05-17",
            V,
            "",
        ), // spelling variants
        r(
            "3",
            "3279041705800012",
            "Muhammad Sujona",
            "L",
            "1980-05-17",
            V,
            "",
        ), // typo
        r(
            "4",
            "3279041705800012",
            "Sujono Muhammad",
            "L",
            "1980-05-17",
            V,
            "",
        ), // word order
        r(
            "5",
            "3279041785800012",
            "Muhammad Sujono",
            "L",
            "1980-05-17",
            V,
            "",
        ), // one NIK digit
        r(
            "6",
            "3279041705800012",
            "Muhammad Sujono",
            "L",
            "1980-17-05",
            V,
            "",
        ), // swapped (invalid)
        r(
            "7",
            "3279040517800012",
            "Muhammad Sujono",
            "L",
            "1980-05-17",
            V,
            "",
        ), // day/month swapped in NIK
    ];
    for v in &variants {
        let s = score(&base, v);
        assert!(s.score >= MATCH, "{} should match: {s:?}", v.id);
    }
    let (clusters, _) = cluster(&[vec![base.clone()], variants.to_vec()].concat(), 500);
    assert!(clusters.iter().all(|c| *c == 0), "{clusters:?}");
}

#[test]
fn twins_in_one_kk_and_same_day_neighbours_stay_apart() {
    let a = r(
        "1",
        "3279041705800012",
        "Hasan Sudrajat",
        "L",
        "1980-05-17",
        V,
        "3279040101100001",
    );
    let twin = r(
        "2",
        "3279041705800013",
        "Husen Sudrajat",
        "L",
        "1980-05-17",
        V,
        "3279040101100001",
    );
    assert!(score(&a, &twin).score < MATCH, "{:?}", score(&a, &twin));
    let neighbour = r(
        "3",
        "3279041705800014",
        "Ujang Permana",
        "L",
        "1980-05-17",
        V,
        "3279040202100002",
    );
    assert!(score(&a, &neighbour).score < MATCH);
    let (c, compared) = cluster(&[a, twin, neighbour], 500);
    assert_eq!(c, vec![0, 1, 2]);
    assert!(compared <= 3);
}

#[test]
fn blocking_keeps_far_pairs_apart() {
    let recs: Vec<Record> = (0..200)
        .map(|i| {
            r(
                &i.to_string(),
                &format!(
                    "3279{:02}{:02}0{}80{:04}",
                    1 + i % 4,
                    1 + i % 28,
                    1 + i % 9,
                    i + 1
                ),
                &format!("Orang {i} Nomor"),
                "L",
                &format!("1980-0{}-{:02}", 1 + i % 9, 1 + i % 28),
                &format!("32.79.0{}.2001", 1 + i % 4),
                "",
            )
        })
        .collect();
    let (_, compared) = cluster(&recs, 500);
    assert!(compared < 200 * 199 / 2 / 4, "compared {compared} pairs");
}

#[test]
fn records_drifted_over_the_years_are_one_person() {
    let kk = "3279040101100001";
    let base = r(
        "1",
        "3279045708920003",
        "SITI AMINAH",
        "P",
        "1992-08-17",
        V,
        kk,
    );
    for (id, nik, name, village, card, why) in [
        (
            "2",
            "3279045708920003",
            "HJ. SITI AMINAH, S.PD",
            V,
            kk,
            "title and degree",
        ),
        (
            "3",
            "3279045708920003",
            "SITI AMINAH BINTI ASEP",
            V,
            "",
            "patronymic",
        ),
        ("4", "3279045708920003", "SITIAMINAH", V, kk, "joined"),
        ("5", "3279045708920003", "SITI A.", V, kk, "initial"),
        ("6", "3279045708920003", "siti aminah", V, "", "lower case"),
        // Married into another kecamatan: the same NIK, her husband's card.
        (
            "7",
            "3279045708920003",
            "SITI AMINAH",
            "32.79.01.1001",
            "3279010202200002",
            "moved",
        ),
        (
            "8",
            "",
            "Hj. Siti Aminah Binti Asep",
            V,
            kk,
            "no NIK, drifted",
        ),
    ] {
        let d = r(id, nik, name, "P", "1992-08-17", village, card);
        let s = score(&base, &d);
        assert!(s.score >= MATCH, "{why}: {s:?}");
    }
    let reasons = score(
        &base,
        &r(
            "4",
            "3279045708920003",
            "SITIAMINAH",
            "P",
            "1992-08-17",
            V,
            kk,
        ),
    )
    .reasons;
    assert!(reasons.contains(&"dedup.name_spacing"), "{reasons:?}");
}

#[test]
fn twins_named_alike_stay_two_with_a_drifted_record_between_them() {
    let kk = "3279040101100001";
    let iis = r("1", "3279045708920001", "IIS", "P", "2014-08-17", V, kk);
    let iin = r("2", "3279045708920002", "IIN", "P", "2014-08-17", V, kk);
    // Iis registered again without her NIK, her name lower case: as alike to Iin.
    let again = r("3", "", "iis binti asep", "P", "2014-08-17", V, kk);
    let hasan = r("4", "3279041708920001", "HASAN", "L", "1992-08-17", V, kk);
    let husen = r("5", "3279041708920002", "HUSEN", "L", "1992-08-17", V, kk);
    assert!(
        score(&iis, &iin).score < LINK_FLOOR,
        "{:?}",
        score(&iis, &iin)
    );
    assert!(score(&hasan, &husen).score < MATCH);
    let (c, _) = cluster(&[iis, iin, again, hasan, husen], 500);
    assert_ne!(c[0], c[1], "Iis and Iin: {c:?}");
    assert_ne!(c[3], c[4], "Hasan and Husen: {c:?}");
}

/// A person's pairs scored against the records sharing a key with them are the pairs the
/// whole registry's scoring gives that person — also where a block is too large to count.
#[test]
fn one_persons_pairs_are_the_registrys_pairs_of_that_person() {
    let names = [
        "Siti Aminah",
        "Siti Aminan",
        "Dewi Sartika",
        "Budi Santoso",
        "Moh. Soedjono",
        "Muhammad Sujono",
        "Asep Saepudin",
        "Euis Komariah",
        "Cucu Cahyati",
        "Dedi Sopian",
    ];
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let mut records = Vec::new();
    for i in 0..1_500u64 {
        // Three records of each of 500 persons, drifting: a NIK left out, a name misspelt.
        let person = i / 3;
        let name = names[((person % 5) * 2 + next(2)) as usize];
        let birth = format!(
            "19{:02}-0{}-1{}",
            70 + person % 3,
            1 + person % 7 % 3,
            person % 11 % 3
        );
        let village = format!("32.79.0{}.200{}", 1 + person % 2, 1 + next(2));
        // A block of more than MAX_BLOCK records: nearly everyone on one family card.
        let kk = if i % 50 == 0 {
            String::new()
        } else {
            "3279040101100001".to_string()
        };
        let sex = if person % 2 == 0 { "P" } else { "L" };
        // The NIK encodes the birth date (the day plus 40 for a woman).
        let day: u64 = birth[8..].parse().unwrap_or(1) + if sex == "P" { 40 } else { 0 };
        let nik = if next(3) == 0 {
            String::new()
        } else {
            format!(
                "3279{:02}{day:02}{}{}{:04}",
                person % 5,
                &birth[5..7],
                &birth[2..4],
                person
            )
        };
        records.push(r(&i.to_string(), &nik, name, sex, &birth, &village, &kk));
    }
    let finder = Finder::learn(&records, 2);
    let whole = finder.review_pairs(&records, 2);
    assert!(whole.len() > 100, "{} pairs", whole.len());
    for me in [0usize, 1, 2, 17, 50, 333, 1_000, 1_499] {
        let mut expected: Vec<(usize, u64)> = whole
            .iter()
            .filter(|(i, j, _)| *i == me || *j == me)
            .map(|(i, j, s)| (if *i == me { *j } else { *i }, s.score.to_bits()))
            .collect();
        expected.sort_unstable();
        let mut got: Vec<(usize, u64)> = finder
            .review_pairs_of(&records[me], &records)
            .into_iter()
            .map(|(i, s)| (i, s.score.to_bits()))
            .collect();
        got.sort_unstable();
        assert_eq!(got, expected, "record {me}");
    }
}
