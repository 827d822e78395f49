//! Step 3: check a job, and wait for it with `std::thread::sleep` until it ends or a
//! deadline passes.

use std::fmt;
use std::time::{Duration, Instant};

use crate::poll;
use crate::redact::{self, Secrets};
use crate::response::{Answer, Credits};
use crate::retry::{Deadline, Safety};
use crate::transport::ApiRequest;
use crate::url;
use crate::{Client, Conversion, Error, Job, Output, Step};

/// The state of a background job, as `/v1/job/check` reports it.
///
/// # Example
///
/// ```
/// use pdfco::JobState;
///
/// assert_eq!(JobState::parse("SUCCESS"), JobState::Success);
/// assert_eq!(JobState::parse("working").as_str(), "working");
/// assert!(!JobState::Working.is_terminal());
/// assert!(JobState::Unknown.is_terminal());
/// assert!(!JobState::parse("queued").is_terminal(), "an unknown word is not an end");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobState {
    /// Still running, or (PDF.co's quirk) a job id it does not know.
    Working,
    /// Finished; the result can be downloaded.
    Success,
    /// Failed; the message says why. PDF.co refunds the job's credits.
    Failed,
    /// Aborted.
    Aborted,
    /// The job id is unknown (PDF.co says so only when asked with `force`).
    Unknown,
    /// A state this crate does not know yet, kept as sent. Not treated as an end.
    Other(String),
}

impl JobState {
    /// Reads a state as PDF.co spells it, in any case.
    pub fn parse(state: &str) -> JobState {
        let s = state.trim();
        for known in [
            JobState::Working,
            JobState::Success,
            JobState::Failed,
            JobState::Aborted,
            JobState::Unknown,
        ] {
            if s.eq_ignore_ascii_case(known.as_str()) {
                return known;
            }
        }
        JobState::Other(s.to_string())
    }

    /// The state as PDF.co spells it.
    pub fn as_str(&self) -> &str {
        match self {
            JobState::Working => "working",
            JobState::Success => "success",
            JobState::Failed => "failed",
            JobState::Aborted => "aborted",
            JobState::Unknown => "unknown",
            JobState::Other(s) => s,
        }
    }

    /// Whether the job has ended: success, failed, aborted or unknown.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobState::Success | JobState::Failed | JobState::Aborted | JobState::Unknown
        )
    }
}

/// Saved as PDF.co spells it, such as `"working"`.
impl serde::Serialize for JobState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for JobState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(JobState::parse(&String::deserialize(deserializer)?))
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One answer of `/v1/job/check`.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{Conversion, JobState, OutputFormat, Request};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let file = client.upload("fixtures/sample.pdf")?;
/// let started = client.start(&Request::convert(OutputFormat::Json).url(file.url()))?;
/// let Conversion::Started(job) = &started else { panic!("asynchronous by default") };
/// let status = client.check(job.id())?;
/// assert_eq!(status.job_id(), job.id());
/// assert_eq!(status.state(), &JobState::Working);
/// let done = client.wait(&started, |_| {})?;
/// assert_eq!((done.state(), done.page_count()), (&JobState::Success, Some(3)));
/// assert!(done.url().is_some() && done.remaining_credits().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct JobStatus {
    job_id: String,
    state: JobState,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    error_code: Option<u16>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    page_count: Option<u64>,
    #[serde(default)]
    duration: Option<Duration>,
    #[serde(default)]
    credits: Credits,
    #[serde(default)]
    body: Option<serde_json::Value>,
    #[serde(default)]
    urls: Vec<String>,
    #[serde(default)]
    answer: serde_json::Map<String, serde_json::Value>,
}

impl JobStatus {
    /// Reads a check's answer; its message is masked with the secrets the answer carries
    /// (the key, and those of the job's start when known).
    pub(crate) fn from_answer(job_id: &str, answer: &Answer) -> Result<JobStatus, Error> {
        let state = JobState::parse(answer.required_str("status")?);
        Ok(JobStatus {
            job_id: answer.str("jobId").unwrap_or(job_id).to_string(),
            state,
            message: answer.message(),
            error_code: answer.error_code().filter(|c| *c >= 400),
            url: answer.str("url").map(str::to_string),
            page_count: answer.u64("pageCount"),
            duration: answer
                .u64("jobDuration")
                .or_else(|| answer.u64("duration"))
                .map(Duration::from_millis),
            credits: answer.credits(),
            body: answer.value("body").cloned(),
            // Page URLs as `urls`, or (split jobs) as a `body` that lists them.
            urls: match answer.strings("urls") {
                urls if !urls.is_empty() => urls,
                _ => answer
                    .value("body")
                    .filter(|b| b.is_array())
                    .map(|_| answer.strings("body"))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                    .collect(),
            },
            answer: answer.masked_fields(),
        })
    }

