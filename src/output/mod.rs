//! [`Output`]: the built site as a sorted map of path -> bytes, and its publication.
//!
//! Rendering fills an `Output` in memory; nothing touches the build folder until
//! [`publish`] writes a staging folder beside it and swaps it in with one atomic rename
//! (see [`staging`]), so a failed build leaves the previous site as it was.

mod staging;

pub use staging::{Staging, publish};

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The content of one output file. Bytes are shared, so `serve` can keep a snapshot of
/// the whole output while a rebuild replaces a few files.
#[derive(Debug, Clone, PartialEq)]
pub enum Blob {
    Bytes(Arc<Vec<u8>>),
    /// Rendered bytes held LZ4-compressed ([`Blob::packed`]): `serve` holds a whole
    /// site's output in memory, and compressed its pages take about a third of the room.
    Packed(Arc<Vec<u8>>),
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

    /// A blob of rendered bytes, held compressed. Equal bytes give equal blobs.
    pub fn packed(bytes: &[u8]) -> Self {
        Blob::Packed(Arc::new(lz4_flex::compress_prepend_size(bytes)))
    }
}

/// The bytes of a [`Blob::Packed`].
fn unpack(lz4: &[u8]) -> io::Result<Vec<u8>> {
    lz4_flex::decompress_size_prepended(lz4).map_err(io::Error::other)
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
            Blob::Packed(lz4) => unpack(lz4),
            Blob::Copy(source) => std::fs::read(source),
            Blob::Written => Err(io::Error::other("written to the build folder, not kept")),
        })
    }
}

pub(crate) fn write_all(output: &Output, dir: &Path) -> io::Result<()> {
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
pub(crate) fn write_in_folder(target: &Path, blob: &Blob) -> io::Result<()> {
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder)?;
    }
    write_one(target, blob)
}

fn write_one(target: &Path, blob: &Blob) -> io::Result<()> {
    match blob {
        Blob::Bytes(bytes) => std::fs::write(target, bytes.as_slice()),
        Blob::Packed(lz4) => std::fs::write(target, unpack(lz4)?),
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
