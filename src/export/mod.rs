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

/// The export files of the deck at page URL `url`, relative to the build root.
pub fn files_of(export: &Export, url: &str) -> Vec<(Format, String)> {
    Format::requested(export)
        .into_iter()
        .map(|format| (format, format!("{url}{}", format.file_name(deck_slug(url)))))
        .collect()
}

/// Whether the deck page with `url` and content path `rel` is one that `export` names.
pub fn selects(export: &Export, url: &str, rel: &str) -> bool {
    export.decks.is_empty() || export.decks.iter().any(|name| names(name, url, rel))
}

/// Whether a deck name given by the user means the deck at `url` from `rel`: its slug,
/// its URL or its content path, with or without `.md`.
fn names(name: &str, url: &str, rel: &str) -> bool {
    let name = name.trim_matches('/');
    let name = name.strip_prefix("content/").unwrap_or(name);
    name == deck_slug(url)
        || name == url.trim_matches('/')
        || name == rel
        || name == rel.trim_end_matches(".md")
}

/// Checks that every deck `export` names exists in the built site.
pub fn check_names(generated: &Generated) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let decks: Vec<(&str, &str)> = deck_pages(generated)
        .map(|p| (p.url.as_str(), p.source.rel.as_str()))
        .collect();
    for name in &generated.config.export.decks {
        if decks.iter().any(|(url, rel)| names(name, url, rel)) {
            continue;
        }
        let slugs: Vec<&str> = decks.iter().map(|(url, _)| deck_slug(url)).collect();
        let mut diagnostic = Diagnostic::error("", 0, 0, format!("unknown deck '{name}'"));
        diagnostic = match nearest(name, slugs.iter().copied()) {
            Some(close) => diagnostic.with_hint(format!("did you mean '{close}'?")),
            None if slugs.is_empty() => diagnostic.with_hint("the site has no decks"),
            None => diagnostic.with_hint(format!("decks: {}", slugs.join(", "))),
        };
        diags.push(diagnostic);
    }
    diags
}

fn deck_pages(generated: &Generated) -> impl Iterator<Item = &crate::site::Page> {
    generated
        .site
        .pages
        .iter()
        .filter(|p| p.kind() == Kind::Deck)
}

/// Writes the exports the configuration asks for, reading the rendered site from `dir`
/// (the staging folder). Returns every file it made; nothing is written.
pub fn run(generated: &Generated, dir: &Path) -> Result<Vec<Exported>, Diagnostics> {
    let export = &generated.config.export;
    let names = check_names(generated);
    if names.has_errors() {
        return Err(names);
    }
    let formats = Format::requested(export);
    let decks: Vec<usize> = generated
        .site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind() == Kind::Deck && selects(export, &p.url, &p.source.rel))
        .map(|(i, _)| i)
        .collect();
    let mut diags = Diagnostics::default();
    let mut files = Vec::new();
    let printer = if formats.iter().any(|f| f.printed()) && !decks.is_empty() {
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
    let renderer =
        crate::render::Renderer::new(&generated.site, &generated.config, &generated.theme);
    for &p in &decks {
        let page = &generated.site.pages[p];
        let source = format!("{}/{}", generated.config.src.display(), page.source.rel);
        for (format, path) in files_of(export, &page.url) {
            let made = match format {
                Format::Pptx => {
                    let deck = pptx::Deck {
                        title: page.title(),
                        url: &page.url,
                        slides: crate::deck::page_slides(&generated.site, p, &|key| {
                            renderer.string(key)
                        }),
                    };
                    pptx::write(&deck, &generated.config, dir)
                        .map_err(|e| format!("cannot write the PowerPoint file ({e})"))
                }
                Format::Pdf | Format::Handout => {
                    let Some(printer) = &printer else { continue };
                    let job = if format == Format::Pdf {
                        pdf::Job::slides(&generated.config, &page.url)
                    } else {
                        pdf::Job::handout(&page.url)
                    };
                    printer.print(dir, &job, &generated.config.base_url)
                }
            };
            match made {
                Ok(bytes) => files.push(Exported { path, bytes }),
                Err(message) => diags.push(Diagnostic::error(
                    &source,
                    0,
                    0,
                    format!("cannot export '{path}': {message}"),
                )),
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(files)
    }
}

/// A problem that stops every export of one format, such as a missing browser.
#[derive(Debug)]
pub struct Problem {
    pub message: String,
    pub hint: String,
}

impl Problem {
    fn diagnostic(&self) -> Diagnostic {
        Diagnostic::error(CONFIG_FILE, 0, 0, &self.message).with_hint(&self.hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decks_are_named_by_slug_url_or_content_path() {
        for name in [
            "betriebsrat",
            "vortraege/betriebsrat",
            "vortraege/betriebsrat.md",
            "content/vortraege/betriebsrat.md",
            "/vortraege/betriebsrat/",
        ] {
            assert!(
                names(name, "vortraege/betriebsrat/", "vortraege/betriebsrat.md"),
                "{name}"
            );
        }
        assert!(!names(
            "betrieb",
            "vortraege/betriebsrat/",
            "vortraege/betriebsrat.md"
        ));
    }

    #[test]
    fn files_sit_beside_the_deck_page() {
        let export = Export {
            pdf: true,
            pptx: true,
            handout: true,
            ..Export::default()
        };
        let files: Vec<String> = files_of(&export, "vortraege/vertrieb/")
            .into_iter()
            .map(|(_, path)| path)
            .collect();
        assert_eq!(
            files,
            [
                "vortraege/vertrieb/vertrieb.pdf",
                "vortraege/vertrieb/vertrieb.pptx",
                "vortraege/vertrieb/vertrieb-handout.pdf"
            ]
        );
    }
}
