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

mod email;
mod mime;
mod parser;
mod regex;
mod text;
mod yaml;

use serde_json::Value;

use super::super::Core;
use super::super::api::{self, Params};
use super::super::edit::{self, Failure, Made};
use super::super::server::Reply;
use crate::Pages;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    let _ = method;
    let templates = path
        .strip_prefix("/v1/pdf/documentparser/templates")
        .or_else(|| path.strip_prefix("/v1/documentparser/templates"));
    Some(match (path, templates) {
        (_, Some("")) => parser::template_list(core),
        (_, Some(id)) => match id.strip_prefix('/') {
            Some(id) if !id.contains('/') => parser::template_one(core, id),
            _ => return None,
        },
        ("/v1/pdf/documentparser", _) => parser::document_parser(core, params),
        ("/v1/ai-invoice-parser", _) => text::invoice_parser(core, params),
        ("/v1/pdf/classifier", _) => text::classifier(core, params),
        ("/v1/email/send", _) => email::email_send(core, params),
        ("/v1/email/decode", _) => email::email_decode(core, params),
        ("/v1/email/extract-attachments", _) => email::email_attachments(core, params),
        _ => return None,
    })
}
// ----- Inputs -----

/// The input's bytes and name, or the error reply.
fn input(core: &Core, params: &Params) -> Result<(Vec<u8>, String), Reply> {
    let Some(url) = params.get("url") else {
        return Err(api::api_error(
            400,
            "Bad request: the url parameter is required",
        ));
    };
    api::fetch_input(core, url, params).map_err(|(code, message)| api::api_error(code, &message))
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
    let document = edit::read_text(data, params.get("password"))?;
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
