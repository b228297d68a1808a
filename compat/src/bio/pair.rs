//! BIO pairs (BIO_s_bio, BIO_new_bio_pair): two BIOs joined back to back, each with its own
//! write buffer that the other reads. A program puts an SSL on one end and moves the other
//! end's bytes itself (an event loop's own I/O).

use std::collections::VecDeque;
use std::ffi::{c_int, c_long, c_void};
use std::sync::{Arc, Mutex, OnceLock};

use super::{
    lock, BioImpl, BIO, BIO_CTRL_EOF, BIO_CTRL_FLUSH, BIO_CTRL_PENDING, BIO_CTRL_RESET,
    BIO_CTRL_WPENDING, BIO_METHOD, BIO_TYPE_BIO,
};
use crate::err::{self, ERR_LIB_BIO};
use crate::ffi::{self, guard};

pub const BIO_C_SET_WRITE_BUF_SIZE: c_int = 136;
pub const BIO_C_GET_WRITE_BUF_SIZE: c_int = 137;
pub const BIO_C_MAKE_BIO_PAIR: c_int = 138;
pub const BIO_C_DESTROY_BIO_PAIR: c_int = 139;
pub const BIO_C_GET_WRITE_GUARANTEE: c_int = 140;
pub const BIO_C_GET_READ_REQUEST: c_int = 141;
pub const BIO_C_SHUTDOWN_WR: c_int = 142;
pub const BIO_C_RESET_READ_REQUEST: c_int = 147;

/// OpenSSL's default size of each side's buffer.
const DEFAULT_BUFFER: usize = 17 * 1024;

/// One direction: what one side wrote and the other has not read yet.
struct Direction {
    data: VecDeque<u8>,
    size: usize,
    /// The writing side called BIO_shutdown_wr: the reader sees end of input once it is empty.
    closed: bool,
    /// How many bytes the reading side last asked for and did not get.
    read_request: usize,
}

impl Direction {
    /// Drops what is buffered and gives the buffer back: an idle pair holds no memory (a
    /// drained buffer would otherwise keep its largest size until the pair is freed).
    fn release(&mut self) {
        self.data = VecDeque::new();
    }
}

/// A joined pair: `directions[i]` is what side i writes.
struct Pair {
    directions: [Direction; 2],
    /// A side was freed or unpaired: the pair is broken.
    broken: bool,
}

/// One side's state.
struct PairEnd {
    buffer_size: usize,
    joined: Option<(Arc<Mutex<Pair>>, usize)>,
}

fn new_end() -> Box<dyn BioImpl> {
    Box::new(PairEnd {
        buffer_size: DEFAULT_BUFFER,
        joined: None,
    })
}

impl PairEnd {
    fn with_pair<R>(&self, f: impl FnOnce(&mut Pair, usize) -> R) -> Option<R> {
        let (pair, side) = self.joined.as_ref()?;
        let mut pair = lock(pair);
        (!pair.broken).then(|| f(&mut pair, *side))
    }

    fn unpair(&mut self) {
        if let Some((pair, _)) = self.joined.take() {
            lock(&pair).broken = true;
        }
    }
}

impl BioImpl for PairEnd {
    fn starts_initialised(&self) -> bool {
        false
    }

    fn read(&mut self, bio: &BIO, buf: &mut [u8]) -> c_int {
        bio.clear_retry_flags();
        let result = self.with_pair(|pair, side| {
            let incoming = &mut pair.directions[1 - side];
            if incoming.data.is_empty() {
                if incoming.closed {
                    return 0;
                }
                incoming.read_request = buf.len().min(incoming.size);
                return -1;
            }
            incoming.read_request = 0;
            let n = buf.len().min(incoming.data.len());
            for (slot, byte) in buf.iter_mut().zip(incoming.data.drain(..n)) {
                *slot = byte;
            }
            if incoming.data.is_empty() {
                incoming.release();
            }
            n as c_int
        });
        match result {
            Some(-1) => {
                bio.set_retry_read();
                -1
            }
            Some(n) => n,
            None => 0,
        }
    }

    fn write(&mut self, bio: &BIO, data: &[u8]) -> c_int {
        bio.clear_retry_flags();
        let result = self.with_pair(|pair, side| {
            let outgoing = &mut pair.directions[side];
            if outgoing.closed {
                return Err(());
            }
            let room = outgoing.size - outgoing.data.len();
            if room == 0 {
                return Ok(-1);
            }
            let n = data.len().min(room);
            outgoing.data.extend(&data[..n]);
            Ok(n as c_int)
        });
        match result {
            Some(Ok(-1)) => {
                bio.set_retry_write();
                -1
            }
            Some(Ok(n)) => n,
            Some(Err(())) => {
                err::raise(
                    ERR_LIB_BIO,
                    err::BIO_R_BROKEN_PIPE,
                    "BIO_write",
                    "the pair's write side was shut down (BIO_shutdown_wr)",
                );
                -1
            }
            None => {
                err::raise(
                    ERR_LIB_BIO,
                    err::BIO_R_UNINITIALIZED,
                    "BIO_write",
                    "the BIO pair is not joined",
                );
                -1
            }
        }
    }

