//! The `topdf` family against the emulator: other formats to PDF, spreadsheet conversions and
//! HTML templates. Each test checks the request as recorded (path, method, parameter
//! spelling) and the result itself (PDF pages, sizes and text read back with lopdf; the
//! converted spreadsheets' content).

mod common;

use common::{SAMPLE, TempDir, setup_no_retry};
use pdfco::testing::{Emulator, Host, RecordedRequest};
use pdfco::{
    Client, Error, HtmlTemplate, HtmlTemplates, Input, MediaType, Orientation, PaperSize, Request,
    SpreadsheetFormat,
};
use serde_json::{Value, json};

/// The one API request sent to `path` (`/v1/...`).
fn sent(emulator: &Emulator, path: &str) -> RecordedRequest {
    let mut found: Vec<RecordedRequest> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Api && r.path == path)
        .collect();
    assert_eq!(found.len(), 1, "one request to {path}");
    found.remove(0)
}

/// The JSON body of a recorded POST.
fn body(request: &RecordedRequest) -> Value {
    serde_json::from_str(request.body.as_deref().unwrap_or("")).unwrap()
}

/// Each page's text and media box, read back with lopdf.
fn pdf_pages(bytes: &[u8]) -> Vec<(String, Vec<f32>)> {
    let doc = lopdf::Document::load_mem(bytes).expect("lopdf reads the result");
    doc.get_pages()
        .iter()
        .map(|(&number, &id)| {
            let text = doc.extract_text(&[number]).unwrap_or_default();
            let page = doc.get_dictionary(id).unwrap();
            let media = page
                .get(b"MediaBox")
                .and_then(lopdf::Object::as_array)
                .map(|a| a.iter().map(|v| v.as_float().unwrap()).collect())
                .unwrap_or_default();
            (text, media)
        })
        .collect()
}

/// Runs `request` on `inputs`, saves the PDF and reads it back.
fn run_pdf<K>(
    client: &Client,
    request: &Request<K>,
    inputs: Vec<Input<'static>>,
) -> Result<Vec<(String, Vec<f32>)>, Error> {
    let dir = TempDir::new();
    let out = dir.join("out.pdf");
    let mut run = client.run(request);
    for input in inputs {
        run = run.input(input);
    }
    let report = run.save(&out)?;
    let bytes = std::fs::read(&out).unwrap();
    LAST_PDF.with(|last| *last.borrow_mut() = Some(bytes.clone()));
    let pages = pdf_pages(&bytes);
    assert_eq!(report.page_count(), Some(pages.len() as u64), "pageCount");
    Ok(pages)
}

thread_local! {
    /// The last PDF `run_pdf` saved on this thread.
    static LAST_PDF: std::cell::RefCell<Option<Vec<u8>>> = const { std::cell::RefCell::new(None) };
}

/// The last PDF `run_pdf` saved on this thread.
fn last_pdf() -> Vec<u8> {
    LAST_PDF
        .with(|last| last.borrow_mut().take())
        .expect("a saved PDF")
}

/// The files embedded in a PDF (its `EmbeddedFiles` name tree), with their contents.
fn embedded_files(pdf: &[u8]) -> Vec<(String, Vec<u8>)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let Ok(names) = doc.catalog().unwrap().get(b"Names") else {
        return Vec::new();
    };
    let names = doc.dereference(names).unwrap().1.as_dict().unwrap().clone();
    let tree = doc
        .dereference(names.get(b"EmbeddedFiles").unwrap())
        .unwrap()
        .1;
    let list = tree
        .as_dict()
        .unwrap()
        .get(b"Names")
        .unwrap()
        .as_array()
        .unwrap();
    list.chunks(2)
        .map(|pair| {
            let name = String::from_utf8_lossy(pair[0].as_str().unwrap()).into_owned();
            let spec = doc.dereference(&pair[1]).unwrap().1.as_dict().unwrap();
            let file = spec
                .get(b"EF")
                .unwrap()
                .as_dict()
                .unwrap()
                .get(b"F")
                .unwrap();
            let stream = doc.dereference(file).unwrap().1.as_stream().unwrap();
            (name, stream.get_plain_content().unwrap())
        })
        .collect()
}

