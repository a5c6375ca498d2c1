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
//! - the watcher ([`watch`]: notify + notify-debouncer-full) batches events for ~20 ms;
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

mod http;
mod reload;
mod session;
mod state;
mod watch;

pub use watch::{Change, Layout, classify, is_temp_file};

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use tiny_http::Server;

use crate::BuildOptions;
use http::{bind, handle};
use session::{Session, Terminal};
use state::State;
use watch::{Message, Watcher};

/// Request workers; a slow client holds one of them at most, SSE streams none.
const WORKERS: usize = 8;
/// How often to nudge tiny_http's connection pool (see `serve`).
const POOL_WAKE: Duration = Duration::from_secs(1);

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
