//! Message digests and HMAC: `EVP_Digest`, the `EVP_MD_CTX` calls, `HMAC` and `HMAC_CTX`,
//! with EVP_md5/sha1/sha256/sha384/sha512. SHA-1 and SHA-2 come from the crypto provider ftls
//! is built with (aws-lc-rs or ring: both have the same digest and hmac API); neither offers
//! MD5, which mail clients still need for CRAM-MD5, so MD5 and HMAC-MD5 come from RustCrypto's
//! md-5 and hmac crates.

use crate::err::{self, ERR_LIB_EVP, ERR_R_PASSED_NULL_PARAMETER, ERR_R_UNSUPPORTED};
use crate::ffi::{self, borrow, guard};
use crate::obj;
use hmac::Mac;
use md5::Digest;
use std::ffi::{c_char, c_int, c_uchar, c_uint, c_void, CStr};

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs as provider;
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
use ring as provider;

/// The largest digest, in bytes (SHA-512).
pub const EVP_MAX_MD_SIZE: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

/// A digest algorithm: static, never freed.
pub struct EVP_MD {
    algorithm: Algorithm,
    nid: c_int,
    size: c_int,
    block_size: c_int,
    name: &'static CStr,
}

static MD5: EVP_MD = EVP_MD {
    algorithm: Algorithm::Md5,
    nid: obj::NID_MD5,
    size: 16,
    block_size: 64,
    name: c"MD5",
};
static SHA1: EVP_MD = EVP_MD {
    algorithm: Algorithm::Sha1,
    nid: obj::NID_SHA1,
    size: 20,
    block_size: 64,
    name: c"SHA1",
};
static SHA256: EVP_MD = EVP_MD {
    algorithm: Algorithm::Sha256,
    nid: obj::NID_SHA256,
    size: 32,
    block_size: 64,
    name: c"SHA256",
};
static SHA384: EVP_MD = EVP_MD {
    algorithm: Algorithm::Sha384,
    nid: obj::NID_SHA384,
    size: 48,
    block_size: 128,
    name: c"SHA384",
};
static SHA512: EVP_MD = EVP_MD {
    algorithm: Algorithm::Sha512,
    nid: obj::NID_SHA512,
    size: 64,
    block_size: 128,
    name: c"SHA512",
};
static ALL: [&EVP_MD; 5] = [&MD5, &SHA1, &SHA256, &SHA384, &SHA512];

impl Algorithm {
    fn provider_digest(self) -> Option<&'static provider::digest::Algorithm> {
        match self {
            Algorithm::Md5 => None,
            Algorithm::Sha1 => Some(&provider::digest::SHA1_FOR_LEGACY_USE_ONLY),
            Algorithm::Sha256 => Some(&provider::digest::SHA256),
            Algorithm::Sha384 => Some(&provider::digest::SHA384),
            Algorithm::Sha512 => Some(&provider::digest::SHA512),
        }
    }

    fn provider_hmac(self) -> Option<provider::hmac::Algorithm> {
        match self {
            Algorithm::Md5 => None,
            Algorithm::Sha1 => Some(provider::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
            Algorithm::Sha256 => Some(provider::hmac::HMAC_SHA256),
            Algorithm::Sha384 => Some(provider::hmac::HMAC_SHA384),
            Algorithm::Sha512 => Some(provider::hmac::HMAC_SHA512),
        }
    }
}

/// A running digest.
#[derive(Clone)]
enum Hasher {
    Md5(md5::Md5),
    Provider(provider::digest::Context),
}

impl Hasher {
    fn new(md: &EVP_MD) -> Self {
        match md.algorithm.provider_digest() {
            Some(algorithm) => Hasher::Provider(provider::digest::Context::new(algorithm)),
            None => Hasher::Md5(md5::Md5::new()),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Md5(state) => state.update(data),
            Hasher::Provider(context) => context.update(data),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Md5(state) => state.finalize().to_vec(),
            Hasher::Provider(context) => context.finish().as_ref().to_vec(),
        }
    }
}

/// A running HMAC.
#[derive(Clone)]
enum Authenticator {
    Md5(hmac::Hmac<md5::Md5>),
    Provider(Box<provider::hmac::Context>),
}

