//! Emails (`.eml`): headers, text parts and attachments.

use super::super::super::api::Params;
use super::super::super::edit::{self, Failure};
use super::html_lines;

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

fn decode_body(body: &str, encoding: Option<&str>) -> Vec<u8> {
    match encoding.map(str::to_ascii_lowercase).as_deref() {
        Some("base64") => crate::base64::decode_lenient(body.as_bytes()),
        Some("quoted-printable") => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    }
}

fn quoted_printable(text: &str) -> Vec<u8> {
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
    out
}

/// What an email holds: its plain text, its HTML, and its attachments (name and contents).
#[derive(Default)]
struct Parts {
    plain: Option<String>,
    html: Option<String>,
    attachments: Vec<(String, Vec<u8>)>,
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
        let bytes = decode_body(body, header(headers, "content-transfer-encoding"));
        let name = file.unwrap_or_else(|| "attachment".to_string());
        parts.attachments.push((name, bytes));
        return;
    }
    let bytes = decode_body(body, header(headers, "content-transfer-encoding"));
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if lowered.starts_with("text/html") {
        parts.html.get_or_insert(text);
    } else if lowered.starts_with("text/") {
        parts.plain.get_or_insert(text);
    }
}

/// An email as text lines, and the attachments to embed.
pub(super) struct Email {
    pub(super) lines: Vec<String>,
    pub(super) embedded: Vec<(String, Vec<u8>)>,
}

/// The email's header fields and text; each attachment named, with its text when it is text,
/// unless `convertAttachments` is `false`; the attachments to embed unless
/// `embedAttachments` is `false`.
pub(super) fn email_lines(data: &[u8], name: &str, params: &Params) -> Result<Email, Failure> {
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
    let mut embedded = Vec::new();
    for (attachment, bytes) in parts.attachments {
        if !off("convertattachments") {
            lines.push(format!("Attachment: {attachment}"));
            if let Ok(text) = std::str::from_utf8(&bytes).map(|t| t.trim_end()) {
                if !text.contains('\0') {
                    lines.extend(text.lines().map(str::to_string));
                }
            }
        }
        if !off("embedattachments") {
            embedded.push((attachment, bytes));
        }
    }
    Ok(Email { lines, embedded })
}
