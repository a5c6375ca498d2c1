//! What an edit reaches: pure functions from the model before and after an edit of a
//! few pages to the output files that must be rendered again. [`super::project`]
//! applies them; keeping them apart makes each rule readable on its own.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::markdown::{BlockRole, LinkTarget, Rendered};
use crate::render::{Job, PrintLayout};
use crate::shortcode::Call;
use crate::site::{NodeKind, Page, Site};
use crate::source::{Kind, Source};
use crate::url::content_path;

/// Whether two versions of a file have the same front matter, delimiters included.
pub(super) fn same_front_matter(old: &Source, new: &Source) -> bool {
    old.text[..old.body_start] == new.text[..new.body_start]
}

/// Whether a page edited in its front matter keeps its place in the site: its URL and
/// its kind (which picks its template and the decks it appears in).
pub(super) fn keeps_its_place(page: &Page, new: &Source) -> bool {
    crate::url::url_for(&new.rel, new.front.slug.as_deref()) == page.url
        && page.source.front.kind() == new.front.kind()
}

/// The nodes (of `new`) whose navigation, breadcrumbs, child listing or pager show
/// something that differs between two models with the same pages: below the parent of
/// a node whose title or weight changed, below a node whose children were reordered,
/// and around every changed place in the reading order. Nodes are matched by URL (their
/// indices follow the listing order, which a title or weight moves). `None` when the
/// change reaches every page anyway (a top-level entry, a term's name) or the pages
/// themselves differ.
pub(super) fn navigation_changes(old: &Site, new: &Site) -> Option<BTreeSet<usize>> {
    let same_terms = old.taxonomies.iter().zip(&new.taxonomies).all(|(a, b)| {
        a.terms.len() == b.terms.len()
            && a.terms
                .iter()
                .zip(&b.terms)
                .all(|(x, y)| x.name == y.name && x.url == y.url)
    });
    if old.nodes.len() != new.nodes.len() || !same_terms {
        return None;
    }
    // `was[n]`: the old index of new node `n`.
    let mut was = Vec::with_capacity(new.nodes.len());
    for node in &new.nodes {
        was.push(*old.by_url.get(&node.url)?);
    }
    fn url_of(site: &Site, n: Option<usize>) -> Option<&str> {
        n.map(|n| site.nodes[n].url.as_str())
    }
    /// The URLs before and after node `n` in the reading order.
    fn around(site: &Site, n: usize) -> (Option<&str>, Option<&str>) {
        let at = site.position[n];
        let before = at
            .checked_sub(1)
            .map(|i| site.nodes[site.order[i]].url.as_str());
        let after = site.order.get(at + 1).map(|&i| site.nodes[i].url.as_str());
        (before, after)
    }
    let root = new.by_url.get("").copied();
    let below = |top: usize, nodes: &mut BTreeSet<usize>| {
        let mut stack = vec![top];
        while let Some(n) = stack.pop() {
            nodes.insert(n);
            stack.extend(&new.nodes[n].children);
        }
    };
    let mut nodes = BTreeSet::new();
    for (n, b) in new.nodes.iter().enumerate() {
        let a = &old.nodes[was[n]];
        if a.kind != b.kind || a.intro != b.intro || url_of(old, a.parent) != url_of(new, b.parent)
        {
            return None;
        }
        if a.title != b.title || a.weight != b.weight {
            match b.parent {
                // Top-level entries are in every page's navigation.
                None => return None,
                Some(p) if Some(p) == root => return None,
                Some(p) => below(p, &mut nodes),
            }
        }
        let reordered = a.children.len() != b.children.len()
            || a.children
                .iter()
                .zip(&b.children)
                .any(|(&x, &y)| old.nodes[x].url != new.nodes[y].url);
        if reordered {
            below(n, &mut nodes);
        }
    }
    for n in 0..new.nodes.len() {
        let at = new.position[n];
        let retitled =
            |m: Option<&usize>| m.is_some_and(|&m| old.nodes[was[m]].title != new.nodes[m].title);
        if around(old, was[n]) != around(new, n)
            || retitled(at.checked_sub(1).and_then(|i| new.order.get(i)))
            || retitled(new.order.get(at + 1))
        {
            nodes.insert(n);
        }
    }
    Some(nodes)
}

