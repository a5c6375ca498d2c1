//! Incremental rebuilds (what `serve` runs after an edit): each update re-renders only
//! what the change touches, and the result is byte for byte a fresh build's.

mod common;

use std::path::PathBuf;

use buyin::BuildOptions;
use buyin::output::Blob;
use buyin::serve::{Project, Update};
use common::Project as TempProject;

/// Loads the project in `dir`.
fn load(dir: &TempProject) -> Project {
    match Project::load(dir.path(), &BuildOptions::default()) {
        Ok(project) => project,
        Err(diags) => panic!("first build failed: {:?}", diags.sorted()),
    }
}

/// Applies an edit of `paths` (relative to the project root), then the deferred part.
fn update(project: &mut Project, paths: &[&str]) -> Update {
    let touched: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let update = match project.update(&touched) {
        Ok(update) => update,
        Err(diags) => panic!("update failed: {:?}", diags.sorted()),
    };
    if let Err(diags) = project.finish() {
        panic!("deferred files failed: {:?}", diags.sorted());
    }
    update
}

/// Applies an edit of `path`; returns every output path it changed, the deferred
/// part's included, sorted.
fn changed_by(project: &mut Project, path: &str) -> Vec<String> {
    let touched = [PathBuf::from(path)];
    let mut changed = match project.update(&touched) {
        Ok(update) => update.changed,
        Err(diags) => panic!("update failed: {:?}", diags.sorted()),
    };
    match project.finish() {
        Ok(later) => changed.extend(later),
        Err(diags) => panic!("deferred files failed: {:?}", diags.sorted()),
    }
    changed.sort();
    changed
}

/// The paths of `paths` that start with `prefix`, in their order.
fn starting_with<'a>(paths: impl IntoIterator<Item = &'a String>, prefix: &str) -> Vec<String> {
    paths
        .into_iter()
        .filter(|path| path.starts_with(prefix))
        .cloned()
        .collect()
}

/// A project of the given files (path, text).
fn project_of(files: &[(String, String)]) -> TempProject {
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    TempProject::new(&borrowed)
}

/// The project's output equals a fresh build of the same folder, file by file.
fn assert_matches_fresh_build(project: &Project, dir: &TempProject) {
    let fresh = match buyin::generate(dir.path(), &BuildOptions::default()) {
        Ok(built) => built.output,
        Err(diags) => panic!("fresh build failed: {:?}", diags.sorted()),
    };
    let kept = &project.model().output;
    let kept_paths: Vec<&String> = kept.files.keys().collect();
    let fresh_paths: Vec<&String> = fresh.files.keys().collect();
    assert_eq!(
        kept_paths, fresh_paths,
        "the incremental output has other files"
    );
    for (path, blob) in &fresh.files {
        let same = match (blob, &kept.files[path]) {
            (Blob::Copy(a), Blob::Copy(b)) => a == b,
            _ => fresh.read(path).and_then(Result::ok) == kept.read(path).and_then(Result::ok),
        };
        assert!(same, "{path} differs from a fresh build");
    }
}

fn page(project: &Project, path: &str) -> String {
    match project.model().output.read(path) {
        Some(Ok(bytes)) => String::from_utf8(bytes).expect("utf-8"),
        _ => panic!("no output file {path}"),
    }
}

fn append(dir: &TempProject, path: &str, text: &str) {
    let mut whole = std::fs::read_to_string(dir.path().join(path)).expect("read");
    whole.push_str(text);
    dir.write(path, &whole);
}

