//! An in-process emulator of PDF.co and its S3 storage, for tests and offline demos.
//!
//! Enabled by the `test-util` feature. [`Emulator::start`] binds two listeners on
//! `127.0.0.1`: the API (`http://127.0.0.1:<port>/v1`) and storage, a separate origin, as S3
//! is for PDF.co. It follows the contract PDF.co's docs and samples describe:
//!
//! | request | what the emulator does |
//! |---|---|
//! | `GET /v1/file/upload/get-presigned-url?name=&contenttype=` | a presigned `PUT` URL (signed, 900 s) and a signed `GET` URL |
//! | `PUT` presigned URL | stores the body; S3's refusals: chunked body → 501 `NotImplemented`, no length → 411, other content type than signed, tampered or expired signature → 403 |
//! | `GET\|POST /v1/pdf/convert/to/{format}` | every [`OutputFormat`](crate::OutputFormat); JSON, form, multipart or query parameters (names in any case; booleans as JSON or strings); `url`, `pages`, `password`, `name`, `async`, `inline` (the result in `body`, without a link), `rect` (only text inside the area), `expiration` (minutes of link lifetime), `httpusername`/`httppassword` (basic auth to fetch an outside URL); `profiles` must parse (single quotes allowed) or 444; `lineGrouping` must be 1, 2 or 3; `callback` must be http(s); `lang`, `unwrap`, `timeout` are accepted |
//! | `GET /v1/account/credit/balance` | `{"remainingCredits": N}`: conversions cost a credit per page, job checks two |
//! | `GET\|POST /v1/file/delete` with `url` | removes that upload or result from storage; 404 if it has none |
//! | `GET\|POST /v1/pdf/merge` | `url`: comma-separated PDF URLs, merged in order into one real PDF (`url`, `pageCount`, `name`, default `result.pdf`); `password` opens protected inputs (441 without it or when wrong), a file that is not a PDF gives 442; `async`, `expiration`, `httpusername`/`httppassword` as for conversions |
//! | `GET\|POST /v1/pdf/merge2` | the same, and any other input PDF.co converts (images, DOC, XLS, ZIP, ...) becomes one page naming the file, since the emulator converts nothing offline; an input it recognises as none of those gives 442 |
//! | `GET\|POST /v1/pdf/info` | `info`: `PageCount`, `Title`, `Author`, `Subject`, `Keywords`, `Creator`, `Producer`, `CreationDate`, `ModificationDate` (as `8/15/2001 2:50:36 PM`), `PageRectangle` (the first page's crop or media box), `Encrypted`, `PasswordProtected`, `EncryptionAlgorithm` (`None`, `RC4_40bit`, `RC4_128bit`, `AES_128bit`, `AES_256bit`), the eight `Permission*` flags, `EmbeddedFileCount`, `Bookmarks` (always empty), read from the file; `name` is `null`; a protected file needs its `password` (441 otherwise, as for conversions: PDF.co documents no answer for this case) |
//! | `GET\|POST /v1/job/check` | `working` until the job's time and checks are up, then its outcome; an unknown id is `working` unless `force`, then `unknown` |
//! | every other endpoint of PDF.co's spec | see [What each endpoint does](#what-each-endpoint-does) |
//! | a path PDF.co does not have | 404 with PDF.co's error body |
//! | `GET` result or upload URL | 404 `NoSuchKey` until a check has seen the job succeed; 403 when tampered or expired; `Range: bytes=N-` answered with 206 and `Content-Range` |
//!
//! Results are derived from the input: the PDF's pages are read (text, fonts, positions,
//! rows), so a JSON result is PDF.co's document shape for exactly the selected pages, and an
//! XLSX result is a real workbook with one sheet per selected page. PNG, JPEG and WebP give
//! one page-sized image per selected page (`urls` when synchronous; asynchronously the result
//! URL is a JSON listing of those URLs, as PDF.co does); PNG and TIFF draw each text run as
//! a grey box, JPEG and WebP are blank white. XLS is written as Excel 2003 XML, not BIFF8.
//! `json2` and `json-meta` have the `json` shape. `callback` is checked but never called:
//! PDF.co does not document its payload. Encrypted PDFs (RC4 40 to 128 bits, AES 128 and 256
//! bits) need their user or owner password unless the user password is empty: missing or
//! wrong gives 441. A file that is not a PDF gives 442. In asynchronous jobs these end as
//! `failed` with the same message, the check carrying the code as `errorCode` (PDF.co
//! documents the codes but stores no failed check, so this is inferred from its error bodies;
//! the emulator sends no `error` flag there).
//!
//! One reader serves conversions, merges, `pdf/info` and every other endpoint that reads a
//! PDF, so they agree on every page count:
//! lopdf 0.42 for the file (classic and stream cross-reference tables, object streams,
//! incremental updates, linearized files, decryption), and the emulator's own text extraction
//! on top: content streams through FlateDecode, LZWDecode, ASCII85Decode, ASCIIHexDecode and
//! RunLengthDecode; text through fonts' `ToUnicode` maps, simple fonts' encodings and
//! `Differences`, and Type 0 fonts' two-byte codes; positions through the text and graphics
//! matrices, font widths and form XObjects; `TJ` arrays, with a kerning gap of a fifth of an
//! em or more read as a space. Pieces of one word drawn separately are joined into one run.
//! It never makes up text where it cannot read it: a page whose content stream uses another
//! filter (an image codec, say) or does not decode, or whose text is only in fonts without a
//! way to map codes to characters (a CID font without `ToUnicode`), fails the conversion with
//! 442 and a message naming the page, rather than succeeding with an empty page (`pdf/info`
//! and merges, which need no text, still read such a file). The real producers this is
//! tested against are listed in `fixtures/real/expected.json`.
//!
//! Merges and `pdf/info` open PDFs with that reader's object layer and write them with lopdf.
//! They cost a credit a page (of the merged result; of the document for `pdf/info`) and, with
//! `async`, run as jobs like conversions: the same durations, checks, [`Outcome`]s and
//! refunds, a failure to read an input ending the job as `failed` with the message the
//! synchronous answer would have had. The success check of an asynchronous `pdf/info` carries `info`, and
//! its `url` links a JSON file holding `{"info": ...}`: PDF.co documents no asynchronous
//! answer for `pdf/info`, so both are inferred from how its other endpoints answer.
//!
//! # What each endpoint does
//!
//! Every endpoint answers as PDF.co's does (at once, or as a job where it takes `async`),
//! through the same credits, durations, checks, [`Outcome`]s and [`Fault`]s as conversions.
//! **Real** below is a result derived from the input that a test can check; **shape only**
//! is PDF.co's documented answer where the real behaviour cannot be reproduced offline.
//!
//! - **Reading PDFs** (every endpoint that takes one): real-world files as described above,
//!   from producers listed in `fixtures/real/expected.json`; content that does not decode, or
//!   text in fonts with no way to map codes to characters, is a 442 naming the page, never an
//!   empty page.
//! - **Other formats to PDF** (`pdf/convert/from/*`, `xls/convert/to/pdf`): real PDFs holding
//!   the input's text in lines of Helvetica: HTML (tags stripped) or a built-in template filled
//!   from `templateData`, with `paperSize`, `orientation`, header and footer; TXT, RTF, DOCX
//!   (a binary DOC: its readable runs); CSV and XLSX; a page per image, JPEG and 8-bit grey or
//!   RGB PNG drawn; a `.eml`'s headers and text, its attachments embedded. Shape only: no
//!   layout, fonts or CSS; a URL outside the emulator's storage is never fetched (the page
//!   names it); GIF, BMP, TIFF, WebP and PNG with alpha or a palette are only named; binary
//!   XLS and Outlook `.msg` are 442; `margins`, `printBackground`, `mediaType`,
//!   `customScript`, `DoNotWaitFullLoad`, `legacyRendition` and `autosize` have no effect.
//! - **Spreadsheets** (`xls/convert/to/*`): real CSV (`separatorSymbol`, `quotationSymbol`),
//!   JSON (`Column0..` rows), HTML, tab-separated TXT and XML, from CSV or XLSX.
//! - **Merge, split, compress**: real. Merges in order (`pdf/merge2`: an image, Office file or ZIP
//!   becomes a page naming it); `pdf/split` makes one PDF per 1-based range (450 past the
//!   end); `pdf/split2` splits at pages holding the text, leaving them out by default;
//!   `/v2/pdf/compress` and `pdf/optimize` Flate-compress every stream and drop unused
//!   objects. Shape only: `pdf/split2`'s `regexSearch` (plain text), barcode syntax (never
//!   matches) and `lang`; compression's image settings and `pdf/optimize`'s `profiles`.
//! - **Security**: real RC4 40 and 128 bit and AES 128 and 256 bit encryption with the
//!   passwords and permissions asked for; `pdf/security/remove` decrypts with `password` (441
//!   without). An RC4 40-bit file opens here from its user password only.
//! - **Edit**: real. `pdf/edit/rotate` adds to the pages' `/Rotate` (pages from 0);
//!   `pdf/edit/delete-pages` removes pages (from 1; every page is 400); `pdf/edit/add` draws
//!   text annotations as real text (`{{macros}}` filled), images as a grey placeholder, and
//!   fills AcroForm fields' `/V`; replace and delete text rewrite the strings of single text
//!   operators in one-byte fonts (`caseSensitive`, `replacementLimit`); replace with an image
//!   removes the text and draws the placeholder there. Shape only: `regex` (plain text), text
//!   split across operators or in two-byte fonts, `imagesString` and `fieldsString`;
//!   `pdf/edit/rotate/auto` passes pages through (no OCR).
//! - **OCR**: `pdf/makeunsearchable` is real (text removed, grey boxes where it was);
//!   `pdf/makesearchable` is shape only: a PDF's text passes through, an image becomes a page
//!   without text.
//! - **Information and search**: real. `pdf/info` and `pdf/info/fields` read the file (the
//!   fields' `Type` names are the emulator's reading of PDF.co's naming); `pdf/find` searches
//!   each text row (a phrase spanning rows is not found; `regexSearch` is a subset without
//!   groups or alternation, which are 400); `pdf/find/table` reports runs of two or more rows
//!   of two or more columns (`profiles` not applied); `pdf/attachments/extract` returns each
//!   embedded file (none: success with an empty `urls`, a case PDF.co does not document).
//! - **Barcodes**: real round trips in the emulator's own symbology (a framed grid holding the
//!   type, the value and a CRC-32): `barcode/generate` draws it into a PNG, and
//!   `barcode/read/from/url` finds it in a PNG or a PDF's images. Real symbologies are neither
//!   drawn nor decoded; `RawData` is empty, `Confidence` 1, `Rect` in the image's pixels;
//!   `decorationImage` is not drawn.
//! - **Parsers and classifier**: `pdf/documentparser` applies a subset of the template
//!   language (YAML or JSON; `static`, `regex` and `macros` fields; tables between start and
//!   end rows) to the pages' text, answering JSON, YAML, XML or CSV; its templates are a
//!   built-in list. `pdf/classifier` applies CSV rules to the text (images get no class).
//!   `ai-invoice-parser` is shape only: always a job, no AI, its fields from simple text
//!   patterns.
//! - **Email**: `email/decode` and `email/extract-attachments` read `.eml` files (MIME,
//!   base64, quoted-printable, RFC 2047; `.msg` is 442). `email/send` is shape only: the
//!   parameters are checked and the message recorded, never sent.
//! - **HTML templates**: three built-in templates, which cannot be added or changed.
//! - **Files**: real. `file/upload/base64` stores the decoded bytes, `file/upload/url` a copy of
//!   the file at the URL, `file/upload` (multipart) its file part byte for byte; `file/hash` is the SHA-256; `file/delete` removes the file;
//!   `permanent` files are kept like any other.
//!
//! Each family's file in the emulator's source (`src/testing/family/`) has the details.
//!
//! Every request is recorded ([`Emulator::requests`]) with its host, method, path, headers,
//! body size, whether it was chunked, and which connection carried it; for API requests also
//! the body as sent, so that [`RecordedRequest::params`] gives the parameters of a request to
//! any path, known or not, with their names as spelled. The parameters of each conversion
//! request, as read (names lowercased), are in [`Emulator::convert_params`].
//!
//! # Scripting failures
//!
//! [`Emulator::fail_next`] makes the next request to an [`Endpoint`] fail with a [`Fault`]:
//! a PDF.co or S3 error status, `error: true` in a 200, any raw body (an HTML error page,
//! JSON cut short), an error message that repeats the request's parameters, a redirect, throttling with or without `Retry-After`, a reset before the
//! answer or halfway through its body, a body shorter than its `Content-Length`, a slow
//! trickle, a stall, or an answer labelled with a `Content-Encoding`.
//! [`Emulator::set_listening`] stops a host so that connections are refused. Job timing and
//! outcomes are set with [`EmulatorBuilder::working_checks`],
//! [`EmulatorBuilder::job_duration`] (or [`EmulatorBuilder::job_durations`], in turn) and
//! [`Outcome`], and [`Emulator::job_checks`] tells when each check of a job came; link lifetimes with
//! [`EmulatorBuilder::presign_lifetime`] and [`EmulatorBuilder::result_lifetime`].
//!
//! # Example
//!
//! ```
//! use pdfco::testing::Emulator;
//!
//! let emulator = Emulator::start()?;
//! let client = emulator.client_builder().build()?;
//! let dir = std::env::temp_dir().join(format!("pdfco-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let report = client.run(&pdfco::Request::convert(pdfco::OutputFormat::Json)).input("fixtures/sample.pdf").save(dir.join("sample.json"))?;
//! assert!(report.bytes() > 0);
//! // The key never reached storage.
//! assert!(emulator.requests().iter().all(|r| r.host != pdfco::testing::Host::Storage
//!     || r.header("x-api-key").is_none()));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api;
mod crypto;
mod edit;
mod family;
mod image;
mod pdf;
mod render;
mod server;
mod storage;
mod write;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use server::{Handler, Reply, Request, Server, Wire};

