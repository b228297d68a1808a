//! ftls' OpenSSL-compatible library: OpenSSL 3.0's libssl API, and the part of libcrypto that
//! TLS programs use, over ftls' Rust core. Built as `libftls-openssl` (shared and static) and
//! installed as an OpenSSL-shaped root (`lib/libssl.*`, `lib/libcrypto.*`, `include/openssl`),
//! so that a legacy program changes its build flags, not its code.
//!
//! Every exported function is a thin boundary: a panic guard, argument checks, then safe Rust.
//! `ffi` holds the boundary helpers (the only place that turns C pointers into references) and
//! the reference-counted object pattern; `err` is the per-thread error queue, the one
//! per-thread state of the library.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
// The exported functions are C's entry points, safe to call under OpenSSL's contract (C cannot
// see `unsafe`); each pointer they receive goes through the helpers in `ffi`.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod bio;
pub mod err;
pub mod evp;
pub mod ffi;
pub mod init;
pub mod obj;
pub mod pem;
pub mod rand;
pub mod ssl;
pub mod stack;
pub mod x509;
