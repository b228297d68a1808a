//! BIO_s_accept: a listening socket. The first BIO_do_accept binds and listens (on
//! BIO_set_accept_name's "host:port", or a port alone; port 0 picks a free one, which
//! BIO_get_accept_port then reports); each later one accepts a connection and appends a socket
//! BIO for it after the accept BIO, where BIO_pop takes it. Non-blocking accept
//! (BIO_set_nbio_accept) with nothing waiting is a retry with reason BIO_RR_ACCEPT.

use std::ffi::{c_char, c_int, c_long, c_void, CStr, CString};
use std::sync::{Arc, OnceLock};

use super::addr::{self, BIO_ADDR, BIO_SOCK_NONBLOCK, BIO_SOCK_REUSEADDR};
use super::connect::split_host_port;
use super::{
    BioImpl, BIO, BIO_CLOSE, BIO_CTRL_FLUSH, BIO_CTRL_RESET, BIO_C_DO_STATE_MACHINE, BIO_C_GET_FD,
    BIO_METHOD, BIO_RR_ACCEPT, BIO_TYPE_ACCEPT,
};
use crate::err::{self, ERR_LIB_BIO};
use crate::ffi::{self, guard};

pub const BIO_C_SET_ACCEPT: c_int = 118;
pub const BIO_C_GET_ACCEPT: c_int = 124;
pub const BIO_C_SET_BIND_MODE: c_int = 131;
pub const BIO_C_GET_BIND_MODE: c_int = 132;

struct AcceptBio {
    host: Option<CString>,
    port: Option<CString>,
    family: c_int,
    bind_mode: c_int,
    nbio_accept: bool,
    fd: c_int,
    /// Where the socket listens, once it does (port 0 resolved).
    bound_host: Option<CString>,
    bound_port: Option<CString>,
}

fn new_accept() -> Box<dyn BioImpl> {
    Box::new(AcceptBio {
        host: None,
        port: None,
        family: libc::AF_UNSPEC,
        bind_mode: 0,
        nbio_accept: false,
        fd: -1,
        bound_host: None,
        bound_port: None,
    })
}

impl AcceptBio {
    fn listen(&mut self) -> c_int {
        if self.port.is_none() {
            err::raise(
                ERR_LIB_BIO,
                err::BIO_R_NO_ACCEPT_ADDR_OR_SERVICE_SPECIFIED,
                "BIO_do_accept",
                "",
            );
            return 0;
        }
        let host = self.host.as_deref().filter(|h| h.to_bytes() != b"*");
        let Some(addresses) = addr::lookup(
            "BIO_do_accept",
            host,
            self.port.as_deref(),
            true,
            self.family,
            libc::SOCK_STREAM,
            0,
        ) else {
            return 0;
        };
        let entry = &*addresses;
        let fd = addr::BIO_socket(entry.family(), entry.socktype(), entry.protocol(), 0);
        if fd < 0 {
            return 0;
        }
        let mut options = if self.bind_mode & BIO_SOCK_REUSEADDR != 0 {
            BIO_SOCK_REUSEADDR
        } else {
            0
        };
        if self.nbio_accept {
            options |= BIO_SOCK_NONBLOCK;
        }
        if addr::BIO_listen(fd, entry.address(), options) != 1 {
            // SAFETY: closing the socket just made.
            unsafe { libc::close(fd) };
            return 0;
        }
        self.fd = fd;
        if let Some((host, port)) = BIO_ADDR::of_socket(fd).and_then(|a| a.numeric_host_port()) {
            self.bound_host = CString::new(host).ok();
            self.bound_port = CString::new(port).ok();
        }
        1
    }

    /// Accepts one connection and appends its socket BIO after `bio`: 1, -1 retry, 0 failed.
    fn accept(&mut self, bio: &BIO) -> c_int {
        let options = if self.nbio_accept {
            BIO_SOCK_NONBLOCK
        } else {
            0
        };
        let fd = addr::BIO_accept_ex(self.fd, std::ptr::null_mut(), options);
        if fd < 0 {
            if self.nbio_accept && err::last_code() == 0 {
                bio.set_retry_special(BIO_RR_ACCEPT);
                return -1;
            }
            return 0;
        }
        let client = super::socket::new_socket_bio(fd, BIO_CLOSE);
        // Appended directly, not with BIO_push: this BIO's own state is in use right now.
        let mut last: &BIO = bio;
        while let Some(next) = last.next() {
            last = next;
        }
        last.set_next(client);
        // SAFETY: the new BIO, just made, holding the reference the chain now owns.
        if let Some(client) = unsafe { ffi::borrow(client) } {
            client.set_prev(last as *const BIO as *mut BIO);
        }
        1
    }

