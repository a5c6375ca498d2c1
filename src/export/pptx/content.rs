//! Slide HTML -> what a PowerPoint slide holds: a title, paragraphs of formatted runs
//! with their list levels, quotes, code, pictures and charts.
//!
//! The slide HTML comes from buyin's own Markdown and shortcode rendering, so the
//! walk knows its shapes: headings, paragraphs, nested lists, block quotes, `pre`
//! blocks, images, inline SVG charts, and cards whose text is taken as paragraphs.

use scraper::{ElementRef, Html, Node};

/// A piece of text with one format.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    /// The link target as written in the HTML.
    pub link: Option<String>,
}

/// How a paragraph is marked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bullet {
    None,
    Dot,
    Number,
}

/// One paragraph: runs, list level (0 for the outermost) and bullet.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub runs: Vec<Run>,
    pub level: u32,
    pub bullet: Bullet,
}

impl Para {
    fn plain(runs: Vec<Run>) -> Para {
        Para {
            runs,
            level: 0,
            bullet: Bullet::None,
        }
    }

    /// The paragraph's text.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// What a block of text is for, which decides its look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    Body,
    /// A quoted objection or block quote.
    Quote,
    /// The small line above a heading (`p.kicker`).
    Kicker,
    /// Facts under a case's title (`p.facts`).
    Facts,
    /// Key figures of a case: value and label per line.
    Figures,
}

/// A block of a slide.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Text(Role, Vec<Para>),
    Code(String),
    /// A picture by its `src` (relative to the deck page) and alt text.
    Picture {
        src: String,
        alt: String,
    },
    /// An inline SVG (a metrics chart) with its accessible name.
    Chart {
        svg: String,
        alt: String,
    },
}

/// The parsed slide.
#[derive(Debug, Default, PartialEq)]
pub struct Content {
    /// The first heading's runs; empty when the slide has no heading.
    pub title: Vec<Run>,
    pub blocks: Vec<Block>,
}

impl Content {
    /// The title as text.
    pub fn title_text(&self) -> String {
        self.title.iter().map(|r| r.text.as_str()).collect()
    }
}

/// Parses a slide's HTML.
pub fn parse(html: &str) -> Content {
    let fragment = Html::parse_fragment(html);
    let mut content = Content::default();
    walk(fragment.root_element(), &mut content);
    content
}

/// Parses speaker notes into paragraphs (lists keep their levels, pictures are left out).
pub fn notes(html: &str) -> Vec<Para> {
    let content = parse(html);
    let mut paras = Vec::new();
    if !content.title.is_empty() {
        paras.push(Para::plain(content.title));
    }
    for block in content.blocks {
        match block {
            Block::Text(_, list) => paras.extend(list),
            Block::Code(code) => paras.extend(code.lines().map(|line| {
                Para::plain(vec![Run {
                    text: line.to_string(),
                    code: true,
                    ..Run::default()
                }])
            })),
            // Notes are text; a picture in them has no place on a notes page.
            Block::Picture { .. } | Block::Chart { .. } => {}
        }
    }
    paras
}

fn walk(parent: ElementRef, content: &mut Content) {
    for child in parent.children() {
        match child.value() {
            Node::Text(text) if !text.trim().is_empty() => push_text(
                content,
                Role::Body,
                Para::plain(vec![Run {
                    text: collapse(text),
                    ..Run::default()
                }]),
            ),
            Node::Element(_) => {
                if let Some(element) = ElementRef::wrap(child) {
                    block(element, content);
                }
            }
            _ => {}
        }
    }
}

