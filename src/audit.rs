//! The external-resource audit of `buyin check`: every `src`, `srcset`, stylesheet
//! `href`, `@import` and `url()` in the output that would load something from another
//! host. The site promises no third-party requests, so each one is reported.

use crate::diag::Diagnostic;
use crate::output::Output;
use crate::url::is_external;

/// Finds references to external resources in the built HTML and CSS.
pub fn external_resources(output: &Output) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (path, _) in output
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".css"))
    {
        let Some(Ok(bytes)) = output.read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (offset, what, url) in scan(&text, path.ends_with(".css")) {
            let (line, col) = crate::diag::line_col(&text, offset);
            findings.push(
                Diagnostic::coded_error(
                    format!("site/{path}"),
                    line,
                    col,
                    "external-resource",
                    &[("url", &url), ("what", what)],
                )
                .warning(),
            );
        }
    }
    findings
}

/// `(offset, kind, url)` of each external resource reference in `text`.
fn scan(text: &str, css: bool) -> Vec<(usize, &'static str, String)> {
    let mut found = Vec::new();
    let lower = text.to_ascii_lowercase();
    if !css {
        for attr in [" src=", " srcset=", " poster=", " data="] {
            for (i, _) in lower.match_indices(attr) {
                let value = attribute_value(&text[i + attr.len()..]);
                let urls: Vec<&str> = if attr == " srcset=" {
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .collect()
                } else {
                    vec![value]
                };
                for url in urls {
                    if is_remote(url) {
                        found.push((i + 1, attr.trim().trim_end_matches('='), url.to_string()));
                    }
                }
            }
        }
        for (i, _) in lower.match_indices("<link") {
            let end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
            let tag = &lower[i..end];
            if tag.contains("stylesheet")
                || tag.contains("preload")
                || tag.contains("icon")
                || tag.contains("modulepreload")
            {
                if let Some(h) = tag.find(" href=") {
                    let url = attribute_value(&text[i + h + 6..end]);
                    if is_remote(url) {
                        found.push((i, "link href", url.to_string()));
                    }
                }
            }
        }
    }
    for (i, _) in lower.match_indices("@import") {
        let rest = text[i + 7..].trim_start();
        let rest = rest.strip_prefix("url(").unwrap_or(rest);
        let url = rest
            .trim_start_matches(['"', '\''])
            .split(['"', '\'', ')', ';'])
            .next()
            .unwrap_or_default();
        if is_remote(url) {
            found.push((i, "@import", url.to_string()));
        }
    }
    for (i, _) in lower.match_indices("url(") {
        let url = text[i + 4..]
            .trim_start()
            .trim_start_matches(['"', '\''])
            .split(['"', '\'', ')'])
            .next()
            .unwrap_or_default()
            .trim();
        if is_remote(url) && !lower[..i].ends_with("@import ") {
            found.push((i, "url()", url.to_string()));
        }
    }
    found.sort();
    found.dedup();
    found
}

fn attribute_value(rest: &str) -> &str {
    let rest = rest.trim_start();
    match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or_default(),
        _ => rest
            .split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap_or_default(),
    }
}

fn is_remote(url: &str) -> bool {
    let url = url.trim();
    is_external(url)
        && !url.starts_with("data:")
        && !url.starts_with("mailto:")
        && !url.starts_with("tel:")
        && !url.starts_with("javascript:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_kind_of_external_reference() {
        let html = "<img src=\"https://cdn.example/a.png\"><img srcset=\"b.png 1x, https://x.example/b2.png 2x\"><link rel=\"stylesheet\" href=\"//fonts.example/css\"><img src=\"local.png\"><a href=\"https://ok.example\">";
        let found: Vec<String> = scan(html, false)
            .into_iter()
            .map(|(_, what, url)| format!("{what} {url}"))
            .collect();
        assert_eq!(
            found,
            [
                "src https://cdn.example/a.png",
                "srcset https://x.example/b2.png",
                "link href //fonts.example/css"
            ]
        );
        let css = "@import url(\"https://fonts.example/f.css\");\nbody{background:url(https://img.example/bg.png)} .x{background:url(data:image/png;base64,AA)}";
        let found: Vec<String> = scan(css, true)
            .into_iter()
            .map(|(_, what, url)| format!("{what} {url}"))
            .collect();
        assert_eq!(
            found,
            [
                "@import https://fonts.example/f.css",
                "url() https://img.example/bg.png"
            ]
        );
    }
}
