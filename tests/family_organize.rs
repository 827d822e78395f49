//! The organize family against the emulator: merge, merge2, split (1-based ranges), split2
//! (by text, by barcode), compress (v2), optimize, security add and remove. Each test checks
//! the request as sent (path, spelling, page base) and the result read back with lopdf.

mod common;

use std::path::Path;

use common::{ENCRYPTED, SAMPLE, TempDir, assert_clean, setup};
use pdfco::testing::Emulator;
use pdfco::{
    CompressConfig, Conversion, EncryptionAlgorithm, Error, ImageCompression, OutputFormat,
    PageRanges, PrintQuality, Request,
};
use serde_json::{Value, json};

/// The one API request the emulator received for `path` (`/v1/pdf/split`).
fn sent(emulator: &Emulator, path: &str) -> pdfco::testing::RecordedRequest {
    let mut found: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect();
    assert_eq!(found.len(), 1, "one request to {path}");
    found.remove(0)
}

/// The JSON body of a recorded request.
fn body_of(request: &pdfco::testing::RecordedRequest) -> Value {
    serde_json::from_str(request.body.as_deref().unwrap_or("null")).unwrap()
}

fn load(path: &Path) -> lopdf::Document {
    lopdf::Document::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of each page, as lopdf extracts it.
fn page_texts(doc: &lopdf::Document) -> Vec<String> {
    let pages = doc.get_pages();
    pages
        .keys()
        .map(|n| doc.extract_text(&[*n]).unwrap_or_default())
        .collect()
}

/// The saved files of a multi-file result, in order, with their page texts.
fn parts(dir: &TempDir) -> Vec<Vec<String>> {
    dir.files()
        .iter()
        .map(|name| page_texts(&load(&dir.join(name))))
        .collect()
}

/// Which sample pages (1, 2, 3 by their headings) each part holds.
fn headings(parts: &[Vec<String>]) -> Vec<Vec<u32>> {
    parts
        .iter()
        .map(|pages| {
            pages
                .iter()
                .map(|text| {
                    if text.contains("Sample Invoice") {
                        1
                    } else if text.contains("Items") {
                        2
                    } else if text.contains("Summary") {
                        3
                    } else {
                        0
                    }
                })
                .collect()
        })
        .collect()
}

fn tool(name: &str) -> bool {
    std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok()
}

// ---- merge, merge2 ----

#[test]
fn merge_joins_the_inputs_in_order() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("both.pdf");
    let request = Request::merge().asynchronous(false);
    client
        .run(&request)
        .input(SAMPLE)
        .input(SAMPLE)
        .save(&out)
        .unwrap();
    let texts = page_texts(&load(&out));
    assert_eq!(texts.len(), 6);
    assert!(texts[0].contains("Sample Invoice") && texts[3].contains("Sample Invoice"));
    let merge = sent(&emulator, "/v1/pdf/merge");
    assert_eq!(merge.param("url").unwrap().split(',').count(), 2);
    assert_eq!(merge.param("async").as_deref(), Some("false"));
}

#[test]
fn merge_any_takes_other_documents() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("mixed.pdf");
    client
        .run(&Request::merge_any())
        .input(SAMPLE)
        .input(pdfco::Input::bytes("notes.txt", b"plain notes".to_vec()))
        .save(&out)
        .unwrap();
    assert_eq!(
        load(&out).get_pages().len(),
        4,
        "3 pages and one for the text"
    );
    let merge = sent(&emulator, "/v1/pdf/merge2");
    assert_eq!(merge.param("async").as_deref(), Some("true"));
}

// ---- split ----

#[test]
fn split_makes_one_pdf_per_one_based_range_synchronously() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::split("1-2,3-".parse().unwrap()).asynchronous(false);
    let report = client.run(&request).input(SAMPLE).save(dir.path()).unwrap();
    assert_eq!(report.paths().len(), 2);
    assert_eq!(headings(&parts(&dir)), [vec![1, 2], vec![3]]);
    let split = sent(&emulator, "/v1/pdf/split");
    assert_eq!(
        split.param("pages").as_deref(),
        Some("1-2,3-"),
        "1-based as given"
    );
    assert_eq!(split.param("async").as_deref(), Some("false"));
}

