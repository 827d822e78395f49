//! The fault matrix: every scripted fault at every step, with the outcome it must have, and
//! the invariants that hold whatever happens. Run with `--nocapture` to see the table.

mod common;

use std::time::{Duration, Instant};

use common::{SAMPLE, TempDir, assert_clean, signature};
use pdfco::testing::{Emulator, Endpoint, Fault, Host, Outcome};
use pdfco::{Error, Job, JobState, OutputFormat, Request, RetryPolicy, Step};

/// What a case must end in.
enum Expect {
    /// The workflow succeeds, with exactly one job started.
    Recovers,
    /// The workflow fails with an error this accepts.
    Fails(fn(&Error) -> bool),
}

struct Case {
    name: &'static str,
    endpoint: Endpoint,
    fault: Fault,
    expect: Expect,
}

fn case(name: &'static str, endpoint: Endpoint, fault: Fault, expect: Expect) -> Case {
    Case {
        name,
        endpoint,
        fault,
        expect,
    }
}

fn status(code: u16) -> Fault {
    Fault::Status(code)
}

fn body(status: u16, content_type: &str, text: &str) -> Fault {
    Fault::Body {
        status,
        content_type: content_type.into(),
        body: text.into(),
    }
}

const PREVIOUS: &[u8] = b"the result of an earlier, successful run";

/// Runs one whole conversion into a destination that already holds an earlier result, and
/// checks the invariants. Returns a line for the table.
fn run(case: Case, emulator: Emulator, client: pdfco::Client) -> String {
    let dir = TempDir::new();
    let dest = dir.join("result.json");
    std::fs::write(&dest, PREVIOUS).unwrap();
    emulator.fail_next(case.endpoint, case.fault.clone());
    let started = Instant::now();
    let result = client
        .run(&Request::convert(OutputFormat::Json))
        .input(SAMPLE)
        .save(&dest);
    let elapsed = started.elapsed();
    let requests = emulator.requests();

    // Never the key to storage.
    assert!(
        requests
            .iter()
            .filter(|r| r.host == Host::Storage)
            .all(|r| r.header("x-api-key").is_none()),
        "{}: key sent to storage",
        case.name
    );
    let job_started = emulator.job_count() > 0;
    let outcome = match (&case.expect, &result) {
        (Expect::Recovers, Ok(report)) => {
            let written = std::fs::read(&dest).unwrap();
            assert!(
                serde_json::from_slice::<serde_json::Value>(&written).is_ok(),
                "{}: result is not complete JSON",
                case.name
            );
            assert_eq!(written.len() as u64, report.bytes(), "{}", case.name);
            assert_eq!(
                emulator.job_count(),
                1,
                "{}: exactly one paid job",
                case.name
            );
            "recovered".to_string()
        }
        (Expect::Fails(accept), Err(err)) => {
            assert!(accept(err), "{}: unexpected error {err:?}", case.name);
            assert_eq!(
                std::fs::read(&dest).unwrap(),
                PREVIOUS,
                "{}: destination clobbered",
                case.name
            );
            if job_started {
                assert!(
                    err.job_id().is_some(),
                    "{}: no job id in {err:?}",
                    case.name
                );
            }
            let mut secrets: Vec<String> = requests
                .iter()
                .map(|r| signature(&format!("?{}", r.query)))
                .filter(|s| !s.is_empty())
                .collect();
            secrets.push(emulator.api_key());
            let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
            assert_clean(&format!("{err} {err:?}"), &secrets);
            format!("error: {err}")
        }
        (Expect::Recovers, Err(err)) => panic!("{}: expected recovery, got {err:?}", case.name),
        (Expect::Fails(_), Ok(_)) => panic!("{}: expected an error, got success", case.name),
    };
    assert_eq!(dir.files(), ["result.json"], "{}: stray files", case.name);
    format!("{:<44} {:>6} ms  {outcome}", case.name, elapsed.as_millis())
}

fn fast(emulator: &Emulator) -> pdfco::Client {
    emulator.client_builder().build().unwrap()
}

