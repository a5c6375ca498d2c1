//! The result of rendering one file's Markdown: blocks with their deck roles, headings,
//! plain text for search, links to check and problems to place.

use std::borrow::Cow;
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
    /// Line and column in the file, once [`Rendered::locate`] placed it.
    pub line: usize,
    pub col: usize,
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
    /// A paragraph that holds only this shortcode call (boxed: most blocks are
    /// content, and a large site holds every page's blocks).
    Shortcode(Box<Call>),
}

/// Rendered Markdown of one file.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Different for every rendering in a run: what was read from this one (the search
    /// index's reading of its text) can be kept by this number.
    pub id: u64,
    /// The blocks; their HTML is empty once [`Rendered::pack`] compressed it (read
    /// them with [`Rendered::blocks`]).
    pub(super) blocks: Vec<Block>,
    packed: Option<Packed>,
    pub headings: Vec<Heading>,
    /// Plain text, for search; empty once search has read it (see
    /// [`Rendered::release_text`]).
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

    /// Lets go of the plain text once search has read it (see
    /// [`crate::search::read`]); the blocks stay.
    pub fn release_text(&mut self) {
        self.text = String::new();
    }

    /// Compresses the blocks' HTML: a build holds every page's rendered HTML until the
    /// pages, decks and print view that show it are written, and compressed it takes
    /// less than half the room. [`Rendered::blocks`] and [`Rendered::html`] read it
    /// back.
    pub fn pack(&mut self) {
        if self.packed.is_some() {
            return;
        }
        let mut html = String::new();
        let mut lens = Vec::with_capacity(self.blocks.len());
        for block in &mut self.blocks {
            html.push_str(&block.html);
            lens.push(block.html.len());
            block.html = String::new();
        }
        self.packed = Some(Packed {
            lz4: lz4_flex::compress_prepend_size(html.as_bytes()),
            lens,
        });
    }

    /// The top-level blocks, with their HTML.
    pub fn blocks(&self) -> Cow<'_, [Block]> {
        let Some(packed) = &self.packed else {
            return Cow::Borrowed(&self.blocks);
        };
        let html = packed.html();
        let mut at = 0;
        let blocks = self.blocks.iter().zip(&packed.lens).map(|(block, len)| {
            let part = html.get(at..at + len).unwrap_or_default();
            at += len;
            Block {
                html: part.to_string(),
                role: block.role.clone(),
            }
        });
        Cow::Owned(blocks.collect())
    }

    /// What each block means to a deck, without reading the HTML back.
    pub fn roles(&self) -> impl Iterator<Item = &BlockRole> {
        self.blocks.iter().map(|block| &block.role)
    }

    /// The blocks joined into one HTML fragment.
    pub fn html(&self) -> String {
        match &self.packed {
            Some(packed) => packed.html(),
            None => self.blocks.iter().map(|b| b.html.as_str()).collect(),
        }
    }

    /// Places the links in `source` (line and column, so that a broken one is
    /// reported without the text, which a build lets go after this stage) and turns
    /// the problems into diagnostics located there.
    pub fn locate(&mut self, source: &crate::source::Source) -> Vec<Diagnostic> {
        let body = source.body();
        let mut order: Vec<usize> = (0..self.links.len()).collect();
        order.sort_by_key(|&i| self.links[i].offset);
        // One sweep through the body: the line so far, where it starts.
        let (first_line, first_col) = source.body_line_col(0);
        let (mut at, mut line, mut line_start) = (0, 0, 0);
        for i in order {
            let offset = self.links[i].offset.min(body.len());
            for (k, byte) in body.as_bytes()[at..offset].iter().enumerate() {
                if *byte == b'\n' {
                    line += 1;
                    line_start = at + k + 1;
                }
            }
            at = offset;
            let before = String::from_utf8_lossy(&body.as_bytes()[line_start..offset]);
            let link = &mut self.links[i];
            link.line = first_line + line;
            // On the body's first line, the columns before the body count too.
            link.col = if line == 0 { first_col - 1 } else { 0 } + before.chars().count() + 1;
        }
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

/// The HTML of a page's blocks, joined and compressed, and the length of each.
#[derive(Debug)]
struct Packed {
    lz4: Vec<u8>,
    lens: Vec<usize>,
}

impl Packed {
    fn html(&self) -> String {
        // Only `Rendered::pack` writes these bytes, from a string: they read back whole.
        lz4_flex::decompress_size_prepended(&self.lz4)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}
