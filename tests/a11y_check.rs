//! `buyin check` reports what the Markdown itself shows to be inaccessible, and
//! `buyin build` warns about brand colours too pale to read: warnings at
//! `PATH:LINE:COL` that leave the exit code at 0, errors with `check --strict`.

mod common;

use common::{BOOK, Project};

const PAGE: &str = "---\ntitle: \"Zugang\"\n---\nEin Bild ohne Text:\n\n![](/karte.svg)\n\nMehr steht [hier](andere.md).\n\n#### Zu tief\n\n| | |\n|---|---|\n| a | b |\n\n{{ video(provider=\"youtube\", id=\"abc\") }}\n";

fn project() -> Project {
    Project::new(&[
        ("book.toml", BOOK),
        (
            "content/index.md",
            "---\ntitle: \"Start\"\n---\nSiehe [die Seite zum Zugang](zugang.md).\n",
        ),
        ("content/zugang.md", PAGE),
        ("content/andere.md", "---\ntitle: \"Andere\"\n---\nText.\n"),
        (
            "static/karte.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
    ])
}

#[test]
fn check_warns_about_each_accessibility_rule_at_its_place() {
    let project = project();
    let run = project.run_en(&["check"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 0, "{stderr}");
    for expected in [
        "warning: content/zugang.md:6:1: image without alt text",
        "warning: content/zugang.md:8:12: link text 'hier' does not say where the link goes",
        "warning: content/zugang.md:10:1: heading level skipped: an h4 follows the page title (h1)",
        "warning: content/zugang.md:12:1: table without header row",
        "warning: content/zugang.md:16:1: video without title",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("check passed: 0 errors, 5 warnings"),
        "{stderr}"
    );
    // The index links well and has no finding.
    assert!(!stderr.contains("content/index.md"), "{stderr}");
}

#[test]
fn a_german_project_gets_its_findings_in_german_at_the_same_places() {
    let run = project().run(&["check"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 0, "{stderr}");
    for expected in [
        "warning: content/zugang.md:6:1: Bild ohne Alternativtext",
        "  hint: in die eckigen Klammern schreiben, was das Bild zeigt: ![was es zeigt](pfad)",
        "warning: content/zugang.md:8:12: Linktext 'hier' sagt nicht, wohin der Link führt",
        "warning: content/zugang.md:10:1: Überschriftenebene übersprungen: eine h4 folgt auf den Seitentitel (h1)",
        "warning: content/zugang.md:12:1: Tabelle ohne Kopfzeile (ihre erste Zeile ist leer)",
        "warning: content/zugang.md:16:1: Video ohne Titel",
    ] {
        assert!(
            stderr.lines().any(|l| l == expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert_eq!(
        stderr.lines().last(),
        Some("Prüfung bestanden: 0 Fehler, 5 Warnungen")
    );
    let json = project().run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout()).expect("JSON report");
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        codes,
        [
            "image-without-alt",
            "vague-link-text",
            "heading-skipped",
            "table-without-header",
            "video-without-title"
        ]
    );
}

#[test]
fn check_strict_turns_the_findings_into_errors() {
    let project = project();
    let run = project.run_en(&["check", "--strict"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert!(
        stderr.contains("error: content/zugang.md:6:1: image without alt text"),
        "{stderr}"
    );
    assert!(stderr.contains("5 errors"), "{stderr}");

    let json = project.run(&["check", "--strict", "--format", "json"]);
    assert_eq!(json.code(), 1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout()).expect("JSON report");
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"], 5);

    // A clean project passes strict checking.
    project.write(
        "content/zugang.md",
        "---\ntitle: \"Zugang\"\n---\n![Karte der Standorte](/karte.svg)\n",
    );
    let clean = project.run(&["check", "--strict"]);
    assert_eq!(clean.code(), 0, "{}", clean.stderr());
}

#[test]
fn a_pale_brand_colour_warns_and_the_theme_uses_a_readable_shade() {
    let project = Project::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"Hell\"\nlanguage = \"de\"\n\n[brand]\nprimary = \"#66aaff\"\n",
        ),
        ("content/index.md", "---\ntitle: \"Start\"\n---\nText.\n"),
    ]);
    // Compared in English; tests/author_messages.rs checks the German text.
    let run = project.run_en(&["build"]);
    let stderr = run.stderr();
    assert!(
        stderr.contains("warning: book.toml:6:1: brand primary #66aaff has a contrast of 2.40:1"),
        "{stderr}"
    );
    let shade = stderr
        .split("set primary = \"")
        .nth(1)
        .and_then(|rest| rest.get(..7))
        .expect("a suggested shade");
    let page = project.read("site/index.html");
    let light = page
        .split(":root {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("the brand colours of the light theme");
    assert!(
        light.contains(&format!("--brand-strong: {shade};")),
        "{light}"
    );
    // Links are text on white and on tinted surfaces: never the pale colour itself.
    assert!(light.contains("--link: light-dark(#"), "{light}");
    assert!(!light.contains("--link: light-dark(#66aaff"), "{light}");
}

#[test]
fn a_missing_accessibility_statement_is_reported_at_its_setting() {
    // `statement` also names a taxonomy before `[accessibility]`: the error must point
    // at the setting itself, line 9.
    let book = "[book]\ntitle = \"T\"\nlanguage = \"de\"\n\n[taxonomies]\nstatement = { path = \"aussagen\" }\n\n[accessibility]\nstatement = \"fehlt.md\"\n";
    let project = Project::new(&[
        ("book.toml", book),
        ("content/index.md", "---\ntitle: \"Start\"\n---\nText.\n"),
    ]);
    let run = project.run_en(&["build"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "error: book.toml:9:1: accessibility statement 'fehlt.md' does not exist in the content folder"
        ),
        "{stderr}"
    );
}
