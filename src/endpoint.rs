//! Every PDF.co endpoint, one row each: how it is called and what comes back.
//!
//! The rows follow `pdfco-endpoints.md` (PDF.co's current OpenAPI and samples). A request for
//! a path that is not here is still sent, as a `POST` with JSON parameters, and its answer is
//! read by what it holds.

/// The HTTP method an endpoint takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    /// Parameters in the query string.
    Get,
    /// Parameters as a JSON object in the body.
    Post,
}

/// What an endpoint takes as its source document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Nothing: a listing or an account query.
    None,
    /// One document, as `url`.
    Url,
    /// Documents in order, comma-joined in `url`.
    Urls,
    /// `html`, or a `templateId` with its `templateData`.
    Html,
    /// Only parameters, such as a barcode's value.
    Params,
}

/// What a successful answer carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Produces {
    /// One file, at `url` (some endpoints also give it inline as `body`).
    File,
    /// Several files: `urls`, or, from a job, a `url` to a JSON listing of them or a `body`
    /// that lists them.
    Files,
    /// JSON data in this field of the answer (`body` for most).
    Data(&'static str),
    /// JSON data: the whole answer (one template, with its fields and text).
    Answer,
    /// Nothing but success.
    Ack,
}

/// Whether an endpoint runs as a background job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// It takes `async`; this crate asks for a job unless told otherwise.
    Either,
    /// It always answers with a job and takes no `async`.
    Job,
    /// It always answers at once.
    Direct,
}

/// How an endpoint numbers pages in its `pages` parameter ([`Request::page_base`]).
///
/// [`Request::page_base`]: crate::Request::page_base
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageBase {
    /// The first page is 0: every endpoint but two.
    Zero,
    /// The first page is 1: `pdf/split` and `pdf/edit/delete-pages`.
    One,
}

/// One endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The path after the version, such as `pdf/merge`; a path of another version starts with
    /// it, as `/v2/pdf/compress`. `{id}` stands for one path segment.
    pub(crate) path: &'static str,
    pub(crate) method: Method,
    pub(crate) source: Source,
    pub(crate) produces: Produces,
    pub(crate) mode: Mode,
    /// The numbering of `pages`, for endpoints that take it.
    pub(crate) pages: Option<PageBase>,
}

/// Declares the table: `"path" => Method, Source, Produces, Mode, pages;` per row.
macro_rules! endpoints {
    ($($path:literal => $method:ident, $source:ident, $produces:expr, $mode:ident, $pages:expr;)*) => {
        /// Every endpoint of PDF.co's current spec, plus `pdf/convert/to/json`, which its
        /// samples still use.
        pub(crate) const ENDPOINTS: &[Endpoint] = &[$(Endpoint {
            path: $path,
            method: Method::$method,
            source: Source::$source,
            produces: $produces,
            mode: Mode::$mode,
            pages: $pages,
        }),*];
    };
}

use PageBase::{One, Zero};
use Produces::{Ack, Answer, Data, File, Files};