#[test]
fn an_argument_body_edit_renders_its_page_first_and_its_decks_after() {
    let dir = TempProject::bundled();
    let mut project = load(&dir);
    append(
        &dir,
        "content/argumente/kontrollverlust.md",
        "\n## Neuer Abschnitt\n\nEin frischer Gedanke zur Kontrolle.\n",
    );
    let touched = [PathBuf::from("content/argumente/kontrollverlust.md")];
    let first = project.update(&touched).expect("update");
    assert!(!first.full, "a body edit must not run the whole pipeline");
    assert_eq!(first.changed, ["argumente/kontrollverlust/index.html"]);
    assert!(
        page(&project, "argumente/kontrollverlust/index.html").contains("Ein frischer Gedanke")
    );
    for deferred in [
        // the talk that expands the argument into slides, and its handout
        "vortraege/geschaeftsfuehrung/slides/index.html",
        "vortraege/geschaeftsfuehrung/index.html",
        // the generated audience decks of its terms
        "zielgruppen/geschaeftsfuehrung/slides/index.html",
        "abteilungen/pr-und-marketing/slides/index.html",
        "print.html",
        "assets/search-index.js",
        "assets/qa-index.js",
    ] {
        assert!(
            first.deferred.iter().any(|p| p == deferred),
            "{deferred} not re-rendered; deferred: {:?}",
            first.deferred
        );
    }
    for untouched in [
        "argumente/datenschutz/index.html",
        "argumente/index.html",
        "zielgruppen/geschaeftsfuehrung/index.html",
        "vortraege/betriebsrat/slides/index.html",
    ] {
        assert!(
            !first.deferred.iter().any(|p| p == untouched),
            "{untouched} does not show the body, yet was re-rendered"
        );
    }
    let later = project.finish().expect("finish");
    // The search index: its manifest or the shards that hold the new words.
    assert!(later.iter().any(|p| p.starts_with("assets/search")));
    assert!(page(&project, "print.html").contains("Ein frischer Gedanke"));
    assert_matches_fresh_build(&project, &dir);
}

#[test]
fn body_edits_of_every_kind_match_a_fresh_build() {
    let dir = TempProject::bundled();
    let mut project = load(&dir);
    for (path, expected) in [
        (
            "content/praxis/barcamp-koeln.md",
            "praxis/barcamp-koeln/index.html",
        ),
        (
            "content/vortraege/personal.md",
            "vortraege/personal/slides/index.html",
        ),
        (
            "content/fahrplan/soziales-unternehmen.md",
            "fahrplan/soziales-unternehmen/index.html",
        ),
        // introduces the term page and the generated talk of `Betriebsrat`
        (
            "content/zielgruppen/betriebsrat.md",
            "zielgruppen/betriebsrat/index.html",
        ),
        ("content/index.md", "index.html"),
    ] {
        append(
            &dir,
            path,
            "\n\nEin neuer Absatz mit dem Wort Zwischenstand.\n",
        );
        let update = update(&mut project, &[path]);
        assert!(!update.full, "{path}: a body edit ran the whole pipeline");
        // None of these is an argument: the Q&A files cannot show their bodies.
        assert!(
            !update.deferred.iter().any(|p| p.starts_with("assets/qa")),
            "{path}: the Q&A files were rendered again; deferred: {:?}",
            update.deferred
        );
        assert!(
            update.changed.iter().any(|p| p == expected),
            "{path}: {expected} not among {:?}",
            update.changed
        );
        assert!(
            page(&project, expected).contains("Zwischenstand"),
            "{expected}"
        );
        assert_matches_fresh_build(&project, &dir);
    }
}

/// Replaces the first `from` in a project file with `to`.
fn replace(dir: &TempProject, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(dir.path().join(path)).expect("read");
    assert!(text.contains(from), "{path} has no {from:?}");
    dir.write(path, &text.replacen(from, to, 1));
}

/// Replaces `from` with `to` in `path` and applies the edit, which must take the
/// incremental way and match a fresh build.
fn edit_in_place(project: &mut Project, dir: &TempProject, path: &str, from: &str, to: &str) {
    replace(dir, path, from, to);
    let edited = update(project, &[path]);
    assert!(
        !edited.full,
        "{path}: {from:?} -> {to:?} ran the whole pipeline"
    );
    assert_matches_fresh_build(project, dir);
}

