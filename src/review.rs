//! Content review dates: which items are due for a review, and the date a page shows.
//!
//! Any content file may say when it was last reviewed (`reviewed: 2026-03-03`); with
//! `[content] review-after = "12 months"` in `book.toml`, `check` (after the build
//! stages) lists the items whose review is overdue, or that have no date at all, oldest
//! first. "Today" is passed in, never read here, so the output stays deterministic and
//! tests can choose it; pages show only the reviewed date itself.

use crate::date::{Date, Period};
use crate::diag::Diagnostic;
use crate::site::Site;

/// Environment variable that sets today's date (`YYYY-MM-DD`) for the command line,
/// instead of the clock: for tests and for checking "as of" another day.
pub const TODAY_VARIABLE: &str = "BUYIN_TODAY";

/// Warnings for every page whose review is overdue on `today`, or that has no review
/// date: those without one first, then the oldest review first.
pub fn overdue(site: &Site, period: &Period, today: Date) -> Vec<Diagnostic> {
    let mut due: Vec<(Option<Date>, Diagnostic)> = Vec::new();
    for page in &site.pages {
        let source = &page.source;
        let reviewed = source.front.reviewed.as_deref().and_then(Date::parse);
        match reviewed {
            None => due.push((
                None,
                Diagnostic::coded_error(
                    &source.path,
                    1,
                    1,
                    "review-missing",
                    &[("period", &period.text)],
                )
                .warning(),
            )),
            Some(date) if date.after(period) < today => due.push((
                Some(date),
                Diagnostic::coded_error(
                    &source.path,
                    source.key_line("reviewed"),
                    1,
                    "review-overdue",
                    &[
                        ("reviewed", &date.to_string()),
                        ("due", &date.after(period).to_string()),
                        ("period", &period.text),
                    ],
                )
                .warning(),
            )),
            Some(_) => {}
        }
    }
    due.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
    due.into_iter().map(|(_, d)| d).collect()
}
