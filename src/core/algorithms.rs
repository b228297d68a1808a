//! The cipher suites, key-exchange groups and signature schemes this build supports: their
//! numbers and names, lookup by name (IANA's, and OpenSSL's for the suites), and the crypto
//! provider a config uses once it has chosen among them.

use super::error::Error;
use super::provider::default_provider;
use rustls::crypto::{CryptoProvider, SupportedKxGroup};
use rustls::{
    CipherSuite, NamedGroup, SignatureScheme, SupportedCipherSuite, SupportedProtocolVersion,
};
use std::sync::{Arc, OnceLock};

/// One algorithm as C sees it: its IANA number and name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Algorithm {
    pub id: u16,
    pub name: &'static str,
}

/// The cipher suites of this build, in the default order of preference.
pub fn supported_cipher_suites() -> &'static [Algorithm] {
    static LIST: OnceLock<Vec<Algorithm>> = OnceLock::new();
    LIST.get_or_init(|| {
        default_provider()
            .cipher_suites
            .iter()
            .map(|suite| Algorithm {
                id: u16::from(suite.suite()),
                name: suite_name(suite.suite()),
            })
            .collect()
    })
}

/// The key-exchange groups of this build, in the default order of preference (aws-lc-rs:
/// X25519MLKEM768 first).
pub fn supported_groups() -> &'static [Algorithm] {
    static LIST: OnceLock<Vec<Algorithm>> = OnceLock::new();
    LIST.get_or_init(|| {
        default_provider()
            .kx_groups
            .iter()
            .map(|group| Algorithm {
                id: u16::from(group.name()),
                name: group_name(group.name()),
            })
            .collect()
    })
}

/// The signature schemes this build verifies in peers' handshake signatures.
pub fn supported_signature_schemes() -> &'static [Algorithm] {
    static LIST: OnceLock<Vec<Algorithm>> = OnceLock::new();
    LIST.get_or_init(|| {
        default_provider()
            .signature_verification_algorithms
            .supported_schemes()
            .into_iter()
            .map(|scheme| Algorithm {
                id: u16::from(scheme),
                name: signature_scheme_name(scheme),
            })
            .collect()
    })
}

/// OpenSSL's names of the TLS 1.2 suites (its TLS 1.3 names are IANA's).
const OPENSSL_SUITE_NAMES: &[(CipherSuite, &str)] = &[
    (
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        "ECDHE-ECDSA-AES128-GCM-SHA256",
    ),
    (
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        "ECDHE-ECDSA-AES256-GCM-SHA384",
    ),
    (
        CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        "ECDHE-ECDSA-CHACHA20-POLY1305",
    ),
    (
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        "ECDHE-RSA-AES128-GCM-SHA256",
    ),
    (
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        "ECDHE-RSA-AES256-GCM-SHA384",
    ),
    (
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        "ECDHE-RSA-CHACHA20-POLY1305",
    ),
];

/// Other common names of groups (OpenSSL's and NIST's), for lookup.
const GROUP_ALIASES: &[(NamedGroup, &str)] = &[
    (NamedGroup::secp256r1, "P-256"),
    (NamedGroup::secp256r1, "prime256v1"),
    (NamedGroup::secp384r1, "P-384"),
    (NamedGroup::secp521r1, "P-521"),
];

