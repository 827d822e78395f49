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

// Each family's public types, re-exported at the crate root.
pub use barcode::{Barcode, BarcodeRect, BarcodeType, Barcodes, FileHash, UnknownBarcodeType};
pub use data::{
    FormField, FormFields, FoundTable, PdfInfo, Tables, TextHit, TextHits, WordMatching,
};
pub use edit::{Alignment, Annotation, AnnotationType, FieldValue, ImageStamp, Rotation};
pub use organize::{
    CompressConfig, EncryptionAlgorithm, ImageCompression, PageRanges, PrintQuality,
};
pub use parse::{
    Classes, ClassifierLogic, ClassifierRule, Email, EmailAttachment, EmailAttachments,
    EmailMessage, Invoice, ParsedDocument, ParsedObject, ParsedObjectKind, ParsedRow,
    ParserOutputFormat, ParserTemplate, ParserTemplateInfo, ParserTemplates, Smtp,
};
pub use topdf::{
    HtmlTemplate, HtmlTemplates, MediaType, Orientation, PaperSize, SpreadsheetFormat,
};
