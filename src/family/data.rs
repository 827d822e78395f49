//! Reading a document: information and form fields (`pdf/info`, `pdf/info/fields`), text and table search (`pdf/find`, `pdf/find/table`) and attachments (`pdf/attachments/extract`).

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {}
