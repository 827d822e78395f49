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

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pdfco::{
    Client, ClientBuilder, Conversion, Error, Input, OutputFormat, PageRanges, Progress, Request,
};

const HELP: &str = "pdfco: PDF.co from the command line

usage:
  pdfco convert --to FORMAT INPUT OUTPUT [options]
  pdfco merge OUTPUT INPUT INPUT... [--any]
  pdfco info INPUT [--password P]
  pdfco call ENDPOINT [--input FILE_OR_URL]... [--param NAME=VALUE]... [--json NAME=JSON]...
             [--output PATH]
  pdfco split INPUT OUTDIR --pages RANGES
  pdfco rotate INPUT OUTPUT --angle 90|180|270 [--pages P]
  pdfco delete-pages INPUT OUTPUT --pages P
  pdfco compress INPUT OUTPUT
  pdfco protect INPUT OUTPUT --owner-password-env VAR [--user-password-env VAR]
  pdfco unprotect INPUT OUTPUT --password-env VAR
  pdfco to-pdf INPUT... OUTPUT
  pdfco barcode VALUE OUTPUT [--type TYPE]
  pdfco check JOB_ID
  pdfco balance
  pdfco help [COMMAND]

options of every command:
  --timeout SECS    give up after SECS seconds (exit 5); a started job keeps running at PDF.co
  --help            this help

environment:
  PDFCO_API_KEY     your PDF.co API key (required)
  PDFCO_BASE_URL    another API base URL, such as an emulator's (optional)

exit codes:
  0 done, 1 network or other failure, 2 bad input (usage, a missing file, a bad option, no
  key), 3 refused by PDF.co or storage, 4 the job failed, 5 timeout, 130 interrupted (SIGINT or
  SIGTERM; temporary files removed, an existing output left as it was, the job id printed)";

const HELP_CONVERT: &str = "usage: pdfco convert --to FORMAT INPUT OUTPUT [options]

Converts INPUT (a local file, or an http(s) URL that PDF.co fetches itself) into OUTPUT. Page
images (png, jpg, webp) go into the folder OUTPUT. OUTPUT may be /dev/stdout or /dev/null.

formats: json, json2, json-meta, csv, xml, text, text-simple, html, xlsx, xls, png, jpg, webp, tiff

options:
  --pages P             pages to convert, 0-based as PDF.co takes them: 0,2-5,7-
  --password P          the input's password (or --password-env VAR to read it from VAR)
  --rect X,Y,W,H        only this area of each page, in points
  --lang L              OCR language, such as eng or eng+deu
  --sync                convert synchronously (PDF.co allows about 30 s)
  --checkpoint FILE     write the job to FILE before waiting; a rerun continues that job
  --skip-unchanged      do nothing when OUTPUT is up to date with INPUT and the options
  --timeout SECS        give up after SECS seconds (exit 5)";

const HELP_MERGE: &str = "usage: pdfco merge OUTPUT INPUT INPUT... [--any] [--timeout SECS]

Merges the PDFs INPUT... (local files or http(s) URLs), in order, into OUTPUT (pdf/merge).
With --any, the inputs may also be images, Office documents or ZIP files (pdf/merge2).";

const HELP_INFO: &str = "usage: pdfco info INPUT [--password P] [--timeout SECS]

Prints what PDF.co reads from the PDF INPUT (a local file or an http(s) URL): page count,
page size, title, author, producer, encryption, permissions... (pdf/info), as JSON on stdout.";

const HELP_CALL: &str =
    "usage: pdfco call ENDPOINT [--input FILE_OR_URL]... [--param NAME=VALUE]...
                  [--json NAME=JSON]... [--output PATH] [--timeout SECS]

