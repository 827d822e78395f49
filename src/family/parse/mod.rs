//! Parsers and classifier (`pdf/documentparser` and its templates, `ai-invoice-parser`,
//! `pdf/classifier`) and email (`email/send`, `email/decode`, `email/extract-attachments`):
//! typed requests here, typed results in `results`.

mod results;

pub use results::{
    Classes, Email, EmailAttachment, EmailAttachments, Invoice, ParsedDocument, ParsedObject,
    ParsedObjectKind, ParsedRow, ParserTemplateInfo, ParserTemplates,
};

use std::fmt;

use crate::Request;
use crate::redact::Secret;

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {
    /// `pdf/documentparser` ([`Request::parse_document`](crate::Request::parse_document)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct DocumentParse;

    /// `pdf/documentparser/templates`
    /// ([`Request::parser_templates`](crate::Request::parser_templates)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct ParserTemplateList;

    /// `pdf/documentparser/templates/{id}`
    /// ([`Request::parser_template`](crate::Request::parser_template)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct ParserTemplateGet;

    /// `ai-invoice-parser` ([`Request::parse_invoice`](crate::Request::parse_invoice)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct InvoiceParse;

    /// `pdf/classifier` ([`Request::classify`](crate::Request::classify),
    /// [`Request::classify_with_rules_url`](crate::Request::classify_with_rules_url)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Classify;

    /// `email/send` ([`Request::send_email`](crate::Request::send_email)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct EmailSend;

    /// `email/decode` ([`Request::decode_email`](crate::Request::decode_email)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct EmailDecode;

    /// `email/extract-attachments`
    /// ([`Request::extract_email_attachments`](crate::Request::extract_email_attachments)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct EmailAttachmentExtract;
}

/// The template a document parser run applies: one stored at PDF.co by its id
/// (`templateId`), or the template's own text (`template`, YAML or JSON as PDF.co's
/// template editor writes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParserTemplate {
    /// A stored template's id (`templateId`), as listed by
    /// [`Request::parser_templates`].
    Id(u64),
    /// A template's text (`template`).
    Text(String),
}

/// The format of a document parser result (`outputFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParserOutputFormat {
    /// `JSON`, PDF.co's default.
    Json,
    /// `YAML`.
    Yaml,
    /// `XML`.
    Xml,
    /// `CSV`.
    Csv,
}

impl ParserOutputFormat {
    fn code(self) -> &'static str {
        match self {
            ParserOutputFormat::Json => "JSON",
            ParserOutputFormat::Yaml => "YAML",
            ParserOutputFormat::Xml => "XML",
            ParserOutputFormat::Csv => "CSV",
        }
    }
}

/// How a classifier rule combines its keywords.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClassifierLogic {
    /// `AND`: every keyword must occur.
    And,
    /// `OR`: one keyword is enough.
    Or,
}

/// One line of the classifier's CSV rules: `class,AND|OR,keyword1,keyword2...`, where a
/// keyword written as `/.../` is a regular expression.
///
/// # Example
///
/// ```
/// use pdfco::{ClassifierLogic, ClassifierRule, Request};
///
/// let rules = [
///     ClassifierRule::new("invoice", ClassifierLogic::Or, ["Invoice", "/INV-\\d+/"]),
///     ClassifierRule::new("receipt", ClassifierLogic::And, ["Receipt", "Paid, thank you"]),
/// ];
/// let csv = ClassifierRule::to_csv(&rules);
/// assert_eq!(csv, "invoice,OR,Invoice,/INV-\\d+/\nreceipt,AND,Receipt,\"Paid, thank you\"\n");
/// assert!(Request::classify(csv).validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassifierRule {
    class: String,
    logic: ClassifierLogic,
    keywords: Vec<String>,
}

impl ClassifierRule {
    /// A rule giving `class` to documents whose text holds the `keywords` as `logic` says.
    pub fn new<I, S>(class: impl Into<String>, logic: ClassifierLogic, keywords: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ClassifierRule {
            class: class.into(),
            logic,
            keywords: keywords.into_iter().map(Into::into).collect(),
        }
    }

