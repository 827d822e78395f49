//! The edit family (`pdf/edit/*`) and OCR (`pdf/makesearchable`, `pdf/makeunsearchable`)
//! through the typed requests, against the emulator: what is sent (spelling, page base) and
//! what comes back (read with lopdf and the emulator's text conversion).

mod common;

use common::{ENCRYPTED, SAMPLE, TempDir, setup};
use pdfco::testing::{Emulator, RecordedRequest};
use pdfco::{
    Alignment, Annotation, Client, Error, FieldValue, ImageStamp, Input, Request, Rotation,
};
use serde_json::{Value, json};

/// The last API request to `path` (`pdf/edit/rotate`).
fn sent(emulator: &Emulator, path: &str) -> RecordedRequest {
    let wanted = format!("/v1/{path}");
    emulator
        .requests()
        .into_iter()
        .rfind(|r| r.path == wanted)
        .unwrap_or_else(|| panic!("no request to {wanted}"))
}

/// Runs `request` on `input`, saves the result and returns its bytes.
fn run<K>(client: &Client, request: &Request<K>, input: Input<'_>) -> Vec<u8> {
    let dir = TempDir::new();
    let out = dir.join("out.pdf");
    client.run(request).input(input).save(&out).unwrap();
    std::fs::read(&out).unwrap()
}

fn sample() -> Input<'static> {
    Input::from(SAMPLE)
}

/// The text of each page of a PDF, as the emulator's `pdf/convert/to/text` reads it (one
/// conversion per page).
fn page_texts(client: &Client, pdf: &[u8]) -> Vec<String> {
    let pages = lopdf::Document::load_mem(pdf).unwrap().get_pages().len();
    (0..pages)
        .map(|page| {
            let request = Request::convert(pdfco::OutputFormat::Text).pages(page.to_string());
            client
                .run(&request)
                .input(Input::bytes("result.pdf", pdf.to_vec()))
                .text()
                .unwrap()
        })
        .collect()
}

fn all_text(client: &Client, pdf: &[u8]) -> String {
    page_texts(client, pdf).join("\n")
}

/// Each page's `/Rotate`, 0 where it has none.
fn rotations(pdf: &[u8]) -> Vec<i64> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            page.get(b"Rotate")
                .and_then(lopdf::Object::as_i64)
                .unwrap_or(0)
        })
        .collect()
}

fn page_count(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
}

/// The names of the image XObjects of each page.
fn images(pdf: &[u8]) -> Vec<usize> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let Ok(resources) = page.get(b"Resources") else {
                return 0;
            };
            let resources = match resources {
                lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
                other => other.as_dict().unwrap(),
            };
            let Ok(xobjects) = resources.get(b"XObject") else {
                return 0;
            };
            let xobjects = match xobjects {
                lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
                other => other.as_dict().unwrap(),
            };
            xobjects
                .iter()
                .filter(|(_, v)| {
                    let id = v.as_reference().unwrap();
                    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
                    stream
                        .dict
                        .get(b"Subtype")
                        .and_then(lopdf::Object::as_name)
                        .ok()
                        == Some(&b"Image"[..])
                })
                .count()
        })
        .collect()
}

fn invalid_option(err: Error) -> &'static str {
    match err {
        Error::InvalidOption { option, .. } => option,
        other => panic!("expected a local refusal, got {other:?}"),
    }
}

/// A tiny PNG (1 by 1, grey), enough for PDF.co to fetch as an image.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
    0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x01, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x4C, 0x17, 0xD7, 0xDF, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn upload_png(client: &Client) -> String {
    client
        .upload(Input::bytes("logo.png", PNG))
        .unwrap()
        .url()
        .to_string()
}

// Rotate.

#[test]
fn rotate_sets_the_angle_on_the_selected_zero_based_pages() {
    let (emulator, client) = setup();
    let request = Request::rotate(Rotation::Clockwise90).pages("0,2");
    let pdf = run(&client, &request, sample());
    assert_eq!(rotations(&pdf), [90, 0, 90]);
    let sent = sent(&emulator, "pdf/edit/rotate");
    assert_eq!(sent.param("angle").as_deref(), Some("90"));
    assert_eq!(sent.param("pages").as_deref(), Some("0,2"));
    assert_eq!(sent.param("async").as_deref(), Some("true"));
    assert!(all_text(&client, &pdf).contains("Widget"), "text kept");
}

