//! The commands: each checks its arguments, builds its request and runs it.

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use pdfco::{
    BarcodeType, Client, ClientBuilder, Conversion, Input, OutputFormat, PageRanges, Progress,
    Request, Rotation, SpreadsheetFormat,
};

use crate::args::Args;
use crate::output::{Bars, note, out, progress, reporter, saved};
use crate::{Failure, Stop};

/// The client from the environment, with `--timeout` as the deadline of the whole command,
/// stopped by a signal.
pub(crate) fn client(args: &Args, stop: &Stop) -> Result<Client, Failure> {
    let timeout = args.timeout()?;
    let mut builder: ClientBuilder =
        pdfco::ClientBuilder::from_env()?.cancel_flag(stop.flag.clone());
    if let Some(timeout) = timeout {
        builder = builder.workflow_timeout(timeout).job_timeout(timeout);
    }
    Ok(builder.build()?)
}

pub(crate) fn convert(args: &Args, stop: &Stop) -> Result<(), Failure> {
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
        .parse::<OutputFormat>()?;
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
pub(crate) fn input_of(input: &str) -> Input<'_> {
    if input.starts_with("https://") || input.starts_with("http://") {
        Input::url(input)
    } else {
        Input::from(input)
    }
}

/// Adds the documents to `request`: http(s) URLs as they are, local files uploaded first.
pub(crate) fn with_inputs<'a, K>(
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

pub(crate) fn call(args: &Args, stop: &Stop) -> Result<(), Failure> {
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

pub(crate) fn merge(args: &Args, stop: &Stop) -> Result<(), Failure> {
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

pub(crate) fn info(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--password", "--timeout"])?;
    let [input] = args.positional.as_slice() else {
        return Err(Failure::Usage("info takes one input".into()));
    };
    let mut request = Request::info().asynchronous(false);
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
pub(crate) fn save_run<K>(
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
pub(crate) fn input_and_output(args: &Args) -> Result<(&String, &String), Failure> {
    match args.positional.as_slice() {
        [input, output] => Ok((input, output)),
        _ => Err(Failure::Usage(format!(
            "{} takes an input and an output",
            args.command
        ))),
    }
}

/// A secret from the environment variable named by `flag`'s value, if the flag is given.
pub(crate) fn secret_from_env(args: &Args, flag: &str) -> Result<Option<String>, Failure> {
    let Some(var) = args.value(flag) else {
        return Ok(None);
    };
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(Some(value)),
        _ => Err(Failure::Usage(format!("{flag}: {var} is not set"))),
    }
}

pub(crate) fn split(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--pages", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let ranges = args
        .value("--pages")
        .ok_or_else(|| Failure::Usage("split needs --pages RANGES (1-based, or *)".into()))?;
    let ranges = ranges.parse::<PageRanges>()?;
    let request = Request::split(ranges);
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

pub(crate) fn rotate(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--angle", "--pages", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let text = args
        .value("--angle")
        .ok_or_else(|| Failure::Usage("rotate needs --angle 90|180|270".into()))?;
    let angle = text
        .trim()
        .parse()
        .ok()
        .and_then(Rotation::from_degrees)
        .ok_or_else(|| Failure::Usage(format!("--angle takes 90, 180 or 270, not {text}")))?;
    let mut request = Request::rotate(angle);
    if let Some(pages) = args.value("--pages") {
        request = request.pages(pages);
    }
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

pub(crate) fn delete_pages(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--pages", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let pages = args
        .value("--pages")
        .ok_or_else(|| Failure::Usage("delete-pages needs --pages P (1-based)".into()))?;
    let request = Request::delete_pages(pages);
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

pub(crate) fn compress(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let request = Request::compress();
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

pub(crate) fn protect(args: &Args, stop: &Stop) -> Result<(), Failure> {
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

pub(crate) fn unprotect(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--password-env", "--timeout"])?;
    let (input, output) = input_and_output(args)?;
    let password = secret_from_env(args, "--password-env")?
        .ok_or_else(|| Failure::Usage("unprotect needs --password-env VAR".into()))?;
    let request = Request::unprotect().password(password);
    save_run(args, stop, &request, std::slice::from_ref(input), output)
}

/// The endpoint that turns files like `input` into a PDF, by its URL scheme or extension.
pub(crate) fn to_pdf_endpoint(input: &str) -> Option<&'static str> {
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

pub(crate) fn to_pdf(args: &Args, stop: &Stop) -> Result<(), Failure> {
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
    let first = &inputs[0];
    match endpoint {
        "pdf/convert/from/html" => {
            // PDF.co takes the HTML itself, not a link to it.
            let html = std::fs::read_to_string(first)
                .map_err(|e| Failure::Usage(format!("cannot read {first}: {e}")))?;
            save_run(args, stop, &Request::from_html(html), &[], output)
        }
        "pdf/convert/from/url" => {
            save_run(args, stop, &Request::from_url(first.as_str()), &[], output)
        }
        "pdf/convert/from/doc" => save_run(args, stop, &Request::from_document(), inputs, output),
        "xls/convert/to/pdf" => {
            let request = Request::spreadsheet(SpreadsheetFormat::Pdf);
            save_run(args, stop, &request, inputs, output)
        }
        "pdf/convert/from/email" => save_run(args, stop, &Request::from_email(), inputs, output),
        _ => save_run(args, stop, &Request::from_images(), inputs, output),
    }
}

pub(crate) fn barcode(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--type", "--timeout"])?;
    let [value, output] = args.positional.as_slice() else {
        return Err(Failure::Usage("barcode takes a value and an output".into()));
    };
    let kind = match args.value("--type") {
        Some(name) => name.parse::<BarcodeType>()?,
        None => BarcodeType::QRCode,
    };
    let request = Request::barcode(kind, value.as_str());
    save_run(args, stop, &request, &[], output)
}

pub(crate) fn balance(args: &Args, stop: &Stop) -> Result<(), Failure> {
    args.only(&["--timeout"])?;
    if !args.positional.is_empty() {
        return Err(Failure::Usage("balance takes no argument".into()));
    }
    let credits = client(args, stop)?.balance()?;
    out(format_args!("{credits}"))
}

pub(crate) fn check(args: &Args, stop: &Stop) -> Result<(), Failure> {
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
