//! The emulator's endpoints beyond conversions, merge and info: one file per family, as in
//! the crate's `src/family/`. Each answers PDF.co's documented shapes through the same
//! machinery as the rest of the emulator (credits, jobs, outcomes, storage, faults).

mod barcode;
mod data;
mod edit;
mod organize;
mod parse;
mod topdf;

use super::Core;
use super::api::Params;
use super::server::Reply;

/// Answers a request to any family's path, or `None` for a path none of them knows.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    topdf::route(core, params, method, path)
        .or_else(|| organize::route(core, params, method, path))
        .or_else(|| edit::route(core, params, method, path))
        .or_else(|| data::route(core, params, method, path))
        .or_else(|| barcode::route(core, params, method, path))
        .or_else(|| parse::route(core, params, method, path))
}
