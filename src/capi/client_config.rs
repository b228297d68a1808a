//! `ftls_client_config_builder` and `ftls_client_config`.

use super::borrowed::ftls_bytes;
use super::boundary::optional_out;
use super::boundary::{
    bytes_arg, copy_message, free_handle, guard, into_handle, null_argument, out, str_arg, update,
    with_handle, with_handle_mut, with_last_error, with_shared_arg, Handle, MutableHandle,
    SharedHandle,
};
use super::builder_args::{
    alpn_from_args, identity_from_der, identity_from_files, identity_from_pem, key_password_arg,
    revocation_policy_from_flags, versions_from_flags,
};
use super::config_callbacks::{
    ftls_client_certificate_callback, ftls_verify_callback, CCertificateCallback, CVerifyCallback,
};
use crate::core::certificate_from_der;
use crate::core::CheckMode;
use crate::core::{ClientConfig, ClientConfigBuilder, ResultCode};
use std::ffi::{c_char, c_void};
use std::path::Path;
use std::sync::Arc;

/// Collects client settings. Create with `ftls_client_config_builder_new()`, free with
/// `ftls_client_config_builder_free()`. Used by one thread at a time.
pub struct ftls_client_config_builder {
    pub(crate) builder: ClientConfigBuilder,
}

/// An immutable client configuration made by `ftls_client_config_builder_build()`. Share it
/// among any number of connections and threads; free it with `ftls_client_config_free()`
/// whenever you like: connections keep what they need.
pub struct ftls_client_config {
    pub(crate) config: ClientConfig,
}

impl Handle for ftls_client_config_builder {
    const KIND: &'static str = "builder";
}

impl MutableHandle for ftls_client_config_builder {}

