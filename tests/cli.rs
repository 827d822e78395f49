//! The `pdfco` command-line tool, run as a script runs it, against the emulator.
#![cfg(feature = "cli")]

mod common;

use std::fs::File;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::cli::{code, finish, page_count, pdfco, run, stderr};
use common::{SAMPLE, TempDir};
use pdfco::testing::{Emulator, Endpoint, Fault, Outcome};

/// Sends a signal with the system's `kill`.
fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
}

/// The id of the job the client checked.
fn checked_job(emulator: &Emulator) -> String {
    let requests = emulator.requests();
    let check = requests
        .iter()
        .find(|r| r.path.ends_with("/job/check"))
        .expect("a job check");
    check
        .query
        .split('&')
        .find_map(|pair| pair.strip_prefix("jobid="))
        .expect("a jobid")
        .to_string()
}

/// Waits (at most 20 s) until `ready` holds.
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never saw {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn help_names_the_environment_and_the_exit_codes() {
    let emulator = Emulator::start().unwrap();
    for args in [
        &["--help"][..],
        &["help"],
        &["help", "convert"],
        &["convert", "--help"],
    ] {
        let output = run(pdfco(&emulator).args(args));
        assert_eq!(code(output.status), 0, "{args:?}: {}", stderr(&output));
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("usage"), "{args:?}: {help}");
    }
    let output = run(pdfco(&emulator).arg("--help"));
    let help = String::from_utf8_lossy(&output.stdout);
    for word in [
        "PDFCO_API_KEY",
        "PDFCO_BASE_URL",
        "130",
        "--timeout",
        "merge",
        "info",
        "call",
    ] {
        assert!(help.contains(word), "{word} missing from: {help}");
    }
    assert!(emulator.requests().is_empty());
}

#[test]
fn a_full_stdout_is_an_error_not_a_panic() {
    let emulator = Emulator::start().unwrap();
    let full = File::options().write(true).open("/dev/full").unwrap();
    let output = finish(
        pdfco(&emulator)
            .arg("balance")
            .stdout(full)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let text = stderr(&output);
    assert_eq!(code(output.status), 1, "{text}");
    assert!(!text.contains("panicked"), "{text}");
    assert!(text.contains("stdout"), "{text}");
}

#[test]
fn a_full_stderr_does_not_stop_a_conversion() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let out = dir.join("out.txt");
    let full = File::options().write(true).open("/dev/full").unwrap();
    let output = finish(
        pdfco(&emulator)
            .args(["convert", "--to", "text", SAMPLE])
            .arg(&out)
            .stdout(Stdio::piped())
            .stderr(full)
            .spawn()
            .unwrap(),
    );
    assert_eq!(code(output.status), 0);
    assert!(std::fs::metadata(&out).unwrap().len() > 0);
}

#[test]
fn an_empty_job_id_is_a_usage_error() {
    let emulator = Emulator::start().unwrap();
    let output = run(pdfco(&emulator).args(["check", ""]));
    assert_eq!(code(output.status), 2, "{}", stderr(&output));
    assert!(!stderr(&output).contains("(job )"), "{}", stderr(&output));
    let output = run(pdfco(&emulator).args(["check"]));
    assert_eq!(code(output.status), 2);
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[test]
fn uploaded_is_reported_once_even_when_the_upload_is_retried() {
    let emulator = Emulator::start().unwrap();
    emulator.fail_next(Endpoint::Upload, Fault::ResetRequest);
    let dir = TempDir::new();
    let output = run(pdfco(&emulator)
        .args(["convert", "--to", "csv", SAMPLE])
        .arg(dir.join("out.csv")));
    let text = stderr(&output);
    assert_eq!(code(output.status), 0, "{text}");
    let puts = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(puts, 2, "the upload was retried once");
    assert_eq!(text.matches("uploaded").count(), 1, "{text}");
}

#[test]
fn timeout_ends_a_stuck_job_with_exit_5_and_its_id() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let dir = TempDir::new();
    let output = run(pdfco(&emulator)
        .args(["convert", "--to", "json", SAMPLE])
        .arg(dir.join("out.json"))
        .args(["--timeout", "1"]));
    let text = stderr(&output);
    assert_eq!(code(output.status), 5, "{text}");
    assert_eq!(emulator.job_count(), 1);
    assert!(text.contains("job: "), "the job id to resume: {text}");
    assert_eq!(dir.files(), Vec::<String>::new());
}

