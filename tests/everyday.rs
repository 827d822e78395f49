//! Issue 10's seven everyday programs, each written as a user would (the same code as the
//! README's "Seven everyday programs"), run against the emulator, their outcomes checked.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{ENCRYPTED, NOT_PDF, SAMPLE, TempDir};
use pdfco::testing::{Emulator, Outcome};
use pdfco::{
    Client, ClientBuilder, Conversion, Destination, Error, Input, Job, OutputFormat, Progress,
    Request,
};

// 1. A build script that skips unchanged inputs.
fn build_script(client: &Client, input: &Path, out_dir: &Path) -> Result<(), pdfco::Error> {
    let report = client
        .run(&Request::convert(OutputFormat::Csv))
        .input(input)
        .skip_if_unchanged(true)
        .save(out_dir.join("tables.csv"))?;
    for line in report.cargo_directives() {
        println!("{line}");
    }
    Ok(())
}

#[test]
fn one_a_build_script_skips_unchanged_inputs() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    build_script(&client, Path::new(SAMPLE), dir.path()).unwrap();
    let first = std::fs::read(dir.join("tables.csv")).unwrap();
    assert!(!first.is_empty());
    assert_eq!(emulator.job_count(), 1);
    emulator.clear_requests();
    build_script(&client, Path::new(SAMPLE), dir.path()).unwrap();
    assert!(
        emulator.requests().is_empty(),
        "an unchanged input sends nothing"
    );
    assert_eq!(std::fs::read(dir.join("tables.csv")).unwrap(), first);
    // A changed input is converted again.
    let changed = dir.join("other.pdf");
    std::fs::copy(ENCRYPTED, &changed).unwrap();
    let _ = build_script(&client, &changed, dir.path());
    assert_eq!(emulator.job_count(), 2);
}

// 2. Step by step, with byte progress.
fn step_by_step(client: &Client, input: &str, output: &Path) -> Result<u64, pdfco::Error> {
    let show = |p: Progress<'_>| match p {
        Progress::Uploading { sent, total } => eprint!("\rupload {sent}/{total}"),
        Progress::Downloading { received } => eprint!("\rdownload {received}"),
        _ => eprintln!(),
    };
    let file = client.upload(Input::from(input).on_progress(show))?;
    let started = client.start(&Request::convert(OutputFormat::Json).url(file.url()))?;
    let done = client.wait(&started, |status| eprintln!("{}", status.state()))?;
    let saved = client.download(&done, Destination::from(output).on_progress(show))?;
    Ok(saved.bytes())
}

#[test]
fn two_step_by_step_with_byte_progress() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    let out = dir.join("out.json");
    let bytes = step_by_step(&client, SAMPLE, &out).unwrap();
    assert_eq!(std::fs::metadata(&out).unwrap().len(), bytes);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(common::page_texts(&json).len(), 3);
    assert_eq!(dir.files(), ["out.json"]);
}

// 3. A batch of 20 files with one bad input.
fn convert_all(client: &Client, inputs: &[PathBuf], out_dir: &Path) -> usize {
    let csv = Request::convert(OutputFormat::Csv);
    let mut batch = client.batch();
    for input in inputs {
        let stem = input.file_stem().unwrap_or_default().to_string_lossy();
        batch = batch.file(&csv, input, out_dir.join(format!("{stem}.csv")));
    }
    let report = batch.run(|_| {});
    eprintln!("{report}"); // a line per file: ok, or the error
    report.failures()
}

#[test]
fn three_a_batch_of_twenty_files_with_one_bad_input() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .requests_per_second(1000.0)
        .build()
        .unwrap();
    let (inputs_dir, out_dir) = (TempDir::new(), TempDir::new());
    let mut inputs = Vec::new();
    for i in 1..=20 {
        let path = inputs_dir.join(&format!("doc-{i:02}.pdf"));
        std::fs::copy(if i == 7 { NOT_PDF } else { SAMPLE }, &path).unwrap();
        inputs.push(path);
    }
    assert_eq!(convert_all(&client, &inputs, out_dir.path()), 1);
    let written = out_dir.files();
    assert_eq!(written.len(), 19, "{written:?}");
    assert!(!written.contains(&"doc-07.csv".to_string()));
    for name in written {
        assert!(std::fs::metadata(out_dir.join(&name)).unwrap().len() > 0);
    }
}