impl SharedHandle for ftls_client_config {}

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
    with_handle_mut(builder, "ftls_client_config_builder_load_ca_file", |b| {
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
    with_handle_mut(builder, "ftls_client_config_builder_load_ca_pem", |b| {
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
    with_handle_mut(
        builder,
        "ftls_client_config_builder_use_webpki_roots",
        |b| {
            b.builder.add_webpki_roots();
            Ok(())
        },
    )
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
    with_handle_mut(
        builder,
        "ftls_client_config_builder_load_identity_file",
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
    with_handle_mut(
        builder,
        "ftls_client_config_builder_load_identity_pem",
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
    with_handle_mut(builder, "ftls_client_config_builder_set_versions", |b| {
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
    with_handle_mut(builder, "ftls_client_config_builder_set_alpn", |b| {
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
    update(builder, "ftls_client_config_builder_set_sni", |b| {
        b.builder.set_sni(enable)
    })
}

/// Makes an immutable client config from the builder's current settings. The builder is not
/// consumed: change it and build again for a second config.
///
/// On success `*out_config` owns a new config: free it with `ftls_client_config_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_CONFIG` (no trust anchors — and no
/// pinned certificate or replacing verifier —, pinned certificates together with CA
/// certificates, or CRLs without CA certificates); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_build(
    builder: *const ftls_client_config_builder,
    out_config: *mut *mut ftls_client_config,
) -> ResultCode {
    with_handle(builder, "ftls_client_config_builder_build", |b| {
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
    with_last_error(builder, |last| {
        copy_message(&last.detail(), buf, buf_len, out_len)
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

/// A copy of the config behind `config` (reference-counted: cheap).
pub(crate) fn client_config(
    config: *const ftls_client_config,
) -> Result<ClientConfig, crate::core::Error> {
    with_shared_arg(config, "config", |c| c.config.clone())
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
/// `FTLS_ERR_CERT_INVALID` (none usable); `FTLS_ERR_NULL_ARGUMENT` (`builder`);
/// `FTLS_ERR_PANIC`. Details: `ftls_client_config_builder_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_use_system_roots(
    builder: *mut ftls_client_config_builder,
    out_count: *mut usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_use_system_roots",
        |b| {
            let count = b.builder.add_system_roots()?;
            if let Some(out_count) = optional_out(out_count) {
                out_count.set(count);
            }
            Ok(())
        },
    )
}

/// Trusts the CA certificates of every PEM file in the directory `path` (not its
/// subdirectories), which may use OpenSSL's hashed-name layout (`<hash>.0` links made by
/// `openssl rehash` / `c_rehash`). Files holding no certificate (CRLs, notes) are skipped;
/// duplicates count once. All or nothing.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE` (not a readable directory, or a file in it unreadable);
/// `FTLS_ERR_NO_CERTIFICATE` (no file holds a certificate); `FTLS_ERR_BAD_PEM` (a broken
/// certificate section, the detail names the file); `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_ca_dir(
    builder: *mut ftls_client_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_load_ca_dir", |b| {
        let path = str_arg(path, "path")?;
        b.builder.add_trust_anchors_dir(Path::new(path)).map(drop)
    })
}

/// Trusts one DER-encoded CA certificate (`der_len` bytes at `der`, copied).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM` (not one DER certificate);
/// `FTLS_ERR_CERT_INVALID` (it cannot be a trust anchor); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_ca_der(
    builder: *mut ftls_client_config_builder,
    der: *const u8,
    der_len: usize,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_load_ca_der", |b| {
        let der = bytes_arg(der, der_len, "der")?;
        b.builder.add_trust_anchor_der(der).map(drop)
    })
}

/// Adds the certificate revocation lists of the file at `path` (PEM `X509 CRL` sections, or
/// one DER CRL) to the checks of server certificates. Each CRL must be signed by a trusted
/// CA; a server certificate it lists is refused with `FTLS_ERR_CERT_REVOKED` and a detail
/// that says "revoked" and names the certificate (subject and serial). Once any CRL is
/// loaded, a certificate whose issuer published none is refused as
/// `FTLS_ERR_CERT_REVOCATION_UNKNOWN` unless `ftls_client_config_builder_set_revocation_policy()`
/// allows it. All or nothing.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE`; `FTLS_ERR_BAD_PEM` (not a valid CRL); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_crl_file(
    builder: *mut ftls_client_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_load_crl_file", |b| {
        let path = str_arg(path, "path")?;
        b.builder
            .verification
            .add_crl_file(Path::new(path))
            .map(drop)
    })
}

/// As `ftls_client_config_builder_load_crl_file()`, from PEM text in memory (copied).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_crl_pem(
    builder: *mut ftls_client_config_builder,
    pem: *const u8,
    pem_len: usize,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_load_crl_pem", |b| {
        let pem = bytes_arg(pem, pem_len, "pem")?;
        b.builder.verification.add_crl_pem(pem).map(drop)
    })
}

/// As `ftls_client_config_builder_load_crl_file()`, one DER CRL in memory (copied).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_crl_der(
    builder: *mut ftls_client_config_builder,
    der: *const u8,
    der_len: usize,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_load_crl_der", |b| {
        let der = bytes_arg(der, der_len, "der")?;
        b.builder.verification.add_crl_der(der).map(drop)
    })
}

/// How loaded CRLs are applied: 0 (the default) checks every certificate of the chain, refuses
/// one whose revocation status no CRL gives, and accepts CRLs past their nextUpdate; OR
/// `FTLS_REVOCATION_END_ENTITY_ONLY` (check only the server's own certificate),
/// `FTLS_REVOCATION_ALLOW_UNKNOWN` (accept a certificate no CRL covers) and
/// `FTLS_REVOCATION_ENFORCE_EXPIRY` (refuse when the CRL is stale) to change that.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (unknown flag);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_revocation_policy(
    builder: *mut ftls_client_config_builder,
    flags: u32,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_revocation_policy",
        |b| {
            let policy = revocation_policy_from_flags(flags)?;
            b.builder.verification.set_revocation_policy(policy);
            Ok(())
        },
    )
}

