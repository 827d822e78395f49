//! Barcodes (`barcode/generate`, `barcode/read/from/url`) and files (`file/upload`,
//! `file/upload/base64`, `file/upload/url`, `file/hash`, `file/delete`), typed and against
//! the emulator: what each request sends, and results checked by round trips.

mod common;

use common::{ENCRYPTED, NOT_PDF, SAMPLE, TempDir};
use lopdf::{Document, Object, Stream, dictionary};
use pdfco::testing::{Emulator, Host, RecordedRequest};
use pdfco::{BarcodeType, Barcodes, Client, Conversion, Error, FileHash, Request};
use serde_json::{Value, json};

fn setup() -> (Emulator, Client) {
    let emulator = Emulator::builder().working_checks(1).start().unwrap();
    let client = emulator
        .client_builder()
        .retry(pdfco::RetryPolicy::disabled())
        .poll_interval(std::time::Duration::from_millis(20))
        .build()
        .unwrap();
    (emulator, client)
}

/// The API requests sent to `path` (`/v1/...`).
fn sent(emulator: &Emulator, path: &str) -> Vec<RecordedRequest> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Api && r.path == path)
        .collect()
}

fn only(emulator: &Emulator, path: &str) -> RecordedRequest {
    let mut found = sent(emulator, path);
    assert_eq!(found.len(), 1, "one request to {path}");
    found.remove(0)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn post(emulator: &Emulator, path: &str, body: &Value) -> (u16, Value) {
    let mut response = agent()
        .post(format!("{}/{path}", emulator.base_url()))
        .header("x-api-key", emulator.api_key())
        .content_type("application/json")
        .send(serde_json::to_vec(body).unwrap())
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.body_mut().read_to_vec().unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn get_bytes(url: &str) -> (u16, Vec<u8>) {
    let mut response = agent().get(url).call().unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_vec().unwrap())
}

/// Generates a barcode synchronously and returns the PNG.
fn generate(client: &Client, dir: &TempDir, t: BarcodeType, value: &str) -> Vec<u8> {
    let path = dir.join("code.png");
    client
        .run(&Request::barcode(t, value).asynchronous(false))
        .save(&path)
        .unwrap();
    std::fs::read(path).unwrap()
}

fn read(client: &Client, request: &Request<pdfco::kind::BarcodeRead>, input: &str) -> Barcodes {
    let value = client.run(request).input(input).json().unwrap();
    Barcodes::from_value(&value).unwrap()
}

/// The width, height and zlib data of an 8-bit greyscale PNG, read from its chunks.
fn png_parts(png: &[u8]) -> (u32, u32, Vec<u8>) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    let (mut at, mut size, mut data) = (8, (0, 0), Vec::new());
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = &png[at + 4..at + 8];
        let body = &png[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                size = (
                    u32::from_be_bytes(body[0..4].try_into().unwrap()),
                    u32::from_be_bytes(body[4..8].try_into().unwrap()),
                );
                assert_eq!(&body[8..10], &[8, 0], "8-bit grey");
            }
            b"IDAT" => data.extend_from_slice(body),
            _ => {}
        }
        at += 12 + len;
    }
    (size.0, size.1, data)
}

