//! Step 4: stream a result into a file (atomically) or into any writer.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cancel;
use crate::input::OnProgress;
use crate::redact;
use crate::retry::{self, Deadline, Safety};
use crate::tempfile::{self, TempFile, parent_dir};
use crate::{Client, Error, Job, JobStatus, Output, Progress, Step};

/// Where a result can be downloaded from: a URL, and the job it belongs to when known so
/// that errors carry the job id.
///
/// Made from a [`JobStatus`] (what [`Client::wait`] returns), an [`Output`], a [`Job`], or a
/// plain URL string.
///
/// # Example
///
/// ```
/// use pdfco::ResultUrl;
///
/// let from = ResultUrl::for_job("https://storage.example/r.json?X-Amz-Signature=f00d", "JOB-1");
/// assert!(!format!("{from:?}").contains("f00d"));
/// ```
#[derive(Clone, Copy)]
pub struct ResultUrl<'a> {
    url: Option<&'a str>,
    /// The per-page URLs of a synchronous image result.
    urls: &'a [String],
    /// Whether `url` is known to be a JSON listing of several files' URLs.
    listing: bool,
    job_id: Option<&'a str>,
}

impl<'a> ResultUrl<'a> {
    /// A result URL that belongs to a job.
    pub fn for_job(url: &'a str, job_id: &'a str) -> Self {
        ResultUrl {
            url: Some(url),
            urls: &[],
            listing: false,
            job_id: Some(job_id),
        }
    }

    /// Whether the result is known to be several files.
    fn several(&self) -> bool {
        !self.urls.is_empty() || self.listing
    }
}

impl<'a> From<&'a str> for ResultUrl<'a> {
    fn from(url: &'a str) -> Self {
        ResultUrl {
            url: Some(url),
            urls: &[],
            listing: false,
            job_id: None,
        }
    }
}

impl<'a> From<&'a String> for ResultUrl<'a> {
    fn from(url: &'a String) -> Self {
        ResultUrl::from(url.as_str())
    }
}

impl<'a> From<&'a JobStatus> for ResultUrl<'a> {
    fn from(status: &'a JobStatus) -> Self {
        ResultUrl {
            url: status.url(),
            urls: status.urls(),
            listing: false,
            // A synchronous request's status has no job.
            job_id: Some(status.job_id()).filter(|id| !id.is_empty()),
        }
    }
}

impl<'a> From<&'a Job> for ResultUrl<'a> {
    fn from(job: &'a Job) -> Self {
        ResultUrl {
            url: job.result_url(),
            urls: &[],
            // A job that knows it makes page images: its result URL is their listing.
            listing: job.format().is_some_and(crate::OutputFormat::is_multi_file),
            job_id: Some(job.id()),
        }
    }
}

impl<'a> From<&'a Output> for ResultUrl<'a> {
    fn from(output: &'a Output) -> Self {
        ResultUrl {
            url: output.url(),
            urls: output.urls(),
            listing: false,
            job_id: None,
        }
    }
}

impl fmt::Debug for ResultUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultUrl")
            .field("url", &self.url.map(redact::url))
            .field("job_id", &self.job_id)
            .finish()
    }
}

/// The size of the pieces a download is written in.
const COPY_BUFFER: usize = 256 * 1024;

/// How a destination file is written.
#[derive(Debug)]
pub(crate) enum Target {
    /// Nothing there yet, or a regular file: a complete temporary file is renamed onto
    /// `path` (a symbolic link's target), with the `permissions` of the file it replaces.
    Replace {
        path: PathBuf,
        permissions: Option<fs::Permissions>,
    },
    /// A character or block device, a FIFO or a socket (`/dev/null`, `/dev/stdout`, a
    /// pipe): opened and written in place, never replaced.
    Through(PathBuf),
}

/// How `dest` is to be written. A symbolic link is followed: its target is replaced (or
/// created, for a dangling link) and the link kept.
///
/// # Errors
///
/// When `dest` is a folder, or its metadata cannot be read.
pub(crate) fn target(dest: &Path) -> io::Result<Target> {
    let mut path = dest.to_path_buf();
    // Dangling links are followed by hand, a bounded number of hops.
    for _ in 0..40 {
        let link = match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Target::Replace {
                    path,
                    permissions: None,
                });
            }
            other => other?,
        };
        if !link.file_type().is_symlink() {
            return classify(path, link);
        }
        match fs::metadata(&path) {
            // A link to something that exists: the kernel resolved it; find the real path
            // only when it is to be replaced.
            Ok(meta) if meta.is_file() => return classify(fs::canonicalize(&path)?, meta),
            Ok(meta) => return classify(path, meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let to = fs::read_link(&path)?;
                path = parent_dir(&path).join(to);
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

fn classify(path: PathBuf, meta: fs::Metadata) -> io::Result<Target> {
    if meta.is_dir() {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file path: a folder is there",
        ))
    } else if meta.is_file() {
        Ok(Target::Replace {
            path,
            permissions: Some(meta.permissions()),
        })
    } else {
        Ok(Target::Through(path))
    }
}

