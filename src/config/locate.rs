//! Places in the text of a TOML file: the line of a key or a setting, and a TOML
//! error as a diagnostic at its place, with the nearest valid key.

use crate::diag::{Diagnostic, line_col, nearest};

/// Line and column of the setting whose value starts at byte `value`: the start of
/// that line's text, where a `key = value` line names its key.
pub(super) fn setting_at(text: &str, value: usize) -> (usize, usize) {
    let value = value.min(text.len());
    let line_start = text[..value].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..value];
    line_col(text, line_start + before.len() - before.trim_start().len())
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
