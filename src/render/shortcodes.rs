//! Shortcodes in Markdown, rendered through the theme's `shortcodes/` templates. What a
//! call's arguments may be and which values its template gets is decided by the
//! shortcode's declared rules (`shortcode::Rules`); this file supplies the site's pages
//! and the template context.

use std::path::Path;

use serde_json::Value;

use super::Renderer;
use crate::diag::Diagnostic;
use crate::markdown::Env;
use crate::shortcode::{Call, Pages};
use crate::source::Kind;
use crate::theme::template_diagnostic;

/// The shortcode side of Markdown rendering: URLs of pages and the theme's templates.
pub struct SiteEnv<'a> {
    pub renderer: &'a Renderer<'a>,
}

impl Pages for SiteEnv<'_> {
    fn page_kind(&self, path: &str) -> Option<Kind> {
        let site = self.renderer.site;
        site.by_rel.get(path).map(|&p| site.pages[p].kind())
    }

    fn page_item(&self, path: &str) -> Value {
        let r = self.renderer;
        match r.site.by_rel.get(path) {
            Some(&p) if r.site.pages[p].kind() == Kind::Case => r.case_value(p),
            Some(&p) => r.page_link(p),
            None => Value::Null,
        }
    }
}

impl Env for SiteEnv<'_> {
    fn page_url(&self, rel: &str) -> Option<&str> {
        let site = self.renderer.site;
        site.by_rel.get(rel).map(|&i| site.pages[i].url.as_str())
    }

    fn shortcode(
        &self,
        call: &Call,
        body: Option<&str>,
        page_url: &str,
    ) -> Result<String, Diagnostic> {
        let r = self.renderer;
        let name = call.name.as_str();
        if !r.theme.has_shortcode(name) {
            let known: Vec<&str> = r
                .theme
                .files
                .keys()
                .filter_map(|k| k.strip_prefix("shortcodes/")?.strip_suffix(".html"))
                .collect();
            return Err(Diagnostic::coded(
                "shortcode-unknown",
                &[("name", name), ("known", &known.join(", "))],
            ));
        }
        // A shortcode without declared rules gets its arguments as written, unchecked.
        let values = match r.theme.rules.get(name) {
            Some(rules) => rules.check(call, self)?,
            None => serde_json::Map::new(),
        };
        let mut vars = r.base_vars(page_url);
        for (key, value) in &call.args {
            vars.set(key, serde_json::to_value(value).unwrap_or_default());
        }
        vars.set("body", body.unwrap_or_default());
        vars.set(
            "uid",
            format!("{}{}", crate::slug::slugify(page_url), call.span.start),
        );
        for (key, value) in values {
            vars.set(&key, value);
        }
        let template = format!("shortcodes/{name}.html");
        let mut bytes = Vec::new();
        r.contexts
            .render(&r.theme.tera, &template, vars, &mut bytes)
            .map(|()| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(|e| {
                let d = template_diagnostic(Path::new(&template), &e);
                let error = d.entry.args.get("error").cloned().unwrap_or(d.message);
                Diagnostic::coded("shortcode-template", &[("name", name), ("error", &error)])
            })
    }
}
