//! Typed requests and results, one file per family of PDF.co endpoints (the sections of
//! `pdfco-endpoints.md`). Each family adds typed constructors to [`Request`](crate::Request)
//! with a kind of its own (in [`crate::kind`]), typed setters for that kind, and result types
//! read from the answer's JSON (`from_value`, as [`Document`](crate::Document) does).
//!
//! Every typed request is an ordinary [`Request`](crate::Request): it runs the same way as one
//! made by path, through the same upload, start, wait and download.

pub(crate) mod barcode;
pub(crate) mod data;
pub(crate) mod edit;
pub(crate) mod organize;
pub(crate) mod parse;
pub(crate) mod topdf;

// One line per family: its public types, re-exported at the crate root.
// barcode: pub use barcode::{...};
// data: pub use data::{...};
// edit: pub use edit::{...};
// organize: pub use organize::{...};
// parse: pub use parse::{...};
pub use topdf::{
    HtmlTemplate, HtmlTemplates, MediaType, Orientation, PaperSize, SpreadsheetFormat,
};
