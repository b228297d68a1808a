//! Checking what the C API returns: anything may fail, nothing may panic.

use ftls::capi::{ftls_bytes, ftls_str};
use ftls::core::ResultCode;
use std::ptr::null;

/// Passes `result` through; a panic caught at the C boundary is a finding.
pub(crate) fn checked(result: ResultCode) -> ResultCode {
    assert_ne!(
        result,
        ResultCode::FTLS_ERR_PANIC,
        "a panic reached the C boundary"
    );
    result
}

/// As [`checked`], for a call whose outcome the harness does not need.
pub(crate) fn check(result: ResultCode) {
    checked(result);
}

/// An empty borrowed string, for out-parameters.
pub(crate) fn empty_str() -> ftls_str {
    ftls_str {
        data: null(),
        len: 0,
    }
}

/// Empty borrowed bytes, for out-parameters.
pub(crate) fn empty_bytes() -> ftls_bytes {
    ftls_bytes {
        data: null(),
        len: 0,
    }
}
