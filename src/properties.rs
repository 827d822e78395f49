//! Property tests of everything that reads untrusted input: page selections, every kind of
//! answer body, URLs and headers from the server. Random inputs, built around the shapes the
//! parsers expect, must never panic, and a few laws must hold.
//!
//! `PDFCO_PROPTEST_CASES` sets the number of cases per property (default 2,000, which CI
//! runs) and `PDFCO_PROPTEST_SEED` the seed, so a failure can be replayed.

use std::panic::{self, AssertUnwindSafe};

use crate::response::Answer;
use crate::{Conversion, JobStatus, Pages, Step, redact, retry, url};

/// xorshift64*: small, fast, and reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A string of `len` pieces drawn from `pieces`, now and then a random byte.
    fn text(&mut self, pieces: &[&str], len: usize) -> String {
        let mut s = String::new();
        for _ in 0..self.below(len + 1) {
            if self.below(12) == 0 {
                s.push(char::from_u32(self.below(0x3000) as u32).unwrap_or('?'));
            } else {
                s.push_str(self.pick(pieces));
            }
        }
        s
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..self.below(len + 1))
            .map(|_| self.next() as u8)
            .collect()
    }
}

fn cases() -> u64 {
    std::env::var("PDFCO_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Runs `property` on `cases()` inputs from `generate`; on a panic, names the seed, the case
/// and the input.
fn check<T: std::fmt::Debug>(name: &str, generate: impl Fn(&mut Rng) -> T, property: impl Fn(&T)) {
    let seed: u64 = std::env::var("PDFCO_PROPTEST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x05EE_D0F7_DFC0);
    let mut rng = Rng(seed | 1);
    for case in 0..cases() {
        let input = generate(&mut rng);
        if let Err(panic) = panic::catch_unwind(AssertUnwindSafe(|| property(&input))) {
            let cause = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("a panic");
            panic!("{name}: case {case} (seed {seed}) failed on {input:?}: {cause}");
        }
    }
}

#[test]
fn page_selections_never_panic_and_resolve_inside_the_document() {
    let pieces = [
        "0",
        "1",
        "2",
        "7",
        "12",
        "-",
        ",",
        "!",
        " ",
        "99999999999",
        "!0",
        "3-",
        "a",
        "*",
        "..",
    ];
    check(
        "pages",
        |rng| (rng.text(&pieces, 12), rng.below(40) as u32),
        |(text, count)| {
            if let Ok(pages) = Pages::parse(text) {
                // What was accepted reads back the same.
                assert_eq!(Pages::parse(pages.as_str()).unwrap(), pages);
                if let Ok(selected) = pages.resolve(*count) {
                    assert!(selected.iter().all(|&p| p < *count), "{selected:?}");
                    assert!(!pages.is_all() || selected.len() == *count as usize);
                }
            }
        },
    );
}

/// Answers built from the fields PDF.co sends, with values of every JSON type, nesting and
/// truncation.
fn answer_body(rng: &mut Rng) -> Vec<u8> {
    const FIELDS: [&str; 15] = [
        "body",
        "status",
        "error",
        "message",
        "url",
        "urls",
        "jobId",
        "jobid",
        "pageCount",
        "credits",
        "remainingCredits",
        "duration",
        "jobDuration",
        "errorCode",
        "presignedUrl",
    ];
    const VALUES: [&str; 16] = [
        "200",
        "\"200\"",
        "-1",
        "1e400",
        "18446744073709551616",
        "3.7",
        "true",
        "\"TRUE\"",
        "null",
        "\"working\"",
        "\"success\"",
        "\"\"",
        "[]",
        "{}",
        "[\"a\", 1, null]",
        "\"http://h/x?X-Amz-Signature=s\"",
    ];
    match rng.below(5) {
        0 => rng.bytes(64),
        1 => {
            // A listing of page URLs, as an asynchronous image job's result holds.
            let items: Vec<&str> = (0..rng.below(5)).map(|_| rng.pick(&VALUES)).collect();
            format!("[{}]", items.join(",")).into_bytes()
        }
        _ => {
            let mut body = String::from("{");
            for i in 0..rng.below(8) {
                if i > 0 {
                    body.push(',');
                }
                body.push_str(&format!("\"{}\": {}", rng.pick(&FIELDS), rng.pick(&VALUES)));
            }
            body.push('}');
            let mut bytes = body.into_bytes();
            if rng.below(4) == 0 {
                let cut = rng.below(bytes.len());
                bytes.truncate(cut);
            }
            bytes
        }
    }
}

#[test]
fn every_answer_body_decodes_or_fails_cleanly() {
    check("answers", answer_body, |body| {
        if let Ok(doc) = crate::Document::from_slice(body) {
            let _ = doc.text();
        }
        if let Ok(urls) = crate::download::parse_listing(body) {
            assert!(urls.iter().all(|u| u.starts_with("http")), "{urls:?}");
        }
        for step in [Step::Presign, Step::Convert, Step::JobCheck] {
            let Ok(answer) = Answer::parse(step, body, &redact::Secrets::default()) else {
                continue;
            };
            let _ = (
                answer.is_error(),
                answer.error_code(),
                answer.message(),
                answer.credits(),
            );
            for field in ["url", "jobId", "pageCount", "status", "urls", "body"] {
                let _ = (answer.str(field), answer.u64(field), answer.bool(field));
                let _ = (answer.strings(field), answer.value(field));
                let _ = answer.required_str(field).map_err(|e| e.to_string());
            }
            let _ = JobStatus::from_answer("J", &answer);
            let _ = Conversion::from_answer(&answer, true);
            let _ = Conversion::from_answer(&answer, false);
        }
    });
}

#[test]
fn urls_and_headers_from_the_server_never_panic() {
    let pieces = [
        "http://",
        "https://",
        "//",
        "/",
        "?",
        "&",
        "=",
        "#",
        "%",
        "%2",
        "%2D",
        "@",
        ":",
        "[",
        "]",
        "::1",
        "127.0.0.1",
        "h",
        "x",
        "X-Amz-Signature",
        "password",
        "-",
        "80",
        "65536",
        " ",
    ];
    check(
        "urls",
        |rng| (rng.text(&pieces, 14), rng.text(&pieces, 8)),
        |(a, b)| {
            if let Some(origin) = url::Origin::of(a) {
                let _ = (origin.is_https(), origin.is_loopback());
            }
            let _ = url::resolve(a, b);
            let _ = redact::url(a);
            let mut secrets = redact::Secrets::default();
            secrets.add(b);
            secrets.add_url(a);
            let _ = redact::text(a, Some(&secrets));
            let _ = redact::excerpt(a.as_bytes(), None);
            assert_eq!(
                url::decode(&url::encode(a), false),
                *a,
                "encode then decode is the identity"
            );
            let _ = url::decode(a, true);
            let _ = retry::parse_retry_after(a);
            let _ = crate::download::parse_content_range(a);
            let ext = crate::download::extension_of(a);
            assert!(
                ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric()),
                "a page file's extension is a plain word: {ext:?}"
            );
            let name = crate::Input::url(a.as_str()).name();
            assert!(
                !name.is_empty() && !name.contains('/'),
                "an input name is one path segment: {name:?}"
            );
        },
    );
}

#[test]
fn a_planted_secret_never_survives_redaction() {
    let pieces = [
        "a",
        "/",
        "?",
        "&",
        "=",
        " ",
        "\"",
        ":",
        ",",
        "x-amz-signature",
        "X-Amz-Credential",
        "password",
    ];
    check(
        "secrets",
        |rng| {
            let secret = format!("S{:x}", rng.next());
            let name = rng.pick(&[
                "X-Amz-Signature",
                "X-Amz-Security-Token",
                "X-Amz-Credential",
                "password",
                "httppassword",
            ]);
            let before = rng.text(&pieces, 6);
            let after = rng.text(&pieces, 6);
            let (query, json) = (
                format!("{before}?{name}={secret}&{after}"),
                format!("{before}{{\"{name}\": \"{secret}\"}}{after}"),
            );
            (secret, query, json)
        },
        |(secret, query, json)| {
            assert!(
                !redact::url(&format!(
                    "https://h/p{}",
                    &query[query.find('?').unwrap_or(0)..]
                ))
                .contains(secret.as_str())
            );
            assert!(
                !redact::text(query, None).contains(secret.as_str()),
                "{query}"
            );
            assert!(
                !redact::text(json, None).contains(secret.as_str()),
                "{json}"
            );
            assert!(!redact::excerpt(json.as_bytes(), None).contains(secret.as_str()));
        },
    );
}
