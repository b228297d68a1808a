//! Watches the TLS bytes a connection sends and receives and reports each handshake message,
//! in order, with its direction: the mechanism behind `--trace` and the handshake callback.
//!
//! rustls has no message hook, so the observer decodes the record stream itself. Plaintext
//! handshake records are read directly. TLS 1.3 encrypts everything after ServerHello; those
//! records are decrypted with the handshake traffic secrets, which rustls hands to the config's
//! key log ([`ConfigKeyLog`]) and the process's [`SecretRouter`] to the traced connection. In TLS 1.2 the only encrypted handshake message is Finished,
//! which by the protocol is the first record after ChangeCipherSpec. With early data (0-RTT),
//! the client's records between its ClientHello and its handshake-key records are early data,
//! skipped, then EndOfEarlyData, decrypted with the client's early traffic secret; early data
//! the server rejected is skipped like rustls skips it (it does not open under the handshake
//! key).
//!
//! The bytes come from an untrusted peer. Anything the observer cannot follow (garbage, a
//! record that does not decrypt, a missing secret, an unknown suite, oversized data) makes it
//! stop quietly: rustls, not the observer, reports protocol errors.
//!
//! Files: `records.rs` frames records, `messages.rs` joins handshake messages, `hello.rs`
//! reads the hellos, `tls13_keys.rs` decrypts TLS 1.3 records (with the primitives of
//! `crypto.rs`, from the crypto provider), `secret_router.rs` delivers the secrets.
//!
//! Only a traced connection has an observer (the connection creates one when a handshake
//! trace is set); an untraced one runs none of this code.

mod crypto;
mod hello;
mod messages;
mod records;
mod secret_router;
mod tls13_keys;

pub(crate) use secret_router::ConfigKeyLog;

use hello::Version;
use messages::{Message, MessageJoiner};
use records::{ContentType, RecordHeader, RecordReader};
use secret_router::{ClientRandom, Registration, Secret, SecretRouter, TrafficSecret};
pub(crate) use secret_router::{EarlySecret, EarlySecretCapture};
use tls13_keys::{Opened, RecordDecrypter, Tls13Suite};

/// Which way a message travelled, seen from this endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

/// A handshake message type (RFC 8446 §4 and RFC 5246 §7.4 numbering), plus the
/// ChangeCipherSpec record and the HelloRetryRequest form of ServerHello.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandshakeMessage {
    ClientHello,
    ServerHello,
    HelloRetryRequest,
    NewSessionTicket,
    EndOfEarlyData,
    EncryptedExtensions,
    Certificate,
    CompressedCertificate,
    ServerKeyExchange,
    CertificateRequest,
    ServerHelloDone,
    CertificateVerify,
    ClientKeyExchange,
    Finished,
    KeyUpdate,
    ChangeCipherSpec,
    /// A handshake message of a type ftls does not name.
    Unknown(u8),
}

/// The messages that have a HandshakeType number of their own, for decoding.
const HANDSHAKE_TYPES: [HandshakeMessage; 14] = [
    HandshakeMessage::ClientHello,
    HandshakeMessage::ServerHello,
    HandshakeMessage::NewSessionTicket,
    HandshakeMessage::EndOfEarlyData,
    HandshakeMessage::EncryptedExtensions,
    HandshakeMessage::Certificate,
    HandshakeMessage::CompressedCertificate,
    HandshakeMessage::ServerKeyExchange,
    HandshakeMessage::CertificateRequest,
    HandshakeMessage::ServerHelloDone,
    HandshakeMessage::CertificateVerify,
    HandshakeMessage::ClientKeyExchange,
    HandshakeMessage::Finished,
    HandshakeMessage::KeyUpdate,
];