fn block(element: ElementRef, content: &mut Content) {
    let name = element.value().name();
    let class = |c: &str| element.value().classes().any(|x| x == c);
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let runs = runs_of(element);
            // The first heading is the title, also below a kicker line.
            if content.title.is_empty() && only_kickers(&content.blocks) {
                content.title = runs;
            } else {
                let runs = runs.into_iter().map(|r| Run { bold: true, ..r }).collect();
                push_text(content, Role::Body, Para::plain(runs));
            }
        }
        "p" => {
            if let Some(picture) = lone_picture(element) {
                content.blocks.push(picture);
                return;
            }
            let role = if class("kicker") {
                Role::Kicker
            } else if class("facts") {
                Role::Facts
            } else {
                Role::Body
            };
            let runs = runs_of(element);
            if !runs.is_empty() {
                push_text(content, role, Para::plain(runs));
            }
        }
        "ul" if class("metric-tiles") => key_figure_tiles(element, content),
        "ul" | "ol" => {
            let role = if class("metrics") {
                Role::Figures
            } else {
                Role::Body
            };
            let mut paras = Vec::new();
            list(element, 0, &mut paras);
            for para in paras {
                push_text(content, role, para);
            }
        }
        "blockquote" => {
            let mut inner = Content::default();
            walk(element, &mut inner);
            let mut paras: Vec<Para> = Vec::new();
            if !inner.title.is_empty() {
                paras.push(Para::plain(inner.title));
            }
            for b in inner.blocks {
                if let Block::Text(_, list) = b {
                    paras.extend(list);
                }
            }
            for para in paras {
                push_text(content, Role::Quote, para);
            }
        }
        "pre" => content
            .blocks
            .push(Block::Code(text_of(element).trim_end().to_string())),
        "img" => content.blocks.push(picture(element)),
        "svg" => content.blocks.push(chart(element)),
        "figure" => {
            if let Some(svg) = element.child_elements().find(|e| e.value().name() == "svg") {
                content.blocks.push(chart(svg));
                key_figures(svg, content);
            } else {
                walk(element, content);
            }
        }
        "table" => {
            for row in element.select(&selector("tr")) {
                let cells: Vec<String> = row
                    .child_elements()
                    .map(|cell| collapse(&text_of(cell)).trim().to_string())
                    .collect();
                push_text(
                    content,
                    Role::Body,
                    Para::plain(vec![Run {
                        text: cells.join(" | "),
                        ..Run::default()
                    }]),
                );
            }
        }
        "script" | "style" | "template" | "hr" | "button" | "input" | "iframe" => {}
        "br" => {}
        "strong" | "em" | "b" | "i" | "a" | "code" | "span" | "small" | "sup" | "sub" | "mark"
        | "abbr" | "cite" | "q" => {
            let runs = runs_of(element);
            if !runs.is_empty() {
                push_text(content, Role::Body, Para::plain(runs));
            }
        }
        _ => walk(element, content),
    }
}

fn only_kickers(blocks: &[Block]) -> bool {
    blocks
        .iter()
        .all(|b| matches!(b, Block::Text(Role::Kicker, _)))
}

/// Adds a paragraph, joining the previous text block when it has the same role.
fn push_text(content: &mut Content, role: Role, para: Para) {
    if let Some(Block::Text(last, paras)) = content.blocks.last_mut() {
        if *last == role {
            paras.push(para);
            return;
        }
    }
    content.blocks.push(Block::Text(role, vec![para]));
}

fn list(element: ElementRef, level: u32, out: &mut Vec<Para>) {
    let bullet = if element.value().name() == "ol" {
        Bullet::Number
    } else {
        Bullet::Dot
    };
    for item in element
        .child_elements()
        .filter(|e| e.value().name() == "li")
    {
        let mut runs = Vec::new();
        let mut nested = Vec::new();
        for child in item.children() {
            match ElementRef::wrap(child) {
                Some(e) if matches!(e.value().name(), "ul" | "ol") => nested.push(e),
                Some(e) if e.value().name() == "p" => {
                    if !runs.is_empty() {
                        runs.push(plain(" "));
                    }
                    inline(child, Style::default(), &mut runs);
                }
                _ => inline(child, Style::default(), &mut runs),
            }
        }
        tidy(&mut runs);
        out.push(Para {
            runs,
            level,
            bullet,
        });
        for sub in nested {
            list(sub, level + 1, out);
        }
    }
}

/// Inline formatting in effect.
#[derive(Clone, Default)]
struct Style {
    bold: bool,
    italic: bool,
    code: bool,
    link: Option<String>,
}

