//! Barcodes (`barcode/generate`, `barcode/read/from/url`) and files (`file/upload`, `file/upload/base64`, `file/upload/url`, `file/hash`).

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {}
