//! `ftls_identity`: a certificate chain and its private key, loaded once and handed to any
//! number of client or server config builders.

use super::boundary::{
    bytes_arg, copy_message, free_handle, guard, into_handle, out, str_arg, with_arg,
    with_handle_mut, with_last_error, Handle, MutableHandle,
};
use super::builder_args::key_password_arg;
use crate::core::default_provider;
use crate::core::KeyPassword;
use crate::core::{Error, Identity, ResultCode};
use std::ffi::c_char;
use std::path::Path;

/// A certificate chain (leaf first) and the private key of its leaf. Create with
/// `ftls_identity_new()`, load with `ftls_identity_set_file()` or `ftls_identity_set_mem()`,
/// hand to `ftls_client_config_builder_add_identity()` or
/// `ftls_server_config_builder_add_identity()`, free with `ftls_identity_free()`. A builder
/// takes its own reference-counted snapshot: changing or freeing the identity afterwards does
/// not affect it. Used by one thread at a time (a failed call records its detail on it); it
/// may move between threads.
pub struct ftls_identity {
    password: Option<KeyPassword>,
    loaded: Option<Identity>,
}

impl Handle for ftls_identity {
    const KIND: &'static str = "identity";
}

impl MutableHandle for ftls_identity {}

/// Creates an empty identity: load a chain and key into it with `ftls_identity_set_file()` or
/// `ftls_identity_set_mem()`.
///
/// On success `*out_identity` owns a new identity: free it with `ftls_identity_free()`.
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`out_identity` is NULL) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_identity_new(out_identity: *mut *mut ftls_identity) -> ResultCode {
    guard(|| {
        let out_identity = out(out_identity, "out_identity")?;
        out_identity.set(into_handle(ftls_identity {
            password: None,
            loaded: None,
        }));
        Ok(())
    })
}

/// Sets the password (NUL-terminated, copied; wiped from memory when no longer needed) that
/// decrypts an encrypted PKCS#8 private key (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, PBES2
/// with PBKDF2 or scrypt and AES-CBC, as `openssl genpkey -aes-256-cbc` or
/// `openssl pkcs8 -topk8` write) given to the next `ftls_identity_set_file()` or
/// `ftls_identity_set_mem()`. NULL forgets the password.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`identity`); `FTLS_ERR_INVALID_ARGUMENT`
/// (not UTF-8); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_identity_set_password(
    identity: *mut ftls_identity,
    password: *const c_char,
) -> ResultCode {
    with_handle_mut(identity, "ftls_identity_set_password", |i| {
        i.password = key_password_arg(password)?;
        Ok(())
    })
}

/// Loads the certificate chain from the file at `cert_chain_path` (PEM, leaf first then its
/// intermediates; or DER, the certificates concatenated) and the private key from the file at
/// `private_key_path` (PEM or DER: PKCS#8, PKCS#1 RSA or SEC1 EC; encrypted PKCS#8 with the
/// password of `ftls_identity_set_password()`), and checks that the key belongs to the leaf.
/// Replaces what the identity held, including a stapled OCSP response (it was for the earlier
/// certificate); on failure the identity is unchanged.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (a path not
/// UTF-8); `FTLS_ERR_FILE` (unreadable; the detail names the file); `FTLS_ERR_BAD_PEM` (neither
/// PEM nor DER); `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_NO_PRIVATE_KEY`;
/// `FTLS_ERR_UNSUPPORTED_KEY` (including an encrypted key without a password);
/// `FTLS_ERR_BAD_PASSWORD`; `FTLS_ERR_KEY_MISMATCH` (the key is not the leaf's);
/// `FTLS_ERR_CERT_INVALID` (the leaf's key cannot be used); `FTLS_ERR_PANIC`. Details:
/// `ftls_identity_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_identity_set_file(
    identity: *mut ftls_identity,
    cert_chain_path: *const c_char,
    private_key_path: *const c_char,
) -> ResultCode {
    with_handle_mut(identity, "ftls_identity_set_file", |i| {
        let chain = str_arg(cert_chain_path, "cert_chain_path")?;
        let key = str_arg(private_key_path, "private_key_path")?;
        i.loaded = Some(Identity::from_files_with_password(
            Path::new(chain),
            Path::new(key),
            i.password.as_ref(),
            &default_provider(),
        )?);
        Ok(())
    })
}

