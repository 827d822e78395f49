//! The emulator's Other formats to PDF (`pdf/convert/from/*`, `xls/convert/to/pdf`),
//! spreadsheet conversions (`xls/convert/to/*`) and HTML templates (`templates/html`).
//!
//! Every conversion to PDF makes a real PDF (Helvetica text, through the emulator's shared
//! writer) holding the input's text, a credit a page, synchronously or as a job:
//!
//! - `pdf/convert/from/html`: the HTML's text (tags stripped, `head`, `script` and `style`
//!   left out, entities decoded), or the built-in template `templateId` filled from `templateData`
//!   (`{{name}}` and `{{a.b}}` macros); `paperSize` (named or custom in mm, cm, in or px) and
//!   `orientation` set the page size; `header` and `footer` text is written on every page.
//! - `pdf/convert/from/url`: only a URL of the emulator's own storage is fetched (read as
//!   HTML, or as text); any other URL is never fetched and gives a one-page PDF naming the
//!   URL (without its query or credentials).
//! - `pdf/convert/from/doc`: TXT, RTF (control words dropped) and DOCX (`word/document.xml`
//!   paragraphs); a binary DOC gives its runs of readable characters (a fallback).
//! - `pdf/convert/from/csv` and `xls/convert/to/*`: CSV (`,`, `;` or tab separated) and XLSX
//!   (shared and inline strings, numbers; `worksheetIndex` counts from 1, and `0` is read as
//!   the first worksheet too); `xls/convert/to/json` writes an array of `Column0..` row
//!   objects, `csv` honours `separatorSymbol` and `quotationSymbol`, `txt` is tab separated,
//!   `html` a table and `xml` `<rows><row><Column0>..` elements.
//! - `pdf/convert/from/image`: one Letter page per image (PNG, JPEG, GIF, BMP, TIFF, WebP),
//!   naming it with its size in pixels.
//! - `pdf/convert/from/email`: a `.eml` file's From, To, Subject and Date, its text (plain, or
//!   HTML stripped; base64 and quoted-printable decoded) and one `Attachment: name` line per
//!   attachment unless `embedAttachments` and `convertAttachments` are both `false`.
//! - `templates/html` and `templates/html/{id}`: a fixed set of three templates.
//!
//! Not reproduced offline (the documented shape is answered instead): no web page outside the
//! emulator is rendered; no layout, fonts, images or CSS (pages hold the text in lines);
//! images are not drawn on their pages; binary XLS and Outlook `.msg` inputs fail with 442;
//! attachments are named, not embedded or converted; `margins`, `printBackground`,
//! `mediaType`, `customScript`, `DoNotWaitFullLoad`, `legacyRendition` and `autosize` are
//! accepted and have no effect; templates cannot be added or changed, and the listing costs
//! no credits.

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::super::Core;
use super::super::api::{self, Params};
use super::super::edit::{self, Failure, Made};
use super::super::pdf;
use super::super::server::Reply;
use super::super::write;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    let path = path.trim_end_matches('/');
    let post = matches!(method, "GET" | "POST");
    let reply = match path {
        "/v1/pdf/convert/from/doc" if post => one_input(core, params, |data, name, _| {
            document_lines(data, name).map(|lines| paginate(lines, write::LETTER, None))
        }),
        "/v1/pdf/convert/from/csv" | "/v1/xls/convert/to/pdf" if post => {
            one_input(core, params, |data, name, params| {
                let table = read_table(data, name, params.get("worksheetindex"))?;
                let lines = table.iter().map(|row| row.join("  ")).collect();
                Ok(paginate(lines, write::LETTER, None))
            })
        }
        "/v1/pdf/convert/from/email" if post => one_input(core, params, |data, name, params| {
            let lines = email_lines(data, name, params)?;
            Ok(paginate(lines, page_size(params)?, Some(params)))
        }),
        "/v1/pdf/convert/from/url" if post => from_url(core, params),
        "/v1/pdf/convert/from/html" if post => from_html(core, params),
        "/v1/pdf/convert/from/image" if post => from_images(core, params),
        "/v1/templates/html" if post => list_templates(core),
        p if post && p.starts_with("/v1/templates/html/") => {
            one_template(core, &p["/v1/templates/html/".len()..])
        }
        p if post && p.starts_with("/v1/xls/convert/to/") => {
            let format = &p["/v1/xls/convert/to/".len()..];
            if !matches!(format, "csv" | "json" | "html" | "txt" | "xml") {
                return None;
            }
            spreadsheet(core, params, format)
        }
        _ => return None,
    };
    Some(reply)
}

/// Pages of text lines made from one input.
type Pages = Vec<Vec<String>>;

/// The input's credentials for outside URLs, as `fetch_input` takes them.
fn auth(params: &Params) -> Option<(&str, &str)> {
    params
        .get("httpusername")
        .map(|user| (user, params.get("httppassword").unwrap_or("")))
}

/// The result's name: `name`, or the input's stem with `extension`.
fn result_name(params: &Params, input: &str, extension: &str) -> String {
    if let Some(name) = params.get("name") {
        return name.to_string();
    }
    let stem = input.rsplit_once('.').map_or(input, |(s, _)| s);
    let stem = if stem.is_empty() { "result" } else { stem };
    format!("{stem}.{extension}")
}

