//! Endpoints beyond `pdf/convert/to/*`, called with raw requests (the crate has no generic
//! request type yet): `pdf/merge`, `pdf/merge2`, `pdf/info`, unknown paths, and the request
//! log that lets a test check what any endpoint received.

mod common;

use common::{ENCRYPTED, NOT_PDF, SAMPLE};
use pdfco::testing::{Emulator, Endpoint, Fault, Host, Outcome, RecordedRequest};
use serde_json::{Value, json};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn read_json(mut response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let bytes = response.body_mut().read_to_vec().unwrap();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
    (status, value)
}

/// POSTs a JSON body to `path` under the base URL, with the key.
fn post(emulator: &Emulator, path: &str, body: &Value) -> (u16, Value) {
    read_json(
        agent()
            .post(format!("{}/{path}", emulator.base_url()))
            .header("x-api-key", emulator.api_key())
            .content_type("application/json")
            .send(serde_json::to_vec(body).unwrap())
            .unwrap(),
    )
}

fn get_bytes(url: &str) -> (u16, Vec<u8>) {
    let mut response = agent().get(url).call().unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_vec().unwrap(),
    )
}

/// Uploads a fixture (or any bytes) through the client, as a user of the crate would.
fn upload(emulator: &Emulator, name: &str, bytes: &[u8]) -> String {
    let client = emulator.client_builder().build().unwrap();
    client
        .upload(pdfco::Input::bytes(name, bytes))
        .unwrap()
        .url()
        .to_string()
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// The text of a PDF stored at `url`, as the emulator's own text conversion reads it.
fn text_of(emulator: &Emulator, url: &str) -> String {
    let (status, answer) = post(
        emulator,
        "pdf/convert/to/text",
        &json!({ "url": url, "inline": true }),
    );
    assert_eq!(status, 200, "{answer}");
    answer["body"].as_str().unwrap().to_string()
}

fn lopdf_pages(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes)
        .expect("lopdf reads the result")
        .get_pages()
        .len()
}

