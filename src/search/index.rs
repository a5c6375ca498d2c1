//! The inverted index of all documents and its encoding as `assets/search-index.js`.
//!
//! Input is one [`Analysis`] per document (its folded words and excerpt); output is
//! the JavaScript file `search.js` loads. Everything here is deterministic: terms are
//! sorted, documents keep their input order.
//!
//! # Index format (version 1)
//!
//! ```text
//! window.BUYIN_SEARCH={"v":1,"maxlen":40,"fold":{..},"docs":[..],"terms":"..","postings":".."};
//! ```
//!
//! - `docs`: one `[url, title, kind, excerpt]` per document, in input order; a
//!   document's id is its position here.
//! - `terms`: every folded word of all titles and texts, sorted and front-coded: each
//!   entry is one letter `A`..`Z` giving how many leading characters it shares with the
//!   previous entry (0..25), then the rest of the word. Words are `[a-z0-9]`, so the
//!   uppercase letter also marks where an entry starts. Words longer than `maxlen`
//!   bytes are cut to `maxlen`; the browser cuts query words the same way.
//! - `postings`: one list per term, in term order, separated by `,`. A list is a run
//!   of numbers `(doc - previous doc) * 32 + (16 if the word is in the title) +
//!   min(count in body, 15)`, the previous doc starting at 0. Each number is written
//!   in base 32, most significant digit first: digits before the last come from
//!   `wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_`, the last from `0123456789abcdefghijklmnopqrstuv`.
//! - `fold`: for every non-ASCII letter in the documents (lowercased, umlauts and `ß`
//!   excepted), what [`fold`] turns it into, separators as spaces. The browser has no
//!   transliteration table of its own; with this one it folds a query exactly as this
//!   module folded the text, in any script.
//! - `excerpt`: snippet source, at most 1,000 bytes of the body: its first sentence,
//!   then the sentences that add the most words not yet covered per byte, shown in
//!   document order and joined by ` … ` where sentences were skipped. Keeping the
//!   whole body would make the index larger than the site's text; a plain prefix would
//!   only give a snippet for words near the top. Chosen sentences cover many of a
//!   page's distinct words, and a hit elsewhere still finds the page and shows its
//!   opening.
//!
//! The file is ASCII only (other characters as `\uXXXX`), so a browser reads it right
//! whatever encoding it assumes for a script loaded from disk.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::scan::{fold_char, spelled_out};
use super::{Analysis, MAX_TERM_LEN, SearchDoc};

/// Version of the index format; `search.js` checks it.
const FORMAT_VERSION: u32 = 1;

/// Body hits per document and word saturate here; beyond it more hits say little.
const MAX_COUNT: u32 = 15;

/// Continuation digits of the base-32 numbers in `postings` (see the module doc).
pub(super) const DIGITS_MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
/// Final digits of the base-32 numbers in `postings`.
pub(super) const DIGITS_LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// The index file of `docs`, given what was found in each.
pub(super) fn encode(docs: &[SearchDoc], analyses: &[Arc<Analysis>]) -> String {
    let index = Index::build(analyses);
    let file = IndexFile {
        v: FORMAT_VERSION,
        maxlen: MAX_TERM_LEN,
        fold: fold_table(analyses),
        docs: docs
            .iter()
            .zip(analyses)
            .map(|(doc, analysis)| (doc.url, doc.title, doc.kind, analysis.excerpt.as_str()))
            .collect(),
        terms: index.encode_terms(),
        postings: index.encode_postings(),
    };
    // Serializing strings, numbers and string-keyed maps cannot fail; should serde_json
    // ever refuse, an empty index keeps the page's script working.
    let json = serde_json::to_string(&file).unwrap_or_else(|_| String::from("null"));
    format!("window.BUYIN_SEARCH={};\n", ascii_only(&json))
}

/// The serialized shape of `window.BUYIN_SEARCH`; field order is output order.
#[derive(Serialize)]
struct IndexFile<'a> {
    v: u32,
    maxlen: usize,
    fold: BTreeMap<String, String>,
    docs: Vec<(&'a str, &'a str, &'a str, &'a str)>,
    terms: String,
    postings: String,
}

/// Where one folded word occurs in one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Posting {
    doc: u32,
    title: bool,
    count: u32,
}

/// The inverted index before encoding: folded words, sorted, each with its postings
/// in document order.
struct Index {
    terms: Vec<(String, Vec<Posting>)>,
}

impl Index {
    fn build(analyses: &[Arc<Analysis>]) -> Self {
        let mut terms: FxHashMap<&str, Vec<Posting>> = FxHashMap::default();
        for (id, analysis) in analyses.iter().enumerate() {
            // Document ids are positions in `docs`; more than u32::MAX pages is not a site.
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            for (word, title, count) in &analysis.hits {
                let posting = Posting {
                    doc: id,
                    title: *title,
                    count: *count,
                };
                terms.entry(word).or_default().push(posting);
            }
        }
        let mut terms: Vec<(String, Vec<Posting>)> = terms
            .into_iter()
            .map(|(word, postings)| (word.to_owned(), postings))
            .collect();
        terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Index { terms }
    }

