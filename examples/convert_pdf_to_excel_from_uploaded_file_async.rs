//! PDF.co's tutorial "Convert PDF to Excel from uploaded file asynchronously", step by step.
//!
//! ```text
//! PDFCO_API_KEY=... cargo run --example convert_pdf_to_excel_from_uploaded_file_async -- in.pdf out.xlsx
//! ```
//!
//! `PDFCO_BASE_URL` points it at another server, such as the `emulator` example.

mod common;

use std::process::ExitCode;

use pdfco::{Client, OutputFormat, Request};

fn main() -> ExitCode {
    let (source, destination) =
        match common::paths("convert_pdf_to_excel_from_uploaded_file_async <in.pdf> <out.xlsx>") {
            Ok(paths) => paths,
            Err(code) => return code,
        };
    match run(&source, &destination) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => common::report(&e),
    }
}

fn run(source: &str, destination: &str) -> Result<(), pdfco::Error> {
    let client = Client::from_env()?;

    // 1. Upload the file to PDF.co's temporary storage.
    let uploaded = client.upload(source)?;

    // 2. Start the conversion as a background job. Pages: empty for all, or e.g. "0,2-5,7-".
    let file_name = std::path::Path::new(destination)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let request = Request::convert(OutputFormat::Xlsx).name(file_name.unwrap_or_default());
    let started = client.start(&request.url(uploaded.url()))?;

    // 3. Check the job's status until it ends, printing each one as the tutorial does.
    let done = client.wait(&started, |status| {
        println!("{}: {}", common::timestamp(), status.state())
    })?;

    // 4. Download the result file.
    let bytes = client.download(&done, destination)?.bytes();
    println!("Result file saved as \"{destination}\" file ({bytes} bytes).");
    Ok(())
}
