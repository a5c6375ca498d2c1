//! The Q&A index that the presenter view of every deck searches: `assets/qa-index.js`
//! with what the search reads of each argument, and the answers themselves in part
//! files below `assets/qa/`, which a deck loads by a `<script>` tag when it shows one.
//!
//! ```text
//! assets/qa-index.js   window.BUYIN_QA = [{title, objection, stakeholders, tags, url, summary, part}, ..];
//! assets/qa/0.js ..    Object.assign(window.BUYIN_QA_ANSWERS = .. || {}, {"0": "<p>..</p>", ..});
//! ```
//!
//! The answers are most of the bytes (about 10 KB an argument); kept in the index, a
//! site of 2,000 arguments made one file of 20 MB that every deck loaded whole.

use std::collections::HashMap;
use std::sync::PoisonError;

use rayon::prelude::*;
use serde_json::json;

use super::Renderer;
use crate::site::Page;
use crate::source::KindData;

/// The Q&A index every deck page loads.
pub const INDEX_PATH: &str = "assets/qa-index.js";

/// Where the answer parts lie, `N.js` for part `N`.
pub const PART_DIR: &str = "assets/qa/";

/// Bytes of answers after which a part is closed: a shown answer loads one part.
const PART_BYTES: usize = 256 * 1024;

/// What the Q&A files took from the arguments, kept between renders (`serve`): after an
/// edit, only the part files whose answers changed are made again.
#[derive(Default)]
pub struct QaCache {
    /// The length of each argument's answer as a part writes it, by rendering id.
    lengths: HashMap<u64, usize>,
    /// What each part file of the last render holds: (number in the index, rendering
    /// id) of its arguments.
    parts: Vec<Vec<(usize, u64)>>,
    /// The output holds the files of the last render: parts that stay as they were
    /// are left out.
    written: bool,
}

impl QaCache {
    /// The next files go to a new output (the whole pipeline runs): every part is made.
    pub fn new_output(&mut self) {
        self.written = false;
    }

    /// The path of every part of the last render (in [`PART_DIR`]), made or left out.
    pub fn part_paths(&self) -> impl Iterator<Item = String> {
        (0..self.parts.len()).map(part_path)
    }
}

/// Where part `n` lies.
fn part_path(n: usize) -> String {
    format!("{PART_DIR}{n}.js")
}

/// An argument's answer for a part: its rendered HTML with root-relative links (the
/// deck runtime prefixes its own way to the root), as a JSON string.
fn answer_json(page: &Page) -> String {
    let html = crate::url::rebase_html(&page.rendered.html(), &page.url, "");
    serde_json::to_string(&html).unwrap_or_else(|_| "\"\"".into())
}

/// What stands before answer `i` in a part: `{` or `,\n`, then `"i":`.
fn entry_head(i: usize, first: bool) -> String {
    let opening = if first { "{" } else { ",\n" };
    format!("{opening}\"{i}\":")
}

impl Renderer<'_> {
    /// The Q&A index and its answer parts (the index first). With the run's caches, a
    /// part that holds the same answers as in the output is left out.
    pub(super) fn qa_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut own = QaCache::default();
        let mut held = self.caches.map(|caches| {
            caches
                .answers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        });
        let cache = held.as_deref_mut().unwrap_or(&mut own);
        let arguments: Vec<&Page> = self
            .site
            .pages
            .iter()
            .filter(|page| matches!(page.source.front.kind, KindData::Argument(_)))
            .collect();
        // The answers of unknown renderings are made now (and kept for their part);
        // of the others, the length decides where parts end.
        let answers: Vec<(usize, Option<String>)> = arguments
            .par_iter()
            .map(|page| match cache.lengths.get(&page.rendered.id) {
                Some(&len) => (len, None),
                None => {
                    let json = answer_json(page);
                    (json.len(), Some(json))
                }
            })
            .collect();
        let mut entries = Vec::with_capacity(arguments.len());
        // Each part: (number in the index, rendering id) of its arguments.
        let mut parts: Vec<Vec<(usize, u64)>> = Vec::new();
        let mut open: Option<(Vec<(usize, u64)>, usize)> = None;
        for (i, page) in arguments.iter().enumerate() {
            let front = &page.source.front;
            let KindData::Argument(argument) = &front.kind else {
                continue;
            };
            if let Some((members, _)) = open.take_if(|(_, bytes)| *bytes >= PART_BYTES) {
                parts.push(members);
            }
            entries.push(json!({
                "title": front.title,
                "objection": argument.objection,
                "stakeholders": front.taxonomies.get("stakeholders").cloned().unwrap_or_default(),
                "tags": front.taxonomies.get("tags").cloned().unwrap_or_default(),
                "url": page.url,
                "summary": crate::summary::html(&argument.summary),
                "part": parts.len(),
            }));
            let (members, bytes) = open.get_or_insert_with(|| (Vec::new(), 0));
            *bytes += entry_head(i, members.is_empty()).len() + answers[i].0;
            members.push((i, page.rendered.id));
        }
        parts.extend(open.map(|(members, _)| members));
        let made: Vec<(String, Vec<u8>)> = parts
            .par_iter()
            .enumerate()
            .filter(|(n, members)| !cache.written || cache.parts.get(*n) != Some(*members))
            .map(|(n, members)| {
                let mut text = String::from(
                    "Object.assign(window.BUYIN_QA_ANSWERS = window.BUYIN_QA_ANSWERS || {}, ",
                );
                for (k, &(i, _)) in members.iter().enumerate() {
                    text.push_str(&entry_head(i, k == 0));
                    match &answers[i].1 {
                        Some(json) => text.push_str(json),
                        None => text.push_str(&answer_json(arguments[i])),
                    }
                }
                text.push_str("});\n");
                (part_path(n), text.into_bytes())
            })
            .collect();
        // Kept for the arguments of this render only.
        cache.lengths = arguments
            .iter()
            .zip(&answers)
            .map(|(page, (len, _))| (page.rendered.id, *len))
            .collect();
        cache.parts = parts;
        cache.written = true;
        let index = format!(
            "window.BUYIN_QA = {};\n",
            serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
        );
        let mut files = vec![(INDEX_PATH.to_string(), index.into_bytes())];
        files.extend(made);
        files
    }
}
