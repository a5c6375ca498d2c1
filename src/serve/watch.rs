//! Which project files `serve` watches, and what a change of each asks for.
//!
//! [`classify`] is a pure function from a changed path to the kind of rebuild, tested on
//! its own; [`Watcher`] keeps notify's watches on the project's folders (re-watching a
//! folder that an editor or a tool replaced) and sends batches of changed paths to the
//! rebuild loop in [`super::serve`].

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer_opt};

use super::ServeError;
use crate::config::CONFIG_FILE;

/// Editors write a file in several steps (a temp file, then a rename), all within a
/// millisecond or two; wait this long for quiet before rebuilding. Should a slow save
/// still be cut in two, its last step is an event of its own and rebuilds again.
const DEBOUNCE: Duration = Duration::from_millis(8);

/// What a changed file asks the server to rebuild, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Not part of the site: editor temp files, the build folder, anything else.
    Ignore,
    /// A file below `static/`, copied verbatim.
    Static,
    /// A Markdown file or folder below the content folder.
    Content,
    /// A template, style or script below `themes/`.
    Theme,
    /// `book.toml`: everything may change, even which folders are watched.
    Config,
}

/// The project's folders as the classifier sees them, relative to the project root.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The content folder (`[book] src`).
    pub src: PathBuf,
    /// The build folder (`[build] build-dir` or `--dest`); its own writes are ignored.
    pub build_dir: PathBuf,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            src: PathBuf::from("content"),
            build_dir: PathBuf::from("site"),
        }
    }
}

/// The kind of rebuild a change of `path` (relative to the project root) needs.
pub fn classify(path: &Path, layout: &Layout) -> Change {
    if path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Change::Ignore;
    }
    let Some(name) = path.file_name() else {
        return Change::Ignore;
    };
    if is_temp_file(&name.to_string_lossy()) {
        return Change::Ignore;
    }
    if !layout.build_dir.as_os_str().is_empty() && path.starts_with(&layout.build_dir) {
        return Change::Ignore;
    }
    if path == Path::new(CONFIG_FILE) {
        Change::Config
    } else if path.starts_with(&layout.src) {
        Change::Content
    } else if path.starts_with("static") {
        Change::Static
    } else if path.starts_with("themes") {
        Change::Theme
    } else {
        Change::Ignore
    }
}

/// Whether `name` is a file editors and tools write beside the real one while saving.
pub fn is_temp_file(name: &str) -> bool {
    const SUFFIXES: [&str; 13] = [
        "~",
        ".swp",
        ".swo",
        ".swx",
        ".swn",
        ".tmp",
        ".temp",
        ".bak",
        ".kate-swp",
        ".crdownload",
        ".part",
        "___jb_tmp___",
        "___jb_old___",
    ];
    const PREFIXES: [&str; 3] = [
        // Emacs lock links
        ".#",
        // gedit and other GLib programs
        ".goutputstream-",
        // LibreOffice locks
        ".~lock.",
    ];
    let lower = name.to_ascii_lowercase();
    SUFFIXES.iter().any(|s| lower.ends_with(s))
        || PREFIXES.iter().any(|p| lower.starts_with(p))
        // Emacs auto-save files
        || name.len() > 1 && name.starts_with('#') && name.ends_with('#')
        // Vim checks that it may write a folder by creating this file
        || name == "4913"
        || name == ".DS_Store"
}

/// What reaches the rebuild loop.
pub(super) enum Message {
    /// Paths (relative to the project root) that changed.
    Paths(Vec<PathBuf>),
    /// The watcher lost track (queue overflow, errors): rebuild everything.
    Rescan,
}

/// The project folders under watch; the root itself is watched flat for `book.toml`
/// and for the folders appearing.
pub(super) struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: BTreeSet<PathBuf>,
}

/// The watcher could not start on the project at `root`.
fn cannot_watch(root: &Path, error: &notify::Error) -> ServeError {
    ServeError::failed(
        "serve-cannot-watch",
        &[
            ("path", &root.display().to_string()),
            ("error", &error.to_string()),
        ],
    )
}

