//! The message catalogue: every text the command line and the diagnostics show, in each
//! language buyin ships, kept as data beside the theme's UI strings
//! (`themes/default/strings/messages/<lang>.toml`), not in code.
//!
//! Texts are found by a stable key (a diagnostic's `code`, or `cli.built`) and fill in
//! named values written `{name}`. English is the fallback for a key a translation lacks;
//! a key missing everywhere shows as itself, so a forgotten entry is visible, not silent.
//! Counted texts have `one` and `other` forms (`[count] errors = { one = …, other = … }`).
//! A value written `{name:number}` is a decimal number shown the way the language writes
//! it (`2.40` in English, `2,40` in German).
//! See [`crate::diag`] for how diagnostics use it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Environment variable that picks the language of messages over `[book] language`.
pub const LANGUAGE_VARIABLE: &str = "BUYIN_LANG";

const SHIPPED: [(&str, &str); 2] = [
    (
        "en",
        include_str!("../themes/default/strings/messages/en.toml"),
    ),
    (
        "de",
        include_str!("../themes/default/strings/messages/de.toml"),
    ),
];

/// Named values filled into a text: `("field", "stakehodlers")`.
pub type Args<'a> = [(&'a str, &'a str)];

/// A catalogue text not yet put into words: its key and named values, so that it shows
/// in the reader's language wherever it ends up (the reason inside an export error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub key: &'static str,
    pub args: Vec<(String, String)>,
}

impl Text {
    /// The text `key` with the values `args`.
    pub fn new(key: &'static str, args: &Args) -> Text {
        Text {
            key,
            args: args
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
}

/// The messages of one language.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    language: &'static str,
    texts: &'static BTreeMap<String, String>,
}

impl Catalog {
    /// The catalogue of `language` (`de`, `de-AT`, `en` …); English when none ships.
    pub fn for_language(language: &str) -> Catalog {
        let primary = language
            .split(['-', '_'])
            .next()
            .unwrap_or(language)
            .to_ascii_lowercase();
        let all = catalogs();
        let (language, texts) = all
            .iter()
            .find(|(lang, _)| *lang == primary)
            .unwrap_or(&all[0]);
        Catalog { language, texts }
    }

    /// The English catalogue, which also holds the text stored in every diagnostic.
    pub fn english() -> Catalog {
        Catalog::for_language("en")
    }

    /// The catalogue for a project written in `language`, unless `BUYIN_LANG` says
    /// otherwise.
    pub fn for_project(language: &str) -> Catalog {
        match std::env::var(LANGUAGE_VARIABLE) {
            Ok(chosen) if !chosen.trim().is_empty() => Catalog::for_language(chosen.trim()),
            _ => Catalog::for_language(language),
        }
    }

    /// The catalogue for the project whose `book.toml` is at `book`: its `[book]
    /// language` (read leniently, so that even a broken `book.toml` gets its errors in
    /// its language), unless `BUYIN_LANG` says otherwise.
    pub fn for_book(book: &std::path::Path) -> Catalog {
        let language = std::fs::read(book)
            .ok()
            .and_then(|bytes| language_of(&String::from_utf8_lossy(&bytes)));
        Catalog::for_project(language.as_deref().unwrap_or("en"))
    }

    /// The language code of this catalogue.
    pub fn language(&self) -> &'static str {
        self.language
    }

    /// Whether this catalogue (or the English fallback) has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.lookup(key).is_some()
    }

    /// The text of `key` with `args` filled in.
    pub fn text(&self, key: &str, args: &Args) -> String {
        match self.lookup(key) {
            Some(template) => fill(template, args, self.decimal_separator()),
            None => key.to_string(),
        }
    }

    /// The character between the whole and the fractional part of a number.
    fn decimal_separator(&self) -> char {
        match self.language {
            "de" => ',',
            _ => '.',
        }
    }

    /// The counted text of `key` for `n` (`1 error`, `2 errors`); `{n}` is the number.
    pub fn count(&self, key: &str, n: usize, args: &Args) -> String {
        let form = if n == 1 { "one" } else { "other" };
        let number = n.to_string();
        let mut all: Vec<(&str, &str)> = vec![("n", &number)];
        all.extend_from_slice(args);
        self.text(&format!("count.{key}.{form}"), &all)
    }

    fn lookup(&self, key: &str) -> Option<&'static str> {
        self.texts
            .get(key)
            .or_else(|| catalogs()[0].1.get(key))
            .map(String::as_str)
    }
}

