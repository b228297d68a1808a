//! `ftls_server_config_builder`: collects a server's settings and builds server configs.

use super::boundary::{
    copy_message, free_handle, guard, into_handle, null_argument, out, str_array_arg, update,
    with_handle, with_handle_mut, with_last_error, with_shared_arg, Handle, MutableHandle,
};
use super::builder_args::{alpn_from_args, versions_from_flags};
use super::config_callbacks::{
    ftls_client_hello_callback, ftls_verify_callback, verify_check, CHelloCallback,
};
use super::identity::{ftls_identity, loaded_identity};
use super::keylog::{self, ftls_keylog_callback};
use super::server_config::ftls_server_config;
use super::session_store::{ftls_session_get_callback, ftls_session_put_callback, CallbackStore};
use super::ticketer::{ftls_ticketer, TicketSource};
use super::trust::{ftls_trust, trust_snapshot};
use crate::core::CheckMode;
use crate::core::{ClientAuth, Error, ResultCode, ServerConfigBuilder};
use std::ffi::{c_char, c_void};
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

impl Handle for ftls_server_config_builder {
    const KIND: &'static str = "builder";
}

impl MutableHandle for ftls_server_config_builder {}

/// Creates a server config builder with the defaults: TLS 1.2 and 1.3, no ALPN, no client
/// authentication, and no certificate (add an identity before building).
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

/// Adds a certificate chain and key the server may present (see `ftls_identity`). Identities
/// are numbered 0, 1, 2... in the order added; 0 is the default. The server answers a client
/// whose server name (SNI) one of its certificate's DNS names covers — exactly, or by a `*.`
/// wildcard for one label, ignoring case — with that identity (the first one whose key suits
/// the client's signature schemes when several do, e.g. an ECDSA and an RSA certificate for one
/// name); other names get the default unless
/// `ftls_server_config_builder_set_unknown_server_name()` refuses them. A ClientHello callback
/// (`ftls_server_config_builder_set_client_hello_callback()`) may choose instead. The builder
/// keeps its own snapshot: changing or freeing `identity` afterwards does not affect it.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `identity`);
/// `FTLS_ERR_INVALID_ARGUMENT` (the identity holds no chain and key yet);
/// `FTLS_ERR_INVALID_STATE` (a call on `identity` is running); `FTLS_ERR_PANIC`. Details:
/// `ftls_server_config_builder_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_add_identity(
    builder: *mut ftls_server_config_builder,
    identity: *const ftls_identity,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_add_identity", |b| {
        b.builder.add_identity(loaded_identity(identity)?);
        Ok(())
    })
}

/// Sets what client certificates are checked against (see `ftls_trust`), replacing an earlier
/// trust; the CA names the server sends in its certificate request come from its CA
/// certificates. Used only with client authentication on
/// (`ftls_server_config_builder_set_client_auth()`): with it off, a trust holding anything
/// makes `ftls_server_config_builder_build()` fail. The builder keeps its own snapshot:
/// changing or freeing `trust` afterwards does not affect it. Sessions are bound to the
/// trust's contents (see `ftls_server_config_builder_set_ticketer()`).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `trust`); `FTLS_ERR_INVALID_STATE`
/// (a call on `trust` is running); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_trust(
    builder: *mut ftls_server_config_builder,
    trust: *const ftls_trust,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_set_trust", |b| {
        b.builder.set_trust(trust_snapshot(trust)?);
        Ok(())
    })
}

/// Chooses whether to ask clients for a certificate: `FTLS_CLIENT_AUTH_NONE` (default),
/// `FTLS_CLIENT_AUTH_OPTIONAL` or `FTLS_CLIENT_AUTH_REQUIRED`. The last two need a trust with
/// CA or pinned certificates (`ftls_server_config_builder_set_trust()`) or an insecure
/// verifier. With `FTLS_CLIENT_AUTH_NONE`, a trust holding anything or a verify callback make
/// `ftls_server_config_builder_build()` fail: they would never be used.
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

/// Adds an application check of client certificates that runs after ftls' verification
/// succeeded (see `ftls_verify_callback`; `server_name` is empty): it can refuse, never accept
/// what ftls refused. NULL removes it (or an insecure verifier). Thread and `userdata` rules
/// as `ftls_server_config_builder_set_client_hello_callback()`. Needs client authentication on
/// (`ftls_server_config_builder_set_client_auth()`). Sessions are bound to the callback and
/// `userdata`: a session made under another pair (or none) does not resume, the client gets a
/// full handshake and this callback judges it.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`builder`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_verify_callback(
    builder: *mut ftls_server_config_builder,
    callback: ftls_verify_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_verify_callback",
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

