//! The harnesses of ftls' fuzz targets. Each takes arbitrary bytes and drives one boundary of
//! the library with them, the way a hostile peer, a corrupt file or a careless C caller would.
//! A panic or an abort in a harness is a finding: a panic caught at the C boundary
//! (`FTLS_ERR_PANIC`, or the OpenSSL-compatible library's "internal error") counts as one too.
//!
//! They are plain functions so that the fuzz targets (`fuzz_targets/`, run by `make fuzz` with
//! cargo-fuzz on a nightly toolchain) and the replay test (`tests/replay.rs`, stable, in
//! `make test`) run the same code over the same inputs.
//!
//! The harnesses stand where a C program stands: they call the `extern "C"` functions with raw
//! pointers and give them C callbacks, hence the `unsafe` blocks in the callbacks.

mod api_calls;
mod calls;
mod connections;
mod inputs;
mod loaders;
mod memory;
mod observer;
mod openssl;
mod pki;
pub mod seeds;

pub use api_calls::c_api_calls;
pub use connections::{client_connection, server_connection};
pub use loaders::{certificate_inspection, key_and_certificate_loaders};
pub use observer::handshake_observer;
pub use openssl::{openssl_connection, openssl_decoders};

/// A harness: takes any bytes, panics (or aborts) only on a finding.
pub type Harness = fn(&[u8]);

/// Every target: its name (the fuzz target's, and its directory under `corpus/` and
/// `regressions/`) and its harness.
pub const TARGETS: [(&str, Harness); 8] = [
    ("server_connection", server_connection),
    ("client_connection", client_connection),
    ("key_and_certificate_loaders", key_and_certificate_loaders),
    ("certificate_inspection", certificate_inspection),
    ("handshake_observer", handshake_observer),
    ("c_api_calls", c_api_calls),
    ("openssl_decoders", openssl_decoders),
    ("openssl_connection", openssl_connection),
];
