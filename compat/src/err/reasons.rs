//! OpenSSL 3.0's library and reason codes, and their strings (the codes are facts of the
//! OpenSSL API, equal to its headers'; programs compare ERR_GET_REASON against them).

use std::ffi::{c_int, CStr, CString};
use std::sync::OnceLock;

pub const ERR_LIB_NONE: c_int = 1;
pub const ERR_LIB_SYS: c_int = 2;
pub const ERR_LIB_EVP: c_int = 6;
pub const ERR_LIB_BUF: c_int = 7;
pub const ERR_LIB_OBJ: c_int = 8;
pub const ERR_LIB_PEM: c_int = 9;
pub const ERR_LIB_X509: c_int = 11;
pub const ERR_LIB_ASN1: c_int = 13;
pub const ERR_LIB_CONF: c_int = 14;
pub const ERR_LIB_CRYPTO: c_int = 15;
pub const ERR_LIB_EC: c_int = 16;
pub const ERR_LIB_SSL: c_int = 20;
pub const ERR_LIB_BIO: c_int = 32;
pub const ERR_LIB_X509V3: c_int = 34;
pub const ERR_LIB_RAND: c_int = 36;
pub const ERR_LIB_ENGINE: c_int = 38;
pub const ERR_LIB_PKCS12: c_int = 35;
pub const ERR_LIB_HMAC: c_int = 48;
pub const ERR_LIB_PROV: c_int = 57;
pub const ERR_LIB_OSSL_DECODER: c_int = 60;

const ERR_RFLAG_FATAL: c_int = 0x1 << 18;
const ERR_RFLAG_COMMON: c_int = 0x2 << 18;
const ERR_R_FATAL: c_int = ERR_RFLAG_FATAL | ERR_RFLAG_COMMON;

pub const ERR_R_SYS_LIB: c_int = ERR_LIB_SYS | ERR_RFLAG_COMMON;
pub const ERR_R_EVP_LIB: c_int = ERR_LIB_EVP | ERR_RFLAG_COMMON;
pub const ERR_R_PEM_LIB: c_int = ERR_LIB_PEM | ERR_RFLAG_COMMON;
pub const ERR_R_X509_LIB: c_int = ERR_LIB_X509 | ERR_RFLAG_COMMON;
pub const ERR_R_ASN1_LIB: c_int = ERR_LIB_ASN1 | ERR_RFLAG_COMMON;
pub const ERR_R_SSL_LIB: c_int = ERR_LIB_SSL | ERR_RFLAG_COMMON;
pub const ERR_R_BIO_LIB: c_int = ERR_LIB_BIO | ERR_RFLAG_COMMON;
pub const ERR_R_MALLOC_FAILURE: c_int = 256 | ERR_R_FATAL;
pub const ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED: c_int = 257 | ERR_R_FATAL;
pub const ERR_R_PASSED_NULL_PARAMETER: c_int = 258 | ERR_R_FATAL;
pub const ERR_R_INTERNAL_ERROR: c_int = 259 | ERR_R_FATAL;
pub const ERR_R_DISABLED: c_int = 260 | ERR_R_FATAL;
pub const ERR_R_INIT_FAIL: c_int = 261 | ERR_R_FATAL;
pub const ERR_R_PASSED_INVALID_ARGUMENT: c_int = 262 | ERR_RFLAG_COMMON;
pub const ERR_R_OPERATION_FAIL: c_int = 263 | ERR_R_FATAL;
pub const ERR_R_UNSUPPORTED: c_int = 268 | ERR_RFLAG_COMMON;

