//! The emulator's `pdf/documentparser` and its templates (see the family's module docs for
//! the template subset).

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::super::super::api::{self, Params};
use super::super::super::edit;
use super::super::super::server::Reply;
use super::super::super::{Core, iso_date, unix_now};
use super::regex::Regex;
use super::{PageText, area_of, input, linked, read_pages};

/// The built-in templates: id, title, description, text.
const TEMPLATES: &[(u64, &str, &str, &str)] = &[
    (
        1,
        "Invoice (generic)",
        "Invoice number, dates, bill-to and total of a simple invoice",
        "templateName: Invoice (generic)
templateVersion: 4
templatePriority: 0
detectionRules:
  keywords:
  - Invoice
objects:
- name: invoiceNo
  objectType: field
  fieldProperties:
    fieldType: macros
    expression: 'Invoice (?:No\\.?|Number|#):?{{Spaces}}(\\S+)'
    caseSensitive: false
- name: invoiceDate
  objectType: field
  fieldProperties:
    fieldType: macros
    expression: '{{LineStart}}Date:?{{Spaces}}({{Date}})'
- name: billTo
  objectType: field
  fieldProperties:
    fieldType: regex
    expression: 'Bill to:?\\s+(.+)'
- name: total
  objectType: field
  fieldProperties:
    fieldType: macros
    expression: '{{LineStart}}Total:?{{Spaces}}({{Number}})'
",
    ),
    (
        2,
        "Line items (generic)",
        "The table under an Item / Quantity / Price header",
        "templateName: Line items (generic)
templateVersion: 1
objects:
- name: items
  objectType: table
  tableProperties:
    start:
      expression: '^Item\\s+Quantity'
    end:
      expression: '^(?:Summary|Total)'
    columns:
    - name: item
    - name: quantity
    - name: price
",
    ),
];

const TEMPLATE_DATE: &str = "2026-01-15T09:00:00";

fn template_summary(id: u64, title: &str, description: &str) -> Value {
    json!({
        "id": id,
        "title": title,
        "type": "system",
        "description": description,
        "created_at": TEMPLATE_DATE,
        "updated_at": TEMPLATE_DATE,
    })
}

pub(super) fn template_list(core: &Core) -> Reply {
    let templates: Vec<Value> = TEMPLATES
        .iter()
        .map(|(id, title, description, _)| template_summary(*id, title, description))
        .collect();
    api::json_reply(
        200,
        json!({
            "templates": templates,
            "error": false,
            "status": 200,
            "credits": 0,
            "remainingCredits": core.lock().credits,
        }),
    )
}

pub(super) fn template_one(core: &Core, id: &str) -> Reply {
    let found = id
        .parse::<u64>()
        .ok()
        .and_then(|id| TEMPLATES.iter().find(|t| t.0 == id));
    let Some((id, title, description, body)) = found else {
        return api::api_error(404, "Template not found");
    };
    let mut answer = template_summary(*id, title, description);
    answer["body"] = (*body).into();
    answer["error"] = false.into();
    answer["status"] = 200.into();
    answer["credits"] = 0.into();
    answer["remainingCredits"] = core.lock().credits.into();
    api::json_reply(200, answer)
}

/// A template's text read: JSON, else the YAML subset; it must have `objects`.
fn read_template(text: &str) -> Result<Value, String> {
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())?
    } else {
        super::yaml::parse(text)?
    };
    match value.get("objects") {
        Some(Value::Array(_)) => Ok(value),
        _ => Err("the template has no list of objects".into()),
    }
}

/// A `macros` expression as a regular expression.
fn expand_macros(expression: &str) -> String {
    const MACROS: &[(&str, &str)] = &[
        ("{{Digits}}", r"\d+"),
        ("{{Digit}}", r"\d"),
        ("{{Integer}}", r"[-+]?\d+"),
        ("{{Decimal}}", r"[-+]?\d[\d,]*\.\d+"),
        ("{{Number}}", r"[-+]?\d[\d,]*(?:\.\d+)?"),
        ("{{Word}}", r"\S+"),
        ("{{Spaces}}", r"\s+"),
        ("{{Space}}", r"\s"),
        ("{{Anything}}", r".*?"),
        (
            "{{Date}}",
            r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})",
        ),
        ("{{LineStart}}", "^"),
        ("{{LineEnd}}", "$"),
    ];
    let mut out = expression.to_string();
    for (name, pattern) in MACROS {
        out = out.replace(name, pattern);
    }
    out
}

/// What a parse found.
struct Parsed {
    name: String,
    version: Value,
    objects: Vec<Value>,
}

