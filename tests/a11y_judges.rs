//! The judges of accessibility and validity, run on every HTML file of real sites: the
//! W3C Nu HTML checker (`vnu-jar`, one Java run for all files) and axe-core (WCAG 2.0/2.1
//! A and AA) in headless Chromium, in light and dark colour schemes at desktop and phone
//! widths. Both must report nothing, on the bundled training site, on a German and an
//! English fixture that use every kind and shortcode, and on a project made by
//! `buyin init` plus a few `buyin new` pages.
//!
//! The judges come from npm (`.ci/run` installs them into `.judges/`). Without them, or
//! without Chromium, the tests skip loudly; under `CI=true` they fail.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::{Project, eval, file_url};
use headless_chrome::Tab;
use headless_chrome::protocol::cdp::{Emulation, Page};
use serde_json::Value;

/// The tags axe-core checks: WCAG 2.0 and 2.1, levels A and AA.
const AXE_TAGS: &str = r#"["wcag2a","wcag2aa","wcag21a","wcag21aa"]"#;

/// Colour schemes and window sizes every page is judged in.
const SCHEMES: [&str; 2] = ["light", "dark"];
const WIDTHS: [(&str, u32, u32, bool); 2] =
    [("desktop", 1280, 800, false), ("phone", 390, 844, true)];

/// Where the npm packages of the judges live, relative to the repository.
fn judge_file(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".judges/node_modules")
        .join(rel);
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing but CI=true: run .ci/run, which installs the judges from npm",
            path.display()
        );
    }
    eprintln!(
        "\n!!! SKIPPING JUDGE: {} is missing (npm install --prefix .judges vnu-jar axe-core, as .ci/run does) !!!\n",
        path.display()
    );
    None
}

/// The sites under judgement, built once per test binary: name -> build folder.
fn sites() -> &'static BTreeMap<&'static str, PathBuf> {
    static SITES: OnceLock<BTreeMap<&'static str, PathBuf>> = OnceLock::new();
    SITES.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("judges");
        let _ = std::fs::remove_dir_all(&base);
        let init = init_project();
        let projects = [
            ("bundled", Project::bundled()),
            ("fixture-de", Project::fixture("judges/de")),
            ("fixture-en", Project::fixture("judges/en")),
            ("init", init),
        ];
        // `BUYIN_JUDGE_SITES=fixture-de,init` judges only those (while working on one).
        let only = std::env::var("BUYIN_JUDGE_SITES").ok();
        projects
            .into_iter()
            .filter(|(name, _)| {
                only.as_deref()
                    .is_none_or(|o| o.split(',').any(|n| n == *name))
            })
            .map(|(name, project)| {
                let dest = base.join(name);
                let run = project.run(&["build", "--dest", dest.to_str().expect("utf-8 path")]);
                assert_eq!(run.code(), 0, "build of {name} failed:\n{}", run.stderr());
                (name, dest)
            })
            .collect()
    })
}

/// A project made the way a new user makes one: `buyin init`, then `buyin new`.
fn init_project() -> Project {
    let project = Project::new(&[]);
    let run = project.run(&["init", "."]);
    assert_eq!(run.code(), 0, "init failed:\n{}", run.stderr());
    for (kind, title) in [
        ("page", "Über uns"),
        ("argument", "Das kostet zu viel Zeit"),
        ("case", "Stadtwerke auf Instagram"),
        ("deck", "Für den Personalrat"),
        ("stage", "Antworten lernen"),
    ] {
        let run = project.run(&["new", kind, title]);
        assert_eq!(run.code(), 0, "new {kind} failed:\n{}", run.stderr());
    }
    project
}

/// Every HTML file of a site, as paths relative to it, sorted.
fn html_files(site: &Path) -> Vec<String> {
    common::tree(site)
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .collect()
}

/// Prints every finding per `site/path` and fails when there is one: nothing is tolerated.
fn verdict(judge: &str, findings: &BTreeMap<(String, String), Vec<String>>) {
    let mut failing = 0;
    for ((site, path), lines) in findings {
        for line in lines {
            failing += 1;
            eprintln!("{judge}: {site}/{path}: {line}");
        }
    }
    assert_eq!(
        failing, 0,
        "{judge} reported {failing} problems (listed above)"
    );
}

