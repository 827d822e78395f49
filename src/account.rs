//! The account: the credit balance.

use crate::retry::{Deadline, Safety};
use crate::transport::ApiRequest;
use crate::{Client, Error, Step};

impl Client {
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
