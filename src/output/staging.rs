//! Publishing: a staging folder beside the build folder, filled while a build renders,
//! swapped in for the build folder in one atomic step.
//!
//! For a build folder `P/site` the build
//!
//! 1. takes an exclusive `flock` on the folder `P` itself (held until it is done, so two
//!    builds into one folder take turns; no lock file is left behind), and removes every
//!    `.site.buyin-staging-*` and `.site.buyin-old-*` folder in `P`: they are leftovers
//!    of killed runs, since no running build can own them while this one holds the lock;
//! 2. writes the whole site into `P/.site.buyin-staging-PID`;
//! 3. swaps it with `P/site` in one `renameat2(RENAME_EXCHANGE)` on Linux, so at every
//!    instant `P/site` is the whole old or the whole new site, then removes the old site
//!    (now under the staging name). Where the exchange is not available (other systems,
//!    file systems without it) the old folder is renamed aside first, which leaves a
//!    moment without `P/site`.
//!
//! Test hooks, read only here and only meant for tests: `BUYIN_TEST_PUBLISH_ABORT=STEP`
//! aborts the process at a step (`staged`: the staging folder is complete, before the
//! swap; `swapped`: after the swap, before the old site is removed), as if killed there;
//! `BUYIN_TEST_PUBLISH_PAUSE=STEP:FILE` waits at a step until `FILE` exists.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::{Blob, Output, write_all, write_in_folder};

/// Writes `output` to `dir` atomically: into a staging folder beside `dir`, which then
/// replaces `dir` in one step. The previous folder is removed only after the swap.
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
    /// The lock on the build folder, held while this staging folder exists.
    lock: Option<File>,
}

impl Staging {
    /// Locks `dir` against other builds (waiting for a running one), removes the
    /// leftovers of killed runs and creates an empty staging folder.
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
        let lock = lock(parent)?;
        let staging = Staging {
            dir: dir.to_path_buf(),
            path: parent.join(format!(".{name}.buyin-staging-{}", std::process::id())),
            lock,
        };
        if staging.lock.is_some() {
            remove_leftovers(parent, &name)?;
        } else if staging.path.symlink_metadata().is_ok() {
            remove(&staging.path)?;
        }
        std::fs::create_dir(&staging.path)?;
        Ok(staging)
    }

    /// The staging folder, which becomes the build folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one file (path relative to the build root) into the staging folder.
    pub fn write(&self, path: &str, blob: &Blob) -> io::Result<()> {
        write_in_folder(&self.path.join(path), blob)
    }

    /// Swaps the staging folder in place of the build folder, then removes the old one.
    pub fn publish(self) -> io::Result<()> {
        test_hook("staged");
        if self.dir.symlink_metadata().is_err() {
            return std::fs::rename(&self.path, &self.dir).inspect_err(|_| self.discard_ref());
        }
        match exchange(&self.path, &self.dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                return swap_by_renames(&self.path, &self.dir).inspect_err(|_| self.discard_ref());
            }
            Err(e) => {
                self.discard_ref();
                return Err(e);
            }
        }
        test_hook("swapped");
        // The staging name now holds the previous site.
        remove(&self.path)
    }

    /// Removes the staging folder; the build folder stays as it was.
    pub fn discard(self) {
        self.discard_ref();
    }

    fn discard_ref(&self) {
        let _ = remove(&self.path);
    }
}

/// An exclusive lock on the folder `path`, waiting while another build holds it; `None`
/// where the system or file system has no locks.
fn lock(path: &Path) -> io::Result<Option<File>> {
    let Ok(file) = File::open(path) else {
        // Folders cannot be opened as files everywhere (Windows).
        return Ok(None);
    };
    match flock(&file) {
        Ok(()) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn flock(file: &File) -> io::Result<()> {
    use rustix::fs::FlockOperation;
    loop {
        match rustix::fs::flock(file, FlockOperation::LockExclusive) {
            Err(rustix::io::Errno::INTR) => continue,
            Err(rustix::io::Errno::NOLCK | rustix::io::Errno::OPNOTSUPP) => {
                return Err(io::Error::new(io::ErrorKind::Unsupported, "no locks here"));
            }
            other => return other.map_err(io::Error::from),
        }
    }
}

#[cfg(not(unix))]
fn flock(_: &File) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no locks here"))
}

/// Removes every staging and old folder of the build folder `name` in `parent`.
fn remove_leftovers(parent: &Path, name: &str) -> io::Result<()> {
    let prefixes = [
        format!(".{name}.buyin-staging-"),
        format!(".{name}.buyin-old-"),
    ];
    for entry in std::fs::read_dir(parent)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            remove(&entry.path())?;
        }
    }
    Ok(())
}