/// Adds an application check of the server's certificate that runs after ftls' own
/// verification succeeded (it can refuse, never accept what ftls refused): e.g. pinning a
/// key, checking a policy OID, or reading the stapled OCSP response. `callback` receives the
/// chain (DER) and the expected name, see `ftls_verify_callback`. NULL removes a callback set
/// earlier by this function or by `ftls_client_config_builder_dangerous_replace_verifier()`.
///
/// `callback` runs on whichever thread drives a connection made from the built config, on
/// several at once when the config is shared: it must be thread-safe, and `userdata` must stay
/// valid, and safe to use concurrently, until every config built from this builder and every
/// connection made from those configs is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`builder`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_verify_callback(
    builder: *mut ftls_client_config_builder,
    callback: ftls_verify_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_verify_callback",
        |b| {
            b.builder.verification.set_check(callback.map(|callback| {
                (
                    Arc::new(CVerifyCallback::new(callback, userdata)) as _,
                    CheckMode::AfterVerification,
                )
            }));
            Ok(())
        },
    )
}

/// DANGEROUS: replaces ftls' verification of the server's certificate by `callback`: its
/// verdict alone decides, so a callback that accepts wrongly makes the connection open to any
/// impostor. For testing, or for trust models ftls does not offer. It still receives what the
/// standard verification concluded (`standard_result`, e.g. to accept only an expired
/// certificate): with no trust anchors that is `FTLS_ERR_CERT_UNKNOWN_ISSUER`. The handshake
/// signatures are still checked against the certificate's key. Thread and `userdata` rules as
/// `ftls_client_config_builder_set_verify_callback()`, which removes it when given NULL.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `callback`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_dangerous_replace_verifier(
    builder: *mut ftls_client_config_builder,
    callback: ftls_verify_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_dangerous_replace_verifier",
        |b| {
            let callback = callback.ok_or_else(|| null_argument("callback"))?;
            b.builder.verification.set_check(Some((
                Arc::new(CVerifyCallback::new(callback, userdata)) as _,
                CheckMode::DangerousReplacement,
            )));
            Ok(())
        },
    )
}

/// Trusts exactly the certificate(s) in the file at `path` (PEM, or one DER certificate) and
/// nothing else: the server must present one of them, byte for byte, within its validity
/// dates. Made for self-signed certificates (`openssl req -x509 ...`), which cannot be CA
/// anchors. The server name is not compared with the certificate: the pin is the identity.
/// Pins cannot be combined with CA certificates or CRLs (`_build` says `FTLS_ERR_CONFIG`).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_pin_certificate_file(
    builder: *mut ftls_client_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_pin_certificate_file",
        |b| {
            let path = str_arg(path, "path")?;
            b.builder.verification.pin_file(Path::new(path)).map(drop)
        },
    )
}

/// As `ftls_client_config_builder_pin_certificate_file()`, from PEM text in memory (copied).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`;
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_pin_certificate_pem(
    builder: *mut ftls_client_config_builder,
    pem: *const u8,
    pem_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_pin_certificate_pem",
        |b| {
            let pem = bytes_arg(pem, pem_len, "pem")?;
            b.builder.verification.pin_pem(pem).map(drop)
        },
    )
}

/// As `ftls_client_config_builder_pin_certificate_file()`, one DER certificate in memory.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_pin_certificate_der(
    builder: *mut ftls_client_config_builder,
    der: *const u8,
    der_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_pin_certificate_der",
        |b| {
            let der = bytes_arg(der, der_len, "der")?;
            let cert = certificate_from_der(der, "the pinned certificate DER data")?;
            b.builder.verification.pin_certificate(cert);
            Ok(())
        },
    )
}

