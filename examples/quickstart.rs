//! The README's first command: converts `fixtures/sample.pdf` to JSON and XLSX.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With `PDFCO_API_KEY` set it talks to PDF.co (or to `PDFCO_BASE_URL`); without it, to the
//! emulator built into the crate, offline. Results go to `target/quickstart/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use pdfco::testing::Emulator;
use pdfco::{Client, OutputFormat, Progress, Request};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = root.join("fixtures/sample.pdf");
    let out_dir = root.join("target/quickstart");

    // Keeps the emulator alive for as long as the client uses it.
    let mut _emulator = None;
    let client = if std::env::var(pdfco::API_KEY_VAR).is_ok_and(|k| !k.trim().is_empty()) {
        match Client::from_env() {
            Ok(client) => {
                println!(
                    "PDFCO_API_KEY is set: using the API at {}",
                    client.base_url()
                );
                client
            }
            Err(e) => return common::report(&e),
        }
    } else {
        // Two `working` answers per job, as a short real job gives.
        let emulator = match Emulator::builder().working_checks(2).start() {
            Ok(emulator) => emulator,
            Err(e) => {
                eprintln!("error: cannot start the emulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "no PDFCO_API_KEY: using the built-in emulator at {} (offline)",
            emulator.base_url()
        );
        let client = emulator
            .client_builder()
            .poll_interval(Duration::from_millis(500))
            .build();
        _emulator = Some(emulator);
        match client {
            Ok(client) => client,
            Err(e) => return common::report(&e),
        }
    };

    if let Err(e) = std::fs::create_dir_all(&out_dir) {
        eprintln!("error: cannot create {}: {e}", out_dir.display());
        return ExitCode::FAILURE;
    }
    for format in [OutputFormat::Json, OutputFormat::Xlsx] {
        let output = out_dir.join(format!("sample.{}", format.extension()));
        if let Err(e) = convert(&client, &input, output, format) {
            return common::report(&e);
        }
    }
    ExitCode::SUCCESS
}

fn convert(
    client: &Client,
    input: &Path,
    output: PathBuf,
    format: OutputFormat,
) -> Result<(), pdfco::Error> {
    println!("\n{} -> {}", input.display(), output.display());
    let request = Request::convert(format);
    let report = client
        .run(&request)
        .input(input)
        .on_progress(|progress| match progress {
            Progress::Started(job) => println!("{}: job {} started", common::timestamp(), job.id()),
            Progress::Status(status) => println!("{}: {}", common::timestamp(), status.state()),
            _ => {}
        })
        .save(&output)?;
    println!(
        "saved {} bytes, {} pages, credits left: {}",
        report.bytes(),
        report.page_count().map_or("?".into(), |n| n.to_string()),
        report
            .remaining_credits()
            .map_or("?".into(), |n| n.to_string()),
    );
    if format == OutputFormat::Json {
        // A peek at the document: the first line of text on the first page.
        let text = std::fs::read(&output)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        let page = text.as_ref().map(|v| &v["document"]["page"]);
        let first = page
            .map(|p| if p.is_array() { &p[0] } else { p })
            .map(|p| &p["row"]);
        let first = first
            .map(|r| if r.is_array() { &r[0] } else { r })
            .map(|r| &r["column"]);
        let first = first
            .map(|c| if c.is_array() { &c[0] } else { c })
            .and_then(|c| c["text"]["#text"].as_str());
        if let Some(text) = first {
            println!("first text on page 1: {text:?}");
        }
    }
    Ok(())
}
