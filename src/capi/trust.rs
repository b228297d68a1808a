//! `ftls_trust`: what a peer's certificate is checked against, loaded once and handed to any
//! number of client or server config builders.

use super::boundary::{
    bytes_arg, copy_message, free_handle, guard, into_handle, optional_out, out, str_arg, with_arg,
    with_handle_mut, with_last_error, Handle, MutableHandle,
};
use super::builder_args::revocation_policy_from_flags;
use crate::core::Trust;
use crate::core::{Error, ResultCode};
use std::ffi::c_char;
use std::path::Path;
use std::sync::Arc;

/// What a peer's certificate is checked against: CA certificates (trust anchors) with CRLs
/// and a revocation policy, or pinned certificates. Create with `ftls_trust_new()`, fill with
/// the `ftls_trust_add_*` functions, hand to `ftls_client_config_builder_set_trust()` (servers
/// are checked against it) or `ftls_server_config_builder_set_trust()` (client certificates
/// are), free with `ftls_trust_free()`. A builder takes its own reference-counted snapshot:
/// changing or freeing the trust afterwards does not affect it. Used by one thread at a time
/// (a failed call records its detail on it); it may move between threads. Every `add_` is all
/// or nothing: on failure the trust is unchanged.
pub struct ftls_trust {
    trust: Arc<Trust>,
}

impl Handle for ftls_trust {
    const KIND: &'static str = "trust";
}

impl MutableHandle for ftls_trust {}

impl ftls_trust {
    /// The trust to change: copied first if a builder shares it, so that its snapshot stays.
    fn edit(&mut self) -> &mut Trust {
        Arc::make_mut(&mut self.trust)
    }
}

/// Creates an empty trust: nothing is trusted until something is added.
///
/// On success `*out_trust` owns a new trust: free it with `ftls_trust_free()`.
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`out_trust` is NULL) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_new(out_trust: *mut *mut ftls_trust) -> ResultCode {
    guard(|| {
        let out_trust = out(out_trust, "out_trust")?;
        out_trust.set(into_handle(ftls_trust {
            trust: Arc::default(),
        }));
        Ok(())
    })
}

/// Trusts the CA certificates of the file at `path` (NUL-terminated): PEM (any number), or
/// DER (one certificate, or several concatenated).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE` (unreadable); `FTLS_ERR_BAD_PEM` (neither PEM nor DER);
/// `FTLS_ERR_NO_CERTIFICATE` (no certificate in it); `FTLS_ERR_CERT_INVALID` (a certificate
/// cannot be a trust anchor); `FTLS_ERR_PANIC`. Details: `ftls_trust_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_ca_file(
    trust: *mut ftls_trust,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_ca_file", |t| {
        let path = str_arg(path, "path")?;
        t.edit().add_ca_file(Path::new(path)).map(drop)
    })
}

/// Trusts the CA certificates of every PEM file in the directory `path` (not its
/// subdirectories), which may use OpenSSL's hashed-name layout (`<hash>.0` links made by
/// `openssl rehash` / `c_rehash`). Files holding no certificate (CRLs, notes) are skipped;
/// duplicates count once.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE` (not a readable directory, or a file in it unreadable);
/// `FTLS_ERR_NO_CERTIFICATE` (no file holds a certificate); `FTLS_ERR_BAD_PEM` (a broken
/// certificate section, the detail names the file); `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_ca_dir(trust: *mut ftls_trust, path: *const c_char) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_ca_dir", |t| {
        let path = str_arg(path, "path")?;
        t.edit().add_ca_dir(Path::new(path)).map(drop)
    })
}

/// Trusts the CA certificates in `len` bytes at `data` (copied): PEM (any number), or DER
/// (one certificate, or several concatenated).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`data` NULL with a non-zero length);
/// `FTLS_ERR_BAD_PEM` (neither PEM nor DER, or empty); `FTLS_ERR_NO_CERTIFICATE` (PEM without
/// a certificate); `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_ca_mem(
    trust: *mut ftls_trust,
    data: *const u8,
    len: usize,
) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_ca_mem", |t| {
        let data = bytes_arg(data, len, "data")?;
        t.edit().add_ca_mem(data).map(drop)
    })
}

/// Trusts the operating system's CA certificates, for connecting to public servers with the
/// platform's own trust decisions: on Linux the bundle and directory OpenSSL uses (e.g.
/// Debian's /etc/ssl/certs), on macOS the keychain, on Windows the system store. As with
/// OpenSSL, `SSL_CERT_FILE` names another bundle and `SSL_CERT_DIR` other directories
/// (separated by ':'); unlike OpenSSL, once either is set only what they name is read.
/// Certificates that cannot be trust anchors are skipped. The store is read now, not at each
/// connection. `*out_count` (may be NULL) receives how many were added.
///
/// Returns `FTLS_OK`; `FTLS_ERR_FILE` (what `SSL_CERT_FILE` / `SSL_CERT_DIR` name cannot be
/// read, and nothing else was found); `FTLS_ERR_NO_CERTIFICATE` (no CA certificate found);
/// `FTLS_ERR_CERT_INVALID` (none usable); `FTLS_ERR_NULL_ARGUMENT` (`trust`);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_system_roots(
    trust: *mut ftls_trust,
    out_count: *mut usize,
) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_system_roots", |t| {
        let count = t.edit().add_system_roots()?;
        if let Some(out_count) = optional_out(out_count) {
            out_count.set(count);
        }
        Ok(())
    })
}

