//! The emulator's parsers and classifier (`pdf/documentparser` and its templates,
//! `ai-invoice-parser`, `pdf/classifier`) and email (`email/send`, `email/decode`,
//! `email/extract-attachments`). Each reads its real input (the PDF's text through the
//! emulator's reader, the `.eml` through a MIME reader) and answers PDF.co's documented
//! shape, synchronously or as a job.
//!
//! What the emulator does, and what it cannot do offline:
//!
//! - **`pdf/documentparser`** applies a subset of PDF.co's template language to the text of
//!   the selected pages (`pages`, from 0). Templates are YAML (the subset in `yaml.rs`) or
//!   JSON, with `templateName`, `templateVersion` and `objects`. A field object
//!   (`objectType: field`) has `fieldProperties` with `fieldType` `static` (the value is
//!   its `expression`), `regex` (the expression is a regular expression, the subset in
//!   `regex.rs`; the value is its first group, or the whole match), or `macros` (a regular
//!   expression with `{{Digits}}`, `{{Number}}`, `{{Integer}}`, `{{Decimal}}`, `{{Word}}`,
//!   `{{Spaces}}`, `{{Space}}`, `{{Anything}}`, `{{Date}}` and `{{LineStart}}`/`{{LineEnd}}`
//!   macros); `caseSensitive: false` matches ignoring case. Each page's text is its rows,
//!   one a line, their runs joined by a space; a match reports its page (`pageIndex`) and
//!   the runs it covers (`rectangle`, x, y, width, height in points from the top left). A
//!   table object (`objectType: table`) has `tableProperties` with `start` and `end`
//!   (each an `expression` matched against a row) and `columns` (`name`s): the rows between
//!   start and end (across pages) become rows whose runs fill the columns in order.
//!   Values are strings as found; PDF.co's `dataType` conversions, coordinates-based fields,
//!   OCR and multi-page field merging are not emulated. `outputFormat` JSON (with `inline`,
//!   the result is in `body`; else linked), YAML, XML and CSV (fields only, one row,
//!   `generateCsvHeaders` for a header line). Templates by id come from the built-in list.
//! - **`pdf/documentparser/templates`** and **`.../templates/{id}`** list and give the
//!   emulator's built-in system templates (also under E2's `/v1/documentparser/templates`).
//! - **`ai-invoice-parser`** always answers with a job, whatever `async` says. No AI: the
//!   fields come from the text with simple patterns, each on a line of its own, ignoring
//!   case: the vendor's name is the first line; `invoiceNo` follows `Invoice No`,
//!   `Invoice Number` or `Invoice #`; `invoiceDate` follows a line-leading `Date` or
//!   `Invoice Date`; `dueDate` follows `Due Date`; `poNo` follows `PO No`/`PO Number`/
//!   `Purchase Order No`; `customer.billTo.name` follows `Bill to`; `total`, `subtotal` and
//!   `tax` (or `VAT`) are the amounts after line-leading labels; `lineItems` are the rows
//!   under a header row naming `Item` or `Description` and `Qty` or `Quantity`
//!   (`description`, `quantity`, `amount`), up to a total or the page's end. Each
//!   `customfield` name (camelCase split into words) is looked for as a `Label: value` line
//!   and answered in `customFields` (`null` when not found).
//! - **`pdf/classifier`** applies the CSV rules (`rulescsv`, or fetched from `rulescsvurl`)
//!   to the whole text: `class,AND|OR,keyword...`, a keyword `/.../` being a regular
//!   expression (the subset in `regex.rs`); `caseSensitive` defaults to false. Classes come
//!   in the rules' order, in `body.classes[].class`. Images have no text here (no OCR), so
//!   they get no class.
//! - **`email/send`** checks the required parameters (`from`, `to`, `subject`,
//!   `smtpServer`, `smtpPort`, `smtpUsername`, `smtpPassword`) and fetches the attachment
//!   (`url`, optional), then answers the acknowledgement **without sending anything**: the
//!   message is only in the emulator's request log ([`Emulator::requests`]). A job's result
//!   link holds the emulator's own note `{"emulated": true, "sent": false, "attachment":
//!   name}` (PDF.co documents no body for this endpoint).
//! - **`email/decode`** and **`email/extract-attachments`** read `.eml` input (MIME
//!   multipart at any depth, base64 and quoted-printable, RFC 2047 headers); an Outlook
//!   `.msg` file or anything that is not a message fails with 442. Decode answers `body`
//!   {from, to, cc, subject, date, bodyText, bodyHtml, attachmentsCount}; extraction stores
//!   each attachment as a result file and answers `body` {from, subject, bodyText,
//!   attachments[] {filename, url}}. The attachments' links work at once, also for a job
//!   still `working`.
//!
//! [`Emulator::requests`]: crate::testing::Emulator::requests

