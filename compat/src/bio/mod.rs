//! The BIO object: OpenSSL's I/O abstraction. A BIO has a method (its type: a memory buffer, a
//! socket, a filter, or a program's own `BIO_meth_new` method), retry flags that tell the
//! caller why an operation did not complete, a close flag, an optional next BIO (a chain), and
//! callbacks. This module holds the object, the method table and the dispatch every type goes
//! through; each type lives in its own file and implements [`BioImpl`].
//!
//! Types written in Rust keep their state in the [`BioImpl`] behind a lock held for one
//! operation. Programs' own methods (`BIO_meth_new`) are called with no lock held: their
//! functions call back into the BIO (`BIO_get_data`, `BIO_set_retry_read`, `BIO_next`), which
//! only touch atomics.

pub mod accept;
pub mod addr;
mod api;
pub mod buffer;
pub mod connect;
pub mod custom;
pub mod dump;
pub mod fd;
pub mod file;
pub mod mem;
pub mod pair;
pub mod socket;
pub mod ssl_filter;

use std::ffi::{c_char, c_int, c_long, c_void, CStr};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use crate::err::{self, ERR_LIB_BIO};
use crate::ffi::UserPtr;

pub use api::*;

pub const BIO_TYPE_DESCRIPTOR: c_int = 0x0100;
pub const BIO_TYPE_FILTER: c_int = 0x0200;
pub const BIO_TYPE_SOURCE_SINK: c_int = 0x0400;
pub const BIO_TYPE_NONE: c_int = 0;
pub const BIO_TYPE_MEM: c_int = 1 | BIO_TYPE_SOURCE_SINK;
pub const BIO_TYPE_FILE: c_int = 2 | BIO_TYPE_SOURCE_SINK;
pub const BIO_TYPE_FD: c_int = 4 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR;
pub const BIO_TYPE_SOCKET: c_int = 5 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR;
pub const BIO_TYPE_NULL: c_int = 6 | BIO_TYPE_SOURCE_SINK;
pub const BIO_TYPE_SSL: c_int = 7 | BIO_TYPE_FILTER;
pub const BIO_TYPE_BUFFER: c_int = 9 | BIO_TYPE_FILTER;
pub const BIO_TYPE_CONNECT: c_int = 12 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR;
pub const BIO_TYPE_ACCEPT: c_int = 13 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR;
pub const BIO_TYPE_BIO: c_int = 19 | BIO_TYPE_SOURCE_SINK;

pub const BIO_NOCLOSE: c_int = 0;
pub const BIO_CLOSE: c_int = 1;

pub const BIO_CTRL_RESET: c_int = 1;
pub const BIO_CTRL_EOF: c_int = 2;
pub const BIO_CTRL_INFO: c_int = 3;
pub const BIO_CTRL_PUSH: c_int = 6;
pub const BIO_CTRL_POP: c_int = 7;
pub const BIO_CTRL_GET_CLOSE: c_int = 8;
pub const BIO_CTRL_SET_CLOSE: c_int = 9;
pub const BIO_CTRL_PENDING: c_int = 10;
pub const BIO_CTRL_FLUSH: c_int = 11;
pub const BIO_CTRL_DUP: c_int = 12;
pub const BIO_CTRL_WPENDING: c_int = 13;
pub const BIO_CTRL_SET_CALLBACK: c_int = 14;
pub const BIO_CTRL_GET_CALLBACK: c_int = 15;
pub const BIO_CTRL_EOF_FLAG_IN: c_int = 0;

pub const BIO_C_SET_CONNECT: c_int = 100;
pub const BIO_C_DO_STATE_MACHINE: c_int = 101;
pub const BIO_C_SET_NBIO: c_int = 102;
pub const BIO_C_SET_FD: c_int = 104;
pub const BIO_C_GET_FD: c_int = 105;
pub const BIO_C_SET_BUF_MEM: c_int = 114;
pub const BIO_C_GET_BUF_MEM_PTR: c_int = 115;
pub const BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;

pub const BIO_FLAGS_READ: c_int = 0x01;
pub const BIO_FLAGS_WRITE: c_int = 0x02;
pub const BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
pub const BIO_FLAGS_RWS: c_int = BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL;
pub const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
pub const BIO_FLAGS_MEM_RDONLY: c_int = 0x200;
pub const BIO_FLAGS_IN_EOF: c_int = 0x800;

