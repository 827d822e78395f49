//! The emulator's storage host: presigned `PUT` uploads and signed `GET`s, with S3's refusals.

use std::fs::File;
use std::io::{self, Read};

use super::server::{Reply, ReplyBody, Request};
use super::{Core, Endpoint, Fault, Upload, amz_date, expand, faulted, parse_amz_date, unix_now};
use crate::url;

/// The bucket every object lives in, as PDF.co's temporary files do.
pub(super) const BUCKET: &str = "pdf-temp-files";

/// S3's XML error body.
pub(super) fn s3_error(status: u16, code: &str, message: &str) -> Reply {
    s3_error_with(status, code, message, "")
}

/// S3's XML error body with extra elements after the message.
fn s3_error_with(status: u16, code: &str, message: &str, extra: &str) -> Reply {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>\
         {extra}<RequestId>EMULATOR</RequestId></Error>"
    );
    Reply::new(status, "application/xml", body.into_bytes())
}

fn fault_reply(fault: Fault, request: &Request) -> Reply {
    let status = match fault {
        Fault::Echo { status, message } => {
            let param = |name: &str| {
                request
                    .query
                    .split('&')
                    .filter_map(|p| p.split_once('='))
                    .find(|(k, _)| url::decode(k, true).eq_ignore_ascii_case(name))
                    .map(|(_, v)| url::decode(v, true))
            };
            return s3_error(status, "AccessDenied", &expand(&message, &param));
        }
        Fault::Status(s) | Fault::ErrorInBody(s) => s,
        Fault::Throttle { retry_after } => {
            let reply = s3_error(503, "SlowDown", "Please reduce your request rate.");
            return match retry_after {
                Some(secs) => reply.header("Retry-After", secs.to_string()),
                None => reply,
            };
        }
        _ => 500,
    };
    let (code, message) = match status {
        403 => ("AccessDenied", "Access Denied"),
        404 => ("NoSuchKey", "The specified key does not exist."),
        500 => (
            "InternalError",
            "We encountered an internal error. Please try again.",
        ),
        503 => ("SlowDown", "Please reduce your request rate."),
        _ => ("Error", "Scripted storage error"),
    };
    s3_error(status, code, message)
}

/// The path of a new object: `/<bucket>/<id>/<name>`.
pub(super) fn object_path(id: &str, name: &str) -> String {
    format!("/{BUCKET}/{id}/{}", url::encode(name))
}

/// A presigned URL for `method` on `path`. When `content_type` is given it is signed and the
/// request must send exactly it, as with PDF.co's presigned uploads.
pub(super) fn presign(
    core: &Core,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    lifetime_secs: u64,
) -> String {
    let date = amz_date(unix_now());
    let signed_headers = if content_type.is_some() {
        "content-type;host"
    } else {
        "host"
    };
    let query = url::with_query(
        "",
        &[
            ("X-Amz-Expires", &lifetime_secs.to_string()),
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            (
                "X-Amz-Credential",
                &format!("EMULATORKEY/{}/us-west-2/s3/aws4_request", &date[..8]),
            ),
            ("X-Amz-Date", &date),
            ("X-Amz-SignedHeaders", signed_headers),
        ],
    );
    let query = query.trim_start_matches('?');
    let signature = core.sign(&[method, path, query, content_type.unwrap_or("")]);
    format!(
        "{}{path}?{query}&X-Amz-Signature={signature}",
        core.storage_origin.get()
    )
}

/// Checks a request's presigned query: present, untampered, unexpired, and with the signed
/// content type.
fn verify(core: &Core, request: &Request, method: &str) -> Result<(), Reply> {
    let pairs: Vec<(&str, &str)> = request
        .query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    };
    let (Some(signature), Some(date), Some(expires), Some(signed)) = (
        get("X-Amz-Signature"),
        get("X-Amz-Date"),
        get("X-Amz-Expires"),
        get("X-Amz-SignedHeaders"),
    ) else {
        return Err(s3_error(
            403,
            "AccessDenied",
            "Query-string authentication is required",
        ));
    };
    let covered: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("X-Amz-Signature"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let signs_type = url::decode(signed, false)
        .split(';')
        .any(|h| h.eq_ignore_ascii_case("content-type"));
    let content_type = if signs_type {
        request.header("content-type").unwrap_or("")
    } else {
        ""
    };
    let expected = core.sign(&[method, &request.path, &covered.join("&"), content_type]);
    if expected != signature {
        return Err(s3_error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        ));
    }
    let issued = parse_amz_date(&url::decode(date, false));
    let lifetime: Option<u64> = expires.parse().ok();
    match (issued, lifetime) {
        (Some(issued), Some(lifetime)) if unix_now() < issued.saturating_add(lifetime) => Ok(()),
        _ => Err(s3_error(403, "AccessDenied", "Request has expired")),
    }
}

