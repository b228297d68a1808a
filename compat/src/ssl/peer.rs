//! The peer's certificates as X509 objects: the verify callback's current certificate,
//! SSL_get1_peer_certificate / SSL_get0_peer_certificate, SSL_get_peer_cert_chain.

use std::ffi::c_void;

use rustls_pki_types::CertificateDer;

use crate::ffi;
use crate::stack::OPENSSL_STACK;
use crate::x509::X509;

/// An X509 object (one reference, for the caller to release) for the certificate at `depth`
/// of a chain; NULL when there is none or it does not parse.
pub fn certificate_object(chain: &[CertificateDer<'_>], depth: usize) -> *mut c_void {
    chain
        .get(depth)
        .and_then(|der| X509::from_der(der).ok())
        .map_or(std::ptr::null_mut(), |x| ffi::into_c(x).cast())
}

/// Releases what certificate_object returned.
pub fn release_object(cert: *mut c_void) {
    // SAFETY: NULL or an X509 made by certificate_object, whose reference is given up here.
    unsafe { ffi::release(cert.cast::<X509>()) };
}

/// The peer's certificates as objects, made once per connection and kept with it (the
/// borrowed results point at them).
pub struct PeerObjects {
    certs: Vec<ffi::Owned<X509>>,
    /// SSL_get_peer_cert_chain's stack (its items are `certs`' objects, not referenced again).
    stack: *mut OPENSSL_STACK,
}

// SAFETY: the stack pointer is owned here and only read through this object, which moves with
// the connection (one thread at a time).
unsafe impl Send for PeerObjects {}

impl PeerObjects {
    /// `with_leaf`: whether the stack holds the peer's own certificate (a client's view) or
    /// only the rest of its chain (a server's view, as OpenSSL gives it).
    pub fn new(chain: &[CertificateDer<'_>], with_leaf: bool) -> Self {
        let certs: Vec<ffi::Owned<X509>> = chain
            .iter()
            .filter_map(|der| X509::from_der(der).ok())
            .map(|x| ffi::Owned::from_arc(std::sync::Arc::new(x)))
            .collect();
        let skip = usize::from(!with_leaf);
        let items = certs
            .iter()
            .skip(skip)
            .map(|c| c.as_ptr().cast::<c_void>())
            .collect();
        PeerObjects {
            stack: OPENSSL_STACK::new(items).into_raw(),
            certs,
        }
    }

    pub fn leaf(&self) -> Option<&ffi::Owned<X509>> {
        self.certs.first()
    }

    pub fn stack(&self) -> *mut OPENSSL_STACK {
        self.stack
    }
}

impl Drop for PeerObjects {
    fn drop(&mut self) {
        crate::stack::OPENSSL_sk_free(self.stack);
    }
}
