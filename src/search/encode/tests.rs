//! The index format: base-32 numbers, determinism, shards, and searches decoded back.

use super::*;
use crate::search::decode::{decode, hit, search};
use crate::search::index::Posting;
use crate::search::render_index;
use crate::search::tests::{corpus, doc};

#[test]
fn base32_numbers_use_two_alphabets() {
    let mut out = String::new();
    push_base32(0, &mut out);
    push_base32(31, &mut out);
    push_base32(32, &mut out);
    push_base32(32 * 32 + 5, &mut out);
    assert_eq!(out, "0vx0xw5");
}

#[test]
fn index_is_deterministic_and_ascii() {
    let docs = corpus();
    let first = render_index(&docs);
    assert_eq!(first, render_index(&docs));
    assert!(first.iter().all(|(_, text)| text.is_ascii()));
    assert!(first[0].1.starts_with("window.BUYIN_SEARCH={\"v\":2,"));
}

#[test]
fn index_holds_docs_terms_and_postings() {
    let index = decode(&render_index(&corpus()));
    assert_eq!(index.docs.len(), 4);
    assert_eq!(index.docs[1].0, "praxis/stadtwerke/");
    assert_eq!(
        index.docs[1].1,
        "Stadtwerke mit Kundenservice auf Instagram"
    );
    assert_eq!(index.docs[1].2, "case");
    assert!(
        index.docs[0]
            .3
            .starts_with("Wer die Regeln des Datenschutzes")
    );

    let mut sorted = index.terms.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(index.terms, sorted, "terms are sorted and unique");
    assert_eq!(index.terms.len(), index.postings.len());

    let at = |term: &str| {
        let i = index.terms.iter().position(|t| t == term).expect(term);
        index.postings[i].clone()
    };
    assert_eq!(
        at("datenschutz"),
        [hit(0, true, 0), hit(1, false, 1), hit(2, false, 3),]
    );
    assert_eq!(at("datenschutzes"), [hit(0, false, 1)]);
    assert_eq!(
        at("massnahmen").len(),
        2,
        "Maßnahmen and Massnahmen fold together"
    );
    assert!(index.terms.contains(&"geschaeftsfuehrung".to_owned()));
}

