//! The emulator's PDF.co API: presign, convert, job check.

use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

use serde_json::{Value, json};

use super::pdf::{self, PdfError};
use super::render;
use super::server::{Reply, Request};
use super::storage::{object_path, presign};
use super::{
    Core, Endpoint, Fault, Job, JobEnd, Outcome, StoredResult, faulted, iso_date, unix_now,
};
use crate::url;
use crate::{OutputFormat, Pages};

/// PDF.co refuses requests larger than 4 MB.
const MAX_REQUEST: u64 = 4 * 1024 * 1024;
/// The most the emulator fetches from an input URL outside itself.
const MAX_REMOTE_INPUT: u64 = 256 * 1024 * 1024;
/// Credits a job check costs, as PDF.co documents.
const CHECK_CREDITS: u64 = 2;

fn json_reply(status: u16, value: Value) -> Reply {
    Reply::new(
        status,
        "application/json",
        serde_json::to_vec(&value).unwrap_or_default(),
    )
}

/// PDF.co's error body, with the HTTP status equal to the code.
fn api_error(code: u16, message: &str) -> Reply {
    json_reply(
        code,
        json!({ "error": true, "status": code, "errorCode": code, "message": message }),
    )
}

/// The message PDF.co's docs give for each code.
fn default_message(code: u16) -> &'static str {
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

fn fault_reply(fault: Fault) -> Reply {
    match fault {
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
struct Params(HashMap<String, String>);

impl Params {
    fn parse(request: &Request, body: &[u8]) -> Result<Params, String> {
        let mut map = HashMap::new();
        form_pairs(&request.query, &mut map);
        let content_type = request
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let trimmed = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &body[i..]);
        if content_type.starts_with("multipart/form-data") {
            // The boundary's case matters, so it is read from the header as sent.
            let boundary = request
                .header("content-type")
                .unwrap_or("")
                .split(';')
                .map(str::trim)
                .find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("boundary")
                        .then(|| v.trim().trim_matches('"').to_string())
                })
                .filter(|b| !b.is_empty())
                .ok_or("multipart body without a boundary")?;
            multipart_pairs(body, &boundary, &mut map);
        } else if content_type.starts_with("application/json")
            || (!content_type.starts_with("application/x-www-form-urlencoded")
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
                        map.insert(k.to_ascii_lowercase(), v);
                    }
                }
                _ => return Err("the request body is not a JSON object".into()),
            }
        } else if !body.is_empty() {
            form_pairs(&String::from_utf8_lossy(body), &mut map);
        }
        Ok(Params(map))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// `true`, `True`, `TRUE` (and JSON `true`) are true.
    fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

fn form_pairs(text: &str, map: &mut HashMap<String, String>) {
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        map.insert(
            url::decode(k, true).to_ascii_lowercase(),
            url::decode(v, true),
        );
    }
}

