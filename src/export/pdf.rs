//! PDF exports printed by a Chromium-based browser over the DevTools protocol
//! (`Page.printToPDF` with `generateTaggedPDF`): the slides page at the canvas size, one
//! slide per page, and the handout page on A4, each exactly as the browser prints it.
//!
//! Chromium writes the text as text with its fonts embedded, the document title from
//! `<title>`, the language from `<html lang>`, and with tagging the structure of the page
//! (headings, lists, figures with their alt text) in reading order. Links to other pages
//! of the site would point into the build folder of this machine, so before printing
//! they become absolute links under `base-url`, or plain text when there is none; links
//! within the page stay internal links of the PDF.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use headless_chrome::types::PrintToPdfOptions;
use headless_chrome::{Browser, Tab};

use super::browser;
use crate::catalog::Text;
use crate::config::Config;
use crate::diag::Diagnostic;

/// CSS pixels per inch, the unit of DevTools paper sizes.
const DPI: f64 = 96.0;

/// How long one page may take to load and print.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the DevTools connection may stay silent.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// A running headless browser that prints pages of a built site.
pub struct Printer {
    // Declared first: the connection closes before the process ends.
    browser: Browser,
    _process: browser::Process,
}

/// What to print: a page of the site and the paper it goes on.
pub struct Job {
    /// The HTML file, relative to the build root.
    pub page: String,
    /// Paper width and height in inches.
    pub paper: (f64, f64),
}

impl Job {
    /// The slides of the deck whose page is at `url`, one per canvas-sized page.
    pub fn slides(config: &Config, url: &str) -> Job {
        Job {
            page: format!("{url}slides/index.html"),
            paper: (
                f64::from(config.slides.width) / DPI,
                f64::from(config.slides.height) / DPI,
            ),
        }
    }

    /// The handout page of the deck at `url`, on A4 portrait.
    pub fn handout(url: &str) -> Job {
        Job {
            page: format!("{url}index.html"),
            paper: (210.0 / 25.4, 297.0 / 25.4),
        }
    }
}

impl Printer {
    /// Starts the browser at `path` headless, with a fresh profile.
    pub fn launch(path: &Path) -> Result<Printer, Diagnostic> {
        let process = browser::Process::start(path)?;
        let browser =
            Browser::connect_with_timeout(process.ws_url.clone(), IDLE_TIMEOUT).map_err(|e| {
                let browser = path.display().to_string();
                Diagnostic::coded(
                    "browser-no-contact",
                    &[("browser", &browser), ("error", &e.to_string())],
                )
            })?;
        Ok(Printer {
            browser,
            _process: process,
        })
    }

    /// Prints `job` from the built site in `dir`. `base_url` (may be empty) makes links
    /// to other pages of the site absolute.
    /// A failure is the catalogue's `[export.reason]` text saying why.
    pub fn print(&self, dir: &Path, job: &Job, base_url: &str) -> Result<Vec<u8>, Text> {
        let tab = self
            .browser
            .new_tab()
            .map_err(|e| because("export.reason.browser-stopped", e))?;
        let result = print_in(&tab, dir, job, base_url);
        let _ = tab.close(true);
        result
    }
}

/// The catalogue's reason `key`, with the error behind it as `cause`.
fn because(key: &'static str, cause: impl std::fmt::Display) -> Text {
    Text::new(key, &[("cause", &cause.to_string())])
}

fn print_in(tab: &Arc<Tab>, dir: &Path, job: &Job, base_url: &str) -> Result<Vec<u8>, Text> {
    let dir = dir
        .canonicalize()
        .map_err(|e| because("export.reason.site-unreadable", e))?;
    let page = url::Url::from_file_path(dir.join(&job.page))
        .map_err(|()| because("export.reason.no-file-url", ""))?;
    let root = url::Url::from_directory_path(&dir)
        .map_err(|()| because("export.reason.no-file-url", ""))?;
    tab.set_default_timeout(PAGE_TIMEOUT);
    tab.navigate_to(page.as_str())
        .and_then(|tab| tab.wait_until_navigated())
        .map_err(|e| {
            Text::new(
                "export.reason.not-loaded",
                &[("page", &job.page), ("cause", &e.to_string())],
            )
        })?;
    let script = PREPARE
        .replace("__ROOT__", &json_string(root.as_str()))
        .replace("__BASE__", &json_string(base_url));
    tab.evaluate(&script, true)
        .map_err(|e| because("export.reason.not-ready", e))?;
    tab.print_to_pdf(Some(PrintToPdfOptions {
        paper_width: Some(job.paper.0),
        paper_height: Some(job.paper.1),
        margin_top: Some(0.0),
        margin_bottom: Some(0.0),
        margin_left: Some(0.0),
        margin_right: Some(0.0),
        print_background: Some(true),
        prefer_css_page_size: Some(true),
        generate_tagged_pdf: Some(true),
        generate_document_outline: Some(true),
        ..PrintToPdfOptions::default()
    }))
    .map(without_dates)
    .map_err(|e| because("export.reason.print-failed", e))
}

/// The PDF with the creation and modification dates of its document information blanked
/// out, so that the same deck prints to the same bytes. Each entry becomes spaces of its
/// own length, which keeps every byte offset of the cross-reference table valid.
fn without_dates(mut pdf: Vec<u8>) -> Vec<u8> {
    for key in [&b"/CreationDate ("[..], &b"/ModDate ("[..]] {
        let mut from = 0;
        while let Some(at) = find(&pdf[from..], key).map(|i| i + from) {
            let Some(len) = pdf[at..].iter().position(|&b| b == b')') else {
                break;
            };
            pdf[at..=at + len].fill(b' ');
            from = at + len;
        }
    }
    pdf
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Rewrites links that lead to other files of the site, then waits for fonts and
/// images, so nothing prints in a fallback font or without its picture.
const PREPARE: &str = r#"(async () => {
  const root = __ROOT__, base = __BASE__;
  const here = location.href.split('#')[0];
  for (const a of document.querySelectorAll('a[href]')) {
    const target = new URL(a.getAttribute('href'), location.href);
    if (!target.href.startsWith(root)) continue;
    if (target.href.split('#')[0] === here && target.hash) continue;
    if (base) {
      a.href = base + '/' + target.href.slice(root.length).replace(/(^|\/)index\.html(?=#|$)/, '$1');
    } else {
      a.removeAttribute('href');
    }
  }
  await document.fonts.ready;
  await Promise.all([...document.images].map(img => img.complete ? null
    : new Promise(done => { img.onload = img.onerror = done; })));
  return true;
})()"#;

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_blanked_in_place() {
        let pdf = b"1 0 obj\n<</Title (Deck)\n/CreationDate (D:20261204201843+00'00')\n/ModDate (D:20261204201843+00'00')>>\nendobj".to_vec();
        let blank = without_dates(pdf.clone());
        assert_eq!(blank.len(), pdf.len());
        let text = String::from_utf8(blank).expect("text");
        assert!(text.contains("/Title (Deck)"));
        assert!(!text.contains("Date"), "{text}");
        assert!(!text.contains("2026"), "{text}");
    }
}