/// Pages that list the edited pages or show their front matter, in the old or the new
/// model (the navigation is the same in both): the parent's listing, the neighbours'
/// pager, the terms they are (or were) tagged with and those taxonomies' indexes, the
/// generated decks of those terms, arguments citing them as evidence, the roadmap.
pub(super) fn listing_jobs(old: &Site, new: &Site, edited: &[usize]) -> BTreeSet<Job> {
    let mut jobs = BTreeSet::new();
    for &p in edited {
        let Some(&n) = new.by_url.get(&new.pages[p].url) else {
            continue;
        };
        jobs.extend(new.nodes[n].parent.map(Job::Node));
        let position = new.position[n];
        for neighbour in [position.checked_sub(1), Some(position + 1)]
            .into_iter()
            .flatten()
        {
            jobs.extend(new.order.get(neighbour).map(|&o| Job::Node(o)));
        }
        for site in [old, new] {
            for (t, taxonomy) in site.taxonomies.iter().enumerate() {
                for (i, term) in taxonomy.terms.iter().enumerate() {
                    if term.pages.contains(&p) {
                        // Node indices of the new model: the URLs are the same in both.
                        jobs.extend(new.by_url.get(&term.url).map(|&node| Job::Node(node)));
                        jobs.extend(new.by_url.get(&taxonomy.url).map(|&node| Job::Node(node)));
                        if taxonomy.has_audience_decks() {
                            jobs.insert(Job::AudienceSlides(t, i));
                        }
                    }
                }
            }
        }
        let rel = new.pages[p].source.rel.as_str();
        for (a, page) in new.pages.iter().enumerate() {
            let cites = match &page.source.front.kind {
                crate::source::KindData::Argument(argument) => {
                    argument.evidence.iter().any(|e| content_path(e) == rel)
                }
                _ => false,
            };
            if cites {
                jobs.extend(
                    new.by_url
                        .get(&new.pages[a].url)
                        .map(|&node| Job::Node(node)),
                );
            }
        }
        if new.pages[p].kind() == Kind::Stage {
            jobs.extend(
                (0..new.nodes.len())
                    .filter(|&r| new.nodes[r].kind == NodeKind::Roadmap)
                    .map(Job::Node),
            );
        }
    }
    jobs
}

/// Which pages reach into which, kept beside the model: an edit of a few bodies finds
/// the pages that link to them and the decks that may expand them here, without
/// reading every page. (At 10,000 pages a scan of them all took longer than the rest of
/// the edit, on a machine where memory a process has not touched for a second is slow
/// to read back.)
#[derive(Debug, Default)]
pub(super) struct Reach {
    /// Pages by the content path of a page they link to.
    linked_from: HashMap<String, BTreeSet<usize>>,
    /// Decks whose Markdown calls a shortcode.
    calling_decks: BTreeSet<usize>,
    /// Which print files show which pages.
    pub(super) print: PrintLayout,
}

impl Reach {
    pub(super) fn of(site: &Site) -> Reach {
        let mut reach = Reach {
            print: PrintLayout::of(site),
            ..Reach::default()
        };
        for (p, page) in site.pages.iter().enumerate() {
            reach.add(p, page);
        }
        reach
    }

    /// Page `p` of `site` was rendered again; `old` is what it was before.
    pub(super) fn replaced(&mut self, site: &Site, p: usize, old: &Rendered) {
        for rel in link_targets(old) {
            if let Some(pages) = self.linked_from.get_mut(rel) {
                pages.remove(&p);
                if pages.is_empty() {
                    self.linked_from.remove(rel);
                }
            }
        }
        self.calling_decks.remove(&p);
        self.add(p, &site.pages[p]);
    }

