//! The machinery every `extern "C"` function uses: the panic guard, NULL and argument checks,
//! handle casts, out-parameters, and recording an error's detail on the object that failed.
//!
//! Every exported function is a few lines: resolve arguments with these helpers, make one call
//! into the core. All `unsafe` dereferencing of C pointers happens in this file.

use crate::core::{Error, ResultCategory, ResultCode};
use std::cell::{Cell, UnsafeCell};
use std::ffi::{c_char, CStr};
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

/// Where a handle keeps the detail of its most recent failure (for `_last_error`).
///
/// A `Cell` in the handle's [`Slot`], beside the value rather than inside it, so that a
/// `_last_error` call made from inside a callback can read it while the outer call holds the
/// value; a box: 8 bytes in every handle, which counts for connections, and most handles never
/// fail.
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

/// A handle type used by one thread at a time (connections, builders, ticketers,
/// certificates): calls on it are refused while another call on it is running.
pub(crate) trait Handle {
    /// What C calls it, for details: "connection", "builder"...
    const KIND: &'static str;
}

/// A handle type some calls change (connections, builders): only these are ever borrowed
/// mutably, so that a [`SharedHandle`] never is.
pub(crate) trait MutableHandle: Handle {}

/// A handle type whose value is only ever read (configs, ticketers: what changes inside is
/// reference-counted and synchronised), so that another call may read it as an argument from
/// any thread, even while a call on it runs, without marking it busy: see
/// [`with_shared_arg`].
pub(crate) trait SharedHandle {}

/// Whether a call is running on a handle, and whether C asked to free it meanwhile.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Busy,
    FreeRequested,
}

/// The allocation behind every handle pointer C holds: C sees `*mut H` (an opaque type), the
/// memory is a `Slot<H>`.
///
/// A call from inside a callback may reach the same handle while the outer call is using it.
/// Making a second reference to the value then would be undefined behaviour, so every call goes
/// through the slot: `state` and `last_error` are reached through a shared `&Slot` (both are
/// `Cell`s), and only a call that found the slot idle and marked it busy makes a reference to
/// the value, which sits in an `UnsafeCell` for that reason. A nested call sees `Busy` and is
/// refused without touching the value; a nested free only asks, and the outer call frees the
/// handle when it is done (see [`Entered`]). A `Cell`, not an atomic: a handle is used by one
/// thread at a time, and this is on the per-record path.
pub(crate) struct Slot<H> {
    state: Cell<State>,
    last_error: LastError,
    value: UnsafeCell<H>,
}

/// The slot behind a handle pointer C passed, if not NULL.
fn slot<'a, H>(ptr: *const H) -> Option<&'a Slot<H>> {
    // SAFETY: the caller passes NULL or a pointer this library returned (a `Slot<H>` made by
    // `into_handle`) and has not freed, used by one thread at a time (the header's contract).
    // Only the slot's `Cell`s are reached through this shared reference; the value is reached
    // through `Entered` alone.
    unsafe { ptr.cast::<Slot<H>>().as_ref() }
}

/// A call running on a handle: made when the slot was idle, marks it busy until dropped. The
/// drop makes it idle again (also after a caught panic), or frees the handle if a callback
/// asked for that meanwhile.
struct Entered<H> {
    slot: NonNull<Slot<H>>,
}

impl<H> Entered<H> {
    /// Marks the handle busy. Refused: `None` for NULL, the slot for a handle already in use
    /// by a call further up the stack (then nothing is changed).
    fn new<'a>(ptr: *const H) -> Result<Self, Option<&'a Slot<H>>> {
        // Kept as the pointer C gave (not made from the reference below), so that the deferred
        // free in `drop` deallocates through the pointer `into_handle` made.
        let raw = NonNull::new(ptr.cast::<Slot<H>>().cast_mut()).ok_or(None)?;
        let slot = self::slot(ptr).ok_or(None)?;
        if slot.state.get() != State::Idle {
            return Err(Some(slot));
        }
        slot.state.set(State::Busy);
        Ok(Self { slot: raw })
    }
}

impl<H: Handle> Entered<H> {
    /// As [`Entered::new`], for the exported function `call`: a refusal becomes its code, and
    /// a handle in use gets a detail naming `call`.
    fn for_call(ptr: *const H, call: &str) -> Result<Self, ResultCode> {
        Self::new(ptr).map_err(|refused| match refused {
            None => ResultCode::FTLS_ERR_NULL_ARGUMENT,
            Some(slot) => {
                let err = reentered(call, H::KIND);
                slot.last_error.record(&err);
                err.code()
            }
        })
    }
}

