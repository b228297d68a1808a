//! Stateless session tickets under keys the application supplies, so that several servers
//! behind one address resume each other's sessions.
//!
//! Every server is given the same sequence of secret keys and rotates to the next one at the
//! same time: the current key encrypts new tickets, the `previous_keys` keys it replaced still
//! decrypt (the window), older ones are forgotten. A ticket also expires `lifetime` seconds
//! after it was issued, whatever the keys.
//!
//! Ticket format: `name (16) ‖ issued (8, seconds since 1970, big endian) ‖ nonce (12) ‖
//! AES-256-GCM ciphertext and tag`, with `name ‖ issued` as additional data. The name and the
//! AEAD key are derived from the application's key with HKDF-SHA256, so servers with the same
//! key agree on both, and the name tells which key a ticket needs.

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs::{aead, hkdf, rand};
#[cfg(feature = "ring")]
use ring::{aead, hkdf, rand};

use super::error::Error;
use rand::SecureRandom;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{RwLock, RwLockReadGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// The length of one application-supplied ticket key: 32 bytes from a CSPRNG.
pub(crate) const TICKET_KEY_LEN: usize = 32;
/// The longest ticket lifetime TLS 1.3 allows (RFC 8446 §4.6.1): seven days.
pub(crate) const MAX_TICKET_LIFETIME: u32 = 7 * 24 * 60 * 60;
/// How many replaced keys a ticketer may keep decrypting with.
pub(crate) const MAX_PREVIOUS_KEYS: usize = 64;

const NAME_LEN: usize = 16;
const ISSUED_LEN: usize = 8;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = NAME_LEN + ISSUED_LEN;
/// rustls' encoded sessions are far smaller; a TLS ticket cannot exceed 2^16 - 1 bytes anyway.
const MAX_TICKET_LEN: usize = 0xffff;

/// One key: its public name and the AEAD key derived from the application's secret.
struct TicketKey {
    name: [u8; NAME_LEN],
    aead: aead::LessSafeKey,
}

impl TicketKey {
    fn derive(secret: &[u8]) -> Result<Self, Error> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"ftls session ticket key").extract(secret);
        let mut name = [0u8; NAME_LEN];
        let mut key = [0u8; 32];
        let derived = expand(&prk, b"key name", &mut name).and_then(|()| {
            expand(&prk, b"aes-256-gcm key", &mut key)?;
            aead::UnboundKey::new(&aead::AES_256_GCM, &key).ok()
        });
        key.fill(0);
        let aead = derived.ok_or_else(|| {
            Error::new(
                super::error::ResultCode::FTLS_ERR_INTERNAL,
                "deriving the ticket key failed",
            )
        })?;
        Ok(Self {
            name,
            aead: aead::LessSafeKey::new(aead),
        })
    }
}

fn expand(prk: &hkdf::Prk, info: &[u8], out: &mut [u8]) -> Option<()> {
    let info = [info];
    prk.expand(&info, OutputLen(out.len())).ok()?.fill(out).ok()
}

struct OutputLen(usize);

impl hkdf::KeyType for OutputLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// A ticket key sequence with rotation: implements rustls' `ProducesTickets`.
pub struct TicketKeys {
    lifetime: u32,
    previous_keys: usize,
    /// The current key first, then the replaced ones, newest first.
    keys: RwLock<VecDeque<TicketKey>>,
}

impl TicketKeys {
    /// `keys`: one or more keys of [`TICKET_KEY_LEN`] bytes, concatenated: the current one
    /// first, then earlier ones still in the window, newest first. At most
    /// `1 + previous_keys` of them.
    pub fn new(keys: &[u8], previous_keys: usize, lifetime: u32) -> Result<Self, Error> {
        if previous_keys > MAX_PREVIOUS_KEYS {
            return Err(Error::invalid_argument(format!(
                "previous_keys {previous_keys} is too many: at most {MAX_PREVIOUS_KEYS}"
            )));
        }
        if lifetime == 0 || lifetime > MAX_TICKET_LIFETIME {
            return Err(Error::invalid_argument(format!(
                "ticket lifetime {lifetime} s is out of range: 1 to {MAX_TICKET_LIFETIME} \
                 (seven days, RFC 8446)"
            )));
        }
        if keys.is_empty() || keys.len() % TICKET_KEY_LEN != 0 {
            return Err(Error::invalid_argument(format!(
                "ticket keys must be one or more keys of {TICKET_KEY_LEN} bytes each, not {} \
                 bytes",
                keys.len()
            )));
        }
        let count = keys.len() / TICKET_KEY_LEN;
        if count > 1 + previous_keys {
            return Err(Error::invalid_argument(format!(
                "{count} ticket keys given, but the window holds only {} (the current key and \
                 previous_keys = {previous_keys})",
                1 + previous_keys
            )));
        }
        let mut derived = VecDeque::with_capacity(1 + previous_keys);
        for secret in keys.chunks(TICKET_KEY_LEN) {
            let key = TicketKey::derive(secret)?;
            refuse_repeated(&derived, &key)?;
            derived.push_back(key);
        }
        Ok(Self {
            lifetime,
            previous_keys,
            keys: RwLock::new(derived),
        })
    }

