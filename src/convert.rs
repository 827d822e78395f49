//! Step 2: start a conversion of an uploaded (or any reachable) file.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::redact::{self, Secret, Secrets};
use crate::response::{Answer, Credits};
use crate::retry::{Deadline, Safety};
use crate::transport::ApiRequest;
use crate::{Client, Error, Pages, Step};

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

/// How PDF.co groups text into rows and columns (`lineGrouping`).
///
/// # Example
///
/// ```
/// use pdfco::{ConvertRequest, LineGrouping, OutputFormat};
///
/// let request = ConvertRequest::new(OutputFormat::Csv)
///     .line_grouping(LineGrouping::Rows)
///     .unwrap_lines(true);
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LineGrouping {
    /// `1`: group text into rows.
    Rows,
    /// `2`: group text into columns.
    Columns,
    /// `3`: join orphaned rows to their neighbours.
    JoinOrphanedRows,
}

impl LineGrouping {
    pub(crate) fn code(self) -> &'static str {
        match self {
            LineGrouping::Rows => "1",
            LineGrouping::Columns => "2",
            LineGrouping::JoinOrphanedRows => "3",
        }
    }
}

/// The longest output link lifetime PDF.co grants (24 hours, on Business plans).
const MAX_EXPIRATION: Duration = Duration::from_secs(24 * 60 * 60);

/// What to convert to, and how: the options of one `pdf/convert/to/*` request.
///
/// The source URL is given when sending it ([`Client::convert`]), so one request can be
/// reused for many files. Options are checked locally before anything is sent
/// ([`validate`](Self::validate)); each is sent only when set, so PDF.co's defaults apply
/// otherwise.
///
/// # Example
///
/// ```
/// use pdfco::{ConvertRequest, OutputFormat};
/// use std::time::Duration;
///
/// let request = ConvertRequest::new(OutputFormat::Xlsx)
///     .pages("0,2-5,7-")
///     .password("s3cret")
///     .rect(50.0, 100.0, 400.0, 300.0)
///     .lang("eng+deu")
///     .expiration(Duration::from_secs(2 * 60 * 60))
///     .name("report.xlsx");
/// assert!(request.validate().is_ok());
/// assert!(!format!("{request:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct ConvertRequest {
    format: OutputFormat,
    pages: Option<String>,
    password: Option<Secret>,
    name: Option<String>,
    asynchronous: bool,
    inline: bool,
    profiles: Option<String>,
    rect: Option<[f64; 4]>,
    lang: Option<String>,
    line_grouping: Option<LineGrouping>,
    unwrap: bool,
    expiration: Option<Duration>,
    http_auth: Option<(String, Secret)>,
    callback: Option<String>,
    timeout: Option<Duration>,
    extra: Map<String, Value>,
}

