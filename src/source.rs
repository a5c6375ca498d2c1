//! Content files -> [`Source`]s: the second stage of the pipeline.
//!
//! Walks the content folder, reads each Markdown file as UTF-8, splits the front matter
//! off with gray_matter (YAML `---` or TOML `+++`), deserializes it ourselves so that
//! errors keep their line numbers, and checks it against the fields of its kind. Files
//! are parsed in parallel; every problem of every file is collected.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gray_matter::engine::Engine;
use gray_matter::{Matter, Pod};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::config::{Config, find_key};
use crate::diag::{Diagnostic, Diagnostics, display_path, line_col, nearest};

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

const COMMON_FIELDS: [&str; 8] = [
    "title",
    "description",
    "weight",
    "draft",
    "slug",
    "date",
    "reviewed",
    "kind",
];

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
        &self.text[self.body_start..]
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

/// A gray_matter engine that only splits: the front matter is deserialized by
/// [`parse`] itself, so that its errors keep their line numbers.
struct Split;

impl Engine for Split {
    fn parse(_content: &str) -> gray_matter::Result<Pod> {
        Ok(Pod::Null)
    }
}

/// Front matter format, from its delimiter.
#[derive(Clone, Copy)]
enum Format {
    Yaml,
    Toml,
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

/// A warning for every line of a published file that still holds placeholder text,
/// outside fenced code (where `TODO` may be an example).
fn placeholders(path: &Path, text: &str) -> Vec<Diagnostic> {
    let mut fence: Option<&str> = None;
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m)) if open == m => fence = None,
            _ => {}
        }
        if fence.is_some() || marker.is_some() {
            continue;
        }
        let Some(at) = find_word(line, PLACEHOLDER) else {
            continue;
        };
        // In quotes (`title: "TODO: …"`), the placeholder ends where its quotes do.
        let text = match line[..at].chars().next_back() {
            Some(quote @ ('"' | '\'')) => line[at..].split(quote).next().unwrap_or_default(),
            _ => &line[at..],
        };
        let shown: String = text.trim().chars().take(60).collect();
        let col = line[..at].chars().count() + 1;
        found.push(Diagnostic::coded_warning(
            path,
            n + 1,
            col,
            "placeholder-left",
            &[("text", &shown), ("marker", PLACEHOLDER)],
        ));
    }
    found
}

