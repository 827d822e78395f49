//! The emulator's `pdf/merge`, `pdf/merge2` and `pdf/info`: real PDFs read, merged and
//! written with lopdf, answered synchronously or as jobs of the same machinery as
//! conversions (outcomes, durations, checks, refunds).

use std::collections::HashSet;
use std::time::Instant;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, dictionary};
use serde_json::{Map, Value, json};

use super::api::{self, Params};
use super::pdf::{self, PdfError};
use super::server::Reply;
use super::storage::{object_path, presign};
use super::{Core, Job, JobEnd, Outcome, StoredResult, iso_date, unix_now};

/// Which inputs a merge takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Inputs {
    /// PDFs only (`pdf/merge`).
    Pdf,
    /// PDFs, and other documents, spreadsheets, images and archives (`pdf/merge2`).
    Any,
}

/// A failure as PDF.co reports it: the code and the message.
pub(super) type Failure = (u16, String);

/// What an endpoint made from its inputs; [`finish`] answers with it.
pub(super) struct Made {
    /// The result file: stored and linked for merges; for `pdf/info`, the JSON an
    /// asynchronous job's link holds. Unused when `parts` is not empty.
    pub(super) file: Vec<u8>,
    pub(super) content_type: &'static str,
    /// Pages processed: the credits charged (at least one).
    pub(super) pages: u32,
    /// Fields of the answer (and of a job's success check), such as `info`.
    pub(super) fields: Map<String, Value>,
    /// Whether a synchronous answer links the file (merges) or carries only the fields.
    pub(super) linked_when_sync: bool,
    /// Several result files (split parts, attachments), each with its name and content
    /// type: a synchronous answer lists them in `urls`; a job's `url` is a JSON listing of
    /// them, and its success check carries them in `body` too.
    pub(super) parts: Vec<(String, &'static str, Vec<u8>)>,
}

impl Made {
    /// One result file, linked.
    pub(super) fn file(file: Vec<u8>, content_type: &'static str, pages: u32) -> Made {
        Made {
            file,
            content_type,
            pages,
            fields: Map::new(),
            linked_when_sync: true,
            parts: Vec::new(),
        }
    }

    /// JSON data in the answer's `field` (`body`, `info`, `barcodes`...); an asynchronous
    /// job's link holds the answer's fields as a JSON file.
    pub(super) fn data(field: &str, value: Value, pages: u32) -> Made {
        let fields = Map::from_iter([(field.to_string(), value)]);
        Made {
            file: serde_json::to_vec(&fields).unwrap_or_default(),
            content_type: "application/json",
            pages,
            fields,
            linked_when_sync: false,
            parts: Vec::new(),
        }
    }

