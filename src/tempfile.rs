//! Temporary files: written next to a destination, renamed into place when complete, removed
//! on every error path; registered process-wide so that a program about to exit can remove
//! them ([`remove_temporary_files`]); and recognisable by name, so that a later write into
//! the same folder removes those a killed process left behind.
//!
//! A name is `.{hash}.{pid}-{counter}.pdfco-tmp`: eight hex digits of the FNV-1a hash of the
//! destination's file name, the process id and a counter. It stays short whatever the
//! destination's name, so a destination name as long as the file system allows never fails
//! because of its temporary.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// The end of every temporary file's name.
const SUFFIX: &str = ".pdfco-tmp";

/// The end of the names earlier versions of the crate used (`.{name}.{pid}-{n}.pdfco-part`).
const OLD_SUFFIX: &str = ".pdfco-part";

/// Where processes cannot be asked about (no `/proc`), a temporary this old is stale.
const STALE_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Makes temporary file names unique within the process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The temporary files this process has open, and whether it is exiting.
static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    open: Vec::new(),
    closing: false,
});

struct Registry {
    open: Vec<PathBuf>,
    closing: bool,
}

fn registry() -> MutexGuard<'static, Registry> {
    // A panic elsewhere while holding the lock leaves the list usable.
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every temporary file this process's `pdfco` code has open (downloads, page sets,
/// checkpoint and sidecar writes), and makes every later attempt to create one fail with an
/// I/O error. Destinations are left as they were: a result that had not been renamed into
/// place yet is not written.
///
/// A library cannot catch signals. A program that handles SIGINT or SIGTERM calls this when
/// it is about to exit, then exits, for instance `std::process::exit(130)`. Conversions still
/// running on other threads then fail with [`Error::WriteOutput`](crate::Error::WriteOutput).
///
/// It takes a lock and removes files, so it is **not async-signal-safe**: call it from an
/// ordinary thread that waits for signals (as `signal-hook`'s iterator or `ctrlc` run their
/// handlers), never from inside a signal handler.
///
/// Temporaries left by a process killed without calling it (`SIGKILL`, a power cut) are
/// removed by a later download into the same folder, once their process is gone: on Linux
/// when `/proc` no longer lists it, elsewhere when they are a day old.
///
/// # Example
///
/// ```no_run
/// // In a thread that waits for SIGINT/SIGTERM (signal-hook's iterator, ctrlc, ...):
/// pdfco::remove_temporary_files();
/// std::process::exit(130);
/// ```
pub fn remove_temporary_files() {
    let mut registry = registry();
    registry.closing = true;
    for path in registry.open.drain(..) {
        let _ = fs::remove_file(path);
    }
}

