//! The closed list of outcomes ftls reports, with stable numbers.
//!
//! C sees this enum as `ftls_result` (renamed in cbindgen.toml). Numbers are grouped in ranges
//! by category and are never reused: add new codes at the end of their range.

/// The outcome of an ftls call: `FTLS_OK` (0), a would-block or closed status, or an error.
///
/// Numbers are stable across releases and grouped by category:
/// 0 ok; 1-9 would block; 10-19 closed; 100-199 usage errors; 200-299 I/O errors;
/// 300-399 protocol errors and alerts; 400-499 certificate, key and trust errors;
/// 900-999 internal errors. `ftls_result_category()` returns the group of any code.
///
/// The full detail of an error (rustls' text, the alert, the certificate and its dates, the OS
/// error) is kept on the object that failed: see `ftls_connection_last_error()` and the
/// builders' `_last_error()` functions.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultCode {
    /// Success.
    FTLS_OK = 0,
    /// Nothing more can happen until more TLS data is read from the peer: wait until the
    /// transport is readable and call again.
    FTLS_WANT_READ = 1,
    /// Nothing more can happen until buffered TLS data is written to the peer: wait until the
    /// transport is writable (or call `ftls_connection_write_tls`) and call again.
    FTLS_WANT_WRITE = 2,
    /// The peer sent close_notify: the stream ended cleanly and no more data will arrive.
    FTLS_CLOSED = 10,

    /// A pointer argument was NULL where NULL is not allowed.
    FTLS_ERR_NULL_ARGUMENT = 100,
    /// An argument is out of range: an unknown enum value or flag, a bad length, a string that
    /// is not valid UTF-8, an empty list.
    FTLS_ERR_INVALID_ARGUMENT = 101,
    /// The call does not fit the object's state: for instance a server-only query on a client
    /// connection, or a negotiated value asked for before the handshake chose it.
    FTLS_ERR_INVALID_STATE = 102,
    /// This build or version of ftls does not support the request.
    FTLS_ERR_UNSUPPORTED = 103,
    /// The configuration is incomplete or inconsistent (for instance a server without a
    /// certificate, or a client without trust anchors).
    FTLS_ERR_CONFIG = 104,
    /// The server name is neither a valid DNS name nor an IP address.
    FTLS_ERR_INVALID_SERVER_NAME = 105,

    /// The transport failed: a callback or system call returned an OS error (the detail names
    /// it and its errno).
    FTLS_ERR_IO = 200,
    /// The peer closed the transport without close_notify: the data may have been truncated.
    FTLS_ERR_UNEXPECTED_EOF = 201,
    /// A file could not be read (missing, unreadable, a directory...).
    FTLS_ERR_FILE = 202,

    /// The peer broke the TLS protocol (a generic protocol error; the detail says how).
    FTLS_ERR_PROTOCOL = 300,
    /// The peer sent bytes that are not valid TLS records or messages.
    FTLS_ERR_BAD_MESSAGE = 301,
    /// The peer sent a fatal alert; the detail names it.
    FTLS_ERR_ALERT_RECEIVED = 302,
    /// The peers have no protocol version in common.
    FTLS_ERR_NO_COMMON_VERSION = 303,
    /// The peers have no cipher suite in common.
    FTLS_ERR_NO_COMMON_CIPHER_SUITE = 304,
    /// The peers have no ALPN protocol in common.
    FTLS_ERR_NO_COMMON_ALPN = 305,
    /// The peers have nothing suitable in common (key-exchange groups, signature schemes...).
    FTLS_ERR_HANDSHAKE_FAILURE = 306,
    /// A record failed to decrypt or its integrity check failed.
    FTLS_ERR_DECRYPT = 307,
    /// The server requires a client certificate and the client sent none.
    FTLS_ERR_CLIENT_CERT_REQUIRED = 308,

    /// A certificate is invalid in a way no more specific code names (bad encoding, bad
    /// signature, unsupported algorithm...).
    FTLS_ERR_CERT_INVALID = 400,
    /// The certificate was not issued by a trusted CA.
    FTLS_ERR_CERT_UNKNOWN_ISSUER = 401,
    /// The certificate has expired.
    FTLS_ERR_CERT_EXPIRED = 402,
    /// The certificate is not valid yet.
    FTLS_ERR_CERT_NOT_YET_VALID = 403,
    /// The certificate is not valid for the expected server name.
    FTLS_ERR_CERT_NAME_MISMATCH = 404,
    /// The certificate has been revoked.
    FTLS_ERR_CERT_REVOKED = 405,
    /// The certificate may not be used for this purpose (key usage or extended key usage).
    FTLS_ERR_CERT_BAD_USAGE = 406,
    /// The revocation status of the certificate could not be determined.
    FTLS_ERR_CERT_REVOCATION_UNKNOWN = 407,
    /// The application's verification callback rejected the certificate.
    FTLS_ERR_CERT_REJECTED = 408,
    /// The input is not valid PEM (or DER) of the expected kind.
    FTLS_ERR_BAD_PEM = 450,
    /// The input holds no certificate.
    FTLS_ERR_NO_CERTIFICATE = 451,
    /// The input holds no private key.
    FTLS_ERR_NO_PRIVATE_KEY = 452,
    /// The private key does not match the certificate's public key.
    FTLS_ERR_KEY_MISMATCH = 453,
    /// The private key's type or parameters are not supported.
    FTLS_ERR_UNSUPPORTED_KEY = 454,
    /// The encrypted private key could not be decrypted with the password given.
    FTLS_ERR_BAD_PASSWORD = 455,

    /// A Rust panic was caught at the boundary. The object involved should be freed.
    FTLS_ERR_PANIC = 900,
    /// An internal error that should not happen; the detail says what.
    FTLS_ERR_INTERNAL = 901,
}

