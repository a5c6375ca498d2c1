//! Content files -> [`Source`]s: the second stage of the pipeline.
//!
//! Walks the content folder, reads each Markdown file as UTF-8, splits the front matter
//! off with gray_matter (YAML `---` or TOML `+++`), deserializes it ourselves so that
//! errors keep their line numbers, and checks it against the fields of its kind. Files
//! are parsed in parallel; every problem of every file is collected.
//!
//! The files: this one holds the model of a source and walks and parses files;
//! [`front_matter`] splits off the front matter and reads it, [`fields`] checks its
//! fields against the kind, [`placeholder`] finds placeholder text left in a file.

mod fields;
mod front_matter;
mod placeholder;

pub use fields::is_iso_date;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gray_matter::Matter;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, find_key};
use crate::diag::{Diagnostic, Diagnostics, display_path, line_col};
use fields::Fields;
use front_matter::{Format, Split, parse_map, split};
use placeholder::placeholders;

/// The word that marks placeholder text (`TODO: Der Einwand …`): `buyin new` writes it,
/// and a published (non-draft) file that still holds it gets a warning per line.
pub const PLACEHOLDER: &str = "TODO";

/// The kind of a content file, from front matter `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Page,
    Argument,
    Case,
    Deck,
    Stage,
}

impl Kind {
    const ALL: [(&'static str, Kind); 5] = [
        ("page", Kind::Page),
        ("argument", Kind::Argument),
        ("case", Kind::Case),
        ("deck", Kind::Deck),
        ("stage", Kind::Stage),
    ];

    /// The name used in front matter and templates.
    pub fn name(self) -> &'static str {
        Kind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("page", |(name, _)| name)
    }

    /// Front-matter fields this kind adds to the common ones.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Page => &[],
            Kind::Argument => &["objection", "evidence", "summary"],
            Kind::Case => &[
                "organization",
                "industry",
                "size",
                "year",
                "metrics",
                "source",
            ],
            Kind::Deck => &["duration", "audience", "incremental"],
            Kind::Stage => &["stage", "effort", "goals"],
        }
    }
}

/// One content file, read and checked.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the project root, e.g. `content/argumente/x.md`.
    pub path: PathBuf,
    /// Path relative to the content folder with `/` separators, e.g. `argumente/x.md`.
    pub rel: String,
    /// The whole file.
    pub text: String,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
    pub front: FrontMatter,
    /// The front matter had errors: `front` holds what could be read, the body is still
    /// checked (links, anchors, shortcodes) so one run reports every problem, and other
    /// files' references to this one are not reported again.
    pub broken: bool,
}

impl Source {
    /// The Markdown body after the front matter.
    pub fn body(&self) -> &str {
        // Empty once the build let go of the text (see `release_text`).
        self.text.get(self.body_start..).unwrap_or_default()
    }

    /// Lets go of the file's text once nothing reads it: the body is empty after.
    pub fn release_text(&mut self) {
        self.text = String::new();
        self.body_start = 0;
    }

    /// Line and column in the file of byte `offset` within the body.
    pub fn body_line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, self.body_start + offset)
    }

    /// The line where front-matter `key` is set, for diagnostics.
    pub fn key_line(&self, key: &str) -> usize {
        find_key(&self.text, key).map_or(1, |(line, _)| line)
    }
}

/// Typed front matter of any kind.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub slug: Option<String>,
    /// Normalised ISO 8601 date or datetime.
    pub date: Option<String>,
    /// When the content was last reviewed (ISO 8601), for `[content] review-after`.
    pub reviewed: Option<String>,
    /// Taxonomy key -> display names of its terms, as written.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub kind: KindData,
}

impl FrontMatter {
    /// The kind of the file.
    pub fn kind(&self) -> Kind {
        match self.kind {
            KindData::Page => Kind::Page,
            KindData::Argument(_) => Kind::Argument,
            KindData::Case(_) => Kind::Case,
            KindData::Deck(_) => Kind::Deck,
            KindData::Stage(_) => Kind::Stage,
        }
    }
}

/// The fields only one kind has.
#[derive(Debug, Clone, Default)]
pub enum KindData {
    #[default]
    Page,
    Argument(Argument),
    Case(Case),
    Deck(DeckMeta),
    Stage(Stage),
}

/// An objection and the references that back its answer.
#[derive(Debug, Clone, Serialize)]
pub struct Argument {
    pub objection: String,
    /// Content paths of cases, relative to the content folder.
    pub evidence: Vec<String>,
    /// The answer at a glance, as written (inline Markdown): one sentence, or up to
    /// [`SUMMARY_POINTS`] short points. Empty when the front matter has none.
    pub summary: Vec<String>,
}

/// At most this many points in an argument's `summary`: a slide shows them large.
pub const SUMMARY_POINTS: usize = 4;

/// A best-practice case.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Case {
    pub organization: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub year: Option<String>,
    pub metrics: Vec<Metric>,
    pub source: Option<String>,
}

/// One figure of a case.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metric {
    pub label: String,
    /// The value as written.
    pub value: String,
    /// The value as a number, when it is one (drawn in the chart).
    pub number: Option<f64>,
}

