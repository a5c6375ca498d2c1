//! The built training site in headless Chromium, opened from `file://`: search, light
//! and dark, quiz, checklist, the two-click video and the promise of no network
//! requests. Each test skips (loudly) without Chromium, and fails under `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use common::{Project, eval, file_url, wait_for};
use headless_chrome::protocol::cdp::{Input, Network, types::Event};
use headless_chrome::{Browser, Tab};
use serde_json::Value;

/// The bundled site, built once for all tests of this file into the target folder
/// (the tests only read it), a browser for this test, and the turn of this test: the
/// tests of this file run one at a time, because with two browsers busy on two cores
/// Chromium has been seen to lose a `file://` page's `localStorage` across a reload.
/// `None` when Chromium is missing.
fn bundled() -> Option<(&'static Path, Browser, MutexGuard<'static, ()>)> {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    static TURN: Mutex<()> = Mutex::new(());
    let turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
    let browser = common::browser()?;
    let site = SITE.get_or_init(|| {
        let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser_site");
        let _ = std::fs::remove_dir_all(&dest);
        let project = Project::bundled();
        let run = project.run(&["build", "--dest", dest.to_str().expect("utf-8 path")]);
        assert_eq!(run.code(), 0, "build failed:\n{}", run.stderr());
        dest
    });
    Some((site.as_path(), browser, turn))
}

/// Opens `path` of the built site in a new tab and waits until `site.js` has run.
fn open(browser: &Browser, site: &Path, path: &str) -> std::sync::Arc<Tab> {
    let tab = browser.new_tab().expect("new tab");
    tab.set_default_timeout(Duration::from_secs(10));
    go(&tab, site, path);
    tab
}

/// A blank tab that records the URL of every request it makes from now on.
fn recording_tab(browser: &Browser) -> (Arc<Tab>, Arc<Mutex<Vec<String>>>) {
    let tab = browser.new_tab().expect("new tab");
    tab.set_default_timeout(Duration::from_secs(10));
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .expect("enable network events");
    let urls = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&urls);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        if let Event::NetworkRequestWillBeSent(sent) = event {
            sink.lock()
                .expect("request log")
                .push(sent.params.request.url.clone());
        }
    }))
    .expect("listen to requests");
    (tab, urls)
}

/// A request that never leaves the machine: a file of the site or inline data.
fn is_local(url: &str) -> bool {
    url.starts_with("file://") || url.starts_with("data:") || url == "about:blank"
}

/// Navigates an existing tab to `path` of the built site and waits for `site.js`.
fn go(tab: &Tab, site: &Path, path: &str) {
    tab.navigate_to(&file_url(&site.join(path)))
        .expect("navigate")
        .wait_until_navigated()
        .expect("navigated");
    assert!(
        wait_for(
            tab,
            "document.readyState === 'complete' && (!document.querySelector('script[src$=\"site.js\"]') || document.documentElement.classList.contains('js'))",
            10
        ),
        "page {path} did not finish loading"
    );
}

/// Reloads the page. Chromium hands `localStorage` writes to the browser process
/// asynchronously, and a reload right after a write can still read the old value (seen
/// with two browsers busy on two cores); a second's pause first is what a person's
/// reload always has.
fn reload(tab: &Tab) {
    std::thread::sleep(std::time::Duration::from_secs(1));
    tab.reload(false, None).expect("reload");
    tab.wait_until_navigated().expect("reloaded");
    assert!(
        wait_for(tab, "document.readyState === 'complete'", 10),
        "reload did not finish"
    );
}

fn text(tab: &Tab, js: &str) -> String {
    match eval(tab, js) {
        Value::String(s) => s,
        other => panic!("{js} gave {other}, not text"),
    }
}

/// Types `query` into the search box and returns the result titles once they show.
fn search(tab: &Tab, query: &str) -> Vec<String> {
    eval(
        tab,
        "(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); return document.activeElement === i; })()",
    );
    // Typed as one text input event, as an input method would.
    tab.call_method(Input::InsertText {
        text: query.to_string(),
    })
    .expect("type query");
    assert!(
        wait_for(
            tab,
            "!document.getElementById('search-results').hidden && document.querySelectorAll('#search-list li.search-result').length > 0",
            10
        ),
        "no search results for {query}: {}",
        text(tab, "document.getElementById('search-results').textContent")
    );
    match eval(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('#search-list li.search-result a.search-title'), a => a.textContent))",
    ) {
        Value::String(json) => serde_json::from_str(&json).expect("titles"),
        other => panic!("titles: {other}"),
    }
}