/// The small closed set of result groups, for a `switch` in C.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultCategory {
    /// `FTLS_OK`.
    FTLS_CATEGORY_OK = 0,
    /// `FTLS_WANT_READ` / `FTLS_WANT_WRITE`: not an error, call again later.
    FTLS_CATEGORY_WOULD_BLOCK = 1,
    /// `FTLS_CLOSED`: the peer ended the stream cleanly.
    FTLS_CATEGORY_CLOSED = 2,
    /// The caller misused the API (NULL, bad argument, wrong state, bad configuration).
    FTLS_CATEGORY_USAGE = 3,
    /// The transport or a file failed, or the stream was truncated.
    FTLS_CATEGORY_IO = 4,
    /// The TLS protocol failed, or the peer sent an alert.
    FTLS_CATEGORY_PROTOCOL = 5,
    /// A certificate, key or trust problem.
    FTLS_CATEGORY_CERTIFICATE = 6,
    /// A bug in ftls or a caught panic.
    FTLS_CATEGORY_INTERNAL = 7,
    /// The number is not a known `ftls_result`.
    FTLS_CATEGORY_UNKNOWN = 8,
}

use std::ffi::CStr;
use ResultCode::*;

/// Every text below is ASCII, so this never falls back.
fn text(c: &'static CStr) -> &'static str {
    c.to_str().unwrap_or("")
}

/// Every code, in numeric order (for tables and tests).
pub const ALL_CODES: &[ResultCode] = &[
    FTLS_OK,
    FTLS_WANT_READ,
    FTLS_WANT_WRITE,
    FTLS_CLOSED,
    FTLS_ERR_NULL_ARGUMENT,
    FTLS_ERR_INVALID_ARGUMENT,
    FTLS_ERR_INVALID_STATE,
    FTLS_ERR_UNSUPPORTED,
    FTLS_ERR_CONFIG,
    FTLS_ERR_INVALID_SERVER_NAME,
    FTLS_ERR_IO,
    FTLS_ERR_UNEXPECTED_EOF,
    FTLS_ERR_FILE,
    FTLS_ERR_PROTOCOL,
    FTLS_ERR_BAD_MESSAGE,
    FTLS_ERR_ALERT_RECEIVED,
    FTLS_ERR_NO_COMMON_VERSION,
    FTLS_ERR_NO_COMMON_CIPHER_SUITE,
    FTLS_ERR_NO_COMMON_ALPN,
    FTLS_ERR_HANDSHAKE_FAILURE,
    FTLS_ERR_DECRYPT,
    FTLS_ERR_CLIENT_CERT_REQUIRED,
    FTLS_ERR_CERT_INVALID,
    FTLS_ERR_CERT_UNKNOWN_ISSUER,
    FTLS_ERR_CERT_EXPIRED,
    FTLS_ERR_CERT_NOT_YET_VALID,
    FTLS_ERR_CERT_NAME_MISMATCH,
    FTLS_ERR_CERT_REVOKED,
    FTLS_ERR_CERT_BAD_USAGE,
    FTLS_ERR_CERT_REVOCATION_UNKNOWN,
    FTLS_ERR_CERT_REJECTED,
    FTLS_ERR_BAD_PEM,
    FTLS_ERR_NO_CERTIFICATE,
    FTLS_ERR_NO_PRIVATE_KEY,
    FTLS_ERR_KEY_MISMATCH,
    FTLS_ERR_UNSUPPORTED_KEY,
    FTLS_ERR_BAD_PASSWORD,
    FTLS_ERR_PANIC,
    FTLS_ERR_INTERNAL,
];

impl ResultCode {
    /// The code with this number, if there is one.
    pub fn from_number(number: i64) -> Option<Self> {
        ALL_CODES.iter().copied().find(|c| *c as i64 == number)
    }

    /// The group the code belongs to, derived from its number range.
    pub fn category(self) -> ResultCategory {
        use ResultCategory::*;
        match self as i32 {
            0 => FTLS_CATEGORY_OK,
            1..=9 => FTLS_CATEGORY_WOULD_BLOCK,
            10..=19 => FTLS_CATEGORY_CLOSED,
            100..=199 => FTLS_CATEGORY_USAGE,
            200..=299 => FTLS_CATEGORY_IO,
            300..=399 => FTLS_CATEGORY_PROTOCOL,
            400..=499 => FTLS_CATEGORY_CERTIFICATE,
            _ => FTLS_CATEGORY_INTERNAL,
        }
    }

    /// The C name of the code, e.g. `"FTLS_ERR_CERT_EXPIRED"`.
    pub fn name(self) -> &'static str {
        text(self.describe().0)
    }

    /// A short English sentence saying what the code means.
    pub fn message(self) -> &'static str {
        text(self.describe().1)
    }

    /// [`Self::name`] as a static C string, for C callers.
    pub fn name_c(self) -> &'static CStr {
        self.describe().0
    }

    /// [`Self::message`] as a static C string, for C callers.
    pub fn message_c(self) -> &'static CStr {
        self.describe().1
    }

    /// The texts are C literals so that C gets them without any allocation.
    fn describe(self) -> (&'static CStr, &'static CStr) {
        match self {
            FTLS_OK => (c"FTLS_OK", c"success"),
            FTLS_WANT_READ => (
                c"FTLS_WANT_READ",
                c"more TLS data must be read from the peer",
            ),
            FTLS_WANT_WRITE => (
                c"FTLS_WANT_WRITE",
                c"buffered TLS data must be written to the peer",
            ),
            FTLS_CLOSED => (
                c"FTLS_CLOSED",
                c"the peer closed the connection cleanly (close_notify)",
            ),
            FTLS_ERR_NULL_ARGUMENT => (
                c"FTLS_ERR_NULL_ARGUMENT",
                c"a required pointer argument is NULL",
            ),
            FTLS_ERR_INVALID_ARGUMENT => {
                (c"FTLS_ERR_INVALID_ARGUMENT", c"an argument is out of range")
            }
            FTLS_ERR_INVALID_STATE => (
                c"FTLS_ERR_INVALID_STATE",
                c"the call does not fit the object's state",
            ),
            FTLS_ERR_UNSUPPORTED => (
                c"FTLS_ERR_UNSUPPORTED",
                c"not supported by this build of ftls",
            ),
            FTLS_ERR_CONFIG => (
                c"FTLS_ERR_CONFIG",
                c"the configuration is incomplete or inconsistent",
            ),
            FTLS_ERR_INVALID_SERVER_NAME => (
                c"FTLS_ERR_INVALID_SERVER_NAME",
                c"the server name is neither a DNS name nor an IP address",
            ),
            FTLS_ERR_IO => (c"FTLS_ERR_IO", c"the transport failed"),
            FTLS_ERR_UNEXPECTED_EOF => (
                c"FTLS_ERR_UNEXPECTED_EOF",
                c"the peer closed the transport without close_notify (possible truncation)",
            ),
            FTLS_ERR_FILE => (c"FTLS_ERR_FILE", c"a file could not be read"),
            FTLS_ERR_PROTOCOL => (c"FTLS_ERR_PROTOCOL", c"the peer broke the TLS protocol"),
            FTLS_ERR_BAD_MESSAGE => (
                c"FTLS_ERR_BAD_MESSAGE",
                c"the peer sent data that is not valid TLS",
            ),
            FTLS_ERR_ALERT_RECEIVED => (c"FTLS_ERR_ALERT_RECEIVED", c"the peer sent a fatal alert"),
            FTLS_ERR_NO_COMMON_VERSION => (
                c"FTLS_ERR_NO_COMMON_VERSION",
                c"the peers have no TLS protocol version in common",
            ),
            FTLS_ERR_NO_COMMON_CIPHER_SUITE => (
                c"FTLS_ERR_NO_COMMON_CIPHER_SUITE",
                c"the peers have no cipher suite in common",
            ),
            FTLS_ERR_NO_COMMON_ALPN => (
                c"FTLS_ERR_NO_COMMON_ALPN",
                c"the peers have no ALPN protocol in common",
            ),
            FTLS_ERR_HANDSHAKE_FAILURE => (
                c"FTLS_ERR_HANDSHAKE_FAILURE",
                c"the peers have no acceptable parameters in common",
            ),
            FTLS_ERR_DECRYPT => (c"FTLS_ERR_DECRYPT", c"a record failed to decrypt or verify"),
            FTLS_ERR_CLIENT_CERT_REQUIRED => (
                c"FTLS_ERR_CLIENT_CERT_REQUIRED",
                c"a client certificate is required but none was sent",
            ),
            FTLS_ERR_CERT_INVALID => (c"FTLS_ERR_CERT_INVALID", c"the certificate is invalid"),
            FTLS_ERR_CERT_UNKNOWN_ISSUER => (
                c"FTLS_ERR_CERT_UNKNOWN_ISSUER",
                c"the certificate is not issued by a trusted CA",
            ),
            FTLS_ERR_CERT_EXPIRED => (c"FTLS_ERR_CERT_EXPIRED", c"the certificate has expired"),
            FTLS_ERR_CERT_NOT_YET_VALID => (
                c"FTLS_ERR_CERT_NOT_YET_VALID",
                c"the certificate is not valid yet",
            ),
            FTLS_ERR_CERT_NAME_MISMATCH => (
                c"FTLS_ERR_CERT_NAME_MISMATCH",
                c"the certificate is not valid for the expected name",
            ),
            FTLS_ERR_CERT_REVOKED => (
                c"FTLS_ERR_CERT_REVOKED",
                c"the certificate has been revoked",
            ),
            FTLS_ERR_CERT_BAD_USAGE => (
                c"FTLS_ERR_CERT_BAD_USAGE",
                c"the certificate may not be used for this purpose",
            ),
            FTLS_ERR_CERT_REVOCATION_UNKNOWN => (
                c"FTLS_ERR_CERT_REVOCATION_UNKNOWN",
                c"the certificate's revocation status is unknown",
            ),
            FTLS_ERR_CERT_REJECTED => (
                c"FTLS_ERR_CERT_REJECTED",
                c"the application's verification callback rejected the certificate",
            ),
            FTLS_ERR_BAD_PEM => (c"FTLS_ERR_BAD_PEM", c"the input is not valid PEM or DER"),
            FTLS_ERR_NO_CERTIFICATE => (
                c"FTLS_ERR_NO_CERTIFICATE",
                c"the input holds no certificate",
            ),
            FTLS_ERR_NO_PRIVATE_KEY => (
                c"FTLS_ERR_NO_PRIVATE_KEY",
                c"the input holds no private key",
            ),
            FTLS_ERR_KEY_MISMATCH => (
                c"FTLS_ERR_KEY_MISMATCH",
                c"the private key does not match the certificate",
            ),
            FTLS_ERR_UNSUPPORTED_KEY => (
                c"FTLS_ERR_UNSUPPORTED_KEY",
                c"the private key type is not supported",
            ),
            FTLS_ERR_BAD_PASSWORD => (
                c"FTLS_ERR_BAD_PASSWORD",
                c"the private key could not be decrypted with the password given",
            ),
            FTLS_ERR_PANIC => (c"FTLS_ERR_PANIC", c"a panic was caught inside ftls"),
            FTLS_ERR_INTERNAL => (c"FTLS_ERR_INTERNAL", c"an internal error occurred in ftls"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_sorted_unique_and_names_match_variants() {
        for pair in ALL_CODES.windows(2) {
            assert!((pair[0] as i32) < (pair[1] as i32), "{pair:?} out of order");
        }
        for code in ALL_CODES {
            assert_eq!(code.name(), format!("{code:?}"));
            assert_eq!(ResultCode::from_number(*code as i64), Some(*code));
            assert_ne!(code.category(), ResultCategory::FTLS_CATEGORY_UNKNOWN);
        }
        assert_eq!(ResultCode::from_number(12345), None);
    }

    #[test]
    fn categories_follow_ranges() {
        assert_eq!(
            FTLS_WANT_WRITE.category(),
            ResultCategory::FTLS_CATEGORY_WOULD_BLOCK
        );
        assert_eq!(FTLS_CLOSED.category(), ResultCategory::FTLS_CATEGORY_CLOSED);
        assert_eq!(
            FTLS_ERR_UNEXPECTED_EOF.category(),
            ResultCategory::FTLS_CATEGORY_IO
        );
        assert_eq!(
            FTLS_ERR_KEY_MISMATCH.category(),
            ResultCategory::FTLS_CATEGORY_CERTIFICATE
        );
        assert_eq!(
            FTLS_ERR_PANIC.category(),
            ResultCategory::FTLS_CATEGORY_INTERNAL
        );
    }
}
