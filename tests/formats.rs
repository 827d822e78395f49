//! The whole conversion family against the emulator: page images into a folder, options as
//! sent, inline and in-memory results, inputs other than a path, checkpoints and
//! build-script mode.

mod common;

use std::time::Duration;

use common::{ENCRYPTED, SAMPLE, TempDir, setup};
use pdfco::testing::{Emulator, Endpoint, Fault, Host, Outcome};
use pdfco::{Conversion, Document, Error, Input, JobState, LineGrouping, OutputFormat, Request};

/// The signature a file of `format` starts with.
fn magic(format: OutputFormat) -> &'static [u8] {
    match format {
        OutputFormat::Png => b"\x89PNG\r\n\x1a\n",
        OutputFormat::Jpg => b"\xFF\xD8\xFF",
        OutputFormat::Webp => b"RIFF",
        OutputFormat::Tiff => b"II*\0",
        other => panic!("no magic for {other}"),
    }
}

#[test]
fn page_images_go_into_a_folder_one_per_selected_page() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    for format in [OutputFormat::Png, OutputFormat::Jpg, OutputFormat::Webp] {
        for asynchronous in [true, false] {
            let folder = dir.join(&format!("{format}-{asynchronous}"));
            let request = Request::convert(format)
                .pages("0,2")
                .asynchronous(asynchronous);
            let report = client.run(&request).input(SAMPLE).save(&folder).unwrap();
            let ext = format.extension();
            let expected = vec![
                folder.join(format!("sample-1.{ext}")),
                folder.join(format!("sample-2.{ext}")),
            ];
            assert_eq!(
                report.paths(),
                &expected[..],
                "{format} async={asynchronous}"
            );
            assert_eq!(report.path(), folder.as_path());
            assert_eq!(report.job_id().is_some(), asynchronous);
            let mut total = 0;
            for path in &expected {
                let bytes = std::fs::read(path).unwrap();
                assert!(bytes.starts_with(magic(format)), "{}", path.display());
                total += bytes.len() as u64;
            }
            assert_eq!(report.bytes(), total);
            // Nothing else in the folder: no listing, no temporary file.
            assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2);
        }
    }
}

#[test]
fn tiff_is_one_file_with_an_image_per_page() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let dest = dir.join("all.tiff");
    client
        .run(&Request::convert(OutputFormat::Tiff))
        .input(SAMPLE)
        .save(&dest)
        .unwrap();
    let tiff = std::fs::read(&dest).unwrap();
    assert!(tiff.starts_with(magic(OutputFormat::Tiff)));
    let read32 = |at: usize| u32::from_le_bytes(tiff[at..at + 4].try_into().unwrap()) as usize;
    let (mut at, mut images) = (read32(4), 0);
    while at != 0 {
        images += 1;
        let entries = u16::from_le_bytes([tiff[at], tiff[at + 1]]) as usize;
        at = read32(at + 2 + entries * 12);
    }
    assert_eq!(images, 3);
}

#[test]
fn a_refused_page_download_leaves_the_folder_as_it_was() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let folder = dir.join("pages");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("sample-1.png"), b"old").unwrap();
    // The first page arrives whole; the second is refused.
    let whole = Fault::Trickle {
        bytes: 1 << 20,
        pause: Duration::ZERO,
    };
    emulator.fail_next(Endpoint::Download, whole);
    emulator.fail_next(Endpoint::Download, Fault::Status(403));
    let request = Request::convert(OutputFormat::Png).asynchronous(false);
    let err = client
        .run(&request)
        .input(SAMPLE)
        .save(&folder)
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");
    let names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("sample-1.png")]);
    assert_eq!(std::fs::read(folder.join("sample-1.png")).unwrap(), b"old");
}

#[test]
fn page_images_need_a_folder_whose_parent_exists() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let request = Request::convert(OutputFormat::Png);
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    for dest in [file, dir.join("missing/pages")] {
        let err = client.run(&request).input(SAMPLE).save(&dest).unwrap_err();
        assert!(err.is_local(), "{err}");
    }
    assert!(emulator.requests().is_empty());
}

