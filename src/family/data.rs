//! Reading a document: information and form fields (`pdf/info`, `pdf/info/fields`), text and
//! table search (`pdf/find`, `pdf/find/table`) and attachments (`pdf/attachments/extract`).
//!
//! The results are data: [`PdfInfo`], [`FormFields`], [`TextHits`] and [`Tables`] read them
//! from the answer's JSON (what [`Run::json`](crate::Run::json) returns, or the whole answer),
//! tolerant of numbers sent as strings and of fields PDF.co leaves out; each keeps the raw
//! value. Attachments are files, saved into a folder like page images.

use serde_json::Value;

use crate::json::{count, flag, get, many, not_shaped, number};
use crate::{Error, Request};

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {
    /// `pdf/info` ([`Request::info`](crate::Request::info)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Info;

    /// `pdf/info/fields` ([`Request::form_fields`](crate::Request::form_fields)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct InfoFields;

    /// `pdf/find` ([`Request::find_text`](crate::Request::find_text)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Find;

    /// `pdf/find/table` ([`Request::find_tables`](crate::Request::find_tables)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FindTable;

    /// `pdf/attachments/extract`
    /// ([`Request::extract_attachments`](crate::Request::extract_attachments)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct AttachmentsExtract;
}

/// How `pdf/find` matches the search string against words (`wordMatchingMode`).
///
/// # Example
///
/// ```
/// use pdfco::{Request, WordMatching};
///
/// let request = Request::find_text("Total").word_matching(WordMatching::ExactMatch);
/// assert!(format!("{request:?}").contains("ExactMatch"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WordMatching {
    /// `SmartMatch`, PDF.co's default: flexible word boundaries.
    SmartMatch,
    /// `ExactMatch`: whole words only.
    ExactMatch,
    /// `None`: the string anywhere, inside words too.
    None,
}

impl WordMatching {
    /// The value PDF.co takes, such as `SmartMatch`.
    pub fn as_str(self) -> &'static str {
        match self {
            WordMatching::SmartMatch => "SmartMatch",
            WordMatching::ExactMatch => "ExactMatch",
            WordMatching::None => "None",
        }
    }
}

impl Request {
    /// `pdf/info`: the document's properties (page count, title, author, dates, page size,
    /// encryption and permissions, embedded files), read as [`PdfInfo`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::info().password("s3cret");
    /// assert_eq!(request.path(), "pdf/info");
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn info() -> Request<kind::Info> {
        Request::of_kind("pdf/info")
    }

    /// `pdf/info/fields`: the document's form fields (name, type, value, page and
    /// position), read as [`FormFields`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::form_fields();
    /// assert_eq!(request.path(), "pdf/info/fields");
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn form_fields() -> Request<kind::InfoFields> {
        Request::of_kind("pdf/info/fields")
    }

    /// `pdf/find`: where `search` (`searchString`) occurs, with the text's position, read as
    /// [`TextHits`]. An empty search string is refused before any request.
    ///
    /// The hits come in the answer with [`inline`](Request::inline), else as a JSON file.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{Error, Request};
    ///
    /// let request = Request::find_text(r"Invoice Date \d+").regex(true).pages("0-1").inline(true);
    /// assert!(request.validate().is_ok());
    /// let shown = format!("{request:?}");
    /// assert!(shown.contains("searchString") && shown.contains("regexSearch"));
    /// assert!(matches!(
    ///     Request::find_text("").validate(),
    ///     Err(Error::InvalidOption { option: "searchString", .. })
    /// ));
    /// ```
    pub fn find_text(search: impl Into<String>) -> Request<kind::Find> {
        let search = search.into();
        let request = Request::of_kind("pdf/find");
        if search.is_empty() {
            request.reject("searchString", "must not be empty")
        } else {
            request.set("searchString", search)
        }
    }

    /// `pdf/find/table`: the tables on each page, with their page and area, read as
    /// [`Tables`]. PDF.co's detection options go in [`profiles`](Request::profiles)
    /// (`Mode`, `ColumnDetectionMode`, `DetectionMinNumberOfRows`...).
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::find_tables().pages("0");
    /// assert_eq!(request.path(), "pdf/find/table");
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn find_tables() -> Request<kind::FindTable> {
        Request::of_kind("pdf/find/table")
    }