mod mime;
mod regex;
mod yaml;

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::super::api::{self, Params};
use super::super::edit::{self, Failure, Made};
use super::super::pdf::{self, PdfError};
use super::super::server::Reply;
use super::super::storage::{object_path, presign};
use super::super::{Core, Job, JobEnd, Outcome, StoredResult, iso_date, unix_now};
use crate::Pages;
use regex::Regex;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    let _ = method;
    let templates = path
        .strip_prefix("/v1/pdf/documentparser/templates")
        .or_else(|| path.strip_prefix("/v1/documentparser/templates"));
    Some(match (path, templates) {
        (_, Some("")) => template_list(core),
        (_, Some(id)) => match id.strip_prefix('/') {
            Some(id) if !id.contains('/') => template_one(core, id),
            _ => return None,
        },
        ("/v1/pdf/documentparser", _) => document_parser(core, params),
        ("/v1/ai-invoice-parser", _) => invoice_parser(core, params),
        ("/v1/pdf/classifier", _) => classifier(core, params),
        ("/v1/email/send", _) => email_send(core, params),
        ("/v1/email/decode", _) => email_decode(core, params),
        ("/v1/email/extract-attachments", _) => email_attachments(core, params),
        _ => return None,
    })
}

// ----- Inputs -----

fn auth(params: &Params) -> Option<(&str, &str)> {
    params
        .get("httpusername")
        .map(|user| (user, params.get("httppassword").unwrap_or("")))
}

/// The input's bytes and name, or the error reply.
fn input(core: &Core, params: &Params) -> Result<(Vec<u8>, String), Reply> {
    let Some(url) = params.get("url") else {
        return Err(api::api_error(
            400,
            "Bad request: the url parameter is required",
        ));
    };
    api::fetch_input(core, url, auth(params))
        .map_err(|(code, message)| api::api_error(code, &message))
}

/// A result's name: the `name` parameter, or the input's stem with `extension`.
fn result_name(params: &Params, input_name: &str, extension: &str) -> String {
    params.get("name").map(str::to_string).unwrap_or_else(|| {
        let stem = input_name.rsplit_once('.').map_or(input_name, |(s, _)| s);
        let stem = if stem.is_empty() { "result" } else { stem };
        format!("{stem}.{extension}")
    })
}

/// The text of a PDF's pages (all, or those `pages` selects), each with its runs' places.
struct PageText {
    index: u32,
    /// The page's text: rows one a line, runs joined by a space.
    text: String,
    /// Each row's text.
    rows: Vec<String>,
    /// Each run: its first and last char in `text`, and its box.
    runs: Vec<(usize, usize, [f64; 4])>,
    /// Each row's runs: text and box.
    row_runs: Vec<Vec<(String, [f64; 4])>>,
}

/// The selected pages of a PDF, read; the failure PDF.co gives for a locked, damaged or
/// out-of-range input.
fn read_pages(data: &[u8], params: &Params) -> Result<Vec<PageText>, Failure> {
    let document = pdf::read(data, params.get("password")).map_err(|e| match e {
        PdfError::Password => (441, api::default_message(441).to_string()),
        PdfError::Damaged(why) | PdfError::Unsupported(why) => edit::damaged(why),
    })?;
    let count = document.pages.len() as u32;
    let selected = Pages::parse(params.get("pages").unwrap_or(""))
        .and_then(|p| p.resolve(count))
        .map_err(|e| (400, format!("Invalid page range: {e}")))?;
    Ok(selected
        .into_iter()
        .filter_map(|index| {
            let page = document.pages.get(index as usize)?;
            let mut text = String::new();
            let mut runs = Vec::new();
            let mut rows = Vec::new();
            let mut row_runs = Vec::new();
            for row in &page.rows {
                let mut line = String::new();
                let mut these = Vec::new();
                for run in row.iter().filter(|r| !r.text.trim().is_empty()) {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    let start = text.chars().count() + line.chars().count();
                    let word = run.text.trim();
                    line.push_str(word);
                    let area = [run.x, run.y, run.width, run.height];
                    runs.push((start, start + word.chars().count(), area));
                    these.push((word.to_string(), area));
                }
                if these.is_empty() {
                    continue;
                }
                text.push_str(&line);
                text.push('\n');
                rows.push(line);
                row_runs.push(these);
            }
            Some(PageText {
                index,
                text,
                rows,
                runs,
                row_runs,
            })
        })
        .collect())
}