/// A page's media box, set on the page or inherited from the page tree.
fn media_box(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<f32> {
    let mut node = doc.get_dictionary(page).unwrap();
    loop {
        if let Ok(values) = node.get(b"MediaBox").and_then(lopdf::Object::as_array) {
            return values.iter().map(|v| v.as_float().unwrap()).collect();
        }
        let parent = node.get(b"Parent").and_then(lopdf::Object::as_reference);
        node = doc.get_dictionary(parent.expect("a media box")).unwrap();
    }
}

fn check(emulator: &Emulator, job_id: &str) -> Value {
    post(emulator, "job/check", &json!({ "jobid": job_id })).1
}

fn assert_error(status: u16, answer: &Value, code: u16) {
    assert_eq!(status, code, "{answer}");
    assert_eq!(answer["error"], true, "{answer}");
    assert_eq!(answer["status"], code, "{answer}");
    assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn merge_joins_the_pdfs_in_order_into_one_readable_pdf() {
    let emulator = Emulator::start().unwrap();
    let url = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    let before = emulator.remaining_credits();

    let (status, answer) = post(
        &emulator,
        "pdf/merge",
        &json!({ "url": format!("{url},{url}"), "name": "both.pdf" }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["error"], false);
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["name"], "both.pdf");
    assert_eq!(answer["pageCount"], 6, "3 pages twice");
    assert_eq!(answer["credits"], 6);
    assert_eq!(answer["remainingCredits"], before - 6);
    assert!(answer["outputLinkValidTill"].is_string());
    let merged_url = answer["url"].as_str().unwrap();
    assert!(
        merged_url.starts_with(&emulator.storage_origin()) && merged_url.contains("/both.pdf?"),
        "{merged_url}"
    );

    let (status, merged) = get_bytes(merged_url);
    assert_eq!(status, 200);
    assert!(merged.starts_with(b"%PDF-"));
    assert_eq!(lopdf_pages(&merged), 6, "lopdf reads six pages back");
    // sample.pdf sets its page size on the page tree, which the merge replaces: each page
    // keeps it.
    let doc = lopdf::Document::load_mem(&merged).unwrap();
    for page in doc.get_pages().into_values() {
        assert_eq!(media_box(&doc, page), [0.0, 0.0, 612.0, 792.0]);
    }

    // The emulator reads its own result back: every page's text, twice over.
    let text = text_of(&emulator, merged_url);
    for line in [
        "Sample Invoice",
        "Gizmo (large)",
        "Thank you for your business",
    ] {
        assert_eq!(text.matches(line).count(), 2, "{line:?} in {text}");
    }
    let first = text.find("Sample Invoice").unwrap();
    let summary = text.find("Summary").unwrap();
    let second = text.rfind("Sample Invoice").unwrap();
    assert!(
        first < summary && summary < second,
        "pages in order: {text}"
    );
}

#[test]
fn merge_asks_for_urls_and_answers_form_and_query_requests() {
    let emulator = Emulator::start().unwrap();
    let (status, answer) = post(&emulator, "pdf/merge", &json!({}));
    assert_error(status, &answer, 400);

    let url = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    // The Python samples' form body, and a GET with the parameters in the query.
    let (status, answer) = read_json(
        agent()
            .post(format!("{}/pdf/merge", emulator.base_url()))
            .header("x-api-key", emulator.api_key())
            .send_form([("url", url.as_str()), ("async", "False")])
            .unwrap(),
    );
    assert_eq!((status, answer["pageCount"].clone()), (200, json!(3)));
    assert_eq!(answer["name"], "result.pdf", "the default name");
    let (status, answer) = read_json(
        agent()
            .get(format!("{}/pdf/merge", emulator.base_url()))
            .query("url", format!("{url},{url}"))
            .header("x-api-key", emulator.api_key())
            .call()
            .unwrap(),
    );
    assert_eq!((status, answer["pageCount"].clone()), (200, json!(6)));
}

#[test]
fn merge_fetches_urls_outside_the_emulator() {
    let emulator = Emulator::start().unwrap();
    // Another emulator's storage is a server this one does not know: fetched over HTTP.
    let elsewhere = Emulator::start().unwrap();
    let outside = upload(&elsewhere, "sample.pdf", &fixture(SAMPLE));
    let inside = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    let (status, answer) = post(
        &emulator,
        "pdf/merge",
        &json!({ "url": format!("{inside}, {outside}") }),
    );
    assert_eq!(
        (status, answer["pageCount"].clone()),
        (200, json!(6)),
        "{answer}"
    );
    assert!(
        elsewhere
            .requests()
            .iter()
            .any(|r| r.host == Host::Storage && r.method == "GET"),
        "the outside URL was fetched"
    );
}

#[test]
fn merge_runs_as_a_job_when_async() {
    let emulator = Emulator::builder().working_checks(1).start().unwrap();
    let url = upload(&emulator, "sample.pdf", &fixture(SAMPLE));

    let (status, answer) = post(
        &emulator,
        "pdf/merge",
        &json!({ "url": format!("{url},{url}"), "async": true }),
    );
    assert_eq!(status, 200, "{answer}");
    let job_id = answer["jobId"].as_str().unwrap().to_string();
    let result_url = answer["url"].as_str().unwrap().to_string();
    assert_eq!(answer["error"], false);
    assert_eq!(emulator.job_count(), 1);
    assert_eq!(
        get_bytes(&result_url).0,
        404,
        "not downloadable before a check has seen the job succeed"
    );

    assert_eq!(check(&emulator, &job_id)["status"], "working");
    let done = check(&emulator, &job_id);
    assert_eq!(done["status"], "success", "{done}");
    assert_eq!(done["url"], result_url.as_str());
    assert_eq!(done["pageCount"], 6);
    let (status, merged) = get_bytes(&result_url);
    assert_eq!(status, 200);
    assert_eq!(lopdf_pages(&merged), 6);
}

#[test]
fn merge_jobs_follow_the_scripted_outcome_and_refund() {
    let emulator = Emulator::builder().working_checks(0).start().unwrap();
    let url = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    emulator.set_outcome(Outcome::Failed("scripted failure".into()));
    let before = emulator.remaining_credits();
    let (_, answer) = post(
        &emulator,
        "pdf/merge",
        &json!({ "url": url, "async": "true" }),
    );
    let done = check(&emulator, answer["jobId"].as_str().unwrap());
    assert_eq!(
        (done["status"].clone(), done["message"].clone()),
        (json!("failed"), json!("scripted failure"))
    );
    assert_eq!(
        emulator.remaining_credits(),
        before - 2,
        "the job's credits came back; only the check cost"
    );
}

#[test]
fn merge_needs_the_password_of_a_protected_input() {
    let emulator = Emulator::builder().working_checks(0).start().unwrap();
    let sample = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    let locked = upload(&emulator, "encrypted.pdf", &fixture(ENCRYPTED));
    let urls = format!("{sample},{locked}");

    let (status, answer) = post(&emulator, "pdf/merge", &json!({ "url": urls }));
    assert_error(status, &answer, 441);
    let (status, answer) = post(
        &emulator,
        "pdf/merge",
        &json!({ "url": urls, "password": "wrong" }),
    );
    assert_error(status, &answer, 441);

    let (status, answer) = post(
        &emulator,
        "pdf/merge",
        &json!({ "url": urls, "password": "secret" }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["pageCount"], 6);
    let merged_url = answer["url"].as_str().unwrap();
    let (_, merged) = get_bytes(merged_url);
    let doc = lopdf::Document::load_mem(&merged).unwrap();
    assert!(
        !doc.is_encrypted() && doc.trailer.get(b"Encrypt").is_err(),
        "the result is not encrypted"
    );
    let text = text_of(&emulator, merged_url);
    assert_eq!(
        text.matches("Invoice No. 123456").count(),
        2,
        "the decrypted pages read as text: {text}"
    );

    // Asynchronously, the job fails with the same message.
    let (status, answer) = post(
        &emulator,
        "pdf/merge",
        &json!({ "url": urls, "async": true }),
    );
    assert_eq!(status, 200);
    let done = check(&emulator, answer["jobId"].as_str().unwrap());
    assert_eq!(done["status"], "failed", "{done}");
    assert!(
        done["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("password"),
        "{done}"
    );
}

#[test]
fn merge_of_a_damaged_or_missing_input_fails_as_conversions_do() {
    let emulator = Emulator::start().unwrap();
    let sample = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    let broken = upload(&emulator, "not-a-pdf.pdf", &fixture(NOT_PDF));
    let before = emulator.remaining_credits();
    for path in ["pdf/merge", "pdf/merge2"] {
        let (status, answer) = post(
            &emulator,
            path,
            &json!({ "url": format!("{sample},{broken}") }),
        );
        assert_error(status, &answer, 442);
    }
    let missing = format!("{}/nowhere/missing.pdf", emulator.storage_origin());
    let (status, answer) = post(
        &emulator,
        "pdf/merge",
        &json!({ "url": format!("{sample},{missing}") }),
    );
    assert_error(status, &answer, 400);
    assert_eq!(
        emulator.remaining_credits(),
        before,
        "failures cost nothing"
    );
}

#[test]
fn merge2_takes_pdfs_and_turns_other_files_into_a_page_that_names_them() {
    let emulator = Emulator::start().unwrap();
    let sample = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    let png = upload(
        &emulator,
        "photo.png",
        b"\x89PNG\r\n\x1a\n not really an image",
    );
    let xls = upload(
        &emulator,
        "table.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an OLE file",
    );

    let (status, answer) = post(
        &emulator,
        "pdf/merge2",
        &json!({ "url": format!("{png},{sample},{xls}"), "name": "mixed.pdf" }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["pageCount"], 5,
        "one page per other file, plus three"
    );
    assert_eq!(answer["name"], "mixed.pdf");
    let url = answer["url"].as_str().unwrap();
    let (_, merged) = get_bytes(url);
    assert_eq!(lopdf_pages(&merged), 5);
    let text = text_of(&emulator, url);
    let photo = text.find("photo.png").expect("a page names the image");
    let invoice = text.find("Sample Invoice").unwrap();
    let table = text
        .find("table.xls")
        .expect("a page names the spreadsheet");
    assert!(photo < invoice && invoice < table, "in order: {text}");

    // merge (not merge2) takes PDFs only.
    let (status, answer) = post(&emulator, "pdf/merge", &json!({ "url": png }));
    assert_error(status, &answer, 442);

    // Asynchronously too.
    let (_, answer) = post(
        &emulator,
        "pdf/merge2",
        &json!({ "url": format!("{sample},{png}"), "async": true }),
    );
    let job_id = answer["jobId"].as_str().unwrap();
    let mut done = check(&emulator, job_id);
    while done["status"] == "working" {
        done = check(&emulator, job_id);
    }
    assert_eq!(
        (done["status"].clone(), done["pageCount"].clone()),
        (json!("success"), json!(4))
    );
}

#[test]
fn info_reads_the_sample() {
    let emulator = Emulator::start().unwrap();
    let url = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    let before = emulator.remaining_credits();
    let (status, answer) = post(&emulator, "pdf/info", &json!({ "url": url }));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["error"], false);
    assert_eq!(answer["status"], 200);
    assert!(answer["remainingCredits"].as_u64().unwrap() < before);
    let info = &answer["info"];
    assert_eq!(info["PageCount"], 3, "{info}");
    assert_eq!(info["PageRectangle"]["Width"], 612);
    assert_eq!(info["PageRectangle"]["Height"], 792);
    assert_eq!(info["PageRectangle"]["Right"], 612);
    assert_eq!(info["PageRectangle"]["Bottom"], 792);
    assert_eq!(info["Title"], "pdfco sample invoice");
    assert_eq!(info["Producer"], "pdfco fixtures");
    assert_eq!(info["Author"], "");
    assert_eq!(info["Encrypted"], false);
    assert_eq!(info["PasswordProtected"], false);
    assert_eq!(info["EncryptionAlgorithm"], "None");
    assert_eq!(info["EmbeddedFileCount"], 0);
    for flag in [
        "PermissionPrinting",
        "PermissionModifyDocument",
        "PermissionContentExtraction",
        "PermissionModifyAnnotations",
        "PermissionFillForms",
        "PermissionAccessibility",
        "PermissionAssemble",
        "PermissionHighQualityPrint",
    ] {
        assert_eq!(info[flag], true, "{flag}");
    }
}

#[test]
fn info_reads_a_protected_file_with_its_password() {
    let emulator = Emulator::start().unwrap();
    let url = upload(&emulator, "encrypted.pdf", &fixture(ENCRYPTED));
    let (status, answer) = post(&emulator, "pdf/info", &json!({ "url": url }));
    assert_error(status, &answer, 441);
    let (status, answer) = post(
        &emulator,
        "pdf/info",
        &json!({ "url": url, "password": "nope" }),
    );
    assert_error(status, &answer, 441);

    let (status, answer) = post(
        &emulator,
        "pdf/info",
        &json!({ "url": url, "password": "secret" }),
    );
    assert_eq!(status, 200, "{answer}");
    let info = &answer["info"];
    assert_eq!(info["Encrypted"], true, "{info}");
    assert_eq!(info["PasswordProtected"], true);
    assert_eq!(info["EncryptionAlgorithm"], "RC4_128bit");
    assert_eq!(info["PageCount"], 3);
    assert_eq!(info["Title"], "pdfco sample invoice", "decrypted");
    // make_pdfs.py writes /P -3904: bits 3 to 6 and 9 to 12 are clear.
    assert_eq!(info["PermissionPrinting"], false);
    assert_eq!(info["PermissionContentExtraction"], false);
}

#[test]
fn info_answers_a_damaged_file_with_442() {
    let emulator = Emulator::start().unwrap();
    let url = upload(&emulator, "not-a-pdf.pdf", &fixture(NOT_PDF));
    let (status, answer) = post(&emulator, "pdf/info", &json!({ "url": url }));
    assert_error(status, &answer, 442);
}

#[test]
fn info_runs_as_a_job_when_async() {
    let emulator = Emulator::builder().working_checks(1).start().unwrap();
    let url = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    let (status, answer) = post(&emulator, "pdf/info", &json!({ "url": url, "async": true }));
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer.get("info").is_none(),
        "the start answer has no result"
    );
    let job_id = answer["jobId"].as_str().unwrap();
    let result_url = answer["url"].as_str().unwrap().to_string();
    assert_eq!(check(&emulator, job_id)["status"], "working");
    let done = check(&emulator, job_id);
    assert_eq!(done["status"], "success", "{done}");
    assert_eq!(done["info"]["PageCount"], 3, "{done}");
    assert_eq!(done["info"]["PageRectangle"]["Width"], 612);
    assert_eq!(done["url"], result_url.as_str());
    // The link holds the same answer as a JSON file.
    let (status, bytes) = get_bytes(&result_url);
    assert_eq!(status, 200);
    let stored: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(stored["info"], done["info"]);
}

#[test]
fn faults_can_be_scripted_for_merge_and_info() {
    let emulator = Emulator::start().unwrap();
    let url = upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    emulator.fail_next(Endpoint::Merge, Fault::Status(500));
    emulator.fail_next(Endpoint::Info, Fault::ErrorInBody(445));
    let (status, answer) = post(&emulator, "pdf/merge", &json!({ "url": url }));
    assert_error(status, &answer, 500);
    let (status, answer) = post(&emulator, "pdf/merge", &json!({ "url": url }));
    assert_eq!((status, answer["pageCount"].clone()), (200, json!(3)));
    let (status, answer) = post(&emulator, "pdf/info", &json!({ "url": url }));
    assert_eq!(
        (status, answer["error"].clone(), answer["status"].clone()),
        (200, json!(true), json!(445))
    );
    let (_, answer) = post(&emulator, "pdf/info", &json!({ "url": url }));
    assert_eq!(answer["info"]["PageCount"], 3);
}

#[test]
fn an_unknown_path_answers_404_with_pdfco_error_body() {
    let emulator = Emulator::start().unwrap();
    for path in ["pdf/no-such-endpoint", "pdf/info/unknown", "v2/nothing"] {
        let (status, answer) = post(
            &emulator,
            path,
            &json!({ "url": "https://example.com/a.pdf" }),
        );
        assert_error(status, &answer, 404);
    }
    assert_eq!(emulator.job_count(), 0);
}

fn last_api_request(emulator: &Emulator, path: &str) -> RecordedRequest {
    emulator
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.host == Host::Api && r.path == path)
        .unwrap_or_else(|| panic!("no request to {path}"))
}

#[test]
fn the_log_keeps_the_body_and_parameters_of_any_request() {
    let emulator = Emulator::start().unwrap();
    // A JSON body to a path the emulator does not know, with values of every JSON kind.
    let sent = r#"{"url":"https://example.com/a.pdf","searchStrings":["a","b"],"Angle":90,"async":true,"profiles":"{ 'x': 1 }"}"#;
    let status = agent()
        .post(format!("{}/pdf/edit/rotate/unknown", emulator.base_url()))
        .header("x-api-key", emulator.api_key())
        .content_type("application/json")
        .send(sent)
        .unwrap()
        .status();
    assert_eq!(status, 404);
    let logged = last_api_request(&emulator, "/v1/pdf/edit/rotate/unknown");
    assert_eq!(logged.body.as_deref(), Some(sent), "the body as sent");
    let params = logged.params();
    for (name, value) in [
        ("url", "https://example.com/a.pdf"),
        ("searchStrings", r#"["a","b"]"#),
        ("Angle", "90"),
        ("async", "true"),
        ("profiles", "{ 'x': 1 }"),
    ] {
        assert!(
            params.iter().any(|(n, v)| n == name && v == value),
            "{name}={value} in {params:?}"
        );
    }
    assert_eq!(
        logged.param("searchstrings").as_deref(),
        Some(r#"["a","b"]"#)
    );
    assert_eq!(logged.param("missing"), None);

    // A form body and a query to a known endpoint: both read, names as spelled.
    agent()
        .post(format!("{}/job/check?Force=true", emulator.base_url()))
        .header("x-api-key", emulator.api_key())
        .send_form([("jobId", "ABC"), ("note", "a b&c")])
        .unwrap();
    let logged = last_api_request(&emulator, "/v1/job/check");
    assert_eq!(logged.body.as_deref(), Some("jobId=ABC&note=a+b%26c"));
    assert_eq!(
        logged.params(),
        vec![
            ("Force".to_string(), "true".to_string()),
            ("jobId".to_string(), "ABC".to_string()),
            ("note".to_string(), "a b&c".to_string()),
        ]
    );

    // A multipart body, as the cURL samples send.
    let multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"URL\"\r\n\r\nhttps://example.com/b.pdf\r\n--XyZ\r\nContent-Disposition: form-data; name=\"Inline\"\r\n\r\ntrue\r\n--XyZ--\r\n";
    agent()
        .post(format!("{}/pdf/anything", emulator.base_url()))
        .header("x-api-key", emulator.api_key())
        .content_type("multipart/form-data; boundary=XyZ")
        .send(multipart)
        .unwrap();
    let logged = last_api_request(&emulator, "/v1/pdf/anything");
    assert_eq!(logged.body.as_deref(), Some(multipart));
    assert_eq!(
        logged.params(),
        vec![
            ("URL".to_string(), "https://example.com/b.pdf".to_string()),
            ("Inline".to_string(), "true".to_string()),
        ]
    );

    // Storage bodies are files: counted, not kept.
    upload(&emulator, "sample.pdf", &fixture(SAMPLE));
    let put = emulator
        .requests()
        .into_iter()
        .find(|r| r.host == Host::Storage && r.method == "PUT")
        .unwrap();
    assert_eq!(put.body, None);
    assert_eq!(put.body_len, fixture(SAMPLE).len() as u64);
}
