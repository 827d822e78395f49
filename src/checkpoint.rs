//! Checkpoint files: a started job written down before waiting, so that running the same
//! conversion again continues the paid job instead of starting a new one.

use std::io::{self, Read};
use std::path::Path;

use serde_json::{Value, json};

use crate::download::{Target, ends_with_separator, same_file, target, write_atomically};
use crate::tempfile::{self, parent_dir};
use crate::{Error, Job};

/// The most of an existing file read to tell whether it is one of the crate's own.
const OWN_FILE_LIMIT: u64 = 1024 * 1024;

/// Checks, before any request, that the crate may write its own small file (`kind`:
/// `"checkpoint"` or `"sidecar"`) at `path`: a file path that is none of `others` (the input,
/// the output, ...; also through links), not a folder, either absent or a file the crate
/// wrote as that kind (its JSON says `"pdfco": kind`), in a folder that exists and can be
/// written.
///
/// # Errors
///
/// [`Error::InvalidOption`] (option `kind`) when the path is taken by something else;
/// [`Error::WriteOutput`] when its folder is missing or cannot be written.
pub(crate) fn check_own_file(
    path: &Path,
    kind: &'static str,
    others: &[(&Path, &str)],
) -> Result<(), Error> {
    let refuse = |reason: String| Error::InvalidOption {
        option: kind,
        reason: format!("{}: {reason}", path.display()),
    };
    if path.file_name().is_none() || ends_with_separator(path) {
        return Err(refuse("not a file path".to_string()));
    }
    for (other, what) in others {
        if same_file(path, other) {
            return Err(refuse(format!("it is {what}")));
        }
    }
    let fail = |source| Error::WriteOutput {
        path: path.to_path_buf(),
        job_id: None,
        source,
    };
    let resolved = match target(path) {
        Ok(Target::Replace { path, permissions }) => {
            if permissions.is_some() && !is_own(&path, kind) {
                return Err(refuse(format!(
                    "a file is there that pdfco did not write as a {kind}; \
                     choose another path or remove the file"
                )));
            }
            path
        }
        Ok(Target::Through(_)) => return Err(refuse("not a regular file".to_string())),
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => return Err(refuse(e.to_string())),
        Err(e) => return Err(fail(e)),
    };
    if !parent_dir(&resolved).is_dir() {
        return Err(fail(io::Error::new(
            io::ErrorKind::NotFound,
            "folder does not exist",
        )));
    }
    tempfile::probe(&resolved).map_err(|e| {
        fail(io::Error::new(
            e.kind(),
            format!("the folder cannot be written: {e}"),
        ))
    })
}

/// Whether the regular file at `path` is one the crate wrote as `kind`.
fn is_own(path: &Path, kind: &str) -> bool {
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(OWN_FILE_LIMIT).read_to_end(&mut bytes));
    read.is_ok()
        && serde_json::from_slice::<Value>(&bytes)
            .is_ok_and(|value| value.get("pdfco").and_then(Value::as_str) == Some(kind))
}

/// What a conversion is, for telling whether a checkpoint or a sidecar belongs to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// The SHA-256 of the input (its content, or the text of a URL); `None` for a reader.
    pub(crate) input: Option<String>,
    /// Everything in the request that shapes the result.
    pub(crate) request: String,
}

impl Stamp {
    /// Whether `other` describes the same conversion; a stamp without an input hash
    /// matches nothing.
    pub(crate) fn matches(&self, input: Option<&str>, request: Option<&str>) -> bool {
        self.input.is_some() && self.input.as_deref() == input && Some(&*self.request) == request
    }
}

/// A started job as written in a checkpoint file.
pub(crate) struct Checkpoint {
    pub(crate) job_id: String,
    pub(crate) result_url: Option<String>,
}

impl Checkpoint {
    /// The checkpoint at `path` if it exists, is readable and belongs to `stamp` and
    /// `output`; a checkpoint of another conversion is ignored and will be overwritten by
    /// the next job (only the crate's own checkpoints get this far: see [`check_own_file`]).
    pub(crate) fn load(path: &Path, stamp: &Stamp, output: &Path) -> Option<Checkpoint> {
        let bytes = std::fs::read(path).ok()?;
        let value: Value = serde_json::from_slice(&bytes).ok()?;
        let text = |name: &str| value.get(name).and_then(Value::as_str);
        if text("output") != Some(&*output.to_string_lossy())
            || !stamp.matches(text("input"), text("request"))
        {
            return None;
        }
        let saved = Checkpoint {
            job_id: text("jobId").filter(|id| !id.is_empty())?.to_string(),
            result_url: text("url").map(str::to_string),
        };
        log::info!(
            target: "pdfco::checkpoint",
            "resuming job {} from {}",
            saved.job_id,
            path.display()
        );
        Some(saved)
    }

