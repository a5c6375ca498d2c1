//! [`Output`]: the built site as a sorted map of path -> bytes, and its publication.
//!
//! Rendering fills an `Output` (in memory, or in a [`Staging`] folder as it renders);
//! nothing touches the build folder until [`publish`] swaps the staging folder in with
//! one atomic rename (see [`staging`]), so a failed build leaves the previous site as
//! it was.

mod staging;

pub use staging::{Staging, publish};

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The content of one output file. Bytes are shared, so `serve` can keep a snapshot of
/// the whole output while a rebuild replaces a few files.
#[derive(Debug, Clone)]
pub enum Blob {
    Bytes(Arc<Vec<u8>>),
    /// Rendered bytes held LZ4-compressed ([`Blob::packed`]), with their [`digest`]:
    /// `serve` holds the files it has not written yet this way.
    Packed {
        digest: u128,
        lz4: Arc<Vec<u8>>,
    },
    /// A file copied verbatim from the project (static files), read when written.
    Copy(PathBuf),
    /// A file `buyin build` already wrote into its [`Staging`] folder; only the path
    /// is kept, for the link check.
    Written,
    /// A rendered file that lies in [`Output::folder`], by the [`digest`] of its bytes:
    /// `serve` answers from the build folder it writes and keeps only this in memory.
    Stored(u128),
}

/// Equal bytes, equal blobs. Rendered files compare by [`digest`], so a file kept in
/// memory equals the same file stored in the build folder.
impl PartialEq for Blob {
    fn eq(&self, other: &Blob) -> bool {
        match (self, other) {
            (Blob::Bytes(a), Blob::Bytes(b)) => a == b,
            (Blob::Copy(a), Blob::Copy(b)) => a == b,
            (Blob::Written, Blob::Written) => true,
            _ => match (self.digest(), other.digest()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }
}

/// The 128-bit XXH3 digest of a file's bytes: what `serve` compares a rendered file by
/// once only the digest is kept ([`Blob::Stored`]).
pub fn digest(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Every file of a build, by path relative to the build root (`/`-separated).
#[derive(Debug, Default, Clone)]
pub struct Output {
    pub files: BTreeMap<String, Blob>,
    /// Where the [`Blob::Stored`] files lie.
    pub folder: Option<PathBuf>,
}

impl Blob {
    /// A blob of rendered bytes.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Blob::Bytes(Arc::new(bytes.into()))
    }

    /// A blob of rendered bytes, held compressed. Equal bytes give equal blobs.
    pub fn packed(bytes: &[u8]) -> Self {
        Blob::Packed {
            digest: digest(bytes),
            lz4: Arc::new(lz4_flex::compress_prepend_size(bytes)),
        }
    }

    /// The digest of a rendered file that is held compressed or stored.
    fn digest(&self) -> Option<u128> {
        match self {
            Blob::Packed { digest, .. } | Blob::Stored(digest) => Some(*digest),
            _ => None,
        }
    }

    /// Whether `bytes` are this blob's bytes; for a copied file, whether a rendered
    /// file in its place comes out as it (a copy wins over a rendered file of the same
    /// path, as in a full build).
    pub fn holds(&self, bytes: &[u8]) -> bool {
        match self {
            Blob::Bytes(old) => old.as_slice() == bytes,
            Blob::Packed { digest: d, .. } | Blob::Stored(d) => *d == digest(bytes),
            Blob::Copy(_) => true,
            Blob::Written => false,
        }
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
            Blob::Packed { lz4, .. } => unpack(lz4),
            Blob::Copy(source) => std::fs::read(source),
            Blob::Written => Err(io::Error::other("written to the build folder, not kept")),
            Blob::Stored(_) => match &self.folder {
                Some(folder) => std::fs::read(folder.join(path)),
                None => Err(io::Error::other("stored in no known folder")),
            },
        })
    }

    /// Marks every file held compressed as stored in `folder`, which holds the whole
    /// output: its bytes leave memory, its digest stays.
    pub fn stored_in(&mut self, folder: &Path) {
        self.folder = Some(folder.to_path_buf());
        for blob in self.files.values_mut() {
            if let Blob::Packed { digest, .. } = blob {
                *blob = Blob::Stored(*digest);
            }
        }
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
        .try_for_each(|(path, blob)| match blob {
            Blob::Stored(_) => match &output.folder {
                Some(folder) if folder.as_path() == dir => Ok(()),
                Some(folder) => std::fs::copy(folder.join(path), dir.join(path)).map(|_| ()),
                None => Err(io::Error::other(format!(
                    "{path}: stored in no known folder"
                ))),
            },
            _ => write_one(&dir.join(path), blob),
        })
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
        Blob::Packed { lz4, .. } => std::fs::write(target, unpack(lz4)?),
        Blob::Copy(source) => std::fs::copy(source, target).map(|_| ()),
        // Already in the folder this output is written to.
        Blob::Written | Blob::Stored(_) => Ok(()),
    }
}

/// Writes the `changed` paths of `output` into `dir`, which holds the previous build,
/// and removes those that `output` no longer has. Used by `serve` after an update.
/// Each file is written beside its place and renamed into it, so that `serve`, which
/// answers from the folder, never reads one half-written.
pub fn write_changed(output: &Output, dir: &Path, changed: &[String]) -> io::Result<()> {
    for path in changed {
        let target = dir.join(path);
        match output.files.get(path) {
            Some(Blob::Stored(_)) if output.folder.as_deref() == Some(dir) => {}
            Some(Blob::Stored(_)) => {
                let bytes = output
                    .read(path)
                    .unwrap_or_else(|| Err(io::ErrorKind::NotFound.into()))?;
                replace_file(&target, &Blob::bytes(bytes))?;
            }
            Some(blob) => replace_file(&target, blob)?,
            None if target.is_file() => std::fs::remove_file(&target)?,
            None => {}
        }
    }
    Ok(())
}

/// Writes `blob` into a file beside `target`, then renames it into place.
fn replace_file(target: &Path, blob: &Blob) -> io::Result<()> {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".buyin-new");
    let temporary = target.with_file_name(format!(".{}", name.to_string_lossy()));
    write_in_folder(&temporary, blob)?;
    std::fs::rename(&temporary, target).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
