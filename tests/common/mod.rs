//! Test harness shared by the integration tests: tiny projects in temp folders, the
//! `buyin` binary, HTML queries with CSS selectors, and headless Chromium.
#![allow(dead_code)]

pub mod book_test;
pub mod served;

use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::{Html, Selector};

/// A buyin project in a temporary folder, removed when dropped.
pub struct Project {
    pub dir: tempfile::TempDir,
}

/// A minimal `book.toml` in German.
pub const BOOK: &str = "[book]\ntitle = \"Testbuch\"\nlanguage = \"de\"\n";

impl Project {
    /// A project made of `(path, text)` files.
    pub fn new(files: &[(&str, &str)]) -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            write(&dir.path().join(path), text.as_bytes());
        }
        Project { dir }
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            dir.path(),
        );
        Project { dir }
    }

    /// A copy of the repository's own training site (book.toml, content, static).
    pub fn bundled() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("book.toml"), dir.path().join("book.toml"))
            .expect("copy book.toml");
        for folder in ["content", "static"] {
            copy_dir(&repo.join(folder), &dir.path().join(folder));
        }
        Project { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or overwrites) a file of the project.
    pub fn write(&self, path: &str, text: &str) {
        write(&self.path().join(path), text.as_bytes());
    }

    /// Runs `buyin ARGS` in the project folder; messages come in the project's language.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs `buyin ARGS` with messages in English whatever the project's language (as
    /// `BUYIN_LANG=en` asks), for tests whose expected messages are written in English.
    pub fn run_en(&self, args: &[&str]) -> Run {
        self.run_with(args, &[("BUYIN_LANG", "en")])
    }

    /// Runs `buyin ARGS` with extra environment variables.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = assert_cmd::Command::cargo_bin("buyin")
            .expect("buyin binary")
            .current_dir(self.path())
            .env_remove("BUYIN_LANG")
            .envs(env.iter().copied())
            .args(args)
            .output()
            .expect("run buyin");
        Run { output }
    }

    /// `buyin build`, which must succeed.
    pub fn build(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(run.code(), 0, "build failed:\n{}", run.stderr());
        run
    }

    /// Reads a built file as text.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    /// Parses a built HTML file.
    pub fn html(&self, path: &str) -> Page {
        Page(Html::parse_document(&self.read(path)))
    }

    /// The site folder.
    pub fn site(&self) -> PathBuf {
        self.path().join("site")
    }
}

/// The outcome of one `buyin` run.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
}

/// A parsed HTML page.
pub struct Page(pub Html);

impl Page {
    /// Trimmed text of every element matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector =
            Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
        self.0
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Text of the first match, panicking if there is none.
    pub fn text(&self, selector: &str) -> String {
        self.texts(selector)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches {selector}"))
    }

    /// Values of `attr` on every element matching `selector`.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let selector =
            Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
        self.0
            .select(&selector)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    /// Number of elements matching `selector`.
    pub fn count(&self, selector: &str) -> usize {
        let selector =
            Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
        self.0.select(&selector).count()
    }

    /// Inner HTML of the first match.
    pub fn inner(&self, selector: &str) -> String {
        let parsed =
            Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
        self.0
            .select(&parsed)
            .next()
            .map(|e| e.inner_html())
            .unwrap_or_else(|| panic!("no element matches {selector}"))
    }
}

pub fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, bytes).expect("write file");
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = entry.path().strip_prefix(from).expect("inside");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file below `dir` with its bytes, by relative path.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

/// Headless Chromium for browser tests. `None` (with a loud message) when Chromium is
/// missing on a developer machine; under CI (`CI=true`) a missing Chromium fails.
pub fn browser() -> Option<headless_chrome::Browser> {
    let path = PathBuf::from(
        std::env::var("BUYIN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    );
    if !path.exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "Chromium not found at {} but CI=true: browser tests must run in CI (apt-get install chromium)",
                path.display()
            );
        }
        eprintln!(
            "\n!!! SKIPPING BROWSER TEST: no Chromium at {} (apt-get install chromium) !!!\n",
            path.display()
        );
        return None;
    }
    let profile = tempfile::tempdir().expect("profile dir").keep();
    let args: Vec<&std::ffi::OsStr> = [
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
    ]
    .iter()
    .map(std::ffi::OsStr::new)
    .collect();
    let options = headless_chrome::LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .user_data_dir(Some(profile))
        .window_size(Some((1280, 800)))
        .idle_browser_timeout(std::time::Duration::from_secs(120))
        .args(args)
        .build()
        .expect("launch options");
    Some(headless_chrome::Browser::new(options).expect("launch Chromium"))
}

/// `file://` URL of a path.
pub fn file_url(path: &Path) -> String {
    format!(
        "file://{}",
        path.canonicalize().expect("canonical path").display()
    )
}

/// Evaluates JavaScript in a tab and returns its JSON value.
pub fn eval(tab: &headless_chrome::Tab, js: &str) -> serde_json::Value {
    let result = tab
        .evaluate(js, true)
        .unwrap_or_else(|e| panic!("evaluate {js}: {e}"));
    result.value.unwrap_or(serde_json::Value::Null)
}

/// Polls `js` until it returns `true` or `seconds` pass; returns whether it did.
pub fn wait_for(tab: &headless_chrome::Tab, js: &str, seconds: u64) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if eval(tab, js) == serde_json::Value::Bool(true) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    false
}

/// Emulates a window of `width`×`height` CSS pixels (`mobile` for phone behaviour).
pub fn viewport(tab: &headless_chrome::Tab, width: u32, height: u32, mobile: bool) {
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride {
            width,
            height,
            device_scale_factor: 1.0,
            mobile,
            scale: None,
            screen_width: None,
            screen_height: None,
            position_x: None,
            position_y: None,
            dont_set_visible_size: None,
            screen_orientation: None,
            viewport: None,
            display_feature: None,
            device_posture: None,
        },
    )
    .expect("set the viewport");
}
