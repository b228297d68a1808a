//! `ftls_certificate`: one certificate's fields, read for C (subject, issuer, serial, dates,
//! subjectAltNames, fingerprint, public key) so that C never parses DER.

use super::borrowed::{ftls_bytes, ftls_str};
use super::boundary::{
    bytes_arg, copy_message, free_handle, guard, into_handle, optional_out, out, str_arg,
    with_handle, with_last_error, Handle,
};
use crate::core::{certificates_from_pem_or_der, read_file, Error, ResultCode};
use crate::core::{CertificateInfo, SanKind};
use std::ffi::c_char;
use std::path::Path;

/// subjectAltName type: a DNS name, e.g. "www.example.com" or "*.example.com".
pub const FTLS_SAN_DNS: u32 = 1;

/// subjectAltName type: an IP address, as text ("192.0.2.1", "2001:db8::1").
pub const FTLS_SAN_IP: u32 = 2;

/// subjectAltName type: an e-mail address (rfc822Name).
pub const FTLS_SAN_EMAIL: u32 = 3;

/// subjectAltName type: a URI.
pub const FTLS_SAN_URI: u32 = 4;

/// One parsed X.509 certificate. Made by `ftls_certificate_new_mem()`,
/// `ftls_certificate_new_file()` or `ftls_connection_peer_certificate()`; free it with
/// `ftls_certificate_free()`. It owns a copy of everything: it stays valid after the
/// connection it came from is freed. Every `ftls_str` / `ftls_bytes` an accessor returns stays
/// valid until the certificate is freed. Used by one thread at a time, like a connection (a
/// failed call records its detail on it); it may move between threads.
pub struct ftls_certificate {
    info: CertificateInfo,
}

impl Handle for ftls_certificate {
    const KIND: &'static str = "certificate";
}

pub(crate) fn new_certificate(info: CertificateInfo) -> *mut ftls_certificate {
    into_handle(ftls_certificate { info })
}

/// Parses a certificate in `len` bytes at `data` (copied): PEM (the first certificate in it),
/// or DER.
///
/// On success `*out_cert` owns a new certificate: free it with `ftls_certificate_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_BAD_PEM` (neither PEM nor a DER certificate, or empty);
/// `FTLS_ERR_NO_CERTIFICATE` (PEM without a certificate section); `FTLS_ERR_NULL_ARGUMENT`
/// (`out_cert`, or `data` NULL with a non-zero length); `FTLS_ERR_PANIC`. (No object exists on
/// failure to hold a detail.)
#[no_mangle]
pub extern "C" fn ftls_certificate_new_mem(
    data: *const u8,
    len: usize,
    out_cert: *mut *mut ftls_certificate,
) -> ResultCode {
    guard(|| {
        let out_cert = out(out_cert, "out_cert")?;
        let data = bytes_arg(data, len, "data")?;
        out_cert.set(new_certificate(first_certificate(
            data,
            "the certificate data",
        )?));
        Ok(())
    })
}

/// As `ftls_certificate_new_mem()`, reading the file at `path` (NUL-terminated).
///
/// On success `*out_cert` owns a new certificate: free it with `ftls_certificate_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_FILE` (unreadable); `FTLS_ERR_BAD_PEM`;
/// `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_new_file(
    path: *const c_char,
    out_cert: *mut *mut ftls_certificate,
) -> ResultCode {
    guard(|| {
        let out_cert = out(out_cert, "out_cert")?;
        let path = Path::new(str_arg(path, "path")?);
        let data = read_file(path)?;
        out_cert.set(new_certificate(first_certificate(
            &data,
            &format!("the certificate file {}", path.display()),
        )?));
        Ok(())
    })
}

fn first_certificate(data: &[u8], what: &str) -> Result<CertificateInfo, Error> {
    let certs = certificates_from_pem_or_der(data, what)?;
    CertificateInfo::parse(certs[0].as_ref())
}

/// The certificate's DER encoding, valid until the certificate is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_der(
    cert: *const ftls_certificate,
    out_der: *mut ftls_bytes,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_der", |c| {
        out(out_der, "out_der")?.set(ftls_bytes::new(c.info.der()));
        Ok(())
    })
}

/// The subject distinguished name as text, in the certificate's order with OpenSSL's short
/// attribute names, e.g. "C=FR, O=Example, CN=localhost"; valid until the certificate is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_subject(
    cert: *const ftls_certificate,
    out_subject: *mut ftls_str,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_subject", |c| {
        out(out_subject, "out_subject")?.set(ftls_str::new(c.info.subject()));
        Ok(())
    })
}

