//! Slides from rendered Markdown: split at top-level thematic breaks, speaker notes,
//! layout classes, expansion of argument and case shortcodes, and the generated
//! audience decks of stakeholder and department terms.
//!
//! Works on the blocks `markdown.rs` produced from pulldown-cmark events, so a `---`
//! inside code or under a paragraph (a setext heading) never splits a slide.
//!
//! The deck model, as the slides page, the handout and `buyin export` read it: a deck
//! is a `Vec<Slide>` in talk order. A slide's `html` is what the audience sees, `notes`
//! what the presenter reads (and the handout prints beside the slide). A slide expanded
//! from an argument or case also keeps its data: `summary` on the answer slide,
//! `metrics` on the case slide, so an exporter can draw them natively. Ids inside
//! `html` and `notes` are unique per deck once [`number_ids`] has run.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown::{Block, BlockRole, escape};
use crate::shortcode::Call;
use crate::site::{Page, Site};
use crate::source::{Argument, Case, Kind, KindData, Metric};
use crate::url::rebase_html;

/// One slide.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Slide {
    /// The slide's content as HTML.
    pub html: String,
    /// Speaker notes as HTML; empty when there are none.
    pub notes: String,
    /// Layout classes, space-separated (`title`, `section`, `columns`, `objection`,
    /// `answer`, `case`, …).
    pub class: String,
    /// On an argument's answer slide: the argument's `summary` points as written (inline
    /// Markdown; `crate::summary::html` renders them). Empty elsewhere, and when the
    /// argument has none (the slide then shows the answer's opening).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub summary: Vec<String>,
    /// On a case slide: every metric of the case; numbers are drawn as a chart, text
    /// values as key-figure tiles. Empty elsewhere.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    /// The heading ids of the deck's Markdown that this slide is the first to show, as a
    /// link from another page names them (`deck.md#unser-vorschlag`): the slides page and
    /// the handout give the slide these ids too, so such a link lands on it.
    pub anchors: Vec<String>,
}

/// Makes the ids of a deck's slides unique within one file: slide `n` (1-based) prefixes
/// the ids of its content with `sN-` and those of its notes with `sN-n-`, in-slide links
/// included (see `crate::anchor`).
pub fn number_ids(slides: &mut [Slide]) {
    for (i, slide) in slides.iter_mut().enumerate() {
        let prefix = format!("s{}-", i + 1);
        slide.html = crate::anchor::prefix_ids(&slide.html, &prefix);
        slide.notes = crate::anchor::prefix_ids(&slide.notes, &format!("{prefix}n-"));
    }
}

/// The id that heading `id` of a deck's Markdown carries once [`number_ids`] ran: the
/// first slide (or, failing that, the first notes) holding it. `None` when no slide
/// shows it.
pub fn numbered_id(slides: &[Slide], id: &str) -> Option<String> {
    slide_of(slides, id).map(|(_, numbered)| numbered)
}

/// The slide (0-based) that first shows heading `id`, and the id it carries there.
fn slide_of(slides: &[Slide], id: &str) -> Option<(usize, String)> {
    let find = |notes: bool| {
        slides.iter().enumerate().find_map(|(i, slide)| {
            let (html, prefix) = if notes {
                (&slide.notes, format!("s{}-n-", i + 1))
            } else {
                (&slide.html, format!("s{}-", i + 1))
            };
            let numbered = format!("{prefix}{id}");
            html.contains(&format!("id=\"{numbered}\""))
                .then_some((i, numbered))
        })
    };
    find(false).or_else(|| find(true))
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
                current.parts.push(block.html.clone());
                current.calls.push(Call::clone(call));
            }
            _ => current.parts.push(block.html.clone()),
        }
    }
    current.finish(&mut slides, expand);
    slides
}

#[derive(Default)]
struct Draft {
    /// The HTML of each top-level content block.
    parts: Vec<String>,
    notes: String,
    class: String,
    in_notes: bool,
    calls: Vec<Call>,
}

