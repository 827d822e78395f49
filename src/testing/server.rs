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
    File(PathBuf),
}

/// A reply to send.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: ReplyBody,
    /// Close the connection after this reply.
    pub(crate) close: bool,
}

impl Reply {
    pub(crate) fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: ReplyBody::Bytes(body),
            close: false,
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

/// The listeners and their threads; stopped on drop.
pub(crate) struct Server {
    addrs: Vec<SocketAddr>,
    stop: Arc<AtomicBool>,
    open: Arc<Mutex<HashMap<u64, TcpStream>>>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds one listener per host on `127.0.0.1`, on any free port.
    pub(crate) fn start(handler: Arc<dyn Handler>, hosts: &[Host]) -> io::Result<Server> {
        let stop = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(HashMap::new()));
        let ids = Arc::new(AtomicU64::new(0));
        let mut addrs = Vec::new();
        let mut threads = Vec::new();
        for &host in hosts {
            let listener = TcpListener::bind("127.0.0.1:0")?;
            addrs.push(listener.local_addr()?);
            let (stop, open, ids, handler) =
                (stop.clone(), open.clone(), ids.clone(), handler.clone());
            threads.push(
                std::thread::Builder::new()
                    .name(format!("pdfco-emulator-{host:?}"))
                    .spawn(move || accept_loop(listener, host, handler, stop, open, ids))?,
            );
        }
        Ok(Server {
            addrs,
            stop,
            open,
            threads,
        })
    }

    pub(crate) fn addr(&self, index: usize) -> SocketAddr {
        self.addrs[index]
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for addr in &self.addrs {
            // Wake the accept loop so it sees the flag.
            let _ = TcpStream::connect_timeout(addr, Duration::from_secs(1));
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        for stream in open.values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    host: Host,
    handler: Arc<dyn Handler>,
    stop: Arc<AtomicBool>,
    open: Arc<Mutex<HashMap<u64, TcpStream>>>,
    ids: Arc<AtomicU64>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let id = ids.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(clone) = stream.try_clone() {
            open.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(id, clone);
        }
        let (handler, open) = (handler.clone(), open.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("pdfco-emulator-conn-{id}"))
            .spawn(move || {
                let _ = serve_connection(stream, host, id, &*handler);
                open.lock()
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
        let head_close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
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
        handler.record(RecordedRequest {
            host,
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            headers: request.headers.clone(),
            body_len,
            chunked: request.chunked,
            connection: id,
            status: reply.status,
        });
        let close = reply.close || head_close || !body_ok;
        write_reply(&mut writer, &request, reply, close)?;
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

/// A request body: length-delimited, chunked, or empty; counts what it yields.
struct BodyReader<'a> {
    inner: &'a mut BufReader<TcpStream>,
    mode: Mode,
    count: u64,
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

impl Read for BodyReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.mode {
                Mode::Done | Mode::Broken => return Ok(0),
                Mode::Length(left) => {
                    let want = buf.len().min(left.min(usize::MAX as u64) as usize);
                    let n = self.inner.read(&mut buf[..want])?;
                    if n == 0 {
                        self.mode = Mode::Broken;
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    self.count += n as u64;
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
                    let want = buf.len().min(left.min(usize::MAX as u64) as usize);
                    let n = self.inner.read(&mut buf[..want])?;
                    if n == 0 {
                        self.mode = Mode::Broken;
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    self.count += n as u64;
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
    let (length, file) = match &reply.body {
        ReplyBody::Bytes(b) => (b.len() as u64, None),
        ReplyBody::File(path) => {
            let f = std::fs::File::open(path)?;
            (f.metadata()?.len(), Some(f))
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
    if request.method != "HEAD" {
        match (reply.body, file) {
            (ReplyBody::Bytes(b), _) => out.write_all(&b)?,
            (ReplyBody::File(_), Some(mut f)) => {
                io::copy(&mut f, &mut out)?;
            }
            (ReplyBody::File(_), None) => {}
        }
    }
    out.flush()
}
