//! The key log every ftls config installs: it hands TLS secrets to whoever registered for
//! them, and costs nothing when no one did.
//!
//! rustls gives a config's key log each secret together with the connection's client random.
//! A connection that wants its secrets (today: the handshake observer of a traced connection)
//! registers its client random first and gets a [`Registration`]; the router keeps only the
//! secrets of registered randoms, and forgets them when the registration is dropped. With no
//! registration alive, [`rustls::KeyLog::will_log`] is one atomic load.
//!
//! It is a router rather than part of the observer so that the application's NSS key log
//! ([`KeyLog`]: a file, a callback) is fed from the same place: every secret goes there when
//! the application asked for a key log.

use crate::core::key_log::KeyLog;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// A TLS ClientHello random: what rustls identifies a connection's secrets by.
pub(crate) type ClientRandom = [u8; 32];

const CLIENT_EARLY_TRAFFIC_SECRET: &str = "CLIENT_EARLY_TRAFFIC_SECRET";

thread_local! {
    /// `Some` while this thread creates a client connection (see [`EarlySecretCapture`]).
    static EARLY_CAPTURE: RefCell<Option<Option<EarlySecret>>> = const { RefCell::new(None) };
}

/// A client's early traffic secret with the client random it belongs to.
pub(crate) struct EarlySecret {
    pub(crate) client_random: ClientRandom,
    pub(crate) secret: Secret,
}

/// Catches the early traffic secret rustls logs while a client connection is created on this
/// thread: rustls derives it with the ClientHello, before anyone could register the client
/// random, and a trace set afterwards needs it to read EndOfEarlyData.
pub(crate) struct EarlySecretCapture(());

impl EarlySecretCapture {
    pub(crate) fn start() -> Self {
        EARLY_CAPTURE.with(|capture| *capture.borrow_mut() = Some(None));
        Self(())
    }

    /// The secret logged since `start`, if any.
    pub(crate) fn finish(self) -> Option<EarlySecret> {
        EARLY_CAPTURE.with(|capture| capture.borrow_mut().take().flatten())
    }

    fn active() -> bool {
        EARLY_CAPTURE.with(|capture| capture.borrow().is_some())
    }

    fn keep(client_random: &[u8], secret: &[u8]) {
        let (Ok(client_random), Some(secret)) =
            (ClientRandom::try_from(client_random), Secret::new(secret))
        else {
            return;
        };
        EARLY_CAPTURE.with(|capture| {
            if let Some(slot) = capture.borrow_mut().as_mut() {
                *slot = Some(EarlySecret {
                    client_random,
                    secret,
                });
            }
        });
    }
}

impl Drop for EarlySecretCapture {
    fn drop(&mut self) {
        EARLY_CAPTURE.with(|capture| *capture.borrow_mut() = None);
    }
}

/// Routes rustls' key-log secrets to connections that asked for them, by client random.
#[derive(Default)]
pub struct SecretRouter {
    /// Live registrations: lets `will_log` and `log` answer without taking the lock.
    registrations: AtomicUsize,
    waiting: Mutex<HashMap<ClientRandom, Waiting>>,
    /// The application's key log; empty unless it asked for one.
    key_log: KeyLog,
}

/// What the router keeps for one client random.
#[derive(Default)]
struct Waiting {
    /// Registrations for this random (normally one; a replayed ClientHello can make more).
    registrations: usize,
    client_early: Option<Secret>,
    client_handshake: Option<Secret>,
    server_handshake: Option<Secret>,
    server_application: Option<Secret>,
}

/// The secrets a registration can ask for: the TLS 1.3 traffic secrets that protect handshake
/// messages (the early one protects early data and EndOfEarlyData; the server's first
/// application one its NewSessionTickets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrafficSecret {
    /// Protects the client's early data (0-RTT) and its EndOfEarlyData message.
    ClientEarly,
    /// Protects the client's handshake messages after ServerHello.
    ClientHandshake,
    /// Protects the server's handshake messages after ServerHello.
    ServerHandshake,
    /// Protects what the server sends after its Finished: NewSessionTickets, then data.
    ServerApplication,
}

impl TrafficSecret {
    /// The NSS key-log label rustls uses for this secret.
    fn from_label(label: &str) -> Option<Self> {
        match label {
            "CLIENT_EARLY_TRAFFIC_SECRET" => Some(Self::ClientEarly),
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => Some(Self::ClientHandshake),
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => Some(Self::ServerHandshake),
            "SERVER_TRAFFIC_SECRET_0" => Some(Self::ServerApplication),
            _ => None,
        }
    }
}

