//! The HTTP side of `serve`: maps a request URL onto the in-memory output and answers
//! it — files with their type, folders with their slash, `404.html` for the rest — never
//! touching the disk for a URL.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::Arc;

use tiny_http::{Method, Request};

use super::ServeError;
use super::reload::{
    EVENTS_PATH, NO_SITE_YET, error_overlay, inject_after_head, inject_before_body_end,
    reload_script, rfind_ignore_case, stream_events,
};
use super::state::{Snapshot, State};
use crate::output::Output;

/// How many ports after a taken one to try.
const PORT_ATTEMPTS: u16 = 20;

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
///
/// `percent-encoding` keeps a malformed escape as it is; a URL holding one is refused
/// instead, so that `%+1` or a lone `%4` never reaches the lookup.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// The `Content-Type` for an output path; text is always UTF-8, as the build writes it.
fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // mime_guess still says `text/xml`; RFC 7303 recommends `application/xml`, which
    // lets the XML declaration name the encoding.
    if mime.essence_str() == "text/xml" {
        return "application/xml".into();
    }
    if mime.type_() == mime_guess::mime::TEXT || mime.subtype() == "javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// The URL under which an output path is visited.
pub(super) fn url_of(path: &str) -> String {
    if path == "index.html" {
        "/".into()
    } else if let Some(folder) = path.strip_suffix("/index.html") {
        format!("/{folder}/")
    } else {
        format!("/{path}")
    }
}

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
pub(super) fn handle(request: Request, state: &Arc<State>) {
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
    respond(request, status, &[("Content-Type", &kind)], &body);
}

/// Binds `host:port`, or the next free port when it is taken (port 0: any free port).
pub(super) fn bind(host: &str, port: u16) -> Result<TcpListener, ServeError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn urls_of_output_paths() {
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(url_of("a/b/index.html"), "/a/b/");
        assert_eq!(url_of("static/x.css"), "/static/x.css");
    }
}
