//! `ftls_server_config_builder` and `ftls_server_config`.

use super::boundary::{
    arg, bytes_arg, copy_message, free_handle, guard, into_handle, out, str_arg, with_handle,
    with_handle_mut, with_handle_unrecorded, Handle, LastError,
};
use super::builder_args::{
    alpn_from_args, identity_from_files, identity_from_pem, versions_from_flags,
};
use crate::core::{ClientAuth, Error, ResultCode, ServerConfig, ServerConfigBuilder};
use std::ffi::c_char;
use std::path::Path;

/// Client authentication mode: do not ask for a client certificate (the default).
pub const FTLS_CLIENT_AUTH_NONE: u32 = 0;
/// Client authentication mode: ask; verify a certificate if one is sent, accept none.
pub const FTLS_CLIENT_AUTH_OPTIONAL: u32 = 1;
/// Client authentication mode: ask, and refuse a client without a valid certificate.
pub const FTLS_CLIENT_AUTH_REQUIRED: u32 = 2;

/// Collects server settings. Create with `ftls_server_config_builder_new()`, free with
/// `ftls_server_config_builder_free()`. Used by one thread at a time.
pub struct ftls_server_config_builder {
    pub(crate) builder: ServerConfigBuilder,
    last_error: LastError,
}

/// An immutable server configuration made by `ftls_server_config_builder_build()`. Share it
/// among any number of connections and threads; free it with `ftls_server_config_free()`
/// whenever you like: connections keep what they need.
pub struct ftls_server_config {
    pub(crate) config: ServerConfig,
}

impl Handle for ftls_server_config_builder {
    fn last_error(&self) -> &LastError {
        &self.last_error
    }
}

/// Creates a server config builder with the defaults: TLS 1.2 and 1.3, no ALPN, no client
/// authentication, and no certificate (load an identity before building).
///
/// On success `*out_builder` owns a new builder: free it with
/// `ftls_server_config_builder_free()`.
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_new(
    out_builder: *mut *mut ftls_server_config_builder,
) -> ResultCode {
    guard(|| {
        let out_builder = out(out_builder, "out_builder")?;
        out_builder.set(into_handle(ftls_server_config_builder {
            builder: ServerConfigBuilder::new(),
            last_error: LastError::default(),
        }));
        Ok(())
    })
}

/// Sets the certificate chain (PEM file, leaf first, then intermediates) and private key (PEM
/// file: PKCS#8, PKCS#1 RSA or SEC1 EC) the server presents. Replaces an earlier identity; on
/// failure the earlier one stays.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_NO_PRIVATE_KEY`;
/// `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_KEY_MISMATCH` (the key is not the certificate's);
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`. Details: `ftls_server_config_builder_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_identity_file(
    builder: *mut ftls_server_config_builder,
    cert_chain_path: *const c_char,
    private_key_path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder
            .set_identity(identity_from_files(cert_chain_path, private_key_path)?);
        Ok(())
    })
}

/// As `ftls_server_config_builder_load_identity_file()`, from PEM text in memory (copied).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`;
/// `FTLS_ERR_NO_PRIVATE_KEY`; `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_KEY_MISMATCH`;
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_identity_pem(
    builder: *mut ftls_server_config_builder,
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

/// Chooses whether to ask clients for a certificate: `FTLS_CLIENT_AUTH_NONE` (default),
/// `FTLS_CLIENT_AUTH_OPTIONAL` or `FTLS_CLIENT_AUTH_REQUIRED`. The last two need client trust
/// anchors (`ftls_server_config_builder_load_client_ca_file()` or `_pem()`).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (unknown mode);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_client_auth(
    builder: *mut ftls_server_config_builder,
    mode: u32,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        let mode = match mode {
            FTLS_CLIENT_AUTH_NONE => ClientAuth::None,
            FTLS_CLIENT_AUTH_OPTIONAL => ClientAuth::Optional,
            FTLS_CLIENT_AUTH_REQUIRED => ClientAuth::Required,
            other => {
                return Err(Error::invalid_argument(format!(
                    "client authentication mode {other} is not one of FTLS_CLIENT_AUTH_*"
                )))
            }
        };
        b.builder.set_client_auth(mode);
        Ok(())
    })
}

/// Trusts every CA certificate in the PEM file at `path` for verifying client certificates.
/// All or nothing.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT`; `FTLS_ERR_FILE`;
/// `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_client_ca_file(
    builder: *mut ftls_server_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        let path = str_arg(path, "path")?;
        b.builder
            .add_client_trust_anchors_file(Path::new(path))
            .map(drop)
    })
}

/// Trusts every CA certificate in `pem_len` bytes of PEM text for verifying client
/// certificates. All or nothing.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`;
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_client_ca_pem(
    builder: *mut ftls_server_config_builder,
    pem: *const u8,
    pem_len: usize,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        let pem = bytes_arg(pem, pem_len, "pem")?;
        b.builder.add_client_trust_anchors_pem(pem).map(drop)
    })
}

/// Chooses the protocol versions to accept: `FTLS_PROTOCOL_TLS12`, `FTLS_PROTOCOL_TLS13`, or
/// both (`FTLS_PROTOCOL_ALL`, the default). The server picks the highest both sides support.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (0 or an unknown
/// flag); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_versions(
    builder: *mut ftls_server_config_builder,
    protocols: u32,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder
            .negotiation
            .set_versions(versions_from_flags(protocols)?)
    })
}

/// Sets the ALPN protocols the server accepts, most preferred first (`count` NUL-terminated
/// strings, copied). The server picks its most preferred protocol the client offers; a client
/// offering ALPN with none in common is refused (`FTLS_ERR_NO_COMMON_ALPN`). `count == 0`
/// (the default) ignores ALPN.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_alpn(
    builder: *mut ftls_server_config_builder,
    protocols: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(builder, |b| {
        b.builder
            .negotiation
            .set_alpn(alpn_from_args(protocols, count)?)
    })
}

/// Makes an immutable server config from the builder's current settings. The builder is not
/// consumed.
///
/// On success `*out_config` owns a new config: free it with `ftls_server_config_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_CONFIG` (no identity, or client
/// authentication without client trust anchors); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_build(
    builder: *const ftls_server_config_builder,
    out_config: *mut *mut ftls_server_config,
) -> ResultCode {
    with_handle(builder, |b| {
        let out_config = out(out_config, "out_config")?;
        let config = b.builder.build()?;
        out_config.set(into_handle(ftls_server_config { config }));
        Ok(())
    })
}

/// Copies the detail of the builder's most recent failure (empty if none) into `buf`, as
/// `ftls_client_config_builder_last_error()` does.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_last_error(
    builder: *const ftls_server_config_builder,
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
pub extern "C" fn ftls_server_config_builder_free(builder: *mut ftls_server_config_builder) {
    free_handle(builder);
}

/// Frees a server config. NULL does nothing. Connections made from it stay valid.
#[no_mangle]
pub extern "C" fn ftls_server_config_free(config: *mut ftls_server_config) {
    free_handle(config);
}

pub(crate) fn server_config<'a>(
    config: *const ftls_server_config,
) -> Result<&'a ServerConfig, Error> {
    Ok(&arg(config, "config")?.config)
}
