//! Slides fit their canvas: every slide of every bundled deck (the written talks and the
//! generated audience decks) at 16:9 and at 4:3, measured in headless Chromium; and a
//! case slide shows its text metrics as key figures, not only its chart.

mod common;

use std::path::{Path, PathBuf};

use headless_chrome::Browser;
use serde_json::Value;

/// Every `slides/index.html` of a built site, relative to the site folder, sorted.
fn decks(site: &Path) -> Vec<String> {
    let mut found: Vec<String> = walk(site)
        .into_iter()
        .filter(|p| p.ends_with("slides/index.html"))
        .filter_map(|p| {
            p.strip_prefix(site)
                .ok()
                .map(|r| r.to_string_lossy().into_owned())
        })
        .collect();
    found.sort();
    found
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Slides of the open deck whose content overflows its box (measured by the test, not
/// taken from the runtime), and those the runtime reports below its scaling floor.
const OVERFLOWS: &str = "(() => {
    const bad = [];
    document.querySelectorAll('.deck > section.slide').forEach((s, i) => {
        const c = s.querySelector('.slide-content');
        const r = c.getBoundingClientRect();
        const box = s.getBoundingClientRect();
        if (c.scrollHeight > c.clientHeight + 1 || c.scrollWidth > c.clientWidth + 1
            || r.bottom > box.bottom + 1 || r.right > box.right + 1) {
            bad.push((i + 1) + ': ' + (s.querySelector('h1, h2, h3, blockquote') || s).textContent.trim().slice(0, 60));
        }
    });
    return { bad: bad, reported: window.buyinDeck.overflowing(), count: window.buyinDeck.count(),
             width: document.querySelector('.deck > section.slide').offsetWidth,
             height: document.querySelector('.deck > section.slide').offsetHeight };
})()";

/// Opens every deck of `site` and asserts that none of its slides overflows a canvas of
/// `width`×`height`.
fn assert_every_slide_fits(browser: &Browser, site: &Path, width: i64, height: i64) {
    let decks = decks(site);
    assert!(decks.len() >= 8, "too few decks: {decks:?}");
    let tab = browser.new_tab().expect("tab");
    let mut problems = Vec::new();
    for deck in &decks {
        tab.navigate_to(&common::file_url(&site.join(deck)))
            .expect("navigate");
        tab.wait_until_navigated().expect("navigated");
        assert!(
            common::wait_for(
                &tab,
                "!!window.buyinDeck && document.readyState === 'complete'",
                10
            ),
            "deck.js did not start on {deck}"
        );
        // deck.js fits again after images load; wait for the document to be complete.
        let text = common::eval(&tab, &format!("JSON.stringify({OVERFLOWS})"));
        let result: Value = serde_json::from_str(text.as_str().unwrap_or("null")).expect("json");
        assert_eq!(result["width"], width, "{deck}: canvas width");
        assert_eq!(result["height"], height, "{deck}: canvas height");
        assert!(result["count"].as_i64().unwrap_or(0) > 1, "{deck}: slides");
        if result["bad"] != Value::Array(vec![]) || result["reported"] != Value::Array(vec![]) {
            problems.push(format!(
                "{deck}: overflowing {} / reported below the floor {}",
                result["bad"], result["reported"]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_bundled_slide_fits_its_16_9_canvas() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::bundled();
    project.build();
    assert_every_slide_fits(&browser, &project.site(), 1280, 720);
}

#[test]
fn every_bundled_slide_fits_a_4_3_canvas() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::bundled();
    let book = project.read("book.toml");
    assert!(book.contains("aspect = \"16:9\""));
    project.write(
        "book.toml",
        &book.replace("aspect = \"16:9\"", "aspect = \"4:3\""),
    );
    let run = project.build();
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_every_slide_fits(&browser, &project.site(), 960, 720);
}

#[test]
fn a_case_slide_shows_text_metrics_as_key_figures_beside_the_chart() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::bundled();
    project.build();
    let tab = browser.new_tab().expect("tab");
    let deck = project
        .site()
        .join("vortraege/geschaeftsfuehrung/slides/index.html");
    tab.navigate_to(&common::file_url(&deck)).expect("navigate");
    tab.wait_until_navigated().expect("navigated");
    assert!(common::wait_for(&tab, "!!window.buyinDeck", 10));
    // The three-stage case: two numbers (chart) and "6 Abteilungen" (text).
    let n = common::eval(
        &tab,
        "Array.from(document.querySelectorAll('.deck > section.slide')).findIndex(s => s.textContent.includes('6 Abteilungen')) + 1",
    )
    .as_i64()
    .expect("slide number");
    assert!(n > 0, "no slide shows the text metric '6 Abteilungen'");
    common::eval(&tab, &format!("window.buyinDeck.go({n})"));
    assert!(common::wait_for(
        &tab,
        &format!("window.buyinDeck.current() === {n}"),
        5
    ));
    let visible = "(() => {
        const s = document.querySelector('.deck > section.slide.is-current');
        const tile = Array.from(s.querySelectorAll('.metric-tiles li')).find(li => li.textContent.includes('6 Abteilungen'));
        if (!tile) return 'no tile';
        const r = tile.getBoundingClientRect(), box = s.getBoundingClientRect();
        const st = getComputedStyle(tile);
        if (st.visibility !== 'visible' || st.opacity !== '1') return 'hidden: ' + st.visibility + ' ' + st.opacity;
        if (r.top < box.top || r.bottom > box.bottom || r.width < 20) return 'outside the slide';
        if (!s.querySelector('svg.metrics-chart rect')) return 'no chart';
        return 'ok';
    })()";
    assert!(
        common::wait_for(&tab, &format!("{visible} === 'ok'"), 5),
        "text metric not visible on slide {n}: {}",
        common::eval(&tab, visible)
    );
}

