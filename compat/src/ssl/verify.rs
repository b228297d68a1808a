//! Verification as OpenSSL does it: the trust store (X509_STORE), the context a verify callback
//! receives (X509_STORE_CTX), OpenSSL's result codes and strings. ftls verifies the chain
//! (webpki); the connection then reports the outcome the OpenSSL way: it computes the
//! X509_V_ERR_* result and its depth, calls the program's verify callback, records the result
//! for SSL_get_verify_result, and fails the handshake only when the mode says so (a client with
//! SSL_VERIFY_NONE records the result and goes on, as OpenSSL does).

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ftls::core::{
    CertificateCheck, CertificateRequestChooser, CertificateRequestSummary, CheckRequest,
    IdentityChoice, Trust,
};
use ftls::core::{ClientConfigBuilder, ServerConfigBuilder};
use rustls_pki_types::CertificateDer;

use super::SSL;
use crate::err::{self, ERR_LIB_SSL, ERR_LIB_X509};
use crate::ffi::{self, guard};

/// Where trust anchors come from; replayed into each config built.
#[derive(Clone)]
enum Source {
    Certificates(Vec<CertificateDer<'static>>),
    Directory(PathBuf),
    System,
}

/// X509_STORE: the CA certificates a context trusts.
#[derive(Default)]
pub struct X509_STORE {
    sources: Mutex<Vec<Source>>,
    generation: AtomicU64,
}

impl X509_STORE {
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    fn add(&self, source: Source) {
        self.sources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(source);
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    fn sources(&self) -> Vec<Source> {
        self.sources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn add_certificate(&self, der: CertificateDer<'static>) {
        self.add(Source::Certificates(vec![der]));
    }

    /// The trust anchors of the context's store, as a trust object for a client builder.
    pub fn apply_client(&self, builder: &mut ClientConfigBuilder) -> Result<(), ftls::core::Error> {
        builder.set_trust(Arc::new(self.trust(true)?));
        Ok(())
    }

    /// The store's sources as a trust object; system roots only when `with_system` (a server
    /// does not trust every public CA for client certificates).
    fn trust(&self, with_system: bool) -> Result<Trust, ftls::core::Error> {
        let mut trust = Trust::new();
        for source in self.sources() {
            match source {
                Source::Certificates(certs) => {
                    for cert in certs {
                        trust.add_ca_mem(&cert)?;
                    }
                }
                Source::Directory(dir) => {
                    trust.add_ca_dir(&dir)?;
                }
                Source::System if with_system => {
                    trust.add_system_roots()?;
                }
                Source::System => {}
            }
        }
        Ok(trust)
    }

    /// The trust anchors of the context's store, for client certificates.
    pub fn apply_server(&self, builder: &mut ServerConfigBuilder) -> Result<(), ftls::core::Error> {
        builder.set_trust(Arc::new(self.trust(false)?));
        Ok(())
    }

    /// The trusted certificate (among those loaded from files or added) whose subject is
    /// `issuer`: the top of the chain OpenSSL shows a verify callback.
    pub fn anchor_for(&self, issuer: &[u8]) -> Option<CertificateDer<'static>> {
        self.sources().into_iter().find_map(|source| match source {
            Source::Certificates(certs) => certs.into_iter().find(|der| {
                crate::x509::X509::from_der(der).is_ok_and(|cert| cert.subject().der() == issuer)
            }),
            _ => None,
        })
    }

    /// Trusts the certificates of a PEM file. 1, or 0 with errors queued.
    pub fn load_file(&self, function: &'static str, file: *const c_char) -> c_int {
        // A missing file: the records OpenSSL's X509_LOOKUP queues (BIO "no such file").
        let records = super::ctx::FileRecords {
            bio_reason: crate::err::BIO_R_NO_SUCH_FILE,
            caller_lib: ERR_LIB_X509,
        };
        let Some((bytes, path)) = super::ctx::read_file_as(function, file, records) else {
            return 0;
        };
        match ftls::core::certificates_from_pem(&bytes, &path.display().to_string()) {
            Ok(certs) if !certs.is_empty() => {
                self.add(Source::Certificates(certs));
                1
            }
            Ok(_) => {
                err::raise(
                    ERR_LIB_X509,
                    crate::err::ERR_R_PEM_LIB,
                    function,
                    format!("{}: no certificate", path.display()),
                );
                0
            }
            Err(error) => {
                super::ctx::raise_core(ERR_LIB_X509, crate::err::ERR_R_PEM_LIB, function, &error);
                0
            }
        }
    }

    /// Trusts the certificates of a directory (OpenSSL's hashed layout, or any PEM files).
    pub fn load_dir(&self, function: &'static str, dir: *const c_char) -> c_int {
        // SAFETY: C passes a NUL-terminated path.
        let Some(dir) = (unsafe { ffi::str_arg(dir) }) else {
            ffi::null_argument(ERR_LIB_SSL, function, "the directory");
            return 0;
        };
        let dir = PathBuf::from(dir);
        let mut probe = ftls::core::TrustAnchors::default();
        match probe.add_dir(&dir) {
            Ok(_) => {
                self.add(Source::Directory(dir));
                1
            }
            // OpenSSL accepts any path and looks certificates up in it by hash links only
            // when verifying: a directory where ftls finds none, or a missing one, trusts
            // nothing, and succeeds.
            Err(_) => 1,
        }
    }

    /// The platform's trust store, honouring SSL_CERT_FILE and SSL_CERT_DIR (OpenSSL's
    /// variables). Returns 1 even when the store is empty, as OpenSSL does.
    pub fn use_default_paths(&self) -> c_int {
        self.add(Source::System);
        1
    }
}

/// X509_STORE_CTX: what a verify callback is given: the certificate being looked at, its depth,
/// the error found there (X509_V_OK when none), and the connection (ex_data index 0).
pub struct X509_STORE_CTX {
    pub error: Cell<c_int>,
    pub depth: Cell<c_int>,
    pub current_cert: Cell<*mut c_void>,
    pub ssl: *mut SSL,
}

thread_local! {
    /// The connection this thread is driving: the verification bridge works for it.
    pub static CURRENT_SSL: Cell<*const SSL> = const { Cell::new(std::ptr::null()) };
}

/// Sets the current connection for the duration of a call, restoring the previous one after
/// (a callback may drive another connection).
pub struct Current(*const SSL);

impl Current {
    pub fn enter(ssl: *const SSL) -> Self {
        Current(CURRENT_SSL.with(|c| c.replace(ssl)))
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        CURRENT_SSL.with(|c| c.set(self.0));
    }
}

#[derive(Debug)]
struct Bridge;

impl CertificateCheck for Bridge {
    fn check(&self, request: &CheckRequest<'_>) -> Result<(), ftls::core::Error> {
        let ssl = CURRENT_SSL.with(Cell::get);
        // SAFETY: CURRENT_SSL is set only while this thread is inside a call on that SSL (see
        // Current), so the object is alive.
        match unsafe { ssl.as_ref() } {
            Some(ssl) => super::conn::verify_peer(ssl, request),
            None => request.standard_result.map_err(|e| e.clone()),
        }
    }

