//! `buyin serve`: the author's preview — build, serve from memory, watch, reload.
//!
//! The last good [`Output`] stays in memory and every request is answered from it. A URL
//! is only ever a key into that map, never joined onto a folder on disk, so no `..`, no
//! encoded separator and no symlink in the build folder can lead outside the site: files
//! copied from `static/` are read from the project path the build recorded, and the
//! build walks `static/` without following symlinks. Requests that try anyway are
//! refused before the lookup.
//!
//! A change travels like this:
//! - the watcher (notify + notify-debouncer-full) batches events for ~20 ms;
//! - [`classify`] turns each changed path into a [`Change`], dropping editor temp files
//!   and the build folder;
//! - the rebuild loop hands the paths to [`Project::update`], which re-renders only what
//!   the change touches, writes the changed files into the build folder and swaps the
//!   served snapshot;
//! - every open page holds a server-sent-events stream on `/__buyin/events` and reloads
//!   (or only swaps its stylesheets) when told. A broken build keeps the last good site
//!   and adds an overlay listing the errors to every served HTML page;
//! - files that show the edited page elsewhere (decks, print page, search index) are
//!   rendered right after the reload signal ([`Project::finish`]); a request for one of
//!   them waits until it is current, so a page never sees a stale one.
//!
//! `serve` is the one interactive command, so it reports progress on the terminal
//! itself (stderr, respecting `quiet`) instead of returning diagnostics to `main.rs`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tiny_http::{Method, Request, Server};

use crate::BuildOptions;
use crate::config::CONFIG_FILE;
use crate::diag::Diagnostic;
use crate::markdown::escape;
use crate::output::{self, Output};
use crate::rebuild::{Project, Update};

/// Where open pages listen for reload signals.
const EVENTS_PATH: &str = "/__buyin/events";
/// Request workers; a slow client holds one of them at most, SSE streams none.
const WORKERS: usize = 8;
/// Proxies and browsers drop idle streams; a comment line now and then keeps them open
/// and tells us when a tab has gone.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Editors write a file in several steps (a temp file, then a rename), all within a
/// millisecond or two; wait this long for quiet before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// Longest wait of a request for a file that is being rendered again.
const SETTLE_WAIT: Duration = Duration::from_secs(60);
/// How often to nudge tiny_http's connection pool (see `serve`).
const POOL_WAKE: Duration = Duration::from_secs(1);
/// How many ports after a taken one to try.
const PORT_ATTEMPTS: u16 = 20;
/// How many changed URLs to name after a rebuild.
const URLS_SHOWN: usize = 8;

/// Settings of the preview server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    pub bind: String,
    pub open: bool,
    pub build: BuildOptions,
    pub quiet: bool,
}

/// Why the server could not start or had to stop.
#[derive(Debug)]
pub struct ServeError {
    message: String,
    usage: bool,
}

impl ServeError {
    fn usage(message: impl Into<String>) -> Self {
        ServeError {
            message: message.into(),
            usage: true,
        }
    }

    fn failed(message: impl Into<String>) -> Self {
        ServeError {
            message: message.into(),
            usage: false,
        }
    }

    /// Whether the user asked for something impossible (exit code 2).
    pub fn is_usage(&self) -> bool {
        self.usage
    }
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

// ---------------------------------------------------------------------------------------
// Change classification
// ---------------------------------------------------------------------------------------

/// What a changed file asks the server to rebuild, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Not part of the site: editor temp files, the build folder, anything else.
    Ignore,
    /// A file below `static/`, copied verbatim.
    Static,
    /// A Markdown file or folder below the content folder.
    Content,
    /// A template, style or script below `themes/`.
    Theme,
    /// `book.toml`: everything may change, even which folders are watched.
    Config,
}

/// The project's folders as the classifier sees them, relative to the project root.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The content folder (`[book] src`).
    pub src: PathBuf,
    /// The build folder (`[build] build-dir` or `--dest`); its own writes are ignored.
    pub build_dir: PathBuf,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            src: PathBuf::from("content"),
            build_dir: PathBuf::from("site"),
        }
    }
}

/// The kind of rebuild a change of `path` (relative to the project root) needs.
pub fn classify(path: &Path, layout: &Layout) -> Change {
    if path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Change::Ignore;
    }
    let Some(name) = path.file_name() else {
        return Change::Ignore;
    };
    if is_temp_file(&name.to_string_lossy()) {
        return Change::Ignore;
    }
    if !layout.build_dir.as_os_str().is_empty() && path.starts_with(&layout.build_dir) {
        return Change::Ignore;
    }
    if path == Path::new(CONFIG_FILE) {
        Change::Config
    } else if path.starts_with(&layout.src) {
        Change::Content
    } else if path.starts_with("static") {
        Change::Static
    } else if path.starts_with("themes") {
        Change::Theme
    } else {
        Change::Ignore
    }
}

