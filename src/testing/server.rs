//! A small HTTP/1.1 server on `std::net` for the emulator: keep-alive, `Content-Length` and
//! chunked request bodies, one thread per connection, and a log of every request.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{Host, RecordedRequest};

/// The most a request head may take.
const MAX_HEAD: usize = 64 * 1024;
/// The most of an unread request body drained to keep a connection alive.
const MAX_DRAIN: u64 = 8 * 1024 * 1024;
/// The most of an API request's body kept for the log: PDF.co refuses larger requests.
const MAX_RECORDED_BODY: usize = 4 * 1024 * 1024;

/// A parsed request head.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) host: Host,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) chunked: bool,
    pub(crate) content_length: Option<u64>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a reply's body is.
pub(crate) enum ReplyBody {
    Bytes(Vec<u8>),
    /// `len` bytes of a file from `start` on.
    File {
        path: PathBuf,
        start: u64,
        len: u64,
    },
}

/// How a reply goes out on the wire: normally, or broken in one of the ways a real server
/// or network breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wire {
    Normal,
    /// Reset the connection without answering.
    ResetNow,
    /// Send the head and half the body, then reset.
    ResetMidBody,
    /// Send the head (full length) and half the body, then close.
    ShortBody,
    /// Send the body `bytes` at a time, pausing after each.
    Trickle {
        bytes: usize,
        pause: Duration,
    },
    /// Send half the body, pause, then the rest.
    Stall(Duration),
}

/// A reply to send.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: ReplyBody,
    /// Close the connection after this reply.
    pub(crate) close: bool,
    pub(crate) wire: Wire,
}

impl Reply {
    pub(crate) fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: ReplyBody::Bytes(body),
            close: false,
            wire: Wire::Normal,
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What answers requests.
pub(crate) trait Handler: Send + Sync + 'static {
    fn handle(&self, request: &Request, body: &mut dyn Read) -> Reply;
    fn record(&self, request: RecordedRequest);
}

/// One host's listener and its accept thread.
struct Listener {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// What every accept thread shares.
#[derive(Clone)]
struct Shared {
    handler: Arc<dyn Handler>,
    /// Open connections, by id, with their host, so they can be closed.
    open: Arc<Mutex<HashMap<u64, (Host, TcpStream)>>>,
    ids: Arc<AtomicU64>,
}

impl Shared {
    /// Shuts down the open connections to `host`, or to every host.
    fn close_connections(&self, host: Option<Host>) {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        for (h, stream) in open.values() {
            if host.is_none_or(|host| host == *h) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }
}

/// The listeners and their threads; stopped on drop.
pub(crate) struct Server {
    hosts: Vec<Host>,
    listeners: Mutex<Vec<Listener>>,
    shared: Shared,
}

impl Server {
    /// Binds one listener per host on `127.0.0.1`, on any free port.
    pub(crate) fn start(handler: Arc<dyn Handler>, hosts: &[Host]) -> io::Result<Server> {
        let shared = Shared {
            handler,
            open: Arc::new(Mutex::new(HashMap::new())),
            ids: Arc::new(AtomicU64::new(0)),
        };
        let mut listeners = Vec::new();
        for &host in hosts {
            let listener = TcpListener::bind("127.0.0.1:0")?;
            listeners.push(spawn_listener(listener, host, &shared)?);
        }
        Ok(Server {
            hosts: hosts.to_vec(),
            listeners: Mutex::new(listeners),
            shared,
        })
    }

    pub(crate) fn addr(&self, index: usize) -> SocketAddr {
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)[index]
            .addr
    }

