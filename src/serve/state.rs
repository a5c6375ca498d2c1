//! What the server answers from: the snapshot of the last good output with the errors
//! of the latest build, swapped whole after every rebuild, and the open pages to signal.

use std::collections::BTreeSet;
use std::io;
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use super::reload::{self, Note};

use crate::catalog::Catalog;
use crate::diag::Diagnostic;
use crate::output::Output;

/// Longest wait of a request for a file that is being rendered again.
const SETTLE_WAIT: Duration = Duration::from_secs(60);

/// What the server answers from: swapped whole after every build.
pub(super) struct Snapshot {
    /// The last good output; `None` until a build succeeds.
    pub(super) output: Option<Arc<Output>>,
    /// Errors of the latest build; empty when it succeeded.
    pub(super) errors: Vec<Diagnostic>,
    /// Changes with every swap; pages compare it on (re)connect.
    pub(super) version: u64,
    /// Output paths still being rendered after an edit; requests for them wait.
    pub(super) pending: BTreeSet<String>,
}

impl Snapshot {
    /// Whether `key` is still being rendered, itself or as one of the files of a job
    /// that renders several (the search shards, the parts of the print view).
    pub(super) fn is_pending(&self, key: &str) -> bool {
        self.pending.contains(key)
            || crate::render::rendered_with(key).is_some_and(|main| self.pending.contains(main))
    }
}

/// A message to open pages.
#[derive(Debug, Clone, Copy)]
pub(super) enum Signal {
    Reload(u64),
    Css(u64),
}

/// State shared by the request workers, the SSE streams and the rebuild loop.
pub(super) struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    /// The broadcaster holding the open pages' event streams.
    streams: Sender<Note>,
    /// How many streams the broadcaster holds.
    open: Arc<AtomicUsize>,
    /// Held while the snapshot changes; `settled` wakes requests waiting for a file.
    gate: Mutex<()>,
    settled: Condvar,
    /// The language of the error overlay and the page shown before a first build.
    pub(super) catalog: Catalog,
}

impl State {
    /// Starts the broadcaster too; pages and refusals speak the language of `catalog`.
    pub(super) fn new(catalog: Catalog) -> io::Result<Self> {
        // Distinct across restarts, so pages of an earlier run reload on reconnect.
        let version = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(1);
        let open = Arc::new(AtomicUsize::new(0));
        Ok(State {
            snapshot: RwLock::new(Arc::new(Snapshot {
                output: None,
                errors: Vec::new(),
                version,
                pending: BTreeSet::new(),
            })),
            streams: reload::start_broadcaster(Arc::clone(&open), catalog)?,
            open,
            gate: Mutex::new(()),
            settled: Condvar::new(),
            catalog,
        })
    }

    pub(super) fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the snapshot; returns the new version.
    pub(super) fn swap(
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
    pub(super) fn settle(&self, output: Arc<Output>) {
        self.replace(|old| Snapshot {
            output: Some(output),
            errors: old.errors.clone(),
            version: old.version,
            pending: BTreeSet::new(),
        });
    }

    pub(super) fn replace(&self, next: impl FnOnce(&Snapshot) -> Snapshot) -> u64 {
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
    pub(super) fn settled_for(&self, key: &str) -> Arc<Snapshot> {
        let deadline = Instant::now() + SETTLE_WAIT;
        let mut gate = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let snapshot = self.current();
            let left = deadline.saturating_duration_since(Instant::now());
            if !snapshot.is_pending(key) || left.is_zero() {
                return snapshot;
            }
            gate = self
                .settled
                .wait_timeout(gate, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Sends `signal` to every open page; returns how many there are.
    pub(super) fn broadcast(&self, signal: Signal) -> usize {
        let _ = self.streams.send(Note::Signal(signal));
        self.open.load(Ordering::Relaxed)
    }

    /// Hands a page's event stream to the broadcaster, with the version it greets the
    /// page with. Under the gate, so that a swap happens either before the greeting
    /// (which then names it) or after (and its signal follows the greeting).
    pub(super) fn subscribe(&self, stream: TcpStream) {
        let _gate = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self
            .streams
            .send(Note::Join(stream, self.current().version));
    }
}