    /// Front-coded, sorted term list (see the module doc).
    fn encode_terms(&self) -> String {
        let mut out = String::new();
        let mut previous = "";
        for (term, _) in &self.terms {
            let shared = common_prefix_len(previous, term).min(25);
            // `shared` <= 25, so the letter stays within A..Z.
            out.push(char::from(b'A' + shared as u8));
            out.push_str(&term[shared..]);
            previous = term;
        }
        out
    }

    /// Comma-separated, base-32 delta-coded posting lists (see the module doc).
    fn encode_postings(&self) -> String {
        let mut out = String::new();
        for (i, (_, postings)) in self.terms.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut previous = 0;
            for posting in postings {
                let value = u64::from(posting.doc - previous) * 32
                    + if posting.title { 16 } else { 0 }
                    + u64::from(posting.count.min(MAX_COUNT));
                push_base32(value, &mut out);
                previous = posting.doc;
            }
        }
        out
    }
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
    use crate::search::tests::{corpus, doc};
    use crate::search::{cut_term, fold, render_index, words};
    use std::collections::BTreeMap;

    /// The decoded index, as `search.js` sees it.
    struct Decoded {
        docs: Vec<(String, String, String, String)>,
        terms: Vec<String>,
        postings: Vec<Vec<Posting>>,
    }

    fn decode(js: &str) -> Decoded {
        let json = js
            .strip_prefix("window.BUYIN_SEARCH=")
            .and_then(|rest| rest.strip_suffix(";\n"))
            .expect("index has the window.BUYIN_SEARCH= wrapper");
        let value: serde_json::Value = serde_json::from_str(json).expect("index is JSON");
        let docs = serde_json::from_value(value["docs"].clone()).expect("docs are 4-tuples");
        let mut terms: Vec<String> = Vec::new();
        let coded = value["terms"].as_str().expect("terms is a string");
        for c in coded.chars() {
            if c.is_ascii_uppercase() {
                let shared = usize::from(c as u8 - b'A');
                let previous = terms.last().map_or("", String::as_str);
                terms.push(previous[..shared].to_owned());
            } else {
                terms
                    .last_mut()
                    .expect("entry starts with a letter")
                    .push(c);
            }
        }
        let postings = value["postings"]
            .as_str()
            .expect("postings is a string")
            .split(',')
            .map(|list| {
                let mut out = Vec::new();
                let (mut doc, mut number) = (0u64, 0u64);
                for b in list.bytes() {
                    if let Some(d) = DIGITS_MORE.iter().position(|&x| x == b) {
                        number = number * 32 + d as u64;
                    } else {
                        let d = DIGITS_LAST.iter().position(|&x| x == b).expect("digit");
                        number = number * 32 + d as u64;
                        doc += number / 32;
                        out.push(Posting {
                            doc: doc as u32,
                            title: number & 16 != 0,
                            count: (number & 15) as u32,
                        });
                        number = 0;
                    }
                }
                out
            })
            .collect();
        Decoded {
            docs,
            terms,
            postings,
        }
    }

    /// Reference search with the browser's rules: every query word is a prefix of some
    /// indexed word of the document; rank by query words hit in the title, then by body
    /// hits, then by document order. Returns URLs.
    fn search(index: &Decoded, query: &str) -> Vec<String> {
        let folded = fold(query);
        let mut found: Option<BTreeMap<u32, (u32, u32)>> = None;
        for word in words(&folded) {
            let word = cut_term(word);
            let start = index.terms.partition_point(|t| t.as_str() < word);
            let mut hits: BTreeMap<u32, (bool, u32)> = BTreeMap::new();
            for t in start..index.terms.len() {
                if !index.terms[t].starts_with(word) {
                    break;
                }
                for p in &index.postings[t] {
                    let hit = hits.entry(p.doc).or_default();
                    hit.0 |= p.title;
                    hit.1 += p.count;
                }
            }
            found = Some(match found {
                None => hits
                    .into_iter()
                    .map(|(d, (t, c))| (d, (u32::from(t), c)))
                    .collect(),
                Some(prev) => prev
                    .into_iter()
                    .filter_map(|(d, (t, c))| {
                        hits.get(&d)
                            .map(|&(t2, c2)| (d, (t + u32::from(t2), c + c2)))
                    })
                    .collect(),
            });
        }
        let mut ranked: Vec<(u32, (u32, u32))> = found.unwrap_or_default().into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .map(|(d, _)| index.docs[d as usize].0.clone())
            .collect()
    }
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
        assert!(first.is_ascii());
        assert!(first.starts_with("window.BUYIN_SEARCH={\"v\":1,"));
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
            [
                Posting {
                    doc: 0,
                    title: true,
                    count: 0
                },
                Posting {
                    doc: 1,
                    title: false,
                    count: 1
                },
                Posting {
                    doc: 2,
                    title: false,
                    count: 3
                },
            ]
        );
        assert_eq!(
            at("datenschutzes"),
            [Posting {
                doc: 0,
                title: false,
                count: 1
            }]
        );
        assert_eq!(
            at("massnahmen").len(),
            2,
            "Maßnahmen and Massnahmen fold together"
        );
        assert!(index.terms.contains(&"geschaeftsfuehrung".to_owned()));
    }

    #[test]
    fn index_carries_the_fold_table_for_the_browser() {
        let js = render_index(&corpus());
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
            Some(vec![Posting {
                doc: 0,
                title: false,
                count: 2
            }])
        );
    }
}
