//! The HTTP side of `serve`: maps a request URL onto the output and answers it — files
//! with their type, folders with their slash, `404.html` for the rest — never joining a
//! URL onto a folder: only a path the output holds is read.

use std::net::TcpStream;

use http::StatusCode;

use super::reload::{
    EVENTS_PATH, error_overlay, inject_after_head, inject_before_body_end, reload_script,
    rfind_ignore_case, waiting_page,
};
use super::server::{Request, Response};
use super::state::{Snapshot, State};
use crate::catalog::Catalog;
use crate::output::Output;

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

/// Answers one request from the current snapshot.
pub(super) fn handle(request: Request, state: &State) {
    let Request {
        head_only,
        target,
        stream,
    } = request;
    let mut snapshot = state.current();
    if let Target::File(key) = resolve(
        &target,
        snapshot.output.as_deref().unwrap_or(&Output::default()),
    ) {
        if snapshot.is_pending(&key) {
            snapshot = state.settled_for(&key);
        }
    }
    let empty = Output::default();
    let output = snapshot.output.as_deref().unwrap_or(&empty);
    let page = match resolve(&target, output) {
        Target::Events => return state.subscribe(stream),
        Target::File(key) => match output.read(&key) {
            Some(Ok(bytes)) => serve_file(StatusCode::OK, &key, bytes, &snapshot, &state.catalog),
            _ => not_found(output, &snapshot, &state.catalog),
        },
        // The location is the request's own path (its bytes came on the request line,
        // so no line breaks); anything but plain ASCII is refused rather than echoed.
        Target::Redirect(location) if location.bytes().all(|b| b.is_ascii_graphic()) => {
            let body = format!("see {location}\n");
            return Response::text(StatusCode::FOUND, &body)
                .with("Location", location.clone())
                .send(stream, head_only);
        }
        Target::Redirect(_) | Target::BadRequest => {
            Page::line(StatusCode::BAD_REQUEST, &state.catalog, "serve.bad-request")
        }
        Target::NotFound => not_found(output, &snapshot, &state.catalog),
        Target::Forbidden => {
            Page::line(StatusCode::FORBIDDEN, &state.catalog, "serve.outside-site")
        }
    };
    page.send(stream, head_only);
}

/// An answer with a body of its own.
struct Page {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Page {
    fn text(status: StatusCode, text: &str) -> Self {
        Page {
            status,
            content_type: "text/plain; charset=utf-8".into(),
            body: text.as_bytes().to_vec(),
        }
    }

    /// A line of text: the catalogue's `key` in the preview's language.
    fn line(status: StatusCode, catalog: &Catalog, key: &str) -> Self {
        Page::text(status, &format!("{}\n", catalog.text(key, &[])))
    }

    fn send(self, stream: TcpStream, head_only: bool) {
        Response::new(self.status, &self.content_type, &self.body).send(stream, head_only);
    }
}

fn not_found(output: &Output, snapshot: &Snapshot, catalog: &Catalog) -> Page {
    if snapshot.output.is_none() {
        return serve_file(
            StatusCode::SERVICE_UNAVAILABLE,
            "index.html",
            waiting_page(catalog).into_bytes(),
            snapshot,
            catalog,
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
            serve_file(StatusCode::NOT_FOUND, "404.html", page, snapshot, catalog)
        }
        _ => Page::line(StatusCode::NOT_FOUND, catalog, "serve.not-found"),
    }
}

/// A file as served; HTML pages get the live-reload script and, while the build is
/// broken, the error overlay. The build folder on disk never sees either.
fn serve_file(
    status: StatusCode,
    key: &str,
    bytes: Vec<u8>,
    snapshot: &Snapshot,
    catalog: &Catalog,
) -> Page {
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") {
        let mut snippet = String::new();
        if !snapshot.errors.is_empty() {
            snippet.push_str(&error_overlay(&snapshot.errors, catalog));
        }
        snippet.push_str(&reload_script(snapshot.version));
        inject_before_body_end(&bytes, &snippet)
    } else {
        bytes
    };
    Page {
        status,
        content_type,
        body,
    }
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
