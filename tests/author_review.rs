//! Review dates: `reviewed:` on any item, `[content] review-after` in book.toml, `check`
//! lists overdue and undated items oldest first (text and JSON), and argument and case
//! pages show the reviewed date — never today's.

mod common;

use common::Project;
use serde_json::Value;

fn project(language: &str, review_after: &str) -> Project {
    Project::new(&[
        (
            "book.toml",
            &format!(
                "[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n\n[content]\nreview-after = \"{review_after}\"\n"
            ),
        ),
        (
            "content/index.md",
            "---\ntitle: Start\nreviewed: 2026-11-01\n---\nHallo.\n",
        ),
        (
            "content/argumente/alt.md",
            "---\ntitle: Alt\nkind: argument\nobjection: O\nstakeholders: [IT]\nreviewed: 2025-03-03\nsummary: S\n---\nText.\n",
        ),
        (
            "content/argumente/aelter.md",
            "---\ntitle: Älter\nkind: argument\nobjection: O\nstakeholders: [IT]\nreviewed: 2024-06-30\nsummary: S\n---\nText.\n",
        ),
        (
            "content/praxis/messe.md",
            "---\ntitle: Messe\nkind: case\n---\nText.\n",
        ),
    ])
}

const TODAY: (&str, &str) = ("BUYIN_TODAY", "2026-03-10");

#[test]
fn check_lists_overdue_and_undated_items_oldest_first() {
    let project = project("de", "12 months");
    let run = project.run_with(&["check"], &[TODAY]);
    assert_eq!(run.code(), 0, "warnings only: {}", run.stderr());
    let stderr = run.stderr();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    let places: Vec<&str> = warnings
        .iter()
        .map(|l| l.split(": ").nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        places,
        [
            "content/praxis/messe.md:1:1",
            "content/argumente/aelter.md:6:1",
            "content/argumente/alt.md:6:1",
        ],
        "{}",
        run.stderr()
    );
    assert!(
        warnings[1].ends_with("Prüfung überfällig seit 2025-06-30 (zuletzt geprüft 2024-06-30; review-after = \"12 months\")"),
        "{}",
        warnings[1]
    );
    assert!(warnings[0].contains("kein Prüfdatum"), "{}", warnings[0]);
    // The same project a week earlier: `alt.md` was not yet due.
    let earlier = project.run_with(&["check"], &[("BUYIN_TODAY", "2026-03-03")]);
    assert!(
        !earlier.stderr().contains("alt.md:6"),
        "{}",
        earlier.stderr()
    );
}

#[test]
fn check_json_carries_review_warnings_with_codes() {
    let project = project("en", "6 weeks");
    let run = project.run_with(&["check", "--format", "json"], &[TODAY]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report: Value = serde_json::from_str(&run.stdout()).expect("json");
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "review-missing".to_string(),
                "content/praxis/messe.md".to_string()
            ),
            (
                "review-overdue".to_string(),
                "content/argumente/aelter.md".to_string()
            ),
            (
                "review-overdue".to_string(),
                "content/argumente/alt.md".to_string()
            ),
        ]
    );
    assert_eq!(report["warnings"], 3);
    assert_eq!(report["diagnostics"][1]["severity"], "warning");
}

#[test]
fn without_the_setting_nothing_is_due() {
    let project = project("de", "12 months");
    project.write("book.toml", "[book]\ntitle = \"T\"\nlanguage = \"de\"\n");
    let run = project.run_with(&["check"], &[TODAY]);
    assert!(!run.stderr().contains("warning:"), "{}", run.stderr());
}

#[test]
fn a_bad_period_or_date_is_an_error_at_its_line() {
    let project = project("en", "ein Jahr");
    let run = project.run_en(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("error: book.toml:6:1: review period 'ein Jahr' is not a number of days, weeks or months"),
        "{}",
        run.stderr()
    );
    let project = self::project("en", "12 months");
    project.write(
        "content/praxis/messe.md",
        "---\ntitle: M\nkind: case\nreviewed: letzte Woche\n---\nT\n",
    );
    let run = project.run_en(&["check"]);
    assert!(
        run.stderr()
            .contains("error: content/praxis/messe.md:4:1: invalid date \"letzte Woche\""),
        "{}",
        run.stderr()
    );
    let run = project.run_with(&["check"], &[("BUYIN_TODAY", "morgen")]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
}

#[test]
fn pages_show_the_reviewed_date_in_the_site_language() {
    let de = project("de", "12 months");
    de.run_with(&["build"], &[TODAY]);
    let page = de.html("site/argumente/alt/index.html");
    assert_eq!(page.text(".reviewed"), "Stand: 3. März 2025");
    assert_eq!(page.attrs(".reviewed time", "datetime"), ["2025-03-03"]);
    let en = project("en", "12 months");
    en.write(
        "content/praxis/messe.md",
        "---\ntitle: Messe\nkind: case\nreviewed: 2026-03-03T10:00:00+01:00\n---\nText.\n",
    );
    en.build();
    let page = en.html("site/praxis/messe/index.html");
    assert_eq!(page.text(".reviewed"), "Reviewed: 3 March 2026");
    // The page depends on the reviewed date only, not on the day of the build.
    let first = en.read("site/praxis/messe/index.html");
    en.run_with(&["build"], &[("BUYIN_TODAY", "2030-01-01")]);
    assert_eq!(first, en.read("site/praxis/messe/index.html"));
}
