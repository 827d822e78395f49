//! Keeping secrets out of `Debug`, `Display` and error text.
//!
//! Three kinds of secret pass through this crate: the API key, document passwords, and the
//! signatures and tokens inside presigned storage URLs. Everything that prints goes through
//! [`url`] or [`text`] first.
//!
//! Masking works two ways. By *name*: the values of secret-named parameters
//! (`password=...`, `"X-Amz-Signature": "..."`) and the password of any `user:password@`
//! URL are masked wherever they appear. By *value*: a server may repeat a secret without its
//! name ("Invalid password hunter2"), so the [`Secrets`] a request carried are masked
//! wherever they appear in its answer, raw or in any of the encodings a server is likely to
//! use (percent-encoding, `+` for a space, JSON and XML escapes).

use std::fmt;

use serde_json::Value;

/// What stands in for a secret.
pub(crate) const MASK: &str = "***";

/// Query parameters and JSON keys whose values are secrets (compared case-insensitively).
const SECRET_NAMES: &[&str] = &[
    "x-amz-signature",
    "x-amz-security-token",
    "x-amz-credential",
    "signature",
    "password",
    "httppassword",
    "x-api-key",
    "apikey",
    // Credentials other services put in a link's query: access tokens, shared-access
    // signatures, client secrets, keys.
    "token",
    "sig",
    "secret",
    "key",
    "credential",
];

/// A string that never prints: the API key, a document password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// Secrets shorter than this are masked only where they stand as a word of their own, so
/// that a one-letter password cannot garble a whole message.
pub(crate) const MIN_ANYWHERE: usize = 6;

/// The secret values one request carries (the API key, the document and basic-auth
/// passwords, the password in a URL's userinfo, the values of secret-named parameters such as
/// a presigned URL's signature), to mask wherever a server repeats them.
///
/// A secret of [`MIN_ANYWHERE`] characters or more is masked wherever it appears, also inside
/// a longer word. A shorter one (a password such as `a` or `pdf`) is masked only where no
/// letter or digit touches it on either side (another secret next to it counts as a
/// boundary): `Invalid password pdf` becomes `Invalid password ***`, while the `pdf` in
/// `pdfco` stays. That keeps messages readable; a server that glues a short secret to other
/// letters would reveal it, which is the trade-off of short secrets. Empty secrets are
/// ignored.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Vec<String>);

