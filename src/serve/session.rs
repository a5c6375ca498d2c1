//! The rebuild side of `serve`: keeps the project in memory and the build folder in step
//! with it, swaps the served snapshot and tells open pages after every change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use super::Report;
use super::http::url_of;
use super::project::{Project, Update};
use super::state::{Signal, Snapshot, State};
use super::watch::Layout;
use crate::BuildOptions;
use crate::catalog::Catalog;
use crate::diag::Diagnostic;
use crate::output::{self, Output};

/// How many changed URLs to name after a rebuild.
const URLS_SHOWN: usize = 8;

/// The rebuild side of the server: keeps the project in memory, the build folder in
/// step with it, and tells open pages.
pub(super) struct Session {
    root: PathBuf,
    build: BuildOptions,
    pub(super) report: Arc<dyn Report>,
    pub(super) layout: Layout,
    /// The last good build; `None` until one succeeds.
    project: Option<Project>,
    /// The folder the last good output was written to.
    written: Option<PathBuf>,
    /// Held while files are written; see [`Writes`].
    pub(super) writes: Arc<Mutex<Writes>>,
    /// The language the terminal and the error overlay speak.
    pub(super) catalog: Catalog,
}

/// Whether the build folder may still be written. The server stops by returning from
/// [`super::serve`], which may end the process in the middle of a rebuild; it first
/// takes this lock and marks it stopped, so that no file is ever left half-written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Writes {
    Open,
    Stopped,
}

impl Session {
    /// A session that has built nothing yet; its layout comes from `book.toml` (or the
    /// defaults when that does not load), so the watcher can start before the build.
    pub(super) fn new(root: &Path, build: BuildOptions, report: Arc<dyn Report>) -> Self {
        let layout = crate::config::load(root)
            .ok()
            .map(|config| Layout {
                build_dir: build.dest.clone().unwrap_or(config.build_dir.clone()),
                src: config.src,
            })
            .unwrap_or_default();
        Session {
            root: root.to_path_buf(),
            build,
            report,
            layout,
            project: None,
            written: None,
            writes: Arc::new(Mutex::new(Writes::Open)),
            catalog: Catalog::for_book(&root.join(crate::config::CONFIG_FILE)),
        }
    }

    /// Forgets what the project knows of its files: the watcher lost track of them.
    pub(super) fn invalidate(&mut self) {
        if let Some(project) = &mut self.project {
            project.invalidate();
        }
    }

    /// Applies `touched` project paths (relative; empty for the first build), swaps the
    /// snapshot and signals open pages; then renders what the update deferred.
    pub(super) fn rebuild(&mut self, state: &State, touched: &BTreeSet<PathBuf>, first: bool) {
        let started = Instant::now();
        let touched: Vec<PathBuf> = touched.iter().cloned().collect();
        let result = self.update(&touched);
        let elapsed = started.elapsed().as_millis();
        let before = state.current();
        let (update, dir) = match result {
            Ok(done) => done,
            Err(diags) => return self.report_errors(state, &before, diags.sorted(), first),
        };
        let Some(project) = &self.project else { return };
        let model = project.model();
        if update.full {
            self.report.diagnostics(&model.warnings);
        }
        self.layout = Layout {
            src: model.config.src.clone(),
            build_dir: dir.strip_prefix(&self.root).unwrap_or(&dir).to_path_buf(),
        };
        let Some(output) = self.write(&dir, &update.changed) else {
            return;
        };
        let was_broken = !before.errors.is_empty();
        let pending: BTreeSet<String> = update.deferred.iter().cloned().collect();
        let version = state.swap(Some(output), Vec::new(), pending);
        let c = &self.catalog;
        let ms = elapsed.to_string();
        if first {
            // Counting reads every page: only the first build reports it.
            let (pages, decks) = self.project.as_ref().map_or((0, 0), |p| p.model().counts());
            self.report.info(&c.text(
                "serve.built",
                &[
                    ("pages", &c.count("pages", pages, &[])),
                    ("decks", &c.count("decks", decks, &[])),
                    ("ms", &ms),
                ],
            ));
            return;
        }
        if update.changed.is_empty() && update.deferred.is_empty() && !was_broken {
            self.report
                .info(&c.text("serve.nothing-changed", &[("ms", &ms)]));
            return;
        }
        let css_only = !was_broken
            && update.deferred.is_empty()
            && update.changed.iter().all(|p| p.ends_with(".css"));
        let signal = if css_only {
            Signal::Css(version)
        } else {
            Signal::Reload(version)
        };
        let pages = state.broadcast(signal);
        let mut report = c.text("serve.rebuilt", &[("ms", &ms)]);
        if was_broken {
            report.push_str(&c.text("serve.errors-fixed", &[]));
        }
        if !update.changed.is_empty() {
            let urls: Vec<String> = update
                .changed
                .iter()
                .take(URLS_SHOWN)
                .map(|p| url_of(p))
                .collect();
            report.push_str(&c.text("serve.changed-pages", &[("urls", &urls.join(" "))]));
            if update.changed.len() > URLS_SHOWN {
                let more = (update.changed.len() - URLS_SHOWN).to_string();
                report.push_str(&c.text("serve.more", &[("n", &more)]));
            }
        }
        let key = if css_only {
            "serve.restyled"
        } else {
            "serve.reloaded"
        };
        report.push_str(&c.text(key, &[("pages", &c.count("pages", pages, &[]))]));
        self.report.info(&report);
        if !update.deferred.is_empty() {
            self.finish(state, &dir, update.deferred.len());
        }
    }

