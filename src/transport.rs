//! The one place requests are sent.
//!
//! Every request of the crate goes through [`Transport`], which decides whether it may carry
//! the API key (only to the configured API origin, redirects included), follows redirects by
//! hand so that rule holds on every hop, reads JSON answers under a size cap, and turns
//! refusals into typed errors.

use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use ureq::http::{Response, StatusCode};
use ureq::{Agent, Body, Proxy, RequestBuilder, SendBody};

use crate::cancel::{self, Cancel};
use crate::redact::{self, Secret, Secrets};
use crate::response::Answer;
use crate::retry::{self, Deadline, RetryPolicy, Safety};
use crate::url::{self, Origin};
use crate::{Error, Step};

/// How many redirects one request may follow.
const MAX_REDIRECTS: usize = 5;
/// How much of an error body is read to find a message in it.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// The header that carries the key.
const KEY_HEADER: &str = "x-api-key";

/// A method and body for an API request.
#[derive(Clone, Copy)]
pub(crate) enum ApiRequest<'a> {
    Get,
    PostJson(&'a [u8]),
}

#[derive(Clone)]
pub(crate) struct Transport {
    agent: Agent,
    /// The base URL without a trailing slash, such as `https://api.pdf.co/v1`.
    base_url: String,
    api_origin: Origin,
    api_key: Secret,
    json_limit: u64,
    retry: RetryPolicy,
    timeouts: Timeouts,
    /// The proxy the agent goes through, to tell a failure to reach it from others.
    proxy: Option<Proxy>,
    /// The program's cancel flag, looked at before each request and between body chunks.
    cancel: Cancel,
}

/// The agent's per-phase timeouts, kept so that a deadline can shorten them per request,
/// and the slowest transfer a download accepts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    /// Also the bound on a whole JSON answer, headers and body.
    pub(crate) response: Duration,
    /// At least this many bytes ...
    pub(crate) min_bytes: u64,
    /// ... in each window of this long.
    pub(crate) min_bytes_per: Duration,
}

impl Transport {
    pub(crate) fn new(
        agent: Agent,
        base_url: String,
        api_key: Secret,
        json_limit: u64,
        retry: RetryPolicy,
        timeouts: Timeouts,
        proxy: Option<Proxy>,
    ) -> Self {
        let api_origin = Origin::of(&base_url).expect("base URL checked by the builder");
        Transport {
            agent,
            base_url,
            api_origin,
            api_key,
            json_limit,
            retry,
            timeouts,
            proxy,
            cancel: Cancel::default(),
        }
    }

    /// The same transport, stopped by `cancel`.
    pub(crate) fn cancelled_by(mut self, cancel: Cancel) -> Self {
        self.cancel = cancel;
        self
    }

    /// The cancel flag every request, transfer and sleep looks at.
    pub(crate) fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// Shortens a request's timeouts so that it cannot outlive `deadline`, and for a JSON
    /// answer (`answer`) bounds its body by the response timeout as well. Only the phase
    /// timeouts are set: none of them makes ureq spawn a thread.
    fn bounded<B>(
        &self,
        request: RequestBuilder<B>,
        deadline: Deadline,
        answer: Reading,
    ) -> RequestBuilder<B> {
        let left = deadline
            .remaining()
            .map(|left| left.max(Duration::from_millis(1)));
        if left.is_none() && answer == Reading::Streamed {
            return request;
        }
        let cap = |d: Duration| left.map_or(d, |left| d.min(left));
        let recv_body = match answer {
            Reading::Json => Some(cap(self.timeouts.response)),
            Reading::Streamed => left,
        };
        request
            .config()
            .timeout_connect(Some(cap(self.timeouts.connect)))
            .timeout_recv_response(Some(cap(self.timeouts.response)))
            .timeout_send_body(left)
            .timeout_recv_body(recv_body)
            .build()
    }

