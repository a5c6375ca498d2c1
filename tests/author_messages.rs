//! Every message speaks the project's language, not only front-matter errors: shortcode
//! arguments, refused build folders and template errors read in German for
//! `language = "de"` and in English for `"en"`, at the same `PATH:LINE:COL` and with
//! the same `--format json` code in both.

mod common;

use common::Project;
use common::served::Served;
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

/// A `book.toml` with a bad value for each setting that buyin checks, on lines 5 to 12.
const BAD_BOOK: &str = "[book]\ntitle = \"T\"\nlanguage = \"de\"\n[brand]\naccent = \"blau\"\nlogo = \"static/fehlt.svg\"\n[slides]\naspect = \"breit\"\n[accessibility]\nstatus = \"halb\"\n[taxonomies.zielgruppen]\npath = \"Ziel Gruppen\"\n";

#[test]
fn book_toml_values_are_explained_in_the_project_language() {
    let project = Project::new(&[
        ("book.toml", BAD_BOOK),
        ("content/index.md", "---\ntitle: Start\n---\nText\n"),
    ]);
    let german = project.run(&["build"]);
    assert_eq!(german.code(), 1, "{}", german.stderr());
    assert_eq!(
        errors(&german.stderr()),
        [
            "error: book.toml:5:1: Markenfarbe 'blau' ist keine Hex-Farbe",
            "error: book.toml:6:1: Logodatei 'static/fehlt.svg' gibt es nicht",
            "error: book.toml:8:1: Folienformat 'breit' ist kein Seitenverhältnis",
            "error: book.toml:10:1: Barrierefreiheits-Status 'halb' ist keiner von full, partial, none",
            "error: book.toml:12:1: Taxonomie-Pfad 'Ziel Gruppen' ist kein gültiger Teil einer URL",
        ]
    );
    assert!(
        german
            .stderr()
            .contains("  hint: die Datei nach static/ legen oder den Schlüssel `logo` entfernen"),
        "{}",
        german.stderr()
    );
    assert!(
        german
            .stderr()
            .contains("  hint: \"ziel-gruppen\" verwenden")
    );
    assert_eq!(german.stderr().lines().last(), Some("5 Fehler"));

    let english = project.run_en(&["build"]);
    assert_eq!(english.code(), 1, "{}", english.stderr());
    assert_eq!(
        errors(&english.stderr()),
        [
            "error: book.toml:5:1: brand colour 'blau' is not a hex colour",
            "error: book.toml:6:1: logo file 'static/fehlt.svg' does not exist",
            "error: book.toml:8:1: slide aspect 'breit' is not a ratio",
            "error: book.toml:10:1: accessibility status 'halb' is not one of full, partial, none",
            "error: book.toml:12:1: taxonomy path 'Ziel Gruppen' is not a URL segment",
        ]
    );
    assert!(english.stderr().contains("  hint: use \"ziel-gruppen\""));

    let codes = |run: common::Run| -> Vec<String> {
        let report: Value = serde_json::from_str(&run.stdout()).expect("json");
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let de = codes(project.run(&["check", "--format", "json"]));
    assert_eq!(
        de,
        [
            "bad-colour",
            "logo-missing",
            "bad-aspect",
            "bad-accessibility-status",
            "bad-taxonomy-path"
        ]
    );
    assert_eq!(
        de,
        codes(project.run_with(&["check", "--format", "json"], &[("BUYIN_LANG", "en")]))
    );
}

#[test]
fn a_pale_brand_colour_is_explained_in_the_project_language() {
    let project = Project::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\nlanguage = \"de\"\n[brand]\nprimary = \"#66aaff\"\n",
        ),
        ("content/index.md", "---\ntitle: Start\n---\nText\n"),
    ]);
    let german = project.run(&["build"]);
    assert_eq!(
        german.code(),
        0,
        "warnings do not fail: {}",
        german.stderr()
    );
    assert!(
        german.stderr().contains(
            "warning: book.toml:5:1: Markenfarbe primary #66aaff hat als Text auf Weiß und \
             hinter weißem Text nur einen Kontrast von 2,40:1, weniger als 4,5:1 (WCAG AA)"
        ),
        "{}",
        german.stderr()
    );
    assert!(german.stderr().contains("  hint: primary = \"#"));
    let english = project.run_en(&["build"]);
    assert!(
        english.stderr().contains(
            "warning: book.toml:5:1: brand primary #66aaff has a contrast of 2.40:1 as text \
             on white and behind white text, below 4.5:1 (WCAG AA)"
        ),
        "{}",
        english.stderr()
    );
}

