//! Small inline SVG pictures: a case's numeric metrics as a bar chart.
//!
//! Drawn at build time so that pages and slides show them without any script, in print
//! and from `file://`; colours come from the theme's CSS custom properties.

use crate::markdown::escape;
use crate::source::Metric;

/// A horizontal bar chart of the metrics that are numbers; `None` when none is.
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
    let (label_w, bar_w, value_w, row_h) = (300.0, 260.0, 120.0, 34.0);
    let width = label_w + bar_w + value_w;
    let height = row_h * numeric.len() as f64 + 8.0;
    let mut svg = format!(
        "<svg class=\"metrics-chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>{}</title>\n",
        escape(caption),
        escape(caption)
    );
    for (row, (label, value, number)) in numeric.iter().enumerate() {
        let y = 4.0 + row_h * row as f64;
        let w = if max > 0.0 {
            (number / max * bar_w).max(2.0)
        } else {
            2.0
        };
        svg.push_str(&format!(
            "<text class=\"chart-label\" x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\"><title>{}</title>{}</text>\
             <rect class=\"chart-bar\" x=\"{label_w:.0}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.0}\" rx=\"3\"/>\
             <text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            label_w - 10.0,
            y + row_h / 2.0 + 5.0,
            escape(label),
            escape(&shorten(label, 40)),
            y + 4.0,
            row_h - 10.0,
            label_w + w + 8.0,
            y + row_h / 2.0 + 5.0,
            escape(value)
        ));
    }
    svg.push_str("</svg>");
    Some(svg)
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
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
}
