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
        for step in [Step::Presign, Step::Start, Step::JobCheck] {
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
            let _ = Conversion::from_answer(&answer, true, crate::endpoint::Produces::File);
            let _ = Conversion::from_answer(&answer, false, crate::endpoint::Produces::File);
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

/// Characters secrets are made of: letters and digits, characters that URL-encoding,
/// JSON and XML escape, spaces, and characters outside ASCII.
const SECRET_PIECES: [&str; 26] = [
    "a", "Z", "7", "q", "-", "_", ".", "~", " ", "%", "+", "&", "=", "?", "/", "@", ":", "\"",
    "\\", "<", "'", "#", ";", "é", "€", "😀",
];

/// A random secret of at least one character.
fn random_secret(rng: &mut Rng) -> String {
    let mut secret = rng.text(&SECRET_PIECES, 14);
    if secret.trim().is_empty() || secret.chars().any(char::is_control) {
        secret = format!("s{:x}", rng.next() % 0xfff);
    }
    secret
}

/// `secret` percent-encoded with lowercase hex digits.
fn encode_lowercase(secret: &str) -> String {
    let encoded = url::encode(secret);
    let mut out = String::with_capacity(encoded.len());
    let mut hex_left = 0;
    for c in encoded.chars() {
        if c == '%' {
            hex_left = 2;
            out.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `secret` as a server might repeat it: raw, percent-encoded (either case of hex), or
/// form-encoded.
fn echoed(rng: &mut Rng, secret: &str) -> String {
    match rng.below(4) {
        0 => secret.to_string(),
        1 => url::encode(secret),
        2 => encode_lowercase(secret),
        _ => url::encode(secret).replace("%20", "+"),
    }
}

/// The secrets of one conversion and the texts a server answers with, each repeating all of
/// them in random encodings among random words.
#[derive(Debug)]
struct Echo {
    /// The API key, the document password, the basic-auth password, and the input URL's and
    /// the callback's userinfo passwords.
    secrets: Vec<String>,
    /// The API key and a storage URL's signature and credential.
    storage_secrets: Vec<String>,
    password: String,
    http_password: String,
    input_url: String,
    callback: String,
    storage_url: String,
    /// One text per answer kind, repeating `secrets`.
    messages: Vec<String>,
    /// A storage message repeating `storage_secrets`.
    storage_message: String,
}

fn echo(rng: &mut Rng, api_key: &str) -> Echo {
    let password = random_secret(rng);
    let http_password = random_secret(rng);
    let input_password = random_secret(rng);
    let callback_password = random_secret(rng);
    let signature = format!("{:x}{:x}", rng.next(), rng.next());
    let credential = format!("AKIA{:X}/20260101/us-west-2/s3/aws4_request", rng.next());
    let input_url = format!(
        "https://user:{}@in.example.com/a.pdf",
        url::encode(&input_password)
    );
    let callback = format!(
        "https://cb:{}@hook.example.com/done",
        url::encode(&callback_password)
    );
    let storage_url = format!(
        "https://s3.example.com/b/a.pdf?X-Amz-Credential={}&X-Amz-Signature={signature}",
        url::encode(&credential)
    );
    let secrets = vec![
        api_key.to_string(),
        password.clone(),
        http_password.clone(),
        input_password,
        callback_password,
    ];
    let storage_secrets = vec![api_key.to_string(), signature, credential];
    let words = [
        "Invalid", "password", "for", "file", ":", "=", ",", "(", ")", "<b>", "é",
    ];
    let mut message = |secrets: &[String]| {
        let mut message = rng.text(&words, 4);
        for secret in secrets {
            // Short secrets are masked as whole words only: a space on either side.
            message.push(' ');
            message.push_str(&echoed(rng, secret));
            message.push(' ');
            message.push_str(&rng.text(&words, 3));
        }
        message
    };
    let messages = (0..4).map(|_| message(&secrets)).collect();
    let storage_message = message(&storage_secrets);
    Echo {
        secrets,
        storage_secrets,
        password,
        http_password,
        input_url,
        callback,
        storage_url,
        messages,
        storage_message,
    }
}

fn response(status: u16, mime: &str, body: String) -> ureq::http::Response<ureq::Body> {
    ureq::http::Response::builder()
        .status(status)
        .body(ureq::Body::builder().mime_type(mime).data(body))
        .expect("a valid test response")
}

#[test]
fn secrets_repeated_by_the_server_never_come_back_in_clear() {
    use crate::transport::ApiRequest;
    use crate::{Client, Error, OutputFormat, Request};

    // One client for every case: its key is repeated and must be masked like the others.
    let api_key = "Kq7ZpX3vR9tW2m8".to_string();
    let client = Client::builder(api_key.as_str())
        .base_url("http://127.0.0.1:9/v1")
        .build()
        .unwrap();
    let transport = client.transport();
    check(
        "echoed secrets",
        |rng| echo(rng, &api_key),
        |echo| {
            let request = Request::convert(OutputFormat::Json)
                .password(echo.password.as_str())
                .http_auth("user", echo.http_password.as_str())
                .callback(echo.callback.as_str());
            let body = serde_json::to_vec(&request.body(std::slice::from_ref(&echo.input_url)))
                .unwrap_or_default();
            let convert = transport.secrets_of(
                "/pdf/convert/to/json",
                ApiRequest::PostJson(&body),
                &redact::Secrets::default(),
            );
            // Where each secret, in each encoding, may not appear: anywhere in what is printed
            // when it is long; as a word of its own in the message fields when it is short (a
            // short secret is masked only as a whole word, and a mask next to it may stand for
            // the letter it touched).
            let leaks_any = |secrets: &[String], what: &str, printed: &str, fields: &str| {
                for secret in secrets {
                    let encoded = url::encode(secret);
                    let forms = [
                        secret.clone(),
                        encode_lowercase(secret),
                        encoded.replace("%20", "+"),
                        encoded,
                    ];
                    for form in &forms {
                        if secret.chars().count() >= redact::MIN_ANYWHERE {
                            assert!(
                                !printed.contains(form) && !fields.contains(form),
                                "{what}: {form:?} leaked in {printed}"
                            );
                            continue;
                        }
                        for (at, _) in fields.match_indices(form.as_str()) {
                            let before = fields[..at].chars().next_back();
                            let after = fields[at + form.len()..].chars().next();
                            let word = |c: Option<char>| {
                                c.is_some_and(|c| c.is_alphanumeric() || c == '*')
                            };
                            assert!(
                                word(before) || word(after),
                                "{what}: short {form:?} leaked in {fields}"
                            );
                        }
                    }
                }
            };
            let leaks = |what: &str, printed: &str, fields: &str| {
                leaks_any(&echo.secrets, what, printed, fields)
            };
            let printed = |e: &Error| {
                let fields = match e {
                    Error::Api { message, .. } | Error::JobFailed { message, .. } => {
                        message.clone()
                    }
                    Error::Storage { code, message, .. } => format!("{code} {message}"),
                    Error::Decode { excerpt, .. } => excerpt.clone(),
                    other => panic!("unexpected error {other:?}"),
                };
                (format!("{e} | {e:?}"), fields)
            };
            let later = std::time::Instant::now() + std::time::Duration::from_secs(60);
            let [refusal, in_body, page, failure] = &echo.messages[..] else {
                unreachable!()
            };

            // A refusal, as an error status and as `error: true` in a 200.
            let json = serde_json::json!({ "error": true, "status": 441, "message": refusal });
            for status in [441, 200] {
                let answer = response(status, "application/json", json.to_string());
                let e = transport
                    .read_answer(Step::Start, answer, later, &convert)
                    .unwrap_err();
                let (all, fields) = printed(&e);
                leaks("refusal", &all, &fields);
            }
            // A page that is not JSON: its excerpt, as a refusal's message or a decode error.
            let html = format!("<html><body>{page}</body></html>");
            for status in [502, 200] {
                let answer = response(status, "text/html", html.clone());
                let e = transport
                    .read_answer(Step::Start, answer, later, &convert)
                    .unwrap_err();
                let (all, fields) = printed(&e);
                leaks("excerpt", &all, &fields);
            }
            // A started job remembers the request's secrets; its failure message is masked.
            let started = serde_json::json!({ "jobId": "J1", "error": false, "message": in_body });
            let answer = response(200, "application/json", started.to_string());
            let answer = transport
                .read_answer(Step::Start, answer, later, &convert)
                .unwrap();
            let Ok(Conversion::Started(job)) =
                Conversion::from_answer(&answer, true, crate::endpoint::Produces::File)
            else {
                panic!("a job")
            };
            leaks("job", &format!("{job:?}"), "");
            let check = transport.secrets_of("/job/check?jobid=J1", ApiRequest::Get, job.secrets());
            let failed =
                serde_json::json!({ "status": "failed", "jobId": "J1", "message": failure });
            let answer = response(200, "application/json", failed.to_string());
            let answer = transport
                .read_answer(Step::JobCheck, answer, later, &check)
                .unwrap();
            let status = JobStatus::from_answer("J1", &answer).unwrap();
            leaks(
                "status",
                &format!("{status:?}"),
                status.message().unwrap_or_default(),
            );
            let e = Error::JobFailed {
                job_id: "J1".into(),
                state: status.state().clone(),
                message: status.message().unwrap_or_default().to_string(),
                code: status.error_code(),
            };
            let (all, fields) = printed(&e);
            leaks("job failure", &all, &fields);
            // A storage refusal repeats the presigned URL's signature and credential.
            let echoed = &echo.storage_message;
            let xml = format!("<Error><Code>{echoed}</Code><Message>{echoed}</Message></Error>");
            for body in [xml, echoed.clone()] {
                let answer = response(403, "application/xml", body);
                let e = transport.storage_error(Step::Upload, answer, &echo.storage_url);
                let (all, fields) = printed(&e);
                leaks_any(&echo.storage_secrets, "storage", &all, &fields);
            }
        },
    );
}