fn inline(node: ego_tree::NodeRef<Node>, style: Style, runs: &mut Vec<Run>) {
    match node.value() {
        Node::Text(text) => {
            let text = if style.code {
                text.to_string()
            } else {
                collapse(text)
            };
            if !text.is_empty() {
                runs.push(Run {
                    text,
                    bold: style.bold,
                    italic: style.italic,
                    code: style.code,
                    link: style.link.clone(),
                });
            }
        }
        Node::Element(element) => {
            let mut style = style;
            match element.name() {
                "strong" | "b" => style.bold = true,
                "em" | "i" | "cite" | "q" => style.italic = true,
                "code" | "kbd" | "samp" => style.code = true,
                "a" => style.link = element.attr("href").map(str::to_string),
                "br" => {
                    runs.push(plain("\n"));
                    return;
                }
                "img" => {
                    if let Some(alt) = element.attr("alt").filter(|a| !a.is_empty()) {
                        runs.push(plain(alt));
                    }
                    return;
                }
                "svg" | "script" | "style" | "button" => return,
                _ => {}
            }
            for child in node.children() {
                inline(child, style.clone(), runs);
            }
        }
        _ => {}
    }
}

fn plain(text: &str) -> Run {
    Run {
        text: text.to_string(),
        ..Run::default()
    }
}

/// The runs of an element, with surrounding blanks trimmed.
fn runs_of(element: ElementRef) -> Vec<Run> {
    let mut runs = Vec::new();
    for child in element.children() {
        inline(child, Style::default(), &mut runs);
    }
    tidy(&mut runs);
    runs
}

/// Trims the blanks at both ends of a paragraph and drops empty runs.
fn tidy(runs: &mut Vec<Run>) {
    while runs.first().is_some_and(|r| r.text.trim().is_empty()) {
        runs.remove(0);
    }
    while runs.last().is_some_and(|r| r.text.trim().is_empty()) {
        runs.pop();
    }
    if let Some(first) = runs.first_mut() {
        first.text = first.text.trim_start().to_string();
    }
    if let Some(last) = runs.last_mut() {
        last.text = last.text.trim_end().to_string();
    }
}

/// Runs of white space collapse to one blank, as HTML shows them.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !blank {
                out.push(' ');
            }
            blank = true;
        } else {
            out.push(c);
            blank = false;
        }
    }
    out
}

fn text_of(element: ElementRef) -> String {
    element.text().collect()
}

/// A paragraph that holds one image and nothing else.
fn lone_picture(element: ElementRef) -> Option<Block> {
    let mut images = element.child_elements();
    let image = images.next()?;
    let only = images.next().is_none()
        && image.value().name() == "img"
        && element.text().all(|t| t.trim().is_empty());
    only.then(|| picture(image))
}

fn picture(element: ElementRef) -> Block {
    Block::Picture {
        src: element.attr("src").unwrap_or_default().to_string(),
        alt: element.attr("alt").unwrap_or_default().to_string(),
    }
}

fn chart(svg: ElementRef) -> Block {
    let alt = svg
        .attr("aria-label")
        .map(str::to_string)
        .unwrap_or_else(|| collapse(&text_of(svg)).trim().to_string());
    Block::Chart {
        svg: svg.html(),
        alt,
    }
}

/// Key-figure tiles ("6 Abteilungen" over its label) as the chart's figures are given:
/// the value bold, then the label, no bullet.
fn key_figure_tiles(list: ElementRef, content: &mut Content) {
    let (value_selector, label_selector) = (selector(".metric-value"), selector(".metric-label"));
    for tile in list.child_elements() {
        let part = |s: &scraper::Selector| {
            tile.select(s)
                .next()
                .map(|e| collapse(&text_of(e)).trim().to_string())
                .unwrap_or_default()
        };
        push_text(
            content,
            Role::Figures,
            Para::plain(vec![
                Run {
                    text: part(&value_selector),
                    bold: true,
                    ..Run::default()
                },
                plain(&format!(" {}", part(&label_selector))),
            ]),
        );
    }
}

