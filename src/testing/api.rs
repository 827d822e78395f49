//! The emulator's PDF.co API: presign, convert, job check.

use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

use serde_json::{Value, json};

use super::edit;
use super::image;
use super::pdf;
use super::render;
use super::server::{Reply, Request};
use super::storage::{object_path, presign};
use super::{
    Core, Endpoint, Fault, Job, JobEnd, Outcome, Settings, StoredResult, expand, faulted, iso_date,
    unix_now,
};
use crate::convert::Shape;
use crate::url;
use crate::{OutputFormat, Pages};

/// PDF.co refuses requests larger than 4 MB.
const MAX_REQUEST: u64 = 4 * 1024 * 1024;
/// The most the emulator fetches from an input URL outside itself.
const MAX_REMOTE_INPUT: u64 = 256 * 1024 * 1024;
/// Credits a job check costs, as PDF.co documents.
const CHECK_CREDITS: u64 = 2;

pub(super) fn json_reply(status: u16, value: Value) -> Reply {
    Reply::new(
        status,
        "application/json",
        serde_json::to_vec(&value).unwrap_or_default(),
    )
}

/// PDF.co's error body, with the HTTP status equal to the code.
pub(super) fn api_error(code: u16, message: &str) -> Reply {
    json_reply(
        code,
        json!({ "error": true, "status": code, "errorCode": code, "message": message }),
    )
}

/// The message PDF.co's docs give for each code.
pub(super) fn default_message(code: u16) -> &'static str {
    match code {
        400 => "Bad request: invalid input parameters",
        401 => "Unauthorized: the API key is missing or invalid",
        402 => "Not enough credits",
        403 => "Access forbidden to the input URL",
        404 => "Not found",
        408 => "Request timeout: use async mode for long conversions",
        429 => "Too many requests: rate limit exceeded",
        441 => "Invalid password",
        442 => "Input file is damaged or has a wrong type",
        445 => "Timeout: use async mode or page ranges",
        500 => "Internal server error",
        _ => "Error",
    }
}

fn fault_reply(fault: Fault, params: &Params) -> Reply {
    match fault {
        Fault::Echo { status, message } => api_error(status, &params.expand(&message)),
        Fault::Throttle { retry_after } => {
            let reply = api_error(429, default_message(429));
            match retry_after {
                Some(secs) => reply.header("Retry-After", secs.to_string()),
                None => reply,
            }
        }
        Fault::Status(code) => api_error(code, default_message(code)),
        Fault::ErrorInBody(code) => json_reply(
            200,
            json!({ "error": true, "status": code, "message": default_message(code) }),
        ),
        _ => api_error(500, default_message(500)),
    }
}

/// Request parameters from the query and the body (JSON, form or multipart), names lowered.
pub(super) struct Params(HashMap<String, String>, HashMap<String, Vec<u8>>);

impl Params {
    fn parse(request: &Request, body: &[u8]) -> Result<Params, String> {
        let pairs = param_pairs(&request.query, request.header("content-type"), body)?;
        // Later pairs win: the body over the query.
        let map = pairs
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        let parts = match multipart_boundary(request.header("content-type"))? {
            Some(boundary) => multipart_parts(body, &boundary)
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            None => HashMap::new(),
        };
        Ok(Params(map, parts))
    }