pub const BIO_RR_CONNECT: c_int = 0x02;
pub const BIO_RR_ACCEPT: c_int = 0x03;

pub const BIO_CB_FREE: c_int = 0x01;
pub const BIO_CB_READ: c_int = 0x02;
pub const BIO_CB_WRITE: c_int = 0x03;
pub const BIO_CB_PUTS: c_int = 0x04;
pub const BIO_CB_GETS: c_int = 0x05;
pub const BIO_CB_CTRL: c_int = 0x06;
pub const BIO_CB_RETURN: c_int = 0x80;

/// A BIO type written in Rust. The functions follow BIO_METHOD's conventions (they are what
/// BIO_read, BIO_write... return): bytes > 0; 0 at end of input; -1 on failure, with the retry
/// flags set on `bio` when the caller should try again; -2 "not supported by this type".
pub trait BioImpl: Send {
    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        let _ = (bio, buf);
        -2
    }
    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        let _ = (bio, data);
        -2
    }
    /// A line, up to and including its newline, NUL-terminated in `buf`; the length without
    /// the NUL.
    fn gets(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        let _ = (bio, buf);
        -2
    }
    /// BIO_ctrl's commands this type knows; 0 for the others. `parg` is C's pointer argument:
    /// dereference it only in boundary code, with a SAFETY comment.
    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long;
    /// Whether a new BIO of this type is ready for I/O (a socket BIO is not until BIO_set_fd).
    fn starts_initialised(&self) -> bool {
        true
    }
    /// Called once when the BIO is freed (after which the value is dropped).
    fn destroy(&mut self, bio: &BIO) {
        let _ = bio;
    }
}

type CustomWriteEx = unsafe extern "C" fn(*mut BIO, *const c_char, usize, *mut usize) -> c_int;
type CustomWrite = unsafe extern "C" fn(*mut BIO, *const c_char, c_int) -> c_int;
type CustomReadEx = unsafe extern "C" fn(*mut BIO, *mut c_char, usize, *mut usize) -> c_int;
type CustomRead = unsafe extern "C" fn(*mut BIO, *mut c_char, c_int) -> c_int;
type CustomPuts = unsafe extern "C" fn(*mut BIO, *const c_char) -> c_int;
type CustomGets = unsafe extern "C" fn(*mut BIO, *mut c_char, c_int) -> c_int;
type CustomCtrl = unsafe extern "C" fn(*mut BIO, c_int, c_long, *mut c_void) -> c_long;
type CustomCreate = unsafe extern "C" fn(*mut BIO) -> c_int;
type CustomDestroy = unsafe extern "C" fn(*mut BIO) -> c_int;
pub type BIO_info_cb = unsafe extern "C" fn(*mut BIO, c_int, c_int) -> c_int;
type CustomCallbackCtrl = unsafe extern "C" fn(*mut BIO, c_int, Option<BIO_info_cb>) -> c_long;

/// A program's own method (BIO_meth_new): its C functions, set by the BIO_meth_set_* calls.
#[derive(Default, Clone, Copy)]
pub struct CustomMethod {
    pub write_ex: Option<CustomWriteEx>,
    pub write: Option<CustomWrite>,
    pub read_ex: Option<CustomReadEx>,
    pub read: Option<CustomRead>,
    pub puts: Option<CustomPuts>,
    pub gets: Option<CustomGets>,
    pub ctrl: Option<CustomCtrl>,
    pub create: Option<CustomCreate>,
    pub destroy: Option<CustomDestroy>,
    pub callback_ctrl: Option<CustomCallbackCtrl>,
}

/// How a method's BIOs do their work.
pub enum MethodKind {
    /// A type written here: makes a new BIO's state.
    Builtin(fn() -> Box<dyn BioImpl>),
    /// A program's method.
    Custom(Mutex<CustomMethod>),
}

/// BIO_METHOD: a BIO type.
pub struct BIO_METHOD {
    pub type_: c_int,
    pub name: std::ffi::CString,
    pub kind: MethodKind,
}

