//! Many jobs, one thread: start them and wait for all of them in one polling loop, each job
//! checked on its own schedule, downloading each result as soon as its job succeeds.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cancel::Cancel;
use crate::download::check_destination;
use crate::retry::Deadline;
use crate::upload::check_input;
use crate::workflow::{Done, check_folder, check_not_input, finish};
use crate::{
    Client, Conversion, Error, Input, Job, JobState, JobStatus, OutputFormat, Request, Step,
};
use crate::{job, poll};

/// What a batch is doing, reported to its callback between requests.
///
/// # Example
///
/// ```no_run
/// use pdfco::{BatchProgress, OutputFormat, Request};
///
/// let client = pdfco::Client::from_env()?;
/// let files = [("a.pdf", "a.csv"), ("b.pdf", "b.csv")];
/// client.convert_files(files, &Request::convert(OutputFormat::Csv), |progress| {
///     if let BatchProgress::Finished { item, .. } = progress {
///         eprintln!("{}: {:?}", item.output().display(), item.result().map_err(|e| e.to_string()));
///     }
/// });
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug)]
pub enum BatchProgress<'a> {
    /// File `index` was uploaded and its job started (or, synchronously, finished).
    Started {
        /// The file's position in the batch.
        index: usize,
        /// The job, when asynchronous.
        job: Option<&'a Job>,
    },
    /// One job check's answer for file `index`.
    Status {
        /// The file's position in the batch.
        index: usize,
        /// The answer.
        status: &'a JobStatus,
    },
    /// File `index` is done, well or not.
    Finished {
        /// The file's position in the batch.
        index: usize,
        /// How it ended.
        item: &'a BatchItem,
    },
}

/// How one file of a batch ended.
///
/// # Example
///
/// ```
/// # fn no_run(report: pdfco::BatchReport) {
/// for item in report.into_items() {
///     if let (Some(id), Err(e)) = (item.job_id().map(str::to_string), item.result()) {
///         eprintln!("job {id} can be resumed: {e}");
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct BatchItem {
    input: Option<PathBuf>,
    output: PathBuf,
    job_id: Option<String>,
    result: Result<u64, Error>,
}

impl BatchItem {
    /// The input file, for batches started from files.
    pub fn input(&self) -> Option<&Path> {
        self.input.as_deref()
    }

    /// Where the result was (or was to be) written.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The job id, once a job was started: keep it to resume a failed download.
    pub fn job_id(&self) -> Option<&str> {
        self.job_id.as_deref()
    }

    /// The result's size in bytes, or why there is none.
    pub fn result(&self) -> Result<u64, &Error> {
        self.result.as_ref().copied()
    }

    /// Takes the outcome, with its error.
    pub fn into_result(self) -> Result<u64, Error> {
        self.result
    }
}

/// The per-file report of a batch, in the order the files were given.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{OutputFormat, Request};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().requests_per_second(100.0).build()?;
/// let dir = std::env::temp_dir().join(format!("pdfco-batch-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let files = [
///     ("fixtures/sample.pdf", dir.join("good.csv")),
///     ("fixtures/missing.pdf", dir.join("bad.csv")),
/// ];
/// let report = client.convert_files(files, &Request::convert(OutputFormat::Csv), |_| {});
/// assert!(!report.is_success());
/// assert_eq!(report.failures(), 1);
/// for item in report.items() {
///     match item.result() {
///         Ok(bytes) => println!("{}: {bytes} bytes (job {:?})", item.output().display(), item.job_id()),
///         Err(e) => println!("{}: {e}", item.input().unwrap().display()),
///     }
/// }
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct BatchReport {
    items: Vec<BatchItem>,
    elapsed: Duration,
    checks: u64,
}

impl BatchReport {
    /// Every file, in the order given.
    pub fn items(&self) -> &[BatchItem] {
        &self.items
    }