    /// A multipart part's bytes as sent (a binary file), where [`get`](Self::get) has them
    /// as text.
    pub(super) fn part(&self, name: &str) -> Option<&[u8]> {
        self.1.get(name).map(Vec::as_slice)
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A message template with the parameters filled in (see [`Fault::Echo`]).
    fn expand(&self, template: &str) -> String {
        expand(template, &|name| self.0.get(name).cloned())
    }

    /// The documents in `url`, a comma-separated list (merge, images to PDF).
    pub(super) fn urls(&self) -> Vec<&str> {
        let list = self.get("url").unwrap_or("").split(',').map(str::trim);
        list.filter(|u| !u.is_empty()).collect()
    }

    /// The basic-auth credentials for fetching an outside input (`httpusername`,
    /// `httppassword`), when given.
    pub(super) fn auth(&self) -> Option<(&str, &str)> {
        self.get("httpusername")
            .map(|user| (user, self.get("httppassword").unwrap_or("")))
    }

    /// The result's name: `name`, or the input's stem with `extension` (`result` for an
    /// input without a stem).
    pub(super) fn result_name(&self, input_name: &str, extension: &str) -> String {
        if let Some(name) = self.get("name") {
            return name.to_string();
        }
        let stem = input_name.rsplit_once('.').map_or(input_name, |(s, _)| s);
        let stem = if stem.is_empty() { "result" } else { stem };
        format!("{stem}.{extension}")
    }

    /// `true`, `True`, `TRUE` (and JSON `true`) are true.
    pub(super) fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// A request's parameters in the order sent, names as spelled: the query's, then the body's
/// (JSON, form or multipart, by its content type; a JSON object sent without one is read as
/// JSON). JSON values other than strings come as JSON text; JSON nulls are left out.
///
/// The one reading of parameters: the API's handlers and [`RecordedRequest::params`] both
/// use it.
///
/// [`RecordedRequest::params`]: super::RecordedRequest::params
pub(super) fn param_pairs(
    query: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    form_pairs(query, &mut pairs);
    let sent_type = content_type.unwrap_or("");
    let lowered = sent_type.to_ascii_lowercase();
    let trimmed = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &body[i..]);
    if let Some(boundary) = multipart_boundary(content_type)? {
        for (name, value) in multipart_parts(body, &boundary) {
            pairs.push((name, String::from_utf8_lossy(&value).into_owned()));
        }
    } else if lowered.starts_with("application/json")
        || (!lowered.starts_with("application/x-www-form-urlencoded")
            && trimmed.is_some_and(|b| b[0] == b'{'))
    {
        // JSON; also a JSON string sent without a content type, as some samples do.
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(fields)) => {
                for (k, v) in fields {
                    let v = match v {
                        Value::String(s) => s,
                        Value::Null => continue,
                        other => other.to_string(),
                    };
                    pairs.push((k, v));
                }
            }
            _ => return Err("the request body is not a JSON object".into()),
        }
    } else if !body.is_empty() {
        form_pairs(&String::from_utf8_lossy(body), &mut pairs);
    }
    Ok(pairs)
}

fn form_pairs(text: &str, pairs: &mut Vec<(String, String)>) {
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        pairs.push((url::decode(k, true), url::decode(v, true)));
    }
}

/// The boundary of a multipart body, or `None` for another content type. The boundary's case
/// matters, so it is read from the header as sent.
fn multipart_boundary(content_type: Option<&str>) -> Result<Option<String>, String> {
    let sent_type = content_type.unwrap_or("");
    if !sent_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Ok(None);
    }
    sent_type
        .split(';')
        .map(str::trim)
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty())
        .map(Some)
        .ok_or_else(|| "multipart body without a boundary".to_string())
}

/// A multipart body's named parts, their bytes as sent.
fn multipart_parts(body: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
    let delimiter = format!("\r\n--{boundary}");
    let find =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).position(|w| w == needle);
    // The first delimiter may open the body without a line break before it.
    let mut rest = match find(body, &delimiter.as_bytes()[2..]) {
        Some(at) => &body[at + delimiter.len() - 2..],
        None => return Vec::new(),
    };
    let mut parts = Vec::new();
    while !rest.starts_with(b"--") {
        let Some(end) = find(rest, delimiter.as_bytes()) else {
            break;
        };
        let part = &rest[..end];
        rest = &rest[end + delimiter.len()..];
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let name = head.split(';').find_map(|p| {
            let p = p.trim();
            p.strip_prefix("name=")
                .map(|n| n.trim_matches('"').to_string())
        });
        if let Some(name) = name {
            parts.push((name, part[split + 4..].to_vec()));
        }
    }
    parts
}

