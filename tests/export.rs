//! `buyin export`: every deck as a tagged PDF, an editable PowerPoint file and a
//! handout PDF, checked with the readers people use (poppler's pdfinfo, pdffonts and
//! pdftotext; python-pptx), against the slides page of the same build.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Project;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

/// What the slides page of a deck shows, slide by slide.
struct SlideText {
    title: Option<String>,
    /// Texts of paragraphs, list items, quotes and code on the slide.
    blocks: Vec<String>,
    notes: String,
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn select(css: &str) -> Selector {
    Selector::parse(css).expect("selector")
}

/// A list item's own text, without its nested lists.
fn own_text(element: ElementRef) -> String {
    let mut text = String::new();
    for child in element.children() {
        match ElementRef::wrap(child) {
            Some(e) if matches!(e.value().name(), "ul" | "ol") => {}
            Some(e) => text.push_str(&e.text().collect::<String>()),
            None => {
                if let Some(t) = child.value().as_text() {
                    text.push_str(t);
                }
            }
        }
    }
    squash(&text)
}

/// The slides of `site/<url>slides/index.html`.
fn slides_of(site: &Path, url: &str) -> Vec<SlideText> {
    let html = std::fs::read_to_string(site.join(url).join("slides/index.html")).expect("slides");
    let page = Html::parse_document(&html);
    page.select(&select("section.slide"))
        .map(|slide| {
            let content = slide
                .select(&select(".slide-content"))
                .next()
                .expect("content");
            let title = content
                .select(&select("h1, h2, h3"))
                .next()
                .map(|h| squash(&h.text().collect::<String>()));
            let blocks = content
                .select(&select("p, li, pre, blockquote"))
                .filter(|e| e.select(&select("img")).next().is_none())
                .map(|e| {
                    if e.value().name() == "li" {
                        own_text(e)
                    } else {
                        squash(&e.text().collect::<String>())
                    }
                })
                .filter(|t| !t.is_empty())
                .collect();
            let notes = slide
                .select(&select("aside.notes"))
                .next()
                .map(|n| squash(&n.text().collect::<String>()))
                .unwrap_or_default();
            SlideText {
                title,
                blocks,
                notes,
            }
        })
        .collect()
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (poppler-utils / python-pptx installed?): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pdfinfo(pdf: &Path) -> String {
    tool("pdfinfo", &[pdf.to_str().expect("path")])
}

fn info_field<'a>(info: &'a str, key: &str) -> &'a str {
    info.lines()
        .find_map(|l| {
            l.strip_prefix(key)
                .map(|v| v.trim_start_matches(':').trim())
        })
        .unwrap_or_else(|| panic!("no {key} in {info}"))
}