    /// Takes the items.
    pub fn into_items(self) -> Vec<BatchItem> {
        self.items
    }

    /// Whether every file was converted.
    pub fn is_success(&self) -> bool {
        self.items.iter().all(|i| i.result.is_ok())
    }

    /// How many files failed.
    pub fn failures(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_err()).count()
    }

    /// How long the whole batch took.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// How many job checks the polling loop made in all.
    pub fn checks(&self) -> u64 {
        self.checks
    }
}

/// How long after the batch's deadline a last check may still start, when the rate limit
/// delayed it.
const GRACE: Duration = Duration::from_millis(100);

/// One job in the polling loop.
struct Pending {
    index: usize,
    job: Job,
    /// When its wait began: when this batch started it, or when the loop began.
    started: Instant,
    checks: u32,
    next_check: Instant,
    force_after: Instant,
    /// The state of its last check, for the log.
    seen: Option<JobState>,
}

/// Spaces requests out to a rate.
struct Pacer {
    interval: Duration,
    last: Option<Instant>,
}

impl Pacer {
    fn new(per_second: f64) -> Pacer {
        let interval = if per_second.is_finite() && per_second > 0.0 {
            Duration::try_from_secs_f64(1.0 / per_second).unwrap_or(Duration::MAX)
        } else {
            Duration::ZERO
        };
        Pacer {
            interval,
            last: None,
        }
    }

    /// The earliest time, not before `not_before`, at which the rate allows a request.
    fn slot(&self, not_before: Instant) -> Instant {
        match self.last {
            Some(last) => not_before.max(poll::later(last, self.interval)),
            None => not_before,
        }
    }

    /// Sleeps until `at` (a [`slot`](Self::slot)), then counts `requests` requests as made
    /// now: the next slot is that many intervals later. Fails with [`Error::Cancelled`]
    /// (naming `step`) when the program asks to stop first.
    fn take(
        &mut self,
        at: Instant,
        requests: u32,
        (cancel, step): (&Cancel, Step),
    ) -> Result<(), Error> {
        cancel.sleep_until(at, step)?;
        let now = Instant::now();
        let extra = self.interval.saturating_mul(requests.saturating_sub(1));
        self.last = Some(poll::later(now, extra));
        Ok(())
    }

    /// Sleeps until both `not_before` and the rate allow the next request.
    #[cfg(test)]
    fn wait(&mut self, not_before: Instant) {
        let never = Cancel::default();
        self.take(self.slot(not_before), 1, (&never, Step::JobCheck))
            .unwrap();
    }
}

