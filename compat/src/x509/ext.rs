//! A certificate's extensions: the generic accessors, the decoded forms programs ask
//! `X509_get_ext_d2i` for (subjectAltName / issuerAltName as GENERAL_NAMES, basicConstraints),
//! and the name checks `X509_check_host` / `X509_check_ip(_asc)` / `X509_check_email` with
//! OpenSSL's wildcard rules.

use super::asn1::{to_utf8, ASN1_STRING, V_ASN1_IA5STRING, V_ASN1_OCTET_STRING};
use super::name::X509_NAME;
use super::{x509, X509};
use crate::ffi::{self, borrow, guard};
use crate::init::malloc_c_string;
use crate::obj::{self, ASN1_OBJECT};
use crate::stack::OPENSSL_STACK;
use std::ffi::{c_char, c_int, c_uint, c_void};
use std::net::IpAddr;
use x509_cert::der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, IssuerAltName, SubjectAltName};
use x509_cert::ext::Extension;

/// One extension as it appears in the certificate.
pub struct X509_EXTENSION {
    object: ASN1_OBJECT,
    critical: bool,
    value: ASN1_STRING,
}

impl X509_EXTENSION {
    pub fn from_extension(extension: &Extension) -> Self {
        Self {
            object: ASN1_OBJECT::new(extension.extn_id.to_string()),
            critical: extension.critical,
            value: ASN1_STRING::new(V_ASN1_OCTET_STRING, extension.extn_value.as_bytes()),
        }
    }

    pub fn nid(&self) -> c_int {
        self.object.nid
    }

    /// The extension's value: the DER of its contents.
    pub fn value(&self) -> &[u8] {
        self.value.value()
    }
}

pub const GEN_EMAIL: c_int = 1;
pub const GEN_DNS: c_int = 2;
pub const GEN_DIRNAME: c_int = 4;
pub const GEN_URI: c_int = 6;
pub const GEN_IPADD: c_int = 7;
pub const GEN_RID: c_int = 8;

/// What a GENERAL_NAME's union pointer points at.
enum GeneralValue {
    String(Box<ASN1_STRING>),
    Name(Box<X509_NAME>),
    Object(Box<ASN1_OBJECT>),
}

/// The layout OpenSSL publishes in x509v3.h: the kind, then a union of pointers (one
/// pointer); then what it points at, owned.
#[repr(C)]
pub struct GENERAL_NAME {
    kind: c_int,
    d: *mut c_void,
    value: GeneralValue,
}

impl GENERAL_NAME {
    fn new(kind: c_int, value: GeneralValue) -> Box<Self> {
        let d = match &value {
            GeneralValue::String(s) => (&**s as *const ASN1_STRING).cast_mut().cast(),
            GeneralValue::Name(n) => (&**n as *const X509_NAME).cast_mut().cast(),
            GeneralValue::Object(o) => (&**o as *const ASN1_OBJECT).cast_mut().cast(),
        };
        Box::new(Self { kind, d, value })
    }

    /// The entry for one x509-cert GeneralName; None for the kinds not offered (otherName,
    /// x400Address, ediPartyName).
    fn from_general_name(name: &GeneralName) -> Option<Box<Self>> {
        let ia5 = |text: &str| {
            GeneralValue::String(Box::new(ASN1_STRING::new(
                V_ASN1_IA5STRING,
                text.as_bytes(),
            )))
        };
        Some(match name {
            GeneralName::DnsName(dns) => Self::new(GEN_DNS, ia5(dns.as_str())),
            GeneralName::Rfc822Name(email) => Self::new(GEN_EMAIL, ia5(email.as_str())),
            GeneralName::UniformResourceIdentifier(uri) => Self::new(GEN_URI, ia5(uri.as_str())),
            GeneralName::IpAddress(bytes) => Self::new(
                GEN_IPADD,
                GeneralValue::String(Box::new(ASN1_STRING::new(
                    V_ASN1_OCTET_STRING,
                    bytes.as_bytes(),
                ))),
            ),
            GeneralName::DirectoryName(name) => Self::new(
                GEN_DIRNAME,
                GeneralValue::Name(Box::new(X509_NAME::from_name(name))),
            ),
            GeneralName::RegisteredId(oid) => Self::new(
                GEN_RID,
                GeneralValue::Object(Box::new(ASN1_OBJECT::new(oid.to_string()))),
            ),
            _ => return None,
        })
    }
}

