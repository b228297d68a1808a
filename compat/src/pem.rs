//! PEM: certificates and private keys read from a stdio stream or a BIO one block at a time
//! (a loop reads every certificate of a bundle), decoded by ftls' core (rustls-pki-types'
//! PEM reader, PKCS#8 decryption); certificates written back as PEM.

use crate::bio::BIO;
use crate::err::{self, ERR_LIB_PEM};
use crate::evp::pkey::EVP_PKEY;
use crate::ffi::{self, borrow, guard};
use crate::x509::output::Sink;
use crate::x509::{replace_out, x509, X509};
use ftls::core::KeyPassword;
use ftls::core::ResultCode;
use ftls::core::{certificates_from_pem, private_key_from_pem};
use std::ffi::{c_char, c_int, c_void};
use x509_cert::der::pem::LineEnding;
use zeroize::Zeroizing;

/// The password callback programs give (`pem_password_cb`).
pub type PasswordCallback = unsafe extern "C" fn(
    buf: *mut c_char,
    size: c_int,
    rwflag: c_int,
    userdata: *mut c_void,
) -> c_int;

/// The header of keys encrypted the pre-PKCS#8 way (`openssl rsa -aes256`).
const LEGACY_ENCRYPTION: &[u8] = b"Proc-Type: 4,ENCRYPTED";

/// OpenSSL's PEM_BUFSIZE: the room a password callback gets.
const PASSWORD_ROOM: usize = 1024;
/// A PEM line longer than this is not PEM (and is not worth buffering).
const MAX_LINE: usize = 64 * 1024;

const CERTIFICATE_LABELS: &[&str] = &["CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"];
const KEY_LABELS: &[&str] = &[
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
];

/// Where PEM text comes from, a line at a time (each with its newline, if any).
enum Source {
    File(*mut libc::FILE),
    Bio(*mut BIO),
}

impl Source {
    fn next_line(&self) -> Option<Vec<u8>> {
        match *self {
            Source::File(file) => file_line(file),
            Source::Bio(bio) => {
                // SAFETY: a non-NULL BIO is one of this library's, alive for the call.
                bio_line(unsafe { borrow(bio) }?)
            }
        }
    }
}

fn file_line(file: *mut libc::FILE) -> Option<Vec<u8>> {
    if file.is_null() {
        return None;
    }
    let mut line = Vec::new();
    loop {
        // SAFETY: a stdio stream the caller opened for reading.
        let c = unsafe { libc::fgetc(file) };
        if c == libc::EOF {
            break;
        }
        line.push(c as u8);
        if c == c_int::from(b'\n') || line.len() >= MAX_LINE {
            break;
        }
    }
    (!line.is_empty()).then_some(line)
}

fn bio_line(bio: &BIO) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    let mut chunk = [0u8; 256];
    loop {
        let n = bio.gets(&mut chunk);
        if n == -2 {
            // A BIO without gets (a socket): one byte at a time, never past the line.
            let mut byte = [0u8; 1];
            while bio.read(&mut byte) == 1 {
                line.push(byte[0]);
                if byte[0] == b'\n' || line.len() >= MAX_LINE {
                    break;
                }
            }
            break;
        }
        let Ok(n) = usize::try_from(n) else {
            break;
        };
        if n == 0 {
            break;
        }
        line.extend_from_slice(&chunk[..n]);
        if chunk[n - 1] == b'\n' || line.len() >= MAX_LINE {
            break;
        }
    }
    (!line.is_empty()).then_some(line)
}

/// The next PEM block whose label is one of `labels`, as text from its BEGIN line to its END
/// line; other blocks and text are skipped. None at the end of the input.
fn next_block(source: &Source, labels: &[&str]) -> Option<(String, Vec<u8>)> {
    let mut current: Option<(String, Vec<u8>)> = None;
    while let Some(line) = source.next_line() {
        let text = String::from_utf8_lossy(&line);
        let trimmed = text.trim_end();
        match &mut current {
            None => {
                let label = trimmed
                    .strip_prefix("-----BEGIN ")
                    .and_then(|rest| rest.strip_suffix("-----"));
                if let Some(label) = label.filter(|label| labels.contains(label)) {
                    current = Some((label.to_owned(), line.clone()));
                }
            }
            Some((label, block)) => {
                block.extend_from_slice(&line);
                if trimmed == format!("-----END {label}-----") {
                    return current;
                }
            }
        }
    }
    None
}

fn no_start_line(function: &'static str, what: &str) {
    err::raise(
        ERR_LIB_PEM,
        err::PEM_R_NO_START_LINE,
        function,
        format!("Expecting: {what}"),
    );
}

