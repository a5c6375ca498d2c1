//! The raw values of `book.toml` checked and turned into a [`Config`]: defaults filled
//! in, colours, logo, slide aspect, taxonomy paths and the accessibility status
//! checked, each problem a diagnostic at its setting.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::locate::setting_at;
use super::raw::{
    RawAccessibility, RawBook, RawBrand, RawBuild, RawConfig, RawContent, RawExport, RawHtml,
    RawRoadmap, RawSlides, RawTaxonomy,
};
use super::{
    ACCESSIBILITY_STATUS, Accessibility, Brand, CONFIG_FILE, Config, Export, Locations, Roadmap,
    Slides, Taxonomy,
};
use crate::catalog::Args;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::slug::slugify;

const NEUTRAL_PRIMARY: &str = "#2f4858";
const NEUTRAL_ACCENT: &str = "#b5522d";

/// The [`Config`] of the raw values; `text` is the file, for the places of problems,
/// and `root` the project, to check that the logo exists.
pub(super) fn build(raw: RawConfig, text: &str, root: &Path, diags: &mut Diagnostics) -> Config {
    // Exhaustive destructuring: a new raw field that is not handled here fails to compile.
    let RawConfig {
        book,
        build,
        output,
        brand,
        slides,
        roadmap,
        taxonomies,
        accessibility,
        content,
        export,
    } = raw;
    let RawContent { review_after } = content;
    let review_after = review_after.and_then(|written| {
        let (line, col) = setting_at(text, written.span().start);
        let written = written.into_inner();
        let period = crate::date::Period::parse(&written);
        if period.is_none() {
            diags.push(Diagnostic::coded_error(
                CONFIG_FILE,
                line,
                col,
                "bad-review-period",
                &[("period", &written)],
            ));
        }
        period
    });
    let RawBook {
        title,
        description,
        authors,
        language,
        src,
    } = book;
    let RawBuild { build_dir, drafts } = build;
    let RawHtml { theme, base_url } = output.html;
    let RawSlides { aspect } = slides;
    let RawExport {
        pdf,
        pptx,
        handout,
        decks,
        browser,
    } = export;
    let RawRoadmap {
        path: roadmap_path,
        title: roadmap_title,
    } = roadmap;

    let title = title.unwrap_or_else(|| "Untitled".to_string());
    let language = language.unwrap_or_else(|| "en".to_string());
    let german = language.starts_with("de");

    let at =
        |span: Option<std::ops::Range<usize>>| span.map_or((0, 0), |s| setting_at(text, s.start));
    let RawBrand {
        name,
        logo,
        primary,
        accent,
    } = brand.unwrap_or_default();
    let logo_at = at(logo.as_ref().map(Spanned::span));
    let primary_at = at(primary.as_ref().map(Spanned::span));
    let accent_at = at(accent.as_ref().map(Spanned::span));
    let mut colour = |value: Option<Spanned<String>>, neutral: &str| match value {
        Some(value) => {
            if !is_hex_colour(value.get_ref()) {
                diags.push(key_error(
                    at(Some(value.span())),
                    "bad-colour",
                    &[("value", value.get_ref())],
                ));
            }
            value.into_inner()
        }
        None => neutral.to_string(),
    };
    let brand = Brand {
        name: name.unwrap_or_else(|| title.clone()),
        primary: colour(primary, NEUTRAL_PRIMARY),
        accent: colour(accent, NEUTRAL_ACCENT),
        logo: logo.map(Spanned::into_inner),
    };
    if let Some(logo) = &brand.logo {
        if logo.is_absolute()
            || logo
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            diags.push(key_error(logo_at, "logo-outside-project", &[]));
        } else if !root.join(logo).is_file() {
            diags.push(key_error(
                logo_at,
                "logo-missing",
                &[("path", &display_path(logo))],
            ));
        }
    }

    let aspect_at = at(aspect.as_ref().map(Spanned::span));
    let aspect = aspect.map_or_else(|| "16:9".to_string(), Spanned::into_inner);
    let (width, height) = match parse_aspect(&aspect) {
        Some(size) => size,
        None => {
            diags.push(key_error(aspect_at, "bad-aspect", &[("aspect", &aspect)]));
            (1280, 720)
        }
    };

    let taxonomies = match taxonomies {
        Some(map) => map
            .into_iter()
            .map(|(key, table)| {
                // A bad path is reported at its value, or at the table that lacks one.
                let table_at = at(Some(table.span()));
                let RawTaxonomy {
                    path,
                    title,
                    singular,
                } = table.into_inner();
                let path_at = path.as_ref().map_or(table_at, |p| at(Some(p.span())));
                let path = path.map_or_else(|| slugify(&key), Spanned::into_inner);
                if slugify(&path) != path.trim_matches('/') || path.is_empty() {
                    diags.push(key_error(
                        path_at,
                        "bad-taxonomy-path",
                        &[("path", &path), ("slug", &slugify(&path))],
                    ));
                }
                let title = title.unwrap_or_else(|| key.clone());
                Taxonomy {
                    path,
                    singular: singular.unwrap_or_else(|| title.clone()),
                    title,
                    key,
                }
            })
            .collect(),
        None => default_taxonomies(german),
    };

    let statement_at = at(accessibility.statement.as_ref().map(Spanned::span));
    let at = Locations {
        theme: at(theme.as_ref().map(Spanned::span)),
        build_dir: at(build_dir.as_ref().map(Spanned::span)),
        primary: primary_at,
        accent: accent_at,
        statement: statement_at,
    };
    let roadmap_path = roadmap_path
        .unwrap_or_else(|| "fahrplan".to_string())
        .trim_matches('/')
        .to_string();
    let accessibility = check_accessibility(accessibility, text, diags);
    Config {
        description: description.unwrap_or_default(),
        authors,
        src: tidy(src.unwrap_or_else(|| PathBuf::from("content"))),
        build_dir: tidy(build_dir.map_or_else(|| PathBuf::from("site"), Spanned::into_inner)),
        drafts,
        theme: theme.map_or_else(|| "default".to_string(), Spanned::into_inner),
        base_url: base_url
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string(),
        brand,
        slides: Slides {
            aspect,
            width,
            height,
        },
        roadmap: Roadmap {
            path: roadmap_path,
            title: roadmap_title
                .unwrap_or_else(|| if german { "Fahrplan" } else { "Roadmap" }.to_string()),
        },
        taxonomies,
        accessibility,
        export: Export {
            pdf,
            pptx,
            handout,
            decks,
            browser: browser.map(|b| root.join(b)),
        },
        title,
        language,
        at,
        review_after,
    }
}

