//! [`Client`] and its builder; every default lives in [`ClientBuilder::new`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::cancel::Cancel;
use crate::redact::{self, Secret};
use crate::retry::{Deadline, RetryPolicy};
use crate::transport::{Timeouts, Transport};
use crate::url::Origin;
use crate::{Error, PollSchedule};
use ureq::Proxy;

/// PDF.co's API, version 1.
///
/// # Example
///
/// ```
/// let client = pdfco::Client::builder("my-api-key").build()?;
/// assert_eq!(client.base_url(), pdfco::DEFAULT_BASE_URL);
/// # Ok::<(), pdfco::Error>(())
/// ```
pub const DEFAULT_BASE_URL: &str = "https://api.pdf.co/v1";

/// The environment variable [`Client::from_env`] reads the API key from.
///
/// # Example
///
/// ```
/// if std::env::var(pdfco::API_KEY_VAR).is_err() {
///     eprintln!("set {} to your PDF.co API key", pdfco::API_KEY_VAR);
/// }
/// ```
pub const API_KEY_VAR: &str = "PDFCO_API_KEY";

/// The environment variable [`Client::from_env`] reads an optional base URL from.
///
/// # Example
///
/// ```
/// // PDFCO_BASE_URL=http://127.0.0.1:8080/v1 points every example at an emulator.
/// assert_eq!(pdfco::BASE_URL_VAR, "PDFCO_BASE_URL");
/// ```
pub const BASE_URL_VAR: &str = "PDFCO_BASE_URL";

/// A PDF.co client: the API key, the settings, and one connection pool.
///
/// Cheap to clone; clones share the pool, so one TCP connection per host is reused across
/// the steps of a workflow. The client never spawns a thread.
///
/// # Example
///
/// ```no_run
/// use std::time::Duration;
///
/// let client = pdfco::Client::builder("my-api-key")
///     .poll_interval(Duration::from_secs(5))
///     .job_timeout(Duration::from_secs(600))
///     .build()?;
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) transport: Transport,
    pub(crate) poll: PollSchedule,
    pub(crate) job_timeout: Duration,
    pub(crate) force_check_after: Duration,
    pub(crate) workflow_timeout: Option<Duration>,
    pub(crate) requests_per_second: f64,
}

/// Builds a [`Client`]. Created by [`Client::builder`]; setters consume and return it.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use pdfco::{Client, PollSchedule, RetryPolicy};
///
/// let client = Client::builder("my-api-key")
///     .base_url("https://api.pdf.co/v1")
///     .timeout_connect(Duration::from_secs(10))
///     .timeout_response(Duration::from_secs(60))
///     .timeout_stall(Duration::from_secs(30))
///     .poll_schedule(PollSchedule::new().first_check(Duration::from_secs(2)).max_interval(Duration::from_secs(30)))
///     .job_timeout(Duration::from_secs(20 * 60))
///     .force_check_after(Duration::from_secs(120))
///     .workflow_timeout(Duration::from_secs(30 * 60))
///     .requests_per_second(5.0)
///     .retry(RetryPolicy::new().max_retries(3).max_backoff(Duration::from_secs(10)))
///     .user_agent("my-tool/1.0")
///     .json_limit(64 * 1024 * 1024)
///     .build()?;
/// assert_eq!(client.base_url(), "https://api.pdf.co/v1");
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Secret,
    base_url: String,
    allow_insecure_http: bool,
    timeout_connect: Duration,
    timeout_response: Duration,
    timeout_stall: Duration,
    min_throughput: (u64, Duration),
    poll: PollSchedule,
    job_timeout: Duration,
    force_check_after: Duration,
    workflow_timeout: Option<Duration>,
    requests_per_second: f64,
    retry: RetryPolicy,
    user_agent: String,
    json_limit: u64,
    cancel_flag: Option<Arc<AtomicBool>>,
}

impl Client {
    /// A builder that starts from the defaults. The key is the only required input.
    ///
    /// # Example
    ///
    /// ```
    /// let client = pdfco::Client::builder("my-api-key")
    ///     .base_url("http://127.0.0.1:8080/v1") // loopback may be plain http
    ///     .build()?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8080/v1");
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn builder(api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(api_key)
    }

