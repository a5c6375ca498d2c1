//! The model -> files: one job per output file, rendered in parallel through Tera into
//! an in-memory [`Output`].
//!
//! Every link in a page is relative (`root` + root-relative URL + `index.html`), so the
//! site works from `file://`, a file share or any sub-path. Shortcodes render here too,
//! through the theme's `shortcodes/` templates.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::Context;

use crate::config::Config;
use crate::deck::{self, Slide};
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::markdown::{self, Env, escape};
use crate::output::{Blob, Output, Staging};
use crate::search::{self, SearchCache, SearchDoc};
use crate::shortcode::{Arg, Call};
use crate::site::{Node, NodeKind, Site};
use crate::source::{Kind, KindData};
use crate::theme::{Theme, template_diagnostic};

/// How many children of an open navigation section are listed on every page; beyond
/// that a link leads to the section, which keeps each page's navigation bounded.
const NAV_CHILDREN_LIMIT: usize = 60;

/// Everything rendering needs, shared by all jobs.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    pub theme: &'a Theme,
    strings: Value,
    config_value: Value,
    /// What the search index keeps between renders (`serve`).
    search_cache: Option<&'a Mutex<SearchCache>>,
    /// Rendered sidebars: most pages of a large section show the same one.
    sidebars: Mutex<HashMap<SidebarKey, Arc<str>>>,
}

/// What decides a sidebar's HTML: the root prefix of the page that shows it, the open
/// entries it lists (from the top down) and whether it lists the current page. Pages
/// deep in a long section, beyond the entries listed, share one sidebar.
#[derive(PartialEq, Eq, Hash)]
struct SidebarKey {
    root: String,
    open: Vec<usize>,
    current_shown: bool,
}

impl<'a> Renderer<'a> {
    /// Prepares the values every page shares.
    pub fn new(site: &'a Site, config: &'a Config, theme: &'a Theme) -> Self {
        let logo = config.brand.logo.as_ref().map(|logo| logo_url(logo));
        let config_value = json!({
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "authors": config.authors,
            "base_url": config.base_url,
            "brand": {"name": config.brand.name, "logo": logo, "primary": config.brand.primary, "accent": config.brand.accent},
            "slides": {"width": config.slides.width, "height": config.slides.height, "aspect": config.slides.aspect},
            "roadmap": {"path": config.roadmap.path, "title": config.roadmap.title},
        });
        let strings = serde_json::to_value(&theme.strings).unwrap_or(Value::Null);
        Renderer {
            site,
            config,
            theme,
            strings,
            config_value,
            search_cache: None,
            sidebars: Mutex::default(),
        }
    }

    /// Lets the search index reuse what it found in unchanged pages last time.
    pub fn with_search_cache(self, cache: &'a Mutex<SearchCache>) -> Self {
        Renderer {
            search_cache: Some(cache),
            ..self
        }
    }

