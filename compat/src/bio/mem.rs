//! BIO_s_mem: a growable memory buffer; what is written is read back in order. Event loops
//! that do their own I/O put an `SSL` between two of them. An empty buffer reads as "retry"
//! (-1 with the read-retry flag: more may be written later), or as end of input after
//! BIO_set_mem_eof_return(b, 0); BIO_new_mem_buf's read-only buffer reads as end of input.

use std::ffi::{c_char, c_int, c_long, c_void, CStr};
use std::sync::{Arc, OnceLock};

use super::{
    BioImpl, BIO, BIO_CTRL_DUP, BIO_CTRL_EOF, BIO_CTRL_FLUSH, BIO_CTRL_INFO, BIO_CTRL_PENDING,
    BIO_CTRL_RESET, BIO_CTRL_WPENDING, BIO_C_SET_BUF_MEM_EOF_RETURN, BIO_FLAGS_MEM_RDONLY,
    BIO_METHOD, BIO_TYPE_MEM,
};
use crate::err::{self, BIO_R_WRITE_TO_READ_ONLY_BIO, ERR_LIB_BIO};
use crate::ffi::{self, guard};

/// Unread data is moved to the front once this much has been read, so that a long-lived
/// buffer in an event loop does not grow without bound.
const COMPACT_AFTER: usize = 64 * 1024;

struct MemBio {
    data: Vec<u8>,
    read_at: usize,
    /// What a read of an empty buffer returns (BIO_set_mem_eof_return); non-zero also sets the
    /// read-retry flag.
    eof_return: c_int,
    read_only: bool,
}

fn new_mem() -> Box<dyn BioImpl> {
    Box::new(MemBio {
        data: Vec::new(),
        read_at: 0,
        eof_return: -1,
        read_only: false,
    })
}

impl MemBio {
    fn unread(&self) -> &[u8] {
        &self.data[self.read_at..]
    }

    /// Forgets what is buffered and gives the buffer back: an idle connection's BIOs hold no
    /// memory (a drained BIO between records would otherwise keep a record's worth each).
    fn drain_all(&mut self) {
        self.data = Vec::new();
        self.read_at = 0;
    }

    fn consume(&mut self, n: usize) {
        self.read_at += n;
        if self.read_only {
            // Kept whole: `BIO_reset` rewinds a read-only BIO to its start, as OpenSSL does.
            return;
        }
        if self.read_at == self.data.len() {
            self.drain_all();
        } else if self.read_at >= COMPACT_AFTER {
            self.data.drain(..self.read_at);
            self.read_at = 0;
        }
    }
}

impl BioImpl for MemBio {
    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        bio.clear_retry_flags();
        let unread = self.unread();
        if unread.is_empty() {
            if self.read_only {
                return 0;
            }
            if self.eof_return != 0 {
                bio.set_retry_read();
            }
            return self.eof_return;
        }
        let n = unread.len().min(buf.len());
        buf[..n].copy_from_slice(&unread[..n]);
        self.consume(n);
        n as c_int
    }

    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        bio.clear_retry_flags();
        if self.read_only {
            err::raise(
                ERR_LIB_BIO,
                BIO_R_WRITE_TO_READ_ONLY_BIO,
                "BIO_write",
                "the memory BIO is read-only (made by BIO_new_mem_buf)",
            );
            return -1;
        }
        self.data.extend_from_slice(data);
        data.len() as c_int
    }

    fn gets(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        bio.clear_retry_flags();
        let room = buf.len() - 1;
        let unread = self.unread();
        if unread.is_empty() {
            buf[0] = 0;
            return if self.read_only {
                0
            } else {
                self.eof_return.min(0)
            };
        }
        let line = unread
            .iter()
            .position(|&b| b == b'\n')
            .map_or(unread.len(), |at| at + 1);
        let n = line.min(room);
        buf[..n].copy_from_slice(&unread[..n]);
        buf[n] = 0;
        self.consume(n);
        n as c_int
    }

    fn ctrl(&mut self, _bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        match cmd {
            BIO_CTRL_RESET => {
                if self.read_only {
                    self.read_at = 0;
                } else {
                    self.drain_all();
                }
                1
            }
            BIO_CTRL_EOF => self.unread().is_empty() as c_long,
            BIO_C_SET_BUF_MEM_EOF_RETURN => {
                self.eof_return = larg as c_int;
                1
            }
            BIO_CTRL_INFO => {
                let unread = self.unread();
                if !parg.is_null() {
                    // SAFETY: BIO_get_mem_data passes a `char **` for the data's address,
                    // valid until the BIO is next written, read or freed (OpenSSL's rule).
                    unsafe { parg.cast::<*const c_char>().write(unread.as_ptr().cast()) };
                }
                unread.len() as c_long
            }
            BIO_CTRL_PENDING => self.unread().len() as c_long,
            BIO_CTRL_WPENDING => 0,
            BIO_CTRL_FLUSH | BIO_CTRL_DUP => 1,
            _ => 0,
        }
    }
}