impl Secrets {
    /// `value` with each of these secrets masked in every string it holds, keys included.
    /// Name patterns (`X-Amz-Signature=`, ...) are left alone: the URLs in an answer are the
    /// program's own results and must stay usable.
    pub(crate) fn mask_json(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.mask(text)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.mask_json(v)).collect()),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (self.mask(k), self.mask_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Adds one secret value as it is. Longer secrets are kept first, so that a secret
    /// containing another is masked whole.
    pub(crate) fn add(&mut self, value: &str) {
        if value.is_empty() || self.0.iter().any(|s| s == value) {
            return;
        }
        let at = self.0.partition_point(|s| s.len() >= value.len());
        self.0.insert(at, value.to_string());
    }

    /// Adds every secret of `other`.
    pub(crate) fn extend(&mut self, other: &Secrets) {
        for secret in &other.0 {
            self.add(secret);
        }
    }

    /// Adds the secrets inside a URL, or any text holding URLs: the password (or a lone
    /// user name, which may be a token) of each userinfo, and the value of each secret-named
    /// query parameter; each as written and percent-decoded.
    pub(crate) fn add_url(&mut self, text: &str) {
        let mut rest = text;
        while let Some(at) = rest.find("://") {
            rest = &rest[at + 3..];
            let end = authority_end(rest);
            if let Some((info, _)) = rest[..end].rsplit_once('@') {
                match info.split_once(':') {
                    Some((_, password)) => self.add_as_written_and_decoded(password),
                    None => self.add_as_written_and_decoded(info),
                }
            }
        }
        for pair in text.split(['?', '&', '#', ';']) {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let value = value.split(char::is_whitespace).next().unwrap_or("");
            if is_secret_name(&crate::url::decode(name, true)) {
                self.add_as_written_and_decoded(value);
            } else {
                // A URL passed as a parameter of another, encoded.
                let decoded = crate::url::decode(value, true);
                if decoded != value && decoded.contains("://") {
                    self.add_url(&decoded);
                }
            }
        }
    }

    fn add_as_written_and_decoded(&mut self, value: &str) {
        self.add(value);
        self.add(&crate::url::decode(value, false));
    }

    /// Adds the secrets of a request's parameters, given as JSON: the values of
    /// secret-named members (`password`, `httppassword`, ...) and the secrets of every
    /// string that holds a URL, at any depth.
    pub(crate) fn add_json(&mut self, value: &Value) {
        match value {
            Value::Object(members) => {
                for (name, value) in members {
                    match value {
                        Value::String(s) if is_secret_name(name) => self.add(s),
                        Value::Number(_) if is_secret_name(name) => {
                            self.add(&value.to_string());
                        }
                        other => self.add_json(other),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.add_json(item)),
            Value::String(s) => self.add_url(s),
            _ => {}
        }
    }

    /// The secrets of a request to `path_and_query` with `body` (JSON, if any).
    pub(crate) fn of_request(path_and_query: &str, body: Option<&[u8]>) -> Secrets {
        let mut secrets = Secrets::default();
        secrets.add_url(path_and_query);
        if let Some(Ok(value)) = body.map(serde_json::from_slice::<Value>) {
            secrets.add_json(&value);
        }
        secrets
    }

    /// `text` with every occurrence of every secret replaced by the mask. Occurrences that
    /// overlap (one secret ending where another begins inside it) are masked as one, so that
    /// no part of either shows.
    fn mask(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        // Every occurrence of every secret, and whether that secret is short.
        let mut found = Vec::new();
        for start in 0..bytes.len() {
            for secret in self.0.iter().filter(|s| could_start(bytes, start, s)) {
                let end = match_at(bytes, start, secret.as_bytes());
                if let Some(end) = end.filter(|&end| text.is_char_boundary(end)) {
                    let short = secret.chars().count() < MIN_ANYWHERE;
                    found.push((start, end, short));
                }
            }
        }
        if found.is_empty() {
            return text.to_string();
        }
        // A short secret must stand apart: no letter or digit next to it, unless that
        // character belongs to another secret.
        let mut covered = vec![false; bytes.len()];
        for &(start, end, _) in &found {
            covered[start..end].fill(true);
        }
        let apart = |start: usize, end: usize| {
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            (start == 0 || covered[start - 1] || !before.is_some_and(char::is_alphanumeric))
                && (end == bytes.len() || covered[end] || !after.is_some_and(char::is_alphanumeric))
        };
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (start, end, _) in found
            .into_iter()
            .filter(|&(start, end, short)| !short || apart(start, end))
        {
            if start >= copied {
                out.push_str(&text[copied..start]);
                out.push_str(MASK);
            }
            copied = copied.max(end);
        }
        out.push_str(&text[copied..]);
        out
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} masked)", self.0.len())
    }
}

/// Whether `secret` can start at `bytes[i]`: a quick test before trying to match.
fn could_start(bytes: &[u8], i: usize, secret: &str) -> bool {
    let Some(&b) = bytes.get(i) else {
        return false;
    };
    // A match starts on a character boundary: UTF-8 continuation bytes never do.
    (b & 0xC0 != 0x80)
        && (secret.as_bytes().first() == Some(&b) || matches!(b, b'%' | b'+' | b'\\' | b'&'))
}

/// Where a URL's authority ends in `rest` (what follows `://`).
fn authority_end(rest: &str) -> usize {
    rest.find(|c: char| {
        matches!(
            c,
            '/' | '?' | '#' | '"' | '\'' | '<' | '>' | '`' | ',' | ')' | ']'
        ) || c.is_whitespace()
    })
    .unwrap_or(rest.len())
}