/// The suite of this build named `name`: its IANA name (`TLS_AES_128_GCM_SHA256`,
/// `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`) or OpenSSL's (`ECDHE-RSA-AES128-GCM-SHA256`), in
/// any case.
pub fn cipher_suite_by_name(name: &str) -> Result<SupportedCipherSuite, Error> {
    let provider = default_provider();
    provider
        .cipher_suites
        .iter()
        .copied()
        .find(|suite| {
            let id = suite.suite();
            let openssl = OPENSSL_SUITE_NAMES
                .iter()
                .find(|(alias_id, _)| *alias_id == id)
                .map(|(_, alias)| *alias);
            [Some(suite_name(id)), openssl]
                .into_iter()
                .flatten()
                .any(|known| known.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| {
            Error::invalid_argument(format!(
                "unknown cipher suite \"{name}\": this build supports {} (IANA names, or \
                 OpenSSL's for the TLS 1.2 suites)",
                names(supported_cipher_suites())
            ))
        })
}

/// The key-exchange group of this build named `name` (`X25519MLKEM768`, `X25519`,
/// `secp256r1`, or `P-256` / `prime256v1` / `P-384`), in any case.
pub fn group_by_name(name: &str) -> Result<&'static dyn SupportedKxGroup, Error> {
    let provider = default_provider();
    provider
        .kx_groups
        .iter()
        .copied()
        .find(|group| {
            let id = group.name();
            group_name(id).eq_ignore_ascii_case(name)
                || GROUP_ALIASES
                    .iter()
                    .any(|(alias_id, alias)| *alias_id == id && alias.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| {
            Error::invalid_argument(format!(
                "unknown key-exchange group \"{name}\": this build supports {}",
                names(supported_groups())
            ))
        })
}

fn names(list: &[Algorithm]) -> String {
    list.iter()
        .map(|algorithm| algorithm.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The IANA name of a cipher suite, e.g. `TLS_AES_128_GCM_SHA256`.
pub fn suite_name(suite: CipherSuite) -> &'static str {
    match suite {
        // rustls prefixes its TLS 1.3 suites with TLS13_; IANA does not.
        CipherSuite::TLS13_AES_128_GCM_SHA256 => "TLS_AES_128_GCM_SHA256",
        CipherSuite::TLS13_AES_256_GCM_SHA384 => "TLS_AES_256_GCM_SHA384",
        CipherSuite::TLS13_CHACHA20_POLY1305_SHA256 => "TLS_CHACHA20_POLY1305_SHA256",
        other => other.as_str().unwrap_or("unknown"),
    }
}

/// The IANA name of a key-exchange group, e.g. `X25519MLKEM768`, `secp256r1`.
pub fn group_name(group: NamedGroup) -> &'static str {
    group.as_str().unwrap_or("unknown")
}

/// The IANA name of a signature scheme, e.g. `ecdsa_secp256r1_sha256`.
pub fn signature_scheme_name(scheme: SignatureScheme) -> &'static str {
    match scheme {
        SignatureScheme::RSA_PKCS1_SHA1 => "rsa_pkcs1_sha1",
        SignatureScheme::ECDSA_SHA1_Legacy => "ecdsa_sha1",
        SignatureScheme::RSA_PKCS1_SHA256 => "rsa_pkcs1_sha256",
        SignatureScheme::RSA_PKCS1_SHA384 => "rsa_pkcs1_sha384",
        SignatureScheme::RSA_PKCS1_SHA512 => "rsa_pkcs1_sha512",
        SignatureScheme::ECDSA_NISTP256_SHA256 => "ecdsa_secp256r1_sha256",
        SignatureScheme::ECDSA_NISTP384_SHA384 => "ecdsa_secp384r1_sha384",
        SignatureScheme::ECDSA_NISTP521_SHA512 => "ecdsa_secp521r1_sha512",
        SignatureScheme::RSA_PSS_SHA256 => "rsa_pss_rsae_sha256",
        SignatureScheme::RSA_PSS_SHA384 => "rsa_pss_rsae_sha384",
        SignatureScheme::RSA_PSS_SHA512 => "rsa_pss_rsae_sha512",
        SignatureScheme::ED25519 => "ed25519",
        SignatureScheme::ED448 => "ed448",
        SignatureScheme::ML_DSA_44 => "mldsa44",
        SignatureScheme::ML_DSA_65 => "mldsa65",
        SignatureScheme::ML_DSA_87 => "mldsa87",
        other => other.as_str().unwrap_or("unknown"),
    }
}

/// The cipher suites and key-exchange groups a config offers, most preferred first. Empty
/// lists mean the build's defaults.
#[derive(Clone, Debug, Default)]
pub struct AlgorithmChoice {
    cipher_suites: Vec<SupportedCipherSuite>,
    groups: Vec<&'static dyn SupportedKxGroup>,
}

impl AlgorithmChoice {
    /// Chooses the cipher suites by name, most preferred first. All or nothing.
    pub fn set_cipher_suites(&mut self, names: &[&str]) -> Result<(), Error> {
        self.cipher_suites = choose(names, "cipher suite", cipher_suite_by_name, |suite| {
            u16::from(suite.suite())
        })?;
        Ok(())
    }

    /// Chooses the key-exchange groups by name, most preferred first. All or nothing.
    pub fn set_groups(&mut self, names: &[&str]) -> Result<(), Error> {
        self.groups = choose(names, "key-exchange group", group_by_name, |group| {
            u16::from(group.name())
        })?;
        Ok(())
    }

    /// The provider with the chosen suites and groups, checked against the `enabled` versions.
    pub fn provider(
        &self,
        enabled: &[&'static SupportedProtocolVersion],
    ) -> Result<Arc<CryptoProvider>, Error> {
        let default = default_provider();
        if self.cipher_suites.is_empty() && self.groups.is_empty() {
            return Ok(default);
        }
        let mut provider = CryptoProvider::clone(&default);
        if !self.cipher_suites.is_empty() {
            provider.cipher_suites = self.cipher_suites.clone();
        }
        if !self.groups.is_empty() {
            provider.kx_groups = self.groups.clone();
        }
        if !provider
            .cipher_suites
            .iter()
            .any(|suite| enabled.contains(&suite.version()))
        {
            return Err(Error::new(
                super::error::ResultCode::FTLS_ERR_CONFIG,
                format!(
                    "none of the chosen cipher suites ({}) is for an enabled protocol version",
                    self.cipher_suites
                        .iter()
                        .map(|suite| suite_name(suite.suite()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        Ok(Arc::new(provider))
    }
}

/// Looks up every name, refusing an empty list and repeats.
fn choose<T>(
    names: &[&str],
    what: &str,
    lookup: impl Fn(&str) -> Result<T, Error>,
    id: impl Fn(&T) -> u16,
) -> Result<Vec<T>, Error> {
    if names.is_empty() {
        return Err(Error::invalid_argument(format!(
            "the list of {what}s is empty: name at least one"
        )));
    }
    let mut chosen: Vec<T> = Vec::with_capacity(names.len());
    for name in names {
        let item = lookup(name)?;
        if chosen.iter().any(|earlier| id(earlier) == id(&item)) {
            return Err(Error::invalid_argument(format!(
                "the {what} \"{name}\" is listed twice"
            )));
        }
        chosen.push(item);
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_iana() {
        assert_eq!(
            suite_name(CipherSuite::TLS13_AES_256_GCM_SHA384),
            "TLS_AES_256_GCM_SHA384"
        );
        assert_eq!(
            suite_name(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(group_name(NamedGroup::X25519MLKEM768), "X25519MLKEM768");
        assert_eq!(group_name(NamedGroup::secp256r1), "secp256r1");
    }

    #[test]
    fn suites_are_found_by_iana_and_openssl_names() {
        let by_openssl = cipher_suite_by_name("ECDHE-ECDSA-AES128-GCM-SHA256").unwrap();
        let by_iana = cipher_suite_by_name("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").unwrap();
        assert_eq!(by_openssl.suite(), by_iana.suite());
        assert_eq!(
            cipher_suite_by_name("tls_aes_128_gcm_sha256")
                .unwrap()
                .suite(),
            CipherSuite::TLS13_AES_128_GCM_SHA256
        );
        let err = cipher_suite_by_name("TLS_RSA_WITH_AES_128_CBC_SHA").unwrap_err();
        assert!(err.detail().contains("unknown cipher suite"), "{err}");
        assert!(err.detail().contains("TLS_AES_256_GCM_SHA384"), "{err}");
    }

    #[test]
    fn every_supported_algorithm_has_a_name() {
        for list in [
            supported_cipher_suites(),
            supported_groups(),
            supported_signature_schemes(),
        ] {
            assert!(!list.is_empty());
            for algorithm in list {
                assert_ne!(algorithm.name, "unknown", "{algorithm:?}");
            }
        }
        for suite in supported_cipher_suites() {
            assert_eq!(
                cipher_suite_by_name(suite.name).unwrap().suite(),
                suite.id.into()
            );
        }
        for group in supported_groups() {
            assert_eq!(
                u16::from(group_by_name(group.name).unwrap().name()),
                group.id
            );
        }
    }

    #[test]
    fn groups_are_found_by_aliases() {
        assert_eq!(
            group_by_name("P-256").unwrap().name(),
            NamedGroup::secp256r1
        );
        assert_eq!(group_by_name("x25519").unwrap().name(), NamedGroup::X25519);
        assert!(group_by_name("ffdhe2048").is_err());
    }

    #[test]
    fn choices_are_checked() {
        let mut choice = AlgorithmChoice::default();
        assert!(choice.set_cipher_suites(&[]).is_err());
        let twice = choice
            .set_cipher_suites(&["TLS_AES_128_GCM_SHA256", "tls_aes_128_gcm_sha256"])
            .unwrap_err();
        assert!(twice.detail().contains("listed twice"), "{twice}");
        choice
            .set_cipher_suites(&["TLS_AES_128_GCM_SHA256"])
            .unwrap();
        let err = choice.provider(&[&rustls::version::TLS12]).unwrap_err();
        assert!(err.detail().contains("enabled protocol version"), "{err}");
        let provider = choice.provider(rustls::ALL_VERSIONS).unwrap();
        assert_eq!(provider.cipher_suites.len(), 1);
        assert_eq!(provider.kx_groups.len(), default_provider().kx_groups.len());
    }
}
