//! X509_NAME (a certificate's subject or issuer) and its entries, with OpenSSL's text forms:
//! `X509_NAME_oneline` (`/C=FR/O=Example/CN=host`) and `X509_NAME_print_ex` with its flags
//! (RFC 2253, one-line, multi-line, compatible), escaping as OpenSSL does.

use super::asn1::{to_utf8, ASN1_STRING};
use super::output::Sink;
use crate::ffi::{self, borrow, copy_c_string, guard};
use crate::obj::{self, ASN1_OBJECT, NID_UNDEF};
use std::ffi::{c_char, c_int, c_ulong};
use x509_cert::der::{Decode, Encode, Tag, Tagged};
use x509_cert::name::Name;

/// One attribute of a name: its type, its value and the RDN it belongs to (entries of one
/// multi-valued RDN share `set`).
pub struct X509_NAME_ENTRY {
    object: ASN1_OBJECT,
    value: ASN1_STRING,
    set: c_int,
}

impl X509_NAME_ENTRY {
    pub fn nid(&self) -> c_int {
        self.object.nid
    }

    pub fn value(&self) -> &ASN1_STRING {
        &self.value
    }
}

/// A distinguished name: the entries in certificate order, and the DER it was read from.
pub struct X509_NAME {
    der: Vec<u8>,
    entries: Vec<X509_NAME_ENTRY>,
}

impl X509_NAME {
    pub fn from_name(name: &Name) -> Self {
        let mut entries = Vec::new();
        for (set, rdn) in name.0.iter().enumerate() {
            for attribute in rdn.0.iter() {
                let kind = match attribute.value.tag() {
                    Tag::Utf8String => super::asn1::V_ASN1_UTF8STRING,
                    other => c_int::from(u8::from(other) & 0x1f),
                };
                entries.push(X509_NAME_ENTRY {
                    object: ASN1_OBJECT::new(attribute.oid.to_string()),
                    value: ASN1_STRING::new(kind, attribute.value.value()),
                    set: c_int::try_from(set).unwrap_or(c_int::MAX),
                });
            }
        }
        Self {
            der: name.to_der().unwrap_or_default(),
            entries,
        }
    }