/// Byte offset of `word` in `line` standing alone (not inside a longer word).
fn find_word(line: &str, word: &str) -> Option<usize> {
    line.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn not_utf8(path: &Path, e: &std::string::FromUtf8Error) -> Vec<Diagnostic> {
    let valid = e.utf8_error().valid_up_to();
    let (line, col) = line_col(&String::from_utf8_lossy(&e.as_bytes()[..valid]), valid);
    vec![Diagnostic::coded_error(path, line, col, "not-utf8", &[])]
}

/// Byte spans of the raw front matter and the start of the body, if the file has front
/// matter. gray_matter decides whether there is front matter and what it holds; the
/// offsets are found again here because gray_matter trims them away.
fn split(matter: &Matter<Split>, text: &str) -> Option<(usize, usize, usize)> {
    let parsed = matter.parse::<Pod>(text).ok()?;
    let first_end = text.find('\n')? + 1;
    if text[..first_end].trim_end() != matter.delimiter {
        return None;
    }
    let mut offset = first_end;
    for line in text[first_end..].split_inclusive('\n') {
        if line.trim_end() == matter.delimiter {
            debug_assert!(parsed.matter.len() <= offset - first_end);
            return Some((first_end, offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

fn parse_map(
    raw: &str,
    format: Format,
    fm_line: usize,
    path: &Path,
) -> Result<serde_json::Map<String, Value>, Vec<Diagnostic>> {
    let value = match format {
        Format::Yaml => {
            if raw.trim().is_empty() {
                Value::Object(Default::default())
            } else {
                serde_yaml_ng::from_str::<Value>(raw).map_err(|e| {
                    let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
                    let message = e.to_string();
                    let message = message
                        .split(" at line ")
                        .next()
                        .unwrap_or(&message)
                        .to_string();
                    vec![Diagnostic::coded_error(
                        path,
                        fm_line + line.saturating_sub(1),
                        col,
                        "invalid-yaml",
                        &[("error", &message)],
                    )]
                })?
            }
        }
        Format::Toml => {
            let table = toml::from_str::<toml::Table>(raw).map_err(|e| {
                let (line, col) = e.span().map_or((0, 0), |s| line_col(raw, s.start));
                vec![Diagnostic::coded_error(
                    path,
                    fm_line + line.saturating_sub(1),
                    col,
                    "invalid-toml-front-matter",
                    &[("error", e.message().trim())],
                )]
            })?;
            toml_to_json(toml::Value::Table(table))
        }
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Default::default()),
        _ => Err(vec![Diagnostic::coded_error(
            path,
            fm_line,
            1,
            "front-matter-not-table",
            &[],
        )]),
    }
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

/// The front-matter map of one file while its fields are taken out and checked.
struct Fields<'a> {
    path: &'a Path,
    text: &'a str,
    map: serde_json::Map<String, Value>,
    errors: Vec<Diagnostic>,
}

impl Fields<'_> {
    fn front_matter(&mut self, config: &Config) -> FrontMatter {
        let kind = match self.map.get("kind") {
            None => Kind::Page,
            Some(Value::String(name)) => match Kind::ALL.iter().find(|(n, _)| n == name) {
                Some((_, kind)) => *kind,
                None => {
                    let names = Kind::ALL.map(|(n, _)| n);
                    let kinds = names.join(", ");
                    let d = self
                        .coded("kind", "unknown-kind", &[("kind", name)])
                        .with_hint_code("kinds", &[("kinds", &kinds)]);
                    self.errors.push(match nearest(name, names) {
                        Some(near) => d.with_hint_code("did-you-mean-kind", &[("near", near)]),
                        None => d,
                    });
                    Kind::Page
                }
            },
            Some(_) => {
                let d = self.coded("kind", "kind-not-text", &[]);
                self.errors.push(d);
                Kind::Page
            }
        };
        self.check_unknown(kind, config);

        let title = match self.take::<String>("title") {
            Some(title) if !title.trim().is_empty() => title,
            Some(_) => {
                let d = self.coded("title", "empty-title", &[]);
                self.errors.push(d);
                String::new()
            }
            None => {
                if !self.map.contains_key("title") {
                    self.errors.push(Diagnostic::coded_error(
                        self.path,
                        1,
                        1,
                        "missing-title",
                        &[],
                    ));
                }
                String::new()
            }
        };
        let date = self
            .take::<Value>("date")
            .and_then(|value| self.date("date", value));
        let reviewed = self
            .take::<Value>("reviewed")
            .and_then(|value| self.date("reviewed", value));
        let mut taxonomies = BTreeMap::new();
        for taxonomy in &config.taxonomies {
            if let Some(terms) = self.take::<Vec<String>>(&taxonomy.key) {
                let terms: Vec<String> = terms
                    .into_iter()
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
                taxonomies.insert(taxonomy.key.clone(), terms);
            }
        }
        let kind_data = self.kind_data(kind, &taxonomies);
        FrontMatter {
            title,
            description: self.take("description"),
            weight: self.take("weight"),
            draft: self.take("draft").unwrap_or(false),
            slug: self.take("slug"),
            date,
            reviewed,
            taxonomies,
            kind: kind_data,
        }
    }

    fn kind_data(&mut self, kind: Kind, taxonomies: &BTreeMap<String, Vec<String>>) -> KindData {
        match kind {
            Kind::Page => KindData::Page,
            Kind::Argument => {
                let objection = self.required::<String>("objection", "missing-objection");
                if taxonomies.get("stakeholders").is_none_or(Vec::is_empty) {
                    let line = if self.map.contains_key("stakeholders") {
                        self.line("stakeholders")
                    } else {
                        1
                    };
                    self.errors.push(Diagnostic::coded_error(
                        self.path,
                        line,
                        1,
                        "no-stakeholders",
                        &[],
                    ));
                }
                KindData::Argument(Argument {
                    objection: objection.unwrap_or_default(),
                    evidence: self.take("evidence").unwrap_or_default(),
                    summary: self.summary(),
                })
            }
            Kind::Case => {
                let metrics = self
                    .take::<Vec<BTreeMap<String, Value>>>("metrics")
                    .unwrap_or_default();
                let metrics = metrics.into_iter().filter_map(|m| self.metric(m)).collect();
                KindData::Case(Case {
                    organization: self.take("organization"),
                    industry: self.take("industry"),
                    size: self.take::<Value>("size").map(scalar_text),
                    year: self.take::<Value>("year").map(scalar_text),
                    metrics,
                    source: self.take("source"),
                })
            }
            Kind::Deck => KindData::Deck(DeckMeta {
                duration: self.take("duration"),
                audience: self.take("audience"),
                incremental: self.take("incremental").unwrap_or(false),
            }),
            Kind::Stage => KindData::Stage(Stage {
                stage: self.required("stage", "missing-stage").unwrap_or(0),
                effort: self.take::<Value>("effort").map(scalar_text),
                goals: self.take("goals").unwrap_or_default(),
            }),
        }
    }

    /// `summary`: a text, or a list of one to [`SUMMARY_POINTS`] texts; none empty.
    fn summary(&mut self) -> Vec<String> {
        let points = match self.take::<Value>("summary") {
            None => return Vec::new(),
            Some(Value::String(text)) => vec![text],
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                items.into_iter().map(scalar_text).collect()
            }
            Some(_) => {
                let d = self.coded("summary", "summary-not-text", &[]);
                self.errors.push(d);
                return Vec::new();
            }
        };
        let points: Vec<String> = points.iter().map(|p| p.trim().to_string()).collect();
        if points.is_empty() || points.iter().any(String::is_empty) {
            let d = self.coded("summary", "summary-empty", &[]);
            self.errors.push(d);
            return Vec::new();
        }
        if points.len() > SUMMARY_POINTS {
            let (count, most) = (points.len().to_string(), SUMMARY_POINTS.to_string());
            let d = self.coded(
                "summary",
                "summary-too-long",
                &[("count", &count), ("most", &most)],
            );
            self.errors.push(d);
        }
        points
    }

    fn metric(&mut self, mut map: BTreeMap<String, Value>) -> Option<Metric> {
        let label = map.remove("label");
        let value = map.remove("value");
        if let Some(key) = map.keys().next() {
            let d = self.coded("metrics", "unknown-metric-field", &[("field", key)]);
            self.errors.push(d);
            return None;
        }
        match (label, value) {
            (Some(Value::String(label)), Some(value @ (Value::String(_) | Value::Number(_)))) => {
                Some(Metric {
                    label,
                    number: value.as_f64(),
                    value: scalar_text(value),
                })
            }
            _ => {
                let d = self.coded("metrics", "bad-metric", &[]);
                self.errors.push(d);
                None
            }
        }
    }

    fn check_unknown(&mut self, kind: Kind, config: &Config) {
        let known: Vec<&str> = COMMON_FIELDS
            .iter()
            .copied()
            .chain(kind.fields().iter().copied())
            .chain(config.taxonomies.iter().map(|t| t.key.as_str()))
            .collect();
        let unknown: Vec<String> = self
            .map
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            let other_kind = Kind::ALL
                .iter()
                .find(|(_, k)| k.fields().contains(&key.as_str()));
            let field = [("field", key.as_str())];
            let d = match (nearest(&key, known.iter().copied()), other_kind) {
                (Some(near), _) => self.coded(
                    &key,
                    "unknown-field-near",
                    &[("field", &key), ("near", near)],
                ),
                (None, Some((name, _))) => self
                    .coded(
                        &key,
                        "unknown-field-for-kind",
                        &[("field", &key), ("kind", kind.name())],
                    )
                    .with_hint_code("field-of-other-kind", &[("other", name)]),
                (None, None) => self
                    .coded(&key, "unknown-field", &field)
                    .with_hint_code("valid-fields", &[("fields", &known.join(", "))]),
            };
            self.errors.push(d);
            self.map.remove(&key);
        }
    }

    fn date(&mut self, key: &str, value: Value) -> Option<String> {
        match value {
            Value::String(s) if is_iso_date(s.trim()) => Some(s.trim().to_string()),
            other => {
                let d = self.coded(key, "invalid-date", &[("value", &other.to_string())]);
                self.errors.push(d);
                None
            }
        }
    }

    /// A required field; `code` names the diagnostic for its absence.
    fn required<T: serde::de::DeserializeOwned>(
        &mut self,
        key: &str,
        code: &'static str,
    ) -> Option<T> {
        if !self.map.contains_key(key) {
            self.errors
                .push(Diagnostic::coded_error(self.path, 1, 1, code, &[]));
            return None;
        }
        self.take(key)
    }

    /// Removes `key` and converts it; a value of the wrong type is an error at its line.
    fn take<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let value = self.map.remove(key)?;
        if value.is_null() {
            return None;
        }
        let shown = value.to_string();
        match serde_json::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let expected = e.to_string();
                let expected = expected
                    .split("expected ")
                    .nth(1)
                    .unwrap_or("another type")
                    .to_string();
                let d = self.coded(
                    key,
                    "wrong-type",
                    &[("field", key), ("found", &shown), ("expected", &expected)],
                );
                self.errors.push(d);
                None
            }
        }
    }

    fn line(&self, key: &str) -> usize {
        find_key(self.text, key).map_or(1, |(line, _)| line)
    }

    /// The catalogue's diagnostic `code`, at the line of front-matter `key`.
    fn coded(&self, key: &str, code: &'static str, args: &crate::catalog::Args) -> Diagnostic {
        let (line, col) = find_key(self.text, key).unwrap_or((1, 1));
        Diagnostic::coded_error(self.path, line, col, code, args)
    }
}

