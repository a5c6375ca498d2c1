//! `buyin serve` under hostile or heavy use, on a real port: foreign `Host` names,
//! HTTP/2 and upload attempts, hundreds of idle connections and live-reload streams,
//! SIGTERM, and a link in `static/` that points outside the project.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::served::{PATIENCE, Reply, Served, wait_for_text};
use common::{BOOK, Project};

fn project() -> Project {
    Project::new(&[
        ("book.toml", BOOK),
        ("content/index.md", "---\ntitle: Start\n---\nHallo Welt.\n"),
        ("content/seite.md", "---\ntitle: Seite\n---\nAlter Text.\n"),
    ])
}

fn get_with_host(served: &Served, host: &str) -> Reply {
    served.raw(&format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    ))
}

/// Sends `bytes` and reads until the server closes; panics if it does not answer and
/// close within `limit`.
fn answer_within(served: &Served, bytes: &[u8], limit: Duration) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
    stream.set_read_timeout(Some(limit)).expect("timeout");
    stream.write_all(bytes).expect("send");
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .unwrap_or_else(|e| panic!("no answer and close within {limit:?} ({e})"));
    Reply::parse(&reply)
}

#[test]
fn foreign_host_names_are_refused_and_local_ones_served() {
    let project = project();
    let served = Served::start_with(&project, &["--port", "0", "--allow-host", "vorschau.test"]);
    let port = served.port;
    let evil = get_with_host(&served, "evil.example");
    assert_eq!(evil.status, 403, "DNS rebinding: {}", evil.text());
    assert!(evil.text().contains("--allow-host"), "{}", evil.text());
    assert_eq!(
        get_with_host(&served, &format!("evil.example:{port}")).status,
        403
    );
    for host in [
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("vorschau.test:{port}"),
    ] {
        let reply = get_with_host(&served, &host);
        assert_eq!(reply.status, 200, "{host}");
        assert!(reply.text().contains("Hallo Welt"), "{host}");
    }
}

#[test]
fn bound_to_all_addresses_the_lan_address_works() {
    let project = project();
    let served = Served::start_with(&project, &["--port", "0", "--bind", "0.0.0.0"]);
    // A phone on the LAN sends the machine's address; an address cannot be rebound.
    let lan = get_with_host(&served, &format!("192.168.1.20:{}", served.port));
    assert_eq!(lan.status, 200);
    assert_eq!(get_with_host(&served, "evil.example").status, 403);
}

#[test]
fn http2_and_request_bodies_are_refused_at_once() {
    let project = project();
    let served = Served::start(&project);
    let limit = Duration::from_secs(5);
    let http2 = answer_within(&served, b"GET / HTTP/2.0\r\nHost: localhost\r\n\r\n", limit);
    assert_eq!(http2.status, 505);
    // The request line alone is enough to know.
    assert_eq!(
        answer_within(&served, b"GET / HTTP/2.0\r\n", limit).status,
        505
    );
    let preface = answer_within(&served, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", limit);
    assert_eq!(preface.status, 505);
    // 100 GB announced, a little of it sent: answered and closed, the rest never read.
    let mut post =
        b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 107374182400\r\n\r\n".to_vec();
    post.extend(std::iter::repeat_n(b'x', 64 * 1024));
    let refused = answer_within(&served, &post, limit);
    assert_eq!(refused.status, 405);
    assert_eq!(refused.header("allow"), Some("GET, HEAD"));
    let upload = answer_within(
        &served,
        b"GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 107374182400\r\n\r\n",
        limit,
    );
    assert_eq!(upload.status, 413);
    assert_eq!(served.get("/").status, 200, "still serving");
}

/// The process's thread count, from /proc.
fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("Threads line")
}

