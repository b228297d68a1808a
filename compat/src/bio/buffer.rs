//! BIO_f_buffer: a filter that buffers what is written until BIO_flush (or until the buffer is
//! full) and reads the next BIO in chunks, so that BIO_gets works over a socket or an SSL BIO.
//! Other ctrl commands go to the next BIO.

use std::collections::VecDeque;
use std::ffi::{c_int, c_long, c_void};
use std::sync::{Arc, OnceLock};

use super::{
    BioImpl, BIO, BIO_CTRL_FLUSH, BIO_CTRL_INFO, BIO_CTRL_PENDING, BIO_CTRL_RESET,
    BIO_CTRL_WPENDING, BIO_FLAGS_RWS, BIO_FLAGS_SHOULD_RETRY, BIO_METHOD, BIO_TYPE_BUFFER,
};

pub const BIO_C_GET_BUFF_NUM_LINES: c_int = 116;
pub const BIO_C_SET_BUFF_SIZE: c_int = 117;
pub const BIO_C_SET_BUFF_READ_DATA: c_int = 122;

/// OpenSSL's default buffer size.
const DEFAULT_SIZE: usize = 4096;

struct BufferBio {
    size: usize,
    input: VecDeque<u8>,
    output: Vec<u8>,
}

fn new_buffer() -> Box<dyn BioImpl> {
    Box::new(BufferBio {
        size: DEFAULT_SIZE,
        input: VecDeque::new(),
        output: Vec::new(),
    })
}

/// Copies the next BIO's retry flags (why it did not complete) onto this one.
fn copy_retry(bio: &BIO, next: &BIO) {
    bio.clear_retry_flags();
    bio.set_flags(next.flags() & (BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY));
    bio.set_retry_reason(next.retry_reason());
}

impl BufferBio {
    /// Reads one chunk from the next BIO into the input buffer; the next BIO's result.
    fn fill(&mut self, bio: &BIO) -> c_int {
        let Some(next) = bio.next() else {
            return 0;
        };
        let mut chunk = vec![0u8; self.size];
        let n = next.read(&mut chunk);
        copy_retry(bio, next);
        if n > 0 {
            self.input.extend(&chunk[..n as usize]);
        }
        n
    }

    /// Writes the output buffer to the next BIO: 1 when empty, else the next BIO's result.
    fn flush(&mut self, bio: &BIO) -> c_int {
        let Some(next) = bio.next() else {
            return 0;
        };
        while !self.output.is_empty() {
            let n = next.write(&self.output);
            copy_retry(bio, next);
            if n <= 0 {
                return n;
            }
            self.output.drain(..n as usize);
        }
        1
    }
}

impl BioImpl for BufferBio {
    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        bio.clear_retry_flags();
        if self.input.is_empty() {
            let n = self.fill(bio);
            if n <= 0 {
                return n;
            }
        }
        let n = buf.len().min(self.input.len());
        for (slot, byte) in buf.iter_mut().zip(self.input.drain(..n)) {
            *slot = byte;
        }
        n as c_int
    }

    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        bio.clear_retry_flags();
        if self.output.len() + data.len() > self.size {
            let flushed = self.flush(bio);
            if flushed <= 0 {
                return flushed;
            }
        }
        self.output.extend_from_slice(data);
        if self.output.len() >= self.size {
            // A full buffer goes out now; a retry later only delays it.
            let _ = self.flush(bio);
            bio.clear_retry_flags();
        }
        data.len() as c_int
    }

    fn gets(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        bio.clear_retry_flags();
        let room = buf.len() - 1;
        loop {
            let line = self.input.iter().position(|b| *b == b'\n').map(|at| at + 1);
            let take = match line {
                Some(end) => end.min(room),
                None if self.input.len() >= room => room,
                None => {
                    let n = self.fill(bio);
                    if n > 0 {
                        continue;
                    }
                    if self.input.is_empty() {
                        buf[0] = 0;
                        return n;
                    }
                    self.input.len()
                }
            };
            for (slot, byte) in buf.iter_mut().zip(self.input.drain(..take)) {
                *slot = byte;
            }
            buf[take] = 0;
            bio.clear_retry_flags();
            return take as c_int;
        }
    }

    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        match cmd {
            BIO_C_SET_BUFF_SIZE => {
                if larg <= 0 {
                    return 0;
                }
                self.size = larg as usize;
                1
            }
            BIO_C_GET_BUFF_NUM_LINES => {
                self.input.iter().filter(|b| **b == b'\n').count() as c_long
            }
            BIO_CTRL_RESET => {
                self.input.clear();
                self.output.clear();
                bio.next().map_or(0, |next| next.ctrl(cmd, larg, parg))
            }
            BIO_CTRL_INFO => self.output.len() as c_long,
            BIO_CTRL_PENDING if !self.input.is_empty() => self.input.len() as c_long,
            BIO_CTRL_WPENDING if !self.output.is_empty() => self.output.len() as c_long,
            BIO_CTRL_FLUSH => {
                let flushed = self.flush(bio);
                if flushed <= 0 {
                    return flushed as c_long;
                }
                bio.next().map_or(1, |next| next.ctrl(cmd, larg, parg))
            }
            _ => bio.next().map_or(0, |next| next.ctrl(cmd, larg, parg)),
        }
    }
}

static BUFFER_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

/// The buffering filter type: BIO_push(BIO_new(BIO_f_buffer()), next).
#[no_mangle]
pub extern "C" fn BIO_f_buffer() -> *const BIO_METHOD {
    super::builtin_method(&BUFFER_METHOD, BIO_TYPE_BUFFER, c"buffer", new_buffer)
}