#[test]
fn sigint_during_a_download_removes_the_temporary_file_and_keeps_the_old_output() {
    let emulator = Emulator::start().unwrap();
    // About 8 KiB sent 64 bytes at a time: some 20 s, plenty of time to interrupt it.
    emulator.fail_next(
        Endpoint::Download,
        Fault::Trickle {
            bytes: 64,
            pause: Duration::from_millis(150),
        },
    );
    let dir = TempDir::new();
    let out = dir.join("out.json");
    std::fs::write(&out, b"the old result").unwrap();
    let child = pdfco(&emulator)
        .args(["convert", "--to", "json", SAMPLE])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("a temporary file beside the output", || {
        dir.files().len() > 1
    });
    signal(&child, "INT");
    let output = finish(child);
    let text = stderr(&output);
    assert_eq!(code(output.status), 130, "{text}");
    assert_eq!(
        dir.files(),
        ["out.json"],
        "no temporary file is left: {text}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"the old result");
    let job = checked_job(&emulator);
    assert!(text.contains(&format!("job {job} was started")), "{text}");
}

#[test]
fn sigterm_while_waiting_for_a_job_prints_the_job_and_exits_130() {
    let emulator = Emulator::builder().outcome(Outcome::Stuck).start().unwrap();
    let dir = TempDir::new();
    let child = pdfco(&emulator)
        .args(["convert", "--to", "json", SAMPLE])
        .arg(dir.join("out.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("a job check", || {
        emulator
            .requests()
            .iter()
            .any(|r| r.path.contains("job/check"))
    });
    signal(&child, "TERM");
    let output = finish(child);
    let text = stderr(&output);
    assert_eq!(code(output.status), 130, "{text}");
    let job = checked_job(&emulator);
    assert!(text.contains(&format!("pdfco check {job}")), "{text}");
    assert_eq!(dir.files(), Vec::<String>::new());
}

#[test]
fn a_key_with_a_newline_is_refused_naming_the_variable() {
    let emulator = Emulator::start().unwrap();
    let output = run(pdfco(&emulator)
        .env("PDFCO_API_KEY", "abc\ndef-secret")
        .arg("balance"));
    let text = stderr(&output);
    assert_eq!(code(output.status), 2, "{text}");
    assert!(text.contains("PDFCO_API_KEY"), "{text}");
    assert!(!text.contains("def-secret"), "{text}");
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

/// `/dev/stdout` as a script uses it: a link to the process's own standard output, here a
/// pipe. The link is made in a folder of the test's, so that a regression replaces that link
/// and not the machine's `/dev/stdout`.
#[test]
fn stdout_through_a_link_is_a_valid_output() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let link = dir.join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    for to in ["text", "json"] {
        let output = run(pdfco(&emulator)
            .args(["convert", "--to", to, SAMPLE])
            .arg(&link));
        assert_eq!(code(output.status), 0, "{to}: {}", stderr(&output));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains("Invoice"),
            "{to}: the result on stdout: {text}"
        );
        assert!(link.is_symlink(), "the link is still a link");
        assert_eq!(dir.files(), ["stdout"], "nothing else was written");
    }
}