    /// A UI string of the configured language.
    pub fn string(&self, key: &str) -> String {
        self.theme
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn kind_label(&self, kind: Kind) -> String {
        self.string(&format!("kind_{}", kind.name()))
    }

    fn base_context(&self, url: &str) -> Context {
        self.base_vars(url).into_context()
    }

    /// The variables every page template gets; values are moved into the template
    /// context, never serialized a second time.
    fn base_vars(&self, url: &str) -> Vars {
        let mut vars = Vars::default();
        vars.set("root", markdown::root_prefix(url));
        vars.set("config", self.config_value.clone());
        vars.set("strings", self.strings.clone());
        vars
    }

    fn render_vars(&self, name: &str, vars: Vars) -> Result<Vec<u8>, Diagnostic> {
        self.render_template(name, &vars.into_context())
    }

    /// Renders into bytes: what becomes a file needs no `String`, whose UTF-8 check
    /// would read every page (and every large deck) once more.
    fn render_template(&self, name: &str, context: &Context) -> Result<Vec<u8>, Diagnostic> {
        let mut bytes = Vec::new();
        let rendered = self.theme.tera.render_to(name, context, &mut bytes);
        rendered.map(|()| bytes).map_err(|e| {
            let origin = self
                .theme
                .files
                .get(&format!("templates/{name}"))
                .and_then(|f| f.origin.clone());
            let shown = origin.unwrap_or_else(|| format!("themes/default/templates/{name}").into());
            template_diagnostic(&shown, &e)
        })
    }

    /// Renders the whole site into an [`Output`]. With a `staging` folder, every file
    /// goes there as soon as it is rendered and the output keeps only its path.
    pub fn render(&self, root: &Path, staging: Option<&Staging>) -> Result<Output, Diagnostics> {
        // The few whole-site files first: each is one long job, and one that starts
        // last would leave the other cores idle at the end. The output is sorted by
        // path, so the order of jobs does not reach it.
        let mut jobs = vec![
            Job::SearchIndex,
            Job::Print,
            Job::QaIndex,
            Job::NotFound,
            Job::Sitemap,
        ];
        for (t, taxonomy) in self.site.taxonomies.iter().enumerate() {
            if taxonomy.has_audience_decks() {
                jobs.extend((0..taxonomy.terms.len()).map(|n| Job::AudienceSlides(t, n)));
            }
        }
        for (i, page) in self.site.pages.iter().enumerate() {
            if page.kind() == Kind::Deck {
                jobs.push(Job::Slides(i));
            }
        }
        jobs.extend((0..self.site.nodes.len()).map(Job::Node));
        let results: Vec<Result<Option<(String, Blob)>, Diagnostic>> = jobs
            .par_iter()
            // One job per task: a few jobs take far longer than the rest, and rayon's
            // default chunks would leave them queued behind each other on one core.
            .with_max_len(1)
            .map(|job| {
                let Some((path, bytes)) = self.render_job(job)? else {
                    return Ok(None);
                };
                let blob = Blob::bytes(bytes);
                match staging {
                    Some(staging) => Ok(Some((path.clone(), stage(staging, &path, &blob)?))),
                    None => Ok(Some((path, blob))),
                }
            })
            .collect();
        let mut output = Output::default();
        let mut diags = Diagnostics::default();
        for result in results {
            match result {
                Ok(Some((path, blob))) => output.insert(path, blob),
                Ok(None) => {}
                Err(diagnostic) => diags.push(diagnostic),
            }
        }
        for (path, file) in self.theme.assets() {
            output.insert(format!("assets/{path}"), Blob::bytes(file.bytes.clone()));
        }
        output.insert(
            "assets/highlight.css",
            Blob::bytes(markdown::highlight_css().as_bytes()),
        );
        copy_tree(&root.join("static"), "", &mut output, &|_| true);
        copy_tree(&root.join(&self.config.src), "", &mut output, &|p| {
            p.extension().is_none_or(|e| e != "md")
        });
        if let Some(logo) = &self.config.brand.logo {
            if !logo.starts_with("static") {
                output.insert(logo_url(logo), Blob::Copy(root.join(logo)));
            }
        }
        if let Some(staging) = staging {
            // Assets and copied files: the few files not rendered above.
            let written: Vec<Result<(String, Blob), Diagnostic>> = output
                .files
                .par_iter()
                .filter(|(_, blob)| !matches!(blob, Blob::Written))
                .map(|(path, blob)| Ok((path.clone(), stage(staging, path, blob)?)))
                .collect();
            for result in written {
                match result {
                    Ok((path, blob)) => output.insert(path, blob),
                    Err(diagnostic) => diags.push(diagnostic),
                }
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(output)
        }
    }

    /// Renders the file of one job.
    pub fn render_job(&self, job: &Job) -> JobResult {
        let Some(path) = job_path(self.site, *job) else {
            return Ok(None);
        };
        let text = match *job {
            Job::Node(n) => self.node_page(n)?,
            Job::Slides(p) => {
                let page = &self.site.pages[p];
                let KindData::Deck(meta) = &page.source.front.kind else {
                    return Ok(None);
                };
                let slides = self.page_slides(p);
                let url = format!("{}slides/", page.url);
                self.slides_page(
                    &url,
                    page.title(),
                    &slides,
                    meta.duration,
                    meta.incremental,
                    &page.url,
                )?
            }
            Job::AudienceSlides(t, n) => {
                let term = &self.site.taxonomies[t].terms[n];
                let slides = self.audience_slides(t, n);
                let url = format!("{}slides/", term.url);
                self.slides_page(&url, &term.name, &slides, None, false, &term.url)?
            }
            Job::Print => self.print_page()?,
            Job::NotFound => {
                let mut vars = self.base_vars("");
                vars.set("sidebar", self.sidebar(None, "")?.as_ref());
                vars.set("page", json!({"title": self.string("not_found_title"), "url": "404.html", "kind": "page"}));
                self.render_vars("404.html", vars)?
            }
            Job::Sitemap if self.config.base_url.is_empty() => return Ok(None),
            Job::Sitemap => self.sitemap().into_bytes(),
            Job::SearchIndex => self.search_index().into_bytes(),
            Job::QaIndex => self.qa_index().into_bytes(),
        };
        Ok(Some((path, text)))
    }

    /// The slides of a deck page.
    pub fn page_slides(&self, page: usize) -> Vec<Slide> {
        let strings = |key: &str| self.string(key);
        let at = self.site.pages[page].url.as_str();
        deck::split(&self.site.pages[page].rendered.blocks, &|call| {
            deck::expand(self.site, call, &strings, at)
        })
    }

    fn audience_slides(&self, t: usize, n: usize) -> Vec<Slide> {
        let taxonomy = &self.site.taxonomies[t];
        let term = &taxonomy.terms[n];
        let strings = |key: &str| self.string(key);
        let mut slides = vec![Slide {
            html: format!(
                "<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n",
                escape(&term.name),
                escape(&format!(
                    "{} · {}",
                    self.config.title, self.config.brand.name
                ))
            ),
            notes: String::new(),
            class: "title".into(),
        }];
        let at = term.url.as_str();
        if let Some(&node) = self.site.by_url.get(&term.url) {
            if let Some(intro) = self.site.nodes[node].intro {
                slides.extend(deck::split(
                    &self.site.pages[intro].rendered.blocks,
                    &|call| deck::expand(self.site, call, &strings, at),
                ));
            }
        }
        for &p in &term.pages {
            if self.site.pages[p].kind() == Kind::Argument {
                slides.extend(deck::argument_slides(self.site, p, &strings, &term.url));
            }
        }
        for &p in &term.pages {
            if self.site.pages[p].kind() == Kind::Case {
                slides.extend(deck::case_slide(self.site, p, &term.url));
            }
        }
        slides
    }

    fn slides_page(
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
                json!({"number": i + 1, "html": rebase(&s.html), "notes": rebase(&s.notes), "class": s.class})
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

    fn node_page(&self, n: usize) -> Result<Vec<u8>, Diagnostic> {
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
            if let KindData::Argument(argument) = &page.source.front.kind {
                link["objection"] = json!(argument.objection);
            }
        }
        link
    }

    fn page_link(&self, p: usize) -> Value {
        let page = &self.site.pages[p];
        let mut link = json!({
            "title": page.title(),
            "url": page.url,
            "kind": page.kind().name(),
            "description": page.source.front.description,
        });
        match &page.source.front.kind {
            KindData::Argument(argument) => link["objection"] = json!(argument.objection),
            KindData::Case(case) => link["organization"] = json!(case.organization),
            KindData::Deck(meta) => link["duration"] = json!(meta.duration),
            _ => {}
        }
        link
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
                (!terms.is_empty()).then(|| json!({"key": taxonomy.taxonomy.key, "title": taxonomy.taxonomy.title, "terms": terms}))
            })
            .collect();
        let toc: Vec<&markdown::Heading> = page
            .rendered
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .collect();
        let mut value = json!({
            "title": front.title,
            "description": front.description,
            "url": page.url,
            "kind": page.kind().name(),
            "kind_label": self.kind_label(page.kind()),
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
                value["objection"] = json!(argument.objection);
                value["evidence"] = json!(
                    argument
                        .evidence
                        .iter()
                        .filter_map(|path| self.site.by_rel.get(crate::site::content_path(path)))
                        .map(|&e| self.case_value(e))
                        .collect::<Vec<_>>()
                );
            }
            KindData::Case(_) => {
                let case = self.case_value(p);
                for &key in Kind::Case.fields().iter().chain(&["chart"]) {
                    value[key] = case[key].clone();
                }
            }
            KindData::Deck(meta) => {
                let slides = self.page_slides(p);
                value["duration"] = json!(meta.duration);
                value["incremental"] = json!(meta.incremental);
                value["slides_url"] = json!(format!("{}slides/", page.url));
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

    fn case_value(&self, p: usize) -> Value {
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
            .map(|term| json!({"name": term.name, "url": term.url, "count": term.pages.len(), "counts": self.counts(&term.pages), "slides_url": audience.then(|| format!("{}slides/", term.url))}))
            .collect();
        json!({"key": taxonomy.taxonomy.key, "title": taxonomy.taxonomy.title, "url": taxonomy.url, "terms": terms})
    }

    fn term_value(&self, t: usize, n: usize) -> Value {
        let taxonomy = &self.site.taxonomies[t];
        let term = &taxonomy.terms[n];
        let audience = taxonomy.has_audience_decks();
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
        })
    }

    /// The sidebar's HTML (`templates/nav.html`) for the page at `url` whose node is
    /// `current`; rendered once for all pages that show the same one.
    fn sidebar(&self, current: Option<usize>, url: &str) -> Result<Arc<str>, Diagnostic> {
        let key = self.sidebar_key(current, url);
        let known = self
            .sidebars
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(html) = known {
            return Ok(html);
        }
        let mut vars = self.base_vars(url);
        vars.set("nav", self.nav(current));
        let html: Arc<str> = String::from_utf8_lossy(&self.render_vars("nav.html", vars)?).into();
        self.sidebars
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Arc::clone(&html));
        Ok(html)
    }

