//! Deck exports: the last step of a build that asks for them (`[export]` in book.toml
//! or `buyin export`), between rendering and publishing.
//!
//! The rendered site already lies in the staging folder when exports run, so a
//! Chromium-based browser prints the real slides and handout pages from there
//! ([`pdf`]), and the PowerPoint writer ([`pptx`]) reads the deck model plus the images
//! the slides show. Every exported file goes into the staging folder too: it reaches the
//! build folder with the rest of the site in one swap, or not at all.
//!
//! Files sit beside the deck's page, named after its slug: `<slug>.pdf`,
//! `<slug>.pptx` and `<slug>-handout.pdf`.

pub mod browser;
pub mod pdf;
pub mod pptx;

use std::path::Path;

use crate::Generated;
use crate::config::{CONFIG_FILE, Export};
use crate::diag::{Diagnostic, Diagnostics, nearest};
use crate::site::Site;
use crate::source::Kind;

/// A kind of exported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// The slides, one per page at the canvas size, tagged.
    Pdf,
    /// The slides as an editable PowerPoint file with speaker notes.
    Pptx,
    /// The handout page (slides with notes), A4 portrait.
    Handout,
}

impl Format {
    /// The formats `export` asks for, in a fixed order.
    pub fn requested(export: &Export) -> Vec<Format> {
        [
            (export.pdf, Format::Pdf),
            (export.pptx, Format::Pptx),
            (export.handout, Format::Handout),
        ]
        .into_iter()
        .filter_map(|(on, format)| on.then_some(format))
        .collect()
    }

    /// The file name of this export of the deck with `slug`.
    pub fn file_name(self, slug: &str) -> String {
        match self {
            Format::Pdf => format!("{slug}.pdf"),
            Format::Pptx => format!("{slug}.pptx"),
            Format::Handout => format!("{slug}-handout.pdf"),
        }
    }

    /// Key of the UI string that labels a link to this export.
    pub fn label_key(self) -> &'static str {
        match self {
            Format::Pdf => "export_pdf",
            Format::Pptx => "export_pptx",
            Format::Handout => "export_handout",
        }
    }

    /// Whether this format is printed by a browser.
    fn printed(self) -> bool {
        matches!(self, Format::Pdf | Format::Handout)
    }
}

/// One exported file, by path relative to the build root.
#[derive(Debug)]
pub struct Exported {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The slug under which a deck page's exports are stored: the last segment of its URL.
pub fn deck_slug(url: &str) -> &str {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("index")
}

/// A deck the site builds: a deck page, or the generated deck of an audience term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Content page `p`, of kind deck.
    Page(usize),
    /// Term `n` of taxonomy `t` (stakeholders or departments).
    Audience(usize, usize),
}

/// A deck that can be exported, with the names a user may give it.
#[derive(Debug, Clone)]
pub struct Target {
    pub source: Source,
    /// The URL of the deck's page (a deck page or the term page): exports sit there.
    pub url: String,
    /// The content path of a deck page; empty for an audience deck.
    pub rel: String,
}

impl Target {
    /// The deck page `p`.
    pub fn page(site: &Site, p: usize) -> Target {
        let page = &site.pages[p];
        Target {
            source: Source::Page(p),
            url: page.url.clone(),
            rel: page.source.rel.clone(),
        }
    }

    /// The generated deck of term `n` of taxonomy `t`.
    pub fn audience(site: &Site, t: usize, n: usize) -> Target {
        Target {
            source: Source::Audience(t, n),
            url: site.taxonomies[t].terms[n].url.clone(),
            rel: String::new(),
        }
    }

    /// The URL of the deck's handout page: a deck's own page; for a generated deck, the
    /// `handout/` page beside its slides.
    pub fn handout_url(&self) -> String {
        match self.source {
            Source::Page(_) => self.url.clone(),
            Source::Audience(..) => format!("{}handout/", self.url),
        }
    }

    /// The export files of this deck, relative to the build root.
    pub fn files(&self, export: &Export) -> Vec<(Format, String)> {
        Format::requested(export)
            .into_iter()
            .map(|format| {
                let name = format.file_name(deck_slug(&self.url));
                (format, format!("{}{name}", self.url))
            })
            .collect()
    }

    /// Whether `export` asks for this deck.
    pub fn selected(&self, export: &Export) -> bool {
        export.decks.is_empty() || export.decks.iter().any(|name| self.named(name))
    }

    /// Whether a deck name given by the user means this deck: its slug, its URL or its
    /// content path, with or without `.md`.
    fn named(&self, name: &str) -> bool {
        let name = name.trim_matches('/');
        let name = name.strip_prefix("content/").unwrap_or(name);
        name == deck_slug(&self.url)
            || name == self.url.trim_matches('/')
            || (!self.rel.is_empty()
                && (name == self.rel || name == self.rel.trim_end_matches(".md")))
    }
}

