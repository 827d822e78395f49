//! The one-call helpers: upload, convert, wait, download, in that order.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::checkpoint::{self, Checkpoint, Stamp};
use crate::convert::Shape;
use crate::download::{
    ResultUrl, check_destination, parse_json, same_file, with_job, write_atomically,
};
use crate::retry::Deadline;
use crate::sidecar;
use crate::tempfile::{self, parent_dir};
use crate::{
    Client, Conversion, Error, Input, Job, JobStatus, Output, OutputFormat, Request, Step,
};

/// What a one-call conversion is doing, reported to the callback of
/// [`Client::convert_file_with`]. The callback runs on the caller's thread, between steps.
///
/// # Example
///
/// ```no_run
/// use pdfco::{OutputFormat, Progress, Request};
///
/// let client = pdfco::Client::from_env()?;
/// client.convert_file_with("in.pdf", "out.json", &Request::convert(OutputFormat::Json), |p| match p {
///     Progress::Uploading { sent, total } => eprint!("\rupload {sent}/{total}"),
///     Progress::Started(job) => eprintln!("\njob {}", job.id()),
///     Progress::Status(status) => eprintln!("{}", status.state()),
///     Progress::Downloading { received } => eprint!("\rdownload {received}"),
///     _ => {}
/// })?;
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug)]
pub enum Progress<'a> {
    /// Bytes of the input sent to storage so far, out of `total`. Starts again from zero if
    /// the upload is retried.
    Uploading {
        /// Sent so far.
        sent: u64,
        /// The file's size.
        total: u64,
    },
    /// The input is in storage: every byte of it arrived, whatever attempts it took. Not
    /// sent for a URL input, which PDF.co fetches itself.
    Uploaded {
        /// The input's size.
        bytes: u64,
    },
    /// The conversion job started.
    Started(&'a Job),
    /// One job check's answer.
    Status(&'a JobStatus),
    /// Bytes of the result written so far. A resumed download goes on counting from where
    /// it stopped.
    Downloading {
        /// Written so far.
        received: u64,
    },
}

/// What a one-call conversion did.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{OutputFormat, Request};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let out = std::env::temp_dir().join(format!("pdfco-report-doc-{}.xml", std::process::id()));
/// let report = client.convert_file("fixtures/sample.pdf", &out, &Request::convert(OutputFormat::Xml))?;
/// assert_eq!(report.path(), out.as_path());
/// assert_eq!(report.paths(), [out.clone()]);
/// assert_eq!(report.bytes(), std::fs::metadata(&out)?.len());
/// assert_eq!(report.page_count(), Some(3));
/// assert!(report.job_id().is_some() && !report.skipped());
/// assert!(report.credits().is_some() && report.remaining_credits().is_some());
/// # std::fs::remove_file(&out)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Report {
    path: PathBuf,
    paths: Vec<PathBuf>,
    input: Option<PathBuf>,
    skipped: bool,
    job_id: Option<String>,
    bytes: u64,
    page_count: Option<u64>,
    credits: Option<u64>,
    remaining_credits: Option<u64>,
}

impl Report {
    /// Where the result was written: the output file, or the folder of page images.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every file written: the output file, or each page image in page order.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Whether nothing was converted because the output was up to date (see
    /// [`FileConversion::skip_if_unchanged`]).
    pub fn skipped(&self) -> bool {
        self.skipped
    }

    /// The job id, for asynchronous conversions.
    pub fn job_id(&self) -> Option<&str> {
        self.job_id.as_deref()
    }

    /// The size of the result, all files together.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// How many pages PDF.co processed, if it said.
    pub fn page_count(&self) -> Option<u64> {
        self.page_count
    }

    /// Credits the conversion cost, if PDF.co said.
    pub fn credits(&self) -> Option<u64> {
        self.credits
    }

    /// Credits left on the account after it, if PDF.co said.
    pub fn remaining_credits(&self) -> Option<u64> {
        self.remaining_credits
    }