fn apply_template(template: &Value, pages: &[PageText]) -> Result<Parsed, String> {
    let mut objects = Vec::new();
    for object in template["objects"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
    {
        let name = object["name"].as_str().unwrap_or("").to_string();
        let kind = object["objectType"].as_str().unwrap_or("field");
        let found = if kind.eq_ignore_ascii_case("table") {
            table(&name, &object["tableProperties"], pages)?
        } else {
            field(&name, &object["fieldProperties"], pages)?
        };
        objects.push(found);
    }
    Ok(Parsed {
        name: template["templateName"].as_str().unwrap_or("").to_string(),
        version: template
            .get("templateVersion")
            .map(|v| match v {
                Value::Number(n) => Value::from(n.to_string()),
                other => other.clone(),
            })
            .unwrap_or(Value::Null),
        objects,
    })
}

fn compile(expression: &str, properties: &Value) -> Result<Regex, String> {
    let ignore_case = properties["caseSensitive"] == json!(false)
        || properties["caseSensitive"] == json!("false");
    Regex::new(expression, ignore_case)
        .map_err(|e| format!("invalid expression `{expression}`: {e}"))
}

fn field(name: &str, properties: &Value, pages: &[PageText]) -> Result<Value, String> {
    let expression = properties["expression"].as_str().unwrap_or("");
    let field_type = properties["fieldType"].as_str().unwrap_or("regex");
    let mut object = json!({ "name": name, "objectType": "field", "value": null });
    if field_type.eq_ignore_ascii_case("static") {
        object["value"] = expression.into();
        return Ok(object);
    }
    let pattern = match field_type.to_ascii_lowercase().as_str() {
        "macros" => expand_macros(expression),
        "regex" => expression.to_string(),
        other => return Err(format!("unsupported fieldType `{other}`")),
    };
    let regex = compile(&pattern, properties)?;
    for page in pages {
        if let Some((value, start, end)) = regex.find(&page.text) {
            object["value"] = value.trim().into();
            object["pageIndex"] = page.index.into();
            if let Some(area) = area_of(page, start, end) {
                object["rectangle"] = json!(area);
            }
            break;
        }
    }
    Ok(object)
}

fn table(name: &str, properties: &Value, pages: &[PageText]) -> Result<Value, String> {
    let start = compile(
        properties["start"]["expression"].as_str().unwrap_or("^"),
        properties,
    )?;
    let end = match properties["end"]["expression"].as_str() {
        Some(e) => Some(compile(e, properties)?),
        None => None,
    };
    let columns: Vec<String> = properties["columns"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c["name"]
                .as_str()
                .map_or_else(|| format!("column{}", i + 1), str::to_string)
        })
        .collect();
    let mut rows = Vec::new();
    let mut first_page = None;
    let mut inside = false;
    'pages: for page in pages {
        for (line, runs) in page.rows.iter().zip(&page.row_runs) {
            if !inside {
                inside = start.is_match(line);
                continue;
            }
            if end.as_ref().is_some_and(|e| e.is_match(line)) {
                break 'pages;
            }
            first_page.get_or_insert(page.index);
            let mut row = Map::new();
            for (i, (text, area)) in runs.iter().enumerate() {
                let column = match columns.get(i).or(columns.last()) {
                    Some(c) => c.clone(),
                    None => format!("column{}", i + 1),
                };
                let cell = row.entry(column).or_insert_with(
                    || json!({ "value": "", "pageIndex": page.index, "rectangle": area }),
                );
                let joined = match cell["value"].as_str() {
                    Some("") | None => text.clone(),
                    Some(before) => format!("{before} {text}"),
                };
                cell["value"] = joined.into();
            }
            rows.push(Value::Object(row));
        }
    }
    let mut object = json!({ "name": name, "objectType": "table", "rows": rows });
    if let Some(index) = first_page {
        object["pageIndex"] = index.into();
    }
    Ok(object)
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A table row's cells in the template's column order (JSON objects keep their members
/// sorted by name), then any others.
fn cells<'a>(template: &Value, table: &Value, row: &'a Value) -> Vec<(&'a String, &'a Value)> {
    let order: Vec<&str> = template["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["name"] == table["name"])
        .and_then(|o| o["tableProperties"]["columns"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    let mut cells: Vec<(&String, &Value)> = row.as_object().into_iter().flatten().collect();
    cells.sort_by_key(|(name, _)| order.iter().position(|o| o == name).unwrap_or(order.len()));
    cells
}

/// The parse written in `format` (`template` gives the tables' column order): its bytes,
/// content type and extension.
fn render(
    body: &Value,
    template: &Value,
    format: &str,
    headers: bool,
) -> (Vec<u8>, &'static str, &'static str) {
    let objects = body["objects"].as_array().map_or(&[][..], Vec::as_slice);
    let fields: Vec<&Value> = objects
        .iter()
        .filter(|o| o["objectType"] == "field")
        .collect();
    match format {
        "CSV" => {
            let mut out = String::new();
            if headers {
                let names: Vec<String> = fields
                    .iter()
                    .map(|f| csv_cell(&value_text(&f["name"])))
                    .collect();
                out.push_str(&names.join(","));
                out.push_str("\r\n");
            }
            let values: Vec<String> = fields
                .iter()
                .map(|f| csv_cell(&value_text(&f["value"])))
                .collect();
            out.push_str(&values.join(","));
            out.push_str("\r\n");
            (out.into_bytes(), "text/csv", "csv")
        }
        "XML" => {
            let mut out = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<document templateName=\"{}\" templateVersion=\"{}\" timestamp=\"{}\">\n",
                xml_escape(&value_text(&body["templateName"])),
                xml_escape(&value_text(&body["templateVersion"])),
                xml_escape(&value_text(&body["timestamp"])),
            );
            for object in objects {
                out.push_str(&format!(
                    "  <object name=\"{}\" objectType=\"{}\">",
                    xml_escape(&value_text(&object["name"])),
                    xml_escape(&value_text(&object["objectType"])),
                ));
                match object["rows"].as_array() {
                    Some(rows) => {
                        out.push('\n');
                        for row in rows {
                            out.push_str("    <row>");
                            for (column, cell) in cells(template, object, row) {
                                out.push_str(&format!(
                                    "<{column}>{}</{column}>",
                                    xml_escape(&value_text(&cell["value"]))
                                ));
                            }
                            out.push_str("</row>\n");
                        }
                        out.push_str("  </object>\n");
                    }
                    None => out.push_str(&format!(
                        "<value>{}</value></object>\n",
                        xml_escape(&value_text(&object["value"]))
                    )),
                }
            }
            out.push_str("</document>\n");
            (out.into_bytes(), "application/xml", "xml")
        }
        "YAML" => {
            let quoted = |v: &Value| match v {
                Value::Null => "null".to_string(),
                other => Value::String(value_text(other)).to_string(),
            };
            let mut out = format!(
                "templateName: {}\ntemplateVersion: {}\ntimestamp: {}\nobjects:\n",
                quoted(&body["templateName"]),
                quoted(&body["templateVersion"]),
                quoted(&body["timestamp"]),
            );
            for object in objects {
                out.push_str(&format!(
                    "- name: {}\n  objectType: {}\n",
                    quoted(&object["name"]),
                    quoted(&object["objectType"])
                ));
                match object["rows"].as_array() {
                    Some(rows) => {
                        out.push_str("  rows:\n");
                        for row in rows {
                            let mut first = true;
                            for (column, cell) in cells(template, object, row) {
                                let dash = if first { "  - " } else { "    " };
                                first = false;
                                out.push_str(&format!(
                                    "{dash}{column}: {}\n",
                                    quoted(&cell["value"])
                                ));
                            }
                        }
                    }
                    None => out.push_str(&format!("  value: {}\n", quoted(&object["value"]))),
                }
            }
            (out.into_bytes(), "application/x-yaml", "yaml")
        }
        _ => (
            serde_json::to_vec_pretty(body).unwrap_or_default(),
            "application/json",
            "json",
        ),
    }
}

pub(super) fn document_parser(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let template_text = match (params.get("templateid"), params.get("template")) {
        (_, Some(text)) => text.to_string(),
        (Some(id), None) => {
            let found = id
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|id| TEMPLATES.iter().find(|t| t.0 == id));
            match found {
                Some(t) => t.3.to_string(),
                None => return api::api_error(400, &format!("Template {id} not found")),
            }
        }
        (None, None) => {
            return api::api_error(
                400,
                "Bad request: the templateId or template parameter is required",
            );
        }
    };
    let template = match read_template(&template_text) {
        Ok(t) => t,
        Err(why) => return api::api_error(400, &format!("Invalid template: {why}")),
    };
    let format = params
        .get("outputformat")
        .unwrap_or("JSON")
        .to_ascii_uppercase();
    if !matches!(format.as_str(), "JSON" | "YAML" | "XML" | "CSV") {
        return api::api_error(400, &format!("Invalid outputFormat: {format}"));
    }
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let inline = params.flag("inline");
    let headers = params.flag("generatecsvheaders");
    let made = read_pages(&data, params).and_then(|pages| {
        let parsed = apply_template(&template, &pages)
            .map_err(|why| (400, format!("Invalid template: {why}")))?;
        let body = json!({
            "templateName": parsed.name,
            "templateVersion": parsed.version,
            "timestamp": iso_date(unix_now()).trim_end_matches("+00:00"),
            "objects": parsed.objects,
        });
        let (file, content_type, _) = render(&body, &template, &format, headers);
        let inline_body = inline.then(|| match format.as_str() {
            "JSON" => body.clone(),
            _ => Value::String(String::from_utf8_lossy(&file).into_owned()),
        });
        Ok(linked(file, content_type, inline_body, pages.len() as u32))
    });
    drop(data);
    let extension = match format.as_str() {
        "CSV" => "csv",
        "XML" => "xml",
        "YAML" => "yaml",
        _ => "json",
    };
    let name = params.result_name(&input_name, extension);
    edit::finish(core, params, started, &name, made)
}
