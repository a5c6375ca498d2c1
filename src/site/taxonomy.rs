//! Taxonomies: the terms of every configured taxonomy with their pages in listing
//! order, a deck counted under its audience, and term pages introduced by content.

use std::collections::BTreeMap;

use super::{Page, TaxonomyTerms, Term};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::slug::slugify;
use crate::source::KindData;

/// The taxonomy a deck's `audience` belongs to: `stakeholders` if it has the term (or
/// `departments` lacks it), else `departments`.
pub(super) fn audience_taxonomy(taxonomies: &[TaxonomyTerms], slug: &str) -> Option<usize> {
    let find = |key: &str| taxonomies.iter().position(|t| t.taxonomy.key == key);
    let has = |i: usize| taxonomies[i].terms.iter().any(|t| t.slug == slug);
    match (find("stakeholders"), find("departments")) {
        (Some(s), Some(d)) => Some(if has(s) || !has(d) { s } else { d }),
        (Some(s), None) => Some(s),
        (None, Some(d)) => Some(d),
        (None, None) => None,
    }
}

/// The terms of every configured taxonomy; `ordered` is the pages in listing order.
pub(super) fn terms(
    config: &Config,
    pages: &[Page],
    ordered: &[usize],
    diags: &mut Diagnostics,
) -> Vec<TaxonomyTerms> {
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
        for &i in ordered {
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
    for &i in ordered {
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
        for page in pages {
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
    taxonomies
}
