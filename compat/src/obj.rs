//! Object identifiers and OpenSSL's numeric identifiers for them (NIDs): the names, attributes,
//! extensions, key types and digests this library reports. NIDs, short and long names equal
//! OpenSSL 3.0's (obj_mac.h); an OID outside the table has NID 0 (`NID_undef`) and is printed
//! in dotted form, as OpenSSL does for objects it does not know.

use std::ffi::{c_char, c_int, CStr};

/// One known object: NID, short name, long name, dotted OID ("" for none).
pub struct KnownObject {
    pub nid: c_int,
    pub short_name: &'static CStr,
    pub long_name: &'static CStr,
    pub oid: &'static str,
}

macro_rules! objects {
    ($($nid:literal $sn:literal $ln:literal $oid:literal;)*) => {
        &[$(KnownObject { nid: $nid, short_name: $sn, long_name: $ln, oid: $oid },)*]
    };
}

/// The table, in NID order.
pub static OBJECTS: &[KnownObject] = objects! {
    0 c"UNDEF" c"undefined" "";
    4 c"MD5" c"md5" "1.2.840.113549.2.5";
    6 c"rsaEncryption" c"rsaEncryption" "1.2.840.113549.1.1.1";
    8 c"RSA-MD5" c"md5WithRSAEncryption" "1.2.840.113549.1.1.4";
    13 c"CN" c"commonName" "2.5.4.3";
    14 c"C" c"countryName" "2.5.4.6";
    15 c"L" c"localityName" "2.5.4.7";
    16 c"ST" c"stateOrProvinceName" "2.5.4.8";
    17 c"O" c"organizationName" "2.5.4.10";
    18 c"OU" c"organizationalUnitName" "2.5.4.11";
    48 c"emailAddress" c"emailAddress" "1.2.840.113549.1.9.1";
    64 c"SHA1" c"sha1" "1.3.14.3.2.26";
    65 c"RSA-SHA1" c"sha1WithRSAEncryption" "1.2.840.113549.1.1.5";
    82 c"subjectKeyIdentifier" c"X509v3 Subject Key Identifier" "2.5.29.14";
    83 c"keyUsage" c"X509v3 Key Usage" "2.5.29.15";
    85 c"subjectAltName" c"X509v3 Subject Alternative Name" "2.5.29.17";
    86 c"issuerAltName" c"X509v3 Issuer Alternative Name" "2.5.29.18";
    87 c"basicConstraints" c"X509v3 Basic Constraints" "2.5.29.19";
    89 c"certificatePolicies" c"X509v3 Certificate Policies" "2.5.29.32";
    90 c"authorityKeyIdentifier" c"X509v3 Authority Key Identifier" "2.5.29.35";
    99 c"GN" c"givenName" "2.5.4.42";
    100 c"SN" c"surname" "2.5.4.4";
    101 c"initials" c"initials" "2.5.4.43";
    103 c"crlDistributionPoints" c"X509v3 CRL Distribution Points" "2.5.29.31";
    105 c"serialNumber" c"serialNumber" "2.5.4.5";
    106 c"title" c"title" "2.5.4.12";
    107 c"description" c"description" "2.5.4.13";
    126 c"extendedKeyUsage" c"X509v3 Extended Key Usage" "2.5.29.37";
    129 c"serverAuth" c"TLS Web Server Authentication" "1.3.6.1.5.5.7.3.1";
    130 c"clientAuth" c"TLS Web Client Authentication" "1.3.6.1.5.5.7.3.2";
    173 c"name" c"name" "2.5.4.41";
    174 c"dnQualifier" c"dnQualifier" "2.5.4.46";
    177 c"authorityInfoAccess" c"Authority Information Access" "1.3.6.1.5.5.7.1.1";
    391 c"DC" c"domainComponent" "0.9.2342.19200300.100.1.25";
    408 c"id-ecPublicKey" c"id-ecPublicKey" "1.2.840.10045.2.1";
    415 c"prime256v1" c"prime256v1" "1.2.840.10045.3.1.7";
    416 c"ecdsa-with-SHA1" c"ecdsa-with-SHA1" "1.2.840.10045.4.1";
    458 c"UID" c"userId" "0.9.2342.19200300.100.1.1";
    509 c"generationQualifier" c"generationQualifier" "2.5.4.44";
    510 c"pseudonym" c"pseudonym" "2.5.4.65";
    660 c"street" c"streetAddress" "2.5.4.9";
    661 c"postalCode" c"postalCode" "2.5.4.17";
    666 c"nameConstraints" c"X509v3 Name Constraints" "2.5.29.30";
    668 c"RSA-SHA256" c"sha256WithRSAEncryption" "1.2.840.113549.1.1.11";
    669 c"RSA-SHA384" c"sha384WithRSAEncryption" "1.2.840.113549.1.1.12";
    670 c"RSA-SHA512" c"sha512WithRSAEncryption" "1.2.840.113549.1.1.13";
    672 c"SHA256" c"sha256" "2.16.840.1.101.3.4.2.1";
    673 c"SHA384" c"sha384" "2.16.840.1.101.3.4.2.2";
    674 c"SHA512" c"sha512" "2.16.840.1.101.3.4.2.3";
    675 c"SHA224" c"sha224" "2.16.840.1.101.3.4.2.4";
    715 c"secp384r1" c"secp384r1" "1.3.132.0.34";
    716 c"secp521r1" c"secp521r1" "1.3.132.0.35";
    794 c"ecdsa-with-SHA256" c"ecdsa-with-SHA256" "1.2.840.10045.4.3.2";
    795 c"ecdsa-with-SHA384" c"ecdsa-with-SHA384" "1.2.840.10045.4.3.3";
    796 c"ecdsa-with-SHA512" c"ecdsa-with-SHA512" "1.2.840.10045.4.3.4";
    860 c"businessCategory" c"businessCategory" "2.5.4.15";
    912 c"RSASSA-PSS" c"rsassaPss" "1.2.840.113549.1.1.10";
    951 c"ct_precert_scts" c"CT Precertificate SCTs" "1.3.6.1.4.1.11129.2.4.2";
    955 c"jurisdictionL" c"jurisdictionLocalityName" "1.3.6.1.4.1.311.60.2.1.1";
    956 c"jurisdictionST" c"jurisdictionStateOrProvinceName" "1.3.6.1.4.1.311.60.2.1.2";
    957 c"jurisdictionC" c"jurisdictionCountryName" "1.3.6.1.4.1.311.60.2.1.3";
    1034 c"X25519" c"X25519" "1.3.101.110";
    1035 c"X448" c"X448" "1.3.101.111";
    1087 c"ED25519" c"ED25519" "1.3.101.112";
    1088 c"ED448" c"ED448" "1.3.101.113";
    1089 c"organizationIdentifier" c"organizationIdentifier" "2.5.4.97";
};