/// Settings of a talk.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeckMeta {
    pub duration: Option<u32>,
    pub audience: Option<String>,
    pub incremental: bool,
}

/// One step of the roadmap.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stage {
    pub stage: i64,
    pub effort: Option<String>,
    pub goals: Vec<String>,
}

/// How many folders deep content may lie below the content folder; the navigation is a
/// tree of that depth, and deeper trees are refused rather than risking the stack.
pub const MAX_FOLDER_DEPTH: usize = 32;

/// Loads every Markdown file under the content folder. Drafts are dropped unless
/// `drafts` is set. Files whose front matter fails come back [`Source::broken`] beside
/// their errors, so later stages can still check their bodies.
pub fn load(root: &Path, config: &Config, drafts: bool) -> (Vec<Source>, Diagnostics) {
    let content_dir = root.join(&config.src);
    let mut diags = Diagnostics::default();
    if !content_dir.is_dir() {
        diags.push(Diagnostic::coded_error(
            "book.toml",
            0,
            0,
            "no-content-folder",
            &[("folder", &display_path(&config.src))],
        ));
        return (Vec::new(), diags);
    }
    let walked = crate::walk::files(root, &content_dir, &config.build_dir);
    for (path, cause) in walked.unreadable {
        diags.push(Diagnostic::coded_error(
            path,
            0,
            0,
            "unreadable",
            &[("error", &cause)],
        ));
    }
    let (files, too_deep): (Vec<PathBuf>, Vec<PathBuf>) = walked
        .files
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .partition(|path| {
            let below = path.strip_prefix(&content_dir).unwrap_or(path);
            below.components().count() <= MAX_FOLDER_DEPTH
        });
    if let Some(first) = too_deep.iter().min_by_key(|p| p.components().count()) {
        let files = match too_deep.len() {
            1 => "count.files.one",
            _ => "count.files.other",
        };
        diags.push(
            Diagnostic::coded_error(
                relative(root, first),
                1,
                1,
                "folders-too-deep",
                &[
                    ("most", &MAX_FOLDER_DEPTH.to_string()),
                    ("n", &too_deep.len().to_string()),
                ],
            )
            .with_part("files", files),
        );
    }
    let results: Vec<Parsed> = files
        .par_iter()
        .map(|file| {
            let path = relative(root, file);
            let rel = display_path(file.strip_prefix(&content_dir).unwrap_or(file));
            match std::fs::read(file) {
                Ok(bytes) => parse_lenient(path, rel, bytes, config),
                Err(e) => Parsed {
                    source: None,
                    errors: vec![Diagnostic::coded_error(
                        &path,
                        0,
                        0,
                        "cannot-read-file",
                        &[("error", &e.to_string())],
                    )],
                },
            }
        })
        .collect();
    let mut sources = Vec::new();
    for parsed in results {
        diags.extend(parsed.errors);
        sources.extend(parsed.source.filter(|source| drafts || !source.front.draft));
    }
    (sources, diags)
}

