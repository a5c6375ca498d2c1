//! The training site's parts a reader sees: sidebar, breadcrumbs, previous/next,
//! shortcodes, highlighting, hubs with counts, search index, UI language, audit.

mod common;

use common::{BOOK, Project};

fn section_project() -> Project {
    Project::new(&[
        ("book.toml", BOOK),
        (
            "content/index.md",
            "---\ntitle: Start\n---\n\nWillkommen.\n",
        ),
        (
            "content/argumente/index.md",
            "---\ntitle: Argumente\nweight: 1\n---\n\nAlle Einwände.\n",
        ),
        (
            "content/argumente/a.md",
            "---\ntitle: Erster Einwand\nkind: argument\nobjection: Zu teuer.\nstakeholders: [Geschäftsführung]\nweight: 1\n---\n\nAntwort.\n",
        ),
        (
            "content/argumente/b.md",
            "---\ntitle: Zweiter Einwand\nkind: argument\nobjection: Zu langsam.\nstakeholders: [IT]\nweight: 2\n---\n\nAntwort.\n",
        ),
        (
            "content/leitfaden/index.md",
            "---\ntitle: Leitfaden\nweight: 2\n---\n\nRegeln.\n",
        ),
        (
            "content/leitfaden/regeln.md",
            "---\ntitle: Regeln\n---\n\nText.\n",
        ),
    ])
}

#[test]
fn sidebar_marks_the_current_page_and_opens_only_its_section() {
    let project = section_project();
    project.build();
    let page = project.html("site/argumente/b/index.html");
    assert_eq!(
        page.texts("#sidebar [aria-current=page]"),
        ["Zweiter Einwand"]
    );
    assert_eq!(page.texts("#sidebar a.open-section"), ["Argumente"]);
    assert_eq!(
        page.texts("#sidebar a.open-section + ul a"),
        ["Erster Einwand", "Zweiter Einwand"]
    );
    // The closed section is a plain link: no children of it on this page.
    assert!(page.texts("#sidebar a").contains(&"Leitfaden".to_string()));
    assert!(!page.texts("#sidebar a").contains(&"Regeln".to_string()));
}