/// The box around the runs a match from `start` to `end` (chars) covers.
fn area_of(page: &PageText, start: usize, end: usize) -> Option<[f64; 4]> {
    let covered: Vec<[f64; 4]> = page
        .runs
        .iter()
        .filter(|(s, e, _)| *s < end.max(start + 1) && *e > start)
        .map(|(_, _, area)| *area)
        .collect();
    let left = covered.iter().map(|a| a[0]).reduce(f64::min)?;
    let top = covered.iter().map(|a| a[1]).reduce(f64::min)?;
    let right = covered.iter().map(|a| a[0] + a[2]).reduce(f64::max)?;
    let bottom = covered.iter().map(|a| a[1] + a[3]).reduce(f64::max)?;
    Some([
        round(left),
        round(top),
        round(right - left),
        round(bottom - top),
    ])
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

// ----- Answers -----

/// What a data endpoint made: its JSON in `body` (always in the answer), and as the linked
/// file of a job.
fn body_data(value: Value, pages: u32) -> Made {
    Made::data("body", value, pages)
}

/// A result that is in the answer's `body` only when asked `inline`, and linked always.
fn linked(file: Vec<u8>, content_type: &'static str, body: Option<Value>, pages: u32) -> Made {
    let mut made = Made::file(file, content_type, pages);
    if let Some(body) = body {
        made.fields.insert("body".into(), body);
    }
    made
}

/// Like [`edit::finish`] for an endpoint that is always a job (`ai-invoice-parser`),
/// whatever `async` says.
fn finish_as_job(
    core: &Core,
    params: &Params,
    started: Instant,
    name: &str,
    made: Result<Made, Failure>,
) -> Reply {
    let settings = core.settings();
    let lifetime = api::link_lifetime(params, &settings);
    let valid_till = iso_date(unix_now() + lifetime);
    let path = object_path(&core.new_id(), name);
    let url = presign(core, "GET", &path, None, lifetime);
    let id = core.new_id();
    let cost = made.as_ref().map_or(0, |m| u64::from(m.pages).max(1));
    let mut state = core.lock();
    if cost > state.credits {
        return api::api_error(402, api::default_message(402));
    }
    state.credits -= cost;
    let remaining = state.credits;
    let end = match (made, &settings.outcome) {
        (Err((code, message)), _) => JobEnd::Failed {
            code: Some(code),
            message,
        },
        (Ok(_), Outcome::Failed(message)) => JobEnd::Failed {
            code: None,
            message: message.clone(),
        },
        (Ok(_), Outcome::Aborted) => JobEnd::Aborted,
        (Ok(_), Outcome::Stuck) => JobEnd::Stuck,
        (Ok(made), Outcome::Success) => {
            let stored = StoredResult {
                bytes: made.file,
                content_type: made.content_type,
                ready: false,
            };
            state.results.insert(path.clone(), stored);
            JobEnd::Success {
                result_paths: vec![path],
                page_count: made.pages,
                fields: made.fields,
            }
        }
    };
    let job = Job::new(started, &settings, state.jobs.len(), end, url.clone(), cost);
    state.jobs.insert(id.clone(), job);
    api::json_reply(
        200,
        json!({
            "jobId": id,
            "url": url,
            "error": false,
            "status": 200,
            "name": name,
            "credits": cost,
            "remainingCredits": remaining,
            "outputLinkValidTill": valid_till,
        }),
    )
}

// ----- Document parser -----

/// The built-in templates: id, title, description, text.
const TEMPLATES: &[(u64, &str, &str, &str)] = &[
    (
        1,
        "Invoice (generic)",
        "Invoice number, dates, bill-to and total of a simple invoice",
        "templateName: Invoice (generic)
templateVersion: 4
templatePriority: 0
detectionRules:
  keywords:
  - Invoice
objects:
- name: invoiceNo
  objectType: field
  fieldProperties:
    fieldType: macros
    expression: 'Invoice (?:No\\.?|Number|#):?{{Spaces}}(\\S+)'
    caseSensitive: false
- name: invoiceDate
  objectType: field
  fieldProperties:
    fieldType: macros
    expression: '{{LineStart}}Date:?{{Spaces}}({{Date}})'
- name: billTo
  objectType: field
  fieldProperties:
    fieldType: regex
    expression: 'Bill to:?\\s+(.+)'
- name: total
  objectType: field
  fieldProperties:
    fieldType: macros
    expression: '{{LineStart}}Total:?{{Spaces}}({{Number}})'
",
    ),
    (
        2,
        "Line items (generic)",
        "The table under an Item / Quantity / Price header",
        "templateName: Line items (generic)
templateVersion: 1
objects:
- name: items
  objectType: table
  tableProperties:
    start:
      expression: '^Item\\s+Quantity'
    end:
      expression: '^(?:Summary|Total)'
    columns:
    - name: item
    - name: quantity
    - name: price
",
    ),
];

const TEMPLATE_DATE: &str = "2026-01-15T09:00:00";

fn template_summary(id: u64, title: &str, description: &str) -> Value {
    json!({
        "id": id,
        "title": title,
        "type": "system",
        "description": description,
        "created_at": TEMPLATE_DATE,
        "updated_at": TEMPLATE_DATE,
    })
}

fn template_list(core: &Core) -> Reply {
    let templates: Vec<Value> = TEMPLATES
        .iter()
        .map(|(id, title, description, _)| template_summary(*id, title, description))
        .collect();
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

fn template_one(core: &Core, id: &str) -> Reply {
    let found = id
        .parse::<u64>()
        .ok()
        .and_then(|id| TEMPLATES.iter().find(|t| t.0 == id));
    let Some((id, title, description, body)) = found else {
        return api::api_error(404, "Template not found");
    };
    let mut answer = template_summary(*id, title, description);
    answer["body"] = (*body).into();
    answer["error"] = false.into();
    answer["status"] = 200.into();
    answer["credits"] = 0.into();
    answer["remainingCredits"] = core.lock().credits.into();
    api::json_reply(200, answer)
}

/// A template's text read: JSON, else the YAML subset; it must have `objects`.
fn read_template(text: &str) -> Result<Value, String> {
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())?
    } else {
        yaml::parse(text)?
    };
    match value.get("objects") {
        Some(Value::Array(_)) => Ok(value),
        _ => Err("the template has no list of objects".into()),
    }
}