impl Draft {
    fn finish(self, slides: &mut Vec<Slide>, expand: &dyn Fn(&Call) -> Option<Vec<Slide>>) {
        if self.parts.len() == 1 && self.calls.len() == 1 {
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
        let html = if self.class.split(' ').any(|c| c == "columns") {
            columns(&self.parts)
        } else {
            self.parts.concat()
        };
        if html.trim().is_empty() && self.notes.trim().is_empty() {
            return;
        }
        slides.push(Slide {
            html,
            notes: self.notes,
            class: self.class,
            ..Slide::default()
        });
    }
}

/// A `columns` slide's content: a leading `h1`/`h2` on top, the other blocks split
/// half left, half right (the left column takes the odd one), so the slides page, the
/// handout and an export all show the same two columns.
fn columns(parts: &[String]) -> String {
    let heading = parts
        .first()
        .filter(|p| p.starts_with("<h1") || p.starts_with("<h2"));
    let body = &parts[usize::from(heading.is_some())..];
    if body.len() < 2 {
        return parts.concat();
    }
    let (left, right) = body.split_at(body.len().div_ceil(2));
    format!(
        "{}<div class=\"deck-columns\">\n<div class=\"deck-col\">\n{}</div>\n<div class=\"deck-col\">\n{}</div>\n</div>\n",
        heading.map_or("", |h| h.as_str()),
        left.concat(),
        right.concat()
    )
}

/// The slides of an argument, for a deck shown at (or below) the page `at`: its
/// objection, then its answer. The answer slide shows the argument's `summary`, or
/// without one the answer up to its first heading (deck.js fits it to the canvas). The
/// notes hold what a presenter needs at a glance: the answer's first paragraph (when
/// the slide shows the summary) and the evidence, never the whole body.
fn argument_slides(
    site: &Site,
    (page, argument): (&Page, &Argument),
    strings: &dyn Fn(&str) -> String,
    at: &str,
) -> Vec<Slide> {
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
    let mut answer = format!("<h2>{}</h2>\n", escape(page.title()));
    let mut notes = String::new();
    match crate::summary::html(&argument.summary) {
        Some(summary) => {
            answer.push_str(&summary);
            answer.push('\n');
            notes.push_str(&rebase_html(&lead(page), &page.url, at));
        }
        None => answer.push_str(&rebase_html(&opening(page), &page.url, at)),
    }
    let evidence: Vec<String> = argument
        .evidence
        .iter()
        .filter_map(|path| site.by_rel.get(crate::url::content_path(path)))
        .map(|&e| escape(site.pages[e].title()))
        .collect();
    if !evidence.is_empty() {
        notes.push_str(&format!(
            "<p><strong>{}:</strong> {}</p>\n",
            escape(&strings("evidence")),
            evidence.join("; ")
        ));
    }
    vec![
        Slide {
            html: objection,
            class: "objection".into(),
            ..Slide::default()
        },
        Slide {
            html: answer,
            notes,
            class: "answer".into(),
            summary: argument.summary.clone(),
            ..Slide::default()
        },
    ]
}

/// The blocks of a page up to its first heading, as HTML: an answer's opening.
fn opening(page: &Page) -> String {
    page.rendered
        .blocks()
        .iter()
        .take_while(|b| !b.html.starts_with("<h"))
        .filter(|b| b.role == BlockRole::Content)
        .map(|b| b.html.as_str())
        .collect()
}

/// The first paragraph of a page before its first heading: the message of an answer
/// or the start of a case's story.
fn lead(page: &Page) -> String {
    page.rendered
        .blocks()
        .iter()
        .take_while(|b| !b.html.starts_with("<h"))
        .find(|b| b.role == BlockRole::Content && b.html.starts_with("<p"))
        .map_or_else(String::new, |b| b.html.clone())
}

/// Organisation, industry, size and year of a case, those that are given.
fn case_facts(page: &Page) -> Vec<&str> {
    let KindData::Case(case) = &page.source.front.kind else {
        return Vec::new();
    };
    [&case.organization, &case.industry, &case.size, &case.year]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect()
}

/// The slide of a case, for a deck shown at (or below) the page `at`: title, facts,
/// its description, then every metric (numbers as a chart, text as key-figure tiles).
/// The notes hold the story's first paragraph and the source.
fn case_slide(
    (page, case): (&Page, &Case),
    strings: &dyn Fn(&str) -> String,
    at: &str,
) -> Vec<Slide> {
    let facts = case_facts(page);
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
    let caption = format!("{}: {}", strings("metrics"), page.title());
    if let Some(chart) = crate::chart::metrics_chart(&case.metrics, &caption) {
        html.push_str(&format!(
            "<figure class=\"chart\" tabindex=\"0\">{chart}</figure>\n"
        ));
    }
    if let Some(tiles) = crate::chart::key_figures(&case.metrics) {
        html.push_str(&tiles);
        html.push('\n');
    }
    let mut notes = rebase_html(&lead(page), &page.url, at);
    if let Some(source) = &case.source {
        notes.push_str(&format!(
            "<p><strong>{}:</strong> {}</p>\n",
            escape(&strings("source")),
            escape(source)
        ));
    }
    vec![Slide {
        html,
        notes,
        class: "case".into(),
        metrics: case.metrics.clone(),
        ..Slide::default()
    }]
}

/// A warning for every argument that appears in a deck (expanded on a deck's slide or
/// in the generated deck of one of its audience terms) without a `summary`: its answer
/// slide then shows the answer's opening, fitted, which is rarely what a room should
/// read. One warning per argument, naming the first deck that shows it.
pub fn summary_warnings(site: &Site) -> Vec<Diagnostic> {
    let mut shown_in: BTreeMap<usize, String> = BTreeMap::new();
    for page in &site.pages {
        if !matches!(page.source.front.kind, KindData::Deck(_)) {
            continue;
        }
        for role in page.rendered.roles() {
            let BlockRole::Shortcode(call) = role else {
                continue;
            };
            let path = call.args.get("path").and_then(|a| a.as_text());
            if let (true, Some(&p)) = (
                call.name == "argument",
                path.and_then(|path| site.by_rel.get(path.trim_start_matches("./"))),
            ) {
                shown_in
                    .entry(p)
                    .or_insert_with(|| page.title().to_string());
            }
        }
    }
    for taxonomy in site.taxonomies.iter().filter(|t| t.has_audience_decks()) {
        for term in &taxonomy.terms {
            for &p in &term.pages {
                shown_in.entry(p).or_insert_with(|| term.name.clone());
            }
        }
    }
    shown_in
        .into_iter()
        .filter_map(|(p, deck)| {
            let page = &site.pages[p];
            let KindData::Argument(argument) = &page.source.front.kind else {
                return None;
            };
            argument.summary.is_empty().then(|| {
                Diagnostic::coded_error(
                    &page.source.path,
                    1,
                    1,
                    "summary-missing",
                    &[("title", page.title()), ("deck", &deck)],
                )
                .warning()
            })
        })
        .collect()
}

/// Expansion of a lone `argument` or `case` call on a slide of a deck shown at `at`.
pub fn expand(
    site: &Site,
    call: &Call,
    strings: &dyn Fn(&str) -> String,
    at: &str,
) -> Option<Vec<Slide>> {
    let kind = match call.name.as_str() {
        "argument" => Kind::Argument,
        "case" => Kind::Case,
        _ => return None,
    };
    let path = call.args.get("path")?.as_text()?;
    let &page = site.by_rel.get(path.trim_start_matches("./"))?;
    // A call naming an item of the other kind is reported by the shortcode's rules.
    Some(if site.pages[page].kind() == kind {
        item_slides(site, page, strings, at)
    } else {
        Vec::new()
    })
}

/// The slides of content item `page` for a deck shown at (or below) the page `at`: an
/// argument's objection and answer, a case's slide; none for other kinds.
pub fn item_slides(
    site: &Site,
    page: usize,
    strings: &dyn Fn(&str) -> String,
    at: &str,
) -> Vec<Slide> {
    let page = &site.pages[page];
    match &page.source.front.kind {
        KindData::Argument(argument) => argument_slides(site, (page, argument), strings, at),
        KindData::Case(case) => case_slide((page, case), strings, at),
        _ => Vec::new(),
    }
}

/// The slides of deck page `page`: its own slides, lone `argument` and `case` calls
/// expanded into that item's slides; ids numbered per slide.
pub fn page_slides(site: &Site, page: usize, strings: &dyn Fn(&str) -> String) -> Vec<Slide> {
    let at = site.pages[page].url.as_str();
    let mut slides = split(&site.pages[page].rendered.blocks(), &|call| {
        expand(site, call, strings, at)
    });
    number_ids(&mut slides);
    for heading in &site.pages[page].rendered.headings {
        if let Some((i, _)) = slide_of(&slides, &heading.id) {
            slides[i].anchors.push(heading.id.clone());
        }
    }
    slides
}

/// The generated deck of term `n` of taxonomy `t`: a title slide, the slides of the
/// term's introduction, then each argument's objection and answer and each case; ids
/// numbered per slide.
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
        class: "title".into(),
        ..Slide::default()
    }];
    let at = term.url.as_str();
    if let Some(&node) = site.by_url.get(&term.url) {
        if let Some(intro) = site.nodes[node].intro {
            slides.extend(split(&site.pages[intro].rendered.blocks(), &|call| {
                expand(site, call, strings, at)
            }));
        }
    }
    for kind in [Kind::Argument, Kind::Case] {
        for &p in term.pages.iter().filter(|&&p| site.pages[p].kind() == kind) {
            slides.extend(item_slides(site, p, strings, at));
        }
    }
    number_ids(&mut slides);
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
        fn shortcode(&self, call: &Call, _: Option<&str>, _: &str) -> Result<String, Diagnostic> {
            Ok(format!("<div class=\"card\">{}</div>", call.name))
        }
    }

    fn slides(text: &str) -> Vec<Slide> {
        let rendered = render(
            &Input {
                text,
                rel: "vortraege/x.md",
                url: "vortraege/x/",
                reserved: &[],
            },
            &NoLinks,
        );
        split(&rendered.blocks(), &|call| {
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
    fn columns_split_the_blocks_under_the_heading() {
        let deck = slides(
            "<!-- class: columns -->\n\n## Plan\n\n### Wir tun\n\n- a\n\n### Wir brauchen\n\n- b",
        );
        let html = &deck[0].html;
        assert!(html.starts_with("<h2 id=\"plan\">Plan</h2>"), "{html}");
        let cols: Vec<&str> = html.split("<div class=\"deck-col\">").skip(1).collect();
        assert_eq!(cols.len(), 2, "{html}");
        assert!(cols[0].contains("Wir tun") && cols[0].contains("<li>a</li>"));
        assert!(cols[1].contains("Wir brauchen") && cols[1].contains("<li>b</li>"));
        // one block after the heading flows instead (deck.css)
        let one = slides("<!-- class: columns -->\n\n## Plan\n\n- a\n- b");
        assert!(!one[0].html.contains("deck-columns"));
    }

    #[test]
    fn ids_are_numbered_per_slide() {
        let mut deck = slides("## Was\n\n[oben](#was)\n\nNotiz: x\n\n---\n\n## Was");
        number_ids(&mut deck);
        assert_eq!(
            deck[0].html,
            "<h2 id=\"s1-was\">Was</h2>\n<p><a href=\"#s1-was\">oben</a></p>\n"
        );
        assert_eq!(deck[1].html, "<h2 id=\"s2-was-1\">Was</h2>\n");
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