fn all_text(pages: &[(String, Vec<f32>)]) -> String {
    pages
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn upload(client: &Client, name: &str, bytes: &[u8]) -> String {
    client
        .upload(Input::bytes(name.to_string(), bytes.to_vec()))
        .unwrap()
        .url()
        .to_string()
}

// ---------------------------------------------------------------------------------------
// HTML, templates and URLs.

#[test]
fn html_becomes_a_pdf_of_its_text_with_the_asked_page_size_synchronously() {
    let (emulator, client) = setup_no_retry();
    let request = Request::from_html(
        "<html><head><style>h1{}</style></head><body><h1>Quarterly &amp; report</h1>\
         <p>Revenue grew</p></body></html>",
    )
    .paper_size(PaperSize::A4)
    .orientation(Orientation::Landscape)
    .header("<i>Acme header</i>")
    .footer("Page footer")
    .margins("10mm")
    .media_type(MediaType::Screen)
    .print_background(true)
    .asynchronous(false);
    let pages = run_pdf(&client, &request, vec![]).unwrap();

    let sent = sent(&emulator, "/v1/pdf/convert/from/html");
    let body = body(&sent);
    assert_eq!(sent.method, "POST");
    assert_eq!(body["async"], json!(false));
    assert_eq!(body["paperSize"], json!("A4"));
    assert_eq!(body["orientation"], json!("Landscape"));
    assert_eq!(body["mediaType"], json!("screen"));
    assert_eq!(body["printBackground"], json!(true));
    assert_eq!(body["margins"], json!("10mm"));
    assert!(body.get("pages").is_none(), "no page selection");

    assert_eq!(pages.len(), 1);
    let (text, media) = &pages[0];
    assert_eq!(media, &[0.0, 0.0, 842.0, 595.0], "A4 landscape");
    for word in [
        "Quarterly & report",
        "Revenue grew",
        "Acme header",
        "Page footer",
    ] {
        assert!(text.contains(word), "{word} in {text}");
    }
    assert!(!text.contains("h1{}"), "style left out: {text}");
}

#[test]
fn long_html_runs_as_a_job_and_fills_several_pages() {
    let (emulator, client) = setup_no_retry();
    let html: String = (1..=120).map(|i| format!("<p>Paragraph {i}</p>")).collect();
    let request = Request::from_html(html).paper_size(PaperSize::Millimetres(100.0, 150.0));
    let pages = run_pdf(&client, &request, vec![]).unwrap();

    let body = body(&sent(&emulator, "/v1/pdf/convert/from/html"));
    assert_eq!(body["async"], json!(true));
    assert_eq!(body["paperSize"], json!("100mm 150mm"));
    assert!(emulator.job_count() >= 1, "a job ran");
    assert!(pages.len() > 1, "{} pages", pages.len());
    let (_, media) = &pages[0];
    assert!(
        (media[2] - 283.46).abs() < 0.1 && (media[3] - 425.2).abs() < 0.1,
        "{media:?}"
    );
    let text = all_text(&pages);
    assert!(
        text.contains("Paragraph 1") && text.contains("Paragraph 120"),
        "{text}"
    );
}

#[test]
fn html_templates_are_listed_fetched_and_filled() {
    let (emulator, client) = setup_no_retry();
    let listing = client.run(&Request::html_templates()).json().unwrap();
    let templates = HtmlTemplates::from_value(&listing).unwrap();
    let listed = sent(&emulator, "/v1/templates/html");
    assert_eq!(listed.method, "GET");
    assert!(templates.templates().len() >= 2);
    let first = &templates.templates()[0];
    let id = first.id().expect("an id");
    let sample = first.sample_data().expect("sample data");
    assert!(first.title().is_some());

    let one = client.run(&Request::html_template(id)).json().unwrap();
    let template = HtmlTemplate::from_value(&one).unwrap();
    let fetched = sent(&emulator, &format!("/v1/templates/html/{id}"));
    assert_eq!(fetched.method, "GET");
    assert_eq!(template.id(), Some(id));
    assert!(template.html().is_some_and(|h| h.contains("{{")), "{one}");

    // Filled from the template's own sample data, and from other data.
    let pages = run_pdf(&client, &Request::from_template(id, &sample), vec![]).unwrap();
    let text = all_text(&pages);
    assert!(
        text.contains("Ada Lovelace") && text.contains("INV-001"),
        "{text}"
    );
    let data = json!({ "invoiceNumber": "X-77", "client": { "name": "Grace Hopper" } });
    let request = Request::from_template(id, &data).asynchronous(false);
    let pages = run_pdf(&client, &request, vec![]).unwrap();
    let text = all_text(&pages);
    assert!(
        text.contains("X-77") && text.contains("Grace Hopper"),
        "{text}"
    );
    let requests = emulator.requests();
    let last = requests
        .iter()
        .rev()
        .find(|r| r.path == "/v1/pdf/convert/from/html")
        .unwrap();
    let body = body(last);
    assert_eq!(body["templateId"], json!(id));
    assert_eq!(
        body["templateData"],
        json!(data.to_string()),
        "templateData is a JSON string"
    );
}

#[test]
fn unknown_templates_are_refused_as_pdf_co_does() {
    let (_emulator, client) = setup_no_retry();
    let error = client
        .run(&Request::html_template(999_999))
        .json()
        .unwrap_err();
    assert_eq!(error.status(), Some(404), "{error}");
    let request = Request::from_template(999_999, &json!({})).asynchronous(false);
    let error = run_pdf(&client, &request, vec![]).unwrap_err();
    assert_eq!(error.status(), Some(447), "{error}");
}

#[test]
fn url_pages_on_the_emulator_are_fetched_and_outside_ones_only_named() {
    let (emulator, client) = setup_no_retry();
    let page = upload(
        &client,
        "page.html",
        b"<html><body><h2>Stored page</h2><p>with text</p></body></html>",
    );
    let request = Request::from_url(page.as_str())
        .do_not_wait_full_load(true)
        .asynchronous(false);
    let pages = run_pdf(&client, &request, vec![]).unwrap();
    let text = all_text(&pages);
    assert!(
        text.contains("Stored page") && text.contains("with text"),
        "{text}"
    );
    let body = body(&sent(&emulator, "/v1/pdf/convert/from/url"));
    assert_eq!(body["url"], json!(page));
    assert_eq!(body["DoNotWaitFullLoad"], json!(true));

    // Never fetched: the PDF names the page, without its query.
    let outside = Request::from_url("https://example.com/report?token=s3cret");
    let pages = run_pdf(&client, &outside, vec![]).unwrap();
    let text = all_text(&pages);
    assert!(text.contains("example.com/report"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}

// ---------------------------------------------------------------------------------------
// Documents, CSV, images, email.

/// The CRC-32 of ZIP and PNG.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A ZIP archive of `entries`, deflated where that is smaller (through lopdf's zlib
/// writer, without its header and checksum), as office files are.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, data) in entries {
        let mut stream = lopdf::Stream::new(lopdf::dictionary! {}, data.to_vec());
        stream.compress().unwrap();
        let (method, stored): (u16, Vec<u8>) = if stream.dict.get(b"Filter").is_ok() {
            let zlib = &stream.content;
            (8, zlib[2..zlib.len() - 4].to_vec())
        } else {
            (0, data.to_vec())
        };
        let offset = out.len() as u32;
        let crc = crc32(data);
        let mut common = Vec::new();
        common.extend_from_slice(&20u16.to_le_bytes()); // version needed
        common.extend_from_slice(&0u16.to_le_bytes()); // flags
        common.extend_from_slice(&method.to_le_bytes());
        common.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&(stored.len() as u32).to_le_bytes());
        common.extend_from_slice(&(data.len() as u32).to_le_bytes());
        common.extend_from_slice(&(name.len() as u16).to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&stored);
        directory.extend_from_slice(b"PK\x01\x02");
        directory.extend_from_slice(&20u16.to_le_bytes()); // version made by
        directory.extend_from_slice(&common);
        directory.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        directory.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let directory_at = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/\
         wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
    ])
}

