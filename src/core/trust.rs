//! What a peer's certificate is checked against: trust anchors (the CA certificates a peer's
//! chain must lead to) with CRLs and a revocation policy, or pinned certificates.

use super::error::{describe_io, Error, ResultCode::*};
use super::sessions::PolicyEncoder;
use super::verify::{CertificateCheck, CheckMode, PeerVerification, RevocationPolicy};
use super::{pem, source};
use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
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
    /// Adds the certificates of a file: PEM (any number) or DER (one, or several concatenated).
    /// All or nothing: fails, adding none, if one is unusable. Returns how many were added.
    pub fn add_file(&mut self, path: &Path) -> Result<usize, Error> {
        let bytes = source::read_file(path)?;
        let certs = pem::certificates_pem_or_der(&bytes, &path.display().to_string())?;
        self.add_all(&certs, &path.display().to_string())
    }

    /// Adds the certificates of every PEM file in a directory (not its subdirectories), such
    /// as a directory in OpenSSL's hashed-name layout (`<hash>.0` files or links, made by
    /// `openssl rehash`). Files without a `CERTIFICATE` section (CRLs, notes) are skipped; a
    /// broken certificate section fails the whole call. All or nothing.
    pub fn add_dir(&mut self, dir: &Path) -> Result<usize, Error> {
        let fail = |err: &std::io::Error| {
            Error::new(
                FTLS_ERR_FILE,
                format!(
                    "cannot read the directory {}: {}",
                    dir.display(),
                    describe_io(err)
                ),
            )
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| fail(&e))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(|e| fail(&e))?;
        paths.sort();
        let mut certs = Vec::new();
        for path in paths {
            // Follows links: the hashed layout is made of them. Dangling links are skipped.
            if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                continue;
            }
            let bytes = source::read_file(&path)?;
            if pem::contains(&bytes, b"-----BEGIN CERTIFICATE-----") {
                certs.extend(pem::certificates(&bytes, &path.display().to_string())?);
            }
        }
        let mut seen = std::collections::HashSet::new();
        certs.retain(|cert| seen.insert(cert.as_ref().to_vec()));
        if certs.is_empty() {
            return Err(Error::new(
                FTLS_ERR_NO_CERTIFICATE,
                format!(
                    "no file in the directory {} holds a certificate",
                    dir.display()
                ),
            ));
        }
        self.add_all(&certs, &format!("the directory {}", dir.display()))
    }

    /// Adds the platform's trust store: on Linux the CA bundle and directory OpenSSL uses
    /// (found by rustls-native-certs / openssl-probe), on macOS and Windows the system's
    /// keychain or certificate store. `SSL_CERT_FILE` and `SSL_CERT_DIR` (a `:`-separated list)
    /// name other places, as for OpenSSL; when either is set, only what they name is read.
    /// Certificates the platform holds but webpki cannot use as anchors are skipped, as
    /// OpenSSL skips them.
    pub fn add_system_roots(&mut self) -> Result<usize, Error> {
        let found = rustls_native_certs::load_native_certs();
        let problems: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
        let looked_at = system_store_description();
        if found.certs.is_empty() {
            let (code, why) = if problems.is_empty() {
                (
                    FTLS_ERR_NO_CERTIFICATE,
                    "no CA certificate found".to_owned(),
                )
            } else {
                (FTLS_ERR_FILE, problems.join("; "))
            };
            return Err(Error::new(
                code,
                format!("cannot load the system trust store ({looked_at}): {why}"),
            ));
        }
        let (added, _unusable) = self.store.add_parsable_certificates(found.certs);
        if added == 0 {
            return Err(Error::new(
                FTLS_ERR_CERT_INVALID,
                format!(
                    "the system trust store ({looked_at}) holds no certificate usable as a \
                     trust anchor"
                ),
            ));
        }
        Ok(added)
    }

    /// All or nothing: the store changes only if every certificate is a usable anchor.
    fn add_all(&mut self, certs: &[CertificateDer<'static>], what: &str) -> Result<usize, Error> {
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

    /// Each anchor as webpki uses it (subject, public key, name constraints), encoded for a
    /// policy digest.
    pub(crate) fn policy_members(&self) -> Vec<Vec<u8>> {
        self.store
            .roots
            .iter()
            .map(|anchor| {
                PolicyEncoder::member(&[
                    Some(anchor.subject.as_ref()),
                    Some(anchor.subject_public_key_info.as_ref()),
                    anchor.name_constraints.as_ref().map(|c| c.as_ref()),
                ])
            })
            .collect()
    }
}

/// Everything a peer's certificate is checked against, loaded once and handed to either kind
/// of config builder: CA certificates, CRLs and the revocation policy, or pinned certificates.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    anchors: TrustAnchors,
    /// Pins, CRLs and the revocation policy; never an application check (builders own that).
    rules: PeerVerification,
}

