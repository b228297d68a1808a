//! The two primitives the TLS 1.3 record decrypter needs, from the build's crypto provider.
//!
//! rustls' provider traits cannot be used for this (its `AeadKey` cannot be built with a
//! 16-byte length through the public API), so this file calls the crypto library directly.
//! aws-lc-rs offers ring's API for `hkdf` and `aead`, so one body serves both providers.

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs::{aead, hkdf};
#[cfg(feature = "ring")]
use ring::{aead, hkdf};

/// The hash a TLS 1.3 suite's key schedule uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Hash {
    Sha256,
    Sha384,
}

/// The AEAD a TLS 1.3 suite protects records with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Aead {
    Aes128Gcm,
    Aes256Gcm,
    Chacha20Poly1305,
}

/// HKDF-Expand (RFC 5869 §2.3) of `secret` used as the PRK; fills `out`.
pub(super) fn hkdf_expand(hash: Hash, secret: &[u8], info: &[u8], out: &mut [u8]) -> Option<()> {
    let algorithm = match hash {
        Hash::Sha256 => hkdf::HKDF_SHA256,
        Hash::Sha384 => hkdf::HKDF_SHA384,
    };
    let prk = hkdf::Prk::new_less_safe(algorithm, secret);
    let info = [info];
    prk.expand(&info, OutputLen(out.len())).ok()?.fill(out).ok()
}

struct OutputLen(usize);

impl hkdf::KeyType for OutputLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// An AEAD key that decrypts. Boxed: ring keeps the expanded key schedule inline (over 500
/// bytes), which would make every observer stream state that large, key or not.
pub(super) struct OpeningKey(Box<aead::LessSafeKey>);

impl OpeningKey {
    pub(super) fn new(algorithm: Aead, key: &[u8]) -> Option<Self> {
        let algorithm = match algorithm {
            Aead::Aes128Gcm => &aead::AES_128_GCM,
            Aead::Aes256Gcm => &aead::AES_256_GCM,
            Aead::Chacha20Poly1305 => &aead::CHACHA20_POLY1305,
        };
        let key = aead::UnboundKey::new(algorithm, key).ok()?;
        Some(Self(Box::new(aead::LessSafeKey::new(key))))
    }

    /// Authenticates and decrypts `ciphertext ‖ tag` in place; returns the plaintext length.
    pub(super) fn open_in_place(
        &self,
        nonce: [u8; 12],
        additional_data: &[u8],
        in_out: &mut [u8],
    ) -> Option<usize> {
        let nonce = aead::Nonce::assume_unique_for_key(nonce);
        let plaintext = self
            .0
            .open_in_place(nonce, aead::Aad::from(additional_data), in_out)
            .ok()?;
        Some(plaintext.len())
    }
}
