//! Borrowed results handed to C: pointer + length, never NUL-dependent.

use std::ffi::c_char;

/// A borrowed UTF-8 string: `len` bytes at `data`, not necessarily NUL-terminated.
/// Print it with `printf("%.*s", (int)s.len, s.data)`. Each function returning one says how
/// long it stays valid. An empty string may have `data == NULL`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ftls_str {
    /// The first byte; NULL only when `len` is 0.
    pub data: *const c_char,
    /// The length in bytes, without any terminating NUL.
    pub len: usize,
}

/// Borrowed bytes: `len` bytes at `data`. Each function returning one says how long they stay
/// valid. Empty bytes may have `data == NULL`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ftls_bytes {
    /// The first byte; NULL only when `len` is 0.
    pub data: *const u8,
    /// The number of bytes.
    pub len: usize,
}

impl ftls_str {
    pub(crate) fn new(text: &str) -> Self {
        Self {
            data: text.as_ptr().cast(),
            len: text.len(),
        }
    }

    pub(crate) fn empty() -> Self {
        Self {
            data: std::ptr::null(),
            len: 0,
        }
    }
}

impl ftls_bytes {
    pub(crate) fn new(bytes: &[u8]) -> Self {
        Self {
            data: bytes.as_ptr(),
            len: bytes.len(),
        }
    }

    pub(crate) fn empty() -> Self {
        Self {
            data: std::ptr::null(),
            len: 0,
        }
    }
}
