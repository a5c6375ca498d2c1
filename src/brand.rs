//! Brand colours made readable: from `[brand] primary`/`accent` the shades the theme
//! writes as text and fills, each checked against WCAG AA where the theme uses it, and
//! warnings for a configured colour that fails (with its ratio and the shade used
//! instead). Runs after config loading; the renderer hands the [`Palette`] to the
//! templates, which set it as CSS custom properties.

use std::path::Path;

use crate::config::{Brand, CONFIG_FILE, Locations};
use crate::contrast::{AA_TEXT, Rgb, WHITE, nearest_passing, worst_ratio};
use crate::diag::Diagnostic;

/// Ratio large text and graphics need (WCAG 2.1 AA, 1.4.3 large text and 1.4.11).
const AA_LARGE: f64 = 3.0;

/// Light surfaces text sits on (`site.css` `--bg`, `--surface`, `--surface-2`; slides).
const LIGHT: [Rgb; 3] = [
    WHITE,
    Rgb::new(0xf4, 0xf6, 0xf9),
    Rgb::new(0xe9, 0xed, 0xf2),
];

/// Dark surfaces (`site.css` dark `--bg`, `--surface`, `--surface-2`).
const DARK: [Rgb; 3] = [
    Rgb::new(0x14, 0x17, 0x1c),
    Rgb::new(0x1c, 0x20, 0x27),
    Rgb::new(0x25, 0x2a, 0x33),
];

/// The colours the theme derives from the brand, as `#rrggbb`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Palette {
    /// Primary as text (links, headings) on light surfaces, and its tint behind them.
    pub link: String,
    /// Primary as text on dark surfaces.
    pub link_dark: String,
    /// Primary as a fill behind white text (buttons, badges).
    pub strong: String,
    /// Accent as large text or graphics on light surfaces.
    pub accent: String,
}

/// The readable shades of `brand`'s colours; unparsable colours (already reported by
/// the config) fall back to the neutral ones.
pub fn palette(brand: &Brand) -> Palette {
    let primary = Rgb::parse(&brand.primary).unwrap_or(Rgb::new(0x3d, 0x5a, 0x80));
    let accent = Rgb::parse(&brand.accent).unwrap_or(Rgb::new(0xc0, 0x56, 0x3b));
    // The primary tints light surfaces (`--brand-tint`: 10% of it on white).
    let tint = WHITE.mix(primary, 0.1);
    let light = [LIGHT[0], LIGHT[1], LIGHT[2], tint];
    let dark_tint = DARK[0].mix(primary, 0.22);
    let dark = [DARK[0], DARK[1], DARK[2], dark_tint];
    Palette {
        link: nearest_passing(primary, &light, AA_TEXT).hex(),
        link_dark: nearest_passing(primary, &dark, AA_TEXT).hex(),
        strong: nearest_passing(primary, &[WHITE], AA_TEXT).hex(),
        accent: nearest_passing(accent, &LIGHT, AA_LARGE).hex(),
    }
}

