//! Editing (`pdf/edit/*`: add content, replace or delete text, replace text with an image,
//! rotate, auto-rotate, delete pages) and OCR (`pdf/makesearchable`, `pdf/makeunsearchable`).
//!
//! Every endpoint here produces one PDF, saved or read like any other result. Page selections
//! count from 0, except [`Request::delete_pages`], which counts from 1 as PDF.co does there.

use serde_json::{Map, Value};

use crate::Pages;
use crate::Request;

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {
    /// `pdf/edit/add` ([`Request::add_content`](crate::Request::add_content)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct AddContent;

    /// `pdf/edit/replace-text` ([`Request::replace_text`](crate::Request::replace_text)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct ReplaceText;

    /// `pdf/edit/replace-text-with-image`
    /// ([`Request::replace_text_with_image`](crate::Request::replace_text_with_image)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct ReplaceTextWithImage;

    /// `pdf/edit/delete-text` ([`Request::delete_text`](crate::Request::delete_text)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct DeleteText;

    /// `pdf/edit/rotate` ([`Request::rotate`](crate::Request::rotate)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Rotate;

    /// `pdf/edit/rotate/auto` ([`Request::auto_rotate`](crate::Request::auto_rotate)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct AutoRotate;

    /// `pdf/edit/delete-pages` ([`Request::delete_pages`](crate::Request::delete_pages)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct DeletePages;

    /// `pdf/makesearchable` ([`Request::make_searchable`](crate::Request::make_searchable)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct MakeSearchable;

    /// `pdf/makeunsearchable`
    /// ([`Request::make_unsearchable`](crate::Request::make_unsearchable)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct MakeUnsearchable;
}

/// How far `pdf/edit/rotate` turns the selected pages, clockwise (`angle`).
///
/// # Example
///
/// ```
/// use pdfco::Rotation;
///
/// assert_eq!(Rotation::Clockwise90.degrees(), 90);
/// assert_eq!(Rotation::from_degrees(270), Some(Rotation::Clockwise270));
/// assert_eq!(Rotation::from_degrees(45), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rotation {
    /// `90`: a quarter turn clockwise.
    Clockwise90,
    /// `180`: upside down.
    Clockwise180,
    /// `270`: a quarter turn counter-clockwise.
    Clockwise270,
}

impl Rotation {
    /// The angle in degrees, as sent.
    pub fn degrees(self) -> u32 {
        match self {
            Rotation::Clockwise90 => 90,
            Rotation::Clockwise180 => 180,
            Rotation::Clockwise270 => 270,
        }
    }

    /// The rotation of `degrees` (90, 180 or 270), or `None` for another angle.
    pub fn from_degrees(degrees: u32) -> Option<Rotation> {
        match degrees {
            90 => Some(Rotation::Clockwise90),
            180 => Some(Rotation::Clockwise180),
            270 => Some(Rotation::Clockwise270),
            _ => None,
        }
    }
}

/// What an [`Annotation`] of `pdf/edit/add` draws (`type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnnotationType {
    /// `text`: text drawn on the page (PDF.co's default).
    Text,
    /// `textField`: a one-line form field holding the text.
    TextField,
    /// `TextFieldMultiline`: a multi-line form field.
    TextFieldMultiline,
    /// `checkbox`: an unchecked checkbox field.
    Checkbox,
    /// `CheckboxChecked`: a checked checkbox field.
    CheckboxChecked,
}

impl AnnotationType {
    /// The value as PDF.co spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationType::Text => "text",
            AnnotationType::TextField => "textField",
            AnnotationType::TextFieldMultiline => "TextFieldMultiline",
            AnnotationType::Checkbox => "checkbox",
            AnnotationType::CheckboxChecked => "CheckboxChecked",
        }
    }
}

/// How an [`Annotation`]'s text is aligned in its box (`alignment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Alignment {
    /// `left`.
    Left,
    /// `center`.
    Center,
    /// `right`.
    Right,
}

impl Alignment {
    /// The value as PDF.co spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Alignment::Left => "left",
            Alignment::Center => "center",
            Alignment::Right => "right",
        }
    }
}