fn pdf_made(pages: Result<(Pages, (f64, f64)), Failure>) -> Result<Made, Failure> {
    pages.map(|(pages, size)| {
        let count = pages.len().max(1) as u32;
        Made::file(write::text_pdf(&pages, size), "application/pdf", count)
    })
}

/// An endpoint that reads the one document at `url` and makes a PDF of it.
fn one_input(
    core: &Core,
    params: &Params,
    make: impl FnOnce(&[u8], &str, &Params) -> Result<(Pages, (f64, f64)), Failure>,
) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return api::api_error(400, "Bad request: the url parameter is required");
    };
    let (data, input_name) = match api::fetch_input(core, input, auth(params)) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let made = pdf_made(make(&data, &input_name, params));
    drop(data);
    let name = result_name(params, &input_name, "pdf");
    edit::finish(core, params, started, &name, made)
}

/// `pdf/convert/from/url`: the emulator's own storage is fetched; other URLs never are.
fn from_url(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return api::api_error(400, "Bad request: the url parameter is required");
    };
    let storage = core.storage_origin.get();
    let own = input
        .strip_prefix(storage)
        .is_some_and(|rest| rest.starts_with('/'));
    let lines = if own {
        match api::fetch_input(core, input, auth(params)) {
            Ok((data, _)) => {
                let text = String::from_utf8_lossy(&data).into_owned();
                if text.contains('<') {
                    html_lines(&text)
                } else {
                    text.lines().map(str::to_string).collect()
                }
            }
            Err((code, message)) => return api::api_error(code, &message),
        }
    } else if input.starts_with("http://") || input.starts_with("https://") {
        vec![
            format!("Web page: {}", bare_url(input)),
            "The emulator does not fetch pages outside itself.".to_string(),
        ]
    } else {
        return api::api_error(452, "Invalid URL: expected an http(s) URL");
    };
    let made = page_size(params).map(|size| paginate(lines, size, Some(params)));
    let host = input.split('/').nth(2).unwrap_or("page");
    let name = result_name(params, host, "pdf");
    edit::finish(core, params, started, &name, pdf_made(made))
}

/// `url` without its credentials, query or fragment.
fn bare_url(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or("");
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    format!("{scheme}://{host}{path}")
}

/// `pdf/convert/from/html`: `html`, or a built-in template filled from `templateData`.
fn from_html(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let html = match (params.get("html"), params.get("templateid")) {
        (Some(html), _) => html.to_string(),
        (None, Some(id)) => {
            let Some(template) = TEMPLATES.iter().find(|t| t.id.to_string() == id.trim()) else {
                return api::api_error(447, "Invalid template: no HTML template with this id");
            };
            let data = match params
                .get("templatedata")
                .map(serde_json::from_str::<Value>)
            {
                None => Value::Null,
                Some(Ok(data)) => data,
                Some(Err(_)) => {
                    return api::api_error(400, "Invalid templateData: expected a JSON string");
                }
            };
            fill(template.html, &data)
        }
        (None, None) => {
            return api::api_error(400, "Bad request: html or templateId is required");
        }
    };
    let made = page_size(params).map(|size| paginate(html_lines(&html), size, Some(params)));
    let name = params.get("name").unwrap_or("result.pdf").to_string();
    edit::finish(core, params, started, &name, pdf_made(made))
}

/// `pdf/convert/from/image`: a page per image, in order.
fn from_images(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let urls: Vec<&str> = params
        .get("url")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect();
    if urls.is_empty() {
        return api::api_error(400, "Bad request: the url parameter is required");
    }
    let mut pages = Vec::with_capacity(urls.len());
    let mut failure = None;
    let mut first_name = String::new();
    for (i, url) in urls.iter().enumerate() {
        let (data, name) = match api::fetch_input(core, url, auth(params)) {
            Ok(found) => found,
            Err((code, message)) => return api::api_error(code, &message),
        };
        if i == 0 {
            first_name = name.clone();
        }
        match image_info(&data) {
            Some((format, size)) => {
                let size = size.map_or("size unknown".to_string(), |(w, h)| {
                    format!("{w} x {h} pixels")
                });
                pages.push(vec![
                    format!("Image {}: {name}", i + 1),
                    format!("{format}, {size}"),
                ]);
            }
            None => {
                failure = Some(edit::damaged(&format!("{name} is not an image")));
                break;
            }
        }
    }
    let made = match failure {
        Some(failure) => Err(failure),
        None => Ok((pages, write::LETTER)),
    };
    let name = result_name(params, &first_name, "pdf");
    edit::finish(core, params, started, &name, pdf_made(made))
}

/// `xls/convert/to/{csv,json,html,txt,xml}`.
fn spreadsheet(core: &Core, params: &Params, format: &str) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return api::api_error(400, "Bad request: the url parameter is required");
    };
    let (data, input_name) = match api::fetch_input(core, input, auth(params)) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let made = read_table(&data, &input_name, params.get("worksheetindex")).and_then(|table| {
        let (bytes, content_type) = match format {
            "csv" => (write_csv(&table, params)?, "text/csv"),
            "json" => (json_rows(&table), "application/json"),
            "html" => (html_table(&table).into_bytes(), "text/html"),
            "txt" => (text_rows(&table).into_bytes(), "text/plain"),
            _ => (xml_rows(&table).into_bytes(), "application/xml"),
        };
        Ok(Made::file(bytes, content_type, 1))
    });
    drop(data);
    let name = result_name(params, &input_name, format);
    edit::finish(core, params, started, &name, made)
}