/// As `ftls_identity_set_file()`, from memory (copied): `cert_chain_len` bytes at
/// `cert_chain` (PEM, or DER: the certificates' DER encodings concatenated, leaf first) and
/// `private_key_len` bytes at `private_key` (PEM or DER). The form of each is detected.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (also a pointer NULL with a non-zero length);
/// `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE` (also an empty chain);
/// `FTLS_ERR_NO_PRIVATE_KEY`; `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_BAD_PASSWORD`;
/// `FTLS_ERR_KEY_MISMATCH`; `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_identity_set_mem(
    identity: *mut ftls_identity,
    cert_chain: *const u8,
    cert_chain_len: usize,
    private_key: *const u8,
    private_key_len: usize,
) -> ResultCode {
    with_handle_mut(identity, "ftls_identity_set_mem", |i| {
        let chain = bytes_arg(cert_chain, cert_chain_len, "cert_chain")?;
        let key = bytes_arg(private_key, private_key_len, "private_key")?;
        i.loaded = Some(Identity::from_mem(
            chain,
            key,
            i.password.as_ref(),
            &default_provider(),
        )?);
        Ok(())
    })
}

/// Staples `response_len` bytes at `response` (a DER OCSPResponse from your CA's responder,
/// copied) to the identity's certificate, for servers: a server presenting this identity sends
/// it to clients that ask (TLS 1.2 status_request, TLS 1.3 certificate status). Zero bytes
/// remove it. ftls sends it as given: refresh it (add the identity again to a builder and
/// build a new config) before it expires. Loading a chain again drops it.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`identity`, or `response` NULL with a
/// non-zero length); `FTLS_ERR_INVALID_STATE` (no chain loaded yet); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_identity_set_ocsp_response(
    identity: *mut ftls_identity,
    response: *const u8,
    response_len: usize,
) -> ResultCode {
    with_handle_mut(identity, "ftls_identity_set_ocsp_response", |i| {
        let response = bytes_arg(response, response_len, "response")?;
        let loaded = i.loaded.as_ref().ok_or_else(|| {
            Error::invalid_state(
                "the identity holds no certificate to staple an OCSP response to: load its \
                 chain and key with ftls_identity_set_file() or ftls_identity_set_mem() first",
            )
        })?;
        i.loaded = Some(loaded.with_ocsp_response(response.to_vec()));
        Ok(())
    })
}

/// Copies the detail of the identity's most recent failure (empty if none) into `buf`:
/// NUL-terminated, truncated to `buf_len - 1` bytes; `*out_len` (if not NULL) receives the full
/// length. `buf` may be NULL when `buf_len` is 0. A failure of this call itself is not
/// recorded: the detail stays.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`identity` NULL, or `buf` NULL with
/// `buf_len > 0`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_identity_last_error(
    identity: *const ftls_identity,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> ResultCode {
    with_last_error(identity, |last| {
        copy_message(&last.detail(), buf, buf_len, out_len)
    })
}

/// Frees an identity. NULL does nothing. Builders it was added to, and their configs, keep
/// their own snapshot.
#[no_mangle]
pub extern "C" fn ftls_identity_free(identity: *mut ftls_identity) {
    free_handle(identity);
}

/// The chain and key an identity argument holds, for a builder to keep (reference-counted).
pub(crate) fn loaded_identity(identity: *const ftls_identity) -> Result<Identity, Error> {
    with_arg(identity, "identity", |i| i.loaded.clone())?.ok_or_else(|| {
        Error::invalid_argument(
            "the identity holds no certificate chain and key: load them with \
             ftls_identity_set_file() or ftls_identity_set_mem() first",
        )
    })
}