/// One entry of `pdf/edit/add`'s `annotations`: text (or a form field) at a position, in
/// points from the page's top-left corner.
///
/// Only what is set is sent, so PDF.co's defaults apply otherwise.
///
/// # Example
///
/// ```
/// use pdfco::{Alignment, Annotation};
///
/// let paid = Annotation::new(400.0, 40.0, "PAID").pages("0").size(24.0).bold(true).color("#FF0000");
/// let value = paid.to_value();
/// assert_eq!(value["text"], "PAID");
/// assert_eq!(value["fontBold"], true);
/// assert_eq!(value["pages"], "0");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    fields: Map<String, Value>,
}

impl Annotation {
    /// `text` at (`x`, `y`).
    pub fn new(x: f64, y: f64, text: impl Into<String>) -> Annotation {
        let mut fields = Map::new();
        fields.insert("x".into(), number(x));
        fields.insert("y".into(), number(y));
        fields.insert("text".into(), Value::from(text.into()));
        Annotation { fields }
    }

    fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(name.to_string(), value.into());
        self
    }

    /// The pages it goes on, 0-based in PDF.co's syntax (`0`, `0-2`, `1-`).
    ///
    /// Defaults to PDF.co's choice (the first page).
    pub fn pages(self, pages: impl Into<String>) -> Self {
        self.with("pages", pages.into())
    }

    /// The font size in points (`size`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn size(self, size: f64) -> Self {
        self.with("size", number(size))
    }

    /// The text colour, such as `#FF0000` (`color`).
    ///
    /// Defaults to black.
    pub fn color(self, color: impl Into<String>) -> Self {
        self.with("color", color.into())
    }

    /// The font's name, such as `Arial` (`fontName`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn font_name(self, name: impl Into<String>) -> Self {
        self.with("fontName", name.into())
    }

    /// Bold text (`fontBold`).
    ///
    /// Defaults to `false`.
    pub fn bold(self, bold: bool) -> Self {
        self.with("fontBold", bold)
    }

    /// Italic text (`fontItalic`).
    ///
    /// Defaults to `false`.
    pub fn italic(self, italic: bool) -> Self {
        self.with("fontItalic", italic)
    }

    /// Underlined text (`fontUnderline`).
    ///
    /// Defaults to `false`.
    pub fn underline(self, underline: bool) -> Self {
        self.with("fontUnderline", underline)
    }

    /// Struck-out text (`fontStrikeout`).
    ///
    /// Defaults to `false`.
    pub fn strikeout(self, strikeout: bool) -> Self {
        self.with("fontStrikeout", strikeout)
    }

    /// The text's alignment in its box (`alignment`).
    ///
    /// Defaults to left.
    pub fn alignment(self, alignment: Alignment) -> Self {
        self.with("alignment", alignment.as_str())
    }

    /// The box's width in points (`width`), for wrapped text and form fields.
    ///
    /// Defaults to PDF.co's choice.
    pub fn width(self, width: f64) -> Self {
        self.with("width", number(width))
    }

    /// The box's height in points (`height`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn height(self, height: f64) -> Self {
        self.with("height", number(height))
    }

    /// A link the text opens when clicked (`link`).
    ///
    /// Defaults to none.
    pub fn link(self, url: impl Into<String>) -> Self {
        self.with("link", url.into())
    }

    /// Whether the background stays transparent (`transparent`).
    ///
    /// Defaults to PDF.co's `true`.
    pub fn transparent(self, transparent: bool) -> Self {
        self.with("transparent", transparent)
    }

    /// What it draws: text, or a form field (`type`).
    ///
    /// Defaults to text.
    pub fn kind(self, kind: AnnotationType) -> Self {
        self.with("type", kind.as_str())
    }

    /// The name of the form field it makes (`id`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn id(self, id: impl Into<String>) -> Self {
        self.with("id", id.into())
    }

    /// The JSON object sent in `annotations`.
    pub fn to_value(&self) -> Value {
        Value::Object(self.fields.clone())
    }

    fn problem(&self) -> Option<(&'static str, String)> {
        check_pages(&self.fields).or_else(|| check_numbers(&self.fields))
    }
}

