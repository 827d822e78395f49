//! The emulator's reading of documents: form fields (`pdf/info/fields`), text and table
//! search (`pdf/find`, `pdf/find/table`) and attachments (`pdf/attachments/extract`), each
//! derived from the input PDF, synchronously or as a job (`pdf/info` is in `edit.rs`).
//!
//! What the emulator does, and what it cannot reproduce:
//!
//! - `pdf/info/fields` reads the AcroForm's fields with lopdf: full names, values, the page of
//!   each widget (its `/P`, else the page whose `/Annots` holds it) and its rectangle in
//!   PDF.co's top-left coordinates. The `Type` names (`EditBox`, `CheckBox`, `RadioButton`,
//!   `PushButton`, `ComboBox`, `ListBox`, `Signature`) are the emulator's reading of PDF.co's
//!   naming, not checked against PDF.co.
//! - `pdf/find` searches each row of text as the emulator's reader groups it (runs joined by
//!   one space), so a phrase that spans rows is not found. `wordMatchingMode`: `None` finds
//!   the string anywhere, `ExactMatch` only as whole words, `SmartMatch` (the default) where
//!   it starts a word. `caseSensitive` defaults to true. `regexSearch` takes a subset of
//!   regular expressions: literals, `.`, `\d \w \s` (and `\D \W \S`), escaped characters,
//!   classes such as `[0-9A-Fa-f]` and `[^ ]`, the quantifiers `* + ? {n} {n,} {n,m}`
//!   (greedy), and `^`/`$`; groups and alternation are refused with 400. A hit's position
//!   inside a run is estimated from its characters' share of the run's width; each element
//!   is a run the hit spans. Fonts' colours are always black.
//! - `pdf/find/table` reports, per page, each stretch of two or more consecutive rows that
//!   have two or more columns as one table (`PageIndex`, `rect` as `"x, y, width, height"`
//!   from the top left); PDF.co's detection `profiles` are not applied.
//! - `pdf/attachments/extract` returns each file of the `/EmbeddedFiles` name tree as a
//!   result file. For a document without attachments it answers success with an empty
//!   `urls` list (PDF.co does not document that case). With `outputDataFormat: base64` each
//!   file comes as its base64 text.

use std::time::Instant;

use lopdf::{Dictionary, Document, Object, ObjectId};
use serde_json::{Map, Value, json};

use super::super::Core;
use super::super::api::{self, Params};
use super::super::edit::{self, Failure, Made};
use super::super::pdf;
use super::super::server::Reply;
use crate::Pages;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    if !matches!(method, "GET" | "POST") {
        return None;
    }
    let endpoint: fn(&[u8], &Params) -> Result<Made, Failure> = match path {
        "/v1/pdf/info/fields" => fields,
        "/v1/pdf/find" => find,
        "/v1/pdf/find/table" => tables,
        "/v1/pdf/attachments/extract" => attachments,
        _ => return None,
    };
    Some(answer(core, params, endpoint))
}

/// Fetches the input, makes the result and answers with it (at once or as a job).
fn answer(
    core: &Core,
    params: &Params,
    endpoint: fn(&[u8], &Params) -> Result<Made, Failure>,
) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return api::api_error(400, "Bad request: the url parameter is required");
    };
    if let Err((code, message)) = check(params) {
        return api::api_error(code, &message);
    }
    let (data, input_name) = match api::fetch_input(core, input, params) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let made = endpoint(&data, params);
    drop(data);
    let name = params.result_name(&input_name, "json");
    edit::finish(core, params, started, &name, made)
}

/// The checks PDF.co makes before it reads the input.
fn check(params: &Params) -> Result<(), Failure> {
    if let Some(pages) = params.get("pages") {
        Pages::parse(pages).map_err(|e| (400, format!("Invalid page range: {e}")))?;
    }
    if let Some(profiles) = params.get("profiles").filter(|p| !p.trim().is_empty()) {
        if serde_json::from_str::<Value>(&profiles.replace('\'', "\"")).is_err() {
            return Err((444, "Profiles parsing error".to_string()));
        }
    }
    Ok(())
}

