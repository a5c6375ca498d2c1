//! The presenter's Q&A search in headless Chromium from `file://`, on a generated site
//! with enough arguments that their answers lie in several part files: a query finds
//! an argument, and choosing it shows its whole answer, loaded from its part alone.
//! Skips (loudly) without Chromium, and fails under `CI=true`.

mod common;

use common::{BOOK, Project, eval, file_url, wait_for};
use serde_json::Value;

/// Arguments of about 8 KB each: several answer parts.
const ARGUMENTS: usize = 90;

/// The generated project: one deck to present, and the arguments.
fn project() -> Project {
    let mut files = vec![
        ("book.toml".to_owned(), BOOK.to_owned()),
        (
            "content/index.md".to_owned(),
            "---\ntitle: Start\n---\n\nWillkommen.\n".to_owned(),
        ),
        (
            "content/vortraege/talk.md".to_owned(),
            "---\ntitle: Vortrag\nkind: deck\n---\n\n# Folie eins\n\nHallo.\n\n---\n\n# Folie zwei\n\nTschüss.\n"
                .to_owned(),
        ),
    ];
    let filler =
        "Ein langer Absatz über Zuständigkeiten, Abläufe und Fristen im Haus. ".repeat(120);
    for i in 0..ARGUMENTS {
        files.push((
            format!("content/argumente/einwand-{i:03}.md"),
            format!(
                "---\ntitle: Einwand Nummer{i}\nkind: argument\nobjection: Das klappt nie ({i}).\n\
                 stakeholders: [Vorstand]\n---\n\nAntwort Merkwort{i} zuerst.\n\n{filler}\n"
            ),
        ));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    Project::new(&borrowed)
}

#[test]
fn qa_search_finds_an_argument_and_loads_only_its_answer_part() {
    let project = project();
    let run = project.build();
    assert_eq!(run.code(), 0, "build failed:\n{}", run.stderr());
    let site = project.site();
    let parts = std::fs::read_dir(site.join("assets/qa"))
        .expect("answer parts")
        .count();
    assert!(parts >= 3, "answers in {parts} part(s) only");
    let index = project.read("site/assets/qa-index.js");
    assert!(
        !index.contains("Merkwort"),
        "the Q&A index still carries the answers"
    );

    let Some(browser) = common::browser() else {
        return;
    };
    let tab = browser.new_tab().expect("new tab");
    let url = format!(
        "{}?presenter#1",
        file_url(&site.join("vortraege/talk/slides/index.html"))
    );
    tab.navigate_to(&url)
        .expect("navigate")
        .wait_until_navigated()
        .expect("navigated");
    assert!(
        wait_for(&tab, "!!document.querySelector('.deck-p-qa input')", 10),
        "no Q&A search in the presenter view"
    );

    // The last argument: its answer lies in the last part, not the first.
    let last = ARGUMENTS - 1;
    tab.find_element(".deck-p-qa input")
        .expect("Q&A search box")
        .click()
        .expect("focus search");
    tab.type_str(&format!("Nummer{last}")).expect("type");
    assert!(
        wait_for(
            &tab,
            "document.querySelectorAll('.deck-p-results li').length > 0",
            5
        ),
        "no Q&A hits"
    );
    let title = eval(
        &tab,
        "document.querySelector('.deck-p-results li strong').textContent",
    );
    assert_eq!(title, Value::from(format!("Einwand Nummer{last}")));
    tab.press_key("Enter").expect("choose");

    let shown = format!(
        "(() => {{ const a = document.querySelector('.deck-qa-slide .deck-qa-answer'); \
         return !!a && a.textContent.includes('Merkwort{last}'); }})()"
    );
    assert!(wait_for(&tab, &shown, 10), "the chosen answer did not show");
    // The presenter's notes hold the whole answer, past the lead shown on the slide.
    assert!(
        wait_for(
            &tab,
            &format!(
                "document.querySelector('.deck-p-notes').textContent.includes('Merkwort{last}')"
            ),
            5
        ),
        "the answer is not in the presenter's notes"
    );
    let loaded = eval(
        &tab,
        "Array.from(document.querySelectorAll('script[src]')).map(s => s.getAttribute('src'))\
         .filter(s => s.includes('assets/qa/')).length",
    );
    assert_eq!(loaded, Value::from(1), "one answer part loads, not all");
}
