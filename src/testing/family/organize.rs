//! The emulator's Merge, split, compress and optimize (`pdf/merge`, `pdf/merge2`, `pdf/split`, `pdf/split2`, `/v2/pdf/compress`, `pdf/optimize`) and security (`pdf/security/add`, `pdf/security/remove`).

use super::super::Core;
use super::super::api::Params;
use super::super::server::Reply;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    let _ = (core, params, method, path);
    None
}