#[test]
fn options_reach_pdf_co_as_documented() {
    let (emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Csv)
        .inline(true)
        .profiles("{ 'profiles': [ { 'profile1': { 'RotationAngle': 1 } } ] }")
        .rect(10.0, 20.5, 300.0, 400.0)
        .lang("eng+deu")
        .line_grouping(LineGrouping::Columns)
        .unwrap_lines(true)
        .expiration(Duration::from_secs(90 * 60))
        .http_auth("reader", "pa55word")
        .callback("https://hooks.example/done?token=abc")
        .timeout(Duration::from_secs(30))
        .param("lineending", "unix");
    client.start(&request.clone().url(file.url())).unwrap();
    let sent = emulator.convert_params().pop().unwrap();
    let expect = [
        ("inline", "true"),
        (
            "profiles",
            "{ 'profiles': [ { 'profile1': { 'RotationAngle': 1 } } ] }",
        ),
        ("rect", "10, 20.5, 300, 400"),
        ("lang", "eng+deu"),
        ("linegrouping", "2"),
        ("unwrap", "true"),
        ("expiration", "90"),
        ("httpusername", "reader"),
        ("httppassword", "pa55word"),
        ("callback", "https://hooks.example/done?token=abc"),
        ("timeout", "30"),
        ("lineending", "unix"),
        ("async", "true"),
    ];
    for (name, value) in expect {
        assert_eq!(sent.get(name).map(String::as_str), Some(value), "{name}");
    }
    let debug = format!("{request:?}");
    assert!(!debug.contains("pa55word"), "{debug}");

    // Profiles written from a value go as a JSON string; unset options are not sent.
    let value = serde_json::json!({ "SaveImages": "Embed" });
    let request = Request::convert(OutputFormat::Json).profiles_json(&value);
    client.start(&request.clone().url(file.url())).unwrap();
    let sent = emulator.convert_params().pop().unwrap();
    assert_eq!(sent["profiles"], r#"{"SaveImages":"Embed"}"#);
    let names: Vec<_> = sent.keys().map(String::as_str).collect();
    assert_eq!(names, ["async", "profiles", "url"]);
}

#[test]
fn bad_options_fail_before_any_request() {
    let (emulator, client) = setup();
    let json = || Request::convert(OutputFormat::Json);
    let cases = [
        ("inline", Request::convert(OutputFormat::Xlsx).inline(true)),
        ("rect", json().rect(0.0, 0.0, 0.0, 10.0)),
        ("rect", json().rect(-1.0, 0.0, 10.0, 10.0)),
        ("rect", json().rect(f64::NAN, 0.0, 10.0, 10.0)),
        ("lang", json().lang("eng; rm -rf")),
        ("unwrap", json().unwrap_lines(true)),
        ("expiration", json().expiration(Duration::from_secs(30))),
        (
            "expiration",
            json().expiration(Duration::from_secs(25 * 3600)),
        ),
        ("callback", json().callback("ftp://x")),
        (
            "callback",
            json().callback("https://x/hook").asynchronous(false),
        ),
        ("timeout", json().timeout(Duration::from_millis(500))),
        ("httpusername", json().http_auth("", "pw")),
    ];
    for (option, request) in cases {
        let err = client
            .run(&request)
            .input(SAMPLE)
            .save(std::env::temp_dir().join("never.json"))
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidOption { option: o, .. } if *o == option),
            "{option}: {err}"
        );
        assert!(err.is_local());
    }
    assert!(emulator.requests().is_empty());
}