    /// Makes `key` the current key; the one it replaces joins the window and the oldest beyond
    /// the window is forgotten. Tickets under a forgotten key no longer resume.
    pub fn rotate(&self, key: &[u8]) -> Result<(), Error> {
        if key.len() != TICKET_KEY_LEN {
            return Err(Error::invalid_argument(format!(
                "a ticket key is {TICKET_KEY_LEN} bytes, not {}",
                key.len()
            )));
        }
        let key = TicketKey::derive(key)?;
        let mut keys = self
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        refuse_repeated(&keys, &key)?;
        keys.push_front(key);
        keys.truncate(1 + self.previous_keys);
        Ok(())
    }

    fn read(&self) -> RwLockReadGuard<'_, VecDeque<TicketKey>> {
        // Every update is a single push or truncate: the list stays consistent after a panic.
        self.keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn encrypt_at(&self, plain: &[u8], now: u64) -> Option<Vec<u8>> {
        let keys = self.read();
        let key = keys.front()?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::SystemRandom::new().fill(&mut nonce).ok()?;
        let mut ticket = Vec::with_capacity(HEADER_LEN + NONCE_LEN + plain.len() + TAG_LEN);
        ticket.extend_from_slice(&key.name);
        ticket.extend_from_slice(&now.to_be_bytes());
        ticket.extend_from_slice(&nonce);
        let mut sealed = plain.to_vec();
        key.aead
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(&ticket[..HEADER_LEN]),
                &mut sealed,
            )
            .ok()?;
        ticket.extend_from_slice(&sealed);
        (ticket.len() <= MAX_TICKET_LEN).then_some(ticket)
    }

    fn decrypt_at(&self, ticket: &[u8], now: u64) -> Option<Vec<u8>> {
        if ticket.len() > MAX_TICKET_LEN || ticket.len() < HEADER_LEN + NONCE_LEN + TAG_LEN {
            return None;
        }
        let (header, rest) = ticket.split_at(HEADER_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let (name, issued) = header.split_at(NAME_LEN);
        let issued = u64::from_be_bytes(issued.try_into().ok()?);
        if now.checked_sub(issued)? > u64::from(self.lifetime) {
            return None;
        }
        let keys = self.read();
        let key = keys.iter().find(|key| key.name[..] == *name)?;
        let mut plain = sealed.to_vec();
        let opened = key
            .aead
            .open_in_place(
                aead::Nonce::try_assume_unique_for_key(nonce).ok()?,
                aead::Aad::from(header),
                &mut plain,
            )
            .ok()?
            .len();
        plain.truncate(opened);
        Some(plain)
    }
}

fn refuse_repeated(keys: &VecDeque<TicketKey>, key: &TicketKey) -> Result<(), Error> {
    if keys.iter().any(|kept| kept.name == key.name) {
        return Err(Error::invalid_argument(
            "this ticket key is already in use by the ticketer: every key must be new",
        ));
    }
    Ok(())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

impl rustls::server::ProducesTickets for TicketKeys {
    fn enabled(&self) -> bool {
        true
    }

    fn lifetime(&self) -> u32 {
        self.lifetime
    }

    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        self.encrypt_at(plain, unix_now())
    }

    fn decrypt(&self, ticket: &[u8]) -> Option<Vec<u8>> {
        self.decrypt_at(ticket, unix_now())
    }
}

/// Never shows key material.
impl fmt::Debug for TicketKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketKeys")
            .field("lifetime", &self.lifetime)
            .field("previous_keys", &self.previous_keys)
            .field("keys", &self.read().len())
            .finish()
    }
}

