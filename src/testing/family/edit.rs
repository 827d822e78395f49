//! The emulator's Editing (`pdf/edit/*`: add content, replace or delete text, replace text
//! with an image, rotate, auto-rotate, delete pages) and OCR (`pdf/makesearchable`,
//! `pdf/makeunsearchable`): real PDFs read and written with lopdf, answered synchronously or
//! as jobs through the shared machinery (`edit::finish`).
//!
//! What each endpoint does here, and what it cannot do offline:
//! - `pdf/edit/rotate` adds `angle` to the `/Rotate` of the selected pages (0-based `pages`).
//! - `pdf/edit/delete-pages` removes the selected pages (1-based `pages`, `!1` the last); a
//!   selection of every page is refused with 400.
//! - `pdf/edit/add` draws each text annotation as real Helvetica text in the page content
//!   (`{{name}}` macros filled from `templateData`; form-field types are drawn as text too,
//!   no field is created); `annotationsString` takes `x;y;pages;text[;size]` entries joined by
//!   `|` (its other columns, and `imagesString`/`fieldsString`, are not read); each image is
//!   fetched (400 when it cannot be) and drawn as a one-pixel grey image XObject stretched to
//!   its box, a placeholder for the picture; `fields` sets the `/V` of the AcroForm fields of
//!   that name (a checkbox's `/V` and `/AS` for `true`/`false`), and names no field matches
//!   are ignored. Nothing at all to add is a 400.
//! - `pdf/edit/replace-text` and `pdf/edit/delete-text` rewrite the strings of `Tj`, `TJ`,
//!   `'` and `"` operators that contain a search string (one-byte fonts, read as Latin-1, as
//!   in the emulator's own PDFs): text split across several operators, two-byte (Type0) fonts
//!   and `regex` patterns (matched as plain text here) are not emulated; a `TJ` array that
//!   matches loses its kerning. `caseSensitive` (default true) and `replacementLimit` (per
//!   search string) are honoured.
//! - `pdf/edit/replace-text-with-image` deletes the text as above and draws the fetched
//!   image as the placeholder XObject over where the text was.
//! - `pdf/edit/rotate/auto` passes every page through unchanged (no OCR offline).
//! - `pdf/makesearchable` passes a PDF's text through (the emulator's PDFs have text
//!   already); an image input (PNG, JPEG) becomes a one-page PDF of the image's size in
//!   points, with the JPEG embedded as is and a PNG as the placeholder XObject, and no text
//!   (no OCR offline).
//! - `pdf/makeunsearchable` removes the text layer of the selected pages (it drops every
//!   text-showing operator) and draws a grey box where each text run was, the look of the
//!   emulator's page images, instead of PDF.co's rasterized page.

use std::time::Instant;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, dictionary};
use serde_json::Value;

use super::super::Core;
use super::super::api::{self, Params};
use super::super::edit::{self, Failure, Made};
use super::super::pdf;
use super::super::server::Reply;
use super::super::write;
use crate::Pages;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    if !matches!(method, "GET" | "POST") {
        return None;
    }
    let operation: EditFn = match path {
        "/v1/pdf/edit/add" => add,
        "/v1/pdf/edit/replace-text" => replace_text,
        "/v1/pdf/edit/replace-text-with-image" => replace_with_image,
        "/v1/pdf/edit/delete-text" => delete_text,
        "/v1/pdf/edit/rotate" => rotate,
        "/v1/pdf/edit/rotate/auto" => auto_rotate,
        "/v1/pdf/edit/delete-pages" => delete_pages,
        "/v1/pdf/makesearchable" => make_searchable,
        "/v1/pdf/makeunsearchable" => make_unsearchable,
        _ => return None,
    };
    Some(answer(core, params, operation))
}

/// What one endpoint does with its input: the input's bytes in, a PDF out.
type EditFn = fn(&Core, &Params, &[u8]) -> Result<Vec<u8>, Failure>;

