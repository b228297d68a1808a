//! ASN.1 values as OpenSSL hands them out: `ASN1_STRING` (also ASN1_INTEGER, ASN1_TIME and
//! every string kind), its accessors and the time and integer printers.

use super::bn::BIGNUM;
use super::output::Sink;
use crate::ffi::borrow;
use crate::init::malloc_c_string;
use std::ffi::{c_char, c_int, c_long, c_uchar};

pub const V_ASN1_INTEGER: c_int = 2;
pub const V_ASN1_BIT_STRING: c_int = 3;
pub const V_ASN1_OCTET_STRING: c_int = 4;
pub const V_ASN1_UTF8STRING: c_int = 12;
pub const V_ASN1_PRINTABLESTRING: c_int = 19;
pub const V_ASN1_T61STRING: c_int = 20;
pub const V_ASN1_IA5STRING: c_int = 22;
pub const V_ASN1_UTCTIME: c_int = 23;
pub const V_ASN1_GENERALIZEDTIME: c_int = 24;
pub const V_ASN1_UNIVERSALSTRING: c_int = 28;
pub const V_ASN1_BMPSTRING: c_int = 30;
pub const V_ASN1_NEG_INTEGER: c_int = 2 | 0x100;

/// The layout OpenSSL publishes in asn1.h (programs read `->data` and `->length`), then the
/// owned bytes `data` points into (NUL-terminated, as OpenSSL keeps them). C never allocates
/// one: every ASN1_STRING comes from this library.
#[repr(C)]
pub struct ASN1_STRING {
    length: c_int,
    kind: c_int,
    data: *mut c_uchar,
    flags: c_long,
    bytes: Box<[u8]>,
}

// SAFETY: `data` points into `bytes`, owned by the same value and never written through
// after construction; the value is read-only.
unsafe impl Send for ASN1_STRING {}
// SAFETY: as above.
unsafe impl Sync for ASN1_STRING {}

impl ASN1_STRING {
    pub fn new(kind: c_int, value: &[u8]) -> Self {
        let mut bytes = Vec::with_capacity(value.len() + 1);
        bytes.extend_from_slice(value);
        bytes.push(0);
        let mut bytes = bytes.into_boxed_slice();
        Self {
            length: c_int::try_from(value.len()).unwrap_or(c_int::MAX),
            kind,
            data: bytes.as_mut_ptr(),
            flags: 0,
            bytes,
        }
    }

    /// An ASN1_INTEGER from DER integer contents (two's complement, big-endian): OpenSSL keeps
    /// the magnitude without leading zeros and the sign in the type.
    pub fn integer(der_contents: &[u8]) -> Self {
        let negative = der_contents.first().is_some_and(|b| b & 0x80 != 0);
        let magnitude = if negative {
            twos_complement_magnitude(der_contents)
        } else {
            der_contents.to_vec()
        };
        let start = magnitude
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(magnitude.len());
        let kind = if negative {
            V_ASN1_NEG_INTEGER
        } else {
            V_ASN1_INTEGER
        };
        Self::new(kind, &magnitude[start..])
    }

    pub fn kind(&self) -> c_int {
        self.kind
    }

    pub fn value(&self) -> &[u8] {
        &self.bytes[..self.bytes.len() - 1]
    }

    pub fn is_negative(&self) -> bool {
        self.kind == V_ASN1_NEG_INTEGER
    }
}

fn twos_complement_magnitude(value: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = value.iter().map(|b| !b).collect();
    for byte in out.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            break;
        }
    }
    out
}

