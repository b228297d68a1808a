//! EVP_PKEY as a key handle: a certificate's public key, a private key read from PEM, or a
//! TLS key exchange's key, with what programs ask of it (type, size in bits, curve name). It
//! keeps the DER so that a private key can be given to a TLS context; it does no key
//! operation itself.

use crate::ffi::{self, borrow, guard};
use crate::obj;
use rustls_pki_types::PrivateKeyDer;
use std::ffi::{c_char, c_int, CStr};
use x509_cert::der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef, UintRef};
use x509_cert::der::{Decode, Reader, Tagged};
use x509_cert::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

pub const EVP_PKEY_NONE: c_int = obj::NID_UNDEF;
pub const EVP_PKEY_RSA: c_int = obj::NID_RSA_ENCRYPTION;
pub const EVP_PKEY_RSA_PSS: c_int = obj::NID_RSASSA_PSS;
pub const EVP_PKEY_EC: c_int = obj::NID_EC_PUBLIC_KEY;
pub const EVP_PKEY_ED25519: c_int = obj::NID_ED25519;
pub const EVP_PKEY_ED448: c_int = obj::NID_ED448;
pub const EVP_PKEY_X25519: c_int = 1034;
pub const EVP_PKEY_X448: c_int = 1035;

/// A key: its type (an EVP_PKEY_* value, i.e. the algorithm's NID), its size in bits, its
/// curve (EC keys), and the DER it came from.
pub struct EVP_PKEY {
    id: c_int,
    bits: c_int,
    group: c_int,
    public_spki: Option<Vec<u8>>,
    private: Option<PrivateKeyDer<'static>>,
}

impl EVP_PKEY {
    fn unknown() -> Self {
        Self {
            id: EVP_PKEY_NONE,
            bits: 0,
            group: obj::NID_UNDEF,
            public_spki: None,
            private: None,
        }
    }

    /// A certificate's public key, from its SubjectPublicKeyInfo DER. A key this library does
    /// not know has type `EVP_PKEY_NONE` and 0 bits.
    pub fn from_spki_der(spki: &[u8]) -> Self {
        let mut key = Self::unknown();
        if let Ok(info) = SubjectPublicKeyInfoRef::from_der(spki) {
            let bits = if info.algorithm.oid.to_string() == "1.2.840.113549.1.1.1" {
                info.subject_public_key
                    .as_bytes()
                    .and_then(rsa_public_modulus_bits)
            } else {
                None
            };
            key = Self::from_algorithm(&info.algorithm, bits);
        }
        key.public_spki = Some(spki.to_vec());
        key
    }

    /// A private key (PKCS#8, PKCS#1 RSA or SEC1 EC); Err says why it is not usable.
    pub fn from_private_key(private: PrivateKeyDer<'static>) -> Result<Self, String> {
        let mut key = match &private {
            PrivateKeyDer::Pkcs1(der) => {
                let bits = rsa_private_modulus_bits(der.secret_pkcs1_der());
                let mut key = Self::unknown();
                key.id = EVP_PKEY_RSA;
                key.bits = bits.ok_or("the RSA private key's modulus cannot be read")?;
                key
            }
            PrivateKeyDer::Sec1(der) => {
                let group = sec1_curve(der.secret_sec1_der())
                    .ok_or("the EC private key's curve cannot be read")?;
                Self::ec(group)
            }
            PrivateKeyDer::Pkcs8(der) => {
                pkcs8_key(der.secret_pkcs8_der()).ok_or("the PKCS#8 private key cannot be read")?
            }
            _ => return Err("unsupported private key encoding".to_owned()),
        };
        if key.id == EVP_PKEY_NONE {
            return Err("the private key's algorithm is not supported".to_owned());
        }
        key.private = Some(private);
        Ok(key)
    }

    /// The key of a TLS key exchange, named as rustls names the group (`X25519`,
    /// `secp256r1`, `X25519MLKEM768`...), for `SSL_get_server_tmp_key`-like reports.
    pub fn key_exchange(group: &str) -> Self {
        match group {
            "X25519" => Self::simple(EVP_PKEY_X25519, 253),
            "X448" => Self::simple(EVP_PKEY_X448, 448),
            "secp256r1" => Self::ec(obj::NID_PRIME256V1),
            "secp384r1" => Self::ec(obj::NID_SECP384R1),
            "secp521r1" => Self::ec(obj::NID_SECP521R1),
            _ => Self::unknown(),
        }
    }

