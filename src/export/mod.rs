//! Deck exports: the last step of a build that asks for them (`[export]` in book.toml
//! or `buyin export`), between rendering and publishing.
//!
//! The rendered site already lies in the staging folder when exports run, so a
//! Chromium-based browser prints the real slides and handout pages from there
//! ([`pdf`]), and the PowerPoint writer ([`pptx`]) reads the deck model plus the images
//! the slides show. Every exported file goes into the staging folder too: it reaches the
//! build folder with the rest of the site in one swap, or not at all.
//!
//! Which decks and files an export makes is [`crate::export_plan`].

pub mod browser;
pub mod pdf;
pub mod pptx;

use std::path::Path;

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics, nearest};
use crate::export_plan::{Format, Source, Target, deck_slug, targets};
use crate::site::Site;
use crate::theme::Theme;

/// One exported file, by path relative to the build root.
#[derive(Debug)]
pub struct Exported {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Checks that every deck `export` names exists in the built site.
pub fn check_names(config: &Config, targets: &[Target]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for name in &config.export.decks {
        if targets.iter().any(|target| target.named(name)) {
            continue;
        }
        let mut slugs: Vec<&str> = targets.iter().map(|t| deck_slug(&t.url)).collect();
        slugs.sort_unstable();
        slugs.dedup();
        let diagnostic = Diagnostic::coded("unknown-deck", &[("name", name)]);
        let diagnostic = match nearest(name, slugs.iter().copied()) {
            Some(close) => diagnostic.with_hint_code("deck-near", &[("near", close)]),
            None if slugs.is_empty() => diagnostic.with_hint_code("no-decks", &[]),
            None => diagnostic.with_hint_code("decks", &[("decks", &slugs.join(", "))]),
        };
        diags.push(diagnostic);
    }
    diags
}

/// Writes the exports the configuration asks for, reading the rendered site from `dir`
/// (the staging folder). Returns every file it made; nothing is written.
pub fn run(
    (site, config, theme): (&Site, &Config, &Theme),
    dir: &Path,
) -> Result<Vec<Exported>, Diagnostics> {
    let export = &config.export;
    let all = targets(site);
    let names = check_names(config, &all);
    if names.has_errors() {
        return Err(names);
    }
    let decks: Vec<Target> = all.into_iter().filter(|t| t.selected(export)).collect();
    let mut diags = Diagnostics::default();
    let mut files = Vec::new();
    let printed = !decks.is_empty() && Format::requested(export).iter().any(|f| f.printed());
    let printer = if printed {
        match browser::find(export.browser.as_deref()).and_then(|path| pdf::Printer::launch(&path))
        {
            Ok(printer) => Some(printer),
            Err(problem) => {
                diags.push(problem.at(CONFIG_FILE, 0, 0));
                None
            }
        }
    } else {
        None
    };
    let renderer = crate::render::Renderer::new(site, config, theme);
    let strings = |key: &str| renderer.string(key);
    for deck in &decks {
        let (source, title, slides) = match deck.source {
            Source::Page(p) => (
                format!("{}/{}", config.src.display(), deck.rel),
                site.pages[p].title(),
                crate::deck::page_slides(site, p, &strings),
            ),
            Source::Audience(t, n) => (
                CONFIG_FILE.to_string(),
                site.taxonomies[t].terms[n].name.as_str(),
                crate::deck::audience_slides(site, config, (t, n), &strings),
            ),
        };
        let mut slides = Some(slides);
        for (format, path) in deck.files(export) {
            let made = match format {
                Format::Pptx => {
                    let deck = pptx::Deck {
                        title,
                        url: &deck.url,
                        slides: slides.take().unwrap_or_default(),
                    };
                    pptx::write(&deck, config, dir).map_err(|reason| {
                        let d = Diagnostic::coded("export-pptx-failed", &[("path", &path)]);
                        d.with_text("error", reason)
                    })
                }
                Format::Pdf | Format::Handout => {
                    let Some(printer) = &printer else { continue };
                    let job = if format == Format::Pdf {
                        pdf::Job::slides(config, &deck.url)
                    } else {
                        pdf::Job::handout(&deck.handout_url())
                    };
                    printer
                        .print(dir, &job, &config.base_url)
                        .map_err(|reason| {
                            let d = Diagnostic::coded("export-failed", &[("path", &path)]);
                            d.with_text("error", reason)
                        })
                }
            };
            match made {
                Ok(bytes) => files.push(Exported { path, bytes }),
                Err(diagnostic) => diags.push(diagnostic.at(&source, 0, 0)),
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(files)
    }
}
