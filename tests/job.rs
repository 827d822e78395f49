//! Step 3: checking and waiting for jobs.

mod common;

use std::time::Duration;

use common::{on, setup, setup_no_retry, start_job};
use pdfco::testing::{Emulator, Endpoint, Fault, Host, Outcome};
use pdfco::{Error, Job, JobState, JobStatus, OutputFormat, PollSchedule};

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
    client
        .download(&done, pdfco::Destination::writer(&mut bytes))
        .unwrap();
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

/// A client with every default but the emulator's address: the default poll schedule.
fn default_client(emulator: &Emulator) -> pdfco::Client {
    pdfco::Client::builder(emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .unwrap()
}

/// Runs `f` on another thread and fails if it takes longer than `secs` (a watchdog that turns
/// a hang into a failure, not a timing assertion).
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("finished within the watchdog bound")
}

#[test]
fn the_default_schedule_sees_a_short_job_done_with_one_check() {
    let emulator = Emulator::builder()
        .job_duration(Duration::from_millis(500))
        .working_checks(0)
        .start()
        .unwrap();
    let client = default_client(&emulator);
    let job = start_job(&client);
    let mut states = Vec::new();
    let done = within(20, move || {
        let done = client.wait(&job, |s| states.push(s.state().clone()));
        (done, states, job)
    });
    let (done, states, job) = done;
    assert_eq!(done.unwrap().state(), &JobState::Success);
    assert_eq!(states, [JobState::Success]);
    let ages = emulator.job_checks(job.id());
    assert_eq!(ages.len(), 1, "one check, not one at the start: {ages:?}");
    assert!(
        ages[0] >= Duration::from_secs(1),
        "the first check waits for the first second: {ages:?}"
    );
}

#[test]
fn wait_keeps_to_the_schedule_on_the_emulators_clock() {
    let job_takes = Duration::from_millis(1200);
    let schedule = PollSchedule::new()
        .first_check(Duration::from_millis(50))
        .interval(Duration::from_millis(100))
        .growth(0.5)
        .max_interval(Duration::from_millis(300));
    let emulator = Emulator::builder()
        .job_duration(job_takes)
        .working_checks(0)
        .start()
        .unwrap();
    let client = emulator
        .client_builder()
        .poll_schedule(schedule.clone())
        .build()
        .unwrap();
    let job = start_job(&client);
    client.wait(&job, |_| {}).unwrap();
    // The schedule's own times, from the pure function.
    let (expected_checks, _) = schedule.simulate(job_takes);
    let mut planned = Vec::new();
    let mut waited = Duration::ZERO;
    for checks in 0..expected_checks {
        waited = schedule.next_check(checks, waited);
        planned.push(waited);
    }
    assert!(planned.len() >= 6, "a schedule worth testing: {planned:?}");
    let ages = emulator.job_checks(job.id());
    // The wait starts after the job does and sleeps never end early, so every check comes
    // at or after its planned time, and the job is seen done no later than planned.
    assert!(
        !ages.is_empty() && ages.len() <= planned.len(),
        "{ages:?} against {planned:?}"
    );
    for (age, plan) in ages.iter().zip(&planned) {
        assert!(age >= plan, "check at {age:?}, planned at {plan:?}");
    }
}

#[test]
fn a_stuck_job_gets_a_last_check_at_the_deadline_under_the_default_schedule() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let client = pdfco::Client::builder(emulator.api_key())
        .base_url(emulator.base_url())
        .job_timeout(Duration::from_millis(1500))
        .build()
        .unwrap();
    let job = start_job(&client);
    let id = job.id().to_string();
    let err = within(20, move || client.wait(&job, |_| {}).unwrap_err());
    assert!(
        matches!(&err, Error::JobTimeout { job_id, .. } if *job_id == id),
        "{err:?}"
    );
    let ages = emulator.job_checks(&id);
    // The first check after 1 s; the next (at 3 s) is cut short to the deadline at 1.5 s.
    assert_eq!(ages.len(), 2, "{ages:?}");
    assert!(ages[0] >= Duration::from_secs(1), "{ages:?}");
    assert!(ages[1] >= Duration::from_millis(1500), "{ages:?}");
}