/// As `ftls_client_config_builder_load_identity_file()`, from DER in memory: `chain_len`
/// certificates (leaf first) and the private key (PKCS#8, PKCS#1 RSA or SEC1 EC; encrypted
/// PKCS#8 with the password of `ftls_client_config_builder_set_private_key_password()`).
/// Everything is copied.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (also an element with NULL data and a non-zero
/// length); `FTLS_ERR_BAD_PEM` (not DER); `FTLS_ERR_NO_CERTIFICATE` (empty chain);
/// `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_BAD_PASSWORD`; `FTLS_ERR_KEY_MISMATCH`;
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_load_identity_der(
    builder: *mut ftls_client_config_builder,
    cert_chain: *const ftls_bytes,
    cert_chain_len: usize,
    private_key_der: *const u8,
    private_key_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_load_identity_der",
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

/// Adds another client identity (chain file and key file, PEM or DER, as
/// `ftls_client_config_builder_load_identity_file()`), numbered 1, 2... in the order added (0 is
/// the loaded one). Without a certificate callback the client sends the first identity whose
/// key suits the server's signature schemes; with one, the callback chooses.
///
/// Returns what `ftls_client_config_builder_load_identity_file()` returns: `FTLS_OK`;
/// `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT`; `FTLS_ERR_FILE`; `FTLS_ERR_BAD_PEM`;
/// `FTLS_ERR_NO_CERTIFICATE`; `FTLS_ERR_NO_PRIVATE_KEY`; `FTLS_ERR_UNSUPPORTED_KEY`;
/// `FTLS_ERR_BAD_PASSWORD`; `FTLS_ERR_KEY_MISMATCH`; `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_add_identity_file(
    builder: *mut ftls_client_config_builder,
    cert_chain_path: *const c_char,
    private_key_path: *const c_char,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_add_identity_file",
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

/// As `ftls_client_config_builder_add_identity_file()`, from PEM text in memory.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`;
/// `FTLS_ERR_NO_PRIVATE_KEY`; `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_BAD_PASSWORD`;
/// `FTLS_ERR_KEY_MISMATCH`; `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_add_identity_pem(
    builder: *mut ftls_client_config_builder,
    cert_chain_pem: *const u8,
    cert_chain_len: usize,
    private_key_pem: *const u8,
    private_key_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_add_identity_pem",
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

/// As `ftls_client_config_builder_add_identity_file()`, from DER in memory (as
/// `ftls_client_config_builder_load_identity_der()`).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_BAD_PEM`; `FTLS_ERR_NO_CERTIFICATE`;
/// `FTLS_ERR_UNSUPPORTED_KEY`; `FTLS_ERR_BAD_PASSWORD`; `FTLS_ERR_KEY_MISMATCH`;
/// `FTLS_ERR_CERT_INVALID`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_add_identity_der(
    builder: *mut ftls_client_config_builder,
    cert_chain: *const ftls_bytes,
    cert_chain_len: usize,
    private_key_der: *const u8,
    private_key_len: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_add_identity_der",
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

/// Lets `callback` choose the client certificate when a server asks for one: it sees the CA
/// names the server accepts and its signature schemes, and returns an identity number,
/// `FTLS_IDENTITY_AUTO` or `FTLS_IDENTITY_NONE` (see `ftls_client_certificate_callback`).
/// NULL removes it. Thread and `userdata` rules as
/// `ftls_client_config_builder_set_verify_callback()`.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`builder`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_client_certificate_callback(
    builder: *mut ftls_client_config_builder,
    callback: ftls_client_certificate_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_client_certificate_callback",
        |b| {
            b.builder.set_certificate_chooser(
                callback
                    .map(|callback| Arc::new(CCertificateCallback::new(callback, userdata)) as _),
            );
            Ok(())
        },
    )
}

/// Sets the password (NUL-terminated, copied; wiped from memory when no longer needed) that
/// decrypts encrypted PKCS#8 private keys (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, PBES2 with
/// PBKDF2 or scrypt and AES-CBC, as `openssl genpkey -aes-256-cbc` or `openssl pkcs8 -topk8`
/// write) in the identities loaded or added after this call. NULL forgets the password.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder`); `FTLS_ERR_INVALID_ARGUMENT`
/// (not UTF-8); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_private_key_password(
    builder: *mut ftls_client_config_builder,
    password: *const c_char,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_private_key_password",
        |b| {
            b.builder.key_password = key_password_arg(password)?;
            Ok(())
        },
    )
}