impl HandshakeMessage {
    /// The message's name as the RFCs write it, e.g. `"ClientHello"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ClientHello => "ClientHello",
            Self::ServerHello => "ServerHello",
            Self::HelloRetryRequest => "HelloRetryRequest",
            Self::NewSessionTicket => "NewSessionTicket",
            Self::EndOfEarlyData => "EndOfEarlyData",
            Self::EncryptedExtensions => "EncryptedExtensions",
            Self::Certificate => "Certificate",
            Self::CompressedCertificate => "CompressedCertificate",
            Self::ServerKeyExchange => "ServerKeyExchange",
            Self::CertificateRequest => "CertificateRequest",
            Self::ServerHelloDone => "ServerHelloDone",
            Self::CertificateVerify => "CertificateVerify",
            Self::ClientKeyExchange => "ClientKeyExchange",
            Self::Finished => "Finished",
            Self::KeyUpdate => "KeyUpdate",
            Self::ChangeCipherSpec => "ChangeCipherSpec",
            Self::Unknown(_) => "Unknown",
        }
    }

    /// The wire number: the HandshakeType byte; 254 for HelloRetryRequest and 255 for
    /// ChangeCipherSpec, which have none of their own.
    pub fn number(self) -> u8 {
        match self {
            Self::ClientHello => 1,
            Self::ServerHello => 2,
            Self::NewSessionTicket => 4,
            Self::EndOfEarlyData => 5,
            Self::EncryptedExtensions => 8,
            Self::Certificate => 11,
            Self::ServerKeyExchange => 12,
            Self::CertificateRequest => 13,
            Self::ServerHelloDone => 14,
            Self::CertificateVerify => 15,
            Self::ClientKeyExchange => 16,
            Self::Finished => 20,
            Self::KeyUpdate => 24,
            Self::CompressedCertificate => 25,
            Self::HelloRetryRequest => 254,
            Self::ChangeCipherSpec => 255,
            Self::Unknown(number) => number,
        }
    }

    /// The message a HandshakeType byte names.
    fn from_handshake_type(number: u8) -> Self {
        HANDSHAKE_TYPES
            .into_iter()
            .find(|message| message.number() == number)
            .unwrap_or(Self::Unknown(number))
    }
}

/// One observed handshake message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeEvent {
    pub direction: Direction,
    pub message: HandshakeMessage,
    /// Length of the message body in bytes (0 for ChangeCipherSpec).
    pub length: usize,
    /// The message body (after the 4-byte header), as decoded; empty for ChangeCipherSpec and
    /// for the TLS 1.2 Finished, which the observer does not decrypt.
    pub body: Vec<u8>,
}

/// One observed alert record: the handshake's end, or a close_notify during it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlertEvent {
    pub direction: Direction,
    /// 1 warning, 2 fatal.
    pub level: u8,
    /// The AlertDescription number.
    pub description: u8,
}

/// Why the observer stopped following the handshake (for the debug log only).
#[derive(Debug)]
struct GiveUp(&'static str);

/// TLS 1.2 Finished.verify_data is 12 bytes for every suite rustls offers (RFC 5246 §7.4.9).
const TLS12_VERIFY_DATA_LEN: usize = 12;

/// A real handshake has fewer than 30 messages; more means the peer is playing games.
const MAX_MESSAGES: usize = 64;

/// Decodes one connection's handshake from its raw TLS bytes.
pub struct HandshakeObserver {
    sent: Stream,
    received: Stream,
    shared: Shared,
    /// Set when the observer met something it cannot follow; it then ignores all bytes.
    gave_up: bool,
}

/// What both directions learn from each other, and where their events go.
struct Shared {
    /// This connection's side: it keys the registration.
    side: Side,
    router: &'static SecretRouter,
    /// This connection's claim on its secrets, from the ClientHello until the observer is done.
    registration: Option<Registration>,
    /// The client's early traffic secret, caught when the connection was created (a client
    /// connection's only chance: see `EarlySecretCapture`).
    early_secret: Option<EarlySecret>,
    /// Set by the ServerHello (not by a HelloRetryRequest).
    version: Option<Version>,
    tls13_suite: Option<Tls13Suite>,
    events: Vec<HandshakeEvent>,
    alerts: Vec<AlertEvent>,
    messages_seen: usize,
}

/// Who wrote a stream: it decides which traffic secret protects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Client,
    Server,
}