impl Client {
    /// Converts many local files on this thread: uploads each and starts its job, and
    /// checks the jobs in one polling loop, downloading each result as soon as its job
    /// succeeds. Checks that fall due while files are still starting are made between the
    /// starts. Each job is checked on its own
    /// [poll schedule](crate::ClientBuilder::poll_schedule), counted from its start, with a
    /// little jitter so that jobs started together spread out; the most overdue check goes
    /// first. Every API request (the presign and start of each file, every check) is paced to
    /// [`requests_per_second`](crate::ClientBuilder::requests_per_second).
    ///
    /// Results are saved as [`Client::convert_file`] saves them: page images (PNG, JPEG,
    /// WebP) into the folder given as the output, named after the input. A file that fails
    /// (bad input, a refusal, a failed job) is reported and does not stop the others. The batch as a whole is bounded by the job timeout (and the workflow
    /// timeout, when set). Never returns an error itself: look at the report.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let files = [("a.pdf", "a.json"), ("b.pdf", "b.json"), ("c.pdf", "c.json")];
    /// let report = client.convert_files(files, &Request::convert(OutputFormat::Json), |_| {});
    /// for item in report.items() {
    ///     match item.result() {
    ///         Ok(bytes) => println!("{}: {bytes} bytes", item.output().display()),
    ///         Err(e) => eprintln!("{}: {e}", item.output().display()),
    ///     }
    /// }
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn convert_files<I, P, Q, K>(
        &self,
        files: I,
        request: &Request<K>,
        mut on_progress: impl FnMut(BatchProgress<'_>),
    ) -> BatchReport
    where
        I: IntoIterator<Item = (P, Q)>,
        P: AsRef<Path>,
        Q: AsRef<Path>,
    {
        let request = &request.erased();
        let started = Instant::now();
        let outer = self.workflow_deadline();
        let deadline = self.batch_deadline(outer);
        let multi_file = request.is_multi_file();
        let mut items = Vec::new();
        let mut poller = Poller::new(self, (deadline, outer));
        for (index, (input, output)) in files.into_iter().enumerate() {
            // Checks already due go before the next start, one per job at most, so that the
            // jobs started first are seen done while the rest are still starting.
            let now = Instant::now();
            while poller.step(&mut items, &mut on_progress, Some(now)) {}
            let (input, output) = (input.as_ref(), output.as_ref());
            let mut item = BatchItem {
                input: Some(input.to_path_buf()),
                output: output.to_path_buf(),
                job_id: None,
                result: Ok(0),
            };
            let mut started_job = None;
            match self.start_one(input, output, request, deadline, &mut poller.pacer) {
                Ok(Conversion::Started(job)) => {
                    item.job_id = Some(job.id().to_string());
                    on_progress(BatchProgress::Started {
                        index,
                        job: Some(&job),
                    });
                    started_job = Some((job, Instant::now()));
                }
                Ok(Conversion::Finished(done)) => {
                    on_progress(BatchProgress::Started { index, job: None });
                    let done = Done::Sync(done);
                    item.result = self.save(&done, &item, multi_file, deadline);
                    on_progress(BatchProgress::Finished { index, item: &item });
                }
                Err(e) => {
                    item.result = Err(e);
                    on_progress(BatchProgress::Finished { index, item: &item });
                }
            }
            items.push(item);
            if let Some((job, at)) = started_job {
                poller.add(index, job, at);
            }
        }
        while poller.step(&mut items, &mut on_progress, None) {}
        BatchReport {
            items,
            elapsed: started.elapsed(),
            checks: poller.checks,
        }
    }

    /// Waits for jobs that are already started (for instance resumed from saved ids), in one
    /// polling loop as [`Client::convert_files`] does, downloading each result to its path.
    /// A job of page images saves them into the folder given as its output when the job
    /// knows its [format](Job::format) (a resumed one does with [`Job::with_format`]);
    /// otherwise the listing of page URLs is saved.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::Job;
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let jobs = vec![(Job::resume("JOB-1", None), "one.json"), (Job::resume("JOB-2", None), "two.json")];
    /// let report = client.wait_all(jobs, |_| {});
    /// println!("{} failed", report.failures());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn wait_all<I, Q>(
        &self,
        jobs: I,
        mut on_progress: impl FnMut(BatchProgress<'_>),
    ) -> BatchReport
    where
        I: IntoIterator<Item = (Job, Q)>,
        Q: AsRef<Path>,
    {
        let started = Instant::now();
        let mut items = Vec::new();
        let mut pending = Vec::new();
        for (index, (job, output)) in jobs.into_iter().enumerate() {
            items.push(BatchItem {
                input: None,
                output: output.as_ref().to_path_buf(),
                job_id: Some(job.id().to_string()),
                result: if job.format().is_some_and(OutputFormat::is_multi_file) {
                    check_folder(output.as_ref())
                } else {
                    check_destination(output.as_ref())
                }
                .map(|()| 0),
            });
            if items[index].result.is_ok() {
                pending.push((index, job, started));
            }
        }
        let outer = self.workflow_deadline();
        let mut poller = Poller::new(self, (self.batch_deadline(outer), outer));
        for (index, job, at) in pending {
            poller.add(index, job, at);
        }
        while poller.step(&mut items, &mut on_progress, None) {}
        BatchReport {
            items,
            elapsed: started.elapsed(),
            checks: poller.checks,
        }
    }

    /// The batch's deadline: the job timeout, or the workflow's deadline `outer` if earlier.
    fn batch_deadline(&self, outer: Deadline) -> Deadline {
        Deadline::after(self.inner.job_timeout).min(outer)
    }

    /// Saves a finished conversion of a batch: the result file, the page images into the
    /// item's folder (named after its input, or after the folder when the input is not known),
    /// or an inline body. Returns the bytes written.
    fn save(
        &self,
        done: &Done,
        item: &BatchItem,
        multi_file: bool,
        deadline: Deadline,
    ) -> Result<u64, Error> {
        let named_after = item.input.as_deref().unwrap_or(&item.output);
        let input = Input::path(named_after);
        let report = finish(
            self,
            done,
            &item.output,
            &input,
            multi_file,
            &mut |_| {},
            deadline,
        )?;
        Ok(report.bytes())
    }

    /// Checks everything locally, uploads, and starts one conversion: two API requests
    /// (presign and convert), paced as such.
    fn start_one(
        &self,
        input: &Path,
        output: &Path,
        request: &Request,
        deadline: Deadline,
        pacer: &mut Pacer,
    ) -> Result<Conversion, Error> {
        request.validate()?;
        check_input(input)?;
        if request.is_multi_file() {
            check_folder(output)?;
        } else {
            check_destination(output)?;
        }
        check_not_input(&Input::path(input), output)?;
        let cancel = self.transport().cancel();
        pacer.take(pacer.slot(Instant::now()), 2, (cancel, Step::Presign))?;
        let url = self.upload_input(&Input::path(input), &mut |_| {}, deadline)?;
        self.start_until(
            &request.named_for(output),
            std::slice::from_ref(&url),
            deadline,
        )
    }
}

/// The polling loop: each job checked when its own poll schedule says (jittered, so that
/// jobs started together spread out), the most overdue first, every request paced to the
/// rate limit. A job still `working` at the batch's deadline gets one last check at it.
struct Poller<'c> {
    client: &'c Client,
    pending: Vec<Pending>,
    pacer: Pacer,
    /// When to stop checking: the batch's deadline.
    stop: Deadline,
    /// The workflow's deadline, which also bounds each request.
    outer: Deadline,
    /// Checks made so far.
    checks: u64,
}

