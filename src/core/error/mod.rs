//! Errors of the core: a stable [`ResultCode`] plus a detail sentence naming the cause.

mod classify;
mod code;

pub use code::{ResultCategory, ResultCode};

use std::borrow::Cow;
use std::fmt;

/// A failure: what kind (the stable code C switches on) and why (text for humans and logs).
///
/// The detail is borrowed when it is fixed text: statuses such as `FTLS_WANT_READ` come back
/// several times per record on a busy connection and should cost no allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ResultCode,
    detail: Cow<'static, str>,
    /// The OS error number behind an `FTLS_ERR_IO`, for `ftls_connection_last_os_error()`.
    os_error: Option<i32>,
}

/// Text that came from a peer (a certificate's names, a server name, an ALPN protocol), made
/// safe to put in a detail that ends up in logs: control characters (newlines, escapes, C1
/// controls) and line separators become visible escapes, `\0a` style for ASCII as in the
/// subject names that RFC 4514 renders, so a peer cannot forge log lines.
pub fn escape_peer_text(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if c.is_ascii_control() => escaped.push_str(&format!("\\{:02x}", c as u8)),
            c if unsafe_char(c) => escaped.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

impl Error {
    pub fn new(code: ResultCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            detail: detail.into(),
            os_error: None,
        }
    }

    pub fn code(&self) -> ResultCode {
        self.code
    }

    pub fn detail(&self) -> &str {
        &self.detail
    }

    pub fn invalid_argument(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ResultCode::FTLS_ERR_INVALID_ARGUMENT, detail)
    }

    pub fn invalid_state(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ResultCode::FTLS_ERR_INVALID_STATE, detail)
    }

    /// An OS-level failure of the transport; the detail names the errno so it can be acted on.
    pub fn io(context: &str, err: &std::io::Error) -> Self {
        Self {
            os_error: err.raw_os_error(),
            ..Self::new(
                ResultCode::FTLS_ERR_IO,
                format!("{context}: {}", describe_io(err)),
            )
        }
    }

    /// The OS error number behind an `FTLS_ERR_IO`, if there was one.
    pub fn errno(&self) -> Option<i32> {
        self.os_error
    }

    /// Adds what was being done when the error happened, keeping the code.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.detail = format!("{what}: {}", self.detail).into();
        self
    }
}

/// An I/O error as a detail sentence: the OS's words and, when there is one, the errno.
pub fn describe_io(err: &std::io::Error) -> String {
    match err.raw_os_error() {
        // std's text ends in "(os error N)"; say it once, the way C programmers call it.
        Some(errno) => {
            let text = err.to_string();
            let os_words = text.trim_end_matches(&format!(" (os error {errno})"));
            format!("{os_words} (errno {errno})")
        }
        None => err.to_string(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.detail, self.code.name())
    }
}

impl std::error::Error for Error {}
