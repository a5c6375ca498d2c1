//! Rendering of headings, links, shortcodes, code and deck roles on small inputs.

use super::*;
use crate::diag::Diagnostic;
use crate::shortcode::Call;

struct TestEnv;
impl Env for TestEnv {
    fn page_url(&self, rel: &str) -> Option<&str> {
        match rel {
            "argumente/kontrolle.md" => Some("argumente/kontrolle/"),
            "index.md" => Some(""),
            _ => None,
        }
    }
    fn shortcode(&self, call: &Call, body: Option<&str>, _: &str) -> Result<String, Diagnostic> {
        match call.name.as_str() {
            "callout" => Ok(format!(
                "<aside class=\"callout\">{}</aside>",
                body.unwrap_or("")
            )),
            "video" => Ok("<div class=\"video\"></div>".into()),
            other => Err(Diagnostic::coded(
                "shortcode-unknown",
                &[("name", other), ("known", "callout, video")],
            )),
        }
    }
}

fn render_text(text: &str) -> Rendered {
    render(
        &Input {
            text,
            rel: "praxis/fall.md",
            url: "praxis/fall/",
            reserved: &["antwort"],
        },
        &TestEnv,
    )
}

#[test]
fn headings_get_unique_german_slugs() {
    let r = render_text("# Überblick\n\n## Beispiel\n\n## Beispiel\n\n## Eigene {#meine-id}\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["ueberblick", "beispiel", "beispiel-1", "meine-id"]);
    assert!(r.html().contains("<h2 id=\"beispiel-1\">Beispiel</h2>"));
}

#[test]
fn links_to_markdown_files_become_relative_page_links() {
    let r = render_text(
        "[K](../argumente/kontrolle.md#antwort) [Bild](/img/a.svg) [Web](https://example.org)",
    );
    let html = r.html();
    assert!(
        html.contains("href=\"../../argumente/kontrolle/index.html#antwort\""),
        "{html}"
    );
    assert!(html.contains("href=\"../../img/a.svg\""), "{html}");
    assert!(html.contains("href=\"https://example.org\""));
    assert_eq!(r.links.len(), 2);
}

#[test]
fn broken_links_are_problems_with_offsets() {
    let r = render_text("Text\n\n[weg](fehlt.md)\n");
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].0, 6);
    assert_eq!(r.problems[0].1.entry.code, "broken-link-content");
    assert!(r.problems[0].1.message.contains("broken link 'fehlt.md'"));
}

#[test]
fn shortcodes_render_as_blocks_and_bodies_as_markdown() {
    let r = render_text("Davor\n{% callout(kind=\"tip\") %}\n**fett**\n{% end %}\nDanach\n");
    let html = r.html();
    assert!(html.contains("<p>Davor</p>"), "{html}");
    assert!(
        html.contains("<aside class=\"callout\"><p><strong>fett</strong></p>\n</aside>"),
        "{html}"
    );
    assert!(html.contains("<p>Danach</p>"), "{html}");
}

#[test]
fn unknown_shortcodes_are_problems() {
    let r = render_text("Text\n\n{{ nope(x=1) }}\n");
    let problems: Vec<(usize, &str)> = r
        .problems
        .iter()
        .map(|(offset, d)| (*offset, d.message.as_str()))
        .collect();
    assert_eq!(
        problems,
        [(6, "unknown shortcode 'nope' (known: callout, video)")]
    );
}

#[test]
fn code_is_highlighted_with_classes_and_unknown_languages_stay_plain() {
    let r = render_text("```rust\nfn main() {}\n```\n\n```klingonisch\n<x>\n```\n");
    let html = r.html();
    assert!(html.contains("class=\"language-rust\""));
    assert!(html.contains("<span class=\"hl-"), "{html}");
    assert!(html.contains("&lt;x&gt;"));
}

#[test]
fn deck_roles_mark_rules_notes_classes_and_lone_calls() {
    let r = render_text(
        "<!-- class: title -->\n# A\n\n---\n\n{{ video(id=\"x\") }}\n\nNotiz: sag was\n",
    );
    let roles: Vec<_> = r
        .blocks
        .iter()
        .map(|b| match &b.role {
            BlockRole::Shortcode(c) => format!("call:{}", c.name),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        roles,
        ["Class(\"title\")", "Content", "Rule", "call:video", "Note"]
    );
    assert_eq!(r.blocks[4].html, "<p>sag was</p>\n");
}
