//! Blocking: which pairs of records are compared at all. Records sharing a key (the
//! NIK's first twelve digits, a family card, a birth date in a kecamatan, a name's start
//! with part of a birth date …) fall into one block; each pair is compared once.
use super::compare::{compare, Pattern, Prepared};
use super::{adjustment, normalize_name, Finder, Record};
use std::collections::HashMap;

/// Blocks larger than this say nothing (a common name born in one year in one kecamatan).
pub const MAX_BLOCK: usize = 1000;

/// Keys that put records which might be the same person into one block, so the
/// finder compares far fewer pairs than all of them.
pub fn blocking_keys(r: &Record) -> Vec<String> {
    let mut keys = Vec::with_capacity(7);
    // The smallest start of a word (whatever the word order), initials left aside.
    let name = normalize_name(&r.name);
    let first = name
        .split_whitespace()
        .filter(|w| w.len() > 1)
        .map(|w| w.chars().take(3).collect::<String>())
        .min()
        .unwrap_or_default();
    let nik = r.nik.trim();
    if nik.len() == 16 && nik.is_ascii() {
        keys.push(format!("n{}", &nik[..12]));
        keys.push(format!("s{}", &nik[6..]));
    }
    let kk = r.kk_number.trim();
    if !kk.is_empty() {
        keys.push(format!("k{kk}"));
    }
    let district = r.village_code.get(..8).unwrap_or("");
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
    // Alike names in one kecamatan born the same month, or the same day of another
    // year: a typo in one part of the birth date, the NIK missing or mistyped.
    let birth = r.birth_date.trim();
    keys.push(format!(
        "m{district}{first}{}",
        birth.get(..7).unwrap_or("")
    ));
    if let Some(day) = birth.get(5..) {
        keys.push(format!("d{district}{first}{day}"));
        // A woman married into another kecamatan, registered there without her NIK.
        keys.push(format!("f{first}{birth}"));
    }
    keys
}

/// YYYY-MM-DD → YYYY-DD-MM when that is a date too (a day and month written the wrong way).
pub fn swapped(date: &str) -> Option<String> {
    let (y, rest) = date.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    let (mi, di): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    (di <= 12 && mi != di).then(|| format!("{y}-{d}-{m}"))
}

/// Records grouped by blocking key. Keys are kept as 64-bit hashes (a collision only
/// merges two blocks, costing comparisons, not matches), so a million records' blocks
/// stay small.
pub(super) struct Blocks {
    blocks: Vec<Vec<u32>>,
    /// The blocks of each record (sorted), to compare a pair in the first one only.
    keys_of: Vec<Vec<u32>>,
    max_block: usize,
}

fn key_hash(key: &str) -> u64 {
    // FNV-1a: stable and quick; the keys are short.
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Blocks {
    pub(super) fn new(records: &[Record], max_block: usize) -> Blocks {
        let mut ids: HashMap<u64, u32> = HashMap::new();
        let mut keys_of: Vec<Vec<u32>> = Vec::with_capacity(records.len());
        let mut blocks: Vec<Vec<u32>> = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let mut mine: Vec<u32> = blocking_keys(r)
                .iter()
                .map(|k| {
                    let next = ids.len() as u32;
                    let id = *ids.entry(key_hash(k)).or_insert(next);
                    if id as usize == blocks.len() {
                        blocks.push(Vec::new());
                    }
                    blocks[id as usize].push(i as u32);
                    id
                })
                .collect();
            mine.sort_unstable();
            mine.dedup();
            keys_of.push(mine);
        }
        Blocks {
            blocks,
            keys_of,
            max_block,
        }
    }

    fn useful(&self, b: u32) -> bool {
        (2..=self.max_block).contains(&self.blocks[b as usize].len())
    }

    /// Visits every pair of records sharing a useful block once (in the first block the
    /// two share) with its pattern, on `threads` threads, each folding into its own `T`;
    /// blocks over `max_block` records say nothing and are skipped. `progress(done,
    /// total)` counts blocks.
    fn visit<T: Send>(
        &self,
        prepared: &[Prepared],
        threads: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
        init: impl Fn() -> T + Sync,
        each: impl Fn(&mut T, u32, u32, &Pattern) + Sync,
    ) -> Vec<T> {
        let useful: Vec<u32> = (0..self.blocks.len() as u32)
            .filter(|b| self.useful(*b))
            .collect();
        let total = useful.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let threads = threads.max(1);
        std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (useful, done, init, each) = (&useful, &done, &init, &each);
                    sc.spawn(move || {
                        let mut acc = init();
                        for (n, b) in useful.iter().enumerate().filter(|(n, _)| n % threads == t) {
                            let members = &self.blocks[*b as usize];
                            for x in 0..members.len() {
                                for y in x + 1..members.len() {
                                    let (i, j) =
                                        (members[x].min(members[y]), members[x].max(members[y]));
                                    let first = self.keys_of[i as usize]
                                        .iter()
                                        .filter(|k| {
                                            self.keys_of[j as usize].binary_search(k).is_ok()
                                        })
                                        .find(|k| self.useful(**k));
                                    if first == Some(b) {
                                        let pattern =
                                            compare(&prepared[i as usize], &prepared[j as usize]);
                                        each(&mut acc, i, j, &pattern);
                                    }
                                }
                            }
                            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            if d.is_multiple_of(10_000) || n + 1 == total {
                                progress(d, total);
                            }
                        }
                        acc
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        })
    }

    /// The patterns of the candidate pairs and how often each occurs.
    pub(super) fn pattern_counts(
        &self,
        prepared: &[Prepared],
        threads: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> HashMap<Pattern, u64> {
        let parts = self.visit(prepared, threads, progress, HashMap::new, |acc, _, _, p| {
            *acc.entry(*p).or_insert(0u64) += 1;
        });
        let mut counts: HashMap<Pattern, u64> = HashMap::new();
        for part in parts {
            for (p, c) in part {
                *counts.entry(p).or_default() += c;
            }
        }
        counts
    }

    /// The candidate pairs the finder judges at least `floor` likely: (probability, i, j).
    pub(super) fn likely(
        &self,
        prepared: &[Prepared],
        finder: &Finder,
        floor: f64,
        threads: usize,
    ) -> Vec<(f64, u32, u32)> {
        let parts = self.visit(prepared, threads, &|_, _| {}, Vec::new, |acc, i, j, p| {
            let (a, b) = (&prepared[i as usize], &prepared[j as usize]);
            let score = finder
                .model
                .probability(p, adjustment(&finder.names, p, a, b));
            if score >= floor {
                acc.push((score, i, j));
            }
        });
        parts.into_iter().flatten().collect()
    }
}
