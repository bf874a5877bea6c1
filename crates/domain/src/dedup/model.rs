//! The duplicate finder's model (Fellegi–Sunter): a pair of records is compared field by
//! field, each comparison falling into an agreement level; each level has a probability
//! among pairs of one person (m) and among pairs of two persons (u), and the pair's
//! evidence is the sum of log2(m/u). The probabilities are learned from the registry at
//! hand by expectation–maximisation over its candidate pairs, so a dense city with a
//! small name pool and a regency with a large one each get their own weights; agreeing on
//! a rare name counts more than agreeing on a common one.
use super::compare::{name, Pattern, BIRTH, KK, NAME, NIK, PATRONYMIC, PLACE, SEX};
use std::collections::HashMap;

/// The model's fields, in the order of [`LEVELS`]. The name and the family card are one
/// field: they are not independent — two records on one card with names not alike are
/// two members of a household (twins share the card, the birth date and the next
/// serials), while on two cards unlike names say much less — so the model learns each
/// combination's weight rather than adding two weights that count the same thing twice.
pub const FIELDS: usize = 6;

/// In the order of [`name`]'s levels.
const NAME_LEVELS: [&str; 7] = [
    "exact name",
    "one name's words within other",
    "same letters, spaced otherwise",
    "every word close to one",
    "initials agree, other words alike",
    "some word close",
    "different names",
];
/// Name levels × card levels in one half.
const NAME_KK_HALF: usize = NAME_LEVELS.len() * 3;
/// Name levels × card levels × whether the birth dates are the same, then "name missing".
const NAME_KK_LEVELS: usize = NAME_KK_HALF * 2 + 1;
const CARD_LEVELS: [&str; 3] = ["same KK", "other KK", "a KK missing"];

/// Field names and their levels, strongest agreement first; the last level of each is
/// "missing", which says nothing (weight 0).
pub const LEVELS: [(&str, &[&str]); FIELDS] = [
    // NIK level × whether the birth dates and kecamatan agree, then "missing".
    ("nik", &[""; 22]),
    // Name level × card level, then "name missing" (see [`field_levels`]).
    ("name+kk", &[""; NAME_KK_LEVELS]),
    (
        "birth_date",
        &[
            "exact",
            "day and month swapped",
            "one part one apart or one digit off",
            "different",
            "missing",
        ],
    ),
    // Place level × whether the NIKs are the same, then "missing".
    ("place", &[""; 7]),
    ("sex", &["same", "different", "missing"]),
    // Only when both records write one (`BIN`/`BINTI …`).
    ("patronymic", &["same", "different", "missing"]),
];

/// The model fields whose levels are in two halves, each conditional on another
/// comparison (each half sums to one): the NIK's on birth date and kecamatan, the name's
/// on the birth date, the place's on the NIK.
const NIK_FIELD: usize = 0;
const NAME_KK_FIELD: usize = 1;
const PLACE_FIELD: usize = 3;

/// How many parts a field's levels are in (each part sums to one).
fn parts(field: usize) -> usize {
    match field {
        NIK_FIELD => 3,
        NAME_KK_FIELD | PLACE_FIELD => 2,
        _ => 1,
    }
}

const PLACE_LEVELS: [&str; 3] = ["same village", "same kecamatan", "other kecamatan"];

const NIK_LEVELS: [&str; 7] = [
    "exact",
    "serial: one digit typo (not the next)",
    "area/birth digit typo (misfits record)",
    "area/birth 1 apart, both fit: 2 people",
    "another serial (or the next one)",
    "different",
    "serial: leading digit typo (e.g. 0001/2001)",
];