impl BIO_METHOD {
    fn custom(&self) -> Option<CustomMethod> {
        match &self.kind {
            MethodKind::Custom(functions) => Some(*lock(functions)),
            MethodKind::Builtin(_) => None,
        }
    }
}

/// A built-in method, made once and never freed: what BIO_s_mem() and its kin return.
pub fn builtin_method(
    cell: &'static OnceLock<Arc<BIO_METHOD>>,
    type_: c_int,
    name: &CStr,
    make: fn() -> Box<dyn BioImpl>,
) -> *const BIO_METHOD {
    Arc::as_ptr(cell.get_or_init(|| {
        Arc::new(BIO_METHOD {
            type_,
            name: name.to_owned(),
            kind: MethodKind::Builtin(make),
        })
    }))
}

/// BIO_callback_fn_ex.
pub type BIO_callback_fn_ex = unsafe extern "C" fn(
    *mut BIO,
    c_int,
    *const c_char,
    usize,
    c_int,
    c_long,
    c_int,
    *mut usize,
) -> c_long;

/// The BIO object.
pub struct BIO {
    pub method: Arc<BIO_METHOD>,
    flags: AtomicI32,
    retry_reason: AtomicI32,
    init: AtomicBool,
    shutdown: AtomicI32,
    /// BIO_set_data's pointer (programs' methods).
    data: AtomicPtr<c_void>,
    /// The next BIO in the chain. Not a reference of its own: as in OpenSSL, the program frees
    /// each BIO of a chain (BIO_free_all), and BIO_pop unlinks.
    next: AtomicPtr<BIO>,
    prev: AtomicPtr<BIO>,
    imp: Mutex<Option<Box<dyn BioImpl>>>,
    callback_ex: Mutex<Option<BIO_callback_fn_ex>>,
    callback_arg: Mutex<UserPtr>,
    pub num_read: AtomicU64,
    pub num_write: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while a lock was held was caught by the guard and reported; the state it left
    // is a plain value, still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl BIO {
    /// A new BIO of `method`, initialised (built-in types are ready; programs' methods run
    /// their `create`). Returns the pointer C holds, or NULL when `create` failed.
    pub fn new_c(method: Arc<BIO_METHOD>) -> *mut BIO {
        let imp = match &method.kind {
            MethodKind::Builtin(make) => Some(make()),
            MethodKind::Custom(_) => None,
        };
        let ready = imp.as_ref().is_some_and(|imp| imp.starts_initialised());
        let bio = crate::ffi::into_c(BIO {
            method,
            flags: AtomicI32::new(0),
            retry_reason: AtomicI32::new(0),
            init: AtomicBool::new(ready),
            shutdown: AtomicI32::new(BIO_CLOSE),
            data: AtomicPtr::new(std::ptr::null_mut()),
            next: AtomicPtr::new(std::ptr::null_mut()),
            prev: AtomicPtr::new(std::ptr::null_mut()),
            imp: Mutex::new(imp),
            callback_ex: Mutex::new(None),
            callback_arg: Mutex::new(UserPtr::default()),
            num_read: AtomicU64::new(0),
            num_write: AtomicU64::new(0),
        });
        // SAFETY: just made; C does not have it yet.
        let custom = unsafe { &*bio }.method.custom();
        if let Some(create) = custom.and_then(|m| m.create) {
            // SAFETY: a program's create function, called with the new BIO as OpenSSL does.
            if unsafe { create(bio) } == 0 {
                // SAFETY: our only reference.
                unsafe { crate::ffi::release(bio) };
                return std::ptr::null_mut();
            }
        }
        bio
    }

    fn as_c(&self) -> *mut BIO {
        (self as *const BIO).cast_mut()
    }

    pub fn type_(&self) -> c_int {
        self.method.type_
    }

