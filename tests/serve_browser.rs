//! `buyin serve` in headless Chromium: an edit on disk shows up in an open page without
//! touching the browser, a deck stays on its slide, and a broken build shows the overlay.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::{Browser, Tab};

/// Seconds an edit may take to reach the page (debug build, two cores, Chromium).
const PATIENCE: u64 = 30;

/// A running `buyin serve --port 0`, killed when dropped.
struct Served {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    fn start(project: &common::Project) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_buyin"))
            .current_dir(project.path())
            .args(["serve", "--port", "0"])
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
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => {
                    if let Some(rest) = line.split("serving http://").nth(1) {
                        served.port = rest
                            .split('/')
                            .next()
                            .and_then(|a| a.rsplit(':').next())
                            .and_then(|p| p.parse().ok())
                            .expect("port");
                    }
                }
                Err(_) => panic!("no 'serving' line; log:\n{}", served.log()),
            }
        }
        served
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> String {
        self.log.lock().expect("log").join("\n")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens `url` in a new tab and marks the window, so a reload can be told apart from
/// the same page still standing.
fn open(browser: &Browser, served: &Served, path: &str, ready: &str) -> Arc<Tab> {
    let url = &served.url(path);
    let tab = browser.new_tab().expect("new tab");
    tab.navigate_to(url).expect("navigate");
    tab.wait_until_navigated().expect("navigated");
    assert!(
        common::wait_for(&tab, ready, PATIENCE),
        "{url} never got ready ({ready}): readyState {:?}, location {:?}, resources {:?}\nlog:\n{}",
        common::eval(&tab, "document.readyState"),
        common::eval(&tab, "location.href"),
        common::eval(
            &tab,
            "JSON.stringify(performance.getEntriesByType('resource').map(e => [e.name, Math.round(e.duration)]))"
        ),
        served.log(),
    );
    common::eval(&tab, "window.buyinMarker = true");
    tab
}

/// Replaces `from` with `to` in a project file, as an editor saving would.
fn edit(project: &common::Project, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(project.path().join(path)).expect("read");
    assert!(text.contains(from), "{path} lacks {from:?}");
    project.write(path, &text.replacen(from, to, 1));
}

fn reloaded_with(text: &str) -> String {
    format!(
        "!window.buyinMarker && document.readyState === 'complete' \
         && document.body.textContent.includes({text:?})"
    )
}

#[test]
fn an_open_page_shows_an_edit_by_itself() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::bundled();
    let served = Served::start(&project);
    let tab = open(
        &browser,
        &served,
        "/argumente/kontrollverlust/",
        "document.readyState === 'complete'",
    );
    edit(
        &project,
        "content/argumente/kontrollverlust.md",
        "title: \"Angst vor Kontrollverlust\"",
        "title: \"Angst vor dem Kontrollverlust im Netz\"",
    );
    assert!(
        common::wait_for(
            &tab,
            &reloaded_with("Angst vor dem Kontrollverlust im Netz"),
            PATIENCE
        ),
        "the page did not show the edit; log:\n{}",
        served.log()
    );
}

#[test]
fn a_deck_reloads_on_the_same_slide() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::bundled();
    let served = Served::start(&project);
    let tab = open(
        &browser,
        &served,
        "/vortraege/betriebsrat/slides/#3",
        "!!window.buyinDeck && window.buyinDeck.current() === 3",
    );
    edit(
        &project,
        "content/vortraege/betriebsrat.md",
        "Ein Gespräch mit dem Betriebsrat",
        "Ein Gespräch mit der Interessenvertretung",
    );
    let ready = format!(
        "{} && !!window.buyinDeck && window.buyinDeck.current() === 3",
        reloaded_with("Ein Gespräch mit der Interessenvertretung")
    );
    assert!(
        common::wait_for(&tab, &ready, PATIENCE),
        "the deck did not reload on slide 3 (now {:?}, hash {:?}); log:\n{}",
        common::eval(&tab, "window.buyinDeck && window.buyinDeck.current()"),
        common::eval(&tab, "location.hash"),
        served.log()
    );
    assert_eq!(common::eval(&tab, "location.hash"), "#3");
}

#[test]
fn a_broken_edit_shows_the_overlay_and_a_fix_clears_it() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::bundled();
    let served = Served::start(&project);
    let tab = open(
        &browser,
        &served,
        "/argumente/kontrollverlust/",
        "document.readyState === 'complete'",
    );
    let path = "content/argumente/kontrollverlust.md";
    edit(&project, path, "\ntitle: ", "\ntitel: ");
    let overlay = "!!document.getElementById('buyin-error-overlay')";
    assert!(
        common::wait_for(&tab, overlay, PATIENCE),
        "no overlay; log:\n{}",
        served.log()
    );
    let text = common::eval(
        &tab,
        "document.getElementById('buyin-error-overlay').textContent",
    );
    let text = text.as_str().unwrap_or_default();
    assert!(
        text.contains("content/argumente/kontrollverlust.md:"),
        "{text}"
    );
    assert!(text.contains("titel"), "{text}");
    let visible = common::eval(
        &tab,
        "(() => { const r = document.getElementById('buyin-error-overlay').getBoundingClientRect(); \
         return r.width > 0 && r.height > 0 && r.bottom <= innerHeight; })()",
    );
    assert_eq!(visible, true, "the overlay is on screen");
    // The last good page is still there under the overlay.
    assert_eq!(
        common::eval(
            &tab,
            "document.body.textContent.includes('Angst vor Kontrollverlust')"
        ),
        true
    );

    common::eval(&tab, "window.buyinMarker = true");
    edit(&project, path, "\ntitel: ", "\ntitle: ");
    let cleared = format!(
        "!window.buyinMarker && document.readyState === 'complete' && !{overlay} \
         && document.body.textContent.includes('Angst vor Kontrollverlust')"
    );
    assert!(
        common::wait_for(&tab, &cleared, PATIENCE),
        "the overlay stayed; log:\n{}",
        served.log()
    );
}
