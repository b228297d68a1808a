//! Texts programs print: alert types and descriptions, the handshake state, and
//! SSL_select_next_proto (the ALPN helper).

use std::ffi::{c_char, c_int, c_uint, CStr};

use super::SSL;
use crate::ffi::{self, guard};

const ALERTS: &[(c_int, &CStr, &CStr)] = &[
    (0, c"CN", c"close notify"),
    (10, c"UM", c"unexpected_message"),
    (20, c"BM", c"bad record mac"),
    (21, c"DC", c"decryption failed"),
    (22, c"RO", c"record overflow"),
    (30, c"DF", c"decompression failure"),
    (40, c"HF", c"handshake failure"),
    (41, c"NC", c"no certificate"),
    (42, c"BC", c"bad certificate"),
    (43, c"UC", c"unsupported certificate"),
    (44, c"CR", c"certificate revoked"),
    (45, c"CE", c"certificate expired"),
    (46, c"CU", c"certificate unknown"),
    (47, c"IP", c"illegal parameter"),
    (48, c"CA", c"unknown CA"),
    (49, c"AD", c"access denied"),
    (50, c"DE", c"decode error"),
    (51, c"CY", c"decrypt error"),
    (60, c"ER", c"export restriction"),
    (70, c"PV", c"protocol version"),
    (71, c"IS", c"insufficient security"),
    (80, c"IE", c"internal error"),
    (86, c"IF", c"inappropriate fallback"),
    (90, c"US", c"user canceled"),
    (100, c"NR", c"no renegotiation"),
    (109, c"ME", c"missing extension"),
    (110, c"UE", c"unsupported extension"),
    (111, c"CO", c"certificate unobtainable"),
    (112, c"UN", c"unrecognized name"),
    (113, c"BR", c"bad certificate status response"),
    (114, c"BH", c"bad certificate hash value"),
    (115, c"UP", c"unknown PSK identity"),
    // OpenSSL 3.0 names these two only in part: "UK" short (and "unknown" long for 116),
    // as for an alert it does not know.
    (116, c"UK", c"unknown"),
    (120, c"UK", c"no application protocol"),
];

fn alert(value: c_int) -> Option<&'static (c_int, &'static CStr, &'static CStr)> {
    ALERTS.iter().find(|(n, _, _)| *n == value & 0xff)
}

/// "warning" / "fatal" / "unknown" for an info callback's alert value (level << 8 | alert).
#[no_mangle]
pub extern "C" fn SSL_alert_type_string_long(value: c_int) -> *const c_char {
    match value >> 8 {
        1 => c"warning".as_ptr(),
        2 => c"fatal".as_ptr(),
        _ => c"unknown".as_ptr(),
    }
}

#[no_mangle]
pub extern "C" fn SSL_alert_type_string(value: c_int) -> *const c_char {
    match value >> 8 {
        1 => c"W".as_ptr(),
        2 => c"F".as_ptr(),
        _ => c"U".as_ptr(),
    }
}

/// OpenSSL's name of an alert ("unknown CA"); "unknown" for others.
#[no_mangle]
pub extern "C" fn SSL_alert_desc_string_long(value: c_int) -> *const c_char {
    alert(value).map_or(c"unknown".as_ptr(), |(_, _, long)| long.as_ptr())
}

#[no_mangle]
pub extern "C" fn SSL_alert_desc_string(value: c_int) -> *const c_char {
    alert(value).map_or(c"UK".as_ptr(), |(_, short, _)| short.as_ptr())
}

/// The handshake's state: OpenSSL's, as the info callback replays it, on a connection with an
/// info or message callback; otherwise coarser: before it started, during it, finished.
#[no_mangle]
pub extern "C" fn SSL_state_string_long(s: *const SSL) -> *const c_char {
    guard("SSL_state_string_long", c"unknown state".as_ptr(), || {
        if let Some(state) = super::conn::tracked_state(s) {
            state.long().as_ptr()
        } else if super::conn::SSL_in_before(s) == 1 {
            c"before SSL initialization".as_ptr()
        } else if super::conn::SSL_is_init_finished(s) == 1 {
            c"SSL negotiation finished successfully".as_ptr()
        } else {
            c"SSLv3/TLS handshake in progress".as_ptr()
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_state_string(s: *const SSL) -> *const c_char {
    guard("SSL_state_string", c"UNKWN ".as_ptr(), || {
        if let Some(state) = super::conn::tracked_state(s) {
            state.short().as_ptr()
        } else if super::conn::SSL_in_before(s) == 1 {
            c"PINIT".as_ptr()
        } else if super::conn::SSL_is_init_finished(s) == 1 {
            c"SSLOK".as_ptr()
        } else {
            c"TLSHS".as_ptr()
        }
    })
}

/// Splits ALPN's wire format into its names (stops at a malformed entry).
fn names(list: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = list;
    while let Some((&len, tail)) = rest.split_first() {
        if len == 0 || tail.len() < len as usize {
            break;
        }
        out.push(&tail[..len as usize]);
        rest = &tail[len as usize..];
    }
    out
}

/// OpenSSL 3.0's rule: the first of the server's protocols the client also lists
/// (OPENSSL_NPN_NEGOTIATED, *out pointing into `server`); otherwise the client's first
/// (OPENSSL_NPN_NO_OVERLAP, *out pointing into `client`).
#[no_mangle]
pub extern "C" fn SSL_select_next_proto(
    out: *mut *mut u8,
    outlen: *mut u8,
    server: *const u8,
    server_len: c_uint,
    client: *const u8,
    client_len: c_uint,
) -> c_int {
    guard("SSL_select_next_proto", 2, || {
        // SAFETY: C passes the two lists with their lengths.
        let (Some(server_list), Some(client_list)) = (
            unsafe { ffi::bytes_arg(server.cast(), server_len as usize) },
            unsafe { ffi::bytes_arg(client.cast(), client_len as usize) },
        ) else {
            return 2;
        };
        let clients = names(client_list);
        for proto in names(server_list) {
            if clients.contains(&proto) {
                // SAFETY: out and outlen are places for the result (C's contract); proto
                // points into the caller's server list.
                unsafe {
                    ffi::write_out(out, proto.as_ptr().cast_mut());
                    ffi::write_out(outlen, proto.len() as u8);
                }
                return 1;
            }
        }
        let (first, len) = clients
            .first()
            .map_or((client, 0), |p| (p.as_ptr(), p.len()));
        // SAFETY: as above, pointing into the caller's client list.
        unsafe {
            ffi::write_out(out, first.cast_mut());
            ffi::write_out(outlen, len as u8);
        }
        2
    })
}