    fn add(&mut self, p: usize, page: &Page) {
        for rel in link_targets(&page.rendered) {
            self.linked_from
                .entry(rel.to_string())
                .or_default()
                .insert(p);
        }
        let calls = || {
            page.rendered
                .roles()
                .any(|role| matches!(role, BlockRole::Shortcode(_)))
        };
        if page.kind() == Kind::Deck && calls() {
            self.calling_decks.insert(p);
        }
    }

    /// The edited pages and every page with a link into one of them (its anchors may
    /// have gone), in page order.
    pub(super) fn linking_pages(&self, site: &Site, edited: &[usize]) -> Vec<usize> {
        let mut pages: BTreeSet<usize> = edited.iter().copied().collect();
        for &p in edited {
            if let Some(linking) = self.linked_from.get(&site.pages[p].source.rel) {
                pages.extend(linking);
            }
        }
        pages.into_iter().collect()
    }
}

/// The content paths of the pages `rendered` links to.
fn link_targets(rendered: &Rendered) -> impl Iterator<Item = &str> {
    rendered.links.iter().filter_map(|link| match &link.target {
        LinkTarget::Page(rel) => Some(rel.as_str()),
        _ => None,
    })
}

/// The jobs that read the bodies of the edited pages: the pages themselves first, the
/// rest later.
pub(super) fn affected_jobs(site: &Site, reach: &Reach, edited: &[usize]) -> (Vec<Job>, Vec<Job>) {
    let edited_set: HashSet<usize> = edited.iter().copied().collect();
    let rels: HashSet<&str> = edited
        .iter()
        .map(|&p| site.pages[p].source.rel.as_str())
        .collect();
    let expands = |page: &Page| {
        page.rendered.roles().any(|role| match role {
            BlockRole::Shortcode(call) => refers_to(call, &rels),
            _ => false,
        })
    };
    let node_of = |page: &Page| site.by_url.get(&page.url).copied();
    let mut now = BTreeSet::new();
    let mut later = BTreeSet::new();
    for &p in edited {
        let page = &site.pages[p];
        now.extend(node_of(page).map(Job::Node));
        match page.kind() {
            Kind::Deck => {
                now.insert(Job::Slides(p));
            }
            Kind::Stage => later.extend(
                (0..site.nodes.len())
                    .filter(|&n| site.nodes[n].kind == NodeKind::Roadmap)
                    .map(Job::Node),
            ),
            _ => {}
        }
    }
    // Pages whose own output shows an edited body: the edited ones and the decks that
    // expand them; only the print files holding one of them change.
    let mut shown = edited_set.clone();
    for &d in &reach.calling_decks {
        let page = &site.pages[d];
        if !edited_set.contains(&d) && expands(page) {
            later.extend(node_of(page).map(Job::Node));
            later.insert(Job::Slides(d));
            shown.insert(d);
        }
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        if !taxonomy.has_audience_decks() {
            continue;
        }
        for (n, term) in taxonomy.terms.iter().enumerate() {
            let lists = term.pages.iter().any(|p| {
                edited_set.contains(p)
                    && matches!(site.pages[*p].kind(), Kind::Argument | Kind::Case)
            });
            let intro = site
                .by_url
                .get(&term.url)
                .and_then(|&node| site.nodes[node].intro);
            let introduces =
                intro.is_some_and(|i| edited_set.contains(&i) || expands(&site.pages[i]));
            if lists || introduces {
                later.insert(Job::AudienceSlides(t, n));
            }
        }
    }
    later.extend(reach.print.jobs_showing(&shown));
    later.insert(Job::SearchIndex);
    // The Q&A files hold the arguments' answers only; no other body reaches them.
    if edited
        .iter()
        .any(|&p| site.pages[p].kind() == Kind::Argument)
    {
        later.insert(Job::QaIndex);
    }
    (now.into_iter().collect(), later.into_iter().collect())
}

/// Whether a shortcode call names one of the content paths.
fn refers_to(call: &Call, rels: &HashSet<&str>) -> bool {
    call.args
        .get("path")
        .and_then(|path| path.as_text())
        .is_some_and(|path| rels.contains(content_path(path)))
}
