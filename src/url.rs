//! The little URL handling the crate needs: origins, redirects, percent-encoding.
//!
//! Parsing goes through `ureq::http::Uri`; nothing here pulls in a URL crate.

use ureq::http::Uri;

/// Scheme, host and port: what decides whether the API key may be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    /// The origin of an absolute `http(s)` URL, or `None`.
    pub(crate) fn of(url: &str) -> Option<Origin> {
        let uri: Uri = url.parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let host = uri.host()?.to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        Some(Origin {
            port: uri.port_u16().unwrap_or(default_port),
            scheme,
            host,
        })
    }

    pub(crate) fn is_https(&self) -> bool {
        self.scheme == "https"
    }

    /// Whether the host is a loopback name or address.
    pub(crate) fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host.ends_with(".localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// Resolves a redirect's `Location` against the URL that answered with it.
pub(crate) fn resolve(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.starts_with("http://") || location.starts_with("https://") {
        return Some(location.to_string());
    }
    let uri: Uri = base.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let authority = uri.authority()?.as_str();
    if let Some(rest) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        return Some(format!("{scheme}://{authority}{location}"));
    }
    let path = uri.path();
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    Some(format!("{scheme}://{authority}{dir}{location}"))
}

/// Percent-encodes a query component (everything but RFC 3986's unreserved characters).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes a query or form component: `%XX` escapes, and `+` as a space when `plus` is set.
/// Malformed escapes are kept as they are.
pub(crate) fn decode(s: &str, plus: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Builds `path?k=v&...` with every key and value encoded.
pub(crate) fn with_query(path: &str, query: &[(&str, &str)]) -> String {
    let mut out = path.to_string();
    for (i, (k, v)) in query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let a = Origin::of("https://api.pdf.co/v1").unwrap();
        assert_eq!(
            a,
            Origin::of("https://API.pdf.co:443/v1/job/check?x=1").unwrap()
        );
        assert_ne!(a, Origin::of("http://api.pdf.co/v1").unwrap());
        assert_ne!(a, Origin::of("https://api.pdf.co:8443/v1").unwrap());
        assert_ne!(
            a,
            Origin::of("https://pdf-temp-files.s3.amazonaws.com/x").unwrap()
        );
        assert!(Origin::of("ftp://x/").is_none());
        assert!(Origin::of("not a url").is_none());
        assert!(Origin::of("/relative").is_none());
    }

    #[test]
    fn loopback_hosts() {
        for u in [
            "http://127.0.0.1:1/",
            "http://localhost/",
            "http://[::1]:8/",
            "http://127.8.0.1/",
        ] {
            assert!(Origin::of(u).unwrap().is_loopback(), "{u}");
        }
        for u in [
            "http://10.0.0.1/",
            "http://api.pdf.co/",
            "http://localhost.example.com/",
        ] {
            assert!(!Origin::of(u).unwrap().is_loopback(), "{u}");
        }
    }

    #[test]
    fn redirect_resolution() {
        let base = "https://h:8/v1/a/b?q=1";
        assert_eq!(resolve(base, "https://o/x").unwrap(), "https://o/x");
        assert_eq!(resolve(base, "/y").unwrap(), "https://h:8/y");
        assert_eq!(resolve(base, "//o/z").unwrap(), "https://o/z");
        assert_eq!(resolve(base, "c?d=1").unwrap(), "https://h:8/v1/a/c?d=1");
    }

    #[test]
    fn encode_decode_round_trip() {
        let s = "a b&c=d/é+%";
        assert_eq!(encode(s), "a%20b%26c%3Dd%2F%C3%A9%2B%25");
        assert_eq!(decode(&encode(s), false), s);
        assert_eq!(decode("a+b%2", true), "a b%2");
        assert_eq!(decode("%zz%4", false), "%zz%4");
    }

    #[test]
    fn query_building() {
        assert_eq!(
            with_query(
                "/v1/x",
                &[
                    ("name", "a b.pdf"),
                    ("contenttype", "application/octet-stream")
                ]
            ),
            "/v1/x?name=a%20b.pdf&contenttype=application%2Foctet-stream"
        );
    }
}
