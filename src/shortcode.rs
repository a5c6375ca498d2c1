//! Zola-syntax shortcodes: `{{ name(key="value") }}` and `{% name() %}body{% end %}`.
//!
//! Grammar here: [`scan`] finds the calls in a Markdown text, skipping code spans and
//! fenced code, so that `markdown.rs` can swap each call for a placeholder before parsing
//! and put the rendered template back afterwards. Semantics in `rules.rs`: what each
//! shortcode's arguments may be, declared as data beside its template
//! (`themes/NAME/shortcodes/NAME.toml` and `NAME.html`), and the values a call gives
//! its template.

mod rules;

pub use rules::{ArgRule, ArgType, Pages, Rules, RulesError};

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;

/// A shortcode argument value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<Arg>),
}

impl Arg {
    /// The value as text, if it is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Arg::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// One shortcode call found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: BTreeMap<String, Arg>,
    /// Byte range of the whole call, including the body and `{% end %}`.
    pub span: Range<usize>,
    /// Byte range of the body of a block call.
    pub body: Option<Range<usize>>,
}

/// A syntax problem at a byte offset (its diagnostic not yet placed in a file).
#[derive(Debug, Clone, PartialEq)]
pub struct ScanError {
    pub offset: usize,
    pub problem: Diagnostic,
}

/// Finds the top-level shortcode calls in `text`, outside code spans and code blocks
/// (as pulldown-cmark finds them with `options`, the ones the text is rendered with).
/// Bodies are not scanned: they are rendered as Markdown of their own, which scans them.
pub fn scan(text: &str, options: Options) -> (Vec<Call>, Vec<ScanError>) {
    // Most pages hold no shortcode; they need no second Markdown parse for code ranges.
    if find_open(text, 0).is_none() {
        return (Vec::new(), Vec::new());
    }
    let code = code_ranges(text, options);
    let in_code = |offset: usize| code.iter().any(|r| r.contains(&offset));
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    let mut pos = 0;
    while let Some(found) = find_open(text, pos) {
        let (start, block) = found;
        pos = start + 2;
        if in_code(start) {
            continue;
        }
        let Some((name, args_src, after)) = parse_head(text, start, block) else {
            continue;
        };
        let args = match parse_args(args_src) {
            Ok(args) => args,
            Err(problem) => {
                errors.push(ScanError {
                    offset: start,
                    problem: problem.with_arg("name", &name),
                });
                pos = after;
                continue;
            }
        };
        if !block {
            calls.push(Call {
                name,
                args,
                span: start..after,
                body: None,
            });
            pos = after;
            continue;
        }
        match find_end(text, after, &in_code) {
            Some((body_end, end)) => {
                calls.push(Call {
                    name,
                    args,
                    span: start..end,
                    body: Some(after..body_end),
                });
                pos = end;
            }
            None => {
                errors.push(ScanError {
                    offset: start,
                    problem: Diagnostic::coded("shortcode-never-closed", &[("name", &name)]),
                });
                pos = after;
            }
        }
    }
    (calls, errors)
}

/// Byte ranges of code spans and code blocks, where shortcode syntax stays literal.
fn code_ranges(text: &str, options: Options) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

/// The next `{{` or `{%` at or after `from`, and whether it opens a block.
fn find_open(text: &str, from: usize) -> Option<(usize, bool)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i + 1 < bytes.len() {
        if bytes[i] == b'{' && (bytes[i + 1] == b'{' || bytes[i + 1] == b'%') {
            return Some((i, bytes[i + 1] == b'%'));
        }
        i += 1;
    }
    None
}

/// Parses `{{ name(args) }}` or `{% name(args) %}` at `start`: name, argument source and
/// the offset after the closing braces. `None` when the text is no shortcode call.
fn parse_head(text: &str, start: usize, block: bool) -> Option<(String, &str, usize)> {
    let rest = &text[start + 2..];
    let trimmed = rest.trim_start();
    let name_len = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    if name_len == 0
        || !trimmed[name_len..].starts_with('(')
        || trimmed.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let name = &trimmed[..name_len];
    let open = start + 2 + (rest.len() - trimmed.len()) + name_len;
    let close = matching_paren(text, open)?;
    let closing = if block { "%}" } else { "}}" };
    let after_paren = &text[close + 1..];
    let tail = after_paren.trim_start_matches([' ', '\t']);
    if !tail.starts_with(closing) {
        return None;
    }
    let end = close + 1 + (after_paren.len() - tail.len()) + 2;
    Some((name.to_string(), &text[open + 1..close], end))
}

/// Offset of the `)` matching the `(` at `open`, skipping quoted strings.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text[open..].char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(open + i);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// The `{% end %}` that closes a block opened before `from`, allowing nested blocks.
/// Returns the body end and the offset after the end tag.
fn find_end(text: &str, from: usize, in_code: &dyn Fn(usize) -> bool) -> Option<(usize, usize)> {
    let mut depth = 1;
    let mut pos = from;
    while let Some((start, block)) = find_open(text, pos) {
        pos = start + 2;
        if !block || in_code(start) {
            continue;
        }
        let inner = text[start + 2..].trim_start_matches([' ', '\t']);
        if let Some(after_end) = inner.strip_prefix("end") {
            let after = after_end.trim_start_matches([' ', '\t']);
            if after.starts_with("%}") {
                depth -= 1;
                if depth == 0 {
                    let end = text.len() - after.len() + 2;
                    return Some((start, end));
                }
                continue;
            }
        }
        if parse_head(text, start, true).is_some() {
            depth += 1;
        }
    }
    None
}

