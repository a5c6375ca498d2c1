//! The theme: Tera templates, shortcode templates, static assets and UI strings.
//!
//! The default theme is embedded in the binary (see `build.rs`); a project's
//! `themes/NAME/` overrides it file by file, so a project can replace one template and
//! keep the rest. Templates are compiled once per build, before any content is read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics, display_path, line_col};
use crate::recursion;
use crate::shortcode::{Rules, RulesError};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// One file of the theme and where it came from.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Vec<u8>,
    /// The project file that overrides the embedded one, if any.
    pub origin: Option<PathBuf>,
}

/// Autoescaping of template output: the five characters HTML needs escaped.
fn escape_html(text: &str) -> String {
    crate::markdown::escape(text)
}

/// A loaded theme, ready to render.
pub struct Theme {
    /// Every file by its path within the theme (`templates/page.html`).
    pub files: BTreeMap<String, ThemeFile>,
    pub tera: Tera,
    /// UI strings of the configured language.
    pub strings: BTreeMap<String, String>,
    /// Declared shortcode arguments (`shortcodes/NAME.toml`) by shortcode name.
    pub rules: BTreeMap<String, Rules>,
}

impl Theme {
    /// Static assets: path below `static/` -> file.
    pub fn assets(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files
            .iter()
            .filter_map(|(path, file)| path.strip_prefix("static/").map(|p| (p, file)))
    }

    /// Whether a shortcode template exists.
    pub fn has_shortcode(&self, name: &str) -> bool {
        self.files.contains_key(&format!("shortcodes/{name}.html"))
    }

    /// Text of a theme file, if it exists and is UTF-8.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .get(path)
            .and_then(|f| std::str::from_utf8(&f.bytes).ok())
    }
}

/// Loads the configured theme: embedded default files, then the project's overrides.
pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut files: BTreeMap<String, ThemeFile> = DEFAULT_THEME
        .iter()
        .map(|(path, bytes)| {
            (
                path.to_string(),
                ThemeFile {
                    bytes: bytes.to_vec(),
                    origin: None,
                },
            )
        })
        .collect();
    let dir = root.join("themes").join(&config.theme);
    if dir.is_dir() {
        for path in crate::walk::files(root, &dir, &config.build_dir).files {
            let rel = display_path(path.strip_prefix(&dir).unwrap_or(&path));
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let origin = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                    files.insert(
                        rel,
                        ThemeFile {
                            bytes,
                            origin: Some(origin),
                        },
                    );
                }
                Err(e) => diags.push(Diagnostic::coded_error(
                    path.strip_prefix(root).unwrap_or(&path),
                    0,
                    0,
                    "cannot-read-theme-file",
                    &[("error", &e.to_string())],
                )),
            }
        }
    } else if config.theme != "default" {
        let (line, col) = config.at.theme;
        diags.push(Diagnostic::coded_error(
            CONFIG_FILE,
            line,
            col,
            "theme-not-found",
            &[("theme", &config.theme)],
        ));
        return Err(diags);
    }

    let mut templates = Vec::new();
    for (path, file) in &files {
        let name = if let Some(name) = path.strip_prefix("templates/") {
            name.to_string()
        } else if path.starts_with("shortcodes/") && path.ends_with(".html") {
            path.clone()
        } else {
            continue;
        };
        let shown = shown_path(path, file);
        let Ok(text) = String::from_utf8(file.bytes.clone()) else {
            diags.push(Diagnostic::coded_error(
                &shown,
                0,
                0,
                "template-not-utf8",
                &[],
            ));
            continue;
        };
        // Each template alone first, so that a syntax error names its file; errors about
        // missing parents or macros are left to the full set below.
        if let Err(e) = Tera::default().add_raw_template(&name, &text) {
            if e.to_string().starts_with("Failed to parse") {
                diags.push(template_diagnostic(&shown, &e));
                continue;
            }
        }
        templates.push((name, text, shown));
    }
    let mut tera = Tera::default();
    // Tera's own escaping also writes `/` as `&#x2F;`, which HTML does not need and
    // which would bloat every relative link of every page.
    tera.set_escape_fn(escape_html);
    if !diags.has_errors() {
        let texts = templates
            .iter()
            .map(|(name, text, _)| (name.as_str(), text.as_str()));
        match tera.add_raw_templates(texts) {
            Ok(()) => {
                let sources = templates
                    .iter()
                    .map(|(name, text, shown)| (name.clone(), recursion::Source { shown, text }))
                    .collect();
                diags.extend(recursion::check(&tera, &sources));
            }
            Err(e) => diags.push(template_diagnostic(Path::new("themes"), &e)),
        }
    }
    let strings = load_strings(&files, &config.language, &mut diags);
    let rules = load_rules(&files, &mut diags);
    inject_spelled_out(&mut files);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Theme {
        files,
        tera,
        strings,
        rules,
    })
}

