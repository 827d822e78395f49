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
//! - `pdf/convert/from/image`: one page per image, a point per pixel; JPEG (as it is) and
//!   8-bit grey or RGB PNG (its compressed data as it is) are drawn on their page; every
//!   page has an invisible text line naming the image, its format and size (GIF, BMP, TIFF,
//!   WebP and PNG with alpha or a palette get that line only, on a page of the image's size
//!   or Letter).
//! - `pdf/convert/from/email`: a `.eml` file's From, To, Subject and Date and its text (plain,
//!   or HTML stripped; base64 and quoted-printable decoded); its attachments are embedded as
//!   the PDF's file attachments (`embedAttachments`, default `true`), and named with their
//!   text appended when they are text (`convertAttachments`, default `true`).
//! - `templates/html` and `templates/html/{id}`: a fixed set of three templates.
//!
//! Not reproduced offline (the documented shape is answered instead): no web page outside the
//! emulator is rendered; no layout, fonts, images or CSS (pages hold the text in lines);
//! GIF, BMP, TIFF, WebP and PNG with alpha or a palette are not drawn; binary XLS and Outlook `.msg` inputs fail with 442;
//! attachments other than text are not converted; `margins`, `printBackground`,
//! `mediaType`, `customScript`, `DoNotWaitFullLoad`, `legacyRendition` and `autosize` are
//! accepted and have no effect; templates cannot be added or changed, and the listing costs
//! no credits.

use std::time::Instant;

use serde_json::{Value, json};

mod email;
mod images;
mod office;

use super::super::Core;
use super::super::api::{self, Params};
use super::super::edit::{self, Failure, Made};
use super::super::server::Reply;
use super::super::write;
use email::email_lines;
use images::images_pdf;
use office::{document_lines, html_table, json_rows, read_table, text_rows, write_csv, xml_rows};

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    let path = path.trim_end_matches('/');
    let post = matches!(method, "GET" | "POST");
    let reply = match path {
        "/v1/pdf/convert/from/doc" if post => one_input(core, params, |data, name, _| {
            let lines = document_lines(data, name)?;
            pdf_made(Ok(paginate(lines, write::LETTER, None)))
        }),
        "/v1/pdf/convert/from/csv" | "/v1/xls/convert/to/pdf" if post => {
            one_input(core, params, |data, name, params| {
                let table = read_table(data, name, params.get("worksheetindex"))?;
                let lines = table.iter().map(|row| row.join("  ")).collect();
                pdf_made(Ok(paginate(lines, write::LETTER, None)))
            })
        }
        "/v1/pdf/convert/from/email" if post => one_input(core, params, email_pdf),
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

fn pdf_made(pages: Result<(Pages, (f64, f64)), Failure>) -> Result<Made, Failure> {
    pages.map(|(pages, size)| {
        let count = pages.len().max(1) as u32;
        Made::file(write::text_pdf(&pages, size), "application/pdf", count)
    })
}

/// `pdf/convert/from/email`: the email's text, and its attachments embedded as the PDF's
/// file attachments unless `embedAttachments` is `false`.
fn email_pdf(data: &[u8], name: &str, params: &Params) -> Result<Made, Failure> {
    let email = email_lines(data, name, params)?;
    let (pages, size) = paginate(email.lines, page_size(params)?, Some(params));
    let mut doc = write::text_document(&pages, size);
    embed_files(&mut doc, email.embedded);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| (500, format!("Internal server error: {e}")))?;
    Ok(Made::file(
        out,
        "application/pdf",
        pages.len().max(1) as u32,
    ))
}

/// Adds `files` (name and contents) to `doc` as file attachments: its catalog's
/// `EmbeddedFiles` name tree, sorted by name as name trees are.
fn embed_files(doc: &mut lopdf::Document, mut files: Vec<(String, Vec<u8>)>) {
    use lopdf::{Object, Stream, dictionary};
    if files.is_empty() {
        return;
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names = Vec::with_capacity(files.len() * 2);
    for (name, bytes) in files {
        let mut unicode = vec![0xfe, 0xff];
        unicode.extend(name.encode_utf16().flat_map(u16::to_be_bytes));
        let size = bytes.len() as i64;
        let stream = Stream::new(
            dictionary! { "Type" => "EmbeddedFile", "Params" => dictionary! { "Size" => size } },
            bytes,
        );
        let file_id = doc.add_object(stream);
        let spec_id = doc.add_object(dictionary! {
            "Type" => "Filespec",
            "F" => Object::string_literal(name.as_bytes()),
            "UF" => Object::string_literal(unicode),
            "EF" => dictionary! { "F" => file_id },
        });
        names.push(Object::string_literal(name.into_bytes()));
        names.push(Object::from(spec_id));
    }
    let tree = dictionary! { "EmbeddedFiles" => dictionary! { "Names" => names } };
    let catalog = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .ok()
        .and_then(|id| doc.get_object_mut(id).ok())
        .and_then(|catalog| catalog.as_dict_mut().ok());
    if let Some(catalog) = catalog {
        catalog.set("Names", tree);
    }
}

/// An endpoint that reads the one document at `url` and makes a PDF of it.
fn one_input(
    core: &Core,
    params: &Params,
    make: impl FnOnce(&[u8], &str, &Params) -> Result<Made, Failure>,
) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return api::api_error(400, "Bad request: the url parameter is required");
    };
    let (data, input_name) = match api::fetch_input(core, input, params) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let made = make(&data, &input_name, params);
    drop(data);
    let name = params.result_name(&input_name, "pdf");
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
        match api::fetch_input(core, input, params) {
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
    let name = params.result_name(host, "pdf");
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
    let urls = params.urls();
    if urls.is_empty() {
        return api::api_error(400, "Bad request: the url parameter is required");
    }
    let mut images = Vec::with_capacity(urls.len());
    for url in urls {
        match api::fetch_input(core, url, params) {
            Ok((data, name)) => images.push((name, data)),
            Err((code, message)) => return api::api_error(code, &message),
        }
    }
    let made =
        images_pdf(&images).map(|(bytes, pages)| Made::file(bytes, "application/pdf", pages));
    let first = images.first().map_or("result", |(name, _)| name.as_str());
    let name = params.result_name(first, "pdf");
    drop(images);
    edit::finish(core, params, started, &name, made)
}

/// `xls/convert/to/{csv,json,html,txt,xml}`.
fn spreadsheet(core: &Core, params: &Params, format: &str) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return api::api_error(400, "Bad request: the url parameter is required");
    };
    let (data, input_name) = match api::fetch_input(core, input, params) {
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
    let name = params.result_name(&input_name, format);
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
}