    /// Writes the started `job` to `path` (readable by the owner only, since the result URL
    /// is signed), atomically.
    pub(crate) fn save(path: &Path, stamp: &Stamp, output: &Path, job: &Job) -> Result<(), Error> {
        let value = json!({
            "pdfco": "checkpoint",
            "jobId": job.id(),
            "url": job.result_url(),
            "input": stamp.input,
            "request": stamp.request,
            "output": output.to_string_lossy(),
        });
        let bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
        write_atomically(path, &bytes, true).map_err(|source| Error::WriteOutput {
            path: path.to_path_buf(),
            job_id: Some(job.id().to_string()),
            source,
        })?;
        log::info!(
            target: "pdfco::checkpoint",
            "job {} saved to {}",
            job.id(),
            path.display()
        );
        Ok(())
    }

    /// Removes the checkpoint at `path`; a missing one is fine.
    pub(crate) fn remove(path: &Path) {
        let _ = std::fs::remove_file(path);
    }
}

/// Whether a failure means the checkpointed job can never be used again: it ended without a
/// result, or its result is gone from storage.
pub(crate) fn is_lost(error: &Error) -> bool {
    matches!(error, Error::JobFailed { .. })
        || matches!(
            error,
            Error::Storage {
                status: 403 | 404,
                ..
            }
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(input: Option<&str>) -> Stamp {
        Stamp {
            input: input.map(str::to_string),
            request: "{\"async\":true}".to_string(),
        }
    }

    #[test]
    fn a_checkpoint_loads_only_for_the_same_conversion() {
        let dir = std::env::temp_dir().join(format!("pdfco-cp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("job.json");
        let out = Path::new("out.json");
        let job = Job::resume("J1", Some("https://s/r.json?X-Amz-Signature=s".into()));
        Checkpoint::save(&path, &stamp(Some("abc")), out, &job).unwrap();

        let loaded = Checkpoint::load(&path, &stamp(Some("abc")), out).unwrap();
        assert_eq!(loaded.job_id, "J1");
        assert_eq!(loaded.result_url.as_deref(), job.result_url());
        assert!(Checkpoint::load(&path, &stamp(Some("abd")), out).is_none());
        assert!(Checkpoint::load(&path, &stamp(Some("abc")), Path::new("x.json")).is_none());
        assert!(Checkpoint::load(&path, &stamp(None), out).is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, b"{ not json").unwrap();
        assert!(Checkpoint::load(&path, &stamp(Some("abc")), out).is_none());
        Checkpoint::remove(&path);
        assert!(!path.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(test)]
mod own_file_tests {
    use super::*;

    #[test]
    fn only_absent_files_and_the_crates_own_kind_may_be_written() {
        let dir = std::env::temp_dir().join(format!("pdfco-own-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("job");
        check_own_file(&path, "checkpoint", &[]).unwrap();
        std::fs::write(&path, br#"{"pdfco": "checkpoint", "jobId": "J"}"#).unwrap();
        check_own_file(&path, "checkpoint", &[]).unwrap();
        let err = check_own_file(&path, "sidecar", &[]).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidOption {
                    option: "sidecar",
                    ..
                }
            ),
            "{err}"
        );
        std::fs::write(&path, b"not json").unwrap();
        assert!(check_own_file(&path, "checkpoint", &[]).is_err());
        let out = dir.join("out.json");
        let err = check_own_file(&out, "checkpoint", &[(&out, "the output")]).unwrap_err();
        assert!(err.to_string().contains("it is the output"), "{err}");
        assert!(err.is_local());
        let err = check_own_file(&dir, "checkpoint", &[]).unwrap_err();
        assert!(matches!(err, Error::InvalidOption { .. }), "{err}");
        let err = check_own_file(&dir.join("missing/job"), "checkpoint", &[]).unwrap_err();
        assert!(
            matches!(err, Error::WriteOutput { job_id: None, .. }),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
