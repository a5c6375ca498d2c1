//! Reliability: no build folder setting can destroy the project, whatever path it takes.
//!
//! Each refused form must exit 1 with a clear error before anything is written: the
//! folder around the project stays byte-identical, with no staging folder left behind.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{BOOK, copy_dir, tree};

/// A project at `<temp>/proj` (so `..` is a folder the test owns), with content, static
/// files and a theme override.
struct Nested {
    outer: tempfile::TempDir,
}

impl Nested {
    fn new(book: &str) -> Nested {
        let outer = tempfile::tempdir().expect("temp dir");
        let proj = outer.path().join("proj");
        for (path, text) in [
            ("book.toml", book),
            ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
            ("content/a/seite.md", "---\ntitle: Seite\n---\nText.\n"),
            ("static/bild.txt", "bild"),
            (
                "themes/default/shortcodes/note.html",
                "<aside>{{ body }}</aside>",
            ),
        ] {
            common::write(&proj.join(path), text.as_bytes());
        }
        common::write(&outer.path().join("nachbar/wichtig.txt"), b"bleibt");
        Nested { outer }
    }

    fn proj(&self) -> PathBuf {
        self.outer.path().join("proj")
    }

    /// Every file and folder around the project, with the bytes of each file.
    fn snapshot(&self) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
        let folders = walkdir::WalkDir::new(self.outer.path())
            .into_iter()
            .flatten()
            .map(|e| e.path().display().to_string())
            .collect();
        (tree(self.outer.path()), folders)
    }

    /// Builds with messages in English, whatever the project's language (the German
    /// refusals are tested with the other messages of the catalogue).
    fn build(&self, args: &[&str]) -> std::process::Output {
        assert_cmd::Command::cargo_bin("buyin")
            .expect("buyin binary")
            .env("BUYIN_LANG", "en")
            .current_dir(self.proj())
            .arg("build")
            .args(args)
            .output()
            .expect("run buyin")
    }
}

/// Builds with `args` and asserts a refusal: exit 1, an error naming `named` and
/// `reason`, and not one byte or folder changed around the project.
fn assert_refused(nested: &Nested, args: &[&str], named: &str, reason: &str) {
    let before = nested.snapshot();
    let out = nested.build(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} not refused:\n{stderr}"
    );
    assert!(
        stderr.contains(named) && stderr.contains(reason) && stderr.contains("hint:"),
        "{args:?}: expected '{named}' and '{reason}' with a hint in:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let after = nested.snapshot();
    assert!(
        before.0 == after.0,
        "{args:?} changed files around the project"
    );
    assert_eq!(before.1, after.1, "{args:?} created or removed folders");
}

#[test]
fn dest_forms_that_reach_a_source_or_the_project_are_refused() {
    let nested = Nested::new(BOOK);
    let proj = nested.proj();
    let outer = nested.outer.path().display().to_string();
    let cases: &[(&str, &str)] = &[
        ("nope/../content", "it is the content folder"),
        ("nope/../static", "it is the static folder"),
        ("nope/../themes", "it is the themes folder"),
        ("content", "it is the content folder"),
        ("./content/", "it is the content folder"),
        ("content/a", "it lies inside the content folder"),
        ("content/neu/site", "it lies inside the content folder"),
        ("static", "it is the static folder"),
        (
            "static/x/../../static/out",
            "it lies inside the static folder",
        ),
        ("themes", "it is the themes folder"),
        ("themes/default", "it lies inside the themes folder"),
        ("x/../..", "it holds the project folder"),
        ("..", "it holds the project folder"),
        (".", "it is the project folder"),
        ("/", "it holds the project folder"),
        (&outer, "it holds the project folder"),
        ("book.toml", "it is a file"),
        ("content/index.md", "it is a file"),
    ];
    for (dest, reason) in cases {
        assert_refused(
            &nested,
            &["--dest", dest],
            &format!("'{dest}' given to --dest"),
            reason,
        );
    }
    let absolute = proj.display().to_string();
    assert_refused(
        &nested,
        &["--dest", &absolute],
        "--dest",
        "it is the project folder",
    );
    let via_nope = format!("{absolute}/nope/../content");
    assert_refused(
        &nested,
        &["--dest", &via_nope],
        "--dest",
        "it is the content folder",
    );
}

