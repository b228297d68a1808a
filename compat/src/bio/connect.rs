//! BIO_s_connect: a client socket that connects itself (to BIO_set_conn_hostname's
//! "host:port", or host and BIO_set_conn_port) on BIO_do_connect or on the first read or
//! write; non-blocking with BIO_set_nbio (a connection in progress is a retry with reason
//! BIO_RR_CONNECT). Connected, it reads and writes as a socket BIO (no SIGPIPE).

use std::ffi::{c_char, c_int, c_long, c_void, CStr, CString};
use std::sync::{Arc, OnceLock};

use super::addr::{self, BIO_ADDRINFO};
use super::socket::is_retryable;
use super::{
    BioImpl, BIO, BIO_CLOSE, BIO_CTRL_DUP, BIO_CTRL_EOF, BIO_CTRL_FLUSH, BIO_CTRL_RESET,
    BIO_C_DO_STATE_MACHINE, BIO_C_GET_FD, BIO_C_SET_CONNECT, BIO_C_SET_NBIO, BIO_FLAGS_IN_EOF,
    BIO_METHOD, BIO_RR_CONNECT, BIO_TYPE_CONNECT,
};
use crate::err::{self, ERR_LIB_BIO};
use crate::ffi::{self, guard};

pub const BIO_C_GET_CONNECT: c_int = 123;

/// "host:port", "[v6]:port", or a lone token (the host when `host_first`, else the port).
pub fn split_host_port(text: &str, host_first: bool) -> (Option<String>, Option<String>) {
    if let Some(rest) = text.strip_prefix('[') {
        if let Some((host, after)) = rest.split_once(']') {
            let port = after.strip_prefix(':').map(str::to_owned);
            return (Some(host.to_owned()), port);
        }
    }
    match text.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (Some(host.to_owned()), Some(port.to_owned())),
        _ if host_first => (Some(text.to_owned()), None),
        _ => (None, Some(text.to_owned())),
    }
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

enum State {
    Idle,
    /// A non-blocking connect in progress to address `index` of `addresses`.
    Connecting {
        addresses: Box<BIO_ADDRINFO>,
        index: usize,
    },
    Connected,
}

struct ConnectBio {
    host: Option<CString>,
    port: Option<CString>,
    family: c_int,
    nbio: bool,
    fd: c_int,
    state: State,
}

fn new_connect() -> Box<dyn BioImpl> {
    Box::new(ConnectBio {
        host: None,
        port: None,
        family: libc::AF_UNSPEC,
        nbio: false,
        fd: -1,
        state: State::Idle,
    })
}

impl ConnectBio {
    fn close(&mut self) {
        if self.fd >= 0 {
            // SAFETY: closing the socket this BIO made.
            unsafe { libc::close(self.fd) };
        }
        self.fd = -1;
        self.state = State::Idle;
    }

    /// Tries addresses from `index` on: 1 connected, -1 in progress (retry), 0 failed.
    fn try_from(&mut self, bio: &BIO, addresses: Box<BIO_ADDRINFO>, mut index: usize) -> c_int {
        loop {
            let Some(entry) = std::iter::successors(Some(&*addresses), |e| e.next()).nth(index)
            else {
                let target = format!(
                    "{}:{}",
                    self.host
                        .as_deref()
                        .map_or("".into(), CStr::to_string_lossy),
                    self.port
                        .as_deref()
                        .map_or("".into(), CStr::to_string_lossy)
                );
                err::raise(
                    ERR_LIB_BIO,
                    err::BIO_R_CONNECT_ERROR,
                    "BIO_do_connect",
                    format!("hostname={target}"),
                );
                self.state = State::Idle;
                return 0;
            };
            if self.fd >= 0 {
                // SAFETY: closing the socket of a failed attempt.
                unsafe { libc::close(self.fd) };
            }
            self.fd = addr::BIO_socket(entry.family(), entry.socktype(), entry.protocol(), 0);
            if self.fd < 0 {
                self.state = State::Idle;
                return 0;
            }
            let options = if self.nbio {
                addr::BIO_SOCK_NONBLOCK
            } else {
                0
            };
            if addr::BIO_connect(self.fd, entry.address(), options) == 1 {
                self.state = State::Connected;
                return 1;
            }
            if self.nbio && is_retryable(errno()) {
                self.state = State::Connecting { addresses, index };
                bio.set_retry_special(BIO_RR_CONNECT);
                return -1;
            }
            index += 1;
        }
    }

