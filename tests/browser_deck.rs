//! The deck runtime (`deck.js`, `deck.css`) in headless Chromium: the bundled site is
//! built into a temp folder and its decks are opened over `file://`.

mod common;

use std::sync::Arc;

use headless_chrome::{Browser, Tab};
use serde_json::Value;

/// The bundled site, built.
fn bundled() -> common::Project {
    let project = common::Project::bundled();
    project.build();
    project
}

/// Opens a built file (plus `?query#hash` suffix) in a new tab and waits for deck.js.
fn open(browser: &Browser, project: &common::Project, path: &str, suffix: &str) -> Arc<Tab> {
    let tab = browser.new_tab().expect("new tab");
    let url = format!("{}{suffix}", common::file_url(&project.site().join(path)));
    tab.navigate_to(&url).expect("navigate");
    tab.wait_until_navigated().expect("navigated");
    assert!(
        common::wait_for(&tab, "!!window.buyinDeck", 10),
        "deck.js did not start on {url}"
    );
    tab
}

/// Evaluates `js` and returns its value through JSON (arrays and objects included).
fn json(tab: &Tab, js: &str) -> Value {
    let text = common::eval(tab, &format!("JSON.stringify({js})"));
    serde_json::from_str(text.as_str().unwrap_or("null")).expect("JSON from the page")
}

fn current(tab: &Tab) -> i64 {
    common::eval(tab, "window.buyinDeck.current()")
        .as_i64()
        .expect("current slide")
}

fn hash(tab: &Tab) -> String {
    common::eval(tab, "location.hash")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn press(tab: &Tab, key: &str) {
    tab.press_key(key)
        .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
}

/// Waits until the deck in `tab` shows slide `n`.
fn expect_slide(tab: &Tab, n: i64, what: &str) {
    let ok = common::wait_for(tab, &format!("window.buyinDeck.current() === {n}"), 5);
    assert!(ok, "{what}: expected slide {n}, got {}", current(tab));
}

#[test]
fn keys_move_between_slides_and_update_the_hash() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = bundled();
    let tab = open(
        &browser,
        &project,
        "vortraege/betriebsrat/slides/index.html",
        "",
    );
    let n = common::eval(&tab, "window.buyinDeck.count()")
        .as_i64()
        .expect("count");
    assert!(n >= 6, "betriebsrat deck has {n} slides");
    assert_eq!(current(&tab), 1);

    for (key, expected) in [
        ("ArrowRight", 2),
        (" ", 3),
        ("PageDown", 4),
        ("End", n),
        ("ArrowLeft", n - 1),
        ("Home", 1),
    ] {
        press(&tab, key);
        expect_slide(&tab, expected, key);
        assert_eq!(hash(&tab), format!("#{expected}"), "hash after {key:?}");
        // Exactly one slide is visible: the current one.
        let visible = common::eval(
            &tab,
            "Array.from(document.querySelectorAll('.deck > section.slide'))
               .filter(s => getComputedStyle(s).visibility === 'visible')
               .map(s => s.id).join(',')",
        );
        assert_eq!(
            visible,
            Value::from(format!("slide-{expected}")),
            "after {key:?}"
        );
    }

    // The hash also drives the deck: a link to #5 opens slide 5.
    common::eval(&tab, "location.hash = '#5'");
    expect_slide(&tab, 5, "hash #5");
}

#[test]
fn incremental_list_needs_one_press_per_item() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::new(&[
        ("book.toml", common::BOOK),
        ("content/index.md", "---\ntitle: Start\n---\n\nHallo.\n"),
        (
            "content/vortraege/schritte.md",
            "---\ntitle: Schritte\nkind: deck\nincremental: true\n---\n\n# Eins\n\n---\n\n\
             ## Liste\n\n- erstens\n- zweitens\n- drittens\n\n---\n\n## Drei\n\nEnde.\n",
        ),
    ]);
    project.build();
    let tab = open(
        &browser,
        &project,
        "vortraege/schritte/slides/index.html",
        "#2",
    );
    assert_eq!(current(&tab), 2);
    let shown = "Array.from(document.querySelectorAll('#slide-2 li'))
                   .filter(li => getComputedStyle(li).visibility === 'visible').length";
    assert_eq!(common::eval(&tab, shown), Value::from(0));
    for i in 1..=3 {
        press(&tab, "ArrowRight");
        assert!(
            common::wait_for(&tab, &format!("({shown}) === {i}"), 5),
            "item {i} not revealed"
        );
        assert_eq!(current(&tab), 2, "slide advanced after {i} presses");
        assert_eq!(hash(&tab), format!("#2.{i}"));
    }
    press(&tab, "ArrowRight");
    expect_slide(&tab, 3, "after the last item");
    // Back lands on the list fully revealed.
    press(&tab, "ArrowLeft");
    expect_slide(&tab, 2, "back");
    assert_eq!(
        common::eval(&tab, "window.buyinDeck.step()"),
        Value::from(3)
    );
    assert_eq!(common::eval(&tab, shown), Value::from(3));
}

