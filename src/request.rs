//! Step 2's input: a request to any PDF.co endpoint, with its parameters and documents.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::endpoint::{Endpoint, Method, Mode, PageBase, Produces, Source};
use crate::pages::Pages;
use crate::redact::{self, Secret};
use crate::{Error, OutputFormat};

/// Marker types that say which family a [`Request`] belongs to, so that each family's typed
/// setters are offered only where they apply. Every request, whatever its kind, has the common
/// setters and runs the same way.
pub mod kind {
    /// Any endpoint, called by path with raw parameters ([`Request::new`](crate::Request::new)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Any;

    /// `pdf/convert/to/*` ([`Request::convert`](crate::Request::convert)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Convert;

    // One line per family of `src/family/`.
    pub use crate::family::barcode::kind::*;
    pub use crate::family::data::kind::*;
    pub use crate::family::edit::kind::*;
    pub use crate::family::organize::kind::*;
    pub use crate::family::parse::kind::*;
    pub use crate::family::topdf::kind::*;
}

/// How PDF.co groups text into rows and columns (`lineGrouping`).
///
/// # Example
///
/// ```
/// use pdfco::{LineGrouping, OutputFormat, Request};
///
/// let request = Request::convert(OutputFormat::Csv)
///     .line_grouping(LineGrouping::Rows)
///     .unwrap_lines(true);
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineGrouping {
    /// `1`: group text into rows.
    Rows,
    /// `2`: group text into columns.
    Columns,
    /// `3`: join orphaned rows to their neighbours.
    JoinOrphanedRows,
}

impl LineGrouping {
    fn code(self) -> &'static str {
        match self {
            LineGrouping::Rows => "1",
            LineGrouping::Columns => "2",
            LineGrouping::JoinOrphanedRows => "3",
        }
    }
}

/// The longest output link lifetime PDF.co grants (24 hours, on Business plans).
const MAX_EXPIRATION: Duration = Duration::from_secs(24 * 60 * 60);

/// A request to one PDF.co endpoint: the path, its parameters, and the documents it reads.
///
/// Any endpoint can be called by path with raw parameters ([`Request::new`] and
/// [`param`](Self::param)); families have typed constructors and setters, such as
/// [`Request::convert`]. Options are checked locally before anything is sent
/// ([`validate`](Self::validate)), and each is sent only when set, so PDF.co's defaults apply
/// otherwise. Requests are asynchronous by default where the endpoint allows it.
///
/// The documents are URLs ([`url`](Self::url)); a one-call run uploads local files and adds
/// their URLs in order.
///
/// # Example
///
/// ```
/// use pdfco::{OutputFormat, Request};
/// use std::time::Duration;
///
/// let merge = Request::new("pdf/merge")
///     .url("https://example.com/a.pdf")
///     .url("https://example.com/b.pdf")
///     .name("both.pdf");
/// assert_eq!(merge.path(), "pdf/merge");
///
/// let convert = Request::convert(OutputFormat::Xlsx)
///     .pages("0,2-5,7-")
///     .password("s3cret")
///     .rect(50.0, 100.0, 400.0, 300.0)
///     .expiration(Duration::from_secs(2 * 60 * 60));
/// assert!(convert.validate().is_ok());
/// assert!(!format!("{convert:?}").contains("s3cret"));
/// ```
pub struct Request<K = kind::Any> {
    fields: Fields,
    kind: PhantomData<fn() -> K>,
}