impl Waiting {
    fn slot(&mut self, which: TrafficSecret) -> &mut Option<Secret> {
        match which {
            TrafficSecret::ClientEarly => &mut self.client_early,
            TrafficSecret::ClientHandshake => &mut self.client_handshake,
            TrafficSecret::ServerHandshake => &mut self.server_handshake,
            TrafficSecret::ServerApplication => &mut self.server_application,
        }
    }
}

impl SecretRouter {
    /// A router with no registrations: it keeps nothing until a connection registers.
    #[cfg(test)]
    pub fn new() -> Self {
        Self::default()
    }

    /// A router that also writes every secret to the application's key log.
    pub fn with_key_log(key_log: KeyLog) -> Self {
        Self {
            key_log,
            ..Self::default()
        }
    }

    /// Asks for the secrets of the connection with this client random, until the returned
    /// registration is dropped.
    pub(crate) fn register(self: &Arc<Self>, client_random: ClientRandom) -> Registration {
        let mut waiting = self.lock();
        waiting.entry(client_random).or_default().registrations += 1;
        self.registrations.fetch_add(1, Ordering::Relaxed);
        Registration {
            router: Arc::clone(self),
            client_random,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ClientRandom, Waiting>> {
        // The map stays consistent even if a holder panicked: every update is one statement.
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn anyone_registered(&self) -> bool {
        self.registrations.load(Ordering::Relaxed) > 0
    }
}

impl rustls::KeyLog for SecretRouter {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        self.key_log.log(label, client_random, secret);
        if label == CLIENT_EARLY_TRAFFIC_SECRET && EarlySecretCapture::active() {
            EarlySecretCapture::keep(client_random, secret);
        }
        if !self.anyone_registered() {
            return;
        }
        let (Some(which), Ok(client_random)) = (
            TrafficSecret::from_label(label),
            ClientRandom::try_from(client_random),
        ) else {
            return;
        };
        let Some(secret) = Secret::new(secret) else {
            return;
        };
        if let Some(waiting) = self.lock().get_mut(&client_random) {
            *waiting.slot(which) = Some(secret);
        }
    }

    fn will_log(&self, label: &str) -> bool {
        !self.key_log.is_empty()
            || self.anyone_registered() && TrafficSecret::from_label(label).is_some()
            || label == CLIENT_EARLY_TRAFFIC_SECRET && EarlySecretCapture::active()
    }
}

/// Never shows the secrets.
impl fmt::Debug for SecretRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretRouter")
            .field("registrations", &self.registrations.load(Ordering::Relaxed))
            .field("key_log", &self.key_log)
            .finish_non_exhaustive()
    }
}

/// One connection's claim on its secrets; dropping it makes the router forget them.
pub(crate) struct Registration {
    router: Arc<SecretRouter>,
    client_random: ClientRandom,
}

impl Registration {
    pub(crate) fn client_random(&self) -> &ClientRandom {
        &self.client_random
    }

    /// Hands over a secret once rustls has logged it; the router keeps no copy.
    pub(crate) fn take(&self, which: TrafficSecret) -> Option<Secret> {
        self.router
            .lock()
            .get_mut(&self.client_random)?
            .slot(which)
            .take()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut waiting = self.router.lock();
        if let Some(entry) = waiting.get_mut(&self.client_random) {
            entry.registrations -= 1;
            if entry.registrations == 0 {
                waiting.remove(&self.client_random);
            }
        }
        self.router.registrations.fetch_sub(1, Ordering::Relaxed);
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration").finish_non_exhaustive()
    }
}

/// A traffic secret (32 or 48 bytes for the TLS 1.3 suites), overwritten when dropped.
pub(crate) struct Secret {
    bytes: [u8; Secret::MAX_LEN],
    len: usize,
}

impl Secret {
    /// The longest hash output a TLS 1.3 suite uses (SHA-384).
    const MAX_LEN: usize = 48;