    /// The status of a request that finished at once (synchronously): `success`, no job id,
    /// and the answer's result.
    fn finished(output: &Output) -> JobStatus {
        JobStatus {
            job_id: String::new(),
            state: JobState::Success,
            message: None,
            error_code: None,
            url: output.url().map(str::to_string),
            page_count: output.page_count(),
            duration: output.duration(),
            credits: Credits {
                spent: output.credits(),
                remaining: output.remaining_credits(),
            },
            body: output.body().cloned(),
            urls: output.urls().to_vec(),
            answer: output.answer().clone(),
        }
    }

    /// The whole answer of the check, as PDF.co sent it, with the request's secrets masked
    /// wherever it repeated them: for endpoints whose result is data in a field of its own,
    /// such as `pdf/info`'s `info`. Its URLs carry signatures; treat them as secrets.
    pub fn answer(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.answer
    }

    /// Fills in the result URL from the job's start when the check gave none.
    pub(crate) fn set_url(&mut self, url: Option<&str>) {
        if self.url.is_none() {
            self.url = url.map(str::to_string);
        }
    }

    /// The job's id; empty for the status [`Client::wait`] gives for a request that finished
    /// at once ([`Conversion::Finished`]), which had no job.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// The job's state.
    pub fn state(&self) -> &JobState {
        &self.state
    }

    /// PDF.co's message, if any (why a job failed), with the API key and named secrets
    /// masked. When the status comes from [`Client::wait`] of a [`Job`] this client started,
    /// the secrets of the request that started it (such as the document password) are
    /// masked too; [`Client::check`], given only an id, cannot know them.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// PDF.co's error code, when the check carried one (`errorCode`, or a numeric `status`
    /// of 400 or more): why a `failed` job failed, such as 441 (missing or wrong password)
    /// or 442 (damaged input), the code the synchronous request would have been refused with.
    pub fn error_code(&self) -> Option<u16> {
        self.error_code
    }

    /// The result's URL, when PDF.co sent one. After [`Client::wait`] this falls back to the
    /// URL given when the job started. It carries a signature; treat it as a secret.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// How many pages were processed, if PDF.co said.
    pub fn page_count(&self) -> Option<u64> {
        self.page_count
    }

    /// The inline result (`body`) a successful check carries when the job was started
    /// [inline](crate::Request::inline): a string for text formats, the document for
    /// JSON ones.
    pub fn body(&self) -> Option<&serde_json::Value> {
        self.body.as_ref()
    }

    /// The inline result as text, when it is a string.
    pub fn text(&self) -> Option<&str> {
        self.body.as_ref().and_then(serde_json::Value::as_str)
    }

    /// Result URLs listed in the answer itself, one per page or part (`urls`, or a `body`
    /// that is a list of URLs); usually empty, as page images come as a listing behind
    /// [`url`](Self::url). They carry signatures; treat them as secrets.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// How long the job ran (`jobDuration`), if PDF.co said.
    pub fn duration(&self) -> Option<Duration> {
        self.duration
    }

    /// Until when the result links stay valid (`outputLinkValidTill`), as PDF.co wrote it
    /// (ISO 8601, such as `2025-08-11T17:09:13.263623+00:00`), when the check carried it.
    pub fn output_link_valid_till(&self) -> Option<&str> {
        self.answer
            .get("outputLinkValidTill")
            .and_then(serde_json::Value::as_str)
    }

    /// Credits charged (a check itself costs credits), if PDF.co said.
    pub fn credits(&self) -> Option<u64> {
        self.credits.spent
    }

    /// Credits left on the account, if PDF.co said.
    pub fn remaining_credits(&self) -> Option<u64> {
        self.credits.remaining
    }
}

impl fmt::Debug for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobStatus")
            .field("job_id", &self.job_id)
            .field("state", &self.state)
            .field("message", &self.message)
            .field("error_code", &self.error_code)
            .field("url", &self.url.as_deref().map(redact::url))
            .field("page_count", &self.page_count)
            .finish_non_exhaustive()
    }
}

