//! Unique ids in files that combine several rendered fragments: the slides of a deck,
//! the slides and notes of a handout, the pages of the print view.
//!
//! Each fragment was rendered on its own, so two slides that both say "Was Sie sagen
//! können" carry the same heading id. Before such fragments share a file, every id a
//! fragment defines gets the fragment's prefix, and so does every reference to it from
//! inside the fragment (`href="#x"`, `aria-labelledby`, `for`, …); references to ids the
//! fragment does not define are left alone. Works on HTML that buyin rendered itself,
//! whose attribute values are double-quoted and whose text escapes `"`.

use std::collections::HashSet;

/// Attributes that hold a list of ids of the same document.
const ID_LIST_ATTRIBUTES: [&str; 6] = [
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "for",
    "headers",
];

/// `html` with every id it defines prefixed by `prefix`, and its in-fragment links and
/// references rewritten to match.
pub fn prefix_ids(html: &str, prefix: &str) -> String {
    let defined: HashSet<&str> = attributes(html)
        .filter(|a| a.name == "id")
        .map(|a| a.value)
        .collect();
    if defined.is_empty() {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + defined.len() * (prefix.len() + 4));
    let mut copied = 0;
    for attr in attributes(html) {
        let new_value = if attr.name == "id" {
            Some(format!("{prefix}{}", attr.value))
        } else if attr.name == "href" {
            attr.value
                .strip_prefix('#')
                .filter(|target| defined.contains(target))
                .map(|target| format!("#{prefix}{target}"))
        } else if ID_LIST_ATTRIBUTES.contains(&attr.name) {
            let tokens: Vec<String> = attr
                .value
                .split_whitespace()
                .map(|t| {
                    if defined.contains(t) {
                        format!("{prefix}{t}")
                    } else {
                        t.to_string()
                    }
                })
                .collect();
            Some(tokens.join(" "))
        } else {
            None
        };
        if let Some(value) = new_value {
            out.push_str(&html[copied..attr.start]);
            out.push_str(&value);
            copied = attr.start + attr.value.len();
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// An attribute `name="value"` inside a tag, with the byte offset of its value.
struct Attribute<'a> {
    name: &'a str,
    value: &'a str,
    start: usize,
}

/// The double-quoted attributes of every tag in `html`, in order. Text between tags is
/// skipped, so an escaped `id=&quot;x&quot;` in a code sample is never taken for one.
fn attributes(html: &str) -> impl Iterator<Item = Attribute<'_>> {
    let bytes = html.as_bytes();
    let mut pos = 0;
    let mut in_tag = false;
    std::iter::from_fn(move || {
        loop {
            if !in_tag {
                // Text: straight to the next tag.
                pos += memchr::memchr(b'<', &bytes[pos..])?;
                // Comments are not tags; skip them whole.
                if html[pos..].starts_with("<!--") {
                    pos = memchr::memmem::find(&bytes[pos..], b"-->").map(|e| pos + e + 3)?;
                    continue;
                }
                in_tag = true;
                pos += 1;
            }
            // Inside a tag: to its end or to the next attribute value.
            pos += memchr::memchr2(b'>', b'=', &bytes[pos..])?;
            if bytes[pos] == b'>' {
                in_tag = false;
                pos += 1;
                continue;
            }
            let name_end = pos;
            pos += 1;
            if bytes.get(pos) != Some(&b'"') {
                continue;
            }
            let name_start = html[..name_end]
                .rfind(|c: char| c.is_ascii_whitespace())
                .map_or(0, |i| i + 1);
            let start = pos + 1;
            let len = memchr::memchr(b'"', &bytes[start..]).unwrap_or(bytes.len() - start);
            pos = (start + len + 1).min(bytes.len());
            return Some(Attribute {
                name: &html[name_start..name_end],
                value: &html[start..start + len],
                start,
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_links_to_them_get_the_prefix() {
        let html = "<h2 id=\"was\">Was</h2><p><a href=\"#was\">oben</a> <a href=\"#fremd\">x</a> \
                    <a href=\"../a/index.html#was\">y</a></p>\
                    <section aria-labelledby=\"was fremd\"><label for=\"was\">l</label></section>";
        assert_eq!(
            prefix_ids(html, "s3-"),
            "<h2 id=\"s3-was\">Was</h2><p><a href=\"#s3-was\">oben</a> <a href=\"#fremd\">x</a> \
             <a href=\"../a/index.html#was\">y</a></p>\
             <section aria-labelledby=\"s3-was fremd\"><label for=\"s3-was\">l</label></section>"
        );
    }

    #[test]
    fn text_comments_and_other_attributes_stay() {
        let html =
            "<!-- id=\"c\" --><p data-id=\"d\" id=\"p\">id=&quot;x&quot; and id=\"y\" &gt;</p>";
        assert_eq!(
            prefix_ids(html, "n-"),
            "<!-- id=\"c\" --><p data-id=\"d\" id=\"n-p\">id=&quot;x&quot; and id=\"y\" &gt;</p>"
        );
        assert_eq!(prefix_ids("<p>ohne</p>", "n-"), "<p>ohne</p>");
    }
}
