//! `buyin build`: tiny projects built in temp folders, asserting on the produced HTML.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use common::{BOOK, Page, Project};

/// A German project made of `files` plus the minimal `book.toml`.
fn project(files: &[(&str, &str)]) -> Project {
    let mut all = vec![("book.toml", BOOK)];
    all.extend_from_slice(files);
    Project::new(&all)
}

/// The site-relative path a reference on page `page` (site-relative file) points to,
/// without query or fragment; `None` when it leaves the site.
fn resolve(page: &str, reference: &str) -> Option<String> {
    let target = reference.split(['#', '?']).next().unwrap_or("");
    let base = Path::new(page).parent().unwrap_or(Path::new(""));
    let mut parts: Vec<String> = Vec::new();
    let joined = if target.is_empty() {
        PathBuf::from(page)
    } else {
        base.join(target)
    };
    for component in joined.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Whether a reference leaves the site or stays on the page.
fn is_external(reference: &str) -> bool {
    let lower = reference.to_ascii_lowercase();
    reference.is_empty()
        || reference == "#"
        || ["http:", "https:", "mailto:", "data:", "tel:", "javascript:"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
        || reference.starts_with("//")
}

/// The resolved target of `href` on `page`, asserting it is a file of the site.
fn target_of(project: &Project, page: &str, href: &str) -> String {
    let target = resolve(page, href).unwrap_or_else(|| panic!("{page}: {href} leaves the site"));
    assert!(
        project.site().join(&target).is_file(),
        "{page}: {href} -> {target} is not a file of the site"
    );
    target
}

/// Index of the first occurrence of each needle in `haystack`, asserting all occur.
fn positions(haystack: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            haystack
                .find(n)
                .unwrap_or_else(|| panic!("{n:?} not found in output"))
        })
        .collect()
}

fn is_sorted(v: &[usize]) -> bool {
    v.windows(2).all(|w| w[0] < w[1])
}

// ---------------------------------------------------------------------------------------
// Kinds and their templates (fixture `kinds`)

#[test]
fn argument_shows_objection_then_answer_then_evidence_cards_linking_to_the_case() {
    let project = Project::fixture("kinds");
    project.build();
    let page_path = "site/argumente/kontrolle/index.html";
    let page = project.html(page_path);
    assert_eq!(page.text("h1"), "Angst vor Kontrolle");
    assert_eq!(
        page.text("section.objection blockquote"),
        "Dann schreibt jeder, was er will."
    );
    assert!(
        page.text("section.answer")
            .contains("wer dabei ist, kann antworten")
    );
    let order: Vec<String> = page
        .attrs("article.argument > section", "class")
        .into_iter()
        .filter(|c| ["objection", "answer", "evidence"].contains(&c.as_str()))
        .collect();
    assert_eq!(order, ["objection", "answer", "evidence"]);
    assert_eq!(page.texts("section.evidence .card a"), ["Messeauftritt"]);
    let href = &page.attrs("section.evidence .card a", "href")[0];
    let target = target_of(&project, "argumente/kontrolle/index.html", href);
    assert_eq!(target, "praxis/messe/index.html");
}

#[test]
fn case_shows_facts_metrics_table_and_one_chart_bar_per_numeric_metric() {
    let project = Project::fixture("kinds");
    project.build();
    let page = project.html("site/praxis/messe/index.html");
    let facts = page.text(".facts");
    for fact in ["Muster AG", "Maschinenbau", "250 Mitarbeitende", "2021"] {
        assert!(facts.contains(fact), "facts lack {fact}: {facts}");
    }
    assert_eq!(
        page.texts(".metrics-table th"),
        ["Neue Kontakte", "Quote", "Aufwand"]
    );
    assert_eq!(
        page.texts(".metrics-table td"),
        ["120", "3.5", "1,5 Stunden"]
    );
    assert_eq!(page.count("svg.metrics-chart"), 1, "one inline chart");
    assert_eq!(
        page.count("svg.metrics-chart rect"),
        2,
        "one bar per numeric metric, none for text"
    );
    assert!(
        page.text(".prose")
            .contains("Die Geschichte des Messeauftritts.")
    );
    assert!(page.text(".source").contains("Eigene Erhebung"));
}

#[test]
fn stage_page_shows_number_effort_and_goals() {
    let project = Project::fixture("kinds");
    project.build();
    let page = project.html("site/fahrplan/zuhoeren/index.html");
    assert_eq!(page.text("h1"), "Zuhören");
    assert!(page.text("article.stage .kicker").contains('1'));
    assert!(page.text("article.stage .facts").contains("gering"));
    assert_eq!(
        page.texts("article.stage .goals li"),
        ["Monitoring einrichten", "Antworten"]
    );
    assert!(page.text(".prose").contains("Erst zuhören."));
}

