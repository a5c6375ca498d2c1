//! The inverted index of all documents, before encoding: every folded word and every
//! later part of a German compound the site uses (`schutz` of `datenschutz`), each
//! with its postings in document order. [`super::encode`] writes it out.
//!
//! A build makes [`Postings`] once; `serve` keeps them and updates them per changed
//! document ([`Postings::update`]), which gives the same terms as building anew.

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::Analysis;

/// Body hits per document and word saturate here; beyond it more hits say little.
pub(super) const MAX_COUNT: u32 = 15;

/// Shortest head and shortest later part a compound is split into.
const MIN_HEAD: usize = 4;
const MIN_PART: usize = 4;

/// Where one term occurs in one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Posting {
    pub(super) doc: u32,
    pub(super) title: bool,
    pub(super) count: u32,
    /// The document has the term only as the later part of a compound.
    pub(super) part: bool,
}

/// The words of all documents, each with its postings in document order, and which
/// words end others as compound parts: what the index's terms are made of. A term is
/// a word or a later part (or both).
pub(super) struct Postings {
    words: FxHashMap<String, Vec<Posting>>,
    /// The later parts of each word that has any (see [`compound_parts`]).
    parts: FxHashMap<String, Vec<String>>,
    /// For each later part, the words it ends.
    wholes: FxHashMap<String, BTreeSet<String>>,
}

impl Postings {
    /// The postings of `analyses`, one per document in document order.
    pub(super) fn build(analyses: &[Arc<Analysis>]) -> Self {
        let mut words: FxHashMap<String, Vec<Posting>> = FxHashMap::default();
        for (doc, analysis) in analyses.iter().enumerate() {
            for (word, posting) in postings_of(doc_id(doc), analysis) {
                match words.get_mut(word) {
                    Some(list) => list.push(posting),
                    None => {
                        words.insert(word.to_owned(), vec![posting]);
                    }
                }
            }
        }
        let mut sorted: Vec<&str> = words.keys().map(String::as_str).collect();
        sorted.par_sort_unstable();
        let is_word = |w: &str| words.contains_key(w);
        let found: Vec<(&str, Vec<&str>)> = sorted
            .par_iter()
            .map(|&word| (word, compound_parts(word, &is_word)))
            .filter(|(_, parts)| !parts.is_empty())
            .collect();
        let mut parts = FxHashMap::default();
        let mut wholes: FxHashMap<String, BTreeSet<String>> = FxHashMap::default();
        for (word, word_parts) in found {
            for &part in &word_parts {
                wholes
                    .entry(part.to_owned())
                    .or_default()
                    .insert(word.to_owned());
            }
            parts.insert(word.to_owned(), owned(&word_parts));
        }
        Postings {
            words,
            parts,
            wholes,
        }
    }

    /// Every term, sorted.
    pub(super) fn terms(&self) -> Vec<&str> {
        let mut terms: Vec<&str> = self
            .words
            .keys()
            .chain(
                self.wholes
                    .keys()
                    .filter(|part| !self.words.contains_key(*part)),
            )
            .map(String::as_str)
            .collect();
        terms.par_sort_unstable();
        terms
    }

    /// The postings of `term`, if it is one: those of the word itself merged with
    /// those of the words it ends (marked as parts), one per document.
    pub(super) fn term(&self, term: &str) -> Option<Vec<Posting>> {
        let own = self.words.get(term);
        let Some(wholes) = self.wholes.get(term) else {
            return own.cloned();
        };
        let mut postings: Vec<Posting> = own.cloned().unwrap_or_default();
        for whole in wholes {
            let Some(list) = self.words.get(whole) else {
                continue;
            };
            postings.extend(list.iter().map(|p| Posting { part: true, ..*p }));
        }
        Some(merge(postings))
    }