endpoints! {
    // 1. PDF to other formats.
    "pdf/convert/to/json" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/json2" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/json-meta" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/csv" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/xml" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/text" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/text-simple" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/html" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/xlsx" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/xls" => Post, Url, File, Either, Some(Zero);
    "pdf/convert/to/png" => Post, Url, Files, Either, Some(Zero);
    "pdf/convert/to/jpg" => Post, Url, Files, Either, Some(Zero);
    "pdf/convert/to/webp" => Post, Url, Files, Either, Some(Zero);
    "pdf/convert/to/tiff" => Post, Url, File, Either, Some(Zero);
    // 2. Other formats to PDF.
    "pdf/convert/from/doc" => Post, Url, File, Either, None;
    "pdf/convert/from/csv" => Post, Url, File, Either, None;
    "pdf/convert/from/image" => Post, Urls, File, Either, None;
    "pdf/convert/from/url" => Post, Url, File, Either, None;
    "pdf/convert/from/html" => Post, Html, File, Either, None;
    "pdf/convert/from/email" => Post, Url, File, Either, None;
    "xls/convert/to/pdf" => Post, Url, File, Either, None;
    // 3. Spreadsheets to other formats.
    "xls/convert/to/csv" => Post, Url, File, Either, None;
    "xls/convert/to/json" => Post, Url, File, Either, None;
    "xls/convert/to/html" => Post, Url, File, Either, None;
    "xls/convert/to/txt" => Post, Url, File, Either, None;
    "xls/convert/to/xml" => Post, Url, File, Either, None;
    // 4. Merge, split, compress, optimize.
    "pdf/merge" => Post, Urls, File, Either, None;
    "pdf/merge2" => Post, Urls, File, Either, None;
    "pdf/split" => Post, Url, Files, Either, Some(One);
    "pdf/split2" => Post, Url, Files, Either, None;
    "/v2/pdf/compress" => Post, Url, File, Either, None;
    "pdf/optimize" => Post, Url, File, Either, None;
    // 5. Edit.
    "pdf/edit/add" => Post, Url, File, Either, None;
    "pdf/edit/replace-text" => Post, Url, File, Either, Some(Zero);
    "pdf/edit/replace-text-with-image" => Post, Url, File, Either, Some(Zero);
    "pdf/edit/delete-text" => Post, Url, File, Either, Some(Zero);
    "pdf/edit/rotate" => Post, Url, File, Either, Some(Zero);
    "pdf/edit/rotate/auto" => Post, Url, File, Either, None;
    "pdf/edit/delete-pages" => Post, Url, File, Either, Some(One);
    // 6. Security.
    "pdf/security/add" => Post, Url, File, Either, None;
    "pdf/security/remove" => Post, Url, File, Either, None;
    // 7. Information.
    "pdf/info" => Post, Url, Data("info"), Either, None;
    "pdf/info/fields" => Post, Url, Data("info"), Either, None;
    // 8. OCR.
    "pdf/makesearchable" => Post, Url, File, Either, Some(Zero);
    "pdf/makeunsearchable" => Post, Url, File, Either, Some(Zero);
    // 9. Search.
    "pdf/find" => Post, Url, Data("body"), Either, Some(Zero);
    "pdf/find/table" => Post, Url, Data("body"), Either, Some(Zero);
    // 10. Barcodes.
    "barcode/generate" => Post, Params, File, Either, None;
    "barcode/read/from/url" => Post, Url, Data("barcodes"), Either, Some(Zero);
    // 11. Parsers and classifier.
    "pdf/documentparser" => Post, Url, Data("body"), Either, Some(Zero);
    "pdf/documentparser/templates" => Get, None, Data("templates"), Direct, None;
    "pdf/documentparser/templates/{id}" => Get, None, Answer, Direct, None;
    "ai-invoice-parser" => Post, Url, Data("body"), Job, None;
    "pdf/classifier" => Post, Url, Data("body"), Either, None;
    // 12. Attachments.
    "pdf/attachments/extract" => Post, Url, Files, Either, None;
    // 13. Email.
    "email/send" => Post, Url, Ack, Either, None;
    "email/decode" => Post, Url, Data("body"), Either, None;
    "email/extract-attachments" => Post, Url, Data("body"), Either, None;
    // 14. HTML templates.
    "templates/html" => Get, None, Data("templates"), Direct, None;
    "templates/html/{id}" => Get, None, Answer, Direct, None;
    // 15. Files.
    "file/upload/get-presigned-url" => Get, Params, Data("presignedUrl"), Direct, None;
    "file/upload" => Post, Params, File, Direct, None;
    "file/upload/base64" => Post, Params, File, Direct, None;
    "file/upload/url" => Post, Url, File, Direct, None;
    "file/delete" => Post, Url, Ack, Direct, None;
    "file/hash" => Post, Url, Data("hash"), Direct, None;
    // 16. Jobs and account.
    "job/check" => Post, Params, Data("status"), Direct, None;
    "account/credit/balance" => Get, None, Data("remainingCredits"), Direct, None;
}

