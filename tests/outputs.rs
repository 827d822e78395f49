//! Nothing lost at the edges: outputs, checkpoints and sidecars that collide with the input,
//! the output or a user's own file; outputs that are not regular files; temporary files left
//! by a killed process; output folders that cannot be written; long file names.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{SAMPLE, TempDir, setup};
use pdfco::testing::Emulator;
use pdfco::{Error, OutputFormat, Request};

fn json() -> Request<pdfco::kind::Convert> {
    Request::convert(OutputFormat::Json)
}

/// Asserts that `err` was found locally and that the emulator saw no request at all.
fn refused_before_any_request(emulator: &Emulator, err: &Error) {
    assert!(err.is_local(), "a local error: {err}");
    assert!(err.job_id().is_none(), "{err}");
    assert!(
        emulator.requests().is_empty(),
        "no request: {:?}",
        emulator.requests()
    );
}

fn option_of(err: &Error) -> Option<&'static str> {
    match err {
        Error::InvalidOption { option, .. } => Some(option),
        _ => None,
    }
}

// Item 1: a checkpoint that is the output or the input.

#[test]
fn a_checkpoint_at_the_output_path_is_refused_and_the_output_survives() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("out.json");
    std::fs::write(&out, b"the previous result").unwrap();
    let err = client
        .run(&json())
        .input(SAMPLE)
        .checkpoint(&out)
        .save(&out)
        .unwrap_err();
    refused_before_any_request(&emulator, &err);
    assert_eq!(option_of(&err), Some("checkpoint"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"the previous result");

    // Also when the output does not exist yet: the checkpoint would be removed with the
    // result in it.
    let fresh = dir.join("fresh.json");
    let err = client
        .run(&json())
        .input(SAMPLE)
        .checkpoint(&fresh)
        .save(&fresh)
        .unwrap_err();
    refused_before_any_request(&emulator, &err);
}

#[test]
fn a_checkpoint_at_the_input_path_is_refused_and_the_input_survives() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let input = dir.join("in.pdf");
    std::fs::copy(SAMPLE, &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let err = client
        .run(&json())
        .input(&input)
        .checkpoint(&input)
        .save(dir.join("out.json"))
        .unwrap_err();
    refused_before_any_request(&emulator, &err);
    assert_eq!(option_of(&err), Some("checkpoint"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn a_checkpoint_that_resolves_to_the_output_through_a_link_is_refused() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("out.json");
    std::fs::write(&out, b"kept").unwrap();
    std::os::unix::fs::symlink(&out, dir.join("soft")).unwrap();
    std::fs::hard_link(&out, dir.join("hard")).unwrap();
    for link in ["soft", "hard"] {
        let err = client
            .run(&json())
            .input(SAMPLE)
            .checkpoint(dir.join(link))
            .save(&out)
            .unwrap_err();
        refused_before_any_request(&emulator, &err);
        assert_eq!(std::fs::read(&out).unwrap(), b"kept", "{link}");
    }
}

#[test]
fn a_checkpoint_over_a_file_that_is_not_a_checkpoint_is_refused() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let notes = dir.join("notes.json");
    std::fs::write(&notes, b"{\"mine\": true}").unwrap();
    let err = client
        .run(&json())
        .input(SAMPLE)
        .checkpoint(&notes)
        .save(dir.join("out.json"))
        .unwrap_err();
    refused_before_any_request(&emulator, &err);
    assert_eq!(option_of(&err), Some("checkpoint"), "{err}");
    assert_eq!(std::fs::read(&notes).unwrap(), b"{\"mine\": true}");
}

#[test]
fn a_checkpoint_of_another_conversion_is_ours_and_replaced() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let checkpoint = dir.join("job");
    let stale = serde_json::json!({
        "pdfco": "checkpoint", "jobId": "OTHER", "url": null,
        "input": "0", "request": "{}", "output": "elsewhere.json",
    });
    std::fs::write(&checkpoint, stale.to_string()).unwrap();
    let out = dir.join("out.json");
    client
        .run(&json())
        .input(SAMPLE)
        .checkpoint(&checkpoint)
        .save(&out)
        .unwrap();
    assert!(out.exists());
    assert!(!checkpoint.exists(), "removed once the result is saved");
    assert_eq!(emulator.job_count(), 1);
}