// SAFETY: `d` points into `value`, owned by the same object and never written through; a
// GENERAL_NAME is read-only once made.
unsafe impl Send for GENERAL_NAME {}

/// The (kind, text) pairs of a certificate's subjectAltName, for the checks below.
fn alt_names(x: &X509) -> Vec<GeneralName> {
    x.extensions()
        .iter()
        .filter(|e| e.nid() == obj::NID_SUBJECT_ALT_NAME)
        .filter_map(|e| SubjectAltName::from_der(e.value()).ok())
        .flat_map(|names| names.0)
        .collect()
}

/// The number of extensions, 0 for NULL.
#[no_mangle]
pub extern "C" fn X509_get_ext_count(x: *const X509) -> c_int {
    x509(x).map_or(0, |x| {
        c_int::try_from(x.extensions().len()).unwrap_or(c_int::MAX)
    })
}

/// Extension `loc`, borrowed (valid as long as the certificate); NULL if out of range.
#[no_mangle]
pub extern "C" fn X509_get_ext(x: *const X509, loc: c_int) -> *mut X509_EXTENSION {
    x509(x)
        .and_then(|x| x.extensions().get(usize::try_from(loc).ok()?))
        .map_or(std::ptr::null_mut(), |e| {
            (e as *const X509_EXTENSION).cast_mut()
        })
}

/// The index of the next extension of type `nid` after `lastpos` (-1 to start); -1 if none,
/// -2 for a NID this library does not know.
#[no_mangle]
pub extern "C" fn X509_get_ext_by_NID(x: *const X509, nid: c_int, lastpos: c_int) -> c_int {
    if nid == obj::NID_UNDEF || obj::by_nid(nid).is_none() {
        return -2;
    }
    let Some(x) = x509(x) else {
        return -1;
    };
    let start = usize::try_from(lastpos.saturating_add(1)).unwrap_or(0);
    x.extensions()
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, e)| e.nid() == nid)
        .map_or(-1, |(i, _)| i as c_int)
}

fn extension<'a>(ex: *const X509_EXTENSION) -> Option<&'a X509_EXTENSION> {
    // SAFETY: a non-NULL extension came from X509_get_ext and its certificate is alive.
    unsafe { borrow(ex) }
}

/// The extension's type (borrowed); NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_EXTENSION_get_object(ex: *mut X509_EXTENSION) -> *mut ASN1_OBJECT {
    extension(ex).map_or(std::ptr::null_mut(), |e| {
        (&e.object as *const ASN1_OBJECT).cast_mut()
    })
}

/// 1 if the extension is marked critical, else 0 (also for NULL).
#[no_mangle]
pub extern "C" fn X509_EXTENSION_get_critical(ex: *const X509_EXTENSION) -> c_int {
    extension(ex).map_or(0, |e| c_int::from(e.critical))
}

/// The extension's value, an OCTET STRING holding its DER (borrowed); NULL for NULL.
#[no_mangle]
pub extern "C" fn X509_EXTENSION_get_data(ex: *mut X509_EXTENSION) -> *mut ASN1_STRING {
    extension(ex).map_or(std::ptr::null_mut(), |e| {
        (&e.value as *const ASN1_STRING).cast_mut()
    })
}

/// basicConstraints, decoded: the layout OpenSSL publishes in x509v3.h.
#[repr(C)]
pub struct BASIC_CONSTRAINTS {
    ca: c_int,
    pathlen: *mut ASN1_STRING,
}

