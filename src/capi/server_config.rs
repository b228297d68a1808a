//! `ftls_server_config_builder` and `ftls_server_config`.

use super::borrowed::ftls_bytes;
use super::boundary::{
    bytes_arg, copy_message, free_handle, guard, into_handle, null_argument, out, str_arg,
    with_handle, with_handle_mut, with_last_error, with_shared_arg, Handle, MutableHandle,
    SharedHandle,
};
use super::builder_args::{
    alpn_from_args, identity_from_der, identity_from_files, identity_from_pem, key_password_arg,
    revocation_policy_from_flags, versions_from_flags,
};
use super::config_callbacks::{
    ftls_client_hello_callback, ftls_verify_callback, CHelloCallback, CVerifyCallback,
};
use crate::core::CheckMode;
use crate::core::{ClientAuth, Error, ResultCode, ServerConfig, ServerConfigBuilder};
use std::ffi::{c_char, c_void};
use std::path::Path;
use std::sync::Arc;

/// Client authentication mode: do not ask for a client certificate (the default).
pub const FTLS_CLIENT_AUTH_NONE: u32 = 0;
/// Client authentication mode: ask; verify a certificate if one is sent, accept none.
pub const FTLS_CLIENT_AUTH_OPTIONAL: u32 = 1;
/// Client authentication mode: ask, and refuse a client without a valid certificate.
pub const FTLS_CLIENT_AUTH_REQUIRED: u32 = 2;

/// `ftls_server_config_builder_set_unknown_server_name()`: a server name no identity's
/// certificate names gets the default identity (the default behaviour).
pub const FTLS_UNKNOWN_NAME_USE_DEFAULT: u32 = 0;
/// `ftls_server_config_builder_set_unknown_server_name()`: a server name no identity's
/// certificate names fails the handshake.
pub const FTLS_UNKNOWN_NAME_REFUSE: u32 = 1;

/// Collects server settings. Create with `ftls_server_config_builder_new()`, free with
/// `ftls_server_config_builder_free()`. Used by one thread at a time.
pub struct ftls_server_config_builder {
    pub(crate) builder: ServerConfigBuilder,
}

/// An immutable server configuration made by `ftls_server_config_builder_build()`. Share it
/// among any number of connections and threads; free it with `ftls_server_config_free()`
/// whenever you like: connections keep what they need.
pub struct ftls_server_config {
    pub(crate) config: ServerConfig,
}

impl Handle for ftls_server_config_builder {
    const KIND: &'static str = "builder";
}

impl MutableHandle for ftls_server_config_builder {}

impl SharedHandle for ftls_server_config {}

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
    with_handle_mut(
        builder,
        "ftls_server_config_builder_load_identity_file",
        |b| {
            b.builder.set_identity(identity_from_files(
                cert_chain_path,
                private_key_path,
                b.builder.key_password.as_ref(),
            )?);
            Ok(())
        },
    )
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
    with_handle_mut(
        builder,
        "ftls_server_config_builder_load_identity_pem",
        |b| {
            b.builder.set_identity(identity_from_pem(
                cert_chain_pem,
                cert_chain_len,
                private_key_pem,
                private_key_len,
                b.builder.key_password.as_ref(),
            )?);
            Ok(())
        },
    )
}