    /// The error for a request that got no answer: [`Error::Cancelled`] when the program
    /// asked to stop, [`Error::Proxy`] when it failed on the way to the proxy, else
    /// [`Error::Transport`].
    fn request_error(&self, step: Step, target: &str, error: ureq::Error) -> Error {
        if cancel::caused(&self.cancel, &error) {
            return Error::Cancelled { step, job_id: None };
        }
        let proxy = self.proxy.as_ref().filter(|proxy| {
            target
                .parse::<ureq::http::Uri>()
                .is_ok_and(|uri| !proxy.is_no_proxy(&uri))
        });
        let Some(proxy) = proxy else {
            return Error::transport(step, error);
        };
        // The failures of reaching the proxy itself; a name not found is the proxy's own
        // unless the proxy has the client resolve the target (SOCKS4).
        let reaching_proxy = match &error {
            ureq::Error::HostNotFound => !proxy.resolve_target(),
            ureq::Error::ConnectionFailed
            | ureq::Error::ConnectProxyFailed(_)
            | ureq::Error::Timeout(ureq::Timeout::Connect) => true,
            ureq::Error::Io(e) => e.kind() == io::ErrorKind::ConnectionRefused,
            _ => false,
        };
        if !reaching_proxy {
            return Error::transport(step, error);
        }
        Error::Proxy {
            step,
            proxy: format!("{}:{}", proxy.host(), proxy.port()),
            job_id: None,
            source: Box::new(error),
        }
    }

    /// The slowest transfer a download accepts: `(bytes, per)`.
    pub(crate) fn min_throughput(&self) -> (u64, Duration) {
        (self.timeouts.min_bytes, self.timeouts.min_bytes_per)
    }

    /// Fails at once when the program asked to stop or the deadline has already passed:
    /// looked at before every request.
    fn check_start(&self, step: Step, deadline: Deadline) -> Result<(), Error> {
        self.cancel.check(step)?;
        if deadline.is_past() {
            Err(Error::DeadlineExceeded { step, job_id: None })
        } else {
            Ok(())
        }
    }

    /// The URL of an API path: `/pdf/merge` under the base URL; `/../v2/pdf/compress` under
    /// the base URL's parent (the base URL's own version, such as `/v1`, replaced).
    fn api_url(&self, path_and_query: &str) -> String {
        match path_and_query.strip_prefix("/..") {
            Some(rest) => {
                let root = self
                    .base_url
                    .rsplit_once('/')
                    .filter(|(root, _)| root.contains("://") && !root.ends_with('/'))
                    .map_or(self.base_url.as_str(), |(root, _)| root);
                format!("{root}{rest}")
            }
            None => format!("{}{}", self.base_url, path_and_query),
        }
    }

