//! Session resumption and early data (0-RTT): what a client remembers of its servers, and
//! how a server lets clients come back (a session cache, an external store, stateless tickets).
//!
//! A session resumes only under the client-authentication policy it was made under. rustls
//! checks only the suite, the server name and extended master secret when it resumes, and a
//! resumed client is not authenticated again: a session made where no certificate was asked
//! for, or under other CA certificates, CRLs or verify callback, would otherwise skip the
//! checks of the config that resumes it. Each server config therefore computes a digest of its
//! policy when it is built ([`PolicyDigest`]), and whatever it shares with other configs (a
//! ticketer's keys, an external store) carries the digest with each session: a session whose
//! digest differs is not found, and the client gets a full handshake with every check. What
//! is not shared (the in-memory cache, ftls' own ticket keys) is made per config and needs no
//! binding. The digest also covers the context an application binds its sessions to
//! ([`ServerSessions::set_context`], OpenSSL's session ID context), and an application can
//! refuse to make a session resumable at all ([`ApprovesServerSessions`]). A client's sessions
//! never leave the config that made them, and its observer may refuse to keep one
//! ([`ObservesClientSessions`]).

use super::error::{Error, ResultCode::*};
use super::provider::Sha256;
use super::tickets::{random_key_ticketer, BoundTickets, TicketKeys};
use rustls::client::{ClientSessionMemoryCache, ClientSessionStore, Resumption};
use rustls::client::{Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::server::{
    NoServerSessionStorage, ProducesTickets, ServerSessionMemoryCache, StoresServerSessions,
};
use rustls::NamedGroup;
use rustls_pki_types::ServerName;
use std::sync::Arc;

/// SHA-256 of a canonical encoding of everything that decides whether a server accepts a
/// client: see [`PolicyEncoder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PolicyDigest(pub(crate) [u8; 32]);

/// Builds a [`PolicyDigest`] from labelled fields. Each field is its label and its value,
/// both length-prefixed, so that no two different policies encode alike; sets (anchors, CRLs)
/// are sorted first, so that the order they were loaded in does not matter.
pub(crate) struct PolicyEncoder(Sha256);

impl PolicyEncoder {
    pub(crate) fn new() -> Self {
        let mut encoder = Self(Sha256::new());
        encoder.field("ftls client-authentication policy", b"1");
        encoder
    }

    pub(crate) fn field(&mut self, label: &str, value: &[u8]) {
        for part in [label.as_bytes(), value] {
            self.0.update(&(part.len() as u64).to_be_bytes());
            self.0.update(part);
        }
    }

    /// One member of a set made of several parts, each length-prefixed; an absent part
    /// differs from an empty one.
    pub(crate) fn member(parts: &[Option<&[u8]>]) -> Vec<u8> {
        let mut member = Vec::new();
        for part in parts {
            match part {
                Some(bytes) => {
                    member.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
                    member.extend_from_slice(bytes);
                }
                None => member.extend_from_slice(&u64::MAX.to_be_bytes()),
            }
        }
        member
    }

    /// The members of a set, each as a field with `label`, in a canonical order.
    pub(crate) fn set(&mut self, label: &str, mut members: Vec<Vec<u8>>) {
        members.sort_unstable();
        members.dedup();
        self.field(label, &(members.len() as u64).to_be_bytes());
        for member in &members {
            self.field(label, member);
        }
    }

    pub(crate) fn finish(self) -> PolicyDigest {
        PolicyDigest(self.0.finish())
    }
}

/// How many sessions a cache holds unless told otherwise (rustls' default).
pub(crate) const DEFAULT_SESSION_CACHE: usize = 256;
/// The largest session cache: rustls allocates a cache's whole capacity when the config is
/// built (about 80 bytes a session), so a size from a careless caller could exhaust memory or
/// overflow the table's capacity.
pub(crate) const MAX_SESSION_CACHE: usize = 1 << 20;

/// `size` as a session cache size, or why not.
fn cache_size(size: usize) -> Result<usize, Error> {
    if size > MAX_SESSION_CACHE {
        return Err(Error::invalid_argument(format!(
            "a session cache of {size} sessions is above the limit of {MAX_SESSION_CACHE}"
        )));
    }
    Ok(size)
}

/// What a client was given to resume with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceivedSession {
    /// A TLS 1.2 session (its ID or ticket), kept when a handshake completed: also again
    /// when the handshake resumed it.
    Tls12,
    /// One TLS 1.3 ticket (a server may send several, at any time after the handshake).
    Tls13Ticket,
}