#[test]
fn short_slides_sit_in_the_middle_of_the_canvas_in_every_layout() {
    let Some(browser) = common::browser() else {
        return;
    };
    let deck = "---\ntitle: \"Kurz\"\nkind: deck\n---\n\n## Ein Punkt\n\n- nur einer\n\n---\n\n\
                <!-- class: columns -->\n\n## Plan\n\n### Wir tun\n\n- posten\n\n### Wir brauchen\n\n- Zeit\n";
    let project = common::Project::new(&[
        ("book.toml", common::BOOK),
        ("content/index.md", "---\ntitle: Start\n---\nHallo.\n"),
        ("content/kurz.md", deck),
    ]);
    project.build();
    let tab = browser.new_tab().expect("tab");
    let url = common::file_url(&project.site().join("kurz/slides/index.html"));
    tab.navigate_to(&url).expect("navigate");
    assert!(common::wait_for(
        &tab,
        "!!window.buyinDeck && document.readyState === 'complete'",
        10
    ));
    // The space above the content and below it, per slide: balanced means about equal.
    let gaps =
        "JSON.stringify(Array.from(document.querySelectorAll('.deck > section.slide')).map(s => {
        const c = s.querySelector('.slide-content');
        const kids = Array.from(c.children);
        const top = Math.min(...kids.map(k => k.getBoundingClientRect().top));
        const bottom = Math.max(...kids.map(k => k.getBoundingClientRect().bottom));
        const box = c.getBoundingClientRect();
        return [Math.round(top - box.top), Math.round(box.bottom - bottom)];
    }))";
    let text = common::eval(&tab, gaps);
    let gaps: Vec<(i64, i64)> = serde_json::from_str(text.as_str().expect("json")).expect("gaps");
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    for (slide, (above, below)) in gaps.iter().enumerate() {
        assert!(
            *above > 100 && (above - below).abs() <= 4,
            "slide {} is not balanced: {above} px above its content, {below} px below",
            slide + 1
        );
    }
}