#[test]
fn page_kind_is_the_default_and_renders_title_description_and_body() {
    let project = Project::fixture("kinds");
    project.build();
    let page = project.html("site/impressum/index.html");
    assert_eq!(page.count("article.page"), 1);
    assert_eq!(page.text("h1"), "Impressum");
    assert_eq!(page.text(".lead"), "Wer wir sind.");
    assert_eq!(page.text(".prose"), "Verantwortlich ist das Team.");
    assert_eq!(page.text("title"), "Impressum – Arten");
    assert_eq!(page.attrs("html", "lang"), ["de"]);
}

#[test]
fn deck_page_shows_the_handout_and_links_to_its_slides() {
    let project = Project::fixture("kinds");
    project.build();
    let page = project.html("site/vortraege/vorstand/index.html");
    assert_eq!(page.text("h1"), "Vortrag für den Vorstand");
    assert_eq!(page.count(".handout-slide"), 3);
    assert!(page.text(".handout").contains("Nur für die Vortragende."));
    let slides: Vec<String> = page
        .attrs("a", "href")
        .into_iter()
        .filter_map(|href| resolve("vortraege/vorstand/index.html", &href))
        .filter(|t| t == "vortraege/vorstand/slides/index.html")
        .collect();
    assert!(!slides.is_empty(), "deck page links to its slides");

    let deck = project.html("site/vortraege/vorstand/slides/index.html");
    assert_eq!(
        deck.count("section.slide"),
        3,
        "three slides, --- in code stays code"
    );
    assert_eq!(
        deck.texts("section.slide h1, section.slide h2")[..3],
        ["Erste Folie", "Zweite Folie", "Dritte Folie"]
    );
    assert!(deck.text("section.slide pre").contains("---"));
    assert_eq!(
        deck.texts("section.slide aside.notes"),
        ["Nur für die Vortragende."]
    );
    assert!(
        !deck
            .text("#slide-2 .slide-content")
            .contains("Nur für die Vortragende"),
        "notes are not on the slide"
    );
    // The handout shows the notes under their slide, and nothing for slides without.
    let handout = project.html("site/vortraege/vorstand/index.html");
    assert_eq!(handout.count(".handout-notes"), 1);
    assert!(
        handout
            .text(".handout-notes")
            .contains("Nur für die Vortragende.")
    );
}

#[test]
fn roadmap_lists_stages_ordered_by_stage_number_after_its_introduction() {
    let project = Project::fixture("kinds");
    project.build();
    let page = project.html("site/fahrplan/index.html");
    assert_eq!(
        page.text("h1"),
        "Unser Weg",
        "content/fahrplan/index.md introduces it"
    );
    assert!(page.text("article").contains("Drei Stufen zum Ziel."));
    // Weights run the other way round: the stage number decides.
    assert_eq!(
        page.texts(".timeline-stage h2"),
        ["Zuhören", "Antworten", "Alle beteiligen"]
    );
    let hrefs = page.attrs(".timeline-stage h2 a", "href");
    assert_eq!(
        target_of(&project, "fahrplan/index.html", &hrefs[0]),
        "fahrplan/zuhoeren/index.html"
    );
    let article = page.inner("article");
    assert!(is_sorted(&positions(
        &article,
        &["Drei Stufen zum Ziel.", "Zuhören"]
    )));
}

#[test]
fn roadmap_path_and_default_title_come_from_config_and_language() {
    let project = Project::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\nlanguage = \"en\"\n[roadmap]\npath = \"plan\"\n",
        ),
        (
            "content/plan/eins.md",
            "---\ntitle: \"One\"\nkind: stage\nstage: 1\n---\nx\n",
        ),
    ]);
    project.build();
    let page = project.html("site/plan/index.html");
    assert_eq!(page.text("h1"), "Roadmap");
    assert_eq!(page.texts(".timeline-stage h2"), ["One"]);
}

// ---------------------------------------------------------------------------------------
// Front matter, URLs and slugs

