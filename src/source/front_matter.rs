//! Front matter split off a content file and read as it is written: YAML between
//! `---` lines or TOML between `+++` lines, into a map of fields whose errors keep
//! their line numbers in the file.

use std::path::Path;

use gray_matter::engine::Engine;
use gray_matter::{Matter, Pod};
use serde_json::Value;

use crate::diag::{Diagnostic, line_col};

/// A gray_matter engine that only splits: the front matter is deserialized by
/// [`parse`] itself, so that its errors keep their line numbers.
pub(super) struct Split;

impl Engine for Split {
    fn parse(_content: &str) -> gray_matter::Result<Pod> {
        Ok(Pod::Null)
    }
}

/// Front matter format, from its delimiter.
#[derive(Clone, Copy)]
pub(super) enum Format {
    Yaml,
    Toml,
}

/// Byte spans of the raw front matter and the start of the body, if the file has front
/// matter. gray_matter decides whether there is front matter and what it holds; the
/// offsets are found again here because gray_matter trims them away.
pub(super) fn split(matter: &Matter<Split>, text: &str) -> Option<(usize, usize, usize)> {
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

/// The raw front matter read as a map of fields; `fm_line` is its first line in the
/// file, so that errors point into the file.
pub(super) fn parse_map(
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
