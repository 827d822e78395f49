//! emulator
mod crypto;
mod pdf;
