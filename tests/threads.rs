//! The library never spawns a thread.

mod common;

use common::{SAMPLE, TempDir};
use pdfco::testing::Emulator;
use pdfco::{OutputFormat, Request};

/// Live threads of this process that are not the emulator's (whose names start
/// `pdfco-emulator`).
#[cfg(target_os = "linux")]
fn client_side_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter(|task| {
            let comm = std::fs::read_to_string(task.as_ref().unwrap().path().join("comm"))
                .unwrap_or_default();
            !comm.starts_with("pdfco-emulator")
        })
        .count()
}

/// One test only in this binary, so that no other test's thread starts or ends while it counts.
#[test]
fn the_library_never_spawns_a_thread() {
    source_sets_no_thread_spawning_timeout();
    #[cfg(target_os = "linux")]
    whole_workflow_runs_on_the_calling_thread_alone();
}

#[cfg(target_os = "linux")]
fn whole_workflow_runs_on_the_calling_thread_alone() {
    let emulator = Emulator::builder().working_checks(3).start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    // A new thread names itself once it runs, so the emulator's threads may still carry the
    // test thread's name just after start; one workflow first lets them all settle.
    client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(dir.join("warm-up.json"))
        .unwrap();
    let before = client_side_threads();
    let mut seen = Vec::new();
    client
        .run(&Request::convert(OutputFormat::Json))
        .input(SAMPLE)
        .on_progress(|_| seen.push(client_side_threads()))
        .save(dir.join("t.json"))
        .unwrap();
    assert!(seen.len() > 5, "the callback ran in every phase");
    assert!(
        seen.iter().all(|&n| n == before),
        "threads went from {before} to {seen:?}"
    );
    assert_eq!(client_side_threads(), before);
}

/// ureq spawns a short-lived resolver thread whenever a resolve, per-call or global timeout is
/// set, too brief to be counted reliably, so the library's source is checked for them, and for
/// spawning of its own.
fn source_sets_no_thread_spawning_timeout() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for banned in [
                    "timeout_global",
                    "timeout_per_call",
                    "timeout_resolve",
                    "thread::spawn",
                    "thread::Builder",
                ] {
                    if code.contains(banned) {
                        offenders.push(format!("{}:{}: {banned}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}