pub const NID_UNDEF: c_int = 0;
pub const NID_MD5: c_int = 4;
pub const NID_RSA_ENCRYPTION: c_int = 6;
pub const NID_COMMON_NAME: c_int = 13;
pub const NID_SHA1: c_int = 64;
pub const NID_SUBJECT_ALT_NAME: c_int = 85;
pub const NID_ISSUER_ALT_NAME: c_int = 86;
pub const NID_EC_PUBLIC_KEY: c_int = 408;
pub const NID_PRIME256V1: c_int = 415;
pub const NID_SHA256: c_int = 672;
pub const NID_SHA384: c_int = 673;
pub const NID_SHA512: c_int = 674;
pub const NID_SHA224: c_int = 675;
pub const NID_SECP384R1: c_int = 715;
pub const NID_SECP521R1: c_int = 716;
pub const NID_RSASSA_PSS: c_int = 912;
pub const NID_ED25519: c_int = 1087;
pub const NID_ED448: c_int = 1088;

pub fn by_nid(nid: c_int) -> Option<&'static KnownObject> {
    OBJECTS
        .binary_search_by_key(&nid, |object| object.nid)
        .ok()
        .map(|index| &OBJECTS[index])
}

/// The NID of a dotted OID, `NID_UNDEF` if this library does not know it.
pub fn nid_of_oid(oid: &str) -> c_int {
    OBJECTS
        .iter()
        .find(|object| !object.oid.is_empty() && object.oid == oid)
        .map_or(NID_UNDEF, |object| object.nid)
}

/// The NID named by a short name, a long name or a dotted OID (OBJ_txt2nid's rule).
pub fn nid_of_text(text: &str) -> c_int {
    OBJECTS
        .iter()
        .find(|object| {
            object.short_name.to_bytes() == text.as_bytes()
                || object.long_name.to_bytes() == text.as_bytes()
        })
        .map_or_else(|| nid_of_oid(text), |object| object.nid)
}

/// An ASN.1 OBJECT IDENTIFIER as a value: what `X509_NAME_ENTRY_get_object` and
/// `GENERAL_NAME`'s registeredID point at. Never allocated by C.
pub struct ASN1_OBJECT {
    pub nid: c_int,
    /// Dotted form, e.g. "2.5.4.3".
    pub oid: String,
}

impl ASN1_OBJECT {
    pub fn new(oid: String) -> Self {
        Self {
            nid: nid_of_oid(&oid),
            oid,
        }
    }