#[test]
fn front_matter_edits_that_keep_the_navigation_rerender_what_lists_them() {
    let dir = TempProject::bundled();
    let mut project = load(&dir);

    // An argument's summary shows in the parent's listing and on the term pages.
    replace(
        &dir,
        "content/argumente/datenschutz.md",
        "summary:\n  - \"",
        "summary:\n  - \"Neu beschrieben. ",
    );
    let described = update(&mut project, &["content/argumente/datenschutz.md"]);
    assert!(!described.full, "a description edit ran the whole pipeline");
    // The summary is also the answer slide of the talk that expands the argument.
    assert_eq!(
        described.changed,
        [
            "argumente/datenschutz/index.html",
            "vortraege/it-und-datenschutz/slides/index.html"
        ]
    );
    for listing in ["argumente/index.html", "schlagworte/datenschutz/index.html"] {
        assert!(
            described.deferred.iter().any(|p| p == listing),
            "{listing}: {:?}",
            described.deferred
        );
        assert!(
            page(&project, listing).contains("Neu beschrieben."),
            "{listing}"
        );
    }
    assert!(!described.deferred.iter().any(|p| p == "praxis/index.html"));
    assert_matches_fresh_build(&project, &dir);

    // Another existing tag: the term pages of both tags and the index counts change.
    edit_in_place(
        &mut project,
        &dir,
        "content/argumente/datenschutz.md",
        "tags: [\"Datenschutz\",",
        "tags: [\"Datenschutz\", \"Kontrollverlust\",",
    );

    // Metrics of a case: its chart, and the arguments that cite it as evidence.
    edit_in_place(
        &mut project,
        &dir,
        "content/praxis/barcamp-koeln.md",
        "year: 2014",
        "year: 2015",
    );
    assert!(page(&project, "argumente/kontrollverlust/index.html").contains("2015"));

    // A deck's audience moves it between terms.
    edit_in_place(
        &mut project,
        &dir,
        "content/vortraege/personal.md",
        "audience: \"Personal\"",
        "audience: \"Vertrieb\"",
    );

    // The goals of a stage show on the roadmap.
    edit_in_place(
        &mut project,
        &dir,
        "content/fahrplan/soziales-unternehmen.md",
        "goals:\n",
        "goals:\n  - \"Ein ganz neues Ziel\"\n",
    );
    assert!(page(&project, "fahrplan/index.html").contains("Ein ganz neues Ziel"));

    // A new title moves the page among its siblings: their navigation, the section's
    // listing and the pager around it follow.
    replace(
        &dir,
        "content/argumente/mehraufwand.md",
        "title: \"",
        "title: \"AAA ",
    );
    let retitled = update(&mut project, &["content/argumente/mehraufwand.md"]);
    assert!(
        !retitled.full,
        "a title edit below the top level ran the whole pipeline"
    );
    assert!(page(&project, "argumente/datenschutz/index.html").contains("AAA "));
    assert_matches_fresh_build(&project, &dir);

    // A new weight reorders the section and the reading order.
    edit_in_place(
        &mut project,
        &dir,
        "content/praxis/barcamp-koeln.md",
        "weight: 10",
        "weight: 99",
    );
    // Made the last of its section, a page comes right before the next section.
    edit_in_place(
        &mut project,
        &dir,
        "content/argumente/datenschutz.md",
        "weight: 20",
        "weight: 999",
    );
    // And back: the next section's pager no longer points at it.
    edit_in_place(
        &mut project,
        &dir,
        "content/argumente/datenschutz.md",
        "weight: 999",
        "weight: 20",
    );

    // A term's introduction gives the term its name, shown on every page tagged with it.
    replace(
        &dir,
        "content/abteilungen/personal.md",
        "title: \"",
        "title: \"Neu ",
    );
    assert!(update(&mut project, &["content/abteilungen/personal.md"]).full);
    assert_matches_fresh_build(&project, &dir);

    // A new spelling of a term renames it in every navigation: the whole pipeline.
    replace(
        &dir,
        "content/argumente/datenschutz.md",
        "\"Transparenz\"",
        "\"TRANSPARENZ\"",
    );
    let respelled = update(&mut project, &["content/argumente/datenschutz.md"]);
    assert_matches_fresh_build(&project, &dir);
    let _ = respelled;
}