/// Told of each session a client config is given, before it keeps it (from inside the
/// connection call that received it).
pub trait ObservesClientSessions: std::fmt::Debug + Send + Sync {
    /// Whether the store keeps `session` to offer it again. A session the observer refuses
    /// is dropped: the OpenSSL-compatible client refuses those of connections whose server
    /// verification failed but was tolerated (SSL_VERIFY_NONE, or a verify callback), as a
    /// resumed handshake checks no certificate.
    fn received(&self, session: ReceivedSession) -> bool;
}

/// A client's resumption settings. Each config built gets its own in-memory store, shared by
/// the connections made from that config and by nothing else: a session is only offered under
/// the server verification that accepted it.
#[derive(Clone, Debug)]
pub struct ClientSessions {
    cache_size: usize,
    early_data: bool,
    observer: Option<Arc<dyn ObservesClientSessions>>,
}

impl Default for ClientSessions {
    fn default() -> Self {
        Self {
            cache_size: DEFAULT_SESSION_CACHE,
            early_data: false,
            observer: None,
        }
    }
}

impl ClientSessions {
    /// Keeps sessions for up to `size` servers (names); 0 turns resumption off. Refused above
    /// [`MAX_SESSION_CACHE`].
    pub fn set_cache_size(&mut self, size: usize) -> Result<(), Error> {
        self.cache_size = cache_size(size)?;
        Ok(())
    }

    /// Offers early data (0-RTT) when resuming a session whose server allows it.
    pub fn set_early_data(&mut self, enable: bool) {
        self.early_data = enable;
    }

    /// Tells `observer` of each session the config's store is given, and keeps those it
    /// accepts (none with a cache size 0).
    pub fn set_observer(&mut self, observer: Option<Arc<dyn ObservesClientSessions>>) {
        self.observer = observer;
    }

    pub(crate) fn apply(&self, config: &mut rustls::ClientConfig) -> Result<(), Error> {
        if self.early_data && self.cache_size == 0 {
            return Err(Error::new(
                FTLS_ERR_CONFIG,
                "early data needs session resumption, but the session cache size is 0",
            ));
        }
        config.resumption = match (self.cache_size, &self.observer) {
            (0, _) => Resumption::disabled(),
            (size, None) => Resumption::in_memory_sessions(size),
            (size, Some(observer)) => Resumption::store(Arc::new(ObservedClientSessions {
                store: ClientSessionMemoryCache::new(size),
                observer: observer.clone(),
            })),
        };
        config.enable_early_data = self.early_data;
        Ok(())
    }
}

/// rustls' in-memory client store, keeping the sessions its observer accepts.
#[derive(Debug)]
struct ObservedClientSessions {
    store: ClientSessionMemoryCache,
    observer: Arc<dyn ObservesClientSessions>,
}

impl ClientSessionStore for ObservedClientSessions {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: NamedGroup) {
        self.store.set_kx_hint(server_name, group)
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<NamedGroup> {
        self.store.kx_hint(server_name)
    }

    fn set_tls12_session(&self, server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        if self.observer.received(ReceivedSession::Tls12) {
            self.store.set_tls12_session(server_name, value);
        }
    }

    fn tls12_session(&self, server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.store.tls12_session(server_name)
    }

    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.store.remove_tls12_session(server_name)
    }

    fn insert_tls13_ticket(
        &self,
        server_name: ServerName<'static>,
        value: Tls13ClientSessionValue,
    ) {
        if self.observer.received(ReceivedSession::Tls13Ticket) {
            self.store.insert_tls13_ticket(server_name, value);
        }
    }

    fn take_tls13_ticket(
        &self,
        server_name: &ServerName<'static>,
    ) -> Option<Tls13ClientSessionValue> {
        self.store.take_tls13_ticket(server_name)
    }
}

/// Where a server keeps the sessions it can resume by ID (TLS 1.2 session IDs, TLS 1.3
/// stateful tickets).
#[derive(Clone, Debug)]
enum Store {
    /// An in-memory cache of this many sessions per config; 0 keeps none.
    Memory(usize),
    /// The application's store.
    External(Arc<dyn StoresServerSessions>),
}

/// Whether the server issues stateless tickets, and under which keys.
#[derive(Clone, Debug)]
enum Tickets {
    Off,
    /// Keys ftls makes and rotates itself, per config.
    RandomKeys,
    /// The application's keys, shared with other configs (and other servers).
    Keys(Arc<TicketKeys>),
}

