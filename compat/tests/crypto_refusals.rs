//! What the compatibility library refuses where OpenSSL would go on, each with a clear error:
//! keys encrypted the pre-PKCS#8 way, encrypted keys without a password source (OpenSSL would
//! prompt on the terminal), HMAC's shared static output buffer, engines. These cannot be
//! compared with OpenSSL, so they are asserted here.

use std::ffi::{c_int, c_void};

use ftls_openssl::bio::mem::BIO_new_mem_buf;
use ftls_openssl::bio::BIO_free;
use ftls_openssl::err::{self, ERR_LIB_EVP, ERR_LIB_PEM, ERR_R_UNSUPPORTED};
use ftls_openssl::evp::md::{EVP_Digest, EVP_sha256, HMAC};
use ftls_openssl::pem::PEM_read_bio_PrivateKey;

/// The newest queued record: (library, reason).
fn last_error() -> (c_int, c_int) {
    let code = err::last_code();
    (err::lib_of(code), err::reason_of(code))
}

fn read_key(pem: &str, password: Option<&std::ffi::CStr>) -> bool {
    let bio = BIO_new_mem_buf(pem.as_ptr().cast(), pem.len() as c_int);
    let user = password.map_or(std::ptr::null_mut(), |p| p.as_ptr().cast_mut().cast());
    let key = PEM_read_bio_PrivateKey(bio, std::ptr::null_mut(), None, user);
    BIO_free(bio);
    !key.is_null()
}

#[test]
fn legacy_encrypted_keys_are_refused_with_the_conversion_to_use() {
    err::clear();
    let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
                  DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n\
                  AAAA\n-----END RSA PRIVATE KEY-----\n";
    assert!(!read_key(legacy, Some(c"secret")));
    assert_eq!(last_error(), (ERR_LIB_PEM, err::PEM_R_BAD_DECRYPT));
}

#[test]
fn an_encrypted_key_without_a_password_source_is_refused_not_prompted() {
    err::clear();
    let encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assert!(!read_key(encrypted, None));
    assert_eq!(last_error(), (ERR_LIB_PEM, err::PEM_R_BAD_PASSWORD_READ));
}

#[test]
fn hmac_without_an_output_buffer_is_refused() {
    err::clear();
    let data = b"data";
    let out = HMAC(
        EVP_sha256(),
        b"key".as_ptr().cast(),
        3,
        data.as_ptr(),
        data.len(),
        std::ptr::null_mut(),
        std::ptr::null_mut(),
    );
    assert!(out.is_null());
    assert_eq!(
        last_error(),
        (ERR_LIB_EVP, err::ERR_R_PASSED_NULL_PARAMETER)
    );
}

#[test]
fn engines_are_refused() {
    err::clear();
    let mut md = [0u8; 64];
    let mut len = 0u32;
    let engine = 1usize as *mut c_void;
    let ok = EVP_Digest(
        b"abc".as_ptr().cast(),
        3,
        md.as_mut_ptr(),
        &mut len,
        EVP_sha256(),
        engine,
    );
    assert_eq!(ok, 0);
    assert_eq!(last_error(), (ERR_LIB_EVP, ERR_R_UNSUPPORTED));
    let ok = EVP_Digest(
        b"abc".as_ptr().cast(),
        3,
        md.as_mut_ptr(),
        &mut len,
        EVP_sha256(),
        std::ptr::null_mut(),
    );
    assert_eq!((ok, len), (1, 32));
}
