//! The project's language speaks: diagnostics, hints, counts and summaries come from the
//! message catalogue in `[book] language`, `BUYIN_LANG` overrides it, and the
//! `error: PATH:LINE:COL:` prefix and the JSON `code`s are the same in every language.

mod common;

use common::Project;
use serde_json::Value;

const BROKEN: &str = "---\ntitle: Datenschutz\nkind: argument\nobjection: \"Heikel.\"\nstakehodlers: [IT]\n---\nText\n";

fn project(language: &str) -> Project {
    Project::new(&[
        (
            "book.toml",
            &format!("[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n"),
        ),
        ("content/index.md", "---\ntitle: Start\n---\nText\n"),
        ("content/argumente/datenschutz.md", BROKEN),
    ])
}

#[test]
fn a_german_project_gets_german_errors_and_count() {
    let run = project("de").run(&["check"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert!(
        stderr.contains("error: content/argumente/datenschutz.md:1:1: ein Einwand braucht mindestens einen Eintrag in 'stakeholders'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: content/argumente/datenschutz.md:5:1: unbekanntes Feld 'stakehodlers' (meinten Sie 'stakeholders'?)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  hint: `stakeholders: [\"Geschäftsführung\"]` ergänzen"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().last(), Some("2 Fehler"), "{stderr}");
}

#[test]
fn an_english_project_gets_english_errors_and_count() {
    let run = project("en").run(&["check"]);
    let stderr = run.stderr();
    assert!(
        stderr.contains("error: content/argumente/datenschutz.md:5:1: unknown field 'stakehodlers' (did you mean 'stakeholders'?)"),
        "{stderr}"
    );
    assert!(stderr.contains("  hint: add `stakeholders:"), "{stderr}");
    assert_eq!(stderr.lines().last(), Some("2 errors"), "{stderr}");
}

#[test]
fn the_environment_variable_overrides_the_project_language() {
    let english = project("de").run_with(&["check"], &[("BUYIN_LANG", "en")]);
    assert!(
        english.stderr().contains("unknown field 'stakehodlers'"),
        "{}",
        english.stderr()
    );
    assert_eq!(english.stderr().lines().last(), Some("2 errors"));
    let german = project("en").run_with(&["check"], &[("BUYIN_LANG", "de")]);
    assert!(
        german.stderr().contains("unbekanntes Feld 'stakehodlers'"),
        "{}",
        german.stderr()
    );
}

#[test]
fn json_codes_and_places_are_the_same_in_every_language() {
    let report = |language: &str| -> Value {
        let run = project(language).run(&["check", "--format", "json"]);
        assert_eq!(run.code(), 1);
        serde_json::from_str(&run.stdout()).expect("json")
    };
    let (de, en) = (report("de"), report("en"));
    let keys = |report: &Value| -> Vec<(String, u64, String)> {
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["path"].as_str().unwrap_or_default().to_string(),
                    d["line"].as_u64().unwrap_or_default(),
                    d["code"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(keys(&de), keys(&en));
    let codes: Vec<String> = keys(&de).into_iter().map(|(_, _, code)| code).collect();
    assert_eq!(codes, ["no-stakeholders", "unknown-field-near"]);
    assert_eq!(de["language"], "de");
    assert_eq!(
        de["diagnostics"][1]["message"],
        "unbekanntes Feld 'stakehodlers' (meinten Sie 'stakeholders'?)"
    );
    assert_eq!(de["diagnostics"][1]["args"]["field"], "stakehodlers");
    assert_eq!(en["diagnostics"][1]["args"]["near"], "stakeholders");
}

#[test]
fn the_build_summary_counts_in_the_project_language() {
    let files = |language: &str| {
        Project::new(&[
            (
                "book.toml",
                &format!("[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n"),
            ),
            ("content/index.md", "---\ntitle: Start\n---\nText\n"),
            (
                "content/vortraege/auftakt.md",
                "---\ntitle: Auftakt\nkind: deck\n---\n# Auftakt\n",
            ),
        ])
    };
    let de = files("de").build().stderr();
    assert!(de.contains(" und 1 Vortrag in "), "{de}");
    assert!(de.contains(" nach site gebaut"), "{de}");
    let en = files("en").build().stderr();
    assert!(en.starts_with("built "), "{en}");
    assert!(en.contains(" and 1 deck into site in "), "{en}");
    let passed = files("de").run(&["check"]).stderr();
    assert_eq!(passed.trim(), "Prüfung bestanden: 0 Fehler, 0 Warnungen");
}

#[test]
fn usage_errors_outside_a_project_keep_the_prefix() {
    let empty = Project::new(&[]);
    let run = empty.run(&["build"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().starts_with("error: "), "{}", run.stderr());
    let german = empty.run_with(&["build"], &[("BUYIN_LANG", "de")]);
    assert!(
        german.stderr().contains("keine book.toml"),
        "{}",
        german.stderr()
    );
    assert!(
        german.stderr().contains("buyin init"),
        "{}",
        german.stderr()
    );
}