#[test]
fn split_every_page_and_from_the_end_as_a_job() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    client
        .run(&Request::split(PageRanges::every_page()))
        .input(SAMPLE)
        .save(dir.path())
        .unwrap();
    assert_eq!(headings(&parts(&dir)), [vec![1], vec![2], vec![3]]);
    assert_eq!(
        sent(&emulator, "/v1/pdf/split").param("pages").as_deref(),
        Some("*")
    );

    let (emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::split("!1,1-!2".parse().unwrap());
    client.run(&request).input(SAMPLE).save(dir.path()).unwrap();
    assert_eq!(
        headings(&parts(&dir)),
        [vec![3], vec![1, 2]],
        "!1 is the last page"
    );
    assert_eq!(
        sent(&emulator, "/v1/pdf/split").param("async").as_deref(),
        Some("true")
    );
}

#[test]
fn split_refuses_page_zero_before_any_request() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    assert!(matches!(
        PageRanges::parse("0-1"),
        Err(Error::InvalidPages { .. })
    ));
    let request = Request::split(PageRanges::every_page()).pages("0-1");
    let err = client
        .run(&request)
        .input(SAMPLE)
        .save(dir.path())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidPages { .. }), "{err:?}");
    assert!(emulator.requests().is_empty(), "nothing sent");
}

#[test]
fn split_past_the_end_is_refused_by_the_emulator() {
    let (_emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::split("2-9".parse().unwrap())
        .asynchronous(false)
        .url(file.url());
    let err = client.start(&request).unwrap_err();
    assert_eq!(err.status(), Some(450), "{err:?}");
}

// ---- split2 ----

#[test]
fn split_by_text_starts_a_part_at_each_key_page() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    client
        .run(&Request::split_by_text("items"))
        .input(SAMPLE)
        .save(dir.path())
        .unwrap();
    assert_eq!(
        headings(&parts(&dir)),
        [vec![1], vec![3]],
        "key pages left out by default, case ignored"
    );
    assert_eq!(
        sent(&emulator, "/v1/pdf/split2")
            .param("searchString")
            .as_deref(),
        Some("items")
    );

    let (emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::split_by_text("Items")
        .exclude_key_pages(false)
        .case_sensitive(true)
        .asynchronous(false);
    client.run(&request).input(SAMPLE).save(dir.path()).unwrap();
    assert_eq!(headings(&parts(&dir)), [vec![1], vec![2, 3]]);
    let body = body_of(&sent(&emulator, "/v1/pdf/split2"));
    assert_eq!(body["excludeKeyPages"], json!(false));
    assert_eq!(body["caseSensitive"], json!(true));

    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::split_by_text("items").case_sensitive(true);
    client.run(&request).input(SAMPLE).save(dir.path()).unwrap();
    assert_eq!(
        headings(&parts(&dir)),
        [vec![1, 2, 3]],
        "no match: one part"
    );
}

#[test]
fn split_by_barcode_sends_pdfco_barcode_syntax() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::split_by_barcode(["qrcode", "code128"], "INV-")
        .regex_search(false)
        .asynchronous(false);
    client.run(&request).input(SAMPLE).save(dir.path()).unwrap();
    let body = body_of(&sent(&emulator, "/v1/pdf/split2"));
    assert_eq!(body["searchString"], "[[barcode:qrcode,code128 INV-]]");
    assert_eq!(body["regexSearch"], false);
    assert_eq!(
        headings(&parts(&dir)),
        [vec![1, 2, 3]],
        "the sample has no barcode"
    );
}

