//! The bundled training site builds, and one page of it has its parts.

mod common;

#[test]
fn bundled_site_builds_with_arguments_and_decks() {
    let project = common::Project::bundled();
    project.build();
    let page = project.html("site/argumente/kontrollverlust/index.html");
    assert!(!page.text("section.objection blockquote").is_empty());
    assert!(
        project
            .path()
            .join("site/vortraege/geschaeftsfuehrung/slides/index.html")
            .is_file()
    );
}