/// The page indexes `pages` selects of `count`.
fn selected(params: &Params, count: usize) -> Result<Vec<u32>, Failure> {
    let pages = Pages::parse(params.get("pages").unwrap_or(""))
        .map_err(|e| (400, format!("Invalid page range: {e}")))?;
    pages
        .resolve(u32::try_from(count).unwrap_or(u32::MAX))
        .map_err(|e| (400, format!("Invalid page range: {e}")))
}

/// A number as JSON: whole numbers without a fraction, others rounded to 1/1000.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        Value::from(value as i64)
    } else {
        Value::from((value * 1000.0).round() / 1000.0)
    }
}

/// PDF.co's `bounds` object (a .NET `RectangleF`, camel-cased as `pdf/find` writes it).
fn bounds(left: f64, top: f64, width: f64, height: f64) -> Value {
    json!({
        "location": { "isEmpty": left == 0.0 && top == 0.0, "x": number(left), "y": number(top) },
        "size": format!("{}, {}", number(width), number(height)),
        "x": number(left),
        "y": number(top),
        "width": number(width),
        "height": number(height),
        "left": number(left),
        "top": number(top),
        "right": number(left + width),
        "bottom": number(top + height),
        "isEmpty": width == 0.0 && height == 0.0,
    })
}

// ---------------------------------------------------------------------------------------
// pdf/info/fields

/// `pdf/info/fields`: the AcroForm's fields, in `info.FieldsInfo.Fields`.
fn fields(data: &[u8], params: &Params) -> Result<Made, Failure> {
    let doc = edit::open(data, params.get("password"))?;
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut found = Vec::new();
    let roots = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|f| deref_dict(&doc, f))
        .and_then(|f| f.get(b"Fields").ok())
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_array().ok())
        .cloned()
        .unwrap_or_default();
    for root in &roots {
        walk_field(&doc, &pages, root, &Inherited::default(), 0, &mut found);
    }
    let count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    let info = json!({ "PageCount": count, "FieldsInfo": { "Fields": found } });
    Ok(Made::data("info", info, count))
}

fn deref_dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    doc.dereference(object).ok()?.1.as_dict().ok()
}

/// What a field takes from its ancestors: its name's start and the inheritable entries.
#[derive(Clone, Default)]
struct Inherited {
    name: String,
    kind: Option<Vec<u8>>,
    value: Option<Object>,
    flags: i64,
}

/// Adds the field at `node` (and its descendants) to `out`.
fn walk_field(
    doc: &Document,
    pages: &[ObjectId],
    node: &Object,
    parent: &Inherited,
    depth: usize,
    out: &mut Vec<Value>,
) {
    if depth > 32 {
        return;
    }
    let id = node.as_reference().ok();
    let Some(dict) = deref_dict(doc, node) else {
        return;
    };
    let mut here = parent.clone();
    if let Some(part) = dict
        .get(b"T")
        .ok()
        .and_then(|t| lopdf::decode_text_string(t).ok())
    {
        here.name = if parent.name.is_empty() {
            part
        } else {
            format!("{}.{part}", parent.name)
        };
    }
    if let Ok(kind) = dict.get(b"FT").and_then(Object::as_name) {
        here.kind = Some(kind.to_vec());
    }
    if let Ok(value) = dict.get(b"V") {
        here.value = doc.dereference(value).ok().map(|(_, v)| v.clone());
    }
    if let Ok(flags) = dict.get(b"Ff").and_then(Object::as_i64) {
        here.flags = flags;
    }
    let kids: Vec<&Object> = dict
        .get(b"Kids")
        .ok()
        .and_then(|k| doc.dereference(k).ok())
        .and_then(|(_, k)| k.as_array().ok())
        .map(|k| k.iter().collect())
        .unwrap_or_default();
    let child_fields: Vec<&Object> = kids
        .iter()
        .copied()
        .filter(|k| deref_dict(doc, k).is_some_and(|d| d.has(b"T")))
        .collect();
    if !child_fields.is_empty() {
        for kid in child_fields {
            walk_field(doc, pages, kid, &here, depth + 1, out);
        }
        return;
    }
    // A terminal field: its widget is itself, or its first kid.
    let widget = if dict.has(b"Rect") {
        id.map(|id| (id, dict))
    } else {
        kids.first()
            .and_then(|k| Some((k.as_reference().ok()?, deref_dict(doc, k)?)))
    };
    out.push(field_json(doc, pages, &here, dict, widget));
}

