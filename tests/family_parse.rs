//! The parse family against the emulator: the document parser and its templates, the AI
//! invoice parser, the classifier, and the email endpoints. Each test checks what was sent
//! (spelling, page base, `async` only where the endpoint takes it) and what came back, read
//! from the fixtures' real text (fixtures/sample.pdf, fixtures/email/*.eml).

mod common;

use common::{ENCRYPTED, NOT_PDF, SAMPLE};
use pdfco::testing::{Emulator, Endpoint, Fault, Host, RecordedRequest};
use pdfco::{
    Classes, ClassifierLogic, ClassifierRule, Conversion, Email, EmailAttachments, EmailMessage,
    Error, Input, Invoice, ParsedDocument, ParsedObjectKind, ParserOutputFormat, ParserTemplate,
    ParserTemplateInfo, ParserTemplates, Request, Smtp,
};
use serde_json::{Value, json};

const PLAIN_EML: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/email/plain.eml");
const INVOICE_EML: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/email/invoice.eml");

/// A template in JSON: a static field, two regular-expression fields, one that finds
/// nothing, and a table of the items on page 1.
fn json_template() -> String {
    json!({
        "templateName": "Sample invoice",
        "templateVersion": 4,
        "objects": [
            { "name": "company", "objectType": "field",
              "fieldProperties": { "fieldType": "static", "expression": "Example Company" } },
            { "name": "invoiceNo", "objectType": "field",
              "fieldProperties": { "fieldType": "regex", "expression": "Invoice No\\. (\\d+)" } },
            { "name": "total", "objectType": "field",
              "fieldProperties": { "fieldType": "macros", "expression": "Total{{Spaces}}({{Number}})" } },
            { "name": "iban", "objectType": "field",
              "fieldProperties": { "fieldType": "regex", "expression": "IBAN (\\w+)" } },
            { "name": "items", "objectType": "table",
              "tableProperties": {
                  "start": { "expression": "^Item\\s+Quantity" },
                  "end": { "expression": "^Summary" },
                  "columns": [ { "name": "item" }, { "name": "quantity" }, { "name": "price" } ]
              } }
        ]
    })
    .to_string()
}

/// The API requests the emulator received for `path`.
fn sent_to(emulator: &Emulator, path: &str) -> Vec<RecordedRequest> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Api && r.path == path)
        .collect()
}

/// A stored result's bytes, fetched as any HTTP client would.
fn get_bytes(url: &str) -> Vec<u8> {
    let mut response = ureq::get(url).call().unwrap();
    response.body_mut().read_to_vec().unwrap()
}

/// PDF.co's code for a refusal, whether it came at once or as a failed job.
fn api_status(error: &Error) -> Option<u16> {
    error.status()
}

fn fields_of(parsed: &ParsedDocument) -> Vec<(String, Option<String>)> {
    parsed
        .objects()
        .iter()
        .filter(|o| o.kind() == &ParsedObjectKind::Field)
        .map(|o| (o.name().to_string(), o.text()))
        .collect()
}

