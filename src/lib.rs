//! A blocking, thread-free client for the [PDF.co](https://pdf.co) Web API.
//!
//! PDF.co converts and edits documents in the cloud. Processing a local file takes four steps,
//! and this crate has one method for each, plus [`Client::run`], which chains them:
//!
//! 1. [`Client::upload`]: get a presigned storage URL and `PUT` the file there;
//! 2. [`Client::start`]: send a [`Request`] (a conversion to JSON or XLSX, a merge, any
//!    endpoint) for the uploaded file;
//! 3. [`Client::wait`]: poll the job with `std::thread::sleep` until it ends or a deadline
//!    passes ([`Client::check`] asks once);
//! 4. [`Client::download`]: stream the result into a file, renamed into place only when
//!    complete, or into a folder of files, any writer or memory (see [`Destination`]).
//!
//! # Usage
//!
//! One call, as in a build script or a small tool:
//!
//! ```no_run
//! use pdfco::{OutputFormat, Request};
//!
//! let client = pdfco::Client::from_env()?; // PDFCO_API_KEY, and PDFCO_BASE_URL if set
//! let report = client
//!     .run(&Request::convert(OutputFormat::Json))
//!     .input("invoice.pdf")
//!     .save("invoice.json")?;
//! println!("{} bytes, job {:?}", report.bytes(), report.job_id());
//! # Ok::<(), pdfco::Error>(())
//! ```
//!
//! Any other endpoint the same way, through its typed request (see [Typed
//! requests](#typed-requests)), or by its path with raw parameters ([`Request::new`]):
//!
//! ```no_run
//! use pdfco::{PdfInfo, Request, Rotation};
//!
//! let client = pdfco::Client::from_env()?;
//! client.run(&Request::merge()).input("a.pdf").input("b.pdf").save("ab.pdf")?;
//! let rotate = Request::rotate(Rotation::Clockwise90).pages("0");
//! client.run(&rotate).input("scan.pdf").save("scan-rotated.pdf")?;
//! let info = PdfInfo::from_value(&client.run(&Request::info()).input("ab.pdf").json()?)?;
//! println!("{:?} pages", info.page_count());
//! let paid = serde_json::json!([{ "text": "PAID", "x": 400, "y": 40, "size": 24, "pages": "0" }]);
//! let stamp = Request::new("pdf/edit/add").param("annotations", paid);
//! client.run(&stamp).input("invoice.pdf").save("paid.pdf")?;
//! # Ok::<(), pdfco::Error>(())
//! ```
//!
//! Step by step, as PDF.co's tutorial "convert PDF to JSON from an uploaded file
//! asynchronously" does it:
//!
//! ```no_run
//! use pdfco::{Client, OutputFormat, Request};
//!
//! let client = Client::from_env()?;
//! let file = client.upload("invoice.pdf")?;
//! let request = Request::convert(OutputFormat::Json).pages("0,2-5,7-").url(file.url());
//! let started = client.start(&request)?;
//! let done = client.wait(&started, |status| println!("{}", status.state()))?;
//! client.download(&done, "invoice.json")?;
//! # Ok::<(), pdfco::Error>(())
//! ```
//!
//! Many files from one thread, in one polling loop paced to PDF.co's rate limit, each result
//! downloaded as its job finishes ([`Client::batch`]: files, and jobs already started):
//!
//! ```no_run
//! use pdfco::{OutputFormat, Request};
//!
//! let client = pdfco::ClientBuilder::from_env()?.requests_per_second(10.0).build()?;
//! let json = Request::convert(OutputFormat::Json);
//! let batch = client.batch().file(&json, "a.pdf", "a.json").file(&json, "b.pdf", "b.json");
//! let report = batch.run(|_| {});
//! println!("{report}");
//! # Ok::<(), pdfco::Error>(())
//! ```
//!
//! # Formats, inputs and results
//!
//! [`OutputFormat`] covers the whole `pdf/convert/to/*` family: JSON (`json`, `json2`,
//! `json-meta`), CSV, XML, HTML, text, XLSX, XLS, TIFF, and PNG, JPEG and WebP with one image
//! per page, which [`Run::save`](crate::Run::save) writes into a folder as `{stem}-1.png`, ...
//! ([`Client::download`] into a [`Destination::folder`] step by step). [`Request`] carries
//! PDF.co's options
//! (`rect`, `lang`, `lineGrouping`, `profiles`, `inline`, `expiration`, ...), checked locally
//! before anything is sent.
//!
//! The inputs of a [`Run`] are [`Input`]s: a path, bytes, a reader of known
//! length, or a URL that PDF.co fetches itself. Results can stay in memory:
//! [`Run::text`](crate::Run::text), [`Run::json`](crate::Run::json), and the typed
//! [`Document`] model of PDF.co's JSON.
//!
//! ```no_run
//! use pdfco::{Document, Input, OutputFormat, Request};
//!
//! let client = pdfco::Client::from_env()?;
//! let pdf: Vec<u8> = std::fs::read("invoice.pdf").unwrap_or_default();
//! let request = Request::convert(OutputFormat::Json).pages("0").inline(true);
//! let value = client.run(&request).input(Input::bytes("invoice.pdf", pdf)).json()?;
//! println!("{}", Document::from_value(&value)?.text());
//! # Ok::<(), pdfco::Error>(())
//! ```
//!
//! # Typed requests
//!
//! Every endpoint of PDF.co's current spec has a constructor on [`Request`], whose kind (in
//! [`kind`]) admits only the setters that endpoint takes, and whose page numbering is part of
//! the type: [`Request::split`] and [`Request::delete_pages`] count pages from 1, every other
//! endpoint from 0. By family:
//!
//! - **PDF to other formats:** [`Request::convert`] with an [`OutputFormat`].
//! - **Other formats to PDF:** [`Request::from_document`], [`Request::from_csv`],
//!   [`Request::from_images`], [`Request::from_url`], [`Request::from_html`],
//!   [`Request::from_template`], [`Request::from_email`]; spreadsheets with
//!   [`Request::spreadsheet`] ([`SpreadsheetFormat`]); HTML templates with
//!   [`Request::html_templates`] and [`Request::html_template`].
//! - **Merge, split, compress, security:** [`Request::merge`], [`Request::merge_any`],
//!   [`Request::split`] ([`PageRanges`]), [`Request::split_by_text`],
//!   [`Request::split_by_barcode`], [`Request::compress`] ([`CompressConfig`]),
//!   [`Request::optimize`], [`Request::protect`] ([`EncryptionAlgorithm`]),
//!   [`Request::unprotect`].
//! - **Edit and OCR:** [`Request::add_content`] ([`Annotation`], [`ImageStamp`],
//!   [`FieldValue`]), [`Request::replace_text`], [`Request::replace_text_with_image`],
//!   [`Request::delete_text`], [`Request::rotate`] ([`Rotation`]), [`Request::auto_rotate`],
//!   [`Request::delete_pages`], [`Request::make_searchable`], [`Request::make_unsearchable`].
//! - **Information and search:** [`Request::info`] ([`PdfInfo`]), [`Request::form_fields`]
//!   ([`FormFields`]), [`Request::find_text`] ([`TextHits`]), [`Request::find_tables`]
//!   ([`Tables`]), [`Request::extract_attachments`].
//! - **Barcodes and files:** [`Request::barcode`] ([`BarcodeType`]),
//!   [`Request::read_barcodes`] ([`Barcodes`]), [`Request::upload_base64`],
//!   [`Request::upload_data_uri`], [`Request::upload_from_url`], [`Request::file_hash`]
//!   ([`FileHash`]), [`Request::delete_file`]; a file of any size goes up with
//!   [`Client::upload`].
//! - **Parsers, classifier and email:** [`Request::parse_document`] ([`ParsedDocument`]),
//!   [`Request::parser_templates`], [`Request::parser_template`], [`Request::parse_invoice`]
//!   ([`Invoice`]), [`Request::classify`] ([`Classes`]), [`Request::classify_with_rules_url`],
//!   [`Request::send_email`], [`Request::decode_email`] ([`Email`]),
//!   [`Request::extract_email_attachments`] ([`EmailAttachments`]).
//!
//! A typed request is an ordinary [`Request`]: it runs through the same upload, start, wait
//! and download, and its raw parameters can still be added with [`Request::param`]. Answers
//! that are data are read with the result type's `from_value` (the raw JSON stays available
//! with `raw()`); files are saved as any result is, several of them into a folder. Against
//! the emulator, a split into one PDF per 1-based range, then the parts' page counts:
//!
//! ```
//! use pdfco::{Client, PageRanges, PdfInfo, Request};
//! use std::path::{Path, PathBuf};
//!
//! fn split(client: &Client, input: &str, ranges: &str, out: &Path) -> Result<Vec<PathBuf>, pdfco::Error> {
//!     let request = Request::split(PageRanges::parse(ranges)?);
//!     Ok(client.run(&request).input(input).save(out)?.paths().to_vec())
//! }
//!
//! fn page_count(client: &Client, pdf: &Path) -> Result<Option<u64>, pdfco::Error> {
//!     let answer = client.run(&Request::info()).input(pdf).json()?;
//!     Ok(PdfInfo::from_value(&answer)?.page_count())
//! }
//! # let emulator = pdfco::testing::Emulator::start()?;
//! # let client = emulator.client_builder().build()?;
//! # let out = std::env::temp_dir().join(format!("pdfco-doc-split-{}", std::process::id()));
//! # std::fs::create_dir_all(&out)?;
//! let parts = split(&client, "fixtures/sample.pdf", "1-2,3-", &out)?; // sample.pdf has 3 pages
//! let counts = parts.iter().map(|part| page_count(&client, part)).collect::<Result<Vec<_>, _>>()?;
//! assert_eq!(counts, [Some(2), Some(1)]);
//! # std::fs::remove_dir_all(&out)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The README's table "Every endpoint" lists all 68 endpoints with their typed request,
//! result, what the emulator does and the CLI command; [`testing`] says what the emulator
//! reproduces of each.
//!
//! # Build scripts and resuming
//!
//! [`Client::run`] has two options for a result saved to a file. With
//! [`skip_if_unchanged`](crate::Run::skip_if_unchanged), a sidecar file next to the
//! output records the input's SHA-256 and the options, and a rerun with neither changed sends
//! no request at all. With [`checkpoint`](crate::Run::checkpoint), the job id and result
//! URL are written down before waiting, so a build interrupted mid-job continues that paid
//! job the next time instead of starting another. A checkpoint or sidecar path that is the
//! input, the output (also through a link) or an existing file the crate did not write as
//! one is refused before any request, as is one whose folder is missing or cannot be
//! written. A [`Batch`] has both for each of its files, with the same files and rules:
//! [`Batch::skip_if_unchanged`] and [`Batch::checkpoints`] (a folder of checkpoints, one
//! per file). A `build.rs`:
//!
//! ```no_run
//! use pdfco::{OutputFormat, Request};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?).join("tables.csv");
//!     let client = pdfco::Client::from_env()?;
//!     let report = client
//!         .run(&Request::convert(OutputFormat::Csv))
//!         .input("data/tables.pdf")
//!         .skip_if_unchanged(true)
//!         .checkpoint(out.with_extension("pdfco-job"))
//!         .save(&out)?;
//!     for line in report.cargo_directives() {
//!         println!("{line}"); // cargo:rerun-if-changed=data/tables.pdf
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # Errors
//!
//! Every fallible method returns [`Error`]. Bad input is caught before any request: a missing
//! key ([`Error::MissingApiKey`]) or one with a control character ([`Error::InvalidApiKey`]),
//! a proxy variable that does not parse ([`Error::InvalidProxy`]), a bad page selection
//! ([`Error::InvalidPages`]) or option ([`Error::InvalidOption`]), a missing input file or
//! one that is not a regular file ([`Error::ReadInput`]), a destination folder that does not
//! exist or cannot be written, an output path ending with a slash or naming the input
//! ([`Error::WriteOutput`]). Refusals keep PDF.co's own code and message ([`Error::Api`]) or
//! storage's ([`Error::Storage`]).
//!
//! A document PDF.co cannot read gives 441 (missing or wrong password) or 442 (damaged input,
//! or not a PDF). Synchronously ([`Request::asynchronous`]`(false)`) PDF.co refuses the
//! request; in the asynchronous default the job starts, then fails, and keeps the code its
//! check carried ([`JobStatus::error_code`]):
//!
//! | | asynchronous (default) | synchronous |
//! |---|---|---|
//! | wrong password | `JobFailed { state: Failed, code: Some(441), .. }` | `Api { status: 441, .. }` |
//! | damaged input | `JobFailed { state: Failed, code: Some(442), .. }` | `Api { status: 442, .. }` |
//!
//! [`Error::status`] reads the code in both modes:
//!
//! ```
//! use pdfco::{Client, Error, OutputFormat, Request};
//!
//! fn convert(client: &Client, file: &str, asynchronous: bool) -> Result<(), Error> {
//!     let file = client.upload(file)?;
//!     let request = Request::convert(OutputFormat::Json).url(file.url()).password("wrong");
//!     let started = client.start(&request.asynchronous(asynchronous))?;
//!     client.wait(&started, |_| {})?;
//!     Ok(())
//! }
//!
//! let emulator = pdfco::testing::Emulator::start()?;
//! let client = emulator.client_builder().build()?;
//! for asynchronous in [true, false] {
//!     for (file, expected) in [("fixtures/encrypted.pdf", "wrong password"), ("fixtures/not-a-pdf.pdf", "damaged")] {
//!         let err = convert(&client, file, asynchronous).unwrap_err();
//!         let why = match err.status() {
//!             Some(441) => "wrong password",
//!             Some(442) => "damaged",
//!             _ => "other",
//!         };
//!         assert_eq!(why, expected, "{err}");
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! PDF.co's docs show no failed check's body: a check without the code gives a `JobFailed`
//! with `code: None`, whose message alone tells why. Once a job has started, every error carries its id
//! ([`Error::job_id`]) so the paid work can be resumed with [`Job::resume`]. No error, `Debug`
//! output or message contains the API key, a password or a URL signature, even when PDF.co or
//! storage repeats one in its message: the secrets a request carries (the key, the document
//! and basic-auth passwords, the password in a URL's `user:password@`, a presigned URL's
//! signature) are masked wherever they appear in its answer, raw or percent-encoded. A job
//! started by [`Client::start`] remembers its request's secrets for [`Client::wait`]; a job
//! rebuilt with [`Job::resume`] cannot know them. Secrets shorter than 6 characters are masked
//! only where they stand as a word of their own, so that a password such as `a` cannot garble
//! a message.
//!
//! # Timeouts and polling
//!
//! | setting | default | bounds |
//! |---|---|---|
//! | [`timeout_connect`](ClientBuilder::timeout_connect) | 30 s | TCP connect and TLS handshake |
//! | [`timeout_response`](ClientBuilder::timeout_response) | 120 s | waiting for an answer's headers; a whole JSON answer |
//! | [`timeout_stall`](ClientBuilder::timeout_stall) | 60 s | any read or write making no progress |
//! | [`min_throughput`](ClientBuilder::min_throughput) | 1 KiB per 60 s | a result download that trickles |
//! | [`poll_schedule`](ClientBuilder::poll_schedule) | first check after 1 s, then every 3 s; gaps grow to a tenth of the time waited from 30 s on, at most 60 s | when [`Client::wait`] and the batches check a job ([`PollSchedule`]) |
//! | [`job_timeout`](ClientBuilder::job_timeout) | 45 min | the whole [`Client::wait`] |
//! | [`force_check_after`](ClientBuilder::force_check_after) | 5 min | `working` answers before checking with `force` |
//! | [`workflow_timeout`](ClientBuilder::workflow_timeout) | none | a whole one-call conversion |
//!
//! None of them spawns a thread: the crate sets only ureq's timeouts that do not, and
//! enforces the job and workflow deadlines in its own loops.
//!
//! PDF.co charges 2 credits for every job check, even one that answers `working`. The
//! default [`PollSchedule`] does not check before a job can plausibly be done, keeps to the
//! tutorials' 3 s beat while short jobs are likely to end, and then lets the gaps grow with
//! the job's age: a result is late by at most 3 s or a tenth of the job's duration, whichever
//! is longer (never more than 60 s), and a 10-minute job costs 43 checks instead of the 201
//! of checking every 3 s ([BENCHMARKS.md](https://github.com/pdfco-rs/pdfco/blob/main/BENCHMARKS.md)).
//! [`PollSchedule::fixed`] (or [`poll_interval`](ClientBuilder::poll_interval)) is the
//! tutorials' schedule. Batches follow each job's schedule with a little jitter, paced to
//! [`requests_per_second`](ClientBuilder::requests_per_second); a `429` on a check is retried
//! after its `Retry-After`.
//!
//! # Reliability
//!
//! **What is retried.** Transient failures (connection refused or reset, host not found,
//! timeouts, a body cut short, HTTP 408, 429 and 5xx) are retried with exponential backoff and
//! jitter, honouring `Retry-After` ([`RetryPolicy`]; by default up to 4 retries from 1 s to
//! 30 s; [`RetryPolicy::disabled`] turns this off). This applies to the requests that are safe
//! to repeat: the presign request, the storage upload (the file is read and sent again), job
//! checks, and the result download.
//!
//! **What is not.** Starting a conversion creates a paid job, so it is retried only when the
//! request provably never reached PDF.co (connection refused, host not found, connect
//! timeout) or PDF.co answered 429, which means it did not process it: that is retried after
//! its `Retry-After` (or the backoff) unless the wait would pass the deadline, when the 429
//! is returned with its [`Retry-After`](Error::Api). A reset, a timeout after sending or a
//! 5xx on it is returned as it is. TLS failures (such as `https` to a plain-HTTP port) and
//! refusals such as 400, 401, 402, 441 and 442 are never retried.
//!
//! **Bounds.** A JSON answer must arrive whole, headers and body, within the response
//! timeout; a result download must keep up the [minimum
//! throughput](ClientBuilder::min_throughput), or it fails as a timeout and resumes. A local
//! input must be a regular file (a FIFO or device is refused before it is opened) whose
//! length does not change while it is sent. A result served with a `Content-Encoding` is
//! refused ([`Error::Decode`]), never saved as encoded bytes.
//!
//! **Deadlines.** No retry sleeps past a deadline, and with a
//! [`workflow_timeout`](ClientBuilder::workflow_timeout) every request of a one-call
//! conversion is cut to the time left.
//!
//! **Cancellation.** A client built with a [`cancel_flag`](ClientBuilder::cancel_flag) stops
//! whatever it is doing once the flag is set, from another thread or a signal handler: the
//! flag is looked at before every request, between the chunks of every upload and download,
//! and in every sleep (retry backoffs, poll waits, the batches' pacing), which sleeps in
//! slices of at most 100 ms. The call returns [`Error::Cancelled`], with the job id once a job
//! was started; a cancelled download removes its temporary file and leaves an existing output
//! as it was. A cancellation is never retried, and the crate never resets the flag.
//!
//! **Downloads resume.** When a result download breaks off (a reset, a body shorter than
//! its `Content-Length`, a stall), the next try asks for the rest with `Range` and checks the
//! `206` answer's `Content-Range` against the bytes already written. Only a complete file,
//! its length checked, is renamed into place; on any failure the temporary file is removed
//! and an existing destination file is left untouched.
//!
//! **Outputs.** A destination that is a regular file or absent gets a temporary file renamed
//! onto it; an existing file keeps its permission bits, and since the rename gives the path
//! a new file, its other hard links keep the old content. A symbolic link is kept: its
//! target is replaced (or created, for a dangling link). A character device, FIFO or socket
//! (`/dev/null`, `/dev/stdout`, a pipe) is opened and written in place, never replaced; such
//! a download cannot start over from zero if storage ignores a `Range` request, and opening
//! a FIFO waits for its reader.
//!
//! **Temporary files** are named `.<hash>.<pid>-<n>.pdfco-tmp` (a hash of the destination's
//! name, the process id, a counter), short whatever the destination's name. The crate removes
//! them on every error path. A killed process cannot: the next download into the same folder
//! removes those of processes that are gone (on Linux per `/proc`, elsewhere after a day),
//! never a live process's. Processes are told apart by their id, so a folder shared with
//! other machines or PID namespaces should not take downloads from several of them at once.
//! A program that handles SIGINT or SIGTERM calls [`remove_temporary_files`] just before it
//! exits.
//!
//! **Jobs PDF.co does not know.** PDF.co answers `working` for a job id it does not know.
//! After [`force_check_after`](ClientBuilder::force_check_after) of `working` answers,
//! [`Client::wait`] checks with `force`, so such a job ends as [`JobState::Unknown`] instead
//! of running into the job timeout.
//!
//! **Nothing paid is lost.** Every error after a job has started carries its id
//! ([`Error::job_id`]); [`Job::resume`] picks the job up again.
//!
//! # Security
//!
//! The API key is sent only to the configured API origin (scheme, host and port), checked on
//! every redirect hop; never to storage URLs. Plain `http` is refused except to loopback,
//! unless [`ClientBuilder::allow_insecure_http`] says otherwise.
//!
//! # Logging
//!
//! The crate logs through the [`log`](https://docs.rs/log) facade (already in the tree
//! through ureq), on the calling thread; nothing is printed unless the program installs a
//! logger. One target per concern:
//!
//! | target | level | one line per |
//! |---|---|---|
//! | `pdfco::http` | debug | request attempt (each redirect hop too): method, URL, HTTP status or the failure, milliseconds until the answer's head, attempt number; for a resumed download the `Range` start, for an upload the bytes sent |
//! | `pdfco::retry` | warn | retry: the step, the error that caused it (its `Display`, and the kind of a network failure), the wait, retry *n* of *max* |
//! | `pdfco::job` | info | change of a job's state (`job <id>: working -> success`, the first check as `job <id>: working`), and each check made with `force` |
//! | `pdfco::checkpoint` | info | checkpoint written (`job <id> saved to <path>`) or resumed (`resuming job <id> from <path>`) |
//!
//! No line holds a secret: URLs show their scheme, host, path and query with the userinfo
//! password and secret parameters (`X-Amz-Signature`, `X-Amz-Credential`, ...) masked as
//! `***`, every secret the request carries (the key, passwords, signatures) is masked wherever
//! it appears, and job messages are not logged. With `env_logger`, for example,
//! `RUST_LOG=pdfco::http=debug,pdfco=info` shows them all.
//!
//! ureq and ureq-proto log on their own targets (`ureq::*`, `ureq_proto::*`): at debug with
//! URL paths and sensitive headers masked, but at **trace** they print whole URLs (presigned
//! signatures included) and the raw request bytes, the `x-api-key` header among them. Keep
//! those targets at debug or below wherever logs are kept.
//!
//! # Features
//!
//! | feature | default | what it does |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls |
//! | `native-tls` | no | TLS through the platform's library |
//! | `test-util` | no | [`testing`]: an in-process emulator of PDF.co and its storage; adds `socket2` and `lopdf` (0.42, which builds on Rust 1.85) |
//! | `cli` | no | the `pdfco` command-line tool; adds `signal-hook` (SIGINT and SIGTERM) |
//!
//! # MSRV
//!
//! Rust 1.85.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::all)]