#[test]
fn search_finds_pages_and_folds_umlauts() {
    let Some((site, browser, _turn)) = bundled() else {
        return;
    };
    let tab = open(&browser, site, "index.html");

    let titles = search(&tab, "Datenschutz");
    assert!(
        titles.iter().any(|t| t == "Datenschutz"),
        "expected the Datenschutz hub among {titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("Datenschutz und")),
        "expected the Datenschutz argument among {titles:?}"
    );
    // Each result has its kind and a snippet, and the results box floats.
    assert_eq!(
        eval(
            &tab,
            "Array.from(document.querySelectorAll('#search-list li.search-result')).every(li => li.querySelector('span.search-kind') && li.querySelector('span.search-snippet'))"
        ),
        Value::Bool(true)
    );
    assert_eq!(
        text(
            &tab,
            "getComputedStyle(document.getElementById('search-results')).position"
        ),
        "absolute"
    );

    // "massnahmen" finds "Maßnahmen" and marks it in the snippet.
    let titles = search(&tab, "massnahmen");
    assert!(
        titles.iter().any(|t| t == "Überwachung von Mitarbeitenden"),
        "expected a page with Maßnahmen among {titles:?}"
    );
    assert_eq!(
        eval(
            &tab,
            "Array.from(document.querySelectorAll('#search-list mark')).some(m => m.textContent.startsWith('Maßnahmen'))"
        ),
        Value::Bool(true),
        "no <mark>Maßnahmen</mark> in the snippets"
    );
}

#[test]
fn theme_toggle_switches_to_dark_and_persists() {
    let Some((site, browser, _turn)) = bundled() else {
        return;
    };
    let tab = open(&browser, site, "argumente/kontrollverlust/index.html");
    let background = "getComputedStyle(document.body).backgroundColor";
    let theme = "document.documentElement.getAttribute('data-theme')";

    // The browser prefers light, so the site starts light.
    assert_eq!(text(&tab, theme), "light");
    let light = text(&tab, background);

    tab.find_element(".theme-toggle")
        .expect("theme toggle")
        .click()
        .expect("click toggle");
    assert_eq!(text(&tab, theme), "dark");
    let dark = text(&tab, background);
    assert_ne!(light, dark, "the background must change with the theme");
    assert_eq!(
        text(
            &tab,
            "document.querySelector('.theme-toggle').getAttribute('aria-pressed')"
        ),
        "true"
    );

    reload(&tab);
    assert_eq!(text(&tab, theme), "dark", "dark mode must survive a reload");
    assert_eq!(text(&tab, background), dark);

    // Another page of the site opens dark too, and the toggle goes back.
    let other = open(&browser, site, "index.html");
    assert_eq!(text(&other, theme), "dark");
    other
        .find_element(".theme-toggle")
        .expect("theme toggle")
        .click()
        .expect("click toggle");
    assert_eq!(text(&other, theme), "light");
    assert_eq!(text(&other, background), light);
}

