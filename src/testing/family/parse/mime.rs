//! Reading `.eml` messages for the emulator's `email/decode` and `email/extract-attachments`:
//! headers (folded lines, RFC 2047 encoded words), MIME multipart bodies at any depth, and
//! the base64 and quoted-printable transfer encodings. Text in UTF-8, US-ASCII or
//! ISO-8859-1; other charsets are read as UTF-8 with replacement characters.

/// A message, read.
#[derive(Debug, Default)]
pub(super) struct Message {
    headers: Vec<(String, String)>,
    pub(super) text: Option<String>,
    pub(super) html: Option<String>,
    pub(super) attachments: Vec<Attachment>,
}

/// A part of a message that is a file of its own.
#[derive(Debug)]
pub(super) struct Attachment {
    pub(super) filename: String,
    pub(super) content_type: String,
    pub(super) data: Vec<u8>,
}

/// How deep multiparts may nest.
const MAX_DEPTH: usize = 16;

impl Message {
    /// A header's decoded value, by case-insensitive name (the first of several).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a message; `Err` when the data is not one.
pub(super) fn parse(data: &[u8]) -> Result<Message, String> {
    let (head, body) = split_head(data);
    let headers = headers(head);
    let known = [
        "from",
        "to",
        "subject",
        "date",
        "content-type",
        "mime-version",
    ];
    let is_message = headers
        .iter()
        .any(|(k, _)| known.iter().any(|n| k.eq_ignore_ascii_case(n)));
    if !is_message || data.contains(&0) {
        return Err("not an email message (no mail headers)".into());
    }
    let mut message = Message {
        headers: headers
            .iter()
            .map(|(k, v)| (k.clone(), decode_words(v)))
            .collect(),
        ..Message::default()
    };
    entity(&headers, body, 0, &mut message);
    Ok(message)
}

/// The head (up to the first empty line) and the body after it.
fn split_head(data: &[u8]) -> (&[u8], &[u8]) {
    let mut at = 0;
    while at < data.len() {
        let end = data[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |p| at + p);
        let line = &data[at..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return (&data[..at], data.get(end + 1..).unwrap_or(&[]));
        }
        at = end + 1;
    }
    (data, &[])
}

/// Header fields, folded lines joined, values raw (not decoded yet).
fn headers(head: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(head);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            let token = !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
            if token {
                out.push((name.to_string(), value.trim().to_string()));
            }
        }
    }
    out
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A structured header's value and its parameters (`text/plain; charset="utf-8"`), names
/// lowered; RFC 2231 `name*=charset''value` parameters percent-decoded.
fn value_and_params(field: &str) -> (String, Vec<(String, String)>) {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in field.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ';' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    let value = parts.remove(0).trim().to_ascii_lowercase();
    let params = parts
        .iter()
        .filter_map(|p| {
            let (name, raw) = p.split_once('=')?;
            let name = name.trim().to_ascii_lowercase();
            let raw = raw.trim().trim_matches('"');
            match name.strip_suffix('*') {
                Some(base) => {
                    let encoded = raw.splitn(3, '\'').nth(2).unwrap_or(raw);
                    Some((base.to_string(), percent_decode(encoded)))
                }
                None => Some((name, decode_words(raw))),
            }
        })
        .collect();
    (value, params)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// One entity (the message or a part): a multipart's parts, or a leaf's text or file.
fn entity(headers: &[(String, String)], body: &[u8], depth: usize, message: &mut Message) {
    let (content_type, params) =
        value_and_params(header(headers, "content-type").unwrap_or("text/plain"));
    let (disposition, disposition_params) =
        value_and_params(header(headers, "content-disposition").unwrap_or(""));
    if content_type.starts_with("multipart/") && depth < MAX_DEPTH {
        if let Some(boundary) = param(&params, "boundary") {
            for part in parts(body, boundary) {
                let (head, body) = split_head(part);
                entity(&self::headers(head), body, depth + 1, message);
            }
            return;
        }
    }
    let encoding = header(headers, "content-transfer-encoding")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let data = match encoding.as_str() {
        "base64" => crate::base64::decode_lenient(body),
        "quoted-printable" => quoted_printable(body),
        _ => body.to_vec(),
    };
    let filename = param(&disposition_params, "filename").or_else(|| param(&params, "name"));
    let is_text = content_type == "text/plain" || content_type == "text/html";
    if disposition == "attachment" || filename.is_some() || !is_text {
        let index = message.attachments.len() + 1;
        let filename = filename
            .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).to_string())
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| format!("attachment{index}.bin"));
        message.attachments.push(Attachment {
            filename,
            content_type,
            data,
        });
        return;
    }
    let text = to_text(&data, param(&params, "charset").unwrap_or("us-ascii"));
    let slot = match content_type.as_str() {
        "text/html" => &mut message.html,
        _ => &mut message.text,
    };
    if slot.is_none() {
        *slot = Some(text);
    }
}