/// One direction of the connection.
struct Stream {
    direction: Direction,
    /// Who sends on this stream.
    author: Side,
    records: RecordReader,
    messages: MessageJoiner,
    state: StreamState,
}

enum StreamState {
    /// Handshake records: plaintext ones, and in TLS 1.3 protected ones (outer type
    /// application_data), which need the decrypter, loaded when the first one arrives.
    Handshake { decrypter: Option<RecordDecrypter> },
    /// TLS 1.3, the client's records after a ClientHello offering early data: early data and
    /// EndOfEarlyData under the early traffic key, until the first record that opens under
    /// the handshake key. Either decrypter is loaded once its secret is known.
    EarlyData {
        early: Option<RecordDecrypter>,
        handshake: Option<RecordDecrypter>,
        /// Early records that went by before the early key could be loaded.
        skipped: u64,
    },
    /// TLS 1.2 after ChangeCipherSpec: the next handshake record is the encrypted Finished.
    Tls12FinishedNext,
    /// A TLS 1.3 server's own records after its Finished: NewSessionTickets under its first
    /// application traffic key, until the first record that is not a handshake message.
    Tickets { decrypter: Option<RecordDecrypter> },
    /// This direction's Finished has passed; what follows is application traffic.
    Finished,
}

/// What to do when a protected record arrives before its secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MissingKey {
    /// rustls has not processed the bytes yet: the secret may still come.
    Wait,
    /// rustls produced or processed the bytes: the secret will never come.
    GiveUp,
}

impl HandshakeObserver {
    /// `is_client`: which end this connection is. The TLS 1.3 secrets come from the process's
    /// router.
    pub fn new(is_client: bool) -> Self {
        Self::with_router(is_client, SecretRouter::process())
    }

    /// An observer fed by `router` (a test's own).
    fn with_router(is_client: bool, router: &'static SecretRouter) -> Self {
        let (me, peer) = match is_client {
            true => (Side::Client, Side::Server),
            false => (Side::Server, Side::Client),
        };
        Self {
            sent: Stream::new(Direction::Sent, me),
            received: Stream::new(Direction::Received, peer),
            shared: Shared {
                side: me,
                router,
                registration: None,
                early_secret: None,
                version: None,
                tls13_suite: None,
                events: Vec::new(),
                alerts: Vec::new(),
                messages_seen: 0,
            },
            gave_up: false,
        }
    }

    /// Hands over the early traffic secret caught when the client connection was created.
    pub(crate) fn provide_early_secret(&mut self, early: EarlySecret) {
        self.shared.early_secret = Some(early);
    }

    /// Bytes this endpoint has just written to the transport, in order.
    pub fn outgoing(&mut self, bytes: &[u8]) {
        // rustls logged the secrets before producing these bytes.
        self.feed(Direction::Sent, bytes, MissingKey::GiveUp);
    }

    /// Bytes this endpoint has just read from the transport, in order. Plaintext records are
    /// decoded at once; encrypted ones may have to wait for [`Self::decode_incoming`], which
    /// the connection calls after rustls processed them (by then their keys are known).
    pub fn incoming(&mut self, bytes: &[u8]) {
        // Decoding the plaintext at once matters on a server: the client random must be
        // registered from the ClientHello before rustls processes it and logs the secrets.
        self.feed(Direction::Received, bytes, MissingKey::Wait);
    }

    /// Decodes the incoming bytes received so far, as far as keys allow.
    pub fn decode_incoming(&mut self) {
        self.decode(Direction::Received, MissingKey::GiveUp);
    }

    /// The events decoded since the last call, in the order the messages travelled.
    pub fn take_events(&mut self) -> Vec<HandshakeEvent> {
        std::mem::take(&mut self.shared.events)
    }

