//! `ftls_ticketer`: the keys of stateless session tickets, the application's (shared by several
//! servers, rotated by it) or ftls' own.

use super::boundary::{
    bytes_arg, copy_message, free_handle, guard, into_handle, out, with_handle, with_last_error,
    Handle, SharedHandle,
};
use crate::core::{Error, ResultCode};
use crate::core::{TicketKeys, MAX_PREVIOUS_KEYS, MAX_TICKET_LIFETIME, TICKET_KEY_LEN};
use std::ffi::c_char;
use std::sync::Arc;

/// The length of one ticket key: `FTLS_TICKET_KEY_LEN` bytes from a cryptographically secure
/// random generator, the same on every server that should resume the others' sessions.
pub const FTLS_TICKET_KEY_LEN: usize = 32;

/// The longest ticket lifetime: seven days (RFC 8446 section 4.6.1), in seconds.
pub const FTLS_TICKET_LIFETIME_MAX: u32 = 604800;

/// The most replaced keys a ticketer keeps decrypting with (`previous_keys`).
pub const FTLS_TICKET_PREVIOUS_KEYS_MAX: usize = 64;

const _: () = assert!(FTLS_TICKET_KEY_LEN == TICKET_KEY_LEN);

const _: () = assert!(FTLS_TICKET_LIFETIME_MAX == MAX_TICKET_LIFETIME);

const _: () = assert!(FTLS_TICKET_PREVIOUS_KEYS_MAX == MAX_PREVIOUS_KEYS);

/// The keys of stateless session tickets: the application's, with rotation, or ftls' own.
/// Create with `ftls_ticketer_new()`, give to `ftls_server_config_builder_set_ticketer()`, free
/// with `ftls_ticketer_free()`. Configs sharing a ticketer of the application's keys resume
/// each other's sessions only when their client-authentication policies are the same (see
/// `ftls_server_config_builder_set_ticketer()`). The configs using it may run on any threads;
/// the calls on the ticketer handle itself (`_rotate`, `_last_error`, `_free`) are made by one
/// thread at a time.
pub struct ftls_ticketer {
    pub(crate) keys: TicketSource,
}

/// Where a ticketer's keys come from.
pub(crate) enum TicketSource {
    /// The application's, shared by every config using the ticketer.
    Application(Arc<TicketKeys>),
    /// ftls' own: random keys made for each config built, rotated by rustls.
    Random,
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
/// `keys` NULL with `keys_len` 0 (and `previous_keys` and `lifetime_seconds` 0) makes a
/// ticketer of ftls' own keys instead: random, made for each config built with it, rotated
/// every 6 hours, tickets good for at most 12 hours, lost when the process ends. Such configs
/// do not resume each other's sessions, and `ftls_ticketer_rotate()` does not apply.
///
/// On success `*out_ticketer` owns a new ticketer: free it with `ftls_ticketer_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`out_ticketer`, or `keys` NULL with
/// `keys_len > 0`); `FTLS_ERR_INVALID_ARGUMENT` (`keys_len` not a multiple of
/// `FTLS_TICKET_KEY_LEN`, more keys than `1 + previous_keys`, a key given twice,
/// `previous_keys` or `lifetime_seconds` out of range, or not 0 for ftls' own keys);
/// `FTLS_ERR_PANIC`. (No ticketer exists on failure: the codes say it all.)
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
        let keys = if keys.is_empty() {
            if previous_keys != 0 || lifetime_seconds != 0 {
                return Err(Error::invalid_argument(format!(
                    "no keys given, so ftls makes its own, which rotate and expire on their own \
                     schedule: previous_keys ({previous_keys}) and lifetime_seconds \
                     ({lifetime_seconds}) must be 0"
                )));
            }
            TicketSource::Random
        } else {
            let keys = TicketKeys::new(keys, previous_keys, lifetime_seconds)?;
            TicketSource::Application(Arc::new(keys))
        };
        out_ticketer.set(into_handle(ftls_ticketer { keys }));
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
/// a key the ticketer already holds); `FTLS_ERR_INVALID_STATE` (a ticketer of ftls' own keys,
/// which rotate themselves); `FTLS_ERR_PANIC`. Details: `ftls_ticketer_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_ticketer_rotate(
    ticketer: *mut ftls_ticketer,
    key: *const u8,
    key_len: usize,
) -> ResultCode {
    with_handle(ticketer, "ftls_ticketer_rotate", |t| {
        let key = bytes_arg(key, key_len, "key")?;
        match &t.keys {
            TicketSource::Application(keys) => keys.rotate(key),
            TicketSource::Random => Err(Error::invalid_state(
                "this ticketer uses ftls' own keys, which rotate themselves: only a ticketer \
                 made with keys is rotated by the application",
            )),
        }
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
