//! Walking a source folder (content, `static/`, a theme): every file in it, in name
//! order, following symbolic links only while they stay inside that folder.
//!
//! A link whose target lies inside the folder being walked is followed (its files are
//! used as if they were where the link is); a link out of the folder (elsewhere in the
//! project or outside it), a dangling link, a link back to a folder above it and a link
//! into the build folder are skipped, each with a warning naming it. So a build never
//! reads (and never copies into the site) anything from outside its source folders, and
//! never copies a site into itself.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// What [`files`] found below a folder.
#[derive(Debug, Default)]
pub struct Walked {
    /// Every file, by its path through the folder (links kept as written).
    pub files: Vec<PathBuf>,
    /// Skipped links, as warnings.
    pub skipped: Vec<Diagnostic>,
    /// Entries that could not be read: `(path, cause)`.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Every file below `dir` (which lies in the project at `root`, whose build folder is
/// `build_dir`), see the module doc.
pub fn files(root: &Path, dir: &Path, build_dir: &Path) -> Walked {
    let mut walked = Walked::default();
    if !dir.exists() {
        return walked;
    }
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let inside = canonical(dir);
    let site = canonical(&root.join(build_dir));
    let shown = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                if e.loop_ancestor().is_some() {
                    walked.skipped.push(skipped(&shown(&path), "loop", &[]));
                } else if path.is_symlink() && !path.exists() {
                    walked.skipped.push(skipped(&shown(&path), "missing", &[]));
                } else {
                    walked.unreadable.push((shown(&path), e.to_string()));
                }
                continue;
            }
        };
        if entry.path_is_symlink() {
            let target = entry.path().canonicalize();
            let at = entry.path().parent().map(canonical).unwrap_or_default();
            let outside = |target: &Path| {
                vec![
                    ("dir", shown(dir).display().to_string()),
                    ("target", target.display().to_string()),
                ]
            };
            let why = match target {
                Err(_) => Some(("missing", Vec::new())),
                Ok(target) if !target.starts_with(&inside) => Some(("outside", outside(&target))),
                Ok(target) if at.starts_with(&target) => Some(("loop", Vec::new())),
                Ok(target) if target.starts_with(&site) || site.starts_with(&target) => {
                    Some(("build", Vec::new()))
                }
                Ok(_) => None,
            };
            if let Some((why, args)) = why {
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                walked
                    .skipped
                    .push(skipped(&shown(entry.path()), why, &args));
                if entry.file_type().is_dir() {
                    entries.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_file() {
            walked.files.push(entry.into_path());
        }
    }
    walked
}

/// The warning for a skipped link; `why` names the catalogue's `[link]` text, filled
/// with `args`.
fn skipped(path: &Path, why: &str, args: &[(&str, &str)]) -> Diagnostic {
    args.iter()
        .fold(
            Diagnostic::coded_error(path, 0, 0, "skipped-link", &[]).warning(),
            |d, (name, value)| d.with_arg(name, value),
        )
        .with_part("why", &format!("link.{why}"))
}