impl Trust {
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts the CA certificates of a file: PEM (any number) or DER (one, or several
    /// concatenated). All or nothing.
    pub fn add_ca_file(&mut self, path: &Path) -> Result<usize, Error> {
        self.anchors.add_file(path)
    }

    /// Trusts the CA certificates of every PEM file in a directory (OpenSSL's hashed layout
    /// too). All or nothing.
    pub fn add_ca_dir(&mut self, dir: &Path) -> Result<usize, Error> {
        self.anchors.add_dir(dir)
    }

    /// Trusts the CA certificates in memory: PEM (any number) or DER (one, or several
    /// concatenated). All or nothing.
    pub fn add_ca_mem(&mut self, data: &[u8]) -> Result<usize, Error> {
        let what = "the CA data";
        self.anchors
            .add_all(&pem::certificates_pem_or_der(data, what)?, what)
    }

    /// Trusts the platform's store (honouring `SSL_CERT_FILE` / `SSL_CERT_DIR`).
    pub fn add_system_roots(&mut self) -> Result<usize, Error> {
        self.anchors.add_system_roots()
    }

    /// Trusts the Mozilla CA set bundled with ftls (webpki-roots).
    pub fn add_webpki_roots(&mut self) -> usize {
        self.anchors.add_webpki_roots()
    }

    /// Adds the CRLs of a file (PEM `X509 CRL` sections, or one DER CRL). All or nothing.
    pub fn add_crl_file(&mut self, path: &Path) -> Result<usize, Error> {
        self.rules.add_crl_file(path)
    }

    /// Adds the CRLs in memory (PEM sections, or one DER CRL). All or nothing.
    pub fn add_crl_mem(&mut self, data: &[u8]) -> Result<usize, Error> {
        if pem::is_pem(data) {
            self.rules.add_crl_pem(data)
        } else {
            self.rules.add_crl_der(data)
        }
    }

    pub fn set_revocation_policy(&mut self, policy: RevocationPolicy) {
        self.rules.set_revocation_policy(policy);
    }

    /// Pins the certificates of a file (PEM, or DER: one or several concatenated).
    pub fn add_pin_file(&mut self, path: &Path) -> Result<usize, Error> {
        self.rules.pin_file(path)
    }

    /// Pins the certificates in memory (PEM, or DER: one or several concatenated).
    pub fn add_pin_mem(&mut self, data: &[u8]) -> Result<usize, Error> {
        let certs = pem::certificates_pem_or_der(data, "the pinned certificate data")?;
        let count = certs.len();
        certs
            .into_iter()
            .for_each(|cert| self.rules.pin_certificate(cert));
        Ok(count)
    }

    pub(crate) fn anchors(&self) -> &TrustAnchors {
        &self.anchors
    }

    /// How peers are judged: these anchors' rules with a builder's application check.
    pub(crate) fn verification(
        &self,
        check: Option<(Arc<dyn CertificateCheck>, CheckMode)>,
    ) -> PeerVerification {
        let mut verification = self.rules.clone();
        verification.set_check(check);
        verification
    }
}

/// Where the system store was looked for, for error details.
fn system_store_description() -> String {
    let var = |name: &str| {
        std::env::var_os(name).map(|value| format!("{name}={}", value.to_string_lossy()))
    };
    let set: Vec<String> = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .iter()
        .filter_map(|name| var(name))
        .collect();
    if set.is_empty() {
        "the platform's CA bundle; SSL_CERT_FILE and SSL_CERT_DIR are not set".to_owned()
    } else {
        set.join(", ")
    }
}
