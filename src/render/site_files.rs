//! The files made from the whole site: the print view, `sitemap.xml` and the search
//! index.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::PoisonError;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{Renderer, pages::stage_fields};
use crate::diag::Diagnostic;
use crate::markdown::{self, escape};
use crate::search::{self, SearchCache, SearchDoc};
use crate::site::{Node, NodeKind, Site};
use crate::source::{Kind, KindData};

/// The print view's file, the whole site or the index of its parts.
pub(super) const PRINT_PATH: &str = "print.html";

/// Pages one print file holds at most; a larger site's print view is split.
const PRINT_PART_PAGES: usize = 300;

/// One file of a split print view.
struct PrintPart<'p, 'n> {
    path: String,
    title: String,
    nodes: &'p [(&'n Node, usize)],
}

/// The pages of the print view in reading order: each node with its page.
fn printed(site: &Site) -> Vec<(&Node, usize)> {
    site.order
        .iter()
        .filter_map(|&n| {
            let node = &site.nodes[n];
            let p = match node.kind {
                NodeKind::Page(p) => p,
                _ => node.intro?,
            };
            Some((node, p))
        })
        .collect()
}

/// How many part files the print view has: none for a site of up to
/// [`PRINT_PART_PAGES`] pages, whose `print.html` holds them all.
pub(super) fn print_part_count(site: &Site) -> usize {
    let printed = printed(site);
    if printed.len() <= PRINT_PART_PAGES {
        0
    } else {
        print_parts(site, &printed).len()
    }
}

/// Each part file of a split print view, with the pages it prints; `None` when the
/// print view is one file.
pub(super) fn print_part_pages(
    site: &Site,
) -> Option<Vec<(String, std::collections::HashSet<usize>)>> {
    let printed = printed(site);
    if printed.len() <= PRINT_PART_PAGES {
        return None;
    }
    let parts = print_parts(site, &printed);
    Some(
        parts
            .into_iter()
            .map(|part| (part.path, part.nodes.iter().map(|(_, p)| *p).collect()))
            .collect(),
    )
}

/// The path of print part `k`.
pub(super) fn print_part_path(site: &Site, k: usize) -> Option<String> {
    let printed = printed(site);
    if printed.len() <= PRINT_PART_PAGES {
        return None;
    }
    print_parts(site, &printed)
        .into_iter()
        .nth(k)
        .map(|part| part.path)
}

/// The printed pages cut into parts: by top-level section (the first segment of
/// their URL; the home page and other top-level pages each go with their own), each
/// cut again after [`PRINT_PART_PAGES`] pages.
fn print_parts<'p, 'n>(site: &Site, printed: &'p [(&'n Node, usize)]) -> Vec<PrintPart<'p, 'n>> {
    let segment = |node: &Node| node.url.split('/').next().unwrap_or_default().to_owned();
    let mut parts = Vec::new();
    let mut start = 0;
    while start < printed.len() {
        let section = segment(printed[start].0);
        let mut end = start + 1;
        while end < printed.len() && segment(printed[end].0) == section {
            end += 1;
        }
        let title = site
            .by_url
            .get(&if section.is_empty() {
                String::new()
            } else {
                format!("{section}/")
            })
            .map_or_else(|| section.clone(), |&n| site.nodes[n].title.clone());
        let chunks: Vec<&[(&Node, usize)]> = printed[start..end].chunks(PRINT_PART_PAGES).collect();
        let count = chunks.len();
        for (k, nodes) in chunks.into_iter().enumerate() {
            let number = parts.len() + 1;
            let name = if section.is_empty() {
                "start"
            } else {
                section.as_str()
            };
            parts.push(PrintPart {
                path: format!("print-{number}-{name}.html"),
                title: if count > 1 {
                    format!("{title} ({}/{count})", k + 1)
                } else {
                    title.clone()
                },
                nodes,
            });
        }
        start = end;
    }
    parts
}

