//! The YAML subset the emulator reads document parser templates in: block mappings and
//! sequences by indentation (`- key: value` items included), plain and quoted scalars,
//! flow lists `[a, b]`, numbers, booleans, `null`, and `#` comments. Anchors, tags, block
//! scalars (`|`, `>`) and flow mappings are not read.

use serde_json::{Map, Value};

/// Reads `text` into JSON; `Err` says what is wrong.
pub(super) fn parse(text: &str) -> Result<Value, String> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for raw in text.lines() {
        let line = strip_comment(raw);
        if line.trim().is_empty() || line.trim() == "---" {
            continue;
        }
        if line.starts_with('\t') {
            return Err("tabs cannot indent YAML".into());
        }
        let indent = line.len() - line.trim_start().len();
        lines.push((indent, line.trim().to_string()));
    }
    if lines.is_empty() {
        return Err("the template is empty".into());
    }
    let mut at = 0;
    let indent = lines[0].0;
    let value = block(&mut lines, &mut at, indent)?;
    if at < lines.len() {
        return Err(format!("unexpected indentation at `{}`", lines[at].1));
    }
    Ok(value)
}

/// A line without its comment (a `#` at the start or after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous == ' ' || previous == '\t' => return &line[..i],
            _ => {}
        }
        previous = c;
    }
    line
}

fn block(lines: &mut Vec<(usize, String)>, at: &mut usize, indent: usize) -> Result<Value, String> {
    let is_item = |l: &str| l == "-" || l.starts_with("- ");
    if is_item(&lines[*at].1) {
        let mut items = Vec::new();
        while *at < lines.len() && lines[*at].0 == indent && is_item(&lines[*at].1) {
            let content = lines[*at].1[1..].trim_start().to_string();
            if content.is_empty() {
                *at += 1;
                match lines.get(*at) {
                    Some(&(deeper, _)) if deeper > indent => items.push(block(lines, at, deeper)?),
                    _ => items.push(Value::Null),
                }
            } else if key_value(&content).is_some() {
                // `- key: value`: a mapping whose keys line up after the dash.
                let offset = lines[*at].1.len() - content.len();
                lines[*at] = (indent + offset, content);
                items.push(block(lines, at, indent + offset)?);
            } else {
                items.push(scalar(&content)?);
                *at += 1;
            }
        }
        return Ok(Value::Array(items));
    }
    let mut map = Map::new();
    while *at < lines.len() && lines[*at].0 == indent && !is_item(&lines[*at].1) {
        let line = lines[*at].1.clone();
        let (key, rest) =
            key_value(&line).ok_or_else(|| format!("expected `key: value`, got `{line}`"))?;
        *at += 1;
        let value = if rest.is_empty() {
            match lines.get(*at) {
                Some((deeper, _)) if *deeper > indent => {
                    let deeper = *deeper;
                    block(lines, at, deeper)?
                }
                Some((same, next)) if *same == indent && is_item(next) => block(lines, at, indent)?,
                _ => Value::Null,
            }
        } else {
            scalar(rest)?
        };
        map.insert(key, value);
    }
    Ok(Value::Object(map))
}

/// `key: value` or `key:` (the key unquoted), outside quotes.
fn key_value(line: &str) -> Option<(String, &str)> {
    if line.starts_with(['"', '\'', '[', '{']) {
        let quote = line.chars().next()?;
        if quote == '[' || quote == '{' {
            return None;
        }
        let end = line[1..].find(quote)? + 1;
        let rest = line[end + 1..].strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        return Some((line[1..end].to_string(), rest.trim()));
    }
    let mut search = 0;
    while let Some(i) = line[search..].find(':') {
        let i = search + i;
        let after = &line[i + 1..];
        if after.is_empty() || after.starts_with(' ') {
            return Some((line[..i].trim().to_string(), after.trim()));
        }
        search = i + 1;
    }
    None
}

fn scalar(text: &str) -> Result<Value, String> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"').ok_or("unterminated string")?;
        // A double-quoted YAML string reads like a JSON one.
        return serde_json::from_str(&format!("\"{inner}\""))
            .map_err(|e| format!("bad string: {e}"));
    }
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'').ok_or("unterminated string")?;
        return Ok(Value::String(inner.replace("''", "'")));
    }
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or("unterminated list")?;
        if inner.trim().is_empty() {
            return Ok(Value::Array(Vec::new()));
        }
        return inner
            .split(',')
            .map(scalar)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if text.starts_with(['{', '|', '>', '&', '*', '!']) {
        return Err(format!("unsupported YAML: `{text}`"));
    }
    Ok(match text {
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "null" | "~" | "Null" | "NULL" => Value::Null,
        _ => match text.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(text.to_string()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::json;

    #[test]
    fn templates_read_as_json() {
        let text = "templateName: Invoice # a comment\ntemplateVersion: 4\nobjects:\n- name: total\n  objectType: field\n  fieldProperties:\n    fieldType: macros\n    expression: 'Total{{Spaces}}({{Number}})'\n    regex: true\n- name: no\n  tags: [a, \"b c\"]\n";
        assert_eq!(
            parse(text).unwrap(),
            json!({
                "templateName": "Invoice",
                "templateVersion": 4,
                "objects": [
                    { "name": "total", "objectType": "field",
                      "fieldProperties": { "fieldType": "macros", "expression": "Total{{Spaces}}({{Number}})", "regex": true } },
                    { "name": "no", "tags": ["a", "b c"] }
                ]
            })
        );
        assert!(parse("objects: [").is_err());
        assert!(parse("a: |\n  text").is_err());
    }
}