#[test]
fn fault_matrix() {
    let cases = vec![
        // Presign: idempotent, retried.
        case(
            "presign 500",
            Endpoint::Presign,
            status(500),
            Expect::Recovers,
        ),
        case(
            "presign 429 without Retry-After",
            Endpoint::Presign,
            Fault::Throttle { retry_after: None },
            Expect::Recovers,
        ),
        case(
            "presign reset mid-request",
            Endpoint::Presign,
            Fault::ResetRequest,
            Expect::Recovers,
        ),
        case(
            "presign body cut short",
            Endpoint::Presign,
            Fault::ShortBody,
            Expect::Recovers,
        ),
        case(
            "presign 502 HTML page",
            Endpoint::Presign,
            body(502, "text/html", "<html>Bad Gateway</html>"),
            Expect::Recovers,
        ),
        case(
            "presign 401",
            Endpoint::Presign,
            status(401),
            Expect::Fails(|e| e.status() == Some(401)),
        ),
        case(
            "presign 402",
            Endpoint::Presign,
            status(402),
            Expect::Fails(|e| e.status() == Some(402)),
        ),
        case(
            "presign malformed JSON",
            Endpoint::Presign,
            body(200, "application/json", "{\"presignedUrl\": "),
            Expect::Fails(|e| {
                matches!(
                    e,
                    Error::Decode {
                        step: Step::Presign,
                        ..
                    }
                )
            }),
        ),
        case(
            "presign 200 with error: true",
            Endpoint::Presign,
            Fault::ErrorInBody(400),
            Expect::Fails(|e| e.status() == Some(400)),
        ),
        // Upload: the file is read again.
        case(
            "upload refused once (503)",
            Endpoint::Upload,
            status(503),
            Expect::Recovers,
        ),
        case(
            "upload reset mid-request",
            Endpoint::Upload,
            Fault::ResetRequest,
            Expect::Recovers,
        ),
        case(
            "upload throttled",
            Endpoint::Upload,
            Fault::Throttle { retry_after: None },
            Expect::Recovers,
        ),
        case(
            "upload 403",
            Endpoint::Upload,
            status(403),
            Expect::Fails(|e| matches!(e, Error::Storage { status: 403, .. })),
        ),
        // Convert: paid, never repeated once it may have arrived.
        case(
            "convert reset mid-request",
            Endpoint::Convert,
            Fault::ResetRequest,
            Expect::Fails(|e| {
                matches!(
                    e,
                    Error::Transport {
                        step: Step::Start,
                        ..
                    }
                )
            }),
        ),
        case(
            "convert 500",
            Endpoint::Convert,
            status(500),
            Expect::Fails(|e| e.status() == Some(500)),
        ),
        case(
            "convert 429 without Retry-After",
            Endpoint::Convert,
            Fault::Throttle { retry_after: None },
            Expect::Recovers,
        ),
        case(
            "convert 441",
            Endpoint::Convert,
            status(441),
            Expect::Fails(|e| e.status() == Some(441)),
        ),
        case(
            "convert 442 in a 200",
            Endpoint::Convert,
            Fault::ErrorInBody(442),
            Expect::Fails(|e| e.status() == Some(442)),
        ),
        case(
            "convert HTML 500",
            Endpoint::Convert,
            body(500, "text/html", "<html>oops</html>"),
            Expect::Fails(|e| e.status() == Some(500)),
        ),
        // Job check: idempotent, retried; errors carry the job id.
        case(
            "check 500",
            Endpoint::JobCheck,
            status(500),
            Expect::Recovers,
        ),
        case(
            "check 429",
            Endpoint::JobCheck,
            Fault::Throttle {
                retry_after: Some(0),
            },
            Expect::Recovers,
        ),
        case(
            "check reset mid-request",
            Endpoint::JobCheck,
            Fault::ResetRequest,
            Expect::Recovers,
        ),
        case(
            "check reset mid-body",
            Endpoint::JobCheck,
            Fault::ResetBody,
            Expect::Recovers,
        ),
        case(
            "check oversized garbage",
            Endpoint::JobCheck,
            body(200, "text/html", &"<p>".repeat(5000)),
            Expect::Fails(|e| {
                matches!(
                    e,
                    Error::Decode {
                        step: Step::JobCheck,
                        ..
                    }
                )
            }),
        ),
        case(
            "check 401",
            Endpoint::JobCheck,
            status(401),
            Expect::Fails(|e| e.status() == Some(401)),
        ),
        // Download: resumed with Range from what was written.
        case(
            "download body cut short",
            Endpoint::Download,
            Fault::ShortBody,
            Expect::Recovers,
        ),
        case(
            "download reset mid-body",
            Endpoint::Download,
            Fault::ResetBody,
            Expect::Recovers,
        ),
        case(
            "download slow trickle",
            Endpoint::Download,
            Fault::Trickle {
                bytes: 1024,
                pause: Duration::from_millis(2),
            },
            Expect::Recovers,
        ),
        case(
            "download 500",
            Endpoint::Download,
            status(500),
            Expect::Recovers,
        ),
        case(
            "download throttled",
            Endpoint::Download,
            Fault::Throttle {
                retry_after: Some(0),
            },
            Expect::Recovers,
        ),
        case(
            "download 403",
            Endpoint::Download,
            status(403),
            Expect::Fails(|e| matches!(e, Error::Storage { status: 403, .. })),
        ),
    ];
    let mut table = Vec::new();
    for c in cases {
        let emulator = Emulator::start().unwrap();
        let client = fast(&emulator);
        table.push(run(c, emulator, client));
    }
    println!("\n{}", table.join("\n"));
}

