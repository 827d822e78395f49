//! Office inputs: TXT, RTF, DOCX and DOC documents; CSV and XLSX spreadsheets (through a
//! small ZIP and XML reader) and what spreadsheets are converted to.

use serde_json::{Map, Value};

use super::super::super::api::Params;
use super::super::super::edit::{self, Failure};
use super::super::super::pdf;
use super::{decode_entities, escape};

pub(super) fn document_lines(data: &[u8], name: &str) -> Result<Vec<String>, Failure> {
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

pub(super) type Table = Vec<Vec<String>>;

/// The rows of a CSV or XLSX file's worksheet `index` (from 1; `0` is the first too).
pub(super) fn read_table(data: &[u8], name: &str, index: Option<&str>) -> Result<Table, Failure> {
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

pub(super) fn write_csv(table: &Table, params: &Params) -> Result<Vec<u8>, Failure> {
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

pub(super) fn json_rows(table: &Table) -> Vec<u8> {
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

pub(super) fn html_table(table: &Table) -> String {
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

pub(super) fn text_rows(table: &Table) -> String {
    table.iter().map(|row| row.join("\t") + "\n").collect()
}

pub(super) fn xml_rows(table: &Table) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
