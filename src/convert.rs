//! Step 2: start a conversion of an uploaded (or any reachable) file.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::endpoint::{Method, Produces};
use crate::redact::{self, Secrets};
use crate::response::{Answer, Credits};
use crate::retry::{Deadline, Safety};
use crate::transport::ApiRequest;
use crate::url;
use crate::{Client, Error, Request, Step};

/// How a format's result comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A JSON document: inline as a parsed value.
    Json,
    /// Text (CSV, XML, HTML, plain): inline as a string.
    Text,
    /// One binary file, never inline.
    Binary,
    /// One image per page: a `urls` list, or (asynchronously) a URL of a JSON listing.
    Images,
}

/// Declares the output formats: each is one line, `Variant => "endpoint", "extension", Shape;`,
/// under its doc comment.
macro_rules! output_formats {
    ($($(#[$doc:meta])* $variant:ident => $endpoint:literal, $extension:literal, $shape:ident;)*) => {
        /// An output of PDF.co's `pdf/convert/to/*` family.
        ///
        /// # Example
        ///
        /// ```
        /// use pdfco::OutputFormat;
        ///
        /// let format: OutputFormat = "json-meta".parse().unwrap();
        /// assert_eq!((format.endpoint(), format.extension()), ("json-meta", "json"));
        /// assert!(OutputFormat::Png.is_multi_file());
        /// assert!(!OutputFormat::Xlsx.supports_inline());
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum OutputFormat {
            $($(#[$doc])* $variant,)*
        }

        impl OutputFormat {
            /// Every format this crate knows.
            pub const ALL: &'static [OutputFormat] = &[$(OutputFormat::$variant),*];

            /// The last segment of the endpoint path, as in `/v1/pdf/convert/to/{endpoint}`.
            pub fn endpoint(self) -> &'static str {
                match self {
                    $(OutputFormat::$variant => $endpoint,)*
                }
            }

            /// The usual file extension of the output, without the dot.
            pub fn extension(self) -> &'static str {
                match self {
                    $(OutputFormat::$variant => $extension,)*
                }
            }

            pub(crate) fn shape(self) -> Shape {
                match self {
                    $(OutputFormat::$variant => Shape::$shape,)*
                }
            }
        }
    };
}

output_formats! {
    /// `pdf/convert/to/json`: text with fonts and coordinates, as PDF.co's JSON document
    /// (see [`Document`](crate::Document)).
    Json => "json", "json", Json;
    /// `pdf/convert/to/json2`: the JSON document with text, fonts, images, vectors and
    /// formatting.
    Json2 => "json2", "json", Json;
    /// `pdf/convert/to/json-meta`: the JSON document with AI-detected styles and types; costs
    /// more and is slower, so asynchronous use is advised.
    JsonMeta => "json-meta", "json", Json;
    /// `pdf/convert/to/csv`: the text as comma-separated rows.
    Csv => "csv", "csv", Text;
    /// `pdf/convert/to/xml`: text with fonts and coordinates, as XML.
    Xml => "xml", "xml", Text;
    /// `pdf/convert/to/text`: plain text that keeps the layout.
    Text => "text", "txt", Text;
    /// `pdf/convert/to/text-simple`: plain text, faster, without layout.
    TextSimple => "text-simple", "txt", Text;
    /// `pdf/convert/to/html`: an HTML page.
    Html => "html", "html", Text;
    /// `pdf/convert/to/xlsx`: an Excel workbook.
    Xlsx => "xlsx", "xlsx", Binary;
    /// `pdf/convert/to/xls`: a legacy Excel workbook.
    Xls => "xls", "xls", Binary;
    /// `pdf/convert/to/png`: one PNG image per page.
    Png => "png", "png", Images;
    /// `pdf/convert/to/jpg`: one JPEG image per page.
    Jpg => "jpg", "jpg", Images;
    /// `pdf/convert/to/webp`: one WebP image per page.
    Webp => "webp", "webp", Images;
    /// `pdf/convert/to/tiff`: one multi-page TIFF image.
    Tiff => "tiff", "tiff", Binary;
}

impl OutputFormat {
    /// Whether the result is one file per page (PNG, JPEG, WebP), downloaded into a folder.
    pub fn is_multi_file(self) -> bool {
        self.shape() == Shape::Images
    }

    /// Whether PDF.co takes `inline` for this format: every format but the binary ones
    /// (XLSX, XLS, TIFF).
    pub fn supports_inline(self) -> bool {
        self.shape() != Shape::Binary
    }
}

impl FromStr for OutputFormat {
    type Err = Error;

    /// Parses an endpoint name such as `json` or `xlsx`, in any case; another name is
    /// [`Error::InvalidOption`] (option `format`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .iter()
            .copied()
            .find(|f| f.endpoint().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::InvalidOption {
                option: "format",
                reason: format!("unknown output format `{}`", s.trim()),
            })
    }
}

/// Saved as its endpoint name, such as `"json"`.
impl serde::Serialize for OutputFormat {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.endpoint())
    }
}

