//! C constants and argument conversions shared by the client and server builders (and the
//! identity and trust objects they take).

use super::boundary::{optional_str_arg, str_array_arg};
use crate::core::IdentityChoice;
use crate::core::KeyPassword;
use crate::core::RevocationPolicy;
use crate::core::{Error, Versions};
use std::ffi::c_char;

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

/// `password` NULL forgets the password.
pub(crate) fn key_password_arg(password: *const c_char) -> Result<Option<KeyPassword>, Error> {
    Ok(optional_str_arg(password, "password")?.map(|p| KeyPassword::new(p.as_bytes())))
}

/// Revocation flag: check only the peer's own certificate, not its chain's CA certificates.
pub const FTLS_REVOCATION_END_ENTITY_ONLY: u32 = 1;
/// Revocation flag: accept a certificate that no loaded CRL covers (status unknown).
pub const FTLS_REVOCATION_ALLOW_UNKNOWN: u32 = 2;
/// Revocation flag: refuse certificates whose CRL is past its nextUpdate time.
pub const FTLS_REVOCATION_ENFORCE_EXPIRY: u32 = 4;

pub(crate) fn revocation_policy_from_flags(flags: u32) -> Result<RevocationPolicy, Error> {
    let all = FTLS_REVOCATION_END_ENTITY_ONLY
        | FTLS_REVOCATION_ALLOW_UNKNOWN
        | FTLS_REVOCATION_ENFORCE_EXPIRY;
    if flags & !all != 0 {
        return Err(Error::invalid_argument(format!(
            "revocation flags {flags:#x} hold bits other than FTLS_REVOCATION_*"
        )));
    }
    Ok(RevocationPolicy {
        end_entity_only: flags & FTLS_REVOCATION_END_ENTITY_ONLY != 0,
        allow_unknown_status: flags & FTLS_REVOCATION_ALLOW_UNKNOWN != 0,
        enforce_crl_expiry: flags & FTLS_REVOCATION_ENFORCE_EXPIRY != 0,
    })
}

/// Identity choice: let ftls choose as it would without a callback (by server name on a
/// server, the first usable identity on a client).
pub const FTLS_IDENTITY_AUTO: i32 = -1;
/// Identity choice: none (a server refuses the handshake; a client sends no certificate).
pub const FTLS_IDENTITY_NONE: i32 = -2;

pub(crate) fn identity_choice_from_number(number: i32) -> IdentityChoice {
    match number {
        FTLS_IDENTITY_AUTO => IdentityChoice::Automatic,
        FTLS_IDENTITY_NONE => IdentityChoice::Nothing,
        n => usize::try_from(n).map_or(
            IdentityChoice::Invalid(i64::from(n)),
            IdentityChoice::Number,
        ),
    }
}
