//! The `pdfco` commands for families of endpoints (split, rotate, delete-pages, compress,
//! protect, unprotect, to-pdf, barcode), run against the emulator.
#![cfg(feature = "cli")]

mod common;

use common::cli::{code, page_count, pdfco, run, stderr};
use common::{SAMPLE, TempDir};
use pdfco::testing::Emulator;

/// The requests the emulator saw for `path`.
fn sent(emulator: &Emulator, path: &str) -> Vec<pdfco::testing::RecordedRequest> {
    let requests = emulator.requests().into_iter();
    requests.filter(|r| r.path == path).collect()
}

#[test]
fn every_command_has_help() {
    let emulator = Emulator::start().unwrap();
    for command in [
        "split",
        "rotate",
        "delete-pages",
        "compress",
        "protect",
        "unprotect",
        "to-pdf",
        "barcode",
    ] {
        let output = run(pdfco(&emulator).args(["help", command]));
        assert_eq!(
            code(output.status),
            0,
            "help {command}: {}",
            stderr(&output)
        );
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains(&format!("pdfco {command}")), "{text}");
        let output = run(pdfco(&emulator).args([command, "--help"]));
        assert_eq!(code(output.status), 0, "{command} --help");
        let output = run(pdfco(&emulator).arg("--help"));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains(&format!("pdfco {command} ")),
            "{command} in {text}"
        );
    }
}

#[test]
fn split_makes_one_file_per_one_based_range() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let parts = dir.join("parts");
    let output = run(pdfco(&emulator)
        .args(["split", SAMPLE])
        .arg(&parts)
        .args(["--pages", "1-2,3-"]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    let split = sent(&emulator, "/v1/pdf/split");
    assert_eq!(split[0].param("pages").as_deref(), Some("1-2,3-"));
    let mut names: Vec<_> = std::fs::read_dir(&parts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let pages: Vec<usize> = names.iter().map(|p| page_count(p)).collect();
    assert_eq!(pages, [2, 1], "{names:?}");

    let every = dir.join("every");
    let output = run(pdfco(&emulator)
        .args(["split", SAMPLE])
        .arg(&every)
        .args(["--pages", "*"]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    assert_eq!(std::fs::read_dir(&every).unwrap().count(), 3);
}

#[test]
fn page_bases_are_checked_before_anything_is_sent() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    for args in [
        vec!["split", SAMPLE, "parts", "--pages", "0-1"],
        vec!["split", SAMPLE, "parts"],
        vec!["delete-pages", SAMPLE, "out.pdf", "--pages", "0"],
        vec!["rotate", SAMPLE, "out.pdf", "--angle", "45"],
        vec!["rotate", SAMPLE, "out.pdf"],
        vec!["protect", SAMPLE, "out.pdf"],
        vec![
            "unprotect",
            SAMPLE,
            "out.pdf",
            "--password-env",
            "PDFCO_TEST_UNSET",
        ],
        vec!["to-pdf", "notes.unknown", "out.pdf"],
        vec!["barcode", "x", "out.png", "--type", "NoSuchSymbology"],
    ] {
        let output = run(pdfco(&emulator).current_dir(dir.path()).args(&args));
        assert_eq!(code(output.status), 2, "{args:?}: {}", stderr(&output));
    }
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
}

#[test]
fn rotate_and_delete_pages_edit_the_pdf() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let rotated = dir.join("rotated.pdf");
    let output = run(pdfco(&emulator)
        .args(["rotate", SAMPLE])
        .arg(&rotated)
        .args(["--angle", "90", "--pages", "0"]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    let doc = lopdf::Document::load(&rotated).unwrap();
    let first = doc.get_pages()[&1];
    let rotate = doc
        .get_dictionary(first)
        .unwrap()
        .get(b"Rotate")
        .and_then(|r| r.as_i64())
        .unwrap_or(0);
    assert_eq!(rotate, 90);
    let request = &sent(&emulator, "/v1/pdf/edit/rotate")[0];
    assert_eq!(request.param("angle").as_deref(), Some("90"));
    assert_eq!(request.param("pages").as_deref(), Some("0"));

    let fewer = dir.join("fewer.pdf");
    let output = run(pdfco(&emulator)
        .args(["delete-pages", SAMPLE])
        .arg(&fewer)
        .args(["--pages", "1"]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    assert_eq!(page_count(&fewer), 2);
}

#[test]
fn protect_then_unprotect_round_trips_with_passwords_from_the_environment() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let locked = dir.join("locked.pdf");
    let output = run(pdfco(&emulator)
        .env("OWNER_PW", "owner-s3cret")
        .env("USER_PW", "user-s3cret")
        .args(["protect", SAMPLE])
        .arg(&locked)
        .args([
            "--owner-password-env",
            "OWNER_PW",
            "--user-password-env",
            "USER_PW",
        ]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    assert!(!stderr(&output).contains("s3cret"), "{}", stderr(&output));
    assert!(lopdf::Document::load(&locked).unwrap().is_encrypted());

    let open = dir.join("open.pdf");
    let output = run(pdfco(&emulator)
        .env("PDF_PW", "user-s3cret")
        .arg("unprotect")
        .arg(&locked)
        .arg(&open)
        .args(["--password-env", "PDF_PW"]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    let doc = lopdf::Document::load(&open).unwrap();
    assert!(!doc.is_encrypted());
    assert_eq!(doc.get_pages().len(), 3);
}

#[test]
fn compress_and_to_pdf_and_barcode_save_their_files() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let small = dir.join("small.pdf");
    let output = run(pdfco(&emulator).args(["compress", SAMPLE]).arg(&small));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    assert_eq!(page_count(&small), 3);
    assert_eq!(sent(&emulator, "/v2/pdf/compress").len(), 1);

    let html = dir.join("note.html");
    std::fs::write(&html, "<h1>Quarterly</h1><p>report</p>").unwrap();
    let pdf = dir.join("note.pdf");
    let output = run(pdfco(&emulator).arg("to-pdf").arg(&html).arg(&pdf));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    assert_eq!(page_count(&pdf), 1);
    let request = &sent(&emulator, "/v1/pdf/convert/from/html")[0];
    assert!(
        request
            .param("html")
            .unwrap_or_default()
            .contains("Quarterly")
    );

    let png = dir.join("code.png");
    let output = run(pdfco(&emulator)
        .args(["barcode", "ABC-123"])
        .arg(&png)
        .args(["--type", "Code128"]));
    assert_eq!(code(output.status), 0, "{}", stderr(&output));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let request = &sent(&emulator, "/v1/barcode/generate")[0];
    assert_eq!(request.param("type").as_deref(), Some("Code128"));
    assert_eq!(request.param("value").as_deref(), Some("ABC-123"));
}
