//! The Chromium-based browser that prints PDF exports: finding it (the one the user
//! names with `--browser`, `BUYIN_BROWSER` or `[export] browser`, else the first of
//! Chromium, Google Chrome and Microsoft Edge on the `PATH` or in their usual install
//! places) and starting it headless with a fresh profile for the DevTools client.
//!
//! buyin starts the process itself rather than through the DevTools client's launcher:
//! that one waits 30 s for a browser that has already exited, eleven times over, before
//! it gives up. Here the browser's exit ends the wait at once, and its last words become
//! the message.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::catalog::Args;
use crate::diag::Diagnostic;

/// Program names of Chromium-based browsers, most specific first.
const PROGRAMS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
];

/// Install places that are not on the `PATH` (macOS app bundles, Windows).
const PLACES: &[&str] = &[
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
];

/// How long a starting browser may take to open its DevTools port.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The browser to print with: `chosen` when given (it must exist), else the first
/// one found on the machine. A problem stops every printed export; it names no place
/// yet.
pub fn find(chosen: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    if let Some(path) = chosen {
        let found = if path.components().count() == 1 {
            which::which(path).ok()
        } else {
            path.is_file().then(|| path.to_path_buf())
        };
        return found.ok_or_else(|| {
            Diagnostic::coded(
                "browser-not-found",
                &[("browser", &path.display().to_string())],
            )
        });
    }
    PROGRAMS
        .iter()
        .find_map(|name| which::which(name).ok())
        .or_else(|| PLACES.iter().map(PathBuf::from).find(|p| p.is_file()))
        .ok_or_else(|| Diagnostic::coded("no-browser", &[]))
}

/// A headless browser process with its own profile folder; both end when it drops.
pub struct Process {
    child: Child,
    /// The DevTools WebSocket address the browser announced.
    pub ws_url: String,
    _profile: tempfile::TempDir,
}

impl Process {
    /// Starts the browser at `path` headless and waits until it listens for DevTools.
    pub fn start(path: &Path) -> Result<Process, Diagnostic> {
        // Each way of not starting has its own catalogue entry, so that the reason
        // too reads in the project's language.
        let shown = path.display().to_string();
        let failed_as = |code: &'static str, args: &Args| {
            Diagnostic::coded(code, args).with_arg("browser", &shown)
        };
        let failed = |why: String| failed_as("browser-did-not-start", &[("error", &why)]);
        let profile = tempfile::Builder::new()
            .prefix("buyin-browser-")
            .tempdir()
            .map_err(|e| failed_as("browser-no-profile", &[("error", &e.to_string())]))?;
        let mut command = Command::new(path);
        command
            .args([
                "--headless",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-extensions",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--force-color-profile=srgb",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()));
        // Chromium refuses to start its sandbox as root (containers, CI).
        if running_as_root() {
            command.arg("--no-sandbox");
        }
        let mut child = command
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(e.to_string()))?;
        let Some(stderr) = child.stderr.take() else {
            let _ = child.kill();
            return Err(failed_as("browser-no-output", &[]));
        };
        // The browser announces its DevTools address on stderr. Lines are read on a
        // thread that keeps draining them, so a chatty browser never blocks on a full pipe.
        let (lines, announced) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // Once the address is found nobody listens: the line is dropped.
                let _ = lines.send(line);
            }
        });
        let mut last = Vec::new();
        let deadline = std::time::Instant::now() + START_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match announced.recv_timeout(left) {
                Ok(line) => {
                    if let Some(at) = line.find("ws://") {
                        return Ok(Process {
                            child,
                            ws_url: line[at..].trim().to_string(),
                            _profile: profile,
                        });
                    }
                    last.push(line);
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                    let said = last_words(&last);
                    return Err(if said.is_empty() {
                        failed_as("browser-ended", &[("status", &status)])
                    } else {
                        failed_as(
                            "browser-ended-saying",
                            &[("status", &status), ("said", &said)],
                        )
                    });
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let seconds = START_TIMEOUT.as_secs().to_string();
                    return Err(failed_as("browser-silent", &[("seconds", &seconds)]));
                }
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // Asked to stop, the browser ends its helper processes and stops writing into
        // the profile, which can then be removed; killed, its helpers write on a while.
        if ask_to_stop(&self.child) {
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while std::time::Instant::now() < deadline {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(unix)]
fn ask_to_stop(child: &Child) -> bool {
    use rustix::process::{Pid, Signal, kill_process};
    kill_process(Pid::from_child(child), Signal::TERM).is_ok()
}

#[cfg(not(unix))]
fn ask_to_stop(_: &Child) -> bool {
    false
}

/// The last non-empty lines a failed browser wrote, joined, at most 300 characters.
fn last_words(lines: &[String]) -> String {
    let said: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let text = said[said.len().saturating_sub(3)..].join(" ");
    match text.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

#[cfg(unix)]
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(not(unix))]
fn running_as_root() -> bool {
    false
}
