//! `ftls_connection`: one TLS connection, client or server. This file: the handle, creating
//! one, and its setters; the other `connection_*.rs` files hold its other aspects.

use super::boundary::{
    guard, into_handle, null_argument, out, str_arg, with_handle_mut, Handle, MutableHandle,
};
use super::client_config::{client_config, ftls_client_config};
use super::handshake_events::{self, ftls_handshake_callback};
use super::server_config::{ftls_server_config, server_config};
use crate::core::{Connection, ResultCode};
use std::ffi::{c_char, c_void};

/// One TLS connection. Create with `ftls_client_connection_new()` or
/// `ftls_server_connection_new()`, free with `ftls_connection_free()`. Used by one thread at a
/// time (it may move between threads).
///
/// Two ways to drive it:
/// - over a socket: `ftls_connection_set_fd()`, then `ftls_connection_read()`,
///   `ftls_connection_write()` and `ftls_connection_shutdown()` do the I/O, blocking or not;
/// - over any transport (sans-I/O, like rustls): while `ftls_connection_wants_write()`, call
///   `ftls_connection_write_tls()`; when `ftls_connection_wants_read()` and the transport is
///   readable, call `ftls_connection_read_tls()` then `ftls_connection_process_new_packets()`;
///   exchange application data with `ftls_connection_read()` / `ftls_connection_write()`.
pub struct ftls_connection {
    pub(crate) conn: Connection,
}

impl Handle for ftls_connection {
    const KIND: &'static str = "connection";
}

impl MutableHandle for ftls_connection {}

fn new_connection(conn: Connection) -> *mut ftls_connection {
    into_handle(ftls_connection { conn })
}

/// Creates a client connection that will verify the server's certificate for `server_name`
/// (NUL-terminated): a DNS name (also sent as SNI) or an IP address such as "127.0.0.1" or
/// "::1" (checked against the certificate's IP addresses). The ClientHello is queued at once:
/// the first `ftls_connection_write_tls()` sends it.
///
/// The connection keeps what it needs of `config`, which may be freed afterwards.
/// On success `*out_conn` owns a new connection: free it with `ftls_connection_free()`.
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (name not UTF-8);
/// `FTLS_ERR_INVALID_SERVER_NAME`; `FTLS_ERR_PANIC`. (No connection exists on failure, so there
/// is no detail to ask for: the codes say it all.)
#[no_mangle]
pub extern "C" fn ftls_client_connection_new(
    config: *const ftls_client_config,
    server_name: *const c_char,
    out_conn: *mut *mut ftls_connection,
) -> ResultCode {
    guard(|| {
        let out_conn = out(out_conn, "out_conn")?;
        let config = client_config(config)?;
        let server_name = str_arg(server_name, "server_name")?;
        out_conn.set(new_connection(Connection::client(&config, server_name)?));
        Ok(())
    })
}

/// Creates a server connection; it waits for the client's ClientHello.
///
/// The connection keeps what it needs of `config`, which may be freed afterwards.
/// On success `*out_conn` owns a new connection: free it with `ftls_connection_free()`.
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_connection_new(
    config: *const ftls_server_config,
    out_conn: *mut *mut ftls_connection,
) -> ResultCode {
    guard(|| {
        let out_conn = out(out_conn, "out_conn")?;
        let config = server_config(config)?;
        out_conn.set(new_connection(Connection::server(&config)?));
        Ok(())
    })
}

/// Asks for every handshake message sent and received, in order, then one
/// `FTLS_HANDSHAKE_EVENT_COMPLETE` event with the negotiated parameters (see
/// `ftls_handshake_event`). Set it right after creating the connection, before any I/O.
/// `userdata` is passed to each call and must stay valid while the connection lives. TLS 1.3
/// messages after ServerHello are encrypted on the wire; ftls decrypts its own copy with the
/// handshake keys to name them. A TLS 1.3 server also reports the NewSessionTicket messages it
/// sends right after the handshake (before the `COMPLETE` event); a client does not see the
/// tickets it receives afterwards. Setting it again replaces the earlier callback.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`conn` or `callback`); `FTLS_ERR_INVALID_STATE`
/// (TLS bytes were already read or written: the trace would miss the start); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_set_handshake_callback(
    conn: *mut ftls_connection,
    callback: ftls_handshake_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_set_handshake_callback", |c| {
        let callback = callback.ok_or_else(|| null_argument("callback"))?;
        c.conn
            .set_handshake_trace(handshake_events::sink(callback, userdata))
    })
}
