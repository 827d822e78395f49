//! The typed results of the parsers, the classifier and the email endpoints, read from the
//! answer's JSON. Each keeps the value it was read from ([`raw`](ParsedDocument::raw)), and
//! each accessor is an `Option` (or empty) where PDF.co may leave the field out.

use serde_json::{Map, Value};

use crate::Error;
use crate::json::{not_shaped, number};

/// The data itself, whether given as it is, or as the whole answer that holds it in `body`.
fn unwrap_body<'a>(value: &'a Value, marker: &str) -> &'a Value {
    match value.get("body") {
        Some(body) if value.get(marker).is_none() && body.is_object() => body,
        _ => value,
    }
}

/// A value as text: a string as it is, a number or boolean written out, a list of strings
/// joined with `, `; objects give `None`.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let texts: Option<Vec<String>> = items.iter().map(text_of).collect();
            texts.map(|t| t.join(", "))
        }
        _ => None,
    }
}

/// The text of `name` in `value`, tolerant of its type.
fn field(value: &Value, name: &str) -> Option<String> {
    value.get(name).and_then(text_of)
}

/// The result of `pdf/documentparser`: the template that was applied and the objects
/// (fields and tables) it found.
///
/// # Example
///
/// ```
/// use pdfco::{ParsedDocument, ParsedObjectKind};
/// use serde_json::json;
///
/// let body = json!({
///     "templateName": "Invoice", "templateVersion": "4", "timestamp": "2026-12-03T10:00:00",
///     "objects": [
///         { "name": "total", "objectType": "field", "value": "450.00", "pageIndex": 0,
///           "rectangle": [10, 20, 30, 8] },
///         { "name": "items", "objectType": "table", "rows": [
///             { "description": { "value": "Widget" }, "amount": { "value": 450 } } ] },
///     ],
/// });
/// let parsed = ParsedDocument::from_value(&body)?;
/// assert_eq!(parsed.template_name(), Some("Invoice"));
/// let total = parsed.object("total").unwrap();
/// assert_eq!(total.kind(), &ParsedObjectKind::Field);
/// assert_eq!(total.text().as_deref(), Some("450.00"));
/// assert_eq!(total.rectangle(), Some([10.0, 20.0, 30.0, 8.0]));
/// let items = parsed.object("items").unwrap();
/// assert_eq!(items.rows()[0].text("amount").as_deref(), Some("450"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    template_name: Option<String>,
    template_version: Option<String>,
    timestamp: Option<String>,
    objects: Vec<ParsedObject>,
    raw: Value,
}

impl ParsedDocument {
    /// Reads the parser's result: its `body` (with `objects`), or the whole answer that
    /// holds it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if it is not a JSON object, or its `objects` is not a list.
    pub fn from_value(value: &Value) -> Result<ParsedDocument, Error> {
        let body = unwrap_body(value, "objects");
        if !body.is_object() {
            return Err(not_shaped(
                "the parser's result is not a JSON object",
                value,
            ));
        }
        let objects = match body.get("objects") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().map(ParsedObject::from_value).collect(),
            Some(_) => return Err(not_shaped("the parser's `objects` is not a list", value)),
        };
        Ok(ParsedDocument {
            template_name: field(body, "templateName"),
            template_version: field(body, "templateVersion"),
            timestamp: field(body, "timestamp"),
            objects,
            raw: body.clone(),
        })
    }

    /// The applied template's name (`templateName`).
    pub fn template_name(&self) -> Option<&str> {
        self.template_name.as_deref()
    }

    /// The applied template's version (`templateVersion`), a number or a string at PDF.co.
    pub fn template_version(&self) -> Option<&str> {
        self.template_version.as_deref()
    }

    /// When the document was parsed (`timestamp`), as PDF.co wrote it.
    pub fn timestamp(&self) -> Option<&str> {
        self.timestamp.as_deref()
    }

    /// The fields and tables found, in the template's order.
    pub fn objects(&self) -> &[ParsedObject] {
        &self.objects
    }

    /// The first object named `name`.
    pub fn object(&self, name: &str) -> Option<&ParsedObject> {
        self.objects.iter().find(|o| o.name == name)
    }

    /// The JSON it was read from (the result's `body`).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// What a parsed object is (`objectType`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParsedObjectKind {
    /// `field`: one value.
    Field,
    /// `table`: rows of named columns.
    Table,
    /// Another type, as PDF.co named it.
    Other(String),
}