    /// The alert records decoded since the last call, in the order they travelled.
    pub fn take_alerts(&mut self) -> Vec<AlertEvent> {
        std::mem::take(&mut self.shared.alerts)
    }

    /// True once both Finished messages have been seen: the observer has nothing more to do.
    /// Also true once it met something it cannot follow (it then stops quietly).
    pub fn is_done(&self) -> bool {
        self.gave_up || (self.sent.is_finished() && self.received.is_finished())
    }

    fn feed(&mut self, direction: Direction, bytes: &[u8], missing_key: MissingKey) {
        // In slices the record buffer can hold: one write may carry a whole flight plus
        // application data, and what follows a Finished is never buffered.
        let mut rest = bytes;
        while !rest.is_empty() && !self.is_done() {
            let (stream, _) = self.parts(direction);
            if stream.is_finished() {
                return;
            }
            let accepted = stream.records.push(rest);
            if accepted == 0 {
                self.give_up(GiveUp("too many undecodable bytes"));
                return;
            }
            rest = &rest[accepted..];
            self.decode(direction, missing_key);
        }
    }

    fn decode(&mut self, direction: Direction, missing_key: MissingKey) {
        if self.is_done() {
            return;
        }
        let (stream, shared) = self.parts(direction);
        if let Err(reason) = stream.decode(shared, missing_key) {
            self.give_up(reason);
        } else if self.is_done() {
            // Nothing more to decrypt: let the router forget this connection.
            self.shared.registration = None;
            self.shared.early_secret = None;
        }
    }

    fn parts(&mut self, direction: Direction) -> (&mut Stream, &mut Shared) {
        let stream = match direction {
            Direction::Sent => &mut self.sent,
            Direction::Received => &mut self.received,
        };
        (stream, &mut self.shared)
    }

    fn give_up(&mut self, reason: GiveUp) {
        log::debug!("handshake trace stops: {}", reason.0);
        self.gave_up = true;
        self.shared.registration = None;
        self.shared.early_secret = None;
        self.sent.stop();
        self.received.stop();
    }
}

impl Stream {
    fn new(direction: Direction, author: Side) -> Self {
        Self {
            direction,
            author,
            records: RecordReader::default(),
            messages: MessageJoiner::default(),
            state: StreamState::Handshake { decrypter: None },
        }
    }

    fn is_finished(&self) -> bool {
        matches!(self.state, StreamState::Finished)
    }

    /// Drops everything buffered; nothing more will be decoded.
    fn stop(&mut self) {
        self.state = StreamState::Finished;
        self.records.clear();
        self.messages = MessageJoiner::default();
    }

    /// Decodes every whole record buffered, unless a protected one must wait for its key.
    fn decode(&mut self, shared: &mut Shared, missing_key: MissingKey) -> Result<(), GiveUp> {
        while !self.is_finished() {
            let Some(header) = self.records.next_complete()? else {
                return Ok(());
            };
            let protected = header.content_type() == ContentType::ApplicationData;
            let early = matches!(self.state, StreamState::EarlyData { .. });
            let ready = match (protected, early) {
                (true, true) => self.early_keys_ready(shared)?,
                (true, false) => self.key_ready(shared)?,
                (false, _) => true,
            };
            if !ready {
                return match missing_key {
                    MissingKey::Wait => Ok(()),
                    MissingKey::GiveUp => Err(GiveUp("no secret for a protected record")),
                };
            }
            let body = self.records.take_body(&header);
            if protected && early {
                self.early_record(shared, &header, body)?;
            } else {
                self.record(shared, &header, body)?;
            }
        }
        self.stop();
        Ok(())
    }