impl Authenticator {
    fn new(md: &EVP_MD, key: &[u8]) -> Self {
        match md.algorithm.provider_hmac() {
            Some(algorithm) => Authenticator::Provider(Box::new(
                provider::hmac::Context::with_key(&provider::hmac::Key::new(algorithm, key)),
            )),
            None => Authenticator::Md5(
                hmac::Hmac::<md5::Md5>::new_from_slice(key).expect("HMAC takes keys of any length"),
            ),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Authenticator::Md5(state) => state.update(data),
            Authenticator::Provider(context) => context.update(data),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Authenticator::Md5(state) => state.finalize().into_bytes().to_vec(),
            Authenticator::Provider(context) => context.sign().as_ref().to_vec(),
        }
    }
}

/// A digest algorithm C holds (one of this library's statics).
pub fn md<'a>(md: *const EVP_MD) -> Option<&'a EVP_MD> {
    // SAFETY: a non-NULL EVP_MD is one of the statics EVP_md5() etc. return.
    unsafe { borrow(md) }
}

/// The digest of the concatenated `parts`.
fn digest(md: &EVP_MD, parts: &[&[u8]]) -> Vec<u8> {
    let mut hasher = Hasher::new(md);
    for part in parts {
        hasher.update(part);
    }
    hasher.finish()
}

/// Writes a digest to the caller's `out` (EVP_MAX_MD_SIZE bytes) and its length to `*len`.
fn write_digest(value: &[u8], out: *mut c_uchar, len: *mut c_uint) -> c_int {
    if out.is_null() {
        err::raise(
            ERR_LIB_EVP,
            ERR_R_PASSED_NULL_PARAMETER,
            "digest",
            "the output buffer is NULL",
        );
        return 0;
    }
    // SAFETY: the caller gives at least EVP_MAX_MD_SIZE writable bytes at `out` (OpenSSL's
    // contract); a digest is never longer.
    unsafe { std::ptr::copy_nonoverlapping(value.as_ptr(), out, value.len()) };
    // SAFETY: optional out-parameter from the caller.
    unsafe { ffi::write_out(len, value.len() as c_uint) };
    1
}

/// For X509_digest: the digest of `parts` into the caller's buffer.
pub fn digest_into(md: &EVP_MD, parts: &[&[u8]], out: *mut c_uchar, len: *mut c_uint) -> c_int {
    write_digest(&digest(md, parts), out, len)
}

/// MD5 (for legacy protocols such as CRAM-MD5; not for security).
#[no_mangle]
pub extern "C" fn EVP_md5() -> *const EVP_MD {
    &MD5
}

/// SHA-1 (legacy uses such as fingerprints).
#[no_mangle]
pub extern "C" fn EVP_sha1() -> *const EVP_MD {
    &SHA1
}

/// SHA-256.
#[no_mangle]
pub extern "C" fn EVP_sha256() -> *const EVP_MD {
    &SHA256
}

/// SHA-384.
#[no_mangle]
pub extern "C" fn EVP_sha384() -> *const EVP_MD {
    &SHA384
}

/// SHA-512.
#[no_mangle]
pub extern "C" fn EVP_sha512() -> *const EVP_MD {
    &SHA512
}

/// The digest named `name` ("SHA256", "sha256", "MD5", ... or its OID), NULL if it is not
/// one of this library's. `EVP_get_digestbynid` is a macro over it.
#[no_mangle]
pub extern "C" fn EVP_get_digestbyname(name: *const c_char) -> *const EVP_MD {
    // SAFETY: NULL or a NUL-terminated string from the caller.
    let Some(name) = (unsafe { ffi::str_arg(name) }) else {
        return std::ptr::null();
    };
    let nid = obj::nid_of_text(name);
    let nid = if nid == obj::NID_UNDEF {
        obj::nid_of_text(&name.to_ascii_lowercase())
    } else {
        nid
    };
    ALL.iter()
        .find(|md| md.nid == nid && nid != obj::NID_UNDEF)
        .map_or(std::ptr::null(), |md| *md as *const EVP_MD)
}

/// The digest's length in bytes (`EVP_MD_size` is a macro over it); -1 for NULL, with
/// "message digest is null" queued as OpenSSL does.
#[no_mangle]
pub extern "C" fn EVP_MD_get_size(md_: *const EVP_MD) -> c_int {
    match md(md_) {
        Some(md) => md.size,
        None => {
            err::raise(
                ERR_LIB_EVP,
                err::EVP_R_MESSAGE_DIGEST_IS_NULL,
                "EVP_MD_get_size",
                "",
            );
            -1
        }
    }
}

