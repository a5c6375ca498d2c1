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

use std::sync::{Arc, PoisonError};

use rayon::prelude::*;
use serde_json::json;

use super::Renderer;
use crate::source::KindData;

/// The Q&A index every deck page loads.
pub const INDEX_PATH: &str = "assets/qa-index.js";

/// Where the answer parts lie, `N.js` for part `N`.
pub const PART_DIR: &str = "assets/qa/";

/// Bytes of answers after which a part is closed: a shown answer loads one part.
const PART_BYTES: usize = 256 * 1024;

impl Renderer<'_> {
    /// The Q&A index and its answer parts (the index first).
    pub(super) fn qa_files(&self) -> Vec<(String, Vec<u8>)> {
        let arguments: Vec<(&crate::site::Page, Arc<str>)> = self
            .site
            .pages
            .par_iter()
            .filter(|page| matches!(page.source.front.kind, KindData::Argument(_)))
            .map(|page| {
                let known = self.caches.and_then(|caches| {
                    let answers = caches
                        .answers
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    answers.get(&page.rendered.id).cloned()
                });
                let answer = known.unwrap_or_else(|| {
                    // Root-relative links; the deck runtime prefixes its own way to the root.
                    let html = crate::url::rebase_html(&page.rendered.html(), &page.url, "");
                    let json = serde_json::to_string(&html).unwrap_or_else(|_| "\"\"".into());
                    Arc::from(json)
                });
                (page, answer)
            })
            .collect();
        if let Some(caches) = self.caches {
            // Kept for the arguments of this render only.
            let mut answers = caches
                .answers
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *answers = arguments
                .iter()
                .map(|(page, answer)| (page.rendered.id, Arc::clone(answer)))
                .collect();
        }
        let mut entries = Vec::with_capacity(arguments.len());
        let mut parts: Vec<String> = Vec::new();
        let mut open = String::new();
        for (i, (page, answer)) in arguments.iter().enumerate() {
            let front = &page.source.front;
            let KindData::Argument(argument) = &front.kind else {
                continue;
            };
            if open.len() >= PART_BYTES {
                parts.push(std::mem::take(&mut open));
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
            open.push_str(if open.is_empty() { "{" } else { ",\n" });
            open.push_str(&format!("\"{i}\":{answer}"));
        }
        if !open.is_empty() {
            parts.push(open);
        }
        let index = format!(
            "window.BUYIN_QA = {};\n",
            serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
        );
        let mut files = vec![(INDEX_PATH.to_string(), index.into_bytes())];
        files.extend(parts.into_iter().enumerate().map(|(n, answers)| {
            let text = format!(
                "Object.assign(window.BUYIN_QA_ANSWERS = window.BUYIN_QA_ANSWERS || {{}}, {answers}}});\n"
            );
            (format!("{PART_DIR}{n}.js"), text.into_bytes())
        }));
        files
    }
}