/// Fetches the input, runs the endpoint and answers through the shared machinery, a credit
/// a page of the result.
fn answer(core: &Core, params: &Params, operation: EditFn) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return api::api_error(400, "Bad request: the url parameter is required");
    };
    let (data, input_name) = match api::fetch_input(core, input, params) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let made = operation(core, params, &data).map(|pdf| {
        let pages = Document::load_mem(&pdf).map_or(1, |d| d.get_pages().len());
        Made::file(
            pdf,
            "application/pdf",
            u32::try_from(pages).unwrap_or(u32::MAX),
        )
    });
    drop(data);
    let name = params.result_name(&input_name, "pdf");
    edit::finish(core, params, started, &name, made)
}

fn bad(message: impl Into<String>) -> Failure {
    (400, message.into())
}

fn save(mut doc: Document) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| (500, format!("cannot write the result: {e}")))?;
    Ok(out)
}

/// The input opened with the request's password.
fn open(params: &Params, data: &[u8]) -> Result<Document, Failure> {
    edit::open(data, params.get("password"))
}

/// The 0-based page indexes `pages` selects in a document of `count` pages (every page
/// when it is absent).
fn selected(params: &Params, count: usize) -> Result<Vec<usize>, Failure> {
    selection(params.get("pages").unwrap_or(""), count)
}

fn selection(text: &str, count: usize) -> Result<Vec<usize>, Failure> {
    let pages = Pages::parse(text).map_err(|e| bad(format!("Invalid page range: {e}")))?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    let indexes = pages
        .resolve(count)
        .map_err(|e| bad(format!("Invalid page range: {e}")))?;
    Ok(indexes.into_iter().map(|i| i as usize).collect())
}

/// A 1-based selection (`1`, `2-3`, `!1`, `*`) in the 0-based syntax: every number one
/// less; a zero is refused.
fn zero_based(text: &str) -> Result<String, Failure> {
    if text.trim() == "*" {
        return Ok(String::new());
    }
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| -> Result<(), Failure> {
        if !digits.is_empty() {
            let n: u64 = digits
                .parse()
                .map_err(|_| bad(format!("Invalid page range: {text}")))?;
            let n = n
                .checked_sub(1)
                .ok_or_else(|| bad(format!("Invalid page range: {text}: pages count from 1")))?;
            out.push_str(&n.to_string());
            digits.clear();
        }
        Ok(())
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out)?;
            out.push(c);
        }
    }
    flush(&mut digits, &mut out)?;
    Ok(out)
}

/// The page ids in page order.
fn page_ids(doc: &Document) -> Vec<ObjectId> {
    doc.get_pages().into_values().collect()
}

/// Looks a page attribute up on the page, then on its ancestors.
fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Option<Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return Some(match value {
                Object::Reference(id) => doc.get_object(*id).ok()?.clone(),
                other => other.clone(),
            });
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// A page's height in points (US Letter when unreadable).
fn page_height(doc: &Document, page: ObjectId) -> f64 {
    let media = inherited(doc, page, b"MediaBox");
    let values: Vec<f64> = media
        .as_ref()
        .and_then(|m| m.as_array().ok())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_float().ok())
                .map(f64::from)
                .collect()
        })
        .unwrap_or_default();
    match values.as_slice() {
        [_, y0, _, y1] => (y1 - y0).abs(),
        _ => write::LETTER.1,
    }
}

/// Gives `page` a resource: `category` (`Font`, `XObject`) `name` → `id`, on a direct copy
/// of the page's (possibly inherited or shared) resources, so other pages are unchanged.
fn add_resource(doc: &mut Document, page: ObjectId, category: &str, name: &str, id: ObjectId) {
    let mut resources = match inherited(doc, page, b"Resources") {
        Some(Object::Dictionary(dict)) => dict,
        _ => Dictionary::new(),
    };
    let mut entries = match resources.get(category.as_bytes()) {
        Ok(Object::Dictionary(dict)) => dict.clone(),
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
        _ => Dictionary::new(),
    };
    entries.set(name, id);
    resources.set(category, entries);
    if let Ok(page) = doc.get_dictionary_mut(page) {
        page.set("Resources", resources);
    }
}