/// Warnings for configured brand colours that fail where the theme uses them: the
/// primary as text on white and behind white text, the accent as large text and
/// graphics. Light surfaces a little darker than white get the nearest passing shade
/// silently. In dark mode the theme always uses a lighter shade of the primary, so
/// a brand colour made for white paper needs no warning there. `at` places the
/// settings in `book.toml`.
pub fn check(brand: &Brand, at: &Locations) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let mut warn =
        |(key, (line, col)): (&str, (usize, usize)), colour: Rgb, backgrounds: &[Rgb], min: f64| {
            let got = worst_ratio(colour, backgrounds);
            if got >= min {
                return;
            }
            let shade = nearest_passing(colour, backgrounds, min);
            warnings.push(
                Diagnostic::coded_error(
                    Path::new(CONFIG_FILE),
                    line,
                    col,
                    "brand-contrast",
                    &[
                        ("key", key),
                        ("colour", &colour.hex()),
                        ("ratio", &format!("{got:.2}")),
                        ("min", &min.to_string()),
                        ("shade", &shade.hex()),
                        (
                            "shade-ratio",
                            &format!("{:.2}", worst_ratio(shade, backgrounds)),
                        ),
                    ],
                )
                .warning()
                .with_part("where", &format!("contrast.{key}")),
            );
        };
    if let Some(primary) = Rgb::parse(&brand.primary) {
        // White on the primary has the same ratio as the primary on white.
        warn(("primary", at.primary), primary, &[WHITE], AA_TEXT);
    }
    if let Some(accent) = Rgb::parse(&brand.accent) {
        warn(("accent", at.accent), accent, &[WHITE], AA_LARGE);
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contrast::ratio;

    fn brand(primary: &str, accent: &str) -> Brand {
        Brand {
            name: "Muster".into(),
            logo: None,
            primary: primary.into(),
            accent: accent.into(),
        }
    }

    // A taxonomy named `primary` comes first: the warning must still point at `[brand]`.
    const BOOK: &str = "[book]\ntitle = \"T\"\n[taxonomies]\nprimary = { path = \"p\" }\n\n[brand]\nprimary = \"#66aaff\"\naccent = \"#ffcc00\"\n";

    /// Where `BOOK` sets its brand colours, as the config finds them.
    fn at() -> Locations {
        crate::config::parse(BOOK, std::path::Path::new("."))
            .expect("valid config")
            .at
    }

    #[test]
    fn passing_brand_colours_give_no_warning_and_stay_as_they_are() {
        let ok = brand("#0b5cad", "#e4572e");
        assert!(check(&ok, &at()).is_empty());
        let palette = palette(&ok);
        assert_eq!(palette.strong, "#0b5cad");
        assert_eq!(palette.accent, "#e4572e");
    }

    #[test]
    fn a_light_primary_warns_with_ratio_line_and_the_shade_the_theme_uses() {
        let light = brand("#66aaff", "#ffcc00");
        let warnings = check(&light, &at());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let primary = &warnings[0];
        assert_eq!((primary.line, primary.col), (7, 1));
        assert!(primary.message.contains("#66aaff"), "{}", primary.message);
        assert!(primary.message.contains("2.40:1"), "{}", primary.message);
        let palette = palette(&light);
        assert!(
            primary.message.contains(&palette.strong),
            "{}",
            primary.message
        );
        let strong = Rgb::parse(&palette.strong).expect("hex");
        assert!(ratio(strong, WHITE) >= AA_TEXT);
        assert!(
            primary
                .hint
                .as_deref()
                .unwrap_or("")
                .contains(&palette.strong)
        );
        assert!(
            warnings[1].message.starts_with("brand accent #ffcc00"),
            "{}",
            warnings[1].message
        );
        assert_eq!(warnings[1].line, 8);
    }

    #[test]
    fn every_shade_of_the_palette_passes_where_the_theme_uses_it() {
        for (primary, accent) in [
            ("#66aaff", "#ffcc00"),
            ("#0b5cad", "#e4572e"),
            ("#000000", "#ffffff"),
            ("#ffffff", "#000000"),
        ] {
            let p = palette(&brand(primary, accent));
            let hex = |s: &str| Rgb::parse(s).expect("hex");
            let tint = WHITE.mix(hex(primary), 0.1);
            assert!(
                worst_ratio(hex(&p.link), &[LIGHT[0], LIGHT[1], LIGHT[2], tint]) >= AA_TEXT,
                "{primary}: {p:?}"
            );
            assert!(
                worst_ratio(hex(&p.link_dark), &DARK) >= AA_TEXT,
                "{primary}: {p:?}"
            );
            assert!(ratio(hex(&p.strong), WHITE) >= AA_TEXT, "{primary}: {p:?}");
            assert!(
                worst_ratio(hex(&p.accent), &LIGHT) >= AA_LARGE,
                "{accent}: {p:?}"
            );
        }
    }
}
