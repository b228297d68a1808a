//! `ftls_connection`: one TLS connection, client or server, over callbacks the caller gives.

use super::borrowed::{ftls_bytes, ftls_str};
use super::boundary::{
    buffer_arg, bytes_arg, copy_message, free_handle, guard, into_handle, null_argument,
    optional_out, out, query, query_last_error, str_arg, update, with_handle, with_handle_mut,
    with_last_error, Handle, MutableHandle,
};
use super::certificate::{ftls_certificate, new_certificate};
use super::client_config::{client_config, ftls_client_config};
use super::handshake_events::{self, ftls_handshake_callback};
use super::server_config::{ftls_server_config, server_config};
use super::transport_callbacks::{
    ftls_read_callback, ftls_write_callback, ftls_write_vectored_callback, CallbackReader,
    CallbackWriter, VectoredCallbackWriter,
};
use crate::core::certificate::CertificateInfo;
use crate::core::{Connection, Error, ResultCode};
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

fn not_negotiated(what: &str) -> Error {
    Error::invalid_state(format!("the {what} has not been negotiated yet"))
}

/// The negotiated protocol version: its wire number (0x0303 for TLS 1.2, 0x0304 for TLS 1.3)
/// and name ("TLSv1.2" or "TLSv1.3"; static: valid forever). Either out-pointer may be NULL.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_STATE` (not negotiated yet); `FTLS_ERR_NULL_ARGUMENT`
/// (`conn`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_protocol_version(
    conn: *const ftls_connection,
    out_id: *mut u16,
    out_name: *mut ftls_str,
) -> ResultCode {
    with_handle(conn, "ftls_connection_protocol_version", |c| {
        let version = c
            .conn
            .protocol_version()
            .ok_or_else(|| not_negotiated("protocol version"))?;
        if let Some(out_id) = optional_out(out_id) {
            out_id.set(if version == "TLSv1.3" { 0x0304 } else { 0x0303 });
        }
        if let Some(out_name) = optional_out(out_name) {
            out_name.set(ftls_str::new(version));
        }
        Ok(())
    })
}

/// The negotiated cipher suite's IANA number (e.g. 0x1302) and name (e.g.
/// "TLS_AES_256_GCM_SHA384"; static: valid forever). Either out-pointer may be NULL.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_STATE` (not negotiated yet); `FTLS_ERR_NULL_ARGUMENT`
/// (`conn`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_cipher_suite(
    conn: *const ftls_connection,
    out_id: *mut u16,
    out_name: *mut ftls_str,
) -> ResultCode {
    with_handle(conn, "ftls_connection_cipher_suite", |c| {
        let (id, name) = c
            .conn
            .cipher_suite()
            .ok_or_else(|| not_negotiated("cipher suite"))?;
        if let Some(out_id) = optional_out(out_id) {
            out_id.set(id);
        }
        if let Some(out_name) = optional_out(out_name) {
            out_name.set(ftls_str::new(name));
        }
        Ok(())
    })
}

/// The negotiated key-exchange group's name, e.g. "X25519MLKEM768", "X25519", "secp256r1"
/// (static: valid forever).
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_STATE` (not negotiated yet, or none was used: a
/// resumed TLS 1.2 session); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_key_exchange_group(
    conn: *const ftls_connection,
    out_name: *mut ftls_str,
) -> ResultCode {
    with_handle(conn, "ftls_connection_key_exchange_group", |c| {
        let out_name = out(out_name, "out_name")?;
        let group = c
            .conn
            .key_exchange_group()
            .ok_or_else(|| not_negotiated("key-exchange group"))?;
        out_name.set(ftls_str::new(group));
        Ok(())
    })
}

/// The negotiated ALPN protocol; empty (`len == 0`) when none was negotiated. The bytes stay
/// valid until the connection is freed.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_alpn_protocol(
    conn: *const ftls_connection,
    out_protocol: *mut ftls_bytes,
) -> ResultCode {
    with_handle(conn, "ftls_connection_alpn_protocol", |c| {
        let out_protocol = out(out_protocol, "out_protocol")?;
        out_protocol.set(
            c.conn
                .alpn_protocol()
                .map_or(ftls_bytes::empty(), ftls_bytes::new),
        );
        Ok(())
    })
}

/// Server connections: the server name the client asked for (SNI); empty when the client sent
/// none (or before the ClientHello arrived). Valid until the connection is freed.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_STATE` (a client connection); `FTLS_ERR_NULL_ARGUMENT`;
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_sni_server_name(
    conn: *const ftls_connection,
    out_name: *mut ftls_str,
) -> ResultCode {
    with_handle(conn, "ftls_connection_sni_server_name", |c| {
        let out_name = out(out_name, "out_name")?;
        let name = c.conn.sni_server_name()?;
        out_name.set(name.map_or(ftls_str::empty(), ftls_str::new));
        Ok(())
    })
}

