//! Stateless session tickets under keys the application supplies, so that several servers
//! behind one address resume each other's sessions.
//!
//! Every server is given the same sequence of secret keys and rotates to the next one at the
//! same time: the current key encrypts new tickets, the `previous_keys` keys it replaced still
//! decrypt (the window), older ones are forgotten. A ticket also expires `lifetime` seconds
//! after it was issued, whatever the keys.
//!
//! Ticket format: `name (16) ‖ issued (8, seconds since 1970, big endian) ‖ salt (16) ‖
//! AES-256-GCM ciphertext and tag`. The name and a key-derivation key are derived from the
//! application's key with HKDF-SHA256, so servers with the same key agree on both, and the name
//! tells which key a ticket needs.
//!
//! Each ticket is sealed under a key of its own, HKDF-Expand(derivation key, salt) with a fresh
//! random 128-bit salt, and a fixed nonce: each derived key seals exactly one ticket. A GCM
//! nonce repeated under one key reveals the authentication key, and servers sharing a key
//! cannot coordinate a counter; random 96-bit nonces under one key would need a cap of about
//! 2^32 tickets per key across all servers together, which no server can count. Salts collide
//! only after about 2^64 tickets, so no cap is needed and servers need no coordination.
//!
//! The additional data is `name ‖ issued ‖ context`, where the context (not stored in the
//! ticket) is what the ticket is bound to, the client-authentication policy of the configs
//! that share the keys (see the sessions module): a ticket made under another context fails
//! authentication, and rustls falls back to a full handshake.

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs::{aead, hkdf, rand};
#[cfg(feature = "ring")]
use ring::{aead, hkdf, rand};

use super::error::Error;
use rand::SecureRandom;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// The length of one application-supplied ticket key: 32 bytes from a CSPRNG.
pub(crate) const TICKET_KEY_LEN: usize = 32;
/// The longest ticket lifetime TLS 1.3 allows (RFC 8446 §4.6.1): seven days.
pub(crate) const MAX_TICKET_LIFETIME: u32 = 7 * 24 * 60 * 60;
/// How many replaced keys a ticketer may keep decrypting with.
pub(crate) const MAX_PREVIOUS_KEYS: usize = 64;

const NAME_LEN: usize = 16;
const ISSUED_LEN: usize = 8;
const SALT_LEN: usize = 16;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = NAME_LEN + ISSUED_LEN;
/// What a ticket is bound to: a policy digest.
pub(crate) const CONTEXT_LEN: usize = 32;
/// rustls' encoded sessions are far smaller; a TLS ticket cannot exceed 2^16 - 1 bytes anyway.
const MAX_TICKET_LEN: usize = 0xffff;

/// One key: its public name and the key that derives each ticket's AEAD key, both derived
/// from the application's secret.
struct TicketKey {
    name: [u8; NAME_LEN],
    derivation: hkdf::Prk,
}

impl TicketKey {
    fn derive(secret: &[u8]) -> Result<Self, Error> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"ftls session ticket key").extract(secret);
        let mut name = [0u8; NAME_LEN];
        let mut derivation = [0u8; 32];
        let derived = expand(&prk, &[b"key name"], &mut name)
            .and_then(|()| expand(&prk, &[b"ticket key derivation"], &mut derivation))
            .map(|()| hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, &derivation));
        derivation.fill(0);
        let derivation = derived.ok_or_else(|| {
            Error::new(
                super::error::ResultCode::FTLS_ERR_INTERNAL,
                "deriving the ticket key failed",
            )
        })?;
        Ok(Self { name, derivation })
    }

    /// The AEAD key of the one ticket with this salt.
    fn ticket_key(&self, salt: &[u8]) -> Option<aead::LessSafeKey> {
        let mut key = [0u8; 32];
        let unbound = expand(
            &self.derivation,
            &[b"aes-256-gcm ticket key", salt],
            &mut key,
        )
        .and_then(|()| aead::UnboundKey::new(&aead::AES_256_GCM, &key).ok());
        key.fill(0);
        unbound.map(aead::LessSafeKey::new)
    }
}

/// Each ticket key seals one ticket only, so a constant nonce never repeats under a key.
fn single_use_nonce() -> aead::Nonce {
    aead::Nonce::assume_unique_for_key([0u8; 12])
}

/// `name ‖ issued ‖ context`: what a ticket's tag also covers.
fn additional_data(header: &[u8], context: &[u8; CONTEXT_LEN]) -> [u8; HEADER_LEN + CONTEXT_LEN] {
    let mut aad = [0u8; HEADER_LEN + CONTEXT_LEN];
    aad[..HEADER_LEN].copy_from_slice(header);
    aad[HEADER_LEN..].copy_from_slice(context);
    aad
}

