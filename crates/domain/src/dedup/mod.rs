//! Finding possible duplicate persons: name normalisation for Indonesian spellings and
//! Jaro-Winkler similarity.

/// Lower case, letters and spaces only, old and variant spellings unified
/// (oe→u, dj→j, tj→c, final y→i, Muhammad/Muhamad/Moh./Mochammad → muhammad).
pub fn normalize_name(name: &str) -> String {
    let lower: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphabetic() { c } else { ' ' })
        .collect();
    let words: Vec<String> = lower
        .split_whitespace()
        .map(|w| {
            let w = w
                .replace("oe", "u")
                .replace("dj", "j")
                .replace("tj", "c")
                .replace("ch", "kh");
            let w = match w.as_str() {
                "muhammad" | "muhamad" | "mohammad" | "mohamad" | "mokhammad" | "mukhammad"
                | "moh" | "muh" | "mhd" | "md" => "muhammad".to_string(),
                _ => w,
            };
            match w.strip_suffix('y') {
                Some(stem) if !stem.is_empty() => format!("{stem}i"),
                _ => w,
            }
        })
        .collect();
    words.join(" ")
}

/// Jaro-Winkler similarity in [0, 1].
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_match = vec![false; a.len()];
    let mut b_match = vec![false; b.len()];
    let mut matches = 0usize;
    for i in 0..a.len() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_match[j] && a[i] == b[j] {
                a_match[i] = true;
                b_match[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0;
    for i in 0..a.len() {
        if a_match[i] {
            while !b_match[k] {
                k += 1;
            }
            if a[i] != b[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    let jaro =
        (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64 / 2.0) / m) / 3.0;
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

/// Names similar enough to warn about (after normalisation).
pub const SIMILAR_NAME: f64 = 0.9;

pub fn names_similar(a: &str, b: &str) -> bool {
    jaro_winkler(&normalize_name(a), &normalize_name(b)) >= SIMILAR_NAME
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_unify() {
        assert_eq!(normalize_name("Moh. Soedjono"), "muhammad sujono");
        assert_eq!(
            normalize_name("MUHAMAD  Tjahjadi"),
            normalize_name("muhammad cahjadi")
        );
        assert_eq!(normalize_name("Yanti Rosy"), "yanti rosi");
    }

    #[test]
    fn similarity() {
        assert!((jaro_winkler("martha", "marhta") - 0.961).abs() < 0.001);
        assert!(names_similar("Siti Aminah", "Siti Aminan"));
        assert!(names_similar("Soekarno", "Sukarno"));
        assert!(!names_similar("Siti Aminah", "Budi Santoso"));
    }
}

/// A person as the duplicate finder sees it.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub nik: String,
    pub name: String,
    pub sex: String,
    /// `YYYY-MM-DD`
    pub birth_date: String,
    pub village_code: String,
    pub kk_number: String,
}

/// Why two records were judged the same person (or not).
#[derive(Debug, Clone, PartialEq)]
pub struct PairScore {
    pub score: f64,
    pub name_similarity: f64,
    /// Catalogue keys (`dedup.*`) of what the two records share or not.
    pub reasons: Vec<&'static str>,
}

impl PairScore {
    /// The reasons for a reader: name similarity first, then the rest.
    pub fn explain(&self) -> Vec<crate::Msg> {
        let mut out = vec![
            crate::Msg::new("dedup.names_similar").arg(format!("{:.2}", self.name_similarity))
        ];
        out.extend(self.reasons.iter().map(|k| crate::Msg::new(k)));
        out
    }
}

fn digits_differ(a: &str, b: &str) -> Option<(usize, Vec<usize>)> {
    if a.len() != b.len() || !a.is_ascii() || !b.is_ascii() {
        return None;
    }
    let pos: Vec<usize> = a
        .bytes()
        .zip(b.bytes())
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, _)| i)
        .collect();
    Some((pos.len(), pos))
}

fn swapped(date: &str) -> Option<String> {
    // YYYY-MM-DD → YYYY-DD-MM when that is a date too.
    let (y, rest) = date.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    let (mi, di): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    (di <= 12 && mi != di).then(|| format!("{y}-{d}-{m}"))
}

/// Name similarity robust to word order: the better of the plain comparison of the
/// normalised names and a word-by-word one (each word against its best partner, the
/// weaker direction counts — so a shared family name alone does not make two people
/// alike).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (na, nb) = (normalize_name(a), normalize_name(b));
    let (wa, wb): (Vec<&str>, Vec<&str>) = (
        na.split_whitespace().collect(),
        nb.split_whitespace().collect(),
    );
    let directed = |x: &[&str], y: &[&str]| {
        if x.is_empty() || y.is_empty() {
            return 0.0;
        }
        x.iter()
            .map(|p| y.iter().map(|q| jaro_winkler(p, q)).fold(0.0, f64::max))
            .sum::<f64>()
            / x.len() as f64
    };
    let words = directed(&wa, &wb).min(directed(&wb, &wa));
    jaro_winkler(&na, &nb).max(words)
}