#[test]
fn structural_changes_run_the_whole_pipeline_and_match_a_fresh_build() {
    let dir = TempProject::bundled();
    let mut project = load(&dir);

    // A top-level entry is in every page's navigation.
    let path = "content/argumente/index.md";
    let text = std::fs::read_to_string(dir.path().join(path)).expect("read");
    dir.write(path, &text.replacen("title: \"", "title: \"Neu: ", 1));
    let retitled = update(&mut project, &[path]);
    assert!(retitled.full);
    assert!(page(&project, "praxis/index.html").contains("Neu: "));
    assert_matches_fresh_build(&project, &dir);

    dir.write(
        "content/argumente/neu.md",
        "---\ntitle: \"Ein neuer Einwand\"\nkind: argument\nobjection: \"Zu neu.\"\nstakeholders: [\"IT\"]\n---\nAntwort.\n",
    );
    let added = update(&mut project, &["content/argumente/neu.md"]);
    assert!(
        added.full
            && added
                .changed
                .iter()
                .any(|p| p == "argumente/neu/index.html")
    );
    assert_matches_fresh_build(&project, &dir);

    std::fs::remove_file(dir.path().join("content/argumente/neu.md")).expect("delete");
    let removed = update(&mut project, &["content/argumente/neu.md"]);
    assert!(
        removed
            .changed
            .iter()
            .any(|p| p == "argumente/neu/index.html")
    );
    assert!(!project.model().output.contains("argumente/neu/index.html"));
    assert_matches_fresh_build(&project, &dir);

    dir.write(
        "book.toml",
        &std::fs::read_to_string(dir.path().join("book.toml"))
            .expect("read")
            .replacen("title = \"", "title = \"Neuer Titel: ", 1),
    );
    let configured = update(&mut project, &["book.toml"]);
    assert!(configured.full && configured.changed.len() > 100);
    assert_matches_fresh_build(&project, &dir);
}

#[test]
fn a_copied_file_is_read_again_without_rendering() {
    let dir = TempProject::bundled();
    let mut project = load(&dir);
    let logo = std::fs::read_dir(dir.path().join("static"))
        .expect("static")
        .flatten()
        .find(|e| e.path().is_file())
        .expect("a static file");
    let name = logo.file_name().to_string_lossy().into_owned();
    std::fs::write(logo.path(), b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>").expect("write");
    let edited = update(&mut project, &[&format!("static/{name}")]);
    assert!(!edited.full);
    assert_eq!(edited.changed, [name.as_str()]);
    assert_eq!(
        project
            .model()
            .output
            .read(&name)
            .expect("file")
            .expect("read"),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );

    // Changed while the watcher lost track: the full run after a rescan copies again.
    std::fs::write(logo.path(), b"<svg/>").expect("write");
    project.invalidate();
    let rescan = update(&mut project, &[]);
    assert!(rescan.full && rescan.changed.contains(&name), "{rescan:?}");
}

#[test]
fn a_broken_edit_keeps_the_last_good_output_and_a_fix_applies_it() {
    let dir = TempProject::new(&[
        ("book.toml", common::BOOK),
        (
            "content/index.md",
            "---\ntitle: Start\n---\nSiehe [Ziel](b.md#ziel).\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\n---\n## Ziel\n\nText von B.\n",
        ),
        ("content/c.md", "---\ntitle: C\n---\nDritte Seite.\n"),
    ]);
    let mut project = load(&dir);
    let before = page(&project, "b/index.html");

    // The heading another page links to goes away: that page's link is now broken.
    dir.write(
        "content/b.md",
        "---\ntitle: B\n---\n## Anderes\n\nNeuer Text von B.\n",
    );
    let diags = project
        .update(&[PathBuf::from("content/b.md")])
        .expect_err("a broken anchor fails the update");
    let errors: Vec<String> = diags.sorted().iter().map(ToString::to_string).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("content/index.md:4:") && e.contains("broken anchor '#ziel'")),
        "{errors:?}"
    );
    assert_eq!(
        page(&project, "b/index.html"),
        before,
        "the last good page stays"
    );

    // Another file is fixed meanwhile; the broken one is retried with it.
    dir.write("content/c.md", "---\ntitle: C\n---\nDritte Seite, neu.\n");
    assert!(project.update(&[PathBuf::from("content/c.md")]).is_err());
    assert!(!page(&project, "c/index.html").contains("neu."));

    dir.write(
        "content/b.md",
        "---\ntitle: B\n---\n## Ziel\n\nNeuer Text von B.\n",
    );
    let fixed = update(&mut project, &["content/b.md"]);
    assert!(!fixed.full);
    assert!(page(&project, "b/index.html").contains("Neuer Text von B."));
    assert!(page(&project, "c/index.html").contains("Dritte Seite, neu."));
    assert_matches_fresh_build(&project, &dir);

    // A draft is not part of the site: editing it changes nothing.
    dir.write(
        "content/entwurf.md",
        "---\ntitle: E\ndraft: true\n---\nEntwurf.\n",
    );
    let draft = update(&mut project, &["content/entwurf.md"]);
    assert_eq!(draft, Update::default());
}

