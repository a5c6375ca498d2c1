//! The site model: pages with URLs, taxonomies and their terms, the roadmap, the
//! navigation tree, and the checks that need every page at once (duplicate URLs,
//! evidence references, internal links and anchors).
//!
//! Built from the checked sources after `source.rs`; Markdown is rendered into the pages
//! afterwards (in parallel, by `lib.rs`), and `render/` turns the model into files.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::config::{Config, Taxonomy};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::markdown::{LinkTarget, Rendered};
use crate::slug::slugify;
use crate::source::{Kind, KindData, Source};
use crate::url::{content_path, parent_url, url_for};

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
        crate::markdown::Input {
            text: self.source.body(),
            rel: &self.source.rel,
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

/// The taxonomy a deck's `audience` belongs to: `stakeholders` if it has the term (or
/// `departments` lacks it), else `departments`.
fn audience_taxonomy(taxonomies: &[TaxonomyTerms], slug: &str) -> Option<usize> {
    let find = |key: &str| taxonomies.iter().position(|t| t.taxonomy.key == key);
    let has = |i: usize| taxonomies[i].terms.iter().any(|t| t.slug == slug);
    match (find("stakeholders"), find("departments")) {
        (Some(s), Some(d)) => Some(if has(s) || !has(d) { s } else { d }),
        (Some(s), None) => Some(s),
        (None, Some(d)) => Some(d),
        (None, None) => None,
    }
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

    // Duplicate URLs among content files.
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
    for page in &pages {
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

    check_evidence(&pages, &by_rel, &mut diags);

    // Listing order, shared by terms, sections and the roadmap.
    let mut ordered: Vec<usize> = (0..pages.len()).collect();
    ordered.sort_by_cached_key(|&i| listing_key(&pages[i]));

    let mut taxonomies: Vec<TaxonomyTerms> = config
        .taxonomies
        .iter()
        .map(|taxonomy| TaxonomyTerms {
            url: format!("{}/", taxonomy.path),
            taxonomy: taxonomy.clone(),
            terms: Vec::new(),
        })
        .collect();
    for taxonomy in &mut taxonomies {
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        for &i in &ordered {
            let Some(names) = pages[i].source.front.taxonomies.get(&taxonomy.taxonomy.key) else {
                continue;
            };
            for name in names {
                let slug = slugify(name);
                if slug.is_empty() {
                    let line = pages[i].source.key_line(&taxonomy.taxonomy.key);
                    diags.push(Diagnostic::coded_error(
                        &pages[i].source.path,
                        line,
                        1,
                        "term-without-letters",
                        &[("term", name)],
                    ));
                    continue;
                }
                let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                    name: name.clone(),
                    url: format!("{}{slug}/", taxonomy.url),
                    slug,
                    pages: Vec::new(),
                });
                // Pages come in listing order, so a repeat can only be the last one.
                if term.pages.last() != Some(&i) {
                    term.pages.push(i);
                }
            }
        }
        taxonomy.terms = terms.into_values().collect();
    }

    // A deck counts as tagged with its audience.
    for &i in &ordered {
        let KindData::Deck(deck) = &pages[i].source.front.kind else {
            continue;
        };
        let Some(audience) = &deck.audience else {
            continue;
        };
        let slug = slugify(audience);
        if slug.is_empty() {
            continue;
        }
        let Some(t) = audience_taxonomy(&taxonomies, &slug) else {
            continue;
        };
        let taxonomy = &mut taxonomies[t];
        let position = taxonomy.terms.iter().position(|term| term.slug == slug);
        let term = match position {
            Some(p) => &mut taxonomy.terms[p],
            None => {
                taxonomy.terms.push(Term {
                    name: audience.clone(),
                    url: format!("{}{slug}/", taxonomy.url),
                    slug: slug.clone(),
                    pages: Vec::new(),
                });
                taxonomy.terms.sort_by(|a, b| a.slug.cmp(&b.slug));
                let p = taxonomy
                    .terms
                    .iter()
                    .position(|term| term.slug == slug)
                    .unwrap_or(0);
                &mut taxonomy.terms[p]
            }
        };
        term.pages.push(i);
    }
    // Decks were appended above; bring every list back into listing order once.
    let mut rank = vec![0; pages.len()];
    for (position, &i) in ordered.iter().enumerate() {
        rank[i] = position;
    }
    for taxonomy in &mut taxonomies {
        for term in &mut taxonomy.terms {
            term.pages.sort_by_key(|&p| rank[p]);
            term.pages.dedup();
        }
    }

    // Term introductions: a content page at a term's URL creates the term if nobody
    // tags it yet and gives it its display name.
    for taxonomy in &mut taxonomies {
        let prefix = taxonomy.url.clone();
        for page in &pages {
            let Some(rest) = page.url.strip_prefix(&prefix) else {
                continue;
            };
            let slug = rest.trim_end_matches('/');
            if slug.is_empty() || slug.contains('/') {
                continue;
            }
            match taxonomy.terms.iter_mut().find(|t| t.slug == slug) {
                Some(term) => term.name = page.title().to_string(),
                None => taxonomy.terms.push(Term {
                    name: page.title().to_string(),
                    slug: slug.to_string(),
                    url: page.url.clone(),
                    pages: Vec::new(),
                }),
            }
        }
        taxonomy.terms.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.slug.cmp(&b.slug))
        });
    }

    let mut stages: Vec<usize> = ordered
        .iter()
        .copied()
        .filter(|&i| pages[i].kind() == Kind::Stage)
        .collect();
    stages.sort_by_key(|&i| match &pages[i].source.front.kind {
        KindData::Stage(stage) => stage.stage,
        _ => 0,
    });
    let mut seen_stage: HashMap<i64, usize> = HashMap::new();
    for &i in &stages {
        if let KindData::Stage(stage) = &pages[i].source.front.kind {
            if let Some(&other) = seen_stage.get(&stage.stage) {
                diags.push(Diagnostic::coded_warning(
                    &pages[i].source.path,
                    pages[i].source.key_line("stage"),
                    1,
                    "stage-reused",
                    &[
                        ("stage", &stage.stage.to_string()),
                        ("other", &pages[other].source.path.display().to_string()),
                    ],
                ));
            }
            seen_stage.insert(stage.stage, i);
        }
    }

    let (nodes, by_url) = build_nodes(config, &pages, &ordered, &taxonomies, &stages);
    let order = reading_order(&nodes);
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
                    let (line, col) = page.source.body_line_col(link.offset);
                    problems.push(Diagnostic::coded_error(
                        &page.source.path,
                        line,
                        col,
                        code,
                        &args,
                    ));
                }
            }
        }
        problems
    }

    /// The term a deck's audience names, as (taxonomy, term) indices.
    pub fn audience_term(&self, audience: &str) -> Option<(usize, usize)> {
        let slug = slugify(audience);
        let t = audience_taxonomy(&self.taxonomies, &slug)?;
        let term = self.taxonomies[t]
            .terms
            .iter()
            .position(|term| term.slug == slug)?;
        Some((t, term))
    }
}