/// Asked, from inside the connection call about to make a session resumable (store it, or
/// seal it into a ticket), whether the server may: a resumed client is not authenticated
/// again, so the OpenSSL-compatible server refuses when it tolerated a client certificate
/// that failed verification.
pub trait ApprovesServerSessions: std::fmt::Debug + Send + Sync {
    fn approves(&self) -> bool;
}

/// A server's resumption and early-data settings.
#[derive(Clone, Debug)]
pub struct ServerSessions {
    store: Store,
    tickets: Tickets,
    max_early_data: u32,
    approver: Option<Arc<dyn ApprovesServerSessions>>,
    context: Vec<u8>,
}

impl Default for ServerSessions {
    fn default() -> Self {
        Self {
            store: Store::Memory(DEFAULT_SESSION_CACHE),
            tickets: Tickets::Off,
            max_early_data: 0,
            approver: None,
            context: Vec::new(),
        }
    }
}

impl ServerSessions {
    /// An in-memory session cache of `size` sessions (replacing an external store); 0 keeps
    /// none. Refused above [`MAX_SESSION_CACHE`].
    pub fn set_cache_size(&mut self, size: usize) -> Result<(), Error> {
        self.store = Store::Memory(cache_size(size)?);
        Ok(())
    }

    /// Keeps sessions in the application's store instead of memory.
    pub fn set_store(&mut self, store: Arc<dyn StoresServerSessions>) {
        self.store = Store::External(store);
    }

    /// Stateless tickets under keys ftls makes (on), or no stateless tickets (off).
    pub fn set_tickets(&mut self, enable: bool) {
        self.tickets = if enable {
            Tickets::RandomKeys
        } else {
            Tickets::Off
        };
    }

    /// Stateless tickets under the application's keys.
    pub fn set_ticket_keys(&mut self, keys: Arc<TicketKeys>) {
        self.tickets = Tickets::Keys(keys);
    }

    /// Accepts up to `size` bytes of early data (0-RTT) from resuming clients; 0 refuses it.
    pub fn set_max_early_data(&mut self, size: u32) {
        self.max_early_data = size;
    }

    /// Lets a session be stored or sealed into a ticket only when `approver` approves (all
    /// of them without one).
    pub fn set_approver(&mut self, approver: Option<Arc<dyn ApprovesServerSessions>>) {
        self.approver = approver;
    }

    /// Binds the sessions to `context` too (OpenSSL's session ID context): what the config
    /// shares with others (an external store, the application's ticket keys) finds no session
    /// made under another context.
    pub fn set_context(&mut self, context: &[u8]) {
        self.context = context.to_vec();
    }

    /// What [`ServerSessions::set_context`] set (empty by default).
    pub(crate) fn context(&self) -> &[u8] {
        &self.context
    }

    /// Whether the server accepts early data (0-RTT) at all.
    pub(crate) fn accepts_early_data(&self) -> bool {
        self.max_early_data > 0
    }

    /// Sets the config's resumption; what other configs share is bound to `policy`.
    pub(crate) fn apply(
        &self,
        config: &mut rustls::ServerConfig,
        policy: PolicyDigest,
    ) -> Result<(), Error> {
        let mut stateful = match &self.store {
            Store::Memory(0) => None,
            Store::Memory(size) => {
                Some(ServerSessionMemoryCache::new(*size) as Arc<dyn StoresServerSessions>)
            }
            Store::External(store) => Some(Arc::new(BoundStore {
                store: store.clone(),
                policy,
            }) as Arc<dyn StoresServerSessions>),
        };
        let mut ticketer: Option<Arc<dyn ProducesTickets>> = match &self.tickets {
            Tickets::Off => None,
            Tickets::RandomKeys => Some(random_key_ticketer()?),
            Tickets::Keys(keys) => Some(Arc::new(BoundTickets {
                keys: keys.clone(),
                context: policy.0,
            })),
        };
        if let Some(approver) = &self.approver {
            stateful = stateful.map(|inner| {
                Arc::new(Approved {
                    inner,
                    approver: approver.clone(),
                }) as Arc<dyn StoresServerSessions>
            });
            ticketer = ticketer.map(|inner| {
                Arc::new(Approved {
                    inner,
                    approver: approver.clone(),
                }) as Arc<dyn ProducesTickets>
            });
        }
        if self.max_early_data > 0 {
            // RFC 8446 §8: single-use tickets (taken from the store) are the anti-replay
            // defence; rustls refuses 0-RTT with stateless tickets for that reason.
            if ticketer.is_some() {
                return Err(Error::new(
                    FTLS_ERR_CONFIG,
                    "early data needs stateful resumption (a session cache or store), but \
                     stateless tickets are on: turn tickets off, or early data off",
                ));
            }
            if stateful.is_none() {
                return Err(Error::new(
                    FTLS_ERR_CONFIG,
                    "early data needs stateful resumption, but the session cache size is 0",
                ));
            }
        }
        if stateful.is_none() && ticketer.is_none() {
            // Nothing could resume them: do not send TLS 1.3 tickets at all.
            config.send_tls13_tickets = 0;
        }
        config.session_storage = stateful.unwrap_or_else(|| Arc::new(NoServerSessionStorage {}));
        if let Some(ticketer) = ticketer {
            config.ticketer = ticketer;
        }
        config.max_early_data_size = self.max_early_data;
        Ok(())
    }
}

