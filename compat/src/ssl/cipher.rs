//! SSL_CIPHER and OpenSSL's cipher strings, mapped onto the suites ftls has. A cipher string
//! ("HIGH:!aNULL:!MD5", "ECDHE+AESGCM", "DEFAULT") selects among the TLS 1.2 suites as OpenSSL
//! would; one that selects none fails with "no cipher match". TLS 1.3 suites come from
//! SSL_CTX_set_ciphersuites ("TLS_AES_128_GCM_SHA256:...").

use std::ffi::{c_char, c_int, CStr};

use crate::err::{self, ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH};
use crate::ffi::{self, guard};

/// One cipher suite: its OpenSSL name, IANA name, ftls (rustls) name, and the properties
/// cipher strings select on.
pub struct SSL_CIPHER {
    pub id: u16,
    pub name: &'static CStr,
    pub standard_name: &'static CStr,
    pub ftls_name: &'static str,
    pub tls13: bool,
    pub kx: &'static str,
    pub auth: &'static str,
    pub enc: &'static str,
    pub bits: c_int,
    pub mac: &'static str,
}

macro_rules! suite {
    ($id:expr, $name:expr, $std:expr, $ftls:expr, $tls13:expr, $kx:expr, $auth:expr, $enc:expr, $bits:expr, $mac:expr) => {
        SSL_CIPHER {
            id: $id,
            name: $name,
            standard_name: $std,
            ftls_name: $ftls,
            tls13: $tls13,
            kx: $kx,
            auth: $auth,
            enc: $enc,
            bits: $bits,
            mac: $mac,
        }
    };
}

/// Every suite ftls speaks, in OpenSSL's default order of preference.
pub static SUITES: &[SSL_CIPHER] = &[
    suite!(
        0x1302,
        c"TLS_AES_256_GCM_SHA384",
        c"TLS_AES_256_GCM_SHA384",
        "TLS_AES_256_GCM_SHA384",
        true,
        "any",
        "any",
        "AESGCM",
        256,
        "SHA384"
    ),
    suite!(
        0x1303,
        c"TLS_CHACHA20_POLY1305_SHA256",
        c"TLS_CHACHA20_POLY1305_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        true,
        "any",
        "any",
        "CHACHA20",
        256,
        "SHA256"
    ),
    suite!(
        0x1301,
        c"TLS_AES_128_GCM_SHA256",
        c"TLS_AES_128_GCM_SHA256",
        "TLS_AES_128_GCM_SHA256",
        true,
        "any",
        "any",
        "AESGCM",
        128,
        "SHA256"
    ),
    suite!(
        0xC02C,
        c"ECDHE-ECDSA-AES256-GCM-SHA384",
        c"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        false,
        "ECDHE",
        "ECDSA",
        "AESGCM",
        256,
        "SHA384"
    ),
    suite!(
        0xC030,
        c"ECDHE-RSA-AES256-GCM-SHA384",
        c"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        false,
        "ECDHE",
        "RSA",
        "AESGCM",
        256,
        "SHA384"
    ),
    suite!(
        0xCCA9,
        c"ECDHE-ECDSA-CHACHA20-POLY1305",
        c"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        false,
        "ECDHE",
        "ECDSA",
        "CHACHA20",
        256,
        "SHA256"
    ),
    suite!(
        0xCCA8,
        c"ECDHE-RSA-CHACHA20-POLY1305",
        c"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        false,
        "ECDHE",
        "RSA",
        "CHACHA20",
        256,
        "SHA256"
    ),
    suite!(
        0xC02B,
        c"ECDHE-ECDSA-AES128-GCM-SHA256",
        c"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        false,
        "ECDHE",
        "ECDSA",
        "AESGCM",
        128,
        "SHA256"
    ),
    suite!(
        0xC02F,
        c"ECDHE-RSA-AES128-GCM-SHA256",
        c"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        false,
        "ECDHE",
        "RSA",
        "AESGCM",
        128,
        "SHA256"
    ),
];

pub fn by_id(id: u16) -> Option<&'static SSL_CIPHER> {
    SUITES.iter().find(|s| s.id == id)
}

pub fn default_tls12() -> Vec<&'static str> {
    SUITES
        .iter()
        .filter(|s| !s.tls13)
        .map(|s| s.ftls_name)
        .collect()
}

pub fn default_tls13() -> Vec<&'static str> {
    SUITES
        .iter()
        .filter(|s| s.tls13)
        .map(|s| s.ftls_name)
        .collect()
}

/// The ftls names of the suites a context's settings offer, TLS 1.3 ones first (OpenSSL's
/// order): SSL_CTX_set_ciphersuites' list or the default, then SSL_CTX_set_cipher_list's or
/// the default.
pub fn configured(settings: &super::ctx::CtxSettings) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = settings
        .tls13_suites
        .as_deref()
        .map_or_else(default_tls13, <[_]>::to_vec);
    all.extend(
        settings
            .cipher_suites
            .as_deref()
            .map_or_else(default_tls12, <[_]>::to_vec),
    );
    all
}