/// What a request holds, whatever its kind.
#[derive(Clone)]
struct Fields {
    path: String,
    endpoint: Endpoint,
    format: Option<OutputFormat>,
    urls: Vec<String>,
    pages: Option<String>,
    password: Option<Secret>,
    name: Option<String>,
    asynchronous: bool,
    inline: bool,
    profiles: Option<String>,
    expiration: Option<Duration>,
    http_auth: Option<(String, Secret)>,
    callback: Option<String>,
    rect: Option<[f64; 4]>,
    lang: Option<String>,
    line_grouping: Option<LineGrouping>,
    unwrap: bool,
    timeout: Option<Duration>,
    params: Map<String, Value>,
    /// Parameters written by a family's typed setters, sent after (over) `params`.
    typed: Map<String, Value>,
    /// The first value a typed setter refused, reported by `validate`.
    problem: Option<(&'static str, String)>,
}

impl<K> Clone for Request<K> {
    fn clone(&self) -> Self {
        Request {
            fields: self.fields.clone(),
            kind: PhantomData,
        }
    }
}

impl Request {
    /// A request to the endpoint at `path`, with no parameters yet: the path after `/v1/`
    /// (`pdf/merge`, `pdf/edit/rotate`, `templates/html/42`), or a path of another version
    /// from its root (`/v2/pdf/compress`). Every endpoint PDF.co documents is known to the
    /// crate (its method, input, result and page numbering); another path is sent as a `POST`
    /// and its answer read by what it holds.
    ///
    /// # Example
    ///
    /// ```
    /// let rotate = pdfco::Request::new("pdf/edit/rotate").param("angle", 90).pages("0");
    /// assert!(rotate.validate().is_ok());
    /// ```
    pub fn new(path: impl Into<String>) -> Request {
        let path = path.into().trim().to_string();
        let endpoint = Endpoint::find(&path)
            .copied()
            .unwrap_or(Endpoint::unlisted(""));
        Request::with_endpoint(path, endpoint, None)
    }

    /// A conversion of a PDF with `pdf/convert/to/{format}`.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{OutputFormat, Request};
    ///
    /// let request = Request::convert(OutputFormat::Json).pages("0-1");
    /// assert_eq!(request.path(), "pdf/convert/to/json");
    /// assert_eq!(request.format(), Some(OutputFormat::Json));
    /// ```
    pub fn convert(format: OutputFormat) -> Request<kind::Convert> {
        let path = format!("pdf/convert/to/{}", format.endpoint());
        let endpoint = Endpoint::find(&path)
            .copied()
            .unwrap_or(Endpoint::unlisted(""));
        Request::with_endpoint(path, endpoint, Some(format))
    }
}

impl<K> Request<K> {
    /// A request of a family's kind for the endpoint at `path` (a row of the endpoint
    /// table): what each family's typed constructor starts from.
    pub(crate) fn of_kind(path: &str) -> Self {
        let endpoint = Endpoint::find(path)
            .copied()
            .unwrap_or(Endpoint::unlisted(""));
        Request::with_endpoint(path.to_string(), endpoint, None)
    }

    /// Sets a parameter from a family's typed setter; it takes precedence over
    /// [`param`](Self::param).
    pub(crate) fn set(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.fields.typed.insert(name.to_string(), value.into());
        self
    }

    /// The value a typed setter last set for `name`, if any.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.fields
            .typed
            .get(name)
            .or_else(|| self.fields.params.get(name))
    }

    /// Records that a typed setter was given a value PDF.co would refuse; [`validate`]
    /// (and so every run, before any request) reports the first such problem as
    /// [`Error::InvalidOption`].
    ///
    /// [`validate`]: Self::validate
    pub(crate) fn reject(mut self, option: &'static str, reason: impl Into<String>) -> Self {
        if self.fields.problem.is_none() {
            self.fields.problem = Some((option, reason.into()));
        }
        self
    }

    fn with_endpoint(path: String, endpoint: Endpoint, format: Option<OutputFormat>) -> Self {
        Request {
            fields: Fields {
                path,
                endpoint,
                format,
                urls: Vec::new(),
                pages: None,
                password: None,
                name: None,
                asynchronous: endpoint.mode != Mode::Direct,
                inline: false,
                profiles: None,
                expiration: None,
                http_auth: None,
                callback: None,
                rect: None,
                lang: None,
                line_grouping: None,
                unwrap: false,
                timeout: None,
                params: Map::new(),
                typed: Map::new(),
                problem: None,
            },
            kind: PhantomData,
        }
    }

