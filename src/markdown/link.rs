//! Link rewriting: a link to a Markdown file becomes a relative href to its page, a
//! root-relative link a relative one, and every internal link is recorded for the
//! check once all pages are known.

use pulldown_cmark::LinkType;

use super::pass::Pass;
use super::{LinkRef, LinkTarget};
use crate::diag::Diagnostic;
use crate::url::{is_external, normalize, relative_href, root_prefix};

impl Pass<'_, '_> {
    /// Rewrites a link destination to a relative one and records it for checking.
    pub(super) fn rewrite(&mut self, dest: &str, link_type: LinkType, offset: usize) -> String {
        let offset = self.base + offset;
        if matches!(link_type, LinkType::Email | LinkType::Autolink)
            || dest.is_empty()
            || is_external(dest)
        {
            return dest.to_string();
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor.to_string())),
            None => (dest, None),
        };
        let fragment = anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
        let written = dest.to_string();
        let links = &mut self.state.rendered.links;
        if path.is_empty() {
            links.push(LinkRef {
                target: LinkTarget::Page(self.input.rel.to_string()),
                anchor,
                offset,
                written,
                line: 0,
                col: 0,
            });
            return dest.to_string();
        }
        if let Some(root_path) = path.strip_prefix('/') {
            let file = if root_path.is_empty() || root_path.ends_with('/') {
                format!("{root_path}index.html")
            } else {
                root_path.to_string()
            };
            links.push(LinkRef {
                target: LinkTarget::File(file.clone()),
                anchor: None,
                offset,
                written,
                line: 0,
                col: 0,
            });
            return format!("{}{file}{fragment}", root_prefix(self.input.url));
        }
        let dir = self.input.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
        let Some(target) = normalize(dir, path) else {
            self.state.rendered.problems.push((
                offset,
                Diagnostic::coded_error("", 0, 0, "link-outside-content", &[("link", dest)]),
            ));
            return dest.to_string();
        };
        if target.ends_with(".md") {
            match self.env.page_url(&target) {
                Some(url) => {
                    let href = format!("{}{fragment}", relative_href(self.input.url, url));
                    links.push(LinkRef {
                        target: LinkTarget::Page(target),
                        anchor,
                        offset,
                        written,
                        line: 0,
                        col: 0,
                    });
                    href
                }
                None => {
                    self.state.rendered.problems.push((
                        offset,
                        Diagnostic::coded_error(
                            "",
                            0,
                            0,
                            "broken-link-content",
                            &[("link", dest), ("target", &target)],
                        ),
                    ));
                    dest.to_string()
                }
            }
        } else {
            links.push(LinkRef {
                target: LinkTarget::File(target.clone()),
                anchor: None,
                offset,
                written,
                line: 0,
                col: 0,
            });
            format!("{}{target}{fragment}", root_prefix(self.input.url))
        }
    }
}
