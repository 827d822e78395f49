//! Step 1: upload a local file through a presigned storage URL.

use std::fmt;
use std::path::Path;

use crate::redact;
use crate::response::Credits;
use crate::retry::{Deadline, Safety};
use crate::transport::{ApiRequest, UploadBody, regular_file_len};
use crate::url;
use crate::{Client, Error, Input, Step};

/// The content type asked for and sent, as in PDF.co's tutorials. It is part of the
/// presigned URL's signature, so the `PUT` must send exactly this.
const UPLOAD_CONTENT_TYPE: &str = "application/octet-stream";

/// A file in PDF.co's temporary storage, ready to be converted.
///
/// Its URL is signed: `Debug` masks the signature. PDF.co deletes uploads after about an hour.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let file = client.upload("fixtures/sample.pdf")?;
/// assert_eq!((file.name(), file.size()), ("sample.pdf", std::fs::metadata("fixtures/sample.pdf")?.len()));
/// assert!(file.url().starts_with(&emulator.storage_origin()));
/// assert!(file.remaining_credits().is_some());
/// let signature = file.url().rsplit('=').next().unwrap();
/// assert!(!format!("{file:?}").contains(signature), "the signature is masked");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct UploadedFile {
    url: String,
    name: String,
    size: u64,
    credits: Credits,
}

impl UploadedFile {
    /// The URL to pass to [`Request::url`](crate::Request::url). It carries a signature; treat it as a secret.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The file name PDF.co stored it under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of bytes uploaded.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Credits charged for the upload, when PDF.co said.
    pub fn credits(&self) -> Option<u64> {
        self.credits.spent
    }

    /// Credits left on the account, when PDF.co said.
    pub fn remaining_credits(&self) -> Option<u64> {
        self.credits.remaining
    }
}

impl fmt::Debug for UploadedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadedFile")
            .field("url", &redact::url(&self.url))
            .field("name", &self.name)
            .field("size", &self.size)
            .finish()
    }
}

impl Client {
    /// Uploads a document to PDF.co's temporary storage: asks PDF.co for a presigned URL,
    /// then `PUT`s the content there with a `Content-Length` and the signed content type.
    ///
    /// The input is an [`Input`]: a local path (`&str`, `&Path`, `PathBuf`), streamed from
    /// disk; [`Input::bytes`], held in memory; or [`Input::reader`], `len` bytes read once
    /// (so a failed transfer to storage is not retried; a reader that ends before `len`
    /// bytes, or holds more, fails the upload). An [`Input::url`] has nothing to upload: pass
    /// it to [`Request::url`](crate::Request::url) instead. The API key goes to PDF.co only,
    /// never to the storage host.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidOption`] for an [`Input::url`] (before any request);
    /// - [`Error::ReadInput`] if a local file cannot be opened or is not a regular file
    ///   (before any request), or a reader fails or does not hold `len` bytes;
    /// - [`Error::Api`] if PDF.co refuses the presign request (401 bad key, 402 no credits, ...);
    /// - [`Error::Storage`] if storage refuses the upload (403 expired or bad signature);
    /// - [`Error::Transport`] or [`Error::Decode`] for network failures and odd answers;
    /// - [`Error::Cancelled`] when the client's cancel flag is set.
    ///
    /// Transient failures of both requests are retried (see [`RetryPolicy`](crate::RetryPolicy)),
    /// except the transfer of a reader.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::Input;
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let file = client.upload("invoice.pdf")?;
    /// println!("uploaded {} ({} bytes)", file.name(), file.size());
    ///
    /// let pdf: Vec<u8> = std::fs::read("invoice.pdf")?;
    /// let file = client.upload(Input::bytes("invoice.pdf", &pdf[..]))?;
    /// assert_eq!(file.size(), pdf.len() as u64);
    ///
    /// let reader = std::fs::File::open("invoice.pdf")?;
    /// let len = reader.metadata()?.len();
    /// let file = client.upload(Input::reader("invoice.pdf", reader, len))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn upload<'a>(&self, input: impl Into<Input<'a>>) -> Result<UploadedFile, Error> {
        self.upload_file(&input.into(), &mut |_| {}, Deadline::none())
    }

    /// Asks for a presigned URL for `name`, then sends `body` to it.
    pub(crate) fn upload_body(
        &self,
        name: &str,
        mut body: UploadBody<'_>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<UploadedFile, Error> {
        let name = if name.trim().is_empty() {
            "upload.bin"
        } else {
            name
        };
        let query = url::with_query(
            "/file/upload/get-presigned-url",
            &[("name", name), ("contenttype", UPLOAD_CONTENT_TYPE)],
        );
        let answer = self.transport().api(
            Step::Presign,
            &query,
            ApiRequest::Get,
            Safety::Idempotent,
            deadline,
        )?;
        let presigned = answer.required_str("presignedUrl")?;
        let uploaded_url = answer.required_str("url")?.to_string();

        let sent = self.transport().put(
            presigned,
            UPLOAD_CONTENT_TYPE,
            &mut body,
            on_bytes,
            deadline,
        )?;
        Ok(UploadedFile {
            url: uploaded_url,
            name: answer.str("name").unwrap_or(name).to_string(),
            size: sent,
            credits: answer.credits(),
        })
    }
}

/// The file name part of a path, for naming an upload.
pub(crate) fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "upload.bin".to_string())
}

/// Checks that `path` is a readable regular file and returns its size.
pub(crate) fn check_input(path: &Path) -> Result<u64, Error> {
    let read_error = |source| Error::ReadInput {
        path: path.to_path_buf(),
        source,
    };
    // Stat before opening: opening a FIFO for reading blocks until a writer comes.
    regular_file_len(path).map_err(read_error)?;
    let file = std::fs::File::open(path).map_err(read_error)?;
    let meta = file.metadata().map_err(read_error)?;
    if !meta.is_file() {
        return Err(read_error(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    Ok(meta.len())
}
