//! Describing result codes to C: name, message, category.

use crate::core::{ResultCategory, ResultCode};
use std::ffi::{c_char, CStr};

/// The code's static text, or `unknown` for a number that is not a code. No allocation, so
/// nothing for a leak checker to see.
fn describe(
    result: i32,
    pick: fn(ResultCode) -> &'static CStr,
    unknown: &'static CStr,
) -> *const c_char {
    ResultCode::from_number(i64::from(result))
        .map_or(unknown, pick)
        .as_ptr()
}

/// The name of a result code, e.g. `"FTLS_ERR_CERT_EXPIRED"`.
///
/// Takes any integer: an unknown value gives `"FTLS_UNKNOWN_RESULT"`. The returned string is
/// static and NUL-terminated: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn ftls_result_name(result: i32) -> *const c_char {
    describe(result, ResultCode::name_c, c"FTLS_UNKNOWN_RESULT")
}

/// A short English sentence saying what a result code means, e.g.
/// `"the certificate has expired"`. For the detail of a particular failure (which certificate,
/// which dates), see the `_last_error()` function of the object that failed.
///
/// Takes any integer: an unknown value gives `"unknown ftls_result value"`. The returned
/// string is static and NUL-terminated: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn ftls_result_message(result: i32) -> *const c_char {
    describe(result, ResultCode::message_c, c"unknown ftls_result value")
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