#[test]
fn split2_without_a_search_string_is_400() {
    let (_emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::new("pdf/split2")
        .asynchronous(false)
        .url(file.url());
    assert_eq!(client.start(&request).unwrap_err().status(), Some(400));
}

// ---- compress, optimize ----

#[test]
fn compress_sends_config_as_an_object_and_returns_a_smaller_pdf() {
    let (emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let config = CompressConfig::new()
        .color(ImageCompression::new().downsample(150, 225).jpeg(60))
        .garbage(4);
    let request = Request::compress()
        .config(config)
        .asynchronous(false)
        .url(file.url());
    let output = match client.start(&request).unwrap() {
        Conversion::Finished(output) => output,
        other => panic!("{other:?}"),
    };
    let body = body_of(&sent(&emulator, "/v2/pdf/compress"));
    assert!(body["config"].is_object(), "{body}");
    assert_eq!(
        body["config"]["images"]["color"]["compression"]["compression_params"]["quality"],
        60
    );
    assert_eq!(body["config"]["save"]["garbage"], 4);

    let dir = TempDir::new();
    let out = dir.join("small.pdf");
    client.download(&output, &out).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(
        output.answer()["fileSize"],
        json!(bytes.len()),
        "fileSize is the result's"
    );
    let original = std::fs::metadata(SAMPLE).unwrap().len() as usize;
    assert!(bytes.len() < original, "{} < {original}", bytes.len());
    let doc = load(&out);
    let texts = page_texts(&doc);
    assert_eq!(texts.len(), 3);
    assert!(texts[2].contains("Total"), "{texts:?}");

    // As a job, the default.
    let job_out = dir.join("job.pdf");
    let report = client
        .run(&Request::compress())
        .input(SAMPLE)
        .save(&job_out)
        .unwrap();
    assert!(report.job_id().is_some());
    assert_eq!(page_texts(&load(&job_out)).len(), 3);
}

#[test]
fn compress_refuses_a_config_that_is_not_an_object() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::compress().config_json(json!("{\"save\":{}}"));
    let err = client
        .run(&request)
        .input(SAMPLE)
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidOption {
                option: "config",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(emulator.requests().is_empty());

    // Sent by path anyway, PDF.co's refusal.
    let file = client.upload(SAMPLE).unwrap();
    let raw = Request::new("/v2/pdf/compress")
        .param("config", "[1]")
        .asynchronous(false)
        .url(file.url());
    assert_eq!(client.start(&raw).unwrap_err().status(), Some(400));
}

#[test]
fn optimize_returns_a_valid_pdf_and_its_size_as_a_job() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("optimized.pdf");
    let report = client
        .run(&Request::optimize())
        .input(SAMPLE)
        .save(&out)
        .unwrap();
    assert!(report.job_id().is_some(), "ran as a job");
    assert_eq!(page_texts(&load(&out)).len(), 3);
    assert_eq!(
        sent(&emulator, "/v1/pdf/optimize")
            .param("async")
            .as_deref(),
        Some("true")
    );

    let file = client.upload(SAMPLE).unwrap();
    let request = Request::optimize().asynchronous(false).url(file.url());
    let Conversion::Finished(output) = client.start(&request).unwrap() else {
        panic!("synchronous");
    };
    assert!(output.answer()["fileSize"].as_u64().unwrap() > 0);
    assert_eq!(output.page_count(), Some(3));
}

// ---- security ----

/// PDF.co's `pdf/info` of a stored file, read by the emulator.
fn info(client: &pdfco::Client, url: &str, password: Option<&str>) -> Result<Value, Error> {
    let mut request = Request::new("pdf/info").asynchronous(false).url(url);
    if let Some(password) = password {
        request = request.password(password);
    }
    client.run(&request).json()
}

#[test]
fn protect_writes_an_encrypted_pdf_for_each_algorithm() {
    for (algorithm, name) in [
        (EncryptionAlgorithm::Rc4_40, "RC4_40bit"),
        (EncryptionAlgorithm::Rc4_128, "RC4_128bit"),
        (EncryptionAlgorithm::Aes128, "AES_128bit"),
        (EncryptionAlgorithm::Aes256, "AES_256bit"),
    ] {
        let (emulator, client) = setup();
        let dir = TempDir::new();
        let out = dir.join("locked.pdf");
        let request = Request::protect("owner-pw-1")
            .user_password("user-pw-2")
            .encryption(algorithm)
            .allow_print_document(false)
            .print_quality(PrintQuality::HighResolution);
        assert_clean(&format!("{request:?}"), &["owner-pw-1", "user-pw-2"]);
        client.run(&request).input(SAMPLE).save(&out).unwrap();

        let body = body_of(&sent(&emulator, "/v1/pdf/security/add"));
        assert_eq!(body["ownerPassword"], "owner-pw-1");
        assert_eq!(body["userPassword"], "user-pw-2");
        assert_eq!(body["encryptionAlgorithm"], name);
        assert_eq!(body["allowPrintDocument"], false);
        assert_eq!(body["printQuality"], "HighResolution");

        // lopdf: encrypted; opens with either password.
        let bytes = std::fs::read(&out).unwrap();
        let locked = lopdf::Document::load_mem(&bytes);
        assert!(
            locked.is_err() || locked.unwrap().trailer.get(b"Encrypt").is_ok(),
            "{name}: still encrypted without a password"
        );
        // (lopdf 0.42 decrypts revision 2 wrongly from the owner password, which qpdf and
        // poppler accept: the owner password is checked with qpdf below.)
        let options = lopdf::LoadOptions::with_password("user-pw-2");
        let doc = lopdf::Document::load_mem_with_options(&bytes, options)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let texts = page_texts(&doc);
        assert_eq!(texts.len(), 3, "{name}");
        assert!(texts[0].contains("Sample Invoice"), "{name}: {texts:?}");

        // The emulator: 441 without the password, the algorithm with it.
        let url = client.upload(&out).unwrap().url().to_string();
        let err = info(&client, &url, None).unwrap_err();
        assert_eq!(err.status(), Some(441), "{name}: {err:?}");
        let info = info(&client, &url, Some("user-pw-2")).unwrap();
        assert_eq!(info["EncryptionAlgorithm"], name, "{info}");
        assert_eq!(info["PasswordProtected"], true);
        assert_eq!(info["PermissionPrinting"], false);
        assert_eq!(info["PermissionContentExtraction"], true);

        if tool("qpdf") {
            for (password, which) in [("user-pw-2", "user"), ("owner-pw-1", "owner")] {
                let check = std::process::Command::new("qpdf")
                    .arg("--check")
                    .arg("--show-encryption")
                    .arg(format!("--password={password}"))
                    .arg(&out)
                    .output()
                    .unwrap();
                let shown = String::from_utf8_lossy(&check.stdout);
                assert!(check.status.success(), "{name}: qpdf --check: {shown}");
                assert!(
                    shown.contains(&format!("Supplied password is {which} password")),
                    "{name}: {shown}"
                );
            }
        }
        if tool("pdftotext") {
            let text = std::process::Command::new("pdftotext")
                .args(["-upw", "user-pw-2"])
                .arg(&out)
                .arg("-")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&text.stdout);
            assert!(
                text.contains("Invoice No. 123456"),
                "{name}: poppler reads {text}"
            );
        }
    }
}

