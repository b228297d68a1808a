//! An identity: a certificate chain and the private key that matches its first certificate.

use super::error::{Error, ResultCode::*};
use super::{pem, source};
use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
use rustls::InconsistentKeys;
use std::path::Path;
use std::sync::Arc;

/// A checked certificate chain + signing key, ready for rustls.
#[derive(Clone, Debug)]
pub struct Identity {
    certified_key: Arc<CertifiedKey>,
}

impl Identity {
    /// Loads a PEM chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC),
    /// and checks that the key belongs to the leaf certificate.
    pub fn from_pem(
        chain_pem: &[u8],
        key_pem: &[u8],
        provider: &CryptoProvider,
    ) -> Result<Self, Error> {
        Self::load(
            chain_pem,
            "the certificate chain",
            key_pem,
            "the private key",
            provider,
        )
    }

    /// As [`Self::from_pem`], reading the two files.
    pub fn from_files(
        chain_path: &Path,
        key_path: &Path,
        provider: &CryptoProvider,
    ) -> Result<Self, Error> {
        let chain = source::read_file(chain_path)?;
        let key = source::read_file(key_path)?;
        Self::load(
            &chain,
            &format!("the certificate chain file {}", chain_path.display()),
            &key,
            &format!("the private key file {}", key_path.display()),
            provider,
        )
    }

    fn load(
        chain_pem: &[u8],
        chain_name: &str,
        key_pem: &[u8],
        key_name: &str,
        provider: &CryptoProvider,
    ) -> Result<Self, Error> {
        let chain = pem::certificates(chain_pem, chain_name)?;
        let key = pem::private_key(key_pem, key_name)?;
        let signing_key = provider.key_provider.load_private_key(key).map_err(|err| {
            Error::new(
                FTLS_ERR_UNSUPPORTED_KEY,
                format!("cannot use {key_name}: {err}"),
            )
        })?;
        let certified_key = CertifiedKey::new(chain, signing_key);
        match certified_key.keys_match() {
            // Unknown: the key type cannot report its public key, so nothing can be compared.
            Ok(()) | Err(rustls::Error::InconsistentKeys(InconsistentKeys::Unknown)) => {}
            Err(rustls::Error::InconsistentKeys(InconsistentKeys::KeyMismatch)) => {
                return Err(Error::new(
                    FTLS_ERR_KEY_MISMATCH,
                    format!(
                        "{key_name} does not match the public key of the first certificate \
                         in {chain_name}"
                    ),
                ))
            }
            Err(err) => {
                return Err(Error::new(
                    FTLS_ERR_CERT_INVALID,
                    format!("the first certificate in {chain_name} cannot be used: {err}"),
                ))
            }
        }
        Ok(Self {
            certified_key: Arc::new(certified_key),
        })
    }

    pub fn certified_key(&self) -> Arc<CertifiedKey> {
        self.certified_key.clone()
    }
}
