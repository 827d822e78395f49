//! The step-by-step path: byte progress on `Client::upload` and `Client::download` (through
//! the `Input` and `Destination` passed in) with retries, the safe rename and cancellation
//! kept; and `wait`/`download` taking what `start`/`wait` return, without a `match`.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{SAMPLE, TempDir, setup};
use pdfco::testing::{Emulator, Endpoint, Fault};
use pdfco::{Destination, Error, Input, OutputFormat, Progress, Request, Step};

/// The `Uploading`/`Uploaded` and `Downloading` values a callback saw.
#[derive(Debug, Default, Clone, PartialEq)]
struct Seen {
    sent: Vec<(u64, u64)>,
    uploaded: Vec<u64>,
    received: Vec<u64>,
}

fn recorder() -> (Arc<Mutex<Seen>>, impl FnMut(Progress<'_>) + Send + 'static) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let into = seen.clone();
    let record = move |p: Progress<'_>| {
        let mut seen = into.lock().unwrap();
        match p {
            Progress::Uploading { sent, total } => seen.sent.push((sent, total)),
            Progress::Uploaded { bytes } => seen.uploaded.push(bytes),
            Progress::Downloading { received } => seen.received.push(received),
            _ => {}
        }
    };
    (seen, record)
}

#[test]
fn upload_reports_bytes_sent_and_still_retries() {
    let (emulator, client) = setup();
    let size = std::fs::metadata(SAMPLE).unwrap().len();
    // The first PUT is refused with a 503: the upload is retried, and the count starts over.
    emulator.fail_next(Endpoint::Upload, Fault::Status(503));
    let (seen, record) = recorder();
    let file = client
        .upload(Input::from(SAMPLE).on_progress(record))
        .unwrap();
    assert_eq!(file.size(), size);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.uploaded, [size], "{seen:?}");
    assert_eq!(seen.sent.last(), Some(&(size, size)), "{seen:?}");
    assert!(
        seen.sent.iter().all(|&(_, total)| total == size),
        "{seen:?}"
    );
    // Each of the two attempts counted the whole file from zero.
    let passes = seen.sent.iter().filter(|&&(sent, _)| sent == size).count();
    assert_eq!(
        passes, 2,
        "the retried PUT counts from zero again: {seen:?}"
    );
    assert!(
        seen.sent
            .windows(2)
            .all(|w| w[0].0 <= w[1].0 || w[1].0 < size)
    );
    let puts = common::on(&emulator, pdfco::testing::Host::Storage)
        .into_iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(puts, 2);
}

#[test]
fn download_reports_bytes_received_keeps_the_safe_rename_and_resumes() {
    let (emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let started = client
        .start(&Request::convert(OutputFormat::Json).url(file.url()))
        .unwrap();
    let done = client.wait(&started, |_| {}).unwrap();
    let dir = TempDir::new();
    let dest = dir.join("out.json");
    // Cut off half way: the download resumes with `Range`, and goes on counting.
    emulator.fail_next(Endpoint::Download, Fault::ResetBody);
    let (seen, record) = recorder();
    let saved = client
        .download(&done, Destination::from(&dest).on_progress(record))
        .unwrap();
    let len = std::fs::metadata(&dest).unwrap().len();
    assert_eq!(saved.bytes(), len);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.received.last(), Some(&len), "{seen:?}");
    assert!(seen.received.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(
        dir.files(),
        ["out.json"],
        "no temporary file is left behind"
    );
    let ranged = emulator
        .requests()
        .into_iter()
        .filter(|r| r.header("range").is_some())
        .count();
    assert_eq!(ranged, 1, "the second try asked for the rest");
}

#[test]
fn every_destination_reports_progress() {
    let (_emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let started = client
        .start(&Request::convert(OutputFormat::Json).url(file.url()))
        .unwrap();
    let done = client.wait(&started, |_| {}).unwrap();
    let dir = TempDir::new();

    let (seen, record) = recorder();
    let saved = client
        .download(&done, Destination::memory().on_progress(record))
        .unwrap();
    assert_eq!(seen.lock().unwrap().received.last(), Some(&saved.bytes()));

    let (seen, record) = recorder();
    let mut buffer = Vec::new();
    let saved = client
        .download(&done, Destination::writer(&mut buffer).on_progress(record))
        .unwrap();
    assert_eq!(seen.lock().unwrap().received.last(), Some(&saved.bytes()));
    assert_eq!(buffer.len() as u64, saved.bytes());

    let (seen, record) = recorder();
    let saved = client
        .download(
            &done,
            Destination::folder(dir.path(), "sample").on_progress(record),
        )
        .unwrap();
    assert_eq!(seen.lock().unwrap().received.last(), Some(&saved.bytes()));
    assert_eq!(dir.files(), ["sample.json"]);
}

fn cancellable(emulator: &Emulator) -> (pdfco::Client, Arc<AtomicBool>) {
    let stop = Arc::new(AtomicBool::new(false));
    let client = emulator
        .client_builder()
        .cancel_flag(stop.clone())
        .build()
        .unwrap();
    (client, stop)
}

#[test]
fn a_download_with_progress_is_cancelled_between_chunks() {
    let emulator = Emulator::start().unwrap();
    let (client, stop) = cancellable(&emulator);
    let file = client.upload(SAMPLE).unwrap();
    let started = client
        .start(&Request::convert(OutputFormat::Json).url(file.url()))
        .unwrap();
    let done = client.wait(&started, |_| {}).unwrap();
    let dir = TempDir::new();
    let dest = dir.join("out.json");
    std::fs::write(&dest, b"old").unwrap();
    // 50 bytes every 20 ms: the whole result (8 KB) would take seconds.
    emulator.fail_next(
        Endpoint::Download,
        Fault::Trickle {
            bytes: 50,
            pause: Duration::from_millis(20),
        },
    );
    let flag = stop.clone();
    let setter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        flag.store(true, Ordering::SeqCst);
    });
    let (seen, record) = recorder();
    let began = std::time::Instant::now();
    let err = client
        .download(&done, Destination::from(&dest).on_progress(record))
        .unwrap_err();
    setter.join().unwrap();
    assert!(
        began.elapsed() < Duration::from_secs(20),
        "watchdog: {:?}",
        began.elapsed()
    );
    assert!(
        matches!(
            &err,
            Error::Cancelled {
                step: Step::Download,
                job_id: Some(id),
                ..
            } if id == done.job_id()
        ),
        "{err:?}"
    );
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.received.len() <= 1,
        "at most the bytes before the stop: {seen:?}"
    );
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        b"old",
        "the old file is kept"
    );
    assert_eq!(
        dir.files(),
        ["out.json"],
        "no temporary file is left behind"
    );
}

