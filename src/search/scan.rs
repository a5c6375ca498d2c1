//! Reading text into folded words: the German-aware folding every search match
//! rests on, and the sentence boundaries the excerpt needs, in a single pass.
//!
//! Folding spells out `ä ö ü ß` (the [`SPELLED_OUT`] table, which slugs use too and
//! which the browser scripts receive generated from here), transliterates every other
//! letter to ASCII and separates words at everything else.

use std::fmt::Write as _;

/// German letters spelled out instead of transliterated (`ä` -> `ae`, where a plain
/// transliteration would drop the umlaut to `a`). The one table behind slugs, search
/// folding and the browser's query folding: theme scripts receive it generated from
/// here (see [`SPELLED_OUT_MARKER`]).
pub const SPELLED_OUT: [(char, &str); 8] = [
    ('ä', "ae"),
    ('ö', "oe"),
    ('ü', "ue"),
    ('ß', "ss"),
    ('Ä', "ae"),
    ('Ö', "oe"),
    ('Ü', "ue"),
    ('ẞ', "ss"),
];

/// What [`SPELLED_OUT`] spells `c` as, if it is one of its letters.
pub fn spelled_out(c: char) -> Option<&'static str> {
    SPELLED_OUT
        .iter()
        .find(|&&(letter, _)| letter == c)
        .map(|&(_, spelled)| spelled)
}

/// Stands in a theme script for [`SPELLED_OUT`] as a JavaScript object literal; the
/// theme replaces it while loading (an unreplaced marker is still valid JavaScript: an
/// empty table).
pub const SPELLED_OUT_MARKER: &str = "/*buyin:spelled-out*/{}";

/// [`SPELLED_OUT`] as a JavaScript object literal of its lowercase letters (scripts
/// lowercase first), ASCII only: `{"\u00e4":"ae",...}`.
pub fn spelled_out_js() -> String {
    let mut out = String::from("{");
    for (letter, spelled) in SPELLED_OUT.iter().filter(|(c, _)| c.is_lowercase()) {
        if out.len() > 1 {
            out.push(',');
        }
        let _ = write!(out, "\"\\u{:04x}\":\"{spelled}\"", u32::from(*letter));
    }
    out.push('}');
    out
}

/// Folds text for matching in every language: lowercase; ä→ae, ö→oe, ü→ue, ß→ss (also
/// uppercase forms); other letters transliterated to ASCII (deunicode); everything else
/// is a word separator. The result is the words joined by single spaces.
///
/// ```text
/// fold("Maßnahmen für die Geschäftsführung!") == "massnahmen fuer die geschaeftsfuehrung"
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_words(text, |word| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    });
    out
}

/// Calls `f` with each word of [`fold`]`(text)`, in order, without building the
/// folded text.
pub(super) fn fold_words(text: &str, f: impl FnMut(&str)) {
    struct Words<F>(F);
    impl<F: FnMut(&str)> Reader<'_> for Words<F> {
        fn word(&mut self, word: &str) {
            (self.0)(word);
        }
    }
    scan(text, &mut Words(f));
}

/// What [`scan`] reports while it reads a text `'t`.
pub(super) trait Reader<'t> {
    /// The next word of [`fold`]`(text)`.
    fn word(&mut self, word: &str);
    /// A non-ASCII letter other than the umlauts and `ß` (for the `fold` table).
    fn letter(&mut self, _letter: char) {}
    /// The end of a sentence: the sentence as it stands in the text, and its length
    /// once white space is collapsed to single spaces and trimmed. A sentence ends at
    /// a line break or after `.`, `!`, `?` or `…` followed by white space; every end
    /// lies on white space, so no word spans two sentences.
    fn sentence(&mut self, _sentence: &'t str, _len: usize) {}
}

