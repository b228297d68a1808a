//! BIGNUM, only as far as certificates need it: a serial number turned into hex or decimal
//! text (`ASN1_INTEGER_to_BN` then `BN_bn2hex` / `BN_bn2dec`). No arithmetic.

use crate::ffi::borrow;
use crate::init::malloc_c_string;
use std::ffi::{c_char, c_int};

/// A sign and a big-endian magnitude without leading zero bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BIGNUM {
    negative: bool,
    magnitude: Vec<u8>,
}

impl BIGNUM {
    pub fn from_magnitude(bytes: &[u8], negative: bool) -> Self {
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        let magnitude = bytes[start..].to_vec();
        Self {
            negative: negative && !magnitude.is_empty(),
            magnitude,
        }
    }

    fn sign(&self) -> &'static str {
        if self.negative {
            "-"
        } else {
            ""
        }
    }

    /// Upper-case hex, whole bytes, "0" for zero (BN_bn2hex).
    pub fn hex(&self) -> String {
        if self.magnitude.is_empty() {
            return "0".to_owned();
        }
        let digits: String = self.magnitude.iter().map(|b| format!("{b:02X}")).collect();
        format!("{}{digits}", self.sign())
    }

    /// Decimal (BN_bn2dec).
    pub fn decimal(&self) -> String {
        if self.magnitude.is_empty() {
            return "0".to_owned();
        }
        let mut number = self.magnitude.clone();
        let mut digits = Vec::new();
        while number.iter().any(|b| *b != 0) {
            let mut remainder = 0u32;
            for byte in number.iter_mut() {
                let value = (remainder << 8) | u32::from(*byte);
                *byte = (value / 10) as u8;
                remainder = value % 10;
            }
            digits.push(b'0' + remainder as u8);
        }
        digits.reverse();
        format!("{}{}", self.sign(), String::from_utf8_lossy(&digits))
    }

    pub fn bits(&self) -> c_int {
        match self.magnitude.first() {
            Some(first) => {
                let bits = self.magnitude.len() * 8 - first.leading_zeros() as usize;
                c_int::try_from(bits).unwrap_or(c_int::MAX)
            }
            None => 0,
        }
    }
}

fn bignum<'a>(a: *const BIGNUM) -> Option<&'a BIGNUM> {
    // SAFETY: a non-NULL BIGNUM is one this library made (BN_new, ASN1_INTEGER_to_BN) and the
    // caller has not freed.
    unsafe { borrow(a) }
}

/// A new BIGNUM holding zero, freed with `BN_free`.
#[no_mangle]
pub extern "C" fn BN_new() -> *mut BIGNUM {
    Box::into_raw(Box::default())
}

/// Frees a BIGNUM. NULL does nothing.
#[no_mangle]
pub extern "C" fn BN_free(a: *mut BIGNUM) {
    if !a.is_null() {
        // SAFETY: made by Box::into_raw here and freed once by its owner.
        drop(unsafe { Box::from_raw(a) });
    }
}

/// As `BN_free` (the value is not secret: it only ever holds serial numbers).
#[no_mangle]
pub extern "C" fn BN_clear_free(a: *mut BIGNUM) {
    BN_free(a);
}

/// The value in upper-case hex ("0" for zero, "-" before a negative value), in a new string
/// to free with `OPENSSL_free`; NULL for NULL or on allocation failure.
#[no_mangle]
pub extern "C" fn BN_bn2hex(a: *const BIGNUM) -> *mut c_char {
    bignum(a).map_or(std::ptr::null_mut(), |a| {
        malloc_c_string(a.hex().as_bytes()).cast()
    })
}

/// The value in decimal, in a new string to free with `OPENSSL_free`; NULL for NULL or on
/// allocation failure.
#[no_mangle]
pub extern "C" fn BN_bn2dec(a: *const BIGNUM) -> *mut c_char {
    bignum(a).map_or(std::ptr::null_mut(), |a| {
        malloc_c_string(a.decimal().as_bytes()).cast()
    })
}

/// The number of significant bits of the magnitude (0 for zero or NULL). `BN_num_bytes` is a
/// macro over it.
#[no_mangle]
pub extern "C" fn BN_num_bits(a: *const BIGNUM) -> c_int {
    bignum(a).map_or(0, BIGNUM::bits)
}

/// Writes the magnitude big-endian to `to` (which must hold `BN_num_bytes(a)` bytes) and
/// returns the number of bytes written; -1 for a NULL argument.
#[no_mangle]
pub extern "C" fn BN_bn2bin(a: *const BIGNUM, to: *mut u8) -> c_int {
    let Some(a) = bignum(a) else {
        return -1;
    };
    if to.is_null() {
        return -1;
    }
    // SAFETY: the caller provides BN_num_bytes(a) writable bytes at `to` (OpenSSL's contract).
    unsafe { std::ptr::copy_nonoverlapping(a.magnitude.as_ptr(), to, a.magnitude.len()) };
    c_int::try_from(a.magnitude.len()).unwrap_or(c_int::MAX)
}

/// 1 if the value is zero (or the argument NULL), else 0.
#[no_mangle]
pub extern "C" fn BN_is_zero(a: *const BIGNUM) -> c_int {
    c_int::from(bignum(a).map_or(true, |a| a.magnitude.is_empty()))
}

/// 1 if the value is negative, else 0.
#[no_mangle]
pub extern "C" fn BN_is_negative(a: *const BIGNUM) -> c_int {
    c_int::from(bignum(a).is_some_and(|a| a.negative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms() {
        let n = BIGNUM::from_magnitude(&[0x00, 0x01, 0x00], false);
        assert_eq!(n.hex(), "0100");
        assert_eq!(n.decimal(), "256");
        assert_eq!(n.bits(), 9);
        let big = BIGNUM::from_magnitude(&[0xff; 9], true);
        assert_eq!(big.decimal(), "-4722366482869645213695");
        assert_eq!(BIGNUM::from_magnitude(&[0], true).hex(), "0");
        assert_eq!(BIGNUM::default().decimal(), "0");
    }
}