/// Scores a pair. Traps handled: a KK identifies a household, not a person (twins and
/// relatives share it); NIKs of people registered the same day in the same kecamatan
/// differ only in the serial — so a serial difference needs near-identical names.
pub fn score(a: &Record, b: &Record) -> PairScore {
    let mut reasons = Vec::new();
    let sim = name_similarity(&a.name, &b.name);
    let same_birth = !a.birth_date.is_empty() && a.birth_date == b.birth_date;
    let swapped_birth =
        !same_birth && swapped(&a.birth_date).as_deref() == Some(b.birth_date.as_str());
    let same_district =
        a.village_code.get(..8).is_some() && a.village_code.get(..8) == b.village_code.get(..8);
    let same_village = !a.village_code.is_empty() && a.village_code == b.village_code;
    let same_sex = a.sex.eq_ignore_ascii_case(&b.sex);
    let nik = digits_differ(&a.nik, &b.nik);
    let mut s: f64 = 0.0;
    match &nik {
        Some((0, _)) => {
            s += 0.6;
            reasons.push("dedup.same_nik");
        }
        Some((1, pos)) if pos[0] < 12 => {
            s += 0.35;
            reasons.push("dedup.nik_one_digit");
        }
        Some((1, _)) => {
            // Serial only: same registration day and kecamatan — could be a neighbour.
            s += if sim >= 0.97 { 0.3 } else { -0.3 };
            reasons.push("dedup.nik_serial");
        }
        Some((2, pos))
            if pos[1] == pos[0] + 1 && a.nik.as_bytes()[pos[0]] == b.nik.as_bytes()[pos[1]] =>
        {
            s += 0.3;
            reasons.push("dedup.nik_swapped");
        }
        _ => {}
    }
    if sim >= 0.97 {
        s += 0.35;
    } else if sim >= 0.9 {
        s += 0.25;
    } else if sim >= 0.85 {
        s += 0.1;
    } else {
        s -= 0.4;
    }
    if same_birth {
        s += 0.2;
        reasons.push("dedup.same_birth_date");
    } else if swapped_birth {
        s += 0.15;
        reasons.push("dedup.birth_swapped");
    } else {
        s -= 0.15;
    }
    // Duplicates are re-registrations at the same office: mostly the same kecamatan.
    if same_village {
        s += 0.1;
        reasons.push("dedup.same_village");
    } else if same_district {
        s += 0.05;
        reasons.push("dedup.same_district");
    } else {
        s -= 0.2;
    }
    if !same_sex {
        s -= 0.3;
        reasons.push("dedup.other_sex");
    }
    // A shared family card says household, not person: twins must not merge.
    if !a.kk_number.is_empty() && a.kk_number == b.kk_number && sim < 0.97 {
        s -= 0.3;
        reasons.push("dedup.same_kk_other_name");
    }
    PairScore {
        score: s,
        name_similarity: sim,
        reasons,
    }
}

/// Pairs at or above this score are the same person.
pub const MATCH: f64 = 0.6;

/// Pairs at or above this score are worth a person's look: the registry warns before
/// saving one, and the review page lists them.
pub const REVIEW: f64 = 0.45;

/// Keys that put records which might be the same person into one block, so the
/// finder compares far fewer pairs than all of them.
pub fn blocking_keys(r: &Record) -> Vec<String> {
    let mut keys = Vec::with_capacity(6);
    if r.nik.len() == 16 {
        keys.push(format!("n{}", &r.nik[..12]));
        keys.push(format!("a{}{}", &r.nik[..6], &r.nik[12..]));
        keys.push(format!("s{}", &r.nik[6..]));
    }
    let district = r.village_code.get(..8).unwrap_or("");
    let first = normalize_name(&r.name)
        .split_whitespace()
        .map(|w| w.chars().take(3).collect::<String>())
        .min()
        .unwrap_or_default();
    if !r.birth_date.is_empty() {
        keys.push(format!("b{}{}", r.birth_date, district));
        if let Some(s) = swapped(&r.birth_date) {
            // Both orders under one key: the date with the smaller month first.
            let k = if s < r.birth_date {
                s
            } else {
                r.birth_date.clone()
            };
            keys.push(format!("w{k}{district}"));
        }
    }
    keys.push(format!(
        "m{district}{first}{}",
        r.birth_date.get(..4).unwrap_or("")
    ));
    keys
}

