//! Sidecar files: what produced an output, so a build script can skip a conversion whose
//! input and options have not changed since.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::Error;
use crate::checkpoint::Stamp;
use crate::download::write_atomically;
use crate::tempfile::parent_dir;

/// The sidecar of an output file or folder: its path with `.pdfco.json` appended.
pub(crate) fn path_for(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".pdfco.json");
    PathBuf::from(name)
}

/// Where the files an output consists of are named from: the output's folder for one file,
/// the output itself for a folder of pages.
fn base_of(output: &Path, multi_file: bool) -> &Path {
    if multi_file {
        output
    } else {
        parent_dir(output)
    }
}

/// The files of an up-to-date output, when its sidecar records `stamp` and every file it
/// lists is there with the recorded size.
pub(crate) fn up_to_date(output: &Path, multi_file: bool, stamp: &Stamp) -> Option<Vec<PathBuf>> {
    let bytes = std::fs::read(path_for(output)).ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    let text = |name: &str| value.get(name).and_then(Value::as_str);
    if !stamp.matches(text("input"), text("request")) {
        return None;
    }
    let files = value.get("files")?.as_array()?;
    let base = base_of(output, multi_file);
    let mut paths = Vec::with_capacity(files.len());
    for file in files {
        let name = file.get("name")?.as_str()?;
        let size = file.get("bytes")?.as_u64()?;
        // Only plain names: a sidecar cannot point outside the output.
        if Path::new(name).file_name()? != name {
            return None;
        }
        let path = base.join(name);
        if std::fs::metadata(&path).ok()?.len() != size {
            return None;
        }
        paths.push(path);
    }
    (!paths.is_empty()).then_some(paths)
}

/// Records that `paths` were made from `stamp`.
pub(crate) fn write(output: &Path, stamp: &Stamp, paths: &[PathBuf]) -> Result<(), Error> {
    let files: Vec<Value> = paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            json!({ "name": name, "bytes": bytes })
        })
        .collect();
    let value = json!({
        "pdfco": "sidecar",
        "input": stamp.input,
        "request": stamp.request,
        "files": files,
    });
    let sidecar = path_for(output);
    let bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
    write_atomically(&sidecar, &bytes, false).map_err(|source| Error::WriteOutput {
        path: sidecar,
        job_id: None,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_matches_its_stamp_and_file_sizes() {
        let dir = std::env::temp_dir().join(format!("pdfco-sidecar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("a.json");
        std::fs::write(&out, b"12345").unwrap();
        let stamp = Stamp {
            input: Some("hash".into()),
            request: "r".into(),
        };
        write(&out, &stamp, std::slice::from_ref(&out)).unwrap();
        assert_eq!(path_for(&out), dir.join("a.json.pdfco.json"));
        assert_eq!(up_to_date(&out, false, &stamp), Some(vec![out.clone()]));
        let other = Stamp {
            request: "r2".into(),
            ..stamp.clone()
        };
        assert_eq!(up_to_date(&out, false, &other), None);
        std::fs::write(&out, b"1234").unwrap();
        assert_eq!(up_to_date(&out, false, &stamp), None, "a changed size");
        std::fs::remove_file(&out).unwrap();
        assert_eq!(up_to_date(&out, false, &stamp), None, "a missing file");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