pub(super) fn handle(core: &Core, request: &Request, body: &mut dyn Read) -> Reply {
    let mut bytes = Vec::new();
    if body.take(MAX_REQUEST + 1).read_to_end(&mut bytes).is_err() {
        let mut reply = api_error(400, "Could not read the request body");
        reply.close = true;
        return reply;
    }
    if bytes.len() as u64 > MAX_REQUEST {
        let mut reply = api_error(400, "API requests larger than 4 MB are not supported");
        reply.close = true;
        return reply;
    }
    let params = match Params::parse(request, &bytes) {
        Ok(p) => p,
        Err(why) => return api_error(400, &why),
    };
    let key = request
        .header("x-api-key")
        .or_else(|| params.get("x-api-key"));
    if key != Some(core.lock().api_key.as_str()) {
        return api_error(401, default_message(401));
    }
    let route = request.path.trim_end_matches('/');
    match (request.method.as_str(), route) {
        ("GET" | "POST", "/v1/file/upload/get-presigned-url") => faulted(
            core,
            Endpoint::Presign,
            |f| fault_reply(f, &params),
            || presign_upload(core, &params),
        ),
        ("GET" | "POST", "/v1/file/delete") => delete_file(core, &params),
        ("GET" | "POST", "/v1/account/credit/balance") => {
            json_reply(200, json!({ "remainingCredits": core.lock().credits }))
        }
        ("GET" | "POST", "/v1/job/check") => faulted(
            core,
            Endpoint::JobCheck,
            |f| fault_reply(f, &params),
            || job_check(core, &params),
        ),
        ("GET" | "POST", "/v1/pdf/merge") => faulted(
            core,
            Endpoint::Merge,
            |f| fault_reply(f, &params),
            || edit::merge(core, &params, edit::Inputs::Pdf),
        ),
        ("GET" | "POST", "/v1/pdf/merge2") => faulted(
            core,
            Endpoint::Merge,
            |f| fault_reply(f, &params),
            || edit::merge(core, &params, edit::Inputs::Any),
        ),
        ("GET" | "POST", "/v1/pdf/info") => faulted(
            core,
            Endpoint::Info,
            |f| fault_reply(f, &params),
            || edit::info(core, &params),
        ),
        ("GET" | "POST", p) if p.starts_with("/v1/pdf/convert/to/") => {
            match format_of(&p["/v1/pdf/convert/to/".len()..]) {
                Some(format) => faulted(
                    core,
                    Endpoint::Convert,
                    |f| fault_reply(f, &params),
                    || {
                        let seen = params.0.iter().map(|(k, v)| (k.clone(), v.clone()));
                        core.lock().convert_params.push(seen.collect());
                        convert(core, &params, format)
                    },
                ),
                None => api_error(404, "Unknown conversion endpoint"),
            }
        }
        (method, path) => faulted(
            core,
            Endpoint::Other,
            |f| fault_reply(f, &params),
            || {
                super::family::route(core, &params, method, path)
                    .unwrap_or_else(|| api_error(404, default_message(404)))
            },
        ),
    }
}

fn format_of(endpoint: &str) -> Option<OutputFormat> {
    endpoint.parse().ok()
}

fn presign_upload(core: &Core, params: &Params) -> Reply {
    let name = params.get("name").unwrap_or("file").to_string();
    let settings = core.settings();
    let path = object_path(&core.new_id(), &name);
    let put_url = presign(
        core,
        "PUT",
        &path,
        params.get("contenttype"),
        settings.presign_lifetime.as_secs(),
    );
    let get_url = presign(core, "GET", &path, None, 3600);
    json_reply(
        200,
        json!({
            "presignedUrl": put_url,
            "url": get_url,
            "error": false,
            "status": 200,
            "name": name,
            "remainingCredits": core.lock().credits,
        }),
    )
}