/// Where a match of `secret` starting at `text[start]` ends (the longest match), each of
/// its bytes written as itself or as a server might encode it: see [`encodings`].
fn match_at(text: &[u8], start: usize, secret: &[u8]) -> Option<usize> {
    let mut ends = vec![start];
    let mut next = Vec::new();
    for &b in secret {
        next.clear();
        for &at in &ends {
            encodings(text, at, b, &mut next);
        }
        next.sort_unstable();
        next.dedup();
        if next.is_empty() {
            return None;
        }
        std::mem::swap(&mut ends, &mut next);
    }
    ends.last().copied()
}

/// Pushes `at + n` for each way the byte `b` can be written at `text[at..]` in `n` bytes:
/// as itself; percent-encoded (`%2f` or `%2F`); `+` for a space; JSON-escaped (`\"`, `\\`,
/// `\/`, `\u00XX`); as an XML or HTML character reference (`&amp;`, `&#38;`, `&#x26;`).
fn encodings(text: &[u8], at: usize, b: u8, out: &mut Vec<usize>) {
    let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) else {
        return;
    };
    let hex = |digits: &[u8]| {
        std::str::from_utf8(digits)
            .ok()
            .filter(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok())
    };
    let is_b = |code: Option<u32>| code == Some(u32::from(b));
    if rest[0] == b || (b == b' ' && rest[0] == b'+') {
        out.push(at + 1);
    }
    if rest[0] == b'%' && rest.len() >= 3 && is_b(hex(&rest[1..3])) {
        out.push(at + 3);
    }
    if !b.is_ascii() {
        return;
    }
    if rest[0] == b'\\' {
        if rest.get(1) == Some(&b) && matches!(b, b'"' | b'\\' | b'/') {
            out.push(at + 2);
        }
        if rest.len() >= 6 && rest[1] == b'u' && is_b(hex(&rest[2..6])) {
            out.push(at + 6);
        }
    }
    if rest[0] == b'&' {
        let Some(semi) = rest.iter().take(8).position(|&c| c == b';') else {
            return;
        };
        let code = match &rest[1..semi] {
            b"amp" => Some(u32::from(b'&')),
            b"lt" => Some(u32::from(b'<')),
            b"gt" => Some(u32::from(b'>')),
            b"quot" => Some(u32::from(b'"')),
            b"apos" => Some(u32::from(b'\'')),
            [b'#', b'x' | b'X', digits @ ..] => hex(digits),
            [b'#', digits @ ..] => std::str::from_utf8(digits)
                .ok()
                .and_then(|d| d.parse().ok()),
            _ => None,
        };
        if is_b(code) {
            out.push(at + semi + 1);
        }
    }
}

/// Whether a parameter name is, or ends with, a secret name: `??password` and
/// `user.password` are masked too, erring on the side of hiding.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| name.ends_with(s))
}

