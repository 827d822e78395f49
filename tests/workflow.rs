//! The one-call helpers, connection reuse, progress, and secrets across a whole workflow.

mod common;

use common::{
    ENCRYPTED, SAMPLE, TempDir, assert_clean, on, page_texts, setup, setup_no_retry, signature,
    xlsx_sheet_names,
};
use pdfco::testing::{Emulator, Endpoint, Fault, Host, Outcome};
use pdfco::{OutputFormat, Progress, Request};

#[test]
fn pdf_to_json_runs_the_four_steps_in_order_on_one_connection_per_host() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let report = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("sample.json"))
        .unwrap();
    assert_eq!(report.page_count(), Some(3));
    assert_eq!(report.path(), dir.join("sample.json"));
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report.path()).unwrap()).unwrap();
    assert_eq!(page_texts(&doc).len(), 3);
    assert_eq!(
        std::fs::metadata(report.path()).unwrap().len(),
        report.bytes()
    );

    let sequence: Vec<(Host, String, String)> = emulator
        .requests()
        .into_iter()
        .map(|r| {
            (
                r.host,
                r.method,
                r.path.rsplit('/').next().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        (Host::Api, "GET", "get-presigned-url"),
        (Host::Storage, "PUT", "sample.pdf"),
        (Host::Api, "POST", "json"),
        (Host::Api, "GET", "check"),
        (Host::Api, "GET", "check"),
        (Host::Storage, "GET", "sample.json"),
    ];
    assert_eq!(sequence.len(), expected.len(), "{sequence:?}");
    for (got, want) in sequence.iter().zip(expected) {
        assert_eq!((got.0, got.1.as_str(), got.2.as_str()), want);
    }
    for host in [Host::Api, Host::Storage] {
        let mut connections: Vec<u64> = on(&emulator, host).iter().map(|r| r.connection).collect();
        connections.dedup();
        assert_eq!(
            connections.len(),
            1,
            "{host:?} used connections {connections:?}"
        );
    }
    let key = emulator.api_key();
    assert!(
        on(&emulator, Host::Api)
            .iter()
            .all(|r| r.header("x-api-key") == Some(key.as_str()))
    );
    assert!(
        on(&emulator, Host::Storage)
            .iter()
            .all(|r| r.header("x-api-key").is_none())
    );
}

#[test]
fn connections_are_reused_across_workflows_and_client_clones() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("a.json"))
        .unwrap();
    let clone = client.clone();
    clone
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Xlsx))
        .input(SAMPLE)
        .save(dir.join("a.xlsx"))
        .unwrap();
    let mut ids: Vec<u64> = emulator.requests().iter().map(|r| r.connection).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        2,
        "one connection to the API and one to storage: {ids:?}"
    );
}

#[test]
fn pdf_to_xlsx_names_the_output_after_the_destination() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let report = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Xlsx))
        .input(SAMPLE)
        .save(dir.join("invoice.xlsx"))
        .unwrap();
    let bytes = std::fs::read(report.path()).unwrap();
    assert_eq!(xlsx_sheet_names(&bytes), ["Page 1", "Page 2", "Page 3"]);
    let last = on(&emulator, Host::Storage).pop().unwrap();
    assert!(last.path.ends_with("/invoice.xlsx"), "{}", last.path);
}

#[test]
fn convert_file_honours_pages_password_and_sync_mode() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::convert(OutputFormat::Json)
        .pages("1")
        .password("secret")
        .asynchronous(false);
    let report = client
        .run(&request)
        .input(ENCRYPTED)
        .save(dir.join("p1.json"))
        .unwrap();
    assert_eq!(report.job_id(), None, "a synchronous conversion has no job");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report.path()).unwrap()).unwrap();
    let pages = page_texts(&doc);
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].0, "1");
    assert!(pages[0].1.contains(&"Widget".to_string()));
    assert!(
        !emulator
            .requests()
            .iter()
            .any(|r| r.path == "/v1/job/check")
    );
}

