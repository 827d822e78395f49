//! Converts a PDF to JSON with reqwest's blocking client, the four steps written out:
//! `reqwest-min in.pdf out.json`, configured by `PDFCO_API_KEY` and `PDFCO_BASE_URL`.

use std::time::Duration;

use serde_json::{Value, json};

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        return Err("usage: reqwest-min <in.pdf> <out.json>".into());
    };
    let base = std::env::var("PDFCO_BASE_URL").unwrap_or_else(|_| "https://api.pdf.co/v1".into());
    let key = std::env::var("PDFCO_API_KEY")?;
    let http = reqwest::blocking::Client::builder().timeout(None).build()?;
    let name = std::path::Path::new(input).file_name().ok_or("no file name")?.to_string_lossy().into_owned();

    // 1. Upload: presign, then PUT the file (reqwest sends a File with its length).
    let presigned: Value = http
        .get(format!("{base}/file/upload/get-presigned-url"))
        .query(&[("name", name.as_str()), ("contenttype", "application/octet-stream")])
        .header("x-api-key", &key)
        .send()?
        .error_for_status()?
        .json()?;
    let put_url = presigned["presignedUrl"].as_str().ok_or("no presignedUrl")?;
    http.put(put_url)
        .header("content-type", "application/octet-stream")
        .body(std::fs::File::open(input)?)
        .send()?
        .error_for_status()?;

    // 2. Convert asynchronously.
    let out_name = std::path::Path::new(output).file_name().ok_or("no file name")?.to_string_lossy().into_owned();
    let started: Value = http
        .post(format!("{base}/pdf/convert/to/json"))
        .header("x-api-key", &key)
        .json(&json!({ "url": presigned["url"], "async": true, "name": out_name }))
        .send()?
        .error_for_status()?
        .json()?;
    if started["error"] == json!(true) {
        return Err(format!("refused: {}", started["message"]).into());
    }
    let job = started["jobId"].as_str().ok_or("no jobId")?;

    // 3. Wait, polling every 3 seconds as the tutorial does.
    let done = loop {
        let status: Value = http
            .get(format!("{base}/job/check"))
            .query(&[("jobid", job)])
            .header("x-api-key", &key)
            .send()?
            .error_for_status()?
            .json()?;
        match status["status"].as_str() {
            Some("success") => break status,
            Some("working") => std::thread::sleep(Duration::from_secs(3)),
            other => return Err(format!("job ended {other:?}").into()),
        }
    };

    // 4. Download, streaming into the file.
    let url = done["url"].as_str().or(started["url"].as_str()).ok_or("no result url")?;
    let mut response = http.get(url).send()?.error_for_status()?;
    let mut file = std::fs::File::create(output)?;
    std::io::copy(&mut response, &mut file)?;
    Ok(())
}