    /// Whether an application_data record can be decoded now: loads the TLS 1.3 decrypter
    /// once rustls has logged this direction's handshake secret.
    fn key_ready(&mut self, shared: &mut Shared) -> Result<bool, GiveUp> {
        if let StreamState::Tickets { decrypter: None } = self.state {
            return self.tickets_key_ready(shared);
        }
        let StreamState::Handshake { decrypter: None } = self.state else {
            return Ok(true);
        };
        let suite = shared
            .tls13_suite
            .ok_or(GiveUp("application data before a TLS 1.3 ServerHello"))?;
        let Some(secret) = shared.take_secret(self.author) else {
            return Ok(false);
        };
        if !self.messages.is_empty() {
            return Err(GiveUp("handshake message split across a key change"));
        }
        let decrypter = RecordDecrypter::new(suite, secret.as_bytes())
            .ok_or(GiveUp("cannot derive the handshake traffic keys"))?;
        self.state = StreamState::Handshake {
            decrypter: Some(decrypter),
        };
        Ok(true)
    }

    /// As `key_ready`, for the records after a TLS 1.3 server's Finished.
    fn tickets_key_ready(&mut self, shared: &mut Shared) -> Result<bool, GiveUp> {
        let suite = shared
            .tls13_suite
            .ok_or(GiveUp("tickets before a TLS 1.3 ServerHello"))?;
        let Some(secret) = shared.take_application_secret() else {
            return Ok(false);
        };
        let decrypter = RecordDecrypter::new(suite, secret.as_bytes())
            .ok_or(GiveUp("cannot derive the application traffic keys"))?;
        self.state = StreamState::Tickets {
            decrypter: Some(decrypter),
        };
        Ok(true)
    }

    /// In the early-data phase: whether a protected record can be dealt with now. Before the
    /// ServerHello only early data can be protected (it is skipped, no key needed); after it,
    /// the record is early data or EndOfEarlyData (early key) or the client's next flight
    /// (handshake key), and at least the handshake key is needed to tell.
    fn early_keys_ready(&mut self, shared: &mut Shared) -> Result<bool, GiveUp> {
        let StreamState::EarlyData {
            early,
            handshake,
            skipped,
        } = &mut self.state
        else {
            return Ok(true);
        };
        let Some(suite) = shared.tls13_suite else {
            return Ok(true);
        };
        if early.is_none() {
            if let Some(secret) = shared.take_early_secret() {
                *early = RecordDecrypter::new(suite, secret.as_bytes())
                    .and_then(|mut decrypter| decrypter.skip(*skipped).map(|()| decrypter));
            }
        }
        if handshake.is_none() {
            if let Some(secret) = shared.take_secret(self.author) {
                *handshake = Some(
                    RecordDecrypter::new(suite, secret.as_bytes())
                        .ok_or(GiveUp("cannot derive the handshake traffic keys"))?,
                );
            }
        }
        Ok(handshake.is_some())
    }

    /// One protected record of the early-data phase (see [`Self::early_keys_ready`]).
    fn early_record(
        &mut self,
        shared: &mut Shared,
        header: &RecordHeader,
        body: Vec<u8>,
    ) -> Result<(), GiveUp> {
        let StreamState::EarlyData {
            early,
            handshake,
            skipped,
        } = &mut self.state
        else {
            return Err(GiveUp("early data outside the early-data phase"));
        };
        if shared.tls13_suite.is_none() || early.is_none() && handshake.is_none() {
            // Early data, before the server has even answered.
            *skipped += 1;
            return Ok(());
        }
        if let Some(opened) = early
            .as_mut()
            .and_then(|early| early.open(header, body.clone()))
        {
            return match ContentType::from_byte(opened.content_type) {
                Some(ContentType::ApplicationData) => Ok(()),
                // EndOfEarlyData (its message ends the phase) or an alert.
                _ => self.opened(shared, opened),
            };
        }
        let Some(opened) = handshake
            .as_mut()
            .and_then(|handshake| handshake.open(header, body))
        else {
            // Early data the server rejected: it skips it too.
            return Ok(());
        };
        if !self.messages.is_empty() {
            return Err(GiveUp("handshake message split across a key change"));
        }
        self.end_early_data();
        self.opened(shared, opened)
    }