#[test]
fn document_parser_applies_a_template_text_sync_and_async() {
    let (emulator, client) = common::setup();
    for asynchronous in [false, true] {
        emulator.clear_requests();
        let request = Request::parse_document(ParserTemplate::Text(json_template()))
            .inline(true)
            .asynchronous(asynchronous);
        let value = client.run(&request).input(SAMPLE).json().unwrap();
        let parsed = ParsedDocument::from_value(&value).unwrap();
        assert_eq!(parsed.template_name(), Some("Sample invoice"));
        assert_eq!(parsed.template_version(), Some("4"));
        assert!(parsed.timestamp().is_some_and(|t| t.starts_with("20")));
        assert_eq!(
            fields_of(&parsed),
            [
                ("company".to_string(), Some("Example Company".to_string())),
                ("invoiceNo".to_string(), Some("123456".to_string())),
                ("total".to_string(), Some("209.90".to_string())),
                ("iban".to_string(), None),
            ]
        );
        let total = parsed.object("total").unwrap();
        assert_eq!(total.page_index(), Some(2), "pages count from 0");
        let [x, y, w, h] = total.rectangle().unwrap();
        assert!(
            x >= 72.0 && y > 0.0 && w > 0.0 && h > 0.0,
            "{x} {y} {w} {h}"
        );
        let items = parsed.object("items").unwrap();
        assert_eq!(items.kind(), &ParsedObjectKind::Table);
        assert_eq!(items.rows()[0].columns(), ["item", "price", "quantity"]);
        let rows: Vec<Vec<Option<String>>> = items
            .rows()
            .iter()
            .map(|r| ["item", "quantity", "price"].map(|c| r.text(c)).to_vec())
            .collect();
        let want = |a: &str, b: &str, c: &str| vec![Some(a.into()), Some(b.into()), Some(c.into())];
        assert_eq!(
            rows,
            [
                want("Widget", "4", "12.50"),
                want("Gadget", "2", "30.00"),
                want("Gizmo (large)", "1", "99.90")
            ]
        );

        let sent = sent_to(&emulator, "/v1/pdf/documentparser");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].param("template"), Some(json_template()));
        assert_eq!(sent[0].param("inline").as_deref(), Some("true"));
        assert_eq!(
            sent[0].param("async").as_deref(),
            Some(if asynchronous { "true" } else { "false" })
        );
        assert_eq!(sent[0].param("templateId"), None);
    }
}

#[test]
fn document_parser_pages_count_from_zero() {
    let (emulator, client) = common::setup();
    let request = Request::parse_document(ParserTemplate::Text(json_template()))
        .inline(true)
        .pages("2");
    let value = client.run(&request).input(SAMPLE).json().unwrap();
    let parsed = ParsedDocument::from_value(&value).unwrap();
    let found: Vec<_> = fields_of(&parsed)
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(found, ["company", "total"], "only the third page was read");
    let sent = sent_to(&emulator, "/v1/pdf/documentparser");
    assert_eq!(sent[0].param("pages").as_deref(), Some("2"));
}

#[test]
fn document_parser_writes_csv_with_headers() {
    let (emulator, client) = common::setup();
    let request = Request::parse_document(ParserTemplate::Text(json_template()))
        .output_format(ParserOutputFormat::Csv)
        .generate_csv_headers(true)
        .asynchronous(false);
    let csv = client.run(&request).input(SAMPLE).text().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "company,invoiceNo,total,iban");
    assert_eq!(lines[1], "Example Company,123456,209.90,");
    let sent = sent_to(&emulator, "/v1/pdf/documentparser");
    assert_eq!(sent[0].param("outputFormat").as_deref(), Some("CSV"));
    assert_eq!(sent[0].param("generateCsvHeaders").as_deref(), Some("true"));
}

