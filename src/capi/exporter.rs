//! The keying-material exporter (RFC 5705, RFC 8446 section 7.5): secrets derived from the session
//! for channel binding and application protocols.

use super::boundary::{buffer_arg, bytes_arg, with_handle};
use super::connection::ftls_connection;
use crate::core::ResultCode;

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
