//! Step 2: start a conversion of an uploaded (or any reachable) file.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::redact::{self, Secret};
use crate::response::{Answer, Credits};
use crate::retry::{Deadline, Safety};
use crate::transport::ApiRequest;
use crate::{Client, Error, Pages, Step};

/// Declares the output formats: each is one line, `Variant => "endpoint", "extension";`,
/// under its doc comment.
macro_rules! output_formats {
    ($($(#[$doc:meta])* $variant:ident => $endpoint:literal, $extension:literal;)*) => {
        /// An output of PDF.co's `pdf/convert/to/*` family.
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
        }
    };
}

output_formats! {
    /// `pdf/convert/to/json`: text with fonts and coordinates, as PDF.co's JSON document.
    Json => "json", "json";
    /// `pdf/convert/to/xlsx`: an Excel workbook.
    Xlsx => "xlsx", "xlsx";
    /// `pdf/convert/to/csv`: the text as comma-separated rows.
    Csv => "csv", "csv";
    /// `pdf/convert/to/xml`: text with fonts and coordinates, as XML.
    Xml => "xml", "xml";
    /// `pdf/convert/to/text`: plain text that keeps the layout.
    Text => "text", "txt";
    /// `pdf/convert/to/text-simple`: plain text, faster, without layout.
    TextSimple => "text-simple", "txt";
    /// `pdf/convert/to/html`: an HTML page.
    Html => "html", "html";
}

impl FromStr for OutputFormat {
    type Err = String;

    /// Parses an endpoint name such as `json` or `xlsx`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .iter()
            .copied()
            .find(|f| f.endpoint().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown output format `{s}`"))
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.endpoint())
    }
}

/// What to convert to, and how: the options of one `pdf/convert/to/*` request.
///
/// The source URL is given when sending it ([`Client::convert`]), so one request can be
/// reused for many files. Options are checked locally before anything is sent.
///
/// # Example
///
/// ```
/// use pdfco::{ConvertRequest, OutputFormat};
///
/// let request = ConvertRequest::new(OutputFormat::Xlsx)
///     .pages("0,2-5,7-")
///     .password("s3cret")
///     .name("report.xlsx");
/// assert!(!format!("{request:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct ConvertRequest {
    format: OutputFormat,
    pages: Option<String>,
    password: Option<Secret>,
    name: Option<String>,
    asynchronous: bool,
}

impl ConvertRequest {
    /// A request for `format` with the defaults: all pages, no password, PDF.co's output
    /// name, asynchronous.
    pub fn new(format: OutputFormat) -> ConvertRequest {
        ConvertRequest {
            format,
            pages: None,
            password: None,
            name: None,
            asynchronous: true,
        }
    }

    /// Which pages to convert, in PDF.co's 0-based syntax such as `0,2-5,7-` (see [`Pages`]).
    /// Checked before any request.
    ///
    /// Defaults to every page.
    pub fn pages(mut self, pages: impl Into<String>) -> Self {
        self.pages = Some(pages.into());
        self
    }

    /// The password of a protected input document. Never printed.
    ///
    /// Defaults to none.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(Secret::new(password));
        self
    }

    /// The output file's name at PDF.co.
    ///
    /// Defaults to PDF.co's choice; the one-call helpers use the destination's file name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Whether PDF.co runs the conversion as a background job (`async: true`), answering at
    /// once with a job id. Synchronous conversions must finish within about 30 seconds.
    ///
    /// Defaults to `true`.
    pub fn asynchronous(mut self, asynchronous: bool) -> Self {
        self.asynchronous = asynchronous;
        self
    }

    /// The output format.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Whether the request is asynchronous.
    pub fn is_asynchronous(&self) -> bool {
        self.asynchronous
    }

    /// This request, named after the destination file unless it already has a name (as the
    /// tutorials name the output after the destination).
    pub(crate) fn named_for(
        &self,
        output: &std::path::Path,
    ) -> std::borrow::Cow<'_, ConvertRequest> {
        match (&self.name, output.file_name()) {
            (None, Some(name)) => {
                std::borrow::Cow::Owned(self.clone().name(name.to_string_lossy().into_owned()))
            }
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    /// Checks the options locally.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPages`] for a page selection PDF.co would refuse.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(pages) = &self.pages {
            Pages::parse(pages)?;
        }
        Ok(())
    }

    fn to_json(&self, url: &str) -> Vec<u8> {
        let mut body = Map::new();
        body.insert("url".into(), Value::from(url));
        body.insert("async".into(), Value::from(self.asynchronous));
        if let Some(pages) = self
            .pages
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            body.insert("pages".into(), Value::from(pages));
        }
        if let Some(password) = &self.password {
            body.insert("password".into(), Value::from(password.expose()));
        }
        if let Some(name) = &self.name {
            body.insert("name".into(), Value::from(name.as_str()));
        }
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

impl fmt::Debug for ConvertRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConvertRequest")
            .field("format", &self.format)
            .field("pages", &self.pages)
            .field("password", &self.password)
            .field("name", &self.name)
            .field("asynchronous", &self.asynchronous)
            .finish()
    }
}

/// What [`Client::convert`] got back.
#[derive(Clone, Debug)]
#[non_exhaustive]
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
#[derive(Clone)]
pub struct Job {
    id: String,
    result_url: Option<String>,
    name: Option<String>,
    credits: Credits,
}

impl Job {
    /// A job rebuilt from a saved id and, when known, its result URL, to check, wait for and
    /// download later.
    pub fn resume(id: impl Into<String>, result_url: Option<String>) -> Job {
        Job {
            id: id.into(),
            result_url,
            name: None,
            credits: Credits::default(),
        }
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
            .finish_non_exhaustive()
    }
}