    /// Walks the sidebar as [`Renderer::nav`] builds it, noting only what makes it
    /// differ from page to page.
    fn sidebar_key(&self, current: Option<usize>, url: &str) -> SidebarKey {
        let open = self.open_chain(current);
        let (mut level, home) = self.nav_top();
        let shows_current = |level: &[usize]| current.is_some_and(|c| level.contains(&c));
        let mut key = SidebarKey {
            root: markdown::root_prefix(url),
            open: Vec::new(),
            current_shown: shows_current(&level),
        };
        // The open entries form one path, so each listed level holds at most one
        // (the home entry never opens).
        while let Some(n) = level
            .iter()
            .copied()
            .find(|&n| Some(n) != home && open.contains(&n))
        {
            key.open.push(n);
            level = self.site.nodes[n]
                .children
                .iter()
                .take(NAV_CHILDREN_LIMIT)
                .copied()
                .collect();
            key.current_shown |= shows_current(&level);
        }
        key
    }

    /// `current` and the entries above it.
    fn open_chain(&self, current: Option<usize>) -> Vec<usize> {
        let mut open = Vec::new();
        let mut cursor = current;
        while let Some(n) = cursor {
            open.push(n);
            cursor = self.site.nodes[n].parent;
        }
        open
    }

    /// The sidebar's top level (the home page first, then its children; without a home
    /// page every entry without a parent) and the home page's node.
    fn nav_top(&self) -> (Vec<usize>, Option<usize>) {
        let home = self.site.by_url.get("").copied();
        let mut top: Vec<usize> = home.map(|r| vec![r]).unwrap_or_default();
        match home {
            Some(r) => top.extend(self.site.nodes[r].children.iter().copied()),
            None => top.extend(
                (0..self.site.nodes.len()).filter(|&i| self.site.nodes[i].parent.is_none()),
            ),
        }
        (top, home)
    }