#[test]
fn quiz_marks_wrong_and_right_answers() {
    let Some((site, browser, _turn)) = bundled() else {
        return;
    };
    let tab = open(&browser, site, "leitfaden/quiz/index.html");
    let answer = text(&tab, "document.querySelector('form.quiz').dataset.answer");
    let wrong = if answer == "1" { "2" } else { "1" };
    let feedback = "document.querySelector('form.quiz .quiz-feedback').textContent";
    let explanation_shown = "!document.querySelector('form.quiz .quiz-explanation').hidden";

    assert_eq!(eval(&tab, explanation_shown), Value::Bool(false));

    // Checking without a choice asks for one.
    tab.find_element("form.quiz .quiz-check")
        .expect("check button")
        .click()
        .expect("click check");
    assert_eq!(
        text(&tab, feedback),
        text(&tab, "document.querySelector('form.quiz').dataset.choose")
    );

    tab.find_element(&format!("form.quiz input[value='{wrong}']"))
        .expect("wrong option")
        .click()
        .expect("choose wrong");
    tab.find_element("form.quiz .quiz-check")
        .expect("check button")
        .click()
        .expect("click check");
    assert_eq!(
        text(&tab, feedback),
        text(&tab, "document.querySelector('form.quiz').dataset.wrong")
    );
    assert_eq!(
        eval(
            &tab,
            &format!(
                "document.querySelector(\"form.quiz input[value='{wrong}']\").closest('.quiz-option').classList.contains('is-wrong')"
            )
        ),
        Value::Bool(true)
    );
    assert_eq!(eval(&tab, explanation_shown), Value::Bool(true));

    tab.find_element(&format!("form.quiz input[value='{answer}']"))
        .expect("right option")
        .click()
        .expect("choose right");
    tab.find_element("form.quiz .quiz-check")
        .expect("check button")
        .click()
        .expect("click check");
    assert_eq!(
        text(&tab, feedback),
        text(&tab, "document.querySelector('form.quiz').dataset.correct")
    );
    assert_eq!(
        eval(
            &tab,
            &format!(
                "document.querySelector(\"form.quiz input[value='{answer}']\").closest('.quiz-option').classList.contains('is-correct')"
            )
        ),
        Value::Bool(true)
    );
    // No page load happened: the form never submits anywhere.
    assert!(tab.get_url().ends_with("leitfaden/quiz/index.html"));
}

#[test]
fn checklist_ticks_survive_a_reload_and_reset() {
    let Some((site, browser, _turn)) = bundled() else {
        return;
    };
    let tab = open(&browser, site, "leitfaden/90-tage-checkliste/index.html");
    let first = "document.querySelector('section.checklist')";
    let count = format!("{first}.querySelector('.checklist-count').textContent");
    let boxes = format!("{first}.querySelectorAll('li input[type=checkbox]')");

    let total = eval(&tab, &format!("{boxes}.length"))
        .as_u64()
        .expect("checkbox count");
    assert!(total >= 2, "every item becomes a checkbox");
    assert_eq!(
        eval(
            &tab,
            &format!("Array.from({boxes}).every(b => !b.disabled && !b.checked)")
        ),
        Value::Bool(true)
    );
    assert_eq!(text(&tab, &count), format!("0 / {total} erledigt"));

    tab.find_element("section.checklist li:nth-child(2) input[type=checkbox]")
        .expect("second item")
        .click()
        .expect("tick");
    assert_eq!(text(&tab, &count), format!("1 / {total} erledigt"));

    reload(&tab);
    assert!(wait_for(
        &tab,
        &format!("{first}.querySelectorAll('li input[type=checkbox]').length > 0"),
        10
    ));
    assert_eq!(
        eval(
            &tab,
            &format!("Array.from({boxes}).map(b => b.checked).join(',')")
        ),
        Value::String(
            (0..total)
                .map(|i| if i == 1 { "true" } else { "false" })
                .collect::<Vec<_>>()
                .join(",")
        ),
        "only the ticked item is still ticked after the reload"
    );
    assert_eq!(text(&tab, &count), format!("1 / {total} erledigt"));
    // The second checklist of the page is independent.
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('section.checklist')[1].querySelectorAll('input:checked').length"
        ),
        Value::from(0)
    );

    tab.find_element("section.checklist .checklist-reset")
        .expect("reset")
        .click()
        .expect("reset click");
    assert_eq!(text(&tab, &count), format!("0 / {total} erledigt"));
    reload(&tab);
    assert_eq!(
        eval(
            &tab,
            &format!("{first}.querySelectorAll('input:checked').length")
        ),
        Value::from(0)
    );
}

