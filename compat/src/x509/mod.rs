//! X509: a certificate, read-only, parsed once from its DER (RustCrypto's x509-cert, as ftls'
//! core does) with every value OpenSSL hands out by pointer made up front, so that borrowed
//! results stay valid as long as the certificate. Reference-counted (`X509_up_ref`/`X509_free`)
//! through the library's object pattern (`ffi::into_c`).

pub mod asn1;
pub mod bn;
pub mod ext;
pub mod name;
pub mod output;

use crate::err::{self, ERR_LIB_ASN1, ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER};
use crate::evp::md::EVP_MD;
use crate::evp::pkey::EVP_PKEY;
use crate::ffi::{self, borrow, guard};
use crate::obj::{self, ASN1_OBJECT};
use asn1::ASN1_STRING;
use ext::X509_EXTENSION;
use name::X509_NAME;
use std::ffi::{c_int, c_long, c_uchar, c_uint};
use std::sync::Arc;
use x509_cert::der::{Decode, Encode, Reader, SliceReader};
use x509_cert::Certificate;

/// One certificate and everything read from it.
pub struct X509 {
    der: Vec<u8>,
    cert: Certificate,
    subject: X509_NAME,
    issuer: X509_NAME,
    serial: ASN1_STRING,
    not_before: ASN1_STRING,
    not_after: ASN1_STRING,
    extensions: Vec<X509_EXTENSION>,
    signature_algorithm: ASN1_OBJECT,
    public_key: Arc<EVP_PKEY>,
}

impl X509 {
    /// Parses the first certificate in `input`; returns it and the number of bytes it took.
    pub fn parse_prefix(input: &[u8]) -> Result<(Self, usize), String> {
        let mut reader =
            SliceReader::new(input).map_err(|err| format!("certificate too long: {err}"))?;
        let cert = Certificate::decode(&mut reader)
            .map_err(|err| format!("not a DER X.509 certificate: {err}"))?;
        let used = usize::try_from(reader.position()).unwrap_or(input.len());
        Ok((Self::from_certificate(input[..used].to_vec(), cert), used))
    }

    /// Parses exactly one DER certificate (what a TLS peer sent, what a file held).
    pub fn from_der(der: &[u8]) -> Result<Self, String> {
        let cert = Certificate::from_der(der)
            .map_err(|err| format!("not a DER X.509 certificate: {err}"))?;
        Ok(Self::from_certificate(der.to_vec(), cert))
    }