    /// `pdf/attachments/extract`: every file embedded in the document, one result file
    /// each (`urls`), which [`Run::save`](crate::Run::save) saves into a folder.
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::extract_attachments();
    /// assert_eq!(request.path(), "pdf/attachments/extract");
    /// assert!(request.is_multi_file());
    /// ```
    pub fn extract_attachments() -> Request<kind::AttachmentsExtract> {
        Request::of_kind("pdf/attachments/extract")
    }
}

impl Request<kind::Find> {
    /// Reads the search string as a regular expression (`regexSearch`).
    ///
    /// Defaults to `false`: plain text.
    pub fn regex(self, regex: bool) -> Self {
        self.set("regexSearch", regex)
    }

    /// How the search string matches words (`wordMatchingMode`).
    ///
    /// Defaults to PDF.co's [`WordMatching::SmartMatch`].
    pub fn word_matching(self, mode: WordMatching) -> Self {
        self.set("wordMatchingMode", mode.as_str())
    }

    /// Whether case counts (`caseSensitive`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn case_sensitive(self, case_sensitive: bool) -> Self {
        self.set("caseSensitive", case_sensitive)
    }
}

impl Request<kind::AttachmentsExtract> {
    /// Asks for the files as base64 text (`outputDataFormat: base64`).
    ///
    /// Defaults to `false`: the files as they are.
    pub fn base64(self, base64: bool) -> Self {
        if base64 {
            self.set("outputDataFormat", "base64")
        } else {
            self
        }
    }
}

/// A string value (JSON strings only; `null` is none).
fn text(value: Option<&Value>) -> Option<&str> {
    value?.as_str()
}

/// `pdf/info`'s `info`: the document's properties.
///
/// Every accessor is tolerant: `None` when PDF.co left the field out or sent `null`, numbers
/// and flags read from JSON numbers, booleans or strings.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "info": {
///     "PageCount": 2, "Title": "Report", "Author": "Ann", "CreationDate": "8/15/2001 2:50:36 PM",
///     "PageRectangle": { "Width": 612, "Height": "792" }, "Encrypted": "False",
///     "PermissionPrinting": true, "EmbeddedFileCount": 1, "Bookmarks": null
/// }, "error": false, "status": 200, "name": null });
/// let info = pdfco::PdfInfo::from_value(&answer)?;
/// assert_eq!((info.page_count(), info.title(), info.author()), (Some(2), Some("Report"), Some("Ann")));
/// assert_eq!(info.page_size(), Some((612.0, 792.0)));
/// assert_eq!((info.encrypted(), info.can_print()), (Some(false), Some(true)));
/// assert_eq!(info.embedded_file_count(), Some(1));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PdfInfo {
    raw: Value,
}

impl PdfInfo {
    /// Reads the properties from the `info` object, or from an answer that holds it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if the value is not an object.
    pub fn from_value(value: &Value) -> Result<PdfInfo, Error> {
        let info = get(value, "info")
            .filter(|i| i.is_object())
            .unwrap_or(value);
        if !info.is_object() {
            return Err(not_shaped("no `info` object in the JSON", value));
        }
        Ok(PdfInfo { raw: info.clone() })
    }