/// One field as PDF.co lists it.
fn field_json(
    doc: &Document,
    pages: &[ObjectId],
    field: &Inherited,
    dict: &Dictionary,
    widget: Option<(ObjectId, &Dictionary)>,
) -> Value {
    let kind = match field.kind.as_deref() {
        Some(b"Tx") => "EditBox",
        Some(b"Btn") if field.flags & (1 << 16) != 0 => "PushButton",
        Some(b"Btn") if field.flags & (1 << 15) != 0 => "RadioButton",
        Some(b"Btn") => "CheckBox",
        Some(b"Ch") if field.flags & (1 << 17) != 0 => "ComboBox",
        Some(b"Ch") => "ListBox",
        Some(b"Sig") => "Signature",
        _ => "Unknown",
    };
    let value = match &field.value {
        Some(Object::Name(name)) => String::from_utf8_lossy(name).into_owned(),
        Some(Object::Array(items)) => items
            .iter()
            .filter_map(|i| lopdf::decode_text_string(i).ok())
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => lopdf::decode_text_string(other).unwrap_or_default(),
        None => String::new(),
    };
    let page = widget.and_then(|(id, widget)| page_of(doc, pages, id, widget));
    let height = page
        .and_then(|p| pages.get(p))
        .and_then(|id| page_height(doc, *id))
        .unwrap_or(792.0);
    let rect: Option<[f64; 4]> = widget
        .and_then(|(_, w)| w.get(b"Rect").ok())
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_array().ok())
        .and_then(|r| {
            let values: Vec<f64> = r
                .iter()
                .filter_map(|v| v.as_float().ok().map(f64::from))
                .collect();
            <[f64; 4]>::try_from(values).ok()
        });
    let [left, top, width, height] = rect.map_or([0.0; 4], |[x1, y1, x2, y2]| {
        let (left, right) = (x1.min(x2), x1.max(x2));
        let (bottom, upper) = (y1.min(y2), y1.max(y2));
        [left, height - upper, right - left, upper - bottom]
    });
    let alt = dict
        .get(b"TU")
        .ok()
        .and_then(|t| lopdf::decode_text_string(t).ok())
        .unwrap_or_default();
    json!({
        "FieldName": field.name,
        "Type": kind,
        "Value": value,
        "PageIndex": page.unwrap_or(0),
        "Left": number(left),
        "Top": number(top),
        "Width": number(width),
        "Height": number(height),
        "AltFieldName": alt,
    })
}

/// The index of the page a widget is on: its `/P`, else the page that lists it.
fn page_of(doc: &Document, pages: &[ObjectId], id: ObjectId, widget: &Dictionary) -> Option<usize> {
    if let Ok(page) = widget.get(b"P").and_then(Object::as_reference) {
        if let Some(index) = pages.iter().position(|p| *p == page) {
            return Some(index);
        }
    }
    pages.iter().position(|page| {
        doc.get_dictionary(*page)
            .ok()
            .and_then(|p| p.get(b"Annots").ok())
            .and_then(|a| doc.dereference(a).ok())
            .and_then(|(_, a)| a.as_array().ok())
            .is_some_and(|annots| {
                annots
                    .iter()
                    .any(|a| a.as_reference().is_ok_and(|r| r == id))
            })
    })
}

