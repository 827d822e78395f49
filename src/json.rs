//! Reading PDF.co's JSON answers tolerantly: numbers and flags PDF.co sometimes sends as
//! strings, one-or-many nodes, keys whose case varies between its versions. Every result
//! type reads through these, so they agree on what they accept.

use serde_json::Value;

use crate::{Error, Step, redact};

/// A finite number, sent as a JSON number or as a numeric string.
pub(crate) fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

/// A whole number, not negative, sent as a JSON number or as a string.
pub(crate) fn count(value: Option<&Value>) -> Option<u64> {
    number(value).filter(|n| *n >= 0.0).map(|n| n as u64)
}

/// A flag sent as a JSON boolean, a string (`true`, `True`, `false`...) or a number.
pub(crate) fn flag(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Value::Number(n) => n.as_f64().map(|n| n != 0.0),
        _ => None,
    }
}

/// The items of a list, or one value as a list of one; `null` and nothing give none.
pub(crate) fn many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

/// A member looked up as spelled, then without regard to case.
pub(crate) fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// The error for JSON that is not the shape PDF.co sends: `detail` says what is missing or
/// wrong; an excerpt of the JSON, secrets masked, goes with it.
pub(crate) fn not_shaped(detail: impl Into<String>, value: &Value) -> Error {
    Error::decode(
        Step::Download,
        detail,
        redact::excerpt(value.to_string().as_bytes(), None),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_flags_come_as_pdf_co_sends_them() {
        assert_eq!(number(Some(&json!(" 2.5 "))), Some(2.5));
        assert_eq!(number(Some(&json!("NaN"))), None);
        assert_eq!(count(Some(&json!(-1))), None);
        assert_eq!(flag(Some(&json!("True"))), Some(true));
        assert_eq!(many(Some(&json!({ "a": 1 }))).len(), 1);
        assert_eq!(
            get(&json!({ "PageCount": 3 }), "pagecount"),
            Some(&json!(3))
        );
    }
}
