//! A build large enough to hold its rendered HTML compressed
//! (`buyin::PACK_FROM_PAGES`) writes the same files as the in-memory pipeline, which
//! never compresses: pages, decks with their expanded arguments and speaker notes, the
//! print view, the Q&A and search indexes.

mod common;

use buyin::BuildOptions;
use buyin::output::Blob;
use common::Project;

#[test]
fn a_build_that_holds_its_html_compressed_writes_what_the_uncompressed_pipeline_renders() {
    let project = Project::bundled();
    let filler = buyin::PACK_FROM_PAGES;
    for i in 0..filler {
        project.write(
            &format!("content/fuelle/seite-{i:04}.md"),
            &format!(
                "---\ntitle: Füllseite {i}\n---\n\nAbsatz mit **Betonung** auf Seite {i}.\n\n\
                 ## Abschnitt\n\n- Punkt eins\n- Punkt zwei\n\n```rust\nlet seite = {i};\n```\n"
            ),
        );
    }
    let run = project.build();
    assert_eq!(run.code(), 0, "{}", run.stderr());

    let written = common::tree(&project.site());
    let rendered = match buyin::generate(project.path(), &BuildOptions::default()) {
        Ok(built) => built.output,
        Err(diags) => panic!("the in-memory pipeline failed: {:?}", diags.sorted()),
    };
    assert!(
        rendered.files.len() > filler,
        "{} files",
        rendered.files.len()
    );
    let written_paths: Vec<&String> = written.keys().collect();
    let rendered_paths: Vec<&String> = rendered.files.keys().collect();
    assert_eq!(written_paths, rendered_paths, "the build wrote other files");
    let differing: Vec<&String> = rendered
        .files
        .iter()
        .filter(|(path, blob)| {
            let bytes = match blob {
                Blob::Bytes(bytes) => bytes.to_vec(),
                Blob::Copy(source) => std::fs::read(source).expect("copied file"),
                Blob::Written => panic!("{path}: the in-memory pipeline writes nothing"),
            };
            written[*path] != bytes
        })
        .map(|(path, _)| path)
        .collect();
    assert!(differing.is_empty(), "differ: {differing:?}");
    let deck = &written["vortraege/betriebsrat/slides/index.html"];
    assert!(
        String::from_utf8_lossy(deck).contains("class=\"notes\""),
        "the deck keeps its speaker notes"
    );
}
