//! Diagnostics: every user-facing problem of a run as data.
//!
//! Each stage of the pipeline pushes [`Diagnostic`]s into a [`Diagnostics`] list instead
//! of stopping at the first problem; `main.rs` sorts and prints them, then the count.
//!
//! # Writing a diagnostic in the author's language
//!
//! A diagnostic names its text by a stable `code` and passes named values; the text
//! itself lives in the message catalogue ([`crate::catalog`],
//! `themes/default/strings/messages/<lang>.toml`), one entry per language:
//!
//! ```toml
//! [diag.unknown-kind]
//! message = "unknown kind '{kind}'"
//! hint = "kinds are: {kinds}"      # optional; shown under the message
//! ```
//!
//! ```
//! use buyin::diag::Diagnostic;
//! let d = Diagnostic::coded_error("content/x.md", 3, 1, "unknown-kind", &[("kind", "seite"), ("kinds", "page, argument")]);
//! assert_eq!(d.entry.code, "unknown-kind");
//! assert_eq!(d.message, "unknown kind 'seite'");              // English, for tests and logs
//! let de = buyin::catalog::Catalog::for_language("de");
//! assert_eq!(d.localized(&de).message, "unbekannte Art 'seite'"); // what `main.rs` prints
//! ```
//!
//! A hint that only sometimes applies is its own entry under `[hint]`, added with
//! [`Diagnostic::with_hint_code`]. `main.rs` prints every diagnostic in the project's
//! language ([`crate::catalog::Catalog::for_project`]); the `error: PATH:LINE:COL:` prefix
//! and the `code` (also in `check --format json`) are the same in every language.
//! [`Diagnostic::error`] with a ready text still works for problems not yet in the
//! catalogue (their `code` is empty and they print as written).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::catalog::{Args, Catalog};

/// How bad a diagnostic is: errors fail the run, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a file of the project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Diagnostic {
    /// Path relative to the project root, with `/` separators.
    pub path: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    pub severity: Severity,
    /// Where the text comes from in the message catalogue (boxed: diagnostics travel in
    /// `Result`s and stay small).
    #[serde(flatten)]
    pub entry: Box<Entry>,
    /// The message (in English until [`Diagnostic::localized`]).
    pub message: String,
    pub hint: Option<String>,
}

/// The catalogue entry of a diagnostic's text and the values it fills in.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Entry {
    /// Stable, language-independent name of the problem (`unknown-field`); empty for a
    /// text not yet in the message catalogue.
    pub code: &'static str,
    /// The named values the catalogue's text fills in.
    pub args: BTreeMap<String, String>,
    /// Catalogue key of the hint, to show it in another language.
    #[serde(skip)]
    pub hint_key: Option<String>,
    /// Named values that are catalogue texts themselves (`reason` = `reason.symlink`),
    /// filled in the diagnostic's language before the message, in this order.
    #[serde(skip)]
    pub parts: Vec<(String, String)>,
}

