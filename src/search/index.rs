//! The inverted index of all documents and its encoding as sharded script files.
//!
//! Input is one [`Analysis`] per document (its folded words and excerpt); output is
//! the files `search.js` loads: a small manifest, term shards and document shards.
//! Everything here is deterministic: terms are sorted, documents keep their input
//! order, shards are cut at fixed sizes.
//!
//! # Index format (version 2)
//!
//! Every file is a script, so that `search.js` can load it with a `<script>` tag, which
//! also works from `file://` where `fetch` is refused. A query loads the manifest, the
//! term shards its words fall into and the document shards of the results it shows,
//! so the bytes a query reads stay small however large the site grows.
//!
//! ```text
//! assets/search-index.js   window.BUYIN_SEARCH={"v":2,"maxlen":40,"fold":{..},"docs":N,"per":32,"shards":[..]};
//! assets/search/t0.js ..   window.BUYIN_SEARCH_SHARD("t0",{"terms":"..","postings":".."});
//! assets/search/d0.js ..   window.BUYIN_SEARCH_SHARD("d0",[[url,title,kind,excerpt,label],..]);
//! ```
//!
//! - `shards`: the first term of each term shard `tI`. The terms are cut, in sorted
//!   order, into shards of about [`SHARD_BYTES`]; shard `I` holds the terms from
//!   `shards[I]` up to (not including) `shards[I + 1]`.
//! - `terms` (per shard): the shard's folded words, sorted and front-coded: each entry
//!   is one letter `A`..`Z` giving how many leading characters it shares with the
//!   previous entry of the shard (0..25), then the rest of the word. Words are
//!   `[a-z0-9]`, so the uppercase letter also marks where an entry starts. Words longer
//!   than `maxlen` bytes are cut to `maxlen`; the browser cuts query words the same way.
//!   Besides the words of the text, the terms hold the later parts of German compounds
//!   (`schutz` of `datenschutz`, see [`compound_parts`]), so that a query finds a word
//!   by its last part too.
//! - `postings` (per shard): one list per term, in term order, separated by `,`. A
//!   list is a run of numbers `(doc - previous doc) * 64 + (32 if the term is only a
//!   compound part in this document) + (16 if it is in the title) + min(count in body,
//!   15)`, the previous doc starting at 0. Each number is written in base 32, most
//!   significant digit first: digits before the last come from
//!   `wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_`, the last from `0123456789abcdefghijklmnopqrstuv`.
//! - `dJ`: documents `J * per` up to `(J + 1) * per`, in input order; a document's id
//!   is its position in that order. `label` names what a term page belongs to (the
//!   taxonomy's title), so that two terms of one name in two taxonomies read apart.
//! - `fold`: for every non-ASCII letter in the documents (lowercased, umlauts and `ß`
//!   excepted), what [`fold`](super::fold) turns it into, separators as spaces. The
//!   browser has no transliteration table of its own; with this one it folds a query
//!   exactly as this module folded the text, in any script.
//! - `excerpt`: snippet source, at most 1,000 bytes of the body: its first sentence,
//!   then the sentences that add the most words not yet covered per byte, shown in
//!   document order and joined by ` … ` where sentences were skipped. Keeping the
//!   whole body would make the index larger than the site's text; a plain prefix would
//!   only give a snippet for words near the top. Chosen sentences cover many of a
//!   page's distinct words, and a hit elsewhere still finds the page and shows its
//!   opening. Speaker notes are searchable but never part of it.
//!
//! Files are ASCII only (other characters as `\uXXXX`), so a browser reads them right
//! whatever encoding it assumes for a script loaded from disk.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::scan::{fold_char, spelled_out};
use super::{Analysis, MAX_TERM_LEN, SearchDoc};

/// The manifest `search.js` loads first; the shards lie beside it in [`SHARD_DIR`].
pub const INDEX_PATH: &str = "assets/search-index.js";

/// Folder of the term and document shards.
pub const SHARD_DIR: &str = "assets/search/";

/// Version of the index format; `search.js` checks it.
const FORMAT_VERSION: u32 = 2;

/// Body hits per document and word saturate here; beyond it more hits say little.
const MAX_COUNT: u32 = 15;

/// A term shard is closed once its terms and postings reach this many bytes: small
/// enough that a query reads little, large enough that a small site has one shard.
const SHARD_BYTES: usize = 48 * 1024;

/// Documents per document shard (about 1 KB each with their excerpts); a result page
/// of 20 hits reads at most 20 of them.
const DOCS_PER_SHARD: usize = 32;

/// Shortest head and shortest later part a compound is split into.
const MIN_HEAD: usize = 4;
const MIN_PART: usize = 4;

