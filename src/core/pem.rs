//! Certificates, private keys and CRLs from PEM text (rustls-pki-types' `PemObject`) or DER.

use super::certificate::CertificateInfo;
use super::error::{Error, ResultCode::*};
use super::key_password::KeyPassword;
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};
use x509_cert::crl::CertificateList;
use x509_cert::der::Decode;

/// Every certificate in `input`, in order. `what` names the input in error details.
pub fn certificates(input: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    require_pem(input, what)?;
    let certs = CertificateDer::pem_slice_iter(input)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| bad_pem(what, &err))?;
    if certs.is_empty() {
        return Err(Error::new(
            FTLS_ERR_NO_CERTIFICATE,
            format!("{what} holds no certificate (no '-----BEGIN CERTIFICATE-----' section)"),
        ));
    }
    Ok(certs)
}

/// Every certificate in `input`: any number in PEM, or in DER one certificate or several
/// concatenated (a chain, leaf first).
pub fn certificates_pem_or_der(
    input: &[u8],
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, Error> {
    if is_pem(input) {
        return certificates(input, what);
    }
    match der_values(input) {
        Some(values) if values.len() > 1 => values
            .iter()
            .enumerate()
            .map(|(index, der)| {
                der_certificate(der, &format!("certificate #{} of {what}", index + 1))
            })
            .collect(),
        _ => der_certificate(input, what).map(|cert| vec![cert]),
    }
}

/// Splits concatenated DER SEQUENCEs (certificates are) by their length headers; None when
/// `input` is not made of whole ones.
fn der_values(input: &[u8]) -> Option<Vec<&[u8]>> {
    let mut values = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        if rest.len() < 2 || rest[0] != 0x30 {
            return None;
        }
        let (len, header) = match rest[1] {
            short @ 0..=0x7f => (usize::from(short), 2),
            long @ 0x81..=0x84 => {
                let count = usize::from(long & 0x7f);
                let bytes = rest.get(2..2 + count)?;
                let len = bytes
                    .iter()
                    .fold(0usize, |len, byte| (len << 8) | usize::from(*byte));
                (len, 2 + count)
            }
            _ => return None,
        };
        let end = header.checked_add(len).filter(|end| *end <= rest.len())?;
        values.push(&rest[..end]);
        rest = &rest[end..];
    }
    Some(values)
}

/// One DER certificate, checked to parse as X.509.
pub fn der_certificate(input: &[u8], what: &str) -> Result<CertificateDer<'static>, Error> {
    if input.is_empty() {
        return Err(Error::new(FTLS_ERR_BAD_PEM, format!("{what} is empty")));
    }
    CertificateInfo::parse(input).map_err(|err| {
        Error::new(
            FTLS_ERR_BAD_PEM,
            format!(
                "{what} is not PEM (no '-----BEGIN ...-----' line) and not DER either: {}",
                err.detail()
            ),
        )
    })?;
    Ok(CertificateDer::from(input.to_vec()))
}

/// Every CRL in `input`: `X509 CRL` PEM sections, or exactly one DER CRL.
pub fn crls(input: &[u8], what: &str) -> Result<Vec<CertificateRevocationListDer<'static>>, Error> {
    let crls = if is_pem(input) {
        CertificateRevocationListDer::pem_slice_iter(input)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| bad_pem(what, &err))?
    } else {
        vec![CertificateRevocationListDer::from(input.to_vec())]
    };
    if crls.is_empty() {
        return Err(Error::new(
            FTLS_ERR_BAD_PEM,
            format!("{what} holds no CRL (no '-----BEGIN X509 CRL-----' section)"),
        ));
    }
    for (index, crl) in crls.iter().enumerate() {
        if let Err(err) = CertificateList::from_der(crl.as_ref()) {
            return Err(Error::new(
                FTLS_ERR_BAD_PEM,
                format!(
                    "CRL #{} in {what} is not a valid X.509 CRL: {err}",
                    index + 1
                ),
            ));
        }
    }
    Ok(crls)
}

