//! What the two peers negotiate: protocol versions, ALPN protocols, cipher suites and
//! key-exchange groups, and their names.

use super::algorithms::AlgorithmChoice;
use super::error::Error;
use rustls::crypto::CryptoProvider;
use rustls::{ProtocolVersion, SupportedProtocolVersion};
use std::sync::Arc;

/// The TLS versions a config allows. ftls speaks only TLS 1.2 and 1.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Versions {
    pub tls12: bool,
    pub tls13: bool,
}

impl Default for Versions {
    fn default() -> Self {
        Self {
            tls12: true,
            tls13: true,
        }
    }
}

impl Versions {
    pub fn to_rustls(self) -> Result<Vec<&'static SupportedProtocolVersion>, Error> {
        let mut versions = Vec::with_capacity(2);
        if self.tls13 {
            versions.push(&rustls::version::TLS13);
        }
        if self.tls12 {
            versions.push(&rustls::version::TLS12);
        }
        if versions.is_empty() {
            return Err(Error::invalid_argument(
                "at least one protocol version (TLS 1.2 or TLS 1.3) must be enabled",
            ));
        }
        Ok(versions)
    }
}

/// The negotiation settings both client and server builders carry.
#[derive(Clone, Debug, Default)]
pub struct Negotiation {
    versions: Versions,
    alpn: Vec<Vec<u8>>,
    algorithms: AlgorithmChoice,
}

impl Negotiation {
    pub fn set_versions(&mut self, versions: Versions) -> Result<(), Error> {
        versions.to_rustls()?;
        self.versions = versions;
        Ok(())
    }

    /// The ALPN protocols, most preferred first; empty for none.
    pub fn set_alpn(&mut self, protocols: Vec<Vec<u8>>) -> Result<(), Error> {
        validate_alpn(&protocols)?;
        self.alpn = protocols;
        Ok(())
    }

    /// The cipher suites to offer or accept, by name, most preferred first.
    pub fn set_cipher_suites(&mut self, names: &[&str]) -> Result<(), Error> {
        self.algorithms.set_cipher_suites(names)
    }

    /// The key-exchange groups to offer or accept, by name, most preferred first.
    pub fn set_key_exchange_groups(&mut self, names: &[&str]) -> Result<(), Error> {
        self.algorithms.set_groups(names)
    }

    /// The crypto provider with the chosen cipher suites and groups.
    pub fn provider(&self) -> Result<Arc<CryptoProvider>, Error> {
        self.algorithms.provider(&self.versions.to_rustls()?)
    }

    pub fn versions(&self) -> Versions {
        self.versions
    }

    pub fn alpn(&self) -> &[Vec<u8>] {
        &self.alpn
    }
}

/// Checks an ALPN list: each protocol 1..=255 bytes (RFC 7301).
fn validate_alpn(protocols: &[Vec<u8>]) -> Result<(), Error> {
    for (index, protocol) in protocols.iter().enumerate() {
        if protocol.is_empty() || protocol.len() > 255 {
            return Err(Error::invalid_argument(format!(
                "ALPN protocol #{} must be 1 to 255 bytes long, not {}",
                index + 1,
                protocol.len()
            )));
        }
    }
    Ok(())
}

/// "TLSv1.2" / "TLSv1.3", as OpenSSL names them.
pub fn version_name(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::TLSv1_3 => "TLSv1.3",
        ProtocolVersion::TLSv1_2 => "TLSv1.2",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_empty_versions_and_bad_alpn() {
        let none = Versions {
            tls12: false,
            tls13: false,
        };
        assert!(none.to_rustls().is_err());
        assert!(validate_alpn(&[b"h2".to_vec(), vec![]]).is_err());
        assert!(validate_alpn(&[vec![b'x'; 256]]).is_err());
        assert!(validate_alpn(&[b"http/1.1".to_vec()]).is_ok());
    }
}