/// A suite by its ftls name.
pub fn by_ftls_name(name: &str) -> Option<&'static SSL_CIPHER> {
    SUITES.iter().find(|s| s.ftls_name == name)
}

/// Whether a TLS 1.2 suite matches one alias of a cipher string ("HIGH", "ECDHE", "AESGCM",
/// a suite's own name...). Aliases for what ftls never has (RC4, MD5, aNULL, kRSA...) match
/// nothing; unknown words match nothing, as in OpenSSL.
fn matches(suite: &SSL_CIPHER, alias: &str) -> bool {
    let name = suite.name.to_str().unwrap_or_default();
    match alias {
        "ALL" | "DEFAULT" | "HIGH" | "AEAD" | "TLSv1.2" | "SSLv3" | "TLSv1" | "kEECDH"
        | "kECDHE" | "EECDH" | "ECDHE" | "FIPS" => true,
        "ECDSA" | "aECDSA" => suite.auth == "ECDSA",
        "aRSA" => suite.auth == "RSA",
        "AESGCM" => suite.enc == "AESGCM",
        "AES" => suite.enc == "AESGCM",
        "AES128" => suite.enc == "AESGCM" && suite.bits == 128,
        "AES256" => suite.enc == "AESGCM" && suite.bits == 256,
        "CHACHA20" => suite.enc == "CHACHA20",
        "SHA256" => suite.mac == "SHA256",
        "SHA384" => suite.mac == "SHA384",
        _ => alias == name,
    }
}

/// OpenSSL's cipher-string rules over ftls' TLS 1.2 suites: tokens separated by ':', ',' or
/// ' '; "A+B" means both; a '!' prefix removes for good, '-' removes, '+' moves to the end;
/// "@STRENGTH" sorts by key size; "@SECLEVEL=n" is accepted.
pub fn select_tls12(list: &str) -> Vec<&'static SSL_CIPHER> {
    let mut chosen: Vec<&'static SSL_CIPHER> = Vec::new();
    let mut killed: Vec<u16> = Vec::new();
    let tls12: Vec<&'static SSL_CIPHER> = SUITES.iter().filter(|s| !s.tls13).collect();
    for token in list.split([':', ',', ' ', ';']).filter(|t| !t.is_empty()) {
        if token == "@STRENGTH" {
            chosen.sort_by_key(|s| std::cmp::Reverse(s.bits));
            continue;
        }
        if token.starts_with('@') {
            continue;
        }
        let (op, body) = match token.as_bytes()[0] {
            b'!' | b'-' | b'+' => (token.as_bytes()[0], &token[1..]),
            _ => (b' ', token),
        };
        let hit = |s: &SSL_CIPHER| body.split('+').all(|alias| matches(s, alias));
        match op {
            b'!' => {
                killed.extend(tls12.iter().filter(|s| hit(s)).map(|s| s.id));
                chosen.retain(|s| !killed.contains(&s.id));
            }
            b'-' => chosen.retain(|s| !hit(s)),
            b'+' => {
                let (moved, kept): (Vec<_>, Vec<_>) = chosen.iter().partition(|s| hit(s));
                chosen = kept.into_iter().chain(moved).collect();
            }
            _ => {
                for suite in tls12.iter().filter(|s| hit(s)) {
                    if !killed.contains(&suite.id) && !chosen.iter().any(|c| c.id == suite.id) {
                        chosen.push(suite);
                    }
                }
            }
        }
    }
    chosen
}

