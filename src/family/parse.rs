//! Parsers and classifier (`pdf/documentparser` and its templates, `ai-invoice-parser`, `pdf/classifier`) and email (`email/send`, `email/decode`, `email/extract-attachments`).

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {}