/// The digest's block size in bytes (`EVP_MD_block_size`); -1 for NULL.
#[no_mangle]
pub extern "C" fn EVP_MD_get_block_size(md_: *const EVP_MD) -> c_int {
    md(md_).map_or(-1, |md| md.block_size)
}

/// The digest's NID (`EVP_MD_type`, `EVP_MD_nid`); NID_undef for NULL.
#[no_mangle]
pub extern "C" fn EVP_MD_get_type(md_: *const EVP_MD) -> c_int {
    md(md_).map_or(obj::NID_UNDEF, |md| md.nid)
}

/// The digest's name ("SHA256"), static (`EVP_MD_name`); NULL for NULL.
#[no_mangle]
pub extern "C" fn EVP_MD_get0_name(md_: *const EVP_MD) -> *const c_char {
    md(md_).map_or(std::ptr::null(), |md| md.name.as_ptr())
}

fn refuse_engine(function: &'static str, engine: *mut c_void) -> bool {
    if engine.is_null() {
        return false;
    }
    err::raise(
        ERR_LIB_EVP,
        ERR_R_UNSUPPORTED,
        function,
        "engines are not supported: pass NULL",
    );
    true
}

/// One-shot digest of `count` bytes at `data` into `out` (EVP_MAX_MD_SIZE bytes), its length
/// in `*size` if not NULL. 1 on success; 0 for a NULL digest or buffer, or an engine (not
/// supported).
#[no_mangle]
pub extern "C" fn EVP_Digest(
    data: *const c_void,
    count: usize,
    out: *mut c_uchar,
    size: *mut c_uint,
    type_: *const EVP_MD,
    engine: *mut c_void,
) -> c_int {
    guard("EVP_Digest", 0, || {
        if refuse_engine("EVP_Digest", engine) {
            return 0;
        }
        // SAFETY: `count` readable bytes at `data` (caller's contract).
        let (Some(md), Some(data)) = (md(type_), unsafe { ffi::bytes_arg(data, count) }) else {
            err::raise(
                ERR_LIB_EVP,
                ERR_R_PASSED_NULL_PARAMETER,
                "EVP_Digest",
                "the digest or the data is NULL",
            );
            return 0;
        };
        digest_into(md, &[data], out, size)
    })
}

/// A digest in progress: made by `EVP_MD_CTX_new`, set up by `EVP_DigestInit(_ex)`, used by
/// one thread at a time.
#[derive(Default)]
pub struct EVP_MD_CTX {
    md: Option<&'static EVP_MD>,
    hasher: Option<Hasher>,
}

fn md_ctx<'a>(ctx: *mut EVP_MD_CTX) -> Option<&'a mut EVP_MD_CTX> {
    // SAFETY: a non-NULL context came from EVP_MD_CTX_new, is not freed, and (OpenSSL's rule)
    // is used by one thread at a time.
    unsafe { ctx.as_mut() }
}

fn static_md(md_: *const EVP_MD) -> Option<&'static EVP_MD> {
    ALL.iter().copied().find(|known| std::ptr::eq(*known, md_))
}

/// A new, empty digest context (free with `EVP_MD_CTX_free`). `EVP_MD_CTX_create` is a macro
/// over it.
#[no_mangle]
pub extern "C" fn EVP_MD_CTX_new() -> *mut EVP_MD_CTX {
    Box::into_raw(Box::default())
}

/// Frees a digest context. NULL does nothing. `EVP_MD_CTX_destroy` is a macro over it.
#[no_mangle]
pub extern "C" fn EVP_MD_CTX_free(ctx: *mut EVP_MD_CTX) {
    if !ctx.is_null() {
        // SAFETY: made by EVP_MD_CTX_new, freed once.
        drop(unsafe { Box::from_raw(ctx) });
    }
}

/// Empties the context for reuse. 1, or 0 for NULL.
#[no_mangle]
pub extern "C" fn EVP_MD_CTX_reset(ctx: *mut EVP_MD_CTX) -> c_int {
    md_ctx(ctx).map_or(0, |ctx| {
        *ctx = EVP_MD_CTX::default();
        1
    })
}

