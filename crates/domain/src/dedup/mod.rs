//! Finding possible duplicate persons: name normalisation for Indonesian spellings,
//! Jaro-Winkler similarity, blocking (which pairs to compare at all), the learned model
//! ([`model`]) and clustering that does not chain two people through a third record.
mod blocks;
pub mod compare;
pub mod model;

use blocks::Blocks;
pub use blocks::{blocking_keys, swapped as swapped_birth, MAX_BLOCK};
use compare::{compare, name, BIRTH, KK, NAME, NIK, PATRONYMIC, PLACE, SEX};
pub use compare::{Pattern, Prepared};
pub use model::{Model, NameCounts};
use std::collections::HashMap;

/// Titles written before a name (pilgrimage, academic, religious): they come and go
/// between one person's records, so agreeing on one is no evidence.
const TITLES: &[&str] = &[
    "h", "hj", "haji", "hajah", "drs", "dra", "dr", "ir", "prof", "kh", "ust", "ustadz",
];

/// The word that introduces a patronymic (`ASEP BIN UJANG`).
fn is_patronymic_word(word: &str) -> bool {
    matches!(word, "bin" | "binti")
}

/// An academic degree written without a comma (`S.PD`, `A.MD`, `M.SI.`): a letter or two
/// and a dot, then short parts. A single letter and a dot (`S.`) is an initial.
fn is_degree(token: &str) -> bool {
    let parts: Vec<&str> = token.trim_end_matches('.').split('.').collect();
    parts.len() >= 2
        && parts[0].len() <= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(char::is_alphabetic))
}

/// A name as written, taken apart: the name proper and the patronymic (after `BIN` or
/// `BINTI`), each normalised ([`normalize_name`]); titles before the name and degrees
/// after it (from the first comma, or dotted like `S.PD`) dropped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NameParts {
    pub proper: String,
    pub patronymic: String,
}

pub fn name_parts(name: &str) -> NameParts {
    let lower = name.to_lowercase();
    let mut proper: Vec<&str> = Vec::new();
    let mut patronymic: Vec<&str> = Vec::new();
    let mut after_comma = false;
    let mut in_patronymic = false;
    for token in lower.split_whitespace() {
        let word = token.trim_matches(|c: char| !c.is_alphanumeric());
        let bare: String = word.chars().filter(|c| c.is_alphabetic()).collect();
        if proper.is_empty() && !in_patronymic && TITLES.contains(&bare.as_str()) {
            continue;
        }
        if !proper.is_empty() && is_patronymic_word(&bare) {
            in_patronymic = true;
            after_comma = false;
            continue;
        }
        let comma = token.starts_with(',');
        if comma {
            after_comma = true;
        }
        // Not the first word: `S.PD` alone is a name written oddly, not a degree.
        if !after_comma && (!proper.is_empty() || in_patronymic) && is_degree(word) {
            continue;
        }
        if !after_comma && !word.is_empty() {
            if in_patronymic {
                patronymic.push(token);
            } else {
                proper.push(token);
            }
        }
        if token.ends_with(',') || (token.contains(',') && !comma) {
            after_comma = true;
        }
    }
    if proper.is_empty() {
        // Nothing but titles: keep what was written.
        return NameParts {
            proper: spelled(&lower),
            patronymic: String::new(),
        };
    }
    NameParts {
        proper: spelled(&proper.join(" ")),
        patronymic: spelled(&patronymic.join(" ")),
    }
}

/// The name proper, normalised: lower case, letters and spaces only, titles, degrees and
/// the patronymic left out, old and variant spellings unified (oe→u, dj→j, tj→c, final
/// y→i, Muhammad/Muhamad/Moh./Mochammad → muhammad).
pub fn normalize_name(name: &str) -> String {
    name_parts(name).proper
}