/// Whether the path ends with a separator (`out.json/`), which `Path` would silently drop.
pub(crate) fn ends_with_separator(path: &Path) -> bool {
    path.as_os_str()
        .as_encoded_bytes()
        .last()
        .is_some_and(|&b| std::path::is_separator(char::from(b)))
}

/// Whether `a` and `b` name the same file: the same path once resolved, or (on Unix) the
/// same device and inode, which also catches hard links.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return x.dev() == y.dev() && x.ino() == y.ino();
    }
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The path with its folder resolved (links, `..`), the file itself resolved if it exists.
fn resolved(path: &Path) -> Option<PathBuf> {
    fs::canonicalize(path).ok().or_else(|| {
        let dir = fs::canonicalize(parent_dir(path)).ok()?;
        Some(dir.join(path.file_name()?))
    })
}

/// Checks locally that a file can be written at `dest`: a file name (not ending with a
/// slash), not a folder, and for a file that is replaced, a folder that exists and can be
/// written (a temporary file is created and removed there, and stale temporaries of
/// processes that are gone are removed).
pub(crate) fn check_destination(dest: &Path) -> Result<(), Error> {
    let fail = |source| Error::WriteOutput {
        path: dest.to_path_buf(),
        job_id: None,
        source,
    };
    let invalid = |msg: &str| fail(io::Error::new(io::ErrorKind::InvalidInput, msg.to_string()));
    if dest.file_name().is_none() || ends_with_separator(dest) {
        return Err(invalid("not a file path"));
    }
    match target(dest).map_err(fail)? {
        Target::Through(_) => Ok(()),
        Target::Replace { path, .. } => {
            if !parent_dir(&path).is_dir() {
                return Err(fail(io::Error::new(
                    io::ErrorKind::NotFound,
                    "folder does not exist",
                )));
            }
            tempfile::probe(&path).map_err(|e| {
                fail(io::Error::new(
                    e.kind(),
                    format!("the folder cannot be written: {e}"),
                ))
            })
        }
    }
}

/// A writer that counts bytes, reports them, and remembers whether *it* failed, so a failed
/// copy can be blamed on the disk or on the network.
struct Tracked<'a, W> {
    inner: W,
    written: u64,
    write_failed: bool,
    on_bytes: &'a mut dyn FnMut(u64),
}

impl<'a, W> Tracked<'a, W> {
    fn new(inner: W, on_bytes: &'a mut dyn FnMut(u64)) -> Self {
        Tracked {
            inner,
            written: 0,
            write_failed: false,
            on_bytes,
        }
    }

    fn write_error(&self, dest: &Path, source: io::Error) -> Error {
        Error::WriteOutput {
            path: dest.to_path_buf(),
            job_id: None,
            source,
        }
    }
}

impl<W: Write> Write for Tracked<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.inner.write(buf) {
            Ok(n) => {
                self.written += n as u64;
                (self.on_bytes)(self.written);
                Ok(n)
            }
            Err(e) => {
                self.write_failed = true;
                Err(e)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().inspect_err(|_| self.write_failed = true)
    }
}

/// Where [`Client::download`] puts a result: a file, a folder of files, any writer, or
/// memory.
///
/// - **A file** (from a `&str`, `String`, `&Path` or `PathBuf`): the result is streamed to
///   a temporary file next to it and renamed into place only once complete, so the file is
///   either untouched or whole. A result of several files (page images) cannot go into one
///   file: use a folder.
/// - **A folder** ([`Destination::folder`]): a result of several files (page images, the
///   parts of a split) is saved as `{stem}-1.{ext}`, `{stem}-2.{ext}`, ... in order; a
///   result of one file as `{stem}.{ext}`. The extension is taken from the result's URL
///   (`bin` when it has none).
/// - **A writer** ([`Destination::writer`]): streamed into it, as it arrives.
/// - **Memory** ([`Destination::memory`]): kept in the returned [`Saved`], at most
///   [`json_limit`](crate::ClientBuilder::json_limit) bytes; read it with
///   [`Saved::text`], [`Saved::json`] or [`Saved::into_bytes`].
///
/// # Example
///
/// ```
/// use pdfco::Destination;
/// use std::path::Path;
///
/// let file: Destination = "out.json".into();
/// let also_a_file = Destination::from(Path::new("out.json"));
/// let pages = Destination::folder("pages", "invoice");
/// let mut buffer = Vec::new();
/// let writer = Destination::writer(&mut buffer);
/// let memory = Destination::memory();
/// assert!(format!("{pages:?}").contains("invoice"));
/// # let _ = (file, also_a_file, writer, memory);
/// ```
pub struct Destination<'w> {
    to: To<'w>,
    /// Sees the bytes received.
    on_progress: Option<Mutex<OnProgress<'w>>>,
}

/// The kinds of [`Destination`].
enum To<'w> {
    File(PathBuf),
    Folder { dir: PathBuf, stem: String },
    Writer(Box<dyn Write + Send + Sync + 'w>),
    Memory,
}

