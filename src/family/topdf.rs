//! Other formats to PDF (`pdf/convert/from/*`, `xls/convert/to/pdf`), spreadsheet conversions (`xls/convert/to/*`) and HTML templates (`templates/html`).

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {}
