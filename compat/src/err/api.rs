//! The ERR_* functions.

use std::ffi::{c_char, c_int, c_void};

use super::{error_text, lib_string, reason_cstr, with_record, Pick, Record};
use crate::bio::BIO;
use crate::ffi::{self, guard};

/// Fills the optional out-pointers from a record (ERR_get_error_all and its shorter forms).
///
/// # Safety
/// Each pointer is NULL or a valid place for its value.
unsafe fn fill(
    record: Option<&Record>,
    file: *mut *const c_char,
    line: *mut c_int,
    func: *mut *const c_char,
    data: *mut *const c_char,
    flags: *mut c_int,
) -> u64 {
    let Some(record) = record else { return 0 };
    // SAFETY: the caller's guarantee for each pointer; the strings live in the queue's records
    // (or its last taken record) until the next ERR call on this thread.
    unsafe {
        ffi::write_out(file, record.file.as_ptr());
        ffi::write_out(line, record.line);
        ffi::write_out(func, record.function.as_ptr());
        ffi::write_out(data, record.data.as_ptr());
        ffi::write_out(flags, ERR_TXT_STRING);
    }
    record.code
}

const ERR_TXT_STRING: c_int = 0x02;
type CStrOut = *mut *const c_char;

fn pick(
    name: &'static str,
    which: Pick,
    file: CStrOut,
    line: *mut c_int,
    func: CStrOut,
    data: CStrOut,
    flags: *mut c_int,
) -> u64 {
    guard(name, 0, || {
        with_record(which, |record| {
            // SAFETY: C passes NULL or valid places (each ERR_* function's contract).
            unsafe { fill(record, file, line, func, data, flags) }
        })
    })
}

const NO_STR: CStrOut = std::ptr::null_mut();
const NO_INT: *mut c_int = std::ptr::null_mut();

#[no_mangle]
pub extern "C" fn ERR_get_error() -> u64 {
    pick(
        "ERR_get_error",
        Pick::TakeOldest,
        NO_STR,
        NO_INT,
        NO_STR,
        NO_STR,
        NO_INT,
    )
}

#[no_mangle]
pub extern "C" fn ERR_get_error_line(file: CStrOut, line: *mut c_int) -> u64 {
    pick(
        "ERR_get_error_line",
        Pick::TakeOldest,
        file,
        line,
        NO_STR,
        NO_STR,
        NO_INT,
    )
}

#[no_mangle]
pub extern "C" fn ERR_get_error_line_data(
    file: CStrOut,
    line: *mut c_int,
    data: CStrOut,
    flags: *mut c_int,
) -> u64 {
    pick(
        "ERR_get_error_line_data",
        Pick::TakeOldest,
        file,
        line,
        NO_STR,
        data,
        flags,
    )
}

#[no_mangle]
pub extern "C" fn ERR_get_error_all(
    file: CStrOut,
    line: *mut c_int,
    func: CStrOut,
    data: CStrOut,
    flags: *mut c_int,
) -> u64 {
    pick(
        "ERR_get_error_all",
        Pick::TakeOldest,
        file,
        line,
        func,
        data,
        flags,
    )
}

#[no_mangle]
pub extern "C" fn ERR_peek_error() -> u64 {
    pick(
        "ERR_peek_error",
        Pick::PeekOldest,
        NO_STR,
        NO_INT,
        NO_STR,
        NO_STR,
        NO_INT,
    )
}

#[no_mangle]
pub extern "C" fn ERR_peek_error_line(file: CStrOut, line: *mut c_int) -> u64 {
    pick(
        "ERR_peek_error_line",
        Pick::PeekOldest,
        file,
        line,
        NO_STR,
        NO_STR,
        NO_INT,
    )
}

#[no_mangle]
pub extern "C" fn ERR_peek_error_line_data(
    file: CStrOut,
    line: *mut c_int,
    data: CStrOut,
    flags: *mut c_int,
) -> u64 {
    pick(
        "ERR_peek_error_line_data",
        Pick::PeekOldest,
        file,
        line,
        NO_STR,
        data,
        flags,
    )
}

#[no_mangle]
pub extern "C" fn ERR_peek_error_all(
    file: CStrOut,
    line: *mut c_int,
    func: CStrOut,
    data: CStrOut,
    flags: *mut c_int,
) -> u64 {
    pick(
        "ERR_peek_error_all",
        Pick::PeekOldest,
        file,
        line,
        func,
        data,
        flags,
    )
}

#[no_mangle]
pub extern "C" fn ERR_peek_last_error() -> u64 {
    pick(
        "ERR_peek_last_error",
        Pick::PeekNewest,
        NO_STR,
        NO_INT,
        NO_STR,
        NO_STR,
        NO_INT,
    )
}

#[no_mangle]
pub extern "C" fn ERR_peek_last_error_line(file: CStrOut, line: *mut c_int) -> u64 {
    pick(
        "ERR_peek_last_error_line",
        Pick::PeekNewest,
        file,
        line,
        NO_STR,
        NO_STR,
        NO_INT,
    )
}

