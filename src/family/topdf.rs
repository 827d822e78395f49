//! Other formats to PDF (`pdf/convert/from/*`, `xls/convert/to/pdf`), spreadsheet conversions
//! (`xls/convert/to/*`) and HTML templates (`templates/html`).
//!
//! Constructors: [`Request::from_document`], [`Request::from_csv`], [`Request::from_images`],
//! [`Request::from_url`], [`Request::from_html`], [`Request::from_template`],
//! [`Request::from_email`], [`Request::spreadsheet`], [`Request::html_templates`] and
//! [`Request::html_template`]. Results of the template listings: [`HtmlTemplates`] and
//! [`HtmlTemplate`].

use std::fmt;

use serde_json::Value;

use crate::redact;
use crate::{Error, Request, Step};

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {
    /// `pdf/convert/from/doc` ([`Request::from_document`](crate::Request::from_document)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FromDocument;

    /// `pdf/convert/from/csv` ([`Request::from_csv`](crate::Request::from_csv)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FromCsv;

    /// `pdf/convert/from/image` ([`Request::from_images`](crate::Request::from_images)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FromImages;

    /// `pdf/convert/from/url` ([`Request::from_url`](crate::Request::from_url)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FromUrl;

    /// `pdf/convert/from/html` ([`Request::from_html`](crate::Request::from_html) and
    /// [`Request::from_template`](crate::Request::from_template)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FromHtml;

    /// `pdf/convert/from/email` ([`Request::from_email`](crate::Request::from_email)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FromEmail;

    /// `xls/convert/to/*` ([`Request::spreadsheet`](crate::Request::spreadsheet)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Spreadsheet;

    /// `GET templates/html` ([`Request::html_templates`](crate::Request::html_templates)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct HtmlTemplateList;

    /// `GET templates/html/{id}` ([`Request::html_template`](crate::Request::html_template)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct HtmlTemplateGet;
}

/// What a spreadsheet (XLS, XLSX or CSV) is converted to by `xls/convert/to/{format}`
/// ([`Request::spreadsheet`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpreadsheetFormat {
    /// `pdf`: a PDF of the worksheet.
    Pdf,
    /// `csv`: comma-separated values.
    Csv,
    /// `json`: an array of row objects (`Column0`, `Column1`, ...).
    Json,
    /// `html`: an HTML table.
    Html,
    /// `txt`: plain text.
    Txt,
    /// `xml`: XML rows.
    Xml,
}

impl SpreadsheetFormat {
    /// The last segment of the endpoint's path (`pdf`, `csv`, ...).
    pub fn endpoint(self) -> &'static str {
        match self {
            SpreadsheetFormat::Pdf => "pdf",
            SpreadsheetFormat::Csv => "csv",
            SpreadsheetFormat::Json => "json",
            SpreadsheetFormat::Html => "html",
            SpreadsheetFormat::Txt => "txt",
            SpreadsheetFormat::Xml => "xml",
        }
    }
}

impl fmt::Display for SpreadsheetFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.endpoint())
    }
}

/// The paper size of a PDF made from a web page, HTML or an email (`paperSize`).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum PaperSize {
    /// `Letter`, 8.5 × 11 in (PDF.co's default).
    Letter,
    /// `Legal`, 8.5 × 14 in.
    Legal,
    /// `Tabloid`, 11 × 17 in.
    Tabloid,
    /// `Ledger`, 17 × 11 in.
    Ledger,
    /// `A0`.
    A0,
    /// `A1`.
    A1,
    /// `A2`.
    A2,
    /// `A3`.
    A3,
    /// `A4`.
    A4,
    /// `A5`.
    A5,
    /// `A6`.
    A6,
    /// A custom width and height in millimetres, sent as `"{w}mm {h}mm"`.
    Millimetres(f64, f64),
    /// A custom width and height in inches, sent as `"{w}in {h}in"`.
    Inches(f64, f64),
    /// A custom width and height in CSS pixels (1/96 in), sent as `"{w}px {h}px"`.
    Pixels(f64, f64),
}