impl<H> Entered<H> {
    fn slot(&self) -> &Slot<H> {
        // SAFETY: the slot stays allocated while it is busy: a free only asks (`free_handle`),
        // and the memory goes only in `drop` below.
        unsafe { self.slot.as_ref() }
    }

    /// Runs `body` with shared access to the value.
    fn with<T>(&self, body: impl FnOnce(&H) -> T) -> T {
        // SAFETY: the slot is busy for this call alone: no other reference to the value exists,
        // and nested calls make none until it is idle again.
        body(unsafe { &*self.slot().value.get() })
    }

    /// Runs `body` with exclusive access to the value.
    fn with_mut<T>(&self, body: impl FnOnce(&mut H) -> T) -> T {
        // SAFETY: as in `with`; this is the only reference to the value while it lives.
        body(unsafe { &mut *self.slot().value.get() })
    }
}

impl<H> Drop for Entered<H> {
    fn drop(&mut self) {
        if self.slot().state.replace(State::Idle) == State::FreeRequested {
            let slot = self.slot.as_ptr();
            // SAFETY: made by `into_handle` (Box::into_raw); a callback freed the handle while
            // it was busy, so C no longer uses it, and no reference to it outlives this call.
            let _ = run_caught(|| {
                drop(unsafe { Box::from_raw(slot) });
                Ok(())
            });
        }
    }
}