#[test]
fn merge_joins_local_files_in_order() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let out = dir.join("both.pdf");
    let output = run(pdfco(&emulator)
        .arg("merge")
        .arg(&out)
        .args([SAMPLE, SAMPLE]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    assert_eq!(page_count(&out), 6);
    let merged = emulator
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/pdf/merge")
        .expect("a merge request");
    let urls = merged.param("url").unwrap_or_default();
    assert_eq!(urls.split(',').count(), 2, "{urls}");
    assert_eq!(merged.param("name").as_deref(), Some("both.pdf"));

    let output = run(pdfco(&emulator).args(["merge", "x.pdf", SAMPLE]));
    assert_eq!(code(output.status), 2, "one input is a usage error");
}

#[test]
fn info_prints_the_info_object() {
    let emulator = Emulator::start().unwrap();
    let output = run(pdfco(&emulator).args(["info", SAMPLE]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    let info: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(info["PageCount"], 3, "{info}");
}

#[test]
fn call_reaches_any_endpoint_and_saves_what_it_gives() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();

    // No --output: the final answer on stdout, here a synchronous one.
    let output = run(pdfco(&emulator).args([
        "call",
        "pdf/info",
        "--input",
        SAMPLE,
        "--param",
        "async=false",
    ]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["info"]["PageCount"], 3, "{answer}");

    // One file, from a job.
    let merged = dir.join("merged.pdf");
    let output = run(pdfco(&emulator)
        .args([
            "call",
            "pdf/merge",
            "--input",
            SAMPLE,
            "--input",
            SAMPLE,
            "--output",
        ])
        .arg(&merged));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    assert_eq!(page_count(&merged), 6);

    // Several files into a folder.
    let pages = dir.join("pages");
    let output = run(pdfco(&emulator)
        .args([
            "call",
            "pdf/convert/to/png",
            "--input",
            SAMPLE,
            "--json",
            "inline=false",
        ])
        .arg("--output")
        .arg(&pages));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    let mut names: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["sample-1.png", "sample-2.png", "sample-3.png"]);

    // Bad JSON is a usage error; an endpoint PDF.co does not have is its refusal.
    let output = run(pdfco(&emulator).args(["call", "pdf/info", "--json", "x={"]));
    assert_eq!(code(output.status), 2, "{}", stderr(&output));
    let output = run(pdfco(&emulator).args(["call", "pdf/no-such-thing", "--input", SAMPLE]));
    assert_eq!(code(output.status), 3, "{}", stderr(&output));
    assert!(stderr(&output).contains("404"), "{}", stderr(&output));
}

#[test]
fn an_output_that_cannot_be_written_is_refused_before_anything_is_paid_for() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let nowhere = dir.join("missing-folder").join("out.pdf");
    for command in [
        vec![
            "merge".into(),
            nowhere.display().to_string(),
            SAMPLE.into(),
            SAMPLE.into(),
        ],
        vec![
            "call".into(),
            "pdf/merge".into(),
            "--input".into(),
            SAMPLE.into(),
            "--output".into(),
            nowhere.display().to_string(),
        ],
    ] {
        let output = run(pdfco(&emulator).args(&command));
        assert_eq!(code(output.status), 2, "{command:?}: {}", stderr(&output));
        assert!(
            emulator.requests().is_empty(),
            "{command:?}: nothing was sent"
        );
    }
}

/// What a piped stderr (not a terminal) shows: timestamped lines only, as before the
/// terminal's progress bar, with no `\r` and nothing in between.
#[test]
fn progress_on_a_stderr_that_is_not_a_terminal_is_timestamped_lines() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let size = std::fs::metadata(SAMPLE).unwrap().len();
    let output = run(pdfco(&emulator)
        .args(["convert", "--to", "csv", SAMPLE])
        .arg(dir.join("out.csv")));
    let text = stderr(&output);
    assert_eq!(code(output.status), 0, "{text}");
    assert!(!text.contains('\r'), "{text:?}");
    let messages: Vec<&str> = text
        .lines()
        .map(|line| {
            let (time, message) = line.split_once(": ").unwrap_or(("", line));
            let digits = time.replace([':', '.'], "");
            assert!(
                time.len() == 8 && digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()),
                "a timestamped line: {line:?}"
            );
            message
        })
        .collect();
    assert_eq!(messages[0], format!("uploaded {size} bytes"), "{text}");
    assert!(messages[1].starts_with("job "), "{text}");
    let last = messages.len() - 1;
    assert!(messages[last].starts_with("saved "), "{text}");
    assert_eq!(messages[last - 1], "success", "{text}");
    assert!(
        messages[2..last]
            .iter()
            .all(|m| ["working", "success"].contains(m)),
        "{text}"
    );

    let output = run(pdfco(&emulator).args(["call", "pdf/info", "--input", SAMPLE]));
    let text = stderr(&output);
    assert_eq!(code(output.status), 0, "{text}");
    assert!(!text.contains('\r'), "{text:?}");
    assert!(
        text.lines()
            .next()
            .unwrap_or("")
            .ends_with(&format!(": uploaded {SAMPLE} ({size} bytes)")),
        "{text}"
    );
}
