//! Describing result codes to C: name, message, category.

use crate::core::{ResultCategory, ResultCode};
use std::collections::HashMap;
use std::ffi::{c_char, CString};
use std::sync::OnceLock;

/// NUL-terminated copies of every code's name and message, made once.
fn texts() -> &'static HashMap<i32, (CString, CString)> {
    static TEXTS: OnceLock<HashMap<i32, (CString, CString)>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        crate::core::error::ALL_CODES
            .iter()
            .map(|code| {
                let text = |s: &str| CString::new(s).unwrap_or_default();
                (*code as i32, (text(code.name()), text(code.message())))
            })
            .collect()
    })
}

fn describe(
    result: i32,
    pick: fn(&(CString, CString)) -> &CString,
    unknown: &'static [u8],
) -> *const c_char {
    std::panic::catch_unwind(|| texts().get(&result).map(|entry| pick(entry).as_ptr()))
        .ok()
        .flatten()
        .unwrap_or(unknown.as_ptr().cast())
}

/// The name of a result code, e.g. `"FTLS_ERR_CERT_EXPIRED"`.
///
/// Takes any integer: an unknown value gives `"FTLS_UNKNOWN_RESULT"`. The returned string is
/// static and NUL-terminated: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn ftls_result_name(result: i32) -> *const c_char {
    describe(result, |entry| &entry.0, b"FTLS_UNKNOWN_RESULT\0")
}

/// A short English sentence saying what a result code means, e.g.
/// `"the certificate has expired"`. For the detail of a particular failure (which certificate,
/// which dates), see the `_last_error()` function of the object that failed.
///
/// Takes any integer: an unknown value gives `"unknown ftls_result value"`. The returned
/// string is static and NUL-terminated: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn ftls_result_message(result: i32) -> *const c_char {
    describe(result, |entry| &entry.1, b"unknown ftls_result value\0")
}

/// The category of a result code, for a `switch`: ok, would-block, closed, usage, I/O,
/// protocol/alert, certificate, internal. An unknown value gives `FTLS_CATEGORY_UNKNOWN`.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn ftls_result_category(result: i32) -> ResultCategory {
    ResultCode::from_number(i64::from(result))
        .map(ResultCode::category)
        .unwrap_or(ResultCategory::FTLS_CATEGORY_UNKNOWN)
}