/// Removes a folder with everything in it, or a file or link (never following it).
fn remove(path: &Path) -> io::Result<()> {
    let result = match path.symlink_metadata() {
        Ok(meta) if meta.is_dir() => remove_folder(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes a folder and everything in it (links, never what they point to): its
/// subfolders side by side, as a large site's old build has thousands of files in each.
fn remove_folder(path: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(path)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        let result = match entry.file_type() {
            Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(entry.path()),
            Ok(_) => std::fs::remove_file(entry.path()),
            Err(e) => Err(e),
        };
        match result {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    })?;
    std::fs::remove_dir(path)
}

/// Exchanges two existing paths in one atomic step; `Unsupported` where the system or
/// file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Err(
            io::Error::new(io::ErrorKind::Unsupported, "no RENAME_EXCHANGE here"),
        ),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange on this system",
    ))
}

/// The fallback swap: the build folder moves aside, the staging folder takes its name,
/// and the old folder is removed. Between the two renames there is no build folder.
fn swap_by_renames(staging: &Path, dir: &Path) -> io::Result<()> {
    let name = staging
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .replace(".buyin-staging-", ".buyin-old-")
        })
        .unwrap_or_default();
    let old = staging.with_file_name(name);
    std::fs::rename(dir, &old)?;
    if let Err(e) = std::fs::rename(staging, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(e);
    }
    remove(&old)
}

/// Aborts or pauses the process at `step` when a test hook asks for it (see the
/// module doc).
fn test_hook(step: &str) {
    if std::env::var_os("BUYIN_TEST_PUBLISH_ABORT").is_some_and(|v| v == step) {
        std::process::abort();
    }
    if let Some(pause) = std::env::var_os("BUYIN_TEST_PUBLISH_PAUSE") {
        let pause = pause.to_string_lossy().into_owned();
        if let Some(file) = pause.strip_prefix(step).and_then(|p| p.strip_prefix(':')) {
            while !Path::new(file).exists() {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn the_old_folder_goes_but_never_what_links_in_it_point_to() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let outside = tmp.path().join("unterlagen");
        std::fs::create_dir_all(outside.join("tief")).expect("mkdir");
        std::fs::write(outside.join("tief/notiz.txt"), "bleibt").expect("write");
        let dir = tmp.path().join("site");
        let mut first = Output::default();
        first.insert("a/b/index.html", Blob::bytes(*b"eins"));
        publish(&first, &dir).expect("first");
        // Someone put links into the build folder: to a folder and to a file.
        std::os::unix::fs::symlink(&outside, dir.join("a/ordner")).expect("link");
        std::os::unix::fs::symlink(outside.join("tief/notiz.txt"), dir.join("notiz"))
            .expect("link");
        publish(&Output::default(), &dir).expect("second");
        assert_eq!(names(&dir), Vec::<String>::new());
        assert_eq!(
            std::fs::read_to_string(outside.join("tief/notiz.txt")).expect("read"),
            "bleibt"
        );
        assert_eq!(names(tmp.path()), ["site", "unterlagen"]);
    }

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
        assert_eq!(names(tmp.path()), ["site"]);
    }

    #[test]
    fn the_fallback_swap_replaces_the_folder_too() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("site");
        std::fs::create_dir_all(dir.join("alt")).expect("mkdir");
        let staging = tmp.path().join(".site.buyin-staging-1");
        std::fs::create_dir(&staging).expect("mkdir");
        std::fs::write(staging.join("neu.html"), "neu").expect("write");
        swap_by_renames(&staging, &dir).expect("swap");
        assert_eq!(names(&dir), ["neu.html"]);
        assert_eq!(names(tmp.path()), ["site"]);
    }

    #[test]
    fn leftovers_of_this_folder_go_and_nothing_else() {
        let tmp = tempfile::tempdir().expect("tempdir");
        for name in [
            ".site.buyin-staging-77/x",
            ".site.buyin-old-78/y",
            ".other.buyin-staging-79/z",
            "site-notes/keep",
        ] {
            let path = tmp.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "x").expect("write");
        }
        let staging = Staging::create(&tmp.path().join("site")).expect("create");
        let own = staging
            .path()
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let mut expected = vec![
            ".other.buyin-staging-79".to_string(),
            own,
            "site-notes".into(),
        ];
        expected.sort();
        assert_eq!(names(tmp.path()), expected);
        staging.discard();
    }
}
