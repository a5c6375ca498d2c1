//! What buyin writes from Markdown. Snapshots (insta) of the HTML of a page with
//! headings, links, code, tables and shortcodes, and of the slides the deck splitter cuts
//! from a talk: a change of either shows in review as a diff of `tests/snapshots/`
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test snapshot`). Beside
//! them, assertions on single parts: heading ids, link rewriting, problems, shortcode
//! bodies, highlighting and the roles a deck reads.

use buyin::deck::{self, Slide};
use buyin::diag::Diagnostic;
use buyin::markdown::{self, BlockRole, Env, Input, Rendered};
use buyin::shortcode::Call;

/// Two pages to link to, and the shortcodes it knows rendered as a marked box around
/// their body.
struct Site;

const SHORTCODES: [&str; 3] = ["argument", "callout", "video"];

impl Env for Site {
    fn page_url(&self, rel: &str) -> Option<&str> {
        match rel {
            "argumente/kontrolle.md" => Some("argumente/kontrolle/"),
            "index.md" => Some(""),
            _ => None,
        }
    }

    fn shortcode(&self, call: &Call, body: Option<&str>, _: &str) -> Result<String, Diagnostic> {
        if !SHORTCODES.contains(&call.name.as_str()) {
            return Err(Diagnostic::coded(
                "shortcode-unknown",
                &[("name", &call.name), ("known", &SHORTCODES.join(", "))],
            ));
        }
        let args: Vec<String> = call
            .args
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        Ok(format!(
            "<div class=\"shortcode-{}\" data-args=\"{}\">{}</div>",
            call.name,
            args.join(" "),
            body.unwrap_or_default()
        ))
    }
}

fn render(text: &str) -> Rendered {
    markdown::render(
        &Input {
            text,
            rel: "leitfaden/start.md",
            url: "leitfaden/start/",
            reserved: &[],
        },
        &Site,
    )
}

/// The slides, one section each: class, content and notes.
fn show(slides: &[Slide]) -> String {
    slides
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "=== slide {} [{}]\n{}--- notes\n{}",
                i + 1,
                s.class,
                s.html,
                s.notes
            )
        })
        .collect()
}

#[test]
fn markdown_page() {
    let page = render(
        "# Social Media im Haus\n\nEin *kurzer* Überblick mit [Einwand](../argumente/kontrolle.md#antwort), \
         [Start](../index.md), ![Karte](/img/karte.svg) und [extern](https://example.org).\n\n\
         ## Beispiel\n\n| Kanal | Reichweite |\n|---|---:|\n| LinkedIn | 1200 |\n\n\
         ## Beispiel\n\n```rust\nfn main() { println!(\"hallo\"); }\n```\n\n\
         - [x] Leitfaden\n- [ ] Freigabe\n\n\
         {% callout(kind=\"tip\") %}\nErst **zuhören**, dann senden.\n{% end %}\n\n\
         Code bleibt wörtlich: `{{ video(id=\"x\") }}`.[^1]\n\n[^1]: Eine Fußnote.\n",
    );
    assert!(page.problems.is_empty(), "{:?}", page.problems);
    insta::assert_snapshot!(page.html());
}

#[test]
fn markdown_problems() {
    let page = render(
        "Ein [toter Link](fehlt.md) und ein [Anker](../argumente/kontrolle.md#nirgends).\n\n{% callout() %}\nnie geschlossen\n",
    );
    let problems: Vec<String> = page
        .problems
        .iter()
        .map(|(offset, problem)| format!("{offset}: {}", problem.message))
        .collect();
    insta::assert_snapshot!(problems.join("\n"));
}

#[test]
fn deck_splitter() {
    let talk = render(
        "<!-- class: title -->\n# Warum wir posten\n\nNote: Begrüßung, dann die Frage.\n\n---\n\n\
         ## Drei Gründe\n\n- Reichweite\n- Vertrauen\n- Dialog\n\nNotiz: Jeden Punkt mit einem Beispiel.\n\nNoch eine Notiz.\n\n---\n\n\
         Text über einer Linie\n---\n\n```\n---\n```\n\n---\n\n\
         <!-- class: columns -->\n## Zwei Spalten\n\nLinks\n\n---\n\n\
         {{ argument(path=\"argumente/kontrolle.md\") }}\n\n---\n\n",
    );
    let slides = deck::split(&talk.blocks(), &|call| {
        (call.name == "argument").then(|| {
            vec![Slide {
                html: "<p>expanded</p>\n".into(),
                class: "objection".into(),
                ..Slide::default()
            }]
        })
    });
    insta::assert_snapshot!(show(&slides));
}