impl ConvertRequest {
    /// A request for `format` with the defaults: all pages, no password, PDF.co's output
    /// name, asynchronous, a link to the result rather than the result inline.
    pub fn new(format: OutputFormat) -> ConvertRequest {
        ConvertRequest {
            format,
            pages: None,
            password: None,
            name: None,
            asynchronous: true,
            inline: false,
            profiles: None,
            rect: None,
            lang: None,
            line_grouping: None,
            unwrap: false,
            expiration: None,
            http_auth: None,
            callback: None,
            timeout: None,
            extra: Map::new(),
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

    /// Asks for the result in the answer itself (`inline: true`): a string for text formats,
    /// a JSON value for the JSON formats; see [`Output::body`] and [`JobStatus::body`](crate::JobStatus::body). Not
    /// for XLSX, XLS and TIFF.
    ///
    /// Defaults to `false`: a link to a result file.
    pub fn inline(mut self, inline: bool) -> Self {
        self.inline = inline;
        self
    }

    /// Extractor profiles, sent as the JSON *string* PDF.co expects, such as
    /// `{ "profiles": [{ "profile1": { "RotationAngle": 1 } }] }`. PDF.co also takes single
    /// quotes, so the text is sent as given; [`profiles_json`](Self::profiles_json) writes
    /// it from a value.
    ///
    /// Defaults to none.
    pub fn profiles(mut self, profiles: impl Into<String>) -> Self {
        self.profiles = Some(profiles.into());
        self
    }

    /// Extractor profiles from a JSON value, serialised into the string PDF.co expects.
    ///
    /// Defaults to none.
    pub fn profiles_json(self, profiles: &Value) -> Self {
        self.profiles(profiles.to_string())
    }

    /// Converts only the area at (`x`, `y`) of `width` by `height` points on each page.
    /// Checked before any request: finite, not negative, and not empty.
    ///
    /// Defaults to the whole page.
    pub fn rect(mut self, x: f64, y: f64, width: f64, height: f64) -> Self {
        self.rect = Some([x, y, width, height]);
        self
    }

    /// The OCR language for scanned pages, such as `eng`, `deu` or `eng+deu`.
    ///
    /// Defaults to PDF.co's `eng`.
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// How text is grouped into rows and columns.
    ///
    /// Defaults to PDF.co's choice.
    pub fn line_grouping(mut self, grouping: LineGrouping) -> Self {
        self.line_grouping = Some(grouping);
        self
    }

    /// Joins lines that wrap inside a table cell (`unwrap`). PDF.co applies it only with a
    /// [`line_grouping`](Self::line_grouping), so it is refused locally without one.
    ///
    /// Defaults to `false`.
    pub fn unwrap_lines(mut self, unwrap: bool) -> Self {
        self.unwrap = unwrap;
        self
    }

    /// How long the output link stays valid, in whole minutes from 1 minute to 24 hours
    /// (longer than an hour needs a Business plan). Sent as `expiration` in minutes, rounded
    /// up.
    ///
    /// Defaults to PDF.co's 60 minutes.
    pub fn expiration(mut self, lifetime: Duration) -> Self {
        self.expiration = Some(lifetime);
        self
    }

    /// Basic-auth credentials PDF.co uses to fetch a source URL that needs them
    /// (`httpusername`, `httppassword`). The password is never printed.
    ///
    /// Defaults to none.
    pub fn http_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.http_auth = Some((username.into(), Secret::new(password)));
        self
    }

    /// A webhook URL PDF.co calls when an asynchronous job ends (`callback`). Must be
    /// `http(s)`, and the request asynchronous.
    ///
    /// Defaults to none.
    pub fn callback(mut self, url: impl Into<String>) -> Self {
        self.callback = Some(url.into());
        self
    }

    /// PDF.co's `timeout` parameter, in whole seconds (documented only by PDF.co's API
    /// tester, as a timeout for output links).
    ///
    /// Defaults to none.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Any other parameter, sent as given: for options this crate does not model, such as
    /// `lineending` for `text-simple` or `simple` and `columns` for `html`. The typed options
    /// and `url` take precedence over a parameter of the same name.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{ConvertRequest, OutputFormat};
    ///
    /// let request = ConvertRequest::new(OutputFormat::Html).param("simple", true);
    /// assert!(format!("{request:?}").contains("simple"));
    /// ```
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
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

    /// Whether the result is asked for inline.
    pub fn is_inline(&self) -> bool {
        self.inline
    }

    /// This request, named after the destination file unless it already has a name (as the
    /// tutorials name the output after the destination).
    pub(crate) fn named_for(
        &self,
        output: &std::path::Path,
    ) -> std::borrow::Cow<'_, ConvertRequest> {
        match (&self.name, output.file_name()) {
            (None, Some(name)) if !self.format.is_multi_file() => {
                std::borrow::Cow::Owned(self.clone().name(name.to_string_lossy().into_owned()))
            }
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    /// Checks the options locally.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPages`] for a page selection PDF.co would refuse;
    /// [`Error::InvalidOption`] for an option out of range or not for this format.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{ConvertRequest, Error, OutputFormat};
    ///
    /// let request = ConvertRequest::new(OutputFormat::Xlsx).inline(true);
    /// assert!(matches!(request.validate(), Err(Error::InvalidOption { option: "inline", .. })));
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |option, reason: &str| {
            Err(Error::InvalidOption {
                option,
                reason: reason.to_string(),
            })
        };
        if let Some(pages) = &self.pages {
            Pages::parse(pages)?;
        }
        if self.inline && !self.format.supports_inline() {
            return invalid(
                "inline",
                &format!("{} results are never inline", self.format),
            );
        }
        if let Some(rect) = self.rect {
            if rect.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return invalid("rect", "every value must be a finite number, not negative");
            }
            if rect[2] == 0.0 || rect[3] == 0.0 {
                return invalid("rect", "width and height must be above zero");
            }
        }
        if let Some(lang) = &self.lang {
            let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '_' | '-');
            if lang.is_empty() || !lang.chars().all(ok) {
                return invalid("lang", "expected language codes such as `eng` or `eng+deu`");
            }
        }
        if self.unwrap && self.line_grouping.is_none() {
            return invalid("unwrap", "PDF.co applies it only with a line grouping");
        }
        if let Some(lifetime) = self.expiration {
            if lifetime < Duration::from_secs(60) || lifetime > MAX_EXPIRATION {
                return invalid("expiration", "must be from 1 minute to 24 hours");
            }
        }
        if let Some(callback) = &self.callback {
            if !(callback.starts_with("https://") || callback.starts_with("http://")) {
                return invalid("callback", "must be an http(s) URL");
            }
            if !self.asynchronous {
                return invalid("callback", "PDF.co calls it only for asynchronous jobs");
            }
        }
        if self.timeout.is_some_and(|t| t.as_secs() == 0) {
            return invalid("timeout", "must be at least one second");
        }
        if let Some((user, _)) = &self.http_auth {
            if user.is_empty() {
                return invalid("httpusername", "must not be empty");
            }
        }
        Ok(())
    }

    /// The request's JSON body for converting `url`.
    pub(crate) fn to_json(&self, url: &str) -> Vec<u8> {
        let mut body = self.extra.clone();
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
        if self.inline {
            body.insert("inline".into(), Value::from(true));
        }
        if let Some(profiles) = &self.profiles {
            body.insert("profiles".into(), Value::from(profiles.as_str()));
        }
        if let Some([x, y, w, h]) = self.rect {
            body.insert("rect".into(), Value::from(format!("{x}, {y}, {w}, {h}")));
        }
        if let Some(lang) = &self.lang {
            body.insert("lang".into(), Value::from(lang.as_str()));
        }
        if let Some(grouping) = self.line_grouping {
            body.insert("lineGrouping".into(), Value::from(grouping.code()));
        }
        if self.unwrap {
            body.insert("unwrap".into(), Value::from(true));
        }
        if let Some(lifetime) = self.expiration {
            body.insert(
                "expiration".into(),
                Value::from(lifetime.as_secs().div_ceil(60)),
            );
        }
        if let Some((user, password)) = &self.http_auth {
            body.insert("httpusername".into(), Value::from(user.as_str()));
            body.insert("httppassword".into(), Value::from(password.expose()));
        }
        if let Some(callback) = &self.callback {
            body.insert("callback".into(), Value::from(callback.as_str()));
        }
        if let Some(timeout) = self.timeout {
            body.insert("timeout".into(), Value::from(timeout.as_secs()));
        }
        serde_json::to_vec(&body).unwrap_or_default()
    }

    /// A stable text of everything that shapes the result, for checkpoints and the up-to-date
    /// check of [`FileConversion`](crate::FileConversion). It is written to disk, so secrets
    /// (the password, basic-auth credentials, secret-named extra parameters) appear only as
    /// whether they are set, and the callback not at all.
    pub(crate) fn fingerprint(&self) -> String {
        let mut json = self.clone();
        json.password = self.password.as_ref().map(|_| Secret::new("set"));
        json.http_auth = None;
        json.callback = None;
        for (name, value) in json.extra.iter_mut() {
            if redact::is_secret_name(name) {
                *value = Value::from("set");
            }
        }
        json.asynchronous = true;
        let body = String::from_utf8(json.to_json("")).unwrap_or_default();
        format!("{} {body}", self.format.endpoint())
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
            .field("inline", &self.inline)
            .field("profiles", &self.profiles)
            .field("rect", &self.rect)
            .field("lang", &self.lang)
            .field("line_grouping", &self.line_grouping)
            .field("unwrap", &self.unwrap)
            .field("expiration", &self.expiration)
            .field(
                "http_auth",
                &self.http_auth.as_ref().map(|(user, pw)| (user, pw)),
            )
            .field("callback", &self.callback.as_deref().map(redact::url))
            .field("timeout", &self.timeout)
            .field("extra", &redact::params(&self.extra))
            .finish()
    }
}