/// One entry of `pdf/edit/add`'s `images`: an image fetched from a URL and drawn at a
/// position, in points from the page's top-left corner.
///
/// # Example
///
/// ```
/// use pdfco::ImageStamp;
///
/// let logo = ImageStamp::new("https://example.com/logo.png", 20.0, 20.0)
///     .width(100.0)
///     .keep_aspect_ratio(true);
/// assert_eq!(logo.to_value()["url"], "https://example.com/logo.png");
/// assert_eq!(logo.to_value()["keepAspectRatio"], true);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ImageStamp {
    fields: Map<String, Value>,
}

impl ImageStamp {
    /// The image at `url`, drawn at (`x`, `y`).
    pub fn new(url: impl Into<String>, x: f64, y: f64) -> ImageStamp {
        let mut fields = Map::new();
        fields.insert("url".into(), Value::from(url.into()));
        fields.insert("x".into(), number(x));
        fields.insert("y".into(), number(y));
        ImageStamp { fields }
    }

    fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(name.to_string(), value.into());
        self
    }

    /// The pages it goes on, 0-based in PDF.co's syntax.
    ///
    /// Defaults to PDF.co's choice (the first page).
    pub fn pages(self, pages: impl Into<String>) -> Self {
        self.with("pages", pages.into())
    }

    /// The drawn width in points (`width`).
    ///
    /// Defaults to the image's own width.
    pub fn width(self, width: f64) -> Self {
        self.with("width", number(width))
    }

    /// The drawn height in points (`height`).
    ///
    /// Defaults to the image's own height.
    pub fn height(self, height: f64) -> Self {
        self.with("height", number(height))
    }

    /// A link the image opens when clicked (`link`).
    ///
    /// Defaults to none.
    pub fn link(self, url: impl Into<String>) -> Self {
        self.with("link", url.into())
    }

    /// Whether a given width and height keep the image's proportions (`keepAspectRatio`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn keep_aspect_ratio(self, keep: bool) -> Self {
        self.with("keepAspectRatio", keep)
    }

    /// The JSON object sent in `images`.
    pub fn to_value(&self) -> Value {
        Value::Object(self.fields.clone())
    }

    fn problem(&self) -> Option<(&'static str, String)> {
        let url = self.fields.get("url").and_then(Value::as_str).unwrap_or("");
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Some(("images", "an image URL must be http(s)".into()));
        }
        check_pages(&self.fields).or_else(|| check_numbers(&self.fields))
    }
}

/// One entry of `pdf/edit/add`'s `fields`: a value for an existing form field, found by its
/// name.
///
/// # Example
///
/// ```
/// use pdfco::FieldValue;
///
/// let name = FieldValue::new("customer", "Jane Doe").pages("0");
/// assert_eq!(name.to_value()["fieldName"], "customer");
/// assert_eq!(name.to_value()["text"], "Jane Doe");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FieldValue {
    fields: Map<String, Value>,
}

impl FieldValue {
    /// `text` for the form field named `field_name` (`fieldName`); for a checkbox, `true` or
    /// `false`.
    pub fn new(field_name: impl Into<String>, text: impl Into<String>) -> FieldValue {
        let mut fields = Map::new();
        fields.insert("fieldName".into(), Value::from(field_name.into()));
        fields.insert("text".into(), Value::from(text.into()));
        FieldValue { fields }
    }

    fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(name.to_string(), value.into());
        self
    }

    /// The pages to look for the field on, 0-based in PDF.co's syntax.
    ///
    /// Defaults to every page.
    pub fn pages(self, pages: impl Into<String>) -> Self {
        self.with("pages", pages.into())
    }

    /// The font size in points (`size`).
    ///
    /// Defaults to the field's own.
    pub fn size(self, size: f64) -> Self {
        self.with("size", number(size))
    }

    /// The font's name (`fontName`).
    ///
    /// Defaults to the field's own.
    pub fn font_name(self, name: impl Into<String>) -> Self {
        self.with("fontName", name.into())
    }

    /// The JSON object sent in `fields`.
    pub fn to_value(&self) -> Value {
        Value::Object(self.fields.clone())
    }

    fn problem(&self) -> Option<(&'static str, String)> {
        let name = self.fields.get("fieldName").and_then(Value::as_str);
        if name.is_none_or(|n| n.trim().is_empty()) {
            return Some(("fields", "a field name must not be empty".into()));
        }
        check_pages(&self.fields).or_else(|| check_numbers(&self.fields))
    }
}

