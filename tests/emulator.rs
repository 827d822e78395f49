//! The emulator, driven with raw HTTP the way PDF.co's own samples and S3 clients talk.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::SAMPLE;
use pdfco::testing::{Emulator, Host};
use serde_json::Value;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn json(mut response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.body_mut().read_to_vec().unwrap()).unwrap(),
    )
}

/// Presigns and uploads the sample the tutorial's way (the key sent along to storage too).
fn upload(emulator: &Emulator) -> String {
    let key = emulator.api_key();
    let (status, presigned) = json(
        agent()
            .get(format!("{}/file/upload/get-presigned-url?contenttype=application/octet-stream&name=sample.pdf", emulator.base_url()))
            .header("x-api-key", &key)
            .call()
            .unwrap(),
    );
    assert_eq!(status, 200);
    assert_eq!(
        (presigned["error"].clone(), presigned["status"].clone()),
        (Value::Bool(false), Value::from(200))
    );
    let put = presigned["presignedUrl"].as_str().unwrap();
    assert!(
        put.contains("X-Amz-SignedHeaders=content-type%3Bhost")
            && put.contains("X-Amz-Expires=900"),
        "{put}"
    );
    let response = agent()
        .put(put)
        .header("x-api-key", &key)
        .header("content-type", "application/octet-stream")
        .send(std::fs::read(SAMPLE).unwrap())
        .unwrap();
    assert_eq!(response.status(), 200);
    presigned["url"].as_str().unwrap().to_string()
}