mod account;
mod base64;
mod batch;
mod cancel;
mod checkpoint;
mod client;
mod convert;
mod document;
mod download;
mod endpoint;
mod error;
mod family;
mod hash;
mod input;
mod job;
mod json;
mod pages;
mod poll;
#[cfg(test)]
mod properties;
mod redact;
mod request;
mod response;
mod retry;
mod sidecar;
mod tempfile;
mod transport;
mod upload;
mod url;
mod workflow;

#[cfg(feature = "test-util")]
pub mod testing;

pub use batch::{Batch, BatchItem, BatchProgress, BatchReport};
pub use client::{API_KEY_VAR, BASE_URL_VAR, Client, ClientBuilder, DEFAULT_BASE_URL};
pub use convert::{Conversion, Job, Output, OutputFormat};
pub use document::{Column, Document, Page, PageLink, Row, Text};
pub use download::{Destination, ResultUrl, Saved};
pub use endpoint::PageBase;
pub use error::{Error, Result, Step};
pub use family::*;
pub use input::Input;
pub use job::{JobState, JobStatus, WaitFor};
pub use pages::Pages;
pub use poll::PollSchedule;
pub use request::{LineGrouping, Request, kind};
pub use retry::RetryPolicy;
pub use tempfile::remove_temporary_files;
pub use upload::UploadedFile;
pub use workflow::{Progress, Report, Run};