    /// Several result files, each named.
    pub(super) fn parts(parts: Vec<(String, &'static str, Vec<u8>)>, pages: u32) -> Made {
        Made {
            file: Vec::new(),
            content_type: "application/json",
            pages,
            fields: Map::new(),
            linked_when_sync: true,
            parts,
        }
    }
}

/// `pdf/merge` and `pdf/merge2`: `url` is a comma-separated list, merged in order.
pub(super) fn merge(core: &Core, params: &Params, inputs: Inputs) -> Reply {
    let started = Instant::now();
    let urls = params.urls();
    if urls.is_empty() {
        return api::api_error(400, "Bad request: the url parameter is required");
    }
    let mut files = Vec::with_capacity(urls.len());
    for url in urls {
        match api::fetch_input(core, url, params) {
            Ok(file) => files.push(file),
            Err((code, message)) => return api::api_error(code, &message),
        }
    }
    let password = params.get("password");
    let made = files
        .iter()
        .map(|(data, name)| document_of(data, name, password, inputs))
        .collect::<Result<Vec<_>, Failure>>()
        .and_then(merge_documents)
        .map(|(file, pages)| Made::file(file, "application/pdf", pages));
    drop(files);
    let name = params.get("name").unwrap_or("result.pdf").to_string();
    finish(core, params, started, &name, made)
}

/// `pdf/info`: the document's properties, read from the file.
pub(super) fn info(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return api::api_error(400, "Bad request: the url parameter is required");
    };
    let (data, input_name) = match api::fetch_input(core, input, params) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let made = read_info(&data, params.get("password"))
        .map(|(info, pages)| Made::data("info", info, pages));
    drop(data);
    let name = params.result_name(&input_name, "json");
    finish(core, params, started, &name, made)
}

/// Answers with what was made, at a credit a page: at once, or as a job that ends as the
/// emulator's [`Outcome`] says (a failure to make it fails the job with the same message).
/// `name` names the result file (a part's own name for several).
pub(super) fn finish(
    core: &Core,
    params: &Params,
    started: Instant,
    name: &str,
    made: Result<Made, Failure>,
) -> Reply {
    finish_as(core, params, started, name, made, params.flag("async"))
}

/// [`finish`], as a job or not whatever `async` says: for endpoints that always run as a
/// job (`ai-invoice-parser`).
pub(super) fn finish_as(
    core: &Core,
    params: &Params,
    started: Instant,
    name: &str,
    made: Result<Made, Failure>,
    asynchronous: bool,
) -> Reply {
    let settings = core.settings();
    let lifetime = api::link_lifetime(params, &settings);
    let valid_till = iso_date(unix_now() + lifetime);
    let path = object_path(&core.new_id(), name);
    let url = presign(core, "GET", &path, None, lifetime);
    let id = core.new_id();
    let cost = made.as_ref().map_or(0, |m| u64::from(m.pages).max(1));
    // Several files: each stored at its own signed URL; the main path holds their listing.
    let made = made.map(|mut made| {
        let parts = std::mem::take(&mut made.parts);
        let stored: Vec<(String, String, StoredResult)> = parts
            .into_iter()
            .map(|(part_name, content_type, bytes)| {
                let part_path = object_path(&core.new_id(), &part_name);
                let part_url = presign(core, "GET", &part_path, None, lifetime);
                let result = StoredResult {
                    bytes,
                    content_type,
                    ready: !asynchronous,
                };
                (part_path, part_url, result)
            })
            .collect();
        (made, stored)
    });
    let mut state = core.lock();
    if cost > state.credits {
        return api::api_error(402, api::default_message(402));
    }
    state.credits -= cost;
    let remaining = state.credits;
    let made = made.map(|(mut made, parts)| {
        let several = !parts.is_empty();
        let mut paths = Vec::new();
        let mut urls = Vec::new();
        for (part_path, part_url, result) in parts {
            state.results.insert(part_path.clone(), result);
            paths.push(part_path);
            urls.push(part_url);
        }
        if several {
            made.file = serde_json::to_vec(&urls).unwrap_or_default();
        }
        (made, several.then_some((paths, urls)))
    });

    if !asynchronous {
        let (made, parts) = match made {
            Ok(made) => made,
            Err((code, message)) => return api::api_error(code, &message),
        };
        let mut answer = json!({
            "error": false,
            "status": 200,
            "credits": cost,
            "remainingCredits": remaining,
            "duration": started.elapsed().as_millis() as u64,
        });
        for (field, value) in made.fields {
            answer[field.as_str()] = value;
        }
        if let Some((_, urls)) = parts {
            answer["urls"] = urls.into();
            answer["pageCount"] = made.pages.into();
            answer["outputLinkValidTill"] = valid_till.into();
        } else if made.linked_when_sync {
            answer["url"] = url.into();
            answer["pageCount"] = made.pages.into();
            answer["name"] = name.into();
            answer["outputLinkValidTill"] = valid_till.into();
            let stored = StoredResult {
                bytes: made.file,
                content_type: made.content_type,
                ready: true,
            };
            state.results.insert(path, stored);
        } else {
            // PDF.co's info answers carry `name: null`.
            answer["name"] = Value::Null;
        }
        return api::json_reply(200, answer);
    }

    let end = match (made, &settings.outcome) {
        (Err((code, message)), _) => JobEnd::Failed {
            code: Some(code),
            message,
        },
        (Ok(_), Outcome::Failed(message)) => JobEnd::Failed {
            code: None,
            message: message.clone(),
        },
        (Ok(_), Outcome::Aborted) => JobEnd::Aborted,
        (Ok(_), Outcome::Stuck) => JobEnd::Stuck,
        (Ok((made, parts)), Outcome::Success) => {
            let stored = StoredResult {
                bytes: made.file,
                content_type: made.content_type,
                ready: false,
            };
            state.results.insert(path.clone(), stored);
            let mut result_paths = vec![path];
            result_paths.extend(parts.map(|(paths, _)| paths).unwrap_or_default());
            JobEnd::Success {
                result_paths,
                page_count: made.pages,
                fields: made.fields,
            }
        }
    };
    let mut job = Job::new(started, &settings, state.jobs.len(), end, url.clone(), cost);
    job.valid_till = Some(valid_till.clone());
    state.jobs.insert(id.clone(), job);
    api::json_reply(
        200,
        json!({
            "jobId": id,
            "url": url,
            "error": false,
            "status": 200,
            "name": name,
            "credits": cost,
            "remainingCredits": remaining,
            "outputLinkValidTill": valid_till,
        }),
    )
}

/// What a file holds, as far as merging is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Pdf,
    Image,
    Document,
    Spreadsheet,
    Archive,
}