/// The bytes behind an input URL: the emulator's own storage, or any http(s) URL.
/// With `auth`, outside URLs are fetched with basic authentication (`httpusername`,
/// `httppassword`).
pub(super) fn fetch_input(
    core: &Core,
    input: &str,
    params: &Params,
) -> Result<(Vec<u8>, String), (u16, String)> {
    let input = input.strip_prefix("cache:").unwrap_or(input);
    let path_of = |u: &str| u.split('?').next().unwrap_or("").to_string();
    let name = url::decode(path_of(input).rsplit('/').next().unwrap_or(""), false);
    let storage = core.storage_origin.get();
    if let Some(rest) = input.strip_prefix(storage).filter(|r| r.starts_with('/')) {
        let path = path_of(rest);
        let state = core.lock();
        if let Some(upload) = state.uploads.get(&path) {
            let file = upload.file.clone();
            drop(state);
            return std::fs::read(file)
                .map(|b| (b, name))
                .map_err(|e| (400, format!("Cannot read the input file: {e}")));
        }
        if let Some(result) = state.results.get(&path).filter(|r| r.ready) {
            return Ok((result.bytes.clone(), name));
        }
        return Err((400, "Cannot download the input file: 404 Not Found".into()));
    }
    if !(input.starts_with("http://") || input.starts_with("https://")) {
        return Err((400, "Invalid url: expected an http(s) URL".into()));
    }
    let mut request = ureq::get(input);
    if let Some((user, password)) = params.auth() {
        let credentials = crate::base64::encode(format!("{user}:{password}").as_bytes());
        request = request.header("authorization", format!("Basic {credentials}"));
    }
    let fetched = request
        .config()
        .timeout_connect(Some(std::time::Duration::from_secs(10)))
        .timeout_per_read(Some(std::time::Duration::from_secs(30)))
        .build()
        .call()
        .map_err(|e| (400, format!("Cannot download the input file: {e}")))?
        .into_body()
        .into_with_config()
        .limit(MAX_REMOTE_INPUT)
        .read_to_vec()
        .map_err(|e| (400, format!("Cannot download the input file: {e}")))?;
    Ok((fetched, name))
}

/// A conversion's output: one file, or one per page for images, and the inline body.
struct Rendered {
    files: Vec<Vec<u8>>,
    pages: u32,
    body: Option<Value>,
}

/// The options that change what is extracted, read and checked as PDF.co does.
struct Extraction {
    rect: Option<[f64; 4]>,
    inline: bool,
}

impl Extraction {
    fn parse(params: &Params) -> Result<Extraction, (u16, String)> {
        let bad = |what: &str| (400, format!("Invalid parameter: {what}"));
        let rect = match params.get("rect").map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(text) => {
                let values: Vec<f64> = text
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|v| !v.is_empty())
                    .map(|v| v.parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| bad("rect must be four numbers"))?;
                match values[..] {
                    [x, y, w, h] if values.iter().all(|v| v.is_finite()) => Some([x, y, w, h]),
                    _ => return Err(bad("rect must be four numbers")),
                }
            }
        };
        if let Some(grouping) = params.get("linegrouping") {
            if !matches!(grouping.trim(), "" | "1" | "2" | "3") {
                return Err(bad("lineGrouping must be 1, 2 or 3"));
            }
        }
        if let Some(profiles) = params.get("profiles").filter(|p| !p.trim().is_empty()) {
            // PDF.co's samples write profiles with single quotes.
            if serde_json::from_str::<Value>(&profiles.replace('\'', "\"")).is_err() {
                return Err((444, "Profiles parsing error".to_string()));
            }
        }
        if let Some(callback) = params.get("callback") {
            if !(callback.starts_with("http://") || callback.starts_with("https://")) {
                return Err(bad("callback must be an http(s) URL"));
            }
        }
        Ok(Extraction {
            rect,
            inline: params.flag("inline"),
        })
    }

    /// The page with only the text inside the extraction area, when there is one.
    fn clip(&self, page: &pdf::Page) -> pdf::Page {
        let Some([x, y, w, h]) = self.rect else {
            return page.clone();
        };
        let inside = |run: &pdf::Run| {
            run.x >= x && run.y >= y && run.x + run.width <= x + w && run.y + run.height <= y + h
        };
        let rows = page
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .filter(|r| inside(r))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .filter(|row| !row.is_empty())
            .collect();
        pdf::Page {
            width: page.width,
            height: page.height,
            rows,
        }
    }
}

