//! Many jobs on one thread: one polling loop, paced, each result downloaded as it finishes.

mod common;

use std::time::Duration;

use common::{NOT_PDF, SAMPLE, TempDir};
use pdfco::testing::{Emulator, Host, Outcome};
use pdfco::{BatchProgress, Error, Job, JobState, OutputFormat, PollSchedule, Request};

fn files(dir: &TempDir, n: usize) -> Vec<(String, std::path::PathBuf)> {
    (0..n)
        .map(|i| (SAMPLE.to_string(), dir.join(&format!("out-{i}.json"))))
        .collect()
}

#[test]
fn many_files_convert_in_one_loop_that_checks_while_starting() {
    let emulator = Emulator::builder().working_checks(2).start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(f64::INFINITY)
        .build()
        .unwrap();
    let dir = TempDir::new();
    let mut finished = Vec::new();
    let report = files(&dir, 6)
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|p| {
            if let BatchProgress::Finished { index, .. } = p {
                finished.push(index);
            }
        });
    assert!(report.is_success(), "{report}");
    assert_eq!(report.checks(), 18, "three checks per job, no more");
    for (i, item) in report.items().iter().enumerate() {
        assert_eq!(item.output(), dir.join(&format!("out-{i}.json")));
        let bytes = std::fs::read(item.output()).unwrap();
        assert_eq!(item.result().unwrap(), bytes.len() as u64);
        assert!(item.job_id().is_some());
    }
    finished.sort();
    assert_eq!(finished, [0, 1, 2, 3, 4, 5]);

    // Checks and starts interleave: the first job is checked before the last one starts.
    let api: Vec<String> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Api)
        .map(|r| r.path)
        .collect();
    let first_check = api.iter().position(|p| p == "/v1/job/check").unwrap();
    let last_start = api
        .iter()
        .rposition(|p| p.starts_with("/v1/pdf/convert"))
        .unwrap();
    assert!(first_check < last_start, "{api:?}");
    // One connection per host for the whole batch.
    for host in [Host::Api, Host::Storage] {
        let mut ids: Vec<u64> = emulator
            .requests()
            .iter()
            .filter(|r| r.host == host)
            .map(|r| r.connection)
            .collect();
        ids.dedup();
        assert_eq!(ids.len(), 1, "{host:?}: {ids:?}");
    }
}

#[test]
fn one_failure_does_not_lose_the_others() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(f64::INFINITY)
        .build()
        .unwrap();
    let dir = TempDir::new();
    let list = vec![
        (SAMPLE.to_string(), dir.join("good-1.json")),
        ("missing.pdf".to_string(), dir.join("missing.json")),
        (NOT_PDF.to_string(), dir.join("damaged.json")),
        (SAMPLE.to_string(), dir.join("no/such/folder/x.json")),
        (SAMPLE.to_string(), dir.join("good-2.json")),
    ];
    let report = list
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|_| {});
    let items = report.items();
    assert_eq!(report.failures(), 3, "{report}");
    assert!(items[0].result().is_ok() && items[4].result().is_ok());
    assert!(matches!(items[1].result(), Err(Error::ReadInput { .. })));
    assert!(
        items[1].job_id().is_none(),
        "no job for a file that was never sent"
    );
    assert!(matches!(
        items[2].result(),
        Err(Error::JobFailed {
            state: JobState::Failed,
            ..
        })
    ));
    assert!(items[2].job_id().is_some());
    assert!(matches!(items[3].result(), Err(Error::WriteOutput { .. })));
    assert_eq!(emulator.job_count(), 3, "bad inputs start no job");
    let mut names = dir.files();
    names.sort();
    assert_eq!(names, ["good-1.json", "good-2.json"]);
    let text = report.to_string();
    assert!(
        text.ends_with("2 of 5 converted in ") || text.contains("2 of 5 converted"),
        "{text}"
    );
}

#[test]
fn requests_are_paced_to_the_rate_limit() {
    let emulator = Emulator::builder().working_checks(1).start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(40.0)
        .build()
        .unwrap();
    let dir = TempDir::new();
    let report = files(&dir, 4)
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|_| {});
    assert!(report.is_success(), "{report}");
    let checks: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/job/check")
        .collect();
    assert_eq!(checks.len(), 8);
    // Sent 25 ms apart at 40 per second. They are timed on arrival, where one request
    // delivered late makes the next gap look shorter: each gap is held to a looser floor,
    // and the whole span, which such delays cannot shrink by more than one, to the rate.
    for pair in checks.windows(2) {
        let gap = pair[1].received - pair[0].received;
        assert!(gap >= Duration::from_millis(10), "checks {gap:?} apart");
    }
    let span = checks[7].received - checks[0].received;
    assert!(
        span >= Duration::from_millis(7 * 25 - 15),
        "8 checks within {span:?}"
    );
}