/// A level's label for a reader.
pub fn level_label(field: usize, level: usize) -> String {
    if field == 0 {
        return match level {
            21 => "missing".into(),
            l => format!(
                "{} [{}]",
                NIK_LEVELS[l % 7],
                ["same day+kec+KK", "same day+kec", "otherwise"][l / 7]
            ),
        };
    }
    if field == PLACE_FIELD {
        return match level {
            6 => "missing".into(),
            l if l < 3 => format!("{} [same NIK]", PLACE_LEVELS[l]),
            l => format!("{} [otherwise]", PLACE_LEVELS[l - 3]),
        };
    }
    if field == 1 {
        return match level {
            l if l == NAME_KK_LEVELS - 1 => "name missing".into(),
            l => format!(
                "{}, {} [{}]",
                NAME_LEVELS[(l % NAME_KK_HALF) / 3],
                CARD_LEVELS[l % 3],
                if l < NAME_KK_HALF {
                    "same birth"
                } else {
                    "otherwise"
                }
            ),
        };
    }
    LEVELS[field]
        .1
        .get(level)
        .copied()
        .unwrap_or("")
        .to_string()
}

/// The model's levels of a pair's comparisons.
pub fn field_levels(p: &Pattern) -> [usize; FIELDS] {
    // Candidate pairs come from blocks of one birth date or of alike names: among two
    // people's pairs born the same day alike names are rare, among the rest common — so
    // the name is weighed apart on the two sides rather than counted as if independent.
    let name_kk = if p[NAME] >= name::MISSING {
        NAME_KK_LEVELS - 1
    } else {
        let l = p[NAME] as usize * 3 + p[KK] as usize;
        if p[BIRTH] == 0 {
            l
        } else {
            l + NAME_KK_HALF
        }
    };
    // A NIK encodes the kecamatan and the birth date, so how its digits agree is weighed
    // separately among pairs whose birth dates and kecamatan already agree: there two
    // people's NIKs differ only in the serial (0001, 0003 …), which must not count again.
    // On one family card too, two people born that day are twins with the next serials,
    // so another digit in the serial there is a typo more often than among neighbours.
    let nik = match p[NIK] {
        7.. => 21,
        l if p[BIRTH] == 0 && p[PLACE] <= 1 && p[KK] == 0 => l as usize,
        l if p[BIRTH] == 0 && p[PLACE] <= 1 => l as usize + 7,
        l => l as usize + 14,
    };
    // A woman married into another kecamatan keeps her NIK, while a NIK mistyped into
    // another person's is one of her neighbours': among pairs with one NIK a different
    // kecamatan says something else than among the rest.
    let place = match p[PLACE] {
        3.. => 6,
        l if p[NIK] == 0 => l as usize,
        l => l as usize + 3,
    };
    [
        nik,
        name_kk,
        p[BIRTH] as usize,
        place,
        p[SEX] as usize,
        p[PATRONYMIC] as usize,
    ]
}

/// Whether a pair is one person by evidence other than model field `field`, so it can
/// tell how that field agrees among one person's records. The same NIK alone is not
/// enough: in a dense city a mistyped NIK is often another person's, so a second field
/// must agree too.
fn anchor(field: usize, p: &Pattern) -> bool {
    match field {
        0 => p[KK] == 0 && p[NAME] <= name::SPACING && p[BIRTH] == 0 && p[SEX] == 0,
        1 => p[NIK] == 0 && p[BIRTH] <= 2 && p[SEX] == 0,
        _ => p[NIK] == 0 && p[NAME] <= name::INITIALS,
    }
}

/// How often each normalised name occurs, for the term-frequency adjustment.
#[derive(Debug, Clone, Default)]
pub struct NameCounts {
    counts: HashMap<Box<str>, u32>,
    total: u64,
    /// Σ tf²: the frequency of the name a random agreeing pair shares, on average.
    typical: f64,
}

impl NameCounts {
    pub fn new<'a>(names: impl Iterator<Item = &'a str>) -> NameCounts {
        let mut counts: HashMap<Box<str>, u32> = HashMap::new();
        let mut total = 0u64;
        for n in names.filter(|n| !n.is_empty()) {
            *counts.entry(n.into()).or_default() += 1;
            total += 1;
        }
        let t = total.max(1) as f64;
        let typical = counts.values().map(|c| (*c as f64 / t).powi(2)).sum();
        NameCounts {
            counts,
            total,
            typical,
        }
    }
    /// Bits to add when a pair agrees on `name`: positive for a rarer name than usual,
    /// negative for a common one (bounded).
    pub fn adjustment(&self, name: &str) -> f64 {
        if self.total < 1000 || self.typical <= 0.0 {
            return 0.0;
        }
        let c = self.counts.get(name).copied().unwrap_or(1).max(1) as f64;
        let tf = c / self.total as f64;
        (self.typical / tf).log2().clamp(-6.0, 6.0)
    }
}

