//! The machinery every `extern "C"` function uses: the panic guard, NULL and argument checks,
//! handle casts, out-parameters, and recording an error's detail on the object that failed.
//!
//! Every exported function is a few lines: resolve arguments with these helpers, make one call
//! into the core. All `unsafe` dereferencing of C pointers happens in this file.

use crate::core::{Error, ResultCategory, ResultCode};
use std::cell::Cell;
use std::ffi::{c_char, CStr};
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Where a handle keeps the detail of its most recent failure (for `_last_error`).
///
/// A `Cell`, so that functions taking a `const` handle can record too (the contract already
/// says a handle is used by one thread at a time), holding a box: 8 bytes in every handle,
/// which counts for connections (issue 6), and most handles never fail.
#[derive(Default)]
pub(crate) struct LastError(Cell<Option<Box<Error>>>);

impl LastError {
    pub(crate) fn record(&self, err: &Error) {
        self.0.set(Some(Box::new(err.clone())));
    }

    /// Runs `read` on the recorded error, if any.
    fn inspect<T>(&self, read: impl FnOnce(Option<&Error>) -> T) -> T {
        let recorded = self.0.take();
        let value = read(recorded.as_deref());
        self.0.set(recorded);
        value
    }

    pub(crate) fn detail(&self) -> String {
        self.inspect(|err| err.map(|err| err.detail().to_owned()).unwrap_or_default())
    }

    pub(crate) fn errno(&self) -> Option<i32> {
        self.inspect(|err| err.and_then(Error::errno))
    }
}

/// A handle type that can tell C the detail of its last failure.
pub(crate) trait Handle {
    fn last_error(&self) -> &LastError;
}

/// Turns a call's outcome into the code C sees. Statuses (would-block, closed) are not
/// failures and leave the last error alone.
fn finish(result: Result<(), Error>, record_on: Option<&LastError>) -> ResultCode {
    match result {
        Ok(()) => ResultCode::FTLS_OK,
        Err(err) => {
            if let Some(last) = record_on {
                if is_failure(err.code()) {
                    last.record(&err);
                }
            }
            err.code()
        }
    }
}

fn is_failure(code: ResultCode) -> bool {
    !matches!(
        code.category(),
        ResultCategory::FTLS_CATEGORY_OK
            | ResultCategory::FTLS_CATEGORY_WOULD_BLOCK
            | ResultCategory::FTLS_CATEGORY_CLOSED
    )
}

fn run_caught<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(Error::new(
            ResultCode::FTLS_ERR_PANIC,
            format!("internal panic caught at the C boundary: {what}"),
        ))
    })
}

/// Runs a function that has no handle to record on (constructors, global functions).
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Error>) -> ResultCode {
    finish(run_caught(body), None)
}

/// Runs `body` on the handle behind `ptr` (NULL gives `FTLS_ERR_NULL_ARGUMENT`), catching
/// panics and recording a failure's detail on the handle.
pub(crate) fn with_handle<H: Handle>(
    ptr: *const H,
    body: impl FnOnce(&H) -> Result<(), Error>,
) -> ResultCode {
    // SAFETY: the caller passes NULL or a pointer this library returned and has not freed,
    // used by one thread at a time (the header's contract).
    let Some(handle) = (unsafe { ptr.as_ref() }) else {
        return ResultCode::FTLS_ERR_NULL_ARGUMENT;
    };
    finish(run_caught(|| body(handle)), Some(handle.last_error()))
}

/// As [`with_handle`], but a failure is not recorded on the handle: for the `_last_error()`
/// functions, which must not overwrite the detail they are asked for.
pub(crate) fn with_handle_unrecorded<H>(
    ptr: *const H,
    body: impl FnOnce(&H) -> Result<(), Error>,
) -> ResultCode {
    // SAFETY: as in `with_handle`.
    let Some(handle) = (unsafe { ptr.as_ref() }) else {
        return ResultCode::FTLS_ERR_NULL_ARGUMENT;
    };
    finish(run_caught(|| body(handle)), None)
}

