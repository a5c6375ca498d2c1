//! [`Output`]: the built site as a sorted map of path -> bytes, and its publication.
//!
//! Rendering fills an `Output` in memory; nothing touches the build folder until
//! [`publish`] writes a staging folder beside it and swaps it in with renames, so a
//! failed build leaves the previous site as it was.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The content of one output file. Bytes are shared, so `serve` can keep a snapshot of
/// the whole output while a rebuild replaces a few files.
#[derive(Debug, Clone, PartialEq)]
pub enum Blob {
    Bytes(Arc<Vec<u8>>),
    /// A file copied verbatim from the project (static files), read when written.
    Copy(PathBuf),
    /// A file `buyin build` already wrote into its [`Staging`] folder; only the path
    /// is kept, for the link check.
    Written,
}

/// Every file of a build, by path relative to the build root (`/`-separated).
#[derive(Debug, Default, Clone)]
pub struct Output {
    pub files: BTreeMap<String, Blob>,
}

impl Blob {
    /// A blob of rendered bytes.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Blob::Bytes(Arc::new(bytes.into()))
    }
}

impl Output {
    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, blob: Blob) {
        self.files.insert(path.into(), blob);
    }

    /// Whether the output has a file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// The bytes of a file, reading copies from disk.
    pub fn read(&self, path: &str) -> Option<io::Result<Vec<u8>>> {
        self.files.get(path).map(|blob| match blob {
            Blob::Bytes(bytes) => Ok(bytes.to_vec()),
            Blob::Copy(source) => std::fs::read(source),
            Blob::Written => Err(io::Error::other("written to the build folder, not kept")),
        })
    }
}

/// Writes `output` to `dir` atomically: into a staging folder beside `dir`, which then
/// replaces `dir`. The previous folder is removed only after the swap.
pub fn publish(output: &Output, dir: &Path) -> io::Result<()> {
    let staging = Staging::create(dir)?;
    match write_all(output, &staging.path) {
        Ok(()) => staging.publish(),
        Err(e) => {
            staging.discard();
            Err(e)
        }
    }
}

/// A folder beside the build folder that a build fills while it renders, and that
/// replaces the build folder only once everything is in it.
pub struct Staging {
    /// The build folder it will replace.
    dir: PathBuf,
    /// The staging folder itself.
    path: PathBuf,
    /// Where the previous build folder waits during the swap.
    old: PathBuf,
}

impl Staging {
    /// Creates an empty staging folder for `dir`, clearing leftovers of a crashed run.
    pub fn create(dir: &Path) -> io::Result<Staging> {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let id = std::process::id();
        let staging = Staging {
            dir: dir.to_path_buf(),
            path: parent.join(format!(".{name}.buyin-staging-{id}")),
            old: parent.join(format!(".{name}.buyin-old-{id}")),
        };
        for leftover in [&staging.path, &staging.old] {
            if leftover.exists() {
                std::fs::remove_dir_all(leftover)?;
            }
        }
        std::fs::create_dir_all(&staging.path)?;
        Ok(staging)
    }

    /// Writes one file (path relative to the build root) into the staging folder.
    pub fn write(&self, path: &str, blob: &Blob) -> io::Result<()> {
        write_in_folder(&self.path.join(path), blob)
    }

    /// Swaps the staging folder in place of the build folder, then removes the old one.
    pub fn publish(self) -> io::Result<()> {
        let had_previous = self.dir.exists();
        if had_previous {
            std::fs::rename(&self.dir, &self.old)?;
        }
        if let Err(e) = std::fs::rename(&self.path, &self.dir) {
            if had_previous {
                let _ = std::fs::rename(&self.old, &self.dir);
            }
            let _ = std::fs::remove_dir_all(&self.path);
            return Err(e);
        }
        if had_previous {
            std::fs::remove_dir_all(&self.old)?;
        }
        Ok(())
    }

    /// Removes the staging folder; the build folder stays as it was.
    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn write_all(output: &Output, dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir)?;
    let mut folders: Vec<PathBuf> = output
        .files
        .keys()
        .filter_map(|p| Path::new(p).parent().map(|d| dir.join(d)))
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        std::fs::create_dir_all(folder)?;
    }
    output
        .files
        .par_iter()
        .try_for_each(|(path, blob)| write_one(&dir.join(path), blob))
}

/// [`write_one`], creating the folder it goes into first.
fn write_in_folder(target: &Path, blob: &Blob) -> io::Result<()> {
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder)?;
    }
    write_one(target, blob)
}

fn write_one(target: &Path, blob: &Blob) -> io::Result<()> {
    match blob {
        Blob::Bytes(bytes) => std::fs::write(target, bytes.as_slice()),
        Blob::Copy(source) => std::fs::copy(source, target).map(|_| ()),
        // Already in the staging folder this output is written to.
        Blob::Written => Ok(()),
    }
}

/// Writes the `changed` paths of `output` into `dir`, which holds the previous build,
/// and removes those that `output` no longer has. Used by `serve` after an update.
pub fn write_changed(output: &Output, dir: &Path, changed: &[String]) -> io::Result<()> {
    for path in changed {
        let target = dir.join(path);
        match output.files.get(path) {
            Some(blob) => write_in_folder(&target, blob)?,
            None if target.is_file() => std::fs::remove_file(&target)?,
            None => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_replaces_the_folder_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("site");
        let mut first = Output::default();
        first.insert("a/index.html", Blob::bytes(*b"eins"));
        first.insert("alt.html", Blob::bytes(*b"alt"));
        publish(&first, &dir).expect("first");
        let mut second = Output::default();
        second.insert("a/index.html", Blob::bytes(*b"zwei"));
        publish(&second, &dir).expect("second");
        assert_eq!(
            std::fs::read(dir.join("a/index.html")).expect("read"),
            b"zwei"
        );
        assert!(!dir.join("alt.html").exists());
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("site")]);
    }
}