    /// A client configured from the environment: the key from `PDFCO_API_KEY`, and the base
    /// URL from `PDFCO_BASE_URL` when that is set and not empty.
    ///
    /// # Errors
    ///
    /// [`Error::MissingApiKey`] if `PDFCO_API_KEY` is unset or empty;
    /// [`Error::InvalidBaseUrl`] if `PDFCO_BASE_URL` is not usable.
    ///
    /// # Example
    ///
    /// ```
    /// match pdfco::Client::from_env() {
    ///     Ok(client) => println!("using {}", client.base_url()),
    ///     Err(pdfco::Error::MissingApiKey) => eprintln!("set PDFCO_API_KEY"),
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// ```
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL requests go to, such as `https://api.pdf.co/v1`.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url()
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The deadline of a one-call workflow starting now.
    pub(crate) fn workflow_deadline(&self) -> Deadline {
        self.inner
            .workflow_timeout
            .map_or(Deadline::none(), Deadline::after)
    }
}

/// [`ClientBuilder::from_env`] over any source of variables.
fn builder_from_vars(var: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
    let key = var(API_KEY_VAR).unwrap_or_default();
    if key.trim().is_empty() {
        return Err(Error::MissingApiKey);
    }
    let mut builder = Client::builder(key);
    if let Some(base) = var(BASE_URL_VAR).filter(|b| !b.trim().is_empty()) {
        builder = builder.base_url(base);
    }
    Ok(builder)
}

/// The variables a proxy is read from, in the order ureq reads them.
const PROXY_VARS: [&str; 6] = [
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
];

/// The proxy the environment names, with its `NO_PROXY` exceptions: the first proxy
/// variable that is set and not empty, which must then parse.
fn proxy_from_vars(var: &impl Fn(&str) -> Option<String>) -> Result<Option<Proxy>, Error> {
    let Some((variable, value)) = PROXY_VARS.iter().find_map(|name| {
        var(name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*name, v))
    }) else {
        return Ok(None);
    };
    let invalid = |_| Error::InvalidProxy { variable };
    let parsed = Proxy::new(value.trim()).map_err(invalid)?;
    // Built again, so that the exceptions go with it.
    let mut builder = Proxy::builder(parsed.protocol())
        .host(parsed.host())
        .port(parsed.port());
    if let Some(user) = parsed.username() {
        builder = builder.username(user);
    }
    if let Some(password) = parsed.password() {
        builder = builder.password(password);
    }
    let exceptions = var("NO_PROXY")
        .or_else(|| var("no_proxy"))
        .unwrap_or_default();
    for host in exceptions
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        builder = builder.no_proxy(host);
    }
    builder.build().map(Some).map_err(invalid)
}

impl ClientBuilder {
    /// A builder configured from the environment as [`Client::from_env`] does, for further
    /// settings.
    ///
    /// # Errors
    ///
    /// [`Error::MissingApiKey`] if `PDFCO_API_KEY` is unset or empty.
    ///
    /// # Example
    ///
    /// ```no_run
    /// let client = pdfco::ClientBuilder::from_env()?
    ///     .workflow_timeout(std::time::Duration::from_secs(600))
    ///     .build()?;
    /// # drop(client);
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn from_env() -> Result<ClientBuilder, Error> {
        builder_from_vars(|name| std::env::var(name).ok())
    }

