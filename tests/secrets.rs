//! Secrets that the request itself carries (the document password, basic-auth password, the
//! password in a URL's userinfo, a presigned URL's signature, the API key) never come back
//! in clear when the server repeats them in a message: not in `Display`, `Debug` or the
//! message fields, raw or percent-encoded.

mod common;

use common::{SAMPLE, TempDir, setup_no_retry};
use pdfco::testing::{Emulator, Endpoint, Fault, Outcome};
use pdfco::{Conversion, Error, OutputFormat, Request};

/// Every printable form of an error: `Display`, alternate `Display`, `Debug`, and its
/// message fields.
fn texts(err: &Error) -> String {
    let fields = match err {
        Error::Api { message, .. } | Error::JobFailed { message, .. } => message.clone(),
        Error::Storage { code, message, .. } => format!("{code} {message}"),
        Error::Decode {
            detail, excerpt, ..
        } => format!("{detail} {excerpt}"),
        _ => String::new(),
    };
    format!("{err} | {err:#} | {err:?} | {fields}")
}

/// Asserts that none of `secrets`, nor their percent-encoded forms, is in `text`, and that
/// the mask stands where they were.
fn assert_masked(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} leaked in {text}");
        let encoded = encode(secret);
        assert!(!text.contains(&encoded), "{encoded:?} leaked in {text}");
    }
    assert!(text.contains("***"), "nothing masked in {text}");
}

/// Percent-encodes everything but unreserved characters, as servers echo URL parts.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn a_refusal_that_repeats_the_password_masks_it() {
    let (emulator, client) = setup_no_retry();
    let file = client.upload(SAMPLE).unwrap();
    emulator.fail_next(
        Endpoint::Convert,
        Fault::Echo {
            status: 441,
            message: "Invalid password {password} for {name}".into(),
        },
    );
    let request = Request::convert(OutputFormat::Json)
        .password("s3cret-pdf")
        .name("report.json");
    let err = client.start(&request.clone().url(file.url())).unwrap_err();
    assert!(matches!(err, Error::Api { status: 441, .. }), "{err:?}");
    let text = texts(&err);
    assert_masked(&text, &["s3cret-pdf"]);
    assert!(
        text.contains("Invalid password *** for report.json"),
        "the rest of the message stays readable: {text}"
    );
}

#[test]
fn a_password_repeated_percent_encoded_is_masked_too() {
    let (emulator, client) = setup_no_retry();
    let file = client.upload(SAMPLE).unwrap();
    let password = "p@ss wörd/&=?+100%";
    emulator.fail_next(
        Endpoint::Convert,
        Fault::Echo {
            status: 441,
            message: "Invalid password {password:url} (was {password}), basic {httppassword:url}"
                .into(),
        },
    );
    let request = Request::convert(OutputFormat::Csv)
        .password(password)
        .http_auth("me", "basic secret");
    let err = client.start(&request.clone().url(file.url())).unwrap_err();
    let text = texts(&err);
    assert_masked(&text, &[password, "basic secret", "basic+secret"]);
    assert!(
        !text.contains("w%C3%B6rd") && !text.contains("wörd"),
        "{text}"
    );
}

#[test]
fn the_userinfo_of_urls_in_the_request_is_masked() {
    let (emulator, client) = setup_no_retry();
    emulator.fail_next(
        Endpoint::Convert,
        Fault::Echo {
            status: 400,
            message: "Cannot download {url} (callback {callback}, source {source:url})".into(),
        },
    );
    let request = Request::convert(OutputFormat::Json)
        .callback("https://hook:t0ken-pw@example.com/done")
        .param("source", "https://bob:s%40fe-pw@files.example.com/a.pdf");
    let err = client
        .start(
            &request
                .clone()
                .url("https://user:hunter2@files.example.com/a.pdf"),
        )
        .unwrap_err();
    let text = texts(&err);
    assert_masked(&text, &["hunter2", "t0ken-pw", "s@fe-pw", "s%40fe-pw"]);
    assert!(
        text.contains("files.example.com/a.pdf"),
        "the URL stays readable: {text}"
    );
}

