//! A running `buyin serve` for the serve tests: started on a free port, its terminal
//! lines collected, killed when dropped; raw HTTP requests, replies and live-reload
//! streams to talk to it, and waits on what it logs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Project;

/// How long a rebuild may take before a test gives up (debug build, busy CI machine).
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A running `buyin serve`, killed when dropped.
pub struct Served {
    pub child: Child,
    pub port: u16,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    pub fn start(project: &Project) -> Served {
        Served::start_with(project, &["--port", "0"])
    }

    pub fn start_with(project: &Project, args: &[&str]) -> Served {
        Served::launch(project, args, &[])
    }

    /// `buyin serve --port 0` with extra environment variables (`BUYIN_LANG`).
    pub fn start_env(project: &Project, env: &[(&str, &str)]) -> Served {
        Served::launch(project, &["--port", "0"], env)
    }

    fn launch(project: &Project, args: &[&str], env: &[(&str, &str)]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_buyin"))
            .current_dir(project.path())
            .env_remove("BUYIN_LANG")
            .envs(env.iter().copied())
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start buyin serve");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    log.lock().expect("log").push(line.clone());
                    let _ = tx.send(line);
                }
            });
        }
        let mut served = Served {
            child,
            port: 0,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while served.port == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    // The line that names the address, in any language.
                    if let Some(rest) = line.split(" http://").nth(1) {
                        let address = rest.split('/').next().expect("address");
                        served.port = address
                            .rsplit(':')
                            .next()
                            .and_then(|p| p.parse().ok())
                            .expect("port");
                    }
                }
                Err(_) => panic!("no 'serving' line; log:\n{}", served.log()),
            }
        }
        served
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log").join("\n")
    }

    /// Sends `request` verbatim and reads the whole reply.
    pub fn raw(&self, request: &str) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        stream.write_all(request.as_bytes()).expect("send");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read reply");
        Reply::parse(&bytes)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ))
    }

    /// Waits until the terminal shows `needle`; returns the whole log.
    pub fn wait_for_log(&self, needle: &str) -> String {
        wait_for_text(needle, || self.log())
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// One HTTP reply.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn parse(bytes: &[u8]) -> Reply {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("status");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: bytes[split + 4..].to_vec(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Waits until `read` returns a text holding `needle`; returns that text.
pub fn wait_for_text(needle: &str, read: impl Fn() -> String) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let text = read();
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "the log never showed {needle:?}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Served {
    /// Opens the live-reload stream and waits for its greeting.
    pub fn events(&self) -> Events {
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
    pub fn wait_for(&self, path: &str, what: &str, test: impl Fn(&Reply) -> bool) -> Reply {
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
pub struct Events {
    _stream: TcpStream,
    rx: Receiver<(String, String)>,
}

impl Events {
    pub fn next(&self, timeout: Duration) -> Option<(String, String)> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Waits for an event named `name`, skipping others.
    pub fn expect(&self, name: &str, log: &dyn Fn() -> String) {
        let deadline = Instant::now() + PATIENCE;
        while let Some((event, _)) = self.next(deadline.saturating_duration_since(Instant::now())) {
            if event == name {
                return;
            }
        }
        panic!("no '{name}' event; log:\n{}", log());
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