/// The detail of a call refused because one on the same handle is running.
fn reentered(call: &str, kind: &str) -> Error {
    Error::invalid_state(format!(
        "{call} called from inside a callback of this {kind} (a call on it is still running)"
    ))
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

/// Runs `body` on the handle behind `ptr` for the exported function `call` (NULL gives
/// `FTLS_ERR_NULL_ARGUMENT`; a handle already in use by a call further up the stack gives
/// `FTLS_ERR_INVALID_STATE`), catching panics and recording a failure's detail on the handle.
pub(crate) fn with_handle<H: Handle>(
    ptr: *const H,
    call: &str,
    body: impl FnOnce(&H) -> Result<(), Error>,
) -> ResultCode {
    match Entered::for_call(ptr, call) {
        Ok(entered) => {
            let outcome = run_caught(|| entered.with(body));
            finish(outcome, Some(&entered.slot().last_error))
        }
        Err(code) => code,
    }
}

/// As [`with_handle`], with mutable access.
pub(crate) fn with_handle_mut<H: MutableHandle>(
    ptr: *mut H,
    call: &str,
    body: impl FnOnce(&mut H) -> Result<(), Error>,
) -> ResultCode {
    match Entered::for_call(ptr, call) {
        Ok(entered) => {
            let outcome = run_caught(|| entered.with_mut(body));
            finish(outcome, Some(&entered.slot().last_error))
        }
        Err(code) => code,
    }
}

/// As [`with_handle_mut`], for a change that cannot fail (most setters).
pub(crate) fn update<H: MutableHandle>(
    ptr: *mut H,
    call: &str,
    change: impl FnOnce(&mut H),
) -> ResultCode {
    with_handle_mut(ptr, call, |handle| {
        change(handle);
        Ok(())
    })
}

/// Runs a query returning a plain value (bool); NULL, a panic or a handle already in use by a
/// call further up the stack gives `fallback`.
pub(crate) fn query<H: Handle, T>(ptr: *const H, fallback: T, body: impl FnOnce(&H) -> T) -> T {
    match Entered::new(ptr) {
        Ok(entered) => run_caught(|| Ok(entered.with(body))).unwrap_or(fallback),
        Err(_) => fallback,
    }
}

/// As [`query`], for a query that needs mutable access to the handle.
pub(crate) fn query_mut<H: MutableHandle, T>(
    ptr: *mut H,
    fallback: T,
    body: impl FnOnce(&mut H) -> T,
) -> T {
    match Entered::new(ptr) {
        Ok(entered) => run_caught(|| Ok(entered.with_mut(body))).unwrap_or(fallback),
        Err(_) => fallback,
    }
}

/// Runs `body` on the last error of the handle behind `ptr`, without recording anything: for
/// the `_last_error()` functions, which must not overwrite the detail they are asked for. It
/// works from inside a callback too, while a call on the handle is running: it reads only the
/// slot, never the value.
pub(crate) fn with_last_error<H: Handle>(
    ptr: *const H,
    body: impl FnOnce(&LastError) -> Result<(), Error>,
) -> ResultCode {
    let Some(slot) = slot(ptr) else {
        return ResultCode::FTLS_ERR_NULL_ARGUMENT;
    };
    finish(run_caught(|| body(&slot.last_error)), None)
}

/// As [`with_last_error`], for a query returning a plain value; NULL or a panic gives
/// `fallback`.
pub(crate) fn query_last_error<H: Handle, T>(
    ptr: *const H,
    fallback: T,
    body: impl FnOnce(&LastError) -> T,
) -> T {
    let Some(slot) = slot(ptr) else {
        return fallback;
    };
    run_caught(|| Ok(body(&slot.last_error))).unwrap_or(fallback)
}

/// Moves a new object to the heap and gives C its handle: a pointer to its [`Slot`], typed as
/// the handle C sees.
pub(crate) fn into_handle<H>(value: H) -> *mut H {
    let slot = Slot {
        state: Cell::new(State::Idle),
        last_error: LastError::default(),
        value: UnsafeCell::new(value),
    };
    Box::into_raw(Box::new(slot)).cast::<H>()
}

/// Frees a handle made by [`into_handle`]; NULL does nothing. Panics in destructors are caught.
/// Called from inside a callback while a call on the handle is running, it only asks: that
/// call frees the handle when it is done, before it returns to C.
pub(crate) fn free_handle<H>(ptr: *mut H) {
    let Some(slot) = slot(ptr.cast_const()) else {
        return;
    };
    match slot.state.get() {
        State::Idle => {
            let _ = run_caught(|| {
                // SAFETY: made by `into_handle` (Box::into_raw of a `Slot<H>`), idle (no call
                // holds it) and, per the contract, freed exactly once and not used afterwards.
                drop(unsafe { Box::from_raw(ptr.cast::<Slot<H>>()) });
                Ok(())
            });
        }
        State::Busy => slot.state.set(State::FreeRequested),
        State::FreeRequested => {}
    }
}

/// A borrowed shared handle (a config, a ticketer) given as an argument, e.g. to a connection
/// constructor: `body` copies out what the call needs (reference-counted). Its value is never
/// borrowed mutably, so a shared reference is sound even while another call reads it; the busy
/// flag is left alone (threads may do this at once). The reference lasts only for `body`,
/// which must not call back into C (a callback could free the handle).
pub(crate) fn with_shared_arg<H: SharedHandle, T>(
    ptr: *const H,
    name: &str,
    body: impl FnOnce(&H) -> T,
) -> Result<T, Error> {
    let slot = slot(ptr).ok_or_else(|| null_argument(name))?;
    // SAFETY: a live shared handle (the contract); nothing makes a `&mut` to the value of a
    // `SharedHandle` (only `MutableHandle`s reach `Entered::with_mut`).
    Ok(body(unsafe { &*slot.value.get() }))
}

/// A borrowed handle of another object given as an argument (an identity or a trust handed to
/// a builder): entered as the handle of a call is, so that it is never read while a call on it
/// is running (refused with `FTLS_ERR_INVALID_STATE`); `body` copies out what the call needs.
pub(crate) fn with_arg<H: Handle, T>(
    ptr: *const H,
    name: &str,
    body: impl FnOnce(&H) -> T,
) -> Result<T, Error> {
    match Entered::new(ptr) {
        Ok(entered) => Ok(entered.with(body)),
        Err(None) => Err(null_argument(name)),
        Err(Some(_)) => Err(Error::invalid_state(format!(
            "argument '{name}' is in use: a call on that {} is still running",
            H::KIND
        ))),
    }
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

/// An object ftls handed to a callback, which the callback fills in through a call (e.g. a
/// session value): not a handle, it lives on the stack of the call in progress.
pub(crate) fn callback_object_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Error> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// A handle whose drop is counted.
    struct Probe {
        value: u32,
        drops: Rc<Cell<u32>>,
    }

    impl Handle for Probe {
        const KIND: &'static str = "probe";
    }

    impl MutableHandle for Probe {}

    impl Drop for Probe {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
        }
    }

    fn probe() -> (*mut Probe, Rc<Cell<u32>>) {
        let drops = Rc::new(Cell::new(0));
        let handle = into_handle(Probe {
            value: 0,
            drops: drops.clone(),
        });
        (handle, drops)
    }

    fn detail(ptr: *const Probe) -> String {
        query_last_error(ptr, String::new(), LastError::detail)
    }

    #[test]
    fn a_nested_call_is_refused_with_its_name_and_changes_nothing() {
        let (handle, _) = probe();
        let mut nested = None;
        let mut nested_detail = String::new();
        let outer = with_handle_mut(handle, "outer_call", |p| {
            p.value = 1;
            nested = Some(update(handle, "nested_call", |p| p.value = 2));
            nested_detail = detail(handle);
            assert!(
                !query(handle, false, |_| true),
                "a nested query gives its fallback"
            );
            p.value += 10;
            Ok(())
        });
        assert_eq!(outer, ResultCode::FTLS_OK);
        assert_eq!(nested, Some(ResultCode::FTLS_ERR_INVALID_STATE));
        assert_eq!(
            nested_detail,
            "nested_call called from inside a callback of this probe (a call on it is still \
             running)"
        );
        assert_eq!(query(handle, 0, |p| p.value), 11);
        free_handle(handle);
    }

    /// Read-only, as a ticketer: readable as an argument while a call on it runs.
    struct SharedProbe(u32);

    impl Handle for SharedProbe {
        const KIND: &'static str = "shared probe";
    }

    impl SharedHandle for SharedProbe {}

    #[test]
    fn a_shared_handle_is_read_as_an_argument_while_a_call_on_it_runs() {
        let handle = into_handle(SharedProbe(7));
        let mut read = None;
        let outer = with_handle(handle, "outer_call", |_| {
            read = Some(with_shared_arg(handle, "other", |p| p.0).unwrap());
            free_handle(handle);
            Ok(())
        });
        assert_eq!((outer, read), (ResultCode::FTLS_OK, Some(7)));
        let null = with_shared_arg(std::ptr::null::<SharedProbe>(), "other", |p| p.0);
        assert_eq!(null.unwrap_err().code(), ResultCode::FTLS_ERR_NULL_ARGUMENT);
    }

    #[test]
    fn an_argument_handle_is_read_only_while_no_call_on_it_runs() {
        let (handle, _) = probe();
        assert_eq!(
            update(handle, "setter", |p| p.value = 3),
            ResultCode::FTLS_OK
        );
        assert_eq!(with_arg(handle, "source", |p| p.value).unwrap(), 3);
        let mut nested = None;
        let outer = with_handle(handle, "outer_call", |_| {
            nested = Some(with_arg(handle, "source", |p| p.value));
            Ok(())
        });
        assert_eq!(outer, ResultCode::FTLS_OK);
        let refused = nested.unwrap().unwrap_err();
        assert_eq!(refused.code(), ResultCode::FTLS_ERR_INVALID_STATE);
        assert_eq!(
            refused.detail(),
            "argument 'source' is in use: a call on that probe is still running"
        );
        let null = with_arg(std::ptr::null::<Probe>(), "source", |p| p.value);
        assert_eq!(null.unwrap_err().code(), ResultCode::FTLS_ERR_NULL_ARGUMENT);
        free_handle(handle);
    }

    #[test]
    fn a_nested_free_waits_for_the_running_call() {
        let (handle, drops) = probe();
        let mut dropped_inside = None;
        let outer = with_handle(handle, "outer_call", |_| {
            free_handle(handle);
            free_handle(handle);
            dropped_inside = Some(drops.get());
            Err(Error::invalid_argument("the outer call's own failure"))
        });
        assert_eq!(dropped_inside, Some(0), "not freed while the call runs");
        assert_eq!(
            outer,
            ResultCode::FTLS_ERR_INVALID_ARGUMENT,
            "its result still returned"
        );
        assert_eq!(drops.get(), 1, "freed once, before returning");
    }

    #[test]
    fn a_caught_panic_leaves_the_handle_idle() {
        let (handle, drops) = probe();
        let panicked = with_handle_mut(handle, "outer_call", |_| panic!("boom"));
        assert_eq!(panicked, ResultCode::FTLS_ERR_PANIC);
        assert_eq!(
            update(handle, "next_call", |p| p.value = 5),
            ResultCode::FTLS_OK
        );
        assert_eq!(query(handle, 0, |p| p.value), 5);
        free_handle(handle);
        assert_eq!(drops.get(), 1);
    }

    /// Every exported function names itself when it enters its handle, so that a refused
    /// nested call's detail names the right function.
    #[test]
    fn each_exported_function_passes_its_own_name() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/capi");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("boundary.rs") {
                continue; // the tests above use names of their own
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (index, _) in text.match_indices('(') {
                let before = &text[..index];
                let callee_start = before
                    .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .map_or(0, |i| i + 1);
                let callee = &before[callee_start..];
                let is_entry = ["with_handle", "with_handle_mut", "update", "move_tls"]
                    .contains(&callee)
                    && !before[..callee_start].ends_with('.')
                    && !before[..callee_start].ends_with("fn ");
                let mut args = text[index + 1..].splitn(3, ',');
                let name = args.nth(1).map(str::trim).unwrap_or_default();
                if !is_entry || !name.starts_with('"') {
                    continue;
                }
                let function = before
                    .rsplit("pub extern \"C\" fn ")
                    .next()
                    .and_then(|rest| rest.split('(').next())
                    .unwrap_or_default();
                assert_eq!(name.trim_matches('"'), function, "in {}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 70, "only {checked} calls found");
    }
}