impl PaperSize {
    /// The value PDF.co takes, or `None` for a custom size that is not finite and positive.
    fn code(self) -> Option<String> {
        let named = match self {
            PaperSize::Letter => "Letter",
            PaperSize::Legal => "Legal",
            PaperSize::Tabloid => "Tabloid",
            PaperSize::Ledger => "Ledger",
            PaperSize::A0 => "A0",
            PaperSize::A1 => "A1",
            PaperSize::A2 => "A2",
            PaperSize::A3 => "A3",
            PaperSize::A4 => "A4",
            PaperSize::A5 => "A5",
            PaperSize::A6 => "A6",
            PaperSize::Millimetres(w, h) => return custom(w, h, "mm"),
            PaperSize::Inches(w, h) => return custom(w, h, "in"),
            PaperSize::Pixels(w, h) => return custom(w, h, "px"),
        };
        Some(named.to_string())
    }
}

fn custom(width: f64, height: f64, unit: &str) -> Option<String> {
    let ok = |v: f64| v.is_finite() && v > 0.0;
    (ok(width) && ok(height)).then(|| format!("{width}{unit} {height}{unit}"))
}

/// The page orientation of a PDF made from a web page, HTML or an email (`orientation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Orientation {
    /// `Portrait` (PDF.co's default).
    Portrait,
    /// `Landscape`: the paper size's width and height swapped.
    Landscape,
}

impl Orientation {
    fn code(self) -> &'static str {
        match self {
            Orientation::Portrait => "Portrait",
            Orientation::Landscape => "Landscape",
        }
    }
}

/// Which CSS media a web page or HTML is rendered for (`mediaType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MediaType {
    /// `print`: the page's print styles (PDF.co's default).
    Print,
    /// `screen`: the page as a browser shows it.
    Screen,
    /// `none`: no media emulation.
    None,
}

impl MediaType {
    fn code(self) -> &'static str {
        match self {
            MediaType::Print => "print",
            MediaType::Screen => "screen",
            MediaType::None => "none",
        }
    }
}

impl Request {
    /// A document (DOC, DOCX, RTF, TXT, XPS) to PDF with `pdf/convert/from/doc`. The document
    /// is the run's input or a [`url`](Request::url).
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::from_document().url("https://example.com/letter.docx");
    /// assert_eq!(request.path(), "pdf/convert/from/doc");
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn from_document() -> Request<kind::FromDocument> {
        Request::of_kind("pdf/convert/from/doc")
    }

    /// A spreadsheet (CSV, XLS, XLSX) to PDF with `pdf/convert/from/csv`.
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::from_csv().autosize(true);
    /// assert_eq!(request.path(), "pdf/convert/from/csv");
    /// assert!(format!("{request:?}").contains("autosize"));
    /// ```
    pub fn from_csv() -> Request<kind::FromCsv> {
        Request::of_kind("pdf/convert/from/csv")
    }

    /// Images to one PDF, a page each, in order, with `pdf/convert/from/image`: the run's
    /// inputs, or several [`url`](Request::url)s (sent comma-joined).
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::from_images()
    ///     .url("https://example.com/a.png")
    ///     .url("https://example.com/b.jpg");
    /// assert_eq!(request.path(), "pdf/convert/from/image");
    /// assert!(request.validate().is_ok(), "several images are one request");
    /// ```
    pub fn from_images() -> Request<kind::FromImages> {
        Request::of_kind("pdf/convert/from/image")
    }

    /// The web page at `url` to PDF with `pdf/convert/from/url`.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{Orientation, PaperSize, Request};
    ///
    /// let request = Request::from_url("https://example.com/")
    ///     .paper_size(PaperSize::A4)
    ///     .orientation(Orientation::Landscape);
    /// assert_eq!(request.path(), "pdf/convert/from/url");
    /// assert!(request.validate().is_ok());
    /// assert!(Request::from_url("example.com").validate().is_err(), "http(s) only");
    /// ```
    pub fn from_url(url: impl Into<String>) -> Request<kind::FromUrl> {
        Request::of_kind("pdf/convert/from/url").url(url)
    }

    /// `html` to PDF with `pdf/convert/from/html`. Checked before any request: not empty.
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::from_html("<h1>Invoice</h1>").print_background(true);
    /// assert_eq!(request.path(), "pdf/convert/from/html");
    /// assert!(format!("{request:?}").contains("<h1>Invoice</h1>"));
    /// assert!(pdfco::Request::from_html(" ").validate().is_err());
    /// ```
    pub fn from_html(html: impl Into<String>) -> Request<kind::FromHtml> {
        let html = html.into();
        let request = Request::of_kind("pdf/convert/from/html");
        let request = match html.trim().is_empty() {
            true => request.reject("html", "the HTML must not be empty"),
            false => request,
        };
        request.set("html", html)
    }