/// Parses `key="value", n=3, list=["a", "b"]`; a problem's diagnostic still lacks the
/// shortcode's `name`.
pub fn parse_args(src: &str) -> Result<BTreeMap<String, Arg>, Diagnostic> {
    let mut args = BTreeMap::new();
    let mut chars = Cursor { src, pos: 0 };
    loop {
        chars.skip_ws();
        if chars.done() {
            return Ok(args);
        }
        let key = chars.ident().ok_or_else(|| {
            Diagnostic::coded("shortcode-argument-name", &[("at", &chars.rest_preview())])
        })?;
        chars.skip_ws();
        if !chars.eat('=') {
            return Err(Diagnostic::coded(
                "shortcode-argument-equals",
                &[("key", &key)],
            ));
        }
        chars.skip_ws();
        let value = chars.value().map_err(|e| e.with_arg("key", &key))?;
        if args.insert(key.clone(), value).is_some() {
            return Err(Diagnostic::coded(
                "shortcode-argument-twice",
                &[("key", &key)],
            ));
        }
        chars.skip_ws();
        if !chars.eat(',') && !chars.done() {
            return Err(Diagnostic::coded(
                "shortcode-argument-comma",
                &[("at", &chars.rest_preview())],
            ));
        }
    }
}

struct Cursor<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }
    fn rest_preview(&self) -> String {
        self.rest().chars().take(20).collect()
    }
    fn done(&self) -> bool {
        self.pos >= self.src.len()
    }
    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }
    fn eat(&mut self, c: char) -> bool {
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Option<String> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (len > 0).then(|| {
            self.pos += len;
            rest[..len].to_string()
        })
    }
    /// The value at the cursor; a problem's diagnostic lacks `name` and `key`.
    fn value(&mut self) -> Result<Arg, Diagnostic> {
        let rest = self.rest();
        if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let mut out = String::new();
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                if escaped {
                    out.push(match c {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == quote {
                    self.pos += i + 1;
                    return Ok(Arg::Text(out));
                } else {
                    out.push(c);
                }
            }
            return Err(Diagnostic::coded("shortcode-text-never-closed", &[]));
        }
        if self.eat('[') {
            let mut items = Vec::new();
            loop {
                self.skip_ws();
                if self.eat(']') {
                    return Ok(Arg::List(items));
                }
                items.push(self.value()?);
                self.skip_ws();
                if !self.eat(',') {
                    self.skip_ws();
                    return if self.eat(']') {
                        Ok(Arg::List(items))
                    } else {
                        Err(Diagnostic::coded("shortcode-list-comma", &[]))
                    };
                }
            }
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let value = match word {
            "true" => Arg::Bool(true),
            "false" => Arg::Bool(false),
            _ => {
                if let Ok(i) = word.parse::<i64>() {
                    Arg::Int(i)
                } else if let Ok(f) = word.parse::<f64>() {
                    Arg::Float(f)
                } else {
                    return Err(Diagnostic::coded(
                        "shortcode-not-a-value",
                        &[("word", word)],
                    ));
                }
            }
        };
        self.pos += len;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_and_block_calls() {
        let text = "Vorher {{ video(provider=\"youtube\", id=\"abc\") }}\n\n{% callout(kind=\"tip\") %}\nText **fett**\n{% end %}\n";
        let (calls, errors) = scan(text, Options::empty());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "video");
        assert_eq!(calls[0].args["id"], Arg::Text("abc".into()));
        assert_eq!(
            &text[calls[0].span.clone()],
            "{{ video(provider=\"youtube\", id=\"abc\") }}"
        );
        assert_eq!(calls[1].name, "callout");
        assert_eq!(
            &text[calls[1].body.clone().expect("body")],
            "\nText **fett**\n"
        );
    }

    #[test]
    fn code_keeps_shortcodes_literal() {
        let text = "`{{ video(id=\"x\") }}`\n\n```\n{% callout() %}x{% end %}\n```\n";
        let (calls, errors) = scan(text, Options::empty());
        assert!(calls.is_empty() && errors.is_empty());
    }

    #[test]
    fn arguments_of_every_type() {
        let args =
            parse_args("question=\"Wie?\", options=[\"a\", 'b'], answer=2, ratio=0.5, open=true")
                .expect("args");
        assert_eq!(
            args["options"],
            Arg::List(vec![Arg::Text("a".into()), Arg::Text("b".into())])
        );
        assert_eq!(args["answer"], Arg::Int(2));
        assert_eq!(args["ratio"], Arg::Float(0.5));
        assert_eq!(args["open"], Arg::Bool(true));
        assert!(parse_args("kind=tip").is_err());
        assert!(parse_args("kind=\"tip\" id=\"x\"").is_err());
    }

    #[test]
    fn unclosed_block_is_an_error_and_nesting_works() {
        let (_, errors) = scan("{% callout(kind=\"tip\") %}\nText\n", Options::empty());
        assert!(errors[0].problem.message.contains("never closed"));
        let text = "{% callout() %}a {% callout() %}b{% end %} c{% end %}";
        let (calls, errors) = scan(text, Options::empty());
        assert!(errors.is_empty());
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].span, 0..text.len());
    }

    #[test]
    fn braces_that_are_no_call_stay_text() {
        let (calls, errors) = scan("Mengen {{a, b}} und {% raw %}", Options::empty());
        assert!(calls.is_empty() && errors.is_empty());
    }
}