/// Frees what `X509_get_ext_d2i(x, NID_basic_constraints, ...)` returned. NULL does nothing.
#[no_mangle]
pub extern "C" fn BASIC_CONSTRAINTS_free(bc: *mut BASIC_CONSTRAINTS) {
    if bc.is_null() {
        return;
    }
    // SAFETY: made by Box::into_raw in decode_extension, freed once by its owner; so was its
    // path length, if any.
    let bc = unsafe { Box::from_raw(bc) };
    if !bc.pathlen.is_null() {
        // SAFETY: as above.
        drop(unsafe { Box::from_raw(bc.pathlen) });
    }
}

/// Frees one GENERAL_NAME (from a GENERAL_NAMES stack this library made). NULL does nothing.
#[no_mangle]
pub extern "C" fn GENERAL_NAME_free(name: *mut GENERAL_NAME) {
    if !name.is_null() {
        // SAFETY: made by Box::into_raw in general_names, freed once by its owner.
        drop(unsafe { Box::from_raw(name) });
    }
}

/// Frees a GENERAL_NAMES stack and every name in it. NULL does nothing.
#[no_mangle]
pub extern "C" fn GENERAL_NAMES_free(names: *mut OPENSSL_STACK) {
    unsafe extern "C" fn free_one(name: *mut c_void) {
        GENERAL_NAME_free(name.cast());
    }
    crate::stack::OPENSSL_sk_pop_free(names, Some(free_one));
}

/// A new GENERAL_NAMES stack for x509-cert's names.
fn general_names(names: &[GeneralName]) -> *mut OPENSSL_STACK {
    let items = names
        .iter()
        .filter_map(GENERAL_NAME::from_general_name)
        .map(|name| Box::into_raw(name).cast::<c_void>())
        .collect();
    OPENSSL_STACK::new(items).into_raw()
}

/// Decodes one extension's value, for the kinds this library decodes; None otherwise.
fn decode_extension(nid: c_int, value: &[u8]) -> Option<*mut c_void> {
    match nid {
        obj::NID_SUBJECT_ALT_NAME => SubjectAltName::from_der(value)
            .ok()
            .map(|names| general_names(&names.0).cast()),
        obj::NID_ISSUER_ALT_NAME => IssuerAltName::from_der(value)
            .ok()
            .map(|names| general_names(&names.0).cast()),
        NID_BASIC_CONSTRAINTS => BasicConstraints::from_der(value).ok().map(|bc| {
            let pathlen = bc.path_len_constraint.map_or(std::ptr::null_mut(), |n| {
                Box::into_raw(Box::new(ASN1_STRING::integer(&[n])))
            });
            Box::into_raw(Box::new(BASIC_CONSTRAINTS {
                ca: c_int::from(bc.ca) * 255,
                pathlen,
            }))
            .cast()
        }),
        _ => None,
    }
}

const NID_BASIC_CONSTRAINTS: c_int = 87;

