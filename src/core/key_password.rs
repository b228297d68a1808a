//! Encrypted PKCS#8 private keys (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, what
//! `openssl genpkey -aes-256-cbc` and `openssl pkcs8 -topk8 -v2 aes-256-cbc` write): PBES2 with
//! PBKDF2 or scrypt and AES-CBC, decrypted by RustCrypto's `pkcs8` crate. The password is wiped
//! from memory when dropped.

use super::error::{Error, ResultCode::*};
use super::pem::pkcs8_key;
use pkcs8::der::Decode;
use pkcs8::EncryptedPrivateKeyInfo;
use rustls_pki_types::PrivateKeyDer;
use std::fmt;
use zeroize::Zeroizing;

const BEGIN: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
const END: &str = "-----END ENCRYPTED PRIVATE KEY-----";

fn unsupported_scheme(what: &str, which: &str) -> Error {
    Error::new(
        FTLS_ERR_UNSUPPORTED_KEY,
        format!(
            "{what} is encrypted with an unsupported scheme ({which}); ftls decrypts PBES2 \
             (PBKDF2 or scrypt, AES-CBC): re-encrypt it with \
             'openssl pkcs8 -topk8 -v2 aes-256-cbc'"
        ),
    )
}

/// The password for encrypted private keys. Never printed.
#[derive(Clone)]
pub struct KeyPassword(Zeroizing<Vec<u8>>);

impl fmt::Debug for KeyPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyPassword(<redacted>)")
    }
}

impl KeyPassword {
    pub fn new(password: &[u8]) -> Self {
        Self(Zeroizing::new(password.to_vec()))
    }

    /// Decrypts the first `ENCRYPTED PRIVATE KEY` section of PEM text.
    pub fn decrypt_pem(&self, input: &[u8], what: &str) -> Result<PrivateKeyDer<'static>, Error> {
        let text = String::from_utf8_lossy(input);
        let section = text
            .find(BEGIN)
            .and_then(|start| {
                let end = text[start..].find(END)? + start + END.len();
                Some(&text[start..end])
            })
            .ok_or_else(|| {
                Error::new(
                    FTLS_ERR_BAD_PEM,
                    format!("{what}: the ENCRYPTED PRIVATE KEY section has no END line"),
                )
            })?;
        let (_, der) = pkcs8::der::pem::decode_vec(section.as_bytes()).map_err(|err| {
            Error::new(
                FTLS_ERR_BAD_PEM,
                format!("{what}: the ENCRYPTED PRIVATE KEY section is not valid PEM: {err}"),
            )
        })?;
        // The label says encrypted: what pkcs8 cannot even parse is a scheme it does not know
        // (e.g. PKCS#12's PBE-SHA1-3DES, what `openssl pkcs8 -v1` writes).
        self.decrypt_der(&der, what)?
            .ok_or_else(|| unsupported_scheme(what, "not PBES2"))
    }

    /// Decrypts DER that is an EncryptedPrivateKeyInfo; `Ok(None)` if it is not one.
    pub fn decrypt_der(
        &self,
        der: &[u8],
        what: &str,
    ) -> Result<Option<PrivateKeyDer<'static>>, Error> {
        let Ok(info) = EncryptedPrivateKeyInfo::from_der(der) else {
            return Ok(None);
        };
        match info.decrypt(self.0.as_slice()) {
            Ok(document) => Ok(Some(pkcs8_key(document.as_bytes().to_vec()))),
            Err(pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::UnsupportedAlgorithm {
                oid,
            })) => Err(unsupported_scheme(what, &oid.to_string())),
            Err(err) => Err(Error::new(
                FTLS_ERR_BAD_PASSWORD,
                format!("cannot decrypt {what}: wrong password? ({err})"),
            )),
        }
    }

    /// Whether DER looks like an encrypted PKCS#8 key (to say so when no password was given).
    pub fn looks_encrypted(der: &[u8]) -> bool {
        EncryptedPrivateKeyInfo::from_der(der).is_ok()
    }
}
