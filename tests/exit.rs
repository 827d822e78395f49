//! `remove_temporary_files`, as a program's signal handler calls it just before exiting. It
//! stops the whole process from making temporary files, so it has a test binary of its own.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::{SAMPLE, TempDir, setup};
use pdfco::testing::{Endpoint, Fault};
use pdfco::{Error, OutputFormat, Progress, Request};

/// A watchdog: a hang becomes a failure.
const WATCHDOG: Duration = Duration::from_secs(20);

#[test]
fn removing_temporary_files_mid_download_leaves_nothing_and_stops_new_ones() {
    let (emulator, client) = setup();
    let dir = TempDir::new();
    let out = dir.join("out.json");
    // Half the result arrives, then storage sends nothing for a while: long enough that
    // even a loaded machine looks at the folder before the rest arrives.
    emulator.fail_next(Endpoint::Download, Fault::Stall(Duration::from_secs(10)));
    let (downloading, receiving) = mpsc::channel();
    let (send, finished) = mpsc::channel();
    {
        let (client, out) = (client.clone(), out.clone());
        std::thread::spawn(move || {
            let request = Request::convert(OutputFormat::Json);
            let result = client
                .run(&request)
                .input(SAMPLE)
                .on_progress(|p| {
                    if let Progress::Downloading { received } = p {
                        let _ = downloading.send(received);
                    }
                })
                .save(&out);
            let _ = send.send(result);
        });
    }
    let received = receiving
        .recv_timeout(WATCHDOG)
        .expect("the download started");
    assert!(received > 0);
    let temporaries = dir.files();
    assert_eq!(temporaries.len(), 1, "one temporary file: {temporaries:?}");
    assert!(temporaries[0].ends_with(".pdfco-tmp"), "{temporaries:?}");

    pdfco::remove_temporary_files();
    assert!(dir.files().is_empty(), "removed: {:?}", dir.files());

    let result = finished
        .recv_timeout(WATCHDOG)
        .expect("the conversion ends");
    let err = result.unwrap_err();
    assert!(matches!(err, Error::WriteOutput { .. }), "{err}");
    assert!(err.job_id().is_some(), "the paid job can be resumed: {err}");
    assert!(
        dir.files().is_empty(),
        "no result, no temporary: {:?}",
        dir.files()
    );

    // Nothing new is made afterwards: the check before any request already fails.
    emulator.clear_requests();
    let err = client
        .run(&Request::convert(OutputFormat::Json))
        .input(SAMPLE)
        .save(&out)
        .unwrap_err();
    assert!(matches!(err, Error::WriteOutput { .. }), "{err}");
    assert!(emulator.requests().is_empty());
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}