/// Writes the folding table of German letters into the theme's scripts where they ask
/// for it, so the browser folds with the same table as the Rust side (one source).
fn inject_spelled_out(files: &mut BTreeMap<String, ThemeFile>) {
    let marker = crate::search::SPELLED_OUT_MARKER;
    for (path, file) in files.iter_mut() {
        if !(path.starts_with("static/") && path.ends_with(".js")) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            continue;
        };
        if text.contains(marker) {
            file.bytes = text
                .replace(marker, &crate::search::spelled_out_js())
                .into_bytes();
        }
    }
}

/// The argument rules of every shortcode that declares them.
fn load_rules(
    files: &BTreeMap<String, ThemeFile>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Rules> {
    let mut rules = BTreeMap::new();
    for (path, file) in files {
        let Some(name) = path
            .strip_prefix("shortcodes/")
            .and_then(|p| p.strip_suffix(".toml"))
        else {
            continue;
        };
        let text = String::from_utf8_lossy(&file.bytes);
        match Rules::parse(&text) {
            Ok(parsed) => {
                rules.insert(name.to_string(), parsed);
            }
            Err(RulesError::Toml(e)) => {
                let shown = display_path(&shown_path(path, file));
                diags.push(crate::config::toml_diagnostic(&shown, &text, &e));
            }
            Err(RulesError::Rule { problem, offset }) => {
                let (line, col) = line_col(&text, offset);
                diags.push(problem.at(shown_path(path, file), line, col));
            }
        }
    }
    rules
}

/// Where a theme file comes from, as the user knows it.
fn shown_path(path: &str, file: &ThemeFile) -> PathBuf {
    file.origin
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("themes/default/{path}")))
}

fn load_strings(
    files: &BTreeMap<String, ThemeFile>,
    language: &str,
    diags: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let primary = language.split(['-', '_']).next().unwrap_or(language);
    let mut strings = BTreeMap::new();
    // English first as the fallback for keys a translation lacks.
    for lang in ["en", primary, language] {
        let path = format!("strings/{lang}.toml");
        let Some(file) = files.get(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&file.bytes);
        match toml::from_str::<BTreeMap<String, String>>(&text) {
            Ok(map) => strings.extend(map),
            Err(e) => {
                let shown = shown_path(&path, file);
                diags.push(crate::config::toml_diagnostic(
                    &display_path(&shown),
                    &text,
                    &e,
                ));
            }
        }
    }
    strings
}

/// A Tera error as a diagnostic, with the line from the parser's message when it has one.
pub fn template_diagnostic(path: &Path, error: &tera::Error) -> Diagnostic {
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        chain.push('\n');
        chain.push_str(&e.to_string());
        source = e.source();
    }
    let (line, col) = chain
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let loc = rest.split_whitespace().next()?;
            let (l, c) = loc.split_once(':')?;
            Some((l.parse().ok()?, c.parse().ok()?))
        })
        .unwrap_or((0, 0));
    let detail: Vec<&str> = chain
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with('|') && !l.starts_with("-->") && !l.starts_with('=')
        })
        .collect();
    let message = detail
        .last()
        .copied()
        .unwrap_or("template error")
        .to_string();
    Diagnostic::coded_error(path, line, col, "template-error", &[("error", &message)])
}
