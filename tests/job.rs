//! Step 3: checking and waiting for jobs.

mod common;

use std::time::Duration;

use common::{on, setup, setup_no_retry, start_job};
use pdfco::testing::{Emulator, Endpoint, Fault, Host, Outcome};
use pdfco::{Error, Job, JobState};

#[test]
fn wait_polls_until_success_and_reports_every_status() {
    let emulator = Emulator::builder().working_checks(3).start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let job = start_job(&client);
    let mut seen = Vec::new();
    let done = client.wait(&job, |s| seen.push(s.state().clone())).unwrap();
    assert_eq!(
        seen,
        [
            JobState::Working,
            JobState::Working,
            JobState::Working,
            JobState::Success
        ]
    );
    assert_eq!(done.job_id(), job.id());
    assert_eq!(done.page_count(), Some(3));
    assert!(done.duration().is_some() && done.remaining_credits().is_some());
    assert_eq!(done.url(), job.result_url());

    let checks: Vec<_> = on(&emulator, Host::Api)
        .into_iter()
        .filter(|r| r.path == "/v1/job/check")
        .collect();
    assert_eq!(checks.len(), 4, "one request per status");
    assert!(
        checks
            .iter()
            .all(|r| r.method == "GET" && r.query == format!("jobid={}", job.id()))
    );
}

#[test]
fn check_reports_a_typed_status() {
    let (_emulator, client) = setup();
    let job = start_job(&client);
    let first = client.check(job.id()).unwrap();
    assert_eq!(first.state(), &JobState::Working);
    assert!(first.url().is_none());
    let second = client.check(job.id()).unwrap();
    assert_eq!(second.state(), &JobState::Success);
    assert_eq!(second.message(), Some("Success"));
    assert!(second.url().is_some());
    assert_eq!(second.credits(), Some(2), "a check costs two credits");
}

#[test]
fn unknown_job_ids_look_like_working_jobs() {
    let (_emulator, client) = setup();
    assert_eq!(
        client.check("NO-SUCH-JOB").unwrap().state(),
        &JobState::Working
    );
}

#[test]
fn failed_and_aborted_jobs_are_errors_with_id_state_and_message() {
    for (outcome, state, needle) in [
        (
            Outcome::Failed("conversion exploded".into()),
            JobState::Failed,
            "conversion exploded",
        ),
        (Outcome::Aborted, JobState::Aborted, "aborted"),
    ] {
        let emulator = Emulator::builder().outcome(outcome).start().unwrap();
        let client = emulator.client_builder().build().unwrap();
        let job = start_job(&client);
        let credits_before = emulator.remaining_credits();
        let mut checks = 0;
        let err = client.wait(&job, |_| checks += 1).unwrap_err();
        assert_eq!(err.job_id(), Some(job.id()));
        match &err {
            Error::JobFailed {
                state: s, message, ..
            } => {
                assert_eq!(s, &state);
                assert!(message.contains(needle), "{message}");
            }
            other => panic!("expected JobFailed, got {other:?}"),
        }
        assert!(err.to_string().contains(job.id()), "{err}");
        // Each check costs two credits; the job's three (one per page) come back.
        assert_eq!(
            emulator.remaining_credits(),
            credits_before - 2 * checks + 3,
            "refund"
        );
    }
}

#[test]
fn a_stuck_job_times_out_with_its_id_and_last_state() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let client = emulator
        .client_builder()
        .poll_interval(Duration::from_millis(20))
        .job_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let job = start_job(&client);
    let mut polls = 0;
    match client.wait(&job, |_| polls += 1).unwrap_err() {
        Error::JobTimeout {
            job_id, last_state, ..
        } => {
            assert_eq!(job_id, job.id());
            assert_eq!(last_state, JobState::Working);
        }
        other => panic!("expected JobTimeout, got {other:?}"),
    }
    assert!(polls >= 2, "it kept polling until the deadline ({polls})");
}

#[test]
fn check_errors_carry_the_job_id() {
    let (emulator, client) = setup_no_retry();
    let job = start_job(&client);
    emulator.fail_next(Endpoint::JobCheck, Fault::Status(500));
    let err = client.wait(&job, |_| {}).unwrap_err();
    assert!(matches!(err, Error::Api { status: 500, .. }), "{err:?}");
    assert_eq!(err.job_id(), Some(job.id()));
    assert!(
        err.to_string().ends_with(&format!("(job {})", job.id())),
        "{err}"
    );
}

#[test]
fn a_resumed_job_can_be_waited_for_and_downloaded() {
    let (_emulator, client) = setup();
    let started = start_job(&client);
    let saved = (
        started.id().to_string(),
        started.result_url().map(str::to_string),
    );
    drop(started);
    let job = Job::resume(saved.0, saved.1);
    let done = client.wait(&job, |_| {}).unwrap();
    let mut bytes = Vec::new();
    client.download_to(&done, &mut bytes).unwrap();
    assert!(bytes.starts_with(b"{"));
}

#[test]
fn job_debug_hides_the_result_signature() {
    let (_emulator, client) = setup();
    let job = start_job(&client);
    let sig = common::signature(job.result_url().unwrap());
    common::assert_clean(&format!("{job:?}"), &[&sig]);
    let status = client.check(job.id()).unwrap();
    common::assert_clean(&format!("{status:?}"), &[&sig]);
}
