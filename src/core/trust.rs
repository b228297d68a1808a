//! Trust anchors: the CA certificates a peer's chain must lead to.

use super::error::{describe_io, Error, ResultCode::*};
use super::sessions::PolicyEncoder;
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
    /// Adds every certificate in a PEM bundle; fails (adding nothing) if any is unusable.
    /// Returns how many were added.
    pub fn add_pem(&mut self, pem_bytes: &[u8], what: &str) -> Result<usize, Error> {
        let certs = pem::certificates(pem_bytes, what)?;
        self.add_all(&certs, what)
    }

    /// As [`Self::add_pem`], reading a file: PEM (any number of certificates) or DER (one).
    pub fn add_file(&mut self, path: &Path) -> Result<usize, Error> {
        let bytes = source::read_file(path)?;
        let certs = pem::certificates_pem_or_der(&bytes, &path.display().to_string())?;
        self.add_all(&certs, &path.display().to_string())
    }

    /// Adds one DER certificate.
    pub fn add_der(&mut self, der: &[u8], what: &str) -> Result<usize, Error> {
        let cert = pem::der_certificate(der, what)?;
        self.add_all(&[cert], what)
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
        let mut anchors = TrustAnchors::default();
        let bundle = [read("ca.pem"), read("other-ca.pem")].concat();
        let broken = [&bundle[..], NOT_A_CERTIFICATE].concat();
        let err = anchors.add_pem(&broken, "the bundle").unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_CERT_INVALID);
        assert!(
            err.detail()
                .starts_with("certificate #3 in the bundle cannot be a trust anchor"),
            "{err}"
        );
        assert!(anchors.is_empty(), "nothing of a refused bundle is kept");
        assert_eq!(anchors.add_pem(&bundle, "the bundle"), Ok(2));
        assert_eq!(anchors.root_store().len(), 2);
    }

    #[test]
    fn files_are_pem_or_der_and_der_input_must_be_der() {
        let mut anchors = TrustAnchors::default();
        assert_eq!(anchors.add_file(&cert_dir().join("ca.der")), Ok(1));
        assert_eq!(anchors.add_file(&cert_dir().join("other-ca.pem")), Ok(1));
        assert_eq!(anchors.add_der(&read("ca.der"), "the CA"), Ok(1));
        let err = anchors.add_der(&read("ca.pem"), "the CA").unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_BAD_PEM);
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
