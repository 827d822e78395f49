//! Answers that are not what PDF.co documents: typed errors naming the step, never a panic,
//! never a secret in the excerpt.

mod common;

use common::{SAMPLE, assert_clean, setup, setup_no_retry};
use pdfco::testing::{Endpoint, Fault};
use pdfco::{Error, OutputFormat, Request, Step};

fn body(status: u16, content_type: &str, body: &str) -> Fault {
    Fault::Body {
        status,
        content_type: content_type.into(),
        body: body.into(),
    }
}

#[test]
fn html_error_pages_become_api_errors_with_an_excerpt() {
    let (emulator, client) = setup_no_retry();
    emulator.fail_next(
        Endpoint::Presign,
        body(
            502,
            "text/html",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        ),
    );
    match client.upload(SAMPLE).unwrap_err() {
        Error::Api {
            step,
            status,
            message,
            ..
        } => {
            assert_eq!((step, status), (Step::Presign, 502));
            assert!(message.contains("502 Bad Gateway"), "{message}");
        }
        other => panic!("expected Api, got {other:?}"),
    }
}

#[test]
fn a_2xx_that_is_not_json_is_a_decode_error_naming_the_step() {
    let (emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Json);
    for (fault, needle) in [
        (
            body(200, "text/html", "<html>maintenance</html>"),
            "not JSON",
        ),
        (
            body(200, "application/json", r#"{"jobId": "abc", "url": "#),
            "cut short",
        ),
        (body(200, "application/json", "[1, 2, 3]"), "an array"),
        (
            body(200, "application/json", r#"{"error": false}"#),
            "missing `jobId`",
        ),
    ] {
        emulator.fail_next(Endpoint::Convert, fault);
        match client.start(&request.clone().url(file.url())).unwrap_err() {
            Error::Decode { step, detail, .. } => {
                assert_eq!(step, Step::Start);
                assert!(detail.contains(needle), "{detail}");
            }
            other => panic!("expected Decode, got {other:?}"),
        }
    }
}

#[test]
fn oversized_answers_are_refused_at_the_cap() {
    let (emulator, _) = setup();
    let client = emulator.client_builder().json_limit(64).build().unwrap();
    let err = client.upload(SAMPLE).unwrap_err();
    assert!(
        matches!(&err, Error::Decode { step: Step::Presign, detail, .. } if detail.contains("larger than 64")),
        "{err:?}"
    );
}

#[test]
fn job_check_garbage_carries_the_job_id() {
    let (emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let pdfco::Conversion::Started(job) = client
        .start(&Request::convert(OutputFormat::Json).url(file.url()))
        .unwrap()
    else {
        panic!("async")
    };
    emulator.fail_next(
        Endpoint::JobCheck,
        body(200, "application/json", r#"{"remainingCredits": 5}"#),
    );
    let err = client.wait(&job, |_| {}).unwrap_err();
    assert!(
        matches!(&err, Error::Decode { step: Step::JobCheck, detail, .. } if detail.contains("missing `status`")),
        "{err:?}"
    );
    assert_eq!(err.job_id(), Some(job.id()));
}

#[test]
fn excerpts_mask_secrets_the_server_echoes() {
    let (emulator, client) = setup_no_retry();
    let key = emulator.api_key();
    let echo = format!(
        "<html>bad request x-api-key={key} url=https://s3/x?X-Amz-Signature=deadbeef1234&a=1</html>"
    );
    emulator.fail_next(Endpoint::Presign, body(200, "text/html", &echo));
    let err = client.upload(SAMPLE).unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_clean(&format!("{err} {err:?}"), &[&key, "deadbeef1234"]);
    emulator.fail_next(Endpoint::Presign, body(500, "text/html", &echo));
    let err = client.upload(SAMPLE).unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &[&key, "deadbeef1234"]);
}
