//! `buyin serve`: a real server on a free port, spoken to over raw TCP — content types,
//! 404, folder indexes, refused traversal, concurrency, ports, starting and stopping.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::served::{PATIENCE, Reply, Served};
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
fn a_taken_port_moves_to_the_next_free_one() {
    let project = project();
    let taken = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let served = Served::start_with(&project, &["--port", &port.to_string()]);
    assert_ne!(served.port, port);
    assert!(served.port > port);
    assert!(served.log().contains("ist belegt"), "{}", served.log());
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
        .any(|l: &String| l.contains("kein Browser ließ sich öffnen"))
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
        lines.iter().any(|l| l.starts_with("Vorschau auf http://")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warning: kein Browser ließ sich öffnen")
                && l.contains("von Hand öffnen")),
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
    served.wait_for_log("Vorschau beendet");
}