#[test]
fn parser_templates_are_listed_fetched_and_applied_by_id() {
    let (emulator, client) = common::setup();
    let list = client.run(&Request::parser_templates()).json().unwrap();
    let list = ParserTemplates::from_value(&list).unwrap();
    assert!(!list.templates().is_empty());
    let sent = sent_to(&emulator, "/v1/pdf/documentparser/templates");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "GET");
    let invoice = list
        .templates()
        .iter()
        .find(|t| t.title().is_some_and(|t| t.contains("Invoice")))
        .expect("an invoice template");
    let id = invoice.id().unwrap();
    assert_eq!(invoice.template_type(), Some("system"));

    // One template: the whole answer through `start`.
    let one = match client.start(&Request::parser_template(id)).unwrap() {
        Conversion::Finished(output) => output,
        other => panic!("expected an answer, got {other:?}"),
    };
    let info = ParserTemplateInfo::from_value(&Value::Object(one.answer().clone())).unwrap();
    assert_eq!(info.id(), Some(id));
    assert_eq!(info.title(), invoice.title());
    let body = info.body().expect("the template's text").to_string();
    // A run reads the same whole answer, not only the template's text.
    let whole = client.run(&Request::parser_template(id)).json().unwrap();
    let read = ParserTemplateInfo::from_value(&whole).unwrap();
    assert_eq!(read.body(), Some(body.as_str()));
    assert_eq!(read.title(), invoice.title(), "{whole}");
    let path = format!("/v1/pdf/documentparser/templates/{id}");
    assert!(sent_to(&emulator, &path).iter().all(|r| r.method == "GET"));

    // Applied by id, and as its own text: the same fields.
    let by_id = Request::parse_document(ParserTemplate::Id(id)).inline(true);
    let by_id =
        ParsedDocument::from_value(&client.run(&by_id).input(SAMPLE).json().unwrap()).unwrap();
    let by_text = Request::parse_document(ParserTemplate::Text(body)).inline(true);
    let by_text =
        ParsedDocument::from_value(&client.run(&by_text).input(SAMPLE).json().unwrap()).unwrap();
    assert_eq!(fields_of(&by_id), fields_of(&by_text));
    assert!(
        fields_of(&by_id).contains(&("invoiceNo".to_string(), Some("123456".to_string()))),
        "{:?}",
        fields_of(&by_id)
    );
    let sent = sent_to(&emulator, "/v1/pdf/documentparser");
    assert_eq!(sent[0].param("templateId"), Some(id.to_string()));
    let body: Value = serde_json::from_str(sent[0].body.as_deref().unwrap()).unwrap();
    assert!(body["templateId"].is_u64(), "templateId is an integer");

    // A template the account does not have.
    let missing = client.run(&Request::parser_template(999_999)).json();
    assert_eq!(api_status(&missing.unwrap_err()), Some(404));
}

#[test]
fn document_parser_refuses_bad_input_as_pdf_co_does() {
    let (_emulator, client) = common::setup_no_retry();
    let template = || Request::parse_document(ParserTemplate::Text(json_template()));
    let locked = client.run(&template()).input(ENCRYPTED).json();
    assert_eq!(api_status(&locked.unwrap_err()), Some(441));
    let opened = client
        .run(&template().password("secret").inline(true))
        .input(ENCRYPTED)
        .json()
        .unwrap();
    let opened = ParsedDocument::from_value(&opened).unwrap();
    assert_eq!(
        opened.object("invoiceNo").and_then(|o| o.text()).as_deref(),
        Some("123456")
    );
    let damaged = client
        .run(&template().asynchronous(false))
        .input(NOT_PDF)
        .json();
    assert_eq!(api_status(&damaged.unwrap_err()), Some(442));
    let file = client.upload(SAMPLE).unwrap();
    let no_template = Request::new("pdf/documentparser").url(file.url());
    assert_eq!(
        api_status(&client.start(&no_template).unwrap_err()),
        Some(400)
    );
    let broken = Request::parse_document(ParserTemplate::Text("objects: [".into()));
    assert_eq!(
        api_status(&client.start(&broken.url(file.url())).unwrap_err()),
        Some(400)
    );
}

