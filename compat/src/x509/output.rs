//! Where the printers write (a BIO or a stdio stream), and bytes handed to the caller.

use crate::ffi::borrow;
use std::ffi::c_void;

/// The destination of a printer.
pub enum Sink {
    Bio(*mut crate::bio::BIO),
    File(*mut libc::FILE),
}

impl Sink {
    /// Writes all of `bytes`; false if the destination is NULL or refuses them.
    pub fn write(&self, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            return true;
        }
        match *self {
            Sink::Bio(bio) => {
                // SAFETY: a non-NULL BIO is one of this library's, alive for the call.
                unsafe { borrow(bio) }.is_some_and(|bio| bio.write_all(bytes))
            }
            Sink::File(file) => {
                if file.is_null() {
                    return false;
                }
                // SAFETY: a stdio stream the caller opened; fwrite reads `bytes.len()` bytes
                // from a live slice.
                let written =
                    unsafe { libc::fwrite(bytes.as_ptr().cast::<c_void>(), 1, bytes.len(), file) };
                written == bytes.len()
            }
        }
    }
}

/// A copy of `bytes` in memory from `malloc`, freed with `OPENSSL_free`. NULL if allocation
/// fails.
pub fn malloc_copy(bytes: &[u8]) -> *mut u8 {
    // SAFETY: malloc has no preconditions; the size is at least 1.
    let copy = unsafe { libc::malloc(bytes.len().max(1)) }.cast::<u8>();
    if !copy.is_null() {
        // SAFETY: `copy` has room for bytes.len() bytes and cannot overlap a live slice.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), copy, bytes.len()) };
    }
    copy
}
