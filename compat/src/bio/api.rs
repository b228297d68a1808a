//! The BIO core's exported functions: creation and freeing, I/O dispatch, ctrl, flags, chains.

use std::ffi::{c_char, c_int, c_long, c_void};

use super::{BIO, BIO_CTRL_PENDING, BIO_CTRL_POP, BIO_CTRL_PUSH, BIO_CTRL_WPENDING, BIO_METHOD};
use crate::err::{BIO_R_INVALID_ARGUMENT, ERR_LIB_BIO};
use crate::ffi::{self, guard};

/// A BIO's reference, for the functions' bodies.
fn bio<'a>(function: &'static str, ptr: *const BIO) -> Option<&'a BIO> {
    // SAFETY: C passes NULL or a BIO it holds (OpenSSL's contract for every BIO_* call).
    let bio = unsafe { ffi::borrow(ptr) };
    if bio.is_none() {
        ffi::null_argument(ERR_LIB_BIO, function, "the BIO");
    }
    bio
}

#[no_mangle]
pub extern "C" fn BIO_new(method: *const BIO_METHOD) -> *mut BIO {
    guard("BIO_new", std::ptr::null_mut(), || {
        // SAFETY: C passes NULL or a method from BIO_s_*() / BIO_meth_new.
        match unsafe { ffi::share(method) } {
            Some(method) => BIO::new_c(method),
            None => {
                ffi::null_argument(ERR_LIB_BIO, "BIO_new", "the method");
                std::ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn BIO_free(b: *mut BIO) -> c_int {
    guard("BIO_free", 0, || {
        if b.is_null() {
            return 0;
        }
        // SAFETY: C gives up its reference (OpenSSL's BIO_free).
        unsafe { ffi::release(b) };
        1
    })
}

#[no_mangle]
pub extern "C" fn BIO_vfree(b: *mut BIO) {
    BIO_free(b);
}

#[no_mangle]
pub extern "C" fn BIO_free_all(b: *mut BIO) {
    guard("BIO_free_all", (), || {
        let mut current = b;
        while let Some(bio) = bio_opt(current) {
            let next = bio.next_ptr();
            // OpenSSL stops at a BIO someone else still references.
            // SAFETY: a live BIO of ours.
            let others = unsafe { ffi::ref_count(current.cast_const()) } > 1;
            // SAFETY: C gives up its reference to each BIO of the chain.
            unsafe { ffi::release(current) };
            if others {
                break;
            }
            current = next;
        }
    })
}

fn bio_opt<'a>(ptr: *const BIO) -> Option<&'a BIO> {
    // SAFETY: as in `bio`.
    unsafe { ffi::borrow(ptr) }
}

#[no_mangle]
pub extern "C" fn BIO_up_ref(b: *mut BIO) -> c_int {
    // SAFETY: C passes NULL or a BIO it holds.
    guard("BIO_up_ref", 0, || unsafe { ffi::up_ref(b) })
}

#[no_mangle]
pub extern "C" fn BIO_read(b: *mut BIO, data: *mut c_void, dlen: c_int) -> c_int {
    guard("BIO_read", -1, || {
        let Some(bio) = bio("BIO_read", b) else {
            return -1;
        };
        if dlen < 0 {
            crate::err::raise(
                ERR_LIB_BIO,
                BIO_R_INVALID_ARGUMENT,
                "BIO_read",
                "negative length",
            );
            return -1;
        }
        // SAFETY: C passes dlen writable bytes at data.
        match unsafe { ffi::bytes_out(data, dlen as usize) } {
            Some(buf) if !buf.is_empty() => bio.read(buf),
            Some(_) => 0,
            None => {
                ffi::null_argument(ERR_LIB_BIO, "BIO_read", "the buffer");
                -1
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn BIO_read_ex(
    b: *mut BIO,
    data: *mut c_void,
    dlen: usize,
    readbytes: *mut usize,
) -> c_int {
    guard("BIO_read_ex", 0, || {
        let Some(bio) = bio("BIO_read_ex", b) else {
            return 0;
        };
        // SAFETY: C passes dlen writable bytes at data.
        let Some(buf) = (unsafe { ffi::bytes_out(data, dlen) }) else {
            ffi::null_argument(ERR_LIB_BIO, "BIO_read_ex", "the buffer");
            return 0;
        };
        let len = buf.len().min(c_int::MAX as usize);
        let n = if len == 0 {
            0
        } else {
            bio.read(&mut buf[..len])
        };
        // SAFETY: readbytes is NULL or a place for the count.
        unsafe { ffi::write_out(readbytes, n.max(0) as usize) };
        (n > 0) as c_int
    })
}

#[no_mangle]
pub extern "C" fn BIO_write(b: *mut BIO, data: *const c_void, dlen: c_int) -> c_int {
    guard("BIO_write", -1, || {
        let Some(bio) = bio("BIO_write", b) else {
            return -1;
        };
        if dlen < 0 {
            crate::err::raise(
                ERR_LIB_BIO,
                BIO_R_INVALID_ARGUMENT,
                "BIO_write",
                "negative length",
            );
            return -1;
        }
        // SAFETY: C passes dlen readable bytes at data.
        match unsafe { ffi::bytes_arg(data, dlen as usize) } {
            Some([]) => 0,
            Some(bytes) => bio.write(bytes),
            None => {
                ffi::null_argument(ERR_LIB_BIO, "BIO_write", "the data");
                -1
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn BIO_write_ex(
    b: *mut BIO,
    data: *const c_void,
    dlen: usize,
    written: *mut usize,
) -> c_int {
    guard("BIO_write_ex", 0, || {
        let Some(bio) = bio("BIO_write_ex", b) else {
            return 0;
        };
        // SAFETY: C passes dlen readable bytes at data.
        let Some(bytes) = (unsafe { ffi::bytes_arg(data, dlen) }) else {
            ffi::null_argument(ERR_LIB_BIO, "BIO_write_ex", "the data");
            return 0;
        };
        let len = bytes.len().min(c_int::MAX as usize);
        let n = if len == 0 {
            0
        } else {
            bio.write(&bytes[..len])
        };
        // SAFETY: written is NULL or a place for the count.
        unsafe { ffi::write_out(written, n.max(0) as usize) };
        (n > 0 || dlen == 0) as c_int
    })
}

#[no_mangle]
pub extern "C" fn BIO_puts(b: *mut BIO, buf: *const c_char) -> c_int {
    guard("BIO_puts", -1, || {
        let Some(bio) = bio("BIO_puts", b) else {
            return -1;
        };
        // SAFETY: C passes a NUL-terminated string.
        let Some(text) = (unsafe { ffi::cstr_arg(buf) }) else {
            ffi::null_argument(ERR_LIB_BIO, "BIO_puts", "the string");
            return -1;
        };
        match bio.method.custom() {
            Some(super::CustomMethod {
                puts: Some(puts), ..
            }) => {
                // SAFETY: the program's puts, with the program's string.
                unsafe { puts(b, buf) }
            }
            _ if text.to_bytes().is_empty() => 0,
            _ => bio.write(text.to_bytes()),
        }
    })
}

#[no_mangle]
pub extern "C" fn BIO_gets(b: *mut BIO, buf: *mut c_char, size: c_int) -> c_int {
    guard("BIO_gets", -1, || {
        let Some(bio) = bio("BIO_gets", b) else {
            return -1;
        };
        if size < 0 {
            crate::err::raise(
                ERR_LIB_BIO,
                BIO_R_INVALID_ARGUMENT,
                "BIO_gets",
                "negative size",
            );
            return -1;
        }
        // SAFETY: C passes size writable bytes at buf.
        match unsafe { ffi::bytes_out(buf.cast(), size as usize) } {
            Some(out) => bio.gets(out),
            None => {
                ffi::null_argument(ERR_LIB_BIO, "BIO_gets", "the buffer");
                -1
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn BIO_ctrl(b: *mut BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
    guard("BIO_ctrl", -1, || match bio("BIO_ctrl", b) {
        Some(bio) => bio.ctrl(cmd, larg, parg),
        None => -1,
    })
}

#[no_mangle]
pub extern "C" fn BIO_int_ctrl(b: *mut BIO, cmd: c_int, larg: c_long, iarg: c_int) -> c_long {
    let mut value = iarg;
    BIO_ctrl(b, cmd, larg, (&mut value as *mut c_int).cast())
}

#[no_mangle]
pub extern "C" fn BIO_ptr_ctrl(b: *mut BIO, cmd: c_int, larg: c_long) -> *mut c_void {
    let mut out: *mut c_void = std::ptr::null_mut();
    if BIO_ctrl(b, cmd, larg, (&mut out as *mut *mut c_void).cast()) <= 0 {
        return std::ptr::null_mut();
    }
    out
}

#[no_mangle]
pub extern "C" fn BIO_callback_ctrl(
    b: *mut BIO,
    cmd: c_int,
    fp: Option<super::BIO_info_cb>,
) -> c_long {
    guard("BIO_callback_ctrl", -2, || {
        let Some(bio) = bio("BIO_callback_ctrl", b) else {
            return -2;
        };
        match bio.method.custom() {
            Some(super::CustomMethod {
                callback_ctrl: Some(callback_ctrl),
                ..
            }) => {
                // SAFETY: the program's callback_ctrl, with the program's arguments.
                unsafe { callback_ctrl(b, cmd, fp) }
            }
            _ => -2,
        }
    })
}

#[no_mangle]
pub extern "C" fn BIO_ctrl_pending(b: *mut BIO) -> usize {
    BIO_ctrl(b, BIO_CTRL_PENDING, 0, std::ptr::null_mut()).max(0) as usize
}

#[no_mangle]
pub extern "C" fn BIO_ctrl_wpending(b: *mut BIO) -> usize {
    BIO_ctrl(b, BIO_CTRL_WPENDING, 0, std::ptr::null_mut()).max(0) as usize
}

#[no_mangle]
pub extern "C" fn BIO_test_flags(b: *const BIO, flags: c_int) -> c_int {
    guard("BIO_test_flags", 0, || {
        bio_opt(b).map_or(0, |bio| bio.test_flags(flags))
    })
}

#[no_mangle]
pub extern "C" fn BIO_set_flags(b: *mut BIO, flags: c_int) {
    guard("BIO_set_flags", (), || {
        if let Some(bio) = bio_opt(b) {
            bio.set_flags(flags);
        }
    })
}

#[no_mangle]
pub extern "C" fn BIO_clear_flags(b: *mut BIO, flags: c_int) {
    guard("BIO_clear_flags", (), || {
        if let Some(bio) = bio_opt(b) {
            bio.clear_flags(flags);
        }
    })
}

#[no_mangle]
pub extern "C" fn BIO_get_retry_reason(b: *mut BIO) -> c_int {
    guard("BIO_get_retry_reason", 0, || {
        bio_opt(b).map_or(0, BIO::retry_reason)
    })
}

#[no_mangle]
pub extern "C" fn BIO_set_retry_reason(b: *mut BIO, reason: c_int) {
    guard("BIO_set_retry_reason", (), || {
        if let Some(bio) = bio_opt(b) {
            bio.set_retry_reason(reason);
        }
    })
}

/// The BIO of the chain that caused the retry (the last one with retry flags), and its
/// reason.
#[no_mangle]
pub extern "C" fn BIO_get_retry_BIO(b: *mut BIO, reason: *mut c_int) -> *mut BIO {
    guard("BIO_get_retry_BIO", std::ptr::null_mut(), || {
        let mut last = b;
        let mut current = b;
        while let Some(bio) = bio_opt(current) {
            if !bio.should_retry() {
                break;
            }
            last = current;
            current = bio.next_ptr();
        }
        if let Some(bio) = bio_opt(last) {
            // SAFETY: reason is NULL or a place for an int.
            unsafe { ffi::write_out(reason, bio.retry_reason()) };
        }
        last
    })
}

#[no_mangle]
pub extern "C" fn BIO_method_type(b: *const BIO) -> c_int {
    guard("BIO_method_type", 0, || bio_opt(b).map_or(0, BIO::type_))
}

#[no_mangle]
pub extern "C" fn BIO_method_name(b: *const BIO) -> *const c_char {
    guard("BIO_method_name", std::ptr::null(), || {
        bio_opt(b).map_or(std::ptr::null(), |bio| bio.method.name.as_ptr())
    })
}

/// Appends `append` (a BIO or chain) after the last BIO of `b`'s chain; returns `b`. The chain
/// now owns `append`: BIO_free_all(b) frees it too.
#[no_mangle]
pub extern "C" fn BIO_push(b: *mut BIO, append: *mut BIO) -> *mut BIO {
    guard("BIO_push", std::ptr::null_mut(), || {
        let Some(first) = bio_opt(b) else {
            return append;
        };
        let mut last = first;
        while let Some(next) = last.next() {
            last = next;
        }
        last.set_next(append);
        if let Some(appended) = bio_opt(append) {
            appended.set_prev((last as *const BIO).cast_mut());
        }
        first.ctrl(BIO_CTRL_PUSH, 0, append.cast());
        b
    })
}

/// Takes `b` out of its chain (its neighbours are joined) and returns the BIO that followed
/// it; `b` itself is not freed.
#[no_mangle]
pub extern "C" fn BIO_pop(b: *mut BIO) -> *mut BIO {
    guard("BIO_pop", std::ptr::null_mut(), || {
        let Some(bio) = bio_opt(b) else {
            return std::ptr::null_mut();
        };
        let next = bio.next_ptr();
        bio.ctrl(BIO_CTRL_POP, 0, b.cast());
        let prev = bio.prev_ptr();
        if let Some(prev) = bio_opt(prev) {
            prev.set_next(next);
        }
        if let Some(following) = bio_opt(next) {
            following.set_prev(prev);
        }
        bio.set_next(std::ptr::null_mut());
        bio.set_prev(std::ptr::null_mut());
        next
    })
}

#[no_mangle]
pub extern "C" fn BIO_next(b: *mut BIO) -> *mut BIO {
    guard("BIO_next", std::ptr::null_mut(), || {
        bio_opt(b).map_or(std::ptr::null_mut(), BIO::next_ptr)
    })
}

/// The first BIO of the chain whose type is `type_` (or, for a class such as
/// BIO_TYPE_SOURCE_SINK, which has its bits); NULL when none.
#[no_mangle]
pub extern "C" fn BIO_find_type(b: *mut BIO, type_: c_int) -> *mut BIO {
    guard("BIO_find_type", std::ptr::null_mut(), || {
        let exact = type_ & 0xff != 0;
        let mut current = b;
        while let Some(bio) = bio_opt(current) {
            let t = bio.type_();
            if (exact && t == type_) || (!exact && t & type_ != 0) {
                return current;
            }
            current = bio.next_ptr();
        }
        std::ptr::null_mut()
    })
}

#[no_mangle]
pub extern "C" fn BIO_number_read(b: *mut BIO) -> u64 {
    guard("BIO_number_read", 0, || {
        bio_opt(b).map_or(0, |bio| {
            bio.num_read.load(std::sync::atomic::Ordering::Relaxed)
        })
    })
}

#[no_mangle]
pub extern "C" fn BIO_number_written(b: *mut BIO) -> u64 {
    guard("BIO_number_written", 0, || {
        bio_opt(b).map_or(0, |bio| {
            bio.num_write.load(std::sync::atomic::Ordering::Relaxed)
        })
    })
}
