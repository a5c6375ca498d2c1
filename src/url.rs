//! Every path and URL helper of the pipeline: page URLs from content paths, resolving
//! relative paths, relative links between pages (every link buyin writes is relative, so
//! the site works from `file://` or any sub-path), and rebasing the links of rendered
//! HTML when it is shown on another page.

use crate::slug::slugify;

/// A content path as written in front matter or a shortcode (`./a/b.md`, `/a/b.md`),
/// as the content folder knows it (`a/b.md`).
pub fn content_path(path: &str) -> &str {
    path.trim_start_matches("./").trim_start_matches('/')
}

/// The URL of a content file: `a/b.md` -> `a/b/`, `a/index.md` -> `a/`, `slug` replacing
/// the last segment; every segment slugged.
pub fn url_for(rel: &str, slug: Option<&str>) -> String {
    let without_ext = rel.strip_suffix(".md").unwrap_or(rel);
    let mut segments: Vec<String> = without_ext.split('/').map(slugify).collect();
    if segments.last().is_some_and(|s| s == "index") {
        segments.pop();
    }
    if let Some(slug) = slug {
        let slug = slugify(slug);
        match segments.last_mut() {
            Some(last) => *last = slug,
            None if !slug.is_empty() => segments.push(slug),
            None => {}
        }
    }
    segments.retain(|s| !s.is_empty());
    segments.iter().map(|s| format!("{s}/")).collect()
}

/// `a/b/` -> `a/`, `a/` -> `""`, `""` -> none.
pub fn parent_url(url: &str) -> Option<&str> {
    if url.is_empty() {
        return None;
    }
    let trimmed = url.trim_end_matches('/');
    Some(match trimmed.rfind('/') {
        Some(i) => &url[..=i],
        None => "",
    })
}

/// Whether a link leaves the site: a scheme such as `https:` or `mailto:`, or `//host`.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(colon) => {
            let scheme = &dest[..colon];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..colon].contains('/')
        }
        None => false,
    }
}

/// Resolves `path` against folder `dir` (both relative, `/`-separated); `None` if it
/// climbs above the root.
pub fn normalize(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    Some(if path.ends_with('/') && !joined.is_empty() {
        format!("{joined}/")
    } else {
        joined
    })
}

/// Applies `f` to every relative `href="…"` and `src="…"` value. Only HTML that buyin
/// rendered itself passes through here, whose attributes are always double-quoted.
pub fn rewrite_relative(html: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    // `html[..copied]` is in `out` already; `pos` is where the search goes on.
    let mut copied = 0;
    let mut pos = 0;
    let bytes = html.as_bytes();
    while let Some(found) = memchr::memmem::find(&bytes[pos..], b"=\"") {
        let name = &html[..pos + found];
        let value_start = pos + found + 2;
        let Some(value_len) = memchr::memchr(b'"', &bytes[value_start..]) else {
            break;
        };
        let value = &html[value_start..value_start + value_len];
        pos = value_start + value_len;
        let relative = !(value.starts_with('#')
            || value.starts_with('/')
            || is_external(value)
            || value.is_empty());
        if relative && (name.ends_with("href") || name.ends_with("src")) {
            out.push_str(&html[copied..value_start]);
            out.push_str(&f(value));
            copied = pos;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// HTML rendered for the page at `from` (a folder URL), with its relative links made
/// to work on the page at `to`: when an argument or case is shown inside a deck, on a
/// term page or in the print view.
pub fn rebase_html(html: &str, from: &str, to: &str) -> String {
    if from == to {
        return html.to_string();
    }
    let prefix = root_prefix(to);
    rewrite_relative(html, |link| match normalize(from, link) {
        Some(root_relative) => format!("{prefix}{root_relative}"),
        None => link.to_string(),
    })
}

/// `../` repeated once per folder of a page URL: the way from the page to the root.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.split('/').filter(|s| !s.is_empty()).count())
}

/// A relative link from page `from` to page `to` (both folder URLs such as `a/b/`),
/// ending in `index.html` so that it opens from `file://` too.
pub fn relative_href(from: &str, to: &str) -> String {
    let from_parts: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut href = "../".repeat(from_parts.len() - common);
    for part in &to_parts[common..] {
        href.push_str(part);
        href.push('/');
    }
    href.push_str("index.html");
    href
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_folders_and_slugs() {
        assert_eq!(url_for("index.md", None), "");
        assert_eq!(url_for("argumente/index.md", None), "argumente/");
        assert_eq!(
            url_for("argumente/überwachung.md", None),
            "argumente/ueberwachung/"
        );
        assert_eq!(
            url_for("argumente/x.md", Some("Neuer Name")),
            "argumente/neuer-name/"
        );
        assert_eq!(url_for("Praxis Fälle/a b.md", None), "praxis-faelle/a-b/");
    }

    #[test]
    fn parents_climb_one_folder() {
        assert_eq!(parent_url("a/b/"), Some("a/"));
        assert_eq!(parent_url("a/"), Some(""));
        assert_eq!(parent_url(""), None);
    }

    #[test]
    fn relative_hrefs_work_from_any_depth() {
        assert_eq!(relative_href("a/b/", "a/c/"), "../c/index.html");
        assert_eq!(relative_href("", "a/"), "a/index.html");
        assert_eq!(relative_href("a/b/", ""), "../../index.html");
        assert_eq!(normalize("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(normalize("a", "../../c.md"), None);
    }
}
