//! What a one-call conversion reads: a local file, bytes, a reader, or a URL.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::hash;
use crate::redact;
use crate::retry::Deadline;
use crate::transport::UploadBody;
use crate::upload::{check_input, file_name_of};
use crate::{Client, Error, Progress, UploadedFile};

/// The input of a one-call conversion ([`Run::save`](crate::Run::save) and friends).
///
/// A local path (the usual case, and what `&str`, `&Path` and `PathBuf` turn into), bytes in
/// memory, any reader whose length is known, or a URL that PDF.co fetches itself, which skips
/// the upload. To convert one upload many times, [`Client::upload`] once and pass the
/// [`UploadedFile`] (or its URL) for each conversion.
///
/// # Example
///
/// ```
/// use pdfco::Input;
///
/// let from_disk = Input::from("invoice.pdf");
/// let from_memory = Input::bytes("invoice.pdf", b"%PDF-1.4 ...".to_vec());
/// let from_reader = Input::reader("invoice.pdf", std::io::empty(), 0);
/// let from_web = Input::url("https://example.com/invoice.pdf");
/// assert_eq!(from_disk.name(), "invoice.pdf");
/// assert_eq!(from_memory.name(), "invoice.pdf");
/// assert_eq!(from_web.name(), "invoice.pdf");
/// # drop(from_reader);
/// ```
pub struct Input<'a> {
    source: Source<'a>,
    /// Sees the bytes sent whenever this input is uploaded.
    on_progress: Option<Mutex<OnProgress<'a>>>,
}

/// An [`Input`]'s or a [`Destination`](crate::Destination)'s progress callback.
pub(crate) type OnProgress<'a> = Box<dyn FnMut(Progress<'_>) + Send + 'a>;

enum Source<'a> {
    Path(Cow<'a, Path>),
    Bytes {
        name: String,
        bytes: Cow<'a, [u8]>,
    },
    Reader {
        name: String,
        len: u64,
        reader: Mutex<Box<dyn Read + Send + 'a>>,
    },
    Url(String),
}

impl<'a> Input<'a> {
    /// A local file, uploaded before converting.
    pub fn path(path: impl Into<Cow<'a, Path>>) -> Input<'a> {
        Input {
            source: Source::Path(path.into()),
            on_progress: None,
        }
    }

    /// Bytes in memory, uploaded as a file called `name`.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Cow<'a, [u8]>>) -> Input<'a> {
        Input {
            source: Source::Bytes {
                name: name.into(),
                bytes: bytes.into(),
            },
            on_progress: None,
        }
    }

    /// `len` bytes from a reader, uploaded as a file called `name`. Read once, so a failed
    /// transfer to storage is not retried.
    pub fn reader(name: impl Into<String>, reader: impl Read + Send + 'a, len: u64) -> Input<'a> {
        Input {
            source: Source::Reader {
                name: name.into(),
                len,
                reader: Mutex::new(Box::new(reader)),
            },
            on_progress: None,
        }
    }

    /// A document PDF.co downloads itself from `url`: nothing is uploaded. Use
    /// [`Request::http_auth`](crate::Request::http_auth) if it needs a login.
    pub fn url(url: impl Into<String>) -> Input<'a> {
        Input {
            source: Source::Url(url.into()),
            on_progress: None,
        }
    }