    /// The lines a build script prints so that Cargo runs it again when the input file
    /// changes: `cargo:rerun-if-changed=<input>`, for a local input. Nothing is printed by
    /// the crate itself.
    ///
    /// # Example
    ///
    /// ```no_run
    /// # fn no_run(report: pdfco::Report) {
    /// for line in report.cargo_directives() {
    ///     println!("{line}");
    /// }
    /// # }
    /// ```
    pub fn cargo_directives(&self) -> Vec<String> {
        self.input
            .iter()
            .map(|input| format!("cargo:rerun-if-changed={}", input.display()))
            .collect()
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("path", &self.path)
            .field("files", &self.paths.len())
            .field("skipped", &self.skipped)
            .field("job_id", &self.job_id)
            .field("bytes", &self.bytes)
            .field("page_count", &self.page_count)
            .finish_non_exhaustive()
    }
}

/// A finished conversion, before its result is fetched.
pub(crate) enum Done {
    Sync(Output),
    Async(Job, JobStatus),
}

impl Done {
    fn result_url(&self) -> ResultUrl<'_> {
        match self {
            Done::Sync(output) => ResultUrl::from(output),
            Done::Async(_, status) => ResultUrl::from(status),
        }
    }

    fn body(&self) -> Option<&Value> {
        match self {
            Done::Sync(output) => output.body(),
            Done::Async(_, status) => status.body(),
        }
    }

    fn has_link(&self) -> bool {
        match self {
            Done::Sync(output) => output.url().is_some() || !output.urls().is_empty(),
            Done::Async(_, status) => status.url().is_some() || !status.urls().is_empty(),
        }
    }

    fn job_id(&self) -> Option<&str> {
        match self {
            Done::Sync(_) => None,
            Done::Async(job, _) => Some(job.id()),
        }
    }

    fn report(&self, path: &Path, paths: Vec<PathBuf>, bytes: u64, input: Option<&Path>) -> Report {
        let (page_count, credits, remaining_credits) = match self {
            Done::Sync(output) => (
                output.page_count(),
                output.credits(),
                output.remaining_credits(),
            ),
            Done::Async(job, status) => (
                status.page_count(),
                job.credits(),
                status.remaining_credits().or(job.remaining_credits()),
            ),
        };
        Report {
            path: path.to_path_buf(),
            paths,
            input: input.map(Path::to_path_buf),
            skipped: false,
            job_id: self.job_id().map(str::to_string),
            bytes,
            page_count,
            credits,
            remaining_credits,
        }
    }
}