/// Pairs of records (i < j) sharing a blocking key whose score is at least `min_score`,
/// with that score, and the number of pairs compared. Blocks over `max_block` records are
/// skipped as uninformative; the work is spread over `threads` threads.
/// `progress(done, total)` counts blocks.
fn scored_pairs(
    records: &[Record],
    max_block: usize,
    threads: usize,
    min_score: f64,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Vec<(usize, usize, f64)>, u64) {
    use std::collections::{HashMap, HashSet};
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        for k in blocking_keys(r) {
            blocks.entry(k).or_default().push(i);
        }
    }
    let mut useful: Vec<(String, Vec<usize>)> = blocks
        .into_iter()
        .filter(|(_, b)| b.len() >= 2 && b.len() <= max_block)
        .collect();
    useful.sort_by(|a, b| a.0.cmp(&b.0));
    let total = useful.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let threads = threads.max(1);
    type Found = (Vec<(usize, usize, f64)>, u64);
    let results: Vec<Found> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let useful = &useful;
                let done = &done;
                sc.spawn(move || {
                    let mut seen: HashSet<(usize, usize)> = HashSet::new();
                    let mut matched = Vec::new();
                    let mut compared = 0u64;
                    for (n, (_, b)) in useful.iter().enumerate().filter(|(n, _)| n % threads == t) {
                        for x in 0..b.len() {
                            for y in x + 1..b.len() {
                                let (i, j) = (b[x].min(b[y]), b[x].max(b[y]));
                                if !seen.insert((i, j)) {
                                    continue;
                                }
                                compared += 1;
                                let s = score(&records[i], &records[j]).score;
                                if s >= min_score {
                                    matched.push((i, j, s));
                                }
                            }
                        }
                        let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if d.is_multiple_of(10_000) || n + 1 == total {
                            progress(d, total);
                        }
                    }
                    (matched, compared)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut compared = 0;
    let mut all = Vec::new();
    for (matched, c) in results {
        compared += c;
        all.extend(matched);
    }
    // Two threads may meet one pair in different blocks.
    all.sort_by_key(|p| (p.0, p.1));
    all.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    (all, compared)
}

/// Clusters of the same person: `cluster[i]` is the index of the first record of i's
/// cluster. Compares only pairs that share a blocking key (see [`scored_pairs`]).
/// Returns the clusters and the number of pairs compared.
pub fn cluster_with(
    records: &[Record],
    max_block: usize,
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Vec<usize>, u64) {
    let (matched, compared) = scored_pairs(records, max_block, threads, MATCH, progress);
    let mut parent: Vec<usize> = (0..records.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (i, j, _) in matched {
        let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
        if ri != rj {
            parent[ri.max(rj)] = ri.min(rj);
        }
    }
    let clusters = (0..records.len()).map(|i| find(&mut parent, i)).collect();
    (clusters, compared)
}

/// Pairs worth a review ([`REVIEW`] or more), best first, each with its reasons.
pub fn review_pairs(records: &[Record], threads: usize) -> Vec<(usize, usize, PairScore)> {
    let (pairs, _) = scored_pairs(records, MAX_BLOCK, threads, REVIEW, &|_, _| {});
    let mut out: Vec<(usize, usize, PairScore)> = pairs
        .into_iter()
        .map(|(i, j, _)| (i, j, score(&records[i], &records[j])))
        .collect();
    out.sort_by(|a, b| {
        b.2.score
            .total_cmp(&a.2.score)
            .then((a.0, a.1).cmp(&(b.0, b.1)))
    });
    out
}

/// Registered records that may be the same person as `new`, best first.
pub fn likely_same<'a>(new: &Record, known: &'a [Record]) -> Vec<(&'a Record, PairScore)> {
    let mut out: Vec<(&Record, PairScore)> = known
        .iter()
        .map(|k| (k, score(new, k)))
        .filter(|(_, s)| s.score >= REVIEW)
        .collect();
    out.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    out
}

/// Blocks larger than this say nothing (a common name born in one year in one kecamatan).
pub const MAX_BLOCK: usize = 1000;

/// [`cluster_with`] on one thread without progress.
pub fn cluster(records: &[Record], max_block: usize) -> (Vec<usize>, u64) {
    cluster_with(records, max_block, 1, &|_, _| {})
}

#[cfg(test)]
mod finder_tests;