/// One file read as far as it goes: its errors, and the source whenever its text could
/// be read (marked [`Source::broken`] if the front matter had errors).
pub struct Parsed {
    pub source: Option<Source>,
    pub errors: Vec<Diagnostic>,
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Parses one file's bytes into a checked [`Source`] (warnings are left out).
pub fn parse(
    path: PathBuf,
    rel: String,
    bytes: Vec<u8>,
    config: &Config,
) -> Result<Source, Vec<Diagnostic>> {
    let parsed = parse_lenient(path, rel, bytes, config);
    let (errors, _warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = parsed
        .errors
        .into_iter()
        .partition(|d| d.severity == crate::diag::Severity::Error);
    match parsed.source {
        Some(source) if errors.is_empty() => Ok(source),
        _ => Err(errors),
    }
}

/// Parses one file's bytes; a file whose front matter fails still yields its body.
pub fn parse_lenient(path: PathBuf, rel: String, bytes: Vec<u8>, config: &Config) -> Parsed {
    let failed = |errors| Parsed {
        source: None,
        errors,
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return failed(not_utf8(&path, &e)),
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let format = if text.starts_with("+++") {
        Format::Toml
    } else {
        Format::Yaml
    };
    let mut matter = Matter::<Split>::new();
    if let Format::Toml = format {
        matter.delimiter = "+++".to_string();
    }
    let Some((fm_start, fm_end, body_start)) = split(&matter, &text) else {
        return failed(vec![Diagnostic::coded_error(
            &path,
            1,
            1,
            "missing-front-matter",
            &[],
        )]);
    };
    let raw = &text[fm_start..fm_end];
    let fm_line = line_col(&text, fm_start).0;
    let (front, errors) = match parse_map(raw, format, fm_line, &path) {
        Ok(map) => {
            let mut fields = Fields {
                path: &path,
                text: &text,
                map,
                errors: Vec::new(),
            };
            let front = fields.front_matter(config);
            (front, fields.errors)
        }
        Err(errors) => (FrontMatter::default(), errors),
    };
    let broken = !errors.is_empty();
    let mut errors = errors;
    if !front.draft {
        errors.extend(placeholders(&path, &text));
    }
    Parsed {
        source: Some(Source {
            broken,
            path,
            rel,
            body_start,
            front,
            text,
        }),
        errors,
    }
}

fn not_utf8(path: &Path, e: &std::string::FromUtf8Error) -> Vec<Diagnostic> {
    let valid = e.utf8_error().valid_up_to();
    let (line, col) = line_col(&String::from_utf8_lossy(&e.as_bytes()[..valid]), valid);
    vec![Diagnostic::coded_error(path, line, col, "not-utf8", &[])]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        crate::config::parse("[book]\nlanguage = \"de\"\n", Path::new(".")).expect("config")
    }

    fn parse_text(text: &str) -> Result<Source, Vec<Diagnostic>> {
        parse(
            PathBuf::from("content/x.md"),
            "x.md".into(),
            text.as_bytes().to_vec(),
            &config(),
        )
    }

    #[test]
    fn yaml_and_toml_front_matter_give_the_same_fields() {
        let yaml =
            parse_text("---\ntitle: Hallo\nweight: 3\ntags: [a, b]\n---\nText\n\n---\n\nMehr\n")
                .expect("yaml");
        let toml = parse_text(
            "+++\ntitle = \"Hallo\"\nweight = 3\ntags = [\"a\", \"b\"]\n+++\nText\n\n---\n\nMehr\n",
        )
        .expect("toml");
        for source in [&yaml, &toml] {
            assert_eq!(source.front.title, "Hallo");
            assert_eq!(source.front.weight, Some(3));
            assert_eq!(source.front.taxonomies["tags"], ["a", "b"]);
            assert_eq!(source.body(), "Text\n\n---\n\nMehr\n");
        }
    }

    #[test]
    fn unknown_field_names_line_and_nearest_field() {
        let errors =
            parse_text("---\ntitle: A\nkind: argument\nobjection: x\nstakehodlers: [IT]\n---\n")
                .unwrap_err();
        let messages: Vec<_> = errors
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert!(
            messages.contains(&(
                5,
                "unknown field 'stakehodlers' (did you mean 'stakeholders'?)"
            )),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|(_, m)| m.contains("at least one entry in 'stakeholders'"))
        );
    }

    #[test]
    fn yaml_errors_are_located_in_the_file() {
        let errors = parse_text("---\ntitle: A\ndescription: [unclosed\n---\n").unwrap_err();
        assert!(
            errors[0].message.starts_with("invalid YAML front matter"),
            "{:?}",
            errors
        );
        assert!(errors[0].line >= 3, "{:?}", errors);
    }

    #[test]
    fn wrong_types_and_kinds_are_errors() {
        let errors =
            parse_text("---\ntitle: A\nweight: schwer\nkind: argumnet\n---\n").unwrap_err();
        let text: Vec<_> = errors.iter().map(|d| d.to_string()).collect();
        assert!(
            text.iter().any(|t| t.contains(":4:")
                && t.contains("unknown kind 'argumnet'")
                && t.contains("did you mean 'argument'")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains(":3:") && t.contains("field 'weight' has the wrong type")),
            "{text:?}"
        );
    }

    #[test]
    fn case_metrics_keep_text_and_numbers() {
        let source = parse_text("---\ntitle: A\nkind: case\nmetrics:\n  - { label: Fans, value: 1200 }\n  - { label: Quote, value: \"hoch\" }\n---\n").expect("case");
        let KindData::Case(case) = &source.front.kind else {
            panic!("not a case")
        };
        assert_eq!(case.metrics[0].number, Some(1200.0));
        assert_eq!(case.metrics[1].value, "hoch");
        assert_eq!(case.metrics[1].number, None);
    }

    #[test]
    fn missing_front_matter_and_bad_utf8_are_errors() {
        assert_eq!(
            parse_text("# Nur Text\n").unwrap_err()[0].message,
            "missing front matter"
        );
        let errors = parse(
            PathBuf::from("content/x.md"),
            "x.md".into(),
            b"---\ntitle: A\n---\n\xff\n".to_vec(),
            &config(),
        )
        .unwrap_err();
        assert_eq!(
            (errors[0].line, errors[0].message.as_str()),
            (4, "file is not valid UTF-8")
        );
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_iso_date("2024-05-17"));
        assert!(is_iso_date("2024-05-17T09:30:00+02:00"));
        assert!(is_iso_date("2024-05-17 09:30"));
        assert!(is_iso_date("1979-05-27T07:32:00.999Z"));
        assert!(!is_iso_date("17.05.2024"));
        assert!(!is_iso_date("2024-13-01"));
        let errors = parse_text("---\ntitle: A\ndate: 17.05.2024\n---\n").unwrap_err();
        assert_eq!(errors[0].line, 3);
        let toml = parse_text("+++\ntitle = \"A\"\ndate = 2024-05-17\n+++\n").expect("toml date");
        assert_eq!(toml.front.date.as_deref(), Some("2024-05-17"));
    }
}