/// A workbook of two worksheets: "Fruit" (shared strings and numbers) and "Second".
fn xlsx() -> Vec<u8> {
    let workbook = r#"<?xml version="1.0"?><workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Fruit" sheetId="1" r:id="rId1"/><sheet name="Second" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
    let rels = r#"<?xml version="1.0"?><Relationships><Relationship Id="rId2" Type="ws" Target="worksheets/sheet2.xml"/><Relationship Id="rId1" Type="ws" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let shared = r#"<?xml version="1.0"?><sst><si><t>Name</t></si><si><t>Count</t></si><si><t>Apple &amp; pear</t></si><si><r><t>Ban</t></r><r><t>ana</t></r></si></sst>"#;
    let sheet1 = r#"<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>12</v></c></row><row r="3"><c r="A3" t="s"><v>3</v></c><c r="C3" t="inlineStr"><is><t>ripe</t></is></c></row></sheetData></worksheet>"#;
    let sheet2 = r#"<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>second sheet</t></is></c></row></sheetData></worksheet>"#;
    zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/sharedStrings.xml", shared.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet1.as_bytes()),
        ("xl/worksheets/sheet2.xml", sheet2.as_bytes()),
    ])
}

#[test]
fn documents_become_pdfs_of_their_text() {
    let (emulator, client) = setup_no_retry();
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        (
            "notes.txt",
            b"First line\nSecond line\n".to_vec(),
            &["First line", "Second line"],
        ),
        (
            "letter.rtf",
            br"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 Dear \b reader\b0,\par Caf\'e9 open\par}"
                .to_vec(),
            &["Dear reader,", "Caf\u{e9} open"],
        ),
        (
            "memo.docx",
            docx(&["Memo heading", "Body of the memo &amp; more"]),
            &["Memo heading", "Body of the memo & more"],
        ),
    ];
    for (name, bytes, words) in cases {
        let request = Request::from_document();
        let pages = run_pdf(&client, &request, vec![Input::bytes(name, bytes)]).unwrap();
        let text = all_text(&pages);
        for word in words {
            assert!(text.contains(word), "{name}: {word} in {text}");
        }
    }
    let requests = emulator.requests();
    let calls: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/v1/pdf/convert/from/doc")
        .collect();
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|r| body(r)["url"].is_string()));

    // A PDF is not a document to convert: 442, as PDF.co answers a wrong type.
    let request = Request::from_document().asynchronous(false);
    let error = run_pdf(
        &client,
        &request,
        vec![Input::path(std::path::Path::new(SAMPLE))],
    )
    .unwrap_err();
    assert_eq!(error.status(), Some(442), "{error}");
}