#[test]
fn overview_opens_and_choosing_a_slide_jumps_there() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = bundled();
    let tab = open(
        &browser,
        &project,
        "vortraege/betriebsrat/slides/index.html",
        "",
    );
    let n = common::eval(&tab, "window.buyinDeck.count()");
    press(&tab, "o");
    assert!(
        common::wait_for(
            &tab,
            "!!document.querySelector('.deck-overview:not([hidden])')",
            5
        ),
        "overview did not open"
    );
    assert_eq!(
        common::eval(&tab, "document.querySelectorAll('.deck-tile').length"),
        n
    );
    // Choosing with the mouse …
    tab.find_element(".deck-tile:nth-child(5)")
        .expect("tile 5")
        .click()
        .expect("click tile");
    expect_slide(&tab, 5, "clicked tile 5");
    assert_eq!(
        common::eval(&tab, "document.querySelector('.deck-overview').hidden"),
        Value::Bool(true)
    );
    assert_eq!(hash(&tab), "#5");
    // … and with the keyboard.
    press(&tab, "o");
    press(&tab, "ArrowRight");
    press(&tab, "Enter");
    expect_slide(&tab, 6, "keyboard choice in the overview");
    assert_eq!(
        common::eval(&tab, "document.querySelector('.deck-overview').hidden"),
        Value::Bool(true)
    );
}

