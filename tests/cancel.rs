//! Cancellation through `ClientBuilder::cancel_flag`: during a poll sleep, a retry backoff, a
//! download, an upload and a batch, set from the status callback or from a thread the test
//! spawns. Each returns soon after the flag is set, with the job id when there is a job, and
//! leaves nothing behind.

mod common;

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::{SAMPLE, TempDir, start_job};
use pdfco::testing::{Emulator, Endpoint, Fault, Outcome};
use pdfco::{Client, Error, JobStatus, OutputFormat, PollSchedule, Request, Step};

/// How long after the flag is set a call may take to return. The design bound is 100 ms
/// (one sleep slice) plus a request; this allows for a loaded machine.
const BOUND: Duration = Duration::from_secs(1);
/// How long the test waits for a call at all: past this, it hangs, and the test fails.
const WATCHDOG: Duration = Duration::from_secs(15);
/// When the flag is set, after the call has begun (not a multiple of the 100 ms sleep slice,
/// so that the figures printed show a typical delay rather than a lucky one).
const SET_AFTER: Duration = Duration::from_millis(350);

fn flag() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

/// Runs `op` on a worker thread, sets `flag` `SET_AFTER` later from this thread, and
/// returns what `op` returned and how long after the flag was set it did. Fails the test
/// when `op` has not returned within the watchdog.
fn cancel_while<T: Send + 'static>(
    flag: &Arc<AtomicBool>,
    op: impl FnOnce() -> T + Send + 'static,
) -> (T, Duration) {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let result = op();
        let _ = tx.send((result, Instant::now()));
    });
    thread::sleep(SET_AFTER);
    let set_at = Instant::now();
    flag.store(true, Ordering::SeqCst);
    let (result, returned_at) = rx
        .recv_timeout(WATCHDOG)
        .expect("the call did not return after the flag was set");
    (result, returned_at.saturating_duration_since(set_at))
}

/// Asserts a cancellation of `step` for `job_id`, within the bound, and prints the time.
fn assert_cancelled(what: &str, err: &Error, step: Step, job_id: Option<&str>, took: Duration) {
    eprintln!("{what}: returned {took:?} after the flag was set");
    assert!(
        matches!(err, Error::Cancelled { step: s, .. } if *s == step),
        "{what}: {err:?}"
    );
    assert_eq!(err.job_id(), job_id, "{what}: {err}");
    assert!(!err.is_local(), "{what}");
    assert!(took < BOUND, "{what}: took {took:?} after the flag was set");
}

/// A client of `emulator` with `flag`, checking jobs right away and then only every 30 s.
fn slow_polling(emulator: &Emulator, flag: &Arc<AtomicBool>) -> Client {
    emulator
        .client_builder()
        .poll_schedule(PollSchedule::fixed(Duration::from_secs(30)))
        .cancel_flag(flag.clone())
        .build()
        .unwrap()
}

/// A finished job's status, and a folder holding `out.json` with old content.
fn finished_job(client: &Client) -> (JobStatus, TempDir) {
    let job = start_job(client);
    let done = client.wait(&job, |_| {}).unwrap();
    let dir = TempDir::new();
    std::fs::write(dir.join("out.json"), b"old").unwrap();
    (done, dir)
}

/// The output was left as it was, and no temporary file is left beside it.
fn assert_nothing_left(dir: &TempDir) {
    assert_eq!(dir.files(), ["out.json"], "no temporary file is left");
    assert_eq!(std::fs::read(dir.join("out.json")).unwrap(), b"old");
}

#[test]
fn cancel_during_the_poll_sleep() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let stop = flag();
    let client = slow_polling(&emulator, &stop);
    let job = start_job(&client);
    let id = job.id().to_string();
    let (result, took) = cancel_while(&stop, move || client.wait(&job, |_| {}));
    let err = result.unwrap_err();
    assert_cancelled("poll sleep", &err, Step::JobCheck, Some(&id), took);
    assert_eq!(
        err.to_string(),
        format!("cancelled during job/check (job {id})")
    );
}