#[test]
fn yaml_and_toml_front_matter_both_work() {
    let project = project(&[
        (
            "content/yaml.md",
            "---\ntitle: \"Aus YAML\"\ndescription: \"gelb\"\nweight: 1\n---\nText Y\n",
        ),
        (
            "content/toml.md",
            "+++\ntitle = \"Aus TOML\"\ndescription = \"blau\"\nweight = 2\n+++\nText T\n",
        ),
    ]);
    project.build();
    let yaml = project.html("site/yaml/index.html");
    assert_eq!(yaml.text("h1"), "Aus YAML");
    assert_eq!(yaml.text(".lead"), "gelb");
    let toml = project.html("site/toml/index.html");
    assert_eq!(toml.text("h1"), "Aus TOML");
    assert_eq!(toml.text(".lead"), "blau");
    assert_eq!(toml.text(".prose"), "Text T");
}

#[test]
fn urls_are_slugged_file_names_with_slug_override_and_index_as_folder() {
    let project = project(&[
        ("content/überwachung.md", "---\ntitle: \"Ü\"\n---\nx\n"),
        (
            "content/Geschäftsführung & IT/Straße.md",
            "---\ntitle: \"S\"\n---\nx\n",
        ),
        (
            "content/bereich/alt.md",
            "---\ntitle: \"Neu\"\nslug: \"ganz-neu\"\n---\nx\n",
        ),
        (
            "content/bereich/index.md",
            "---\ntitle: \"Bereich\"\n---\nBereichstext\n",
        ),
    ]);
    project.build();
    let site = project.site();
    assert!(site.join("ueberwachung/index.html").is_file());
    assert!(
        site.join("geschaeftsfuehrung-it/strasse/index.html")
            .is_file(),
        "{:?}",
        common::tree(&site).keys().collect::<Vec<_>>()
    );
    assert!(site.join("bereich/ganz-neu/index.html").is_file());
    assert!(!site.join("bereich/alt").exists());
    assert_eq!(
        project.html("site/bereich/index.html").text("h1"),
        "Bereich"
    );
    assert!(!site.join("bereich/index/index.html").exists());
}

#[test]
fn heading_ids_are_slugged_and_unique_on_a_page() {
    let project = project(&[(
        "content/seite.md",
        "---\ntitle: \"Seite\"\n---\n## Beispiel\n\n## Beispiel\n\n### Beispiel\n\n## Geschäftsführung & IT?\n\n## What's new?\n",
    )]);
    project.build();
    let page = project.html("site/seite/index.html");
    assert_eq!(
        page.attrs(".prose h2, .prose h3", "id"),
        [
            "beispiel",
            "beispiel-1",
            "beispiel-2",
            "geschaeftsfuehrung-it",
            "what-s-new"
        ]
    );
}

#[test]
fn markdown_tables_footnotes_strikethrough_and_task_lists_render() {
    let project = project(&[(
        "content/md.md",
        "---\ntitle: \"MD\"\n---\n\
| Kanal | Aufwand |\n|---|---|\n| LinkedIn | gering |\n\n\
Ein Satz mit Fußnote.[^quelle]\n\n\
[^quelle]: Die Quelle.\n\n\
Das ist ~~falsch~~ richtig.\n\n\
- [x] erledigt\n- [ ] offen\n\n\
Er sagte \"Zitat\" und 'so' -- fertig...\n",
    )]);
    project.build();
    let page = project.html("site/md/index.html");
    assert_eq!(page.texts(".prose table th"), ["Kanal", "Aufwand"]);
    assert_eq!(page.texts(".prose table td"), ["LinkedIn", "gering"]);
    assert_eq!(page.texts(".prose del"), ["falsch"]);
    assert_eq!(page.count(".prose input[type=checkbox]"), 2);
    assert_eq!(page.count(".prose input[type=checkbox][checked]"), 1);
    let refs = page.attrs(".prose sup a", "href");
    assert_eq!(refs.len(), 1, "one footnote reference");
    let id = refs[0]
        .strip_prefix('#')
        .expect("footnote link is an anchor");
    let definition = page.text(&format!("[id=\"{id}\"]"));
    assert!(definition.contains("Die Quelle."), "{definition}");
    let text = page.text(".prose");
    assert!(
        text.contains("Er sagte \"Zitat\" und 'so' -- fertig..."),
        "smart punctuation is off: {text}"
    );
}