#[no_mangle]
pub extern "C" fn ERR_peek_last_error_line_data(
    file: CStrOut,
    line: *mut c_int,
    data: CStrOut,
    flags: *mut c_int,
) -> u64 {
    pick(
        "ERR_peek_last_error_line_data",
        Pick::PeekNewest,
        file,
        line,
        NO_STR,
        data,
        flags,
    )
}

#[no_mangle]
pub extern "C" fn ERR_peek_last_error_all(
    file: CStrOut,
    line: *mut c_int,
    func: CStrOut,
    data: CStrOut,
    flags: *mut c_int,
) -> u64 {
    pick(
        "ERR_peek_last_error_all",
        Pick::PeekNewest,
        file,
        line,
        func,
        data,
        flags,
    )
}

#[no_mangle]
pub extern "C" fn ERR_clear_error() {
    guard("ERR_clear_error", (), super::clear)
}

#[no_mangle]
pub extern "C" fn ERR_error_string_n(e: u64, buf: *mut c_char, len: usize) {
    guard("ERR_error_string_n", (), || {
        let text = error_text(e, "");
        // SAFETY: C passes len writable bytes at buf.
        unsafe { ffi::copy_c_string(text.as_bytes(), buf, len) };
    })
}

#[no_mangle]
pub extern "C" fn ERR_error_string(e: u64, buf: *mut c_char) -> *mut c_char {
    guard("ERR_error_string", std::ptr::null_mut(), || {
        let text = error_text(e, "");
        if buf.is_null() {
            super::with_string_buffer(|own| {
                // SAFETY: the thread's own 256-byte buffer, alive as long as the thread.
                unsafe { ffi::copy_c_string(text.as_bytes(), own.as_mut_ptr().cast(), own.len()) };
                own.as_mut_ptr().cast()
            })
        } else {
            // SAFETY: OpenSSL's contract: buf holds at least 256 bytes.
            unsafe { ffi::copy_c_string(text.as_bytes(), buf, 256) };
            buf
        }
    })
}

#[no_mangle]
pub extern "C" fn ERR_lib_error_string(e: u64) -> *const c_char {
    guard("ERR_lib_error_string", std::ptr::null(), || {
        lib_string(e).map_or(std::ptr::null(), |text| text.as_ptr())
    })
}

#[no_mangle]
pub extern "C" fn ERR_reason_error_string(e: u64) -> *const c_char {
    guard("ERR_reason_error_string", std::ptr::null(), || {
        // OpenSSL 3.0 gives no text here for a system error (its one-line form still shows
        // strerror's).
        if super::lib_of(e) == super::ERR_LIB_SYS {
            return std::ptr::null();
        }
        reason_cstr(e).map_or(std::ptr::null(), |text| text.as_ptr())
    })
}

#[no_mangle]
pub extern "C" fn ERR_func_error_string(_e: u64) -> *const c_char {
    std::ptr::null()
}

#[no_mangle]
pub extern "C" fn ERR_print_errors_fp(fp: *mut libc::FILE) {
    guard("ERR_print_errors_fp", (), || {
        if fp.is_null() {
            return;
        }
        for line in super::drain_lines() {
            // SAFETY: C passes an open stdio stream; fwrite of the line's bytes.
            unsafe { libc::fwrite(line.as_ptr().cast(), 1, line.len(), fp) };
        }
    })
}

#[no_mangle]
pub extern "C" fn ERR_print_errors(bp: *mut BIO) {
    guard("ERR_print_errors", (), || {
        // SAFETY: C passes NULL or a BIO it holds.
        let Some(bio) = (unsafe { ffi::borrow(bp) }) else {
            return;
        };
        for line in super::drain_lines() {
            if !bio.write_all(line.as_bytes()) {
                return;
            }
        }
    })
}

type PrintCallback = unsafe extern "C" fn(*const c_char, usize, *mut c_void) -> c_int;

#[no_mangle]
pub extern "C" fn ERR_print_errors_cb(cb: Option<PrintCallback>, u: *mut c_void) {
    guard("ERR_print_errors_cb", (), || {
        let Some(cb) = cb else { return };
        for line in super::drain_lines() {
            let mut text = line.into_bytes();
            let len = text.len();
            text.push(0);
            // SAFETY: the program's callback, with a NUL-terminated line, its length and the
            // program's pointer.
            if unsafe { cb(text.as_ptr().cast(), len, u) } <= 0 {
                return;
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn ERR_set_mark() -> c_int {
    guard("ERR_set_mark", 0, || super::set_mark() as c_int)
}

#[no_mangle]
pub extern "C" fn ERR_pop_to_mark() -> c_int {
    guard("ERR_pop_to_mark", 0, || super::pop_to_mark() as c_int)
}

#[no_mangle]
pub extern "C" fn ERR_clear_last_mark() -> c_int {
    guard("ERR_clear_last_mark", 0, || {
        super::clear_last_mark() as c_int
    })
}