#[test]
fn an_output_that_is_the_input_is_refused() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let input = dir.join("in.pdf");
    std::fs::copy(SAMPLE, &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let err = client.run(&json()).input(&input).save(&input).unwrap_err();
    refused_before_any_request(&emulator, &err);
    assert_eq!(std::fs::read(&input).unwrap(), before);

    let report = client.batch().file(&json(), &input, &input).run(|_| {});
    let err = report.items()[0].result().unwrap_err();
    refused_before_any_request(&emulator, err);
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

// Item 2: outputs that are not regular files, and the mode of an existing output.

/// Makes a FIFO with `mkfifo`, and a thread that reads everything written to it.
#[cfg(unix)]
fn fifo_with_reader(path: &Path) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
    let path = path.to_path_buf();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(std::fs::read(path).unwrap()));
    receive
}

/// A watchdog: a hang becomes a failure.
const WATCHDOG: Duration = Duration::from_secs(20);

#[cfg(unix)]
#[test]
fn a_fifo_output_is_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let (_emulator, client) = setup();
    let expected = client
        .run(&Request::convert(OutputFormat::Text))
        .input(SAMPLE)
        .text()
        .unwrap();
    // A downloaded result, and an inline body.
    for inline in [false, true] {
        let dir = TempDir::new();
        let fifo = dir.join("fifo");
        let reader = fifo_with_reader(&fifo);
        let request = Request::convert(OutputFormat::Text).inline(inline);
        let (send, finished) = std::sync::mpsc::channel();
        {
            let client = client.clone();
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let _ = send.send(client.run(&request).input(SAMPLE).save(&fifo));
            });
        }
        let report = finished
            .recv_timeout(WATCHDOG)
            .expect("convert_file returns");
        let report = report.unwrap();
        let got = reader
            .recv_timeout(WATCHDOG)
            .expect("the reader of the FIFO got the result");
        assert_eq!(String::from_utf8_lossy(&got), expected, "inline {inline}");
        assert_eq!(report.bytes(), got.len() as u64);
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "still a FIFO");
        assert_eq!(dir.files(), ["fifo"], "no temporary file left");
    }
}

#[cfg(unix)]
#[test]
fn a_character_device_output_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let (_emulator, client) = setup();
    // A private node of the null device (1, 3) in a test folder, never /dev/null itself: a
    // regression would turn the machine's /dev/null into a regular file. Making a device
    // node takes root; elsewhere the FIFO test above is the proof.
    let dir = TempDir::new();
    let null = dir.join("null");
    let made = std::process::Command::new("mknod")
        .args(["-m", "666"])
        .arg(&null)
        .args(["c", "1", "3"])
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mknod needs root");
        return;
    }
    let report = client
        .run(&Request::convert(OutputFormat::Text))
        .input(SAMPLE)
        .save(&null)
        .unwrap();
    assert!(report.bytes() > 0);
    let kind = std::fs::symlink_metadata(&null).unwrap().file_type();
    assert!(kind.is_char_device(), "still the device node");
    assert_eq!(dir.files(), ["null"], "no temporary file left");
}