fn raw(addr: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

fn check(emulator: &Emulator, job_id: &str) -> Value {
    let url = format!("{}/job/check?jobid={job_id}", emulator.base_url());
    json(
        agent()
            .get(url)
            .header("x-api-key", emulator.api_key())
            .call()
            .unwrap(),
    )
    .1
}

#[test]
fn the_python_tutorial_requests_work() {
    let emulator = Emulator::start().unwrap();
    let url = upload(&emulator);
    // requests.post(url, data=parameters): a form body with Python's `True` and empty fields.
    let (status, started) = json(
        agent()
            .post(format!("{}/pdf/convert/to/json", emulator.base_url()))
            .header("x-api-key", emulator.api_key())
            .send_form([
                ("async", "True"),
                ("name", "out.json"),
                ("password", ""),
                ("pages", ""),
                ("url", url.as_str()),
            ])
            .unwrap(),
    );
    assert_eq!(status, 200, "{started}");
    let job_id = started["jobId"].as_str().unwrap();
    assert_eq!(check(&emulator, job_id)["status"], "working");
    let done = check(&emulator, job_id);
    assert_eq!(done["status"], "success");
    assert_eq!(
        done["url"], started["url"],
        "the result URL given at the start is the one that works"
    );
    let response = agent()
        .get(started["url"].as_str().unwrap())
        .call()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[test]
fn multipart_query_string_and_untyped_json_requests_work() {
    let emulator = Emulator::start().unwrap();
    let url = upload(&emulator);
    let key = emulator.api_key();
    let endpoint = format!("{}/pdf/convert/to/json", emulator.base_url());

    // cURL's --form: multipart/form-data, synchronous by default.
    let boundary = "XyZBoundary123";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\n{url}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"pages\"\r\n\r\n1\r\n--{boundary}--\r\n"
    );
    let (status, answer) = json(
        agent()
            .post(&endpoint)
            .header("x-api-key", &key)
            .content_type(format!("multipart/form-data; boundary={boundary}"))
            .send(body)
            .unwrap(),
    );
    assert_eq!(
        (status, answer["pageCount"].clone()),
        (200, Value::from(1)),
        "{answer}"
    );
    assert!(answer["url"].is_string() && answer.get("jobId").is_none());

    // GET with query parameters and the key as a query parameter (the old docs' style).
    let query = format!(
        "{endpoint}?url={}&pages=0&x-api-key={key}",
        pdfco_encode(&url)
    );
    let (status, answer) = json(agent().get(query).call().unwrap());
    assert_eq!(
        (status, answer["pageCount"].clone()),
        (200, Value::from(1)),
        "{answer}"
    );

    // A JSON string without a JSON content type, as some samples send; names in other case.
    let body = serde_json::json!({ "URL": url, "Async": "TRUE" }).to_string();
    let (status, answer) = json(
        agent()
            .post(&endpoint)
            .header("x-api-key", &key)
            .content_type("text/plain")
            .send(body)
            .unwrap(),
    );
    assert_eq!(status, 200, "{answer}");
    assert!(answer["jobId"].is_string());
}

fn pdfco_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn job_check_accepts_post_bodies_in_every_documented_spelling() {
    let emulator = Emulator::builder().working_checks(0).start().unwrap();
    let url = upload(&emulator);
    let key = emulator.api_key();
    let (_, started) = json(
        agent()
            .post(format!("{}/pdf/convert/to/xlsx", emulator.base_url()))
            .header("x-api-key", &key)
            .send_json_like(serde_json::json!({ "url": url, "async": true }))
            .unwrap(),
    );
    let id = started["jobId"].as_str().unwrap();
    let check_url = format!("{}/job/check", emulator.base_url());
    for body in [
        serde_json::json!({ "jobid": id }),
        serde_json::json!({ "jobId": id }),
    ] {
        let (status, answer) = json(
            agent()
                .post(&check_url)
                .header("x-api-key", &key)
                .send_json_like(body)
                .unwrap(),
        );
        assert_eq!(
            (status, answer["status"].as_str()),
            (200, Some("success")),
            "{answer}"
        );
    }
    let (_, answer) = json(
        agent()
            .post(&check_url)
            .header("x-api-key", &key)
            .send_form([("jobid", id)])
            .unwrap(),
    );
    assert_eq!(answer["status"], "success");
    // An unknown id: "working" forever, unless forced.
    let (_, answer) = json(
        agent()
            .post(&check_url)
            .header("x-api-key", &key)
            .send_form([("jobid", "NOPE")])
            .unwrap(),
    );
    assert_eq!(answer["status"], "working");
    let (_, answer) = json(
        agent()
            .post(&check_url)
            .header("x-api-key", &key)
            .send_form([("jobid", "NOPE"), ("force", "true")])
            .unwrap(),
    );
    assert_eq!(answer["status"], "unknown");
}

trait SendJsonLike {
    fn send_json_like(self, value: Value) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>;
}

impl SendJsonLike for ureq::RequestBuilder<ureq::typestate::WithBody> {
    fn send_json_like(self, value: Value) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        self.content_type("application/json")
            .send(value.to_string())
    }
}

#[test]
fn api_refusals_have_pdf_co_error_bodies() {
    let emulator = Emulator::start().unwrap();
    let (status, body) = json(
        agent()
            .get(format!(
                "{}/file/upload/get-presigned-url?name=a.pdf",
                emulator.base_url()
            ))
            .call()
            .unwrap(),
    );
    assert_eq!(status, 401);
    assert_eq!(
        (body["error"].clone(), body["status"].clone()),
        (Value::Bool(true), Value::from(401))
    );
    assert!(body["message"].as_str().unwrap().contains("API key"));

    let key = emulator.api_key();
    let (status, body) = json(
        agent()
            .get(format!("{}/no/such/endpoint", emulator.base_url()))
            .header("x-api-key", &key)
            .call()
            .unwrap(),
    );
    assert_eq!((status, body["error"].clone()), (404, Value::Bool(true)));

    let (status, body) = json(
        agent()
            .post(format!("{}/pdf/convert/to/json", emulator.base_url()))
            .header("x-api-key", &key)
            .send_form([("pages", "1")])
            .unwrap(),
    );
    assert_eq!(status, 400, "url is required: {body}");

    let big = vec![b'a'; 4 * 1024 * 1024 + 10];
    let (status, _) = json(
        agent()
            .post(format!("{}/pdf/convert/to/json", emulator.base_url()))
            .header("x-api-key", &key)
            .send(big)
            .unwrap(),
    );
    assert_eq!(status, 400, "requests over 4 MB are refused");
}

