//! The connection layer of `serve`: accepts connections, waits for their request heads
//! without holding a thread, and answers each complete head on a small, fixed pool of
//! workers.
//!
//! A browser tab, a forgotten `curl` or a port scanner may open many connections and
//! send nothing. One acceptor thread watches all of them with `mio` (epoll or kqueue),
//! collecting the bytes of each head as they arrive; only a complete head reaches a
//! worker, so idle connections cost a file descriptor each and no thread. Past
//! [`MAX_WAITING`] the oldest idle one is closed, and a head that takes longer than
//! [`HEAD_TIMEOUT`] is dropped.
//!
//! The head is checked before anything else is read: a version other than HTTP/1.x
//! gets 505, a method other than GET and HEAD 405, a request that announces a body
//! 413, a `Host` that is not this machine 403 — each answered at once, and the
//! connection closed without reading a body. Every response ends with
//! `Connection: close`: a preview has few requests per page, and a closed connection
//! cannot hold a worker.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http::StatusCode;
use mio::net::{TcpListener as MioListener, TcpStream as MioStream};
use mio::{Events, Interest, Poll, Token};

use super::ServeError;
use super::host::HostPolicy;
use crate::catalog::Catalog;

/// Request workers: a request holds one only while it is answered.
const WORKERS: usize = 8;
/// Complete heads waiting for a free worker; past that a request gets 503.
const QUEUE: usize = 256;
/// Connections waiting for their head; past that the oldest is closed.
const MAX_WAITING: usize = 512;
/// How long a connection may take to send its head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest head accepted (browsers send a few hundred bytes; Chromium caps at 256 KB).
const MAX_HEAD: usize = 64 * 1024;
/// How long to keep reading what a refused client still sends, so that closing the
/// socket with unread data (a TCP reset) does not destroy the answer on its way.
const LINGER: Duration = Duration::from_millis(200);
/// A client that takes longer than this to take a response is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
const LISTENER: Token = Token(usize::MAX);
/// How many ports after a taken one to try.
const PORT_ATTEMPTS: u16 = 20;

/// A request whose head passed every check, with its connection to answer on.
pub(super) struct Request {
    /// `GET` or `HEAD`.
    pub head_only: bool,
    /// The request target as sent (`/a/b?x`).
    pub target: String,
    pub stream: TcpStream,
}

/// An answer; written with `Content-Length` and `Connection: close`.
pub(super) struct Response<'a> {
    pub status: StatusCode,
    pub headers: Vec<(&'static str, String)>,
    pub body: &'a [u8],
}

impl<'a> Response<'a> {
    pub fn new(status: StatusCode, content_type: &str, body: &'a [u8]) -> Self {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
    }

    pub fn text(status: StatusCode, text: &'a str) -> Self {
        Response::new(status, "text/plain; charset=utf-8", text.as_bytes())
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Writes the response and closes the connection.
    pub fn send(&self, stream: TcpStream, head_only: bool) {
        drop(self.write(stream, head_only));
    }

    /// Writes the refusal of a request whose body may still be on its way, and closes.
    fn refuse(&self, stream: TcpStream) {
        if let Some(stream) = self.write(stream, false) {
            linger(stream);
        }
    }

    /// Writes head and body; `None` when the client has gone.
    fn write(&self, mut stream: TcpStream, head_only: bool) -> Option<TcpStream> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or(""),
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let written = stream.write_all(head.as_bytes()).and_then(|()| {
            if head_only {
                Ok(())
            } else {
                stream.write_all(self.body)
            }
        });
        // A client that hung up is not our problem.
        written.ok().map(|()| stream)
    }
}

/// A head that is not answered: its status and the catalogue's key (`[serve]`) of the
/// line that says why, in the preview's language.
struct Refusal {
    status: StatusCode,
    key: &'static str,
}

impl Refusal {
    fn new(status: StatusCode, key: &'static str) -> Self {
        Refusal { status, key }
    }

    /// Sends the refusal and closes, without reading a body that may be on its way.
    fn send(&self, stream: TcpStream, catalog: &Catalog) {
        let text = format!("{}\n", catalog.text(self.key, &[]));
        let mut response = Response::text(self.status, &text);
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response = response.with("Allow", "GET, HEAD");
        }
        response.refuse(stream);
    }
}

