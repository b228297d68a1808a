//! How a traced connection gets its TLS 1.3 secrets, and what an untraced one pays for that:
//! one load of a process-wide counter, nothing else.
//!
//! rustls hands secrets only to a config's key log, with the connection's client random. Every
//! ftls config's key log is a [`ConfigKeyLog`]: it writes the application's NSS key log, if
//! one was asked for, and otherwise passes secrets on only while a handshake trace is running
//! somewhere in the process. A traced connection registers its client random (and its side:
//! an in-process client and server share the random) with the process's [`SecretRouter`] and
//! gets a [`Registration`]; the router keeps only the secrets of registered randoms, and
//! forgets them when the registration is dropped. With no registration alive, the key log's
//! [`rustls::KeyLog::will_log`] is that one counter load, and rustls hands it nothing.
//!
//! The router is one for the process rather than one per config so that an untraced
//! connection carries no reference to it and a config allocates none of it.

use super::Side;
use crate::core::key_log::KeyLog;
use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// A TLS ClientHello random: what rustls identifies a connection's secrets by.
pub(crate) type ClientRandom = [u8; 32];

const CLIENT_EARLY_TRAFFIC_SECRET: &str = "CLIENT_EARLY_TRAFFIC_SECRET";

/// The router traced connections register with.
static ROUTER: SecretRouter = SecretRouter::new();

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
/// random, and a trace set afterwards needs it to read EndOfEarlyData. Only client configs
/// that enable early data start one (see [`ConfigKeyLog::client`]).
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

/// The key log rustls calls on every ftls config: the application's NSS key log, and the
/// secrets of traced connections for the router.
pub(crate) struct ConfigKeyLog {
    /// The application's key log; empty unless it asked for one.
    key_log: KeyLog,
    /// The side of the config's connections: it keys their registrations.
    side: Side,
    /// A client config that enables early data: its connections catch the early secret while
    /// they are created (see [`EarlySecretCapture`]).
    catches_early_secret: bool,
}

impl ConfigKeyLog {
    /// The key log of a client config; `early_data`: whether it enables early data.
    pub(crate) fn client(key_log: KeyLog, early_data: bool) -> Self {
        Self {
            key_log,
            side: Side::Client,
            catches_early_secret: early_data,
        }
    }

    /// The key log of a server config.
    pub(crate) fn server(key_log: KeyLog) -> Self {
        Self {
            key_log,
            side: Side::Server,
            catches_early_secret: false,
        }
    }

    fn catching_early_secret(&self, label: &str) -> bool {
        self.catches_early_secret
            && label == CLIENT_EARLY_TRAFFIC_SECRET
            && EarlySecretCapture::active()
    }
}

impl rustls::KeyLog for ConfigKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        self.key_log.log(label, client_random, secret);
        if self.catching_early_secret(label) {
            EarlySecretCapture::keep(client_random, secret);
        }
        ROUTER.keep(self.side, label, client_random, secret);
    }

    fn will_log(&self, label: &str) -> bool {
        !self.key_log.is_empty() || ROUTER.wants(label) || self.catching_early_secret(label)
    }
}

/// Never shows a secret.
impl fmt::Debug for ConfigKeyLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigKeyLog")
            .field("key_log", &self.key_log)
            .field("side", &self.side)
            .field("catches_early_secret", &self.catches_early_secret)
            .finish()
    }
}

/// Routes rustls' key-log secrets to the traced connections that asked for them, by side and
/// client random.
pub(crate) struct SecretRouter {
    /// Live registrations: lets `wants` and `keep` answer without taking the lock.
    registrations: AtomicUsize,
    /// Few entries: one per traced connection still handshaking.
    waiting: Mutex<Vec<Waiting>>,
}

/// What the router keeps for one side's client random.
struct Waiting {
    side: Side,
    client_random: ClientRandom,
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
    pub(crate) const fn new() -> Self {
        Self {
            registrations: AtomicUsize::new(0),
            waiting: Mutex::new(Vec::new()),
        }
    }

