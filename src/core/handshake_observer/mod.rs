//! Watches the TLS bytes a connection sends and receives and reports each handshake message,
//! in order, with its direction: the mechanism behind `--trace` and the handshake callback.
//!
//! rustls has no message hook, so the observer decodes the record stream itself. Plaintext
//! handshake records are read directly. TLS 1.3 encrypts everything after ServerHello; those
//! records are decrypted with the handshake traffic secrets, which rustls hands to the config's
//! key log ([`SecretRouter`]). In TLS 1.2 the only encrypted handshake message is Finished,
//! which by the protocol is the first record after ChangeCipherSpec.
//!
//! STUB: the interface below is fixed; the implementation is being written.

mod secret_router;

pub use secret_router::SecretRouter;

use std::sync::Arc;

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

impl HandshakeMessage {
    /// The message's name as the RFCs write it, e.g. `"ClientHello"`.
    pub fn name(self) -> &'static str {
        todo!()
    }

    /// The wire number: the HandshakeType byte; 254 for HelloRetryRequest and 255 for
    /// ChangeCipherSpec, which have none of their own.
    pub fn number(self) -> u8 {
        todo!()
    }
}

/// One observed handshake message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandshakeEvent {
    pub direction: Direction,
    pub message: HandshakeMessage,
    /// Length of the message body in bytes (0 for ChangeCipherSpec).
    pub length: usize,
}

/// Decodes one connection's handshake from its raw TLS bytes.
pub struct HandshakeObserver {}

impl HandshakeObserver {
    /// `is_client`: which end this connection is. `secrets`: the router installed as the key
    /// log of the connection's config (needed to read TLS 1.3 encrypted handshake messages).
    pub fn new(is_client: bool, secrets: Arc<SecretRouter>) -> Self {
        let _ = (is_client, secrets);
        todo!()
    }

    /// Bytes this endpoint has just written to the transport, in order.
    pub fn outgoing(&mut self, bytes: &[u8]) {
        let _ = bytes;
        todo!()
    }

    /// Bytes this endpoint has just read from the transport, in order. They are decoded by
    /// [`Self::decode_incoming`], which the connection calls after rustls processed them (by
    /// then the keys to decrypt them are known).
    pub fn incoming(&mut self, bytes: &[u8]) {
        let _ = bytes;
        todo!()
    }

    /// Decodes the incoming bytes received so far, as far as keys allow.
    pub fn decode_incoming(&mut self) {
        todo!()
    }

    /// The events decoded since the last call, in the order the messages travelled.
    pub fn take_events(&mut self) -> Vec<HandshakeEvent> {
        todo!()
    }

    /// True once both Finished messages have been seen: the observer has nothing more to do.
    pub fn is_done(&self) -> bool {
        todo!()
    }
}
