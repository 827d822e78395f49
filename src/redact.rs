//! Keeping secrets out of `Debug`, `Display` and error text.
//!
//! Three kinds of secret pass through this crate: the API key, document passwords, and the
//! signatures and tokens inside presigned storage URLs. Everything that prints goes through
//! [`url`] or [`text`] first.

use std::fmt;

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

/// Extra request parameters as printable text: values of secret names masked, URLs
/// redacted, everything else as given.
pub(crate) fn params(params: &serde_json::Map<String, serde_json::Value>) -> String {
    let shown: serde_json::Map<String, serde_json::Value> = params
        .iter()
        .map(|(name, value)| {
            let value = match value {
                _ if is_secret_name(name) => MASK.into(),
                serde_json::Value::String(s) => url(s).into(),
                other => other.clone(),
            };
            (name.clone(), value)
        })
        .collect();
    text(&serde_json::Value::Object(shown).to_string(), None)
}

/// Masks the password of `scheme://user:password@host` URLs.
fn userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((info, host)) => {
            let user = info.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:{MASK}@{host}{}", &rest[authority_end..])
        }
        None => url.to_string(),
    }
}

/// Free text (a server message, a body excerpt) with secrets masked: the API key wherever it
/// appears, `name=value` pairs and `"name": "value"` JSON members for every secret name.
pub(crate) fn text(text: &str, api_key: Option<&str>) -> String {
    let mut out = match api_key {
        Some(key) if key.len() >= 4 => text.replace(key, MASK),
        _ => text.to_string(),
    };
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
pub(crate) fn excerpt(body: &[u8], api_key: Option<&str>) -> String {
    const MAX: usize = 160;
    let lossy = String::from_utf8_lossy(body);
    let flat: String = lossy
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Scrub before cutting so that a secret cut in half is still recognised.
    let clean = text(flat.trim(), api_key);
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
        let r = text(t, Some("KEY123"));
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
}
