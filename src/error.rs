//! The one error type of the crate.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::JobState;

/// A `Result` whose error is this crate's [`Error`].
///
/// # Example
///
/// ```
/// fn convert() -> pdfco::Result<u64> {
///     let client = pdfco::Client::from_env()?;
///     Ok(client.run(&pdfco::Request::convert(pdfco::OutputFormat::Json)).input("in.pdf").save("out.json")?.bytes())
/// }
/// # let _ = convert;
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which request of the workflow an error comes from.
///
/// # Example
///
/// ```
/// use pdfco::{Error, Step};
///
/// let client = pdfco::Client::builder("key").base_url("http://127.0.0.1:9/v1").build()?;
/// match client.upload("fixtures/sample.pdf") {
///     Err(Error::Transport { step, .. }) => assert_eq!(step, Step::Presign),
///     other => panic!("nothing listens on port 9: {other:?}"),
/// }
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// `GET /v1/file/upload/get-presigned-url`.
    Presign,
    /// The `PUT` of the file's bytes to the presigned storage URL.
    Upload,
    /// The request to the endpoint that does the work (`pdf/convert/to/...`, `pdf/merge`,
    /// ...), which starts a job or answers with the result.
    Start,
    /// `/v1/job/check`.
    JobCheck,
    /// The `GET` of the result URL.
    Download,
    /// `/v1/account/credit/balance`.
    Balance,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Presign => "get-presigned-url",
            Step::Upload => "storage upload",
            Step::Start => "start",
            Step::JobCheck => "job/check",
            Step::Download => "result download",
            Step::Balance => "account/credit/balance",
        })
    }
}