    /// Leaves the early-data phase: what follows is under the handshake key.
    fn end_early_data(&mut self) {
        if let StreamState::EarlyData { handshake, .. } = &mut self.state {
            self.state = StreamState::Handshake {
                decrypter: handshake.take(),
            };
        }
    }

    /// The content of a protected handshake-phase record.
    fn opened(&mut self, shared: &mut Shared, opened: Opened) -> Result<(), GiveUp> {
        match ContentType::from_byte(opened.content_type) {
            Some(ContentType::Handshake) => self.handshake_bytes(shared, &opened.content),
            Some(ContentType::Alert) => {
                shared.alert(self.direction, &opened.content);
                Ok(())
            }
            _ => Err(GiveUp("unexpected content in a protected handshake record")),
        }
    }

    fn record(
        &mut self,
        shared: &mut Shared,
        header: &RecordHeader,
        body: Vec<u8>,
    ) -> Result<(), GiveUp> {
        match (header.content_type(), &mut self.state) {
            (ContentType::ChangeCipherSpec, _) => self.change_cipher_spec(shared),
            // Alerts end the handshake; rustls acts on them, the trace reports them.
            (ContentType::Alert, _) => {
                shared.alert(self.direction, &body);
                Ok(())
            }
            (
                ContentType::Handshake,
                StreamState::Handshake { .. } | StreamState::EarlyData { .. },
            ) => self.handshake_bytes(shared, &body),
            (ContentType::Handshake, StreamState::Tls12FinishedNext) => {
                self.state = StreamState::Finished;
                shared.report(
                    self.direction,
                    HandshakeMessage::Finished,
                    TLS12_VERIFY_DATA_LEN,
                    Vec::new(),
                )
            }
            (
                ContentType::ApplicationData,
                StreamState::Tickets {
                    decrypter: Some(decrypter),
                },
            ) => {
                let opened = decrypter
                    .open(header, body)
                    .ok_or(GiveUp("a protected record does not decrypt"))?;
                if ContentType::from_byte(opened.content_type) == Some(ContentType::Handshake) {
                    self.handshake_bytes(shared, &opened.content)
                } else {
                    // Application data: the tickets are over.
                    self.state = StreamState::Finished;
                    Ok(())
                }
            }
            (
                ContentType::ApplicationData,
                StreamState::Handshake {
                    decrypter: Some(decrypter),
                },
            ) => {
                let opened = decrypter
                    .open(header, body)
                    .ok_or(GiveUp("a protected record does not decrypt"))?;
                self.opened(shared, opened)
            }
            _ => Err(GiveUp("unexpected record during the handshake")),
        }
    }

    /// ChangeCipherSpec is reported as it travels; only in TLS 1.2 does it start encryption
    /// (in TLS 1.3 it is a middlebox-compatibility dummy).
    fn change_cipher_spec(&mut self, shared: &mut Shared) -> Result<(), GiveUp> {
        shared.report(
            self.direction,
            HandshakeMessage::ChangeCipherSpec,
            0,
            Vec::new(),
        )?;
        if shared.version == Some(Version::Tls12) {
            if !self.messages.is_empty() {
                return Err(GiveUp("handshake message split across a key change"));
            }
            self.state = StreamState::Tls12FinishedNext;
        }
        Ok(())
    }

    fn handshake_bytes(&mut self, shared: &mut Shared, fragment: &[u8]) -> Result<(), GiveUp> {
        self.messages.push(fragment);
        while !self.is_finished() {
            let Some(message) = self.messages.next_message()? else {
                break;
            };
            self.message(shared, message)?;
        }
        Ok(())
    }

