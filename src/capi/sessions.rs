//! Session resumption and early data (0-RTT): the builders' session settings, the ticketer
//! (application-supplied ticket keys with rotation), an external session store, and what a
//! connection knows about tickets and early data.

use super::borrowed::ftls_bytes;
use super::boundary::{
    buffer_arg, bytes_arg, callback_object_mut, copy_message, free_handle, guard, into_handle,
    null_argument, out, query_mut, update, with_handle, with_handle_mut, with_last_error,
    with_shared_arg, Handle, SharedHandle,
};
use super::callback::CCallback;
use super::client_config::ftls_client_config_builder;
use super::connection::ftls_connection;
use super::server_config::ftls_server_config_builder;
use crate::core::ResultCode;
use crate::core::{TicketKeys, MAX_PREVIOUS_KEYS, MAX_TICKET_LIFETIME, TICKET_KEY_LEN};
use crate::core::{DEFAULT_SESSION_CACHE, MAX_SESSION_CACHE};
use rustls::server::StoresServerSessions;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// The number of sessions a session cache holds by default, client and server.
pub const FTLS_SESSION_CACHE_DEFAULT: usize = 256;
/// The largest session cache, client and server (ftls' in-memory caches are allocated whole
/// when the config is built).
pub const FTLS_SESSION_CACHE_MAX: usize = 1048576;
/// The length of one ticket key: `FTLS_TICKET_KEY_LEN` bytes from a cryptographically secure
/// random generator, the same on every server that should resume the others' sessions.
pub const FTLS_TICKET_KEY_LEN: usize = 32;
/// The longest ticket lifetime: seven days (RFC 8446 section 4.6.1), in seconds.
pub const FTLS_TICKET_LIFETIME_MAX: u32 = 604800;
/// The most replaced keys a ticketer keeps decrypting with (`previous_keys`).
pub const FTLS_TICKET_PREVIOUS_KEYS_MAX: usize = 64;

const _: () = assert!(FTLS_SESSION_CACHE_DEFAULT == DEFAULT_SESSION_CACHE);
const _: () = assert!(FTLS_SESSION_CACHE_MAX == MAX_SESSION_CACHE);
const _: () = assert!(FTLS_TICKET_KEY_LEN == TICKET_KEY_LEN);
const _: () = assert!(FTLS_TICKET_LIFETIME_MAX == MAX_TICKET_LIFETIME);
const _: () = assert!(FTLS_TICKET_PREVIOUS_KEYS_MAX == MAX_PREVIOUS_KEYS);

// ---- client ------------------------------------------------------------------------------

/// Sets how many sessions the client remembers, one per server name (default
/// `FTLS_SESSION_CACHE_DEFAULT`); 0 turns resumption off. Each config built gets its own
/// in-memory cache, shared by all connections made from that config (from any thread): a
/// second connection to the same server name resumes the first one's session (TLS 1.3 tickets;
/// TLS 1.2 session IDs or tickets), skipping the certificate exchange. Sessions are never
/// written anywhere else, so a session is offered only by the config whose trust anchors,
/// pins, CRLs and verify callback accepted its server: a config built after changing them
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
        |b| b.builder.sessions.set_cache_size(size),
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
        b.builder.sessions.set_early_data(enable)
    })
}

// ---- server ------------------------------------------------------------------------------

/// Sets the size of the server's in-memory session cache (default
/// `FTLS_SESSION_CACHE_DEFAULT`), which resumes TLS 1.2 sessions by ID and issues TLS 1.3
/// tickets that refer to it (single use). 0 keeps no sessions: then only stateless tickets (see
/// `ftls_server_config_builder_set_tickets()`) can resume, and without them no TLS 1.3 tickets
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
        |b| b.builder.sessions.set_cache_size(size),
    )
}

/// Turns stateless session tickets on or off (the default). When on, the server keeps no
/// state per session: it hands the client its session encrypted under a ticket key, and
/// resumes whoever brings it back. With this call the keys are ftls' own: random, made per
/// config, rotated every 6 hours, tickets good for at most 12 hours, lost when the process
/// ends. To share keys among several servers, use `ftls_server_config_builder_set_ticketer()`.
/// Off also drops a ticketer set earlier.
///
/// Tickets weaken forward secrecy until their key is gone: whoever steals a ticket key can
/// decrypt the sessions it protects. Early data is refused with stateless tickets (see
/// `ftls_server_config_builder_set_max_early_data()`).
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_tickets(
    builder: *mut ftls_server_config_builder,
    enable: bool,
) -> ResultCode {
    update(builder, "ftls_server_config_builder_set_tickets", |b| {
        b.builder.sessions.set_tickets(enable)
    })
}