#[test]
fn saved_jobs_are_waited_for_together_and_unknown_ones_end() {
    let emulator = Emulator::builder().working_checks(3).start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(f64::INFINITY)
        .force_check_after(Duration::from_millis(30))
        .job_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let file = client.upload(SAMPLE).unwrap();
    let mut jobs = Vec::new();
    for _ in 0..3 {
        let pdfco::Conversion::Started(job) = client
            .start(&Request::convert(OutputFormat::Xlsx).url(file.url()))
            .unwrap()
        else {
            panic!("async")
        };
        jobs.push(Job::resume(job.id(), job.result_url().map(str::to_string)));
    }
    jobs.insert(1, Job::resume("NOT-A-REAL-JOB", None));
    let dir = TempDir::new();
    let pairs: Vec<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(i, j)| (j, dir.join(&format!("{i}.xlsx"))))
        .collect();
    let report = pairs
        .into_iter()
        .fold(client.batch(), |batch, (job, output)| {
            batch.job(job, output)
        })
        .run(|_| {});
    assert_eq!(report.failures(), 1, "{report}");
    assert!(matches!(
        report.items()[1].result(),
        Err(Error::JobFailed {
            state: JobState::Unknown,
            ..
        })
    ));
    for i in [0, 2, 3] {
        assert!(
            std::fs::read(dir.join(&format!("{i}.xlsx")))
                .unwrap()
                .starts_with(b"PK")
        );
    }
}

#[test]
fn a_batch_ends_at_its_deadline_with_every_job_id() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(f64::INFINITY)
        .job_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let dir = TempDir::new();
    let report = files(&dir, 3)
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|_| {});
    assert_eq!(report.failures(), 3);
    for item in report.items() {
        let err = item.result().unwrap_err();
        assert!(matches!(err, Error::JobTimeout { .. }), "{err:?}");
        assert_eq!(err.job_id(), item.job_id());
    }
    assert!(dir.files().is_empty());
}

#[test]
fn a_batch_under_the_default_schedule_checks_each_short_job_once() {
    let emulator = Emulator::builder()
        .job_duration(Duration::from_millis(500))
        .working_checks(0)
        .start()
        .unwrap();
    let client = pdfco::Client::builder(emulator.api_key())
        .base_url(emulator.base_url())
        .requests_per_second(f64::INFINITY)
        .build()
        .unwrap();
    let dir = TempDir::new();
    let report = files(&dir, 4)
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|_| {});
    assert!(report.is_success(), "{report}");
    assert_eq!(report.checks(), 4, "one check per job");
    for item in report.items() {
        let ages = emulator.job_checks(item.job_id().unwrap());
        // The first check comes after about a second (give or take the batch's jitter of a
        // tenth), when a half-second job is done.
        assert_eq!(ages.len(), 1, "{ages:?}");
        assert!(ages[0] >= Duration::from_millis(900), "{ages:?}");
    }
}

#[test]
fn each_job_of_a_batch_keeps_to_its_own_schedule() {
    let schedule = PollSchedule::new()
        .first_check(Duration::from_millis(50))
        .interval(Duration::from_millis(100))
        .growth(0.5)
        .max_interval(Duration::from_millis(300));
    // The jobs end halfway between two planned checks, about 700 ms in: jitter moves a check
    // by at most a tenth of its gap, and a loaded machine only delays checks (the batch
    // counts from when the start was answered, after the emulator's job began), so no check
    // can come before the end that the plan has after it.
    let mut planned_at = vec![schedule.next_check(0, Duration::ZERO)];
    while *planned_at.last().unwrap() < Duration::from_millis(700) {
        let last = *planned_at.last().unwrap();
        planned_at.push(schedule.next_check(planned_at.len() as u32, last));
    }
    let [.., before, after] = planned_at[..] else {
        unreachable!("the plan has at least two checks")
    };
    let job_takes = (before + after) / 2;
    let emulator = Emulator::builder()
        .job_duration(job_takes)
        .working_checks(0)
        .start()
        .unwrap();
    let client = emulator
        .client_builder()
        .poll_schedule(schedule.clone())
        .requests_per_second(f64::INFINITY)
        .build()
        .unwrap();
    let dir = TempDir::new();
    let report = files(&dir, 5)
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|_| {});
    assert!(report.is_success(), "{report}");
    let (planned, _) = schedule.simulate(job_takes);
    assert_eq!(planned as usize, planned_at.len(), "{planned_at:?}");
    let allowed = planned;
    for item in report.items() {
        let ages = emulator.job_checks(item.job_id().unwrap());
        assert!(
            !ages.is_empty() && ages.len() as u32 <= allowed,
            "{} checks, {planned} planned: {ages:?}",
            ages.len()
        );
    }
    assert!(report.checks() <= 5 * u64::from(allowed));
}