#[test]
fn cancel_from_the_status_callback() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let stop = flag();
    let client = slow_polling(&emulator, &stop);
    let job = start_job(&client);
    let mut set_at = None;
    let result = client.wait(&job, |_| {
        set_at = Some(Instant::now());
        stop.store(true, Ordering::SeqCst);
    });
    // Without the flag this wait would sleep 30 s before its second check.
    let took = set_at.expect("the callback ran").elapsed();
    let err = result.unwrap_err();
    assert_cancelled(
        "status callback",
        &err,
        Step::JobCheck,
        Some(job.id()),
        took,
    );
    let checks = emulator
        .requests()
        .iter()
        .filter(|r| r.path.contains("job/check"))
        .count();
    assert_eq!(checks, 1, "no check after the flag was set");
}

#[test]
fn cancel_from_a_thread_the_test_spawns() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let stop = flag();
    let client = slow_polling(&emulator, &stop);
    let job = start_job(&client);
    let setter = {
        let stop = stop.clone();
        thread::spawn(move || {
            thread::sleep(SET_AFTER);
            let set_at = Instant::now();
            stop.store(true, Ordering::SeqCst);
            set_at
        })
    };
    // The wait runs on the test's own thread; the watchdog here is the 30 s poll gap, which
    // the bound below catches.
    let result = client.wait(&job, |_| {});
    let returned_at = Instant::now();
    let set_at = setter.join().unwrap();
    let took = returned_at.saturating_duration_since(set_at);
    assert_cancelled(
        "other thread",
        &result.unwrap_err(),
        Step::JobCheck,
        Some(job.id()),
        took,
    );
}

#[test]
fn cancel_during_a_retry_backoff() {
    let emulator = Emulator::start().unwrap();
    let stop = flag();
    let client = emulator
        .client_builder()
        .cancel_flag(stop.clone())
        .build()
        .unwrap();
    let (done, dir) = finished_job(&client);
    // Storage answers 503 with `Retry-After: 60`: the retry sleeps a minute.
    emulator.fail_next(
        Endpoint::Download,
        Fault::Throttle {
            retry_after: Some(60),
        },
    );
    let dest = dir.join("out.json");
    let (result, took) = {
        let (client, done) = (client.clone(), done.clone());
        cancel_while(&stop, move || client.download(&done, &dest))
    };
    let err = result.unwrap_err();
    assert_cancelled(
        "retry backoff",
        &err,
        Step::Download,
        Some(done.job_id()),
        took,
    );
    assert_nothing_left(&dir);
}

#[test]
fn cancel_during_a_download() {
    let emulator = Emulator::start().unwrap();
    let stop = flag();
    let client = emulator
        .client_builder()
        .cancel_flag(stop.clone())
        .build()
        .unwrap();
    let (done, dir) = finished_job(&client);
    let size = client
        .download(&done, pdfco::Destination::memory())
        .unwrap()
        .text()
        .unwrap()
        .len();
    // 50 bytes every 20 ms: the whole result would take this long.
    let whole = Duration::from_millis(20) * (size / 50) as u32;
    assert!(
        whole > SET_AFTER * 4,
        "the result ({size} bytes) is long enough to be cut"
    );
    emulator.fail_next(
        Endpoint::Download,
        Fault::Trickle {
            bytes: 50,
            pause: Duration::from_millis(20),
        },
    );
    let dest = dir.join("out.json");
    let (result, took) = {
        let (client, done) = (client.clone(), done.clone());
        cancel_while(&stop, move || client.download(&done, &dest))
    };
    let err = result.unwrap_err();
    assert_cancelled("download", &err, Step::Download, Some(done.job_id()), took);
    assert_nothing_left(&dir);
}

/// 1 MiB of zeros, 1 KiB per read with 20 ms between: 20 s in all.
struct SlowReader {
    left: usize,
}

impl Read for SlowReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        thread::sleep(Duration::from_millis(20));
        let n = buf.len().min(1024).min(self.left);
        buf[..n].fill(0);
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn cancel_during_an_upload() {
    let emulator = Emulator::start().unwrap();
    let stop = flag();
    let client = emulator
        .client_builder()
        .cancel_flag(stop.clone())
        .build()
        .unwrap();
    let len = 1024 * 1024;
    let (result, took) = cancel_while(&stop, move || {
        client.upload(pdfco::Input::reader(
            "slow.pdf",
            SlowReader { left: len },
            len as u64,
        ))
    });
    let err = result.unwrap_err();
    assert_cancelled("upload", &err, Step::Upload, None, took);
}

