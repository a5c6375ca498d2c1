//! The inverted index of all documents, before encoding: every folded word and every
//! later part of a German compound the site uses (`schutz` of `datenschutz`), sorted,
//! each with its postings in document order. [`super::encode`] writes it out.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

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

/// The inverted index before encoding: folded words and compound parts, sorted, each
/// with its postings in document order.
pub(super) struct Index {
    pub(super) terms: Vec<(String, Vec<Posting>)>,
}

impl Index {
    /// The index of `analyses`, one per document in document order.
    pub(super) fn build(analyses: &[Arc<Analysis>]) -> Self {
        let mut words: FxHashMap<&str, Vec<Posting>> = FxHashMap::default();
        for (id, analysis) in analyses.iter().enumerate() {
            // Document ids are positions in `docs`; more than u32::MAX pages is not a site.
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            for (word, title, count) in analysis.hits() {
                let posting = Posting {
                    doc: id,
                    title,
                    count,
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