    pub(crate) fn json_limit(&self) -> u64 {
        self.json_limit
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends an API request to `base_url + path_and_query` and reads its JSON answer,
    /// retrying transient failures as far as `safety` and the deadline allow.
    pub(crate) fn api(
        &self,
        step: Step,
        path_and_query: &str,
        request: ApiRequest<'_>,
        safety: Safety,
        deadline: Deadline,
    ) -> Result<Answer, Error> {
        self.api_with(
            step,
            path_and_query,
            request,
            safety,
            deadline,
            &Secrets::default(),
        )
    }

    /// [`Transport::api`], masking `extra` secrets (those of an earlier request, such as
    /// the one that started the job being checked) in the answer's texts, besides the key
    /// and the secrets this request carries itself.
    pub(crate) fn api_with(
        &self,
        step: Step,
        path_and_query: &str,
        request: ApiRequest<'_>,
        safety: Safety,
        deadline: Deadline,
        extra: &Secrets,
    ) -> Result<Answer, Error> {
        let secrets = self.secrets_of(path_and_query, request, extra);
        retry::run(
            &self.retry,
            safety,
            deadline,
            (&self.cancel, step),
            |attempt| self.api_once(step, path_and_query, request, deadline, &secrets, attempt),
        )
    }

    /// What an API request's answer must not repeat: the key, the secrets the request
    /// carries in its query and JSON body, and `extra`.
    pub(crate) fn secrets_of(
        &self,
        path_and_query: &str,
        request: ApiRequest<'_>,
        extra: &Secrets,
    ) -> Secrets {
        let body = match request {
            ApiRequest::Get => None,
            ApiRequest::PostJson(body) => Some(body),
        };
        let mut secrets = Secrets::of_request(path_and_query, body);
        secrets.add(self.api_key.expose());
        secrets.extend(extra);
        secrets
    }

    fn api_once(
        &self,
        step: Step,
        path_and_query: &str,
        request: ApiRequest<'_>,
        deadline: Deadline,
        secrets: &Secrets,
        attempt: u32,
    ) -> Result<Answer, Error> {
        self.check_start(step, deadline)?;
        let mut target = self.api_url(path_and_query);
        let mut request = request;
        for _ in 0..=MAX_REDIRECTS {
            self.cancel.check(step)?;
            // The key goes to the API origin only: checked on every hop, not just the first.
            let key = (Origin::of(&target).as_ref() == Some(&self.api_origin))
                .then(|| self.api_key.expose());
            // The whole answer, headers and body, within the response timeout. (A deadline
            // is kept by ureq's phase timeouts, set in `bounded`: this check, made before
            // each read, would also refuse a body that has already arrived.)
            let until = Instant::now() + self.timeouts.response;
            let started = Instant::now();
            let method = match request {
                ApiRequest::Get => "GET",
                ApiRequest::PostJson(_) => "POST",
            };
            let sent = match request {
                ApiRequest::Get => {
                    let mut r = self.bounded(self.agent.get(&target), deadline, Reading::Json);
                    if let Some(key) = key {
                        r = r.header(KEY_HEADER, key);
                    }
                    r.call()
                }
                ApiRequest::PostJson(body) => {
                    let mut r = self
                        .bounded(self.agent.post(&target), deadline, Reading::Json)
                        .content_type("application/json");
                    if let Some(key) = key {
                        r = r.header(KEY_HEADER, key);
                    }
                    r.send(body)
                }
            };
            self.log_request(method, &target, secrets, &sent, started, attempt, "");
            let response = sent.map_err(|e| self.request_error(step, &target, e))?;
            match self.redirect_target(&target, response) {
                Hop::Follow(next, status) => {
                    if status == StatusCode::SEE_OTHER {
                        request = ApiRequest::Get;
                    }
                    target = next;
                }
                Hop::Done(response) => {
                    if response.status().is_success() {
                        refuse_encoded(step, &response)?;
                    }
                    return self.read_answer(step, response, until, secrets);
                }
            }
        }
        Err(Error::transport(step, ureq::Error::TooManyRedirects))
    }

    /// `PUT`s a body to a storage URL with a `Content-Length` and the given content type.
    /// Never sends the API key. `on_bytes` sees the running count of bytes sent.
    /// Transient failures are retried, sending the whole body again; a reader can be sent
    /// only once, so its upload is not retried. Returns the number of bytes sent.
    pub(crate) fn put(
        &self,
        url: &str,
        content_type: &str,
        body: &mut UploadBody<'_>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<u64, Error> {
        let policy = match body {
            UploadBody::Reader { .. } => RetryPolicy::disabled(),
            _ => self.retry.clone(),
        };
        let stop = (&self.cancel, Step::Upload);
        retry::run(&policy, Safety::Idempotent, deadline, stop, |attempt| {
            self.put_once(url, content_type, body, on_bytes, deadline, attempt)
        })
    }

    fn put_once(
        &self,
        url: &str,
        content_type: &str,
        body: &mut UploadBody<'_>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
        attempt: u32,
    ) -> Result<u64, Error> {
        let step = Step::Upload;
        self.check_start(step, deadline)?;
        let mut target = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            self.cancel.check(step)?;
            let (source, len) = body.open()?;
            // The flag is looked at before each chunk ureq reads from the body.
            let mut reader = Counting {
                inner: self.cancel.reader(source),
                count: 0,
                on_bytes: &mut *on_bytes,
            };
            // A reader body would go out chunked, which S3 refuses; a Content-Length that we
            // set ourselves makes ureq send it length-delimited.
            let started = Instant::now();
            let sent = self
                .bounded(self.agent.put(&target), deadline, Reading::Json)
                .content_type(content_type)
                .header("content-length", len.to_string())
                .send(SendBody::from_reader(&mut reader));
            let note = format!(", {len} bytes");
            self.log_request(
                "PUT",
                &target,
                &Secrets::default(),
                &sent,
                started,
                attempt,
                &note,
            );
            let response = sent.map_err(|e| self.request_error(step, &target, e))?;
            match self.redirect_target(&target, response) {
                Hop::Follow(next, status)
                    if status == StatusCode::TEMPORARY_REDIRECT
                        || status == StatusCode::PERMANENT_REDIRECT =>
                {
                    target = next;
                }
                Hop::Follow(..) => {
                    return Err(Error::Storage {
                        step,
                        status: 400,
                        code: "UnexpectedRedirect".into(),
                        message: "storage redirected an upload to a GET".into(),
                        retry_after: None,
                        job_id: None,
                    });
                }
                Hop::Done(response) => {
                    if !response.status().is_success() {
                        return Err(self.storage_error(step, response, &target));
                    }
                    drain(response, self.timeouts.response);
                    return Ok(len);
                }
            }
        }
        Err(Error::transport(step, ureq::Error::TooManyRedirects))
    }