    pub fn flags(&self) -> c_int {
        self.flags.load(Ordering::Relaxed)
    }
    pub fn set_flags(&self, flags: c_int) {
        self.flags.fetch_or(flags, Ordering::Relaxed);
    }
    pub fn clear_flags(&self, flags: c_int) {
        self.flags.fetch_and(!flags, Ordering::Relaxed);
    }
    pub fn test_flags(&self, flags: c_int) -> c_int {
        self.flags() & flags
    }
    pub fn clear_retry_flags(&self) {
        self.clear_flags(BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY);
    }
    pub fn set_retry_read(&self) {
        self.set_flags(BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
    }
    pub fn set_retry_write(&self) {
        self.set_flags(BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY);
    }
    /// A retry for a special reason (BIO_RR_CONNECT, BIO_RR_ACCEPT).
    pub fn set_retry_special(&self, reason: c_int) {
        self.retry_reason.store(reason, Ordering::Relaxed);
        self.set_flags(BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
    }
    pub fn should_retry(&self) -> bool {
        self.test_flags(BIO_FLAGS_SHOULD_RETRY) != 0
    }
    pub fn retry_reason(&self) -> c_int {
        self.retry_reason.load(Ordering::Relaxed)
    }
    pub fn set_retry_reason(&self, reason: c_int) {
        self.retry_reason.store(reason, Ordering::Relaxed);
    }

    pub fn is_init(&self) -> bool {
        self.init.load(Ordering::Relaxed)
    }
    pub fn set_init(&self, init: bool) {
        self.init.store(init, Ordering::Relaxed);
    }
    /// BIO_CLOSE: freeing the BIO closes/frees what it wraps.
    pub fn close_flag(&self) -> c_int {
        self.shutdown.load(Ordering::Relaxed)
    }
    pub fn set_close_flag(&self, flag: c_int) {
        self.shutdown.store(flag, Ordering::Relaxed);
    }
    pub fn data(&self) -> *mut c_void {
        self.data.load(Ordering::Relaxed)
    }
    pub fn set_data(&self, data: *mut c_void) {
        self.data.store(data, Ordering::Relaxed);
    }

    pub fn next_ptr(&self) -> *mut BIO {
        self.next.load(Ordering::Acquire)
    }
    /// The next BIO of the chain.
    pub fn next(&self) -> Option<&BIO> {
        // SAFETY: a chain's BIOs are alive while the chain is (OpenSSL's rule: the program
        // unlinks with BIO_pop before freeing one BIO of a chain).
        unsafe { self.next_ptr().as_ref() }
    }
    pub(crate) fn set_next(&self, next: *mut BIO) {
        self.next.store(next, Ordering::Release);
    }
    pub(crate) fn prev_ptr(&self) -> *mut BIO {
        self.prev.load(Ordering::Acquire)
    }
    pub(crate) fn set_prev(&self, prev: *mut BIO) {
        self.prev.store(prev, Ordering::Release);
    }

    pub fn callback_ex(&self) -> Option<BIO_callback_fn_ex> {
        *lock(&self.callback_ex)
    }
    pub fn set_callback_ex(&self, callback: Option<BIO_callback_fn_ex>) {
        *lock(&self.callback_ex) = callback;
    }
    pub fn callback_arg(&self) -> UserPtr {
        *lock(&self.callback_arg)
    }
    pub fn set_callback_arg(&self, arg: UserPtr) {
        *lock(&self.callback_arg) = arg;
    }

    /// Runs `f` on this BIO's Rust state (None for a program's method). A call from inside an
    /// operation on the same BIO (a callback re-entering it) is refused with an error.
    pub fn with_impl<R>(
        &self,
        function: &'static str,
        f: impl FnOnce(&mut dyn BioImpl) -> R,
    ) -> Option<R> {
        let mut guard = match self.imp.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                err::raise(
                    ERR_LIB_BIO,
                    crate::err::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED,
                    function,
                    "the BIO was called again from inside one of its own operations",
                );
                return None;
            }
        };
        guard.as_mut().map(|imp| f(imp.as_mut()))
    }

    /// Gives a built-in BIO its state, for constructors that make it from arguments
    /// (BIO_new_mem_buf, BIO_new_socket...).
    pub fn replace_impl(&self, imp: Box<dyn BioImpl>) {
        *lock(&self.imp) = Some(imp);
    }

    /// Calls the BIO callback (if any) before an operation; a value <= 0 from it cancels the
    /// operation with that result.
    fn callback_before(
        &self,
        oper: c_int,
        argp: *const c_char,
        len: usize,
        argi: c_int,
        argl: c_long,
    ) -> Option<c_long> {
        let callback = self.callback_ex()?;
        // SAFETY: the program's callback, called with OpenSSL's arguments.
        let ret = unsafe {
            callback(
                self.as_c(),
                oper,
                argp,
                len,
                argi,
                argl,
                1,
                std::ptr::null_mut(),
            )
        };
        (ret <= 0).then_some(ret)
    }