/// The learned probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The share of candidate pairs (records that share a blocking key) that are one person.
    pub lambda: f64,
    pub m: [Vec<f64>; FIELDS],
    pub u: [Vec<f64>; FIELDS],
    /// Candidate pairs the model was learned from (0: the standard model).
    pub pairs: u64,
}

/// The standard model: what the finder assumes before it has seen a registry, learned
/// from the project's generated registry of Kota Banjar; a registry's own pairs move it
/// (with this much weight, in pairs) towards its own probabilities.
const PRIOR_PAIRS: f64 = 200.0;

impl Default for Model {
    fn default() -> Model {
        Model::standard()
    }
}

impl Model {
    pub fn standard() -> Model {
        // Name × card: the product of the two, except that unlike names on one card are
        // common among two persons (households) and rare among one person's records.
        let (name_m, name_u) = (
            [0.5, 0.1, 0.04, 0.21, 0.05, 0.07, 0.03],
            [0.02, 0.02, 0.001, 0.1, 0.005, 0.3, 0.554],
        );
        let (card_m, card_u) = ([0.45, 0.03, 0.52], [0.05, 0.45, 0.5]);
        let joint = |name: [f64; 7], card: [f64; 3], household: f64| -> Vec<f64> {
            let v: Vec<f64> = (0..NAME_KK_LEVELS - 1)
                .map(|l| l % NAME_KK_HALF)
                .map(|l| {
                    let w = if l / 3 >= name::SOME_WORD as usize && l % 3 == 0 {
                        household
                    } else {
                        1.0
                    };
                    name[l / 3] * card[l % 3] * w
                })
                .collect();
            v
        };
        Model {
            lambda: 0.08,
            m: [
                // Per part of the NIK (on the card / same day and kecamatan / otherwise):
                // the next serial on one card is a twin, elsewhere now and then a typo.
                vec![
                    0.84, 0.013, 0.09, 0.00002, 0.004, 0.03, 0.04, 0.84, 0.013, 0.09, 0.00002,
                    0.02, 0.03, 0.04, 0.53, 0.11, 0.15, 0.005, 0.005, 0.11, 0.09,
                ],
                joint(name_m, card_m, 0.2),
                vec![0.85, 0.04, 0.04, 0.07],
                vec![0.8, 0.17, 0.03, 0.8, 0.17, 0.03],
                vec![0.995, 0.005],
                vec![0.9, 0.1],
            ],
            u: [
                vec![
                    0.0001, 0.0035, 0.0006, 0.028, 0.93, 0.033, 0.0015, 0.0001, 0.117, 0.007, 0.24,
                    0.36, 0.27, 0.00002, 0.0003, 0.0007, 0.0057, 0.17, 0.003, 0.82, 0.000002,
                ],
                joint(name_u, card_u, 5.0),
                vec![0.3, 0.002, 0.02, 0.678],
                vec![0.3, 0.6, 0.1, 0.15, 0.55, 0.3],
                vec![0.6, 0.4],
                // Siblings write the same father.
                vec![0.4, 0.6],
            ],
            pairs: 0,
        }
        .normalised()
    }

    /// Each field's probabilities summing to one (per part where a field's levels are
    /// conditional on another comparison, see [`parts`]).
    fn normalised(mut self) -> Model {
        for f in 0..FIELDS {
            for p in [&mut self.m[f], &mut self.u[f]] {
                let part = p.len() / parts(f);
                for chunk in p.chunks_mut(part.max(1)) {
                    let s: f64 = chunk.iter().sum();
                    chunk
                        .iter_mut()
                        .for_each(|x| *x = (*x / s).clamp(1e-6, 1.0));
                }
            }
        }
        self
    }

    /// Bits of evidence of one field's level (0 for missing).
    pub fn weight(&self, field: usize, level: usize) -> f64 {
        let l = level;
        if l >= self.m[field].len() || self.m[field][l] <= 0.0 {
            return 0.0;
        }
        (self.m[field][l] / self.u[field][l]).log2()
    }