    /// Loads the project the first time (or until it first builds), else updates it;
    /// returns the update and the build folder.
    fn update(
        &mut self,
        touched: &[PathBuf],
    ) -> Result<(Update, PathBuf), crate::diag::Diagnostics> {
        let update = match &mut self.project {
            Some(project) => project.update(touched)?,
            None => {
                let project = self.load()?;
                // A project loaded into the build folder has nothing left to write.
                let changed = match self.written {
                    Some(_) => Vec::new(),
                    None => project.model().output.files.keys().cloned().collect(),
                };
                self.project = Some(project);
                Update {
                    changed,
                    deferred: Vec::new(),
                    full: true,
                }
            }
        };
        let Some(project) = &self.project else {
            return Err(crate::diag::Diagnostics::default());
        };
        let dir = crate::build_dir(&self.root, &project.model().config, &self.build).inspect_err(
            |_| {
                // The model moved on without the folder: write it whole next time.
                self.written = None;
            },
        )?;
        Ok((update, dir))
    }

    /// Loads the project the first time: into a staging folder that then replaces the
    /// build folder, as `buyin build` does, so that the output stays on disk and only
    /// its digests in memory. Where the folder cannot be written, into memory.
    fn load(&mut self) -> Result<Project, crate::diag::Diagnostics> {
        let staged = crate::config::load(&self.root)
            .ok()
            .and_then(|config| crate::build_dir(&self.root, &config, &self.build).ok())
            .and_then(|dir| Some((output::Staging::create(&dir).ok()?, dir)));
        let Some((staging, dir)) = staged else {
            return Project::load(&self.root, &self.build);
        };
        let mut project = match Project::load_staged(&self.root, &self.build, &staging) {
            Ok(project) => project,
            Err(diags) => {
                staging.discard();
                return Err(diags);
            }
        };
        let writes = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        if *writes == Writes::Stopped {
            staging.discard();
            return Ok(project);
        }
        match staging.publish() {
            Ok(()) => {
                project.stored_in(&dir);
                self.written = Some(dir);
                Ok(project)
            }
            Err(e) => {
                drop(writes);
                self.cannot_write(&dir, &e);
                // The staged files went with the staging folder.
                Project::load(&self.root, &self.build)
            }
        }
    }

    /// Renders the files the last update deferred and puts them in place.
    fn finish(&mut self, state: &State, dir: &Path, count: usize) {
        let Some(project) = &mut self.project else {
            return;
        };
        let started = Instant::now();
        match project.finish() {
            Ok(changed) => {
                let Some(output) = self.write(dir, &changed) else {
                    return;
                };
                state.settle(output);
                let c = &self.catalog;
                self.report.info(&c.text(
                    "serve.finished",
                    &[
                        ("files", &c.count("files", count, &[])),
                        ("ms", &started.elapsed().as_millis().to_string()),
                    ],
                ));
            }
            Err(diags) => {
                let before = state.current();
                self.report_errors(state, &before, diags.sorted(), false);
            }
        }
    }

    /// Shows the errors of a failed update on the terminal and in every open page.
    fn report_errors(
        &self,
        state: &State,
        before: &Snapshot,
        errors: Vec<Diagnostic>,
        first: bool,
    ) {
        self.report.diagnostics(&errors);
        // The overlay shows them as the terminal does, in the project's language.
        let errors: Vec<Diagnostic> = errors.iter().map(|d| d.localized(&self.catalog)).collect();
        let count = self.catalog.count("errors", errors.len(), &[]);
        let key = if before.output.is_some() {
            "serve.failed-serving-last"
        } else {
            "serve.failed-no-site"
        };
        self.report
            .notice(&self.catalog.text(key, &[("errors", &count)]));
        let unchanged = errors == before.errors;
        let version = state.swap(before.output.clone(), errors, BTreeSet::new());
        if !unchanged && !first {
            state.broadcast(Signal::Reload(version));
        }
    }

    /// Brings the build folder in line with the project's output: the whole folder the
    /// first time (or when it moved or went), else only the `changed` paths; then the
    /// rendered files it holds leave memory. Returns the output to serve.
    fn write(&mut self, dir: &Path, changed: &[String]) -> Option<Arc<Output>> {
        let writes = Arc::clone(&self.writes);
        let writes = writes.lock().unwrap_or_else(PoisonError::into_inner);
        let project = self.project.as_mut()?;
        if *writes == Writes::Stopped {
            return Some(Arc::new(project.model().output.clone()));
        }
        let output = &project.model().output;
        let mut result = if self.written.as_deref() == Some(dir) && dir.is_dir() {
            output::write_changed(output, dir, changed)
        } else {
            output::publish(output, dir)
        };
        if result.is_err() && output.folder.is_some() {
            // Files the output reads from the folder may be gone with it (deleted while
            // serving): the whole pipeline runs again, into memory, and all of it is
            // written anew.
            project.invalidate();
            if project.update(&[]).is_ok() {
                result = output::publish(&project.model().output, dir);
            }
        }
        if result.is_ok() {
            project.stored_in(dir);
        }
        let output = Arc::new(project.model().output.clone());
        match result {
            Ok(()) => self.written = Some(dir.to_path_buf()),
            Err(e) => {
                self.written = None;
                self.cannot_write(dir, &e);
            }
        }
        Some(output)
    }

    fn cannot_write(&self, dir: &Path, e: &std::io::Error) {
        self.report.warn(&self.catalog.text(
            "serve.cannot-write",
            &[
                ("dir", &dir.display().to_string()),
                ("error", &e.to_string()),
            ],
        ));
    }
}