impl<'w> Destination<'w> {
    /// The folder `dir` (which must exist), its files named after `stem`: `{stem}-1.{ext}`,
    /// `{stem}-2.{ext}`, ... for a result of several files, `{stem}.{ext}` for one. Every
    /// file is streamed to a temporary file first; only when all are complete are they
    /// renamed into place, so a failure leaves no partial set and replaces no existing file.
    pub fn folder(dir: impl Into<PathBuf>, stem: impl Into<String>) -> Destination<'static> {
        Destination {
            to: To::Folder {
                dir: dir.into(),
                stem: stem.into(),
            },
            on_progress: None,
        }
    }

    /// Any writer, streamed into as the result arrives. Pass `&mut w` to keep using the
    /// writer afterwards. On error the writer may hold part of the result, and a transfer
    /// cannot start over if storage ignores a `Range` request (a writer cannot be rewound).
    pub fn writer<W: Write + Send + Sync + 'w>(writer: W) -> Destination<'w> {
        Destination {
            to: To::Writer(Box::new(writer)),
            on_progress: None,
        }
    }

    /// Memory: the result is kept in the returned [`Saved`]. At most
    /// [`json_limit`](crate::ClientBuilder::json_limit) bytes are read; a larger result is an
    /// [`Error::Decode`].
    pub fn memory() -> Destination<'static> {
        Destination {
            to: To::Memory,
            on_progress: None,
        }
    }

    fn file(path: PathBuf) -> Self {
        Destination {
            to: To::File(path),
            on_progress: None,
        }
    }

    /// Calls `on_progress` on the caller's thread with [`Progress::Downloading`] as the
    /// result arrives: the bytes written so far, after each chunk (all files together, for a
    /// folder). A download that breaks off and resumes with `Range` goes on counting from
    /// where it stopped; one that has to start over counts from zero again. The temporary
    /// file and its rename into place, the retries and the client's
    /// [cancel flag](crate::ClientBuilder::cancel_flag), looked at between chunks, work as
    /// without it.
    ///
    /// Defaults to nothing.
    ///
    /// # Example
    ///
    /// ```no_run
    /// # fn no_run(client: &pdfco::Client, done: &pdfco::JobStatus) -> Result<(), pdfco::Error> {
    /// use pdfco::{Destination, Progress};
    ///
    /// let to = Destination::from("result.json").on_progress(|p| {
    ///     if let Progress::Downloading { received } = p {
    ///         eprint!("\rdownload {received} bytes");
    ///     }
    /// });
    /// client.download(done, to)?;
    /// # Ok(()) }
    /// ```
    pub fn on_progress(mut self, on_progress: impl FnMut(Progress<'_>) + Send + 'w) -> Self {
        self.on_progress = Some(Mutex::new(Box::new(on_progress)));
        self
    }
}

impl From<&str> for Destination<'_> {
    fn from(path: &str) -> Self {
        Destination::file(PathBuf::from(path))
    }
}

impl From<&String> for Destination<'_> {
    fn from(path: &String) -> Self {
        Destination::file(PathBuf::from(path))
    }
}

impl From<String> for Destination<'_> {
    fn from(path: String) -> Self {
        Destination::file(PathBuf::from(path))
    }
}

impl From<&Path> for Destination<'_> {
    fn from(path: &Path) -> Self {
        Destination::file(path.to_path_buf())
    }
}

impl From<&PathBuf> for Destination<'_> {
    fn from(path: &PathBuf) -> Self {
        Destination::file(path.clone())
    }
}

impl From<PathBuf> for Destination<'_> {
    fn from(path: PathBuf) -> Self {
        Destination::file(path)
    }
}

impl fmt::Debug for Destination<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.to {
            To::File(path) => f.debug_tuple("File").field(path).finish(),
            To::Folder { dir, stem } => f
                .debug_struct("Folder")
                .field("dir", dir)
                .field("stem", stem)
                .finish(),
            To::Writer(_) => f.write_str("Writer"),
            To::Memory => f.write_str("Memory"),
        }
    }
}

/// What [`Client::download`] saved: the byte count, the files written, and for
/// [`Destination::memory`] the result itself.
///
/// # Example
///
/// ```
/// use pdfco::testing::Emulator;
/// use pdfco::{Destination, Document, OutputFormat, Request};
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// let file = client.upload("fixtures/sample.pdf")?;
/// let started = client.start(&Request::convert(OutputFormat::Json).url(file.url()))?;
/// let done = client.wait(&started, |_| {})?;
/// let saved = client.download(&done, Destination::memory())?;
/// assert!(saved.bytes() > 0 && saved.paths().is_empty());
/// let document = Document::from_value(&saved.json()?)?;
/// assert_eq!(document.pages().len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Saved {
    bytes: u64,
    paths: Vec<PathBuf>,
    memory: Option<Vec<u8>>,
    job_id: Option<String>,
}

impl Saved {
    /// The number of bytes downloaded (all files together, for a folder).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The files written, in order: one for a file destination, one per file of the result
    /// for a folder, none for a writer or memory.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// The result kept in memory by [`Destination::memory`]; empty for other destinations.
    pub fn into_bytes(self) -> Vec<u8> {
        self.memory.unwrap_or_default()
    }

