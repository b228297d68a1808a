//! Encrypted PKCS#8 private keys (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, what
//! `openssl genpkey -aes-256-cbc` and `openssl pkcs8 -topk8 -v2 aes-256-cbc` write): PBES2 with
//! PBKDF2 or scrypt and AES-CBC, decrypted by RustCrypto's `pkcs8` crate. The password is wiped
//! from memory when dropped.

use super::error::{Error, ResultCode::*};
use pkcs8::der::Decode;
use pkcs8::EncryptedPrivateKeyInfo;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
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

/// scrypt's memory, as OpenSSL bounds it (`EVP_PBE_scrypt`'s default `maxmem`): its formula
/// counts 128·r·p bytes for B and 128·r·(N + 2) for V.
const SCRYPT_MAX_MEMORY: u128 = 32 * 1024 * 1024;
/// scrypt's work, N·r·p: 8 times `openssl pkcs8 -scrypt`'s N = 16384, r = 8, p = 1. The memory
/// bound alone still lets r = p = 127 burn a minute of CPU.
const SCRYPT_MAX_WORK: u128 = 1 << 20;
/// PBKDF2 iterations: far above what tools write (OpenSSL 2048, 600 000 advised for
/// PBKDF2-HMAC-SHA256 by OWASP), a few seconds of CPU at most.
const PBKDF2_MAX_ITERATIONS: u32 = 10_000_000;

/// The key derivation's parameters come from the file, unauthenticated: refuse those that
/// would take more memory or CPU than any sane key needs, before deriving anything.
fn check_kdf_cost(kdf: &pkcs8::pkcs5::pbes2::Kdf<'_>, what: &str) -> Result<(), Error> {
    let refuse = |why: String| {
        Err(Error::new(
            FTLS_ERR_UNSUPPORTED_KEY,
            format!(
                "{what} is encrypted with key derivation parameters ftls refuses: {why}; \
                 re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'"
            ),
        ))
    };
    if let Some(params) = kdf.scrypt() {
        let (n, r, p) = (
            u128::from(params.cost_parameter),
            u128::from(params.block_size),
            u128::from(params.parallelization),
        );
        let memory = 128 * r * p + 128 * r * (n + 2);
        if memory > SCRYPT_MAX_MEMORY {
            return refuse(format!(
                "scrypt N={n}, r={r}, p={p} needs {memory} bytes of memory, more than the \
                 limit of {SCRYPT_MAX_MEMORY} (32 MiB, as OpenSSL)"
            ));
        }
        if n * r * p > SCRYPT_MAX_WORK {
            return refuse(format!(
                "scrypt N={n}, r={r}, p={p}: N*r*p is more than the limit of {SCRYPT_MAX_WORK}"
            ));
        }
    }
    if let Some(params) = kdf.pbkdf2() {
        if params.iteration_count > PBKDF2_MAX_ITERATIONS {
            return refuse(format!(
                "{} PBKDF2 iterations, more than the limit of {PBKDF2_MAX_ITERATIONS}",
                params.iteration_count
            ));
        }
    }
    Ok(())
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
        if let Some(kdf) = info.encryption_algorithm.pbes2().map(|params| &params.kdf) {
            check_kdf_cost(kdf, what)?;
        }
        match info.decrypt(self.0.as_slice()) {
            Ok(document) => Ok(Some(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                document.as_bytes().to_vec(),
            )))),
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

#[cfg(test)]
mod tests {
    use super::*;
    use pkcs8::der::Encode;
    use pkcs8::pkcs5::pbes2::{EncryptionScheme, Kdf, Parameters, Pbkdf2Params, ScryptParams};

    /// An EncryptedPrivateKeyInfo with the given KDF; the ciphertext is junk (it must never be
    /// reached).
    fn encrypted_with(kdf: Kdf<'_>) -> Vec<u8> {
        let iv = [7u8; 16];
        let params = Parameters {
            kdf,
            encryption: EncryptionScheme::Aes256Cbc { iv: &iv },
        };
        EncryptedPrivateKeyInfo {
            encryption_algorithm: params.into(),
            encrypted_data: &[0x55; 48],
        }
        .to_der()
        .unwrap()
    }

    fn scrypt(n: u64, r: u16, p: u16) -> Vec<u8> {
        encrypted_with(Kdf::Scrypt(ScryptParams {
            salt: b"saltsalt",
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length: None,
        }))
    }

    fn refused(der: &[u8]) -> Error {
        KeyPassword::new(b"pw")
            .decrypt_der(der, "key.pem")
            .expect_err("refused before deriving")
    }

    #[test]
    fn costly_key_derivations_are_refused_before_deriving() {
        // N = 2^30: 128 GiB of memory (the allocation aborted the process).
        let err = refused(&scrypt(1 << 30, 8, 1));
        assert_eq!(err.code(), FTLS_ERR_UNSUPPORTED_KEY);
        assert!(
            err.detail().contains("scrypt N=1073741824, r=8, p=1 needs"),
            "{err}"
        );
        assert!(err.detail().contains("limit of 33554432 (32 MiB"), "{err}");
        // r = p = 127 fits in the memory bound with a small N, but is a minute of CPU.
        let err = refused(&scrypt(1024, 127, 127));
        assert!(
            err.detail()
                .contains("N*r*p is more than the limit of 1048576"),
            "{err}"
        );
        let mut pbkdf2 = Pbkdf2Params::hmac_with_sha256(2048, b"saltsalt").unwrap();
        pbkdf2.iteration_count = u32::MAX;
        let err = refused(&encrypted_with(Kdf::Pbkdf2(pbkdf2)));
        assert_eq!(err.code(), FTLS_ERR_UNSUPPORTED_KEY);
        assert!(
            err.detail()
                .contains("4294967295 PBKDF2 iterations, more than the limit of 10000000"),
            "{err}"
        );
        assert!(err.detail().starts_with("key.pem is encrypted"), "{err}");
        // At the limits, derivation goes ahead (and the junk then fails to decrypt).
        pbkdf2.iteration_count = 2048;
        for der in [encrypted_with(Kdf::Pbkdf2(pbkdf2)), scrypt(16384, 8, 1)] {
            assert_eq!(refused(&der).code(), FTLS_ERR_BAD_PASSWORD);
        }
    }
}
