//! `book.toml` -> [`Config`]: the first stage of the pipeline.
//!
//! The file is deserialized into raw serde structs that deny unknown keys ([`raw`]),
//! then its values are checked and turned into a [`Config`] with every default filled
//! in ([`values`]). Problems become diagnostics that name the key, its line and the
//! nearest valid key ([`locate`]).

mod locate;
mod raw;
mod values;

pub use locate::{find_key, toml_diagnostic};

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, line_col};

/// The configuration file's name, which also marks a project root.
pub const CONFIG_FILE: &str = "book.toml";

/// Everything `book.toml` says, with defaults applied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    pub authors: Vec<String>,
    pub language: String,
    /// Content folder, relative to the project root.
    pub src: PathBuf,
    /// Build output folder, relative to the project root.
    pub build_dir: PathBuf,
    pub drafts: bool,
    pub theme: String,
    /// Absolute base URL for the sitemap, without trailing slash; empty when unset.
    pub base_url: String,
    pub brand: Brand,
    pub slides: Slides,
    pub roadmap: Roadmap,
    /// Configured taxonomies in the order of the file.
    pub taxonomies: Vec<Taxonomy>,
    pub accessibility: Accessibility,
    /// `[content] review-after`: how long a content review holds.
    pub review_after: Option<crate::date::Period>,
    /// Files `build` exports beside each deck (`[export]`); empty when none.
    pub export: Export,
    /// Where settings checked after this stage stand in the file.
    #[serde(skip)]
    pub at: Locations,
}

/// Line and column of a setting in `book.toml` ((0, 0) when the file leaves it out),
/// for errors that later stages find about it.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    /// `[output.html] theme`.
    pub theme: (usize, usize),
    /// `[build] build-dir`.
    pub build_dir: (usize, usize),
    /// `[brand] primary`.
    pub primary: (usize, usize),
    /// `[brand] accent`.
    pub accent: (usize, usize),
    /// `[accessibility] statement`.
    pub statement: (usize, usize),
}

/// Which deck exports a build writes (`[export]` in book.toml, or `buyin export`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Export {
    /// The slides as a tagged PDF, one slide per page.
    pub pdf: bool,
    /// The slides as an editable PowerPoint file with speaker notes.
    pub pptx: bool,
    /// The handout (slides with their notes) as an A4 PDF.
    pub handout: bool,
    /// Names of the decks to export; empty means every deck.
    pub decks: Vec<String>,
    /// The Chromium-based browser that prints PDFs; found on the machine when unset.
    pub browser: Option<PathBuf>,
}

impl Export {
    /// Whether anything is exported at all.
    pub fn any(&self) -> bool {
        self.pdf || self.pptx || self.handout
    }
}

/// The accessibility statement (`[accessibility]`): which page holds it (linked from
/// every footer), whom readers tell about barriers, and how far the site conforms.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Accessibility {
    /// Content path of the statement page, e.g. `barrierefreiheit.md`.
    pub statement: Option<String>,
    /// E-mail address or URL for feedback about barriers.
    pub contact: String,
    /// `full`, `partial` or `none`.
    pub status: String,
}

/// Values of `[accessibility] status`.
pub const ACCESSIBILITY_STATUS: [&str; 3] = ["full", "partial", "none"];

/// Corporate identity.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Brand {
    pub name: String,
    /// The logo as given, relative to the project root.
    pub logo: Option<PathBuf>,
    pub primary: String,
    pub accent: String,
}

/// Slide canvas size.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Slides {
    pub aspect: String,
    pub width: u32,
    pub height: u32,
}

/// Where the roadmap lives and what it is called.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Roadmap {
    pub path: String,
    pub title: String,
}

/// One taxonomy: a front-matter key whose values are terms with pages of their own.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Taxonomy {
    /// Front-matter key, e.g. `stakeholders`.
    pub key: String,
    /// URL segment, e.g. `zielgruppen`.
    pub path: String,
    /// Display title, e.g. `Zielgruppen`.
    pub title: String,
    /// Title for a single term, e.g. `Zielgruppe` (`singular`; the title if not set).
    pub singular: String,
}

/// Reads `book.toml` from the project root.
pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        single(Diagnostic::coded_error(
            CONFIG_FILE,
            0,
            0,
            "cannot-read-config",
            &[("error", &e.to_string())],
        ))
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        single(Diagnostic::coded_error(
            CONFIG_FILE,
            line,
            col,
            "not-utf8",
            &[],
        ))
    })?;
    parse(&text, root)
}

/// Parses the text of `book.toml`; `root` is used to check that the logo exists.
pub fn parse(text: &str, root: &Path) -> Result<Config, Diagnostics> {
    let raw = raw::deserialize(text)?;
    let mut diags = Diagnostics::default();
    let config = values::build(raw, text, root, &mut diags);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(config)
    }
}

/// `diagnostic` as the only one of a list.
fn single(diagnostic: Diagnostic) -> Diagnostics {
    let mut diags = Diagnostics::default();
    diags.push(diagnostic);
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Config {
        match parse(text, Path::new(".")) {
            Ok(config) => config,
            Err(diags) => panic!("unexpected errors: {:?}", diags.sorted()),
        }
    }

    #[test]
    fn defaults_fill_an_empty_file() {
        let config = parse_ok("");
        assert_eq!(config.build_dir, PathBuf::from("site"));
        assert_eq!(config.slides.width, 1280);
        assert_eq!(config.taxonomies.len(), 4);
        assert_eq!(config.taxonomies[0].title, "Stakeholders");
        assert_eq!(config.roadmap.title, "Roadmap");
    }

    #[test]
    fn folders_lose_dot_segments() {
        let config =
            parse_ok("[book]\nsrc = \"./texte/./neu\"\n\n[build]\nbuild-dir = \"./out\"\n");
        assert_eq!(config.src, PathBuf::from("texte/neu"));
        assert_eq!(config.build_dir, PathBuf::from("out"));
        assert_eq!(parse_ok("[book]\nsrc = \".\"\n").src, PathBuf::from("."));
    }

    #[test]
    fn german_defaults_follow_the_language() {
        let config = parse_ok("[book]\nlanguage = \"de\"\n");
        assert_eq!(config.taxonomies[2].title, "Kanäle");
        assert_eq!(config.roadmap.title, "Fahrplan");
    }

    #[test]
    fn taxonomies_keep_file_order() {
        let config = parse_ok("[taxonomies.zeta]\npath = \"z\"\n[taxonomies.alpha]\n");
        let keys: Vec<_> = config.taxonomies.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["zeta", "alpha"]);
    }

    #[test]
    fn unknown_key_names_line_and_nearest_key() {
        let Err(diags) = parse("[book]\ntitle = \"x\"\ntitel = \"y\"\n", Path::new(".")) else {
            panic!("expected an error");
        };
        let d = &diags.sorted()[0];
        assert_eq!(d.line, 3);
        assert_eq!(d.message, "unknown key 'titel' (did you mean 'title'?)");
    }
}