/// Which of the emulator's two hosts a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// The PDF.co API.
    Api,
    /// The S3-like storage for uploads and results.
    Storage,
}

/// One request the emulator received, as sent.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Which host.
    pub host: Host,
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// The headers in the order sent.
    pub headers: Vec<(String, String)>,
    /// How many body bytes arrived.
    pub body_len: u64,
    /// The body of an API request as sent, as text (bytes that are not UTF-8 replaced), up
    /// to 4 MB, the most PDF.co takes; `None` for storage requests, whose bodies are files
    /// and are only counted.
    pub body: Option<String>,
    /// Whether the body came with `Transfer-Encoding: chunked`.
    pub chunked: bool,
    /// Which TCP connection carried it (numbered from 1 per emulator).
    pub connection: u64,
    /// The status the emulator answered with.
    pub status: u16,
    /// When its head had arrived.
    pub received: Instant,
}

impl RecordedRequest {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request's parameters read as the emulator reads them, for any path: the query's,
    /// then the body's (JSON, form or multipart, by the `Content-Type`), with their names
    /// spelled as sent. JSON values other than strings come as JSON text (`90`, `true`,
    /// `["a","b"]`), members of a JSON body in the order of their names; JSON nulls are left
    /// out. Empty when the body cannot be read as parameters.
    pub fn params(&self) -> Vec<(String, String)> {
        let body = self.body.as_deref().unwrap_or("");
        api::param_pairs(&self.query, self.header("content-type"), body.as_bytes())
            .unwrap_or_default()
    }