/// Chooses whether to ask clients for a certificate: `FTLS_CLIENT_AUTH_NONE` (default),
/// `FTLS_CLIENT_AUTH_OPTIONAL` or `FTLS_CLIENT_AUTH_REQUIRED`. The last two need client trust
/// anchors (`ftls_server_config_builder_load_client_ca_file()` or `_pem()`). With
/// `FTLS_CLIENT_AUTH_NONE`, client CA certificates, CRLs, a revocation policy or a client verify
/// callback make `ftls_server_config_builder_build()` fail: they would never be used.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (unknown mode);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_client_auth(
    builder: *mut ftls_server_config_builder,
    mode: u32,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_set_client_auth", |b| {
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
    with_handle_mut(
        builder,
        "ftls_server_config_builder_load_client_ca_file",
        |b| {
            let path = str_arg(path, "path")?;
            b.builder
                .add_client_trust_anchors_file(Path::new(path))
                .map(drop)
        },
    )
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
    with_handle_mut(
        builder,
        "ftls_server_config_builder_load_client_ca_pem",
        |b| {
            let pem = bytes_arg(pem, pem_len, "pem")?;
            b.builder.add_client_trust_anchors_pem(pem).map(drop)
        },
    )
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
    with_handle_mut(builder, "ftls_server_config_builder_set_versions", |b| {
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
    with_handle_mut(builder, "ftls_server_config_builder_set_alpn", |b| {
        b.builder
            .negotiation
            .set_alpn(alpn_from_args(protocols, count)?)
    })
}

/// Makes an immutable server config from the builder's current settings. The builder is not
/// consumed.
///
/// On success `*out_config` owns a new config: free it with `ftls_server_config_free()`.
/// A session made by a config resumes only on configs with the same client-authentication
/// policy (see `ftls_server_config_builder_set_ticketer()`); each config built gets its own
/// session cache and (with `ftls_server_config_builder_set_tickets()`) its own ticket keys.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_CONFIG` (no identity, client
/// authentication without client trust anchors or a replacing verifier, CRLs without client
/// trust anchors, or client CA certificates, CRLs, a revocation policy or a client verify
/// callback with client authentication off; the detail names what was set); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_build(
    builder: *const ftls_server_config_builder,
    out_config: *mut *mut ftls_server_config,
) -> ResultCode {
    with_handle(builder, "ftls_server_config_builder_build", |b| {
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
    with_last_error(builder, |last| {
        copy_message(&last.detail(), buf, buf_len, out_len)
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

/// A copy of the config behind `config` (reference-counted: cheap).
pub(crate) fn server_config(config: *const ftls_server_config) -> Result<ServerConfig, Error> {
    with_shared_arg(config, "config", |c| c.config.clone())
}

/// As `ftls_server_config_builder_load_identity_file()`, from DER in memory: `chain_len`
/// certificates (leaf first) and the private key (PKCS#8, PKCS#1 RSA or SEC1 EC; encrypted
/// PKCS#8 with the password of `ftls_server_config_builder_set_private_key_password()`).
/// Everything is copied.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (also an element with NULL data and a non-zero
/// length); `FTLS_ERR_BAD_PEM` (not DER); `FTLS_ERR_NO_CERTIFICATE` (empty chain);
/// `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_BAD_PASSWORD`; `FTLS_ERR_KEY_MISMATCH`;
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_identity_der(
    builder: *mut ftls_server_config_builder,
    cert_chain: *const ftls_bytes,
    cert_chain_len: usize,
    private_key_der: *const u8,
    private_key_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_load_identity_der",
        |b| {
            b.builder.set_identity(identity_from_der(
                cert_chain,
                cert_chain_len,
                private_key_der,
                private_key_len,
                b.builder.key_password.as_ref(),
            )?);
            Ok(())
        },
    )
}

/// Adds another identity (chain and key files, PEM or DER, as
/// `ftls_server_config_builder_load_identity_file()`), numbered 1, 2... in the order added (0
/// is the loaded default). The server answers a client whose server name (SNI) one of its
/// certificate's DNS names covers — exactly, or by a `*.` wildcard for one label, ignoring
/// case — with that identity (the first one whose key suits the client's signature schemes
/// when several do, e.g. an ECDSA and an RSA certificate for one name); other names get the
/// default (identity 0, or the first added when none was loaded) unless
/// `ftls_server_config_builder_set_unknown_server_name()` refuses them.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT`; `FTLS_ERR_FILE`;
/// `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_NO_PRIVATE_KEY`;
/// `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_BAD_PASSWORD`; `FTLS_ERR_KEY_MISMATCH`;
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_add_identity_file(
    builder: *mut ftls_server_config_builder,
    cert_chain_path: *const c_char,
    private_key_path: *const c_char,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_add_identity_file",
        |b| {
            let identity = identity_from_files(
                cert_chain_path,
                private_key_path,
                b.builder.key_password.as_ref(),
            )?;
            b.builder.identities.add(identity);
            Ok(())
        },
    )
}

/// As `ftls_server_config_builder_add_identity_file()`, from PEM text in memory.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`;
/// `FTLS_ERR_NO_PRIVATE_KEY`; `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_BAD_PASSWORD`;
/// `FTLS_ERR_KEY_MISMATCH`; `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_add_identity_pem(
    builder: *mut ftls_server_config_builder,
    cert_chain_pem: *const u8,
    cert_chain_len: usize,
    private_key_pem: *const u8,
    private_key_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_add_identity_pem",
        |b| {
            let identity = identity_from_pem(
                cert_chain_pem,
                cert_chain_len,
                private_key_pem,
                private_key_len,
                b.builder.key_password.as_ref(),
            )?;
            b.builder.identities.add(identity);
            Ok(())
        },
    )
}

/// As `ftls_server_config_builder_add_identity_file()`, from DER in memory (as
/// `ftls_server_config_builder_load_identity_der()`).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`;
/// `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_BAD_PASSWORD`; `FTLS_ERR_KEY_MISMATCH`;
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_add_identity_der(
    builder: *mut ftls_server_config_builder,
    cert_chain: *const ftls_bytes,
    cert_chain_len: usize,
    private_key_der: *const u8,
    private_key_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_add_identity_der",
        |b| {
            let identity = identity_from_der(
                cert_chain,
                cert_chain_len,
                private_key_der,
                private_key_len,
                b.builder.key_password.as_ref(),
            )?;
            b.builder.identities.add(identity);
            Ok(())
        },
    )
}