    /// A document to process: PDF.co fetches it from `url`. Several calls add several
    /// documents, in order, for endpoints that take a list (merge, images to PDF); they are
    /// sent comma-joined in `url`, as PDF.co expects.
    ///
    /// Defaults to none; a one-call run adds the URLs of the files it uploads after these.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.fields.urls.push(url.into());
        self
    }

    /// Which pages to process, in PDF.co's syntax such as `0,2-5,7-`, in the endpoint's own
    /// numbering ([`page_base`](Self::page_base)), checked before any request. Most
    /// endpoints count pages from 0; `pdf/split` and `pdf/edit/delete-pages` count from 1
    /// (there `1` is the first page and `!1` the last), and a selection naming page 0 is
    /// refused for them.
    ///
    /// Defaults to every page.
    pub fn pages(mut self, pages: impl Into<String>) -> Self {
        self.fields.pages = Some(pages.into());
        self
    }

    /// The password of a protected input document. Never printed, and masked in any server
    /// message that repeats it.
    ///
    /// Defaults to none.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.fields.password = Some(Secret::new(password));
        self
    }

    /// The output file's name at PDF.co.
    ///
    /// Defaults to PDF.co's choice; a one-call run names a single output after its
    /// destination file.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.fields.name = Some(name.into());
        self
    }

    /// Whether PDF.co runs the request as a background job (`async: true`), answering at
    /// once with a job id. Synchronous requests must finish within about 30 seconds. Ignored
    /// by endpoints that always answer at once or always start a job.
    ///
    /// Defaults to `true` where the endpoint allows it.
    pub fn asynchronous(mut self, asynchronous: bool) -> Self {
        self.fields.asynchronous = asynchronous;
        self
    }

    /// Asks for the result in the answer itself (`inline: true`) where the endpoint offers it:
    /// a string for text formats, a JSON value for JSON ones. Not for binary results (XLSX,
    /// XLS, TIFF).
    ///
    /// Defaults to `false`: a link to a result file.
    pub fn inline(mut self, inline: bool) -> Self {
        self.fields.inline = inline;
        self
    }

    /// PDF.co's `profiles`, sent as the JSON *string* PDF.co expects, such as
    /// `{ "profiles": [{ "profile1": { "RotationAngle": 1 } }] }`. PDF.co also takes single
    /// quotes, so the text is sent as given; [`profiles_json`](Self::profiles_json) writes it
    /// from a value.
    ///
    /// Defaults to none.
    pub fn profiles(mut self, profiles: impl Into<String>) -> Self {
        self.fields.profiles = Some(profiles.into());
        self
    }

    /// [`profiles`](Self::profiles) from a JSON value, serialised into the string PDF.co
    /// expects.
    ///
    /// Defaults to none.
    pub fn profiles_json(self, profiles: &Value) -> Self {
        self.profiles(profiles.to_string())
    }

    /// How long the output link stays valid, in whole minutes from 1 minute to 24 hours
    /// (longer than an hour needs a Business plan). Sent as `expiration` in minutes, rounded
    /// up.
    ///
    /// Defaults to PDF.co's 60 minutes.
    pub fn expiration(mut self, lifetime: Duration) -> Self {
        self.fields.expiration = Some(lifetime);
        self
    }

    /// Basic-auth credentials PDF.co uses to fetch a source URL that needs them
    /// (`httpusername`, `httppassword`). The password is never printed.
    ///
    /// Defaults to none.
    pub fn http_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.fields.http_auth = Some((username.into(), Secret::new(password)));
        self
    }

    /// A webhook URL PDF.co calls when an asynchronous job ends (`callback`). Must be
    /// `http(s)`, and the request asynchronous.
    ///
    /// Defaults to none.
    pub fn callback(mut self, url: impl Into<String>) -> Self {
        self.fields.callback = Some(url.into());
        self
    }

    /// Any parameter, sent as given: a string, number, boolean, array or object
    /// (`serde_json::json!` builds the larger ones). The typed setters and `url` take
    /// precedence over a parameter of the same name.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    /// use serde_json::json;
    ///
    /// let request = Request::new("pdf/edit/add")
    ///     .param("annotations", json!([{ "text": "Paid", "x": 10, "y": 10, "pages": "0" }]));
    /// assert!(format!("{request:?}").contains("Paid"));
    /// ```
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.params.insert(name.into(), value.into());
        self
    }

    /// The endpoint's path, as given.
    pub fn path(&self) -> &str {
        &self.fields.path
    }

    /// How the endpoint numbers pages in [`pages`](Self::pages): from 0 for most, from 1 for
    /// `pdf/split` and `pdf/edit/delete-pages`; `None` for an endpoint that takes no pages.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{PageBase, Request};
    ///
    /// assert_eq!(Request::new("pdf/edit/rotate").page_base(), Some(PageBase::Zero));
    /// assert_eq!(Request::new("pdf/split").page_base(), Some(PageBase::One));
    /// assert!(Request::new("pdf/split").pages("0-1").validate().is_err());
    /// ```
    pub fn page_base(&self) -> Option<PageBase> {
        self.fields.endpoint.pages
    }

    /// The output format, for a conversion of the `pdf/convert/to/*` family.
    pub fn format(&self) -> Option<OutputFormat> {
        self.fields.format
    }

    /// Whether the request will start a background job.
    pub fn is_asynchronous(&self) -> bool {
        match self.fields.endpoint.mode {
            Mode::Either => self.fields.asynchronous,
            Mode::Job => true,
            Mode::Direct => false,
        }
    }

    /// Checks the options locally.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPages`] for a page selection PDF.co would refuse;
    /// [`Error::InvalidOption`] for an option out of range or not for this endpoint.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{Error, OutputFormat, Request};
    ///
    /// let request = Request::convert(OutputFormat::Xlsx).inline(true);
    /// assert!(matches!(request.validate(), Err(Error::InvalidOption { option: "inline", .. })));
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |option, reason: &str| {
            Err(Error::InvalidOption {
                option,
                reason: reason.to_string(),
            })
        };
        if self.fields.path.trim_matches('/').is_empty() {
            return invalid("path", "a request needs an endpoint path");
        }
        if let Some((option, reason)) = &self.fields.problem {
            return invalid(option, reason);
        }
        if let Some(pages) = &self.fields.pages {
            match self.fields.endpoint.pages {
                Some(PageBase::Zero) | None => {
                    Pages::parse(pages)?;
                }
                Some(PageBase::One) => Pages::check_one_based(pages)?,
            }
        }
        self.check_documents(&[], 0)?;
        if self.fields.inline && self.fields.format.is_some_and(|f| !f.supports_inline()) {
            return invalid("inline", "binary results are never inline");
        }
        if let Some(rect) = self.fields.rect {
            if rect.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return invalid("rect", "every value must be a finite number, not negative");
            }
            if rect[2] == 0.0 || rect[3] == 0.0 {
                return invalid("rect", "width and height must be above zero");
            }
        }
        if let Some(lang) = &self.fields.lang {
            let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '_' | '-');
            if lang.is_empty() || !lang.chars().all(ok) {
                return invalid("lang", "expected language codes such as `eng` or `eng+deu`");
            }
        }
        if self.fields.unwrap && self.fields.line_grouping.is_none() {
            return invalid("unwrap", "PDF.co applies it only with a line grouping");
        }
        if let Some(lifetime) = self.fields.expiration {
            if lifetime < Duration::from_secs(60) || lifetime > MAX_EXPIRATION {
                return invalid("expiration", "must be from 1 minute to 24 hours");
            }
        }
        if let Some(callback) = &self.fields.callback {
            if !(callback.starts_with("https://") || callback.starts_with("http://")) {
                return invalid("callback", "must be an http(s) URL");
            }
            if !self.is_asynchronous() {
                return invalid("callback", "PDF.co calls it only for asynchronous jobs");
            }
        }
        if self.fields.timeout.is_some_and(|t| t.as_secs() == 0) {
            return invalid("timeout", "must be at least one second");
        }
        if let Some((user, _)) = &self.fields.http_auth {
            if user.is_empty() {
                return invalid("httpusername", "must not be empty");
            }
        }
        Ok(())
    }

    /// Checks the documents: the request's own URLs, then `more` (URLs of inputs already
    /// uploaded), then `pending` inputs not uploaded yet. Each URL must be http(s) without a
    /// comma (PDF.co reads commas as separators), and an endpoint that takes one document
    /// gets at most one.
    pub(crate) fn check_documents(&self, more: &[String], pending: usize) -> Result<(), Error> {
        let invalid = |reason: &str| {
            Err(Error::InvalidOption {
                option: "url",
                reason: reason.to_string(),
            })
        };
        for url in self.fields.urls.iter().chain(more) {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return invalid("an input URL must be http(s)");
            }
            if url.contains(',') {
                return invalid(
                    "an input URL must not contain a comma: PDF.co reads commas as separators",
                );
            }
        }
        let count = self.fields.urls.len() + more.len() + pending;
        if count > 1 && self.fields.endpoint.source == Source::Url {
            return invalid("this endpoint takes one document");
        }
        Ok(())
    }

    /// The parameters as sent: the documents (the request's own URLs, then `extra_urls`)
    /// comma-joined in `url`, the typed options, and `async` where the endpoint takes it.
    pub(crate) fn body(&self, extra_urls: &[String]) -> Map<String, Value> {
        let mut body = self.fields.params.clone();
        body.extend(self.fields.typed.clone());
        let urls: Vec<&str> = self
            .fields
            .urls
            .iter()
            .chain(extra_urls)
            .map(String::as_str)
            .collect();
        if !urls.is_empty() {
            body.insert("url".into(), Value::from(urls.join(",")));
        }
        if self.fields.endpoint.mode == Mode::Either {
            body.insert("async".into(), Value::from(self.fields.asynchronous));
        }
        if let Some(pages) = self
            .fields
            .pages
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            body.insert("pages".into(), Value::from(pages));
        }
        if let Some(password) = &self.fields.password {
            body.insert("password".into(), Value::from(password.expose()));
        }
        if let Some(name) = &self.fields.name {
            body.insert("name".into(), Value::from(name.as_str()));
        }
        if self.fields.inline {
            body.insert("inline".into(), Value::from(true));
        }
        if let Some(profiles) = &self.fields.profiles {
            body.insert("profiles".into(), Value::from(profiles.as_str()));
        }
        if let Some([x, y, w, h]) = self.fields.rect {
            body.insert("rect".into(), Value::from(format!("{x}, {y}, {w}, {h}")));
        }
        if let Some(lang) = &self.fields.lang {
            body.insert("lang".into(), Value::from(lang.as_str()));
        }
        if let Some(grouping) = self.fields.line_grouping {
            body.insert("lineGrouping".into(), Value::from(grouping.code()));
        }
        if self.fields.unwrap {
            body.insert("unwrap".into(), Value::from(true));
        }
        if let Some(lifetime) = self.fields.expiration {
            body.insert(
                "expiration".into(),
                Value::from(lifetime.as_secs().div_ceil(60)),
            );
        }
        if let Some((user, password)) = &self.fields.http_auth {
            body.insert("httpusername".into(), Value::from(user.as_str()));
            body.insert("httppassword".into(), Value::from(password.expose()));
        }
        if let Some(callback) = &self.fields.callback {
            body.insert("callback".into(), Value::from(callback.as_str()));
        }
        if let Some(timeout) = self.fields.timeout {
            body.insert("timeout".into(), Value::from(timeout.as_secs()));
        }
        body
    }

    /// Whether the result is asked for inline.
    pub(crate) fn is_inline(&self) -> bool {
        self.fields.inline
    }

    /// Whether the result is several files (page images, split parts, attachments), which
    /// [`Run::save`](crate::Run::save) saves into a folder.
    pub fn is_multi_file(&self) -> bool {
        self.fields.endpoint.produces == Produces::Files
    }

    /// This request as one of any kind, for the code that runs every kind alike.
    pub(crate) fn erased(&self) -> Request {
        Request {
            fields: self.fields.clone(),
            kind: PhantomData,
        }
    }

    /// This request named after the destination file unless it has a name already, as the
    /// tutorials name the output after the destination; a result of several files keeps
    /// PDF.co's names.
    pub(crate) fn named_for(&self, output: &std::path::Path) -> Request {
        let request = self.erased();
        match (&self.fields.name, output.file_name()) {
            (None, Some(name)) if self.fields.endpoint.produces == Produces::File => {
                request.name(name.to_string_lossy().into_owned())
            }
            _ => request,
        }
    }

    /// The method the endpoint takes.
    pub(crate) fn method(&self) -> Method {
        self.fields.endpoint.method
    }

    /// What the endpoint's answer carries.
    pub(crate) fn produces(&self) -> Produces {
        self.fields.endpoint.produces
    }

    /// A stable text of everything that shapes the result, for checkpoints and up-to-date
    /// checks. It is written to disk, so secrets (the password, basic-auth credentials,
    /// secret-named parameters) appear only as whether they are set, and the callback not at
    /// all; whether the request runs as a job does not count.
    pub(crate) fn fingerprint(&self) -> String {
        let mut shown = self.clone();
        shown.fields.password = self.fields.password.as_ref().map(|_| Secret::new("set"));
        shown.fields.http_auth = None;
        shown.fields.callback = None;
        shown.fields.asynchronous = true;
        shown.fields.urls = self.fields.urls.iter().map(|u| redact::url(u)).collect();
        let params = shown.fields.params.iter_mut();
        for (name, value) in params.chain(shown.fields.typed.iter_mut()) {
            if redact::is_secret_name(name) {
                *value = Value::from("set");
            }
        }
        let body = Value::Object(shown.body(&[])).to_string();
        format!("{} {body}", crate::endpoint::normalize(&self.fields.path))
    }
}

