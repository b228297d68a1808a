//! `ftls_connection`'s plaintext: reading (copied or borrowed) and writing application data,
//! what is buffered, and closing the sending side.

use super::borrowed::ftls_bytes;
use super::boundary::{buffer_arg, bytes_arg, out, query, update, with_handle_mut};
use super::connection::ftls_connection;
use crate::core::ResultCode;

/// Reads up to `len` bytes of decrypted application data into `buf`; `*out_n` receives how
/// many (at least 1 on `FTLS_OK` when `len > 0`). With an fd set, it reads the fd as needed
/// (completing the handshake first); otherwise it returns only what was already decrypted.
/// With an fd, queued TLS bytes go out first when the fd takes them; when it does not, reading
/// goes on regardless (so two peers writing at once never deadlock): wait for writability too
/// while `ftls_connection_wants_write()` is true.
///
/// Returns `FTLS_OK`; `FTLS_WANT_READ` (nothing decrypted yet: wait for the fd to be readable,
/// or read more TLS data);
/// `FTLS_CLOSED` (the peer sent close_notify: the stream ended cleanly);
/// `FTLS_ERR_UNEXPECTED_EOF` (the transport ended without close_notify: possible truncation);
/// `FTLS_ERR_IO` (fd: the system call failed, errno in `ftls_connection_last_os_error()`, e.g.
/// `ECONNRESET` when the peer reset the connection; `EINTR` is retried, never reported);
/// protocol and certificate errors while completing the handshake; the connection's fatal
/// error, if any; `FTLS_ERR_INVALID_STATE` (called from inside a callback of this connection:
/// nothing is done); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_read(
    conn: *mut ftls_connection,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_read", |c| {
        let out_n = out(out_n, "out_n")?;
        let buf = buffer_arg(buf, len, "buf")?;
        out_n.set(c.conn.read(buf)?);
        Ok(())
    })
}

/// Encrypts `len` bytes of application data; `*out_n` receives how many were accepted.
///
/// With an fd set: completes the handshake first, then sends. It accepts the whole buffer
/// unless the fd would block; then `*out_n` is the count accepted so far (at least 1), like
/// OpenSSL's `SSL_MODE_ENABLE_PARTIAL_WRITE`: write the rest later. A blocking fd therefore
/// returns only when all was sent. Accepted bytes are never lost: anything not yet on the wire
/// goes out with the next call (or `ftls_connection_flush()`).
///
/// Without an fd: queues the data (up to 64 KiB); a short count means the buffer filled, so
/// send what is pending with `ftls_connection_write_tls()` and write the rest. Data written
/// during the handshake is sent once it completes.
///
/// Returns `FTLS_OK`; `FTLS_WANT_WRITE` (nothing accepted: the buffer is full or the fd would
/// block); `FTLS_WANT_READ` (fd, during the handshake: wait for readable); `FTLS_ERR_IO` (fd:
/// errno in `ftls_connection_last_os_error()`, e.g. `EPIPE` or `ECONNRESET` when the peer is
/// gone; never a `SIGPIPE`); `FTLS_ERR_INVALID_STATE` (close_notify already sent, or called
/// from inside a callback of this connection: nothing is done); protocol and
/// certificate errors while completing the handshake; the connection's fatal error, if any;
/// `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_write(
    conn: *mut ftls_connection,
    buf: *const u8,
    len: usize,
    out_n: *mut usize,
) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_write", |c| {
        let out_n = out(out_n, "out_n")?;
        let data = bytes_arg(buf, len, "buf")?;
        out_n.set(c.conn.write(data)?);
        Ok(())
    })
}

/// Lends the next decrypted application data without copying it: `*out_data` points at the
/// plaintext of the next record (at least 1 byte, at most 16 KiB) inside the connection. It
/// stays valid until the next call on `conn`, whichever it is. The same bytes are lent again
/// until `ftls_connection_consume()` marks them as read, so the usual loop is: borrow, use
/// (parse, or copy what must outlive the call), consume, borrow again. `ftls_connection_read()`
/// copies from the same data: the two can be mixed.
///
/// With an fd set, it reads the fd as needed, as `ftls_connection_read()` does; otherwise it
/// lends only what `ftls_connection_process_new_packets()` already decrypted.
///
/// Returns `FTLS_OK`; `FTLS_WANT_READ` (nothing decrypted yet); `FTLS_CLOSED` (the peer sent
/// close_notify and everything was consumed); `FTLS_ERR_UNEXPECTED_EOF` (the transport ended
/// without close_notify); with an fd, `FTLS_ERR_IO` and handshake errors as
/// `ftls_connection_read()`; the connection's fatal error, if any; `FTLS_ERR_NULL_ARGUMENT`;
/// `FTLS_ERR_PANIC`. `*out_data` is written only on `FTLS_OK`.
#[no_mangle]
pub extern "C" fn ftls_connection_read_borrowed(
    conn: *mut ftls_connection,
    out_data: *mut ftls_bytes,
) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_read_borrowed", |c| {
        let out_data = out(out_data, "out_data")?;
        out_data.set(ftls_bytes::new(c.conn.read_borrowed()?));
        Ok(())
    })
}

/// Marks the first `n` bytes lent by `ftls_connection_read_borrowed()` as read; the next
/// borrow lends what follows them. `n` may be less than the length lent (the rest is lent
/// again), or 0.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`n` is more than the bytes lent: nothing
/// is consumed); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_consume(conn: *mut ftls_connection, n: usize) -> ResultCode {
    with_handle_mut(conn, "ftls_connection_consume", |c| c.conn.consume(n))
}

/// The number of decrypted bytes `ftls_connection_read()` can return without touching the
/// transport (like `SSL_pending`). Use it before waiting on the fd: buffered data does not make
/// the fd readable. NULL, or a call from inside a callback of this connection, gives 0.
#[no_mangle]
pub extern "C" fn ftls_connection_pending(conn: *const ftls_connection) -> usize {
    query(conn, 0, |c| c.conn.pending())
}

/// Queues a close_notify alert, the clean end of this side's data; send it with
/// `ftls_connection_write_tls()`. Further writes fail with `FTLS_ERR_INVALID_STATE`; reading
/// the peer's remaining data still works. Called during the handshake, the alert is held until
/// the handshake completes, so that it follows the data written meanwhile.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_send_close_notify(conn: *mut ftls_connection) -> ResultCode {
    update(conn, "ftls_connection_send_close_notify", |c| {
        c.conn.send_close_notify()
    })
}
