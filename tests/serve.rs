//! `buyin serve`: a real server on a free port, spoken to over raw TCP — content types,
//! 404, folder indexes, refused traversal, concurrency, and live reload after real edits.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::served::{PATIENCE, Reply, Served};
use common::{BOOK, Project};

impl Served {
    /// Opens the live-reload stream and waits for its greeting.
    fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .write_all(b"GET /__buyin/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("send");
        let (tx, rx) = mpsc::channel();
        let reader = stream.try_clone().expect("clone");
        std::thread::spawn(move || {
            let mut lines = BufReader::new(reader).lines().map_while(Result::ok);
            let mut head = String::new();
            for line in lines.by_ref() {
                if line.is_empty() {
                    break;
                }
                head.push_str(&line);
                head.push('\n');
            }
            let _ = tx.send(("head".to_string(), head));
            let mut event = String::from("message");
            for line in lines {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ") {
                    if tx.send((event.clone(), data.to_string())).is_err() {
                        return;
                    }
                    event = "message".into();
                }
            }
        });
        let events = Events {
            _stream: stream,
            rx,
        };
        let (_, head) = events.rx.recv_timeout(PATIENCE).expect("event stream head");
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("Content-Type: text/event-stream"), "{head}");
        assert!(
            !head.to_ascii_lowercase().contains("content-length"),
            "{head}"
        );
        assert!(
            !head.to_ascii_lowercase().contains("transfer-encoding"),
            "{head}"
        );
        assert!(events.next(PATIENCE).is_some_and(|(e, _)| e == "hello"));
        events
    }

    /// Polls `path` until its body satisfies `test`.
    fn wait_for(&self, path: &str, what: &str, test: impl Fn(&Reply) -> bool) -> Reply {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let reply = self.get(path);
            if test(&reply) {
                return reply;
            }
            if Instant::now() > deadline {
                panic!(
                    "{path} never showed {what}; last reply {} {}\nlog:\n{}",
                    reply.status,
                    reply.text(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// An open `/__buyin/events` stream.
struct Events {
    _stream: TcpStream,
    rx: Receiver<(String, String)>,
}

impl Events {
    fn next(&self, timeout: Duration) -> Option<(String, String)> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Waits for an event named `name`, skipping others.
    fn expect(&self, name: &str, log: &dyn Fn() -> String) {
        let deadline = Instant::now() + PATIENCE;
        while let Some((event, _)) = self.next(deadline.saturating_duration_since(Instant::now())) {
            if event == name {
                return;
            }
        }
        panic!("no '{name}' event; log:\n{}", log());
    }
}

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
fn files_are_served_with_their_content_types_and_no_store() {
    let mut files = vec![
        ("book.toml", BOOK),
        ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
    ];
    let statics = [
        ("static/a.css", "text/css; charset=utf-8"),
        ("static/a.js", "text/javascript; charset=utf-8"),
        ("static/a.svg", "image/svg+xml"),
        ("static/a.png", "image/png"),
        ("static/a.jpg", "image/jpeg"),
        ("static/a.gif", "image/gif"),
        ("static/a.webp", "image/webp"),
        ("static/a.ico", "image/x-icon"),
        ("static/a.json", "application/json"),
        ("static/a.xml", "application/xml"),
        ("static/a.pdf", "application/pdf"),
        ("static/a.woff2", "font/woff2"),
        ("static/a.txt", "text/plain; charset=utf-8"),
        ("static/a.md", "text/markdown; charset=utf-8"),
    ];
    for (path, _) in statics {
        files.push((path, "x"));
    }
    let project = Project::new(&files);
    let served = Served::start(&project);
    let index = served.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(index.header("cache-control"), Some("no-store"));
    for (path, kind) in statics {
        let url = format!("/{}", path.trim_start_matches("static/"));
        let reply = served.get(&url);
        assert_eq!(reply.status, 200, "{url}");
        assert_eq!(reply.header("content-type"), Some(kind), "{url}");
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{url}");
        assert_eq!(reply.body, b"x", "{url}: only HTML gets the reload script");
    }
}

#[test]
fn pages_get_the_reload_script_but_the_build_folder_does_not() {
    let project = project();
    let served = Served::start(&project);
    let page = served.get("/teil/seite/").text();
    let script = page
        .find("new EventSource(\"/__buyin/events\")")
        .expect("script");
    let body_end = page.rfind("</body>").expect("</body>");
    assert!(script < body_end, "script before </body>");
    let on_disk = project.read("site/teil/seite/index.html");
    assert!(on_disk.contains("Alter Text"));
    assert!(
        !on_disk.contains("__buyin"),
        "no script in the build folder"
    );
}

#[test]
fn missing_pages_get_the_404_page_with_status_404() {
    let project = project();
    let served = Served::start(&project);
    let reply = served.get("/gibt/es/nicht/");
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // The site's own 404.html, made to work at any depth.
    let page = project.html("site/404.html");
    assert!(reply.text().contains(&page.text("h1")));
    assert!(reply.text().contains("<base href=\"/\">"));
    assert_eq!(served.get("/nicht.css").status, 404);
}

#[test]
fn folders_serve_their_index_and_get_their_slash() {
    let project = project();
    let served = Served::start(&project);
    let folder = served.get("/teil/");
    assert_eq!(folder.status, 200);
    assert!(folder.text().contains("Ein Teil."));
    let redirect = served.get("/teil");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location"), Some("/teil/"));
    assert_eq!(
        served.get("/teil/seite?x=1").header("location"),
        Some("/teil/seite/?x=1")
    );
    assert_eq!(served.get("/teil/seite/index.html").status, 200);
    let head = served.raw("HEAD /teil/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let post = served.raw(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);
}

#[test]
fn requests_outside_the_site_are_refused() {
    let project = project();
    project.write("geheim.txt", "STRENG-GEHEIM");
    std::fs::create_dir_all(project.path().join("static")).expect("static");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        project.path().join("geheim.txt"),
        project.path().join("static/link.txt"),
    )
    .expect("symlink");
    let served = Served::start(&project);
    for path in [
        "/../geheim.txt",
        "/../../../../etc/passwd",
        "/teil/../../geheim.txt",
        "/%2e%2e/geheim.txt",
        "/%2E%2E/%2e%2e/geheim.txt",
        "/..%2fgeheim.txt",
        "/teil/..%2F..%2Fgeheim.txt",
        "/..%5cgeheim.txt",
        "/..\\geheim.txt",
        "//geheim.txt",
        "/geheim.txt%00",
        "/%00",
        "/link.txt",
        "http://127.0.0.1/../geheim.txt",
        "/C:/Windows/win.ini",
    ] {
        let reply = served.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ));
        assert!(
            [400, 403, 404].contains(&reply.status),
            "{path}: status {}",
            reply.status
        );
        assert!(
            !reply.text().contains("STRENG-GEHEIM"),
            "{path} leaked the file"
        );
    }
    assert_eq!(served.get("/").status, 200, "still serving");
}

#[test]
fn fifty_concurrent_requests_are_answered_while_a_client_stalls() {
    let project = project();
    let served = Served::start(&project);
    // Half a request, held open for the whole test.
    let mut stalled = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
    stalled
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .expect("half request");
    // And an open event stream, which must not take a worker either.
    let _events = served.events();
    let started = Instant::now();
    let port = served.port;
    let handles: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                let path = if i % 2 == 0 { "/" } else { "/teil/seite/" };
                let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .expect("timeout");
                write!(
                    stream,
                    "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                .expect("send");
                let mut bytes = Vec::new();
                stream.read_to_end(&mut bytes).expect("reply within 10 s");
                Reply::parse(&bytes).status
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().expect("thread"), 200);
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(stalled);
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
    served.wait_for_log("changed: /teil/seite/");
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
    assert!(
        served
            .get("/assets/search-index.js")
            .text()
            .contains("quellwasser")
    );
    assert!(served.get("/print.html").text().contains("Quellwasser"));
    assert!(
        served
            .get("/argumente/netz/")
            .text()
            .contains("Quellwasser")
    );
    let log = served.wait_for_log("rebuilt in");
    let rebuilt = log
        .lines()
        .find(|l| l.starts_with("rebuilt in"))
        .expect("rebuilt line");
    assert!(rebuilt.contains("changed: /argumente/netz/;"), "{log}");
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
    let log = served.wait_for_log("files that show it elsewhere");
    let rebuilt = log
        .lines()
        .find(|l| l.starts_with("rebuilt in"))
        .expect("rebuilt line");
    assert!(rebuilt.contains("changed: /teil/seite/;"), "{log}");
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
    let log = served.wait_for_log("reloaded");
    let changes: Vec<&str> = log.lines().filter(|l| l.starts_with("changed:")).collect();
    assert_eq!(changes, ["changed: content/teil/seite.md"], "{log}");
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
        r.text().contains("refusing build folder")
    });
    // ...while the author goes on writing...
    project.write(
        "content/teil/seite.md",
        "---\ntitle: Seite\n---\nGeschrieben, als der Ordner gesperrt war.\n",
    );
    served.wait_for_log("changed: content/teil/seite.md");
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
        text.contains("content/teil/seite.md:2:1: unknown field"),
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
    assert!(
        served.log().contains("error: content/teil/seite.md"),
        "errors on the terminal"
    );

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

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let project = project();
    let taken = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let served = Served::start_with(&project, &["--port", &port.to_string()]);
    assert_ne!(served.port, port);
    assert!(served.port > port);
    assert!(served.log().contains("is taken"), "{}", served.log());
    assert_eq!(served.get("/").status, 200);
}

#[test]
fn binding_beyond_loopback_warns() {
    let project = project();
    let served = Served::start_with(&project, &["--port", "0", "--bind", "0.0.0.0"]);
    assert!(served.log().contains("warning:"), "{}", served.log());
    assert_eq!(served.get("/").status, 200);
}

#[test]
fn open_without_a_browser_only_warns() {
    let project = project();
    let empty = tempfile::tempdir().expect("empty PATH");
    let mut child = Command::new(env!("CARGO_BIN_EXE_buyin"))
        .current_dir(project.path())
        .args(["serve", "--port", "0", "--open"])
        .env("PATH", empty.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while !lines
        .iter()
        .any(|l: &String| l.contains("could not open a browser"))
    {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => lines.push(line),
            Err(_) => break,
        }
    }
    let still_running = child.try_wait().expect("wait").is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(still_running, "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("serving http://")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warning: could not open a browser")),
        "{lines:?}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let project = project();
    let mut served = Served::start(&project);
    let _events = served.events();
    let status = Command::new("kill")
        .args(["-INT", &served.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(status) = served.child.try_wait().expect("wait") {
            break status.code();
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0));
    served.wait_for_log("stopped serving");
}