fn multipart_pairs(body: &[u8], boundary: &str, map: &mut HashMap<String, String>) {
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    for part in text.split(&delimiter).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let name = head.split(';').find_map(|p| {
            let p = p.trim();
            p.strip_prefix("name=")
                .map(|n| n.trim_matches('"').to_ascii_lowercase())
        });
        if let Some(name) = name {
            map.insert(
                name,
                value.strip_suffix("\r\n").unwrap_or(value).to_string(),
            );
        }
    }
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
        ("GET" | "POST", "/v1/file/upload/get-presigned-url") => {
            faulted(core, Endpoint::Presign, fault_reply, || {
                presign_upload(core, &params)
            })
        }
        ("GET" | "POST", "/v1/file/delete") => delete_file(core, &params),
        ("GET" | "POST", "/v1/account/credit/balance") => {
            json_reply(200, json!({ "remainingCredits": core.lock().credits }))
        }
        ("GET" | "POST", "/v1/job/check") => faulted(core, Endpoint::JobCheck, fault_reply, || {
            job_check(core, &params)
        }),
        ("GET" | "POST", p) if p.starts_with("/v1/pdf/convert/to/") => {
            match format_of(&p["/v1/pdf/convert/to/".len()..]) {
                Some(format) => faulted(core, Endpoint::Convert, fault_reply, || {
                    convert(core, &params, format)
                }),
                None => api_error(404, "Unknown conversion endpoint"),
            }
        }
        _ => api_error(404, default_message(404)),
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
fn fetch_input(core: &Core, input: &str) -> Result<(Vec<u8>, String), (u16, String)> {
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
    let fetched = ureq::get(input)
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

/// Converts an input into the result file's bytes and the number of pages converted.
fn convert_bytes(
    data: &[u8],
    password: Option<&str>,
    pages: &Pages,
    format: OutputFormat,
) -> Result<(Vec<u8>, u32), (u16, String)> {
    let doc = pdf::read(data, password).map_err(|e| match e {
        PdfError::Damaged(why) => (442, format!("{}: {why}", default_message(442))),
        PdfError::Unsupported(what) => (
            442,
            format!("Cannot open the document: {what} is not supported"),
        ),
        PdfError::Password if password.is_some() => (441, default_message(441).to_string()),
        PdfError::Password => (
            441,
            "Invalid password: the document is password-protected".to_string(),
        ),
    })?;
    let count = u32::try_from(doc.pages.len()).unwrap_or(u32::MAX);
    let selected = pages
        .resolve(count)
        .map_err(|e| (400, format!("Invalid page range: {e}")))?;
    let pages: Vec<(u32, &pdf::Page)> = selected
        .iter()
        .filter_map(|&i| doc.pages.get(i as usize).map(|p| (i, p)))
        .collect();
    let bytes = match format {
        OutputFormat::Xlsx => render::xlsx_file(&pages),
        OutputFormat::Json => render::json_file(&pages),
        OutputFormat::Csv => render::csv_file(&pages),
        OutputFormat::Xml => render::xml_file(&pages),
        OutputFormat::Text => render::text_file(&pages),
        OutputFormat::TextSimple => render::text_simple_file(&pages),
        OutputFormat::Html => render::html_file(&pages),
    };
    Ok((bytes, pages.len() as u32))
}

fn content_type(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        OutputFormat::Json => "application/json",
        OutputFormat::Csv => "text/csv",
        OutputFormat::Xml => "application/xml",
        OutputFormat::Text | OutputFormat::TextSimple => "text/plain",
        OutputFormat::Html => "text/html",
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
    let asynchronous = params.flag("async");
    let started = Instant::now();
    let (data, input_name) = match fetch_input(core, input) {
        Ok(found) => found,
        Err((code, message)) => return api_error(code, &message),
    };
    let name = params.get("name").map(str::to_string).unwrap_or_else(|| {
        let stem = input_name
            .rsplit_once('.')
            .map_or(input_name.as_str(), |(s, _)| s);
        let stem = if stem.is_empty() { "result" } else { stem };
        format!("{stem}.{}", format.extension())
    });
    let converted = convert_bytes(&data, params.get("password"), &pages, format);
    drop(data);

    let id = core.new_id();
    let path = object_path(&id, &name);
    let settings = core.settings();
    let result_url = presign(core, "GET", &path, None, settings.result_lifetime.as_secs());
    let valid_till = iso_date(unix_now() + settings.result_lifetime.as_secs());
    let cost = match &converted {
        Ok((_, pages)) => u64::from(*pages).max(1),
        Err(_) => 0,
    };
    let mut state = core.lock();
    if cost > state.credits {
        return api_error(402, default_message(402));
    }
    state.credits -= cost;
    let remaining = state.credits;

    if !asynchronous {
        return match converted {
            Ok((bytes, page_count)) => {
                state.results.insert(
                    path,
                    StoredResult {
                        bytes,
                        content_type: content_type(format),
                        ready: true,
                    },
                );
                json_reply(
                    200,
                    json!({
                        "url": result_url,
                        "pageCount": page_count,
                        "error": false,
                        "status": 200,
                        "name": name,
                        "credits": cost,
                        "remainingCredits": remaining,
                        "duration": started.elapsed().as_millis() as u64,
                        "outputLinkValidTill": valid_till,
                    }),
                )
            }
            Err((code, message)) => api_error(code, &message),
        };
    }

    let end = match (converted, &settings.outcome) {
        (Err((_, message)), _) => JobEnd::Failed(message),
        (Ok(_), Outcome::Failed(message)) => JobEnd::Failed(message.clone()),
        (Ok(_), Outcome::Aborted) => JobEnd::Aborted,
        (Ok(_), Outcome::Stuck) => JobEnd::Stuck,
        (Ok((bytes, page_count)), Outcome::Success) => {
            state.results.insert(
                path.clone(),
                StoredResult {
                    bytes,
                    content_type: content_type(format),
                    ready: false,
                },
            );
            JobEnd::Success {
                result_path: path,
                page_count,
            }
        }
    };
    state.jobs.insert(
        id.clone(),
        Job {
            started,
            duration: settings.job_duration,
            working_checks: settings.working_checks,
            checks: 0,
            end,
            result_url: result_url.clone(),
            credits: cost,
            refunded: false,
        },
    );
    json_reply(
        200,
        json!({
            "jobId": id,
            "url": result_url,
            "error": false,
            "status": 200,
            "name": name,
            "credits": cost,
            "remainingCredits": remaining,
            "outputLinkValidTill": valid_till,
        }),
    )
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
                result_path,
                page_count,
            },
            true,
        ) => {
            answer["status"] = "success".into();
            answer["message"] = "Success".into();
            answer["url"] = job.result_url.clone().into();
            answer["pageCount"] = (*page_count).into();
            answer["jobDuration"] = (elapsed.as_millis() as u64).into();
            let path = result_path.clone();
            if let Some(result) = state.results.get_mut(&path) {
                result.ready = true;
            }
            0
        }
        (JobEnd::Failed(message), true) => {
            answer["status"] = "failed".into();
            answer["message"] = message.clone().into();
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