    /// The HTML template `id` (see [`html_templates`](Request::html_templates)) filled with
    /// `data`, to PDF with `pdf/convert/from/html`: `templateId`, and `templateData` as the
    /// JSON *string* PDF.co expects. The template's `{{name}}` macros take `data`'s values.
    ///
    /// # Example
    ///
    /// ```
    /// use serde_json::json;
    ///
    /// let request = pdfco::Request::from_template(1, &json!({ "name": "Ada" }));
    /// assert_eq!(request.path(), "pdf/convert/from/html");
    /// let shown = format!("{request:?}");
    /// assert!(shown.contains("templateId") && shown.contains("templateData"));
    /// assert!(shown.contains("Ada"));
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn from_template(id: u64, data: &Value) -> Request<kind::FromHtml> {
        Request::of_kind("pdf/convert/from/html")
            .set("templateId", id)
            .set("templateData", data.to_string())
    }

    /// An email (`.eml`, `.msg`) to PDF with `pdf/convert/from/email`.
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::from_email().embed_attachments(false);
    /// assert_eq!(request.path(), "pdf/convert/from/email");
    /// assert!(format!("{request:?}").contains("embedAttachments"));
    /// ```
    pub fn from_email() -> Request<kind::FromEmail> {
        Request::of_kind("pdf/convert/from/email")
    }

    /// A spreadsheet (XLS, XLSX, CSV) to `format` with `xls/convert/to/{format}`
    /// (`xls/convert/to/pdf` for [`SpreadsheetFormat::Pdf`]).
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{Request, SpreadsheetFormat};
    ///
    /// let request = Request::spreadsheet(SpreadsheetFormat::Json).worksheet(2);
    /// assert_eq!(request.path(), "xls/convert/to/json");
    /// assert!(request.validate().is_ok());
    /// assert!(Request::spreadsheet(SpreadsheetFormat::Csv).worksheet(0).validate().is_err());
    /// ```
    pub fn spreadsheet(format: SpreadsheetFormat) -> Request<kind::Spreadsheet> {
        Request::of_kind(&format!("xls/convert/to/{}", format.endpoint()))
    }

    /// The account's HTML templates, `GET templates/html`; read the result with
    /// [`HtmlTemplates::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::html_templates();
    /// assert_eq!(request.path(), "templates/html");
    /// assert!(!request.is_asynchronous());
    /// ```
    pub fn html_templates() -> Request<kind::HtmlTemplateList> {
        Request::of_kind("templates/html")
    }

    /// One HTML template, `GET templates/html/{id}`; read the result with
    /// [`HtmlTemplate::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::html_template(42);
    /// assert_eq!(request.path(), "templates/html/42");
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn html_template(id: u64) -> Request<kind::HtmlTemplateGet> {
        Request::of_kind(&format!("templates/html/{id}"))
    }
}

/// The page-layout setters of the kinds that render HTML: web pages, HTML and emails.
macro_rules! layout_setters {
    ($($kind:ty),*) => {$(
        impl Request<$kind> {
            /// The page margins as CSS writes them (`margins`), such as `10mm` or
            /// `5px 5px 5px 5px` (top, right, bottom, left). Checked before any request: not
            /// empty.
            ///
            /// Defaults to PDF.co's margins.
            pub fn margins(self, css: impl Into<String>) -> Self {
                let css = css.into();
                let request = match css.trim().is_empty() {
                    true => self.reject("margins", "the margins must not be empty"),
                    false => self,
                };
                request.set("margins", css)
            }

            /// The paper size (`paperSize`). Checked before any request: a custom size must
            /// be finite and above zero.
            ///
            /// Defaults to PDF.co's `Letter`.
            pub fn paper_size(self, size: PaperSize) -> Self {
                match size.code() {
                    Some(code) => self.set("paperSize", code),
                    None => self.reject("paperSize", "a custom size must be finite and above zero"),
                }
            }

            /// The page orientation (`orientation`).
            ///
            /// Defaults to PDF.co's `Portrait`.
            pub fn orientation(self, orientation: Orientation) -> Self {
                self.set("orientation", orientation.code())
            }

            /// HTML shown at the top of every page (`header`).
            ///
            /// Defaults to none.
            pub fn header(self, html: impl Into<String>) -> Self {
                self.set("header", html.into())
            }

            /// HTML shown at the bottom of every page (`footer`).
            ///
            /// Defaults to none.
            pub fn footer(self, html: impl Into<String>) -> Self {
                self.set("footer", html.into())
            }
        }
    )*};
}