/// Every word as written (titles and patronymic too), spelling unified, letters and
/// spaces only: the words a name is searched by.
pub fn spelled(name: &str) -> String {
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
    fn titles_degrees_and_patronymics_come_apart() {
        for (written, proper, patronymic) in [
            ("H. ASEP SAEPUDIN", "asep saepudin", ""),
            ("HJ. SITI AMINAH, S.PD", "siti aminah", ""),
            ("Drs. Asep Saepudin, M.Si.", "asep saepudin", ""),
            ("ASEP SAEPUDIN S.PD", "asep saepudin", ""),
            ("NENENG, S.H BINTI DEDE", "neneng", "dede"),
            ("ASEP BIN UJANG", "asep", "ujang"),
            ("asep s.", "asep s", ""),
            ("M. RIZKI", "m rizki", ""),
            ("H.", "h", ""),
            ("IR. DEDI BIN H. ENCEP, S.T", "dedi", "h encep"),
        ] {
            let parts = name_parts(written);
            assert_eq!(
                (parts.proper.as_str(), parts.patronymic.as_str()),
                (proper, patronymic),
                "{written}"
            );
        }
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
    /// The model's probability that the two records are one person.
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

/// Name similarity robust to word order, for a reader: the better of the plain comparison
/// of the normalised names and a word-by-word one (each word against its best partner,
/// the weaker direction counts).
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

/// Every reason [`reasons`] gives, so a stored pair's reasons read back as the catalogue's
/// keys.
pub const REASONS: &[&str] = &[
    "dedup.same_nik",
    "dedup.nik_serial",
    "dedup.nik_swapped",
    "dedup.nik_one_digit",
    "dedup.same_birth_date",
    "dedup.birth_swapped",
    "dedup.birth_near",
    "dedup.name_within",
    "dedup.name_spacing",
    "dedup.name_initials",
    "dedup.same_patronymic",
    "dedup.other_patronymic",
    "dedup.same_kk",
    "dedup.same_kk_other_name",
    "dedup.same_village",
    "dedup.same_district",
    "dedup.other_sex",
];

/// The catalogue key of a stored reason (none: not a reason this finder gives).
pub fn reason_key(stored: &str) -> Option<&'static str> {
    REASONS.iter().copied().find(|k| *k == stored)
}

/// The reasons a reader is shown for a pattern.
fn reasons(p: &Pattern, a: &Record, b: &Record) -> Vec<&'static str> {
    let mut out = Vec::new();
    match p[NIK] {
        0 => out.push("dedup.same_nik"),
        // Said of a typo and of the next serial alike: the reader judges which.
        1 | 6 => out.push("dedup.nik_serial"),
        4 if a.nik.get(..12) == b.nik.get(..12) && a.nik != b.nik => out.push("dedup.nik_serial"),
        2 | 3 => out.push(
            if a.nik.len() == b.nik.len()
                && a.nik
                    .bytes()
                    .zip(b.nik.bytes())
                    .filter(|(x, y)| x != y)
                    .count()
                    == 2
            {
                "dedup.nik_swapped"
            } else {
                "dedup.nik_one_digit"
            },
        ),
        _ => {}
    }
    match p[BIRTH] {
        0 => out.push("dedup.same_birth_date"),
        1 => out.push("dedup.birth_swapped"),
        2 => out.push("dedup.birth_near"),
        _ => {}
    }
    match p[NAME] {
        name::WITHIN => out.push("dedup.name_within"),
        name::SPACING => out.push("dedup.name_spacing"),
        name::INITIALS => out.push("dedup.name_initials"),
        _ => {}
    }
    match p[PATRONYMIC] {
        0 => out.push("dedup.same_patronymic"),
        1 => out.push("dedup.other_patronymic"),
        _ => {}
    }
    if p[KK] == 0 {
        out.push(if p[NAME] <= name::INITIALS {
            "dedup.same_kk"
        } else {
            "dedup.same_kk_other_name"
        });
    }
    match p[PLACE] {
        0 => out.push("dedup.same_village"),
        1 => out.push("dedup.same_district"),
        _ => {}
    }
    if p[SEX] == 1 {
        out.push("dedup.other_sex");
    }
    out
}

/// Pairs at or above this probability are the same person.
pub const MATCH: f64 = 0.55;

/// Pairs at or above this probability are worth a person's look: the registry warns
/// before saving one, and the review page lists them.
pub const REVIEW: f64 = 0.2;

/// Two groups are joined only if no pair across them says two people ([`contradicts`])
/// unless that pair is at least this likely by itself: a third record never chains two
/// different people (twins on one card, HASAN and HUSEN) into one cluster, while a record
/// that drifted far (its NIK left out, a name cut to initials) still joins its person's
/// other records.
pub const LINK_FLOOR: f64 = 0.2;