#[test]
fn video_loads_nothing_before_the_click() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = Project::new(&[
        ("book.toml", common::BOOK),
        (
            "content/index.md",
            "---\ntitle: Start\n---\n\nText.\n\n{{ video(provider=\"youtube\", id=\"abc\", title=\"x\") }}\n",
        ),
    ]);
    project.build();
    let (tab, requests) = recording_tab(&browser);
    go(&tab, &project.site(), "index.html");
    let youtube_requests =
        "performance.getEntriesByType('resource').filter(e => /youtube/.test(e.name)).length";
    let remote = |requests: &Mutex<Vec<String>>| -> Vec<String> {
        requests
            .lock()
            .expect("request log")
            .iter()
            .filter(|u| !is_local(u))
            .cloned()
            .collect()
    };

    assert_eq!(
        eval(&tab, "document.querySelectorAll('iframe').length"),
        Value::from(0)
    );
    assert_eq!(eval(&tab, youtube_requests), Value::from(0));
    assert_eq!(
        remote(&requests),
        Vec::<String>::new(),
        "requests before the click"
    );
    assert!(
        !project.read("site/index.html").contains("<iframe"),
        "the page itself holds no iframe"
    );

    tab.find_element("figure.video-embed .video-load")
        .expect("load button")
        .click()
        .expect("click load");
    assert!(wait_for(
        &tab,
        "document.querySelectorAll('figure.video-embed iframe').length === 1",
        5
    ));
    let src = text(
        &tab,
        "document.querySelector('figure.video-embed iframe').src",
    );
    assert!(
        src.starts_with("https://www.youtube-nocookie.com/embed/abc"),
        "iframe src {src}"
    );
    assert_eq!(
        text(
            &tab,
            "document.querySelector('figure.video-embed iframe').title"
        ),
        "x"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('figure.video-embed iframe').hasAttribute('allowfullscreen')"
        ),
        Value::Bool(true)
    );
    assert_eq!(
        eval(&tab, "document.querySelectorAll('.video-consent').length"),
        Value::from(0)
    );
    // Only now does the browser contact the host.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while remote(&requests).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        remote(&requests)
            .iter()
            .all(|u| u.contains("youtube-nocookie.com")),
        "{:?}",
        remote(&requests)
    );
}

#[test]
fn pages_request_only_local_files() {
    let Some((site, browser, _turn)) = bundled() else {
        return;
    };
    let (tab, requests) = recording_tab(&browser);
    for page in [
        "index.html",
        "praxis/drei-stufen-maschinenbau/index.html",
        "vortraege/geschaeftsfuehrung/index.html",
    ] {
        go(&tab, site, page);
        // Search loads its index on first use; that must be local too.
        tab.find_element("#search-input")
            .expect("search input")
            .click()
            .expect("focus search");
        assert!(wait_for(&tab, "!!window.BUYIN_SEARCH", 10));
        // Resource Timing: every entry is a local file.
        assert_eq!(
            eval(
                &tab,
                "performance.getEntriesByType('resource').every(e => e.name.startsWith('file://'))"
            ),
            Value::Bool(true),
            "{page}: {}",
            eval(
                &tab,
                "JSON.stringify(performance.getEntriesByType('resource').map(e => e.name))"
            )
        );
    }
    // The DevTools protocol sees every request, including those Resource Timing skips.
    let requests = requests.lock().expect("request log").clone();
    assert!(
        requests.iter().any(|u| u.ends_with("assets/site.css")),
        "{requests:?}"
    );
    assert!(
        requests
            .iter()
            .any(|u| u.ends_with("assets/search-index.js")),
        "{requests:?}"
    );
    let remote: Vec<&String> = requests.iter().filter(|u| !is_local(u)).collect();
    assert!(remote.is_empty(), "requests outside the site: {remote:?}");
}

#[test]
fn phone_navigation_collapses_behind_the_menu_button() {
    let Some((site, browser, _turn)) = bundled() else {
        return;
    };
    let tab = open(&browser, site, "argumente/kontrollverlust/index.html");
    common::viewport(&tab, 390, 844, true);
    assert!(wait_for(&tab, "innerWidth === 390", 5));
    let sidebar_shown = "getComputedStyle(document.getElementById('sidebar')).display !== 'none'";
    let expanded = "document.querySelector('.nav-toggle').getAttribute('aria-expanded')";

    assert_eq!(eval(&tab, sidebar_shown), Value::Bool(false));
    assert_eq!(text(&tab, expanded), "false");
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('.nav-toggle')).display !== 'none'"
        ),
        Value::Bool(true)
    );
    // No horizontal scrolling at phone width.
    assert_eq!(
        eval(
            &tab,
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ),
        Value::Bool(true)
    );

    tab.find_element(".nav-toggle")
        .expect("menu button")
        .click()
        .expect("open menu");
    assert_eq!(eval(&tab, sidebar_shown), Value::Bool(true));
    assert_eq!(text(&tab, expanded), "true");
    assert_eq!(
        text(
            &tab,
            "document.querySelector('#sidebar [aria-current=page]').textContent"
        ),
        "Angst vor Kontrollverlust"
    );

    tab.find_element(".nav-toggle")
        .expect("menu button")
        .click()
        .expect("close menu");
    assert_eq!(eval(&tab, sidebar_shown), Value::Bool(false));
    assert_eq!(text(&tab, expanded), "false");
}

