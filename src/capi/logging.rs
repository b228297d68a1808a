//! The library's log messages (rustls' and ftls' own), delivered to one callback per process.

use super::borrowed::ftls_str;
use super::boundary::guard;
use super::callback::CCallback;
use crate::core::{inside_sink, set_log_sink, LogSink};
use crate::core::{Error, ResultCode};
use log::{Level, LevelFilter};
use std::ffi::c_void;

/// Log level: nothing (for `ftls_set_log_callback()`'s `max_level`).
pub const FTLS_LOG_OFF: u32 = 0;
/// Log level: errors ftls or rustls could not handle.
pub const FTLS_LOG_ERROR: u32 = 1;
/// Log level: something suspicious, e.g. a peer misbehaving.
pub const FTLS_LOG_WARN: u32 = 2;
/// Log level: noteworthy events.
pub const FTLS_LOG_INFO: u32 = 3;
/// Log level: what the handshake does, step by step.
pub const FTLS_LOG_DEBUG: u32 = 4;
/// Log level: everything, including every message and record (large).
pub const FTLS_LOG_TRACE: u32 = 5;

/// Receives one log message: its level (`FTLS_LOG_ERROR` ... `FTLS_LOG_TRACE`), its target
/// (the Rust module that wrote it, e.g. "rustls::client::hs") and its text, both valid only
/// during the call (neither rustls nor ftls logs keys). Called from any thread that uses ftls,
/// concurrently from several: it must be thread-safe. A call on a connection or builder whose
/// call is logging fails with `FTLS_ERR_INVALID_STATE`, as does `ftls_set_log_callback()`;
/// better call nothing. It must not throw a C++ exception or longjmp out.
pub type ftls_log_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, level: u32, target: ftls_str, message: ftls_str),
>;

fn level_filter(level: u32) -> Result<LevelFilter, Error> {
    Ok(match level {
        FTLS_LOG_OFF => LevelFilter::Off,
        FTLS_LOG_ERROR => LevelFilter::Error,
        FTLS_LOG_WARN => LevelFilter::Warn,
        FTLS_LOG_INFO => LevelFilter::Info,
        FTLS_LOG_DEBUG => LevelFilter::Debug,
        FTLS_LOG_TRACE => LevelFilter::Trace,
        other => {
            return Err(Error::invalid_argument(format!(
                "log level {other} is not one of FTLS_LOG_OFF ... FTLS_LOG_TRACE"
            )))
        }
    })
}

fn level_number(level: Level) -> u32 {
    match level {
        Level::Error => FTLS_LOG_ERROR,
        Level::Warn => FTLS_LOG_WARN,
        Level::Info => FTLS_LOG_INFO,
        Level::Debug => FTLS_LOG_DEBUG,
        Level::Trace => FTLS_LOG_TRACE,
    }
}

type LogFn = unsafe extern "C" fn(*mut c_void, u32, ftls_str, ftls_str);

impl CCallback<LogFn> {
    fn call(&self, level: Level, module: &str, message: &str) {
        // SAFETY: a non-NULL C function given by the caller; both strings live until it
        // returns.
        unsafe {
            (self.function())(
                self.userdata(),
                level_number(level),
                ftls_str::new(module),
                ftls_str::new(message),
            )
        }
    }
}

/// Sends the log messages of ftls and rustls, up to `max_level` (`FTLS_LOG_ERROR` ...
/// `FTLS_LOG_TRACE`), to `callback`, for the whole process. NULL `callback` or `FTLS_LOG_OFF`
/// stops logging (the default: ftls logs nothing until asked).
///
/// Process-wide: one callback for all configs and connections, replaced by the next call. When
/// this function returns, the previous callback is not running on any thread and will not be
/// called again, so its `userdata` may be freed. `userdata` must stay valid until the callback
/// is replaced. Call it from one thread at a time, never from inside the callback. DEBUG and
/// TRACE are verbose and slow; use them while investigating.
///
/// Returns `FTLS_OK`; `FTLS_ERR_INVALID_ARGUMENT` (`max_level` above `FTLS_LOG_TRACE`);
/// `FTLS_ERR_INVALID_STATE` (called from inside the log callback: nothing is changed; or a
/// Rust program linking ftls as a crate installed its own logger for the `log` crate);
/// `FTLS_ERR_PANIC`. Never `FTLS_ERR_NULL_ARGUMENT`: both pointers may be
/// NULL.
#[no_mangle]
pub extern "C" fn ftls_set_log_callback(
    callback: ftls_log_callback,
    userdata: *mut c_void,
    max_level: u32,
) -> ResultCode {
    guard(|| {
        // The callback runs holding the log's read lock, which replacing it takes for
        // writing: on the same thread that would wait for itself forever.
        if inside_sink() {
            return Err(Error::invalid_state(
                "ftls_set_log_callback called from inside the log callback: the callback cannot \
                 be replaced while it runs",
            ));
        }
        let max_level = level_filter(max_level)?;
        let sink: Option<LogSink> = callback.map(|callback| {
            let target = CCallback::<LogFn>::new(callback, userdata);
            Box::new(move |level: Level, module: &str, message: &str| {
                target.call(level, module, message)
            }) as LogSink
        });
        set_log_sink(sink, max_level)
    })
}
