//! A certificate's fields, read once from its DER (RustCrypto's x509-cert) so that neither C
//! nor the rest of the core ever parses X.509 by hand.

use super::error::{Error, ResultCode::*};
use super::provider::Sha256;
use std::net::IpAddr;
use x509_cert::der::asn1::{ObjectIdentifier, UintRef};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::name::Name;
use x509_cert::Certificate;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");

/// The kinds of subjectAltName entries ftls reports (others, such as directory names, are left
/// out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SanKind {
    Dns,
    Ip,
    Email,
    Uri,
}

/// Everything a caller may want to know about one certificate, owned.
#[derive(Clone, Debug)]
pub struct CertificateInfo {
    der: Vec<u8>,
    subject: String,
    issuer: String,
    /// The issuer Name as DER, to match CRLs against.
    issuer_der: Vec<u8>,
    /// The serial number's DER integer contents, to match CRL entries against.
    serial_der: Vec<u8>,
    /// Upper-case hex of the serial number's value, as `openssl x509 -serial` prints it.
    serial: String,
    not_before: i64,
    not_after: i64,
    sans: Vec<(SanKind, String)>,
    sha256: [u8; 32],
    key_type: String,
    key_bits: u32,
}

impl CertificateInfo {
    /// Parses one DER certificate; trailing bytes after it are refused.
    pub fn parse(der: &[u8]) -> Result<Self, Error> {
        let cert = Certificate::from_der(der).map_err(|err| {
            Error::new(
                FTLS_ERR_BAD_PEM,
                format!("not one valid DER X.509 certificate: {err}"),
            )
        })?;
        let tbs = &cert.tbs_certificate;
        let extension = |oid: ObjectIdentifier| {
            tbs.extensions
                .iter()
                .flatten()
                .find(|ext| ext.extn_id == oid)
                .map(|ext| ext.extn_value.as_bytes())
        };
        let sans = extension(SUBJECT_ALT_NAME)
            .and_then(|value| SubjectAltName::from_der(value).ok())
            .map(|names| names.0.iter().filter_map(san_entry).collect())
            .unwrap_or_default();
        let (key_type, key_bits) = public_key_description(&cert);
        let seconds = |time: x509_cert::time::Time| {
            i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        let serial_der = tbs.serial_number.as_bytes().to_vec();
        Ok(Self {
            der: der.to_vec(),
            subject: name_text(&tbs.subject),
            issuer: name_text(&tbs.issuer),
            issuer_der: tbs.issuer.to_der().unwrap_or_default(),
            serial: serial_hex(&serial_der),
            serial_der,
            not_before: seconds(tbs.validity.not_before),
            not_after: seconds(tbs.validity.not_after),
            sans,
            sha256: Sha256::digest(der),
            key_type,
            key_bits,
        })
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject as text in certificate order, e.g. `C=FR, O=Example, CN=localhost`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The issuer Name, DER-encoded.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }

    /// The serial number as DER integer contents (what CRL entries list).
    pub fn serial_der(&self) -> &[u8] {
        &self.serial_der
    }

    /// Upper-case hex without separators, e.g. `4F1A09`.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// notBefore and notAfter, in seconds since the Unix epoch.
    pub fn validity(&self) -> (i64, i64) {
        (self.not_before, self.not_after)
    }

    /// DNS names, IP addresses, e-mail addresses and URIs, in certificate order.
    pub fn subject_alt_names(&self) -> &[(SanKind, String)] {
        &self.sans
    }

    /// The DNS names of the subjectAltName extension, e.g. for choosing an identity by SNI.
    pub fn dns_names(&self) -> impl Iterator<Item = &str> {
        self.sans
            .iter()
            .filter(|(kind, _)| *kind == SanKind::Dns)
            .map(|(_, name)| name.as_str())
    }

    pub fn sha256_fingerprint(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// "RSA", "EC", "Ed25519", "Ed448", or the algorithm's OID for anything else.
    pub fn key_type(&self) -> &str {
        &self.key_type
    }

    /// RSA modulus bits, EC curve bits (256, 384, 521), 256 for Ed25519, 456 for Ed448; 0 if
    /// unknown.
    pub fn key_bits(&self) -> u32 {
        self.key_bits
    }

    /// How error details name a certificate: subject and serial.
    pub fn describe(&self) -> String {
        let subject = if self.subject.is_empty() {
            "<empty subject>"
        } else {
            &self.subject
        };
        format!("{subject} (serial {})", self.serial)
    }
}

/// Names a DER certificate for an error detail, or says it cannot be parsed.
pub fn describe_der(der: &[u8]) -> String {
    CertificateInfo::parse(der)
        .map(|info| info.describe())
        .unwrap_or_else(|_| "<unparsable certificate>".to_owned())
}

/// A Name in certificate order (most significant first, as OpenSSL prints it), RDNs joined
/// by ", ", attributes with their usual short names (x509-cert's RFC 4514 rendering of each).
pub fn name_text(name: &Name) -> String {
    let parts: Vec<String> = name.0.iter().map(ToString::to_string).collect();
    parts.join(", ")
}

fn san_entry(name: &GeneralName) -> Option<(SanKind, String)> {
    match name {
        GeneralName::DnsName(dns) => Some((SanKind::Dns, dns.to_string())),
        GeneralName::Rfc822Name(email) => Some((SanKind::Email, email.to_string())),
        GeneralName::UniformResourceIdentifier(uri) => Some((SanKind::Uri, uri.to_string())),
        GeneralName::IpAddress(bytes) => {
            let bytes = bytes.as_bytes();
            let address = match bytes.len() {
                4 => IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?),
                16 => IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?),
                _ => return None,
            };
            Some((SanKind::Ip, address.to_string()))
        }
        _ => None,
    }
}

