//! A typed model of PDF.co's JSON document, the output of `pdf/convert/to/json`.
//!
//! PDF.co's JSON is a mapping of XML: attributes are `@`-prefixed strings (numbers included)
//! and element text is `#text`; one child is an object, several are an array. This model
//! reads both forms and the string numbers, and never panics on odd input. Attributes
//! without the `@` are read too, as `json2` output is reported (by a third party) to use.

use std::fmt;

use serde_json::Value;

use crate::json::{many, number};
use crate::{Error, Step, redact};

/// A converted document: its pages, in the order PDF.co gave them.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "document": { "page": { "@index": "2", "row": { "column": { "text": {
///     "@fontName": "Arial", "@fontSize": "11.0", "@x": "36.00", "@y": "10.5", "#text": "Total"
/// } } } } } });
/// let doc = pdfco::Document::from_value(&answer)?;
/// let page = &doc.pages()[0];
/// assert_eq!(page.index(), 2);
/// assert_eq!(page.rows()[0].texts().next().unwrap().font_size(), Some(11.0));
/// assert_eq!(doc.text(), "Total\n");
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pages: Vec<Page>,
}

/// One page: its index in the source document and its rows, top to bottom.
///
/// # Example
///
/// ```
/// let doc = pdfco::Document::from_slice(br#"{ "document": { "page": [
///     { "@index": "0", "@width": "612", "@height": "792" },
///     { "@index": "1", "@width": "612", "@height": "792" } ] } }"#)?;
/// let sizes: Vec<_> = doc.pages().iter().map(|p| (p.index(), p.width(), p.height())).collect();
/// assert_eq!(sizes, [(0, Some(612.0), Some(792.0)), (1, Some(612.0), Some(792.0))]);
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    index: u32,
    width: Option<f64>,
    height: Option<f64>,
    rows: Vec<Row>,
    annotations: Vec<PageLink>,
}

/// An annotation of a page, such as a link, as PDF.co's JSON lists it in the page's
/// `annotation` entries: its kind, target and place (points from the top left). Attributes
/// are read with or without the `@` prefix; everything PDF.co sent stays in
/// [`raw`](Self::raw).
///
/// # Example
///
/// ```
/// let doc = pdfco::Document::from_slice(br##"{ "document": { "page": { "annotation": {
///     "@type": "link", "@x": "72", "@y": "100.5", "@width": "40", "@height": "12",
///     "@uri": "https://pdf.co" } } } }"##)?;
/// let link = &doc.pages()[0].annotations()[0];
/// assert_eq!((link.kind(), link.uri()), (Some("link"), Some("https://pdf.co")));
/// assert_eq!((link.x(), link.y()), (Some(72.0), Some(100.5)));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageLink {
    raw: Value,
}

/// One row of a page: its columns, left to right.
///
/// # Example
///
/// ```
/// let doc = pdfco::Document::from_slice(br##"{ "document": { "page": { "row": [
///     { "column": [ { "text": { "#text": "Qty" } }, { "text": { "#text": "Price" } } ] },
///     { "column": [ { "text": { "#text": "4" } }, { } ] } ] } } }"##)?;
/// let rows = doc.pages()[0].rows();
/// assert_eq!(rows[0].columns().len(), 2);
/// assert_eq!(rows[1].columns()[1].text(), None, "an empty cell");
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    columns: Vec<Column>,
}

/// One column of a row, holding a piece of text (or nothing, for an empty cell: PDF.co
/// writes one as `{"text": ""}`).
///
/// # Example
///
/// ```
/// let doc = pdfco::Document::from_slice(br##"{ "document": { "page": { "row": {
///     "column": { "text": { "#text": "12.50" } } } } } }"##)?;
/// let column = &doc.pages()[0].rows()[0].columns()[0];
/// assert_eq!(column.text().map(|t| t.text()), Some("12.50"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Column {
    text: Option<Text>,
}

/// A piece of text with its font, colour and position (points from the top left).
///
/// # Example
///
/// ```
/// let doc = pdfco::Document::from_slice(br##"{ "document": { "page": { "row": { "column": { "text": {
///     "@fontName": "Helvetica", "@fontSize": "9.5", "@fontStyle": "Bold", "@color": "#FF0000",
///     "@x": "72", "@y": "100.25", "@width": "40", "@height": "11", "#text": "Total" } } } } } }"##)?;
/// let text = doc.pages()[0].rows()[0].texts().next().unwrap();
/// assert_eq!((text.text(), text.font_name(), text.font_size()), ("Total", Some("Helvetica"), Some(9.5)));
/// assert_eq!((text.font_style(), text.color()), (Some("Bold"), Some("#FF0000")));
/// assert_eq!((text.x(), text.y(), text.width(), text.height()), (Some(72.0), Some(100.25), Some(40.0), Some(11.0)));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    text: String,
    font_name: Option<String>,
    font_size: Option<f64>,
    font_style: Option<String>,
    color: Option<String>,
    x: Option<f64>,
    y: Option<f64>,
    width: Option<f64>,
    height: Option<f64>,
}

