//! The sidebar and breadcrumbs of a page: each page's navigation stays bounded (its
//! open sections, the rest as links), and pages that show the same sidebar share one
//! rendering of it.

use std::sync::{Arc, PoisonError};

use serde_json::{Value, json};

use super::Renderer;
use crate::diag::Diagnostic;

/// How many children of an open navigation section are listed on every page; beyond
/// that a link leads to the section, which keeps each page's navigation bounded.
const NAV_CHILDREN_LIMIT: usize = 60;

/// What decides a sidebar's HTML: the root prefix of the page that shows it, the open
/// entries it lists (from the top down) and whether it lists the current page. Pages
/// deep in a long section, beyond the entries listed, share one sidebar.
#[derive(PartialEq, Eq, Hash)]
pub(super) struct SidebarKey {
    root: String,
    open: Vec<usize>,
    current_shown: bool,
}

impl Renderer<'_> {
    /// The sidebar's HTML (`templates/nav.html`) for the page at `url` whose node is
    /// `current`; rendered once for all pages that show the same one.
    pub(super) fn sidebar(
        &self,
        current: Option<usize>,
        url: &str,
    ) -> Result<Arc<str>, Diagnostic> {
        let key = self.sidebar_key(current, url);
        let known = self
            .sidebars
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(html) = known {
            return Ok(html);
        }
        let mut vars = self.base_vars(url);
        vars.set("nav", self.nav(current));
        let html: Arc<str> = String::from_utf8_lossy(&self.render_vars("nav.html", vars)?).into();
        self.sidebars
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Arc::clone(&html));
        Ok(html)
    }

    /// Walks the sidebar as [`Renderer::nav`] builds it, noting only what makes it
    /// differ from page to page.
    fn sidebar_key(&self, current: Option<usize>, url: &str) -> SidebarKey {
        let open = self.open_chain(current);
        let (mut level, home) = self.nav_top();
        let shows_current = |level: &[usize]| current.is_some_and(|c| level.contains(&c));
        let mut key = SidebarKey {
            root: crate::url::root_prefix(url),
            open: Vec::new(),
            current_shown: shows_current(&level),
        };
        // The open entries form one path, so each listed level holds at most one
        // (the home entry never opens).
        while let Some(n) = level
            .iter()
            .copied()
            .find(|&n| Some(n) != home && open.contains(&n))
        {
            key.open.push(n);
            level = self.site.nodes[n]
                .children
                .iter()
                .take(NAV_CHILDREN_LIMIT)
                .copied()
                .collect();
            key.current_shown |= shows_current(&level);
        }
        key
    }

    /// `current` and the entries above it.
    fn open_chain(&self, current: Option<usize>) -> Vec<usize> {
        let mut open = Vec::new();
        let mut cursor = current;
        while let Some(n) = cursor {
            open.push(n);
            cursor = self.site.nodes[n].parent;
        }
        open
    }

    /// The sidebar's top level (the home page first, then its children; without a home
    /// page every entry without a parent) and the home page's node.
    fn nav_top(&self) -> (Vec<usize>, Option<usize>) {
        let home = self.site.by_url.get("").copied();
        let mut top: Vec<usize> = home.map(|r| vec![r]).unwrap_or_default();
        match home {
            Some(r) => top.extend(self.site.nodes[r].children.iter().copied()),
            None => top.extend(
                (0..self.site.nodes.len()).filter(|&i| self.site.nodes[i].parent.is_none()),
            ),
        }
        (top, home)
    }

    /// The sidebar: top-level entries, with the sections on the way to `current` open.
    fn nav(&self, current: Option<usize>) -> Vec<Value> {
        let open = self.open_chain(current);
        let (top, home) = self.nav_top();
        top.iter()
            .map(|&n| self.nav_item(n, current, &open, Some(n) == home))
            .collect()
    }

    fn nav_item(&self, n: usize, current: Option<usize>, open: &[usize], is_home: bool) -> Value {
        let node = &self.site.nodes[n];
        let is_open = !is_home && open.contains(&n);
        let children: Vec<Value> = if is_open {
            node.children
                .iter()
                .take(NAV_CHILDREN_LIMIT)
                .map(|&c| self.nav_item(c, current, open, false))
                .collect()
        } else {
            Vec::new()
        };
        json!({
            "title": node.title,
            "url": node.url,
            "current": Some(n) == current,
            "open": is_open,
            "has_children": !is_home && !node.children.is_empty(),
            "more": is_open && node.children.len() > NAV_CHILDREN_LIMIT,
            "children": children,
        })
    }

    pub(super) fn breadcrumbs(&self, n: usize) -> Vec<Value> {
        let mut crumbs = Vec::new();
        let mut cursor = self.site.nodes[n].parent;
        while let Some(p) = cursor {
            let node = &self.site.nodes[p];
            crumbs.push(json!({"title": node.title, "url": node.url}));
            cursor = node.parent;
        }
        crumbs.reverse();
        crumbs
    }
}
