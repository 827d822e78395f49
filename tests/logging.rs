//! Logging through the `log` facade: the lines each concern writes (`pdfco::http`,
//! `pdfco::retry`, `pdfco::job`, `pdfco::checkpoint`), and that none of them holds a secret:
//! the API key, a document or basic-auth password, a URL's userinfo password, or the
//! signature of a presigned or result URL.
//!
//! One capturing logger serves the whole test binary. The library logs on the caller's
//! thread, so each test reads only the lines of its own thread. Like a typical logger set to
//! `pdfco=trace` and everything else at `debug`, it keeps every level of `pdfco::*` and all
//! but trace of other crates: ureq masks URLs and headers in its own lines except at trace,
//! so the secret checks cover every line of the stack, ureq's included.

mod common;

use std::sync::{Mutex, Once, PoisonError};
use std::thread::ThreadId;
use std::time::Duration;

use common::{SAMPLE, TempDir};
use log::{Level, Log, Metadata, Record};
use pdfco::testing::{Emulator, Endpoint, Fault, Host, Outcome};
use pdfco::{Error, Input, Job, OutputFormat, Request};

/// One captured line.
#[derive(Clone, Debug)]
struct Line {
    thread: ThreadId,
    level: Level,
    target: String,
    text: String,
}

struct Capture(Mutex<Vec<Line>>);

impl Log for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("pdfco") || metadata.level() <= Level::Debug
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = Line {
            thread: std::thread::current().id(),
            level: record.level(),
            target: record.target().to_string(),
            text: record.args().to_string(),
        };
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }

    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

/// Installs the capturing logger once, at the most verbose level.
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&CAPTURE).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// The lines logged so far on this thread.
fn lines() -> Vec<Line> {
    let me = std::thread::current().id();
    CAPTURE
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|l| l.thread == me)
        .cloned()
        .collect()
}

/// The texts of this thread's lines at `level` on `target`.
fn texts(level: Level, target: &str) -> Vec<String> {
    lines()
        .into_iter()
        .filter(|l| l.level == level && l.target == target)
        .map(|l| l.text)
        .collect()
}

/// The first of `texts` that contains every one of `parts`, or a failure listing them all.
fn find<'a>(texts: &'a [String], parts: &[&str]) -> &'a str {
    texts
        .iter()
        .find(|t| parts.iter().all(|p| t.contains(p)))
        .unwrap_or_else(|| panic!("no line with all of {parts:?} in {texts:#?}"))
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Asserts that no line of this thread holds any of `secrets`, raw or percent-encoded.
fn assert_no_secret(secrets: &[&str]) {
    let all = lines();
    assert!(!all.is_empty(), "nothing was logged");
    for line in &all {
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            for form in [secret.to_string(), encode(secret)] {
                assert!(
                    !line.text.contains(&form),
                    "{form:?} leaked on {}: {}",
                    line.target,
                    line.text
                );
            }
        }
    }
}

/// The values of `name` in the query of every request the emulator got on `host`.
fn query_values(emulator: &Emulator, host: Host, name: &str) -> Vec<String> {
    emulator
        .requests()
        .iter()
        .filter(|r| r.host == host)
        .filter_map(|r| r.param(name))
        .collect()
}