// ---------------------------------------------------------------------------------------
// Pages.

/// Page sizes in points, portrait.
fn named_size(name: &str) -> Option<(f64, f64)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "letter" => (612.0, 792.0),
        "legal" => (612.0, 1008.0),
        "tabloid" => (792.0, 1224.0),
        "ledger" => (1224.0, 792.0),
        "a0" => (2384.0, 3370.0),
        "a1" => (1684.0, 2384.0),
        "a2" => (1191.0, 1684.0),
        "a3" => (842.0, 1191.0),
        "a4" => (595.0, 842.0),
        "a5" => (420.0, 595.0),
        "a6" => (297.0, 420.0),
        _ => return None,
    })
}

/// One length of a custom paper size (`200mm`, `8in`, `300px`, `20cm`, or pixels) in
/// points.
fn length(text: &str) -> Option<f64> {
    let text = text.trim().to_ascii_lowercase();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let value: f64 = text[..split].parse().ok()?;
    let points = match &text[split..] {
        "mm" => value * 72.0 / 25.4,
        "cm" => value * 72.0 / 2.54,
        "in" => value * 72.0,
        "px" | "" => value * 0.75,
        _ => return None,
    };
    (points.is_finite() && points > 0.0).then_some(points)
}

/// The page size `paperSize` and `orientation` ask for, Letter portrait by default.
fn page_size(params: &Params) -> Result<(f64, f64), Failure> {
    let bad = |what: &str| (400, format!("Invalid parameter: {what}"));
    let (w, h) = match params.get("papersize").map(str::trim) {
        None => write::LETTER,
        Some(text) => match named_size(text) {
            Some(size) => size,
            None => {
                let parts: Vec<Option<f64>> = text.split_whitespace().map(length).collect();
                match parts[..] {
                    [Some(w), Some(h)] => (w.clamp(72.0, 14400.0), h.clamp(72.0, 14400.0)),
                    _ => return Err(bad("paperSize")),
                }
            }
        },
    };
    match params
        .get("orientation")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("portrait") => Ok((w, h)),
        Some("landscape") => Ok((h, w)),
        Some(_) => Err(bad("orientation must be Portrait or Landscape")),
    }
}

/// Lines wrapped to the page's width and cut into pages of its height, with the `header`
/// and `footer` text (when `params` has them) on every page.
fn paginate(lines: Vec<String>, size: (f64, f64), params: Option<&Params>) -> (Pages, (f64, f64)) {
    let columns = (((size.0 - 144.0) / 6.0) as usize).max(10);
    let mut rows = ((size.1 - 144.0) / 16.0).max(1.0) as usize;
    let extra = |name: &str| -> Option<String> {
        let text = html_lines(params?.get(name)?).join(" ");
        (!text.is_empty()).then_some(text)
    };
    let (header, footer) = (extra("header"), extra("footer"));
    rows = rows
        .saturating_sub(usize::from(header.is_some()) + usize::from(footer.is_some()))
        .max(1);
    let mut wrapped = Vec::new();
    for line in lines {
        wrap(&line, columns, &mut wrapped);
    }
    let mut pages: Pages = wrapped.chunks(rows).map(<[String]>::to_vec).collect();
    if pages.is_empty() {
        pages.push(Vec::new());
    }
    for page in &mut pages {
        if let Some(header) = &header {
            page.insert(0, header.clone());
        }
        if let Some(footer) = &footer {
            page.push(footer.clone());
        }
    }
    (pages, size)
}

/// `line` cut at spaces into lines of at most `columns` characters (a longer word is cut).
fn wrap(line: &str, columns: usize, out: &mut Vec<String>) {
    let mut current = String::new();
    for word in line.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > columns {
            let head: String = word.chars().take(columns).collect();
            word = word.chars().skip(columns).collect();
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(head);
        }
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > columns {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    out.push(current);
}

// ---------------------------------------------------------------------------------------
// HTML and templates.

/// The text of `html`, a line per block: tags stripped, `script`/`style` left out, entities
/// decoded, blank lines dropped.
fn html_lines(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..close];
        rest = &after[close + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !tag.starts_with('/') && matches!(name.as_str(), "head" | "script" | "style" | "title") {
            let end = format!("</{name}");
            let lowered = rest.to_ascii_lowercase();
            rest = match lowered.find(&end) {
                Some(at) => &rest[at..],
                None => "",
            };
            continue;
        }
        match name.as_str() {
            "br" | "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "tr"
            | "table" | "ul" | "ol" | "hr" | "title" | "section" | "header" | "footer"
            | "article" | "blockquote" | "pre" => text.push('\n'),
            "td" | "th" => text.push(' '),
            _ => {}
        }
    }
    text.push_str(rest);
    decode_entities(&text)
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect()
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric references.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&end| end <= 12);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One of the emulator's built-in HTML templates.
struct Template {
    id: u64,
    title: &'static str,
    description: &'static str,
    html: &'static str,
    sample: &'static str,
}