/// A URL with the values of secret query parameters masked; scheme, host and path stay readable.
pub(crate) fn url(url: &str) -> String {
    let url = &userinfo(url);
    let Some((head, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut out = String::with_capacity(url.len());
    out.push_str(head);
    out.push('?');
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if is_secret_name(&crate::url::decode(name, false)) => {
                out.push_str(name);
                out.push('=');
                out.push_str(MASK);
            }
            _ => out.push_str(pair),
        }
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    // A secret assignment can also hide inside another parameter's value.
    text(&out, None)
}

/// Parameter values longer than this are shortened in printed requests.
const LONG_VALUE: usize = 512;

/// Extra request parameters as printable text: values of secret names masked, URLs
/// redacted, long strings shortened to their start and size, everything else as given.
pub(crate) fn params(params: &serde_json::Map<String, serde_json::Value>) -> String {
    let shown: serde_json::Map<String, serde_json::Value> = params
        .iter()
        .map(|(name, value)| {
            let value = match value {
                _ if is_secret_name(name) => MASK.into(),
                serde_json::Value::String(s) if s.len() > LONG_VALUE => {
                    // Base64 files and whole HTML pages: the start, then the size.
                    let mut end = 48;
                    while !s.is_char_boundary(end) {
                        end -= 1;
                    }
                    format!("{}... ({} bytes)", url(&s[..end]), s.len()).into()
                }
                serde_json::Value::String(s) => url(s).into(),
                other => other.clone(),
            };
            (name.clone(), value)
        })
        .collect();
    text(&serde_json::Value::Object(shown).to_string(), None)
}

/// Masks the userinfo of every `scheme://user:password@host` in `text`: the password, or
/// a lone user name (which may be a token); the host and the rest stay.
fn userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let end = authority_end(after);
        match after[..end].rsplit_once('@') {
            Some((info, host)) => {
                if let Some((user, _)) = info.split_once(':') {
                    out.push_str(user);
                    out.push(':');
                }
                out.push_str(MASK);
                out.push('@');
                out.push_str(host);
            }
            None => out.push_str(&after[..end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Free text (a server message, a body excerpt) with secrets masked: each of `secrets` (the
/// secrets of the request it answers) wherever it appears, raw or encoded; the userinfo of
/// any URL; and `name=value` pairs and `"name": "value"` JSON members for every secret name.
pub(crate) fn text(text: &str, secrets: Option<&Secrets>) -> String {
    let mut out = match secrets {
        Some(secrets) => secrets.mask(text),
        None => text.to_string(),
    };
    out = userinfo(&out);
    for name in SECRET_NAMES {
        out = mask_assignments(&out, name);
    }
    out
}

/// Masks `name=value` (query style) and `"name": "value"` (JSON style) occurrences of one name.
fn mask_assignments(text: &str, name: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find(name) {
        let end = search + found + name.len();
        search = end;
        // No check of what stands before the name: `aaaX-Amz-Signature=` in run-together text
        // is still a signature, and `httppassword=` masked as `password=` masks the same value.
        let rest = &text[end..];
        let value_start = if let Some(r) = rest.strip_prefix('=') {
            end + (rest.len() - r.len())
        } else if let Some(r) = rest.strip_prefix('"') {
            // JSON member: `"name"` then `:` then a quoted value.
            let r2 = r.trim_start();
            let Some(r3) = r2.strip_prefix(':') else {
                continue;
            };
            let r4 = r3.trim_start();
            let Some(r5) = r4.strip_prefix('"') else {
                continue;
            };
            end + (rest.len() - r5.len())
        } else {
            continue;
        };
        let value_len = text[value_start..]
            .find(|c: char| {
                matches!(c, '&' | '"' | '\'' | '<' | '>' | ',' | '}' | ';' | '#')
                    || c.is_whitespace()
            })
            .unwrap_or(text.len() - value_start);
        if value_len == 0 {
            continue;
        }
        out.push_str(&text[copied..value_start]);
        out.push_str(MASK);
        copied = value_start + value_len;
        search = copied;
    }
    out.push_str(&text[copied..]);
    out
}

/// A short, single-line, secret-free excerpt of a response body for error messages.
pub(crate) fn excerpt(body: &[u8], secrets: Option<&Secrets>) -> String {
    const MAX: usize = 160;
    let lossy = String::from_utf8_lossy(body);
    let flat: String = lossy
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Scrub before cutting so that a secret cut in half is still recognised.
    let clean = text(flat.trim(), secrets);
    if clean.chars().count() <= MAX {
        clean
    } else {
        let mut cut: String = clean.chars().take(MAX).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn common_credential_names_in_a_query_are_masked() {
        let shown = url(
            "https://files.example.com/r.pdf?token=s3cret&sig=abc123&client_secret=x9&access_key=k7&page=2",
        );
        for hidden in ["s3cret", "abc123", "x9", "k7"] {
            assert!(!shown.contains(hidden), "{hidden} in {shown}");
        }
        assert!(shown.contains("page=2"), "{shown}");
    }

    use super::*;

    #[test]
    fn url_masks_signature_token_and_credential_but_keeps_the_rest() {
        let u = "https://bucket.s3.amazonaws.com/AB/test.pdf?X-Amz-Expires=900&X-Amz-Algorithm=AWS4-HMAC-SHA256\
                 &X-Amz-Credential=AKIA%2F20220913&X-Amz-Date=20220913T074159Z&X-Amz-SignedHeaders=content-type%3Bhost\
                 &X-Amz-Security-Token=FQoG&X-Amz-Signature=deadbeef";
        let r = url(u);
        assert!(r.starts_with("https://bucket.s3.amazonaws.com/AB/test.pdf?X-Amz-Expires=900"));
        assert!(r.contains("X-Amz-Signature=***"), "{r}");
        assert!(r.contains("X-Amz-Credential=***"), "{r}");
        assert!(r.contains("X-Amz-Security-Token=***"), "{r}");
        assert!(!r.contains("deadbeef") && !r.contains("AKIA") && !r.contains("FQoG"));
        assert!(r.contains("X-Amz-Date=20220913T074159Z"));
    }

    #[test]
    fn url_userinfo_password_is_masked() {
        assert_eq!(url("https://me:pw@h/p?a=1"), "https://me:***@h/p?a=1");
        assert_eq!(url("https://h/p?mail=a@b"), "https://h/p?mail=a@b");
    }

    #[test]
    fn url_without_query_is_unchanged() {
        assert_eq!(url("https://api.pdf.co/v1"), "https://api.pdf.co/v1");
    }

    #[test]
    fn encoded_names_are_masked_too() {
        let r = url("https://h/p?X%2DAmz%2DSignature=abc");
        assert!(!r.contains("abc"), "{r}");
    }

    #[test]
    fn text_masks_key_query_pairs_and_json_members() {
        let t = r#"bad url https://s3/x?X-Amz-Signature=s3cr3t&a=1 and {"password": "hunter2", "httppassword":"pw2"} key=KEY123"#;
        let mut key = Secrets::default();
        key.add("KEY123");
        let r = text(t, Some(&key));
        for secret in ["s3cr3t", "hunter2", "pw2", "KEY123"] {
            assert!(!r.contains(secret), "{secret} leaked in {r}");
        }
        assert!(r.contains("a=1"));
    }

    #[test]
    fn password_inside_httppassword_is_not_double_counted() {
        let r = text("httppassword=abc&password=def", None);
        assert_eq!(r, "httppassword=***&password=***");
    }

    #[test]
    fn excerpt_is_short_single_line_and_clean() {
        let body = format!("<html>\n<body>{}X-Amz-Signature=zzz</body>", "a".repeat(10));
        let e = excerpt(body.as_bytes(), None);
        assert!(!e.contains('\n') && !e.contains("zzz"), "{e}");
        let long = excerpt("b".repeat(1000).as_bytes(), None);
        assert!(long.chars().count() <= 161);
    }

    #[test]
    fn secret_debug_is_masked() {
        assert_eq!(format!("{:?}", Secret::new("abc")), "***");
    }

    fn secrets(values: &[&str]) -> Secrets {
        let mut secrets = Secrets::default();
        for value in values {
            secrets.add(value);
        }
        secrets
    }

    #[test]
    fn a_secret_is_masked_raw_and_in_every_encoding_a_server_uses() {
        let s = secrets(&[r"p@ss wörd&1\"]);
        for echoed in [
            r"p@ss wörd&1\",
            "p%40ss%20w%C3%B6rd%261%5C",
            "p%40ss+w%c3%b6rd%261%5c",
            r"p@ss wörd&1\\",
            r"p@ss wörd\u00261\u005C",
            "p@ss wörd&amp;1&#92;",
            r"p&#x40;ss wörd&#38;1\",
        ] {
            let masked = text(&format!("bad: {echoed}."), Some(&s));
            assert_eq!(masked, "bad: ***.", "{echoed}");
        }
        assert_eq!(Secrets::default().mask("p@ss"), "p@ss");
        assert!(format!("{s:?}").starts_with("Secrets(1"), "{s:?}");
        assert!(!format!("{s:?}").contains("ss"), "{s:?}");
    }

    #[test]
    fn an_escape_is_tried_even_where_the_raw_byte_also_matches() {
        // `%` then `25` could be the raw `%` or the start of `%25`.
        assert_eq!(text("was 100%2541", Some(&secrets(&["100%41"]))), "was ***");
        assert_eq!(text("was 100%41", Some(&secrets(&["100%41"]))), "was ***");
        assert_eq!(text("a&amp;b!", Some(&secrets(&["a&b!!!"]))), "a&amp;b!");
    }

    #[test]
    fn short_secrets_are_masked_only_as_whole_words() {
        let s = secrets(&["pdf", "a"]);
        assert_eq!(
            text("Invalid password pdf for file.pdf (a)", Some(&s)),
            "Invalid password *** for file.*** (***)"
        );
        assert_eq!(
            text("pdfco has a bad day", Some(&s)),
            "pdfco has *** bad day"
        );
        let long = secrets(&["secret"]);
        assert_eq!(text("mysecrets", Some(&long)), "my***s");
    }

    #[test]
    fn overlapping_secrets_are_masked_as_one() {
        // The short secret ends inside the long one: masking it alone would show the rest.
        let s = secrets(&[r" \", r##"\"#:é'-_&%_"##]);
        assert_eq!(text(r##"pw: \"#:é'-_&%_ end"##, Some(&s)), "pw:*** end");
    }

    #[test]
    fn the_longest_secret_wins() {
        let s = secrets(&["hunter", "hunter22"]);
        assert_eq!(text("pw hunter22 / hunter", Some(&s)), "pw *** / ***");
    }

    #[test]
    fn urls_give_their_userinfo_and_secret_parameters() {
        let mut s = Secrets::default();
        s.add_url("https://me:p%40ss@h/a?X-Amz-Signature=abcdef&page=2");
        s.add_url("https://TOKEN123@git.example.com/r");
        s.add_url("callback?next=https%3A%2F%2Fu%3Anested-pw%40h%2F");
        let masked = text("p@ss p%40ss abcdef TOKEN123 nested-pw page=2 me", Some(&s));
        assert_eq!(masked, "*** *** *** *** *** page=2 me");
        let mut none = Secrets::default();
        none.add_url("https://h/a?page=2#top");
        assert_eq!(none.0.len(), 0, "{none:?}");
    }

    #[test]
    fn a_request_body_gives_its_secret_members_and_urls() {
        let body = br#"{"url": "https://u:input-pw@h/a.pdf", "password": "doc-pw", "httppassword": "basic-pw",
            "apiKey": 12345678, "pages": "0-1", "nested": [{"callback": "https://h/?token=zz&signature=sig-1"}]}"#;
        let s = Secrets::of_request("/pdf/convert/to/json?x-api-key=q-key", Some(body));
        let masked = text(
            "input-pw doc-pw basic-pw 12345678 sig-1 q-key 0-1 zz",
            Some(&s),
        );
        assert_eq!(
            masked, "*** *** *** *** *** *** 0-1 ***",
            "token is a credential too"
        );
    }

    #[test]
    fn free_text_urls_lose_their_userinfo() {
        assert_eq!(
            text("get https://user:hunter2@h/a.pdf and ftp://tok@h2?x", None),
            "get https://user:***@h/a.pdf and ftp://***@h2?x"
        );
        assert_eq!(url("https://tok@h/p"), "https://***@h/p");
    }
}
