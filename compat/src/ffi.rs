//! Boundary helpers: every exported function goes through these to turn C's pointers into
//! Rust references, to keep a panic from crossing into C, and to hand out OpenSSL's
//! reference-counted objects.
//!
//! The object pattern: an object handed to C is an `Arc<T>` turned into a raw pointer
//! ([`into_c`]). That pointer holds one reference; `X_up_ref` adds one ([`up_ref`]), `X_free`
//! drops one ([`release`]); the object is freed with its last reference. Rust code that keeps
//! an object (an `SSL` keeps its `SSL_CTX`) holds its own `Arc` ([`share`]). Objects are
//! mutated through shared references (locks and atomics inside), because C may hold several
//! pointers to one object and call back into it from inside a callback.

use std::any::Any;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use crate::err::{self, ERR_LIB_CRYPTO, ERR_R_INTERNAL_ERROR, ERR_R_PASSED_NULL_PARAMETER};

/// Runs an exported function's body. A panic (a bug in this library) never reaches C: it
/// becomes an "internal error" record on the thread's error queue, naming `function` and the
/// panic's message, and the function returns `failure`.
pub fn guard<R>(function: &'static str, failure: R, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => {
            err::raise(
                ERR_LIB_CRYPTO,
                ERR_R_INTERNAL_ERROR,
                function,
                format!("internal error (panic): {}", panic_message(&*payload)),
            );
            failure
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

/// Queues "passed a null parameter" for `function`'s argument `name`; for the callers' `?`.
pub fn null_argument(lib: c_int, function: &'static str, name: &str) {
    err::raise(
        lib,
        ERR_R_PASSED_NULL_PARAMETER,
        function,
        format!("{name} is NULL"),
    );
}

/// Hands a new object to C, holding one reference.
pub fn into_c<T>(value: T) -> *mut T {
    Arc::into_raw(Arc::new(value)).cast_mut()
}

/// Hands one more reference of an object Rust holds to C.
pub fn arc_into_c<T>(object: Arc<T>) -> *mut T {
    Arc::into_raw(object).cast_mut()
}

/// The object behind a pointer C holds; `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or came from [`into_c`] / [`arc_into_c`] and C still holds its reference
/// for as long as the result is used (OpenSSL's rule: no object is used after its `_free`).
pub unsafe fn borrow<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: the caller guarantees the pointer is NULL or a live object of ours.
    unsafe { ptr.as_ref() }
}

/// A reference of Rust's own to the object behind a pointer C holds; `None` for NULL.
///
/// # Safety
/// As [`borrow`].
pub unsafe fn share<T>(ptr: *const T) -> Option<Arc<T>> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the pointer came from Arc::into_raw and its object is alive (caller's
    // guarantee), so one more strong count, then taking it back as an Arc, is balanced.
    unsafe {
        Arc::increment_strong_count(ptr);
        Some(Arc::from_raw(ptr))
    }
}

/// `X_up_ref`: one more reference for C. Returns 1, or 0 for NULL.
///
/// # Safety
/// As [`borrow`].
pub unsafe fn up_ref<T>(ptr: *const T) -> c_int {
    if ptr.is_null() {
        return 0;
    }
    // SAFETY: a live object of ours (caller's guarantee); C will release this count.
    unsafe { Arc::increment_strong_count(ptr) };
    1
}

/// `X_free`: drops C's reference; the object goes with its last one. NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or an object of ours whose reference C gives up with this call.
pub unsafe fn release<T>(ptr: *const T) {
    if !ptr.is_null() {
        // SAFETY: the caller gives up exactly the reference it held.
        unsafe { Arc::decrement_strong_count(ptr) };
    }
}

/// How many references the object has (C's and Rust's).
///
/// # Safety
/// As [`borrow`], and `ptr` is not NULL.
pub unsafe fn ref_count<T>(ptr: *const T) -> usize {
    // SAFETY: a live object of ours (caller's guarantee); ManuallyDrop leaves its count alone.
    let object = std::mem::ManuallyDrop::new(unsafe { Arc::from_raw(ptr) });
    Arc::strong_count(&object)
}