const TEMPLATES: &[Template] = &[
    Template {
        id: 1,
        title: "Invoice",
        description: "A simple invoice",
        html: "<html><body><h1>Invoice {{invoiceNumber}}</h1><p>Bill to: {{client.name}}</p>\
               <p>Total: {{total}}</p></body></html>",
        sample: r#"{"invoiceNumber":"INV-001","client":{"name":"Ada Lovelace"},"total":"42.00"}"#,
    },
    Template {
        id: 2,
        title: "Letter",
        description: "A short letter",
        html: "<html><body><p>Dear {{name}},</p><p>{{message}}</p><p>{{signature}}</p></body></html>",
        sample: r#"{"name":"Grace","message":"Thank you.","signature":"Alan"}"#,
    },
    Template {
        id: 3,
        title: "Certificate",
        description: "A certificate of completion",
        html: "<html><body><h1>Certificate</h1><p>{{name}} completed {{course}} on {{date}}.</p>\
               </body></html>",
        sample: r#"{"name":"Ada","course":"Analytical Engines","date":"1843-09-01"}"#,
    },
];

/// `html` with each `{{name}}` (or `{{a.b}}`) replaced by `data`'s value; a missing value
/// is empty. Values are HTML-escaped.
fn fill(html: &str, data: &Value) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let key = after[..close].trim().trim_matches(|c| c == '{' || c == '}');
        let mut value = Some(data);
        for part in key.trim().split('.') {
            value = value.and_then(|v| v.get(part));
        }
        let text = match value {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        out.push_str(&escape(&text));
        rest = after[close + 2..].trim_start_matches('}');
    }
    out.push_str(rest);
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn template_json(template: &Template, with_html: bool) -> Value {
    let mut value = json!({
        "id": template.id,
        "title": template.title,
        "type": "html",
        "description": template.description,
        "test_json": template.sample,
        "updated_at": "2026-01-01T00:00:00Z",
    });
    if with_html {
        value["html"] = template.html.into();
    }
    value
}

/// `GET templates/html`.
fn list_templates(core: &Core) -> Reply {
    let templates: Vec<Value> = TEMPLATES.iter().map(|t| template_json(t, false)).collect();
    api::json_reply(
        200,
        json!({
            "templates": templates,
            "error": false,
            "status": 200,
            "credits": 0,
            "remainingCredits": core.lock().credits,
        }),
    )
}

/// `GET templates/html/{id}`: 404 for an id the emulator does not have.
fn one_template(core: &Core, id: &str) -> Reply {
    match TEMPLATES.iter().find(|t| t.id.to_string() == id) {
        Some(template) => api::json_reply(
            200,
            json!({
                "body": template_json(template, true),
                "error": false,
                "status": 200,
                "credits": 0,
                "remainingCredits": core.lock().credits,
            }),
        ),
        None => api::api_error(404, "Not found: no HTML template with this id"),
    }
}

// ---------------------------------------------------------------------------------------
// Documents.

fn document_lines(data: &[u8], name: &str) -> Result<Vec<String>, Failure> {
    if pdf::is_pdf(data) {
        return Err(edit::damaged(&format!("{name} is already a PDF")));
    }
    if data.starts_with(b"{\\rtf") {
        return Ok(rtf_text(&String::from_utf8_lossy(data))
            .lines()
            .map(str::to_string)
            .collect());
    }
    if data.starts_with(b"PK\x03\x04") {
        let xml = zip_entry(data, "word/document.xml")
            .ok_or_else(|| edit::damaged(&format!("{name} is not a DOCX document")))?;
        return Ok(docx_lines(&String::from_utf8_lossy(&xml)));
    }
    if data.starts_with(b"\xd0\xcf\x11\xe0") {
        return Ok(readable_runs(data));
    }
    match std::str::from_utf8(data) {
        Ok(text) if !text.contains('\0') => Ok(text.lines().map(str::to_string).collect()),
        _ => Err(edit::damaged(&format!("{name} is not a document"))),
    }
}