/// The result of a finished synchronous conversion.
#[derive(Clone)]
pub struct Output {
    url: Option<String>,
    name: Option<String>,
    page_count: Option<u64>,
    duration: Option<Duration>,
    credits: Credits,
}

impl Output {
    fn from_answer(answer: &Answer) -> Output {
        Output {
            url: answer.str("url").map(str::to_string),
            name: answer.str("name").map(str::to_string),
            page_count: answer.u64("pageCount"),
            duration: answer.u64("duration").map(Duration::from_millis),
            credits: answer.credits(),
        }
    }

    /// The result's URL. It carries a signature; treat it as a secret.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
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
            .field("name", &self.name)
            .field("page_count", &self.page_count)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts converting the file at `url` (usually [`UploadedFile::url`](crate::UploadedFile::url)).
    ///
    /// An asynchronous request (the default) answers at once with a [`Job`]; a synchronous one
    /// with the finished [`Output`]. Starting a job is paid, so it is retried only when the
    /// request provably never reached PDF.co (connection refused, host not found).
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidPages`] for a bad page selection (before any request);
    /// - [`Error::Api`] when PDF.co refuses: 401 bad key, 402 no credits, 441 wrong password,
    ///   442 damaged input, 429 too many requests, ...;
    /// - [`Error::Transport`] or [`Error::Decode`] for network failures and odd answers.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{Conversion, ConvertRequest, OutputFormat};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let file = client.upload("invoice.pdf")?;
    /// let request = ConvertRequest::new(OutputFormat::Json).pages("0-1");
    /// match client.convert(file.url(), &request)? {
    ///     Conversion::Started(job) => println!("job {}", job.id()),
    ///     Conversion::Finished(output) => println!("{} pages done", output.page_count().unwrap_or(0)),
    ///     _ => {}
    /// }
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn convert(&self, url: &str, request: &ConvertRequest) -> Result<Conversion, Error> {
        self.convert_until(url, request, Deadline::none())
    }

    pub(crate) fn convert_until(
        &self,
        url: &str,
        request: &ConvertRequest,
        deadline: Deadline,
    ) -> Result<Conversion, Error> {
        request.validate()?;
        let path = format!("/pdf/convert/to/{}", request.format.endpoint());
        let body = request.to_json(url);
        let answer = self.transport().api(
            Step::Convert,
            &path,
            ApiRequest::PostJson(&body),
            Safety::OnlyIfNotSent,
            deadline,
        )?;
        Conversion::from_answer(&answer, request.asynchronous)
    }
}

impl Conversion {
    /// Reads a convert answer. A job id means a job was started, whatever was asked; a server
    /// that answered an asynchronous request synchronously gets its result used as is.
    pub(crate) fn from_answer(answer: &Answer, asked_async: bool) -> Result<Conversion, Error> {
        if let Some(id) = answer.str("jobId") {
            return Ok(Conversion::Started(Job {
                id: id.to_string(),
                result_url: answer.str("url").map(str::to_string),
                name: answer.str("name").map(str::to_string),
                credits: answer.credits(),
            }));
        }
        if asked_async && answer.str("url").is_none() {
            answer.required_str("jobId")?;
        }
        answer.required_str("url")?;
        Ok(Conversion::Finished(Output::from_answer(answer)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Answer {
        Answer::parse(Step::Convert, &crate::tests::fixture(name), "KEY").unwrap()
    }

    #[test]
    fn async_start_answer_gives_a_job() {
        let Conversion::Started(job) =
            Conversion::from_answer(&fixture("convert-async.json"), true).unwrap()
        else {
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
        let Conversion::Started(job) =
            Conversion::from_answer(&fixture("convert-async-no-url.json"), true).unwrap()
        else {
            panic!("a job")
        };
        assert_eq!(
            (job.id(), job.result_url(), job.credits()),
            ("J-NO-URL", None, Some(2))
        );
    }

    #[test]
    fn sync_answer_gives_an_output() {
        let Conversion::Finished(out) =
            Conversion::from_answer(&fixture("convert-sync.json"), false).unwrap()
        else {
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
        let answer =
            Answer::parse(Step::Convert, br#"{"error": false, "status": 200}"#, "K").unwrap();
        let err = Conversion::from_answer(&answer, true).unwrap_err();
        assert!(err.to_string().contains("missing `jobId`"), "{err}");
        let err = Conversion::from_answer(&answer, false).unwrap_err();
        assert!(err.to_string().contains("missing `url`"), "{err}");
    }

    #[test]
    fn formats_parse_from_their_endpoint_names() {
        for &format in OutputFormat::ALL {
            assert_eq!(format.endpoint().parse::<OutputFormat>(), Ok(format));
        }
        assert_eq!("XLSX".parse::<OutputFormat>(), Ok(OutputFormat::Xlsx));
        assert!("docx".parse::<OutputFormat>().is_err());
    }

    #[test]
    fn request_body_omits_empty_options() {
        let body = ConvertRequest::new(OutputFormat::Xlsx)
            .pages("  ")
            .to_json("http://u");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v, serde_json::json!({ "url": "http://u", "async": true }));
        let body = ConvertRequest::new(OutputFormat::Json)
            .pages("0-1")
            .password("pw")
            .name("n.json")
            .asynchronous(false)
            .to_json("http://u");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({ "url": "http://u", "async": false, "pages": "0-1", "password": "pw", "name": "n.json" })
        );
    }
}