    /// The sidebar: top-level entries, with the sections on the way to `current` open.
    fn nav(&self, current: Option<usize>) -> Vec<Value> {
        let open = self.open_chain(current);
        let (top, home) = self.nav_top();
        top.iter()
            .map(|&n| self.nav_item(n, current, &open, Some(n) == home))
            .collect()
    }

    fn nav_item(&self, n: usize, current: Option<usize>, open: &[usize], is_home: bool) -> Value {
        let node = &self.site.nodes[n];
        let is_open = !is_home && open.contains(&n);
        let children: Vec<Value> = if is_open {
            node.children
                .iter()
                .take(NAV_CHILDREN_LIMIT)
                .map(|&c| self.nav_item(c, current, open, false))
                .collect()
        } else {
            Vec::new()
        };
        json!({
            "title": node.title,
            "url": node.url,
            "current": Some(n) == current,
            "open": is_open,
            "has_children": !is_home && !node.children.is_empty(),
            "more": is_open && node.children.len() > NAV_CHILDREN_LIMIT,
            "children": children,
        })
    }

    fn breadcrumbs(&self, n: usize) -> Vec<Value> {
        let mut crumbs = Vec::new();
        let mut cursor = self.site.nodes[n].parent;
        while let Some(p) = cursor {
            let node = &self.site.nodes[p];
            crumbs.push(json!({"title": node.title, "url": node.url}));
            cursor = node.parent;
        }
        crumbs.reverse();
        crumbs
    }