#[test]
fn a_throttled_check_holds_every_request_of_the_batch() {
    let emulator = Emulator::builder().working_checks(2).start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(f64::INFINITY)
        .build()
        .unwrap();
    emulator.fail_next(
        pdfco::testing::Endpoint::JobCheck,
        pdfco::testing::Fault::Throttle {
            retry_after: Some(1),
        },
    );
    let dir = TempDir::new();
    let report = files(&dir, 3)
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|_| {});
    assert!(report.is_success(), "{report}");
    let api: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Api)
        .collect();
    let throttled = api.iter().position(|r| r.status == 429).expect("a 429");
    let next = &api[throttled + 1];
    assert!(
        next.received - api[throttled].received >= Duration::from_secs(1),
        "the next API request came {:?} after the 429",
        next.received - api[throttled].received
    );
}

#[test]
fn starts_are_paced_to_the_rate_limit_too() {
    let emulator = Emulator::builder().working_checks(0).start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(40.0)
        .build()
        .unwrap();
    let dir = TempDir::new();
    let report = files(&dir, 5)
        .into_iter()
        .fold(client.batch(), |batch, (input, output)| {
            batch.file(&Request::convert(OutputFormat::Json), input, output)
        })
        .run(|_| {});
    assert!(report.is_success(), "{report}");
    let api: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Api)
        .collect();
    assert_eq!(api.len(), 15, "a presign, a start and a check per file");
    // At 40 per second, no 100 ms holds more than 4 requests, plus one for a start's
    // presign and conversion request, which are paced as a pair, and one for the emulator
    // reading a head late.
    let window = Duration::from_millis(100);
    for (i, first) in api.iter().enumerate() {
        let within: Vec<_> = api[i..]
            .iter()
            .filter(|r| r.received >= first.received && r.received - first.received < window)
            .map(|r| (r.path.as_str(), r.received - first.received))
            .collect();
        assert!(
            within.len() <= 6,
            "{} requests within 100 ms: {within:?}",
            within.len()
        );
    }
}

#[test]
fn one_batch_mixes_started_jobs_and_files_of_any_input_in_the_order_added() {
    let emulator = Emulator::builder().working_checks(1).start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(f64::INFINITY)
        .build()
        .unwrap();
    let json = Request::convert(OutputFormat::Json);
    let file = client.upload(SAMPLE).unwrap();
    let pdfco::Conversion::Started(job) = client.start(&json.clone().url(file.url())).unwrap()
    else {
        panic!("async")
    };
    let resumed = Job::resume(job.id(), job.result_url().map(str::to_string));
    let dir = TempDir::new();
    let bytes = std::fs::read(SAMPLE).unwrap();
    let pages = Request::convert(OutputFormat::Png).pages("0-1");
    let mut started = Vec::new();
    let report = client
        .batch()
        .file(&json, SAMPLE, dir.join("path.json"))
        .job(resumed, dir.join("job.json"))
        .file(
            &pages,
            pdfco::Input::bytes("memory.pdf", &bytes[..]),
            dir.join("pages"),
        )
        .file(&json, file.url().to_string(), dir.join("never.json"))
        .run(|p| {
            if let BatchProgress::Started { index, .. } = p {
                started.push(index);
            }
        });
    let items = report.items();
    assert_eq!(items.len(), 4);
    assert_eq!(
        started,
        [0, 2],
        "the job was started before the batch; item 3 never starts"
    );
    assert!(items[..3].iter().all(|i| i.result().is_ok()), "{report}");
    assert_eq!(items[0].input(), Some(std::path::Path::new(SAMPLE)));
    assert_eq!(items[1].job_id(), Some(job.id()));
    assert_eq!(items[2].input(), None, "bytes have no path");
    assert!(items.iter().take(3).all(|i| i.job_id().is_some()));
    for name in ["path.json", "job.json"] {
        assert!(std::fs::read(dir.join(name)).unwrap().starts_with(b"{"));
    }
    for page in 1..=2 {
        let png = std::fs::read(dir.join(&format!("pages/memory-{page}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "page {page}");
    }
    // A string is a local path, so a URL passed as one is a missing file, found locally.
    assert!(matches!(items[3].result(), Err(Error::ReadInput { .. })));
}

#[test]
fn a_batch_converts_a_url_without_uploading_it() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(f64::INFINITY)
        .build()
        .unwrap();
    let file = client.upload(SAMPLE).unwrap();
    let dir = TempDir::new();
    let presigns = |e: &Emulator| {
        e.requests()
            .iter()
            .filter(|r| r.path.ends_with("get-presigned-url"))
            .count()
    };
    let before = presigns(&emulator);
    let report = client
        .batch()
        .file(
            &Request::convert(OutputFormat::Json),
            pdfco::Input::url(file.url()),
            dir.join("a.json"),
        )
        .run(|_| {});
    assert!(report.is_success(), "{report}");
    assert_eq!(presigns(&emulator), before, "nothing is uploaded for a URL");
    assert!(std::fs::read(dir.join("a.json")).unwrap().starts_with(b"{"));
}