    fn simple(id: c_int, bits: c_int) -> Self {
        Self {
            id,
            bits,
            ..Self::unknown()
        }
    }

    fn ec(group: c_int) -> Self {
        let bits = match group {
            obj::NID_PRIME256V1 => 256,
            obj::NID_SECP384R1 => 384,
            obj::NID_SECP521R1 => 521,
            _ => 0,
        };
        Self {
            id: EVP_PKEY_EC,
            bits,
            group,
            ..Self::unknown()
        }
    }

    fn from_algorithm(algorithm: &AlgorithmIdentifierRef<'_>, rsa_bits: Option<c_int>) -> Self {
        let nid = obj::nid_of_oid(&algorithm.oid.to_string());
        match nid {
            EVP_PKEY_RSA | EVP_PKEY_RSA_PSS => Self::simple(nid, rsa_bits.unwrap_or(0)),
            EVP_PKEY_EC => {
                let curve = algorithm
                    .parameters
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                    .map_or(obj::NID_UNDEF, |oid| obj::nid_of_oid(&oid.to_string()));
                Self::ec(curve)
            }
            EVP_PKEY_ED25519 => Self::simple(nid, 256),
            EVP_PKEY_ED448 => Self::simple(nid, 456),
            EVP_PKEY_X25519 => Self::simple(nid, 253),
            EVP_PKEY_X448 => Self::simple(nid, 448),
            _ => Self::unknown(),
        }
    }

    pub fn id(&self) -> c_int {
        self.id
    }

    pub fn bits(&self) -> c_int {
        self.bits
    }

    /// The private key, for a TLS context (`SSL_CTX_use_PrivateKey`); None for a public key.
    pub fn private_key(&self) -> Option<&PrivateKeyDer<'static>> {
        self.private.as_ref()
    }

    /// The SubjectPublicKeyInfo DER of a certificate's key.
    pub fn public_spki(&self) -> Option<&[u8]> {
        self.public_spki.as_deref()
    }

    /// The curve's name as OpenSSL 3.0 gives it (`prime256v1`, `secp384r1`, ...).
    pub fn group_name(&self) -> Option<&'static CStr> {
        (self.group != obj::NID_UNDEF)
            .then(|| obj::by_nid(self.group).map(|o| o.short_name))
            .flatten()
    }

    /// EVP_PKEY_get_size: the largest signature the key makes, in bytes.
    fn max_signature_size(&self) -> c_int {
        match (self.id, self.group) {
            (EVP_PKEY_RSA | EVP_PKEY_RSA_PSS, _) => (self.bits + 7) / 8,
            (EVP_PKEY_EC, obj::NID_PRIME256V1) => 72,
            (EVP_PKEY_EC, obj::NID_SECP384R1) => 104,
            (EVP_PKEY_EC, obj::NID_SECP521R1) => 139,
            (EVP_PKEY_ED25519, _) => 64,
            (EVP_PKEY_ED448, _) => 114,
            (EVP_PKEY_X25519, _) => 32,
            (EVP_PKEY_X448, _) => 56,
            _ => 0,
        }
    }

    /// The type's name as EVP_PKEY_is_a and EVP_PKEY_get0_type_name know it.
    fn type_names(&self) -> &'static [&'static CStr] {
        match self.id {
            EVP_PKEY_RSA => &[c"RSA", c"rsaEncryption", c"1.2.840.113549.1.1.1"],
            EVP_PKEY_RSA_PSS => &[c"RSA-PSS", c"RSASSA-PSS", c"1.2.840.113549.1.1.10"],
            EVP_PKEY_EC => &[c"EC", c"id-ecPublicKey", c"1.2.840.10045.2.1"],
            EVP_PKEY_ED25519 => &[c"ED25519", c"1.3.101.112"],
            EVP_PKEY_ED448 => &[c"ED448", c"1.3.101.113"],
            EVP_PKEY_X25519 => &[c"X25519", c"1.3.101.110"],
            EVP_PKEY_X448 => &[c"X448", c"1.3.101.111"],
            _ => &[],
        }
    }
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
fn rsa_public_modulus_bits(der: &[u8]) -> Option<c_int> {
    let modulus = AnyRef::from_der(der)
        .ok()?
        .sequence(|reader| {
            let modulus = UintRef::decode(reader)?;
            let _exponent = UintRef::decode(reader)?;
            Ok(modulus.as_bytes().to_vec())
        })
        .ok()?;
    bit_length(&modulus)
}