Calls any PDF.co endpoint. ENDPOINT is the path after /v1/ (pdf/edit/rotate, pdf/split,
barcode/generate...) or a path from the API root (/v2/pdf/compress).

  --input FILE_OR_URL   a document: a local file is uploaded first; several are sent in order,
                        comma-joined in `url`
  --param NAME=VALUE    a parameter, sent as a JSON string
  --json NAME=JSON      a parameter given as JSON: a number, true, an array, an object...
  --output PATH         save the result: one file to PATH; several (page images, split parts)
                        into the folder PATH as {input stem}-1.ext, -2.ext...; data as JSON

Requests run as background jobs unless --param async=false; the command waits for the job.
Without --output, the final answer (the job check or the synchronous answer) is printed as
JSON on stdout.";

const HELP_SPLIT: &str = "usage: pdfco split INPUT OUTDIR --pages RANGES [--timeout SECS]

Splits the PDF INPUT (a local file or an http(s) URL) into one PDF per range, saved into the
folder OUTDIR as {input stem}-1.pdf, -2.pdf... (pdf/split). RANGES count pages from 1, as
PDF.co takes them here: 1-2,3- makes two files; !1 is the last page; * makes one file per
page.";

const HELP_ROTATE: &str =
    "usage: pdfco rotate INPUT OUTPUT --angle 90|180|270 [--pages P] [--timeout SECS]

Rotates pages of the PDF INPUT clockwise by the angle into OUTPUT (pdf/edit/rotate). --pages
counts from 0 here, as PDF.co takes it: 0,2-5,7-; every page by default.";

const HELP_DELETE_PAGES: &str = "usage: pdfco delete-pages INPUT OUTPUT --pages P [--timeout SECS]

Removes pages from the PDF INPUT, saving the rest to OUTPUT (pdf/edit/delete-pages). --pages
counts from 1 here, as PDF.co takes it: 1,3-4; !1 is the last page.";

const HELP_COMPRESS: &str = "usage: pdfco compress INPUT OUTPUT [--timeout SECS]

