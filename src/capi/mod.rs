//! The `extern "C"` boundary: one file per C object. Each exported function is a few lines:
//! panic guard, NULL/argument checks, handle casts (all in `boundary`), then one call into the
//! core. No TLS logic lives here. `include/ftls.h` is generated from these files, in the order
//! of the groups below.

#![allow(non_camel_case_types)]

mod boundary;

mod callback;

// Version and results.
mod version;

mod result;

// Shared value types.
mod borrowed;

mod builder_args;

// Certificates and the callbacks configs call.
mod certificate;

mod config_callbacks;

// Configs.
mod client_config;

mod server_config;

// Connections.
mod transport_callbacks;

mod handshake_events;

mod connection;

mod connection_fd;

// Sessions, negotiation, observability.
mod sessions;

mod negotiation;

mod keylog;

mod logging;

mod exporter;

pub use borrowed::{ftls_bytes, ftls_str};
pub use builder_args::{
    FTLS_IDENTITY_AUTO, FTLS_IDENTITY_NONE, FTLS_PROTOCOL_ALL, FTLS_PROTOCOL_TLS12,
    FTLS_PROTOCOL_TLS13, FTLS_REVOCATION_ALLOW_UNKNOWN, FTLS_REVOCATION_END_ENTITY_ONLY,
    FTLS_REVOCATION_ENFORCE_EXPIRY,
};
pub use certificate::*;
pub use client_config::*;
pub use config_callbacks::{
    ftls_certificate_request, ftls_client_certificate_callback, ftls_client_hello,
    ftls_client_hello_callback, ftls_verify_callback, ftls_verify_request,
};
pub use connection::*;
pub use connection_fd::*;
pub use exporter::*;
pub use handshake_events::*;
pub use keylog::*;
pub use logging::*;
pub use negotiation::*;
pub use result::*;
pub use server_config::*;
pub use sessions::*;
pub use transport_callbacks::{
    ftls_read_callback, ftls_write_callback, ftls_write_vectored_callback,
};
pub use version::*;