impl<'c> Poller<'c> {
    fn new(client: &'c Client, (stop, outer): (Deadline, Deadline)) -> Poller<'c> {
        Poller {
            client,
            pending: Vec::new(),
            pacer: Pacer::new(client.inner.requests_per_second),
            stop,
            outer,
            checks: 0,
        }
    }

    /// The planned time of a job's next check, cut to the batch's deadline.
    fn plan(&self, started: Instant, checks: u32) -> Instant {
        let after = self
            .client
            .inner
            .poll
            .next_check_jittered(checks, started.elapsed());
        let at = poll::later(started, after);
        self.stop.0.map_or(at, |d| at.min(d))
    }

    /// Adds a job whose wait began at `started`.
    fn add(&mut self, index: usize, job: Job, started: Instant) {
        let entry = Pending {
            index,
            job,
            started,
            checks: 0,
            next_check: self.plan(started, 0),
            force_after: poll::later(started, self.client.inner.force_check_after),
            seen: None,
        };
        self.pending.push(entry);
    }

    /// Makes the most overdue check, sleeping until it is due, and deals with its answer.
    /// With `due_by`, only a check planned by then is made. Returns whether a job was
    /// handled.
    fn step(
        &mut self,
        items: &mut [BatchItem],
        on_progress: &mut dyn FnMut(BatchProgress<'_>),
        due_by: Option<Instant>,
    ) -> bool {
        let Some(due) = self
            .pending
            .iter()
            .enumerate()
            .min_by_key(|(_, p)| p.next_check)
            .map(|(i, _)| i)
        else {
            return false;
        };
        if due_by.is_some_and(|by| self.pending[due].next_check > by) {
            return false;
        }
        let mut entry = self.pending.remove(due);
        let index = entry.index;
        let timeout = |last_state| Error::JobTimeout {
            job_id: entry.job.id().to_string(),
            waited: entry.started.elapsed(),
            last_state,
        };
        let finish = |items: &mut [BatchItem], on_progress: &mut dyn FnMut(BatchProgress<'_>)| {
            on_progress(BatchProgress::Finished {
                index,
                item: &items[index],
            });
        };
        // No check starts after the workflow's deadline, nor (beyond a moment's grace for
        // the last one) after the batch's: a queue of overdue checks must not hold the batch
        // past its end.
        let at = self.pacer.slot(entry.next_check);
        let grace = |d: Instant| poll::later(d, GRACE);
        if self.outer.0.is_some_and(|d| at >= d) || self.stop.0.is_some_and(|d| at > grace(d)) {
            items[index].result = Err(timeout(JobState::Working));
            finish(items, on_progress);
            return true;
        }
        let cancel = self.client.transport().cancel();
        if let Err(e) = self.pacer.take(at, 1, (cancel, Step::JobCheck)) {
            items[index].result = Err(e.for_job(entry.job.id()));
            finish(items, on_progress);
            return true;
        }
        let force = Instant::now() >= entry.force_after;
        if force {
            entry.force_after = poll::later(Instant::now(), self.client.inner.force_check_after);
        }
        self.checks += 1;
        entry.checks += 1;
        let status = match self.client.check_job(&entry.job, force, self.outer) {
            Ok(mut status) => {
                job::log_state(entry.job.id(), &mut entry.seen, status.state());
                status.set_url(entry.job.result_url());
                status
            }
            Err(e) => {
                items[index].result = Err(e);
                finish(items, on_progress);
                return true;
            }
        };
        on_progress(BatchProgress::Status {
            index,
            status: &status,
        });
        match status.state() {
            JobState::Success => {
                let multi_file = entry.job.format().is_some_and(OutputFormat::is_multi_file);
                let done = Done::Async(entry.job.clone(), status.clone());
                items[index].result = self
                    .client
                    .save(&done, &items[index], multi_file, self.stop);
            }
            JobState::Failed | JobState::Aborted | JobState::Unknown => {
                items[index].result = Err(Error::JobFailed {
                    job_id: entry.job.id().to_string(),
                    state: status.state().clone(),
                    message: status.message().unwrap_or_default().to_string(),
                    code: status.error_code(),
                });
            }
            state if self.stop.is_past() => {
                items[index].result = Err(timeout(state.clone()));
            }
            _ => {
                entry.next_check = self.plan(entry.started, entry.checks);
                self.pending.push(entry);
                return true;
            }
        }
        finish(items, on_progress);
        true
    }
}

impl fmt::Display for BatchReport {
    /// One line per file: output, then bytes or the error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            match &item.result {
                Ok(bytes) => writeln!(f, "ok     {} ({bytes} bytes)", item.output.display())?,
                Err(e) => writeln!(f, "failed {}: {e}", item.output.display())?,
            }
        }
        write!(
            f,
            "{} of {} converted in {:.1} s",
            self.items.len() - self.failures(),
            self.items.len(),
            self.elapsed.as_secs_f64()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacer_spaces_requests() {
        let mut pacer = Pacer::new(100.0);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.wait(Instant::now());
        }
        assert!(
            start.elapsed() >= Duration::from_millis(40),
            "{:?}",
            start.elapsed()
        );
        let mut free = Pacer::new(f64::INFINITY);
        let start = Instant::now();
        for _ in 0..1000 {
            free.wait(Instant::now());
        }
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
