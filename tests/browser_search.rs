//! Search in headless Chromium from `file://`, on a generated site large enough that
//! the index is sharded: duplicate-looking terms, typos, compound parts, speaker notes
//! kept out of snippets, highlights on the matched word, and a query that loads only
//! the shards it needs. Each test skips (loudly) without Chromium, and fails under
//! `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use common::{BOOK, Project, eval, file_url, wait_for};
use headless_chrome::protocol::cdp::Input;
use headless_chrome::{Browser, Tab};
use serde_json::Value;

/// Pages of filler, each with words of its own: enough for several term and document
/// shards, few enough to build in a moment.
const FILLER: usize = 320;

/// Word number `n` of the filler: ten letters that share little with their
/// neighbours, so the term list does not compress into one shard.
fn filler_word(n: usize) -> String {
    let mut x = (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..10)
        .map(|_| {
            let letter = b'a' + (x % 26) as u8;
            x /= 26;
            char::from(letter)
        })
        .collect()
}

/// The generated project's files.
fn files() -> Vec<(String, String)> {
    let mut files = vec![
        ("book.toml".to_owned(), BOOK.to_owned()),
        (
            "content/index.md".to_owned(),
            "---\ntitle: Start\n---\n\nWillkommen.\n".to_owned(),
        ),
        (
            "content/argumente/einwand.md".to_owned(),
            "---\ntitle: Datenschutz verbietet alles\nkind: argument\n\
             objection: Das geht nicht.\nstakeholders: [Datenschutz]\ntags: [Datenschutz]\n---\n\n\
             Der Datenschutz ist lösbar, wenn Daten sparsam fließen. Die Geschäftsführung entscheidet früh.\n"
                .to_owned(),
        ),
        (
            "content/wissen/schutzkonzept.md".to_owned(),
            "---\ntitle: Konzept\n---\n\nEin Schutzkonzept hilft allen.\n".to_owned(),
        ),
        (
            "content/wissen/tippfehler.md".to_owned(),
            "---\ntitle: Schreibweise\n---\n\nManche schreiben Datenschuz, ohne t.\n".to_owned(),
        ),
        (
            "content/vortraege/talk.md".to_owned(),
            "---\ntitle: Vortrag Reichweite\nkind: deck\n---\n\n# Folie eins\n\n\
             Sichtbarer Inhalt über Reichweite.\n\nNotiz: Das Geheimwort Zauberformel nie zeigen.\n\n\
             ---\n\n# Folie zwei\n\nMehr Reichweite für alle.\n\nNote: Auch hier Zauberformel.\n"
                .to_owned(),
        ),
    ];
    for i in 0..FILLER {
        let words: Vec<String> = (0..40).map(|w| filler_word(i * 40 + w)).collect();
        files.push((
            format!("content/fuelle/seite-{i:03}.md"),
            format!("---\ntitle: Seite {i}\n---\n\nText {}.\n", words.join(" ")),
        ));
    }
    files
}

/// The generated site, built once for all tests of this file, a browser, and the
/// turn of this test (one browser at a time on a small machine). `None` without
/// Chromium.
fn site() -> Option<(&'static Path, Browser, MutexGuard<'static, ()>)> {
    static TURN: Mutex<()> = Mutex::new(());
    let turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
    let browser = common::browser()?;
    Some((built(), browser, turn))
}

/// The generated site, built once for all tests of this file into the target folder.
fn built() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser_search");
        let _ = std::fs::remove_dir_all(&dest);
        let files = files();
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str()))
            .collect();
        let project = Project::new(&borrowed);
        let run = project.run(&["build", "--dest", dest.to_str().expect("utf-8 path")]);
        assert_eq!(run.code(), 0, "build failed:\n{}", run.stderr());
        dest
    })
}

fn open(browser: &Browser, site: &Path, path: &str) -> std::sync::Arc<Tab> {
    let tab = browser.new_tab().expect("new tab");
    tab.set_default_timeout(Duration::from_secs(10));
    tab.navigate_to(&file_url(&site.join(path)))
        .expect("navigate")
        .wait_until_navigated()
        .expect("navigated");
    assert!(
        wait_for(&tab, "document.readyState === 'complete'", 10),
        "page did not load"
    );
    tab
}

/// One search result as the reader sees it.
#[derive(Debug, serde::Deserialize)]
struct Hit {
    title: String,
    href: String,
    kind: String,
    snippet: String,
    marks: Vec<String>,
}

