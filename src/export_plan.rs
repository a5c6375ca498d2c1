//! Which decks a site can export, by which names a user picks them, and which files an
//! export puts beside each: the plan that pages link to (`render`) and that
//! [`crate::export`] carries out.
//!
//! Files sit beside the deck's page, named after its slug: `<slug>.pdf`, `<slug>.pptx`
//! and `<slug>-handout.pdf`.

use crate::config::Export;
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
    pub fn printed(self) -> bool {
        matches!(self, Format::Pdf | Format::Handout)
    }
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
    pub fn named(&self, name: &str) -> bool {
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