fn public_key_description(cert: &Certificate) -> (String, u32) {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let algorithm = spki.algorithm.oid;
    if algorithm == RSA_ENCRYPTION {
        let bits = spki
            .subject_public_key
            .as_bytes()
            .and_then(rsa_modulus_bits)
            .unwrap_or(0);
        ("RSA".to_owned(), bits)
    } else if algorithm == EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        let bits = match curve {
            Some(oid) if oid == SECP256R1 => 256,
            Some(oid) if oid == SECP384R1 => 384,
            Some(oid) if oid == SECP521R1 => 521,
            _ => 0,
        };
        ("EC".to_owned(), bits)
    } else if algorithm == ED25519 {
        ("Ed25519".to_owned(), 256)
    } else if algorithm == ED448 {
        ("Ed448".to_owned(), 456)
    } else {
        (algorithm.to_string(), 0)
    }
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }: the modulus' bits.
fn rsa_modulus_bits(key: &[u8]) -> Option<u32> {
    let any = x509_cert::der::asn1::AnyRef::from_der(key).ok()?;
    let modulus = any
        .sequence(|reader| {
            let modulus = UintRef::decode(reader)?;
            let _exponent = UintRef::decode(reader)?;
            Ok(modulus.as_bytes().to_vec())
        })
        .ok()?;
    let first = *modulus.first()?;
    let len = u32::try_from(modulus.len()).ok()?;
    Some(len * 8 - first.leading_zeros())
}

/// The serial's value in hex: DER may prefix a 0x00 byte to keep the integer positive.
fn serial_hex(raw: &[u8]) -> String {
    let significant = match raw.iter().position(|b| *b != 0) {
        Some(first) => &raw[first..],
        None => &[0u8][..],
    };
    significant.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_drop_the_sign_byte() {
        assert_eq!(serial_hex(&[0x00, 0x9f, 0x01]), "9F01");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[0x12]), "12");
    }

    #[test]
    fn garbage_is_refused() {
        assert_eq!(
            CertificateInfo::parse(b"hello").unwrap_err().code(),
            FTLS_ERR_BAD_PEM
        );
        assert_eq!(
            CertificateInfo::parse(&[]).unwrap_err().code(),
            FTLS_ERR_BAD_PEM
        );
    }
}
