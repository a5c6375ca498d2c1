//! Shortcodes in Markdown, rendered through the theme's `shortcodes/` templates: the
//! arguments of the shipped shortcodes are checked and turned into template values.

use std::path::Path;

use super::Renderer;
use crate::markdown::Env;
use crate::shortcode::{Arg, Call};
use crate::source::Kind;
use crate::theme::template_diagnostic;

/// The shortcode side of Markdown rendering: URLs of pages and the theme's templates.
pub struct SiteEnv<'a> {
    pub renderer: &'a Renderer<'a>,
}

const CALLOUT_KINDS: [&str; 3] = ["tip", "warning", "note"];

impl Env for SiteEnv<'_> {
    fn page_url(&self, rel: &str) -> Option<&str> {
        let site = self.renderer.site;
        site.by_rel.get(rel).map(|&i| site.pages[i].url.as_str())
    }

    fn shortcode(&self, call: &Call, body: Option<&str>, page_url: &str) -> Result<String, String> {
        let r = self.renderer;
        let name = call.name.as_str();
        if !r.theme.has_shortcode(name) {
            let known: Vec<&str> = r
                .theme
                .files
                .keys()
                .filter_map(|k| k.strip_prefix("shortcodes/")?.strip_suffix(".html"))
                .collect();
            return Err(format!(
                "unknown shortcode '{name}' (known: {})",
                known.join(", ")
            ));
        }
        let mut context = r.base_context(page_url);
        for (key, value) in &call.args {
            context.insert(key.as_str(), value);
        }
        context.insert("body", &body.unwrap_or_default());
        context.insert(
            "uid",
            &format!("{}{}", crate::slug::slugify(page_url), call.span.start),
        );
        let allowed: &[&str] = match name {
            "callout" => {
                let kind = text_arg(call, "kind")?.unwrap_or("note");
                if !CALLOUT_KINDS.contains(&kind) {
                    return Err(format!(
                        "callout kind '{kind}' is not one of {}",
                        CALLOUT_KINDS.join(", ")
                    ));
                }
                context.insert("kind", kind);
                context.insert("title", &text_arg(call, "title")?);
                &["kind", "title"]
            }
            "argument" | "case" => {
                let path = text_arg(call, "path")?.ok_or_else(|| {
                    format!("shortcode '{name}' needs path=\"…\" (relative to the content folder)")
                })?;
                let clean = crate::url::content_path(path);
                let &p = r
                    .site
                    .by_rel
                    .get(clean)
                    .ok_or_else(|| format!("shortcode '{name}': no content file '{path}'"))?;
                let expected = if name == "argument" {
                    Kind::Argument
                } else {
                    Kind::Case
                };
                if r.site.pages[p].kind() != expected {
                    return Err(format!(
                        "shortcode '{name}': '{path}' is a {}, not a {}",
                        r.site.pages[p].kind().name(),
                        expected.name()
                    ));
                }
                let item = if name == "case" {
                    r.case_value(p)
                } else {
                    r.page_link(p)
                };
                context.insert("item", &item);
                &["path"]
            }
            "video" => {
                let provider = text_arg(call, "provider")?.unwrap_or("youtube");
                let id = text_arg(call, "id")?.ok_or("shortcode 'video' needs id=\"…\"")?;
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return Err(format!(
                        "video id '{id}' may only hold letters, digits, '-' and '_'"
                    ));
                }
                let embed = match provider {
                    "youtube" => format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
                    "vimeo" => format!("https://player.vimeo.com/video/{id}?autoplay=1&dnt=1"),
                    other => {
                        return Err(format!("video provider '{other}' is not youtube or vimeo"));
                    }
                };
                let host = if provider == "youtube" {
                    "YouTube"
                } else {
                    "Vimeo"
                };
                context.insert("provider", provider);
                context.insert("host", host);
                context.insert("embed", &embed);
                context.insert("title", &text_arg(call, "title")?.unwrap_or(host));
                &["provider", "id", "title"]
            }
            "checklist" => {
                context.insert("title", &text_arg(call, "title")?);
                &["title"]
            }
            "quiz" => {
                let question =
                    text_arg(call, "question")?.ok_or("shortcode 'quiz' needs question=\"…\"")?;
                let options: Vec<&str> = match call.args.get("options") {
                    Some(Arg::List(items)) => items
                        .iter()
                        .map(|i| i.as_text().ok_or("quiz options must be text"))
                        .collect::<Result<_, _>>()?,
                    _ => return Err("shortcode 'quiz' needs options=[\"…\", \"…\"]".into()),
                };
                if options.len() < 2 {
                    return Err("a quiz needs at least two options".into());
                }
                let answer = match call.args.get("answer") {
                    Some(Arg::Int(n)) if *n >= 1 && (*n as usize) <= options.len() => *n,
                    _ => {
                        return Err(format!(
                            "quiz answer must be a number from 1 to {} (counting the options from 1)",
                            options.len()
                        ));
                    }
                };
                context.insert("question", question);
                context.insert("options", &options);
                context.insert("answer", &answer);
                &["question", "options", "answer"]
            }
            _ => &[],
        };
        if !allowed.is_empty() {
            if let Some(unknown) = call.args.keys().find(|k| !allowed.contains(&k.as_str())) {
                let hint = crate::diag::nearest(unknown, allowed.iter().copied())
                    .map(|n| format!(" (did you mean '{n}'?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "shortcode '{name}' has no argument '{unknown}'{hint}"
                ));
            }
        }
        r.theme
            .tera
            .render(&format!("shortcodes/{name}.html"), &context)
            .map_err(|e| {
                let d = template_diagnostic(Path::new(&format!("shortcodes/{name}.html")), &e);
                format!("shortcode '{name}': {}", d.message)
            })
    }
}

fn text_arg<'c>(call: &'c Call, key: &str) -> Result<Option<&'c str>, String> {
    match call.args.get(key) {
        None => Ok(None),
        Some(Arg::Text(text)) => Ok(Some(text)),
        Some(_) => Err(format!(
            "argument '{key}' of shortcode '{}' must be text in quotes",
            call.name
        )),
    }
}
