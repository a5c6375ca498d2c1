//! Controls a presenter expects, in headless Chromium with real input events: a click or
//! a tap on the right advances and on the left goes back, a swipe moves, the on-screen
//! buttons move and are reachable by keyboard, `?` opens a help overlay in the deck's
//! language, and slides not shown can be neither focused nor read.

mod common;

use std::sync::Arc;

use headless_chrome::protocol::cdp::{Emulation, Input};
use headless_chrome::{Browser, Tab, browser::tab::point::Point};

const DECK: &str = "---\ntitle: \"Kurz\"\nkind: deck\n---\n# Eins\n\n---\n\n## Zwei\n\nText mit [Link](#zwei).\n\n---\n\n## Drei\n\n---\n\n## Vier\n";

/// A project with one four-slide deck in `language`.
fn project(language: &str) -> common::Project {
    let project = common::Project::new(&[
        (
            "book.toml",
            &format!("[book]\ntitle = \"Test\"\nlanguage = \"{language}\"\n"),
        ),
        ("content/index.md", "---\ntitle: Start\n---\nHallo\n"),
        ("content/vortraege/kurz.md", DECK),
    ]);
    project.build();
    project
}

fn open(browser: &Browser, project: &common::Project) -> Arc<Tab> {
    let tab = browser.new_tab().expect("tab");
    common::viewport(&tab, 1280, 720, false);
    let url = common::file_url(&project.site().join("vortraege/kurz/slides/index.html"));
    tab.navigate_to(&url).expect("navigate");
    tab.wait_until_navigated().expect("navigated");
    assert!(common::wait_for(&tab, "!!window.buyinDeck", 10), "deck.js");
    assert!(common::wait_for(&tab, "innerWidth === 1280", 5), "viewport");
    tab
}

/// The centre of the element `js` evaluates to, in window coordinates.
fn center_of(tab: &Tab, element: &str) -> Option<(f64, f64)> {
    let js = format!(
        "JSON.stringify((e => {{ if (!e) return null; const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})({element}))"
    );
    let text = common::eval(tab, &js);
    let point: Option<Vec<f64>> =
        serde_json::from_str(text.as_str().unwrap_or("null")).expect("point");
    point.map(|p| (p[0], p[1]))
}

fn expect_slide(tab: &Tab, n: i64, what: &str) {
    let ok = common::wait_for(tab, &format!("window.buyinDeck.current() === {n}"), 5);
    assert!(
        ok,
        "{what}: expected slide {n}, got {}",
        common::eval(tab, "window.buyinDeck.current()")
    );
}

fn click(tab: &Tab, x: f64, y: f64) {
    tab.click_point(Point { x, y }).expect("click");
}

fn touch(tab: &Tab, kind: Input::DispatchTouchEventTypeOption, x: f64, y: f64) {
    let points = if kind == Input::DispatchTouchEventTypeOption::TouchEnd {
        vec![]
    } else {
        vec![Input::TouchPoint {
            x,
            y,
            radius_x: None,
            radius_y: None,
            rotation_angle: None,
            force: None,
            tangential_pressure: None,
            tilt_x: None,
            tilt_y: None,
            twist: None,
            id: Some(1.0),
        }]
    };
    tab.call_method(Input::DispatchTouchEvent {
        Type: kind,
        touch_points: points,
        modifiers: None,
        timestamp: None,
    })
    .expect("touch event");
}

/// A finger from `from` to `to` (x), at mid height.
fn swipe(tab: &Tab, from: f64, to: f64) {
    use Input::DispatchTouchEventTypeOption::{TouchEnd, TouchMove, TouchStart};
    touch(tab, TouchStart, from, 360.0);
    for i in 1..=5 {
        touch(
            tab,
            TouchMove,
            from + (to - from) * f64::from(i) / 5.0,
            360.0,
        );
    }
    touch(tab, TouchEnd, to, 360.0);
}

#[test]
fn clicks_taps_swipes_and_buttons_move_slides() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = project("de");
    let tab = open(&browser, &project);
    expect_slide(&tab, 1, "start");

    click(&tab, 1000.0, 360.0);
    expect_slide(&tab, 2, "click on the right");
    click(&tab, 1000.0, 360.0);
    expect_slide(&tab, 3, "second click on the right");
    click(&tab, 150.0, 360.0);
    expect_slide(&tab, 2, "click on the left");

    // A link on a slide keeps its own click.
    let (lx, ly) = center_of(&tab, "document.querySelector('.slide.is-current a')")
        .expect("a link on slide 2");
    click(&tab, lx, ly);
    assert_eq!(
        common::eval(&tab, "window.buyinDeck.current()"),
        2,
        "a click on a link does not change the slide"
    );

    tab.call_method(Emulation::SetTouchEmulationEnabled {
        enabled: true,
        max_touch_points: Some(1),
    })
    .expect("touch emulation");
    use Input::DispatchTouchEventTypeOption::{TouchEnd, TouchStart};
    touch(&tab, TouchStart, 1100.0, 600.0);
    touch(&tab, TouchEnd, 1100.0, 600.0);
    expect_slide(&tab, 3, "tap on the right");
    touch(&tab, TouchStart, 100.0, 600.0);
    touch(&tab, TouchEnd, 100.0, 600.0);
    expect_slide(&tab, 2, "tap on the left");

    swipe(&tab, 900.0, 300.0);
    expect_slide(&tab, 3, "swipe to the left");
    swipe(&tab, 300.0, 900.0);
    expect_slide(&tab, 2, "swipe to the right");
    tab.call_method(Emulation::SetTouchEmulationEnabled {
        enabled: false,
        max_touch_points: None,
    })
    .expect("touch emulation off");

    // The buttons show while the mouse moves, and a click on them moves the deck.
    tab.move_mouse_to_point(Point { x: 640.0, y: 300.0 })
        .expect("move");
    assert!(
        common::wait_for(
            &tab,
            "getComputedStyle(document.querySelector('.deck-controls')).opacity === '1'",
            5
        ),
        "controls do not show when the mouse moves"
    );
    let center = |label: &str| {
        center_of(
            &tab,
            &format!("document.querySelector('.deck-controls button[aria-label^=\"{label}\"]')"),
        )
        .unwrap_or_else(|| panic!("no button labelled {label}"))
    };
    let (nx, ny) = center("Weiter");
    click(&tab, nx, ny);
    expect_slide(&tab, 3, "next button");
    let (px, py) = center("Zurück");
    click(&tab, px, py);
    expect_slide(&tab, 2, "back button");
    let (ox, oy) = center("Übersicht");
    click(&tab, ox, oy);
    assert!(
        common::wait_for(
            &tab,
            "!!document.querySelector('.deck-overview:not([hidden])')",
            5
        ),
        "overview button"
    );
    tab.press_key("Escape").expect("escape");
    assert!(common::wait_for(
        &tab,
        "!document.querySelector('.deck-overview:not([hidden])')",
        5
    ));
    // The mouse rests: the buttons fade.
    assert!(
        common::wait_for(
            &tab,
            "getComputedStyle(document.querySelector('.deck-controls')).opacity === '0'",
            10
        ),
        "controls do not fade when the mouse rests"
    );
    assert_eq!(
        common::eval(&tab, "window.buyinDeck.current()"),
        2,
        "buttons and Escape left the deck on slide 2"
    );
}

