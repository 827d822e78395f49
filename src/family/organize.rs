//! Merge, split, compress and optimize (`pdf/merge`, `pdf/merge2`, `pdf/split`, `pdf/split2`,
//! `/v2/pdf/compress`, `pdf/optimize`) and security (`pdf/security/add`,
//! `pdf/security/remove`).
//!
//! Every endpoint here answers with files: one PDF, or for the splits one PDF per part, which
//! [`Run::save`](crate::Run::save) writes into a folder.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value, json};

use crate::pages::Pages;
use crate::{Error, Request};

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {
    /// `pdf/merge` and `pdf/merge2` ([`Request::merge`](crate::Request::merge),
    /// [`Request::merge_any`](crate::Request::merge_any)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Merge;

    /// `pdf/split` ([`Request::split`](crate::Request::split)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Split;

    /// `pdf/split2` ([`Request::split_by_text`](crate::Request::split_by_text),
    /// [`Request::split_by_barcode`](crate::Request::split_by_barcode)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct SplitBySearch;

    /// `/v2/pdf/compress` ([`Request::compress`](crate::Request::compress)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Compress;

    /// `pdf/optimize` ([`Request::optimize`](crate::Request::optimize)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Optimize;

    /// `pdf/security/add` ([`Request::protect`](crate::Request::protect)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Protect;

    /// `pdf/security/remove` ([`Request::unprotect`](crate::Request::unprotect)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Unprotect;
}

/// The page ranges of `pdf/split`, **counted from 1** as that endpoint counts them: one output
/// file per range. `1-2,3-` makes two files (pages 1 and 2, then page 3 to the end); `!1` is
/// the last page; `*` makes one file per page. A range naming page 0 is refused, so a
/// selection in the 0-based numbering of the other endpoints cannot slip through.
///
/// # Example
///
/// ```
/// use pdfco::PageRanges;
///
/// let ranges: PageRanges = "1-2,3-".parse()?;
/// assert_eq!(ranges.as_str(), "1-2,3-");
/// assert_eq!(PageRanges::every_page().as_str(), "*");
/// assert!(PageRanges::parse("0-1").is_err(), "page 0 does not exist here");
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageRanges {
    text: String,
}

impl PageRanges {
    /// One file per page (`*`).
    pub fn every_page() -> PageRanges {
        PageRanges { text: "*".into() }
    }

    /// Parses 1-based ranges such as `1-2,3-`, `1,3,!1` or `*`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPages`] for an empty selection, a syntax error, a range that runs
    /// backwards, or page 0.
    pub fn parse(text: &str) -> Result<PageRanges, Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::InvalidPages {
                pages: String::new(),
                reason: "a split needs at least one range (`*` for every page)".into(),
            });
        }
        Pages::check_one_based(text)?;
        Ok(PageRanges { text: text.into() })
    }

    /// The ranges as PDF.co receives them in `pages`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for PageRanges {
    type Err = Error;

    fn from_str(text: &str) -> Result<PageRanges, Error> {
        PageRanges::parse(text)
    }
}

impl fmt::Display for PageRanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The encryption of `pdf/security/add` (`encryptionAlgorithm`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncryptionAlgorithm {
    /// `AES_128bit`, PDF.co's default.
    #[default]
    Aes128,
    /// `AES_256bit`.
    Aes256,
    /// `RC4_40bit` (weak; for old readers only).
    Rc4_40,
    /// `RC4_128bit`.
    Rc4_128,
}

impl EncryptionAlgorithm {
    /// The value as PDF.co spells it, such as `AES_128bit`.
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionAlgorithm::Aes128 => "AES_128bit",
            EncryptionAlgorithm::Aes256 => "AES_256bit",
            EncryptionAlgorithm::Rc4_40 => "RC4_40bit",
            EncryptionAlgorithm::Rc4_128 => "RC4_128bit",
        }
    }
}

/// How well a protected document may be printed (`printQuality`), when printing is allowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrintQuality {
    /// `LowResolution`, PDF.co's default: a degraded print only.
    #[default]
    LowResolution,
    /// `HighResolution`: a faithful print.
    HighResolution,
}

