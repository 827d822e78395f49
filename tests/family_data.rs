//! The `data` family against the emulator: `pdf/info`, `pdf/info/fields`, `pdf/find`,
//! `pdf/find/table` and `pdf/attachments/extract` (typed requests, what is sent, and the
//! results checked against the PDFs the tests make), and the JSON document model's
//! empty cells, page links and `outputLinkValidTill`.

mod common;

use common::{ENCRYPTED, NOT_PDF, SAMPLE, TempDir, setup};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};
use pdfco::testing::RecordedRequest;
use pdfco::{
    Conversion, Error, FormFields, Input, PdfInfo, Request, Tables, TextHits, WordMatching,
};
use serde_json::{Value, json};

/// The API requests made to `path` (after `/v1/`).
fn sent(emulator: &pdfco::testing::Emulator, path: &str) -> Vec<RecordedRequest> {
    let full = format!("/v1/{path}");
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.path == full)
        .collect()
}

/// A PDF whose pages hold texts at (x, y) in PDF points (from the bottom left), in
/// Helvetica 12, on US Letter pages; `more` adds to the document before it is saved.
fn pdf_with(
    pages: &[&[(f64, f64, &str)]],
    more: impl FnOnce(&mut Document, &[ObjectId]),
) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let mut kids = Vec::new();
    for texts in pages {
        let mut operations = Vec::new();
        for (x, y, text) in texts.iter() {
            operations.extend([
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 12.into()]),
                Operation::new("Td", vec![(*x).into(), (*y).into()]),
                Operation::new("Tj", vec![Object::string_literal(*text)]),
                Operation::new("ET", vec![]),
            ]);
        }
        let content = Content { operations }.encode().unwrap();
        let content = doc.add_object(Stream::new(dictionary! {}, content));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
            "Contents" => content,
        });
        kids.push(page);
    }
    let count = kids.len() as i64;
    let kid_refs: Vec<Object> = kids.iter().map(|id| (*id).into()).collect();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kid_refs, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    more(&mut doc, &kids);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn catalog(doc: &mut Document) -> &mut Dictionary {
    let id = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(id).unwrap()
}

// ---------------------------------------------------------------------------------------
// pdf/info

#[test]
fn info_reads_the_documents_properties_sync_and_async() {
    let (emulator, client) = setup();
    for asynchronous in [true, false] {
        let value = client
            .run(&Request::info().asynchronous(asynchronous))
            .input(SAMPLE)
            .json()
            .unwrap();
        let info = PdfInfo::from_value(&value).unwrap();
        assert_eq!(info.page_count(), Some(3), "{value}");
        assert_eq!(info.page_size(), Some((612.0, 792.0)));
        assert_eq!(
            (info.encrypted(), info.password_protected()),
            (Some(false), Some(false))
        );
        assert_eq!(info.can_print(), Some(true));
        assert_eq!(info.embedded_file_count(), Some(0));
        assert_eq!(info.raw(), &value);
    }
    let sent = sent(&emulator, "pdf/info");
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].param("async").as_deref(), Some("true"));
    assert_eq!(sent[1].param("async").as_deref(), Some("false"));
}

#[test]
fn info_of_a_protected_document_needs_its_password() {
    let (_emulator, client) = setup();
    let err = client
        .run(&Request::info())
        .input(ENCRYPTED)
        .json()
        .unwrap_err();
    assert_eq!(err.status(), Some(441), "{err}");
    let value = client
        .run(&Request::info().password("secret"))
        .input(ENCRYPTED)
        .json()
        .unwrap();
    let info = PdfInfo::from_value(&value).unwrap();
    assert_eq!(info.encrypted(), Some(true), "{value}");
    assert!(info.encryption_algorithm().is_some_and(|a| a != "None"));
}

// ---------------------------------------------------------------------------------------
// pdf/info/fields