pub const SSL_R_BAD_LENGTH: c_int = 271;
pub const SSL_R_BAD_VALUE: c_int = 384;
pub const SSL_R_BAD_SSL_FILETYPE: c_int = 124;
pub const SSL_R_BIO_NOT_SET: c_int = 128;
pub const SSL_R_CERTIFICATE_VERIFY_FAILED: c_int = 134;
pub const SSL_R_CONNECTION_TYPE_NOT_SET: c_int = 144;
pub const SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC: c_int = 281;
pub const SSL_R_EXCESSIVE_MESSAGE_SIZE: c_int = 152;
pub const SSL_R_HTTP_REQUEST: c_int = 156;
pub const SSL_R_INVALID_COMMAND: c_int = 280;
pub const SSL_R_LENGTH_TOO_LONG: c_int = 404;
pub const SSL_R_NO_APPLICATION_PROTOCOL: c_int = 235;
pub const SSL_R_CALLBACK_FAILED: c_int = 234;
pub const SSL_R_NO_CERTIFICATE_ASSIGNED: c_int = 177;
pub const SSL_R_NO_CIPHER_MATCH: c_int = 185;
pub const SSL_R_NO_PRIVATE_KEY_ASSIGNED: c_int = 190;
pub const SSL_R_NO_PROTOCOLS_AVAILABLE: c_int = 191;
pub const SSL_R_NO_RENEGOTIATION: c_int = 339;
pub const SSL_R_NO_SHARED_CIPHER: c_int = 193;
pub const SSL_R_NO_SHARED_GROUPS: c_int = 410;
pub const SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM: c_int = 118;
pub const SSL_R_NULL_SSL_CTX: c_int = 195;
pub const SSL_R_PACKET_LENGTH_TOO_LONG: c_int = 198;
pub const SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE: c_int = 199;
pub const SSL_R_PRIVATE_KEY_MISMATCH: c_int = 288;
pub const SSL_R_PROTOCOL_IS_SHUTDOWN: c_int = 207;
pub const SSL_R_READ_BIO_NOT_SET: c_int = 211;
pub const SSL_R_SHUTDOWN_WHILE_IN_INIT: c_int = 407;
pub const SSL_R_SSL_HANDSHAKE_FAILURE: c_int = 229;
pub const SSL_R_SSL_NEGATIVE_LENGTH: c_int = 372;
pub const SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG: c_int = 273;
pub const SSL_R_SSL3_EXT_INVALID_SERVERNAME: c_int = 319;
pub const SSL_R_UNEXPECTED_EOF_WHILE_READING: c_int = 294;
pub const SSL_R_UNEXPECTED_MESSAGE: c_int = 244;
pub const SSL_R_UNEXPECTED_RECORD: c_int = 245;
pub const SSL_R_UNINITIALIZED: c_int = 276;
pub const SSL_R_UNKNOWN_CMD_NAME: c_int = 386;
pub const SSL_R_UNKNOWN_PROTOCOL: c_int = 252;
pub const SSL_R_UNSUPPORTED_COMPRESSION_ALGORITHM: c_int = 257;
pub const SSL_R_UNSUPPORTED_PROTOCOL: c_int = 258;
pub const SSL_R_UNSUPPORTED_SSL_VERSION: c_int = 259;
pub const SSL_R_VERSION_TOO_HIGH: c_int = 166;
pub const SSL_R_VERSION_TOO_LOW: c_int = 396;
pub const SSL_R_WRONG_VERSION_NUMBER: c_int = 267;
pub const SSL_R_X509_LIB: c_int = 268;
/// A received alert's reason is this plus the alert's number.
pub const SSL_AD_REASON_OFFSET: c_int = 1000;