/// Reads from `stream` until `needle` arrived.
fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let mut seen = Vec::new();
    let mut buffer = [0u8; 1024];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
            Err(e) => panic!(
                "waiting for {needle:?}: {e}; got {:?}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn idle_connections_and_open_pages_do_not_cost_a_thread_each() {
    let project = project();
    let served = Served::start(&project);
    let pid = served.child.id();
    let before = threads(pid);
    let idle: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(("127.0.0.1", served.port)).expect("connect"))
        .collect();
    let mut streams: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
            stream
                .write_all(b"GET /__buyin/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .expect("send");
            stream
        })
        .collect();
    for stream in &mut streams {
        let greeting = read_until(stream, "event: hello");
        assert!(greeting.starts_with("HTTP/1.1 200"), "{greeting}");
    }
    // With all of that open, a page is still answered at once.
    let page = served.get("/seite/");
    assert_eq!(page.status, 200);
    let during = threads(pid);
    eprintln!("threads: {before} before, {during} with 500 idle connections and 200 streams");
    assert!(
        during <= before + 4,
        "threads grew from {before} to {during} under 500 idle connections and 200 streams"
    );
    // One edit reaches every open page.
    project.write("content/seite.md", "---\ntitle: Seite\n---\nNeuer Text.\n");
    for stream in &mut streams {
        read_until(stream, "event: reload");
    }
    drop(idle);
}

#[test]
fn live_reload_streams_beyond_the_cap_are_refused_clearly() {
    let project = project();
    let served = Served::start(&project);
    let mut streams = Vec::new();
    let refused = loop {
        let mut stream = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
        stream
            .write_all(b"GET /__buyin/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .expect("send");
        let head = read_until(&mut stream, "\r\n\r\n");
        if !head.starts_with("HTTP/1.1 200") {
            break (head, streams.len());
        }
        streams.push(stream);
        assert!(streams.len() <= 1000, "no cap on live-reload streams");
    };
    eprintln!(
        "live-reload streams: {} accepted, the next refused",
        refused.1
    );
    assert!(refused.0.starts_with("HTTP/1.1 503"), "{}", refused.0);
    assert!(refused.1 >= 200, "only {} streams allowed", refused.1);
    assert_eq!(served.get("/").status, 200, "pages are still served");
}

/// Waits for the process to end; `None` if it is still running after `limit`.
fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<(Option<i32>, Duration)> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("wait") {
            return Some((status.code(), started.elapsed()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_within_half_a_second() {
    let project = project();
    let mut served = Served::start(&project);
    let mut page = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
    page.write_all(b"GET /__buyin/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("send");
    read_until(&mut page, "event: hello");
    let _idle = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
    let status = Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let (code, took) = wait_for_exit(&mut served.child, Duration::from_secs(10))
        .expect("still running 10 s after SIGTERM");
    assert_eq!(code, Some(0));
    eprintln!("SIGTERM: stopped in {took:?}");
    assert!(took < Duration::from_millis(500), "took {took:?} to stop");
}

/// A `buyin serve` whose terminal output goes into a file.
struct LoggedServe {
    child: Child,
    log: std::path::PathBuf,
}

impl LoggedServe {
    fn wait_for(&self, needle: &str) -> String {
        wait_for_text(needle, || {
            std::fs::read_to_string(&self.log).unwrap_or_default()
        })
    }
}

impl Drop for LoggedServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_project_is_not_watched() {
    let project = project();
    let outside = tempfile::tempdir().expect("outside");
    std::fs::create_dir_all(project.path().join("static")).expect("static");
    std::os::unix::fs::symlink(outside.path(), project.path().join("static/extern"))
        .expect("symlink");
    // serve's own log lives behind the link: each line it writes would be a change.
    let log = outside.path().join("serve.log");
    let file = std::fs::File::create(&log).expect("log file");
    let child = Command::new(env!("CARGO_BIN_EXE_buyin"))
        .current_dir(project.path())
        .args(["serve", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(file))
        .spawn()
        .expect("start buyin serve");
    let served = LoggedServe { child, log };
    served.wait_for("Vorschau auf http://");
    for i in 0..20 {
        std::fs::write(outside.path().join(format!("notiz-{i}.txt")), "draußen").expect("write");
    }
    // A real edit afterwards: events arrive in order, so when its rebuild is logged, any
    // rebuild caused by the writes behind the link would be in the log too.
    project.write("content/seite.md", "---\ntitle: Seite\n---\nNeuer Text.\n");
    let log = served.wait_for("neu geladen");
    let changes: Vec<&str> = log.lines().filter(|l| l.starts_with("geändert:")).collect();
    assert_eq!(changes, ["geändert: content/seite.md"], "{log}");
    let rebuilds = log
        .lines()
        .filter(|l| l.starts_with("neu gebaut in"))
        .count();
    assert_eq!(rebuilds, 1, "{log}");
}
