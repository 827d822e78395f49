//! Reading PDF.co's JSON answers leniently.
//!
//! PDF.co's sources disagree on types (`status` is a number in some answers and a string in
//! others; numbers sometimes arrive as strings), so answers are read as a JSON object and each
//! field is taken with a tolerant accessor instead of a rigid `Deserialize` struct. A field of
//! an unexpected type reads as absent; nothing here can panic.

use serde_json::{Map, Value};

use crate::redact::{self, Secrets};
use crate::{Error, Step};

/// One decoded JSON answer.
#[derive(Debug)]
pub(crate) struct Answer {
    step: Step,
    fields: Map<String, Value>,
    /// The secrets of the request this answers (the API key among them), masked in every
    /// text made from the answer.
    secrets: Secrets,
}

/// The account figures PDF.co attaches to most answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Credits {
    pub(crate) spent: Option<u64>,
    pub(crate) remaining: Option<u64>,
}

impl Answer {
    /// Parses a body as a JSON object. `secrets` are those of the request it answers: they
    /// are masked in the excerpt of a body that cannot be read, and in every text made from
    /// the answer later.
    pub(crate) fn parse(step: Step, body: &[u8], secrets: &Secrets) -> Result<Answer, Error> {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(fields)) => Ok(Answer {
                step,
                fields,
                secrets: secrets.clone(),
            }),
            Ok(other) => Err(Error::decode(
                step,
                format!("expected a JSON object, got {}", json_kind(&other)),
                redact::excerpt(body, Some(secrets)),
            )),
            Err(e) => Err(Error::decode(
                step,
                if e.is_eof() {
                    "JSON cut short".to_string()
                } else {
                    format!("not JSON (line {}, column {})", e.line(), e.column())
                },
                redact::excerpt(body, Some(secrets)),
            )),
        }
    }

    #[cfg(test)]
    pub(crate) fn from_value(step: Step, value: Value) -> Answer {
        match value {
            Value::Object(fields) => Answer {
                step,
                fields,
                secrets: Secrets::default(),
            },
            _ => panic!("test fixture is not an object"),
        }
    }

    /// Every field of the answer, with the request's secrets masked wherever the server
    /// repeated them (the URLs of results stay usable).
    pub(crate) fn masked_fields(&self) -> serde_json::Map<String, Value> {
        match self.secrets.mask_json(&Value::Object(self.fields.clone())) {
            Value::Object(fields) => fields,
            _ => serde_json::Map::new(),
        }
    }

    /// A field by name, matched case-insensitively (PDF.co mixes `jobId` and `jobid`).
    fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name).or_else(|| {
            self.fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    }

    /// A non-empty string field.
    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Value::String(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }

    /// A field of any type, except `null`.
    pub(crate) fn value(&self, name: &str) -> Option<&Value> {
        self.get(name).filter(|v| !v.is_null())
    }

    /// A list of non-empty strings (`urls`); a single string counts as a list of one.
    pub(crate) fn strings(&self, name: &str) -> Vec<String> {
        match self.get(name) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    /// A non-empty string field, or a decode error naming it.
    pub(crate) fn required_str(&self, name: &str) -> Result<&str, Error> {
        self.str(name).ok_or_else(|| self.missing(name))
    }

    /// A whole-number field, or a decode error naming it.
    pub(crate) fn required_u64(&self, name: &str) -> Result<u64, Error> {
        self.u64(name).ok_or_else(|| self.missing(name))
    }

    fn missing(&self, name: &str) -> Error {
        let body = serde_json::to_string(&self.fields).unwrap_or_default();
        Error::decode(
            self.step,
            format!("missing `{name}`"),
            redact::excerpt(body.as_bytes(), Some(&self.secrets)),
        )
    }

    /// A whole number given as a JSON number or a numeric string.
    pub(crate) fn u64(&self, name: &str) -> Option<u64> {
        match self.get(name)? {
            Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| *f >= 0.0 && f.is_finite())
                    .map(|f| f as u64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean given as a JSON bool or a `"true"`/`"false"` string in any case.
    pub(crate) fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// `credits` and `remainingCredits`.
    pub(crate) fn credits(&self) -> Credits {
        Credits {
            spent: self.u64("credits"),
            remaining: self.u64("remainingCredits"),
        }
    }

    /// Whether the body says the request failed: `"error": true`, or `"status": "error"` as
    /// one of PDF.co's C# samples checks.
    pub(crate) fn is_error(&self) -> bool {
        self.bool("error") == Some(true)
            || matches!(self.get("status"), Some(Value::String(s)) if s.eq_ignore_ascii_case("error"))
    }

    /// PDF.co's own error code: `errorCode`, else a numeric `status`.
    pub(crate) fn error_code(&self) -> Option<u16> {
        let code = self.u64("errorCode").or_else(|| self.u64("status"))?;
        u16::try_from(code).ok().filter(|c| *c >= 100)
    }

    /// The `message` text with the request's secrets masked, or `None`.
    pub(crate) fn message(&self) -> Option<String> {
        self.str("message")
            .map(|m| redact::text(m, Some(&self.secrets)))
    }

    /// The secrets of the request this answers.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.secrets
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::fixture;
    use serde_json::json;

    fn answer(v: Value) -> Answer {
        Answer::from_value(Step::Start, v)
    }

    fn key() -> Secrets {
        let mut secrets = Secrets::default();
        secrets.add("KEY");
        secrets
    }

    #[test]
    fn numbers_as_numbers_or_strings() {
        let a = answer(
            json!({"pageCount": "3", "credits": 2, "remainingCredits": 9.0, "duration": "x"}),
        );
        assert_eq!(a.u64("pageCount"), Some(3));
        assert_eq!(a.u64("credits"), Some(2));
        assert_eq!(a.u64("remainingCredits"), Some(9));
        assert_eq!(a.u64("duration"), None);
        assert_eq!(a.u64("absent"), None);
    }

    #[test]
    fn names_match_case_insensitively() {
        let a = answer(json!({"jobid": "J"}));
        assert_eq!(a.str("jobId"), Some("J"));
    }

    #[test]
    fn error_flag_variants() {
        assert!(answer(json!({"error": true})).is_error());
        assert!(answer(json!({"error": "True"})).is_error());
        assert!(answer(json!({"status": "error"})).is_error());
        assert!(!answer(json!({"error": false, "status": 200})).is_error());
        assert!(!answer(json!({"status": "working"})).is_error());
    }

    #[test]
    fn error_code_prefers_error_code_then_numeric_status() {
        assert_eq!(
            answer(json!({"errorCode": 441, "status": 400})).error_code(),
            Some(441)
        );
        assert_eq!(answer(json!({"status": 402})).error_code(), Some(402));
        assert_eq!(answer(json!({"status": "402"})).error_code(), Some(402));
        assert_eq!(answer(json!({"status": "error"})).error_code(), None);
        assert_eq!(answer(json!({"status": 7})).error_code(), None);
        assert_eq!(answer(json!({"status": 99999999})).error_code(), None);
    }

    #[test]
    fn non_objects_and_garbage_are_decode_errors() {
        for body in [
            &b"[1,2]"[..],
            b"<html>oops</html>",
            b"{\"a\":",
            b"",
            b"null",
        ] {
            let e = Answer::parse(Step::JobCheck, body, &key()).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::Decode {
                        step: Step::JobCheck,
                        ..
                    }
                ),
                "{e:?}"
            );
        }
        let e = Answer::parse(Step::JobCheck, b"{\"a\":", &key()).unwrap_err();
        assert!(e.to_string().contains("cut short"), "{e}");
    }

    #[test]
    fn documented_error_bodies() {
        let a = Answer::parse(Step::Start, &fixture("error-400.json"), &key()).unwrap();
        assert!(a.is_error());
        assert_eq!(a.error_code(), Some(400));
        assert!(
            a.message()
                .unwrap()
                .starts_with("Incorrect input parameters")
        );
        let a = Answer::parse(Step::Presign, &fixture("error-401.json"), &key()).unwrap();
        assert_eq!((a.is_error(), a.error_code()), (true, Some(401)));
        let a = Answer::parse(Step::Start, &fixture("error-in-200.json"), &key()).unwrap();
        assert_eq!((a.is_error(), a.error_code()), (true, Some(442)));
    }

    #[test]
    fn presign_answer_has_both_urls_and_masks_them_in_excerpts() {
        let a = Answer::parse(Step::Presign, &fixture("presign.json"), &key()).unwrap();
        assert!(
            a.str("presignedUrl")
                .unwrap()
                .contains("X-Amz-SignedHeaders=content-type%3Bhost")
        );
        assert!(a.str("url").unwrap().contains("X-Amz-Security-Token="));
        assert!(!a.is_error());
        let e = a.required_str("nope").unwrap_err().to_string();
        assert!(!e.contains("0f1e2d3c") && !e.contains("FQoGZXIv"), "{e}");
    }

    #[test]
    fn missing_required_field_names_it() {
        let e = answer(json!({"url": "u"}))
            .required_str("jobId")
            .unwrap_err();
        assert!(e.to_string().contains("missing `jobId`"), "{e}");
    }
}
