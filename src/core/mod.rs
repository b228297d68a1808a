//! The safe Rust core: configs, identities and trust, connections, observation, errors.
//! It knows nothing of C; the boundary in `capi` and the OpenSSL-compatible library are its
//! users.
//!
//! Its modules are private: the re-exports below are the whole Rust API, and what neither
//! user needs stays inside. Only the fd transport may use `unsafe` (libc calls on the caller's
//! descriptors); the compiler refuses it anywhere else.

#![deny(unsafe_code)]

mod algorithms;
mod certificate;
mod client_config;
mod connection;
mod error;
#[allow(unsafe_code)]
mod fd_transport;
mod handshake_notes;
mod handshake_observer;
mod identity;
mod identity_choice;
mod key_log;
mod key_password;
mod logging;
mod pem;
mod protocol;
mod provider;
mod server_config;
mod sessions;
mod source;
#[cfg(test)]
mod test_pki;
mod tickets;
mod time_text;
mod trust;
mod verify;

// Errors.
pub use error::{Error, ResultCategory, ResultCode};

// Configs and what they negotiate.
pub use client_config::{ClientConfig, ClientConfigBuilder};
pub use protocol::{Negotiation, Versions};
pub use server_config::{ClientAuth, ServerConfig, ServerConfigBuilder};

// Connections.
pub use connection::{
    Connection, HandshakeTrace, HandshakeTraceSink, HelloReader, Negotiated, ReceivedHello,
};
pub use handshake_observer::{AlertEvent, Direction, HandshakeEvent, HandshakeMessage};

// Certificates, keys, identities and trust.
pub use certificate::{describe_der, CertificateInfo, SanKind};
pub use identity::Identity;
pub use identity_choice::{
    CertificateRequestChooser, CertificateRequestSummary, HelloChooser, HelloSummary,
    IdentityChoice,
};
pub use key_password::KeyPassword;
pub use pem::{
    certificates as certificates_from_pem, certificates_pem_or_der as certificates_from_pem_or_der,
    der_certificate as certificate_from_der, private_key_pem_or_der as private_key_from_pem_or_der,
    private_key_with_password as private_key_from_pem,
};
#[cfg(feature = "capi")]
pub(crate) use source::read_file;
pub use trust::{Trust, TrustAnchors};
pub use verify::{
    verdict_from_number, CertificateCheck, CheckMode, CheckRequest, RevocationPolicy,
};

// Algorithms and the crypto provider.
pub use algorithms::{
    group_by_name, supported_cipher_suites, supported_groups, supported_signature_schemes,
    Algorithm,
};
pub use provider::default_provider;

// Sessions (the limits are the C API's constants).
pub use sessions::{ApprovesServerSessions, ObservesClientSessions, ReceivedSession};
#[cfg(feature = "capi")]
pub(crate) use sessions::{DEFAULT_SESSION_CACHE, MAX_SESSION_CACHE};
pub use tickets::TicketKeys;
#[cfg(feature = "capi")]
pub(crate) use tickets::{MAX_PREVIOUS_KEYS, MAX_TICKET_LIFETIME, TICKET_KEY_LEN};

// Key log and logging.
pub use key_log::{KeyLog, KeyLogCallback};
pub use logging::{inside_sink, set_log_sink, LogSink};

/// The handshake observer alone, for its fuzz target (fuzz/src/observer.rs); not an API.
#[doc(hidden)]
pub use handshake_observer::HandshakeObserver;