/// A number as JSON; not a finite number becomes `null`, which the checks refuse.
fn number(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// An object's `pages`, checked in PDF.co's 0-based syntax.
fn check_pages(fields: &Map<String, Value>) -> Option<(&'static str, String)> {
    let pages = fields.get("pages").and_then(Value::as_str)?;
    Pages::parse(pages)
        .err()
        .map(|e| ("pages", format!("in an object's pages: {e}")))
}

/// An object's coordinates and sizes: finite, not negative.
fn check_numbers(fields: &Map<String, Value>) -> Option<(&'static str, String)> {
    for name in ["x", "y", "width", "height", "size"] {
        match fields.get(name) {
            Some(Value::Null) => {
                return Some((numeric_name(name), "must be a finite number".into()));
            }
            Some(value) if value.as_f64().is_some_and(|v| v < 0.0) => {
                return Some((numeric_name(name), "must not be negative".into()));
            }
            _ => {}
        }
    }
    None
}

fn numeric_name(name: &str) -> &'static str {
    match name {
        "x" => "x",
        "y" => "y",
        "width" => "width",
        "height" => "height",
        _ => "size",
    }
}

/// Text of a JSON array, with `value` appended.
fn appended(existing: Option<&Value>, value: Value) -> Value {
    let mut items = existing
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    items.push(value);
    Value::Array(items)
}

impl Request {
    /// Adds text, images and form-field values to a PDF with `pdf/edit/add`; add them with
    /// [`annotation`](Request::annotation), [`image`](Request::image) and
    /// [`field`](Request::field) (sent as PDF.co's `annotations`, `images` and `fields`
    /// arrays).
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{Annotation, FieldValue, ImageStamp, Request};
    ///
    /// let request = Request::add_content()
    ///     .annotation(Annotation::new(400.0, 40.0, "PAID").pages("0"))
    ///     .image(ImageStamp::new("https://example.com/logo.png", 20.0, 20.0))
    ///     .field(FieldValue::new("customer", "Jane Doe"));
    /// assert_eq!(request.path(), "pdf/edit/add");
    /// assert!(request.validate().is_ok());
    /// assert!(format!("{request:?}").contains("PAID"));
    /// ```
    pub fn add_content() -> Request<kind::AddContent> {
        Request::of_kind("pdf/edit/add")
    }

    /// Replaces text with `pdf/edit/replace-text`: every `search` found becomes `replace`.
    /// More pairs are added with [`pair`](Request::pair). The pairs are sent as the arrays
    /// `searchStrings` and `replaceStrings`, as PDF.co's own integrations send them.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::replace_text("Invoice", "Receipt")
    ///     .pair("Total", "Sum")
    ///     .case_sensitive(false)
    ///     .pages("0-1");
    /// assert_eq!(request.path(), "pdf/edit/replace-text");
    /// assert!(request.validate().is_ok());
    /// let shown = format!("{request:?}");
    /// assert!(shown.contains("searchStrings") && shown.contains("Receipt"));
    /// ```
    pub fn replace_text(
        search: impl Into<String>,
        replace: impl Into<String>,
    ) -> Request<kind::ReplaceText> {
        Request::of_kind("pdf/edit/replace-text").pair(search, replace)
    }