#[test]
fn protect_with_rc4_reads_back_through_the_emulators_text_conversion() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("locked.pdf");
    let request = Request::protect("owner")
        .user_password("reader")
        .encryption(EncryptionAlgorithm::Rc4_128)
        .asynchronous(false);
    client.run(&request).input(SAMPLE).save(&out).unwrap();
    let text = client
        .run(&Request::convert(OutputFormat::Text).password("reader"))
        .input(out.as_path())
        .text()
        .unwrap();
    assert!(text.contains("Invoice No. 123456"), "{text}");
    let err = client
        .run(&Request::convert(OutputFormat::Text))
        .input(out.as_path())
        .text()
        .unwrap_err();
    assert_eq!(err.status(), Some(441), "{err:?}");
}

#[test]
fn protect_with_an_owner_password_only_opens_without_one() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("restricted.pdf");
    let request = Request::protect("owner-only").allow_content_extraction(false);
    client.run(&request).input(SAMPLE).save(&out).unwrap();
    let url = client.upload(&out).unwrap().url().to_string();
    let info = info(&client, &url, None).unwrap();
    assert_eq!(info["Encrypted"], true);
    assert_eq!(info["PasswordProtected"], false);
    assert_eq!(info["PermissionContentExtraction"], false);
    assert_eq!(
        info["EncryptionAlgorithm"], "AES_128bit",
        "PDF.co's default"
    );
}

#[test]
fn unprotect_decrypts_with_the_password() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("open.pdf");
    let request = Request::unprotect().password("secret");
    client.run(&request).input(ENCRYPTED).save(&out).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert!(doc.trailer.get(b"Encrypt").is_err(), "no longer encrypted");
    assert!(page_texts(&doc)[0].contains("Sample Invoice"));
    assert_eq!(
        sent(&emulator, "/v1/pdf/security/remove")
            .param("password")
            .as_deref(),
        Some("secret")
    );
    if tool("pdfinfo") {
        let shown = std::process::Command::new("pdfinfo")
            .arg(&out)
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&shown.stdout);
        assert!(shown.contains("Encrypted:       no"), "{shown}");
    }

    // A round trip: protect, then unprotect, synchronously.
    let (_emulator, client) = setup();
    let locked = dir.join("locked.pdf");
    let request = Request::protect("o-pw")
        .user_password("u-pw")
        .asynchronous(false);
    client.run(&request).input(SAMPLE).save(&locked).unwrap();
    let opened = dir.join("opened.pdf");
    let request = Request::unprotect().password("o-pw").asynchronous(false);
    client
        .run(&request)
        .input(locked.as_path())
        .save(&opened)
        .unwrap();
    let doc = load(&opened);
    assert!(doc.trailer.get(b"Encrypt").is_err());
    assert_eq!(page_texts(&doc).len(), 3);
}

