//! Runs the PDF.co emulator on loopback so any HTTP client can be tried against it: curl,
//! PDF.co's own Python samples, the other examples.
//!
//! ```text
//! cargo run --example emulator -- [--seconds N] [--job-seconds N] [--api-key KEY]
//! ```
//!
//! It prints the `PDFCO_BASE_URL` and `PDFCO_API_KEY` to use, then serves until interrupted
//! (Ctrl-C) or for `--seconds N`.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pdfco::testing::Emulator;

fn main() -> ExitCode {
    let mut seconds: Option<u64> = None;
    let mut builder = Emulator::builder();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--seconds", Some(v)) if v.parse::<u64>().is_ok() => seconds = v.parse().ok(),
            ("--job-seconds", Some(v)) if v.parse::<f64>().is_ok_and(|s| s >= 0.0) => {
                builder = builder.job_duration(Duration::from_secs_f64(v.parse().unwrap_or(0.0)));
            }
            ("--api-key", Some(v)) if !v.is_empty() => builder = builder.api_key(v),
            _ => {
                eprintln!("usage: emulator [--seconds N] [--job-seconds N] [--api-key KEY]");
                return ExitCode::from(2);
            }
        }
    }
    let emulator = match builder.start() {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("error: cannot start the emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "PDF.co emulator running; storage at {}",
        emulator.storage_origin()
    );
    println!("export PDFCO_BASE_URL={}", emulator.base_url());
    println!("export PDFCO_API_KEY={}", emulator.api_key());
    let _ = std::io::stdout().flush();

    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(200));
        if seconds.is_some_and(|s| started.elapsed() >= Duration::from_secs(s)) {
            break;
        }
    }
    println!("served {} requests", emulator.requests().len());
    ExitCode::SUCCESS
}
