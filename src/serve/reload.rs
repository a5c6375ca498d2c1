//! Live reload: the script every served page gets, the error overlay of a broken build,
//! and the server-sent-events stream that tells open pages to reload.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use http::StatusCode;

use super::server::Response;
use super::state::Signal;
use crate::catalog::Catalog;
use crate::diag::Diagnostic;
use crate::markdown::escape;

/// Where open pages listen for reload signals.
pub(super) const EVENTS_PATH: &str = "/__buyin/events";
/// Proxies and browsers drop idle streams; a comment line now and then keeps them open
/// and tells us when a tab has gone.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Inserts `snippet` before the last `</body>` (any case), or appends it.
pub(super) fn inject_before_body_end(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = rfind_ignore_case(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Inserts `snippet` right after the opening `<head …>` tag, if there is one.
pub(super) fn inject_after_head(html: &[u8], snippet: &str) -> Vec<u8> {
    let lower = html.to_ascii_lowercase();
    let at = lower
        .windows(5)
        .position(|w| w == b"<head")
        .and_then(|start| {
            // `<header>` is not `<head>`
            let next = lower.get(start + 5).copied();
            matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r'))
                .then(|| lower[start..].iter().position(|&b| b == b'>'))
                .flatten()
                .map(|end| start + end + 1)
        });
    let Some(at) = at else {
        return html.to_vec();
    };
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

pub(super) fn rfind_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// The live-reload client: reloads on `reload` (a deck keeps its slide, because
/// `location.reload()` keeps the URL hash the deck keeps up to date), swaps same-origin
/// stylesheets on `css`, and reloads on (re)connect when the site changed meanwhile —
/// so an edit made while the page was loading, or a server restart, is never missed.
///
/// The stream opens only after `load`: Chromium counts an open event stream as a
/// request in flight and may hold back the page's images behind it, so the page would
/// never finish loading.
pub(super) fn reload_script(version: u64) -> String {
    format!(
        r#"<script data-buyin-live-reload>
(function () {{
  if (!window.EventSource) return;
  var version = "{version}";
  var source = null;
  function connect() {{
    if (source) return;
    source = new EventSource("/__buyin/events");
    source.addEventListener("hello", function (e) {{ if (e.data !== version) location.reload(); }});
    source.addEventListener("reload", function () {{ source.close(); location.reload(); }});
    source.addEventListener("css", function (e) {{
      version = e.data;
      document.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {{
        var url = new URL(link.href, location.href);
        if (url.origin !== location.origin) return;
        url.searchParams.set("buyin", e.data);
        var fresh = link.cloneNode();
        fresh.href = url.href;
        fresh.onload = fresh.onerror = function () {{ link.remove(); }};
        link.after(fresh);
      }});
    }});
  }}
  if (document.readyState === "complete") connect();
  else addEventListener("load", connect);
  addEventListener("pagehide", function () {{ if (source) source.close(); source = null; }});
  addEventListener("pageshow", function (e) {{ if (e.persisted) connect(); }});
}})();
</script>
"#
    )
}

/// Every word the overlay and the waiting page show a reader.
struct Words {
    /// The overlay's heading.
    failed: String,
    /// Before an error's hint.
    hint: &'static str,
    /// The label of the overlay's close button.
    close: String,
    /// `lang` of the waiting page.
    lang: &'static str,
    waiting_title: String,
    waiting_heading: String,
    waiting_text: String,
}

/// The words for a build with `count` errors, from the message catalogue (`[serve]`)
/// in the project's language. `hint:` stays as on the terminal, like `error:`.
fn words(count: usize, catalog: &Catalog) -> Words {
    let errors = catalog.count("errors", count, &[]);
    Words {
        failed: catalog.text("serve.overlay-title", &[("errors", &errors)]),
        hint: "hint",
        close: catalog.text("serve.close", &[]),
        lang: catalog.language(),
        waiting_title: catalog.text("serve.no-site-title", &[]),
        waiting_heading: catalog.text("serve.no-site-heading", &[]),
        waiting_text: catalog.text("serve.no-site-text", &[]),
    }
}

/// The fixed box listing the errors of a broken build.
pub(super) fn error_overlay(errors: &[Diagnostic], catalog: &Catalog) -> String {
    let words = words(errors.len(), catalog);
    let mut html = format!(
        "<div id=\"buyin-error-overlay\" role=\"alert\" style=\"position:fixed;z-index:2147483647;\
         left:1rem;right:1rem;bottom:1rem;max-height:60vh;overflow:auto;margin:0;\
         padding:1rem 1.25rem;background:#fff4f4;color:#5c0011;border:2px solid #c4001a;\
         border-radius:6px;box-shadow:0 6px 28px rgba(0,0,0,.35);\
         font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\">\
         <button type=\"button\" aria-label=\"{}\" onclick=\"this.parentNode.remove()\" \
         style=\"float:right;border:0;background:none;font-size:1.4em;line-height:1;cursor:pointer;color:inherit\">×</button>\
         <strong>{}</strong><ul style=\"margin:.5rem 0 0;padding-left:1.25rem\">",
        escape(&words.close),
        escape(&words.failed)
    );
    for d in errors {
        let _ = write!(
            html,
            "<li><span class=\"buyin-error\">{}:{}:{}: {}</span>",
            escape(&d.path),
            d.line.max(1),
            d.col.max(1),
            escape(&d.message)
        );
        if let Some(hint) = &d.hint {
            let _ = write!(
                html,
                "<br><span class=\"buyin-hint\" style=\"opacity:.8\">{}: {}</span>",
                escape(words.hint),
                escape(hint)
            );
        }
        html.push_str("</li>");
    }
    html.push_str("</ul></div>\n");
    html
}

/// What is served while no build has succeeded yet (the overlay comes on top).
pub(super) fn waiting_page(catalog: &Catalog) -> String {
    let words = words(0, catalog);
    format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <title>{}</title></head>\n<body style=\"font-family:sans-serif;margin:2rem\">\
         <h1>{}</h1>\n<p>{}</p>\n</body></html>\n",
        words.lang,
        escape(&words.waiting_title),
        escape(&words.waiting_heading),
        escape(&words.waiting_text)
    )
}

/// Most live-reload streams at once; one more is refused with 503 (its page still
/// works, it only has to be reloaded by hand).
pub(super) const MAX_STREAMS: usize = 256;

/// What reaches the broadcaster.
pub(super) enum Note {
    /// A new stream, and the site version at the moment it subscribed.
    Join(TcpStream, u64),
    Signal(Signal),
}

/// Starts the one thread that holds every open page's event stream and tells them all;
/// `open` follows how many there are; a refused stream is told why in the language of
/// `catalog`.
pub(super) fn start_broadcaster(
    open: Arc<AtomicUsize>,
    catalog: Catalog,
) -> io::Result<Sender<Note>> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("buyin-reload".into())
        .spawn(move || broadcast(&rx, &open, &catalog))?;
    Ok(tx)
}

