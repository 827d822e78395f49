//! Many jobs, one thread: start them and wait for all of them in one polling loop, each job
//! checked on its own schedule, downloading each result as soon as its job succeeds.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::hash;
use std::time::{Duration, Instant};

use crate::cancel::Cancel;
use crate::download::check_destination;
use crate::retry::Deadline;
use crate::workflow::{Done, Guard, Report, check_folder, check_not_input, finish};
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
/// let csv = Request::convert(OutputFormat::Csv);
/// let batch = client.batch().file(&csv, "a.pdf", "a.csv").file(&csv, "b.pdf", "b.csv");
/// batch.run(|progress| {
///     if let BatchProgress::Finished { item, .. } = progress {
///         eprintln!("{}: {:?}", item.output().display(), item.result().map_err(|e| e.to_string()));
///     }
/// });
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug)]
pub enum BatchProgress<'a> {
    /// Item `index` was uploaded and its job started (or, synchronously, finished).
    Started {
        /// The item's position in the batch.
        index: usize,
        /// The job, when asynchronous.
        job: Option<&'a Job>,
    },
    /// One job check's answer for item `index`.
    Status {
        /// The item's position in the batch.
        index: usize,
        /// The answer.
        status: &'a JobStatus,
    },
    /// Item `index` is done, well or not.
    Finished {
        /// The item's position in the batch.
        index: usize,
        /// How it ended.
        item: &'a BatchItem,
    },
}

/// How one item of a batch ended.
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
    /// The input's file name, which page images are named after.
    name: Option<String>,
    output: PathBuf,
    job_id: Option<String>,
    result: Result<u64, Error>,
    /// Whether build-script mode found the output up to date.
    skipped: bool,
    /// The item's checkpoint and build-script mode, settled when it ends.
    guard: Option<Guard>,
}

impl BatchItem {
    /// Whether the item was skipped because its output was up to date
    /// ([`Batch::skip_if_unchanged`]): no request was sent for it.
    pub fn skipped(&self) -> bool {
        self.skipped
    }

    /// The input file, for an item added as a local path.
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

/// The per-item report of a batch, in the order the items were added.
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
/// let csv = Request::convert(OutputFormat::Csv);
/// let report = client
///     .batch()
///     .file(&csv, "fixtures/sample.pdf", dir.join("good.csv"))
///     .file(&csv, "fixtures/missing.pdf", dir.join("bad.csv"))
///     .run(|_| {});
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
    /// Every item, in the order added.
    pub fn items(&self) -> &[BatchItem] {
        &self.items
    }

    /// Takes the items.
    pub fn into_items(self) -> Vec<BatchItem> {
        self.items
    }

    /// Whether every item was converted.
    pub fn is_success(&self) -> bool {
        self.items.iter().all(|i| i.result.is_ok())
    }

    /// How many items failed.
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

/// A batch being put together: files to convert and jobs already started, each with where its
/// result goes. Made by [`Client::batch`], run by [`Batch::run`].
///
/// Items are reported in the order they were added, whatever their kind.
#[derive(Debug)]
#[must_use = "a batch does nothing until it is run"]
pub struct Batch<'c, 'a> {
    client: &'c Client,
    entries: Vec<Entry<'a>>,
    checkpoints: Option<PathBuf>,
    skip_if_unchanged: bool,
}

/// One item of a [`Batch`] before it runs.
#[derive(Debug)]
enum Entry<'a> {
    File {
        request: Box<Request>,
        input: Input<'a>,
        output: PathBuf,
    },
    Job {
        job: Job,
        output: PathBuf,
    },
}

