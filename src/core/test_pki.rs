//! The test PKI (tools/test-pki) for the core's unit tests: written once per test process.

use super::identity::Identity;
use super::provider::default_provider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The directory holding every file of `ftls_test_pki::FILES`.
pub(crate) fn cert_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-certs/core-unit");
        ftls_test_pki::generate(&dir).expect("test certificates");
        dir
    })
}

/// The contents of one file of the test PKI.
pub(crate) fn read(name: &str) -> Vec<u8> {
    std::fs::read(cert_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every certificate of a PEM file of the test PKI, in order.
pub(crate) fn certificates(name: &str) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(&read(name))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// The identity of a chain file and its key file.
pub(crate) fn identity(chain: &str, key: &str) -> Identity {
    Identity::from_files(
        &cert_dir().join(chain),
        &cert_dir().join(key),
        &default_provider(),
    )
    .expect("identity")
}