#[test]
fn a_link_an_edit_adds_is_checked_when_its_target_changes_later() {
    let dir = TempProject::new(&[
        ("book.toml", common::BOOK),
        ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
        (
            "content/b.md",
            "---\ntitle: B\n---\n## Ziel\n\nText von B.\n",
        ),
        ("content/c.md", "---\ntitle: C\n---\nDritte Seite.\n"),
        (
            "content/d.md",
            "---\ntitle: D\n---\nSiehe [B](b.md#ziel).\n",
        ),
    ]);
    let mut project = load(&dir);

    // C gains a link to B's heading; D loses its own.
    dir.write(
        "content/c.md",
        "---\ntitle: C\n---\nDritte Seite.\n\nMehr in [B](b.md#ziel).\n",
    );
    dir.write("content/d.md", "---\ntitle: D\n---\nOhne Verweis.\n");
    let linked = update(&mut project, &["content/c.md", "content/d.md"]);
    assert!(!linked.full, "{linked:?}");

    // B's heading goes: C's new link breaks, D (which no longer links) does not.
    dir.write("content/b.md", "---\ntitle: B\n---\n## Anders\n\nText.\n");
    let diags = project
        .update(&[PathBuf::from("content/b.md")])
        .expect_err("the link C gained is checked");
    let errors: Vec<String> = diags.sorted().iter().map(ToString::to_string).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("content/c.md:6:") && e.contains("broken anchor '#ziel'")),
        "{errors:?}"
    );
    assert!(
        !errors.iter().any(|e| e.contains("content/d.md")),
        "{errors:?}"
    );

    // C follows the heading: the site builds again, as a fresh build would.
    dir.write(
        "content/c.md",
        "---\ntitle: C\n---\nDritte Seite.\n\nMehr in [B](b.md#anders).\n",
    );
    let fixed = update(&mut project, &["content/c.md"]);
    assert!(!fixed.full, "{fixed:?}");
    assert!(page(&project, "b/index.html").contains("Anders"));
    assert_matches_fresh_build(&project, &dir);
}

#[test]
fn edge_cases_of_paths_and_saves_match_a_fresh_build() {
    let dir = TempProject::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"Testbuch\"\nlanguage = \"de\"\nsrc = \"./content\"\n",
        ),
        ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
        (
            "content/seite.md",
            "---\ntitle: Seite\n---\n{{ case(path=\"praxis\\/messe.md\") }}\n",
        ),
        (
            "content/praxis/messe.md",
            "---\ntitle: Messe\nkind: case\ndescription: Alt beschrieben\n---\nText.\n",
        ),
        // A copied file where a page would be rendered: the copy wins.
        ("static/print.html", "<p>eigene Druckseite</p>\n"),
    ]);
    let mut project = load(&dir);

    // `./content` is the content folder: an edit there is a body edit.
    dir.write("content/index.md", "---\ntitle: Start\n---\nHallo neu.\n");
    let body = update(&mut project, &["content/index.md"]);
    assert!(!body.full, "{body:?}");
    assert_eq!(page(&project, "print.html"), "<p>eigene Druckseite</p>\n");
    assert_matches_fresh_build(&project, &dir);

    // A card whose path is written with an escaped slash follows the case.
    dir.write(
        "content/praxis/messe.md",
        "---\ntitle: Messe\nkind: case\ndescription: Neu beschrieben\n---\nText.\n",
    );
    assert!(!update(&mut project, &["content/praxis/messe.md"]).full);
    assert!(page(&project, "seite/index.html").contains("Neu beschrieben"));
    assert_matches_fresh_build(&project, &dir);

    // Saving without a change does nothing at all.
    dir.write(
        "content/praxis/messe.md",
        "---\ntitle: Messe\nkind: case\ndescription: Neu beschrieben\n---\nText.\n",
    );
    assert_eq!(
        update(&mut project, &["content/praxis/messe.md"]),
        Update::default()
    );
}

