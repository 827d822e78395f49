//! Which failures are retried, how long to wait before the next try, and deadlines.

use std::hash::{BuildHasher, RandomState};
use std::io;
use std::time::{Duration, Instant};

use crate::cancel::Cancel;
use crate::{Error, Step};

/// How transient failures are retried: exponential backoff with jitter, honouring
/// `Retry-After`, never past a deadline.
///
/// Transient failures are connection failures and resets, timeouts, a body cut short, and
/// answers 408, 429 and 5xx. They are retried for the requests that are safe to repeat:
/// presign, job check, the storage upload (the file is read again) and the result download
/// (which continues where it stopped). Starting a conversion creates a paid job, so it is
/// retried only when the request provably never reached PDF.co (connection refused, host
/// not found, or a connect timeout) or PDF.co throttled it with a 429, which means it did
/// not process it. TLS failures are never retried.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use pdfco::RetryPolicy;
///
/// let patient = RetryPolicy::new().max_retries(8).max_backoff(Duration::from_secs(60));
/// let client = pdfco::Client::builder("key").retry(patient).build()?;
/// let strict = pdfco::Client::builder("key").retry(RetryPolicy::disabled()).build()?;
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl RetryPolicy {
    /// The default policy: up to 4 retries, backoff from 1 s doubling up to 30 s.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let policy = pdfco::RetryPolicy::new()
    ///     .max_retries(2)
    ///     .initial_backoff(Duration::from_millis(200))
    ///     .max_backoff(Duration::from_secs(5));
    /// let client = pdfco::Client::builder("key").retry(policy.clone()).build()?;
    /// # drop(client);
    /// assert_eq!(policy, policy.clone().max_retries(2));
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn new() -> RetryPolicy {
        RetryPolicy {
            max_retries: 4,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }

    /// No retries: every failure is returned at once.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::RetryPolicy;
    ///
    /// assert_eq!(RetryPolicy::disabled(), RetryPolicy::new().max_retries(0));
    /// ```
    pub fn disabled() -> RetryPolicy {
        RetryPolicy::new().max_retries(0)
    }

    /// How many times one request may be tried again.
    ///
    /// Defaults to 4.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry; each further one doubles it, with jitter.
    ///
    /// Defaults to 1 second.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two tries (a longer `Retry-After` is still honoured).
    ///
    /// Defaults to 30 seconds.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The wait before retry number `retry` (0-based): exponential, with "equal jitter"
    /// (between half and all of the exponential value), never below `Retry-After`.
    fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self
            .initial_backoff
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max_backoff);
        let half = exponential / 2;
        let jitter = RandomState::new().hash_one(retry) % (half.as_nanos() as u64).max(1);
        let wait = half + Duration::from_nanos(jitter);
        retry_after.map_or(wait, |r| r.max(wait.min(self.max_backoff)))
    }
}

/// Whether a request may be repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Safety {
    /// Repeating it does no harm: retry any transient failure.
    Idempotent,
    /// It starts paid work: retry only if it never reached the server, or the server
    /// refused it with a 429 without processing it.
    OnlyIfNotSent,
}

/// An optional point in time past which no request starts and no wait ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Deadline(pub(crate) Option<Instant>);

impl Deadline {
    pub(crate) fn none() -> Deadline {
        Deadline(None)
    }

    pub(crate) fn after(d: Duration) -> Deadline {
        Deadline(Instant::now().checked_add(d))
    }

    /// The earlier of two deadlines.
    pub(crate) fn min(self, other: Deadline) -> Deadline {
        match (self.0, other.0) {
            (Some(a), Some(b)) => Deadline(Some(a.min(b))),
            (a, b) => Deadline(a.or(b)),
        }
    }