    fn print_page(&self) -> Result<Vec<u8>, Diagnostic> {
        let mut vars = self.base_vars("");
        // The values of every page are the bulk of the work; they are independent.
        let pages: Vec<Value> = self
            .site
            .order
            .par_iter()
            .filter_map(|&n| {
                let node = &self.site.nodes[n];
                let p = match node.kind {
                    NodeKind::Page(p) => p,
                    _ => node.intro?,
                };
                let mut value = self.print_value(p, &node.url);
                value["anchor"] = json!(format!("page-{}", crate::slug::slugify(&node.url)));
                Some(value)
            })
            .collect();
        vars.set("pages", pages);
        vars.set(
            "page",
            json!({"title": self.config.title, "url": "print.html", "kind": "page"}),
        );
        self.render_vars("print.html", vars)
    }

    /// What `print.html` shows of one page: its heading fields and its content, links
    /// made relative to the print page; no slides, cards or table of contents.
    fn print_value(&self, p: usize, url: &str) -> Value {
        let page = &self.site.pages[p];
        let front = &page.source.front;
        let mut value = match front.kind {
            KindData::Case(_) => self.case_value(p),
            _ => self.page_link(p),
        };
        value["kind_label"] = json!(self.kind_label(page.kind()));
        value["date"] = json!(front.date);
        value["content"] = json!(rebase_print(&page.rendered.html(), url));
        if let KindData::Stage(stage) = &front.kind {
            stage_fields(&mut value, stage);
        }
        value
    }

    fn sitemap(&self) -> String {
        let mut urls: Vec<String> = self.site.nodes.iter().map(|n| n.url.clone()).collect();
        urls.extend(
            self.site
                .pages
                .iter()
                .filter(|p| p.kind() == Kind::Deck)
                .map(|p| format!("{}slides/", p.url)),
        );
        for taxonomy in &self.site.taxonomies {
            if taxonomy.has_audience_decks() {
                urls.extend(taxonomy.terms.iter().map(|t| format!("{}slides/", t.url)));
            }
        }
        urls.sort();
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for url in urls {
            xml.push_str(&format!(
                "  <url><loc>{}/{}</loc></url>\n",
                escape(&self.config.base_url),
                escape(&url)
            ));
        }
        xml.push_str("</urlset>\n");
        xml
    }