pub(super) fn handle(core: &Core, request: &Request, body: &mut dyn Read) -> Reply {
    match request.method.as_str() {
        "PUT" => put(core, request, body),
        "GET" | "HEAD" => get(core, request),
        _ => s3_error(
            405,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        ),
    }
}

fn put(core: &Core, request: &Request, body: &mut dyn Read) -> Reply {
    // S3 refuses a chunked body before anything else.
    if request.chunked {
        let mut reply = s3_error_with(
            501,
            "NotImplemented",
            "A header you provided implies functionality that is not implemented",
            "<Header>Transfer-Encoding</Header>",
        );
        reply.close = true;
        return reply;
    }
    faulted(
        core,
        Endpoint::Upload,
        |f| fault_reply(f, request),
        || store(core, request, body),
    )
}

fn store(core: &Core, request: &Request, body: &mut dyn Read) -> Reply {
    if let Err(reply) = verify(core, request, "PUT") {
        return reply;
    }
    let Some(expected) = request.content_length else {
        return s3_error(
            411,
            "MissingContentLength",
            "You must provide the Content-Length HTTP header.",
        );
    };
    let id = core.new_id();
    let file_path = core.dir.join(id);
    let stored =
        File::create(&file_path).and_then(|mut f| io::copy(&mut body.take(expected), &mut f));
    match stored {
        Ok(n) if n == expected => {
            core.lock()
                .uploads
                .insert(request.path.clone(), Upload { file: file_path });
            Reply::new(200, "application/xml", Vec::new()).header("ETag", "\"emulator\"")
        }
        _ => {
            let _ = std::fs::remove_file(&file_path);
            let mut reply = s3_error(
                400,
                "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length HTTP header.",
            );
            reply.close = true;
            reply
        }
    }
}

fn get(core: &Core, request: &Request) -> Reply {
    faulted(
        core,
        Endpoint::Download,
        |f| fault_reply(f, request),
        || fetch(core, request),
    )
}

fn fetch(core: &Core, request: &Request) -> Reply {
    if let Err(reply) = verify(core, request, "GET") {
        return reply;
    }
    let state = core.lock();
    let (content_type, body, len) =
        if let Some(result) = state.results.get(&request.path).filter(|r| r.ready) {
            (
                result.content_type,
                ReplyBody::Bytes(result.bytes.clone()),
                result.bytes.len() as u64,
            )
        } else if let Some(upload) = state.uploads.get(&request.path) {
            let len = std::fs::metadata(&upload.file).map_or(0, |m| m.len());
            let body = ReplyBody::File {
                path: upload.file.clone(),
                start: 0,
                len,
            };
            ("application/octet-stream", body, len)
        } else {
            return s3_error(404, "NoSuchKey", "The specified key does not exist.");
        };
    drop(state);
    let mut reply = Reply::new(200, content_type, Vec::new()).header("Accept-Ranges", "bytes");
    match request.header("range").map(|r| byte_range(r, len)) {
        None => reply.body = body,
        Some(Some((start, end))) => {
            reply.status = 206;
            reply = reply.header("Content-Range", format!("bytes {start}-{end}/{len}"));
            reply.body = match body {
                ReplyBody::Bytes(b) => ReplyBody::Bytes(b[start as usize..=end as usize].to_vec()),
                ReplyBody::File { path, .. } => ReplyBody::File {
                    path,
                    start,
                    len: end - start + 1,
                },
            };
        }
        Some(None) => {
            return s3_error(
                416,
                "InvalidRange",
                "The requested range is not satisfiable",
            )
            .header("Content-Range", format!("bytes */{len}"));
        }
    }
    reply
}

/// A single `bytes=start-[end]` or `bytes=-suffix` range within `len` bytes, as inclusive
/// offsets; `None` when it cannot be satisfied.
fn byte_range(header: &str, len: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = (start.trim(), end.trim());
    if start.is_empty() {
        let suffix: u64 = end.parse().ok()?;
        return (suffix > 0).then(|| (len.saturating_sub(suffix), len - 1));
    }
    let start: u64 = start.parse().ok()?;
    let end: u64 = if end.is_empty() {
        len - 1
    } else {
        end.parse::<u64>().ok()?.min(len - 1)
    };
    (start <= end).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::byte_range;

    #[test]
    fn ranges() {
        assert_eq!(byte_range("bytes=0-", 10), Some((0, 9)));
        assert_eq!(byte_range("bytes=4-", 10), Some((4, 9)));
        assert_eq!(byte_range("bytes=2-5", 10), Some((2, 5)));
        assert_eq!(byte_range("bytes=2-50", 10), Some((2, 9)));
        assert_eq!(byte_range("bytes=-3", 10), Some((7, 9)));
        assert_eq!(byte_range("bytes=10-", 10), None);
        assert_eq!(byte_range("bytes=5-2", 10), None);
        assert_eq!(byte_range("bytes=0-1,4-5", 10), None);
        assert_eq!(byte_range("items=0-1", 10), None);
        assert_eq!(byte_range("bytes=0-", 0), None);
    }
}
