//! Step 1: upload through a presigned URL.

mod common;

use std::time::Duration;

use common::{SAMPLE, TempDir, assert_clean, on, setup, setup_no_retry, signature};
use pdfco::testing::{Emulator, Endpoint, Fault, Host};
use pdfco::{Error, Step};

#[test]
fn upload_presigns_with_the_key_then_puts_the_file_without_it() {
    let (emulator, client) = setup();
    let uploaded = client.upload(SAMPLE).unwrap();
    let size = std::fs::metadata(SAMPLE).unwrap().len();
    assert_eq!(uploaded.name(), "sample.pdf");
    assert_eq!(uploaded.size(), size);
    assert!(uploaded.url().starts_with(&emulator.storage_origin()));

    let api = on(&emulator, Host::Api);
    assert_eq!(api.len(), 1);
    assert_eq!(api[0].path, "/v1/file/upload/get-presigned-url");
    assert_eq!(
        api[0].header("x-api-key"),
        Some(emulator.api_key().as_str())
    );
    assert!(api[0].query.contains("name=sample.pdf"), "{}", api[0].query);
    assert!(
        api[0]
            .query
            .contains("contenttype=application%2Foctet-stream"),
        "{}",
        api[0].query
    );

    let storage = on(&emulator, Host::Storage);
    assert_eq!(storage.len(), 1);
    let put = &storage[0];
    assert_eq!((put.method.as_str(), put.status), ("PUT", 200));
    assert!(!put.chunked, "S3 refuses chunked uploads");
    assert_eq!(
        put.header("content-length"),
        Some(size.to_string().as_str())
    );
    assert_eq!(put.body_len, size);
    assert_eq!(put.header("content-type"), Some("application/octet-stream"));
    assert_eq!(
        put.header("x-api-key"),
        None,
        "the key must never reach storage"
    );
    assert_eq!(
        put.header("user-agent"),
        Some(concat!("pdfco/", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn uploaded_file_can_be_fetched_back_byte_for_byte() {
    let (_emulator, client) = setup();
    let uploaded = client.upload(SAMPLE).unwrap();
    let mut back = Vec::new();
    client
        .download(uploaded.url(), pdfco::Destination::writer(&mut back))
        .unwrap();
    assert_eq!(back, std::fs::read(SAMPLE).unwrap());
}

#[test]
fn large_upload_streams_with_exact_length() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let path = dir.join("big.bin");
    let data: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let uploaded = client.upload(&path).unwrap();
    let put = on(&emulator, Host::Storage).pop().unwrap();
    assert_eq!((put.body_len, put.chunked), (5_000_000, false));
    let mut back = Vec::new();
    client
        .download(uploaded.url(), pdfco::Destination::writer(&mut back))
        .unwrap();
    assert!(back == data, "round trip differs");
}

#[test]
fn missing_input_fails_before_any_request() {
    let (emulator, client) = setup();
    let err = client.upload("no/such/file.pdf").unwrap_err();
    assert!(matches!(err, Error::ReadInput { .. }), "{err:?}");
    assert!(err.is_local());
    assert!(err.to_string().contains("no/such/file.pdf"), "{err}");
    let dir = TempDir::new();
    let err = client.upload(dir.path()).unwrap_err();
    assert!(
        matches!(err, Error::ReadInput { .. }),
        "a folder is not a file: {err:?}"
    );
    assert!(
        emulator.requests().is_empty(),
        "no request may be sent for bad input"
    );
}

#[test]
fn presign_refusals_keep_pdf_co_status_and_message() {
    let (emulator, client) = setup_no_retry();
    for code in [401, 402, 429, 500] {
        emulator.fail_next(Endpoint::Presign, Fault::Status(code));
        match client.upload(SAMPLE).unwrap_err() {
            Error::Api {
                step,
                status,
                http_status,
                message,
                job_id,
                ..
            } => {
                assert_eq!(
                    (step, status, http_status, job_id),
                    (Step::Presign, code, code, None)
                );
                assert!(!message.is_empty() && message != "no message", "{message}");
            }
            other => panic!("{code}: expected Api, got {other:?}"),
        }
    }
    assert!(
        on(&emulator, Host::Storage).is_empty(),
        "nothing is uploaded after a refusal"
    );
}

#[test]
fn wrong_key_is_a_401_with_the_server_message() {
    let emulator = Emulator::start().unwrap();
    let client = pdfco::Client::builder("not-the-key")
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let err = client.upload(SAMPLE).unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("API key"), "{err}");
    assert_clean(&format!("{err} {err:?}"), &["not-the-key"]);
}

#[test]
fn expired_presigned_url_is_a_storage_403() {
    let emulator = Emulator::builder()
        .presign_lifetime(Duration::ZERO)
        .start()
        .unwrap();
    let client = emulator.client_builder().build().unwrap();
    match client.upload(SAMPLE).unwrap_err() {
        Error::Storage {
            step,
            status,
            code,
            message,
            ..
        } => {
            assert_eq!(
                (step, status, code.as_str()),
                (Step::Upload, 403, "AccessDenied")
            );
            assert!(message.contains("expired"), "{message}");
        }
        other => panic!("expected Storage, got {other:?}"),
    }
}

#[test]
fn storage_refusal_during_upload_is_typed() {
    let (emulator, client) = setup_no_retry();
    emulator.fail_next(Endpoint::Upload, Fault::Status(503));
    let err = client.upload(SAMPLE).unwrap_err();
    assert!(
        matches!(&err, Error::Storage { status: 503, code, .. } if code == "SlowDown"),
        "{err:?}"
    );
}

#[test]
fn uploaded_file_debug_hides_the_signature() {
    let (_emulator, client) = setup();
    let uploaded = client.upload(SAMPLE).unwrap();
    let sig = signature(uploaded.url());
    assert!(sig.len() >= 32, "the emulator signs its URLs");
    assert_clean(&format!("{uploaded:?}"), &[&sig]);
}

#[test]
fn a_redirect_within_the_api_origin_keeps_the_key() {
    let (emulator, client) = setup();
    let again = format!(
        "{}/file/upload/get-presigned-url?name=sample.pdf&contenttype=application%2Foctet-stream",
        emulator.base_url()
    );
    emulator.fail_next(Endpoint::Presign, Fault::Redirect(again));
    client.upload(SAMPLE).unwrap();
    let api = on(&emulator, Host::Api);
    assert_eq!(api.iter().map(|r| r.status).collect::<Vec<_>>(), [307, 200]);
    assert!(
        api.iter()
            .all(|r| r.header("x-api-key") == Some(emulator.api_key().as_str()))
    );
}

#[test]
fn a_redirect_to_another_host_never_carries_the_key() {
    let (emulator, client) = setup();
    let elsewhere = format!(
        "{}/v1/file/upload/get-presigned-url?name=sample.pdf",
        emulator.storage_origin()
    );
    emulator.fail_next(Endpoint::Presign, Fault::Redirect(elsewhere));
    let err = client.upload(SAMPLE).unwrap_err();
    assert_eq!(
        err.status(),
        Some(403),
        "storage refuses the unsigned request: {err:?}"
    );
    let hop = on(&emulator, Host::Storage)
        .pop()
        .expect("the redirect was followed");
    assert_eq!(hop.path, "/v1/file/upload/get-presigned-url");
    assert_eq!(
        hop.header("x-api-key"),
        None,
        "the key must not follow a redirect off the API origin"
    );
}

#[test]
fn storage_redirects_are_followed_for_uploads() {
    let (emulator, client) = setup();
    // A 307 on the PUT (as S3 sends for a bucket in another region) is followed by sending the
    // whole file again to the new place: here a presigned URL used once before, still valid.
    client.upload(SAMPLE).unwrap();
    let first = on(&emulator, Host::Storage).pop().unwrap();
    let put_url = format!(
        "{}{}?{}",
        emulator.storage_origin(),
        first.path,
        first.query
    );
    emulator.fail_next(Endpoint::Upload, Fault::Redirect(put_url));
    client.upload(SAMPLE).unwrap();
    let puts: Vec<_> = on(&emulator, Host::Storage)
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(
        puts.iter().map(|r| r.status).collect::<Vec<_>>(),
        [200, 307, 200]
    );
    assert_eq!(puts[2].body_len, std::fs::metadata(SAMPLE).unwrap().len());
    assert!(puts.iter().all(|r| r.header("x-api-key").is_none()));
}

#[test]
fn an_upload_can_be_deleted_early() {
    let (emulator, client) = setup();
    let uploaded = client.upload(SAMPLE).unwrap();
    client
        .start(&pdfco::Request::new("file/delete").url(uploaded.url()))
        .unwrap();
    let delete = on(&emulator, Host::Api).pop().unwrap();
    assert_eq!(
        (delete.method.as_str(), delete.path.as_str()),
        ("POST", "/v1/file/delete")
    );
    assert_eq!(
        delete.header("x-api-key"),
        Some(emulator.api_key().as_str())
    );
    // Gone from storage, and a second delete is refused.
    let err = client
        .download(uploaded.url(), pdfco::Destination::writer(Vec::new()))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Storage { status: 404, .. }),
        "{err:?}"
    );
    let err = client
        .start(&pdfco::Request::new("file/delete").url(uploaded.url()))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                step: Step::Start,
                status: 404,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn upload_takes_bytes_and_readers_through_the_one_method() {
    let (emulator, client) = setup();
    let data = std::fs::read(SAMPLE).unwrap();
    let from_bytes = client
        .upload(pdfco::Input::bytes("memory.pdf", &data[..]))
        .unwrap();
    assert_eq!(
        (from_bytes.name(), from_bytes.size()),
        ("memory.pdf", data.len() as u64)
    );
    let from_reader = client
        .upload(pdfco::Input::reader(
            "streamed.pdf",
            &data[..],
            data.len() as u64,
        ))
        .unwrap();
    assert_eq!(
        (from_reader.name(), from_reader.size()),
        ("streamed.pdf", data.len() as u64)
    );
    for file in [&from_bytes, &from_reader] {
        let mut back = Vec::new();
        client
            .download(file.url(), pdfco::Destination::writer(&mut back))
            .unwrap();
        assert!(back == data, "{} differs after the round trip", file.name());
    }
    let puts = on(&emulator, Host::Storage);
    assert_eq!(puts.len(), 2 + 2, "two PUTs, then two GETs back");
    assert!(
        puts[..2]
            .iter()
            .all(|p| !p.chunked && p.body_len == data.len() as u64)
    );
}

#[test]
fn upload_of_a_short_reader_fails_and_is_not_retried() {
    let (emulator, client) = setup();
    let data = std::fs::read(SAMPLE).unwrap();
    let claimed = data.len() as u64 + 10;
    let err = client
        .upload(pdfco::Input::reader("short.pdf", &data[..], claimed))
        .unwrap_err();
    assert!(!err.to_string().is_empty());
    let puts = on(&emulator, Host::Storage);
    assert!(
        puts.len() <= 1,
        "a reader is read once: {} PUTs",
        puts.len()
    );
}

#[test]
fn upload_of_a_url_is_refused_before_any_request() {
    let (emulator, client) = setup();
    let err = client
        .upload(pdfco::Input::url("https://example.com/a.pdf"))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidOption { .. }), "{err:?}");
    assert!(err.to_string().contains("Request::url"), "{err}");
    assert!(err.is_local());
    assert!(emulator.requests().is_empty());
}
