//! The site model: stage 4 of the pipeline. Pages with URLs, taxonomies and their
//! terms, the roadmap and the navigation tree, built from the checked sources after
//! [`crate::source`]; Markdown is rendered into the pages afterwards (in parallel, by
//! `lib.rs`), and [`crate::render`] turns the model into files.
//!
//! One file per concern: [`taxonomy`] (terms and the decks' audiences), `roadmap`
//! (stages in order), `nav` (the navigation tree and reading order), `check` (what
//! needs every page at once: duplicate URLs, evidence references, internal links and
//! anchors).

mod check;
mod nav;
mod roadmap;
pub mod taxonomy;

use std::collections::HashMap;

use crate::config::{Config, Taxonomy};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::markdown::Rendered;
use crate::slug::slugify;
use crate::source::{Kind, KindData, Source};
use crate::url::url_for;

/// One content file in the site.
#[derive(Debug)]
pub struct Page {
    pub source: Source,
    /// Folder URL relative to the root: `""` for the home page, else ending in `/`.
    pub url: String,
    pub rendered: Rendered,
    /// Ids the page's template gives its own parts ([`argument_anchors`]).
    pub reserved: &'static [&'static str],
}

impl Page {
    /// The page's kind.
    pub fn kind(&self) -> Kind {
        self.source.front.kind()
    }

    /// The page's title.
    pub fn title(&self) -> &str {
        &self.source.front.title
    }

    /// Ids of the parts the template generates around the body: an argument's objection
    /// and answer, and its evidence when it lists any.
    pub fn generated_anchors(&self) -> &'static [&'static str] {
        let with_evidence = match &self.source.front.kind {
            KindData::Argument(argument) => !argument.evidence.is_empty(),
            _ => false,
        };
        let parts = if with_evidence { 3 } else { 2 };
        &self.reserved[..parts.min(self.reserved.len())]
    }

    /// What Markdown rendering reads of this page.
    pub fn markdown_input(&self) -> crate::markdown::Input<'_> {
        self.markdown_input_of(&self.source)
    }

    /// What Markdown rendering reads of this page, its text taken from `source` (the
    /// page's own, or one the build has taken out of the model).
    pub fn markdown_input_of<'a>(&'a self, source: &'a Source) -> crate::markdown::Input<'a> {
        crate::markdown::Input {
            text: source.body(),
            rel: &source.rel,
            url: &self.url,
            reserved: self.reserved,
        }
    }
}

/// A term of a taxonomy and the pages tagged with it, in listing order.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub pages: Vec<usize>,
}

/// A configured taxonomy with its terms, sorted by name.
#[derive(Debug, Clone)]
pub struct TaxonomyTerms {
    pub taxonomy: Taxonomy,
    pub url: String,
    pub terms: Vec<Term>,
}

impl TaxonomyTerms {
    /// Whether every term gets a generated deck (`stakeholders` and `departments`).
    pub fn has_audience_decks(&self) -> bool {
        matches!(self.taxonomy.key.as_str(), "stakeholders" | "departments")
    }
}

/// What a navigation node shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A content page.
    Page(usize),
    /// A folder without `index.md`: a generated list of its children.
    Section,
    /// The index of taxonomy `n`.
    TaxonomyIndex(usize),
    /// Term `t` of taxonomy `n`.
    Term(usize, usize),
    /// The roadmap.
    Roadmap,
}

/// One page of the site in the navigation tree, content or generated.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub url: String,
    pub title: String,
    pub weight: Option<i64>,
    pub kind: NodeKind,
    /// The content page that introduces a generated page.
    pub intro: Option<usize>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

/// The whole site model.
#[derive(Debug)]
pub struct Site {
    pub pages: Vec<Page>,
    /// Content path (relative to the content folder) -> page index.
    pub by_rel: HashMap<String, usize>,
    pub taxonomies: Vec<TaxonomyTerms>,
    /// Stage pages ordered by `stage`.
    pub stages: Vec<usize>,
    pub nodes: Vec<Node>,
    /// URL -> node index.
    pub by_url: HashMap<String, usize>,
    /// Node indices in reading order (depth first), for previous/next.
    pub order: Vec<usize>,
    /// Position of each node in `order`.
    pub position: Vec<usize>,
    /// Problems that do not fail the build.
    pub warnings: Vec<Diagnostic>,
}

/// Stable ids of an argument page's generated parts — objection, answer, evidence — in
/// the site's language, so that `[x](../argumente/x.md#antwort)` can name them.
pub fn argument_anchors(language: &str) -> &'static [&'static str; 3] {
    if language.starts_with("de") {
        &["einwand", "antwort", "belege"]
    } else {
        &["objection", "answer", "evidence"]
    }
}

/// Listing order: `weight` ascending, pages without one after, ties by title, then path.
pub fn listing_key(page: &Page) -> (bool, i64, String, String) {
    let weight = page.source.front.weight;
    (
        weight.is_none(),
        weight.unwrap_or(0),
        page.title().to_lowercase(),
        page.source.rel.clone(),
    )
}

/// Builds the model from the loaded sources, checking URLs and references.
pub fn build(config: &Config, sources: Vec<Source>) -> Result<Site, Diagnostics> {
    let (site, diags) = build_all(config, sources);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(site)
    }
}

/// Builds the model even when some checks fail, so that the pages' bodies can still be
/// checked in the same run; returns every problem found (warnings included) beside it.
pub fn build_all(config: &Config, sources: Vec<Source>) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut pages: Vec<Page> = sources
        .into_iter()
        .map(|source| {
            let url = url_for(&source.rel, source.front.slug.as_deref());
            let reserved: &'static [&'static str] = match source.front.kind() {
                Kind::Argument => argument_anchors(&config.language),
                _ => &[],
            };
            Page {
                source,
                url,
                rendered: Rendered::default(),
                reserved,
            }
        })
        .collect();
    pages.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
    let by_rel: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source.rel.clone(), i))
        .collect();

    check::duplicate_urls(&pages, &mut diags);
    check::evidence(&pages, &by_rel, &mut diags);

    // Listing order, shared by terms, sections and the roadmap.
    let mut ordered: Vec<usize> = (0..pages.len()).collect();
    ordered.sort_by_cached_key(|&i| listing_key(&pages[i]));

    let taxonomies = taxonomy::terms(config, &pages, &ordered, &mut diags);
    let stages = roadmap::stages(&pages, &ordered, &mut diags);

    let (nodes, by_url) = nav::build_nodes(config, &pages, &ordered, &taxonomies, &stages);
    let order = nav::reading_order(&nodes);
    let mut position = vec![0; nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        position[n] = i;
    }
    let warnings = diags
        .sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    let site = Site {
        pages,
        by_rel,
        taxonomies,
        stages,
        nodes,
        by_url,
        order,
        position,
        warnings,
    };
    (site, diags)
}

impl Site {
    /// The node of a URL.
    pub fn node(&self, url: &str) -> Option<&Node> {
        self.by_url.get(url).map(|&i| &self.nodes[i])
    }

    /// The term a deck's audience names, as (taxonomy, term) indices.
    pub fn audience_term(&self, audience: &str) -> Option<(usize, usize)> {
        let slug = slugify(audience);
        let t = taxonomy::audience_taxonomy(&self.taxonomies, &slug)?;
        let term = self.taxonomies[t]
            .terms
            .iter()
            .position(|term| term.slug == slug)?;
        Some((t, term))
    }
}