/// The key figures a metrics chart draws, as text: "value label" per bar.
fn key_figures(svg: ElementRef, content: &mut Content) {
    let (label_selector, value_selector) =
        (selector("text.chart-label"), selector("text.chart-value"));
    let labels = svg.select(&label_selector);
    let values = svg.select(&value_selector);
    for (label, value) in labels.zip(values) {
        // A long label is shortened in the picture; its `<title>` has it whole.
        let name = label
            .select(&selector("title"))
            .next()
            .map_or_else(|| text_of(label), text_of);
        push_text(
            content,
            Role::Figures,
            Para::plain(vec![
                Run {
                    text: collapse(&text_of(value)).trim().to_string(),
                    bold: true,
                    ..Run::default()
                },
                plain(&format!(" {}", collapse(&name).trim())),
            ]),
        );
    }
}

fn selector(css: &str) -> scraper::Selector {
    // The selectors are literals of this file, checked by its tests.
    scraper::Selector::parse(css).unwrap_or_else(|_| unreachable!("valid selector {css}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_formats() {
        let c = parse(
            "<h2 id=\"x\">Was <em>wir</em> vorhaben</h2>\n<ul>\n<li>Eins <strong>fett</strong></li>\n<li>Zwei<ul><li>Unter <a href=\"https://example.org/\">Link</a></li></ul></li>\n</ul>\n<ol><li>Erst</li></ol>",
        );
        assert_eq!(c.title_text(), "Was wir vorhaben");
        let Block::Text(Role::Body, paras) = &c.blocks[0] else {
            panic!("{c:?}")
        };
        assert_eq!(paras.len(), 4);
        assert_eq!(paras[0].text(), "Eins fett");
        assert!(paras[0].runs[1].bold);
        assert_eq!((paras[2].level, paras[2].bullet), (1, Bullet::Dot));
        assert_eq!(
            paras[2].runs[1].link.as_deref(),
            Some("https://example.org/")
        );
        assert_eq!(paras[3].bullet, Bullet::Number);
    }

    #[test]
    fn objection_quote_code_and_pictures() {
        let c = parse(
            "<p class=\"kicker\">Einwand von Betriebsrat</p>\n<blockquote class=\"objection\"><p>Das ist Kontrolle.</p></blockquote>\n<pre><code>let a = 1;\n  b</code></pre><p><img src=\"../../img/a.png\" alt=\"Karte\"></p>",
        );
        assert!(c.title.is_empty());
        assert!(matches!(&c.blocks[0], Block::Text(Role::Kicker, _)));
        assert!(
            matches!(&c.blocks[1], Block::Text(Role::Quote, p) if p[0].text() == "Das ist Kontrolle.")
        );
        assert_eq!(c.blocks[2], Block::Code("let a = 1;\n  b".into()));
        assert!(
            matches!(&c.blocks[3], Block::Picture { src, alt } if src == "../../img/a.png" && alt == "Karte")
        );
    }

    #[test]
    fn charts_give_key_figures_as_text() {
        let svg = crate::chart::metrics_chart(
            &[crate::source::Metric {
                label: "Bewerbungen".into(),
                value: "120".into(),
                number: Some(120.0),
            }],
            "Kennzahlen",
        )
        .expect("chart");
        let c = parse(&format!(
            "<h2>Fall</h2><figure class=\"chart\">{svg}</figure>"
        ));
        // The picture's alt text is the chart's label: the caption and every figure.
        assert!(
            matches!(&c.blocks[0], Block::Chart { alt, .. } if alt.starts_with("Kennzahlen") && alt.contains("Bewerbungen: 120"))
        );
        assert!(
            matches!(&c.blocks[1], Block::Text(Role::Figures, p) if p[0].text() == "120 Bewerbungen")
        );
    }

    #[test]
    fn key_figure_tiles_are_figures_without_bullets() {
        let metrics = [crate::source::Metric {
            label: "Beteiligte Abteilungen".into(),
            value: "6 Abteilungen".into(),
            number: None,
        }];
        let tiles = crate::chart::key_figures(&metrics).expect("tiles");
        let c = parse(&format!("<h2>Fall</h2>{tiles}"));
        let [Block::Text(Role::Figures, paras)] = c.blocks.as_slice() else {
            panic!("one block of figures: {:?}", c.blocks);
        };
        assert_eq!(paras[0].text(), "6 Abteilungen Beteiligte Abteilungen");
        assert!(paras[0].runs[0].bold, "the value stands out");
        assert_eq!(paras[0].bullet, Bullet::None);
    }
}