layout_setters!(kind::FromUrl, kind::FromHtml, kind::FromEmail);

/// The rendering setters of the kinds a browser renders: web pages and HTML.
macro_rules! render_setters {
    ($($kind:ty),*) => {$(
        impl Request<$kind> {
            /// Whether background colours and images are printed (`printBackground`).
            ///
            /// Defaults to PDF.co's `true`.
            pub fn print_background(self, print: bool) -> Self {
                self.set("printBackground", print)
            }

            /// The CSS media the page is rendered for (`mediaType`).
            ///
            /// Defaults to PDF.co's `print`.
            pub fn media_type(self, media: MediaType) -> Self {
                self.set("mediaType", media.code())
            }

            /// Renders without waiting for the page to load fully (`DoNotWaitFullLoad`):
            /// faster, for pages that keep loading.
            ///
            /// Defaults to `false`.
            pub fn do_not_wait_full_load(self, skip: bool) -> Self {
                self.set("DoNotWaitFullLoad", skip)
            }

            /// JavaScript run in the page before it is rendered (`customScript`).
            ///
            /// Defaults to none.
            pub fn custom_script(self, script: impl Into<String>) -> Self {
                self.set("customScript", script.into())
            }

            /// Renders with PDF.co's older engine (`legacyRendition`).
            ///
            /// Defaults to `false`.
            pub fn legacy_rendition(self, legacy: bool) -> Self {
                self.set("legacyRendition", legacy)
            }
        }
    )*};
}

render_setters!(kind::FromUrl, kind::FromHtml);

impl Request<kind::FromUrl> {
    /// Data for the `{{name}}` macros of the page (`templateData`), sent as the JSON
    /// *string* PDF.co expects.
    ///
    /// Defaults to none.
    pub fn template_data(self, data: &Value) -> Self {
        self.set("templateData", data.to_string())
    }
}

impl Request<kind::FromCsv> {
    /// Fits the columns' widths to their content (`autosize`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn autosize(self, autosize: bool) -> Self {
        self.set("autosize", autosize)
    }
}

impl Request<kind::FromEmail> {
    /// Embeds the email's attachments in the PDF as PDF attachments (`embedAttachments`).
    ///
    /// Defaults to PDF.co's `true`.
    pub fn embed_attachments(self, embed: bool) -> Self {
        self.set("embedAttachments", embed)
    }

    /// Converts the email's attachments to PDF and appends them (`convertAttachments`).
    ///
    /// Defaults to PDF.co's `true`.
    pub fn convert_attachments(self, convert: bool) -> Self {
        self.set("convertAttachments", convert)
    }
}

impl Request<kind::Spreadsheet> {
    /// Which worksheet to convert (`worksheetIndex`), counting from **1** as PDF.co's current
    /// OpenAPI says ("the first worksheet has index 1"; one of PDF.co's integration pages
    /// counts from 0, so the emulator reads `0` as the first worksheet too). Checked before any
    /// request: `0` is refused.
    ///
    /// Defaults to the first worksheet.
    pub fn worksheet(self, number: u32) -> Self {
        let request = match number {
            0 => self.reject("worksheetIndex", "the first worksheet is 1"),
            _ => self,
        };
        request.set("worksheetIndex", number)
    }

    /// Fits the columns' widths to their content (`autosize`). Only for
    /// [`SpreadsheetFormat::Pdf`]: refused before any request for another format.
    ///
    /// Defaults to PDF.co's choice.
    pub fn autosize(self, autosize: bool) -> Self {
        let request = self.only_for("autosize", SpreadsheetFormat::Pdf);
        request.set("autosize", autosize)
    }

    /// The character that quotes a CSV value (`quotationSymbol`). Only for
    /// [`SpreadsheetFormat::Csv`]: refused before any request for another format.
    ///
    /// Defaults to PDF.co's `"`.
    pub fn quotation_symbol(self, symbol: char) -> Self {
        let request = self.only_for("quotationSymbol", SpreadsheetFormat::Csv);
        request.set("quotationSymbol", symbol.to_string())
    }