#[cfg(unix)]
#[test]
fn an_existing_output_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    for (format, mode) in [(OutputFormat::Json, 0o600), (OutputFormat::Xml, 0o640)] {
        let out = dir.join(&format!("out.{}", format.extension()));
        std::fs::write(&out, b"old").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(mode)).unwrap();
        let other_link = dir.join(&format!("link.{}", format.extension()));
        std::fs::hard_link(&out, &other_link).unwrap();
        client
            .run(&Request::convert(format))
            .input(SAMPLE)
            .save(&out)
            .unwrap();
        assert_ne!(std::fs::read(&out).unwrap(), b"old");
        // As documented: the path gets a new file, other hard links keep the old one.
        assert_eq!(std::fs::read(&other_link).unwrap(), b"old");
        let now = std::fs::metadata(&out).unwrap().permissions().mode() & 0o7777;
        assert_eq!(now, mode, "{format}");
    }
    // An inline body is written the same way.
    let out = dir.join("inline.csv");
    std::fs::write(&out, b"old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    client
        .run(&Request::convert(OutputFormat::Csv).inline(true))
        .input(SAMPLE)
        .save(&out)
        .unwrap();
    let now = std::fs::metadata(&out).unwrap().permissions().mode() & 0o7777;
    assert_eq!(now, 0o600);
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_replaces_the_target_and_keeps_the_link() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    std::fs::create_dir(dir.join("real")).unwrap();
    let target = dir.join("real/out.json");
    std::fs::write(&target, b"old").unwrap();
    let link = dir.join("out.json");
    std::os::unix::fs::symlink("real/out.json", &link).unwrap();
    client.run(&json()).input(SAMPLE).save(&link).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert!(
        value.get("document").is_some(),
        "the target holds the result"
    );
    let beside = std::fs::read_dir(dir.join("real")).unwrap().count();
    assert_eq!(beside, 1, "no temporary file left beside the target");
}

// Item 3: temporary files left by a process that was killed.

/// The pid of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// The documented temporary name for a destination file name: FNV-1a (32 bits) of the name.
fn temp_name(dest_name: &str, pid: u32, n: u64) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in dest_name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!(".{hash:08x}.{pid}-{n}.pdfco-tmp")
}

#[test]
fn stale_temporary_files_of_dead_processes_are_removed_and_live_ones_kept() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let dead = dead_pid();
    let ours = std::process::id();
    // The names this crate's earlier versions used, and the current one.
    let old_dead = format!(".result.json.{dead}-0.pdfco-part");
    let new_dead = temp_name("result.json", dead, 3);
    let new_live = temp_name("result.json", ours, 999_999);
    let unrelated = format!(".notes.{dead}-0.txt");
    for name in [&old_dead, &new_dead, &new_live, &unrelated] {
        std::fs::write(dir.join(name), b"partial").unwrap();
    }
    client
        .run(&json())
        .input(SAMPLE)
        .save(dir.join("result.json"))
        .unwrap();
    let left = dir.files();
    assert!(!left.contains(&old_dead), "{left:?}");
    assert!(!left.contains(&new_dead), "{left:?}");
    assert!(
        left.contains(&new_live),
        "a live process's temporary is kept: {left:?}"
    );
    assert!(left.contains(&unrelated), "{left:?}");
    assert!(left.contains(&"result.json".to_string()));
}

#[test]
fn a_failed_download_leaves_no_temporary_file() {
    let (emulator, client) = common::setup_no_retry();
    let dir = TempDir::new();
    emulator.fail_next(
        pdfco::testing::Endpoint::Download,
        pdfco::testing::Fault::ResetBody,
    );
    let err = client
        .run(&json())
        .input(SAMPLE)
        .save(dir.join("out.json"))
        .unwrap_err();
    assert!(err.job_id().is_some(), "{err}");
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}

// Item 4: a sidecar path that holds a user's own file.