fn check_evidence(pages: &[Page], by_rel: &HashMap<String, usize>, diags: &mut Diagnostics) {
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

fn build_nodes(
    config: &Config,
    pages: &[Page],
    ordered: &[usize],
    taxonomies: &[TaxonomyTerms],
    stages: &[usize],
) -> (Vec<Node>, HashMap<String, usize>) {
    let mut nodes: Vec<Node> = Vec::new();
    let mut by_url: HashMap<String, usize> = HashMap::new();
    let add = |nodes: &mut Vec<Node>, by_url: &mut HashMap<String, usize>, node: Node| -> usize {
        if let Some(&existing) = by_url.get(&node.url) {
            // A content page at a generated URL introduces it.
            let page_node = &nodes[existing];
            if let NodeKind::Page(p) = page_node.kind {
                let title = page_node.title.clone();
                let weight = page_node.weight;
                nodes[existing] = Node {
                    intro: Some(p),
                    title,
                    weight,
                    ..node
                };
            }
            return existing;
        }
        by_url.insert(node.url.clone(), nodes.len());
        nodes.push(node);
        nodes.len() - 1
    };
    let plain = |url: String, title: String, weight: Option<i64>, kind: NodeKind| Node {
        url,
        title,
        weight,
        kind,
        intro: None,
        parent: None,
        children: Vec::new(),
    };
    for &i in ordered {
        let page = &pages[i];
        add(
            &mut nodes,
            &mut by_url,
            plain(
                page.url.clone(),
                page.title().to_string(),
                page.source.front.weight,
                NodeKind::Page(i),
            ),
        );
    }
    for (t, taxonomy) in taxonomies.iter().enumerate() {
        // A taxonomy nobody uses yet gets no page, navigation entry or home card (an
        // introduction page at its URL stays an ordinary page).
        if taxonomy.terms.is_empty() {
            continue;
        }
        add(
            &mut nodes,
            &mut by_url,
            plain(
                taxonomy.url.clone(),
                taxonomy.taxonomy.title.clone(),
                None,
                NodeKind::TaxonomyIndex(t),
            ),
        );
        for (n, term) in taxonomy.terms.iter().enumerate() {
            add(
                &mut nodes,
                &mut by_url,
                plain(
                    term.url.clone(),
                    term.name.clone(),
                    None,
                    NodeKind::Term(t, n),
                ),
            );
        }
    }
    let roadmap_url = format!("{}/", config.roadmap.path);
    if !stages.is_empty() || by_url.contains_key(&roadmap_url) {
        add(
            &mut nodes,
            &mut by_url,
            plain(
                roadmap_url,
                config.roadmap.title.clone(),
                None,
                NodeKind::Roadmap,
            ),
        );
    }
    // Folders without a page of their own get a generated section listing.
    let mut missing: Vec<String> = Vec::new();
    for node in &nodes {
        let mut url = node.url.as_str();
        while let Some(parent) = parent_url(url) {
            if !by_url.contains_key(parent) && !missing.iter().any(|m| m == parent) {
                missing.push(parent.to_string());
            }
            url = parent;
        }
    }
    missing.sort();
    for url in missing {
        let title = url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .map(prettify)
            .unwrap_or_else(|| config.title.clone());
        let title = if url.is_empty() {
            config.title.clone()
        } else {
            title
        };
        add(
            &mut nodes,
            &mut by_url,
            plain(url, title, None, NodeKind::Section),
        );
    }
    // Parents and children.
    for node in &mut nodes {
        let mut url = node.url.clone();
        while let Some(parent) = parent_url(&url) {
            if let Some(&p) = by_url.get(parent) {
                node.parent = Some(p);
                break;
            }
            url = parent.to_string();
        }
    }
    for i in 0..nodes.len() {
        if let Some(p) = nodes[i].parent {
            nodes[p].children.push(i);
        }
    }
    let keys: Vec<(bool, i64, String, String)> = nodes
        .iter()
        .map(|n| {
            (
                n.weight.is_none(),
                n.weight.unwrap_or(0),
                n.title.to_lowercase(),
                n.url.clone(),
            )
        })
        .collect();
    for node in &mut nodes {
        node.children.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    }
    (nodes, by_url)
}

fn prettify(segment: &str) -> String {
    let mut chars = segment.replace('-', " ").chars().collect::<Vec<_>>();
    if let Some(first) = chars.first_mut() {
        *first = first.to_ascii_uppercase();
    }
    chars.into_iter().collect()
}

fn reading_order(nodes: &[Node]) -> Vec<usize> {
    let mut order = Vec::with_capacity(nodes.len());
    let roots: Vec<usize> = (0..nodes.len())
        .filter(|&i| nodes[i].parent.is_none())
        .collect();
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(nodes[i].children.iter().rev());
    }
    order
}