    /// The character between CSV values (`separatorSymbol`). Only for
    /// [`SpreadsheetFormat::Csv`]: refused before any request for another format.
    ///
    /// Defaults to PDF.co's `,`.
    pub fn separator_symbol(self, symbol: char) -> Self {
        let request = self.only_for("separatorSymbol", SpreadsheetFormat::Csv);
        request.set("separatorSymbol", symbol.to_string())
    }

    fn only_for(self, option: &'static str, format: SpreadsheetFormat) -> Self {
        let wanted = format!("xls/convert/to/{}", format.endpoint());
        if self.path() == wanted {
            self
        } else {
            self.reject(option, format!("only for {wanted}"))
        }
    }
}

/// One HTML template of the account, from `templates/html` or `templates/html/{id}`.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "id": 1, "title": "Invoice", "test_json": "{\"name\":\"Ada\"}" });
/// let template = pdfco::HtmlTemplate::from_value(&answer)?;
/// assert_eq!(template.id(), Some(1));
/// assert_eq!(template.sample_data(), Some(json!({ "name": "Ada" })));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct HtmlTemplate {
    raw: Value,
}

impl HtmlTemplate {
    /// Reads a template: the template object itself, or an answer that holds it in `body`,
    /// `template` or a one-entry `templates` list.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when there is no template object.
    pub fn from_value(value: &Value) -> Result<HtmlTemplate, Error> {
        let found = [
            value.get("body"),
            value.get("template"),
            value.get("templates").and_then(|t| t.get(0)),
            value.get(0),
        ]
        .into_iter()
        .flatten()
        .find(|v| v.is_object())
        .or(Some(value).filter(|v| v.is_object()));
        match found {
            Some(raw) => Ok(HtmlTemplate { raw: raw.clone() }),
            None => Err(Error::decode(
                Step::Download,
                "no HTML template object in the JSON",
                redact::excerpt(value.to_string().as_bytes(), None),
            )),
        }
    }

    /// The template's id (a number, or a string of digits), for
    /// [`Request::from_template`].
    pub fn id(&self) -> Option<u64> {
        match self.raw.get("id")? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The title (`title`).
    pub fn title(&self) -> Option<&str> {
        self.raw.get("title").and_then(Value::as_str)
    }

    /// The template's type (`type`), such as `html`.
    pub fn template_type(&self) -> Option<&str> {
        self.raw.get("type").and_then(Value::as_str)
    }

    /// The description (`description`).
    pub fn description(&self) -> Option<&str> {
        self.raw.get("description").and_then(Value::as_str)
    }

    /// The sample macro data (`test_json`), parsed when PDF.co sends it as a JSON string.
    pub fn sample_data(&self) -> Option<Value> {
        match self.raw.get("test_json")? {
            Value::String(text) => serde_json::from_str(text).ok(),
            Value::Null => None,
            other => Some(other.clone()),
        }
    }

    /// The template's HTML, where the answer carries it (`html`, `body` or `template`).
    pub fn html(&self) -> Option<&str> {
        ["html", "body", "template"]
            .into_iter()
            .find_map(|field| self.raw.get(field).and_then(Value::as_str))
    }

    /// When it was last changed (`updated_at`), as PDF.co writes it.
    pub fn updated_at(&self) -> Option<&str> {
        self.raw.get("updated_at").and_then(Value::as_str)
    }

    /// The template as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// The account's HTML templates, from `templates/html`.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "templates": [{ "id": 1, "title": "Invoice" }], "error": false });
/// let templates = pdfco::HtmlTemplates::from_value(&answer)?;
/// assert_eq!(templates.templates()[0].title(), Some("Invoice"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct HtmlTemplates {
    templates: Vec<HtmlTemplate>,
    raw: Value,
}

impl HtmlTemplates {
    /// Reads the listing: an answer with `templates` (or `body`) holding the list, or the list
    /// itself (what [`Run::json`](crate::Run::json) returns for `templates/html`).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when there is no list of template objects.
    pub fn from_value(value: &Value) -> Result<HtmlTemplates, Error> {
        let list = [
            Some(value),
            value.get("templates"),
            value.get("body"),
            value.get("body").and_then(|b| b.get("templates")),
        ]
        .into_iter()
        .flatten()
        .find_map(Value::as_array);
        let bad = || {
            Error::decode(
                Step::Download,
                "no list of HTML templates in the JSON",
                redact::excerpt(value.to_string().as_bytes(), None),
            )
        };
        let list = list.ok_or_else(bad)?;
        if !list.iter().all(Value::is_object) {
            return Err(bad());
        }
        let templates = list
            .iter()
            .map(|t| HtmlTemplate { raw: t.clone() })
            .collect();
        Ok(HtmlTemplates {
            templates,
            raw: value.clone(),
        })
    }