    fn message(&mut self, shared: &mut Shared, message: Message) -> Result<(), GiveUp> {
        let mut kind = HandshakeMessage::from_handshake_type(message.message_type);
        match kind {
            HandshakeMessage::ClientHello => {
                shared.register(hello::client_random(&message.body)?);
                // A second ClientHello (after a HelloRetryRequest) never offers early data.
                self.state = if hello::offers_early_data(&message.body)? {
                    StreamState::EarlyData {
                        early: None,
                        handshake: None,
                        skipped: 0,
                    }
                } else {
                    StreamState::Handshake { decrypter: None }
                };
            }
            HandshakeMessage::EndOfEarlyData => self.end_early_data(),
            HandshakeMessage::ServerHello => {
                let server_hello = hello::server_hello(&message.body)?;
                if server_hello.is_retry_request {
                    kind = HandshakeMessage::HelloRetryRequest;
                } else {
                    shared.learn_from(server_hello)?;
                }
            }
            HandshakeMessage::Finished => self.state = self.after_finished(shared),
            _ => {}
        }
        let length = message.body.len();
        shared.report(self.direction, kind, length, message.body)
    }

    /// A TLS 1.3 server goes on reading its own records for the NewSessionTickets it sends
    /// after the handshake; otherwise this direction's handshake is over.
    fn after_finished(&self, shared: &Shared) -> StreamState {
        let own_server_records = self.direction == Direction::Sent && self.author == Side::Server;
        if own_server_records && shared.version == Some(Version::Tls13) {
            StreamState::Tickets { decrypter: None }
        } else {
            StreamState::Finished
        }
    }
}

impl Shared {
    fn report(
        &mut self,
        direction: Direction,
        message: HandshakeMessage,
        length: usize,
        body: Vec<u8>,
    ) -> Result<(), GiveUp> {
        self.messages_seen += 1;
        if self.messages_seen > MAX_MESSAGES {
            return Err(GiveUp("too many handshake messages"));
        }
        self.events.push(HandshakeEvent {
            direction,
            message,
            length,
            body,
        });
        Ok(())
    }

    /// An alert record's content: level and description (a malformed one is not reported).
    fn alert(&mut self, direction: Direction, content: &[u8]) {
        if let [level, description] = *content {
            self.alerts.push(AlertEvent {
                direction,
                level,
                description,
            });
        }
    }

    /// Asks the router for this connection's secrets (again only if a second ClientHello
    /// changed the random, which TLS forbids but a peer may do).
    fn register(&mut self, client_random: ClientRandom) {
        let registered = self.registration.as_ref().map(Registration::client_random);
        if registered != Some(&client_random) {
            self.registration = Some(self.router.register(self.side, client_random));
        }
    }

    /// Keeps the version and suite the server chose.
    fn learn_from(&mut self, server_hello: hello::ServerHello) -> Result<(), GiveUp> {
        self.version = Some(server_hello.version);
        if server_hello.version == Version::Tls13 {
            self.tls13_suite = Some(
                Tls13Suite::from_id(server_hello.cipher_suite)
                    .ok_or(GiveUp("a TLS 1.3 cipher suite the observer cannot decrypt"))?,
            );
        }
        Ok(())
    }

    /// The client's early traffic secret, once rustls logged it (only when resuming).
    fn take_early_secret(&mut self) -> Option<Secret> {
        let registration = self.registration.as_ref()?;
        match self.early_secret.take() {
            Some(early) if early.client_random == *registration.client_random() => {
                Some(early.secret)
            }
            _ => registration.take(TrafficSecret::ClientEarly),
        }
    }

    /// The server's first application traffic secret, once rustls logged it.
    fn take_application_secret(&self) -> Option<Secret> {
        self.registration
            .as_ref()?
            .take(TrafficSecret::ServerApplication)
    }

    /// The handshake traffic secret protecting what `author` sends, once rustls logged it.
    fn take_secret(&self, author: Side) -> Option<Secret> {
        let which = match author {
            Side::Client => TrafficSecret::ClientHandshake,
            Side::Server => TrafficSecret::ServerHandshake,
        };
        self.registration.as_ref()?.take(which)
    }
}

#[cfg(test)]
mod tests;
