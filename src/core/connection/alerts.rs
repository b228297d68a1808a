//! Fatal alerts that rustls does not send. For a few errors (a handshake message too large for
//! its buffer, records interleaved with a fragmented handshake message, an illegal inner
//! content type, too many empty fragments or warning alerts, a TLS 1.2 key that cannot sign
//! with any scheme the client offered) rustls fails without queueing an alert, and the peer
//! would see a bare end of stream. While this side still sends plaintext records (nothing
//! negotiated yet, or a full TLS 1.2 handshake on the server before its ChangeCipherSpec),
//! ftls writes the alert record itself, after whatever rustls still has queued. Once records
//! are encrypted only rustls could write one: those errors then end without an alert.

use super::Connection;
use crate::core::error::Error;
use rustls::{AlertDescription, HandshakeKind, PeerMisbehaved, ProtocolVersion};
use std::io::{self, Write};

/// A plaintext fatal alert record, and how much of it went out.
pub(super) struct OwnAlert {
    record: [u8; 7],
    written: u8,
    /// Sent instead of what rustls queued (which the peer must never see), not after it.
    instead: bool,
}

impl OwnAlert {
    /// content type alert (21), legacy version TLS 1.2, length 2, level fatal (2).
    fn fatal(description: AlertDescription, instead: bool) -> Self {
        Self {
            record: [21, 3, 3, 0, 2, 2, u8::from(description)],
            written: 0,
            instead,
        }
    }

    pub(super) fn is_pending(&self) -> bool {
        usize::from(self.written) < self.record.len()
    }
}

/// The alert a rustls error deserves when rustls itself sent none (see the module doc).
pub(super) fn missing_alert(err: &rustls::Error) -> Option<AlertDescription> {
    use PeerMisbehaved::*;
    match err {
        rustls::Error::PeerMisbehaved(
            MessageInterleavedWithHandshakeMessage
            | RejectedEarlyDataInterleavedWithHandshakeMessage
            | IllegalTlsInnerPlaintext
            | TooManyEmptyFragments
            | TooManyWarningAlertsReceived
            | TooManyRenegotiationRequests,
        ) => Some(AlertDescription::UnexpectedMessage),
        rustls::Error::InvalidMessage(rustls::InvalidMessage::HandshakePayloadTooLarge) => {
            Some(AlertDescription::DecodeError)
        }
        rustls::Error::General(text) if text == "incompatible signing key" => {
            Some(AlertDescription::HandshakeFailure)
        }
        _ => None,
    }
}

impl Connection {
    /// Fails the connection and queues `alert` for the peer if rustls cannot and this side's
    /// records are still plaintext.
    pub(super) fn fail_alerting(&mut self, err: Error, alert: AlertDescription) -> Error {
        if self.sends_plaintext() {
            self.rare_mut().own_alert = Some(OwnAlert::fatal(alert, false));
        }
        self.fail(err)
    }

    /// The client signalled a fallback (TLS_FALLBACK_SCSV) yet TLS 1.2 was negotiated with a
    /// server that supports TLS 1.3: someone removed TLS 1.3 from the client's offer (RFC 7507).
    /// rustls has queued its first flight already; the peer gets inappropriate_fallback
    /// instead, before anything else (nothing has gone out yet).
    pub(super) fn refuse_fallback(&mut self) -> Error {
        self.rare_mut().own_alert = Some(OwnAlert::fatal(
            AlertDescription::InappropriateFallback,
            true,
        ));
        self.fail(Error::new(
            crate::core::ResultCode::FTLS_ERR_PROTOCOL,
            "the client signalled a fallback (TLS_FALLBACK_SCSV) and offered at most TLS 1.2, \
             but this server supports TLS 1.3: a downgrade, refused with the \
             inappropriate_fallback alert (RFC 7507)",
        ))
    }

    /// Whether rustls' queued output must be held back (see `OwnAlert::instead`).
    pub(super) fn rustls_output_withheld(&self) -> bool {
        self.rare
            .as_ref()
            .and_then(|rare| rare.own_alert.as_ref())
            .is_some_and(|alert| alert.instead)
    }

    /// Whether this side has not started encrypting its records.
    fn sends_plaintext(&self) -> bool {
        match self.tls.protocol_version() {
            None => true,
            Some(ProtocolVersion::TLSv1_2) => {
                !self.is_client()
                    && self.tls.is_handshaking()
                    && self.tls.handshake_kind() != Some(HandshakeKind::Resumed)
            }
            Some(_) => false,
        }
    }

    pub(super) fn own_alert_pending(&self) -> bool {
        self.rare
            .as_ref()
            .and_then(|rare| rare.own_alert.as_ref())
            .is_some_and(OwnAlert::is_pending)
    }

    /// Writes (the rest of) ftls' own alert; only once rustls has nothing queued before it.
    pub(super) fn write_own_alert(&mut self, transport: &mut dyn Write) -> io::Result<usize> {
        let Some(alert) = self.rare.as_mut().and_then(|rare| rare.own_alert.as_mut()) else {
            return Ok(0);
        };
        let n = transport.write(&alert.record[usize::from(alert.written)..])?;
        alert.written += n.min(alert.record.len()) as u8;
        Ok(n)
    }
}