/// As [`with_handle`], with mutable access.
pub(crate) fn with_handle_mut<H: Handle>(
    ptr: *mut H,
    body: impl FnOnce(&mut H) -> Result<(), Error>,
) -> ResultCode {
    // SAFETY: as in `with_handle`; the contract gives this call exclusive use of the handle.
    let Some(handle) = (unsafe { ptr.as_mut() }) else {
        return ResultCode::FTLS_ERR_NULL_ARGUMENT;
    };
    let outcome = run_caught(|| body(&mut *handle));
    finish(outcome, Some(handle.last_error()))
}

/// As [`with_handle_mut`], for a change that cannot fail (most setters).
pub(crate) fn update<H: Handle>(ptr: *mut H, change: impl FnOnce(&mut H)) -> ResultCode {
    with_handle_mut(ptr, |handle| {
        change(handle);
        Ok(())
    })
}

/// Runs a query returning a plain value (bool); NULL or a panic gives `fallback`.
pub(crate) fn query<H, T>(ptr: *const H, fallback: T, body: impl FnOnce(&H) -> T) -> T {
    // SAFETY: as in `with_handle`.
    let Some(handle) = (unsafe { ptr.as_ref() }) else {
        return fallback;
    };
    run_caught(|| Ok(body(handle))).unwrap_or(fallback)
}

/// As [`query`], for a query that needs mutable access to the handle.
pub(crate) fn query_mut<H, T>(ptr: *mut H, fallback: T, body: impl FnOnce(&mut H) -> T) -> T {
    // SAFETY: as in `with_handle_mut`.
    let Some(handle) = (unsafe { ptr.as_mut() }) else {
        return fallback;
    };
    run_caught(|| Ok(body(handle))).unwrap_or(fallback)
}

/// Moves a new object to the heap and gives C its handle.
pub(crate) fn into_handle<H>(value: H) -> *mut H {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`into_handle`]; NULL does nothing. Panics in destructors are caught.
pub(crate) fn free_handle<H>(ptr: *mut H) {
    if ptr.is_null() {
        return;
    }
    let _ = run_caught(|| {
        // SAFETY: non-NULL, made by `into_handle` (Box::into_raw) and, per the contract, freed
        // exactly once and not used afterwards.
        drop(unsafe { Box::from_raw(ptr) });
        Ok(())
    });
}

/// Exactly what the `FTLS_ERR_NULL_ARGUMENT` detail should say.
pub(crate) fn null_argument(name: &str) -> Error {
    Error::new(
        ResultCode::FTLS_ERR_NULL_ARGUMENT,
        format!("argument '{name}' is NULL"),
    )
}

/// A C out-parameter, checked for NULL before any work is done and written only on success.
pub(crate) struct Out<'a, T>(&'a mut MaybeUninit<T>);

impl<T> Out<'_, T> {
    pub(crate) fn set(self, value: T) {
        self.0.write(value);
    }
}

pub(crate) fn out<'a, T>(ptr: *mut T, name: &str) -> Result<Out<'a, T>, Error> {
    // SAFETY: non-NULL (checked); the caller promises it points to writable memory for a T.
    // MaybeUninit: the old contents are never read or dropped.
    unsafe { ptr.cast::<MaybeUninit<T>>().as_mut() }
        .map(Out)
        .ok_or_else(|| null_argument(name))
}

/// An optional out-parameter: NULL means the caller does not want the value.
pub(crate) fn optional_out<'a, T>(ptr: *mut T) -> Option<Out<'a, T>> {
    // SAFETY: as in `out`, for a non-NULL pointer.
    unsafe { ptr.cast::<MaybeUninit<T>>().as_mut() }.map(Out)
}

/// A borrowed handle argument other than the one the call is about (e.g. the config given to
/// a connection constructor).
pub(crate) fn arg<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: NULL is rejected; otherwise a live handle from this library (the contract).
    unsafe { ptr.as_ref() }.ok_or_else(|| null_argument(name))
}

