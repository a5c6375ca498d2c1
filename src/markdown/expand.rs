//! Shortcode expansion: calls are swapped for placeholders of the same byte length
//! before parsing (so offsets, and with them error lines, stay true), block bodies are
//! rendered as Markdown of their own, and each placeholder is replaced by the rendered
//! template, which splits the paragraph around it.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::pass::Pass;
use super::{Block, Env, Input, MAX_NESTING, SHORTCODE_MARKER, State, options};
use crate::shortcode::{self, Call};

/// Placeholder text for shortcode call `index`: letters and digits only, so that the
/// Markdown parser keeps it inside one text event.
fn placeholder(index: usize) -> String {
    format!("bUyInSc{index:06}z")
}

pub(super) fn placeholder_index(text: &str) -> Option<(usize, usize, usize)> {
    let start = text.find("bUyInSc")?;
    let digits = text.get(start + 7..start + 13)?;
    let index = digits.parse().ok()?;
    (text.as_bytes().get(start + 13) == Some(&b'z')).then_some((start, start + 14, index))
}

/// Renders `range` of the input, `depth` shortcode bodies deep.
pub(super) fn render_part(
    input: &Input<'_>,
    range: Range<usize>,
    depth: usize,
    env: &dyn Env,
    state: &mut State,
) -> Vec<Block> {
    let source = &input.text[range.clone()];
    let base = range.start;
    let (calls, errors) = shortcode::scan(source, options());
    for error in errors {
        state
            .rendered
            .problems
            .push((base + error.offset, error.problem));
    }
    // Same-length text: the placeholder, then the call's newlines kept and all else blank.
    let mut text = String::with_capacity(source.len());
    let mut last = 0;
    for (index, call) in calls.iter().enumerate() {
        text.push_str(&source[last..call.span.start]);
        let token = placeholder(index);
        let original = &source[call.span.clone()];
        if original.len() >= token.len() {
            text.push_str(&token);
            text.extend(
                original[token.len()..]
                    .bytes()
                    .map(|b| if b == b'\n' { '\n' } else { ' ' }),
            );
        } else {
            text.push_str(&token);
        }
        last = call.span.end;
    }
    text.push_str(&source[last..]);

    let rendered_calls: Vec<String> = calls
        .iter()
        .map(|call| {
            let body = call.body.as_ref().map(|body| {
                if depth + 1 >= MAX_NESTING {
                    state.too_deep(base + call.span.start);
                    return String::new();
                }
                let body_range = base + body.start..base + body.end;
                let blocks = render_part(input, body_range, depth + 1, env, state);
                blocks.iter().map(|b| b.html.as_str()).collect::<String>()
            });
            match env.shortcode(call, body.as_deref(), input.url) {
                Ok(html) => html,
                Err(problem) => {
                    state
                        .rendered
                        .problems
                        .push((base + call.span.start, problem));
                    String::new()
                }
            }
        })
        .collect();

    let mut pass = Pass {
        input,
        base,
        depth,
        env,
        state,
        calls: &calls,
        rendered_calls: &rendered_calls,
    };
    pass.run(&text)
}

impl Pass<'_, '_> {
    /// The call of a paragraph that holds nothing but one shortcode placeholder.
    pub(super) fn lone_call(&self, events: &[(Event<'_>, Range<usize>)]) -> Option<Call> {
        if !matches!(events.first()?.0, Event::Start(Tag::Paragraph)) {
            return None;
        }
        let mut text = String::new();
        for (event, _) in &events[1..events.len() - 1] {
            match event {
                Event::Text(t) => text.push_str(t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => return None,
            }
        }
        let (start, end, index) = placeholder_index(&text)?;
        (text[..start].trim().is_empty() && text[end..].trim().is_empty())
            .then(|| self.calls[index].clone())
    }

    /// A paragraph; a shortcode placeholder inside it splits it, since every shortcode
    /// renders block HTML that may not sit inside `<p>`.
    pub(super) fn paragraph(
        &mut self,
        inner: &[(Event<'_>, Range<usize>)],
        out: &mut Vec<Event<'static>>,
    ) {
        let mut run: Vec<Event<'static>> = Vec::new();
        let flush = |run: &mut Vec<Event<'static>>, out: &mut Vec<Event<'static>>| {
            // Line breaks next to a removed shortcode are no content of their own.
            while matches!(run.last(), Some(Event::SoftBreak | Event::HardBreak)) {
                run.pop();
            }
            while matches!(run.first(), Some(Event::SoftBreak | Event::HardBreak)) {
                run.remove(0);
            }
            let blank = run.iter().all(|e| match e {
                Event::Text(t) => t.trim().is_empty(),
                Event::SoftBreak | Event::HardBreak => true,
                _ => false,
            });
            if !blank {
                out.push(Event::Start(Tag::Paragraph));
                out.append(run);
                out.push(Event::End(TagEnd::Paragraph));
            }
            run.clear();
        };
        let mut transformed = Vec::new();
        self.transform_inline(inner, &mut transformed);
        for event in transformed {
            match event {
                Event::Html(html) if html.starts_with(SHORTCODE_MARKER) => {
                    flush(&mut run, out);
                    out.push(Event::Html(html));
                }
                other => run.push(other),
            }
        }
        flush(&mut run, out);
    }

    /// Text with any shortcode placeholders replaced by the rendered call.
    pub(super) fn text(&mut self, text: &str, out: &mut Vec<Event<'static>>) {
        let mut rest = text;
        while let Some((start, end, index)) = placeholder_index(rest) {
            if start > 0 {
                self.push_text(&rest[..start]);
                out.push(Event::Text(CowStr::from(rest[..start].to_string())));
            }
            let html = self.rendered_calls.get(index).cloned().unwrap_or_default();
            out.push(Event::Html(CowStr::from(format!(
                "{SHORTCODE_MARKER}{html}"
            ))));
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            self.push_text(rest);
            out.push(Event::Text(CowStr::from(rest.to_string())));
        }
    }
}
