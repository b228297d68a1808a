//! BIO_f_ssl: an SSL as a filter BIO. Reads and writes go through SSL_read / SSL_write, the
//! SSL's own I/O through the next BIO of the chain (pushed: the SSL then uses it), and
//! SSL_get_error's answers become the BIO's retry flags. BIO_do_handshake runs the handshake;
//! other ctrl commands (BIO_set_conn_hostname on a BIO_new_ssl_connect chain...) go to the
//! next BIO. With BIO_CLOSE, freeing the BIO frees the SSL.

use std::ffi::{c_int, c_long, c_void};
use std::sync::{Arc, OnceLock};

use super::{
    BioImpl, BIO, BIO_CLOSE, BIO_CTRL_FLUSH, BIO_CTRL_PENDING, BIO_CTRL_POP, BIO_CTRL_PUSH,
    BIO_CTRL_WPENDING, BIO_C_DO_STATE_MACHINE, BIO_METHOD, BIO_RR_CONNECT, BIO_TYPE_SSL,
};
use crate::ffi::{guard, UserPtr};
use crate::ssl::conn::{self as ssl, SSL};

pub const BIO_C_SET_SSL: c_int = 109;
pub const BIO_C_GET_SSL: c_int = 110;
pub const BIO_C_SSL_MODE: c_int = 119;

const SSL_ERROR_NONE: c_int = 0;
const SSL_ERROR_WANT_READ: c_int = 2;
const SSL_ERROR_WANT_WRITE: c_int = 3;
const SSL_ERROR_WANT_X509_LOOKUP: c_int = 4;
const SSL_ERROR_ZERO_RETURN: c_int = 6;
const SSL_ERROR_WANT_CONNECT: c_int = 7;
const SSL_ERROR_WANT_ACCEPT: c_int = 8;

struct SslBio {
    /// The SSL (the program's pointer), NULL until BIO_set_ssl.
    ssl: UserPtr,
}

fn new_ssl_bio() -> Box<dyn BioImpl> {
    Box::new(SslBio {
        ssl: UserPtr::default(),
    })
}

impl SslBio {
    fn ssl(&self) -> *mut SSL {
        self.ssl.0.cast()
    }

    /// Turns an SSL call's result into this BIO's retry flags; returns the BIO's result.
    fn retry_from(&self, bio: &BIO, ret: c_int) -> c_int {
        bio.clear_retry_flags();
        if ret > 0 {
            return ret;
        }
        match ssl::SSL_get_error(self.ssl(), ret) {
            SSL_ERROR_NONE => ret,
            SSL_ERROR_WANT_READ => {
                bio.set_retry_read();
                -1
            }
            SSL_ERROR_WANT_WRITE => {
                bio.set_retry_write();
                -1
            }
            SSL_ERROR_WANT_X509_LOOKUP | SSL_ERROR_WANT_ACCEPT => {
                bio.set_retry_special(super::BIO_RR_ACCEPT);
                -1
            }
            SSL_ERROR_WANT_CONNECT => {
                bio.set_retry_special(BIO_RR_CONNECT);
                -1
            }
            SSL_ERROR_ZERO_RETURN => 0,
            _ => ret.clamp(-1, 0),
        }
    }

    /// Gives the SSL the chain's next BIO for its I/O (one reference of the SSL's own).
    fn attach_next(&self, bio: &BIO) {
        let next = bio.next_ptr();
        if self.ssl().is_null() || next.is_null() || ssl::SSL_get_rbio(self.ssl()) == next {
            return;
        }
        super::BIO_up_ref(next);
        ssl::SSL_set_bio(self.ssl(), next, next);
    }
}

