//! Errors of the core: a stable [`ResultCode`] plus a detail sentence naming the cause.

mod classify;
mod code;

pub use code::{ResultCategory, ResultCode, ALL_CODES};

use std::fmt;

/// A failure: what kind (the stable code C switches on) and why (text for humans and logs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ResultCode,
    detail: String,
}

/// The core's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: ResultCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }

    pub fn code(&self) -> ResultCode {
        self.code
    }

    pub fn detail(&self) -> &str {
        &self.detail
    }

    pub fn invalid_argument(detail: impl Into<String>) -> Self {
        Self::new(ResultCode::FTLS_ERR_INVALID_ARGUMENT, detail)
    }

    pub fn invalid_state(detail: impl Into<String>) -> Self {
        Self::new(ResultCode::FTLS_ERR_INVALID_STATE, detail)
    }

    /// An OS-level failure of the transport; the detail carries the errno so it can be acted on.
    pub fn io(context: &str, err: &std::io::Error) -> Self {
        let detail = match err.raw_os_error() {
            Some(errno) => format!("{context}: {err} (errno {errno})"),
            None => format!("{context}: {err}"),
        };
        Self::new(ResultCode::FTLS_ERR_IO, detail)
    }

    /// The OS error number behind an `FTLS_ERR_IO`, if the detail recorded one.
    pub fn errno(&self) -> Option<i32> {
        let start = self.detail.rfind("(errno ")? + "(errno ".len();
        self.detail[start..].trim_end_matches(')').parse().ok()
    }

    /// Adds what was being done when the error happened, keeping the code.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.detail = format!("{what}: {}", self.detail);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.detail, self.code.name())
    }
}

impl std::error::Error for Error {}
