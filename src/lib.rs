//! A blocking, thread-free client for the [PDF.co](https://pdf.co) Web API.
//!
//! PDF.co converts documents in the cloud. Converting a local file takes four steps, and this
//! crate has one method for each, plus one-call helpers that chain them:
//!
//! 1. [`Client::upload`]: get a presigned storage URL and `PUT` the file there;
//! 2. [`Client::convert`]: start a conversion (JSON, XLSX, ...) of the uploaded file;
//! 3. [`Client::wait`]: poll the job with `std::thread::sleep` until it ends or a deadline
//!    passes ([`Client::check`] asks once);
//! 4. [`Client::download`]: stream the result into a file, renamed into place only when
//!    complete ([`Client::download_to`] streams into any writer).
//!
//! # Usage
//!
//! One call, as in a build script or a small tool:
//!
//! ```no_run
//! let client = pdfco::Client::from_env()?; // PDFCO_API_KEY, and PDFCO_BASE_URL if set
//! let report = client.pdf_to_json("invoice.pdf", "invoice.json")?;
//! println!("{} bytes, job {:?}", report.bytes(), report.job_id());
//! # Ok::<(), pdfco::Error>(())
//! ```
//!
//! Step by step, as PDF.co's tutorial "convert PDF to JSON from an uploaded file
//! asynchronously" does it:
//!
//! ```no_run
//! use pdfco::{Client, Conversion, ConvertRequest, OutputFormat};
//!
//! let client = Client::from_env()?;
//! let file = client.upload("invoice.pdf")?;
//! let request = ConvertRequest::new(OutputFormat::Json).pages("0,2-5,7-");
//! let Conversion::Started(job) = client.convert(file.url(), &request)? else {
//!     unreachable!("requests are asynchronous by default")
//! };
//! let done = client.wait(&job, |status| println!("{}", status.state()))?;
//! client.download(&done, "invoice.json")?;
//! # Ok::<(), pdfco::Error>(())
//! ```
//!
//! # Errors
//!
//! Every fallible method returns [`Error`]. Bad input is caught before any request: a missing
//! key ([`Error::MissingApiKey`]), a bad page selection ([`Error::InvalidPages`]), a missing
//! input file ([`Error::ReadInput`]), a destination folder that does not exist
//! ([`Error::WriteOutput`]). Refusals keep PDF.co's own code and message ([`Error::Api`]) or
//! storage's ([`Error::Storage`]). Once a job has started, every error carries its id
//! ([`Error::job_id`]) so the paid work can be resumed with [`Job::resume`]. No error, `Debug`
//! output or message contains the API key, a password or a URL signature.
//!
//! # Timeouts and polling
//!
//! | setting | default | bounds |
//! |---|---|---|
//! | [`timeout_connect`](ClientBuilder::timeout_connect) | 30 s | TCP connect and TLS handshake |
//! | [`timeout_response`](ClientBuilder::timeout_response) | 120 s | waiting for an answer's headers |
//! | [`timeout_stall`](ClientBuilder::timeout_stall) | 60 s | any read or write making no progress |
//! | [`poll_interval`](ClientBuilder::poll_interval) | 3 s | sleep between job checks |
//! | [`job_timeout`](ClientBuilder::job_timeout) | 45 min | the whole [`Client::wait`] |
//!
//! None of them spawns a thread: the crate sets only ureq's timeouts that do not, and
//! enforces the job deadline in its own loop.
//!
//! # Security
//!
//! The API key is sent only to the configured API origin (scheme, host and port), checked on
//! every redirect hop; never to storage URLs. Plain `http` is refused except to loopback,
//! unless [`ClientBuilder::allow_insecure_http`] says otherwise.
//!
//! # Features
//!
//! | feature | default | what it does |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls |
//! | `native-tls` | no | TLS through the platform's library |
//! | `test-util` | no | [`testing`]: an in-process emulator of PDF.co and its storage |
//!
//! # MSRV
//!
//! Rust 1.85.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::all)]

mod client;
mod convert;
mod download;
mod error;
mod job;
mod pages;
#[cfg(test)]
mod properties;
mod redact;
mod response;
mod retry;
mod transport;
mod upload;
mod url;
mod workflow;

#[cfg(feature = "test-util")]
pub mod testing;

pub use client::{API_KEY_VAR, BASE_URL_VAR, Client, ClientBuilder, DEFAULT_BASE_URL};
pub use convert::{Conversion, ConvertRequest, Job, Output, OutputFormat};
pub use download::ResultUrl;
pub use error::{Error, Result, Step};
pub use job::{JobState, JobStatus};
pub use pages::Pages;
pub use retry::RetryPolicy;
pub use upload::UploadedFile;
pub use workflow::{Progress, Report};

#[cfg(test)]
mod tests {
    /// Every public type is `Debug`, `Send` and `Sync` (C-SEND-SYNC, C-DEBUG).
    #[test]
    fn public_types_are_debug_send_sync() {
        fn check<T: std::fmt::Debug + Send + Sync>() {}
        check::<crate::Client>();
        check::<crate::ClientBuilder>();
        check::<crate::Conversion>();
        check::<crate::ConvertRequest>();
        check::<crate::Error>();
        check::<crate::Job>();
        check::<crate::JobState>();
        check::<crate::JobStatus>();
        check::<crate::Output>();
        check::<crate::OutputFormat>();
        check::<crate::Pages>();
        check::<crate::Progress<'static>>();
        check::<crate::Report>();
        check::<crate::ResultUrl<'static>>();
        check::<crate::Step>();
        check::<crate::UploadedFile>();
    }
}

/// The README's examples, compiled and run as documentation tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