/// A `macros` expression as a regular expression.
fn expand_macros(expression: &str) -> String {
    const MACROS: &[(&str, &str)] = &[
        ("{{Digits}}", r"\d+"),
        ("{{Digit}}", r"\d"),
        ("{{Integer}}", r"[-+]?\d+"),
        ("{{Decimal}}", r"[-+]?\d[\d,]*\.\d+"),
        ("{{Number}}", r"[-+]?\d[\d,]*(?:\.\d+)?"),
        ("{{Word}}", r"\S+"),
        ("{{Spaces}}", r"\s+"),
        ("{{Space}}", r"\s"),
        ("{{Anything}}", r".*?"),
        (
            "{{Date}}",
            r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})",
        ),
        ("{{LineStart}}", "^"),
        ("{{LineEnd}}", "$"),
    ];
    let mut out = expression.to_string();
    for (name, pattern) in MACROS {
        out = out.replace(name, pattern);
    }
    out
}

/// What a parse found.
struct Parsed {
    name: String,
    version: Value,
    objects: Vec<Value>,
}

fn apply_template(template: &Value, pages: &[PageText]) -> Result<Parsed, String> {
    let mut objects = Vec::new();
    for object in template["objects"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
    {
        let name = object["name"].as_str().unwrap_or("").to_string();
        let kind = object["objectType"].as_str().unwrap_or("field");
        let found = if kind.eq_ignore_ascii_case("table") {
            table(&name, &object["tableProperties"], pages)?
        } else {
            field(&name, &object["fieldProperties"], pages)?
        };
        objects.push(found);
    }
    Ok(Parsed {
        name: template["templateName"].as_str().unwrap_or("").to_string(),
        version: template
            .get("templateVersion")
            .map(|v| match v {
                Value::Number(n) => Value::from(n.to_string()),
                other => other.clone(),
            })
            .unwrap_or(Value::Null),
        objects,
    })
}

fn compile(expression: &str, properties: &Value) -> Result<Regex, String> {
    let ignore_case = properties["caseSensitive"] == json!(false)
        || properties["caseSensitive"] == json!("false");
    Regex::new(expression, ignore_case)
        .map_err(|e| format!("invalid expression `{expression}`: {e}"))
}

fn field(name: &str, properties: &Value, pages: &[PageText]) -> Result<Value, String> {
    let expression = properties["expression"].as_str().unwrap_or("");
    let field_type = properties["fieldType"].as_str().unwrap_or("regex");
    let mut object = json!({ "name": name, "objectType": "field", "value": null });
    if field_type.eq_ignore_ascii_case("static") {
        object["value"] = expression.into();
        return Ok(object);
    }
    let pattern = match field_type.to_ascii_lowercase().as_str() {
        "macros" => expand_macros(expression),
        "regex" => expression.to_string(),
        other => return Err(format!("unsupported fieldType `{other}`")),
    };
    let regex = compile(&pattern, properties)?;
    for page in pages {
        if let Some((value, start, end)) = regex.find(&page.text) {
            object["value"] = value.trim().into();
            object["pageIndex"] = page.index.into();
            if let Some(area) = area_of(page, start, end) {
                object["rectangle"] = json!(area);
            }
            break;
        }
    }
    Ok(object)
}

fn table(name: &str, properties: &Value, pages: &[PageText]) -> Result<Value, String> {
    let start = compile(
        properties["start"]["expression"].as_str().unwrap_or("^"),
        properties,
    )?;
    let end = match properties["end"]["expression"].as_str() {
        Some(e) => Some(compile(e, properties)?),
        None => None,
    };
    let columns: Vec<String> = properties["columns"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c["name"]
                .as_str()
                .map_or_else(|| format!("column{}", i + 1), str::to_string)
        })
        .collect();
    let mut rows = Vec::new();
    let mut first_page = None;
    let mut inside = false;
    'pages: for page in pages {
        for (line, runs) in page.rows.iter().zip(&page.row_runs) {
            if !inside {
                inside = start.is_match(line);
                continue;
            }
            if end.as_ref().is_some_and(|e| e.is_match(line)) {
                break 'pages;
            }
            first_page.get_or_insert(page.index);
            let mut row = Map::new();
            for (i, (text, area)) in runs.iter().enumerate() {
                let column = match columns.get(i).or(columns.last()) {
                    Some(c) => c.clone(),
                    None => format!("column{}", i + 1),
                };
                let cell = row.entry(column).or_insert_with(
                    || json!({ "value": "", "pageIndex": page.index, "rectangle": area }),
                );
                let joined = match cell["value"].as_str() {
                    Some("") | None => text.clone(),
                    Some(before) => format!("{before} {text}"),
                };
                cell["value"] = joined.into();
            }
            rows.push(Value::Object(row));
        }
    }
    let mut object = json!({ "name": name, "objectType": "table", "rows": rows });
    if let Some(index) = first_page {
        object["pageIndex"] = index.into();
    }
    Ok(object)
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The parse written in `format`: its bytes, content type and extension.
fn render(body: &Value, format: &str, headers: bool) -> (Vec<u8>, &'static str, &'static str) {
    let objects = body["objects"].as_array().map_or(&[][..], Vec::as_slice);
    let fields: Vec<&Value> = objects
        .iter()
        .filter(|o| o["objectType"] == "field")
        .collect();
    match format {
        "CSV" => {
            let mut out = String::new();
            if headers {
                let names: Vec<String> = fields
                    .iter()
                    .map(|f| csv_cell(&value_text(&f["name"])))
                    .collect();
                out.push_str(&names.join(","));
                out.push_str("\r\n");
            }
            let values: Vec<String> = fields
                .iter()
                .map(|f| csv_cell(&value_text(&f["value"])))
                .collect();
            out.push_str(&values.join(","));
            out.push_str("\r\n");
            (out.into_bytes(), "text/csv", "csv")
        }
        "XML" => {
            let mut out = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<document templateName=\"{}\" templateVersion=\"{}\" timestamp=\"{}\">\n",
                xml_escape(&value_text(&body["templateName"])),
                xml_escape(&value_text(&body["templateVersion"])),
                xml_escape(&value_text(&body["timestamp"])),
            );
            for object in objects {
                out.push_str(&format!(
                    "  <object name=\"{}\" objectType=\"{}\">",
                    xml_escape(&value_text(&object["name"])),
                    xml_escape(&value_text(&object["objectType"])),
                ));
                match object["rows"].as_array() {
                    Some(rows) => {
                        out.push('\n');
                        for row in rows {
                            out.push_str("    <row>");
                            for (column, cell) in row.as_object().into_iter().flatten() {
                                out.push_str(&format!(
                                    "<{column}>{}</{column}>",
                                    xml_escape(&value_text(&cell["value"]))
                                ));
                            }
                            out.push_str("</row>\n");
                        }
                        out.push_str("  </object>\n");
                    }
                    None => out.push_str(&format!(
                        "<value>{}</value></object>\n",
                        xml_escape(&value_text(&object["value"]))
                    )),
                }
            }
            out.push_str("</document>\n");
            (out.into_bytes(), "application/xml", "xml")
        }
        "YAML" => {
            let quoted = |v: &Value| Value::String(value_text(v)).to_string();
            let mut out = format!(
                "templateName: {}\ntemplateVersion: {}\ntimestamp: {}\nobjects:\n",
                quoted(&body["templateName"]),
                quoted(&body["templateVersion"]),
                quoted(&body["timestamp"]),
            );
            for object in objects {
                out.push_str(&format!(
                    "- name: {}\n  objectType: {}\n",
                    quoted(&object["name"]),
                    quoted(&object["objectType"])
                ));
                match object["rows"].as_array() {
                    Some(rows) => {
                        out.push_str("  rows:\n");
                        for row in rows {
                            let mut first = true;
                            for (column, cell) in row.as_object().into_iter().flatten() {
                                let dash = if first { "  - " } else { "    " };
                                first = false;
                                out.push_str(&format!(
                                    "{dash}{column}: {}\n",
                                    quoted(&cell["value"])
                                ));
                            }
                        }
                    }
                    None => out.push_str(&format!("  value: {}\n", quoted(&object["value"]))),
                }
            }
            (out.into_bytes(), "application/x-yaml", "yaml")
        }
        _ => (
            serde_json::to_vec_pretty(body).unwrap_or_default(),
            "application/json",
            "json",
        ),
    }
}

