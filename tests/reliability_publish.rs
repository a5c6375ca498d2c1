//! Reliability of publishing: the build folder is always the whole old or the whole new
//! site, whenever a build dies, and the next build clears what a dead one left behind
//! without touching what a running one owns.

mod common;

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{BOOK, Project, tree};

/// A project of `pages` pages whose every page says `version`; the page set differs
/// between versions too, so old and new sites differ in files and bytes.
fn write_version(project: &Project, pages: usize, version: u32) {
    let content = project.path().join("content");
    let _ = std::fs::remove_dir_all(&content);
    project.write(
        "content/index.md",
        &format!("---\ntitle: Start\n---\nFassung {version}.\n"),
    );
    for i in 0..pages + version as usize {
        project.write(
            &format!("content/teil-{}/seite-{i}.md", i % 10),
            &format!(
                "---\ntitle: Seite {i}\n---\n# Fassung {version}\n\nText der Seite {i} in Fassung {version}.\n"
            ),
        );
    }
}

fn buyin(project: &Project) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_buyin"));
    command
        .current_dir(project.path())
        .arg("--quiet")
        .arg("build")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn build_ok(project: &Project) {
    let out = buyin(project).output().expect("run buyin");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Names in the project folder that belong to publishing (`.site.buyin-*`).
fn leftovers(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site.buyin-"))
        .collect();
    names.sort();
    names
}

fn site(project: &Project) -> BTreeMap<String, Vec<u8>> {
    tree(&project.path().join("site"))
}

/// A small project built once as version 1, with the trees of version 1 and 2.
fn two_versions(pages: usize) -> (Project, [BTreeMap<String, Vec<u8>>; 2]) {
    let project = Project::new(&[("book.toml", BOOK)]);
    write_version(&project, pages, 2);
    build_ok(&project);
    let second = site(&project);
    write_version(&project, pages, 1);
    build_ok(&project);
    let first = site(&project);
    assert_ne!(first.len(), second.len());
    (project, [first, second])
}

#[test]
fn a_build_killed_before_the_swap_leaves_the_old_site_and_the_next_clears_up() {
    let (project, [first, second]) = two_versions(5);
    write_version(&project, 5, 2);
    let out = buyin(&project)
        .env("BUYIN_TEST_PUBLISH_ABORT", "staged")
        .output()
        .expect("run");
    assert_ne!(out.status.code(), Some(0), "the hook aborts the build");
    assert!(site(&project) == first, "the old site, whole");
    let stray = leftovers(&project);
    assert_eq!(stray.len(), 1, "{stray:?}");
    build_ok(&project);
    assert!(site(&project) == second, "the new site, whole");
    assert_eq!(leftovers(&project), Vec::<String>::new());
}

#[test]
fn a_build_killed_right_after_the_swap_leaves_the_new_site_and_the_next_clears_up() {
    let (project, [first, second]) = two_versions(5);
    write_version(&project, 5, 2);
    let out = buyin(&project)
        .env("BUYIN_TEST_PUBLISH_ABORT", "swapped")
        .output()
        .expect("run");
    assert_ne!(out.status.code(), Some(0), "the hook aborts the build");
    assert!(site(&project) == second, "the new site, whole");
    // The previous site waits under the staging name until the next build.
    let stray = leftovers(&project);
    assert_eq!(stray.len(), 1, "{stray:?}");
    assert!(tree(&project.path().join(&stray[0])) == first);
    build_ok(&project);
    assert!(site(&project) == second);
    assert_eq!(leftovers(&project), Vec::<String>::new());
}

/// Whether process `pid` has `path` open (Linux `/proc`).
fn has_open(pid: u32, path: &std::path::Path) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|fds| {
            fds.flatten()
                .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == path))
        })
        .unwrap_or(false)
}

fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_second_build_waits_for_the_running_one_and_never_removes_its_staging() {
    let (project, [_, second]) = two_versions(5);
    write_version(&project, 5, 2);
    let release = project.path().join("weiter");
    // The first build stops with its staging folder complete, holding the lock.
    let mut first = buyin(&project)
        .env(
            "BUYIN_TEST_PUBLISH_PAUSE",
            format!("staged:{}", release.display()),
        )
        .spawn()
        .expect("first build");
    let staging = format!(".site.buyin-staging-{}", first.id());
    wait_until("the first build's staging", Duration::from_secs(60), || {
        leftovers(&project) == [staging.clone()]
            && project.path().join(&staging).join("index.html").is_file()
    });
    let project_folder = project.path().canonicalize().expect("canonical");
    // A second build reaches the lock while the first one owns the staging folder.
    let second_build = buyin(&project).spawn().expect("second build");
    wait_until(
        "the second build at the lock",
        Duration::from_secs(60),
        || has_open(second_build.id(), &project_folder),
    );
    assert!(project.path().join(&staging).join("index.html").is_file());
    common::write(&release, b"");
    let first = wait(&mut first);
    let second_out = second_build.wait_with_output().expect("second");
    assert_eq!(
        first,
        Some(0),
        "the first build published its staging folder"
    );
    assert_eq!(
        second_out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second_out.stderr)
    );
    assert!(site(&project) == second);
    assert_eq!(leftovers(&project), Vec::<String>::new());
}

fn wait(child: &mut Child) -> Option<i32> {
    child.wait().expect("wait").code()
}

/// A small deterministic generator for the kill moments (xorshift).
struct Moments(u64);

impl Moments {
    fn next(&mut self, below: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        below.mul_f64((self.0 % 10_000) as f64 / 10_000.0)
    }
}

#[test]
fn sigkill_at_random_moments_never_leaves_a_partial_site() {
    const PAGES: usize = 300;
    // Kills that land during a build, and the most attempts to get them: a kill that
    // comes after the build finished (a slow start, a loaded machine) does not count.
    const KILLS: usize = 21;
    const ATTEMPTS: usize = 120;
    let (project, trees) = two_versions(PAGES);
    // How long a whole build takes here, to spread the kills over it.
    let started = Instant::now();
    build_ok(&project);
    let whole = started.elapsed().mul_f64(1.2);
    let mut moments = Moments(0x5eed_1234_abcd_0042);
    let mut current = 0; // which version the site holds
    let mut written = 0; // which version the content holds
    let (mut mid_build, mut stray_seen, mut attempts) = (0, 0, 0);
    while mid_build < KILLS && attempts < ATTEMPTS {
        let kill = attempts;
        attempts += 1;
        written = 1 - current;
        write_version(&project, PAGES, written as u32 + 1);
        let mut child = buyin(&project).spawn().expect("build");
        let at = moments.next(whole);
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL
        let finished = child.wait().expect("wait").success();
        let now = site(&project);
        let state = trees.iter().position(|t| *t == now);
        assert!(
            state.is_some(),
            "kill {kill} at {at:?}: the site is neither the old nor the new one ({} files)",
            now.len()
        );
        if !finished {
            mid_build += 1;
        }
        if !leftovers(&project).is_empty() {
            stray_seen += 1;
        }
        current = state.unwrap_or(current);
    }
    eprintln!("{attempts} kills: {mid_build} during a build, {stray_seen} left a stray folder");
    assert!(
        mid_build >= KILLS,
        "only {mid_build} of {attempts} kills hit a running build"
    );
    // The next build clears every stray folder and publishes the version on disk.
    build_ok(&project);
    assert_eq!(leftovers(&project), Vec::<String>::new());
    assert!(site(&project) == trees[written]);
    let index = String::from_utf8_lossy(&site(&project)["index.html"]).into_owned();
    assert!(
        index.contains(&format!("Fassung {}.", written + 1)),
        "{index}"
    );
}