/// Appends `operations` to a page's content, wrapped in `q`/`Q` so that the page's own
/// graphics state does not shift them.
fn append(doc: &mut Document, page: ObjectId, operations: Vec<Operation>) -> Result<(), Failure> {
    let mut all = vec![Operation::new("q", vec![])];
    all.extend(operations);
    all.push(Operation::new("Q", vec![]));
    let content = Content { operations: all }
        .encode()
        .map_err(|e| (500, format!("cannot write the page content: {e}")))?;
    // The page's own content is wrapped too, so its unbalanced state cannot leak into ours.
    let existing = doc.get_page_content(page).unwrap_or_default();
    let mut wrapped = b"q\n".to_vec();
    wrapped.extend_from_slice(&existing);
    wrapped.extend_from_slice(b"\nQ\n");
    wrapped.extend_from_slice(&content);
    let stream = doc.add_object(lopdf::Stream::new(dictionary! {}, wrapped));
    doc.get_dictionary_mut(page)
        .map_err(|e| edit::damaged(&e.to_string()))?
        .set("Contents", stream);
    Ok(())
}

/// The Helvetica font every added text uses, once per document.
fn helvetica(doc: &mut Document) -> ObjectId {
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    })
}

/// The resource name of the added font (unlikely to clash with a page's own).
const FONT: &str = "FPdfcoEdit";

/// Draws `text` at (`x`, `y`) from the page's top-left corner, `size` points high.
fn draw_text(
    doc: &mut Document,
    page: ObjectId,
    font: ObjectId,
    (x, y, size): (f64, f64, f64),
    text: &str,
) -> Result<(), Failure> {
    add_resource(doc, page, "Font", FONT, font);
    let baseline = page_height(doc, page) - y - size;
    let mut operations = write::text_at(x, baseline, size, text);
    for op in &mut operations {
        if op.operator == "Tf" {
            if let Some(name) = op.operands.first_mut() {
                *name = Object::Name(FONT.as_bytes().to_vec());
            }
        }
    }
    append(doc, page, operations)
}

/// The placeholder for a picture: one grey pixel, stretched to the box it is drawn in.
fn placeholder_image(doc: &mut Document) -> ObjectId {
    doc.add_object(lopdf::Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => 1,
            "Height" => 1,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        vec![0x80],
    ))
}

/// Draws image `image` in the box at (`x`, `y`) of `width` by `height`, from the page's
/// top-left corner.
fn draw_image(
    doc: &mut Document,
    page: ObjectId,
    image: ObjectId,
    (x, y, width, height): (f64, f64, f64, f64),
) -> Result<(), Failure> {
    let name = format!("ImPdfcoEdit{}", image.0);
    add_resource(doc, page, "XObject", &name, image);
    let bottom = page_height(doc, page) - y - height;
    append(
        doc,
        page,
        vec![
            Operation::new(
                "cm",
                vec![
                    width.into(),
                    0.into(),
                    0.into(),
                    height.into(),
                    x.into(),
                    bottom.into(),
                ],
            ),
            Operation::new("Do", vec![Object::Name(name.into_bytes())]),
        ],
    )
}

/// A JSON array parameter (`annotations`, `searchStrings`...), empty when absent.
fn array(params: &Params, name: &str) -> Result<Vec<Value>, Failure> {
    match params.get(name) {
        None => Ok(Vec::new()),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => Ok(items),
            _ => Err(bad(format!("Invalid {name}: expected a JSON array"))),
        },
    }
}

