//! Drafts and placeholders: `new` writes drafts whose placeholder text is marked, `check`
//! and `build` warn about placeholder text left in a published file, `serve` shows drafts
//! with a badge while `build` leaves them out; `new stage`, `new deck` and `new case`
//! write nothing the author did not ask for.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::served::Served;
use common::{BOOK, Project};

fn empty_project(book: &str) -> Project {
    Project::new(&[
        ("book.toml", book),
        ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
    ])
}

fn new(project: &Project, args: &[&str]) -> String {
    let mut all = vec!["new"];
    all.extend(args);
    let run = project.run(&all);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let created = run.stderr();
    created
        .split_whitespace()
        .find(|w| w.starts_with("content/"))
        .unwrap_or_else(|| panic!("no path in {created:?}"))
        .to_string()
}

fn publish(project: &Project, path: &str) {
    let text = project.read(path).replace("draft: true\n", "");
    project.write(path, &text);
}

#[test]
fn new_writes_a_draft_that_build_leaves_out_and_check_does_not_flag() {
    let project = empty_project(BOOK);
    let path = new(&project, &["argument", "Zu teuer"]);
    assert_eq!(path, "content/argumente/zu-teuer.md");
    let text = project.read(&path);
    assert!(text.contains("\ndraft: true\n"), "{text}");
    assert!(text.contains("TODO: Der Einwand"), "{text}");
    let check = project.run(&["check"]);
    assert_eq!(check.code(), 0, "{}", check.stderr());
    assert!(!check.stderr().contains("warning:"), "{}", check.stderr());
    project.build();
    assert!(!project.path().join("site/argumente/zu-teuer").exists());
}

#[test]
fn placeholder_text_left_in_a_published_file_is_a_warning_with_its_line() {
    let project = empty_project(BOOK);
    let path = new(&project, &["argument", "Zu teuer"]);
    publish(&project, &path);
    let lines: Vec<usize> = project
        .read(&path)
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("TODO"))
        .map(|(n, _)| n + 1)
        .collect();
    assert!(lines.len() >= 4, "{lines:?}");
    let check = project.run(&["check"]);
    assert_eq!(check.code(), 0, "warnings do not fail: {}", check.stderr());
    for line in &lines {
        let place = format!("warning: {path}:{line}:");
        assert!(
            check.stderr().contains(&place),
            "{place} in\n{}",
            check.stderr()
        );
    }
    assert!(
        check
            .stderr()
            .contains("Platzhaltertext in einer veröffentlichten Datei ('TODO: Der Einwand"),
        "{}",
        check.stderr()
    );
    let build = project.build();
    assert!(
        build
            .stderr()
            .contains(&format!("warning: {path}:{}:", lines[0])),
        "{}",
        build.stderr()
    );
    let english = project.run_en(&["check"]);
    assert!(
        english
            .stderr()
            .contains("placeholder text left in a published file"),
        "{}",
        english.stderr()
    );
    // In fenced code, TODO is an example, not a placeholder.
    project.write(
        &path,
        "---\ntitle: T\nkind: argument\nobjection: O\nsummary: S\nstakeholders: [IT]\n---\n```\nTODO: Beispiel\n```\nTODOS sind keine Platzhalter.\n",
    );
    let clean = project.run(&["check"]);
    assert!(!clean.stderr().contains("warning:"), "{}", clean.stderr());
}

#[test]
fn new_stage_takes_the_next_free_number() {
    let project = empty_project(BOOK);
    let first = new(&project, &["stage", "Zuhören"]);
    let second = new(&project, &["stage", "Antworten"]);
    assert!(project.read(&first).contains("\nstage: 1\n"));
    assert!(
        project.read(&second).contains("\nstage: 2\n"),
        "{}",
        project.read(&second)
    );
    publish(&project, &first);
    publish(&project, &second);
    let check = project.run_en(&["check"]);
    assert!(
        !check.stderr().contains("also used by"),
        "{}",
        check.stderr()
    );
}

#[test]
fn new_deck_sets_an_audience_only_when_asked() {
    let project = empty_project(BOOK);
    let plain = new(&project, &["deck", "Vortrag für den Betriebsrat"]);
    assert!(
        !project.read(&plain).contains("audience"),
        "{}",
        project.read(&plain)
    );
    let aimed = new(
        &project,
        &["deck", "Vortrag für die IT", "--audience", "IT-Abteilung"],
    );
    assert!(
        project
            .read(&aimed)
            .contains("\naudience: \"IT-Abteilung\"\n"),
        "{}",
        project.read(&aimed)
    );
    publish(&project, &aimed);
    project.build();
    assert!(
        project
            .path()
            .join("site/zielgruppen/it-abteilung/index.html")
            .is_file()
    );
}

#[test]
fn new_case_writes_no_zero_metric() {
    let project = empty_project(BOOK);
    let path = new(&project, &["case", "Stadtwerke"]);
    let text = project.read(&path);
    assert!(!text.contains("value: 0"), "{text}");
    publish(&project, &path);
    project.build();
    let page = project.html("site/praxis/stadtwerke/index.html");
    assert_eq!(page.count(".chart"), 0, "no chart of nothing");
    assert_eq!(page.count("main h1"), 1);
}

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

#[test]
fn serve_shows_drafts_with_a_badge_and_build_leaves_them_out() {
    for (language, badge) in [("de", "Entwurf"), ("en", "Draft")] {
        let project = empty_project(&format!(
            "[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n"
        ));
        project.write(
            "content/entwurf.md",
            "---\ntitle: Noch nicht fertig\ndraft: true\n---\nText.\n",
        );
        let served = Served::start(&project);
        let page = get(served.port, "/entwurf/");
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        let html = page.split("\r\n\r\n").nth(1).unwrap_or_default();
        let doc = scraper::Html::parse_document(html);
        let selector = scraper::Selector::parse(".draft-badge").expect("selector");
        let badges: Vec<String> = doc
            .select(&selector)
            .map(|b| b.text().collect::<String>())
            .collect();
        assert_eq!(badges, [badge], "{language}");
        let published = get(served.port, "/");
        assert!(
            !published.contains("draft-badge"),
            "only drafts get the badge"
        );
        drop(served);
        project.build();
        assert!(!project.path().join("site/entwurf").exists());
    }
}