#[test]
fn an_unknown_deck_to_export_is_explained_in_the_project_language() {
    let project = Project::new(&[
        ("book.toml", "[book]\ntitle = \"T\"\nlanguage = \"de\"\n"),
        ("content/index.md", "---\ntitle: Start\n---\nText\n"),
        (
            "content/vortraege/auftakt.md",
            "---\ntitle: Auftakt\nkind: deck\n---\n# Auftakt\n",
        ),
    ]);
    let german = project.run(&["export", "--pptx", "auftakz"]);
    assert_eq!(german.code(), 1, "{}", german.stderr());
    assert_eq!(
        german.stderr(),
        "error: unbekannter Vortrag 'auftakz'\n  hint: meinten Sie 'auftakt'?\n1 Fehler\n"
    );
    let english = project.run_en(&["export", "--pptx", "auftakz"]);
    assert_eq!(english.code(), 1, "{}", english.stderr());
    assert_eq!(
        english.stderr(),
        "error: unknown deck 'auftakz'\n  hint: did you mean 'auftakt'?\n1 error\n"
    );
}

/// Twenty-one taken ports in a row (as many as `serve` tries); the first one's number.
fn taken_ports() -> (Vec<std::net::TcpListener>, u16) {
    for _ in 0..50 {
        let Ok(first) = std::net::TcpListener::bind(("127.0.0.1", 0)) else {
            continue;
        };
        let base = first.local_addr().expect("addr").port();
        if base > u16::MAX - 21 {
            continue;
        }
        let rest: Option<Vec<_>> = (base + 1..=base + 20)
            .map(|port| std::net::TcpListener::bind(("127.0.0.1", port)).ok())
            .collect();
        if let Some(mut listeners) = rest {
            listeners.push(first);
            return (listeners, base);
        }
    }
    panic!("found no 21 free ports in a row");
}

#[test]
fn a_preview_that_cannot_start_says_why_in_the_project_language() {
    let project = Project::new(&[
        ("book.toml", "[book]\ntitle = \"T\"\nlanguage = \"de\"\n"),
        ("content/index.md", "---\ntitle: Start\n---\nText\n"),
    ]);
    let (_held, port) = taken_ports();
    let (port, last) = (port.to_string(), (port + 20).to_string());
    let german = project.run(&["serve", "--port", &port]);
    assert_eq!(german.code(), 1, "{}", german.stderr());
    assert!(
        german.stderr().starts_with(&format!(
            "error: die Vorschau findet auf 127.0.0.1 keinen freien Port: {port} bis {last} sind alle belegt\n  hint: "
        )),
        "{}",
        german.stderr()
    );
    let english = project.run_en(&["serve", "--port", &port]);
    assert_eq!(english.code(), 1, "{}", english.stderr());
    assert!(
        english.stderr().starts_with(&format!(
            "error: cannot serve on 127.0.0.1: ports {port} to {last} are all taken\n  hint: "
        )),
        "{}",
        english.stderr()
    );
    let nowhere = project.run(&["serve", "--bind", "nirgendwo.invalid"]);
    assert_eq!(nowhere.code(), 2, "{}", nowhere.stderr());
    assert!(
        nowhere
            .stderr()
            .starts_with("error: die Vorschau kann nicht unter 'nirgendwo.invalid' laufen ("),
        "{}",
        nowhere.stderr()
    );
    assert!(
        nowhere
            .stderr()
            .contains("  hint: bei --bind eine Adresse dieses Rechners angeben"),
        "{}",
        nowhere.stderr()
    );
}

#[test]
fn help_speaks_the_project_language_unless_buyin_lang_says_otherwise() {
    let project = project("de");
    let german = project.run(&["build", "--help"]);
    assert_eq!(german.code(), 0, "{}", german.stderr());
    let help = german.stdout();
    assert!(
        help.starts_with("Die Seite und ihre Vorträge bauen\n"),
        "{help}"
    );
    assert!(help.contains("--drafts      Entwürfe mitnehmen"), "{help}");
    assert!(
        help.contains("-q, --quiet       Nur Fehler ausgeben"),
        "{help}"
    );
    // clap's own words too: the usage line, the headings, the help and version flags.
    for words in [
        "\nAufruf: buyin build",
        "\nOptionen:\n",
        "-h, --help        Hilfe anzeigen",
    ] {
        assert!(help.contains(words), "{words:?} missing: {help}");
    }
    let top = project.run(&["--help"]).stdout();
    assert!(
        top.contains("export  Die Seite bauen und die Vorträge neben ihren Seiten exportieren"),
        "{top}"
    );
    for words in ["\nBefehle:\n", "-V, --version  Version anzeigen"] {
        assert!(top.contains(words), "{words:?} missing: {top}");
    }
    let english = project.run_en(&["build", "--help"]);
    assert_eq!(english.code(), 0, "{}", english.stderr());
    let help = english.stdout();
    assert!(help.starts_with("Build the site and its decks\n"), "{help}");
    assert!(help.contains("--drafts      Include drafts"), "{help}");
    for words in [
        "\nUsage: buyin build",
        "\nOptions:\n",
        "-h, --help        Print help",
    ] {
        assert!(help.contains(words), "{words:?} missing: {help}");
    }
    // Outside any project: English, and `-C` points at the project whose language counts.
    let outside = tempfile::tempdir().expect("temp dir");
    let run = assert_cmd::Command::cargo_bin("buyin")
        .expect("buyin binary")
        .current_dir(outside.path())
        .env_remove("BUYIN_LANG")
        .args(["init", "--help"])
        .output()
        .expect("run buyin");
    assert_eq!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stdout).starts_with("Scaffold a new project\n"));
    let run = assert_cmd::Command::cargo_bin("buyin")
        .expect("buyin binary")
        .current_dir(outside.path())
        .env_remove("BUYIN_LANG")
        .arg("-C")
        .arg(project.path())
        .args(["init", "--help"])
        .output()
        .expect("run buyin");
    assert_eq!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stdout).starts_with("Ein neues Projekt anlegen\n"));
}

