//! C constants and argument conversions shared by the client and server builders.

use super::boundary::{bytes_arg, str_arg, str_array_arg};
use crate::core::provider::default_provider;
use crate::core::{Error, Identity, Versions};
use std::ffi::c_char;
use std::path::Path;

/// Protocol flag: TLS 1.2 (for `_set_versions`).
pub const FTLS_PROTOCOL_TLS12: u32 = 1;
/// Protocol flag: TLS 1.3 (for `_set_versions`).
pub const FTLS_PROTOCOL_TLS13: u32 = 2;
/// Both TLS 1.2 and TLS 1.3 (the default).
pub const FTLS_PROTOCOL_ALL: u32 = FTLS_PROTOCOL_TLS12 | FTLS_PROTOCOL_TLS13;

pub(crate) fn versions_from_flags(flags: u32) -> Result<Versions, Error> {
    if flags == 0 || flags & !FTLS_PROTOCOL_ALL != 0 {
        return Err(Error::invalid_argument(format!(
            "protocol flags {flags:#x} are not a non-empty combination of FTLS_PROTOCOL_TLS12 \
             and FTLS_PROTOCOL_TLS13"
        )));
    }
    Ok(Versions {
        tls12: flags & FTLS_PROTOCOL_TLS12 != 0,
        tls13: flags & FTLS_PROTOCOL_TLS13 != 0,
    })
}

pub(crate) fn alpn_from_args(
    protocols: *const *const c_char,
    count: usize,
) -> Result<Vec<Vec<u8>>, Error> {
    Ok(str_array_arg(protocols, count, "protocols")?
        .into_iter()
        .map(|p| p.as_bytes().to_vec())
        .collect())
}

pub(crate) fn identity_from_files(
    cert_chain_path: *const c_char,
    private_key_path: *const c_char,
) -> Result<Identity, Error> {
    let chain = str_arg(cert_chain_path, "cert_chain_path")?;
    let key = str_arg(private_key_path, "private_key_path")?;
    Identity::from_files(Path::new(chain), Path::new(key), &default_provider())
}

pub(crate) fn identity_from_pem(
    cert_chain_pem: *const u8,
    cert_chain_len: usize,
    private_key_pem: *const u8,
    private_key_len: usize,
) -> Result<Identity, Error> {
    let chain = bytes_arg(cert_chain_pem, cert_chain_len, "cert_chain_pem")?;
    let key = bytes_arg(private_key_pem, private_key_len, "private_key_pem")?;
    Identity::from_pem(chain, key, &default_provider())
}