#[test]
fn a_long_section_lists_its_first_sixty_entries_and_marks_the_current_one() {
    let mut files = vec![
        ("book.toml".to_string(), BOOK.to_string()),
        ("content/index.md".into(), "---\ntitle: Start\n---\n".into()),
        (
            "content/wissen/index.md".into(),
            "---\ntitle: Wissen\n---\n".into(),
        ),
        (
            "content/leitfaden/index.md".into(),
            "---\ntitle: Leitfaden\n---\n".into(),
        ),
    ];
    for i in 1..=70 {
        // The last one is a section of its own, one level deeper.
        let path = match i {
            70 => "content/wissen/s70/index.md".to_string(),
            _ => format!("content/wissen/s{i:02}.md"),
        };
        files.push((
            path,
            format!("---\ntitle: Seite {i:02}\nweight: {i}\n---\n\nText.\n"),
        ));
    }
    files.push((
        "content/wissen/s70/tief.md".into(),
        "---\ntitle: Tief\n---\n\nText.\n".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let project = Project::new(&refs);
    project.build();
    let listed = |page: &str| project.html(page).texts("#sidebar a.open-section + ul a");
    let current = |page: &str| project.html(page).texts("#sidebar [aria-current=page]");

    let first = listed("site/wissen/s01/index.html");
    assert_eq!(first.len(), 60);
    assert_eq!(first[59], "Seite 60");
    assert_eq!(current("site/wissen/s01/index.html"), ["Seite 01"]);
    assert_eq!(current("site/wissen/s02/index.html"), ["Seite 02"]);
    assert_eq!(current("site/wissen/s60/index.html"), ["Seite 60"]);
    // Beyond the listed entries the section stays open, nothing is marked, and a link
    // leads to the whole section.
    assert_eq!(listed("site/wissen/s61/index.html"), first);
    assert!(current("site/wissen/s61/index.html").is_empty());
    assert!(current("site/wissen/s70/index.html").is_empty());
    assert_eq!(
        project
            .html("site/wissen/s70/index.html")
            .attrs("#sidebar .nav-more a", "href"),
        ["../../wissen/index.html"]
    );
    // The section page itself is marked in the same section's sidebar.
    assert_eq!(current("site/wissen/index.html"), ["Wissen"]);
    assert_eq!(current("site/index.html"), ["Start"]);
    assert!(current("site/404.html").is_empty());
    // Pages at another depth get links of their own depth.
    let top = |page: &str| project.html(page).attrs("#sidebar > ul > li > a", "href");
    assert!(top("site/index.html").contains(&"leitfaden/index.html".to_string()));
    assert!(top("site/wissen/s70/index.html").contains(&"../../leitfaden/index.html".to_string()));
    assert!(top("site/wissen/s01/index.html").contains(&"../../leitfaden/index.html".to_string()));
    assert!(
        top("site/wissen/s70/tief/index.html")
            .contains(&"../../../leitfaden/index.html".to_string())
    );
    assert_eq!(listed("site/wissen/s70/tief/index.html").len(), 60);
}

#[test]
fn a_theme_can_replace_the_sidebar() {
    let project = section_project();
    project.write(
        "themes/default/templates/nav.html",
        "<ol class=\"mine\">{% for item in nav %}<li>{{ root }}{{ item.url }}{% if item.current %}*{% endif %}</li>{% endfor %}</ol>",
    );
    project.build();
    let page = project.html("site/argumente/b/index.html");
    assert_eq!(
        page.texts("#sidebar ol.mine li")[..3],
        ["../../", "../../argumente/", "../../leitfaden/"]
    );
    let home = project.html("site/index.html");
    assert_eq!(
        home.texts("#sidebar ol.mine li")[..3],
        ["*", "argumente/", "leitfaden/"]
    );
}

#[test]
fn breadcrumbs_and_previous_next_follow_the_reading_order() {
    let project = section_project();
    project.build();
    let page = project.html("site/argumente/a/index.html");
    assert_eq!(
        page.texts(".breadcrumbs li"),
        ["Start", "Argumente", "Erster Einwand"]
    );
    assert_eq!(
        page.attrs(".breadcrumbs a", "href"),
        ["../../index.html", "../../argumente/index.html"]
    );
    assert_eq!(
        page.attrs(".pager a.prev", "href"),
        ["../../argumente/index.html"]
    );
    assert_eq!(
        page.attrs(".pager a.next", "href"),
        ["../../argumente/b/index.html"]
    );
    let last = project.html("site/argumente/b/index.html");
    assert_eq!(
        last.attrs(".pager a.next", "href"),
        ["../../leitfaden/index.html"]
    );
}

#[test]
fn section_pages_list_their_children_as_cards() {
    let project = section_project();
    project.build();
    let page = project.html("site/argumente/index.html");
    assert_eq!(
        page.texts(".listing .card-link"),
        ["Erster Einwand", "Zweiter Einwand"]
    );
    assert_eq!(
        page.texts(".listing .card-objection"),
        ["„Zu teuer.“", "„Zu langsam.“"]
    );
}

#[test]
fn hubs_count_objections_cases_and_talks_per_term() {
    let project = section_project();
    project.build();
    let hubs = project.html("site/zielgruppen/index.html");
    assert_eq!(hubs.texts(".hub .hub-link"), ["Geschäftsführung", "IT"]);
    assert_eq!(hubs.texts(".hub .count-argument strong"), ["1", "1"]);
    assert_eq!(
        hubs.attrs(".hub .hub-slides", "href")[0],
        "../zielgruppen/geschaeftsfuehrung/slides/index.html"
    );
}

#[test]
fn shortcodes_render_their_templates_and_stay_literal_in_code() {
    let project = Project::new(&[
        ("book.toml", BOOK),
        (
            "content/index.md",
            "---\ntitle: Start\n---\n\n{% callout(kind=\"warning\", title=\"Vorsicht\") %}\nNicht **vergessen**.\n{% end %}\n\n\
             {{ video(provider=\"vimeo\", id=\"12345\", title=\"Film\") }}\n\n\
             {% checklist(title=\"Erste Schritte\") %}\n- eins\n- zwei\n{% end %}\n\n\
             {% quiz(question=\"Wer?\", options=[\"A\", \"B\", \"C\"], answer=3) %}Weil C.{% end %}\n\n\
             `{{ video(id=\"x\") }}`\n",
        ),
    ]);
    project.build();
    let page = project.html("site/index.html");
    assert_eq!(
        page.text("aside.callout-warning .callout-title"),
        "Vorsicht"
    );
    assert_eq!(
        page.inner("aside.callout-warning p:not(.callout-title)"),
        "Nicht <strong>vergessen</strong>."
    );
    assert_eq!(
        page.count("iframe"),
        0,
        "nothing loads from the video host before a click"
    );
    assert_eq!(
        page.attrs("figure.video-embed", "data-embed"),
        ["https://player.vimeo.com/video/12345?autoplay=1&dnt=1"]
    );
    assert!(
        page.text("figure.video-embed .video-privacy")
            .contains("Vimeo")
    );
    assert_eq!(page.texts("section.checklist li"), ["eins", "zwei"]);
    assert_eq!(page.attrs("form.quiz", "data-answer"), ["3"]);
    assert_eq!(page.texts("form.quiz .quiz-option"), ["A", "B", "C"]);
    assert_eq!(page.text("form.quiz .quiz-explanation"), "Weil C.");
    assert_eq!(page.texts("p code"), ["{{ video(id=\"x\") }}"]);
}

#[test]
fn code_is_highlighted_with_classes_and_both_themes_ship() {
    let project = Project::new(&[
        ("book.toml", BOOK),
        (
            "content/index.md",
            "---\ntitle: Start\n---\n\n```rust\nfn main() { let x = 1; }\n```\n\n```unbekannt\n<b>\n```\n",
        ),
    ]);
    project.build();
    let page = project.html("site/index.html");
    assert!(page.count("pre.code code.language-rust span[class^=hl-]") > 0);
    assert_eq!(page.text("pre.code code.language-unbekannt"), "<b>");
    let css = project.read("site/assets/highlight.css");
    assert!(css.contains(".hl-") && css.contains("html[data-theme=\"dark\"] .hl-"));
}

#[test]
fn ui_strings_follow_the_book_language() {
    let english = Project::new(&[
        ("book.toml", "[book]\ntitle = \"Book\"\nlanguage = \"en\"\n"),
        ("content/index.md", "---\ntitle: Home\n---\n\nHi.\n"),
        (
            "content/a.md",
            "---\ntitle: A\nkind: argument\nobjection: No.\nstakeholders: [IT]\n---\n\nYes.\n",
        ),
    ]);
    english.build();
    let page = english.html("site/a/index.html");
    assert_eq!(page.attrs("html", "lang"), ["en"]);
    assert_eq!(page.text("#objection-heading"), "The objection");
    assert_eq!(english.html("site/404.html").text("h1"), "Page not found");
    let german = section_project();
    german.build();
    let page = german.html("site/argumente/a/index.html");
    assert_eq!(page.text("#objection-heading"), "Der Einwand");
    assert_eq!(
        page.attrs("#search-input", "placeholder"),
        ["Suchen … ( / )"]
    );
}

#[test]
fn search_index_is_a_script_with_every_page() {
    let project = section_project();
    project.build();
    let index = project.read("site/assets/search-index.js");
    assert!(index.starts_with("window.BUYIN_SEARCH="));
    // A small site's documents fit in one shard, which hands itself over by name.
    let docs = project.read("site/assets/search/d0.js");
    assert!(docs.starts_with("window.BUYIN_SEARCH_SHARD(\"d0\","));
    for url in ["argumente/a/", "argumente/b/", "leitfaden/regeln/"] {
        assert!(docs.contains(url), "{url} missing from the search index");
    }
    let page = project.html("site/argumente/a/index.html");
    assert_eq!(page.attrs("meta[name=buyin-root]", "content"), ["../../"]);
}

#[test]
fn check_lists_every_kind_of_external_resource() {
    let project = Project::new(&[
        ("book.toml", BOOK),
        (
            "content/index.md",
            "---\ntitle: Start\n---\n\n![Bild](https://cdn.example.org/bild.png)\n\n<img srcset=\"https://cdn.example.org/b2.png 2x\">\n",
        ),
        (
            "themes/default/static/extra.css",
            "@import url(\"https://fonts.example.org/f.css\");\nbody { background: url(https://img.example.org/bg.png); }\n",
        ),
    ]);
    let run = project.run(&["check"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let stderr = run.stderr();
    for expected in [
        "externe Ressource 'https://cdn.example.org/bild.png' (src)",
        "externe Ressource 'https://cdn.example.org/b2.png' (srcset)",
        "externe Ressource 'https://fonts.example.org/f.css' (@import)",
        "externe Ressource 'https://img.example.org/bg.png' (url())",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected} in:\n{stderr}"
        );
    }
    let english = project.run_en(&["check"]).stderr();
    assert!(
        english.contains("warning: site/index.html:")
            && english.contains(": external resource 'https://cdn.example.org/bild.png' (src)"),
        "{english}"
    );
    assert!(
        english.contains("  hint: copy the file into static/"),
        "{english}"
    );
}

#[test]
fn brand_colours_and_logo_reach_every_page() {
    let project = Project::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\nlanguage = \"de\"\n[brand]\nname = \"Amt\"\nlogo = \"static/logo.svg\"\nprimary = \"#123456\"\naccent = \"#abcdef\"\n",
        ),
        (
            "static/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
        ("content/index.md", "---\ntitle: Start\n---\n\nText.\n"),
        ("content/x/y.md", "---\ntitle: Tief\n---\n\nText.\n"),
    ]);
    project.build();
    let page = project.html("site/x/y/index.html");
    assert_eq!(page.attrs("img.brand-logo", "src"), ["../../logo.svg"]);
    let html = project.read("site/x/y/index.html");
    assert!(html.contains("--brand-primary: #123456") && html.contains("--brand-accent: #abcdef"));
    assert!(project.site().join("logo.svg").is_file());
}