/// A PDF of `pages` text-free pages with the PNG drawn on page `on` as an image XObject, as
/// PDF writers embed PNGs (its zlib data with the PNG predictor).
fn pdf_with_image(png: &[u8], pages: u32, on: u32) -> Vec<u8> {
    let (width, height, data) = png_parts(png);
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let image = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image",
            "Width" => width as i64, "Height" => height as i64,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            "Filter" => "FlateDecode",
            "DecodeParms" => dictionary! {
                "Predictor" => 15, "Colors" => 1, "BitsPerComponent" => 8,
                "Columns" => width as i64,
            },
        },
        data,
    );
    let image_id = doc.add_object(image);
    let mut kids = Vec::new();
    for page in 0..pages {
        let draw = if page == on {
            format!("q {width} 0 0 {height} 50 50 cm /Im0 Do Q")
        } else {
            String::new()
        };
        let content = doc.add_object(Stream::new(dictionary! {}, draw.into_bytes()));
        let mut resources = dictionary! {};
        if page == on {
            resources.set("XObject", dictionary! { "Im0" => image_id });
        }
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => resources,
        });
        kids.push(Object::Reference(page_id));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => pages as i64 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_generated_barcode_reads_back_through_the_emulator_sync() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let value = "Invoice #42 — ünïcode, commas, and spaces";
    let png = generate(&client, &dir, BarcodeType::Code128, value);
    let generated = only(&emulator, "/v1/barcode/generate");
    assert_eq!(generated.param("type").as_deref(), Some("Code128"));
    assert_eq!(generated.param("value").as_deref(), Some(value));
    assert_eq!(generated.param("async").as_deref(), Some("false"));
    let (width, height, _) = png_parts(&png);
    assert!(width > 20 && height > 20, "{width}x{height}");

    let path = dir.join("code.png");
    let request =
        Request::read_barcodes(&[BarcodeType::QRCode, BarcodeType::Code128]).asynchronous(false);
    let found = read(&client, &request, path.to_str().unwrap());
    let recorded = only(&emulator, "/v1/barcode/read/from/url");
    assert_eq!(recorded.param("types").as_deref(), Some("QRCode,Code128"));
    assert_eq!(found.len(), 1, "{:?}", found.raw());
    let barcode = &found.as_slice()[0];
    assert_eq!(barcode.value(), Some(value));
    assert_eq!(barcode.barcode_type(), Some(BarcodeType::Code128));
    assert_eq!(barcode.type_name(), Some("Code128"));
    assert_eq!(barcode.page(), Some(0));
    assert_eq!(barcode.file(), Some("code.png"));
    assert!(barcode.confidence().is_some_and(|c| c > 0.0));
    let rect = barcode.rect().expect("a rect");
    assert!(
        rect.x > 0.0 && rect.y > 0.0,
        "inside the quiet zone: {rect:?}"
    );
    assert!(rect.x + rect.width <= f64::from(width) && rect.y + rect.height <= f64::from(height));
}

#[test]
fn a_generated_barcode_reads_back_through_jobs() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let path = dir.join("qr.png");
    // Jobs by default, for both endpoints.
    client
        .run(&Request::barcode(BarcodeType::QRCode, "https://example.com/p?id=7").name("qr.png"))
        .save(&path)
        .unwrap();
    let generated = only(&emulator, "/v1/barcode/generate");
    assert_eq!(generated.param("async").as_deref(), Some("true"));
    assert_eq!(generated.param("name").as_deref(), Some("qr.png"));
    let request = Request::read_barcodes(&[BarcodeType::QRCode]);
    let found = read(&client, &request, path.to_str().unwrap());
    assert_eq!(
        only(&emulator, "/v1/barcode/read/from/url")
            .param("async")
            .as_deref(),
        Some("true")
    );
    assert!(
        sent(&emulator, "/v1/job/check").len() >= 2,
        "both were jobs"
    );
    let values: Vec<_> = found.iter().filter_map(|b| b.value()).collect();
    assert_eq!(values, ["https://example.com/p?id=7"]);
}

#[test]
fn only_the_types_asked_for_are_reported() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    generate(&client, &dir, BarcodeType::DataMatrix, "dm");
    let path = dir.join("code.png");
    let other = Request::read_barcodes(&[BarcodeType::QRCode, BarcodeType::PDF417]);
    assert!(read(&client, &other, path.to_str().unwrap()).is_empty());
    let right = Request::read_barcodes(&[BarcodeType::DataMatrix]);
    assert_eq!(read(&client, &right, path.to_str().unwrap()).len(), 1);
}