/// A page's height from its media box, set on it or inherited.
fn page_height(doc: &Document, page: ObjectId) -> Option<f64> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..32 {
        if let Ok(media) = node.get(b"MediaBox") {
            let values: Vec<f64> = doc
                .dereference(media)
                .ok()?
                .1
                .as_array()
                .ok()?
                .iter()
                .filter_map(|v| v.as_float().ok().map(f64::from))
                .collect();
            return match values[..] {
                [_, y1, _, y2] => Some((y2 - y1).abs()),
                _ => None,
            };
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

// ---------------------------------------------------------------------------------------
// pdf/find

/// How the search string must sit among words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Words {
    Anywhere,
    Whole,
    Start,
}

/// `pdf/find`: each hit with its place; inline in `body`, else a JSON file.
fn find(data: &[u8], params: &Params) -> Result<Made, Failure> {
    let search = params.get("searchstring").ok_or((
        400,
        "Bad request: the searchString parameter is required".to_string(),
    ))?;
    let words = match params.get("wordmatchingmode").map(str::trim) {
        None | Some("SmartMatch") => Words::Start,
        Some("ExactMatch") => Words::Whole,
        Some("None") => Words::Anywhere,
        Some(_) => {
            return Err((
                400,
                "Invalid parameter: wordMatchingMode must be SmartMatch, ExactMatch or None"
                    .to_string(),
            ));
        }
    };
    let case = !params
        .get("casesensitive")
        .is_some_and(|c| c.trim().eq_ignore_ascii_case("false"));
    let pattern = if params.flag("regexsearch") {
        Pattern::regex(search).map_err(|why| (400, format!("Invalid regular expression: {why}")))?
    } else {
        Pattern::literal(search)
    };
    let doc = edit::read_text(data, params.get("password"))?;
    let indexes = selected(params, doc.pages.len())?;
    let mut hits = Vec::new();
    for &index in &indexes {
        let Some(page) = doc.pages.get(index as usize) else {
            continue;
        };
        for row in &page.rows {
            find_in_row(row, index, &pattern, words, case, &mut hits);
        }
    }
    let count = u32::try_from(indexes.len()).unwrap_or(u32::MAX);
    let hits = Value::Array(hits);
    if params.flag("inline") {
        Ok(Made::data("body", hits, count))
    } else {
        let bytes = serde_json::to_vec_pretty(&hits).unwrap_or_default();
        Ok(Made::file(bytes, "application/json", count))
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Adds the hits in one row of runs, joined by single spaces, to `out`.
fn find_in_row(
    row: &[pdf::Run],
    page: u32,
    pattern: &Pattern,
    words: Words,
    case: bool,
    out: &mut Vec<Value>,
) {
    // The row's characters, and where each run starts among them.
    let mut line: Vec<char> = Vec::new();
    let mut starts = Vec::with_capacity(row.len());
    for (i, run) in row.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        starts.push(line.len());
        line.extend(run.text.chars());
    }
    let folded: Vec<char> = if case {
        line.clone()
    } else {
        line.iter().map(|c| fold(*c)).collect()
    };
    let starts_word = |s: usize| s == 0 || !is_word(line[s - 1]) || !is_word(line[s]);
    let ends_word = |e: usize| e == line.len() || !is_word(line[e]) || !is_word(line[e - 1]);
    let mut at = 0;
    while at < line.len() {
        let end = pattern
            .match_at(&folded, at, case)
            .filter(|&end| end > at)
            .filter(|&end| match words {
                Words::Anywhere => true,
                Words::Start => starts_word(at),
                Words::Whole => starts_word(at) && ends_word(end),
            });
        let Some(end) = end else {
            at += 1;
            continue;
        };
        out.push(hit(row, &starts, &line, at, end, page));
        at = end;
    }
}

/// One hit: the characters `start..end` of the row's line.
fn hit(
    row: &[pdf::Run],
    starts: &[usize],
    line: &[char],
    start: usize,
    end: usize,
    page: u32,
) -> Value {
    let mut left = f64::MAX;
    let mut right = f64::MIN;
    let mut top = f64::MAX;
    let mut bottom = f64::MIN;
    let mut elements = Vec::new();
    for (i, run) in row.iter().enumerate() {
        let from = starts[i];
        let len = run.text.chars().count();
        let to = from + len;
        if to <= start || from >= end || len == 0 {
            continue;
        }
        let share = |at: usize| run.width * (at.clamp(from, to) - from) as f64 / len as f64;
        left = left.min(run.x + share(start));
        right = right.max(run.x + share(end));
        top = top.min(run.y);
        bottom = bottom.max(run.y + run.height);
        let style = run.font_style.as_deref().unwrap_or("");
        elements.push(json!({
            "index": elements.len(),
            "left": number(run.x),
            "top": number(run.y),
            "width": number(run.width),
            "height": number(run.height),
            "angle": 0,
            "text": run.text,
            "isNewLine": elements.is_empty(),
            "fontIsBold": style.contains("Bold"),
            "fontIsItalic": style.contains("Italic"),
            "fontName": run.font_name,
            "fontSize": number(run.font_size),
            "fontColor": "0, 0, 0",
            "fontColorAsOleColor": 0,
            "fontColorAsHtmlColor": "#000000",
            "bounds": bounds(run.x, run.y, run.width, run.height),
        }));
    }
    if elements.is_empty() {
        (left, right, top, bottom) = (0.0, 0.0, 0.0, 0.0);
    }
    let text: String = line[start..end].iter().collect();
    json!({
        "text": text,
        "left": number(left),
        "top": number(top),
        "width": number(right - left),
        "height": number(bottom - top),
        "pageIndex": page,
        "bounds": bounds(left, top, right - left, bottom - top),
        "elementCount": elements.len(),
        "elements": elements,
    })
}

/// A character without case (its first lower-case form), so that positions stay put.
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// What one position of a pattern matches.
#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Char(char),
    Any,
    /// Ranges of characters (a single character is a range of one); negated or not.
    Class(Vec<(char, char)>, bool),
    Digit(bool),
    Word(bool),
    Space(bool),
}

impl Atom {
    fn matches(&self, c: char, case: bool) -> bool {
        let c_folded = if case { c } else { fold(c) };
        match self {
            Atom::Char(expected) => {
                let expected = if case { *expected } else { fold(*expected) };
                c_folded == expected
            }
            Atom::Any => c != '\n',
            Atom::Class(ranges, negated) => {
                let inside = ranges.iter().any(|&(lo, hi)| {
                    (lo..=hi).contains(&c)
                        || (!case
                            && ((lo..=hi).contains(&c_folded) || {
                                let upper = c.to_uppercase().next().unwrap_or(c);
                                (lo..=hi).contains(&upper)
                            }))
                });
                inside != *negated
            }
            Atom::Digit(negated) => c.is_ascii_digit() != *negated,
            Atom::Word(negated) => is_word(c) != *negated,
            Atom::Space(negated) => c.is_whitespace() != *negated,
        }
    }
}

/// One step of a pattern: an atom repeated `min` to `max` times (greedy).
#[derive(Clone, Debug, PartialEq)]
struct Step {
    atom: Atom,
    min: usize,
    max: usize,
}

/// A search pattern: a literal string, or the emulator's subset of regular expressions.
#[derive(Clone, Debug, PartialEq)]
struct Pattern {
    steps: Vec<Step>,
    anchored_start: bool,
    anchored_end: bool,
}

impl Pattern {
    fn literal(text: &str) -> Pattern {
        Pattern {
            steps: text
                .chars()
                .map(|c| Step {
                    atom: Atom::Char(c),
                    min: 1,
                    max: 1,
                })
                .collect(),
            anchored_start: false,
            anchored_end: false,
        }
    }

    fn regex(text: &str) -> Result<Pattern, String> {
        let chars: Vec<char> = text.chars().collect();
        let mut steps: Vec<Step> = Vec::new();
        let mut anchored_start = false;
        let mut anchored_end = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            let atom = match c {
                '^' if steps.is_empty() && !anchored_start => {
                    anchored_start = true;
                    continue;
                }
                '$' if i == chars.len() => {
                    anchored_end = true;
                    continue;
                }
                '(' | ')' | '|' => {
                    return Err(format!("`{c}` is not supported by the emulator"));
                }
                '*' | '+' | '?' | '{' => {
                    let Some(last) = steps.last_mut() else {
                        return Err(format!("nothing to repeat before `{c}`"));
                    };
                    if last.min != 1 || last.max != 1 {
                        return Err("a quantifier cannot follow another".to_string());
                    }
                    let (min, max) = match c {
                        '*' => (0, usize::MAX),
                        '+' => (1, usize::MAX),
                        '?' => (0, 1),
                        _ => {
                            let close = chars[i..]
                                .iter()
                                .position(|&c| c == '}')
                                .ok_or("unclosed `{`")?;
                            let inner: String = chars[i..i + close].iter().collect();
                            i += close + 1;
                            let number = |s: &str| {
                                s.trim()
                                    .parse::<usize>()
                                    .map_err(|_| format!("bad repetition `{{{inner}}}`"))
                            };
                            match inner.split_once(',') {
                                None => {
                                    let n = number(&inner)?;
                                    (n, n)
                                }
                                Some((lo, "")) => (number(lo)?, usize::MAX),
                                Some((lo, hi)) => (number(lo)?, number(hi)?),
                            }
                        }
                    };
                    if min > max {
                        return Err("a repetition's bounds run backwards".to_string());
                    }
                    last.min = min;
                    last.max = max;
                    continue;
                }
                '.' => Atom::Any,
                '\\' => {
                    let e = *chars.get(i).ok_or("a pattern cannot end with `\\`")?;
                    i += 1;
                    escape(e)
                }
                '[' => {
                    let (atom, used) = class(&chars[i..])?;
                    i += used;
                    atom
                }
                other => Atom::Char(other),
            };
            steps.push(Step {
                atom,
                min: 1,
                max: 1,
            });
        }
        Ok(Pattern {
            steps,
            anchored_start,
            anchored_end,
        })
    }

    /// Where a match starting at `at` ends, if one does.
    fn match_at(&self, text: &[char], at: usize, case: bool) -> Option<usize> {
        if self.anchored_start && at != 0 {
            return None;
        }
        self.steps_from(text, 0, at, case)
    }

    fn steps_from(&self, text: &[char], step: usize, at: usize, case: bool) -> Option<usize> {
        let Some(current) = self.steps.get(step) else {
            return (!self.anchored_end || at == text.len()).then_some(at);
        };
        // Greedy: as many as allowed, then fewer.
        let mut count = 0;
        while count < current.max
            && text
                .get(at + count)
                .is_some_and(|&c| current.atom.matches(c, case))
        {
            count += 1;
        }
        while count >= current.min {
            if let Some(end) = self.steps_from(text, step + 1, at + count, case) {
                return Some(end);
            }
            if count == 0 {
                break;
            }
            count -= 1;
        }
        None
    }
}

