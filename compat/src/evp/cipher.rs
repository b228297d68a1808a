//! AEAD ciphers through EVP_CIPHER_CTX: AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 from
//! the crypto provider, one message per initialisation (the way TLS-adjacent code and
//! benchmarks seal and open a record). The provider's AEAD is one-shot, so: encryption seals
//! at the data's `EVP_EncryptUpdate` (one data update per message); decryption keeps the
//! ciphertext and writes the plaintext at `EVP_DecryptFinal_ex`, once the tag has been checked
//! (OpenSSL writes it at the update, before the check).

use crate::err::{self, ERR_LIB_EVP, ERR_R_PASSED_INVALID_ARGUMENT};
use crate::ffi::{self, guard};
use std::ffi::{c_int, c_uchar, c_void};

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs as provider;
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
use ring as provider;

use provider::aead;

pub const EVP_CTRL_AEAD_SET_IVLEN: c_int = 0x9;
pub const EVP_CTRL_AEAD_GET_TAG: c_int = 0x10;
pub const EVP_CTRL_AEAD_SET_TAG: c_int = 0x11;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// An AEAD algorithm: static, never freed.
pub struct EVP_CIPHER {
    algorithm: &'static aead::Algorithm,
    nid: c_int,
    key_len: c_int,
}

static AES_128_GCM: EVP_CIPHER = EVP_CIPHER {
    algorithm: &aead::AES_128_GCM,
    nid: 895,
    key_len: 16,
};
static AES_256_GCM: EVP_CIPHER = EVP_CIPHER {
    algorithm: &aead::AES_256_GCM,
    nid: 901,
    key_len: 32,
};
static CHACHA20_POLY1305: EVP_CIPHER = EVP_CIPHER {
    algorithm: &aead::CHACHA20_POLY1305,
    nid: 1018,
    key_len: 32,
};
static ALL: [&EVP_CIPHER; 3] = [&AES_128_GCM, &AES_256_GCM, &CHACHA20_POLY1305];

/// AES-128 in GCM mode.
#[no_mangle]
pub extern "C" fn EVP_aes_128_gcm() -> *const EVP_CIPHER {
    &AES_128_GCM
}

/// AES-256 in GCM mode.
#[no_mangle]
pub extern "C" fn EVP_aes_256_gcm() -> *const EVP_CIPHER {
    &AES_256_GCM
}

/// ChaCha20-Poly1305.
#[no_mangle]
pub extern "C" fn EVP_chacha20_poly1305() -> *const EVP_CIPHER {
    &CHACHA20_POLY1305
}

fn cipher_of(cipher: *const EVP_CIPHER) -> Option<&'static EVP_CIPHER> {
    ALL.iter()
        .copied()
        .find(|known| std::ptr::eq(*known, cipher))
}

/// The cipher's key length in bytes (`EVP_CIPHER_key_length`); -1 for one not of this library.
#[no_mangle]
pub extern "C" fn EVP_CIPHER_get_key_length(cipher: *const EVP_CIPHER) -> c_int {
    cipher_of(cipher).map_or(-1, |c| c.key_len)
}

/// The cipher's nonce length in bytes (12) (`EVP_CIPHER_iv_length`); -1 for an unknown cipher.
#[no_mangle]
pub extern "C" fn EVP_CIPHER_get_iv_length(cipher: *const EVP_CIPHER) -> c_int {
    cipher_of(cipher).map_or(-1, |_| NONCE_LEN as c_int)
}

/// The cipher's NID (`EVP_CIPHER_nid`); 0 for an unknown cipher.
#[no_mangle]
pub extern "C" fn EVP_CIPHER_get_nid(cipher: *const EVP_CIPHER) -> c_int {
    cipher_of(cipher).map_or(0, |c| c.nid)
}

/// One message in progress.
#[derive(Default)]
pub struct EVP_CIPHER_CTX {
    cipher: Option<&'static EVP_CIPHER>,
    key: Option<aead::LessSafeKey>,
    nonce: Option<[u8; NONCE_LEN]>,
    encrypting: bool,
    aad: Vec<u8>,
    /// Encryption: the data was sealed. Decryption: the ciphertext kept for the final check.
    sealed: bool,
    ciphertext: Vec<u8>,
    tag: Option<[u8; TAG_LEN]>,
}

