//! ftls: memory-safe TLS 1.2 / 1.3 for C and C++ programs, built on rustls.
//!
//! Layers (see docs/architecture.md): [`core`] is a safe Rust API that knows nothing of C;
//! `capi` is the thin `extern "C"` boundary that `include/ftls.h` is generated from.

#[cfg(feature = "capi")]
pub mod capi;
pub mod core;
pub mod heap;