    /// The state machine: 1 connected, -1 retry (non-blocking), 0 failed.
    fn connect(&mut self, bio: &BIO) -> c_int {
        bio.clear_retry_flags();
        match std::mem::replace(&mut self.state, State::Idle) {
            State::Connected => {
                self.state = State::Connected;
                1
            }
            State::Idle => {
                if self.host.is_none() {
                    err::raise(
                        ERR_LIB_BIO,
                        err::BIO_R_NO_HOSTNAME_OR_SERVICE_SPECIFIED,
                        "BIO_do_connect",
                        "",
                    );
                    return 0;
                }
                let Some(addresses) = addr::lookup(
                    "BIO_do_connect",
                    self.host.as_deref(),
                    self.port.as_deref(),
                    false,
                    self.family,
                    libc::SOCK_STREAM,
                    0,
                ) else {
                    return 0;
                };
                self.try_from(bio, addresses, 0)
            }
            State::Connecting { addresses, index } => {
                let mut poll = libc::pollfd {
                    fd: self.fd,
                    events: libc::POLLOUT,
                    revents: 0,
                };
                // SAFETY: one pollfd, no waiting.
                if unsafe { libc::poll(&mut poll, 1, 0) } == 0 {
                    self.state = State::Connecting { addresses, index };
                    bio.set_retry_special(BIO_RR_CONNECT);
                    return -1;
                }
                let mut error: c_int = 0;
                let mut len = std::mem::size_of::<c_int>() as libc::socklen_t;
                // SAFETY: getsockopt writes an int into `error`.
                unsafe {
                    libc::getsockopt(
                        self.fd,
                        libc::SOL_SOCKET,
                        libc::SO_ERROR,
                        (&mut error as *mut c_int).cast(),
                        &mut len,
                    )
                };
                if error == 0 {
                    self.state = State::Connected;
                    return 1;
                }
                err::raise_errno(error, "BIO_do_connect", "calling connect()");
                self.try_from(bio, addresses, index + 1)
            }
        }
    }

    fn connected(&mut self, bio: &BIO) -> Option<c_int> {
        match self.connect(bio) {
            1 => None,
            ret => Some(ret),
        }
    }
}

impl BioImpl for ConnectBio {
    fn starts_initialised(&self) -> bool {
        false
    }

    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        if let Some(ret) = self.connected(bio) {
            return ret;
        }
        // SAFETY: read() into buf.len() writable bytes.
        let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n == 0 {
            bio.set_flags(BIO_FLAGS_IN_EOF);
        } else if n < 0 && is_retryable(errno()) {
            bio.set_retry_read();
        }
        n as c_int
    }

    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        if let Some(ret) = self.connected(bio) {
            return ret;
        }
        // SAFETY: send() of data.len() readable bytes, without SIGPIPE.
        let n = unsafe {
            libc::send(
                self.fd,
                data.as_ptr().cast(),
                data.len(),
                libc::MSG_NOSIGNAL,
            )
        };
        if n < 0 && is_retryable(errno()) {
            bio.set_retry_write();
        }
        n as c_int
    }

    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        match cmd {
            BIO_C_SET_CONNECT => {
                // SAFETY: the hostname / port forms pass a NUL-terminated string.
                let text = || {
                    unsafe { ffi::str_arg(parg.cast::<c_char>().cast_const()) }.map(str::to_owned)
                };
                let cstring = |s: String| CString::new(s).ok();
                match larg {
                    0 => {
                        let Some(text) = text() else { return 0 };
                        let (host, port) = split_host_port(&text, true);
                        self.host = host.and_then(cstring);
                        if port.is_some() {
                            self.port = port.and_then(cstring);
                        }
                    }
                    1 => self.port = text().and_then(cstring),
                    3 => {
                        if parg.is_null() {
                            return 0;
                        }
                        // SAFETY: BIO_set_conn_ip_family passes a pointer to an int.
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
            BIO_C_GET_CONNECT => {
                let value: *const c_char = match larg {
                    0 => self.host.as_deref().map_or(std::ptr::null(), CStr::as_ptr),
                    1 => self.port.as_deref().map_or(std::ptr::null(), CStr::as_ptr),
                    _ => std::ptr::null(),
                };
                if !parg.is_null() {
                    // SAFETY: BIO_ptr_ctrl passes a place for the pointer.
                    unsafe { parg.cast::<*const c_char>().write(value) };
                }
                c_long::from(!value.is_null())
            }
            BIO_C_SET_NBIO => {
                self.nbio = larg != 0;
                1
            }
            BIO_C_DO_STATE_MACHINE => self.connect(bio) as c_long,
            BIO_C_GET_FD => {
                if !parg.is_null() && self.fd >= 0 {
                    // SAFETY: BIO_get_fd passes NULL or a place for an int.
                    unsafe { parg.cast::<c_int>().write(self.fd) };
                }
                self.fd as c_long
            }
            BIO_CTRL_RESET => {
                self.close();
                0
            }
            BIO_CTRL_EOF => c_long::from(bio.test_flags(BIO_FLAGS_IN_EOF) != 0),
            BIO_CTRL_FLUSH | BIO_CTRL_DUP => 1,
            _ => 0,
        }
    }

    fn destroy(&mut self, bio: &BIO) {
        if bio.close_flag() == BIO_CLOSE {
            self.close();
        }
    }
}

static CONNECT_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

/// The connecting-socket BIO type.
#[no_mangle]
pub extern "C" fn BIO_s_connect() -> *const BIO_METHOD {
    super::builtin_method(
        &CONNECT_METHOD,
        BIO_TYPE_CONNECT,
        c"socket connect",
        new_connect,
    )
}

/// A connect BIO for "host:port" (BIO_set_conn_hostname's forms); NULL on failure.
#[no_mangle]
pub extern "C" fn BIO_new_connect(host_port: *const c_char) -> *mut BIO {
    guard("BIO_new_connect", std::ptr::null_mut(), || {
        let b = super::BIO_new(BIO_s_connect());
        if !b.is_null()
            && super::BIO_ctrl(b, BIO_C_SET_CONNECT, 0, host_port.cast_mut().cast()) != 1
        {
            super::BIO_free(b);
            return std::ptr::null_mut();
        }
        b
    })
}
