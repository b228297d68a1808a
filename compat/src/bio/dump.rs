//! BIO_dump: OpenSSL's hex dump (offset, 16 bytes in hex with a '-' after the eighth, then
//! the printable characters), to a BIO or a stdio stream.

use std::ffi::{c_int, c_void};

use super::BIO;
use crate::ffi::{self, guard};
use crate::x509::output::Sink;

const WIDTH: usize = 16;

/// The dump's text: `indent` spaces (at most 64) before each row, fewer bytes per row as the
/// indent grows, as OpenSSL lays it out.
fn dump_text(bytes: &[u8], indent: c_int) -> Vec<String> {
    let indent = usize::try_from(indent).unwrap_or(0).min(64);
    let width = WIDTH - (indent - indent.min(6)).div_ceil(4);
    bytes
        .chunks(width)
        .enumerate()
        .map(|(row, chunk)| {
            let mut line = format!("{:indent$}{:04x} - ", "", row * width);
            for column in 0..width {
                match chunk.get(column) {
                    Some(byte) => {
                        let separator = if column == 7 { '-' } else { ' ' };
                        line.push_str(&format!("{byte:02x}{separator}"));
                    }
                    None => line.push_str("   "),
                }
            }
            line.push_str("  ");
            line.extend(chunk.iter().map(|b| {
                if (b' '..=b'~').contains(b) {
                    char::from(*b)
                } else {
                    '.'
                }
            }));
            line.push('\n');
            line
        })
        .collect()
}

/// What the dump functions return: characters written to a BIO; rows written to a stdio
/// stream (OpenSSL counts its fwrite calls there).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    Characters,
    Rows,
}

fn dump(
    function: &'static str,
    sink: Sink,
    data: *const c_void,
    len: c_int,
    indent: c_int,
) -> c_int {
    let count = match sink {
        Sink::Bio(_) => Count::Characters,
        Sink::File(_) => Count::Rows,
    };
    guard(function, -1, || {
        let length = usize::try_from(len).unwrap_or(0);
        // SAFETY: `len` readable bytes at `data` (caller's contract).
        let Some(bytes) = (unsafe { ffi::bytes_arg(data, length) }) else {
            return -1;
        };
        let mut written = 0usize;
        for line in dump_text(bytes, indent) {
            if !sink.write(line.as_bytes()) {
                return -1;
            }
            written += if count == Count::Rows { 1 } else { line.len() };
        }
        c_int::try_from(written).unwrap_or(c_int::MAX)
    })
}

/// Writes a hex dump of `len` bytes at `s`; returns the number of characters written, -1 on a
/// write failure or NULL data with a positive length.
#[no_mangle]
pub extern "C" fn BIO_dump(bp: *mut BIO, s: *const c_void, len: c_int) -> c_int {
    dump("BIO_dump", Sink::Bio(bp), s, len, 0)
}

/// As `BIO_dump`, each row indented by `indent` spaces (at most 64).
#[no_mangle]
pub extern "C" fn BIO_dump_indent(
    bp: *mut BIO,
    s: *const c_void,
    len: c_int,
    indent: c_int,
) -> c_int {
    dump("BIO_dump_indent", Sink::Bio(bp), s, len, indent)
}

/// As `BIO_dump`, to a stdio stream; returns the number of rows written (as OpenSSL does).
#[no_mangle]
pub extern "C" fn BIO_dump_fp(fp: *mut libc::FILE, s: *const c_void, len: c_int) -> c_int {
    dump("BIO_dump_fp", Sink::File(fp), s, len, 0)
}

/// As `BIO_dump_indent`, to a stdio stream; returns the number of rows written.
#[no_mangle]
pub extern "C" fn BIO_dump_indent_fp(
    fp: *mut libc::FILE,
    s: *const c_void,
    len: c_int,
    indent: c_int,
) -> c_int {
    dump("BIO_dump_indent_fp", Sink::File(fp), s, len, indent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_as_openssl_lays_them_out() {
        let rows = dump_text(b"0123456789abcdefXY\x00", 0);
        assert_eq!(
            rows[0],
            "0000 - 30 31 32 33 34 35 36 37-38 39 61 62 63 64 65 66   0123456789abcdef\n"
        );
        assert_eq!(rows[1].len(), rows[0].len() - 13);
        assert!(rows[1].starts_with("0010 - 58 59 00 "), "{}", rows[1]);
        // Indented by 10: 15 bytes a row.
        assert!(dump_text(&[0; 16], 10)[1].starts_with("          000f - 00 "));
    }
}
