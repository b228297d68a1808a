//! `ftls_connection` over any transport (sans-I/O, as rustls): moving TLS bytes through the
//! caller's callbacks, processing them, and what the connection wants next.

use super::boundary::{null_argument, out, query, with_handle_mut};
use super::connection::ftls_connection;
use super::transport_callbacks::{
    ftls_read_callback, ftls_write_callback, ftls_write_vectored_callback, CallbackReader,
    CallbackWriter, VectoredCallbackWriter,
};
use crate::core::{Connection, Error, ResultCode};
use std::ffi::c_void;

/// Reads TLS bytes from the transport by calling `callback` once (with `userdata`), and keeps
/// them for `ftls_connection_process_new_packets()`. `*out_n` receives the number of bytes
/// read; 0 means the transport reached end of stream, or the peer's close_notify has arrived
/// (then the callback is not called: nothing after it counts). Stop reading on 0.
///
/// Returns `FTLS_OK`; `FTLS_WANT_READ` (the callback returned EAGAIN/EWOULDBLOCK);
/// `FTLS_ERR_IO` (the callback returned another errno; the detail names it, or the callback
/// reported more bytes than asked; the connection then stays failed, except after `EINTR`,
/// which may be retried); `FTLS_ERR_INVALID_STATE` (plaintext is waiting: call
/// `ftls_connection_read()` first; or called from inside a callback of this connection: nothing
/// is done); the connection's earlier fatal error, if any; `FTLS_ERR_NULL_ARGUMENT`;
/// `FTLS_ERR_PANIC`. When the connection's receive buffer is full, it first processes what it
/// holds (as `ftls_connection_process_new_packets()`, whose failures it then returns) and reads
/// again; still full during the handshake means the peer's handshake message is larger than
/// ftls accepts (64 KiB with its record headers): `FTLS_ERR_BAD_MESSAGE`, the connection fails,
/// and `ftls_connection_write_tls()` sends the decode_error alert.
#[no_mangle]
pub extern "C" fn ftls_connection_read_tls(
    conn: *mut ftls_connection,
    callback: ftls_read_callback,
    userdata: *mut c_void,
    out_n: *mut usize,
) -> ResultCode {
    move_tls(
        conn,
        "ftls_connection_read_tls",
        callback,
        out_n,
        |conn, callback| conn.read_tls(&mut CallbackReader { callback, userdata }),
    )
}

/// Writes pending TLS bytes (handshake messages, encrypted data, alerts) to the transport by
/// calling `callback` once (with `userdata`). `*out_n` receives the number of bytes written
/// (0 if nothing was pending). Call it while `ftls_connection_wants_write()` is true.
///
/// Returns `FTLS_OK`; `FTLS_WANT_WRITE` (the callback returned EAGAIN/EWOULDBLOCK, or reported
/// 0 bytes written while bytes were pending: the transport could not take them now);
/// `FTLS_ERR_IO` (the callback returned another errno: the connection then stays failed,
/// except after `EINTR`); `FTLS_ERR_INVALID_STATE` (called from inside a callback of this
/// connection: nothing is done); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`. It still works
/// after a fatal error, to send the alert: rustls' own, or the one ftls writes for the errors
/// rustls sends none for (while this side's records are still plaintext).
#[no_mangle]
pub extern "C" fn ftls_connection_write_tls(
    conn: *mut ftls_connection,
    callback: ftls_write_callback,
    userdata: *mut c_void,
    out_n: *mut usize,
) -> ResultCode {
    move_tls(
        conn,
        "ftls_connection_write_tls",
        callback,
        out_n,
        |conn, callback| conn.write_tls(&mut CallbackWriter { callback, userdata }),
    )
}