/// The atom of `\c`.
fn escape(c: char) -> Atom {
    match c {
        'd' => Atom::Digit(false),
        'D' => Atom::Digit(true),
        'w' => Atom::Word(false),
        'W' => Atom::Word(true),
        's' => Atom::Space(false),
        'S' => Atom::Space(true),
        't' => Atom::Char('\t'),
        'n' => Atom::Char('\n'),
        other => Atom::Char(other),
    }
}

/// A class after its `[`: the atom and how many characters it used (its `]` included).
fn class(chars: &[char]) -> Result<(Atom, usize), String> {
    let mut i = 0;
    let negated = chars.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i).ok_or("unclosed `[`")?;
        i += 1;
        if c == ']' && !first {
            break;
        }
        first = false;
        let c = if c == '\\' {
            let e = *chars.get(i).ok_or("unclosed `[`")?;
            i += 1;
            match escape(e) {
                Atom::Char(c) => c,
                Atom::Digit(false) => {
                    ranges.push(('0', '9'));
                    continue;
                }
                _ => {
                    return Err(format!(
                        "`\\{e}` inside a class is not supported by the emulator"
                    ));
                }
            }
        } else {
            c
        };
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
            let hi = chars[i + 1];
            i += 2;
            if hi < c {
                return Err(format!("the range `{c}-{hi}` runs backwards"));
            }
            ranges.push((c, hi));
        } else {
            ranges.push((c, c));
        }
    }
    Ok((Atom::Class(ranges, negated), i))
}

