//! The NSS key log of either builder's configs, for Wireshark and other debugging tools: the
//! callback type, and the file (named by the application or by `SSLKEYLOGFILE`) and callback
//! settings both builders' setters apply.

use super::borrowed::ftls_str;
use super::boundary::{null_argument, optional_str_arg};
use super::callback::CCallback;
use crate::core::Error;
use crate::core::{KeyLog, KeyLogCallback};
use std::ffi::{c_char, c_void};
use std::path::Path;
use std::sync::Arc;

/// Receives one key-log line in the NSS key log format, without the newline: `LABEL
/// <client random, 64 hex digits> <secret in hex>`, e.g. `CLIENT_RANDOM ...` (TLS 1.2) or
/// `CLIENT_HANDSHAKE_TRAFFIC_SECRET ...`, `SERVER_HANDSHAKE_TRAFFIC_SECRET ...`,
/// `CLIENT_TRAFFIC_SECRET_0 ...`, `SERVER_TRAFFIC_SECRET_0 ...`, `EXPORTER_SECRET ...` (TLS
/// 1.3). `line` is valid only during the call. Called on the thread driving the connection,
/// from inside the call that advanced its handshake; concurrently for connections on
/// different threads. A call on that connection from inside it fails with `FTLS_ERR_INVALID_STATE`
/// and changes nothing (`ftls_connection_free()` is put off until the running call returns). It
/// must not throw a C++ exception or longjmp out.
pub type ftls_keylog_callback = Option<unsafe extern "C" fn(userdata: *mut c_void, line: ftls_str)>;

/// `path` NULL: the file `SSLKEYLOGFILE` names, if it is set.
pub(crate) fn file(key_log: &mut KeyLog, path: *const c_char) -> Result<(), Error> {
    match optional_str_arg(path, "path")? {
        Some(path) => key_log.set_file(Path::new(path)),
        None => key_log.set_file_from_env().map(drop),
    }
}

pub(crate) fn callback(
    key_log: &mut KeyLog,
    callback: ftls_keylog_callback,
    userdata: *mut c_void,
) -> Result<(), Error> {
    let target =
        CCallback::<KeyLogFn>::new(callback.ok_or_else(|| null_argument("callback"))?, userdata);
    let callback: KeyLogCallback = Arc::new(move |line| target.call(line));
    key_log.set_callback(callback);
    Ok(())
}

type KeyLogFn = unsafe extern "C" fn(*mut c_void, ftls_str);

impl CCallback<KeyLogFn> {
    fn call(&self, line: &str) {
        // SAFETY: a non-NULL C function given by the caller; `line` lives until it returns.
        unsafe { (self.function())(self.userdata(), ftls_str::new(line)) }
    }
}