#[test]
fn keyboard_reaches_the_controls_and_hidden_slides_are_inert() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = project("de");
    let tab = open(&browser, &project);
    // Slides not shown can be neither focused nor read by screen readers.
    assert_eq!(
        common::eval(
            &tab,
            "Array.from(document.querySelectorAll('.deck > section.slide')).map(s => s.inert && s.getAttribute('aria-hidden') === 'true').join()"
        ),
        "false,true,true,true"
    );
    // Tab from the deck walks through every on-screen button.
    let mut labels = Vec::new();
    for _ in 0..8 {
        tab.press_key("Tab").expect("tab");
        let label = common::eval(
            &tab,
            "document.activeElement.closest('.deck-controls') ? document.activeElement.getAttribute('aria-label') : ''",
        );
        if let Some(label) = label.as_str().filter(|l| !l.is_empty()) {
            if !labels.contains(&label.to_string()) {
                labels.push(label.to_string());
            }
        }
    }
    for wanted in [
        "Zurück",
        "Weiter",
        "Übersicht",
        "Referentenansicht",
        "Vollbild",
        "Tastenkürzel",
    ] {
        assert!(
            labels.iter().any(|l| l.starts_with(wanted)),
            "{wanted} not reached by Tab: {labels:?}"
        );
    }
    // A focused control is visible (no mouse has moved in this test).
    common::eval(
        &tab,
        "document.querySelector('.deck-controls button[aria-label^=\"Tastenkürzel\"]').focus()",
    );
    assert!(
        common::wait_for(
            &tab,
            "getComputedStyle(document.querySelector('.deck-controls')).opacity === '1'",
            5
        ),
        "a focused control is not visible"
    );
    // Enter on the focused help button opens the help.
    tab.press_key("Enter").expect("enter");
    assert!(common::wait_for(&tab, "window.buyinDeck.help()", 5));
}

#[test]
fn question_mark_opens_the_help_in_the_deck_language() {
    let Some(browser) = common::browser() else {
        return;
    };
    for (language, title, overview, next) in [
        (
            "de",
            "Tastenkürzel",
            "Übersicht aller Folien",
            "Nächste Folie",
        ),
        (
            "en",
            "Keyboard shortcuts",
            "Overview of all slides",
            "Next slide",
        ),
    ] {
        let project = project(language);
        let tab = open(&browser, &project);
        tab.press_key("?").expect("?");
        assert!(
            common::wait_for(&tab, "window.buyinDeck.help()", 5),
            "{language}: ? did not open the help"
        );
        let text = common::eval(
            &tab,
            "(() => { const h = document.querySelector('.deck-help'); return getComputedStyle(h).display !== 'none' ? h.innerText : ''; })()",
        );
        let text = text.as_str().unwrap_or_default().to_string();
        for wanted in [
            title, overview, next, "O", "F", "P", "B", "Esc", "?", "Home",
        ] {
            assert!(
                text.contains(wanted),
                "{language}: help lacks {wanted:?}:\n{text}"
            );
        }
        assert_eq!(
            common::eval(&tab, "document.querySelectorAll('.deck-help dt').length"),
            11,
            "{language}: one row per key group"
        );
        // No key string is left untranslated (a missing string shows its key name).
        assert!(
            !text
                .split_whitespace()
                .any(|w| w.starts_with("key") && w.chars().nth(3).is_some_and(char::is_uppercase)),
            "{language}: {text}"
        );
        tab.press_key("Escape").expect("escape");
        assert!(
            common::wait_for(&tab, "!window.buyinDeck.help()", 5),
            "{language}: Escape did not close the help"
        );
        assert_eq!(common::eval(&tab, "window.buyinDeck.current()"), 1);
        // The deck's page counts its slides in the same language.
        let page = project.html("site/vortraege/kurz/index.html");
        let meta = page.text(".deck-meta");
        let count = if language == "de" {
            "4 Folien"
        } else {
            "4 slides"
        };
        assert!(meta.contains(count), "{language}: {meta}");
    }
}
