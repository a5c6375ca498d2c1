//! The files made from the whole site: the print view, `sitemap.xml`, the search index
//! and the Q&A index that decks load.

use std::borrow::Cow;
use std::sync::PoisonError;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{Renderer, pages::stage_fields};
use crate::diag::Diagnostic;
use crate::markdown::escape;
use crate::search::{self, SearchDoc};
use crate::site::{Node, NodeKind};
use crate::source::{Kind, KindData};

impl Renderer<'_> {
    pub(super) fn print_page(&self) -> Result<Vec<u8>, Diagnostic> {
        let mut vars = self.base_vars("");
        // The values of every page are the bulk of the work; they are independent.
        let pages: Vec<Value> = self
            .site
            .order
            .par_iter()
            .filter_map(|&n| {
                let node = &self.site.nodes[n];
                let p = match node.kind {
                    NodeKind::Page(p) => p,
                    _ => node.intro?,
                };
                Some(self.print_value(p, &node.url))
            })
            .collect();
        vars.set("pages", pages);
        vars.set(
            "page",
            json!({"title": self.config.title, "url": "print.html", "kind": "page"}),
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

    pub(super) fn search_index(&self) -> String {
        // Bodies are borrowed; only a page with a description or objection (searched
        // with its body) needs a text of its own.
        let texts: Vec<(&Node, &'static str, Cow<str>)> = self
            .site
            .nodes
            .iter()
            .filter_map(|node| match node.kind {
                NodeKind::Page(p) => {
                    let page = &self.site.pages[p];
                    let front = &page.source.front;
                    let objection = match &front.kind {
                        KindData::Argument(argument) => Some(argument.objection.as_str()),
                        _ => None,
                    };
                    let lead: Vec<&str> = [front.description.as_deref(), objection]
                        .into_iter()
                        .flatten()
                        .collect();
                    let text = if lead.is_empty() {
                        Cow::Borrowed(page.rendered.text.as_str())
                    } else {
                        Cow::Owned(format!("{} {}", lead.join(" "), page.rendered.text))
                    };
                    Some((node, page.kind().name(), text))
                }
                NodeKind::Term(..) => {
                    let intro = node
                        .intro
                        .map(|p| self.site.pages[p].rendered.text.as_str());
                    Some((node, "term", Cow::Borrowed(intro.unwrap_or_default())))
                }
                _ => None,
            })
            .collect();
        let docs: Vec<SearchDoc> = texts
            .iter()
            .map(|(node, kind, text)| SearchDoc {
                url: &node.url,
                title: &node.title,
                kind,
                text,
            })
            .collect();
        match self.search_cache {
            Some(cache) => {
                let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
                search::render_index_cached(&docs, &mut cache)
            }
            None => search::render_index(&docs),
        }
    }

    pub(super) fn qa_index(&self) -> String {
        let items: Vec<Value> = self
            .site
            .pages
            .iter()
            .filter_map(|page| {
                let KindData::Argument(argument) = &page.source.front.kind else { return None };
                let front = &page.source.front;
                Some(json!({
                    "title": front.title,
                    "objection": argument.objection,
                    "stakeholders": front.taxonomies.get("stakeholders").cloned().unwrap_or_default(),
                    "tags": front.taxonomies.get("tags").cloned().unwrap_or_default(),
                    "url": page.url,
                    "summary": crate::summary::html(&argument.summary),
                    "answer": rebase_qa(&page.rendered.html(), &page.url),
                }))
            })
            .collect();
        format!(
            "window.BUYIN_QA = {};\n",
            serde_json::to_string(&items).unwrap_or_else(|_| "[]".into())
        )
    }
}

/// Relative links of a page rebased to the print page at the root.
pub(super) fn rebase_print(html: &str, url: &str) -> String {
    crate::url::rebase_html(html, url, "")
}

/// Relative links of an argument made root-relative for the Q&A slide; the deck runtime
/// prefixes them with the deck's own way to the root.
fn rebase_qa(html: &str, url: &str) -> String {
    crate::url::rebase_html(html, url, "")
}
