//! The slides file of a deck page or of an audience term: its slides, and the deck's
//! style and runtime inlined so the one file works alone.

use serde_json::{Value, json};

use super::Renderer;
use crate::deck::Slide;
use crate::diag::Diagnostic;
use crate::markdown;

impl Renderer<'_> {
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
                json!({"number": i + 1, "html": rebase(&s.html), "notes": rebase(&s.notes), "class": s.class, "anchors": s.anchors})
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