/// RSAPrivateKey ::= SEQUENCE { version INTEGER, modulus INTEGER, ... }.
fn rsa_private_modulus_bits(der: &[u8]) -> Option<c_int> {
    let modulus = AnyRef::from_der(der)
        .ok()?
        .sequence(|reader| {
            let _version = UintRef::decode(reader)?;
            let modulus = UintRef::decode(reader)?.as_bytes().to_vec();
            let rest = reader.remaining_len();
            reader.read_slice(rest)?;
            Ok(modulus)
        })
        .ok()?;
    bit_length(&modulus)
}

fn bit_length(magnitude: &[u8]) -> Option<c_int> {
    let first = *magnitude.first()?;
    c_int::try_from(magnitude.len() * 8 - first.leading_zeros() as usize).ok()
}

/// ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OPTIONAL,
/// [1] publicKey OPTIONAL }: the curve's NID, from the parameters or else the key's length.
fn sec1_curve(der: &[u8]) -> Option<c_int> {
    AnyRef::from_der(der)
        .ok()?
        .sequence(|reader| {
            let _version = UintRef::decode(reader)?;
            let secret = OctetStringRef::decode(reader)?.as_bytes().len();
            let mut curve = None;
            while !reader.is_finished() {
                let field = AnyRef::decode(reader)?;
                if field.tag().octet() == 0xa0 {
                    curve = ObjectIdentifier::from_der(field.value()).ok();
                }
            }
            let by_length = match secret {
                32 => obj::NID_PRIME256V1,
                48 => obj::NID_SECP384R1,
                66 => obj::NID_SECP521R1,
                _ => obj::NID_UNDEF,
            };
            Ok(curve.map_or(by_length, |oid| obj::nid_of_oid(&oid.to_string())))
        })
        .ok()
        .filter(|nid| *nid != obj::NID_UNDEF)
}

/// PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, privateKey OCTET STRING, ... }.
fn pkcs8_key(der: &[u8]) -> Option<EVP_PKEY> {
    AnyRef::from_der(der)
        .ok()?
        .sequence(|reader| {
            let _version = UintRef::decode(reader)?;
            let algorithm = AlgorithmIdentifierRef::decode(reader)?;
            let inner = OctetStringRef::decode(reader)?.as_bytes();
            let rest = reader.remaining_len();
            reader.read_slice(rest)?;
            let nid = obj::nid_of_oid(&algorithm.oid.to_string());
            let key = match nid {
                EVP_PKEY_RSA | EVP_PKEY_RSA_PSS => {
                    EVP_PKEY::simple(nid, rsa_private_modulus_bits(inner).unwrap_or(0))
                }
                EVP_PKEY_EC => match EVP_PKEY::from_algorithm(&algorithm, None) {
                    key if key.group != obj::NID_UNDEF => key,
                    _ => EVP_PKEY::ec(sec1_curve(inner).unwrap_or(obj::NID_UNDEF)),
                },
                _ => EVP_PKEY::from_algorithm(&algorithm, None),
            };
            Ok(key)
        })
        .ok()
}

/// A key C holds, borrowed for the call.
pub fn pkey<'a>(key: *const EVP_PKEY) -> Option<&'a EVP_PKEY> {
    // SAFETY: a non-NULL key came from this library (ffi::into_c) and C holds a reference for
    // the duration of the call.
    unsafe { borrow(key) }
}

/// Releases one reference; the key is freed with its last one. NULL does nothing.
#[no_mangle]
pub extern "C" fn EVP_PKEY_free(key: *mut EVP_PKEY) {
    // SAFETY: NULL or a key whose reference the caller gives up.
    unsafe { ffi::release(key) }
}

/// Adds a reference (released by `EVP_PKEY_free`). 1, or 0 for NULL.
#[no_mangle]
pub extern "C" fn EVP_PKEY_up_ref(key: *mut EVP_PKEY) -> c_int {
    // SAFETY: NULL or a live key of ours.
    unsafe { ffi::up_ref(key) }
}

/// The key's size in bits: the RSA modulus, the curve's size (256, 384, 521), 256 for
/// Ed25519, 253 for X25519, 456 for Ed448. 0 for NULL or an unknown key. `EVP_PKEY_bits` is a macro
/// over it.
#[no_mangle]
pub extern "C" fn EVP_PKEY_get_bits(key: *const EVP_PKEY) -> c_int {
    pkey(key).map_or(0, EVP_PKEY::bits)
}

