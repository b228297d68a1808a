//! `ftls_client_config_builder` and `ftls_client_config`.

use super::boundary::{
    arg, bytes_arg, copy_message, free_handle, guard, into_handle, out, str_arg, with_handle,
    with_handle_mut, with_handle_unrecorded, Handle, LastError,
};
use super::builder_args::{
    alpn_from_args, identity_from_files, identity_from_pem, versions_from_flags,
};
use crate::core::{ClientConfig, ClientConfigBuilder, ResultCode};
use std::ffi::c_char;
use std::path::Path;

/// Collects client settings. Create with `ftls_client_config_builder_new()`, free with
/// `ftls_client_config_builder_free()`. Used by one thread at a time.
pub struct ftls_client_config_builder {
    pub(crate) builder: ClientConfigBuilder,
    last_error: LastError,
}

/// An immutable client configuration made by `ftls_client_config_builder_build()`. Share it
/// among any number of connections and threads; free it with `ftls_client_config_free()`
/// whenever you like: connections keep what they need.
pub struct ftls_client_config {
    pub(crate) config: ClientConfig,
}

impl Handle for ftls_client_config_builder {
    fn last_error(&self) -> &LastError {
        &self.last_error
    }
}

/// Creates a client config builder with the defaults: TLS 1.2 and 1.3, SNI on, no ALPN, no
/// client certificate, and no trust anchors (add some before building).
///
/// On success `*out_builder` owns a new builder: free it with
/// `ftls_client_config_builder_free()`.
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`out_builder` is NULL) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_new(
    out_builder: *mut *mut ftls_client_config_builder,
) -> ResultCode {
    guard(|| {
        let out_builder = out(out_builder, "out_builder")?;
        out_builder.set(into_handle(ftls_client_config_builder {
            builder: ClientConfigBuilder::new(),
            last_error: LastError::default(),
        }));
        Ok(())
    })
}

/// Trusts every CA certificate in the PEM file at `path` (NUL-terminated) for verifying
/// servers. All or nothing: if one certificate is unusable, none is added.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE` (unreadable); `FTLS_ERR_BAD_PEM` (not PEM); `FTLS_ERR_NO_CERTIFICATE` (no
/// certificate in it); `FTLS_ERR_CERT_INVALID` (a certificate cannot be a trust anchor);
/// `FTLS_ERR_PANIC`. Details: `ftls_client_config_builder_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_ca_file(
    builder: *mut ftls_client_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        let path = str_arg(path, "path")?;
        b.builder.add_trust_anchors_file(Path::new(path)).map(drop)
    })
}

/// Trusts every CA certificate in `pem_len` bytes of PEM text at `pem` (not NUL-dependent;
/// ftls copies what it needs). All or nothing, as `ftls_client_config_builder_load_ca_file()`.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`pem` NULL with a non-zero length);
/// `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_ca_pem(
    builder: *mut ftls_client_config_builder,
    pem: *const u8,
    pem_len: usize,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        let pem = bytes_arg(pem, pem_len, "pem")?;
        b.builder.add_trust_anchors_pem(pem).map(drop)
    })
}

/// Trusts the Mozilla root CA set compiled into ftls (webpki-roots): what browsers trust, for
/// connecting to public servers. Independent of the operating system's store.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_use_webpki_roots(
    builder: *mut ftls_client_config_builder,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder.add_webpki_roots();
        Ok(())
    })
}

/// Sets the client certificate chain (PEM file, leaf first) and its private key (PEM file:
/// PKCS#8, PKCS#1 RSA or SEC1 EC), sent when a server asks for client authentication.
/// Replaces an earlier identity; on failure the earlier one stays.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_NO_PRIVATE_KEY`;
/// `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_KEY_MISMATCH` (the key is not the certificate's);
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_identity_file(
    builder: *mut ftls_client_config_builder,
    cert_chain_path: *const c_char,
    private_key_path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder
            .set_identity(identity_from_files(cert_chain_path, private_key_path)?);
        Ok(())
    })
}

/// As `ftls_client_config_builder_load_identity_file()`, from PEM text in memory.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`;
/// `FTLS_ERR_NO_PRIVATE_KEY`; `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_KEY_MISMATCH`;
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_identity_pem(
    builder: *mut ftls_client_config_builder,
    cert_chain_pem: *const u8,
    cert_chain_len: usize,
    private_key_pem: *const u8,
    private_key_len: usize,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder.set_identity(identity_from_pem(
            cert_chain_pem,
            cert_chain_len,
            private_key_pem,
            private_key_len,
        )?);
        Ok(())
    })
}

/// Chooses the protocol versions to offer: `FTLS_PROTOCOL_TLS12`, `FTLS_PROTOCOL_TLS13`, or
/// both OR-ed (`FTLS_PROTOCOL_ALL`, the default). Older versions do not exist in ftls.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (0 or an unknown
/// flag); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_versions(
    builder: *mut ftls_client_config_builder,
    protocols: u32,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder
            .negotiation
            .set_versions(versions_from_flags(protocols)?)
    })
}

/// Sets the ALPN protocols to offer, most preferred first: `count` NUL-terminated strings such
/// as `"h2"` and `"http/1.1"` (each 1-255 bytes). `count == 0` offers none (the default).
/// The strings are copied.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`protocols` or an element NULL with
/// `count > 0`); `FTLS_ERR_INVALID_ARGUMENT` (an empty or too long protocol); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_alpn(
    builder: *mut ftls_client_config_builder,
    protocols: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder
            .negotiation
            .set_alpn(alpn_from_args(protocols, count)?)
    })
}

/// Turns sending the server name (SNI) on (the default) or off. Servers hosting several
/// names need it; it is never sent when connecting to an IP address.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_sni(
    builder: *mut ftls_client_config_builder,
    enable: bool,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder.set_sni(enable);
        Ok(())
    })
}

/// Makes an immutable client config from the builder's current settings. The builder is not
/// consumed: change it and build again for a second config.
///
/// On success `*out_config` owns a new config: free it with `ftls_client_config_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_CONFIG` (no trust anchors);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_build(
    builder: *const ftls_client_config_builder,
    out_config: *mut *mut ftls_client_config,
) -> ResultCode {
    with_handle(builder, |b| {
        let out_config = out(out_config, "out_config")?;
        let config = b.builder.build()?;
        out_config.set(into_handle(ftls_client_config { config }));
        Ok(())
    })
}

/// Copies the detail of the builder's most recent failure (empty if none) into `buf`:
/// NUL-terminated, truncated to `buf_len - 1` bytes. If `out_len` is not NULL it receives the
/// full length (excluding the NUL), so a caller can detect truncation. `buf` may be NULL when
/// `buf_len` is 0. A failure of this call itself is not recorded: the detail stays.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`builder` NULL, or `buf` NULL with
/// `buf_len > 0`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_last_error(
    builder: *const ftls_client_config_builder,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> ResultCode {
    with_handle_unrecorded(builder, |b| {
        copy_message(&b.last_error.detail(), buf, buf_len, out_len)
    })
}

/// Frees a builder. NULL does nothing. Configs built from it stay valid.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_free(builder: *mut ftls_client_config_builder) {
    free_handle(builder);
}

/// Frees a client config. NULL does nothing. Connections made from it stay valid: each keeps
/// what it needs.
#[no_mangle]
pub extern "C" fn ftls_client_config_free(config: *mut ftls_client_config) {
    free_handle(config);
}

pub(crate) fn client_config<'a>(
    config: *const ftls_client_config,
) -> Result<&'a ClientConfig, crate::core::Error> {
    Ok(&arg(config, "config")?.config)
}
