//! Small inline SVG pictures: a case's numeric metrics as a bar chart.
//!
//! Drawn at build time so that pages and slides show them without any script, in print
//! and from `file://`; colours come from the theme's CSS custom properties.

use crate::markdown::escape;
use crate::source::Metric;

/// Characters of a label line: the label column is 300 units wide at a 12.5-unit font,
/// about 44 average characters; a little less so wide letters never touch the bars.
const LABEL_CHARS: usize = 40;
/// Lines a label may take; a longer label ends in `…` (its full text is the tooltip).
const LABEL_LINES: usize = 3;
const LINE_H: f64 = 15.0;

/// A horizontal bar chart of the metrics that are numbers; `None` when none is.
/// Labels wrap onto up to three lines; each row grows with its label.
pub fn metrics_chart(metrics: &[Metric], caption: &str) -> Option<String> {
    let numeric: Vec<(&str, &str, f64)> = metrics
        .iter()
        .filter_map(|m| {
            m.number
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(|n| (m.label.as_str(), m.value.as_str(), n))
        })
        .collect();
    if numeric.is_empty() {
        return None;
    }
    let max = numeric.iter().map(|(_, _, n)| *n).fold(0.0_f64, f64::max);
    let (label_w, bar_w, value_w, row_min) = (300.0, 260.0, 120.0, 34.0);
    let width = label_w + bar_w + value_w;
    let rows: Vec<(Vec<String>, f64)> = numeric
        .iter()
        .map(|(label, _, _)| {
            let lines = wrap(label, LABEL_CHARS, LABEL_LINES);
            let h = (lines.len() as f64 * LINE_H + 16.0).max(row_min);
            (lines, h)
        })
        .collect();
    let height = rows.iter().map(|(_, h)| h).sum::<f64>() + 8.0;
    // Screen readers get every figure from the label, not only the caption.
    let spoken: Vec<String> = numeric
        .iter()
        .map(|(label, value, _)| format!("{label}: {value}"))
        .collect();
    let mut svg = format!(
        "<svg class=\"metrics-chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>{}</title>\n",
        escape(&format!("{caption}. {}", spoken.join("; "))),
        escape(caption)
    );
    let mut y = 4.0;
    for ((label, value, number), (lines, row_h)) in numeric.iter().zip(&rows) {
        let w = if max > 0.0 {
            (number / max * bar_w).max(2.0)
        } else {
            2.0
        };
        let mid = y + row_h / 2.0;
        let first = mid - (lines.len() as f64 - 1.0) * LINE_H / 2.0 + 4.5;
        let tspans: String = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                format!(
                    "<tspan x=\"{:.0}\" y=\"{:.1}\">{}</tspan>",
                    label_w - 10.0,
                    first + i as f64 * LINE_H,
                    escape(line)
                )
            })
            .collect();
        let bar_h = (row_min - 10.0).min(row_h - 10.0);
        svg.push_str(&format!(
            "<text class=\"chart-label\" text-anchor=\"end\"><title>{}</title>{tspans}</text>\
             <rect class=\"chart-bar\" x=\"{label_w:.0}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{bar_h:.0}\" rx=\"3\"/>\
             <text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            escape(label),
            mid - bar_h / 2.0,
            label_w + w + 8.0,
            mid + 4.5,
            escape(value)
        ));
        y += row_h;
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Key-figure tiles of the metrics whose value is text ("6 Abteilungen"): the value
/// large, the label small. `None` when every metric is a number (those are charted).
pub fn key_figures(metrics: &[Metric]) -> Option<String> {
    let tiles: String = metrics
        .iter()
        .filter(|m| !is_charted(m))
        .map(|m| {
            format!(
                "<li><span class=\"metric-value\">{}</span> <span class=\"metric-label\">{}</span></li>",
                escape(&m.value),
                escape(&m.label)
            )
        })
        .collect();
    (!tiles.is_empty()).then(|| format!("<ul class=\"metric-tiles\">{tiles}</ul>"))
}

/// Whether [`metrics_chart`] draws this metric as a bar.
pub fn is_charted(metric: &Metric) -> bool {
    metric.number.is_some_and(|n| n.is_finite() && n >= 0.0)
}

/// Splits `text` at spaces into lines of at most `max` characters (a longer word gets
/// a line of its own), at most `lines` of them; the last ends in `…` when text is left.
fn wrap(text: &str, max: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    if out.len() > lines {
        out.truncate(lines);
        let last = &mut out[lines - 1];
        let cut: String = last.chars().take(max.saturating_sub(1)).collect();
        *last = format!("{}…", cut.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(label: &str, value: &str, number: Option<f64>) -> Metric {
        Metric {
            label: label.into(),
            value: value.into(),
            number,
        }
    }

    #[test]
    fn bars_scale_to_the_largest_number_and_skip_text() {
        let svg = metrics_chart(
            &[
                metric("Fans", "1000", Some(1000.0)),
                metric("Neu", "500", Some(500.0)),
                metric("Ton", "freundlich", None),
            ],
            "Kennzahlen",
        )
        .expect("chart");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("width=\"260.0\""));
        assert!(svg.contains("width=\"130.0\""));
        assert!(!svg.contains("freundlich"));
        assert!(metrics_chart(&[metric("Ton", "gut", None)], "x").is_none());
    }

    #[test]
    fn long_labels_wrap_instead_of_being_cut() {
        let label = "Erwartete Stunden bis zur Reaktion auf Facebook (illustrativ)";
        let svg = metrics_chart(&[metric(label, "1", Some(1.0))], "K").expect("chart");
        let shown: Vec<&str> = svg
            .split("<tspan")
            .skip(1)
            .map(|t| &t[t.find('>').unwrap_or(0) + 1..t.find("</tspan>").unwrap_or(0)])
            .collect();
        assert_eq!(shown.join(" "), label, "{svg}");
        assert!(shown.len() == 2 && shown.iter().all(|l| l.chars().count() <= LABEL_CHARS));
        assert!(!svg.contains('…'));
        assert_eq!(wrap(&"wort ".repeat(40), 10, 3).len(), 3);
        assert!(wrap(&"wort ".repeat(40), 10, 3)[2].ends_with('…'));
    }

    #[test]
    fn text_values_become_key_figure_tiles() {
        let metrics = [
            metric("Stunden", "3", Some(3.0)),
            metric("Beteiligte Abteilungen", "6 Abteilungen", None),
        ];
        let tiles = key_figures(&metrics).expect("tiles");
        assert_eq!(tiles.matches("<li>").count(), 1);
        assert!(tiles.contains("<span class=\"metric-value\">6 Abteilungen</span>"));
        assert!(key_figures(&metrics[..1]).is_none());
    }
}