#[test]
fn retry_after_is_honoured() {
    let emulator = Emulator::start().unwrap();
    let client = fast(&emulator);
    let line = run(
        case(
            "presign 429 Retry-After: 1",
            Endpoint::Presign,
            Fault::Throttle {
                retry_after: Some(1),
            },
            Expect::Recovers,
        ),
        emulator,
        client,
    );
    let ms: u64 = line
        .split_whitespace()
        .rev()
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    assert!(ms >= 1000, "waited only {ms} ms: {line}");
    println!("{line}");
}

#[test]
fn a_resumed_download_asks_for_the_rest_only() {
    let emulator = Emulator::start().unwrap();
    let client = fast(&emulator);
    let line = run(
        case(
            "download cut short, resumed",
            Endpoint::Download,
            Fault::ShortBody,
            Expect::Recovers,
        ),
        emulator,
        client,
    );
    println!("{line}");
}

#[test]
fn resume_requests_use_range_and_get_206() {
    let emulator = Emulator::start().unwrap();
    let client = fast(&emulator);
    let dir = TempDir::new();
    emulator.fail_next(Endpoint::Download, Fault::ResetBody);
    let report = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("r.json"))
        .unwrap();
    let gets: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Storage && r.method == "GET")
        .collect();
    assert_eq!(gets.len(), 2, "{gets:?}");
    assert_eq!(gets[0].header("range"), None);
    let half = report.bytes() / 2;
    assert_eq!(
        gets[1].header("range"),
        Some(format!("bytes={half}-").as_str())
    );
    assert_eq!(gets[1].status, 206);
}

#[test]
fn a_stalled_download_times_out_and_resumes() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .timeout_stall(Duration::from_millis(200))
        .build()
        .unwrap();
    let line = run(
        case(
            "download stalls 2 s (stall timeout 200 ms)",
            Endpoint::Download,
            Fault::Stall(Duration::from_secs(2)),
            Expect::Recovers,
        ),
        emulator,
        client,
    );
    println!("{line}");
}

#[test]
fn with_retries_off_each_fault_is_the_error() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let line = run(
        case(
            "download cut short, no retries",
            Endpoint::Download,
            Fault::ShortBody,
            Expect::Fails(|e| matches!(e, Error::Incomplete { .. } | Error::Transport { .. })),
        ),
        emulator,
        client,
    );
    println!("{line}");
}

#[test]
fn a_workflow_deadline_stops_a_trickle_without_leaving_a_file() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .workflow_timeout(Duration::from_millis(600))
        .build()
        .unwrap();
    let trickle = Fault::Trickle {
        bytes: 16,
        pause: Duration::from_millis(20),
    };
    let line = run(
        case(
            "download trickle past a 600 ms deadline",
            Endpoint::Download,
            trickle,
            Expect::Fails(|e| e.is_timeout()),
        ),
        emulator,
        client,
    );
    println!("{line}");
}

#[test]
fn a_workflow_deadline_ends_a_stuck_job() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let client = emulator
        .client_builder()
        .workflow_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let dir = TempDir::new();
    let started = Instant::now();
    let err = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("x.json"))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::JobTimeout {
                last_state: JobState::Working,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_timeout() && err.job_id().is_some());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(dir.files().is_empty());
}

#[test]
fn a_job_pdf_co_does_not_know_ends_as_unknown() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .force_check_after(Duration::from_millis(50))
        .job_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let mut states = Vec::new();
    let err = client
        .wait(&Job::resume("NO-SUCH-JOB", None), |s| {
            states.push(s.state().clone())
        })
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::JobFailed {
                state: JobState::Unknown,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(states.last(), Some(&JobState::Unknown));
    assert!(
        states[..states.len() - 1]
            .iter()
            .all(|s| s == &JobState::Working)
    );
    let forced: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.query.contains("force=true"))
        .collect();
    assert_eq!(
        forced.len(),
        1,
        "only the check after the threshold is forced"
    );
    // A real job keeps going when force-checked.
    let dir = TempDir::new();
    let slow = Emulator::builder().working_checks(8).start().unwrap();
    let client = slow
        .client_builder()
        .force_check_after(Duration::from_millis(20))
        .build()
        .unwrap();
    client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("ok.json"))
        .unwrap();
    assert!(
        slow.requests()
            .iter()
            .any(|r| r.query.contains("force=true"))
    );
}

