//! BIO_s_fd: any file descriptor (a pipe, a terminal, a file, a socket) with read() and
//! write(); would-block and EINTR become retry flags. With BIO_CLOSE, freeing the BIO closes
//! the descriptor.

use std::ffi::{c_int, c_long, c_void};
use std::sync::{Arc, OnceLock};

use super::socket::is_retryable;
use super::{
    BioImpl, BIO, BIO_CLOSE, BIO_CTRL_DUP, BIO_CTRL_EOF, BIO_CTRL_FLUSH, BIO_CTRL_RESET,
    BIO_C_GET_FD, BIO_C_SET_FD, BIO_FLAGS_IN_EOF, BIO_METHOD, BIO_TYPE_FD,
};
use crate::ffi::guard;

pub const BIO_C_FILE_SEEK: c_int = 128;
pub const BIO_C_FILE_TELL: c_int = 133;

struct FdBio {
    fd: c_int,
}

fn new_fd() -> Box<dyn BioImpl> {
    Box::new(FdBio { fd: -1 })
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

impl FdBio {
    fn close_if_owned(&mut self, bio: &BIO) {
        if bio.is_init() && bio.close_flag() == BIO_CLOSE && self.fd >= 0 {
            // SAFETY: closing the descriptor this BIO was given with BIO_CLOSE.
            unsafe { libc::close(self.fd) };
        }
        self.fd = -1;
        bio.set_init(false);
    }

    fn seek(&self, offset: libc::off_t, whence: c_int) -> c_long {
        // SAFETY: lseek on the BIO's descriptor; no memory is touched.
        unsafe { libc::lseek(self.fd, offset, whence) as c_long }
    }
}

impl BioImpl for FdBio {
    fn starts_initialised(&self) -> bool {
        false
    }

    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        bio.clear_retry_flags();
        // SAFETY: read() into a buffer of buf.len() writable bytes.
        let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n == 0 {
            bio.set_flags(BIO_FLAGS_IN_EOF);
        } else if n < 0 && is_retryable(errno()) {
            bio.set_retry_read();
        }
        n as c_int
    }

    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        bio.clear_retry_flags();
        // SAFETY: write() of data.len() readable bytes.
        let n = unsafe { libc::write(self.fd, data.as_ptr().cast(), data.len()) };
        if n < 0 && is_retryable(errno()) {
            bio.set_retry_write();
        }
        n as c_int
    }

    /// One byte at a time, never reading past the line.
    fn gets(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        let room = buf.len() - 1;
        let mut n = 0;
        while n < room {
            let got = self.read(bio, &mut buf[n..n + 1]);
            if got <= 0 {
                break;
            }
            n += 1;
            if buf[n - 1] == b'\n' {
                break;
            }
        }
        buf[n] = 0;
        n as c_int
    }

    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        match cmd {
            BIO_C_SET_FD => {
                self.close_if_owned(bio);
                set_fd_ctrl(&mut self.fd, bio, larg, parg)
            }
            BIO_C_GET_FD => get_fd_ctrl(self.fd, bio, parg),
            BIO_CTRL_RESET => self.seek(0, libc::SEEK_SET),
            BIO_C_FILE_SEEK => self.seek(larg as libc::off_t, libc::SEEK_SET),
            BIO_C_FILE_TELL => self.seek(0, libc::SEEK_CUR),
            BIO_CTRL_EOF => c_long::from(bio.test_flags(BIO_FLAGS_IN_EOF) != 0),
            BIO_CTRL_DUP | BIO_CTRL_FLUSH => 1,
            _ => 0,
        }
    }

    fn destroy(&mut self, bio: &BIO) {
        self.close_if_owned(bio);
    }
}

static FD_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

/// The file-descriptor BIO type; BIO_set_fd gives a new one its descriptor.
#[no_mangle]
pub extern "C" fn BIO_s_fd() -> *const BIO_METHOD {
    super::builtin_method(&FD_METHOD, BIO_TYPE_FD, c"file descriptor", new_fd)
}

/// A BIO over descriptor `fd`; with `close_flag` BIO_CLOSE, freeing it closes `fd`. NULL on
/// failure.
#[no_mangle]
pub extern "C" fn BIO_new_fd(fd: c_int, close_flag: c_int) -> *mut BIO {
    guard("BIO_new_fd", std::ptr::null_mut(), || {
        let b = super::BIO_new(BIO_s_fd());
        if !b.is_null() {
            super::BIO_int_ctrl(b, BIO_C_SET_FD, close_flag as c_long, fd);
        }
        b
    })
}

/// 1 when an fd call that returned `i` failed with an errno worth retrying, else 0.
#[no_mangle]
pub extern "C" fn BIO_fd_should_retry(i: c_int) -> c_int {
    c_int::from((i == 0 || i == -1) && is_retryable(errno()))
}

/// 1 when `error` is an errno worth retrying (EAGAIN, EINTR, EINPROGRESS...), else 0.
#[no_mangle]
pub extern "C" fn BIO_fd_non_fatal_error(error: c_int) -> c_int {
    c_int::from(is_retryable(error))
}

/// `BIO_C_SET_FD` for the descriptor BIOs (fd and socket): takes the descriptor `parg` points
/// at and the close flag in `larg`.
pub(super) fn set_fd_ctrl(fd: &mut c_int, bio: &BIO, larg: c_long, parg: *mut c_void) -> c_long {
    if parg.is_null() {
        return 0;
    }
    // SAFETY: BIO_set_fd passes a pointer to the int descriptor (BIO_int_ctrl).
    *fd = unsafe { parg.cast::<c_int>().read() };
    bio.set_close_flag(larg as c_int);
    bio.set_init(true);
    1
}

/// `BIO_C_GET_FD` for the descriptor BIOs: the descriptor, also written to `parg` if given.
pub(super) fn get_fd_ctrl(fd: c_int, bio: &BIO, parg: *mut c_void) -> c_long {
    if !bio.is_init() {
        return -1;
    }
    if !parg.is_null() {
        // SAFETY: BIO_get_fd passes NULL or a place for an int.
        unsafe { parg.cast::<c_int>().write(fd) };
    }
    fd as c_long
}