/// Two pages; a text field on the first, a checkbox on the second, in an AcroForm.
fn form_pdf() -> Vec<u8> {
    pdf_with(
        &[&[(72.0, 700.0, "Name:")], &[(72.0, 700.0, "Agree:")]],
        |doc, pages| {
            let name = doc.add_object(dictionary! {
                "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx",
                "T" => Object::string_literal("name"), "TU" => Object::string_literal("Your name"),
                "V" => Object::string_literal("Ann"),
                "Rect" => vec![120.into(), 690.into(), 320.into(), 710.into()],
                "P" => pages[0],
            });
            let agree = doc.add_object(dictionary! {
                "Type" => "Annot", "Subtype" => "Widget", "FT" => "Btn",
                "T" => Object::string_literal("agree"), "V" => Object::Name(b"Yes".to_vec()),
                "Rect" => vec![130.into(), 695.into(), 145.into(), 710.into()],
            });
            for (page, field) in [(pages[0], name), (pages[1], agree)] {
                let dict = doc.get_dictionary_mut(page).unwrap();
                dict.set("Annots", vec![field.into()]);
            }
            let form = doc.add_object(dictionary! { "Fields" => vec![name.into(), agree.into()] });
            catalog(doc).set("AcroForm", form);
        },
    )
}

#[test]
fn form_fields_come_with_their_values_pages_and_places() {
    let (emulator, client) = setup();
    for asynchronous in [false, true] {
        let value = client
            .run(&Request::form_fields().asynchronous(asynchronous))
            .input(Input::bytes("form.pdf", form_pdf()))
            .json()
            .unwrap();
        let fields = FormFields::from_value(&value).unwrap();
        assert_eq!(fields.page_count(), Some(2), "{value}");
        assert_eq!(fields.fields().len(), 2, "{value}");
        let name = fields.field("name").unwrap();
        assert_eq!(
            (name.value(), name.alt_name()),
            (Some("Ann"), Some("Your name"))
        );
        assert_eq!(name.field_type(), Some("EditBox"));
        assert_eq!(name.page_index(), Some(0));
        // PDF.co's coordinates: from the top left of the page.
        assert_eq!(
            (name.left(), name.top()),
            (Some(120.0), Some(792.0 - 710.0))
        );
        assert_eq!((name.width(), name.height()), (Some(200.0), Some(20.0)));
        let agree = fields.field("agree").unwrap();
        assert_eq!(
            (agree.field_type(), agree.value()),
            (Some("CheckBox"), Some("Yes"))
        );
        assert_eq!(
            agree.page_index(),
            Some(1),
            "found through the page's annotations"
        );
    }
    assert_eq!(sent(&emulator, "pdf/info/fields").len(), 2);
}

#[test]
fn form_fields_of_a_document_without_a_form_and_of_bad_input() {
    let (_emulator, client) = setup();
    let value = client
        .run(&Request::form_fields())
        .input(SAMPLE)
        .json()
        .unwrap();
    let fields = FormFields::from_value(&value).unwrap();
    assert!(fields.fields().is_empty(), "{value}");
    assert_eq!(fields.page_count(), Some(3));
    let err = client
        .run(&Request::form_fields().asynchronous(false))
        .input(NOT_PDF)
        .json()
        .unwrap_err();
    assert_eq!(err.status(), Some(442), "{err}");
    let err = client
        .run(&Request::form_fields())
        .input(ENCRYPTED)
        .json()
        .unwrap_err();
    assert_eq!(err.status(), Some(441), "{err}");
}

// ---------------------------------------------------------------------------------------
// pdf/find

fn find_pdf() -> Vec<u8> {
    pdf_with(
        &[
            &[
                (72.0, 700.0, "Invoice Date 01/01/2016"),
                (72.0, 600.0, "Total due"),
            ],
            &[
                (72.0, 700.0, "Subtotal 150.00"),
                (72.0, 680.0, "TOTAL 200.00"),
            ],
        ],
        |_, _| {},
    )
}