/// The first private key in `input`, PEM or DER: PKCS#8, PKCS#1 (RSA) or SEC1 (EC); an
/// encrypted PKCS#8 key is decrypted with `password`.
pub fn private_key_pem_or_der(
    input: &[u8],
    what: &str,
    password: Option<&KeyPassword>,
) -> Result<PrivateKeyDer<'static>, Error> {
    if is_pem(input) {
        return private_key_with_password(input, what, password);
    }
    if input.is_empty() {
        return Err(Error::new(FTLS_ERR_BAD_PEM, format!("{what} is empty")));
    }
    if let Some(password) = password {
        if let Some(decrypted) = password.decrypt_der(input, what)? {
            return Ok(decrypted);
        }
    }
    PrivateKeyDer::try_from(input.to_vec()).map_err(|err| {
        let encrypted = password.is_none() && KeyPassword::looks_encrypted(input);
        Error::new(
            if encrypted {
                FTLS_ERR_UNSUPPORTED_KEY
            } else {
                FTLS_ERR_BAD_PEM
            },
            if encrypted {
                format!("{what} holds an encrypted private key: {NO_PASSWORD}")
            } else {
                format!(
                    "{what} is not PEM (no '-----BEGIN ...-----' line) and not a DER private \
                     key either: {err}"
                )
            },
        )
    })
}

const NO_PASSWORD: &str = "give its password first (ftls_identity_set_password)";

/// The first private key in PEM `input`: PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
#[cfg(test)]
pub fn private_key(input: &[u8], what: &str) -> Result<PrivateKeyDer<'static>, Error> {
    private_key_with_password(input, what, None)
}

/// As [`private_key`]; an encrypted PKCS#8 key is decrypted with `password`.
pub fn private_key_with_password(
    input: &[u8],
    what: &str,
    password: Option<&KeyPassword>,
) -> Result<PrivateKeyDer<'static>, Error> {
    require_pem(input, what)?;
    match PrivateKeyDer::from_pem_slice(input) {
        Ok(key) => Ok(key),
        Err(pem::Error::NoItemsFound) if contains(input, b"ENCRYPTED PRIVATE KEY") => {
            match password {
                Some(password) => password.decrypt_pem(input, what),
                None => Err(Error::new(
                    FTLS_ERR_UNSUPPORTED_KEY,
                    format!("{what} holds an encrypted private key: {NO_PASSWORD}"),
                )),
            }
        }
        Err(pem::Error::NoItemsFound) => Err(Error::new(
            FTLS_ERR_NO_PRIVATE_KEY,
            format!("{what} holds no private key (PKCS#8, RSA or EC PEM section)"),
        )),
        Err(err) => Err(bad_pem(what, &err)),
    }
}

/// PEM text has a `-----BEGIN ` line; DER (binary) never does.
pub fn is_pem(input: &[u8]) -> bool {
    contains(input, b"-----BEGIN ")
}

fn require_pem(input: &[u8], what: &str) -> Result<(), Error> {
    if is_pem(input) {
        Ok(())
    } else {
        Err(Error::new(
            FTLS_ERR_BAD_PEM,
            format!("{what} is not PEM: no '-----BEGIN ...-----' line"),
        ))
    }
}

fn bad_pem(what: &str, err: &pem::Error) -> Error {
    Error::new(FTLS_ERR_BAD_PEM, format!("{what} is not valid PEM: {err}"))
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ResultCode;

    fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> ResultCode {
        r.unwrap_err().code()
    }

    #[test]
    fn classifies_bad_inputs() {
        assert_eq!(code(certificates(b"hello", "x")), FTLS_ERR_BAD_PEM);
        assert_eq!(code(certificates(b"", "x")), FTLS_ERR_BAD_PEM);
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert_eq!(code(certificates(broken, "x")), FTLS_ERR_BAD_PEM);
        let other = b"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n";
        assert_eq!(code(certificates(other, "x")), FTLS_ERR_NO_CERTIFICATE);
        assert_eq!(code(private_key(other, "x")), FTLS_ERR_NO_PRIVATE_KEY);
        let enc =
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert_eq!(code(private_key(enc, "x")), FTLS_ERR_UNSUPPORTED_KEY);
    }

    #[test]
    fn concatenated_der_values_split_by_their_length_headers() {
        let short = [0x30, 0x02, 1, 2];
        let long = [0x30, 0x81, 0x01, 9];
        let both = [&short[..], &long[..]].concat();
        assert_eq!(der_values(&both), Some(vec![&short[..], &long[..]]));
        assert_eq!(der_values(&both[..both.len() - 1]), None, "truncated");
        assert_eq!(der_values(&[0x31, 0x00]), None, "not a SEQUENCE");
        assert_eq!(
            der_values(&[0x30, 0x85, 0, 0, 0, 0, 1]),
            None,
            "absurd length"
        );
        let chain = certificates_pem_or_der(&both, "the chain");
        assert_eq!(
            code(chain),
            FTLS_ERR_BAD_PEM,
            "each value must be a certificate"
        );
    }
}
