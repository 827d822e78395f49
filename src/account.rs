//! The account and storage around conversions: the credit balance, deleting files early.

use crate::retry::{Deadline, Safety};
use crate::transport::ApiRequest;
use crate::{Client, Error, Step};

impl Client {
    /// Deletes a file from PDF.co's temporary storage before it expires by itself (uploads
    /// are kept about an hour): an uploaded input, or a result. Takes the file's URL.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] if PDF.co refuses (404 for a file it does not have);
    /// [`Error::Transport`] or [`Error::Decode`] for network failures and odd answers.
    ///
    /// # Example
    ///
    /// ```no_run
    /// let client = pdfco::Client::from_env()?;
    /// let file = client.upload("private.pdf")?;
    /// // ... convert it ...
    /// client.delete_file(file.url())?;
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn delete_file(&self, url: &str) -> Result<(), Error> {
        let body = serde_json::to_vec(&serde_json::json!({ "url": url })).unwrap_or_default();
        self.transport()
            .api(
                Step::Delete,
                "/file/delete",
                ApiRequest::PostJson(&body),
                Safety::Idempotent,
                Deadline::none(),
            )
            .map(|_| ())
    }

    /// The credits left on the account (`GET /v1/account/credit/balance`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] if PDF.co refuses (401 for a bad key); [`Error::Decode`] if the answer
    /// has no `remainingCredits`; [`Error::Transport`] for network failures.
    ///
    /// # Example
    ///
    /// ```no_run
    /// let client = pdfco::Client::from_env()?;
    /// println!("{} credits left", client.balance()?);
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn balance(&self) -> Result<u64, Error> {
        let answer = self.transport().api(
            Step::Balance,
            "/account/credit/balance",
            ApiRequest::Get,
            Safety::Idempotent,
            Deadline::none(),
        )?;
        answer.required_u64("remainingCredits")
    }
}