Makes the PDF INPUT smaller, saving it to OUTPUT (/v2/pdf/compress, PDF.co's default settings).";

const HELP_PROTECT: &str = "usage: pdfco protect INPUT OUTPUT --owner-password-env VAR
                    [--user-password-env VAR] [--timeout SECS]

Encrypts the PDF INPUT into OUTPUT (pdf/security/add, PDF.co's default AES 128-bit). The
passwords are read from environment variables, so they never show in the process list: the
owner password (full rights) and, optionally, the user password needed to open the file.";

const HELP_UNPROTECT: &str =
    "usage: pdfco unprotect INPUT OUTPUT --password-env VAR [--timeout SECS]

Removes the password and restrictions of the PDF INPUT, saving it to OUTPUT
(pdf/security/remove); the password is read from the environment variable VAR.";

const HELP_TO_PDF: &str = "usage: pdfco to-pdf INPUT... OUTPUT [--timeout SECS]

Converts INPUT into the PDF OUTPUT, by its kind: a web page (http(s) URL: pdf/convert/from/url),
HTML (.html, .htm: pdf/convert/from/html), a document (.doc, .docx, .rtf, .txt, .xps:
pdf/convert/from/doc), a spreadsheet (.csv, .xls, .xlsx: xls/convert/to/pdf), images (.png,
.jpg, .jpeg, .gif, .bmp, .tif, .tiff, .webp: pdf/convert/from/image, several into one PDF) or an
email (.eml, .msg: pdf/convert/from/email).";

const HELP_BARCODE: &str = "usage: pdfco barcode VALUE OUTPUT [--type TYPE] [--timeout SECS]

Draws a barcode holding VALUE into the PNG OUTPUT (barcode/generate). TYPE is PDF.co's name,
such as QRCode (the default), Code128, Code39, DataMatrix, PDF417, EAN13 or UPCA.";

const HELP_CHECK: &str = "usage: pdfco check JOB_ID [--timeout SECS]

Prints the job's state (working, success, failed, aborted, unknown) on stdout, and PDF.co's
message, if any, on stderr. Never prints the signed result URL.";

const HELP_BALANCE: &str = "usage: pdfco balance [--timeout SECS]

Prints the credits left on the account on stdout.";

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

/// A line on stderr. Progress and reports are best effort: if stderr is closed or full there
/// is nowhere to say so.
fn note(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// A timestamped progress line on stderr, as PDF.co's tutorials print them.
fn progress(line: std::fmt::Arguments<'_>) {
    note(format_args!("{}: {line}", timestamp()));
}

/// A line of the command's result on stdout; failing to write it fails the command.
fn out(line: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(Failure::Stdout)
}

/// The time of day (`HH:MM.SS`, UTC), as the tutorials print it.
fn timestamp() -> String {
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

/// The command line, split into the command, its flags and its positional arguments.
struct Args {
    command: String,
    flags: Vec<(String, Option<String>)>,
    positional: Vec<String>,
}

/// Flags that take a value.
const VALUED: &[&str] = &[
    "--input",
    "--param",
    "--json",
    "--output",
    "--to",
    "--pages",
    "--password",
    "--password-env",
    "--rect",
    "--lang",
    "--checkpoint",
    "--timeout",
    "--angle",
    "--owner-password-env",
    "--user-password-env",
    "--type",
];

fn parse_args(raw: Vec<OsString>) -> Result<Args, Failure> {
    let mut words = Vec::with_capacity(raw.len());
    for word in raw {
        let word = word
            .into_string()
            .map_err(|w| Failure::Usage(format!("not UTF-8: {}", w.to_string_lossy())))?;
        words.push(word);
    }
    let mut words = words.into_iter();
    let command = words.next().unwrap_or_default();
    let (mut flags, mut positional) = (Vec::new(), Vec::new());
    while let Some(word) = words.next() {
        if word == "--" {
            positional.extend(words.by_ref());
        } else if let Some((name, value)) = word.split_once('=').filter(|_| word.starts_with("--"))
        {
            flags.push((name.to_string(), Some(value.to_string())));
        } else if VALUED.contains(&word.as_str()) {
            let value = words
                .next()
                .ok_or_else(|| Failure::Usage(format!("{word} needs a value")))?;
            flags.push((word, Some(value)));
        } else if word.starts_with("--") {
            flags.push((word, None));
        } else {
            positional.push(word);
        }
    }
    Ok(Args {
        command,
        flags,
        positional,
    })
}

impl Args {
    fn wants_help(&self) -> bool {
        self.flags.iter().any(|(name, _)| name == "--help")
    }

    /// Refuses flags the command does not take.
    fn only(&self, allowed: &[&str]) -> Result<(), Failure> {
        match self
            .flags
            .iter()
            .find(|(name, _)| !allowed.contains(&name.as_str()) && name != "--help")
        {
            Some((name, _)) => Err(Failure::Usage(format!(
                "{} takes no option {name}",
                self.command
            ))),
            None => Ok(()),
        }
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of a flag that may be repeated, in order.
    fn values(&self, name: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }

    /// `--timeout SECS`, when given.
    fn timeout(&self) -> Result<Option<Duration>, Failure> {
        let Some(text) = self.value("--timeout") else {
            return Ok(None);
        };
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
            .map(|s| Some(Duration::from_secs_f64(s)))
            .ok_or_else(|| Failure::Usage(format!("--timeout takes seconds above 0, not {text}")))
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
        ("convert", false) => convert(&args, stop),
        ("merge", false) => merge(&args, stop),
        ("info", false) => info(&args, stop),
        ("call", false) => call(&args, stop),
        ("split", false) => split(&args, stop),
        ("rotate", false) => rotate(&args, stop),
        ("delete-pages", false) => delete_pages(&args, stop),
        ("compress", false) => compress(&args, stop),
        ("protect", false) => protect(&args, stop),
        ("unprotect", false) => unprotect(&args, stop),
        ("to-pdf", false) => to_pdf(&args, stop),
        ("barcode", false) => barcode(&args, stop),
        ("check", false) => check(&args, stop),
        ("balance", false) => balance(&args, stop),
        (other, _) => Err(Failure::Usage(format!("unknown command {other}"))),
    }
}

/// A command's help.
fn help_of(command: &str) -> Option<&'static str> {
    Some(match command {
        "convert" => HELP_CONVERT,
        "merge" => HELP_MERGE,
        "info" => HELP_INFO,
        "call" => HELP_CALL,
        "split" => HELP_SPLIT,
        "rotate" => HELP_ROTATE,
        "delete-pages" => HELP_DELETE_PAGES,
        "compress" => HELP_COMPRESS,
        "protect" => HELP_PROTECT,
        "unprotect" => HELP_UNPROTECT,
        "to-pdf" => HELP_TO_PDF,
        "barcode" => HELP_BARCODE,
        "check" => HELP_CHECK,
        "balance" => HELP_BALANCE,
        _ => return None,
    })
}

/// The client from the environment, with `--timeout` as the deadline of the whole command,
/// stopped by a signal.
fn client(args: &Args, stop: &Stop) -> Result<Client, Failure> {
    let timeout = args.timeout()?;
    let mut builder: ClientBuilder =
        pdfco::ClientBuilder::from_env()?.cancel_flag(stop.flag.clone());
    if let Some(timeout) = timeout {
        builder = builder.workflow_timeout(timeout).job_timeout(timeout);
    }
    Ok(builder.build()?)
}

fn convert(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&[
        "--to",
        "--pages",
        "--password",
        "--password-env",
        "--rect",
        "--lang",
        "--sync",
        "--checkpoint",
        "--skip-unchanged",
        "--timeout",
    ])?;
    let format = args
        .value("--to")
        .ok_or_else(|| Failure::Usage("convert needs --to FORMAT".into()))?
        .parse::<OutputFormat>()
        .map_err(Failure::Usage)?;
    let [input, output] = args.positional.as_slice() else {
        return Err(Failure::Usage(
            "convert takes an input and an output".into(),
        ));
    };
    let mut request = Request::convert(format);
    if let Some(pages) = args.value("--pages") {
        request = request.pages(pages);
    }
    if let Some(password) = args.value("--password") {
        request = request.password(password);
    }
    if let Some(var) = args.value("--password-env") {
        let password =
            std::env::var(var).map_err(|_| Failure::Usage(format!("{var} is not set")))?;
        request = request.password(password);
    }
    if let Some(rect) = args.value("--rect") {
        let numbers: Vec<f64> = rect
            .split(',')
            .map(|n| n.trim().parse())
            .collect::<Result<_, _>>()
            .map_err(|_| Failure::Usage("--rect takes four numbers: X,Y,W,H".into()))?;
        let [x, y, w, h] = numbers[..] else {
            return Err(Failure::Usage("--rect takes four numbers: X,Y,W,H".into()));
        };
        request = request.rect(x, y, w, h);
    }
    if let Some(lang) = args.value("--lang") {
        request = request.lang(lang);
    }
    if args.has("--sync") {
        request = request.asynchronous(false);
    }
    let client = client(args, stop)?;
    let mut run = client
        .run(&request)
        .input(input_of(input))
        .skip_if_unchanged(args.has("--skip-unchanged"))
        .on_progress(reporter(stop));
    if let Some(file) = args.value("--checkpoint") {
        run = run.checkpoint(PathBuf::from(file));
    }
    saved(&run.save(output)?);
    Ok(())
}

/// An input as the command line gives it: an http(s) URL that PDF.co fetches itself, or a
/// local file.
fn input_of(input: &str) -> Input<'_> {
    if input.starts_with("https://") || input.starts_with("http://") {
        Input::url(input)
    } else {
        Input::from(input)
    }
}

/// Prints a run's progress on stderr and notes the job it starts, for the signal handler.
/// On a terminal, uploads and downloads are shown as a bar redrawn in place; otherwise (a
/// pipe, a file) every event is a timestamped line and transfers only say when they end.
fn reporter(stop: &Stop) -> impl FnMut(Progress<'_>) + Send + '_ {
    let mut bars = Bars::new(io::stderr().is_terminal());
    move |event| match event {
        Progress::Uploading { sent, total } => bars.draw("upload", sent, Some(total)),
        Progress::Uploaded { bytes } => {
            if bars.on {
                bars.draw("upload", bytes, Some(bytes));
                bars.end();
            } else {
                progress(format_args!("uploaded {bytes} bytes"));
            }
        }
        Progress::Downloading { received } => bars.draw("download", received, None),
        Progress::Started(started) => {
            if let Ok(mut slot) = stop.job.lock() {
                *slot = Some(started.id().to_string());
            }
            bars.end();
            progress(format_args!("job {}", started.id()));
        }
        Progress::Status(status) => {
            bars.end();
            progress(format_args!("{}", status.state()));
        }
    }
}

/// The transfer bar of a terminal: redrawn in place with `\r`, ended with a newline before
/// any other line. Off (drawing nothing) when stderr is not a terminal.
struct Bars {
    on: bool,
    /// Whether a bar is on the current line.
    open: bool,
}

impl Bars {
    fn new(on: bool) -> Bars {
        Bars { on, open: false }
    }

    fn draw(&mut self, label: &str, done: u64, total: Option<u64>) {
        if self.on {
            let mut stderr = io::stderr().lock();
            let _ = write!(stderr, "\r{}\x1b[K", bar(label, done, total, 30));
            let _ = stderr.flush();
            self.open = true;
        }
    }

    /// Ends the line of a bar, if one is drawn.
    fn end(&mut self) {
        if std::mem::take(&mut self.open) {
            note(format_args!(""));
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        self.end();
    }
}

/// One line of a transfer bar: `upload   [#####-----]  50% 1.0 KiB / 2.0 KiB`, `width`
/// characters of bar; just the label and the bytes when the total is not known.
fn bar(label: &str, done: u64, total: Option<u64>, width: usize) -> String {
    let Some(total) = total else {
        return format!("{label} {}", size(done));
    };
    let share = if total == 0 {
        1.0
    } else {
        (done as f64 / total as f64).min(1.0)
    };
    let filled = ((share * width as f64).round() as usize).min(width);
    format!(
        "{label:<8} [{}{}] {:>3}% {} / {}",
        "#".repeat(filled),
        "-".repeat(width - filled),
        (share * 100.0).floor() as u32,
        size(done),
        size(total)
    )
}

/// A byte count for people: `512 B`, `1.5 KiB`, `3.0 MiB`, `1.2 GiB`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Says what a run saved.
fn saved(report: &pdfco::Report) {
    if report.skipped() {
        progress(format_args!("{} is up to date", report.path().display()));
        return;
    }
    progress(format_args!(
        "saved {} ({} file{}, {} bytes{})",
        report.path().display(),
        report.paths().len(),
        if report.paths().len() == 1 { "" } else { "s" },
        report.bytes(),
        report
            .remaining_credits()
            .map_or(String::new(), |c| format!(", {c} credits left"))
    ));
}

/// Adds the documents to `request`: http(s) URLs as they are, local files uploaded first.
fn with_inputs<'a, K>(
    client: &Client,
    mut request: Request<K>,
    inputs: impl IntoIterator<Item = &'a str>,
) -> Result<Request<K>, Failure> {
    for input in inputs {
        if input.starts_with("https://") || input.starts_with("http://") {
            request = request.url(input);
        } else {
            let mut bars = Bars::new(io::stderr().is_terminal());
            let file = client.upload(Input::from(input).on_progress(|p| {
                if let Progress::Uploading { sent, total } = p {
                    bars.draw("upload", sent, Some(total));
                }
            }))?;
            bars.end();
            progress(format_args!("uploaded {} ({} bytes)", input, file.size()));
            request = request.url(file.url());
        }
    }
    Ok(request)
}

fn call(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--input", "--param", "--json", "--output", "--timeout"])?;
    let [endpoint] = args.positional.as_slice() else {
        return Err(Failure::Usage("call takes one endpoint path".into()));
    };
    let mut request = Request::new(endpoint.as_str());
    for pair in args.values("--param") {
        let (name, value) = pair
            .split_once('=')
            .ok_or_else(|| Failure::Usage(format!("--param takes NAME=VALUE, not {pair}")))?;
        request = match name {
            "async" => request.asynchronous(!value.eq_ignore_ascii_case("false")),
            _ => request.param(name, value),
        };
    }
    for pair in args.values("--json") {
        let (name, text) = pair
            .split_once('=')
            .ok_or_else(|| Failure::Usage(format!("--json takes NAME=JSON, not {pair}")))?;
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Failure::Usage(format!("--json {name}: not JSON ({e})")))?;
        request = request.param(name, value);
    }
    request.validate()?;
    let client = client(args, stop)?;
    if let Some(output) = args.value("--output") {
        // The whole run: the output is checked before anything is uploaded or paid for.
        let run = args
            .values("--input")
            .into_iter()
            .fold(client.run(&request), |run, input| {
                run.input(input_of(input))
            })
            .on_progress(reporter(stop));
        saved(&run.save(output)?);
        return Ok(());
    }
    // No output: the final answer itself, as JSON on stdout.
    let request = with_inputs(&client, request, args.values("--input"))?;
    let started = client.start(&request)?;
    if let Conversion::Started(job) = &started {
        reporter(stop)(Progress::Started(job));
    }
    let done = client.wait(&started, |status| reporter(stop)(Progress::Status(status)))?;
    let answer = done.answer().clone();
    out(format_args!(
        "{}",
        serde_json::to_string_pretty(&answer).unwrap_or_default()
    ))
}

fn merge(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--any", "--timeout"])?;
    let [output, inputs @ ..] = args.positional.as_slice() else {
        return Err(Failure::Usage("merge takes an output and inputs".into()));
    };
    if inputs.len() < 2 {
        return Err(Failure::Usage("merge takes at least two inputs".into()));
    }
    let request = if args.has("--any") {
        Request::merge_any()
    } else {
        Request::merge()
    };
    let client = client(args, stop)?;
    let run = inputs
        .iter()
        .fold(client.run(&request), |run, input| {
            run.input(input_of(input))
        })
        .on_progress(reporter(stop));
    saved(&run.save(output)?);
    Ok(())
}

fn info(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--password", "--timeout"])?;
    let [input] = args.positional.as_slice() else {
        return Err(Failure::Usage("info takes one input".into()));
    };
    let mut request = Request::new("pdf/info").asynchronous(false);
    if let Some(password) = args.value("--password") {
        request = request.password(password);
    }
    let client = client(args, stop)?;
    let info = client
        .run(&request)
        .input(input_of(input))
        .on_progress(reporter(stop))
        .json()?;
    out(format_args!(
        "{}",
        serde_json::to_string_pretty(&info).unwrap_or_default()
    ))
}

/// Runs `request` on the inputs and saves the result to `output` (a file, or a folder for
/// several files); the request is checked before anything is uploaded.
fn save_run<K>(
    args: &Args,
    stop: &Stop,
    request: &Request<K>,
    inputs: &[String],
    output: &str,
) -> Result<(), Failure> {
    request.validate()?;
    let client = client(args, stop)?;
    let run = inputs
        .iter()
        .fold(client.run(request), |run, input| run.input(input_of(input)))
        .on_progress(reporter(stop));
    saved(&run.save(output)?);
    Ok(())
}

/// The `INPUT OUTPUT` of a command that makes one file from one.
fn input_and_output(args: &Args) -> Result<(&String, &String), Failure> {
    match args.positional.as_slice() {
        [input, output] => Ok((input, output)),
        _ => Err(Failure::Usage(format!(
            "{} takes an input and an output",
            args.command
        ))),
    }
}

/// A secret from the environment variable named by `flag`'s value, if the flag is given.
fn secret_from_env(args: &Args, flag: &str) -> Result<Option<String>, Failure> {
    let Some(var) = args.value(flag) else {
        return Ok(None);
    };
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(Some(value)),
        _ => Err(Failure::Usage(format!("{flag}: {var} is not set"))),
    }
}

fn split(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--pages", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let ranges = args
        .value("--pages")
        .ok_or_else(|| Failure::Usage("split needs --pages RANGES (1-based, or *)".into()))?;
    let ranges = ranges.parse::<PageRanges>()?;
    let request = Request::split(ranges);
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

fn rotate(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--angle", "--pages", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let angle = match args.value("--angle").map(str::trim) {
        Some(angle @ ("90" | "180" | "270")) => angle.parse::<u16>().unwrap_or(90),
        Some(other) => {
            return Err(Failure::Usage(format!(
                "--angle takes 90, 180 or 270, not {other}"
            )));
        }
        None => return Err(Failure::Usage("rotate needs --angle 90|180|270".into())),
    };
    let mut request = Request::new("pdf/edit/rotate").param("angle", angle);
    if let Some(pages) = args.value("--pages") {
        request = request.pages(pages);
    }
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

fn delete_pages(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--pages", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let pages = args
        .value("--pages")
        .ok_or_else(|| Failure::Usage("delete-pages needs --pages P (1-based)".into()))?;
    let request = Request::new("pdf/edit/delete-pages").pages(pages);
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

fn compress(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let request = Request::compress();
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

fn protect(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--owner-password-env", "--user-password-env", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let owner = secret_from_env(args, "--owner-password-env")?
        .ok_or_else(|| Failure::Usage("protect needs --owner-password-env VAR".into()))?;
    let mut request = Request::protect(owner);
    if let Some(user) = secret_from_env(args, "--user-password-env")? {
        request = request.user_password(user);
    }
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

fn unprotect(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--password-env", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let password = secret_from_env(args, "--password-env")?
        .ok_or_else(|| Failure::Usage("unprotect needs --password-env VAR".into()))?;
    let request = Request::unprotect().password(password);
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

/// The endpoint that turns files like `input` into a PDF, by its URL scheme or extension.
fn to_pdf_endpoint(input: &str) -> Option<&'static str> {
    if input.starts_with("https://") || input.starts_with("http://") {
        let path = input.split(['?', '#']).next().unwrap_or("");
        let last = path.rsplit('/').next().unwrap_or("");
        if !last.contains('.') || last.ends_with(".html") || last.ends_with(".htm") {
            return Some("pdf/convert/from/url");
        }
    }
    let name = input.split(['?', '#']).next().unwrap_or(input);
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "html" | "htm" => "pdf/convert/from/html",
        "doc" | "docx" | "rtf" | "txt" | "xps" | "odt" => "pdf/convert/from/doc",
        "csv" | "xls" | "xlsx" => "xls/convert/to/pdf",
        "png" | "jpg" | "jpeg" | "gif" | "bmp" | "tif" | "tiff" | "webp" => {
            "pdf/convert/from/image"
        }
        "eml" | "msg" => "pdf/convert/from/email",
        _ => return None,
    })
}

fn to_pdf(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--timeout"])?;
    let [inputs @ .., output] = args.positional.as_slice() else {
        return Err(Failure::Usage("to-pdf takes inputs and an output".into()));
    };
    let endpoints = inputs
        .iter()
        .map(|input| {
            to_pdf_endpoint(input).ok_or_else(|| {
                Failure::Usage(format!("to-pdf cannot tell what kind of file {input} is"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let endpoint = match endpoints.as_slice() {
        [] => return Err(Failure::Usage("to-pdf takes inputs and an output".into())),
        [one] => *one,
        [first, rest @ ..]
            if *first == "pdf/convert/from/image" && rest.iter().all(|e| e == first) =>
        {
            *first
        }
        _ => {
            return Err(Failure::Usage(
                "to-pdf takes one input, or several images (pdfco merge --any mixes kinds)".into(),
            ));
        }
    };
    if endpoint == "pdf/convert/from/html" {
        // PDF.co takes the HTML itself, not a link to it.
        let input = &inputs[0];
        let html = std::fs::read_to_string(input)
            .map_err(|e| Failure::Usage(format!("cannot read {input}: {e}")))?;
        let request = Request::new(endpoint).param("html", html);
        return save_run(args, stop, &request, &[], output);
    }
    if endpoint == "pdf/convert/from/url" {
        let request = Request::new(endpoint).url(inputs[0].as_str());
        return save_run(args, stop, &request, &[], output);
    }
    save_run(args, stop, &Request::new(endpoint), inputs, output)
}

fn barcode(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--type", "--timeout"])?;
    let [value, output] = args.positional.as_slice() else {
        return Err(Failure::Usage("barcode takes a value and an output".into()));
    };
    let kind = args.value("--type").unwrap_or("QRCode");
    let request = Request::new("barcode/generate")
        .param("value", value.as_str())
        .param("type", kind);
    save_run(args, stop, &request, &[], output)
}

fn balance(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--timeout"])?;
    if !args.positional.is_empty() {
        return Err(Failure::Usage("balance takes no argument".into()));
    }
    let credits = client(args, stop)?.balance()?;
    out(format_args!("{credits}"))
}

fn check(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--timeout"])?;
    let [job_id] = args.positional.as_slice() else {
        return Err(Failure::Usage("check takes one job id".into()));
    };
    let status = client(args, stop)?.check(job_id)?;
    out(format_args!("{}", status.state()))?;
    if let Some(message) = status.message() {
        note(format_args!("{message}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Args {
        match parse_args(words.iter().map(OsString::from).collect()) {
            Ok(args) => args,
            Err(_) => panic!("{words:?} should parse"),
        }
    }

    #[test]
    fn flags_take_values_in_both_spellings() {
        let a = parse(&["convert", "--to", "csv", "a.pdf", "--timeout=2.5", "b.csv"]);
        assert_eq!(a.command, "convert");
        assert_eq!(a.value("--to"), Some("csv"));
        assert_eq!(a.positional, ["a.pdf", "b.csv"]);
        assert!(matches!(a.timeout(), Ok(Some(d)) if d == Duration::from_millis(2500)));
        let a = parse(&["check", "--", "--odd-id"]);
        assert_eq!(a.positional, ["--odd-id"]);
        for bad in ["0", "-1", "soon", "NaN", "inf"] {
            let a = parse(&["balance", "--timeout", bad]);
            assert!(matches!(a.timeout(), Err(Failure::Usage(_))), "{bad}");
        }
        assert!(matches!(
            parse_args(vec!["convert".into(), "--to".into()]),
            Err(Failure::Usage(_))
        ));
    }

    #[test]
    fn the_bar_shows_the_share_done_and_the_bytes() {
        assert_eq!(
            bar("upload", 1024, Some(4096), 20),
            "upload   [#####---------------]  25% 1.0 KiB / 4.0 KiB"
        );
        assert_eq!(
            bar("upload", 0, Some(0), 10),
            "upload   [##########] 100% 0 B / 0 B"
        );
        assert_eq!(
            bar("download", 5 * 1024 * 1024 + 512 * 1024, None, 10),
            "download 5.5 MiB"
        );
        // More than announced (a file that grew) stays within the bar.
        assert_eq!(
            bar("upload", 300, Some(200), 4),
            "upload   [####] 100% 300 B / 200 B"
        );
        assert!(!bar("upload", 7, Some(9), 30).contains('\r'));
    }

    #[test]
    fn unknown_flags_are_usage_errors() {
        let a = parse(&["balance", "--pages", "1"]);
        assert!(matches!(a.only(&["--timeout"]), Err(Failure::Usage(_))));
    }
}