fn find(client: &pdfco::Client, request: Request<pdfco::kind::Find>) -> TextHits {
    let value = client
        .run(&request)
        .input(Input::bytes("find.pdf", find_pdf()))
        .json()
        .unwrap();
    TextHits::from_value(&value).unwrap_or_else(|e| panic!("{e}: {value}"))
}

fn found(hits: &TextHits) -> Vec<(u64, String)> {
    hits.hits()
        .iter()
        .map(|h| (h.page_index().unwrap(), h.text().to_string()))
        .collect()
}

#[test]
fn find_text_gives_each_hit_with_its_page_and_place() {
    let (emulator, client) = setup();
    // Inline and synchronous: the hits in the answer.
    let hits = find(
        &client,
        Request::find_text("Total").inline(true).asynchronous(false),
    );
    assert_eq!(
        found(&hits),
        [(0, "Total".to_string())],
        "SmartMatch, case-sensitive"
    );
    let hit = &hits.hits()[0];
    assert_eq!(hit.left(), Some(72.0));
    let top = hit.top().unwrap();
    assert!(
        (792.0 - 600.0 - 12.0..=792.0 - 600.0).contains(&top),
        "{top}"
    );
    assert!(hit.width().unwrap() > 20.0 && hit.height().unwrap() > 5.0);
    assert_eq!(hit.elements().len(), 1);
    assert_eq!(hit.elements()[0].text(), "Total due");
    assert!(hit.bounds().is_some());
    let request = &sent(&emulator, "pdf/find")[0];
    assert_eq!(request.param("searchString").as_deref(), Some("Total"));
    assert_eq!(request.param("inline").as_deref(), Some("true"));

    // A job, not inline: the hits in a JSON file.
    let hits = find(&client, Request::find_text("total").case_sensitive(false));
    assert_eq!(
        found(&hits),
        [(0, "Total".to_string()), (1, "TOTAL".to_string())],
        "words only: not the `total` inside `Subtotal`"
    );
    let request = sent(&emulator, "pdf/find").pop().unwrap();
    assert_eq!(request.param("caseSensitive").as_deref(), Some("false"));
    assert_eq!(request.param("async").as_deref(), Some("true"));
}

#[test]
fn find_text_modes_regex_and_pages() {
    let (emulator, client) = setup();
    let none = find(
        &client,
        Request::find_text("total")
            .case_sensitive(false)
            .word_matching(WordMatching::None),
    );
    assert_eq!(
        found(&none).len(),
        3,
        "inside words too: {:?}",
        found(&none)
    );
    let exact = find(
        &client,
        Request::find_text("Tot")
            .word_matching(WordMatching::ExactMatch)
            .asynchronous(false),
    );
    assert!(exact.hits().is_empty(), "{:?}", found(&exact));
    let regex = find(&client, Request::find_text(r"\d+/\d+/\d{4}").regex(true));
    assert_eq!(found(&regex), [(0, "01/01/2016".to_string())]);
    let left = regex.hits()[0].left().unwrap();
    assert!(
        left > 72.0 + 50.0,
        "the date starts inside its line: {left}"
    );
    let page_two = find(
        &client,
        Request::find_text(r"[0-9]+\.[0-9]{2}")
            .regex(true)
            .pages("1"),
    );
    assert_eq!(
        found(&page_two),
        [(1, "150.00".to_string()), (1, "200.00".to_string())]
    );
    let requests = sent(&emulator, "pdf/find");
    let last = requests.last().unwrap();
    assert_eq!(
        last.param("pages").as_deref(),
        Some("1"),
        "0-based, as given"
    );
    assert_eq!(last.param("regexSearch").as_deref(), Some("true"));
    assert_eq!(
        requests[0].param("wordMatchingMode").as_deref(),
        Some("None")
    );
    assert_eq!(
        requests[1].param("wordMatchingMode").as_deref(),
        Some("ExactMatch")
    );
}

