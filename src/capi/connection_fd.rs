//! The file-descriptor layer of `ftls_connection`: bind a socket, then handshake / read /
//! write / shutdown with `SSL_get_error`-like results.

use super::boundary::with_handle_mut;
use super::connection::ftls_connection;
use crate::core::ResultCode;

/// Binds the connection to a socket (or any fd) used for both directions. From then on
/// `ftls_connection_read()`, `ftls_connection_write()`, `ftls_connection_handshake()`,
/// `ftls_connection_flush()` and `ftls_connection_shutdown()` do the transport I/O themselves,
/// on blocking or non-blocking fds. ftls never closes the fd. `EINTR` is retried; `SIGPIPE` is
/// never raised (`MSG_NOSIGNAL` on sockets; on pipes it is blocked during the write).
///
/// Non-blocking fds, as with `SSL_get_error`: after `FTLS_WANT_READ` wait until the fd is readable,
/// after `FTLS_WANT_WRITE` until it is writable, then call again (the same call or any other). One
/// rule more than OpenSSL: whenever `ftls_connection_wants_write()` is true, also wait for
/// writability and then call `ftls_connection_flush()`, because an accepted write or a queued alert
/// may still be waiting to go out. Remember that decrypted data already buffered
/// (`ftls_connection_pending()`) does not make the fd readable, and that a write that returned
/// `FTLS_WANT_READ` waits for the handshake: when another call completes it (a read that took the
/// peer's last handshake message), call the write again at once, as the peer may send nothing more
/// until it has the data. Once the connection has failed, every one of these calls writes the fatal
/// alert that tells the peer why before it returns the error (as far as the fd takes it), so
/// closing the fd after a failed call does not leave the peer with a bare end of stream.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (negative fd); `FTLS_ERR_NULL_ARGUMENT`;
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_set_fd(conn: *mut ftls_connection, fd: i32) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_set_fd", |c| c.conn.set_fds(fd, fd))
}

/// As `ftls_connection_set_fd()`, with separate fds for reading and writing (e.g. a pair of
/// pipes, or stdin/stdout).
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (negative fd); `FTLS_ERR_NULL_ARGUMENT`;
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_set_fds(
    conn: *mut ftls_connection,
    read_fd: i32,
    write_fd: i32,
) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_set_fds", |c| {
        c.conn.set_fds(read_fd, write_fd)
    })
}

/// Runs the handshake over the fd until it completes. Optional: `ftls_connection_read()` and
/// `ftls_connection_write()` run it implicitly. On a non-blocking fd, wait as told and call
/// again. When the handshake fails, the alert telling the peer why is sent before the error is
/// returned (if the socket takes it at once; `ftls_connection_flush()` or any later fd call
/// retries).
///
/// Returns `FTLS_OK` (handshake complete); `FTLS_WANT_READ` / `FTLS_WANT_WRITE` (wait until
/// the fd is readable / writable, then call again); `FTLS_ERR_UNEXPECTED_EOF` (the peer closed
/// during the handshake); `FTLS_ERR_IO` (errno in `ftls_connection_last_os_error()`); protocol
/// and certificate errors as `ftls_connection_process_new_packets()`; `FTLS_ERR_INVALID_STATE`
/// (no fd set); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_handshake(conn: *mut ftls_connection) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_handshake", |c| c.conn.handshake())
}

/// Sends every queued TLS byte over the fd (data accepted by a short
/// `ftls_connection_write()`, alerts, tickets). Call it when `ftls_connection_wants_write()` is
/// true and the fd is writable.
///
/// Returns `FTLS_OK`; `FTLS_WANT_WRITE`; `FTLS_ERR_IO`; `FTLS_ERR_INVALID_STATE` (no fd set);
/// `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_flush(conn: *mut ftls_connection) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_flush", |c| c.conn.flush())
}

/// Ends the connection cleanly: sends close_notify (once; during the handshake it completes the
/// handshake first, so the alert follows any data written) and, if `wait_for_peer`, reads until
/// the peer's close_notify, discarding data that arrives meanwhile (like calling
/// `SSL_shutdown` until it returns 1). Does not close the fd.
///
/// Returns `FTLS_OK`; `FTLS_WANT_READ` / `FTLS_WANT_WRITE` (wait, then call again);
/// `FTLS_ERR_UNEXPECTED_EOF` (waiting, the peer closed without close_notify); `FTLS_ERR_IO`
/// (e.g. EPIPE or ECONNRESET: the peer already closed its socket, so close_notify could not be
/// sent; like `SSL_shutdown`, this is common and usually harmless);
/// `FTLS_ERR_INVALID_STATE` (no fd set); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_shutdown(
    conn: *mut ftls_connection,
    wait_for_peer: bool,
) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_shutdown", |c| {
        c.conn.shutdown(wait_for_peer)
    })
}
