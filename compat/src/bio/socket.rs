//! BIO_s_socket: a connected socket (a descriptor the program made, or SSL_set_fd's). Reads
//! and writes are the system calls; EAGAIN / EWOULDBLOCK / EINTR / EINPROGRESS become retry
//! flags, as OpenSSL's socket BIO does. Writes never raise SIGPIPE (send with MSG_NOSIGNAL;
//! a descriptor that is not a socket falls back to write). With BIO_CLOSE, freeing the BIO
//! closes the descriptor.

use std::ffi::{c_int, c_long, c_void};
use std::sync::{Arc, OnceLock};

use super::fd::{get_fd_ctrl, set_fd_ctrl};
use super::{
    BioImpl, BIO, BIO_CLOSE, BIO_CTRL_DUP, BIO_CTRL_EOF, BIO_CTRL_FLUSH, BIO_CTRL_PENDING,
    BIO_CTRL_WPENDING, BIO_C_GET_FD, BIO_C_SET_FD, BIO_FLAGS_IN_EOF, BIO_METHOD, BIO_TYPE_SOCKET,
};
use crate::ffi::{self, guard};

/// The descriptor-based BIO state, shared with the other descriptor types.
pub struct SocketBio {
    fd: c_int,
    /// false once send() said the descriptor is not a socket.
    use_send: bool,
}

fn new_socket() -> Box<dyn BioImpl> {
    Box::new(SocketBio {
        fd: -1,
        use_send: true,
    })
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// OpenSSL's BIO_sock_non_fatal_error: the errors after which a retry may succeed.
pub fn is_retryable(error: c_int) -> bool {
    matches!(
        error,
        libc::EWOULDBLOCK
            | libc::EINTR
            | libc::EINPROGRESS
            | libc::EALREADY
            | libc::ENOTCONN
            | libc::EPROTO
    ) || error == libc::EAGAIN
}

impl SocketBio {
    /// The descriptor, or -1 before BIO_set_fd.
    pub fn fd(&self) -> c_int {
        self.fd
    }
}

impl BioImpl for SocketBio {
    fn starts_initialised(&self) -> bool {
        self.fd >= 0
    }

    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        bio.clear_retry_flags();
        // SAFETY: read() into a buffer of buf.len() writable bytes.
        let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            if n == 0 {
                bio.set_flags(BIO_FLAGS_IN_EOF);
            } else if is_retryable(errno()) {
                bio.set_retry_read();
            }
        }
        n as c_int
    }

    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        bio.clear_retry_flags();
        let mut n = -1;
        if self.use_send {
            // SAFETY: send() of data.len() readable bytes.
            n = unsafe {
                libc::send(
                    self.fd,
                    data.as_ptr().cast(),
                    data.len(),
                    libc::MSG_NOSIGNAL,
                )
            };
            if n < 0 && errno() == libc::ENOTSOCK {
                self.use_send = false;
            }
        }
        if !self.use_send {
            // SAFETY: write() of data.len() readable bytes.
            n = unsafe { libc::write(self.fd, data.as_ptr().cast(), data.len()) };
        }
        if n <= 0 && is_retryable(errno()) {
            bio.set_retry_write();
        }
        n as c_int
    }

    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        match cmd {
            BIO_C_SET_FD => {
                self.close_if_owned(bio);
                set_fd_ctrl(&mut self.fd, bio, larg, parg)
            }
            BIO_C_GET_FD => get_fd_ctrl(self.fd, bio, parg),
            BIO_CTRL_EOF => (bio.test_flags(BIO_FLAGS_IN_EOF) != 0) as c_long,
            BIO_CTRL_DUP | BIO_CTRL_FLUSH => 1,
            BIO_CTRL_PENDING | BIO_CTRL_WPENDING => 0,
            _ => 0,
        }
    }

    fn destroy(&mut self, bio: &BIO) {
        self.close_if_owned(bio);
    }
}

impl SocketBio {
    fn close_if_owned(&mut self, bio: &BIO) {
        if bio.is_init() && bio.close_flag() == BIO_CLOSE && self.fd >= 0 {
            // SAFETY: closing the descriptor this BIO was given with BIO_CLOSE.
            unsafe { libc::close(self.fd) };
        }
        self.fd = -1;
        bio.set_init(false);
    }
}

static SOCKET_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

fn socket_method() -> *const BIO_METHOD {
    super::builtin_method(&SOCKET_METHOD, BIO_TYPE_SOCKET, c"socket", new_socket)
}

/// A socket BIO over `fd`; with `close_flag` BIO_CLOSE, freeing it closes `fd`. Rust callers
/// (SSL_set_fd) get the BIO's pointer, holding one reference.
pub fn new_socket_bio(fd: c_int, close_flag: c_int) -> *mut BIO {
    // SAFETY: the method is one of ours, alive for the process.
    let Some(method) = (unsafe { ffi::share(socket_method()) }) else {
        return std::ptr::null_mut();
    };
    let b = BIO::new_c(method);
    // SAFETY: just made, ours.
    if let Some(bio) = unsafe { ffi::borrow(b) } {
        bio.replace_impl(Box::new(SocketBio { fd, use_send: true }));
        bio.set_close_flag(close_flag);
        bio.set_init(true);
    }
    b
}

/// The socket BIO's method. A BIO made from it is not initialised until BIO_set_fd.
#[no_mangle]
pub extern "C" fn BIO_s_socket() -> *const BIO_METHOD {
    guard("BIO_s_socket", std::ptr::null(), socket_method)
}

#[no_mangle]
pub extern "C" fn BIO_new_socket(sock: c_int, close_flag: c_int) -> *mut BIO {
    guard("BIO_new_socket", std::ptr::null_mut(), || {
        new_socket_bio(sock, close_flag)
    })
}

/// 1 when a socket call that returned `i` failed with an error worth retrying (errno).
#[no_mangle]
pub extern "C" fn BIO_sock_should_retry(i: c_int) -> c_int {
    (i <= 0 && is_retryable(errno())) as c_int
}

#[no_mangle]
pub extern "C" fn BIO_sock_non_fatal_error(error: c_int) -> c_int {
    is_retryable(error) as c_int
}