    /// The `info` object as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    fn field(&self, name: &str) -> Option<&Value> {
        get(&self.raw, name)
    }

    /// The number of pages (`PageCount`).
    pub fn page_count(&self) -> Option<u64> {
        count(self.field("PageCount"))
    }

    /// The title (`Title`).
    pub fn title(&self) -> Option<&str> {
        text(self.field("Title"))
    }

    /// The author (`Author`).
    pub fn author(&self) -> Option<&str> {
        text(self.field("Author"))
    }

    /// The subject (`Subject`).
    pub fn subject(&self) -> Option<&str> {
        text(self.field("Subject"))
    }

    /// The keywords (`Keywords`).
    pub fn keywords(&self) -> Option<&str> {
        text(self.field("Keywords"))
    }

    /// The application that made the original (`Creator`).
    pub fn creator(&self) -> Option<&str> {
        text(self.field("Creator"))
    }

    /// The application that made the PDF (`Producer`).
    pub fn producer(&self) -> Option<&str> {
        text(self.field("Producer"))
    }

    /// When it was made (`CreationDate`), as PDF.co writes it, such as
    /// `8/15/2001 2:50:36 PM`.
    pub fn creation_date(&self) -> Option<&str> {
        text(self.field("CreationDate"))
    }

    /// When it was last changed (`ModificationDate`), as PDF.co writes it.
    pub fn modification_date(&self) -> Option<&str> {
        text(self.field("ModificationDate"))
    }

    /// The first page's size in points (`PageRectangle`'s `Width` and `Height`, or its
    /// `Size` text `"width, height"`).
    pub fn page_size(&self) -> Option<(f64, f64)> {
        let rect = self.field("PageRectangle")?;
        match (number(get(rect, "Width")), number(get(rect, "Height"))) {
            (Some(w), Some(h)) => Some((w, h)),
            _ => {
                let size = text(get(rect, "Size"))?;
                let (w, h) = size.split_once(',')?;
                Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
            }
        }
    }

    /// Whether the document is encrypted (`Encrypted`).
    pub fn encrypted(&self) -> Option<bool> {
        flag(self.field("Encrypted"))
    }

    /// Whether it needs a password to open (`PasswordProtected`).
    pub fn password_protected(&self) -> Option<bool> {
        flag(self.field("PasswordProtected"))
    }

    /// The encryption, as PDF.co names it (`EncryptionAlgorithm`), such as `AES_128bit`.
    pub fn encryption_algorithm(&self) -> Option<&str> {
        text(self.field("EncryptionAlgorithm"))
    }

    /// A permission by PDF.co's name without its `Permission` prefix, such as `Printing`,
    /// `ModifyDocument`, `ContentExtraction`, `ModifyAnnotations`, `FillForms`, `Assemble`.
    pub fn permission(&self, name: &str) -> Option<bool> {
        flag(self.field(&format!("Permission{name}")))
    }

    /// Whether printing is allowed (`PermissionPrinting`).
    pub fn can_print(&self) -> Option<bool> {
        self.permission("Printing")
    }

    /// Whether changing the document is allowed (`PermissionModifyDocument`).
    pub fn can_modify(&self) -> Option<bool> {
        self.permission("ModifyDocument")
    }

    /// Whether copying text and images is allowed (`PermissionContentExtraction`).
    pub fn can_extract_content(&self) -> Option<bool> {
        self.permission("ContentExtraction")
    }

    /// Whether adding or changing annotations is allowed (`PermissionModifyAnnotations`).
    pub fn can_modify_annotations(&self) -> Option<bool> {
        self.permission("ModifyAnnotations")
    }

    /// Whether filling in forms is allowed (`PermissionFillForms`).
    pub fn can_fill_forms(&self) -> Option<bool> {
        self.permission("FillForms")
    }

    /// Whether assembling (inserting, rotating, deleting pages) is allowed
    /// (`PermissionAssemble`).
    pub fn can_assemble(&self) -> Option<bool> {
        self.permission("Assemble")
    }

    /// The bookmarks as PDF.co sent them (`Bookmarks`: `null`, text or a list), when not
    /// `null`.
    pub fn bookmarks(&self) -> Option<&Value> {
        self.field("Bookmarks").filter(|b| !b.is_null())
    }

    /// How many files are embedded (`EmbeddedFileCount`).
    pub fn embedded_file_count(&self) -> Option<u64> {
        count(self.field("EmbeddedFileCount"))
    }
}