// ---------------------------------------------------------------------------------------
// pdf/find/table

/// `pdf/find/table`: stretches of two or more rows with two or more columns, in
/// `body.tables`.
fn tables(data: &[u8], params: &Params) -> Result<Made, Failure> {
    let doc = edit::read_text(data, params.get("password"))?;
    let indexes = selected(params, doc.pages.len())?;
    let mut found = Vec::new();
    for &index in &indexes {
        let Some(page) = doc.pages.get(index as usize) else {
            continue;
        };
        let mut stretch: Vec<&Vec<pdf::Run>> = Vec::new();
        for row in page.rows.iter().chain(std::iter::once(&Vec::new())) {
            if row.len() >= 2 {
                stretch.push(row);
                continue;
            }
            if stretch.len() >= 2 {
                found.push(table(index, &stretch));
            }
            stretch.clear();
        }
    }
    let count = u32::try_from(indexes.len()).unwrap_or(u32::MAX);
    Ok(Made::data("body", json!({ "tables": found }), count))
}

/// One table: its page and the area its rows cover.
fn table(page: u32, rows: &[&Vec<pdf::Run>]) -> Value {
    let runs = rows.iter().flat_map(|r| r.iter());
    let (mut left, mut top, mut right, mut bottom) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for run in runs {
        left = left.min(run.x);
        top = top.min(run.y);
        right = right.max(run.x + run.width);
        bottom = bottom.max(run.y + run.height);
    }
    let columns = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut table = Map::new();
    table.insert("PageIndex".into(), page.into());
    table.insert(
        "rect".into(),
        format!(
            "{}, {}, {}, {}",
            number(left),
            number(top),
            number(right - left),
            number(bottom - top)
        )
        .into(),
    );
    table.insert("RowCount".into(), rows.len().into());
    table.insert("ColumnCount".into(), columns.into());
    Value::Object(table)
}