fn number_of(object: &Value, name: &str) -> Option<f64> {
    match object.get(name)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text_of(object: &Value, name: &str) -> Option<String> {
    match object.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `{{name}}` macros filled from `templateData`.
fn fill_macros(text: &str, data: &Value) -> String {
    let Some(values) = data.as_object() else {
        return text.to_string();
    };
    let mut out = text.to_string();
    for (name, value) in values {
        let value = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out = out.replace(&format!("{{{{{name}}}}}"), &value);
    }
    out
}

/// `pdf/edit/add`.
fn add(core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    let mut annotations = array(params, "annotations")?;
    if let Some(text) = params.get("annotationsstring") {
        for entry in text.split('|').filter(|e| !e.trim().is_empty()) {
            let columns: Vec<&str> = entry.split(';').collect();
            if columns.len() < 4 {
                return Err(bad("Invalid annotationsString: expected x;y;pages;text"));
            }
            let mut annotation = serde_json::json!({
                "x": columns[0], "y": columns[1], "pages": columns[2], "text": columns[3],
            });
            if let Some(size) = columns.get(4).filter(|s| !s.trim().is_empty()) {
                annotation["size"] = Value::from(*size);
            }
            annotations.push(annotation);
        }
    }
    let images = array(params, "images")?;
    let fields = array(params, "fields")?;
    if annotations.is_empty() && images.is_empty() && fields.is_empty() {
        return Err(bad(
            "Bad request: nothing to add (annotations, images or fields)",
        ));
    }
    let template = match params.get("templatedata") {
        Some(text) => serde_json::from_str(text)
            .map_err(|_| bad("Invalid templateData: expected a JSON object"))?,
        None => Value::Null,
    };
    // Every image is fetched first, as PDF.co does before it edits.
    for image in &images {
        let url = text_of(image, "url").unwrap_or_default();
        api::fetch_input(core, &url, params)?;
    }
    let mut doc = open(params, data)?;
    let pages = page_ids(&doc);
    let on_pages = |object: &Value| -> Result<Vec<usize>, Failure> {
        let text = text_of(object, "pages").unwrap_or_else(|| "0".to_string());
        selection(&text, pages.len())
    };
    if !annotations.is_empty() {
        let font = helvetica(&mut doc);
        for annotation in &annotations {
            let place = (
                number_of(annotation, "x").unwrap_or(0.0),
                number_of(annotation, "y").unwrap_or(0.0),
                number_of(annotation, "size").unwrap_or(12.0),
            );
            let text = fill_macros(&text_of(annotation, "text").unwrap_or_default(), &template);
            for index in on_pages(annotation)? {
                draw_text(&mut doc, pages[index], font, place, &text)?;
            }
        }
    }
    if !images.is_empty() {
        let image = placeholder_image(&mut doc);
        for stamp in &images {
            let place = (
                number_of(stamp, "x").unwrap_or(0.0),
                number_of(stamp, "y").unwrap_or(0.0),
                number_of(stamp, "width").unwrap_or(100.0),
                number_of(stamp, "height").unwrap_or(100.0),
            );
            for index in on_pages(stamp)? {
                draw_image(&mut doc, pages[index], image, place)?;
            }
        }
    }
    for field in &fields {
        let name = text_of(field, "fieldName").unwrap_or_default();
        let value = fill_macros(&text_of(field, "text").unwrap_or_default(), &template);
        fill_field(&mut doc, &name, &value);
    }
    save(doc)
}

/// Sets the value of every AcroForm field named `name` (its full name or its own `/T`).
fn fill_field(doc: &mut Document, name: &str, value: &str) {
    let form = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .cloned();
    let form = match form {
        Some(Object::Reference(id)) => doc.get_dictionary(id).ok().cloned(),
        Some(Object::Dictionary(dict)) => Some(dict),
        _ => None,
    };
    let Some(form) = form else { return };
    let mut stack: Vec<(ObjectId, String)> = form
        .get(b"Fields")
        .and_then(Object::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_reference().ok())
                .map(|id| (id, String::new()))
                .collect()
        })
        .unwrap_or_default();
    let mut matches = Vec::new();
    let mut seen = 0;
    while let Some((id, parent)) = stack.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        let Ok(field) = doc.get_dictionary(id) else {
            continue;
        };
        let own = field
            .get(b"T")
            .and_then(Object::as_str)
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .unwrap_or_default();
        let full = match (parent.is_empty(), own.is_empty()) {
            (true, _) => own.clone(),
            (false, true) => parent.clone(),
            (false, false) => format!("{parent}.{own}"),
        };
        if !own.is_empty() && (own == name || full == name) {
            matches.push(id);
        }
        if let Ok(kids) = field.get(b"Kids").and_then(Object::as_array) {
            stack.extend(
                kids.iter()
                    .filter_map(|k| k.as_reference().ok())
                    .map(|k| (k, full.clone())),
            );
        }
    }
    for id in matches {
        let Ok(field) = doc.get_dictionary_mut(id) else {
            continue;
        };
        let checkbox = field.get(b"FT").and_then(Object::as_name).ok() == Some(&b"Btn"[..]);
        if checkbox {
            let on = matches!(
                value.to_ascii_lowercase().as_str(),
                "true" | "yes" | "on" | "1"
            );
            let state = if on { "Yes" } else { "Off" };
            field.set("V", Object::Name(state.as_bytes().to_vec()));
            field.set("AS", Object::Name(state.as_bytes().to_vec()));
        } else {
            field.set("V", Object::string_literal(latin1(value)));
        }
    }
    // Viewers draw the new values themselves.
    if let Ok(catalog) = doc.catalog() {
        if let Ok(Object::Reference(id)) = catalog.get(b"AcroForm") {
            let id = *id;
            if let Ok(form) = doc.get_dictionary_mut(id) {
                form.set("NeedAppearances", true);
            }
        } else if let Ok(root) = doc.trailer.get(b"Root").and_then(Object::as_reference) {
            if let Ok(catalog) = doc.get_dictionary_mut(root) {
                if let Ok(Object::Dictionary(form)) = catalog.get_mut(b"AcroForm") {
                    form.set("NeedAppearances", true);
                }
            }
        }
    }
}