/// `pdf/info/fields`' answer: the form fields (`info.FieldsInfo.Fields`) and the page count.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let info = json!({ "PageCount": 1, "FieldsInfo": { "Fields": [
///     { "FieldName": "name", "Type": "EditBox", "Value": "Ann", "PageIndex": 0,
///       "Left": "72", "Top": 100.5, "Width": 200, "Height": 20, "AltFieldName": "Your name" }
/// ] } });
/// let fields = pdfco::FormFields::from_value(&info)?;
/// assert_eq!(fields.page_count(), Some(1));
/// let field = &fields.fields()[0];
/// assert_eq!((field.name(), field.field_type(), field.value()), (Some("name"), Some("EditBox"), Some("Ann")));
/// assert_eq!((field.page_index(), field.left(), field.top()), (Some(0), Some(72.0), Some(100.5)));
/// assert_eq!(field.alt_name(), Some("Your name"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FormFields {
    raw: Value,
    fields: Vec<FormField>,
}

/// One form field of [`FormFields`].
#[derive(Clone, Debug, PartialEq)]
pub struct FormField {
    raw: Value,
}

impl FormFields {
    /// Reads the fields from `pdf/info/fields`' `info` object (`FieldsInfo.Fields`), or from
    /// an answer that holds it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if there is no `FieldsInfo` (or `Fields`) in it.
    pub fn from_value(value: &Value) -> Result<FormFields, Error> {
        let info = get(value, "info")
            .filter(|i| i.is_object())
            .unwrap_or(value);
        let list = get(info, "FieldsInfo")
            .and_then(|f| get(f, "Fields"))
            .or_else(|| get(info, "Fields"));
        let Some(list) = list.filter(|l| l.is_array() || l.is_object() || l.is_null()) else {
            return Err(not_shaped("no `FieldsInfo` in the JSON", value));
        };
        let fields = many(Some(list))
            .into_iter()
            .filter(|f| f.is_object())
            .map(|f| FormField { raw: f.clone() })
            .collect();
        Ok(FormFields {
            raw: info.clone(),
            fields,
        })
    }

    /// The `info` object as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The fields, in PDF.co's order.
    pub fn fields(&self) -> &[FormField] {
        &self.fields
    }

    /// The field named `name`, if there is one.
    pub fn field(&self, name: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.name() == Some(name))
    }

    /// The document's page count (`PageCount`), when given.
    pub fn page_count(&self) -> Option<u64> {
        count(get(&self.raw, "PageCount"))
    }
}

impl FormField {
    /// The field as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The field's full name (`FieldName`).
    pub fn name(&self) -> Option<&str> {
        text(get(&self.raw, "FieldName"))
    }

    /// The field's type as PDF.co names it (`Type`), such as `EditBox` or `CheckBox`.
    pub fn field_type(&self) -> Option<&str> {
        text(get(&self.raw, "Type"))
    }

    /// The field's value (`Value`) when it is text; see [`raw`](Self::raw) for others.
    pub fn value(&self) -> Option<&str> {
        text(get(&self.raw, "Value"))
    }

    /// The page the field is on, counted from 0 (`PageIndex`).
    pub fn page_index(&self) -> Option<u64> {
        count(get(&self.raw, "PageIndex"))
    }

    /// Left edge, in points from the left of the page (`Left`).
    pub fn left(&self) -> Option<f64> {
        number(get(&self.raw, "Left"))
    }

    /// Top edge, in points from the top of the page (`Top`).
    pub fn top(&self) -> Option<f64> {
        number(get(&self.raw, "Top"))
    }

    /// Width in points (`Width`).
    pub fn width(&self) -> Option<f64> {
        number(get(&self.raw, "Width"))
    }

    /// Height in points (`Height`).
    pub fn height(&self) -> Option<f64> {
        number(get(&self.raw, "Height"))
    }

    /// The field's alternate name, its tooltip (`AltFieldName`).
    pub fn alt_name(&self) -> Option<&str> {
        text(get(&self.raw, "AltFieldName"))
    }
}