/// A time's fields, from an ASN1_TIME's text (UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime
/// `YYYYMMDDHHMMSS[.fff]Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeFields {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl TimeFields {
    pub fn parse(time: &ASN1_STRING) -> Option<Self> {
        let text = std::str::from_utf8(time.value()).ok()?;
        if !text.is_ascii() {
            return None;
        }
        let text = text.strip_suffix('Z')?;
        let (year, rest) = match time.kind() {
            V_ASN1_UTCTIME if text.len() == 12 => {
                let yy: i64 = text[..2].parse().ok()?;
                (if yy < 50 { 2000 + yy } else { 1900 + yy }, &text[2..])
            }
            V_ASN1_GENERALIZEDTIME if text.len() >= 14 => (text[..4].parse().ok()?, &text[4..]),
            _ => return None,
        };
        if !rest[..10].bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let field = |at: usize| rest[at..at + 2].parse::<u32>().ok();
        let fields = Self {
            year,
            month: field(0)?,
            day: field(2)?,
            hour: field(4)?,
            minute: field(6)?,
            second: field(8)?,
        };
        let valid = (1..=12).contains(&fields.month)
            && (1..=days_in_month(fields.year, fields.month)).contains(&fields.day)
            && fields.hour < 24
            && fields.minute < 60
            && fields.second < 60;
        valid.then_some(fields)
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour * 3600 + self.minute * 60 + self.second)
    }

    /// OpenSSL's `ASN1_TIME_print` form: `Jan  2 03:04:05 2025 GMT`.
    pub fn print_text(&self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{} {:2} {:02}:{:02}:{:02} {} GMT",
            MONTHS[self.month as usize - 1],
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.year
        )
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An ASN1_TIME for a certificate's validity bound, from x509-cert's value.
pub fn time(value: &x509_cert::time::Time) -> ASN1_STRING {
    use x509_cert::der::Encode;
    let (kind, der) = match value {
        x509_cert::time::Time::UtcTime(t) => (V_ASN1_UTCTIME, t.to_der()),
        x509_cert::time::Time::GeneralTime(t) => (V_ASN1_GENERALIZEDTIME, t.to_der()),
    };
    // Both encodings are short: one tag byte, one length byte, then the text.
    let text = der.ok().map(|der| der[2..].to_vec()).unwrap_or_default();
    ASN1_STRING::new(kind, &text)
}

/// A value C passed by pointer, borrowed for the call.
fn opt_ref<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: a non-NULL pointer here is one of this library's values (a string, a time) or
    // the caller's own `time_t`, alive for the call.
    unsafe { borrow(ptr) }
}

/// The caller's out-parameter (`struct tm`, `int`), borrowed for the call.
fn opt_mut<'a, T>(ptr: *mut T) -> Option<&'a mut T> {
    // SAFETY: NULL or a writable place the caller gave for this call only.
    unsafe { ptr.as_mut() }
}

fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The bytes of the string (not a copy, NUL-terminated); valid as long as the string. NULL
/// for NULL.
#[no_mangle]
pub extern "C" fn ASN1_STRING_get0_data(x: *const ASN1_STRING) -> *const c_uchar {
    opt_ref(x).map_or(std::ptr::null(), |x| x.data.cast_const())
}

/// The pre-1.1 name of `ASN1_STRING_get0_data`: the same bytes (not to be written).
#[no_mangle]
pub extern "C" fn ASN1_STRING_data(x: *mut ASN1_STRING) -> *mut c_uchar {
    opt_mut(x).map_or(std::ptr::null_mut(), |x| x.data)
}

/// The length of the string in bytes, 0 for NULL.
#[no_mangle]
pub extern "C" fn ASN1_STRING_length(x: *const ASN1_STRING) -> c_int {
    opt_ref(x).map_or(0, |x| x.length)
}

/// The ASN.1 type of the string (`V_ASN1_UTF8STRING`, ...), 0 for NULL.
#[no_mangle]
pub extern "C" fn ASN1_STRING_type(x: *const ASN1_STRING) -> c_int {
    opt_ref(x).map_or(0, |x| x.kind)
}