// 4. Resume from a saved job.
fn start_and_save(
    client: &Client,
    input: &str,
    saved: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let file = client.upload(input)?;
    if let Conversion::Started(job) =
        client.start(&Request::convert(OutputFormat::Json).url(file.url()))?
    {
        std::fs::write(saved, serde_json::to_vec(&job)?)?;
    }
    Ok(())
}

fn resume(client: &Client, saved: &Path, output: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let job: Job = serde_json::from_slice(&std::fs::read(saved)?)?;
    let done = client.wait(&job, |_| {})?;
    client.download(&done, output)?;
    Ok(())
}

#[test]
fn four_resume_from_a_saved_job() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let saved = dir.join("job.json");
    {
        let client = emulator.client_builder().build().unwrap();
        start_and_save(&client, SAMPLE, &saved).unwrap();
    }
    // Later, another client (another process): the same job, no second one.
    let client = emulator.client_builder().build().unwrap();
    resume(&client, &saved, &dir.join("out.json")).unwrap();
    assert_eq!(emulator.job_count(), 1);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out.json")).unwrap()).unwrap();
    assert_eq!(common::page_texts(&json).len(), 3);
}

// 5. Matching on errors.
fn why(client: &Client, input: &str, output: &Path) -> &'static str {
    let request = Request::convert(OutputFormat::Csv).password("not-it");
    match client.run(&request).input(input).save(output) {
        Ok(_) => "converted",
        Err(Error::ReadInput { .. }) => "cannot read the input",
        Err(e) if e.status() == Some(441) => "wrong password",
        Err(e) if e.status() == Some(442) => "damaged input",
        Err(e) if e.is_timeout() => "timed out",
        Err(_) => "failed",
    }
}

#[test]
fn five_matching_on_errors() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    let out = dir.join("out.csv");
    assert_eq!(why(&client, SAMPLE, &out), "converted");
    assert_eq!(why(&client, ENCRYPTED, &out), "wrong password");
    assert_eq!(why(&client, NOT_PDF, &out), "damaged input");
    assert_eq!(why(&client, "no/such.pdf", &out), "cannot read the input");
}

// 6. Cancelling a wait with Ctrl-C: a handler sets `stop`.
fn cancellable(
    builder: ClientBuilder,
    stop: Arc<AtomicBool>,
    out: &Path,
) -> Result<Option<String>, Error> {
    let client = builder.cancel_flag(stop).build()?;
    match client
        .run(&Request::convert(OutputFormat::Json))
        .input("fixtures/sample.pdf")
        .save(out)
    {
        Ok(_) => Ok(None),
        Err(Error::Cancelled { job_id, .. }) => Ok(job_id),
        Err(e) => Err(e),
    }
}

#[test]
fn six_cancelling_a_wait_with_ctrl_c() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let dir = TempDir::new();
    let stop = Arc::new(AtomicBool::new(false));
    // The Ctrl-C handler: here a thread the test spawns sets the flag.
    let handler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            stop.store(true, Ordering::SeqCst);
        })
    };
    let began = Instant::now();
    let builder = emulator
        .client_builder()
        .poll_interval(Duration::from_secs(3));
    let job = cancellable(builder, stop, &dir.join("out.json")).unwrap();
    handler.join().unwrap();
    assert!(began.elapsed() < Duration::from_secs(20), "watchdog");
    let job = job.expect("cancelled while waiting, with the job to resume");
    assert!(!job.is_empty());
    assert_eq!(emulator.job_count(), 1);
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}

// 7. Merging two PDFs.
fn merge(client: &Client, a: &str, b: &str, out: &Path) -> Result<u64, Error> {
    Ok(client
        .run(&Request::merge())
        .input(a)
        .input(b)
        .save(out)?
        .bytes())
}

#[test]
fn seven_merging_two_pdfs() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    let out = dir.join("both.pdf");
    let bytes = merge(&client, SAMPLE, SAMPLE, &out).unwrap();
    assert_eq!(std::fs::metadata(&out).unwrap().len(), bytes);
    let pages = |path: &str| lopdf::Document::load(path).unwrap().get_pages().len();
    assert_eq!(pages(out.to_str().unwrap()), 2 * pages(SAMPLE));
}