#[test]
fn cancel_a_batch() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let stop = flag();
    let client = slow_polling(&emulator, &stop);
    let dir = TempDir::new();
    let files: Vec<_> = (0..3)
        .map(|i| (SAMPLE.into(), dir.join(&format!("{i}.json"))))
        .collect::<Vec<(std::path::PathBuf, std::path::PathBuf)>>();
    let (report, took) = cancel_while(&stop, move || {
        files
            .into_iter()
            .fold(client.batch(), |batch, (input, output)| {
                batch.file(&Request::convert(OutputFormat::Json), input, output)
            })
            .run(|_| {})
    });
    eprintln!("batch: returned {took:?} after the flag was set");
    assert!(took < BOUND, "batch took {took:?}");
    assert_eq!(report.failures(), 3, "{report}");
    for item in report.items() {
        let err = item.result().unwrap_err();
        assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
        assert_eq!(err.job_id(), item.job_id(), "{err}");
    }
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}

#[test]
fn a_set_flag_sends_nothing_and_a_reset_flag_reuses_the_client() {
    let emulator = Emulator::start().unwrap();
    let stop = flag();
    let client = emulator
        .client_builder()
        .cancel_flag(stop.clone())
        .build()
        .unwrap();
    stop.store(true, Ordering::SeqCst);
    let err = client.upload(SAMPLE).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Cancelled {
                step: Step::Presign,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        emulator.requests().is_empty(),
        "nothing is sent once the flag is set"
    );
    stop.store(false, Ordering::SeqCst);
    client.upload(SAMPLE).unwrap();
}

#[test]
fn a_one_call_conversion_cancelled_while_waiting_keeps_the_job_id_and_the_old_output() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let stop = flag();
    let client = slow_polling(&emulator, &stop);
    let dir = TempDir::new();
    std::fs::write(dir.join("out.json"), b"old").unwrap();
    let mut started = None;
    let mut set_at = None;
    let result = client
        .run(&Request::convert(OutputFormat::Json))
        .input(SAMPLE)
        .on_progress(|progress| match progress {
            pdfco::Progress::Started(job) => started = Some(job.id().to_string()),
            pdfco::Progress::Status(_) => {
                set_at = Some(Instant::now());
                stop.store(true, Ordering::SeqCst);
            }
            _ => {}
        })
        .save(dir.join("out.json"));
    let took = set_at.expect("a status was seen").elapsed();
    let err = result.unwrap_err();
    let id = started.expect("the job started");
    assert_cancelled("one-call conversion", &err, Step::JobCheck, Some(&id), took);
    assert_nothing_left(&dir);
}

#[test]
fn cancel_during_a_page_set_download_leaves_no_page() {
    let emulator = Emulator::start().unwrap();
    let stop = flag();
    let client = emulator
        .client_builder()
        .cancel_flag(stop.clone())
        .build()
        .unwrap();
    let file = client.upload(SAMPLE).unwrap();
    let job = match client
        .start(&Request::convert(OutputFormat::Png).url(file.url()))
        .unwrap()
    {
        pdfco::Conversion::Started(job) => job,
        other => panic!("expected a job, got {other:?}"),
    };
    let done = client.wait(&job, |_| {}).unwrap();
    let dir = TempDir::new();
    std::fs::write(dir.join("out.json"), b"old").unwrap();
    // The listing of page URLs comes whole (an `identity` encoding changes nothing); the
    // first page trickles.
    emulator.fail_next(
        Endpoint::Download,
        Fault::ContentEncoding("identity".into()),
    );
    emulator.fail_next(
        Endpoint::Download,
        Fault::Trickle {
            bytes: 20,
            pause: Duration::from_millis(20),
        },
    );
    let (result, took) = {
        let (client, done, dir) = (client.clone(), done.clone(), dir.path().to_path_buf());
        cancel_while(&stop, move || {
            client.download(&done, pdfco::Destination::folder(dir, "page"))
        })
    };
    let err = result.unwrap_err();
    assert_cancelled("page set", &err, Step::Download, Some(done.job_id()), took);
    assert_nothing_left(&dir);
}