/// The `[book] language` of a `book.toml` text. Read line by line when the file is not
/// valid TOML (or was not valid UTF-8 and lost bytes), so that the error about it still
/// comes in the project's language.
fn language_of(text: &str) -> Option<String> {
    if let Ok(table) = toml::from_str::<toml::Table>(text) {
        return Some(table.get("book")?.get("language")?.as_str()?.to_string());
    }
    let mut in_book = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_book = line
                .trim_start_matches('[')
                .trim_start()
                .starts_with("book")
                && line.trim_end_matches(']').trim_end().ends_with("book");
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if in_book && key.trim() == "language" {
            let value = value.trim();
            let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let rest = &value[1..];
            return Some(rest[..rest.find(quote)?].to_string());
        }
    }
    None
}

fn catalogs() -> &'static [(&'static str, BTreeMap<String, String>)] {
    static CATALOGS: OnceLock<Vec<(&'static str, BTreeMap<String, String>)>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|(lang, text)| {
                let mut texts = BTreeMap::new();
                // The shipped files are tested below; a broken one leaves keys showing.
                if let Ok(table) = toml::from_str::<toml::Table>(text) {
                    flatten("", &table, &mut texts);
                }
                (*lang, texts)
            })
            .collect()
    })
}

fn flatten(prefix: &str, table: &toml::Table, into: &mut BTreeMap<String, String>) {
    for (key, value) in table {
        let key = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&key, inner, into),
            toml::Value::String(text) => {
                into.insert(key, text.clone());
            }
            other => {
                into.insert(key, other.to_string());
            }
        }
    }
}

/// Replaces every `{name}` of `template` whose name is in `args`; `{name:number}` shows
/// the value's decimal point as `decimal`.
fn fill(template: &str, args: &Args, decimal: char) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let (name, number) = match after[..end].strip_suffix(":number") {
                Some(name) => (name, true),
                None => (&after[..end], false),
            };
            let value = args.iter().find(|(k, _)| *k == name)?.1;
            Some((end, value, number))
        });
        match value {
            Some((end, value, true)) => {
                out.push_str(&value.replace('.', &decimal.to_string()));
                rest = &after[end + 1..];
            }
            Some((end, value, false)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_catalogue_parses_and_has_the_english_keys() {
        let english = &catalogs()[0].1;
        for (lang, text) in SHIPPED {
            let parsed = toml::from_str::<toml::Table>(text);
            assert!(parsed.is_ok(), "{lang}: {parsed:?}");
            let texts = &catalogs().iter().find(|(l, _)| *l == lang).expect(lang).1;
            let missing: Vec<&String> =
                english.keys().filter(|k| !texts.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    #[test]
    fn texts_fill_named_values_and_count() {
        let de = Catalog::for_language("de-DE");
        assert_eq!(de.language(), "de");
        assert_eq!(de.count("errors", 1, &[]), "1 Fehler");
        assert_eq!(Catalog::english().count("errors", 2, &[]), "2 errors");
        assert_eq!(fill("a {x} {y} {", &[("x", "1")], '.'), "a 1 {y} {");
        assert_eq!(
            fill("{r:number}:1 {r}", &[("r", "2.40")], ','),
            "2,40:1 2.40"
        );
        assert_eq!(de.text("no.such.key", &[]), "no.such.key");
        assert_eq!(Catalog::for_language("fr").language(), "en");
    }

    #[test]
    fn the_language_is_found_in_a_book_toml_that_does_not_parse() {
        let broken = "[book]\ntitle = \"Caf\u{fffd}\"\nlanguage = \"de\"\nbad line\n";
        assert_eq!(language_of(broken).as_deref(), Some("de"));
        assert_eq!(language_of("[other]\nlanguage = 'de'\n"), None);
        assert_eq!(
            language_of("[book]\nlanguage = 'en'\n").as_deref(),
            Some("en")
        );
    }
}