/// An external store as one config uses it: each value is stored after the config's policy
/// digest, and a value stored under another policy is not found.
#[derive(Debug)]
struct BoundStore {
    store: Arc<dyn StoresServerSessions>,
    policy: PolicyDigest,
}

impl BoundStore {
    fn unwrap_value(&self, value: Option<Vec<u8>>) -> Option<Vec<u8>> {
        let mut value = value?;
        if !value.starts_with(&self.policy.0) {
            return None;
        }
        value.drain(..self.policy.0.len());
        Some(value)
    }
}

impl StoresServerSessions for BoundStore {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        self.store.put(key, [&self.policy.0[..], &value].concat())
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.unwrap_value(self.store.get(key))
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.unwrap_value(self.store.take(key))
    }

    fn can_cache(&self) -> bool {
        self.store.can_cache()
    }
}

/// A server's store or ticketer that makes a session resumable only when its approver
/// approves (looking one up, or opening a ticket, is left as it is).
#[derive(Debug)]
struct Approved<T: ?Sized> {
    inner: Arc<T>,
    approver: Arc<dyn ApprovesServerSessions>,
}

impl StoresServerSessions for Approved<dyn StoresServerSessions> {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        self.approver.approves() && self.inner.put(key, value)
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.inner.get(key)
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.inner.take(key)
    }

    fn can_cache(&self) -> bool {
        self.inner.can_cache()
    }
}

impl ProducesTickets for Approved<dyn ProducesTickets> {
    fn enabled(&self) -> bool {
        self.inner.enabled()
    }