fn presigned_put(emulator: &Emulator, content_type: Option<&str>) -> (String, String) {
    let mut url = format!(
        "{}/file/upload/get-presigned-url?name=x.bin",
        emulator.base_url()
    );
    if let Some(ct) = content_type {
        url.push_str(&format!("&contenttype={ct}"));
    }
    let (_, body) = json(
        agent()
            .get(url)
            .header("x-api-key", emulator.api_key())
            .call()
            .unwrap(),
    );
    let put = body["presignedUrl"].as_str().unwrap().to_string();
    let target = put
        .trim_start_matches(&emulator.storage_origin())
        .to_string();
    (put, target)
}

#[test]
fn storage_refuses_what_s3_refuses() {
    let emulator = Emulator::start().unwrap();
    let storage = emulator.storage_origin();
    let addr = storage.trim_start_matches("http://");

    // Chunked body: 501 NotImplemented naming Transfer-Encoding.
    let (_, target) = presigned_put(&emulator, Some("application/octet-stream"));
    let answer = raw(addr, format!(
        "PUT {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    ).as_bytes());
    assert!(answer.starts_with("HTTP/1.1 501"), "{answer}");
    assert!(
        answer.contains("<Code>NotImplemented</Code>")
            && answer.contains("<Header>Transfer-Encoding</Header>"),
        "{answer}"
    );
    let put = emulator
        .requests()
        .into_iter()
        .rfind(|r| r.host == Host::Storage)
        .unwrap();
    assert!(put.chunked, "the log records chunked bodies");

    // No Content-Length at all: 411.
    let answer = raw(addr, format!(
        "PUT {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
    ).as_bytes());
    assert!(
        answer.starts_with("HTTP/1.1 411") && answer.contains("MissingContentLength"),
        "{answer}"
    );

    // Another content type than the signed one: 403 SignatureDoesNotMatch.
    let (put, _) = presigned_put(&emulator, Some("application/octet-stream"));
    let response = agent()
        .put(&put)
        .content_type("application/pdf")
        .send(&b"data"[..])
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response
            .into_body()
            .read_to_string()
            .unwrap()
            .contains("SignatureDoesNotMatch")
    );

    // A tampered signature: 403.
    let bad = format!("{}0", put);
    let response = agent()
        .put(&bad)
        .content_type("application/octet-stream")
        .send(&b"data"[..])
        .unwrap();
    assert_eq!(response.status(), 403);

    // Without a signed content type, any content type goes (the 2019-era URLs).
    let (put, _) = presigned_put(&emulator, None);
    assert!(put.contains("X-Amz-SignedHeaders=host&"), "{put}");
    let response = agent()
        .put(&put)
        .content_type("application/pdf")
        .send(&b"data"[..])
        .unwrap();
    assert_eq!(response.status(), 200);

    // An unsigned GET is refused before the key is even looked up.
    let response = agent()
        .get(format!("{storage}/pdf-temp-files/NOPE/x.json"))
        .call()
        .unwrap();
    assert_eq!(
        response.status(),
        403,
        "unsigned requests are refused first"
    );
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let emulator = Emulator::start().unwrap();
    let agent = agent();
    for _ in 0..5 {
        let url = format!("{}/job/check?jobid=X", emulator.base_url());
        let (status, _) = json(
            agent
                .get(url)
                .header("x-api-key", emulator.api_key())
                .call()
                .unwrap(),
        );
        assert_eq!(status, 200);
    }
    let connections: Vec<u64> = emulator.requests().iter().map(|r| r.connection).collect();
    assert_eq!(connections, [1, 1, 1, 1, 1]);
}