#[test]
fn unprotect_with_a_wrong_password_is_441_and_never_shows_it() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::unprotect().password("not-the-one");
    let err = client
        .run(&request)
        .input(ENCRYPTED)
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert_eq!(err.status(), Some(441), "{err:?}");
    assert_clean(&format!("{err} {err:?} {request:?}"), &["not-the-one"]);
}

#[test]
fn protect_passwords_never_show_even_when_the_server_repeats_them() {
    let (emulator, client) = setup();
    emulator.fail_next(
        pdfco::testing::Endpoint::Other,
        pdfco::testing::Fault::Echo {
            status: 400,
            message: "bad owner {ownerPassword} or user {userPassword}".into(),
        },
    );
    let dir = TempDir::new();
    let request = Request::protect("0wner-Secret-9")
        .user_password("us3r-Secret-8")
        .asynchronous(false);
    let err = client
        .run(&request)
        .input(SAMPLE)
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err:?}");
    assert!(
        err.to_string().contains("bad owner ***"),
        "echoed, masked: {err}"
    );
    assert_clean(
        &format!("{err} {err:?} {request:?}"),
        &["0wner-Secret-9", "us3r-Secret-8"],
    );
}

/// Starts `request` synchronously on `input` and returns PDF.co's error code.
fn refusal<K>(client: &pdfco::Client, request: Request<K>, input: &str) -> Option<u16> {
    let file = client.upload(input).unwrap();
    let request = request.asynchronous(false).url(file.url());
    client.start(&request).unwrap_err().status()
}

#[test]
fn every_endpoint_answers_442_for_a_damaged_input_and_441_for_a_locked_one() {
    let (_emulator, client) = setup();
    for input in [common::NOT_PDF, ENCRYPTED] {
        let code = if input == ENCRYPTED { 441 } else { 442 };
        let codes = [
            refusal(&client, Request::split(PageRanges::every_page()), input),
            refusal(&client, Request::split_by_text("Items"), input),
            refusal(&client, Request::compress(), input),
            refusal(&client, Request::optimize(), input),
            refusal(&client, Request::protect("o"), input),
            refusal(&client, Request::unprotect(), input),
        ];
        assert_eq!(codes, [Some(code); 6], "{input}");
    }
}

#[test]
fn a_locked_input_opens_with_its_password_everywhere() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::split("2".parse().unwrap()).password("secret");
    client
        .run(&request)
        .input(ENCRYPTED)
        .save(dir.path())
        .unwrap();
    assert_eq!(headings(&parts(&dir)), [vec![2]]);
    let dir = TempDir::new();
    let request = Request::split_by_text("Summary").password("secret");
    client
        .run(&request)
        .input(ENCRYPTED)
        .save(dir.path())
        .unwrap();
    assert_eq!(headings(&parts(&dir)), [vec![1, 2]]);
    let out = dir.join("small.pdf");
    let request = Request::compress().password("secret");
    client.run(&request).input(ENCRYPTED).save(&out).unwrap();
    let doc = load(&out);
    assert!(
        doc.trailer.get(b"Encrypt").is_err(),
        "compressed unencrypted"
    );
    assert_eq!(page_texts(&doc).len(), 3);
    let out = dir.join("relocked.pdf");
    let request = Request::protect("new-owner")
        .user_password("new-user")
        .password("secret");
    client.run(&request).input(ENCRYPTED).save(&out).unwrap();
    let url = client.upload(&out).unwrap().url().to_string();
    assert_eq!(
        info(&client, &url, Some("secret")).unwrap_err().status(),
        Some(441)
    );
    assert_eq!(
        info(&client, &url, Some("new-user")).unwrap()["PageCount"],
        3
    );
}