    /// A name from its DER encoding (a client CA list, an issuer kept for later).
    pub fn from_der(der: &[u8]) -> Result<Self, String> {
        Name::from_der(der)
            .map(|name| Self::from_name(&name))
            .map_err(|err| format!("not a DER X.509 name: {err}"))
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn entries(&self) -> &[X509_NAME_ENTRY] {
        &self.entries
    }

    fn duplicate(&self) -> Self {
        Self::from_der(&self.der).unwrap_or(Self {
            der: Vec::new(),
            entries: Vec::new(),
        })
    }

    /// The first entry of type `nid` after `last` (-1 to start), as OpenSSL indexes them.
    fn index_by_nid(&self, nid: c_int, last: c_int) -> c_int {
        let start = usize::try_from(last.saturating_add(1)).unwrap_or(0);
        self.entries
            .iter()
            .enumerate()
            .skip(start)
            .find(|(_, entry)| entry.object.nid == nid)
            .map_or(-1, |(index, _)| index as c_int)
    }

    /// `X509_NAME_oneline`'s text: `/SN=value` per entry (`+` within a multi-valued RDN),
    /// bytes outside printable ASCII as `\xHH`. With a `limit`, entries that do not fit whole
    /// are left out, as OpenSSL does.
    pub fn oneline(&self, limit: Option<usize>) -> String {
        let mut out = String::new();
        let mut previous_set = -1;
        for entry in &self.entries {
            let mut piece = String::new();
            piece.push(if entry.set == previous_set { '+' } else { '/' });
            piece.push_str(&entry.object.short_name());
            piece.push('=');
            for byte in entry.value.value() {
                if (b' '..=b'~').contains(byte) {
                    piece.push(char::from(*byte));
                } else {
                    piece.push_str(&format!("\\x{byte:02X}"));
                }
            }
            if limit.is_some_and(|limit| out.len() + piece.len() > limit) {
                break;
            }
            out.push_str(&piece);
            previous_set = entry.set;
        }
        out
    }

    /// X509_NAME_print_ex's text and its return value (-1, after the indent, for flags
    /// without a separator OpenSSL knows).
    pub fn print_ex(&self, indent: c_int, flags: c_ulong) -> (Vec<u8>, c_int) {
        if flags == XN_FLAG_COMPAT {
            return (compat_text(&self.oneline(None)).into_bytes(), 1);
        }
        let pad = |n: c_int| " ".repeat(usize::try_from(n).unwrap_or(0));
        let indent = indent.max(0);
        let mut out = pad(indent).into_bytes();
        // Only multi-line output indents the lines after the first.
        let (separator, multi_separator, indent) = match flags & XN_FLAG_SEP_MASK {
            XN_FLAG_SEP_MULTILINE => ("\n", " + ", indent),
            XN_FLAG_SEP_COMMA_PLUS => (",", "+", 0),
            XN_FLAG_SEP_CPLUS_SPC => (", ", " + ", 0),
            XN_FLAG_SEP_SPLUS_SPC => ("; ", " + ", 0),
            _ => return (out, -1),
        };
        let equals = if flags & XN_FLAG_SPC_EQ != 0 {
            " = "
        } else {
            "="
        };
        let field_names = flags & XN_FLAG_FN_MASK;
        let order: Box<dyn Iterator<Item = &X509_NAME_ENTRY>> = if flags & XN_FLAG_DN_REV != 0 {
            Box::new(self.entries.iter().rev())
        } else {
            Box::new(self.entries.iter())
        };
        let mut previous_set = None;
        for entry in order {
            if let Some(previous) = previous_set {
                if previous == entry.set {
                    out.extend_from_slice(multi_separator.as_bytes());
                } else {
                    out.extend_from_slice(separator.as_bytes());
                    out.extend_from_slice(pad(indent).as_bytes());
                }
            }
            previous_set = Some(entry.set);
            let unknown = entry.object.nid == NID_UNDEF;
            if field_names != XN_FLAG_FN_NONE {
                let (name, width) = if field_names == XN_FLAG_FN_OID || unknown {
                    (entry.object.oid.clone(), 0)
                } else if field_names == XN_FLAG_FN_SN {
                    (entry.object.short_name(), 10)
                } else {
                    (entry.object.long_name(), 25)
                };
                out.extend_from_slice(name.as_bytes());
                if flags & XN_FLAG_FN_ALIGN != 0 && name.len() < width {
                    out.extend_from_slice(" ".repeat(width - name.len()).as_bytes());
                }
                out.extend_from_slice(equals.as_bytes());
            }
            let dump = if unknown && flags & XN_FLAG_DUMP_UNKNOWN_FIELDS != 0 {
                ASN1_STRFLGS_DUMP_ALL
            } else {
                0
            };
            out.extend_from_slice(&string_text(&entry.value, flags | dump));
        }
        let length = c_int::try_from(out.len()).unwrap_or(c_int::MAX);
        (out, length)
    }
}

pub const XN_FLAG_COMPAT: c_ulong = 0;
const XN_FLAG_SEP_MASK: c_ulong = 0xf << 16;
const XN_FLAG_SEP_COMMA_PLUS: c_ulong = 1 << 16;
const XN_FLAG_SEP_CPLUS_SPC: c_ulong = 2 << 16;
const XN_FLAG_SEP_SPLUS_SPC: c_ulong = 3 << 16;
const XN_FLAG_SEP_MULTILINE: c_ulong = 4 << 16;
const XN_FLAG_DN_REV: c_ulong = 1 << 20;
const XN_FLAG_FN_MASK: c_ulong = 0x3 << 21;
const XN_FLAG_FN_SN: c_ulong = 0;
const XN_FLAG_FN_OID: c_ulong = 2 << 21;
const XN_FLAG_FN_NONE: c_ulong = 3 << 21;
const XN_FLAG_SPC_EQ: c_ulong = 1 << 23;
const XN_FLAG_DUMP_UNKNOWN_FIELDS: c_ulong = 1 << 24;
const XN_FLAG_FN_ALIGN: c_ulong = 1 << 25;

const ASN1_STRFLGS_ESC_2253: c_ulong = 1;
const ASN1_STRFLGS_ESC_CTRL: c_ulong = 2;
const ASN1_STRFLGS_ESC_MSB: c_ulong = 4;
const ASN1_STRFLGS_ESC_QUOTE: c_ulong = 8;
const ASN1_STRFLGS_UTF8_CONVERT: c_ulong = 0x10;
const ASN1_STRFLGS_IGNORE_TYPE: c_ulong = 0x20;
const ASN1_STRFLGS_DUMP_ALL: c_ulong = 0x80;
const ASN1_STRFLGS_DUMP_UNKNOWN: c_ulong = 0x100;
const ASN1_STRFLGS_DUMP_DER: c_ulong = 0x200;
const ASN1_STRFLGS_ESC_2254: c_ulong = 0x400;
const ESCAPE_FLAGS: c_ulong = ASN1_STRFLGS_ESC_2253
    | ASN1_STRFLGS_ESC_2254
    | ASN1_STRFLGS_ESC_QUOTE
    | ASN1_STRFLGS_ESC_CTRL
    | ASN1_STRFLGS_ESC_MSB;
/// Character classes beside the escape flags: escaped only as a value's first / last character.
const FIRST_CHARACTER: c_ulong = 0x20;
const LAST_CHARACTER: c_ulong = 0x40;

/// Which escape rules apply to an ASCII byte (RFC 2253, RFC 2254, control characters, and
/// the characters that quoting may stand in for).
fn character_class(c: u8) -> c_ulong {
    let mut class = 0;
    if c < 0x20 || c == 0x7f {
        class |= ASN1_STRFLGS_ESC_CTRL;
    }
    if matches!(c, 0 | b'(' | b')' | b'*' | b'\\') {
        class |= ASN1_STRFLGS_ESC_2254;
    }
    if matches!(c, b'"' | b'+' | b',' | b';' | b'<' | b'>' | b'\\') {
        class |= ASN1_STRFLGS_ESC_2253;
    }
    if matches!(c, b' ' | b'#' | b'+' | b',' | b';' | b'<' | b'>') {
        class |= ASN1_STRFLGS_ESC_QUOTE;
    }
    if matches!(c, b' ' | b'#') {
        class |= FIRST_CHARACTER;
    }
    if c == b' ' {
        class |= LAST_CHARACTER;
    }
    class
}

/// One character as X509_NAME_print_ex writes it; sets `quote` when the value must be quoted
/// instead of escaped.
fn escape_character(c: u32, flags: c_ulong, quote: &mut bool, out: &mut Vec<u8>) {
    if c > 0xffff {
        out.extend_from_slice(format!("\\W{c:08X}").as_bytes());
        return;
    }
    if c > 0xff {
        out.extend_from_slice(format!("\\U{c:04X}").as_bytes());
        return;
    }
    let byte = c as u8;
    let class = if byte > 0x7f {
        flags & ASN1_STRFLGS_ESC_MSB
    } else {
        character_class(byte) & flags
    };
    if class & (ASN1_STRFLGS_ESC_2253 | FIRST_CHARACTER | LAST_CHARACTER) != 0 {
        if class & ASN1_STRFLGS_ESC_QUOTE != 0 {
            *quote = true;
            out.push(byte);
        } else {
            out.extend_from_slice(&[b'\\', byte]);
        }
        return;
    }
    if class & (ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_ESC_MSB | ASN1_STRFLGS_ESC_2254) != 0 {
        out.extend_from_slice(format!("\\{byte:02X}").as_bytes());
        return;
    }
    if byte == b'\\' && flags & ESCAPE_FLAGS != 0 {
        out.extend_from_slice(b"\\\\");
        return;
    }
    // Bytes above 0x7f are written as they are (UTF-8 the caller wants raw).
    out.push(byte);
}

/// Characters per code unit of a string type (0: UTF-8), as OpenSSL reads them; None to dump.
fn character_width(kind: c_int) -> Option<u8> {
    use super::asn1::*;
    match kind {
        V_ASN1_UTF8STRING => Some(0),
        V_ASN1_BMPSTRING => Some(2),
        V_ASN1_UNIVERSALSTRING => Some(4),
        19..=22 | 25..=27 => Some(1),
        _ => None,
    }
}

/// A value as X509_NAME_print_ex (and ASN1_STRING_print_ex) writes it under `flags`.
fn string_text(value: &ASN1_STRING, flags: c_ulong) -> Vec<u8> {
    let escapes = flags & ESCAPE_FLAGS;
    let width = if flags & ASN1_STRFLGS_DUMP_ALL != 0 {
        None
    } else if flags & ASN1_STRFLGS_IGNORE_TYPE != 0 {
        Some(1)
    } else {
        match character_width(value.kind()) {
            None if flags & ASN1_STRFLGS_DUMP_UNKNOWN == 0 => Some(1),
            width => width,
        }
    };
    let Some(width) = width else {
        return dump(value, flags).into_bytes();
    };
    // Under UTF8_CONVERT, a UTF8String is read byte by byte (it is UTF-8 already) and every
    // other type's characters are re-encoded as UTF-8 bytes.
    let convert = flags & ASN1_STRFLGS_UTF8_CONVERT != 0;
    let (width, reencode) = match (convert, width) {
        (true, 0) => (1, false),
        (convert, width) => (width, convert),
    };
    let characters: Vec<u32> = match width {
        0 => match std::str::from_utf8(value.value()) {
            Ok(text) => text.chars().map(u32::from).collect(),
            Err(_) => value.value().iter().map(|b| u32::from(*b)).collect(),
        },
        1 => value.value().iter().map(|b| u32::from(*b)).collect(),
        _ => to_utf8(value)
            .map(|text| text.chars().map(u32::from).collect())
            .unwrap_or_default(),
    };
    let mut quote = false;
    let mut body = Vec::new();
    let last = characters.len().saturating_sub(1);
    for (index, c) in characters.iter().enumerate() {
        let mut position = 0;
        if escapes & ASN1_STRFLGS_ESC_2253 != 0 {
            if index == 0 {
                position |= FIRST_CHARACTER;
            }
            if index == last {
                position |= LAST_CHARACTER;
            }
        }
        if reencode {
            let mut buffer = [0u8; 4];
            let encoded =
                char::from_u32(*c).map_or(&[][..], |ch| ch.encode_utf8(&mut buffer).as_bytes());
            for byte in encoded {
                escape_character(u32::from(*byte), escapes | position, &mut quote, &mut body);
            }
        } else {
            escape_character(*c, escapes | position, &mut quote, &mut body);
        }
    }
    if quote {
        body.insert(0, b'"');
        body.push(b'"');
    }
    body
}

/// `#` and the hex of the value (with its DER header under ASN1_STRFLGS_DUMP_DER).
fn dump(value: &ASN1_STRING, flags: c_ulong) -> String {
    let mut bytes = Vec::new();
    if flags & ASN1_STRFLGS_DUMP_DER != 0 {
        bytes.push(u8::try_from(value.kind()).unwrap_or(0));
        let length = value.value().len();
        if length < 0x80 {
            bytes.push(length as u8);
        } else {
            let significant: Vec<u8> = length
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            bytes.push(0x80 | significant.len() as u8);
            bytes.extend(significant);
        }
    }
    bytes.extend_from_slice(value.value());
    let mut out = String::from("#");
    for byte in bytes {
        out.push_str(&format!("{byte:02X}"));
    }
    out
}

/// `X509_NAME_print`'s text (what `XN_FLAG_COMPAT` gives): the one-line form with each
/// `/XX=` boundary turned into `, `.
fn compat_text(oneline: &str) -> String {
    let bytes = oneline.as_bytes();
    if bytes.is_empty() {
        return String::new();
    }
    let mut out = Vec::new();
    let mut start = 1;
    let mut i = 1;
    loop {
        let at_end = i >= bytes.len();
        let boundary = !at_end
            && bytes[i] == b'/'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_uppercase)
            && (bytes.get(i + 2) == Some(&b'=')
                || (bytes.get(i + 2).is_some_and(u8::is_ascii_uppercase)
                    && bytes.get(i + 3) == Some(&b'=')));
        if boundary || at_end {
            out.extend_from_slice(&bytes[start..i.min(bytes.len())]);
            start = i + 1;
            if !at_end {
                out.extend_from_slice(b", ");
            }
        }
        if at_end {
            break;
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name's text for a borrowed pointer.
fn name<'a>(name: *const X509_NAME) -> Option<&'a X509_NAME> {
    // SAFETY: a non-NULL name is one this library handed out (inside an X509, or from
    // X509_NAME_dup) and is alive for the call.
    unsafe { borrow(name) }
}

/// Writes the name in OpenSSL's one-line form (`/C=FR/O=Example/CN=host`) into `buf` of
/// `size` bytes (entries that do not fit whole are left out) and returns `buf`; with `buf`
/// NULL, returns a new string to free with `OPENSSL_free`. A NULL name gives "NO X509_NAME".
/// NULL if `buf` is given with `size` 0 or `size` is negative, or on allocation failure.
#[no_mangle]
pub extern "C" fn X509_NAME_oneline(
    a: *const X509_NAME,
    buf: *mut c_char,
    size: c_int,
) -> *mut c_char {
    guard("X509_NAME_oneline", std::ptr::null_mut(), || {
        let text = match name(a) {
            Some(a) if buf.is_null() => a.oneline(None),
            Some(a) => a.oneline(usize::try_from(size).ok().map(|s| s.saturating_sub(1))),
            None => "NO X509_NAME".to_owned(),
        };
        if buf.is_null() {
            return crate::init::malloc_c_string(text.as_bytes());
        }
        let Ok(size) = usize::try_from(size) else {
            return std::ptr::null_mut();
        };
        if size == 0 {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's buffer of `size` bytes.
        unsafe { copy_c_string(text.as_bytes(), buf, size) };
        buf
    })
}

/// Prints the name to a BIO under `flags` (XN_FLAG_ONELINE, XN_FLAG_RFC2253,
/// XN_FLAG_MULTILINE, XN_FLAG_COMPAT or a combination), `indent` spaces first (multi-line:
/// before every line). Returns the number of characters written (1 for XN_FLAG_COMPAT), or -1
/// for a NULL name, flags without a separator OpenSSL knows, or a write failure.
#[no_mangle]
pub extern "C" fn X509_NAME_print_ex(
    out: *mut crate::bio::BIO,
    nm: *const X509_NAME,
    indent: c_int,
    flags: c_ulong,
) -> c_int {
    guard("X509_NAME_print_ex", -1, || {
        print_to(Sink::Bio(out), nm, indent, flags)
    })
}

/// As `X509_NAME_print_ex`, to a stdio stream.
#[no_mangle]
pub extern "C" fn X509_NAME_print_ex_fp(
    fp: *mut libc::FILE,
    nm: *const X509_NAME,
    indent: c_int,
    flags: c_ulong,
) -> c_int {
    guard("X509_NAME_print_ex_fp", -1, || {
        print_to(Sink::File(fp), nm, indent, flags)
    })
}

fn print_to(sink: Sink, nm: *const X509_NAME, indent: c_int, flags: c_ulong) -> c_int {
    let Some((text, ret)) = name(nm).map(|nm| nm.print_ex(indent, flags)) else {
        return -1;
    };
    if sink.write(&text) {
        ret
    } else {
        -1
    }
}

/// Copies the value of the first entry of type `nid` into `buf` (at most `len - 1` bytes and a
/// NUL; the raw bytes, not converted) and returns the number of bytes copied; with `buf` NULL,
/// returns the value's length. -1 if the name is NULL or has no such entry.
#[no_mangle]
pub extern "C" fn X509_NAME_get_text_by_NID(
    nm: *const X509_NAME,
    nid: c_int,
    buf: *mut c_char,
    len: c_int,
) -> c_int {
    guard("X509_NAME_get_text_by_NID", -1, || {
        let Some(nm) = name(nm) else {
            return -1;
        };
        let Ok(index) = usize::try_from(nm.index_by_nid(nid, -1)) else {
            return -1;
        };
        let value = nm.entries[index].value.value();
        if buf.is_null() {
            return c_int::try_from(value.len()).unwrap_or(c_int::MAX);
        }
        let size = usize::try_from(len).unwrap_or(0);
        // SAFETY: the caller's buffer of `len` bytes.
        let copied = unsafe { copy_c_string(value, buf, size) };
        c_int::try_from(copied).unwrap_or(c_int::MAX)
    })
}

/// The number of entries, 0 for NULL.
#[no_mangle]
pub extern "C" fn X509_NAME_entry_count(nm: *const X509_NAME) -> c_int {
    name(nm).map_or(0, |nm| {
        c_int::try_from(nm.entries.len()).unwrap_or(c_int::MAX)
    })
}

/// Entry `loc` (borrowed: valid as long as the name); NULL if out of range.
#[no_mangle]
pub extern "C" fn X509_NAME_get_entry(nm: *const X509_NAME, loc: c_int) -> *mut X509_NAME_ENTRY {
    name(nm)
        .and_then(|nm| nm.entries.get(usize::try_from(loc).ok()?))
        .map_or(std::ptr::null_mut(), |entry| {
            (entry as *const X509_NAME_ENTRY).cast_mut()
        })
}

/// The index of the next entry of type `nid` after `lastpos` (-1 to start); -1 if none, -2
/// for a NID this library does not know.
#[no_mangle]
pub extern "C" fn X509_NAME_get_index_by_NID(
    nm: *const X509_NAME,
    nid: c_int,
    lastpos: c_int,
) -> c_int {
    if obj::by_nid(nid).is_none() || nid == NID_UNDEF {
        return -2;
    }
    name(nm).map_or(-1, |nm| nm.index_by_nid(nid, lastpos))
}

fn entry<'a>(entry: *const X509_NAME_ENTRY) -> Option<&'a X509_NAME_ENTRY> {
    // SAFETY: a non-NULL entry came from X509_NAME_get_entry and its name is alive.
    unsafe { borrow(entry) }
}

/// The entry's value (borrowed, as long as the name); NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_NAME_ENTRY_get_data(ne: *const X509_NAME_ENTRY) -> *mut ASN1_STRING {
    entry(ne).map_or(std::ptr::null_mut(), |ne| {
        (&ne.value as *const ASN1_STRING).cast_mut()
    })
}

/// The entry's attribute type (borrowed, as long as the name); NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_NAME_ENTRY_get_object(ne: *const X509_NAME_ENTRY) -> *mut ASN1_OBJECT {
    entry(ne).map_or(std::ptr::null_mut(), |ne| {
        (&ne.object as *const ASN1_OBJECT).cast_mut()
    })
}

/// The index of the RDN the entry belongs to (entries of one multi-valued RDN share it).
#[no_mangle]
pub extern "C" fn X509_NAME_ENTRY_set(ne: *const X509_NAME_ENTRY) -> c_int {
    entry(ne).map_or(0, |ne| ne.set)
}

/// A copy of the name that the caller owns (freed with `X509_NAME_free`); NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_NAME_dup(nm: *const X509_NAME) -> *mut X509_NAME {
    guard("X509_NAME_dup", std::ptr::null_mut(), || {
        name(nm).map_or(std::ptr::null_mut(), |nm| {
            Box::into_raw(Box::new(nm.duplicate()))
        })
    })
}

/// Frees a name the caller owns (from `X509_NAME_dup`, `d2i_X509_NAME` or a stack that
/// `SSL_load_client_CA_file` made). Never for a name borrowed from a certificate. NULL does
/// nothing.
#[no_mangle]
pub extern "C" fn X509_NAME_free(nm: *mut X509_NAME) {
    if !nm.is_null() {
        // SAFETY: an owned name (made by Box::into_raw here), freed once by its owner.
        drop(unsafe { Box::from_raw(nm) });
    }
}

/// Compares two names by their DER encoding: 0 if equal, else negative or positive (a
/// consistent order, usable for sorting). NULL sorts first.
#[no_mangle]
pub extern "C" fn X509_NAME_cmp(a: *const X509_NAME, b: *const X509_NAME) -> c_int {
    match (name(a), name(b)) {
        (None, None) => 0,
        (None, Some(_)) => -1,
        (Some(_), None) => 1,
        (Some(a), Some(b)) => match a.der.len().cmp(&b.der.len()).then(a.der.cmp(&b.der)) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        },
    }
}