pub const X509_R_CERT_ALREADY_IN_HASH_TABLE: c_int = 101;
pub const X509_R_KEY_VALUES_MISMATCH: c_int = 116;
pub const X509_R_NO_CERT_SET_FOR_US_TO_VERIFY: c_int = 105;
pub const X509_R_UNSUPPORTED_ALGORITHM: c_int = 111;
pub const PEM_R_BAD_BASE64_DECODE: c_int = 100;
pub const PEM_R_BAD_DECRYPT: c_int = 101;
pub const PEM_R_BAD_PASSWORD_READ: c_int = 104;
pub const PEM_R_NO_START_LINE: c_int = 108;
pub const ASN1_R_HEADER_TOO_LONG: c_int = 123;
pub const ASN1_R_TOO_LARGE: c_int = 223;
pub const ASN1_R_WRONG_TAG: c_int = 168;
pub const PKCS12_R_PKCS12_CIPHERFINAL_ERROR: c_int = 116;
pub const PROV_R_BAD_DECRYPT: c_int = 100;
pub const EVP_R_MESSAGE_DIGEST_IS_NULL: c_int = 159;
pub const BIO_R_BROKEN_PIPE: c_int = 124;
pub const BIO_R_CONNECT_ERROR: c_int = 103;
pub const BIO_R_INVALID_ARGUMENT: c_int = 125;
pub const BIO_R_NO_SUCH_FILE: c_int = 128;
pub const BIO_R_ACCEPT_ERROR: c_int = 100;
pub const BIO_R_LOOKUP_RETURNED_NOTHING: c_int = 142;
pub const BIO_R_NBIO_CONNECT_ERROR: c_int = 110;
pub const BIO_R_NO_ACCEPT_ADDR_OR_SERVICE_SPECIFIED: c_int = 143;
pub const BIO_R_NO_HOSTNAME_OR_SERVICE_SPECIFIED: c_int = 144;
pub const BIO_R_UNABLE_TO_BIND_SOCKET: c_int = 117;
pub const BIO_R_UNABLE_TO_CREATE_SOCKET: c_int = 118;
pub const BIO_R_UNABLE_TO_LISTEN_SOCKET: c_int = 119;
pub const BIO_R_UNINITIALIZED: c_int = 120;
pub const BIO_R_UNSUPPORTED_METHOD: c_int = 121;
pub const BIO_R_WRITE_TO_READ_ONLY_BIO: c_int = 126;

/// The libraries' names, as OpenSSL prints them.
const LIBRARIES: &[(c_int, &CStr)] = &[
    (ERR_LIB_NONE, c"unknown library"),
    (ERR_LIB_SYS, c"system library"),
    (3, c"bignum routines"),
    (4, c"rsa routines"),
    (ERR_LIB_EVP, c"digital envelope routines"),
    (ERR_LIB_BUF, c"memory buffer routines"),
    (ERR_LIB_OBJ, c"object identifier routines"),
    (ERR_LIB_PEM, c"PEM routines"),
    (ERR_LIB_X509, c"x509 certificate routines"),
    (ERR_LIB_ASN1, c"asn1 encoding routines"),
    (ERR_LIB_CONF, c"configuration file routines"),
    (ERR_LIB_CRYPTO, c"common libcrypto routines"),
    (ERR_LIB_EC, c"elliptic curve routines"),
    (ERR_LIB_SSL, c"SSL routines"),
    (ERR_LIB_BIO, c"BIO routines"),
    (ERR_LIB_X509V3, c"X509 V3 routines"),
    (ERR_LIB_RAND, c"random number generator"),
    (ERR_LIB_PKCS12, c"PKCS12 routines"),
    (ERR_LIB_ENGINE, c"engine routines"),
    (ERR_LIB_HMAC, c"HMAC routines"),
    (ERR_LIB_PROV, c"Provider routines"),
    (ERR_LIB_OSSL_DECODER, c"DECODER routines"),
];