#[test]
fn csv_and_xlsx_become_pdfs_of_their_cells() {
    let (emulator, client) = setup_no_retry();
    let request = Request::from_csv().autosize(true).asynchronous(false);
    let csv = b"City,Population\n\"Paris, FR\",2100000\n".to_vec();
    let pages = run_pdf(&client, &request, vec![Input::bytes("cities.csv", csv)]).unwrap();
    let text = all_text(&pages);
    assert!(
        text.contains("Paris, FR") && text.contains("2100000"),
        "{text}"
    );
    assert_eq!(
        body(&sent(&emulator, "/v1/pdf/convert/from/csv"))["autosize"],
        json!(true)
    );

    let request = Request::spreadsheet(SpreadsheetFormat::Pdf)
        .worksheet(2)
        .autosize(false);
    let pages = run_pdf(&client, &request, vec![Input::bytes("book.xlsx", xlsx())]).unwrap();
    assert!(all_text(&pages).contains("second sheet"));
    let body = body(&sent(&emulator, "/v1/xls/convert/to/pdf"));
    assert_eq!(body["worksheetIndex"], json!(2));
    assert_eq!(body["async"], json!(true));
}

/// The smallest headers of a PNG and a JPEG that say their size.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    png
}

fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8];
    jpeg.extend_from_slice(&height.to_be_bytes());
    jpeg.extend_from_slice(&width.to_be_bytes());
    jpeg.extend_from_slice(&[1, 1, 0x11, 0, 0xff, 0xd9]);
    jpeg
}

