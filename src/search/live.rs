//! The search index as `serve` keeps it between edits: the postings of every word,
//! each term's encoded postings, and what each document shard was made of. An edit
//! updates the postings of the documents it changed ([`Postings::update`]) and encodes
//! again only the terms they reach; the term shards are cut again from the kept
//! terms, and a document shard is written only when one of its documents changed.
//! The files come out byte for byte as [`super::encode::encode`] makes them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::encode::{DOCS_PER_SHARD, encode_postings, encode_terms, files};
use super::index::{Postings, doc_id};
use super::{Analysis, SearchDoc};

/// Above this share of changed documents, building anew is quicker than updating.
const MOST_CHANGED: usize = 4;

/// What the last index call made, for the next one to start from.
pub(super) struct Kept {
    postings: Postings,
    /// Each term's encoded postings list.
    terms: BTreeMap<String, String>,
    /// Each document's key (see [`super::render_index_cached`]).
    keys: Vec<u64>,
    /// How many documents have each non-ASCII letter (the `fold` table's source).
    letters: BTreeMap<char, usize>,
    /// Per document shard, a digest of what its rows are made of.
    chunks: Vec<u128>,
}

impl Kept {
    /// The index files of `docs` made anew, and what the next call starts from.
    pub(super) fn build(
        docs: &[SearchDoc],
        keys: &[u64],
        analyses: &[Arc<Analysis>],
    ) -> (Kept, Vec<(String, String)>) {
        let postings = Postings::build(analyses);
        let terms: BTreeMap<String, String> = encode_terms(&postings)
            .into_iter()
            .map(|(term, list)| (term.to_owned(), list))
            .collect();
        let mut letters = BTreeMap::new();
        for analysis in analyses {
            count_letters(&mut letters, analysis, 1);
        }
        let kept = Kept {
            postings,
            terms,
            keys: keys.to_vec(),
            letters,
            chunks: chunk_digests(docs, keys),
        };
        let files = kept.files(docs, analyses, &|_| true);
        (kept, files)
    }

    /// The index files after the documents whose keys changed: the manifest, every
    /// term shard, and the document shards that changed, or all of them with
    /// `every_file`. `previous` holds the analyses of the last call by key. None when
    /// the documents are not the same list as last time (their number changed, or
    /// most of them did), and the index is better built anew.
    pub(super) fn update(
        &mut self,
        docs: &[SearchDoc],
        keys: &[u64],
        analyses: &[Arc<Analysis>],
        previous: &HashMap<u64, Arc<Analysis>>,
        every_file: bool,
    ) -> Option<Vec<(String, String)>> {
        if keys.len() != self.keys.len() {
            return None;
        }
        let changed: Vec<(usize, &Arc<Analysis>)> = keys
            .iter()
            .zip(&self.keys)
            .enumerate()
            .filter(|(_, (new, old))| new != old)
            .map(|(doc, (_, old))| Some((doc, previous.get(old)?)))
            .collect::<Option<_>>()?;
        if changed.len() > keys.len() / MOST_CHANGED {
            return None;
        }
        let changes: Vec<(u32, &Analysis, &Analysis)> = changed
            .iter()
            .map(|&(doc, old)| (doc_id(doc), old.as_ref(), analyses[doc].as_ref()))
            .collect();
        for &(_, old, new) in &changes {
            count_letters(&mut self.letters, old, -1);
            count_letters(&mut self.letters, new, 1);
        }
        let touched = self.postings.update(&changes);
        let postings = &self.postings;
        let encoded: Vec<(String, Option<String>)> = touched
            .into_par_iter()
            .map(|term| {
                let list = postings.term(&term).map(|list| encode_postings(&list));
                (term, list)
            })
            .collect();
        for (term, list) in encoded {
            match list {
                Some(list) => self.terms.insert(term, list),
                None => self.terms.remove(&term),
            };
        }
        self.keys = keys.to_vec();
        let chunks = chunk_digests(docs, keys);
        let old = std::mem::replace(&mut self.chunks, chunks);
        let chunk = |j: usize| every_file || old.get(j) != self.chunks.get(j);
        Some(self.files(docs, analyses, &chunk))
    }

    fn files(
        &self,
        docs: &[SearchDoc],
        analyses: &[Arc<Analysis>],
        chunk: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<(String, String)> {
        let letters: BTreeSet<char> = self.letters.keys().copied().collect();
        let terms = self
            .terms
            .iter()
            .map(|(term, list)| (term.as_str(), list.as_str()));
        files(docs, analyses, &letters, terms, chunk)
    }
}

/// Adds `by` to the count of each letter `analysis` holds; a letter no document holds
/// any more goes.
fn count_letters(letters: &mut BTreeMap<char, usize>, analysis: &Analysis, by: isize) {
    for &letter in &analysis.letters {
        let count = letters.entry(letter).or_default();
        *count = count.saturating_add_signed(by);
        if *count == 0 {
            letters.remove(&letter);
        }
    }
}

/// A digest per document shard of everything its rows are made of: each document's
/// key (which decides its excerpt), URL, title, kind and label.
fn chunk_digests(docs: &[SearchDoc], keys: &[u64]) -> Vec<u128> {
    docs.par_chunks(DOCS_PER_SHARD)
        .zip(keys.par_chunks(DOCS_PER_SHARD))
        .map(|(docs, keys)| {
            let mut bytes = Vec::new();
            for (doc, key) in docs.iter().zip(keys) {
                bytes.extend_from_slice(&key.to_le_bytes());
                for field in [doc.url, doc.title, doc.kind, doc.label] {
                    bytes.extend_from_slice(field.as_bytes());
                    bytes.push(0);
                }
            }
            xxhash_rust::xxh3::xxh3_128(&bytes)
        })
        .collect()
}