#[test]
fn progress_reports_every_phase_in_order() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let mut events = Vec::new();
    let mut last_upload = 0;
    let mut last_download = 0;
    client
        .run(&Request::convert(OutputFormat::Json))
        .input(SAMPLE)
        .on_progress(|p| {
            let tag = match p {
                Progress::Uploading { sent, total } => {
                    assert!(sent <= total && sent > last_upload);
                    last_upload = sent;
                    "upload"
                }
                Progress::Uploaded { bytes } => {
                    assert_eq!(bytes, std::fs::metadata(SAMPLE).unwrap().len());
                    "uploaded"
                }
                Progress::Started(_) => "started",
                Progress::Status(_) => "status",
                Progress::Downloading { received } => {
                    last_download = received;
                    "download"
                }
            };
            if events.last() != Some(&tag) {
                events.push(tag);
            }
        })
        .save(dir.join("p.json"))
        .unwrap();
    assert_eq!(
        events,
        ["upload", "uploaded", "started", "status", "download"]
    );
    assert_eq!(last_upload, std::fs::metadata(SAMPLE).unwrap().len());
    assert_eq!(
        last_download,
        std::fs::metadata(dir.join("p.json")).unwrap().len()
    );
}

#[test]
fn every_error_after_the_job_started_carries_its_id() {
    let dir = TempDir::new();
    let request = Request::convert(OutputFormat::Json);
    type Script = fn(&Emulator);
    let cases: [(&str, Script); 3] = [
        ("check refused", |e| {
            e.fail_next(Endpoint::JobCheck, Fault::Status(429))
        }),
        ("download refused", |e| {
            e.fail_next(Endpoint::Download, Fault::Status(403))
        }),
        ("job failed", |e| {
            e.set_outcome(Outcome::Failed("nope".into()))
        }),
    ];
    for (what, script) in cases {
        let (emulator, client) = setup_no_retry();
        script(&emulator);
        let dest = dir.join("out.json");
        let err = client.run(&request).input(SAMPLE).save(&dest).unwrap_err();
        let id = err
            .job_id()
            .unwrap_or_else(|| panic!("{what}: no job id in {err:?}"));
        assert_eq!(id.len(), 32, "{what}");
        assert!(err.to_string().contains(id), "{what}: {err}");
        assert!(!dest.exists(), "{what}: no output on failure");
    }
    assert!(
        dir.files().is_empty(),
        "no partial files: {:?}",
        dir.files()
    );
}

#[test]
fn errors_before_the_job_have_no_id() {
    let (emulator, client) = setup();
    emulator.fail_next(Endpoint::Convert, Fault::Status(402));
    let dir = TempDir::new();
    let err = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("x.json"))
        .unwrap_err();
    assert_eq!((err.status(), err.job_id()), (Some(402), None));
}

