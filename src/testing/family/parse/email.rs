//! The emulator's `email/send`, `email/decode` and `email/extract-attachments` (see the
//! family's module docs).

use std::time::Instant;

use serde_json::{Value, json};

use super::super::super::api::{self, Params};
use super::super::super::edit::{self, Failure, Made};
use super::super::super::server::Reply;
use super::super::super::storage::{object_path, presign};
use super::super::super::{Core, StoredResult};
use super::mime;
use super::{body_data, input};

pub(super) fn email_send(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let required = [
        ("from", "from"),
        ("to", "to"),
        ("subject", "subject"),
        ("smtpserver", "smtpServer"),
        ("smtpport", "smtpPort"),
        ("smtpusername", "smtpUsername"),
        ("smtppassword", "smtpPassword"),
    ];
    for (key, spelled) in required {
        if params.get(key).is_none() {
            return api::api_error(
                400,
                &format!("Bad request: the {spelled} parameter is required"),
            );
        }
    }
    let port = params
        .get("smtpport")
        .and_then(|p| p.trim().parse::<u16>().ok());
    if port.is_none_or(|p| p == 0) {
        return api::api_error(400, "Bad request: smtpPort must be a port number");
    }
    for key in ["from", "to", "replyto", "cc", "bcc"] {
        if params
            .get(key)
            .is_some_and(|v| !v.contains('@') || v.contains(['\r', '\n']))
        {
            return api::api_error(400, &format!("Bad request: invalid email address in {key}"));
        }
    }
    // The attachment must be readable, as PDF.co fetches it before sending.
    let attachment = match params.get("url") {
        Some(url) => match api::fetch_input(core, url, params) {
            Ok((_, name)) => Some(name),
            Err((code, message)) => return api::api_error(code, &message),
        },
        None => None,
    };
    // Only the acknowledgement in the answer; a job's link holds the emulator's own note.
    let mut made = Made::data("body", Value::Null, 1);
    made.fields.clear();
    let note = json!({ "emulated": true, "sent": false, "attachment": attachment });
    made.file = serde_json::to_vec(&note).unwrap_or_default();
    edit::finish(core, params, started, "email.json", Ok(made))
}

/// A message read from the input, or the failure PDF.co gives for what is not one.
fn read_message(data: &[u8], name: &str) -> Result<mime::Message, Failure> {
    if data.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err(edit::damaged(&format!(
            "{name} is an Outlook .msg file, which the emulator does not read"
        )));
    }
    mime::parse(data).map_err(|why| edit::damaged(&why))
}

fn header_value(message: &mime::Message, name: &str) -> Value {
    message.header(name).map_or(Value::Null, Value::from)
}

pub(super) fn email_decode(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let made = read_message(&data, &input_name).map(|message| {
        let body = json!({
            "from": header_value(&message, "from"),
            "to": header_value(&message, "to"),
            "cc": header_value(&message, "cc"),
            "subject": header_value(&message, "subject"),
            "date": header_value(&message, "date"),
            "bodyText": message.text,
            "bodyHtml": message.html,
            "attachmentsCount": message.attachments.len(),
        });
        body_data(body, 1)
    });
    drop(data);
    let name = params.result_name(&input_name, "json");
    edit::finish(core, params, started, &name, made)
}

/// A content type the emulator stores results under.
fn static_type(content_type: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "application/pdf",
        "text/plain",
        "text/html",
        "text/csv",
        "image/png",
        "image/jpeg",
        "image/gif",
        "application/zip",
        "application/json",
        "message/rfc822",
    ];
    KNOWN
        .iter()
        .find(|k| **k == content_type)
        .copied()
        .unwrap_or("application/octet-stream")
}

pub(super) fn email_attachments(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let lifetime = api::link_lifetime(params, &core.settings());
    let made = read_message(&data, &input_name).map(|mut message| {
        let mut listed = Vec::new();
        for attachment in std::mem::take(&mut message.attachments) {
            let path = object_path(&core.new_id(), &attachment.filename);
            let url = presign(core, "GET", &path, None, lifetime);
            let stored = StoredResult {
                bytes: attachment.data,
                content_type: static_type(&attachment.content_type),
                ready: true,
            };
            core.lock().results.insert(path, stored);
            listed.push(json!({ "filename": attachment.filename, "url": url }));
        }
        let pages = listed.len().max(1) as u32;
        let body = json!({
            "from": header_value(&message, "from"),
            "subject": header_value(&message, "subject"),
            "bodyText": message.text,
            "attachments": listed,
        });
        body_data(body, pages)
    });
    drop(data);
    let name = params.result_name(&input_name, "json");
    edit::finish(core, params, started, &name, made)
}
