//! buyin turns a folder of Markdown — objections with answers, best-practice cases,
//! talks and a roadmap — into a themed static site and offline slide decks.
//!
//! The pipeline is a closed chain of plain functions; a stage runs only if the one
//! before it had no errors, and nothing touches the build folder before the last:
//!
//! 1. [`config::load`]   `book.toml`, read once -> [`config::Config`]
//! 2. [`theme::load`]    embedded default theme + project overrides -> Tera templates,
//!    UI strings, shortcode argument rules
//! 3. [`source::load`]   `content/**/*.md` -> checked front matter (in parallel)
//! 4. [`site::build`]    URLs ([`url`]), [`site::taxonomy`], roadmap, navigation,
//!    duplicate URLs and evidence references
//! 5. [`markdown`]       every page's Markdown -> HTML blocks (in parallel): shortcodes
//!    expanded (calls found by [`shortcode`] grammar, checked against its rules, rendered
//!    by the theme), heading ids, links rewritten, code highlighted
//! 6. [`site::Site::check_links`] internal links and anchors
//! 7. [`render`]         one job per output file (in parallel) -> [`output::Output`]:
//!    pages, slides (assembled by [`deck`]), navigation, print view, sitemap, [`search`]
//! 8. [`export`]         when asked: the decks and files [`export_plan`] names, printed
//!    as tagged PDF by a browser and written as PowerPoint, into the staging folder
//! 9. [`output::publish`] staging folder, then an atomic swap into the build folder
//!
//! Beside the chain: [`diag`] (diagnostics), [`slug`], [`chart`] (metrics as SVG),
//! [`audit`] (external resources, for `check`), [`destination`] (the build folder
//! guard), [`scaffold`] (`init`, `new`).
//!
//! [`serve`] keeps the result in memory: an edit to a page re-renders that page and the
//! files that show it, a structural change runs stages 1–7 again, and only changed files
//! reach the build folder. `serve` depends on the pipeline, never the other way round.
//!
//! The library never prints and never exits: builds return diagnostics, `serve` speaks
//! through [`serve::Report`], and the command line (`main.rs`) is the one place that
//! writes to the terminal.

pub mod accessibility;
pub mod anchor;
pub mod audit;
pub mod brand;
pub mod catalog;
pub mod chart;
pub mod config;
pub mod contrast;
pub mod date;
pub mod deck;
pub mod destination;
pub mod diag;
pub mod export;
pub mod export_plan;
pub mod markdown;
pub mod output;
pub mod recursion;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shortcode;
pub mod site;
pub mod slug;
pub mod source;
pub mod summary;
pub mod theme;
pub mod url;
pub mod walk;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::output::Output;

/// From this many pages on, a run holds each page's rendered HTML compressed
/// ([`markdown::Rendered::pack`]): at 10,000 pages it was a third of a build's peak
/// memory. Below, it is a few megabytes, and reading it back would cost more time than
/// the room is worth.
pub const PACK_FROM_PAGES: usize = 2_000;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Build folder instead of `[build] build-dir`, relative to the project root.
    pub dest: Option<PathBuf>,
    /// Include drafts (also switched on by `[build] drafts`).
    pub drafts: bool,
    /// Deck exports instead of those of `[export]` (`buyin export`).
    pub export: Option<config::Export>,
}

