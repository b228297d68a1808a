//! Programs' own BIO types (`BIO_meth_new` and its setters) and the calls their functions use
//! on a BIO (`BIO_set_data`, `BIO_set_init`...), plus BIO callbacks: how event-loop libraries
//! plug their transports in. The dispatch to a program's functions is the BIO core's.

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;

use super::{lock, BIO_callback_fn_ex, BIO_info_cb, CustomMethod, MethodKind, BIO, BIO_METHOD};
use crate::err::ERR_LIB_BIO;
use crate::ffi::{self, guard, UserPtr};

/// The first type index OpenSSL hands out to programs' methods.
const FIRST_USER_INDEX: c_int = 128;
/// BIO_TYPE_MASK: the index part of a type.
const TYPE_INDEX_MASK: c_int = 0xff;

/// A new type index for a program's method (OR it with BIO_TYPE_SOURCE_SINK or
/// BIO_TYPE_FILTER); -1 once the 127 indexes are used up.
#[no_mangle]
pub extern "C" fn BIO_get_new_index() -> c_int {
    static NEXT: AtomicI32 = AtomicI32::new(FIRST_USER_INDEX);
    let index = NEXT.fetch_add(1, Ordering::Relaxed);
    if index > TYPE_INDEX_MASK {
        return -1;
    }
    index
}

/// A new method for a program's BIO type, with no functions yet (the BIO_meth_set_* calls add
/// them). Freed with `BIO_meth_free` (BIOs made from it keep it alive). NULL for a NULL name.
#[no_mangle]
pub extern "C" fn BIO_meth_new(type_: c_int, name: *const c_char) -> *mut BIO_METHOD {
    guard("BIO_meth_new", std::ptr::null_mut(), || {
        // SAFETY: a NUL-terminated string from the caller.
        let Some(name) = (unsafe { ffi::cstr_arg(name) }) else {
            ffi::null_argument(ERR_LIB_BIO, "BIO_meth_new", "name");
            return std::ptr::null_mut();
        };
        ffi::into_c(BIO_METHOD {
            type_,
            name: CString::from(name),
            kind: MethodKind::Custom(Mutex::new(CustomMethod::default())),
        })
    })
}

/// Releases the program's reference to its method. NULL does nothing.
#[no_mangle]
pub extern "C" fn BIO_meth_free(method: *mut BIO_METHOD) {
    // SAFETY: NULL or a method from BIO_meth_new whose reference the caller gives up.
    unsafe { ffi::release(method) }
}

/// Changes one function of a program's method: 1, or 0 for NULL or a built-in method.
fn set_function(method: *mut BIO_METHOD, set: impl FnOnce(&mut CustomMethod)) -> c_int {
    // SAFETY: NULL or a method C holds.
    match unsafe { ffi::borrow(method) }.map(|m| &m.kind) {
        Some(MethodKind::Custom(functions)) => {
            set(&mut lock(functions));
            1
        }
        _ => 0,
    }
}

macro_rules! setters {
    ($($name:ident $field:ident ($($arg:ty),*) -> $ret:ty;)*) => {$(
        /// Sets this function of a program's method (NULL removes it): 1, or 0 for a NULL or
        /// built-in method.
        #[no_mangle]
        pub extern "C" fn $name(
            method: *mut BIO_METHOD,
            function: Option<unsafe extern "C" fn($($arg),*) -> $ret>,
        ) -> c_int {
            set_function(method, |m| m.$field = function)
        }
    )*};
}

setters! {
    BIO_meth_set_write write (*mut BIO, *const c_char, c_int) -> c_int;
    BIO_meth_set_write_ex write_ex (*mut BIO, *const c_char, usize, *mut usize) -> c_int;
    BIO_meth_set_read read (*mut BIO, *mut c_char, c_int) -> c_int;
    BIO_meth_set_read_ex read_ex (*mut BIO, *mut c_char, usize, *mut usize) -> c_int;
    BIO_meth_set_puts puts (*mut BIO, *const c_char) -> c_int;
    BIO_meth_set_gets gets (*mut BIO, *mut c_char, c_int) -> c_int;
    BIO_meth_set_ctrl ctrl (*mut BIO, c_int, std::ffi::c_long, *mut c_void) -> std::ffi::c_long;
    BIO_meth_set_create create (*mut BIO) -> c_int;
    BIO_meth_set_destroy destroy (*mut BIO) -> c_int;
    BIO_meth_set_callback_ctrl callback_ctrl (*mut BIO, c_int, Option<BIO_info_cb>) -> std::ffi::c_long;
}