fn scalar_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Whether `s` is an ISO 8601 date (`2024-05-17`) or datetime (`2024-05-17T09:30:00`,
/// optionally with fractional seconds and `Z` or an offset; a space may replace `T`).
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let date_ok = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && {
            let month: u32 = s[5..7].parse().unwrap_or(0);
            let day: u32 = s[8..10].parse().unwrap_or(0);
            (1..=12).contains(&month) && (1..=31).contains(&day)
        };
    if !date_ok {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    if !matches!(b[10], b'T' | b't' | b' ')
        || b.len() < 16
        || !(digits(11..13) && b[13] == b':' && digits(14..16))
    {
        return false;
    }
    let mut rest = &s[16..];
    if let Some(r) = rest.strip_prefix(':') {
        if r.len() < 2 || !r[..2].bytes().all(|c| c.is_ascii_digit()) {
            return false;
        }
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return false;
            }
            rest = &r[n..];
        }
    }
    match rest {
        "" | "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[1..3].iter().all(u8::is_ascii_digit)
                && o[3] == b':'
                && o[4..6].iter().all(u8::is_ascii_digit)
        }
    }
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
    fn a_placeholder_in_quotes_shows_without_its_closing_quote() {
        let found = placeholders(
            Path::new("content/x.md"),
            "title: \"TODO: Titel\"\nsummary: 'TODO'\nText TODO später\n",
        );
        let shown: Vec<&str> = found
            .iter()
            .map(|d| d.entry.args["text"].as_str())
            .collect();
        assert_eq!(shown, ["TODO: Titel", "TODO", "TODO später"]);
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
}