/// Stateless tickets under keys ftls makes itself and rotates every 6 hours (rustls' own
/// ticketer): tickets live at most 12 hours, and only this config can open them.
pub(crate) fn random_key_ticketer(
) -> Result<std::sync::Arc<dyn rustls::server::ProducesTickets>, Error> {
    #[cfg(feature = "aws-lc-rs")]
    use rustls::crypto::aws_lc_rs::Ticketer;
    #[cfg(feature = "ring")]
    use rustls::crypto::ring::Ticketer;
    Ticketer::new().map_err(|err| {
        Error::new(
            super::error::ResultCode::FTLS_ERR_INTERNAL,
            format!("making the ticket keys failed: {err}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn key(byte: u8) -> [u8; TICKET_KEY_LEN] {
        [byte; TICKET_KEY_LEN]
    }

    #[test]
    fn servers_with_the_same_key_open_each_others_tickets() {
        let a = TicketKeys::new(&key(1), 1, 3600).unwrap();
        let b = TicketKeys::new(&key(1), 1, 3600).unwrap();
        let ticket = a.encrypt_at(b"session", NOW).unwrap();
        assert_eq!(b.decrypt_at(&ticket, NOW + 10).unwrap(), b"session");
        let other = TicketKeys::new(&key(2), 1, 3600).unwrap();
        assert!(other.decrypt_at(&ticket, NOW).is_none());
        // Two tickets of the same session differ (random nonce).
        assert_ne!(ticket, a.encrypt_at(b"session", NOW).unwrap());
    }

    #[test]
    fn rotation_keeps_the_window_and_forgets_the_rest() {
        let keys = TicketKeys::new(&key(1), 1, 3600).unwrap();
        let old = keys.encrypt_at(b"one", NOW).unwrap();
        keys.rotate(&key(2)).unwrap();
        assert_eq!(keys.decrypt_at(&old, NOW).unwrap(), b"one");
        let newer = keys.encrypt_at(b"two", NOW).unwrap();
        assert_eq!(newer[..NAME_LEN], TicketKey::derive(&key(2)).unwrap().name);
        keys.rotate(&key(3)).unwrap();
        assert!(keys.decrypt_at(&old, NOW).is_none());
        assert_eq!(keys.decrypt_at(&newer, NOW).unwrap(), b"two");
        let err = keys.rotate(&key(2)).unwrap_err();
        assert!(err.detail().contains("already in use"), "{err}");
        assert!(keys.rotate(&key(4)[..31]).is_err());
    }

    #[test]
    fn tickets_expire_after_their_lifetime() {
        let keys = TicketKeys::new(&key(1), 0, 60).unwrap();
        let ticket = keys.encrypt_at(b"x", NOW).unwrap();
        assert!(keys.decrypt_at(&ticket, NOW + 60).is_some());
        assert!(keys.decrypt_at(&ticket, NOW + 61).is_none());
        assert!(keys.decrypt_at(&ticket, NOW - 1).is_none());
    }

    #[test]
    fn tampered_or_short_tickets_are_refused() {
        let keys = TicketKeys::new(&key(1), 0, 60).unwrap();
        let ticket = keys.encrypt_at(b"secret state", NOW).unwrap();
        for at in [
            0,
            NAME_LEN,
            HEADER_LEN,
            HEADER_LEN + NONCE_LEN,
            ticket.len() - 1,
        ] {
            let mut bad = ticket.clone();
            bad[at] ^= 1;
            assert!(keys.decrypt_at(&bad, NOW).is_none(), "flipped byte {at}");
        }
        for len in 0..HEADER_LEN + NONCE_LEN + TAG_LEN {
            assert!(keys
                .decrypt_at(&ticket[..len.min(ticket.len())], NOW)
                .is_none());
        }
        assert!(!format!("{keys:?}").contains("aead"));
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(TicketKeys::new(&[], 1, 60).is_err());
        assert!(TicketKeys::new(&[0; 33], 1, 60).is_err());
        assert!(TicketKeys::new(&key(1), 1, 0).is_err());
        assert!(TicketKeys::new(&key(1), 1, MAX_TICKET_LIFETIME + 1).is_err());
        assert!(TicketKeys::new(&key(1), MAX_PREVIOUS_KEYS + 1, 60).is_err());
        let three: Vec<u8> = [key(1), key(2), key(3)].concat();
        let err = TicketKeys::new(&three, 1, 60).unwrap_err();
        assert!(err.detail().contains("window holds only 2"), "{err}");
        assert!(TicketKeys::new(&three, 2, 60).is_ok());
        let repeated: Vec<u8> = [key(1), key(1)].concat();
        assert!(TicketKeys::new(&repeated, 1, 60).is_err());
    }
}