#[test]
fn find_text_refusals() {
    let (emulator, client) = setup();
    let err = client
        .run(&Request::find_text(""))
        .input(SAMPLE)
        .json()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidOption {
                option: "searchString",
                ..
            }
        ),
        "{err}"
    );
    assert!(emulator.requests().is_empty(), "nothing sent");
    let err = client
        .run(&Request::find_text("x").asynchronous(false))
        .input(ENCRYPTED)
        .json()
        .unwrap_err();
    assert_eq!(err.status(), Some(441), "{err}");
    let err = client
        .run(&Request::new("pdf/find").asynchronous(false))
        .input(SAMPLE)
        .json()
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "searchString is required: {err}");
}

// ---------------------------------------------------------------------------------------
// pdf/find/table

fn table_pdf() -> Vec<u8> {
    pdf_with(
        &[
            &[
                (72.0, 740.0, "Quarterly report"),
                (72.0, 700.0, "Item"),
                (250.0, 700.0, "Qty"),
                (400.0, 700.0, "Price"),
                (72.0, 680.0, "Apples"),
                (250.0, 680.0, "4"),
                (400.0, 680.0, "1.20"),
                (72.0, 660.0, "Pears"),
                (250.0, 660.0, "2"),
                (400.0, 660.0, "0.80"),
                (72.0, 600.0, "Thank you for your order."),
            ],
            &[(72.0, 740.0, "Nothing tabular here")],
            &[
                (72.0, 500.0, "Name"),
                (300.0, 500.0, "City"),
                (72.0, 480.0, "Ann"),
                (300.0, 480.0, "Oslo"),
            ],
        ],
        |_, _| {},
    )
}

#[test]
fn find_tables_gives_each_tables_page_and_area() {
    let (emulator, client) = setup();
    for asynchronous in [false, true] {
        let value = client
            .run(&Request::find_tables().asynchronous(asynchronous))
            .input(Input::bytes("table.pdf", table_pdf()))
            .json()
            .unwrap();
        let tables = Tables::from_value(&value).unwrap_or_else(|e| panic!("{e}: {value}"));
        let pages: Vec<_> = tables.tables().iter().map(|t| t.page_index()).collect();
        assert_eq!(pages, [Some(0), Some(2)], "{value}");
        let [x, y, w, h] = tables.tables()[0].rect().unwrap();
        assert_eq!(x, 72.0);
        // From the header row's top to the last row's bottom, in PDF.co's top-left space.
        assert!(y > 792.0 - 712.0 && y < 792.0 - 700.0, "{y}");
        assert!(
            y + h > 792.0 - 660.0 && y + h < 792.0 - 600.0 - 12.0,
            "{y} {h}"
        );
        assert!(x + w > 400.0, "{w}");
        assert!(tables.tables()[0].rect_text().is_some());
    }
    let value = client
        .run(&Request::find_tables().pages("2"))
        .input(Input::bytes("table.pdf", table_pdf()))
        .json()
        .unwrap();
    let tables = Tables::from_value(&value).unwrap();
    assert_eq!(tables.tables().len(), 1);
    assert_eq!(tables.tables()[0].page_index(), Some(2));
    let requests = sent(&emulator, "pdf/find/table");
    assert_eq!(
        requests.last().unwrap().param("pages").as_deref(),
        Some("2")
    );
}

#[test]
fn find_tables_finds_the_samples_table() {
    let (_emulator, client) = setup();
    let value = client
        .run(&Request::find_tables().asynchronous(false))
        .input(SAMPLE)
        .json()
        .unwrap();
    let tables = Tables::from_value(&value).unwrap();
    assert!(!tables.tables().is_empty(), "{value}");
}

// ---------------------------------------------------------------------------------------
// pdf/attachments/extract

