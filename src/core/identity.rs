//! An identity: a certificate chain and the private key that matches its first certificate.

use super::certificate::CertificateInfo;
use super::error::{Error, ResultCode::*};
use super::key_password::KeyPassword;
use super::{pem, source};
use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
use rustls::InconsistentKeys;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

/// A checked certificate chain + signing key, ready for rustls.
#[derive(Clone, Debug)]
pub struct Identity {
    certified_key: Arc<CertifiedKey>,
    /// The leaf's DNS subjectAltNames (lower case), for choosing an identity by SNI.
    dns_names: Vec<String>,
}

impl Identity {
    /// A chain (PEM, or DER: one certificate or several concatenated, leaf first) and a private
    /// key (PEM or DER: PKCS#8, PKCS#1 RSA or SEC1 EC; encrypted PKCS#8 with `password`) in
    /// memory.
    pub fn from_mem(
        chain: &[u8],
        key: &[u8],
        password: Option<&KeyPassword>,
        provider: &CryptoProvider,
    ) -> Result<Self, Error> {
        let chain_name = "the certificate chain";
        let key_name = "the private key";
        if chain.is_empty() {
            return Err(Error::new(
                FTLS_ERR_NO_CERTIFICATE,
                "the certificate chain is empty",
            ));
        }
        let chain = pem::certificates_pem_or_der(chain, chain_name)?;
        let key = pem::private_key_pem_or_der(key, key_name, password)?;
        Self::new(chain, chain_name, key, key_name, provider)
    }

    /// As [`Self::from_files_with_password`] without a password.
    #[cfg(test)]
    pub fn from_files(
        chain_path: &Path,
        key_path: &Path,
        provider: &CryptoProvider,
    ) -> Result<Self, Error> {
        Self::from_files_with_password(chain_path, key_path, None, provider)
    }

    /// As [`Self::from_mem`], reading the two files; each may be PEM or DER (a DER chain file
    /// holds its certificates concatenated).
    pub fn from_files_with_password(
        chain_path: &Path,
        key_path: &Path,
        password: Option<&KeyPassword>,
        provider: &CryptoProvider,
    ) -> Result<Self, Error> {
        let chain = source::read_file(chain_path)?;
        let key = source::read_file(key_path)?;
        let chain_name = format!("the certificate chain file {}", chain_path.display());
        let key_name = format!("the private key file {}", key_path.display());
        let chain = pem::certificates_pem_or_der(&chain, &chain_name)?;
        let key = pem::private_key_pem_or_der(&key, &key_name, password)?;
        Self::new(chain, &chain_name, key, &key_name, provider)
    }

    /// Checks that `key` belongs to the first certificate of `chain` and makes the identity.
    pub fn new(
        chain: Vec<CertificateDer<'static>>,
        chain_name: &str,
        key: PrivateKeyDer<'static>,
        key_name: &str,
        provider: &CryptoProvider,
    ) -> Result<Self, Error> {
        let signing_key = provider.key_provider.load_private_key(key).map_err(|err| {
            Error::new(
                FTLS_ERR_UNSUPPORTED_KEY,
                format!("cannot use {key_name}: {err}"),
            )
        })?;
        let dns_names = chain
            .first()
            .and_then(|leaf| CertificateInfo::parse(leaf.as_ref()).ok())
            .map(|info| info.dns_names().map(str::to_ascii_lowercase).collect())
            .unwrap_or_default();
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
            dns_names,
        })
    }

    /// The same identity, stapling `response` (a DER OCSPResponse) to its certificate.
    pub fn with_ocsp_response(&self, response: Vec<u8>) -> Self {
        let mut certified_key = (*self.certified_key).clone();
        certified_key.ocsp = (!response.is_empty()).then_some(response);
        Self {
            certified_key: Arc::new(certified_key),
            dns_names: self.dns_names.clone(),
        }
    }

    pub fn certified_key(&self) -> Arc<CertifiedKey> {
        self.certified_key.clone()
    }

    /// Whether the certificate names `server_name` (exactly, or by a `*.` wildcard covering
    /// one label), ignoring case. Compared in place, without a lowercased copy: the resolver
    /// asks on every handshake.
    pub fn serves_name(&self, server_name: &str) -> bool {
        self.dns_names
            .iter()
            .any(|pattern| match pattern.strip_prefix("*.") {
                Some(suffix) => server_name.split_once('.').is_some_and(|(label, rest)| {
                    !label.is_empty() && rest.eq_ignore_ascii_case(suffix)
                }),
                None => pattern.eq_ignore_ascii_case(server_name),
            })
    }
}