    /// `GET`s a storage URL, from byte `from` on when it is not zero, and returns the 2xx
    /// response for the caller to stream. Never sends the API key. Not retried here: the
    /// caller knows how much it already has, and says which try (`attempt`, 0-based) this is.
    pub(crate) fn get_storage(
        &self,
        step: Step,
        url: &str,
        from: u64,
        deadline: Deadline,
        attempt: u32,
    ) -> Result<Response<Body>, Error> {
        self.check_start(step, deadline)?;
        let mut target = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            self.cancel.check(step)?;
            let mut request = self.bounded(self.agent.get(&target), deadline, Reading::Streamed);
            if from > 0 {
                request = request.header("range", format!("bytes={from}-"));
            }
            let started = Instant::now();
            let sent = request.call();
            let note = if from > 0 {
                format!(", resuming with Range from byte {from}")
            } else {
                String::new()
            };
            self.log_request(
                "GET",
                &target,
                &Secrets::default(),
                &sent,
                started,
                attempt,
                &note,
            );
            let response = sent.map_err(|e| self.request_error(step, &target, e))?;
            match self.redirect_target(&target, response) {
                Hop::Follow(next, _) => target = next,
                Hop::Done(response) if response.status().is_success() => {
                    // This client asks for no encoding and decodes none: never hand on
                    // compressed bytes as if they were the result.
                    refuse_encoded(step, &response)?;
                    return Ok(response);
                }
                Hop::Done(response) => return Err(self.storage_error(step, response, &target)),
            }
        }
        Err(Error::transport(step, ureq::Error::TooManyRedirects))
    }

    /// Logs one request (one hop of it) on `pdfco::http` at debug level: the method, where it
    /// went (the URL with its userinfo and secret parameters masked, and every secret of
    /// `secrets`, of the URL itself and the key masked wherever it appears), its status or
    /// failure, how long the answer's head took, which try of the request it was (1-based),
    /// and `note`.
    #[allow(clippy::too_many_arguments)]
    fn log_request(
        &self,
        method: &str,
        target: &str,
        secrets: &Secrets,
        sent: &Result<Response<Body>, ureq::Error>,
        started: Instant,
        attempt: u32,
        note: &str,
    ) {
        if !log::log_enabled!(target: "pdfco::http", log::Level::Debug) {
            return;
        }
        let mut secrets = secrets.clone();
        secrets.add_url(target);
        secrets.add(self.api_key.expose());
        let outcome = match sent {
            Ok(response) => format!("status {}", response.status().as_u16()),
            Err(e) => format!("failed: {e}"),
        };
        let line = format!(
            "{method} {} -> {outcome} in {} ms (attempt {}{note})",
            redact::url(target),
            started.elapsed().as_millis(),
            attempt.saturating_add(1),
        );
        log::debug!(target: "pdfco::http", "{}", redact::text(&line, Some(&secrets)));
    }

    fn redirect_target(&self, current: &str, response: Response<Body>) -> Hop {
        let status = response.status();
        if !status.is_redirection() {
            return Hop::Done(response);
        }
        let next = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .and_then(|loc| url::resolve(current, loc))
            .filter(|next| Origin::of(next).is_some());
        match next {
            Some(next) => {
                drain(response, self.timeouts.response);
                Hop::Follow(next, status)
            }
            None => Hop::Done(response),
        }
    }

    /// Reads a JSON answer under the cap, by `until`; a non-2xx status or `"error": true` is a
    /// refusal. `secrets` (the key and the request's) are masked in every text taken from it.
    pub(crate) fn read_answer(
        &self,
        step: Step,
        response: Response<Body>,
        until: Instant,
        secrets: &Secrets,
    ) -> Result<Answer, Error> {
        let status = response.status().as_u16();
        let retry_after = retry_after(&response);
        let success = response.status().is_success();
        let limit = if success {
            self.json_limit
        } else {
            ERROR_BODY_LIMIT
        };
        let body = match read_until(response.into_body(), limit, until) {
            Ok(body) => body,
            Err(ureq::Error::BodyExceedsLimit(n)) if success => {
                return Err(Error::decode(
                    step,
                    format!("answer larger than {n} bytes"),
                    String::new(),
                ));
            }
            Err(ureq::Error::BodyExceedsLimit(_)) => Vec::new(),
            Err(e) => return Err(Error::transport(step, e)),
        };
        if !success {
            let (code, message) = match Answer::parse(step, &body, secrets) {
                Ok(answer) => (answer.error_code().filter(|c| *c >= 400), answer.message()),
                Err(_) => (None, None),
            };
            let message = message.unwrap_or_else(|| {
                let excerpt = redact::excerpt(&body, Some(secrets));
                if excerpt.is_empty() {
                    "no message".to_string()
                } else {
                    excerpt
                }
            });
            return Err(Error::Api {
                step,
                status: code.unwrap_or(status),
                http_status: status,
                message,
                retry_after,
                job_id: None,
            });
        }
        let answer = Answer::parse(step, &body, secrets)?;
        if answer.is_error() {
            return Err(Error::Api {
                step,
                status: answer.error_code().filter(|c| *c >= 400).unwrap_or(status),
                http_status: status,
                message: answer.message().unwrap_or_else(|| "no message".to_string()),
                retry_after,
                job_id: None,
            });
        }
        Ok(answer)
    }

    /// A storage refusal, with S3's `<Code>` and `<Message>` when the body is S3's XML.
    /// The secrets of `url` (the storage URL asked for: its signature, credential, token)
    /// and the key are masked in both.
    pub(crate) fn storage_error(&self, step: Step, response: Response<Body>, url: &str) -> Error {
        let status = response.status().as_u16();
        let retry_after = retry_after(&response);
        let until = Instant::now() + self.timeouts.response;
        let body = read_until(response.into_body(), ERROR_BODY_LIMIT, until).unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        let mut secrets = Secrets::default();
        secrets.add_url(url);
        secrets.add(self.api_key.expose());
        let code = xml_element(&text, "Code").unwrap_or_default();
        let message = match xml_element(&text, "Message") {
            Some(m) => redact::text(&m, Some(&secrets)),
            None => redact::excerpt(&body, Some(&secrets)),
        };
        Error::Storage {
            step,
            status,
            code: redact::text(&code, Some(&secrets)),
            message: if message.is_empty() {
                "no message".to_string()
            } else {
                message
            },
            retry_after,
            job_id: None,
        }
    }
}

