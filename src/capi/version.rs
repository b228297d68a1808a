//! The library's version, as constants and as a string naming its dependencies.

use std::ffi::c_char;

/// Major version of the ftls header (equals the library's, see `ftls_version()`).
pub const FTLS_VERSION_MAJOR: u32 = 1;
/// Minor version of the ftls header.
pub const FTLS_VERSION_MINOR: u32 = 0;
/// Patch version of the ftls header.
pub const FTLS_VERSION_PATCH: u32 = 0;
/// The version as one comparable number: MAJOR * 1000000 + MINOR * 1000 + PATCH
/// (1.0.0 is 1000000; 1.2.3 is 1002003).
pub const FTLS_VERSION_NUMBER: u32 =
    FTLS_VERSION_MAJOR * 1000000 + FTLS_VERSION_MINOR * 1000 + FTLS_VERSION_PATCH;

const VERSION_TEXT: &str = concat!(
    "ftls ",
    env!("CARGO_PKG_VERSION"),
    " (rustls ",
    env!("FTLS_RUSTLS_VERSION"),
    ", ",
    env!("FTLS_PROVIDER"),
    " ",
    env!("FTLS_PROVIDER_VERSION"),
    ")\0"
);

/// The library's version and those of rustls and the crypto provider this build uses, e.g.
/// `"ftls 1.0.0 (rustls 0.23.46, aws-lc-rs 1.19.0)"` or `"ftls 1.0.0 (rustls 0.23.46, ring
/// 0.17.14)"`.
///
/// Static and NUL-terminated: never free it. Thread-safe. Compare with `FTLS_VERSION_NUMBER`
/// to detect a header/library mismatch.
#[no_mangle]
pub extern "C" fn ftls_version() -> *const c_char {
    VERSION_TEXT.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_cargo_toml() {
        let part = |s: &str| s.parse::<u32>().expect("numeric version");
        assert_eq!(FTLS_VERSION_MAJOR, part(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(FTLS_VERSION_MINOR, part(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(FTLS_VERSION_PATCH, part(env!("CARGO_PKG_VERSION_PATCH")));
        assert!(VERSION_TEXT.starts_with(concat!(
            "ftls ",
            env!("CARGO_PKG_VERSION"),
            " (rustls 0.23."
        )));
        assert!(!VERSION_TEXT.contains("unknown"));
    }
}
