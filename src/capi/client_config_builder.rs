//! `ftls_client_config_builder`: collects a client's settings and builds client configs.

use super::boundary::{
    copy_message, free_handle, guard, into_handle, null_argument, out, str_array_arg, update,
    with_handle, with_handle_mut, with_last_error, Handle, MutableHandle,
};
use super::builder_args::{alpn_from_args, versions_from_flags};
use super::client_config::ftls_client_config;
use super::config_callbacks::{
    ftls_client_certificate_callback, ftls_verify_callback, verify_check, CCertificateCallback,
};
use super::identity::{ftls_identity, loaded_identity};
use super::keylog::{self, ftls_keylog_callback};
use super::trust::{ftls_trust, trust_snapshot};
use crate::core::CheckMode;
use crate::core::{ClientConfigBuilder, ResultCode};
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// Collects client settings. Create with `ftls_client_config_builder_new()`, free with
/// `ftls_client_config_builder_free()`. Used by one thread at a time.
pub struct ftls_client_config_builder {
    pub(crate) builder: ClientConfigBuilder,
}

impl Handle for ftls_client_config_builder {
    const KIND: &'static str = "builder";
}

impl MutableHandle for ftls_client_config_builder {}

/// Creates a client config builder with the defaults: TLS 1.2 and 1.3, SNI on, no ALPN, no
/// client certificate, and no trust (set one before building).
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

/// Sets what the server's certificate is checked against (see `ftls_trust`), replacing an
/// earlier trust. The builder keeps its own snapshot: changing or freeing `trust` afterwards
/// does not affect it. A config needs a trust with CA certificates or pinned certificates, or
/// an insecure verifier (`ftls_client_config_builder_set_insecure_verifier()`).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `trust`); `FTLS_ERR_INVALID_STATE`
/// (a call on `trust` is running); `FTLS_ERR_PANIC`. Details:
/// `ftls_client_config_builder_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_trust(
    builder: *mut ftls_client_config_builder,
    trust: *const ftls_trust,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_set_trust", |b| {
        b.builder.set_trust(trust_snapshot(trust)?);
        Ok(())
    })
}

/// Adds a client certificate chain and key (see `ftls_identity`), sent when a server asks for
/// client authentication. Identities are numbered 0, 1, 2... in the order added. Without a
/// certificate callback the client sends the first identity whose key suits the server's
/// signature schemes; with one (`ftls_client_config_builder_set_client_certificate_callback()`),
/// the callback chooses. The builder keeps its own snapshot: changing or freeing `identity`
/// afterwards does not affect it.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `identity`);
/// `FTLS_ERR_INVALID_ARGUMENT` (the identity holds no chain and key yet);
/// `FTLS_ERR_INVALID_STATE` (a call on `identity` is running); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_add_identity(
    builder: *mut ftls_client_config_builder,
    identity: *const ftls_identity,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_add_identity", |b| {
        b.builder.add_identity(loaded_identity(identity)?);
        Ok(())
    })
}

/// Adds an application check of the server's certificate that runs after ftls' own
/// verification succeeded (it can refuse, never accept what ftls refused): e.g. pinning a
/// key, checking a policy OID, or reading the stapled OCSP response. `callback` receives the
/// chain (DER) and the expected name, see `ftls_verify_callback`. Replaces an earlier callback or
/// insecure verifier (`ftls_client_config_builder_set_insecure_verifier()`); NULL removes it.
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
            b.builder.set_check(verify_check(
                callback,
                userdata,
                CheckMode::AfterVerification,
            ));
            Ok(())
        },
    )
}

/// INSECURE: replaces ftls' verification of the server's certificate by `callback`: its
/// verdict alone decides, so a callback that accepts wrongly makes the connection open to any
/// impostor. For testing, or for trust models ftls does not offer. It still receives what the
/// standard verification concluded (`standard_result`, e.g. to accept only an expired
/// certificate): with no trust set that is `FTLS_ERR_CERT_UNKNOWN_ISSUER`. The handshake
/// signatures are still checked against the certificate's key. Replaces a verify callback;
/// `ftls_client_config_builder_set_verify_callback()` with NULL removes it. Thread and
/// `userdata` rules as `ftls_client_config_builder_set_verify_callback()`.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `callback`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_insecure_verifier(
    builder: *mut ftls_client_config_builder,
    callback: ftls_verify_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_insecure_verifier",
        |b| {
            let check = verify_check(callback, userdata, CheckMode::DangerousReplacement)
                .ok_or_else(|| null_argument("callback"))?;
            b.builder.set_check(Some(check));
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
            .negotiation_mut()
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
            .negotiation_mut()
            .set_alpn(alpn_from_args(protocols, count)?)
    })
}

/// Chooses the cipher suites the client offers, most preferred first: `count` NUL-terminated
/// names, each an IANA name ("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
/// or OpenSSL's name of a TLS 1.2 suite ("ECDHE-ECDSA-AES128-GCM-SHA256"), in any case; see
/// `ftls_supported_cipher_suite()`. Suites of both versions go in one list. All or nothing: on
/// failure the earlier choice stays. The default is every suite of the build.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder`, or `names` or an element NULL);
/// `FTLS_ERR_INVALID_ARGUMENT` (`count` 0, an unknown or unsupported name, a suite listed
/// twice; the detail names it and lists the supported ones); `FTLS_ERR_PANIC`. Building fails
/// with `FTLS_ERR_CONFIG` if no chosen suite fits the enabled protocol versions.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_cipher_suites(
    builder: *mut ftls_client_config_builder,
    names: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_cipher_suites",
        |b| {
            let names = str_array_arg(names, count, "names")?;
            b.builder.negotiation_mut().set_cipher_suites(&names)
        },
    )
}