impl Kind {
    /// From the magic bytes, then the name's extension for formats without any.
    fn of(data: &[u8], name: &str) -> Option<Kind> {
        let extension = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let image = [
            &b"\x89PNG"[..],
            b"\xff\xd8\xff",
            b"GIF8",
            b"BM",
            b"II*\0",
            b"MM\0*",
        ];
        if pdf::is_pdf(data) {
            Some(Kind::Pdf)
        } else if image.iter().any(|m| data.starts_with(m))
            || (data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP"))
        {
            Some(Kind::Image)
        } else if data.starts_with(b"PK\x03\x04") {
            Some(match extension.as_str() {
                "docx" | "odt" => Kind::Document,
                "xlsx" | "ods" => Kind::Spreadsheet,
                _ => Kind::Archive,
            })
        } else if data.starts_with(b"\xd0\xcf\x11\xe0") {
            // An OLE compound file: DOC or XLS.
            Some(match extension.as_str() {
                "xls" => Kind::Spreadsheet,
                _ => Kind::Document,
            })
        } else if data.starts_with(b"{\\rtf") {
            Some(Kind::Document)
        } else {
            match extension.as_str() {
                "txt" => Some(Kind::Document),
                "csv" => Some(Kind::Spreadsheet),
                _ => None,
            }
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Image => "image",
            Kind::Document => "document",
            Kind::Spreadsheet => "spreadsheet",
            Kind::Archive => "archive",
        }
    }
}

pub(super) fn damaged(why: &str) -> Failure {
    (442, format!("{}: {why}", api::default_message(442)))
}

/// One input as a document to merge: a PDF opened (with the password if it is protected),
/// or, for `pdf/merge2`, a one-page PDF that names any other file.
fn document_of(
    data: &[u8],
    name: &str,
    password: Option<&str>,
    inputs: Inputs,
) -> Result<Document, Failure> {
    match Kind::of(data, name) {
        Some(Kind::Pdf) => open(data, password),
        Some(kind) if inputs == Inputs::Any => Ok(placeholder(name, kind)),
        Some(kind) => Err(damaged(&format!(
            "{name} is not a PDF but {} {}; pdf/merge2 takes other files",
            if kind == Kind::Image { "an" } else { "a" },
            kind.describe()
        ))),
        None => Err(damaged(&format!("{name} is not a PDF"))),
    }
}

/// Opens a PDF, decrypted when protected, with the reader conversions use
/// ([`pdf::load`]): 441 unless `password` (or the empty password) opens it, 442 when it
/// cannot be read.
pub(super) fn open(data: &[u8], password: Option<&str>) -> Result<Document, Failure> {
    pdf::load(data, password).map_err(|e| match e {
        PdfError::Password if password.is_some() => (441, api::default_message(441).to_string()),
        PdfError::Password => (
            441,
            "Invalid password: the document is password-protected".to_string(),
        ),
        PdfError::Damaged(why) => damaged(&why),
        PdfError::Unsupported(what) => damaged(&format!("cannot decrypt the document: {what}")),
    })
}

/// Reads a PDF's text with positions ([`pdf::read`]), or the failure PDF.co gives: 441 for a
/// missing or wrong password, 442 for a damaged input or one the reader cannot decode.
pub(super) fn read_text(data: &[u8], password: Option<&str>) -> Result<pdf::Document, Failure> {
    pdf::read(data, password).map_err(|e| match e {
        PdfError::Damaged(why) => damaged(&why),
        PdfError::Unsupported(what) => (
            442,
            format!("Cannot open the document: {what} is not supported"),
        ),
        PdfError::Password if password.is_some() => (441, api::default_message(441).to_string()),
        PdfError::Password => (
            441,
            "Invalid password: the document is password-protected".to_string(),
        ),
    })
}

/// A one-page US Letter PDF naming a file the emulator cannot convert.
fn placeholder(name: &str, kind: Kind) -> Document {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let latin = |text: &str| -> Vec<u8> {
        text.chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c as u8
                } else {
                    b'?'
                }
            })
            .collect()
    };
    let line = |y: i64, text: Vec<u8>| {
        vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![72.into(), y.into()]),
            Operation::new("Tj", vec![Object::string_literal(text)]),
            Operation::new("ET", vec![]),
        ]
    };
    let note = format!("{} file, not converted by the emulator", kind.describe());
    let mut operations = line(720, latin(name));
    operations.extend(line(700, latin(&note)));
    let content = Content { operations }.encode().unwrap_or_default();
    let content_id = doc.add_object(lopdf::Stream::new(dictionary! {}, content));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc
}

