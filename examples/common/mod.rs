//! Helpers shared by the examples: arguments, the tutorials' timestamps, error reports.
#![allow(dead_code)] // each example uses a different subset

use std::process::ExitCode;

/// The source and destination paths from the command line, or a usage message.
pub fn paths(usage: &str) -> Result<(String, String), ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [src, dest] => Ok((src.clone(), dest.clone())),
        _ => {
            eprintln!("usage: {usage}");
            Err(ExitCode::from(2))
        }
    }
}

/// The time of day as the tutorials print it (`HH:MM.SS`), in UTC.
pub fn timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        % 86_400;
    format!(
        "{:02}:{:02}.{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Prints an error with its causes and the job id to resume, and returns a failing exit code.
pub fn report(error: &pdfco::Error) -> ExitCode {
    eprintln!("error: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    if let Some(job) = error.job_id() {
        eprintln!("  job: {job}");
    }
    ExitCode::FAILURE
}