    fn identity(&self) -> Vec<u8> {
        b"ftls-openssl: OpenSSL verification".to_vec()
    }
}

/// Keeps the CA names of a server's CertificateRequest on the connection being driven, for
/// SSL_get_client_CA_list; the identity is chosen as without it.
#[derive(Debug)]
struct CaNamesRecorder;

impl CertificateRequestChooser for CaNamesRecorder {
    fn choose(&self, request: &CertificateRequestSummary<'_>) -> IdentityChoice {
        let ssl = CURRENT_SSL.with(Cell::get);
        // SAFETY: CURRENT_SSL is set only while this thread is inside a call on that SSL (see
        // Current), so the object is alive.
        if let Some(ssl) = unsafe { ssl.as_ref() } {
            super::conn::record_peer_ca_names(ssl, request.ca_names);
        }
        IdentityChoice::Automatic
    }
}

/// The certificate chooser every client config of this library installs.
pub fn ca_names_recorder() -> Arc<dyn CertificateRequestChooser> {
    static RECORDER: OnceLock<Arc<dyn CertificateRequestChooser>> = OnceLock::new();
    RECORDER.get_or_init(|| Arc::new(CaNamesRecorder)).clone()
}

/// The check every config of this library installs.
pub fn bridge() -> Arc<dyn CertificateCheck> {
    static BRIDGE: OnceLock<Arc<dyn CertificateCheck>> = OnceLock::new();
    BRIDGE.get_or_init(|| Arc::new(Bridge)).clone()
}

pub const X509_V_OK: c_int = 0;
pub const X509_V_ERR_UNSPECIFIED: c_int = 1;
pub const X509_V_ERR_CERT_SIGNATURE_FAILURE: c_int = 7;
pub const X509_V_ERR_CERT_NOT_YET_VALID: c_int = 9;
pub const X509_V_ERR_CERT_HAS_EXPIRED: c_int = 10;
pub const X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: c_int = 18;
pub const X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: c_int = 19;
pub const X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: c_int = 20;
pub const X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: c_int = 21;
pub const X509_V_ERR_CERT_CHAIN_TOO_LONG: c_int = 22;
pub const X509_V_ERR_CERT_REVOKED: c_int = 23;
pub const X509_V_ERR_INVALID_PURPOSE: c_int = 26;
pub const X509_V_ERR_CERT_REJECTED: c_int = 28;
pub const X509_V_ERR_APPLICATION_VERIFICATION: c_int = 50;
pub const X509_V_ERR_HOSTNAME_MISMATCH: c_int = 62;
pub const X509_V_ERR_INVALID_CA: c_int = 79;

/// OpenSSL's texts for the verification results.
const STRINGS: &[(c_int, &CStr)] = &[
    (0, c"ok"),
    (1, c"unspecified certificate verification error"),
    (2, c"unable to get issuer certificate"),
    (3, c"unable to get certificate CRL"),
    (4, c"unable to decrypt certificate's signature"),
    (5, c"unable to decrypt CRL's signature"),
    (6, c"unable to decode issuer public key"),
    (7, c"certificate signature failure"),
    (8, c"CRL signature failure"),
    (9, c"certificate is not yet valid"),
    (10, c"certificate has expired"),
    (11, c"CRL is not yet valid"),
    (12, c"CRL has expired"),
    (13, c"format error in certificate's notBefore field"),
    (14, c"format error in certificate's notAfter field"),
    (15, c"format error in CRL's lastUpdate field"),
    (16, c"format error in CRL's nextUpdate field"),
    (17, c"out of memory"),
    (18, c"self-signed certificate"),
    (19, c"self-signed certificate in certificate chain"),
    (20, c"unable to get local issuer certificate"),
    (21, c"unable to verify the first certificate"),
    (22, c"certificate chain too long"),
    (23, c"certificate revoked"),
    (24, c"issuer certificate lookup error"),
    (25, c"path length constraint exceeded"),
    (26, c"unsuitable certificate purpose"),
    (27, c"certificate not trusted"),
    (28, c"certificate rejected"),
    (29, c"subject issuer mismatch"),
    (30, c"authority and subject key identifier mismatch"),
    (31, c"authority and issuer serial number mismatch"),
    (32, c"key usage does not include certificate signing"),
    (33, c"unable to get CRL issuer certificate"),
    (34, c"unhandled critical extension"),
    (35, c"key usage does not include CRL signing"),
    (36, c"unhandled critical CRL extension"),
    (37, c"invalid non-CA certificate (has CA markings)"),
    (38, c"proxy path length constraint exceeded"),
    (39, c"key usage does not include digital signature"),
    (
        40,
        c"proxy certificates not allowed, please set the appropriate flag",
    ),
    (41, c"invalid or inconsistent certificate extension"),
    (42, c"invalid or inconsistent certificate policy extension"),
    (43, c"no explicit policy"),
    (44, c"Different CRL scope"),
    (45, c"Unsupported extension feature"),
    (46, c"RFC 3779 resource not subset of parent's resources"),
    (47, c"permitted subtree violation"),
    (48, c"excluded subtree violation"),
    (49, c"name constraints minimum and maximum not supported"),
    (50, c"application verification failure"),
    (51, c"unsupported name constraint type"),
    (52, c"unsupported or invalid name constraint syntax"),
    (53, c"unsupported or invalid name syntax"),
    (54, c"CRL path validation error"),
    (55, c"Path Loop"),
    (62, c"hostname mismatch"),
    (63, c"email address mismatch"),
    (64, c"IP address mismatch"),
    (65, c"No matching DANE TLSA records"),
    (66, c"EE certificate key too weak"),
    (67, c"CA certificate key too weak"),
    (68, c"CA signature digest algorithm too weak"),
    (69, c"Invalid certificate verification context"),
    (70, c"Issuer certificate lookup error"),
    (
        71,
        c"Certificate Transparency required, but no valid SCTs found",
    ),
    (72, c"proxy subject name violation"),
    (76, c"Cannot find certificate signature algorithm"),
    (
        77,
        c"subject signature algorithm and issuer public key algorithm mismatch",
    ),
    (78, c"cert info signature and signature algorithm mismatch"),
    (79, c"invalid CA certificate"),
    (80, c"Path length invalid for non-CA cert"),
    (81, c"Path length given without key usage keyCertSign"),
    (82, c"Key usage keyCertSign invalid for non-CA cert"),
    (83, c"Issuer name empty"),
    (84, c"Subject name empty"),
    (85, c"Missing Authority Key Identifier"),
    (86, c"Missing Subject Key Identifier"),
    (87, c"Empty Subject Alternative Name extension"),
    (88, c"Basic Constraints of CA cert not marked critical"),
    (
        89,
        c"Subject empty and Subject Alt Name extension not critical",
    ),
    (90, c"Authority Key Identifier marked critical"),
    (91, c"Subject Key Identifier marked critical"),
    (92, c"CA cert does not include key usage extension"),
    (93, c"Using cert extension requires at least X509v3"),
    (94, c"Certificate public key has explicit ECC parameters"),
];

/// OpenSSL's text for a verification result; "unknown certificate verification error" for a
/// number it does not know.
pub fn error_string(code: c_int) -> &'static CStr {
    STRINGS
        .iter()
        .find(|(n, _)| *n == code)
        .map_or(c"unknown certificate verification error", |(_, s)| s)
}

#[no_mangle]
pub extern "C" fn X509_verify_cert_error_string(n: std::ffi::c_long) -> *const c_char {
    guard("X509_verify_cert_error_string", c"".as_ptr(), || {
        error_string(c_int::try_from(n).unwrap_or(-1)).as_ptr()
    })
}

fn store_ctx<'a>(ctx: *const X509_STORE_CTX) -> Option<&'a X509_STORE_CTX> {
    // SAFETY: an X509_STORE_CTX exists only during a verify callback, which receives it: C
    // passes that pointer (or NULL) back within the callback.
    unsafe { ctx.as_ref() }
}

#[no_mangle]
pub extern "C" fn X509_STORE_CTX_get_error(ctx: *const X509_STORE_CTX) -> c_int {
    guard("X509_STORE_CTX_get_error", 0, || {
        store_ctx(ctx).map_or(0, |c| c.error.get())
    })
}

#[no_mangle]
pub extern "C" fn X509_STORE_CTX_set_error(ctx: *mut X509_STORE_CTX, s: c_int) {
    guard("X509_STORE_CTX_set_error", (), || {
        if let Some(c) = store_ctx(ctx) {
            c.error.set(s);
        }
    })
}

#[no_mangle]
pub extern "C" fn X509_STORE_CTX_get_error_depth(ctx: *const X509_STORE_CTX) -> c_int {
    guard("X509_STORE_CTX_get_error_depth", 0, || {
        store_ctx(ctx).map_or(0, |c| c.depth.get())
    })
}

#[no_mangle]
pub extern "C" fn X509_STORE_CTX_get_current_cert(ctx: *const X509_STORE_CTX) -> *mut c_void {
    guard(
        "X509_STORE_CTX_get_current_cert",
        std::ptr::null_mut(),
        || store_ctx(ctx).map_or(std::ptr::null_mut(), |c| c.current_cert.get()),
    )
}

/// The connection being verified, at the index SSL_get_ex_data_X509_STORE_CTX_idx() returns;
/// NULL for other indexes.
#[no_mangle]
pub extern "C" fn X509_STORE_CTX_get_ex_data(
    ctx: *const X509_STORE_CTX,
    idx: c_int,
) -> *mut c_void {
    guard(
        "X509_STORE_CTX_get_ex_data",
        std::ptr::null_mut(),
        || match store_ctx(ctx) {
            Some(c) if idx == 0 => c.ssl.cast(),
            _ => std::ptr::null_mut(),
        },
    )
}

#[no_mangle]
pub extern "C" fn SSL_get_ex_data_X509_STORE_CTX_idx() -> c_int {
    0
}

#[no_mangle]
pub extern "C" fn X509_STORE_set_default_paths(store: *mut X509_STORE) -> c_int {
    guard("X509_STORE_set_default_paths", 0, || {
        // SAFETY: C passes NULL or the store SSL_CTX_get_cert_store gave it.
        unsafe { ffi::borrow(store) }.map_or(0, X509_STORE::use_default_paths)
    })
}

#[no_mangle]
pub extern "C" fn X509_STORE_load_locations(
    store: *mut X509_STORE,
    file: *const c_char,
    dir: *const c_char,
) -> c_int {
    const F: &str = "X509_STORE_load_locations";
    guard(F, 0, || {
        // SAFETY: C passes NULL or the store SSL_CTX_get_cert_store gave it.
        let Some(store) = (unsafe { ffi::borrow(store) }) else {
            return 0;
        };
        if file.is_null() && dir.is_null() {
            return 0;
        }
        if !file.is_null() && store.load_file(F, file) == 0 {
            return 0;
        }
        if !dir.is_null() && store.load_dir(F, dir) == 0 {
            return 0;
        }
        1
    })
}

/// Trusts one more CA certificate (its DER is copied). 1, or 0 for NULL arguments.
#[no_mangle]
pub extern "C" fn X509_STORE_add_cert(store: *mut X509_STORE, x: *mut crate::x509::X509) -> c_int {
    guard("X509_STORE_add_cert", 0, || {
        // SAFETY: C passes NULL or the store SSL_CTX_get_cert_store gave it, and NULL or a
        // certificate it holds.
        let (Some(store), Some(cert)) = (unsafe { ffi::borrow(store) }, unsafe { ffi::borrow(x) })
        else {
            ffi::null_argument(
                ERR_LIB_X509,
                "X509_STORE_add_cert",
                "the store or the certificate",
            );
            return 0;
        };
        store.add_certificate(CertificateDer::from(cert.der().to_vec()));
        1
    })
}
