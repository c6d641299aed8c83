//! The shape of `src/`: layers that import only downward (support, then storage, then domain,
//! then http; `lib.rs` and `main.rs` on top), and no module that imports another in a loop.
//! Read from the sources, so a new import that breaks the shape fails here.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// The layers, lowest first.
const LAYERS: [&str; 4] = ["support", "storage", "domain", "http"];

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file holds, as a path: `src/domain/credentials/mod.rs` is
/// `["domain", "credentials"]`, `src/lib.rs` is `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file
        .strip_prefix(src)
        .unwrap()
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The layer of a module: its index in [`LAYERS`], or above them all for the crate root.
fn layer(module: &[String]) -> usize {
    module
        .first()
        .and_then(|top| LAYERS.iter().position(|l| l == top))
        .unwrap_or(LAYERS.len())
}

/// The paths `text` names through `crate::` or `super::`, each as written, braces expanded:
/// `use crate::{a::b, c};` gives `crate::a::b` and `crate::c`.
fn named_paths(text: &str) -> Vec<String> {
    fn expand(prefix: &str, rest: &str, out: &mut Vec<String>) {
        let rest = rest.trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut start) = (0, 0);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        expand(prefix, &group[start..i], out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(prefix, &group[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let path = path.trim_end_matches(':');
        if path.is_empty() {
            return;
        }
        let full = format!("{prefix}{path}");
        // A path that ends in `::{` continues with a group.
        let after = &rest[path.len()..];
        match after.strip_prefix("::") {
            Some(group) if group.trim_start().starts_with('{') => {
                expand(&format!("{full}::"), group, out)
            }
            _ => out.push(full),
        }
    }
    let mut out = Vec::new();
    for root in ["crate::", "super::"] {
        for (at, _) in text.match_indices(root) {
            // `super::super::x` is found once, from its first `super`.
            if root == "super::" && text[..at].ends_with("super::") {
                continue;
            }
            expand("", &text[at..], &mut out);
        }
    }
    out
}

/// The module a path names, resolved from `from` against the modules that exist: the longest
/// prefix of it that is a module.
fn resolve(from: &[String], path: &str, modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut segments = path.split("::").peekable();
    let mut base: Vec<String> = match segments.peek() {
        Some(&"crate") => {
            segments.next();
            Vec::new()
        }
        _ => from.to_vec(),
    };
    while segments.peek() == Some(&"super") {
        segments.next();
        base.pop()?;
    }
    let mut best = base.clone();
    for segment in segments {
        base.push(segment.to_owned());
        if modules.contains(&base) {
            best = base.clone();
        }
    }
    Some(best)
}

#[test]
fn layers_import_only_downward_and_no_module_imports_in_a_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    assert!(modules.len() > 20, "found too few modules: {modules:?}");

    let mut upward = Vec::new();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in &files {
        let from = module_of(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        // Tests inside a module may reach anything.
        let text = text.split("#[cfg(test)]").next().unwrap();
        for path in named_paths(text) {
            let Some(to) = resolve(&from, &path, &modules) else {
                continue;
            };
            if to == from {
                continue;
            }
            if layer(&to) > layer(&from) {
                upward.push(format!("{} names {path}", file.display()));
            }
            // The crate root only wires the layers; naming it is caught as upward above.
            if !to.is_empty() {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
        // A module naming its children by their own names (`use sessions::Sessions;`).
        for child in modules
            .iter()
            .filter(|m| m.len() == from.len() + 1 && m.starts_with(&from))
        {
            let name = format!("{}::", child.last().unwrap());
            let named = text.match_indices(&name).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            });
            if named {
                edges.entry(from.clone()).or_default().insert(child.clone());
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports from a lower layer to a higher one:\n{upward:#?}"
    );

    // A loop is a module that reaches itself through the edges.
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(Vec<String>, Vec<Vec<String>>)> = vec![(start.clone(), vec![])];
        while let Some((module, trail)) = stack.pop() {
            for next in edges.get(&module).into_iter().flatten() {
                let mut trail = trail.clone();
                trail.push(next.clone());
                assert!(
                    next != start || start.is_empty(),
                    "{} imports itself through {:?}",
                    start.join("::"),
                    trail.iter().map(|m| m.join("::")).collect::<Vec<_>>()
                );
                if seen.insert(next.clone()) {
                    stack.push((next.clone(), trail));
                }
            }
        }
    }
}

#[test]
fn paths_are_read_with_their_groups() {
    let text = "use crate::{\n    domain::{error::Error, users::User},\n    storage::Store,\n};\nlet x = super::super::a::b(1);";
    assert_eq!(
        named_paths(text),
        [
            "crate::domain::error::Error",
            "crate::domain::users::User",
            "crate::storage::Store",
            "super::super::a::b"
        ]
    );
}