/// The issuer distinguished name as text (as `ftls_certificate_subject()`), valid until the
/// certificate is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_issuer(
    cert: *const ftls_certificate,
    out_issuer: *mut ftls_str,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_issuer", |c| {
        out(out_issuer, "out_issuer")?.set(ftls_str::new(c.info.issuer()));
        Ok(())
    })
}

/// The serial number in upper-case hex without separators, as `openssl x509 -serial` prints
/// it (e.g. "4F1A09"), valid until the certificate is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_serial(
    cert: *const ftls_certificate,
    out_serial: *mut ftls_str,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_serial", |c| {
        out(out_serial, "out_serial")?.set(ftls_str::new(c.info.serial()));
        Ok(())
    })
}

/// The validity period, in seconds since the Unix epoch (UTC): `*out_not_before` and
/// `*out_not_after` (either may be NULL).
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`cert`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_validity(
    cert: *const ftls_certificate,
    out_not_before: *mut i64,
    out_not_after: *mut i64,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_validity", |c| {
        let (not_before, not_after) = c.info.validity();
        if let Some(out) = optional_out(out_not_before) {
            out.set(not_before);
        }
        if let Some(out) = optional_out(out_not_after) {
            out.set(not_after);
        }
        Ok(())
    })
}

/// How many subjectAltName entries of the kinds ftls reports (DNS names, IP addresses, e-mail
/// addresses, URIs) the certificate holds; others (directory names...) are not counted.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_san_count(
    cert: *const ftls_certificate,
    out_count: *mut usize,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_san_count", |c| {
        out(out_count, "out_count")?.set(c.info.subject_alt_names().len());
        Ok(())
    })
}

/// subjectAltName entry number `index` (in certificate order): its type (`FTLS_SAN_DNS`,
/// `FTLS_SAN_IP`, `FTLS_SAN_EMAIL` or `FTLS_SAN_URI`) and its value as text, valid until the
/// certificate is freed. Either out-pointer may be NULL.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`index` out of range);
/// `FTLS_ERR_NULL_ARGUMENT` (`cert`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_san(
    cert: *const ftls_certificate,
    index: usize,
    out_type: *mut u32,
    out_value: *mut ftls_str,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_san", |c| {
        let sans = c.info.subject_alt_names();
        let (kind, value) = sans.get(index).ok_or_else(|| {
            Error::invalid_argument(format!(
                "subjectAltName index {index} is out of range: the certificate has {}",
                sans.len()
            ))
        })?;
        if let Some(out_type) = optional_out(out_type) {
            out_type.set(match kind {
                SanKind::Dns => FTLS_SAN_DNS,
                SanKind::Ip => FTLS_SAN_IP,
                SanKind::Email => FTLS_SAN_EMAIL,
                SanKind::Uri => FTLS_SAN_URI,
            });
        }
        if let Some(out_value) = optional_out(out_value) {
            out_value.set(ftls_str::new(value));
        }
        Ok(())
    })
}

/// The SHA-256 fingerprint: the 32-byte digest of the DER encoding (what
/// `openssl x509 -fingerprint -sha256` prints in hex), valid until the certificate is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_sha256_fingerprint(
    cert: *const ftls_certificate,
    out_digest: *mut ftls_bytes,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_sha256_fingerprint", |c| {
        out(out_digest, "out_digest")?.set(ftls_bytes::new(c.info.sha256_fingerprint()));
        Ok(())
    })
}

/// The public key's type — "RSA", "EC", "Ed25519", "Ed448", or the algorithm OID in dotted
/// form for others — and size in bits (RSA modulus, EC curve: 256, 384, 521; 0 if unknown).
/// Either out-pointer may be NULL; the type stays valid until the certificate is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`cert`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_public_key(
    cert: *const ftls_certificate,
    out_type: *mut ftls_str,
    out_bits: *mut u32,
) -> ResultCode {
    with_handle(cert, "ftls_certificate_public_key", |c| {
        if let Some(out_type) = optional_out(out_type) {
            out_type.set(ftls_str::new(c.info.key_type()));
        }
        if let Some(out_bits) = optional_out(out_bits) {
            out_bits.set(c.info.key_bits());
        }
        Ok(())
    })
}

/// Copies the detail of this certificate's most recent failure (empty if none) into `buf`, as
/// `ftls_connection_last_error()` does.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`cert` NULL, or `buf` NULL with `buf_len > 0`)
/// or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_certificate_last_error(
    cert: *const ftls_certificate,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> ResultCode {
    with_last_error(cert, |last| {
        copy_message(&last.detail(), buf, buf_len, out_len)
    })
}

/// Frees a certificate and everything its accessors returned. NULL does nothing. The
/// connection it came from is not affected.
#[no_mangle]
pub extern "C" fn ftls_certificate_free(cert: *mut ftls_certificate) {
    free_handle(cert);
}