#[test]
fn links_to_markdown_files_and_root_paths_become_relative_page_links() {
    let project = project(&[
        (
            "content/c/d.md",
            "---\ntitle: \"D\"\n---\n\
[Anker](../a/b.md#anker) [Nachbar](e.md) [Start](../index.md) [Extern](https://example.org/x.md)\n\n\
![Karte](/img/x.svg)\n",
        ),
        ("content/c/e.md", "---\ntitle: \"E\"\n---\nx\n"),
        ("content/a/b.md", "---\ntitle: \"B\"\n---\n## Anker\n\nx\n"),
        (
            "content/index.md",
            "---\ntitle: \"Start\"\n---\n![Karte](/img/x.svg)\n",
        ),
        (
            "static/img/x.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
    ]);
    project.build();
    let page = project.html("site/c/d/index.html");
    assert_eq!(
        page.attrs(".prose a", "href"),
        [
            "../../a/b/index.html#anker",
            "../e/index.html",
            "../../index.html",
            "https://example.org/x.md"
        ]
    );
    assert_eq!(page.attrs(".prose img", "src"), ["../../img/x.svg"]);
    assert_eq!(
        project.html("site/index.html").attrs(".prose img", "src"),
        ["img/x.svg"]
    );
}

#[test]
fn static_files_are_copied_verbatim() {
    let bytes: Vec<u8> = (0..=255u8).collect();
    let project = project(&[("content/index.md", "---\ntitle: \"S\"\n---\nx\n")]);
    common::write(&project.path().join("static/downloads/daten.bin"), &bytes);
    project.write("static/robots.txt", "User-agent: *\n");
    project.build();
    assert_eq!(
        std::fs::read(project.site().join("downloads/daten.bin")).expect("copied"),
        bytes
    );
    assert_eq!(project.read("site/robots.txt"), "User-agent: *\n");
}

#[test]
fn drafts_are_skipped_unless_asked_for() {
    let files = [
        ("content/fertig.md", "---\ntitle: \"Fertig\"\n---\nx\n"),
        (
            "content/entwurf.md",
            "---\ntitle: \"Entwurf\"\ndraft: true\n---\nx\n",
        ),
    ];
    let project = project(&files);
    project.build();
    assert!(project.site().join("fertig/index.html").is_file());
    assert!(!project.site().join("entwurf").exists());
    assert!(!project.read("site/index.html").contains("Entwurf"));

    let run = project.run(&["build", "--drafts"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(project.site().join("entwurf/index.html").is_file());
}

#[test]
fn drafts_setting_in_book_toml_includes_drafts() {
    let project = Project::new(&[
        ("book.toml", &*format!("{BOOK}[build]\ndrafts = true\n")),
        (
            "content/entwurf.md",
            "---\ntitle: \"Entwurf\"\ndraft: true\n---\nx\n",
        ),
    ]);
    project.build();
    assert!(project.site().join("entwurf/index.html").is_file());
}

#[test]
fn listings_sort_by_weight_then_title_unweighted_last() {
    let item = |title: &str, weight: Option<i32>| {
        let weight = weight.map(|w| format!("weight: {w}\n")).unwrap_or_default();
        format!("---\ntitle: \"{title}\"\n{weight}---\nx\n")
    };
    let files = [
        ("content/liste/index.md", item("Liste", None)),
        ("content/liste/a.md", item("Charlie", None)),
        ("content/liste/b.md", item("Beta", Some(2))),
        ("content/liste/c.md", item("Zulu", Some(1))),
        ("content/liste/d.md", item("Alpha", None)),
        ("content/liste/e.md", item("Aaron", Some(2))),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let project = project(&files);
    project.build();
    let page = project.html("site/liste/index.html");
    assert_eq!(
        page.texts(".listing .card-link"),
        ["Zulu", "Aaron", "Beta", "Alpha", "Charlie"]
    );
}

// ---------------------------------------------------------------------------------------
// Taxonomies and audience decks (fixture `taxonomy`)

#[test]
fn taxonomy_index_lists_terms_and_term_pages_group_items_by_kind() {
    let project = Project::fixture("taxonomy");
    project.build();
    let index = project.html("site/abteilungen/index.html");
    assert_eq!(
        index.text("h1"),
        "Alle Abteilungen",
        "introduced by its index.md"
    );
    assert!(
        index
            .text("article")
            .contains("Jede Abteilung gewinnt etwas.")
    );
    let hubs: Vec<String> = index
        .attrs(".hub-link", "href")
        .iter()
        .map(|h| target_of(&project, "abteilungen/index.html", h))
        .collect();
    assert_eq!(
        hubs,
        [
            "abteilungen/personal/index.html",
            "abteilungen/vertrieb/index.html"
        ]
    );

    let term = project.html("site/abteilungen/vertrieb/index.html");
    assert_eq!(term.text("h1"), "Vertrieb");
    assert_eq!(term.texts(".group-argument .card-link"), ["Zu teuer"]);
    assert_eq!(term.texts(".group-case .card-link"), ["Messe"]);
    for href in term.attrs(".card-link", "href") {
        target_of(&project, "abteilungen/vertrieb/index.html", &href);
    }
}

#[test]
fn content_page_at_a_term_url_introduces_it_without_a_duplicate_error() {
    let project = Project::fixture("taxonomy");
    let run = project.build();
    assert!(!run.stderr().contains("duplicate"), "{}", run.stderr());
    let page = project.html("site/abteilungen/personal/index.html");
    assert_eq!(page.text("h1"), "Personalabteilung");
    assert_eq!(page.count("h1"), 1);
    let article = page.inner("article");
    assert!(is_sorted(&positions(
        &article,
        &["Einleitung zum Personal.", "Zu teuer", "Messe"]
    )));
    assert_eq!(page.texts(".group-argument .card-link"), ["Zu teuer"]);
    assert_eq!(page.texts(".group-case .card-link"), ["Messe"]);
    assert!(
        !project
            .site()
            .join("abteilungen/personal/personal")
            .exists()
    );
}

#[test]
fn deck_audience_tags_it_and_the_term_gets_a_generated_audience_deck() {
    let project = Project::fixture("taxonomy");
    project.build();
    let term = project.html("site/zielgruppen/betriebsrat/index.html");
    assert_eq!(
        term.texts(".group-deck .card-link"),
        ["Für den Betriebsrat"],
        "audience tags the deck with the term"
    );
    let deck_page = project.html("site/vortraege/br/index.html");
    let audience: Vec<String> = deck_page
        .attrs(".deck-meta a", "href")
        .iter()
        .map(|h| target_of(&project, "vortraege/br/index.html", h))
        .collect();
    assert_eq!(audience, ["zielgruppen/betriebsrat/index.html"]);

    let slides_link: Vec<String> = term
        .attrs("a", "href")
        .iter()
        .filter_map(|h| resolve("zielgruppen/betriebsrat/index.html", h))
        .filter(|t| t == "zielgruppen/betriebsrat/slides/index.html")
        .collect();
    assert!(!slides_link.is_empty(), "term page links to its deck");

    let deck = project.html("site/zielgruppen/betriebsrat/slides/index.html");
    let slides = deck.texts("section.slide .slide-content");
    // The introduction's two slides, then objection and answer of the one argument on
    // slides of their own, then one slide for the case (a title slide may lead).
    let slide_of = |needle: &str| {
        slides
            .iter()
            .position(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("no slide holds {needle:?}: {slides:#?}"))
    };
    let first = slide_of("Einleitung Betriebsrat");
    assert!(first <= 1, "{slides:#?}");
    assert_eq!(
        [
            slide_of("Zweite Einleitungsfolie"),
            slide_of("Das ist Leistungskontrolle."),
            slide_of("Wir schließen das aus."),
            slide_of("Muster AG")
        ],
        [first + 1, first + 2, first + 3, first + 4],
        "{slides:#?}"
    );
    assert_eq!(slides.len(), first + 5, "{slides:#?}");
}

#[test]
fn deck_audience_falls_back_to_a_departments_term() {
    let project = project(&[
        (
            "content/argumente/a.md",
            "---\ntitle: \"A\"\nkind: argument\nobjection: \"O\"\nstakeholders: [\"IT\"]\ndepartments: [\"Vertrieb\"]\n---\nx\n",
        ),
        (
            "content/vortraege/v.md",
            "---\ntitle: \"Für den Vertrieb\"\nkind: deck\naudience: \"Vertrieb\"\n---\n# Eins\n",
        ),
    ]);
    project.build();
    let term = project.html("site/abteilungen/vertrieb/index.html");
    assert_eq!(term.texts(".group-deck .card-link"), ["Für den Vertrieb"]);
    assert!(!project.site().join("zielgruppen/vertrieb").exists());
}

#[test]
fn departments_terms_get_audience_decks_too() {
    let project = Project::fixture("taxonomy");
    project.build();
    let deck = project.html("site/abteilungen/vertrieb/slides/index.html");
    let text = deck.texts("section.slide").join("\n");
    assert!(text.contains("Das ist zu teuer."), "{text}");
    assert!(text.contains("Messe"), "{text}");
}

#[test]
fn taxonomy_terms_link_from_tagged_pages() {
    let project = Project::fixture("taxonomy");
    project.build();
    let page = project.html("site/argumente/teuer/index.html");
    let terms: BTreeSet<String> = page
        .attrs("a.term", "href")
        .iter()
        .map(|h| target_of(&project, "argumente/teuer/index.html", h))
        .collect();
    assert!(
        terms.contains("abteilungen/vertrieb/index.html"),
        "{terms:?}"
    );
    assert!(
        terms.contains("zielgruppen/geschaeftsfuehrung/index.html"),
        "{terms:?}"
    );
}

#[test]
fn default_taxonomies_have_german_titles_for_german_projects() {
    let project = project(&[(
        "content/a.md",
        "---\ntitle: \"A\"\nstakeholders: [\"IT\"]\ndepartments: [\"Vertrieb\"]\nchannels: [\"LinkedIn\"]\ntags: [\"Neu\"]\n---\nx\n",
    )]);
    project.build();
    for (path, title, term) in [
        ("zielgruppen", "Zielgruppen", "it"),
        ("abteilungen", "Abteilungen", "vertrieb"),
        ("kanaele", "Kanäle", "linkedin"),
        ("schlagworte", "Schlagworte", "neu"),
    ] {
        assert_eq!(
            project.html(&format!("site/{path}/index.html")).text("h1"),
            title
        );
        assert!(
            project
                .site()
                .join(format!("{path}/{term}/index.html"))
                .is_file()
        );
    }
}

#[test]
fn default_taxonomies_have_english_titles_otherwise() {
    let project = Project::new(&[
        ("book.toml", "[book]\ntitle = \"T\"\nlanguage = \"en\"\n"),
        // Every taxonomy in use: one without terms gets no page.
        (
            "content/a.md",
            "---\ntitle: \"A\"\nstakeholders: [IT]\ndepartments: [HR]\nchannels: [Blog]\ntags: [New]\n---\nx\n",
        ),
    ]);
    project.build();
    let titles: BTreeSet<String> = pages(&project)
        .values()
        .filter(|page| page.count("article.taxonomy") == 1)
        .map(|page| page.text("h1"))
        .collect();
    assert_eq!(
        titles,
        ["Channels", "Departments", "Stakeholders", "Tags"]
            .map(String::from)
            .into()
    );
}

#[test]
fn default_taxonomies_have_english_paths_otherwise() {
    let project = Project::new(&[
        ("book.toml", "[book]\ntitle = \"T\"\nlanguage = \"en\"\n"),
        (
            "content/a.md",
            "---\ntitle: \"A\"\nstakeholders: [\"IT\"]\ndepartments: [HR]\nchannels: [Blog]\ntags: [\"New\"]\n---\nx\n",
        ),
    ]);
    project.build();
    for (path, title) in [
        ("stakeholders", "Stakeholders"),
        ("departments", "Departments"),
        ("channels", "Channels"),
        ("tags", "Tags"),
    ] {
        assert_eq!(
            project.html(&format!("site/{path}/index.html")).text("h1"),
            title
        );
    }
    assert!(project.site().join("stakeholders/it/index.html").is_file());
    assert!(!project.site().join("zielgruppen").exists());
    assert_eq!(
        project.html("site/a/index.html").attrs("html", "lang"),
        ["en"]
    );
}

#[test]
fn a_taxonomies_table_replaces_the_defaults() {
    let project = Project::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\nlanguage = \"de\"\n[taxonomies.themen]\npath = \"themen\"\ntitle = \"Themen\"\n",
        ),
        (
            "content/a.md",
            "---\ntitle: \"A\"\nthemen: [\"Recht\"]\n---\nx\n",
        ),
    ]);
    project.build();
    assert_eq!(project.html("site/themen/index.html").text("h1"), "Themen");
    assert!(project.site().join("themen/recht/index.html").is_file());
    assert!(!project.site().join("zielgruppen").exists());
}

#[test]
fn links_inside_expanded_case_slides_are_relative_to_the_deck() {
    let project = project(&[
        (
            "content/praxis/a.md",
            "---\ntitle: \"A\"\nkind: case\nstakeholders: [\"IT\"]\n---\nSiehe [B](b.md#mehr).\n",
        ),
        (
            "content/praxis/b.md",
            "---\ntitle: \"B\"\nkind: case\n---\n## Mehr\n",
        ),
        (
            "content/vortraege/t.md",
            "---\ntitle: \"T\"\nkind: deck\n---\n# Eins\n\n---\n\n{{ case(path=\"praxis/a.md\") }}\n",
        ),
    ]);
    project.build();
    for page in [
        "praxis/a/index.html",
        "vortraege/t/index.html",
        "vortraege/t/slides/index.html",
        "zielgruppen/it/slides/index.html",
    ] {
        let html = project.html(&format!("site/{page}"));
        let targets: Vec<String> = html
            .attrs("a", "href")
            .iter()
            .filter(|h| h.contains("#mehr"))
            .map(|h| target_of(&project, page, h))
            .collect();
        assert_eq!(targets, ["praxis/b/index.html"], "on {page}");
    }
}

// ---------------------------------------------------------------------------------------
// Site-wide files

#[test]
fn sitemap_lists_pages_generated_pages_and_decks_only_with_base_url() {
    let files = |book: &'static str| {
        vec![
            ("book.toml", book),
            (
                "content/argumente/a.md",
                "---\ntitle: \"A\"\nkind: argument\nobjection: \"O\"\nstakeholders: [\"IT\"]\n---\nx\n",
            ),
            (
                "content/vortraege/t.md",
                "---\ntitle: \"T\"\nkind: deck\n---\n# Eins\n",
            ),
        ]
    };
    let without = Project::new(&files(BOOK));
    without.build();
    assert!(!without.site().join("sitemap.xml").exists());

    let with = Project::new(&files(
        "[book]\ntitle = \"T\"\nlanguage = \"de\"\n[output.html]\nbase-url = \"https://example.org/kurs\"\n",
    ));
    with.build();
    let sitemap = with.read("site/sitemap.xml");
    for loc in [
        "https://example.org/kurs/",
        "https://example.org/kurs/argumente/a/",
        "https://example.org/kurs/zielgruppen/",
        "https://example.org/kurs/zielgruppen/it/",
        "https://example.org/kurs/zielgruppen/it/slides/",
        "https://example.org/kurs/vortraege/t/",
        "https://example.org/kurs/vortraege/t/slides/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{loc}</loc>")),
            "{loc} missing:\n{sitemap}"
        );
    }
    assert!(!sitemap.contains("index.html"), "{sitemap}");
    assert!(!sitemap.contains("//argumente"), "{sitemap}");
}