    /// Time left, or `None` when there is no deadline.
    pub(crate) fn remaining(self) -> Option<Duration> {
        self.0
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    pub(crate) fn is_past(self) -> bool {
        self.remaining().is_some_and(|r| r.is_zero())
    }
}

/// Whether an error is worth another try under `safety`.
fn retryable(error: &Error, safety: Safety) -> bool {
    match safety {
        Safety::OnlyIfNotSent => never_sent(error) || throttled(error),
        Safety::Idempotent => transient(error),
    }
}

/// The network error under a failed request, whether it failed on the way to the server
/// or on the way to the proxy.
fn network_source(error: &Error) -> Option<&ureq::Error> {
    match error {
        Error::Transport { source, .. } | Error::Proxy { source, .. } => Some(source),
        _ => None,
    }
}

/// Failures that prove the request never left: no connection was made.
fn never_sent(error: &Error) -> bool {
    match network_source(error) {
        Some(ureq::Error::HostNotFound | ureq::Error::ConnectionFailed) => true,
        Some(ureq::Error::Timeout(ureq::Timeout::Connect)) => true,
        Some(ureq::Error::Io(e)) => e.kind() == io::ErrorKind::ConnectionRefused,
        _ => false,
    }
}

/// A 429: PDF.co did not process the request, so repeating it starts no second job.
fn throttled(error: &Error) -> bool {
    matches!(error, Error::Api { status, http_status, .. } if *status == 429 || *http_status == 429)
}

fn transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500..=599)
}

/// Failures that may well not happen again.
fn transient(error: &Error) -> bool {
    match error {
        Error::Transport { source, .. } | Error::Proxy { source, .. } => match source.as_ref() {
            // InvalidData is how a failed TLS handshake comes back (rustls inside an io
            // error), for example `https` to a plain-HTTP port: trying again cannot help.
            ureq::Error::Io(e) => !matches!(
                e.kind(),
                io::ErrorKind::PermissionDenied
                    | io::ErrorKind::InvalidInput
                    | io::ErrorKind::InvalidData
                    | io::ErrorKind::Unsupported
            ),
            ureq::Error::Timeout(_)
            | ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_) => true,
            _ => false,
        },
        Error::Api {
            status,
            http_status,
            ..
        } => transient_status(*http_status) || matches!(status, 408 | 429),
        Error::Storage { status, .. } => transient_status(*status),
        Error::Incomplete { .. } => true,
        _ => false,
    }
}

/// The `Retry-After` an error carries.
fn retry_after(error: &Error) -> Option<Duration> {
    match error {
        Error::Api { retry_after, .. } | Error::Storage { retry_after, .. } => *retry_after,
        _ => None,
    }
}

