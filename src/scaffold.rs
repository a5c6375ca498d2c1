//! `buyin new` and `buyin init`: new content files from archetypes, new projects.
//!
//! Archetypes are Markdown files with `{{ title }}`, `{{ date }}`, `{{ year }}`,
//! `{{ stage }}` (the next free roadmap number) and `{{ audience }}` (a whole
//! `audience:` line, or nothing) in the theme's `archetypes/` folder; a project's own
//! `archetypes/KIND.md` takes precedence. The shipped archetypes write `draft: true` and
//! mark their placeholder text with [`crate::source::PLACEHOLDER`], so that `check`
//! warns about any left in a published file. Neither command ever overwrites a file.

use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config};
use crate::diag::Diagnostic;
use crate::slug::slugify;
use crate::theme::DEFAULT_THEME;

/// Kinds `buyin new` knows, with the folder each goes to.
pub const KINDS: [&str; 5] = ["page", "argument", "case", "deck", "stage"];

/// A scaffolding problem: a diagnostic of the message catalogue that belongs to no
/// file, printed in the reader's language (`Display` gives the English text).
#[derive(Debug)]
pub struct ScaffoldError(pub Diagnostic);

impl ScaffoldError {
    fn new(code: &'static str, args: &[(&str, &str)]) -> Self {
        ScaffoldError(Diagnostic::coded(code, args))
    }

    /// A file-system problem with `path`.
    fn io(code: &'static str, path: &Path, error: &std::io::Error) -> Self {
        ScaffoldError::new(
            code,
            &[
                ("path", &path.display().to_string()),
                ("error", &error.to_string()),
            ],
        )
    }
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

/// What `buyin new` is asked to write.
#[derive(Debug, Clone, Default)]
pub struct NewContent<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    /// Today as `YYYY-MM-DD`.
    pub today: &'a str,
    /// The deck's audience (`--audience`); a deck has none unless asked.
    pub audience: Option<&'a str>,
}

/// Writes a new content file of `kind` titled `title`; returns its path.
pub fn new_content(
    root: &Path,
    config: &Config,
    new: &NewContent,
) -> Result<PathBuf, ScaffoldError> {
    let NewContent {
        kind,
        title,
        today,
        audience,
    } = *new;
    if !KINDS.contains(&kind) {
        let kinds = KINDS.join(", ");
        let args = [("kind", kind), ("kinds", kinds.as_str())];
        return Err(match crate::diag::nearest(kind, KINDS) {
            Some(near) => ScaffoldError(
                Diagnostic::coded("new-unknown-kind-near", &args).with_arg("near", near),
            ),
            None => ScaffoldError::new("new-unknown-kind", &args),
        });
    }
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(ScaffoldError::new(
            "new-title-without-letters",
            &[("title", title)],
        ));
    }
    let german = config.language.starts_with("de");
    let folder = match kind {
        "argument" => if german { "argumente" } else { "arguments" }.to_string(),
        "case" => if german { "praxis" } else { "cases" }.to_string(),
        "deck" => if german { "vortraege" } else { "talks" }.to_string(),
        "stage" => config.roadmap.path.clone(),
        _ => String::new(),
    };
    let dir = root.join(&config.src).join(&folder);
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        return Err(ScaffoldError::new("new-exists", &[("path", &shown)]));
    }
    let template = archetype(root, kind)?;
    let quote = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
    let audience_line = audience
        .map(|a| format!("audience: \"{}\"\n", quote(a)))
        .unwrap_or_default();
    let text = template
        .replace("{{ title }}", &quote(title))
        .replace("{{ date }}", today)
        .replace("{{ year }}", today.get(..4).unwrap_or(today))
        .replace("{{ audience }}", &audience_line);
    let text = if text.contains("{{ stage }}") {
        text.replace("{{ stage }}", &next_stage(root, config).to_string())
    } else {
        text
    };
    std::fs::create_dir_all(&dir).map_err(|e| ScaffoldError::io("cannot-create", &dir, &e))?;
    std::fs::write(&path, text).map_err(|e| ScaffoldError::io("cannot-write", &path, &e))?;
    Ok(path.strip_prefix(root).unwrap_or(&path).to_path_buf())
}

/// The number after the highest `stage` of the project's roadmap (drafts included).
fn next_stage(root: &Path, config: &Config) -> i64 {
    let (sources, _) = crate::source::load(root, config, true);
    sources
        .iter()
        .filter_map(|source| match &source.front.kind {
            crate::source::KindData::Stage(stage) => Some(stage.stage),
            _ => None,
        })
        .max()
        .map_or(1, |highest| highest + 1)
}

fn archetype(root: &Path, kind: &str) -> Result<String, ScaffoldError> {
    let own = root.join("archetypes").join(format!("{kind}.md"));
    if own.is_file() {
        return std::fs::read_to_string(&own)
            .map_err(|e| ScaffoldError::io("cannot-read", &own, &e));
    }
    let name = format!("archetypes/{kind}.md");
    DEFAULT_THEME
        .iter()
        .find(|(path, _)| *path == name)
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .ok_or_else(|| ScaffoldError::new("no-archetype", &[("kind", kind)]))
}

/// Files of a new project: path -> text.
const STARTER: &[(&str, &str)] = &[
    (CONFIG_FILE, include_str!("starter/book.toml")),
    ("content/index.md", include_str!("starter/index.md")),
    (
        "content/argumente/kontrollverlust.md",
        include_str!("starter/argument.md"),
    ),
    (
        "content/praxis/beispiel.md",
        include_str!("starter/case.md"),
    ),
    (
        "content/vortraege/geschaeftsfuehrung.md",
        include_str!("starter/deck.md"),
    ),
    (
        "content/fahrplan/zuhoeren.md",
        include_str!("starter/stage.md"),
    ),
    (
        "content/barrierefreiheit.md",
        include_str!("starter/accessibility.md"),
    ),
    ("static/.gitkeep", ""),
    // Section pages give the folders their titles (with umlauts: "Vorträge").
    (
        "content/argumente/index.md",
        include_str!("starter/section-argumente.md"),
    ),
    (
        "content/praxis/index.md",
        include_str!("starter/section-praxis.md"),
    ),
    (
        "content/vortraege/index.md",
        include_str!("starter/section-vortraege.md"),
    ),
    (
        "content/fahrplan/index.md",
        include_str!("starter/section-fahrplan.md"),
    ),
    (".gitignore", include_str!("starter/gitignore")),
];

/// Scaffolds a new project in `dir`; refuses a folder that already has a `book.toml`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, ScaffoldError> {
    if dir.join(CONFIG_FILE).exists() {
        return Err(ScaffoldError::new(
            "init-exists",
            &[("dir", &dir.display().to_string())],
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ScaffoldError::io("cannot-create", parent, &e))?;
        }
        std::fs::write(&path, text).map_err(|e| ScaffoldError::io("cannot-write", &path, &e))?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}