fn ctx<'a>(c: *mut EVP_CIPHER_CTX) -> Option<&'a mut EVP_CIPHER_CTX> {
    // SAFETY: a non-NULL context came from EVP_CIPHER_CTX_new, is not freed, and is used by one
    // thread at a time.
    unsafe { c.as_mut() }
}

fn refuse(function: &'static str, why: impl Into<String>) -> c_int {
    err::raise(ERR_LIB_EVP, ERR_R_PASSED_INVALID_ARGUMENT, function, why);
    0
}

/// A new, empty cipher context (free with `EVP_CIPHER_CTX_free`).
#[no_mangle]
pub extern "C" fn EVP_CIPHER_CTX_new() -> *mut EVP_CIPHER_CTX {
    Box::into_raw(Box::default())
}

/// Frees a cipher context. NULL does nothing.
#[no_mangle]
pub extern "C" fn EVP_CIPHER_CTX_free(c: *mut EVP_CIPHER_CTX) {
    if !c.is_null() {
        // SAFETY: made by EVP_CIPHER_CTX_new, freed once.
        drop(unsafe { Box::from_raw(c) });
    }
}

/// Empties the context for reuse: 1, or 0 for NULL.
#[no_mangle]
pub extern "C" fn EVP_CIPHER_CTX_reset(c: *mut EVP_CIPHER_CTX) -> c_int {
    ctx(c).map_or(0, |c| {
        *c = EVP_CIPHER_CTX::default();
        1
    })
}

fn init(
    function: &'static str,
    c: *mut EVP_CIPHER_CTX,
    cipher: *const EVP_CIPHER,
    engine: *mut c_void,
    key: *const c_uchar,
    iv: *const c_uchar,
    encrypting: bool,
) -> c_int {
    guard(function, 0, || {
        if !engine.is_null() {
            err::raise(
                ERR_LIB_EVP,
                err::ERR_R_UNSUPPORTED,
                function,
                "engines are not supported: pass NULL",
            );
            return 0;
        }
        let Some(c) = ctx(c) else {
            ffi::null_argument(ERR_LIB_EVP, function, "ctx");
            return 0;
        };
        if !cipher.is_null() {
            let Some(known) = cipher_of(cipher) else {
                return refuse(
                    function,
                    "not one of this library's ciphers (AES-GCM, ChaCha20-Poly1305)",
                );
            };
            if c.cipher.is_some_and(|old| !std::ptr::eq(old, known)) {
                c.key = None;
            }
            c.cipher = Some(known);
        }
        let Some(cipher) = c.cipher else {
            return refuse(function, "no cipher given");
        };
        if !key.is_null() {
            // SAFETY: the caller gives the cipher's key length of readable bytes at `key`.
            let bytes = unsafe { std::slice::from_raw_parts(key, cipher.key_len as usize) };
            match aead::UnboundKey::new(cipher.algorithm, bytes) {
                Ok(unbound) => c.key = Some(aead::LessSafeKey::new(unbound)),
                Err(_) => return refuse(function, "the key was refused by the provider"),
            }
        }
        if !iv.is_null() {
            let mut nonce = [0u8; NONCE_LEN];
            // SAFETY: the caller gives the 12-byte nonce at `iv`.
            nonce.copy_from_slice(unsafe { std::slice::from_raw_parts(iv, NONCE_LEN) });
            c.nonce = Some(nonce);
        }
        c.encrypting = encrypting;
        c.aad.clear();
        c.sealed = false;
        c.ciphertext.clear();
        if encrypting {
            c.tag = None;
        }
        1
    })
}

/// Sets up encryption: the cipher (NULL: the previous one), the key and the 12-byte nonce (each
/// NULL: unchanged); starts a new message. 1, or 0 for an unknown cipher, no cipher, or an
/// engine.
#[no_mangle]
pub extern "C" fn EVP_EncryptInit_ex(
    c: *mut EVP_CIPHER_CTX,
    cipher: *const EVP_CIPHER,
    engine: *mut c_void,
    key: *const c_uchar,
    iv: *const c_uchar,
) -> c_int {
    init("EVP_EncryptInit_ex", c, cipher, engine, key, iv, true)
}

