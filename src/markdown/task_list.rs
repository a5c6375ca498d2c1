//! Task lists: each checkbox labelled by its item's text, so it has an accessible name.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Wraps each task-list checkbox and the text of its item in a `<label>`, so the box
/// has an accessible name: the label closes before the item's first nested block.
pub(super) fn label_task_items(events: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let mut out = Vec::with_capacity(events.len());
    let mut open: Option<usize> = None;
    for event in events {
        if let Some(depth) = open {
            let closes = match &event {
                Event::End(TagEnd::Item | TagEnd::Paragraph) => depth == 0,
                Event::Start(
                    Tag::List(_)
                    | Tag::Paragraph
                    | Tag::CodeBlock(_)
                    | Tag::BlockQuote(_)
                    | Tag::Table(_)
                    | Tag::Heading { .. }
                    | Tag::HtmlBlock,
                ) => depth == 0,
                Event::Html(_) | Event::Rule => depth == 0,
                _ => false,
            };
            if closes {
                out.push(Event::InlineHtml(CowStr::Borrowed("</label>")));
                open = None;
            } else {
                open = match &event {
                    Event::Start(_) => Some(depth + 1),
                    Event::End(_) => Some(depth.saturating_sub(1)),
                    _ => Some(depth),
                };
            }
        }
        match event {
            Event::TaskListMarker(checked) => {
                let checked = if checked { " checked" } else { "" };
                out.push(Event::InlineHtml(CowStr::from(format!(
                    "<label class=\"task-item\"><input type=\"checkbox\" disabled{checked}>"
                ))));
                open = Some(0);
            }
            other => out.push(other),
        }
    }
    if open.is_some() {
        out.push(Event::InlineHtml(CowStr::Borrowed("</label>")));
    }
    out
}