impl PrintQuality {
    /// The value as PDF.co spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            PrintQuality::LowResolution => "LowResolution",
            PrintQuality::HighResolution => "HighResolution",
        }
    }
}

/// How `/v2/pdf/compress` treats one class of images (color, grayscale or monochrome): the
/// `images.color`, `images.grayscale` and `images.monochrome` objects of its `config`.
/// Each part is sent only when set, so PDF.co's defaults apply otherwise.
///
/// # Example
///
/// ```
/// use pdfco::ImageCompression;
///
/// let photos = ImageCompression::new().downsample(150, 225).jpeg(60);
/// assert_eq!(
///     photos.to_value()["compression"]["compression_params"]["quality"],
///     60
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageCompression {
    value: Map<String, Value>,
    problem: Option<String>,
}

impl ImageCompression {
    /// Settings that change nothing yet: PDF.co's defaults for this class of images.
    pub fn new() -> ImageCompression {
        ImageCompression::default()
    }

    /// Leaves these images alone (`skip: true`).
    ///
    /// Defaults to `false`.
    pub fn skip(mut self, skip: bool) -> Self {
        self.value.insert("skip".into(), Value::from(skip));
        self
    }

    /// Downsamples images above `threshold_ppi` pixels per inch to `ppi` (`downsample_ppi`,
    /// `threshold_ppi`). Checked before any request: `ppi` above 0, `threshold_ppi` at least
    /// `ppi`.
    ///
    /// Defaults to PDF.co's choice.
    pub fn downsample(mut self, ppi: u32, threshold_ppi: u32) -> Self {
        if ppi == 0 || threshold_ppi < ppi {
            self.note("downsample needs a resolution above 0 and a threshold at least as high");
        }
        self.value.insert(
            "downsample".into(),
            json!({ "skip": false, "downsample_ppi": ppi, "threshold_ppi": threshold_ppi }),
        );
        self
    }

    /// Keeps these images at their resolution (`downsample.skip: true`).
    pub fn keep_resolution(mut self) -> Self {
        self.value
            .insert("downsample".into(), json!({ "skip": true }));
        self
    }

    /// Recompresses these images as JPEG of `quality` from 1 to 100
    /// (`compression_format: "jpeg"`, `compression_params.quality`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn jpeg(mut self, quality: u8) -> Self {
        if !(1..=100).contains(&quality) {
            self.note("jpeg quality must be from 1 to 100");
        }
        self.value.insert(
            "compression".into(),
            json!({
                "skip": false,
                "compression_format": "jpeg",
                "compression_params": { "quality": quality },
            }),
        );
        self
    }

    /// Recompresses these images in another format PDF.co names (`compression_format`),
    /// with its `compression_params`.
    pub fn compression(mut self, format: impl Into<String>, params: Map<String, Value>) -> Self {
        let format = format.into();
        if format.trim().is_empty() {
            self.note("the compression format must not be empty");
        }
        self.value.insert(
            "compression".into(),
            json!({ "skip": false, "compression_format": format, "compression_params": params }),
        );
        self
    }

    /// Keeps these images' compression (`compression.skip: true`).
    pub fn keep_compression(mut self) -> Self {
        self.value
            .insert("compression".into(), json!({ "skip": true }));
        self
    }

    /// The settings as the JSON object PDF.co receives.
    pub fn to_value(&self) -> Value {
        Value::Object(self.value.clone())
    }

    fn note(&mut self, problem: &str) {
        if self.problem.is_none() {
            self.problem = Some(problem.to_string());
        }
    }
}

/// The `config` object of `/v2/pdf/compress`: how each class of images is downsampled and
/// recompressed (`images.color`, `images.grayscale`, `images.monochrome`), and how much
/// unused content the saved file drops (`save.garbage`). Only what is set is sent.
///
/// # Example
///
/// ```
/// use pdfco::{CompressConfig, ImageCompression};
///
/// let config = CompressConfig::new()
///     .color(ImageCompression::new().downsample(150, 225).jpeg(60))
///     .monochrome(ImageCompression::new().skip(true))
///     .garbage(4);
/// let value = config.to_value();
/// assert_eq!(value["images"]["color"]["downsample"]["downsample_ppi"], 150);
/// assert_eq!(value["images"]["monochrome"]["skip"], true);
/// assert_eq!(value["save"]["garbage"], 4);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompressConfig {
    images: Map<String, Value>,
    garbage: Option<u8>,
    problem: Option<String>,
}