/// What [`Client::wait`] waits for: what [`Client::start`] returned (a [`Conversion`]), or a
/// [`Job`], such as one [resumed](Job::resume) from a saved id.
///
/// # Example
///
/// ```
/// use pdfco::{Job, WaitFor};
///
/// let job = Job::resume("JOB-1", None);
/// let what = WaitFor::from(&job);
/// assert!(format!("{what:?}").contains("JOB-1"));
/// ```
#[derive(Clone, Copy)]
pub struct WaitFor<'a>(What<'a>);

#[derive(Clone, Copy)]
enum What<'a> {
    Job(&'a Job),
    Finished(&'a Output),
}

impl<'a> From<&'a Job> for WaitFor<'a> {
    fn from(job: &'a Job) -> Self {
        WaitFor(What::Job(job))
    }
}

impl<'a> From<&'a Conversion> for WaitFor<'a> {
    fn from(conversion: &'a Conversion) -> Self {
        match conversion {
            Conversion::Started(job) => WaitFor(What::Job(job)),
            Conversion::Finished(output) => WaitFor(What::Finished(output)),
        }
    }
}

impl fmt::Debug for WaitFor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            What::Job(job) => f.debug_tuple("WaitFor").field(job).finish(),
            What::Finished(output) => f.debug_tuple("WaitFor").field(output).finish(),
        }
    }
}