/// What the server does when the client asks for a server name that none of its identities'
/// certificates names: `FTLS_UNKNOWN_NAME_USE_DEFAULT` (the default: answer with the default
/// identity, and let the client decide) or `FTLS_UNKNOWN_NAME_REFUSE` (fail the handshake with
/// `FTLS_ERR_HANDSHAKE_FAILURE`; the client receives an access_denied alert). A client that
/// sends no server name always gets the default identity.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (unknown mode);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_unknown_server_name(
    builder: *mut ftls_server_config_builder,
    mode: u32,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_unknown_server_name",
        |b| {
            b.builder.refuse_unknown_name = match mode {
                FTLS_UNKNOWN_NAME_USE_DEFAULT => false,
                FTLS_UNKNOWN_NAME_REFUSE => true,
                other => {
                    return Err(Error::invalid_argument(format!(
                        "unknown-name mode {other} is not one of FTLS_UNKNOWN_NAME_*"
                    )))
                }
            };
            Ok(())
        },
    )
}

/// Lets `callback` choose the identity for each ClientHello: it sees the server name, the
/// ALPN offers, the signature schemes and the cipher suites, and returns an identity number,
/// `FTLS_IDENTITY_AUTO` or `FTLS_IDENTITY_NONE` (see `ftls_client_hello_callback`). NULL
/// removes it. It runs on whichever thread drives a connection made from the built config, on
/// several at once when the config is shared: it must be thread-safe, and `userdata` must stay
/// valid, and safe to use concurrently, until every config built from this builder and every
/// connection made from those configs is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`builder`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_client_hello_callback(
    builder: *mut ftls_server_config_builder,
    callback: ftls_client_hello_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_client_hello_callback",
        |b| {
            b.builder.set_hello_chooser(
                callback.map(|callback| Arc::new(CHelloCallback::new(callback, userdata)) as _),
            );
            Ok(())
        },
    )
}

/// Staples `response_len` bytes at `response` (a DER OCSPResponse from your CA's responder,
/// copied) to identity number `identity` (0 the loaded default, 1, 2... the added ones), for
/// clients that ask (TLS 1.2 status_request, TLS 1.3 certificate status). Zero bytes remove
/// it. ftls sends it as given: refresh it (build a new config) before it expires. Loading the
/// identity again drops it.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder`, or `response` NULL with a non-zero
/// length); `FTLS_ERR_INVALID_ARGUMENT` (no identity with that number); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_ocsp_response(
    builder: *mut ftls_server_config_builder,
    identity: usize,
    response: *const u8,
    response_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_ocsp_response",
        |b| {
            let response = bytes_arg(response, response_len, "response")?;
            let identities = &mut b.builder.identities;
            let stapled = identities
                .get(identity)
                .ok_or_else(|| identities.no_such(identity))?
                .with_ocsp_response(response.to_vec());
            identities.replace(identity, stapled)
        },
    )
}

/// Trusts the CA certificates of every PEM file in the directory `path` for verifying client
/// certificates, as `ftls_client_config_builder_load_ca_dir()` does for servers.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT`; `FTLS_ERR_FILE`;
/// `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_client_ca_dir(
    builder: *mut ftls_server_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_load_client_ca_dir",
        |b| {
            let path = str_arg(path, "path")?;
            b.builder
                .add_client_trust_anchors_dir(Path::new(path))
                .map(drop)
        },
    )
}

/// Trusts one DER-encoded CA certificate for verifying client certificates.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_CERT_INVALID`;
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_client_ca_der(
    builder: *mut ftls_server_config_builder,
    der: *const u8,
    der_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_load_client_ca_der",
        |b| {
            let der = bytes_arg(der, der_len, "der")?;
            b.builder.add_client_trust_anchor_der(der).map(drop)
        },
    )
}