/// Converts an input into the result files and the number of pages converted.
fn convert_bytes(
    data: &[u8],
    password: Option<&str>,
    pages: &Pages,
    format: OutputFormat,
    extraction: &Extraction,
) -> Result<Rendered, (u16, String)> {
    let doc = super::edit::read_text(data, password)?;
    let count = u32::try_from(doc.pages.len()).unwrap_or(u32::MAX);
    let selected = pages
        .resolve(count)
        .map_err(|e| (400, format!("Invalid page range: {e}")))?;
    let clipped: Vec<(u32, pdf::Page)> = selected
        .iter()
        .filter_map(|&i| doc.pages.get(i as usize).map(|p| (i, extraction.clip(p))))
        .collect();
    let pages: Vec<(u32, &pdf::Page)> = clipped.iter().map(|(i, p)| (*i, p)).collect();
    let one = |bytes: Vec<u8>| vec![bytes];
    let files = match format {
        OutputFormat::Json | OutputFormat::Json2 | OutputFormat::JsonMeta => {
            one(render::json_file(&pages))
        }
        OutputFormat::Csv => one(render::csv_file(&pages)),
        OutputFormat::Xml => one(render::xml_file(&pages)),
        OutputFormat::Text => one(render::text_file(&pages)),
        OutputFormat::TextSimple => one(render::text_simple_file(&pages)),
        OutputFormat::Html => one(render::html_file(&pages)),
        OutputFormat::Xlsx => one(render::xlsx_file(&pages)),
        OutputFormat::Xls => one(render::xls_file(&pages)),
        OutputFormat::Tiff => one(image::tiff(
            &pages.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        )),
        OutputFormat::Png => pages.iter().map(|(_, p)| image::png(p)).collect(),
        OutputFormat::Jpg => pages.iter().map(|(_, p)| image::jpeg(p)).collect(),
        OutputFormat::Webp => pages.iter().map(|(_, p)| image::webp(p)).collect(),
    };
    let body = match format.shape() {
        _ if !extraction.inline => None,
        Shape::Json => Some(render::json_document(&pages)),
        Shape::Text => Some(Value::from(String::from_utf8_lossy(&files[0]).into_owned())),
        Shape::Binary | Shape::Images => None,
    };
    Ok(Rendered {
        files,
        pages: pages.len() as u32,
        body,
    })
}

fn content_type(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        OutputFormat::Xls => "application/vnd.ms-excel",
        OutputFormat::Json | OutputFormat::Json2 | OutputFormat::JsonMeta => "application/json",
        OutputFormat::Csv => "text/csv",
        OutputFormat::Xml => "application/xml",
        OutputFormat::Text | OutputFormat::TextSimple => "text/plain",
        OutputFormat::Html => "text/html",
        OutputFormat::Png => "image/png",
        OutputFormat::Jpg => "image/jpeg",
        OutputFormat::Webp => "image/webp",
        OutputFormat::Tiff => "image/tiff",
    }
}

/// Where a conversion's files will be stored, each at a new signed URL. Images get one URL
/// per page and, for asynchronous jobs, a JSON listing of those URLs as the result URL, as
/// PDF.co does. Planned before taking the state lock, since making ids takes it too.
struct Stored {
    /// The URL to report as `url`: the file, or the listing of images.
    url: String,
    /// The per-page URLs of images.
    urls: Vec<String>,
    /// Each file's storage path, in the order of the files.
    paths: Vec<String>,
    /// The listing's path, for asynchronous images.
    listing: Option<String>,
}

impl Stored {
    fn plan(
        core: &Core,
        name: &str,
        format: OutputFormat,
        files: usize,
        lifetime: u64,
        asynchronous: bool,
    ) -> Stored {
        let mut paths: Vec<String> = (0..files.max(1))
            .map(|_| object_path(&core.new_id(), name))
            .collect();
        if !format.is_multi_file() {
            paths.truncate(1);
        }
        let urls: Vec<String> = paths
            .iter()
            .map(|path| presign(core, "GET", path, None, lifetime))
            .collect();
        let listing = (format.is_multi_file() && asynchronous).then(|| {
            let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
            object_path(&core.new_id(), &format!("{stem}.json"))
        });
        let url = match &listing {
            Some(path) => presign(core, "GET", path, None, lifetime),
            None => urls[0].clone(),
        };
        Stored {
            url,
            urls,
            paths,
            listing,
        }
    }

