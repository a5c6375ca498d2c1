//! Broken input: every error is reported with its file, line and a useful message, the
//! run exits 1, nothing panics, and a failed build leaves the previous site untouched.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::Path;

use common::book_test::BookTest;
use common::{BOOK, Project, Run};

/// Folders of `tests/fixtures/errors/` that are no case of the table test below:
/// `one-round` is the project with many errors of `author_errors.rs`.
const NOT_CASES: &[&str] = &["one-round"];

/// The broken projects, one folder each under `tests/fixtures/errors/`, by name. Each
/// holds the project files and `expected.stderr`, what both `check` and `build` print:
/// one error at its place with its message, or (`all-errors-of-a-run`,
/// `errors-in-file-order`, `every-unknown-key-in-book-toml`,
/// `broken-links-and-anchors-together`) every error of a run, in file order.
fn cases() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read tests/fixtures/errors")
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !NOT_CASES.contains(&name.as_str()))
        .collect();
    names.sort();
    names
}

/// `f` over `items` on a few threads, results in order: each run spends most of its
/// time starting a process, so the table finishes in a fraction of the time.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = 4;
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(n, part)| {
                let f = &f;
                scope.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, item)| f(n * chunk + i, item))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    })
}

/// Asserts the shape of a failed run: exit 1, no panic, and the error count last.
fn assert_fails_cleanly(run: &Run, name: &str) {
    let stderr = run.stderr();
    assert!(!stderr.contains("panicked"), "{name}: panic\n{stderr}");
    assert_eq!(run.code(), 1, "{name}: exit code\n{stderr}");
    assert_eq!(
        count_line(&stderr),
        Some(error_lines(&stderr)),
        "{name}: the last line counts the errors\n{stderr}"
    );
}

/// Asserts a failed run ([`assert_fails_cleanly`]) with the error at its place with its
/// message.
fn assert_fails(run: &Run, name: &str, at: &str, says: &[&str]) {
    assert_fails_cleanly(run, name);
    let stderr = run.stderr();
    let prefix = format!("error: {at}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("{name}: no line starting {prefix:?}\n{stderr}"));
    if !at.ends_with('/') {
        let rest = &line[prefix.len()..];
        assert!(
            rest.starts_with(':'),
            "{name}: expected ':' after {prefix:?} (line:col)\n{stderr}"
        );
    }
    for fragment in says {
        assert!(
            stderr.contains(fragment),
            "{name}: message lacks {fragment:?}\n{stderr}"
        );
    }
}

/// Number of `error: PATH:…` lines.
fn error_lines(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.starts_with("error: ")).count()
}

/// The `N error(s)` count on the last line.
fn count_line(stderr: &str) -> Option<usize> {
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty())?;
    let (count, word) = last.trim().split_once(' ')?;
    matches!(word, "error" | "errors")
        .then(|| count.parse().ok())
        .flatten()
}

#[test]
fn every_broken_input_fails_check_and_build_with_its_place_and_message() {
    let cases = cases();
    assert!(cases.len() >= 27, "fixtures missing: {cases:?}");
    let failures: Vec<String> = par_map(&cases, |_, case| {
        let book = BookTest::from_fixture(&format!("errors/{case}"));
        let mut failures = Vec::new();
        for command in ["check", "build"] {
            let run = book.project.run_en(&[command]);
            let name = format!("{case} ({command})");
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                assert_fails_cleanly(&run, &name);
                book.check_stderr(&run.stderr());
            }));
            if let Err(panic) = result {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "assertion failed".into());
                failures.push(format!("{name}: {message}"));
            }
        }
        if book.project.site().exists() {
            failures.push(format!("{case}: a failed build wrote site/"));
        }
        failures
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(
        failures.is_empty(),
        "{} of {} runs wrong:\n\n{}",
        failures.len(),
        cases.len() * 2,
        failures.join("\n\n")
    );
}

#[test]
fn non_utf8_content_is_an_error_with_its_line() {
    let project = Project::new(&[("book.toml", BOOK)]);
    common::write(
        &project.path().join("content/a.md"),
        b"---\ntitle: \"A\"\n---\nGr\xfc\xdfe\n",
    );
    for command in ["check", "build"] {
        let run = project.run_en(&[command]);
        assert_fails(&run, command, "content/a.md:4", &["UTF-8"]);
    }
}