#[test]
fn a_conversion_logs_each_request_retry_and_state_without_secrets() {
    install();
    let emulator = Emulator::builder().working_checks(1).start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    emulator.fail_next(Endpoint::Presign, Fault::Throttle { retry_after: None });
    emulator.fail_next(Endpoint::Upload, Fault::Throttle { retry_after: None });
    emulator.fail_next(Endpoint::JobCheck, Fault::Status(503));
    emulator.fail_next(Endpoint::Download, Fault::ResetBody);
    let dir = TempDir::new();
    let password = "s3cret-pdf-pw";
    let request = Request::convert(OutputFormat::Json)
        .password(password)
        .http_auth("me", "basic-secret-pw");
    let report = client
        .run(&request)
        .input(SAMPLE)
        .save(dir.join("out.json"))
        .unwrap();
    let job_id = report.job_id().expect("an asynchronous job").to_string();

    let http = texts(Level::Debug, "pdfco::http");
    // One line per attempt: method, where, status or failure, elapsed, attempt number.
    find(
        &http,
        &[
            "GET ",
            "/v1/file/upload/get-presigned-url",
            "status 429",
            " ms",
            "(attempt 1",
        ],
    );
    find(
        &http,
        &[
            "GET ",
            "/v1/file/upload/get-presigned-url",
            "status 200",
            "(attempt 2",
        ],
    );
    let put = find(&http, &["PUT ", "status 503", "(attempt 1", "bytes"]);
    assert!(put.contains("X-Amz-Signature=***"), "{put}");
    find(&http, &["PUT ", "status 200", "(attempt 2"]);
    find(
        &http,
        &[
            "POST ",
            "/v1/pdf/convert/to/json",
            "status 200",
            "(attempt 1",
        ],
    );
    find(
        &http,
        &["GET ", "/v1/job/check?jobid=", "status 503", "(attempt 1"],
    );
    find(
        &http,
        &["GET ", "/v1/job/check?jobid=", "status 200", "(attempt 2"],
    );
    // The body broke off, so the download resumed with a Range request.
    find(
        &http,
        &["GET ", "status 206", "(attempt 2", "Range from byte"],
    );

    let retries = texts(Level::Warn, "pdfco::retry");
    find(
        &retries,
        &["get-presigned-url: retry 1 of 4 in ", " ms after: ", "429"],
    );
    find(&retries, &["storage upload: retry 1 of 4", "503"]);
    find(&retries, &["job/check: retry 1 of 4", "503"]);
    find(&retries, &["result download: retry 1 of 4"]);

    let jobs = texts(Level::Info, "pdfco::job");
    find(&jobs, &[&format!("job {job_id}: working")]);
    find(&jobs, &[&format!("job {job_id}: working -> success")]);

    let mut secrets = vec![
        emulator.api_key(),
        password.into(),
        "basic-secret-pw".into(),
    ];
    secrets.extend(query_values(&emulator, Host::Storage, "X-Amz-Signature"));
    secrets.extend(query_values(&emulator, Host::Storage, "X-Amz-Credential"));
    assert!(secrets.len() > 4, "storage URLs were signed: {secrets:?}");
    assert_no_secret(&secrets.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn a_url_input_with_userinfo_and_an_echoing_throttle_leak_nothing() {
    install();
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    emulator.fail_next(
        Endpoint::Convert,
        Fault::Echo {
            status: 429,
            message: "slow down for {url} and {password}".into(),
        },
    );
    let input = format!(
        "{}/missing/in.pdf?X-Amz-Signature=sig-in-the-url-123",
        emulator
            .storage_origin()
            .replacen("://", "://alice:hunter2-pw@", 1)
    );
    let request = Request::convert(OutputFormat::Text).password("pdf-pass-77");
    let err = client
        .run(&request)
        .input(Input::url(&input))
        .text()
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err}");

    let http = texts(Level::Debug, "pdfco::http");
    find(
        &http,
        &[
            "POST ",
            "/v1/pdf/convert/to/text",
            "status 429",
            "(attempt 1",
        ],
    );
    find(&http, &["POST ", "/v1/pdf/convert/to/text", "(attempt 2"]);
    let retries = texts(Level::Warn, "pdfco::retry");
    let retry = find(&retries, &["start: retry 1 of 4", "429"]);
    assert!(
        retry.contains("alice:***@"),
        "the URL stays readable: {retry}"
    );
    assert_no_secret(&[
        &emulator.api_key(),
        "hunter2-pw",
        "sig-in-the-url-123",
        "pdf-pass-77",
    ]);
}

#[test]
fn a_failed_job_whose_message_repeats_the_password_logs_no_password() {
    install();
    let emulator = Emulator::builder()
        .outcome(Outcome::Failed("bad password {password}".into()))
        .start()
        .unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    let request = Request::convert(OutputFormat::Csv).password("echoed-pw-42");
    let err = client
        .run(&request)
        .input(SAMPLE)
        .save(dir.join("out.csv"))
        .unwrap_err();
    let job_id = err.job_id().expect("the job had started").to_string();
    assert!(matches!(err, Error::JobFailed { .. }), "{err}");
    let jobs = texts(Level::Info, "pdfco::job");
    find(&jobs, &[&format!("job {job_id}: working -> failed")]);
    assert_no_secret(&[&emulator.api_key(), "echoed-pw-42"]);
}

#[test]
fn a_job_pdfco_does_not_know_logs_its_forced_check() {
    install();
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .force_check_after(Duration::from_millis(30))
        .job_timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    // A first check that gets no answer: a failure line, then a retry.
    emulator.fail_next(Endpoint::JobCheck, Fault::ResetRequest);
    let job = Job::resume("LOST-JOB-1", None);
    let err = client.wait(&job, |_| {}).unwrap_err();
    assert!(matches!(err, Error::JobFailed { .. }), "{err}");
    let jobs = texts(Level::Info, "pdfco::job");
    find(&jobs, &["job LOST-JOB-1: working"]);
    find(&jobs, &["job LOST-JOB-1: forced check"]);
    find(&jobs, &["job LOST-JOB-1: working -> unknown"]);
    let http = texts(Level::Debug, "pdfco::http");
    find(
        &http,
        &["GET ", "jobid=LOST-JOB-1&force=true", "status 200"],
    );
    find(
        &http,
        &["GET ", "jobid=LOST-JOB-1 -> failed: ", " ms (attempt 1)"],
    );
    let retries = texts(Level::Warn, "pdfco::retry");
    find(
        &retries,
        &["job/check: retry 1 of 4", "job/check request failed ("],
    );
    assert_no_secret(&[&emulator.api_key()]);
}

#[test]
fn a_checkpoint_resume_is_logged() {
    install();
    let emulator = Emulator::builder()
        .job_duration(Duration::from_millis(400))
        .start()
        .unwrap();
    let client = emulator
        .client_builder()
        .poll_interval(Duration::from_millis(20))
        .job_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let dir = TempDir::new();
    let (dest, checkpoint) = (dir.join("out.json"), dir.join("out.job"));
    let request = Request::convert(OutputFormat::Json).password("ckpt-pw-99");
    let run = || {
        client
            .run(&request)
            .input(SAMPLE)
            .checkpoint(&checkpoint)
            .save(&dest)
    };
    let err = run().unwrap_err();
    assert!(matches!(err, Error::JobTimeout { .. }), "{err}");
    let job_id = err.job_id().unwrap().to_string();
    let saved = texts(Level::Info, "pdfco::checkpoint");
    find(&saved, &[&format!("job {job_id} saved to "), "out.job"]);

    std::thread::sleep(Duration::from_millis(400));
    run().unwrap();
    let resumed = texts(Level::Info, "pdfco::checkpoint");
    find(
        &resumed,
        &[&format!("resuming job {job_id} from "), "out.job"],
    );
    let mut secrets = vec![emulator.api_key(), "ckpt-pw-99".to_string()];
    secrets.extend(query_values(&emulator, Host::Storage, "X-Amz-Signature"));
    assert_no_secret(&secrets.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn a_batch_logs_each_jobs_states() {
    install();
    let emulator = Emulator::builder().working_checks(1).start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    let files = [(SAMPLE, dir.join("a.json")), (SAMPLE, dir.join("b.json"))];
    let report = files
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|_| {});
    assert!(report.is_success(), "{report}");
    let jobs = texts(Level::Info, "pdfco::job");
    for item in report.items() {
        let id = item.job_id().expect("asynchronous jobs");
        find(&jobs, &[&format!("job {id}: working")]);
        find(&jobs, &[&format!("job {id}: working -> success")]);
    }
    assert_no_secret(&[&emulator.api_key()]);
}