    /// Replaces the words of each changed document (`doc`, what it held, what it
    /// holds now); returns every term whose postings may have changed, including
    /// terms that are gone. Words that come or go may start or end compounds, so the
    /// words they can head or end are split again.
    pub(super) fn update(&mut self, changes: &[(u32, &Analysis, &Analysis)]) -> BTreeSet<String> {
        // Whether each word of the changes was a word of the site before them.
        let before: FxHashMap<String, bool> = changes
            .iter()
            .flat_map(|&(_, old, new)| old.hits().chain(new.hits()))
            .map(|(word, ..)| (word.to_owned(), self.words.contains_key(word)))
            .collect();
        let mut touched: BTreeSet<String> = BTreeSet::new();
        for &(doc, old, new) in changes {
            for (word, ..) in old.hits() {
                let Some(list) = self.words.get_mut(word) else {
                    continue;
                };
                if let Ok(at) = list.binary_search_by_key(&doc, |p| p.doc) {
                    list.remove(at);
                }
                if list.is_empty() {
                    self.words.remove(word);
                }
                touched.insert(word.to_owned());
            }
            for (word, posting) in postings_of(doc, new) {
                match self.words.get_mut(word) {
                    Some(list) => match list.binary_search_by_key(&doc, |p| p.doc) {
                        Ok(at) => list[at] = posting,
                        Err(at) => list.insert(at, posting),
                    },
                    None => {
                        self.words.insert(word.to_owned(), vec![posting]);
                    }
                }
                touched.insert(word.to_owned());
            }
        }
        let moved: BTreeSet<&str> = before
            .iter()
            .filter(|&(word, &was)| was != self.words.contains_key(word))
            .map(|(word, _)| word.as_str())
            .collect();
        // Words that can have a word that came or went as head or later part.
        let short = MIN_HEAD.min(MIN_PART);
        let long: Vec<&str> = moved.iter().copied().filter(|v| v.len() >= short).collect();
        let mut split = moved;
        if !long.is_empty() {
            split.extend(self.words.keys().map(String::as_str).filter(|word| {
                long.iter()
                    .any(|v| word.len() > v.len() && (word.starts_with(v) || word.ends_with(v)))
            }));
        }
        let is_word = |w: &str| self.words.contains_key(w);
        let resplit: Vec<(String, Vec<String>)> = split
            .into_iter()
            .map(|word| {
                let parts = if is_word(word) {
                    owned(&compound_parts(word, &is_word))
                } else {
                    Vec::new()
                };
                (word.to_owned(), parts)
            })
            .collect();
        for (word, parts) in resplit {
            let old = self.parts.remove(&word).unwrap_or_default();
            if old != parts {
                for part in &old {
                    if let Some(wholes) = self.wholes.get_mut(part) {
                        wholes.remove(&word);
                        if wholes.is_empty() {
                            self.wholes.remove(part);
                        }
                    }
                }
                for part in &parts {
                    self.wholes
                        .entry(part.clone())
                        .or_default()
                        .insert(word.clone());
                }
                touched.extend(old);
                touched.extend(parts.iter().cloned());
            }
            if !parts.is_empty() {
                self.parts.insert(word, parts);
            }
        }
        // A word's postings reach the terms of its parts.
        let reached: Vec<String> = touched
            .iter()
            .filter_map(|word| self.parts.get(word))
            .flatten()
            .cloned()
            .collect();
        touched.extend(reached);
        touched
    }
}

/// Document ids are positions in the document list; more than u32::MAX pages is not
/// a site.
pub(super) fn doc_id(doc: usize) -> u32 {
    u32::try_from(doc).unwrap_or(u32::MAX)
}

/// The words of one document with their postings.
fn postings_of(doc: u32, analysis: &Analysis) -> impl Iterator<Item = (&str, Posting)> {
    analysis.hits().map(move |(word, title, count)| {
        let posting = Posting {
            doc,
            title,
            count,
            part: false,
        };
        (word, posting)
    })
}

fn owned(words: &[&str]) -> Vec<String> {
    words.iter().map(|&w| w.to_owned()).collect()
}

/// The later parts of `word` if it is a compound of words the site uses: every ending
/// of at least [`MIN_PART`] letters after a head of at least [`MIN_HEAD`] letters,
/// where the head is itself a word of the site, directly or with a linking `s`
/// (`daten|schutz`, `sicherheit|s|luecke`), or the ending is (`unternehmens|kultur`).
/// Crude, but it needs no dictionary and never invents a match for a word the site
/// does not contain.
fn compound_parts<'w>(word: &'w str, is_word: &(impl Fn(&str) -> bool + Sync)) -> Vec<&'w str> {
    let bytes = word.as_bytes();
    (MIN_HEAD..=word.len().saturating_sub(MIN_PART))
        .filter(|&i| {
            is_word(&word[..i])
                || (bytes[i - 1] == b's' && i > MIN_HEAD && is_word(&word[..i - 1]))
                || is_word(&word[i..])
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
