//! A running `buyin serve` for the serve tests: started on a free port, its terminal
//! lines collected, killed when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Project;

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
        let mut child = Command::new(env!("CARGO_BIN_EXE_buyin"))
            .current_dir(project.path())
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
                    if let Some(rest) = line.split("serving http://").nth(1) {
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

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