    fn search_index(&self) -> String {
        // Bodies are borrowed; only a page with a description or objection (searched
        // with its body) needs a text of its own.
        let texts: Vec<(&Node, &'static str, Cow<str>)> = self
            .site
            .nodes
            .iter()
            .filter_map(|node| match node.kind {
                NodeKind::Page(p) => {
                    let page = &self.site.pages[p];
                    let front = &page.source.front;
                    let objection = match &front.kind {
                        KindData::Argument(argument) => Some(argument.objection.as_str()),
                        _ => None,
                    };
                    let lead: Vec<&str> = [front.description.as_deref(), objection]
                        .into_iter()
                        .flatten()
                        .collect();
                    let text = if lead.is_empty() {
                        Cow::Borrowed(page.rendered.text.as_str())
                    } else {
                        Cow::Owned(format!("{} {}", lead.join(" "), page.rendered.text))
                    };
                    Some((node, page.kind().name(), text))
                }
                NodeKind::Term(..) => {
                    let intro = node
                        .intro
                        .map(|p| self.site.pages[p].rendered.text.as_str());
                    Some((node, "term", Cow::Borrowed(intro.unwrap_or_default())))
                }
                _ => None,
            })
            .collect();
        let docs: Vec<SearchDoc> = texts
            .iter()
            .map(|(node, kind, text)| SearchDoc {
                url: &node.url,
                title: &node.title,
                kind,
                text,
            })
            .collect();
        match self.search_cache {
            Some(cache) => {
                let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
                search::render_index_cached(&docs, &mut cache)
            }
            None => search::render_index(&docs),
        }
    }

    fn qa_index(&self) -> String {
        let items: Vec<Value> = self
            .site
            .pages
            .iter()
            .filter_map(|page| {
                let KindData::Argument(argument) = &page.source.front.kind else { return None };
                let front = &page.source.front;
                Some(json!({
                    "title": front.title,
                    "objection": argument.objection,
                    "stakeholders": front.taxonomies.get("stakeholders").cloned().unwrap_or_default(),
                    "tags": front.taxonomies.get("tags").cloned().unwrap_or_default(),
                    "url": page.url,
                    "answer": rebase_qa(&page.rendered.html(), &page.url),
                }))
            })
            .collect();
        format!(
            "window.BUYIN_QA = {};\n",
            serde_json::to_string(&items).unwrap_or_else(|_| "[]".into())
        )
    }
}

/// A rendered file (path, bytes), nothing for a job that does not apply, or an error.
pub type JobResult = Result<Option<(String, Vec<u8>)>, Diagnostic>;

/// One output file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    /// The page of navigation node `n`.
    Node(usize),
    /// The slides of content page `p` (a deck).
    Slides(usize),
    /// The generated deck of term `n` of taxonomy `t`.
    AudienceSlides(usize, usize),
    /// `print.html`: the whole site on one page.
    Print,
    NotFound,
    Sitemap,
    SearchIndex,
    QaIndex,
}

/// The output path a job renders to (a job that does not apply may render nothing).
pub fn job_path(site: &Site, job: Job) -> Option<String> {
    Some(match job {
        Job::Node(n) => format!("{}index.html", site.nodes.get(n)?.url),
        Job::Slides(p) => format!("{}slides/index.html", site.pages.get(p)?.url),
        Job::AudienceSlides(t, n) => {
            format!(
                "{}slides/index.html",
                site.taxonomies.get(t)?.terms.get(n)?.url
            )
        }
        Job::Print => "print.html".into(),
        Job::NotFound => "404.html".into(),
        Job::Sitemap => "sitemap.xml".into(),
        Job::SearchIndex => "assets/search-index.js".into(),
        Job::QaIndex => "assets/qa-index.js".into(),
    })
}

/// Template variables, moved into a Tera context in one piece.
#[derive(Default)]
struct Vars(serde_json::Map<String, Value>);

impl Vars {
    fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.0.insert(key.to_string(), value.into());
    }

    fn into_context(self) -> Context {
        // An object always makes a context.
        Context::from_value(Value::Object(self.0)).unwrap_or_default()
    }
}

/// A stage's own fields, on its page and in the print view.
fn stage_fields(value: &mut Value, stage: &crate::source::Stage) {
    value["stage"] = json!(stage.stage);
    value["effort"] = json!(stage.effort);
    value["goals"] = json!(stage.goals);
}

