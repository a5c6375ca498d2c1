//! The model -> files: one job per output file, rendered in parallel through Tera into
//! an in-memory [`Output`].
//!
//! Every link in a page is relative (`root` + root-relative URL + `index.html`), so the
//! site works from `file://`, a file share or any sub-path. This file holds the
//! [`Renderer`], the list of jobs and the files copied as they are; the values a page
//! template gets are built in `pages.rs` and `slides.rs`, the sidebar in `navigation.rs`,
//! the whole-site files (print view, sitemap, search and Q&A indexes) in `site_files.rs`,
//! and shortcodes render through the theme in `shortcodes.rs`.

mod navigation;
mod pages;
mod qa;
mod shortcodes;
mod site_files;
mod slides;

pub use shortcodes::SiteEnv;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::config::Config;
use crate::deck;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::markdown;
use crate::output::{Blob, Output, Staging};
use crate::search::SearchCache;
use crate::site::Site;
use crate::source::{Kind, KindData};
use crate::theme::{Theme, template_diagnostic};

use navigation::SidebarKey;

/// Everything rendering needs, shared by all jobs.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    pub theme: &'a Theme,
    /// Template contexts holding `config` and `strings`, shared by all jobs.
    contexts: Contexts,
    /// What whole-site files keep between renders (`serve`).
    caches: Option<&'a Caches>,
    /// Rendered sidebars: most pages of a large section show the same one.
    sidebars: Mutex<HashMap<SidebarKey, Arc<str>>>,
    /// Whether rendered files are held compressed, or by their digest once written to
    /// a staging folder (`serve`, see [`Blob::Packed`] and [`Blob::Stored`]).
    pack_output: bool,
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
            "brand": {"name": config.brand.name, "logo": logo, "primary": config.brand.primary, "accent": config.brand.accent, "palette": crate::brand::palette(&config.brand)},
            "slides": {"width": config.slides.width, "height": config.slides.height, "aspect": config.slides.aspect},
            "roadmap": {"path": config.roadmap.path, "title": config.roadmap.title},
            "accessibility": {
                "contact": config.accessibility.contact,
                "status": config.accessibility.status,
                // The statement's page, linked from every footer.
                "url": config.accessibility.statement.as_ref()
                    .and_then(|rel| site.by_rel.get(rel.as_str()))
                    .map(|&i| site.pages[i].url.clone()),
            },
        });
        let strings = serde_json::to_value(&theme.strings).unwrap_or(Value::Null);
        let mut shared = Vars::default();
        shared.set("config", config_value);
        shared.set("strings", strings);
        Renderer {
            site,
            config,
            theme,
            contexts: Contexts {
                shared: shared.into_context(),
                free: Mutex::default(),
            },
            caches: None,
            sidebars: Mutex::default(),
            pack_output: false,
        }
    }

    /// Lets the whole-site files reuse what they took from unchanged pages last time.
    pub fn with_caches(self, caches: &'a Caches) -> Self {
        Renderer {
            caches: Some(caches),
            ..self
        }
    }

    /// Holds the files [`Renderer::render`] renders compressed, or, when it writes
    /// them to a staging folder, by their digest only (`serve`).
    pub fn packing_output(self) -> Self {
        Renderer {
            pack_output: true,
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

    /// The variables of a template for the page at `url`, besides the shared `config`
    /// and `strings`; values are moved into the template context, never serialized a
    /// second time.
    fn base_vars(&self, url: &str) -> Vars {
        let mut vars = Vars::default();
        vars.set("root", crate::url::root_prefix(url));
        vars
    }

    /// Renders into bytes: what becomes a file needs no `String`, whose UTF-8 check
    /// would read every page (and every large deck) once more.
    fn render_vars(&self, name: &str, vars: Vars) -> Result<Vec<u8>, Diagnostic> {
        let mut bytes = Vec::new();
        let rendered = self
            .contexts
            .render(&self.theme.tera, name, vars, &mut bytes);
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
        let mut jobs = vec![Job::SearchIndex];
        jobs.extend(print_jobs(self.site));
        jobs.extend([Job::QaIndex, Job::NotFound, Job::Sitemap]);
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
        let results: Vec<Result<Vec<(String, Blob)>, Diagnostic>> = jobs
            .par_iter()
            // One job per task: a few jobs take far longer than the rest, and rayon's
            // default chunks would leave them queued behind each other on one core.
            .with_max_len(1)
            .map(|job| {
                let files = self.render_job(job)?;
                files
                    .into_iter()
                    .map(|(path, bytes)| match staging {
                        // `serve` answers from the folder: only the digest stays.
                        Some(staging) if self.pack_output => {
                            let digest = crate::output::digest(&bytes);
                            stage(staging, &path, &Blob::bytes(bytes))?;
                            Ok((path, Blob::Stored(digest)))
                        }
                        Some(staging) => {
                            let blob = Blob::bytes(bytes);
                            Ok((path.clone(), stage(staging, &path, &blob)?))
                        }
                        None if self.pack_output => Ok((path, Blob::packed(&bytes))),
                        None => Ok((path, Blob::bytes(bytes))),
                    })
                    .collect()
            })
            .collect();
        let mut output = Output::default();
        let mut diags = Diagnostics::default();
        for result in results {
            match result {
                Ok(files) => {
                    for (path, blob) in files {
                        output.insert(path, blob);
                    }
                }
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
        let project = (root, self.config.build_dir.as_path());
        // Dotfiles (`.gitkeep`, `.DS_Store`) and dot-folders are the tools', not the site's.
        let static_dir = root.join("static");
        copy_tree(project, &static_dir, "", &mut output, &|path| {
            !path
                .strip_prefix(&static_dir)
                .unwrap_or(path)
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        });
        copy_tree(
            project,
            &root.join(&self.config.src),
            "",
            &mut output,
            &|p| p.extension().is_none_or(|e| e != "md"),
        );
        if let Some(logo) = &self.config.brand.logo {
            if !logo.starts_with("static") {
                output.insert(logo_url(logo), Blob::Copy(root.join(logo)));
            }
        }
        if let Some(staging) = staging {
            // Assets and copied files: the few files not rendered above. `serve` keeps
            // them as they are: it still reads copies from the project.
            let written: Vec<Result<(String, Blob), Diagnostic>> = output
                .files
                .par_iter()
                .filter(|(_, blob)| !matches!(blob, Blob::Written | Blob::Stored(_)))
                .map(|(path, blob)| {
                    let written = stage(staging, path, blob)?;
                    Ok((
                        path.clone(),
                        if self.pack_output {
                            blob.clone()
                        } else {
                            written
                        },
                    ))
                })
                .collect();
            if self.pack_output {
                output.folder = Some(staging.path().to_path_buf());
            }
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

    /// Renders the files of one job.
    pub fn render_job(&self, job: &Job) -> JobResult {
        let Some(path) = job_path(self.site, *job) else {
            return Ok(Vec::new());
        };
        let text = match *job {
            Job::Node(n) => self.node_page(n)?,
            Job::Slides(p) => {
                let page = &self.site.pages[p];
                let KindData::Deck(meta) = &page.source.front.kind else {
                    return Ok(Vec::new());
                };
                let slides = deck::page_slides(self.site, p, &|key| self.string(key));
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
                // The generated deck's slides, and its handout beside them.
                let term = &self.site.taxonomies[t].terms[n];
                let slides =
                    deck::audience_slides(self.site, self.config, (t, n), &|key| self.string(key));
                let handout_url =
                    crate::export_plan::Target::audience(self.site, t, n).handout_url();
                let url = format!("{}slides/", term.url);
                let page =
                    self.slides_page(&url, &term.name, &slides, None, false, &handout_url)?;
                let handout = self.audience_handout((t, n), &slides)?;
                return Ok(vec![
                    (path, page),
                    (format!("{handout_url}index.html"), handout),
                ]);
            }
            Job::Print => self.print_main()?,
            Job::PrintPart(k) => self.print_part(k)?,
            Job::NotFound => {
                let mut vars = self.base_vars("");
                vars.set("sidebar", self.sidebar(None, "")?.as_ref());
                vars.set("page", json!({"title": self.string("not_found_title"), "url": "404.html", "kind": "page"}));
                // Inline, so the page keeps its look at any depth (see 404.html).
                let css = self.theme.files.get("static/site.css");
                let css = css
                    .map(|f| String::from_utf8_lossy(&f.bytes))
                    .unwrap_or_default();
                vars.set("site_css", css.as_ref());
                vars.set("root_path", root_path(&self.config.base_url));
                self.render_vars("404.html", vars)?
            }
            Job::Sitemap if self.config.base_url.is_empty() => return Ok(Vec::new()),
            Job::Sitemap => self.sitemap().into_bytes(),
            Job::SearchIndex => return Ok(self.search_index()),
            Job::QaIndex => return Ok(self.qa_files()),
        };
        Ok(vec![(path, text)])
    }
}

/// What the whole-site files took from each page, kept between renders so that after
/// an edit they read only the pages that changed (`serve`); keyed by the rendering a
/// value came from (see [`crate::markdown::Rendered::id`]).
#[derive(Default)]
pub struct Caches {
    /// What the search index found in each page.
    pub(crate) search: Mutex<SearchCache>,
    /// What the Q&A files took from each argument.
    pub(crate) answers: Mutex<qa::QaCache>,
}

impl Caches {
    /// For a job that renders a folder of files and leaves out those that stay as
    /// they were (the search index's shards, the Q&A parts): the folder, and the path
    /// of every file in it after the job's last render. A file of the folder that is
    /// not among them went.
    pub fn family(&self, job: &Job) -> Option<(&'static str, BTreeSet<String>)> {
        match job {
            Job::SearchIndex => {
                let search = self.search.lock().unwrap_or_else(PoisonError::into_inner);
                Some((
                    crate::search::SHARD_DIR,
                    search.shard_paths().iter().cloned().collect(),
                ))
            }
            Job::QaIndex => {
                let answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
                Some((qa::PART_DIR, answers.part_paths().collect()))
            }
            _ => None,
        }
    }
}

/// The rendered files of a job (path, bytes; none for a job that does not apply; the
/// first at [`job_path`]), or an error.
pub type JobResult = Result<Vec<(String, Vec<u8>)>, Diagnostic>;

/// One output file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    /// The page of navigation node `n`.
    Node(usize),
    /// The slides of content page `p` (a deck).
    Slides(usize),
    /// The generated deck of term `n` of taxonomy `t`.
    AudienceSlides(usize, usize),
    /// `print.html`: the whole site on one page, or the index of its parts.
    Print,
    /// Part `k` of a split print view (see [`print_jobs`]).
    PrintPart(usize),
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
        Job::Print => site_files::PRINT_PATH.into(),
        Job::PrintPart(k) => site_files::print_part_path(site, k)?,
        Job::NotFound => "404.html".into(),
        Job::Sitemap => "sitemap.xml".into(),
        Job::SearchIndex => crate::search::INDEX_PATH.into(),
        Job::QaIndex => qa::INDEX_PATH.into(),
    })
}

/// The jobs of the print view: `print.html` and, on a large site, its parts.
pub fn print_jobs(site: &Site) -> Vec<Job> {
    let parts = site_files::print_part_count(site);
    std::iter::once(Job::Print)
        .chain((0..parts).map(Job::PrintPart))
        .collect()
}

/// Which print files show which content pages, worked out once for a site model: the
/// print jobs an edit reaches are then found without walking the reading order.
#[derive(Debug, Default)]
pub struct PrintLayout {
    /// Each part file of a split print view: its path and the pages it prints. Empty
    /// when `print.html` holds every page.
    parts: Vec<(String, std::collections::HashSet<usize>)>,
}

impl PrintLayout {
    pub fn of(site: &Site) -> PrintLayout {
        PrintLayout {
            parts: site_files::print_part_pages(site).unwrap_or_default(),
        }
    }

    /// The print jobs whose files show one of `pages` (content pages, by index): on a
    /// large site only the parts that hold them, else `print.html`. A page's body
    /// shows only in its own entry; the index of a split print view lists titles and
    /// counts.
    pub fn jobs_showing(&self, pages: &std::collections::HashSet<usize>) -> Vec<Job> {
        if self.parts.is_empty() {
            return vec![Job::Print];
        }
        (0..self.parts.len())
            .filter(|&k| !self.parts[k].1.is_disjoint(pages))
            .map(Job::PrintPart)
            .collect()
    }

    /// [`job_path`], with the paths of print parts taken from the layout.
    pub fn job_path(&self, site: &Site, job: Job) -> Option<String> {
        match job {
            Job::PrintPart(k) => self.parts.get(k).map(|(path, _)| path.clone()),
            _ => job_path(site, job),
        }
    }
}

/// Template contexts that already hold what every template shares (`config`,
/// `strings`). A job borrows one, moves its own variables in, renders, and takes them
/// out again: the shared values are copied once per worker thread, not once per file.
struct Contexts {
    shared: Context,
    free: Mutex<Vec<Context>>,
}

impl Contexts {
    fn render(&self, tera: &Tera, name: &str, vars: Vars, out: &mut Vec<u8>) -> tera::Result<()> {
        let free = || self.free.lock().unwrap_or_else(PoisonError::into_inner);
        let mut context = free().pop().unwrap_or_else(|| self.shared.clone());
        let keys: Vec<String> = vars.0.keys().cloned().collect();
        context.extend(vars.into_context());
        let rendered = tera.render_to(name, &context, out);
        for key in &keys {
            // A variable of the job that hid a shared one gives it back.
            match self.shared.get(key) {
                Some(value) => context.insert(key.as_str(), value),
                None => {
                    context.remove(key);
                }
            }
        }
        free().push(context);
        rendered
    }
}

/// The first file ([`job_path`]) of the job that also renders `path`, when that job
/// renders several: the search index's shards, the Q&A answer parts.
pub fn rendered_with(path: &str) -> Option<&'static str> {
    if path.starts_with(crate::search::SHARD_DIR) {
        Some(crate::search::INDEX_PATH)
    } else if path.starts_with(qa::PART_DIR) {
        Some(qa::INDEX_PATH)
    } else {
        None
    }
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

/// Writes a file into the staging folder; what the output keeps of it.
fn stage(staging: &Staging, path: &str, blob: &Blob) -> Result<Blob, Diagnostic> {
    staging
        .write(path, blob)
        .map(|()| Blob::Written)
        .map_err(|e| {
            Diagnostic::coded_error(
                path,
                0,
                0,
                "cannot-write-build-folder",
                &[("error", &e.to_string())],
            )
        })
}

/// Where the logo lands in the output: files from `static/` keep their place below it.
/// The path of `base_url` ending in `/` (`https://x.org/schulung` -> `/schulung/`);
/// empty without one.
fn root_path(base_url: &str) -> String {
    let Some((_, rest)) = base_url.split_once("://") else {
        return String::new();
    };
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    format!("{}/", path.trim_end_matches('/'))
}

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

/// Copies every file below `dir` that `keep` accepts; links out of the project are
/// skipped (see [`crate::walk`]).
fn copy_tree(
    (root, build_dir): (&Path, &Path),
    dir: &Path,
    prefix: &str,
    output: &mut Output,
    keep: &dyn Fn(&Path) -> bool,
) {
    for path in crate::walk::files(root, dir, build_dir).files {
        if keep(&path) {
            if let Ok(rel) = path.strip_prefix(dir) {
                output.insert(
                    format!("{prefix}{}", display_path(rel)),
                    Blob::Copy(path.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{site_files::rebase_print, slides::rebase};

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
