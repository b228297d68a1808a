//! Brings rustls-ffi into the workspace for the benchmark (see Cargo.toml); no code of its own.
pub use rustls_ffi;