#[test]
fn odd_input_never_panics() {
    let odd: &[&[u8]] = &[
        b"",
        b"---\n",
        b"---\n---\n",
        b"---\ntitle: \"A\"\n",
        b"+++\ntitle = \"A\"\n",
        b"---\n- eins\n- zwei\n---\nText\n",
        b"---\ntitle: [1, 2]\n---\n",
        b"---\ntitle: \"A\"\nkind: 5\n---\n",
        b"---\ntitle: \"A\"\nweight: \"schwer\"\n---\n",
        b"---\ntitle: \"A\"\nkind: case\nmetrics: \"viel\"\n---\n",
        b"---\ntitle: \"A\"\nkind: case\nmetrics: [{label: \"x\"}]\n---\n",
        b"---\ntitle: \"A\"\nkind: stage\nstage: \"eins\"\n---\n",
        b"---\ntitle: \"A\"\nkind: deck\n---\n",
        b"---\ntitle: \"A\"\nkind: deck\n---\n---\n\n---\n\n---\n",
        b"---\ntitle: \"A\"\nkind: deck\naudience: \"Niemand\"\n---\n# x\n",
        b"---\ntitle: \"A\"\nkind: argument\nobjection: \"O\"\nstakeholders: []\nevidence: 3\n---\n",
        b"---\ntitle: \"A\"\nslug: \"\"\n---\n",
        b"---\ntitle: \"A\"\nslug: \"../../raus\"\n---\n",
        b"---\ntitle: \"\"\n---\n",
        b"---\ntitle: \"A\"\ndate: 2024-13-45\n---\n",
        b"---\ntitle: \"A\"\n---\n{{ }}\n{% %}\n{% end %}\n{{ case(path=) }}\n",
        b"---\ntitle: \"A\"\n---\n{{ quiz(question=\"?\", options=[], answer=0) }}\n",
        b"---\ntitle: \"A\"\n---\n[x](../../../../etc/passwd.md) [y](#) [z](.md) ![](/)\n",
        b"\xef\xbb\xbf---\ntitle: \"BOM\"\n---\nText\n",
        b"---\r\ntitle: \"CRLF\"\r\n---\r\nText\r\n",
        b"\x00\x01\x02",
    ];
    let panics: Vec<String> = par_map(odd, |i, text| {
        let project = Project::new(&[("book.toml", BOOK)]);
        common::write(&project.path().join("content/a.md"), text);
        // `build` runs every stage `check` runs, and publishes.
        let run = project.run_en(&["build"]);
        let stderr = run.stderr();
        (stderr.contains("panicked") || !(0..=1).contains(&run.code())).then(|| {
            format!(
                "input {i} {:?}: exit {}\n{stderr}",
                String::from_utf8_lossy(text),
                run.code()
            )
        })
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(panics.is_empty(), "{}", panics.join("\n\n"));
}

#[test]
fn odd_book_toml_never_panics() {
    let odd = [
        "",
        "[book]\n",
        "[book]\ntitle = 5\n",
        "title = \"T\"\n",
        "[book]\ntitle = \"T\"\nlanguage = \"xx\"\n",
        "[book]\ntitle = \"T\"\n[slides]\naspect = \"banana\"\n",
        "[book]\ntitle = \"T\"\n[brand]\nlogo = \"static/fehlt.svg\"\n",
        "[book]\ntitle = \"T\"\n[taxonomies]\n",
        "[book]\ntitle = \"T\"\n[taxonomies.a]\npath = \"\"\ntitle = \"\"\n",
        "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"gibtsnicht\"\n",
        "[book\n",
    ];
    let panics: Vec<String> = par_map(&odd, |_, text| {
        let project = Project::new(&[
            ("book.toml", text),
            ("content/a.md", "---\ntitle: \"A\"\n---\nText\n"),
        ]);
        let run = project.run_en(&["build"]);
        (run.stderr().contains("panicked") || !(0..=1).contains(&run.code()))
            .then(|| format!("{text:?}: exit {}\n{}", run.code(), run.stderr()))
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(panics.is_empty(), "{}", panics.join("\n\n"));
}

// ---------------------------------------------------------------------------------------
// Atomicity and the build folder

/// Names of the entries directly in a folder.
fn entries(dir: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("read folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// Runs a build that must fail, then asserts that `site/` still holds `site` and the
/// project folder just `folders` (no staging folder left behind).
fn assert_build_fails_and_leaves(
    project: &Project,
    site: &BTreeMap<String, Vec<u8>>,
    folders: &BTreeSet<String>,
) {
    let run = project.run_en(&["build"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(*site == common::tree(&project.site()), "site/ changed");
    assert_eq!(&entries(project.path()), folders, "staging left behind");
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let project = Project::new(&[
        ("book.toml", BOOK),
        ("content/index.md", "---\ntitle: \"Start\"\n---\nText\n"),
        ("content/a.md", "---\ntitle: \"A\"\n---\nAlt\n"),
    ]);
    project.build();
    let before = common::tree(&project.site());
    let folders = entries(project.path());
    assert_eq!(
        folders,
        ["book.toml", "content", "site"].map(String::from).into()
    );

    // One good change and one broken file: nothing of either may reach site/.
    project.write("content/a.md", "---\ntitle: \"A\"\n---\nNeu\n");
    project.write(
        "content/b.md",
        "---\ntitle: \"B\"\nkind: argumnet\n---\nText\n",
    );
    assert_build_fails_and_leaves(&project, &before, &folders);

    // A template error fails late, after rendering started: still nothing changes.
    project.write("content/b.md", "---\ntitle: \"B\"\n---\nText\n");
    project.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.nope | nofilter }}{% endblock content %}\n",
    );
    let mut with_themes = folders.clone();
    with_themes.insert("themes".into());
    assert_build_fails_and_leaves(&project, &before, &with_themes);
}

#[test]
fn a_good_rebuild_replaces_the_site_and_removes_stale_files() {
    let project = Project::new(&[
        ("book.toml", BOOK),
        ("content/index.md", "---\ntitle: \"Start\"\n---\nText\n"),
        ("content/alt.md", "---\ntitle: \"Alt\"\n---\nText\n"),
    ]);
    project.build();
    assert!(project.site().join("alt/index.html").is_file());
    std::fs::remove_file(project.path().join("content/alt.md")).expect("remove");
    project.write("content/neu.md", "---\ntitle: \"Neu\"\n---\nText\n");
    project.build();
    assert!(!project.site().join("alt").exists());
    assert!(project.site().join("neu/index.html").is_file());
    assert_eq!(
        entries(project.path()),
        ["book.toml", "content", "site"].map(String::from).into()
    );
}

#[test]
fn a_build_folder_holding_the_content_or_the_project_is_refused() {
    let book_with = |dir: &str| format!("{BOOK}[build]\nbuild-dir = \"{dir}\"\n");
    let setups: Vec<(String, Vec<&str>)> = vec![
        (book_with("."), vec!["build"]),
        (book_with(".."), vec!["build"]),
        (book_with("content"), vec!["build"]),
        (book_with("content/site"), vec!["build"]),
        (BOOK.to_string(), vec!["build", "--dest", "content"]),
        (BOOK.to_string(), vec!["build", "--dest", "."]),
        (BOOK.to_string(), vec!["build", "--dest", "static"]),
    ];
    for (book, args) in setups {
        let outer = Project::new(&[
            ("keep.txt", "nicht löschen"),
            ("projekt/book.toml", book.as_str()),
            ("projekt/content/index.md", "---\ntitle: \"S\"\n---\nText\n"),
            ("projekt/static/logo.svg", "<svg/>"),
        ]);
        let before = common::tree(outer.path());
        let mut all = vec!["-C", "projekt"];
        all.extend(&args);
        let run = outer.run_en(&all);
        let stderr = run.stderr();
        let what = format!("{book:?} {args:?}");
        assert_eq!(run.code(), 1, "{what}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{what}\n{stderr}");
        assert!(stderr.contains("refus"), "{what}: unclear\n{stderr}");
        assert!(
            before == common::tree(outer.path()),
            "{what}: files changed: {:?}",
            common::tree(outer.path()).keys().collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_build_folder_beside_the_content_is_fine() {
    let project = Project::new(&[
        (
            "book.toml",
            format!("{BOOK}[build]\nbuild-dir = \"out/web\"\n").as_str(),
        ),
        ("content/index.md", "---\ntitle: \"S\"\n---\nText\n"),
    ]);
    project.build();
    assert!(project.path().join("out/web/index.html").is_file());
    let run = project.run_en(&["build", "--dest", "anders"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(project.path().join("anders/index.html").is_file());
}