impl<'de> serde::Deserialize<'de> for OutputFormat {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.endpoint())
    }
}

/// What [`Client::start`] got back.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{Conversion, OutputFormat, Request};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let file = client.upload("fixtures/sample.pdf")?;
/// let request = Request::convert(OutputFormat::Csv).asynchronous(false);
/// match client.start(&request.clone().url(file.url()))? {
///     Conversion::Finished(output) => assert_eq!(output.page_count(), Some(3)),
///     other => panic!("a synchronous request finishes at once: {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub enum Conversion {
    /// An asynchronous conversion started: wait for the job, then download.
    Started(Job),
    /// A synchronous conversion finished: the result is ready to download.
    Finished(Output),
}

/// A background conversion job at PDF.co.
///
/// Keep its [`id`](Job::id) (and [`result_url`](Job::result_url)) to pick the paid work up
/// again later with [`Job::resume`].
///
/// A job started by [`Client::start`] remembers the secrets of the request that started
/// it (the document and basic-auth passwords, the password in a URL's userinfo, the values
/// of secret-named parameters), never printing them, so that [`Client::wait`] masks them
/// when PDF.co repeats one in the job's message.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{Conversion, Job, OutputFormat, Request};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let file = client.upload("fixtures/sample.pdf")?;
/// let Conversion::Started(job) = client.start(&Request::convert(OutputFormat::Json).url(file.url()))? else {
///     unreachable!()
/// };
/// // Save these two strings; later, maybe in another process:
/// let (id, url) = (job.id().to_string(), job.result_url().map(str::to_string));
/// let again = Job::resume(id, url);
/// let done = client.wait(&again, |_| {})?;
/// assert!(done.state().is_terminal());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Job {
    id: String,
    #[serde(default)]
    result_url: Option<String>,
    #[serde(default)]
    name: Option<String>,
    /// The endpoint the job was started at, when known: what it produces.
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    format: Option<OutputFormat>,
    #[serde(default)]
    credits: Credits,
    #[serde(default)]
    output_link_valid_till: Option<String>,
    /// The secrets of the request that started the job, masked in its statuses. Never
    /// saved.
    #[serde(skip)]
    secrets: Secrets,
}

impl Job {
    /// A job rebuilt from a saved id and, when known, its result URL, to check, wait for and
    /// download later.
    ///
    /// It cannot know the secrets of the request that started it: if PDF.co repeats the
    /// document password in the job's message, only the API key and secrets named as such
    /// (`password=...`, a URL's `user:password@`) are masked, not a bare password.
    pub fn resume(id: impl Into<String>, result_url: Option<String>) -> Job {
        Job {
            id: id.into(),
            result_url,
            name: None,
            path: None,
            format: None,
            credits: Credits::default(),
            output_link_valid_till: None,
            secrets: Secrets::default(),
        }
    }

    /// The endpoint the job was started at, such as `pdf/merge`, when known: always for a
    /// job this client started, and for a saved one.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The secrets of the request that started the job, when this client started it.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// This job, noting what it converts to. A resumed job does not know; with the format
    /// known, a [batch](Client::batch) saves page images into a folder rather than saving their
    /// listing.
    pub fn with_format(mut self, format: OutputFormat) -> Job {
        self.format = Some(format);
        self
    }