/// The number of certificates the peer presented (its chain, leaf first); 0 before it sent
/// them, when a client sent none, for a resumed session, and for NULL or a call from inside a
/// callback of this connection.
#[no_mangle]
pub extern "C" fn ftls_connection_peer_certificate_count(conn: *const ftls_connection) -> usize {
    query(conn, 0, |c| c.conn.peer_certificates().len())
}

/// Parses the peer's certificate number `index` (0 is the peer's own, then the rest of the
/// chain it sent) once the peer has sent it.
///
/// On success `*out_cert` owns a new certificate: free it with `ftls_certificate_free()`. It
/// holds a copy: it stays valid after the connection is freed.
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`index` out of range, including no
/// certificate yet or none sent; the detail says how many there are); `FTLS_ERR_BAD_PEM` (the
/// certificate cannot be parsed); `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_PANIC`. Details:
/// `ftls_connection_last_error()`.
#[no_mangle]
pub extern "C" fn ftls_connection_peer_certificate(
    conn: *const ftls_connection,
    index: usize,
    out_cert: *mut *mut ftls_certificate,
) -> ResultCode {
    with_handle(conn, "ftls_connection_peer_certificate", |c| {
        let out_cert = out(out_cert, "out_cert")?;
        let der = c.peer_certificate_der(index)?;
        out_cert.set(new_certificate(CertificateInfo::parse(der)?));
        Ok(())
    })
}

impl ftls_connection {
    /// The DER of the peer's certificate number `index`, or why there is none.
    pub(crate) fn peer_certificate_der(&self, index: usize) -> Result<&[u8], Error> {
        let certs = self.conn.peer_certificates();
        let cert = certs.get(index).ok_or_else(|| {
            Error::invalid_argument(format!(
                "certificate index {index} is out of range: the peer presented {}",
                certs.len()
            ))
        })?;
        Ok(cert.as_ref())
    }
}

/// The OCSP response the server stapled to its certificate (client connections), DER, valid
/// until the connection is freed; empty when the server stapled none, before its certificate
/// arrived, for a resumed session (no certificate is sent) and on server connections. ftls
/// does not judge the response: check it yourself if you rely on it.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_peer_ocsp_response(
    conn: *const ftls_connection,
    out_response: *mut ftls_bytes,
) -> ResultCode {
    with_handle(conn, "ftls_connection_peer_ocsp_response", |c| {
        let out_response = out(out_response, "out_response")?;
        out_response.set(
            c.conn
                .peer_ocsp_response()
                .map_or(ftls_bytes::empty(), ftls_bytes::new),
        );
        Ok(())
    })
}

/// True when the handshake resumed an earlier session (no certificate exchange). NULL, or a
/// call from inside a callback of this connection, gives false.
#[no_mangle]
pub extern "C" fn ftls_connection_is_resumed(conn: *const ftls_connection) -> bool {
    query(conn, false, |c| c.conn.is_resumed())
}

/// Copies the detail of the connection's most recent failure (empty if none) into `buf`:
/// NUL-terminated, truncated to `buf_len - 1` bytes; `*out_len` (if not NULL) receives the full
/// length. The detail names the cause: rustls' error, the alert, the certificate problem with
/// names and dates, the OS error and its errno. `buf` may be NULL when `buf_len` is 0. A
/// failure of this call itself is not recorded: the detail stays. It works from inside the
/// connection's callbacks too, e.g. to read why a nested call was refused.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` (`conn` NULL, or `buf` NULL with `buf_len > 0`)
/// or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_connection_last_error(
    conn: *const ftls_connection,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> ResultCode {
    with_last_error(conn, |last| {
        copy_message(&last.detail(), buf, buf_len, out_len)
    })
}

/// The OS error number (errno) behind the connection's most recent `FTLS_ERR_IO` failure, or 0
/// if its last failure was not an OS error (or there was none). NULL gives 0. It works from
/// inside the connection's callbacks too.
#[no_mangle]
pub extern "C" fn ftls_connection_last_os_error(conn: *const ftls_connection) -> i32 {
    query_last_error(conn, 0, |last| last.errno().unwrap_or(0))
}

/// Frees a connection. NULL does nothing. It does not send close_notify: call
/// `ftls_connection_send_close_notify()` and `ftls_connection_write_tls()` first for a clean
/// close. Called from inside one of the connection's callbacks, it is put off: the call that
/// ran the callback finishes, frees the connection, then returns its result; the handle must
/// not be used after this call either way.
#[no_mangle]
pub extern "C" fn ftls_connection_free(conn: *mut ftls_connection) {
    free_handle(conn);
}