#[test]
fn types_are_sent_in_each_endpoints_spelling() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let png = generate(&client, &dir, BarcodeType::Interleaved2of5, "0123456789");
    assert_eq!(
        only(&emulator, "/v1/barcode/generate")
            .param("type")
            .as_deref(),
        Some("I2of5")
    );
    assert!(!png.is_empty());
    let request = Request::read_barcodes(&[BarcodeType::Interleaved2of5]).asynchronous(false);
    let found = read(&client, &request, dir.join("code.png").to_str().unwrap());
    assert_eq!(
        only(&emulator, "/v1/barcode/read/from/url")
            .param("types")
            .as_deref(),
        Some("Interleaved2of5")
    );
    assert_eq!(found.as_slice()[0].value(), Some("0123456789"));
    assert_eq!(
        found.as_slice()[0].barcode_type(),
        Some(BarcodeType::Interleaved2of5)
    );
}

#[test]
fn barcodes_are_found_in_a_pdf_on_their_page_counted_from_zero() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let png = generate(&client, &dir, BarcodeType::QRCode, "on page two");
    let pdf = dir.join("labels.pdf");
    std::fs::write(&pdf, pdf_with_image(&png, 3, 1)).unwrap();
    let pdf = pdf.to_str().unwrap();

    let all = read(
        &client,
        &Request::read_barcodes(&[BarcodeType::QRCode]),
        pdf,
    );
    assert_eq!(all.len(), 1, "{:?}", all.raw());
    assert_eq!(all.as_slice()[0].value(), Some("on page two"));
    assert_eq!(all.as_slice()[0].page(), Some(1));
    assert_eq!(all.as_slice()[0].file(), Some("labels.pdf"));

    emulator.clear_requests();
    let first = Request::read_barcodes(&[BarcodeType::QRCode]).pages("0");
    assert!(read(&client, &first, pdf).is_empty());
    assert_eq!(
        only(&emulator, "/v1/barcode/read/from/url")
            .param("pages")
            .as_deref(),
        Some("0"),
        "0-based, sent as given"
    );
    let second = Request::read_barcodes(&[BarcodeType::QRCode]).pages("1-");
    assert_eq!(read(&client, &second, pdf).len(), 1);
}

#[test]
fn a_document_without_barcodes_has_none() {
    let (_emulator, client) = setup();
    let found = read(
        &client,
        &Request::read_barcodes(&[BarcodeType::QRCode]).asynchronous(false),
        SAMPLE,
    );
    assert!(found.is_empty());
    assert_eq!(found.page_count(), None, "the array alone");
}

#[test]
fn bad_inputs_get_pdfcos_error_codes() {
    let (emulator, client) = setup();
    let upload = |path: &str| client.upload(path).unwrap().url().to_string();
    let damaged = upload(NOT_PDF);
    let (status, answer) = post(
        &emulator,
        "barcode/read/from/url",
        &json!({ "url": damaged, "types": "QRCode" }),
    );
    assert_eq!((status, &answer["status"]), (442, &json!(442)), "{answer}");
    let encrypted = upload(ENCRYPTED);
    let (status, answer) = post(
        &emulator,
        "barcode/read/from/url",
        &json!({ "url": encrypted, "types": "QRCode" }),
    );
    assert_eq!(status, 441, "{answer}");
    let (status, _) = post(
        &emulator,
        "barcode/read/from/url",
        &json!({ "types": "QRCode" }),
    );
    assert_eq!(status, 400);
    let (status, _) = post(&emulator, "barcode/generate", &json!({ "type": "QRCode" }));
    assert_eq!(status, 400, "no value");
    let (status, _) = post(
        &emulator,
        "barcode/generate",
        &json!({ "type": "NoSuchType", "value": "x" }),
    );
    assert_eq!(status, 400, "unknown type");
    // A failure in a job fails the job with the same code.
    let request = Request::read_barcodes(&[BarcodeType::QRCode]).url(damaged.as_str());
    match client.run(&request).json() {
        Err(Error::JobFailed { .. }) | Err(Error::Api { status: 442, .. }) => {}
        other => panic!("expected the job to fail: {other:?}"),
    }
}