/// Whether a pair's comparisons say it is two people: two NIKs that each encode their
/// record, birth dates, sexes or fathers that differ, names with no word alike.
fn contradicts(p: &Pattern) -> bool {
    matches!(p[NIK], 3..=5)
        || p[BIRTH] == 3
        || p[SEX] == 1
        || p[PATRONYMIC] == 1
        || p[NAME] == name::DIFFERENT
}

/// The model's view of a registry: its learned probabilities and its name frequencies.
#[derive(Debug, Clone, Default)]
pub struct Finder {
    pub model: Model,
    pub names: NameCounts,
}

/// The name-frequency adjustment of a pair with these names and pattern: on an exact name,
/// or one name within the other (the shorter one's frequency).
fn adjustment(names: &NameCounts, p: &Pattern, a: &Prepared, b: &Prepared) -> f64 {
    match p[NAME] {
        name::EXACT | name::WITHIN => {
            let shorter = if a.name().len() <= b.name().len() {
                a
            } else {
                b
            };
            names.adjustment(shorter.name())
        }
        _ => 0.0,
    }
}

fn prepare(records: &[Record], threads: usize) -> Vec<Prepared> {
    let size = records.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|sc| {
        let handles: Vec<_> = records
            .chunks(size)
            .map(|part| sc.spawn(move || part.iter().map(Prepared::new).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

impl Finder {
    /// The standard model and no name frequencies: for a registry too small to learn from.
    pub fn standard() -> Finder {
        Finder::default()
    }

    /// Learns the model from a registry's own candidate pairs.
    pub fn learn(records: &[Record], threads: usize) -> Finder {
        let prepared = prepare(records, threads);
        let blocks = Blocks::new(records, MAX_BLOCK);
        Finder::learn_prepared(&prepared, &blocks, threads, &|_, _| {}).0
    }

    /// The finder of these records and the number of candidate pairs: the standard model
    /// below 1,000 pairs (too few to learn from), else learned.
    fn learn_prepared(
        prepared: &[Prepared],
        blocks: &Blocks,
        threads: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> (Finder, u64) {
        let counts = blocks.pattern_counts(prepared, threads, progress);
        let compared: u64 = counts.values().sum();
        let model = if compared >= 1000 {
            Model::learn(&counts)
        } else {
            Model::standard()
        };
        let names = NameCounts::new(prepared.iter().map(Prepared::name));
        (Finder { model, names }, compared)
    }

    /// Scores a pair.
    pub fn score(&self, a: &Record, b: &Record) -> PairScore {
        let (pa, pb) = (Prepared::new(a), Prepared::new(b));
        let p = compare(&pa, &pb);
        PairScore {
            score: self
                .model
                .probability(&p, adjustment(&self.names, &p, &pa, &pb)),
            name_similarity: name_similarity(&a.name, &b.name),
            reasons: reasons(&p, a, b),
        }
    }

    /// Pairs worth a review ([`REVIEW`] or more), best first, each with its reasons.
    pub fn review_pairs(
        &self,
        records: &[Record],
        threads: usize,
    ) -> Vec<(usize, usize, PairScore)> {
        let prepared = prepare(records, threads);
        let blocks = Blocks::new(records, MAX_BLOCK);
        let mut out: Vec<(usize, usize, PairScore)> = blocks
            .likely(&prepared, self, REVIEW, threads)
            .into_iter()
            .map(|(_, i, j)| {
                let (i, j) = (i as usize, j as usize);
                (i, j, self.score(&records[i], &records[j]))
            })
            .collect();
        out.sort_by(|a, b| {
            b.2.score
                .total_cmp(&a.2.score)
                .then((a.0, a.1).cmp(&(b.0, b.1)))
        });
        out
    }

    /// The pairs worth a review ([`REVIEW`] or more) between `me` and `others` — which
    /// must hold every record sharing a blocking key with `me` (more do no harm) — as
    /// [`Finder::review_pairs`] finds them in the whole registry: a pair is compared when
    /// the two share a key that no more than [`MAX_BLOCK`] records hold. The duplicate
    /// scan scores a changed person this way instead of the whole registry again.
    pub fn review_pairs_of(&self, me: &Record, others: &[Record]) -> Vec<(usize, PairScore)> {
        let mut block: HashMap<String, usize> =
            blocking_keys(me).into_iter().map(|k| (k, 1)).collect();
        let shared: Vec<Vec<String>> = others
            .iter()
            .map(|o| {
                let mut keys: Vec<String> = blocking_keys(o)
                    .into_iter()
                    .filter(|k| block.contains_key(k))
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                for k in &keys {
                    if let Some(n) = block.get_mut(k) {
                        *n += 1;
                    }
                }
                keys
            })
            .collect();
        let useful = |k: &String| block.get(k).is_some_and(|n| *n <= MAX_BLOCK);
        let mut out: Vec<(usize, PairScore)> = shared
            .iter()
            .enumerate()
            .filter(|(i, keys)| others[*i].id != me.id && keys.iter().any(useful))
            .map(|(i, _)| (i, self.score(me, &others[i])))
            .filter(|(_, s)| s.score >= REVIEW)
            .collect();
        out.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.cmp(&b.0)));
        out
    }

    /// Registered records that may be the same person as `new`, best first.
    pub fn likely_same<'a>(
        &self,
        new: &Record,
        known: &'a [Record],
    ) -> Vec<(&'a Record, PairScore)> {
        let mut out: Vec<(&Record, PairScore)> = known
            .iter()
            .map(|k| (k, self.score(new, k)))
            .filter(|(_, s)| s.score >= REVIEW)
            .collect();
        out.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
        out
    }
}

/// Scores a pair with the standard model.
pub fn score(a: &Record, b: &Record) -> PairScore {
    Finder::standard().score(a, b)
}

/// Clusters of the same person: `cluster[i]` is the index of the first record of i's
/// cluster. Learns the model from the records' own candidate pairs, then joins the pairs
/// of [`MATCH`] or more, most likely first, where no pair across the two groups that says
/// two people falls below [`LINK_FLOOR`]. Returns the clusters, the pairs compared and the
/// learned finder.
pub fn cluster_with(
    records: &[Record],
    max_block: usize,
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Vec<usize>, u64, Finder) {
    let prepared = prepare(records, threads);
    let blocks = Blocks::new(records, max_block);
    // Two passes over the candidate pairs rather than holding them all (121 million in a
    // dense city of a million): the first learns the model, the second keeps the matches.
    let (finder, compared) =
        Finder::learn_prepared(&prepared, &blocks, threads, &|d, t| progress(d, 2 * t));
    let mut matched = blocks.likely(&prepared, &finder, MATCH, threads);
    progress(1, 1);
    drop(blocks);
    let Finder { model, names } = &finder;
    matched.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    // Groups as member lists; a record's group is found through `group`.
    let mut group: Vec<u32> = (0..records.len() as u32).collect();
    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    for (_, i, j) in matched {
        let (gi, gj) = (group[i as usize], group[j as usize]);
        if gi == gj {
            continue;
        }
        let a = members.remove(&gi).unwrap_or_else(|| vec![gi]);
        let b = members.remove(&gj).unwrap_or_else(|| vec![gj]);
        let linked = a.len() * b.len() <= 400
            && a.iter().all(|x| {
                b.iter().all(|y| {
                    let (px, py) = (&prepared[*x as usize], &prepared[*y as usize]);
                    let p = compare(px, py);
                    !contradicts(&p)
                        || model.probability(&p, adjustment(names, &p, px, py)) >= LINK_FLOOR
                })
            });
        if !linked {
            members.insert(gi, a);
            members.insert(gj, b);
            continue;
        }
        // A group is named by its smallest record index.
        let keep = gi.min(gj);
        let mut joined = a;
        joined.extend(b);
        for m in &joined {
            group[*m as usize] = keep;
        }
        members.insert(keep, joined);
    }
    let clusters = group.iter().map(|g| *g as usize).collect();
    (clusters, compared, finder)
}

/// [`cluster_with`] on one thread without progress.
pub fn cluster(records: &[Record], max_block: usize) -> (Vec<usize>, u64) {
    let (c, n, _) = cluster_with(records, max_block, 1, &|_, _| {});
    (c, n)
}

/// A record for tests.
#[cfg(test)]
fn r(id: &str, nik: &str, name: &str, sex: &str, birth: &str, village: &str, kk: &str) -> Record {
    Record {
        id: id.into(),
        nik: nik.into(),
        name: name.into(),
        sex: sex.into(),
        birth_date: birth.into(),
        village_code: village.into(),
        kk_number: kk.into(),
    }
}

#[cfg(test)]
mod finder_tests;
