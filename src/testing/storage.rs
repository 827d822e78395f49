//! The emulator's storage host: presigned `PUT` uploads and signed `GET`s, with S3's refusals.

use std::fs::File;
use std::io::{self, Read};

use super::server::{Reply, ReplyBody, Request};
use super::{Core, Endpoint, Fault, Upload, amz_date, parse_amz_date, unix_now};
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

fn fault_reply(fault: Fault) -> Reply {
    if let Some(reply) = fault.common_reply() {
        return reply;
    }
    let status = match fault {
        Fault::Status(s) | Fault::ErrorInBody(s) => s,
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
    if let Some(fault) = core.take_fault(Endpoint::Upload) {
        return fault_reply(fault);
    }
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
    if let Some(fault) = core.take_fault(Endpoint::Download) {
        return fault_reply(fault);
    }
    if let Err(reply) = verify(core, request, "GET") {
        return reply;
    }
    let state = core.lock();
    if let Some(result) = state.results.get(&request.path) {
        if result.ready {
            return Reply::new(200, result.content_type, result.bytes.clone());
        }
    } else if let Some(upload) = state.uploads.get(&request.path) {
        return Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/octet-stream".into())],
            body: ReplyBody::File(upload.file.clone()),
            close: false,
        };
    }
    s3_error(404, "NoSuchKey", "The specified key does not exist.")
}