#[test]
fn not_found_page_and_print_view_exist() {
    let project = Project::fixture("kinds");
    project.build();
    let not_found = project.html("site/404.html");
    assert_eq!(not_found.attrs("html", "lang"), ["de"]);
    assert!(!not_found.text("h1").is_empty());
    let print = project.read("site/print.html");
    for title in [
        "Angst vor Kontrolle",
        "Messeauftritt",
        "Impressum",
        "Zuhören",
    ] {
        assert!(print.contains(title), "print view lacks {title}");
    }
    assert!(print.contains("Gesprochen wird ohnehin"));
    let print = project.html("site/print.html");
    // Each kind brings what heads it: the objection, the chart, the goals.
    assert_eq!(
        print.texts(".print-item.kind-argument blockquote.objection"),
        ["Dann schreibt jeder, was er will."]
    );
    assert_eq!(print.count(".print-item.kind-case figure.chart svg"), 1);
    let goals = print.texts(".print-item.kind-stage ul.goals li");
    for goal in ["Monitoring einrichten", "Antworten", "Service"] {
        assert!(goals.contains(&goal.to_string()), "{goals:?}");
    }
    // Links of the pages are made relative to the print page at the root.
    let links = print.attrs(".print-item.kind-page .prose a", "href");
    assert!(
        links.contains(&"fahrplan/zuhoeren/index.html#ziele-der-stufe".to_string()),
        "{links:?}"
    );
}