#[test]
fn an_upload_with_progress_is_cancelled_between_chunks() {
    let emulator = Emulator::start().unwrap();
    let (client, stop) = cancellable(&emulator);
    let big = vec![b'x'; 4 * 1024 * 1024];
    let calls = Arc::new(Mutex::new(0));
    let (count, flag) = (calls.clone(), stop.clone());
    let input = Input::bytes("big.pdf", &big[..]).on_progress(move |p| {
        if let Progress::Uploading { .. } = p {
            *count.lock().unwrap() += 1;
            flag.store(true, Ordering::SeqCst);
        }
    });
    let err = client.upload(input).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Cancelled {
                step: Step::Upload,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(*calls.lock().unwrap(), 1, "stopped after the first chunk");
}

#[test]
fn an_input_reports_its_upload_inside_a_run_too() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let size = std::fs::metadata(SAMPLE).unwrap().len();
    let (seen, record) = recorder();
    client
        .run(&Request::convert(OutputFormat::Csv))
        .input(Input::from(SAMPLE).on_progress(record))
        .save(dir.join("out.csv"))
        .unwrap();
    assert_eq!(seen.lock().unwrap().uploaded, [size]);
}

#[test]
fn wait_takes_what_start_returns_and_download_what_wait_returns() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let file = client.upload(SAMPLE).unwrap();
    for asynchronous in [true, false] {
        emulator.clear_requests();
        let request = Request::convert(OutputFormat::Csv)
            .url(file.url())
            .asynchronous(asynchronous);
        let started = client.start(&request).unwrap();
        let mut statuses = 0;
        let done = client.wait(&started, |_| statuses += 1).unwrap();
        assert_eq!(done.state(), &pdfco::JobState::Success);
        assert_eq!(done.page_count(), Some(3));
        let checks = common::on(&emulator, pdfco::testing::Host::Api)
            .into_iter()
            .filter(|r| r.path.contains("job/check"))
            .count();
        if asynchronous {
            assert!(checks >= 1 && statuses == checks, "{checks} {statuses}");
            assert!(!done.job_id().is_empty());
        } else {
            assert_eq!(
                (checks, statuses),
                (0, 0),
                "a finished conversion waits for nothing"
            );
            assert_eq!(done.job_id(), "", "no job: no id");
        }
        let out = dir.join(&format!("out-{asynchronous}.csv"));
        let saved = client.download(&done, &out).unwrap();
        assert!(saved.bytes() > 0);
        assert_eq!(std::fs::metadata(&out).unwrap().len(), saved.bytes());
    }
}

#[test]
fn a_synchronous_error_after_wait_carries_no_empty_job_id() {
    let (emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Csv)
        .url(file.url())
        .asynchronous(false);
    let done = client
        .wait(&client.start(&request).unwrap(), |_| {})
        .unwrap();
    emulator.fail_next(Endpoint::Download, Fault::Status(403));
    let dir = TempDir::new();
    let err = client
        .download(&done, dir.join("out.csv"))
        .map(|_| ())
        .unwrap_err();
    let err = match err {
        e @ Error::Storage { .. } => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(err.job_id(), None, "{err:?}");
}
