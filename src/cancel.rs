//! Cancellation: the program's flag, looked at before every request, between the chunks of
//! every transfer, and in every sleep, which is cut into slices so that a set flag is seen
//! within one of them.

use std::fmt;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::{Error, Step};

/// The longest single sleep: a wait ends at most this long after its time, or after the
/// flag is set.
const SLICE: Duration = Duration::from_millis(100);

/// The cancel flag of a client, if it has one ([`ClientBuilder::cancel_flag`](crate::ClientBuilder::cancel_flag)).
#[derive(Clone, Debug, Default)]
pub(crate) struct Cancel(Option<Arc<AtomicBool>>);

impl Cancel {
    pub(crate) fn new(flag: Option<Arc<AtomicBool>>) -> Cancel {
        Cancel(flag)
    }

    /// Whether the program has asked to stop.
    pub(crate) fn is_set(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::SeqCst))
    }

    /// Fails with [`Error::Cancelled`] when the flag is set.
    pub(crate) fn check(&self, step: Step) -> Result<(), Error> {
        if self.is_set() {
            Err(Error::Cancelled { step, job_id: None })
        } else {
            Ok(())
        }
    }

    /// Sleeps on the calling thread until `at`, in slices of at most 100 ms, and fails with
    /// [`Error::Cancelled`] as soon as the flag is seen set (before sleeping, too).
    pub(crate) fn sleep_until(&self, at: Instant, step: Step) -> Result<(), Error> {
        loop {
            self.check(step)?;
            let now = Instant::now();
            if now >= at {
                return Ok(());
            }
            std::thread::sleep((at - now).min(SLICE));
        }
    }

    /// [`Cancel::sleep_until`] for a duration from now.
    pub(crate) fn sleep(&self, wait: Duration, step: Step) -> Result<(), Error> {
        self.sleep_until(crate::poll::later(Instant::now(), wait), step)
    }

    /// `inner`, failing a read with [`cancelled_io`] once the flag is set: a transfer stops
    /// between two chunks.
    pub(crate) fn reader<R>(&self, inner: R) -> CancelReader<R> {
        CancelReader {
            inner,
            cancel: self.clone(),
        }
    }
}

/// What a [`CancelReader`] fails with: an I/O error that [`is_cancelled_io`] knows.
#[derive(Debug)]
struct Stopped;

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Stopped {}

fn cancelled_io() -> io::Error {
    io::Error::other(Stopped)
}

/// Whether an I/O error is a [`CancelReader`]'s.
fn is_cancelled_io(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<Stopped>())
}

/// Whether a request failed because it was cancelled: the reader of its body stopped, or
/// the flag is set (a failure seen after the program asked to stop is reported as the stop).
pub(crate) fn caused(cancel: &Cancel, error: &ureq::Error) -> bool {
    matches!(error, ureq::Error::Io(e) if caused_io(cancel, e)) || cancel.is_set()
}

/// [`caused`] for a transfer's I/O error.
pub(crate) fn caused_io(cancel: &Cancel, error: &io::Error) -> bool {
    cancel.is_set() || is_cancelled_io(error)
}

/// A reader that looks at the flag before each read.
pub(crate) struct CancelReader<R> {
    inner: R,
    cancel: Cancel,
}

impl<R: Read> Read for CancelReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.is_set() {
            return Err(cancelled_io());
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_flag_never_cancels() {
        let cancel = Cancel::default();
        assert!(cancel.check(Step::Upload).is_ok());
        let started = Instant::now();
        cancel
            .sleep(Duration::from_millis(30), Step::JobCheck)
            .unwrap();
        assert!(started.elapsed() >= Duration::from_millis(30));
    }

    #[test]
    fn a_set_flag_stops_sleeps_checks_and_reads() {
        let flag = Arc::new(AtomicBool::new(false));
        let cancel = Cancel::new(Some(flag.clone()));
        let mut reader = cancel.reader(&b"abc"[..]);
        let mut buf = [0u8; 1];
        assert_eq!(reader.read(&mut buf).unwrap(), 1);
        flag.store(true, Ordering::SeqCst);
        let err = reader.read(&mut buf).unwrap_err();
        assert!(is_cancelled_io(&err));
        assert!(caused(&Cancel::default(), &ureq::Error::Io(err)));
        let started = Instant::now();
        let slept = cancel.sleep(Duration::from_secs(60), Step::JobCheck);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(matches!(
            slept,
            Err(Error::Cancelled {
                step: Step::JobCheck,
                job_id: None
            })
        ));
        assert!(cancel.check(Step::Upload).is_err());
        assert!(!is_cancelled_io(&io::Error::other("x")));
    }
}