/// How a request's answer is read: whole, as a small JSON answer bounded in total, or
/// streamed by the caller, bounded by its throughput.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Json,
    Streamed,
}

/// Reads a whole body of at most `limit` bytes, and fails with a receive-body timeout once
/// `until` has passed, however steadily bytes keep trickling in.
fn read_until(body: Body, limit: u64, until: Instant) -> Result<Vec<u8>, ureq::Error> {
    let mut reader = Until {
        inner: body.into_with_config().limit(limit).reader(),
        until,
    };
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(ureq::Error::from)?;
    Ok(bytes)
}

/// A reader that fails once a point in time has passed.
struct Until<R> {
    inner: R,
    until: Instant,
}

impl<R: Read> Read for Until<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if Instant::now() >= self.until {
            return Err(ureq::Error::Timeout(ureq::Timeout::RecvBody).into_io());
        }
        self.inner.read(buf)
    }
}

/// Refuses an answer with a `Content-Encoding` other than `identity`: the crate asks for
/// none and decodes none, so its bytes are not the document.
fn refuse_encoded(step: Step, response: &Response<Body>) -> Result<(), Error> {
    let encodings = response
        .headers()
        .get_all("content-encoding")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("?").split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("identity"))
        .collect::<Vec<_>>();
    if encodings.is_empty() {
        return Ok(());
    }
    let named = redact::excerpt(encodings.join(", ").as_bytes(), None);
    Err(Error::decode(
        step,
        format!(
            "the answer is sent with Content-Encoding `{named}`, which this client does not decode"
        ),
        String::new(),
    ))
}

