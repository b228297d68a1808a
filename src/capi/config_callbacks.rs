//! Callbacks a config calls during handshakes: the certificate verification callback, the
//! server's ClientHello callback and the client's certificate callback. A config is shared by
//! connections on any number of threads, so these run on whichever thread drives a connection,
//! possibly several at once.

use super::borrowed::{ftls_bytes, ftls_str};
use super::boundary::text_from_callback_buffer;
use super::builder_args::identity_choice_from_number;
use super::callback::CCallback;
use crate::core::describe_der;
use crate::core::{verdict_from_number, CertificateCheck, CheckMode, CheckRequest};
use crate::core::{
    CertificateRequestChooser, CertificateRequestSummary, HelloChooser, HelloSummary,
    IdentityChoice,
};
use crate::core::{Error, ResultCode};
use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;

/// What a verification callback is asked to judge. Everything it points to is valid only
/// during the callback.
#[repr(C)]
pub struct ftls_verify_request {
    /// The peer's certificate chain as it was sent, its own certificate first: `chain_len`
    /// DER certificates.
    pub chain: *const ftls_bytes,
    /// The number of certificates at `chain`.
    pub chain_len: usize,
    /// Client side: the name the server is verified as (DNS name or IP address). Server side
    /// (verifying a client): empty.
    pub server_name: ftls_str,
    /// Client side: the OCSP response the server stapled, DER; empty if none.
    pub ocsp_response: ftls_bytes,
    /// What ftls' own verification concluded: always `FTLS_OK` for a callback set with
    /// `_set_verify_callback()` (it runs only after success); for an insecure verifier
    /// (`_set_insecure_verifier()`), `FTLS_OK` or the failure (e.g.
    /// `FTLS_ERR_CERT_UNKNOWN_ISSUER`).
    pub standard_result: ResultCode,
    /// The detail of `standard_result`'s failure; empty on `FTLS_OK`.
    pub standard_detail: ftls_str,
}

/// Judges a peer's certificate chain. Return `FTLS_OK` to accept; to refuse, return an
/// `FTLS_ERR_CERT_*` code (e.g. `FTLS_ERR_CERT_REVOKED`, which also picks the alert the peer
/// receives) and optionally write a NUL-terminated reason into `reason` (`reason_len` bytes,
/// zeroed). Any other value also refuses, as `FTLS_ERR_CERT_REJECTED`. The connection's
/// detail then names the certificate and quotes the reason.
///
/// It runs once per full handshake, not for a resumed session (no certificate is exchanged
/// then), inside `ftls_connection_process_new_packets()` (or the fd calls), on whichever
/// thread drives the connection — for a shared config, on several threads at once: it and its
/// `userdata` must be thread-safe. A call on that connection from inside it fails with
/// `FTLS_ERR_INVALID_STATE` and changes nothing (`ftls_connection_free()` is put off until the
/// running call returns). It must not throw a C++ exception or longjmp out.
pub type ftls_verify_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        request: *const ftls_verify_request,
        reason: *mut c_char,
        reason_len: usize,
    ) -> c_int,
>;

type VerifyFn =
    unsafe extern "C" fn(*mut c_void, *const ftls_verify_request, *mut c_char, usize) -> c_int;

/// Longest reason a callback can give.
const REASON_BYTES: usize = 512;

pub(crate) type CVerifyCallback = CCallback<VerifyFn>;

/// The check a C verify callback makes, after or instead of the standard verification; None
/// for a NULL callback.
pub(crate) fn verify_check(
    callback: ftls_verify_callback,
    userdata: *mut c_void,
    mode: CheckMode,
) -> Option<(Arc<dyn CertificateCheck>, CheckMode)> {
    callback.map(|callback| {
        let check: Arc<dyn CertificateCheck> = Arc::new(CVerifyCallback::new(callback, userdata));
        (check, mode)
    })
}

impl CertificateCheck for CVerifyCallback {
    fn check(&self, request: &CheckRequest<'_>) -> Result<(), Error> {
        let chain: Vec<ftls_bytes> = request
            .chain
            .iter()
            .map(|cert| ftls_bytes::new(cert.as_ref()))
            .collect();
        let (standard_result, standard_detail) = match request.standard_result {
            Ok(()) => (ResultCode::FTLS_OK, ""),
            Err(err) => (err.code(), err.detail()),
        };
        let c_request = ftls_verify_request {
            chain: chain.as_ptr(),
            chain_len: chain.len(),
            server_name: request.server_name.map_or(ftls_str::empty(), ftls_str::new),
            ocsp_response: ftls_bytes::new(request.ocsp_response),
            standard_result,
            standard_detail: ftls_str::new(standard_detail),
        };
        let mut reason = [0u8; REASON_BYTES];
        // SAFETY: a non-NULL C function given by the caller; `c_request`, the chain it points
        // to and `reason` (REASON_BYTES writable bytes) live until it returns.
        let verdict = unsafe {
            (self.function())(
                self.userdata(),
                &c_request,
                reason.as_mut_ptr().cast(),
                reason.len(),
            )
        };
        let subject = request
            .chain
            .first()
            .map_or_else(|| "an empty chain".to_owned(), |c| describe_der(c.as_ref()));
        verdict_from_number(
            i64::from(verdict),
            &text_from_callback_buffer(&reason),
            &subject,
        )
    }

    /// The function and its userdata: the same pair is the same check.
    fn identity(&self) -> Vec<u8> {
        [self.function() as usize, self.userdata() as usize]
            .iter()
            .flat_map(|address| address.to_ne_bytes())
            .collect()
    }
}

