//! The search index encoded as sharded script files.
//!
//! Input is the [`Postings`] built from one [`Analysis`] per document (its folded words
//! and excerpt); output is
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
//! assets/search-index.js   window.BUYIN_SEARCH={"v":2,"maxlen":40,"fold":{..},"docs":N,"per":8,"shards":[..]};
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
//!   (`schutz` of `datenschutz`, see [`super::index`]), so that a query finds a word
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
use serde::Serialize;

use super::index::{MAX_COUNT, Posting, Postings};
use super::scan::{fold_char, spelled_out};
use super::{Analysis, MAX_TERM_LEN, SearchDoc};

/// The manifest `search.js` loads first; the shards lie beside it in [`SHARD_DIR`].
pub const INDEX_PATH: &str = "assets/search-index.js";

/// Folder of the term and document shards.
pub const SHARD_DIR: &str = "assets/search/";

/// Version of the index format; `search.js` checks it.
const FORMAT_VERSION: u32 = 2;

/// A term shard is closed once its terms and postings reach this many bytes: small
/// enough that a query reads little, large enough that a small site has one shard.
const SHARD_BYTES: usize = 48 * 1024;

/// Documents per document shard (about 1 KB each with their excerpts); a result page
/// of 20 hits reads at most 20 of them. The 20 hits of a large site lie in as many
/// shards, so small ones keep what a query reads (and the browser parses) small.
pub(super) const DOCS_PER_SHARD: usize = 8;

/// Continuation digits of the base-32 numbers in `postings` (see the module doc).
pub(super) const DIGITS_MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
/// Final digits of the base-32 numbers in `postings`.
pub(super) const DIGITS_LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// The index files of `docs` (path, text), given what was found in each: the
/// manifest first, then the term shards, then the document shards.
#[cfg(test)]
pub(super) fn encode(docs: &[SearchDoc], analyses: &[Arc<Analysis>]) -> Vec<(String, String)> {
    let postings = Postings::build(analyses);
    let terms = encode_terms(&postings);
    let letters: BTreeSet<char> = analyses
        .iter()
        .flat_map(|analysis| analysis.letters.iter().copied())
        .collect();
    let terms = terms.iter().map(|(term, list)| (*term, list.as_str()));
    files(docs, analyses, &letters, terms, &|_| true)
}

/// Every term of `postings` with its encoded postings list, sorted.
pub(super) fn encode_terms(postings: &Postings) -> Vec<(&str, String)> {
    postings
        .terms()
        .into_par_iter()
        .filter_map(|term| Some((term, encode_postings(&postings.term(term)?))))
        .collect()
}

/// The index files: the manifest, the term shards cut from `terms` (each with its
/// encoded postings, sorted), and the document shards `chunk` asks for by number.
pub(super) fn files<'t>(
    docs: &[SearchDoc],
    analyses: &[Arc<Analysis>],
    letters: &BTreeSet<char>,
    terms: impl Iterator<Item = (&'t str, &'t str)>,
    chunk: &(dyn Fn(usize) -> bool + Sync),
) -> Vec<(String, String)> {
    let shards = shards(terms);
    let manifest = Manifest {
        v: FORMAT_VERSION,
        maxlen: MAX_TERM_LEN,
        fold: fold_table(letters),
        docs: docs.len(),
        per: DOCS_PER_SHARD,
        shards: shards.iter().map(|shard| shard.first.as_str()).collect(),
    };
    let mut files = vec![(
        INDEX_PATH.to_owned(),
        format!("window.BUYIN_SEARCH={};\n", to_json(&manifest)),
    )];
    // Each shard's file on its own: a large site's index is megabytes of JSON.
    files.par_extend(shards.par_iter().enumerate().map(|(i, shard)| {
        let json = to_json(&TermShard {
            terms: &shard.terms,
            postings: &shard.postings,
        });
        shard_file(&format!("t{i}"), &json)
    }));
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
    files.par_extend(
        rows.par_chunks(DOCS_PER_SHARD)
            .enumerate()
            .filter(|(j, _)| chunk(*j))
            .map(|(j, rows)| shard_file(&format!("d{j}"), &to_json(&rows))),
    );
    files
}

/// The path of every shard of an index of `docs` documents, given its files: the term
/// shards are always among them, the document shards follow from the count.
pub(super) fn shard_paths(files: &[(String, String)], docs: usize) -> Vec<String> {
    let term_shard = format!("{SHARD_DIR}t");
    let terms = files
        .iter()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with(&term_shard))
        .cloned();
    let documents = (0..docs.div_ceil(DOCS_PER_SHARD)).map(|j| shard_path(&format!("d{j}")));
    terms.chain(documents).collect()
}

/// Where shard `name` lies.
fn shard_path(name: &str) -> String {
    format!("{SHARD_DIR}{name}.js")
}

/// One shard's script: it hands its data to `search.js` by name.
fn shard_file(name: &str, json: &str) -> (String, String) {
    (
        shard_path(name),
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

/// One encoded term shard: its first term, front-coded terms and postings.
struct Shard {
    first: String,
    terms: String,
    postings: String,
}

/// The terms (each with its encoded postings, sorted) cut into shards of about
/// [`SHARD_BYTES`], encoded (see the module doc).
fn shards<'t>(terms: impl Iterator<Item = (&'t str, &'t str)>) -> Vec<Shard> {
    let mut shards: Vec<Shard> = Vec::new();
    let mut previous = "";
    for (term, postings) in terms {
        let open = shards
            .last()
            .is_some_and(|s| s.terms.len() + s.postings.len() < SHARD_BYTES);
        if !open {
            shards.push(Shard {
                first: term.to_owned(),
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
        shard.postings.push_str(postings);
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

/// One term's postings as the `postings` field writes them (see the module doc).
pub(super) fn encode_postings(postings: &[Posting]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for posting in postings {
        let value = u64::from(posting.doc - last) * 64
            + if posting.part { 32 } else { 0 }
            + if posting.title { 16 } else { 0 }
            + u64::from(posting.count.min(MAX_COUNT));
        push_base32(value, &mut out);
        last = posting.doc;
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
fn fold_table(letters: &BTreeSet<char>) -> BTreeMap<String, String> {
    letters
        .iter()
        .filter(|&&c| spelled_out(c).is_none())
        .map(|&c| {
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
/// occur only inside JSON strings, where the escape means the same. ASCII runs are
/// copied whole: the index of a large site is megabytes of mostly ASCII text.
fn ascii_only(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    let mut rest = json;
    while let Some(at) = rest.bytes().position(|b| !b.is_ascii()) {
        out.push_str(&rest[..at]);
        let Some(c) = rest[at..].chars().next() else {
            break;
        };
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{unit:04x}");
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