#[test]
fn invoice_parser_is_always_a_job_and_reads_the_invoice() {
    let (emulator, client) = common::setup();
    let request = Request::parse_invoice()
        .custom_fields(["billTo", "currency"])
        .asynchronous(false);
    let value = client.run(&request).input(SAMPLE).json().unwrap();
    let invoice = Invoice::from_value(&value).unwrap();
    assert_eq!(invoice.invoice_number().as_deref(), Some("123456"));
    assert_eq!(invoice.invoice_date().as_deref(), Some("2026-11-01"));
    assert_eq!(invoice.total().as_deref(), Some("209.90"));
    assert_eq!(
        invoice
            .bill_to()
            .and_then(|b| b.get("name"))
            .and_then(Value::as_str),
        Some("Example Company, 1 Main Street")
    );
    assert_eq!(invoice.vendor_name().as_deref(), Some("Sample Invoice"));
    let items: Vec<&str> = invoice
        .line_items()
        .iter()
        .filter_map(|i| i["description"].as_str())
        .collect();
    assert_eq!(items, ["Widget", "Gadget", "Gizmo (large)"]);
    assert_eq!(invoice.raw()["customFields"]["currency"], Value::Null);

    let sent = sent_to(&emulator, "/v1/ai-invoice-parser");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].param("async"), None, "no async: always a job");
    assert_eq!(
        sent[0].param("customfield").as_deref(),
        Some("billTo,currency")
    );
    assert!(
        emulator
            .requests()
            .iter()
            .any(|r| r.path == "/v1/job/check"),
        "it ran as a job"
    );
    let with_callback = Request::parse_invoice().callback("https://hooks.example/done");
    assert!(with_callback.validate().is_ok());
    let file = client.upload(SAMPLE).unwrap();
    match client.start(&with_callback.url(file.url())).unwrap() {
        Conversion::Started(_) => {}
        other => panic!("expected a job, got {other:?}"),
    }
    let sent = sent_to(&emulator, "/v1/ai-invoice-parser");
    assert_eq!(
        sent[1].param("callback").as_deref(),
        Some("https://hooks.example/done")
    );
}

fn rules() -> String {
    ClassifierRule::to_csv(&[
        ClassifierRule::new("invoice", ClassifierLogic::And, ["Invoice", "Total"]),
        ClassifierRule::new("receipt", ClassifierLogic::Or, ["Receipt", "Paid in full"]),
        ClassifierRule::new("numbered", ClassifierLogic::Or, ["/Invoice No\\. \\d{6}/"]),
        ClassifierRule::new("shouting", ClassifierLogic::And, ["SAMPLE INVOICE"]),
        ClassifierRule::new(
            "business",
            ClassifierLogic::Or,
            ["Thank you, again", "business"],
        ),
    ])
}

#[test]
fn classifier_applies_csv_rules_sync_and_async() {
    let (emulator, client) = common::setup();
    for (asynchronous, case_sensitive) in [(false, true), (true, false)] {
        emulator.clear_requests();
        let request = Request::classify(rules())
            .case_sensitive(case_sensitive)
            .inline(true)
            .asynchronous(asynchronous);
        let value = client.run(&request).input(SAMPLE).json().unwrap();
        let classes = Classes::from_value(&value).unwrap();
        let mut want = vec!["invoice", "numbered"];
        if !case_sensitive {
            want.push("shouting");
        }
        want.push("business");
        assert_eq!(
            classes.names(),
            want.as_slice(),
            "case sensitive: {case_sensitive}"
        );
        let sent = sent_to(&emulator, "/v1/pdf/classifier");
        assert_eq!(sent[0].param("rulescsv"), Some(rules()));
        assert_eq!(
            sent[0].param("caseSensitive"),
            Some(case_sensitive.to_string())
        );
    }
}

#[test]
fn classifier_fetches_rules_from_a_url() {
    let (emulator, client) = common::setup();
    let rules_url = client
        .upload(Input::bytes("rules.csv", rules().as_bytes()))
        .unwrap()
        .url()
        .to_string();
    let request = Request::classify_with_rules_url(rules_url.as_str()).inline(true);
    let value = client.run(&request).input(SAMPLE).json().unwrap();
    assert_eq!(
        Classes::from_value(&value).unwrap().first(),
        Some("invoice")
    );
    let sent = sent_to(&emulator, "/v1/pdf/classifier");
    assert_eq!(sent[0].param("rulescsvurl"), Some(rules_url));
    assert_eq!(sent[0].param("rulescsv"), None);
}

fn smtp() -> Smtp {
    Smtp::new("smtp.example.com", 587, "me@example.com", "smtp-s3cret-pw")
}