    fn lifetime(&self) -> u32 {
        self.inner.lifetime()
    }

    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        self.approver
            .approves()
            .then(|| self.inner.encrypt(plain))
            .flatten()
    }

    fn decrypt(&self, cipher: &[u8]) -> Option<Vec<u8>> {
        self.inner.decrypt(cipher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(fields: &[(&str, &[u8])]) -> PolicyDigest {
        let mut encoder = PolicyEncoder::new();
        for (label, value) in fields {
            encoder.field(label, value);
        }
        encoder.finish()
    }

    #[test]
    fn field_boundaries_are_part_of_the_encoding() {
        assert_ne!(digest(&[("a", b"bc")]), digest(&[("ab", b"c")]));
        assert_ne!(digest(&[("a", b"")]), digest(&[]));
        assert_eq!(digest(&[("a", b"x")]), digest(&[("a", b"x")]));
    }

    #[test]
    fn sets_ignore_order_and_repeats() {
        let set = |members: &[&[u8]]| {
            let mut encoder = PolicyEncoder::new();
            encoder.set("ca", members.iter().map(|m| m.to_vec()).collect());
            encoder.finish()
        };
        assert_eq!(set(&[b"one", b"two"]), set(&[b"two", b"one", b"two"]));
        assert_ne!(set(&[b"one"]), set(&[b"one", b"two"]));
        assert_ne!(set(&[]), digest(&[]));
        let member = PolicyEncoder::member;
        assert_ne!(
            member(&[Some(b"ab"), Some(b"")]),
            member(&[Some(b"a"), Some(b"b")])
        );
        assert_ne!(member(&[Some(b"")]), member(&[None]));
    }

    fn rustls_server() -> rustls::ServerConfig {
        rustls::ServerConfig::builder_with_provider(crate::core::provider::default_provider())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(rustls::server::ResolvesServerCertUsingSni::new()))
    }

    fn rustls_client() -> rustls::ClientConfig {
        rustls::ClientConfig::builder_with_provider(crate::core::provider::default_provider())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    }

    fn applied(sessions: &ServerSessions) -> Result<rustls::ServerConfig, Error> {
        let mut config = rustls_server();
        sessions.apply(&mut config, PolicyDigest([1; 32]))?;
        Ok(config)
    }

    #[test]
    fn cache_sizes_are_bounded_and_a_refused_size_changes_nothing() {
        let mut server = ServerSessions::default();
        server.set_cache_size(0).unwrap();
        let err = server.set_cache_size(MAX_SESSION_CACHE + 1).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_INVALID_ARGUMENT);
        assert!(
            err.detail().contains(&MAX_SESSION_CACHE.to_string()),
            "{err}"
        );
        assert_eq!(
            applied(&server).unwrap().send_tls13_tickets,
            0,
            "still no cache"
        );
        server.set_cache_size(MAX_SESSION_CACHE).unwrap();

        let mut client = ClientSessions::default();
        let err = client.set_cache_size(usize::MAX).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_INVALID_ARGUMENT);
        assert_eq!(client.cache_size, DEFAULT_SESSION_CACHE);
    }

    #[test]
    fn a_server_that_cannot_resume_sends_no_tickets() {
        let defaults = applied(&ServerSessions::default()).unwrap();
        assert!(defaults.send_tls13_tickets > 0);
        assert!(defaults.session_storage.can_cache());
        assert!(!defaults.ticketer.enabled());

        let mut nothing = ServerSessions::default();
        nothing.set_cache_size(0).unwrap();
        let config = applied(&nothing).unwrap();
        assert_eq!(config.send_tls13_tickets, 0);
        assert!(!config.session_storage.can_cache());

        let mut tickets_only = nothing.clone();
        tickets_only.set_tickets(true);
        let config = applied(&tickets_only).unwrap();
        assert!(config.send_tls13_tickets > 0);
        assert!(config.ticketer.enabled());
    }

    #[test]
    fn early_data_needs_single_use_stateful_sessions() {
        let mut server = ServerSessions::default();
        server.set_max_early_data(16384);
        assert!(server.accepts_early_data());
        assert_eq!(applied(&server).unwrap().max_early_data_size, 16384);

        let mut with_tickets = server.clone();
        with_tickets.set_tickets(true);
        let err = applied(&with_tickets).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_CONFIG);
        assert!(err.detail().contains("stateless tickets are on"), "{err}");

        let mut without_cache = server.clone();
        without_cache.set_cache_size(0).unwrap();
        let err = applied(&without_cache).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_CONFIG);
        assert!(err.detail().contains("session cache size is 0"), "{err}");

        let mut client = ClientSessions::default();
        client.set_early_data(true);
        let mut config = rustls_client();
        client.apply(&mut config).unwrap();
        assert!(config.enable_early_data);
        client.set_cache_size(0).unwrap();
        let err = client.apply(&mut rustls_client()).unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_CONFIG);
    }

    #[test]
    fn an_external_store_is_bound_to_the_policy_of_its_config() {
        let shared: Arc<dyn StoresServerSessions> = ServerSessionMemoryCache::new(8);
        let mut sessions = ServerSessions::default();
        sessions.set_store(shared.clone());
        let mut config = rustls_server();
        sessions.apply(&mut config, PolicyDigest([7; 32])).unwrap();
        assert!(config
            .session_storage
            .put(b"id".to_vec(), b"session".to_vec()));
        let stored = shared.get(b"id").unwrap();
        assert_eq!(stored, [&[7u8; 32][..], b"session"].concat());
        assert_eq!(config.session_storage.get(b"id").unwrap(), b"session");
        let mut other = rustls_server();
        sessions.apply(&mut other, PolicyDigest([8; 32])).unwrap();
        assert!(other.session_storage.get(b"id").is_none());
    }

    #[test]
    fn a_shared_store_finds_only_sessions_of_the_same_policy() {
        let shared: Arc<dyn StoresServerSessions> = ServerSessionMemoryCache::new(8);
        let bound = |byte: u8| BoundStore {
            store: shared.clone(),
            policy: PolicyDigest([byte; 32]),
        };
        let (one, twin, other) = (bound(1), bound(1), bound(2));
        assert!(one.put(b"id".to_vec(), b"session".to_vec()));
        assert_eq!(twin.get(b"id").unwrap(), b"session");
        assert!(other.get(b"id").is_none());
        assert!(other.take(b"id").is_none());
        // The other policy's take still used the session up.
        assert!(one.get(b"id").is_none());
        // A value put by something else, shorter than a digest: not found either.
        shared.put(b"raw".to_vec(), b"x".to_vec());
        assert!(one.get(b"raw").is_none());
    }
}
