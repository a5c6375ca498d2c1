//! An argument's `summary` (the answer at a glance) as HTML, for the answer slide, the
//! cards that show the argument, the presenter's Q&A search and the top of its page.
//!
//! Runs while rendering, after `source.rs` has checked the field. A summary is inline
//! Markdown: emphasis, strong, code and strikethrough are kept; a link shows its text
//! only, because the same summary appears on slides, in cards (themselves links) and
//! on other pages, where a relative link would lead elsewhere.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::markdown::{escape, options};

/// The summary's points as HTML: one point is a paragraph, several are a list; both
/// carry `class="summary"`. `None` for an argument without a summary.
pub fn html(points: &[String]) -> Option<String> {
    match points {
        [] => None,
        [one] => Some(format!("<p class=\"summary\">{}</p>", inline(one))),
        many => {
            let items: String = many
                .iter()
                .map(|point| format!("<li>{}</li>", inline(point)))
                .collect();
            Some(format!("<ul class=\"summary\">{items}</ul>"))
        }
    }
}

/// The summary as plain text (points joined by spaces), for search and labels.
pub fn text(points: &[String]) -> String {
    points
        .iter()
        .map(|point| plain(point))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Inline Markdown as HTML without the surrounding paragraph; block syntax (a `#` or
/// `-` at the start) stays literal text.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) => out.push_str(&escape(&t)),
            Event::Code(code) => {
                out.push_str("<code>");
                out.push_str(&escape(&code));
                out.push_str("</code>");
            }
            Event::Html(raw) | Event::InlineHtml(raw) => out.push_str(&escape(&raw)),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::Start(Tag::Emphasis) => out.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => out.push_str("</em>"),
            Event::Start(Tag::Strong) => out.push_str("<strong>"),
            Event::End(TagEnd::Strong) => out.push_str("</strong>"),
            Event::Start(Tag::Strikethrough) => out.push_str("<s>"),
            Event::End(TagEnd::Strikethrough) => out.push_str("</s>"),
            // Block starts a point cannot hold (`# x`, `- x`, `1. x`): keep the marker.
            Event::Start(Tag::Heading { level, .. }) => {
                out.push_str(&"#".repeat(level as usize));
                out.push(' ');
            }
            Event::Start(Tag::Item) => out.push_str("- "),
            _ => {}
        }
    }
    out.trim().to_string()
}

fn plain(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_point_is_a_paragraph_several_a_list() {
        assert_eq!(html(&[]), None);
        assert_eq!(
            html(&points(&["Wir **hören** zu."])).as_deref(),
            Some("<p class=\"summary\">Wir <strong>hören</strong> zu.</p>")
        );
        assert_eq!(
            html(&points(&["Eins", "*Zwei*"])).as_deref(),
            Some("<ul class=\"summary\"><li>Eins</li><li><em>Zwei</em></li></ul>")
        );
    }

    #[test]
    fn links_keep_their_text_and_html_is_escaped() {
        assert_eq!(
            inline("Siehe [Fahrplan](../fahrplan/index.md) <b>jetzt</b> & `code`"),
            "Siehe Fahrplan &lt;b&gt;jetzt&lt;/b&gt; &amp; <code>code</code>"
        );
        assert_eq!(inline("- kein Listenpunkt"), "- kein Listenpunkt");
        assert_eq!(text(&points(&["A *b*", "C"])), "A b C");
    }
}