    /// One parameter's value by case-insensitive name; when it was given more than once, the
    /// last (the body's over the query's), as the emulator reads it.
    pub fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}

/// The requests faults can be scripted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `get-presigned-url`.
    Presign,
    /// The storage `PUT`.
    Upload,
    /// `pdf/convert/to/*`.
    Convert,
    /// `job/check`.
    JobCheck,
    /// `pdf/merge` and `pdf/merge2`.
    Merge,
    /// `pdf/info`.
    Info,
    /// The storage `GET` of a result.
    Download,
    /// Any other PDF.co endpoint (split, rotate, barcodes, parsers...).
    Other,
}

/// A scripted failure for the next request to an [`Endpoint`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this HTTP status and PDF.co's error body for it (on storage: S3's XML error).
    Status(u16),
    /// Answer HTTP 200 with `"error": true` and this code in the body.
    ErrorInBody(u16),
    /// Answer `307 Temporary Redirect` to this URL.
    Redirect(String),
    /// Answer with exactly this status, content type and body: an HTML error page, JSON that
    /// is cut short or not JSON at all.
    Body {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type`.
        content_type: String,
        /// The body.
        body: String,
    },
    /// Rate-limit: 429 with PDF.co's body on the API, 503 `SlowDown` on storage, with a
    /// `Retry-After` header of this many whole seconds when given.
    Throttle {
        /// The `Retry-After` to send, if any.
        retry_after: Option<u64>,
    },
    /// Read the request's head, then reset the connection without answering. The request
    /// is not processed.
    ResetRequest,
    /// Process the request, send the head and half the body, then reset the connection.
    ResetBody,
    /// Process the request, announce the full `Content-Length`, send half the body, then
    /// close the connection.
    ShortBody,
    /// Process the request and send the body `bytes` at a time with `pause` between.
    Trickle {
        /// Bytes per piece.
        bytes: usize,
        /// The pause after each piece.
        pause: Duration,
    },
    /// Process the request, send the head and half the body, then send nothing for this
    /// long before the rest.
    Stall(Duration),
    /// Process the request and send its answer with this `Content-Encoding` header, as a
    /// server that compresses what nobody asked it to might. The body is the real answer,
    /// unchanged, so a client that saved it would not notice.
    ContentEncoding(String),
    /// Answer with this status and an error message that repeats parts of the request, as
    /// servers do: in `message`, `{name}` stands for the request's parameter `name` as
    /// received (names in any case; on storage, the query parameters) and `{name:url}` for
    /// it percent-encoded; an unknown name is left as written. PDF.co's error body on the
    /// API, S3's XML error (code `AccessDenied`) on storage.
    Echo {
        /// The HTTP status (and PDF.co's error code).
        status: u16,
        /// The message template.
        message: String,
    },
}

impl Fault {
    /// The reply for faults that replace the answer and look the same on both hosts.
    fn common_reply(&self) -> Option<Reply> {
        match self {
            Fault::Redirect(location) => {
                Some(Reply::new(307, "text/plain", Vec::new()).header("Location", location.clone()))
            }
            Fault::Body {
                status,
                content_type,
                body,
            } => Some(Reply::new(*status, content_type, body.clone().into_bytes())),
            Fault::ResetRequest => {
                let mut reply = Reply::new(500, "text/plain", Vec::new());
                reply.wire = Wire::ResetNow;
                Some(reply)
            }
            _ => None,
        }
    }

    /// How faults that deform the real answer do it.
    fn wire(&self) -> Option<Wire> {
        match self {
            Fault::ResetBody => Some(Wire::ResetMidBody),
            Fault::ShortBody => Some(Wire::ShortBody),
            Fault::Trickle { bytes, pause } => Some(Wire::Trickle {
                bytes: (*bytes).max(1),
                pause: *pause,
            }),
            Fault::Stall(pause) => Some(Wire::Stall(*pause)),
            _ => None,
        }
    }
}

/// Answers a request through the next scripted fault for `endpoint`, if any: a replacing
/// fault answers instead of `normal`, a deforming one changes how `normal`'s reply is sent.
fn faulted(
    core: &Core,
    endpoint: Endpoint,
    fault_reply: impl FnOnce(Fault) -> Reply,
    normal: impl FnOnce() -> Reply,
) -> Reply {
    let Some(fault) = core.take_fault(endpoint) else {
        return normal();
    };
    if let Some(reply) = fault.common_reply() {
        return reply;
    }
    if let Fault::ContentEncoding(encoding) = fault {
        return normal().header("Content-Encoding", encoding);
    }
    match fault.wire() {
        Some(wire) => {
            let mut reply = normal();
            reply.wire = wire;
            reply
        }
        None => fault_reply(fault),
    }
}

/// `template` with `{name}` replaced by `param(name)` and `{name:url}` by it percent-encoded
/// (names lowercased); unknown names and unclosed braces stay as written.
fn expand(template: &str, param: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let spec = &after[..close];
        let (name, encoded) = match spec.strip_suffix(":url") {
            Some(name) => (name, true),
            None => (spec, false),
        };
        match param(&name.to_ascii_lowercase()) {
            Some(value) if encoded => out.push_str(&crate::url::encode(&value)),
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// How the next jobs end.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The conversion succeeds (unless its input is damaged or locked).
    Success,
    /// The job fails with this message, in which `{name}` and `{name:url}` stand for the
    /// conversion request's parameters as in [`Fault::Echo`]; its check carries no
    /// `errorCode`.
    Failed(String),
    /// The job is aborted.
    Aborted,
    /// The job stays `working` forever.
    Stuck,
}

/// Settings that apply to jobs started from then on; changeable while running.
#[derive(Clone, Debug)]
struct Settings {
    job_duration: Duration,
    /// Durations for jobs in turn, by the order they start; overrides `job_duration`.
    job_durations: Vec<Duration>,
    working_checks: u32,
    outcome: Outcome,
    presign_lifetime: Duration,
    result_lifetime: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            job_duration: Duration::ZERO,
            job_durations: Vec::new(),
            working_checks: 1,
            outcome: Outcome::Success,
            presign_lifetime: Duration::from_secs(900),
            result_lifetime: Duration::from_secs(3600),
        }
    }
}

impl Settings {
    /// How long the job that starts after `started` others stays `working`.
    fn duration_of_job(&self, started: usize) -> Duration {
        match self.job_durations.len() {
            0 => self.job_duration,
            n => self.job_durations[started % n],
        }
    }
}

/// Builds an [`Emulator`].
#[derive(Clone, Debug)]
pub struct EmulatorBuilder {
    api_key: String,
    credits: u64,
    settings: Settings,
}

/// The key [`Emulator::start`] accepts.
pub const DEFAULT_API_KEY: &str = "emulator-api-key";

impl EmulatorBuilder {
    /// The API key the emulator accepts; any other gets 401.
    ///
    /// Defaults to [`DEFAULT_API_KEY`].
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// How long every job stays `working` at least.
    ///
    /// Defaults to zero.
    pub fn job_duration(mut self, duration: Duration) -> Self {
        self.settings.job_duration = duration;
        self
    }

    /// Durations that jobs take in turn, in the order they start, over again from the first
    /// after the last: a batch of mixed jobs. Takes the place of
    /// [`job_duration`](Self::job_duration) when not empty.
    ///
    /// Defaults to none.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use pdfco::testing::Emulator;
    /// use pdfco::{Conversion, JobState, OutputFormat, Request};
    ///
    /// let emulator = Emulator::builder()
    ///     .job_durations([Duration::ZERO, Duration::from_secs(3600)])
    ///     .working_checks(0)
    ///     .start()?;
    /// let client = emulator.client_builder().build()?;
    /// let file = client.upload("fixtures/sample.pdf")?;
    /// let request = Request::convert(OutputFormat::Csv);
    /// let (Conversion::Started(quick), Conversion::Started(slow)) =
    ///     (client.start(&request.clone().url(file.url()))?, client.start(&request.clone().url(file.url()))?)
    /// else {
    ///     unreachable!()
    /// };
    /// assert_eq!(client.check(quick.id())?.state(), &JobState::Success);
    /// assert_eq!(client.check(slow.id())?.state(), &JobState::Working);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn job_durations(mut self, durations: impl IntoIterator<Item = Duration>) -> Self {
        self.settings.job_durations = durations.into_iter().collect();
        self
    }

    /// How many checks of a job answer `working` before its outcome shows, which makes
    /// tests deterministic without sleeping.
    ///
    /// Defaults to 1, so a first check sees `working` as with a real job.
    pub fn working_checks(mut self, checks: u32) -> Self {
        self.settings.working_checks = checks;
        self
    }

    /// How jobs end.
    ///
    /// Defaults to [`Outcome::Success`].
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.settings.outcome = outcome;
        self
    }

    /// The credits on the account; a conversion that needs more gets 402.
    ///
    /// Defaults to 10,000.
    pub fn credits(mut self, credits: u64) -> Self {
        self.credits = credits;
        self
    }

    /// How long presigned upload URLs stay valid (`X-Amz-Expires`).
    ///
    /// Defaults to 900 seconds, as PDF.co's are.
    pub fn presign_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.presign_lifetime = lifetime;
        self
    }

    /// How long result links stay valid.
    ///
    /// Defaults to 3,600 seconds, as PDF.co's are.
    pub fn result_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.result_lifetime = lifetime;
        self
    }

    /// Binds the listeners and starts serving.
    ///
    /// # Errors
    ///
    /// The I/O error if a listener cannot be bound or the upload folder created.
    pub fn start(self) -> io::Result<Emulator> {
        static INSTANCES: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "pdfco-emulator-{}-{}",
            std::process::id(),
            INSTANCES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        let core = Arc::new(Core {
            api_origin: OnceLockString::default(),
            storage_origin: OnceLockString::default(),
            signer: RandomState::new(),
            dir,
            state: Mutex::new(State {
                api_key: self.api_key,
                credits: self.credits,
                settings: self.settings,
                ..State::default()
            }),
            log: Mutex::new(Vec::new()),
        });
        let server = Server::start(core.clone(), &[Host::Api, Host::Storage])?;
        let _ = core.api_origin.0.set(format!("http://{}", server.addr(0)));
        let _ = core
            .storage_origin
            .0
            .set(format!("http://{}", server.addr(1)));
        Ok(Emulator {
            core,
            server: Some(server),
        })
    }
}

#[derive(Default)]
struct OnceLockString(std::sync::OnceLock<String>);

impl OnceLockString {
    fn get(&self) -> &str {
        self.0.get().map_or("", String::as_str)
    }
}

/// A running emulator. Stops serving, and deletes its uploads, when dropped.
pub struct Emulator {
    core: Arc<Core>,
    server: Option<Server>,
}

impl Emulator {
    /// Starts an emulator with the defaults.
    ///
    /// # Errors
    ///
    /// As [`EmulatorBuilder::start`].
    pub fn start() -> io::Result<Emulator> {
        Emulator::builder().start()
    }

    /// A builder with the defaults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            api_key: DEFAULT_API_KEY.to_string(),
            credits: 10_000,
            settings: Settings::default(),
        }
    }

    /// The base URL to give a client, such as `http://127.0.0.1:40123/v1`.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.core.api_origin.get())
    }

    /// The storage host's origin, such as `http://127.0.0.1:40124`.
    pub fn storage_origin(&self) -> String {
        self.core.storage_origin.get().to_string()
    }

    /// The API key the emulator accepts.
    pub fn api_key(&self) -> String {
        self.core.lock().api_key.clone()
    }

    /// A client builder pointed at this emulator with its key, a 10 ms poll interval, and
    /// retries on with a 5 ms to 50 ms backoff, so that tests run fast.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        crate::Client::builder(self.api_key())
            .base_url(self.base_url())
            .poll_interval(Duration::from_millis(10))
            .retry(
                crate::RetryPolicy::new()
                    .initial_backoff(Duration::from_millis(5))
                    .max_backoff(Duration::from_millis(50)),
            )
    }

    /// Every request received so far, in order of completion.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.core
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.core
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Makes the next request to `endpoint` fail with `fault`. Faults queue up in order.
    pub fn fail_next(&self, endpoint: Endpoint, fault: Fault) {
        self.core
            .lock()
            .faults
            .entry(endpoint)
            .or_default()
            .push_back(fault);
    }

    /// Sets how long jobs started from now on stay `working` at least.
    pub fn set_job_duration(&self, duration: Duration) {
        self.core.lock().settings.job_duration = duration;
    }

    /// Sets how many checks of jobs started from now on answer `working` first.
    pub fn set_working_checks(&self, checks: u32) {
        self.core.lock().settings.working_checks = checks;
    }

    /// Sets how jobs started from now on end.
    pub fn set_outcome(&self, outcome: Outcome) {
        self.core.lock().settings.outcome = outcome;
    }

    /// Sets how long presigned upload URLs issued from now on stay valid.
    pub fn set_presign_lifetime(&self, lifetime: Duration) {
        self.core.lock().settings.presign_lifetime = lifetime;
    }

    /// Sets how long result links issued from now on stay valid.
    pub fn set_result_lifetime(&self, lifetime: Duration) {
        self.core.lock().settings.result_lifetime = lifetime;
    }

    /// Stops or resumes accepting connections on one host. While stopped, new connections
    /// are refused, and connections already open to that host are closed.
    ///
    /// # Errors
    ///
    /// The I/O error if the port cannot be bound again.
    pub fn set_listening(&self, host: Host, listening: bool) -> io::Result<()> {
        match &self.server {
            Some(server) => server.set_listening(host, listening),
            None => Ok(()),
        }
    }

    /// The parameters of every conversion request, in order, as the emulator read them from
    /// the query and the body: names lowercased, JSON values other than strings as JSON text.
    pub fn convert_params(&self) -> Vec<BTreeMap<String, String>> {
        self.core.lock().convert_params.clone()
    }

    /// The credits left on the account.
    pub fn remaining_credits(&self) -> u64 {
        self.core.lock().credits
    }

    /// How many jobs have been started.
    pub fn job_count(&self) -> usize {
        self.core.lock().jobs.len()
    }

    /// When each check of job `job_id` arrived, on the emulator's clock, counted from the
    /// moment its conversion request arrived: the job's age at every check, in order. Empty
    /// for a job id the emulator did not start.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use pdfco::testing::Emulator;
    /// use pdfco::{OutputFormat, Request};
    ///
    /// let emulator = Emulator::start()?;
    /// let client = emulator.client_builder().build()?;
    /// let file = client.upload("fixtures/sample.pdf")?;
    /// let started = client.start(&Request::convert(OutputFormat::Csv).url(file.url()))?;
    /// let done = client.wait(&started, |_| {})?;
    /// let ages = emulator.job_checks(done.job_id());
    /// assert_eq!(ages.len(), 2, "one `working`, then `success`");
    /// assert!(ages[0] <= ages[1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn job_checks(&self, job_id: &str) -> Vec<Duration> {
        self.core
            .lock()
            .jobs
            .get(job_id)
            .map(|job| job.check_times.clone())
            .unwrap_or_default()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        drop(self.server.take());
        let _ = std::fs::remove_dir_all(&self.core.dir);
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url())
            .field("storage_origin", &self.storage_origin())
            .finish_non_exhaustive()
    }
}