/// The notes of slide `n` as the audience page holds them.
fn notes_of(tab: &Tab, n: i64) -> String {
    common::eval(
        tab,
        &format!(
            "(document.querySelector('#slide-{n} aside.notes') || {{textContent: ''}}).textContent.trim().slice(0, 60)"
        ),
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn presenter_notes_js() -> &'static str {
    "(document.querySelector('.deck-p-notes') || {textContent: ''}).textContent"
}

/// Opens the presenter window with `p` (a popup of the audience window); falls back to
/// a second tab at `?presenter` when the popup does not show up as a target.
fn presenter_for(
    browser: &Browser,
    project: &common::Project,
    audience: &Tab,
    path: &str,
) -> Arc<Tab> {
    let before = browser.get_tabs().lock().expect("tabs").len();
    press(audience, "p");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        let tabs = browser.get_tabs().lock().expect("tabs").clone();
        if tabs.len() > before {
            if let Some(tab) = tabs.iter().find(|t| t.get_url().contains("presenter")) {
                let tab = Arc::clone(tab);
                if common::wait_for(&tab, "!!window.buyinDeck", 10) {
                    return tab;
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    eprintln!("presenter popup not seen as a target; opening ?presenter as a second tab");
    open(browser, project, path, "?presenter#1")
}

#[test]
fn presenter_shows_notes_and_follows_the_audience_both_ways() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = bundled();
    let path = "vortraege/betriebsrat/slides/index.html";
    let audience = open(&browser, &project, path, "");
    let presenter = presenter_for(&browser, &project, &audience, path);
    assert!(
        common::wait_for(
            &presenter,
            "document.body.classList.contains('deck-presenter-mode')",
            5
        ),
        "no presenter view"
    );

    // Find a slide with notes and go there from the audience window.
    let with_notes = (1..=common::eval(&audience, "window.buyinDeck.count()")
        .as_i64()
        .expect("count"))
        .find(|&i| i > 1 && !notes_of(&audience, i).is_empty())
        .expect("a slide with notes");
    for _ in 1..with_notes {
        press(&audience, "ArrowRight");
    }
    expect_slide(&audience, with_notes, "audience");
    expect_slide(&presenter, with_notes, "presenter following the audience");
    let expected = notes_of(&audience, with_notes);
    assert!(
        common::wait_for(
            &presenter,
            &format!(
                "{}.includes({})",
                presenter_notes_js(),
                serde_json::to_string(&expected).expect("json")
            ),
            5
        ),
        "presenter notes do not show {expected:?}: {}",
        common::eval(&presenter, presenter_notes_js())
    );
    // Current and next previews are there.
    assert_eq!(
        common::eval(
            &presenter,
            "document.querySelectorAll('.deck-p-stage .deck-thumb').length"
        ),
        Value::from(2)
    );

    // And the other way round: the presenter advances, the audience follows.
    presenter.bring_to_front().expect("front");
    common::eval(&presenter, "window.buyinDeck.next()");
    expect_slide(&presenter, with_notes + 1, "presenter");
    expect_slide(
        &audience,
        with_notes + 1,
        "audience following the presenter",
    );
    assert!(
        common::wait_for(
            &audience,
            &format!("location.hash === '#{}'", with_notes + 1),
            5
        ),
        "audience hash"
    );
}

#[test]
fn qa_search_in_presenter_shows_answer_on_audience_and_esc_returns() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = bundled();
    let path = "vortraege/geschaeftsfuehrung/slides/index.html";
    let audience = open(&browser, &project, path, "#3");
    let presenter = presenter_for(&browser, &project, &audience, path);
    expect_slide(&presenter, 3, "presenter starts where the audience is");

    presenter
        .find_element(".deck-p-qa input")
        .expect("Q&A search box")
        .click()
        .expect("focus search");
    presenter.type_str("Kontrollverl").expect("type");
    assert!(
        common::wait_for(
            &presenter,
            "document.querySelectorAll('.deck-p-results li').length > 0",
            5
        ),
        "no Q&A hits"
    );
    let title = common::eval(
        &presenter,
        "document.querySelector('.deck-p-results li strong').textContent",
    );
    press(&presenter, "Enter");

    assert!(
        common::wait_for(&audience, "!!document.querySelector('.deck-qa-slide')", 5),
        "no answer slide on the audience window"
    );
    let shown = common::eval(
        &audience,
        "getComputedStyle(document.querySelector('.deck-qa-slide')).visibility",
    );
    assert_eq!(shown, Value::from("visible"));
    let label = common::eval(
        &audience,
        "document.querySelector('.deck-qa-slide').getAttribute('aria-label')",
    );
    assert!(
        label
            .as_str()
            .unwrap_or_default()
            .contains(title.as_str().unwrap_or("?")),
        "answer slide {label} is not for {title}"
    );
    // Root-relative links of the answer resolve inside the built site.
    let links = json(
        &audience,
        "Array.from(document.querySelectorAll('.deck-qa-slide [href], .deck-qa-slide [src]'))
           .map(e => e.href || e.src)",
    );
    let root = common::file_url(&project.site());
    for link in links.as_array().expect("links") {
        let link = link.as_str().expect("link");
        if let Some(path) = link.strip_prefix(&format!("{root}/")) {
            let file = project.site().join(path.split('#').next().unwrap_or(path));
            assert!(file.is_file(), "answer link {link} points to nothing");
        } else {
            assert!(
                !link.starts_with("file:"),
                "answer link {link} leaves the site"
            );
        }
    }
    // The presenter sees the answer too, and its notes hold the whole answer.
    assert!(
        common::wait_for(&presenter, "!!document.querySelector('.deck-qa-slide')", 5),
        "presenter has no answer slide"
    );
    assert_eq!(current(&audience), 3);

    press(&presenter, "Escape");
    assert!(
        common::wait_for(&audience, "!document.querySelector('.deck-qa-slide')", 5),
        "Esc did not remove the answer"
    );
    assert_eq!(current(&audience), 3, "Esc returns to the same slide");
    assert_eq!(
        common::eval(
            &audience,
            "getComputedStyle(document.getElementById('slide-3')).visibility"
        ),
        Value::from("visible")
    );
}

#[test]
fn printing_gives_one_pdf_page_per_slide() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = bundled();
    let tab = open(
        &browser,
        &project,
        "vortraege/geschaeftsfuehrung/slides/index.html",
        "",
    );
    let n = common::eval(&tab, "window.buyinDeck.count()")
        .as_i64()
        .expect("count");
    let pdf = tab
        .print_to_pdf(Some(headless_chrome::types::PrintToPdfOptions {
            prefer_css_page_size: Some(true),
            print_background: Some(true),
            ..Default::default()
        }))
        .expect("print to PDF");
    let text = String::from_utf8_lossy(&pdf);
    let pages = text
        .match_indices("/Type /Page")
        .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
        .count();
    assert_eq!(pages as i64, n, "PDF pages vs slides");
}

#[test]
fn canvas_keeps_its_aspect_in_a_square_window() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = bundled();
    let tab = open(
        &browser,
        &project,
        "vortraege/betriebsrat/slides/index.html",
        "",
    );
    common::viewport(&tab, 800, 800, false);
    assert!(
        common::wait_for(&tab, "innerWidth === 800 && innerHeight === 800", 5),
        "viewport not 800x800"
    );
    let js =
        "(() => { const r = document.querySelector('.slide.is-current').getBoundingClientRect();
                return [r.left, r.top, r.width, r.height]; })()";
    assert!(
        common::wait_for(&tab, &format!("(r => Math.abs(r[2] - 800) < 1)({js})"), 5),
        "slide not scaled to the window width: {}",
        common::eval(&tab, js)
    );
    let rect: Vec<f64> = serde_json::from_value(json(&tab, js)).expect("rect");
    let (left, top, width, height) = (rect[0], rect[1], rect[2], rect[3]);
    assert!(
        (width / height - 1280.0 / 720.0).abs() < 0.01,
        "ratio {width}x{height}"
    );
    // Centred, inside the window.
    assert!(left.abs() < 1.0 && top > 0.0 && top + height < 800.0 + 0.5);
    assert!(
        (top - (800.0 - height) / 2.0).abs() < 1.0,
        "not centred: top {top}"
    );
}

