//! Placeholder text (`TODO`) left in a published file: a warning for each line.

use std::path::Path;

use super::PLACEHOLDER;
use crate::diag::Diagnostic;

/// A warning for every line of a published file that still holds placeholder text,
/// outside fenced code (where `TODO` may be an example).
pub(super) fn placeholders(path: &Path, text: &str) -> Vec<Diagnostic> {
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
        found.push(
            Diagnostic::coded_error(
                path,
                n + 1,
                col,
                "placeholder-left",
                &[("text", &shown), ("marker", PLACEHOLDER)],
            )
            .warning(),
        );
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
