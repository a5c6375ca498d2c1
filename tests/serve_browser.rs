//! `buyin serve` in headless Chromium: an edit on disk shows up in an open page without
//! touching the browser, a deck stays on its slide, and a broken build shows the overlay.

mod common;

use std::sync::Arc;

use common::served::Served;
use headless_chrome::{Browser, Tab};

/// Seconds an edit may take to reach the page (debug build, two cores, Chromium).
const PATIENCE: u64 = 30;

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
