//! The whole workflow in one call: upload, start, wait, save, in that order.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

use crate::checkpoint::{self, Checkpoint, Stamp};
use crate::convert::Shape;
use crate::download::{
    ResultUrl, check_destination, parse_json, same_file, with_job, write_atomically,
};
use crate::endpoint::{Endpoint, Produces};
use crate::retry::Deadline;
use crate::sidecar;
use crate::tempfile::{self, parent_dir};
use crate::{Client, Conversion, Error, Input, Job, JobStatus, Output, Request, Step};

/// What a one-call conversion is doing, reported to the callback of
/// [`Run::on_progress`](crate::Run::on_progress). The callback runs on the caller's thread, between steps.
///
/// The step-by-step methods report the same way: an [`Input::on_progress`](crate::Input::on_progress)
/// callback sees `Uploading` and `Uploaded` whenever that input is uploaded, and a
/// [`Destination::on_progress`](crate::Destination::on_progress) callback sees `Downloading`.
///
/// # Example
///
/// ```no_run
/// use pdfco::{OutputFormat, Progress, Request};
///
/// let client = pdfco::Client::from_env()?;
/// client.run(&Request::convert(OutputFormat::Json)).input("in.pdf").on_progress(|p| match p {
///     Progress::Uploading { sent, total } => eprint!("\rupload {sent}/{total}"),
///     Progress::Started(job) => eprintln!("\njob {}", job.id()),
///     Progress::Status(status) => eprintln!("{}", status.state()),
///     Progress::Downloading { received } => eprint!("\rdownload {received}"),
///     _ => {}
/// }).save("out.json")?;
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
/// let report = client.run(&Request::convert(OutputFormat::Xml)).input("fixtures/sample.pdf").save(&out)?;
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
    inputs: Vec<PathBuf>,
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
    /// [`Run::skip_if_unchanged`](crate::Run::skip_if_unchanged)).
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
        self.inputs
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

    /// The result held in the answer itself: an inline body, or an endpoint's data (such as
    /// `pdf/info`'s `info`).
    fn body(&self) -> Option<&Value> {
        match self {
            Done::Sync(output) => output.data().or(output.body()),
            Done::Async(job, status) => {
                status
                    .body()
                    .or_else(|| match job.path().and_then(Endpoint::find)?.produces {
                        Produces::Data(field) => status.answer().get(field),
                        _ => None,
                    })
            }
        }
    }

    /// The final answer: the synchronous one, or the job's last check.
    fn answer(&self) -> &serde_json::Map<String, Value> {
        match self {
            Done::Sync(output) => output.answer(),
            Done::Async(_, status) => status.answer(),
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

    fn report(&self, path: &Path, paths: Vec<PathBuf>, bytes: u64) -> Report {
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
            inputs: Vec::new(),
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

/// One whole workflow, as PDF.co's tutorials run it: upload the inputs, start the request,
/// wait for its job, and save the result to a file or folder ([`save`](Self::save)) or read it
/// into memory ([`text`](Self::text), [`json`](Self::json)). Made by [`Client::run`]; nothing
/// is sent until one of those three is called.
///
/// Everything that can be checked locally is checked before the first request: the options,
/// the inputs, the destination, the checkpoint and sidecar paths. Every error after the job
/// started carries its id.
///
/// # Example
///
/// ```no_run
/// use pdfco::{OutputFormat, Progress, Request};
///
/// let client = pdfco::Client::from_env()?;
/// let report = client
///     .run(&Request::convert(OutputFormat::Json))
///     .input("big.pdf")
///     .checkpoint("big.pdfco-job")
///     .skip_if_unchanged(true)
///     .on_progress(|p| if let Progress::Status(s) = p { eprintln!("{}", s.state()) })
///     .save("big.json")?;
/// println!("{} bytes{}", report.bytes(), if report.skipped() { " (up to date)" } else { "" });
///
/// // Any endpoint, several inputs, local or not:
/// client
///     .run(&Request::merge())
///     .input("a.pdf")
///     .input(pdfco::Input::url("https://example.com/b.pdf"))
///     .save("both.pdf")?;
/// # Ok::<(), pdfco::Error>(())
/// ```
#[must_use = "a run does nothing until it is saved or read"]
pub struct Run<'c, 'a> {
    client: &'c Client,
    request: Request,
    inputs: Vec<Input<'a>>,
    checkpoint: Option<PathBuf>,
    skip_if_unchanged: bool,
    on_progress: Mutex<OnProgress<'a>>,
}

/// A [`Run`]'s progress callback.
type OnProgress<'a> = Box<dyn FnMut(Progress<'_>) + Send + 'a>;

impl fmt::Debug for Run<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Run")
            .field("request", &self.request)
            .field("inputs", &self.inputs)
            .field("checkpoint", &self.checkpoint)
            .field("skip_if_unchanged", &self.skip_if_unchanged)
            .finish_non_exhaustive()
    }
}