/// The text of an RTF document: groups of destinations (font tables, `\*`) skipped,
/// `\par` and `\line` as new lines, `\'hh` and `\uN` decoded.
fn rtf_text(rtf: &str) -> String {
    let chars: Vec<char> = rtf.chars().collect();
    let mut out = String::new();
    let mut depth = 0usize;
    let mut skip_below: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '{' => depth += 1,
            '}' => {
                if skip_below == Some(depth) {
                    skip_below = None;
                }
                depth = depth.saturating_sub(1);
            }
            '\\' => {
                let Some(&next) = chars.get(i) else { break };
                if !next.is_ascii_alphabetic() {
                    i += 1;
                    let text = match next {
                        '\'' => {
                            let hex: String = chars.iter().skip(i).take(2).collect();
                            i += 2;
                            u8::from_str_radix(&hex, 16).ok().map(char::from)
                        }
                        '*' => {
                            skip_below.get_or_insert(depth);
                            None
                        }
                        '~' => Some(' '),
                        '\\' | '{' | '}' => Some(next),
                        _ => None,
                    };
                    if let (Some(t), None) = (text, skip_below) {
                        out.push(t);
                    }
                    continue;
                }
                let start = i;
                while chars.get(i).is_some_and(char::is_ascii_alphabetic) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let num_start = i;
                if chars.get(i) == Some(&'-') {
                    i += 1;
                }
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                let number: String = chars[num_start..i].iter().collect();
                if chars.get(i) == Some(&' ') {
                    i += 1;
                }
                if matches!(
                    word.as_str(),
                    "fonttbl" | "colortbl" | "stylesheet" | "info" | "pict" | "header" | "footer"
                ) {
                    skip_below.get_or_insert(depth);
                }
                if skip_below.is_some() {
                    continue;
                }
                match word.as_str() {
                    "par" | "line" | "row" => out.push('\n'),
                    "tab" | "cell" => out.push(' '),
                    "u" => {
                        let code = number.parse::<i32>().unwrap_or(63);
                        let code = if code < 0 { code + 65536 } else { code };
                        out.push(char::from_u32(code as u32).unwrap_or('?'));
                        // The fallback character after \uN.
                        if chars
                            .get(i)
                            .is_some_and(|c| *c != '\\' && *c != '{' && *c != '}')
                        {
                            i += 1;
                        }
                    }
                    _ => {}
                }
            }
            '\r' | '\n' => {}
            _ if skip_below.is_none() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The paragraphs of a DOCX's `word/document.xml`.
fn docx_lines(xml: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut in_text = false;
    for token in tokens(xml) {
        match token {
            Token::Open {
                name: "t", empty, ..
            } => in_text = !empty,
            Token::Close("t") => in_text = false,
            Token::Open { name: "tab", .. } => line.push(' '),
            Token::Open { name: "br", .. } => lines.push(std::mem::take(&mut line)),
            Token::Close("p") => lines.push(std::mem::take(&mut line)),
            Token::Text(text) if in_text => line.push_str(&decode_entities(text)),
            _ => {}
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Runs of readable characters in a binary file (8-bit and UTF-16LE), at least four long.
fn readable_runs(data: &[u8]) -> Vec<String> {
    let readable = |b: u8| b.is_ascii_graphic() || b == b' ';
    let mut lines = Vec::new();
    let mut push = |run: &mut String| {
        if run.trim().chars().count() >= 4 {
            lines.push(run.trim().to_string());
        }
        run.clear();
    };
    let mut run = String::new();
    for &b in data {
        if readable(b) {
            run.push(char::from(b));
        } else {
            push(&mut run);
        }
    }
    push(&mut run);
    for pair in data.chunks_exact(2) {
        if pair[1] == 0 && readable(pair[0]) {
            run.push(char::from(pair[0]));
        } else {
            push(&mut run);
        }
    }
    push(&mut run);
    lines
}

// ---------------------------------------------------------------------------------------
// A small XML tokenizer, for DOCX and XLSX parts.

enum Token<'a> {
    /// A start tag (its local name, without a prefix) and its attributes' text.
    Open {
        name: &'a str,
        attrs: &'a str,
        empty: bool,
    },
    Close(&'a str),
    Text(&'a str),
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn tokens(xml: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            out.push(Token::Text(rest));
            break;
        };
        if open > 0 {
            out.push(Token::Text(&rest[..open]));
        }
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            out.push(Token::Close(local(name.trim())));
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        out.push(Token::Open {
            name: local(name),
            attrs,
            empty,
        });
    }
    out
}

/// The value of attribute `name` (local name) in a tag's attribute text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    while let Some(eq) = rest.find('=') {
        let key = local(rest[..eq].trim());
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next()?;
        let body = &after[1..];
        let end = body.find(quote)?;
        if key == name {
            return Some(&body[..end]);
        }
        rest = &body[end + 1..];
    }
    None
}

// ---------------------------------------------------------------------------------------
// ZIP (for DOCX and XLSX).

fn u16_at(data: &[u8], at: usize) -> Option<usize> {
    let b = data.get(at..at + 2)?;
    Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<usize> {
    let b = data.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// The contents of the entry `wanted` of a ZIP archive: stored, or deflated (inflated by
/// lopdf's FlateDecode, which reads raw deflate data behind a header it cannot use).
fn zip_entry(data: &[u8], wanted: &str) -> Option<Vec<u8>> {
    // The end of central directory record, in the last 64 KiB + 22 bytes.
    let from = data.len().saturating_sub(22 + 65535);
    let end = (from..data.len().saturating_sub(21))
        .rev()
        .find(|&i| data[i..].starts_with(b"PK\x05\x06"))?;
    let count = u16_at(data, end + 10)?;
    let mut at = u32_at(data, end + 16)?;
    for _ in 0..count {
        if !data.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let method = u16_at(data, at + 10)?;
        let size = u32_at(data, at + 20)?;
        let name_len = u16_at(data, at + 28)?;
        let extra_len = u16_at(data, at + 30)?;
        let comment_len = u16_at(data, at + 32)?;
        let local_at = u32_at(data, at + 42)?;
        let name = data.get(at + 46..at + 46 + name_len)?;
        at += 46 + name_len + extra_len + comment_len;
        if name != wanted.as_bytes() {
            continue;
        }
        if !data.get(local_at..)?.starts_with(b"PK\x03\x04") {
            return None;
        }
        let start = local_at
            .checked_add(30 + u16_at(data, local_at + 26)? + u16_at(data, local_at + 28)?)?;
        let raw = data.get(start..start.checked_add(size)?)?;
        return match method {
            0 => Some(raw.to_vec()),
            8 => Some(inflate(raw)),
            _ => None,
        };
    }
    None
}

/// Raw deflate data inflated through lopdf: behind a zlib header that fails its check,
/// lopdf 0.42's FlateDecode retries the data as raw deflate.
fn inflate(raw: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(raw.len() + 2);
    data.extend_from_slice(&[0x78, 0x00]);
    data.extend_from_slice(raw);
    let stream = lopdf::Stream::new(lopdf::dictionary! { "Filter" => "FlateDecode" }, data);
    stream.decompressed_content().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Spreadsheets.

type Table = Vec<Vec<String>>;

/// The rows of a CSV or XLSX file's worksheet `index` (from 1; `0` is the first too).
fn read_table(data: &[u8], name: &str, index: Option<&str>) -> Result<Table, Failure> {
    let index = match index.map(str::trim) {
        None => 0,
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| (400, "Invalid parameter: worksheetIndex".to_string()))?,
    };
    let position = index.saturating_sub(1);
    if pdf::is_pdf(data) {
        return Err(edit::damaged(&format!(
            "{name} is a PDF, not a spreadsheet"
        )));
    }
    if data.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err(edit::damaged(
            "the emulator reads CSV and XLSX spreadsheets, not binary XLS",
        ));
    }
    let out_of_range = |count: usize| {
        (
            449,
            format!(
                "Invalid index range: worksheetIndex {index}, the file has {count} worksheet(s)"
            ),
        )
    };
    if data.starts_with(b"PK\x03\x04") {
        let sheets = xlsx_sheets(data)
            .ok_or_else(|| edit::damaged(&format!("{name} is not an XLSX workbook")))?;
        let path = sheets.get(position).ok_or(out_of_range(sheets.len()))?;
        let xml = zip_entry(data, path)
            .ok_or_else(|| edit::damaged(&format!("{name}: no worksheet {path}")))?;
        let shared = zip_entry(data, "xl/sharedStrings.xml")
            .map(|x| shared_strings(&String::from_utf8_lossy(&x)))
            .unwrap_or_default();
        return Ok(sheet_rows(&String::from_utf8_lossy(&xml), &shared));
    }
    let text = std::str::from_utf8(data)
        .ok()
        .filter(|t| !t.contains('\0'))
        .ok_or_else(|| edit::damaged(&format!("{name} is not a spreadsheet")))?;
    if position > 0 {
        return Err(out_of_range(1));
    }
    Ok(parse_csv(text))
}

/// The worksheets' part names, in the workbook's order.
fn xlsx_sheets(data: &[u8]) -> Option<Vec<String>> {
    let workbook = String::from_utf8_lossy(&zip_entry(data, "xl/workbook.xml")?).into_owned();
    let rels = zip_entry(data, "xl/_rels/workbook.xml.rels")
        .map(|r| String::from_utf8_lossy(&r).into_owned())
        .unwrap_or_default();
    let targets: Vec<(String, String)> = tokens(&rels)
        .into_iter()
        .filter_map(|t| match t {
            Token::Open {
                name: "Relationship",
                attrs,
                ..
            } => Some((
                attr(attrs, "Id")?.to_string(),
                attr(attrs, "Target")?.to_string(),
            )),
            _ => None,
        })
        .collect();
    let mut sheets = Vec::new();
    for token in tokens(&workbook) {
        if let Token::Open {
            name: "sheet",
            attrs,
            ..
        } = token
        {
            let n = sheets.len() + 1;
            let target = attr(attrs, "id")
                .and_then(|id| targets.iter().find(|(i, _)| i == id))
                .map(|(_, target)| target.clone())
                .unwrap_or_else(|| format!("worksheets/sheet{n}.xml"));
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            sheets.push(path);
        }
    }
    Some(sheets)
}

fn shared_strings(xml: &str) -> Vec<String> {
    let mut strings = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    for token in tokens(xml) {
        match token {
            Token::Open { name: "si", .. } => current.clear(),
            Token::Close("si") => strings.push(std::mem::take(&mut current)),
            Token::Open {
                name: "t", empty, ..
            } => in_text = !empty,
            Token::Close("t") => in_text = false,
            Token::Text(text) if in_text => current.push_str(&decode_entities(text)),
            _ => {}
        }
    }
    strings
}

/// The column of a cell reference (`B7` is 1).
fn column_of(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() {
        return None;
    }
    let n = letters.iter().fold(0usize, |n, b| {
        n.saturating_mul(26)
            .saturating_add(usize::from(b.to_ascii_uppercase() - b'A' + 1))
    });
    Some(n - 1).filter(|&c| c < 16384)
}

fn sheet_rows(xml: &str, shared: &[String]) -> Table {
    let mut rows: Table = Vec::new();
    let mut cell: Option<(usize, String, String)> = None;
    let mut in_value = false;
    for token in tokens(xml) {
        match token {
            Token::Open { name: "row", .. } => rows.push(Vec::new()),
            Token::Open {
                name: "c",
                attrs,
                empty,
            } => {
                let next = rows.last().map_or(0, Vec::len);
                let column = attr(attrs, "r").and_then(column_of).unwrap_or(next);
                let kind = attr(attrs, "t").unwrap_or("").to_string();
                cell = Some((column, kind, String::new()));
                if empty {
                    cell = None;
                }
            }
            Token::Open {
                name: "v" | "t",
                empty,
                ..
            } => in_value = !empty,
            Token::Close("v" | "t") => in_value = false,
            Token::Text(text) if in_value => {
                if let Some((_, _, value)) = &mut cell {
                    value.push_str(&decode_entities(text));
                }
            }
            Token::Close("c") => {
                if let (Some((column, kind, value)), Some(row)) = (cell.take(), rows.last_mut()) {
                    let value = match kind.as_str() {
                        "s" => value
                            .trim()
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| shared.get(i).cloned())
                            .unwrap_or_default(),
                        "b" => (value.trim() == "1").to_string().to_uppercase(),
                        _ => value,
                    };
                    if row.len() <= column {
                        row.resize(column + 1, String::new());
                    }
                    row[column] = value;
                }
            }
            _ => {}
        }
    }
    rows
}

/// CSV text as rows: `,` separated, or `;` or tab when the first line has those and no
/// comma; quoted values may hold separators, doubled quotes and new lines.
fn parse_csv(text: &str) -> Table {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let separator = if first.contains(',') {
        ','
    } else if first.contains(';') {
        ';'
    } else if first.contains('\t') {
        '\t'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            c if c == separator && !quoted => row.push(std::mem::take(&mut field)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn write_csv(table: &Table, params: &Params) -> Result<Vec<u8>, Failure> {
    let symbol = |name: &str, default: char| -> Result<char, Failure> {
        match params.get(name) {
            None => Ok(default),
            Some(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(c),
                    _ => Err((
                        400,
                        format!("Invalid parameter: {name} must be one character"),
                    )),
                }
            }
        }
    };
    let separator = symbol("separatorsymbol", ',')?;
    let quote = symbol("quotationsymbol", '"')?;
    let mut out = String::new();
    for row in table {
        let fields: Vec<String> = row
            .iter()
            .map(|field| {
                if field.contains([separator, quote, '\n', '\r']) {
                    let doubled = format!("{quote}{quote}");
                    format!("{quote}{}{quote}", field.replace(quote, &doubled))
                } else {
                    field.clone()
                }
            })
            .collect();
        out.push_str(&fields.join(&separator.to_string()));
        out.push('\n');
    }
    Ok(out.into_bytes())
}

fn json_rows(table: &Table) -> Vec<u8> {
    let rows: Vec<Value> = table
        .iter()
        .map(|row| {
            let object: Map<String, Value> = row
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("Column{i}"), Value::from(v.as_str())))
                .collect();
            Value::Object(object)
        })
        .collect();
    serde_json::to_vec_pretty(&rows).unwrap_or_default()
}

fn html_table(table: &Table) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html><body><table>\n");
    for row in table {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{}</td>", escape(cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></body></html>\n");
    out
}

fn text_rows(table: &Table) -> String {
    table.iter().map(|row| row.join("\t") + "\n").collect()
}

fn xml_rows(table: &Table) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rows>\n");
    for row in table {
        out.push_str("  <row>\n");
        for (i, cell) in row.iter().enumerate() {
            out.push_str(&format!("    <Column{i}>{}</Column{i}>\n", escape(cell)));
        }
        out.push_str("  </row>\n");
    }
    out.push_str("</rows>\n");
    out
}