/// A response's `Retry-After`, if it has a readable one.
fn retry_after(response: &Response<Body>) -> Option<Duration> {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(retry::parse_retry_after)
}

enum Hop {
    Follow(String, StatusCode),
    Done(Response<Body>),
}

/// Reads a small body to its end, for at most `within`, so the connection goes back to
/// the pool.
fn drain(response: Response<Body>, within: Duration) {
    let _ = read_until(
        response.into_body(),
        ERROR_BODY_LIMIT,
        Instant::now() + within,
    );
}

/// The text of the first `<name>...</name>` element.
fn xml_element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    Some(xml[start..end].trim().to_string())
}

/// A reader that reports how many bytes have passed through it.
/// What an upload sends: a file (opened again for each attempt), bytes in memory, or a
/// reader that can be read only once.
pub(crate) enum UploadBody<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
    Reader {
        /// What errors name it by.
        name: &'a Path,
        reader: Option<&'a mut (dyn Read + Send)>,
        len: u64,
    },
}

impl UploadBody<'_> {
    /// A fresh reader over the whole body, and its length.
    fn open(&mut self) -> Result<(Box<dyn Read + '_>, u64), Error> {
        match self {
            UploadBody::File(path) => {
                let read_error = |source| Error::ReadInput {
                    path: path.to_path_buf(),
                    source,
                };
                // Stat before opening: opening a FIFO for reading blocks until a writer
                // comes, and a device has no length to announce.
                regular_file_len(path).map_err(read_error)?;
                let file = std::fs::File::open(&path).map_err(read_error)?;
                let meta = file.metadata().map_err(read_error)?;
                if !meta.is_file() {
                    return Err(read_error(not_regular()));
                }
                // The length announced is the length now; a file that then shrinks or
                // grows fails this attempt instead of sending something else.
                let len = meta.len();
                Ok((
                    Box::new(ExactLength {
                        inner: file,
                        left: len,
                        what: Exact::File,
                    }),
                    len,
                ))
            }
            UploadBody::Bytes(bytes) => Ok((Box::new(*bytes), bytes.len() as u64)),
            UploadBody::Reader { name, reader, len } => match reader.take() {
                Some(reader) => Ok((
                    Box::new(ExactLength {
                        inner: reader,
                        left: *len,
                        what: Exact::Reader,
                    }),
                    *len,
                )),
                None => Err(Error::ReadInput {
                    path: name.to_path_buf(),
                    source: std::io::Error::other(
                        "storage asked for the body again, and a reader can be sent only once",
                    ),
                }),
            },
        }
    }
}

