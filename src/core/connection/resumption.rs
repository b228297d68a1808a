//! What a connection knows about resumption and early data (0-RTT), and the keying-material
//! exporter: the calls about the session's secrets rather than its data stream.

use super::tls::Tls;
use super::Connection;
use crate::core::error::{Error, ResultCode::*};
use std::io::{self, Read, Write};

impl Connection {
    /// TLS 1.3 tickets received so far (client connections).
    pub fn tls13_tickets_received(&self) -> Result<u32, Error> {
        match &self.tls {
            Tls::Client(client) => Ok(client.tls13_tickets_received()),
            Tls::Server(_) => Err(Error::invalid_state(
                "tickets are received by clients: this is a server connection",
            )),
        }
    }

    /// Queues early data (0-RTT) to go with the ClientHello; returns how much was accepted
    /// (the server's limit may cut it short, down to 0).
    pub fn write_early_data(&mut self, data: &[u8]) -> Result<usize, Error> {
        self.check_not_failed()?;
        let Tls::Client(client) = &mut self.tls else {
            return Err(Error::invalid_state(
                "early data is written by clients: this is a server connection",
            ));
        };
        let mut early = client.early_data().ok_or_else(|| {
            Error::invalid_state(
                "early data cannot be sent on this connection: it needs early data enabled in \
                 the client config, a resumable TLS 1.3 session from a server that accepts \
                 early data, and a handshake that has not gone past the ClientHello",
            )
        })?;
        early
            .write(data)
            .map_err(|err| Error::new(FTLS_ERR_INTERNAL, format!("writing early data: {err}")))
    }

    /// Reads early data the client sent (server connections). `Ok(0)` once the handshake is
    /// complete and everything was read.
    pub fn read_early_data(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        self.check_not_failed()?;
        let handshaking = self.tls.is_handshaking();
        let Tls::Server(server) = &mut self.tls else {
            return Err(Error::invalid_state(
                "early data is read by servers: this is a client connection",
            ));
        };
        let mut early = server.early_data().ok_or_else(|| {
            Error::invalid_state(
                "no early data was accepted on this connection (none was offered, the server \
                 config accepts none, or the session could not be resumed)",
            )
        })?;
        match early.read(buf) {
            Ok(0) if handshaking && !buf.is_empty() => Err(Error::new(
                FTLS_WANT_READ,
                "no early data is buffered yet: process more TLS data",
            )),
            Ok(n) => Ok(n),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => Err(Error::new(
                FTLS_WANT_READ,
                "no early data is buffered yet: process more TLS data",
            )),
            Err(err) => Err(Error::new(
                FTLS_ERR_INTERNAL,
                format!("reading early data: {err}"),
            )),
        }
    }

    /// Whether the server accepted the early data: known to the client once the handshake is
    /// complete, to the server once it processed the ClientHello.
    pub fn is_early_data_accepted(&mut self) -> bool {
        match &mut self.tls {
            Tls::Client(client) => client.is_early_data_accepted(),
            Tls::Server(server) => server.early_data().is_some(),
        }
    }

    /// Fills `out` with keying material exported from the session (RFC 5705, RFC 8446 §7.5):
    /// both sides get the same bytes for the same label and context.
    pub fn export_keying_material(
        &self,
        out: &mut [u8],
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<(), Error> {
        self.check_export_len(out.len())?;
        let len = out.len();
        self.tls
            .export_keying_material(out, label, context)
            .map(drop)
            .map_err(|err| {
                Error::invalid_argument(format!(
                    "cannot export {len} bytes of keying material: {err}"
                ))
            })
    }

    /// Whether `len` bytes of keying material can be exported now: the handshake is complete
    /// and `len` is between 1 and 255 hash lengths of the negotiated suite. That is what TLS 1.3
    /// can derive; TLS 1.2's PRF has no limit of its own and gets the same one, so that a huge
    /// length is refused before anything is allocated or computed.
    pub fn check_export_len(&self, len: usize) -> Result<(), Error> {
        if len == 0 {
            return Err(Error::invalid_argument(
                "the output length is 0: ask for at least one byte of keying material",
            ));
        }
        let suite = match self.tls.negotiated_cipher_suite() {
            Some(suite) if !self.tls.is_handshaking() => suite,
            _ => {
                return Err(Error::invalid_state(
                    "keying material can be exported only once the handshake is complete",
                ))
            }
        };
        let hash = match suite {
            rustls::SupportedCipherSuite::Tls12(suite) => suite.common.hash_provider,
            rustls::SupportedCipherSuite::Tls13(suite) => suite.common.hash_provider,
        };
        let limit = 255 * hash.output_len();
        if len > limit {
            return Err(Error::invalid_argument(format!(
                "cannot export {len} bytes of keying material: at most {limit} (255 hash \
                 lengths of {}) can be derived",
                crate::core::algorithms::suite_name(suite.suite())
            )));
        }
        Ok(())
    }
}