impl<'a> Run<'_, 'a> {
    /// A document to process: a local file (what `&str`, `&Path` and `PathBuf` turn into),
    /// bytes, a reader, or a URL PDF.co fetches itself ([`Input`]). Local inputs are uploaded
    /// first. Several calls add several documents, in order, for endpoints that take a list
    /// (merge); they are sent after the request's own [`url`](Request::url)s.
    ///
    /// Defaults to none: the request's own URLs, or no document (barcode generation,
    /// listings).
    pub fn input(mut self, input: impl Into<Input<'a>>) -> Self {
        self.inputs.push(input.into());
        self
    }

    /// Writes the job id and result URL to the file `path` once the job has started, before
    /// waiting. If that file already describes this same run (the same input content,
    /// options and output), [`save`](Self::save) waits for that job instead of starting a new
    /// one. The file is removed once the result is saved, or when its job can no longer give
    /// one (failed, or its result expired); it is kept after a timeout or a network failure.
    ///
    /// The result URL in it is signed: the file is written readable by its owner only (on
    /// Unix). Recognising the inputs means reading them once more to hash them; an input read
    /// from a reader cannot be read twice, so such a run never resumes.
    ///
    /// The path must be the crate's own: [`save`](Self::save) refuses, before any request, a
    /// checkpoint path that is an input, the output or the sidecar (also through a link), or
    /// an existing file that is not a checkpoint this crate wrote (recognised by its
    /// `"pdfco": "checkpoint"`), and one whose folder is missing or cannot be written. Only
    /// for [`save`](Self::save).
    ///
    /// Defaults to none.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }

    /// Build-script mode: skips the run when the output is already there and its sidecar
    /// file (the output's path with `.pdfco.json` appended) records the same input content
    /// (SHA-256) and options; writes that sidecar after saving. A skipped run sends no
    /// request. An input read from a reader is never skipped. An existing file at the
    /// sidecar's path that this crate did not write (it has `"pdfco": "sidecar"`) is never
    /// overwritten: [`save`](Self::save) refuses before any request. Only for
    /// [`save`](Self::save).
    ///
    /// Defaults to `false`.
    pub fn skip_if_unchanged(mut self, skip: bool) -> Self {
        self.skip_if_unchanged = skip;
        self
    }

    /// Calls `on_progress` on the caller's thread as each step moves along: bytes uploaded,
    /// the job started, each job check, bytes downloaded.
    ///
    /// Defaults to nothing.
    pub fn on_progress(mut self, on_progress: impl FnMut(Progress<'_>) + Send + 'a) -> Self {
        self.on_progress = Mutex::new(Box::new(on_progress));
        self
    }

    /// Runs it and saves the result to `output`: one file there (renamed into place only
    /// when complete), several (page images, split parts) into the folder `output` (made if
    /// missing) as `{input stem}-1.png`, `-2.png`, ...; a result given inline or as data is
    /// written as it came (data as JSON). Unless the request names the output, a single file
    /// is named after `output`.
    ///
    /// # Errors
    ///
    /// Any error of the four steps; see [`Client::upload`], [`Client::start`],
    /// [`Client::wait`] and [`Client::download`]. Errors after the job started carry its id.
    /// Before any request: [`Error::InvalidOption`] or [`Error::InvalidPages`] for a bad
    /// option; [`Error::ReadInput`] for an input that cannot be read; [`Error::InvalidOption`]
    /// (option `"checkpoint"` or `"sidecar"`) when its path is an input, the output, or a file
    /// the crate did not write as one; [`Error::WriteOutput`] when the output is an input
    /// file, or a folder of the output, checkpoint or sidecar is missing or cannot be written.
    pub fn save(self, output: impl AsRef<Path>) -> Result<Report, Error> {
        let output = output.as_ref().to_path_buf();
        let Run {
            client,
            request,
            inputs,
            checkpoint,
            skip_if_unchanged,
            on_progress,
        } = self;
        let mut on_progress = on_progress.into_inner().unwrap_or_else(|e| e.into_inner());
        let multi_file = request.is_multi_file();
        request.validate()?;
        check_documents(&request, &inputs)?;
        let sizes = check_inputs(&inputs)?;
        if multi_file {
            check_folder(&output)?;
        } else {
            check_destination(&output)?;
        }
        for input in &inputs {
            check_not_input(input, &output)?;
        }
        let request = request.named_for(&output);
        let guard = Guard::new(
            &inputs,
            &output,
            &request,
            multi_file,
            (checkpoint, skip_if_unchanged),
        )?;
        let input_paths = guard.input_paths.clone();
        if let Some(paths) = guard.up_to_date() {
            let bytes = total_size(&paths);
            return Ok(Report {
                path: output.clone(),
                paths,
                inputs: input_paths,
                skipped: true,
                job_id: None,
                bytes,
                page_count: None,
                credits: None,
                remaining_credits: None,
            });
        }

        let deadline = client.workflow_deadline();
        let conversion = match guard.saved_job() {
            Some(job) => Conversion::Started(job),
            None => {
                let urls = upload_all(client, &inputs, &sizes, &mut on_progress, deadline)?;
                let conversion = client.start_until(&request, &urls, deadline)?;
                if let Conversion::Started(job) = &conversion {
                    guard.started(job)?;
                }
                conversion
            }
        };
        let done = wait_for(client, conversion, &mut on_progress, deadline);
        let stem = inputs.first().map_or("result".to_string(), Input::stem);
        let result = done.and_then(|done| {
            let progress: &mut dyn FnMut(Progress<'_>) = &mut on_progress;
            finish(
                client, &done, &output, &stem, multi_file, progress, deadline,
            )
        });
        guard.settle(result).map(|mut report| {
            report.inputs = input_paths;
            report
        })
    }

    /// Runs it and returns the result as text, without writing a file: the inline body when
    /// the request asks for one, else the result file read into memory (at most
    /// [`json_limit`](crate::ClientBuilder::json_limit) bytes). For text results (CSV, XML,
    /// HTML, text) and JSON.
    ///
    /// # Errors
    ///
    /// As [`save`](Self::save); [`Error::InvalidOption`] for a conversion whose results are
    /// not text (XLSX, XLS, images) or with a checkpoint or build-script mode set, before any
    /// request; [`Error::Decode`] for a result that is larger than the limit or not UTF-8.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let csv = client.run(&Request::convert(OutputFormat::Csv)).input("table.pdf").text()?;
    /// for line in csv.lines() {
    ///     println!("{line}");
    /// }
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn text(self) -> Result<String, Error> {
        let (done, bytes) = self.read(&[Shape::Json, Shape::Text])?;
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

    /// Runs it and returns the result as JSON: the inline body or the endpoint's data (such
    /// as `pdf/info`'s `info`) when the answer holds it, else the result file read into
    /// memory (at most [`json_limit`](crate::ClientBuilder::json_limit) bytes); for an
    /// endpoint that answers only with success (`email/send`, `file/delete`), the answer
    /// itself. Turn a JSON conversion into the typed model with
    /// [`Document::from_value`](crate::Document::from_value), and a family's data into its
    /// result type the same way (such as [`PdfInfo::from_value`](crate::PdfInfo::from_value)).
    ///
    /// # Errors
    ///
    /// As [`text`](Self::text); [`Error::InvalidOption`] for a conversion whose results are not
    /// JSON; [`Error::Decode`] for a result that is not JSON.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{Document, OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let request = Request::convert(OutputFormat::Json).inline(true);
    /// let value = client.run(&request).input("invoice.pdf").json()?;
    /// println!("{}", Document::from_value(&value)?.text());
    /// let info = client.run(&pdfco::Request::new("pdf/info")).input("invoice.pdf").json()?;
    /// println!("{} pages", info["PageCount"]);
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn json(self) -> Result<Value, Error> {
        let (done, bytes) = self.read(&[Shape::Json])?;
        match (bytes, done.body()) {
            (Some(bytes), _) => parse_json(&bytes).map_err(|e| with_job(e, done.job_id())),
            (None, Some(body)) => Ok(body.clone()),
            (None, None) => Ok(Value::Null),
        }
    }

    /// Upload, start, wait, and the result in memory unless the answer holds it.
    fn read(self, shapes: &[Shape]) -> Result<(Done, Option<Vec<u8>>), Error> {
        let Run {
            client,
            request,
            inputs,
            checkpoint,
            skip_if_unchanged,
            on_progress,
        } = self;
        let mut on_progress = on_progress.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(format) = request.format().filter(|f| !shapes.contains(&f.shape())) {
            return Err(Error::InvalidOption {
                option: "format",
                reason: format!("{format} results cannot be read as asked"),
            });
        }
        if checkpoint.is_some() || skip_if_unchanged {
            return Err(Error::InvalidOption {
                option: "checkpoint",
                reason: "checkpoints and build-script mode are for results saved to a file"
                    .to_string(),
            });
        }
        request.validate()?;
        check_documents(&request, &inputs)?;
        let sizes = check_inputs(&inputs)?;
        let deadline = client.workflow_deadline();
        let urls = upload_all(client, &inputs, &sizes, &mut on_progress, deadline)?;
        let conversion = client.start_until(&request, &urls, deadline)?;
        let done = wait_for(client, conversion, &mut on_progress, deadline)?;
        let data = matches!(request.produces(), Produces::Data(_) | Produces::Answer);
        if request.produces() == Produces::Ack && !done.has_link() {
            // Nothing but success (email/send, file/delete): the answer itself.
            let answer = serde_json::to_vec(done.answer()).unwrap_or_default();
            return Ok((done, Some(answer)));
        }
        if done.body().is_some() && (request.is_inline() || data || !done.has_link()) {
            return Ok((done, None));
        }
        let bytes = client.read_result(done.result_url(), deadline)?;
        Ok((done, Some(bytes)))
    }
}

/// Checks the documents a run sends before anything is uploaded: the request's own URLs,
/// the inputs' URLs, and how many there will be.
fn check_documents(request: &Request, inputs: &[Input<'_>]) -> Result<(), Error> {
    let urls: Vec<String> = inputs
        .iter()
        .filter_map(Input::as_url)
        .map(str::to_string)
        .collect();
    request.check_documents(&urls, inputs.len() - urls.len())
}

/// Checks every input locally; returns their sizes (`None` for URLs).
fn check_inputs(inputs: &[Input<'_>]) -> Result<Vec<Option<u64>>, Error> {
    inputs.iter().map(Input::check).collect()
}

/// One fingerprint of all the inputs, in order; `None` when one cannot be read twice.
fn fingerprint(inputs: &[Input<'_>]) -> Result<Option<String>, Error> {
    let mut all = String::new();
    for input in inputs {
        match input.fingerprint()? {
            Some(print) => {
                all.push_str(&print);
                all.push('\n');
            }
            None => return Ok(None),
        }
    }
    Ok(crate::hash::sha256_of(all.as_bytes()).ok())
}

/// Uploads the local inputs in order and returns every input's URL.
fn upload_all(
    client: &Client,
    inputs: &[Input<'_>],
    sizes: &[Option<u64>],
    on_progress: &mut dyn FnMut(Progress<'_>),
    deadline: Deadline,
) -> Result<Vec<String>, Error> {
    let mut urls = Vec::with_capacity(inputs.len());
    for (input, size) in inputs.iter().zip(sizes) {
        let total = size.unwrap_or(0);
        let url = client.upload_input(
            input,
            &mut |sent| on_progress(Progress::Uploading { sent, total }),
            deadline,
        )?;
        if size.is_some() {
            on_progress(Progress::Uploaded { bytes: total });
        }
        urls.push(url);
    }
    Ok(urls)
}

/// Waits for a started job; a finished request is done already.
fn wait_for(
    client: &Client,
    conversion: Conversion,
    on_progress: &mut dyn FnMut(Progress<'_>),
    deadline: Deadline,
) -> Result<Done, Error> {
    match conversion {
        Conversion::Finished(result) => Ok(Done::Sync(result)),
        Conversion::Started(job) => {
            on_progress(Progress::Started(&job));
            client
                .wait_until(&job, deadline, &mut |s| on_progress(Progress::Status(s)))
                .map(|status| Done::Async(job, status))
        }
    }
}

/// Saves a finished conversion's result to `output`: the file, the page images into the
/// folder, or the inline body.
pub(crate) fn finish(
    client: &Client,
    done: &Done,
    output: &Path,
    stem: &str,
    multi_file: bool,
    on_progress: &mut dyn FnMut(Progress<'_>),
    deadline: Deadline,
) -> Result<Report, Error> {
    let mut on_bytes = |received| on_progress(Progress::Downloading { received });
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
        return Ok(done.report(output, paths, text.len() as u64));
    }
    if let Done::Sync(result) = done {
        let none = result
            .answer()
            .get("urls")
            .is_some_and(|u| u.as_array().is_some_and(Vec::is_empty));
        if multi_file && none && result.url().is_none() {
            // Several files, and this time none (a PDF without attachments).
            create_folder(output, None)?;
            return Ok(done.report(output, Vec::new(), 0));
        }
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
        let paths = client.download_pages_with(from, output, stem, &mut on_bytes, deadline)?;
        let bytes = total_size(&paths);
        return Ok(done.report(output, paths, bytes));
    }
    let bytes = client.download_file(from, output, &mut on_bytes, deadline)?;
    Ok(done.report(output, vec![output.to_path_buf()], bytes))
}

/// The size of a result's files together.
fn total_size(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// The build-script mode and the checkpoint of one conversion saved to a file or folder,
/// for [`Run::save`] and for each file of a [`Batch`](crate::Batch): one implementation of
/// both.
#[derive(Debug)]
pub(crate) struct Guard {
    output: PathBuf,
    multi_file: bool,
    checkpoint: Option<PathBuf>,
    skip_if_unchanged: bool,
    /// What the conversion is, when either option is on.
    stamp: Option<Stamp>,
    /// The local input files, which the checkpoint and sidecar must not be.
    pub(crate) input_paths: Vec<PathBuf>,
}

impl Guard {
    /// Checks before any request that the checkpoint and sidecar paths may be written (not an
    /// input, the output or each other; absent or the crate's own), and fingerprints the
    /// inputs and `request` (already [named](Request::named_for) after `output`) when either
    /// option is on.
    pub(crate) fn new(
        inputs: &[Input<'_>],
        output: &Path,
        request: &Request,
        multi_file: bool,
        (checkpoint, skip_if_unchanged): (Option<PathBuf>, bool),
    ) -> Result<Guard, Error> {
        let sidecar = skip_if_unchanged.then(|| sidecar::path_for(output));
        let input_paths: Vec<PathBuf> = inputs
            .iter()
            .filter_map(|i| i.as_path().map(Path::to_path_buf))
            .collect();
        let mut taken = vec![(output, "the output")];
        taken.extend(input_paths.iter().map(|p| (p.as_path(), "an input file")));
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
        let stamp = if checkpoint.is_some() || skip_if_unchanged {
            Some(Stamp {
                input: fingerprint(inputs)?,
                request: request.fingerprint(),
            })
        } else {
            None
        };
        Ok(Guard {
            output: output.to_path_buf(),
            multi_file,
            checkpoint,
            skip_if_unchanged,
            stamp,
            input_paths,
        })
    }

    /// In build-script mode, the output's files when its sidecar says they are up to date.
    pub(crate) fn up_to_date(&self) -> Option<Vec<PathBuf>> {
        match (&self.stamp, self.skip_if_unchanged) {
            (Some(stamp), true) => sidecar::up_to_date(&self.output, self.multi_file, stamp),
            _ => None,
        }
    }

    /// The job the checkpoint describes, when it belongs to this conversion.
    pub(crate) fn saved_job(&self) -> Option<Job> {
        let path = self.checkpoint.as_deref()?;
        let saved = Checkpoint::load(path, self.stamp.as_ref()?, &self.output)?;
        Some(Job::resume(saved.job_id, saved.result_url))
    }

    /// Writes the checkpoint of a job just started.
    pub(crate) fn started(&self, job: &Job) -> Result<(), Error> {
        match (&self.checkpoint, &self.stamp) {
            (Some(path), Some(stamp)) => Checkpoint::save(path, stamp, &self.output, job),
            _ => Ok(()),
        }
    }

    /// Once the conversion is over: removes the checkpoint when the result is saved or the
    /// job can no longer give one, and in build-script mode writes the sidecar.
    pub(crate) fn settle(&self, result: Result<Report, Error>) -> Result<Report, Error> {
        match (&result, &self.checkpoint) {
            (Ok(_), Some(path)) => Checkpoint::remove(path),
            (Err(e), Some(path)) if checkpoint::is_lost(e) => Checkpoint::remove(path),
            _ => {}
        }
        let report = result?;
        if let (true, Some(stamp)) = (self.skip_if_unchanged, &self.stamp) {
            if stamp.input.is_some() {
                sidecar::write(&self.output, stamp, report.paths())
                    .map_err(|e| with_job(e, report.job_id()))?;
            }
        }
        Ok(report)
    }
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
    /// A whole workflow for `request`: add its inputs and options to the [`Run`], then save
    /// the result ([`Run::save`]) or read it ([`Run::text`], [`Run::json`]).
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let report = client
    ///     .run(&Request::convert(OutputFormat::Xlsx).pages("0-2"))
    ///     .input("invoice.pdf")
    ///     .save("invoice.xlsx")?;
    /// println!("{} bytes from job {:?}", report.bytes(), report.job_id());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn run<'a, K>(&self, request: &Request<K>) -> Run<'_, 'a> {
        Run {
            client: self,
            request: request.erased(),
            inputs: Vec::new(),
            checkpoint: None,
            skip_if_unchanged: false,
            on_progress: Mutex::new(Box::new(|_| {})),
        }
    }
}
