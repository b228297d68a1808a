//! What this build can negotiate (cipher suites, key-exchange groups, signature schemes), and
//! choosing among them per config.

use super::borrowed::ftls_str;
use super::boundary::{guard, optional_out, str_array_arg, update, with_handle_mut};
use super::client_config::ftls_client_config_builder;
use super::server_config::ftls_server_config_builder;
use crate::core::{
    supported_cipher_suites, supported_groups, supported_signature_schemes, Algorithm,
};
use crate::core::{Error, ResultCode};
use std::ffi::c_char;

fn entry(
    list: &'static [Algorithm],
    what: &str,
    index: usize,
    out_id: *mut u16,
    out_name: *mut ftls_str,
) -> ResultCode {
    guard(|| {
        let algorithm = list.get(index).ok_or_else(|| {
            Error::invalid_argument(format!(
                "{what} index {index} is out of range: this build has {}",
                list.len()
            ))
        })?;
        if let Some(out_id) = optional_out(out_id) {
            out_id.set(algorithm.id);
        }
        if let Some(out_name) = optional_out(out_name) {
            out_name.set(ftls_str::new(algorithm.name));
        }
        Ok(())
    })
}

/// The number of cipher suites this build supports (all enabled by default), for
/// `ftls_supported_cipher_suite()`. Thread-safe.
#[no_mangle]
pub extern "C" fn ftls_supported_cipher_suite_count() -> usize {
    supported_cipher_suites().len()
}

/// Cipher suite number `index` (from 0) of this build, in the default order of preference
/// (TLS 1.3 suites first): its IANA number (e.g. 0x1301) and IANA name (e.g.
/// "TLS_AES_128_GCM_SHA256"; static: valid forever). Either out-pointer may be NULL.
/// Thread-safe.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`index` not below
/// `ftls_supported_cipher_suite_count()`); `FTLS_ERR_PANIC`. Never `FTLS_ERR_NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn ftls_supported_cipher_suite(
    index: usize,
    out_id: *mut u16,
    out_name: *mut ftls_str,
) -> ResultCode {
    entry(
        supported_cipher_suites(),
        "cipher suite",
        index,
        out_id,
        out_name,
    )
}

/// The number of key-exchange groups this build supports, for `ftls_supported_group()`.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn ftls_supported_group_count() -> usize {
    supported_groups().len()
}

/// Key-exchange group number `index` (from 0) of this build, in the default order of
/// preference: its IANA number (e.g. 0x11ec) and name (e.g. "X25519MLKEM768", "X25519",
/// "secp256r1"; static). With aws-lc-rs the post-quantum hybrid X25519MLKEM768 comes first.
/// Either out-pointer may be NULL. Thread-safe.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`index` out of range); `FTLS_ERR_PANIC`.
/// Never `FTLS_ERR_NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn ftls_supported_group(
    index: usize,
    out_id: *mut u16,
    out_name: *mut ftls_str,
) -> ResultCode {
    entry(
        supported_groups(),
        "key-exchange group",
        index,
        out_id,
        out_name,
    )
}

/// The number of signature schemes this build verifies, for
/// `ftls_supported_signature_scheme()`. Thread-safe.
#[no_mangle]
pub extern "C" fn ftls_supported_signature_scheme_count() -> usize {
    supported_signature_schemes().len()
}

/// Signature scheme number `index` (from 0) this build accepts in a peer's handshake
/// signature: its IANA number (e.g. 0x0403) and name (e.g. "ecdsa_secp256r1_sha256",
/// "rsa_pss_rsae_sha256", "ed25519"; static). Either out-pointer may be NULL. Thread-safe.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`index` out of range); `FTLS_ERR_PANIC`.
/// Never `FTLS_ERR_NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn ftls_supported_signature_scheme(
    index: usize,
    out_id: *mut u16,
    out_name: *mut ftls_str,
) -> ResultCode {
    entry(
        supported_signature_schemes(),
        "signature scheme",
        index,
        out_id,
        out_name,
    )
}

/// Chooses the cipher suites the client offers, most preferred first: `count` NUL-terminated
/// names, each an IANA name ("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
/// or OpenSSL's name of a TLS 1.2 suite ("ECDHE-ECDSA-AES128-GCM-SHA256"), in any case; see
/// `ftls_supported_cipher_suite()`. Suites of both versions go in one list. All or nothing: on
/// failure the earlier choice stays. The default is every suite of the build.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder`, or `names` or an element NULL);
/// `FTLS_ERR_INVALID_ARGUMENT` (`count` 0, an unknown or unsupported name, a suite listed
/// twice; the detail names it and lists the supported ones); `FTLS_ERR_PANIC`. Building fails
/// with `FTLS_ERR_CONFIG` if no chosen suite fits the enabled protocol versions.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_cipher_suites(
    builder: *mut ftls_client_config_builder,
    names: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_cipher_suites",
        |b| {
            let names = str_array_arg(names, count, "names")?;
            b.builder.negotiation.set_cipher_suites(&names)
        },
    )
}

/// Chooses the cipher suites the server accepts, by name as
/// `ftls_client_config_builder_set_cipher_suites()`. The order is the server's preference,
/// which decides only with `ftls_server_config_builder_set_prefer_server_order()`.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (`count` 0, an
/// unknown name, a repeat); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_cipher_suites(
    builder: *mut ftls_server_config_builder,
    names: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_cipher_suites",
        |b| {
            let names = str_array_arg(names, count, "names")?;
            b.builder.negotiation.set_cipher_suites(&names)
        },
    )
}

/// Chooses the key-exchange groups the client offers, most preferred first: `count` names such
/// as "X25519MLKEM768", "X25519", "secp256r1" (also "P-256", "prime256v1"), "secp384r1"
/// ("P-384"), in any case; see `ftls_supported_group()`. The client sends a key share for its
/// most preferred group. The default (aws-lc-rs) prefers the
/// post-quantum hybrid X25519MLKEM768; leave it out of the list to turn post-quantum key
/// exchange off. All or nothing.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (`count` 0, an
/// unknown or unsupported name, a repeat; the detail names it); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_key_exchange_groups(
    builder: *mut ftls_client_config_builder,
    names: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_key_exchange_groups",
        |b| {
            let names = str_array_arg(names, count, "names")?;
            b.builder.negotiation.set_key_exchange_groups(&names)
        },
    )
}

/// Chooses the key-exchange groups the server accepts, by name as
/// `ftls_client_config_builder_set_key_exchange_groups()`. The server takes the client's most
/// preferred group it accepts (asking the client for another key share if needed).
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_key_exchange_groups(
    builder: *mut ftls_server_config_builder,
    names: *const *const c_char,
    count: usize,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_key_exchange_groups",
        |b| {
            let names = str_array_arg(names, count, "names")?;
            b.builder.negotiation.set_key_exchange_groups(&names)
        },
    )
}

/// Picks the cipher suite by the server's order of preference (on; OpenSSL's
/// `SSL_OP_CIPHER_SERVER_PREFERENCE`) or by the client's (off, the default). Key-exchange
/// groups always follow the client's order.
///
/// Returns `FTLS_OK`, `FTLS_ERR_NULL_ARGUMENT` or `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_prefer_server_order(
    builder: *mut ftls_server_config_builder,
    enable: bool,
) -> ResultCode {
    update(
        builder,
        "ftls_server_config_builder_set_prefer_server_order",
        |b| b.builder.set_prefer_server_order(enable),
    )
}
