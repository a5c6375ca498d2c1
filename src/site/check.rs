//! Checks that need every page at once: duplicate URLs, evidence references, and
//! internal links and anchors once every page is rendered.

use std::collections::{HashMap, HashSet};

use super::{Page, Site};
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::LinkTarget;
use crate::source::{Kind, KindData};
use crate::url::content_path;

/// Duplicate URLs among content files, and decks whose slides would overwrite a page.
pub(super) fn duplicate_urls(pages: &[Page], diags: &mut Diagnostics) {
    let mut page_by_url: HashMap<&str, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(&other) = page_by_url.get(page.url.as_str()) {
            let first = &pages[other];
            diags.push(Diagnostic::coded_error(
                &page.source.path,
                1,
                1,
                "duplicate-url",
                &[
                    ("url", &page.url),
                    ("other", &first.source.path.display().to_string()),
                ],
            ));
        } else {
            page_by_url.insert(&page.url, i);
        }
    }
    for page in pages {
        if page_by_url.contains_key(format!("{}slides/", page.url).as_str())
            && page.kind() == Kind::Deck
        {
            diags.push(Diagnostic::coded_error(
                &page.source.path,
                1,
                1,
                "slides-overwrite-page",
                &[("url", &page.url)],
            ));
        }
    }
}

impl Site {
    /// Checks internal links and anchors once every page is rendered; `files` tells
    /// whether an output file exists.
    pub fn check_links(&self, files: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
        self.check_links_of(0..self.pages.len(), files)
    }

    /// Checks the links of the given pages only (after an edit that touched them).
    pub fn check_links_of(
        &self,
        pages: impl IntoIterator<Item = usize>,
        files: &dyn Fn(&str) -> bool,
    ) -> Vec<Diagnostic> {
        // Heading ids of link targets, gathered once per target that is linked to.
        let mut ids: HashMap<usize, HashSet<&str>> = HashMap::new();
        let mut problems = Vec::new();
        for page in pages.into_iter().map(|p| &self.pages[p]) {
            for link in &page.rendered.links {
                let link_arg = ("link", link.written.as_str());
                let problem: Option<(&'static str, Vec<(&str, &str)>)> = match &link.target {
                    LinkTarget::Page(rel) => match self.by_rel.get(rel) {
                        None => Some(("broken-link-page", vec![link_arg, ("target", rel)])),
                        Some(&target) => {
                            let ids = ids.entry(target).or_insert_with(|| {
                                let target = &self.pages[target];
                                let generated: &[&str] = target.generated_anchors();
                                target
                                    .rendered
                                    .headings
                                    .iter()
                                    .map(|h| h.id.as_str())
                                    .chain(generated.iter().copied())
                                    .collect()
                            });
                            link.anchor
                                .as_deref()
                                .filter(|a| !a.is_empty() && !ids.contains(a))
                                .map(|anchor| {
                                    let mut known: Vec<&str> = ids.iter().copied().collect();
                                    known.sort_unstable();
                                    match crate::diag::nearest(anchor, known) {
                                        Some(near) => (
                                            "broken-anchor-near",
                                            vec![link_arg, ("anchor", anchor), ("near", near)],
                                        ),
                                        None => {
                                            ("broken-anchor", vec![link_arg, ("anchor", anchor)])
                                        }
                                    }
                                })
                        }
                    },
                    LinkTarget::File(path) => (!files(path)
                        && !files(&format!("{path}/index.html")))
                    .then(|| ("broken-link-file", vec![link_arg, ("target", path)])),
                };
                if let Some((code, args)) = problem {
                    problems.push(Diagnostic::coded_error(
                        &page.source.path,
                        link.line,
                        link.col,
                        code,
                        &args,
                    ));
                }
            }
        }
        problems
    }
}

/// Evidence of arguments: each path names an existing case.
pub(super) fn evidence(pages: &[Page], by_rel: &HashMap<String, usize>, diags: &mut Diagnostics) {
    for page in pages {
        let KindData::Argument(argument) = &page.source.front.kind else {
            continue;
        };
        for path in &argument.evidence {
            let line = page.source.key_line("evidence");
            let clean = content_path(path);
            match by_rel.get(clean) {
                None => {
                    let near = crate::diag::nearest(clean, by_rel.keys().map(String::as_str));
                    let d = Diagnostic::coded_error(
                        &page.source.path,
                        line,
                        1,
                        "missing-evidence",
                        &[("path", path)],
                    );
                    diags.push(match near {
                        Some(near) => d.with_hint_code("evidence-near", &[("near", near)]),
                        None => d.with_hint_code("evidence-path", &[]),
                    });
                }
                // A broken target has its own errors; its kind may be unknown.
                Some(&i) if pages[i].kind() != Kind::Case && !pages[i].source.broken => {
                    diags.push(Diagnostic::coded_error(
                        &page.source.path,
                        line,
                        1,
                        "evidence-not-case",
                        &[("path", path), ("kind", pages[i].kind().name())],
                    ));
                }
                Some(_) => {}
            }
        }
    }
}
