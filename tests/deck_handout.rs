//! Handouts that read and print well, and files that combine many fragments (slides,
//! handouts, `print.html`) with unique ids and working in-page links.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use scraper::{Html, Selector};

fn select(html: &Html, css: &str) -> Vec<String> {
    let selector = Selector::parse(css).expect("selector");
    html.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect()
}

#[test]
fn handout_notes_of_expanded_items_are_short_and_the_slides_are_real_slides() {
    let project = common::Project::bundled();
    project.build();
    let page = project.html("site/vortraege/geschaeftsfuehrung/index.html");
    let slides = page.count(".handout-slide");
    assert_eq!(slides, 21, "slides of the leadership deck");
    // Each handout entry draws the slide with the deck's own classes.
    assert_eq!(
        page.count(".handout-slide .handout-thumb > .slide > .slide-content"),
        slides
    );
    assert_eq!(page.count(".handout-thumb > .slide.answer"), 5);
    // The answer slides show the summaries, large; the notes hold no whole bodies.
    let answers = page.texts(".handout-thumb > .slide.answer .summary");
    assert_eq!(answers.len(), 5, "{answers:?}");
    assert!(
        answers[0].contains("Über uns wird schon gesprochen"),
        "{answers:?}"
    );
    let notes = page.texts(".handout-notes");
    assert!(
        notes
            .iter()
            .all(|n| !n.contains("Was Sie sagen können") && !n.contains("Was Sie zeigen können")),
        "notes carry whole argument bodies"
    );
    assert_eq!(
        page.count(".handout-notes h1, .handout-notes h2, .handout-notes h3"),
        0
    );
    // "Notizen" is a label, not a heading that skips a level.
    assert_eq!(page.count(".handout-notes .handout-label"), notes.len());
    assert!(
        notes.iter().all(|n| n.len() < 1600),
        "long notes: {notes:?}"
    );
}

#[test]
fn the_leadership_handout_prints_on_at_most_half_as_many_a4_pages_plus_one() {
    let Some(browser) = common::browser() else {
        return;
    };
    let project = common::Project::bundled();
    project.build();
    let tab = browser.new_tab().expect("tab");
    let path = project
        .site()
        .join("vortraege/geschaeftsfuehrung/index.html");
    tab.navigate_to(&common::file_url(&path)).expect("navigate");
    tab.wait_until_navigated().expect("navigated");
    assert!(common::wait_for(
        &tab,
        "document.readyState === 'complete'",
        10
    ));
    let slides = common::eval(&tab, "document.querySelectorAll('.handout-slide').length")
        .as_u64()
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
        .count() as u64;
    // A4 portrait: 595 x 842 points.
    assert!(
        text.contains("/MediaBox [0 0 595") || text.contains("/MediaBox [0 0 594"),
        "not A4 portrait"
    );
    let bound = slides.div_ceil(2) + 1;
    eprintln!("handout: {slides} slides print to {pages} A4 pages (bound {bound})");
    assert!(
        pages >= 2 && pages <= bound,
        "{slides} slides print to {pages} pages (at most {bound})"
    );
}

/// Every id of `html` once, and every `href="#x"` naming one of them.
fn id_problems(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for element in doc.select(&Selector::parse("[id]").expect("selector")) {
        if let Some(id) = element.value().attr("id") {
            *seen.entry(id.to_string()).or_default() += 1;
        }
    }
    let mut problems: Vec<String> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, n)| format!("id '{id}' {n} times"))
        .collect();
    let ids: BTreeSet<&String> = seen.keys().collect();
    for link in doc.select(&Selector::parse("a[href^='#']").expect("selector")) {
        let target = &link.value().attr("href").unwrap_or_default()[1..];
        if !target.is_empty() && !ids.contains(&target.to_string()) {
            problems.push(format!("link to missing '#{target}'"));
        }
    }
    problems
}

#[test]
fn decks_handouts_and_the_print_view_have_unique_ids_and_working_anchors() {
    let project = common::Project::bundled();
    project.build();
    let site = project.site();
    let mut files = vec!["print.html".to_string()];
    for entry in walk(&site) {
        let rel = entry
            .strip_prefix(&site)
            .expect("inside the site")
            .to_string_lossy()
            .into_owned();
        if rel.ends_with("slides/index.html")
            || (rel.starts_with("vortraege/")
                && rel.ends_with("/index.html")
                && rel != "vortraege/index.html")
        {
            files.push(rel);
        }
    }
    assert!(files.len() >= 30, "{files:?}");
    let mut problems = Vec::new();
    for file in &files {
        for problem in id_problems(&project.read(&format!("site/{file}"))) {
            problems.push(format!("{file}: {problem}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The same heading appears on many pages of the print view, each with its own id.
    let print = Html::parse_document(&project.read("site/print.html"));
    let headings = select(&print, "h2");
    assert!(
        headings
            .iter()
            .filter(|h| h.trim() == "Was Sie sagen können")
            .count()
            > 5
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
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