    /// A builder with every default; see each setter for its value.
    pub fn new(api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            api_key: Secret::new(api_key.into().trim()),
            base_url: DEFAULT_BASE_URL.to_string(),
            allow_insecure_http: false,
            timeout_connect: Duration::from_secs(30),
            timeout_response: Duration::from_secs(120),
            timeout_stall: Duration::from_secs(60),
            min_throughput: (1024, Duration::from_secs(60)),
            poll: PollSchedule::new(),
            job_timeout: Duration::from_secs(45 * 60),
            force_check_after: Duration::from_secs(5 * 60),
            workflow_timeout: None,
            requests_per_second: 2.0,
            retry: RetryPolicy::new(),
            user_agent: concat!("pdfco/", env!("CARGO_PKG_VERSION")).to_string(),
            json_limit: 16 * 1024 * 1024,
            cancel_flag: None,
        }
    }

    /// The API's base URL, with the version: PDF.co's, or an emulator's such as
    /// `http://127.0.0.1:8080/v1`. A trailing slash is ignored.
    ///
    /// Defaults to `https://api.pdf.co/v1`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim().trim_end_matches('/').to_string();
        self
    }

    /// Allows a plain `http` base URL to a host that is not loopback. The key would then
    /// travel unencrypted, so this is refused unless asked for. Loopback is always allowed.
    ///
    /// Defaults to `false`.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// How long to wait for a TCP connection (and TLS handshake).
    ///
    /// Defaults to 30 seconds.
    pub fn timeout_connect(mut self, timeout: Duration) -> Self {
        self.timeout_connect = timeout;
        self
    }

    /// How long to wait for the headers of an answer once the request is sent. Synchronous
    /// conversions may take PDF.co up to about 30 seconds. A JSON answer from PDF.co must
    /// also arrive whole, headers and body, within this time, however steadily its bytes
    /// trickle in.
    ///
    /// Defaults to 120 seconds.
    pub fn timeout_response(mut self, timeout: Duration) -> Self {
        self.timeout_response = timeout;
        self
    }

    /// How long a connection may make no progress, reading or writing, before the transfer
    /// fails. This bounds a stalled upload or download without limiting a large one that
    /// keeps moving.
    ///
    /// Defaults to 60 seconds.
    pub fn timeout_stall(mut self, timeout: Duration) -> Self {
        self.timeout_stall = timeout;
        self
    }

    /// The slowest result download accepted: at least `bytes` in every `per` (the first
    /// window starts when the body does). A download that falls below it, say a server
    /// that trickles a byte every few seconds and so never stalls, fails with a timeout
    /// ([`Error::is_timeout`]) and is resumed like a stalled one. `bytes` of 0 turns the check
    /// off; the [stall timeout](Self::timeout_stall) still applies.
    ///
    /// Defaults to 1 KiB per 60 seconds.
    pub fn min_throughput(mut self, bytes: u64, per: Duration) -> Self {
        self.min_throughput = (bytes, per);
        self
    }

    /// When [`Client::wait`] and the batches check a job. Each check costs PDF.co credits,
    /// even one that answers `working`, and PDF.co rate-limits requests.
    ///
    /// Defaults to [`PollSchedule::new`]: a first check after 1 s, then every 3 s, the gaps
    /// growing to a tenth of the time waited from 30 s on, at most 60 s.
    pub fn poll_schedule(mut self, schedule: PollSchedule) -> Self {
        self.poll = schedule;
        self
    }

    /// Checks a job right after it starts, then every `interval`, as PDF.co's tutorials do
    /// (every 3 s): short for `poll_schedule(PollSchedule::fixed(interval))`.
    ///
    /// Defaults to the growing [`PollSchedule::new`] instead.
    pub fn poll_interval(self, interval: Duration) -> Self {
        self.poll_schedule(PollSchedule::fixed(interval))
    }

    /// How long [`Client::wait`] polls a job before giving up with [`Error::JobTimeout`].
    ///
    /// Defaults to 45 minutes, the longest PDF.co runs an asynchronous job.
    pub fn job_timeout(mut self, timeout: Duration) -> Self {
        self.job_timeout = timeout;
        self
    }

    /// How long [`Client::wait`] sees only `working` before it checks with `force`, and how
    /// often it does so from then on. PDF.co answers `working` for a job id it does not know
    /// (one that expired, or a typo) unless asked with `force`, when it answers `unknown`;
    /// this turns such a wait into [`Error::JobFailed`] instead of a wait until the job
    /// timeout.
    ///
    /// Defaults to 5 minutes.
    pub fn force_check_after(mut self, after: Duration) -> Self {
        self.force_check_after = after;
        self
    }

    /// One deadline for each whole one-call conversion ([`Run::save`](crate::Run::save) and the
    /// helpers): upload, job and download together, retries and waits included. The job
    /// timeout still applies within it.
    ///
    /// Defaults to none.
    pub fn workflow_timeout(mut self, timeout: Duration) -> Self {
        self.workflow_timeout = Some(timeout);
        self
    }

    /// The most API requests per second a batch ([`Client::batch`]) makes, to stay under PDF.co's rate limit (2 per second on free
    /// plans, 10 on paid ones). `f64::INFINITY` removes the limit.
    ///
    /// Defaults to 2.
    pub fn requests_per_second(mut self, rate: f64) -> Self {
        self.requests_per_second = rate;
        self
    }

    /// How transient failures are retried; [`RetryPolicy::disabled`] turns retries off.
    ///
    /// Defaults to [`RetryPolicy::new`]: up to 4 retries, backoff from 1 s to 30 s.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header.
    ///
    /// Defaults to `pdfco/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The largest JSON answer, listing of page URLs or result read into memory
    /// ([`Destination::memory`](crate::Destination::memory), [`Run::text`](crate::Run::text)); a larger
    /// one is an [`Error::Decode`]. Downloads to files are streamed and not affected.
    ///
    /// Defaults to 16 MiB.
    pub fn json_limit(mut self, bytes: u64) -> Self {
        self.json_limit = bytes;
        self
    }

    /// A flag that stops whatever the client is doing once it becomes `true`: an upload,
    /// a wait, a batch, a download. It is looked at before each request, between the
    /// chunks of every transfer, and during every sleep (retry backoffs, poll waits, the
    /// batches' pacing), which are cut into slices of at most 100 ms; the call then
    /// returns [`Error::Cancelled`], with the job id once a job was started. A download
    /// that is cancelled removes its temporary file and leaves any existing output as it
    /// was. A cancellation is never retried. A read blocked on a silent server is not cut
    /// short: it returns within the [stall timeout](Self::timeout_stall) at worst.
    ///
    /// The flag is an `Arc<AtomicBool>` so that another thread, or a signal handler
    /// (`signal_hook::flag::register(SIGINT, flag)`, which is async-signal-safe), can set
    /// it. The client never resets it: reset it (`store(false)`) to use the client again.
    ///
    /// Defaults to none.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use pdfco::testing::{Emulator, Outcome};
    ///
    /// let emulator = Emulator::builder().outcome(Outcome::Stuck).start()?;
    /// let stop = Arc::new(AtomicBool::new(false));
    /// let client = emulator.client_builder().cancel_flag(stop.clone()).build()?;
    /// let file = client.upload("fixtures/sample.pdf")?;
    /// let request = pdfco::Request::convert(pdfco::OutputFormat::Json).url(file.url());
    /// let started = client.start(&request)?;
    /// // The status callback asks to stop; so could a Ctrl-C handler.
    /// let err = client.wait(&started, |_| stop.store(true, Ordering::SeqCst)).unwrap_err();
    /// assert!(matches!(err, pdfco::Error::Cancelled { .. }), "{err}");
    /// assert!(err.job_id().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel_flag = Some(flag);
        self
    }

    /// Checks the settings and builds the client. Sends no request.
    ///
    /// Requests go through the proxy named by `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY` (or
    /// their lowercase forms, the first one set wins), except to hosts listed in `NO_PROXY`,
    /// and never for a loopback base URL.
    ///
    /// # Errors
    ///
    /// [`Error::MissingApiKey`] for an empty key; [`Error::InvalidApiKey`] for a key with a
    /// newline or other control character; [`Error::InvalidBaseUrl`] for a base URL
    /// that is not `http(s)` with a host, or plain `http` to a host that is not loopback
    /// unless [`allow_insecure_http`](Self::allow_insecure_http) is set;
    /// [`Error::InvalidProxy`] for a proxy variable that is not a proxy URL.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{Client, Error};
    ///
    /// let err = Client::builder("key").base_url("http://example.com/v1").build().unwrap_err();
    /// assert!(matches!(err, Error::InvalidBaseUrl { .. }), "plain http off loopback");
    /// let ok = Client::builder("key")
    ///     .base_url("http://example.com/v1")
    ///     .allow_insecure_http(true)
    ///     .build();
    /// assert!(ok.is_ok());
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        self.build_with_env(|name| std::env::var(name).ok())
    }

    /// [`ClientBuilder::build`] with the environment read through `var`.
    fn build_with_env(self, var: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        if self.api_key.expose().is_empty() {
            return Err(Error::MissingApiKey);
        }
        // A header cannot carry one; better said now, naming the variable, than as an HTTP
        // error at the first request.
        if self.api_key.expose().chars().any(char::is_control) {
            return Err(Error::InvalidApiKey);
        }
        let invalid = |reason| Error::InvalidBaseUrl {
            url: redact::url(&self.base_url),
            reason,
        };
        let origin = Origin::of(&self.base_url)
            .ok_or_else(|| invalid("expected an http or https URL with a host"))?;
        if self.base_url.contains('?') || self.base_url.contains('#') {
            return Err(invalid("a base URL takes no query or fragment"));
        }
        if !origin.is_https() && !origin.is_loopback() && !self.allow_insecure_http {
            return Err(invalid(
                "plain http would send the API key unencrypted; use https or allow_insecure_http",
            ));
        }
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(self.user_agent.as_str())
            // Only the phase and per-I/O timeouts: a resolve, per-call or global timeout would
            // make ureq's resolver spawn a thread.
            .timeout_connect(Some(self.timeout_connect))
            .timeout_recv_response(Some(self.timeout_response))
            .timeout_per_read(Some(self.timeout_stall))
            .timeout_per_write(Some(self.timeout_stall));
        // A local emulator is never reached through the environment's proxy. Otherwise the
        // proxy is read here rather than by ureq, which skips a variable it cannot parse
        // and silently goes direct.
        let proxy = if origin.is_loopback() {
            None
        } else {
            proxy_from_vars(&var)?
        };
        config = config.proxy(proxy.clone());
        let transport = Transport::new(
            config.build().into(),
            self.base_url,
            self.api_key,
            self.json_limit,
            self.retry,
            Timeouts {
                connect: self.timeout_connect,
                response: self.timeout_response,
                min_bytes: self.min_throughput.0,
                min_bytes_per: self.min_throughput.1,
            },
            proxy,
        )
        .cancelled_by(Cancel::new(self.cancel_flag));
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                poll: self.poll,
                job_timeout: self.job_timeout,
                force_check_after: self.force_check_after,
                workflow_timeout: self.workflow_timeout,
                requests_per_second: self.requests_per_second,
            }),
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_key", &redact::MASK)
            .field("base_url", &self.inner.transport.base_url())
            .field("poll", &self.inner.poll)
            .field("job_timeout", &self.inner.job_timeout)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &redact::url(&self.base_url))
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("timeout_connect", &self.timeout_connect)
            .field("timeout_response", &self.timeout_response)
            .field("timeout_stall", &self.timeout_stall)
            .field("min_throughput", &self.min_throughput)
            .field("poll", &self.poll)
            .field("job_timeout", &self.job_timeout)
            .field("force_check_after", &self.force_check_after)
            .field("workflow_timeout", &self.workflow_timeout)
            .field("requests_per_second", &self.requests_per_second)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("json_limit", &self.json_limit)
            .field("cancel_flag", &self.cancel_flag)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_key_is_refused() {
        assert!(matches!(
            Client::builder("  ").build(),
            Err(Error::MissingApiKey)
        ));
    }

    #[test]
    fn environment_variables() {
        let vars = |key: Option<&str>, base: Option<&str>| {
            let (key, base) = (key.map(str::to_string), base.map(str::to_string));
            move |name: &str| match name {
                API_KEY_VAR => key.clone(),
                BASE_URL_VAR => base.clone(),
                _ => None,
            }
        };
        for missing in [None, Some(""), Some("  ")] {
            assert!(matches!(
                builder_from_vars(vars(missing, None)),
                Err(Error::MissingApiKey)
            ));
        }
        let client = builder_from_vars(vars(Some("k"), None))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        let client = builder_from_vars(vars(Some("k"), Some("")))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            client.base_url(),
            DEFAULT_BASE_URL,
            "an empty PDFCO_BASE_URL is ignored"
        );
        let client = builder_from_vars(vars(Some("k"), Some("http://127.0.0.1:8080/v1/")))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:8080/v1");
        let bad = builder_from_vars(vars(Some("k"), Some("ftp://x")))
            .unwrap()
            .build();
        assert!(matches!(bad, Err(Error::InvalidBaseUrl { .. })));
    }

    #[test]
    fn base_url_checks() {
        let bad = |url: &str| Client::builder("k").base_url(url).build().expect_err(url);
        assert!(matches!(bad("ftp://x/v1"), Error::InvalidBaseUrl { .. }));
        assert!(matches!(bad("api.pdf.co/v1"), Error::InvalidBaseUrl { .. }));
        assert!(matches!(
            bad("https://h/v1?x=1"),
            Error::InvalidBaseUrl { .. }
        ));
        let e = bad("http://api.example.com/v1");
        assert!(e.to_string().contains("plain http"), "{e}");
        assert!(
            Client::builder("k")
                .base_url("http://api.example.com/v1")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
        let c = Client::builder("k")
            .base_url("http://127.0.0.1:9/v1/")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9/v1");
    }

    #[test]
    fn debug_hides_the_key() {
        let b = Client::builder("SECRET-KEY-123");
        assert!(!format!("{b:?}").contains("SECRET-KEY-123"));
        let c = b.build().unwrap();
        let d = format!("{c:?}");
        assert!(
            !d.contains("SECRET-KEY-123") && d.contains("api.pdf.co"),
            "{d}"
        );
    }

    /// A source of variables holding exactly `pairs`.
    fn env(pairs: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        let pairs = pairs.to_vec();
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_proxy_variable_that_does_not_parse_is_an_error_naming_it() {
        for variable in PROXY_VARS {
            let err = Client::builder("k")
                .build_with_env(env(&[(variable, "http://user:hunter2@[not-a-host")]))
                .unwrap_err();
            assert!(
                matches!(&err, Error::InvalidProxy { variable: v } if *v == variable),
                "{err:?}"
            );
            let text = format!("{err} {err:?}");
            assert!(
                text.contains(variable) && !text.contains("hunter2"),
                "{text}"
            );
            assert!(err.is_local());
        }
        let err = Client::builder("k")
            .build_with_env(env(&[("HTTPS_PROXY", "not a proxy url")]))
            .unwrap_err();
        assert_eq!(err.to_string(), "invalid proxy URL in HTTPS_PROXY");
        // The first variable set is the one used, as ureq does; an empty one is unset.
        assert!(
            Client::builder("k")
                .build_with_env(env(&[
                    ("ALL_PROXY", ""),
                    ("HTTPS_PROXY", "http://127.0.0.1:3128"),
                    ("HTTP_PROXY", "::bad::"),
                ]))
                .is_ok()
        );
        // A loopback base URL never goes through a proxy, so none is read.
        assert!(
            Client::builder("k")
                .base_url("http://127.0.0.1:9/v1")
                .build_with_env(env(&[("HTTPS_PROXY", "::bad::")]))
                .is_ok()
        );
    }

    #[test]
    fn the_environment_proxy_keeps_its_exceptions() {
        assert!(proxy_from_vars(&env(&[])).unwrap().is_none());
        let proxy = proxy_from_vars(&env(&[
            ("https_proxy", "http://u:p%40ss@127.0.0.1:3128"),
            ("NO_PROXY", "internal.example, .corp"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!((proxy.host(), proxy.port()), ("127.0.0.1", 3128));
        assert_eq!(
            (proxy.username(), proxy.password()),
            (Some("u"), Some("p@ss"))
        );
        let uri = |u: &str| u.parse::<ureq::http::Uri>().unwrap();
        assert!(proxy.is_no_proxy(&uri("https://internal.example/x")));
        assert!(proxy.is_no_proxy(&uri("https://a.corp/x")));
        assert!(!proxy.is_no_proxy(&uri("https://api.pdf.co/v1")));
    }

    #[test]
    fn a_refused_proxy_is_named_in_the_error() {
        // Nothing listens on port 9 (discard); the target's name is never resolved.
        let client = Client::builder("k")
            .retry(RetryPolicy::disabled())
            .build_with_env(env(&[("HTTPS_PROXY", "http://user:hunter2@127.0.0.1:9")]))
            .unwrap();
        let err = client.balance().unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(
            err.to_string()
                .ends_with("request failed: could not connect to proxy 127.0.0.1:9"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert!(matches!(err, Error::Proxy { .. }), "{err:?}");
    }

    #[test]
    fn a_key_with_a_control_character_is_refused_without_showing_it() {
        for key in ["abc\ndef", "abc\rdef", "a\u{7f}b", "a\tb", "a\0b"] {
            let err = Client::builder(key).build().unwrap_err();
            assert!(matches!(err, Error::InvalidApiKey), "{key:?}: {err:?}");
            let text = format!("{err} {err:?}");
            assert!(
                text.contains("PDFCO_API_KEY") && !text.contains("abc"),
                "{text}"
            );
        }
        // A trailing newline, as from a key file, is trimmed, not refused.
        assert!(Client::builder("key-from-a-file\n").build().is_ok());
    }

    #[test]
    fn auto_traits() {
        fn assert_all<T: Send + Sync + Clone + fmt::Debug + 'static>() {}
        assert_all::<Client>();
        assert_all::<ClientBuilder>();
    }
}