// ---------------------------------------------------------------------------------------
// Images.

/// An image's format and, where its header says, its size in pixels.
fn image_info(data: &[u8]) -> Option<(&'static str, Option<(u32, u32)>)> {
    let be32 = |at: usize| -> Option<u32> {
        let b = data.get(at..at + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let le16 = |at: usize| -> Option<u32> {
        let b = data.get(at..at + 2)?;
        Some(u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(("PNG", be32(16).zip(be32(20))));
    }
    if data.starts_with(b"\xff\xd8\xff") {
        return Some(("JPEG", jpeg_size(data)));
    }
    if data.starts_with(b"GIF8") {
        return Some(("GIF", le16(6).zip(le16(8))));
    }
    if data.starts_with(b"BM") {
        let le32 = |at: usize| -> Option<u32> {
            let b = data.get(at..at + 4)?;
            Some(i32::from_le_bytes([b[0], b[1], b[2], b[3]]).unsigned_abs())
        };
        return Some(("BMP", le32(18).zip(le32(22))));
    }
    if data.starts_with(b"II*\0") || data.starts_with(b"MM\0*") {
        return Some(("TIFF", None));
    }
    if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP") {
        return Some(("WebP", None));
    }
    None
}

/// A JPEG's size, from its first start-of-frame marker.
fn jpeg_size(data: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    while at + 9 < data.len() {
        if data[at] != 0xff {
            return None;
        }
        let marker = data[at + 1];
        let len = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        if (0xc0..=0xcf).contains(&marker) && !matches!(marker, 0xc4 | 0xc8 | 0xcc) {
            let h = u16::from_be_bytes([data[at + 5], data[at + 6]]);
            let w = u16::from_be_bytes([data[at + 7], data[at + 8]]);
            return Some((u32::from(w), u32::from(h)));
        }
        at += 2 + len;
    }
    None
}

// ---------------------------------------------------------------------------------------
// Email.

/// Header fields (names lowered, folded lines joined) and the body.
fn split_message(data: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = match (data.find("\r\n\r\n"), data.find("\n\n")) {
        (Some(a), Some(b)) if b < a => (&data[..b], &data[b + 2..]),
        (Some(a), _) => (&data[..a], &data[a + 4..]),
        (None, Some(b)) => (&data[..b], &data[b + 2..]),
        (None, None) => (data, ""),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    (headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A parameter of a header value, such as `boundary` or `filename`.
fn header_param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|part| {
        let (key, v) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

fn decode_body(body: &str, encoding: Option<&str>) -> String {
    match encoding.map(str::to_ascii_lowercase).as_deref() {
        Some("base64") => String::from_utf8_lossy(&base64_decode(body)).into_owned(),
        Some("quoted-printable") => quoted_printable(body),
        _ => body.to_string(),
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::new();
    let (mut bits, mut count) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

fn quoted_printable(text: &str) -> String {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                }
                None => {
                    // A soft line break.
                    i += 1;
                    while bytes.get(i).is_some_and(|b| *b == b'\r' || *b == b'\n') {
                        i += 1;
                    }
                }
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What an email holds: its plain text, its HTML, and its attachments' names.
#[derive(Default)]
struct Parts {
    plain: Option<String>,
    html: Option<String>,
    attachments: Vec<String>,
}

fn collect_parts(headers: &[(String, String)], body: &str, parts: &mut Parts, depth: usize) {
    let content_type = header(headers, "content-type").unwrap_or("text/plain");
    let lowered = content_type.to_ascii_lowercase();
    let disposition = header(headers, "content-disposition").unwrap_or("");
    let file = header_param(disposition, "filename").or_else(|| header_param(content_type, "name"));
    if lowered.starts_with("multipart/") && depth < 8 {
        let Some(boundary) = header_param(content_type, "boundary") else {
            return;
        };
        let delimiter = format!("--{boundary}");
        for part in body.split(&delimiter).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let part = part.trim_start_matches(['\r', '\n']);
            let (part_headers, part_body) = split_message(part);
            collect_parts(&part_headers, part_body, parts, depth + 1);
        }
        return;
    }
    if disposition.to_ascii_lowercase().starts_with("attachment") || file.is_some() {
        parts
            .attachments
            .push(file.unwrap_or_else(|| "attachment".to_string()));
        return;
    }
    let text = decode_body(body, header(headers, "content-transfer-encoding"));
    if lowered.starts_with("text/html") {
        parts.html.get_or_insert(text);
    } else if lowered.starts_with("text/") {
        parts.plain.get_or_insert(text);
    }
}

fn email_lines(data: &[u8], name: &str, params: &Params) -> Result<Vec<String>, Failure> {
    if data.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err(edit::damaged(
            "the emulator reads .eml emails, not Outlook .msg",
        ));
    }
    let text = String::from_utf8_lossy(data);
    let (headers, body) = split_message(&text);
    let known = ["from", "to", "subject", "date"];
    if !headers.iter().any(|(n, _)| known.contains(&n.as_str())) {
        return Err(edit::damaged(&format!("{name} is not an email")));
    }
    let mut lines = Vec::new();
    for (field, label) in [
        ("from", "From"),
        ("to", "To"),
        ("cc", "Cc"),
        ("subject", "Subject"),
        ("date", "Date"),
    ] {
        if let Some(value) = header(&headers, field) {
            lines.push(format!("{label}: {value}"));
        }
    }
    lines.push(String::new());
    let mut parts = Parts::default();
    collect_parts(&headers, body, &mut parts, 0);
    match (parts.plain, parts.html) {
        (Some(plain), _) => lines.extend(plain.lines().map(str::to_string)),
        (None, Some(html)) => lines.extend(html_lines(&html)),
        (None, None) => {}
    }
    let off = |name: &str| {
        params
            .get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    };
    if !(off("embedattachments") && off("convertattachments")) {
        for attachment in parts.attachments {
            lines.push(format!("Attachment: {attachment}"));
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_drops_tags_scripts_and_entities() {
        let lines = html_lines(
            "<html><head><title>Tab title</title><style>p{}</style><script>var x='<p>';</script></head>\
             <body><h1>Title &amp; more</h1><p>One<br>Two&#33;</p><table><tr><td>a</td><td>b</td></tr></table></body></html>",
        );
        assert_eq!(lines, ["Title & more", "One", "Two!", "a b"]);
        // An ampersand before multi-byte text is kept as it is.
        assert_eq!(html_lines("a &éééééé; b"), ["a &éééééé; b"]);
    }

    #[test]
    fn templates_are_filled_and_escaped() {
        let data = json!({ "a": { "b": "<x>" }, "n": 3 });
        assert_eq!(fill("{{a.b}}-{{ n }}-{{missing}}", &data), "&lt;x&gt;-3-");
    }

    #[test]
    fn rtf_text_keeps_only_the_text() {
        let rtf = r"{\rtf1\ansi{\fonttbl{\f0 Helvetica;}}{\*\generator x;}\f0 Hello \b world\b0\par Caf\'e9 \u8364?\par}";
        let text = rtf_text(rtf);
        assert_eq!(text.lines().collect::<Vec<_>>(), ["Hello world", "Café €"]);
    }

    #[test]
    fn csv_handles_quotes_and_separators() {
        let rows = parse_csv("a;b\n\"x;\"\"y\"\"\";2\n");
        assert_eq!(rows, [vec!["a", "b"], vec!["x;\"y\"", "2"]]);
    }

    #[test]
    fn deflated_entries_inflate_through_lopdf() {
        let text = b"hello hello hello hello deflate".repeat(20);
        let mut stream = lopdf::Stream::new(lopdf::dictionary! {}, text.clone());
        stream.compress().unwrap();
        // zlib = 2-byte header + raw deflate + 4-byte checksum.
        let zlib = &stream.content;
        assert_eq!(inflate(&zlib[2..zlib.len() - 4]), text);
    }

    #[test]
    fn cell_references_name_columns() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("AB12"), Some(27));
        assert_eq!(column_of("12"), None);
    }
}