#[test]
fn forced_checks_still_come_under_a_growing_schedule() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .poll_schedule(
            PollSchedule::new()
                .first_check(Duration::from_millis(20))
                .interval(Duration::from_millis(40))
                .growth(0.5),
        )
        .force_check_after(Duration::from_millis(300))
        .build()
        .unwrap();
    let job = Job::resume("NOT-A-REAL-JOB", None);
    let err = within(20, move || client.wait(&job, |_| {}).unwrap_err());
    assert!(
        matches!(
            err,
            Error::JobFailed {
                state: JobState::Unknown,
                ..
            }
        ),
        "{err:?}"
    );
    let checks: Vec<_> = on(&emulator, Host::Api)
        .into_iter()
        .filter(|r| r.path == "/v1/job/check")
        .collect();
    let forced = checks
        .iter()
        .filter(|r| r.query.contains("force=true"))
        .count();
    assert_eq!(forced, 1, "only the last check is forced");
    assert!(checks.len() >= 3, "plain checks first: {}", checks.len());
}

#[test]
fn a_throttled_check_waits_out_retry_after() {
    let emulator = Emulator::builder().working_checks(2).start().unwrap();
    let client = emulator
        .client_builder()
        .poll_schedule(
            PollSchedule::new()
                .first_check(Duration::ZERO)
                .interval(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let job = start_job(&client);
    emulator.fail_next(
        Endpoint::JobCheck,
        Fault::Throttle {
            retry_after: Some(1),
        },
    );
    let done = within(20, move || client.wait(&job, |_| {}));
    assert_eq!(done.unwrap().state(), &JobState::Success);
    let checks: Vec<_> = on(&emulator, Host::Api)
        .into_iter()
        .filter(|r| r.path == "/v1/job/check")
        .collect();
    let throttled = checks.iter().position(|r| r.status == 429).expect("a 429");
    let next = &checks[throttled + 1];
    assert!(
        next.received - checks[throttled].received >= Duration::from_secs(1),
        "the next check came {:?} after the 429",
        next.received - checks[throttled].received
    );
}

#[test]
fn a_saved_job_is_resumed_by_another_client() {
    let (emulator, client) = setup();
    let job = start_job(&client);
    let saved = serde_json::to_string(&job).unwrap();

    // Later, maybe in another process.
    let other = emulator.client_builder().build().unwrap();
    let job: Job = serde_json::from_str(&saved).unwrap();
    assert_eq!(job.path(), Some("pdf/convert/to/json"));
    assert_eq!(job.format(), Some(OutputFormat::Json));
    let done = other.wait(&job, |_| {}).unwrap();
    let saved = serde_json::to_string(&done).unwrap();
    let done: JobStatus = serde_json::from_str(&saved).unwrap();
    assert_eq!(done.state(), &JobState::Success);
    assert_eq!(
        done.answer().get("status"),
        Some(&serde_json::json!("success"))
    );
    let dir = common::TempDir::new();
    let bytes = other.download(&done, dir.join("out.json")).unwrap().bytes();
    assert!(bytes > 0);
    assert_eq!(emulator.job_count(), 1, "the same job, not a new one");
}

#[test]
fn a_finished_job_says_until_when_its_links_are_valid_as_when_it_started() {
    let (_emulator, client) = setup();
    let job = start_job(&client);
    let started_till = job.output_link_valid_till().map(str::to_string);
    assert!(started_till.is_some());
    let done = client.wait(&job, |_| {}).unwrap();
    assert_eq!(
        done.output_link_valid_till(),
        started_till.as_deref(),
        "PDF.co's success check repeats the start's expiry"
    );
}
