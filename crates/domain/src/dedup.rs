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
