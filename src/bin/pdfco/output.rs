//! What the tool prints: results on stdout, progress and reports on stderr (timestamped
//! lines, or transfer bars on a terminal).

use std::io::{self, IsTerminal, Write};

use pdfco::Progress;

use crate::{Failure, Stop};

/// A line on stderr. Progress and reports are best effort: if stderr is closed or full there
/// is nowhere to say so.
pub(crate) fn note(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// A timestamped progress line on stderr, as PDF.co's tutorials print them.
pub(crate) fn progress(line: std::fmt::Arguments<'_>) {
    note(format_args!("{}: {line}", timestamp()));
}

/// A line of the command's result on stdout; failing to write it fails the command.
pub(crate) fn out(line: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(Failure::Stdout)
}

/// The time of day (`HH:MM.SS`, UTC), as the tutorials print it.
pub(crate) fn timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        % 86_400;
    format!(
        "{:02}:{:02}.{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Prints a run's progress on stderr and notes the job it starts, for the signal handler.
/// On a terminal, uploads and downloads are shown as a bar redrawn in place; otherwise (a
/// pipe, a file) every event is a timestamped line and transfers only say when they end.
pub(crate) fn reporter(stop: &Stop) -> impl FnMut(Progress<'_>) + Send + '_ {
    let mut bars = Bars::new(io::stderr().is_terminal());
    move |event| match event {
        Progress::Uploading { sent, total } => bars.draw("upload", sent, Some(total)),
        Progress::Uploaded { bytes } => {
            if bars.on {
                bars.draw("upload", bytes, Some(bytes));
                bars.end();
            } else {
                progress(format_args!("uploaded {bytes} bytes"));
            }
        }
        Progress::Downloading { received } => bars.draw("download", received, None),
        Progress::Started(started) => {
            if let Ok(mut slot) = stop.job.lock() {
                *slot = Some(started.id().to_string());
            }
            bars.end();
            progress(format_args!("job {}", started.id()));
        }
        Progress::Status(status) => {
            bars.end();
            progress(format_args!("{}", status.state()));
        }
    }
}

/// The transfer bar of a terminal: redrawn in place with `\r`, ended with a newline before
/// any other line. Off (drawing nothing) when stderr is not a terminal.
pub(crate) struct Bars {
    on: bool,
    /// Whether a bar is on the current line.
    open: bool,
}

impl Bars {
    pub(crate) fn new(on: bool) -> Bars {
        Bars { on, open: false }
    }

    pub(crate) fn draw(&mut self, label: &str, done: u64, total: Option<u64>) {
        if self.on {
            let mut stderr = io::stderr().lock();
            let _ = write!(stderr, "\r{}\x1b[K", bar(label, done, total, 30));
            let _ = stderr.flush();
            self.open = true;
        }
    }

    /// Ends the line of a bar, if one is drawn.
    pub(crate) fn end(&mut self) {
        if std::mem::take(&mut self.open) {
            note(format_args!(""));
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        self.end();
    }
}

/// One line of a transfer bar: `upload   [#####-----]  50% 1.0 KiB / 2.0 KiB`, `width`
/// characters of bar; just the label and the bytes when the total is not known.
pub(crate) fn bar(label: &str, done: u64, total: Option<u64>, width: usize) -> String {
    let Some(total) = total else {
        return format!("{label} {}", size(done));
    };
    let share = if total == 0 {
        1.0
    } else {
        (done as f64 / total as f64).min(1.0)
    };
    let filled = ((share * width as f64).round() as usize).min(width);
    format!(
        "{label:<8} [{}{}] {:>3}% {} / {}",
        "#".repeat(filled),
        "-".repeat(width - filled),
        (share * 100.0).floor() as u32,
        size(done),
        size(total)
    )
}

/// A byte count for people: `512 B`, `1.5 KiB`, `3.0 MiB`, `1.2 GiB`.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Says what a run saved.
pub(crate) fn saved(report: &pdfco::Report) {
    if report.skipped() {
        progress(format_args!("{} is up to date", report.path().display()));
        return;
    }
    progress(format_args!(
        "saved {} ({} file{}, {} bytes{})",
        report.path().display(),
        report.paths().len(),
        if report.paths().len() == 1 { "" } else { "s" },
        report.bytes(),
        report
            .remaining_credits()
            .map_or(String::new(), |c| format!(", {c} credits left"))
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_the_share_done_and_the_bytes() {
        assert_eq!(
            bar("upload", 1024, Some(4096), 20),
            "upload   [#####---------------]  25% 1.0 KiB / 4.0 KiB"
        );
        assert_eq!(
            bar("upload", 0, Some(0), 10),
            "upload   [##########] 100% 0 B / 0 B"
        );
        assert_eq!(
            bar("download", 5 * 1024 * 1024 + 512 * 1024, None, 10),
            "download 5.5 MiB"
        );
        // More than announced (a file that grew) stays within the bar.
        assert_eq!(
            bar("upload", 300, Some(200), 4),
            "upload   [####] 100% 300 B / 200 B"
        );
        assert!(!bar("upload", 7, Some(9), 30).contains('\r'));
    }
}
