//! A site large enough that a run holds its rendered HTML compressed
//! (`buyin::PACK_FROM_PAGES`) and a build lets each text go once it is read: its pages
//! and decks come out as those of a small site, which does neither, and the build
//! writes what the in-memory pipeline renders.

mod common;

use std::collections::BTreeMap;

use buyin::BuildOptions;
use buyin::output::Blob;
use common::Project;

/// The bundled training site with a section of filler pages that takes it past
/// `buyin::PACK_FROM_PAGES`.
fn large() -> Project {
    let project = Project::bundled();
    for i in 0..buyin::PACK_FROM_PAGES {
        project.write(
            &format!("content/fuelle/seite-{i:04}.md"),
            &format!(
                "---\ntitle: Füllseite {i}\n---\n\nAbsatz mit **Betonung** auf Seite {i}.\n\n\
                 ## Abschnitt\n\n- Punkt eins\n- Punkt zwei\n\n```rust\nlet seite = {i};\n```\n"
            ),
        );
    }
    project
}

/// What a page shows of its own: its `<main>` without the pager, which names the
/// neighbours in the reading order.
fn own_content(html: &str) -> String {
    let main = html
        .find("<main")
        .and_then(|start| Some(&html[start..start + html[start..].find("</main>")?]))
        .unwrap_or_default();
    match (main.find("<nav class=\"pager\""), main.rfind("</nav>")) {
        (Some(start), Some(end)) if end > start => format!("{}{}", &main[..start], &main[end..]),
        _ => main.to_string(),
    }
}

fn built(project: &Project) -> BTreeMap<String, Vec<u8>> {
    let run = project.build();
    assert_eq!(run.code(), 0, "{}", run.stderr());
    common::tree(&project.site())
}

#[test]
fn a_large_site_shows_every_page_and_deck_as_a_small_one_does() {
    let small = built(&Project::bundled());
    let large = built(&large());
    let mut decks = 0;
    let mut pages = 0;
    for (path, bytes) in &small {
        if !path.ends_with("index.html") || path == "index.html" {
            continue;
        }
        let other = large.get(path).unwrap_or_else(|| panic!("{path} missing"));
        if path.ends_with("slides/index.html") {
            decks += 1;
            assert!(bytes == other, "{path}: the deck differs");
        } else {
            pages += 1;
            let (a, b) = (
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(other),
            );
            assert_eq!(own_content(&a), own_content(&b), "{path}: the page differs");
        }
    }
    assert!(decks >= 10 && pages >= 100, "{decks} decks, {pages} pages");
    let deck = String::from_utf8_lossy(&large["vortraege/betriebsrat/slides/index.html"]);
    assert!(
        deck.contains("Der Betriebsrat liegt richtig") && deck.contains("class=\"notes\""),
        "the deck shows its arguments' answers and keeps its speaker notes"
    );
}

#[test]
fn a_large_build_writes_what_the_in_memory_pipeline_renders() {
    let project = large();
    let written = built(&project);
    let rendered = match buyin::generate(project.path(), &BuildOptions::default()) {
        Ok(built) => built.output,
        Err(diags) => panic!("the in-memory pipeline failed: {:?}", diags.sorted()),
    };
    let written_paths: Vec<&String> = written.keys().collect();
    let rendered_paths: Vec<&String> = rendered.files.keys().collect();
    assert_eq!(written_paths, rendered_paths, "the build wrote other files");
    let differing: Vec<&String> = rendered
        .files
        .iter()
        .filter(|(path, blob)| {
            assert!(!matches!(blob, Blob::Written), "{path} was not rendered");
            written[*path] != rendered.read(path).and_then(Result::ok).expect("bytes")
        })
        .map(|(path, _)| path)
        .collect();
    assert!(differing.is_empty(), "differ: {differing:?}");
}
