//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test file uses a different subset

pub mod cli;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use pdfco::Client;
use pdfco::testing::{Emulator, Host, RecordedRequest};

pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sample.pdf");
pub const ENCRYPTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/encrypted.pdf");
pub const NOT_PDF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/not-a-pdf.pdf");

/// A temporary folder removed on drop (no tempfile dependency).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "pdfco-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names of the files in the folder, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An emulator and a client pointed at it (with fast retries).
pub fn setup() -> (Emulator, Client) {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    (emulator, client)
}

/// Uploads the sample and starts an asynchronous JSON conversion of it.
pub fn start_job(client: &Client) -> pdfco::Job {
    let file = client.upload(SAMPLE).unwrap();
    let request = pdfco::Request::convert(pdfco::OutputFormat::Json);
    match client.start(&request.clone().url(file.url())).unwrap() {
        pdfco::Conversion::Started(job) => job,
        other => panic!("expected a job, got {other:?}"),
    }
}

/// An emulator and a client that does not retry, to see each refusal as it comes.
pub fn setup_no_retry() -> (Emulator, Client) {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .retry(pdfco::RetryPolicy::disabled())
        .build()
        .unwrap();
    (emulator, client)
}

pub fn on(emulator: &Emulator, host: Host) -> Vec<RecordedRequest> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == host)
        .collect()
}

/// Asserts that no text made from an error or value holds a secret.
pub fn assert_clean(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !secret.is_empty() && !text.contains(secret),
            "secret {secret:?} leaked in {text}"
        );
    }
    assert!(
        !text.contains("X-Amz-Signature=") || text.contains("X-Amz-Signature=***"),
        "signature leaked in {text}"
    );
}

/// The `X-Amz-Signature` value of a URL.
pub fn signature(url: &str) -> String {
    url.split("X-Amz-Signature=")
        .nth(1)
        .unwrap_or("")
        .split('&')
        .next()
        .unwrap_or("")
        .to_string()
}

/// The `#text` values of a PDF.co JSON document's page (object or array forms alike).
pub fn page_texts(doc: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    fn many(v: &serde_json::Value) -> Vec<&serde_json::Value> {
        match v {
            serde_json::Value::Array(items) => items.iter().collect(),
            serde_json::Value::Null => Vec::new(),
            other => vec![other],
        }
    }
    many(&doc["document"]["page"])
        .into_iter()
        .map(|page| {
            let texts = many(&page["row"])
                .into_iter()
                .flat_map(|row| many(&row["column"]))
                .filter_map(|col| col["text"]["#text"].as_str().map(str::to_string))
                .collect();
            (page["@index"].as_str().unwrap_or("").to_string(), texts)
        })
        .collect()
}

/// The worksheet names of an XLSX file (entries are stored uncompressed by the emulator,
/// but this reads the workbook part through the ZIP directory like any reader would).
pub fn xlsx_sheet_names(bytes: &[u8]) -> Vec<String> {
    let workbook = zip_entry(bytes, "xl/workbook.xml").expect("xl/workbook.xml in the archive");
    let text = String::from_utf8(workbook).unwrap();
    text.split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

/// One stored entry of a ZIP archive, found through its central directory.
pub fn zip_entry(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at = |i: usize| {
        u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize
    };
    let end = (0..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let (count, mut at) = (u16_at(end + 10), u32_at(end + 16));
    for _ in 0..count {
        let (method, size, name_len) = (u16_at(at + 10), u32_at(at + 20), u16_at(at + 28));
        let extra = u16_at(at + 30) + u16_at(at + 32);
        let local = u32_at(at + 42);
        let entry = &bytes[at + 46..at + 46 + name_len];
        if entry == name.as_bytes() {
            assert_eq!(method, 0, "stored entry");
            let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            return Some(bytes[data..data + size].to_vec());
        }
        at += 46 + name_len + extra;
    }
    None
}