/// Chooses the key-exchange groups the client offers, most preferred first: `count` names such
/// as "X25519MLKEM768", "X25519", "secp256r1" (also "P-256", "prime256v1"), "secp384r1"
/// ("P-384"), in any case; see `ftls_supported_group()`. The client sends a key share for its
/// most preferred group. The default (aws-lc-rs) prefers the
/// post-quantum hybrid X25519MLKEM768; leave it out of the list to turn post-quantum key
/// exchange off. All or nothing.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (`count` 0, an
/// unknown or unsupported name, a repeat; the detail names it); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_key_exchange_groups(
    builder: *mut ftls_client_config_builder,
    names: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_key_exchange_groups",
        |b| {
            let names = str_array_arg(names, count, "names")?;
            b.builder.negotiation_mut().set_key_exchange_groups(&names)
        },
    )
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

/// Sets how many sessions the client remembers, one per server name (default
/// `FTLS_SESSION_CACHE_DEFAULT`); 0 turns resumption off. Each config built gets its own
/// in-memory cache, shared by all connections made from that config (from any thread): a
/// second connection to the same server name resumes the first one's session (TLS 1.3 tickets;
/// TLS 1.2 session IDs or tickets), skipping the certificate exchange. Sessions are never
/// written anywhere else, so a session is offered only by the config whose trust (anchors,
/// pins, CRLs) and verify callback accepted its server: a config built after changing them
/// starts with an empty cache.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`size` above `FTLS_SESSION_CACHE_MAX`:
/// nothing changes); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_session_cache(
    builder: *mut ftls_client_config_builder,
    size: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_session_cache",
        |b| b.builder.sessions_mut().set_cache_size(size),
    )
}

/// Turns early data (TLS 1.3 0-RTT) on or off (the default). When on, a connection resuming a
/// session whose server accepts early data may send data with its very first flight: see
/// `ftls_connection_write_early_data()`.
///
/// REPLAY RISK: an attacker who records the first flight can replay it to the server, which
/// may then act on the early data twice (or more, across servers that do not share state).
/// Send only requests that are safe to repeat (idempotent, like a plain GET); never anything
/// that changes state. The data is also not forward secret: it is encrypted under the resumed
/// session's key.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`. Building a config with
/// early data on and a session cache of 0 fails with `FTLS_ERR_CONFIG`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_early_data(
    builder: *mut ftls_client_config_builder,
    enable: bool,
) -> ResultCode {
    update(builder, "ftls_client_config_builder_set_early_data", |b| {
        b.builder.sessions_mut().set_early_data(enable)
    })
}

/// Writes the TLS secrets of every connection made from configs built from this builder to the
/// file at `path` (NUL-terminated), appending NSS key-log lines (see `ftls_keylog_callback`),
/// as OpenSSL's `-keylogfile` and Wireshark expect. The file is opened now (created with mode
/// 0600 if missing) and shared by those configs; each line is written with one `write()`, so
/// lines of concurrent connections (or processes) never interleave. Replaces an earlier file.
///
/// `path` NULL honours the `SSLKEYLOGFILE` environment variable, as browsers and curl do: if it
/// is set (and not empty), the file it names is used as above; if not, nothing changes. ftls
/// never reads the variable unless the application passes NULL here, so a program decides
/// whether its users may log its secrets through the environment (pass NULL in debug builds,
/// or behind your own option). The variable is read now.
///
/// DANGER: anyone who can read the file can decrypt the recorded traffic. For debugging only.
///
/// Returns `FTLS_OK` (also for NULL when the variable is not set); `FTLS_ERR_NULL_ARGUMENT`
/// (`builder`); `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8); `FTLS_ERR_FILE` (cannot be opened
/// for appending; the detail names the file and the OS error, and says when `SSLKEYLOGFILE`
/// named it); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_keylog_file(
    builder: *mut ftls_client_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_set_keylog_file", |b| {
        keylog::file(b.builder.key_log_mut(), path)
    })
}

/// Hands each TLS secret of every connection made from configs built from this builder to
/// `callback`, as one NSS key-log line (see `ftls_keylog_callback` for the format and thread
/// rules). `userdata` is passed to each call and must stay valid until every such config and
/// connection is freed. Works alongside a key-log file. Replaces an earlier callback.
///
/// DANGER: the lines decrypt the traffic. For debugging only.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `callback`; `userdata` may be
/// NULL); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_keylog_callback(
    builder: *mut ftls_client_config_builder,
    callback: ftls_keylog_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_keylog_callback",
        |b| keylog::callback(b.builder.key_log_mut(), callback, userdata),
    )
}

/// Makes an immutable client config from the builder's current settings. The builder is not
/// consumed: change it and build again for a second config.
///
/// On success `*out_config` owns a new config: free it with `ftls_client_config_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_CONFIG` (a trust with neither CA nor
/// pinned certificates, and no insecure verifier; pinned certificates together with CA
/// certificates; CRLs without CA certificates; the detail says which); `FTLS_ERR_PANIC`.
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