/// JavaScript: WCAG contrast ratio of two CSS colours of any syntax (drawn on a
/// canvas to get sRGB), as `contrast(a, b)`.
const CONTRAST_JS: &str = r#"
function rgb(color) {
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 1, 1);
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
}
function luminance(color) {
  const [r, g, b] = rgb(color).map(v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
"#;

#[test]
fn text_keeps_aa_contrast_in_both_themes() {
    let Some((site, browser, _turn)) = bundled() else {
        return;
    };
    let tab = open(&browser, site, "praxis/drei-stufen-maschinenbau/index.html");
    // Every pair: foreground element, background element.
    let pairs = [
        (".prose a", "body"),
        ("body", "body"),
        (".lead", "body"),
        (".breadcrumbs a", "body"),
        (
            "#sidebar [aria-current=page]",
            "#sidebar [aria-current=page]",
        ),
        ("dl.facts dt", "dl.facts > div"),
        (".callout-title", ".callout"),
        (".callout p:not(.callout-title)", ".callout"),
        (".button, .card-link, .pager .title", "body"),
    ];
    for theme in ["light", "dark"] {
        eval(
            &tab,
            &format!("document.documentElement.setAttribute('data-theme', '{theme}')"),
        );
        for (fg, bg) in pairs {
            let js = format!(
                "(() => {{ {CONTRAST_JS}
                  const f = document.querySelector('{fg}');
                  const b = document.querySelector('{bg}');
                  if (!f || !b) return -1;
                  return contrast(getComputedStyle(f).color, getComputedStyle(b).backgroundColor);
                }})()"
            );
            let ratio = eval(&tab, &js).as_f64().expect("ratio");
            assert!(ratio >= 0.0, "{fg} or {bg} missing");
            assert!(
                ratio >= 4.5,
                "{theme}: {fg} on {bg} has contrast {ratio:.2}"
            );
        }
        // Buttons: white text on the darkened brand colour.
        let js = format!(
            "(() => {{ {CONTRAST_JS}
              const b = document.querySelector('.theme-toggle');
              const s = getComputedStyle(document.querySelector('.skip-link'));
              return contrast(s.color, s.backgroundColor) + (b ? 0 : -100);
            }})()"
        );
        let ratio = eval(&tab, &js).as_f64().expect("ratio");
        assert!(ratio >= 4.5, "{theme}: skip link contrast {ratio:.2}");
    }
}

#[test]
fn print_hides_the_chrome_and_breaks_pages() {
    let Some((site, browser, _turn)) = bundled() else {
        return;
    };
    let tab = open(&browser, site, "argumente/kontrollverlust/index.html");
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetEmulatedMedia {
            media: Some("print".into()),
            features: None,
        },
    )
    .expect("print media");
    assert_eq!(
        eval(
            &tab,
            "['.site-header', '#sidebar', '.pager', '.search', '.breadcrumbs', '.skip-link']
               .map(s => document.querySelector(s))
               .filter(e => e && getComputedStyle(e).display !== 'none').length"
        ),
        Value::from(0),
        "navigation, header, search and pager do not print"
    );
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('article.argument')).display !== 'none'"
        ),
        Value::Bool(true)
    );

    go(&tab, site, "print.html");
    assert_eq!(
        eval(
            &tab,
            "Array.from(document.querySelectorAll('.print-item')).every(e => getComputedStyle(e).breakBefore === 'page')"
        ),
        Value::Bool(true),
        "every item of the print view starts a page"
    );

    go(&tab, site, "vortraege/geschaeftsfuehrung/index.html");
    assert_eq!(
        eval(
            &tab,
            "Array.from(document.querySelectorAll('.handout-slide')).every(e => getComputedStyle(e).breakInside === 'avoid')"
        ),
        Value::Bool(true),
        "handout slides print as unbroken blocks"
    );
}