/// `text` as one-byte characters (Latin-1), `?` for what does not fit.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// The search options of the text edits.
struct Search {
    /// Each search string (as bytes) with its replacement and how many more it may make.
    pairs: Vec<(Vec<u8>, Vec<u8>, Option<u64>)>,
    case_sensitive: bool,
}

impl Search {
    /// `searchString` or `searchStrings` (with `replaceString(s)` when `replacing`).
    fn parse(params: &Params, replacing: bool) -> Result<Search, Failure> {
        let strings = |one: &str, many: &str| -> Result<Vec<String>, Failure> {
            let mut all: Vec<String> = array(params, many)?
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            if let Some(single) = params.get(one) {
                all.insert(0, single.to_string());
            }
            Ok(all)
        };
        let searches = strings("searchstring", "searchstrings")?;
        if searches.is_empty() || searches.iter().any(String::is_empty) {
            return Err(bad(
                "Bad request: the searchString (or searchStrings) parameter is required",
            ));
        }
        let replaces = if replacing {
            // A missing (or empty) replacement deletes the text.
            let mut replaces = strings("replacestring", "replacestrings")?;
            replaces.resize(searches.len(), String::new());
            replaces
        } else {
            vec![String::new(); searches.len()]
        };
        let limit = match params.get("replacementlimit") {
            Some(text) => text
                .trim()
                .parse::<u64>()
                .map_err(|_| bad("Invalid replacementLimit: expected a whole number"))?,
            None => 0,
        };
        let case_sensitive = params
            .get("casesensitive")
            .is_none_or(|v| !v.eq_ignore_ascii_case("false"));
        Ok(Search {
            pairs: searches
                .iter()
                .zip(&replaces)
                .map(|(s, r)| (latin1(s), latin1(r), (limit > 0).then_some(limit)))
                .collect(),
            case_sensitive,
        })
    }

    /// Replaces what it finds in `text`, counting down the limits; whether it changed.
    fn apply(&mut self, text: &mut Vec<u8>) -> bool {
        let mut changed = false;
        for (search, replace, left) in &mut self.pairs {
            let mut from = 0;
            while left.is_none_or(|n| n > 0) {
                let Some(at) = find(&text[from..], search, self.case_sensitive) else {
                    break;
                };
                let at = from + at;
                text.splice(at..at + search.len(), replace.iter().copied());
                from = at + replace.len();
                changed = true;
                if let Some(n) = left {
                    *n -= 1;
                }
            }
        }
        changed
    }
}