/// A C string argument as UTF-8; `None` for NULL or for text that is not UTF-8.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string that stays valid while the result is used.
pub unsafe fn str_arg<'a>(ptr: *const c_char) -> Option<&'a str> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string (caller's guarantee).
    unsafe { CStr::from_ptr(ptr) }.to_str().ok()
}

/// A C string argument as bytes (without its NUL); `None` for NULL.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn cstr_arg<'a>(ptr: *const c_char) -> Option<&'a CStr> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string (caller's guarantee).
    Some(unsafe { CStr::from_ptr(ptr) })
}

/// A (pointer, length) input buffer; NULL with length 0 is the empty slice, NULL otherwise
/// (or a negative length) is `None`.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes that stay valid while the result is used.
pub unsafe fn bytes_arg<'a>(ptr: *const c_void, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr.is_null() {
        return None;
    }
    // SAFETY: len readable bytes at ptr (caller's guarantee).
    Some(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// A (pointer, length) output buffer; as [`bytes_arg`].
///
/// # Safety
/// `ptr` is NULL or points to `len` writable bytes, not otherwise referenced while the result
/// is used.
pub unsafe fn bytes_out<'a>(ptr: *mut c_void, len: usize) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if ptr.is_null() {
        return None;
    }
    // SAFETY: len writable bytes at ptr, exclusively ours for the call (caller's guarantee).
    Some(unsafe { std::slice::from_raw_parts_mut(ptr.cast::<u8>(), len) })
}

/// Writes an out-parameter when C passed a place for it (OpenSSL's out-pointers are optional).
///
/// # Safety
/// `ptr` is NULL or valid for a write of a `T`.
pub unsafe fn write_out<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: a valid place for a T (caller's guarantee).
        unsafe { ptr.write(value) };
    }
}

/// Copies `text` into a C buffer of `size` bytes, NUL-terminated and truncated to fit (nothing
/// when size is 0). Returns the number of bytes copied, without the NUL.
///
/// # Safety
/// `buf` is NULL (then nothing is written) or valid for `size` bytes of writes.
pub unsafe fn copy_c_string(text: &[u8], buf: *mut c_char, size: usize) -> usize {
    if buf.is_null() || size == 0 {
        return 0;
    }
    let n = text.len().min(size - 1);
    // SAFETY: size writable bytes at buf (caller's guarantee); n + 1 <= size; the source is a
    // Rust slice, so the two cannot overlap unless C passed our own memory, which it never holds.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
        buf.add(n).write(0);
    }
    n
}

/// A C pointer kept for later, for callbacks' `void *arg` and callback functions' context:
/// this library never dereferences it, only hands it back to C.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserPtr(pub *mut c_void);

// SAFETY: the pointer is opaque to Rust (never dereferenced here); OpenSSL's threading rules
// are the C program's to keep for what it points to.
unsafe impl Send for UserPtr {}
// SAFETY: as above.
unsafe impl Sync for UserPtr {}

impl Default for UserPtr {
    fn default() -> Self {
        UserPtr(std::ptr::null_mut())
    }
}

/// A pointer to one of this library's objects, kept inside another (an `SSL`'s BIOs, a BIO's
/// next in a chain), with its own reference released on drop.
pub struct Owned<T>(Arc<T>);

impl<T> Owned<T> {
    /// Takes over the reference C gave up (OpenSSL's "set0"/"set_bio" transfer ownership).
    ///
    /// # Safety
    /// `ptr` came from [`into_c`] / [`arc_into_c`] and its caller hands its reference over.
    pub unsafe fn take(ptr: *const T) -> Option<Self> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: one strong count held by the caller, transferred to us.
        Some(Owned(unsafe { Arc::from_raw(ptr) }))
    }

    pub fn from_arc(object: Arc<T>) -> Self {
        Owned(object)
    }

    pub fn as_ptr(&self) -> *mut T {
        Arc::as_ptr(&self.0).cast_mut()
    }

    pub fn arc(&self) -> &Arc<T> {
        &self.0
    }
}

impl<T> std::ops::Deref for Owned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Clone for Owned<T> {
    fn clone(&self) -> Self {
        Owned(Arc::clone(&self.0))
    }
}

/// A static string for C.
pub fn static_c(text: &'static CStr) -> *const c_char {
    text.as_ptr()
}