/// `[accessibility]` checked: a known status (default `partial`).
fn check_accessibility(
    raw: RawAccessibility,
    text: &str,
    diags: &mut Diagnostics,
) -> Accessibility {
    let RawAccessibility {
        statement,
        contact,
        status,
    } = raw;
    let status_at = status
        .as_ref()
        .map_or((0, 0), |s| setting_at(text, s.span().start));
    let status = status.map_or_else(|| "partial".to_string(), Spanned::into_inner);
    if !ACCESSIBILITY_STATUS.contains(&status.as_str()) {
        diags.push(key_error(
            status_at,
            "bad-accessibility-status",
            &[("status", &status)],
        ));
    }
    Accessibility {
        statement: statement.map(|s| s.into_inner().trim_start_matches("./").to_string()),
        contact: contact.unwrap_or_default(),
        status,
    }
}

fn default_taxonomies(german: bool) -> Vec<Taxonomy> {
    // key, path (German), title and singular in German, then in English
    let rows: [(&str, &str, [&str; 2], [&str; 2]); 4] = [
        (
            "stakeholders",
            "zielgruppen",
            ["Zielgruppen", "Zielgruppe"],
            ["Stakeholders", "Stakeholder"],
        ),
        (
            "departments",
            "abteilungen",
            ["Abteilungen", "Abteilung"],
            ["Departments", "Department"],
        ),
        (
            "channels",
            "kanaele",
            ["Kanäle", "Kanal"],
            ["Channels", "Channel"],
        ),
        (
            "tags",
            "schlagworte",
            ["Schlagworte", "Schlagwort"],
            ["Tags", "Tag"],
        ),
    ];
    rows.iter()
        .map(|(key, path, de, en)| {
            let [title, singular] = if german { de } else { en };
            Taxonomy {
                key: key.to_string(),
                path: if german { path } else { key }.to_string(),
                title: title.to_string(),
                singular: singular.to_string(),
            }
        })
        .collect()
}

/// A project-relative folder without `.` segments, so `./content` and `content` are
/// the same folder to everything that compares paths (the watcher above all).
fn tidy(path: PathBuf) -> PathBuf {
    let tidy: PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if tidy.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        tidy
    }
}

/// Canvas size for an aspect ratio: height 720, width to match (16:9 -> 1280, 4:3 -> 960).
fn parse_aspect(aspect: &str) -> Option<(u32, u32)> {
    let (w, h) = aspect.split_once(':')?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    if w == 0 || h == 0 || w > 10 * h || h > 10 * w {
        return None;
    }
    Some(((720 * w + h / 2) / h, 720))
}

fn is_hex_colour(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The catalogue's error `code` at a setting's place in the file.
fn key_error((line, col): (usize, usize), code: &'static str, args: &Args) -> Diagnostic {
    Diagnostic::coded_error(CONFIG_FILE, line, col, code, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_sets_the_canvas() {
        assert_eq!(parse_aspect("4:3"), Some((960, 720)));
        assert_eq!(parse_aspect("16:9"), Some((1280, 720)));
        assert_eq!(parse_aspect("wide"), None);
    }
}
