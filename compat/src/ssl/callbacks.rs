//! The context's callbacks wired into ftls' configs: the key log (SSL_CTX_set_keylog_callback
//! gets NSS key-log lines, as OpenSSL writes them).

use std::sync::Arc;

use ftls::core::{ClientConfigBuilder, ServerConfigBuilder};

use super::ctx::{CtxSettings, KeylogCallback, SSL_CTX};
use super::verify::CURRENT_SSL;

fn keylog(callback: KeylogCallback) -> ftls::core::KeyLogCallback {
    Arc::new(move |line: &str| {
        let Ok(line) = std::ffi::CString::new(line.trim_end()) else {
            return;
        };
        let ssl = CURRENT_SSL.with(std::cell::Cell::get);
        // SAFETY: the program's key-log callback, with the connection being driven (ftls logs
        // secrets while this thread is inside a call on it) and a NUL-terminated line.
        unsafe { callback(ssl, line.as_ptr()) };
    })
}

pub fn apply_client_keylog(
    _ctx: &SSL_CTX,
    settings: &CtxSettings,
    builder: &mut ClientConfigBuilder,
) {
    if let Some(callback) = settings.keylog_callback {
        builder.key_log_mut().set_callback(keylog(callback));
    }
}

pub fn apply_server(_ctx: &SSL_CTX, settings: &CtxSettings, builder: &mut ServerConfigBuilder) {
    if let Some(callback) = settings.keylog_callback {
        builder.key_log_mut().set_callback(keylog(callback));
    }
}