    /// Bits of evidence that the pair is one person, the prior included.
    pub fn bits(&self, p: &Pattern) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
            + field_levels(p)
                .iter()
                .enumerate()
                .map(|(f, l)| self.weight(f, *l))
                .sum::<f64>()
    }

    /// The probability that a pair with this pattern (and name adjustment) is one person.
    pub fn probability(&self, p: &Pattern, adjust: f64) -> f64 {
        1.0 / (1.0 + (-(self.bits(p) + adjust)).exp2())
    }

    /// Learns the probabilities from the candidate pairs' patterns (pattern, count).
    /// The m-probabilities come from pairs that are one person by other evidence: a
    /// shared NIK tells how the other fields of one person's records agree; the same
    /// family card with alike names and the same birth date tells how their NIKs agree.
    /// With m fixed, expectation–maximisation finds the u-probabilities and the share of
    /// pairs that are one person among the candidates — the mixture cannot swap its two
    /// sides (as free EM does on a dense city, taking same-day neighbours for one person).
    /// Everything is drawn towards the standard model with the weight of
    /// [`PRIOR_PAIRS`] pairs, so a small registry keeps sensible weights.
    pub fn learn(patterns: &HashMap<Pattern, u64>) -> Model {
        let prior = Model::standard();
        let total: u64 = patterns.values().sum();
        let mut model = prior.clone();
        model.pairs = total;
        if total == 0 {
            return model;
        }
        let list: Vec<(&Pattern, f64)> = patterns.iter().map(|(p, c)| (p, *c as f64)).collect();
        let blend = |acc: &[f64], prior: &[f64]| -> Vec<f64> {
            let n: f64 = acc.iter().sum();
            acc.iter()
                .zip(prior)
                .map(|(a, p)| (a + PRIOR_PAIRS * p) / (n + PRIOR_PAIRS))
                .collect()
        };
        let mut m_acc: [Vec<f64>; FIELDS] = prior.m.clone().map(|v| vec![0.0; v.len()]);
        for (p, c) in &list {
            for (f, l) in field_levels(p).into_iter().enumerate() {
                if anchor(f, p) && l < m_acc[f].len() {
                    m_acc[f][l] += c;
                }
            }
        }
        // How one person's records agree on the place does not depend on whether the NIK
        // was typed (the place's anchors all share one), nor on the name whether the birth
        // date was mistyped, nor the NIK's typos on the card: one person's levels are
        // pooled over the first two parts, only two persons' differ.
        for f in [NIK_FIELD, NAME_KK_FIELD, PLACE_FIELD] {
            let part = m_acc[f].len() / parts(f);
            let (first, rest) = m_acc[f].split_at_mut(part);
            let second = &mut rest[..part];
            for (a, b) in first.iter_mut().zip(second.iter_mut()) {
                *a += *b;
                *b = *a;
            }
        }
        for (m, (acc, prior)) in model.m.iter_mut().zip(m_acc.iter().zip(&prior.m)) {
            *m = blend(acc, prior);
        }
        model = model.normalised();
        for _ in 0..100 {
            let mut u_acc: [Vec<f64>; FIELDS] = prior.u.clone().map(|v| vec![0.0; v.len()]);
            let (mut matched, mut all) = (0.0, 0.0);
            for (p, c) in &list {
                let post = model.probability(p, 0.0);
                matched += c * post;
                all += c;
                for (f, l) in field_levels(p).into_iter().enumerate() {
                    if l < u_acc[f].len() {
                        u_acc[f][l] += c * (1.0 - post);
                    }
                }
            }
            let mut next = model.clone();
            next.lambda =
                ((matched + PRIOR_PAIRS * prior.lambda) / (all + PRIOR_PAIRS)).clamp(1e-6, 0.999);
            for (u, (acc, prior)) in next.u.iter_mut().zip(u_acc.iter().zip(&prior.u)) {
                *u = blend(acc, prior);
            }
            let next = next.normalised();
            let change = (next.lambda - model.lambda).abs()
                + (0..FIELDS)
                    .flat_map(|f| {
                        let (a, b) = (&next.u[f], &model.u[f]);
                        a.iter()
                            .zip(b.iter())
                            .map(|(x, y)| (x - y).abs())
                            .collect::<Vec<_>>()
                    })
                    .sum::<f64>();
            model = next;
            if change < 1e-7 {
                break;
            }
        }
        model
    }

    /// The weights per field and level, for a person to read (`sikube dedup --explain`).
    pub fn explain(&self) -> String {
        let mut out = format!(
            "candidate pairs learned from: {}; share one person (lambda): {:.4}; prior {:+.2} bits\n",
            self.pairs,
            self.lambda,
            (self.lambda / (1.0 - self.lambda)).log2()
        );
        out.push_str(&format!(
            "{:<11} {:<54} {:>8} {:>9} {:>8}\n",
            "field", "level", "m", "u", "bits"
        ));
        for (f, (name, levels)) in LEVELS.iter().enumerate() {
            for l in 0..levels.len() {
                let level = level_label(f, l);
                if l < self.m[f].len() && self.m[f][l] > 0.0 {
                    out.push_str(&format!(
                        "{name:<11} {level:<54} {:>8.5} {:>9.6} {:>+8.2}\n",
                        self.m[f][l],
                        self.u[f][l],
                        self.weight(f, l)
                    ));
                } else {
                    out.push_str(&format!(
                        "{name:<11} {level:<54} {:>8} {:>9} {:>8}\n",
                        "-", "-", "0"
                    ));
                }
            }
        }
        out.push_str("A pair that agrees on the exact name, or one name within the other, adds log2(typical / its frequency) bits (between -6 and +6): a rare name counts more than SITI.\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_finds_the_matches_in_a_mixture() {
        // 1,000 pairs of one person (mostly agreeing), 9,000 of two (mostly not).
        let m = Model::learn(&HashMap::from([
            ([0, 2, 0, 0, 0, 0, 2], 600),
            ([1, 2, 3, 0, 0, 0, 2], 250),
            ([7, 0, 1, 0, 1, 0, 2], 150),
            ([4, 2, 6, 0, 1, 0, 2], 4000),
            ([5, 1, 6, 3, 2, 1, 2], 3000),
            ([5, 2, 5, 3, 1, 0, 2], 2000),
        ]));
        assert!((m.lambda - 0.1).abs() < 0.03, "{}", m.lambda);
        assert!(m.probability(&[0, 2, 0, 0, 0, 0, 2], 0.0) > 0.99);
        assert!(m.probability(&[4, 2, 6, 0, 1, 0, 2], 0.0) < 0.01);
        assert!(
            m.weight(0, 4) < 0.0,
            "same day, other serial speaks against"
        );
    }

    #[test]
    fn a_serial_digit_apart_is_weighed_among_same_day_neighbours() {
        // A dense city: many people born the same day in one kecamatan, their NIKs one
        // serial digit apart; a household's members on one card with other names.
        let m = Model::learn(&HashMap::from([
            ([0, 2, 0, 0, 0, 0, 2], 600),
            ([1, 0, 0, 0, 0, 0, 2], 100),
            ([1, 1, 6, 0, 1, 0, 2], 3000),
            ([4, 0, 6, 0, 0, 0, 2], 2000),
            ([5, 1, 6, 3, 2, 1, 2], 5000),
        ]));
        let same_day = field_levels(&[1, 1, 6, 0, 1, 0, 2])[0];
        let otherwise = field_levels(&[1, 1, 6, 3, 1, 0, 2])[0];
        assert_ne!(same_day, otherwise);
        assert!(m.weight(0, same_day) < 0.0, "{}", m.explain());
        assert!(m.weight(0, otherwise) > 3.0, "{}", m.explain());
        // Other names on one card speak against one person, whatever the card adds.
        assert!(
            m.probability(&[4, 0, 6, 0, 0, 0, 2], 0.0) < 0.01,
            "{}",
            m.explain()
        );
        assert!(m.probability(&[1, 0, 0, 0, 0, 0, 2], 0.0) > 0.99);
        // The explanation names every field's levels.
        let text = m.explain();
        assert!(text.contains("serial: one digit typo (not the next) [same day+kec]"));
        assert!(text.contains("different names, same KK"));
    }
}
