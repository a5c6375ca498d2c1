//! `book.toml` -> [`Config`]: the first stage of the pipeline.
//!
//! The file is deserialized into raw serde structs that deny unknown keys, then turned
//! into a [`Config`] with every default filled in. Problems become diagnostics that
//! name the key, its line and the nearest valid key.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::Args;
use crate::diag::{Diagnostic, Diagnostics, display_path, line_col, nearest};
use crate::slug::slugify;

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
    pub review_after: Option<crate::review::Period>,
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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    book: RawBook,
    #[serde(default)]
    build: RawBuild,
    #[serde(default)]
    output: RawOutput,
    brand: Option<RawBrand>,
    #[serde(default)]
    slides: RawSlides,
    #[serde(default)]
    roadmap: RawRoadmap,
    taxonomies: Option<IndexMap<String, Spanned<RawTaxonomy>>>,
    #[serde(default)]
    accessibility: RawAccessibility,
    #[serde(default)]
    content: RawContent,
    #[serde(default)]
    export: RawExport,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawContent {
    review_after: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawExport {
    #[serde(default)]
    pdf: bool,
    #[serde(default)]
    pptx: bool,
    #[serde(default)]
    handout: bool,
    #[serde(default)]
    decks: Vec<String>,
    browser: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBook {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    language: Option<String>,
    src: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBuild {
    build_dir: Option<Spanned<PathBuf>>,
    #[serde(default)]
    drafts: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOutput {
    #[serde(default)]
    html: RawHtml,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawHtml {
    theme: Option<Spanned<String>>,
    base_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBrand {
    name: Option<String>,
    logo: Option<Spanned<PathBuf>>,
    primary: Option<Spanned<String>>,
    accent: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSlides {
    aspect: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRoadmap {
    path: Option<String>,
    title: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAccessibility {
    statement: Option<String>,
    contact: Option<String>,
    status: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTaxonomy {
    path: Option<Spanned<String>>,
    title: Option<String>,
    singular: Option<String>,
}

const NEUTRAL_PRIMARY: &str = "#2f4858";
const NEUTRAL_ACCENT: &str = "#b5522d";

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
    let raw = deserialize(text)?;
    let mut diags = Diagnostics::default();
    let config = build(raw, text, root, &mut diags);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(config)
    }
}

/// Deserializes the raw config. serde stops at the first unknown key, so each one is
/// recorded, its line commented out and the text read again, until none is left:
/// every unknown key of the file is reported in one run.
fn deserialize(text: &str) -> Result<RawConfig, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut current = text.to_string();
    for _ in 0..50 {
        match toml::from_str::<RawConfig>(&current) {
            Ok(raw) if diags.is_empty() => return Ok(raw),
            Ok(_) => return Err(diags),
            Err(e) => {
                let diagnostic = toml_diagnostic(CONFIG_FILE, text, &e);
                let unknown = diagnostic.entry.code.starts_with("unknown-key");
                let line = diagnostic.line;
                diags.push(diagnostic);
                if !unknown || line == 0 {
                    return Err(diags);
                }
                current = current
                    .lines()
                    .enumerate()
                    .map(|(i, l)| {
                        if i + 1 == line {
                            format!("# {l}")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
            }
        }
    }
    Err(diags)
}

fn build(raw: RawConfig, text: &str, root: &Path, diags: &mut Diagnostics) -> Config {
    // Exhaustive destructuring: a new raw field that is not handled here fails to compile.
    let RawConfig {
        book,
        build,
        output,
        brand,
        slides,
        roadmap,
        taxonomies,
        accessibility,
        content,
        export,
    } = raw;
    let RawContent { review_after } = content;
    let review_after = review_after.and_then(|written| {
        let period = crate::review::Period::parse(&written);
        if period.is_none() {
            let (line, col) = find_key(text, "review-after").unwrap_or((0, 0));
            diags.push(Diagnostic::coded_error(
                CONFIG_FILE,
                line,
                col,
                "bad-review-period",
                &[("period", &written)],
            ));
        }
        period
    });
    let RawBook {
        title,
        description,
        authors,
        language,
        src,
    } = book;
    let RawBuild { build_dir, drafts } = build;
    let RawHtml { theme, base_url } = output.html;
    let RawSlides { aspect } = slides;
    let RawExport {
        pdf,
        pptx,
        handout,
        decks,
        browser,
    } = export;
    let RawRoadmap {
        path: roadmap_path,
        title: roadmap_title,
    } = roadmap;

    let title = title.unwrap_or_else(|| "Untitled".to_string());
    let language = language.unwrap_or_else(|| "en".to_string());
    let german = language.starts_with("de");

    let at =
        |span: Option<std::ops::Range<usize>>| span.map_or((0, 0), |s| setting_at(text, s.start));
    let RawBrand {
        name,
        logo,
        primary,
        accent,
    } = brand.unwrap_or_default();
    let logo_at = at(logo.as_ref().map(Spanned::span));
    let mut colour = |value: Option<Spanned<String>>, neutral: &str| match value {
        Some(value) => {
            if !is_hex_colour(value.get_ref()) {
                diags.push(key_error(
                    at(Some(value.span())),
                    "bad-colour",
                    &[("value", value.get_ref())],
                ));
            }
            value.into_inner()
        }
        None => neutral.to_string(),
    };
    let brand = Brand {
        name: name.unwrap_or_else(|| title.clone()),
        primary: colour(primary, NEUTRAL_PRIMARY),
        accent: colour(accent, NEUTRAL_ACCENT),
        logo: logo.map(Spanned::into_inner),
    };
    if let Some(logo) = &brand.logo {
        if logo.is_absolute()
            || logo
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            diags.push(key_error(logo_at, "logo-outside-project", &[]));
        } else if !root.join(logo).is_file() {
            diags.push(key_error(
                logo_at,
                "logo-missing",
                &[("path", &display_path(logo))],
            ));
        }
    }

    let aspect_at = at(aspect.as_ref().map(Spanned::span));
    let aspect = aspect.map_or_else(|| "16:9".to_string(), Spanned::into_inner);
    let (width, height) = match parse_aspect(&aspect) {
        Some(size) => size,
        None => {
            diags.push(key_error(aspect_at, "bad-aspect", &[("aspect", &aspect)]));
            (1280, 720)
        }
    };

    let taxonomies = match taxonomies {
        Some(map) => map
            .into_iter()
            .map(|(key, table)| {
                // A bad path is reported at its value, or at the table that lacks one.
                let table_at = at(Some(table.span()));
                let RawTaxonomy {
                    path,
                    title,
                    singular,
                } = table.into_inner();
                let path_at = path.as_ref().map_or(table_at, |p| at(Some(p.span())));
                let path = path.map_or_else(|| slugify(&key), Spanned::into_inner);
                if slugify(&path) != path.trim_matches('/') || path.is_empty() {
                    diags.push(key_error(
                        path_at,
                        "bad-taxonomy-path",
                        &[("path", &path), ("slug", &slugify(&path))],
                    ));
                }
                let title = title.unwrap_or_else(|| key.clone());
                Taxonomy {
                    path,
                    singular: singular.unwrap_or_else(|| title.clone()),
                    title,
                    key,
                }
            })
            .collect(),
        None => default_taxonomies(german),
    };

    let at = Locations {
        theme: at(theme.as_ref().map(Spanned::span)),
        build_dir: at(build_dir.as_ref().map(Spanned::span)),
    };
    let roadmap_path = roadmap_path
        .unwrap_or_else(|| "fahrplan".to_string())
        .trim_matches('/')
        .to_string();
    let accessibility = check_accessibility(accessibility, text, diags);
    Config {
        description: description.unwrap_or_default(),
        authors,
        src: tidy(src.unwrap_or_else(|| PathBuf::from("content"))),
        build_dir: tidy(build_dir.map_or_else(|| PathBuf::from("site"), Spanned::into_inner)),
        drafts,
        theme: theme.map_or_else(|| "default".to_string(), Spanned::into_inner),
        base_url: base_url
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string(),
        brand,
        slides: Slides {
            aspect,
            width,
            height,
        },
        roadmap: Roadmap {
            path: roadmap_path,
            title: roadmap_title
                .unwrap_or_else(|| if german { "Fahrplan" } else { "Roadmap" }.to_string()),
        },
        taxonomies,
        accessibility,
        export: Export {
            pdf,
            pptx,
            handout,
            decks,
            browser: browser.map(|b| root.join(b)),
        },
        title,
        language,
        at,
        review_after,
    }
}

/// `[accessibility]` checked: a known status (default `partial`).
fn check_accessibility(
    raw: RawAccessibility,
    text: &str,
    diags: &mut Diagnostics,
) -> Accessibility {
    let RawAccessibility {
        statement,
        contact,
        status,
    } = raw;
    let status_at = status
        .as_ref()
        .map_or((0, 0), |s| setting_at(text, s.span().start));
    let status = status.map_or_else(|| "partial".to_string(), Spanned::into_inner);
    if !ACCESSIBILITY_STATUS.contains(&status.as_str()) {
        diags.push(key_error(
            status_at,
            "bad-accessibility-status",
            &[("status", &status)],
        ));
    }
    Accessibility {
        statement: statement.map(|s| s.trim_start_matches("./").to_string()),
        contact: contact.unwrap_or_default(),
        status,
    }
}

fn default_taxonomies(german: bool) -> Vec<Taxonomy> {
    // key, path (German), title and singular in German, then in English
    let rows: [(&str, &str, [&str; 2], [&str; 2]); 4] = [
        (
            "stakeholders",
            "zielgruppen",
            ["Zielgruppen", "Zielgruppe"],
            ["Stakeholders", "Stakeholder"],
        ),
        (
            "departments",
            "abteilungen",
            ["Abteilungen", "Abteilung"],
            ["Departments", "Department"],
        ),
        (
            "channels",
            "kanaele",
            ["Kanäle", "Kanal"],
            ["Channels", "Channel"],
        ),
        (
            "tags",
            "schlagworte",
            ["Schlagworte", "Schlagwort"],
            ["Tags", "Tag"],
        ),
    ];
    rows.iter()
        .map(|(key, path, de, en)| {
            let [title, singular] = if german { de } else { en };
            Taxonomy {
                key: key.to_string(),
                path: if german { path } else { key }.to_string(),
                title: title.to_string(),
                singular: singular.to_string(),
            }
        })
        .collect()
}

/// A project-relative folder without `.` segments, so `./content` and `content` are
/// the same folder to everything that compares paths (the watcher above all).
fn tidy(path: PathBuf) -> PathBuf {
    let tidy: PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if tidy.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        tidy
    }
}

/// Canvas size for an aspect ratio: height 720, width to match (16:9 -> 1280, 4:3 -> 960).
fn parse_aspect(aspect: &str) -> Option<(u32, u32)> {
    let (w, h) = aspect.split_once(':')?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    if w == 0 || h == 0 || w > 10 * h || h > 10 * w {
        return None;
    }
    Some(((720 * w + h / 2) / h, 720))
}

fn is_hex_colour(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Line and column of the setting whose value starts at byte `value`: the start of
/// that line's text, where a `key = value` line names its key.
fn setting_at(text: &str, value: usize) -> (usize, usize) {
    let value = value.min(text.len());
    let line_start = text[..value].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..value];
    line_col(text, line_start + before.len() - before.trim_start().len())
}

/// The catalogue's error `code` at a setting's place in the file.
fn key_error((line, col): (usize, usize), code: &'static str, args: &Args) -> Diagnostic {
    Diagnostic::coded_error(CONFIG_FILE, line, col, code, args)
}

/// Line and column of the first line that assigns `key` (`key =` or `key:`), if any;
/// for front matter, where no parser gives spans.
pub fn find_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix(key).or_else(|| {
            trimmed
                .strip_prefix('"')
                .and_then(|t| t.strip_prefix(key))
                .and_then(|t| t.strip_prefix('"'))
        })?;
        let rest = rest.trim_start();
        (rest.starts_with('=') || rest.starts_with(':'))
            .then(|| (i + 1, line.len() - trimmed.len() + 1))
    })
}

/// Turns a TOML error into a diagnostic; unknown keys get the nearest valid key as hint.
pub fn toml_diagnostic(path: &str, text: &str, error: &toml::de::Error) -> Diagnostic {
    let (line, col) = error
        .span()
        .map_or((0, 0), |span| line_col(text, span.start));
    let message = error.message().trim().to_string();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        return match nearest(field, expected.iter().copied()) {
            Some(near) => Diagnostic::coded_error(
                path,
                line,
                col,
                "unknown-key-near",
                &[("key", field), ("near", near)],
            ),
            None => Diagnostic::coded_error(path, line, col, "unknown-key", &[("key", field)])
                .with_hint_code("valid-keys", &[("keys", &expected.join(", "))]),
        };
    }
    Diagnostic::coded_error(path, line, col, "invalid-toml", &[("error", &message)])
}

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
    fn aspect_sets_the_canvas() {
        assert_eq!(parse_aspect("4:3"), Some((960, 720)));
        assert_eq!(parse_aspect("16:9"), Some((1280, 720)));
        assert_eq!(parse_aspect("wide"), None);
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
