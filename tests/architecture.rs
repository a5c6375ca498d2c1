//! The shape of the code, held as tests: every file of `src/` is one concern with a
//! module doc and at most 600 lines, and no top-level module depends on another that
//! depends back on it (the crate root, `lib.rs`, counts as a module of its own: the
//! pipeline may use the stages, a stage may not use the pipeline's items back).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a file belongs to (`search/index.rs` -> `search`).
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// The code of a file without comments, attributes' test modules or `mod` lines.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(str::trim_start)
        .filter(|line| {
            !line.starts_with("//") && !line.starts_with("pub mod ") && !line.starts_with("mod ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which top-level modules (and `lib`, the crate root) each module uses.
fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources(&src());
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = module_of(file);
        // `main.rs` and its `cli/` are the binary, not the library.
        if from == "main" || from == "cli" || file.ends_with("tests.rs") {
            continue;
        }
        let text = code(&std::fs::read_to_string(file).expect("read"));
        let mut used = BTreeSet::new();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::X, Y};`: each path of the group.
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for path in group.split(',') {
                    used.insert(first_segment(path.trim()));
                }
            } else {
                used.insert(first_segment(rest));
            }
        }
        if from == "lib" {
            // The crate root uses a module by naming it: `render::Renderer::new(…)`.
            for module in &modules {
                if text.contains(&format!("{module}::")) {
                    used.insert(module.clone());
                }
            }
        }
        for target in used {
            let target = if modules.contains(&target) {
                target
            } else if target.chars().next().is_some_and(char::is_uppercase)
                || text.contains(&format!("crate::{target}("))
            {
                // An item of the crate root: `crate::Generated`, `crate::build_dir(…)`.
                "lib".to_string()
            } else {
                continue;
            };
            if target != from {
                edges.entry(from.clone()).or_default().insert(target);
            }
        }
    }
    edges
}

fn first_segment(path: &str) -> String {
    path.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A path from `from` back to itself through `edges`, if there is one.
fn circle_through(from: &str, edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("non-empty");
        for next in edges.get(last).into_iter().flatten() {
            if next == from {
                let mut circle = path.clone();
                circle.push(next.clone());
                return Some(circle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_depends_on_one_that_depends_back_on_it() {
    let edges = edges();
    assert!(
        edges.get("render").is_some_and(|e| e.contains("deck")),
        "the scan sees `crate::deck` in render: {edges:?}"
    );
    let circles: Vec<String> = edges
        .keys()
        .filter_map(|module| circle_through(module, &edges))
        .map(|circle| circle.join(" -> "))
        .collect();
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn every_source_file_is_short_and_says_what_it_is_for() {
    let mut problems = Vec::new();
    for file in sources(&src()) {
        let text = std::fs::read_to_string(&file).expect("read");
        let rel = file.strip_prefix(src()).expect("under src").display();
        let lines = text.lines().count();
        if lines > MAX_LINES {
            problems.push(format!("{rel}: {lines} lines (at most {MAX_LINES})"));
        }
        if !text.starts_with("//!") {
            problems.push(format!("{rel}: no module doc (`//!`) at the top"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
