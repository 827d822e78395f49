//! Errors told truthfully: PDF.co's error code (441 wrong password, 442 damaged input) reads
//! the same through `Error::status` whether the request ran synchronously (`Error::Api`) or
//! as a job (`Error::JobFailed`).

mod common;

use common::{ENCRYPTED, NOT_PDF, TempDir, setup};
use pdfco::{Client, Conversion, Error, JobState, OutputFormat, Request};

/// Uploads `file` and runs a JSON conversion of it, synchronously or as a job.
fn convert(client: &Client, file: &str, password: Option<&str>, asynchronous: bool) -> Error {
    let uploaded = client.upload(file).unwrap();
    let mut request = Request::convert(OutputFormat::Json)
        .url(uploaded.url())
        .asynchronous(asynchronous);
    if let Some(password) = password {
        request = request.password(password);
    }
    match client.start(&request) {
        Err(e) => e,
        Ok(Conversion::Started(job)) => client.wait(&job, |_| {}).unwrap_err(),
        Ok(other) => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_wrong_password_fails_the_job_with_441() {
    let (_emulator, client) = setup();
    for password in [None, Some("wrong")] {
        let err = convert(&client, ENCRYPTED, password, true);
        assert!(
            matches!(
                err,
                Error::JobFailed {
                    state: JobState::Failed,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.status(), Some(441), "{err:?}");
    }
}

#[test]
fn a_damaged_input_fails_the_job_with_442() {
    let (_emulator, client) = setup();
    let err = convert(&client, NOT_PDF, None, true);
    assert!(matches!(err, Error::JobFailed { .. }), "{err:?}");
    assert_eq!(err.status(), Some(442), "{err:?}");
}

#[test]
fn status_reads_the_same_in_both_modes() {
    let (_emulator, client) = setup();
    for (file, password, code) in [(ENCRYPTED, Some("wrong"), 441), (NOT_PDF, None, 442)] {
        let sync = convert(&client, file, password, false);
        let job = convert(&client, file, password, true);
        assert!(matches!(sync, Error::Api { .. }), "{sync:?}");
        assert!(matches!(job, Error::JobFailed { .. }), "{job:?}");
        assert_eq!((sync.status(), job.status()), (Some(code), Some(code)));
    }
}

#[test]
fn a_batch_keeps_the_code_of_a_failed_job() {
    let (_emulator, client) = setup();
    let locked = client.upload(ENCRYPTED).unwrap();
    let request = Request::convert(OutputFormat::Json)
        .url(locked.url())
        .password("wrong");
    let Conversion::Started(job) = client.start(&request).unwrap() else {
        panic!("async")
    };
    let dir = TempDir::new();
    let report = client.batch().job(job, dir.join("out.json")).run(|_| {});
    let err = report.items()[0].result().unwrap_err();
    assert!(matches!(err, Error::JobFailed { .. }), "{err:?}");
    assert_eq!(err.status(), Some(441), "{err:?}");
}

#[test]
fn the_failed_check_carries_the_code() {
    let (_emulator, client) = setup();
    for (file, code) in [(ENCRYPTED, 441), (NOT_PDF, 442)] {
        let uploaded = client.upload(file).unwrap();
        let request = Request::convert(OutputFormat::Json).url(uploaded.url());
        let Conversion::Started(job) = client.start(&request).unwrap() else {
            panic!("async")
        };
        client.wait(&job, |_| {}).unwrap_err();
        let status = client.check(job.id()).unwrap();
        assert_eq!(status.state(), &JobState::Failed);
        assert_eq!(
            status.answer().get("errorCode"),
            Some(&serde_json::json!(code)),
            "{:?}",
            status.answer()
        );
    }
}

#[test]
fn job_status_and_message_show_the_code() {
    let (_emulator, client) = setup();
    let uploaded = client.upload(ENCRYPTED).unwrap();
    let request = Request::convert(OutputFormat::Json).url(uploaded.url());
    let Conversion::Started(job) = client.start(&request).unwrap() else {
        panic!("async")
    };
    let err = client.wait(&job, |_| {}).unwrap_err();
    assert!(
        matches!(
            err,
            Error::JobFailed {
                code: Some(441),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "job {} ended failed with code 441: Invalid password: the document is password-protected",
            job.id()
        )
    );
    let status = client.check(job.id()).unwrap();
    assert_eq!(status.error_code(), Some(441), "{status:?}");

    // A saved status keeps the code; one saved before the field existed loads without it.
    let mut saved = serde_json::to_value(&status).unwrap();
    let loaded: pdfco::JobStatus = serde_json::from_value(saved.clone()).unwrap();
    assert_eq!(loaded.error_code(), Some(441));
    saved.as_object_mut().unwrap().remove("error_code").unwrap();
    let loaded: pdfco::JobStatus = serde_json::from_value(saved).unwrap();
    assert_eq!(loaded.error_code(), None);
}

#[test]
fn a_failure_without_a_code_has_none() {
    let emulator = pdfco::testing::Emulator::start().unwrap();
    emulator.set_outcome(pdfco::testing::Outcome::Failed("engine crashed".into()));
    let client = emulator.client_builder().build().unwrap();
    let uploaded = client.upload(common::SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Json).url(uploaded.url());
    let Conversion::Started(job) = client.start(&request).unwrap() else {
        panic!("async")
    };
    let err = client.wait(&job, |_| {}).unwrap_err();
    assert!(
        matches!(err, Error::JobFailed { code: None, .. }),
        "{err:?}"
    );
    assert_eq!(err.status(), None);
    assert_eq!(client.check(job.id()).unwrap().error_code(), None);
    assert_eq!(
        err.to_string(),
        format!("job {} ended failed: engine crashed", job.id())
    );
}

#[test]
fn other_endpoints_jobs_keep_the_code_too() {
    let (_emulator, client) = setup();
    let locked = client.upload(ENCRYPTED).unwrap();
    let damaged = client.upload(NOT_PDF).unwrap();
    for (path, url, code) in [
        ("pdf/merge", locked.url(), 441),
        ("pdf/info", damaged.url(), 442),
    ] {
        let request = Request::new(path).url(url).asynchronous(true);
        let Conversion::Started(job) = client.start(&request).unwrap() else {
            panic!("{path}: async")
        };
        let err = client.wait(&job, |_| {}).unwrap_err();
        assert!(matches!(err, Error::JobFailed { .. }), "{path}: {err:?}");
        assert_eq!(err.status(), Some(code), "{path}: {err:?}");
    }
}