/// A temporary file next to a destination, removed on drop unless it was renamed into place.
#[derive(Debug)]
pub(crate) struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    /// Creates a new temporary file in `dest`'s folder.
    ///
    /// # Errors
    ///
    /// When the folder cannot be written, or the process is exiting.
    pub(crate) fn create(dest: &Path) -> io::Result<(TempFile, File)> {
        let dir = std::path::absolute(parent_dir(dest))?;
        let hash = fnv1a(name_of(dest).as_encoded_bytes());
        let pid = std::process::id();
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".{hash:08x}.{pid}-{n}{SUFFIX}"));
            // Created and registered under the lock, so that remove_temporary_files either
            // sees it or stops it from being made.
            let mut registry = registry();
            if registry.closing {
                return Err(io::Error::other(
                    "the program is exiting: no more temporary files are made",
                ));
            }
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    registry.open.push(path.clone());
                    return Ok((TempFile { path, keep: false }, file));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Renames the file onto `dest`.
    ///
    /// # Errors
    ///
    /// When the rename fails, or the process is exiting (the file is already gone then).
    pub(crate) fn persist(mut self, dest: &Path) -> io::Result<()> {
        let mut registry = registry();
        if registry.closing {
            return Err(io::Error::other(
                "the program is exiting: the result was not put in place",
            ));
        }
        fs::rename(&self.path, dest)?;
        self.keep = true;
        registry.open.retain(|p| *p != self.path);
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let mut registry = registry();
            registry.open.retain(|p| *p != self.path);
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Checks that a file can be created next to `dest`: creates a temporary there and removes
/// it. Stale temporaries of processes that are gone are removed from the folder first.
///
/// # Errors
///
/// When the folder cannot be written (read-only, no permission, missing).
pub(crate) fn probe(dest: &Path) -> io::Result<()> {
    remove_stale(parent_dir(dest));
    TempFile::create(dest).map(drop)
}

/// Removes the temporaries in `dir` that processes which are gone left behind (this crate's
/// name forms only; regular files only). Best effort: errors are ignored.
pub(crate) fn remove_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let own = std::process::id();
    let proc_fs = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        if pid == own {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let gone = if proc_fs {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            meta.modified()
                .ok()
                .and_then(|at| SystemTime::now().duration_since(at).ok())
                .is_some_and(|age| age > STALE_AGE)
        };
        if gone && meta.is_file() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file's name, if the name is one of this crate's.
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (rest, old) = match rest.strip_suffix(SUFFIX) {
        Some(rest) => (rest, false),
        None => (rest.strip_suffix(OLD_SUFFIX)?, true),
    };
    let (prefix, id) = rest.rsplit_once('.')?;
    let (pid, n) = id.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let prefix_ok = if old {
        !prefix.is_empty()
    } else {
        prefix.len() == 8 && prefix.bytes().all(|b| b.is_ascii_hexdigit())
    };
    (prefix_ok && digits(pid) && digits(n)).then(|| pid.parse().ok())?
}

/// The folder a destination file goes in (`.` for a bare file name).
pub(crate) fn parent_dir(dest: &Path) -> &Path {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn name_of(dest: &Path) -> &std::ffi::OsStr {
    dest.file_name().unwrap_or_default()
}

/// FNV-1a, 32 bits: a short, stable tag of a destination's name.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash: u32, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pdfco-tmp-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn names_are_short_and_recognisable() {
        let dir = folder("names");
        let dest = dir.join("x".repeat(255));
        let (temp, _file) = TempFile::create(&dest).unwrap();
        let name = temp.path.file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.len() < 40, "{name}");
        assert_eq!(temp_pid(&name), Some(std::process::id()));
        assert!(registry().open.contains(&temp.path));
        drop(temp);
        assert!(
            fs::read_dir(&dir).unwrap().next().is_none(),
            "removed on drop"
        );
        assert!(!registry().open.iter().any(|p| p.starts_with(&dir)));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_this_crates_names_are_temporaries() {
        assert_eq!(temp_pid(".0123abcd.42-7.pdfco-tmp"), Some(42));
        assert_eq!(temp_pid(".out.json.42-0.pdfco-part"), Some(42));
        for other in [
            "0123abcd.42-7.pdfco-tmp",
            ".0123abcz.42-7.pdfco-tmp",
            ".0123abcd.42-.pdfco-tmp",
            ".0123abcd.x42-1.pdfco-tmp",
            ".0123abcd.42-1.tmp",
            ".42-0.pdfco-part",
            "out.json",
        ] {
            assert_eq!(temp_pid(other), None, "{other}");
        }
    }

    #[test]
    fn a_persisted_file_is_deregistered_and_in_place() {
        let dir = folder("persist");
        let dest = dir.join("out");
        let (temp, file) = TempFile::create(&dest).unwrap();
        let path = temp.path.clone();
        drop(file);
        temp.persist(&dest).unwrap();
        assert!(dest.is_file());
        assert!(!registry().open.contains(&path));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_probe_fails_in_a_missing_folder_and_leaves_nothing() {
        let dir = folder("probe");
        probe(&dir.join("out")).unwrap();
        assert!(fs::read_dir(&dir).unwrap().next().is_none());
        assert!(probe(&dir.join("missing/out")).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
