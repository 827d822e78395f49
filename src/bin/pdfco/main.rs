//! `pdfco`: the crate's command-line tool, for shell scripts.
//!
//! Installed with `cargo install --path . --features cli`. Run `pdfco --help` for the
//! commands, the environment it reads and its exit codes.
//!
//! It never panics on a closed or full stdout or stderr: a failed write to stdout is an error
//! (exit 1); progress lines that cannot be written to stderr are dropped. Progress goes to
//! stderr: on a terminal, uploads and downloads as a bar redrawn in place; otherwise
//! (a pipe, a file) timestamped lines only, as PDF.co's tutorials print them. On SIGINT or
//! SIGTERM it removes its temporary files, leaves an existing output as it was, prints the
//! job id if a job had started, and exits 130.

mod args;
mod commands;
mod help;
mod output;

use std::io;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pdfco::Error;

use args::parse_args;
use help::{HELP, help_of};
use output::{note, out};

fn main() -> ExitCode {
    let stop = Stop {
        job: Arc::new(Mutex::new(None)),
        flag: Arc::new(AtomicBool::new(false)),
    };
    if let Err(e) = handle_signals(stop.clone()) {
        note(format_args!("pdfco: cannot handle signals: {e}"));
    }
    match run(&stop) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(problem)) => {
            note(format_args!("pdfco: {problem}\n(see pdfco --help)"));
            ExitCode::from(2)
        }
        Err(Failure::Stdout(e)) => {
            note(format_args!(
                "pdfco: cannot write the result to stdout: {e}"
            ));
            ExitCode::from(1)
        }
        Err(Failure::Failed(Error::Cancelled { job_id, .. })) => {
            interrupted(job_id.as_deref());
            ExitCode::from(130)
        }
        Err(Failure::Failed(error)) => {
            report(&error);
            ExitCode::from(exit_code(&error))
        }
    }
}

/// What went wrong: the command line, writing to stdout, or the work itself.
enum Failure {
    Usage(String),
    Stdout(io::Error),
    Failed(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Failed(error)
    }
}

/// What a signal stops: the client's cancel flag, and the job a conversion started, for the
/// message.
#[derive(Clone)]
struct Stop {
    job: Arc<Mutex<Option<String>>>,
    flag: Arc<AtomicBool>,
}

/// How long a stopped command has to unwind by itself before the signal thread ends it.
const GRACE: Duration = Duration::from_millis(500);

/// On SIGINT or SIGTERM, on a thread of the CLI's own: set the client's cancel flag, so that
/// the command stops at its next check (within 100 ms, unless a read is blocked on a silent
/// server), removes its temporary files and returns [`Error::Cancelled`]; `main` then exits
/// 130. If it has not within [`GRACE`], remove the crate's temporary files here, print the job
/// id and exit 130. An output being replaced is renamed into place only once complete, so
/// stopping at any moment leaves the old one or the whole new one.
fn handle_signals(stop: Stop) -> io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("pdfco-signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                stop.flag.store(true, Ordering::SeqCst);
                std::thread::sleep(GRACE);
                pdfco::remove_temporary_files();
                let started = stop.job.lock().map_or(None, |j| j.clone());
                interrupted(started.as_deref());
                std::process::exit(130);
            }
        })?;
    Ok(())
}

/// What an interrupted command says: the job to continue, if one was started.
fn interrupted(job: Option<&str>) {
    match job {
        Some(id) => note(format_args!(
            "pdfco: interrupted; job {id} was started and may still finish: `pdfco check {id}` \
             shows it, and a rerun with the same --checkpoint continues it"
        )),
        None => note(format_args!("pdfco: interrupted")),
    }
}

/// Prints an error with its causes and, once a job has started, its id.
fn report(error: &Error) {
    note(format_args!("error: {error}"));
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        note(format_args!("  caused by: {cause}"));
        source = cause.source();
    }
    if let Some(job) = error.job_id() {
        note(format_args!("  job: {job}"));
    }
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

fn run(stop: &Stop) -> Result<(), Failure> {
    let args = parse_args(std::env::args_os().skip(1).collect())?;
    let help = |text: &str| out(format_args!("{text}"));
    match (args.command.as_str(), args.wants_help()) {
        ("" | "--help" | "-h", _) => help(HELP),
        ("help", _) => match args.positional.first() {
            None => help(HELP),
            Some(command) => match help_of(command) {
                Some(text) => help(text),
                None => Err(Failure::Usage(format!("no command {command}"))),
            },
        },
        (command, true) if help_of(command).is_some() => help(help_of(command).unwrap_or(HELP)),
        ("convert", false) => commands::convert(&args, stop),
        ("merge", false) => commands::merge(&args, stop),
        ("info", false) => commands::info(&args, stop),
        ("call", false) => commands::call(&args, stop),
        ("split", false) => commands::split(&args, stop),
        ("rotate", false) => commands::rotate(&args, stop),
        ("delete-pages", false) => commands::delete_pages(&args, stop),
        ("compress", false) => commands::compress(&args, stop),
        ("protect", false) => commands::protect(&args, stop),
        ("unprotect", false) => commands::unprotect(&args, stop),
        ("to-pdf", false) => commands::to_pdf(&args, stop),
        ("barcode", false) => commands::barcode(&args, stop),
        ("check", false) => commands::check(&args, stop),
        ("balance", false) => commands::balance(&args, stop),
        (other, _) => Err(Failure::Usage(format!("unknown command {other}"))),
    }
}