/// Adds the CRLs of the file at `path` (PEM `X509 CRL` sections, or one DER CRL) to the checks
/// of client certificates, as `ftls_client_config_builder_load_crl_file()` does for servers: a
/// listed certificate is refused with `FTLS_ERR_CERT_REVOKED` (the detail says "revoked" and
/// names it) and the client receives a certificate_revoked alert.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT`; `FTLS_ERR_FILE`;
/// `FTLS_ERR_BAD_PEM`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_crl_file(
    builder: *mut ftls_server_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_load_crl_file", |b| {
        let path = str_arg(path, "path")?;
        b.builder
            .client_verification
            .add_crl_file(Path::new(path))
            .map(drop)
    })
}

/// As `ftls_server_config_builder_load_crl_file()`, from PEM text in memory (copied).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_crl_pem(
    builder: *mut ftls_server_config_builder,
    pem: *const u8,
    pem_len: usize,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_load_crl_pem", |b| {
        let pem = bytes_arg(pem, pem_len, "pem")?;
        b.builder.client_verification.add_crl_pem(pem).map(drop)
    })
}

/// As `ftls_server_config_builder_load_crl_file()`, one DER CRL in memory (copied).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_load_crl_der(
    builder: *mut ftls_server_config_builder,
    der: *const u8,
    der_len: usize,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_load_crl_der", |b| {
        let der = bytes_arg(der, der_len, "der")?;
        b.builder.client_verification.add_crl_der(der).map(drop)
    })
}

/// How loaded CRLs are applied to client certificates: 0 or the `FTLS_REVOCATION_END_ENTITY_ONLY`,
/// `FTLS_REVOCATION_ALLOW_UNKNOWN` and `FTLS_REVOCATION_ENFORCE_EXPIRY` flags, as
/// `ftls_client_config_builder_set_revocation_policy()` describes (0 is the strict default).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (unknown flag);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_revocation_policy(
    builder: *mut ftls_server_config_builder,
    flags: u32,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_revocation_policy",
        |b| {
            let policy = revocation_policy_from_flags(flags)?;
            b.builder.client_verification.set_revocation_policy(policy);
            Ok(())
        },
    )
}

/// Adds an application check of client certificates that runs after ftls' verification
/// succeeded (see `ftls_verify_callback`; `server_name` is empty). NULL removes it (or a
/// replacing one). Thread and `userdata` rules as
/// `ftls_server_config_builder_set_client_hello_callback()`. Needs client authentication on
/// (`ftls_server_config_builder_set_client_auth()`). Sessions are bound to the callback and
/// `userdata`: a session made under another pair (or none) does not resume, the client gets a
/// full handshake and this callback judges it.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`builder`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_client_verify_callback(
    builder: *mut ftls_server_config_builder,
    callback: ftls_verify_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_client_verify_callback",
        |b| {
            b.builder
                .client_verification
                .set_check(callback.map(|callback| {
                    (
                        Arc::new(CVerifyCallback::new(callback, userdata)) as _,
                        CheckMode::AfterVerification,
                    )
                }));
            Ok(())
        },
    )
}

/// DANGEROUS: replaces ftls' verification of client certificates by `callback`, whose verdict
/// alone decides (with no client CA loaded, `standard_result` is
/// `FTLS_ERR_CERT_UNKNOWN_ISSUER`). Client authentication must still be turned on with
/// `ftls_server_config_builder_set_client_auth()` (building fails with `FTLS_ERR_CONFIG`
/// otherwise). Sessions are bound to the callback and `userdata`, as for
/// `ftls_server_config_builder_set_client_verify_callback()`. Thread and `userdata` rules as
/// `ftls_server_config_builder_set_client_hello_callback()`.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `callback`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_dangerous_replace_client_verifier(
    builder: *mut ftls_server_config_builder,
    callback: ftls_verify_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_dangerous_replace_client_verifier",
        |b| {
            let callback = callback.ok_or_else(|| null_argument("callback"))?;
            b.builder.client_verification.set_check(Some((
                Arc::new(CVerifyCallback::new(callback, userdata)) as _,
                CheckMode::DangerousReplacement,
            )));
            Ok(())
        },
    )
}

/// Sets the password (NUL-terminated, copied; wiped from memory when no longer needed) that
/// decrypts encrypted PKCS#8 private keys in the identities loaded or added after this call,
/// as `ftls_client_config_builder_set_private_key_password()`. NULL forgets it.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder`); `FTLS_ERR_INVALID_ARGUMENT`
/// (not UTF-8); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_private_key_password(
    builder: *mut ftls_server_config_builder,
    password: *const c_char,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_private_key_password",
        |b| {
            b.builder.key_password = key_password_arg(password)?;
            Ok(())
        },
    )
}