fn find(haystack: &[u8], needle: &[u8], case_sensitive: bool) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| {
        if case_sensitive {
            w == needle
        } else {
            w.eq_ignore_ascii_case(needle)
        }
    })
}

/// Rewrites the text-showing strings of the selected pages; the pages where something
/// changed.
fn rewrite_text(
    doc: &mut Document,
    params: &Params,
    search: &mut Search,
) -> Result<Vec<usize>, Failure> {
    let pages = page_ids(doc);
    let mut changed_pages = Vec::new();
    for index in selected(params, pages.len())? {
        let page = pages[index];
        let content = doc.get_page_content(page).unwrap_or_default();
        let Ok(mut content) = Content::decode(&content) else {
            continue;
        };
        let mut changed = false;
        for op in &mut content.operations {
            match op.operator.as_str() {
                "Tj" | "'" | "\"" => {
                    if let Some(Object::String(bytes, _)) = op.operands.last_mut() {
                        changed |= search.apply(bytes);
                    }
                }
                "TJ" => {
                    let Some(Object::Array(items)) = op.operands.first() else {
                        continue;
                    };
                    let mut joined: Vec<u8> = items
                        .iter()
                        .filter_map(|i| match i {
                            Object::String(b, _) => Some(b.clone()),
                            _ => None,
                        })
                        .flatten()
                        .collect();
                    if search.apply(&mut joined) {
                        op.operands = vec![Object::Array(vec![Object::string_literal(joined)])];
                        changed = true;
                    }
                }
                _ => {}
            }
        }
        if changed {
            let bytes = content
                .encode()
                .map_err(|e| (500, format!("cannot write the page content: {e}")))?;
            let stream = doc.add_object(lopdf::Stream::new(dictionary! {}, bytes));
            doc.get_dictionary_mut(page)
                .map_err(|e| edit::damaged(&e.to_string()))?
                .set("Contents", stream);
            changed_pages.push(index);
        }
    }
    Ok(changed_pages)
}

/// `pdf/edit/replace-text`.
fn replace_text(_core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    let mut search = Search::parse(params, true)?;
    let mut doc = open(params, data)?;
    rewrite_text(&mut doc, params, &mut search)?;
    let pdf = save(doc)?;
    if params.flag("makeunsearchable") {
        return unsearchable(params, &pdf, None);
    }
    Ok(pdf)
}

/// `pdf/edit/delete-text`.
fn delete_text(_core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    let mut search = Search::parse(params, false)?;
    let mut doc = open(params, data)?;
    rewrite_text(&mut doc, params, &mut search)?;
    save(doc)
}

