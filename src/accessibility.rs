//! Accessibility rules a generator can check in the Markdown itself, without a
//! browser: images without alt text, skipped heading levels, links without text or
//! with text like "hier"/"here", tables without a header row, videos without a title.
//! `buyin check` runs them over every page after the build stages and reports each
//! finding as a warning at its `PATH:LINE:COL` (`check --strict` fails on them). The
//! build checks here that the configured accessibility statement exists.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::config::{CONFIG_FILE, Config};
use crate::diag::Diagnostic;
use crate::site::Site;
use crate::source::Kind;

/// Link texts that say nothing about where the link goes (compared in lowercase,
/// without surrounding punctuation).
const VAGUE_LINK_TEXTS: &[&str] = &[
    "hier",
    "hier klicken",
    "klicken sie hier",
    "bitte hier klicken",
    "mehr",
    "mehr dazu",
    "mehr erfahren",
    "mehr lesen",
    "weiter",
    "weiterlesen",
    "link",
    "dieser link",
    "here",
    "click here",
    "click",
    "more",
    "read more",
    "learn more",
    "this link",
    "this",
    "link here",
];

/// One finding in a Markdown body: byte offset and a warning of the message catalogue
/// (with its hint), not yet placed in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub offset: usize,
    pub problem: Diagnostic,
}

/// What decides how a body is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    /// A deck: every slide (after a thematic break) starts its headings afresh.
    pub slides: bool,
}

/// Findings of every page of `site`, as warnings at their place in the source file.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in &site.pages {
        let source = &page.source;
        let rules = Rules {
            slides: page.kind() == Kind::Deck,
        };
        for finding in check_body(source.body(), rules) {
            let (line, col) = source.body_line_col(finding.offset);
            out.push(finding.problem.at(&source.path, line, col));
        }
    }
    out
}

/// An error when `[accessibility] statement` names no content file.
pub fn statement_reference(config: &Config, site: &Site) -> Option<Diagnostic> {
    let rel = config.accessibility.statement.as_ref()?;
    if site.by_rel.contains_key(rel.as_str()) {
        return None;
    }
    let (line, col) = config.at.statement;
    Some(Diagnostic::coded_error(
        CONFIG_FILE,
        line,
        col,
        "accessibility-statement-missing",
        &[("path", rel)],
    ))
}

/// Findings of one Markdown body, in source order.
pub fn check_body(body: &str, rules: Rules) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut last_heading: Option<u8> = None;
    // The open image, link or table head: start offset and text seen so far.
    let mut image: Option<(usize, String)> = None;
    let mut link: Option<(usize, String, bool)> = None;
    let mut head: Option<(usize, bool)> = None;
    let mut find = |offset: usize, problem: Diagnostic| {
        findings.push(Finding { offset, problem });
    };
    let warn = |code: &'static str, args: &[(&str, &str)]| Diagnostic {
        severity: crate::diag::Severity::Warning,
        ..Diagnostic::coded(code, args)
    };
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level as u8;
                // The page title is the h1 above the body: the body may start at h1 or h2.
                let highest = last_heading.map_or(2, |last| last + 1);
                if level > highest {
                    let (after, previous) = match last_heading {
                        Some(l) => ("a11y.after-heading", l.to_string()),
                        None => ("a11y.after-title", String::new()),
                    };
                    let level = level.to_string();
                    find(
                        range.start,
                        warn(
                            "heading-skipped",
                            &[("level", &level), ("previous", &previous)],
                        )
                        .with_part("after", after),
                    );
                }
                last_heading = Some(level);
            }
            Event::Rule if rules.slides => last_heading = None,
            Event::Start(Tag::Image { .. }) => image = Some((range.start, String::new())),
            Event::End(TagEnd::Image) => {
                if let Some((start, alt)) = image.take() {
                    if alt.trim().is_empty() {
                        find(start, warn("image-without-alt", &[]));
                    }
                    if let Some((_, _, has_image)) = link.as_mut() {
                        *has_image |= !alt.trim().is_empty();
                    }
                }
            }
            Event::Start(Tag::Link { .. }) => link = Some((range.start, String::new(), false)),
            Event::End(TagEnd::Link) => {
                if let Some((start, text, has_image)) = link.take() {
                    let words = text
                        .trim()
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase();
                    if words.is_empty() && !has_image {
                        find(start, warn("link-without-text", &[]));
                    } else if VAGUE_LINK_TEXTS.contains(&words.as_str()) {
                        find(start, warn("vague-link-text", &[("text", text.trim())]));
                    }
                }
            }
            Event::Start(Tag::TableHead) => head = Some((range.start, false)),
            Event::End(TagEnd::TableHead) => {
                if let Some((start, any)) = head.take() {
                    if !any {
                        find(start, warn("table-without-header", &[]));
                    }
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(at) = img_without_alt(html) {
                    find(range.start + at, warn("html-image-without-alt", &[]));
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(text);
                } else if let Some((_, words, _)) = link.as_mut() {
                    words.push_str(text);
                }
                if let Some((_, any)) = head.as_mut() {
                    *any |= !text.trim().is_empty();
                }
            }
            _ => {}
        }
    }
    let (calls, _) = crate::shortcode::scan(body, crate::markdown::options());
    for call in calls.iter().filter(|c| c.name == "video") {
        let title = call.args.get("title").and_then(|a| a.as_text());
        if title.is_none_or(|t| t.trim().is_empty()) {
            find(call.span.start, warn("video-without-title", &[]));
        }
    }
    findings.sort_by_key(|f| f.offset);
    findings
}