/// The result of a successful build.
#[derive(Debug)]
pub struct Built {
    pub config: Config,
    pub output: Output,
    /// Problems that did not fail the build.
    pub warnings: Vec<Diagnostic>,
    pub pages: usize,
    pub decks: usize,
    /// How long each stage took, for `--verbose`; a stage is named by its key in the
    /// message catalogue's `[stage]`.
    pub timings: Vec<(&'static str, Duration)>,
    /// Exported deck files (path relative to the build folder, size in bytes).
    pub exported: Vec<(String, usize)>,
}

/// Everything a successful run produced: the model as well as the output, so that
/// `serve` can re-render parts of it after an edit.
pub struct Generated {
    pub config: Config,
    pub theme: theme::Theme,
    pub site: site::Site,
    pub output: Output,
    /// Problems that did not fail the build.
    pub warnings: Vec<Diagnostic>,
    /// How long each stage took, for `--verbose`; a stage is named by its key in the
    /// message catalogue's `[stage]`.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Generated {
    /// Pages in the navigation (content and generated) and content decks.
    pub fn counts(&self) -> (usize, usize) {
        let decks = self
            .site
            .pages
            .iter()
            .filter(|p| p.kind() == source::Kind::Deck)
            .count();
        (self.site.nodes.len(), decks)
    }
}

impl From<Generated> for Built {
    fn from(generated: Generated) -> Built {
        let (pages, decks) = generated.counts();
        Built {
            config: generated.config,
            output: generated.output,
            warnings: generated.warnings,
            pages,
            decks,
            timings: generated.timings,
            exported: Vec::new(),
        }
    }
}

/// Stage timings of one run.
struct Clock {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Clock {
    fn start() -> Self {
        Clock {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

/// The nearest folder at or above `start` that holds `book.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Runs the pipeline up to the in-memory output, without writing anything.
pub fn generate(root: &Path, options: &BuildOptions) -> Result<Built, Diagnostics> {
    generate_model(root, options).map(Built::from)
}

/// Runs the pipeline and keeps the model beside the output.
pub fn generate_model(root: &Path, options: &BuildOptions) -> Result<Generated, Diagnostics> {
    run(root, config::load(root)?, options, None, None)
}

/// [`generate_model`] as `serve` holds it: keeping in `caches` what the whole-site
/// files took from each page, so that the next render (after an edit) reads only the
/// pages that changed, and the output compressed ([`output::Blob::Packed`]).
pub fn generate_model_cached(
    root: &Path,
    options: &BuildOptions,
    caches: &render::Caches,
) -> Result<Generated, Diagnostics> {
    run(root, config::load(root)?, options, None, Some(caches))
}

/// [`generate_model_cached`] writing each rendered file into `staging` as soon as it is
/// rendered: the output keeps only the digests of those files
/// ([`output::Blob::Stored`]), and reads them from the folder they lie in.
pub fn generate_model_staged(
    root: &Path,
    options: &BuildOptions,
    caches: &render::Caches,
    staging: &output::Staging,
) -> Result<Generated, Diagnostics> {
    run(
        root,
        config::load(root)?,
        options,
        Some(staging),
        Some(caches),
    )
}

/// The pipeline from a loaded `book.toml`; with a `staging` folder, rendered files go
/// there instead of memory. With `caches` (`serve`), the model is held beside its
/// output: what the whole-site files read stays in `caches`, the files compressed.
fn run(
    root: &Path,
    config: Config,
    options: &BuildOptions,
    staging: Option<&output::Staging>,
    caches: Option<&render::Caches>,
) -> Result<Generated, Diagnostics> {
    let mut clock = Clock::start();
    let mut config = config;
    if let Some(export) = &options.export {
        config.export = export.clone();
    }
    // Exports exist only in a build folder that `build` writes; pages generated
    // elsewhere (serve, check) do not link to files that will not be there.
    let held = caches.is_some();
    if staging.is_none() || held {
        config.export = config::Export::default();
    }
    let drafts = options.drafts || config.drafts;
    // The theme's templates compile while the content files are read.
    // Every stage after this one runs even when files had errors, so that one run
    // reports every problem: a file whose front matter failed still has its links,
    // anchors and shortcodes checked, and the site model still checks the others.
    let (theme, (sources, mut diags)) = rayon::join(
        || theme::load(root, &config),
        || source::load(root, &config, drafts),
    );
    let theme = theme?;
    clock.lap("theme-and-sources");
    let (mut site, model_diags) = site::build_all(&config, sources);
    diags.extend(
        model_diags
            .into_iter()
            .filter(|d| d.severity == Severity::Error),
    );
    clock.lap("site-model");

    // Markdown needs the URLs of all pages and the shortcode templates, not each
    // other's HTML, so every page renders in parallel. Search reads each page's plain
    // text right after it is rendered, while it is fresh, into the run's cache, and the
    // plain text goes: nothing else reads it. A build reads nothing of the Markdown
    // after this stage, so each source text goes too as soon as its page is rendered
    // (`serve` re-renders from them, `check` reads them for its rules). At 10,000 pages
    // the two texts were nearly half of what the build held at its peak.
    let release = staging.is_some() && !held;
    let texts: Vec<String> = site
        .pages
        .iter_mut()
        .map(|page| match release {
            true => std::mem::take(&mut page.source.text),
            false => String::new(),
        })
        .collect();
    let pack = site.pages.len() >= PACK_FROM_PAGES;
    let local_caches = render::Caches::default();
    let caches = caches.unwrap_or(&local_caches);
    let rendered: Vec<(markdown::Rendered, Vec<Diagnostic>)> = {
        let renderer = render::Renderer::new(&site, &config, &theme);
        let readers = renderer.search_readers();
        let env = render::SiteEnv {
            renderer: &renderer,
        };
        let (rendered, read): (Vec<_>, Vec<_>) = site
            .pages
            .par_iter()
            .zip(texts)
            .zip(&readers)
            .map(|((page, text), readers)| {
                let own;
                let source = if release {
                    own = source::Source {
                        text,
                        ..page.source.clone()
                    };
                    &own
                } else {
                    &page.source
                };
                let mut rendered = markdown::render(&page.markdown_input_of(source), &env);
                let problems = rendered.locate(source);
                let read = renderer.read_for_search(readers, &rendered);
                rendered.release_text();
                if pack {
                    rendered.pack();
                }
                ((rendered, problems), read)
            })
            .unzip();
        let mut search = caches
            .search
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // This run renders a new output: the search index writes all its files.
        search.new_output();
        search.extend(read.into_iter().flatten());
        drop(search);
        caches
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .new_output();
        rendered
    };
    diags.extend(accessibility::statement_reference(&config, &site));
    for (page, (rendered, problems)) in site.pages.iter_mut().zip(rendered) {
        diags.extend(problems);
        page.rendered = rendered;
        if release {
            page.source.release_text();
        }
    }
    clock.lap("markdown");

    // Markdown problems (a broken link, a bad shortcode) leave pages renderable, so the
    // run goes on to report template errors and broken anchors of the same build too.
    let mut renderer = render::Renderer::new(&site, &config, &theme).with_caches(caches);
    if held {
        renderer = renderer.packing_output();
    }
    let output = match renderer.render(root, staging) {
        Ok(output) => output,
        Err(render_errors) => {
            diags.extend(render_errors);
            return Err(diags);
        }
    };
    clock.lap("render");
    diags.extend(site.check_links(&|path| output.contains(path)));
    clock.lap("link-check");
    if diags.has_errors() {
        return Err(diags);
    }
    let mut warnings = site.warnings.clone();
    warnings.extend(brand::check(&config.brand, &config.at));
    warnings.extend(deck::summary_warnings(&site));
    warnings.extend(diags);
    // Links out of the project were left out of the sources and the output.
    for dir in [
        config.src.clone(),
        PathBuf::from("static"),
        Path::new("themes").join(&config.theme),
    ] {
        warnings.extend(walk::files(root, &root.join(dir), &config.build_dir).skipped);
    }
    Ok(Generated {
        timings: clock.laps,
        config,
        theme,
        site,
        output,
        warnings,
    })
}

/// The build folder for `options`, resolved and checked: it may not be or hold the
/// project or one of its sources (see [`destination`]).
pub fn build_dir(
    root: &Path,
    config: &Config,
    options: &BuildOptions,
) -> Result<PathBuf, Diagnostics> {
    destination::guard(root, config, options.dest.as_deref())
}

/// `buyin build`: generates the site and publishes it atomically.
pub fn build(root: &Path, options: &BuildOptions) -> Result<(Built, PathBuf), Diagnostics> {
    let config = config::load(root)?;
    let dir = build_dir(root, &config, options)?;
    let cannot_write = |e: std::io::Error| {
        let mut diags = Diagnostics::default();
        diags.push(Diagnostic::coded_error(
            &dir,
            0,
            0,
            "cannot-write-build-folder",
            &[("error", &e.to_string())],
        ));
        diags
    };
    // Files go into a staging folder as they are rendered, which replaces the build
    // folder only when the whole run succeeded.
    let staging = output::Staging::create(&dir).map_err(cannot_write)?;
    let mut generated = match run(root, config, options, Some(&staging), None) {
        Ok(generated) => generated,
        Err(diags) => {
            staging.discard();
            return Err(diags);
        }
    };
    // Exports read the rendered site from the staging folder and go into it, so they
    // reach the build folder together with the pages that link to them, or not at all.
    let mut exported = Vec::new();
    if generated.config.export.any() {
        let started = Instant::now();
        let files = match export::run(
            (&generated.site, &generated.config, &generated.theme),
            staging.path(),
        ) {
            Ok(files) => files,
            Err(diags) => {
                staging.discard();
                return Err(diags);
            }
        };
        for file in files {
            if let Err(e) = staging.write(&file.path, &output::Blob::bytes(file.bytes.clone())) {
                staging.discard();
                return Err(cannot_write(e));
            }
            exported.push((file.path.clone(), file.bytes.len()));
            generated.output.insert(file.path, output::Blob::Written);
        }
        generated.timings.push(("export", started.elapsed()));
    }
    let started = Instant::now();
    staging.publish().map_err(cannot_write)?;
    let mut built = Built::from(generated);
    built.exported = exported;
    built.timings.push(("publish", started.elapsed()));
    Ok((built, dir))
}

/// `buyin check`: every check of `build` plus the external-resource audit and the
/// accessibility rules of the Markdown; writes nothing.
pub fn check(root: &Path, options: &BuildOptions) -> Result<Vec<Diagnostic>, Diagnostics> {
    check_as_of(root, options, date::Date::today_utc())
}

/// [`check`] on the day `today`, which decides which reviews are overdue
/// (`[content] review-after`); those come last, oldest first.
pub fn check_as_of(
    root: &Path,
    options: &BuildOptions,
    today: date::Date,
) -> Result<Vec<Diagnostic>, Diagnostics> {
    let generated = generate_model(root, options)?;
    let mut findings = generated.warnings;
    findings.extend(audit::external_resources(&generated.output));
    findings.extend(accessibility::check(&generated.site));
    if let Some(period) = &generated.config.review_after {
        findings.extend(review::overdue(&generated.site, period, today));
    }
    Ok(findings)
}
