//! The command line: exit codes, finding the project, output levels, `check --format
//! json`, `new` and `init`.

mod common;

use std::path::Path;

use common::{BOOK, Project, Run};

/// Runs `buyin ARGS` in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = assert_cmd::Command::cargo_bin("buyin")
        .expect("buyin binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run buyin");
    Run { output }
}

/// A small valid project.
fn good() -> Project {
    Project::new(&[
        ("book.toml", BOOK),
        ("content/index.md", "---\ntitle: \"Start\"\n---\nText\n"),
        (
            "content/argumente/a.md",
            "---\ntitle: \"A\"\nkind: argument\nobjection: \"O\"\nsummary: \"S\"\nstakeholders: [\"IT\"]\n---\nAntwort\n",
        ),
    ])
}

#[test]
fn usage_errors_exit_2_and_say_what_is_wrong() {
    let project = good();
    for args in [
        &["frobnicate"][..],
        &["build", "--nope"],
        &["--nope", "build"],
        &[],
        &["check", "--format", "xml"],
        &["new", "argument"],
    ] {
        let run = project.run(args);
        assert_eq!(run.code(), 2, "{args:?}\n{}", run.stderr());
        // Without a command, the help (in the project's language) says what is missing.
        let said = if args.is_empty() {
            "Aufruf: buyin"
        } else {
            "error"
        };
        assert!(run.stderr().contains(said), "{args:?}\n{}", run.stderr());
        assert!(!run.stderr().contains("panicked"));
    }
    assert!(!project.site().exists());
}