impl CompressConfig {
    /// A configuration that changes nothing yet: PDF.co's defaults.
    pub fn new() -> CompressConfig {
        CompressConfig::default()
    }

    /// Color images (`images.color`).
    pub fn color(self, settings: ImageCompression) -> Self {
        self.images_of("color", settings)
    }

    /// Grayscale images (`images.grayscale`).
    pub fn grayscale(self, settings: ImageCompression) -> Self {
        self.images_of("grayscale", settings)
    }

    /// Monochrome (1-bit) images (`images.monochrome`).
    pub fn monochrome(self, settings: ImageCompression) -> Self {
        self.images_of("monochrome", settings)
    }

    /// How thoroughly unused and duplicate objects are dropped when saving, from 0 (not at
    /// all) to 4 (`save.garbage`); checked before any request.
    ///
    /// Defaults to PDF.co's choice.
    pub fn garbage(mut self, level: u8) -> Self {
        if level > 4 && self.problem.is_none() {
            self.problem = Some("save.garbage must be from 0 to 4".into());
        }
        self.garbage = Some(level);
        self
    }

    /// The configuration as the JSON object PDF.co receives.
    pub fn to_value(&self) -> Value {
        let mut config = Map::new();
        if !self.images.is_empty() {
            config.insert("images".into(), Value::Object(self.images.clone()));
        }
        if let Some(level) = self.garbage {
            config.insert("save".into(), json!({ "garbage": level }));
        }
        Value::Object(config)
    }

    fn images_of(mut self, class: &str, settings: ImageCompression) -> Self {
        if let (None, Some(problem)) = (&self.problem, &settings.problem) {
            self.problem = Some(format!("images.{class}: {problem}"));
        }
        self.images.insert(class.into(), settings.to_value());
        self
    }
}

/// Whether `lang` looks like OCR language codes (`eng`, `eng+deu`).
fn is_language(lang: &str) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '_' | '-');
    !lang.is_empty() && lang.chars().all(ok)
}

impl Request {
    /// Merges PDFs into one with `pdf/merge`, in the order of their URLs
    /// ([`url`](Request::url), or the inputs of a run).
    ///
    /// # Example
    ///
    /// ```
    /// let merge = pdfco::Request::merge()
    ///     .url("https://example.com/a.pdf")
    ///     .url("https://example.com/b.pdf");
    /// assert_eq!(merge.path(), "pdf/merge");
    /// assert!(merge.validate().is_ok());
    /// ```
    pub fn merge() -> Request<kind::Merge> {
        Request::of_kind("pdf/merge")
    }

    /// Merges documents of any kind into one PDF with `pdf/merge2`: PDFs, Word and Excel
    /// documents, images, and ZIP archives of them, converted as needed.
    ///
    /// # Example
    ///
    /// ```
    /// let merge = pdfco::Request::merge_any()
    ///     .url("https://example.com/a.pdf")
    ///     .url("https://example.com/sheet.xlsx");
    /// assert_eq!(merge.path(), "pdf/merge2");
    /// ```
    pub fn merge_any() -> Request<kind::Merge> {
        Request::of_kind("pdf/merge2")
    }