/// Starts a digest of type `type_` (NULL: the context's previous type). 1 on success; 0 for a
/// NULL context, no type, or an engine (not supported).
#[no_mangle]
pub extern "C" fn EVP_DigestInit_ex(
    ctx: *mut EVP_MD_CTX,
    type_: *const EVP_MD,
    engine: *mut c_void,
) -> c_int {
    guard("EVP_DigestInit_ex", 0, || {
        if refuse_engine("EVP_DigestInit_ex", engine) {
            return 0;
        }
        let Some(ctx) = md_ctx(ctx) else {
            ffi::null_argument(ERR_LIB_EVP, "EVP_DigestInit_ex", "ctx");
            return 0;
        };
        let Some(md) = static_md(type_).or(ctx.md) else {
            ffi::null_argument(ERR_LIB_EVP, "EVP_DigestInit_ex", "type");
            return 0;
        };
        ctx.md = Some(md);
        ctx.hasher = Some(Hasher::new(md));
        1
    })
}

/// As `EVP_DigestInit_ex` without an engine.
#[no_mangle]
pub extern "C" fn EVP_DigestInit(ctx: *mut EVP_MD_CTX, type_: *const EVP_MD) -> c_int {
    EVP_DigestInit_ex(ctx, type_, std::ptr::null_mut())
}

/// Adds `count` bytes at `data` to the digest. 1 on success; 0 for a NULL context, a context
/// not initialised, or NULL data with a non-zero count.
#[no_mangle]
pub extern "C" fn EVP_DigestUpdate(
    ctx: *mut EVP_MD_CTX,
    data: *const c_void,
    count: usize,
) -> c_int {
    guard("EVP_DigestUpdate", 0, || {
        // SAFETY: `count` readable bytes at `data` (caller's contract).
        let bytes = unsafe { ffi::bytes_arg(data, count) };
        match (md_ctx(ctx).and_then(|ctx| ctx.hasher.as_mut()), bytes) {
            (Some(hasher), Some(bytes)) => {
                hasher.update(bytes);
                1
            }
            _ => {
                err::raise(
                    ERR_LIB_EVP,
                    ERR_R_PASSED_NULL_PARAMETER,
                    "EVP_DigestUpdate",
                    "no digest started (EVP_DigestInit_ex) or NULL data",
                );
                0
            }
        }
    })
}

/// Finishes the digest into `out` (EVP_MAX_MD_SIZE bytes), its length in `*size` if not NULL;
/// the context then needs a new `EVP_DigestInit_ex`. 1 on success; 0 for a NULL context, one
/// not initialised, or NULL `out`.
#[no_mangle]
pub extern "C" fn EVP_DigestFinal_ex(
    ctx: *mut EVP_MD_CTX,
    out: *mut c_uchar,
    size: *mut c_uint,
) -> c_int {
    guard("EVP_DigestFinal_ex", 0, || {
        match md_ctx(ctx).and_then(|ctx| ctx.hasher.take()) {
            Some(hasher) => write_digest(&hasher.finish(), out, size),
            None => {
                err::raise(
                    ERR_LIB_EVP,
                    ERR_R_PASSED_NULL_PARAMETER,
                    "EVP_DigestFinal_ex",
                    "no digest started (EVP_DigestInit_ex)",
                );
                0
            }
        }
    })
}

/// As `EVP_DigestFinal_ex`, then resets the context.
#[no_mangle]
pub extern "C" fn EVP_DigestFinal(
    ctx: *mut EVP_MD_CTX,
    out: *mut c_uchar,
    size: *mut c_uint,
) -> c_int {
    let done = EVP_DigestFinal_ex(ctx, out, size);
    EVP_MD_CTX_reset(ctx);
    done
}

/// Copies the state of `in_` into `out` (both made by EVP_MD_CTX_new). 1 on success, 0 for a
/// NULL context or an `in_` not initialised.
#[no_mangle]
pub extern "C" fn EVP_MD_CTX_copy_ex(out: *mut EVP_MD_CTX, in_: *const EVP_MD_CTX) -> c_int {
    // SAFETY: a non-NULL context made by EVP_MD_CTX_new.
    let source = unsafe { borrow(in_) };
    match (md_ctx(out), source) {
        (Some(out), Some(source)) if source.hasher.is_some() && !std::ptr::eq(out, source) => {
            out.md = source.md;
            out.hasher = source.hasher.clone();
            1
        }
        _ => 0,
    }
}