/// One field or table of a [`ParsedDocument`].
#[derive(Debug, Clone)]
pub struct ParsedObject {
    name: String,
    kind: ParsedObjectKind,
    rows: Vec<ParsedRow>,
    raw: Value,
}

impl ParsedObject {
    fn from_value(value: &Value) -> ParsedObject {
        let kind = match value.get("objectType").and_then(Value::as_str) {
            Some(t) if t.eq_ignore_ascii_case("field") => ParsedObjectKind::Field,
            Some(t) if t.eq_ignore_ascii_case("table") => ParsedObjectKind::Table,
            Some(t) => ParsedObjectKind::Other(t.to_string()),
            None if value.get("rows").is_some() => ParsedObjectKind::Table,
            None => ParsedObjectKind::Field,
        };
        let rows = match value.get("rows") {
            Some(Value::Array(rows)) => rows
                .iter()
                .map(|row| ParsedRow { raw: row.clone() })
                .collect(),
            _ => Vec::new(),
        };
        ParsedObject {
            name: field(value, "name").unwrap_or_default(),
            kind,
            rows,
            raw: value.clone(),
        }
    }

    /// The object's name in the template (`name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it is a field or a table (`objectType`).
    pub fn kind(&self) -> &ParsedObjectKind {
        &self.kind
    }

    /// A field's value (`value`), as PDF.co sent it; `None` when nothing was found.
    pub fn value(&self) -> Option<&Value> {
        self.raw.get("value").filter(|v| !v.is_null())
    }

    /// A field's value as text (a number written out).
    pub fn text(&self) -> Option<String> {
        self.value().and_then(text_of)
    }

    /// A table's rows (`rows`); empty for a field.
    pub fn rows(&self) -> &[ParsedRow] {
        &self.rows
    }

    /// The page the object was found on, from 0 (`pageIndex`).
    pub fn page_index(&self) -> Option<u32> {
        number(self.raw.get("pageIndex")).map(|n| n.max(0.0) as u32)
    }

    /// Where it was found (`rectangle`): x, y, width and height in points.
    pub fn rectangle(&self) -> Option<[f64; 4]> {
        rectangle(self.raw.get("rectangle"))
    }

    /// The JSON it was read from.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// A rectangle sent as a list of four numbers or as `"x, y, w, h"`.
fn rectangle(value: Option<&Value>) -> Option<[f64; 4]> {
    let numbers: Vec<f64> = match value? {
        Value::Array(items) => items
            .iter()
            .map(|v| number(Some(v)))
            .collect::<Option<_>>()?,
        Value::String(s) => s
            .split(',')
            .map(|p| p.trim().parse().ok())
            .collect::<Option<_>>()?,
        _ => return None,
    };
    numbers.try_into().ok()
}

/// One row of a parsed table: its cells by column name.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    raw: Value,
}

impl ParsedRow {
    /// The column names, sorted (JSON objects are read with their members sorted by name;
    /// the template gives the columns' own order).
    pub fn columns(&self) -> Vec<&str> {
        match &self.raw {
            Value::Object(cells) => cells.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// A cell's value: the `value` of a cell object, or the cell itself when it is a plain
    /// value.
    pub fn value(&self, column: &str) -> Option<&Value> {
        let cell = self.raw.get(column)?;
        match cell {
            Value::Object(members) => members.get("value"),
            other => Some(other),
        }
        .filter(|v| !v.is_null())
    }

    /// A cell's value as text.
    pub fn text(&self, column: &str) -> Option<String> {
        self.value(column).and_then(text_of)
    }

    /// The JSON it was read from.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// The document parser templates of an account (`pdf/documentparser/templates`).
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "templates": [{ "id": 7, "title": "Invoice", "type": "system" }] });
/// let list = pdfco::ParserTemplates::from_value(&answer)?;
/// assert_eq!(list.templates()[0].id(), Some(7));
/// assert_eq!(list.templates()[0].title(), Some("Invoice"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ParserTemplates {
    templates: Vec<ParserTemplateInfo>,
    raw: Value,
}