fn document_parser(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let template_text = match (params.get("templateid"), params.get("template")) {
        (_, Some(text)) => text.to_string(),
        (Some(id), None) => {
            let found = id
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|id| TEMPLATES.iter().find(|t| t.0 == id));
            match found {
                Some(t) => t.3.to_string(),
                None => return api::api_error(400, &format!("Template {id} not found")),
            }
        }
        (None, None) => {
            return api::api_error(
                400,
                "Bad request: the templateId or template parameter is required",
            );
        }
    };
    let template = match read_template(&template_text) {
        Ok(t) => t,
        Err(why) => return api::api_error(400, &format!("Invalid template: {why}")),
    };
    let format = params
        .get("outputformat")
        .unwrap_or("JSON")
        .to_ascii_uppercase();
    if !matches!(format.as_str(), "JSON" | "YAML" | "XML" | "CSV") {
        return api::api_error(400, &format!("Invalid outputFormat: {format}"));
    }
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let inline = params.flag("inline");
    let headers = params.flag("generatecsvheaders");
    let made = read_pages(&data, params).and_then(|pages| {
        let parsed = apply_template(&template, &pages)
            .map_err(|why| (400, format!("Invalid template: {why}")))?;
        let body = json!({
            "templateName": parsed.name,
            "templateVersion": parsed.version,
            "timestamp": iso_date(unix_now()).trim_end_matches("+00:00"),
            "objects": parsed.objects,
        });
        let (file, content_type, _) = render(&body, &format, headers);
        let inline_body = inline.then(|| match format.as_str() {
            "JSON" => body.clone(),
            _ => Value::String(String::from_utf8_lossy(&file).into_owned()),
        });
        Ok(linked(file, content_type, inline_body, pages.len() as u32))
    });
    drop(data);
    let extension = match format.as_str() {
        "CSV" => "csv",
        "XML" => "xml",
        "YAML" => "yaml",
        _ => "json",
    };
    let name = result_name(params, &input_name, extension);
    edit::finish(core, params, started, &name, made)
}

