//! The serve overlay speaks the project's language: its heading and the errors it lists
//! (German for `language = "de"`, English for `"en"`, `BUYIN_LANG` overriding), with the
//! same `PATH:LINE:COL:` places in both.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Project;
use common::served::Served;

fn get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("read");
    reply
}

/// Waits (on what the server answers, up to a minute) until `/` shows the overlay.
fn overlay(served: &Served) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = get(served.port, "/");
        if let Some(start) = page.find("<div id=\"buyin-error-overlay\"") {
            let rest = &page[start..];
            return rest[..rest.find("</div>").unwrap_or(rest.len())].to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no overlay; log:\n{}",
            served.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn project(language: &str) -> Project {
    Project::new(&[
        (
            "book.toml",
            &format!("[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n"),
        ),
        ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
        ("content/seite.md", "---\ntitle: Seite\n---\nText.\n"),
    ])
}

fn break_it(project: &Project) {
    project.write("content/seite.md", "---\ntitel: Seite\n---\nText.\n");
}

#[test]
fn the_overlay_speaks_german_for_a_german_project() {
    let project = project("de");
    let served = Served::start(&project);
    break_it(&project);
    let overlay = overlay(&served);
    assert!(
        overlay.contains("<strong>buyin: Build gescheitert (2 Fehler) – zu sehen ist der letzte gelungene Stand</strong>"),
        "{overlay}"
    );
    assert!(
        overlay.contains(
            "content/seite.md:2:1: unbekanntes Feld &#39;titel&#39; (meinten Sie &#39;title&#39;?)"
        ),
        "{overlay}"
    );
    assert!(
        overlay.contains("content/seite.md:1:1: Pflichtfeld &#39;title&#39; fehlt"),
        "{overlay}"
    );
    assert!(overlay.contains("aria-label=\"schließen\""), "{overlay}");
}

#[test]
fn the_overlay_speaks_english_for_an_english_project_or_when_asked() {
    let project = project("en");
    let served = Served::start(&project);
    break_it(&project);
    let overlay = overlay(&served);
    assert!(
        overlay.contains(
            "<strong>buyin: the build failed with 2 errors — showing the last good version</strong>"
        ),
        "{overlay}"
    );
    assert!(
        overlay.contains(
            "content/seite.md:2:1: unknown field &#39;titel&#39; (did you mean &#39;title&#39;?)"
        ),
        "{overlay}"
    );
    drop(served);

    // A German project, English on request.
    let german = self::project("de");
    let served = Served::start_env(&german, &[("BUYIN_LANG", "en")]);
    break_it(&german);
    let overlay = self::overlay(&served);
    assert!(
        overlay.contains("the build failed with 2 errors"),
        "{overlay}"
    );
}

#[test]
fn the_progress_lines_speak_the_project_language() {
    let german = project("de");
    let served = Served::start(&german);
    let log = served.log();
    assert!(log.contains("2 Seiten und 0 Vorträge in "), "{log}");
    assert!(log.contains("Vorschau auf http://127.0.0.1:"), "{log}");
    german.write("content/seite.md", "---\ntitle: Seite\n---\nNeuer Text.\n");
    let log = served.wait_for_log("neu geladen");
    assert!(log.contains("geändert: content/seite.md"), "{log}");
    assert!(log.contains("; geändert: /seite/;"), "{log}");

    let english = project("en");
    let served = Served::start(&english);
    let log = served.log();
    assert!(log.contains("built 2 pages and 0 decks in "), "{log}");
    assert!(log.contains("serving http://127.0.0.1:"), "{log}");
    english.write("content/seite.md", "---\ntitle: Seite\n---\nNew text.\n");
    let log = served.wait_for_log("; reloaded ");
    assert!(log.contains("changed: content/seite.md"), "{log}");
    assert!(log.contains("; changed: /seite/;"), "{log}");
}
