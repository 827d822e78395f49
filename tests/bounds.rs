//! Nothing lost at the edges: every request is bounded as a whole, odd inputs are refused
//! before they can block, and failures that cannot heal are not retried.
//!
//! Each test runs the client under a watchdog, so a hang is a failure, not a stuck run.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use common::{SAMPLE, TempDir};
use pdfco::testing::{Emulator, Endpoint, Fault, Host};
use pdfco::{Error, RetryPolicy, Step};

/// Runs `f` on a thread and returns its result, failing the test if it takes longer than
/// `secs` seconds (the thread is left behind; the test process ends anyway).
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("{what} did not return within {secs} s"))
}

/// A client with short bounds, so that each bound fires in about a second.
fn quick(emulator: &Emulator) -> pdfco::ClientBuilder {
    emulator
        .client_builder()
        .timeout_connect(Duration::from_secs(1))
        .timeout_response(Duration::from_secs(1))
        .timeout_stall(Duration::from_secs(1))
}

/// Reads a request head (up to the empty line) from `stream`.
fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    head
}

/// A presign answer that sends the upload to `presigned` instead of the emulator's storage.
fn presign_to(presigned: &str) -> Fault {
    Fault::Body {
        status: 200,
        content_type: "application/json".into(),
        body: format!(
            "{{\"presignedUrl\": \"{presigned}\", \"url\": \"{presigned}\", \"error\": false, \"status\": 200, \"name\": \"x.pdf\"}}"
        ),
    }
}

#[test]
fn a_job_check_answer_that_trickles_is_cut_off_at_the_response_timeout() {
    let emulator = Emulator::start().unwrap();
    let client = quick(&emulator)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let job = common::start_job(&client);
    // A job check answer of about 150 bytes at one byte per 400 ms would take a minute; each
    // byte comes well within the stall timeout, so only a bound on the whole answer ends it.
    emulator.fail_next(
        Endpoint::JobCheck,
        Fault::Trickle {
            bytes: 1,
            pause: Duration::from_millis(400),
        },
    );
    let id = job.id().to_string();
    let err = within(20, "a trickled job check", move || client.check(&id)).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        matches!(
            &err,
            Error::Transport {
                step: Step::JobCheck,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_shrinking_input_file_fails_the_attempt_instead_of_spinning() {
    let emulator = Emulator::start().unwrap();
    let dir = TempDir::new();
    let input = dir.join("big.pdf");
    std::fs::write(&input, vec![b'x'; 16 * 1024 * 1024]).unwrap();
    // Storage that, once the upload's head has arrived, truncates the file being sent (as
    // another process might), then reads whatever comes.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/bucket/big.pdf", listener.local_addr().unwrap());
    let truncate = input.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            read_head(&mut stream);
            std::fs::OpenOptions::new()
                .write(true)
                .open(&truncate)
                .and_then(|f| f.set_len(1000))
                .unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
            let _ = std::io::copy(&mut stream, &mut std::io::sink());
        }
    });
    emulator.fail_next(Endpoint::Presign, presign_to(&url));
    let client = quick(&emulator)
        .timeout_stall(Duration::from_secs(10))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = within(20, "an upload of a shrinking file", move || {
        client.upload(&input)
    })
    .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Transport {
                step: Step::Upload,
                ..
            }
        ),
        "{err:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_input_is_refused_before_any_request() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    let fifo = dir.join("input.pdf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (a, b) = (client.clone(), fifo.clone());
    let err = within(20, "an upload from a FIFO", move || a.upload(&b)).unwrap_err();
    assert!(matches!(&err, Error::ReadInput { .. }), "{err:?}");
    assert!(err.is_local(), "{err:?}");
    let out = dir.join("out.json");
    let err = within(20, "a conversion of a FIFO", move || {
        client
            .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
            .input(&fifo)
            .save(&out)
    })
    .unwrap_err();
    assert!(matches!(&err, Error::ReadInput { .. }), "{err:?}");
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
}

#[test]
fn an_upload_to_a_port_that_accepts_and_never_answers_is_bounded() {
    let emulator = Emulator::start().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/bucket/x.pdf", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(stream); // never read, never answered, never closed
        }
    });
    emulator.fail_next(Endpoint::Presign, presign_to(&url));
    let client = quick(&emulator)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = within(20, "an upload to a silent port", move || {
        client.upload(SAMPLE)
    })
    .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn tls_to_a_plain_http_port_is_tried_once() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let client = pdfco::Client::builder("key")
        .base_url(format!("https://127.0.0.1:{port}/v1"))
        .retry(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    let err = within(20, "a TLS request to plain HTTP", move || client.balance()).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Transport {
                step: Step::Balance,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "a TLS failure is not retried: {err:?}"
    );
}