    /// Stores the files (and the listing), ready for download or not yet.
    fn insert(
        &self,
        state: &mut super::State,
        format: OutputFormat,
        files: Vec<Vec<u8>>,
        ready: bool,
    ) {
        for (path, bytes) in self.paths.iter().zip(files) {
            let content_type = content_type(format);
            let result = StoredResult {
                bytes,
                content_type,
                ready,
            };
            state.results.insert(path.clone(), result);
        }
        if let Some(path) = &self.listing {
            let listing = serde_json::to_vec(&self.urls).unwrap_or_default();
            let result = StoredResult {
                bytes: listing,
                content_type: "application/json",
                ready,
            };
            state.results.insert(path.clone(), result);
        }
    }

    /// Every stored path, to make ready together.
    fn all_paths(&self) -> Vec<String> {
        self.paths.iter().chain(&self.listing).cloned().collect()
    }
}

fn convert(core: &Core, params: &Params, format: OutputFormat) -> Reply {
    let Some(input) = params.get("url") else {
        return api_error(400, "Bad request: the url parameter is required");
    };
    let pages = match Pages::parse(params.get("pages").unwrap_or("")) {
        Ok(p) => p,
        Err(e) => return api_error(400, &format!("Invalid page range: {e}")),
    };
    let extraction = match Extraction::parse(params) {
        Ok(e) => e,
        Err((code, message)) => return api_error(code, &message),
    };
    let asynchronous = params.flag("async");
    let started = Instant::now();
    let (data, input_name) = match fetch_input(core, input, params) {
        Ok(found) => found,
        Err((code, message)) => return api_error(code, &message),
    };
    let name = params.result_name(&input_name, format.extension());
    let converted = convert_bytes(&data, params.get("password"), &pages, format, &extraction);
    drop(data);

    let settings = core.settings();
    let lifetime = link_lifetime(params, &settings);
    let valid_till = iso_date(unix_now() + lifetime);
    let files = converted.as_ref().map_or(1, |r| r.files.len());
    let stored = Stored::plan(core, &name, format, files, lifetime, asynchronous);
    let id = core.new_id();
    let cost = match &converted {
        Ok(rendered) => u64::from(rendered.pages).max(1),
        Err(_) => 0,
    };
    let mut state = core.lock();
    if cost > state.credits {
        return api_error(402, default_message(402));
    }
    state.credits -= cost;
    let remaining = state.credits;

    if !asynchronous {
        let rendered = match converted {
            Ok(rendered) => rendered,
            Err((code, message)) => return api_error(code, &message),
        };
        let mut answer = json!({
            "pageCount": rendered.pages,
            "error": false,
            "status": 200,
            "name": name,
            "credits": cost,
            "remainingCredits": remaining,
            "duration": started.elapsed().as_millis() as u64,
        });
        if let Some(body) = rendered.body {
            // PDF.co's inline answers carry the result instead of a link.
            answer["body"] = body;
            return json_reply(200, answer);
        }
        stored.insert(&mut state, format, rendered.files, true);
        if format.is_multi_file() {
            answer["urls"] = stored.urls.into();
        } else {
            answer["url"] = stored.url.into();
        }
        answer["outputLinkValidTill"] = valid_till.into();
        return json_reply(200, answer);
    }

    let end = match (converted, &settings.outcome) {
        (Err((code, message)), _) => JobEnd::Failed {
            code: Some(code),
            message,
        },
        (Ok(_), Outcome::Failed(message)) => JobEnd::Failed {
            code: None,
            message: params.expand(message),
        },
        (Ok(_), Outcome::Aborted) => JobEnd::Aborted,
        (Ok(_), Outcome::Stuck) => JobEnd::Stuck,
        (Ok(rendered), Outcome::Success) => {
            stored.insert(&mut state, format, rendered.files, false);
            JobEnd::Success {
                result_paths: stored.all_paths(),
                page_count: rendered.pages,
                fields: rendered
                    .body
                    .map(|body| serde_json::Map::from_iter([("body".to_string(), body)]))
                    .unwrap_or_default(),
            }
        }
    };
    let mut job = Job::new(
        started,
        &settings,
        state.jobs.len(),
        end,
        stored.url.clone(),
        cost,
    );
    job.valid_till = Some(valid_till.clone());
    state.jobs.insert(id.clone(), job);
    json_reply(
        200,
        json!({
            "jobId": id,
            "url": stored.url,
            "error": false,
            "status": 200,
            "name": name,
            "credits": cost,
            "remainingCredits": remaining,
            "outputLinkValidTill": valid_till,
        }),
    )
}

