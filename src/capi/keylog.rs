//! The NSS key log: a config's TLS secrets, for Wireshark and other debugging tools, to a file
//! (named by the application or by `SSLKEYLOGFILE`) and/or a callback.

use super::borrowed::ftls_str;
use super::boundary::{null_argument, str_arg, with_handle_mut};
use super::callback::CCallback;
use super::client_config::ftls_client_config_builder;
use super::server_config::ftls_server_config_builder;
use crate::core::{Error, ResultCode};
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

fn file(key_log: &mut KeyLog, path: *const c_char) -> Result<(), Error> {
    key_log.set_file(Path::new(str_arg(path, "path")?))
}

fn callback(
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

/// Writes the TLS secrets of every connection made from configs built from this builder to the
/// file at `path` (NUL-terminated), appending NSS key-log lines (see `ftls_keylog_callback`),
/// as OpenSSL's `-keylogfile` and Wireshark expect. The file is opened now (created with mode
/// 0600 if missing) and shared by those configs; each line is written with one `write()`, so
/// lines of concurrent connections (or processes) never interleave. Replaces an earlier file.
///
/// DANGER: anyone who can read the file can decrypt the recorded traffic. For debugging only.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE` (cannot be opened for appending; the detail names the file and the OS
/// error); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_keylog_file(
    builder: *mut ftls_client_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, "ftls_client_config_builder_set_keylog_file", |b| {
        file(&mut b.builder.key_log, path)
    })
}

/// Honours the `SSLKEYLOGFILE` environment variable, as browsers and curl do: if it is set (and
/// not empty), acts as `ftls_client_config_builder_set_keylog_file()` with the file it names;
/// if not, does nothing. ftls never reads the variable unless the application calls this, so a
/// program decides whether its users may log its secrets through the environment (call it in
/// debug builds, or behind your own option). The variable is read now.
///
/// Returns `FTLS_OK` (also when the variable is not set); `FTLS_ERR_NULL_ARGUMENT`;
/// `FTLS_ERR_FILE` (the file cannot be opened; the detail says `SSLKEYLOGFILE` named it);
/// `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_keylog_from_env(
    builder: *mut ftls_client_config_builder,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_keylog_from_env",
        |b| b.builder.key_log.set_file_from_env().map(drop),
    )
}

/// Hands each TLS secret of every connection made from configs built from this builder to
/// `callback`, as one NSS key-log line (see `ftls_keylog_callback` for the format and thread
/// rules). `userdata` is passed to each call and must stay valid until every such config and
/// connection is freed. Works alongside a key-log file. Replaces an earlier callback.
///
/// DANGER: the lines decrypt the traffic. For debugging only.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `callback`; `userdata` may be
/// NULL); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_client_config_builder_set_keylog_callback(
    builder: *mut ftls_client_config_builder,
    callback: ftls_keylog_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_client_config_builder_set_keylog_callback",
        |b| self::callback(&mut b.builder.key_log, callback, userdata),
    )
}

/// As `ftls_client_config_builder_set_keylog_file()`, for a server: a server and its client
/// log the same lines for the same connection.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_INVALID_ARGUMENT` (path not UTF-8);
/// `FTLS_ERR_FILE`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_keylog_file(
    builder: *mut ftls_server_config_builder,
    path: *const c_char,
) -> ResultCode {
    with_handle_mut(builder, "ftls_server_config_builder_set_keylog_file", |b| {
        file(&mut b.builder.key_log, path)
    })
}

/// As `ftls_client_config_builder_set_keylog_from_env()`, for a server.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT`; `FTLS_ERR_FILE`; `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_keylog_from_env(
    builder: *mut ftls_server_config_builder,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_keylog_from_env",
        |b| b.builder.key_log.set_file_from_env().map(drop),
    )
}

/// As `ftls_client_config_builder_set_keylog_callback()`, for a server.
///
/// Returns `FTLS_OK`; `FTLS_ERR_NULL_ARGUMENT` (`builder` or `callback`); `FTLS_ERR_PANIC`.
#[no_mangle]
pub extern "C" fn ftls_server_config_builder_set_keylog_callback(
    builder: *mut ftls_server_config_builder,
    callback: ftls_keylog_callback,
    userdata: *mut c_void,
) -> ResultCode {
    with_handle_mut(
        builder,
        "ftls_server_config_builder_set_keylog_callback",
        |b| self::callback(&mut b.builder.key_log, callback, userdata),
    )
}