    /// Replaces the text `search` with the image at `image_url` (`replaceImage`), with
    /// `pdf/edit/replace-text-with-image`.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::replace_text_with_image("[logo]", "https://example.com/logo.png");
    /// assert_eq!(request.path(), "pdf/edit/replace-text-with-image");
    /// assert!(request.validate().is_ok());
    /// assert!(Request::replace_text_with_image("x", "logo.png").validate().is_err());
    /// ```
    pub fn replace_text_with_image(
        search: impl Into<String>,
        image_url: impl Into<String>,
    ) -> Request<kind::ReplaceTextWithImage> {
        let search = search.into();
        let image_url = image_url.into();
        let mut request = Request::of_kind("pdf/edit/replace-text-with-image");
        if search.is_empty() {
            request = request.reject("searchString", "must not be empty");
        }
        if !(image_url.starts_with("https://") || image_url.starts_with("http://")) {
            request = request.reject("replaceImage", "the image URL must be http(s)");
        }
        request
            .set("searchString", search)
            .set("replaceImage", image_url)
    }

    /// Deletes the text `search` with `pdf/edit/delete-text`; more with
    /// [`search`](Request::search). Sent as the array `searchStrings`.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::delete_text("CONFIDENTIAL").search("DRAFT").replacement_limit(1);
    /// assert_eq!(request.path(), "pdf/edit/delete-text");
    /// assert!(request.validate().is_ok());
    /// assert!(format!("{request:?}").contains("DRAFT"));
    /// ```
    pub fn delete_text(search: impl Into<String>) -> Request<kind::DeleteText> {
        Request::of_kind("pdf/edit/delete-text").search(search)
    }

    /// Rotates pages by `angle` with `pdf/edit/rotate` (`angle`); every page unless
    /// [`pages`](Request::pages) (0-based) selects some.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{PageBase, Request, Rotation};
    ///
    /// let request = Request::rotate(Rotation::Clockwise90).pages("0,2");
    /// assert_eq!(request.path(), "pdf/edit/rotate");
    /// assert_eq!(request.page_base(), Some(PageBase::Zero));
    /// assert!(format!("{request:?}").contains(r#"\"angle\":90"#));
    /// ```
    pub fn rotate(angle: Rotation) -> Request<kind::Rotate> {
        Request::of_kind("pdf/edit/rotate").set("angle", angle.degrees())
    }

    /// Turns pages the right way up, as PDF.co's OCR reads them, with `pdf/edit/rotate/auto`.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::auto_rotate().lang("eng+deu");
    /// assert_eq!(request.path(), "pdf/edit/rotate/auto");
    /// assert!(request.validate().is_ok());
    /// assert!(Request::auto_rotate().lang("eng deu").validate().is_err());
    /// ```
    pub fn auto_rotate() -> Request<kind::AutoRotate> {
        Request::of_kind("pdf/edit/rotate/auto")
    }

    /// Deletes the pages `pages` with `pdf/edit/delete-pages`. This endpoint counts pages
    /// **from 1** (`1` is the first page, `!1` the last), and a selection naming page 0 is
    /// refused before any request.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{Error, PageBase, Request};
    ///
    /// let request = Request::delete_pages("1,3-");
    /// assert_eq!(request.page_base(), Some(PageBase::One));
    /// assert!(request.validate().is_ok());
    /// assert!(matches!(Request::delete_pages("0").validate(), Err(Error::InvalidPages { .. })));
    /// ```
    pub fn delete_pages(pages_1_based: impl Into<String>) -> Request<kind::DeletePages> {
        Request::of_kind("pdf/edit/delete-pages").pages(pages_1_based)
    }

    /// Makes a scanned PDF or an image searchable with `pdf/makesearchable`: PDF.co's OCR
    /// adds a text layer.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::make_searchable().lang("deu").pages("0-2").rect(0.0, 0.0, 300.0, 200.0);
    /// assert_eq!(request.path(), "pdf/makesearchable");
    /// assert!(request.validate().is_ok());
    /// assert!(format!("{request:?}").contains("0, 0, 300, 200"));
    /// ```
    pub fn make_searchable() -> Request<kind::MakeSearchable> {
        Request::of_kind("pdf/makesearchable")
    }

    /// Removes the text layer of a PDF, keeping its look, with `pdf/makeunsearchable`.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::make_unsearchable().pages("1-");
    /// assert_eq!(request.path(), "pdf/makeunsearchable");
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn make_unsearchable() -> Request<kind::MakeUnsearchable> {
        Request::of_kind("pdf/makeunsearchable")
    }
}