/// Everything that can go wrong, from bad local input to a failed job.
///
/// Errors that happen once a job has started carry its id ([`Error::job_id`]), so the paid
/// work can be picked up again with [`Job::resume`](crate::Job::resume). No variant's text
/// contains the API key, a document password or a storage URL's signature.
///
/// # Example
///
/// A wrong password, in the asynchronous default and synchronously (a damaged input gives
/// 442 the same way):
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{Error, OutputFormat, Request};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let locked = client.upload("fixtures/encrypted.pdf")?;
/// let request = Request::convert(OutputFormat::Json).url(locked.url()).password("wrong");
///
/// // Asynchronous: the job starts, then fails with PDF.co's code.
/// let started = client.start(&request)?;
/// let err = client.wait(&started, |_| {}).unwrap_err();
/// assert!(matches!(err, Error::JobFailed { code: Some(441), .. }), "{err}");
/// assert_eq!(err.status(), Some(441));
///
/// // Synchronous: PDF.co refuses the request itself.
/// let err = client.start(&request.asynchronous(false)).unwrap_err();
/// assert!(matches!(err, Error::Api { status: 441, .. }), "{err}");
/// assert_eq!(err.status(), Some(441));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No API key was given, or it was empty. Checked before any request.
    #[error("no API key: set PDFCO_API_KEY or pass one to Client::builder")]
    MissingApiKey,

    /// The API key contains a newline or another control character, which an HTTP header
    /// cannot carry (often a key file read with its line ending inside). Checked before any
    /// request; the message never shows the key.
    #[error("invalid API key (PDFCO_API_KEY): it contains a control character")]
    InvalidApiKey,

    /// A proxy variable of the environment (`ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` or their
    /// lowercase forms) is set but is not a proxy URL. Checked when the client is built,
    /// rather than going direct; the message never shows the value, which may hold a password.
    #[error("invalid proxy URL in {variable}")]
    #[non_exhaustive]
    InvalidProxy {
        /// The variable, such as `HTTPS_PROXY`.
        variable: &'static str,
    },

    /// The base URL is not an `http(s)` URL with a host, or is plain `http` to a host that
    /// is not loopback without [`ClientBuilder::allow_insecure_http`](crate::ClientBuilder::allow_insecure_http).
    /// Checked before any request.
    #[error("invalid base URL `{url}`: {reason}")]
    #[non_exhaustive]
    InvalidBaseUrl {
        /// The URL as given (it holds no secret: the key travels in a header).
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A page selection is not in PDF.co's syntax, or names pages the document lacks.
    /// Syntax is checked before any request.
    #[error("invalid page selection `{pages}`: {reason}")]
    #[non_exhaustive]
    InvalidPages {
        /// The selection as given.
        pages: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A conversion option is out of range or does not fit the output format (a negative
    /// `rect`, `unwrap` without line grouping, `inline` for a binary format, a `callback` on a
    /// synchronous request, ...). Checked before any request.
    #[error("invalid option `{option}`: {reason}")]
    #[non_exhaustive]
    InvalidOption {
        /// The option's name as PDF.co spells it.
        option: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// A local input file cannot be read (missing, a directory, no permission). Checked
    /// before any request.
    #[error("cannot read input file {}", path.display())]
    #[non_exhaustive]
    ReadInput {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },

    /// The output cannot be written: its folder does not exist or cannot be written, the path
    /// ends with a slash or names the input file (all checked before any request), or
    /// writing or renaming failed. A destination file that existed before is left as it was.
    #[error("cannot write output {}{}", path.display(), for_job(job_id))]
    #[non_exhaustive]
    WriteOutput {
        /// The destination.
        path: PathBuf,
        /// The job the output belongs to, if one was started.
        job_id: Option<String>,
        /// Why.
        #[source]
        source: io::Error,
    },

    /// The request did not get an HTTP answer: connection refused or reset, DNS failure,
    /// timeout, TLS failure, or the body broke off.
    #[error("{step} request failed{}", for_job(job_id))]
    #[non_exhaustive]
    Transport {
        /// Which request.
        step: Step,
        /// The job, if one was started.
        job_id: Option<String>,
        /// ureq's error.
        #[source]
        source: Box<ureq::Error>,
    },

    /// The proxy could not be reached: the connection to it was refused or timed out, or its
    /// host name was not found. The request never left for its destination.
    #[error(
        "{step} request failed: could not connect to proxy {proxy}{}",
        for_job(job_id)
    )]
    #[non_exhaustive]
    Proxy {
        /// Which request.
        step: Step,
        /// The proxy's `host:port` (never its user name or password).
        proxy: String,
        /// The job, if one was started.
        job_id: Option<String>,
        /// ureq's error.
        #[source]
        source: Box<ureq::Error>,
    },

    /// PDF.co refused a request: a non-2xx status, or `"error": true` in a 2xx body.
    #[error(
        "PDF.co refused {step} with status {status}: {message}{}",
        for_job(job_id)
    )]
    Api {
        /// Which request.
        step: Step,
        /// The error code: PDF.co's own `status`/`errorCode` from the body when it sent one
        /// (401, 402, 429, 441, 442, ...), else the HTTP status.
        status: u16,
        /// The HTTP status of the answer (200 when the refusal came as `"error": true`).
        http_status: u16,
        /// PDF.co's message, with any secret masked.
        message: String,
        /// How long PDF.co asked to wait before trying again (`Retry-After`), if it said.
        retry_after: Option<Duration>,
        /// The job, if one was started.
        job_id: Option<String>,
    },

    /// Storage (S3) refused the upload or the result download.
    #[error(
        "storage refused {step} with HTTP {status} {code}: {message}{}",
        for_job(job_id)
    )]
    Storage {
        /// Which request.
        step: Step,
        /// The HTTP status.
        status: u16,
        /// S3's error code, such as `SignatureDoesNotMatch` or `NoSuchKey` (empty if none).
        code: String,
        /// S3's message, with any secret masked.
        message: String,
        /// How long storage asked to wait before trying again (`Retry-After`), if it said.
        retry_after: Option<Duration>,
        /// The job, if one was started.
        job_id: Option<String>,
    },

    /// An answer could not be understood: not JSON, cut short, larger than the cap, or
    /// missing a field the step needs.
    #[error(
        "unexpected answer from {step}: {detail} (body: `{excerpt}`){}",
        for_job(job_id)
    )]
    Decode {
        /// Which request.
        step: Step,
        /// What was wrong.
        detail: String,
        /// The start of the body, single-line and with secrets masked.
        excerpt: String,
        /// The job, if one was started.
        job_id: Option<String>,
    },

    /// The job ended `failed`, `aborted` or `unknown`.
    ///
    /// A job whose input PDF.co could not read fails with the code the synchronous request
    /// would have been refused with ([`Error::Api`]): 441 for a missing or wrong password,
    /// 442 for a damaged input. [`Error::status`] gives it in both modes. PDF.co's docs show
    /// no failed check's body: the code is kept when the check carries one (as the emulator
    /// does); without it `code` is `None` and only the message tells why.
    #[error("job {job_id} ended {state}{}: {message}", with_code(code))]
    #[non_exhaustive]
    JobFailed {
        /// The job.
        job_id: String,
        /// How it ended.
        state: JobState,
        /// PDF.co's message (empty if none).
        message: String,
        /// PDF.co's error code, when the check carried one (`errorCode`, or a numeric
        /// `status`): 441, 442, ...
        code: Option<u16>,
    },

    /// The job was still not finished when the deadline passed. The job may still finish:
    /// resume it with its id.
    #[error("job {job_id} still {last_state} after {}s", waited.as_secs())]
    #[non_exhaustive]
    JobTimeout {
        /// The job.
        job_id: String,
        /// How long this client waited.
        waited: Duration,
        /// The last state seen.
        last_state: JobState,
    },

    /// The deadline of a one-call workflow passed before a step could start or finish.
    #[error("deadline passed before {step} could finish{}", for_job(job_id))]
    #[non_exhaustive]
    DeadlineExceeded {
        /// The step that could not finish.
        step: Step,
        /// The job, if one was started.
        job_id: Option<String>,
    },

    /// The program set the client's [cancel flag](crate::ClientBuilder::cancel_flag): the
    /// work stopped before a request, between two chunks of a transfer, or during a sleep.
    /// A download leaves no temporary file and any existing output as it was. Never retried.
    #[error("cancelled during {step}{}", for_job(job_id))]
    #[non_exhaustive]
    Cancelled {
        /// The step that was running or about to start.
        step: Step,
        /// The job, if one was started.
        job_id: Option<String>,
    },

    /// A body ended before its `Content-Length`.
    #[error(
        "{step} incomplete: got {received} of {expected} bytes{}",
        for_job(job_id)
    )]
    Incomplete {
        /// Which request.
        step: Step,
        /// The announced length.
        expected: u64,
        /// What arrived.
        received: u64,
        /// The job, if one was started.
        job_id: Option<String>,
    },
}