    /// The short name, or the dotted OID for an object this library does not know.
    pub fn short_name(&self) -> String {
        match by_nid(self.nid).filter(|_| self.nid != NID_UNDEF) {
            Some(known) => known.short_name.to_string_lossy().into_owned(),
            None => self.oid.clone(),
        }
    }

    pub fn long_name(&self) -> String {
        match by_nid(self.nid).filter(|_| self.nid != NID_UNDEF) {
            Some(known) => known.long_name.to_string_lossy().into_owned(),
            None => self.oid.clone(),
        }
    }
}

/// The short name of a NID, NULL for one this library does not know.
#[no_mangle]
pub extern "C" fn OBJ_nid2sn(nid: c_int) -> *const c_char {
    by_nid(nid).map_or(std::ptr::null(), |object| object.short_name.as_ptr())
}

/// The long name of a NID, NULL for one this library does not know.
#[no_mangle]
pub extern "C" fn OBJ_nid2ln(nid: c_int) -> *const c_char {
    by_nid(nid).map_or(std::ptr::null(), |object| object.long_name.as_ptr())
}

/// An object C holds (from X509_NAME_ENTRY_get_object or a GENERAL_NAME), borrowed.
fn object<'a>(o: *const ASN1_OBJECT) -> Option<&'a ASN1_OBJECT> {
    // SAFETY: a non-NULL object is one this library handed out, alive with its owner.
    unsafe { crate::ffi::borrow(o) }
}

/// The object's NID, `NID_undef` (0) for NULL or an object this library does not know.
#[no_mangle]
pub extern "C" fn OBJ_obj2nid(o: *const ASN1_OBJECT) -> c_int {
    object(o).map_or(NID_UNDEF, |o| o.nid)
}

/// The NID named by a short name, long name or dotted OID; `NID_undef` if none.
#[no_mangle]
pub extern "C" fn OBJ_txt2nid(text: *const c_char) -> c_int {
    // SAFETY: NULL or a NUL-terminated string from the caller.
    unsafe { crate::ffi::str_arg(text) }.map_or(NID_UNDEF, nid_of_text)
}

/// The NID with this short name; `NID_undef` if none.
#[no_mangle]
pub extern "C" fn OBJ_sn2nid(name: *const c_char) -> c_int {
    // SAFETY: NULL or a NUL-terminated string from the caller.
    let Some(name) = (unsafe { crate::ffi::cstr_arg(name) }) else {
        return NID_UNDEF;
    };
    OBJECTS
        .iter()
        .find(|o| o.short_name == name)
        .map_or(NID_UNDEF, |o| o.nid)
}

/// The NID with this long name; `NID_undef` if none.
#[no_mangle]
pub extern "C" fn OBJ_ln2nid(name: *const c_char) -> c_int {
    // SAFETY: NULL or a NUL-terminated string from the caller.
    let Some(name) = (unsafe { crate::ffi::cstr_arg(name) }) else {
        return NID_UNDEF;
    };
    OBJECTS
        .iter()
        .find(|o| o.long_name == name)
        .map_or(NID_UNDEF, |o| o.nid)
}

/// Writes the object's text into `buf` (`buf_len` bytes, NUL-terminated, truncated to fit):
/// its long name, or with `no_name` non-zero (or for an object this library does not name) its
/// dotted OID. Returns the text's full length (which may exceed `buf_len - 1`), or -1 for a
/// NULL object. With `buf` NULL only the length is returned.
#[no_mangle]
pub extern "C" fn OBJ_obj2txt(
    buf: *mut c_char,
    buf_len: c_int,
    o: *const ASN1_OBJECT,
    no_name: c_int,
) -> c_int {
    let Some(o) = object(o) else {
        return -1;
    };
    let text = if no_name != 0 {
        o.oid.clone()
    } else {
        o.long_name()
    };
    // SAFETY: `buf_len` writable bytes at `buf` (caller's contract), or NULL.
    unsafe {
        crate::ffi::copy_c_string(text.as_bytes(), buf, usize::try_from(buf_len).unwrap_or(0))
    };
    c_int::try_from(text.len()).unwrap_or(c_int::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_names_are_unique() {
        for pair in OBJECTS.windows(2) {
            assert!(
                pair[0].nid < pair[1].nid,
                "{} then {}",
                pair[0].nid,
                pair[1].nid
            );
        }
        assert_eq!(nid_of_text("CN"), NID_COMMON_NAME);
        assert_eq!(nid_of_text("commonName"), NID_COMMON_NAME);
        assert_eq!(nid_of_text("2.5.4.3"), NID_COMMON_NAME);
        assert_eq!(nid_of_text("1.2.3.4"), NID_UNDEF);
        assert_eq!(nid_of_oid(""), NID_UNDEF);
    }
}