    /// What the job converts to, when known: always for a job this client started.
    pub fn format(&self) -> Option<OutputFormat> {
        self.format
    }

    /// The job id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Where the result will be once the job succeeds, if PDF.co said at the start. It carries
    /// a signature; treat it as a secret.
    pub fn result_url(&self) -> Option<&str> {
        self.result_url.as_deref()
    }

    /// The output file's name, if PDF.co said.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Until when the result link given at the start stays valid (`outputLinkValidTill`), as
    /// PDF.co wrote it (ISO 8601), when it said.
    pub fn output_link_valid_till(&self) -> Option<&str> {
        self.output_link_valid_till.as_deref()
    }

    /// Credits charged for starting the job, if PDF.co said.
    pub fn credits(&self) -> Option<u64> {
        self.credits.spent
    }

    /// Credits left on the account, if PDF.co said.
    pub fn remaining_credits(&self) -> Option<u64> {
        self.credits.remaining
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .field("result_url", &self.result_url.as_deref().map(redact::url))
            .field("name", &self.name)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// The result of a finished synchronous conversion: a link to the result file, one link per
/// page for images, or the result itself when it was asked for [inline](crate::Request::inline).
///
/// # Example
///
/// ```no_run
/// use pdfco::{Conversion, OutputFormat, Request};
///
/// let client = pdfco::Client::from_env()?;
/// let request = Request::convert(OutputFormat::Text).inline(true).asynchronous(false);
/// if let Conversion::Finished(output) = client.start(&request.clone().url("https://example.com/a.pdf"))? {
///     println!("{}", output.text().unwrap_or_default());
/// }
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone)]
pub struct Output {
    url: Option<String>,
    urls: Vec<String>,
    body: Option<Value>,
    data: Option<Value>,
    answer: Map<String, Value>,
    name: Option<String>,
    page_count: Option<u64>,
    duration: Option<Duration>,
    credits: Credits,
    output_link_valid_till: Option<String>,
}

impl Output {
    fn from_answer(answer: &Answer, produces: Produces) -> Output {
        let data = match produces {
            Produces::Data(field) => answer.value(field).cloned(),
            Produces::Answer => Some(Value::Object(answer.masked_fields())),
            _ => None,
        };
        Output {
            url: answer.str("url").map(str::to_string),
            urls: answer.strings("urls"),
            body: answer.value("body").cloned(),
            data,
            answer: answer.masked_fields(),
            name: answer.str("name").map(str::to_string),
            page_count: answer.u64("pageCount"),
            duration: answer.u64("duration").map(Duration::from_millis),
            credits: answer.credits(),
            output_link_valid_till: answer.str("outputLinkValidTill").map(str::to_string),
        }
    }

    /// The data an endpoint answers with, for endpoints whose result is data rather than a
    /// file: `pdf/info`'s `info`, `barcode/read/from/url`'s `barcodes`, `file/hash`'s `hash`,
    /// the parsers' `body`, ...
    pub fn data(&self) -> Option<&Value> {
        self.data.as_ref()
    }

    /// The whole answer, as PDF.co sent it, with the request's secrets masked wherever it
    /// repeated them. Its URLs carry signatures; treat them as secrets.
    pub fn answer(&self) -> &Map<String, Value> {
        &self.answer
    }

    /// The result's URL. It carries a signature; treat it as a secret.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The per-page result URLs of images (`urls`), in page order; empty for other formats.
    /// They carry signatures; treat them as secrets.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// The inline result (`body`): a string for text formats, the document for JSON ones.
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// The inline result as text, when it is a string.
    pub fn text(&self) -> Option<&str> {
        self.body.as_ref().and_then(Value::as_str)
    }

    /// The output file's name, if PDF.co said.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// How many pages were processed, if PDF.co said.
    pub fn page_count(&self) -> Option<u64> {
        self.page_count
    }

    /// How long PDF.co took, if it said.
    pub fn duration(&self) -> Option<Duration> {
        self.duration
    }