/// Continuation digits of the base-32 numbers in `postings` (see the module doc).
pub(super) const DIGITS_MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
/// Final digits of the base-32 numbers in `postings`.
pub(super) const DIGITS_LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// The index files of `docs` (path, text), given what was found in each: the
/// manifest first, then the term shards, then the document shards.
pub(super) fn encode(docs: &[SearchDoc], analyses: &[Arc<Analysis>]) -> Vec<(String, String)> {
    let index = Index::build(analyses);
    let shards = index.shards();
    let manifest = Manifest {
        v: FORMAT_VERSION,
        maxlen: MAX_TERM_LEN,
        fold: fold_table(analyses),
        docs: docs.len(),
        per: DOCS_PER_SHARD,
        shards: shards.iter().map(|shard| shard.first.as_str()).collect(),
    };
    let mut files = vec![(
        INDEX_PATH.to_owned(),
        format!("window.BUYIN_SEARCH={};\n", to_json(&manifest)),
    )];
    for (i, shard) in shards.iter().enumerate() {
        let name = format!("t{i}");
        let json = to_json(&TermShard {
            terms: &shard.terms,
            postings: &shard.postings,
        });
        files.push(shard_file(&name, &json));
    }
    let rows: Vec<DocRow> = docs
        .iter()
        .zip(analyses)
        .map(|(doc, analysis)| {
            (
                doc.url,
                doc.title,
                doc.kind,
                analysis.excerpt.as_str(),
                doc.label,
            )
        })
        .collect();
    for (j, chunk) in rows.chunks(DOCS_PER_SHARD).enumerate() {
        files.push(shard_file(&format!("d{j}"), &to_json(&chunk)));
    }
    files
}

/// One shard's script: it hands its data to `search.js` by name.
fn shard_file(name: &str, json: &str) -> (String, String) {
    (
        format!("{SHARD_DIR}{name}.js"),
        format!("window.BUYIN_SEARCH_SHARD(\"{name}\",{json});\n"),
    )
}

/// ASCII-only JSON of `value`. Serializing strings, numbers and string-keyed maps
/// cannot fail; should serde_json ever refuse, `null` keeps the page's script working.
fn to_json(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| String::from("null"));
    ascii_only(&json)
}

/// One document as its shard lists it: url, title, kind, excerpt, label.
type DocRow<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// The serialized shape of `window.BUYIN_SEARCH`; field order is output order.
#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    maxlen: usize,
    fold: BTreeMap<String, String>,
    docs: usize,
    per: usize,
    shards: Vec<&'a str>,
}

/// The serialized shape of one term shard.
#[derive(Serialize)]
struct TermShard<'a> {
    terms: &'a str,
    postings: &'a str,
}

/// Where one term occurs in one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Posting {
    pub(super) doc: u32,
    pub(super) title: bool,
    pub(super) count: u32,
    /// The document has the term only as the later part of a compound.
    pub(super) part: bool,
}

/// One encoded term shard: its first term, front-coded terms and postings.
struct Shard {
    first: String,
    terms: String,
    postings: String,
}

/// The inverted index before encoding: folded words and compound parts, sorted, each
/// with its postings in document order.
struct Index {
    terms: Vec<(String, Vec<Posting>)>,
}

impl Index {
    fn build(analyses: &[Arc<Analysis>]) -> Self {
        let mut words: FxHashMap<&str, Vec<Posting>> = FxHashMap::default();
        for (id, analysis) in analyses.iter().enumerate() {
            // Document ids are positions in `docs`; more than u32::MAX pages is not a site.
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            for (word, title, count) in &analysis.hits {
                let posting = Posting {
                    doc: id,
                    title: *title,
                    count: *count,
                    part: false,
                };
                words.entry(word).or_default().push(posting);
            }
        }
        // Later parts of compounds, each with the words it ends (sorted, so that the
        // merged postings come out the same on every run).
        let vocabulary: FxHashSet<&str> = words.keys().copied().collect();
        let mut sorted: Vec<&str> = words.keys().copied().collect();
        sorted.par_sort_unstable();
        let found: Vec<(&str, Vec<&str>)> = sorted
            .par_iter()
            .map(|&word| (word, compound_parts(word, &vocabulary)))
            .collect();
        let mut parts: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (word, word_parts) in found {
            for part in word_parts {
                parts.entry(part).or_default().push(word);
            }
        }
        let mut terms: Vec<(String, Vec<Posting>)> = parts
            .par_iter()
            .map(|(&part, wholes)| {
                let mut postings: Vec<Posting> = words.get(part).cloned().unwrap_or_default();
                for whole in wholes {
                    postings.extend(words[whole].iter().map(|p| Posting { part: true, ..*p }));
                }
                (part.to_owned(), merge(postings))
            })
            .collect();
        let in_parts: FxHashSet<&str> = parts.keys().copied().collect();
        terms.extend(
            words
                .into_iter()
                .filter(|(word, _)| !in_parts.contains(word))
                .map(|(word, postings)| (word.to_owned(), postings)),
        );
        terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Index { terms }
    }

