//! Trust anchors: the CA certificates a peer's chain must lead to.

use super::error::{Error, ResultCode::*};
use super::{pem, source};
use rustls::RootCertStore;
use std::path::Path;
use std::sync::Arc;

/// A growing set of trusted CA certificates.
#[derive(Clone, Debug)]
pub struct TrustAnchors {
    store: RootCertStore,
}

impl Default for TrustAnchors {
    fn default() -> Self {
        Self {
            store: RootCertStore::empty(),
        }
    }
}

impl TrustAnchors {
    /// Adds every certificate in a PEM bundle; fails (adding nothing) if any is unusable.
    /// Returns how many were added.
    pub fn add_pem(&mut self, pem_bytes: &[u8], what: &str) -> Result<usize, Error> {
        let certs = pem::certificates(pem_bytes, what)?;
        let mut store = self.store.clone();
        for (index, cert) in certs.iter().enumerate() {
            store.add(cert.clone()).map_err(|err| {
                Error::new(
                    FTLS_ERR_CERT_INVALID,
                    format!(
                        "certificate #{} in {what} cannot be a trust anchor: {err}",
                        index + 1
                    ),
                )
            })?;
        }
        self.store = store;
        Ok(certs.len())
    }

    /// As [`Self::add_pem`], reading a file.
    pub fn add_file(&mut self, path: &Path) -> Result<usize, Error> {
        let bytes = source::read_file(path)?;
        self.add_pem(&bytes, &path.display().to_string())
    }

    /// Adds the Mozilla root program's CAs bundled in this library (webpki-roots).
    pub fn add_webpki_roots(&mut self) -> usize {
        self.store
            .extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        webpki_roots::TLS_SERVER_ROOTS.len()
    }

    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    pub fn root_store(&self) -> Arc<RootCertStore> {
        Arc::new(self.store.clone())
    }
}