/// Offset of an `<img` tag without an `alt` attribute in raw HTML, if any.
fn img_without_alt(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<img") {
        let start = from + at;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        let has_alt = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .any(|attr| attr == "alt" || attr.starts_with("alt="));
        if !has_alt {
            return Some(start);
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(body: &str) -> Vec<String> {
        check_body(body, Rules::default())
            .into_iter()
            .map(|f| f.problem.message)
            .collect()
    }

    fn at(body: &str) -> Vec<usize> {
        check_body(body, Rules::default())
            .into_iter()
            .map(|f| f.offset)
            .collect()
    }

    #[test]
    fn images_need_alt_text_in_markdown_and_in_html() {
        assert_eq!(
            messages("![Karte der Standorte](/karte.svg)\n"),
            Vec::<String>::new()
        );
        let body = "Text\n\n![](/karte.svg)\n";
        assert_eq!(messages(body), ["image without alt text"]);
        assert_eq!(at(body), [6]);
        assert_eq!(
            messages("<img src=\"a.png\">\n"),
            ["image without alt text"]
        );
        assert_eq!(
            messages("<img src=\"a.png\" alt=\"\">\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("Ein <img src=\"a.png\" alt=\"A\"> Bild\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn heading_levels_may_not_be_skipped() {
        assert!(messages("## A\n\n### B\n\n## C\n\n# D\n").is_empty());
        assert_eq!(
            messages("## A\n\n#### B\n"),
            ["heading level skipped: an h4 follows an h2"]
        );
        assert_eq!(
            messages("### First\n"),
            ["heading level skipped: an h3 follows the page title (h1)"]
        );
        // A slide starts afresh in a deck, not on a page.
        let deck = "# Title\n\n---\n\n# Next\n\n---\n\n## Then\n";
        assert!(check_body(deck, Rules { slides: true }).is_empty());
        assert_eq!(at("## A\n\n---\n\n#### B\n"), [11]);
    }

    #[test]
    fn links_need_text_that_names_the_target() {
        assert!(messages("Die [Checkliste zum Datenschutz](a.md) hilft.\n").is_empty());
        assert_eq!(
            messages("Mehr steht [hier](a.md).\n"),
            ["link text 'hier' does not say where the link goes"]
        );
        assert_eq!(
            messages("[Click here!](https://example.org)\n"),
            ["link text 'Click here!' does not say where the link goes"]
        );
        assert_eq!(messages("[mehr](a.md) und [Read more](b.md)\n").len(), 2);
        assert_eq!(messages("Leer: [](a.md)\n"), ["link without text"]);
        assert_eq!(at("Leer: [](a.md)\n"), [6]);
        // An image with alt text names the link.
        assert!(messages("[![Logo der Stadt](/logo.svg)](index.md)\n").is_empty());
        // Words that merely contain a vague word are fine.
        assert!(messages("[Hierarchien im Betrieb](a.md)\n").is_empty());
    }

    #[test]
    fn tables_need_a_header_row() {
        assert!(messages("| Kanal | Aufwand |\n|---|---|\n| A | B |\n").is_empty());
        assert_eq!(
            messages("Text\n\n| | |\n|---|---|\n| A | B |\n"),
            ["table without header row (its first row is empty)"]
        );
        assert_eq!(at("Text\n\n| | |\n|---|---|\n| A | B |\n"), [6]);
    }

    #[test]
    fn videos_need_a_title() {
        assert!(
            messages("{{ video(provider=\"youtube\", id=\"x\", title=\"Einführung\") }}\n")
                .is_empty()
        );
        let body = "Text\n\n{{ video(provider=\"youtube\", id=\"x\") }}\n";
        assert_eq!(messages(body), ["video without title"]);
        assert_eq!(at(body), [6]);
        assert_eq!(
            messages("{{ video(provider=\"vimeo\", id=\"1\", title=\" \") }}\n"),
            ["video without title"]
        );
        // Inside code it is an example, not a video.
        assert!(messages("`{{ video(provider=\"vimeo\", id=\"1\") }}`\n").is_empty());
    }
}
