//! BIO_s_file: a stdio stream (BIO_new_fp with the program's FILE*, or BIO_new_file opening
//! one). With BIO_CLOSE, freeing the BIO closes the stream.

use std::ffi::{c_char, c_int, c_long, c_void};
use std::sync::{Arc, OnceLock};

use super::fd::{BIO_C_FILE_SEEK, BIO_C_FILE_TELL};
use super::{
    BioImpl, BIO, BIO_CLOSE, BIO_CTRL_DUP, BIO_CTRL_EOF, BIO_CTRL_FLUSH, BIO_CTRL_PENDING,
    BIO_CTRL_RESET, BIO_CTRL_WPENDING, BIO_METHOD, BIO_TYPE_FILE,
};
use crate::err::{self, ERR_LIB_BIO};
use crate::ffi::{self, guard};

pub const BIO_C_SET_FILE_PTR: c_int = 106;
pub const BIO_C_GET_FILE_PTR: c_int = 107;
pub const BIO_C_SET_FILENAME: c_int = 108;
pub const BIO_FP_READ: c_long = 0x02;
pub const BIO_FP_WRITE: c_long = 0x04;
pub const BIO_FP_APPEND: c_long = 0x08;

/// The program's stream, used by one thread at a time (OpenSSL's rule for a BIO).
struct Stream(*mut libc::FILE);

// SAFETY: the FILE* is only used by the thread operating the BIO, one at a time.
unsafe impl Send for Stream {}

struct FileBio {
    stream: Stream,
}

fn new_file() -> Box<dyn BioImpl> {
    Box::new(FileBio {
        stream: Stream(std::ptr::null_mut()),
    })
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

impl FileBio {
    fn close_if_owned(&mut self, bio: &BIO) {
        if bio.is_init() && bio.close_flag() == BIO_CLOSE && !self.stream.0.is_null() {
            // SAFETY: closing the stream this BIO was given (or opened) with BIO_CLOSE.
            unsafe { libc::fclose(self.stream.0) };
        }
        self.stream = Stream(std::ptr::null_mut());
        bio.set_init(false);
    }

    /// Opens `name` for BIO_read_filename and its kin.
    fn open(&mut self, bio: &BIO, flags: c_long, name: *const c_char) -> c_long {
        let mode: &std::ffi::CStr = match flags & (BIO_FP_READ | BIO_FP_WRITE | BIO_FP_APPEND) {
            f if f & BIO_FP_APPEND != 0 && f & BIO_FP_READ != 0 => c"a+",
            f if f & BIO_FP_APPEND != 0 => c"a",
            f if f & BIO_FP_READ != 0 && f & BIO_FP_WRITE != 0 => c"r+",
            BIO_FP_WRITE => c"w",
            BIO_FP_READ => c"r",
            _ => {
                err::raise(
                    ERR_LIB_BIO,
                    err::BIO_R_INVALID_ARGUMENT,
                    "BIO_ctrl",
                    "no BIO_FP_READ / _WRITE / _APPEND mode",
                );
                return 0;
            }
        };
        // SAFETY: BIO_read_filename and its kin pass a NUL-terminated file name.
        let Some(path) = (unsafe { ffi::cstr_arg(name) }) else {
            return 0;
        };
        match open_stream("BIO_ctrl", path, mode) {
            Some(stream) => {
                self.close_if_owned(bio);
                self.stream = stream;
                bio.set_close_flag(BIO_CLOSE);
                bio.set_init(true);
                1
            }
            None => 0,
        }
    }
}

/// fopen, with OpenSSL's error records on failure.
fn open_stream(
    function: &'static str,
    path: &std::ffi::CStr,
    mode: &std::ffi::CStr,
) -> Option<Stream> {
    // SAFETY: two NUL-terminated strings.
    let file = unsafe { libc::fopen(path.as_ptr(), mode.as_ptr()) };
    if !file.is_null() {
        return Some(Stream(file));
    }
    let error = errno();
    err::raise_errno(
        error,
        function,
        format!(
            "calling fopen({}, {})",
            path.to_string_lossy(),
            mode.to_string_lossy()
        ),
    );
    let reason = if error == libc::ENOENT {
        err::BIO_R_NO_SUCH_FILE
    } else {
        err::ERR_R_SYS_LIB
    };
    err::raise(ERR_LIB_BIO, reason, function, "");
    None
}

impl BioImpl for FileBio {
    fn starts_initialised(&self) -> bool {
        false
    }

    fn read(&mut self, _bio: &BIO, buf: &mut [u8]) -> c_int {
        // SAFETY: fread into buf.len() writable bytes from the BIO's open stream.
        let n = unsafe { libc::fread(buf.as_mut_ptr().cast(), 1, buf.len(), self.stream.0) };
        // SAFETY: the BIO's open stream.
        if n == 0 && unsafe { libc::ferror(self.stream.0) } != 0 {
            err::raise_errno(errno(), "BIO_read", "calling fread()");
            return -1;
        }
        n as c_int
    }

    fn write(&mut self, _bio: &BIO, data: &[u8]) -> c_int {
        // SAFETY: fwrite of data.len() readable bytes to the BIO's open stream.
        let n = unsafe { libc::fwrite(data.as_ptr().cast(), 1, data.len(), self.stream.0) };
        if n == 0 && !data.is_empty() {
            return -1;
        }
        n as c_int
    }

    fn gets(&mut self, _bio: &BIO, buf: &mut [u8]) -> c_int {
        let size = buf.len().min(c_int::MAX as usize) as c_int;
        // SAFETY: fgets writes at most size bytes (NUL included) into buf.
        let line = unsafe { libc::fgets(buf.as_mut_ptr().cast(), size, self.stream.0) };
        if line.is_null() {
            buf[0] = 0;
            return 0;
        }
        buf.iter().position(|b| *b == 0).unwrap_or(buf.len()) as c_int
    }

    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        let file = self.stream.0;
        match cmd {
            BIO_C_SET_FILE_PTR => {
                self.close_if_owned(bio);
                self.stream = Stream(parg.cast());
                bio.set_close_flag((larg & BIO_CLOSE as c_long) as c_int);
                bio.set_init(!parg.is_null());
                1
            }
            BIO_C_GET_FILE_PTR => {
                if !parg.is_null() {
                    // SAFETY: BIO_get_fp passes a place for a FILE*.
                    unsafe { parg.cast::<*mut libc::FILE>().write(file) };
                }
                1
            }
            BIO_C_SET_FILENAME => self.open(bio, larg, parg.cast()),
            _ if file.is_null() => 0,
            // SAFETY (the arms below): stdio calls on the BIO's open stream.
            BIO_CTRL_RESET => unsafe { libc::fseek(file, 0, libc::SEEK_SET) as c_long },
            BIO_C_FILE_SEEK => unsafe { libc::fseek(file, larg, libc::SEEK_SET) as c_long },
            BIO_C_FILE_TELL => unsafe { libc::ftell(file) },
            BIO_CTRL_EOF => c_long::from(unsafe { libc::feof(file) } != 0),
            BIO_CTRL_FLUSH => c_long::from(unsafe { libc::fflush(file) } == 0),
            BIO_CTRL_DUP => 1,
            BIO_CTRL_PENDING | BIO_CTRL_WPENDING => 0,
            _ => 0,
        }
    }

    fn destroy(&mut self, bio: &BIO) {
        self.close_if_owned(bio);
    }
}