fn read_certificate(function: &'static str, source: Source, out: *mut *mut X509) -> *mut X509 {
    guard(function, std::ptr::null_mut(), || {
        let Some((label, block)) = next_block(&source, CERTIFICATE_LABELS) else {
            no_start_line(function, "CERTIFICATE");
            return std::ptr::null_mut();
        };
        // The core's reader knows the plain label; the body is the same.
        let text = String::from_utf8_lossy(&block).replace(&label, "CERTIFICATE");
        let Ok(certs) = certificates_from_pem(text.as_bytes(), "the PEM block") else {
            // OpenSSL's record for a body that is not base64, without data.
            err::raise(ERR_LIB_PEM, err::PEM_R_BAD_BASE64_DECODE, function, "");
            return std::ptr::null_mut();
        };
        let parsed = X509::from_der(certs[0].as_ref());
        match parsed {
            Ok(cert) => {
                let new = ffi::into_c(cert);
                replace_out(out, new);
                new
            }
            Err(detail) => {
                err::raise(err::ERR_LIB_ASN1, err::ASN1_R_WRONG_TAG, function, detail);
                std::ptr::null_mut()
            }
        }
    })
}

/// Reads the next certificate from a stdio stream (see pem.h): a new reference, also stored in
/// `*x` if `x` is not NULL; NULL at the end of the input (PEM_R_NO_START_LINE) or for an invalid
/// certificate (an ASN1 error). `cb` and `u` are not used.
#[no_mangle]
pub extern "C" fn PEM_read_X509(
    fp: *mut libc::FILE,
    x: *mut *mut X509,
    _cb: Option<PasswordCallback>,
    _u: *mut c_void,
) -> *mut X509 {
    read_certificate("PEM_read_X509", Source::File(fp), x)
}

/// As `PEM_read_X509`, from a BIO.
#[no_mangle]
pub extern "C" fn PEM_read_bio_X509(
    bp: *mut BIO,
    x: *mut *mut X509,
    _cb: Option<PasswordCallback>,
    _u: *mut c_void,
) -> *mut X509 {
    read_certificate("PEM_read_bio_X509", Source::Bio(bp), x)
}

/// As `PEM_read_X509` (the trust settings OpenSSL may append are not kept).
#[no_mangle]
pub extern "C" fn PEM_read_X509_AUX(
    fp: *mut libc::FILE,
    x: *mut *mut X509,
    cb: Option<PasswordCallback>,
    u: *mut c_void,
) -> *mut X509 {
    PEM_read_X509(fp, x, cb, u)
}

/// As `PEM_read_bio_X509` (the trust settings OpenSSL may append are not kept).
#[no_mangle]
pub extern "C" fn PEM_read_bio_X509_AUX(
    bp: *mut BIO,
    x: *mut *mut X509,
    cb: Option<PasswordCallback>,
    u: *mut c_void,
) -> *mut X509 {
    PEM_read_bio_X509(bp, x, cb, u)
}

/// The password for an encrypted key: from the callback, else `u` as a C string.
fn password(
    function: &'static str,
    cb: Option<PasswordCallback>,
    u: *mut c_void,
) -> Option<KeyPassword> {
    let Some(cb) = cb else {
        // SAFETY: with no callback, OpenSSL reads `u` as the password, a NUL-terminated string.
        return match unsafe { ffi::cstr_arg(u.cast_const().cast()) } {
            Some(text) => Some(KeyPassword::new(text.to_bytes())),
            None => {
                err::raise(
                    ERR_LIB_PEM,
                    err::PEM_R_BAD_PASSWORD_READ,
                    function,
                    "the key is encrypted and no password callback (or password in u) was given: \
                     this library does not prompt on the terminal",
                );
                None
            }
        };
    };
    let mut buffer = Zeroizing::new([0u8; PASSWORD_ROOM]);
    // SAFETY: the program's callback, given a buffer of PASSWORD_ROOM writable bytes.
    let n = unsafe { cb(buffer.as_mut_ptr().cast(), PASSWORD_ROOM as c_int, 0, u) };
    match usize::try_from(n) {
        Ok(n) if n > 0 && n <= PASSWORD_ROOM => Some(KeyPassword::new(&buffer[..n])),
        _ => {
            err::raise(
                ERR_LIB_PEM,
                err::PEM_R_BAD_PASSWORD_READ,
                function,
                format!("the password callback returned {n}"),
            );
            None
        }
    }
}