    /// The templates, in PDF.co's order.
    pub fn templates(&self) -> &[HtmlTemplate] {
        &self.templates
    }

    /// The listing as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_use_the_contract_spelling() {
        let body = Request::from_url("https://h/p")
            .paper_size(PaperSize::Millimetres(200.0, 300.5))
            .orientation(Orientation::Landscape)
            .margins("5px")
            .media_type(MediaType::Screen)
            .do_not_wait_full_load(true)
            .print_background(false)
            .header("<b>h</b>")
            .footer("f")
            .custom_script("1")
            .legacy_rendition(true)
            .template_data(&json!({ "a": 1 }))
            .body(&[]);
        assert_eq!(
            Value::Object(body),
            json!({
                "url": "https://h/p", "async": true, "paperSize": "200mm 300.5mm",
                "orientation": "Landscape", "margins": "5px", "mediaType": "screen",
                "DoNotWaitFullLoad": true, "printBackground": false, "header": "<b>h</b>",
                "footer": "f", "customScript": "1", "legacyRendition": true,
                "templateData": "{\"a\":1}"
            })
        );
        let body = Request::from_template(7, &json!({ "x": [1] })).body(&[]);
        assert_eq!(body["templateId"], json!(7));
        assert_eq!(body["templateData"], json!("{\"x\":[1]}"), "a JSON string");
        let body = Request::spreadsheet(SpreadsheetFormat::Csv)
            .worksheet(2)
            .separator_symbol(';')
            .quotation_symbol('\'')
            .body(&[]);
        assert_eq!(body["worksheetIndex"], json!(2));
        assert_eq!(body["separatorSymbol"], json!(";"));
        assert_eq!(body["quotationSymbol"], json!("'"));
    }

    #[test]
    fn bad_values_are_refused_locally() {
        let refused = |r: Result<(), Error>, name: &str| match r {
            Err(Error::InvalidOption { option, .. }) => assert_eq!(option, name),
            other => panic!("{name}: {other:?}"),
        };
        refused(Request::from_html("").validate(), "html");
        refused(
            Request::from_html("x")
                .paper_size(PaperSize::Inches(f64::NAN, 1.0))
                .validate(),
            "paperSize",
        );
        refused(Request::from_email().margins(" ").validate(), "margins");
        refused(
            Request::spreadsheet(SpreadsheetFormat::Json)
                .worksheet(0)
                .validate(),
            "worksheetIndex",
        );
        refused(
            Request::spreadsheet(SpreadsheetFormat::Json)
                .autosize(true)
                .validate(),
            "autosize",
        );
        refused(
            Request::spreadsheet(SpreadsheetFormat::Pdf)
                .separator_symbol(';')
                .validate(),
            "separatorSymbol",
        );
        assert!(
            Request::spreadsheet(SpreadsheetFormat::Pdf)
                .autosize(true)
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn templates_are_read_from_every_shape() {
        let one = json!({ "id": "3", "title": "T", "type": "html", "test_json": { "a": 1 } });
        for shape in [
            one.clone(),
            json!({ "body": one }),
            json!({ "templates": [one] }),
            json!([one]),
        ] {
            let template = HtmlTemplate::from_value(&shape).unwrap();
            assert_eq!(template.id(), Some(3), "{shape}");
            assert_eq!(template.sample_data(), Some(json!({ "a": 1 })));
            assert_eq!(template.template_type(), Some("html"));
        }
        assert!(HtmlTemplate::from_value(&json!("x")).is_err());
        for shape in [json!([one]), json!({ "templates": [one] })] {
            let list = HtmlTemplates::from_value(&shape).unwrap();
            assert_eq!(list.templates().len(), 1);
            assert_eq!(list.raw(), &shape);
        }
        assert!(HtmlTemplates::from_value(&json!({ "templates": [1] })).is_err());
        assert!(HtmlTemplates::from_value(&json!({})).is_err());
    }
}
