//! The event walk: parses one part of a file, bounds its nesting, cuts it into top-level
//! blocks and sends each event to its concern (headings, code, paragraphs with
//! shortcodes, links); the block's HTML and deck role come out.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use super::highlight::code_block;
use super::role::{class_directive, strip_note_label};
use super::task_list::label_task_items;
use super::{Block, BlockRole, Env, Input, MAX_NESTING, SHORTCODE_MARKER, State, options};
use crate::shortcode::Call;

pub(super) struct Pass<'a, 'b> {
    pub(super) input: &'a Input<'a>,
    pub(super) base: usize,
    /// Shortcode bodies around this part; each counts as one level of nesting.
    pub(super) depth: usize,
    pub(super) env: &'a dyn Env,
    pub(super) state: &'b mut State,
    pub(super) calls: &'a [Call],
    pub(super) rendered_calls: &'a [String],
}

impl Pass<'_, '_> {
    pub(super) fn run(&mut self, text: &str) -> Vec<Block> {
        let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(text, options())
            .into_offset_iter()
            .collect();
        // Levels: shortcode bodies, lists and quotes; every tag together is bounded too
        // (a list item, its paragraph and emphasis sit on their list's level).
        let (mut levels, mut tags) = (self.depth, 0usize);
        for (event, range) in &events {
            match event {
                Event::Start(tag) => {
                    tags += 1;
                    levels += usize::from(matches!(tag, Tag::List(_) | Tag::BlockQuote(_)));
                }
                Event::End(tag) => {
                    tags = tags.saturating_sub(1);
                    let container = matches!(tag, TagEnd::List(_) | TagEnd::BlockQuote(_));
                    levels = levels.saturating_sub(usize::from(container));
                }
                _ => {}
            }
            if levels > MAX_NESTING || tags > 4 * MAX_NESTING {
                self.state.too_deep(self.base + range.start);
                return Vec::new();
            }
        }
        let mut blocks = Vec::new();
        // Only the whole file (not a shortcode body) splits into slides, so only there
        // are speaker notes.
        let top_level = self.base == 0;
        let mut in_notes = false;
        let mut i = 0;
        while i < events.len() {
            // One top-level block: from a start event to its matching end, or one event.
            let start = i;
            let mut depth = 0;
            loop {
                match events[i].0 {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth -= 1,
                    _ => {}
                }
                i += 1;
                if depth == 0 || i >= events.len() {
                    break;
                }
            }
            let block_events = &events[start..i];
            let text_start = self.state.rendered.text.len();
            let block = self.block(block_events);
            if top_level {
                for b in &block {
                    match b.role {
                        BlockRole::Rule => in_notes = false,
                        BlockRole::Note => in_notes = true,
                        _ => {}
                    }
                }
                let text_end = self.state.rendered.text.len();
                if in_notes && text_end > text_start {
                    self.state.rendered.notes.push(text_start..text_end);
                }
            }
            blocks.extend(block);
        }
        blocks
    }

    fn block(&mut self, events: &[(Event<'_>, Range<usize>)]) -> Vec<Block> {
        let first = &events[0].0;
        match first {
            Event::Rule => {
                return vec![Block {
                    html: "<hr>\n".into(),
                    role: BlockRole::Rule,
                }];
            }
            Event::Start(Tag::HtmlBlock) => {
                let html: String = events
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Html(h) => Some(h.as_ref()),
                        _ => None,
                    })
                    .collect();
                if let Some(class) = class_directive(&html) {
                    return vec![Block {
                        html: String::new(),
                        role: BlockRole::Class(class),
                    }];
                }
            }
            _ => {}
        }
        let lone_call = self.lone_call(events);
        let mut out: Vec<Event<'static>> = Vec::new();
        self.transform(events, &mut out);
        let out = out.into_iter().map(|event| match event {
            Event::Html(html) if html.starts_with(SHORTCODE_MARKER) => {
                Event::Html(CowStr::from(html[SHORTCODE_MARKER.len()..].to_string()))
            }
            other => other,
        });
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, label_task_items(out.collect()).into_iter());
        let role = match lone_call {
            Some(call) => BlockRole::Shortcode(Box::new(call)),
            None if matches!(first, Event::Start(Tag::Paragraph))
                && strip_note_label(&mut html) =>
            {
                BlockRole::Note
            }
            None => BlockRole::Content,
        };
        vec![Block { html, role }]
    }

    fn transform(&mut self, events: &[(Event<'_>, Range<usize>)], out: &mut Vec<Event<'static>>) {
        let mut i = 0;
        while i < events.len() {
            let (event, range) = &events[i];
            match event {
                Event::Start(tag @ Tag::Heading { .. }) => {
                    let end = find_end(events, i);
                    self.heading(tag, &events[i + 1..end], out);
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let end = find_end(events, i);
                    let code: String = events[i + 1..end]
                        .iter()
                        .filter_map(|(e, _)| {
                            if let Event::Text(t) = e {
                                Some(t.as_ref())
                            } else {
                                None
                            }
                        })
                        .collect();
                    self.push_text(&code);
                    out.push(Event::Html(CowStr::from(code_block(kind, &code))));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Paragraph) => {
                    let end = find_end(events, i);
                    self.paragraph(&events[i + 1..end], out);
                    i = end + 1;
                    continue;
                }
                _ => {
                    let _ = range;
                    self.transform_inline(&events[i..i + 1], out);
                }
            }
            i += 1;
        }
    }

    pub(super) fn transform_inline(
        &mut self,
        events: &[(Event<'_>, Range<usize>)],
        out: &mut Vec<Event<'static>>,
    ) {
        for (event, range) in events {
            match event {
                Event::Text(text) => self.text(text, out),
                Event::Code(code) => {
                    self.push_text(code);
                    out.push(Event::Code(CowStr::from(code.to_string())));
                }
                Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                    // Both carry a destination to rewrite; everything else is kept.
                    let mut tag = tag.clone().into_static();
                    if let Tag::Link {
                        link_type,
                        dest_url,
                        ..
                    }
                    | Tag::Image {
                        link_type,
                        dest_url,
                        ..
                    } = &mut tag
                    {
                        *dest_url = CowStr::from(self.rewrite(dest_url, *link_type, range.start));
                    }
                    out.push(Event::Start(tag));
                }
                Event::SoftBreak => {
                    self.push_text(" ");
                    out.push(Event::SoftBreak);
                }
                other => out.push(other.clone().into_static()),
            }
        }
    }

    pub(super) fn push_text(&mut self, text: &str) {
        let plain = &mut self.state.rendered.text;
        if !plain.is_empty() && !plain.ends_with(' ') {
            plain.push(' ');
        }
        plain.push_str(text.trim());
    }
}

pub(super) fn find_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    let mut depth = 0;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

pub(super) fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => Some(t.to_string()),
            Event::SoftBreak | Event::HardBreak => Some(" ".to_string()),
            _ => None,
        })
        .collect::<String>()
        .trim()
        .to_string()
}
