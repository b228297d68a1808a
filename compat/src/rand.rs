//! RAND: random bytes from the crypto provider's secure generator (the one rustls uses), which
//! seeds itself: the seeding calls are accepted and change nothing.

use crate::err::{self, ERR_LIB_RAND};
use crate::ffi::{self, guard};
use std::ffi::{c_double, c_int, c_uchar, c_void};

fn fill(function: &'static str, buf: *mut c_uchar, num: c_int) -> c_int {
    guard(function, 0, || {
        let Ok(len) = usize::try_from(num) else {
            err::raise(
                ERR_LIB_RAND,
                err::ERR_R_PASSED_INVALID_ARGUMENT,
                function,
                format!("negative length {num}"),
            );
            return 0;
        };
        // SAFETY: `num` writable bytes at `buf` (caller's contract).
        let Some(out) = (unsafe { ffi::bytes_out(buf.cast(), len) }) else {
            ffi::null_argument(ERR_LIB_RAND, function, "buf");
            return 0;
        };
        match ftls::core::default_provider().secure_random.fill(out) {
            Ok(()) => 1,
            Err(_) => {
                err::raise(
                    ERR_LIB_RAND,
                    err::ERR_R_INTERNAL_ERROR,
                    function,
                    "the crypto provider's random generator failed",
                );
                0
            }
        }
    })
}

/// Fills `buf` with `num` random bytes: 1; 0 (with an error queued) for a negative `num`, a
/// NULL `buf` with `num` > 0, or a generator failure.
#[no_mangle]
pub extern "C" fn RAND_bytes(buf: *mut c_uchar, num: c_int) -> c_int {
    fill("RAND_bytes", buf, num)
}

/// As `RAND_bytes` (the same generator).
#[no_mangle]
pub extern "C" fn RAND_priv_bytes(buf: *mut c_uchar, num: c_int) -> c_int {
    fill("RAND_priv_bytes", buf, num)
}

/// Accepted for compatibility; the generator seeds itself.
#[no_mangle]
pub extern "C" fn RAND_seed(_buf: *const c_void, _num: c_int) {}

/// Accepted for compatibility; the generator seeds itself.
#[no_mangle]
pub extern "C" fn RAND_add(_buf: *const c_void, _num: c_int, _randomness: c_double) {}

/// 1: the generator is always seeded.
#[no_mangle]
pub extern "C" fn RAND_status() -> c_int {
    1
}

/// 1: the generator is always seeded.
#[no_mangle]
pub extern "C" fn RAND_poll() -> c_int {
    1
}
