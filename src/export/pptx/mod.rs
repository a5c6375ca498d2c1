//! A deck as an editable PowerPoint file (Office Open XML), written natively: real
//! title and text placeholders, bullet levels, formats and links, speaker notes on
//! each notes page, a master and layouts in the brand colours with the logo, and
//! pictures embedded (SVG with a PNG beside it).
//!
//! The package is deterministic: parts are written in a fixed order with a fixed
//! timestamp, and every id is a counter, so the same deck gives the same bytes.

pub mod content;
mod media;
pub mod package;
pub mod slide;
pub mod xml;

use std::io::Write;
use std::path::Path;

use crate::config::Config;
use crate::deck::Slide;
use package::Brand;

/// What a PowerPoint file is made from.
pub struct Deck<'a> {
    pub title: &'a str,
    /// The deck page's URL (`vortraege/x/`).
    pub url: &'a str,
    pub slides: Vec<Slide>,
}

/// An embedded picture: its PNG (or other raster file) and SVG original in
/// `ppt/media/`, its size in pixels and its alt text.
#[derive(Debug, Clone)]
pub struct Picture {
    pub png: String,
    pub svg: Option<String>,
    pub width: f64,
    pub height: f64,
    pub alt: String,
}

/// The `.pptx` bytes of `deck`; `dir` is the built site, where its images are.
/// A failure is the catalogue's `[export.reason]` text saying why.
pub fn write(deck: &Deck, config: &Config, dir: &Path) -> Result<Vec<u8>, crate::catalog::Text> {
    let brand = Brand {
        primary: hex(&config.brand.primary),
        accent: hex(&config.brand.accent),
        on_primary: on(&config.brand.primary),
        width: f64::from(config.slides.width),
        height: f64::from(config.slides.height),
    };
    let lang = language_tag(&config.language);
    let context = slide::Context {
        brand: &brand,
        lang: &lang,
        url: deck.url,
        base_url: &config.base_url,
        count: deck.slides.len(),
    };
    let mut media = media::Media::new(dir);
    let logo = match &config.brand.logo {
        Some(logo) => {
            let path = logo.to_string_lossy().replace('\\', "/");
            let path = path.strip_prefix("static/").unwrap_or(&path);
            Some(media.file(path, &config.brand.name)?)
        }
        None => None,
    };

    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut part = |name: &str, xml: String| parts.push((name.to_string(), xml.into_bytes()));
    for (n, slide) in deck.slides.iter().enumerate() {
        let n = n + 1;
        let (xml, rels) = slide::slide(n, slide, &context, &mut media)?;
        part(&format!("ppt/slides/slide{n}.xml"), xml);
        part(&format!("ppt/slides/_rels/slide{n}.xml.rels"), rels);
        let (xml, rels) = slide::notes(n, &slide.notes, &context);
        part(&format!("ppt/notesSlides/notesSlide{n}.xml"), xml);
        part(
            &format!("ppt/notesSlides/_rels/notesSlide{n}.xml.rels"),
            rels,
        );
    }
    let (xml, rels) = package::master(&brand, logo.as_ref());
    part("ppt/slideMasters/slideMaster1.xml", xml);
    part("ppt/slideMasters/_rels/slideMaster1.xml.rels", rels);
    for (n, _, _) in package::LAYOUTS {
        let (xml, rels) = package::layout(*n, &brand);
        part(&format!("ppt/slideLayouts/slideLayout{n}.xml"), xml);
        part(
            &format!("ppt/slideLayouts/_rels/slideLayout{n}.xml.rels"),
            rels,
        );
    }
    let (xml, rels) = package::notes_master();
    part("ppt/notesMasters/notesMaster1.xml", xml);
    part("ppt/notesMasters/_rels/notesMaster1.xml.rels", rels);
    part("ppt/theme/theme1.xml", package::theme(&brand));
    part("ppt/theme/theme2.xml", package::theme(&brand));
    let (xml, rels) = package::presentation(deck.slides.len(), &brand);
    part("ppt/presentation.xml", xml);
    part("ppt/_rels/presentation.xml.rels", rels);
    for (name, xml) in package::props() {
        part(name, xml);
    }
    let creator = config.authors.first().unwrap_or(&config.brand.name);
    part(
        "docProps/core.xml",
        package::core(deck.title, creator, &config.language),
    );
    part("docProps/app.xml", package::app(deck.slides.len()));
    part("_rels/.rels", package::root_rels());

    let mut extensions: Vec<&str> = media
        .files
        .iter()
        .filter_map(|(name, _)| name.rsplit_once('.').map(|(_, ext)| ext))
        .collect();
    extensions.sort_unstable();
    extensions.dedup();
    let types = package::content_types(deck.slides.len(), &extensions);
    let media_parts = media
        .files
        .iter()
        .map(|(name, bytes)| (format!("ppt/media/{name}"), bytes.clone()));
    // `[Content_Types].xml` comes first, as readers that stream the zip expect.
    let all = std::iter::once(("[Content_Types].xml".to_string(), types.into_bytes()))
        .chain(parts)
        .chain(media_parts);
    zip(all)
        .map_err(|e| crate::catalog::Text::new("export.reason.other", &[("cause", &e.to_string())]))
}

/// A zip of `parts` with a fixed timestamp, so equal parts give equal bytes.
fn zip(parts: impl Iterator<Item = (String, Vec<u8>)>) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        writer.start_file(name, options)?;
        writer.write_all(&bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// `#0b5cad` or `#fff` -> `0B5CAD`.
fn hex(colour: &str) -> String {
    let digits = colour.trim_start_matches('#');
    let full: String = if digits.len() == 3 {
        digits.chars().flat_map(|c| [c, c]).collect()
    } else {
        digits.to_string()
    };
    full.to_ascii_uppercase()
}

/// Black or white, whichever reads better on `colour` (the rule `deck.js` uses).
fn on(colour: &str) -> String {
    let digits = hex(colour);
    let channel = |i: usize| {
        let c =
            f64::from(u8::from_str_radix(digits.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0))
                / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    if luminance > 0.4 { "111111" } else { "FFFFFF" }.to_string()
}

/// A language tag with a region, as Office expects in run properties.
fn language_tag(language: &str) -> String {
    match language {
        "de" => "de-DE".into(),
        "en" => "en-US".into(),
        "fr" => "fr-FR".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_become_office_hex() {
        assert_eq!(hex("#0b5cad"), "0B5CAD");
        assert_eq!(hex("#fff"), "FFFFFF");
        assert_eq!(on("#0b5cad"), "FFFFFF");
        assert_eq!(on("#ffe066"), "111111");
    }
}