/// `pdf/edit/replace-text-with-image`: the text deleted, the image drawn over each run
/// that held it.
fn replace_with_image(core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    let Some(image_url) = params.get("replaceimage") else {
        return Err(bad("Bad request: the replaceImage parameter is required"));
    };
    api::fetch_input(core, image_url, params)?;
    let mut search = Search::parse(params, false)?;
    // Where the text is, before it goes: the runs holding a search string.
    let text = pdf::read(data, params.get("password")).ok();
    let mut doc = open(params, data)?;
    let changed = rewrite_text(&mut doc, params, &mut search)?;
    let pages = page_ids(&doc);
    let image = placeholder_image(&mut doc);
    let needles: Vec<String> = search_strings(params);
    for index in changed {
        let runs = text
            .as_ref()
            .and_then(|t| t.pages.get(index))
            .map(|p| p.rows.iter().flatten().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        for run in runs.iter().filter(|r| {
            needles
                .iter()
                .any(|n| r.text.to_lowercase().contains(&n.to_lowercase()))
        }) {
            let place = (run.x, run.y, run.width.max(1.0), run.height.max(1.0));
            draw_image(&mut doc, pages[index], image, place)?;
        }
    }
    save(doc)
}

fn search_strings(params: &Params) -> Vec<String> {
    let mut all: Vec<String> = array(params, "searchstrings")
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    if let Some(one) = params.get("searchstring") {
        all.push(one.to_string());
    }
    all
}

/// `pdf/edit/rotate`.
fn rotate(_core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    let Some(angle) = params.get("angle") else {
        return Err(bad("Bad request: the angle parameter is required"));
    };
    let angle: i64 = match angle.trim().parse::<f64>() {
        Ok(a) if a.fract() == 0.0 && (a as i64) % 90 == 0 => a as i64,
        _ => return Err(bad("Invalid angle: expected 90, 180 or 270")),
    };
    let mut doc = open(params, data)?;
    let pages = page_ids(&doc);
    for index in selected(params, pages.len())? {
        let page = pages[index];
        let current = inherited(&doc, page, b"Rotate")
            .and_then(|r| r.as_i64().ok())
            .unwrap_or(0);
        let turned = (current + angle).rem_euclid(360);
        doc.get_dictionary_mut(page)
            .map_err(|e| edit::damaged(&e.to_string()))?
            .set("Rotate", turned);
    }
    save(doc)
}

/// `pdf/edit/rotate/auto`: the pages as they are (there is no OCR offline).
fn auto_rotate(_core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    save(open(params, data)?)
}

/// `pdf/edit/delete-pages`, 1-based.
fn delete_pages(_core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    let Some(pages_text) = params.get("pages") else {
        return Err(bad("Bad request: the pages parameter is required"));
    };
    let zero = zero_based(pages_text)?;
    let mut doc = open(params, data)?;
    let pages = page_ids(&doc);
    let mut doomed = selection(&zero, pages.len())?;
    doomed.sort_unstable();
    doomed.dedup();
    if doomed.len() >= pages.len() {
        return Err(bad("Cannot delete every page of the document"));
    }
    for index in doomed {
        remove_page(&mut doc, pages[index]);
    }
    doc.prune_objects();
    save(doc)
}

/// Takes a page out of its parent's `Kids` and the counts above it.
fn remove_page(doc: &mut Document, page: ObjectId) {
    let mut parent = doc
        .get_dictionary(page)
        .and_then(|p| p.get(b"Parent"))
        .and_then(Object::as_reference)
        .ok();
    if let Some(id) = parent {
        if let Ok(Object::Array(kids)) = doc
            .get_dictionary_mut(id)
            .and_then(|node| node.get_mut(b"Kids"))
        {
            kids.retain(|k| k.as_reference().ok() != Some(page));
        }
    }
    for _ in 0..64 {
        let Some(id) = parent else { break };
        let Ok(node) = doc.get_dictionary_mut(id) else {
            break;
        };
        if let Ok(count) = node.get(b"Count").and_then(Object::as_i64) {
            node.set("Count", (count - 1).max(0));
        }
        parent = node.get(b"Parent").and_then(Object::as_reference).ok();
    }
    doc.objects.remove(&page);
}

/// `pdf/makesearchable`: a PDF's text passes through; an image becomes a one-page PDF.
fn make_searchable(_core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    if pdf::is_pdf(data) {
        let doc = open(params, data)?;
        selected(params, doc.get_pages().len())?;
        return save(doc);
    }
    image_pdf(data)
}

/// A one-page PDF of an image, the page the image's size (one point a pixel).
fn image_pdf(data: &[u8]) -> Result<Vec<u8>, Failure> {
    let (stream, size) = if data.starts_with(b"\x89PNG\r\n\x1a\n") && data.len() >= 24 {
        let side = |at: usize| {
            let bytes = [data[at], data[at + 1], data[at + 2], data[at + 3]];
            f64::from(u32::from_be_bytes(bytes).clamp(1, 4000))
        };
        (None, (side(16), side(20)))
    } else if data.starts_with(b"\xff\xd8\xff") {
        let (width, height) = jpeg_size(data).unwrap_or((612, 792));
        let stream = lopdf::Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => i64::from(width),
                "Height" => i64::from(height),
                "ColorSpace" => "DeviceRGB",
                "BitsPerComponent" => 8,
                "Filter" => "DCTDecode",
            },
            data.to_vec(),
        );
        (Some(stream), (f64::from(width), f64::from(height)))
    } else {
        return Err(edit::damaged(
            "the input is neither a PDF nor a PNG or JPEG image",
        ));
    };
    let mut doc = write::text_document(&[], size);
    let page = page_ids(&doc)[0];
    let image = match stream {
        Some(stream) => doc.add_object(stream),
        None => placeholder_image(&mut doc),
    };
    draw_image(&mut doc, page, image, (0.0, 0.0, size.0, size.1))?;
    save(doc)
}