impl ParserTemplates {
    /// Reads the list: the answer (with `templates`), or the list itself.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if there is no list of templates.
    pub fn from_value(value: &Value) -> Result<ParserTemplates, Error> {
        let list = match value {
            Value::Array(_) => value,
            _ => value
                .get("templates")
                .or_else(|| value.get("body").and_then(|b| b.get("templates")))
                .unwrap_or(&Value::Null),
        };
        let Value::Array(items) = list else {
            return Err(not_shaped("no list of `templates` in the JSON", value));
        };
        Ok(ParserTemplates {
            templates: items.iter().map(ParserTemplateInfo::of_object).collect(),
            raw: value.clone(),
        })
    }

    /// The templates, as listed.
    pub fn templates(&self) -> &[ParserTemplateInfo] {
        &self.templates
    }

    /// The JSON it was read from.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// One document parser template (`pdf/documentparser/templates/{id}`, or an entry of the
/// list): its id, title, type and, when fetched alone, its text.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "id": 7, "title": "Invoice", "type": "user", "body": "templateName: x" });
/// let template = pdfco::ParserTemplateInfo::from_value(&answer)?;
/// assert_eq!(template.template_type(), Some("user"));
/// assert_eq!(template.body(), Some("templateName: x"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ParserTemplateInfo {
    raw: Value,
}

impl ParserTemplateInfo {
    fn of_object(value: &Value) -> ParserTemplateInfo {
        ParserTemplateInfo { raw: value.clone() }
    }

    /// Reads a template: the whole answer of `pdf/documentparser/templates/{id}` (as
    /// [`Output::answer`](crate::Output::answer) holds it), or only its text (a string, as a
    /// run's [`json`](crate::Run::json) gives it, since the endpoint's data is its `body`).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] for anything but an object or a string.
    pub fn from_value(value: &Value) -> Result<ParserTemplateInfo, Error> {
        match value {
            Value::Object(_) => Ok(ParserTemplateInfo::of_object(value)),
            Value::String(text) => Ok(ParserTemplateInfo {
                raw: Value::Object(Map::from_iter([("body".to_string(), text.clone().into())])),
            }),
            _ => Err(not_shaped("a template is not a JSON object", value)),
        }
    }

