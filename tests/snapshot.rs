//! Snapshots of what buyin writes from Markdown (insta): the HTML of a page with
//! headings, links, code, tables and shortcodes, and the slides the deck splitter cuts
//! from a talk. A change of either shows in review as a diff of `tests/snapshots/`
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test snapshot`).

use buyin::deck::{self, Slide};
use buyin::diag::Diagnostic;
use buyin::markdown::{self, Env, Input, Rendered};
use buyin::shortcode::Call;

/// Two pages to link to, and shortcodes rendered as a marked box around their body.
struct Site;

impl Env for Site {
    fn page_url(&self, rel: &str) -> Option<&str> {
        match rel {
            "argumente/kontrolle.md" => Some("argumente/kontrolle/"),
            "index.md" => Some(""),
            _ => None,
        }
    }

    fn shortcode(&self, call: &Call, body: Option<&str>, _: &str) -> Result<String, Diagnostic> {
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
    let slides = deck::split(&talk.blocks, &|call| {
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
