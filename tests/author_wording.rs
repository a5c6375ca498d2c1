//! Wording from the strings files: counts in singular and plural ("1 Vortrag",
//! "2 Vorträge"), department pages worded for departments, a single term's label in the
//! singular.

mod common;

use common::Project;

fn project(language: &str) -> Project {
    Project::new(&[
        (
            "book.toml",
            &format!("[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n"),
        ),
        ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
        (
            "content/vortraege/a.md",
            "---\ntitle: A\nkind: deck\naudience: Betriebsrat\ndepartments: [Personal]\n---\n# A\n",
        ),
        (
            "content/vortraege/b.md",
            "---\ntitle: B\nkind: deck\naudience: Betriebsrat\n---\n# B\n",
        ),
        (
            "content/argumente/x.md",
            "---\ntitle: X\nkind: argument\nobjection: O\nstakeholders: [Betriebsrat, IT]\ndepartments: [Personal, Vertrieb]\n---\nT\n",
        ),
    ])
}

#[test]
fn counts_use_singular_and_plural() {
    let project = project("de");
    project.build();
    let hub = project.html("site/zielgruppen/index.html");
    let counts = hub.texts(".count-deck");
    // Betriebsrat: two talks; IT: none.
    assert_eq!(counts, ["2 Vorträge", "0 Vorträge"], "{counts:?}");
    assert_eq!(hub.texts(".count-argument"), ["1 Einwand", "1 Einwand"]);
    let department = project.html("site/abteilungen/personal/index.html");
    assert_eq!(department.text(".count-deck"), "1 Vortrag");
    let english = self::project("en");
    english.build();
    let hub = english.html("site/stakeholders/index.html");
    assert_eq!(hub.texts(".count-deck"), ["2 talks", "0 talks"]);
    assert_eq!(hub.texts(".count-case")[0], "0 cases");
    let department = english.html("site/departments/personal/index.html");
    assert_eq!(department.text(".count-deck"), "1 talk");
}

#[test]
fn department_pages_speak_of_departments() {
    let project = project("de");
    project.build();
    let department = project.html("site/abteilungen/personal/index.html");
    assert_eq!(department.text("a.button"), "▶ Vortrag für diese Abteilung");
    let stakeholder = project.html("site/zielgruppen/betriebsrat/index.html");
    assert_eq!(
        stakeholder.text("a.button"),
        "▶ Vortrag für diese Zielgruppe"
    );
    let hub = project.html("site/abteilungen/index.html");
    assert!(
        hub.texts(".hub-slides")
            .iter()
            .all(|t| t == "▶ Vortrag für diese Abteilung"),
        "{:?}",
        hub.texts(".hub-slides")
    );
}

#[test]
fn a_single_term_is_labelled_in_the_singular() {
    let project = project("de");
    project.build();
    let deck = project.html("site/vortraege/a/index.html");
    // One department, several stakeholders... the deck has only departments listed.
    assert_eq!(deck.texts(".terms dt"), ["Abteilung"]);
    let argument = project.html("site/argumente/x/index.html");
    assert_eq!(argument.texts(".terms dt"), ["Zielgruppen", "Abteilungen"]);
}

#[test]
fn the_build_summary_counts_one_deck() {
    let project = Project::new(&[
        ("book.toml", "[book]\ntitle = \"T\"\nlanguage = \"en\"\n"),
        ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
        ("content/talk.md", "---\ntitle: A\nkind: deck\n---\n# A\n"),
    ]);
    let run = project.build();
    assert!(
        run.stderr().contains(" and 1 deck into site "),
        "{}",
        run.stderr()
    );
}