impl Endpoint {
    /// The row for `path` (`pdf/merge`, `/v1/pdf/merge`, `/v2/pdf/compress`,
    /// `templates/html/42`), or `None` for a path the table does not know.
    pub(crate) fn find(path: &str) -> Option<&'static Endpoint> {
        let wanted = normalize(path);
        ENDPOINTS
            .iter()
            .find(|e| matches_template(&normalize(e.path), &wanted))
    }

    /// How a path the table does not know is treated: a `POST` of one document that may run
    /// as a job, its answer read by what it holds.
    pub(crate) fn unlisted(path: &'static str) -> Endpoint {
        Endpoint {
            path,
            method: Method::Post,
            source: Source::Url,
            produces: File,
            mode: Mode::Either,
            pages: None,
        }
    }
}

/// A path with its version: `pdf/merge` and `/v1/pdf/merge` become `v1/pdf/merge`;
/// `/v2/pdf/compress` stays in version 2. No leading or trailing slash, no query.
pub(crate) fn normalize(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let trimmed = path.trim().trim_matches('/');
    let versioned = trimmed
        .split_once('/')
        .is_some_and(|(first, _)| is_version(first));
    if versioned {
        trimmed.to_string()
    } else {
        format!("v1/{trimmed}")
    }
}

/// The path to send a request for `path` to, relative to the base URL, which ends in `/v1`:
/// `/pdf/merge` for a version 1 path, `/../v2/pdf/compress` for another version, which the
/// transport resolves against the base URL's parent.
pub(crate) fn api_path(path: &str) -> String {
    let normalized = normalize(path);
    match normalized.strip_prefix("v1/") {
        Some(rest) => format!("/{rest}"),
        None => format!("/../{normalized}"),
    }
}

