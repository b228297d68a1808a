//! EVP: keys as handles (`pkey`), message digests and HMAC (`md`), AEAD ciphers (`cipher`),
//! from the crypto provider ftls is built with.

pub mod cipher;
pub mod md;
pub mod pkey;