/// Every font of the PDF is embedded (`emb` column of pdffonts).
fn assert_fonts_embedded(pdf: &Path) {
    let fonts = tool("pdffonts", &[pdf.to_str().expect("path")]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts in {}", pdf.display());
    for row in rows {
        // name type… encoding emb sub uni object ID: emb is 5th from the end.
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {row}");
    }
}

fn pptx(path: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pptx_read.py");
    serde_json::from_str(&tool(
        "python3",
        &[script.to_str().expect("path"), path.to_str().expect("path")],
    ))
    .expect("json")
}

/// Checks the PDF, handout and PPTX of the deck at `url` against its slides page.
fn check_deck(site: &Path, url: &str, canvas: (u32, u32)) {
    let slug = url.trim_end_matches('/').rsplit('/').next().expect("slug");
    let slides = slides_of(site, url);
    assert!(!slides.is_empty(), "{url} has slides");

    let pdf = site.join(url).join(format!("{slug}.pdf"));
    let info = pdfinfo(&pdf);
    assert_eq!(
        info_field(&info, "Pages"),
        slides.len().to_string(),
        "{url}: PDF pages vs slides"
    );
    assert_eq!(info_field(&info, "Tagged"), "yes", "{url}");
    let size = format!(
        "{} x {} pts",
        canvas.0 as f64 * 0.75,
        canvas.1 as f64 * 0.75
    );
    assert_eq!(info_field(&info, "Page size"), size, "{url}");
    assert!(!info_field(&info, "Title").is_empty(), "{url}: PDF title");
    assert_fonts_embedded(&pdf);
    for (i, slide) in slides.iter().enumerate() {
        let Some(title) = &slide.title else { continue };
        let page = (i + 1).to_string();
        let text = tool(
            "pdftotext",
            &["-f", &page, "-l", &page, pdf.to_str().expect("path"), "-"],
        );
        assert!(
            squash(&text).contains(title.as_str()),
            "{url}: page {page} lacks its title '{title}': {text}"
        );
    }

    // The handout: A4, tagged, every slide's title in it.
    let handout = site.join(url).join(format!("{slug}-handout.pdf"));
    let info = pdfinfo(&handout);
    assert_eq!(info_field(&info, "Tagged"), "yes", "{url}");
    assert!(info_field(&info, "Page size").ends_with("(A4)"), "{info}");
    assert_fonts_embedded(&handout);
    let text = squash(&tool("pdftotext", &[handout.to_str().expect("path"), "-"]));
    for title in slides.iter().filter_map(|s| s.title.as_ref()) {
        assert!(
            text.contains(title.as_str()),
            "{url}: the handout lacks '{title}'"
        );
    }

    let deck = pptx(&site.join(url).join(format!("{slug}.pptx")));
    assert_eq!(deck["width_px"], canvas.0, "{url}");
    assert_eq!(deck["height_px"], canvas.1, "{url}");
    let shown = deck["slides"].as_array().expect("slides");
    assert_eq!(shown.len(), slides.len(), "{url}: PPTX slides vs slides");
    for (n, (slide, shown)) in slides.iter().zip(shown).enumerate() {
        let n = n + 1;
        assert_eq!(
            shown["title"].as_str().map(squash),
            slide.title,
            "{url} slide {n}: title"
        );
        let body: Vec<String> = shown["body"]
            .as_array()
            .expect("body")
            .iter()
            .map(|p| squash(p["text"].as_str().expect("text")))
            .collect();
        let all = squash(&body.join(" "));
        for block in &slide.blocks {
            assert!(
                all.contains(block.as_str()),
                "{url} slide {n}: '{block}' missing from {body:?}"
            );
        }
        assert_eq!(
            squash(shown["notes"].as_str().expect("notes")),
            slide.notes,
            "{url} slide {n}: notes"
        );
    }
}

/// Deck page URLs of a built site (folders holding `slides/index.html` under `dir`).
fn decks_under(site: &Path, dir: &str) -> Vec<String> {
    let mut decks: Vec<String> = std::fs::read_dir(site.join(dir))
        .expect("decks folder")
        .flatten()
        .filter(|e| e.path().join("slides/index.html").is_file())
        .map(|e| format!("{dir}/{}/", e.file_name().to_string_lossy()))
        .collect();
    decks.sort();
    decks
}

#[test]
fn every_bundled_deck_exports_to_pdf_pptx_and_handout() {
    if !have_chromium() {
        return;
    }
    let project = Project::bundled();
    let run = project.run_en(&["export", "--pdf", "--pptx", "--handout"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let site = project.site();
    let decks = decks_under(&site, "vortraege");
    assert_eq!(decks.len(), 8, "{decks:?}");
    for url in &decks {
        check_deck(&site, url, (1280, 720));
        assert!(
            run.stderr().contains(&format!("exported {url}")),
            "{}",
            run.stderr()
        );
    }
    // The generated deck of every stakeholder and department, its handout printed from
    // the handout page beside its slides; the term page and the handout link them.
    let mut audiences = decks_under(&site, "zielgruppen");
    audiences.extend(decks_under(&site, "abteilungen"));
    assert!(audiences.len() >= 10, "{audiences:?}");
    for url in &audiences {
        check_deck(&site, url, (1280, 720));
        let slug = url.trim_end_matches('/').rsplit('/').next().expect("slug");
        let files = |up: &str| {
            vec![
                format!("{up}{url}{slug}.pdf"),
                format!("{up}{url}{slug}.pptx"),
                format!("{up}{url}{slug}-handout.pdf"),
            ]
        };
        let term = project.html(&format!("site/{url}index.html"));
        assert_eq!(
            term.attrs("a.button-download", "href"),
            files("../../"),
            "{url}"
        );
        assert!(
            term.attrs("a.button", "href")
                .contains(&format!("../../{url}handout/index.html")),
            "{url}: the term page links its handout"
        );
        let handout = project.html(&format!("site/{url}handout/index.html"));
        assert_eq!(
            handout.attrs("a.button-download", "href"),
            files("../../../"),
            "{url}"
        );
    }
}

#[test]
fn an_english_4_3_deck_keeps_layouts_formats_pictures_and_links() {
    if !have_chromium() {
        return;
    }
    let project = Project::fixture("export/en43");
    let run = project.run(&["export", "--pdf", "--pptx", "--handout", "management"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let site = project.site();
    check_deck(&site, "talks/management/", (960, 720));
    // `management` also names the generated deck of the stakeholder Management.
    check_deck(&site, "stakeholders/management/", (960, 720));

    let pdf = site.join("talks/management/management.pdf");
    let urls = tool("pdfinfo", &["-url", pdf.to_str().expect("path")]);
    assert!(urls.contains("https://example.org/study"), "{urls}");
    // A link to another page of the site leads to it under base-url.
    assert!(
        urls.contains("https://training.example.org/arguments/control/"),
        "{urls}"
    );

    let deck = pptx(&site.join("talks/management/management.pptx"));
    assert_eq!(deck["language"], "en");
    assert_eq!(deck["title"], "Social media for the management");
    assert_eq!(deck["master_pictures"], 1, "logo on the master");
    let slides = deck["slides"].as_array().expect("slides");
    let layouts: Vec<&str> = slides
        .iter()
        .map(|s| s["layout"].as_str().expect("layout"))
        .collect();
    assert_eq!(
        layouts,
        [
            "Title Slide",
            "Title and Content",
            "Section Header",
            "Two Content",
            "Title and Content",
            "Title and Content",
            "Quote",
            "Title and Content",
            "Title and Content"
        ]
    );
    let why = &slides[1]["body"];
    assert_eq!(why[0]["italic"][0], "in public");
    assert_eq!(why[1]["bold"][0], "searchable");
    assert_eq!(
        (why[2]["level"].as_u64(), why[3]["level"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        why[4]["links"],
        serde_json::json!([
            "https://example.org/study",
            "https://training.example.org/arguments/control/"
        ])
    );
    assert_eq!(
        slides[1]["notes"],
        "Keep this short.\nMention the hotline numbers.\nAsk for questions."
    );
    let code = &slides[4]["body"][0];
    assert_eq!(code["mono"][0], "def answer(question):");
    assert_eq!(slides[5]["pictures"][0]["alt"], "Map of our channels");
    assert_eq!(slides[5]["pictures"][0]["type"], "image/png");
    // The objection as a quote; the case with its key figures as text and the chart
    // as a picture.
    assert!(
        slides[6]["body"][1]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("If we go there"))
    );
    let figures: Vec<&str> = slides[8]["body"]
        .as_array()
        .expect("body")
        .iter()
        .map(|p| p["text"].as_str().expect("text"))
        .collect();
    assert!(
        figures.contains(&"86 Answered within an hour"),
        "{figures:?}"
    );
    // The chart's text alternative names the case and every figure.
    let alt = slides[8]["pictures"][0]["alt"].as_str().expect("alt");
    for part in [
        "A support desk on social media",
        "Answered within an hour: 86",
        "Calls to the hotline: 1200",
    ] {
        assert!(alt.contains(part), "{alt}");
    }

    // Printed again, the PDFs have the same bytes (no creation date).
    let handout = site.join("talks/management/management-handout.pdf");
    let printed = [
        std::fs::read(&pdf).expect("pdf"),
        std::fs::read(&handout).expect("pdf"),
    ];
    let again = project.run(&["export", "--pdf", "--handout", "talks/management"]);
    assert_eq!(again.code(), 0, "{}", again.stderr());
    assert!(
        std::fs::read(&pdf).expect("pdf") == printed[0],
        "same deck, different PDF bytes"
    );
    assert!(
        std::fs::read(&handout).expect("pdf") == printed[1],
        "same deck, different handout bytes"
    );
}

#[test]
fn pptx_needs_no_browser_and_has_the_same_bytes_every_time() {
    let project = Project::fixture("export/en43");
    let first = run_without_browser(&project, &["export", "--pptx"]);
    assert_eq!(first.code(), 0, "{}", first.stderr());
    let file = project.site().join("talks/management/management.pptx");
    let bytes = std::fs::read(&file).expect("pptx");
    let again = run_without_browser(&project, &["export", "--pptx", "talks/management"]);
    assert_eq!(again.code(), 0, "{}", again.stderr());
    assert!(
        std::fs::read(&file).expect("pptx") == bytes,
        "same deck, different bytes"
    );
}

#[test]
fn pdf_without_a_browser_says_what_to_install_and_keeps_the_site() {
    let project = Project::fixture("export/en43");
    assert_eq!(project.build().code(), 0);
    let before = common::tree(&project.site());
    let run = run_without_browser(&project, &["export", "--pdf", "--pptx"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .contains("error: book.toml:1:1: PDF export needs Chromium"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("apt-get install chromium"));
    assert!(common::tree(&project.site()) == before, "site changed");
}

#[test]
fn a_crashing_browser_fails_the_export_and_keeps_the_site() {
    let project = Project::fixture("export/en43");
    assert_eq!(project.build().code(), 0);
    let before = common::tree(&project.site());
    let fake = project.path().join("crash.sh");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n",
    )
    .expect("write");
    make_executable(&fake);
    let entries_before = entries(project.path());
    let run = project.run(&["export", "--pdf", "--browser", fake.to_str().expect("path")]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr()
            .contains("did not start (it ended with exit status: 139: Segmentation fault)"),
        "{}",
        run.stderr()
    );
    assert!(common::tree(&project.site()) == before, "site changed");
    // A browser that ends without a word.
    let run = project.run(&["export", "--pdf", "--pptx", "--browser", "/bin/false"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr()
            .contains("error: book.toml:1:1: the browser '/bin/false' did not start"),
        "{}",
        run.stderr()
    );
    assert!(common::tree(&project.site()) == before, "site changed");
    assert_eq!(
        entries(project.path()),
        entries_before,
        "no staging folder left"
    );
    assert!(
        !project
            .site()
            .join("talks/management/management.pdf")
            .exists()
    );
}

#[test]
fn unknown_decks_and_unwritable_destinations_are_errors() {
    let project = Project::fixture("export/en43");
    let run = project.run(&["export", "--pptx", "managment"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("error: unknown deck 'managment'")
            && run.stderr().contains("did you mean 'management'?"),
        "{}",
        run.stderr()
    );
    assert!(!project.site().exists());

    project.write(
        "blocked",
        "a file where the build folder's parent should be",
    );
    let run = project.run(&["export", "--pptx", "--dest", "blocked/site"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("error: "), "{}", run.stderr());
}

#[test]
fn an_export_table_makes_exports_part_of_build_and_the_deck_page_links_them() {
    let project = Project::fixture("export/en43");
    let book = project.read("book.toml");
    project.write("book.toml", &format!("{book}\n[export]\npptx = true\n"));
    let run = run_without_browser(&project, &["build"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let page = project.html("site/talks/management/index.html");
    assert_eq!(
        page.attrs("a.button-download", "href"),
        ["../../talks/management/management.pptx"]
    );
    assert_eq!(page.text("a.button-download"), "As PowerPoint");
    let deck = pptx(&project.site().join("talks/management/management.pptx"));
    assert_eq!(deck["slides"].as_array().map(Vec::len), Some(9));

    // Without [export] the next build has neither the file nor the link.
    project.write("book.toml", &book);
    project.build();
    assert!(
        !project
            .site()
            .join("talks/management/management.pptx")
            .exists()
    );
    assert_eq!(
        project
            .html("site/talks/management/index.html")
            .count("a.button-download"),
        0
    );

    project.write("book.toml", &format!("{book}\n[export]\npfd = true\n"));
    let run = project.run(&["build"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("pfd"), "{}", run.stderr());
}

/// Runs `buyin ARGS` in the project with `PATH` emptied and `BUYIN_BROWSER` unset, as
/// on a machine without any browser.
fn run_without_browser(project: &Project, args: &[&str]) -> common::Run {
    let output = assert_cmd::Command::cargo_bin("buyin")
        .expect("buyin binary")
        .current_dir(project.path())
        .env("PATH", "/nonexistent")
        .env_remove("BUYIN_BROWSER")
        .env_remove("BUYIN_LANG")
        .args(args)
        .output()
        .expect("run buyin");
    common::Run { output }
}

/// Whether Chromium is there for the PDF tests: under `CI=true` it must be; elsewhere
/// its absence skips them loudly.
fn have_chromium() -> bool {
    if which("chromium").is_some() {
        return true;
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "Chromium not found but CI=true: PDF export tests must run in CI (apt-get install chromium)"
    );
    eprintln!(
        "\n!!! SKIPPING PDF EXPORT TEST: no chromium on the PATH (apt-get install chromium) !!!\n"
    );
    false
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn make_executable(path: &PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
