//! Slides from rendered Markdown: split at top-level thematic breaks, speaker notes,
//! layout classes, expansion of argument and case shortcodes, and the generated
//! audience decks of stakeholder and department terms.
//!
//! Works on the blocks `markdown.rs` produced from pulldown-cmark events, so a `---`
//! inside code or under a paragraph (a setext heading) never splits a slide.

use serde::Serialize;

use crate::config::Config;
use crate::markdown::{Block, BlockRole, escape};
use crate::shortcode::Call;
use crate::site::Site;
use crate::source::{Kind, KindData};
use crate::url::rebase_html;

/// One slide.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Slide {
    pub html: String,
    /// Speaker notes as HTML; empty when there are none.
    pub notes: String,
    /// Layout classes, space-separated (`title`, `section`, `columns`, …).
    pub class: String,
}

/// Splits rendered blocks into slides. `expand` turns a slide that holds only an
/// `argument` or `case` call into that item's slides.
pub fn split(blocks: &[Block], expand: &dyn Fn(&Call) -> Option<Vec<Slide>>) -> Vec<Slide> {
    let mut slides = Vec::new();
    let mut current = Draft::default();
    for block in blocks {
        match &block.role {
            BlockRole::Rule => {
                current.finish(&mut slides, expand);
                current = Draft::default();
            }
            BlockRole::Class(class) => {
                if !current.class.is_empty() {
                    current.class.push(' ');
                }
                current.class.push_str(class);
            }
            BlockRole::Note if !current.in_notes => {
                current.in_notes = true;
                current.notes.push_str(&block.html);
            }
            _ if current.in_notes => current.notes.push_str(&block.html),
            BlockRole::Shortcode(call) => {
                current.html.push_str(&block.html);
                current.calls.push(call.clone());
                current.blocks += 1;
            }
            _ => {
                current.html.push_str(&block.html);
                current.blocks += 1;
            }
        }
    }
    current.finish(&mut slides, expand);
    slides
}

#[derive(Default)]
struct Draft {
    html: String,
    notes: String,
    class: String,
    in_notes: bool,
    blocks: usize,
    calls: Vec<Call>,
}

impl Draft {
    fn finish(self, slides: &mut Vec<Slide>, expand: &dyn Fn(&Call) -> Option<Vec<Slide>>) {
        if self.blocks == 1 && self.calls.len() == 1 {
            if let Some(mut expanded) = expand(&self.calls[0]) {
                if let Some(first) = expanded.first_mut() {
                    if !self.notes.is_empty() {
                        first.notes = format!("{}{}", self.notes, first.notes);
                    }
                }
                slides.extend(expanded);
                return;
            }
        }
        if self.html.trim().is_empty() && self.notes.trim().is_empty() {
            return;
        }
        slides.push(Slide {
            html: self.html,
            notes: self.notes,
            class: self.class,
        });
    }
}

/// The slides of an argument, for a deck shown at (or below) the page `at`: its
/// objection, then its answer. The answer slide shows the answer's first paragraph;
/// the whole answer goes into the notes.
pub fn argument_slides(
    site: &Site,
    page: usize,
    strings: &dyn Fn(&str) -> String,
    at: &str,
) -> Vec<Slide> {
    let page = &site.pages[page];
    let KindData::Argument(argument) = &page.source.front.kind else {
        return Vec::new();
    };
    let who = page
        .source
        .front
        .taxonomies
        .get("stakeholders")
        .map(|s| s.join(" · "))
        .unwrap_or_default();
    let objection = format!(
        "<p class=\"kicker\">{}</p>\n<blockquote class=\"objection\"><p>{}</p></blockquote>\n",
        escape(format!("{} {}", strings("objection_from"), who).trim()),
        escape(&argument.objection)
    );
    // The slide carries the answer's first paragraph (its message); the whole answer
    // goes into the notes, so the slide stays readable from the back of the room.
    let lead = page
        .rendered
        .blocks
        .iter()
        .take_while(|b| !b.html.starts_with("<h2") && !b.html.starts_with("<h3"))
        .find(|b| b.html.starts_with("<p"))
        .map_or("", |b| b.html.as_str());
    let answer = format!(
        "<h2>{}</h2>\n{}",
        escape(page.title()),
        rebase_html(lead, &page.url, at)
    );
    vec![
        Slide {
            html: objection,
            notes: String::new(),
            class: "objection".into(),
        },
        Slide {
            html: answer,
            notes: rebase_html(&page.rendered.html(), &page.url, at),
            class: "answer".into(),
        },
    ]
}

/// The slide of a case, for a deck shown at (or below) the page `at`: title, facts,
/// metrics chart and its summary.
pub fn case_slide(site: &Site, page: usize, at: &str) -> Vec<Slide> {
    let page = &site.pages[page];
    let KindData::Case(case) = &page.source.front.kind else {
        return Vec::new();
    };
    let facts: Vec<&str> = [&case.organization, &case.industry, &case.year]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let mut html = format!("<h2>{}</h2>\n", escape(page.title()));
    if !facts.is_empty() {
        html.push_str(&format!(
            "<p class=\"facts\">{}</p>\n",
            escape(&facts.join(" · "))
        ));
    }
    if let Some(description) = &page.source.front.description {
        html.push_str(&format!("<p>{}</p>\n", escape(description)));
    }
    if let Some(chart) = crate::chart::metrics_chart(&case.metrics, page.title()) {
        html.push_str(&format!(
            "<figure class=\"chart\" tabindex=\"0\">{chart}</figure>\n"
        ));
    } else if !case.metrics.is_empty() {
        html.push_str("<ul class=\"metrics\">");
        for metric in &case.metrics {
            html.push_str(&format!(
                "<li><strong>{}</strong> {}</li>",
                escape(&metric.value),
                escape(&metric.label)
            ));
        }
        html.push_str("</ul>\n");
    }
    vec![Slide {
        html,
        notes: rebase_html(&page.rendered.html(), &page.url, at),
        class: "case".into(),
    }]
}