// ---------------------------------------------------------------------------------------
// pdf/attachments/extract

/// `pdf/attachments/extract`: each embedded file, as a result file of its own.
fn attachments(data: &[u8], params: &Params) -> Result<Made, Failure> {
    let doc = edit::open(data, params.get("password"))?;
    let count = u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX);
    let mut files = Vec::new();
    if let Some(tree) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Names").ok())
        .and_then(|n| deref_dict(&doc, n))
        .and_then(|n| n.get(b"EmbeddedFiles").ok())
    {
        collect_files(&doc, tree, 0, &mut files);
    }
    if files.is_empty() {
        // No attachments: success with an empty list (PDF.co does not document this case).
        let mut made = Made::data("urls", json!([]), count);
        made.file = b"[]".to_vec();
        return Ok(made);
    }
    let base64 = params
        .get("outputdataformat")
        .is_some_and(|f| f.trim().eq_ignore_ascii_case("base64"));
    let mut used = std::collections::HashSet::new();
    let parts = files
        .into_iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            let name = if name.is_empty() || !used.insert(name.clone()) {
                format!("attachment{}-{name}", i + 1)
            } else {
                name
            };
            if base64 {
                return (
                    name,
                    "text/plain",
                    crate::base64::encode(&bytes).into_bytes(),
                );
            }
            let content_type = content_type(&name);
            (name, content_type, bytes)
        })
        .collect();
    Ok(Made::parts(parts, count))
}