/// As `EVP_EncryptInit_ex`, for decryption.
#[no_mangle]
pub extern "C" fn EVP_DecryptInit_ex(
    c: *mut EVP_CIPHER_CTX,
    cipher: *const EVP_CIPHER,
    engine: *mut c_void,
    key: *const c_uchar,
    iv: *const c_uchar,
) -> c_int {
    init("EVP_DecryptInit_ex", c, cipher, engine, key, iv, false)
}

fn update(
    function: &'static str,
    c: *mut EVP_CIPHER_CTX,
    out: *mut c_uchar,
    outl: *mut c_int,
    input: *const c_uchar,
    inl: c_int,
    encrypting: bool,
) -> c_int {
    guard(function, 0, || {
        let Some(c) = ctx(c).filter(|c| c.encrypting == encrypting) else {
            return refuse(
                function,
                "the context is not initialised for this direction",
            );
        };
        let Ok(len) = usize::try_from(inl) else {
            return refuse(function, format!("negative length {inl}"));
        };
        // SAFETY: `inl` readable bytes at `input` (caller's contract).
        let Some(data) = (unsafe { ffi::bytes_arg(input.cast(), len) }) else {
            ffi::null_argument(ERR_LIB_EVP, function, "in");
            return 0;
        };
        if out.is_null() {
            // Additional authenticated data.
            c.aad.extend_from_slice(data);
            // SAFETY: optional out-parameter.
            unsafe { ffi::write_out(outl, inl) };
            return 1;
        }
        if c.sealed || (!encrypting && !c.ciphertext.is_empty()) {
            return refuse(
                function,
                "one data update per message: initialise again for the next",
            );
        }
        if !encrypting {
            c.ciphertext = data.to_vec();
            c.sealed = true;
            // The plaintext comes at EVP_DecryptFinal_ex, once the tag is checked.
            // SAFETY: optional out-parameter.
            unsafe { ffi::write_out(outl, 0) };
            return 1;
        }
        let (Some(key), Some(nonce)) = (c.key.as_ref(), c.nonce) else {
            return refuse(function, "no key or nonce set");
        };
        let mut sealed = data.to_vec();
        let nonce = aead::Nonce::assume_unique_for_key(nonce);
        match key.seal_in_place_separate_tag(nonce, aead::Aad::from(&c.aad), &mut sealed) {
            Ok(tag) => {
                let mut bytes = [0u8; TAG_LEN];
                bytes.copy_from_slice(tag.as_ref());
                c.tag = Some(bytes);
                c.sealed = true;
                // SAFETY: the caller gives room for `inl` bytes at `out` (AEAD output is as long
                // as the input); `copy` handles `out` == `in`, as OpenSSL allows.
                unsafe { std::ptr::copy(sealed.as_ptr(), out, sealed.len()) };
                // SAFETY: optional out-parameter.
                unsafe { ffi::write_out(outl, inl) };
                1
            }
            Err(_) => refuse(function, "the provider refused to seal"),
        }
    })
}

/// Encryption: with `out` NULL, `in` is additional authenticated data; otherwise `in` is the
/// message (one data update per message), sealed now into `out` (as long as `in`). `*outl`:
/// the bytes written. 1, or 0 on misuse.
#[no_mangle]
pub extern "C" fn EVP_EncryptUpdate(
    c: *mut EVP_CIPHER_CTX,
    out: *mut c_uchar,
    outl: *mut c_int,
    input: *const c_uchar,
    inl: c_int,
) -> c_int {
    update("EVP_EncryptUpdate", c, out, outl, input, inl, true)
}

/// Decryption: with `out` NULL, `in` is additional authenticated data; otherwise `in` is the
/// ciphertext (one data update per message), kept: `*outl` is 0 and the plaintext comes from
/// `EVP_DecryptFinal_ex`. 1, or 0 on misuse.
#[no_mangle]
pub extern "C" fn EVP_DecryptUpdate(
    c: *mut EVP_CIPHER_CTX,
    out: *mut c_uchar,
    outl: *mut c_int,
    input: *const c_uchar,
    inl: c_int,
) -> c_int {
    update("EVP_DecryptUpdate", c, out, outl, input, inl, false)
}