/// The page attributes a page inherits from its ancestors when it does not set them.
const INHERITED: [&[u8]; 4] = [b"MediaBox", b"CropBox", b"Resources", b"Rotate"];

/// Looks a page attribute up on the page, then on its ancestors.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return Some(value);
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// The documents' pages, in order, as one new PDF; and its page count.
fn merge_documents(docs: Vec<Document>) -> Result<(Vec<u8>, u32), Failure> {
    let mut out = Document::with_version("1.7");
    let pages_id = out.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    for mut doc in docs {
        doc.renumber_objects_with(out.max_id + 1);
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        // Each page takes along what it inherited from the tree it leaves.
        for &page_id in &pages {
            let Ok(page) = doc.get_dictionary(page_id) else {
                continue;
            };
            let carried: Vec<(&[u8], Object)> = INHERITED
                .iter()
                .filter(|key| page.get(key).is_err())
                .filter_map(|key| Some((*key, inherited(&doc, page, key)?.clone())))
                .collect();
            if let Ok(page) = doc.get_dictionary_mut(page_id) {
                for (key, value) in carried {
                    page.set(key, value);
                }
                page.set("Parent", pages_id);
            }
        }
        // Everything but the catalog and the old page tree moves over.
        let catalog = doc.trailer.get(b"Root").and_then(Object::as_reference).ok();
        let tree: HashSet<ObjectId> = doc
            .objects
            .iter()
            .filter(|(_, o)| o.type_name().is_ok_and(|t| t == b"Pages"))
            .map(|(id, _)| *id)
            .collect();
        let top = doc.objects.keys().map(|id| id.0).max().unwrap_or(0);
        for (id, object) in std::mem::take(&mut doc.objects) {
            if Some(id) != catalog && !tree.contains(&id) {
                out.objects.insert(id, object);
            }
        }
        out.max_id = out.max_id.max(top);
        kids.extend(pages.into_iter().map(Object::Reference));
    }
    let count = kids.len();
    out.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count as i64,
        }),
    );
    let catalog_id = out.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    out.trailer.set("Root", catalog_id);
    // The inputs' document information, outlines and the like go with their catalogs.
    out.prune_objects();
    let mut bytes = Vec::new();
    out.save_to(&mut bytes)
        .map_err(|e| (500, format!("Cannot write the merged document: {e}")))?;
    Ok((bytes, u32::try_from(count).unwrap_or(u32::MAX)))
}

/// A number as JSON: whole numbers without a fraction, as PDF.co writes them.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

