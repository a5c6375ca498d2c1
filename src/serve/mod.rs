//! `buyin serve`: the author's preview — build, serve, watch, reload.
//!
//! Every request is answered from the last good [`crate::output::Output`]. The first
//! build writes into a staging folder that replaces the build folder, as `buyin build`
//! does, and the output keeps of each rendered file only its digest
//! ([`crate::output::Blob::Stored`]): the bytes are read from the build folder, which
//! at 10,000 pages saves about 150 MB over holding them. Files rendered after an edit
//! stay in memory until they are written. A URL is only ever a key into the output's
//! map: only a path the output holds is read, from the folder it wrote it to, so no
//! `..`, no encoded separator and no symlink can lead outside the site; files copied
//! from `static/` are read from the project path the build recorded, and the build
//! walks `static/` without following symlinks. Requests that try anyway are refused
//! before the lookup.
//!
//! A change travels like this:
//! - the watcher ([`watch`]: notify + notify-debouncer-full) batches events for ~8 ms;
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
//! The files: [`server`] accepts connections and checks request heads on a fixed pool
//! of workers ([`host`] decides which `Host` names are answered), [`http`] maps a URL
//! onto the output, [`reload`] holds the live-reload streams and the overlay, [`state`]
//! the snapshot they all read, [`watch`] the watcher and the change classifier, and
//! [`session`] the rebuild loop around [`Project`], which keeps the model in memory
//! ([`project`]) and re-renders what an edit reaches ([`reach`]).
//!
//! Like the rest of the library, `serve` never prints: it says what happens through
//! [`Report`], which the command line implements.

mod host;
mod http;
mod project;
mod reach;
mod reload;
mod server;
mod session;
mod state;
mod watch;

pub use project::{Project, Update};
pub use watch::{Change, Layout, classify, is_temp_file};

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, PoisonError};

use crate::BuildOptions;
use crate::catalog::{Args, Catalog};
use crate::diag::Diagnostic;
use host::HostPolicy;
use session::{Session, Writes};
use state::State;
use watch::{Message, Watcher};

/// Settings of the preview server.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// The first port to try; the next free one is taken when it is busy (0: any).
    pub port: u16,
    /// The address to listen on (`127.0.0.1`, `0.0.0.0`, a name).
    pub bind: String,
    /// Host names to answer besides `localhost`, the `bind` name and IP addresses.
    pub allow_hosts: Vec<String>,
    /// Open the site in the browser once it is served.
    pub open: bool,
    pub build: BuildOptions,
}

/// Where `serve` says what it does. The command line implements it; it is the one
/// place that writes to the terminal.
pub trait Report: Send + Sync {
    /// Progress (a build, a changed file, a rebuild); `--quiet` may hide it.
    fn info(&self, message: &str);
    /// A line always shown: the address served, the summary of a failed build.
    fn notice(&self, message: &str);
    /// Something went wrong but serving goes on.
    fn warn(&self, message: &str);
    /// Diagnostics of a build: errors always shown, warnings as `info`.
    fn diagnostics(&self, diagnostics: &[Diagnostic]);
}

/// Why the server could not start or had to stop: a diagnostic of the message
/// catalogue, which the command line prints in the project's language.
#[derive(Debug)]
pub struct ServeError {
    diagnostic: Diagnostic,
    usage: bool,
}

impl ServeError {
    /// The user asked for something impossible: the catalogue's error `code`.
    fn usage(code: &'static str, args: &Args) -> Self {
        ServeError {
            diagnostic: Diagnostic::coded(code, args),
            usage: true,
        }
    }

    /// The machine refused: the catalogue's error `code`.
    fn failed(code: &'static str, args: &Args) -> Self {
        ServeError {
            diagnostic: Diagnostic::coded(code, args),
            usage: false,
        }
    }

    /// The preview could not start (a thread, the poller): `error` says why.
    fn cannot_start(error: &std::io::Error) -> Self {
        ServeError::failed("serve-cannot-start", &[("error", &error.to_string())])
    }

    /// Whether the user asked for something impossible (exit code 2).
    pub fn is_usage(&self) -> bool {
        self.usage
    }

    /// The problem as a diagnostic (no place in a file), to print in any language.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostic
    }
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

