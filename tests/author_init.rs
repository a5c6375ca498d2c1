//! A tidy `init`: section titles with umlauts, no empty taxonomy sections, a `.gitignore`
//! for the build folder, no dotfiles from `static/` in the site.

mod common;

use common::Project;

fn initialised() -> Project {
    let project = Project::new(&[]);
    let run = project.run(&["init"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    project
}

#[test]
fn init_gives_sections_their_titles_with_umlauts() {
    let project = initialised();
    project.build();
    let home = project.html("site/index.html");
    let nav = home.texts("#sidebar a");
    assert!(nav.contains(&"Vorträge".to_string()), "{nav:?}");
    assert!(nav.contains(&"Praxisbeispiele".to_string()), "{nav:?}");
    assert!(!nav.iter().any(|t| t == "Vortraege"), "{nav:?}");
}

#[test]
fn taxonomies_without_terms_get_no_page_entry_or_card() {
    let project = initialised();
    project.build();
    // The starter tags stakeholders only; channels, tags and departments stay empty.
    for empty in ["kanaele", "schlagworte", "abteilungen"] {
        assert!(
            !project.path().join("site").join(empty).exists(),
            "{empty}/ was built"
        );
    }
    assert!(project.path().join("site/zielgruppen/index.html").is_file());
    let home = project.html("site/index.html");
    let links = home.texts("a");
    for title in ["Kanäle", "Schlagworte", "Abteilungen"] {
        assert!(!links.contains(&title.to_string()), "{title} in {links:?}");
    }
    assert!(links.contains(&"Zielgruppen".to_string()), "{links:?}");
}

#[test]
fn init_writes_a_gitignore_for_the_build_folder() {
    let project = initialised();
    let ignore = project.read(".gitignore");
    assert!(ignore.lines().any(|l| l.trim() == "/site/"), "{ignore}");
}

#[test]
fn dotfiles_in_static_are_not_copied() {
    let project = initialised();
    project.write("static/.DS_Store", "x");
    project.write("static/.verborgen/notiz.txt", "x");
    project.write("static/bild.svg", "<svg/>");
    project.build();
    assert!(project.path().join("site/bild.svg").is_file());
    assert!(!project.path().join("site/.gitkeep").exists());
    assert!(!project.path().join("site/.DS_Store").exists());
    assert!(!project.path().join("site/.verborgen").exists());
}