#[test]
fn email_send_is_validated_and_acknowledged_without_sending() {
    let (emulator, client) = common::setup_no_retry();
    let file = client.upload(SAMPLE).unwrap();
    let message = EmailMessage::new("Me <me@example.com>", "you@example.com", "The report")
        .reply_to("replies@example.com")
        .cc("boss@example.com")
        .bcc("audit@example.com")
        .body_text("Attached.")
        .body_html("<p>Attached.</p>");
    let request = Request::send_email(smtp(), message.clone())
        .url(file.url())
        .asynchronous(false);
    assert!(!format!("{request:?}").contains("smtp-s3cret-pw"));
    match client.start(&request).unwrap() {
        Conversion::Finished(output) => {
            assert_eq!(output.answer()["error"], json!(false));
        }
        other => panic!("expected an answer, got {other:?}"),
    }
    let sent = sent_to(&emulator, "/v1/email/send");
    assert_eq!(sent.len(), 1);
    let expected = [
        ("from", "Me <me@example.com>"),
        ("to", "you@example.com"),
        ("subject", "The report"),
        ("smtpServer", "smtp.example.com"),
        ("smtpPort", "587"),
        ("smtpUsername", "me@example.com"),
        ("smtpPassword", "smtp-s3cret-pw"),
        ("replyTo", "replies@example.com"),
        ("cc", "boss@example.com"),
        ("bcc", "audit@example.com"),
        ("bodyText", "Attached."),
        ("bodyHtml", "<p>Attached.</p>"),
        ("async", "false"),
    ];
    for (name, value) in expected {
        let found = sent[0].params().into_iter().find(|(k, _)| k == name);
        assert_eq!(found.map(|(_, v)| v).as_deref(), Some(value), "{name}");
    }

    // As a job, too, with a run's input as the attachment: nothing is sent, and the job's
    // link holds the emulator's note saying so.
    let job = Request::send_email(smtp(), message.clone()).url(file.url());
    let Conversion::Started(job) = client.start(&job).unwrap() else {
        panic!("expected a job")
    };
    assert!(client.wait(&job, |_| {}).is_ok());
    let note = client
        .run(&Request::send_email(smtp(), message.clone()))
        .input(SAMPLE)
        .json()
        .unwrap();
    assert_eq!(note["sent"], json!(false));
    assert_eq!(note["attachment"], json!("sample.pdf"));
    // Synchronously, a run reads the acknowledgement itself.
    let ack = client
        .run(&Request::send_email(smtp(), message.clone()).asynchronous(false))
        .input(SAMPLE)
        .json()
        .unwrap();
    assert_eq!(
        (&ack["error"], &ack["status"]),
        (&json!(false), &json!(200)),
        "{ack}"
    );

    // The emulator refuses a message without a required field, as PDF.co does.
    let raw = Request::new("email/send")
        .param("from", "me@example.com")
        .param("to", "you@example.com")
        .param("subject", "x")
        .asynchronous(false);
    assert_eq!(api_status(&client.start(&raw).unwrap_err()), Some(400));
}

#[test]
fn the_smtp_password_is_masked_where_a_server_repeats_it() {
    let (emulator, client) = common::setup_no_retry();
    emulator.fail_next(
        Endpoint::Other,
        Fault::Echo {
            status: 400,
            message: "SMTP login failed for {smtpUsername} with {smtpPassword}".into(),
        },
    );
    let message = EmailMessage::new("me@example.com", "you@example.com", "x");
    let error = client
        .start(&Request::send_email(smtp(), message))
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("me@example.com"), "{shown}");
    assert!(!shown.contains("smtp-s3cret-pw"), "{shown}");
}