/// A site large enough that its print view is split into part files: two sections of
/// 200 pages each.
fn large_site() -> TempProject {
    let mut files: Vec<(String, String)> = vec![
        (
            "book.toml".into(),
            "[book]\ntitle = \"Groß\"\nlanguage = \"de\"\n".into(),
        ),
        (
            "content/index.md".into(),
            "---\ntitle: Start\n---\nWillkommen.\n".into(),
        ),
    ];
    for section in ["erste", "zweite"] {
        files.push((
            format!("content/{section}/index.md"),
            format!("---\ntitle: Bereich {section}\n---\nDer Bereich {section}.\n"),
        ));
        for i in 0..200 {
            files.push((
                format!("content/{section}/seite-{i:03}.md"),
                format!("---\ntitle: Seite {i} im Bereich {section}\n---\nText der Seite {i}.\n"),
            ));
        }
    }
    project_of(&files)
}

#[test]
fn a_body_edit_on_a_large_site_prints_again_only_the_print_part_that_holds_the_page() {
    let dir = large_site();
    let mut project = load(&dir);
    let parts: Vec<String> = project
        .model()
        .output
        .files
        .keys()
        .filter(|path| path.starts_with("print-"))
        .cloned()
        .collect();
    assert_eq!(
        parts,
        [
            "print-1-start.html",
            "print-2-erste.html",
            "print-3-zweite.html"
        ],
        "the print view is split by section"
    );
    append(
        &dir,
        "content/zweite/seite-150.md",
        "\nEin ganz neuer Schluss.\n",
    );
    let first = update(&mut project, &["content/zweite/seite-150.md"]);
    let printed: Vec<&String> = first
        .deferred
        .iter()
        .filter(|path| path.starts_with("print"))
        .collect();
    assert_eq!(
        printed,
        ["print-3-zweite.html"],
        "only the part holding the page is printed again"
    );
    assert!(page(&project, "print-3-zweite.html").contains("Ein ganz neuer Schluss."));
    assert_matches_fresh_build(&project, &dir);

    // A new title goes through the front-matter way, which prints everything again.
    edit_in_place(
        &mut project,
        &dir,
        "content/erste/seite-007.md",
        "title: Seite 7 im Bereich erste",
        "title: Die siebte Seite",
    );
    assert!(page(&project, "print-2-erste.html").contains("Die siebte Seite"));
}

#[test]
fn search_words_an_edit_adds_and_removes_on_a_large_site_match_a_fresh_build() {
    let dir = large_site();
    let mut project = load(&dir);
    let shard_of = |project: &Project, word: &str| -> Vec<String> {
        let shards = starting_with(project.model().output.files.keys(), "assets/search/d");
        shards
            .into_iter()
            .filter(|path| page(project, path).contains(word))
            .collect()
    };
    let holding = shard_of(&project, "zweite/seite-150/");
    assert_eq!(holding.len(), 1, "one document shard lists the page");
    // A word the site did not have, and the head of a compound it now has.
    append(
        &dir,
        "content/zweite/seite-150.md",
        "\nQuantenrechner und Quanten im Bereich.\n",
    );
    let changed = changed_by(&mut project, "content/zweite/seite-150.md");
    assert_eq!(
        starting_with(&changed, "assets/search/d"),
        [holding[0].clone()],
        "only the document shard listing the page is written again"
    );
    assert!(
        changed
            .iter()
            .any(|path| path.starts_with("assets/search/t")),
        "a term shard takes the new words: {changed:?}"
    );
    assert_matches_fresh_build(&project, &dir);

    // The words go again: the index is as if they had never been there.
    edit_in_place(
        &mut project,
        &dir,
        "content/zweite/seite-150.md",
        "\nQuantenrechner und Quanten im Bereich.\n",
        "\n",
    );
    assert_matches_fresh_build(&project, &dir);
}