/// How long result links stay valid, in seconds: `expiration` minutes (1 to 1,440), or the
/// emulator's setting.
pub(super) fn link_lifetime(params: &Params, settings: &Settings) -> u64 {
    match params
        .get("expiration")
        .and_then(|m| m.trim().parse::<u64>().ok())
    {
        Some(minutes) => minutes.clamp(1, 1440) * 60,
        None => settings.result_lifetime.as_secs(),
    }
}

/// Removes an upload or a result from storage, by its URL (any of its signed forms).
fn delete_file(core: &Core, params: &Params) -> Reply {
    let Some(target) = params.get("url") else {
        return api_error(400, "Bad request: the url parameter is required");
    };
    let path = target
        .strip_prefix(core.storage_origin.get())
        .map(|rest| rest.split('?').next().unwrap_or("").to_string());
    let mut state = core.lock();
    let removed = path.and_then(|path| {
        let upload = state.uploads.remove(&path).map(|u| {
            let _ = std::fs::remove_file(u.file);
        });
        upload.or_else(|| state.results.remove(&path).map(|_| ()))
    });
    match removed {
        Some(()) => json_reply(
            200,
            json!({ "error": false, "status": 200, "message": "Deleted" }),
        ),
        None => api_error(404, "File not found"),
    }
}

fn job_check(core: &Core, params: &Params) -> Reply {
    let Some(id) = params.get("jobid") else {
        return api_error(400, "Bad request: the jobid parameter is required");
    };
    let force = params.flag("force");
    let mut guard = core.lock();
    let state = &mut *guard;
    state.credits = state.credits.saturating_sub(CHECK_CREDITS);
    let remaining = state.credits;
    let Some(job) = state.jobs.get_mut(id) else {
        // PDF.co's quirk: an id it does not know is "working" unless asked with force.
        let status = if force { "unknown" } else { "working" };
        return json_reply(
            200,
            json!({ "status": status, "jobId": id, "credits": CHECK_CREDITS, "remainingCredits": remaining }),
        );
    };
    job.checks += 1;
    let elapsed = job.started.elapsed();
    job.check_times.push(elapsed);
    let done = job.checks > job.working_checks && elapsed >= job.duration;
    let mut answer = json!({
        "jobId": id,
        "credits": CHECK_CREDITS,
        "remainingCredits": remaining,
        "duration": 5,
    });
    let refund = match (&job.end, done) {
        (JobEnd::Stuck, _) | (_, false) => {
            answer["status"] = "working".into();
            0
        }
        (
            JobEnd::Success {
                result_paths,
                page_count,
                fields,
            },
            true,
        ) => {
            answer["status"] = "success".into();
            answer["message"] = "Success".into();
            answer["url"] = job.result_url.clone().into();
            if let Some(till) = &job.valid_till {
                answer["outputLinkValidTill"] = till.clone().into();
            }
            answer["pageCount"] = (*page_count).into();
            answer["jobDuration"] = (elapsed.as_millis() as u64).into();
            for (name, value) in fields {
                answer[name.as_str()] = value.clone();
            }
            for path in result_paths {
                if let Some(result) = state.results.get_mut(path) {
                    result.ready = true;
                }
            }
            0
        }
        (JobEnd::Failed { code, message }, true) => {
            answer["status"] = "failed".into();
            answer["message"] = message.clone().into();
            if let Some(code) = code {
                answer["errorCode"] = (*code).into();
            }
            refund(job)
        }
        (JobEnd::Aborted, true) => {
            answer["status"] = "aborted".into();
            answer["message"] = "The job was aborted".into();
            refund(job)
        }
    };
    // Failed and aborted jobs get their credits back.
    state.credits += refund;
    answer["remainingCredits"] = state.credits.into();
    json_reply(200, answer)
}

fn refund(job: &mut Job) -> u64 {
    if job.refunded {
        0
    } else {
        job.refunded = true;
        job.credits
    }
}
