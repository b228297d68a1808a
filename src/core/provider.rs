//! The crypto provider every config uses: aws-lc-rs (the default) or ring, chosen at build time
//! by the cargo feature of the same name (build.rs insists on exactly one), and its SHA-256 for
//! ftls' own digests.

use rustls::crypto::hash::{Context, Hash, HashAlgorithm};
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

/// SHA-256, incrementally, from the provider of this build (certificate fingerprints, the
/// session policy digest).
pub(crate) struct Sha256(Box<dyn Context>);

impl Sha256 {
    pub(crate) fn new() -> Self {
        Self(sha256_provider().start())
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub(crate) fn finish(self) -> [u8; 32] {
        let mut digest = [0u8; 32];
        digest.copy_from_slice(self.0.finish().as_ref());
        digest
    }

    /// The digest of `data` in one call.
    pub(crate) fn digest(data: &[u8]) -> [u8; 32] {
        let mut hash = Self::new();
        hash.update(data);
        hash.finish()
    }
}

/// rustls exposes a provider's hashes only through its cipher suites: every provider has TLS
/// 1.3 suites over SHA-256 (TLS_AES_128_GCM_SHA256 is mandatory, RFC 8446 §9.1).
fn sha256_provider() -> &'static dyn Hash {
    static SHA256: OnceLock<&'static dyn Hash> = OnceLock::new();
    *SHA256.get_or_init(|| {
        default_provider()
            .cipher_suites
            .iter()
            .filter_map(|suite| suite.tls13())
            .map(|suite| suite.common.hash_provider)
            .find(|hash| hash.algorithm() == HashAlgorithm::SHA256 && hash.output_len() == 32)
            .expect("the crypto provider has a TLS 1.3 cipher suite over SHA-256")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_fips_180_2_vectors() {
        let hex = |digest: [u8; 32]| -> String {
            digest.iter().map(|byte| format!("{byte:02x}")).collect()
        };
        assert_eq!(
            hex(Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut split = Sha256::new();
        split.update(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
        split.update(b"");
        assert_eq!(
            hex(split.finish()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

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
