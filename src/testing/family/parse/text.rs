//! The emulator's `ai-invoice-parser` and `pdf/classifier`: patterns and rules applied to
//! a PDF's text (see the family's module docs).

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::super::super::Core;
use super::super::super::api::{self, Params};
use super::super::super::edit;
use super::super::super::pdf;
use super::super::super::server::Reply;
use super::regex::Regex;
use super::{PageText, body_data, input, read_pages};

/// The first group of `pattern` (ignoring case) in `text`, trimmed.
fn find_in(pattern: &str, text: &str) -> Option<String> {
    let regex = Regex::new(pattern, true).ok()?;
    let (value, _, _) = regex.find(text)?;
    let value = value.trim().to_string();
    (!value.is_empty()).then_some(value)
}

/// A camelCase name as a pattern of its words: `shippingMethod` → `shipping\s*method`.
fn label_pattern(name: &str) -> String {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in name.chars() {
        if c.is_uppercase() && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.push(c);
        }
    }
    words.push(word);
    words.retain(|w| !w.is_empty());
    words.join(r"\s*")
}

fn invoice_of(pages: &[PageText], custom: &[&str]) -> Value {
    let text: String = pages.iter().map(|p| p.text.as_str()).collect();
    let amount = r"[^\d\n]*(\d[\d,]*(?:\.\d+)?)";
    let vendor = pages.iter().flat_map(|p| p.rows.first()).next().cloned();
    let mut line_items = Vec::new();
    for page in pages {
        let mut inside = false;
        for (line, runs) in page.rows.iter().zip(&page.row_runs) {
            if !inside {
                let lower = line.to_lowercase();
                inside = (lower.contains("item") || lower.contains("description"))
                    && (lower.contains("qty") || lower.contains("quantity"));
                continue;
            }
            let lower = line.to_lowercase();
            if lower.starts_with("total")
                || lower.starts_with("subtotal")
                || lower.starts_with("summary")
            {
                break;
            }
            if runs.len() < 2 {
                continue;
            }
            let mut item = json!({ "description": runs[0].0, "amount": runs[runs.len() - 1].0 });
            if runs.len() >= 3 {
                item["quantity"] = runs[1].0.clone().into();
            }
            line_items.push(item);
        }
    }
    let custom_fields: Map<String, Value> = custom
        .iter()
        .map(|name| {
            let pattern = format!(r"^\s*{}\s*:\s*(.+)$", label_pattern(name));
            let value = find_in(&pattern, &text).map_or(Value::Null, Value::from);
            (name.to_string(), value)
        })
        .collect();
    let opt = |v: Option<String>| v.map_or(Value::Null, Value::from);
    json!({
        "vendor": { "name": opt(vendor) },
        "customer": {
            "billTo": { "name": opt(find_in(r"bill(?:ed)?\s+to\s*:?\s*(.+)", &text)) }
        },
        "invoice": {
            "invoiceNo": opt(find_in(r"invoice\s*(?:no\.?|number|#)\s*:?\s*([A-Za-z0-9][\w/-]*)", &text)),
            "invoiceDate": opt(find_in(r"^\s*(?:invoice\s+)?date\s*:?\s*(\S+)", &text)),
            "dueDate": opt(find_in(r"due\s+date\s*:?\s*(\S+)", &text)),
            "poNo": opt(find_in(r"^\s*(?:p\.?o\.?|purchase\s+order)\s*(?:no\.?|number|#)\s*:?\s*(\S+)", &text)),
        },
        "paymentDetails": {
            "total": opt(find_in(&format!(r"^\s*(?:grand\s+)?total(?:\s+due)?\s*:?{amount}"), &text)),
            "subtotal": opt(find_in(&format!(r"^\s*sub\s*-?\s*total\s*:?{amount}"), &text)),
            "tax": opt(find_in(&format!(r"^\s*(?:tax|vat)(?:\s|:){amount}"), &text)),
        },
        "lineItems": line_items,
        "customFields": custom_fields,
    })
}

pub(super) fn invoice_parser(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let custom: Vec<&str> = params
        .get("customfield")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let made = read_pages(&data, params)
        .map(|pages| body_data(invoice_of(&pages, &custom), pages.len() as u32));
    drop(data);
    let name = params.result_name(&input_name, "json");
    edit::finish_as(core, params, started, &name, made, true)
}

/// RFC 4180 rows: fields split at commas outside quotes, `""` a quote.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r| r.iter().any(|f| !f.trim().is_empty()));
    rows
}

fn classify(rules: &str, text: &str, case_sensitive: bool) -> Result<Vec<Value>, String> {
    let mut classes = Vec::new();
    for row in csv_rows(rules) {
        let [class, logic, keywords @ ..] = row.as_slice() else {
            return Err(format!(
                "a rule needs a class, AND or OR, and keywords: {}",
                row.join(",")
            ));
        };
        let all = match logic.trim().to_ascii_uppercase().as_str() {
            "AND" => true,
            "OR" => false,
            other => return Err(format!("expected AND or OR, got `{other}`")),
        };
        let mut hits = Vec::new();
        for keyword in keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
            let hit = match keyword.strip_prefix('/').and_then(|k| k.strip_suffix('/')) {
                Some(pattern) if !pattern.is_empty() => Regex::new(pattern, !case_sensitive)
                    .map_err(|e| format!("invalid expression `{pattern}`: {e}"))?
                    .is_match(text),
                _ if case_sensitive => text.contains(keyword),
                _ => text.to_lowercase().contains(&keyword.to_lowercase()),
            };
            hits.push(hit);
        }
        let matched = !hits.is_empty()
            && if all {
                hits.iter().all(|h| *h)
            } else {
                hits.iter().any(|h| *h)
            };
        if matched && !classes.iter().any(|c: &Value| c["class"] == class.trim()) {
            classes.push(json!({ "class": class.trim() }));
        }
    }
    Ok(classes)
}

pub(super) fn classifier(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let rules = match (params.get("rulescsv"), params.get("rulescsvurl")) {
        (Some(rules), _) => rules.to_string(),
        (None, Some(url)) => match api::fetch_input(core, url, params) {
            Ok((bytes, _)) => String::from_utf8_lossy(&bytes).into_owned(),
            Err((code, message)) => {
                return api::api_error(code, &format!("Cannot read the rules: {message}"));
            }
        },
        (None, None) => {
            return api::api_error(
                400,
                "Bad request: the rulescsv or rulescsvurl parameter is required",
            );
        }
    };
    let (data, input_name) = match input(core, params) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let case_sensitive = params.flag("casesensitive");
    // Images have no text without OCR: no class, but no failure either.
    let pages = if pdf::is_pdf(&data) {
        read_pages(&data, params)
    } else {
        Ok(Vec::new())
    };
    let made = pages.and_then(|pages| {
        let text: String = pages.iter().map(|p| p.text.as_str()).collect();
        let classes = classify(&rules, &text, case_sensitive)
            .map_err(|why| (400, format!("Invalid rules: {why}")))?;
        Ok(body_data(
            json!({ "classes": classes }),
            pages.len().max(1) as u32,
        ))
    });
    drop(data);
    let name = params.result_name(&input_name, "json");
    edit::finish(core, params, started, &name, made)
}