/// Types `query` into an emptied search box and returns the results once they show.
fn search(tab: &Tab, query: &str) -> Vec<Hit> {
    eval(
        tab,
        "(() => { const i = document.getElementById('search-input'); i.value = ''; \
         document.getElementById('search-list').textContent = ''; i.focus(); })()",
    );
    // Typed as one text input event, as an input method would.
    tab.call_method(Input::InsertText {
        text: query.to_string(),
    })
    .expect("type query");
    // Results appear in rank order as their document shards arrive: wait for the first
    // screen (20 at most of the number the status names).
    assert!(
        wait_for(
            tab,
            "(() => { const n = document.querySelectorAll('#search-list li.search-result').length; \
               const m = document.querySelector('#search-results .search-status').textContent.match(/\\d+/); \
               return n > 0 && !!m && n >= Math.min(20, +m[0]); })()",
            10
        ),
        "no search results for {query}: {}",
        eval(tab, "document.getElementById('search-results').textContent")
    );
    let json = eval(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('#search-list li.search-result'), li => ({\
           title: li.querySelector('a.search-title').textContent,\
           href: li.querySelector('a.search-title').getAttribute('href'),\
           kind: li.querySelector('.search-kind').textContent,\
           snippet: li.querySelector('.search-snippet').textContent,\
           marks: Array.from(li.querySelectorAll('mark'), m => m.textContent)})))",
    );
    match json {
        Value::String(json) => serde_json::from_str(&json).expect("results"),
        other => panic!("results: {other}"),
    }
}

fn titles(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.title.as_str()).collect()
}

fn position(hits: &[Hit], title: &str) -> usize {
    hits.iter()
        .position(|h| h.title == title)
        .unwrap_or_else(|| panic!("{title} not among {:?}", titles(hits)))
}

#[test]
fn a_term_of_two_taxonomies_gives_one_telling_result_per_page() {
    let Some((site, browser, _turn)) = site() else {
        return;
    };
    let tab = open(&browser, site, "index.html");
    let hits = search(&tab, "Datenschutz");
    let mut hrefs: Vec<&str> = hits.iter().map(|h| h.href.as_str()).collect();
    hrefs.sort();
    hrefs.dedup();
    assert_eq!(hrefs.len(), hits.len(), "one result per page: {hits:?}");
    let mut shown: Vec<(&str, &str, &str)> = hits
        .iter()
        .map(|h| (h.title.as_str(), h.kind.as_str(), h.snippet.as_str()))
        .collect();
    shown.sort();
    shown.dedup();
    assert_eq!(
        shown.len(),
        hits.len(),
        "no two results look alike: {hits:?}"
    );
    let terms: Vec<&Hit> = hits.iter().filter(|h| h.title == "Datenschutz").collect();
    assert_eq!(terms.len(), 2, "the stakeholder and the tag: {hits:?}");
    assert!(
        terms.iter().any(|h| h.kind.contains("Zielgruppen")),
        "{hits:?}"
    );
    assert!(
        terms.iter().any(|h| h.kind.contains("Schlagworte")),
        "{hits:?}"
    );
}

#[test]
fn one_wrong_letter_still_finds_the_word_below_exact_hits() {
    let Some((site, browser, _turn)) = site() else {
        return;
    };
    let tab = open(&browser, site, "wissen/schutzkonzept/index.html");
    let hits = search(&tab, "Datenschuz");
    assert_eq!(
        hits[0].title, "Schreibweise",
        "the exact word first: {hits:?}"
    );
    let typo = position(&hits, "Datenschutz verbietet alles");
    assert!(typo > 0);
    assert!(
        hits[typo].marks.iter().any(|m| m == "Datenschutz"),
        "the corrected word is highlighted: {:?}",
        hits[typo]
    );
    // Six letters, one missing: still found.
    assert_eq!(titles(&search(&tab, "Kozept"))[0], "Konzept");
    // Four letters are too few to correct.
    assert!(finds_nothing(&tab, "Tekt"));
}

/// Searches `query` and waits for the message that nothing was found.
fn finds_nothing(tab: &Tab, query: &str) -> bool {
    eval(
        tab,
        "(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); })()",
    );
    tab.call_method(Input::InsertText {
        text: query.to_string(),
    })
    .expect("type query");
    wait_for(
        tab,
        &format!(
            "document.querySelector('.search-status q')?.textContent === {}",
            Value::from(query)
        ),
        10,
    )
}

#[test]
fn later_parts_of_compounds_match_below_prefix_hits() {
    let Some((site, browser, _turn)) = site() else {
        return;
    };
    let tab = open(&browser, site, "index.html");
    let hits = search(&tab, "schutz");
    let prefix = position(&hits, "Konzept");
    let compound = position(&hits, "Datenschutz verbietet alles");
    assert!(prefix < compound, "{:?}", titles(&hits));
    assert_eq!(hits[prefix].marks, ["Schutzkonzept"]);
    assert!(
        hits[compound].marks.iter().all(|m| m == "Datenschutz"),
        "the whole compound is highlighted: {:?}",
        hits[compound]
    );
}

#[test]
fn speaker_notes_find_a_deck_but_never_show_in_snippets() {
    let Some((site, browser, _turn)) = site() else {
        return;
    };
    let tab = open(&browser, site, "index.html");
    for query in ["Zauberformel", "Reichweite"] {
        let hits = search(&tab, query);
        let deck = &hits[position(&hits, "Vortrag Reichweite")];
        for hidden in ["Zauberformel", "Geheimwort", "Notiz", "Note:"] {
            assert!(
                !deck.snippet.contains(hidden),
                "{hidden} in the snippet for {query}: {deck:?}"
            );
        }
    }
}