#[test]
fn help_and_version_exit_0() {
    let project = good();
    let help = project.run(&["--help"]);
    assert_eq!(help.code(), 0);
    for command in ["build", "serve", "check", "new", "init"] {
        assert!(help.stdout().contains(command), "{}", help.stdout());
    }
    let version = project.run(&["--version"]);
    assert_eq!(version.code(), 0);
    assert!(version.stdout().contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn exit_codes_0_on_success_and_1_on_content_errors() {
    let project = good();
    assert_eq!(project.run(&["check"]).code(), 0);
    assert_eq!(project.run(&["build"]).code(), 0);
    project.write("content/b.md", "---\ntitle: \"B\"\nkind: argumnet\n---\n");
    assert_eq!(project.run(&["check"]).code(), 1);
    assert_eq!(project.run(&["build"]).code(), 1);
}

#[test]
fn no_book_toml_is_a_usage_error_with_a_hint() {
    let empty = Project::new(&[("content/index.md", "---\ntitle: \"S\"\n---\n")]);
    for command in ["build", "check"] {
        let run = empty.run(&[command]);
        assert_eq!(run.code(), 2, "{}", run.stderr());
        assert!(run.stderr().contains("book.toml"), "{}", run.stderr());
        assert!(run.stderr().contains("init"), "hint at `buyin init`");
    }
    assert!(!empty.site().exists());
}

#[test]
fn dash_c_runs_in_another_folder() {
    let outer = Project::new(&[
        ("projekt/book.toml", BOOK),
        ("projekt/content/index.md", "---\ntitle: \"S\"\n---\nText\n"),
    ]);
    let run = outer.run(&["-C", "projekt", "build"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(outer.path().join("projekt/site/index.html").is_file());
    assert!(!outer.path().join("site").exists());
    let run = outer.run(&["build", "-C", "projekt", "--quiet"]);
    assert_eq!(run.code(), 0, "-C after the subcommand: {}", run.stderr());
    let run = outer.run(&["-C", "fehlt", "build"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
}

#[test]
fn the_root_is_found_by_walking_up_from_a_subfolder() {
    let project = good();
    let deep = project.path().join("content/argumente");
    let run = run_in(&deep, &["build"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(project.site().join("argumente/a/index.html").is_file());
    assert!(!deep.join("site").exists(), "site/ belongs to the root");
    assert_eq!(run_in(&deep, &["check"]).code(), 0);
}

#[test]
fn quiet_prints_nothing_on_success() {
    let project = good();
    for args in [
        &["--quiet", "build"][..],
        &["build", "-q"],
        &["check", "--quiet"],
    ] {
        let run = project.run(args);
        assert_eq!(run.code(), 0, "{args:?}\n{}", run.stderr());
        assert_eq!(run.stdout(), "", "{args:?}");
        assert_eq!(run.stderr(), "", "{args:?}");
    }
}

#[test]
fn quiet_still_prints_errors() {
    let project = good();
    project.write("content/b.md", "---\ntitle: \"B\"\nkind: argumnet\n---\n");
    let run = project.run(&["--quiet", "build"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("error: content/b.md:3:"),
        "{}",
        run.stderr()
    );
}

#[test]
fn verbose_says_more_than_the_default() {
    let project = good();
    let normal = project.run(&["build"]);
    let verbose = project.run(&["--verbose", "build"]);
    assert_eq!(verbose.code(), 0, "{}", verbose.stderr());
    assert!(!normal.stderr().is_empty(), "a build reports what it did");
    let lines = |run: &Run| run.stderr().lines().count() + run.stdout().lines().count();
    assert!(
        lines(&verbose) > lines(&normal),
        "verbose:\n{}\nnormal:\n{}",
        verbose.stderr(),
        normal.stderr()
    );
    assert_eq!(project.run(&["check", "-v"]).code(), 0);
}

#[test]
fn quiet_and_verbose_together_is_a_usage_error_or_quiet() {
    let project = good();
    let run = project.run(&["--quiet", "--verbose", "build"]);
    assert!(
        run.code() == 2 || (run.code() == 0 && run.stderr().is_empty()),
        "exit {}\n{}",
        run.code(),
        run.stderr()
    );
}

#[test]
fn check_writes_nothing() {
    let project = good();
    let before = common::tree(project.path());
    let run = project.run(&["check"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        before == common::tree(project.path()),
        "check changed files"
    );
}

#[test]
fn check_json_lists_diagnostics_with_place_and_message() {
    let project = good();
    project.write(
        "content/b.md",
        "---\ntitle: \"B\"\nkind: argumnet\n---\nText\n",
    );
    project.write("content/c.md", "---\ndescription: \"x\"\n---\nText\n");
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("{e}:\n{}", run.stdout()));
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics list");
    assert_eq!(diagnostics.len(), 2, "{report:#}");
    let first = &diagnostics[0];
    assert_eq!(first["path"], "content/b.md", "{report:#}");
    assert_eq!(first["line"], 3, "{report:#}");
    assert_eq!(first["severity"], "error", "{report:#}");
    let message = first["message"].as_str().expect("message");
    assert!(message.contains("argumnet"), "{report:#}");
    assert_eq!(diagnostics[1]["path"], "content/c.md", "{report:#}");
    assert!(
        !run.stdout().contains("error: content"),
        "stdout is only JSON"
    );
}

#[test]
fn check_json_on_a_good_project_is_an_empty_report() {
    let project = good();
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("{e}:\n{}", run.stdout()));
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report:#}");
}

#[test]
fn check_lists_external_resources() {
    let project = good();
    project.write(
        "content/extern.md",
        "---\ntitle: \"Extern\"\n---\n<img src=\"https://cdn.example.com/bild.png\" alt=\"\">\n",
    );
    let run = project.run(&["check"]);
    assert!(
        run.stderr().contains("https://cdn.example.com/bild.png"),
        "{}",
        run.stderr()
    );
    let json = project.run(&["check", "--format", "json"]);
    assert!(
        json.stdout().contains("https://cdn.example.com/bild.png"),
        "{}",
        json.stdout()
    );
}

#[test]
fn new_writes_a_slugged_file_from_the_archetype_that_builds() {
    let project = good();
    let run = project.run(&["new", "argument", "Überwachung am Arbeitsplatz"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let file = "content/argumente/ueberwachung-am-arbeitsplatz.md";
    let text = project.read(file);
    assert!(text.contains("Überwachung am Arbeitsplatz"), "{text}");
    assert!(text.contains("kind: argument") || text.contains("kind = \"argument\""));
    // A new file is a draft until its author says otherwise.
    let run = project.run(&["build", "--drafts"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let page = project.html("site/argumente/ueberwachung-am-arbeitsplatz/index.html");
    assert_eq!(page.text("h1"), "Überwachung am Arbeitsplatz");
    assert_eq!(page.count("section.objection"), 1);
}

#[test]
fn new_writes_every_kind_and_the_result_builds() {
    let project = good();
    for (kind, title) in [
        ("page", "Über uns"),
        ("case", "Messe in Köln"),
        ("deck", "Vortrag für die IT"),
        ("stage", "Zuhören lernen"),
    ] {
        let run = project.run(&["new", kind, title]);
        assert_eq!(run.code(), 0, "{kind}: {}", run.stderr());
    }
    let content = common::tree(&project.path().join("content"));
    for slug in [
        "ueber-uns.md",
        "messe-in-koeln.md",
        "vortrag-fuer-die-it.md",
        "zuhoeren-lernen.md",
    ] {
        assert!(
            content.keys().any(|path| path.ends_with(slug)),
            "{slug} missing: {:?}",
            content.keys().collect::<Vec<_>>()
        );
    }
    let run = project.run(&["build", "--drafts"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let deck = common::tree(&project.site())
        .into_keys()
        .find(|p| p.ends_with("vortrag-fuer-die-it/slides/index.html"));
    assert!(deck.is_some(), "the new deck has slides");
}

#[test]
fn new_refuses_to_overwrite() {
    let project = good();
    let file = "content/argumente/ueberwachung.md";
    project.write(file, "---\ntitle: \"Meins\"\n---\nNicht anfassen.\n");
    let run = project.run(&["new", "argument", "Überwachung"]);
    assert_ne!(run.code(), 0);
    assert!(run.stderr().contains("gibt es schon"), "{}", run.stderr());
    assert_eq!(
        project.read(file),
        "---\ntitle: \"Meins\"\n---\nNicht anfassen.\n"
    );
}

#[test]
fn new_with_an_unknown_kind_is_a_usage_error() {
    let project = good();
    let before = common::tree(project.path());
    let run = project.run(&["new", "blog", "Hallo"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("blog"), "{}", run.stderr());
    assert!(run.stderr().contains("argument"), "lists the kinds");
    assert!(before == common::tree(project.path()));
}

#[test]
fn init_scaffolds_a_project_that_checks_and_builds() {
    let outer = Project::new(&[]);
    let project = outer.path().join("kurs");
    let run = outer.run(&["init", project.to_str().expect("utf-8 temp path")]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(project.join("book.toml").is_file());
    assert!(project.join("content").is_dir());
    assert_eq!(run_in(&project, &["check"]).code(), 0);
    let run = run_in(&project, &["build"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(project.join("site/index.html").is_file());
}

#[test]
fn init_with_a_relative_folder_creates_it_below_the_current_folder() {
    let outer = Project::new(&[]);
    let run = outer.run(&["init", "kurs"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(outer.path().join("kurs/book.toml").is_file());
    assert!(!outer.path().join("kurs/kurs").exists());
    let run = outer.run(&["-C", "kurs", "build"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

#[test]
fn init_relative_to_dash_c() {
    let outer = Project::new(&[("aussen/.keep", "")]);
    let run = outer.run(&["-C", "aussen", "init", "kurs"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(outer.path().join("aussen/kurs/book.toml").is_file());
}

#[test]
fn init_in_the_current_folder() {
    let outer = Project::new(&[]);
    let run = outer.run(&["init"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(outer.path().join("book.toml").is_file());
}

#[test]
fn init_refuses_a_folder_with_a_book_toml() {
    let project = good();
    let before = common::tree(project.path());
    let run = project.run(&["init"]);
    assert_ne!(run.code(), 0);
    assert!(run.stderr().contains("book.toml"), "{}", run.stderr());
    assert!(before == common::tree(project.path()), "init changed files");
    let run = project.run(&["init", "."]);
    assert_ne!(run.code(), 0);
    assert!(before == common::tree(project.path()), "init changed files");
}

#[test]
fn a_reader_that_closes_the_pipe_early_does_not_make_buyin_fail() {
    // `buyin build 2>&1 | head -0` and `buyin check --format json | head -1`: the
    // pipe closes before buyin writes; a failed write is no reason to panic.
    let project = good();
    for (args, closed_stdout) in [
        (&["build", "--verbose"][..], false),
        (&["check", "--format", "json"][..], true),
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("buyin"))
            .current_dir(project.path())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run buyin");
        // The other pipe stays open (and unread: buyin writes little to it).
        if closed_stdout {
            drop(child.stdout.take());
        } else {
            drop(child.stderr.take());
        }
        let status = child.wait().expect("wait for buyin");
        assert_eq!(status.code(), Some(0), "buyin {args:?} with a closed pipe");
    }
}