    /// None if the secret is longer than any TLS 1.3 hash output.
    pub(crate) fn new(secret: &[u8]) -> Option<Self> {
        let mut bytes = [0u8; Self::MAX_LEN];
        bytes.get_mut(..secret.len())?.copy_from_slice(secret);
        Some(Self {
            bytes,
            len: secret.len(),
        })
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Best effort without `unsafe` or a zeroize crate: black_box keeps the compiler from
        // discarding the overwrite as a dead store.
        self.bytes.fill(0);
        std::hint::black_box(&self.bytes);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::KeyLog;

    const CLIENT_HS: &str = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    const SERVER_HS: &str = "SERVER_HANDSHAKE_TRAFFIC_SECRET";

    #[test]
    fn without_registrations_nothing_is_wanted_or_kept() {
        let router = Arc::new(SecretRouter::new());
        assert!(!router.will_log(CLIENT_HS));
        router.log(CLIENT_HS, &[1; 32], &[7; 32]);
        let registration = router.register([1; 32]);
        assert!(registration.take(TrafficSecret::ClientHandshake).is_none());
    }

    #[test]
    fn registered_randoms_get_their_handshake_secrets_once() {
        let router = Arc::new(SecretRouter::new());
        let registration = router.register([1; 32]);
        assert!(router.will_log(CLIENT_HS));
        assert!(router.will_log(SERVER_HS));
        assert!(!router.will_log("CLIENT_TRAFFIC_SECRET_0"));
        assert!(!router.will_log("CLIENT_RANDOM"));

        router.log(SERVER_HS, &[1; 32], &[7; 48]);
        router.log(CLIENT_HS, &[2; 32], &[8; 32]); // someone else's connection
        router.log("CLIENT_TRAFFIC_SECRET_0", &[1; 32], &[9; 32]);
        let secret = registration.take(TrafficSecret::ServerHandshake).unwrap();
        assert_eq!(secret.as_bytes(), &[7; 48]);
        assert!(registration.take(TrafficSecret::ServerHandshake).is_none());
        assert!(registration.take(TrafficSecret::ClientHandshake).is_none());
        assert_eq!(format!("{secret:?}"), "Secret(48 bytes)");
    }

    #[test]
    fn dropping_the_last_registration_forgets_everything() {
        let router = Arc::new(SecretRouter::new());
        let first = router.register([1; 32]);
        let second = router.register([1; 32]);
        router.log(CLIENT_HS, &[1; 32], &[7; 32]);
        drop(first);
        assert!(router.will_log(CLIENT_HS));
        assert!(second.take(TrafficSecret::ClientHandshake).is_some());
        drop(second);
        assert!(!router.will_log(CLIENT_HS));
        assert!(router.lock().is_empty());
    }

    #[test]
    fn the_key_log_gets_every_secret_with_or_without_registrations() {
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = lines.clone();
        let mut key_log = crate::core::key_log::KeyLog::default();
        key_log.set_callback(Arc::new(move |line| {
            sink.lock().unwrap().push(line.to_owned())
        }));
        let router = Arc::new(SecretRouter::with_key_log(key_log));
        assert!(router.will_log("CLIENT_RANDOM"));
        assert!(router.will_log("EXPORTER_SECRET"));
        router.log("EXPORTER_SECRET", &[1; 32], &[2; 32]);
        let registration = router.register([1; 32]);
        router.log(CLIENT_HS, &[1; 32], &[3; 32]);
        assert!(registration.take(TrafficSecret::ClientHandshake).is_some());
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("EXPORTER_SECRET 0101"));
        assert!(lines[1].starts_with("CLIENT_HANDSHAKE_TRAFFIC_SECRET 0101"));
    }

    #[test]
    fn a_capture_catches_the_early_secret_on_its_own_thread_only() {
        let router = Arc::new(SecretRouter::new());
        assert!(!router.will_log(CLIENT_EARLY_TRAFFIC_SECRET));
        let capture = EarlySecretCapture::start();
        assert!(router.will_log(CLIENT_EARLY_TRAFFIC_SECRET));
        assert!(!router.will_log(CLIENT_HS));
        let other = router.clone();
        std::thread::spawn(move || {
            assert!(!other.will_log(CLIENT_EARLY_TRAFFIC_SECRET));
            other.log(CLIENT_EARLY_TRAFFIC_SECRET, &[2; 32], &[8; 32]);
        })
        .join()
        .unwrap();
        router.log(CLIENT_EARLY_TRAFFIC_SECRET, &[1; 32], &[7; 32]);
        let early = capture.finish().unwrap();
        assert_eq!(early.client_random, [1; 32]);
        assert_eq!(early.secret.as_bytes(), &[7; 32]);
        assert!(!router.will_log(CLIENT_EARLY_TRAFFIC_SECRET));
        drop(EarlySecretCapture::start());
        router.log(CLIENT_EARLY_TRAFFIC_SECRET, &[1; 32], &[7; 32]);
        assert!(EarlySecretCapture::start().finish().is_none());
    }

    #[test]
    fn odd_inputs_are_ignored() {
        let router = Arc::new(SecretRouter::new());
        let registration = router.register([1; 32]);
        router.log(CLIENT_HS, &[1; 31], &[7; 32]);
        router.log(CLIENT_HS, &[1; 32], &[7; 49]);
        assert!(registration.take(TrafficSecret::ClientHandshake).is_none());
        assert!(!format!("{router:?}").contains('7'));
    }
}