#[test]
fn search_shards_an_edit_adds_go_again_when_the_words_go() {
    let dir = large_site();
    let mut project = load(&dir);
    let term_shards = |project: &Project| -> Vec<String> {
        starting_with(project.model().output.files.keys(), "assets/search/t")
    };
    let before = term_shards(&project);
    // Thousands of words the site did not have fill more term shards.
    let words: Vec<String> = (0..12_000u64)
        .map(|i| {
            // Eight letters, spread over the alphabet so that few share a beginning.
            let mut n = i.wrapping_mul(2_654_435_761) % 26u64.pow(8);
            (0..8)
                .map(|_| {
                    let letter = char::from(b'a' + (n % 26) as u8);
                    n /= 26;
                    letter
                })
                .collect()
        })
        .collect();
    let addition = format!("\n{}\n", words.join(" "));
    append(&dir, "content/erste/seite-010.md", &addition);
    update(&mut project, &["content/erste/seite-010.md"]);
    assert!(
        term_shards(&project).len() > before.len(),
        "the new words take more term shards"
    );
    assert_matches_fresh_build(&project, &dir);

    // Gone again: so are the shards they filled, in the output and in the list of
    // what changed (which `serve` deletes from the build folder).
    replace(&dir, "content/erste/seite-010.md", &addition, "\n");
    let changed = changed_by(&mut project, "content/erste/seite-010.md");
    assert_eq!(term_shards(&project), before);
    let last = format!("assets/search/t{}.js", before.len());
    assert!(changed.contains(&last), "{last} is not among {changed:?}");
    assert_matches_fresh_build(&project, &dir);
}

/// Writes what an update changed into the build folder, as `serve` does, after which
/// the output holds those files by digest only.
fn write_back(project: &mut Project, site: &std::path::Path, changed: &[String]) {
    buyin::output::write_changed(&project.model().output, site, changed).expect("write");
    project.stored_in(site);
}

#[test]
fn a_project_loaded_into_its_build_folder_keeps_digests_and_matches_a_fresh_build() {
    let dir = TempProject::bundled();
    let site = dir.path().join("site");
    let staging = buyin::output::Staging::create(&site).expect("staging");
    let mut project = Project::load_staged(dir.path(), &BuildOptions::default(), &staging)
        .unwrap_or_else(|diags| panic!("first build failed: {:?}", diags.sorted()));
    staging.publish().expect("publish");
    project.stored_in(&site);
    let output = &project.model().output;
    let rendered = output
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .collect::<Vec<_>>();
    assert!(rendered.len() > 100);
    for (path, blob) in rendered {
        assert!(matches!(blob, Blob::Stored(_)), "{path} is held in memory");
    }
    assert_eq!(
        std::fs::read(site.join("argumente/kontrollverlust/index.html")).ok(),
        output
            .read("argumente/kontrollverlust/index.html")
            .and_then(Result::ok)
    );

    // A body edit: only the page is new, found by comparing digests.
    append(
        &dir,
        "content/argumente/kontrollverlust.md",
        "\nEin Gedanke, der erst im Ordner landet.\n",
    );
    let touched = [PathBuf::from("content/argumente/kontrollverlust.md")];
    let first = project.update(&touched).expect("update");
    assert_eq!(first.changed, ["argumente/kontrollverlust/index.html"]);
    write_back(&mut project, &site, &first.changed);
    let later = project.finish().expect("finish");
    assert!(later.iter().any(|p| p == "print.html"), "{later:?}");
    assert!(
        !later
            .iter()
            .any(|p| p == "argumente/datenschutz/index.html")
    );
    write_back(&mut project, &site, &later);
    assert!(
        std::fs::read_to_string(site.join("print.html"))
            .expect("print.html")
            .contains("erst im Ordner landet")
    );
    assert_matches_fresh_build(&project, &dir);

    // The whole pipeline again, on an unchanged project: nothing differs.
    let again = update(&mut project, &["book.toml"]);
    assert!(again.full);
    assert_eq!(again.changed, Vec::<String>::new());
    write_back(&mut project, &site, &again.changed);
    assert_matches_fresh_build(&project, &dir);
}