/// Writes a file into the staging folder; what the output keeps of it.
fn stage(staging: &Staging, path: &str, blob: &Blob) -> Result<Blob, Diagnostic> {
    staging
        .write(path, blob)
        .map(|()| Blob::Written)
        .map_err(|e| Diagnostic::error(path, 0, 0, format!("cannot write the build folder ({e})")))
}

/// Where the logo lands in the output: files from `static/` keep their place below it.
fn logo_url(logo: &Path) -> String {
    let text = display_path(logo);
    match text.strip_prefix("static/") {
        Some(rest) => rest.to_string(),
        None => format!(
            "assets/brand/{}",
            logo.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
    }
}

/// Relative `href`/`src` values written for a page one folder up (a deck's slides live
/// in `slides/` below its page).
fn rebase(html: &str) -> String {
    markdown::rewrite_relative(html, |link| format!("../{link}"))
}

/// Relative links of a page rebased to the print page at the root.
fn rebase_print(html: &str, url: &str) -> String {
    markdown::rebase_html(html, url, "")
}

/// Relative links of an argument made root-relative for the Q&A slide; the deck runtime
/// prefixes them with the deck's own way to the root.
fn rebase_qa(html: &str, url: &str) -> String {
    markdown::rebase_html(html, url, "")
}

fn copy_tree(dir: &Path, prefix: &str, output: &mut Output, keep: &dyn Fn(&Path) -> bool) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() && keep(entry.path()) {
            if let Ok(rel) = entry.path().strip_prefix(dir) {
                output.insert(
                    format!("{prefix}{}", display_path(rel)),
                    Blob::Copy(entry.path().to_path_buf()),
                );
            }
        }
    }
}

/// The shortcode side of Markdown rendering: URLs of pages and the theme's templates.
pub struct SiteEnv<'a> {
    pub renderer: &'a Renderer<'a>,
}

const CALLOUT_KINDS: [&str; 3] = ["tip", "warning", "note"];