#[test]
fn the_emulator_checks_profiles_and_line_grouping_like_pdf_co() {
    let (_emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Json).profiles("{ not json");
    let err = client.start(&request.clone().url(file.url())).unwrap_err();
    assert_eq!(err.status(), Some(444), "{err}");
    let request = Request::convert(OutputFormat::Json).param("lineGrouping", "7");
    let err = client.start(&request.clone().url(file.url())).unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

#[test]
fn rect_limits_the_extracted_text() {
    let (_emulator, client) = setup();
    let whole = client
        .run(&Request::convert(OutputFormat::Text).pages("0"))
        .input(SAMPLE)
        .text()
        .unwrap();
    assert!(whole.contains("Sample Invoice"), "{whole}");
    let corner = Request::convert(OutputFormat::Text)
        .pages("0")
        .rect(0.0, 0.0, 5.0, 5.0);
    let none = client.run(&corner).input(SAMPLE).text().unwrap();
    assert!(!none.contains("Sample Invoice"), "{none}");
    let page = Request::convert(OutputFormat::Text)
        .pages("0")
        .rect(0.0, 0.0, 612.0, 792.0);
    assert_eq!(client.run(&page).input(SAMPLE).text().unwrap(), whole);
}

#[test]
fn inline_results_come_back_in_the_answer() {
    let (emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();

    let text = Request::convert(OutputFormat::Text)
        .inline(true)
        .asynchronous(false);
    let Conversion::Finished(output) = client.start(&text.clone().url(file.url())).unwrap() else {
        panic!("a synchronous answer")
    };
    assert!(output.text().unwrap().contains("Sample Invoice"));
    assert_eq!(output.url(), None, "inline answers carry no link");

    let json = Request::convert(OutputFormat::Json2)
        .inline(true)
        .asynchronous(false);
    let Conversion::Finished(output) = client.start(&json.clone().url(file.url())).unwrap() else {
        panic!("a synchronous answer")
    };
    let document = Document::from_value(output.body().unwrap()).unwrap();
    assert_eq!(document.pages().len(), 3);

    // Asynchronously, the successful check carries the body.
    let json = Request::convert(OutputFormat::JsonMeta).inline(true);
    let Conversion::Started(job) = client.start(&json.clone().url(file.url())).unwrap() else {
        panic!("a job")
    };
    let done = client.wait(&job, |_| {}).unwrap();
    assert_eq!(done.state(), &JobState::Success);
    let document = Document::from_value(done.body().unwrap()).unwrap();
    assert!(document.text().contains("Sample Invoice"));

    // One-call: the inline body is used as is, with no download.
    emulator.clear_requests();
    let value = client.run(&json).input(SAMPLE).json().unwrap();
    assert_eq!(Document::from_value(&value).unwrap().pages().len(), 3);
    let downloads = emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Storage && r.method == "GET")
        .count();
    assert_eq!(downloads, 0);

    // An inline result written to a file.
    let dir = TempDir::new();
    let dest = dir.join("inline.txt");
    let report = client.run(&text).input(SAMPLE).save(&dest).unwrap();
    let written = std::fs::read_to_string(&dest).unwrap();
    assert!(written.contains("Sample Invoice"));
    assert_eq!(report.bytes(), written.len() as u64);
}

#[test]
fn results_read_into_memory() {
    let (_emulator, client) = setup();
    let csv = client
        .run(&Request::convert(OutputFormat::Csv).pages("1"))
        .input(SAMPLE)
        .text()
        .unwrap();
    assert!(csv.contains("Gizmo (large)"), "{csv}");
    assert!(!csv.contains("Sample Invoice"));

    let value = client
        .run(&Request::convert(OutputFormat::Json))
        .input(SAMPLE)
        .json()
        .unwrap();
    let document = Document::from_value(&value).unwrap();
    assert_eq!(document.pages().len(), 3);

    let job = common::start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let value = client
        .download(&done, pdfco::Destination::memory())
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(Document::from_value(&value).unwrap().pages().len(), 3);
    let text = client
        .download(&done, pdfco::Destination::memory())
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        value
    );
}

#[test]
fn in_memory_results_are_capped_and_typed() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().json_limit(1000).build().unwrap();
    let job = common::start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let err = client
        .download(&done, pdfco::Destination::memory())
        .and_then(pdfco::Saved::text)
        .unwrap_err();
    assert!(err.to_string().contains("larger than 1000 bytes"), "{err}");
    assert_eq!(err.job_id(), Some(job.id()));

    emulator.clear_requests();
    for format in [OutputFormat::Xlsx, OutputFormat::Png] {
        let err = client
            .run(&Request::convert(format))
            .input(SAMPLE)
            .text()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidOption { .. }), "{err}");
    }
    let err = client
        .run(&Request::convert(OutputFormat::Csv))
        .input(SAMPLE)
        .json()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidOption { .. }), "{err}");
    assert!(emulator.requests().is_empty());
}

#[test]
fn inputs_from_bytes_and_readers_upload_with_their_length() {
    let (emulator, client) = setup();
    let pdf = std::fs::read(SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Text).pages("0");
    let from_bytes = client
        .run(&request)
        .input(Input::bytes("mem.pdf", &pdf[..]))
        .text()
        .unwrap();
    assert!(from_bytes.contains("Sample Invoice"));

    emulator.clear_requests();
    let reader = std::io::Cursor::new(pdf.clone());
    let from_reader = client
        .run(&request)
        .input(Input::reader("read.pdf", reader, pdf.len() as u64))
        .text()
        .unwrap();
    assert_eq!(from_reader, from_bytes);
    let put = emulator
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert!(!put.chunked);
    assert_eq!(put.header("x-api-key"), None);
    assert_eq!(put.body_len, pdf.len() as u64);
    assert_eq!(put.header("content-length"), Some(&*pdf.len().to_string()));
    assert!(put.path.ends_with("/read.pdf"), "{}", put.path);

    // A reader shorter than its stated length fails the upload at once, rather than leaving
    // storage waiting for the rest; no job is started.
    let jobs = emulator.job_count();
    let short = std::io::Cursor::new(pdf[..100].to_vec());
    let impatient = emulator.client_builder().build().unwrap();
    let (len, shorter) = (pdf.len() as u64, request.clone());
    // A watchdog thread (the test's, not the library's): a regression here hangs rather
    // than fails, so the outcome is awaited with a time limit.
    let (done, outcome) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let input = Input::reader("short.pdf", short, len);
        let _ = done.send(impatient.run(&shorter).input(input).text());
    });
    let err = outcome
        .recv_timeout(Duration::from_secs(20))
        .expect("an upload from a short reader must fail, not hang")
        .unwrap_err();
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    assert!(chain.contains("before its stated length"), "{chain}");
    assert_eq!(emulator.job_count(), jobs);
}