    fn ctrl(&mut self, bio: &BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        match cmd {
            BIO_C_SET_WRITE_BUF_SIZE => {
                if self.joined.is_some() || larg <= 0 {
                    return 0;
                }
                self.buffer_size = larg as usize;
                1
            }
            BIO_C_GET_WRITE_BUF_SIZE => self.buffer_size as c_long,
            BIO_C_MAKE_BIO_PAIR => {
                // SAFETY: BIO_make_bio_pair passes the other BIO, one C holds.
                let Some(other) = (unsafe { ffi::borrow(parg.cast::<BIO>().cast_const()) }) else {
                    return 0;
                };
                if self.joined.is_some() || std::ptr::eq(other, bio) {
                    return 0;
                }
                let mine = self.buffer_size;
                let joined = other.with_impl("BIO_make_bio_pair", |imp| {
                    // The other end must be a pair BIO too: its ctrl gives its buffer size.
                    let theirs = imp.ctrl(other, BIO_C_GET_WRITE_BUF_SIZE, 0, std::ptr::null_mut());
                    if theirs <= 0 || other.type_() != BIO_TYPE_BIO {
                        return None;
                    }
                    let direction = |size: usize| Direction {
                        data: VecDeque::new(),
                        size,
                        closed: false,
                        read_request: 0,
                    };
                    let pair = Arc::new(Mutex::new(Pair {
                        directions: [direction(mine), direction(theirs as usize)],
                        broken: false,
                    }));
                    imp.ctrl(
                        other,
                        PAIR_JOIN,
                        1,
                        Arc::into_raw(Arc::clone(&pair)).cast_mut().cast(),
                    );
                    Some(pair)
                });
                match joined.flatten() {
                    Some(pair) => {
                        self.joined = Some((pair, 0));
                        bio.set_init(true);
                        other.set_init(true);
                        1
                    }
                    None => 0,
                }
            }
            PAIR_JOIN => {
                // SAFETY: from BIO_C_MAKE_BIO_PAIR just above: one Arc reference, given to us.
                let pair = unsafe { Arc::from_raw(parg.cast::<Mutex<Pair>>().cast_const()) };
                self.joined = Some((pair, larg as usize));
                1
            }
            BIO_C_DESTROY_BIO_PAIR => {
                self.unpair();
                bio.set_init(false);
                1
            }
            BIO_C_GET_WRITE_GUARANTEE => self
                .with_pair(|pair, side| {
                    let outgoing = &pair.directions[side];
                    if outgoing.closed {
                        0
                    } else {
                        (outgoing.size - outgoing.data.len()) as c_long
                    }
                })
                .unwrap_or(0),
            // The peer's last unsatisfied read, from what this side writes.
            BIO_C_GET_READ_REQUEST => self
                .with_pair(|pair, side| pair.directions[side].read_request as c_long)
                .unwrap_or(0),
            BIO_C_RESET_READ_REQUEST => self
                .with_pair(|pair, side| {
                    pair.directions[side].read_request = 0;
                    1
                })
                .unwrap_or(0),
            BIO_C_SHUTDOWN_WR => self
                .with_pair(|pair, side| {
                    pair.directions[side].closed = true;
                    1
                })
                .unwrap_or(0),
            BIO_CTRL_PENDING => self
                .with_pair(|pair, side| pair.directions[1 - side].data.len() as c_long)
                .unwrap_or(0),
            BIO_CTRL_WPENDING => self
                .with_pair(|pair, side| pair.directions[side].data.len() as c_long)
                .unwrap_or(0),
            BIO_CTRL_EOF => self
                .with_pair(|pair, side| {
                    let incoming = &pair.directions[1 - side];
                    c_long::from(incoming.closed && incoming.data.is_empty())
                })
                .unwrap_or(1),
            BIO_CTRL_RESET => self
                .with_pair(|pair, side| {
                    pair.directions[side].release();
                    1
                })
                .unwrap_or(0),
            BIO_CTRL_FLUSH => 1,
            _ => 0,
        }
    }

    fn destroy(&mut self, _bio: &BIO) {
        self.unpair();
    }
}

/// A private command: the other end of BIO_C_MAKE_BIO_PAIR takes its share of the pair.
const PAIR_JOIN: c_int = -0x5041;

static PAIR_METHOD: OnceLock<Arc<BIO_METHOD>> = OnceLock::new();