/// What a server's ClientHello callback sees. Everything it points to is valid only during the
/// callback; empty arrays may have NULL pointers.
#[repr(C)]
pub struct ftls_client_hello {
    /// The server name the client asked for (SNI); empty if it sent none.
    pub server_name: ftls_str,
    /// The ALPN protocols offered, in the client's order.
    pub alpn: *const ftls_bytes,
    /// The number of protocols at `alpn`.
    pub alpn_len: usize,
    /// The signature schemes the client accepts (IANA numbers, e.g. 0x0403
    /// ecdsa_secp256r1_sha256, 0x0804 rsa_pss_rsae_sha256).
    pub signature_schemes: *const u16,
    /// The number of schemes at `signature_schemes`.
    pub signature_schemes_len: usize,
    /// The cipher suites offered (IANA numbers, e.g. 0x1301 TLS_AES_128_GCM_SHA256).
    pub cipher_suites: *const u16,
    /// The number of cipher suites at `cipher_suites`.
    pub cipher_suites_len: usize,
}

/// Chooses the server's identity for a ClientHello: return an identity number (0, 1, 2... in
/// the order `ftls_server_config_builder_add_identity()` added them),
/// `FTLS_IDENTITY_AUTO` (choose by server name, as without a callback) or `FTLS_IDENTITY_NONE`
/// (refuse the handshake). Any other value, or a number with no identity, refuses the
/// handshake too (`FTLS_ERR_HANDSHAKE_FAILURE`, the detail says what it returned).
///
/// Runs inside `ftls_connection_process_new_packets()` on whichever thread drives the
/// connection, possibly on several at once: it and its `userdata` must be thread-safe.
/// A call on that connection from inside it fails with `FTLS_ERR_INVALID_STATE` and changes
/// nothing (`ftls_connection_free()` is put off until the running call returns). It must not
/// throw a C++ exception or longjmp out.
pub type ftls_client_hello_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, hello: *const ftls_client_hello) -> c_int>;

type HelloFn = unsafe extern "C" fn(*mut c_void, *const ftls_client_hello) -> c_int;

pub(crate) type CHelloCallback = CCallback<HelloFn>;

impl HelloChooser for CHelloCallback {
    fn choose(&self, hello: &HelloSummary<'_>) -> IdentityChoice {
        let alpn: Vec<ftls_bytes> = hello.alpn.iter().map(|p| ftls_bytes::new(p)).collect();
        let c_hello = ftls_client_hello {
            server_name: hello.server_name.map_or(ftls_str::empty(), ftls_str::new),
            alpn: alpn.as_ptr(),
            alpn_len: alpn.len(),
            signature_schemes: hello.signature_schemes.as_ptr(),
            signature_schemes_len: hello.signature_schemes.len(),
            cipher_suites: hello.cipher_suites.as_ptr(),
            cipher_suites_len: hello.cipher_suites.len(),
        };
        // SAFETY: a non-NULL C function given by the caller; `c_hello` and the arrays it
        // points to live until it returns.
        let number = unsafe { (self.function())(self.userdata(), &c_hello) };
        identity_choice_from_number(number)
    }
}

/// What a client's certificate callback sees of the server's request. Everything it points
/// to is valid only during the callback; empty arrays may have NULL pointers.
#[repr(C)]
pub struct ftls_certificate_request {
    /// The DER-encoded distinguished names (X.501 `Name`) of the CAs whose certificates the
    /// server accepts; none means any.
    pub ca_names: *const ftls_bytes,
    /// The number of names at `ca_names`.
    pub ca_names_len: usize,
    /// The signature schemes the server accepts (IANA numbers).
    pub signature_schemes: *const u16,
    /// The number of schemes at `signature_schemes`.
    pub signature_schemes_len: usize,
}

/// Chooses the client certificate when a server asks for one: return an identity number (0,
/// 1, 2... in the order `ftls_client_config_builder_add_identity()` added them),
/// `FTLS_IDENTITY_AUTO` (the first identity whose key suits the server's signature schemes) or
/// `FTLS_IDENTITY_NONE` (send no certificate; the server decides whether to go on). Any other
/// value, or a number with no identity, sends no certificate either. Not called for a resumed
/// session.
///
/// Runs inside `ftls_connection_process_new_packets()` on whichever thread drives the
/// connection, possibly on several at once: it and its `userdata` must be thread-safe.
/// A call on that connection from inside it fails with `FTLS_ERR_INVALID_STATE` and changes
/// nothing (`ftls_connection_free()` is put off until the running call returns). It must not
/// throw a C++ exception or longjmp out.
pub type ftls_client_certificate_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, request: *const ftls_certificate_request) -> c_int,
>;

type CertificateFn = unsafe extern "C" fn(*mut c_void, *const ftls_certificate_request) -> c_int;

pub(crate) type CCertificateCallback = CCallback<CertificateFn>;

impl CertificateRequestChooser for CCertificateCallback {
    fn choose(&self, request: &CertificateRequestSummary<'_>) -> IdentityChoice {
        let names: Vec<ftls_bytes> = request
            .ca_names
            .iter()
            .map(|n| ftls_bytes::new(n))
            .collect();
        let c_request = ftls_certificate_request {
            ca_names: names.as_ptr(),
            ca_names_len: names.len(),
            signature_schemes: request.signature_schemes.as_ptr(),
            signature_schemes_len: request.signature_schemes.len(),
        };
        // SAFETY: a non-NULL C function given by the caller; `c_request` and the arrays it
        // points to live until it returns.
        let number = unsafe { (self.function())(self.userdata(), &c_request) };
        identity_choice_from_number(number)
    }
}