#[test]
fn stage_timings_are_named_in_the_project_language() {
    let project = project("de");
    project.write("content/kurz.md", "---\ntitle: Kurz\n---\nText\n");
    let german = project.run(&["build", "-v"]);
    assert_eq!(german.code(), 0, "{}", german.stderr());
    let stderr = german.stderr();
    for stage in [
        "Theme und Inhaltsdateien",
        "Seitenerzeugung",
        "Linkprüfung",
        "Veröffentlichung",
    ] {
        assert!(
            stderr.contains(&format!("\n  {stage}: ")),
            "{stage}: {stderr}"
        );
    }
    let english = project.run_en(&["build", "-v"]);
    assert_eq!(english.code(), 0, "{}", english.stderr());
    assert!(
        english.stderr().contains("\n  theme and sources: "),
        "{}",
        english.stderr()
    );
    assert!(
        english.stderr().contains("\n  publish: "),
        "{}",
        english.stderr()
    );
}

#[test]
fn a_book_toml_that_is_not_utf8_is_explained_in_its_language() {
    let project = project("de");
    std::fs::write(
        project.path().join("book.toml"),
        b"[book]\ntitle = \"Caf\xe9\"\nlanguage = \"de\"\n",
    )
    .expect("write book.toml");
    let german = project.run(&["build"]);
    assert_eq!(german.code(), 1, "{}", german.stderr());
    let english = project.run_en(&["build"]);
    assert_eq!(english.code(), 1, "{}", english.stderr());
    assert_eq!(
        german.stderr(),
        "error: book.toml:2:13: Datei ist kein gültiges UTF-8\n  \
         hint: die Datei in UTF-8-Kodierung speichern\n1 Fehler\n"
    );
    assert_eq!(
        english.stderr(),
        "error: book.toml:2:13: file is not valid UTF-8\n  \
         hint: save the file with UTF-8 encoding\n1 error\n"
    );
}

#[test]
fn the_preview_refuses_a_foreign_host_in_the_project_language() {
    let project = project("de");
    let request = "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n";
    let served = Served::start(&project);
    let german = served.raw(request);
    assert_eq!(german.status, 403, "{}", german.text());
    assert_eq!(
        german.text(),
        "verboten: unbekannter Rechnername (mit `buyin serve --allow-host NAME` starten, um ihn zuzulassen)\n"
    );
    drop(served);
    let served = Served::start_env(&project, &[("BUYIN_LANG", "en")]);
    let english = served.raw(request);
    assert_eq!(english.status, 403, "{}", english.text());
    assert_eq!(
        english.text(),
        "forbidden: unknown host (start `buyin serve` with --allow-host NAME to allow it)\n"
    );
}

#[test]
fn a_browser_that_does_not_start_is_explained_in_the_project_language() {
    let project = project("de");
    project.write("content/kurz.md", "---\ntitle: A\nkind: deck\n---\n# A\n");
    let args = ["export", "--pdf", "--browser", "/bin/false"];
    let german = project.run(&args);
    assert_eq!(german.code(), 1, "{}", german.stderr());
    assert!(
        german.stderr().starts_with(
            "error: book.toml:1:1: der Browser '/bin/false' ist nicht gestartet (er endete mit "
        ),
        "{}",
        german.stderr()
    );
    let english = project.run_en(&args);
    assert_eq!(english.code(), 1, "{}", english.stderr());
    assert!(
        english.stderr().starts_with(
            "error: book.toml:1:1: the browser '/bin/false' did not start (it ended with "
        ),
        "{}",
        english.stderr()
    );
}

#[test]
fn usage_errors_speak_the_project_language() {
    let project = project("de");
    for (args, said) in [
        (
            &["buidl"][..],
            "error: unbekannter Befehl 'buidl'\n  hint: meinten Sie 'build'?",
        ),
        (&["build", "--nope"], "error: unbekannte Option '--nope'"),
        (
            &["check", "--format", "xml"],
            "error: ungültiger Wert 'xml' für --format <FORMAT>\n  hint: möglich sind: text, json",
        ),
        (&["new", "argument"], "error: es fehlt: <TITLE>"),
    ] {
        let run = project.run(args);
        assert_eq!(run.code(), 2, "{args:?}");
        assert!(run.stderr().contains(said), "{args:?}: {}", run.stderr());
    }
    let english = project.run_en(&["buidl"]);
    assert_eq!(english.code(), 2);
    assert!(
        english
            .stderr()
            .starts_with("error: unrecognized subcommand 'buidl'"),
        "{}",
        english.stderr()
    );
}