impl Client {
    /// Asks PDF.co once for a job's state (`GET /v1/job/check?jobid=`). Each check costs
    /// credits.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOption`] for an empty job id (before any request); [`Error::Api`],
    /// [`Error::Transport`] or [`Error::Decode`], each carrying the job id. A failed job is
    /// *not* an error here: its status says so.
    ///
    /// # Example
    ///
    /// ```no_run
    /// let client = pdfco::Client::from_env()?;
    /// let status = client.check("6YSZD3U872ZYYFEDMQCQSGEEO8YSF5WA--151-300")?;
    /// println!("{}", status.state());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn check(&self, job_id: &str) -> Result<JobStatus, Error> {
        self.check_with(job_id, false, Deadline::none())
    }

    pub(crate) fn check_with(
        &self,
        job_id: &str,
        force: bool,
        deadline: Deadline,
    ) -> Result<JobStatus, Error> {
        self.check_masking(job_id, force, deadline, &Secrets::default())
    }

    /// [`Client::check_with`] for a job this client may have started, masking the secrets
    /// of the request that started it.
    pub(crate) fn check_job(
        &self,
        job: &Job,
        force: bool,
        deadline: Deadline,
    ) -> Result<JobStatus, Error> {
        self.check_masking(job.id(), force, deadline, job.secrets())
    }

    fn check_masking(
        &self,
        job_id: &str,
        force: bool,
        deadline: Deadline,
        secrets: &Secrets,
    ) -> Result<JobStatus, Error> {
        if job_id.trim().is_empty() {
            return Err(Error::InvalidOption {
                option: "jobid",
                reason: "a job id must not be empty".to_string(),
            });
        }
        let mut query = vec![("jobid", job_id)];
        if force {
            query.push(("force", "true"));
            log::info!(target: "pdfco::job", "job {job_id}: forced check");
        }
        let path = url::with_query("/job/check", &query);
        self.transport()
            .api_with(
                Step::JobCheck,
                &path,
                ApiRequest::Get,
                Safety::Idempotent,
                deadline,
                secrets,
            )
            .and_then(|answer| JobStatus::from_answer(job_id, &answer))
            .map_err(|e| e.for_job(job_id))
    }

    /// Step 3: waits for what [`Client::start`] returned (a [`Conversion`], or a [`Job`] such
    /// as one [resumed](Job::resume)): checks a job until it ends, sleeping between checks as the
    /// [poll schedule](crate::ClientBuilder::poll_schedule) says (by default a first check
    /// after 1 s, then every 3 s, the gaps growing with the time waited), for at most the job
    /// timeout. `on_status` sees every status, as the tutorials print them. Sleeps on the
    /// calling thread, in slices of at most 100 ms.
    ///
    /// A job that has been `working` for longer than
    /// [`force_check_after`](crate::ClientBuilder::force_check_after) is checked with `force`
    /// from then on, so that a job PDF.co does not know ends as `unknown`.
    ///
    /// Returns the final `success` status, whose [`url`](JobStatus::url) is where to download
    /// the result: pass it to [`Client::download`]. A [`Conversion::Finished`] (a synchronous
    /// request) has no job to wait for: its status comes back at once, `success` with the
    /// answer's result and an empty job id, without a check and without calling `on_status`.
    ///
    /// # Errors
    ///
    /// - [`Error::JobFailed`] when the job ends `failed`, `aborted` or `unknown` (with
    ///   PDF.co's error code, such as 441 or 442, when the check carried one);
    /// - [`Error::JobTimeout`] when the deadline passes first (the job may still finish);
    /// - [`Error::Cancelled`] when the [cancel flag](crate::ClientBuilder::cancel_flag) is set,
    ///   within 100 ms during a sleep;
    /// - any error of [`Client::check`].
    ///
    /// Every one carries the job id.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{OutputFormat, Request};
    ///
    /// # let emulator = pdfco::testing::Emulator::start()?;
    /// # let client = emulator.client_builder().build()?;
    /// # let out = std::env::temp_dir().join(format!("pdfco-wait-doc-{}.csv", std::process::id()));
    /// let file = client.upload("fixtures/sample.pdf")?;
    /// let started = client.start(&Request::convert(OutputFormat::Csv).url(file.url()))?;
    /// let done = client.wait(&started, |status| println!("{}", status.state()))?;
    /// client.download(&done, &out)?;
    /// # std::fs::remove_file(&out)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait<'j>(
        &self,
        job: impl Into<WaitFor<'j>>,
        mut on_status: impl FnMut(&JobStatus),
    ) -> Result<JobStatus, Error> {
        match job.into().0 {
            What::Job(job) => self.wait_until(job, Deadline::none(), &mut on_status),
            What::Finished(output) => Ok(JobStatus::finished(output)),
        }
    }

    /// Waits until the job ends, the job timeout passes, or `outer` (a workflow's deadline)
    /// passes, whichever comes first.
    pub(crate) fn wait_until(
        &self,
        job: &Job,
        outer: Deadline,
        on_status: &mut dyn FnMut(&JobStatus),
    ) -> Result<JobStatus, Error> {
        let started = Instant::now();
        let deadline = Deadline::after(self.inner.job_timeout).min(outer);
        let schedule = &self.inner.poll;
        let mut next_force = poll::later(started, self.inner.force_check_after);
        let timeout = |last_state| Error::JobTimeout {
            job_id: job.id().to_string(),
            waited: started.elapsed(),
            last_state,
        };
        let mut checks = 0;
        let mut last_state = JobState::Working;
        let mut seen = None;
        loop {
            // The next check when the schedule says, or at the deadline if that comes first,
            // so that one final check lands on it.
            let planned = poll::later(started, schedule.next_check(checks, started.elapsed()));
            self.transport()
                .cancel()
                .sleep_until(
                    deadline.0.map_or(planned, |d| planned.min(d)),
                    Step::JobCheck,
                )
                .map_err(|e| e.for_job(job.id()))?;
            if outer.is_past() {
                return Err(timeout(last_state));
            }
            let force = Instant::now() >= next_force;
            if force {
                next_force = poll::later(Instant::now(), self.inner.force_check_after);
            }
            // Each check is bounded by the workflow's deadline; the job's own deadline only
            // decides when to stop checking.
            let mut status = self.check_job(job, force, outer)?;
            checks += 1;
            log_state(job.id(), &mut seen, &status.state);
            status.set_url(job.result_url());
            on_status(&status);
            match status.state {
                JobState::Success => return Ok(status),
                JobState::Failed | JobState::Aborted | JobState::Unknown => {
                    return Err(Error::JobFailed {
                        job_id: job.id().to_string(),
                        state: status.state,
                        message: status.message.unwrap_or_default(),
                        code: status.error_code,
                    });
                }
                JobState::Working | JobState::Other(_) => {}
            }
            if deadline.is_past() {
                return Err(timeout(status.state));
            }
            last_state = status.state;
        }
    }
}

