//! The emulator's Parsers and classifier (`pdf/documentparser` and its templates, `ai-invoice-parser`, `pdf/classifier`) and email (`email/send`, `email/decode`, `email/extract-attachments`).

use super::super::Core;
use super::super::api::Params;
use super::super::server::Reply;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    let _ = (core, params, method, path);
    None
}