#[test]
fn skip_if_unchanged_refuses_to_overwrite_a_file_that_is_not_a_sidecar() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("out.json");
    let mine = dir.join("out.json.pdfco.json");
    std::fs::write(&mine, b"{\"my\": \"settings\"}").unwrap();
    let err = client
        .run(&json())
        .input(SAMPLE)
        .skip_if_unchanged(true)
        .save(&out)
        .unwrap_err();
    refused_before_any_request(&emulator, &err);
    assert_eq!(option_of(&err), Some("sidecar"), "{err}");
    assert_eq!(std::fs::read(&mine).unwrap(), b"{\"my\": \"settings\"}");

    // A sidecar the crate wrote is replaced as before.
    std::fs::remove_file(&mine).unwrap();
    let run = || {
        client
            .run(&json())
            .input(SAMPLE)
            .skip_if_unchanged(true)
            .save(&out)
            .unwrap()
    };
    assert!(!run().skipped());
    assert!(run().skipped());
    client
        .run(&json().pages("0"))
        .input(SAMPLE)
        .skip_if_unchanged(true)
        .save(&out)
        .unwrap();
}

// Item 9: output problems found before the paid job starts.

#[test]
fn a_trailing_slash_on_a_file_output_is_refused() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = format!("{}/out.json/", dir.path().display());
    let err = client.run(&json()).input(SAMPLE).save(&out).unwrap_err();
    refused_before_any_request(&emulator, &err);
    assert!(dir.files().is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_folder_that_cannot_be_written_is_found_before_any_request() {
    // /proc exists and is a folder, but no one (not even root) can create a file in it; a
    // chmod'ed folder would not stop root.
    let (emulator, client) = setup();
    let err = client
        .run(&json())
        .input(SAMPLE)
        .save("/proc/pdfco-out.json")
        .unwrap_err();
    refused_before_any_request(&emulator, &err);
    assert!(matches!(err, Error::WriteOutput { .. }), "{err}");

    let err = client
        .run(&Request::convert(OutputFormat::Png))
        .input(SAMPLE)
        .save("/proc/pdfco-pages")
        .unwrap_err();
    refused_before_any_request(&emulator, &err);

    let report = client
        .batch()
        .file(&json(), SAMPLE, "/proc/pdfco-out.json")
        .run(|_| {});
    refused_before_any_request(&emulator, report.items()[0].result().unwrap_err());
}

#[cfg(not(windows))]
#[test]
fn an_output_name_of_255_bytes_converts() {
    let (_emulator, client) = setup();
    let dir = TempDir::new();
    let name = format!("{}.json", "n".repeat(250));
    assert_eq!(name.len(), 255);
    let out = dir.join(&name);
    let report = client.run(&json()).input(SAMPLE).save(&out).unwrap();
    assert_eq!(report.bytes(), std::fs::metadata(&out).unwrap().len());
    assert_eq!(dir.files(), [name]);

    let sidecar_dir = TempDir::new();
    // The sidecar's own name is 12 bytes longer than the output's.
    let out = sidecar_dir.join(&format!("{}.json", "s".repeat(238)));
    client
        .run(&json())
        .input(SAMPLE)
        .skip_if_unchanged(true)
        .checkpoint(sidecar_dir.join(&format!("{}.job", "c".repeat(251))))
        .save(&out)
        .unwrap();
}

#[test]
fn a_checkpoint_path_that_cannot_be_written_is_refused_before_any_request() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    std::fs::create_dir(dir.join("folder")).unwrap();
    let bad = [
        dir.join("folder"),
        dir.join("missing/job"),
        dir.path().join("job/"),
    ];
    for checkpoint in bad {
        let err = client
            .run(&json())
            .input(SAMPLE)
            .checkpoint(&checkpoint)
            .save(dir.join("out.json"))
            .unwrap_err();
        refused_before_any_request(&emulator, &err);
        assert!(!dir.join("out.json").exists());
    }
    #[cfg(target_os = "linux")]
    {
        let err = client
            .run(&json())
            .input(SAMPLE)
            .checkpoint("/proc/pdfco-job")
            .save(dir.join("out.json"))
            .unwrap_err();
        refused_before_any_request(&emulator, &err);
    }
    assert_eq!(emulator.job_count(), 0);
}