    fn state_machine(&mut self, bio: &BIO) -> c_int {
        bio.clear_retry_flags();
        if self.fd < 0 {
            self.listen()
        } else {
            self.accept(bio)
        }
    }
}

impl BioImpl for AcceptBio {
    fn starts_initialised(&self) -> bool {
        false
    }

    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        match bio.next() {
            Some(next) => next.read(buf),
            None => self.state_machine(bio).min(0),
        }
    }

    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        match bio.next() {
            Some(next) => next.write(data),
            None => self.state_machine(bio).min(0),
        }
    }

    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        match cmd {
            BIO_C_SET_ACCEPT => {
                match larg {
                    0 | 1 => {
                        // SAFETY: the name / port forms pass a NUL-terminated string.
                        let Some(text) =
                            (unsafe { ffi::str_arg(parg.cast::<c_char>().cast_const()) })
                        else {
                            return 0;
                        };
                        let (host, port) = if larg == 0 {
                            split_host_port(text, false)
                        } else {
                            (None, Some(text.to_owned()))
                        };
                        if larg == 0 {
                            self.host = host.and_then(|h| CString::new(h).ok());
                        }
                        self.port = port.and_then(|p| CString::new(p).ok());
                    }
                    2 => self.nbio_accept = !parg.is_null(),
                    4 => {
                        if parg.is_null() {
                            return 0;
                        }
                        // SAFETY: BIO_set_accept_ip_family passes a pointer to an int.
                        self.family = match unsafe { parg.cast::<c_int>().read() } {
                            4 => libc::AF_INET,
                            6 => libc::AF_INET6,
                            _ => libc::AF_UNSPEC,
                        };
                    }
                    _ => return 0,
                }
                bio.set_init(true);
                1
            }
            BIO_C_GET_ACCEPT => {
                let value = match larg {
                    0 => self.bound_host.as_deref().or(self.host.as_deref()),
                    1 => self.bound_port.as_deref().or(self.port.as_deref()),
                    _ => None,
                }
                .map_or(std::ptr::null(), CStr::as_ptr);
                if !parg.is_null() {
                    // SAFETY: BIO_ptr_ctrl passes a place for the pointer.
                    unsafe { parg.cast::<*const c_char>().write(value) };
                }
                c_long::from(!value.is_null())
            }
            BIO_C_SET_BIND_MODE => {
                self.bind_mode = larg as c_int;
                1
            }
            BIO_C_GET_BIND_MODE => self.bind_mode as c_long,
            BIO_C_DO_STATE_MACHINE => self.state_machine(bio) as c_long,
            BIO_C_GET_FD => {
                if !parg.is_null() && self.fd >= 0 {
                    // SAFETY: BIO_get_fd passes NULL or a place for an int.
                    unsafe { parg.cast::<c_int>().write(self.fd) };
                }
                self.fd as c_long
            }
            BIO_CTRL_RESET => {
                self.destroy(bio);
                0
            }
            BIO_CTRL_FLUSH => 1,
            _ => 0,
        }
    }

    fn destroy(&mut self, _bio: &BIO) {
        if self.fd >= 0 {
            // SAFETY: closing the listening socket this BIO made.
            unsafe { libc::close(self.fd) };
        }
        self.fd = -1;
    }
}

static ACCEPT_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

/// The listening-socket BIO type.
#[no_mangle]
pub extern "C" fn BIO_s_accept() -> *const BIO_METHOD {
    super::builtin_method(
        &ACCEPT_METHOD,
        BIO_TYPE_ACCEPT,
        c"socket accept",
        new_accept,
    )
}

/// An accept BIO for "host:port", "*:port" or a port alone; NULL on failure.
#[no_mangle]
pub extern "C" fn BIO_new_accept(host_port: *const c_char) -> *mut BIO {
    guard("BIO_new_accept", std::ptr::null_mut(), || {
        let b = super::BIO_new(BIO_s_accept());
        if !b.is_null() && super::BIO_ctrl(b, BIO_C_SET_ACCEPT, 0, host_port.cast_mut().cast()) != 1
        {
            super::BIO_free(b);
            return std::ptr::null_mut();
        }
        b
    })
}