#[test]
fn index_carries_the_fold_table_for_the_browser() {
    let js = &render_index(&corpus())[0].1;
    // "é" -> "e", "æ" -> "ae", "ø" -> "o"; umlauts and ß are not in the table.
    assert!(js.contains(r#""\u00e6":"ae""#), "{js}");
    assert!(js.contains(r#""\u00e9":"e""#));
    assert!(js.contains(r#""\u00f8":"o""#));
    assert!(!js.contains(r#""\u00e4":"#));
    assert!(!js.contains(r#""\u00df":"#));
}

#[test]
fn search_matches_prefixes_across_spellings() {
    let index = decode(&render_index(&corpus()));
    // Title hit first, then by body hits.
    assert_eq!(
        search(&index, "Datenschutz"),
        [
            "argumente/datenschutz/",
            "vortraege/it/",
            "praxis/stadtwerke/"
        ]
    );
    assert_eq!(
        search(&index, "massnahmen"),
        ["argumente/datenschutz/", "vortraege/it/"]
    );
    assert_eq!(
        search(&index, "Maßnahmen"),
        ["argumente/datenschutz/", "vortraege/it/"]
    );
    assert_eq!(
        search(&index, "Geschäftsführung"),
        ["argumente/datenschutz/"]
    );
    assert_eq!(search(&index, "cafe"), ["index/"]);
}

#[test]
fn search_ands_query_words() {
    let index = decode(&render_index(&corpus()));
    assert_eq!(
        search(&index, "datenschutz betriebsrat"),
        ["praxis/stadtwerke/"]
    );
    assert_eq!(
        search(&index, "datensch früh"),
        ["argumente/datenschutz/", "praxis/stadtwerke/"]
    );
    assert!(search(&index, "datenschutz blockchain").is_empty());
}

#[test]
fn long_words_are_cut_and_still_match() {
    let long = "Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz";
    let docs = [doc("a/", "A", "page", long)];
    let index = decode(&render_index(&docs));
    assert!(index.terms.iter().all(|t| t.len() <= MAX_TERM_LEN));
    assert_eq!(search(&index, long), ["a/"]);
    assert_eq!(search(&index, "rindfleisch"), ["a/"]);
}

#[test]
fn words_never_span_a_sentence_end_and_each_is_counted_once() {
    let index = decode(&render_index(&[doc("a/", "T", "page", "Plan.\nPlan!")]));
    assert_eq!(search(&index, "plan"), ["a/"]);
    let plan = index.terms.iter().position(|t| t == "plan");
    assert_eq!(
        plan.map(|i| index.postings[i].clone()),
        Some(vec![hit(0, false, 2)])
    );
}

#[test]
fn later_parts_of_compounds_find_the_word_below_prefix_hits() {
    let docs = [
        doc(
            "a/",
            "Recht",
            "page",
            "Der Datenschutz gilt, auch der Arbeitsschutz.",
        ),
        doc(
            "b/",
            "Konzept",
            "page",
            "Ein Schutzkonzept für Daten und Arbeit.",
        ),
        doc(
            "c/",
            "Anderes",
            "page",
            "Daten ohne Schutzwirkung, Sicherheitslücke.",
        ),
    ];
    let index = decode(&render_index(&docs));
    // Prefix hits (b: "Schutzkonzept", c: "Schutzwirkung") before the compound (a).
    assert_eq!(search(&index, "schutz"), ["b/", "c/", "a/"]);
    let schutz = index.terms.iter().position(|t| t == "schutz");
    let postings = schutz.map(|i| index.postings[i].clone()).expect("schutz");
    assert_eq!(
        postings,
        [Posting {
            part: true,
            ..hit(0, false, 2)
        }],
        "datenschutz and arbeitsschutz (with its linking s) both end in schutz"
    );
    // Heads are words of the site: "sicherheit" is not one here, so no "luecke".
    assert!(search(&index, "luecke").is_empty());
    assert!(!index.terms.contains(&"tenschutz".to_owned()));
}

#[test]
fn large_sites_shard_terms_and_documents() {
    let texts: Vec<(String, String)> = (0..400)
        .map(|i| {
            let words: Vec<String> = (0..60).map(|w| format!("wort{}x{}", i % 97, w)).collect();
            (format!("s{i}/"), format!("Seite {i} {}.", words.join(" ")))
        })
        .collect();
    let docs: Vec<SearchDoc> = texts
        .iter()
        .map(|(url, text)| doc(url, "Seite", "page", text))
        .collect();
    let files = render_index(&docs);
    let index = decode(&files);
    assert!(index.shards > 1, "{} term shards", index.shards);
    assert!(files.len() > index.shards + 2, "several document shards");
    let largest = files.iter().map(|(_, text)| text.len()).max().unwrap_or(0);
    assert!(largest < SHARD_BYTES * 2, "largest file {largest} bytes");
    assert_eq!(
        search(&index, "wort5x59"),
        ["s5/", "s102/", "s199/", "s296/", "s393/"]
    );
    assert_eq!(index.docs[399].0, "s399/");
}

#[test]
fn hidden_text_finds_the_page_but_stays_out_of_the_excerpt() {
    let deck = SearchDoc {
        hidden: "Notiz: Geheimplan erwähnen.",
        ..doc("v/", "Vortrag", "deck", "Die Folie zeigt Zahlen.")
    };
    let index = decode(&render_index(&[deck]));
    assert_eq!(search(&index, "geheimplan"), ["v/"]);
    assert_eq!(index.docs[0].3, "Die Folie zeigt Zahlen.");
}

#[test]
fn term_pages_carry_their_label() {
    let term = SearchDoc {
        label: "Zielgruppen",
        ..doc("zielgruppen/it/", "IT", "term", "")
    };
    let index = decode(&render_index(&[term]));
    assert_eq!(index.docs[0].4, "Zielgruppen");
}