/// `pdf/find`'s result: every place the search string was found.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "body": [ { "text": "Invoice Date 01/01/2016", "left": 436.54,
///     "top": 130.46, "width": 122.85, "height": 11.04, "pageIndex": 0,
///     "elements": [ { "index": 0, "text": "Invoice Date 01/01/2016", "left": 436.54,
///                     "top": 130.46, "width": 122.85, "height": 11.04 } ] } ] });
/// let hits = pdfco::TextHits::from_value(&answer)?;
/// let hit = &hits.hits()[0];
/// assert_eq!((hit.text(), hit.page_index(), hit.left()), ("Invoice Date 01/01/2016", Some(0), Some(436.54)));
/// assert_eq!(hit.elements().len(), 1);
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TextHits {
    raw: Value,
    hits: Vec<TextHit>,
}

/// One place [`TextHits`] found, or one text element of it.
#[derive(Clone, Debug, PartialEq)]
pub struct TextHit {
    raw: Value,
    elements: Vec<TextHit>,
}

impl TextHits {
    /// Reads the hits from the list PDF.co sends (inline `body`, or the result file), or
    /// from an answer that holds it in `body`.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if there is no list of hits.
    pub fn from_value(value: &Value) -> Result<TextHits, Error> {
        let list = match value {
            Value::Array(_) => value,
            _ => get(value, "body")
                .filter(|b| b.is_array())
                .ok_or_else(|| not_shaped("no list of hits in the JSON", value))?,
        };
        let hits = many(Some(list))
            .into_iter()
            .filter(|h| h.is_object())
            .map(TextHit::from_value)
            .collect();
        Ok(TextHits {
            raw: list.clone(),
            hits,
        })
    }

    /// The list as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The hits, in PDF.co's order (page by page, top to bottom).
    pub fn hits(&self) -> &[TextHit] {
        &self.hits
    }
}

impl TextHit {
    fn from_value(value: &Value) -> TextHit {
        TextHit {
            raw: value.clone(),
            elements: many(get(value, "elements"))
                .into_iter()
                .filter(|e| e.is_object())
                .map(TextHit::from_value)
                .collect(),
        }
    }

    /// The hit as PDF.co sent it (with its `bounds`, and its elements' fonts).
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The text found (`text`).
    pub fn text(&self) -> &str {
        text(get(&self.raw, "text")).unwrap_or_default()
    }

    /// The page, counted from 0 (`pageIndex`); elements have none.
    pub fn page_index(&self) -> Option<u64> {
        count(get(&self.raw, "pageIndex"))
    }

    /// Left edge, in points from the left of the page (`left`).
    pub fn left(&self) -> Option<f64> {
        number(get(&self.raw, "left"))
    }

    /// Top edge, in points from the top of the page (`top`).
    pub fn top(&self) -> Option<f64> {
        number(get(&self.raw, "top"))
    }

    /// Width in points (`width`).
    pub fn width(&self) -> Option<f64> {
        number(get(&self.raw, "width"))
    }

    /// Height in points (`height`).
    pub fn height(&self) -> Option<f64> {
        number(get(&self.raw, "height"))
    }

    /// The bounds object as PDF.co sent it (`bounds`: `x`, `y`, `width`, `height`, `right`,
    /// `bottom`...).
    pub fn bounds(&self) -> Option<&Value> {
        get(&self.raw, "bounds").filter(|b| !b.is_null())
    }

    /// The pieces of text the hit spans (`elements`), each with its own position.
    pub fn elements(&self) -> &[TextHit] {
        &self.elements
    }
}

/// `pdf/find/table`'s result: the tables found (`body.tables`).
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "body": { "tables": [ { "PageIndex": 0, "rect": "36, 307.4, 523.4, 113.3" } ] } });
/// let tables = pdfco::Tables::from_value(&answer)?;
/// let table = &tables.tables()[0];
/// assert_eq!(table.page_index(), Some(0));
/// assert_eq!(table.rect(), Some([36.0, 307.4, 523.4, 113.3]));
/// assert_eq!(table.rect_text(), Some("36, 307.4, 523.4, 113.3"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Tables {
    raw: Value,
    tables: Vec<FoundTable>,
}

/// One table of [`Tables`].
#[derive(Clone, Debug, PartialEq)]
pub struct FoundTable {
    raw: Value,
}