/// Reasons by (library, reason); library 0 holds the reasons common to every library.
const REASONS: &[(c_int, c_int, &CStr)] = &[
    (0, ERR_R_SYS_LIB, c"system lib"),
    (0, ERR_R_EVP_LIB, c"EVP lib"),
    (0, ERR_R_PEM_LIB, c"PEM lib"),
    (0, ERR_R_X509_LIB, c"X509 lib"),
    (0, ERR_R_ASN1_LIB, c"ASN1 lib"),
    (0, ERR_R_SSL_LIB, c"SSL lib"),
    (0, ERR_R_BIO_LIB, c"BIO lib"),
    (0, ERR_R_MALLOC_FAILURE, c"malloc failure"),
    (
        0,
        ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED,
        c"called a function you should not call",
    ),
    (0, ERR_R_PASSED_NULL_PARAMETER, c"passed a null parameter"),
    (0, ERR_R_INTERNAL_ERROR, c"internal error"),
    (
        0,
        ERR_R_DISABLED,
        c"called a function that was disabled at compile-time",
    ),
    (0, ERR_R_INIT_FAIL, c"init fail"),
    (0, ERR_R_PASSED_INVALID_ARGUMENT, c"passed invalid argument"),
    (0, ERR_R_OPERATION_FAIL, c"operation fail"),
    (0, ERR_R_UNSUPPORTED, c"unsupported"),
    (ERR_LIB_SSL, SSL_R_BAD_LENGTH, c"bad length"),
    (ERR_LIB_SSL, SSL_R_BAD_VALUE, c"bad value"),
    (ERR_LIB_SSL, SSL_R_BAD_SSL_FILETYPE, c"bad ssl filetype"),
    (ERR_LIB_SSL, SSL_R_BIO_NOT_SET, c"bio not set"),
    (
        ERR_LIB_SSL,
        SSL_R_CERTIFICATE_VERIFY_FAILED,
        c"certificate verify failed",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_CONNECTION_TYPE_NOT_SET,
        c"connection type not set",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC,
        c"decryption failed or bad record mac",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_EXCESSIVE_MESSAGE_SIZE,
        c"excessive message size",
    ),
    (ERR_LIB_SSL, SSL_R_HTTP_REQUEST, c"http request"),
    (ERR_LIB_SSL, SSL_R_INVALID_COMMAND, c"invalid command"),
    (ERR_LIB_SSL, SSL_R_LENGTH_TOO_LONG, c"length too long"),
    (
        ERR_LIB_SSL,
        SSL_R_NO_APPLICATION_PROTOCOL,
        c"no application protocol",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_NO_CERTIFICATE_ASSIGNED,
        c"no certificate assigned",
    ),
    (ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH, c"no cipher match"),
    (
        ERR_LIB_SSL,
        SSL_R_NO_PRIVATE_KEY_ASSIGNED,
        c"no private key assigned",
    ),
    (ERR_LIB_SSL, SSL_R_CALLBACK_FAILED, c"callback failed"),
    (
        ERR_LIB_SSL,
        SSL_R_NO_PROTOCOLS_AVAILABLE,
        c"no protocols available",
    ),
    (ERR_LIB_SSL, SSL_R_NO_RENEGOTIATION, c"no renegotiation"),
    (ERR_LIB_SSL, SSL_R_NO_SHARED_CIPHER, c"no shared cipher"),
    (ERR_LIB_SSL, SSL_R_NO_SHARED_GROUPS, c"no shared groups"),
    (
        ERR_LIB_SSL,
        SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM,
        c"no suitable signature algorithm",
    ),
    (ERR_LIB_SSL, SSL_R_NULL_SSL_CTX, c"null ssl ctx passed"),
    (
        ERR_LIB_SSL,
        SSL_R_PACKET_LENGTH_TOO_LONG,
        c"packet length too long",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE,
        c"peer did not return a certificate",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_PRIVATE_KEY_MISMATCH,
        c"private key mismatch",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_PROTOCOL_IS_SHUTDOWN,
        c"protocol is shutdown",
    ),
    (ERR_LIB_SSL, SSL_R_READ_BIO_NOT_SET, c"read bio not set"),
    (
        ERR_LIB_SSL,
        SSL_R_SHUTDOWN_WHILE_IN_INIT,
        c"shutdown while in init",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_SSL_HANDSHAKE_FAILURE,
        c"ssl handshake failure",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_SSL_NEGATIVE_LENGTH,
        c"ssl negative length",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG,
        c"ssl session id context too long",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_UNEXPECTED_EOF_WHILE_READING,
        c"unexpected eof while reading",
    ),
    (ERR_LIB_SSL, SSL_R_UNEXPECTED_MESSAGE, c"unexpected message"),
    (ERR_LIB_SSL, SSL_R_UNEXPECTED_RECORD, c"unexpected record"),
    (ERR_LIB_SSL, SSL_R_UNINITIALIZED, c"uninitialized"),
    (ERR_LIB_SSL, SSL_R_UNKNOWN_CMD_NAME, c"unknown cmd name"),
    (ERR_LIB_SSL, SSL_R_UNKNOWN_PROTOCOL, c"unknown protocol"),
    (
        ERR_LIB_SSL,
        SSL_R_UNSUPPORTED_COMPRESSION_ALGORITHM,
        c"unsupported compression algorithm",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_UNSUPPORTED_PROTOCOL,
        c"unsupported protocol",
    ),
    (
        ERR_LIB_SSL,
        SSL_R_UNSUPPORTED_SSL_VERSION,
        c"unsupported ssl version",
    ),
    (ERR_LIB_SSL, SSL_R_VERSION_TOO_HIGH, c"version too high"),
    (ERR_LIB_SSL, SSL_R_VERSION_TOO_LOW, c"version too low"),
    (
        ERR_LIB_SSL,
        SSL_R_WRONG_VERSION_NUMBER,
        c"wrong version number",
    ),
    (ERR_LIB_SSL, SSL_R_X509_LIB, c"x509 lib"),
    (ERR_LIB_SSL, 1010, c"sslv3 alert unexpected message"),
    (ERR_LIB_SSL, 1020, c"sslv3 alert bad record mac"),
    (ERR_LIB_SSL, 1022, c"tlsv1 alert record overflow"),
    (ERR_LIB_SSL, 1030, c"sslv3 alert decompression failure"),
    (ERR_LIB_SSL, 1040, c"sslv3 alert handshake failure"),
    (ERR_LIB_SSL, 1041, c"sslv3 alert no certificate"),
    (ERR_LIB_SSL, 1042, c"sslv3 alert bad certificate"),
    (ERR_LIB_SSL, 1043, c"sslv3 alert unsupported certificate"),
    (ERR_LIB_SSL, 1044, c"sslv3 alert certificate revoked"),
    (ERR_LIB_SSL, 1045, c"sslv3 alert certificate expired"),
    (ERR_LIB_SSL, 1046, c"sslv3 alert certificate unknown"),
    (ERR_LIB_SSL, 1047, c"sslv3 alert illegal parameter"),
    (ERR_LIB_SSL, 1048, c"tlsv1 alert unknown ca"),
    (ERR_LIB_SSL, 1049, c"tlsv1 alert access denied"),
    (ERR_LIB_SSL, 1050, c"tlsv1 alert decode error"),
    (ERR_LIB_SSL, 1051, c"tlsv1 alert decrypt error"),
    (ERR_LIB_SSL, 1070, c"tlsv1 alert protocol version"),
    (ERR_LIB_SSL, 1071, c"tlsv1 alert insufficient security"),
    (ERR_LIB_SSL, 1080, c"tlsv1 alert internal error"),
    (ERR_LIB_SSL, 1086, c"tlsv1 alert inappropriate fallback"),
    (ERR_LIB_SSL, 1090, c"tlsv1 alert user cancelled"),
    (ERR_LIB_SSL, 1100, c"tlsv1 alert no renegotiation"),
    (ERR_LIB_SSL, 1109, c"tlsv13 alert missing extension"),
    (ERR_LIB_SSL, 1110, c"tlsv1 unsupported extension"),
    (ERR_LIB_SSL, 1112, c"tlsv1 unrecognized name"),
    (ERR_LIB_SSL, 1113, c"tlsv1 bad certificate status response"),
    (ERR_LIB_SSL, 1116, c"tlsv13 alert certificate required"),
    (ERR_LIB_SSL, 1120, c"tlsv1 alert no application protocol"),
    (
        ERR_LIB_X509,
        X509_R_CERT_ALREADY_IN_HASH_TABLE,
        c"cert already in hash table",
    ),
    (
        ERR_LIB_X509,
        X509_R_KEY_VALUES_MISMATCH,
        c"key values mismatch",
    ),
    (
        ERR_LIB_X509,
        X509_R_NO_CERT_SET_FOR_US_TO_VERIFY,
        c"no cert set for us to verify",
    ),
    (
        ERR_LIB_X509,
        X509_R_UNSUPPORTED_ALGORITHM,
        c"unsupported algorithm",
    ),
    (ERR_LIB_PEM, PEM_R_BAD_BASE64_DECODE, c"bad base64 decode"),
    (ERR_LIB_PEM, PEM_R_BAD_DECRYPT, c"bad decrypt"),
    (ERR_LIB_PEM, PEM_R_BAD_PASSWORD_READ, c"bad password read"),
    (ERR_LIB_PEM, PEM_R_NO_START_LINE, c"no start line"),
    (ERR_LIB_ASN1, ASN1_R_HEADER_TOO_LONG, c"header too long"),
    (ERR_LIB_ASN1, ASN1_R_TOO_LARGE, c"too large"),
    (ERR_LIB_ASN1, ASN1_R_WRONG_TAG, c"wrong tag"),
    (
        ERR_LIB_PKCS12,
        PKCS12_R_PKCS12_CIPHERFINAL_ERROR,
        c"pkcs12 cipherfinal error",
    ),
    (ERR_LIB_PROV, PROV_R_BAD_DECRYPT, c"bad decrypt"),
    (
        ERR_LIB_EVP,
        EVP_R_MESSAGE_DIGEST_IS_NULL,
        c"message digest is null",
    ),
    (ERR_LIB_BIO, BIO_R_BROKEN_PIPE, c"broken pipe"),
    (ERR_LIB_BIO, BIO_R_CONNECT_ERROR, c"connect error"),
    (ERR_LIB_BIO, BIO_R_INVALID_ARGUMENT, c"invalid argument"),
    (ERR_LIB_BIO, BIO_R_NO_SUCH_FILE, c"no such file"),
    (ERR_LIB_BIO, BIO_R_ACCEPT_ERROR, c"accept error"),
    (
        ERR_LIB_BIO,
        BIO_R_LOOKUP_RETURNED_NOTHING,
        c"lookup returned nothing",
    ),
    (ERR_LIB_BIO, BIO_R_NBIO_CONNECT_ERROR, c"nbio connect error"),
    (
        ERR_LIB_BIO,
        BIO_R_NO_ACCEPT_ADDR_OR_SERVICE_SPECIFIED,
        c"no accept addr or service specified",
    ),
    (
        ERR_LIB_BIO,
        BIO_R_NO_HOSTNAME_OR_SERVICE_SPECIFIED,
        c"no hostname or service specified",
    ),
    (
        ERR_LIB_BIO,
        BIO_R_UNABLE_TO_BIND_SOCKET,
        c"unable to bind socket",
    ),
    (
        ERR_LIB_BIO,
        BIO_R_UNABLE_TO_CREATE_SOCKET,
        c"unable to create socket",
    ),
    (
        ERR_LIB_BIO,
        BIO_R_UNABLE_TO_LISTEN_SOCKET,
        c"unable to listen socket",
    ),
    (ERR_LIB_BIO, BIO_R_UNINITIALIZED, c"uninitialized"),
    (ERR_LIB_BIO, BIO_R_UNSUPPORTED_METHOD, c"unsupported method"),
    (
        ERR_LIB_BIO,
        BIO_R_WRITE_TO_READ_ONLY_BIO,
        c"write to read only BIO",
    ),
];