#[test]
fn no_secret_appears_in_any_error_or_debug_output() {
    let emulator = Emulator::builder()
        .api_key("SUPER-SECRET-KEY-42")
        .start()
        .unwrap();
    let client = emulator
        .client_builder()
        .retry(pdfco::RetryPolicy::disabled())
        .build()
        .unwrap();
    let dir = TempDir::new();
    let mut texts = vec![
        format!("{client:?}"),
        format!("{:?}", emulator.client_builder()),
    ];
    let mut signatures = Vec::new();

    let file = client.upload(SAMPLE).unwrap();
    signatures.push(signature(file.url()));
    texts.push(format!("{file:?}"));
    let locked = client.upload(ENCRYPTED).unwrap();
    let request = Request::convert(OutputFormat::Json).password("pa55word-x");
    texts.push(format!("{request:?}"));
    let job = match client
        .start(
            &Request::convert(OutputFormat::Json)
                .password("wrong-pa55")
                .url(locked.url()),
        )
        .unwrap()
    {
        pdfco::Conversion::Started(job) => job,
        other => panic!("{other:?}"),
    };
    signatures.push(signature(job.result_url().unwrap()));
    texts.push(format!("{job:?}"));
    let err = client
        .wait(&job, |s| texts.push(format!("{s:?}")))
        .unwrap_err();
    texts.push(format!("{err} {err:?}"));
    let err = client
        .download(
            job.result_url().unwrap(),
            pdfco::Destination::writer(Vec::new()),
        )
        .unwrap_err();
    texts.push(format!("{err} {err:?}"));
    for code in [401, 500] {
        emulator.fail_next(Endpoint::Presign, Fault::Status(code));
        let err = client
            .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
            .input(SAMPLE)
            .save(dir.join("x.json"))
            .unwrap_err();
        texts.push(format!("{err} {err:?}"));
    }
    let wrong = pdfco::Client::builder("WRONG-KEY-99")
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let err = wrong.upload(SAMPLE).unwrap_err();
    texts.push(format!("{err} {err:?} {wrong:?}"));

    let mut secrets = vec![
        "SUPER-SECRET-KEY-42",
        "WRONG-KEY-99",
        "pa55word-x",
        "wrong-pa55",
    ];
    secrets.extend(signatures.iter().map(String::as_str));
    for text in &texts {
        assert_clean(text, &secrets);
    }
}

#[test]
fn the_balance_follows_what_conversions_and_checks_cost() {
    let (emulator, client) = setup();
    let before = client.balance().unwrap();
    assert_eq!(before, emulator.remaining_credits());
    let dir = TempDir::new();
    let report = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("b.json"))
        .unwrap();
    // Three pages at one credit each, two checks at two credits each.
    assert_eq!(client.balance().unwrap(), before - 3 - 2 * 2);
    assert_eq!(report.credits(), Some(3));
    assert_eq!(report.remaining_credits(), Some(before - 3 - 2 * 2));
    let wrong = pdfco::Client::builder("nope")
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    assert_eq!(wrong.balance().unwrap_err().status(), Some(401));
}

#[test]
fn a_run_merges_several_inputs_in_order() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("both.pdf");
    let report = client
        .run(&Request::new("pdf/merge"))
        .input(SAMPLE)
        .input(SAMPLE)
        .save(&out)
        .unwrap();
    assert_eq!(report.paths(), std::slice::from_ref(&out));
    assert_eq!(
        lopdf::Document::load(&out).unwrap().get_pages().len(),
        6,
        "both inputs, in one file"
    );
    assert_eq!(report.cargo_directives().len(), 2, "one line per input");
    let merge = emulator
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/pdf/merge")
        .unwrap();
    assert_eq!(merge.param("url").unwrap().split(',').count(), 2);
    assert_eq!(merge.param("name").as_deref(), Some("both.pdf"));
}

#[test]
fn a_run_reads_an_endpoints_data_synchronously_or_from_a_job() {
    let (_emulator, client) = setup();
    for asynchronous in [false, true] {
        let info = client
            .run(&Request::new("pdf/info").asynchronous(asynchronous))
            .input(SAMPLE)
            .json()
            .unwrap();
        assert_eq!(info["PageCount"], 3, "async {asynchronous}: {info}");
    }
}

#[test]
fn too_many_documents_for_an_endpoint_are_refused_before_any_request() {
    let (emulator, client) = setup();
    let err = client
        .run(&Request::new("pdf/info"))
        .input(SAMPLE)
        .input(SAMPLE)
        .json()
        .unwrap_err();
    assert!(
        matches!(err, pdfco::Error::InvalidOption { option: "url", .. }),
        "{err:?}"
    );
    let err = client
        .run(&Request::new("pdf/merge"))
        .input(pdfco::Input::url("https://example.com/a,b.pdf"))
        .input(SAMPLE)
        .save(TempDir::new().join("out.pdf"))
        .unwrap_err();
    assert!(matches!(err, pdfco::Error::InvalidOption { .. }), "{err:?}");
    assert!(emulator.requests().is_empty(), "nothing was sent");
}
