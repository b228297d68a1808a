//! Session storage: the sizes of ftls' in-memory session caches, and an application's external
//! session store (callbacks that put, get and take sessions, and `ftls_session_value`).

use super::borrowed::ftls_bytes;
use super::boundary::{bytes_arg, callback_object_mut, guard, null_argument};
use super::callback::CCallback;
use crate::core::{Error, ResultCode};
use crate::core::{DEFAULT_SESSION_CACHE, MAX_SESSION_CACHE};
use rustls::server::StoresServerSessions;
use std::ffi::c_void;
use std::fmt;

/// The number of sessions a session cache holds by default, client and server.
pub const FTLS_SESSION_CACHE_DEFAULT: usize = 256;

/// The largest session cache, client and server (ftls' in-memory caches are allocated whole
/// when the config is built).
pub const FTLS_SESSION_CACHE_MAX: usize = 1048576;

const _: () = assert!(FTLS_SESSION_CACHE_DEFAULT == DEFAULT_SESSION_CACHE);

const _: () = assert!(FTLS_SESSION_CACHE_MAX == MAX_SESSION_CACHE);

/// Where a get or take callback puts the session it found: pass it to
/// `ftls_session_value_set()`. Valid only during that callback.
pub struct ftls_session_value {
    value: Option<Vec<u8>>,
}

/// Stores a session: `value` under `key` (both valid only during the call; copy them),
/// replacing any value stored under the same key. Return true if it was stored. The value
/// holds the session's secret: whoever reads it can impersonate the server to that client and
/// decrypt resumed connections, so protect the store accordingly. A call on that connection from
/// inside it fails with `FTLS_ERR_INVALID_STATE` and changes nothing (`ftls_connection_free()` is
/// put off until the running call returns). It must not throw a C++ exception or longjmp out.
pub type ftls_session_put_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, key: ftls_bytes, value: ftls_bytes) -> bool>;

/// Looks a session up by `key` (valid only during the call). If found, hand its bytes to
/// `ftls_session_value_set(value, ...)` and return true; otherwise return false. The take
/// callback must also remove the value from the store, atomically: TLS 1.3 tickets are single
/// use, and that is what stops replayed early data. A call on that connection from inside it fails
/// with `FTLS_ERR_INVALID_STATE` and changes nothing (`ftls_connection_free()` is put off until the
/// running call returns). It must not throw a C++ exception or longjmp out.
pub type ftls_session_get_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        key: ftls_bytes,
        value: *mut ftls_session_value,
    ) -> bool,
>;

/// From inside a get or take callback: hands ftls the session found, `len` bytes at `data`
/// (copied). Calling it again replaces the bytes.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`value`, or `data` NULL with `len > 0`);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_session_value_set(
    value: *mut ftls_session_value,
    data: *const u8,
    len: usize,
) -> ResultCode {
    guard(|| {
        let value = callback_object_mut(value, "value")?;
        value.value = Some(bytes_arg(data, len, "data")?.to_vec());
        Ok(())
    })
}

type GetCallback = unsafe extern "C" fn(*mut c_void, ftls_bytes, *mut ftls_session_value) -> bool;

/// The application's session store callbacks, which share one `userdata`.
#[derive(Clone, Copy)]
struct SessionStoreFns {
    put: unsafe extern "C" fn(*mut c_void, ftls_bytes, ftls_bytes) -> bool,
    get: GetCallback,
    take: GetCallback,
}

/// rustls' session store over the application's callbacks.
pub(crate) struct CallbackStore(CCallback<SessionStoreFns>);

impl CallbackStore {
    /// The store of the three callbacks C gave, none of which may be NULL.
    pub(crate) fn new(
        put: ftls_session_put_callback,
        get: ftls_session_get_callback,
        take: ftls_session_get_callback,
        userdata: *mut c_void,
    ) -> Result<Self, Error> {
        let functions = SessionStoreFns {
            put: put.ok_or_else(|| null_argument("put"))?,
            get: get.ok_or_else(|| null_argument("get"))?,
            take: take.ok_or_else(|| null_argument("take"))?,
        };
        Ok(Self(CCallback::new(functions, userdata)))
    }

    fn lookup(&self, callback: GetCallback, key: &[u8]) -> Option<Vec<u8>> {
        let mut value = ftls_session_value { value: None };
        // SAFETY: a non-NULL C function given for this store; `key` and `value` live until the
        // call returns.
        let found = unsafe { callback(self.0.userdata(), ftls_bytes::new(key), &mut value) };
        if found {
            value.value
        } else {
            None
        }
    }
}

impl StoresServerSessions for CallbackStore {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        // SAFETY: as in `lookup`; both buffers live until the call returns.
        unsafe {
            (self.0.function().put)(
                self.0.userdata(),
                ftls_bytes::new(&key),
                ftls_bytes::new(&value),
            )
        }
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.lookup(self.0.function().get, key)
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.lookup(self.0.function().take, key)
    }

    fn can_cache(&self) -> bool {
        true
    }
}

impl fmt::Debug for CallbackStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackStore").finish_non_exhaustive()
    }
}