static FILE_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

/// The stdio-stream BIO type; BIO_set_fp or BIO_read_filename (and kin) give a new one its
/// stream.
#[no_mangle]
pub extern "C" fn BIO_s_file() -> *const BIO_METHOD {
    super::builtin_method(&FILE_METHOD, BIO_TYPE_FILE, c"FILE pointer", new_file)
}

/// A BIO over the program's stream; with `close_flag` BIO_CLOSE, freeing it closes `stream`.
/// NULL on failure.
#[no_mangle]
pub extern "C" fn BIO_new_fp(stream: *mut libc::FILE, close_flag: c_int) -> *mut BIO {
    guard("BIO_new_fp", std::ptr::null_mut(), || {
        let b = super::BIO_new(BIO_s_file());
        if !b.is_null() {
            super::BIO_ctrl(b, BIO_C_SET_FILE_PTR, close_flag as c_long, stream.cast());
        }
        b
    })
}

/// Opens `filename` with fopen's `mode` in a new BIO that closes it when freed. NULL on failure
/// with OpenSSL's records queued: the system error (errno) "calling fopen(NAME, MODE)", then
/// BIO "no such file" (ENOENT) or "system lib".
#[no_mangle]
pub extern "C" fn BIO_new_file(filename: *const c_char, mode: *const c_char) -> *mut BIO {
    guard("BIO_new_file", std::ptr::null_mut(), || {
        // SAFETY: two NUL-terminated strings from the caller.
        let (Some(path), Some(mode)) = (unsafe { ffi::cstr_arg(filename) }, unsafe {
            ffi::cstr_arg(mode)
        }) else {
            ffi::null_argument(ERR_LIB_BIO, "BIO_new_file", "filename or mode");
            return std::ptr::null_mut();
        };
        let Some(stream) = open_stream("BIO_new_file", path, mode) else {
            return std::ptr::null_mut();
        };
        let b = BIO_new_fp(stream.0, BIO_CLOSE);
        if b.is_null() {
            // SAFETY: the stream just opened, owned by nobody else.
            unsafe { libc::fclose(stream.0) };
        }
        b
    })
}