/// Finishes encryption: nothing more to write (`*outl` = 0); seals an empty message if no data
/// was given. The tag is then available (EVP_CTRL_AEAD_GET_TAG). 1, or 0 on misuse.
#[no_mangle]
pub extern "C" fn EVP_EncryptFinal_ex(
    c: *mut EVP_CIPHER_CTX,
    _out: *mut c_uchar,
    outl: *mut c_int,
) -> c_int {
    let sealed = ctx(c).is_some_and(|c| c.sealed);
    if !sealed {
        let mut empty = [0u8; 1];
        if update(
            "EVP_EncryptFinal_ex",
            c,
            empty.as_mut_ptr(),
            std::ptr::null_mut(),
            empty.as_ptr(),
            0,
            true,
        ) != 1
        {
            return 0;
        }
    }
    // SAFETY: optional out-parameter.
    unsafe { ffi::write_out(outl, 0) };
    1
}

/// Finishes decryption: checks the tag (EVP_CTRL_AEAD_SET_TAG, before this call) and writes
/// the plaintext to `out` (as long as the ciphertext), `*outl` its length. 1 when authentic; 0
/// (nothing written) when the tag does not match or is missing.
#[no_mangle]
pub extern "C" fn EVP_DecryptFinal_ex(
    c: *mut EVP_CIPHER_CTX,
    out: *mut c_uchar,
    outl: *mut c_int,
) -> c_int {
    guard("EVP_DecryptFinal_ex", 0, || {
        let Some(c) = ctx(c).filter(|c| !c.encrypting) else {
            return refuse(
                "EVP_DecryptFinal_ex",
                "the context is not initialised for decryption",
            );
        };
        let (Some(key), Some(nonce), Some(tag)) = (c.key.as_ref(), c.nonce, c.tag) else {
            return refuse("EVP_DecryptFinal_ex", "no key, nonce or tag set");
        };
        let mut in_out = std::mem::take(&mut c.ciphertext);
        in_out.extend_from_slice(&tag);
        let nonce = aead::Nonce::assume_unique_for_key(nonce);
        match key.open_in_place(nonce, aead::Aad::from(&c.aad), &mut in_out) {
            Ok(plain) => {
                if !plain.is_empty() {
                    if out.is_null() {
                        return refuse("EVP_DecryptFinal_ex", "no output buffer");
                    }
                    // SAFETY: the caller gives room for the message at `out`.
                    unsafe { std::ptr::copy(plain.as_ptr(), out, plain.len()) };
                }
                // SAFETY: optional out-parameter.
                unsafe { ffi::write_out(outl, plain.len() as c_int) };
                1
            }
            // OpenSSL reports a wrong tag by the result alone.
            Err(_) => 0,
        }
    })
}

/// The AEAD controls: EVP_CTRL_AEAD_SET_IVLEN (12 only), EVP_CTRL_AEAD_GET_TAG (16 bytes, after
/// EVP_EncryptFinal_ex), EVP_CTRL_AEAD_SET_TAG (16 bytes, before EVP_DecryptFinal_ex). 1, or 0
/// for another command or length.
#[no_mangle]
pub extern "C" fn EVP_CIPHER_CTX_ctrl(
    c: *mut EVP_CIPHER_CTX,
    cmd: c_int,
    arg: c_int,
    ptr: *mut c_void,
) -> c_int {
    guard("EVP_CIPHER_CTX_ctrl", 0, || {
        let Some(c) = ctx(c) else {
            return 0;
        };
        match cmd {
            EVP_CTRL_AEAD_SET_IVLEN => c_int::from(arg == NONCE_LEN as c_int),
            EVP_CTRL_AEAD_GET_TAG if arg == TAG_LEN as c_int && c.encrypting => {
                // SAFETY: the caller gives 16 writable bytes at `ptr`.
                let Some(out) = (unsafe { ffi::bytes_out(ptr, TAG_LEN) }) else {
                    return 0;
                };
                match c.tag {
                    Some(tag) => {
                        out.copy_from_slice(&tag);
                        1
                    }
                    None => 0,
                }
            }
            EVP_CTRL_AEAD_SET_TAG if arg == TAG_LEN as c_int && !c.encrypting => {
                // SAFETY: the caller gives 16 readable bytes at `ptr`.
                let Some(bytes) = (unsafe { ffi::bytes_arg(ptr, TAG_LEN) }) else {
                    return 0;
                };
                let mut tag = [0u8; TAG_LEN];
                tag.copy_from_slice(bytes);
                c.tag = Some(tag);
                1
            }
            _ => 0,
        }
    })
}