    /// Splits a PDF with `pdf/split` into one PDF per range of `ranges`, counted from 1
    /// (sent as `pages`).
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{PageRanges, PageBase, Request};
    ///
    /// let split = Request::split("1-2,3-".parse()?);
    /// assert_eq!(split.path(), "pdf/split");
    /// assert_eq!(split.page_base(), Some(PageBase::One));
    /// assert!(format!("{split:?}").contains("\"1-2,3-\""));
    /// assert!(Request::split(PageRanges::every_page()).validate().is_ok());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn split(ranges: PageRanges) -> Request<kind::Split> {
        Request::of_kind("pdf/split").pages(ranges.text)
    }

    /// Splits a PDF with `pdf/split2` at each page whose text contains `search`
    /// (`searchString`); such a key page starts a new part, or is left out with
    /// [`exclude_key_pages`](Request::exclude_key_pages).
    ///
    /// # Example
    ///
    /// ```
    /// let split = pdfco::Request::split_by_text("Invoice No").case_sensitive(true);
    /// assert_eq!(split.path(), "pdf/split2");
    /// assert!(format!("{split:?}").contains("Invoice No"));
    /// assert!(pdfco::Request::split_by_text("").validate().is_err());
    /// ```
    pub fn split_by_text(search: impl Into<String>) -> Request<kind::SplitBySearch> {
        let search = search.into();
        let request = Request::of_kind("pdf/split2");
        let request = if search.trim().is_empty() {
            request.reject("searchString", "the search text must not be empty")
        } else {
            request
        };
        request.set("searchString", search)
    }

    /// Splits a PDF with `pdf/split2` at each page holding a barcode of one of `types` (such
    /// as `qrcode`, `datamatrix`, `code128`) whose value matches `value`, sent in PDF.co's
    /// barcode syntax `[[barcode:qrcode,datamatrix value]]` as `searchString`. With
    /// [`regex_search`](Request::regex_search), `value` is a regular expression.
    ///
    /// # Example
    ///
    /// ```
    /// let split = pdfco::Request::split_by_barcode(["qrcode", "datamatrix"], "INV-");
    /// assert!(format!("{split:?}").contains("[[barcode:qrcode,datamatrix INV-]]"));
    /// assert!(split.validate().is_ok());
    /// ```
    pub fn split_by_barcode<T: AsRef<str>>(
        types: impl IntoIterator<Item = T>,
        value: &str,
    ) -> Request<kind::SplitBySearch> {
        let types: Vec<String> = types
            .into_iter()
            .map(|t| t.as_ref().trim().to_string())
            .collect();
        let request = Request::of_kind("pdf/split2");
        let bad_type =
            |t: &String| t.is_empty() || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let request = if types.is_empty() || types.iter().any(bad_type) {
            request.reject(
                "searchString",
                "barcode types must be names such as `qrcode`, at least one",
            )
        } else if value.contains("]]") {
            request.reject("searchString", "the barcode value must not contain `]]`")
        } else {
            request
        };
        let search = format!("[[barcode:{} {}]]", types.join(","), value);
        request.set("searchString", search)
    }

    /// Compresses a PDF with `/v2/pdf/compress`, with PDF.co's default configuration unless
    /// [`config`](Request::config) sets one.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{CompressConfig, ImageCompression, Request};
    ///
    /// let compress = Request::compress()
    ///     .config(CompressConfig::new().color(ImageCompression::new().jpeg(50)));
    /// assert_eq!(compress.path(), "/v2/pdf/compress");
    /// let shown = format!("{compress:?}");
    /// assert!(shown.contains("compression_format") && shown.contains("jpeg"));
    /// ```
    pub fn compress() -> Request<kind::Compress> {
        Request::of_kind("/v2/pdf/compress")
    }

    /// Optimizes a PDF for size with `pdf/optimize`; PDF.co's optimization settings go in
    /// [`profiles`](Request::profiles) (`ImageOptimizationFormat`, `JPEGQuality`,
    /// `ResampleImages`, `ResamplingResolution`, `GrayscaleImages`).
    ///
    /// # Example
    ///
    /// ```
    /// let optimize = pdfco::Request::optimize().profiles("{ 'JPEGQuality': 25 }");
    /// assert_eq!(optimize.path(), "pdf/optimize");
    /// ```
    pub fn optimize() -> Request<kind::Optimize> {
        Request::of_kind("pdf/optimize")
    }

    /// Encrypts a PDF with `pdf/security/add`, with `owner_password` (`ownerPassword`) for
    /// changing its security and restrictions. Readers need a password to open it only when
    /// [`user_password`](Request::user_password) is set too. Passwords never appear in
    /// `Debug` output or errors.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{EncryptionAlgorithm, Request};
    ///
    /// let protect = Request::protect("owner-s3cret")
    ///     .user_password("reader-s3cret")
    ///     .encryption(EncryptionAlgorithm::Aes256)
    ///     .allow_print_document(false);
    /// assert_eq!(protect.path(), "pdf/security/add");
    /// let shown = format!("{protect:?}");
    /// assert!(shown.contains("AES_256bit") && !shown.contains("s3cret"));
    /// assert!(Request::protect("").validate().is_err());
    /// ```
    pub fn protect(owner_password: impl Into<String>) -> Request<kind::Protect> {
        let password = owner_password.into();
        let request = Request::of_kind("pdf/security/add");
        let request = if password.is_empty() {
            request.reject("ownerPassword", "must not be empty")
        } else {
            request
        };
        request.set("ownerPassword", password)
    }

    /// Removes the encryption of a PDF with `pdf/security/remove`. The document's owner or
    /// user password goes in [`password`](Request::password); a document protected by an
    /// owner password alone needs none.
    ///
    /// # Example
    ///
    /// ```
    /// let unprotect = pdfco::Request::unprotect().password("s3cret");
    /// assert_eq!(unprotect.path(), "pdf/security/remove");
    /// assert!(!format!("{unprotect:?}").contains("s3cret"));
    /// ```
    pub fn unprotect() -> Request<kind::Unprotect> {
        Request::of_kind("pdf/security/remove")
    }
}