fn with_code(code: &Option<u16>) -> String {
    match code {
        Some(code) => format!(" with code {code}"),
        None => String::new(),
    }
}

fn for_job(job_id: &Option<String>) -> String {
    match job_id {
        Some(id) => format!(" (job {id})"),
        None => String::new(),
    }
}

impl Error {
    /// The id of the job this error belongs to, when a job had been started.
    ///
    /// # Example
    ///
    /// ```
    /// # fn no_run(client: &pdfco::Client) {
    /// if let Err(e) = client.run(&pdfco::Request::convert(pdfco::OutputFormat::Json)).input("big.pdf").save("big.json") {
    ///     if let Some(id) = e.job_id() {
    ///         eprintln!("{e}; resume later with Job::resume({id:?}, None)");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn job_id(&self) -> Option<&str> {
        match self {
            Error::WriteOutput { job_id, .. }
            | Error::Transport { job_id, .. }
            | Error::Proxy { job_id, .. }
            | Error::Api { job_id, .. }
            | Error::Storage { job_id, .. }
            | Error::Decode { job_id, .. }
            | Error::DeadlineExceeded { job_id, .. }
            | Error::Cancelled { job_id, .. }
            | Error::Incomplete { job_id, .. } => job_id.as_deref(),
            Error::JobFailed { job_id, .. } | Error::JobTimeout { job_id, .. } => Some(job_id),
            _ => None,
        }
    }

    /// The error code of a refusal by PDF.co ([`Error::Api`]) or storage ([`Error::Storage`]),
    /// or of a failed job whose check carried one ([`Error::JobFailed`]): a wrong password
    /// gives 441 and a damaged input 442 whether the request ran synchronously or as a job.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::testing::{Emulator, Endpoint, Fault};
    ///
    /// let emulator = Emulator::start()?;
    /// let client = emulator.client_builder().build()?;
    /// emulator.fail_next(Endpoint::Presign, Fault::Status(402));
    /// let err = client.upload("fixtures/sample.pdf").unwrap_err();
    /// assert_eq!(err.status(), Some(402), "not enough credits");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Storage { status, .. } => Some(*status),
            Error::JobFailed { code, .. } => *code,
            _ => None,
        }
    }

    /// Whether the failure was a timeout: a job still running at its deadline, a workflow
    /// deadline, or a request that timed out, including a transfer that stayed below the
    /// [minimum throughput](crate::ClientBuilder::min_throughput).
    ///
    /// # Example
    ///
    /// ```
    /// # fn no_run(client: &pdfco::Client) {
    /// match client.run(&pdfco::Request::convert(pdfco::OutputFormat::Json)).input("big.pdf").save("big.json") {
    ///     Err(e) if e.is_timeout() => eprintln!("try again later: {e}"),
    ///     Err(e) => eprintln!("{e}"),
    ///     Ok(_) => {}
    /// }
    /// # }
    /// ```
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::JobTimeout { .. } | Error::DeadlineExceeded { .. } => true,
            Error::Transport { source, .. } | Error::Proxy { source, .. } => {
                match source.as_ref() {
                    ureq::Error::Timeout(_) => true,
                    // A transfer below the minimum throughput.
                    ureq::Error::Io(e) => e.kind() == io::ErrorKind::TimedOut,
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Whether this error was found locally, before any request was sent.
    ///
    /// # Example
    ///
    /// ```
    /// let client = pdfco::Client::builder("key").build()?;
    /// let err = client.run(&pdfco::Request::convert(pdfco::OutputFormat::Json)).input("no/such/file.pdf").save("out.json").unwrap_err();
    /// assert!(err.is_local(), "nothing was sent: {err}");
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            Error::MissingApiKey
                | Error::InvalidApiKey
                | Error::InvalidProxy { .. }
                | Error::InvalidBaseUrl { .. }
                | Error::InvalidPages { .. }
                | Error::InvalidOption { .. }
                | Error::ReadInput { .. }
        ) || matches!(self, Error::WriteOutput { job_id: None, .. })
    }

    /// Attaches a job id to an error that can carry one and has none yet.
    pub(crate) fn for_job(mut self, id: &str) -> Self {
        match &mut self {
            Error::WriteOutput { job_id, .. }
            | Error::Transport { job_id, .. }
            | Error::Proxy { job_id, .. }
            | Error::Api { job_id, .. }
            | Error::Storage { job_id, .. }
            | Error::Decode { job_id, .. }
            | Error::DeadlineExceeded { job_id, .. }
            | Error::Cancelled { job_id, .. }
            | Error::Incomplete { job_id, .. }
                if job_id.is_none() =>
            {
                *job_id = Some(id.to_string());
            }
            _ => {}
        }
        self
    }

    pub(crate) fn transport(step: Step, source: ureq::Error) -> Self {
        Error::Transport {
            step,
            job_id: None,
            source: Box::new(source),
        }
    }

    pub(crate) fn decode(step: Step, detail: impl Into<String>, excerpt: String) -> Self {
        Error::Decode {
            step,
            detail: detail.into(),
            excerpt,
            job_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_phrases_with_the_job_id() {
        let e = Error::Api {
            step: Step::JobCheck,
            status: 429,
            http_status: 429,
            message: "too many requests".into(),
            retry_after: None,
            job_id: None,
        }
        .for_job("J1");
        assert_eq!(
            e.to_string(),
            "PDF.co refused job/check with status 429: too many requests (job J1)"
        );
        assert_eq!(e.job_id(), Some("J1"));
        assert_eq!(e.status(), Some(429));
        assert!(!e.is_local());
    }

    #[test]
    fn cancelled_names_its_step_and_job() {
        let e = Error::Cancelled {
            step: Step::JobCheck,
            job_id: None,
        };
        assert_eq!(e.to_string(), "cancelled during job/check");
        let e = e.for_job("J7");
        assert_eq!(e.to_string(), "cancelled during job/check (job J7)");
        assert_eq!(e.job_id(), Some("J7"));
        assert!(!e.is_local() && !e.is_timeout());
    }

    #[test]
    fn for_job_keeps_an_existing_id() {
        let e = Error::decode(Step::Download, "x", String::new())
            .for_job("A")
            .for_job("B");
        assert_eq!(e.job_id(), Some("A"));
    }

    #[test]
    fn source_is_chained_not_repeated() {
        let e = Error::ReadInput {
            path: "in.pdf".into(),
            source: io::Error::new(io::ErrorKind::NotFound, "gone"),
        };
        assert_eq!(e.to_string(), "cannot read input file in.pdf");
        assert_eq!(std::error::Error::source(&e).unwrap().to_string(), "gone");
        assert!(e.is_local());
    }

    #[test]
    fn error_stays_small() {
        // Boxed ureq error and no large inline payloads.
        assert!(
            std::mem::size_of::<Error>() <= 96,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn auto_traits() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_send_sync::<Step>();
    }
}