    /// The result kept in memory, as text (a CSV, XML, HTML or text result).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when it is not UTF-8; [`Error::InvalidOption`] when the result was
    /// not downloaded to [`Destination::memory`]. Errors carry the job id when known.
    pub fn text(self) -> Result<String, Error> {
        let Saved { memory, job_id, .. } = self;
        let bytes = memory.ok_or_else(not_in_memory)?;
        String::from_utf8(bytes).map_err(|e| {
            let excerpt = redact::excerpt(e.as_bytes(), None);
            with_job(
                Error::decode(Step::Download, "the result is not UTF-8 text", excerpt),
                job_id.as_deref(),
            )
        })
    }

    /// The result kept in memory, as JSON; turn it into the typed model with
    /// [`Document::from_value`](crate::Document::from_value).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when it is not JSON; [`Error::InvalidOption`] when the result was
    /// not downloaded to [`Destination::memory`]. Errors carry the job id when known.
    pub fn json(&self) -> Result<serde_json::Value, Error> {
        let bytes = self.memory.as_deref().ok_or_else(not_in_memory)?;
        parse_json(bytes).map_err(|e| with_job(e, self.job_id.as_deref()))
    }
}

/// Asking a [`Saved`] that is not in memory for its content.
fn not_in_memory() -> Error {
    Error::InvalidOption {
        option: "destination",
        reason: "the result was not kept in memory: download it to Destination::memory()"
            .to_string(),
    }
}

impl fmt::Debug for Saved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Saved")
            .field("bytes", &self.bytes)
            .field("paths", &self.paths)
            .field("in_memory", &self.memory.is_some())
            .field("job_id", &self.job_id)
            .finish()
    }
}