impl Tables {
    /// Reads the tables from `{ "tables": [...] }` (PDF.co's `body`), from an answer that
    /// holds it in `body`, or from a bare list.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if there is no list of tables.
    pub fn from_value(value: &Value) -> Result<Tables, Error> {
        let holder = get(value, "body")
            .filter(|b| b.is_object())
            .unwrap_or(value);
        let list = match holder {
            Value::Array(_) => holder,
            _ => get(holder, "tables")
                .filter(|t| t.is_array() || t.is_null())
                .ok_or_else(|| not_shaped("no `tables` in the JSON", value))?,
        };
        let tables = many(Some(list))
            .into_iter()
            .filter(|t| t.is_object())
            .map(|t| FoundTable { raw: t.clone() })
            .collect();
        Ok(Tables {
            raw: holder.clone(),
            tables,
        })
    }

    /// The value the tables were read from, as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The tables, in PDF.co's order.
    pub fn tables(&self) -> &[FoundTable] {
        &self.tables
    }
}

impl FoundTable {
    /// The table as PDF.co sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The page, counted from 0 (`PageIndex`).
    pub fn page_index(&self) -> Option<u64> {
        count(get(&self.raw, "PageIndex"))
    }

    /// The area as PDF.co writes it (`rect`, `"x, y, width, height"`), ready for a
    /// conversion's `rect`.
    pub fn rect_text(&self) -> Option<&str> {
        text(get(&self.raw, "rect"))
    }

    /// The area: x, y (from the top left), width and height in points, from the `rect`
    /// text or an object with `X`/`Y`/`Width`/`Height` (or `Left`/`Top`).
    pub fn rect(&self) -> Option<[f64; 4]> {
        let rect = get(&self.raw, "rect")?;
        if let Some(text) = rect.as_str() {
            let values: Vec<f64> = text
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|v| !v.is_empty())
                .map(|v| v.parse().ok())
                .collect::<Option<_>>()?;
            return match values[..] {
                [x, y, w, h] => Some([x, y, w, h]),
                _ => None,
            };
        }
        let x = number(get(rect, "X")).or_else(|| number(get(rect, "Left")))?;
        let y = number(get(rect, "Y")).or_else(|| number(get(rect, "Top")))?;
        Some([
            x,
            y,
            number(get(rect, "Width"))?,
            number(get(rect, "Height"))?,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_setters_write_pdfco_spelling() {
        let body = Request::find_text("Total")
            .regex(true)
            .word_matching(WordMatching::None)
            .case_sensitive(false)
            .body(&[]);
        assert_eq!(body["searchString"], json!("Total"));
        assert_eq!(body["regexSearch"], json!(true));
        assert_eq!(body["wordMatchingMode"], json!("None"));
        assert_eq!(body["caseSensitive"], json!(false));
        let body = Request::extract_attachments().base64(true).body(&[]);
        assert_eq!(body["outputDataFormat"], json!("base64"));
    }

    #[test]
    fn odd_shapes_are_errors_or_empty_never_panics() {
        assert!(PdfInfo::from_value(&json!(7)).is_err());
        assert!(FormFields::from_value(&json!({ "info": {} })).is_err());
        assert!(TextHits::from_value(&json!({ "body": "x" })).is_err());
        assert!(Tables::from_value(&json!({ "body": 3 })).is_err());
        let info =
            PdfInfo::from_value(&json!({ "PageCount": "-3", "Encrypted": "maybe" })).unwrap();
        assert_eq!((info.page_count(), info.encrypted()), (None, None));
        let hits = TextHits::from_value(&json!([1, null, { "text": 5 }])).unwrap();
        assert_eq!(hits.hits().len(), 1);
        assert_eq!(hits.hits()[0].text(), "");
        let tables = Tables::from_value(&json!({ "tables": [{ "rect": "1, 2, x, 4" }] })).unwrap();
        assert_eq!(tables.tables()[0].rect(), None);
        let tables = Tables::from_value(&json!({ "tables": null })).unwrap();
        assert!(tables.tables().is_empty());
    }
}