/// The size of a baseline or progressive JPEG, from its start-of-frame marker.
fn jpeg_size(data: &[u8]) -> Option<(u16, u16)> {
    let mut at = 2;
    while at + 9 < data.len() {
        if data[at] != 0xFF {
            return None;
        }
        let marker = data[at + 1];
        let length = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        if matches!(marker, 0xC0..=0xC3) {
            let height = u16::from_be_bytes([data[at + 5], data[at + 6]]);
            let width = u16::from_be_bytes([data[at + 7], data[at + 8]]);
            return Some((width.max(1), height.max(1)));
        }
        at += 2 + length;
    }
    None
}

/// `pdf/makeunsearchable`.
fn make_unsearchable(_core: &Core, params: &Params, data: &[u8]) -> Result<Vec<u8>, Failure> {
    unsearchable(params, data, params.get("password"))
}

/// Drops the text-showing operators of the selected pages and draws a grey box where each
/// text run was.
fn unsearchable(params: &Params, data: &[u8], password: Option<&str>) -> Result<Vec<u8>, Failure> {
    let text = pdf::read(data, password).ok();
    let mut doc = edit::open(data, password)?;
    let pages = page_ids(&doc);
    for index in selected(params, pages.len())? {
        let page = pages[index];
        let content = doc.get_page_content(page).unwrap_or_default();
        let Ok(mut content) = Content::decode(&content) else {
            continue;
        };
        content
            .operations
            .retain(|op| !matches!(op.operator.as_str(), "Tj" | "TJ" | "'" | "\""));
        let height = page_height(&doc, page);
        let runs = text
            .as_ref()
            .and_then(|t| t.pages.get(index))
            .map(|p| p.rows.iter().flatten().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        content.operations.push(Operation::new("q", vec![]));
        content
            .operations
            .push(Operation::new("g", vec![Object::Real(0.376)]));
        for run in runs.iter().filter(|r| !r.text.trim().is_empty()) {
            let bottom = height - run.y - run.height;
            content.operations.push(Operation::new(
                "re",
                vec![
                    run.x.into(),
                    bottom.into(),
                    run.width.into(),
                    run.height.into(),
                ],
            ));
            content.operations.push(Operation::new("f", vec![]));
        }
        content.operations.push(Operation::new("Q", vec![]));
        let bytes = content
            .encode()
            .map_err(|e| (500, format!("cannot write the page content: {e}")))?;
        let stream = doc.add_object(lopdf::Stream::new(dictionary! {}, bytes));
        doc.get_dictionary_mut(page)
            .map_err(|e| edit::damaged(&e.to_string()))?
            .set("Contents", stream);
    }
    save(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_based_selections_become_zero_based() {
        assert_eq!(zero_based("1,3-4").unwrap(), "0,2-3");
        assert_eq!(zero_based("!1").unwrap(), "!0");
        assert_eq!(zero_based("2-").unwrap(), "1-");
        assert_eq!(zero_based("*").unwrap(), "");
        assert!(zero_based("0").is_err());
    }

    #[test]
    fn search_honours_case_and_limits() {
        let mut search = Search {
            pairs: vec![(b"ab".to_vec(), b"X".to_vec(), Some(2))],
            case_sensitive: false,
        };
        let mut text = b"AB ab aB".to_vec();
        assert!(search.apply(&mut text));
        assert_eq!(text, b"X X aB");
        assert!(!search.apply(&mut b"ab".to_vec()), "the limit is spent");
    }

    #[test]
    fn macros_are_filled() {
        let data = serde_json::json!({ "name": "Jane", "n": 2 });
        assert_eq!(fill_macros("Dear {{name}} x{{n}}", &data), "Dear Jane x2");
    }
}