#[cfg(test)]
mod tests {
    /// The bytes of `fixtures/responses/<name>`.
    pub(crate) fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/fixtures/responses/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Every public type is `Debug`, `Send` and `Sync` (C-SEND-SYNC, C-DEBUG).
    #[test]
    fn public_types_are_debug_send_sync() {
        fn check<T: std::fmt::Debug + Send + Sync>() {}
        check::<crate::Batch<'static, 'static>>();
        check::<crate::BatchItem>();
        check::<crate::BatchProgress<'static>>();
        check::<crate::BatchReport>();
        check::<crate::Client>();
        check::<crate::ClientBuilder>();
        check::<crate::Conversion>();
        check::<crate::Document>();
        check::<crate::Text>();
        check::<crate::Page>();
        check::<crate::Row>();
        check::<crate::Column>();
        check::<crate::Request>();
        check::<crate::Request<crate::kind::Convert>>();
        check::<crate::Error>();
        check::<crate::Run<'static, 'static>>();
        check::<crate::Input<'static>>();
        check::<crate::LineGrouping>();
        check::<crate::Job>();
        check::<crate::JobState>();
        check::<crate::JobStatus>();
        check::<crate::Output>();
        check::<crate::OutputFormat>();
        check::<crate::Pages>();
        check::<crate::PollSchedule>();
        check::<crate::Progress<'static>>();
        check::<crate::Report>();
        check::<crate::ResultUrl<'static>>();
        check::<crate::Destination<'static>>();
        check::<crate::Saved>();
        check::<crate::Step>();
        check::<crate::UploadedFile>();
        check::<crate::WaitFor<'static>>();
    }
}

/// The README's examples, compiled and run as documentation tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
