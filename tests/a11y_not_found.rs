//! The 404 page where web servers show it: at the URL of the missing page, at any
//! depth, with the site under a sub-path. A plain static file server written here (it
//! answers a missing path with the site's `404.html`, as nginx's `error_page` or
//! Apache's `ErrorDocument` do) serves the site under `/schulung/`, and Chromium opens
//! `/schulung/gibt/es-nicht/`: the styles apply, the logo loads, every link, script and
//! image resolves, and the links lead to the site root; with and without `base-url`,
//! and in `buyin serve`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Project, eval, served::Served, wait_for};

/// A static file server for `site` under `prefix`, on a free port, for the rest of the
/// test process; returns the port.
fn serve_static(site: PathBuf, prefix: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = site.clone();
            std::thread::spawn(move || answer(stream, &site, prefix));
        }
    });
    port
}

fn answer(mut stream: std::net::TcpStream, site: &Path, prefix: &str) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The rest of the head is not needed; read it so the client sees a clean close.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts
        .next()
        .unwrap_or("/")
        .split(['?', '#'])
        .next()
        .unwrap_or("/");
    let file = target
        .strip_prefix(prefix)
        .filter(|rest| !rest.split('/').any(|s| s == ".."))
        .map(|rest| {
            let path = site.join(rest);
            if path.is_dir() {
                path.join("index.html")
            } else {
                path
            }
        })
        .filter(|path| path.is_file());
    let (status, path) = match file {
        Some(path) => ("200 OK", path),
        None => ("404 Not Found", site.join("404.html")),
    };
    let body = std::fs::read(&path).unwrap_or_default();
    let kind = match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

const SCRIPTS_RAN: &str = "document.readyState === 'complete' && document.getElementById('search-input').getAttribute('aria-controls') === 'search-list'";

/// A project with a logo, built into its `site/`.
fn project(book_extra: &str) -> Project {
    let project = Project::new(&[
        (
            "book.toml",
            &format!(
                "[book]\ntitle = \"Schulung\"\nlanguage = \"de\"\n{book_extra}\n[brand]\nlogo = \"static/logo.svg\"\n"
            ),
        ),
        (
            "content/index.md",
            "---\ntitle: \"Start\"\n---\nWillkommen.\n",
        ),
        (
            "content/argumente/zeit.md",
            "---\ntitle: \"Keine Zeit\"\nkind: argument\nobjection: \"Dafür fehlt die Zeit.\"\nstakeholders: [\"IT\"]\n---\nAntwort.\n",
        ),
        (
            "static/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"32\" height=\"32\"><rect width=\"32\" height=\"32\" fill=\"#0b5cad\"/></svg>",
        ),
    ]);
    project.build();
    project
}

/// Opens `url` (a missing page) and checks what a reader sees: the site's styles, its
/// logo, every reference answering 200, and the home link leading to `root`.
fn assert_not_found_page_works(url: &str, root: &str) {
    let Some(browser) = common::browser() else {
        return;
    };
    let tab = browser.new_tab().expect("new tab");
    tab.set_default_timeout(Duration::from_secs(30));
    tab.navigate_to(url).expect("navigate");
    // The page is ready once its scripts ran (site.js, then search.js, which ties the
    // search field to its result list).
    assert!(
        wait_for(&tab, SCRIPTS_RAN, 30),
        "the 404 page at {url} did not finish loading"
    );
    assert_eq!(
        eval(&tab, "document.querySelector('h1').textContent"),
        "Seite nicht gefunden"
    );
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('.site-header')).display"
        ),
        "flex",
        "the site's styles apply"
    );
    assert!(
        wait_for(
            &tab,
            "(function () { var i = document.querySelector('img.brand-logo'); return !!i && i.complete && i.naturalWidth === 32; })()",
            30
        ),
        "the logo loads"
    );
    assert_eq!(
        eval(&tab, "document.querySelector('a.brand').href"),
        format!("{root}index.html")
    );
    assert_eq!(
        eval(&tab, "document.querySelector('.not-found a').href"),
        format!("{root}index.html")
    );
    // Every reference of the page, fetched as the browser resolves it.
    let statuses = eval(
        &tab,
        r##"(function () {
  var urls = [];
  document.querySelectorAll("a[href], link[href], script[src], img[src]").forEach(function (e) {
    var u = e.href || e.src;
    if (u.indexOf(location.origin + "/") === 0) urls.push(u.split("#")[0]);
  });
  return Promise.all(urls.map(function (u) {
    return fetch(u).then(function (r) { return r.status + " " + u; });
  })).then(function (all) { return JSON.stringify(all); });
})()"##,
    );
    let statuses: Vec<String> =
        serde_json::from_str(statuses.as_str().expect("JSON text")).expect("statuses");
    assert!(statuses.len() >= 6, "too few references: {statuses:?}");
    let broken: Vec<&String> = statuses.iter().filter(|s| !s.starts_with("200 ")).collect();
    assert!(
        broken.is_empty(),
        "broken references of the 404 page: {broken:?}"
    );
    assert!(
        statuses.iter().all(|s| s.contains(root)),
        "a reference outside the site: {statuses:?}"
    );
    // The sidebar leads into the site, not below the missing page.
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#sidebar a[href*=argumente]').href"
        ),
        format!("{root}argumente/index.html")
    );
}

#[test]
fn nested_404_under_a_sub_path_keeps_styles_logo_and_links_without_base_url() {
    let project = project("");
    let port = serve_static(project.site(), "/schulung/");
    assert_not_found_page_works(
        &format!("http://127.0.0.1:{port}/schulung/gibt/es-nicht/"),
        &format!("http://127.0.0.1:{port}/schulung/"),
    );
}

#[test]
fn nested_404_under_a_sub_path_keeps_styles_logo_and_links_with_base_url() {
    let project =
        project("\n[output.html]\nbase-url = \"https://schulung.example.org/schulung/\"\n");
    let page = project.read("site/404.html");
    assert!(
        page.contains("\"/schulung/\""),
        "base-url's path is the first guess"
    );
    let port = serve_static(project.site(), "/schulung/");
    assert_not_found_page_works(
        &format!("http://127.0.0.1:{port}/schulung/gibt/es-nicht/"),
        &format!("http://127.0.0.1:{port}/schulung/"),
    );
}

#[test]
fn nested_404_in_serve_keeps_styles_logo_and_links() {
    let project = project("");
    let served = Served::start(&project);
    assert_not_found_page_works(&served.url("/gibt/es-nicht/"), &served.url("/"));
}

#[test]
fn the_404_page_from_the_file_system_needs_no_server() {
    let project = project("");
    let Some(browser) = common::browser() else {
        return;
    };
    let tab = browser.new_tab().expect("new tab");
    tab.navigate_to(&common::file_url(&project.site().join("404.html")))
        .expect("navigate");
    assert!(wait_for(&tab, SCRIPTS_RAN, 30), "the scripts ran");
    assert!(
        eval(&tab, "document.querySelector('a.brand').href")
            .as_str()
            .is_some_and(|h| h.ends_with("/site/index.html"))
    );
}
