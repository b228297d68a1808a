//! The C callbacks that move TLS bytes, adapted to `std::io::Read` / `Write` for the core.

use super::borrowed::ftls_bytes;
use std::ffi::{c_int, c_void};
use std::io::{self, IoSlice};

/// Reads up to `len` TLS bytes from the transport into `buf`.
///
/// Return 0 and set `*out_n` to the number of bytes read (0 means end of stream), or return an
/// errno value (`EAGAIN`/`EWOULDBLOCK` when no data is available yet; ftls then reports
/// `FTLS_WANT_READ`). `*out_n` must not exceed `len`. A call on that connection from inside it
/// fails with `FTLS_ERR_INVALID_STATE` and changes nothing (`ftls_connection_free()` is put off
/// until the running call returns). It must not throw a C++ exception or longjmp out.
pub type ftls_read_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        buf: *mut u8,
        len: usize,
        out_n: *mut usize,
    ) -> c_int,
>;

/// Writes up to `len` TLS bytes from `buf` to the transport.
///
/// Return 0 and set `*out_n` to the number of bytes written (at most `len`), or return an
/// errno value (`EAGAIN`/`EWOULDBLOCK` when the transport is full; ftls then reports
/// `FTLS_WANT_WRITE`; so does 0 bytes written: the transport could not take them now).
/// A call on that connection from inside it fails with `FTLS_ERR_INVALID_STATE` and changes
/// nothing (`ftls_connection_free()` is put off until the running call returns). It must not
/// throw a C++ exception or longjmp out.
pub type ftls_write_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        buf: *const u8,
        len: usize,
        out_n: *mut usize,
    ) -> c_int,
>;

/// Writes TLS bytes from `count` buffers (`bufs[0]` first; every one non-empty) to the
/// transport, in one go if it can: a `writev` or `sendmsg` over all of them, or a copy of each
/// into a memory buffer.
///
/// Return 0 and set `*out_n` to the number of bytes written, counted from the start of
/// `bufs[0]` across the buffers in order (at most their total), or return an errno value
/// (`EAGAIN`/`EWOULDBLOCK` when the transport is full; ftls then reports `FTLS_WANT_WRITE`, as
/// for 0 bytes written). The buffers are ftls' own and valid only during the call.
/// A call on that connection from inside it fails with `FTLS_ERR_INVALID_STATE` and changes
/// nothing (`ftls_connection_free()` is put off until the running call returns). It must not
/// throw a C++ exception or longjmp out.
pub type ftls_write_vectored_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        bufs: *const ftls_bytes,
        count: usize,
        out_n: *mut usize,
    ) -> c_int,
>;

pub(crate) struct CallbackReader {
    pub(crate) callback: unsafe extern "C" fn(*mut c_void, *mut u8, usize, *mut usize) -> c_int,
    pub(crate) userdata: *mut c_void,
}

pub(crate) struct CallbackWriter {
    pub(crate) callback: unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut usize) -> c_int,
    pub(crate) userdata: *mut c_void,
}

pub(crate) struct VectoredCallbackWriter {
    pub(crate) callback:
        unsafe extern "C" fn(*mut c_void, *const ftls_bytes, usize, *mut usize) -> c_int,
    pub(crate) userdata: *mut c_void,
}

/// As many buffers as rustls hands over at once.
const MAX_BUFFERS: usize = 64;

/// Turns the callback's (status, count) into an io result, refusing impossible counts.
fn outcome(status: c_int, n: usize, len: usize) -> io::Result<usize> {
    if status != 0 {
        return Err(io::Error::from_raw_os_error(status));
    }
    if n > len {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the callback reported {n} bytes for a buffer of {len}"),
        ));
    }
    Ok(n)
}

impl io::Read for CallbackReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0usize;
        // SAFETY: the callback is a non-NULL C function given for this call; `buf` is valid
        // for `buf.len()` writable bytes and `n` is a valid out-pointer, both for the call.
        let status = unsafe { (self.callback)(self.userdata, buf.as_mut_ptr(), buf.len(), &mut n) };
        outcome(status, n, buf.len())
    }
}

impl io::Write for CallbackWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut n = 0usize;
        // SAFETY: as for the reader; `buf` is valid for `buf.len()` readable bytes.
        let status = unsafe { (self.callback)(self.userdata, buf.as_ptr(), buf.len(), &mut n) };
        outcome(status, n, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Write for VectoredCallbackWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_vectored(&[IoSlice::new(buf)])
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let mut array = [ftls_bytes::empty(); MAX_BUFFERS];
        let mut count = 0;
        let mut total = 0;
        for buf in bufs.iter().filter(|buf| !buf.is_empty()).take(MAX_BUFFERS) {
            array[count] = ftls_bytes::new(buf);
            count += 1;
            total += buf.len();
        }
        if count == 0 {
            return Ok(0);
        }
        let mut n = 0usize;
        // SAFETY: the callback is a non-NULL C function given for this call; `array` holds
        // `count` descriptors of readable buffers that outlive the call, and `n` is a valid
        // out-pointer.
        let status = unsafe { (self.callback)(self.userdata, array.as_ptr(), count, &mut n) };
        outcome(status, n, total)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