/// An attribute: `@name` as PDF.co's `json` writes it, or plain `name`, as `json2` is said to.
fn attr<'a>(node: &'a Value, name: &str) -> Option<&'a Value> {
    node.get(format!("@{name}").as_str())
        .or_else(|| node.get(name))
}

fn string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Document {
    /// Reads a document from the bytes of a JSON result file, or of an inline answer (whose
    /// `body` holds the document).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if the bytes are not JSON or hold no `document`.
    ///
    /// # Example
    ///
    /// ```
    /// let doc = pdfco::Document::from_slice(br#"{ "document": { "page": { "@index": "0" } } }"#)?;
    /// assert_eq!(doc.pages().len(), 1);
    /// assert!(pdfco::Document::from_slice(b"not json").is_err());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn from_slice(json: &[u8]) -> Result<Document, Error> {
        let value: Value = serde_json::from_slice(json).map_err(|e| {
            Error::decode(
                Step::Download,
                format!("not a JSON document ({e})"),
                redact::excerpt(json, None),
            )
        })?;
        Document::from_value(&value)
    }

    /// Reads a document from parsed JSON, as [`Document::from_slice`] does.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if there is no `document` in it.
    ///
    /// # Example
    ///
    /// ```
    /// // An inline answer holds the document in its `body`.
    /// let answer = serde_json::json!({ "body": { "document": { "page": [] } }, "pageCount": 0 });
    /// assert!(pdfco::Document::from_value(&answer)?.pages().is_empty());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn from_value(value: &Value) -> Result<Document, Error> {
        let document = value
            .get("document")
            .or_else(|| value.get("body").and_then(|b| b.get("document")))
            .ok_or_else(|| {
                Error::decode(
                    Step::Download,
                    "no `document` in the JSON",
                    redact::excerpt(value.to_string().as_bytes(), None),
                )
            })?;
        let pages = many(document.get("page"))
            .into_iter()
            .enumerate()
            .map(|(i, page)| Page {
                index: number(attr(page, "index")).map_or(i as u32, |n| n.max(0.0) as u32),
                width: number(attr(page, "width")),
                height: number(attr(page, "height")),
                annotations: many(page.get("annotation"))
                    .into_iter()
                    .filter(|a| a.is_object())
                    .map(|a| PageLink { raw: a.clone() })
                    .collect(),
                rows: many(page.get("row"))
                    .into_iter()
                    .map(|row| Row {
                        columns: many(row.get("column"))
                            .into_iter()
                            .map(|column| Column {
                                // An empty cell comes as `{"text": ""}`: no text.
                                text: column
                                    .get("text")
                                    .and_then(Text::from_value)
                                    .filter(|t| !t.text.is_empty()),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        Ok(Document { pages })
    }

    /// The pages.
    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    /// All the text, a line per row, columns separated by tabs.
    pub fn text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Document {
    /// A line per row, columns separated by tabs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for page in &self.pages {
            for row in &page.rows {
                let texts: Vec<&str> = row.texts().map(Text::text).collect();
                writeln!(f, "{}", texts.join("\t"))?;
            }
        }
        Ok(())
    }
}

impl Page {
    /// The page's index in the source document (0-based).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The page width in points, when given.
    pub fn width(&self) -> Option<f64> {
        self.width
    }

    /// The page height in points, when given.
    pub fn height(&self) -> Option<f64> {
        self.height
    }

    /// The rows, top to bottom.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The page's annotations (`annotation` entries), such as links, in PDF.co's order.
    pub fn annotations(&self) -> &[PageLink] {
        &self.annotations
    }
}

impl PageLink {
    /// The annotation as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// What kind of annotation it is (`type`), such as `link`.
    pub fn kind(&self) -> Option<&str> {
        attr(&self.raw, "type").and_then(Value::as_str)
    }

    /// Where a link leads (`uri`, `url`, `link` or `href`, the first given).
    pub fn uri(&self) -> Option<&str> {
        ["uri", "url", "link", "href"]
            .iter()
            .find_map(|name| attr(&self.raw, name).and_then(Value::as_str))
    }

    /// Left edge, in points from the left of the page.
    pub fn x(&self) -> Option<f64> {
        number(attr(&self.raw, "x"))
    }

    /// Top edge, in points from the top of the page.
    pub fn y(&self) -> Option<f64> {
        number(attr(&self.raw, "y"))
    }

    /// Width in points.
    pub fn width(&self) -> Option<f64> {
        number(attr(&self.raw, "width"))
    }

    /// Height in points.
    pub fn height(&self) -> Option<f64> {
        number(attr(&self.raw, "height"))
    }
}

impl Row {
    /// The columns, left to right.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The texts of the columns that have one.
    pub fn texts(&self) -> impl Iterator<Item = &Text> {
        self.columns.iter().filter_map(|c| c.text.as_ref())
    }
}

impl Column {
    /// The column's text, if it has one: `None` for an empty cell, one whose text is empty
    /// (`{"text": ""}`) included.
    pub fn text(&self) -> Option<&Text> {
        self.text.as_ref()
    }
}

impl Text {
    fn from_value(value: &Value) -> Option<Text> {
        match value {
            Value::String(s) => Some(Text {
                text: s.clone(),
                ..Text::default()
            }),
            Value::Object(_) => Some(Text {
                text: string(value.get("#text").or_else(|| value.get("text"))).unwrap_or_default(),
                font_name: string(attr(value, "fontName")),
                font_size: number(attr(value, "fontSize")),
                font_style: string(attr(value, "fontStyle")),
                color: string(attr(value, "color")),
                x: number(attr(value, "x")),
                y: number(attr(value, "y")),
                width: number(attr(value, "width")),
                height: number(attr(value, "height")),
            }),
            _ => None,
        }
    }

    /// The text itself.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The font's name, such as `Arial`.
    pub fn font_name(&self) -> Option<&str> {
        self.font_name.as_deref()
    }

    /// The font size in points.
    pub fn font_size(&self) -> Option<f64> {
        self.font_size
    }

    /// The font style, such as `Bold`, when not regular.
    pub fn font_style(&self) -> Option<&str> {
        self.font_style.as_deref()
    }

    /// The colour, such as `#000000`, when given.
    pub fn color(&self) -> Option<&str> {
        self.color.as_deref()
    }

    /// Left edge, in points from the left of the page.
    pub fn x(&self) -> Option<f64> {
        self.x
    }

    /// Top edge, in points from the top of the page.
    pub fn y(&self) -> Option<f64> {
        self.y
    }

    /// Width in points.
    pub fn width(&self) -> Option<f64> {
        self.width
    }

    /// Height in points.
    pub fn height(&self) -> Option<f64> {
        self.height
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::fixture;

    #[test]
    fn attributes_without_the_at_prefix_read_too() {
        let json = br#"{ "document": { "page": { "index": "4", "width": 595,
            "row": { "column": { "text": { "fontName": "Arial", "x": "1.5", "text": "Hi" } } } } } }"#;
        let doc = Document::from_slice(json).unwrap();
        let page = &doc.pages()[0];
        assert_eq!((page.index(), page.width()), (4, Some(595.0)));
        let text = page.rows()[0].texts().next().unwrap();
        assert_eq!(
            (text.text(), text.font_name(), text.x()),
            ("Hi", Some("Arial"), Some(1.5))
        );
    }

    #[test]
    fn inline_answer_with_single_objects() {
        let doc = Document::from_slice(&fixture("document-inline.json")).unwrap();
        assert_eq!(doc.pages().len(), 1);
        let text = doc.pages()[0].rows()[0].texts().next().unwrap();
        assert_eq!(text.text(), "Dummy PDF file");
        assert_eq!(
            (text.font_name(), text.font_style()),
            (Some("Arial"), Some("Bold"))
        );
        assert_eq!(
            (text.font_size(), text.x(), text.y()),
            (Some(16.0), Some(56.8), Some(67.8))
        );
        assert_eq!((text.width(), text.height()), (Some(123.41), Some(16.1)));
    }

    #[test]
    fn result_file_with_arrays_and_colour() {
        let doc = Document::from_slice(&fixture("document-table.json")).unwrap();
        let rows = doc.pages()[0].rows();
        assert_eq!(rows.len(), 2);
        let header: Vec<&str> = rows[0].texts().map(Text::text).collect();
        assert_eq!(header, ["Item", "Quantity"]);
        let cell = rows[1].columns()[0].text().unwrap();
        assert_eq!(
            (cell.text(), cell.color(), cell.font_style()),
            ("Item 1", Some("#000000"), None)
        );
        assert_eq!(doc.text(), "Item\tQuantity\nItem 1\n");
    }

    #[test]
    fn odd_input_is_an_error_or_empty_never_a_panic() {
        assert!(Document::from_slice(b"not json").is_err());
        assert!(Document::from_slice(b"{\"pages\": []}").is_err());
        for odd in [
            r#"{"document": null}"#,
            r#"{"document": {"page": 7}}"#,
            r#"{"document": {"page": [{"@index": "-3", "row": "x"}, {"row": [{"column": [1, null, "t"]}]}]}}"#,
            r#"{"document": {"page": {"@index": "1e999", "@width": "NaN"}}}"#,
        ] {
            let doc = Document::from_slice(odd.as_bytes()).unwrap();
            let _ = doc.text();
        }
        let doc = Document::from_slice(
            br#"{"document": {"page": [{"row": {"column": {"text": "bare"}}}]}}"#,
        )
        .unwrap();
        assert_eq!(doc.text(), "bare\n");
    }
}