/// The library's name of a packed code.
pub fn lib_string(code: u64) -> Option<&'static CStr> {
    let lib = super::lib_of(code);
    LIBRARIES
        .iter()
        .find(|(number, _)| *number == lib)
        .map(|(_, name)| *name)
}

/// OpenSSL's system-error strings: strerror's text, made once.
fn system_reason(errno: c_int) -> Option<&'static CStr> {
    static TEXTS: OnceLock<Vec<CString>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        (0..128)
            .map(|errno| {
                let text = std::io::Error::from_raw_os_error(errno).to_string();
                // std appends " (os error N)"; OpenSSL prints strerror's text alone.
                let text = text
                    .split(" (os error")
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                CString::new(text).unwrap_or_default()
            })
            .collect()
    });
    usize::try_from(errno)
        .ok()
        .and_then(|i| texts.get(i))
        .map(CString::as_c_str)
}

/// The reason's text of a packed code, as a static C string.
pub fn reason_cstr(code: u64) -> Option<&'static CStr> {
    let lib = super::lib_of(code);
    let reason = super::reason_of(code);
    if lib == ERR_LIB_SYS {
        return system_reason(reason);
    }
    let find = |lib: c_int| {
        REASONS
            .iter()
            .find(|(l, r, _)| *l == lib && *r == reason)
            .map(|(_, _, text)| *text)
    };
    find(lib).or_else(|| find(0))
}

/// The reason's text of a packed code.
pub fn reason_string(code: u64) -> Option<String> {
    reason_cstr(code).map(|text| text.to_string_lossy().into_owned())
}