/// Turns stateless session tickets on, under the keys of `ticketer` (see `ftls_ticketer_new()`).
/// Configs built from this builder share the ticketer: a rotation applies to all of them at
/// once. Several servers given the same keys (and rotating together) resume each other's
/// sessions. The builder and its configs keep their own reference: `ticketer` may be freed
/// afterwards.
///
/// A ticket resumes only on a config with the client-authentication policy of the config that
/// issued it: the same mode (`ftls_server_config_builder_set_client_auth()`), client CA
/// certificates, CRLs, revocation policy, and client verify callback (the same function and
/// `userdata`, hence never across processes). Any other config opens no such ticket and does a
/// full handshake with all its checks: a config rebuilt after loading a CRL does not resume
/// the sessions it would now refuse.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_ticketer(
    builder: *mut ftls_server_config_builder,
    ticketer: *const ftls_ticketer,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_set_ticketer", |b| {
        let keys = with_shared_arg(ticketer, "ticketer", |t| t.keys.clone())?;
        b.builder.sessions.set_ticket_keys(keys);
        Ok(())
    })
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
        |b| b.builder.sessions.set_max_early_data(max_bytes),
    )
}

// ---- ticketer ----------------------------------------------------------------------------

/// Stateless ticket keys supplied by the application, with rotation. Create with
/// `ftls_ticketer_new()`, give to `ftls_server_config_builder_set_ticketer()`, free with
/// `ftls_ticketer_free()`. Configs sharing a ticketer resume each other's sessions only when
/// their client-authentication policies are the same (see
/// `ftls_server_config_builder_set_ticketer()`). The configs using it may run on any threads; the calls on the
/// ticketer handle itself (`_rotate`, `_last_error`, `_free`) are made by one thread at a
/// time.
pub struct ftls_ticketer {
    keys: Arc<TicketKeys>,
}

impl Handle for ftls_ticketer {
    const KIND: &'static str = "ticketer";
}

impl SharedHandle for ftls_ticketer {}

/// Creates a ticketer from the application's keys. `keys` holds `keys_len` bytes: one or more
/// keys of `FTLS_TICKET_KEY_LEN` bytes each, the current key first (it encrypts new tickets),
/// then earlier keys still in the window, newest first (they only decrypt). Keys must come from
/// a cryptographically secure random generator and be distributed to every server that should
/// resume the others' sessions; ftls keeps only the AEAD keys it derives from them.
///
/// `previous_keys` is the window: how many replaced keys still decrypt after
/// `ftls_ticketer_rotate()` (0 to `FTLS_TICKET_PREVIOUS_KEYS_MAX`). `lifetime_seconds` (1 to
/// `FTLS_TICKET_LIFETIME_MAX`) is the ticket lifetime told to clients, and a ticket older than
/// that is refused whatever its key. A ticket opens until its lifetime ends or its key leaves
/// the window, whichever comes first: rotating every P seconds, a key still decrypts
/// `previous_keys` * P seconds after its last ticket. Choose `previous_keys` * P >=
/// `lifetime_seconds` for tickets to last their whole lifetime, and a short P to limit what a
/// stolen key exposes (e.g. lifetime 1 hour, rotation every 30 minutes, `previous_keys` 2).
///
/// Tickets are AES-256-GCM encrypted, each under a key of its own derived from the current key
/// and a random 128-bit salt, so no nonce repeats under a key however many servers share it and
/// no limit on the number of tickets per key is needed. Their first 16 bytes name the key
/// (derived from it), so every server knows which key a ticket needs.
///
/// On success `*out_ticketer` owns a new ticketer: free it with `ftls_ticketer_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`out_ticketer`, or `keys` NULL with
/// `keys_len > 0`); `FTLS_ERR_INVALID_ARGUMENT` (`keys_len` 0 or not a multiple of
/// `FTLS_TICKET_KEY_LEN`, more keys than `1 + previous_keys`, a key given twice,
/// `previous_keys` or `lifetime_seconds` out of range); `FTLS_ERR_PANIC`. (No ticketer exists
/// on failure: the codes say it all.)
#[no_mangle]
pub extern "C" fn ftls_ticketer_new(
    keys: *const u8,
    keys_len: usize,
    previous_keys: usize,
    lifetime_seconds: u32,
    out_ticketer: *mut *mut ftls_ticketer,
) -> ResultCode {
    guard(|| {
        let out_ticketer = out(out_ticketer, "out_ticketer")?;
        let keys = bytes_arg(keys, keys_len, "keys")?;
        let keys = TicketKeys::new(keys, previous_keys, lifetime_seconds)?;
        out_ticketer.set(into_handle(ftls_ticketer {
            keys: Arc::new(keys),
        }));
        Ok(())
    })
}