fn bio<'a>(b: *const BIO) -> Option<&'a BIO> {
    // SAFETY: NULL or a BIO C holds (inside its own method's functions, the BIO being used).
    unsafe { ffi::borrow(b) }
}

/// Stores the program's pointer in the BIO (its method's state). NULL BIO: nothing.
#[no_mangle]
pub extern "C" fn BIO_set_data(b: *mut BIO, data: *mut c_void) {
    if let Some(b) = bio(b) {
        b.set_data(data);
    }
}

/// The pointer `BIO_set_data` stored (NULL if none, or for a NULL BIO).
#[no_mangle]
pub extern "C" fn BIO_get_data(b: *mut BIO) -> *mut c_void {
    bio(b).map_or(std::ptr::null_mut(), BIO::data)
}

/// Marks the BIO ready for I/O (non-zero) or not: a program's `create` sets it when done.
#[no_mangle]
pub extern "C" fn BIO_set_init(b: *mut BIO, init: c_int) {
    if let Some(b) = bio(b) {
        b.set_init(init != 0);
    }
}

/// 1 if the BIO is ready for I/O, else 0.
#[no_mangle]
pub extern "C" fn BIO_get_init(b: *mut BIO) -> c_int {
    bio(b).map_or(0, |b| c_int::from(b.is_init()))
}

/// Sets the close flag (BIO_CLOSE / BIO_NOCLOSE) a program's destroy may consult.
#[no_mangle]
pub extern "C" fn BIO_set_shutdown(b: *mut BIO, shut: c_int) {
    if let Some(b) = bio(b) {
        b.set_close_flag(shut);
    }
}

/// The close flag; 0 for NULL.
#[no_mangle]
pub extern "C" fn BIO_get_shutdown(b: *mut BIO) -> c_int {
    bio(b).map_or(0, BIO::close_flag)
}

/// Sets the BIO's callback, called before and after each operation (OpenSSL's
/// BIO_callback_fn_ex rules: before, a result <= 0 cancels the operation; after, its result is
/// the operation's). NULL removes it.
#[no_mangle]
pub extern "C" fn BIO_set_callback_ex(b: *mut BIO, callback: Option<BIO_callback_fn_ex>) {
    if let Some(b) = bio(b) {
        b.set_callback_ex(callback);
    }
}

/// The BIO's callback, NULL if none.
#[no_mangle]
pub extern "C" fn BIO_get_callback_ex(b: *const BIO) -> Option<BIO_callback_fn_ex> {
    bio(b).and_then(BIO::callback_ex)
}

/// Stores the program's pointer for its callback (BIO_get_callback_arg gives it back).
#[no_mangle]
pub extern "C" fn BIO_set_callback_arg(b: *mut BIO, arg: *mut c_char) {
    if let Some(b) = bio(b) {
        b.set_callback_arg(UserPtr(arg.cast()));
    }
}

/// The pointer `BIO_set_callback_arg` stored, NULL if none.
#[no_mangle]
pub extern "C" fn BIO_get_callback_arg(b: *const BIO) -> *mut c_char {
    bio(b).map_or(std::ptr::null_mut(), |b| b.callback_arg().0.cast())
}

/// Makes `next` the BIO after `b` (for a program's filter that manages its own chain), without
/// touching references, as OpenSSL does.
#[no_mangle]
pub extern "C" fn BIO_set_next(b: *mut BIO, next: *mut BIO) {
    guard("BIO_set_next", (), || {
        if let Some(b) = bio(b) {
            b.set_next(next);
            if let Some(next) = bio(next) {
                next.set_prev(b as *const BIO as *mut BIO);
            }
        }
    })
}