/// The BIO pair type: BIO_new(BIO_s_bio()) makes one end, unjoined until BIO_make_bio_pair.
#[no_mangle]
pub extern "C" fn BIO_s_bio() -> *const BIO_METHOD {
    super::builtin_method(&PAIR_METHOD, BIO_TYPE_BIO, c"BIO pair", new_end)
}

/// Makes two joined BIOs in `*bio1` and `*bio2`, with write buffers of `writebuf1` and
/// `writebuf2` bytes (0: the default, 17 KiB). 1 on success; 0 (both set to NULL) on failure.
#[no_mangle]
pub extern "C" fn BIO_new_bio_pair(
    bio1: *mut *mut BIO,
    writebuf1: usize,
    bio2: *mut *mut BIO,
    writebuf2: usize,
) -> c_int {
    guard("BIO_new_bio_pair", 0, || {
        if bio1.is_null() || bio2.is_null() {
            ffi::null_argument(ERR_LIB_BIO, "BIO_new_bio_pair", "bio1 or bio2");
            return 0;
        }
        let make = |size: usize| {
            let b = super::BIO_new(BIO_s_bio());
            if !b.is_null() && size > 0 {
                super::BIO_ctrl(
                    b,
                    BIO_C_SET_WRITE_BUF_SIZE,
                    size as c_long,
                    std::ptr::null_mut(),
                );
            }
            b
        };
        let (a, b) = (make(writebuf1), make(writebuf2));
        let joined = !a.is_null()
            && !b.is_null()
            && super::BIO_ctrl(a, BIO_C_MAKE_BIO_PAIR, 0, b.cast()) == 1;
        let (a, b) = if joined {
            (a, b)
        } else {
            super::BIO_free(a);
            super::BIO_free(b);
            (std::ptr::null_mut(), std::ptr::null_mut())
        };
        // SAFETY: both out-pointers are non-NULL (checked above), the caller's places.
        unsafe {
            *bio1 = a;
            *bio2 = b;
        }
        c_int::from(joined)
    })
}

/// How many bytes can be written to `bio` now (its buffer's free room); 0 when none (or when
/// its write side is shut down, or it is not joined).
#[no_mangle]
pub extern "C" fn BIO_ctrl_get_write_guarantee(bio: *mut BIO) -> usize {
    super::BIO_ctrl(bio, BIO_C_GET_WRITE_GUARANTEE, 0, std::ptr::null_mut()).max(0) as usize
}

/// How many bytes the last read of `bio`'s peer asked for and could not get (0 if none).
#[no_mangle]
pub extern "C" fn BIO_ctrl_get_read_request(bio: *mut BIO) -> usize {
    super::BIO_ctrl(bio, BIO_C_GET_READ_REQUEST, 0, std::ptr::null_mut()).max(0) as usize
}

/// Forgets the pending read request: 1, or 0 for a BIO that is not joined.
#[no_mangle]
pub extern "C" fn BIO_ctrl_reset_read_request(bio: *mut BIO) -> c_int {
    super::BIO_ctrl(bio, BIO_C_RESET_READ_REQUEST, 0, std::ptr::null_mut()) as c_int
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bio::{BIO_free, BIO_new};

    #[test]
    fn a_drained_direction_gives_its_buffer_back() {
        let direction = |size| Direction {
            data: VecDeque::new(),
            size,
            closed: false,
            read_request: 0,
        };
        let pair = Arc::new(Mutex::new(Pair {
            directions: [direction(DEFAULT_BUFFER), direction(DEFAULT_BUFFER)],
            broken: false,
        }));
        let mut writer = PairEnd {
            buffer_size: DEFAULT_BUFFER,
            joined: Some((Arc::clone(&pair), 0)),
        };
        let mut reader = PairEnd {
            buffer_size: DEFAULT_BUFFER,
            joined: Some((Arc::clone(&pair), 1)),
        };
        let b = BIO_new(BIO_s_bio());
        // SAFETY: just made by BIO_new; freed at the end of the test.
        let bio = unsafe { ffi::borrow(b) }.expect("a pair BIO");
        let capacity = |pair: &Arc<Mutex<Pair>>| lock(pair).directions[0].data.capacity();

        assert_eq!(writer.write(bio, &[7; 16384]), 16384);
        let mut buf = [0u8; 10000];
        assert_eq!(reader.read(bio, &mut buf), 10000);
        assert!(capacity(&pair) >= 6384, "unread data is kept");
        assert_eq!(reader.read(bio, &mut buf), 6384);
        assert_eq!(capacity(&pair), 0, "read to the end: no buffer held");

        assert_eq!(writer.write(bio, &[1; 4096]), 4096);
        assert_eq!(writer.ctrl(bio, BIO_CTRL_RESET, 0, std::ptr::null_mut()), 1);
        assert_eq!(capacity(&pair), 0, "reset: no buffer held");
        assert_eq!(BIO_free(b), 1);
    }
}