#[test]
fn images_become_one_page_each_in_order() {
    let (emulator, client) = setup_no_retry();
    let stored = upload(&client, "first.png", &png(640, 480));
    let request = Request::from_images().url(stored.as_str());
    let inputs = vec![Input::bytes("second.jpg", jpeg(300, 200))];
    let pages = run_pdf(&client, &request, inputs).unwrap();
    assert_eq!(pages.len(), 2);
    assert!(
        pages[0].0.contains("first.png") && pages[0].0.contains("640 x 480"),
        "{pages:?}"
    );
    assert!(
        pages[1].0.contains("second.jpg") && pages[1].0.contains("300 x 200"),
        "{pages:?}"
    );
    let body = body(&sent(&emulator, "/v1/pdf/convert/from/image"));
    let urls = body["url"].as_str().unwrap();
    assert_eq!(urls.split(',').count(), 2, "comma-joined: {urls}");
    assert!(urls.starts_with(&stored));

    let request = Request::from_images().asynchronous(false);
    let error = run_pdf(
        &client,
        &request,
        vec![Input::bytes("x.png", b"not an image".to_vec())],
    )
    .unwrap_err();
    assert_eq!(error.status(), Some(442), "{error}");
}

/// A real 8-bit RGB PNG of `width` x `height` (every scanline unfiltered, zlib through
/// lopdf), and its pixels.
fn real_png(width: u32, height: u32) -> (Vec<u8>, Vec<u8>) {
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|i| (i % 7 * 30) as u8)
        .collect();
    let mut scanlines = Vec::new();
    for row in pixels.chunks((width * 3) as usize) {
        scanlines.push(0);
        scanlines.extend_from_slice(row);
    }
    let mut stream = lopdf::Stream::new(lopdf::dictionary! {}, scanlines);
    stream.compress().unwrap();
    assert!(stream.dict.get(b"Filter").is_ok(), "compressed");
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
        out
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(b"IDAT", &stream.content));
    png.extend(chunk(b"IEND", &[]));
    (png, pixels)
}

/// The image drawn on a page: its dictionary and stream.
fn page_image(doc: &lopdf::Document, page: lopdf::ObjectId) -> lopdf::Stream {
    let page = doc.get_dictionary(page).unwrap();
    let resources = match page.get(b"Resources").unwrap() {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        other => other.as_dict().unwrap(),
    };
    let xobjects = resources.get(b"XObject").unwrap().as_dict().unwrap();
    let (_, reference) = xobjects.iter().next().expect("an image");
    let stream = doc.get_object(reference.as_reference().unwrap()).unwrap();
    stream.as_stream().unwrap().clone()
}