impl Request<kind::AddContent> {
    /// Adds an annotation (text or a new form field) to `annotations`; checked before any
    /// request (its pages, finite coordinates and sizes, not negative).
    pub fn annotation(self, annotation: Annotation) -> Self {
        let request = match annotation.problem() {
            Some((option, reason)) => self.reject(option, reason),
            None => self,
        };
        let all = appended(request.get("annotations"), annotation.to_value());
        request.set("annotations", all)
    }

    /// Adds an image to `images`; checked before any request (an http(s) URL, its pages,
    /// finite coordinates and sizes).
    pub fn image(self, image: ImageStamp) -> Self {
        let request = match image.problem() {
            Some((option, reason)) => self.reject(option, reason),
            None => self,
        };
        let all = appended(request.get("images"), image.to_value());
        request.set("images", all)
    }

    /// Adds a form-field value to `fields`; checked before any request (a field name, its
    /// pages).
    pub fn field(self, field: FieldValue) -> Self {
        let request = match field.problem() {
            Some((option, reason)) => self.reject(option, reason),
            None => self,
        };
        let all = appended(request.get("fields"), field.to_value());
        request.set("fields", all)
    }

    /// Annotations in PDF.co's older string form (`annotationsString`), sent as given:
    /// `x;y;pages;text;size;font;color;link;transparent`, entries joined by `|`.
    ///
    /// Defaults to none.
    pub fn annotations_string(self, annotations: impl Into<String>) -> Self {
        self.set("annotationsString", annotations.into())
    }

    /// Images in PDF.co's older string form (`imagesString`), sent as given.
    ///
    /// Defaults to none.
    pub fn images_string(self, images: impl Into<String>) -> Self {
        self.set("imagesString", images.into())
    }

    /// Field values in PDF.co's older string form (`fieldsString`), sent as given.
    ///
    /// Defaults to none.
    pub fn fields_string(self, fields: impl Into<String>) -> Self {
        self.set("fieldsString", fields.into())
    }

    /// Values for `{{name}}` macros in the added text (`templateData`), sent as the JSON
    /// text PDF.co expects.
    ///
    /// Defaults to none.
    pub fn template_data(self, data: &Value) -> Self {
        self.set("templateData", data.to_string())
    }
}

impl Request<kind::ReplaceText> {
    /// Adds a pair: every `search` found becomes `replace` (one more entry in
    /// `searchStrings` and `replaceStrings`). An empty `search` is refused before any
    /// request.
    pub fn pair(self, search: impl Into<String>, replace: impl Into<String>) -> Self {
        let search = search.into();
        let request = if search.is_empty() {
            self.reject("searchStrings", "a search string must not be empty")
        } else {
            self
        };
        let searches = appended(request.get("searchStrings"), Value::from(search));
        let replaces = appended(request.get("replaceStrings"), Value::from(replace.into()));
        request
            .set("searchStrings", searches)
            .set("replaceStrings", replaces)
    }

    /// Leaves the result without a text layer, as [`Request::make_unsearchable`] does
    /// (`makeUnsearchable`).
    ///
    /// Defaults to `false`.
    pub fn unsearchable(self, unsearchable: bool) -> Self {
        self.set("makeUnsearchable", unsearchable)
    }
}

impl Request<kind::DeleteText> {
    /// Adds a text to delete (one more entry in `searchStrings`). An empty one is refused
    /// before any request.
    pub fn search(self, search: impl Into<String>) -> Self {
        let search = search.into();
        let request = if search.is_empty() {
            self.reject("searchStrings", "a search string must not be empty")
        } else {
            self
        };
        let searches = appended(request.get("searchStrings"), Value::from(search));
        request.set("searchStrings", searches)
    }
}

/// The search options of the three text-search edits.
macro_rules! search_options {
    ($($kind:ty),*) => {$(
        impl Request<$kind> {
            /// Reads the search strings as regular expressions (`regex`).
            ///
            /// Defaults to `false`.
            pub fn regex(self, regex: bool) -> Self {
                self.set("regex", regex)
            }

            /// Whether the search tells upper from lower case (`caseSensitive`).
            ///
            /// Defaults to PDF.co's `true`.
            pub fn case_sensitive(self, case_sensitive: bool) -> Self {
                self.set("caseSensitive", case_sensitive)
            }

            /// At most this many replacements per search string (`replacementLimit`); `0`
            /// means no limit.
            ///
            /// Defaults to `0`.
            pub fn replacement_limit(self, limit: u32) -> Self {
                self.set("replacementLimit", limit)
            }
        }
    )*};
}

