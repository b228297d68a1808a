//! The safe Rust core: configs, identities and trust, connections, observation, errors.
//! It knows nothing of C; the boundary in `capi` is its only C-facing user.

pub mod error;
pub mod handshake_observer;
pub mod time_text;

pub use error::{Error, Result, ResultCategory, ResultCode};
