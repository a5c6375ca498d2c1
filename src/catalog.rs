//! The message catalogue: every text the command line and the diagnostics show, in each
//! language buyin ships, kept as data beside the theme's UI strings
//! (`themes/default/strings/messages/<lang>.toml`), not in code.
//!
//! Texts are found by a stable key (a diagnostic's `code`, or `cli.built`) and fill in
//! named values written `{name}`. English is the fallback for a key a translation lacks;
//! a key missing everywhere shows as itself, so a forgotten entry is visible, not silent.
//! Counted texts have `one` and `other` forms (`[count] errors = { one = …, other = … }`).
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

    /// The catalogue for the project at `root`: its `[book] language` (read leniently,
    /// so that even a broken `book.toml` gets its errors in its language), unless
    /// `BUYIN_LANG` says otherwise.
    pub fn for_root(root: &std::path::Path) -> Catalog {
        let language = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE))
            .ok()
            .and_then(|text| {
                let table = toml::from_str::<toml::Table>(&text).ok()?;
                Some(table.get("book")?.get("language")?.as_str()?.to_string())
            });
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
            Some(template) => fill(template, args),
            None => key.to_string(),
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

/// Replaces every `{name}` of `template` whose name is in `args`.
fn fill(template: &str, args: &Args) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after
            .find('}')
            .and_then(|end| Some((end, args.iter().find(|(k, _)| *k == &after[..end])?.1)));
        match value {
            Some((end, value)) => {
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
        assert_eq!(fill("a {x} {y} {", &[("x", "1")]), "a 1 {y} {");
        assert_eq!(de.text("no.such.key", &[]), "no.such.key");
        assert_eq!(Catalog::for_language("fr").language(), "en");
    }
}