#[test]
fn a_failed_job_whose_message_repeats_the_password_masks_it() {
    let emulator = Emulator::builder()
        .outcome(Outcome::Failed(
            "Invalid password {password} ({password:url})".into(),
        ))
        .start()
        .unwrap();
    let client = emulator.client_builder().build().unwrap();
    let file = client.upload(SAMPLE).unwrap();
    let password = "s3cret pdf";
    let request = Request::convert(OutputFormat::Json).password(password);
    let Conversion::Started(job) = client.start(&request.clone().url(file.url())).unwrap() else {
        panic!("asynchronous by default")
    };
    assert!(!format!("{job:?}").contains(password), "{job:?}");
    let mut seen = String::new();
    let err = client
        .wait(&job, |status| {
            seen.push_str(&format!("{status:?} {:?}\n", status.message()));
            seen.push_str(&serde_json::to_string(status.answer()).unwrap());
            seen.push_str(&serde_json::to_string(status).unwrap());
        })
        .unwrap_err();
    assert!(matches!(err, Error::JobFailed { .. }), "{err:?}");
    assert_masked(&texts(&err), &[password]);
    assert_masked(&seen, &[password]);

    // The one-call workflow masks it the same way.
    let dir = TempDir::new();
    let err = client
        .run(&request)
        .input(SAMPLE)
        .save(dir.join("out.json"))
        .unwrap_err();
    assert!(matches!(err, Error::JobFailed { .. }), "{err:?}");
    assert_masked(&texts(&err), &[password]);
}

#[test]
fn a_storage_refusal_that_repeats_the_signature_masks_it() {
    let (emulator, client) = setup_no_retry();
    emulator.fail_next(
        Endpoint::Upload,
        Fault::Echo {
            status: 403,
            message: "Signature {x-amz-signature} does not match, credential {x-amz-credential}"
                .into(),
        },
    );
    let err = client.upload(SAMPLE).unwrap_err();
    assert!(matches!(err, Error::Storage { status: 403, .. }), "{err:?}");
    let put = emulator
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    let signature = common::signature(&format!("?{}", put.query));
    assert!(signature.len() > 8, "{signature}");
    assert_masked(&texts(&err), &[&signature]);

    // The same for a result download.
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Csv).asynchronous(false);
    let Conversion::Finished(output) = client.start(&request.clone().url(file.url())).unwrap()
    else {
        panic!("synchronous")
    };
    let url = output.url().unwrap().to_string();
    emulator.fail_next(
        Endpoint::Download,
        Fault::Echo {
            status: 403,
            message: "Request for {X-Amz-Signature} has expired".into(),
        },
    );
    let dir = TempDir::new();
    let err = client.download(&output, dir.join("out.csv")).unwrap_err();
    assert!(matches!(err, Error::Storage { .. }), "{err:?}");
    assert_masked(&texts(&err), &[&common::signature(&url)]);
}

#[test]
fn a_body_that_is_not_json_repeating_the_password_is_masked_in_the_excerpt() {
    let (emulator, client) = setup_no_retry();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Json).password("s3cret-pdf");
    for status in [200, 502] {
        emulator.fail_next(
            Endpoint::Convert,
            Fault::Body {
                status,
                content_type: "text/html".into(),
                body: "<html>no document for s3cret-pdf</html>".into(),
            },
        );
        let err = client.start(&request.clone().url(file.url())).unwrap_err();
        assert_masked(&texts(&err), &["s3cret-pdf"]);
    }
}

#[test]
fn a_short_api_key_repeated_by_the_server_is_masked() {
    let emulator = Emulator::builder().api_key("k3y").start().unwrap();
    let client = emulator
        .client_builder()
        .retry(pdfco::RetryPolicy::disabled())
        .build()
        .unwrap();
    emulator.fail_next(
        Endpoint::Presign,
        Fault::Body {
            status: 401,
            content_type: "application/json".into(),
            body: r#"{"error": true, "status": 401, "message": "Key k3y is not valid"}"#.into(),
        },
    );
    let err = client.upload(SAMPLE).unwrap_err();
    let text = texts(&err);
    assert_masked(&text, &["k3y"]);
    assert!(text.contains("Key *** is not valid"), "{text}");
}

#[test]
fn a_batch_masks_the_password_in_failed_jobs_and_their_statuses() {
    let emulator = Emulator::builder()
        .outcome(Outcome::Failed("Invalid password {password}".into()))
        .start()
        .unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(f64::INFINITY)
        .build()
        .unwrap();
    let dir = TempDir::new();
    let request = Request::convert(OutputFormat::Json).password("s3cret-pdf");
    let mut seen = String::new();
    let report = client
        .batch()
        .file(&request, SAMPLE, dir.join("a.json"))
        .file(&request, SAMPLE, dir.join("b.json"))
        .run(|progress| {
            if let pdfco::BatchProgress::Status { status, .. } = progress {
                seen.push_str(&format!("{status:?}\n"));
            }
        });
    assert_eq!(report.failures(), 2, "{report}");
    for item in report.items() {
        let err = item.result().unwrap_err();
        assert!(matches!(err, Error::JobFailed { .. }), "{err:?}");
        assert_masked(&texts(err), &["s3cret-pdf"]);
    }
    assert_masked(&format!("{report} {report:?}"), &["s3cret-pdf"]);
    assert_masked(&seen, &["s3cret-pdf"]);
}