/// A one-page PDF with two embedded files.
fn attached_pdf() -> Vec<u8> {
    pdf_with(&[&[(72.0, 700.0, "See the attachments")]], |doc, _| {
        let mut tree = Vec::new();
        for (name, content) in [
            ("notes.txt", &b"first file\n"[..]),
            ("data.csv", b"a,b\n1,2\n"),
        ] {
            let stream = doc.add_object(Stream::new(
                dictionary! { "Type" => "EmbeddedFile" },
                content.to_vec(),
            ));
            let spec = doc.add_object(dictionary! {
                "Type" => "Filespec",
                "F" => Object::string_literal(name),
                "UF" => Object::string_literal(name),
                "EF" => dictionary! { "F" => stream },
            });
            tree.push(Object::string_literal(name));
            tree.push(spec.into());
        }
        let files = doc.add_object(dictionary! { "Names" => tree });
        catalog(doc).set("Names", dictionary! { "EmbeddedFiles" => files });
    })
}

#[test]
fn attachments_are_saved_into_a_folder_sync_and_async() {
    let (emulator, client) = setup();
    for asynchronous in [false, true] {
        let dir = TempDir::new();
        let out = dir.join("files");
        let report = client
            .run(&Request::extract_attachments().asynchronous(asynchronous))
            .input(Input::bytes("attached.pdf", attached_pdf()))
            .save(&out)
            .unwrap();
        let mut contents: Vec<Vec<u8>> = report
            .paths()
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        contents.sort();
        assert_eq!(
            contents,
            [b"a,b\n1,2\n".to_vec(), b"first file\n".to_vec()],
            "{:?}",
            report.paths()
        );
    }
    let requests = sent(&emulator, "pdf/attachments/extract");
    assert_eq!(requests.len(), 2);
    assert!(requests[0].param("url").is_some());
}

#[test]
fn attachments_as_base64() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let report = client
        .run(&Request::extract_attachments().base64(true))
        .input(Input::bytes("attached.pdf", attached_pdf()))
        .save(dir.join("files"))
        .unwrap();
    let mut contents: Vec<String> = report
        .paths()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    contents.sort();
    // "a,b\n1,2\n" and "first file\n" in standard base64.
    assert_eq!(contents, ["YSxiCjEsMgo=", "Zmlyc3QgZmlsZQo="]);
    let sent = sent(&emulator, "pdf/attachments/extract");
    assert_eq!(sent[0].param("outputDataFormat").as_deref(), Some("base64"));
}