#[test]
fn a_project_template_overrides_one_template_and_the_rest_stay_embedded() {
    let project = project(&[
        (
            "themes/default/templates/page.html",
            "<!DOCTYPE html><html><body><p id=\"override\">Eigen: {{ page.title }}</p></body></html>",
        ),
        ("content/seite.md", "---\ntitle: \"Seite\"\n---\nx\n"),
        (
            "content/argumente/a.md",
            "---\ntitle: \"A\"\nkind: argument\nobjection: \"O\"\nstakeholders: [\"IT\"]\n---\nx\n",
        ),
    ]);
    project.build();
    assert_eq!(
        project.html("site/seite/index.html").text("#override"),
        "Eigen: Seite"
    );
    let argument = project.html("site/argumente/a/index.html");
    assert_eq!(argument.text("section.objection blockquote"), "O");
    assert_eq!(argument.count("#override"), 0);
    assert!(project.site().join("assets/site.css").is_file());
}

#[test]
fn init_then_build_works_in_any_folder() {
    let outside = Project::new(&[]);
    let target = outside.path().join("neu");
    let target = target.to_str().expect("utf-8 temp path");
    let run = outside.run(&["init", target]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let run = outside.run(&["-C", target, "build"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let site = outside.path().join("neu/site");
    assert!(site.join("index.html").is_file());
    assert!(
        site.join("assets/site.css").is_file(),
        "theme comes from the binary"
    );
}

// ---------------------------------------------------------------------------------------
// Determinism and links in the bundled site

/// The repository's own site, built twice in one folder and once in another.
#[test]
fn same_input_gives_the_same_bytes() {
    let first = Project::bundled();
    let second = Project::bundled();
    first.build();
    let before = common::tree(&first.site());
    first.build();
    assert!(before == common::tree(&first.site()), "rebuild differs");
    second.build();
    let other = common::tree(&second.site());
    let differing: Vec<&String> = before
        .iter()
        .filter(|(path, bytes)| other.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        differing.is_empty(),
        "differ between folders: {differing:?}"
    );
    assert_eq!(before.len(), other.len());
}

/// Every HTML page of a built site, parsed, by site-relative path.
fn pages(project: &Project) -> BTreeMap<String, Page> {
    common::tree(&project.site())
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .map(|p| {
            let page = project.html(&format!("site/{p}"));
            (p, page)
        })
        .collect()
}

/// Every `href` and `src` of a page.
fn references(page: &Page) -> Vec<String> {
    let mut refs = page.attrs("[href]", "href");
    refs.extend(page.attrs("[src]", "src"));
    refs
}

/// Every internal `href`/`src` of the built site that does not resolve to a file, or
/// whose `#anchor` names no id in its target; and how many references were checked.
fn broken_references(project: &Project) -> (usize, Vec<String>) {
    let pages = pages(project);
    let ids: BTreeMap<&String, BTreeSet<String>> = pages
        .iter()
        .map(|(path, page)| (path, page.attrs("[id]", "id").into_iter().collect()))
        .collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, page) in &pages {
        // 404.html is served at any depth; its links are the server's business.
        if path == "404.html" {
            continue;
        }
        for reference in references(page) {
            if is_external(&reference) {
                continue;
            }
            checked += 1;
            let Some(target) = resolve(path, &reference) else {
                broken.push(format!("{path}: {reference} leaves the site"));
                continue;
            };
            if !project.site().join(&target).is_file() {
                broken.push(format!("{path}: {reference} -> missing {target}"));
                continue;
            }
            let Some((_, anchor)) = reference.split_once('#') else {
                continue;
            };
            if anchor.is_empty() || !target.ends_with(".html") {
                continue;
            }
            // Deck slides are addressed by number in the hash (`#3`), handled by deck.js.
            if target.ends_with("slides/index.html") && anchor.parse::<u32>().is_ok() {
                continue;
            }
            if !ids.get(&target).is_some_and(|set| set.contains(anchor)) {
                broken.push(format!(
                    "{path}: {reference} -> no id '{anchor}' in {target}"
                ));
            }
        }
    }
    (checked, broken)
}

#[test]
fn fixture_site_links_resolve_to_files_and_anchors_to_ids() {
    for fixture in ["kinds", "taxonomy"] {
        let project = Project::fixture(fixture);
        project.build();
        let (checked, broken) = broken_references(&project);
        assert!(
            checked > 100,
            "{fixture}: only {checked} references checked"
        );
        assert!(
            broken.is_empty(),
            "{fixture}: {} broken:\n{}",
            broken.len(),
            broken.join("\n")
        );
    }
}

#[test]
fn bundled_site_links_resolve_to_files_and_anchors_to_ids() {
    let project = Project::bundled();
    project.build();
    let (checked, broken) = broken_references(&project);
    assert!(checked > 1000, "only {checked} references checked");
    assert!(
        broken.is_empty(),
        "{} broken:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn bundled_site_has_no_absolute_links() {
    let project = Project::bundled();
    project.build();
    let mut absolute = Vec::new();
    for (path, page) in pages(&project) {
        for reference in references(&page) {
            if reference.starts_with('/') || reference.starts_with("file:") {
                absolute.push(format!("{path}: {reference}"));
            }
        }
    }
    assert!(
        absolute.is_empty(),
        "absolute links:\n{}",
        absolute.join("\n")
    );
    for (path, bytes) in common::tree(&project.site()) {
        if path.ends_with(".html") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("href=\"/"), "{path} has href=\"/");
            assert!(!text.contains("src=\"/"), "{path} has src=\"/");
        }
    }
}