impl Renderer<'_> {
    /// `print.html`: every page, or, for a site of more than [`PRINT_PART_PAGES`]
    /// pages, an index of part files ([`Renderer::print_part`]), one per top-level
    /// section (cut again where a section is larger), so that no file grows past what
    /// a browser opens and prints.
    pub(super) fn print_main(&self) -> Result<Vec<u8>, Diagnostic> {
        let printed = printed(self.site);
        if printed.len() <= PRINT_PART_PAGES {
            return self.print_page(PRINT_PATH, &printed, None);
        }
        let index: Vec<Value> = print_parts(self.site, &printed)
            .iter()
            .map(|part| json!({"title": part.title, "url": part.path, "pages": part.nodes.len()}))
            .collect();
        self.print_page(PRINT_PATH, &[], Some(index))
    }

    /// Part `k` of a split print view; each part is a job of its own, so a large
    /// site's print view never lies in memory whole.
    pub(super) fn print_part(&self, k: usize) -> Result<Vec<u8>, Diagnostic> {
        let printed = printed(self.site);
        match print_parts(self.site, &printed).get(k) {
            Some(part) => self.print_page(&part.path, part.nodes, None),
            None => Ok(Vec::new()),
        }
    }

    /// One print file: the given pages, or (for the index of a split print view) the
    /// list of part files. Every print file lies at the root, so links rebase alike.
    fn print_page(
        &self,
        path: &str,
        printed: &[(&Node, usize)],
        parts: Option<Vec<Value>>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut vars = self.base_vars("");
        // The values of every page are the bulk of the work; they are independent.
        let pages: Vec<Value> = printed
            .par_iter()
            .map(|&(node, p)| self.print_value(p, &node.url))
            .collect();
        vars.set("pages", pages);
        if let Some(parts) = parts {
            vars.set("parts", parts);
        }
        vars.set(
            "page",
            json!({"title": self.config.title, "url": path, "kind": "page"}),
        );
        self.render_vars("print.html", vars)
    }

    /// What `print.html` shows of one page: its heading fields and its content, links
    /// made relative to the print page; no slides, cards or table of contents. The
    /// page's `anchor` prefixes every id of its content, so the pages' ids stay unique
    /// in the one file and in-page links keep working.
    fn print_value(&self, p: usize, url: &str) -> Value {
        let anchor = format!("page-{}", crate::slug::slugify(url));
        let page = &self.site.pages[p];
        let front = &page.source.front;
        let mut value = match front.kind {
            KindData::Case(_) => self.case_value(p),
            _ => self.page_link(p),
        };
        value["kind_label"] = json!(self.kind_label(page.kind()));
        value["date"] = json!(front.date);
        value["content"] = json!(crate::anchor::prefix_ids(
            &rebase_print(&page.rendered.html(), url),
            &format!("{anchor}-")
        ));
        value["anchor"] = json!(anchor);
        if let KindData::Stage(stage) = &front.kind {
            stage_fields(&mut value, stage);
        }
        value
    }

    pub(super) fn sitemap(&self) -> String {
        let mut urls: Vec<String> = self.site.nodes.iter().map(|n| n.url.clone()).collect();
        urls.extend(
            self.site
                .pages
                .iter()
                .filter(|p| p.kind() == Kind::Deck)
                .map(|p| format!("{}slides/", p.url)),
        );
        for taxonomy in &self.site.taxonomies {
            if taxonomy.has_audience_decks() {
                urls.extend(taxonomy.terms.iter().map(|t| format!("{}slides/", t.url)));
            }
        }
        urls.sort();
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for url in urls {
            xml.push_str(&format!(
                "  <url><loc>{}/{}</loc></url>\n",
                escape(&self.config.base_url),
                escape(&url)
            ));
        }
        xml.push_str("</urlset>\n");
        xml
    }

    /// The search index files (path, text): the manifest and its shards. A page's
    /// texts are put together only when the index has not read them before.
    pub(super) fn search_index(&self) -> Vec<(String, Vec<u8>)> {
        let entries: Vec<SearchEntry> = self
            .site
            .nodes
            .par_iter()
            .filter_map(|node| self.search_entry(node))
            .collect();
        let docs: Vec<SearchDoc> = entries
            .iter()
            .map(|entry| search_doc(entry, "", ""))
            .collect();
        let body = |entry: &SearchEntry| entry.body.map(|p| &self.site.pages[p].rendered);
        let keys: Vec<u64> = entries
            .par_iter()
            .map(|entry| self.search_key(entry, body(entry)))
            .collect();
        let texts = |i: usize| self.search_texts(&entries[i], body(&entries[i]));
        let files = match self.caches {
            Some(caches) => {
                let mut cache = caches.search.lock().unwrap_or_else(PoisonError::into_inner);
                search::render_index_cached(&docs, &keys, &mut cache, &texts)
            }
            None => search::render_index_cached(&docs, &keys, &mut SearchCache::default(), &texts),
        };
        files
            .into_iter()
            .map(|(path, text)| (path, text.into_bytes()))
            .collect()
    }

    /// What search knows of one node, if it is searchable: a content page with its
    /// description or objection (searched with its body) and, for a deck, its speaker
    /// notes apart; a term page with its introduction.
    fn search_entry<'n>(&'n self, node: &'n Node) -> Option<SearchEntry<'n>> {
        match node.kind {
            NodeKind::Page(p) => {
                let page = &self.site.pages[p];
                let front = &page.source.front;
                let objection = match &front.kind {
                    KindData::Argument(argument) => Some(argument.objection.as_str()),
                    _ => None,
                };
                Some(SearchEntry {
                    node,
                    kind: page.kind().name(),
                    label: "",
                    body: Some(p),
                    lead: [front.description.as_deref(), objection],
                })
            }
            NodeKind::Term(t, _) => Some(SearchEntry {
                node,
                kind: "term",
                label: &self.site.taxonomies[t].taxonomy.title,
                body: node.intro,
                lead: [None, None],
            }),
            _ => None,
        }
    }

    /// The searchable nodes that read each page's rendered text, by page: the page
    /// itself, and a term page it introduces.
    pub fn search_readers(&self) -> Vec<Vec<usize>> {
        let mut readers = vec![Vec::new(); self.site.pages.len()];
        for (n, node) in self.site.nodes.iter().enumerate() {
            if let Some(p) = self.search_entry(node).and_then(|entry| entry.body) {
                readers[p].push(n);
            }
        }
        readers
    }

    /// Reads for search what the `nodes` (of [`Renderer::search_readers`]) take from a
    /// page rendered as `rendered`, by the key the search index looks them up with, so
    /// that its text can go before the index is made.
    pub fn read_for_search(
        &self,
        nodes: &[usize],
        rendered: &markdown::Rendered,
    ) -> Vec<(u64, search::Read)> {
        nodes
            .iter()
            .filter_map(|&n| self.search_entry(&self.site.nodes[n]))
            .map(|entry| {
                let (text, hidden) = self.search_texts(&entry, Some(rendered));
                let doc = search_doc(&entry, &text, &hidden);
                (self.search_key(&entry, Some(rendered)), search::read(&doc))
            })
            .collect()
    }

    /// What an entry's texts depend on: its title and kind, its lead and the
    /// rendering of its body (each rendering has its own number).
    fn search_key(&self, entry: &SearchEntry, body: Option<&markdown::Rendered>) -> u64 {
        let rendering = body.map(|rendered| rendered.id);
        let mut hasher = rustc_hash::FxHasher::default();
        (&entry.node.title, entry.kind, entry.lead, rendering).hash(&mut hasher);
        hasher.finish()
    }

    /// An entry's searched text (its lead, then its body) and, for a deck, its
    /// speaker notes apart. Bodies are borrowed where they can be.
    fn search_texts<'n>(
        &'n self,
        entry: &SearchEntry<'n>,
        body: Option<&'n markdown::Rendered>,
    ) -> (Cow<'n, str>, Cow<'n, str>) {
        let (Some(p), Some(rendered)) = (entry.body, body) else {
            return (Cow::Borrowed(""), Cow::Borrowed(""));
        };
        let page = &self.site.pages[p];
        let deck = matches!(entry.node.kind, NodeKind::Page(_)) && page.kind() == Kind::Deck;
        let (body, hidden) = if deck && !rendered.notes.is_empty() {
            let (shown, notes) = split_notes(&rendered.text, &rendered.notes);
            (Cow::Owned(shown), Cow::Owned(notes))
        } else {
            (Cow::Borrowed(rendered.text.as_str()), Cow::Borrowed(""))
        };
        let lead: Vec<&str> = entry.lead.into_iter().flatten().collect();
        if lead.is_empty() {
            (body, hidden)
        } else {
            (Cow::Owned(format!("{} {}", lead.join(" "), body)), hidden)
        }
    }
}