/// The key's type: EVP_PKEY_RSA, EVP_PKEY_RSA_PSS, EVP_PKEY_EC, EVP_PKEY_ED25519,
/// EVP_PKEY_ED448, EVP_PKEY_X25519, EVP_PKEY_X448, or EVP_PKEY_NONE (0) for NULL or an unknown
/// key. `EVP_PKEY_id` is a macro over it.
#[no_mangle]
pub extern "C" fn EVP_PKEY_get_id(key: *const EVP_PKEY) -> c_int {
    pkey(key).map_or(EVP_PKEY_NONE, EVP_PKEY::id)
}

/// As `EVP_PKEY_get_id` (no key type here is an alias of another). `EVP_PKEY_base_id` is a
/// macro over it.
#[no_mangle]
pub extern "C" fn EVP_PKEY_get_base_id(key: *const EVP_PKEY) -> c_int {
    EVP_PKEY_get_id(key)
}

/// The largest signature the key makes, in bytes (`EVP_PKEY_size` is a macro over it); 0 for
/// NULL or an unknown key.
#[no_mangle]
pub extern "C" fn EVP_PKEY_get_size(key: *const EVP_PKEY) -> c_int {
    pkey(key).map_or(0, EVP_PKEY::max_signature_size)
}

/// 1 if the key is of the named type ("RSA", "EC", "ED25519", ... or the OID), else 0.
#[no_mangle]
pub extern "C" fn EVP_PKEY_is_a(key: *const EVP_PKEY, name: *const c_char) -> c_int {
    // SAFETY: a NUL-terminated string from the caller.
    let (Some(key), Some(name)) = (pkey(key), unsafe { ffi::cstr_arg(name) }) else {
        return 0;
    };
    let wanted = name.to_bytes();
    c_int::from(
        key.type_names()
            .iter()
            .any(|known| known.to_bytes().eq_ignore_ascii_case(wanted)),
    )
}

/// The key type's name ("RSA", "EC", "ED25519", ...), static; NULL for NULL or an unknown
/// key.
#[no_mangle]
pub extern "C" fn EVP_PKEY_get0_type_name(key: *const EVP_PKEY) -> *const c_char {
    pkey(key)
        .and_then(|key| key.type_names().first())
        .map_or(std::ptr::null(), |name| name.as_ptr())
}

/// Writes the EC key's curve name (`prime256v1`, `secp384r1`, `secp521r1`) into `name` (`size`
/// bytes, NUL-terminated) and its length into `*len` (if not NULL). 1 on success; 0 for a key
/// without a curve, a NULL key, or a buffer too small (then nothing is written but `*len`).
#[no_mangle]
pub extern "C" fn EVP_PKEY_get_group_name(
    key: *const EVP_PKEY,
    name: *mut c_char,
    size: usize,
    len: *mut usize,
) -> c_int {
    guard("EVP_PKEY_get_group_name", 0, || {
        let Some(group) = pkey(key).and_then(EVP_PKEY::group_name) else {
            return 0;
        };
        write_text_param(group.to_bytes(), name, size, len)
    })
}

/// The one UTF-8 parameter programs read from a certificate's key: "group" (the curve name, as
/// `EVP_PKEY_get_group_name`). Other names, or a key without a curve: 0.
#[no_mangle]
pub extern "C" fn EVP_PKEY_get_utf8_string_param(
    key: *const EVP_PKEY,
    key_name: *const c_char,
    out: *mut c_char,
    size: usize,
    len: *mut usize,
) -> c_int {
    // SAFETY: a NUL-terminated string from the caller.
    match unsafe { ffi::cstr_arg(key_name) } {
        Some(parameter) if parameter.to_bytes() == b"group" => {
            EVP_PKEY_get_group_name(key, out, size, len)
        }
        _ => 0,
    }
}

fn write_text_param(text: &[u8], out: *mut c_char, size: usize, len: *mut usize) -> c_int {
    // SAFETY: optional out-parameter from the caller.
    unsafe { ffi::write_out(len, text.len()) };
    if out.is_null() {
        return 1;
    }
    if size <= text.len() {
        return 0;
    }
    // SAFETY: `size` writable bytes at `out` (caller's contract); it holds the text and NUL.
    unsafe { ffi::copy_c_string(text, out, size) };
    1
}