/// Runs `attempt` until it succeeds, fails for good, runs out of retries, the next try
/// could not start before the deadline, or the program asks to stop (`stop`: the cancel flag,
/// and the step named by the [`Error::Cancelled`] a sleep ends with). Sleeps between tries on
/// the calling thread, in slices that look at the flag. A cancellation is never retried.
pub(crate) fn run<T>(
    policy: &RetryPolicy,
    safety: Safety,
    deadline: Deadline,
    (cancel, step): (&Cancel, Step),
    mut attempt: impl FnMut(u32) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut retry = 0;
    loop {
        let error = match attempt(retry) {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if retry >= policy.max_retries || !retryable(&error, safety) {
            return Err(error);
        }
        let wait = policy.backoff(retry, retry_after(&error));
        if deadline.remaining().is_some_and(|left| left <= wait) {
            return Err(error);
        }
        log_retry(&error, wait, retry + 1, policy.max_retries);
        cancel.sleep(wait, step)?;
        retry += 1;
    }
}

/// Logs a retry on `pdfco::retry` at warn level: the step, why (the error's `Display`, which
/// holds no secret, and for a network failure its kind), the wait, and which retry of how
/// many this is.
fn log_retry(error: &Error, wait: Duration, retry: u32, max_retries: u32) {
    let step = match error {
        Error::Transport { step, .. }
        | Error::Proxy { step, .. }
        | Error::Api { step, .. }
        | Error::Storage { step, .. }
        | Error::Decode { step, .. }
        | Error::Incomplete { step, .. } => step.to_string(),
        _ => "request".to_string(),
    };
    // ureq's own text may hold a URL; its kind never does.
    let cause = match network_source(error) {
        Some(ureq::Error::Io(e)) => format!(" ({:?})", e.kind()),
        Some(ureq::Error::Timeout(timeout)) => format!(" (timeout: {timeout})"),
        Some(ureq::Error::HostNotFound) => " (host not found)".to_string(),
        Some(ureq::Error::ConnectionFailed) => " (connection failed)".to_string(),
        Some(ureq::Error::Protocol(_)) => " (protocol error)".to_string(),
        _ => String::new(),
    };
    log::warn!(
        target: "pdfco::retry",
        "{step}: retry {retry} of {max_retries} in {} ms after: {error}{cause}",
        wait.as_millis()
    );
}

/// Parses a `Retry-After` value: delay-seconds, or an HTTP date (IMF-fixdate).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as i64
        + 1;
    let (day, year): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day)
        || !(0..24).contains(h)
        || !(0..60).contains(m)
        || !(0..=60).contains(s)
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let at = days * 86_400 + h * 3600 + m * 60 + s;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs() as i64;
    Some(Duration::from_secs(at.saturating_sub(now).max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    fn io_error(kind: io::ErrorKind) -> Error {
        Error::transport(Step::Start, ureq::Error::Io(io::Error::from(kind)))
    }

    fn api(status: u16, http_status: u16) -> Error {
        Error::Api {
            step: Step::JobCheck,
            status,
            http_status,
            message: String::new(),
            retry_after: None,
            job_id: None,
        }
    }

    #[test]
    fn classification() {
        assert!(never_sent(&io_error(io::ErrorKind::ConnectionRefused)));
        assert!(never_sent(&Error::transport(
            Step::Start,
            ureq::Error::HostNotFound
        )));
        assert!(never_sent(&Error::transport(
            Step::Start,
            ureq::Error::Timeout(ureq::Timeout::Connect)
        )));
        assert!(!never_sent(&io_error(io::ErrorKind::ConnectionReset)));
        assert!(!never_sent(&Error::transport(
            Step::Start,
            ureq::Error::Timeout(ureq::Timeout::RecvResponse)
        )));
        assert!(!never_sent(&api(500, 500)));

        assert!(transient(&io_error(io::ErrorKind::ConnectionReset)));
        assert!(transient(&io_error(io::ErrorKind::UnexpectedEof)));
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(transient(&api(status, status)), "{status}");
        }
        assert!(transient(&api(429, 200)), "429 in a 200 body");
        for status in [400, 401, 402, 403, 404, 441, 442] {
            assert!(!transient(&api(status, status)), "{status}");
        }
        assert!(!transient(&Error::MissingApiKey));
        assert!(!transient(&Error::decode(
            Step::Presign,
            "x",
            String::new()
        )));
    }

    #[test]
    fn a_throttled_paid_request_is_retried_and_a_tls_failure_is_not() {
        assert!(retryable(&api(429, 429), Safety::OnlyIfNotSent));
        assert!(
            retryable(&api(429, 200), Safety::OnlyIfNotSent),
            "429 in a body"
        );
        for status in [500, 502, 503, 408] {
            assert!(
                !retryable(&api(status, status), Safety::OnlyIfNotSent),
                "{status}"
            );
        }
        // rustls's "corrupt message", as ureq returns it: an io error of kind InvalidData.
        let tls = io_error(io::ErrorKind::InvalidData);
        assert!(!retryable(&tls, Safety::Idempotent));
        assert!(!retryable(&tls, Safety::OnlyIfNotSent));
        let proxy_refused = Error::Proxy {
            step: Step::Start,
            proxy: "127.0.0.1:9".into(),
            job_id: None,
            source: Box::new(ureq::Error::Io(io::Error::from(
                io::ErrorKind::ConnectionRefused,
            ))),
        };
        assert!(never_sent(&proxy_refused));
        let too_slow = io_error(io::ErrorKind::TimedOut);
        assert!(transient(&too_slow) && too_slow.is_timeout());
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let p = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(1000));
        for retry in 0..10 {
            let full = (Duration::from_millis(100) * (1 << retry)).min(Duration::from_millis(1000));
            let wait = p.backoff(retry, None);
            assert!(
                wait >= full / 2 && wait <= full,
                "{retry}: {wait:?} vs {full:?}"
            );
        }
        assert_eq!(
            p.backoff(0, Some(Duration::from_secs(5))),
            Duration::from_secs(5),
            "Retry-After wins"
        );
    }

    #[test]
    fn run_retries_transient_errors_and_stops_on_permanent_ones() {
        let p = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(1))
            .max_retries(3);
        let mut calls = 0;
        let r: Result<(), Error> = run(
            &p,
            Safety::Idempotent,
            Deadline::none(),
            (&Cancel::default(), Step::Start),
            |_| {
                calls += 1;
                Err(api(503, 503))
            },
        );
        assert!(r.is_err());
        assert_eq!(calls, 4, "one try and three retries");

        let mut calls = 0;
        let r = run(
            &p,
            Safety::Idempotent,
            Deadline::none(),
            (&Cancel::default(), Step::Start),
            |_| {
                calls += 1;
                if calls < 3 {
                    Err(api(429, 429))
                } else {
                    Ok(calls)
                }
            },
        );
        assert_eq!(r.unwrap(), 3);

        let mut calls = 0;
        let _ = run(
            &p,
            Safety::Idempotent,
            Deadline::none(),
            (&Cancel::default(), Step::Start),
            |_| -> Result<(), Error> {
                calls += 1;
                Err(api(401, 401))
            },
        );
        assert_eq!(calls, 1, "permanent errors are not retried");

        let mut calls = 0;
        let _ = run(
            &p,
            Safety::OnlyIfNotSent,
            Deadline::none(),
            (&Cancel::default(), Step::Start),
            |_| -> Result<(), Error> {
                calls += 1;
                Err(io_error(io::ErrorKind::ConnectionReset))
            },
        );
        assert_eq!(
            calls, 1,
            "a paid request that may have arrived is not repeated"
        );
    }

    #[test]
    fn run_never_sleeps_past_the_deadline() {
        let p = RetryPolicy::new().initial_backoff(Duration::from_secs(10));
        let mut calls = 0;
        let started = Instant::now();
        let _ = run(
            &p,
            Safety::Idempotent,
            Deadline::after(Duration::from_millis(50)),
            (&Cancel::default(), Step::Start),
            |_| -> Result<(), Error> {
                calls += 1;
                Err(api(503, 503))
            },
        );
        assert_eq!(calls, 1);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_cancelled_backoff_ends_the_retries_at_once() {
        let p = RetryPolicy::new().initial_backoff(Duration::from_secs(60));
        let flag = Arc::new(AtomicBool::new(false));
        let cancel = Cancel::new(Some(flag.clone()));
        let mut calls = 0;
        let started = Instant::now();
        let r = run(
            &p,
            Safety::Idempotent,
            Deadline::none(),
            (&cancel, Step::JobCheck),
            |_| -> Result<(), Error> {
                calls += 1;
                flag.store(true, Ordering::SeqCst);
                Err(api(503, 503))
            },
        );
        assert_eq!(calls, 1);
        assert!(matches!(
            r,
            Err(Error::Cancelled {
                step: Step::JobCheck,
                ..
            })
        ));
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn retry_after_values() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO),
            "past dates mean now"
        );
        let future = parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT").unwrap();
        assert!(future > Duration::from_secs(60 * 60 * 24 * 365 * 50));
        for bad in [
            "",
            "soon",
            "-1",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad), None, "{bad}");
        }
    }

    #[test]
    fn deadlines() {
        assert_eq!(Deadline::none().remaining(), None);
        assert!(!Deadline::none().is_past());
        assert!(Deadline::after(Duration::ZERO).is_past());
        let a = Deadline::after(Duration::from_secs(1));
        let b = Deadline::after(Duration::from_secs(100));
        assert_eq!(a.min(b), a);
        assert_eq!(Deadline::none().min(b), b);
    }
}