    /// Stops accepting on `host` (closing its open connections), or binds its port again.
    pub(crate) fn set_listening(&self, host: Host, listening: bool) -> io::Result<()> {
        let Some(index) = self.hosts.iter().position(|h| *h == host) else {
            return Ok(());
        };
        let mut listeners = self
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let current = &mut listeners[index];
        match (listening, current.thread.is_some()) {
            (false, true) => {
                stop_listener(current);
                self.shared.close_connections(Some(host));
            }
            (true, false) => {
                let listener = TcpListener::bind(current.addr)?;
                *current = spawn_listener(listener, host, &self.shared)?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn spawn_listener(listener: TcpListener, host: Host, shared: &Shared) -> io::Result<Listener> {
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let (flag, shared) = (stop.clone(), shared.clone());
    let thread = std::thread::Builder::new()
        .name(format!("pdfco-emulator-{host:?}"))
        .spawn(move || accept_loop(listener, host, shared, flag))?;
    Ok(Listener {
        addr,
        stop,
        thread: Some(thread),
    })
}

fn stop_listener(listener: &mut Listener) {
    listener.stop.store(true, Ordering::SeqCst);
    // Wake the accept loop so it sees the flag.
    let _ = TcpStream::connect_timeout(&listener.addr, Duration::from_secs(1));
    if let Some(thread) = listener.thread.take() {
        let _ = thread.join();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let mut listeners = self
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for listener in listeners.iter_mut() {
            stop_listener(listener);
        }
        self.shared.close_connections(None);
    }
}

fn accept_loop(listener: TcpListener, host: Host, shared: Shared, stop: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let id = shared.ids.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(clone) = stream.try_clone() {
            shared
                .open
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(id, (host, clone));
        }
        let shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("pdfco-emulator-conn-{id}"))
            .spawn(move || {
                let _ = serve_connection(stream, host, id, &*shared.handler);
                shared
                    .open
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&id);
            });
        if spawned.is_err() {
            continue;
        }
    }
}

fn serve_connection(
    stream: TcpStream,
    host: Host,
    id: u64,
    handler: &dyn Handler,
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::with_capacity(64 * 1024, stream);
    loop {
        let Some(request) = read_head(&mut reader, host)? else {
            return Ok(());
        };
        let received = std::time::Instant::now();
        let head_close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        if request
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
        {
            // As S3 does: tell the client to go on sending the body (curl waits a second
            // for this before a large upload).
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let mut body = BodyReader::new(&mut reader, &request);
        let reply = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handler.handle(&request, &mut body)
        })) {
            Ok(reply) => reply,
            Err(_) => Reply::new(500, "text/plain", b"emulator handler panicked".to_vec())
                .header("X-Emulator", "panic"),
        };
        // Drain what the handler left unread so the next request starts at its head.
        let drained = io::copy(&mut (&mut body).take(MAX_DRAIN), &mut io::sink());
        let body_ok = drained.is_ok() && body.finished();
        let body_len = body.count;
        let recorded_body = body
            .captured
            .take()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        handler.record(RecordedRequest {
            host,
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            headers: request.headers.clone(),
            body_len,
            body: recorded_body,
            chunked: request.chunked,
            connection: id,
            status: reply.status,
            received,
        });
        let close = reply.close || head_close || !body_ok || reply.wire != Wire::Normal;
        let wire = reply.wire;
        let written = write_reply(&mut writer, &request, reply, close);
        if matches!(wire, Wire::ResetNow | Wire::ResetMidBody) {
            // SO_LINGER 0: closing sends RST instead of FIN. The reset happens when the last
            // handle to the socket goes, as this function returns.
            let _ = socket2::SockRef::from(&writer).set_linger(Some(Duration::ZERO));
            return Ok(());
        }
        written?;
        if close {
            let _ = writer.shutdown(Shutdown::Both);
            return Ok(());
        }
    }
}

fn read_head(reader: &mut BufReader<TcpStream>, host: Host) -> io::Result<Option<Request>> {
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let mut line = String::new();
        let n = reader
            .by_ref()
            .take((MAX_HEAD - total) as u64 + 1)
            .read_line(&mut line)?;
        if n == 0 {
            return Ok(None);
        }
        total += n;
        if total > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            if lines.is_empty() {
                continue; // stray CRLF between requests
            }
            break;
        }
        lines.push(line);
    }
    let mut parts = lines[0].split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(String, String)> = lines[1..]
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let chunked =
        find("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let content_length = find("content-length").and_then(|v| v.parse().ok());
    Ok(Some(Request {
        host,
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        chunked,
        content_length,
        headers,
    }))
}

/// A request body: length-delimited, chunked, or empty; counts what it yields, and keeps
/// the first [`MAX_RECORDED_BODY`] bytes of API requests for the log (storage bodies are
/// files, only counted).
struct BodyReader<'a> {
    inner: &'a mut BufReader<TcpStream>,
    mode: Mode,
    count: u64,
    captured: Option<Vec<u8>>,
}

enum Mode {
    Length(u64),
    /// Bytes left in the current chunk; `None` before the first size line.
    Chunked(Option<u64>),
    Done,
    Broken,
}