/// Every deck the site builds: deck pages in page order, then the generated decks of
/// audience terms in taxonomy and term order.
pub fn targets(site: &Site) -> Vec<Target> {
    let pages = (0..site.pages.len())
        .filter(|&p| site.pages[p].kind() == Kind::Deck)
        .map(|p| Target::page(site, p));
    let audiences = site
        .taxonomies
        .iter()
        .enumerate()
        .filter(|(_, taxonomy)| taxonomy.has_audience_decks())
        .flat_map(|(t, taxonomy)| (0..taxonomy.terms.len()).map(move |n| (t, n)))
        .map(|(t, n)| Target::audience(site, t, n));
    pages.chain(audiences).collect()
}

/// Checks that every deck `export` names exists in the built site.
pub fn check_names(generated: &Generated, targets: &[Target]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for name in &generated.config.export.decks {
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
pub fn run(generated: &Generated, dir: &Path) -> Result<Vec<Exported>, Diagnostics> {
    let export = &generated.config.export;
    let site = &generated.site;
    let all = targets(site);
    let names = check_names(generated, &all);
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
                diags.push(problem.diagnostic());
                None
            }
        }
    } else {
        None
    };
    let renderer = crate::render::Renderer::new(site, &generated.config, &generated.theme);
    let strings = |key: &str| renderer.string(key);
    for deck in &decks {
        let (source, title, slides) = match deck.source {
            Source::Page(p) => (
                format!("{}/{}", generated.config.src.display(), deck.rel),
                site.pages[p].title(),
                crate::deck::page_slides(site, p, &strings),
            ),
            Source::Audience(t, n) => (
                CONFIG_FILE.to_string(),
                site.taxonomies[t].terms[n].name.as_str(),
                crate::deck::audience_slides(site, &generated.config, (t, n), &strings),
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
                    pptx::write(&deck, &generated.config, dir).map_err(|e| {
                        Diagnostic::coded(
                            "export-pptx-failed",
                            &[("path", &path), ("error", &e.to_string())],
                        )
                    })
                }
                Format::Pdf | Format::Handout => {
                    let Some(printer) = &printer else { continue };
                    let job = if format == Format::Pdf {
                        pdf::Job::slides(&generated.config, &deck.url)
                    } else {
                        pdf::Job::handout(&deck.handout_url())
                    };
                    printer
                        .print(dir, &job, &generated.config.base_url)
                        .map_err(|error| {
                            Diagnostic::coded(
                                "export-failed",
                                &[("path", &path), ("error", &error)],
                            )
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

/// A problem that stops every export of one format, such as a missing browser: the
/// message catalogue's error `code` with its values.
#[derive(Debug)]
pub struct Problem {
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    fn diagnostic(&self) -> Diagnostic {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Diagnostic::coded_error(CONFIG_FILE, 0, 0, self.code, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deck_page() -> Target {
        Target {
            source: Source::Page(0),
            url: "vortraege/betriebsrat/".into(),
            rel: "vortraege/betriebsrat.md".into(),
        }
    }

    fn audience_deck() -> Target {
        Target {
            source: Source::Audience(0, 0),
            url: "zielgruppen/it-abteilung/".into(),
            rel: String::new(),
        }
    }

    #[test]
    fn decks_are_named_by_slug_url_or_content_path() {
        for name in [
            "betriebsrat",
            "vortraege/betriebsrat",
            "vortraege/betriebsrat.md",
            "content/vortraege/betriebsrat.md",
            "/vortraege/betriebsrat/",
        ] {
            assert!(deck_page().named(name), "{name}");
        }
        assert!(!deck_page().named("betrieb"));
        for name in [
            "it-abteilung",
            "zielgruppen/it-abteilung",
            "/zielgruppen/it-abteilung/",
        ] {
            assert!(audience_deck().named(name), "{name}");
        }
        assert!(!audience_deck().named(""));
        assert!(!audience_deck().named("zielgruppen"));
    }

    #[test]
    fn files_sit_beside_the_deck_page() {
        let export = Export {
            pdf: true,
            pptx: true,
            handout: true,
            ..Export::default()
        };
        let paths = |target: Target| -> Vec<String> {
            target
                .files(&export)
                .into_iter()
                .map(|(_, path)| path)
                .collect()
        };
        assert_eq!(
            paths(deck_page()),
            [
                "vortraege/betriebsrat/betriebsrat.pdf",
                "vortraege/betriebsrat/betriebsrat.pptx",
                "vortraege/betriebsrat/betriebsrat-handout.pdf"
            ]
        );
        // A generated deck's handout is printed from the page beside its slides.
        assert_eq!(
            paths(audience_deck()),
            [
                "zielgruppen/it-abteilung/it-abteilung.pdf",
                "zielgruppen/it-abteilung/it-abteilung.pptx",
                "zielgruppen/it-abteilung/it-abteilung-handout.pdf"
            ]
        );
        assert_eq!(
            audience_deck().handout_url(),
            "zielgruppen/it-abteilung/handout/"
        );
        assert_eq!(deck_page().handout_url(), "vortraege/betriebsrat/");
    }
}