impl Request<kind::Convert> {
    /// Converts only the area at (`x`, `y`) of `width` by `height` points on each page.
    /// Checked before any request: finite, not negative, and not empty.
    ///
    /// Defaults to the whole page.
    pub fn rect(mut self, x: f64, y: f64, width: f64, height: f64) -> Self {
        self.fields.rect = Some([x, y, width, height]);
        self
    }

    /// The OCR language for scanned pages, such as `eng`, `deu` or `eng+deu`.
    ///
    /// Defaults to PDF.co's `eng`.
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.fields.lang = Some(lang.into());
        self
    }

    /// How text is grouped into rows and columns.
    ///
    /// Defaults to PDF.co's choice.
    pub fn line_grouping(mut self, grouping: LineGrouping) -> Self {
        self.fields.line_grouping = Some(grouping);
        self
    }

    /// Joins lines that wrap inside a table cell (`unwrap`). PDF.co applies it only with a
    /// [`line_grouping`](Self::line_grouping), so it is refused locally without one.
    ///
    /// Defaults to `false`.
    pub fn unwrap_lines(mut self, unwrap: bool) -> Self {
        self.fields.unwrap = unwrap;
        self
    }

    /// PDF.co's `timeout` parameter, in whole seconds (documented only by PDF.co's API
    /// tester, as a timeout for output links).
    ///
    /// Defaults to none.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.fields.timeout = Some(timeout);
        self
    }
}

