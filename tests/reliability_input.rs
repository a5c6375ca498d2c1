//! Reliability against hostile input: nesting deeper than any real page is an error with
//! a location, never a stack overflow, in `build` and in `serve`; so is a theme template
//! that includes itself or a macro that calls itself without end.

mod common;

use std::time::{Duration, Instant};

use common::served::Served;
use common::{BOOK, Project};

const START: &str = "---\ntitle: Start\n---\nHallo.\n";

/// `depth` callouts inside each other, starting on line 4 of the file.
fn callouts(depth: usize) -> String {
    let mut text = String::from("---\ntitle: Tief\n---\n");
    for _ in 0..depth {
        text.push_str("{% callout(kind=\"tip\") %}\n");
    }
    text.push_str("Ganz innen.\n");
    for _ in 0..depth {
        text.push_str("{% end %}\n");
    }
    text
}

/// Builds and asserts exit 1 with one located nesting error for `content/tief.md`, and
/// the previous site untouched.
fn assert_too_deep(body: &str, line: usize) {
    let project = Project::new(&[("book.toml", BOOK), ("content/index.md", START)]);
    project.build();
    let before = common::tree(&project.site());
    project.write("content/tief.md", body);
    let run = project.run(&["build"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflow"),
        "{stderr}"
    );
    let expected = format!("error: content/tief.md:{line}:");
    let error = stderr
        .lines()
        .find(|l| l.starts_with(&expected))
        .unwrap_or_else(|| panic!("no {expected} in:\n{stderr}"));
    assert!(error.contains(": Verschachtelung tiefer als 64"), "{error}");
    assert!(before == common::tree(&project.site()), "site/ changed");
}

#[test]
fn callouts_nested_two_thousand_deep_are_an_error_not_a_crash() {
    // The 64th callout opens on line 3 + 64.
    assert_too_deep(&callouts(2000), 3 + 64);
}

#[test]
fn quotes_and_lists_nested_two_thousand_deep_are_an_error_not_a_crash() {
    let quotes = format!("---\ntitle: Tief\n---\n{} Zitat\n", ">".repeat(2000));
    assert_too_deep(&quotes, 4);
    let mut lists = String::from("---\ntitle: Tief\n---\n");
    for level in 0..2000 {
        lists.push_str(&format!("{}- Punkt {level}\n", "  ".repeat(level)));
    }
    // Lists nest by indentation; the 65th opens on line 3 + 65.
    assert_too_deep(&lists, 3 + 65);
    let mixed = format!("---\ntitle: Tief\n---\n{}Tief\n", "> - ".repeat(1000));
    assert_too_deep(&mixed, 4);
}

#[test]
fn nesting_a_real_page_may_use_still_builds() {
    let project = Project::new(&[
        ("book.toml", BOOK),
        ("content/index.md", START),
        ("content/tief.md", &callouts(20)),
        (
            "content/liste.md",
            &format!("---\ntitle: Liste\n---\n{} Zitat\n", ">".repeat(30)),
        ),
    ]);
    project.build();
    let page = project.read("site/tief/index.html");
    assert_eq!(page.matches("Ganz innen.").count(), 1);
    assert!(page.matches("callout").count() >= 20);
}

#[test]
fn serve_shows_the_nesting_error_in_the_overlay_and_keeps_running() {
    let project = Project::new(&[("book.toml", BOOK), ("content/index.md", START)]);
    let served = Served::start(&project);
    project.write("content/tief.md", &callouts(2000));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = served.get("/").text();
        if text.contains("content/tief.md:67:") && text.contains("Verschachtelung tiefer als 64") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no overlay with the nesting error; log:\n{}",
            served.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Still serving, and a fix clears the error.
    project.write("content/tief.md", &callouts(3));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let reply = served.get("/tief/");
        if reply.status == 200 && reply.text().contains("Ganz innen.") {
            assert!(!served.get("/").text().contains("Verschachtelung tiefer"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the fixed page never arrived; log:\n{}",
            served.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A project beside a folder `draussen/` that is not part of it.
#[cfg(unix)]
fn project_with_neighbour() -> (tempfile::TempDir, std::path::PathBuf) {
    let outer = tempfile::tempdir().expect("temp dir");
    let proj = outer.path().join("proj");
    for (path, text) in [
        ("proj/book.toml", BOOK),
        ("proj/content/index.md", START),
        ("proj/static/bilder/karte.svg", "<svg/>"),
        ("proj/privat.txt", "privat"),
        ("draussen/geheim.txt", "geheim"),
        ("draussen/seite.md", "---\ntitle: Fremd\n---\nFremd.\n"),
    ] {
        common::write(&outer.path().join(path), text.as_bytes());
    }
    (outer, proj)
}

#[cfg(unix)]
#[test]
fn links_out_of_a_source_folder_are_skipped_with_a_warning_and_links_inside_are_followed() {
    use std::os::unix::fs::symlink;
    let (outer, proj) = project_with_neighbour();
    let outside = outer.path().join("draussen");
    std::fs::create_dir_all(proj.join("static")).expect("static");
    symlink(&outside, proj.join("static/aussen")).expect("link");
    symlink(outside.join("geheim.txt"), proj.join("static/geheim.txt")).expect("link");
    symlink(proj.join("static/bilder"), proj.join("static/innen")).expect("link");
    symlink(proj.join("privat.txt"), proj.join("static/privat.txt")).expect("link");
    symlink(outer.path().join("fehlt"), proj.join("static/kaputt")).expect("link");
    symlink(proj.join("static"), proj.join("static/schleife")).expect("link");
    std::fs::create_dir_all(proj.join("site")).expect("site");
    symlink(proj.join("site"), proj.join("static/alt")).expect("link");
    symlink(&outside, proj.join("content/extern")).expect("link");

    let out = assert_cmd::Command::cargo_bin("buyin")
        .expect("buyin")
        .current_dir(&proj)
        .arg("build")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The project is German, so are its warnings.
    for (link, why) in [
        ("static/aussen", "zeigt aus 'static' hinaus"),
        ("static/geheim.txt", "zeigt aus 'static' hinaus"),
        ("static/privat.txt", "zeigt aus 'static' hinaus"),
        ("static/kaputt", "sein Ziel gibt es nicht"),
        (
            "static/schleife",
            "verweist zurück auf einen Ordner über ihm",
        ),
        ("static/alt", "zeigt aus 'static' hinaus"),
        ("content/extern", "zeigt aus 'content' hinaus"),
    ] {
        assert!(
            stderr.lines().any(|l| l.starts_with(&format!(
                "warning: {link}:1:1: symbolischer Link übersprungen"
            )) && l.contains(why)),
            "no warning for {link} ({why}):\n{stderr}"
        );
    }
    let english = assert_cmd::Command::cargo_bin("buyin")
        .expect("buyin")
        .current_dir(&proj)
        .env("BUYIN_LANG", "en")
        .arg("check")
        .output()
        .expect("run");
    let english = String::from_utf8_lossy(&english.stderr);
    for line in [
        "warning: static/kaputt:1:1: skipped symbolic link (its target does not exist)",
        "warning: static/schleife:1:1: skipped symbolic link (it links back to a folder above it)",
    ] {
        assert!(english.contains(line), "no {line:?} in:\n{english}");
    }
    let site = proj.join("site");
    assert!(!site.join("aussen").exists() && !site.join("geheim.txt").exists());
    assert!(!site.join("schleife").exists() && !site.join("alt").exists());
    assert!(
        !site.join("privat.txt").exists(),
        "a project file outside static/ was copied"
    );
    assert!(
        !site.join("extern").exists(),
        "a page from outside was built"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("innen/karte.svg")).expect("followed link"),
        "<svg/>"
    );
    assert!(site.join("index.html").is_file());
}

#[test]
fn content_folders_nested_deeper_than_the_navigation_allows_are_an_error() {
    let project = Project::new(&[("book.toml", BOOK), ("content/index.md", START)]);
    project.build();
    let before = common::tree(&project.site());
    let mut folder = String::from("content");
    for _ in 0..300 {
        folder.push_str("/a");
        project.write(&format!("{folder}/index.md"), "---\ntitle: Tief\n---\nx\n");
    }
    let run = project.run_en(&["build"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    let shallowest = format!("content{}/index.md", "/a".repeat(32));
    assert!(
        stderr.contains(&format!(
            "error: {shallowest}:1:1: nesting deeper than 32 folders (269 files that deep)"
        )),
        "{stderr}"
    );
    assert!(before == common::tree(&project.site()), "site/ changed");
}

/// Builds once, then adds the theme template `file` and asserts exit 1 with the
/// `expected` error line, and the previous site untouched.
fn assert_endless_theme(file: &str, text: &str, expected: &str) {
    let project = Project::new(&[("book.toml", BOOK), ("content/index.md", START)]);
    project.build();
    let before = common::tree(&project.site());
    project.write(&format!("themes/default/templates/{file}"), text);
    let run = project.run(&["build"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflow"),
        "{stderr}"
    );
    assert!(
        stderr.lines().any(|l| l.starts_with(expected)),
        "no {expected} in:\n{stderr}"
    );
    assert!(stderr.contains("hint: setzen Sie das include oder den Makroaufruf in ein {% if %}"));
    assert!(before == common::tree(&project.site()), "site/ changed");
}

#[test]
fn a_theme_template_that_includes_itself_is_an_error_not_a_crash() {
    assert_endless_theme(
        "part.html",
        "<p>Teil</p>\n{% include \"part.html\" %}\n",
        "error: themes/default/templates/part.html:2:13: Vorlage ruft sich endlos selbst auf \
         (part.html → part.html)",
    );
}

#[test]
fn a_theme_macro_that_calls_itself_without_end_is_an_error_not_a_crash() {
    assert_endless_theme(
        "loop.html",
        "{% macro again() %}\n{{ self::again() }}\n{% endmacro again %}\n",
        "error: themes/default/templates/loop.html:2:4: Vorlage ruft sich endlos selbst auf \
         (loop.html::again → loop.html::again)",
    );
}
