//! Editing (`pdf/edit/*`: add content, replace or delete text, replace text with an image, rotate, auto-rotate, delete pages) and OCR (`pdf/makesearchable`, `pdf/makeunsearchable`).

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {}
