//! The build folder: where `[build] build-dir` or `--dest` really points, and whether
//! buyin may replace it.
//!
//! Publishing replaces the build folder as a whole, so a build folder that is or holds
//! the project or one of its sources would destroy the author's work. Before anything is
//! written, [`resolve`] finds the physical folder the setting names (as the kernel will
//! see it, symlinks and `..` included) and [`guard`] refuses:
//!
//! - the project folder, any folder above it, and any folder that holds a source
//!   (`book.toml`, the content folder, `static/`, `themes/`);
//! - the content, `static/` or `themes/` folder itself or anything inside them;
//! - an existing file;
//! - a symbolic link: buyin does not follow a build folder that is a link, because
//!   replacing it would either drop the link or replace a folder elsewhere. Point the
//!   setting at the link's target instead.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics};

/// Where the build folder setting came from, for the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `[build] build-dir` in `book.toml` (or its default `site`).
    Config,
    /// The `--dest` flag.
    Flag,
}

/// The physical, absolute path `path` names: symlinks of every part that exists are
/// resolved, the rest (which does not exist yet) is applied lexically, as the kernel
/// will once the missing folders are created.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                // Only a part that exists can be a link; once canonical, `..` is its
                // parent. A dangling link stays as it is: nothing can be created there.
                if resolved.symlink_metadata().is_ok() {
                    if let Ok(canonical) = resolved.canonicalize() {
                        resolved = canonical;
                    }
                }
            }
        }
    }
    Ok(resolved)
}

/// The build folder for `dest` (or the configured one), resolved and checked; an error
/// names `book.toml`'s `build-dir` line or the `--dest` flag and says why.
///
/// The path returned lies under `root` as given when the folder is inside the project,
/// so callers can show it relative to the root.
pub fn guard(root: &Path, config: &Config, dest: Option<&Path>) -> Result<PathBuf, Diagnostics> {
    let (setting, origin) = match dest {
        Some(dest) => (dest, Origin::Flag),
        None => (config.build_dir.as_path(), Origin::Config),
    };
    // `reason` names the catalogue's `[refusal]` text; `args` are the values it fills in.
    let refuse = |reason: &str, args: &[(&str, &str)]| {
        let mut diags = Diagnostics::default();
        diags.push(refusal(config, setting, origin, reason, args));
        diags
    };
    let unresolvable = |e: io::Error| refuse("unresolvable", &[("error", &e.to_string())]);
    let named = root.join(setting);
    let dir = resolve(&named).map_err(unresolvable)?;
    let root_abs = resolve(root).map_err(unresolvable)?;

    // `resolve` follows a link in the last part too; look at that part itself.
    if let (Some(parent), Some(name)) = (named.parent(), named.file_name()) {
        let link = resolve(parent).map_err(unresolvable)?.join(name);
        if link.is_symlink() {
            let target = std::fs::read_link(&link).unwrap_or_default();
            return Err(refuse(
                "symlink",
                &[("target", &target.display().to_string())],
            ));
        }
    }
    if dir.exists() && !dir.is_dir() {
        return Err(refuse("file", &[]));
    }
    if root_abs.starts_with(&dir) {
        let reason = if root_abs == dir {
            "project"
        } else {
            "holds-project"
        };
        return Err(refuse(reason, &[]));
    }
    let sources = [
        (config.src.as_path(), "content"),
        (Path::new("static"), "static"),
        (Path::new("themes"), "themes"),
        (Path::new(CONFIG_FILE), "config"),
    ];
    for (source, what) in sources {
        let source_abs = resolve(&root.join(source)).map_err(unresolvable)?;
        let relation = if source_abs == dir {
            "is-source"
        } else if source_abs.starts_with(&dir) {
            "holds-source"
        } else if dir.starts_with(&source_abs) {
            "inside-source"
        } else {
            continue;
        };
        return Err(refuse(
            relation,
            &[("source", &source.display().to_string()), ("what", what)],
        ));
    }
    Ok(match dir.strip_prefix(&root_abs) {
        Ok(inside) => root.join(inside),
        Err(_) => dir,
    })
}

/// The error for a refused build folder, located at its setting; `reason` names the
/// catalogue's `[refusal]` text, filled with `args` (`what` names a `[source]` text).
fn refusal(
    config: &Config,
    setting: &Path,
    origin: Origin,
    reason: &str,
    args: &[(&str, &str)],
) -> Diagnostic {
    let dir = setting.display().to_string();
    let d = match origin {
        Origin::Flag => Diagnostic::coded("build-dir-refused-dest", &[("dir", &dir)]),
        Origin::Config => {
            let (line, col) = config.at.build_dir;
            Diagnostic::coded_error(
                CONFIG_FILE,
                line,
                col,
                "build-dir-refused",
                &[("dir", &dir)],
            )
        }
    };
    let mut d = args.iter().fold(d, |d, (name, value)| match *name {
        "what" => d.with_part("what", &format!("source.{value}")),
        _ => d.with_arg(name, value),
    });
    d = d.with_part("reason", &format!("refusal.{reason}"));
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_applies_dot_dot_after_a_missing_folder() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = tmp.path().canonicalize().expect("canonical");
        std::fs::create_dir(base.join("content")).expect("mkdir");
        assert_eq!(
            resolve(&base.join("nope/../content")).expect("resolve"),
            base.join("content")
        );
        assert_eq!(
            resolve(&base.join("nope/deeper/../../x/./y")).expect("resolve"),
            base.join("x/y")
        );
        assert_eq!(resolve(&base.join("content/..")).expect("resolve"), base);
    }

    #[cfg(unix)]
    #[test]
    fn resolve_follows_links_of_existing_parts() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = tmp.path().canonicalize().expect("canonical");
        std::fs::create_dir_all(base.join("real/inner")).expect("mkdir");
        std::os::unix::fs::symlink(base.join("real/inner"), base.join("link")).expect("link");
        // The kernel takes `link/..` as the parent of the link's target.
        assert_eq!(
            resolve(&base.join("link/../out")).expect("resolve"),
            base.join("real/out")
        );
    }
}