/// The text of an inline result: a string as it is, any other JSON value serialised.
fn body_text(body: &Value) -> String {
    match body {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// One conversion of an input into a local file (or a folder of page images), with the
/// options that only make sense there: a checkpoint to resume a paid job after a crash, and
/// an up-to-date check for build scripts. Made by [`Client::conversion`]; run with
/// [`run`](Self::run).
///
/// # Example
///
/// ```no_run
/// use pdfco::{OutputFormat, Request};
///
/// let client = pdfco::Client::from_env()?;
/// let request = Request::convert(OutputFormat::Json);
/// let report = client
///     .conversion("big.pdf", "big.json", &request)
///     .checkpoint("big.pdfco-job")
///     .skip_if_unchanged(true)
///     .run()?;
/// println!("{} bytes{}", report.bytes(), if report.skipped() { " (up to date)" } else { "" });
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "a conversion does nothing until it is run"]
pub struct FileConversion<'c, 'a> {
    client: &'c Client,
    input: Input<'a>,
    output: PathBuf,
    request: Request,
    checkpoint: Option<PathBuf>,
    skip_if_unchanged: bool,
}

impl<'a> FileConversion<'_, 'a> {
    /// Writes the job id and result URL to the file `path` once the job has started, before
    /// waiting. If that file already describes this same conversion (the same input content,
    /// options and output), [`run`](Self::run) waits for that job instead of starting a new
    /// one. The file is removed once the result is saved, or when its job can no longer give
    /// one (failed, or its result expired); it is kept after a timeout or a network failure.
    ///
    /// The result URL in it is signed: the file is written readable by its owner only (on
    /// Unix). Recognising the input means reading it once more to hash it; an input read
    /// from a reader cannot be read twice, so it never resumes.
    ///
    /// The path must be the crate's own: [`run`](Self::run) refuses, before any request, a
    /// checkpoint path that is the input, the output or the sidecar (also through a link),
    /// or an existing file that is not a checkpoint this crate wrote (recognised by its
    /// `"pdfco": "checkpoint"`), and one whose folder is missing or cannot be written.
    ///
    /// Defaults to none.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }

    /// Build-script mode: skips the conversion when the output is already there and its
    /// sidecar file (the output's path with `.pdfco.json` appended) records the same input
    /// content (SHA-256) and options; writes that sidecar after converting. A skipped run
    /// sends no request. An input read from a reader is never skipped. An existing file at
    /// the sidecar's path that this crate did not write (it has `"pdfco": "sidecar"`) is
    /// never overwritten: [`run`](Self::run) refuses before any request.
    ///
    /// Defaults to `false`.
    pub fn skip_if_unchanged(mut self, skip: bool) -> Self {
        self.skip_if_unchanged = skip;
        self
    }

    /// Runs the conversion: upload, convert, wait, download.
    ///
    /// # Errors
    ///
    /// As [`Client::convert_file`]; [`Error::WriteOutput`] if the checkpoint or sidecar
    /// cannot be written. Before any request: [`Error::InvalidOption`] (option
    /// `"checkpoint"` or `"sidecar"`) when its path is the input, the output, or a file the
    /// crate did not write as one; [`Error::WriteOutput`] when the output is the input
    /// file, or a folder of the output, checkpoint or sidecar is missing or cannot be
    /// written.
    pub fn run(self) -> Result<Report, Error> {
        self.run_with(|_| {})
    }

    /// [`run`](Self::run), calling `on_progress` as each step moves along.
    ///
    /// # Errors
    ///
    /// As [`run`](Self::run).
    pub fn run_with(self, mut on_progress: impl FnMut(Progress<'_>)) -> Result<Report, Error> {
        let FileConversion {
            client,
            input,
            output,
            request,
            checkpoint,
            skip_if_unchanged,
        } = self;
        let multi_file = request.is_multi_file();
        request.validate()?;
        let total = input.check()?;
        if multi_file {
            check_folder(&output)?;
        } else {
            check_destination(&output)?;
        }
        check_not_input(&input, &output)?;
        let sidecar = skip_if_unchanged.then(|| sidecar::path_for(&output));
        let input_path = input.as_path();
        let mut taken = vec![(output.as_path(), "the output")];
        taken.extend(input_path.map(|p| (p, "the input file")));
        if let Some(path) = &checkpoint {
            let mut others = taken.clone();
            others.extend(sidecar.as_deref().map(|p| (p, "the output's sidecar file")));
            checkpoint::check_own_file(path, "checkpoint", &others)?;
        }
        if let Some(path) = &sidecar {
            let mut others = taken.clone();
            others.extend(checkpoint.as_deref().map(|p| (p, "the checkpoint")));
            checkpoint::check_own_file(path, "sidecar", &others)?;
        }
        let request = request.named_for(&output);

        let stamp = if checkpoint.is_some() || skip_if_unchanged {
            Some(Stamp {
                input: input.fingerprint()?,
                request: request.fingerprint(),
            })
        } else {
            None
        };
        if let (true, Some(stamp)) = (skip_if_unchanged, &stamp) {
            if let Some(paths) = sidecar::up_to_date(&output, multi_file, stamp) {
                let bytes = total_size(&paths);
                return Ok(Report {
                    path: output.clone(),
                    paths,
                    input: input.as_path().map(Path::to_path_buf),
                    skipped: true,
                    job_id: None,
                    bytes,
                    page_count: None,
                    credits: None,
                    remaining_credits: None,
                });
            }
        }

        let deadline = client.workflow_deadline();
        let saved = checkpoint
            .as_deref()
            .zip(stamp.as_ref())
            .and_then(|(path, stamp)| Checkpoint::load(path, stamp, &output));
        let conversion = match saved {
            Some(saved) => Conversion::Started(Job::resume(saved.job_id, saved.result_url)),
            None => {
                let size = total.unwrap_or(0);
                let url = client.upload_input(
                    &input,
                    &mut |sent| on_progress(Progress::Uploading { sent, total: size }),
                    deadline,
                )?;
                if total.is_some() {
                    on_progress(Progress::Uploaded { bytes: size });
                }
                let conversion =
                    client.start_until(&request, std::slice::from_ref(&url), deadline)?;
                if let (Conversion::Started(job), Some(path), Some(stamp)) =
                    (&conversion, &checkpoint, &stamp)
                {
                    Checkpoint::save(path, stamp, &output, job)?;
                }
                conversion
            }
        };
        let done = match conversion {
            Conversion::Finished(result) => Ok(Done::Sync(result)),
            Conversion::Started(job) => {
                on_progress(Progress::Started(&job));
                client
                    .wait_until(&job, deadline, &mut |s| on_progress(Progress::Status(s)))
                    .map(|status| Done::Async(job, status))
            }
        };
        let result = done.and_then(|done| {
            let progress: &mut dyn FnMut(Progress<'_>) = &mut on_progress;
            finish(
                client, &done, &output, &input, multi_file, progress, deadline,
            )
        });
        match (&result, &checkpoint) {
            (Ok(_), Some(path)) => Checkpoint::remove(path),
            (Err(e), Some(path)) if checkpoint::is_lost(e) => Checkpoint::remove(path),
            _ => {}
        }
        result.and_then(|report| record(&report, &output, skip_if_unchanged, stamp.as_ref()))
    }
}

/// Saves a finished conversion's result to `output`: the file, the page images into the
/// folder, or the inline body.
pub(crate) fn finish(
    client: &Client,
    done: &Done,
    output: &Path,
    input: &Input<'_>,
    multi_file: bool,
    on_progress: &mut dyn FnMut(Progress<'_>),
    deadline: Deadline,
) -> Result<Report, Error> {
    let mut on_bytes = |received| on_progress(Progress::Downloading { received });
    let input_path = input.as_path();
    if let (Some(body), false) = (done.body(), done.has_link()) {
        let text = body_text(body);
        write_atomically(output, text.as_bytes(), false).map_err(|source| {
            let error = Error::WriteOutput {
                path: output.to_path_buf(),
                job_id: None,
                source,
            };
            with_job(error, done.job_id())
        })?;
        on_bytes(text.len() as u64);
        let paths = vec![output.to_path_buf()];
        return Ok(done.report(output, paths, text.len() as u64, input_path));
    }
    if let Done::Sync(result) = done {
        if result.urls().is_empty() && result.url().is_none() {
            return Err(Error::decode(
                Step::Start,
                "no result: PDF.co sent neither a link nor a body",
                String::new(),
            ));
        }
    }
    let from = done.result_url();
    if multi_file || matches!(done, Done::Sync(o) if o.url().is_none()) {
        create_folder(output, done.job_id())?;
        let paths =
            client.download_pages_with(from, output, &input.stem(), &mut on_bytes, deadline)?;
        let bytes = total_size(&paths);
        return Ok(done.report(output, paths, bytes, input_path));
    }
    let bytes = client.download_file(from, output, &mut on_bytes, deadline)?;
    Ok(done.report(output, vec![output.to_path_buf()], bytes, input_path))
}

/// The size of a result's files together.
fn total_size(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// Writes the sidecar of a finished conversion in build-script mode.
fn record(
    report: &Report,
    output: &Path,
    skip_if_unchanged: bool,
    stamp: Option<&Stamp>,
) -> Result<Report, Error> {
    if let (true, Some(stamp)) = (skip_if_unchanged, stamp) {
        if stamp.input.is_some() {
            sidecar::write(output, stamp, report.paths())
                .map_err(|e| with_job(e, report.job_id()))?;
        }
    }
    Ok(report.clone())
}

/// Checks locally that a folder of page images can be made at `dir`: it exists as a
/// folder, or its parent does.
pub(crate) fn check_folder(dir: &Path) -> Result<(), Error> {
    let fail = |kind, msg: &str| Error::WriteOutput {
        path: dir.to_path_buf(),
        job_id: None,
        source: std::io::Error::new(kind, msg.to_string()),
    };
    if !dir.is_dir() && (dir.exists() || dir.file_name().is_none()) {
        return Err(fail(
            std::io::ErrorKind::InvalidInput,
            "page images go into a folder, and this is not one",
        ));
    }
    if !parent_dir(dir).is_dir() {
        return Err(fail(std::io::ErrorKind::NotFound, "folder does not exist"));
    }
    // The folder is made in its parent; the pages go into it.
    let probe = if dir.is_dir() {
        dir.join("page")
    } else {
        dir.to_path_buf()
    };
    tempfile::probe(&probe).map_err(|e| Error::WriteOutput {
        path: dir.to_path_buf(),
        job_id: None,
        source: std::io::Error::new(e.kind(), format!("the folder cannot be written: {e}")),
    })
}

/// Refuses an output that is the input file itself (also through a link): writing the
/// result would destroy the input.
pub(crate) fn check_not_input(input: &Input<'_>, output: &Path) -> Result<(), Error> {
    match input.as_path() {
        Some(path) if same_file(path, output) => Err(Error::WriteOutput {
            path: output.to_path_buf(),
            job_id: None,
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the output is the input file",
            ),
        }),
        _ => Ok(()),
    }
}

/// Makes the folder of page images, if it is not there yet.
fn create_folder(dir: &Path, job_id: Option<&str>) -> Result<(), Error> {
    match std::fs::create_dir(dir) {
        Err(e) if !(e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir()) => {
            let error = Error::WriteOutput {
                path: dir.to_path_buf(),
                job_id: None,
                source: e,
            };
            Err(with_job(error, job_id))
        }
        _ => Ok(()),
    }
}

impl Client {
    /// A conversion of `input` into the file `output` (or, for page images, into the folder
    /// `output`), to configure with a checkpoint or build-script mode, then run. The
    /// one-call helpers below are shortcuts for it.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let request = Request::convert(OutputFormat::Png).pages("0-2");
    /// let report = client.conversion("slides.pdf", "slides", &request).run()?;
    /// for image in report.paths() {
    ///     println!("{}", image.display()); // slides/slides-1.png, ...
    /// }
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn conversion<'a, K>(
        &self,
        input: impl Into<Input<'a>>,
        output: impl AsRef<Path>,
        request: &Request<K>,
    ) -> FileConversion<'_, 'a> {
        FileConversion {
            client: self,
            input: input.into(),
            output: output.as_ref().to_path_buf(),
            request: request.erased(),
            checkpoint: None,
            skip_if_unchanged: false,
        }
    }

    /// Converts a PDF into a local file in one call: upload, convert, wait, download.
    ///
    /// The input is a local path, or any [`Input`]: bytes, a reader, or a URL PDF.co fetches
    /// itself. Everything that can be checked locally is checked before the first request:
    /// the options, the input file, the destination folder. Unless the request names the
    /// output, it is named after `output`. Page images (PNG, JPEG, WebP) go into the folder
    /// `output`, made if missing, as `{input stem}-1.png`, `-2.png`, ...; an inline result
    /// is written as it came.
    ///
    /// # Errors
    ///
    /// Any error of the four steps; see [`Client::upload`], [`Client::convert`],
    /// [`Client::wait`] and [`Client::download`]. Errors after the job started carry its id.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let request = Request::convert(OutputFormat::Xlsx).pages("0-2");
    /// let report = client.convert_file("invoice.pdf", "invoice.xlsx", &request)?;
    /// println!("{} bytes from job {:?}", report.bytes(), report.job_id());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn convert_file<'a, K>(
        &self,
        input: impl Into<Input<'a>>,
        output: impl AsRef<Path>,
        request: &Request<K>,
    ) -> Result<Report, Error> {
        self.conversion(input, output, request).run()
    }

    /// [`Client::convert_file`], calling `on_progress` as each step moves along.
    ///
    /// # Errors
    ///
    /// As [`Client::convert_file`].
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{OutputFormat, Progress, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let request = Request::convert(OutputFormat::Json);
    /// client.convert_file_with("in.pdf", "out.json", &request, |p| {
    ///     if let Progress::Status(s) = p {
    ///         eprintln!("{}", s.state());
    ///     }
    /// })?;
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn convert_file_with<'a, K>(
        &self,
        input: impl Into<Input<'a>>,
        output: impl AsRef<Path>,
        request: &Request<K>,
        on_progress: impl FnMut(Progress<'_>),
    ) -> Result<Report, Error> {
        self.conversion(input, output, request)
            .run_with(on_progress)
    }

    /// Converts a PDF and returns the result as text, without writing a file: the inline
    /// body when the request asks for one, else the result file read into memory (at most
    /// [`json_limit`](crate::ClientBuilder::json_limit) bytes). For text formats (CSV, XML,
    /// HTML, text) and JSON.
    ///
    /// # Errors
    ///
    /// As [`Client::convert_file`]; [`Error::InvalidOption`] for formats that are not
    /// text (XLSX, XLS, images), before any request; [`Error::Decode`] for a result that is
    /// larger than the limit or not UTF-8.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let csv = client.convert_to_string("table.pdf", &Request::convert(OutputFormat::Csv))?;
    /// for line in csv.lines() {
    ///     println!("{line}");
    /// }
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn convert_to_string<'a, K>(
        &self,
        input: impl Into<Input<'a>>,
        request: &Request<K>,
    ) -> Result<String, Error> {
        let (done, bytes) = self.convert_in_memory(input.into(), &request.erased())?;
        match (bytes, done.body()) {
            (Some(bytes), _) => String::from_utf8(bytes).map_err(|e| {
                let excerpt = crate::redact::excerpt(e.as_bytes(), None);
                let error = Error::decode(Step::Download, "the result is not UTF-8 text", excerpt);
                with_job(error, done.job_id())
            }),
            (None, Some(body)) => Ok(body_text(body)),
            (None, None) => Ok(String::new()),
        }
    }

    /// Converts a PDF to one of the JSON formats and returns the result as a
    /// [`serde_json::Value`], without writing a file; turn it into the typed model with
    /// [`Document::from_value`](crate::Document::from_value).
    ///
    /// # Errors
    ///
    /// As [`Client::convert_to_string`]; [`Error::InvalidOption`] for a format that is not
    /// JSON; [`Error::Decode`] for a result that is not JSON.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{Document, OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let request = Request::convert(OutputFormat::Json).inline(true);
    /// let value = client.convert_to_value("invoice.pdf", &request)?;
    /// let document = Document::from_value(&value)?;
    /// println!("{}", document.text());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn convert_to_value<'a, K>(
        &self,
        input: impl Into<Input<'a>>,
        request: &Request<K>,
    ) -> Result<Value, Error> {
        if let Some(format) = request.format().filter(|f| f.shape() != Shape::Json) {
            return Err(Error::InvalidOption {
                option: "format",
                reason: format!("{format} results are not JSON"),
            });
        }
        let (done, bytes) = self.convert_in_memory(input.into(), &request.erased())?;
        match (bytes, done.body()) {
            (Some(bytes), _) => parse_json(&bytes).map_err(|e| with_job(e, done.job_id())),
            (None, Some(body)) => Ok(body.clone()),
            (None, None) => Ok(Value::Null),
        }
    }

    /// Upload, convert, wait, and the result in memory unless it came inline.
    fn convert_in_memory(
        &self,
        input: Input<'_>,
        request: &Request,
    ) -> Result<(Done, Option<Vec<u8>>), Error> {
        if let Some(format) = request
            .format()
            .filter(|f| !matches!(f.shape(), Shape::Json | Shape::Text))
        {
            return Err(Error::InvalidOption {
                option: "format",
                reason: format!("{format} results are not text"),
            });
        }
        request.validate()?;
        input.check()?;
        let deadline = self.workflow_deadline();
        let url = self.upload_input(&input, &mut |_| {}, deadline)?;
        let done = match self.start_until(request, std::slice::from_ref(&url), deadline)? {
            Conversion::Finished(output) => Done::Sync(output),
            Conversion::Started(job) => {
                let status = self.wait_until(&job, deadline, &mut |_| {})?;
                Done::Async(job, status)
            }
        };
        if done.body().is_some() && (request.is_inline() || !done.has_link()) {
            return Ok((done, None));
        }
        let bytes = self.read_result(done.result_url(), deadline)?;
        Ok((done, Some(bytes)))
    }

    /// Converts a local PDF to PDF.co's JSON document in one call, all pages, asynchronously.
    ///
    /// # Errors
    ///
    /// As [`Client::convert_file`].
    ///
    /// # Example
    ///
    /// ```no_run
    /// let client = pdfco::Client::from_env()?;
    /// client.pdf_to_json("sample.pdf", "sample.json")?;
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn pdf_to_json(
        &self,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
    ) -> Result<Report, Error> {
        let request = Request::convert(OutputFormat::Json);
        self.convert_file(input.as_ref(), output, &request)
    }

    /// Converts a local PDF to an Excel workbook in one call, all pages, asynchronously.
    ///
    /// # Errors
    ///
    /// As [`Client::convert_file`].
    ///
    /// # Example
    ///
    /// ```no_run
    /// let client = pdfco::Client::from_env()?;
    /// client.pdf_to_xlsx("sample.pdf", "sample.xlsx")?;
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn pdf_to_xlsx(
        &self,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
    ) -> Result<Report, Error> {
        let request = Request::convert(OutputFormat::Xlsx);
        self.convert_file(input.as_ref(), output, &request)
    }
}