impl<K> fmt::Debug for Request<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("path", &self.fields.path)
            .field(
                "urls",
                &self
                    .fields
                    .urls
                    .iter()
                    .map(|u| redact::url(u))
                    .collect::<Vec<_>>(),
            )
            .field("pages", &self.fields.pages)
            .field("password", &self.fields.password)
            .field("name", &self.fields.name)
            .field("asynchronous", &self.fields.asynchronous)
            .field("inline", &self.fields.inline)
            .field("profiles", &self.fields.profiles)
            .field("expiration", &self.fields.expiration)
            .field(
                "http_auth",
                &self.fields.http_auth.as_ref().map(|(user, pw)| (user, pw)),
            )
            .field(
                "callback",
                &self.fields.callback.as_deref().map(redact::url),
            )
            .field("rect", &self.fields.rect)
            .field("lang", &self.fields.lang)
            .field("line_grouping", &self.fields.line_grouping)
            .field("unwrap", &self.fields.unwrap)
            .field("timeout", &self.fields.timeout)
            .field("params", &redact::params(&self.fields.params))
            .field("typed", &redact::params(&self.fields.typed))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_are_comma_joined_in_order() {
        let body = Request::new("pdf/merge")
            .url("https://h/a.pdf")
            .url("https://h/b.pdf")
            .body(&["https://s/c.pdf".to_string()]);
        assert_eq!(
            Value::Object(body),
            json!({ "url": "https://h/a.pdf,https://h/b.pdf,https://s/c.pdf", "async": true })
        );
    }

    #[test]
    fn parameters_keep_their_json_types() {
        let body = Request::new("pdf/edit/add")
            .param("annotations", json!([{ "text": "x", "x": 1 }]))
            .param("searchStrings", json!(["a", "b"]))
            .param("config", json!({ "save": { "garbage": 4 } }))
            .param("angle", 90)
            .param("caseSensitive", true)
            .profiles_json(&json!({ "a": 1 }))
            .body(&[]);
        assert_eq!(body["annotations"], json!([{ "text": "x", "x": 1 }]));
        assert_eq!(body["searchStrings"], json!(["a", "b"]));
        assert_eq!(body["config"], json!({ "save": { "garbage": 4 } }));
        assert_eq!(
            (&body["angle"], &body["caseSensitive"]),
            (&json!(90), &json!(true))
        );
        assert_eq!(
            body["profiles"],
            json!("{\"a\":1}"),
            "profiles stays a string"
        );
    }

    #[test]
    fn async_is_sent_only_where_the_endpoint_takes_it() {
        let direct = Request::new("file/hash").url("https://h/a.pdf");
        assert!(!direct.is_asynchronous());
        assert!(!direct.body(&[]).contains_key("async"));
        let job = Request::new("ai-invoice-parser").asynchronous(false);
        assert!(job.is_asynchronous(), "always a job");
        assert!(!job.body(&[]).contains_key("async"));
        let either = Request::new("pdf/info").asynchronous(false);
        assert_eq!(either.body(&[])["async"], json!(false));
        let unlisted = Request::new("pdf/something/new");
        assert!(unlisted.is_asynchronous());
    }

    #[test]
    fn local_checks() {
        assert!(Request::new("").validate().is_err());
        assert!(
            Request::new("pdf/info")
                .url("ftp://x/a.pdf")
                .validate()
                .is_err()
        );
        assert!(
            Request::new("pdf/info")
                .url("https://h/a.pdf")
                .url("https://h/b.pdf")
                .validate()
                .is_err(),
            "one document"
        );
        assert!(
            Request::new("pdf/merge")
                .url("https://h/a.pdf")
                .url("https://h/b.pdf")
                .validate()
                .is_ok()
        );
        assert!(Request::new("pdf/info").pages("x").validate().is_err());
        assert!(
            Request::new("file/hash")
                .callback("https://hook")
                .validate()
                .is_err(),
            "no job, no callback"
        );
    }

    #[test]
    fn conversions_are_requests_like_any_other() {
        let request = Request::convert(OutputFormat::Csv)
            .pages("0")
            .line_grouping(LineGrouping::Rows);
        let body = Value::Object(request.body(&["https://s/a.pdf".into()]));
        assert_eq!(
            body,
            json!({ "url": "https://s/a.pdf", "async": true, "pages": "0", "lineGrouping": "1" })
        );
        let generic = Request::new("pdf/convert/to/csv")
            .pages("0")
            .param("lineGrouping", "1");
        assert_eq!(
            Value::Object(generic.body(&["https://s/a.pdf".into()])),
            body,
            "the same request by path"
        );
    }

    #[test]
    fn debug_shortens_long_values() {
        let request = Request::new("file/upload/base64").param("file", "QUJD".repeat(25_000));
        let shown = format!("{request:?}");
        assert!(shown.len() < 1_000, "{} bytes of Debug", shown.len());
        assert!(shown.contains("100000 bytes"), "{shown}");
    }

    #[test]
    fn fingerprint_holds_no_secret() {
        let request = Request::convert(OutputFormat::Csv)
            .url("https://me:hunter2@h/a.pdf?X-Amz-Signature=sig")
            .password("pw-one")
            .http_auth("user", "basic-pw")
            .callback("https://hook/x?token=t0k")
            .param("apiKey", "k3y");
        let print = request.fingerprint();
        for hidden in ["hunter2", "sig", "pw-one", "basic-pw", "t0k", "hook", "k3y"] {
            assert!(!print.contains(hidden), "{hidden} in {print}");
        }
        assert_ne!(
            print,
            Request::convert(OutputFormat::Xml).fingerprint(),
            "the endpoint counts"
        );
    }

    #[test]
    fn fingerprint_tracks_the_result_and_holds_no_secret() {
        let base = Request::convert(OutputFormat::Csv).pages("0");
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
            Request::convert(OutputFormat::Xml).pages("0"),
        ] {
            assert_ne!(base.fingerprint(), other.fingerprint(), "{other:?}");
        }
    }

    #[test]
    fn request_body_omits_empty_options() {
        let body = Request::convert(OutputFormat::Xlsx)
            .pages("  ")
            .url("http://u")
            .body(&[]);
        let v = Value::Object(body);
        assert_eq!(v, serde_json::json!({ "url": "http://u", "async": true }));
        let body = Request::convert(OutputFormat::Json)
            .pages("0-1")
            .password("pw")
            .name("n.json")
            .asynchronous(false)
            .url("http://u")
            .body(&[]);
        let v = Value::Object(body);
        assert_eq!(
            v,
            serde_json::json!({ "url": "http://u", "async": false, "pages": "0-1", "password": "pw", "name": "n.json" })
        );
    }
}
