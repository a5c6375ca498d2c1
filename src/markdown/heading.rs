//! Heading ids: unique German slugs (or the id written `{#id}`), kept clear of the ids
//! a page's template uses, and the list of headings for the table of contents.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Heading;
use super::pass::{Pass, plain_text};
use crate::slug::slugify;

impl Pass<'_, '_> {
    /// A heading: its id made unique on the page (written `{#id}` or its title's slug),
    /// recorded for the table of contents and anchor checks.
    pub(super) fn heading(
        &mut self,
        tag: &Tag<'_>,
        inner: &[(Event<'_>, Range<usize>)],
        out: &mut Vec<Event<'static>>,
    ) {
        let Tag::Heading {
            level,
            id,
            classes,
            attrs,
        } = tag
        else {
            return;
        };
        let title = plain_text(inner);
        let wanted = id
            .as_ref()
            .map(|id| id.to_string())
            .unwrap_or_else(|| slugify(&title));
        let id = self.unique_id(if wanted.is_empty() {
            "abschnitt".to_string()
        } else {
            wanted
        });
        self.state.rendered.headings.push(Heading {
            level: *level as u8,
            id: id.clone(),
            title: title.clone(),
        });
        self.push_text(&title);
        out.push(Event::Start(Tag::Heading {
            level: *level,
            id: Some(CowStr::from(id)),
            classes: classes
                .iter()
                .map(|c| CowStr::from(c.to_string()))
                .collect(),
            attrs: attrs
                .iter()
                .map(|(k, v)| {
                    (
                        CowStr::from(k.to_string()),
                        v.as_ref().map(|v| CowStr::from(v.to_string())),
                    )
                })
                .collect(),
        }));
        let mut inner_out = Vec::new();
        self.transform_inline(inner, &mut inner_out);
        out.extend(inner_out);
        out.push(Event::End(TagEnd::Heading(*level)));
    }

    fn unique_id(&mut self, wanted: String) -> String {
        let mut id = wanted.clone();
        let mut n = 1;
        while !self.state.ids.insert(id.clone()) {
            id = format!("{wanted}-{n}");
            n += 1;
        }
        id
    }
}