    /// The terms cut into shards of about [`SHARD_BYTES`], encoded (see the module doc).
    fn shards(&self) -> Vec<Shard> {
        let mut shards: Vec<Shard> = Vec::new();
        let mut previous = "";
        for (term, postings) in &self.terms {
            let open = shards
                .last()
                .is_some_and(|s| s.terms.len() + s.postings.len() < SHARD_BYTES);
            if !open {
                shards.push(Shard {
                    first: term.clone(),
                    terms: String::new(),
                    postings: String::new(),
                });
                previous = "";
            }
            let Some(shard) = shards.last_mut() else {
                break;
            };
            if !shard.terms.is_empty() {
                shard.postings.push(',');
            }
            let shared = common_prefix_len(previous, term).min(25);
            // `shared` <= 25, so the letter stays within A..Z.
            shard.terms.push(char::from(b'A' + shared as u8));
            shard.terms.push_str(&term[shared..]);
            previous = term;
            let mut last = 0;
            for posting in postings {
                let value = u64::from(posting.doc - last) * 64
                    + if posting.part { 32 } else { 0 }
                    + if posting.title { 16 } else { 0 }
                    + u64::from(posting.count.min(MAX_COUNT));
                push_base32(value, &mut shard.postings);
                last = posting.doc;
            }
        }
        if shards.is_empty() {
            shards.push(Shard {
                first: String::new(),
                terms: String::new(),
                postings: String::new(),
            });
        }
        shards
    }
}

/// The later parts of `word` if it is a compound of words the site uses: every ending
/// of at least [`MIN_PART`] letters after a head of at least [`MIN_HEAD`] letters,
/// where the head is itself a word of the site, directly or with a linking `s`
/// (`daten|schutz`, `sicherheit|s|luecke`), or the ending is (`unternehmens|kultur`).
/// Crude, but it needs no dictionary and never invents a match for a word the site
/// does not contain.
fn compound_parts<'w>(word: &'w str, vocabulary: &FxHashSet<&str>) -> Vec<&'w str> {
    let bytes = word.as_bytes();
    (MIN_HEAD..=word.len().saturating_sub(MIN_PART))
        .filter(|&i| {
            vocabulary.contains(&word[..i])
                || (bytes[i - 1] == b's' && i > MIN_HEAD && vocabulary.contains(&word[..i - 1]))
                || vocabulary.contains(&word[i..])
        })
        .map(|i| &word[i..])
        .collect()
}

/// Postings of one term merged to one per document: a document that has the word
/// itself is no mere compound hit; title hits and counts add up.
fn merge(mut postings: Vec<Posting>) -> Vec<Posting> {
    postings.sort_by_key(|p| p.doc);
    let mut out: Vec<Posting> = Vec::with_capacity(postings.len());
    for p in postings {
        match out.last_mut() {
            Some(last) if last.doc == p.doc => {
                last.part &= p.part;
                last.title |= p.title;
                last.count = (last.count + p.count).min(MAX_COUNT);
            }
            _ => out.push(p),
        }
    }
    out
}

/// Appends `value` in the two-alphabet base-32 form of the `postings` field.
pub(super) fn push_base32(value: u64, out: &mut String) {
    let mut digits = [0u8; 13];
    let mut len = 0;
    let mut rest = value;
    loop {
        digits[len] = (rest % 32) as u8;
        len += 1;
        rest /= 32;
        if rest == 0 {
            break;
        }
    }
    for (i, &digit) in digits[..len].iter().enumerate().rev() {
        let alphabet = if i == 0 { DIGITS_LAST } else { DIGITS_MORE };
        out.push(char::from(alphabet[usize::from(digit)]));
    }
}

/// The `fold` table for the browser: every lowercase non-ASCII letter in the
/// documents that is not an umlaut or `ß` (those the browser maps itself).
fn fold_table(analyses: &[Arc<Analysis>]) -> BTreeMap<String, String> {
    let letters: BTreeSet<char> = analyses
        .iter()
        .flat_map(|analysis| analysis.letters.iter().copied())
        .collect();
    letters
        .into_iter()
        .filter(|&c| spelled_out(c).is_none())
        .map(|c| {
            let mut folded = String::new();
            fold_char(c, &mut folded);
            (c.to_string(), folded)
        })
        .collect()
}

fn common_prefix_len(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// JSON with every non-ASCII character written as `\uXXXX` escapes. Such characters
/// occur only inside JSON strings, where the escape means the same.
fn ascii_only(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::decode::{decode, hit, search};
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
}
