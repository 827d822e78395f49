//! Checkpoint files: a started job written down before waiting, so that running the same
//! conversion again continues the paid job instead of starting a new one.

use std::path::Path;

use serde_json::{Value, json};

use crate::download::write_atomically;
use crate::{Error, Job};

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
    /// `output`; anything else is ignored and will be overwritten by the next job.
    pub(crate) fn load(path: &Path, stamp: &Stamp, output: &Path) -> Option<Checkpoint> {
        let bytes = std::fs::read(path).ok()?;
        let value: Value = serde_json::from_slice(&bytes).ok()?;
        let text = |name: &str| value.get(name).and_then(Value::as_str);
        if text("output") != Some(&*output.to_string_lossy())
            || !stamp.matches(text("input"), text("request"))
        {
            return None;
        }
        Some(Checkpoint {
            job_id: text("jobId").filter(|id| !id.is_empty())?.to_string(),
            result_url: text("url").map(str::to_string),
        })
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
        })
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