#[test]
fn headings_get_unique_german_slugs() {
    let r = render("# Überblick\n\n## Beispiel\n\n## Beispiel\n\n## Eigene {#meine-id}\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["ueberblick", "beispiel", "beispiel-1", "meine-id"]);
    assert!(r.html().contains("<h2 id=\"beispiel-1\">Beispiel</h2>"));
}

#[test]
fn links_to_markdown_files_become_relative_page_links() {
    let r = render(
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
    let r = render("Text\n\n[weg](fehlt.md)\n");
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].0, 6);
    assert_eq!(r.problems[0].1.entry.code, "broken-link-content");
    assert!(r.problems[0].1.message.contains("broken link 'fehlt.md'"));
}

#[test]
fn shortcodes_render_as_blocks_and_bodies_as_markdown() {
    let r = render("Davor\n{% callout(kind=\"tip\") %}\n**fett**\n{% end %}\nDanach\n");
    let html = r.html();
    assert!(html.contains("<p>Davor</p>"), "{html}");
    assert!(
        html.contains(
            "<div class=\"shortcode-callout\" data-args=\"kind=Text(\"tip\")\"><p><strong>fett</strong></p>\n</div>"
        ),
        "{html}"
    );
    assert!(html.contains("<p>Danach</p>"), "{html}");
}

#[test]
fn unknown_shortcodes_are_problems() {
    let r = render("Text\n\n{{ nope(x=1) }}\n");
    let problems: Vec<(usize, &str)> = r
        .problems
        .iter()
        .map(|(offset, d)| (*offset, d.message.as_str()))
        .collect();
    assert_eq!(
        problems,
        [(
            6,
            "unknown shortcode 'nope' (known: argument, callout, video)"
        )]
    );
}

#[test]
fn code_is_highlighted_with_classes_and_unknown_languages_stay_plain() {
    let r = render("```rust\nfn main() {}\n```\n\n```klingonisch\n<x>\n```\n");
    let html = r.html();
    assert!(html.contains("class=\"language-rust\""));
    assert!(html.contains("<span class=\"hl-"), "{html}");
    assert!(html.contains("&lt;x&gt;"));
}

#[test]
fn packed_html_reads_back_block_for_block() {
    let text = "<!-- class: title -->\n# Überschrift\n\nAbsatz mit *Ümlauten* – und „Zeichen“.\n\n\
                ---\n\n{{ video(id=\"x\") }}\n\n```rust\nlet a = 1;\n```\n\nNotiz: sag was\n";
    let plain = render(text);
    let mut packed = render(text);
    packed.pack();
    assert_eq!(packed.html(), plain.html());
    let (plain_blocks, packed_blocks) = (plain.blocks(), packed.blocks());
    let pairs: Vec<_> = plain_blocks.iter().zip(packed_blocks.iter()).collect();
    assert_eq!(pairs.len(), plain_blocks.len());
    assert_eq!(packed_blocks.len(), 7);
    for (a, b) in pairs {
        assert_eq!((&a.html, &a.role), (&b.html, &b.role));
    }
    assert!(packed.roles().eq(plain.roles()));
}

#[test]
fn deck_roles_mark_rules_notes_classes_and_lone_calls() {
    let r =
        render("<!-- class: title -->\n# A\n\n---\n\n{{ video(id=\"x\") }}\n\nNotiz: sag was\n");
    let roles: Vec<_> = r
        .roles()
        .map(|role| match role {
            BlockRole::Shortcode(c) => format!("call:{}", c.name),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        roles,
        ["Class(\"title\")", "Content", "Rule", "call:video", "Note"]
    );
    assert_eq!(r.blocks()[4].html, "<p>sag was</p>\n");
}