impl<'a> BodyReader<'a> {
    fn new(inner: &'a mut BufReader<TcpStream>, request: &Request) -> Self {
        let mode = if request.chunked {
            Mode::Chunked(None)
        } else {
            match request.content_length {
                Some(0) | None => Mode::Done,
                Some(n) => Mode::Length(n),
            }
        };
        BodyReader {
            inner,
            mode,
            count: 0,
            captured: (request.host == Host::Api).then(Vec::new),
        }
    }

    fn finished(&self) -> bool {
        matches!(self.mode, Mode::Done)
    }

    fn chunk_size(&mut self) -> io::Result<u64> {
        let mut line = String::new();
        self.inner.by_ref().take(1024).read_line(&mut line)?;
        let size = line.trim().split(';').next().unwrap_or("");
        u64::from_str_radix(size, 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))
    }
}

impl BodyReader<'_> {
    /// Reads at most `left` bytes of body; the connection ending first breaks the body.
    fn read_up_to(&mut self, buf: &mut [u8], left: u64) -> io::Result<usize> {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            self.mode = Mode::Broken;
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.count += n as u64;
        if let Some(captured) = &mut self.captured {
            let room = MAX_RECORDED_BODY.saturating_sub(captured.len());
            captured.extend_from_slice(&buf[..n.min(room)]);
        }
        Ok(n)
    }
}

impl Read for BodyReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.mode {
                Mode::Done | Mode::Broken => return Ok(0),
                Mode::Length(left) => {
                    let n = self.read_up_to(buf, left)?;
                    self.mode = if left == n as u64 {
                        Mode::Done
                    } else {
                        Mode::Length(left - n as u64)
                    };
                    return Ok(n);
                }
                Mode::Chunked(None) | Mode::Chunked(Some(0)) => {
                    if matches!(self.mode, Mode::Chunked(Some(0))) {
                        // End of a chunk's data: its CRLF.
                        let mut crlf = String::new();
                        self.inner.by_ref().take(2).read_line(&mut crlf)?;
                    }
                    match self.chunk_size() {
                        Ok(0) => {
                            // Trailers up to the empty line.
                            loop {
                                let mut line = String::new();
                                if self.inner.by_ref().take(8192).read_line(&mut line)? == 0
                                    || line.trim().is_empty()
                                {
                                    break;
                                }
                            }
                            self.mode = Mode::Done;
                        }
                        Ok(n) => self.mode = Mode::Chunked(Some(n)),
                        Err(e) => {
                            self.mode = Mode::Broken;
                            return Err(e);
                        }
                    }
                }
                Mode::Chunked(Some(left)) => {
                    let n = self.read_up_to(buf, left)?;
                    self.mode = Mode::Chunked(Some(left - n as u64));
                    return Ok(n);
                }
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_reply(
    out: &mut TcpStream,
    request: &Request,
    reply: Reply,
    close: bool,
) -> io::Result<()> {
    if reply.wire == Wire::ResetNow {
        return Ok(());
    }
    let (length, mut body): (u64, Box<dyn Read>) = match reply.body {
        ReplyBody::Bytes(b) => (b.len() as u64, Box::new(io::Cursor::new(b))),
        ReplyBody::File { path, start, len } => {
            let mut f = std::fs::File::open(path)?;
            io::Seek::seek(&mut f, io::SeekFrom::Start(start))?;
            (len, Box::new(f.take(len)))
        }
    };
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {length}\r\n"));
    head.push_str(if close {
        "Connection: close\r\n"
    } else {
        "Connection: keep-alive\r\n"
    });
    head.push_str("Server: pdfco-emulator\r\n\r\n");
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    out.write_all(head.as_bytes())?;
    if request.method == "HEAD" {
        return out.flush();
    }
    let half = length / 2;
    match reply.wire {
        Wire::Normal | Wire::ResetNow => {
            io::copy(&mut body, &mut out)?;
        }
        Wire::ResetMidBody | Wire::ShortBody => {
            io::copy(&mut body.take(half), &mut out)?;
        }
        Wire::Stall(pause) => {
            io::copy(&mut (&mut body).take(half), &mut out)?;
            out.flush()?;
            std::thread::sleep(pause);
            io::copy(&mut body, &mut out)?;
        }
        Wire::Trickle { bytes, pause } => {
            let mut piece = vec![0u8; bytes];
            loop {
                let n = body.read(&mut piece)?;
                if n == 0 {
                    break;
                }
                out.write_all(&piece[..n])?;
                out.flush()?;
                std::thread::sleep(pause);
            }
        }
    }
    out.flush()
}