impl Request<kind::SplitBySearch> {
    /// Reads the search text as a regular expression (`regexSearch`).
    ///
    /// Defaults to `false`.
    pub fn regex_search(self, regex: bool) -> Self {
        self.set("regexSearch", regex)
    }

    /// Leaves the pages where the text was found out of the parts (`excludeKeyPages`).
    ///
    /// Defaults to PDF.co's `true`.
    pub fn exclude_key_pages(self, exclude: bool) -> Self {
        self.set("excludeKeyPages", exclude)
    }

    /// Matches the search text's case (`caseSensitive`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn case_sensitive(self, case_sensitive: bool) -> Self {
        self.set("caseSensitive", case_sensitive)
    }

    /// The OCR language for scanned pages, such as `eng` or `eng+deu` (`lang`); checked
    /// before any request.
    ///
    /// Defaults to PDF.co's `eng`.
    pub fn lang(self, lang: impl Into<String>) -> Self {
        let lang = lang.into();
        let request = if is_language(&lang) {
            self
        } else {
            self.reject("lang", "expected language codes such as `eng` or `eng+deu`")
        };
        request.set("lang", lang)
    }
}

impl Request<kind::Compress> {
    /// How images are recompressed and the file saved (`config`, sent as a JSON object);
    /// checked before any request.
    ///
    /// Defaults to PDF.co's default configuration.
    pub fn config(self, config: CompressConfig) -> Self {
        let request = match &config.problem {
            Some(problem) => self.reject("config", problem.clone()),
            None => self,
        };
        request.set("config", config.to_value())
    }

    /// The `config` object as JSON, for settings [`CompressConfig`] does not model. It must
    /// be a JSON object: anything else is refused before any request.
    ///
    /// Defaults to PDF.co's default configuration.
    pub fn config_json(self, config: Value) -> Self {
        let request = if config.is_object() {
            self
        } else {
            self.reject("config", "must be a JSON object")
        };
        request.set("config", config)
    }
}

impl Request<kind::Protect> {
    /// The password readers need to open the document (`userPassword`). Never printed.
    ///
    /// Defaults to none: the document opens without a password, with its restrictions.
    pub fn user_password(self, password: impl Into<String>) -> Self {
        self.set("userPassword", password.into())
    }

    /// The encryption (`encryptionAlgorithm`).
    ///
    /// Defaults to PDF.co's [`EncryptionAlgorithm::Aes128`].
    pub fn encryption(self, algorithm: EncryptionAlgorithm) -> Self {
        self.set("encryptionAlgorithm", algorithm.as_str())
    }

    /// Allows content extraction for accessibility tools (`allowAccessibilitySupport`).
    ///
    /// Defaults to PDF.co's choice (allowed).
    pub fn allow_accessibility_support(self, allow: bool) -> Self {
        self.set("allowAccessibilitySupport", allow)
    }

    /// Allows assembling the document: inserting, rotating and deleting pages
    /// (`allowAssemblyDocument`).
    ///
    /// Defaults to PDF.co's choice (allowed).
    pub fn allow_assembly_document(self, allow: bool) -> Self {
        self.set("allowAssemblyDocument", allow)
    }