#[test]
fn a_convert_that_never_reached_the_server_is_retried() {
    let emulator = std::sync::Arc::new(Emulator::start().unwrap());
    let file = emulator
        .client_builder()
        .build()
        .unwrap()
        .upload(SAMPLE)
        .unwrap();
    let request = Request::convert(OutputFormat::Json);
    // Fresh clients have no pooled connection, so their convert must connect.
    emulator.set_listening(Host::Api, false).unwrap();

    let no_retry = emulator
        .client_builder()
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let refused = no_retry
        .start(&request.clone().url(file.url()))
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            Error::Transport {
                step: Step::Start,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(emulator.job_count(), 0);

    // The test (not the library) brings the API back while the client backs off.
    let client = emulator
        .client_builder()
        .retry(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(100))
                .max_retries(6),
        )
        .build()
        .unwrap();
    let background = {
        let emulator = emulator.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(250));
            emulator.set_listening(Host::Api, true).unwrap();
        })
    };
    let done = client.start(&request.clone().url(file.url()));
    background.join().unwrap();
    assert!(
        matches!(done, Ok(pdfco::Conversion::Started(_))),
        "{done:?}"
    );
    assert_eq!(emulator.job_count(), 1, "one job, started once");
}

#[test]
fn an_oversized_json_answer_is_refused_at_the_cap() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().json_limit(4096).build().unwrap();
    let big = format!(
        "{{\"status\": \"working\", \"padding\": \"{}\"}}",
        "x".repeat(10_000)
    );
    let line = run(
        case(
            "check answer of 10 kB over a 4 kB cap",
            Endpoint::JobCheck,
            body(200, "application/json", &big),
            Expect::Fails(
                |e| matches!(e, Error::Decode { step: Step::JobCheck, detail, .. } if detail.contains("larger than 4096")),
            ),
        ),
        emulator,
        client,
    );
    println!("{line}");
}

#[test]
fn an_expired_result_link_is_a_403_with_the_job_id() {
    let emulator = Emulator::builder()
        .result_lifetime(Duration::ZERO)
        .start()
        .unwrap();
    let client = fast(&emulator);
    let dir = TempDir::new();
    let dest = dir.join("late.json");
    std::fs::write(&dest, PREVIOUS).unwrap();
    let err = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(&dest)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Storage { status: 403, message, .. } if message.contains("expired")),
        "{err:?}"
    );
    assert!(err.job_id().is_some());
    assert_eq!(std::fs::read(&dest).unwrap(), PREVIOUS);
    assert_eq!(dir.files(), ["late.json"]);
}

#[test]
fn a_workflow_deadline_bounds_a_slow_api_answer_too() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .workflow_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    // A job check answer of about 150 bytes at one byte per 100 ms would take 15 s.
    emulator.fail_next(
        Endpoint::JobCheck,
        Fault::Trickle {
            bytes: 1,
            pause: Duration::from_millis(100),
        },
    );
    let dir = TempDir::new();
    let started = Instant::now();
    let err = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("slow.json"))
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.job_id().is_some());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the deadline held: {:?}",
        started.elapsed()
    );
}

#[test]
fn a_throttled_convert_is_retried_after_retry_after_and_starts_one_job() {
    let emulator = Emulator::start().unwrap();
    let client = fast(&emulator);
    let line = run(
        case(
            "convert 429 Retry-After: 1",
            Endpoint::Convert,
            Fault::Throttle {
                retry_after: Some(1),
            },
            Expect::Recovers,
        ),
        emulator,
        client,
    );
    let ms: u64 = line
        .split_whitespace()
        .rev()
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    assert!(ms >= 1000, "waited only {ms} ms: {line}");
    println!("{line}");
}

#[test]
fn a_throttled_convert_past_the_deadline_is_returned_with_its_retry_after() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .workflow_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let line = run(
        case(
            "convert 429 Retry-After: 7 past a 3 s deadline",
            Endpoint::Convert,
            Fault::Throttle {
                retry_after: Some(7),
            },
            Expect::Fails(
                |e| matches!(e, Error::Api { status: 429, retry_after: Some(d), .. } if d.as_secs() == 7),
            ),
        ),
        emulator,
        client,
    );
    println!("{line}");
}
