//! The `extern "C"` boundary. Each exported function is a few lines: panic guard, NULL/argument
//! checks, handle casts (all in `boundary`), then one call into the core. No TLS logic lives
//! here.
//!
//! One file per C object, named after it (`certificate.rs` holds every `ftls_certificate_*`
//! function). A large object spans several files named `<object>_<aspect>.rs`
//! (`connection_fd.rs`: the connection's file-descriptor I/O). Files without exported functions
//! hold what several objects share: `boundary` (the machinery), `borrowed` (`ftls_str`,
//! `ftls_bytes`), `builder_args` (constants and argument conversions of both builders),
//! `config_callbacks`, `keylog`, `transport_callbacks` and `handshake_events` (callback types
//! and their adapters).
//!
//! `include/ftls.h` is generated from these files in the order of the modules below, which is
//! the order the header reads in: results; library-wide functions; certificate, identity,
//! trust; ticketer and session store; the client config builder and config; the server config
//! builder and config; the connection. Within an object: new, setters, build, queries,
//! last_error, free.

#![allow(non_camel_case_types)]

mod boundary;

mod callback;

mod borrowed;

// Results.
mod result;

// Library-wide: version, log messages, what this build supports.
mod version;

mod logging;

mod supported;

// Certificates, identities, trust.
mod certificate;

mod identity;

mod trust;

// Sessions.
mod ticketer;

mod session_store;

// What both config builders take.
mod builder_args;

mod config_callbacks;

mod keylog;

// Clients.
mod client_config_builder;

mod client_config;

// Servers.
mod server_config_builder;

mod server_config;

// Connections.
mod transport_callbacks;

mod handshake_events;

mod connection;

mod connection_transport;

mod connection_fd;

mod connection_io;

mod connection_early_data;

mod connection_queries;

pub use borrowed::{ftls_bytes, ftls_str};
pub use builder_args::{
    FTLS_IDENTITY_AUTO, FTLS_IDENTITY_NONE, FTLS_PROTOCOL_ALL, FTLS_PROTOCOL_TLS12,
    FTLS_PROTOCOL_TLS13, FTLS_REVOCATION_ALLOW_UNKNOWN, FTLS_REVOCATION_END_ENTITY_ONLY,
    FTLS_REVOCATION_ENFORCE_EXPIRY,
};
pub use certificate::*;
pub use client_config::*;
pub use client_config_builder::*;
pub use config_callbacks::{
    ftls_certificate_request, ftls_client_certificate_callback, ftls_client_hello,
    ftls_client_hello_callback, ftls_verify_callback, ftls_verify_request,
};
pub use connection::*;
pub use connection_early_data::*;
pub use connection_fd::*;
pub use connection_io::*;
pub use connection_queries::*;
pub use connection_transport::*;
pub use handshake_events::*;
pub use identity::*;
pub use keylog::*;
pub use logging::*;
pub use result::*;
pub use server_config::*;
pub use server_config_builder::*;
pub use session_store::*;
pub use supported::*;
pub use ticketer::*;
pub use transport_callbacks::{
    ftls_read_callback, ftls_write_callback, ftls_write_vectored_callback,
};
pub use trust::*;
pub use version::*;