#[test]
fn bad_values_are_refused_before_any_request() {
    let (emulator, client) = setup();
    let refused: Vec<(Result<Value, Error>, &str)> = vec![
        (
            client
                .run(&Request::read_barcodes(&[]))
                .input(SAMPLE)
                .json(),
            "types",
        ),
        (
            client
                .run(&Request::read_barcodes(&[BarcodeType::Numly]))
                .input(SAMPLE)
                .json(),
            "types",
        ),
        (
            client
                .run(&Request::barcode(BarcodeType::Trioptic, "x"))
                .json(),
            "type",
        ),
        (
            client
                .run(&Request::barcode(BarcodeType::QRCode, ""))
                .json(),
            "value",
        ),
        (
            client
                .run(&Request::barcode(BarcodeType::QRCode, "x").decoration_image("logo.png"))
                .json(),
            "decorationImage",
        ),
        (
            client
                .run(&Request::upload_data_uri("not a data uri"))
                .json(),
            "file",
        ),
        (
            client
                .run(&Request::upload_data_uri("data:text/plain;base64,@@@"))
                .json(),
            "file",
        ),
        (
            client
                .run(&Request::upload_base64(&vec![0u8; 3 * 1024 * 1024 + 1]))
                .json(),
            "file",
        ),
    ];
    for (result, wanted) in refused {
        match result {
            Err(Error::InvalidOption { option, .. }) => assert_eq!(option, wanted),
            other => panic!("{wanted}: expected a local refusal, got {other:?}"),
        }
    }
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[test]
fn decoration_image_and_common_options_are_sent_as_pdfco_spells_them() {
    let (emulator, client) = setup();
    let request = Request::barcode(BarcodeType::QRCode, "v")
        .decoration_image("https://example.com/logo.png")
        .inline(true)
        .asynchronous(false);
    let Conversion::Finished(output) = client.start(&request).unwrap() else {
        panic!("synchronous")
    };
    assert!(output.url().is_some());
    let sent = only(&emulator, "/v1/barcode/generate");
    assert_eq!(
        sent.param("decorationImage").as_deref(),
        Some("https://example.com/logo.png")
    );
    assert_eq!(sent.param("inline").as_deref(), Some("true"));
}

#[test]
fn base64_uploads_store_the_bytes_and_hash_them() {
    let (emulator, client) = setup();
    let all_bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let dir = TempDir::new();
    let saved = dir.join("copy.bin");
    client
        .run(&Request::upload_base64(&all_bytes).permanent(true))
        .save(&saved)
        .unwrap();
    assert_eq!(std::fs::read(&saved).unwrap(), all_bytes);
    let sent = only(&emulator, "/v1/file/upload/base64");
    assert_eq!(sent.param("permanent").as_deref(), Some("true"));
    assert_eq!(sent.param("name").as_deref(), Some("copy.bin"));
    assert!(sent.param("async").is_none(), "answered at once");

    // SHA-256 test vectors (FIPS 180-2): the hash is of the stored bytes.
    for (text, digest) in [
        (
            "abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
    ] {
        let Conversion::Finished(stored) = client
            .start(&Request::upload_base64(text.as_bytes()))
            .unwrap()
        else {
            panic!("answered at once")
        };
        let url = stored.url().unwrap().to_string();
        let hash = client
            .run(&Request::file_hash().url(url.as_str()))
            .json()
            .unwrap();
        assert_eq!(FileHash::from_value(&hash).unwrap().hex(), digest);
        assert_eq!(
            sent_last(&emulator, "/v1/file/hash").param("url"),
            Some(url)
        );
    }
}

fn sent_last(emulator: &Emulator, path: &str) -> RecordedRequest {
    sent(emulator, path).pop().expect("a request")
}

#[test]
fn data_uri_uploads_store_the_decoded_bytes() {
    let (emulator, client) = setup();
    let request = Request::upload_data_uri("data:text/plain;base64,aGVsbG8gd29ybGQ=").name("h.txt");
    let Conversion::Finished(stored) = client.start(&request).unwrap() else {
        panic!("answered at once")
    };
    assert_eq!(stored.name(), Some("h.txt"));
    assert_eq!(
        get_bytes(stored.url().unwrap()),
        (200, b"hello world".to_vec())
    );
    assert_eq!(
        only(&emulator, "/v1/file/upload/base64")
            .param("file")
            .as_deref(),
        Some("data:text/plain;base64,aGVsbG8gd29ybGQ=")
    );
    let (status, _) = post(&emulator, "file/upload/base64", &json!({ "file": "@@" }));
    assert_eq!(status, 400, "not base64");
    let (status, _) = post(&emulator, "file/upload/base64", &json!({}));
    assert_eq!(status, 400, "no file");
}

#[test]
fn url_uploads_copy_the_file() {
    let (emulator, client) = setup();
    let original = client.upload(SAMPLE).unwrap().url().to_string();
    let request = Request::upload_from_url(original.as_str()).name("copy.pdf");
    let Conversion::Finished(stored) = client.start(&request).unwrap() else {
        panic!("answered at once")
    };
    let copy = stored.url().unwrap();
    assert_ne!(copy, original);
    assert_eq!(get_bytes(copy).1, std::fs::read(SAMPLE).unwrap());
    let sent = only(&emulator, "/v1/file/upload/url");
    assert_eq!(sent.param("url"), Some(original));
    assert_eq!(sent.param("name").as_deref(), Some("copy.pdf"));
    let missing = format!("{}/none/missing.pdf", emulator.storage_origin());
    match client.start(&Request::upload_from_url(missing)) {
        Err(Error::Api { status: 400, .. }) => {}
        other => panic!("expected 400: {other:?}"),
    }
}

#[test]
fn url_uploads_send_basic_auth_credentials() {
    let (emulator, client) = setup();
    let original = client.upload(SAMPLE).unwrap().url().to_string();
    let request = Request::upload_from_url(original).http_auth("user", "pa55");
    client.start(&request).unwrap();
    let sent = only(&emulator, "/v1/file/upload/url");
    assert_eq!(sent.param("httpusername").as_deref(), Some("user"));
    assert_eq!(sent.param("httppassword").as_deref(), Some("pa55"));
}

#[test]
fn multipart_uploads_store_the_file_part() {
    let (emulator, _client) = setup();
    let text = "a small text file\nwith two lines\n";
    let boundary = "XyZboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nnotes.txt\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.txt\"\r\n\
         Content-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    let mut response = agent()
        .post(format!("{}/file/upload", emulator.base_url()))
        .header("x-api-key", emulator.api_key())
        .content_type(format!("multipart/form-data; boundary={boundary}"))
        .send(body)
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let answer: Value =
        serde_json::from_slice(&response.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(answer["name"], json!("notes.txt"));
    assert_eq!(
        get_bytes(answer["url"].as_str().unwrap()),
        (200, text.as_bytes().to_vec())
    );
    let (status, _) = post(&emulator, "file/upload", &json!({ "name": "x" }));
    assert_eq!(status, 400, "no file part");
}

#[test]
fn multipart_uploads_keep_binary_files_byte_for_byte() {
    let (emulator, _client) = setup();
    let file: Vec<u8> = (0..=255u8)
        .chain(b"\r\n--not-the-boundary".iter().copied())
        .collect();
    let boundary = "BinBoundary7";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut response = agent()
        .post(format!("{}/file/upload", emulator.base_url()))
        .header("x-api-key", emulator.api_key())
        .content_type(format!("multipart/form-data; boundary={boundary}"))
        .send(&body[..])
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let answer: Value =
        serde_json::from_slice(&response.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(get_bytes(answer["url"].as_str().unwrap()), (200, file));
}

#[test]
fn file_hash_of_a_local_input_matches_the_same_bytes_uploaded_otherwise() {
    let (emulator, client) = setup();
    let from_run = client
        .run(&Request::file_hash())
        .input(SAMPLE)
        .json()
        .unwrap();
    let from_run = FileHash::from_value(&from_run).unwrap();
    assert_eq!(from_run.as_str().len(), 64);
    assert!(from_run.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
    let sample = std::fs::read(SAMPLE).unwrap();
    let Conversion::Finished(stored) = client.start(&Request::upload_base64(&sample)).unwrap()
    else {
        panic!("answered at once")
    };
    let again = client
        .run(&Request::file_hash().url(stored.url().unwrap()))
        .json()
        .unwrap();
    assert_eq!(FileHash::from_value(&again).unwrap().hex(), from_run.hex());
    let other = client
        .run(&Request::file_hash())
        .input(ENCRYPTED)
        .json()
        .unwrap();
    assert_ne!(FileHash::from_value(&other).unwrap().hex(), from_run.hex());
    assert!(
        sent(&emulator, "/v1/file/hash")
            .iter()
            .all(|r| r.param("async").is_none())
    );
    let (status, _) = post(&emulator, "file/hash", &json!({}));
    assert_eq!(status, 400);
}

#[test]
fn delete_file_removes_a_stored_file() {
    let (emulator, client) = setup();
    let Conversion::Finished(stored) = client.start(&Request::upload_base64(b"bye")).unwrap()
    else {
        panic!("answered at once")
    };
    let url = stored.url().unwrap().to_string();
    assert_eq!(get_bytes(&url).0, 200);
    client.start(&Request::delete_file(url.as_str())).unwrap();
    assert_eq!(
        only(&emulator, "/v1/file/delete").param("url"),
        Some(url.clone())
    );
    assert_ne!(get_bytes(&url).0, 200, "gone");
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                crc >> 1 ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The emulator's greyscale PNG as another encoder might write it: RGB, every row with the
/// `Sub` filter, deflate-compressed (by lopdf's flate2).
fn recompressed_rgb(png: &[u8]) -> Vec<u8> {
    let (width, height, zlib) = png_parts(png);
    let stored = Stream::new(dictionary! { "Filter" => "FlateDecode" }, zlib);
    let scanlines = stored.decompressed_content().unwrap();
    let row_len = width as usize + 1;
    let mut filtered = Vec::new();
    for row in scanlines.chunks(row_len) {
        assert_eq!(row[0], 0, "the emulator writes unfiltered rows");
        let rgb: Vec<u8> = row[1..].iter().flat_map(|&g| [g, g, g]).collect();
        filtered.push(1); // Sub
        for i in 0..rgb.len() {
            let left = if i >= 3 { rgb[i - 3] } else { 0 };
            filtered.push(rgb[i].wrapping_sub(left));
        }
    }
    let mut stream = Stream::new(dictionary! {}, filtered.clone());
    stream.compress().unwrap();
    assert!(stream.content.len() < filtered.len(), "really compressed");
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &stream.content);
    chunk(b"IEND", &[]);
    out
}

#[test]
fn a_compressed_filtered_rgb_png_of_the_symbol_reads_too() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let png = generate(&client, &dir, BarcodeType::PDF417, "re-encoded");
    let path = dir.join("rgb.png");
    std::fs::write(&path, recompressed_rgb(&png)).unwrap();
    let found = read(
        &client,
        &Request::read_barcodes(&[BarcodeType::PDF417]),
        path.to_str().unwrap(),
    );
    assert_eq!(found.as_slice()[0].value(), Some("re-encoded"));
}
