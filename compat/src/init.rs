//! Library initialisation, the version, and the memory functions behind OPENSSL_malloc/free.
//! Nothing needs initialising: every table is static and the crypto provider is chosen at
//! build time, so the init functions only validate their arguments.

use std::ffi::{c_char, c_int, c_uint, c_ulong, c_void, CStr};

use crate::err::{self, ERR_LIB_CRYPTO, ERR_R_PASSED_INVALID_ARGUMENT};
use crate::ffi::guard;

/// OPENSSL_VERSION_NUMBER: the OpenSSL API this library presents (3.0.0).
pub const VERSION_NUMBER: c_ulong = 0x3000_0000;
const VERSION_TEXT: &CStr = c"ftls 0.1.0 (OpenSSL 3.0.0 API)";

fn init(function: &'static str, settings: *const c_void) -> c_int {
    guard(function, 0, || {
        if settings.is_null() {
            return 1;
        }
        err::raise(
            ERR_LIB_CRYPTO,
            ERR_R_PASSED_INVALID_ARGUMENT,
            function,
            "init settings (a configuration file) are not supported: pass NULL",
        );
        0
    })
}

#[no_mangle]
pub extern "C" fn OPENSSL_init_crypto(_opts: u64, settings: *const c_void) -> c_int {
    init("OPENSSL_init_crypto", settings)
}

#[no_mangle]
pub extern "C" fn OPENSSL_init_ssl(_opts: u64, settings: *const c_void) -> c_int {
    init("OPENSSL_init_ssl", settings)
}

#[no_mangle]
pub extern "C" fn OPENSSL_cleanup() {}

#[no_mangle]
pub extern "C" fn OPENSSL_thread_stop() {}

#[no_mangle]
pub extern "C" fn OpenSSL_version(type_: c_int) -> *const c_char {
    match type_ {
        0 => VERSION_TEXT.as_ptr(),
        6 => c"3.0.0".as_ptr(),
        7 => c"3.0.0+ftls".as_ptr(),
        _ => c"not available".as_ptr(),
    }
}

#[no_mangle]
pub extern "C" fn OpenSSL_version_num() -> c_ulong {
    VERSION_NUMBER
}

#[no_mangle]
pub extern "C" fn OPENSSL_version_major() -> c_uint {
    3
}

#[no_mangle]
pub extern "C" fn OPENSSL_version_minor() -> c_uint {
    0
}

#[no_mangle]
pub extern "C" fn OPENSSL_version_patch() -> c_uint {
    0
}

#[no_mangle]
pub extern "C" fn CRYPTO_malloc(num: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    if num == 0 {
        return std::ptr::null_mut();
    }
    // SAFETY: malloc has no preconditions.
    unsafe { libc::malloc(num) }
}

#[no_mangle]
pub extern "C" fn CRYPTO_zalloc(num: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    if num == 0 {
        return std::ptr::null_mut();
    }
    // SAFETY: calloc has no preconditions.
    unsafe { libc::calloc(1, num) }
}

#[no_mangle]
pub extern "C" fn CRYPTO_realloc(
    addr: *mut c_void,
    num: usize,
    file: *const c_char,
    line: c_int,
) -> *mut c_void {
    if addr.is_null() {
        return CRYPTO_malloc(num, file, line);
    }
    if num == 0 {
        CRYPTO_free(addr, file, line);
        return std::ptr::null_mut();
    }
    // SAFETY: addr came from this family (C's contract), i.e. from malloc.
    unsafe { libc::realloc(addr, num) }
}

#[no_mangle]
pub extern "C" fn CRYPTO_free(ptr: *mut c_void, _file: *const c_char, _line: c_int) {
    // SAFETY: ptr is NULL or came from malloc (this family, or the library's strings made for
    // OPENSSL_free).
    unsafe { libc::free(ptr) }
}

#[no_mangle]
pub extern "C" fn CRYPTO_strdup(
    str: *const c_char,
    _file: *const c_char,
    _line: c_int,
) -> *mut c_char {
    if str.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: a NUL-terminated string (C's contract).
    unsafe { libc::strdup(str) }
}

#[no_mangle]
pub extern "C" fn CRYPTO_strndup(
    str: *const c_char,
    s: usize,
    _file: *const c_char,
    _line: c_int,
) -> *mut c_char {
    if str.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: a string of at least s bytes or NUL-terminated before (C's contract).
    unsafe { libc::strndup(str, s) }
}

#[no_mangle]
pub extern "C" fn CRYPTO_memdup(
    data: *const c_void,
    siz: usize,
    file: *const c_char,
    line: c_int,
) -> *mut c_void {
    if data.is_null() || siz == 0 {
        return std::ptr::null_mut();
    }
    let copy = CRYPTO_malloc(siz, file, line);
    if !copy.is_null() {
        // SAFETY: siz readable bytes at data (C's contract), siz writable at the new block.
        unsafe { std::ptr::copy_nonoverlapping(data.cast::<u8>(), copy.cast::<u8>(), siz) };
    }
    copy
}

/// Copies `text` into a new malloc'd C string, for results the program frees with
/// OPENSSL_free. NULL when memory runs out.
pub fn malloc_c_string(text: &[u8]) -> *mut c_char {
    let copy = CRYPTO_malloc(text.len() + 1, std::ptr::null(), 0).cast::<u8>();
    if !copy.is_null() {
        // SAFETY: a fresh block of len + 1 bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), copy, text.len());
            copy.add(text.len()).write(0);
        }
    }
    copy.cast()
}

#[no_mangle]
pub extern "C" fn OPENSSL_cleanse(ptr: *mut c_void, len: usize) {
    if ptr.is_null() {
        return;
    }
    for i in 0..len {
        // SAFETY: len writable bytes at ptr (C's contract); volatile so it is not elided.
        unsafe { ptr.cast::<u8>().add(i).write_volatile(0) };
    }
}