#[test]
fn rotate_runs_synchronously_on_every_page_and_adds_to_an_existing_rotation() {
    let (emulator, client) = setup();
    let request = Request::rotate(Rotation::Clockwise180).asynchronous(false);
    let once = run(&client, &request, sample());
    assert_eq!(rotations(&once), [180, 180, 180]);
    let request = Request::rotate(Rotation::Clockwise270)
        .asynchronous(false)
        .pages("1-");
    let twice = run(&client, &request, Input::bytes("r.pdf", once));
    assert_eq!(rotations(&twice), [180, 90, 90], "180 + 270 = 450 = 90");
    assert!(
        !emulator
            .requests()
            .iter()
            .any(|r| r.path == "/v1/job/check"),
        "no job"
    );
}

#[test]
fn rotate_opens_a_protected_pdf_with_its_password_only() {
    let (_emulator, client) = setup();
    let request = Request::rotate(Rotation::Clockwise90).password("secret");
    let pdf = run(&client, &request, Input::from(ENCRYPTED));
    assert_eq!(rotations(&pdf), [90, 90, 90]);
    let dir = TempDir::new();
    let err = client
        .run(&Request::rotate(Rotation::Clockwise90).asynchronous(false))
        .input(ENCRYPTED)
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert_eq!(err.status(), Some(441), "{err}");
}

// Delete pages.

#[test]
fn delete_pages_counts_pages_from_one() {
    let (emulator, client) = setup();
    let pdf = run(&client, &Request::delete_pages("1,3"), sample());
    assert_eq!(page_count(&pdf), 1);
    let text = all_text(&client, &pdf);
    assert!(
        text.contains("Widget") && !text.contains("Sample Invoice"),
        "{text}"
    );
    assert_eq!(
        sent(&emulator, "pdf/edit/delete-pages")
            .param("pages")
            .as_deref(),
        Some("1,3")
    );
}

#[test]
fn delete_pages_takes_the_last_page_as_bang_one_synchronously() {
    let (_emulator, client) = setup();
    let request = Request::delete_pages("!1").asynchronous(false);
    let pdf = run(&client, &request, sample());
    assert_eq!(page_count(&pdf), 2);
    let text = all_text(&client, &pdf);
    assert!(
        text.contains("Widget") && !text.contains("Thank you"),
        "{text}"
    );
}

#[test]
fn delete_pages_refuses_page_zero_and_deleting_every_page() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let err = client
        .run(&Request::delete_pages("0-1"))
        .input(SAMPLE)
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidPages { .. }), "{err:?}");
    assert!(emulator.requests().is_empty(), "nothing sent");
    let err = client
        .run(&Request::delete_pages("1-").asynchronous(false))
        .input(SAMPLE)
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

// Add content.

#[test]
fn add_content_draws_text_annotations_as_real_text_on_their_pages() {
    let (emulator, client) = setup();
    let request = Request::add_content()
        .annotation(
            Annotation::new(400.0, 40.0, "PAID IN FULL")
                .pages("0")
                .size(20.0)
                .bold(true)
                .alignment(Alignment::Left),
        )
        .annotation(Annotation::new(72.0, 100.0, "Checked by Ann").pages("1-"));
    let pdf = run(&client, &request, sample());
    let pages = page_texts(&client, &pdf);
    assert_eq!(pages.len(), 3);
    assert!(pages[0].contains("PAID IN FULL"), "{pages:?}");
    assert!(!pages[1].contains("PAID IN FULL"), "{pages:?}");
    assert!(pages[1].contains("Checked by Ann") && pages[2].contains("Checked by Ann"));
    assert!(
        pages[0].contains("Sample Invoice"),
        "the page's own text stays"
    );
    let sent = sent(&emulator, "pdf/edit/add");
    let annotations: Value = serde_json::from_str(&sent.param("annotations").unwrap()).unwrap();
    assert_eq!(annotations[0]["text"], "PAID IN FULL");
    assert_eq!(annotations[0]["fontBold"], true);
    assert_eq!(annotations[0]["pages"], "0");
    assert_eq!(annotations[1]["x"], json!(72.0));
}

