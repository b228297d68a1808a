//! The safe Rust core: configs, identities and trust, connections, observation, errors.
//! It knows nothing of C; the boundary in `capi` is its only C-facing user.

pub mod algorithms;
pub mod certificate;
pub mod client_config;
pub mod connection;
pub mod error;
pub mod fd_transport;
pub mod handshake_notes;
pub mod handshake_observer;
pub mod identity;
pub mod identity_choice;
pub mod key_log;
pub mod key_password;
pub mod logging;
pub mod pem;
pub mod protocol;
pub mod provider;
pub mod server_config;
pub mod sessions;
pub mod source;
#[cfg(test)]
mod test_pki;
pub mod tickets;
pub mod time_text;
pub mod trust;
pub mod verify;

pub use client_config::{ClientConfig, ClientConfigBuilder};
pub use connection::{Connection, HandshakeTrace, HandshakeTraceSink, Negotiated};
pub use error::{Error, Result, ResultCategory, ResultCode};
pub use identity::Identity;
pub use protocol::Versions;
pub use server_config::{ClientAuth, ServerConfig, ServerConfigBuilder};
