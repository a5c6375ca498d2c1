//! Incremental rebuilds for `serve`: the last good model and output of a project, and
//! the smallest re-render an edit needs.
//!
//! An edit that changes only the Markdown body of a page (its front matter the same,
//! byte for byte) cannot move a URL, a title, a listing or the navigation, so only the
//! files that show that body are rendered again:
//! - the page itself, and its slides if it is a deck ([`Project::update`]);
//! - decks that expand it (`{{ argument(path=…) }}` alone on a slide) and their pages,
//!   the generated audience decks that list it or that it introduces, the roadmap if
//!   it is a stage, and the whole-site files: `print.html`, the search index and the
//!   Q&A index ([`Project::finish`], which `serve` runs after telling open pages to
//!   reload, holding back requests for exactly those files until they are done).
//!
//! An edit to the front matter that keeps the page's URL and kind rebuilds the model
//! from the sources in memory and compares its navigation with the last one, page by
//! page (by URL). Then the page is rendered first; after the signal come the Markdown
//! of pages naming it in a shortcode, its parent's listing, its neighbours, its terms
//! (before and after) with their indexes and decks, arguments citing it as evidence,
//! and, for a new title or weight, every page below its parent (their navigation and
//! breadcrumbs show it) and every page whose pager changed. A new title of a top-level
//! entry or a renamed term reaches every page: the whole pipeline runs.
//!
//! A copied file (`static/`, pictures beside the Markdown) that keeps its place is
//! read again, nothing rendered. Everything else — new, deleted or renamed files, a
//! new slug or kind, `book.toml`, the theme — runs the whole pipeline again. Either
//! way the output is byte for byte what a fresh `buyin build` produces; the tests hold
//! it to that.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::reach::{
    Reach, affected_jobs, keeps_its_place, listing_jobs, navigation_changes, same_front_matter,
};
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::markdown::{self, Rendered};
use crate::output::{Blob, Output, Staging};
use crate::render::{Caches, Job, Renderer, SiteEnv};
use crate::site::Site;
use crate::source::{self, Kind, Source};
use crate::{BuildOptions, Generated};

/// A project kept in memory between edits.
pub struct Project {
    root: PathBuf,
    options: BuildOptions,
    model: Generated,
    /// Content files (relative to the content folder) changed since the last good
    /// update; a failed update keeps them for the next one.
    pending: BTreeSet<String>,
    /// A change that needs the whole pipeline has not been applied yet.
    stale: bool,
    /// Copied files may have changed unseen (the watcher lost events): the next full
    /// run reports them all as changed, so they are copied again.
    recopy: bool,
    /// Jobs left for [`Project::finish`].
    deferred: BTreeSet<Job>,
    /// What the whole-site files took from each page, reused for unchanged pages.
    caches: Caches,
    /// Which pages link to or expand which, for the current model.
    reach: Reach,
}

/// What an update did.
#[derive(Debug, Default, PartialEq)]
pub struct Update {
    /// Output paths whose bytes changed, that appeared or that went away, sorted.
    pub changed: Vec<String>,
    /// Output paths that [`Project::finish`] renders again, sorted.
    pub deferred: Vec<String>,
    /// Whether the whole pipeline ran.
    pub full: bool,
}

/// How to apply the pending content changes.
enum Plan {
    /// Only bodies changed: (page index, its new source).
    Bodies(Vec<(usize, Source)>),
    /// Front matter changed too, but no page moved, appeared, vanished or was renamed
    /// in the navigation: (page index, its new source).
    Fronts(Vec<(usize, Source)>),
    /// Anything else.
    Full,
}

impl Project {
    /// Runs the whole pipeline once.
    pub fn load(root: &Path, options: &BuildOptions) -> Result<Project, Diagnostics> {
        let caches = Caches::default();
        let model = crate::generate_model_cached(root, options, &caches)?;
        Ok(Project::of(root, options, model, caches))
    }

    /// Runs the whole pipeline once, writing each rendered file into `staging` as it
    /// is rendered: the output keeps their digests and reads them from there, or from
    /// the folder [`Project::stored_in`] names once `staging` is published.
    pub fn load_staged(
        root: &Path,
        options: &BuildOptions,
        staging: &Staging,
    ) -> Result<Project, Diagnostics> {
        let caches = Caches::default();
        let model = crate::generate_model_staged(root, options, &caches, staging)?;
        Ok(Project::of(root, options, model, caches))
    }