#[test]
fn url_inputs_skip_the_upload_and_one_upload_converts_many_times() {
    let (emulator, client) = setup();
    let file = client.upload(SAMPLE).unwrap();
    emulator.clear_requests();
    let dir = TempDir::new();
    for format in [OutputFormat::Json, OutputFormat::Csv, OutputFormat::Xlsx] {
        let dest = dir.join(&format!("out.{}", format.extension()));
        client
            .run(&Request::convert(format))
            .input(&file)
            .save(&dest)
            .unwrap();
        assert!(std::fs::metadata(&dest).unwrap().len() > 0);
    }
    let url_text = client
        .run(&Request::convert(OutputFormat::Text))
        .input(Input::url(file.url()))
        .text()
        .unwrap();
    assert!(url_text.contains("Sample Invoice"));
    let requests = emulator.requests();
    assert!(requests.iter().all(|r| r.method != "PUT"));
    assert!(
        requests
            .iter()
            .all(|r| !r.path.ends_with("get-presigned-url"))
    );
    let bad = client
        .run(&Request::convert(OutputFormat::Text))
        .input(Input::url("file:///etc/passwd"))
        .text()
        .unwrap_err();
    assert!(bad.is_local(), "{bad}");
}

#[test]
fn a_checkpoint_lets_a_rerun_continue_the_paid_job() {
    let emulator = Emulator::builder()
        .job_duration(Duration::from_millis(600))
        .start()
        .unwrap();
    let client = emulator
        .client_builder()
        .poll_interval(Duration::from_millis(20))
        .job_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let dir = TempDir::new();
    let (dest, checkpoint) = (dir.join("out.json"), dir.join("out.job"));
    let request = Request::convert(OutputFormat::Json);
    let run = || {
        client
            .run(&request)
            .input(SAMPLE)
            .checkpoint(&checkpoint)
            .save(&dest)
    };
    let err = run().unwrap_err();
    assert!(matches!(err, Error::JobTimeout { .. }), "{err}");
    let saved = std::fs::read_to_string(&checkpoint).unwrap();
    assert!(saved.contains(err.job_id().unwrap()), "{saved}");
    assert_eq!(emulator.job_count(), 1);

    std::thread::sleep(Duration::from_millis(600));
    emulator.clear_requests();
    let report = run().unwrap();
    assert_eq!(report.job_id(), err.job_id(), "the same job, resumed");
    assert_eq!(emulator.job_count(), 1, "no second paid job");
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.method != "PUT" && !r.path.starts_with("/v1/pdf/"))
    );
    assert!(dest.exists());
    assert!(!checkpoint.exists(), "removed once the result is saved");

    // Another input does not pick up a checkpoint of this one.
    let _ = client
        .run(&request.clone().password("secret"))
        .input(ENCRYPTED)
        .checkpoint(&checkpoint)
        .save(dir.join("other.json"));
    assert_eq!(emulator.job_count(), 2);
}

#[test]
fn a_checkpoint_of_a_job_that_failed_is_dropped() {
    let emulator = Emulator::builder()
        .outcome(Outcome::Failed("Conversion failed".into()))
        .start()
        .unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    let checkpoint = dir.join("job");
    let err = client
        .run(&Request::convert(OutputFormat::Json))
        .input(SAMPLE)
        .checkpoint(&checkpoint)
        .save(dir.join("o.json"))
        .unwrap_err();
    assert!(matches!(err, Error::JobFailed { .. }), "{err}");
    assert!(!checkpoint.exists());
}