/// The size of a regular file at `path`, found without opening it; anything else (a FIFO,
/// a device, a socket, a folder) is refused.
pub(crate) fn regular_file_len(path: &Path) -> io::Result<u64> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        Ok(meta.len())
    } else {
        Err(not_regular())
    }
}

fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")
}

/// What an [`ExactLength`] reads from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exact {
    /// A reader given with its length: exactly that many bytes are sent, and any more are
    /// left unread.
    Reader,
    /// A file whose length was taken when it was opened: it must still have exactly that
    /// many bytes when the upload ends.
    File,
}

/// Reads exactly `left` bytes: stops there, and fails if the inner reader ends sooner (or,
/// for a file, has more), so that a wrong length never leaves storage waiting for bytes that
/// do not come, nor the client reading an empty file forever.
struct ExactLength<R> {
    inner: R,
    left: u64,
    what: Exact,
}

impl<R: Read> Read for ExactLength<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        if n == 0 {
            let message = match self.what {
                Exact::Reader => {
                    format!(
                        "the reader ended {} bytes before its stated length",
                        self.left
                    )
                }
                Exact::File => format!(
                    "the file shrank while it was being uploaded ({} bytes missing)",
                    self.left
                ),
            };
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, message));
        }
        self.left -= n as u64;
        // The sender may stop reading at the announced length, so look past it now.
        if self.left == 0 && self.what == Exact::File && self.inner.read(&mut [0u8; 1])? > 0 {
            return Err(io::Error::other(
                "the file grew while it was being uploaded",
            ));
        }
        Ok(n)
    }
}

struct Counting<'a, R> {
    inner: R,
    count: u64,
    on_bytes: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.count += n as u64;
            (self.on_bytes)(self.count);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads everything an [`ExactLength`] over `bytes` gives for `left`.
    fn exact(bytes: &[u8], left: u64, what: Exact) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        ExactLength {
            inner: bytes,
            left,
            what,
        }
        .read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn exact_length_fails_a_short_or_long_file_and_stops_a_reader() {
        assert_eq!(exact(b"12345", 5, Exact::File).unwrap(), b"12345");
        let short = exact(b"123", 5, Exact::File).unwrap_err();
        assert_eq!(short.kind(), io::ErrorKind::UnexpectedEof);
        assert!(short.to_string().contains("shrank"), "{short}");
        let long = exact(b"1234567", 5, Exact::File).unwrap_err();
        assert!(long.to_string().contains("grew"), "{long}");
        assert_eq!(exact(b"1234567", 5, Exact::Reader).unwrap(), b"12345");
        assert!(exact(b"123", 5, Exact::Reader).is_err());
    }

    #[test]
    fn until_fails_once_its_time_has_passed() {
        let mut late = Until {
            inner: &b"abc"[..],
            until: Instant::now(),
        };
        let err = late.read(&mut [0u8; 8]).unwrap_err();
        assert!(matches!(
            ureq::Error::from(err),
            ureq::Error::Timeout(ureq::Timeout::RecvBody)
        ));
    }

    #[test]
    fn s3_error_elements() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code>\
                   <Message>The request signature we calculated does not match</Message></Error>";
        assert_eq!(xml_element(xml, "Code").unwrap(), "SignatureDoesNotMatch");
        assert!(
            xml_element(xml, "Message")
                .unwrap()
                .starts_with("The request")
        );
        assert_eq!(xml_element("<html>", "Code"), None);
        assert_eq!(xml_element("<Code>x", "Code"), None);
    }
}