    fn of(root: &Path, options: &BuildOptions, model: Generated, caches: Caches) -> Project {
        Project {
            root: root.to_path_buf(),
            options: options.clone(),
            pending: BTreeSet::new(),
            stale: false,
            recopy: false,
            deferred: BTreeSet::new(),
            caches,
            reach: Reach::of(&model.site),
            model,
        }
    }

    /// The current model and output.
    pub fn model(&self) -> &Generated {
        &self.model
    }

    /// `folder` holds the whole output as it is now: the rendered files held in memory
    /// leave it, and are read from there ([`Blob::Stored`]).
    pub fn stored_in(&mut self, folder: &Path) {
        self.model.output.stored_in(folder);
    }

    /// Applies changed project files (paths relative to the project root). On errors
    /// the model and output stay as they were, and the changes are retried with the
    /// next update.
    pub fn update(&mut self, touched: &[PathBuf]) -> Result<Update, Diagnostics> {
        let src = self.model.config.src.clone();
        for path in touched {
            match path.strip_prefix(&src) {
                Ok(rel) if rel.extension().is_some_and(|e| e == "md") => {
                    self.pending.insert(display_path(rel));
                }
                _ if self.copied_to(path).is_some() => {}
                _ => self.stale = true,
            }
        }
        let mut update = match self.plan()? {
            Plan::Full => self.rerun()?,
            Plan::Bodies(edits) => self.apply_bodies(edits)?,
            Plan::Fronts(edits) => self.apply_fronts(edits)?,
        };
        // Content Markdown is rendered, never copied: only other files are looked up
        // among the copies (which reads the whole output's list).
        let page = |path: &PathBuf| {
            path.strip_prefix(&src)
                .is_ok_and(|rel| rel.extension().is_some_and(|e| e == "md"))
        };
        for path in touched.iter().filter(|path| !page(path)) {
            update
                .changed
                .extend(self.copied_to(path).unwrap_or_default());
        }
        update.changed.sort();
        update.changed.dedup();
        Ok(update)
    }

    /// Makes the next update run the whole pipeline (after the watcher lost events).
    pub fn invalidate(&mut self) {
        self.stale = true;
        self.recopy = true;
    }

    /// Renders what the last update deferred; returns the output paths that changed.
    /// Should a template fail here, the next update runs the whole pipeline.
    pub fn finish(&mut self) -> Result<Vec<String>, Diagnostics> {
        let jobs: Vec<Job> = std::mem::take(&mut self.deferred).into_iter().collect();
        let mut diags = Diagnostics::default();
        let files = self.render(&jobs, &mut diags);
        if diags.has_errors() {
            self.stale = true;
            return Err(diags);
        }
        Ok(store(&mut self.model.output, files))
    }

    /// Output paths of the files a copied project file lands in, if it is one and
    /// still exists.
    fn copied_to(&self, path: &Path) -> Option<Vec<String>> {
        let source = self.root.join(path);
        if !source.is_file() {
            return None;
        }
        let targets: Vec<String> = self
            .model
            .output
            .files
            .iter()
            .filter(|(_, blob)| matches!(blob, Blob::Copy(from) if *from == source))
            .map(|(path, _)| path.clone())
            .collect();
        (!targets.is_empty()).then_some(targets)
    }