/// A stored upload.
struct Upload {
    file: PathBuf,
}

/// A result file, served once its job has been seen to succeed.
struct StoredResult {
    bytes: Vec<u8>,
    content_type: &'static str,
    ready: bool,
}

/// How a job will end, decided when it starts.
#[derive(Clone, Debug)]
enum JobEnd {
    Success {
        /// Every stored file of the result, made ready together.
        result_paths: Vec<String>,
        page_count: u32,
        /// Fields the success check carries besides the usual ones: the inline result as
        /// `body`, `info` for `pdf/info`.
        fields: serde_json::Map<String, serde_json::Value>,
    },
    /// Fails with PDF.co's error code when the input caused it (441, 442), and a message.
    Failed {
        code: Option<u16>,
        message: String,
    },
    Aborted,
    Stuck,
}

struct Job {
    started: Instant,
    duration: Duration,
    working_checks: u32,
    checks: u32,
    /// When each check arrived, counted from the job's start.
    check_times: Vec<Duration>,
    end: JobEnd,
    result_url: String,
    /// The `outputLinkValidTill` of its start, repeated by its success check.
    valid_till: Option<String>,
    credits: u64,
    refunded: bool,
}

impl Job {
    /// A job that started at `started`, the `started_before`th of its emulator, timed by
    /// `settings`, ending as `end`.
    fn new(
        started: Instant,
        settings: &Settings,
        started_before: usize,
        end: JobEnd,
        result_url: String,
        credits: u64,
    ) -> Job {
        Job {
            started,
            duration: settings.duration_of_job(started_before),
            working_checks: settings.working_checks,
            checks: 0,
            check_times: Vec::new(),
            end,
            result_url,
            valid_till: None,
            credits,
            refunded: false,
        }
    }
}