fn expand(prk: &hkdf::Prk, info: &[&[u8]], out: &mut [u8]) -> Option<()> {
    prk.expand(info, OutputLen(out.len())).ok()?.fill(out).ok()
}

struct OutputLen(usize);

impl hkdf::KeyType for OutputLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// A ticket key sequence with rotation; configs use it through [`BoundTickets`].
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

    /// Seals `plain` into a ticket issued at `now`, bound to `context`.
    fn encrypt_at(&self, plain: &[u8], context: &[u8; CONTEXT_LEN], now: u64) -> Option<Vec<u8>> {
        let mut salt = [0u8; SALT_LEN];
        rand::SystemRandom::new().fill(&mut salt).ok()?;
        self.seal(plain, context, now, salt)
    }

    fn seal(
        &self,
        plain: &[u8],
        context: &[u8; CONTEXT_LEN],
        now: u64,
        salt: [u8; SALT_LEN],
    ) -> Option<Vec<u8>> {
        let keys = self.read();
        let key = keys.front()?;
        let mut ticket = Vec::with_capacity(HEADER_LEN + SALT_LEN + plain.len() + TAG_LEN);
        ticket.extend_from_slice(&key.name);
        ticket.extend_from_slice(&now.to_be_bytes());
        let aad = additional_data(&ticket, context);
        ticket.extend_from_slice(&salt);
        ticket.extend_from_slice(plain);
        let tag = key
            .ticket_key(&salt)?
            .seal_in_place_separate_tag(
                single_use_nonce(),
                aead::Aad::from(&aad),
                &mut ticket[HEADER_LEN + SALT_LEN..],
            )
            .ok()?;
        ticket.extend_from_slice(tag.as_ref());
        (ticket.len() <= MAX_TICKET_LEN).then_some(ticket)
    }

    /// The plaintext of a ticket bound to `context`, if one of the keys opens it and it has
    /// not expired at `now`.
    fn decrypt_at(&self, ticket: &[u8], context: &[u8; CONTEXT_LEN], now: u64) -> Option<Vec<u8>> {
        if ticket.len() > MAX_TICKET_LEN || ticket.len() < HEADER_LEN + SALT_LEN + TAG_LEN {
            return None;
        }
        let (header, rest) = ticket.split_at(HEADER_LEN);
        let (salt, sealed) = rest.split_at(SALT_LEN);
        let (name, issued) = header.split_at(NAME_LEN);
        let issued = u64::from_be_bytes(issued.try_into().ok()?);
        if now.checked_sub(issued)? > u64::from(self.lifetime) {
            return None;
        }
        let ticket_key = {
            let keys = self.read();
            keys.iter()
                .find(|key| key.name[..] == *name)?
                .ticket_key(salt)?
        };
        let mut plain = sealed.to_vec();
        let opened = ticket_key
            .open_in_place(
                single_use_nonce(),
                aead::Aad::from(additional_data(header, context)),
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

/// A ticketer's keys as one config uses them: its tickets are bound to `context`, and only a
/// config with the same context opens them.
#[derive(Debug)]
pub(crate) struct BoundTickets {
    pub(crate) keys: Arc<TicketKeys>,
    pub(crate) context: [u8; CONTEXT_LEN],
}

impl rustls::server::ProducesTickets for BoundTickets {
    fn enabled(&self) -> bool {
        true
    }

    fn lifetime(&self) -> u32 {
        self.keys.lifetime
    }

    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        self.keys.encrypt_at(plain, &self.context, unix_now())
    }

    fn decrypt(&self, ticket: &[u8]) -> Option<Vec<u8>> {
        self.keys.decrypt_at(ticket, &self.context, unix_now())
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
/// ticketer): tickets live at most 12 hours, and only this config can open them, so they need
/// no binding to its policy. Its per-key use is bounded without a counter, because a key never
/// leaves this config and encrypts for 6 hours only: with aws-lc-rs it is AES-256-CBC with a
/// random 128-bit IV and HMAC-SHA256 (a repeated IV reveals nothing about the key); with ring,
/// ChaCha20-Poly1305 with random 96-bit nonces, and even 100,000 tickets a second make only
/// about 2^31 per key, where a repeated nonce has a probability near 2^-35.
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
    const POLICY: &[u8; CONTEXT_LEN] = &[7; CONTEXT_LEN];

    fn key(byte: u8) -> [u8; TICKET_KEY_LEN] {
        [byte; TICKET_KEY_LEN]
    }

    #[test]
    fn servers_with_the_same_key_open_each_others_tickets() {
        let a = TicketKeys::new(&key(1), 1, 3600).unwrap();
        let b = TicketKeys::new(&key(1), 1, 3600).unwrap();
        let ticket = a.encrypt_at(b"session", POLICY, NOW).unwrap();
        assert_eq!(b.decrypt_at(&ticket, POLICY, NOW + 10).unwrap(), b"session");
        let other = TicketKeys::new(&key(2), 1, 3600).unwrap();
        assert!(other.decrypt_at(&ticket, POLICY, NOW).is_none());
    }

    #[test]
    fn a_ticket_opens_only_under_the_context_it_was_bound_to() {
        let keys = TicketKeys::new(&key(1), 0, 3600).unwrap();
        let ticket = keys.encrypt_at(b"session", POLICY, NOW).unwrap();
        assert!(keys.decrypt_at(&ticket, &[8; CONTEXT_LEN], NOW).is_none());
        assert!(keys.decrypt_at(&ticket, POLICY, NOW).is_some());
    }

    #[test]
    fn every_ticket_is_sealed_under_a_key_of_its_own() {
        let keys = TicketKeys::new(&key(1), 0, 3600).unwrap();
        let salt_of = |ticket: &[u8]| ticket[HEADER_LEN..HEADER_LEN + SALT_LEN].to_vec();
        // Random salts: the same session sealed twice at the same second differs throughout.
        let one = keys.encrypt_at(b"session", POLICY, NOW).unwrap();
        let two = keys.encrypt_at(b"session", POLICY, NOW).unwrap();
        assert_ne!(salt_of(&one), salt_of(&two));
        assert_ne!(one[HEADER_LEN + SALT_LEN..], two[HEADER_LEN + SALT_LEN..]);
        // The salt alone picks the key (the nonce is constant): another salt, another key,
        // hence another keystream for the same plaintext; the same salt, the same ticket.
        let a = keys.seal(b"session", POLICY, NOW, [1; SALT_LEN]).unwrap();
        let b = keys.seal(b"session", POLICY, NOW, [2; SALT_LEN]).unwrap();
        assert_ne!(a[HEADER_LEN + SALT_LEN..], b[HEADER_LEN + SALT_LEN..]);
        assert_eq!(
            a,
            keys.seal(b"session", POLICY, NOW, [1; SALT_LEN]).unwrap()
        );
        assert_eq!(keys.decrypt_at(&b, POLICY, NOW).unwrap(), b"session");
        // A ticket whose salt was swapped for another's does not open.
        let mut swapped = a.clone();
        swapped[HEADER_LEN..HEADER_LEN + SALT_LEN].copy_from_slice(&[2; SALT_LEN]);
        assert!(keys.decrypt_at(&swapped, POLICY, NOW).is_none());
    }

    #[test]
    fn rotation_keeps_the_window_and_forgets_the_rest() {
        let keys = TicketKeys::new(&key(1), 1, 3600).unwrap();
        let old = keys.encrypt_at(b"one", POLICY, NOW).unwrap();
        keys.rotate(&key(2)).unwrap();
        assert_eq!(keys.decrypt_at(&old, POLICY, NOW).unwrap(), b"one");
        let newer = keys.encrypt_at(b"two", POLICY, NOW).unwrap();
        assert_eq!(newer[..NAME_LEN], TicketKey::derive(&key(2)).unwrap().name);
        keys.rotate(&key(3)).unwrap();
        assert!(keys.decrypt_at(&old, POLICY, NOW).is_none());
        assert_eq!(keys.decrypt_at(&newer, POLICY, NOW).unwrap(), b"two");
        let err = keys.rotate(&key(2)).unwrap_err();
        assert!(err.detail().contains("already in use"), "{err}");
        assert!(keys.rotate(&key(4)[..31]).is_err());
    }

    #[test]
    fn tickets_expire_after_their_lifetime() {
        let keys = TicketKeys::new(&key(1), 0, 60).unwrap();
        let ticket = keys.encrypt_at(b"x", POLICY, NOW).unwrap();
        assert!(keys.decrypt_at(&ticket, POLICY, NOW + 60).is_some());
        assert!(keys.decrypt_at(&ticket, POLICY, NOW + 61).is_none());
        assert!(keys.decrypt_at(&ticket, POLICY, NOW - 1).is_none());
    }

    #[test]
    fn tampered_or_short_tickets_are_refused() {
        let keys = TicketKeys::new(&key(1), 0, 60).unwrap();
        let ticket = keys.encrypt_at(b"secret state", POLICY, NOW).unwrap();
        for at in [
            0,
            NAME_LEN,
            HEADER_LEN,
            HEADER_LEN + SALT_LEN,
            ticket.len() - 1,
        ] {
            let mut bad = ticket.clone();
            bad[at] ^= 1;
            assert!(
                keys.decrypt_at(&bad, POLICY, NOW).is_none(),
                "flipped byte {at}"
            );
        }
        for len in 0..HEADER_LEN + SALT_LEN + TAG_LEN {
            assert!(keys
                .decrypt_at(&ticket[..len.min(ticket.len())], POLICY, NOW)
                .is_none());
        }
        assert!(!format!("{keys:?}").contains("derivation"));
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