fn as_number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// PDF.co's `PageRectangle` (a .NET `RectangleF`) of a page box `[llx lly urx ury]`.
fn rectangle(doc: &Document, page: &Dictionary) -> Value {
    let corners: Vec<f64> = ["CropBox", "MediaBox"]
        .iter()
        .find_map(|key| {
            let object = inherited(doc, page, key.as_bytes())?;
            let (_, object) = doc.dereference(object).ok()?;
            let values = object
                .as_array()
                .ok()?
                .iter()
                .map(|v| doc.dereference(v).ok().and_then(|(_, v)| as_number(v)))
                .collect::<Option<Vec<f64>>>()?;
            (values.len() == 4).then_some(values)
        })
        .unwrap_or_else(|| vec![0.0, 0.0, 612.0, 792.0]);
    let (x, y) = (corners[0].min(corners[2]), corners[1].min(corners[3]));
    let (width, height) = (
        (corners[2] - corners[0]).abs(),
        (corners[3] - corners[1]).abs(),
    );
    json!({
        "Location": { "IsEmpty": x == 0.0 && y == 0.0, "X": number(x), "Y": number(y) },
        "Size": format!("{}, {}", number(width), number(height)),
        "X": number(x),
        "Y": number(y),
        "Width": number(width),
        "Height": number(height),
        "Left": number(x),
        "Top": number(y),
        "Right": number(x + width),
        "Bottom": number(y + height),
        "IsEmpty": width == 0.0 && height == 0.0,
    })
}

/// A PDF date (`D:YYYYMMDDHHmmSS...`) as PDF.co writes dates: `8/15/2001 2:50:36 PM`, the
/// time as written in the file. Anything else comes back as it is.
fn pdf_date(text: &str) -> String {
    let digits = text.strip_prefix("D:").unwrap_or(text);
    let part = |range: std::ops::Range<usize>, default: u32| {
        digits
            .get(range)
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            .map_or(Some(default), |p| p.parse::<u32>().ok())
    };
    let year = digits
        .get(0..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()));
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        year,
        part(4..6, 1),
        part(6..8, 1),
        part(8..10, 0),
        part(10..12, 0),
        part(12..14, 0),
    ) else {
        return text.to_string();
    };
    let (hour12, half) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    format!("{month}/{day}/{year} {hour12}:{minute:02}:{second:02} {half}")
}

/// The entries of the catalog's `EmbeddedFiles` name tree.
fn embedded_files(doc: &Document) -> usize {
    fn count(doc: &Document, node: &Object, depth: usize) -> usize {
        let Some(node) = doc
            .dereference(node)
            .ok()
            .and_then(|(_, n)| n.as_dict().ok())
        else {
            return 0;
        };
        if depth > 32 {
            return 0;
        }
        let here = node
            .get(b"Names")
            .and_then(Object::as_array)
            .map_or(0, |names| names.len() / 2);
        let below: usize = node
            .get(b"Kids")
            .and_then(Object::as_array)
            .map_or(0, |kids| {
                kids.iter().map(|kid| count(doc, kid, depth + 1)).sum()
            });
        here + below
    }
    doc.catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Names").ok())
        .and_then(|names| doc.dereference(names).ok())
        .and_then(|(_, names)| names.as_dict().ok())
        .and_then(|names| names.get(b"EmbeddedFiles").ok())
        .map_or(0, |tree| count(doc, tree, 0))
}

/// PDF.co's name of the encryption of a loaded, decrypted document.
fn algorithm(state: &lopdf::EncryptionState) -> &'static str {
    match state.version() {
        1 => "RC4_40bit",
        2 | 3 if state.key_length().is_some_and(|bits| bits > 40) => "RC4_128bit",
        2 | 3 => "RC4_40bit",
        4 => {
            let filter = state.crypt_filters().get(state.default_stream_filter());
            match filter.map(|f| f.method()) {
                Some(b"AESV2") => "AES_128bit",
                Some(b"AESV3") => "AES_256bit",
                _ => "RC4_128bit",
            }
        }
        5 | 6 => "AES_256bit",
        _ => "Unknown",
    }
}