impl Env for SiteEnv<'_> {
    fn page_url(&self, rel: &str) -> Option<&str> {
        let site = self.renderer.site;
        site.by_rel.get(rel).map(|&i| site.pages[i].url.as_str())
    }

    fn shortcode(&self, call: &Call, body: Option<&str>, page_url: &str) -> Result<String, String> {
        let r = self.renderer;
        let name = call.name.as_str();
        if !r.theme.has_shortcode(name) {
            let known: Vec<&str> = r
                .theme
                .files
                .keys()
                .filter_map(|k| k.strip_prefix("shortcodes/")?.strip_suffix(".html"))
                .collect();
            return Err(format!(
                "unknown shortcode '{name}' (known: {})",
                known.join(", ")
            ));
        }
        let mut context = r.base_context(page_url);
        for (key, value) in &call.args {
            context.insert(key.as_str(), value);
        }
        context.insert("body", &body.unwrap_or_default());
        context.insert(
            "uid",
            &format!("{}{}", crate::slug::slugify(page_url), call.span.start),
        );
        let allowed: &[&str] = match name {
            "callout" => {
                let kind = text_arg(call, "kind")?.unwrap_or("note");
                if !CALLOUT_KINDS.contains(&kind) {
                    return Err(format!(
                        "callout kind '{kind}' is not one of {}",
                        CALLOUT_KINDS.join(", ")
                    ));
                }
                context.insert("kind", kind);
                context.insert("title", &text_arg(call, "title")?);
                &["kind", "title"]
            }
            "argument" | "case" => {
                let path = text_arg(call, "path")?.ok_or_else(|| {
                    format!("shortcode '{name}' needs path=\"…\" (relative to the content folder)")
                })?;
                let clean = crate::site::content_path(path);
                let &p = r
                    .site
                    .by_rel
                    .get(clean)
                    .ok_or_else(|| format!("shortcode '{name}': no content file '{path}'"))?;
                let expected = if name == "argument" {
                    Kind::Argument
                } else {
                    Kind::Case
                };
                if r.site.pages[p].kind() != expected {
                    return Err(format!(
                        "shortcode '{name}': '{path}' is a {}, not a {}",
                        r.site.pages[p].kind().name(),
                        expected.name()
                    ));
                }
                let item = if name == "case" {
                    r.case_value(p)
                } else {
                    r.page_link(p)
                };
                context.insert("item", &item);
                &["path"]
            }
            "video" => {
                let provider = text_arg(call, "provider")?.unwrap_or("youtube");
                let id = text_arg(call, "id")?.ok_or("shortcode 'video' needs id=\"…\"")?;
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return Err(format!(
                        "video id '{id}' may only hold letters, digits, '-' and '_'"
                    ));
                }
                let embed = match provider {
                    "youtube" => format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
                    "vimeo" => format!("https://player.vimeo.com/video/{id}?autoplay=1&dnt=1"),
                    other => {
                        return Err(format!("video provider '{other}' is not youtube or vimeo"));
                    }
                };
                let host = if provider == "youtube" {
                    "YouTube"
                } else {
                    "Vimeo"
                };
                context.insert("provider", provider);
                context.insert("host", host);
                context.insert("embed", &embed);
                context.insert("title", &text_arg(call, "title")?.unwrap_or(host));
                &["provider", "id", "title"]
            }
            "checklist" => {
                context.insert("title", &text_arg(call, "title")?);
                &["title"]
            }
            "quiz" => {
                let question =
                    text_arg(call, "question")?.ok_or("shortcode 'quiz' needs question=\"…\"")?;
                let options: Vec<&str> = match call.args.get("options") {
                    Some(Arg::List(items)) => items
                        .iter()
                        .map(|i| i.as_text().ok_or("quiz options must be text"))
                        .collect::<Result<_, _>>()?,
                    _ => return Err("shortcode 'quiz' needs options=[\"…\", \"…\"]".into()),
                };
                if options.len() < 2 {
                    return Err("a quiz needs at least two options".into());
                }
                let answer = match call.args.get("answer") {
                    Some(Arg::Int(n)) if *n >= 1 && (*n as usize) <= options.len() => *n,
                    _ => {
                        return Err(format!(
                            "quiz answer must be a number from 1 to {} (counting the options from 1)",
                            options.len()
                        ));
                    }
                };
                context.insert("question", question);
                context.insert("options", &options);
                context.insert("answer", &answer);
                &["question", "options", "answer"]
            }
            _ => &[],
        };
        if !allowed.is_empty() {
            if let Some(unknown) = call.args.keys().find(|k| !allowed.contains(&k.as_str())) {
                let hint = crate::diag::nearest(unknown, allowed.iter().copied())
                    .map(|n| format!(" (did you mean '{n}'?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "shortcode '{name}' has no argument '{unknown}'{hint}"
                ));
            }
        }
        r.theme
            .tera
            .render(&format!("shortcodes/{name}.html"), &context)
            .map_err(|e| {
                let d = template_diagnostic(Path::new(&format!("shortcodes/{name}.html")), &e);
                format!("shortcode '{name}': {}", d.message)
            })
    }
}

fn text_arg<'c>(call: &'c Call, key: &str) -> Result<Option<&'c str>, String> {
    match call.args.get(key) {
        None => Ok(None),
        Some(Arg::Text(text)) => Ok(Some(text)),
        Some(_) => Err(format!(
            "argument '{key}' of shortcode '{}' must be text in quotes",
            call.name
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_are_rebased_and_others_kept() {
        let html = "<a href=\"../a/index.html\">x</a><img src=\"bild.png\"><a href=\"#t\">t</a><a href=\"https://x.org\">w</a>";
        let out = rebase(html);
        assert!(out.contains("href=\"../../a/index.html\""));
        assert!(out.contains("src=\"../bild.png\""));
        assert!(out.contains("href=\"#t\"") && out.contains("href=\"https://x.org\""));
        assert_eq!(
            rebase_print("<a href=\"../b/index.html\">", "a/x/"),
            "<a href=\"a/b/index.html\">"
        );
    }
}
