//! Step 4: downloads that never leave a partial or clobbered file.

mod common;

use common::{TempDir, setup, setup_no_retry, start_job};
use pdfco::testing::{Endpoint, Fault};
use pdfco::{Error, Step};

#[test]
fn download_writes_the_complete_file_and_nothing_else() {
    let (_emulator, client) = setup();
    let job = start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let dir = TempDir::new();
    let bytes = client
        .download(&done, dir.join("result.json"))
        .unwrap()
        .bytes();
    let written = std::fs::read(dir.join("result.json")).unwrap();
    assert_eq!(written.len() as u64, bytes);
    assert!(serde_json::from_slice::<serde_json::Value>(&written).is_ok());
    assert_eq!(
        dir.files(),
        ["result.json"],
        "no temporary file is left behind"
    );
}

#[test]
fn result_is_404_until_the_job_has_succeeded_and_nothing_is_written() {
    let (_emulator, client) = setup();
    let job = start_job(&client);
    let dir = TempDir::new();
    let dest = dir.join("early.json");
    match client.download(&job, &dest).unwrap_err() {
        Error::Storage {
            step,
            status,
            code,
            job_id,
            ..
        } => {
            assert_eq!(
                (step, status, code.as_str()),
                (Step::Download, 404, "NoSuchKey")
            );
            assert_eq!(job_id.as_deref(), Some(job.id()));
        }
        other => panic!("expected Storage 404, got {other:?}"),
    }
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}

#[test]
fn failed_download_leaves_an_existing_file_untouched() {
    let (emulator, client) = setup_no_retry();
    let job = start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let dir = TempDir::new();
    let dest = dir.join("keep.json");
    std::fs::write(&dest, b"precious earlier result").unwrap();
    emulator.fail_next(Endpoint::Download, Fault::Status(500));
    let err = client.download(&done, &dest).unwrap_err();
    assert_eq!(err.job_id(), Some(job.id()));
    assert_eq!(std::fs::read(&dest).unwrap(), b"precious earlier result");
    assert_eq!(dir.files(), ["keep.json"]);
    // The same download succeeds afterwards and replaces the file whole.
    client.download(&done, &dest).unwrap();
    assert!(std::fs::read(&dest).unwrap().starts_with(b"{"));
}

#[test]
fn missing_destination_folder_fails_before_any_request() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    emulator.clear_requests();
    let err = client
        .download("http://127.0.0.1:9/x", dir.join("no/such/dir/out.json"))
        .unwrap_err();
    assert!(matches!(err, Error::WriteOutput { .. }), "{err:?}");
    assert!(err.is_local());
    let err = client
        .download("http://127.0.0.1:9/x", dir.path())
        .unwrap_err();
    assert!(
        matches!(err, Error::WriteOutput { .. }),
        "a folder is not a file path: {err:?}"
    );
    assert!(emulator.requests().is_empty());
}

#[test]
fn tampered_or_expired_result_links_are_refused() {
    let (emulator, client) = setup();
    let job = start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let url = done.url().unwrap();
    let tampered = url.replace("X-Amz-Expires=3600", "X-Amz-Expires=99999");
    let err = client
        .download(tampered.as_str(), pdfco::Destination::writer(Vec::new()))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Storage { status: 403, code, .. } if code == "SignatureDoesNotMatch"),
        "{err:?}"
    );

    emulator.set_result_lifetime(std::time::Duration::ZERO);
    let job = start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let err = client
        .download(&done, pdfco::Destination::writer(Vec::new()))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Storage { status: 403, message, .. } if message.contains("expired")),
        "{err:?}"
    );
    assert_eq!(err.job_id(), Some(job.id()));
}

#[test]
fn download_to_a_writer_streams_the_same_bytes() {
    let (_emulator, client) = setup();
    let job = start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let dir = TempDir::new();
    client.download(&done, dir.join("a.json")).unwrap();
    let mut buffer = Vec::new();
    let n = client
        .download(&done, pdfco::Destination::writer(&mut buffer))
        .unwrap()
        .bytes();
    assert_eq!(n as usize, buffer.len());
    assert_eq!(buffer, std::fs::read(dir.join("a.json")).unwrap());
}

#[test]
fn a_failing_writer_is_a_write_error_not_a_network_error() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let (_emulator, client) = setup();
    let job = start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let err = client
        .download(&done, pdfco::Destination::writer(Full))
        .unwrap_err();
    assert!(matches!(err, Error::WriteOutput { .. }), "{err:?}");
    assert_eq!(err.job_id(), Some(job.id()));
}