/// The context's digest type (static); NULL if none or for NULL. `EVP_MD_CTX_md` is a macro
/// over it.
#[no_mangle]
pub extern "C" fn EVP_MD_CTX_get0_md(ctx: *const EVP_MD_CTX) -> *const EVP_MD {
    // SAFETY: a non-NULL context made by EVP_MD_CTX_new.
    unsafe { borrow(ctx) }
        .and_then(|ctx| ctx.md)
        .map_or(std::ptr::null(), |md| md as *const EVP_MD)
}

/// One-shot HMAC of `n` bytes at `d` with `key` into `out` (EVP_MAX_MD_SIZE bytes), its length
/// in `*out_len` if not NULL. Returns `out`; NULL for a NULL digest, NULL data or key with a
/// non-zero length, or a NULL `out` (OpenSSL's static buffer is not offered: it is not
/// thread-safe).
#[no_mangle]
pub extern "C" fn HMAC(
    evp_md: *const EVP_MD,
    key: *const c_void,
    key_len: c_int,
    d: *const c_uchar,
    n: usize,
    out: *mut c_uchar,
    out_len: *mut c_uint,
) -> *mut c_uchar {
    guard("HMAC", std::ptr::null_mut(), || {
        let key_len = usize::try_from(key_len).ok();
        // SAFETY: `key_len` readable bytes at `key` and `n` at `d` (caller's contract).
        let key = key_len.and_then(|len| unsafe { ffi::bytes_arg(key, len) });
        // SAFETY: as above.
        let data = unsafe { ffi::bytes_arg(d.cast(), n) };
        let (Some(md), Some(key), Some(data), false) = (md(evp_md), key, data, out.is_null())
        else {
            err::raise(
                ERR_LIB_EVP,
                ERR_R_PASSED_NULL_PARAMETER,
                "HMAC",
                "the digest, key, data or output buffer is NULL",
            );
            return std::ptr::null_mut();
        };
        let mut mac = Authenticator::new(md, key);
        mac.update(data);
        write_digest(&mac.finish(), out, out_len);
        out
    })
}

/// An HMAC in progress: made by `HMAC_CTX_new`, keyed by `HMAC_Init_ex`.
#[derive(Default)]
pub struct HMAC_CTX {
    md: Option<&'static EVP_MD>,
    key: Vec<u8>,
    mac: Option<Authenticator>,
}

impl Drop for HMAC_CTX {
    fn drop(&mut self) {
        self.key.fill(0);
    }
}

fn hmac_ctx<'a>(ctx: *mut HMAC_CTX) -> Option<&'a mut HMAC_CTX> {
    // SAFETY: a non-NULL context came from HMAC_CTX_new, is not freed, and is used by one
    // thread at a time.
    unsafe { ctx.as_mut() }
}

/// A new HMAC context (free with `HMAC_CTX_free`).
#[no_mangle]
pub extern "C" fn HMAC_CTX_new() -> *mut HMAC_CTX {
    Box::into_raw(Box::default())
}

/// Frees an HMAC context, wiping its key. NULL does nothing.
#[no_mangle]
pub extern "C" fn HMAC_CTX_free(ctx: *mut HMAC_CTX) {
    if !ctx.is_null() {
        // SAFETY: made by HMAC_CTX_new, freed once.
        drop(unsafe { Box::from_raw(ctx) });
    }
}

/// Empties the context (wiping its key). 1, or 0 for NULL.
#[no_mangle]
pub extern "C" fn HMAC_CTX_reset(ctx: *mut HMAC_CTX) -> c_int {
    hmac_ctx(ctx).map_or(0, |ctx| {
        *ctx = HMAC_CTX::default();
        1
    })
}

