//! Markdown -> HTML: stage 5 of the pipeline, run for every page in parallel.
//!
//! [`render`] turns a page's Markdown into top-level [`Block`]s, which a page joins and a
//! deck splits into slides at its thematic breaks. The work is a chain of pulldown-cmark
//! event passes, one file per concern:
//!
//! - [`expand`]: shortcode calls swapped for same-length placeholders before parsing
//!   (so offsets, and with them error lines, stay true), bodies rendered, results spliced back
//! - `pass`: the event walk that cuts blocks and dispatches to the files below
//! - `heading`: heading ids (unique German slugs) and the table of contents
//! - `link`: link rewriting to relative hrefs, links recorded for the later check
//! - [`highlight`]: syntect class spans, their light and dark CSS, HTML escaping
//! - `role`: what a block means to a deck (class directives, speaker notes)
//! - `task_list`: labelled task-list checkboxes
//! - [`rendered`]: the result, [`Rendered`]

mod expand;
mod heading;
pub mod highlight;
mod link;
mod pass;
pub mod rendered;
mod role;
mod task_list;

use std::collections::HashSet;

use pulldown_cmark::Options;

use crate::diag::Diagnostic;
use crate::shortcode::Call;

pub use highlight::{escape, highlight, highlight_css};
pub use rendered::{Block, BlockRole, Heading, LinkRef, LinkTarget, Rendered};

/// Parser options used everywhere: tables, footnotes, strikethrough, task lists and
/// `{#id}` heading attributes; smart punctuation stays off.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What rendering needs from the rest of the site.
pub trait Env: Sync {
    /// URL of the page built from content file `rel` (relative to the content folder).
    fn page_url(&self, rel: &str) -> Option<&str>;
    /// Renders a shortcode call; `body` is the rendered HTML of a block call's body. A
    /// problem's diagnostic is placed in the file by the caller.
    fn shortcode(
        &self,
        call: &Call,
        body: Option<&str>,
        page_url: &str,
    ) -> Result<String, Diagnostic>;
}

/// Where a Markdown text comes from.
pub struct Input<'a> {
    pub text: &'a str,
    /// Content path of the file (relative to the content folder), for relative links.
    pub rel: &'a str,
    /// URL of the page it renders into.
    pub url: &'a str,
    /// Ids the page's template uses itself (an argument's `#antwort`), which headings
    /// must not take.
    pub reserved: &'a [&'a str],
}

/// Marks rendered shortcode HTML between passes; removed before output.
const SHORTCODE_MARKER: &str = "<!--buyin-shortcode-->";

/// How deep blocks may nest: shortcodes in shortcodes, lists, quotes and other
/// containers together. Real pages stay far below; deeper input is reported as an error
/// (`nesting deeper than 64`) instead of being rendered, so that no page can exhaust the
/// stack of the renderer, the server or a browser.
pub const MAX_NESTING: usize = 64;

/// Renders Markdown into top-level blocks.
pub fn render(input: &Input<'_>, env: &dyn Env) -> Rendered {
    let mut state = State {
        rendered: Rendered::default(),
        ids: input.reserved.iter().map(|id| id.to_string()).collect(),
        too_deep: false,
    };
    let blocks = expand::render_part(input, 0..input.text.len(), 0, env, &mut state);
    static RENDERINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    state.rendered.id = RENDERINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    state.rendered.blocks = blocks;
    state.rendered.compact();
    state.rendered
}

struct State {
    rendered: Rendered,
    ids: HashSet<String>,
    /// Whether nesting beyond [`MAX_NESTING`] was reported (once per file is enough).
    too_deep: bool,
}

impl State {
    /// Reports nesting beyond [`MAX_NESTING`] at `offset`, once per file.
    fn too_deep(&mut self, offset: usize) {
        if !self.too_deep {
            self.too_deep = true;
            self.rendered.problems.push((
                offset,
                Diagnostic::coded("nesting-too-deep", &[("most", &MAX_NESTING.to_string())]),
            ));
        }
    }
}
