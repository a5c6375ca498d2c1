//! `buyin serve` after real edits on disk: what is rebuilt, which open pages reload or
//! restyle, and the error overlay while a file is broken.

mod common;

use common::served::Served;
use common::{BOOK, Project};

const SEITE: &str = "---\ntitle: Seite\n---\nAlter Text auf der Seite.\n";

fn project() -> Project {
    Project::new(&[
        ("book.toml", BOOK),
        ("content/index.md", "---\ntitle: Start\n---\nHallo Welt.\n"),
        (
            "content/teil/index.md",
            "---\ntitle: Teil\n---\nEin Teil.\n",
        ),
        ("content/teil/seite.md", SEITE),
        ("static/extra.css", "body { color: black; }\n"),
    ])
}

#[test]
fn an_edit_in_place_reloads_open_pages() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    project.write(
        "content/teil/seite.md",
        "---\ntitle: Seite\n---\nNeuer Text nach dem Speichern.\n",
    );
    events.expect("reload", &|| served.log());
    served.wait_for("/teil/seite/", "the new text", |r| {
        r.text().contains("Neuer Text")
    });
    // The build folder follows, without the script.
    let on_disk = project.read("site/teil/seite/index.html");
    assert!(on_disk.contains("Neuer Text"));
    assert!(!on_disk.contains("__buyin"));
    // The terminal line follows the reload signal.
    served.wait_for_log("geändert: /teil/seite/");
}

#[test]
fn a_body_edit_rewrites_only_what_shows_it_and_requests_wait_for_fresh_files() {
    let project = project();
    project.write(
        "content/argumente/netz.md",
        "---\ntitle: Netz\nkind: argument\nobjection: \"Zu unsicher.\"\nstakeholders: [\"IT\"]\n---\nAlte Antwort.\n",
    );
    let served = Served::start(&project);
    let untouched = project.path().join("site/teil/seite/index.html");
    let written = |path: &std::path::Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .expect("mtime")
    };
    let before = written(&untouched);
    let events = served.events();
    project.write(
        "content/argumente/netz.md",
        "---\ntitle: Netz\nkind: argument\nobjection: \"Zu unsicher.\"\nstakeholders: [\"IT\"]\n---\nQuellwasser bleibt sauber.\n",
    );
    events.expect("reload", &|| served.log());
    // (A save caught half-written would reload once more; the page itself settles it.)
    served.wait_for("/argumente/netz/", "the edit", |r| {
        r.text().contains("Quellwasser")
    });
    // Asked for right after the page, the files that show the argument elsewhere are
    // already current: the request waits for them instead of getting the old ones.
    assert!(
        served
            .get("/zielgruppen/it/slides/")
            .text()
            .contains("Quellwasser")
    );
    // The search index's documents (with their snippets) are in its shards.
    assert!(
        served
            .get("/assets/search/d0.js")
            .text()
            .contains("Quellwasser")
    );
    assert!(served.get("/print.html").text().contains("Quellwasser"));
    assert!(
        served
            .get("/argumente/netz/")
            .text()
            .contains("Quellwasser")
    );
    let log = served.wait_for_log("neu gebaut in");
    let rebuilt = log
        .lines()
        .find(|l| l.starts_with("neu gebaut in"))
        .expect("rebuilt line");
    assert!(rebuilt.contains("geändert: /argumente/netz/;"), "{log}");
    assert_eq!(
        written(&untouched),
        before,
        "an unrelated page was written again"
    );
    let on_disk = project.read("site/zielgruppen/it/slides/index.html");
    assert!(on_disk.contains("Quellwasser"));
}

#[test]
fn a_front_matter_edit_updates_the_listings_without_a_full_rebuild() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    project.write(
        "content/teil/seite.md",
        "---\ntitle: Seite\ndescription: Eine frische Beschreibung.\n---\nAlter Text auf der Seite.\n",
    );
    events.expect("reload", &|| served.log());
    served.wait_for("/teil/seite/", "the edit", |r| {
        r.text().contains("Eine frische Beschreibung.")
    });
    // The section's listing shows the description; asked for right after the page,
    // it is already current.
    assert!(
        served
            .get("/teil/")
            .text()
            .contains("Eine frische Beschreibung.")
    );
    // The listing came after the signal, in the deferred part, not in a full rebuild.
    let log = served.wait_for_log("die es anderswo zeigen");
    let rebuilt = log
        .lines()
        .find(|l| l.starts_with("neu gebaut in"))
        .expect("rebuilt line");
    assert!(rebuilt.contains("geändert: /teil/seite/;"), "{log}");
}

