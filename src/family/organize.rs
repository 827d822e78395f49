//! Merge, split, compress and optimize (`pdf/merge`, `pdf/merge2`, `pdf/split`, `pdf/split2`, `/v2/pdf/compress`, `pdf/optimize`) and security (`pdf/security/add`, `pdf/security/remove`).

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {}