/// Closes after a refusal: stop sending, read briefly what the client still sends (the
/// body of a refused upload), then drop, so the client sees the answer, not a reset.
fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(LINGER));
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 8192];
    while Instant::now() < deadline {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// Binds `host:port`, or the next free port when it is taken (port 0: any free port).
pub(super) fn bind(host: &str, port: u16) -> Result<TcpListener, ServeError> {
    let bad_address =
        |error: &str| ServeError::usage("serve-bad-address", &[("host", host), ("error", error)]);
    let ip: IpAddr = (host, 0)
        .to_socket_addrs()
        .map_err(|e| bad_address(&e.to_string()))?
        .map(|a| a.ip())
        .next()
        .ok_or_else(|| {
            let mut error = bad_address("");
            error.diagnostic = error.diagnostic.with_part("error", "serve.no-address");
            error
        })?;
    let cannot_listen = |address: SocketAddr, e: io::Error| {
        ServeError::failed(
            "serve-cannot-listen",
            &[("address", &address.to_string()), ("error", &e.to_string())],
        )
    };
    if port == 0 {
        return TcpListener::bind((ip, 0)).map_err(|e| cannot_listen(SocketAddr::new(ip, 0), e));
    }
    let last = port.saturating_add(PORT_ATTEMPTS);
    for candidate in port..=last {
        match TcpListener::bind(SocketAddr::new(ip, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(cannot_listen(SocketAddr::new(ip, candidate), e)),
        }
    }
    Err(ServeError::failed(
        "serve-ports-taken",
        &[
            ("ip", &ip.to_string()),
            ("port", &port.to_string()),
            ("last", &last.to_string()),
        ],
    ))
}

/// A connection still sending its head.
struct Waiting {
    stream: MioStream,
    head: Vec<u8>,
    since: Instant,
}

/// A complete (or hopeless) head for a worker.
struct Job {
    stream: TcpStream,
    head: Vec<u8>,
}

/// Starts the acceptor and the workers; `handle` answers every request that passes the
/// checks; refusals speak the language of `catalog`. Runs until the process ends.
pub(super) fn start(
    listener: TcpListener,
    hosts: HostPolicy,
    catalog: Catalog,
    handle: impl Fn(Request) + Send + Sync + 'static,
) -> Result<(), ServeError> {
    let cannot = |e: io::Error| ServeError::cannot_start(&e);
    listener.set_nonblocking(true).map_err(cannot)?;
    let mut listener = MioListener::from_std(listener);
    let poll = Poll::new().map_err(cannot)?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .map_err(cannot)?;
    let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE);
    let queue = Arc::new(Mutex::new(queue));
    let handle = Arc::new(handle);
    let hosts = Arc::new(hosts);
    for i in 0..WORKERS {
        let queue = Arc::clone(&queue);
        let handle = Arc::clone(&handle);
        let hosts = Arc::clone(&hosts);
        std::thread::Builder::new()
            .name(format!("buyin-http-{i}"))
            .spawn(move || work(&queue, &hosts, &catalog, &*handle))
            .map_err(cannot)?;
    }
    std::thread::Builder::new()
        .name("buyin-accept".into())
        .spawn(move || accept(poll, listener, jobs))
        .map_err(cannot)?;
    Ok(())
}

fn work(
    queue: &Mutex<Receiver<Job>>,
    hosts: &HostPolicy,
    catalog: &Catalog,
    handle: &dyn Fn(Request),
) {
    loop {
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = job else { return };
        let _ = job.stream.set_nonblocking(false);
        match check(&job.head, hosts) {
            Ok((head_only, target)) => handle(Request {
                head_only,
                target,
                stream: job.stream,
            }),
            Err(refusal) => refusal.send(job.stream, catalog),
        }
    }
}

/// The checks every head passes before it is answered: `(HEAD?, target)` or the
/// refusal to send.
fn check(head: &[u8], hosts: &HostPolicy) -> Result<(bool, String), Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Err(httparse::Error::Version) => {
            return Err(Refusal::new(
                StatusCode::HTTP_VERSION_NOT_SUPPORTED,
                "serve.http-version",
            ));
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Refusal::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "serve.too-many-fields",
            ));
        }
        Ok(httparse::Status::Partial) if head.len() >= MAX_HEAD => {
            return Err(Refusal::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "serve.head-too-large",
            ));
        }
        _ => return Err(Refusal::new(StatusCode::BAD_REQUEST, "serve.bad-request")),
    }
    let method = request.method.unwrap_or_default();
    if method != "GET" && method != "HEAD" {
        return Err(Refusal::new(StatusCode::METHOD_NOT_ALLOWED, "serve.method"));
    }
    let field = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
    };
    let has_body = field("Transfer-Encoding").is_some()
        || field("Content-Length").is_some_and(|length| length != "0");
    if has_body {
        return Err(Refusal::new(StatusCode::PAYLOAD_TOO_LARGE, "serve.body"));
    }
    if let Some(host) = field("Host") {
        if !hosts.allows(&host) {
            return Err(Refusal::new(StatusCode::FORBIDDEN, "serve.unknown-host"));
        }
    }
    Ok((
        method == "HEAD",
        request.path.unwrap_or_default().to_string(),
    ))
}

