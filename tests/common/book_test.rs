//! One small project per feature, asserted precisely (after mdBook's `BookTest`): a
//! fixture folder `tests/fixtures/<feature>/<case>/` is copied to a temp folder and
//! built, then a test asserts on one part of one page (a CSS selector) or on the
//! diagnostics, which a failing fixture keeps beside its project in `expected.stderr`.
//!
//! `BUYIN_BLESS=1 cargo test` writes the `expected.stderr` files from what the runs say,
//! for a deliberate change of messages; review the diff before committing it.

use std::path::{Path, PathBuf};

use super::{Page, Project, Run, copy_dir};

/// The file of a fixture with the diagnostics its build must print.
const EXPECTED_STDERR: &str = "expected.stderr";

/// A fixture project in a temporary folder.
pub struct BookTest {
    /// Where the fixture lives in the repository.
    source: PathBuf,
    pub project: Project,
}

impl BookTest {
    /// A copy of `tests/fixtures/<name>/` (for example `shortcode/theme-rules`), without
    /// its `expected.stderr`.
    pub fn from_fixture(name: &str) -> BookTest {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        assert!(
            source.join("book.toml").is_file(),
            "fixture {name} has no book.toml"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&source, dir.path());
        // The expectation is no part of the project.
        let _ = std::fs::remove_file(dir.path().join(EXPECTED_STDERR));
        BookTest {
            source,
            project: Project { dir },
        }
    }

    /// Builds the fixture, which must succeed.
    pub fn build(&self) -> &Self {
        self.project.build();
        self
    }

    /// Asserts the whitespace-folded texts of every element that `selector` matches on
    /// the built page `path` (relative to the build folder).
    pub fn check_page(&self, path: &str, selector: &str, expected: &[&str]) -> &Self {
        let texts = self.page(path).texts(selector);
        assert_eq!(texts, expected, "{path} {selector}");
        self
    }

    /// Asserts the values of attribute `attr` on every element that `selector` matches.
    pub fn check_attrs(&self, path: &str, selector: &str, attr: &str, expected: &[&str]) -> &Self {
        let values = self.page(path).attrs(selector, attr);
        assert_eq!(values, expected, "{path} {selector} @{attr}");
        self
    }

    /// A built page, parsed.
    pub fn page(&self, path: &str) -> Page {
        self.project.html(&format!("site/{path}"))
    }

    /// Runs `buyin build`, which must fail with exit code 1, print exactly the fixture's
    /// `expected.stderr` and leave no build folder behind. Messages are asked for in
    /// English (`BUYIN_LANG=en`), so the expected files read the same for every project.
    pub fn check_diagnostics(&self) -> Run {
        let run = self.project.run_en(&["build"]);
        let stderr = run.stderr();
        assert_eq!(run.code(), 1, "exit code\n{stderr}");
        assert!(!self.project.site().exists(), "a failed build wrote site/");
        self.check_stderr(&stderr);
        run
    }

    /// Compares `stderr` with `expected.stderr` (or writes it under `BUYIN_BLESS=1`).
    pub fn check_stderr(&self, stderr: &str) {
        let expected_path = self.source.join(EXPECTED_STDERR);
        if std::env::var("BUYIN_BLESS").is_ok_and(|v| v == "1") {
            std::fs::write(&expected_path, stderr).expect("write expected.stderr");
            return;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (BUYIN_BLESS=1 writes it from this run)\nthe run said:\n{stderr}",
                expected_path.display()
            )
        });
        assert_eq!(
            stderr,
            expected,
            "diagnostics differ from {}",
            expected_path.display()
        );
    }
}