#[test]
fn email_decode_reads_real_mime_sync_and_async() {
    let (emulator, client) = common::setup();
    let plain = client
        .run(&Request::decode_email().inline(true).asynchronous(false))
        .input(PLAIN_EML)
        .json()
        .unwrap();
    let plain = Email::from_value(&plain).unwrap();
    assert_eq!(plain.subject().as_deref(), Some("Your caf\u{e9} order"));
    assert_eq!(
        plain.sender().as_deref(),
        Some("The Corner Cafe <orders@corner-cafe.example>")
    );
    let text = plain.body_text().unwrap();
    assert!(
        text.contains("caf\u{e9} order is confirmed") && text.contains("to be picked up at"),
        "quoted-printable decoded, soft breaks joined: {text:?}"
    );
    assert_eq!(plain.body_html(), None);

    let invoice = client
        .run(&Request::decode_email())
        .input(INVOICE_EML)
        .json()
        .unwrap();
    let invoice = Email::from_value(&invoice).unwrap();
    assert_eq!(invoice.subject().as_deref(), Some("Invoice 123456"));
    assert_eq!(
        invoice.to().as_deref(),
        Some("Accounts <accounts@example.com>, Ana <ana@example.com>")
    );
    assert_eq!(invoice.cc().as_deref(), Some("archive@example.com"));
    assert!(
        invoice
            .body_text()
            .unwrap()
            .contains("Total due: 209.90 EUR")
    );
    assert!(
        invoice.body_html().unwrap().contains("<b>123456</b>"),
        "base64 HTML decoded"
    );
    assert_eq!(
        invoice.date().as_deref(),
        Some("Tue, 01 Dec 2026 10:00:00 +0000")
    );
    assert_eq!(invoice.raw()["attachmentsCount"], json!(2));

    let sent = sent_to(&emulator, "/v1/email/decode");
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].param("async").as_deref(), Some("false"));
    assert_eq!(sent[1].param("async").as_deref(), Some("true"));

    let (_emulator, client) = common::setup_no_retry();
    let not_email = client
        .run(&Request::decode_email().asynchronous(false))
        .input(Input::bytes("x.eml", b"\x00\x01 not a message".as_slice()))
        .json();
    assert_eq!(api_status(&not_email.unwrap_err()), Some(442));
}

#[test]
fn email_attachments_are_stored_and_linked_sync_and_async() {
    let (emulator, client) = common::setup();
    for asynchronous in [false, true] {
        let request = Request::extract_email_attachments()
            .inline(true)
            .asynchronous(asynchronous);
        let value = client.run(&request).input(INVOICE_EML).json().unwrap();
        let found = EmailAttachments::from_value(&value).unwrap();
        assert_eq!(
            found.sender().as_deref(),
            Some("Billing <billing@acme.example>")
        );
        assert_eq!(found.subject().as_deref(), Some("Invoice 123456"));
        assert!(found.body_text().unwrap().contains("invoice 123456"));
        let names: Vec<_> = found.attachments().iter().map(|a| a.filename()).collect();
        assert_eq!(names, [Some("invoice.pdf"), Some("notes.txt")]);

        let pdf = get_bytes(found.attachments()[0].url().unwrap());
        assert_eq!(
            pdf,
            std::fs::read(SAMPLE).unwrap(),
            "base64 decoded exactly"
        );
        assert_eq!(
            lopdf::Document::load_mem(&pdf).unwrap().get_pages().len(),
            3
        );
        let notes = get_bytes(found.attachments()[1].url().unwrap());
        assert_eq!(notes, b"Pay by bank transfer within 30 days.\n");
    }
    let sent = sent_to(&emulator, "/v1/email/extract-attachments");
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|r| r.param("inline").as_deref() == Some("true"))
    );
}