/// Decodes the extension of type `nid`: subjectAltName and issuerAltName give a new
/// GENERAL_NAMES (free with `GENERAL_NAMES_free` or `sk_GENERAL_NAME_pop_free(names,
/// GENERAL_NAME_free)`; otherName, x400Address and ediPartyName entries are left out),
/// basicConstraints a new BASIC_CONSTRAINTS (`BASIC_CONSTRAINTS_free`). Other types are not
/// decoded: NULL.
///
/// With `idx` NULL the extension must appear once: if absent, NULL and `*crit` = -1; if
/// repeated, NULL and `*crit` = -2. With `idx`, the search starts after `*idx` and `*idx` is
/// set to the index found (-1 if none). `*crit` (if `crit` is not NULL) is 1 or 0 for a found
/// extension's criticality.
#[no_mangle]
pub extern "C" fn X509_get_ext_d2i(
    x: *const X509,
    nid: c_int,
    crit: *mut c_int,
    idx: *mut c_int,
) -> *mut c_void {
    guard("X509_get_ext_d2i", std::ptr::null_mut(), || {
        // SAFETY: optional out-parameters given by the caller.
        let set_crit = |value: c_int| unsafe { ffi::write_out(crit, value) };
        // SAFETY: as above.
        let set_idx = |value: c_int| unsafe { ffi::write_out(idx, value) };
        let Some(x) = x509(x) else {
            set_crit(-1);
            set_idx(-1);
            return std::ptr::null_mut();
        };
        // SAFETY: `idx` is NULL or the caller's int.
        let start = match unsafe { borrow(idx.cast_const()) } {
            Some(last) => usize::try_from(last.saturating_add(1)).unwrap_or(0),
            None => 0,
        };
        let mut found = x
            .extensions()
            .iter()
            .enumerate()
            .skip(start)
            .filter(|(_, e)| e.nid() == nid);
        let Some((index, extension)) = found.next() else {
            set_crit(-1);
            set_idx(-1);
            return std::ptr::null_mut();
        };
        if idx.is_null() && found.next().is_some() {
            set_crit(-2);
            return std::ptr::null_mut();
        }
        set_crit(c_int::from(extension.critical));
        set_idx(c_int::try_from(index).unwrap_or(c_int::MAX));
        decode_extension(nid, extension.value()).unwrap_or(std::ptr::null_mut())
    })
}

/// 1 (or the basicConstraints-derived values OpenSSL uses, all non-zero) if the certificate
/// is a CA certificate, else 0.
#[no_mangle]
pub extern "C" fn X509_check_ca(x: *const X509) -> c_int {
    let Some(x) = x509(x) else {
        return 0;
    };
    let is_ca = x
        .extensions()
        .iter()
        .filter(|e| e.nid() == NID_BASIC_CONSTRAINTS)
        .filter_map(|e| BasicConstraints::from_der(e.value()).ok())
        .any(|bc| bc.ca);
    c_int::from(is_ca)
}

pub const X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT: c_uint = 0x1;
pub const X509_CHECK_FLAG_NO_WILDCARDS: c_uint = 0x2;
pub const X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS: c_uint = 0x4;
pub const X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS: c_uint = 0x8;
pub const X509_CHECK_FLAG_NEVER_CHECK_SUBJECT: c_uint = 0x20;

fn equal_ignoring_case(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// A pattern's wildcard, as OpenSSL accepts it: one `*`, in the leftmost label, at least two
/// labels after it, not in an IDNA (`xn--`) label, only whole-label unless partial wildcards
/// are allowed. Returns the star's position.
fn valid_star(pattern: &[u8], flags: c_uint) -> Option<usize> {
    let star = pattern.iter().position(|b| *b == b'*')?;
    if pattern[star + 1..].contains(&b'*') {
        return None;
    }
    let first_dot = pattern.iter().position(|b| *b == b'.')?;
    if star > first_dot || pattern.iter().filter(|b| **b == b'.').count() < 2 {
        return None;
    }
    let label = &pattern[..first_dot];
    let whole_label = label.len() == 1;
    if !whole_label
        && (flags & X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS != 0
            || label.len() >= 4 && label[..4].eq_ignore_ascii_case(b"xn--"))
    {
        return None;
    }
    let labels_ok = pattern.split(|b| *b == b'.').all(|label| {
        !label.is_empty()
            && label
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'*')
    });
    labels_ok.then_some(star)
}

/// Whether a certificate's DNS name (`pattern`) matches `host`, with OpenSSL's wildcard rules.
pub fn host_matches(pattern: &[u8], host: &[u8], flags: c_uint) -> bool {
    if pattern.contains(&0) {
        return false;
    }
    let star = if flags & X509_CHECK_FLAG_NO_WILDCARDS != 0 {
        None
    } else {
        valid_star(pattern, flags)
    };
    let Some(star) = star else {
        return equal_ignoring_case(pattern, host);
    };
    let (prefix, suffix) = (&pattern[..star], &pattern[star + 1..]);
    if host.len() < prefix.len() + suffix.len()
        || !equal_ignoring_case(prefix, &host[..prefix.len()])
        || !equal_ignoring_case(suffix, &host[host.len() - suffix.len()..])
    {
        return false;
    }
    let matched = &host[prefix.len()..host.len() - suffix.len()];
    let whole_label = prefix.is_empty() && suffix.first() == Some(&b'.');
    if whole_label && matched.is_empty() {
        return false;
    }
    if !whole_label && host.len() >= 4 && host[..4].eq_ignore_ascii_case(b"xn--") {
        return false;
    }
    if matched == b"*" {
        return true;
    }
    let multi = whole_label && flags & X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS != 0;
    matched
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || (multi && *b == b'.'))
}