/// As [`arg`], for an object the call fills in (e.g. a value handed to a callback).
pub(crate) fn arg_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Error> {
    // SAFETY: NULL is rejected; otherwise a live object this library handed out for the call
    // in progress, used by the thread it was handed to (the header's contract).
    unsafe { ptr.as_mut() }.ok_or_else(|| null_argument(name))
}

/// A NUL-terminated UTF-8 string argument.
pub(crate) fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(null_argument(name));
    }
    // SAFETY: non-NULL; the caller promises a NUL-terminated string that lives for the call.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|_| Error::invalid_argument(format!("argument '{name}' is not valid UTF-8")))
}

/// A (pointer, length) byte-buffer argument; NULL is allowed only with length 0.
pub(crate) fn bytes_arg<'a>(ptr: *const u8, len: usize, name: &str) -> Result<&'a [u8], Error> {
    check_buffer(ptr.is_null(), len, name)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-NULL, length within isize::MAX (checked); the caller promises `len` readable
    // bytes that live for the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A writable (pointer, length) buffer argument; NULL is allowed only with length 0.
pub(crate) fn buffer_arg<'a>(ptr: *mut u8, len: usize, name: &str) -> Result<&'a mut [u8], Error> {
    check_buffer(ptr.is_null(), len, name)?;
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: non-NULL, length within isize::MAX (checked); the caller promises `len` writable
    // bytes, not aliased during the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

fn check_buffer(is_null: bool, len: usize, name: &str) -> Result<(), Error> {
    if is_null && len > 0 {
        return Err(null_argument(name));
    }
    if len > isize::MAX as usize {
        return Err(Error::invalid_argument(format!(
            "argument '{name}' has an impossible length {len}"
        )));
    }
    Ok(())
}

/// An array of `count` NUL-terminated strings; NULL is allowed only with count 0.
pub(crate) fn str_array_arg<'a>(
    ptr: *const *const c_char,
    count: usize,
    name: &str,
) -> Result<Vec<&'a str>, Error> {
    check_buffer(ptr.is_null(), count, name)?;
    if count == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: non-NULL, bounded count (checked); the caller promises `count` pointers.
    let pointers = unsafe { std::slice::from_raw_parts(ptr, count) };
    pointers
        .iter()
        .enumerate()
        .map(|(index, item)| str_arg(*item, &format!("{name}[{index}]")))
        .collect()
}

/// Copies a detail message into a caller buffer, snprintf-style: NUL-terminated, truncated to
/// fit, and the full length reported through `out_len`.
pub(crate) fn copy_message(
    message: &str,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> Result<(), Error> {
    let buf = buffer_arg(buf.cast::<u8>(), buf_len, "buf")?;
    if let Some(last) = buf.len().checked_sub(1) {
        let n = message.len().min(last);
        buf[..n].copy_from_slice(&message.as_bytes()[..n]);
        buf[n] = 0;
    }
    if let Some(out_len) = optional_out(out_len) {
        out_len.set(message.len());
    }
    Ok(())
}

/// An array of `count` (pointer, length) byte buffers, e.g. a DER certificate chain; NULL is
/// allowed only with count 0, and each element's data only with its length 0.
pub(crate) fn bytes_array_arg<'a>(
    ptr: *const super::borrowed::ftls_bytes,
    count: usize,
    name: &str,
) -> Result<Vec<&'a [u8]>, Error> {
    check_buffer(ptr.is_null(), count, name)?;
    if count == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: non-NULL, bounded count (checked); the caller promises `count` elements that
    // live for the call.
    let items = unsafe { std::slice::from_raw_parts(ptr, count) };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| bytes_arg(item.data, item.len, &format!("{name}[{index}]")))
        .collect()
}

/// An optional NUL-terminated UTF-8 string: NULL gives None.
pub(crate) fn optional_str_arg<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        str_arg(ptr, name).map(Some)
    }
}

/// The text a C callback wrote into a buffer ftls gave it: up to the first NUL (or the whole
/// buffer if it wrote none), invalid UTF-8 replaced.
pub(crate) fn text_from_callback_buffer(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|b| *b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}