// ----- AI invoice parser -----

/// The first group of `pattern` (ignoring case) in `text`, trimmed.
fn find_in(pattern: &str, text: &str) -> Option<String> {
    let regex = Regex::new(pattern, true).ok()?;
    let (value, _, _) = regex.find(text)?;
    let value = value.trim().to_string();
    (!value.is_empty()).then_some(value)
}

/// A camelCase name as a pattern of its words: `shippingMethod` → `shipping\s*method`.
fn label_pattern(name: &str) -> String {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in name.chars() {
        if c.is_uppercase() && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.push(c);
        }
    }
    words.push(word);
    words.retain(|w| !w.is_empty());
    words.join(r"\s*")
}

fn invoice_of(pages: &[PageText], custom: &[&str]) -> Value {
    let text: String = pages.iter().map(|p| p.text.as_str()).collect();
    let amount = r"[^\d\n]*(\d[\d,]*(?:\.\d+)?)";
    let vendor = pages.iter().flat_map(|p| p.rows.first()).next().cloned();
    let mut line_items = Vec::new();
    for page in pages {
        let mut inside = false;
        for (line, runs) in page.rows.iter().zip(&page.row_runs) {
            if !inside {
                let lower = line.to_lowercase();
                inside = (lower.contains("item") || lower.contains("description"))
                    && (lower.contains("qty") || lower.contains("quantity"));
                continue;
            }
            let lower = line.to_lowercase();
            if lower.starts_with("total")
                || lower.starts_with("subtotal")
                || lower.starts_with("summary")
            {
                break;
            }
            if runs.len() < 2 {
                continue;
            }
            let mut item = json!({ "description": runs[0].0, "amount": runs[runs.len() - 1].0 });
            if runs.len() >= 3 {
                item["quantity"] = runs[1].0.clone().into();
            }
            line_items.push(item);
        }
    }
    let custom_fields: Map<String, Value> = custom
        .iter()
        .map(|name| {
            let pattern = format!(r"^\s*{}\s*:\s*(.+)$", label_pattern(name));
            let value = find_in(&pattern, &text).map_or(Value::Null, Value::from);
            (name.to_string(), value)
        })
        .collect();
    let opt = |v: Option<String>| v.map_or(Value::Null, Value::from);
    json!({
        "vendor": { "name": opt(vendor) },
        "customer": {
            "billTo": { "name": opt(find_in(r"bill(?:ed)?\s+to\s*:?\s*(.+)", &text)) }
        },
        "invoice": {
            "invoiceNo": opt(find_in(r"invoice\s*(?:no\.?|number|#)\s*:?\s*([A-Za-z0-9][\w/-]*)", &text)),
            "invoiceDate": opt(find_in(r"^\s*(?:invoice\s+)?date\s*:?\s*(\S+)", &text)),
            "dueDate": opt(find_in(r"due\s+date\s*:?\s*(\S+)", &text)),
            "poNo": opt(find_in(r"^\s*(?:p\.?o\.?|purchase\s+order)\s*(?:no\.?|number|#)\s*:?\s*(\S+)", &text)),
        },
        "paymentDetails": {
            "total": opt(find_in(&format!(r"^\s*(?:grand\s+)?total(?:\s+due)?\s*:?{amount}"), &text)),
            "subtotal": opt(find_in(&format!(r"^\s*sub\s*-?\s*total\s*:?{amount}"), &text)),
            "tax": opt(find_in(&format!(r"^\s*(?:tax|vat)(?:\s|:){amount}"), &text)),
        },
        "lineItems": line_items,
        "customFields": custom_fields,
    })
}