    /// The template's id (`id`), a number or a numeric string at PDF.co.
    pub fn id(&self) -> Option<u64> {
        match self.raw.get("id")? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Its title (`title`).
    pub fn title(&self) -> Option<&str> {
        self.raw.get("title").and_then(Value::as_str)
    }

    /// `user` or `system` (`type`).
    pub fn template_type(&self) -> Option<&str> {
        self.raw.get("type").and_then(Value::as_str)
    }

    /// Its description (`description`).
    pub fn description(&self) -> Option<&str> {
        self.raw.get("description").and_then(Value::as_str)
    }

    /// When it was made (`created_at`), as PDF.co wrote it.
    pub fn created_at(&self) -> Option<&str> {
        self.raw.get("created_at").and_then(Value::as_str)
    }

    /// When it was last changed (`updated_at`), as PDF.co wrote it.
    pub fn updated_at(&self) -> Option<&str> {
        self.raw.get("updated_at").and_then(Value::as_str)
    }

    /// The template's text (`body`), given when one template is fetched.
    pub fn body(&self) -> Option<&str> {
        self.raw.get("body").and_then(Value::as_str)
    }

    /// The JSON it was read from.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// What the AI invoice parser found (`ai-invoice-parser`): the vendor, the customer, the
/// invoice's number and dates, the amounts and the line items. Every accessor is tolerant:
/// PDF.co's AI leaves out what it did not find, and writes amounts as numbers or strings.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let body = json!({
///     "vendor": { "name": "Acme Ltd" },
///     "customer": { "billTo": { "name": "Buyer Inc" } },
///     "invoice": { "invoiceNo": "INV-7", "invoiceDate": "2026-12-01", "dueDate": "2026-12-31" },
///     "paymentDetails": { "total": 450.5, "subtotal": "400.00", "tax": "50.50" },
///     "lineItems": [{ "description": "Widget", "quantity": 2 }],
/// });
/// let invoice = pdfco::Invoice::from_value(&body)?;
/// assert_eq!(invoice.vendor_name().as_deref(), Some("Acme Ltd"));
/// assert_eq!(invoice.invoice_number().as_deref(), Some("INV-7"));
/// assert_eq!(invoice.total().as_deref(), Some("450.5"));
/// assert_eq!(invoice.line_items().len(), 1);
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Invoice {
    raw: Value,
}

impl Invoice {
    /// Reads the parser's result: its `body`, or the whole answer that holds it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if it is not a JSON object.
    pub fn from_value(value: &Value) -> Result<Invoice, Error> {
        let body = match value.get("body") {
            Some(body) if body.is_object() => body,
            _ => value,
        };
        match body {
            Value::Object(_) => Ok(Invoice { raw: body.clone() }),
            _ => Err(not_shaped("the invoice is not a JSON object", value)),
        }
    }

    fn at(&self, path: &[&str]) -> Option<&Value> {
        path.iter()
            .try_fold(&self.raw, |v, key| v.get(key))
            .filter(|v| !v.is_null())
    }

    /// The vendor (`vendor`), as PDF.co sent it.
    pub fn vendor(&self) -> Option<&Value> {
        self.at(&["vendor"])
    }

    /// The vendor's name: `vendor.name`, or `vendor` itself when it is text.
    pub fn vendor_name(&self) -> Option<String> {
        let vendor = self.vendor()?;
        vendor
            .get("name")
            .and_then(text_of)
            .or_else(|| text_of(vendor))
    }

    /// Whom the invoice is billed to (`customer.billTo`), as PDF.co sent it.
    pub fn bill_to(&self) -> Option<&Value> {
        self.at(&["customer", "billTo"])
    }

    /// The invoice number (`invoice.invoiceNo`).
    pub fn invoice_number(&self) -> Option<String> {
        self.at(&["invoice", "invoiceNo"]).and_then(text_of)
    }

    /// The invoice date (`invoice.invoiceDate`), as written.
    pub fn invoice_date(&self) -> Option<String> {
        self.at(&["invoice", "invoiceDate"]).and_then(text_of)
    }

    /// The due date (`invoice.dueDate`), as written.
    pub fn due_date(&self) -> Option<String> {
        self.at(&["invoice", "dueDate"]).and_then(text_of)
    }

    /// The purchase order number (`invoice.poNo`).
    pub fn po_number(&self) -> Option<String> {
        self.at(&["invoice", "poNo"]).and_then(text_of)
    }

    /// The total (`paymentDetails.total`), as written.
    pub fn total(&self) -> Option<String> {
        self.at(&["paymentDetails", "total"]).and_then(text_of)
    }

    /// The subtotal (`paymentDetails.subtotal`), as written.
    pub fn subtotal(&self) -> Option<String> {
        self.at(&["paymentDetails", "subtotal"]).and_then(text_of)
    }

    /// The tax (`paymentDetails.tax`), as written.
    pub fn tax(&self) -> Option<String> {
        self.at(&["paymentDetails", "tax"]).and_then(text_of)
    }

    /// The line items (`lineItems`), as PDF.co sent them; empty when there are none.
    pub fn line_items(&self) -> &[Value] {
        self.at(&["lineItems"])
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// The JSON it was read from (the result's `body`).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// The classes `pdf/classifier` gave a document (`body.classes[].class`), best first.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let answer = json!({ "body": { "classes": [{ "class": "invoice" }, { "class": "finance" }] } });
/// let classes = pdfco::Classes::from_value(&answer)?;
/// assert_eq!(classes.names(), ["invoice", "finance"]);
/// assert!(classes.contains("finance"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Classes {
    names: Vec<String>,
    raw: Value,
}

impl Classes {
    /// Reads the classes: the result's `body` (with `classes`), the whole answer that holds
    /// it, or the list itself; each entry an object with `class` or a plain string.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if there is no list of classes.
    pub fn from_value(value: &Value) -> Result<Classes, Error> {
        let list = match value {
            Value::Array(_) => value,
            _ => value
                .get("classes")
                .or_else(|| value.get("body").and_then(|b| b.get("classes")))
                .unwrap_or(&Value::Null),
        };
        let Value::Array(items) = list else {
            return Err(not_shaped("no list of `classes` in the JSON", value));
        };
        let names = items
            .iter()
            .filter_map(|item| match item {
                Value::Object(_) => field(item, "class"),
                other => text_of(other),
            })
            .collect();
        Ok(Classes {
            names,
            raw: value.clone(),
        })
    }

    /// The class names, in PDF.co's order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The first class, if any matched.
    pub fn first(&self) -> Option<&str> {
        self.names.first().map(String::as_str)
    }

    /// Whether `class` is among them.
    pub fn contains(&self, class: &str) -> bool {
        self.names.iter().any(|n| n == class)
    }

    /// The JSON it was read from.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// A decoded email (`email/decode`): sender, recipients, subject, date and bodies.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let body = json!({ "from": "a@example.com", "to": ["b@example.com", "c@example.com"],
///                    "subject": "Hi", "bodyText": "Hello", "bodyHtml": "<p>Hello</p>" });
/// let email = pdfco::Email::from_value(&body)?;
/// assert_eq!(email.to().as_deref(), Some("b@example.com, c@example.com"));
/// assert_eq!(email.body_text().as_deref(), Some("Hello"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Email {
    raw: Value,
}

impl Email {
    /// Reads the decoded email: the result's `body`, or the whole answer that holds it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if it is not a JSON object.
    pub fn from_value(value: &Value) -> Result<Email, Error> {
        let body = unwrap_body(value, "subject");
        match body {
            Value::Object(_) => Ok(Email { raw: body.clone() }),
            _ => Err(not_shaped("the email is not a JSON object", value)),
        }
    }

    /// The sender (`from`), as in the header.
    pub fn sender(&self) -> Option<String> {
        field(&self.raw, "from")
    }

    /// The recipients (`to`), comma-separated when PDF.co lists several.
    pub fn to(&self) -> Option<String> {
        field(&self.raw, "to")
    }

    /// The copies (`cc`), comma-separated when PDF.co lists several.
    pub fn cc(&self) -> Option<String> {
        field(&self.raw, "cc")
    }

    /// The subject (`subject`).
    pub fn subject(&self) -> Option<String> {
        field(&self.raw, "subject")
    }

    /// The date (`date`), as written.
    pub fn date(&self) -> Option<String> {
        field(&self.raw, "date")
    }

    /// The plain-text body (`bodyText`).
    pub fn body_text(&self) -> Option<String> {
        field(&self.raw, "bodyText")
    }

    /// The HTML body (`bodyHtml`).
    pub fn body_html(&self) -> Option<String> {
        field(&self.raw, "bodyHtml")
    }

    /// The JSON it was read from (the result's `body`).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// An email's attachments, each stored as a file at PDF.co
/// (`email/extract-attachments`), with the message's sender, subject and text.
///
/// # Example
///
/// ```
/// use serde_json::json;
///
/// let body = json!({ "from": "a@example.com", "subject": "Report",
///                    "attachments": [{ "filename": "r.pdf", "url": "https://example.com/r.pdf" }] });
/// let found = pdfco::EmailAttachments::from_value(&body)?;
/// assert_eq!(found.attachments()[0].filename(), Some("r.pdf"));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct EmailAttachments {
    attachments: Vec<EmailAttachment>,
    raw: Value,
}

impl EmailAttachments {
    /// Reads the result: its `body` (with `attachments`), or the whole answer that holds
    /// it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] if it is not a JSON object, or its `attachments` is not a list.
    pub fn from_value(value: &Value) -> Result<EmailAttachments, Error> {
        let body = unwrap_body(value, "attachments");
        if !body.is_object() {
            return Err(not_shaped("the result is not a JSON object", value));
        }
        let attachments = match body.get("attachments") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| EmailAttachment { raw: item.clone() })
                .collect(),
            Some(_) => return Err(not_shaped("`attachments` is not a list", value)),
        };
        Ok(EmailAttachments {
            attachments,
            raw: body.clone(),
        })
    }

    /// The sender (`from`).
    pub fn sender(&self) -> Option<String> {
        field(&self.raw, "from")
    }

    /// The subject (`subject`).
    pub fn subject(&self) -> Option<String> {
        field(&self.raw, "subject")
    }

    /// The plain-text body (`bodyText`).
    pub fn body_text(&self) -> Option<String> {
        field(&self.raw, "bodyText")
    }

    /// The attachments, in the message's order.
    pub fn attachments(&self) -> &[EmailAttachment] {
        &self.attachments
    }

    /// The JSON it was read from (the result's `body`).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// One attachment of an email: its file name and the link to its file at PDF.co.
#[derive(Debug, Clone)]
pub struct EmailAttachment {
    raw: Value,
}

impl EmailAttachment {
    /// The attachment's file name (`filename`).
    pub fn filename(&self) -> Option<&str> {
        self.raw.get("filename").and_then(Value::as_str)
    }

    /// The link to its file (`url`). It carries a signature; treat it as a secret.
    pub fn url(&self) -> Option<&str> {
        self.raw.get("url").and_then(Value::as_str)
    }

    /// The JSON it was read from.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}
