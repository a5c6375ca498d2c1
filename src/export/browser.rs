//! Finding the Chromium-based browser that prints PDF exports: the one the user names
//! (`--browser`, `BUYIN_BROWSER` or `[export] browser`), else the first of Chromium,
//! Google Chrome and Microsoft Edge on the `PATH` or in their usual install places.

use std::path::{Path, PathBuf};

use super::Problem;

/// Program names of Chromium-based browsers, most specific first.
const PROGRAMS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
];

/// Install places that are not on the `PATH` (macOS app bundles, Windows).
const PLACES: &[&str] = &[
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
];

/// The browser to print with: `chosen` when given (it must exist), else the first
/// one found on the machine.
pub fn find(chosen: Option<&Path>) -> Result<PathBuf, Problem> {
    if let Some(path) = chosen {
        let found = if path.components().count() == 1 {
            which::which(path).ok()
        } else {
            path.is_file().then(|| path.to_path_buf())
        };
        return found.ok_or_else(|| Problem {
            message: format!("browser '{}' not found", path.display()),
            hint: "pass the path of Chromium, Google Chrome or Microsoft Edge to --browser (or BUYIN_BROWSER)".into(),
        });
    }
    PROGRAMS
        .iter()
        .find_map(|name| which::which(name).ok())
        .or_else(|| PLACES.iter().map(PathBuf::from).find(|p| p.is_file()))
        .ok_or_else(|| Problem {
            message: "PDF export needs Chromium, Google Chrome or Microsoft Edge, and none was found".into(),
            hint: "install one (Debian/Ubuntu: `apt-get install chromium`), or name it with --browser PATH or BUYIN_BROWSER; --pptx works without a browser".into(),
        })
}
