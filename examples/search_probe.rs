//! Measures search in a built site the way a reader meets it: headless Chromium opens
//! the home page from `file://`, the search box gets the focus (which loads the index
//! manifest), then each query arrives as one input event. For each query it prints one
//! JSON line: the time from that input event to the first result (or the message
//! that there is none) on screen (`ms`), the time until every result of the first
//! screen is there (`all_ms`: results appear in rank order as their document shards
//! arrive), the bytes of the search index files (manifest and shards) the page has
//! loaded by then, and the number of results on screen.
//! `bench/run` calls it; it is a measuring tool, not a test.
//!
//! ```text
//! cargo run --example search_probe -- SITE QUERY...
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Input;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::{Value, json};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(site) = args.next().map(PathBuf::from) else {
        eprintln!("usage: search_probe SITE QUERY...");
        std::process::exit(2);
    };
    let queries: Vec<String> = args.collect();
    let chromium = std::env::var("BUYIN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let profile = tempfile::tempdir().expect("profile dir");
    let options = LaunchOptions::default_builder()
        .path(Some(PathBuf::from(chromium)))
        .headless(true)
        .sandbox(false)
        .user_data_dir(Some(profile.path().to_path_buf()))
        .idle_browser_timeout(Duration::from_secs(120))
        .args(
            [
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
            ]
            .iter()
            .map(std::ffi::OsStr::new)
            .collect(),
        )
        .build()
        .expect("launch options");
    let browser = Browser::new(options).expect("launch Chromium");
    for query in &queries {
        // A fresh tab per query: nothing of an earlier query is loaded yet.
        let tab = browser.new_tab().expect("new tab");
        let line = probe(&tab, &site, query);
        println!("{line}");
        let _ = tab.close(true);
    }
}

fn probe(tab: &Tab, site: &Path, query: &str) -> Value {
    let url = format!(
        "file://{}",
        site.join("index.html")
            .canonicalize()
            .expect("site has index.html")
            .display()
    );
    tab.navigate_to(&url)
        .expect("navigate")
        .wait_until_navigated()
        .expect("navigated");
    wait(tab, "document.readyState === 'complete'");
    eval(
        tab,
        "(() => { window.__probe = { input: 0, shown: 0, all: 0 };
           const input = document.getElementById('search-input');
           const box = document.getElementById('search-results');
           input.addEventListener('input', () => { __probe.input = performance.now(); }, true);
           new MutationObserver(() => {
             const answered = box.querySelector('li.search-result, .search-status q');
             if (!__probe.shown && answered) __probe.shown = performance.now();
             // The status names the number of results; the first screen shows 20 at most.
             const total = parseInt((box.querySelector('.search-status').textContent.match(/\\d+/) || ['0'])[0], 10);
             const drawn = box.querySelectorAll('li.search-result').length;
             if (answered && drawn >= Math.min(20, total)) __probe.all = performance.now();
           }).observe(box, { childList: true, subtree: true });
           input.focus(); })()",
    );
    wait(tab, "!!window.BUYIN_SEARCH");
    tab.call_method(Input::InsertText {
        text: query.to_string(),
    })
    .expect("type the query");
    wait(tab, "window.__probe.all > 0");
    let ms = eval(tab, "__probe.shown - __probe.input")
        .as_f64()
        .unwrap_or(f64::NAN);
    let all_ms = eval(tab, "__probe.all - __probe.input")
        .as_f64()
        .unwrap_or(f64::NAN);
    let results = eval(
        tab,
        "document.querySelectorAll('#search-list li.search-result').length",
    );
    let scripts = eval(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('script[src]'), s => s.src).filter(s => /search-index\\.js$|\\/search\\/[^/]+\\.js$/.test(s)))",
    );
    let scripts: Vec<String> = scripts
        .as_str()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    let bytes: u64 = scripts
        .iter()
        .filter_map(|src| src.strip_prefix("file://"))
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|meta| meta.len())
        .sum();
    json!({"query": query, "ms": ms, "all_ms": all_ms, "bytes": bytes, "files": scripts.len(), "results": results})
}

fn eval(tab: &Tab, js: &str) -> Value {
    tab.evaluate(js, false)
        .unwrap_or_else(|e| panic!("evaluate {js}: {e}"))
        .value
        .unwrap_or(Value::Null)
}

/// Polls `js` until it is true (30 s at most, then gives up loudly).
fn wait(tab: &Tab, js: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while eval(tab, js) != Value::Bool(true) {
        assert!(Instant::now() < deadline, "timed out waiting for {js}");
        std::thread::sleep(Duration::from_millis(5));
    }
}