#[test]
fn add_content_places_images_and_fills_template_macros_synchronously() {
    let (emulator, client) = setup();
    let logo = upload_png(&client);
    let request = Request::add_content()
        .image(
            ImageStamp::new(logo.clone(), 20.0, 20.0)
                .width(50.0)
                .height(50.0)
                .pages("1")
                .keep_aspect_ratio(true),
        )
        .annotation(Annotation::new(72.0, 30.0, "Dear {{name}}").pages("0"))
        .template_data(&json!({ "name": "Jane" }))
        .asynchronous(false);
    let pdf = run(&client, &request, sample());
    assert_eq!(images(&pdf), [0, 1, 0]);
    assert!(all_text(&client, &pdf).contains("Dear Jane"));
    let sent = sent(&emulator, "pdf/edit/add");
    let images: Value = serde_json::from_str(&sent.param("images").unwrap()).unwrap();
    assert_eq!(
        images,
        json!([{ "url": logo, "x": 20.0, "y": 20.0, "width": 50.0, "height": 50.0, "pages": "1", "keepAspectRatio": true }])
    );
    assert_eq!(
        sent.param("templateData").as_deref(),
        Some("{\"name\":\"Jane\"}")
    );
}

#[test]
fn add_content_takes_the_string_form_of_annotations() {
    let (emulator, client) = setup();
    let request = Request::add_content().annotations_string("100;50;0;Approved;14|100;80;2;Filed");
    let pdf = run(&client, &request, sample());
    let pages = page_texts(&client, &pdf);
    assert!(
        pages[0].contains("Approved") && pages[2].contains("Filed"),
        "{pages:?}"
    );
    assert_eq!(
        sent(&emulator, "pdf/edit/add")
            .param("annotationsString")
            .as_deref(),
        Some("100;50;0;Approved;14|100;80;2;Filed")
    );
}

/// A one-page PDF with two AcroForm text fields, `customer` and `city`.
fn form_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let page_id = doc.new_object_id();
    let field = |name: &str, y: i64| {
        dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx",
            "T" => Object::string_literal(name),
            "Rect" => vec![72.into(), y.into(), 300.into(), (y + 20).into()],
            "P" => page_id,
        }
    };
    let customer = doc.add_object(field("customer", 700));
    let city = doc.add_object(field("city", 660));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 740 Td (Order form) Tj ET".to_vec(),
    ));
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    doc.objects.insert(
        page_id,
        Object::Dictionary(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Contents" => content,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
            "Annots" => vec![customer.into(), city.into()],
        }),
    );
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages_id,
        "AcroForm" => dictionary! { "Fields" => vec![customer.into(), city.into()] },
    });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The `/V` of each AcroForm field, by name.
fn field_values(pdf: &[u8]) -> Vec<(String, Option<String>)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let form = match catalog.get(b"AcroForm").unwrap() {
        lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
        other => other.as_dict().unwrap(),
    };
    form.get(b"Fields")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let field = doc.get_dictionary(f.as_reference().unwrap()).unwrap();
            let text = |key: &[u8]| {
                field
                    .get(key)
                    .ok()
                    .and_then(|v| v.as_str().ok())
                    .map(|b| String::from_utf8_lossy(b).into_owned())
            };
            (text(b"T").unwrap(), text(b"V"))
        })
        .collect()
}

#[test]
fn add_content_fills_form_fields_by_name() {
    let (emulator, client) = setup();
    let request = Request::add_content().field(FieldValue::new("customer", "Jane Doe"));
    let pdf = run(&client, &request, Input::bytes("form.pdf", form_pdf()));
    assert_eq!(
        field_values(&pdf),
        [
            ("customer".to_string(), Some("Jane Doe".to_string())),
            ("city".to_string(), None)
        ]
    );
    let fields: Value =
        serde_json::from_str(&sent(&emulator, "pdf/edit/add").param("fields").unwrap()).unwrap();
    assert_eq!(
        fields,
        json!([{ "fieldName": "customer", "text": "Jane Doe" }])
    );
}

#[test]
fn add_content_with_nothing_to_add_is_a_missing_parameter() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let err = client
        .run(&Request::add_content())
        .input(SAMPLE)
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

// Replace and delete text.

#[test]
fn replace_text_rewrites_every_pair_in_the_page_text() {
    let (emulator, client) = setup();
    let request = Request::replace_text("Widget", "Sprocket").pair("Gadget", "Doohickey");
    let pdf = run(&client, &request, sample());
    let text = all_text(&client, &pdf);
    assert!(
        text.contains("Sprocket") && text.contains("Doohickey"),
        "{text}"
    );
    assert!(
        !text.contains("Widget") && !text.contains("Gadget"),
        "{text}"
    );
    assert!(text.contains("Gizmo"), "{text}");
    let sent = sent(&emulator, "pdf/edit/replace-text");
    assert_eq!(
        sent.param("searchStrings").as_deref(),
        Some("[\"Widget\",\"Gadget\"]")
    );
    assert_eq!(
        sent.param("replaceStrings").as_deref(),
        Some("[\"Sprocket\",\"Doohickey\"]")
    );
}

