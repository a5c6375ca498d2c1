//! The slides file of a deck page or of an audience term: its slides, and the deck's
//! style and runtime inlined so the one file works alone.

use serde_json::{Value, json};

use super::Renderer;
use crate::deck::{self, Slide};
use crate::diag::Diagnostic;
use crate::markdown::{self, escape};
use crate::source::Kind;

impl Renderer<'_> {
    /// The slides of a deck page.
    pub fn page_slides(&self, page: usize) -> Vec<Slide> {
        let strings = |key: &str| self.string(key);
        let at = self.site.pages[page].url.as_str();
        deck::split(&self.site.pages[page].rendered.blocks, &|call| {
            deck::expand(self.site, call, &strings, at)
        })
    }

    pub(super) fn audience_slides(&self, t: usize, n: usize) -> Vec<Slide> {
        let taxonomy = &self.site.taxonomies[t];
        let term = &taxonomy.terms[n];
        let strings = |key: &str| self.string(key);
        let mut slides = vec![Slide {
            html: format!(
                "<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n",
                escape(&term.name),
                escape(&format!(
                    "{} · {}",
                    self.config.title, self.config.brand.name
                ))
            ),
            notes: String::new(),
            class: "title".into(),
        }];
        let at = term.url.as_str();
        if let Some(&node) = self.site.by_url.get(&term.url) {
            if let Some(intro) = self.site.nodes[node].intro {
                slides.extend(deck::split(
                    &self.site.pages[intro].rendered.blocks,
                    &|call| deck::expand(self.site, call, &strings, at),
                ));
            }
        }
        for &p in &term.pages {
            if self.site.pages[p].kind() == Kind::Argument {
                slides.extend(deck::argument_slides(self.site, p, &strings, &term.url));
            }
        }
        for &p in &term.pages {
            if self.site.pages[p].kind() == Kind::Case {
                slides.extend(deck::case_slide(self.site, p, &term.url));
            }
        }
        slides
    }

    pub(super) fn slides_page(
        &self,
        url: &str,
        title: &str,
        slides: &[Slide],
        duration: Option<u32>,
        incremental: bool,
        page_url: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut vars = self.base_vars(url);
        let slides: Vec<Value> = slides
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // Relative links inside slides were written for the deck's page, one level up.
                json!({"number": i + 1, "html": rebase(&s.html), "notes": rebase(&s.notes), "class": s.class})
            })
            .collect();
        vars.set(
            "deck",
            json!({
                "title": title,
                "slides": slides,
                "duration": duration,
                "incremental": incremental,
                "page_url": page_url,
                "url": url,
            }),
        );
        // Decks carry their style and runtime inline, so one slides file works alone
        // (mailed, or copied to a USB stick); Q&A data stays an optional extra file.
        vars.set(
            "deck_css",
            format!(
                "{}\n{}",
                self.theme.text("static/deck.css").unwrap_or_default(),
                markdown::highlight_css()
            ),
        );
        vars.set(
            "deck_js",
            self.theme.text("static/deck.js").unwrap_or_default(),
        );
        self.render_vars("slides.html", vars)
    }
}

/// Relative `href`/`src` values written for a page one folder up (a deck's slides live
/// in `slides/` below its page).
pub(super) fn rebase(html: &str) -> String {
    crate::url::rewrite_relative(html, |link| format!("../{link}"))
}