/// As `ftls_connection_write_tls()`, handing the transport every queued record at once: one
/// call of `callback` (with `userdata`) receives an array of buffers (up to 64), to pass on in
/// one `writev`/`sendmsg` or to copy into a memory buffer. Nothing is copied on the way: the
/// buffers are the encrypted records themselves. `*out_n` receives the number of bytes written
/// (0 if nothing was pending). A handshake callback sees the bytes as with
/// `ftls_connection_write_tls()`.
///
/// Returns `FTLS_OK`; `FTLS_WANT_WRITE` (the callback returned EAGAIN/EWOULDBLOCK, or reported
/// 0 bytes written while bytes were pending); `FTLS_ERR_IO` (the callback returned another
/// errno, or reported more bytes than it was given: the connection then stays failed, except
/// after `EINTR`); `FTLS_ERR_INVALID_STATE` (called from inside a callback of this
/// connection: nothing is done); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`. It still works
/// after a fatal error, to send the alert.
#[no_mangle]
pub extern "C" fn ftls_connection_write_tls_vectored(
    conn: *mut ftls_connection,
    callback: ftls_write_vectored_callback,
    userdata: *mut c_void,
    out_n: *mut usize,
) -> ResultCode {
    move_tls(
        conn,
        "ftls_connection_write_tls_vectored",
        callback,
        out_n,
        |conn, callback| conn.write_tls(&mut VectoredCallbackWriter { callback, userdata }),
    )
}

/// What the calls that move TLS bytes share: the callback and `out_n` checked, the count
/// reported.
fn move_tls<F>(
    conn: *mut ftls_connection,
    call: &str,
    callback: Option<F>,
    out_n: *mut usize,
    body: impl FnOnce(&mut Connection, F) -> Result<usize, Error>,
) -> ResultCode {
    with_handle_mut(conn, call, |c| {
        let callback = callback.ok_or_else(|| null_argument("callback"))?;
        let out_n = out(out_n, "out_n")?;
        out_n.set(body(&mut c.conn, callback)?);
        Ok(())
    })
}

/// Processes the TLS bytes read so far: advances the handshake (verifying the peer's
/// certificate), decrypts application data. After a failure the connection stays failed; call
/// `ftls_connection_write_tls()` once more so the peer receives the alert explaining why.
///
/// Returns `FTLS_OK`, or the failure: protocol errors (`FTLS_ERR_BAD_MESSAGE`,
/// `FTLS_ERR_ALERT_RECEIVED`, `FTLS_ERR_NO_COMMON_VERSION`, `FTLS_ERR_NO_COMMON_ALPN`,
/// `FTLS_ERR_DECRYPT`, `FTLS_ERR_CLIENT_CERT_REQUIRED`...), certificate errors
/// (`FTLS_ERR_CERT_UNKNOWN_ISSUER`, `FTLS_ERR_CERT_EXPIRED`, `FTLS_ERR_CERT_NAME_MISMATCH`...),
/// `FTLS_ERR_UNEXPECTED_EOF` (the transport ended during the handshake),
/// `FTLS_ERR_INVALID_STATE` (called from inside a callback of this connection: nothing is
/// done), `FTLS_ERR_NULL_ARGUMENT`, `FTLS_ERR_PANIC`. Details: `ftls_connection_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_connection_process_new_packets(conn: *mut ftls_connection) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_process_new_packets", |c| {
        c.conn.process_new_packets()
    })
}

/// True when the connection is ready for more TLS bytes from the transport (false after a
/// fatal error, after the peer's close_notify, or while decrypted data waits to be read).
/// NULL, or a call from inside a callback of this connection, gives false.
#[no_mangle]
pub extern "C" fn ftls_connection_wants_read(conn: *const ftls_connection) -> bool {
    query(conn, false, |c| c.conn.wants_read())
}

/// True when TLS bytes are waiting to be written with `ftls_connection_write_tls()`.
/// NULL, or a call from inside a callback of this connection, gives false.
#[no_mangle]
pub extern "C" fn ftls_connection_wants_write(conn: *const ftls_connection) -> bool {
    query(conn, false, |c| c.conn.wants_write())
}

/// True until the handshake is complete. NULL, or a call from inside a callback of this
/// connection, gives false.
#[no_mangle]
pub extern "C" fn ftls_connection_is_handshaking(conn: *const ftls_connection) -> bool {
    query(conn, false, |c| c.conn.is_handshaking())
}