/// Server-sent events: the status line and headers go out without `Content-Length` or
/// chunked encoding, or browsers drop the stream. The sockets do not block: an event
/// is a few bytes, so a stream whose buffer is full belongs to a page that stopped
/// reading, and is dropped rather than allowed to stall the others.
fn broadcast(notes: &Receiver<Note>, open: &AtomicUsize, catalog: &Catalog) {
    let mut streams: Vec<TcpStream> = Vec::new();
    loop {
        match notes.recv_timeout(KEEP_ALIVE) {
            Ok(Note::Join(stream, version)) => {
                if streams.len() >= MAX_STREAMS {
                    let text = format!("{}\n", catalog.text("serve.too-many-streams", &[]));
                    Response::text(StatusCode::SERVICE_UNAVAILABLE, &text).send(stream, false);
                    continue;
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
                     Cache-Control: no-store\r\nConnection: keep-alive\r\n\
                     X-Accel-Buffering: no\r\n\r\nretry: 1000\n\nevent: hello\ndata: {version}\n\n"
                );
                let mut stream = stream;
                if stream.set_nonblocking(true).is_ok() && send(&mut stream, &head) {
                    streams.push(stream);
                }
            }
            Ok(Note::Signal(signal)) => {
                let message = match signal {
                    Signal::Reload(version) => format!("event: reload\ndata: {version}\n\n"),
                    Signal::Css(version) => format!("event: css\ndata: {version}\n\n"),
                };
                streams.retain_mut(|stream| send(stream, &message));
            }
            // A failed write means the tab is gone: forget it.
            Err(RecvTimeoutError::Timeout) => {
                streams.retain_mut(|stream| send(stream, ": keep-alive\n\n"));
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
        open.store(streams.len(), Ordering::Relaxed);
    }
}

/// Writes the whole `text` or reports the stream as gone.
fn send(stream: &mut TcpStream, text: &str) -> bool {
    matches!(stream.write(text.as_bytes()), Ok(n) if n == text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injection_goes_before_the_last_body_end() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = inject_before_body_end(html, "<s>");
        assert_eq!(out, b"<html><body><p>x</p><s></BODY></html>");
        assert_eq!(inject_before_body_end(b"<p>x</p>", "<s>"), b"<p>x</p><s>");
        let head = inject_after_head(b"<html><head lang=x><title>t</title></head><header>", "<b>");
        assert_eq!(
            head,
            b"<html><head lang=x><b><title>t</title></head><header>"
        );
        assert_eq!(inject_after_head(b"<header>x", "<b>"), b"<header>x");
    }

    #[test]
    fn overlay_lists_each_error_with_its_place_and_hint() {
        let errors = vec![
            Diagnostic::error("content/a.md", 3, 7, "unknown field 'titel'")
                .with_hint("did you mean 'title'?"),
            Diagnostic::error("book.toml", 0, 0, "bad <value>"),
        ];
        let html = error_overlay(&errors, &Catalog::english());
        assert!(html.contains("content/a.md:3:7: unknown field &#39;titel&#39;"));
        assert!(html.contains("hint: did you mean &#39;title&#39;?"));
        assert!(html.contains("book.toml:1:1: bad &lt;value&gt;"));
        assert!(html.contains("the build failed with 2 errors"));
        let german = error_overlay(&errors, &Catalog::for_language("de"));
        assert!(german.contains("Build gescheitert (2 Fehler)"), "{german}");
        assert!(waiting_page(&Catalog::for_language("de")).contains("lang=\"de\""));
    }
}