#[test]
fn nu_checker_reports_no_errors() {
    let Some(jar) = judge_file("vnu-jar/build/dist/vnu.jar") else {
        return;
    };
    let sites = sites();
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json", "--skip-non-html"])
        .args(sites.values())
        .output()
        .expect("run java (is a JRE installed?)");
    let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu wrote no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut findings: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut counts: BTreeMap<&str, usize> = sites.keys().map(|k| (*k, 0)).collect();
    for message in report["messages"].as_array().expect("messages") {
        let url = message["url"].as_str().unwrap_or_default();
        let (site, path) = sites
            .iter()
            .find_map(|(name, dir)| {
                let prefix = format!("file:{}/", dir.display());
                url.strip_prefix(&prefix).map(|p| (*name, p.to_string()))
            })
            .unwrap_or(("?", url.to_string()));
        *counts.entry(site).or_default() += 1;
        findings
            .entry((site.to_string(), path))
            .or_default()
            .push(format!(
                "{}:{}: {}",
                message["lastLine"], message["firstColumn"], message["message"]
            ));
    }
    for (site, dir) in sites {
        eprintln!(
            "vnu: {site}: {} HTML files, {} errors",
            html_files(dir).len(),
            counts[site]
        );
    }
    verdict("vnu", &findings);
    assert!(
        output.status.success() || !findings.is_empty(),
        "vnu failed without reporting errors"
    );
}

/// The script run in each page: axe-core with the WCAG A/AA tags, the result shrunk to
/// what a failure message needs.
fn axe_script() -> String {
    format!(
        r#"axe.run(document, {{ runOnly: {{ type: "tag", values: {AXE_TAGS} }}, resultTypes: ["violations"] }})
  .then(function (r) {{
    return JSON.stringify(r.violations.map(function (v) {{
      return {{ id: v.id, help: v.help, nodes: v.nodes.map(function (n) {{
        return n.target.join(" ") + " | " + (n.failureSummary || "").replace(/\s+/g, " ");
      }}) }};
    }}));
  }})"#
    )
}

fn emulate(tab: &Tab, scheme: &str, width: u32, height: u32, mobile: bool) {
    tab.call_method(Emulation::SetEmulatedMedia {
        media: None,
        features: Some(vec![
            Emulation::MediaFeature {
                name: "prefers-color-scheme".into(),
                value: scheme.into(),
            },
            // No transitions, so colours are final when axe measures them.
            Emulation::MediaFeature {
                name: "prefers-reduced-motion".into(),
                value: "reduce".into(),
            },
        ]),
    })
    .expect("emulate the colour scheme");
    common::viewport(tab, width, height, mobile);
}

/// Resolves after two frames: styles and layout of the last emulation change applied.
const SETTLED: &str = "new Promise(function (r) { requestAnimationFrame(function () { requestAnimationFrame(function () { r(true); }); }); })";

#[test]
fn axe_reports_no_violations_in_light_and_dark_at_desktop_and_phone_width() {
    let Some(axe) = judge_file("axe-core/axe.min.js") else {
        return;
    };
    let Some(browser) = common::browser() else {
        return;
    };
    let axe = std::fs::read_to_string(axe).expect("read axe.min.js");
    let sites = sites();
    let tab = browser.new_tab().expect("new tab");
    tab.set_default_timeout(Duration::from_secs(60));
    tab.activate().expect("bring the tab to the front");
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: axe,
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .expect("inject axe into every page");
    let script = axe_script();
    let mut findings: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (site, dir) in sites {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let files = html_files(dir);
        for path in &files {
            let url = file_url(&dir.join(path));
            tab.navigate_to(&url).expect("navigate");
            let loaded = format!(
                "location.href.split('#')[0] === {} && document.readyState === 'complete'",
                serde_json::to_string(&url).expect("JSON")
            );
            assert!(common::wait_for(&tab, &loaded, 30), "{url} did not load");
            for scheme in SCHEMES {
                for (width_name, width, height, mobile) in WIDTHS {
                    emulate(&tab, scheme, width, height, mobile);
                    eval(&tab, SETTLED);
                    let raw = eval(&tab, &script);
                    let violations: Vec<Value> =
                        serde_json::from_str(raw.as_str().unwrap_or("[]")).expect("axe JSON");
                    let nodes: usize = violations
                        .iter()
                        .map(|v| v["nodes"].as_array().map_or(0, Vec::len))
                        .sum();
                    *counts.entry(format!("{scheme}/{width_name}")).or_default() += nodes;
                    for v in &violations {
                        for node in v["nodes"].as_array().into_iter().flatten() {
                            findings
                                .entry((site.to_string(), path.clone()))
                                .or_default()
                                .push(format!(
                                    "[{scheme} {width_name}] {} ({}): {}",
                                    v["id"].as_str().unwrap_or("?"),
                                    v["help"].as_str().unwrap_or("?"),
                                    node.as_str().unwrap_or("?")
                                ));
                        }
                    }
                }
            }
        }
        eprintln!(
            "axe: {site}: {} pages, violating nodes {counts:?}",
            files.len()
        );
    }
    verdict("axe", &findings);
}