/// A site of 60 arguments whose answers (about 9 KB each) fill several Q&A part files.
fn many_arguments() -> TempProject {
    let mut files: Vec<(String, String)> = vec![
        (
            "book.toml".into(),
            "[book]\ntitle = \"Einwände\"\nlanguage = \"de\"\n".into(),
        ),
        (
            "content/index.md".into(),
            "---\ntitle: Start\n---\nWillkommen.\n".into(),
        ),
        (
            "content/argumente/index.md".into(),
            "---\ntitle: Einwände\n---\nAlle Einwände.\n".into(),
        ),
    ];
    let paragraph = "Wer zuhört, erfährt früh, was über das Haus gesagt wird, und kann antworten. ";
    for i in 0..60 {
        files.push((
            format!("content/argumente/einwand-{i:02}.md"),
            format!(
                "---\ntitle: Einwand {i}\nkind: argument\nobjection: \"Bedenken Nummer {i}.\"\nstakeholders: [IT]\n---\nAntwort {i}.\n\n{}\n",
                paragraph.repeat(120)
            ),
        ));
    }
    project_of(&files)
}

/// The Q&A part files of the output, in order.
fn qa_parts(project: &Project) -> Vec<String> {
    let mut parts: Vec<(usize, String)> = project
        .model()
        .output
        .files
        .keys()
        .filter_map(|path| {
            let n = path.strip_prefix("assets/qa/")?.strip_suffix(".js")?;
            Some((n.parse().ok()?, path.clone()))
        })
        .collect();
    parts.sort();
    parts.into_iter().map(|(_, path)| path).collect()
}

#[test]
fn answer_edits_write_again_the_q_and_a_parts_that_hold_them_and_match_a_fresh_build() {
    let dir = many_arguments();
    let mut project = load(&dir);
    let parts = qa_parts(&project);
    assert!(
        parts.len() >= 3,
        "the answers fill several parts: {parts:?}"
    );
    let holding = |project: &Project, text: &str| -> Vec<String> {
        qa_parts(project)
            .into_iter()
            .filter(|path| page(project, path).contains(text))
            .collect()
    };

    // A new word in a late answer: its part alone changes.
    replace(
        &dir,
        "content/argumente/einwand-57.md",
        "Antwort 57.",
        "Entgegnung 57.",
    );
    let changed = changed_by(&mut project, "content/argumente/einwand-57.md");
    assert_eq!(
        starting_with(&changed, "assets/qa/"),
        holding(&project, "Entgegnung 57."),
        "only the part holding the answer is written again"
    );
    assert_matches_fresh_build(&project, &dir);

    // A much longer first answer moves where every later part begins, and takes one
    // part more.
    let addition = "\nEin langer Nachtrag, der den ersten Teil wachsen lässt.\n".repeat(5000);
    append(&dir, "content/argumente/einwand-00.md", &addition);
    update(&mut project, &["content/argumente/einwand-00.md"]);
    assert_eq!(holding(&project, "Ein langer Nachtrag").len(), 1);
    assert_eq!(qa_parts(&project).len(), parts.len() + 1);
    assert_matches_fresh_build(&project, &dir);

    // And back: the parts are as they were at the start.
    replace(&dir, "content/argumente/einwand-00.md", &addition, "");
    update(&mut project, &["content/argumente/einwand-00.md"]);
    assert_eq!(qa_parts(&project), parts);
    assert!(holding(&project, "Ein langer Nachtrag").is_empty());
    assert_matches_fresh_build(&project, &dir);
}