/// What [`Client::convert`] got back.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{Conversion, ConvertRequest, OutputFormat};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let file = client.upload("fixtures/sample.pdf")?;
/// let request = ConvertRequest::new(OutputFormat::Csv).asynchronous(false);
/// match client.convert(file.url(), &request)? {
///     Conversion::Finished(output) => assert_eq!(output.page_count(), Some(3)),
///     other => panic!("a synchronous request finishes at once: {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
///
/// A job started by [`Client::convert`] remembers the secrets of the request that started
/// it (the document and basic-auth passwords, the password in a URL's userinfo, the values
/// of secret-named parameters), never printing them, so that [`Client::wait`] masks them
/// when PDF.co repeats one in the job's message.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{Conversion, ConvertRequest, Job, OutputFormat};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let file = client.upload("fixtures/sample.pdf")?;
/// let Conversion::Started(job) = client.convert(file.url(), &ConvertRequest::new(OutputFormat::Json))? else {
///     unreachable!()
/// };
/// // Save these two strings; later, maybe in another process:
/// let (id, url) = (job.id().to_string(), job.result_url().map(str::to_string));
/// let again = Job::resume(id, url);
/// let done = client.wait(&again, |_| {})?;
/// assert!(done.state().is_terminal());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Job {
    id: String,
    result_url: Option<String>,
    name: Option<String>,
    format: Option<OutputFormat>,
    credits: Credits,
    /// The secrets of the request that started the job, masked in its statuses.
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
            format: None,
            credits: Credits::default(),
            secrets: Secrets::default(),
        }
    }

    /// The secrets of the request that started the job, when this client started it.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// This job, noting what it converts to. A resumed job does not know; with the format
    /// known, [`Client::wait_all`] saves page images into a folder rather than saving their
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
/// page for images, or the result itself when it was asked for [inline](ConvertRequest::inline).
///
/// # Example
///
/// ```no_run
/// use pdfco::{Conversion, ConvertRequest, OutputFormat};
///
/// let client = pdfco::Client::from_env()?;
/// let request = ConvertRequest::new(OutputFormat::Text).inline(true).asynchronous(false);
/// if let Conversion::Finished(output) = client.convert("https://example.com/a.pdf", &request)? {
///     println!("{}", output.text().unwrap_or_default());
/// }
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone)]
pub struct Output {
    url: Option<String>,
    urls: Vec<String>,
    body: Option<Value>,
    name: Option<String>,
    page_count: Option<u64>,
    duration: Option<Duration>,
    credits: Credits,
}