impl<'a> Batch<'_, 'a> {
    /// Adds a document to convert with `request` (each file may have its own) and save to
    /// `output`: a file, or for page images (PNG, JPEG, WebP) a folder that receives one image
    /// per page, named after the input. The input is an [`Input`]: a local path, bytes, a
    /// reader, or a URL that PDF.co fetches itself (nothing is uploaded then).
    pub fn file<K>(
        mut self,
        request: &Request<K>,
        input: impl Into<Input<'a>>,
        output: impl AsRef<Path>,
    ) -> Self {
        self.entries.push(Entry::File {
            request: Box::new(request.erased()),
            input: input.into(),
            output: output.as_ref().to_path_buf(),
        });
        self
    }

    /// Adds a job that is already started (for instance resumed from a saved id with
    /// [`Job::resume`]), to wait for and save to `output`. A job of page images saves them
    /// into the folder given as its output when the job knows its [format](Job::format) (a
    /// resumed one does with [`Job::with_format`]); otherwise the listing of page URLs is
    /// saved.
    pub fn job(mut self, job: Job, output: impl AsRef<Path>) -> Self {
        self.entries.push(Entry::Job {
            job,
            output: output.as_ref().to_path_buf(),
        });
        self
    }

    /// Build-script mode for every file added with [`file`](Self::file), as
    /// [`Run::skip_if_unchanged`](crate::Run::skip_if_unchanged) has it: a file whose output
    /// is there and whose sidecar (the output's path with `.pdfco.json` appended) records the
    /// same input content (SHA-256) and options is skipped without any request, reported
    /// `Ok` with the output's size and [`BatchItem::skipped`]; the others are converted and
    /// get their sidecar once saved. An input read from a reader is never skipped. A sidecar
    /// path taken by a file this crate did not write fails that item before any request.
    /// Jobs added with [`job`](Self::job) are not concerned.
    ///
    /// Defaults to `false`.
    pub fn skip_if_unchanged(mut self, skip: bool) -> Self {
        self.skip_if_unchanged = skip;
        self
    }

    /// A checkpoint for every file added with [`file`](Self::file), as
    /// [`Run::checkpoint`](crate::Run::checkpoint) has it, in the folder `dir` (which must
    /// exist): once a file's job has started, its id and result URL are written to
    /// `dir/{output's file name}-{12 hex digits}.pdfco-job` (the digits a hash of the
    /// output's path as given), and a rerun of the batch with the same input, options and
    /// output waits for that job instead of uploading and starting a new one. A checkpoint
    /// is removed once its result is saved or its job can no longer give one, and kept after
    /// a timeout, a cancellation or a network failure. A checkpoint path taken by a file
    /// this crate did not write fails that item before any request.
    ///
    /// Defaults to none.
    pub fn checkpoints(mut self, dir: impl Into<PathBuf>) -> Self {
        self.checkpoints = Some(dir.into());
        self
    }

    /// Runs the batch on this thread: waits for the jobs added with [`job`](Self::job) and,
    /// one after the other, uploads each file and starts its job, checking all the jobs in
    /// one polling loop and downloading each result as soon as its job succeeds. Checks that
    /// fall due while files are still starting are made between the starts. Each job is
    /// checked on its own [poll schedule](crate::ClientBuilder::poll_schedule), counted from
    /// its start (from the run's start for a job added with [`job`](Self::job)), with a
    /// little jitter so that jobs started together spread out; the most overdue check goes
    /// first. Every API request (the presign and start of each file, every check) is paced
    /// to [`requests_per_second`](crate::ClientBuilder::requests_per_second).
    ///
    /// Before each file starts, its request, input and output are checked locally. An item
    /// that fails (bad input, a refusal, a failed job) is reported and does not stop the
    /// others. The batch as a whole is bounded by the job timeout (and the workflow timeout,
    /// when set); when the client's cancel flag is set, the items not yet done end in
    /// [`Error::Cancelled`]. Never returns an error itself: look at the report, which keeps
    /// the job id of every item whose job started.
    pub fn run(self, mut on_progress: impl FnMut(BatchProgress<'_>)) -> BatchReport {
        let client = self.client;
        let options = (self.checkpoints, self.skip_if_unchanged);
        let started = Instant::now();
        let outer = client.workflow_deadline();
        let deadline = client.batch_deadline(outer);
        let mut poller = Poller::new(client, (deadline, outer));
        let mut items = Vec::with_capacity(self.entries.len());
        let mut files = Vec::new();
        for (index, entry) in self.entries.into_iter().enumerate() {
            match entry {
                Entry::Job { job, output } => {
                    let result = if job.format().is_some_and(OutputFormat::is_multi_file) {
                        check_folder(&output)
                    } else {
                        check_destination(&output)
                    };
                    items.push(BatchItem {
                        input: None,
                        name: None,
                        output,
                        job_id: Some(job.id().to_string()),
                        result: result.map(|()| 0),
                        skipped: false,
                        guard: None,
                    });
                    if items[index].result.is_ok() {
                        poller.add(index, job, started);
                    }
                }
                Entry::File {
                    request,
                    input,
                    output,
                } => {
                    items.push(BatchItem {
                        input: input.as_path().map(Path::to_path_buf),
                        name: Some(input.name()),
                        output,
                        job_id: None,
                        result: Ok(0),
                        skipped: false,
                        guard: None,
                    });
                    files.push((index, request, input));
                }
            }
        }
        for (index, request, input) in files {
            // Checks already due go before the next start, one per job at most, so that the
            // jobs started first are seen done while the rest are still starting.
            let now = Instant::now();
            while poller.step(&mut items, &mut on_progress, Some(now)) {}
            let output = items[index].output.clone();
            let item = &mut items[index];
            let started_one = client.start_one(
                (&input, &output, &request),
                &options,
                &mut item.guard,
                deadline,
                &mut poller.pacer,
            );
            match started_one {
                Ok(Began::UpToDate(bytes)) => {
                    item.result = Ok(bytes);
                    item.skipped = true;
                    on_progress(BatchProgress::Finished { index, item });
                }
                Ok(Began::Conversion(conversion)) => match *conversion {
                    Conversion::Started(job) => {
                        item.job_id = Some(job.id().to_string());
                        on_progress(BatchProgress::Started {
                            index,
                            job: Some(&job),
                        });
                        poller.add(index, job, Instant::now());
                    }
                    Conversion::Finished(done) => {
                        on_progress(BatchProgress::Started { index, job: None });
                        let done = Done::Sync(done);
                        let saved = client.save(&done, item, request.is_multi_file(), deadline);
                        item.settle(saved);
                        on_progress(BatchProgress::Finished { index, item });
                    }
                },
                Err(e) => {
                    item.settle(Err(e));
                    on_progress(BatchProgress::Finished { index, item });
                }
            }
        }
        while poller.step(&mut items, &mut on_progress, None) {}
        BatchReport {
            items,
            elapsed: started.elapsed(),
            checks: poller.checks,
        }
    }
}