impl Watcher {
    pub(super) fn start(
        root: &Path,
        layout: &Layout,
        tx: Sender<Message>,
    ) -> Result<Self, ServeError> {
        let base = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            let message = match result {
                Ok(events) => {
                    if events.iter().any(|e| e.need_rescan()) {
                        Message::Rescan
                    } else {
                        let paths: Vec<PathBuf> = events
                            .iter()
                            // Reading files (our own build does) is not a change.
                            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                            .flat_map(|e| e.paths.iter())
                            .filter_map(|p| p.strip_prefix(&base).ok().map(Path::to_path_buf))
                            .collect();
                        if paths.is_empty() {
                            return;
                        }
                        Message::Paths(paths)
                    }
                }
                Err(_) => Message::Rescan,
            };
            let _ = tx.send(message);
        };
        // A link in `static/` may point anywhere, even at a folder that this very
        // process writes its log into: following it would rebuild forever. The build
        // decides what a link means; the watcher stays inside the project.
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut debouncer = new_debouncer_opt(
            DEBOUNCE,
            Some(DEBOUNCE / 4),
            handler,
            RecommendedCache::new(),
            config,
        )
        .map_err(|e| cannot_watch(root, &e))?;
        // Editors that save by writing a new file and renaming it over the old one
        // replace the inode, so folders are watched, never single files.
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| cannot_watch(root, &e))?;
        let mut watcher = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watcher.refresh(layout, &[]);
        Ok(watcher)
    }

    /// Watches the layout's folders that exist; `changed` paths that are one of those
    /// folders themselves (deleted, recreated, renamed) get a fresh watch.
    pub(super) fn refresh(&mut self, layout: &Layout, changed: &[PathBuf]) {
        let wanted: BTreeSet<PathBuf> = [
            layout.src.clone(),
            PathBuf::from("static"),
            PathBuf::from("themes"),
        ]
        .into_iter()
        .collect();
        for folder in self.watched.clone() {
            if !wanted.contains(&folder)
                || changed.contains(&folder)
                || !self.root.join(&folder).is_dir()
            {
                let _ = self.debouncer.unwatch(self.root.join(&folder));
                self.watched.remove(&folder);
            }
        }
        for folder in wanted {
            let path = self.root.join(&folder);
            if !self.watched.contains(&folder)
                && path.is_dir()
                && self
                    .debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .is_ok()
            {
                self.watched.insert(folder);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout::default()
    }

    #[test]
    fn classify_sorts_paths_by_what_they_rebuild() {
        let l = layout();
        let cases = [
            ("book.toml", Change::Config),
            ("content/index.md", Change::Content),
            ("content/argumente/neu", Change::Content),
            ("content", Change::Content),
            ("static/img/logo.svg", Change::Static),
            ("themes/default/templates/page.html", Change::Theme),
            ("themes/default/static/site.css", Change::Theme),
            ("site/index.html", Change::Ignore),
            ("site", Change::Ignore),
            ("README.md", Change::Ignore),
            ("target/debug/buyin", Change::Ignore),
            ("content/index.md~", Change::Ignore),
            ("content/.index.md.swp", Change::Ignore),
            ("content/.#index.md", Change::Ignore),
            ("content/#index.md#", Change::Ignore),
            ("content/4913", Change::Ignore),
            ("content/index.md.tmp", Change::Ignore),
            ("static/.goutputstream-XYZ12", Change::Ignore),
            ("book.toml.bak", Change::Ignore),
            ("../content/x.md", Change::Ignore),
            ("/etc/passwd", Change::Ignore),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(Path::new(path), &l), expected, "{path}");
        }
    }

    #[test]
    fn classify_follows_the_configured_folders() {
        let l = Layout {
            src: PathBuf::from("texte"),
            build_dir: PathBuf::from("public/out"),
        };
        assert_eq!(classify(Path::new("texte/a.md"), &l), Change::Content);
        assert_eq!(classify(Path::new("content/a.md"), &l), Change::Ignore);
        assert_eq!(classify(Path::new("public/out/a.html"), &l), Change::Ignore);
        assert_eq!(classify(Path::new("public/x"), &l), Change::Ignore);
        // A build folder below static/ must not trigger rebuilds of its own writes.
        let inside = Layout {
            src: PathBuf::from("content"),
            build_dir: PathBuf::from("static/out"),
        };
        assert_eq!(
            classify(Path::new("static/out/x.html"), &inside),
            Change::Ignore
        );
        assert_eq!(classify(Path::new("static/x.png"), &inside), Change::Static);
    }

    #[test]
    fn changes_are_ordered_by_reach() {
        assert!(Change::Config > Change::Theme);
        assert!(Change::Theme > Change::Content);
        assert!(Change::Content > Change::Static);
        assert!(Change::Static > Change::Ignore);
    }

    #[test]
    fn temp_files_are_recognised() {
        for name in [
            "x.md~",
            ".x.md.swp",
            ".x.md.swx",
            ".#x.md",
            "#x.md#",
            "4913",
            "x.md.tmp",
            "x.md___jb_tmp___",
            ".~lock.x.odt#",
            ".DS_Store",
        ] {
            assert!(is_temp_file(name), "{name}");
        }
        for name in ["x.md", "index.md", "#", "swp.md", "tmp"] {
            assert!(!is_temp_file(name), "{name}");
        }
    }
}
