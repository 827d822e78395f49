//! The emulator's Reading a document: information and form fields (`pdf/info`, `pdf/info/fields`), text and table search (`pdf/find`, `pdf/find/table`) and attachments (`pdf/attachments/extract`).

use super::super::Core;
use super::super::api::Params;
use super::super::server::Reply;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    let _ = (core, params, method, path);
    None
}
