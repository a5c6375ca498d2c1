//! Stable anchors for the parts an argument page generates — objection, answer and
//! evidence — in the site's language, listed in the page's table of contents and usable
//! in links from other pages (as the README's own example does).

mod common;

use common::Project;

fn project(language: &str, link: &str) -> Project {
    Project::new(&[
        (
            "book.toml",
            &format!("[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n"),
        ),
        (
            "content/index.md",
            &format!("---\ntitle: Start\n---\nMehr dazu: {link}\n"),
        ),
        (
            "content/argumente/datenschutz.md",
            "---\ntitle: Datenschutz\nkind: argument\nobjection: \"Heikel.\"\nstakeholders: [Datenschutz]\nevidence: [praxis/messe.md]\n---\nWir klären das vorab.\n\n## Antwort\n\nEine Überschrift, die so heißt wie der Teil.\n\n### Im Detail\n\nText.\n",
        ),
        (
            "content/praxis/messe.md",
            "---\ntitle: Messe\nkind: case\n---\nText.\n",
        ),
    ])
}

#[test]
fn the_readme_example_link_to_an_answer_works() {
    // The README's example, from a page in another folder.
    let project = self::project("de", "");
    project.write(
        "content/leitfaden/start.md",
        "---\ntitle: Leitfaden\n---\nSiehe [Datenschutz](../argumente/datenschutz.md#antwort).\n",
    );
    project.build();
    let page = project.html("site/leitfaden/start/index.html");
    assert_eq!(
        page.attrs("main a[href*='datenschutz']", "href"),
        ["../../argumente/datenschutz/index.html#antwort"]
    );
    let argument = project.html("site/argumente/datenschutz/index.html");
    assert_eq!(argument.count("section#antwort"), 1);
}

#[test]
fn german_argument_parts_have_stable_ids_listed_in_the_toc() {
    let project = self::project(
        "de",
        "[Einwand](argumente/datenschutz.md#einwand), [Belege](argumente/datenschutz.md#belege)",
    );
    project.build();
    let page = project.html("site/argumente/datenschutz/index.html");
    assert_eq!(page.count("section#einwand"), 1);
    assert_eq!(page.count("section#antwort"), 1);
    assert_eq!(page.count("section#belege"), 1);
    // A heading the author called "Antwort" does not take the answer's id.
    assert_eq!(page.attrs("main .prose h2", "id"), ["antwort-1"]);
    assert_eq!(
        page.attrs(".toc a", "href"),
        [
            "#einwand",
            "#antwort",
            "#antwort-1",
            "#im-detail",
            "#belege"
        ]
    );
    assert_eq!(
        page.texts(".toc a")[..2],
        ["Der Einwand".to_string(), "Die Antwort".to_string()]
    );
    assert_eq!(page.attrs(".toc li", "class")[2], "toc-h3");
}

#[test]
fn english_argument_parts_have_english_ids() {
    let project = self::project(
        "en",
        "[answer](argumente/datenschutz.md#answer) and [evidence](argumente/datenschutz.md#evidence)",
    );
    project.build();
    let page = project.html("site/argumente/datenschutz/index.html");
    assert_eq!(
        page.attrs(".toc a", "href"),
        [
            "#objection",
            "#answer",
            "#antwort",
            "#im-detail",
            "#evidence"
        ]
    );
    let german = project.run_en(&["check"]);
    assert_eq!(german.code(), 0, "{}", german.stderr());
}

#[test]
fn a_wrong_part_anchor_is_a_broken_anchor_that_suggests_the_right_one() {
    let project = self::project("de", "[Antwort](argumente/datenschutz.md#antwrt)");
    let run = project.run(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .contains("error: content/index.md:4:12: defekter Anker '#antwrt'"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("'#antwort'"), "{}", run.stderr());
    // Without evidence there is no evidence part to link to.
    let no_evidence = self::project("en", "[x](argumente/datenschutz.md#evidence)");
    no_evidence.write(
        "content/argumente/datenschutz.md",
        "---\ntitle: D\nkind: argument\nobjection: \"O\"\nstakeholders: [IT]\n---\nText\n",
    );
    let run = no_evidence.run_en(&["check"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr().contains("broken anchor '#evidence'"),
        "{}",
        run.stderr()
    );
}

#[test]
fn broken_links_are_reported_at_their_line_and_column_counted_in_letters() {
    let project = Project::new(&[
        ("book.toml", common::BOOK),
        (
            "content/index.md",
            "---\ntitle: Start\n---\nÄrger über [eins](fehlt-eins.md), dann:\n\nZweite Zeile.\nÜbel, [zwei](fehlt-zwei.md#x) und [drei](../../ausserhalb.png)\n",
        ),
    ]);
    let run = project.run_en(&["build"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let stderr = run.stderr();
    for place in [
        "content/index.md:4:12:",
        "content/index.md:7:7:",
        "content/index.md:7:35:",
    ] {
        assert!(stderr.contains(place), "no error at {place}:\n{stderr}");
    }
}
