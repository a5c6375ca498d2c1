//! The result of rendering one file's Markdown: blocks with their deck roles, headings,
//! plain text for search, links to check and problems to place.

use std::ops::Range;

use crate::diag::Diagnostic;
use crate::shortcode::Call;

/// A heading of a page, for its table of contents and anchor checks.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link to check once every page is known.
#[derive(Debug, Clone)]
pub struct LinkRef {
    pub target: LinkTarget,
    pub anchor: Option<String>,
    /// Byte offset in the source body, for the error location.
    pub offset: usize,
    /// The link as written.
    pub written: String,
}

/// What a link points to.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// A content page by its path relative to the content folder (the page itself for `#x`).
    Page(String),
    /// A file of the output, relative to the build root.
    File(String),
}

/// One top-level block of rendered Markdown.
#[derive(Debug, Clone)]
pub struct Block {
    pub html: String,
    pub role: BlockRole,
}

/// What a top-level block means to a deck.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockRole {
    /// Ordinary content.
    Content,
    /// A thematic break: a slide separator in decks.
    Rule,
    /// An HTML comment `<!-- class: NAME -->`.
    Class(String),
    /// A paragraph starting with `Note:` or `Notiz:`; its HTML has the label removed.
    Note,
    /// A paragraph that holds only this shortcode call.
    Shortcode(Call),
}

/// Rendered Markdown of one file.
#[derive(Debug, Default)]
pub struct Rendered {
    pub blocks: Vec<Block>,
    pub headings: Vec<Heading>,
    /// Plain text, for search.
    pub text: String,
    /// Byte ranges of `text` that a deck shows as speaker notes: from a `Note:`
    /// paragraph up to the next thematic break, at the top level.
    pub notes: Vec<Range<usize>>,
    pub links: Vec<LinkRef>,
    /// Problems with byte offsets into the body; their place in the file is filled in
    /// by [`Rendered::diagnostics`].
    pub problems: Vec<(usize, Diagnostic)>,
}

impl Rendered {
    /// Gives back the room its strings grew into: a build holds every page's rendered
    /// Markdown until the end, and the slack of strings grown by doubling was about a
    /// third of it.
    pub(super) fn compact(&mut self) {
        for block in &mut self.blocks {
            block.html.shrink_to_fit();
        }
        self.blocks.shrink_to_fit();
        self.text.shrink_to_fit();
        self.headings.shrink_to_fit();
        self.links.shrink_to_fit();
    }

    /// The blocks joined into one HTML fragment.
    pub fn html(&self) -> String {
        self.blocks.iter().map(|b| b.html.as_str()).collect()
    }

    /// Turns the problems into diagnostics located in `source`.
    pub fn diagnostics(&self, source: &crate::source::Source) -> Vec<Diagnostic> {
        self.problems
            .iter()
            .map(|(offset, problem)| {
                let (line, col) = source.body_line_col(*offset);
                Diagnostic {
                    path: crate::diag::display_path(&source.path),
                    line,
                    col,
                    ..problem.clone()
                }
            })
            .collect()
    }
}