impl Output {
    fn from_answer(answer: &Answer) -> Output {
        Output {
            url: answer.str("url").map(str::to_string),
            urls: answer.strings("urls"),
            body: answer.value("body").cloned(),
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
        let conversion = Conversion::from_answer(&answer, request.asynchronous)?;
        Ok(match conversion {
            Conversion::Started(job) => Conversion::Started(job.with_format(request.format)),
            finished => finished,
        })
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
                format: None,
                credits: answer.credits(),
                secrets: answer.secrets().clone(),
            }));
        }
        let has_result = answer.str("url").is_some()
            || !answer.strings("urls").is_empty()
            || answer.value("body").is_some();
        if asked_async && !has_result {
            answer.required_str("jobId")?;
        }
        if !has_result {
            answer.required_str("url")?;
        }
        Ok(Conversion::Finished(Output::from_answer(answer)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Answer {
        Answer::parse(
            Step::Convert,
            &crate::tests::fixture(name),
            &Secrets::default(),
        )
        .unwrap()
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
        let answer = Answer::parse(
            Step::Convert,
            br#"{"error": false, "status": 200}"#,
            &Secrets::default(),
        )
        .unwrap();
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
    fn fingerprint_tracks_the_result_and_holds_no_secret() {
        let base = ConvertRequest::new(OutputFormat::Csv).pages("0");
        let secret = base
            .clone()
            .password("pw-one")
            .http_auth("user", "basic-pw")
            .callback("https://hook/x?token=t0k")
            .param("apiKey", "k3y");
        let print = secret.fingerprint();
        for hidden in ["pw-one", "basic-pw", "t0k", "hook", "k3y"] {
            assert!(!print.contains(hidden), "{hidden} in {print}");
        }
        assert_eq!(print, secret.clone().password("pw-two").fingerprint());
        assert_ne!(
            print,
            base.fingerprint(),
            "whether a password is set counts"
        );
        assert_eq!(
            base.fingerprint(),
            base.clone().asynchronous(false).fingerprint()
        );
        for other in [
            base.clone().pages("1"),
            base.clone().rect(1.0, 1.0, 2.0, 2.0),
            base.clone().inline(true),
            base.clone().param("lineending", "unix"),
            ConvertRequest::new(OutputFormat::Xml).pages("0"),
        ] {
            assert_ne!(base.fingerprint(), other.fingerprint(), "{other:?}");
        }
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