    /// Calls the BIO callback (if any) after an operation; its return value replaces `ret`.
    #[allow(clippy::too_many_arguments)] // BIO_callback_fn_ex's arguments, one for one
    fn callback_after(
        &self,
        oper: c_int,
        argp: *const c_char,
        len: usize,
        argi: c_int,
        argl: c_long,
        ret: c_long,
        processed: &mut usize,
    ) -> c_long {
        match self.callback_ex() {
            None => ret,
            // SAFETY: the program's callback, called with OpenSSL's arguments; `processed`
            // is a valid place for the count.
            Some(callback) => unsafe {
                callback(
                    self.as_c(),
                    oper | BIO_CB_RETURN,
                    argp,
                    len,
                    argi,
                    argl,
                    ret as c_int,
                    processed,
                )
            },
        }
    }

    fn uninitialised(&self, function: &'static str) -> c_int {
        err::raise(
            ERR_LIB_BIO,
            crate::err::BIO_R_UNINITIALIZED,
            function,
            "the BIO is not initialised",
        );
        -2
    }

    /// BIO_read's work: bytes read (> 0), 0 at end of input, -1 (retry flags tell why) or -2.
    pub fn read(&self, buf: &mut [u8]) -> c_int {
        let argp = buf.as_mut_ptr().cast::<c_char>().cast_const();
        let len = buf.len();
        if let Some(ret) = self.callback_before(BIO_CB_READ, argp, len, 0, 0) {
            return ret as c_int;
        }
        if !self.is_init() {
            return self.uninitialised("BIO_read");
        }
        let ret = match self.method.custom() {
            Some(custom) => custom_read(self.as_c(), custom, buf),
            None => self
                .with_impl("BIO_read", |imp| imp.read(self, buf))
                .unwrap_or(-1),
        };
        if ret > 0 {
            self.num_read.fetch_add(ret as u64, Ordering::Relaxed);
        }
        self.finish_io(BIO_CB_READ, argp, len, ret)
    }

    /// BIO_write's work: bytes written (> 0), or <= 0 (retry flags tell why).
    pub fn write(&self, data: &[u8]) -> c_int {
        let argp = data.as_ptr().cast::<c_char>();
        if let Some(ret) = self.callback_before(BIO_CB_WRITE, argp, data.len(), 0, 0) {
            return ret as c_int;
        }
        if !self.is_init() {
            return self.uninitialised("BIO_write");
        }
        let ret = match self.method.custom() {
            Some(custom) => custom_write(self.as_c(), custom, data),
            None => self
                .with_impl("BIO_write", |imp| imp.write(self, data))
                .unwrap_or(-1),
        };
        if ret > 0 {
            self.num_write.fetch_add(ret as u64, Ordering::Relaxed);
        }
        self.finish_io(BIO_CB_WRITE, argp, data.len(), ret)
    }

    /// BIO_gets' work.
    pub fn gets(&self, buf: &mut [u8]) -> c_int {
        if buf.is_empty() {
            return 0;
        }
        let argp = buf.as_mut_ptr().cast::<c_char>().cast_const();
        let len = buf.len();
        if let Some(ret) = self.callback_before(BIO_CB_GETS, argp, len, 0, 0) {
            return ret as c_int;
        }
        if !self.is_init() {
            return self.uninitialised("BIO_gets");
        }
        let ret = match self.method.custom() {
            Some(CustomMethod {
                gets: Some(gets), ..
            }) => {
                // SAFETY: the program's gets, with a buffer of len writable bytes.
                unsafe {
                    gets(
                        self.as_c(),
                        buf.as_mut_ptr().cast(),
                        len.min(c_int::MAX as usize) as c_int,
                    )
                }
            }
            Some(_) => -2,
            None => self
                .with_impl("BIO_gets", |imp| imp.gets(self, buf))
                .unwrap_or(-1),
        };
        self.finish_io(BIO_CB_GETS, argp, len, ret)
    }

