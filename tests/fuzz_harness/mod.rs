//! The fuzz harness: mutates a copy of the bundled training site and runs the real
//! `buyin build` on it, classifying every run.
//!
//! A run is either a clean success; or exit 1 with only well-formed diagnostics
//! (`error: PATH:LINE:COL: message`, hints, warnings, the count) and the previous build
//! folder unchanged; or a defect: a panic, an abort or other signal, a hang over the time
//! limit, another exit code, malformed error output, a changed build folder after a
//! failed build, or a staging folder left behind. Seeds are deterministic; every defect
//! is saved with its project as a reproducer.

pub mod mutate;

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mutate::{Mutation, Rng};

/// How a fuzz run is set up.
pub struct Settings {
    pub seed: u64,
    pub budget: Duration,
    /// A build that takes longer is a hang.
    pub hang: Duration,
    /// Where reproducers of defects go.
    pub defects: PathBuf,
}

/// The outcome of one build.
#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    Clean,
    Errors,
    Defect(String),
}

/// What a fuzz run found.
#[derive(Debug, Default)]
pub struct Report {
    pub trials: usize,
    pub clean: usize,
    pub errors: usize,
    pub defects: Vec<String>,
}

/// Runs trials until the budget is spent.
pub fn run(binary: &Path, settings: &Settings) -> Report {
    let work = tempfile::tempdir().expect("work folder");
    let project = work.path().join("projekt");
    copy_bundled(&project);
    let first = build(binary, &project, settings.hang);
    assert_eq!(
        first.0,
        Class::Clean,
        "the bundled site must build: {}",
        first.1
    );
    let mut site = fingerprint(&project.join("site"));
    let mut report = Report::default();
    let started = Instant::now();
    while started.elapsed() < settings.budget {
        let trial = report.trials;
        let mut rng = Rng::new(settings.seed ^ (trial as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let undo = mutate::apply(&project, &mut rng);
        let (mut class, mut stderr) = build(binary, &project, settings.hang);
        if matches!(&class, Class::Defect(what) if what.starts_with("hang")) {
            // A busy machine can stall a build; a real hang stalls again with more time.
            (class, stderr) = build(binary, &project, settings.hang * 3);
        }
        let now = fingerprint(&project.join("site"));
        if class == Class::Errors && now != site {
            class = Class::Defect("the build folder changed after a failed build".into());
        }
        if !matches!(class, Class::Defect(_)) {
            if let Some(stray) = stray_folder(&project) {
                class = Class::Defect(format!("left {stray} behind"));
            }
        }
        report.trials += 1;
        match &class {
            Class::Clean => {
                report.clean += 1;
                site = now;
            }
            Class::Errors => report.errors += 1,
            Class::Defect(what) => {
                let saved = settings
                    .defects
                    .join(format!("seed-{}-trial-{trial}", settings.seed));
                save(&project, &undo, &saved, what, &stderr);
                eprintln!(
                    "fuzz: DEFECT in trial {trial} (seed {}): {what}\n  mutations: {}\n  reproducer: {}",
                    settings.seed,
                    describe(&undo),
                    saved.display()
                );
                report.defects.push(format!("trial {trial}: {what}"));
                site = now;
            }
        }
        mutate::undo(&project, undo);
    }
    eprintln!(
        "fuzz: {} trials in {} s (seed {}): {} clean, {} with errors, {} defects",
        report.trials,
        started.elapsed().as_secs(),
        settings.seed,
        report.clean,
        report.errors,
        report.defects.len()
    );
    report
}

/// `buyin build` in `project`, classified; a run over `hang` is killed.
fn build(binary: &Path, project: &Path, hang: Duration) -> (Class, String) {
    // English messages (the bundled site is German), so the count line reads `N errors`.
    let mut child = Command::new(binary)
        .current_dir(project)
        .env("BUYIN_LANG", "en")
        .args(["--quiet", "build"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start buyin");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > hang {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let text = reader.join().unwrap_or_default();
    let Some(status) = status else {
        return (
            Class::Defect(format!("hang: no exit within {hang:?}")),
            text,
        );
    };
    if text.contains("panicked") || text.contains("stack overflow") {
        return (Class::Defect("panic".into()), text);
    }
    match status.code() {
        Some(0) => (Class::Clean, text),
        Some(1) => match malformed_line(&text) {
            None => (Class::Errors, text),
            Some(line) => (
                Class::Defect(format!("malformed error output: {line:?}")),
                text,
            ),
        },
        Some(code) => (Class::Defect(format!("exit code {code}")), text),
        None => (
            Class::Defect(format!("killed by a signal ({status})")),
            text,
        ),
    }
}

/// The first line of a failed build's output that is no well-formed diagnostic.
fn malformed_line(stderr: &str) -> Option<String> {
    let mut errors = 0;
    for line in stderr.lines() {
        if line.starts_with("  hint: ") || line.starts_with("    ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("error: ") {
            if !located(rest) {
                return Some(line.to_string());
            }
            errors += 1;
            continue;
        }
        if let Some(rest) = line.strip_prefix("warning: ") {
            if !located(rest) {
                return Some(line.to_string());
            }
            continue;
        }
        let count = line
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<usize>().ok());
        if count.is_some() && (line.ends_with(" error") || line.ends_with(" errors")) {
            continue;
        }
        return Some(line.to_string());
    }
    (errors == 0).then(|| "exit 1 without any error line".to_string())
}

/// Whether `rest` starts `PATH:LINE:COL: ` with a relative path and numbers ≥ 1.
fn located(rest: &str) -> bool {
    let Some((location, message)) = rest.split_once(": ") else {
        return false;
    };
    let mut parts = location.rsplitn(3, ':');
    let (Some(col), Some(line), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let number = |n: &str| n.parse::<usize>().is_ok_and(|n| n >= 1);
    !path.is_empty() && !path.starts_with('/') && number(line) && number(col) && !message.is_empty()
}

/// A hash of every file below `dir`, by path.
fn fingerprint(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let mut hasher = DefaultHasher::new();
            std::fs::read(e.path())
                .unwrap_or_default()
                .hash(&mut hasher);
            (e.path().display().to_string(), hasher.finish())
        })
        .collect()
}

/// A staging or old folder of a finished build, if one is left.
fn stray_folder(project: &Path) -> Option<String> {
    std::fs::read_dir(project)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with(".site.buyin-"))
}

fn copy_bundled(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(to).expect("project folder");
    std::fs::copy(repo.join("book.toml"), to.join("book.toml")).expect("book.toml");
    for folder in ["content", "static"] {
        crate::common::copy_dir(&repo.join(folder), &to.join(folder));
    }
}

fn describe(undo: &[Mutation]) -> String {
    undo.iter()
        .map(|m| m.what.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Saves the mutated project (without its build folder) and what happened.
fn save(project: &Path, undo: &[Mutation], to: &Path, what: &str, stderr: &str) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).expect("defect folder");
    std::fs::copy(project.join("book.toml"), to.join("book.toml")).ok();
    for folder in ["content", "static"] {
        crate::common::copy_dir(&project.join(folder), &to.join(folder));
    }
    let note = format!(
        "defect: {what}\nmutations: {}\nreproduce: buyin -C {} build\n\nstderr:\n{stderr}",
        describe(undo),
        to.display()
    );
    std::fs::write(to.join("DEFECT.txt"), note).expect("write note");
}