    fn from_certificate(der: Vec<u8>, cert: Certificate) -> Self {
        let tbs = &cert.tbs_certificate;
        let extensions = tbs
            .extensions
            .iter()
            .flatten()
            .map(X509_EXTENSION::from_extension)
            .collect();
        let spki = tbs.subject_public_key_info.to_der().unwrap_or_default();
        Self {
            subject: X509_NAME::from_name(&tbs.subject),
            issuer: X509_NAME::from_name(&tbs.issuer),
            serial: ASN1_STRING::integer(tbs.serial_number.as_bytes()),
            not_before: asn1::time(&tbs.validity.not_before),
            not_after: asn1::time(&tbs.validity.not_after),
            extensions,
            signature_algorithm: ASN1_OBJECT::new(cert.signature_algorithm.oid.to_string()),
            public_key: Arc::new(EVP_PKEY::from_spki_der(&spki)),
            der,
            cert,
        }
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    pub fn subject(&self) -> &X509_NAME {
        &self.subject
    }

    pub fn issuer(&self) -> &X509_NAME {
        &self.issuer
    }

    pub fn extensions(&self) -> &[X509_EXTENSION] {
        &self.extensions
    }

    pub fn public_key(&self) -> &Arc<EVP_PKEY> {
        &self.public_key
    }
}

/// A certificate C holds, borrowed for the call.
pub fn x509<'a>(x: *const X509) -> Option<&'a X509> {
    // SAFETY: a non-NULL X509 came from this library (ffi::into_c) and C holds a reference
    // for the duration of the call.
    unsafe { borrow(x) }
}

/// Queues "passed a null parameter" for a certificate function.
fn null_certificate(function: &'static str) {
    ffi::null_argument(ERR_LIB_X509, function, "the certificate");
}

/// Adds a reference to the certificate (released by `X509_free`). 1, or 0 for NULL.
#[no_mangle]
pub extern "C" fn X509_up_ref(x: *mut X509) -> c_int {
    // SAFETY: NULL or a live certificate of ours (the caller holds a reference).
    unsafe { ffi::up_ref(x) }
}

/// Releases one reference; the certificate is freed with its last one. NULL does nothing.
#[no_mangle]
pub extern "C" fn X509_free(x: *mut X509) {
    // SAFETY: NULL or a certificate whose reference the caller gives up.
    unsafe { ffi::release(x) }
}

/// Reads one DER certificate from `*in` (at most `len` bytes). On success returns a new
/// certificate (the caller owns one reference), advances `*in` past it, and, if `a` is not
/// NULL, frees `*a` and stores the new one there too. On failure returns NULL, leaves `*in`
/// and `*a` alone, and queues an ASN1 error (wrong tag / header too long).
#[no_mangle]
pub extern "C" fn d2i_X509(
    a: *mut *mut X509,
    input: *mut *const c_uchar,
    len: c_long,
) -> *mut X509 {
    guard("d2i_X509", std::ptr::null_mut(), || {
        if input.is_null() {
            ffi::null_argument(ERR_LIB_ASN1, "d2i_X509", "in");
            return std::ptr::null_mut();
        }
        // SAFETY: `input` is non-NULL (checked): the caller's pointer to its buffer pointer.
        let start = unsafe { *input };
        let Ok(length) = usize::try_from(len) else {
            err::raise(
                ERR_LIB_ASN1,
                err::ASN1_R_HEADER_TOO_LONG,
                "d2i_X509",
                "negative length",
            );
            return std::ptr::null_mut();
        };
        // SAFETY: the caller gives `len` readable bytes at `*in`.
        let Some(bytes) = (unsafe { ffi::bytes_arg(start.cast(), length) }) else {
            ffi::null_argument(ERR_LIB_ASN1, "d2i_X509", "*in");
            return std::ptr::null_mut();
        };
        match X509::parse_prefix(bytes) {
            Ok((cert, used)) => {
                let new = ffi::into_c(cert);
                // SAFETY: `input` is non-NULL; advancing within the caller's buffer by the
                // bytes the certificate took (used <= len).
                unsafe { *input = start.add(used) };
                replace_out(a, new);
                new
            }
            Err(detail) => {
                let reason = if bytes.first() == Some(&0x30) {
                    err::ASN1_R_HEADER_TOO_LONG
                } else {
                    err::ASN1_R_WRONG_TAG
                };
                err::raise(ERR_LIB_ASN1, reason, "d2i_X509", detail);
                std::ptr::null_mut()
            }
        }
    })
}

/// OpenSSL's `a` out-parameter of d2i/PEM_read functions: the old object there is freed and
/// the new one stored.
pub(crate) fn replace_out(a: *mut *mut X509, new: *mut X509) {
    if a.is_null() {
        return;
    }
    // SAFETY: `a` is non-NULL: the caller's place for the certificate; what it held (NULL or
    // a certificate whose reference the caller gave us to replace) is released.
    unsafe {
        X509_free(*a);
        *a = new;
    }
    // The caller now holds the object both through `a` and the return value, as with
    // OpenSSL: one reference, not two.
}

/// Writes the certificate's DER encoding. With `out` NULL: returns the length only. With `*out`
/// NULL: stores a new buffer there (freed with `OPENSSL_free`). Otherwise writes at `*out` and
/// advances it. Returns the length, or -1 for a NULL certificate or on allocation failure.
#[no_mangle]
pub extern "C" fn i2d_X509(x: *const X509, out: *mut *mut c_uchar) -> c_int {
    guard("i2d_X509", -1, || {
        let Some(x) = x509(x) else {
            null_certificate("i2d_X509");
            return -1;
        };
        let Ok(length) = c_int::try_from(x.der.len()) else {
            return -1;
        };
        if out.is_null() {
            return length;
        }
        // SAFETY: `out` is non-NULL: the caller's place for the buffer pointer.
        let place = unsafe { *out };
        if place.is_null() {
            let copy = output::malloc_copy(&x.der);
            if copy.is_null() {
                return -1;
            }
            // SAFETY: as above.
            unsafe { *out = copy };
        } else {
            // SAFETY: the caller provides room for the encoding at `*out` (OpenSSL's contract:
            // it asked for the length first), then we advance its pointer past it.
            unsafe {
                std::ptr::copy_nonoverlapping(x.der.as_ptr(), place, x.der.len());
                *out = place.add(x.der.len());
            }
        }
        length
    })
}

/// The subject name, borrowed (valid as long as the certificate). NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_get_subject_name(x: *const X509) -> *mut X509_NAME {
    x509(x).map_or(std::ptr::null_mut(), |x| {
        (&x.subject as *const X509_NAME).cast_mut()
    })
}

