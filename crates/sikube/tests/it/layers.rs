//! The shape of the code, checked on every run: the store is a private module of the
//! application layer, and no module of a crate (nor of the store) imports one that imports
//! it back (read from the sources: every `crate::name` and `crate::{name, …}` names a
//! module used; in the store, `crate::store::name`).
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to (none for the crate root).
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .to_string();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// The modules a source names through `prefix` (`crate::`, or `crate::store::`).
fn named(text: &str, prefix: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `$crate::`, `mycrate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            // The group's first-level names.
            let (mut depth, mut item) = (1, String::new());
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if depth == 1 && c != '{' && c != '}' {
                    item.push(c);
                }
            }
            for part in item.split(',') {
                out.insert(ident(part.trim()));
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

/// Each crate's modules (and the store's) and the modules each one names.
fn graphs() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut all = BTreeMap::new();
    let mut units: Vec<(String, PathBuf, &str)> = std::fs::read_dir(crates_dir())
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                e.path().join("src"),
                "crate::",
            )
        })
        .collect();
    units.push((
        "store".into(),
        crates_dir().join("app/src/store"),
        "crate::store::",
    ));
    for (name, src, prefix) in units {
        if !src.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        sources(&src, &mut files);
        let tops: BTreeSet<String> = files.iter().filter_map(|f| top_module(&src, f)).collect();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for f in &files {
            let Some(m) = top_module(&src, f) else {
                continue;
            };
            let text = std::fs::read_to_string(f).unwrap();
            let used: Vec<String> = named(&text, prefix)
                .into_iter()
                .filter(|n| tops.contains(n) && *n != m)
                .collect();
            edges.entry(m).or_default().extend(used);
        }
        all.insert(name, edges);
    }
    all
}

/// A cycle through `start`, if any (depth first).
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn go(
        edges: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in edges.get(at).into_iter().flatten() {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if go(edges, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    go(edges, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let all = graphs();
    assert!(
        all["web"].len() > 15 && all["app"].len() > 15 && all["store"].len() > 15,
        "{:?}",
        all.keys()
    );
    let mut found = Vec::new();
    for (krate, edges) in &all {
        for m in edges.keys() {
            if let Some(c) = cycle(edges, m) {
                found.push(format!("{krate}: {} → {m}", c.join(" → ")));
            }
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
    // The check sees a circle when there is one.
    let mut made = all["web"].clone();
    made.entry("page".into()).or_default().insert("api".into());
    assert!(cycle(&made, "page").is_some());
}

#[test]
fn the_store_is_reached_only_through_the_application_layer() {
    // A private module of `app`: no other crate can name it, so no crate depends on a store.
    let lib = std::fs::read_to_string(crates_dir().join("app/src/lib.rs")).unwrap();
    assert!(
        lib.lines().any(|l| l.trim() == "mod store;"),
        "the store is app's private module"
    );
    assert!(
        !crates_dir().join("store").exists(),
        "a store crate beside app"
    );
    for l in lib
        .lines()
        .filter(|l| l.trim_start().starts_with("pub use crate::store::"))
    {
        assert!(!l.contains("Store"), "app hands the store out: {l}");
    }
    for krate in ["web", "sikube"] {
        let mut files = Vec::new();
        sources(&crates_dir().join(krate).join("src"), &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            assert!(!text.contains("store::"), "{} names the store", f.display());
        }
    }
}