/// INSECURE: replaces ftls' verification of client certificates by `callback`, whose verdict
/// alone decides (with no CA certificates set, `standard_result` is
/// `FTLS_ERR_CERT_UNKNOWN_ISSUER`). Client authentication must still be turned on with
/// `ftls_server_config_builder_set_client_auth()` (building fails with `FTLS_ERR_CONFIG`
/// otherwise). Replaces a verify callback; `ftls_server_config_builder_set_verify_callback()`
/// with NULL removes it. Sessions are bound to the callback and `userdata`, as for
/// `ftls_server_config_builder_set_verify_callback()`. Thread and `userdata` rules as
/// `ftls_server_config_builder_set_client_hello_callback()`.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `callback`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_insecure_verifier(
    builder: *mut ftls_server_config_builder,
    callback: ftls_verify_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_insecure_verifier",
        |b| {
            let check = verify_check(callback, userdata, CheckMode::DangerousReplacement)
                .ok_or_else(|| null_argument("callback"))?;
            b.builder.set_check(Some(check));
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
            b.builder.set_refuse_unknown_name(match mode {
                FTLS_UNKNOWN_NAME_USE_DEFAULT => false,
                FTLS_UNKNOWN_NAME_REFUSE => true,
                other => {
                    return Err(Error::invalid_argument(format!(
                        "unknown-name mode {other} is not one of FTLS_UNKNOWN_NAME_*"
                    )))
                }
            });
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
            .negotiation_mut()
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
            .negotiation_mut()
            .set_alpn(alpn_from_args(protocols, count)?)
    })
}

/// Chooses the cipher suites the server accepts, by name as
/// `ftls_client_config_builder_set_cipher_suites()`. The order is the server's preference,
/// which decides only with `ftls_server_config_builder_set_prefer_server_order()`.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (`count` 0, an
/// unknown name, a repeat); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_cipher_suites(
    builder: *mut ftls_server_config_builder,
    names: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_cipher_suites",
        |b| {
            let names = str_array_arg(names, count, "names")?;
            b.builder.negotiation_mut().set_cipher_suites(&names)
        },
    )
}

/// Chooses the key-exchange groups the server accepts, by name as
/// `ftls_client_config_builder_set_key_exchange_groups()`. The server takes the client's most
/// preferred group it accepts (asking the client for another key share if needed).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_key_exchange_groups(
    builder: *mut ftls_server_config_builder,
    names: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_key_exchange_groups",
        |b| {
            let names = str_array_arg(names, count, "names")?;
            b.builder.negotiation_mut().set_key_exchange_groups(&names)
        },
    )
}

/// Picks the cipher suite by the server's order of preference (on; OpenSSL's
/// `SSL_OP_CIPHER_SERVER_PREFERENCE`) or by the client's (off, the default). Key-exchange
/// groups always follow the client's order.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_prefer_server_order(
    builder: *mut ftls_server_config_builder,
    enable: bool,
) -> ResultCode {
    update(
        builder,
        "ftls_server_config_builder_set_prefer_server_order",
        |b| b.builder.set_prefer_server_order(enable),
    )
}

/// Sets the size of the server's in-memory session cache (default
/// `FTLS_SESSION_CACHE_DEFAULT`), which resumes TLS 1.2 sessions by ID and issues TLS 1.3
/// tickets that refer to it (single use). 0 keeps no sessions: then only stateless tickets (see
/// `ftls_server_config_builder_set_ticketer()`) can resume, and without them no TLS 1.3 tickets
/// are sent at all. Each config built gets its own cache. Replaces a store set with
/// `ftls_server_config_builder_set_session_store()`.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`size` above `FTLS_SESSION_CACHE_MAX`:
/// nothing changes); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_session_cache(
    builder: *mut ftls_server_config_builder,
    size: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_session_cache",
        |b| b.builder.sessions_mut().set_cache_size(size),
    )
}

/// Turns stateless session tickets on, under the keys of `ticketer` (see `ftls_ticketer_new()`),
/// or off with NULL (the default: sessions resume from the server's cache or store only).
/// With a ticketer, the server keeps no state per session: it hands the client its session
/// encrypted under a ticket key, and resumes whoever brings it back. Configs built from this
/// builder share the ticketer: a rotation applies to all of them at once. Several servers given
/// the same keys (and rotating together) resume each other's sessions. The builder and its
/// configs keep their own reference: `ticketer` may be freed afterwards.
///
/// A ticket resumes only on a config with the client-authentication policy of the config that
/// issued it: the same mode (`ftls_server_config_builder_set_client_auth()`), trust (CA and
/// pinned certificates, CRLs, revocation policy, see `ftls_server_config_builder_set_trust()`),
/// and verify callback (the same function and `userdata`, hence never across processes). Any
/// other config opens no such ticket and does a full handshake with all its checks: a config
/// rebuilt after adding a CRL does not resume the sessions it would now refuse.
///
/// Tickets weaken forward secrecy until their key is gone: whoever steals a ticket key can
/// decrypt the sessions it protects. Early data is refused with stateless tickets (see
/// `ftls_server_config_builder_set_max_early_data()`).
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`builder`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_ticketer(
    builder: *mut ftls_server_config_builder,
    ticketer: *const ftls_ticketer,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_set_ticketer", |b| {
        if ticketer.is_null() {
            b.builder.sessions_mut().set_tickets(false);
            return Ok(());
        }
        match with_shared_arg(ticketer, "ticketer", |t| match &t.keys {
            TicketSource::Application(keys) => Some(keys.clone()),
            TicketSource::Random => None,
        })? {
            Some(keys) => b.builder.sessions_mut().set_ticket_keys(keys),
            None => b.builder.sessions_mut().set_tickets(true),
        }
        Ok(())
    })
}