    /// The after-callback of a read, write or gets, as OpenSSL 3.0 calls it: with 1 for
    /// success and the byte count in `processed`; a positive answer from it gives the count.
    fn finish_io(&self, oper: c_int, argp: *const c_char, len: usize, ret: c_int) -> c_int {
        let mut processed = ret.max(0) as usize;
        let status = if ret > 0 { 1 } else { ret };
        let after = self.callback_after(oper, argp, len, 0, 0, status as c_long, &mut processed);
        if after > 0 {
            clamp_len(processed)
        } else {
            after as c_int
        }
    }

    /// BIO_ctrl's work.
    pub fn ctrl(&self, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        if let Some(ret) = self.callback_before(BIO_CB_CTRL, parg.cast(), 0, cmd, larg) {
            return ret;
        }
        let ret = match self.method.custom() {
            Some(CustomMethod {
                ctrl: Some(ctrl), ..
            }) => {
                // SAFETY: the program's ctrl, with the program's own arguments.
                unsafe { ctrl(self.as_c(), cmd, larg, parg) }
            }
            Some(_) => -2,
            None => match cmd {
                BIO_CTRL_GET_CLOSE => self.close_flag() as c_long,
                BIO_CTRL_SET_CLOSE => {
                    self.set_close_flag(larg as c_int);
                    1
                }
                _ => self
                    .with_impl("BIO_ctrl", |imp| imp.ctrl(self, cmd, larg, parg))
                    .unwrap_or(-1),
            },
        };
        let mut processed = 0;
        self.callback_after(BIO_CB_CTRL, parg.cast(), 0, cmd, larg, ret, &mut processed)
    }

    /// Writes all of `data` when the BIO takes it (ERR_print_errors, BIO_puts on filters).
    pub fn write_all(&self, mut data: &[u8]) -> bool {
        while !data.is_empty() {
            let n = self.write(data);
            if n <= 0 {
                return false;
            }
            data = &data[n as usize..];
        }
        true
    }
}

fn clamp_len(len: usize) -> c_int {
    len.min(c_int::MAX as usize) as c_int
}

fn custom_read(bio: *mut BIO, custom: CustomMethod, buf: &mut [u8]) -> c_int {
    if let Some(read_ex) = custom.read_ex {
        let mut n = 0usize;
        // SAFETY: the program's read_ex, with a buffer of buf.len() writable bytes and a
        // place for the count.
        let ok = unsafe { read_ex(bio, buf.as_mut_ptr().cast(), buf.len(), &mut n) };
        return if ok > 0 { clamp_len(n) } else { -1 };
    }
    match custom.read {
        // SAFETY: the program's read, with a buffer of (at least) that many writable bytes.
        Some(read) => unsafe { read(bio, buf.as_mut_ptr().cast(), clamp_len(buf.len())) },
        None => -2,
    }
}

fn custom_write(bio: *mut BIO, custom: CustomMethod, data: &[u8]) -> c_int {
    if let Some(write_ex) = custom.write_ex {
        let mut n = 0usize;
        // SAFETY: the program's write_ex, with data.len() readable bytes and a place for the
        // count.
        let ok = unsafe { write_ex(bio, data.as_ptr().cast(), data.len(), &mut n) };
        return if ok > 0 { clamp_len(n) } else { -1 };
    }
    match custom.write {
        // SAFETY: the program's write, with that many readable bytes.
        Some(write) => unsafe { write(bio, data.as_ptr().cast(), clamp_len(data.len())) },
        None => -2,
    }
}

impl Drop for BIO {
    fn drop(&mut self) {
        if let Some(callback) = self.callback_ex() {
            // SAFETY: the program's callback, told of the free as OpenSSL tells it, while the
            // BIO is still whole.
            unsafe {
                callback(
                    self.as_c(),
                    BIO_CB_FREE,
                    std::ptr::null(),
                    0,
                    0,
                    0,
                    1,
                    std::ptr::null_mut(),
                )
            };
        }
        match self.method.custom() {
            Some(custom) => {
                if let Some(destroy) = custom.destroy {
                    // SAFETY: the program's destroy, on the BIO being freed.
                    unsafe { destroy(self.as_c()) };
                }
            }
            None => {
                let imp = lock(&self.imp).take();
                if let Some(mut imp) = imp {
                    imp.destroy(self);
                }
            }
        }
    }
}
