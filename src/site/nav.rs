//! The navigation tree: a node per content page, folder section, taxonomy index, term
//! and the roadmap, children in listing order, and the reading order for previous/next.

use std::collections::HashMap;

use super::{Node, NodeKind, Page, TaxonomyTerms};
use crate::config::Config;
use crate::url::parent_url;

/// The navigation nodes and the URL -> node index.
pub(super) fn build_nodes(
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

/// A folder name as a title: dashes as spaces, the first letter upper case.
fn prettify(segment: &str) -> String {
    let mut chars = segment.replace('-', " ").chars().collect::<Vec<_>>();
    if let Some(first) = chars.first_mut() {
        *first = first.to_ascii_uppercase();
    }
    chars.into_iter().collect()
}

/// Node indices depth first.
pub(super) fn reading_order(nodes: &[Node]) -> Vec<usize> {
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