/// The acceptor: accepts, collects heads without blocking, hands complete ones on.
fn accept(mut poll: Poll, listener: MioListener, jobs: SyncSender<Job>) {
    let mut events = Events::with_capacity(256);
    let mut waiting: HashMap<Token, Waiting> = HashMap::new();
    let mut next = 0usize;
    loop {
        if poll
            .poll(&mut events, Some(Duration::from_secs(1)))
            .is_err()
        {
            // Interrupted by a signal: poll again.
            continue;
        }
        for event in &events {
            if event.token() == LISTENER {
                while let Ok((mut stream, _)) = listener.accept() {
                    if waiting.len() >= MAX_WAITING {
                        evict_oldest(&poll, &mut waiting);
                    }
                    next = next.wrapping_add(1) % (usize::MAX - 1);
                    let token = Token(next);
                    if poll
                        .registry()
                        .register(&mut stream, token, Interest::READABLE)
                        .is_ok()
                    {
                        waiting.insert(
                            token,
                            Waiting {
                                stream,
                                head: Vec::new(),
                                since: Instant::now(),
                            },
                        );
                    }
                }
                continue;
            }
            let token = event.token();
            let Some(entry) = waiting.get_mut(&token) else {
                continue;
            };
            match read_head(entry) {
                HeadState::Waiting => {}
                HeadState::Gone => {
                    if let Some(mut gone) = waiting.remove(&token) {
                        let _ = poll.registry().deregister(&mut gone.stream);
                    }
                }
                HeadState::Ready => {
                    if let Some(mut ready) = waiting.remove(&token) {
                        let _ = poll.registry().deregister(&mut ready.stream);
                        let job = Job {
                            stream: TcpStream::from(ready.stream),
                            head: ready.head,
                        };
                        if let Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) =
                            jobs.try_send(job)
                        {
                            busy(job.stream);
                        }
                    }
                }
            }
        }
        let now = Instant::now();
        waiting.retain(|_, entry| {
            let keep = now.duration_since(entry.since) < HEAD_TIMEOUT;
            if !keep {
                let _ = poll.registry().deregister(&mut entry.stream);
            }
            keep
        });
    }
}

fn evict_oldest(poll: &Poll, waiting: &mut HashMap<Token, Waiting>) {
    let oldest = waiting
        .iter()
        .min_by_key(|(_, entry)| entry.since)
        .map(|(token, _)| *token);
    if let Some(mut entry) = oldest.and_then(|token| waiting.remove(&token)) {
        let _ = poll.registry().deregister(&mut entry.stream);
    }
}

/// Every worker busy and the queue full: say so without waiting for one.
fn busy(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let mut stream = stream;
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n\
          Connection: close\r\n\r\n",
    );
}

enum HeadState {
    Waiting,
    Ready,
    Gone,
}

/// Reads what has arrived; `Ready` once the head is complete or cannot become valid.
fn read_head(entry: &mut Waiting) -> HeadState {
    let mut buffer = [0u8; 4096];
    loop {
        match entry.stream.read(&mut buffer) {
            Ok(0) => return HeadState::Gone,
            Ok(n) => entry.head.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return HeadState::Gone,
        }
        if entry.head.len() >= MAX_HEAD {
            return HeadState::Ready;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    match httparse::Request::new(&mut headers).parse(&entry.head) {
        // An error (such as `HTTP/2.0` on the request line) is answered right away.
        Ok(httparse::Status::Partial) => HeadState::Waiting,
        _ => HeadState::Ready,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> HostPolicy {
        HostPolicy::new("127.0.0.1", &[])
    }

    fn status(head: &str) -> Option<u16> {
        check(head.as_bytes(), &local())
            .err()
            .map(|r| r.status.as_u16())
    }

    #[test]
    fn heads_are_checked_before_any_body_is_read() {
        assert_eq!(status("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), None);
        assert_eq!(status("HEAD /a HTTP/1.0\r\n\r\n"), None);
        assert_eq!(status("GET / HTTP/2.0\r\n\r\n"), Some(505));
        assert_eq!(status("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Some(505));
        assert_eq!(
            status("POST / HTTP/1.1\r\nContent-Length: 107374182400\r\n\r\n"),
            Some(405)
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nContent-Length: 107374182400\r\n\r\n"),
            Some(413)
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Some(413)
        );
        assert_eq!(status("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), None);
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"),
            Some(403)
        );
        assert_eq!(status("garbage\r\n\r\n"), Some(400));
    }
}