    /// Until when the result links stay valid (`outputLinkValidTill`), as PDF.co wrote it
    /// (ISO 8601, such as `2025-08-11T17:09:13.263623+00:00`), when it said.
    pub fn output_link_valid_till(&self) -> Option<&str> {
        self.output_link_valid_till.as_deref()
    }

    /// Credits charged, if PDF.co said.
    pub fn credits(&self) -> Option<u64> {
        self.credits.spent
    }

    /// Credits left on the account, if PDF.co said.
    pub fn remaining_credits(&self) -> Option<u64> {
        self.credits.remaining
    }
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Output")
            .field("url", &self.url.as_deref().map(redact::url))
            .field(
                "urls",
                &self.urls.iter().map(|u| redact::url(u)).collect::<Vec<_>>(),
            )
            .field("body", &self.body.as_ref().map(|_| "..."))
            .field("name", &self.name)
            .field("page_count", &self.page_count)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Step 2: sends a request to its endpoint, which starts a background job (the default
    /// where the endpoint allows it) or answers with the result at once.
    ///
    /// An asynchronous request answers with a [`Job`] to [wait](Client::wait) for; a
    /// synchronous one with the finished [`Output`]. Starting a job is paid, so a failure is
    /// retried only when PDF.co provably did not process the request: the connection was
    /// refused, or PDF.co answered 429 (too many requests), which is retried after its
    /// `Retry-After`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidPages`] or [`Error::InvalidOption`] for a bad option (before any
    ///   request);
    /// - [`Error::Api`] when PDF.co refuses: 401 bad key, 402 no credits, 441 wrong password,
    ///   442 damaged input, 429 too many requests, ...;
    /// - [`Error::Transport`] or [`Error::Decode`] for network failures and odd answers.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{Conversion, OutputFormat, Request};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let file = client.upload("invoice.pdf")?;
    /// let request = Request::convert(OutputFormat::Json).pages("0-1").url(file.url());
    /// match client.start(&request)? {
    ///     Conversion::Started(job) => println!("job {}", job.id()),
    ///     Conversion::Finished(output) => println!("{} pages done", output.page_count().unwrap_or(0)),
    /// }
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn start<K>(&self, request: &Request<K>) -> Result<Conversion, Error> {
        self.start_until(&request.erased(), &[], Deadline::none())
    }

    /// Sends `request` with `uploaded` appended to its documents, within `deadline`.
    pub(crate) fn start_until(
        &self,
        request: &Request,
        uploaded: &[String],
        deadline: Deadline,
    ) -> Result<Conversion, Error> {
        request.validate()?;
        request.check_documents(uploaded, 0)?;
        let body = request.body(uploaded);
        let path = crate::endpoint::api_path(request.path());
        let answer = match request.method() {
            Method::Post => {
                let bytes = serde_json::to_vec(&body).unwrap_or_default();
                self.transport().api(
                    Step::Start,
                    &path,
                    ApiRequest::PostJson(&bytes),
                    Safety::OnlyIfNotSent,
                    deadline,
                )?
            }
            Method::Get => {
                let pairs: Vec<(String, String)> = body
                    .iter()
                    .map(|(name, value)| match value {
                        Value::String(text) => (name.clone(), text.clone()),
                        other => (name.clone(), other.to_string()),
                    })
                    .collect();
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                self.transport().api(
                    Step::Start,
                    &url::with_query(&path, &pairs),
                    ApiRequest::Get,
                    Safety::Idempotent,
                    deadline,
                )?
            }
        };
        let conversion =
            Conversion::from_answer(&answer, request.is_asynchronous(), request.produces())?;
        Ok(match conversion {
            Conversion::Started(mut job) => {
                job.path = Some(request.path().to_string());
                job.format = request.format();
                Conversion::Started(job)
            }
            finished => finished,
        })
    }
}

impl Conversion {
    /// Reads a convert answer. A job id means a job was started, whatever was asked; a server
    /// that answered an asynchronous request synchronously gets its result used as is.
    pub(crate) fn from_answer(
        answer: &Answer,
        asked_async: bool,
        produces: Produces,
    ) -> Result<Conversion, Error> {
        if let Some(id) = answer.str("jobId") {
            return Ok(Conversion::Started(Job {
                id: id.to_string(),
                result_url: answer.str("url").map(str::to_string),
                name: answer.str("name").map(str::to_string),
                path: None,
                format: None,
                credits: answer.credits(),
                output_link_valid_till: answer.str("outputLinkValidTill").map(str::to_string),
                secrets: answer.secrets().clone(),
            }));
        }
        // An endpoint of several files may give none (a PDF without attachments): an `urls`
        // list, even empty, is its result.
        let has_result = answer.str("url").is_some()
            || answer.value("urls").is_some_and(Value::is_array)
            || answer.value("body").is_some()
            || match produces {
                Produces::Data(field) => answer.value(field).is_some(),
                Produces::Answer | Produces::Ack => true,
                Produces::File | Produces::Files => false,
            };
        if asked_async && !has_result {
            answer.required_str("jobId")?;
        }
        if !has_result {
            answer.required_str("url")?;
        }
        Ok(Conversion::Finished(Output::from_answer(answer, produces)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Answer {
        Answer::parse(
            Step::Start,
            &crate::tests::fixture(name),
            &Secrets::default(),
        )
        .unwrap()
    }

    #[test]
    fn async_start_answer_gives_a_job() {
        let Conversion::Started(job) = Conversion::from_answer(
            &fixture("convert-async.json"),
            true,
            crate::endpoint::Produces::File,
        )
        .unwrap() else {
            panic!("a job")
        };
        assert_eq!(job.id(), "6YSZD3U872ZYYFEDMQCQSGEEO8YSF5WA--151-300");
        assert!(
            job.result_url()
                .unwrap()
                .ends_with("X-Amz-Signature=feedface")
        );
        assert_eq!(
            (job.name(), job.remaining_credits()),
            (Some("result.json"), Some(98143))
        );
        assert!(!format!("{job:?}").contains("feedface"));
    }

    #[test]
    fn async_start_without_url_still_gives_a_job() {
        let Conversion::Started(job) = Conversion::from_answer(
            &fixture("convert-async-no-url.json"),
            true,
            crate::endpoint::Produces::File,
        )
        .unwrap() else {
            panic!("a job")
        };
        assert_eq!(
            (job.id(), job.result_url(), job.credits()),
            ("J-NO-URL", None, Some(2))
        );
    }

    #[test]
    fn sync_answer_gives_an_output() {
        let Conversion::Finished(out) = Conversion::from_answer(
            &fixture("convert-sync.json"),
            false,
            crate::endpoint::Produces::File,
        )
        .unwrap() else {
            panic!("an output")
        };
        assert_eq!(out.page_count(), Some(1));
        assert_eq!(out.duration(), Some(Duration::from_millis(412)));
        assert_eq!(
            (out.credits(), out.remaining_credits()),
            (Some(3), Some(98000))
        );
        assert!(out.url().unwrap().ends_with("/result.csv"));
    }

    #[test]
    fn answer_without_job_or_url_is_a_decode_error() {
        let answer = Answer::parse(
            Step::Start,
            br#"{"error": false, "status": 200}"#,
            &Secrets::default(),
        )
        .unwrap();
        let err =
            Conversion::from_answer(&answer, true, crate::endpoint::Produces::File).unwrap_err();
        assert!(err.to_string().contains("missing `jobId`"), "{err}");
        let err =
            Conversion::from_answer(&answer, false, crate::endpoint::Produces::File).unwrap_err();
        assert!(err.to_string().contains("missing `url`"), "{err}");
    }

    #[test]
    fn formats_parse_from_their_endpoint_names() {
        for &format in OutputFormat::ALL {
            assert_eq!(format.endpoint().parse::<OutputFormat>().ok(), Some(format));
        }
        assert_eq!(
            "XLSX".parse::<OutputFormat>().ok(),
            Some(OutputFormat::Xlsx)
        );
        assert!("docx".parse::<OutputFormat>().is_err());
    }
}