#[test]
fn highlights_sit_on_whole_words_with_umlauts() {
    let Some((site, browser, _turn)) = site() else {
        return;
    };
    let tab = open(&browser, site, "index.html");
    for query in [
        "Geschäftsführung",
        "geschaeftsfuehrung",
        "Geschäfts",
        "losbar",
    ] {
        let hits = search(&tab, query);
        if query == "losbar" {
            // "lösbar" folds to "loesbar": "losbar" is a typo of it (one letter missing).
            let marks: Vec<&String> = hits.iter().flat_map(|h| &h.marks).collect();
            assert_eq!(marks, ["lösbar"], "{hits:?}");
            continue;
        }
        let hit = &hits[position(&hits, "Datenschutz verbietet alles")];
        assert_eq!(hit.marks, ["Geschäftsführung"], "{query}: {hit:?}");
    }
}

#[test]
fn a_query_loads_only_the_shards_it_needs() {
    let Some((site, browser, _turn)) = site() else {
        return;
    };
    let shard_files = |prefix: &str| {
        std::fs::read_dir(site.join("assets/search"))
            .expect("shard folder")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .count()
    };
    let (terms, docs) = (shard_files("t"), shard_files("d"));
    assert!(
        terms > 1 && docs > 2,
        "{terms} term and {docs} document shards"
    );
    let tab = open(&browser, site, "fuelle/seite-123/index.html");
    let hits = search(&tab, &filler_word(123 * 40 + 7));
    assert_eq!(titles(&hits), ["Seite 123"]);
    let loaded = eval(
        &tab,
        "JSON.stringify(Array.from(document.querySelectorAll('script[src*=\"assets/search/\"]'), s => s.getAttribute('src')))",
    );
    let loaded: Vec<String> = match loaded {
        Value::String(json) => serde_json::from_str(&json).expect("script list"),
        other => panic!("scripts: {other}"),
    };
    assert!(
        loaded
            .iter()
            .all(|src| src.starts_with("../../assets/search/")),
        "shards load relative to the page: {loaded:?}"
    );
    let loaded_terms = loaded.iter().filter(|s| s.contains("/t")).count();
    let loaded_docs = loaded.iter().filter(|s| s.contains("/d")).count();
    assert!(
        (1..terms).contains(&loaded_terms) && loaded_docs == 1,
        "{loaded:?} of {terms} term and {docs} document shards"
    );
}

#[test]
fn results_appear_in_rank_order_and_what_shows_never_moves() {
    let Some((site, browser, _turn)) = site() else {
        return;
    };
    let tab = open(&browser, site, "index.html");
    // Every state of the list the reader could see, as the document shards arrive.
    eval(
        &tab,
        "(() => { window.__seen = []; const list = document.getElementById('search-list'); \
           new MutationObserver(() => __seen.push(Array.from(list.querySelectorAll('a.search-title'), a => a.textContent))) \
             .observe(list, { childList: true, subtree: true }); })()",
    );
    let hits = search(&tab, "Seite");
    assert_eq!(
        hits.len(),
        20,
        "a first screen of results: {:?}",
        titles(&hits)
    );
    let loaded_docs = eval(
        &tab,
        "document.querySelectorAll('script[src*=\"assets/search/d\"]').length",
    );
    assert!(
        loaded_docs.as_u64().is_some_and(|n| n > 1),
        "the results come from several document shards: {loaded_docs}"
    );
    let seen: Vec<Vec<String>> = match eval(&tab, "JSON.stringify(__seen)") {
        Value::String(json) => serde_json::from_str(&json).expect("list states"),
        other => panic!("list states: {other}"),
    };
    let all = titles(&hits);
    for state in &seen {
        assert!(
            state.len() <= all.len() && state.iter().zip(&all).all(|(a, b)| a == b),
            "a result moved or was replaced while more arrived: {state:?} before {all:?}"
        );
    }
}

#[test]
fn a_large_site_prints_by_section() {
    let site = built();
    let index = common::Page(scraper::Html::parse_document(
        &std::fs::read_to_string(site.join("print.html")).expect("print.html"),
    ));
    assert_eq!(index.count(".print-item"), 0, "the index holds no pages");
    let parts = index.attrs("ol.print-parts a", "href");
    // 325 pages: the home page, then the sections in reading order, the filler of 320
    // pages cut into two parts.
    assert_eq!(
        parts,
        [
            "print-1-start.html",
            "print-2-argumente.html",
            "print-3-fuelle.html",
            "print-4-fuelle.html",
            "print-5-vortraege.html",
            "print-6-wissen.html"
        ]
    );
    let mut printed = 0;
    for part in &parts {
        let text = std::fs::read_to_string(site.join(part)).expect("print part");
        printed += text.matches("<article class=\"print-item").count();
    }
    assert_eq!(printed, 325, "every page printed once");
    let filler = std::fs::read_to_string(site.join("print-3-fuelle.html")).expect("part");
    assert_eq!(filler.matches("<article class=\"print-item").count(), 300);
}