search_options!(
    kind::ReplaceText,
    kind::ReplaceTextWithImage,
    kind::DeleteText
);

/// The OCR language setter of the OCR endpoints.
macro_rules! lang_option {
    ($($kind:ty),*) => {$(
        impl Request<$kind> {
            /// The OCR language, such as `eng`, `deu` or `eng+deu` (`lang`); checked before any
            /// request.
            ///
            /// Defaults to PDF.co's `eng`.
            pub fn lang(self, lang: impl Into<String>) -> Self {
                let lang = lang.into();
                let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '_' | '-');
                let request = if lang.is_empty() || !lang.chars().all(ok) {
                    self.reject("lang", "expected language codes such as `eng` or `eng+deu`")
                } else {
                    self
                };
                request.set("lang", lang)
            }
        }
    )*};
}

lang_option!(kind::AutoRotate, kind::MakeSearchable);

impl Request<kind::MakeSearchable> {
    /// Reads only the area at (`x`, `y`) of `width` by `height` points on each page
    /// (`rect`). Checked before any request: finite, not negative, and not empty.
    ///
    /// Defaults to the whole page.
    pub fn rect(self, x: f64, y: f64, width: f64, height: f64) -> Self {
        let values = [x, y, width, height];
        let request = if values.iter().any(|v| !v.is_finite() || *v < 0.0) {
            self.reject("rect", "every value must be a finite number, not negative")
        } else if width == 0.0 || height == 0.0 {
            self.reject("rect", "width and height must be above zero")
        } else {
            self
        };
        request.set("rect", format!("{x}, {y}, {width}, {height}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use serde_json::json;

    fn option(request: &Request<impl Sized>) -> Option<&'static str> {
        match request.validate() {
            Err(Error::InvalidOption { option, .. }) => Some(option),
            _ => None,
        }
    }

    #[test]
    fn bodies_use_pdf_co_spelling() {
        let body = Request::replace_text("a", "b").pair("c", "d").body(&[]);
        assert_eq!(body["searchStrings"], json!(["a", "c"]));
        assert_eq!(body["replaceStrings"], json!(["b", "d"]));
        let body = Request::add_content()
            .annotation(Annotation::new(1.0, 2.0, "t").kind(AnnotationType::TextField))
            .annotation(Annotation::new(3.0, 4.0, "u").alignment(Alignment::Center))
            .template_data(&json!({ "n": 1 }))
            .body(&[]);
        assert_eq!(body["annotations"][0]["type"], "textField");
        assert_eq!(body["annotations"][1]["alignment"], "center");
        assert_eq!(body["templateData"], "{\"n\":1}");
        assert_eq!(
            Request::rotate(Rotation::Clockwise180).body(&[])["angle"],
            180
        );
    }

    #[test]
    fn bad_values_are_refused_locally() {
        let bad = Annotation::new(f64::NAN, 0.0, "x");
        assert_eq!(option(&Request::add_content().annotation(bad)), Some("x"));
        let bad = Annotation::new(0.0, 0.0, "x").pages("a");
        assert_eq!(
            option(&Request::add_content().annotation(bad)),
            Some("pages")
        );
        let bad = ImageStamp::new("file:///etc/passwd", 0.0, 0.0);
        assert_eq!(option(&Request::add_content().image(bad)), Some("images"));
        let bad = FieldValue::new(" ", "x");
        assert_eq!(option(&Request::add_content().field(bad)), Some("fields"));
        assert_eq!(option(&Request::delete_text("")), Some("searchStrings"));
        assert_eq!(
            option(&Request::make_searchable().rect(0.0, 0.0, 0.0, 5.0)),
            Some("rect")
        );
        assert_eq!(option(&Request::make_searchable().lang("")), Some("lang"));
    }
}
