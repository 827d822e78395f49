//! Batches with the one-call path's build-script mode and checkpoints: per file, a sidecar
//! that lets an unchanged file be skipped, and a checkpoint that lets a rerun continue its
//! paid job.

mod common;

use std::time::Duration;

use common::{SAMPLE, TempDir};
use pdfco::testing::Emulator;
use pdfco::{Error, OutputFormat, Request};

fn fast(emulator: &Emulator) -> pdfco::Client {
    emulator
        .client_builder()
        .requests_per_second(1000.0)
        .poll_interval(Duration::from_millis(20))
        .build()
        .unwrap()
}

#[test]
fn a_batch_skips_the_files_whose_input_and_options_are_unchanged() {
    let emulator = Emulator::start().unwrap();
    let client = fast(&emulator);
    let dir = TempDir::new();
    let csv = Request::convert(OutputFormat::Csv);
    let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
    let first = client
        .batch()
        .skip_if_unchanged(true)
        .file(&csv, SAMPLE, &a)
        .file(&csv, SAMPLE, &b)
        .run(|_| {});
    assert!(first.is_success(), "{first}");
    assert!(first.items().iter().all(|i| !i.skipped()));
    assert!(
        dir.files().contains(&"a.csv.pdfco.json".to_string()),
        "{:?}",
        dir.files()
    );
    assert_eq!(emulator.job_count(), 2);

    // Nothing changed: no request at all, and the outputs are reported as they are.
    emulator.clear_requests();
    let again = client
        .batch()
        .skip_if_unchanged(true)
        .file(&csv, SAMPLE, &a)
        .file(&csv, SAMPLE, &b)
        .run(|_| {});
    assert!(again.is_success(), "{again}");
    assert!(again.items().iter().all(|i| i.skipped()));
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
    let size = std::fs::metadata(&a).unwrap().len();
    assert_eq!(again.items()[0].result().unwrap(), size);

    // Other options for one file: that one is converted again, the other skipped.
    let third = client
        .batch()
        .skip_if_unchanged(true)
        .file(&csv, SAMPLE, &a)
        .file(&csv.clone().pages("0"), SAMPLE, &b)
        .run(|_| {});
    assert!(third.is_success(), "{third}");
    let skipped: Vec<bool> = third.items().iter().map(|i| i.skipped()).collect();
    assert_eq!(skipped, [true, false]);
    assert_eq!(emulator.job_count(), 3);
}

#[test]
fn a_batch_refuses_a_sidecar_path_taken_by_another_file() {
    let emulator = Emulator::start().unwrap();
    let client = fast(&emulator);
    let dir = TempDir::new();
    let out = dir.join("a.csv");
    std::fs::write(dir.join("a.csv.pdfco.json"), b"precious").unwrap();
    let report = client
        .batch()
        .skip_if_unchanged(true)
        .file(&Request::convert(OutputFormat::Csv), SAMPLE, &out)
        .run(|_| {});
    let err = report.items()[0].result().unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidOption {
                option: "sidecar",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(emulator.job_count(), 0, "refused before any request");
    assert_eq!(
        std::fs::read(dir.join("a.csv.pdfco.json")).unwrap(),
        b"precious"
    );
}

#[test]
fn a_batch_with_checkpoints_continues_its_paid_jobs_on_a_rerun() {
    let emulator = Emulator::builder()
        .job_duration(Duration::from_millis(600))
        .start()
        .unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(1000.0)
        .poll_interval(Duration::from_millis(20))
        .job_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let dir = TempDir::new();
    let jobs = dir.join("jobs");
    std::fs::create_dir(&jobs).unwrap();
    let json = Request::convert(OutputFormat::Json);
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    let run = || {
        client
            .batch()
            .checkpoints(&jobs)
            .file(&json, SAMPLE, &a)
            .file(&json, SAMPLE, &b)
            .run(|_| {})
    };
    let first = run();
    let ids: Vec<String> = first
        .items()
        .iter()
        .map(|item| {
            let err = item.result().unwrap_err();
            assert!(matches!(err, Error::JobTimeout { .. }), "{err}");
            item.job_id().unwrap().to_string()
        })
        .collect();
    assert_eq!(emulator.job_count(), 2);
    let saved: Vec<String> = std::fs::read_dir(&jobs)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(saved.len(), 2, "one checkpoint per file");
    for id in &ids {
        assert!(saved.iter().any(|s| s.contains(id.as_str())), "{saved:?}");
    }

    std::thread::sleep(Duration::from_millis(600));
    emulator.clear_requests();
    let second = run();
    assert!(second.is_success(), "{second}");
    let resumed: Vec<String> = second
        .items()
        .iter()
        .map(|i| i.job_id().unwrap().to_string())
        .collect();
    assert_eq!(resumed, ids, "the same jobs, resumed");
    assert_eq!(emulator.job_count(), 2, "no second paid job");
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.method != "PUT" && !r.path.starts_with("/v1/pdf/"))
    );
    assert!(a.exists() && b.exists());
    assert_eq!(
        std::fs::read_dir(&jobs).unwrap().count(),
        0,
        "checkpoints removed once the results are saved"
    );
}