/// Uploads the sample and starts an image conversion of it, synchronous or not.
fn start_images(client: &pdfco::Client, asynchronous: bool) -> pdfco::Conversion {
    let file = client.upload(common::SAMPLE).unwrap();
    let request = pdfco::Request::convert(pdfco::OutputFormat::Png)
        .asynchronous(asynchronous)
        .url(file.url());
    client.start(&request).unwrap()
}

#[test]
fn several_files_need_a_folder_and_nothing_is_fetched_otherwise() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let pdfco::Conversion::Finished(output) = start_images(&client, false) else {
        panic!("synchronous")
    };
    assert!(output.urls().len() > 1);
    let pdfco::Conversion::Started(job) = start_images(&client, true) else {
        panic!("asynchronous")
    };
    let done = client.wait(&job, |_| {}).unwrap();
    emulator.clear_requests();
    // A file, a writer or memory: refused before any request.
    let refused = [
        client.download(&output, dir.join("page.png")).unwrap_err(),
        client
            .download(&output, pdfco::Destination::writer(Vec::new()))
            .unwrap_err(),
        client
            .download(&output, pdfco::Destination::memory())
            .unwrap_err(),
        client.download(&job, dir.join("page.png")).unwrap_err(),
    ];
    for err in &refused {
        assert!(
            matches!(err, Error::InvalidOption { option: "destination", reason, .. }
                if reason.contains("Destination::folder")),
            "{err:?}"
        );
        assert!(err.is_local(), "{err}");
    }
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
    assert!(dir.files().is_empty());

    // Into a folder: the pages in order, from the list or from the job's listing.
    for (from, stem) in [
        (pdfco::ResultUrl::from(&output), "now"),
        (pdfco::ResultUrl::from(&done), "job"),
    ] {
        let saved = client
            .download(from, pdfco::Destination::folder(dir.path(), stem))
            .unwrap();
        let names: Vec<_> = (1..=saved.paths().len())
            .map(|n| dir.join(&format!("{stem}-{n}.png")))
            .collect();
        assert_eq!(saved.paths(), names);
        let total: u64 = names
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum();
        assert_eq!(saved.bytes(), total);
        assert!(std::fs::read(&names[0]).unwrap().starts_with(b"\x89PNG"));
    }
    assert_eq!(dir.files().len(), 2 * output.urls().len());
}

#[test]
fn one_file_into_a_folder_is_named_after_the_stem() {
    let (emulator, client) = setup();
    let job = start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let dir = TempDir::new();
    let memory = client
        .download(&done, pdfco::Destination::memory())
        .unwrap()
        .into_bytes();
    let saved = client
        .download(&done, pdfco::Destination::folder(dir.path(), "statement"))
        .unwrap();
    assert_eq!(saved.paths(), [dir.join("statement.json")]);
    assert_eq!(saved.bytes(), memory.len() as u64);
    assert_eq!(std::fs::read(dir.join("statement.json")).unwrap(), memory);
    assert_eq!(dir.files(), ["statement.json"]);

    // Larger than the memory limit: streamed into the file all the same.
    let small = emulator.client_builder().json_limit(100).build().unwrap();
    let saved = small
        .download(&done, pdfco::Destination::folder(dir.path(), "big"))
        .unwrap();
    assert_eq!(saved.paths(), [dir.join("big.json")]);
    assert_eq!(std::fs::read(dir.join("big.json")).unwrap(), memory);
    assert_eq!(dir.files(), ["big.json", "statement.json"]);
}

#[test]
fn memory_keeps_the_result_and_only_memory_can_be_read_back() {
    let (_emulator, client) = setup();
    let job = start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    let dir = TempDir::new();
    let to_file = client.download(&done, dir.join("r.json")).unwrap();
    assert_eq!(to_file.paths(), [dir.join("r.json")]);
    let written = std::fs::read(dir.join("r.json")).unwrap();
    let saved = client
        .download(&done, pdfco::Destination::memory())
        .unwrap();
    assert!(saved.paths().is_empty());
    assert_eq!(saved.bytes(), written.len() as u64);
    assert_eq!(
        saved.json().unwrap(),
        serde_json::from_slice::<serde_json::Value>(&written).unwrap()
    );
    assert_eq!(saved.text().unwrap().as_bytes(), written);
    // A result saved to a file is not kept.
    assert!(matches!(
        to_file.json(),
        Err(Error::InvalidOption {
            option: "destination",
            ..
        })
    ));
    assert!(to_file.into_bytes().is_empty());
}