/// The (possibly NUL-terminated) name argument of the check functions: `len` 0 means strlen.
/// None if it holds a NUL before its end (OpenSSL: malformed, -2).
fn name_argument<'a>(chk: *const c_char, len: usize) -> Option<&'a [u8]> {
    let bytes = if len == 0 {
        // SAFETY: with len 0, `chk` is a NUL-terminated string (OpenSSL's contract).
        unsafe { ffi::cstr_arg(chk) }?.to_bytes()
    } else {
        // SAFETY: `len` readable bytes at `chk` (caller's contract).
        let bytes = unsafe { ffi::bytes_arg(chk.cast(), len) }?;
        // One trailing NUL counted in the length is tolerated, as OpenSSL does.
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        if bytes.contains(&0) {
            return None;
        }
        bytes
    };
    Some(bytes)
}

/// Checks that the certificate is valid for host name `chk` (`chklen` bytes, or 0 for a
/// NUL-terminated string): its subjectAltName DNS names, or, when it has none (or with
/// X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT), its subject's commonName — never the commonName
/// under X509_CHECK_FLAG_NEVER_CHECK_SUBJECT. Wildcards as OpenSSL: `*` in the leftmost label
/// only (partial `f*.example.com` unless X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, none under
/// X509_CHECK_FLAG_NO_WILDCARDS). If `peername` is not NULL, the matched name is stored there
/// on success (free it with `OPENSSL_free`). Returns 1 on a match, 0 on none, -2 for a
/// malformed argument (NULL certificate or name, or a NUL inside the name).
#[no_mangle]
pub extern "C" fn X509_check_host(
    x: *mut X509,
    chk: *const c_char,
    chklen: usize,
    flags: c_uint,
    peername: *mut *mut c_char,
) -> c_int {
    guard("X509_check_host", -1, || {
        let (Some(x), Some(host)) = (x509(x), name_argument(chk, chklen)) else {
            return -2;
        };
        match matching_host(x, host, flags) {
            Some(matched) => {
                if !peername.is_null() {
                    let copy = malloc_c_string(matched.as_bytes());
                    // SAFETY: the caller's place for the matched name.
                    unsafe { *peername = copy.cast() };
                }
                1
            }
            None => 0,
        }
    })
}

/// The certificate's name that `host` matches under X509_check_host's rules and `flags`.
pub fn matching_host(x: &X509, host: &[u8], flags: c_uint) -> Option<String> {
    let dns: Vec<String> = alt_names(x)
        .iter()
        .filter_map(|name| match name {
            GeneralName::DnsName(dns) => Some(dns.to_string()),
            _ => None,
        })
        .collect();
    let mut candidates = dns.clone();
    let check_subject = flags & X509_CHECK_FLAG_NEVER_CHECK_SUBJECT == 0
        && (dns.is_empty() || flags & X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT != 0);
    if check_subject {
        candidates.extend(
            x.subject()
                .entries()
                .iter()
                .filter(|e| e.nid() == obj::NID_COMMON_NAME)
                .filter_map(|e| to_utf8(e.value())),
        );
    }
    candidates
        .into_iter()
        .find(|c| host_matches(c.as_bytes(), host, flags))
}

fn ip_matches(x: &X509, address: &[u8]) -> bool {
    alt_names(x).iter().any(|name| match name {
        GeneralName::IpAddress(bytes) => bytes.as_bytes() == address,
        _ => false,
    })
}

