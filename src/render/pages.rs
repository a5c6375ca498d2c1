//! The values a page template gets: a node's page with its content, links and cards of
//! other pages, taxonomy indexes and terms.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Renderer;
use crate::deck;
use crate::diag::{Diagnostic, display_path};
use crate::markdown;
use crate::site::{Node, NodeKind};
use crate::source::{Kind, KindData};

impl Renderer<'_> {
    pub(super) fn node_page(&self, n: usize) -> Result<Vec<u8>, Diagnostic> {
        let node = &self.site.nodes[n];
        let mut vars = self.base_vars(&node.url);
        vars.set("sidebar", self.sidebar(Some(n), &node.url)?.as_ref());
        vars.set("breadcrumbs", self.breadcrumbs(n));
        let position = Some(self.site.position[n]);
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| self.site.order.get(i))
                .map(|&o| self.link(&self.site.nodes[o]))
        };
        vars.set("prev", neighbour(position.and_then(|p| p.checked_sub(1))));
        vars.set("next", neighbour(position.map(|p| p + 1)));
        let content_page = match node.kind {
            NodeKind::Page(p) => Some(p),
            _ => node.intro,
        };
        let mut page = match content_page {
            Some(p) => self.page_value(p),
            None => {
                json!({"title": node.title, "url": node.url, "kind": "page", "content": "", "toc": []})
            }
        };
        page["title"] = json!(node.title);
        page["url"] = json!(node.url);
        page["children"] = json!(
            node.children
                .iter()
                .map(|&c| self.link(&self.site.nodes[c]))
                .collect::<Vec<_>>()
        );
        let template = match node.kind {
            NodeKind::Page(p) => match self.site.pages[p].kind() {
                Kind::Page => "page.html",
                Kind::Argument => "argument.html",
                Kind::Case => "case.html",
                Kind::Deck => "deck.html",
                Kind::Stage => "stage.html",
            },
            NodeKind::Section => "page.html",
            NodeKind::TaxonomyIndex(t) => {
                vars.set("taxonomy", self.taxonomy_value(t));
                "taxonomy.html"
            }
            NodeKind::Term(t, term) => {
                vars.set("term", self.term_value(t, term));
                "term.html"
            }
            NodeKind::Roadmap => {
                let stages: Vec<Value> = self
                    .site
                    .stages
                    .iter()
                    .map(|&s| self.page_value(s))
                    .collect();
                vars.set("stages", stages);
                "roadmap.html"
            }
        };
        vars.set("page", page);
        self.render_vars(template, vars)
    }

    fn link(&self, node: &Node) -> Value {
        let mut link = json!({"title": node.title, "url": node.url});
        let page = match node.kind {
            NodeKind::Page(p) => Some(p),
            _ => node.intro,
        };
        if let Some(p) = page {
            let page = &self.site.pages[p];
            link["kind"] = json!(page.kind().name());
            link["description"] = json!(page.source.front.description);
            match &page.source.front.kind {
                KindData::Argument(argument) => {
                    link["objection"] = json!(argument.objection);
                    link["summary"] = json!(crate::summary::html(&argument.summary));
                }
                KindData::Deck(_) => link["exports"] = self.exports(p),
                _ => {}
            }
        }
        link
    }

    pub(super) fn page_link(&self, p: usize) -> Value {
        let page = &self.site.pages[p];
        let mut link = json!({
            "title": page.title(),
            "url": page.url,
            "kind": page.kind().name(),
            "description": page.source.front.description,
        });
        match &page.source.front.kind {
            KindData::Argument(argument) => {
                link["objection"] = json!(argument.objection);
                link["summary"] = json!(crate::summary::html(&argument.summary));
            }
            KindData::Case(case) => link["organization"] = json!(case.organization),
            KindData::Deck(meta) => {
                link["duration"] = json!(meta.duration);
                link["exports"] = self.exports(p);
            }
            _ => {}
        }
        link
    }

    /// The files a build exports beside deck `p` (`[export]` or `buyin export`), with the
    /// labels of links to them; empty when it exports none.
    fn exports(&self, p: usize) -> Value {
        self.export_links(&crate::export_plan::Target::page(self.site, p))
    }

    /// Links to the exported files of `target`, labelled; empty when there are none.
    /// The handout of the generated deck of term `n` of taxonomy `t`: its slides with
    /// their notes, as a deck's own page shows them (`deck.html`), at
    /// [`crate::export_plan::Target::handout_url`].
    pub(super) fn audience_handout(
        &self,
        (t, n): (usize, usize),
        slides: &[crate::deck::Slide],
    ) -> Result<Vec<u8>, Diagnostic> {
        let target = crate::export_plan::Target::audience(self.site, t, n);
        let term = &self.site.taxonomies[t].terms[n];
        let url = target.handout_url();
        // The slides' relative links were written for the term page, one folder up.
        let handout_slides: Vec<crate::deck::Slide> = slides
            .iter()
            .map(|slide| crate::deck::Slide {
                html: super::slides::rebase(&slide.html),
                notes: super::slides::rebase(&slide.notes),
                ..slide.clone()
            })
            .collect();
        let mut vars = self.base_vars(&url);
        let node = self.site.by_url.get(&term.url).copied();
        vars.set("sidebar", self.sidebar(node, &url)?.as_ref());
        if let Some(node) = node {
            let mut crumbs = self.breadcrumbs(node);
            crumbs.push(json!({"title": term.name, "url": term.url}));
            vars.set("breadcrumbs", crumbs);
        }
        vars.set(
            "page",
            json!({
                "title": format!("{}: {}", self.string("handout"), term.name),
                "url": url,
                "kind": "deck",
                "kind_label": self.slides_label(t),
                "content": "",
                "toc": [],
                "slides": handout_slides,
                "slides_url": format!("{}slides/", term.url),
                "exports": self.export_links(&target),
                "audience": {"name": term.name, "url": term.url},
            }),
        );
        self.render_vars("deck.html", vars)
    }

    fn export_links(&self, target: &crate::export_plan::Target) -> Value {
        let export = &self.config.export;
        if !target.selected(export) {
            return json!([]);
        }
        let files: Vec<Value> = target
            .files(export)
            .into_iter()
            .map(|(format, url)| json!({"label": self.string(format.label_key()), "url": url}))
            .collect();
        json!(files)
    }

    fn page_value(&self, p: usize) -> Value {
        let page = &self.site.pages[p];
        let front = &page.source.front;
        let taxonomies: Vec<Value> = self
            .site
            .taxonomies
            .iter()
            .filter_map(|taxonomy| {
                let names = front.taxonomies.get(&taxonomy.taxonomy.key)?;
                let terms: Vec<Value> = names
                    .iter()
                    .filter_map(|name| {
                        let slug = crate::slug::slugify(name);
                        taxonomy.terms.iter().find(|t| t.slug == slug).map(|t| json!({"name": t.name, "url": t.url}))
                    })
                    .collect();
                (!terms.is_empty()).then(|| json!({"key": taxonomy.taxonomy.key, "title": taxonomy.taxonomy.title, "singular": taxonomy.taxonomy.singular, "terms": terms}))
            })
            .collect();
        let mut toc: Vec<markdown::Heading> = page
            .rendered
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .cloned()
            .collect();
        if page.kind() == Kind::Argument {
            toc = self.argument_toc(page, toc);
        }
        let mut value = json!({
            "title": front.title,
            "description": front.description,
            "url": page.url,
            "kind": page.kind().name(),
            "kind_label": self.kind_label(page.kind()),
            "draft": front.draft,
            "reviewed": front.reviewed.as_deref().and_then(crate::date::Date::parse).map(|date| json!({
                "iso": date.to_string(),
                "long": date.long(&self.string("date_long"), &self.string("months")),
            })),
            "content": page.rendered.html(),
            "toc": toc,
            "date": front.date,
            "weight": front.weight,
            "taxonomies": taxonomies,
            "source_path": display_path(&page.source.path),
        });
        match &front.kind {
            KindData::Page => {}
            KindData::Argument(argument) => {
                if let [objection, answer, evidence] = page.reserved {
                    value["anchors"] =
                        json!({"objection": objection, "answer": answer, "evidence": evidence});
                }
                value["objection"] = json!(argument.objection);
                value["summary"] = json!(crate::summary::html(&argument.summary));
                value["evidence"] = json!(
                    argument
                        .evidence
                        .iter()
                        .filter_map(|path| self.site.by_rel.get(crate::url::content_path(path)))
                        .map(|&e| self.case_value(e))
                        .collect::<Vec<_>>()
                );
            }
            KindData::Case(_) => {
                let case = self.case_value(p);
                for &key in Kind::Case.fields().iter().chain(&["chart", "key_figures"]) {
                    value[key] = case[key].clone();
                }
            }
            KindData::Deck(meta) => {
                let slides = deck::page_slides(self.site, p, &|key| self.string(key));
                // The handout numbers the ids per slide; its table of contents follows.
                let toc: Vec<Value> = page
                    .rendered
                    .headings
                    .iter()
                    .filter(|h| (2..=3).contains(&h.level))
                    .filter_map(|h| {
                        let id = deck::numbered_id(&slides, &h.id)?;
                        Some(json!({"level": h.level, "id": id, "title": h.title}))
                    })
                    .collect();
                value["toc"] = json!(toc);
                value["duration"] = json!(meta.duration);
                value["incremental"] = json!(meta.incremental);
                value["slides_url"] = json!(format!("{}slides/", page.url));
                value["exports"] = self.exports(p);
                value["slides"] = json!(slides);
                if let Some((t, n)) = meta
                    .audience
                    .as_deref()
                    .and_then(|a| self.site.audience_term(a))
                {
                    let term = &self.site.taxonomies[t].terms[n];
                    value["audience"] = json!({"name": term.name, "url": term.url});
                }
            }
            KindData::Stage(stage) => stage_fields(&mut value, stage),
        }
        value
    }

    /// An argument's table of contents: its objection, its answer with the body's
    /// headings one level below, then its evidence.
    fn argument_toc(
        &self,
        page: &crate::site::Page,
        body: Vec<markdown::Heading>,
    ) -> Vec<markdown::Heading> {
        let part = |id: &str, key: &str, level: u8| markdown::Heading {
            level,
            id: id.to_string(),
            title: self.string(key),
        };
        let mut toc = Vec::new();
        for (id, key) in page
            .generated_anchors()
            .iter()
            .zip(["objection", "answer", "evidence"])
        {
            toc.push(part(id, key, 2));
            if key == "answer" {
                toc.extend(body.iter().map(|h| markdown::Heading {
                    level: h.level + 1,
                    ..h.clone()
                }));
            }
        }
        toc
    }

    pub(super) fn case_value(&self, p: usize) -> Value {
        let page = &self.site.pages[p];
        let mut value = self.page_link(p);
        if let KindData::Case(case) = &page.source.front.kind {
            value["industry"] = json!(case.industry);
            value["size"] = json!(case.size);
            value["year"] = json!(case.year);
            value["metrics"] = json!(case.metrics);
            value["source"] = json!(case.source);
            value["chart"] = json!(crate::chart::metrics_chart(
                &case.metrics,
                &format!("{}: {}", self.string("metrics"), page.title())
            ));
            value["key_figures"] = json!(crate::chart::key_figures(&case.metrics));
        }
        value
    }

    fn counts(&self, pages: &[usize]) -> Value {
        let mut counts = BTreeMap::new();
        for kind in ["argument", "case", "deck", "page", "stage"] {
            counts.insert(kind, 0usize);
        }
        for &p in pages {
            *counts.entry(self.site.pages[p].kind().name()).or_default() += 1;
        }
        json!(counts)
    }

    fn taxonomy_value(&self, t: usize) -> Value {
        let taxonomy = &self.site.taxonomies[t];
        let audience = taxonomy.has_audience_decks();
        let terms: Vec<Value> = taxonomy
            .terms
            .iter()
            .map(|term| json!({"name": term.name, "url": term.url, "count": term.pages.len(), "counts": self.counts(&term.pages), "slides_url": audience.then(|| format!("{}slides/", term.url)), "slides_label": self.slides_label(t)}))
            .collect();
        json!({"key": taxonomy.taxonomy.key, "title": taxonomy.taxonomy.title, "url": taxonomy.url, "terms": terms})
    }

    fn term_value(&self, t: usize, n: usize) -> Value {
        let taxonomy = &self.site.taxonomies[t];
        let term = &taxonomy.terms[n];
        let audience = taxonomy.has_audience_decks();
        // The term's generated deck, when its taxonomy has them.
        let deck = audience.then(|| crate::export_plan::Target::audience(self.site, t, n));
        let groups: Vec<Value> = [Kind::Argument, Kind::Case, Kind::Deck, Kind::Stage, Kind::Page]
            .into_iter()
            .filter_map(|kind| {
                let items: Vec<Value> = term.pages.iter().filter(|&&p| self.site.pages[p].kind() == kind).map(|&p| self.page_link(p)).collect();
                (!items.is_empty()).then(|| json!({"kind": kind.name(), "label": self.string(&format!("group_{}", kind.name())), "items": items}))
            })
            .collect();
        json!({
            "name": term.name,
            "url": term.url,
            "taxonomy": {"key": taxonomy.taxonomy.key, "title": taxonomy.taxonomy.title, "url": taxonomy.url},
            "groups": groups,
            "counts": self.counts(&term.pages),
            "slides_url": audience.then(|| format!("{}slides/", term.url)),
            "handout_url": deck.as_ref().map(crate::export_plan::Target::handout_url),
            "exports": deck.as_ref().map_or_else(|| json!([]), |deck| self.export_links(deck)),
            "slides_label": self.slides_label(t),
        })
    }

    /// "Talk for this audience" worded for the taxonomy (`slides_for_departments`: "…
    /// for this department"), else the general wording.
    fn slides_label(&self, t: usize) -> String {
        let key = format!("slides_for_{}", self.site.taxonomies[t].taxonomy.key);
        match self.theme.strings.get(&key) {
            Some(label) => label.clone(),
            None => self.string("slides_for"),
        }
    }
}

/// A stage's own fields, on its page and in the print view.
pub(super) fn stage_fields(value: &mut Value, stage: &crate::source::Stage) {
    value["stage"] = json!(stage.stage);
    value["effort"] = json!(stage.effort);
    value["goals"] = json!(stage.goals);
}