/// Whether `name` is a file editors and tools write beside the real one while saving.
pub fn is_temp_file(name: &str) -> bool {
    const SUFFIXES: [&str; 13] = [
        "~",
        ".swp",
        ".swo",
        ".swx",
        ".swn",
        ".tmp",
        ".temp",
        ".bak",
        ".kate-swp",
        ".crdownload",
        ".part",
        "___jb_tmp___",
        "___jb_old___",
    ];
    const PREFIXES: [&str; 3] = [
        // Emacs lock links
        ".#",
        // gedit and other GLib programs
        ".goutputstream-",
        // LibreOffice locks
        ".~lock.",
    ];
    let lower = name.to_ascii_lowercase();
    SUFFIXES.iter().any(|s| lower.ends_with(s))
        || PREFIXES.iter().any(|p| lower.starts_with(p))
        // Emacs auto-save files
        || name.len() > 1 && name.starts_with('#') && name.ends_with('#')
        // Vim checks that it may write a folder by creating this file
        || name == "4913"
        || name == ".DS_Store"
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// What a request URL asks for.
#[derive(Debug, PartialEq)]
enum Target {
    /// A file of the output, by key.
    File(String),
    /// A folder asked without its slash: the browser must resolve relative links
    /// against `…/a/`, so it is sent there.
    Redirect(String),
    NotFound,
    /// The live-reload stream.
    Events,
    /// Malformed or using encoded separators: 400.
    BadRequest,
    /// Tries to step outside the site: 403.
    Forbidden,
}

/// Maps a request URL onto the output, refusing anything that could name a file
/// outside it.
fn resolve(url: &str, output: &Output) -> Target {
    let raw = url.split(['?', '#']).next().unwrap_or_default();
    let query = url[raw.len()..].split('#').next().unwrap_or_default();
    if !raw.starts_with('/') {
        // absolute-form (`http://host/…`), `*` or garbage
        return Target::BadRequest;
    }
    let lower = raw.to_ascii_lowercase();
    // An encoded `/` or `\` would turn into a separator only after decoding.
    if lower.contains("%2f") || lower.contains("%5c") {
        return Target::BadRequest;
    }
    let Some(path) = percent_decode(raw) else {
        return Target::BadRequest;
    };
    if path == EVENTS_PATH {
        return Target::Events;
    }
    if path.contains(['\0', '\\']) {
        return Target::BadRequest;
    }
    let rel = &path[1..];
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if *segment == ".." || *segment == "." || segment.contains(':') {
            return Target::Forbidden;
        }
        // `//x` would be an absolute path to some tools; only a trailing slash is empty.
        if segment.is_empty() && i != last && !rel.is_empty() {
            return Target::Forbidden;
        }
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if output.contains(&key) {
        return Target::File(key);
    }
    if !key.ends_with("index.html") && output.contains(&format!("{rel}/index.html")) {
        return Target::Redirect(format!("{raw}/{query}"));
    }
    Target::NotFound
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let digits = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(digits, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` for an output path.
fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Inserts `snippet` before the last `</body>` (any case), or appends it.
fn inject_before_body_end(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = rfind_ignore_case(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Inserts `snippet` right after the opening `<head …>` tag, if there is one.
fn inject_after_head(html: &[u8], snippet: &str) -> Vec<u8> {
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

fn rfind_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
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
fn reload_script(version: u64) -> String {
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

/// The fixed box listing the errors of a broken build.
fn error_overlay(errors: &[Diagnostic]) -> String {
    let count = errors.len();
    let mut html = String::from(
        "<div id=\"buyin-error-overlay\" role=\"alert\" style=\"position:fixed;z-index:2147483647;\
         left:1rem;right:1rem;bottom:1rem;max-height:60vh;overflow:auto;margin:0;\
         padding:1rem 1.25rem;background:#fff4f4;color:#5c0011;border:2px solid #c4001a;\
         border-radius:6px;box-shadow:0 6px 28px rgba(0,0,0,.35);\
         font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\">\
         <button type=\"button\" aria-label=\"close\" onclick=\"this.parentNode.remove()\" \
         style=\"float:right;border:0;background:none;font-size:1.4em;line-height:1;cursor:pointer;color:inherit\">×</button>",
    );
    let _ = write!(
        html,
        "<strong>buyin: the build failed with {count} error{} — showing the last good version</strong>\
         <ul style=\"margin:.5rem 0 0;padding-left:1.25rem\">",
        if count == 1 { "" } else { "s" }
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
                "<br><span class=\"buyin-hint\" style=\"opacity:.8\">hint: {}</span>",
                escape(hint)
            );
        }
        html.push_str("</li>");
    }
    html.push_str("</ul></div>\n");
    html
}

/// What is served while no build has succeeded yet.
const NO_SITE_YET: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>buyin: build failed</title></head>\n<body style=\"font-family:sans-serif;margin:2rem\">\
<h1>The site could not be built yet</h1>\n<p>Fix the errors listed below; this page \
reloads by itself.</p>\n</body></html>\n";

/// The URL under which an output path is visited.
fn url_of(path: &str) -> String {
    if path == "index.html" {
        "/".into()
    } else if let Some(folder) = path.strip_suffix("/index.html") {
        format!("/{folder}/")
    } else {
        format!("/{path}")
    }
}

// ---------------------------------------------------------------------------------------
// Shared state
// ---------------------------------------------------------------------------------------

/// What the server answers from: swapped whole after every build.
struct Snapshot {
    /// The last good output; `None` until a build succeeds.
    output: Option<Arc<Output>>,
    /// Errors of the latest build; empty when it succeeded.
    errors: Vec<Diagnostic>,
    /// Changes with every swap; pages compare it on (re)connect.
    version: u64,
    /// Output paths still being rendered after an edit; requests for them wait.
    pending: BTreeSet<String>,
}

/// A message to open pages.
#[derive(Debug, Clone, Copy)]
enum Signal {
    Reload(u64),
    Css(u64),
}

/// State shared by the request workers, the SSE streams and the rebuild loop.
struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    clients: Mutex<Vec<Sender<Signal>>>,
    /// Held while the snapshot changes; `settled` wakes requests waiting for a file.
    gate: Mutex<()>,
    settled: Condvar,
}

impl State {
    fn new() -> Self {
        // Distinct across restarts, so pages of an earlier run reload on reconnect.
        let version = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(1);
        State {
            snapshot: RwLock::new(Arc::new(Snapshot {
                output: None,
                errors: Vec::new(),
                version,
                pending: BTreeSet::new(),
            })),
            clients: Mutex::new(Vec::new()),
            gate: Mutex::new(()),
            settled: Condvar::new(),
        }
    }

    fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the snapshot; returns the new version.
    fn swap(
        &self,
        output: Option<Arc<Output>>,
        errors: Vec<Diagnostic>,
        pending: BTreeSet<String>,
    ) -> u64 {
        self.replace(|old| Snapshot {
            output,
            errors,
            version: old.version + 1,
            pending,
        })
    }

    /// Puts the files rendered after a reload signal in place: same version, since
    /// open pages were already told to reload.
    fn settle(&self, output: Arc<Output>) {
        self.replace(|old| Snapshot {
            output: Some(output),
            errors: old.errors.clone(),
            version: old.version,
            pending: BTreeSet::new(),
        });
    }

    fn replace(&self, next: impl FnOnce(&Snapshot) -> Snapshot) -> u64 {
        let _gate = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
        let mut slot = self
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        *slot = Arc::new(next(&slot));
        let version = slot.version;
        drop(slot);
        self.settled.notify_all();
        version
    }

    /// The current snapshot once `key` is no longer being rendered (or after
    /// [`SETTLE_WAIT`], serving what there is).
    fn settled_for(&self, key: &str) -> Arc<Snapshot> {
        let deadline = Instant::now() + SETTLE_WAIT;
        let mut gate = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let snapshot = self.current();
            let left = deadline.saturating_duration_since(Instant::now());
            if !snapshot.pending.contains(key) || left.is_zero() {
                return snapshot;
            }
            gate = self
                .settled
                .wait_timeout(gate, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Sends `signal` to every open stream, forgetting streams that have ended.
    fn broadcast(&self, signal: Signal) -> usize {
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        clients.retain(|client| client.send(signal).is_ok());
        clients.len()
    }

    fn subscribe(&self) -> mpsc::Receiver<Signal> {
        let (tx, rx) = mpsc::channel();
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tx);
        rx
    }
}

// ---------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------

/// Writes a whole response by hand, ending with `Connection: close`.
///
/// tiny_http 0.12 runs each connection on a pool thread for as long as the client keeps
/// it alive, and its pool can lose the wake-up for a connection accepted while another
/// is being handed over; with every pool thread held by an idle keep-alive connection
/// that request then waits forever (seen as a page that never finishes loading). Closing
/// each connection after its response frees the threads at once. tiny_http also refuses
/// a `Connection` header on its own responses, hence the writer.
fn respond(request: Request, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let head_only = *request.method() == Method::Head;
    let reason = match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    let mut writer = request.into_writer();
    // A client that hung up is not our problem.
    let _ = writer
        .write_all(head.as_bytes())
        .and_then(|()| {
            if head_only {
                Ok(())
            } else {
                writer.write_all(body)
            }
        })
        .and_then(|()| writer.flush());
}

fn respond_text(request: Request, status: u16, text: &str) {
    respond(
        request,
        status,
        &[("Content-Type", "text/plain; charset=utf-8")],
        text.as_bytes(),
    );
}

/// Answers one request from the current snapshot.
fn handle(request: Request, state: &Arc<State>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        respond(
            request,
            405,
            &[
                ("Allow", "GET, HEAD"),
                ("Content-Type", "text/plain; charset=utf-8"),
            ],
            b"only GET and HEAD are served\n",
        );
        return;
    }
    let mut snapshot = state.current();
    if let Target::File(key) = resolve(
        request.url(),
        snapshot.output.as_deref().unwrap_or(&Output::default()),
    ) {
        if snapshot.pending.contains(&key) {
            snapshot = state.settled_for(&key);
        }
    }
    let empty = Output::default();
    let output = snapshot.output.as_deref().unwrap_or(&empty);
    match resolve(request.url(), output) {
        Target::Events => {
            let state = Arc::clone(state);
            let spawned = std::thread::Builder::new()
                .name("buyin-sse".into())
                .spawn(move || stream_events(request, &state));
            if let Err(e) = spawned {
                eprintln!("warning: cannot open a live-reload stream ({e})");
            }
        }
        Target::File(key) => match output.read(&key) {
            Some(Ok(bytes)) => serve_file(request, 200, &key, bytes, &snapshot),
            _ => not_found(request, output, &snapshot),
        },
        // The location is the request's own path (its bytes came on the request line,
        // so no line breaks); anything but plain ASCII is refused rather than echoed.
        Target::Redirect(location) if location.bytes().all(|b| b.is_ascii_graphic()) => {
            respond(
                request,
                302,
                &[
                    ("Location", &location),
                    ("Content-Type", "text/plain; charset=utf-8"),
                ],
                format!("see {location}\n").as_bytes(),
            );
        }
        Target::Redirect(_) => respond_text(request, 400, "bad request\n"),
        Target::NotFound => not_found(request, output, &snapshot),
        Target::BadRequest => respond_text(request, 400, "bad request\n"),
        Target::Forbidden => respond_text(request, 403, "forbidden: outside the site\n"),
    }
}

fn not_found(request: Request, output: &Output, snapshot: &Snapshot) {
    if snapshot.output.is_none() {
        return serve_file(
            request,
            503,
            "index.html",
            NO_SITE_YET.as_bytes().to_vec(),
            snapshot,
        );
    }
    match output.read("404.html") {
        Some(Ok(page)) => {
            // 404.html links relative to the site root, but it answers at any depth.
            let page = if rfind_ignore_case(&page, b"<base ").is_some() {
                page
            } else {
                inject_after_head(&page, "<base href=\"/\">")
            };
            serve_file(request, 404, "404.html", page, snapshot);
        }
        _ => respond_text(request, 404, "not found\n"),
    }
}

/// Sends a file; HTML pages get the live-reload script and, while the build is broken,
/// the error overlay. The build folder on disk never sees either.
fn serve_file(request: Request, status: u16, key: &str, bytes: Vec<u8>, snapshot: &Snapshot) {
    let kind = content_type(key);
    let body = if kind.starts_with("text/html") {
        let mut snippet = String::new();
        if !snapshot.errors.is_empty() {
            snippet.push_str(&error_overlay(&snapshot.errors));
        }
        snippet.push_str(&reload_script(snapshot.version));
        inject_before_body_end(&bytes, &snippet)
    } else {
        bytes
    };
    respond(request, status, &[("Content-Type", kind)], &body);
}

/// One open page's event stream, on a thread of its own until the page goes away.
///
/// Server-sent events through tiny_http: the status line and headers are written by
/// hand, without `Content-Length` or chunked encoding, or browsers drop the stream.
fn stream_events(request: Request, state: &State) {
    let signals = state.subscribe();
    // Read after subscribing: a swap in between is then either in `hello` or signalled.
    let version = state.current().version;
    let mut writer = request.into_writer();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
         Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n\
         retry: 1000\n\nevent: hello\ndata: {version}\n\n"
    );
    if send(&mut writer, &head).is_err() {
        return;
    }
    loop {
        let message = match signals.recv_timeout(KEEP_ALIVE) {
            Ok(Signal::Reload(version)) => format!("event: reload\ndata: {version}\n\n"),
            Ok(Signal::Css(version)) => format!("event: css\ndata: {version}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        // A failed write means the tab is gone: returning drops our receiver, and the
        // next broadcast forgets it.
        if send(&mut writer, &message).is_err() {
            return;
        }
    }
}

fn send(writer: &mut dyn Write, text: &str) -> io::Result<()> {
    writer.write_all(text.as_bytes())?;
    writer.flush()
}

/// Binds `host:port`, or the next free port when it is taken (port 0: any free port).
fn bind(host: &str, port: u16) -> Result<TcpListener, ServeError> {
    let ip: IpAddr = (host, 0)
        .to_socket_addrs()
        .map_err(|e| ServeError::usage(format!("cannot listen on '{host}' ({e})")))?
        .map(|a| a.ip())
        .next()
        .ok_or_else(|| ServeError::usage(format!("cannot listen on '{host}' (no address)")))?;
    if port == 0 {
        return TcpListener::bind((ip, 0))
            .map_err(|e| ServeError::failed(format!("cannot listen on {ip} ({e})")));
    }
    let last = port.saturating_add(PORT_ATTEMPTS);
    for candidate in port..=last {
        match TcpListener::bind(SocketAddr::new(ip, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(e) => {
                return Err(ServeError::failed(format!(
                    "cannot listen on {} ({e})",
                    SocketAddr::new(ip, candidate)
                )));
            }
        }
    }
    Err(ServeError::failed(format!(
        "cannot listen on {ip}: ports {port} to {last} are all taken"
    )))
}

// ---------------------------------------------------------------------------------------
// Watching and rebuilding
// ---------------------------------------------------------------------------------------

/// What reaches the rebuild loop.
enum Message {
    /// Paths (relative to the project root) that changed.
    Paths(Vec<PathBuf>),
    /// The watcher lost track (queue overflow, errors): rebuild everything.
    Rescan,
    /// Ctrl-C or SIGTERM.
    Stop,
}

/// The project folders under watch; the root itself is watched flat for `book.toml`
/// and for the folders appearing.
struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    fn start(root: &Path, layout: &Layout, tx: Sender<Message>) -> Result<Self, ServeError> {
        let base = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            let message = match result {
                Ok(events) => {
                    if events.iter().any(|e| e.need_rescan()) {
                        Message::Rescan
                    } else {
                        let paths: Vec<PathBuf> = events
                            .iter()
                            // Reading files (our own build does) is not a change.
                            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                            .flat_map(|e| e.paths.iter())
                            .filter_map(|p| p.strip_prefix(&base).ok().map(Path::to_path_buf))
                            .collect();
                        if paths.is_empty() {
                            return;
                        }
                        Message::Paths(paths)
                    }
                }
                Err(_) => Message::Rescan,
            };
            let _ = tx.send(message);
        };
        let mut debouncer = new_debouncer(DEBOUNCE, Some(DEBOUNCE / 4), handler)
            .map_err(|e| ServeError::failed(format!("cannot watch for changes ({e})")))?;
        // Editors that save by writing a new file and renaming it over the old one
        // replace the inode, so folders are watched, never single files.
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| ServeError::failed(format!("cannot watch '{}' ({e})", root.display())))?;
        let mut watcher = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watcher.refresh(layout, &[]);
        Ok(watcher)
    }

    /// Watches the layout's folders that exist; `changed` paths that are one of those
    /// folders themselves (deleted, recreated, renamed) get a fresh watch.
    fn refresh(&mut self, layout: &Layout, changed: &[PathBuf]) {
        let wanted: BTreeSet<PathBuf> = [
            layout.src.clone(),
            PathBuf::from("static"),
            PathBuf::from("themes"),
        ]
        .into_iter()
        .collect();
        for folder in self.watched.clone() {
            if !wanted.contains(&folder)
                || changed.contains(&folder)
                || !self.root.join(&folder).is_dir()
            {
                let _ = self.debouncer.unwatch(self.root.join(&folder));
                self.watched.remove(&folder);
            }
        }
        for folder in wanted {
            let path = self.root.join(&folder);
            if !self.watched.contains(&folder)
                && path.is_dir()
                && self
                    .debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .is_ok()
            {
                self.watched.insert(folder);
            }
        }
    }
}

/// Messages for the terminal.
struct Terminal {
    quiet: bool,
}

impl Terminal {
    fn info(&self, message: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", message.as_ref());
        }
    }

    fn warn(&self, message: impl AsRef<str>) {
        eprintln!("warning: {}", message.as_ref());
    }
}

/// The rebuild side of the server: keeps the project in memory, the build folder in
/// step with it, and tells open pages.
struct Session<'a> {
    root: &'a Path,
    build: &'a BuildOptions,
    terminal: Terminal,
    layout: Layout,
    /// The last good build; `None` until one succeeds.
    project: Option<Project>,
    /// The folder the last good output was written to.
    written: Option<PathBuf>,
}

impl Session<'_> {
    /// Applies `touched` project paths (relative; empty for the first build), swaps the
    /// snapshot and signals open pages; then renders what the update deferred.
    fn rebuild(&mut self, state: &State, touched: &BTreeSet<PathBuf>, first: bool) {
        let started = Instant::now();
        let touched: Vec<PathBuf> = touched.iter().cloned().collect();
        let result = self.update(&touched);
        let elapsed = started.elapsed().as_millis();
        let before = state.current();
        let (update, dir) = match result {
            Ok(done) => done,
            Err(diags) => return self.report_errors(state, &before, diags.sorted(), first),
        };
        let Some(project) = &self.project else { return };
        let model = project.model();
        if update.full {
            for warning in &model.warnings {
                self.terminal.info(warning.to_string());
            }
        }
        let (pages, decks) = model.counts();
        self.layout = Layout {
            src: model.config.src.clone(),
            build_dir: dir.strip_prefix(self.root).unwrap_or(&dir).to_path_buf(),
        };
        let output = Arc::new(model.output.clone());
        self.write(&output, &dir, &update.changed);
        let was_broken = !before.errors.is_empty();
        let pending: BTreeSet<String> = update.deferred.iter().cloned().collect();
        let version = state.swap(Some(output), Vec::new(), pending);
        if first {
            self.terminal.info(format!(
                "built {pages} pages and {decks} decks in {elapsed} ms"
            ));
            return;
        }
        if update.changed.is_empty() && update.deferred.is_empty() && !was_broken {
            self.terminal
                .info(format!("rebuilt in {elapsed} ms: nothing changed"));
            return;
        }
        let css_only = !was_broken
            && update.deferred.is_empty()
            && update.changed.iter().all(|p| p.ends_with(".css"));
        let signal = if css_only {
            Signal::Css(version)
        } else {
            Signal::Reload(version)
        };
        let pages = state.broadcast(signal);
        let mut report = format!("rebuilt in {elapsed} ms");
        if was_broken {
            report.push_str(", errors fixed");
        }
        if !update.changed.is_empty() {
            let urls: Vec<String> = update
                .changed
                .iter()
                .take(URLS_SHOWN)
                .map(|p| url_of(p))
                .collect();
            let _ = write!(report, "; changed: {}", urls.join(" "));
            if update.changed.len() > URLS_SHOWN {
                let _ = write!(report, " and {} more", update.changed.len() - URLS_SHOWN);
            }
        }
        let _ = write!(
            report,
            "; {} {pages} page{}",
            if css_only { "restyled" } else { "reloaded" },
            if pages == 1 { "" } else { "s" }
        );
        self.terminal.info(report);
        if !update.deferred.is_empty() {
            self.finish(state, &dir, update.deferred.len());
        }
    }

    /// Loads the project the first time (or until it first builds), else updates it;
    /// returns the update and the build folder.
    fn update(
        &mut self,
        touched: &[PathBuf],
    ) -> Result<(Update, PathBuf), crate::diag::Diagnostics> {
        let update = match &mut self.project {
            Some(project) => project.update(touched)?,
            None => {
                let project = Project::load(self.root, self.build)?;
                let changed = project.model().output.files.keys().cloned().collect();
                self.project = Some(project);
                Update {
                    changed,
                    deferred: Vec::new(),
                    full: true,
                }
            }
        };
        let Some(project) = &self.project else {
            return Err(crate::diag::Diagnostics::default());
        };
        let dir =
            crate::build_dir(self.root, &project.model().config, self.build).inspect_err(|_| {
                // The model moved on without the folder: write it whole next time.
                self.written = None;
            })?;
        Ok((update, dir))
    }

    /// Renders the files the last update deferred and puts them in place.
    fn finish(&mut self, state: &State, dir: &Path, count: usize) {
        let Some(project) = &mut self.project else {
            return;
        };
        let started = Instant::now();
        match project.finish() {
            Ok(changed) => {
                let output = Arc::new(project.model().output.clone());
                self.write(&output, dir, &changed);
                state.settle(output);
                self.terminal.info(format!(
                    "  and {count} file{} that show it elsewhere in {} ms",
                    if count == 1 { "" } else { "s" },
                    started.elapsed().as_millis()
                ));
            }
            Err(diags) => {
                let before = state.current();
                self.report_errors(state, &before, diags.sorted(), false);
            }
        }
    }

    /// Shows the errors of a failed update on the terminal and in every open page.
    fn report_errors(
        &self,
        state: &State,
        before: &Snapshot,
        errors: Vec<Diagnostic>,
        first: bool,
    ) {
        for d in &errors {
            eprintln!("{d}");
        }
        let count = errors.len();
        eprintln!(
            "{count} error{}; {}",
            if count == 1 { "" } else { "s" },
            if before.output.is_some() {
                "still serving the last good version"
            } else {
                "serving an error page until the site builds"
            }
        );
        let unchanged = errors == before.errors;
        let version = state.swap(before.output.clone(), errors, BTreeSet::new());
        if !unchanged && !first {
            state.broadcast(Signal::Reload(version));
        }
    }

    /// Brings the build folder in line with `output`: the whole folder the first time
    /// (or when it moved), else only the `changed` paths.
    fn write(&mut self, output: &Output, dir: &Path, changed: &[String]) {
        let result = if self.written.as_deref() == Some(dir) && dir.is_dir() {
            output::write_changed(output, dir, changed)
        } else {
            output::publish(output, dir)
        };
        match result {
            Ok(()) => self.written = Some(dir.to_path_buf()),
            Err(e) => {
                self.written = None;
                self.terminal.warn(format!(
                    "cannot write the build folder '{}' ({e}); serving from memory anyway",
                    dir.display()
                ));
            }
        }
    }
}

fn open_browser(url: &str, terminal: &Terminal) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        Ok(mut child) => {
            let quiet = terminal.quiet;
            std::thread::spawn(move || {
                if let Ok(status) = child.wait() {
                    if !status.success() {
                        Terminal { quiet }
                            .warn(format!("could not open a browser ({program} {status})"));
                    }
                }
            });
        }
        Err(e) => terminal.warn(format!("could not open a browser ({program}: {e})")),
    }
}

/// Builds, serves and watches until interrupted.
pub fn serve(root: &Path, options: &ServeOptions) -> Result<(), ServeError> {
    let terminal = Terminal {
        quiet: options.quiet,
    };
    let listener = bind(&options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| ServeError::failed(format!("cannot listen ({e})")))?;
    if options.port != 0 && address.port() != options.port {
        terminal.info(format!(
            "port {} is taken, using {}",
            options.port,
            address.port()
        ));
    }
    if !address.ip().is_loopback() {
        terminal.warn(format!(
            "listening on {} makes the preview reachable from other machines; \
             use --bind 127.0.0.1 to keep it private",
            address.ip()
        ));
    }
    let server = Arc::new(
        Server::from_listener(listener, None)
            .map_err(|e| ServeError::failed(format!("cannot start the server ({e})")))?,
    );

    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Message::Stop);
    }) {
        terminal.warn(format!("Ctrl-C will not stop cleanly ({e})"));
    }

    let mut session = Session {
        root,
        build: &options.build,
        terminal,
        layout: crate::config::load(root)
            .ok()
            .map(|config| Layout {
                build_dir: options
                    .build
                    .dest
                    .clone()
                    .unwrap_or(config.build_dir.clone()),
                src: config.src,
            })
            .unwrap_or_default(),
        project: None,
        written: None,
    };
    // Watch before the first build, so an edit made during it is not lost.
    let mut watcher = Watcher::start(root, &session.layout, tx)?;
    let state = Arc::new(State::new());
    session.rebuild(&state, &BTreeSet::new(), true);
    watcher.refresh(&session.layout, &[]);

    for i in 0..WORKERS {
        let server = Arc::clone(&server);
        let state = Arc::clone(&state);
        std::thread::Builder::new()
            .name(format!("buyin-http-{i}"))
            .spawn(move || {
                loop {
                    match server.recv() {
                        Ok(request) => handle(request, &state),
                        // Accept errors concern one connection; keep serving.
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
            .map_err(|e| ServeError::failed(format!("cannot start a worker ({e})")))?;
    }

    let shown = if address.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), address.port())
    } else {
        address
    };
    // Event streams hold a tiny_http pool thread for as long as their tab is open, so
    // its lost wake-up (see `respond`) can still strand a connection. Any new connection
    // makes the pool look at its queue again: one every second bounds the wait.
    std::thread::Builder::new()
        .name("buyin-pool-wake".into())
        .spawn(move || {
            loop {
                std::thread::sleep(POOL_WAKE);
                let _ = std::net::TcpStream::connect_timeout(&shown, POOL_WAKE);
            }
        })
        .map_err(|e| ServeError::failed(format!("cannot start a thread ({e})")))?;
    let url = format!("http://{shown}/");
    eprintln!("serving {url} (Ctrl-C to stop)");
    if options.open {
        open_browser(&url, &session.terminal);
    }

    'serve: while let Ok(message) = rx.recv() {
        let mut touched = BTreeSet::new();
        let mut rescan = false;
        let mut next = Some(message);
        // Take whatever else arrived meanwhile: one rebuild for a burst of saves.
        while let Some(message) = next.take().or_else(|| rx.try_recv().ok()) {
            match message {
                Message::Stop => break 'serve,
                Message::Rescan => rescan = true,
                Message::Paths(paths) => touched.extend(paths),
            }
        }
        let relevant: BTreeSet<PathBuf> = touched
            .iter()
            .filter(|p| classify(p, &session.layout) != Change::Ignore)
            .cloned()
            .collect();
        if relevant.is_empty() && !rescan {
            continue;
        }
        if let Some(first) = relevant.first() {
            let more = relevant.len() - 1;
            session.terminal.info(format!(
                "changed: {}{}",
                first.display(),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        let changed_folders: Vec<PathBuf> = touched.iter().cloned().collect();
        if rescan {
            if let Some(project) = &mut session.project {
                project.invalidate();
            }
        }
        session.rebuild(&state, &relevant, false);
        watcher.refresh(&session.layout, &changed_folders);
    }
    session.terminal.info("stopped serving");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout::default()
    }

    #[test]
    fn classify_sorts_paths_by_what_they_rebuild() {
        let l = layout();
        let cases = [
            ("book.toml", Change::Config),
            ("content/index.md", Change::Content),
            ("content/argumente/neu", Change::Content),
            ("content", Change::Content),
            ("static/img/logo.svg", Change::Static),
            ("themes/default/templates/page.html", Change::Theme),
            ("themes/default/static/site.css", Change::Theme),
            ("site/index.html", Change::Ignore),
            ("site", Change::Ignore),
            ("README.md", Change::Ignore),
            ("target/debug/buyin", Change::Ignore),
            ("content/index.md~", Change::Ignore),
            ("content/.index.md.swp", Change::Ignore),
            ("content/.#index.md", Change::Ignore),
            ("content/#index.md#", Change::Ignore),
            ("content/4913", Change::Ignore),
            ("content/index.md.tmp", Change::Ignore),
            ("static/.goutputstream-XYZ12", Change::Ignore),
            ("book.toml.bak", Change::Ignore),
            ("../content/x.md", Change::Ignore),
            ("/etc/passwd", Change::Ignore),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(Path::new(path), &l), expected, "{path}");
        }
    }

    #[test]
    fn classify_follows_the_configured_folders() {
        let l = Layout {
            src: PathBuf::from("texte"),
            build_dir: PathBuf::from("public/out"),
        };
        assert_eq!(classify(Path::new("texte/a.md"), &l), Change::Content);
        assert_eq!(classify(Path::new("content/a.md"), &l), Change::Ignore);
        assert_eq!(classify(Path::new("public/out/a.html"), &l), Change::Ignore);
        assert_eq!(classify(Path::new("public/x"), &l), Change::Ignore);
        // A build folder below static/ must not trigger rebuilds of its own writes.
        let inside = Layout {
            src: PathBuf::from("content"),
            build_dir: PathBuf::from("static/out"),
        };
        assert_eq!(
            classify(Path::new("static/out/x.html"), &inside),
            Change::Ignore
        );
        assert_eq!(classify(Path::new("static/x.png"), &inside), Change::Static);
    }

    #[test]
    fn changes_are_ordered_by_reach() {
        assert!(Change::Config > Change::Theme);
        assert!(Change::Theme > Change::Content);
        assert!(Change::Content > Change::Static);
        assert!(Change::Static > Change::Ignore);
    }

    fn site() -> Output {
        let mut output = Output::default();
        for path in [
            "index.html",
            "a/index.html",
            "a/b.css",
            "404.html",
            "ü/index.html",
        ] {
            output.insert(path, crate::output::Blob::bytes(path.as_bytes()));
        }
        output
    }

    #[test]
    fn resolve_finds_files_and_folder_indexes() {
        let s = site();
        assert_eq!(resolve("/", &s), Target::File("index.html".into()));
        assert_eq!(resolve("/?x=1", &s), Target::File("index.html".into()));
        assert_eq!(resolve("/a/", &s), Target::File("a/index.html".into()));
        assert_eq!(resolve("/a/b.css", &s), Target::File("a/b.css".into()));
        assert_eq!(resolve("/a", &s), Target::Redirect("/a/".into()));
        assert_eq!(resolve("/a?x=1", &s), Target::Redirect("/a/?x=1".into()));
        assert_eq!(resolve("/%C3%BC/", &s), Target::File("ü/index.html".into()));
        assert_eq!(resolve("/nope/", &s), Target::NotFound);
        assert_eq!(
            resolve("/a/index.html", &s),
            Target::File("a/index.html".into())
        );
        assert_eq!(resolve(EVENTS_PATH, &s), Target::Events);
    }

    #[test]
    fn resolve_refuses_to_leave_the_site() {
        let s = site();
        for url in [
            "/../Cargo.toml",
            "/a/../../x",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/x",
            "/./index.html",
            "//etc/passwd",
            "/C:/x",
        ] {
            assert_eq!(resolve(url, &s), Target::Forbidden, "{url}");
        }
        for url in [
            "/..%2fCargo.toml",
            "/..%2FCargo.toml",
            "/..%5cx",
            "/..\\x",
            "/a%00",
            "/%zz",
            "/%c3",
            "http://example.org/",
            "*",
            "",
        ] {
            assert_eq!(resolve(url, &s), Target::BadRequest, "{url}");
        }
    }

    #[test]
    fn percent_decode_rejects_sign_tricks() {
        assert_eq!(percent_decode("/a%20b"), Some("/a b".into()));
        assert_eq!(percent_decode("/%+1"), None);
        assert_eq!(percent_decode("/%4"), None);
    }

    #[test]
    fn content_types_cover_the_site() {
        for (path, expected) in [
            ("a/index.html", "text/html; charset=utf-8"),
            ("x.css", "text/css; charset=utf-8"),
            ("x.js", "text/javascript; charset=utf-8"),
            ("x.svg", "image/svg+xml"),
            ("x.PNG", "image/png"),
            ("x.jpg", "image/jpeg"),
            ("x.jpeg", "image/jpeg"),
            ("x.gif", "image/gif"),
            ("x.webp", "image/webp"),
            ("favicon.ico", "image/x-icon"),
            ("search.json", "application/json"),
            ("sitemap.xml", "application/xml"),
            ("x.pdf", "application/pdf"),
            ("x.woff2", "font/woff2"),
            ("x.txt", "text/plain; charset=utf-8"),
            ("x.md", "text/markdown; charset=utf-8"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

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
        let html = error_overlay(&errors);
        assert!(html.contains("content/a.md:3:7: unknown field &#39;titel&#39;"));
        assert!(html.contains("hint: did you mean &#39;title&#39;?"));
        assert!(html.contains("book.toml:1:1: bad &lt;value&gt;"));
        assert!(html.contains("2 errors"));
    }

    #[test]
    fn urls_of_output_paths() {
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(url_of("a/b/index.html"), "/a/b/");
        assert_eq!(url_of("static/x.css"), "/static/x.css");
    }

    #[test]
    fn temp_files_are_recognised() {
        for name in [
            "x.md~",
            ".x.md.swp",
            ".x.md.swx",
            ".#x.md",
            "#x.md#",
            "4913",
            "x.md.tmp",
            "x.md___jb_tmp___",
            ".~lock.x.odt#",
            ".DS_Store",
        ] {
            assert!(is_temp_file(name), "{name}");
        }
        for name in ["x.md", "index.md", "#", "swp.md", "tmp"] {
            assert!(!is_temp_file(name), "{name}");
        }
    }
}