/// Trusts the Mozilla root CA set compiled into ftls (webpki-roots): what browsers trust, for
/// connecting to public servers. Independent of the operating system's store.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_webpki_roots(trust: *mut ftls_trust) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_webpki_roots", |t| {
        t.edit().add_webpki_roots();
        Ok(())
    })
}

/// Adds the certificate revocation lists of the file at `path` (PEM `X509 CRL` sections, or
/// one DER CRL) to the checks. Each CRL must be signed by a trusted CA; a peer certificate it
/// lists is refused with `FTLS_ERR_CERT_REVOKED` and a detail that says "revoked" and names the
/// certificate (subject and serial), and the peer receives a certificate_revoked alert. Once
/// any CRL is added, a certificate whose issuer published none is refused as
/// `FTLS_ERR_CERT_REVOCATION_UNKNOWN` unless `ftls_trust_set_revocation_policy()` allows it.
/// CRLs need CA certificates (building a config says `FTLS_ERR_CONFIG` otherwise).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE`; `FTLS_ERR_BAD_PEM` (not a valid CRL); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_crl_file(
    trust: *mut ftls_trust,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_crl_file", |t| {
        let path = str_arg(path, "path")?;
        t.edit().add_crl_file(Path::new(path)).map(drop)
    })
}

/// As `ftls_trust_add_crl_file()`, from `len` bytes at `data` (copied): PEM `X509 CRL`
/// sections, or one DER CRL.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`data` NULL with a non-zero length);
/// `FTLS_ERR_BAD_PEM` (not a valid CRL, or empty); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_crl_mem(
    trust: *mut ftls_trust,
    data: *const u8,
    len: usize,
) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_crl_mem", |t| {
        let data = bytes_arg(data, len, "data")?;
        t.edit().add_crl_mem(data).map(drop)
    })
}

/// How CRLs are applied: 0 (the default) checks every certificate of the chain, refuses one
/// whose revocation status no CRL gives, and accepts CRLs past their nextUpdate; OR
/// `FTLS_REVOCATION_END_ENTITY_ONLY` (check only the peer's own certificate),
/// `FTLS_REVOCATION_ALLOW_UNKNOWN` (accept a certificate no CRL covers) and
/// `FTLS_REVOCATION_ENFORCE_EXPIRY` (refuse when the CRL is stale) to change that. Replaces
/// the earlier policy.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (unknown flag);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_set_revocation_policy(
    trust: *mut ftls_trust,
    flags: u32,
) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_set_revocation_policy", |t| {
        let policy = revocation_policy_from_flags(flags)?;
        t.edit().set_revocation_policy(policy);
        Ok(())
    })
}

/// Trusts exactly the certificate(s) in the file at `path` (PEM, or DER: one certificate or
/// several concatenated): the peer must present one of them, byte for byte, within its
/// validity dates. Made for self-signed certificates (`openssl req -x509 ...`), which cannot
/// be CA anchors. A server's name is not compared with the certificate: the pin is the
/// identity. Pins cannot be combined with CA certificates or CRLs (building a config says
/// `FTLS_ERR_CONFIG`).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_pin_file(
    trust: *mut ftls_trust,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_pin_file", |t| {
        let path = str_arg(path, "path")?;
        t.edit().add_pin_file(Path::new(path)).map(drop)
    })
}

/// As `ftls_trust_add_pin_file()`, from `len` bytes at `data` (copied): PEM, or DER.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`data` NULL with a non-zero length);
/// `FTLS_ERR_BAD_PEM` (neither PEM nor DER, or empty); `FTLS_ERR_NO_CERTIFICATE` (PEM without
/// a certificate); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_add_pin_mem(
    trust: *mut ftls_trust,
    data: *const u8,
    len: usize,
) -> ResultCode {
    with_handle_mut(trust, "ftls_trust_add_pin_mem", |t| {
        let data = bytes_arg(data, len, "data")?;
        t.edit().add_pin_mem(data).map(drop)
    })
}

/// Copies the detail of the trust's most recent failure (empty if none) into `buf`:
/// NUL-terminated, truncated to `buf_len - 1` bytes; `*out_len` (if not NULL) receives the full
/// length. `buf` may be NULL when `buf_len` is 0. A failure of this call itself is not
/// recorded: the detail stays.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`trust` NULL, or `buf` NULL with
/// `buf_len > 0`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_trust_last_error(
    trust: *const ftls_trust,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> ResultCode {
    with_last_error(trust, |last| {
        copy_message(&last.detail(), buf, buf_len, out_len)
    })
}

/// Frees a trust. NULL does nothing. Builders it was set on, and their configs, keep their own
/// snapshot.
#[no_mangle]
pub extern "C" fn ftls_trust_free(trust: *mut ftls_trust) {
    free_handle(trust);
}

/// A snapshot of a trust argument, for a builder to keep (reference-counted).
pub(crate) fn trust_snapshot(trust: *const ftls_trust) -> Result<Arc<Trust>, Error> {
    with_arg(trust, "trust", |t| t.trust.clone())
}
