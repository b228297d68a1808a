//! SSL_SESSION: a handle on a connection's session. ftls resumes sessions through the
//! context's own cache (bound to the verification policy, and, on servers, to the session ID
//! context): a client that reconnects with the same SSL_CTX resumes whether or not it calls
//! SSL_set_session. The handle carries what programs read (id, time, timeout, protocol) and
//! survives i2d_SSL_SESSION / d2i_SSL_SESSION, but a session restored in another process does
//! not resume: the secrets never leave ftls.

use std::ffi::{c_int, c_long, c_uint};
use std::sync::atomic::{AtomicI64, Ordering};

use crate::err::{self, ERR_LIB_SSL, SSL_R_BAD_LENGTH};
use crate::ffi::{self, guard};

/// The serialised form's first bytes (a DER SEQUENCE would start 0x30: this is not OpenSSL's
/// format, and d2i refuses OpenSSL's).
const MAGIC: &[u8; 8] = b"ftlsSS1\0";

pub struct SSL_SESSION {
    id: Vec<u8>,
    time: AtomicI64,
    timeout: AtomicI64,
    protocol: c_int,
    pub ex_data: super::ex_data::ExData,
}

impl SSL_SESSION {
    pub fn new(protocol: c_int, timeout: c_long) -> Self {
        let mut id = vec![0u8; 32];
        let _ = rustls::crypto::CryptoProvider::get_default()
            .map(|p| p.secure_random.fill(&mut id))
            .unwrap_or_else(|| ftls::core::default_provider().secure_random.fill(&mut id));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        SSL_SESSION {
            id,
            time: AtomicI64::new(now),
            timeout: AtomicI64::new(timeout),
            protocol,
            ex_data: Default::default(),
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.push(self.id.len() as u8);
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&self.time.load(Ordering::Relaxed).to_be_bytes());
        out.extend_from_slice(&self.timeout.load(Ordering::Relaxed).to_be_bytes());
        out.extend_from_slice(&(self.protocol as u16).to_be_bytes());
        out
    }

    fn decode(input: &[u8]) -> Option<(Self, usize)> {
        let rest = input.strip_prefix(MAGIC.as_slice())?;
        let (&len, rest) = rest.split_first()?;
        let len = len as usize;
        if len > 32 || rest.len() < len + 18 {
            return None;
        }
        let id = rest[..len].to_vec();
        let number = |at: usize| i64::from_be_bytes(rest[at..at + 8].try_into().unwrap_or([0; 8]));
        let session = SSL_SESSION {
            id,
            time: AtomicI64::new(number(len)),
            timeout: AtomicI64::new(number(len + 8)),
            protocol: u16::from_be_bytes([rest[len + 16], rest[len + 17]]) as c_int,
            ex_data: Default::default(),
        };
        Some((session, MAGIC.len() + 1 + len + 18))
    }
}

fn session<'a>(s: *const SSL_SESSION) -> Option<&'a SSL_SESSION> {
    // SAFETY: C passes NULL or a session it holds.
    unsafe { ffi::borrow(s) }
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_free(s: *mut SSL_SESSION) {
    // SAFETY: C gives up its reference (NULL does nothing).
    guard("SSL_SESSION_free", (), || unsafe { ffi::release(s) })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_up_ref(s: *mut SSL_SESSION) -> c_int {
    // SAFETY: C passes NULL or a session it holds.
    guard("SSL_SESSION_up_ref", 0, || unsafe { ffi::up_ref(s) })
}

/// The session's id (32 random bytes, borrowed: valid while the session lives), its length in
/// *len.
#[no_mangle]
pub extern "C" fn SSL_SESSION_get_id(s: *const SSL_SESSION, len: *mut c_uint) -> *const u8 {
    guard("SSL_SESSION_get_id", std::ptr::null(), || {
        let Some(s) = session(s) else {
            return std::ptr::null();
        };
        // SAFETY: len is NULL or a place for the length.
        unsafe { ffi::write_out(len, s.id.len() as c_uint) };
        s.id.as_ptr()
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_time(s: *const SSL_SESSION) -> c_long {
    guard("SSL_SESSION_get_time", 0, || {
        session(s).map_or(0, |s| s.time.load(Ordering::Relaxed) as c_long)
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_timeout(s: *const SSL_SESSION) -> c_long {
    guard("SSL_SESSION_get_timeout", 0, || {
        session(s).map_or(0, |s| s.timeout.load(Ordering::Relaxed) as c_long)
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set_timeout(s: *mut SSL_SESSION, t: c_long) -> c_long {
    guard("SSL_SESSION_set_timeout", 0, || {
        session(s).map_or(0, |s| {
            s.timeout.store(t, Ordering::Relaxed);
            1
        })
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_protocol_version(s: *const SSL_SESSION) -> c_int {
    guard("SSL_SESSION_get_protocol_version", 0, || {
        session(s).map_or(0, |s| s.protocol)
    })
}

/// The serialised session's length; with pp not NULL also writes it at *pp and advances *pp
/// (OpenSSL's i2d convention). 0 for NULL.
#[no_mangle]
pub extern "C" fn i2d_SSL_SESSION(s: *const SSL_SESSION, pp: *mut *mut u8) -> c_int {
    guard("i2d_SSL_SESSION", 0, || {
        let Some(s) = session(s) else { return 0 };
        let bytes = s.encode();
        if !pp.is_null() {
            // SAFETY: C passes a pointer to a buffer of at least the length a first call with
            // NULL returned (i2d's contract); *pp is advanced past what was written.
            unsafe {
                let out = *pp;
                if !out.is_null() {
                    std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len());
                    *pp = out.add(bytes.len());
                }
            }
        }
        bytes.len() as c_int
    })
}

/// Reads a session i2d_SSL_SESSION wrote (at most `length` bytes at *pp); advances *pp. A new
/// session (one reference), also stored in *a when a is not NULL; NULL on failure.
#[no_mangle]
pub extern "C" fn d2i_SSL_SESSION(
    a: *mut *mut SSL_SESSION,
    pp: *mut *const u8,
    length: c_long,
) -> *mut SSL_SESSION {
    guard("d2i_SSL_SESSION", std::ptr::null_mut(), || {
        if pp.is_null() || length < 0 {
            return std::ptr::null_mut();
        }
        // SAFETY: *pp points to length readable bytes (C's contract).
        let input = unsafe { ffi::bytes_arg((*pp).cast(), length as usize) };
        let Some((decoded, used)) = input.and_then(SSL_SESSION::decode) else {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_BAD_LENGTH,
                "d2i_SSL_SESSION",
                "not a session written by i2d_SSL_SESSION of this library",
            );
            return std::ptr::null_mut();
        };
        let out = ffi::into_c(decoded);
        // SAFETY: advancing *pp within the input; a is NULL or a place for the pointer.
        unsafe {
            *pp = (*pp).add(used);
            if !a.is_null() {
                ffi::release(*a);
                *a = out;
            }
        }
        out
    })
}
