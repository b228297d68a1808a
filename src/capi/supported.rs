//! Library-wide: what this build can negotiate (cipher suites, key-exchange groups, signature
//! schemes), in its default order of preference.

use super::borrowed::ftls_str;
use super::boundary::{guard, optional_out};
use crate::core::{
    supported_cipher_suites, supported_groups, supported_signature_schemes, Algorithm,
};
use crate::core::{Error, ResultCode};

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
