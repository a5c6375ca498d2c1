//! Slugs for URLs, taxonomy terms and heading ids, the same in every language.
//!
//! German letters get their conventional spelling (`ä` -> `ae`, `ß` -> `ss`) before every
//! other letter is transliterated to ASCII, so `Geschäftsführung` becomes
//! `geschaeftsfuehrung` rather than `geschaftsfuhrung`; the table of those letters is
//! search's [`SPELLED_OUT`](crate::search::SPELLED_OUT), shared with search and scripts.

use crate::search::spelled_out;

/// Lowercase ASCII slug: German umlauts spelled out, other letters transliterated, every
/// run of other characters one `-`, trimmed at both ends.
pub fn slugify(text: &str) -> String {
    let mut ascii = String::with_capacity(text.len());
    for c in text.chars() {
        match spelled_out(c) {
            Some(spelled) => ascii.push_str(spelled),
            None if c.is_ascii() => ascii.push(c),
            None => ascii.push_str(deunicode::deunicode_char(c).unwrap_or("-")),
        }
    }
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn german_letters_are_spelled_out() {
        assert_eq!(slugify("Geschäftsführung"), "geschaeftsfuehrung");
        assert_eq!(slugify("Überwachung"), "ueberwachung");
        assert_eq!(slugify("Maßnahmen"), "massnahmen");
        assert_eq!(slugify("Kanäle"), "kanaele");
    }

    #[test]
    fn runs_of_other_characters_become_one_dash() {
        assert_eq!(slugify("What's new?"), "what-s-new");
        assert_eq!(slugify("  PR und Marketing  "), "pr-und-marketing");
        assert_eq!(slugify("X (Twitter)"), "x-twitter");
        assert_eq!(slugify("---"), "");
    }

    #[test]
    fn other_scripts_are_transliterated() {
        assert_eq!(slugify("Café Crème"), "cafe-creme");
        assert_eq!(slugify("Łódź"), "lodz");
    }
}
