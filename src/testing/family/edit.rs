//! The emulator's Editing (`pdf/edit/*`: add content, replace or delete text, replace text with an image, rotate, auto-rotate, delete pages) and OCR (`pdf/makesearchable`, `pdf/makeunsearchable`).

use super::super::Core;
use super::super::api::Params;
use super::super::server::Reply;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    let _ = (core, params, method, path);
    None
}