fn invoice_parser(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let custom: Vec<&str> = params
        .get("customfield")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let made = read_pages(&data, params)
        .map(|pages| body_data(invoice_of(&pages, &custom), pages.len() as u32));
    drop(data);
    let name = result_name(params, &input_name, "json");
    finish_as_job(core, params, started, &name, made)
}

// ----- Classifier -----

/// RFC 4180 rows: fields split at commas outside quotes, `""` a quote.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r| r.iter().any(|f| !f.trim().is_empty()));
    rows
}

fn classify(rules: &str, text: &str, case_sensitive: bool) -> Result<Vec<Value>, String> {
    let mut classes = Vec::new();
    for row in csv_rows(rules) {
        let [class, logic, keywords @ ..] = row.as_slice() else {
            return Err(format!(
                "a rule needs a class, AND or OR, and keywords: {}",
                row.join(",")
            ));
        };
        let all = match logic.trim().to_ascii_uppercase().as_str() {
            "AND" => true,
            "OR" => false,
            other => return Err(format!("expected AND or OR, got `{other}`")),
        };
        let mut hits = Vec::new();
        for keyword in keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
            let hit = match keyword.strip_prefix('/').and_then(|k| k.strip_suffix('/')) {
                Some(pattern) if !pattern.is_empty() => Regex::new(pattern, !case_sensitive)
                    .map_err(|e| format!("invalid expression `{pattern}`: {e}"))?
                    .is_match(text),
                _ if case_sensitive => text.contains(keyword),
                _ => text.to_lowercase().contains(&keyword.to_lowercase()),
            };
            hits.push(hit);
        }
        let matched = !hits.is_empty()
            && if all {
                hits.iter().all(|h| *h)
            } else {
                hits.iter().any(|h| *h)
            };
        if matched && !classes.iter().any(|c: &Value| c["class"] == class.trim()) {
            classes.push(json!({ "class": class.trim() }));
        }
    }
    Ok(classes)
}

fn classifier(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let rules = match (params.get("rulescsv"), params.get("rulescsvurl")) {
        (Some(rules), _) => rules.to_string(),
        (None, Some(url)) => match api::fetch_input(core, url, auth(params)) {
            Ok((bytes, _)) => String::from_utf8_lossy(&bytes).into_owned(),
            Err((code, message)) => {
                return api::api_error(code, &format!("Cannot read the rules: {message}"));
            }
        },
        (None, None) => {
            return api::api_error(
                400,
                "Bad request: the rulescsv or rulescsvurl parameter is required",
            );
        }
    };
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let case_sensitive = params.flag("casesensitive");
    // Images have no text without OCR: no class, but no failure either.
    let pages = if pdf::is_pdf(&data) {
        read_pages(&data, params)
    } else {
        Ok(Vec::new())
    };
    let made = pages.and_then(|pages| {
        let text: String = pages.iter().map(|p| p.text.as_str()).collect();
        let classes = classify(&rules, &text, case_sensitive)
            .map_err(|why| (400, format!("Invalid rules: {why}")))?;
        Ok(body_data(
            json!({ "classes": classes }),
            pages.len().max(1) as u32,
        ))
    });
    drop(data);
    let name = result_name(params, &input_name, "json");
    edit::finish(core, params, started, &name, made)
}

