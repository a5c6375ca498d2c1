//! WCAG 2.x colour contrast: relative luminance, contrast ratio, and the nearest shade of
//! a colour that reaches a ratio against given backgrounds. The theme's brand colours
//! ([`crate::brand`]) and the syntax highlighting colours pass through it, so every
//! text colour the theme writes meets WCAG AA whatever the author configured.

/// Ratio normal-size text needs for WCAG 2.1 AA (success criterion 1.4.3).
pub const AA_TEXT: f64 = 4.5;

/// An sRGB colour with 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

pub const WHITE: Rgb = Rgb::new(255, 255, 255);
pub const BLACK: Rgb = Rgb::new(0, 0, 0);

impl Rgb {
    pub const fn new(r: u8, g: u8, b: u8) -> Rgb {
        Rgb { r, g, b }
    }

    /// Parses `#rgb` or `#rrggbb` (case-insensitive); `None` for anything else.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |s: &str| u8::from_str_radix(s, 16).ok();
        match hex.len() {
            3 => {
                let mut digits = hex.chars().map(|c| {
                    let d = c.to_digit(16).unwrap_or(0) as u8;
                    d * 17
                });
                Some(Rgb::new(digits.next()?, digits.next()?, digits.next()?))
            }
            6 => Some(Rgb::new(
                channel(&hex[0..2])?,
                channel(&hex[2..4])?,
                channel(&hex[4..6])?,
            )),
            _ => None,
        }
    }

    /// `#rrggbb` in lowercase.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Relative luminance as WCAG 2.x defines it (0 for black, 1 for white).
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// This colour moved a fraction `t` (0..=1) of the way towards `other`.
    pub fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb::new(m(self.r, other.r), m(self.g, other.g), m(self.b, other.b))
    }
}

/// Contrast ratio of two colours, from 1 (same) to 21 (black on white).
pub fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// The lowest contrast of `fg` against any of `backgrounds`.
pub fn worst_ratio(fg: Rgb, backgrounds: &[Rgb]) -> f64 {
    backgrounds
        .iter()
        .map(|bg| ratio(fg, *bg))
        .fold(f64::INFINITY, f64::min)
}

/// The shade of `fg` nearest to it that reaches `min` against every background: `fg`
/// itself when it passes, else `fg` darkened or lightened (towards black or white,
/// keeping its hue) by the smallest step that passes. Black or white when no shade of
/// the colour can.
pub fn nearest_passing(fg: Rgb, backgrounds: &[Rgb], min: f64) -> Rgb {
    if worst_ratio(fg, backgrounds) >= min {
        return fg;
    }
    const STEPS: u32 = 200;
    for step in 1..=STEPS {
        let t = f64::from(step) / f64::from(STEPS);
        for target in [BLACK, WHITE] {
            let shade = fg.mix(target, t);
            if worst_ratio(shade, backgrounds) >= min {
                return shade;
            }
        }
    }
    if worst_ratio(BLACK, backgrounds) >= worst_ratio(WHITE, backgrounds) {
        BLACK
    } else {
        WHITE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(hex: &str) -> Rgb {
        Rgb::parse(hex).expect("hex colour")
    }

    #[test]
    fn ratios_match_the_wcag_reference_values() {
        assert!((ratio(BLACK, WHITE) - 21.0).abs() < 1e-9);
        assert!((ratio(WHITE, WHITE) - 1.0).abs() < 1e-9);
        // Values as WebAIM's contrast checker gives them.
        assert!((ratio(rgb("#767676"), WHITE) - 4.54).abs() < 0.01);
        assert!((ratio(rgb("#777777"), WHITE) - 4.48).abs() < 0.01);
        assert!((ratio(rgb("#0b5cad"), WHITE) - 6.67).abs() < 0.01);
        // The ratio is symmetric.
        assert_eq!(ratio(rgb("#e4572e"), WHITE), ratio(WHITE, rgb("#e4572e")));
    }

    #[test]
    fn parses_short_and_long_hex_and_rejects_the_rest() {
        assert_eq!(Rgb::parse("#fff"), Some(WHITE));
        assert_eq!(Rgb::parse("#0B5CAD"), Some(Rgb::new(11, 92, 173)));
        assert_eq!(Rgb::parse("0b5cad"), None);
        assert_eq!(Rgb::parse("#0b5ca"), None);
        assert_eq!(Rgb::parse("#gggggg"), None);
        assert_eq!(Rgb::parse("#+1+2+3"), None);
        assert_eq!(rgb("#0B5CAD").hex(), "#0b5cad");
    }

    #[test]
    fn a_passing_colour_stays_and_a_failing_one_gets_the_nearest_passing_shade() {
        let blue = rgb("#0b5cad");
        assert_eq!(nearest_passing(blue, &[WHITE], AA_TEXT), blue);

        let orange = rgb("#e4572e");
        assert!(ratio(orange, WHITE) < AA_TEXT);
        let darker = nearest_passing(orange, &[WHITE], AA_TEXT);
        assert!(ratio(darker, WHITE) >= AA_TEXT);
        // Nearest: one step less would fail again.
        let one_step_back = orange.mix(BLACK, 0.0).mix(darker, 0.9);
        assert!(ratio(one_step_back, WHITE) < AA_TEXT, "{}", darker.hex());
        // Darkened, not replaced: still reddish.
        assert!(
            darker.r > darker.g && darker.r > darker.b,
            "{}",
            darker.hex()
        );

        // On a dark background the shade gets lighter.
        let night = rgb("#14171c");
        let lighter = nearest_passing(blue, &[night], AA_TEXT);
        assert!(ratio(lighter, night) >= AA_TEXT);
        assert!(lighter.luminance() > blue.luminance());
    }

    #[test]
    fn every_background_counts() {
        let grey = rgb("#717171");
        let light = [WHITE, rgb("#e9edf2")];
        let shade = nearest_passing(grey, &light, AA_TEXT);
        assert!(worst_ratio(shade, &light) >= AA_TEXT);
        assert!(ratio(grey, WHITE) >= AA_TEXT && ratio(grey, light[1]) < AA_TEXT);
        assert_ne!(shade, grey);
    }
}