/// SSL_CTX_set_cipher_list's work: the ftls names selected, or None (error queued).
pub fn tls12_from_list(function: &'static str, list: *const c_char) -> Option<Vec<&'static str>> {
    // SAFETY: C passes a NUL-terminated string.
    let Some(list) = (unsafe { ffi::str_arg(list) }) else {
        ffi::null_argument(ERR_LIB_SSL, function, "the cipher list");
        return None;
    };
    let chosen = select_tls12(list);
    if chosen.is_empty() {
        // No text: OpenSSL's record has none, and programs print it.
        err::raise(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH, function, "");
        return None;
    }
    Some(chosen.iter().map(|s| s.ftls_name).collect())
}

/// SSL_CTX_set_ciphersuites' work: TLS 1.3 suite names, ':'-separated; an empty string means
/// none (TLS 1.3 is then unusable, as in OpenSSL).
pub fn tls13_from_list(function: &'static str, list: *const c_char) -> Option<Vec<&'static str>> {
    // SAFETY: C passes a NUL-terminated string.
    let Some(list) = (unsafe { ffi::str_arg(list) }) else {
        ffi::null_argument(ERR_LIB_SSL, function, "the cipher suite list");
        return None;
    };
    let mut chosen = Vec::new();
    for name in list.split(':').filter(|n| !n.is_empty()) {
        match SUITES
            .iter()
            .find(|s| s.tls13 && s.name.to_str() == Ok(name))
        {
            Some(suite) => chosen.push(suite.ftls_name),
            None => {
                err::raise(
                    ERR_LIB_SSL,
                    SSL_R_NO_CIPHER_MATCH,
                    function,
                    format!("{name:?} is not a TLS 1.3 cipher suite ftls has"),
                );
                return None;
            }
        }
    }
    Some(chosen)
}

/// OpenSSL's group names (and curve aliases) as ftls names them; None when none is known.
pub fn groups_from_list(list: &str) -> Option<Vec<String>> {
    let groups: Vec<String> = list
        .split(':')
        .filter_map(|name| match name {
            "X25519" | "x25519" => Some("X25519"),
            "P-256" | "prime256v1" | "secp256r1" => Some("secp256r1"),
            "P-384" | "secp384r1" => Some("secp384r1"),
            "P-521" | "secp521r1" => Some("secp521r1"),
            "X25519MLKEM768" => Some("X25519MLKEM768"),
            _ => None,
        })
        .filter(|name| ftls::core::group_by_name(name).is_ok())
        .map(str::to_owned)
        .collect();
    (!groups.is_empty()).then_some(groups)
}

fn cipher<'a>(c: *const SSL_CIPHER) -> Option<&'a SSL_CIPHER> {
    // SAFETY: SSL_CIPHER pointers are our statics (or NULL).
    unsafe { c.as_ref() }
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_name(c: *const SSL_CIPHER) -> *const c_char {
    guard("SSL_CIPHER_get_name", c"(NONE)".as_ptr(), || {
        cipher(c).map_or(c"(NONE)".as_ptr(), |c| c.name.as_ptr())
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_standard_name(c: *const SSL_CIPHER) -> *const c_char {
    guard("SSL_CIPHER_standard_name", c"(NONE)".as_ptr(), || {
        cipher(c).map_or(c"(NONE)".as_ptr(), |c| c.standard_name.as_ptr())
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_bits(c: *const SSL_CIPHER, alg_bits: *mut c_int) -> c_int {
    guard("SSL_CIPHER_get_bits", 0, || {
        let bits = cipher(c).map_or(0, |c| c.bits);
        // SAFETY: alg_bits is NULL or a place for an int.
        unsafe { ffi::write_out(alg_bits, bits) };
        bits
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_version(c: *const SSL_CIPHER) -> *const c_char {
    guard(
        "SSL_CIPHER_get_version",
        c"(NONE)".as_ptr(),
        || match cipher(c) {
            Some(c) if c.tls13 => c"TLSv1.3".as_ptr(),
            Some(_) => c"TLSv1.2".as_ptr(),
            None => c"(NONE)".as_ptr(),
        },
    )
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_id(c: *const SSL_CIPHER) -> u32 {
    guard("SSL_CIPHER_get_id", 0, || {
        cipher(c).map_or(0, |c| 0x0300_0000 | c.id as u32)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_protocol_id(c: *const SSL_CIPHER) -> u16 {
    guard("SSL_CIPHER_get_protocol_id", 0, || {
        cipher(c).map_or(0, |c| c.id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &str) -> Vec<&'static str> {
        select_tls12(list)
            .iter()
            .map(|s| s.name.to_str().unwrap())
            .collect()
    }

    #[test]
    fn common_cipher_strings_select_what_openssl_would() {
        assert_eq!(names("HIGH:!aNULL:!MD5").len(), 6);
        assert_eq!(names("DEFAULT").len(), 6);
        assert_eq!(
            names("ECDHE+AESGCM"),
            [
                "ECDHE-ECDSA-AES256-GCM-SHA384",
                "ECDHE-RSA-AES256-GCM-SHA384",
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256"
            ]
        );
        assert_eq!(
            names("ECDHE-RSA-AES128-GCM-SHA256"),
            ["ECDHE-RSA-AES128-GCM-SHA256"]
        );
        assert!(names("ALL:!ECDSA").iter().all(|n| !n.contains("ECDSA")));
    }

    #[test]
    fn removal_and_reordering_follow_openssl_rules() {
        // '-' removes but a later token may add back; '!' removes for good.
        assert_eq!(names("ALL:-CHACHA20:CHACHA20").len(), 6);
        assert_eq!(names("ALL:!CHACHA20:CHACHA20").len(), 4);
        let moved = names("ALL:+CHACHA20");
        assert!(
            moved[4..].iter().all(|n| n.contains("CHACHA20")),
            "{moved:?}"
        );
        let strongest_first = names("AES128:AES256:@STRENGTH");
        assert!(strongest_first[0].contains("AES256"), "{strongest_first:?}");
    }

    #[test]
    fn strings_naming_only_what_ftls_lacks_select_nothing() {
        assert!(names("RC4-MD5").is_empty());
        assert!(names("aNULL:eNULL:EXP").is_empty());
        assert!(names("").is_empty());
    }

    #[test]
    fn group_names_map_onto_ftls_names() {
        assert_eq!(
            groups_from_list("X25519:P-256:prime256v1"),
            Some(vec![
                "X25519".to_owned(),
                "secp256r1".to_owned(),
                "secp256r1".to_owned()
            ])
        );
        assert_eq!(groups_from_list("brainpoolP256r1"), None);
    }
}
