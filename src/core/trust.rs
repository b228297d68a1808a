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
        self.rules.pin_mem(data)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::test_pki::{cert_dir, read};
    use std::path::PathBuf;

    /// A fresh directory of its own for a test, removed when dropped.
    struct ScratchDir(PathBuf);

    impl ScratchDir {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("ftls-trust-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("scratch directory");
            Self(dir)
        }

        fn write(&self, name: &str, contents: &[u8]) {
            std::fs::write(self.0.join(name), contents).expect("scratch file");
        }
    }

    impl Drop for ScratchDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn digest(anchors: &TrustAnchors) -> crate::core::sessions::PolicyDigest {
        let mut policy = PolicyEncoder::new();
        policy.set("anchor", anchors.policy_members());
        policy.finish()
    }

    /// A CERTIFICATE section whose body is well-formed base64 but not a certificate.
    const NOT_A_CERTIFICATE: &[u8] =
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

    #[test]
    fn a_bundle_is_added_whole_or_not_at_all() {
        let mut trust = Trust::default();
        let bundle = [read("ca.pem"), read("other-ca.pem")].concat();
        let broken = [&bundle[..], NOT_A_CERTIFICATE].concat();
        let err = trust.add_ca_mem(&broken).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_CERT_INVALID);
        assert!(
            err.detail()
                .starts_with("certificate #3 in the CA data cannot be a trust anchor"),
            "{err}"
        );
        assert!(
            trust.anchors().is_empty(),
            "nothing of a refused bundle is kept"
        );
        assert_eq!(trust.add_ca_mem(&bundle), Ok(2));
        assert_eq!(trust.anchors().root_store().len(), 2);
    }

    #[test]
    fn files_and_memory_are_pem_or_der() {
        let mut anchors = TrustAnchors::default();
        assert_eq!(anchors.add_file(&cert_dir().join("ca.der")), Ok(1));
        assert_eq!(anchors.add_file(&cert_dir().join("other-ca.pem")), Ok(1));
        let mut trust = Trust::default();
        assert_eq!(trust.add_ca_mem(&read("ca.der")), Ok(1));
        assert_eq!(trust.add_ca_mem(b"").unwrap_err().code(), FTLS_ERR_BAD_PEM);
        let err = anchors
            .add_file(&cert_dir().join("missing.pem"))
            .unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_FILE);
        assert!(err.detail().contains("missing.pem"), "{err}");
    }

    #[test]
    fn a_directory_adds_each_certificate_once_and_skips_other_files() {
        let dir = ScratchDir::new("dir");
        dir.write("ca.pem", &read("ca.pem"));
        dir.write("ca-again.0", &read("ca.pem"));
        dir.write("other.0", &read("other-ca.pem"));
        dir.write("ca.crl.pem", &read("ca.crl.pem"));
        dir.write("README", b"not a certificate");
        std::fs::create_dir(dir.0.join("nested")).unwrap();
        std::fs::write(dir.0.join("nested/server.pem"), read("server.pem")).unwrap();
        let mut anchors = TrustAnchors::default();
        assert_eq!(anchors.add_dir(&dir.0), Ok(2));
        let mut files = TrustAnchors::default();
        files.add_file(&cert_dir().join("other-ca.pem")).unwrap();
        files.add_file(&cert_dir().join("ca.pem")).unwrap();
        assert_eq!(digest(&anchors), digest(&files), "the same two anchors");

        // One broken certificate section fails the whole directory.
        dir.write("broken.pem", NOT_A_CERTIFICATE);
        let mut anchors = TrustAnchors::default();
        let err = anchors.add_dir(&dir.0).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_CERT_INVALID);
        assert!(anchors.is_empty());
    }

    #[test]
    fn a_directory_without_certificates_is_an_error() {
        let dir = ScratchDir::new("empty");
        dir.write("ca.crl.pem", &read("ca.crl.pem"));
        let mut anchors = TrustAnchors::default();
        let err = anchors.add_dir(&dir.0).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_NO_CERTIFICATE);
        assert!(err.detail().contains("holds a certificate"), "{err}");
        let err = anchors.add_dir(&dir.0.join("absent")).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_FILE);
        assert!(
            err.detail().starts_with("cannot read the directory"),
            "{err}"
        );
    }

    #[test]
    fn the_policy_digest_depends_on_the_anchors_not_their_order() {
        let load = |files: &[&str]| {
            let mut anchors = TrustAnchors::default();
            for file in files {
                anchors.add_file(&cert_dir().join(file)).unwrap();
            }
            digest(&anchors)
        };
        assert_eq!(
            load(&["ca.pem", "other-ca.pem"]),
            load(&["other-ca.pem", "ca.pem"])
        );
        assert_ne!(load(&["ca.pem"]), load(&["other-ca.pem"]));
        assert_ne!(load(&["ca.pem"]), load(&[]));
    }

    #[test]
    fn the_bundled_roots_are_anchors() {
        let mut anchors = TrustAnchors::default();
        let added = anchors.add_webpki_roots();
        assert!(added > 100, "{added}");
        assert_eq!(anchors.root_store().len(), added);
    }
}
