//! A server connection whose config is chosen after its ClientHello was read: an application
//! that decides from the name or the ALPN protocols the client offers (OpenSSL's servername
//! and ALPN selection callbacks) reads the hello first, then makes the connection with the
//! config it picked. The bytes read so far go with the hello into the connection.

use super::tls::Tls;
use super::Connection;
use crate::core::error::{Error, ResultCode::*};
use crate::core::server_config::ServerConfig;
use rustls::server::{Accepted, AcceptedAlert, Acceptor};
use rustls::AlertDescription;
use std::io::{self, Read, Write};

/// Reads TLS bytes until a whole ClientHello has arrived.
#[derive(Default)]
pub struct HelloReader {
    acceptor: Acceptor,
    /// What the peer is told after a failure, until written.
    alert: Option<Vec<u8>>,
}

/// A received ClientHello, waiting for its config.
pub struct ReceivedHello {
    accepted: Accepted,
}

/// The bytes of an alert record: unencrypted, as everything before the server's answer is.
fn alert_record(description: u8) -> Vec<u8> {
    // content type alert (21), TLS 1.2 record version, length 2, level fatal (2).
    vec![21, 3, 3, 0, 2, 2, description]
}

/// The alert for an error rustls' Acceptor reports without one: a first message that is not a
/// ClientHello, or one of the errors rustls never alerts for (see `alerts`).
fn alert_rustls_omits(err: &rustls::Error) -> Option<AlertDescription> {
    match err {
        rustls::Error::InappropriateMessage { .. }
        | rustls::Error::InappropriateHandshakeMessage { .. } => {
            Some(AlertDescription::UnexpectedMessage)
        }
        other => super::alerts::missing_alert(other),
    }
}

fn alert_bytes(mut alert: AcceptedAlert) -> Vec<u8> {
    let mut bytes = Vec::new();
    while matches!(alert.write(&mut bytes), Ok(n) if n > 0) {}
    bytes
}

impl HelloReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads TLS bytes from the transport once. `Ok(0)` at end of stream; `FTLS_WANT_READ`
    /// when the transport would block.
    pub fn read_tls(&mut self, transport: &mut dyn Read) -> Result<usize, Error> {
        match self.acceptor.read_tls(transport) {
            Ok(n) => Ok(n),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                Err(Error::new(FTLS_WANT_READ, "the transport has no data yet"))
            }
            Err(err) => Err(Error::io("reading from the transport", &err)),
        }
    }

    /// The ClientHello once it is complete (`Ok(None)`: more bytes are needed). On an error
    /// the alert for the peer waits in [`Self::write_alert`].
    pub fn hello(&mut self) -> Result<Option<ReceivedHello>, Error> {
        match self.acceptor.accept() {
            Ok(Some(accepted)) => Ok(Some(ReceivedHello { accepted })),
            Ok(None) => Ok(None),
            Err((err, alert)) => {
                let mut bytes = alert_bytes(alert);
                if bytes.is_empty() {
                    if let Some(description) = alert_rustls_omits(&err) {
                        bytes = alert_record(u8::from(description));
                    }
                }
                self.alert = Some(bytes);
                Err(Error::from_rustls(err, true))
            }
        }
    }

    /// Refuses the hello with a fatal alert (its description number), for `write_alert`.
    pub fn refuse(&mut self, description: u8) {
        self.alert = Some(alert_record(description));
    }

    /// Writes the pending alert, if any (best effort: a refused peer may be gone).
    pub fn write_alert(&mut self, transport: &mut dyn Write) {
        if let Some(alert) = self.alert.take() {
            let _ = transport.write_all(&alert);
        }
    }
}

impl ReceivedHello {
    /// The name the client asked for (SNI).
    pub fn server_name(&self) -> Option<String> {
        self.accepted
            .client_hello()
            .server_name()
            .map(str::to_owned)
    }

    /// The ALPN protocols offered, in the client's order (empty: none offered).
    pub fn alpn(&self) -> Vec<Vec<u8>> {
        self.accepted
            .client_hello()
            .alpn()
            .map(|protocols| protocols.map(<[u8]>::to_vec).collect())
            .unwrap_or_default()
    }

    /// The server connection, made with `config`, continuing from this hello. On failure,
    /// the bytes of the alert that tells the peer why come with the error.
    pub fn into_connection(self, config: &ServerConfig) -> Result<Connection, (Error, Vec<u8>)> {
        match self.accepted.into_connection(config.rustls.clone()) {
            Ok(tls) => {
                let mut connection = Connection::wrap(Tls::Server(Box::new(tls)));
                connection.note_transport_used();
                Ok(connection)
            }
            Err((err, alert)) => Err((Error::from_rustls(err, true), alert_bytes(alert))),
        }
    }
}

impl ServerConfig {
    /// This config offering `protocols` for ALPN instead of its own list (an empty list: no
    /// ALPN); everything else, sessions and ticket keys included, is shared with it.
    pub fn with_alpn(&self, protocols: Vec<Vec<u8>>) -> ServerConfig {
        let mut config = (*self.rustls).clone();
        config.alpn_protocols = protocols;
        ServerConfig {
            rustls: std::sync::Arc::new(config),
        }
    }
}