/// Expansion of a lone `argument` or `case` call on a slide of a deck shown at `at`.
pub fn expand(
    site: &Site,
    call: &Call,
    strings: &dyn Fn(&str) -> String,
    at: &str,
) -> Option<Vec<Slide>> {
    let path = call.args.get("path")?.as_text()?;
    let &page = site.by_rel.get(path.trim_start_matches("./"))?;
    match call.name.as_str() {
        "argument" => Some(argument_slides(site, page, strings, at)),
        "case" => Some(case_slide(site, page, at)),
        _ => None,
    }
}

/// The slides of deck page `page`: its own slides, lone `argument` and `case` calls
/// expanded into that item's slides.
pub fn page_slides(site: &Site, page: usize, strings: &dyn Fn(&str) -> String) -> Vec<Slide> {
    let at = site.pages[page].url.as_str();
    split(&site.pages[page].rendered.blocks, &|call| {
        expand(site, call, strings, at)
    })
}

/// The generated deck of term `n` of taxonomy `t`: a title slide, the slides of the
/// term's introduction, then each argument's objection and answer and each case.
pub fn audience_slides(
    site: &Site,
    config: &Config,
    (t, n): (usize, usize),
    strings: &dyn Fn(&str) -> String,
) -> Vec<Slide> {
    let term = &site.taxonomies[t].terms[n];
    let mut slides = vec![Slide {
        html: format!(
            "<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n",
            escape(&term.name),
            escape(&format!("{} · {}", config.title, config.brand.name))
        ),
        notes: String::new(),
        class: "title".into(),
    }];
    let at = term.url.as_str();
    if let Some(&node) = site.by_url.get(&term.url) {
        if let Some(intro) = site.nodes[node].intro {
            slides.extend(split(&site.pages[intro].rendered.blocks, &|call| {
                expand(site, call, strings, at)
            }));
        }
    }
    for &p in &term.pages {
        if site.pages[p].kind() == Kind::Argument {
            slides.extend(argument_slides(site, p, strings, &term.url));
        }
    }
    for &p in &term.pages {
        if site.pages[p].kind() == Kind::Case {
            slides.extend(case_slide(site, p, &term.url));
        }
    }
    slides
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Env, Input, render};

    struct NoLinks;
    impl Env for NoLinks {
        fn page_url(&self, _: &str) -> Option<&str> {
            None
        }
        fn shortcode(&self, call: &Call, _: Option<&str>, _: &str) -> Result<String, String> {
            Ok(format!("<div class=\"card\">{}</div>", call.name))
        }
    }

    fn slides(text: &str) -> Vec<Slide> {
        let rendered = render(
            &Input {
                text,
                rel: "vortraege/x.md",
                url: "vortraege/x/",
            },
            &NoLinks,
        );
        split(&rendered.blocks, &|call| {
            (call.name == "argument").then(|| {
                vec![
                    Slide {
                        html: "Einwand".into(),
                        ..Slide::default()
                    },
                    Slide {
                        html: "Antwort".into(),
                        ..Slide::default()
                    },
                ]
            })
        })
    }

    #[test]
    fn breaks_split_but_code_and_setext_headings_do_not() {
        let deck = slides("# Eins\n\n---\n\n```\n---\n```\n\n---\n\nZwei\n---\n\nDrei");
        assert_eq!(deck.len(), 3, "{deck:#?}");
        assert!(deck[1].html.contains("---"));
        assert!(deck[2].html.contains("<h2 id=\"zwei\">Zwei</h2>"));
    }

    #[test]
    fn a_deck_without_separator_is_one_slide_and_empty_slides_vanish() {
        assert_eq!(slides("# Nur eine").len(), 1);
        assert_eq!(slides("---\n\n# A\n\n---\n\n---\n\n# B\n\n---\n").len(), 2);
    }

    #[test]
    fn notes_take_the_rest_of_the_slide() {
        let deck = slides(
            "# A\n\nText\n\nNotiz: Erst das.\n\n- dann das\n\n---\n\nNote: nur Notiz\n\n# B",
        );
        assert_eq!(deck[0].html, "<h1 id=\"a\">A</h1>\n<p>Text</p>\n");
        assert_eq!(
            deck[0].notes,
            "<p>Erst das.</p>\n<ul>\n<li>dann das</li>\n</ul>\n"
        );
        assert_eq!(deck.len(), 2);
        assert!(deck[1].html.is_empty() && deck[1].notes.contains("nur Notiz"));
    }

    #[test]
    fn class_directives_set_the_layout() {
        let deck = slides("<!-- class: title -->\n\n# A\n\n---\n\n<!-- class: columns -->\n\nB");
        assert_eq!(deck[0].class, "title");
        assert_eq!(deck[1].class, "columns");
    }

    #[test]
    fn lone_argument_calls_expand_and_others_stay_cards() {
        let deck = slides(
            "{{ argument(path=\"argumente/a.md\") }}\n\n---\n\nText\n\n{{ argument(path=\"argumente/a.md\") }}",
        );
        assert_eq!(deck.len(), 3);
        assert_eq!(deck[0].html, "Einwand");
        assert_eq!(deck[1].html, "Antwort");
        assert!(deck[2].html.contains("<div class=\"card\">argument</div>"));
    }
}
