//! The crypto provider every config uses (aws-lc-rs; chosen at build time).

use rustls::crypto::CryptoProvider;
use std::sync::{Arc, OnceLock};

/// The default provider, built once: TLS 1.3 and 1.2 AEAD suites, X25519MLKEM768 first.
pub fn default_provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .clone()
}

/// The provider's name and version, for `ftls_version()`.
pub fn provider_description() -> &'static str {
    "aws-lc-rs"
}
