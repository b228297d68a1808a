//! `ftls_connection`'s queries: what was negotiated, the peer's certificates, resumption, keying
//! material; then, as for every object, its last error and freeing it.

use super::borrowed::{ftls_bytes, ftls_str};
use super::boundary::{
    buffer_arg, bytes_arg, copy_message, free_handle, optional_out, out, query, query_last_error,
    with_handle, with_last_error,
};
use super::certificate::{ftls_certificate, new_certificate};
use super::connection::ftls_connection;
use crate::core::CertificateInfo;
use crate::core::{Error, ResultCode};
use std::ffi::c_char;

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

/// Client connections: how many TLS 1.3 session tickets the server has sent so far (each can
/// resume one later connection of the same config). Servers usually send them right after the
/// handshake, so they arrive with the first data read; a TLS 1.2 connection receives none this
/// way (its session is stored directly). 0 also for a server connection, and for NULL or a
/// call from inside a callback of this connection.
#[no_mangle]
pub extern "C" fn ftls_connection_tls13_tickets_received(conn: *const ftls_connection) -> u32 {
    query(conn, 0, |c| c.conn.tls13_tickets_received().unwrap_or(0))
}

/// Derives `out_len` bytes of keying material from the session into `out` (like OpenSSL's
/// `SSL_export_keying_material`): both ends of a connection get the same bytes for the same
/// `label` and context, and unrelated bytes for another label or context, so they can bind an
/// application protocol to this TLS session (e.g. RFC 9266 channel binding: label
/// "EXPORTER-Channel-Binding", an empty context, 32 bytes). Only once the handshake is
/// complete.
///
/// `label` (`label_len` bytes) names the use; applications pick a label of their own, often
/// starting with "EXPORTER". With `use_context` true, `context_len` bytes at `context` (NULL
/// allowed when 0) are mixed in; with it false, no context is used (`context` is ignored). In
/// TLS 1.3 no context and an empty context give the same bytes; in TLS 1.2 they differ.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_STATE` (the handshake is not complete);
/// `FTLS_ERR_INVALID_ARGUMENT` (`out_len` 0, or more than 255 hash lengths of the
/// negotiated suite: what TLS 1.3 can derive, applied to TLS 1.2 too; checked before anything is
/// allocated); `FTLS_ERR_NULL_ARGUMENT` (`conn`, or a buffer NULL with a non-zero
/// length); `FTLS_ERR_PANIC`. On failure `out` is left untouched.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // mirrors SSL_export_keying_material, argument for argument
pub extern "C" fn ftls_connection_export_keying_material(
    conn: *const ftls_connection,
    out: *mut u8,
    out_len: usize,
    label: *const u8,
    label_len: usize,
    context: *const u8,
    context_len: usize,
    use_context: bool,
) -> ResultCode {
    with_handle(conn, "ftls_connection_export_keying_material", |c| {
        let label = bytes_arg(label, label_len, "label")?;
        let context = if use_context {
            Some(bytes_arg(context, context_len, "context")?)
        } else {
            None
        };
        // Before anything is allocated: a huge `out_len` must be refused, not attempted.
        c.conn.check_export_len(out_len)?;
        let out = buffer_arg(out, out_len, "out")?;
        let mut derived = vec![0u8; out.len()];
        c.conn
            .export_keying_material(&mut derived, label, context)?;
        out.copy_from_slice(&derived);
        derived.fill(0);
        Ok(())
    })
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