    /// Calls `on_progress` on the caller's thread whenever this input is uploaded, by
    /// [`Client::upload`] as by a [`Run`](crate::Run) or a [`Batch`](crate::Batch):
    /// [`Progress::Uploading`] after each chunk sent (counting from zero again when a failed
    /// transfer is retried), then [`Progress::Uploaded`] once storage has it all. Retries and
    /// the client's [cancel flag](crate::ClientBuilder::cancel_flag), looked at between
    /// chunks, work as without it. A URL has nothing to upload and reports nothing.
    ///
    /// Defaults to nothing.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{Input, Progress};
    ///
    /// let emulator = pdfco::testing::Emulator::start()?;
    /// let client = emulator.client_builder().build()?;
    /// let input = Input::from("fixtures/sample.pdf").on_progress(|p| {
    ///     if let Progress::Uploading { sent, total } = p {
    ///         eprint!("\rupload {sent}/{total}");
    ///     }
    /// });
    /// let file = client.upload(input)?;
    /// assert_eq!(file.size(), std::fs::metadata("fixtures/sample.pdf")?.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_progress(mut self, on_progress: impl FnMut(Progress<'_>) + Send + 'a) -> Self {
        self.on_progress = Some(Mutex::new(Box::new(on_progress)));
        self
    }

    /// The input's file name: the path's, the one given, or the URL's last segment.
    pub fn name(&self) -> String {
        match &self.source {
            Source::Path(path) => file_name_of(path),
            Source::Bytes { name, .. } | Source::Reader { name, .. } => name.clone(),
            Source::Url(url) => {
                let without_query = url.split(['?', '#']).next().unwrap_or("");
                let after_scheme = without_query.split_once("://").map_or("", |(_, r)| r);
                let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
                let last = path.rsplit('/').next().unwrap_or("");
                let name = crate::url::decode(last, false);
                if name.is_empty() {
                    "input.pdf".to_string()
                } else {
                    name
                }
            }
        }
    }

    /// The local file, when the input is one.
    pub fn as_path(&self) -> Option<&Path> {
        match &self.source {
            Source::Path(path) => Some(path),
            _ => None,
        }
    }

    /// The URL, when the input is one PDF.co fetches itself.
    pub(crate) fn as_url(&self) -> Option<&str> {
        match &self.source {
            Source::Url(url) => Some(url),
            _ => None,
        }
    }

    /// The file name without its extension, for naming outputs.
    pub(crate) fn stem(&self) -> String {
        let name = self.name();
        let stem = Path::new(&name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem.is_empty() {
            "result".to_string()
        } else {
            stem
        }
    }

    /// Checks locally what can be: that a local file is a readable regular file. Returns the
    /// size to upload, or `None` for a URL.
    pub(crate) fn check(&self) -> Result<Option<u64>, Error> {
        match &self.source {
            Source::Path(path) => check_input(path).map(Some),
            Source::Bytes { bytes, .. } => Ok(Some(bytes.len() as u64)),
            Source::Reader { len, .. } => Ok(Some(*len)),
            Source::Url(url) => {
                if url.starts_with("https://") || url.starts_with("http://") {
                    Ok(None)
                } else {
                    Err(Error::InvalidOption {
                        option: "url",
                        reason: "an input URL must be http(s)".to_string(),
                    })
                }
            }
        }
    }

    /// A SHA-256 of what the input is, for checkpoints and sidecars: the content of a file
    /// or bytes, the text of a URL. `None` for a reader, which cannot be read twice.
    pub(crate) fn fingerprint(&self) -> Result<Option<String>, Error> {
        match &self.source {
            Source::Path(path) => {
                let read_error = |source| Error::ReadInput {
                    path: path.to_path_buf(),
                    source,
                };
                check_input(path)?;
                let file = std::fs::File::open(path).map_err(read_error)?;
                hash::sha256_of(file).map(Some).map_err(read_error)
            }
            Source::Bytes { bytes, .. } => Ok(hash::sha256_of(&bytes[..]).ok()),
            Source::Reader { .. } => Ok(None),
            Source::Url(url) => Ok(hash::sha256_of(format!("url:{url}").as_bytes()).ok()),
        }
    }
}

impl Client {
    /// Uploads the input unless it is a URL, and returns the URL to convert.
    pub(crate) fn upload_input(
        &self,
        input: &Input<'_>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<String, Error> {
        if let Source::Url(url) = &input.source {
            return Ok(url.clone());
        }
        let uploaded = self.upload_file(input, on_bytes, deadline)?;
        Ok(uploaded.url().to_string())
    }

    /// Uploads a path, bytes or a reader, counting bytes sent through `on_bytes` and the
    /// input's own callback, if it has one. A URL has nothing to upload and is refused before
    /// any request.
    pub(crate) fn upload_file(
        &self,
        input: &Input<'_>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<UploadedFile, Error> {
        let Some(callback) = &input.on_progress else {
            return self.upload_source(input, on_bytes, deadline);
        };
        let mut callback = callback.lock().unwrap_or_else(|e| e.into_inner());
        let total = match &input.source {
            Source::Path(path) => check_input(path)?,
            Source::Bytes { bytes, .. } => bytes.len() as u64,
            Source::Reader { len, .. } => *len,
            Source::Url(_) => 0,
        };
        let mut both = |sent| {
            on_bytes(sent);
            callback(Progress::Uploading { sent, total });
        };
        let uploaded = self.upload_source(input, &mut both, deadline)?;
        callback(Progress::Uploaded {
            bytes: uploaded.size(),
        });
        Ok(uploaded)
    }