/// Adds the files of a name tree node (and below) to `out`: name and bytes.
fn collect_files(doc: &Document, node: &Object, depth: usize, out: &mut Vec<(String, Vec<u8>)>) {
    let Some(node) = deref_dict(doc, node).filter(|_| depth <= 32) else {
        return;
    };
    if let Ok(names) = node
        .get(b"Names")
        .and_then(|n| doc.dereference(n))
        .and_then(|(_, n)| n.as_array())
    {
        for pair in names.chunks(2) {
            let [key, spec] = pair else { continue };
            let key = lopdf::decode_text_string(key).unwrap_or_default();
            if let Some(file) = embedded_file(doc, spec, key) {
                out.push(file);
            }
        }
    }
    if let Ok(kids) = node
        .get(b"Kids")
        .and_then(|k| doc.dereference(k))
        .and_then(|(_, k)| k.as_array())
    {
        for kid in kids {
            collect_files(doc, kid, depth + 1, out);
        }
    }
}

/// One file specification's name (its `UF` or `F`, else the tree's key) and bytes.
fn embedded_file(doc: &Document, spec: &Object, key: String) -> Option<(String, Vec<u8>)> {
    let spec = deref_dict(doc, spec)?;
    let name = [&b"UF"[..], b"F"]
        .iter()
        .find_map(|k| {
            let value = spec.get(k).ok()?;
            lopdf::decode_text_string(doc.dereference(value).ok()?.1).ok()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or(key);
    // Only the file's own name: never a path.
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_string();
    let files = spec.get(b"EF").ok().and_then(|ef| deref_dict(doc, ef))?;
    let stream = [&b"F"[..], b"UF"].iter().find_map(|k| {
        let (_, object) = doc.dereference(files.get(k).ok()?).ok()?;
        object.as_stream().ok()
    })?;
    let bytes = stream
        .get_plain_content()
        .unwrap_or_else(|_| stream.content.clone());
    Some((name, bytes))
}

/// A content type from a file name's extension.
fn content_type(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "xml" => "application/xml",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str, case: bool) -> Vec<String> {
        let pattern = Pattern::regex(pattern).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let folded: Vec<char> = if case {
            chars.clone()
        } else {
            chars.iter().map(|c| fold(*c)).collect()
        };
        let mut out = Vec::new();
        let mut at = 0;
        while at < chars.len() {
            match pattern.match_at(&folded, at, case).filter(|&e| e > at) {
                Some(end) => {
                    out.push(chars[at..end].iter().collect());
                    at = end;
                }
                None => at += 1,
            }
        }
        out
    }

    #[test]
    fn the_regex_subset_matches_as_documented() {
        assert_eq!(
            matches(r"Invoice Date \d+/\d+/\d+", "Invoice Date 01/01/2016", true),
            ["Invoice Date 01/01/2016"]
        );
        assert_eq!(
            matches(r"[0-9]+\.[0-9]{2}", "a 1.5 b 12.50 c 3.456", true),
            ["12.50", "3.45"]
        );
        assert_eq!(
            matches(r"colou?r", "color colour", true),
            ["color", "colour"]
        );
        assert_eq!(matches(r"^ab", "abab", true), ["ab"]);
        assert_eq!(matches(r"ab$", "abab", true), ["ab"]);
        assert_eq!(matches(r"[^ ]+", "ab cd", true), ["ab", "cd"]);
        assert_eq!(matches(r"TOTAL", "total Total", false), ["total", "Total"]);
        assert_eq!(matches(r"[a-c]{2,}", "xABCx", false), ["ABC"]);
        assert_eq!(matches(r"a.*z", "a1z2z", true), ["a1z2z"]);
        for refused in ["(a)", "a|b", "*a", "a{2", "[a", "a**", r"[\w]", "[z-a]"] {
            assert!(Pattern::regex(refused).is_err(), "{refused}");
        }
    }
}