/// `v1`, `v2`, ...
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `path` fits `template`, where `{id}` stands for one segment.
fn matches_template(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) if ts.starts_with('{') && ts.ends_with('}') => {
                if ps.is_empty() {
                    return false;
                }
            }
            (Some(ts), Some(ps)) if ts == ps => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_found_with_or_without_version_and_slashes() {
        for path in ["pdf/merge", "/pdf/merge", "/v1/pdf/merge", "v1/pdf/merge/"] {
            assert_eq!(
                Endpoint::find(path).map(|e| e.path),
                Some("pdf/merge"),
                "{path}"
            );
        }
        assert_eq!(
            Endpoint::find("/v2/pdf/compress").map(|e| e.path),
            Some("/v2/pdf/compress")
        );
        assert!(
            Endpoint::find("pdf/compress").is_none(),
            "compress is v2 only"
        );
        assert_eq!(
            Endpoint::find("templates/html/42").map(|e| e.path),
            Some("templates/html/{id}")
        );
        assert!(Endpoint::find("templates/html/").map(|e| e.path) != Some("templates/html/{id}"));
        assert!(Endpoint::find("pdf/no-such-thing").is_none());
    }

    #[test]
    fn the_table_has_one_row_per_path() {
        let mut paths: Vec<String> = ENDPOINTS.iter().map(|e| normalize(e.path)).collect();
        let count = paths.len();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), count, "a path is listed twice");
        // 67 paths of PDF.co's current spec, plus pdf/convert/to/json.
        assert_eq!(count, 68);
    }

    #[test]
    fn page_bases_follow_the_spec() {
        let one: Vec<&str> = ENDPOINTS
            .iter()
            .filter(|e| e.pages == Some(One))
            .map(|e| e.path)
            .collect();
        assert_eq!(one, ["pdf/split", "pdf/edit/delete-pages"]);
    }

    /// The table against the contract's own list, when the contract is beside the crate (as
    /// in this project's CI): every path it documents in PDF.co's current spec is a row.
    #[test]
    fn every_documented_path_is_a_row() {
        let contract = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/pdfco-endpoints.md");
        // Without the contract (a copy of the crate alone), the table's own count above and
        // the request-line test below still hold it.
        let Ok(text) = std::fs::read_to_string(contract) else {
            return;
        };
        let mut missing = Vec::new();
        let sections = text
            .split("\n### ")
            .filter(|s| !s.starts_with("17.") && !s.starts_with("1. "));
        for section in sections {
            for line in section.lines().filter(|l| l.starts_with("| `/v")) {
                let path = line.split('`').nth(1).unwrap_or("");
                let only_old = line.contains("**E2 only**")
                    || line.contains("**E6 only**")
                    || line.contains("unverified");
                if !only_old && Endpoint::find(path).is_none() {
                    missing.push(path.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "not in the table: {missing:?}");
    }

    /// Every row, called through `Client::start` against the emulator: the request line and
    /// body it recorded are what the table says (method, path and version, documents
    /// comma-joined in `url`, `async` only where the endpoint takes it, parameters with their
    /// JSON types), whether the emulator emulates the endpoint or answers 404 as PDF.co does
    /// for one it does not know.
    #[cfg(feature = "test-util")]
    #[test]
    fn every_endpoint_is_called_as_its_row_says() {
        use crate::testing::{Emulator, Host};
        use serde_json::{Value, json};

        let emulator = Emulator::start().unwrap();
        let client = emulator
            .client_builder()
            .retry(crate::RetryPolicy::disabled())
            .build()
            .unwrap();
        // Documents on the emulator's own storage, so nothing leaves the machine.
        let doc = |name: &str| format!("{}/none/{name}", emulator.storage_origin());
        for row in ENDPOINTS {
            let path = row.path.replace("{id}", "42");
            let mut request = crate::Request::new(path.as_str());
            let mut urls = Vec::new();
            match row.source {
                Source::Url => urls.push(doc("a.pdf")),
                Source::Urls => urls.extend([doc("a.pdf"), doc("b.pdf")]),
                Source::Html => request = request.param("html", "<p>hi</p>"),
                Source::Params => request = request.param("value", "x"),
                Source::None => {}
            }
            for url in &urls {
                request = request.url(url.as_str());
            }
            let probe = match row.method {
                Method::Post => json!([1, "two", { "three": 3.5 }]),
                Method::Get => json!("x y"),
            };
            request = request.param("probe", probe.clone());
            emulator.clear_requests();
            let _ = client.start(&request);
            let recorded = emulator.requests();
            let sent: Vec<_> = recorded.iter().filter(|r| r.host == Host::Api).collect();
            assert_eq!(sent.len(), 1, "{path}: one request, not retried");
            let sent = sent[0];
            let want_path = match normalize(row.path).split_once('/') {
                Some((version, rest)) => format!("/{version}/{}", rest.replace("{id}", "42")),
                None => unreachable!(),
            };
            assert_eq!(sent.path, want_path, "{path}");
            match row.method {
                Method::Get => {
                    assert_eq!(sent.method, "GET", "{path}");
                    assert!(sent.query.contains("probe=x%20y"), "{path}: {}", sent.query);
                }
                Method::Post => {
                    assert_eq!(sent.method, "POST", "{path}");
                    let body: Value =
                        serde_json::from_str(sent.body.as_deref().unwrap_or("")).unwrap();
                    assert_eq!(body["probe"], probe, "{path}: JSON types kept");
                    let joined = urls.join(",");
                    match urls.is_empty() {
                        true => assert!(body.get("url").is_none(), "{path}"),
                        false => assert_eq!(body["url"], json!(joined), "{path}"),
                    }
                    assert_eq!(
                        body.get("async").is_some(),
                        row.mode == Mode::Either,
                        "{path}: async only where the endpoint takes it"
                    );
                    if row.mode == Mode::Either {
                        assert_eq!(body["async"], json!(true), "{path}: jobs by default");
                    }
                }
            }
        }
    }
}