#[test]
fn replace_text_honours_case_limit_and_pages_synchronously() {
    let (emulator, client) = setup();
    let request = Request::replace_text("invoice", "Bill")
        .case_sensitive(false)
        .replacement_limit(1)
        .pages("0")
        .asynchronous(false);
    let pdf = run(&client, &request, sample());
    let pages = page_texts(&client, &pdf);
    assert!(pages[0].contains("Sample Bill"), "{pages:?}");
    assert!(pages[0].contains("Invoice No."), "limit 1: {pages:?}");
    let sent = sent(&emulator, "pdf/edit/replace-text");
    assert_eq!(sent.param("caseSensitive").as_deref(), Some("false"));
    assert_eq!(sent.param("replacementLimit").as_deref(), Some("1"));
    assert_eq!(sent.param("pages").as_deref(), Some("0"));

    let unchanged = Request::replace_text("invoice", "Receipt").asynchronous(false);
    let pdf = run(&client, &unchanged, sample());
    let text = all_text(&client, &pdf);
    assert!(
        !text.contains("Receipt") && text.contains("Sample Invoice"),
        "case-sensitive by default: {text}"
    );
}

#[test]
fn replace_text_takes_pdf_co_single_string_form_too() {
    let (_emulator, client) = setup();
    let request = Request::new("pdf/edit/replace-text")
        .param("searchString", "Total")
        .param("replaceString", "Sum");
    let dir = TempDir::new();
    client
        .run(&request)
        .input(SAMPLE)
        .save(dir.join("o.pdf"))
        .unwrap();
    let text = all_text(&client, &std::fs::read(dir.join("o.pdf")).unwrap());
    assert!(text.contains("Sum") && !text.contains("Total"), "{text}");
}

#[test]
fn delete_text_removes_the_strings() {
    let (emulator, client) = setup();
    let request = Request::delete_text("Gadget").search("Gizmo (large)");
    let pdf = run(&client, &request, sample());
    let text = all_text(&client, &pdf);
    assert!(
        !text.contains("Gadget") && !text.contains("Gizmo"),
        "{text}"
    );
    assert!(text.contains("Widget"), "{text}");
    assert_eq!(
        sent(&emulator, "pdf/edit/delete-text")
            .param("searchStrings")
            .as_deref(),
        Some("[\"Gadget\",\"Gizmo (large)\"]")
    );
}

#[test]
fn replace_text_with_image_removes_the_text_and_adds_an_image() {
    let (emulator, client) = setup();
    let logo = upload_png(&client);
    let request = Request::replace_text_with_image("Widget", logo.clone());
    let pdf = run(&client, &request, sample());
    assert!(!all_text(&client, &pdf).contains("Widget"));
    assert_eq!(images(&pdf), [0, 1, 0]);
    let sent = sent(&emulator, "pdf/edit/replace-text-with-image");
    assert_eq!(sent.param("searchString").as_deref(), Some("Widget"));
    assert_eq!(sent.param("replaceImage"), Some(logo));
}