/// Reads `text` once, reporting its folded words, letters and sentences in order.
/// Folding: lowercase; ä→ae, ö→oe, ü→ue, ß→ss; other letters transliterated; all
/// else separates words (see [`fold`]).
pub(super) fn scan<'t>(text: &'t str, reader: &mut impl Reader<'t>) {
    let bytes = text.as_bytes();
    // A word that is not one plain ASCII run (it holds capitals, or folded non-ASCII
    // letters) is assembled here.
    let mut word = String::new();
    let mut buffer = String::new();
    // The character before a combining mark, which decides how the mark folds.
    let mut previous = None;
    let followed_by_space = |at: usize| text[at..].chars().next().is_some_and(char::is_whitespace);
    // The sentence being read: where it starts, and its collapsed length so far.
    let mut start = 0;
    let (mut len, mut parts, mut in_part) = (0, 0, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            let run_start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let run = &text[run_start..i];
            previous = Some(char::from(bytes[i - 1]));
            len += run.len();
            parts += usize::from(!in_part);
            in_part = true;
            let ends_word = bytes.get(i).is_none_or(|next| next.is_ascii());
            if word.is_empty() && ends_word && !run.bytes().any(|b| b.is_ascii_uppercase()) {
                // Most words: already folded where they stand.
                reader.word(run);
            } else {
                word.push_str(run);
                word.make_ascii_lowercase();
            }
            continue;
        }
        let (c, width) = match b {
            _ if b.is_ascii() => (char::from(b), 1),
            _ => match text[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            },
        };
        if b.is_ascii() {
            // Every ASCII character but letters and digits separates words.
            if !word.is_empty() {
                reader.word(&word);
                word.clear();
            }
            previous = Some(c);
        }
        // Where a sentence ends, if it ends here: before a line break, after its mark.
        let end = match c {
            '\n' => Some(i),
            '.' | '!' | '?' | '…' if followed_by_space(i + width) => Some(i + width),
            _ => None,
        };
        if end == Some(i) {
            reader.sentence(&text[start..i], len + parts.saturating_sub(1));
            (start, len, parts) = (i, 0, 0);
        }
        if c.is_whitespace() {
            in_part = false;
        } else {
            len += width;
            parts += usize::from(!in_part);
            in_part = true;
        }
        i += width;
        if is_combining_mark(c) {
            // Decomposed umlauts ("u" + U+0308) come from macOS file names and some
            // editors; they must fold like the composed ones, which the browser also
            // sees after NFC. Other marks belong to their letter and are dropped.
            if c == '\u{308}' && matches!(previous, Some('a' | 'o' | 'u' | 'A' | 'O' | 'U')) {
                word.push('e');
            }
            previous = None;
        } else if !b.is_ascii() {
            previous = Some(c);
            if spelled_out(c).is_none() && c.is_alphanumeric() {
                reader.letter(c);
            }
            buffer.clear();
            fold_char(c, &mut buffer);
            for folded in buffer.chars() {
                if folded != ' ' {
                    word.push(folded);
                } else if !word.is_empty() {
                    reader.word(&word);
                    word.clear();
                }
            }
        }
        if end == Some(i) {
            if !word.is_empty() {
                reader.word(&word);
                word.clear();
            }
            reader.sentence(&text[start..i], len + parts.saturating_sub(1));
            (start, len, parts, in_part) = (i, 0, 0, false);
        }
    }
    if !word.is_empty() {
        reader.word(&word);
    }
    reader.sentence(&text[start..], len + parts.saturating_sub(1));
}

/// Splits folded text into words.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
}

/// Appends what one character folds to, separators as spaces (the `fold` table's
/// values have the same form).
pub(super) fn fold_char(c: char, out: &mut String) {
    if let Some(spelled) = spelled_out(c) {
        out.push_str(spelled);
        return;
    }
    match c {
        c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
        c if c.is_alphanumeric() => match deunicode::deunicode_char(c) {
            Some(ascii) => {
                for a in ascii.chars() {
                    out.push(if a.is_ascii_alphanumeric() {
                        a.to_ascii_lowercase()
                    } else {
                        ' '
                    });
                }
            }
            None => out.push(' '),
        },
        _ => out.push(' '),
    }
}

/// Combining marks of the blocks Latin, Greek and Cyrillic text uses. Enough to keep
/// decomposed accents inside their word without a Unicode table.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{300}'..='\u{36F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_spells_out_umlauts_and_sharp_s() {
        assert_eq!(fold("Geschäftsführung"), "geschaeftsfuehrung");
        assert_eq!(fold("Maßnahmen"), "massnahmen");
        assert_eq!(fold("ÄRGER ÖL ÜBER GROẞ"), "aerger oel ueber gross");
        assert_eq!(fold("Öffentlichkeit"), "oeffentlichkeit");
    }

    #[test]
    fn fold_transliterates_other_letters() {
        assert_eq!(fold("Café résumé"), "cafe resume");
        assert_eq!(fold("Ærø Łódź"), "aero lodz");
        assert_eq!(fold("Москва"), "moskva");
    }

    #[test]
    fn fold_treats_decomposed_umlauts_like_composed_ones() {
        assert_eq!(fold("Gescha\u{308}ftsfu\u{308}hrung"), "geschaeftsfuehrung");
        assert_eq!(fold("Cafe\u{301}"), "cafe");
    }

    #[test]
    fn fold_separates_words_at_everything_else() {
        assert_eq!(
            fold("IT-Abteilung, Social-Media!"),
            "it abteilung social media"
        );
        assert_eq!(fold("  „Wer?“ — 24/7 …  "), "wer 24 7");
        assert_eq!(fold("What's new?"), "what s new");
        assert_eq!(fold("😀 !!"), "");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn words_splits_folded_text() {
        let folded = fold("Der Datenschutz, die IT.");
        assert_eq!(
            words(&folded).collect::<Vec<_>>(),
            ["der", "datenschutz", "die", "it"]
        );
        assert_eq!(words("").count(), 0);
        assert_eq!(words("  a  b ").collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn the_spelled_out_table_reaches_scripts_as_ascii_javascript() {
        assert_eq!(
            spelled_out_js(),
            r#"{"\u00e4":"ae","\u00f6":"oe","\u00fc":"ue","\u00df":"ss"}"#
        );
        assert_eq!(spelled_out('Ü'), Some("ue"));
        assert_eq!(spelled_out('é'), None);
    }
}