/// Converts the string to UTF-8 in a new buffer (`*out`, NUL-terminated, freed with
/// `OPENSSL_free`); returns its length, or -1 (and `*out` untouched) if the string is NULL or
/// its bytes are not valid for its type.
#[no_mangle]
pub extern "C" fn ASN1_STRING_to_UTF8(out: *mut *mut c_uchar, x: *const ASN1_STRING) -> c_int {
    let (Some(x), false) = (opt_ref(x), out.is_null()) else {
        return -1;
    };
    let Some(text) = to_utf8(x) else {
        return -1;
    };
    let length = c_int::try_from(text.len()).unwrap_or(c_int::MAX);
    let buffer = malloc_c_string(text.as_bytes());
    if buffer.is_null() {
        return -1;
    }
    // SAFETY: `out` is non-NULL, checked above; the caller gave it to receive the buffer.
    unsafe { *out = buffer.cast() };
    length
}

/// The text of a string as UTF-8, decoding the types that are not (BMP, Universal; Latin-1 for
/// T61 as OpenSSL does).
pub fn to_utf8(x: &ASN1_STRING) -> Option<String> {
    let bytes = x.value();
    match x.kind {
        V_ASN1_BMPSTRING => {
            if bytes.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        V_ASN1_UNIVERSALSTRING => {
            if bytes.len() % 4 != 0 {
                return None;
            }
            bytes
                .chunks(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        V_ASN1_T61STRING => Some(bytes.iter().map(|b| char::from(*b)).collect()),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// Prints the string's bytes, each non-printable byte as '.', as OpenSSL does. 1 on success,
/// 0 on a NULL argument or a write failure.
#[no_mangle]
pub extern "C" fn ASN1_STRING_print(bio: *mut crate::bio::BIO, x: *const ASN1_STRING) -> c_int {
    let Some(x) = opt_ref(x) else {
        return 0;
    };
    let printable: Vec<u8> = x
        .value()
        .iter()
        .map(|b| {
            if (b' '..=b'~').contains(b) || matches!(b, b'\n' | b'\r') {
                *b
            } else {
                b'.'
            }
        })
        .collect();
    c_int::from(Sink::Bio(bio).write(&printable))
}

fn print_time(bio: *mut crate::bio::BIO, time: *const ASN1_STRING, kinds: &[c_int]) -> c_int {
    let sink = Sink::Bio(bio);
    // A time of another type is refused silently, as OpenSSL does.
    let Some(time) = opt_ref(time).filter(|t| kinds.contains(&t.kind)) else {
        return 0;
    };
    match TimeFields::parse(time) {
        Some(fields) => c_int::from(sink.write(fields.print_text().as_bytes())),
        None => {
            // OpenSSL prints this before failing, and programs show it.
            sink.write(b"Bad time value");
            0
        }
    }
}

/// Prints the time as `Jan  2 03:04:05 2025 GMT` (OpenSSL's form). 1 on success; 0 for NULL,
/// for a malformed time (after printing `Bad time value`, as OpenSSL does) or on a write
/// failure.
#[no_mangle]
pub extern "C" fn ASN1_TIME_print(bio: *mut crate::bio::BIO, time: *const ASN1_STRING) -> c_int {
    print_time(bio, time, &[V_ASN1_UTCTIME, V_ASN1_GENERALIZEDTIME])
}

/// As `ASN1_TIME_print`, for a UTCTime only (0, nothing printed, for another type).
#[no_mangle]
pub extern "C" fn ASN1_UTCTIME_print(bio: *mut crate::bio::BIO, time: *const ASN1_STRING) -> c_int {
    print_time(bio, time, &[V_ASN1_UTCTIME])
}

/// As `ASN1_TIME_print`, for a GeneralizedTime only (0, nothing printed, for another type).
#[no_mangle]
pub extern "C" fn ASN1_GENERALIZEDTIME_print(
    bio: *mut crate::bio::BIO,
    time: *const ASN1_STRING,
) -> c_int {
    print_time(bio, time, &[V_ASN1_GENERALIZEDTIME])
}

/// 1 if the time is well-formed, else 0.
#[no_mangle]
pub extern "C" fn ASN1_TIME_check(time: *const ASN1_STRING) -> c_int {
    c_int::from(opt_ref(time).and_then(TimeFields::parse).is_some())
}

/// Fills `*tm` (struct tm: fields as gmtime gives them; weekday and yearday computed, no DST)
/// from the time, or from the current time if `time` is NULL. 1 on success, 0 if the time is
/// malformed or `tm` is NULL.
#[no_mangle]
pub extern "C" fn ASN1_TIME_to_tm(time: *const ASN1_STRING, tm: *mut libc::tm) -> c_int {
    let Some(tm) = opt_mut(tm) else {
        return 0;
    };
    let seconds = if time.is_null() {
        now_seconds()
    } else {
        match opt_ref(time).and_then(TimeFields::parse) {
            Some(fields) => fields.unix_seconds(),
            None => return 0,
        }
    };
    let Some(seconds) = libc::time_t::try_from(seconds).ok() else {
        return 0;
    };
    // SAFETY: gmtime_r writes only the `tm` it is given, a live exclusive reference.
    c_int::from(!unsafe { libc::gmtime_r(&seconds, tm) }.is_null())
}

/// The difference `to - from` in whole days (`*pday`) and remaining seconds (`*psec`), both
/// of the same sign; a NULL time means now. 1 on success, 0 if a time is malformed.
#[no_mangle]
pub extern "C" fn ASN1_TIME_diff(
    pday: *mut c_int,
    psec: *mut c_int,
    from: *const ASN1_STRING,
    to: *const ASN1_STRING,
) -> c_int {
    let seconds = |time: *const ASN1_STRING| {
        if time.is_null() {
            Some(now_seconds())
        } else {
            opt_ref(time)
                .and_then(TimeFields::parse)
                .map(|f| f.unix_seconds())
        }
    };
    let (Some(from), Some(to)) = (seconds(from), seconds(to)) else {
        return 0;
    };
    let difference = to - from;
    let (Ok(days), Ok(secs)) = (
        c_int::try_from(difference / 86_400),
        c_int::try_from(difference % 86_400),
    ) else {
        return 0;
    };
    if let Some(pday) = opt_mut(pday) {
        *pday = days;
    }
    if let Some(psec) = opt_mut(psec) {
        *psec = secs;
    }
    1
}

/// -1 if the time is before now (or equal), 1 if after; 0 if it is malformed.
#[no_mangle]
pub extern "C" fn X509_cmp_current_time(time: *const ASN1_STRING) -> c_int {
    compare_time(time, now_seconds())
}

/// As `X509_cmp_current_time`, against `*at` (now if `at` is NULL).
#[no_mangle]
pub extern "C" fn X509_cmp_time(time: *const ASN1_STRING, at: *mut libc::time_t) -> c_int {
    let reference = opt_ref(at.cast_const()).map_or_else(now_seconds, |t| *t);
    compare_time(time, reference)
}

fn compare_time(time: *const ASN1_STRING, reference: i64) -> c_int {
    match opt_ref(time).and_then(TimeFields::parse) {
        Some(fields) if fields.unix_seconds() <= reference => -1,
        Some(_) => 1,
        None => 0,
    }
}

/// The integer's value; 0 for NULL; -1 with ASN1_R_TOO_LARGE queued if it does not fit in a
/// long (OpenSSL's rule).
#[no_mangle]
pub extern "C" fn ASN1_INTEGER_get(x: *const ASN1_STRING) -> c_long {
    let Some(x) = opt_ref(x) else {
        return 0;
    };
    let magnitude = (x.value().len() <= std::mem::size_of::<u64>()).then(|| {
        x.value()
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
    });
    match magnitude.and_then(|m| c_long::try_from(m).ok()) {
        Some(value) if x.is_negative() => -value,
        Some(value) => value,
        None => {
            crate::err::raise(
                crate::err::ERR_LIB_ASN1,
                crate::err::ASN1_R_TOO_LARGE,
                "ASN1_INTEGER_get",
                format!("a {}-byte integer does not fit in a long", x.value().len()),
            );
            -1
        }
    }
}

/// The integer as a BIGNUM: written into `bn` if given, else a new one (freed with
/// `BN_free`). NULL if `x` is NULL.
#[no_mangle]
pub extern "C" fn ASN1_INTEGER_to_BN(x: *const ASN1_STRING, bn: *mut BIGNUM) -> *mut BIGNUM {
    let Some(x) = opt_ref(x) else {
        return std::ptr::null_mut();
    };
    let value = BIGNUM::from_magnitude(x.value(), x.is_negative());
    match opt_mut(bn) {
        Some(existing) => {
            *existing = value;
            bn
        }
        None => Box::into_raw(Box::new(value)),
    }
}

/// Prints the integer in hex as OpenSSL does (`i2a_ASN1_INTEGER`: upper case, whole bytes,
/// `00` for zero, `-` before a negative value); returns the characters written, -1 on a NULL
/// argument or a write failure.
#[no_mangle]
pub extern "C" fn i2a_ASN1_INTEGER(bio: *mut crate::bio::BIO, x: *const ASN1_STRING) -> c_int {
    let Some(x) = opt_ref(x) else {
        return -1;
    };
    let text = integer_hex(x);
    if Sink::Bio(bio).write(text.as_bytes()) {
        c_int::try_from(text.len()).unwrap_or(c_int::MAX)
    } else {
        -1
    }
}

fn integer_hex(x: &ASN1_STRING) -> String {
    let mut text = String::new();
    if x.is_negative() {
        text.push('-');
    }
    if x.value().is_empty() {
        text.push_str("00");
    }
    for byte in x.value() {
        text.push_str(&format!("{byte:02X}"));
    }
    text
}

/// For `X509_NAME_print_ex` and friends: the bytes as C strings want them.
pub fn as_c_chars(x: &ASN1_STRING) -> *const c_char {
    x.data.cast_const().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_keep_magnitude_and_sign() {
        let x = ASN1_STRING::integer(&[0x00, 0x9f, 0x01]);
        assert_eq!(x.value(), &[0x9f, 0x01]);
        assert_eq!(integer_hex(&x), "9F01");
        let negative = ASN1_STRING::integer(&[0xff]);
        assert!(negative.is_negative());
        assert_eq!(negative.value(), &[0x01]);
        assert_eq!(integer_hex(&negative), "-01");
        assert_eq!(integer_hex(&ASN1_STRING::integer(&[0])), "00");
        assert_eq!(ASN1_INTEGER_get(&ASN1_STRING::integer(&[0x01, 0x00])), 256);
        assert_eq!(ASN1_INTEGER_get(&negative), -1);
    }

    #[test]
    fn times_parse_and_print_as_openssl() {
        let utc = ASN1_STRING::new(V_ASN1_UTCTIME, b"250102030405Z");
        let fields = TimeFields::parse(&utc).unwrap();
        assert_eq!(fields.print_text(), "Jan  2 03:04:05 2025 GMT");
        assert_eq!(fields.unix_seconds(), 1_735_787_045);
        let general = ASN1_STRING::new(V_ASN1_GENERALIZEDTIME, b"20991231235959Z");
        assert_eq!(
            TimeFields::parse(&general).unwrap().print_text(),
            "Dec 31 23:59:59 2099 GMT"
        );
        let old = ASN1_STRING::new(V_ASN1_UTCTIME, b"700101000000Z");
        assert_eq!(TimeFields::parse(&old).unwrap().unix_seconds(), 0);
        for bad in [&b"250230030405Z"[..], b"2501020304Z", b"25010203040aZ", b""] {
            assert_eq!(
                TimeFields::parse(&ASN1_STRING::new(V_ASN1_UTCTIME, bad)),
                None
            );
        }
    }
}