    /// The rules as the CSV text [`Request::classify`] takes: one line each, a field quoted
    /// when it holds a comma, a quote or a line break.
    pub fn to_csv(rules: &[ClassifierRule]) -> String {
        let mut out = String::new();
        for rule in rules {
            let logic = match rule.logic {
                ClassifierLogic::And => "AND",
                ClassifierLogic::Or => "OR",
            };
            let fields = [rule.class.as_str(), logic]
                .into_iter()
                .chain(rule.keywords.iter().map(String::as_str));
            let line: Vec<String> = fields.map(csv_field).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The SMTP server `email/send` sends through: `smtpServer`, `smtpPort`, `smtpUsername` and
/// `smtpPassword`. The password is never printed.
///
/// # Example
///
/// ```
/// let smtp = pdfco::Smtp::new("smtp.example.com", 587, "me@example.com", "app-password");
/// assert!(!format!("{smtp:?}").contains("app-password"));
/// ```
#[derive(Clone)]
pub struct Smtp {
    server: String,
    port: u16,
    username: String,
    password: Secret,
}

impl Smtp {
    /// The server's host name, its port, and the account's user name and password.
    pub fn new(
        server: impl Into<String>,
        port: u16,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Smtp {
            server: server.into(),
            port,
            username: username.into(),
            password: Secret::new(password),
        }
    }
}

impl fmt::Debug for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smtp")
            .field("server", &self.server)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

/// A message for `email/send`: `from`, `to` and `subject`, and optionally `replyTo`, `cc`,
/// `bcc`, `bodyText` and `bodyHtml`. Addresses are as in a mail header
/// (`Name <me@example.com>`, several comma-separated).
///
/// # Example
///
/// ```
/// let message = pdfco::EmailMessage::new("me@example.com", "you@example.com", "Report")
///     .cc("boss@example.com")
///     .body_text("Attached.");
/// assert!(format!("{message:?}").contains("Report"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailMessage {
    from: String,
    to: String,
    subject: String,
    reply_to: Option<String>,
    cc: Option<String>,
    bcc: Option<String>,
    body_text: Option<String>,
    body_html: Option<String>,
}

impl EmailMessage {
    /// A message from `from` to `to` with `subject`.
    pub fn new(from: impl Into<String>, to: impl Into<String>, subject: impl Into<String>) -> Self {
        EmailMessage {
            from: from.into(),
            to: to.into(),
            subject: subject.into(),
            reply_to: None,
            cc: None,
            bcc: None,
            body_text: None,
            body_html: None,
        }
    }

    /// Where replies go (`replyTo`).
    ///
    /// Defaults to none.
    pub fn reply_to(mut self, address: impl Into<String>) -> Self {
        self.reply_to = Some(address.into());
        self
    }

    /// Copies to (`cc`).
    ///
    /// Defaults to none.
    pub fn cc(mut self, addresses: impl Into<String>) -> Self {
        self.cc = Some(addresses.into());
        self
    }

    /// Blind copies to (`bcc`).
    ///
    /// Defaults to none.
    pub fn bcc(mut self, addresses: impl Into<String>) -> Self {
        self.bcc = Some(addresses.into());
        self
    }

    /// The plain-text body (`bodyText`).
    ///
    /// Defaults to none.
    pub fn body_text(mut self, text: impl Into<String>) -> Self {
        self.body_text = Some(text.into());
        self
    }

    /// The HTML body (`bodyHtml`).
    ///
    /// Defaults to none.
    pub fn body_html(mut self, html: impl Into<String>) -> Self {
        self.body_html = Some(html.into());
        self
    }
}

/// Whether an address list looks like one: not empty, each comma-separated entry with an
/// `@`.
fn addresses_ok(list: &str) -> bool {
    !list.trim().is_empty() && list.split(',').all(|a| a.contains('@'))
}

impl Request {
    /// Parses a document with a document parser template (`pdf/documentparser`): a stored
    /// template by id (`templateId`) or the template's text (`template`). Pages count from 0.
    /// The result is read with [`ParsedDocument::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{ParserOutputFormat, ParserTemplate, Request};
    ///
    /// let request = Request::parse_document(ParserTemplate::Id(1))
    ///     .output_format(ParserOutputFormat::Json)
    ///     .inline(true)
    ///     .pages("0");
    /// assert_eq!(request.path(), "pdf/documentparser");
    /// assert!(format!("{request:?}").contains(r#"templateId\":1"#));
    /// assert!(Request::parse_document(ParserTemplate::Text(" ".into())).validate().is_err());
    /// ```
    pub fn parse_document(template: ParserTemplate) -> Request<kind::DocumentParse> {
        let request = Request::of_kind("pdf/documentparser");
        match template {
            ParserTemplate::Id(id) => request.set("templateId", id),
            ParserTemplate::Text(text) if text.trim().is_empty() => request
                .set("template", text)
                .reject("template", "the template text must not be empty"),
            ParserTemplate::Text(text) => request.set("template", text),
        }
    }

    /// Lists the document parser templates of the account
    /// (`GET pdf/documentparser/templates`); read the answer with
    /// [`ParserTemplates::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::parser_templates();
    /// assert_eq!(request.path(), "pdf/documentparser/templates");
    /// assert!(!request.is_asynchronous());
    /// ```
    pub fn parser_templates() -> Request<kind::ParserTemplateList> {
        Request::of_kind("pdf/documentparser/templates")
    }

    /// One document parser template, with its text
    /// (`GET pdf/documentparser/templates/{id}`); read the answer with
    /// [`ParserTemplateInfo::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::parser_template(42);
    /// assert_eq!(request.path(), "pdf/documentparser/templates/42");
    /// ```
    pub fn parser_template(id: u64) -> Request<kind::ParserTemplateGet> {
        Request::of_kind(&format!("pdf/documentparser/templates/{id}"))
    }

    /// Reads an invoice with PDF.co's AI invoice parser (`ai-invoice-parser`). It always
    /// runs as a job (it takes no `async`); a [`callback`](Request::callback) is allowed.
    /// The result is read with [`Invoice::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::parse_invoice().custom_fields(["shippingMethod", "iban"]);
    /// assert!(request.is_asynchronous());
    /// assert!(format!("{request:?}").contains(r#"customfield\":\"shippingMethod,iban"#));
    /// ```
    pub fn parse_invoice() -> Request<kind::InvoiceParse> {
        Request::of_kind("ai-invoice-parser")
    }

    /// Classifies a document by rules given as CSV text (`rulescsv`): one rule a line,
    /// `class,AND|OR,keyword1,keyword2...`, a keyword written `/.../` being a regular
    /// expression ([`ClassifierRule::to_csv`] writes them). The result is read with
    /// [`Classes::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::classify("invoice,OR,Invoice,Total").case_sensitive(false);
    /// assert_eq!(request.path(), "pdf/classifier");
    /// assert!(format!("{request:?}").contains("rulescsv"));
    /// assert!(pdfco::Request::classify("").validate().is_err());
    /// ```
    pub fn classify(rules_csv: impl Into<String>) -> Request<kind::Classify> {
        let rules = rules_csv.into();
        let request = Request::of_kind("pdf/classifier");
        let empty = rules.trim().is_empty();
        let request = request.set("rulescsv", rules);
        match empty {
            true => request.reject("rulescsv", "the rules must not be empty"),
            false => request,
        }
    }

    /// Classifies a document by CSV rules PDF.co fetches from `url` (`rulescsvurl`), written
    /// as for [`classify`](Request::classify).
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::classify_with_rules_url("https://example.com/rules.csv");
    /// assert!(request.validate().is_ok());
    /// assert!(pdfco::Request::classify_with_rules_url("rules.csv").validate().is_err());
    /// ```
    pub fn classify_with_rules_url(url: impl Into<String>) -> Request<kind::Classify> {
        let url = url.into();
        let http = url.starts_with("https://") || url.starts_with("http://");
        let request = Request::of_kind("pdf/classifier").set("rulescsvurl", url);
        match http {
            true => request,
            false => request.reject("rulescsvurl", "must be an http(s) URL"),
        }
    }

    /// Sends an email through `smtp` (`email/send`), with a document of the request (its
    /// [`url`](Request::url), or a run's input) attached. Every required field is checked
    /// locally: addresses with an `@`, a subject and SMTP settings that are not empty, a
    /// port above 0, and no line break in a header field.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{EmailMessage, Request, Smtp};
    ///
    /// let smtp = Smtp::new("smtp.example.com", 587, "me@example.com", "app-password");
    /// let message = EmailMessage::new("me@example.com", "you@example.com", "Report");
    /// let request = Request::send_email(smtp.clone(), message).url("https://example.com/r.pdf");
    /// assert!(request.validate().is_ok());
    /// let shown = format!("{request:?}");
    /// assert!(shown.contains("smtpServer") && !shown.contains("app-password"));
    /// let bad = EmailMessage::new("me@example.com", "nobody", "Report");
    /// assert!(Request::send_email(smtp, bad).validate().is_err());
    /// ```
    pub fn send_email(smtp: Smtp, message: EmailMessage) -> Request<kind::EmailSend> {
        let mut request = Request::of_kind("email/send")
            .set("from", message.from.as_str())
            .set("to", message.to.as_str())
            .set("subject", message.subject.as_str())
            .set("smtpServer", smtp.server.as_str())
            .set("smtpPort", smtp.port.to_string())
            .set("smtpUsername", smtp.username.as_str())
            .set("smtpPassword", smtp.password.expose());
        let optional = [
            ("replyTo", &message.reply_to),
            ("cc", &message.cc),
            ("bcc", &message.bcc),
            ("bodyText", &message.body_text),
            ("bodyHtml", &message.body_html),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                request = request.set(name, value.as_str());
            }
        }
        let headers: [(&'static str, Option<&String>); 6] = [
            ("from", Some(&message.from)),
            ("to", Some(&message.to)),
            ("subject", Some(&message.subject)),
            ("replyTo", message.reply_to.as_ref()),
            ("cc", message.cc.as_ref()),
            ("bcc", message.bcc.as_ref()),
        ];
        for (name, value) in headers {
            if value.is_some_and(|v| v.contains(['\r', '\n'])) {
                request = request.reject(name, "a header field must not contain a line break");
            }
        }
        for (name, value) in [
            ("from", Some(&message.from)),
            ("to", Some(&message.to)),
            ("replyTo", message.reply_to.as_ref()),
            ("cc", message.cc.as_ref()),
            ("bcc", message.bcc.as_ref()),
        ] {
            if value.is_some_and(|v| !addresses_ok(v)) {
                request = request.reject(name, "expected email addresses such as me@example.com");
            }
        }
        if message.subject.trim().is_empty() {
            request = request.reject("subject", "must not be empty");
        }
        if smtp.server.trim().is_empty() {
            request = request.reject("smtpServer", "must not be empty");
        }
        if smtp.port == 0 {
            request = request.reject("smtpPort", "must be above 0");
        }
        if smtp.username.trim().is_empty() {
            request = request.reject("smtpUsername", "must not be empty");
        }
        if smtp.password.expose().is_empty() {
            request = request.reject("smtpPassword", "must not be empty");
        }
        request
    }

    /// Decodes an email (`email/decode`, a `.eml` or `.msg` input): its sender, subject and
    /// bodies, read with [`Email::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::decode_email().inline(true);
    /// assert_eq!(request.path(), "email/decode");
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn decode_email() -> Request<kind::EmailDecode> {
        Request::of_kind("email/decode")
    }

    /// Extracts an email's attachments (`email/extract-attachments`, a `.eml` or `.msg`
    /// input): each as a file at PDF.co, listed with the message's sender, subject and text;
    /// read with [`EmailAttachments::from_value`].
    ///
    /// # Example
    ///
    /// ```
    /// let request = pdfco::Request::extract_email_attachments();
    /// assert_eq!(request.path(), "email/extract-attachments");
    /// ```
    pub fn extract_email_attachments() -> Request<kind::EmailAttachmentExtract> {
        Request::of_kind("email/extract-attachments")
    }
}

impl Request<kind::DocumentParse> {
    /// The result's format (`outputFormat`).
    ///
    /// Defaults to PDF.co's JSON.
    pub fn output_format(self, format: ParserOutputFormat) -> Self {
        self.set("outputFormat", format.code())
    }

    /// Whether a CSV result starts with a line of column names (`generateCsvHeaders`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn generate_csv_headers(self, headers: bool) -> Self {
        self.set("generateCsvHeaders", headers)
    }
}

impl Request<kind::InvoiceParse> {
    /// Extra fields for the AI to look for (`customfield`), by camelCase name such as
    /// `shippingMethod`; sent comma-separated. A name that is empty or holds a comma or
    /// a space is refused locally.
    ///
    /// Defaults to none.
    pub fn custom_fields<I, S>(self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        let bad = names
            .iter()
            .any(|n| n.is_empty() || n.contains(|c: char| c == ',' || c.is_whitespace()));
        let request = self.set("customfield", names.join(","));
        match bad {
            true => request.reject(
                "customfield",
                "a field name must not be empty or hold a comma or a space",
            ),
            false => request,
        }
    }
}

impl Request<kind::Classify> {
    /// Whether keywords match case-sensitively (`caseSensitive`).
    ///
    /// Defaults to PDF.co's choice.
    pub fn case_sensitive(self, case_sensitive: bool) -> Self {
        self.set("caseSensitive", case_sensitive)
    }
}