#[test]
fn an_api_key_with_a_control_character_is_refused_up_front() {
    let secret = "abc\ndef-SECRET";
    let err = pdfco::Client::builder(secret).build().unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("PDFCO_API_KEY"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
    assert!(err.is_local(), "{err:?}");
    let tab = pdfco::Client::builder("abc\tdef").build().unwrap_err();
    assert!(tab.to_string().contains("control character"), "{tab}");
}

#[test]
fn a_download_below_the_minimum_throughput_times_out_and_resumes() {
    let emulator = Emulator::start().unwrap();
    // 16 bytes every 100 ms is 160 bytes a second: never a stall, always too slow.
    let trickle = Fault::Trickle {
        bytes: 16,
        pause: Duration::from_millis(100),
    };
    let dir = TempDir::new();

    let strict = quick(&emulator)
        .min_throughput(4096, Duration::from_secs(1))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    emulator.fail_next(Endpoint::Download, trickle.clone());
    let out = dir.join("strict.json");
    let err = within(20, "a trickled download", move || {
        strict
            .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
            .input(SAMPLE)
            .save(&out)
    })
    .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.job_id().is_some(), "{err:?}");
    assert!(dir.files().is_empty(), "{:?}", dir.files());

    emulator.clear_requests();
    let client = quick(&emulator)
        .min_throughput(4096, Duration::from_secs(1))
        .build()
        .unwrap();
    emulator.fail_next(Endpoint::Download, trickle);
    let out = dir.join("resumed.json");
    let report = within(20, "a trickled download with retries", move || {
        client
            .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
            .input(SAMPLE)
            .save(&out)
    })
    .unwrap();
    let gets: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Storage && r.method == "GET")
        .collect();
    assert_eq!(gets.len(), 2, "{gets:?}");
    let range = gets[1].header("range").expect("the second GET resumes");
    let from: u64 = range
        .trim_start_matches("bytes=")
        .trim_end_matches('-')
        .parse()
        .unwrap();
    assert!(from > 0 && from < report.bytes(), "{range}");
    let written = std::fs::read(dir.join("resumed.json")).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&written).is_ok());
}

#[test]
fn a_result_sent_with_a_content_encoding_is_refused_and_not_saved() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let dir = TempDir::new();
    let dest = dir.join("result.json");
    std::fs::write(&dest, b"earlier").unwrap();
    emulator.fail_next(Endpoint::Download, Fault::ContentEncoding("gzip".into()));
    let err = client
        .run(&pdfco::Request::convert(pdfco::OutputFormat::Json))
        .input(SAMPLE)
        .save(&dest)
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Decode {
                step: Step::Download,
                detail,
                ..
            } if detail.contains("gzip")
        ),
        "{err:?}"
    );
    assert!(err.job_id().is_some(), "{err:?}");
    assert_eq!(std::fs::read(&dest).unwrap(), b"earlier");
    assert_eq!(dir.files(), ["result.json"]);
    let gets = emulator
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Storage && r.method == "GET")
        .count();
    assert_eq!(gets, 1, "an encoding does not go away when asked again");

    // In memory too; `identity` is no encoding at all.
    let job = common::start_job(&client);
    let done = client.wait(&job, |_| {}).unwrap();
    emulator.fail_next(Endpoint::Download, Fault::ContentEncoding("br".into()));
    let read_json = |done| client.download(done, pdfco::Destination::memory())?.json();
    assert!(matches!(read_json(&done), Err(Error::Decode { .. })));
    emulator.fail_next(
        Endpoint::Download,
        Fault::ContentEncoding("identity".into()),
    );
    assert!(read_json(&done).is_ok());
}

#[test]
fn a_job_check_answer_with_a_content_encoding_is_refused() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let job = common::start_job(&client);
    emulator.fail_next(Endpoint::JobCheck, Fault::ContentEncoding("gzip".into()));
    let err = client.check(job.id()).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Decode {
                step: Step::JobCheck,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_storage_refusal_whose_body_trickles_is_cut_off() {
    // A result link whose storage answers 403 and then sends its XML a byte at a time.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/bucket/r.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            read_head(&mut stream);
            let body = "<Error><Code>AccessDenied</Code></Error>".repeat(4);
            let head = format!(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            for byte in body.bytes() {
                if stream.write_all(&[byte]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(300));
            }
        }
    });
    let emulator = Emulator::start().unwrap();
    let client = quick(&emulator)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let dir = TempDir::new();
    let dest = dir.join("r.json");
    let err = within(20, "a trickled storage refusal", move || {
        client.download(url.as_str(), &dest)
    })
    .unwrap_err();
    assert!(
        matches!(&err, Error::Storage { status: 403, .. }),
        "{err:?}"
    );
    assert!(dir.files().is_empty());
}
