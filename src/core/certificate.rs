//! A certificate's fields, read once from its DER (x509-parser) so that neither C nor the rest of
//! the core ever parses X.509 by hand.

use super::error::{Error, ResultCode::*};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use x509_parser::extensions::GeneralName;
use x509_parser::oid_registry::{
    OID_KEY_TYPE_EC_PUBLIC_KEY, OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519, OID_SIG_ED448,
};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

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
    /// Upper-case hex of the serial number's value, as `openssl x509 -serial` prints it.
    serial: String,
    not_before: i64,
    not_after: i64,
    sans: Vec<(SanKind, String)>,
    sha256: [u8; 32],
    key_type: String,
    key_bits: u32,
    is_ca: bool,
}

impl CertificateInfo {
    /// Parses one DER certificate; trailing bytes after it are refused.
    pub fn parse(der: &[u8]) -> Result<Self, Error> {
        let cert = match X509Certificate::from_der(der) {
            Ok(([], cert)) => cert,
            Ok((rest, _)) => {
                return Err(Error::new(
                    FTLS_ERR_BAD_PEM,
                    format!(
                        "not one DER certificate: {} bytes follow the certificate",
                        rest.len()
                    ),
                ))
            }
            Err(err) => {
                return Err(Error::new(
                    FTLS_ERR_BAD_PEM,
                    format!("not a valid DER X.509 certificate: {err}"),
                ))
            }
        };
        let sans = match cert.subject_alternative_name() {
            Ok(Some(ext)) => ext
                .value
                .general_names
                .iter()
                .filter_map(san_entry)
                .collect(),
            _ => Vec::new(),
        };
        let (key_type, key_bits) = public_key_description(&cert);
        Ok(Self {
            der: der.to_vec(),
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            serial: serial_hex(cert.raw_serial()),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            sans,
            sha256: Sha256::digest(der).into(),
            key_type,
            key_bits,
            is_ca: cert.is_ca(),
        })
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject as RFC 4514-style text, e.g. `CN=localhost, O=Example`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
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

    pub fn is_ca(&self) -> bool {
        self.is_ca
    }

    /// How error details name a certificate: subject and serial.
    pub fn describe(&self) -> String {
        format!("{} (serial {})", self.subject_or_placeholder(), self.serial)
    }

    fn subject_or_placeholder(&self) -> &str {
        if self.subject.is_empty() {
            "<empty subject>"
        } else {
            &self.subject
        }
    }
}

/// Names a DER certificate for an error detail, or says it cannot be parsed.
pub fn describe_der(der: &[u8]) -> String {
    CertificateInfo::parse(der)
        .map(|info| info.describe())
        .unwrap_or_else(|_| "<unparsable certificate>".to_owned())
}

fn san_entry(name: &GeneralName<'_>) -> Option<(SanKind, String)> {
    match name {
        GeneralName::DNSName(dns) => Some((SanKind::Dns, (*dns).to_owned())),
        GeneralName::RFC822Name(email) => Some((SanKind::Email, (*email).to_owned())),
        GeneralName::URI(uri) => Some((SanKind::Uri, (*uri).to_owned())),
        GeneralName::IPAddress(bytes) => {
            let address = match bytes.len() {
                4 => IpAddr::from(<[u8; 4]>::try_from(*bytes).ok()?),
                16 => IpAddr::from(<[u8; 16]>::try_from(*bytes).ok()?),
                _ => return None,
            };
            Some((SanKind::Ip, address.to_string()))
        }
        _ => None,
    }
}

fn public_key_description(cert: &X509Certificate<'_>) -> (String, u32) {
    let spki = cert.public_key();
    let algorithm = &spki.algorithm.algorithm;
    let bits = |key: Result<PublicKey<'_>, _>| {
        key.map(|k| u32::try_from(k.key_size()).unwrap_or(0))
            .unwrap_or(0)
    };
    if *algorithm == OID_PKCS1_RSAENCRYPTION {
        ("RSA".to_owned(), bits(spki.parsed()))
    } else if *algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY {
        ("EC".to_owned(), bits(spki.parsed()))
    } else if *algorithm == OID_SIG_ED25519 {
        ("Ed25519".to_owned(), 256)
    } else if *algorithm == OID_SIG_ED448 {
        ("Ed448".to_owned(), 456)
    } else {
        (algorithm.to_id_string(), 0)
    }
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