#[test]
fn the_dot_dot_destination_leaves_the_content_byte_identical() {
    let nested = Nested::new(BOOK);
    let content = nested.proj().join("content");
    let before = tree(&content);
    assert_eq!(before.len(), 2);
    let out = nested.build(&["--dest", ".."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(tree(&content), before);
    // The project still builds into its default folder afterwards.
    assert_eq!(nested.build(&[]).status.code(), Some(0));
    assert!(nested.proj().join("site/index.html").is_file());
    assert_eq!(tree(&content), before);
}

#[test]
fn build_dir_in_book_toml_is_refused_at_its_line() {
    for (value, reason) in [
        ("tmp/../content", "it is the content folder"),
        ("..", "it holds the project folder"),
        ("", "it is the project folder"),
        ("static", "it is the static folder"),
    ] {
        let book = format!("{BOOK}\n[build]\nbuild-dir = \"{value}\"\n");
        let nested = Nested::new(&book);
        let shown = if value.is_empty() { "." } else { value };
        assert_refused(
            &nested,
            &[],
            &format!("error: book.toml:6:1: refusing build folder '{shown}' set by build-dir"),
            reason,
        );
    }
}

#[test]
fn a_content_folder_outside_the_project_is_protected_too() {
    let book = "[book]\ntitle = \"T\"\nsrc = \"../texte\"\n";
    let nested = Nested::new(book);
    copy_dir(
        &nested.proj().join("content"),
        &nested.outer.path().join("texte"),
    );
    assert_refused(
        &nested,
        &["--dest", "../texte"],
        "--dest",
        "it is the content folder",
    );
    assert_refused(
        &nested,
        &["--dest", "../texte/site"],
        "--dest",
        "it lies inside the content folder",
    );
}

#[cfg(unix)]
#[test]
fn a_build_folder_that_is_a_symbolic_link_is_refused() {
    use std::os::unix::fs::symlink;
    let nested = Nested::new(BOOK);
    let proj = nested.proj();
    // A link out of the project, to a folder holding someone's files.
    symlink(nested.outer.path().join("nachbar"), proj.join("raus")).expect("link");
    assert_refused(
        &nested,
        &["--dest", "raus"],
        "'raus' given to --dest",
        "symbolic link",
    );
    // A link to the content folder, and one to the project itself.
    symlink(proj.join("content"), proj.join("inhalt")).expect("link");
    assert_refused(
        &nested,
        &["--dest", "inhalt"],
        "'inhalt' given to --dest",
        "symbolic link",
    );
    symlink(&proj, proj.join("selbst")).expect("link");
    assert_refused(
        &nested,
        &["--dest", "selbst/content"],
        "--dest",
        "it is the content folder",
    );
    // A dangling link is refused as well: building there would create its target.
    symlink(nested.outer.path().join("fehlt"), proj.join("weg")).expect("link");
    assert_refused(
        &nested,
        &["--dest", "weg"],
        "'weg' given to --dest",
        "symbolic link",
    );
}

#[cfg(unix)]
#[test]
fn a_linked_parent_is_resolved_before_the_check() {
    use std::os::unix::fs::symlink;
    let nested = Nested::new(BOOK);
    let proj = nested.proj();
    symlink(proj.join("content"), proj.join("inhalt")).expect("link");
    // `inhalt/..` is the parent of the link's target: the project itself.
    assert_refused(
        &nested,
        &["--dest", "inhalt/.."],
        "--dest",
        "it is the project folder",
    );
    assert_refused(
        &nested,
        &["--dest", "inhalt/../static"],
        "--dest",
        "it is the static folder",
    );
}

#[test]
fn allowed_destinations_are_built_where_they_point() {
    let nested = Nested::new(BOOK);
    let proj = nested.proj();
    let content = tree(&proj.join("content"));
    for (dest, lands) in [
        ("nope/../out", proj.join("out")),
        ("../draussen", nested.outer.path().join("draussen")),
        ("tief/unten/site", proj.join("tief/unten/site")),
    ] {
        let out = nested.build(&["--dest", dest]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dest}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(lands.join("index.html").is_file(), "{dest} not built");
    }
    // `nope/../out` did not create `nope`.
    assert!(!Path::new(&proj.join("nope")).exists());
    assert_eq!(tree(&proj.join("content")), content);
}