/// Logs on `pdfco::job` at info level a job's state when it is not the one `seen` before
/// (`None` before the first check), and remembers it.
pub(crate) fn log_state(job_id: &str, seen: &mut Option<JobState>, now: &JobState) {
    match seen.as_ref() {
        Some(before) if before == now => return,
        Some(before) => log::info!(target: "pdfco::job", "job {job_id}: {before} -> {now}"),
        None => log::info!(target: "pdfco::job", "job {job_id}: {now}"),
    }
    *seen = Some(now.clone());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn states_parse_in_any_case_and_keep_unknown_strings() {
        assert_eq!(JobState::parse("Success"), JobState::Success);
        assert_eq!(JobState::parse(" WORKING "), JobState::Working);
        assert_eq!(JobState::parse("queued"), JobState::Other("queued".into()));
        assert!(!JobState::parse("queued").is_terminal());
        for s in ["success", "failed", "aborted", "unknown"] {
            assert!(JobState::parse(s).is_terminal(), "{s}");
            assert_eq!(JobState::parse(s).to_string(), s);
        }
    }

    #[test]
    fn split_job_success_lists_its_parts_in_the_body() {
        let a = Answer::from_value(
            Step::JobCheck,
            json!({ "status": "success", "url": "https://s/listing.json",
                "body": ["https://s/part1.pdf", "https://s/part2.pdf", "not a url", 3] }),
        );
        let s = JobStatus::from_answer("J", &a).unwrap();
        assert_eq!(s.urls(), ["https://s/part1.pdf", "https://s/part2.pdf"]);
        let text = Answer::from_value(
            Step::JobCheck,
            json!({ "status": "success", "body": "plain text result" }),
        );
        let s = JobStatus::from_answer("J", &text).unwrap();
        assert!(s.urls().is_empty());
        assert_eq!(s.text(), Some("plain text result"));
    }

    #[test]
    fn status_from_documented_success_answer() {
        let a = Answer::from_value(
            Step::JobCheck,
            json!({ "status": "success", "message": "Success",
                "url": "https://pdf-temp-files.s3.us-west-2.amazonaws.com/6Y/L8.json?X-Amz-Expires=3600&X-Amz-Signature=abc",
                "jobId": "6YSZD3U872ZYYFEDMQCQSGEEO8YSF5WA--151-300",
                "credits": 2, "remainingCredits": 1480582, "jobDuration": "1250", "pageCount": 3 }),
        );
        let s = JobStatus::from_answer("ignored", &a).unwrap();
        assert_eq!(s.state(), &JobState::Success);
        assert_eq!(s.job_id(), "6YSZD3U872ZYYFEDMQCQSGEEO8YSF5WA--151-300");
        assert_eq!(s.duration(), Some(Duration::from_millis(1250)));
        assert_eq!(
            (s.credits(), s.remaining_credits(), s.page_count()),
            (Some(2), Some(1480582), Some(3))
        );
        assert!(!format!("{s:?}").contains("abc"));
    }

    fn fixture(name: &str) -> Answer {
        Answer::parse(
            Step::JobCheck,
            &crate::tests::fixture(name),
            &Secrets::default(),
        )
        .unwrap()
    }

    #[test]
    fn fixture_answers_decode() {
        let working = JobStatus::from_answer("J1", &fixture("job-working.json")).unwrap();
        assert_eq!(
            (working.state(), working.job_id()),
            (&JobState::Working, "J1")
        );
        assert_eq!(working.remaining_credits(), Some(60227));
        let done = JobStatus::from_answer("x", &fixture("job-success.json")).unwrap();
        assert_eq!(done.state(), &JobState::Success);
        assert!(
            done.url()
                .unwrap()
                .contains("L8QYIZQ6KZOITCT0PXUNPM6HKYSP5OIO.json")
        );
        let failed = JobStatus::from_answer("x", &fixture("job-failed.json")).unwrap();
        assert_eq!(
            (failed.state(), failed.message()),
            (&JobState::Failed, Some("Invalid password"))
        );
    }

    #[test]
    fn output_link_valid_till_comes_from_the_check() {
        let done = JobStatus::from_answer("x", &fixture("job-success.json")).unwrap();
        assert_eq!(
            done.output_link_valid_till(),
            Some("2025-08-11T17:09:13.263623+00:00")
        );
        let working = JobStatus::from_answer("J1", &fixture("job-working.json")).unwrap();
        assert_eq!(working.output_link_valid_till(), None);
    }

    #[test]
    fn status_without_state_is_a_decode_error() {
        let a = Answer::from_value(Step::JobCheck, json!({ "remainingCredits": 1 }));
        assert!(matches!(
            JobStatus::from_answer("J", &a),
            Err(Error::Decode { .. })
        ));
    }
}
