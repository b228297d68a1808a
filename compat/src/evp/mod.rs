//! EVP: keys as handles (`pkey`), message digests and HMAC (`md`), from the crypto provider
//! ftls is built with.

pub mod md;
pub mod pkey;