/// The parts of a multipart body between its `--boundary` lines.
fn parts<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut starts = Vec::new();
    let mut at = 0;
    let mut closed = None;
    while at < body.len() {
        let end = body[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |p| at + p);
        let line = &body[at..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(rest) = line.strip_prefix(delimiter) {
            if rest.starts_with(b"--") {
                closed = Some(at);
                break;
            }
            if rest.iter().all(u8::is_ascii_whitespace) {
                starts.push((at, end + 1));
            }
        }
        at = end + 1;
    }
    let mut out = Vec::new();
    for (i, &(_, content)) in starts.iter().enumerate() {
        let end = starts
            .get(i + 1)
            .map(|&(line, _)| line)
            .or(closed)
            .unwrap_or(body.len());
        let content = content.min(end);
        let mut part = &body[content..end];
        // The line break before a delimiter belongs to the delimiter.
        part = part.strip_suffix(b"\n").unwrap_or(part);
        part = part.strip_suffix(b"\r").unwrap_or(part);
        out.push(part);
    }
    out
}

fn to_text(data: &[u8], charset: &str) -> String {
    let charset = charset.to_ascii_lowercase();
    if matches!(
        charset.as_str(),
        "iso-8859-1" | "latin1" | "latin-1" | "windows-1252"
    ) {
        data.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(data).into_owned()
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Quoted-printable: `=XX` escapes, `=` at a line's end a soft break, trailing spaces
/// dropped; `underscore_space` for RFC 2047's Q encoding.
fn quoted_printable_with(data: &[u8], underscore_space: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'=' => {
                let rest = &data[i + 1..];
                if rest.starts_with(b"\r\n") {
                    i += 3;
                } else if rest.starts_with(b"\n") {
                    i += 2;
                } else if let (Some(h), Some(l)) = (
                    rest.first().copied().and_then(hex),
                    rest.get(1).copied().and_then(hex),
                ) {
                    out.push(h << 4 | l);
                    i += 3;
                } else {
                    out.push(b'=');
                    i += 1;
                }
            }
            b'_' if underscore_space => {
                out.push(b' ');
                i += 1;
            }
            b'\r' if data.get(i + 1) == Some(&b'\n') => {
                out.push(b'\n');
                i += 2;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn quoted_printable(data: &[u8]) -> Vec<u8> {
    quoted_printable_with(data, false)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(h << 4 | l);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A header value with its RFC 2047 encoded words (`=?utf-8?q?caf=C3=A9?=`) decoded;
/// the space between two encoded words is dropped.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let decoded = encoded_word(&rest[start..]);
        match decoded {
            Some((text, used)) => {
                let between = &rest[..start];
                if !(last_was_word && between.trim().is_empty()) {
                    out.push_str(between);
                }
                out.push_str(&text);
                rest = &rest[start + used..];
                last_was_word = true;
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `text`: its text and its length.
fn encoded_word(text: &str) -> Option<(String, usize)> {
    let inner = text.strip_prefix("=?")?;
    let (charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let end = inner.find("?=")?;
    let payload = &inner[..end];
    let bytes = match encoding {
        "B" | "b" => crate::base64::decode_lenient(payload.as_bytes()),
        "Q" | "q" => quoted_printable_with(payload.as_bytes(), true),
        _ => return None,
    };
    let used = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    Some((to_text(&bytes, charset), used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_decode() {
        assert_eq!(
            quoted_printable(b"caf=C3=A9 o=\r\nk\r\n"),
            "café ok\n".as_bytes()
        );
        assert_eq!(
            decode_words("=?utf-8?q?Your_caf=C3=A9?= =?UTF-8?B?IG9yZGVy?= now"),
            "Your café order now"
        );
        assert_eq!(decode_words("plain =? text"), "plain =? text");
        let (value, params) = value_and_params("attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf");
        assert_eq!(value, "attachment");
        assert_eq!(param(&params, "filename"), Some("résumé.pdf"));
    }

    #[test]
    fn nested_multiparts_are_walked() {
        let eml = "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\npre\r\n--X\r\n\
                   Content-Type: multipart/alternative; boundary=\"Y\"\r\n\r\n--Y\r\n\
                   Content-Type: text/plain\r\n\r\nhi\r\n--Y\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--Y--\r\n\
                   --X\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n--X--\r\n";
        let message = parse(eml.as_bytes()).unwrap();
        assert_eq!(message.text.as_deref(), Some("hi"));
        assert_eq!(message.html.as_deref(), Some("<p>hi</p>"));
        assert_eq!(message.attachments.len(), 1);
        assert_eq!(message.attachments[0].filename, "attachment1.bin");
        assert_eq!(message.attachments[0].data, b"\x89PNG");
        assert!(parse(b"%PDF-1.4 not mail").is_err());
    }
}
