//! Moving TLS bytes over file descriptors with the system calls: retries on EINTR, never
//! raises SIGPIPE, and sends many records in one vectored call.
//!
//! The only `unsafe` in the core lives here (libc calls).

use std::io::{self, IoSlice, Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};

/// Enough iovecs for everything rustls queues at once; Linux allows 1024.
const MAX_IOVECS: usize = 64;

/// A read fd and a write fd (often the same socket). ftls never closes them.
///
/// Held as `BorrowedFd`, which cannot be -1: an `Option<FdTransport>` then takes 8 bytes, not
/// 12 (every established connection pays for each byte of its state).
#[derive(Clone, Copy, Debug)]
pub struct FdTransport {
    read: BorrowedFd<'static>,
    write: BorrowedFd<'static>,
}

impl FdTransport {
    /// None when either descriptor is negative.
    pub fn new(read_fd: RawFd, write_fd: RawFd) -> Option<Self> {
        if read_fd < 0 || write_fd < 0 {
            return None;
        }
        // SAFETY: neither is -1 (checked), the one value a BorrowedFd cannot hold. ftls only
        // passes them to read/sendmsg/write and never closes them; a descriptor the caller
        // closes while it is set makes those calls fail with EBADF, as a RawFd would.
        let (read, write) = unsafe {
            (
                BorrowedFd::borrow_raw(read_fd),
                BorrowedFd::borrow_raw(write_fd),
            )
        };
        Some(Self { read, write })
    }

    fn read_fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }

    fn write_fd(&self) -> RawFd {
        self.write.as_raw_fd()
    }
}

impl Read for FdTransport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            // SAFETY: `buf` is valid for `buf.len()` writable bytes for the duration of the call.
            let n = unsafe { libc::read(self.read_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
    }
}

impl Write for FdTransport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_vectored(&[IoSlice::new(buf)])
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let bufs = &bufs[..bufs.len().min(MAX_IOVECS)];
        loop {
            let result = match send_no_signal(self.write_fd(), bufs) {
                Err(err) if err.raw_os_error() == Some(libc::ENOTSOCK) => {
                    write_blocking_sigpipe(self.write_fd(), bufs)
                }
                other => other,
            };
            match result {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// sendmsg(2) with MSG_NOSIGNAL: a peer that went away gives EPIPE, not a signal.
fn send_no_signal(fd: RawFd, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    // SAFETY: an all-zero msghdr is valid (no name, no control data).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    // IoSlice is guaranteed ABI-compatible with `struct iovec` on Unix; sendmsg only reads them.
    msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = bufs.len() as _;
    // SAFETY: `msg` points at `bufs.len()` valid iovecs that outlive the call.
    let n = unsafe { libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// writev(2) for pipes and other non-sockets, with SIGPIPE blocked for this thread during the
/// call and a SIGPIPE it caused consumed before unblocking (the technique libcurl uses).
fn write_blocking_sigpipe(fd: RawFd, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    // SAFETY: plain signal-set manipulation on local, initialised sigset_t values; writev reads
    // `bufs.len()` valid iovecs (IoSlice is iovec-compatible) that outlive the call.
    unsafe {
        let mut pipe_only: libc::sigset_t = std::mem::zeroed();
        let mut previous: libc::sigset_t = std::mem::zeroed();
        let mut pending: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut pipe_only);
        libc::sigaddset(&mut pipe_only, libc::SIGPIPE);
        libc::sigpending(&mut pending);
        let already_pending = libc::sigismember(&pending, libc::SIGPIPE) == 1;
        libc::pthread_sigmask(libc::SIG_BLOCK, &pipe_only, &mut previous);

        let n = libc::writev(
            fd,
            bufs.as_ptr() as *const libc::iovec,
            bufs.len() as libc::c_int,
        );
        let result = if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        };

        if !already_pending && matches!(&result, Err(e) if e.raw_os_error() == Some(libc::EPIPE)) {
            let no_wait = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            while libc::sigtimedwait(&pipe_only, std::ptr::null_mut(), &no_wait) == -1
                && io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
            {}
        }
        libc::pthread_sigmask(libc::SIG_SETMASK, &previous, std::ptr::null_mut());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    #[test]
    fn gathers_slices_into_one_send_and_reads_them_back() {
        let (a, b) = UnixStream::pair().expect("socketpair");
        let mut tx = FdTransport::new(a.as_raw_fd(), a.as_raw_fd()).expect("valid fds");
        let n = tx
            .write_vectored(&[IoSlice::new(b"hello "), IoSlice::new(b"world")])
            .expect("sendmsg");
        assert_eq!(n, 11);
        let mut rx = FdTransport::new(b.as_raw_fd(), b.as_raw_fd()).expect("valid fds");
        let mut buf = [0u8; 32];
        let n = rx.read(&mut buf).expect("read");
        assert_eq!(&buf[..n], b"hello world");
    }

    #[test]
    fn a_closed_pipe_gives_epipe_not_a_signal() {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: closing the read end we own.
        unsafe { libc::close(fds[0]) };
        let mut tx = FdTransport::new(fds[1], fds[1]).expect("valid fds");
        let err = tx.write(b"x").expect_err("the reader is gone");
        assert_eq!(err.raw_os_error(), Some(libc::EPIPE));
        // SAFETY: closing the write end we own.
        unsafe { libc::close(fds[1]) };
    }
}
