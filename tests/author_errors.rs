//! One round of errors: a project with problems in many files reports all of them in
//! one run, in file order, then their count — also the bodies of files whose front
//! matter failed.

mod common;

use common::Project;

/// Where each error of `tests/fixtures/errors/one-round` is, and a word it names.
const EXPECTED: [(&str, &str); 10] = [
    ("content/argumente/datenschutz.md:1:1:", "'stakeholders'"),
    ("content/argumente/datenschutz.md:5:1:", "'stakehodlers'"),
    ("content/argumente/datenschutz.md:10:29:", "'kontrolle.md'"),
    ("content/argumente/zeit.md:7:31:", "'praxis/fehlt.md'"),
    ("content/index.md:6:7:", "'#gibts-nicht'"),
    ("content/praxis/kaputt.md:4:1:", "YAML"),
    ("content/praxis/kaputt.md:5:24:", "'../nirgends.md'"),
    ("content/praxis/messe.md:4:1:", "\"gestern\""),
    ("content/vortraege/start.md:4:1:", "'kind2'"),
    ("content/vortraege/start.md:8:63:", "'#zahlen'"),
];

fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: "))
        .collect()
}

fn assert_one_round(args: &[&str]) {
    let project = Project::fixture("errors/one-round");
    let run = project.run(args);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    let lines = error_lines(&stderr);
    assert_eq!(lines.len(), EXPECTED.len(), "{stderr}");
    for (line, (place, word)) in lines.iter().zip(EXPECTED) {
        assert!(line.starts_with(place), "expected {place} first:\n{stderr}");
        assert!(line.contains(word), "expected {word} in {line}");
    }
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("{} ", EXPECTED.len())),
        "the count comes last: {stderr}"
    );
    assert!(
        !project.path().join("site").exists(),
        "nothing is published"
    );
}

#[test]
fn check_reports_every_error_of_six_files_in_one_run() {
    assert_one_round(&["check"]);
}

#[test]
fn build_reports_every_error_of_six_files_in_one_run() {
    assert_one_round(&["build"]);
}

#[test]
fn a_reference_to_a_broken_file_is_not_reported_again() {
    // `argumente/datenschutz.md` names `praxis/kaputt.md` as evidence; that file's front
    // matter is unreadable, so its kind is unknown — only its own errors are reported.
    let project = Project::fixture("errors/one-round");
    let run = project.run(&["check"]);
    assert!(
        !run.stderr().contains("kaputt.md' is a"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("content/praxis/kaputt.md:4:1:"),
        "{}",
        run.stderr()
    );
}

#[test]
fn fixing_the_front_matter_brings_no_new_round() {
    let project = Project::fixture("errors/one-round");
    let before = error_lines(&project.run(&["check"]).stderr()).len();
    project.write(
        "content/argumente/datenschutz.md",
        "---\ntitle: Datenschutz\nkind: argument\nobjection: \"Heikel.\"\nstakeholders: [Datenschutz]\nevidence: [praxis/kaputt.md]\n---\n## Die Antwort\n\nWir klären das vorab, siehe [Kontrolle](kontrolle.md).\n",
    );
    let after = project.run(&["check"]).stderr();
    // Two front-matter errors fixed; the broken link in the body was already reported.
    assert_eq!(error_lines(&after).len(), before - 2, "{after}");
    assert!(
        after.contains("content/argumente/datenschutz.md:10:29:"),
        "{after}"
    );
}