/// Relative links of a page rebased to the print page at the root.
pub(super) fn rebase_print(html: &str, url: &str) -> String {
    crate::url::rebase_html(html, url, "")
}

/// One searchable node: what its result shows, and where its texts come from.
struct SearchEntry<'n> {
    node: &'n Node,
    kind: &'static str,
    label: &'n str,
    /// The page whose rendered text is searched: the page itself, or a term's
    /// introduction.
    body: Option<usize>,
    /// Front matter searched before the body: description, objection.
    lead: [Option<&'n str>; 2],
}

/// A deck's plain text split into what its slides show and its speaker notes.
fn split_notes(text: &str, notes: &[std::ops::Range<usize>]) -> (String, String) {
    let (mut shown, mut hidden) = (String::new(), String::new());
    let mut at = 0;
    for range in notes {
        let (Some(before), Some(note)) = (text.get(at..range.start), text.get(range.clone()))
        else {
            continue;
        };
        shown.push_str(before);
        hidden.push_str(note);
        hidden.push(' ');
        at = range.end;
    }
    shown.push_str(text.get(at..).unwrap_or_default());
    (shown, hidden)
}

/// The document search reads for `entry`, with its texts.
fn search_doc<'a>(entry: &'a SearchEntry, text: &'a str, hidden: &'a str) -> SearchDoc<'a> {
    SearchDoc {
        url: &entry.node.url,
        title: &entry.node.title,
        kind: entry.kind,
        label: entry.label,
        text,
        hidden,
    }
}
