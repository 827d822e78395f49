//! The one-call helpers: upload, convert, wait, download, in that order.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::download::{ResultUrl, check_destination};
use crate::upload::check_input;
use crate::{Client, Conversion, ConvertRequest, Error, Job, JobStatus, OutputFormat};

/// What a one-call conversion is doing, reported to the callback of
/// [`Client::convert_file_with`]. The callback runs on the caller's thread, between steps.
#[derive(Debug)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// Bytes of the input sent to storage so far, out of `total`. Starts again from zero if
    /// the upload is retried.
    Uploading {
        /// Sent so far.
        sent: u64,
        /// The file's size.
        total: u64,
    },
    /// The conversion job started.
    Started(&'a Job),
    /// One job check's answer.
    Status(&'a JobStatus),
    /// Bytes of the result written so far. A resumed download goes on counting from where
    /// it stopped.
    Downloading {
        /// Written so far.
        received: u64,
    },
}

/// What a one-call conversion did.
#[derive(Clone)]
pub struct Report {
    path: PathBuf,
    job_id: Option<String>,
    bytes: u64,
    page_count: Option<u64>,
    credits: Option<u64>,
    remaining_credits: Option<u64>,
}

impl Report {
    /// Where the result was written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The job id, for asynchronous conversions.
    pub fn job_id(&self) -> Option<&str> {
        self.job_id.as_deref()
    }

    /// The size of the result file.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// How many pages PDF.co processed, if it said.
    pub fn page_count(&self) -> Option<u64> {
        self.page_count
    }

    /// Credits the conversion cost, if PDF.co said.
    pub fn credits(&self) -> Option<u64> {
        self.credits
    }

    /// Credits left on the account after it, if PDF.co said.
    pub fn remaining_credits(&self) -> Option<u64> {
        self.remaining_credits
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("path", &self.path)
            .field("job_id", &self.job_id)
            .field("bytes", &self.bytes)
            .field("page_count", &self.page_count)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Converts a local PDF into a local file in one call: upload, convert, wait, download.
    ///
    /// Everything that can be checked locally is checked before the first request: the
    /// page selection, the input file, the destination folder. Unless the request names the
    /// output, it is named after `output`.
    ///
    /// # Errors
    ///
    /// Any error of the four steps; see [`Client::upload`], [`Client::convert`],
    /// [`Client::wait`] and [`Client::download`]. Errors after the job started carry its id.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{ConvertRequest, OutputFormat};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let request = ConvertRequest::new(OutputFormat::Xlsx).pages("0-2");
    /// let report = client.convert_file("invoice.pdf", "invoice.xlsx", &request)?;
    /// println!("{} bytes from job {:?}", report.bytes(), report.job_id());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn convert_file(
        &self,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
        request: &ConvertRequest,
    ) -> Result<Report, Error> {
        self.convert_file_with(input, output, request, |_| {})
    }

    /// [`Client::convert_file`], calling `on_progress` as each step moves along.
    ///
    /// # Errors
    ///
    /// As [`Client::convert_file`].
    ///
    /// # Example
    ///
    /// ```no_run
    /// use pdfco::{ConvertRequest, OutputFormat, Progress};
    ///
    /// let client = pdfco::Client::from_env()?;
    /// let request = ConvertRequest::new(OutputFormat::Json);
    /// client.convert_file_with("in.pdf", "out.json", &request, |p| {
    ///     if let Progress::Status(s) = p {
    ///         eprintln!("{}", s.state());
    ///     }
    /// })?;
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn convert_file_with(
        &self,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
        request: &ConvertRequest,
        mut on_progress: impl FnMut(Progress<'_>),
    ) -> Result<Report, Error> {
        let (input, output) = (input.as_ref(), output.as_ref());
        request.validate()?;
        let total = check_input(input)?;
        check_destination(output)?;
        let request = request.named_for(output);

        let deadline = self.workflow_deadline();
        let file = self.upload_with(
            input,
            &mut |sent| on_progress(Progress::Uploading { sent, total }),
            deadline,
        )?;
        match self.convert_until(file.url(), &request, deadline)? {
            Conversion::Finished(done) => {
                let mut on_bytes = |received| on_progress(Progress::Downloading { received });
                let bytes =
                    self.download_file(ResultUrl::from(&done), output, &mut on_bytes, deadline)?;
                Ok(Report {
                    path: output.to_path_buf(),
                    job_id: None,
                    bytes,
                    page_count: done.page_count(),
                    credits: done.credits(),
                    remaining_credits: done.remaining_credits(),
                })
            }
            Conversion::Started(job) => {
                on_progress(Progress::Started(&job));
                let done =
                    self.wait_until(&job, deadline, &mut |s| on_progress(Progress::Status(s)))?;
                let mut on_bytes = |received| on_progress(Progress::Downloading { received });
                let bytes =
                    self.download_file(ResultUrl::from(&done), output, &mut on_bytes, deadline)?;
                Ok(Report {
                    path: output.to_path_buf(),
                    job_id: Some(job.id().to_string()),
                    bytes,
                    page_count: done.page_count(),
                    credits: job.credits(),
                    remaining_credits: done.remaining_credits().or(job.remaining_credits()),
                })
            }
        }
    }

    /// Converts a local PDF to PDF.co's JSON document in one call, all pages, asynchronously.
    ///
    /// # Errors
    ///
    /// As [`Client::convert_file`].
    ///
    /// # Example
    ///
    /// ```no_run
    /// let client = pdfco::Client::from_env()?;
    /// client.pdf_to_json("sample.pdf", "sample.json")?;
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn pdf_to_json(
        &self,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
    ) -> Result<Report, Error> {
        self.convert_file(input, output, &ConvertRequest::new(OutputFormat::Json))
    }

    /// Converts a local PDF to an Excel workbook in one call, all pages, asynchronously.
    ///
    /// # Errors
    ///
    /// As [`Client::convert_file`].
    ///
    /// # Example
    ///
    /// ```no_run
    /// let client = pdfco::Client::from_env()?;
    /// client.pdf_to_xlsx("sample.pdf", "sample.xlsx")?;
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn pdf_to_xlsx(
        &self,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
    ) -> Result<Report, Error> {
        self.convert_file(input, output, &ConvertRequest::new(OutputFormat::Xlsx))
    }
}