/// The name's DER encoding, borrowed (valid as long as the name) in `*pder` and `*pderlen`
/// (each optional). 1, or 0 for a NULL name.
#[no_mangle]
pub extern "C" fn X509_NAME_get0_der(
    nm: *const X509_NAME,
    pder: *mut *const u8,
    pderlen: *mut usize,
) -> c_int {
    let Some(nm) = name(nm) else {
        return 0;
    };
    // SAFETY: out-pointers given by the caller for these values (each may be NULL).
    unsafe {
        ffi::write_out(pder, nm.der.as_ptr());
        ffi::write_out(pderlen, nm.der.len());
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(pairs: &[(&str, &str)]) -> X509_NAME {
        let escape = |v: &str| {
            v.replace(',', "\\,")
                .replacen(' ', "\\ ", usize::from(v.starts_with(' ')))
        };
        let text: Vec<String> = pairs
            .iter()
            .rev()
            .map(|(k, v)| format!("{k}={}", escape(v)))
            .collect();
        let parsed: Name = text.join(",").parse().expect("RFC 4514 text");
        X509_NAME::from_name(&parsed)
    }

    #[test]
    fn one_line_and_compat_forms() {
        let n = name_of(&[("C", "FR"), ("O", "Example, Inc"), ("CN", "host")]);
        assert_eq!(n.oneline(None), "/C=FR/O=Example, Inc/CN=host");
        assert_eq!(n.oneline(Some(12)), "/C=FR");
        assert_eq!(
            compat_text(&n.oneline(None)),
            "C=FR, O=Example, Inc, CN=host"
        );
    }

    #[test]
    fn print_ex_flags() {
        const ONELINE: c_ulong = 0x317 | 0x8 | (2 << 16) | (1 << 23);
        const RFC2253: c_ulong = 0x317 | (1 << 16) | (1 << 20) | (1 << 24);
        let n = name_of(&[("C", "FR"), ("O", "Example, Inc"), ("CN", " host")]);
        assert_eq!(
            n.print_ex(0, ONELINE).0,
            b"C = FR, O = \"Example, Inc\", CN = \" host\""
        );
        assert_eq!(
            n.print_ex(4, RFC2253).0,
            b"    CN=\\ host,O=Example\\, Inc,C=FR"
        );
        assert_eq!(n.print_ex(2, 1 << 23), (b"  ".to_vec(), -1));
    }
}