#[test]
fn a_save_by_rename_is_picked_up() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    // As vim (backupcopy=no), gedit or JetBrains do: write a temp file, rename it over.
    let temp = project.path().join("content/teil/.seite.md.tmp");
    std::fs::write(&temp, "---\ntitle: Seite\n---\nErsetzt per Umbenennen.\n").expect("temp");
    std::fs::rename(&temp, project.path().join("content/teil/seite.md")).expect("rename");
    events.expect("reload", &|| served.log());
    served.wait_for("/teil/seite/", "the replaced text", |r| {
        r.text().contains("Ersetzt per Umbenennen")
    });
    // A second save the same way is seen too: the folder is watched, not the inode.
    std::fs::write(&temp, "---\ntitle: Seite\n---\nZweites Mal ersetzt.\n").expect("temp");
    std::fs::rename(&temp, project.path().join("content/teil/seite.md")).expect("rename");
    events.expect("reload", &|| served.log());
    served.wait_for("/teil/seite/", "the second text", |r| {
        r.text().contains("Zweites Mal ersetzt")
    });
}

#[test]
fn a_deleted_page_disappears() {
    let project = project();
    let served = Served::start(&project);
    assert_eq!(served.get("/teil/seite/").status, 200);
    let events = served.events();
    std::fs::remove_file(project.path().join("content/teil/seite.md")).expect("delete");
    events.expect("reload", &|| served.log());
    served.wait_for("/teil/seite/", "404", |r| r.status == 404);
    assert!(!project.path().join("site/teil/seite/index.html").exists());
}

#[test]
fn a_build_folder_deleted_while_serving_is_written_whole_with_the_next_edit() {
    let project = project();
    let served = Served::start(&project);
    assert_eq!(served.get("/").status, 200);
    // The server answers from the build folder; the author deletes it.
    std::fs::remove_dir_all(project.path().join("site")).expect("delete the build folder");
    let events = served.events();
    project.write(
        "content/teil/seite.md",
        "---\ntitle: Seite\n---\nNach dem Löschen geschrieben.\n",
    );
    events.expect("reload", &|| served.log());
    served.wait_for("/teil/seite/", "the new text", |r| {
        r.text().contains("Nach dem Löschen")
    });
    // The pages the edit did not touch are back too, served and in the folder.
    let start = served.get("/");
    assert_eq!(start.status, 200);
    assert!(start.text().contains("Hallo Welt"), "{}", start.text());
    assert!(project.read("site/index.html").contains("Hallo Welt"));
    assert!(
        project
            .read("site/teil/seite/index.html")
            .contains("Nach dem Löschen")
    );
    assert!(project.read("site/extra.css").contains("color: black"));
}

#[test]
fn a_renamed_page_moves() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    std::fs::rename(
        project.path().join("content/teil/seite.md"),
        project.path().join("content/teil/andere.md"),
    )
    .expect("rename");
    events.expect("reload", &|| served.log());
    served.wait_for("/teil/andere/", "the page under its new name", |r| {
        r.status == 200 && r.text().contains("Alter Text")
    });
    assert_eq!(served.get("/teil/seite/").status, 404);
    assert!(!project.path().join("site/teil/seite/index.html").exists());
    assert!(project.path().join("site/teil/andere/index.html").exists());
}

#[test]
fn a_page_in_a_new_folder_is_served() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    project.write(
        "content/neu/unter/frisch.md",
        "---\ntitle: Frisch\n---\nGanz frisch.\n",
    );
    events.expect("reload", &|| served.log());
    served.wait_for("/neu/unter/frisch/", "the new page", |r| {
        r.status == 200 && r.text().contains("Ganz frisch")
    });
    // A later edit inside the new folder is watched as well.
    project.write(
        "content/neu/unter/frisch.md",
        "---\ntitle: Frisch\n---\nSchon geändert.\n",
    );
    served.wait_for("/neu/unter/frisch/", "the edit", |r| {
        r.text().contains("Schon geändert")
    });
}

#[test]
fn a_stylesheet_edit_restyles_without_a_reload() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    project.write("static/extra.css", "body { color: red; }\n");
    events.expect("css", &|| served.log());
    assert_eq!(served.get("/extra.css").text(), "body { color: red; }\n");
    assert_eq!(project.read("site/extra.css"), "body { color: red; }\n");
}