#[derive(Default)]
struct State {
    api_key: String,
    credits: u64,
    settings: Settings,
    uploads: HashMap<String, Upload>,
    results: HashMap<String, StoredResult>,
    jobs: HashMap<String, Job>,
    faults: HashMap<Endpoint, VecDeque<Fault>>,
    counter: u64,
    convert_params: Vec<BTreeMap<String, String>>,
}

/// Shared by both listeners' threads.
struct Core {
    api_origin: OnceLockString,
    storage_origin: OnceLockString,
    signer: RandomState,
    dir: PathBuf,
    state: Mutex<State>,
    log: Mutex<Vec<RecordedRequest>>,
}

impl Core {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn settings(&self) -> Settings {
        self.lock().settings.clone()
    }

    /// A fresh id: 32 upper-case characters, like PDF.co's.
    fn new_id(&self) -> String {
        let n = {
            let mut state = self.lock();
            state.counter += 1;
            state.counter
        };
        let a = self.signer.hash_one(("id", n));
        let b = self.signer.hash_one(("id2", n));
        format!("{a:016X}{b:016X}")
    }

    /// A keyed digest standing in for an AWS signature: anyone without the emulator's random
    /// key cannot forge one, and any change to what it covers breaks it.
    fn sign(&self, parts: &[&str]) -> String {
        let a = self.signer.hash_one(("sig-a", parts));
        let b = self.signer.hash_one(("sig-b", parts));
        let c = self.signer.hash_one(("sig-c", parts));
        let d = self.signer.hash_one(("sig-d", parts));
        format!("{a:016x}{b:016x}{c:016x}{d:016x}")
    }