/// The `info` object of `pdf/info`, and the page count.
fn read_info(data: &[u8], password: Option<&str>) -> Result<(Value, u32), Failure> {
    let doc = open(data, password)?;
    let pages = doc.get_pages();
    let page_count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    let first = pages
        .values()
        .next()
        .and_then(|id| doc.get_dictionary(*id).ok());
    let rectangle = first.map_or(Value::Null, |page| rectangle(&doc, page));
    let properties = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| doc.dereference(info).ok())
        .and_then(|(_, info)| info.as_dict().ok());
    let text = |key: &str| -> String {
        properties
            .and_then(|info| info.get(key.as_bytes()).ok())
            .and_then(|value| doc.dereference(value).ok())
            .and_then(|(_, value)| lopdf::decode_text_string(value).ok())
            .unwrap_or_default()
    };
    let date = |key: &str| {
        let raw = text(key);
        if raw.is_empty() { raw } else { pdf_date(&raw) }
    };
    let state = doc.encryption_state.as_ref();
    // A protected file needs a password to open; one with only an owner password opens
    // without.
    let protected = state.is_some()
        && Document::load_mem(data).is_ok_and(|d| d.trailer.get(b"Encrypt").is_ok());
    let permissions = state.map_or(lopdf::Permissions::all(), |s| s.permissions());
    let allowed = |flag: lopdf::Permissions| permissions.contains(flag);
    let info = json!({
        "PageCount": page_count,
        "Author": text("Author"),
        "Title": text("Title"),
        "Producer": text("Producer"),
        "Subject": text("Subject"),
        "CreationDate": date("CreationDate"),
        "Bookmarks": "",
        "Keywords": text("Keywords"),
        "Creator": text("Creator"),
        "Encrypted": state.is_some(),
        "PasswordProtected": protected,
        "PageRectangle": rectangle,
        "ModificationDate": date("ModDate"),
        "EncryptionAlgorithm": state.map_or("None", algorithm),
        "PermissionPrinting": allowed(lopdf::Permissions::PRINTABLE),
        "PermissionModifyDocument": allowed(lopdf::Permissions::MODIFIABLE),
        "PermissionContentExtraction": allowed(lopdf::Permissions::COPYABLE),
        "PermissionModifyAnnotations": allowed(lopdf::Permissions::ANNOTABLE),
        "PermissionFillForms": allowed(lopdf::Permissions::FILLABLE),
        "PermissionAccessibility": allowed(lopdf::Permissions::COPYABLE_FOR_ACCESSIBILITY),
        "PermissionAssemble": allowed(lopdf::Permissions::ASSEMBLABLE),
        "PermissionHighQualityPrint": allowed(lopdf::Permissions::PRINTABLE_IN_HIGH_QUALITY),
        "EmbeddedFileCount": embedded_files(&doc),
    });
    Ok((info, page_count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_pdfco_writes_them() {
        assert_eq!(pdf_date("D:20010815145036+02'00'"), "8/15/2001 2:50:36 PM");
        assert_eq!(pdf_date("D:20200807001729Z"), "8/7/2020 12:17:29 AM");
        assert_eq!(pdf_date("D:2020"), "1/1/2020 12:00:00 AM");
        assert_eq!(pdf_date("yesterday"), "yesterday");
    }

    #[test]
    fn kinds_come_from_the_bytes_first() {
        assert_eq!(Kind::of(b"%PDF-1.4 ...", "a.png"), Some(Kind::Pdf));
        assert_eq!(Kind::of(b"\x89PNG\r\n", "a.pdf"), Some(Kind::Image));
        assert_eq!(Kind::of(b"PK\x03\x04..", "a.docx"), Some(Kind::Document));
        assert_eq!(Kind::of(b"PK\x03\x04..", "a.zip"), Some(Kind::Archive));
        assert_eq!(
            Kind::of(b"\xd0\xcf\x11\xe0..", "a.xls"),
            Some(Kind::Spreadsheet)
        );
        assert_eq!(Kind::of(b"a,b\n1,2\n", "a.csv"), Some(Kind::Spreadsheet));
        assert_eq!(Kind::of(b"plain text", "a.pdf"), None);
    }
}