/// Makes `key` (`key_len` must be `FTLS_TICKET_KEY_LEN`) the current key, effective at once
/// for every config using the ticketer, on every thread. The replaced key joins the window;
/// the oldest key beyond `previous_keys` is forgotten, and sessions whose tickets need it can
/// no longer resume (those clients do a full handshake). Call it on every server at about the
/// same time, with the same key.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (wrong length, or
/// a key the ticketer already holds); `FTLS_ERR_PANIC`. Details: `ftls_ticketer_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_ticketer_rotate(
    ticketer: *mut ftls_ticketer,
    key: *const u8,
    key_len: usize,
) -> ResultCode {
    with_handle(ticketer, "ftls_ticketer_rotate", |t| {
        let key = bytes_arg(key, key_len, "key")?;
        t.keys.rotate(key)
    })
}

/// Copies the detail of the ticketer's most recent failure (empty if none) into `buf`, as
/// `ftls_client_config_builder_last_error()` does.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`ticketer` NULL, or `buf` NULL with
/// `buf_len > 0`) or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_ticketer_last_error(
    ticketer: *const ftls_ticketer,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> ResultCode {
    with_last_error(ticketer, |last| {
        copy_message(&last.detail(), buf, buf_len, out_len)
    })
}

/// Frees the application's reference to a ticketer. NULL does nothing. Builders and configs
/// that use it keep it alive (and keep its keys) until they are freed too.
#[no_mangle]
pub extern "C" fn ftls_ticketer_free(ticketer: *mut ftls_ticketer) {
    free_handle(ticketer);
}

// ---- external session store --------------------------------------------------------------

/// Where a get or take callback puts the session it found: pass it to
/// `ftls_session_value_set()`. Valid only during that callback.
pub struct ftls_session_value {
    value: Option<Vec<u8>>,
}

/// Stores a session: `value` under `key` (both valid only during the call; copy them),
/// replacing any value stored under the same key. Return true if it was stored. The value
/// holds the session's secret: whoever reads it can impersonate the server to that client and
/// decrypt resumed connections, so protect the store accordingly. A call on that connection from
/// inside it fails with `FTLS_ERR_INVALID_STATE` and changes nothing (`ftls_connection_free()` is
/// put off until the running call returns). It must not throw a C++ exception or longjmp out.
pub type ftls_session_put_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, key: ftls_bytes, value: ftls_bytes) -> bool>;

/// Looks a session up by `key` (valid only during the call). If found, hand its bytes to
/// `ftls_session_value_set(value, ...)` and return true; otherwise return false. The take
/// callback must also remove the value from the store, atomically: TLS 1.3 tickets are single
/// use, and that is what stops replayed early data. A call on that connection from inside it fails
/// with `FTLS_ERR_INVALID_STATE` and changes nothing (`ftls_connection_free()` is put off until the
/// running call returns). It must not throw a C++ exception or longjmp out.
pub type ftls_session_get_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        key: ftls_bytes,
        value: *mut ftls_session_value,
    ) -> bool,
>;

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
            let functions = SessionStoreFns {
                put: put.ok_or_else(|| null_argument("put"))?,
                get: get.ok_or_else(|| null_argument("get"))?,
                take: take.ok_or_else(|| null_argument("take"))?,
            };
            let store = CCallback::new(functions, userdata);
            b.builder.sessions.set_store(Arc::new(store));
            Ok(())
        },
    )
}

/// From inside a get or take callback: hands ftls the session found, `len` bytes at `data`
/// (copied). Calling it again replaces the bytes.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`value`, or `data` NULL with `len > 0`);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_session_value_set(
    value: *mut ftls_session_value,
    data: *const u8,
    len: usize,
) -> ResultCode {
    guard(|| {
        let value = callback_object_mut(value, "value")?;
        value.value = Some(bytes_arg(data, len, "data")?.to_vec());
        Ok(())
    })
}

type GetCallback = unsafe extern "C" fn(*mut c_void, ftls_bytes, *mut ftls_session_value) -> bool;