    fn take_fault(&self, endpoint: Endpoint) -> Option<Fault> {
        self.lock().faults.get_mut(&endpoint)?.pop_front()
    }
}

impl Handler for Core {
    fn handle(&self, request: &Request, body: &mut dyn Read) -> Reply {
        match request.host {
            Host::Api => api::handle(self, request, body),
            Host::Storage => storage::handle(self, request, body),
        }
    }

    fn record(&self, request: RecordedRequest) {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
    }
}

/// Seconds since the Unix epoch as `YYYYMMDDTHHMMSSZ` (the format of `X-Amz-Date`).
fn amz_date(unix: u64) -> String {
    let (days, secs) = (unix / 86_400, unix % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Seconds since the Unix epoch as ISO 8601 (PDF.co's `outputLinkValidTill`).
fn iso_date(unix: u64) -> String {
    let (days, secs) = (unix / 86_400, unix % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Parses `X-Amz-Date` back to seconds since the Unix epoch.
fn parse_amz_date(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = days_from_civil(y as i64, m as u32, d as u32);
    Some(days.max(0) as u64 * 86_400 + hh * 3600 + mm * 60 + ss)
}

// Howard Hinnant's civil-date algorithms.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_663_054_919), "20220913T074159Z");
        assert_eq!(iso_date(1_754_932_153), "2025-08-11T17:09:13+00:00");
        for t in [0, 951_782_400, 1_663_054_919, 4_102_444_800] {
            assert_eq!(parse_amz_date(&amz_date(t)), Some(t));
        }
        assert_eq!(parse_amz_date("2022-09-13"), None);
        assert_eq!(parse_amz_date("20221313T000000Z"), None);
    }

    #[test]
    fn templates_repeat_parameters_raw_or_encoded() {
        let param = |name: &str| (name == "password").then(|| "p w&d".to_string());
        assert_eq!(
            expand("bad {Password} / {password:url} {other} {", &param),
            "bad p w&d / p%20w%26d {other} {"
        );
        assert_eq!(expand("plain", &param), "plain");
    }

    #[test]
    fn public_types_are_send_sync_debug() {
        fn check<T: Send + Sync + fmt::Debug>() {}
        check::<Emulator>();
        check::<EmulatorBuilder>();
        check::<RecordedRequest>();
        check::<Fault>();
        check::<Outcome>();
        check::<Endpoint>();
        check::<Host>();
    }
}