impl Client {
    /// Starts a batch: many conversions and jobs from this thread, in one polling loop paced
    /// to PDF.co's rate limit, each result downloaded as soon as its job succeeds. Add files
    /// with [`Batch::file`] and jobs already started with [`Batch::job`], then
    /// [`Batch::run`] it.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{Job, OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let json = Request::convert(OutputFormat::Json);
    /// let mut batch = client.batch();
    /// for name in ["a", "b", "c"] {
    ///     batch = batch.file(&json, format!("{name}.pdf"), format!("{name}.json"));
    /// }
    /// let batch = batch.job(Job::resume("JOB-1", None), "resumed.json");
    /// let report = batch.run(|_| {});
    /// for item in report.items() {
    ///     match item.result() {
    ///         Ok(bytes) => println!("{}: {bytes} bytes", item.output().display()),
    ///         Err(e) => eprintln!("{}: {e} (job {:?})", item.output().display(), item.job_id()),
    ///     }
    /// }
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn batch<'a>(&self) -> Batch<'_, 'a> {
        Batch {
            client: self,
            entries: Vec::new(),
            checkpoints: None,
            skip_if_unchanged: false,
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
    ) -> Result<Report, Error> {
        let named_after = item
            .name
            .as_deref()
            .map_or(item.output.as_path(), Path::new);
        let stem = Input::path(named_after).stem();
        finish(
            self,
            done,
            &item.output,
            &stem,
            multi_file,
            &mut |_| {},
            deadline,
        )
    }