// ----- Email -----

fn email_send(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let required = [
        ("from", "from"),
        ("to", "to"),
        ("subject", "subject"),
        ("smtpserver", "smtpServer"),
        ("smtpport", "smtpPort"),
        ("smtpusername", "smtpUsername"),
        ("smtppassword", "smtpPassword"),
    ];
    for (key, spelled) in required {
        if params.get(key).is_none() {
            return api::api_error(
                400,
                &format!("Bad request: the {spelled} parameter is required"),
            );
        }
    }
    let port = params
        .get("smtpport")
        .and_then(|p| p.trim().parse::<u16>().ok());
    if port.is_none_or(|p| p == 0) {
        return api::api_error(400, "Bad request: smtpPort must be a port number");
    }
    for key in ["from", "to", "replyto", "cc", "bcc"] {
        if params
            .get(key)
            .is_some_and(|v| !v.contains('@') || v.contains(['\r', '\n']))
        {
            return api::api_error(400, &format!("Bad request: invalid email address in {key}"));
        }
    }
    // The attachment must be readable, as PDF.co fetches it before sending.
    let attachment = match params.get("url") {
        Some(url) => match api::fetch_input(core, url, auth(params)) {
            Ok((_, name)) => Some(name),
            Err((code, message)) => return api::api_error(code, &message),
        },
        None => None,
    };
    // Only the acknowledgement in the answer; a job's link holds the emulator's own note.
    let mut made = Made::data("body", Value::Null, 1);
    made.fields.clear();
    let note = json!({ "emulated": true, "sent": false, "attachment": attachment });
    made.file = serde_json::to_vec(&note).unwrap_or_default();
    edit::finish(core, params, started, "email.json", Ok(made))
}

/// A message read from the input, or the failure PDF.co gives for what is not one.
fn read_message(data: &[u8], name: &str) -> Result<mime::Message, Failure> {
    if data.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err(edit::damaged(&format!(
            "{name} is an Outlook .msg file, which the emulator does not read"
        )));
    }
    mime::parse(data).map_err(|why| edit::damaged(&why))
}

fn header_value(message: &mime::Message, name: &str) -> Value {
    message.header(name).map_or(Value::Null, Value::from)
}

fn email_decode(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let made = read_message(&data, &input_name).map(|message| {
        let body = json!({
            "from": header_value(&message, "from"),
            "to": header_value(&message, "to"),
            "cc": header_value(&message, "cc"),
            "subject": header_value(&message, "subject"),
            "date": header_value(&message, "date"),
            "bodyText": message.text,
            "bodyHtml": message.html,
            "attachmentsCount": message.attachments.len(),
        });
        body_data(body, 1)
    });
    drop(data);
    let name = result_name(params, &input_name, "json");
    edit::finish(core, params, started, &name, made)
}

/// A content type the emulator stores results under.
fn static_type(content_type: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "application/pdf",
        "text/plain",
        "text/html",
        "text/csv",
        "image/png",
        "image/jpeg",
        "image/gif",
        "application/zip",
        "application/json",
        "message/rfc822",
    ];
    KNOWN
        .iter()
        .find(|k| **k == content_type)
        .copied()
        .unwrap_or("application/octet-stream")
}

fn email_attachments(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let lifetime = api::link_lifetime(params, &core.settings());
    let made = read_message(&data, &input_name).map(|mut message| {
        let mut listed = Vec::new();
        for attachment in std::mem::take(&mut message.attachments) {
            let path = object_path(&core.new_id(), &attachment.filename);
            let url = presign(core, "GET", &path, None, lifetime);
            let stored = StoredResult {
                bytes: attachment.data,
                content_type: static_type(&attachment.content_type),
                ready: true,
            };
            core.lock().results.insert(path, stored);
            listed.push(json!({ "filename": attachment.filename, "url": url }));
        }
        let pages = listed.len().max(1) as u32;
        let body = json!({
            "from": header_value(&message, "from"),
            "subject": header_value(&message, "subject"),
            "bodyText": message.text,
            "attachments": listed,
        });
        body_data(body, pages)
    });
    drop(data);
    let name = result_name(params, &input_name, "json");
    edit::finish(core, params, started, &name, made)
}
