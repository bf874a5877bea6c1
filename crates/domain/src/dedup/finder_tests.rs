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
