//! The accessibility statement (Erklärung zur Barrierefreiheit): `buyin init` writes one
//! filled from book.toml, every page's footer links it, and an English project gets it
//! in English.

mod common;

use common::Project;

/// Every page of a built site a reader browses, relative to the site: not the slides,
/// the print view or the 404 page (which have no footer).
fn pages(site: &std::path::Path) -> Vec<String> {
    common::tree(site)
        .into_keys()
        .filter(|p| {
            p.ends_with(".html")
                && !p.ends_with("404.html")
                && !p.starts_with("print")
                && !p.contains("slides/")
        })
        .collect()
}

#[test]
fn init_gives_a_statement_with_every_part_linked_from_every_footer() {
    let project = Project::new(&[]);
    let run = project.run(&["init"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let book = project
        .read("book.toml")
        .replace("barrierefreiheit@example.org", "barrierefrei@stadt.example");
    project.write("book.toml", &book);
    project.build();

    let statement = project.html("site/barrierefreiheit/index.html");
    assert_eq!(statement.text("main h1"), "Erklärung zur Barrierefreiheit");
    let text = statement.text("main");
    for part in [
        "Stand der Vereinbarkeit",
        "teilweise mit der BITV 2.0 vereinbar",
        "Nicht barrierefreie Inhalte",
        "Eingebettete Videos externer Anbieter",
        "Feedback und Kontaktangaben",
        "barrierefrei@stadt.example",
        "Durchsetzungsverfahren",
    ] {
        assert!(text.contains(part), "the statement lacks '{part}': {text}");
    }
    let site = project.site();
    let all = pages(&site);
    assert!(all.len() > 5, "{all:?}");
    for page in &all {
        let html = project.html(&format!("site/{page}"));
        let links = html.attrs("footer .footer-links a", "href");
        let depth = page.matches('/').count();
        assert_eq!(
            links,
            [format!(
                "{}barrierefreiheit/index.html",
                "../".repeat(depth)
            )],
            "{page}"
        );
    }
}

#[test]
fn an_english_project_gets_its_statement_in_english() {
    let project = Project::fixture("judges/en");
    project.build();
    let statement = project.html("site/accessibility/index.html");
    let text = statement.text("main");
    for part in ["Enforcement procedure", "https://example.org/contact"] {
        assert!(text.contains(part), "the statement lacks '{part}': {text}");
    }
    assert_eq!(
        project
            .html("site/index.html")
            .attrs("footer .footer-links a", "href"),
        ["accessibility/index.html"]
    );
}