#[test]
fn images_are_drawn_on_pages_of_their_own_size() {
    let (_emulator, client) = setup_no_retry();
    let (png, pixels) = real_png(64, 48);
    // A real JPEG: the first page of the sample, as the emulator renders it.
    let dir = TempDir::new();
    let rendered = dir.join("rendered");
    client
        .run(&Request::convert(pdfco::OutputFormat::Jpg).pages("0"))
        .input(SAMPLE)
        .save(&rendered)
        .unwrap();
    let first = std::fs::read_dir(&rendered)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let jpeg = std::fs::read(first.path()).unwrap();
    assert!(jpeg.starts_with(b"\xff\xd8\xff"));
    let out = dir.join("images.pdf");
    client
        .run(&Request::from_images().asynchronous(false))
        .input(Input::bytes("chart.png", png))
        .input(Input::bytes("photo.jpg", jpeg.clone()))
        .save(&out)
        .unwrap();
    let doc = lopdf::Document::load(&out).unwrap();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    assert_eq!(pages.len(), 2);
    let media = |page: lopdf::ObjectId| -> Vec<f32> {
        let dict = doc.get_dictionary(page).unwrap();
        let values = dict.get(b"MediaBox").unwrap().as_array().unwrap();
        values.iter().map(|v| v.as_float().unwrap()).collect()
    };
    assert_eq!(media(pages[0]), [0.0, 0.0, 64.0, 48.0]);
    let image = page_image(&doc, pages[1]);
    let side = |name: &[u8]| image.dict.get(name).unwrap().as_i64().unwrap() as f32;
    assert_eq!(media(pages[1]), [0.0, 0.0, side(b"Width"), side(b"Height")]);

    let image = page_image(&doc, pages[0]);
    assert_eq!(image.dict.get(b"Width").unwrap().as_i64().unwrap(), 64);
    assert_eq!(image.dict.get(b"Height").unwrap().as_i64().unwrap(), 48);
    assert_eq!(
        image.decompressed_content().unwrap(),
        pixels,
        "the PNG's pixels"
    );
    let image = page_image(&doc, pages[1]);
    assert_eq!(
        image.dict.get(b"Filter").unwrap().as_name().unwrap(),
        b"DCTDecode"
    );
    assert_eq!(image.content, jpeg, "the JPEG as it came");
}

const EML: &str = "From: Ada <ada@example.com>\r\nTo: Bob <bob@example.com>\r\n\
Subject: Quarterly numbers\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
Numbers are =\r\nattached.\r\n--b1\r\nContent-Type: text/csv; name=\"q3.csv\"\r\n\
Content-Disposition: attachment; filename=\"q3.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
YSxiCjEsMgo=\r\n--b1--\r\n";

#[test]
fn emails_become_pdfs_of_their_headers_text_and_attachments() {
    let (emulator, client) = setup_no_retry();
    let request = Request::from_email()
        .paper_size(PaperSize::Letter)
        .asynchronous(false);
    let pages = run_pdf(
        &client,
        &request,
        vec![Input::bytes("mail.eml", EML.as_bytes().to_vec())],
    )
    .unwrap();
    let text = all_text(&pages);
    for word in [
        "Subject: Quarterly numbers",
        "From: Ada",
        "Numbers are attached.",
        "Attachment: q3.csv",
        "1,2",
    ] {
        assert!(text.contains(word), "{word} in {text}");
    }
    let saved = last_pdf();
    assert_eq!(
        embedded_files(&saved),
        [("q3.csv".to_string(), b"a,b\n1,2\n".to_vec())],
        "the attachment embedded, decoded from base64"
    );

    let request = Request::from_email()
        .embed_attachments(false)
        .convert_attachments(false);
    let pages = run_pdf(
        &client,
        &request,
        vec![Input::bytes("mail.eml", EML.as_bytes().to_vec())],
    )
    .unwrap();
    assert!(!all_text(&pages).contains("q3.csv"));
    let saved = last_pdf();
    assert!(embedded_files(&saved).is_empty());
    let requests = emulator.requests();
    let last = requests
        .iter()
        .rev()
        .find(|r| r.path == "/v1/pdf/convert/from/email")
        .unwrap();
    let body = body(last);
    assert_eq!(body["embedAttachments"], json!(false));
    assert_eq!(body["convertAttachments"], json!(false));
    assert_eq!(body["async"], json!(true));
}

// ---------------------------------------------------------------------------------------
// Spreadsheets to other formats.