    /// The process's router, which the config key logs feed.
    pub(crate) fn process() -> &'static Self {
        &ROUTER
    }

    /// Asks for the secrets of `side`'s connection with this client random, until the returned
    /// registration is dropped.
    pub(crate) fn register(&'static self, side: Side, client_random: ClientRandom) -> Registration {
        let mut waiting = self.lock();
        match waiting
            .iter_mut()
            .find(|entry| entry.side == side && entry.client_random == client_random)
        {
            Some(entry) => entry.registrations += 1,
            None => waiting.push(Waiting {
                side,
                client_random,
                registrations: 1,
                client_early: None,
                client_handshake: None,
                server_handshake: None,
                server_application: None,
            }),
        }
        self.registrations.fetch_add(1, Ordering::Relaxed);
        Registration {
            router: self,
            side,
            client_random,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Waiting>> {
        // The list stays consistent even if a holder panicked: every update is one statement.
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a secret with this label may be wanted: some connection is registered.
    pub(crate) fn wants(&self, label: &str) -> bool {
        self.registrations.load(Ordering::Relaxed) > 0 && TrafficSecret::from_label(label).is_some()
    }

    /// Keeps a secret rustls logged on a `side` config, if a connection registered for it.
    pub(crate) fn keep(&self, side: Side, label: &str, client_random: &[u8], secret: &[u8]) {
        if !self.wants(label) {
            return;
        }
        let (Some(which), Ok(client_random), Some(secret)) = (
            TrafficSecret::from_label(label),
            ClientRandom::try_from(client_random),
            Secret::new(secret),
        ) else {
            return;
        };
        if let Some(entry) = self
            .lock()
            .iter_mut()
            .find(|entry| entry.side == side && entry.client_random == client_random)
        {
            *entry.slot(which) = Some(secret);
        }
    }
}

/// Never shows the secrets.
impl fmt::Debug for SecretRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretRouter")
            .field("registrations", &self.registrations.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// One connection's claim on its secrets; dropping it makes the router forget them.
pub(crate) struct Registration {
    router: &'static SecretRouter,
    side: Side,
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
            .iter_mut()
            .find(|entry| entry.side == self.side && entry.client_random == self.client_random)?
            .slot(which)
            .take()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut waiting = self.router.lock();
        if let Some(at) = waiting
            .iter()
            .position(|entry| entry.side == self.side && entry.client_random == self.client_random)
        {
            waiting[at].registrations -= 1;
            if waiting[at].registrations == 0 {
                waiting.swap_remove(at);
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
    use rustls::KeyLog as _;
    use std::sync::{Arc, Mutex};

    const CLIENT_HS: &str = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    const SERVER_HS: &str = "SERVER_HANDSHAKE_TRAFFIC_SECRET";

    /// A router of the test's own: the process's one sees every test's traced connections.
    fn router() -> &'static SecretRouter {
        Box::leak(Box::new(SecretRouter::new()))
    }

    #[test]
    fn without_registrations_nothing_is_wanted_or_kept() {
        let router = router();
        assert!(!router.wants(CLIENT_HS));
        router.keep(Side::Client, CLIENT_HS, &[1; 32], &[7; 32]);
        let registration = router.register(Side::Client, [1; 32]);
        assert!(registration.take(TrafficSecret::ClientHandshake).is_none());
    }

    #[test]
    fn registered_randoms_get_their_handshake_secrets_once() {
        let router = router();
        let registration = router.register(Side::Server, [1; 32]);
        assert!(router.wants(CLIENT_HS));
        assert!(router.wants(SERVER_HS));
        assert!(!router.wants("CLIENT_TRAFFIC_SECRET_0"));
        assert!(!router.wants("CLIENT_RANDOM"));

        router.keep(Side::Server, SERVER_HS, &[1; 32], &[7; 48]);
        router.keep(Side::Server, CLIENT_HS, &[2; 32], &[8; 32]); // someone else's connection
        router.keep(Side::Client, CLIENT_HS, &[1; 32], &[8; 32]); // the in-process client's
        router.keep(Side::Server, "CLIENT_TRAFFIC_SECRET_0", &[1; 32], &[9; 32]);
        let secret = registration.take(TrafficSecret::ServerHandshake).unwrap();
        assert_eq!(secret.as_bytes(), &[7; 48]);
        assert!(registration.take(TrafficSecret::ServerHandshake).is_none());
        assert!(registration.take(TrafficSecret::ClientHandshake).is_none());
        assert_eq!(format!("{secret:?}"), "Secret(48 bytes)");
    }

    #[test]
    fn a_client_and_a_server_with_one_random_get_their_own_secrets() {
        let router = router();
        let client = router.register(Side::Client, [1; 32]);
        let server = router.register(Side::Server, [1; 32]);
        router.keep(Side::Client, CLIENT_HS, &[1; 32], &[7; 32]);
        router.keep(Side::Server, CLIENT_HS, &[1; 32], &[7; 32]);
        assert!(client.take(TrafficSecret::ClientHandshake).is_some());
        assert!(server.take(TrafficSecret::ClientHandshake).is_some());
    }

    #[test]
    fn dropping_the_last_registration_forgets_everything() {
        let router = router();
        let first = router.register(Side::Client, [1; 32]);
        let second = router.register(Side::Client, [1; 32]);
        router.keep(Side::Client, CLIENT_HS, &[1; 32], &[7; 32]);
        drop(first);
        assert!(router.wants(CLIENT_HS));
        assert!(second.take(TrafficSecret::ClientHandshake).is_some());
        drop(second);
        assert!(!router.wants(CLIENT_HS));
        assert!(router.lock().is_empty());
    }

    #[test]
    fn a_config_key_log_writes_the_application_key_log_with_or_without_traces() {
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = lines.clone();
        let mut key_log = KeyLog::default();
        key_log.set_callback(Arc::new(move |line| {
            sink.lock().unwrap().push(line.to_owned())
        }));
        let config = ConfigKeyLog::server(key_log);
        assert!(config.will_log("CLIENT_RANDOM"));
        assert!(config.will_log("EXPORTER_SECRET"));
        config.log("EXPORTER_SECRET", &[1; 32], &[2; 32]);
        config.log(CLIENT_HS, &[1; 32], &[3; 32]);
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("EXPORTER_SECRET 0101"));
        assert!(lines[1].starts_with("CLIENT_HANDSHAKE_TRAFFIC_SECRET 0101"));
    }

    #[test]
    fn an_untraced_config_without_a_key_log_wants_nothing() {
        // Other tests' traced connections may be registered with the process's router at this
        // moment: only the labels no trace ever wants are checked here.
        for config in [
            ConfigKeyLog::client(KeyLog::default(), true),
            ConfigKeyLog::server(KeyLog::default()),
        ] {
            for label in [
                "CLIENT_RANDOM",
                "EXPORTER_SECRET",
                "CLIENT_TRAFFIC_SECRET_0",
            ] {
                assert!(!config.will_log(label), "{label} on {config:?}");
            }
        }
        let server = ConfigKeyLog::server(KeyLog::default());
        let _capture = EarlySecretCapture::start();
        assert!(
            !server.catching_early_secret(CLIENT_EARLY_TRAFFIC_SECRET),
            "servers never catch"
        );
    }

    #[test]
    fn a_capture_catches_the_early_secret_on_its_own_thread_only() {
        let config = Arc::new(ConfigKeyLog::client(KeyLog::default(), true));
        assert!(!config.catching_early_secret(CLIENT_EARLY_TRAFFIC_SECRET));
        let capture = EarlySecretCapture::start();
        assert!(config.will_log(CLIENT_EARLY_TRAFFIC_SECRET));
        let other = config.clone();
        std::thread::spawn(move || {
            assert!(!other.catching_early_secret(CLIENT_EARLY_TRAFFIC_SECRET));
            other.log(CLIENT_EARLY_TRAFFIC_SECRET, &[2; 32], &[8; 32]);
        })
        .join()
        .unwrap();
        config.log(CLIENT_EARLY_TRAFFIC_SECRET, &[1; 32], &[7; 32]);
        let early = capture.finish().unwrap();
        assert_eq!(early.client_random, [1; 32]);
        assert_eq!(early.secret.as_bytes(), &[7; 32]);
        assert!(!config.catching_early_secret(CLIENT_EARLY_TRAFFIC_SECRET));
        drop(EarlySecretCapture::start());
        config.log(CLIENT_EARLY_TRAFFIC_SECRET, &[1; 32], &[7; 32]);
        assert!(EarlySecretCapture::start().finish().is_none());
        // A client config without early data catches nothing.
        let capture = EarlySecretCapture::start();
        ConfigKeyLog::client(KeyLog::default(), false).log(
            CLIENT_EARLY_TRAFFIC_SECRET,
            &[1; 32],
            &[7; 32],
        );
        assert!(capture.finish().is_none());
    }

    #[test]
    fn odd_inputs_are_ignored() {
        let router = router();
        let registration = router.register(Side::Client, [1; 32]);
        router.keep(Side::Client, CLIENT_HS, &[1; 31], &[7; 32]);
        router.keep(Side::Client, CLIENT_HS, &[1; 32], &[7; 49]);
        assert!(registration.take(TrafficSecret::ClientHandshake).is_none());
        assert!(!format!("{router:?}").contains('7'));
    }
}
