//! Every message speaks the project's language, not only front-matter errors: shortcode
//! arguments, refused build folders and template errors read in German for
//! `language = "de"` and in English for `"en"`, at the same `PATH:LINE:COL` and with
//! the same `--format json` code in both.

mod common;

use common::Project;
use serde_json::Value;

/// A page whose shortcodes go wrong in four ways, on lines 5 to 8.
const SHORTCODES: &str = "---\ntitle: Kurzbefehle\n---\n\n{{ video(provider=\"youtub\", id=\"abc\", title=\"Film\") }}\n{{ case(pth=\"praxis/messe.md\") }}\n{% quiz(question=\"Wie?\", options=[\"a\", \"b\"], answer=3) %}Weil.{% end %}\n{{ case(path=\"praxis/fehlt.md\") }}\n";

fn project(language: &str) -> Project {
    Project::new(&[
        (
            "book.toml",
            &format!("[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n"),
        ),
        ("content/index.md", "---\ntitle: Start\n---\nText\n"),
        ("content/kurz.md", SHORTCODES),
    ])
}

/// The error lines of a run, without their hints.
fn errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect()
}

#[test]
fn shortcode_argument_errors_speak_german_in_a_german_project() {
    let run = project("de").run(&["check"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert_eq!(
        errors(&stderr),
        [
            "error: content/kurz.md:5:1: Shortcode 'video': provider 'youtub' ist keiner der Werte youtube, vimeo",
            "error: content/kurz.md:6:1: Shortcode 'case' hat kein Argument 'pth' (meinten Sie 'path'?)",
            "error: content/kurz.md:7:1: Shortcode 'quiz': answer muss eine Zahl von 1 bis 2 sein (die options ab 1 gezählt)",
            "error: content/kurz.md:8:1: Shortcode 'case': keine Inhaltsdatei 'praxis/fehlt.md'",
        ],
        "{stderr}"
    );
    assert_eq!(stderr.lines().last(), Some("4 Fehler"), "{stderr}");
}

#[test]
fn shortcode_argument_errors_speak_english_in_an_english_project() {
    let run = project("en").run(&["check"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert_eq!(
        errors(&stderr),
        [
            "error: content/kurz.md:5:1: video provider 'youtub' is not one of youtube, vimeo",
            "error: content/kurz.md:6:1: shortcode 'case' has no argument 'pth' (did you mean 'path'?)",
            "error: content/kurz.md:7:1: quiz answer must be a number from 1 to 2 (counting the options from 1)",
            "error: content/kurz.md:8:1: shortcode 'case': no content file 'praxis/fehlt.md'",
        ],
        "{stderr}"
    );
    assert_eq!(stderr.lines().last(), Some("4 errors"), "{stderr}");
}

#[test]
fn shortcode_codes_and_places_are_the_same_in_both_languages() {
    let report = |language: &str| -> Vec<(u64, String, String)> {
        let run = project(language).run(&["check", "--format", "json"]);
        assert_eq!(run.code(), 1, "{}", run.stderr());
        let report: Value = serde_json::from_str(&run.stdout()).expect("json");
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["line"].as_u64().unwrap_or_default(),
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["args"]["name"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let german = report("de");
    assert_eq!(german, report("en"));
    let codes: Vec<&str> = german.iter().map(|(_, code, _)| code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "shortcode-not-one-of",
            "shortcode-unknown-argument-near",
            "shortcode-choice-range",
            "shortcode-no-content-file",
        ]
    );
}

#[test]
fn a_refused_build_folder_is_explained_in_the_project_language() {
    let german = project("de");
    german.write("content/kurz.md", "---\ntitle: Kurz\n---\nText\n");
    let run = german.run(&["build", "--dest", "content"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr().starts_with(
            "error: Build-Ordner 'content' aus --dest abgelehnt (er ist selbst eine Quelle: Inhaltsordner 'content')\n  hint: buyin ersetzt seinen Build-Ordner als Ganzes"
        ),
        "{}",
        run.stderr()
    );
    german.write(
        "book.toml",
        "[book]\ntitle = \"T\"\nlanguage = \"de\"\n\n[build]\nbuild-dir = \"static/aus\"\n",
    );
    let run = german.run(&["build"]);
    assert!(
        run.stderr().contains(
            "error: book.toml:6:1: Build-Ordner 'static/aus' aus build-dir abgelehnt (er liegt in einer Quelle: static-Ordner 'static')"
        ),
        "{}",
        run.stderr()
    );
    let english = project("en");
    let run = english.run(&["build", "--dest", "content"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr().starts_with(
            "error: refusing build folder 'content' given to --dest (it is the content folder 'content')\n  hint: buyin replaces its build folder as a whole"
        ),
        "{}",
        run.stderr()
    );
    assert!(!english.path().join("site").exists());
}

#[test]
fn template_errors_speak_the_project_language() {
    let broken = |language: &str| {
        let project = project(language);
        project.write("content/kurz.md", "---\ntitle: Kurz\n---\nText\n");
        project.write(
            "themes/default/shortcodes/callout.html",
            "<aside>{% if %}</aside>\n",
        );
        project.run(&["build"])
    };
    let german = broken("de");
    assert_eq!(german.code(), 1, "{}", german.stderr());
    assert!(
        german
            .stderr()
            .contains("error: themes/default/shortcodes/callout.html:1:"),
        "{}",
        german.stderr()
    );
    assert!(
        german.stderr().contains(": Fehler in der Vorlage ("),
        "{}",
        german.stderr()
    );
    let english = broken("en");
    assert!(
        english.stderr().contains(": template error ("),
        "{}",
        english.stderr()
    );
}

#[test]
fn new_and_init_refuse_in_the_project_language() {
    let german = project("de");
    assert_eq!(german.run(&["new", "case", "Messe"]).code(), 0);
    let again = german.run(&["new", "case", "Messe"]);
    assert_eq!(again.code(), 1, "{}", again.stderr());
    assert_eq!(
        again.stderr().trim(),
        "error: content/praxis/messe.md gibt es schon; einen anderen Titel wählen"
    );
    let kind = german.run(&["new", "argumnet", "Zu teuer"]);
    assert_eq!(kind.code(), 2, "{}", kind.stderr());
    assert_eq!(
        kind.stderr().trim(),
        "error: unbekannte Art 'argumnet' (meinten Sie 'argument'?); Arten sind: page, argument, case, deck, stage"
    );
    let init = german.run(&["init", "."]);
    assert_eq!(init.code(), 1, "{}", init.stderr());
    assert!(
        init.stderr().starts_with("error: ")
            && init
                .stderr()
                .contains(" enthält schon eine book.toml; nichts wurde geändert"),
        "{}",
        init.stderr()
    );

    let english = project("en");
    assert_eq!(english.run(&["new", "case", "Fair"]).code(), 0);
    let again = english.run(&["new", "case", "Fair"]);
    assert_eq!(
        again.stderr().trim(),
        "error: content/cases/fair.md already exists; choose another title"
    );
    let init = english.run_en(&["init", "."]);
    assert!(
        init.stderr()
            .contains(" already holds a book.toml; nothing was changed"),
        "{}",
        init.stderr()
    );
}