impl Diagnostic {
    /// An error at `path:line:col`.
    pub fn error(
        path: impl AsRef<Path>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: display_path(path.as_ref()),
            line,
            col,
            severity: Severity::Error,
            entry: Box::default(),
            message: message.into(),
            hint: None,
        }
    }

    /// An error that belongs to no file, such as a bad command-line value; shown as
    /// `error: message`.
    pub fn general(message: impl Into<String>) -> Self {
        Diagnostic::error("", 0, 0, message)
    }

    /// An error whose text is the catalogue's `[diag.CODE]` entry with `args` filled in.
    pub fn coded_error(
        path: impl AsRef<Path>,
        line: usize,
        col: usize,
        code: &'static str,
        args: &Args,
    ) -> Self {
        let mut d = Diagnostic::error(path, line, col, String::new());
        d.entry.code = code;
        d.entry.args = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let hint = format!("diag.{code}.hint");
        if Catalog::english().has(&hint) {
            d.entry.hint_key = Some(hint);
        }
        d.localized(&Catalog::english())
    }

    /// The same diagnostic as a warning: `Diagnostic::coded_error(…).warning()` is the
    /// catalogue's `[diag.CODE]` entry as a warning.
    pub fn warning(self) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..self
        }
    }

    /// An error with the catalogue's `[diag.CODE]` text that is not yet placed in a file;
    /// whoever knows the place sets it with [`Diagnostic::at`].
    pub fn coded(code: &'static str, args: &Args) -> Self {
        Diagnostic::coded_error("", 0, 0, code, args)
    }

    /// The same diagnostic at `path:line:col`.
    pub fn at(mut self, path: impl AsRef<Path>, line: usize, col: usize) -> Self {
        self.path = display_path(path.as_ref());
        self.line = line;
        self.col = col;
        self
    }

    /// Adds the named value `name` (for a text that names more than its finder knew,
    /// such as the shortcode around a bad argument).
    pub fn with_arg(mut self, name: &str, value: &str) -> Self {
        self.entry.args.insert(name.to_string(), value.to_string());
        self.localized(&Catalog::english())
    }

    /// Adds the named value `name` whose text is the catalogue's entry `key` (filled with
    /// the diagnostic's values), so that it too shows in the reader's language.
    /// In `check --format json` the value's `args` entry is that key, the same in every
    /// language.
    pub fn with_part(mut self, name: &str, key: &str) -> Self {
        self.entry.args.insert(name.to_string(), key.to_string());
        self.entry.parts.push((name.to_string(), key.to_string()));
        self.localized(&Catalog::english())
    }

    /// The same diagnostic with the catalogue text `text` as its value `name`, shown in
    /// the diagnostic's language (the text's values must not share a name with the
    /// diagnostic's).
    pub fn with_text(self, name: &str, text: crate::catalog::Text) -> Self {
        text.args
            .iter()
            .fold(self, |d, (k, v)| d.with_arg(k, v))
            .with_part(name, text.key)
    }

    /// Adds the hint `[hint.NAME]` of the catalogue, filled with the diagnostic's values
    /// and `args`.
    pub fn with_hint_code(mut self, name: &str, args: &Args) -> Self {
        for (k, v) in args {
            self.entry.args.insert(k.to_string(), v.to_string());
        }
        self.entry.hint_key = Some(format!("hint.{name}"));
        self.localized(&Catalog::english())
    }

    /// The same diagnostic with its message and hint in the language of `catalog`.
    pub fn localized(&self, catalog: &Catalog) -> Diagnostic {
        let mut d = self.clone();
        let mut values = self.entry.args.clone();
        for (name, key) in &self.entry.parts {
            let filled = {
                let args: Vec<(&str, &str)> = values
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                catalog.text(key, &args)
            };
            values.insert(name.clone(), filled);
        }
        let args: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if !self.entry.code.is_empty() {
            d.message = catalog.text(&format!("diag.{}.message", self.entry.code), &args);
        }
        if let Some(key) = &self.entry.hint_key {
            d.hint = Some(catalog.text(key, &args));
        }
        d
    }

    /// The diagnostic as printed, in the language of `catalog`: `error: PATH:LINE:COL:
    /// message` and `  hint: …` below it (the labels are the same in every language, so
    /// tools and people can rely on them).
    pub fn render(&self, catalog: &Catalog) -> String {
        self.localized(catalog).to_string()
    }

    fn location_line(&self) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // One diagnostic is one line (plus its hint), whatever a file name or a parser's
        // message holds, so that tools can read the output line by line.
        let message = one_line(&self.message);
        if self.path.is_empty() {
            return format!("{label}: {message}");
        }
        format!(
            "{label}: {}:{}:{}: {message}",
            escape_controls(&self.path),
            self.line.max(1),
            self.col.max(1),
        )
    }

    /// Adds a hint saying how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.entry.hint_key = None;
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.location_line())?;
        if let Some(hint) = &self.hint {
            // Lines of a multi-line hint stay indented under it, so that every line that
            // starts at the margin is a diagnostic of its own.
            write!(f, "\n  hint: {}", hint.replace('\n', "\n        "))?;
        }
        Ok(())
    }
}

/// `text` on one line: its lines trimmed and joined with "; ".
fn one_line(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return text.to_string();
    }
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// `path` with its control characters (a newline in a file name) written as escapes.
fn escape_controls(path: &str) -> String {
    path.chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect()
}

/// The diagnostics of one run, in the order they were found until [`Diagnostics::sorted`].
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Takes over every diagnostic of `other`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// All diagnostics, sorted by path, line, column, and without repeats.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort();
        items.dedup();
        items
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A path as shown to users: forward slashes on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// 1-based line and column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(distance, c)| *distance <= (c.len().max(word.len()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\näöx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.len()), (2, 4));
    }

    #[test]
    fn nearest_finds_typos_only() {
        let keys = ["stakeholders", "departments", "title"];
        assert_eq!(nearest("stakehodlers", keys), Some("stakeholders"));
        assert_eq!(nearest("titel", keys), Some("title"));
        assert_eq!(nearest("colour", keys), None);
    }

    #[test]
    fn a_diagnostic_is_one_line_whatever_its_path_and_message_hold() {
        let d = Diagnostic::error(
            "content/zeile\numbruch.md",
            4,
            2,
            "invalid TOML (invalid table header\nduplicate key `x`)",
        );
        assert_eq!(
            d.to_string(),
            "error: content/zeile\\numbruch.md:4:2: invalid TOML (invalid table header; \
             duplicate key `x`)"
        );
    }
}