fn open_browser(url: &str, catalog: Catalog, report: Arc<dyn Report>) {
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
    let url = url.to_string();
    let failed = move |error: String| {
        report.warn(&catalog.text(
            "serve.no-browser",
            &[("program", program), ("error", &error), ("url", &url)],
        ));
    };
    match command.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || {
                if let Ok(status) = child.wait() {
                    if !status.success() {
                        failed(status.to_string());
                    }
                }
            });
        }
        Err(e) => failed(e.to_string()),
    }
}

/// What the calling thread waits for.
enum Control {
    /// The first build is done (or failed): start answering.
    Ready,
    /// Asked to stop.
    Stop,
}

/// Builds, serves and watches until a message arrives on `stop` (or its sender is
/// dropped). Returns at once then, even in the middle of a rebuild, except that a
/// file being written into the build folder is finished first.
pub fn serve(
    root: &Path,
    options: &ServeOptions,
    report: Arc<dyn Report>,
    stop: Receiver<()>,
) -> Result<(), ServeError> {
    let catalog = Catalog::for_book(&root.join(crate::config::CONFIG_FILE));
    let listener = server::bind(&options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| ServeError::cannot_start(&e))?;
    if options.port != 0 && address.port() != options.port {
        report.info(&catalog.text(
            "serve.port-taken",
            &[
                ("port", &options.port.to_string()),
                ("other", &address.port().to_string()),
            ],
        ));
    }
    if !address.ip().is_loopback() {
        report.warn(&catalog.text("serve.public", &[("ip", &address.ip().to_string())]));
    }

    let (control_tx, control) = mpsc::channel();
    let stopper = control_tx.clone();
    spawn("buyin-stop", move || {
        let _ = stop.recv();
        let _ = stopper.send(Control::Stop);
    })?;

    let mut session = Session::new(root, options.build.clone(), Arc::clone(&report));
    let writes = Arc::clone(&session.writes);
    let (tx, rx) = mpsc::channel();
    // Watch before the first build, so an edit made during it is not lost.
    let mut watcher = Watcher::start(root, &session.layout, tx)?;
    let state = Arc::new(State::new(catalog).map_err(|e| ServeError::cannot_start(&e))?);
    {
        let state = Arc::clone(&state);
        spawn("buyin-rebuild", move || {
            session.rebuild(&state, &BTreeSet::new(), true);
            watcher.refresh(&session.layout, &[]);
            let _ = control_tx.send(Control::Ready);
            watch_and_rebuild(&mut session, &mut watcher, &rx, &state);
        })?;
    }
    if let Ok(Control::Ready) = control.recv() {
        let handler_state = Arc::clone(&state);
        server::start(
            listener,
            HostPolicy::new(&options.bind, &options.allow_hosts),
            catalog,
            move |request| http::handle(request, &handler_state),
        )?;
        let shown = if address.ip().is_unspecified() {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), address.port())
        } else {
            address
        };
        let url = format!("http://{shown}/");
        report.notice(&catalog.text("serve.serving", &[("url", &url)]));
        if options.open {
            open_browser(&url, catalog, Arc::clone(&report));
        }
        while let Ok(Control::Ready) = control.recv() {}
    }
    // Let a write in progress finish, and no other begin.
    *writes.lock().unwrap_or_else(PoisonError::into_inner) = Writes::Stopped;
    report.info(&catalog.text("serve.stopped", &[]));
    Ok(())
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<(), ServeError> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(work)
        .map(drop)
        .map_err(|e| ServeError::cannot_start(&e))
}

/// The rebuild loop: one rebuild for each burst of changes, until the watcher stops.
fn watch_and_rebuild(
    session: &mut Session,
    watcher: &mut Watcher,
    rx: &Receiver<Message>,
    state: &State,
) {
    while let Ok(message) = rx.recv() {
        let mut touched = BTreeSet::new();
        let mut rescan = false;
        let mut next = Some(message);
        // Take whatever else arrived meanwhile: one rebuild for a burst of saves.
        while let Some(message) = next.take().or_else(|| rx.try_recv().ok()) {
            match message {
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
            let c = &session.catalog;
            let mut line = c.text("serve.changed", &[("path", &first.display().to_string())]);
            if more > 0 {
                line.push_str(&c.text("serve.more", &[("n", &more.to_string())]));
            }
            session.report.info(&line);
        }
        let changed_folders: Vec<PathBuf> = touched.iter().cloned().collect();
        if rescan {
            session.invalidate();
        }
        session.rebuild(state, &relevant, false);
        watcher.refresh(&session.layout, &changed_folders);
    }
}