/// The issuer name, borrowed (valid as long as the certificate). NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_get_issuer_name(x: *const X509) -> *mut X509_NAME {
    x509(x).map_or(std::ptr::null_mut(), |x| {
        (&x.issuer as *const X509_NAME).cast_mut()
    })
}

/// The serial number, borrowed (valid as long as the certificate; not to be modified). NULL for
/// NULL.
#[no_mangle]
pub extern "C" fn X509_get_serialNumber(x: *mut X509) -> *mut ASN1_STRING {
    X509_get0_serialNumber(x).cast_mut()
}

/// The serial number, borrowed (valid as long as the certificate). NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_get0_serialNumber(x: *const X509) -> *const ASN1_STRING {
    x509(x).map_or(std::ptr::null(), |x| &x.serial as *const ASN1_STRING)
}

/// The version field as stored: 0 for v1, 2 for v3. 0 for NULL (OpenSSL: -1 is never
/// returned for a parsed certificate).
#[no_mangle]
pub extern "C" fn X509_get_version(x: *const X509) -> c_long {
    x509(x).map_or(0, |x| x.cert.tbs_certificate.version as c_long)
}

/// notBefore, borrowed (valid as long as the certificate). NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_get0_notBefore(x: *const X509) -> *const ASN1_STRING {
    x509(x).map_or(std::ptr::null(), |x| &x.not_before as *const ASN1_STRING)
}

/// notAfter, borrowed (valid as long as the certificate). NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_get0_notAfter(x: *const X509) -> *const ASN1_STRING {
    x509(x).map_or(std::ptr::null(), |x| &x.not_after as *const ASN1_STRING)
}

/// As `X509_get0_notBefore` (`X509_get_notBefore` is a macro over it). Certificates are
/// read-only here: the time must not be modified.
#[no_mangle]
pub extern "C" fn X509_getm_notBefore(x: *const X509) -> *mut ASN1_STRING {
    X509_get0_notBefore(x).cast_mut()
}

/// As `X509_get0_notAfter` (`X509_get_notAfter` is a macro over it); not to be modified.
#[no_mangle]
pub extern "C" fn X509_getm_notAfter(x: *const X509) -> *mut ASN1_STRING {
    X509_get0_notAfter(x).cast_mut()
}

/// The NID of the signature algorithm (e.g. `NID_sha256WithRSAEncryption`), `NID_undef` for
/// one this library does not name or for NULL.
#[no_mangle]
pub extern "C" fn X509_get_signature_nid(x: *const X509) -> c_int {
    x509(x).map_or(obj::NID_UNDEF, |x| x.signature_algorithm.nid)
}

/// The subject's public key as a new reference (free it with `EVP_PKEY_free`). NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_get_pubkey(x: *mut X509) -> *mut EVP_PKEY {
    match x509(x) {
        Some(x) => ffi::arc_into_c(Arc::clone(&x.public_key)),
        None => {
            null_certificate("X509_get_pubkey");
            std::ptr::null_mut()
        }
    }
}

/// The subject's public key, borrowed (valid as long as the certificate). NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_get0_pubkey(x: *const X509) -> *mut EVP_PKEY {
    x509(x).map_or(std::ptr::null_mut(), |x| {
        Arc::as_ptr(&x.public_key).cast_mut()
    })
}

/// The digest of the certificate's DER encoding with `md` (`X509_digest(x, EVP_sha256(), buf,
/// &n)` is its fingerprint) into `out`, which holds at least `EVP_MAX_MD_SIZE` (64) bytes; its
/// length in `*len` if `len` is not NULL. 1 on success, 0 for a NULL argument.
#[no_mangle]
pub extern "C" fn X509_digest(
    x: *const X509,
    md: *const EVP_MD,
    out: *mut c_uchar,
    len: *mut c_uint,
) -> c_int {
    guard("X509_digest", 0, || {
        let (Some(x), Some(md)) = (x509(x), crate::evp::md::md(md)) else {
            err::raise(
                ERR_LIB_X509,
                ERR_R_PASSED_NULL_PARAMETER,
                "X509_digest",
                "certificate or digest is NULL",
            );
            return 0;
        };
        crate::evp::md::digest_into(md, &[&x.der], out, len)
    })
}

/// Compares two certificates by their DER encoding: 0 if equal, else a consistent non-zero
/// order. NULL sorts first.
#[no_mangle]
pub extern "C" fn X509_cmp(a: *const X509, b: *const X509) -> c_int {
    match (x509(a), x509(b)) {
        (None, None) => 0,
        (None, Some(_)) => -1,
        (Some(_), None) => 1,
        (Some(a), Some(b)) => match a.der.cmp(&b.der) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        },
    }
}