impl Client {
    /// Step 4: downloads a result `from` a job's status, an [`Output`], a [`Job`] or a URL
    /// `to` a file, a folder, a writer or memory (see [`Destination`]). Memory use does not
    /// grow with the result's size, except for [`Destination::memory`].
    ///
    /// **Into a file**, the result streams to a temporary file in the same folder, renamed
    /// into place only once it is complete and matches the `Content-Length`. On any error no
    /// partial file is left, and a file that was already there is left untouched. An
    /// existing file keeps its permission bits; it is replaced by a rename, so its other hard
    /// links keep the old content. A symbolic link is kept and its target replaced. A
    /// character device, FIFO or socket (`/dev/null`, `/dev/stdout`) is written in place
    /// instead, without a temporary file; like a writer, it cannot start over if storage
    /// ignores `Range`. Temporary files that killed processes left in the folder are removed
    /// first (see [`remove_temporary_files`](crate::remove_temporary_files)).
    ///
    /// **Several files** (page images, the parts of a split) come as a synchronous
    /// [`Output::urls`], as a job status's [`urls`](JobStatus::urls), or as a JSON listing of
    /// URLs behind an asynchronous job's result URL (read as one when the URL ends in
    /// `.json` and holds a list of URLs, or when the [`Job`] knows its format makes several
    /// files). They go into a [`Destination::folder`]; a file destination is then an error.
    ///
    /// A transfer that breaks off (a reset, a body shorter than its `Content-Length`, a
    /// stall) continues with a `Range` request from the bytes already written, within the
    /// [`RetryPolicy`](crate::RetryPolicy).
    ///
    /// # Errors
    ///
    /// - [`Error::Storage`] if storage refuses (404 before the job succeeded, 403 expired link);
    /// - [`Error::Incomplete`] if the body stays shorter than its `Content-Length`;
    /// - [`Error::WriteOutput`] if a file cannot be written: checked before any request
    ///   for a path ending with a slash, a folder, a missing folder or one that cannot be
    ///   written (a temporary file is created and removed there); the path `<writer>` for a
    ///   writer that fails;
    /// - [`Error::InvalidOption`] (before any request) for a result of several files and a
    ///   destination that is not a folder;
    /// - [`Error::Decode`] if there is no URL, or for [`Destination::memory`] a result larger
    ///   than [`json_limit`](crate::ClientBuilder::json_limit);
    /// - [`Error::Transport`] for network failures;
    /// - [`Error::Cancelled`] when the [cancel flag](crate::ClientBuilder::cancel_flag) is
    ///   set (between two chunks, or during a retry's wait).
    ///
    /// Errors after a request carry the job id when `from` knows it.
    ///
    /// # Example
    ///
    /// ```no_run
    /// # fn no_run(client: &pdfco::Client, done: &pdfco::JobStatus) -> Result<(), pdfco::Error> {
    /// use pdfco::Destination;
    ///
    /// let saved = client.download(done, "result.xlsx")?;
    /// println!("{} bytes", saved.bytes());
    /// let pages = client.download(done, Destination::folder("pages", "invoice"))?;
    /// for path in pages.paths() {
    ///     println!("{}", path.display());
    /// }
    /// let csv = client.download(done, Destination::memory())?.text()?;
    /// println!("{} lines", csv.lines().count());
    /// # Ok(()) }
    /// ```
    pub fn download<'a, 'w>(
        &self,
        from: impl Into<ResultUrl<'a>>,
        to: impl Into<Destination<'w>>,
    ) -> Result<Saved, Error> {
        let from = from.into();
        let mut saved = Saved {
            bytes: 0,
            paths: Vec::new(),
            memory: None,
            job_id: from.job_id.map(str::to_string),
        };
        let deadline = Deadline::none();
        let Destination { to, on_progress } = to.into();
        let mut callback = on_progress.map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()));
        let mut on_bytes = |received| {
            if let Some(callback) = &mut callback {
                callback(Progress::Downloading { received });
            }
        };
        if from.several() && !matches!(to, To::Folder { .. }) {
            let error = Error::InvalidOption {
                option: "destination",
                reason: "the result is several files: download it into a Destination::folder"
                    .to_string(),
            };
            return Err(error);
        }
        match to {
            To::File(path) => {
                saved.bytes = self.download_file(from, &path, &mut on_bytes, deadline)?;
                saved.paths.push(path);
            }
            To::Folder { dir, stem } => {
                let mut total = 0;
                let mut count = |n| {
                    total = n;
                    on_bytes(n);
                };
                saved.paths = self.download_folder(from, &dir, &stem, &mut count, deadline)?;
                saved.bytes = total;
            }
            To::Writer(writer) => {
                let mut out = Tracked::new(writer, &mut on_bytes);
                // A writer cannot be rewound, so a server that ignores `Range` cannot be
                // resumed from.
                saved.bytes = self
                    .fetch(
                        from,
                        &mut out,
                        Path::new("<writer>"),
                        &mut |_| Ok(false),
                        deadline,
                    )
                    .map_err(|e| with_job(e, from.job_id))?;
            }
            To::Memory => {
                let bytes = self.read_result_with(from, &mut on_bytes, deadline)?;
                saved.bytes = bytes.len() as u64;
                saved.memory = Some(bytes);
            }
        }
        Ok(saved)
    }

    /// The whole result in memory, at most `json_limit` bytes, resumed and retried like a
    /// download to a file.
    pub(crate) fn read_result(
        &self,
        from: ResultUrl<'_>,
        deadline: Deadline,
    ) -> Result<Vec<u8>, Error> {
        self.read_result_with(from, &mut |_| {}, deadline)
    }

    /// [`Client::read_result`], counting the bytes read through `on_bytes`.
    fn read_result_with(
        &self,
        from: ResultUrl<'_>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<Vec<u8>, Error> {
        let limit = self.transport().json_limit();
        match self.read_capped(from, on_bytes, deadline)? {
            Some(bytes) => Ok(bytes),
            None => Err(with_job(
                Error::decode(
                    Step::Download,
                    format!("result larger than {limit} bytes (see ClientBuilder::json_limit)"),
                    String::new(),
                ),
                from.job_id,
            )),
        }
    }

    /// The whole result in memory, or `None` when it is larger than `json_limit`.
    fn read_capped(
        &self,
        from: ResultUrl<'_>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<Option<Vec<u8>>, Error> {
        let limit = self.transport().json_limit();
        let mut out = Tracked::new(
            Capped {
                bytes: Vec::new(),
                limit,
            },
            on_bytes,
        );
        let mut restart = |capped: &mut Capped| {
            capped.bytes.clear();
            Ok(true)
        };
        let result = self.fetch(
            from,
            &mut out,
            Path::new("<memory>"),
            &mut restart,
            deadline,
        );
        match result {
            Ok(_) => Ok(Some(out.inner.bytes)),
            Err(Error::WriteOutput { source, .. })
                if source.kind() == io::ErrorKind::FileTooLarge =>
            {
                Ok(None)
            }
            Err(e) => Err(with_job(e, from.job_id)),
        }
    }

    /// A result into the folder `dir`: several files as `{stem}-1.{ext}`, ...; one as
    /// `{stem}.{ext}`. A URL ending in `.json` is read as a listing of URLs when it holds
    /// one (or always, when the source is known to list files).
    fn download_folder(
        &self,
        from: ResultUrl<'_>,
        dir: &Path,
        stem: &str,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<Vec<PathBuf>, Error> {
        let url = match from.url {
            Some(url) if from.urls.is_empty() && !from.listing => url,
            _ => return self.download_pages_with(from, dir, stem, on_bytes, deadline),
        };
        if !dir.is_dir() {
            let source = io::Error::new(io::ErrorKind::NotFound, "folder does not exist");
            return Err(with_job(
                Error::WriteOutput {
                    path: dir.to_path_buf(),
                    job_id: None,
                    source,
                },
                from.job_id,
            ));
        }
        let ext = extension_of(url);
        let dest = dir.join(format!("{stem}.{ext}"));
        if ext == "json" {
            if let Some(bytes) = self.read_capped(from, &mut |_| {}, deadline)? {
                if let Ok(urls) = parse_listing(&bytes) {
                    let listed = ResultUrl {
                        url: from.url,
                        urls: &urls,
                        listing: true,
                        job_id: from.job_id,
                    };
                    return self.download_pages_with(listed, dir, stem, on_bytes, deadline);
                }
                // One JSON file, already here: saved the way a download is.
                check_destination(&dest).map_err(|e| with_job(e, from.job_id))?;
                write_atomically(&dest, &bytes, false).map_err(|source| {
                    with_job(
                        Error::WriteOutput {
                            path: dest.clone(),
                            job_id: None,
                            source,
                        },
                        from.job_id,
                    )
                })?;
                on_bytes(bytes.len() as u64);
                return Ok(vec![dest]);
            }
            // Larger than any listing: one file, streamed.
        }
        self.download_file(from, &dest, on_bytes, deadline)?;
        Ok(vec![dest])
    }
    pub(crate) fn download_pages_with(
        &self,
        from: ResultUrl<'_>,
        dir: &Path,
        stem: &str,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<Vec<PathBuf>, Error> {
        let listed;
        let urls: &[String] = if from.urls.is_empty() {
            let listing = self.read_result(from, deadline)?;
            listed = parse_listing(&listing).map_err(|e| with_job(e, from.job_id))?;
            &listed
        } else {
            from.urls
        };
        let write_error = |path: &Path, source| {
            with_job(
                Error::WriteOutput {
                    path: path.to_path_buf(),
                    job_id: None,
                    source,
                },
                from.job_id,
            )
        };
        if !dir.is_dir() {
            return Err(write_error(
                dir,
                io::Error::new(io::ErrorKind::NotFound, "folder does not exist"),
            ));
        }
        tempfile::remove_stale(dir);
        let mut done = Vec::with_capacity(urls.len());
        let mut received_before = 0;
        for (index, url) in urls.iter().enumerate() {
            // Between pages; the pages done so far are temporary files, removed on return.
            self.transport()
                .cancel()
                .check(Step::Download)
                .map_err(|e| with_job(e, from.job_id))?;
            let dest = dir.join(format!("{stem}-{}.{}", index + 1, extension_of(url)));
            let (path, permissions) = match target(&dest).map_err(|e| write_error(&dest, e))? {
                Target::Replace { path, permissions } => (path, permissions),
                Target::Through(_) => {
                    let source = io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "a page image goes into a regular file, and this is not one",
                    );
                    return Err(write_error(&dest, source));
                }
            };
            let page = ResultUrl {
                url: Some(url),
                urls: &[],
                listing: false,
                job_id: from.job_id,
            };
            let mut on_page_bytes = |n| on_bytes(received_before + n);
            let (temp, bytes) =
                self.download_temp(page, &path, permissions, &mut on_page_bytes, deadline)?;
            received_before += bytes;
            done.push((temp, path, dest));
        }
        let mut paths = Vec::with_capacity(done.len());
        for (temp, path, dest) in done {
            temp.persist(&path).map_err(|e| write_error(&dest, e))?;
            paths.push(dest);
        }
        Ok(paths)
    }

    pub(crate) fn download_file(
        &self,
        from: ResultUrl<'_>,
        dest: &Path,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<u64, Error> {
        let write_error = |source| Error::WriteOutput {
            path: dest.to_path_buf(),
            job_id: from.job_id.map(str::to_string),
            source,
        };
        let result = (|| {
            check_destination(dest)?;
            match target(dest).map_err(write_error)? {
                Target::Replace { path, permissions } => {
                    let (temp, bytes) =
                        self.download_temp(from, &path, permissions, on_bytes, deadline)?;
                    temp.persist(&path).map_err(write_error)?;
                    Ok(bytes)
                }
                Target::Through(path) => {
                    // Written in place; like a writer, it cannot be rewound.
                    let file = OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .map_err(write_error)?;
                    let mut out = Tracked::new(&file, on_bytes);
                    self.fetch(from, &mut out, dest, &mut |_| Ok(false), deadline)
                }
            }
        })();
        result.map_err(|e| with_job(e, from.job_id))
    }

    /// Downloads into a complete, synced temporary file next to `dest` (a regular file or
    /// none), with the `permissions` of the file it will replace, for the caller to rename
    /// into place.
    fn download_temp(
        &self,
        from: ResultUrl<'_>,
        dest: &Path,
        permissions: Option<fs::Permissions>,
        on_bytes: &mut dyn FnMut(u64),
        deadline: Deadline,
    ) -> Result<(TempFile, u64), Error> {
        let write_error = |source| Error::WriteOutput {
            path: dest.to_path_buf(),
            job_id: from.job_id.map(str::to_string),
            source,
        };
        let result = (|| {
            let (temp, file) = TempFile::create(dest).map_err(write_error)?;
            keep_permissions(&file, permissions).map_err(write_error)?;
            let mut out = Tracked::new(&file, on_bytes);
            let mut restart = |f: &mut &File| f.set_len(0).and_then(|()| f.rewind()).map(|()| true);
            let bytes = self.fetch(from, &mut out, dest, &mut restart, deadline)?;
            file.sync_all().map_err(write_error)?;
            Ok((temp, bytes))
        })();
        result.map_err(|e| with_job(e, from.job_id))
    }

    /// Streams the result into `out`, retrying transient failures. After a failure mid-body
    /// it asks for the rest with `Range` and appends; if storage answers with the whole body
    /// instead, `restart` empties the destination (or says it cannot).
    fn fetch<W: Write>(
        &self,
        from: ResultUrl<'_>,
        out: &mut Tracked<'_, W>,
        dest: &Path,
        restart: &mut dyn FnMut(&mut W) -> io::Result<bool>,
        deadline: Deadline,
    ) -> Result<u64, Error> {
        let step = Step::Download;
        let url = from
            .url
            .ok_or_else(|| Error::decode(step, "no result URL: PDF.co sent none", String::new()))?;
        let policy = &self.inner.transport.retry_policy();
        let cancel = self.transport().cancel();
        retry::run(
            policy,
            Safety::Idempotent,
            deadline,
            (cancel, step),
            |attempt| {
                let offset = out.written;
                let response = self
                    .transport()
                    .get_storage(step, url, offset, deadline, attempt)?;
                let partial = response.status().as_u16() == 206;
                let length = response.body().content_length();
                let total = if offset > 0 && partial {
                    let range = response
                        .headers()
                        .get("content-range")
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_content_range);
                    match range {
                        Some((start, total)) if start == offset => {
                            total.or(length.map(|l| offset + l))
                        }
                        _ => {
                            return Err(Error::decode(
                                step,
                                format!("a resumed download did not start at byte {offset}"),
                                String::new(),
                            ));
                        }
                    }
                } else {
                    if offset > 0 {
                        // Storage ignored the range and sends everything again.
                        if !restart(&mut out.inner).map_err(|e| out.write_error(dest, e))? {
                            return Err(Error::decode(
                                step,
                                "storage ignored the Range request, so the download cannot resume",
                                String::new(),
                            ));
                        }
                        out.written = 0;
                    }
                    length
                };
                let (min_bytes, per) = self.transport().min_throughput();
                // The flag is looked at before each chunk is read.
                let body = cancel.reader(response.into_body().into_reader());
                let mut reader = MinThroughput::new(body, min_bytes, per);
                // io::copy reads straight into a BufWriter's buffer, so the transfer moves in
                // large pieces. It is flushed even after a failed read, so that every byte that
                // arrived counts before a resume asks for the rest.
                let mut buffered = io::BufWriter::with_capacity(COPY_BUFFER, &mut *out);
                let copied = io::copy(&mut reader, &mut buffered);
                let flushed = buffered.flush();
                drop(buffered);
                match copied.and(flushed).and_then(|_| out.flush()) {
                    Ok(()) => match total {
                        Some(expected) if expected != out.written => Err(Error::Incomplete {
                            step,
                            expected,
                            received: out.written,
                            job_id: None,
                        }),
                        _ => Ok(out.written),
                    },
                    Err(e) if out.write_failed => Err(out.write_error(dest, e)),
                    Err(e) if cancel::caused_io(cancel, &e) => {
                        Err(Error::Cancelled { step, job_id: None })
                    }
                    Err(e) => match (total, ureq::Error::from(e)) {
                        // A body that ends before its Content-Length.
                        (Some(expected), ureq::Error::Io(io))
                            if io.kind() == io::ErrorKind::UnexpectedEof =>
                        {
                            Err(Error::Incomplete {
                                step,
                                expected,
                                received: out.written,
                                job_id: None,
                            })
                        }
                        (_, e) => Err(Error::transport(step, e)),
                    },
                }
            },
        )
    }
}