#[test]
fn local_refusals_send_nothing() {
    let (emulator, client) = common::setup();
    let refused: Vec<(&str, Result<Value, Error>)> = vec![
        (
            "template",
            client
                .run(&Request::parse_document(
                    ParserTemplate::Text(String::new()),
                ))
                .input(SAMPLE)
                .json(),
        ),
        (
            "customfield",
            client
                .run(&Request::parse_invoice().custom_fields(["ship to"]))
                .input(SAMPLE)
                .json(),
        ),
        (
            "rulescsv",
            client.run(&Request::classify("  ")).input(SAMPLE).json(),
        ),
        (
            "rulescsvurl",
            client
                .run(&Request::classify_with_rules_url("ftp://h/rules.csv"))
                .input(SAMPLE)
                .json(),
        ),
        (
            "to",
            client
                .run(&Request::send_email(
                    smtp(),
                    EmailMessage::new("me@example.com", "nobody", "x"),
                ))
                .input(SAMPLE)
                .json(),
        ),
        (
            "subject",
            client
                .run(&Request::send_email(
                    smtp(),
                    EmailMessage::new("me@example.com", "you@example.com", "a\r\nBcc: x@y.z"),
                ))
                .input(SAMPLE)
                .json(),
        ),
        (
            "smtpPort",
            client
                .run(&Request::send_email(
                    Smtp::new("smtp.example.com", 0, "me", "pw"),
                    EmailMessage::new("me@example.com", "you@example.com", "x"),
                ))
                .input(SAMPLE)
                .json(),
        ),
        (
            "smtpPassword",
            client
                .run(&Request::send_email(
                    Smtp::new("smtp.example.com", 25, "me", ""),
                    EmailMessage::new("me@example.com", "you@example.com", "x"),
                ))
                .input(SAMPLE)
                .json(),
        ),
    ];
    for (name, result) in refused {
        match result {
            Err(Error::InvalidOption { option, .. }) => assert_eq!(option, name),
            other => panic!("{name}: expected a local refusal, got {other:?}"),
        }
    }
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[test]
fn document_parser_writes_yaml_and_xml_and_built_in_tables() {
    let (emulator, client) = common::setup();
    let template = || Request::parse_document(ParserTemplate::Text(json_template()));
    let yaml = client
        .run(&template().output_format(ParserOutputFormat::Yaml))
        .input(SAMPLE)
        .text()
        .unwrap();
    assert!(
        yaml.contains("- name: \"invoiceNo\"\n  objectType: \"field\"\n  value: \"123456\""),
        "{yaml}"
    );
    assert!(
        yaml.contains("  - item: \"Gadget\"\n    quantity: \"2\""),
        "{yaml}"
    );
    let xml = client
        .run(
            &template()
                .output_format(ParserOutputFormat::Xml)
                .inline(true)
                .asynchronous(false),
        )
        .input(SAMPLE)
        .text()
        .unwrap();
    assert!(
        xml.contains("<object name=\"total\" objectType=\"field\"><value>209.90</value></object>"),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<row><item>Gizmo (large)</item><quantity>1</quantity><price>99.90</price></row>"
        ),
        "{xml}"
    );
    let formats: Vec<_> = sent_to(&emulator, "/v1/pdf/documentparser")
        .iter()
        .map(|r| r.param("outputFormat"))
        .collect();
    assert_eq!(formats, [Some("YAML".to_string()), Some("XML".to_string())]);

    // The built-in table template, by id.
    let list =
        ParserTemplates::from_value(&client.run(&Request::parser_templates()).json().unwrap())
            .unwrap();
    let items = list
        .templates()
        .iter()
        .find(|t| t.title().is_some_and(|t| t.contains("Line items")))
        .and_then(ParserTemplateInfo::id)
        .unwrap();
    let request = Request::parse_document(ParserTemplate::Id(items)).inline(true);
    let parsed =
        ParsedDocument::from_value(&client.run(&request).input(SAMPLE).json().unwrap()).unwrap();
    let table = parsed.object("items").unwrap();
    assert_eq!(table.page_index(), Some(1));
    let prices: Vec<_> = table
        .rows()
        .iter()
        .filter_map(|r| r.text("price"))
        .collect();
    assert_eq!(prices, ["12.50", "30.00", "99.90"]);
}