    /// Reads the pending content files and decides how to apply them.
    fn plan(&self) -> Result<Plan, Diagnostics> {
        if self.stale {
            return Ok(Plan::Full);
        }
        let config = &self.model.config;
        let site = &self.model.site;
        let drafts = self.options.drafts || config.drafts;
        let mut edits = Vec::new();
        let mut fronts = false;
        let mut diags = Diagnostics::default();
        for rel in &self.pending {
            let path = config.src.join(rel);
            let file = self.root.join(&path);
            let known = site.by_rel.get(rel).copied();
            if file.is_dir() {
                return Ok(Plan::Full);
            }
            let bytes = match std::fs::read(&file) {
                Ok(bytes) => bytes,
                // Deleted: a page leaves the site; a draft or a non-page was never in it.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => match known {
                    Some(_) => return Ok(Plan::Full),
                    None => continue,
                },
                Err(e) => {
                    diags.push(Diagnostic::coded_error(
                        &path,
                        0,
                        0,
                        "cannot-read-file",
                        &[("error", &e.to_string())],
                    ));
                    continue;
                }
            };
            // Saved without a change (or touched): nothing to do.
            if known.is_some_and(|p| site.pages[p].source.text.as_bytes() == bytes.as_slice()) {
                continue;
            }
            match source::parse(path, rel.clone(), bytes, config) {
                Err(errors) => diags.extend(errors),
                Ok(source) => match (known, drafts || !source.front.draft) {
                    (None, false) => {}
                    (Some(p), true) if same_front_matter(&site.pages[p].source, &source) => {
                        edits.push((p, source));
                    }
                    (Some(p), true) if keeps_its_place(&site.pages[p], &source) => {
                        fronts = true;
                        edits.push((p, source));
                    }
                    _ => return Ok(Plan::Full),
                },
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(if fronts {
            Plan::Fronts(edits)
        } else {
            Plan::Bodies(edits)
        })
    }

    /// Runs the whole pipeline and compares its output with the previous one.
    fn rerun(&mut self) -> Result<Update, Diagnostics> {
        let model = crate::generate_model_cached(&self.root, &self.options, &self.caches)?;
        let old = std::mem::replace(&mut self.model, model);
        self.reach = Reach::of(&self.model.site);
        let new = &self.model.output.files;
        let mut changed: Vec<String> = new
            .iter()
            .filter(|(path, blob)| {
                old.output.files.get(*path) != Some(blob)
                    || self.recopy && matches!(blob, Blob::Copy(_))
            })
            .map(|(path, _)| path.clone())
            .collect();
        changed.extend(
            old.output
                .files
                .keys()
                .filter(|path| !new.contains_key(*path))
                .cloned(),
        );
        self.pending.clear();
        self.stale = false;
        self.recopy = false;
        self.deferred.clear();
        Ok(Update {
            changed,
            deferred: Vec::new(),
            full: true,
        })
    }

    /// Re-renders the edited bodies and the page of each; defers the other files that
    /// show them.
    fn apply_bodies(&mut self, edits: Vec<(usize, Source)>) -> Result<Update, Diagnostics> {
        if edits.is_empty() {
            self.pending.clear();
            return Ok(Update::default());
        }
        let mut rendered: Vec<Rendered> = {
            let model = &self.model;
            let renderer = Renderer::new(&model.site, &model.config, &model.theme);
            let env = SiteEnv {
                renderer: &renderer,
            };
            edits
                .par_iter()
                .map(|(p, source)| {
                    let input = markdown::Input {
                        text: source.body(),
                        rel: &source.rel,
                        url: &model.site.pages[*p].url,
                        reserved: model.site.pages[*p].reserved,
                    };
                    markdown::render(&input, &env)
                })
                .collect()
        };
        let mut diags = Diagnostics::default();
        for ((_, source), rendered) in edits.iter().zip(&mut rendered) {
            diags.extend(rendered.locate(source));
        }
        if diags.has_errors() {
            return Err(diags);
        }

        let mut previous = Vec::new();
        for ((p, source), rendered) in edits.into_iter().zip(rendered) {
            let page = &mut self.model.site.pages[p];
            let source = std::mem::replace(&mut page.source, source);
            let rendered = std::mem::replace(&mut page.rendered, rendered);
            previous.push((p, source, rendered));
        }
        let edited: Vec<usize> = previous.iter().map(|(p, ..)| *p).collect();
        let site = &self.model.site;
        let linking = self.reach.linking_pages(site, &edited);
        let output = &self.model.output;
        diags.extend(site.check_links_of(linking, &|path| output.contains(path)));
        let (now, later) = affected_jobs(site, &self.reach, &edited);
        let mut files = Vec::new();
        if !diags.has_errors() {
            files = self.render(&now, &mut diags);
        }
        if diags.has_errors() {
            for (p, source, rendered) in previous {
                let page = &mut self.model.site.pages[p];
                page.source = source;
                page.rendered = rendered;
            }
            return Err(diags);
        }
        for (p, _, rendered) in &previous {
            self.reach.replaced(&self.model.site, *p, rendered);
        }
        Ok(self.commit(files, later))
    }

    /// Applies edits that changed front matter but kept every page's URL and kind:
    /// builds the model again from the sources in memory, re-renders the Markdown of
    /// the edited pages and of pages that name them in a shortcode, and the files that
    /// show them. Should the change reach every page (a term renamed, a top-level title),
    /// the whole pipeline runs instead.
    fn apply_fronts(&mut self, edits: Vec<(usize, Source)>) -> Result<Update, Diagnostics> {
        // Deferred jobs name nodes by index, which the new model may number otherwise.
        if !self.deferred.is_empty() {
            self.finish()?;
        }
        let old = &self.model.site;
        let edited: Vec<usize> = edits.iter().map(|(p, _)| *p).collect();
        let mut sources: Vec<Source> = old.pages.iter().map(|page| page.source.clone()).collect();
        for (p, source) in edits {
            sources[p] = source;
        }
        let mut site = crate::site::build(&self.model.config, sources)?;
        let Some(moved) = navigation_changes(old, &site) else {
            return self.rerun();
        };
        let rels: Vec<&str> = edited
            .iter()
            .map(|&p| site.pages[p].source.rel.as_str())
            .collect();
        // A shortcode names its page by content path (a string argument, in which
        // `\/` stands for `/`); a page whose text holds that path may show the
        // page's front matter in a card.
        let escaped: Vec<String> = rels.iter().map(|rel| rel.replace('/', "\\/")).collect();
        let rerender: Vec<usize> = (0..site.pages.len())
            .filter(|p| {
                let body = site.pages[*p].source.body();
                edited.contains(p)
                    || rels.iter().any(|rel| body.contains(rel))
                    || escaped.iter().any(|rel| body.contains(rel.as_str()))
            })
            .collect();
        let mut rendered: Vec<(usize, Rendered)> = {
            let model = &self.model;
            let renderer = Renderer::new(&site, &model.config, &model.theme);
            let env = SiteEnv {
                renderer: &renderer,
            };
            rerender
                .par_iter()
                .map(|&p| (p, markdown::render(&site.pages[p].markdown_input(), &env)))
                .collect()
        };
        let mut diags = Diagnostics::default();
        for (p, rendered) in &mut rendered {
            diags.extend(rendered.locate(&site.pages[*p].source));
        }
        if diags.has_errors() {
            return Err(diags);
        }
        // The other pages keep their Markdown: moved over, and moved back on failure.
        move_markdown(&mut self.model.site, &mut site);
        let mut replaced = Vec::new();
        for (p, rendered) in rendered {
            replaced.push((p, std::mem::replace(&mut site.pages[p].rendered, rendered)));
        }
        let reach = Reach::of(&site);
        let output = &self.model.output;
        diags.extend(
            site.check_links_of(reach.linking_pages(&site, &edited), &|path| {
                output.contains(path)
            }),
        );
        if diags.has_errors() {
            give_back(&mut site, &mut self.model.site, replaced);
            return Err(diags);
        }

        let (mut now, mut later) = affected_jobs(&site, &reach, &rerender);
        now.retain(|job| !matches!(job, Job::Node(n) if !edited.iter().any(|&p| site.by_url.get(&site.pages[p].url) == Some(n))));
        let mut shows: BTreeSet<Job> = later.drain(..).collect();
        for &p in &rerender {
            let page = &site.pages[p];
            shows.extend(site.by_url.get(&page.url).map(|&n| Job::Node(n)));
            if page.kind() == Kind::Deck {
                shows.insert(Job::Slides(p));
            }
        }
        shows.extend(listing_jobs(&self.model.site, &site, &edited));
        shows.extend(moved.into_iter().map(Job::Node));
        // New titles and weights reach the print view's index and the order of its
        // parts: all of it is printed again.
        shows.extend(crate::render::print_jobs(&site));
        // Any argument's title, objection or terms may be among the new front matter.
        shows.insert(Job::QaIndex);
        for job in &now {
            shows.remove(job);
        }
        later = shows.into_iter().collect();

        let mut old_site = std::mem::replace(&mut self.model.site, site);
        let old_warnings =
            std::mem::replace(&mut self.model.warnings, self.model.site.warnings.clone());
        let files = self.render(&now, &mut diags);
        if diags.has_errors() {
            give_back(&mut self.model.site, &mut old_site, replaced);
            self.model.site = old_site;
            self.model.warnings = old_warnings;
            return Err(diags);
        }
        self.reach = reach;
        Ok(self.commit(files, later))
    }

    /// Puts the files rendered now in place and keeps the jobs for later.
    fn commit(&mut self, files: Vec<Fresh>, later: Vec<Job>) -> Update {
        let changed = store(&mut self.model.output, files);
        self.deferred.extend(later);
        self.pending.clear();
        let deferred = self
            .deferred
            .iter()
            .filter_map(|job| self.reach.print.job_path(&self.model.site, *job))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        Update {
            changed,
            deferred,
            full: false,
        }
    }

    /// Renders `jobs` in parallel; returns the files that changed, each compared with
    /// the output as soon as it is rendered, so that only those stay in memory
    /// (packed). Failures go to `diags`.
    fn render(&self, jobs: &[Job], diags: &mut Diagnostics) -> Vec<Fresh> {
        let model = &self.model;
        let renderer =
            Renderer::new(&model.site, &model.config, &model.theme).with_caches(&self.caches);
        let results: Vec<Result<Vec<Fresh>, _>> = jobs
            .par_iter()
            .map(|job| {
                let files = renderer.render_job(job)?;
                Ok(compare(&model.output, files))
            })
            .collect();
        let mut files = Vec::new();
        for result in results {
            match result {
                Ok(fresh) => files.extend(fresh),
                Err(diagnostic) => diags.push(diagnostic),
            }
        }
        // A folder of files whose job left some out: those it no longer has went.
        for (folder, now) in jobs.iter().filter_map(|job| self.caches.family(job)) {
            let gone = model
                .output
                .files
                .keys()
                .filter(|path| path.starts_with(folder) && !now.contains(path.as_str()));
            files.extend(gone.map(|path| (path.clone(), Change::Gone)));
        }
        files
    }
}

/// Moves every page's rendered Markdown from one model to another of the same pages.
fn move_markdown(from: &mut Site, to: &mut Site) {
    for (page, into) in from.pages.iter_mut().zip(&mut to.pages) {
        into.rendered = std::mem::take(&mut page.rendered);
    }
}

/// Undoes a failed front-matter update: the pages re-rendered in `replaced` get their
/// Markdown back, and all of it returns to the model it was moved from.
fn give_back(site: &mut Site, old: &mut Site, replaced: Vec<(usize, Rendered)>) {
    for (p, rendered) in replaced {
        site.pages[p].rendered = rendered;
    }
    move_markdown(site, old);
}

/// A file a render changed: its output path and what became of it.
type Fresh = (String, Change);

/// What became of a file a render changed.
enum Change {
    /// New bytes, packed.
    New(Blob),
    /// It is no longer part of the site.
    Gone,
}

/// The files of `files` whose bytes `output` does not hold yet. Most files of a
/// whole-site job (the search index's shards) come out as they were: comparing
/// digests is cheaper than packing the new bytes, which only the changed files need.
fn compare(output: &Output, files: Vec<(String, Vec<u8>)>) -> Vec<Fresh> {
    files
        .into_par_iter()
        .filter(|(path, bytes)| !output.files.get(path).is_some_and(|old| old.holds(bytes)))
        .map(|(path, bytes)| (path, Change::New(Blob::packed(&bytes))))
        .collect()
}

/// Puts the changed files into `output` and takes the gone ones out; returns the
/// paths of both.
fn store(output: &mut Output, files: Vec<Fresh>) -> Vec<String> {
    let mut changed = Vec::new();
    for (path, change) in files {
        match change {
            Change::New(blob) => output.insert(path.clone(), blob),
            Change::Gone => {
                output.files.remove(&path);
            }
        }
        changed.push(path);
    }
    changed.sort();
    changed
}