/// Starts an HMAC with `key` (`len` bytes) and digest `md`. A NULL key with a NULL or the same
/// digest restarts with the previous key, as OpenSSL does. 1 on success; 0 for a NULL
/// context, no digest or no key, or an engine (not supported).
#[no_mangle]
pub extern "C" fn HMAC_Init_ex(
    ctx: *mut HMAC_CTX,
    key: *const c_void,
    len: c_int,
    md_: *const EVP_MD,
    engine: *mut c_void,
) -> c_int {
    guard("HMAC_Init_ex", 0, || {
        if refuse_engine("HMAC_Init_ex", engine) {
            return 0;
        }
        let Some(ctx) = hmac_ctx(ctx) else {
            ffi::null_argument(ERR_LIB_EVP, "HMAC_Init_ex", "ctx");
            return 0;
        };
        let new_md = static_md(md_);
        if !key.is_null() {
            let Ok(len) = usize::try_from(len) else {
                err::raise(
                    ERR_LIB_EVP,
                    err::ERR_R_PASSED_INVALID_ARGUMENT,
                    "HMAC_Init_ex",
                    format!("negative key length {len}"),
                );
                return 0;
            };
            // SAFETY: `len` readable bytes at `key` (caller's contract).
            let Some(bytes) = (unsafe { ffi::bytes_arg(key, len) }) else {
                return 0;
            };
            ctx.key.fill(0);
            ctx.key = bytes.to_vec();
        } else if new_md.is_some_and(|md| ctx.md.is_some_and(|old| !std::ptr::eq(md, old))) {
            err::raise(
                ERR_LIB_EVP,
                err::ERR_R_PASSED_INVALID_ARGUMENT,
                "HMAC_Init_ex",
                "a new digest needs a key",
            );
            return 0;
        }
        let Some(md) = new_md.or(ctx.md) else {
            ffi::null_argument(ERR_LIB_EVP, "HMAC_Init_ex", "md");
            return 0;
        };
        ctx.md = Some(md);
        ctx.mac = Some(Authenticator::new(md, &ctx.key));
        1
    })
}

/// Adds `len` bytes at `data`. 1 on success; 0 for a context not keyed or NULL data.
#[no_mangle]
pub extern "C" fn HMAC_Update(ctx: *mut HMAC_CTX, data: *const c_uchar, len: usize) -> c_int {
    guard("HMAC_Update", 0, || {
        // SAFETY: `len` readable bytes at `data` (caller's contract).
        let bytes = unsafe { ffi::bytes_arg(data.cast(), len) };
        match (hmac_ctx(ctx).and_then(|ctx| ctx.mac.as_mut()), bytes) {
            (Some(mac), Some(bytes)) => {
                mac.update(bytes);
                1
            }
            _ => 0,
        }
    })
}

/// Finishes the HMAC into `out` (EVP_MAX_MD_SIZE bytes), its length in `*len` if not NULL;
/// `HMAC_Init_ex(ctx, NULL, 0, NULL, NULL)` restarts with the same key. 1 on success; 0 for
/// a context not keyed or a NULL `out`.
#[no_mangle]
pub extern "C" fn HMAC_Final(ctx: *mut HMAC_CTX, out: *mut c_uchar, len: *mut c_uint) -> c_int {
    guard("HMAC_Final", 0, || {
        match hmac_ctx(ctx).and_then(|ctx| ctx.mac.take()) {
            Some(mac) => write_digest(&mac.finish(), out, len),
            None => 0,
        }
    })
}

/// The HMAC's length in bytes (the digest's); 0 for a context without a digest, with
/// "message digest is null" queued as OpenSSL does.
#[no_mangle]
pub extern "C" fn HMAC_size(ctx: *const HMAC_CTX) -> usize {
    // SAFETY: a non-NULL context made by HMAC_CTX_new.
    let md = unsafe { borrow(ctx) }.and_then(|ctx| ctx.md);
    usize::try_from(EVP_MD_get_size(
        md.map_or(std::ptr::null(), |md| md as *const EVP_MD),
    ))
    .unwrap_or(0)
}

/// The context's digest (static); NULL if none.
#[no_mangle]
pub extern "C" fn HMAC_CTX_get_md(ctx: *const HMAC_CTX) -> *const EVP_MD {
    // SAFETY: a non-NULL context made by HMAC_CTX_new.
    unsafe { borrow(ctx) }
        .and_then(|ctx| ctx.md)
        .map_or(std::ptr::null(), |md| md as *const EVP_MD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn known_answers() {
        assert_eq!(
            hex(&digest(&MD5, &[b"abc"])),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            hex(&digest(&SHA1, &[b"a", b"bc"])),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        // RFC 2104's test case 2 (HMAC-MD5), and RFC 4231's case 2 (HMAC-SHA-256).
        let mut mac = Authenticator::new(&MD5, b"Jefe");
        mac.update(b"what do ya want for nothing?");
        assert_eq!(hex(&mac.finish()), "750c783e6ab0b503eaa86e310a5db738");
        let mut mac = Authenticator::new(&SHA256, b"Jefe");
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac.finish()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