/// The application's session store callbacks, which share one `userdata`.
#[derive(Clone, Copy)]
struct SessionStoreFns {
    put: unsafe extern "C" fn(*mut c_void, ftls_bytes, ftls_bytes) -> bool,
    get: GetCallback,
    take: GetCallback,
}

/// rustls' session store over the application's callbacks.
type CallbackStore = CCallback<SessionStoreFns>;

impl CallbackStore {
    fn lookup(&self, callback: GetCallback, key: &[u8]) -> Option<Vec<u8>> {
        let mut value = ftls_session_value { value: None };
        // SAFETY: a non-NULL C function given for this store; `key` and `value` live until the
        // call returns.
        let found = unsafe { callback(self.userdata(), ftls_bytes::new(key), &mut value) };
        if found {
            value.value
        } else {
            None
        }
    }
}

impl StoresServerSessions for CallbackStore {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        // SAFETY: as in `lookup`; both buffers live until the call returns.
        unsafe {
            (self.function().put)(
                self.userdata(),
                ftls_bytes::new(&key),
                ftls_bytes::new(&value),
            )
        }
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.lookup(self.function().get, key)
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.lookup(self.function().take, key)
    }

    fn can_cache(&self) -> bool {
        true
    }
}

// ---- per connection ----------------------------------------------------------------------

/// Client connections: how many TLS 1.3 session tickets the server has sent so far (each can
/// resume one later connection of the same config). Servers usually send them right after the
/// handshake, so they arrive with the first data read; a TLS 1.2 connection receives none this
/// way (its session is stored directly).
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_STATE` (a server connection); `FTLS_ERR_NULL_ARGUMENT`;
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_tls13_tickets_received(
    conn: *const ftls_connection,
    out_count: *mut u32,
) -> ResultCode {
    with_handle(conn, "ftls_connection_tls13_tickets_received", |c| {
        let out_count = out(out_count, "out_count")?;
        out_count.set(c.conn.tls13_tickets_received()?);
        Ok(())
    })
}

/// Client connections: queues early data (0-RTT) to be sent right after the ClientHello,
/// before the server has answered. `*out_n` receives how many bytes were accepted: fewer than
/// `len` (even 0) once the server's limit for this session is reached. Call it right after
/// `ftls_client_connection_new()`, before the handshake progresses. Possible only when the
/// config has early data on and holds a session from a server that accepts early data.
///
/// Whether the server took it is known when the handshake is complete:
/// `ftls_connection_is_early_data_accepted()`. If it did not, the data was discarded: send it
/// again with `ftls_connection_write()`. Mind the replay risk described at
/// `ftls_client_config_builder_set_early_data()`.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_STATE` (early data not possible on this connection, or
/// a server connection); the connection's fatal error, if any; `FTLS_ERR_NULL_ARGUMENT`
/// (`conn`, `out_n`, or `buf` NULL with `len > 0`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_write_early_data(
    conn: *mut ftls_connection,
    buf: *const u8,
    len: usize,
    out_n: *mut usize,
) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_write_early_data", |c| {
        let out_n = out(out_n, "out_n")?;
        let data = bytes_arg(buf, len, "buf")?;
        out_n.set(c.conn.write_early_data(data)?);
        Ok(())
    })
}

/// Server connections: reads early data (0-RTT) the client sent, up to `len` bytes into
/// `buf`; `*out_n` receives how many. Early data arrives with the ClientHello, before the
/// client is authenticated by its Finished message; it is not part of what
/// `ftls_connection_read()` returns. Act on it only if a replay would be harmless.
///
/// Returns `FTLS_OK` (`*out_n` is 0 once the handshake is complete and all early data has been
/// read); `FTLS_WANT_READ` (none buffered yet: process more TLS data); `FTLS_ERR_INVALID_STATE`
/// (a client connection, or no early data was accepted on this connection); the connection's
/// fatal error, if any; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_read_early_data(
    conn: *mut ftls_connection,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_read_early_data", |c| {
        let out_n = out(out_n, "out_n")?;
        let buf = buffer_arg(buf, len, "buf")?;
        out_n.set(c.conn.read_early_data(buf)?);
        Ok(())
    })
}

/// True when the server accepted the client's early data: a client knows once the handshake
/// is complete, a server once it has processed the ClientHello. False otherwise, for NULL, and
/// from inside a callback of this connection.
#[no_mangle]
pub extern "C" fn ftls_connection_is_early_data_accepted(conn: *mut ftls_connection) -> bool {
    query_mut(conn, false, |c| c.conn.is_early_data_accepted())
}