/// A reader that fails with a timeout when fewer than `min_bytes` arrive in a window of
/// `per`: a trickle that never stalls long enough for the stall timeout still ends.
struct MinThroughput<R> {
    inner: R,
    min_bytes: u64,
    per: Duration,
    window_start: Instant,
    window_bytes: u64,
}

impl<R> MinThroughput<R> {
    fn new(inner: R, min_bytes: u64, per: Duration) -> Self {
        MinThroughput {
            inner,
            min_bytes,
            per,
            window_start: Instant::now(),
            window_bytes: 0,
        }
    }
}

impl<R: io::Read> io::Read for MinThroughput<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 || self.min_bytes == 0 {
            return Ok(n);
        }
        self.window_bytes += n as u64;
        if self.window_start.elapsed() >= self.per {
            if self.window_bytes < self.min_bytes {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "the transfer is slower than {} bytes in {:?} ({} bytes came)",
                        self.min_bytes, self.per, self.window_bytes
                    ),
                ));
            }
            self.window_start = Instant::now();
            self.window_bytes = 0;
        }
        Ok(n)
    }
}

/// Writes `bytes` to `dest` the way downloads are written: a synced temporary file renamed
/// into place, so `dest` is either untouched or complete, keeping the permissions of a file
/// it replaces (owner-only when `private`); a device or FIFO is written in place.
pub(crate) fn write_atomically(dest: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let (path, permissions) = match target(dest)? {
        Target::Replace { path, permissions } => (path, permissions),
        Target::Through(path) => {
            let mut file = OpenOptions::new().write(true).open(path)?;
            return file.write_all(bytes).and_then(|()| file.flush());
        }
    };
    #[cfg(unix)]
    let permissions = if private {
        use std::os::unix::fs::PermissionsExt;
        Some(fs::Permissions::from_mode(0o600))
    } else {
        permissions
    };
    #[cfg(not(unix))]
    let _ = private;
    let (temp, mut file) = TempFile::create(&path)?;
    // Before any byte is written, so a private file is never readable by others.
    keep_permissions(&file, permissions)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    temp.persist(&path)
}