    /// Allows printing (`allowPrintDocument`), at the [`print_quality`](Self::print_quality).
    ///
    /// Defaults to PDF.co's choice (allowed).
    pub fn allow_print_document(self, allow: bool) -> Self {
        self.set("allowPrintDocument", allow)
    }

    /// Allows filling form fields (`allowFillForms`).
    ///
    /// Defaults to PDF.co's choice (allowed).
    pub fn allow_fill_forms(self, allow: bool) -> Self {
        self.set("allowFillForms", allow)
    }

    /// Allows modifying the document (`allowModifyDocument`).
    ///
    /// Defaults to PDF.co's choice (allowed).
    pub fn allow_modify_document(self, allow: bool) -> Self {
        self.set("allowModifyDocument", allow)
    }

    /// Allows copying text and graphics (`allowContentExtraction`).
    ///
    /// Defaults to PDF.co's choice (allowed).
    pub fn allow_content_extraction(self, allow: bool) -> Self {
        self.set("allowContentExtraction", allow)
    }

    /// Allows adding and changing annotations (`allowModifyAnnotations`).
    ///
    /// Defaults to PDF.co's choice (allowed).
    pub fn allow_modify_annotations(self, allow: bool) -> Self {
        self.set("allowModifyAnnotations", allow)
    }

    /// How well the document may be printed (`printQuality`).
    ///
    /// Defaults to PDF.co's [`PrintQuality::LowResolution`].
    pub fn print_quality(self, quality: PrintQuality) -> Self {
        self.set("printQuality", quality.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_ranges_are_one_based() {
        for good in ["1", "1-2,3-", "*", "!1", "2-!1", " 1 , 3 "] {
            assert!(PageRanges::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "0", "0-2", "1-0", "3-1", "x", "1,,2", "!0"] {
            assert!(PageRanges::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn typed_values_are_spelled_as_pdfco_spells_them() {
        let body = Request::protect("o")
            .user_password("u")
            .encryption(EncryptionAlgorithm::Rc4_40)
            .print_quality(PrintQuality::HighResolution)
            .allow_fill_forms(false)
            .body(&[]);
        assert_eq!(body["ownerPassword"], "o");
        assert_eq!(body["userPassword"], "u");
        assert_eq!(body["encryptionAlgorithm"], "RC4_40bit");
        assert_eq!(body["printQuality"], "HighResolution");
        assert_eq!(body["allowFillForms"], false);
        let body = Request::split_by_text("Total")
            .regex_search(true)
            .exclude_key_pages(false)
            .lang("eng+deu")
            .body(&[]);
        assert_eq!(body["searchString"], "Total");
        assert_eq!(
            (
                &body["regexSearch"],
                &body["excludeKeyPages"],
                &body["lang"]
            ),
            (&json!(true), &json!(false), &json!("eng+deu"))
        );
        let body = Request::compress()
            .config(CompressConfig::new().garbage(3))
            .body(&[]);
        assert_eq!(body["config"], json!({ "save": { "garbage": 3 } }));
    }

    #[test]
    fn bad_values_are_refused_locally() {
        let refused = |request: Result<(), Error>, name: &str| match request {
            Err(Error::InvalidOption { option, .. }) => assert_eq!(option, name),
            other => panic!("{name}: {other:?}"),
        };
        refused(Request::protect("").validate(), "ownerPassword");
        refused(Request::split_by_text(" ").validate(), "searchString");
        refused(
            Request::split_by_barcode(Vec::<&str>::new(), "x").validate(),
            "searchString",
        );
        refused(Request::split_by_text("a").lang("e n").validate(), "lang");
        refused(
            Request::compress()
                .config(CompressConfig::new().garbage(5))
                .validate(),
            "config",
        );
        refused(
            Request::compress()
                .config(CompressConfig::new().color(ImageCompression::new().jpeg(0)))
                .validate(),
            "config",
        );
        refused(
            Request::compress()
                .config(
                    CompressConfig::new().grayscale(ImageCompression::new().downsample(300, 100)),
                )
                .validate(),
            "config",
        );
        refused(
            Request::compress().config_json(json!("{}")).validate(),
            "config",
        );
        assert!(matches!(
            Request::split(PageRanges::every_page())
                .pages("0")
                .validate(),
            Err(Error::InvalidPages { .. })
        ));
    }
}