impl BioImpl for SslBio {
    fn starts_initialised(&self) -> bool {
        false
    }

    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        let len = buf.len().min(c_int::MAX as usize) as c_int;
        let ret = ssl::SSL_read(self.ssl(), buf.as_mut_ptr().cast(), len);
        self.retry_from(bio, ret)
    }

    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        let len = data.len().min(c_int::MAX as usize) as c_int;
        let ret = ssl::SSL_write(self.ssl(), data.as_ptr().cast(), len);
        self.retry_from(bio, ret)
    }

    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        match cmd {
            BIO_C_SET_SSL => {
                self.destroy(bio);
                self.ssl = UserPtr(parg);
                bio.set_close_flag(larg as c_int);
                bio.set_init(!parg.is_null());
                self.attach_next(bio);
                1
            }
            BIO_C_GET_SSL => {
                if !parg.is_null() {
                    // SAFETY: BIO_get_ssl passes a place for an SSL pointer.
                    unsafe { parg.cast::<*mut SSL>().write(self.ssl()) };
                }
                c_long::from(!self.ssl().is_null())
            }
            BIO_C_SSL_MODE => {
                if larg != 0 {
                    ssl::SSL_set_connect_state(self.ssl());
                } else {
                    ssl::SSL_set_accept_state(self.ssl());
                }
                1
            }
            BIO_C_DO_STATE_MACHINE => {
                let ret = ssl::SSL_do_handshake(self.ssl());
                self.retry_from(bio, ret) as c_long
            }
            BIO_CTRL_PUSH => {
                self.attach_next(bio);
                bio.next().map_or(1, |next| next.ctrl(cmd, larg, parg))
            }
            BIO_CTRL_POP => {
                if std::ptr::eq(parg.cast_const().cast::<BIO>(), bio) && !self.ssl().is_null() {
                    ssl::SSL_set_bio(self.ssl(), std::ptr::null_mut(), std::ptr::null_mut());
                }
                bio.next().map_or(1, |next| next.ctrl(cmd, larg, parg))
            }
            BIO_CTRL_PENDING => match ssl::SSL_pending(self.ssl()) {
                0 => bio.next().map_or(0, |next| next.ctrl(cmd, larg, parg)),
                pending => pending as c_long,
            },
            BIO_CTRL_WPENDING | BIO_CTRL_FLUSH => {
                bio.next().map_or(0, |next| next.ctrl(cmd, larg, parg))
            }
            _ => bio.next().map_or(0, |next| next.ctrl(cmd, larg, parg)),
        }
    }

    fn destroy(&mut self, bio: &BIO) {
        if !self.ssl().is_null() && bio.close_flag() == BIO_CLOSE {
            ssl::SSL_free(self.ssl());
        }
        self.ssl = UserPtr::default();
    }
}

static SSL_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

/// The SSL filter type; BIO_set_ssl gives a new one its SSL.
#[no_mangle]
pub extern "C" fn BIO_f_ssl() -> *const BIO_METHOD {
    super::builtin_method(&SSL_METHOD, BIO_TYPE_SSL, c"ssl", new_ssl_bio)
}

/// An SSL BIO with a new SSL from `ctx`, in client (`client` non-zero) or server state, freed
/// with the BIO. NULL on failure.
#[no_mangle]
pub extern "C" fn BIO_new_ssl(ctx: *mut crate::ssl::ctx::SSL_CTX, client: c_int) -> *mut BIO {
    guard("BIO_new_ssl", std::ptr::null_mut(), || {
        let s = ssl::SSL_new(ctx);
        if s.is_null() {
            return std::ptr::null_mut();
        }
        if client != 0 {
            ssl::SSL_set_connect_state(s);
        } else {
            ssl::SSL_set_accept_state(s);
        }
        let b = super::BIO_new(BIO_f_ssl());
        if b.is_null() {
            ssl::SSL_free(s);
            return std::ptr::null_mut();
        }
        super::BIO_ctrl(b, BIO_C_SET_SSL, BIO_CLOSE as c_long, s.cast());
        b
    })
}

/// A client SSL BIO from `ctx` with a connect BIO after it: set the peer with
/// BIO_set_conn_hostname on the returned BIO, then BIO_do_connect / BIO_do_handshake. NULL on
/// failure.
#[no_mangle]
pub extern "C" fn BIO_new_ssl_connect(ctx: *mut crate::ssl::ctx::SSL_CTX) -> *mut BIO {
    guard("BIO_new_ssl_connect", std::ptr::null_mut(), || {
        let connect = super::BIO_new(super::connect::BIO_s_connect());
        if connect.is_null() {
            return std::ptr::null_mut();
        }
        let b = BIO_new_ssl(ctx, 1);
        if b.is_null() {
            super::BIO_free(connect);
            return std::ptr::null_mut();
        }
        super::BIO_push(b, connect)
    })
}

/// Sends the SSL's close_notify (SSL_shutdown); nothing for a BIO chain without an SSL BIO.
#[no_mangle]
pub extern "C" fn BIO_ssl_shutdown(b: *mut BIO) {
    guard("BIO_ssl_shutdown", (), || {
        let mut current = b;
        // SAFETY: walking a chain C holds.
        while let Some(bio) = unsafe { crate::ffi::borrow(current) } {
            if bio.type_() == BIO_TYPE_SSL {
                let mut s: *mut SSL = std::ptr::null_mut();
                bio.ctrl(BIO_C_GET_SSL, 0, (&mut s as *mut *mut SSL).cast());
                ssl::SSL_shutdown(s);
                return;
            }
            current = bio.next_ptr();
        }
    })
}
