//! The interface's two languages. Bahasa Indonesia is the default; every text a user
//! reads comes from this catalogue so that both languages stay complete (a test checks).
use crate::Msg;

code_enum!(
    /// A language of the interface, by its code (`id`, `en`; any case).
    Lang, |_| Msg::new("error.validation"), "lang.", {
        Id => "id", En => "en",
    }, read = |s: &str| s.to_ascii_lowercase()
);

// By hand: `code_enum!` writes the variants, so `#[default]` cannot mark one.
#[allow(clippy::derivable_impls)]
impl Default for Lang {
    fn default() -> Lang {
        Lang::Id
    }
}

impl Lang {
    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(h: &str) -> Option<Lang> {
        h.split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| Lang::parse(tag.split('-').next().unwrap_or("")).ok())
            .next()
    }
    /// The text of a catalogue key; an unknown key shows itself, so gaps are visible.
    pub fn t(self, key: &str) -> &'static str {
        match index().get(key) {
            Some((id, en)) => match self {
                Lang::Id => id,
                Lang::En => en,
            },
            None => "??",
        }
    }
}

/// Every message by its key. Looked up for every text of every page: a map, built once,
/// hashed with FNV-1a (the standard SipHash guards maps that strangers fill; this one is
/// fixed).
type Index = std::collections::HashMap<
    &'static str,
    (&'static str, &'static str),
    std::hash::BuildHasherDefault<Fnv>,
>;

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        catalogue()
            .iter()
            .map(|(k, id, en)| (*k, (*id, *en)))
            .collect()
    })
}

/// FNV-1a, for the [`index`].
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The label of a code (`prefix` + code in the catalogue), or the code itself when the
/// catalogue has none (a code the labels do not know yet stays readable).
pub fn label(prefix: &str, code: &str, lang: Lang) -> String {
    key(&format!("{prefix}{code}"))
        .map(|k| lang.t(k).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// The catalogue's own copy of a key (a message read back from storage): one look in the
/// [`index`], not a walk over the catalogue.
pub fn key(k: &str) -> Option<&'static str> {
    index().get_key_value(k).map(|(c, _)| *c)
}

/// (key, Bahasa Indonesia, English): every message, from `data/messages.tsv` (a table a
/// translator can edit; read once).
pub fn catalogue() -> &'static [(&'static str, &'static str, &'static str)] {
    static ROWS: std::sync::OnceLock<Vec<(&str, &str, &str)>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        include_str!("../data/messages.tsv")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut f = l.split('\t');
                let mut next = || f.next().unwrap_or("");
                (next(), next(), next())
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_keys_unique_and_both_languages_filled() {
        let mut keys = std::collections::HashSet::new();
        for (k, id, en) in catalogue() {
            assert!(keys.insert(*k), "duplicate key {k}");
            assert!(!id.is_empty() && !en.is_empty(), "empty text for {k}");
        }
    }

    #[test]
    fn every_message_line_has_three_fields() {
        for l in include_str!("../data/messages.tsv").lines() {
            if !l.trim().is_empty() && !l.starts_with('#') {
                assert_eq!(l.split('\t').count(), 3, "{l}");
            }
        }
    }

    #[test]
    fn accept_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr, id;q=0.5"), Some(Lang::Id));
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(Lang::En.t("nav.home"), "Home");
    }
}
