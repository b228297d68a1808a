//! The crypto provider every config uses: aws-lc-rs (the default) or ring, chosen at build time
//! by the cargo feature of the same name (build.rs insists on exactly one).

use rustls::crypto::CryptoProvider;
use std::sync::{Arc, OnceLock};

/// The provider of this build, made once. aws-lc-rs: TLS 1.3 and 1.2 AEAD suites,
/// X25519MLKEM768 first. ring: the same suites, X25519 first (ring has no ML-KEM).
pub fn default_provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER.get_or_init(|| Arc::new(build_provider())).clone()
}

#[cfg(feature = "aws-lc-rs")]
fn build_provider() -> CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[cfg(feature = "ring")]
fn build_provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_key_exchange_group_is_the_providers_best() {
        let expected = match env!("FTLS_PROVIDER") {
            "aws-lc-rs" => "X25519MLKEM768",
            "ring" => "X25519",
            other => panic!("unknown provider {other}"),
        };
        let first = default_provider().kx_groups[0].name();
        assert_eq!(format!("{first:?}"), expected);
    }
}