/// Gives a temporary file the permissions of the file it will replace (on Unix; elsewhere
/// a read-only flag would stop the rename).
fn keep_permissions(file: &File, permissions: Option<fs::Permissions>) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(permissions) = permissions {
        file.set_permissions(permissions)?;
    }
    #[cfg(not(unix))]
    let _ = (file, permissions);
    Ok(())
}

/// A growing buffer that refuses to pass `limit` bytes.
struct Capped {
    bytes: Vec<u8>,
    limit: u64,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() as u64 + buf.len() as u64 > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "result larger than the limit",
            ));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A JSON result, or a decode error with an excerpt.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<serde_json::Value, Error> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::decode(
            Step::Download,
            format!("the result is not JSON ({e})"),
            redact::excerpt(bytes, None),
        )
    })
}

/// The URLs of an asynchronous image job's listing: a JSON array of strings.
pub(crate) fn parse_listing(bytes: &[u8]) -> Result<Vec<String>, Error> {
    let not_listing = || {
        Error::decode(
            Step::Download,
            "expected a JSON list of page URLs",
            redact::excerpt(bytes, None),
        )
    };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| not_listing())?;
    let items = value.as_array().ok_or_else(not_listing)?;
    items
        .iter()
        .map(|item| {
            item.as_str()
                .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
                .map(str::to_string)
                .ok_or_else(not_listing)
        })
        .collect()
}