fn read_private_key(
    function: &'static str,
    source: Source,
    out: *mut *mut EVP_PKEY,
    cb: Option<PasswordCallback>,
    u: *mut c_void,
) -> *mut EVP_PKEY {
    guard(function, std::ptr::null_mut(), || {
        let Some((label, block)) = next_block(&source, KEY_LABELS) else {
            err::raise(
                err::ERR_LIB_OSSL_DECODER,
                err::ERR_R_UNSUPPORTED,
                function,
                "No supported data to decode. Input type: PEM",
            );
            return std::ptr::null_mut();
        };
        if block
            .windows(LEGACY_ENCRYPTION.len())
            .any(|w| w == LEGACY_ENCRYPTION)
        {
            err::raise(
                ERR_LIB_PEM,
                err::PEM_R_BAD_DECRYPT,
                function,
                "the key uses the legacy 'Proc-Type: 4,ENCRYPTED' PEM encryption, which is not \
                 supported: convert it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'",
            );
            return std::ptr::null_mut();
        }
        let key_password = if label == "ENCRYPTED PRIVATE KEY" {
            match password(function, cb, u) {
                Some(password) => Some(password),
                None => return std::ptr::null_mut(),
            }
        } else {
            None
        };
        let decoded = private_key_from_pem(&block, "the PEM key", key_password.as_ref());
        let key = match decoded {
            Ok(der) => EVP_PKEY::from_private_key(der),
            Err(error) if error.code() == ResultCode::FTLS_ERR_BAD_PASSWORD => {
                // OpenSSL 3.0's records for a wrong password, then ftls' detail.
                err::raise(err::ERR_LIB_PROV, err::PROV_R_BAD_DECRYPT, function, "");
                err::raise(
                    err::ERR_LIB_PKCS12,
                    err::PKCS12_R_PKCS12_CIPHERFINAL_ERROR,
                    function,
                    format!("maybe wrong password ({})", error.detail()),
                );
                return std::ptr::null_mut();
            }
            Err(error) => {
                let reason = match error.code() {
                    ResultCode::FTLS_ERR_UNSUPPORTED_KEY => err::PEM_R_BAD_DECRYPT,
                    _ => err::ASN1_R_WRONG_TAG,
                };
                let lib = if reason == err::PEM_R_BAD_DECRYPT {
                    ERR_LIB_PEM
                } else {
                    err::ERR_LIB_ASN1
                };
                err::raise(lib, reason, function, error.detail());
                return std::ptr::null_mut();
            }
        };
        match key {
            Ok(key) => {
                let new = ffi::into_c(key);
                if !out.is_null() {
                    // SAFETY: the caller's place for the key; what it held (NULL or a key whose
                    // reference the caller gave us to replace) is released.
                    unsafe {
                        crate::evp::pkey::EVP_PKEY_free(*out);
                        *out = new;
                    }
                }
                new
            }
            Err(detail) => {
                err::raise(err::ERR_LIB_EVP, err::ERR_R_UNSUPPORTED, function, detail);
                std::ptr::null_mut()
            }
        }
    })
}

/// Reads the next private key from a stdio stream (see pem.h for the password rules and the
/// errors): a new key (EVP_PKEY_free), also stored in `*x` if `x` is not NULL; NULL on failure.
#[no_mangle]
pub extern "C" fn PEM_read_PrivateKey(
    fp: *mut libc::FILE,
    x: *mut *mut EVP_PKEY,
    cb: Option<PasswordCallback>,
    u: *mut c_void,
) -> *mut EVP_PKEY {
    read_private_key("PEM_read_PrivateKey", Source::File(fp), x, cb, u)
}

/// As `PEM_read_PrivateKey`, from a BIO.
#[no_mangle]
pub extern "C" fn PEM_read_bio_PrivateKey(
    bp: *mut BIO,
    x: *mut *mut EVP_PKEY,
    cb: Option<PasswordCallback>,
    u: *mut c_void,
) -> *mut EVP_PKEY {
    read_private_key("PEM_read_bio_PrivateKey", Source::Bio(bp), x, cb, u)
}

fn write_certificate(function: &'static str, sink: Sink, x: *const X509) -> c_int {
    guard(function, 0, || {
        let Some(x) = x509(x) else {
            ffi::null_argument(ERR_LIB_PEM, function, "the certificate");
            return 0;
        };
        match x509_cert::der::pem::encode_string("CERTIFICATE", LineEnding::LF, x.der()) {
            Ok(text) => c_int::from(sink.write(text.as_bytes())),
            Err(detail) => {
                err::raise(
                    ERR_LIB_PEM,
                    err::ERR_R_INTERNAL_ERROR,
                    function,
                    detail.to_string(),
                );
                0
            }
        }
    })
}

/// Writes the certificate as a PEM "CERTIFICATE" block to a stdio stream: 1, or 0 for NULL or
/// a write failure.
#[no_mangle]
pub extern "C" fn PEM_write_X509(fp: *mut libc::FILE, x: *const X509) -> c_int {
    write_certificate("PEM_write_X509", Sink::File(fp), x)
}

/// As `PEM_write_X509`, to a BIO.
#[no_mangle]
pub extern "C" fn PEM_write_bio_X509(bp: *mut BIO, x: *const X509) -> c_int {
    write_certificate("PEM_write_bio_X509", Sink::Bio(bp), x)
}
