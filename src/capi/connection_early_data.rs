//! `ftls_connection`'s early data (TLS 1.3 0-RTT): writing it with the ClientHello, reading it
//! on the server, and whether it was accepted.

use super::boundary::{buffer_arg, bytes_arg, out, query_mut, with_handle_mut};
use super::connection::ftls_connection;
use crate::core::ResultCode;

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