#[test]
fn build_script_mode_skips_unchanged_inputs() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let input = dir.join("in.pdf");
    std::fs::copy(SAMPLE, &input).unwrap();
    let dest = dir.join("out.csv");
    let request = Request::convert(OutputFormat::Csv);
    let run = |request: &Request<pdfco::kind::Convert>| {
        client
            .run(request)
            .input(&input)
            .skip_if_unchanged(true)
            .save(&dest)
            .unwrap()
    };
    let first = run(&request);
    assert!(!first.skipped());
    assert!(dir.join("out.csv.pdfco.json").exists());
    assert_eq!(
        first.cargo_directives(),
        vec![format!("cargo:rerun-if-changed={}", input.display())]
    );

    emulator.clear_requests();
    let second = run(&request);
    assert!(second.skipped());
    assert_eq!(second.bytes(), first.bytes());
    assert_eq!(second.cargo_directives(), first.cargo_directives());
    assert!(
        emulator.requests().is_empty(),
        "a skipped run sends nothing"
    );

    // Other options, changed content, or a missing output convert again.
    assert!(!run(&request.clone().pages("0")).skipped());
    assert!(!run(&request).skipped());
    let mut changed = std::fs::read(&input).unwrap();
    changed.extend_from_slice(b"\n% a comment after the end\n");
    std::fs::write(&input, changed).unwrap();
    assert!(!run(&request).skipped());
    assert!(run(&request).skipped());
    std::fs::remove_file(&dest).unwrap();
    assert!(!run(&request).skipped());

    // Page images: the sidecar lists every file.
    let folder = dir.join("pages");
    let images = Request::convert(OutputFormat::Png);
    let convert = || {
        client
            .run(&images)
            .input(&input)
            .skip_if_unchanged(true)
            .save(&folder)
            .unwrap()
    };
    assert!(!convert().skipped());
    let again = convert();
    assert!(again.skipped());
    assert_eq!(again.paths().len(), 3);
}

#[test]
fn a_batch_writes_page_images_into_a_folder_per_input() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let copy = dir.join("copy.pdf");
    std::fs::copy(SAMPLE, &copy).unwrap();
    let files = [
        (std::path::PathBuf::from(SAMPLE), dir.join("a")),
        (copy, dir.join("b")),
    ];
    for asynchronous in [true, false] {
        let request = Request::convert(OutputFormat::Jpg)
            .pages("0-1")
            .asynchronous(asynchronous);
        let report = files
            .clone()
            .into_iter()
            .fold(client.batch(), |batch, (input, output)| {
                batch.file(&request, input, output)
            })
            .run(|_| {});
        assert!(report.is_success(), "{report}");
        for (folder, stem) in [(dir.join("a"), "sample"), (dir.join("b"), "copy")] {
            for page in 1..=2 {
                let image = std::fs::read(folder.join(format!("{stem}-{page}.jpg"))).unwrap();
                assert!(image.starts_with(magic(OutputFormat::Jpg)));
            }
            assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2);
        }
    }
    // A folder whose parent is missing fails that item alone, before any request for it.
    let report = client
        .batch()
        .file(
            &Request::convert(OutputFormat::Png),
            SAMPLE,
            dir.join("missing/x"),
        )
        .run(|_| {});
    assert!(report.items()[0].result().unwrap_err().is_local());
}

#[test]
fn resumed_image_jobs_are_saved_by_what_they_know_of_their_format() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let file = client.upload(SAMPLE).unwrap();
    let request = Request::convert(OutputFormat::Webp).pages("2");
    let mut saved = Vec::new();
    for _ in 0..2 {
        let Conversion::Started(job) = client.start(&request.clone().url(file.url())).unwrap()
        else {
            panic!("a job")
        };
        assert_eq!(job.format(), Some(OutputFormat::Webp));
        saved.push((job.id().to_string(), job.result_url().map(str::to_string)));
    }
    let (known, unknown) = (saved[0].clone(), saved[1].clone());
    let jobs = [
        (
            pdfco::Job::resume(known.0, known.1).with_format(OutputFormat::Webp),
            dir.join("pages"),
        ),
        (
            pdfco::Job::resume(unknown.0, unknown.1),
            dir.join("listing.json"),
        ),
    ];
    let report = jobs
        .into_iter()
        .fold(client.batch(), |batch, (job, output)| {
            batch.job(job, output)
        })
        .run(|_| {});
    assert!(report.is_success(), "{report}");
    let image = std::fs::read(dir.join("pages/pages-1.webp")).unwrap();
    assert!(image.starts_with(magic(OutputFormat::Webp)));
    let listing: Vec<String> =
        serde_json::from_slice(&std::fs::read(dir.join("listing.json")).unwrap()).unwrap();
    assert_eq!(listing.len(), 1);
}