    /// [`Client::upload_file`] without the input's callback.
    fn upload_source(
        &self,
        input: &Input<'_>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<UploadedFile, Error> {
        let name = input.name();
        match &input.source {
            Source::Url(_) => Err(Error::InvalidOption {
                option: "url",
                reason: "a URL has nothing to upload: pass it to Request::url".to_string(),
            }),
            Source::Path(path) => {
                check_input(path)?;
                self.upload_body(&name, UploadBody::File(path), on_bytes, deadline)
            }
            Source::Bytes { bytes, .. } => {
                self.upload_body(&name, UploadBody::Bytes(bytes), on_bytes, deadline)
            }
            Source::Reader { len, reader, .. } => {
                let mut reader = reader.lock().unwrap_or_else(|e| e.into_inner());
                let label = PathBuf::from(&name);
                let body = UploadBody::Reader {
                    name: &label,
                    reader: Some(&mut **reader),
                    len: *len,
                };
                self.upload_body(&name, body, on_bytes, deadline)
            }
        }
    }
}

impl fmt::Debug for Input<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Path(path) => f.debug_tuple("Input::Path").field(path).finish(),
            Source::Bytes { name, bytes } => f
                .debug_struct("Input::Bytes")
                .field("name", name)
                .field("len", &bytes.len())
                .finish(),
            Source::Reader { name, len, .. } => f
                .debug_struct("Input::Reader")
                .field("name", name)
                .field("len", len)
                .finish_non_exhaustive(),
            Source::Url(url) => f
                .debug_tuple("Input::Url")
                .field(&redact::url(url))
                .finish(),
        }
    }
}

impl<'a> From<&'a Path> for Input<'a> {
    fn from(path: &'a Path) -> Self {
        Input::path(path)
    }
}

impl<'a> From<&'a PathBuf> for Input<'a> {
    fn from(path: &'a PathBuf) -> Self {
        Input::path(path.as_path())
    }
}

impl From<PathBuf> for Input<'_> {
    fn from(path: PathBuf) -> Self {
        Input::path(path)
    }
}

/// An OS string is a local path, as from [`std::env::args_os`].
impl<'a> From<&'a std::ffi::OsStr> for Input<'a> {
    fn from(path: &'a std::ffi::OsStr) -> Self {
        Input::path(Path::new(path))
    }
}

/// An OS string is a local path, as from [`std::env::args_os`].
impl From<std::ffi::OsString> for Input<'_> {
    fn from(path: std::ffi::OsString) -> Self {
        Input::path(PathBuf::from(path))
    }
}

/// A string is a local path; use [`Input::url`] for a URL.
impl<'a> From<&'a str> for Input<'a> {
    fn from(path: &'a str) -> Self {
        Input::path(Path::new(path))
    }
}

/// A string is a local path; use [`Input::url`] for a URL.
impl<'a> From<&'a String> for Input<'a> {
    fn from(path: &'a String) -> Self {
        Input::path(Path::new(path.as_str()))
    }
}

/// A string is a local path; use [`Input::url`] for a URL.
impl From<String> for Input<'_> {
    fn from(path: String) -> Self {
        Input::path(PathBuf::from(path))
    }
}

/// A file already uploaded: converted from its URL, not uploaded again.
impl From<&UploadedFile> for Input<'_> {
    fn from(file: &UploadedFile) -> Self {
        Input::url(file.url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_stems() {
        assert_eq!(Input::from("dir/a.b.pdf").stem(), "a.b");
        assert_eq!(Input::url("https://h/x/y%20z.pdf?sig=1").name(), "y z.pdf");
        assert_eq!(Input::url("https://h/").name(), "input.pdf");
        assert_eq!(Input::url("https://h").name(), "input.pdf");
        assert_eq!(Input::bytes("", Vec::new()).stem(), "result");
    }

    #[test]
    fn debug_hides_signatures_and_content() {
        let url = Input::url("https://s3/x.pdf?X-Amz-Signature=deadbeef");
        assert!(!format!("{url:?}").contains("deadbeef"));
        let bytes = Input::bytes("a.pdf", b"secret content".to_vec());
        assert!(!format!("{bytes:?}").contains("secret"));
    }

    #[test]
    fn local_checks() {
        assert!(Input::url("ftp://x/a.pdf").check().is_err());
        assert_eq!(Input::url("https://x/a.pdf").check().unwrap(), None);
        assert!(matches!(
            Input::from("no/such/file.pdf").check(),
            Err(Error::ReadInput { .. })
        ));
        let a = Input::bytes("a", b"one".to_vec()).fingerprint().unwrap();
        let b = Input::bytes("b", b"one".to_vec()).fingerprint().unwrap();
        let c = Input::bytes("a", b"two".to_vec()).fingerprint().unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            Input::reader("r", std::io::empty(), 0)
                .fingerprint()
                .unwrap(),
            None
        );
    }
}
