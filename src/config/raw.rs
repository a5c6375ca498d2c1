//! The shape of `book.toml` as serde reads it: raw structs that deny unknown keys,
//! read again after each unknown key so that one run reports them all.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::{CONFIG_FILE, toml_diagnostic};
use crate::diag::Diagnostics;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawConfig {
    #[serde(default)]
    pub(super) book: RawBook,
    #[serde(default)]
    pub(super) build: RawBuild,
    #[serde(default)]
    pub(super) output: RawOutput,
    pub(super) brand: Option<RawBrand>,
    #[serde(default)]
    pub(super) slides: RawSlides,
    #[serde(default)]
    pub(super) roadmap: RawRoadmap,
    pub(super) taxonomies: Option<IndexMap<String, Spanned<RawTaxonomy>>>,
    #[serde(default)]
    pub(super) accessibility: RawAccessibility,
    #[serde(default)]
    pub(super) content: RawContent,
    #[serde(default)]
    pub(super) export: RawExport,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawContent {
    pub(super) review_after: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawExport {
    #[serde(default)]
    pub(super) pdf: bool,
    #[serde(default)]
    pub(super) pptx: bool,
    #[serde(default)]
    pub(super) handout: bool,
    #[serde(default)]
    pub(super) decks: Vec<String>,
    pub(super) browser: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawBook {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) authors: Vec<String>,
    pub(super) language: Option<String>,
    pub(super) src: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawBuild {
    pub(super) build_dir: Option<Spanned<PathBuf>>,
    #[serde(default)]
    pub(super) drafts: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawOutput {
    #[serde(default)]
    pub(super) html: RawHtml,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawHtml {
    pub(super) theme: Option<Spanned<String>>,
    pub(super) base_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawBrand {
    pub(super) name: Option<String>,
    pub(super) logo: Option<Spanned<PathBuf>>,
    pub(super) primary: Option<Spanned<String>>,
    pub(super) accent: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawSlides {
    pub(super) aspect: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawRoadmap {
    pub(super) path: Option<String>,
    pub(super) title: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawAccessibility {
    pub(super) statement: Option<Spanned<String>>,
    pub(super) contact: Option<String>,
    pub(super) status: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawTaxonomy {
    pub(super) path: Option<Spanned<String>>,
    pub(super) title: Option<String>,
    pub(super) singular: Option<String>,
}

/// Deserializes the raw config. serde stops at the first unknown key, so each one is
/// recorded, its line commented out and the text read again, until none is left:
/// every unknown key of the file is reported in one run.
pub(super) fn deserialize(text: &str) -> Result<RawConfig, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut current = text.to_string();
    for _ in 0..50 {
        match toml::from_str::<RawConfig>(&current) {
            Ok(raw) if diags.is_empty() => return Ok(raw),
            Ok(_) => return Err(diags),
            Err(e) => {
                let diagnostic = toml_diagnostic(CONFIG_FILE, text, &e);
                let unknown = diagnostic.entry.code.starts_with("unknown-key");
                let line = diagnostic.line;
                diags.push(diagnostic);
                if !unknown || line == 0 {
                    return Err(diags);
                }
                current = current
                    .lines()
                    .enumerate()
                    .map(|(i, l)| {
                        if i + 1 == line {
                            format!("# {l}")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
            }
        }
    }
    Err(diags)
}