#[test]
fn attachments_of_a_document_without_any_and_of_a_protected_one() {
    let (_emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    // PDF.co does not document this case; the emulator answers success with no files, and
    // the client saves none, synchronously and from a job.
    let dir = TempDir::new();
    let sync = Request::extract_attachments().asynchronous(false);
    let report = client
        .run(&sync)
        .input(SAMPLE)
        .save(dir.join("sync"))
        .unwrap();
    assert!(report.paths().is_empty(), "{report:?}");
    let report = client
        .run(&Request::extract_attachments())
        .input(SAMPLE)
        .save(dir.join("async"))
        .unwrap();
    assert!(report.paths().is_empty(), "{report:?}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    // As a job: success, and its link holds an empty listing.
    let Conversion::Started(job) = client
        .start(&Request::extract_attachments().url(file.url()))
        .unwrap()
    else {
        panic!("expected a job")
    };
    let status = client.wait(&job, |_| {}).unwrap();
    assert_eq!(status.state(), &pdfco::JobState::Success);
    assert!(status.urls().is_empty());
    let mut listing = agent.get(status.url().unwrap()).call().unwrap();
    assert_eq!(listing.body_mut().read_to_vec().unwrap(), b"[]");
    let protected = client.upload(ENCRYPTED).unwrap();
    let err = client
        .start(
            &Request::extract_attachments()
                .asynchronous(false)
                .url(protected.url()),
        )
        .unwrap_err();
    assert_eq!(err.status(), Some(441), "{err}");
    let Conversion::Started(job) = client
        .start(
            &Request::extract_attachments()
                .password("secret")
                .url(protected.url()),
        )
        .unwrap()
    else {
        panic!("expected a job")
    };
    assert_eq!(
        client.wait(&job, |_| {}).unwrap().state(),
        &pdfco::JobState::Success
    );
}

// ---------------------------------------------------------------------------------------
// The JSON document model (issue 11, item 2)

#[test]
fn an_empty_cell_has_no_text() {
    let doc = pdfco::Document::from_value(&json!({ "document": { "page": { "row": [
        { "column": [ { "text": "" }, { "text": { "#text": "Qty" } } ] },
        { "column": [ { "text": { "@x": "36.00", "#text": "" } }, { "text": "4" } ] }
    ] } } }))
    .unwrap();
    let rows = doc.pages()[0].rows();
    assert!(
        rows[0].columns()[0].text().is_none(),
        "{{\"text\": \"\"}} is an empty cell"
    );
    assert!(
        rows[1].columns()[0].text().is_none(),
        "an element with empty text too"
    );
    assert_eq!(rows[0].texts().count(), 1);
    assert_eq!(rows[1].columns()[1].text().map(|t| t.text()), Some("4"));
    assert_eq!(doc.text(), "Qty\n4\n");
}

#[test]
fn page_links_are_kept() {
    let doc = pdfco::Document::from_value(&json!({ "document": { "page": [
        { "@index": "0", "row": { "column": { "text": { "#text": "See pdf.co" } } },
          "annotation": { "@type": "link", "@x": "72.00", "@y": "100.5", "@width": "40",
                          "@height": "12", "@uri": "https://pdf.co" } },
        { "@index": "1", "annotation": [
            { "@type": "link", "@uri": "https://example.com/a" },
            { "type": "link", "url": "https://example.com/b", "x": 1 } ] },
        { "@index": "2" }
    ] } }))
    .unwrap();
    let pages = doc.pages();
    let link = &pages[0].annotations()[0];
    assert_eq!(link.kind(), Some("link"));
    assert_eq!(link.uri(), Some("https://pdf.co"));
    assert_eq!(
        (link.x(), link.y(), link.width(), link.height()),
        (Some(72.0), Some(100.5), Some(40.0), Some(12.0))
    );
    let uris: Vec<_> = pages[1].annotations().iter().map(|a| a.uri()).collect();
    assert_eq!(
        uris,
        [Some("https://example.com/a"), Some("https://example.com/b")]
    );
    assert_eq!(pages[1].annotations()[1].x(), Some(1.0));
    assert!(pages[2].annotations().is_empty());
    assert_eq!(doc.text(), "See pdf.co\n", "links add no text");
}

#[test]
fn output_link_valid_till_is_exposed_sync_and_async() {
    let (_emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::convert(pdfco::OutputFormat::Csv).url(file.url());
    let Conversion::Finished(output) = client.start(&request.clone().asynchronous(false)).unwrap()
    else {
        panic!("expected an answer")
    };
    let till = output
        .output_link_valid_till()
        .expect("sync answers carry it");
    assert_eq!(
        Some(&Value::from(till)),
        output.answer().get("outputLinkValidTill")
    );
    let Conversion::Started(job) = client.start(&request).unwrap() else {
        panic!("expected a job")
    };
    assert!(job.output_link_valid_till().is_some(), "{job:?}");
    // The emulator's job checks carry none; JobStatus's unit test reads PDF.co's own.
}

#[test]
fn public_types_are_send_sync_and_debug() {
    fn check<T: std::fmt::Debug + Send + Sync>() {}
    check::<PdfInfo>();
    check::<FormFields>();
    check::<pdfco::FormField>();
    check::<TextHits>();
    check::<pdfco::TextHit>();
    check::<Tables>();
    check::<pdfco::FoundTable>();
    check::<WordMatching>();
    check::<pdfco::PageLink>();
    check::<Request<pdfco::kind::Info>>();
    check::<Request<pdfco::kind::InfoFields>>();
    check::<Request<pdfco::kind::Find>>();
    check::<Request<pdfco::kind::FindTable>>();
    check::<Request<pdfco::kind::AttachmentsExtract>>();
}