#[test]
fn temp_files_do_not_rebuild() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    project.write("content/teil/seite.md~", "backup");
    project.write("content/teil/.seite.md.swp", "swap");
    // A real edit afterwards: the watcher reports events in order, so once its rebuild
    // is done, any rebuild the temp files caused would have shown before or with it.
    project.write("content/teil/seite.md", &SEITE.replace("Alter", "Neuer"));
    events.expect("reload", &|| served.log());
    let log = served.wait_for_log("neu geladen");
    // The real edit may arrive as two events (truncate, then write) that a loaded
    // machine reports in two batches; the temp files must never be among them.
    let changes: Vec<&str> = log.lines().filter(|l| l.starts_with("geändert:")).collect();
    assert!(!changes.is_empty(), "{log}");
    assert!(
        changes
            .iter()
            .all(|l| *l == "geändert: content/teil/seite.md"),
        "{log}"
    );
}

#[test]
fn edits_made_while_the_build_folder_is_refused_reach_it_once_allowed() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    // A build folder that would replace the content is refused...
    project.write(
        "book.toml",
        &format!("{BOOK}\n[build]\nbuild-dir = \"content\"\n"),
    );
    events.expect("reload", &|| served.log());
    served.wait_for("/", "the overlay", |r| {
        r.text().contains("aus build-dir abgelehnt")
    });
    // ...while the author goes on writing...
    project.write(
        "content/teil/seite.md",
        "---\ntitle: Seite\n---\nGeschrieben, als der Ordner gesperrt war.\n",
    );
    served.wait_for_log("geändert: content/teil/seite.md");
    // ...and once it is allowed again, the folder holds everything.
    project.write("book.toml", BOOK);
    served.wait_for("/teil/seite/", "the edit without overlay", |r| {
        r.text().contains("gesperrt war") && !r.text().contains("buyin-error-overlay")
    });
    assert!(
        project
            .read("site/teil/seite/index.html")
            .contains("gesperrt war")
    );
}

#[test]
fn a_broken_edit_shows_the_overlay_and_a_fix_clears_it() {
    let project = project();
    let served = Served::start(&project);
    let events = served.events();
    project.write("content/teil/seite.md", "---\ntitel: Seite\n---\nKaputt.\n");
    events.expect("reload", &|| served.log());
    let broken = served.wait_for("/teil/seite/", "the overlay", |r| {
        r.text().contains("buyin-error-overlay")
    });
    let text = broken.text();
    assert!(
        text.contains("Alter Text"),
        "last good version still served"
    );
    assert!(
        // In the project's language (German here): the place and the field it names.
        text.contains("content/teil/seite.md:2:1: unbekanntes Feld &#39;titel&#39;"),
        "{text}"
    );
    assert!(
        text.contains("hint:") || text.contains("did you mean"),
        "{text}"
    );
    assert!(
        served.get("/").text().contains("buyin-error-overlay"),
        "on every page"
    );
    assert!(
        !project
            .read("site/teil/seite/index.html")
            .contains("overlay")
    );
    // Errors on the terminal too (written beside the overlay, not before it).
    served.wait_for_log("error: content/teil/seite.md");

    project.write(
        "content/teil/seite.md",
        "---\ntitle: Seite\n---\nRepariert.\n",
    );
    events.expect("reload", &|| served.log());
    let fixed = served.wait_for("/teil/seite/", "no overlay", |r| {
        !r.text().contains("buyin-error-overlay")
    });
    assert!(fixed.text().contains("Repariert."));
}

#[test]
fn a_failing_first_build_still_serves_the_overlay() {
    let project = Project::new(&[
        ("book.toml", BOOK),
        ("content/index.md", "---\ntitle: [kaputt\n---\nHallo.\n"),
    ]);
    let served = Served::start(&project);
    let reply = served.get("/");
    assert!(
        reply.text().contains("buyin-error-overlay"),
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("content/index.md:"));
    let events = served.events();
    project.write("content/index.md", "---\ntitle: Heil\n---\nWieder gut.\n");
    events.expect("reload", &|| served.log());
    let fixed = served.wait_for("/", "the page", |r| r.status == 200);
    assert!(fixed.text().contains("Wieder gut."));
    assert!(!fixed.text().contains("buyin-error-overlay"));
}