#[test]
fn spreadsheets_convert_to_each_format() {
    let (emulator, client) = setup_no_retry();
    let book = || Input::bytes("book.xlsx", xlsx());

    let json = client
        .run(&Request::spreadsheet(SpreadsheetFormat::Json))
        .input(book())
        .json()
        .unwrap();
    assert_eq!(json[0], json!({ "Column0": "Name", "Column1": "Count" }));
    assert_eq!(
        json[1],
        json!({ "Column0": "Apple & pear", "Column1": "12" })
    );
    assert_eq!(json[2]["Column0"], json!("Banana"));
    assert_eq!(json[2]["Column2"], json!("ripe"), "a gap keeps the column");

    let request = Request::spreadsheet(SpreadsheetFormat::Csv)
        .separator_symbol(';')
        .quotation_symbol('\'')
        .asynchronous(false);
    let csv = client.run(&request).input(book()).text().unwrap();
    assert_eq!(csv.lines().next(), Some("Name;Count"));
    assert_eq!(csv.lines().nth(1), Some("Apple & pear;12"));
    let body = body(&sent(&emulator, "/v1/xls/convert/to/csv"));
    assert_eq!(body["separatorSymbol"], json!(";"));
    assert_eq!(body["quotationSymbol"], json!("'"));
    assert_eq!(body["async"], json!(false));

    let html = client
        .run(&Request::spreadsheet(SpreadsheetFormat::Html))
        .input(book())
        .text()
        .unwrap();
    assert!(
        html.contains("<td>Apple &amp; pear</td><td>12</td>"),
        "{html}"
    );
    let txt = client
        .run(&Request::spreadsheet(SpreadsheetFormat::Txt).worksheet(2))
        .input(book())
        .text()
        .unwrap();
    assert_eq!(txt.trim(), "second sheet");
    let xml = client
        .run(&Request::spreadsheet(SpreadsheetFormat::Xml))
        .input(Input::bytes("t.csv", b"a,b\n1,<2>\n".to_vec()))
        .text()
        .unwrap();
    assert!(xml.contains("<Column1>&lt;2&gt;</Column1>"), "{xml}");
    for path in ["json", "html", "txt", "xml"] {
        let request = sent(&emulator, &format!("/v1/xls/convert/to/{path}"));
        assert_eq!(request.method, "POST", "{path}");
    }
    let txt_body = self::body(&sent(&emulator, "/v1/xls/convert/to/txt"));
    assert_eq!(txt_body["worksheetIndex"], json!(2));
}

#[test]
fn worksheet_numbers_past_the_last_are_refused() {
    let (_emulator, client) = setup_no_retry();
    let request = Request::spreadsheet(SpreadsheetFormat::Json)
        .worksheet(3)
        .asynchronous(false);
    let error = client
        .run(&request)
        .input(Input::bytes("book.xlsx", xlsx()))
        .json()
        .unwrap_err();
    assert_eq!(error.status(), Some(449), "{error}");
    // By path, `worksheetIndex: 0` is read as the first worksheet (PDF.co's docs disagree
    // on the base).
    let request = Request::new("xls/convert/to/json").param("worksheetIndex", 0);
    let json = client
        .run(&request)
        .input(Input::bytes("book.xlsx", xlsx()))
        .json()
        .unwrap();
    assert_eq!(json[0]["Column0"], json!("Name"));
}

#[test]
fn bad_values_are_refused_before_any_request() {
    let (emulator, client) = setup_no_retry();
    let refusals: Vec<(Result<Value, Error>, &str)> = vec![
        (
            client
                .run(&Request::spreadsheet(SpreadsheetFormat::Csv).worksheet(0))
                .input(Input::bytes("a.csv", b"a".to_vec()))
                .json(),
            "worksheetIndex",
        ),
        (
            client
                .run(&Request::spreadsheet(SpreadsheetFormat::Json).separator_symbol(';'))
                .input(Input::bytes("a.csv", b"a".to_vec()))
                .json(),
            "separatorSymbol",
        ),
        (client.run(&Request::from_html("  ")).json(), "html"),
        (
            client
                .run(&Request::from_url("https://h/").paper_size(PaperSize::Pixels(0.0, 5.0)))
                .json(),
            "paperSize",
        ),
    ];
    for (result, name) in refusals {
        match result {
            Err(Error::InvalidOption { option, .. }) => assert_eq!(option, name),
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
}