#[test]
fn generated_audience_deck_has_objection_and_answer_slides() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = bundled();
    let path = "zielgruppen/geschaeftsfuehrung/slides/index.html";
    let page = project.html(&format!("site/{path}"));
    let objections = page.count("section.slide.objection");
    let answers = page.count("section.slide.answer");
    assert!(objections > 0, "no objection slides");
    assert_eq!(objections, answers, "one answer per objection");
    // An answer slide carries the lead; the whole answer is in its notes.
    for notes in page.texts("section.slide.answer aside.notes") {
        assert!(!notes.is_empty());
    }

    let tab = open(&browser, &project, path, "");
    assert_eq!(
        common::eval(&tab, "window.buyinDeck.count()"),
        Value::from(page.count("section.slide"))
    );
    // Every answer slide fits its canvas (deck.js shrinks rather than clips).
    let overflowing = json(
        &tab,
        "Array.from(document.querySelectorAll('section.slide .slide-content'))
           .filter(c => c.scrollHeight > c.clientHeight + 1)
           .map(c => c.parentElement.id)",
    );
    assert_eq!(overflowing, Value::Array(vec![]), "slides overflow");
}

#[test]
fn handout_lists_every_slide_of_the_deck() {
    let project = bundled();
    for deck in ["geschaeftsfuehrung", "betriebsrat", "vertrieb"] {
        let slides = project
            .html(&format!("site/vortraege/{deck}/slides/index.html"))
            .count("section.slide");
        let handout = project
            .html(&format!("site/vortraege/{deck}/index.html"))
            .count(".handout-slide");
        assert!(slides > 0);
        assert_eq!(handout, slides, "handout of {deck}");
    }
}

#[test]
fn a_link_to_a_deck_heading_lands_on_the_slide_that_shows_it() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::bundled();
    project.write(
        "content/leitfaden/verweise.md",
        "---\ntitle: Verweise\n---\n\nZum [Vorschlag](../vortraege/geschaeftsfuehrung.md#unser-vorschlag) \
         und zu [Wir brauchen](../vortraege/geschaeftsfuehrung.md#wir-brauchen).\n",
    );
    let run = project.build();
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let deck = "vortraege/geschaeftsfuehrung/slides/index.html";
    let wanted = json(
        &open(&browser, &project, deck, ""),
        "Array.from(document.querySelectorAll('section.slide'))
           .findIndex(s => Array.from(s.querySelectorAll('h2'))
             .some(h => h.textContent.trim() === 'Unser Vorschlag')) + 1",
    )
    .as_i64()
    .expect("slide number");
    assert!(wanted > 1, "the deck has a slide titled 'Unser Vorschlag'");
    let page = common::file_url(&project.site().join("leitfaden/verweise/index.html"));
    // Both headings sit on the slide "Unser Vorschlag" (### Wir brauchen is a column).
    for anchor in ["unser-vorschlag", "wir-brauchen"] {
        // Followed from the page, the link opens the deck's page at that slide.
        let tab = browser.new_tab().expect("new tab");
        tab.navigate_to(&page).expect("navigate");
        tab.wait_until_navigated().expect("navigated");
        tab.wait_for_element(&format!("main a[href$='#{anchor}']"))
            .and_then(|a| a.click().map(|_| ()))
            .unwrap_or_else(|e| panic!("follow the link to #{anchor}: {e}"));
        let landed = format!(
            "(() => {{ const t = document.getElementById('{anchor}');
                 const slide = t && t.closest('li.handout-slide');
                 return !!slide && slide.id === 'slide-{wanted}'
                   && slide.getBoundingClientRect().top >= -1
                   && slide.getBoundingClientRect().top < innerHeight / 2; }})()"
        );
        assert!(
            common::wait_for(&tab, &landed, 10),
            "the link to #{anchor} did not land on slide {wanted} of the deck's page (at {}, slide top {})",
            common::eval(&tab, "location.href"),
            common::eval(
                &tab,
                &format!(
                    "(() => {{ const t = document.getElementById('{anchor}'); return t && t.closest('li').getBoundingClientRect().top + ' ' + t.closest('li').id; }})()"
                )
            )
        );
        // The same anchor on the slides page shows that slide.
        let tab = open(&browser, &project, deck, &format!("#{anchor}"));
        expect_slide(&tab, wanted, anchor);
    }
}