static MEM_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

fn mem_method() -> *const BIO_METHOD {
    super::builtin_method(&MEM_METHOD, BIO_TYPE_MEM, c"memory buffer", new_mem)
}

/// The memory BIO's method.
#[no_mangle]
pub extern "C" fn BIO_s_mem() -> *const BIO_METHOD {
    guard("BIO_s_mem", std::ptr::null(), mem_method)
}

/// A read-only memory BIO holding a copy of `len` bytes at `buf` (`len` -1: a C string).
#[no_mangle]
pub extern "C" fn BIO_new_mem_buf(buf: *const c_void, len: c_int) -> *mut BIO {
    guard("BIO_new_mem_buf", std::ptr::null_mut(), || {
        let bytes = if len < 0 {
            // SAFETY: with len -1, C passes a NUL-terminated string.
            unsafe { ffi::cstr_arg(buf.cast()) }.map(CStr::to_bytes)
        } else {
            // SAFETY: C passes len readable bytes at buf.
            unsafe { ffi::bytes_arg(buf, len as usize) }
        };
        let Some(bytes) = bytes else {
            ffi::null_argument(ERR_LIB_BIO, "BIO_new_mem_buf", "the buffer");
            return std::ptr::null_mut();
        };
        // SAFETY: the method is one of ours, alive for the process.
        let Some(method) = (unsafe { ffi::share(mem_method()) }) else {
            return std::ptr::null_mut();
        };
        let b = BIO::new_c(method);
        // SAFETY: just made, ours.
        if let Some(bio) = unsafe { ffi::borrow(b) } {
            bio.set_flags(BIO_FLAGS_MEM_RDONLY);
            bio.replace_impl(Box::new(MemBio {
                data: bytes.to_vec(),
                read_at: 0,
                eof_return: 0,
                read_only: true,
            }));
        }
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bio::{BIO_free, BIO_new};

    fn mem() -> MemBio {
        MemBio {
            data: Vec::new(),
            read_at: 0,
            eof_return: -1,
            read_only: false,
        }
    }

    #[test]
    fn a_drained_buffer_is_given_back() {
        let b = BIO_new(BIO_s_mem());
        // SAFETY: just made by BIO_new; freed at the end of the test.
        let bio = unsafe { ffi::borrow(b) }.expect("a memory BIO");
        let mut mem = mem();
        assert_eq!(mem.write(bio, &[7; 16384]), 16384);
        let mut buf = [0u8; 10000];
        assert_eq!(mem.read(bio, &mut buf), 10000);
        assert!(mem.data.capacity() >= 16384, "unread data is kept");
        assert_eq!(mem.read(bio, &mut buf), 6384);
        assert_eq!(mem.data.capacity(), 0, "read to the end: no buffer held");
        assert_eq!(mem.read(bio, &mut buf), -1, "empty: retry");

        assert_eq!(mem.write(bio, b"line\nrest"), 9);
        assert_eq!(mem.gets(bio, &mut buf), 5);
        assert_eq!(mem.gets(bio, &mut buf), 4);
        assert_eq!(mem.data.capacity(), 0, "gets to the end: no buffer held");

        assert_eq!(mem.write(bio, &[1; 4096]), 4096);
        assert_eq!(mem.ctrl(bio, BIO_CTRL_RESET, 0, std::ptr::null_mut()), 1);
        assert_eq!(mem.data.capacity(), 0, "reset: no buffer held");
        assert_eq!(BIO_free(b), 1);
    }
}