/// Checks that the certificate's subjectAltName holds IP address `address` (`len` bytes: 4 for
/// IPv4, 16 for IPv6). 1 on a match, 0 on none, -2 for a NULL argument.
#[no_mangle]
pub extern "C" fn X509_check_ip(
    x: *mut X509,
    address: *const u8,
    len: usize,
    _flags: c_uint,
) -> c_int {
    // SAFETY: `len` readable bytes at `address` (caller's contract).
    let (Some(x), Some(address)) = (x509(x), unsafe { ffi::bytes_arg(address.cast(), len) }) else {
        return -2;
    };
    if address.is_empty() {
        return -2;
    }
    c_int::from(ip_matches(x, address))
}

/// As `X509_check_ip`, for an address in text form (`127.0.0.1`, `::1`). -2 if the text is
/// not an IP address.
#[no_mangle]
pub extern "C" fn X509_check_ip_asc(x: *mut X509, address: *const c_char, _flags: c_uint) -> c_int {
    // SAFETY: a NUL-terminated string from the caller.
    let parsed = unsafe { ffi::str_arg(address) }.and_then(|text| text.parse::<IpAddr>().ok());
    let (Some(x), Some(parsed)) = (x509(x), parsed) else {
        return -2;
    };
    let bytes = match parsed {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    };
    c_int::from(ip_matches(x, &bytes))
}

/// Checks that the certificate holds e-mail address `chk` (subjectAltName rfc822Name entries,
/// or the subject's emailAddress when there are none): the domain compared without case, the
/// local part exactly. 1 on a match, 0 on none, -2 for a malformed argument.
#[no_mangle]
pub extern "C" fn X509_check_email(
    x: *mut X509,
    chk: *const c_char,
    chklen: usize,
    _flags: c_uint,
) -> c_int {
    let (Some(x), Some(email)) = (x509(x), name_argument(chk, chklen)) else {
        return -2;
    };
    let mut candidates: Vec<String> = alt_names(x)
        .iter()
        .filter_map(|name| match name {
            GeneralName::Rfc822Name(address) => Some(address.to_string()),
            _ => None,
        })
        .collect();
    if candidates.is_empty() {
        candidates.extend(
            x.subject()
                .entries()
                .iter()
                .filter(|e| e.nid() == NID_EMAIL_ADDRESS)
                .filter_map(|e| to_utf8(e.value())),
        );
    }
    let matches = candidates.iter().any(|candidate| {
        let candidate = candidate.as_bytes();
        if candidate.len() != email.len() {
            return false;
        }
        match candidate.iter().rposition(|b| *b == b'@') {
            Some(at) => {
                candidate[..at] == email[..at]
                    && equal_ignoring_case(&candidate[at..], &email[at..])
            }
            None => candidate == email,
        }
    });
    c_int::from(matches)
}

const NID_EMAIL_ADDRESS: c_int = 48;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_follow_openssl() {
        let m = |p: &str, h: &str| host_matches(p.as_bytes(), h.as_bytes(), 0);
        assert!(m("example.com", "EXAMPLE.com"));
        assert!(m("*.example.com", "www.example.com"));
        assert!(!m("*.example.com", "a.b.example.com"));
        assert!(!m("*.example.com", "example.com"));
        assert!(!m("*.com", "example.com"));
        assert!(m("f*.example.com", "foo.example.com"));
        assert!(!host_matches(
            b"f*.example.com",
            b"foo.example.com",
            X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS
        ));
        assert!(!m("f*.example.com", "xn--foo.example.com"));
        assert!(!m("w*.*.example.com", "www.a.example.com"));
        assert!(!host_matches(
            b"*.example.com",
            b"www.example.com",
            X509_CHECK_FLAG_NO_WILDCARDS
        ));
        assert!(host_matches(
            b"*.example.com",
            b"a.b.example.com",
            X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS
        ));
    }
}
