//! Two-layer arguments: an argument's `summary` is what its answer slide shows, what its
//! cards show and what opens its page ("Kurz gesagt"); a deck that shows an argument
//! without one makes `check` warn, and its answer slide shows the answer's opening.

mod common;

use common::{BOOK, Project};

const WITH: &str = "---\ntitle: Kontrolle\nkind: argument\nstakeholders: [Geschäftsführung]\nobjection: Wir verlieren die Kontrolle.\nsummary:\n  - Über uns wird **schon** gesprochen.\n  - Zuhören schafft Kontrolle.\n---\nDieser Einwand lässt sich in beide Richtungen beantworten.\n\n## Was Sie sagen können\n\nDer lange Teil der Antwort.\n";

const WITHOUT: &str = "---\ntitle: Aufwand\nkind: argument\nstakeholders: [Geschäftsführung]\nobjection: Dafür haben wir keine Zeit.\n---\nDrei Stunden pro Woche reichen für den Anfang.\n\n## Belege\n\nNur in den Notizen.\n";

const DECK: &str = "---\ntitle: Vortrag\nkind: deck\n---\n# Vortrag\n\n---\n\n{{ argument(path=\"argumente/kontrolle.md\") }}\n\n---\n\n{{ argument(path=\"argumente/aufwand.md\") }}\n";

fn project() -> Project {
    Project::new(&[
        ("book.toml", BOOK),
        ("content/index.md", "---\ntitle: Start\n---\nText.\n"),
        ("content/argumente/kontrolle.md", WITH),
        ("content/argumente/aufwand.md", WITHOUT),
        ("content/vortraege/vortrag.md", DECK),
    ])
}

#[test]
fn the_answer_slide_shows_the_summary_and_the_page_opens_with_it() {
    let project = project();
    project.build();
    let slides = project.html("site/vortraege/vortrag/slides/index.html");
    let answers = slides.texts("section.slide.answer .slide-content");
    assert_eq!(answers.len(), 2, "{answers:?}");
    // With a summary: its points, inline Markdown rendered, not the teaser.
    assert!(
        answers[0].contains("Über uns wird schon gesprochen."),
        "{}",
        answers[0]
    );
    assert!(
        answers[0].contains("Zuhören schafft Kontrolle."),
        "{}",
        answers[0]
    );
    assert!(
        !answers[0].contains("in beide Richtungen"),
        "{}",
        answers[0]
    );
    assert_eq!(
        slides.count("section.slide.answer .slide-content strong"),
        1
    );
    // Without one: the answer up to its first heading.
    assert!(
        answers[1].contains("Drei Stunden pro Woche"),
        "{}",
        answers[1]
    );
    assert!(!answers[1].contains("Nur in den Notizen"), "{}", answers[1]);

    let page = project.html("site/argumente/kontrolle/index.html");
    assert_eq!(page.text("section.in-short h2"), "Kurz gesagt");
    assert!(
        page.text("section.in-short")
            .contains("Zuhören schafft Kontrolle.")
    );
    assert_eq!(
        project
            .html("site/argumente/aufwand/index.html")
            .count("section.in-short"),
        0
    );

    // The section listing's card shows the summary too.
    let listing = project.html("site/argumente/index.html");
    assert!(
        listing
            .texts(".card-summary")
            .iter()
            .any(|s| s.contains("Zuhören schafft Kontrolle.")),
        "{:?}",
        listing.texts(".card-summary")
    );
}

#[test]
fn check_warns_for_an_argument_a_deck_shows_without_a_summary() {
    let project = project();
    let run = project.run(&["check"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 0, "a warning, not an error: {stderr}");
    assert!(
        stderr.contains(
            "warning: content/argumente/aufwand.md:1:1: Einwand 'Aufwand' hat keine Kurzfassung"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("'Kontrolle' hat keine"), "{stderr}");
    let run = project.run_en(&["check"]);
    assert!(
        run.stderr().contains(
            "warning: content/argumente/aufwand.md:1:1: argument 'Aufwand' has no summary"
        ),
        "{}",
        run.stderr()
    );
}
