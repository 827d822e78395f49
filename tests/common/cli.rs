//! Running the `pdfco` command-line tool against the emulator, as a script runs it.

use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use pdfco::testing::Emulator;

/// The tool, pointed at `emulator`, with nothing of the caller's environment that could
/// change its behaviour. `PDFCO_CLI_UNDER_TEST` runs the tests against another build of it,
/// such as an older one, to see what they catch.
pub fn pdfco(emulator: &Emulator) -> Command {
    let program = std::env::var_os("PDFCO_CLI_UNDER_TEST")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_pdfco").into());
    let mut command = Command::new(program);
    command
        .env("PDFCO_API_KEY", emulator.api_key())
        .env("PDFCO_BASE_URL", emulator.base_url())
        .stdin(Stdio::null());
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env_remove(var);
    }
    command
}

/// Runs a command to its end, failing the test instead of hanging if it takes over 60 s.
pub fn finish(mut child: Child) -> Output {
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the CLI did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Runs `command` with its output captured.
pub fn run(command: &mut Command) -> Output {
    finish(
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn pdfco"),
    )
}

/// The exit code (a signal is a failure).
pub fn code(status: ExitStatus) -> i32 {
    status.code().expect("an exit code, not a signal")
}

/// What the command printed on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The pages of a PDF, read with lopdf.
pub fn page_count(path: &std::path::Path) -> usize {
    lopdf::Document::load(path)
        .expect("a PDF")
        .get_pages()
        .len()
}