#[test]
fn replace_text_with_an_unreachable_image_fails() {
    let (emulator, client) = setup();
    let missing = format!("{}/nothing/here.png", emulator.storage_origin());
    let request = Request::replace_text_with_image("Widget", missing).asynchronous(false);
    let dir = TempDir::new();
    let err = client
        .run(&request)
        .input(SAMPLE)
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

// Auto-rotate and OCR.

#[test]
fn auto_rotate_passes_the_pages_through() {
    let (emulator, client) = setup();
    let pdf = run(&client, &Request::auto_rotate().lang("eng"), sample());
    assert_eq!(rotations(&pdf), [0, 0, 0]);
    assert!(all_text(&client, &pdf).contains("Thank you"));
    assert_eq!(
        sent(&emulator, "pdf/edit/rotate/auto")
            .param("lang")
            .as_deref(),
        Some("eng")
    );
}

#[test]
fn make_searchable_keeps_the_text_of_a_pdf() {
    let (emulator, client) = setup();
    let request = Request::make_searchable()
        .lang("eng+deu")
        .pages("0-1")
        .rect(0.0, 0.0, 612.0, 792.0)
        .asynchronous(false);
    let pdf = run(&client, &request, sample());
    assert_eq!(page_count(&pdf), 3);
    assert!(all_text(&client, &pdf).contains("Widget"));
    let sent = sent(&emulator, "pdf/makesearchable");
    assert_eq!(sent.param("lang").as_deref(), Some("eng+deu"));
    assert_eq!(sent.param("pages").as_deref(), Some("0-1"));
    assert_eq!(sent.param("rect").as_deref(), Some("0, 0, 612, 792"));
}

#[test]
fn make_searchable_turns_an_image_into_a_one_page_pdf() {
    let (_emulator, client) = setup();
    let pdf = run(
        &client,
        &Request::make_searchable(),
        Input::bytes("scan.png", PNG),
    );
    assert_eq!(page_count(&pdf), 1);
    assert_eq!(images(&pdf), [1]);
}

#[test]
fn make_unsearchable_removes_the_text_and_keeps_the_pages() {
    let (emulator, client) = setup();
    let pdf = run(&client, &Request::make_unsearchable(), sample());
    assert_eq!(page_count(&pdf), 3);
    let text = all_text(&client, &pdf);
    assert!(
        !text.contains("Widget") && !text.contains("Invoice"),
        "{text}"
    );
    assert_eq!(sent(&emulator, "pdf/makeunsearchable").param("pages"), None);

    let request = Request::make_unsearchable().pages("1").asynchronous(false);
    let pdf = run(&client, &request, sample());
    let pages = page_texts(&client, &pdf);
    assert!(
        pages[0].contains("Sample Invoice") && !pages[1].contains("Widget"),
        "{pages:?}"
    );
}

// Failures and local refusals.

#[test]
fn a_damaged_input_is_442() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let err = client
        .run(&Request::rotate(Rotation::Clockwise90).asynchronous(false))
        .input(Input::bytes("bad.pdf", b"%PDF-1.7 nothing else".to_vec()))
        .save(dir.join("x.pdf"))
        .unwrap_err();
    assert_eq!(err.status(), Some(442), "{err}");
}

#[test]
fn bad_values_are_refused_before_any_request() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let refusals: Vec<(&str, Error)> = vec![
        (
            "x",
            client
                .run(&Request::add_content().annotation(Annotation::new(f64::INFINITY, 0.0, "x")))
                .input(SAMPLE)
                .save(dir.join("a.pdf"))
                .unwrap_err(),
        ),
        (
            "pages",
            client
                .run(
                    &Request::add_content()
                        .image(ImageStamp::new("https://h/i.png", 0.0, 0.0).pages("one")),
                )
                .input(SAMPLE)
                .save(dir.join("b.pdf"))
                .unwrap_err(),
        ),
        (
            "replaceImage",
            client
                .run(&Request::replace_text_with_image("a", "logo.png"))
                .input(SAMPLE)
                .save(dir.join("c.pdf"))
                .unwrap_err(),
        ),
        (
            "searchStrings",
            client
                .run(&Request::replace_text("", "b"))
                .input(SAMPLE)
                .save(dir.join("d.pdf"))
                .unwrap_err(),
        ),
        (
            "lang",
            client
                .run(&Request::auto_rotate().lang("eng;rm"))
                .input(SAMPLE)
                .save(dir.join("e.pdf"))
                .unwrap_err(),
        ),
        (
            "rect",
            client
                .run(&Request::make_searchable().rect(-1.0, 0.0, 10.0, 10.0))
                .input(SAMPLE)
                .save(dir.join("f.pdf"))
                .unwrap_err(),
        ),
    ];
    for (option, err) in refusals {
        assert_eq!(invalid_option(err), option);
    }
    assert!(emulator.requests().is_empty(), "nothing sent");
    assert!(dir.files().is_empty());
}

#[test]
fn missing_required_parameters_are_400() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    for path in [
        "pdf/edit/delete-pages",
        "pdf/edit/rotate",
        "pdf/edit/replace-text",
        "pdf/edit/delete-text",
        "pdf/edit/replace-text-with-image",
    ] {
        let request = Request::new(path).asynchronous(false);
        let err = client
            .run(&request)
            .input(SAMPLE)
            .save(dir.join("x.pdf"))
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{path}: {err}");
    }
}