/// The extension of the last path segment of a URL, or `bin`.
pub(crate) fn extension_of(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && !ext.is_empty()
                && ext.len() <= 8
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            ext.to_ascii_lowercase()
        }
        _ => "bin".to_string(),
    }
}

/// `bytes 100-199/200` to (100, Some(200)); `bytes 100-199/*` to (100, None).
pub(crate) fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end): (u64, u64) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
    if end < start {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok().filter(|t: &u64| *t > end)?),
    };
    Some((start, total))
}

/// Attaches the job id to an error when the id is known.
pub(crate) fn with_job(e: Error, job_id: Option<&str>) -> Error {
    match job_id {
        Some(id) => e.for_job(id),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pdfco-dl-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_trailing_separator_is_seen() {
        assert!(ends_with_separator(Path::new("out.json/")));
        assert!(ends_with_separator(Path::new("/")));
        assert!(!ends_with_separator(Path::new("out.json")));
        assert!(!ends_with_separator(Path::new("")));
    }

    #[test]
    fn targets_by_kind() {
        let dir = folder("target");
        let file = dir.join("file");
        assert!(matches!(
            target(&file).unwrap(),
            Target::Replace {
                permissions: None,
                ..
            }
        ));
        fs::write(&file, b"x").unwrap();
        assert!(matches!(
            target(&file).unwrap(),
            Target::Replace {
                permissions: Some(_),
                ..
            }
        ));
        assert_eq!(
            target(&dir).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        #[cfg(unix)]
        {
            assert!(matches!(
                target(Path::new("/dev/null")).unwrap(),
                Target::Through(_)
            ));
            // A link to a file: the file (its real path) is replaced.
            std::os::unix::fs::symlink("file", dir.join("link")).unwrap();
            match target(&dir.join("link")).unwrap() {
                Target::Replace { path, .. } => {
                    assert_eq!(path, fs::canonicalize(&file).unwrap());
                }
                other => panic!("{other:?}"),
            }
            // A dangling chain of links: the file at its end is created.
            std::os::unix::fs::symlink("second", dir.join("first")).unwrap();
            std::os::unix::fs::symlink("missing", dir.join("second")).unwrap();
            match target(&dir.join("first")).unwrap() {
                Target::Replace { path, permissions } => {
                    assert_eq!(path, dir.join("missing"));
                    assert!(permissions.is_none());
                }
                other => panic!("{other:?}"),
            }
            // A loop ends.
            std::os::unix::fs::symlink("loop", dir.join("loop")).unwrap();
            assert!(target(&dir.join("loop")).is_err());
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_same_file_by_path_link_or_inode() {
        let dir = folder("same");
        let file = dir.join("a");
        fs::write(&file, b"x").unwrap();
        fs::create_dir(dir.join("sub")).unwrap();
        assert!(same_file(&file, &dir.join("sub/../a")));
        assert!(same_file(&dir.join("new"), &dir.join("sub/../new")));
        assert!(same_file(&file, &dir.join(".").join("a")));
        assert!(!same_file(&file, &dir.join("b")));
        // Two paths to a file not made yet.
        assert!(same_file(&dir.join("new"), &dir.join(".").join("new")));
        #[cfg(unix)]
        {
            fs::hard_link(&file, dir.join("hard")).unwrap();
            std::os::unix::fs::symlink("a", dir.join("soft")).unwrap();
            assert!(same_file(&file, &dir.join("hard")));
            assert!(same_file(&dir.join("soft"), &file));
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