    /// Checks everything locally, uploads, and starts one conversion: two API requests
    /// (presign and convert), paced as such, or one for a URL, which is not uploaded. With
    /// the batch's options (`checkpoints`, `skip_if_unchanged`), an up-to-date output is
    /// skipped and a checkpointed job resumed, without a request; `guard` keeps them for
    /// when the item ends.
    fn start_one(
        &self,
        (input, output, request): (&Input<'_>, &Path, &Request),
        (checkpoints, skip_if_unchanged): &(Option<PathBuf>, bool),
        guard: &mut Option<Guard>,
        deadline: Deadline,
        pacer: &mut Pacer,
    ) -> Result<Began, Error> {
        request.validate()?;
        let upload = input.check()?.is_some();
        let multi_file = request.is_multi_file();
        if multi_file {
            check_folder(output)?;
        } else {
            check_destination(output)?;
        }
        check_not_input(input, output)?;
        let request = request.named_for(output);
        let checkpoint = checkpoints.as_deref().map(|dir| checkpoint_in(dir, output));
        let options = (checkpoint, *skip_if_unchanged);
        let kept = guard.insert(Guard::new(
            std::slice::from_ref(input),
            output,
            &request,
            multi_file,
            options,
        )?);
        if let Some(paths) = kept.up_to_date() {
            let bytes = paths
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| m.len())
                .sum();
            return Ok(Began::UpToDate(bytes));
        }
        if let Some(job) = kept.saved_job() {
            return Ok(Began::Conversion(Box::new(Conversion::Started(job))));
        }
        let cancel = self.transport().cancel();
        let (requests, step) = if upload {
            (2, Step::Presign)
        } else {
            (1, Step::Start)
        };
        pacer.take(pacer.slot(Instant::now()), requests, (cancel, step))?;
        let url = self.upload_input(input, &mut |_| {}, deadline)?;
        let conversion = self.start_until(&request, std::slice::from_ref(&url), deadline)?;
        if let Conversion::Started(job) = &conversion {
            kept.started(job).map_err(|e| e.for_job(job.id()))?;
        }
        Ok(Began::Conversion(Box::new(conversion)))
    }
}

/// How a file of a batch began.
enum Began {
    /// Build-script mode found its output (of this many bytes) up to date.
    UpToDate(u64),
    /// Its job started (or was resumed from a checkpoint), or it finished at once.
    Conversion(Box<Conversion>),
}

/// The checkpoint of the file saved to `output` in the folder `dir`: named after the
/// output's file name and a hash of its path, so that outputs of the same name in different
/// folders do not share one.
fn checkpoint_in(dir: &Path, output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    let digest = hash::sha256_of(output.as_os_str().as_encoded_bytes()).unwrap_or_default();
    let short: String = digest.chars().take(12).collect();
    dir.join(format!("{name}-{short}.pdfco-job"))
}

impl BatchItem {
    /// Records how the item ended, settling its checkpoint and build-script mode: the
    /// checkpoint removed once the result is saved or lost, the sidecar written.
    fn settle(&mut self, result: Result<Report, Error>) {
        let result = match &self.guard {
            Some(guard) => guard.settle(result),
            None => result,
        };
        self.result = result.map(|report| report.bytes());
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
            items[index].settle(Err(timeout(JobState::Working)));
            finish(items, on_progress);
            return true;
        }
        let cancel = self.client.transport().cancel();
        if let Err(e) = self.pacer.take(at, 1, (cancel, Step::JobCheck)) {
            items[index].settle(Err(e.for_job(entry.job.id())));
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
                items[index].settle(Err(e));
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
                let saved = self
                    .client
                    .save(&done, &items[index], multi_file, self.stop);
                items[index].settle(saved);
            }
            JobState::Failed | JobState::Aborted | JobState::Unknown => {
                items[index].settle(Err(Error::JobFailed {
                    job_id: entry.job.id().to_string(),
                    state: status.state().clone(),
                    message: status.message().unwrap_or_default().to_string(),
                    code: status.error_code(),
                }));
            }
            state if self.stop.is_past() => {
                items[index].settle(Err(timeout(state.clone())));
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
