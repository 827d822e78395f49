//! A command-line tool on the crate, for shell scripts.
//!
//! ```text
//! pdfco convert --to <format> <input> <output> [--pages 0,2-5] [--password P | --password-env VAR]
//!               [--rect X,Y,W,H] [--lang L] [--sync] [--checkpoint FILE] [--skip-unchanged]
//! pdfco check <job-id>
//! pdfco balance
//! ```
//!
//! Reads `PDFCO_API_KEY` and `PDFCO_BASE_URL` like the other examples. Progress goes to
//! stderr; `check` prints the job's state on stdout (never its signed result URL). An input
//! that starts with `http://` or `https://` is fetched by PDF.co itself; page images (png,
//! jpg, webp) go into the folder `<output>`.
//!
//! Exit codes: 0 done, 2 bad input (usage, a missing file, a bad page range, no key),
//! 3 PDF.co or storage refused, 4 the job failed, 5 a timeout, 1 anything else (network).

mod common;

use std::process::ExitCode;

use pdfco::{Client, ConvertRequest, Error, Input, OutputFormat, Progress};

const USAGE: &str = "usage:
  pdfco convert --to <format> <input> <output> [--pages P] [--password P | --password-env VAR]
                [--rect X,Y,W,H] [--lang L] [--sync] [--checkpoint FILE] [--skip-unchanged]
  pdfco check <job-id>
  pdfco balance
formats: json, json2, json-meta, csv, xml, text, text-simple, html, xlsx, xls, png, jpg, webp, tiff";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("convert") => convert(&args[1..]),
        Some("check") if args.len() == 2 => check(&args[1]),
        Some("balance") if args.len() == 1 => balance(),
        _ => return usage("unknown command"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Usage(message)) => usage(&message),
        Err(Failed(error)) => {
            common::report(&error);
            ExitCode::from(exit_code(&error))
        }
    }
}

/// What went wrong: the command line itself, or the conversion.
enum Failure {
    Usage(String),
    Failed(Error),
}
use Failure::{Failed, Usage};

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failed(error)
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("pdfco: {problem}\n{USAGE}");
    ExitCode::from(2)
}

/// The exit code that tells a script what kind of failure this was.
fn exit_code(error: &Error) -> u8 {
    match error {
        e if e.is_local() => 2,
        Error::JobFailed { .. } => 4,
        e if e.is_timeout() => 5,
        Error::Api { .. } | Error::Storage { .. } => 3,
        _ => 1,
    }
}

fn convert(args: &[String]) -> Result<(), Failure> {
    let mut format = None;
    let mut positional = Vec::new();
    let mut request_options = Vec::new();
    let (mut checkpoint, mut skip_unchanged) = (None, false);
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| Usage(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--to" => {
                let name = value("--to")?;
                format = Some(name.parse::<OutputFormat>().map_err(Usage)?);
            }
            "--pages" => request_options.push(("pages", value("--pages")?)),
            "--password" => request_options.push(("password", value("--password")?)),
            "--password-env" => {
                let var = value("--password-env")?;
                let password =
                    std::env::var(&var).map_err(|_| Usage(format!("{var} is not set")))?;
                request_options.push(("password", password));
            }
            "--rect" => request_options.push(("rect", value("--rect")?)),
            "--lang" => request_options.push(("lang", value("--lang")?)),
            "--sync" => request_options.push(("sync", String::new())),
            "--checkpoint" => checkpoint = Some(value("--checkpoint")?),
            "--skip-unchanged" => skip_unchanged = true,
            flag if flag.starts_with("--") => return Err(Usage(format!("unknown option {flag}"))),
            _ => positional.push(arg.clone()),
        }
    }
    let format = format.ok_or_else(|| Usage("--to is required".into()))?;
    let [input, output] = positional.as_slice() else {
        return Err(Usage("convert takes an input and an output".into()));
    };
    let mut request = ConvertRequest::new(format);
    for (name, value) in request_options {
        request = match name {
            "pages" => request.pages(value),
            "password" => request.password(value),
            "lang" => request.lang(value),
            "rect" => {
                let numbers: Vec<f64> = value
                    .split(',')
                    .map(|n| n.trim().parse())
                    .collect::<Result<_, _>>()
                    .map_err(|_| Usage("--rect takes four numbers: X,Y,W,H".into()))?;
                let [x, y, w, h] = numbers[..] else {
                    return Err(Usage("--rect takes four numbers: X,Y,W,H".into()));
                };
                request.rect(x, y, w, h)
            }
            _ => request.asynchronous(false),
        };
    }
    let input = if input.starts_with("https://") || input.starts_with("http://") {
        Input::url(input.as_str())
    } else {
        Input::from(input)
    };

    let client = Client::from_env()?;
    let mut conversion = client
        .conversion(input, output, &request)
        .skip_if_unchanged(skip_unchanged);
    if let Some(file) = checkpoint {
        conversion = conversion.checkpoint(file);
    }
    let report = conversion.run_with(|progress| match progress {
        Progress::Uploading { sent, total } if sent == total => {
            eprintln!("{}: uploaded {total} bytes", common::timestamp());
        }
        Progress::Started(job) => eprintln!("{}: job {}", common::timestamp(), job.id()),
        Progress::Status(status) => eprintln!("{}: {}", common::timestamp(), status.state()),
        _ => {}
    })?;
    if report.skipped() {
        eprintln!(
            "{}: {} is up to date",
            common::timestamp(),
            report.path().display()
        );
        return Ok(());
    }
    eprintln!(
        "{}: saved {} ({} bytes{})",
        common::timestamp(),
        report.path().display(),
        report.bytes(),
        report
            .remaining_credits()
            .map_or(String::new(), |c| format!(", {c} credits left"))
    );
    Ok(())
}

fn balance() -> Result<(), Failure> {
    println!("{}", Client::from_env()?.balance()?);
    Ok(())
}

fn check(job_id: &str) -> Result<(), Failure> {
    let status = Client::from_env()?.check(job_id)?;
    println!("{}", status.state());
    if let Some(message) = status.message() {
        eprintln!("{message}");
    }
    Ok(())
}