/// Keeps the server's sessions in the application's store (shared memory, a cache server...)
/// instead of ftls' in-memory cache, so that several processes resume each other's sessions.
/// ftls calls `put` for each new session, `get` to resume a TLS 1.2 session by ID, `take` to
/// resume a TLS 1.3 ticket (which removes it). Keys are at most 32 bytes; values a few hundred
/// bytes (more with client certificates).
///
/// The callbacks are called from inside `ftls_connection_process_new_packets()` (or the fd
/// calls) of any connection of any config built from this builder, on that connection's
/// thread: concurrently from several threads if connections run on several. They must be
/// thread-safe, must not call ftls functions other than `ftls_session_value_set()`, and should
/// be quick (the handshake waits). `userdata` is passed to each call and must stay valid until
/// every config built from this builder, and every connection made from those, is freed.
/// Replaces the in-memory cache (`ftls_server_config_builder_set_session_cache()` brings it
/// back).
///
/// Each value starts with a 32-byte digest of the storing config's client-authentication
/// policy (mode, client CA certificates, CRLs, revocation policy, client verify callback and
/// its `userdata`); a config with another policy treats a session stored under a different one
/// as not found (a take still removes it) and does a full handshake with all its checks. So
/// several servers share sessions only when their policies are the same.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or any callback NULL; `userdata` may
/// be NULL); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_session_store(
    builder: *mut ftls_server_config_builder,
    put: ftls_session_put_callback,
    get: ftls_session_get_callback,
    take: ftls_session_get_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_session_store",
        |b| {
            let store = CallbackStore::new(put, get, take, userdata)?;
            b.builder.sessions_mut().set_store(Arc::new(store));
            Ok(())
        },
    )
}

/// Accepts up to `max_bytes` of early data (TLS 1.3 0-RTT) from clients resuming a session;
/// 0 (the default) refuses early data. Read it with `ftls_connection_read_early_data()`.
///
/// REPLAY RISK: early data can be replayed by an attacker. ftls' session cache (or your store's
/// `take`) makes each ticket single use, which stops replays to this server; servers that do
/// not share one store can each be sent the same early data. Act on early data only if doing
/// it twice is harmless. Early data therefore needs stateful resumption: building fails with
/// `FTLS_ERR_CONFIG` if stateless tickets are on or the session cache size is 0.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_max_early_data(
    builder: *mut ftls_server_config_builder,
    max_bytes: u32,
) -> ResultCode {
    update(
        builder,
        "ftls_server_config_builder_set_max_early_data",
        |b| b.builder.sessions_mut().set_max_early_data(max_bytes),
    )
}

/// As `ftls_client_config_builder_set_keylog_file()`, for a server: a server and its client
/// log the same lines for the same connection.
///
/// `path` NULL: the file `SSLKEYLOGFILE` names, if it is set (nothing changes if not).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder`); `FTLS_ERR_INVALID_ARGUMENT` (path
/// not UTF-8); `FTLS_ERR_FILE`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_keylog_file(
    builder: *mut ftls_server_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_set_keylog_file", |b| {
        keylog::file(b.builder.key_log_mut(), path)
    })
}

/// As `ftls_client_config_builder_set_keylog_callback()`, for a server.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `callback`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_keylog_callback(
    builder: *mut ftls_server_config_builder,
    callback: ftls_keylog_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_keylog_callback",
        |b| keylog::callback(b.builder.key_log_mut(), callback, userdata),
    )
}

/// Makes an immutable server config from the builder's current settings. The builder is not
/// consumed.
///
/// On success `*out_config` owns a new config: free it with `ftls_server_config_free()`.
/// A session made by a config resumes only on configs with the same client-authentication
/// policy (see `ftls_server_config_builder_set_ticketer()`); each config built gets its own
/// session cache and (with a ticketer of ftls' own keys) its own ticket keys.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_CONFIG` (no identity, client
/// authentication without CA or pinned certificates in the trust or an insecure verifier, CRLs
/// without CA certificates, pins with CA certificates, or a trust holding anything or a verify
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
