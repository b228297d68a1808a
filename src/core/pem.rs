//! Certificates and private keys from PEM text (rustls-pki-types' `PemObject`).

use super::error::{Error, ResultCode::*};
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

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

/// The first private key in `input`: PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
pub fn private_key(input: &[u8], what: &str) -> Result<PrivateKeyDer<'static>, Error> {
    require_pem(input, what)?;
    match PrivateKeyDer::from_pem_slice(input) {
        Ok(key) => Ok(key),
        Err(pem::Error::NoItemsFound) if contains(input, b"ENCRYPTED PRIVATE KEY") => {
            Err(Error::new(
                FTLS_ERR_UNSUPPORTED_KEY,
                format!("{what} holds an encrypted private key; decrypt it first"),
            ))
        }
        Err(pem::Error::NoItemsFound) => Err(Error::new(
            FTLS_ERR_NO_PRIVATE_KEY,
            format!("{what} holds no private key (PKCS#8, RSA or EC PEM section)"),
        )),
        Err(err) => Err(bad_pem(what, &err)),
    }
}

fn require_pem(input: &[u8], what: &str) -> Result<(), Error> {
    if contains(input, b"-----BEGIN ") {
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
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
}
