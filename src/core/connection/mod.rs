//! A TLS connection. Two ways to drive it: sans-I/O, as rustls (the caller moves TLS bytes with
//! `read_tls` / `write_tls`), or over file descriptors (`set_fds`, then `handshake`, `read`,
//! `write`, `shutdown` do the I/O, see `fd_io`).

mod alerts;
mod borrowed_read;
mod fd_io;
mod hello;
mod plaintext_copy;
mod resumption;
mod tls;

use super::algorithms::{group_name, suite_name};
use super::client_config::ClientConfig;
use super::error::{Error, ResultCode::*};
use super::fd_transport::FdTransport;
use super::handshake_notes::Notes;
use super::handshake_observer::{
    AlertEvent, EarlySecret, EarlySecretCapture, HandshakeEvent, HandshakeObserver,
};
use super::protocol::version_name;
use super::server_config::ServerConfig;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::HandshakeKind;
use std::io::{self, BufRead, IoSlice, Read, Write};
use tls::Tls;

pub use hello::{HelloReader, ReceivedHello};

/// What the handshake settled on, as reported when it completes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// "TLSv1.2" or "TLSv1.3".
    pub version: &'static str,
    /// IANA name, e.g. "TLS_AES_256_GCM_SHA384".
    pub cipher_suite: &'static str,
    /// e.g. "X25519MLKEM768"; None when resumed in TLS 1.2 (no key exchange happened).
    pub key_exchange_group: Option<&'static str>,
    pub alpn: Option<Vec<u8>>,
    pub resumed: bool,
}

/// What a handshake observer reports, in order.
#[derive(Debug)]
pub enum HandshakeTrace<'a> {
    /// A handshake message was sent or received.
    Message(HandshakeEvent),
    /// The handshake finished; the connection now carries application data.
    Complete(&'a Negotiated),
    /// An alert record was sent or received while the observer followed the handshake (a
    /// failed handshake's fatal alert, say).
    Alert(AlertEvent),
}

/// Receives a connection's handshake trace.
pub type HandshakeTraceSink = Box<dyn FnMut(HandshakeTrace<'_>) + Send>;

struct Tracing {
    /// None once the observer has seen both Finished messages (or gave up).
    observer: Option<HandshakeObserver>,
    sink: HandshakeTraceSink,
    completion_reported: bool,
}

/// One TLS connection, client or server.
///
/// Small: every established connection pays for its bytes. What few connections ever hold is
/// out of line in `rare`, and the fields are sized to what they hold (40 bytes in all). A
/// connection that is not traced holds nothing of the handshake observer: a trace's state is in
/// `rare`, made when the trace is set.
pub struct Connection {
    tls: Tls,
    /// None until a connection needs one of its fields.
    rare: Option<Box<Rare>>,
    /// Set by `set_fds`: then read/write/handshake/shutdown do the transport I/O themselves.
    fds: Option<FdTransport>,
    /// Decrypted bytes waiting in rustls, as of the last processing (for `pending`). rustls
    /// buffers at most tens of KiB of plaintext.
    plaintext_pending: u32,
    /// The transport reported end-of-stream.
    transport_eof: bool,
    /// TLS bytes have been read or written: too late to start observing the handshake.
    transport_used: bool,
    /// The last `read_tls` got less than rustls had room for (or nothing): the transport has
    /// no more for now, and the connection is likely to wait (see `shrink_receive_buffer`).
    transport_drained: bool,
    close_notify: CloseNotify,
}

/// This side's close_notify (writes are refused once it was asked for).
#[derive(Clone, Copy, PartialEq, Eq)]
enum CloseNotify {
    NotSent,
    /// Asked for during the handshake: it goes out once the handshake completes.
    Deferred,
    Sent,
}

/// A connection's seldom-used state.
#[derive(Default)]
struct Rare {
    /// A fatal error: once failed, every call reports it again.
    failure: Option<Error>,
    /// Boxed: the observer is hundreds of bytes that a failed connection should not carry.
    tracing: Option<Box<Tracing>>,
    /// A client's early traffic secret, kept from its creation until a handshake trace takes
    /// it or TLS bytes move (then no trace can start any more).
    early_secret: Option<EarlySecret>,
    /// The OCSP response the server stapled (client side), once the verifier saw it.
    peer_ocsp_response: Option<Vec<u8>>,
    /// A fatal alert rustls did not send, for ftls to write (see `alerts`).
    own_alert: Option<alerts::OwnAlert>,
}

impl Connection {
    /// A client connection that will verify the server as `server_name` (a DNS name or an IP
    /// address). The ClientHello is ready to be written at once.
    pub fn client(config: &ClientConfig, server_name: &str) -> Result<Self, Error> {
        let name = ServerName::try_from(server_name.to_owned()).map_err(|_| {
            Error::new(
                FTLS_ERR_INVALID_SERVER_NAME,
                format!("{server_name:?} is neither a valid DNS name nor an IP address"),
            )
        })?;
        // With early data, rustls derives the early traffic secret with the ClientHello, right
        // now: the only moment a later handshake trace can get it.
        let capture = config
            .rustls
            .enable_early_data
            .then(EarlySecretCapture::start);
        let tls = rustls::ClientConnection::new(config.rustls.clone(), name)?;
        let mut connection = Self::wrap(Tls::Client(Box::new(tls)));
        if let Some(early) = capture.and_then(EarlySecretCapture::finish) {
            connection.rare_mut().early_secret = Some(early);
        }
        Ok(connection)
    }

    /// A server connection; it waits for the client's ClientHello.
    pub fn server(config: &ServerConfig) -> Result<Self, Error> {
        let tls = rustls::ServerConnection::new(config.rustls.clone())?;
        Ok(Self::wrap(Tls::Server(Box::new(tls))))
    }

    fn wrap(tls: Tls) -> Self {
        Self {
            tls,
            rare: None,
            fds: None,
            plaintext_pending: 0,
            transport_eof: false,
            transport_used: false,
            transport_drained: true,
            close_notify: CloseNotify::NotSent,
        }
    }

    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The caller took `n` decrypted bytes.
    fn note_plaintext_read(&mut self, n: usize) {
        self.plaintext_pending = self.plaintext_pending.saturating_sub(saturating_u32(n));
    }

    fn failure(&self) -> Option<&Error> {
        self.rare.as_ref()?.failure.as_ref()
    }

    /// TLS bytes moved: from now on no handshake trace can start, so nothing needs the early
    /// secret any more.
    fn note_transport_used(&mut self) {
        self.transport_used = true;
        if let Some(rare) = self.rare.as_mut() {
            rare.early_secret = None;
        }
    }

    pub fn is_client(&self) -> bool {
        matches!(self.tls, Tls::Client(_))
    }

    /// Reports every handshake message sent and received, then the negotiated parameters.
    /// Only before the first `write_tls` / `read_tls`: a trace that missed the start would be
    /// wrong.
    pub fn set_handshake_trace(&mut self, sink: HandshakeTraceSink) -> Result<(), Error> {
        if self.transport_used {
            return Err(Error::invalid_state(
                "TLS bytes have already been exchanged: set the handshake callback before the \
                 first read_tls / write_tls (or fd I/O) so that it sees the whole handshake",
            ));
        }
        let mut observer = HandshakeObserver::new(self.is_client());
        let rare = self.rare_mut();
        if let Some(early) = rare.early_secret.take() {
            observer.provide_early_secret(early);
        }
        rare.tracing = Some(Box::new(Tracing {
            observer: Some(observer),
            sink,
            completion_reported: false,
        }));
        Ok(())
    }

    /// Reads TLS bytes from the transport once. `Ok(0)` means the transport reached end of
    /// stream. Would-block from the transport is `FTLS_WANT_READ`.
    ///
    /// When rustls' buffers are full, what they hold is processed first and the read retried:
    /// a caller that read twice without processing is not refused for it. If they are still
    /// full, either plaintext waits to be read (`FTLS_ERR_INVALID_STATE`), or the peer's
    /// handshake message is larger than rustls can hold: the connection fails, with an alert.
    pub fn read_tls(&mut self, transport: &mut dyn Read) -> Result<usize, Error> {
        self.check_not_failed()?;
        if let Some(n) = self.read_tls_once(transport)? {
            return Ok(n);
        }
        self.process_new_packets()?;
        match self.read_tls_once(transport)? {
            Some(n) => Ok(n),
            None if self.plaintext_pending > 0 || !self.tls.is_handshaking() => {
                Err(Error::invalid_state(format!(
                    "cannot take more TLS data now ({} bytes of plaintext are waiting): read \
                     the pending plaintext first",
                    self.plaintext_pending
                )))
            }
            None => Err(self.fail_alerting(
                Error::new(
                    FTLS_ERR_BAD_MESSAGE,
                    "the peer's handshake message is too large: with the records that carry it, \
                     it does not fit in the 65535 bytes rustls allows for one handshake message",
                ),
                rustls::AlertDescription::DecodeError,
            )),
        }
    }

    /// One `read_tls` of rustls; `Ok(None)` when rustls refused before reading (its buffers
    /// are full).
    fn read_tls_once(&mut self, transport: &mut dyn Read) -> Result<Option<usize>, Error> {
        let observer = observer_of(&mut self.rare);
        let mut tap = ReadTap {
            inner: transport,
            observer,
            transport_error: None,
            drained: true,
        };
        let result = self.tls.read_tls(&mut tap);
        let transport_error = tap.transport_error;
        self.transport_drained = tap.drained;
        if result.is_ok() {
            self.note_transport_used();
        }
        match result {
            Ok(0) => {
                self.transport_eof = true;
                Ok(Some(0))
            }
            Ok(n) => Ok(Some(n)),
            Err(_) => match transport_error {
                Some(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    Err(Error::new(FTLS_WANT_READ, "the transport has no data yet"))
                }
                Some(err) => {
                    Err(self.transport_failed(Error::io("reading from the transport", &err)))
                }
                None => Ok(None),
            },
        }
    }

    /// Writes buffered TLS bytes to the transport (one call, possibly vectored). Returns how many
    /// were written; `Ok(0)` when nothing was pending. A transport that takes none of the
    /// pending bytes gives `FTLS_WANT_WRITE`, as one that would block: a caller looping while
    /// `wants_write` must not see success with nothing done.
    pub fn write_tls(&mut self, transport: &mut dyn Write) -> Result<usize, Error> {
        let pending = self.wants_write();
        let result = if self.rustls_output_withheld()
            || (!self.tls.wants_write() && self.own_alert_pending())
        {
            self.write_own_alert(transport)
        } else if let Some(observer) = observer_of(&mut self.rare) {
            let mut tap = WriteTap {
                inner: transport,
                observer,
            };
            let result = self.tls.write_tls(&mut tap);
            self.deliver_trace();
            result
        } else {
            self.tls.write_tls(transport)
        };
        match result {
            Ok(0) if pending => Err(Error::new(
                FTLS_WANT_WRITE,
                "the transport took none of the pending TLS bytes (it reported 0 bytes written)",
            )),
            Ok(n) => {
                if n > 0 {
                    self.note_transport_used();
                }
                Ok(n)
            }
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => Err(Error::new(
                FTLS_WANT_WRITE,
                "the transport cannot take data yet",
            )),
            Err(err) => Err(self.transport_failed(Error::io("writing to the transport", &err))),
        }
    }

    /// Processes the TLS bytes read so far: advances the handshake, decrypts records.
    /// After an error, call `write_tls` once more to send the alert that tells the peer why.
    pub fn process_new_packets(&mut self) -> Result<(), Error> {
        self.check_not_failed()?;
        // Verifiers and resolvers, the only code that takes notes, run during the handshake
        // only: a connection carrying data skips the thread's notes slot.
        let (result, notes) = if self.tls.is_handshaking() {
            Notes::around(|| self.tls.process_new_packets())
        } else {
            (self.tls.process_new_packets(), Notes::default())
        };
        if let Some(response) = notes.ocsp_response {
            self.rare_mut().peer_ocsp_response = Some(response);
        }
        let fallback_signalled = notes.fallback_signalled;
        // A verifier or resolver of ours explained the failure better than rustls' variant.
        let result = result.map_err(|err| {
            let alert = alerts::missing_alert(&err);
            let described = notes
                .failure
                .unwrap_or_else(|| Error::from_rustls(err, self.tls.is_handshaking()));
            (described, alert)
        });
        if let Some(observer) = observer_of(&mut self.rare) {
            observer.decode_incoming();
        }
        self.deliver_trace();
        let state = result.map_err(|(err, alert)| match alert {
            Some(alert) => self.fail_alerting(err, alert),
            None => self.fail(err),
        })?;
        if fallback_signalled
            && self.tls.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_2)
        {
            return Err(self.refuse_fallback());
        }
        self.plaintext_pending = saturating_u32(state.plaintext_bytes_to_read());
        self.release_deferred_close_notify();
        self.shrink_receive_buffer();
        if self.transport_eof && self.tls.is_handshaking() {
            return Err(self.fail(Error::new(
                FTLS_ERR_UNEXPECTED_EOF,
                "the peer closed the connection during the handshake",
            )));
        }
        Ok(())
    }

    /// Reads decrypted application data. `FTLS_WANT_READ` when none is buffered yet,
    /// `FTLS_CLOSED` after the peer's close_notify, `FTLS_ERR_UNEXPECTED_EOF` when the transport
    /// ended without one. With fds set, reads TLS data from the fd as needed (and completes the
    /// handshake first).
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        match self.fds {
            Some(fds) => self.alerting_on_failure(fds, |conn, fds| conn.read_over_fd(fds, buf)),
            None => self.read_buffered(buf),
        }
    }

    fn read_buffered(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        self.check_not_failed()?;
        let result = self.read_plaintext(buf);
        if let Ok(n) = result {
            self.note_plaintext_read(n);
        }
        match result {
            Ok(0) if !buf.is_empty() => Err(Error::new(
                FTLS_CLOSED,
                "the peer sent close_notify: no more data will arrive",
            )),
            Ok(n) => Ok(n),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => Err(Error::new(
                FTLS_WANT_READ,
                "no application data is buffered yet",
            )),
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => Err(self.fail(Error::new(
                FTLS_ERR_UNEXPECTED_EOF,
                "the peer closed the transport without close_notify: the data may be truncated",
            ))),
            Err(err) => Err(Error::new(
                FTLS_ERR_INTERNAL,
                format!("reading plaintext: {err}"),
            )),
        }
    }

    /// As rustls' `Reader::read` (as many records as fit, the same results), with the copy of
    /// `plaintext_copy`.
    fn read_plaintext(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut reader = self.tls.reader();
        let mut copied = 0;
        while copied < buf.len() {
            let chunk = match reader.fill_buf() {
                Ok(chunk) => chunk,
                // What stopped a read that already copied something shows at the next one.
                Err(_) if copied > 0 => break,
                Err(err) => return Err(err),
            };
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len().min(buf.len() - copied);
            plaintext_copy::copy_plaintext(&mut buf[copied..], &chunk[..n]);
            reader.consume(n);
            copied += n;
        }
        Ok(copied)
    }

    /// Queues application data for encryption; returns how much was accepted (all of it unless
    /// the outgoing buffer is full). Before the handshake completes, data is held until it does.
    /// With fds set, also sends it (see `fd_io` for the short-write rule).
    pub fn write(&mut self, data: &[u8]) -> Result<usize, Error> {
        match self.fds {
            Some(fds) => self.alerting_on_failure(fds, |conn, fds| conn.write_over_fd(fds, data)),
            None => self.write_buffered(data),
        }
    }

    fn write_buffered(&mut self, data: &[u8]) -> Result<usize, Error> {
        self.check_not_failed()?;
        if self.close_notify != CloseNotify::NotSent {
            return Err(Error::invalid_state(
                "close_notify was already sent: no more data can be written",
            ));
        }
        let accepted =
            self.tls.writer().write(data).map_err(|err| {
                Error::new(FTLS_ERR_INTERNAL, format!("writing plaintext: {err}"))
            })?;
        if accepted == 0 && !data.is_empty() {
            return Err(Error::new(
                FTLS_WANT_WRITE,
                "the outgoing buffer is full: write TLS data to the transport first",
            ));
        }
        Ok(accepted)
    }

    /// Queues a close_notify alert: the clean end of this side's stream. During the handshake
    /// it waits until the handshake completes, so that it follows the data written meanwhile
    /// (rustls would send it at once, ahead of that data).
    pub fn send_close_notify(&mut self) {
        if self.close_notify == CloseNotify::NotSent {
            if self.tls.is_handshaking() {
                self.close_notify = CloseNotify::Deferred;
            } else {
                self.close_notify = CloseNotify::Sent;
                self.tls.send_close_notify();
            }
        }
    }

    /// Gives back what an idle connection does not need. rustls keeps its receive buffer as
    /// large as the largest record it held (up to 32 KiB once 16 KiB records arrived) until the
    /// next `read_tls`, which shrinks it to 4 KiB when it holds no partial record; a connection
    /// that goes idle now would keep it all. A read that finds nothing makes rustls shrink it
    /// at once, and does nothing else (no bytes, no end of stream).
    ///
    /// Only once the transport ran dry: while it has more, the next `read_tls` comes at once
    /// and shrinks the buffer itself, and a streaming connection would pay an extra rustls
    /// call per 4 KiB read for nothing.
    fn shrink_receive_buffer(&mut self) {
        if self.transport_drained {
            let _ = self.tls.read_tls(&mut NothingToRead);
        }
    }

    /// Sends a close_notify that waited for the handshake, once it is complete.
    fn release_deferred_close_notify(&mut self) {
        if self.close_notify == CloseNotify::Deferred && !self.tls.is_handshaking() {
            self.close_notify = CloseNotify::Sent;
            self.tls.send_close_notify();
        }
    }

    /// Decrypted bytes that `read` can return without touching the transport.
    pub fn pending(&self) -> usize {
        self.plaintext_pending as usize
    }

    pub fn wants_read(&self) -> bool {
        self.failure().is_none() && self.tls.wants_read()
    }

    pub fn wants_write(&self) -> bool {
        (self.tls.wants_write() && !self.rustls_output_withheld()) || self.own_alert_pending()
    }

    pub fn is_handshaking(&self) -> bool {
        self.tls.is_handshaking()
    }

    /// "TLSv1.2" / "TLSv1.3" once the ServerHello settled it.
    pub fn protocol_version(&self) -> Option<&'static str> {
        self.tls.protocol_version().map(version_name)
    }

    /// The negotiated cipher suite: IANA number and name.
    pub fn cipher_suite(&self) -> Option<(u16, &'static str)> {
        let suite = self.tls.negotiated_cipher_suite()?.suite();
        Some((u16::from(suite), suite_name(suite)))
    }

    pub fn key_exchange_group(&self) -> Option<&'static str> {
        Some(group_name(self.tls.negotiated_key_exchange_group()?.name()))
    }

    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.tls.alpn_protocol()
    }

    /// The server name the client sent (SNI). Server connections only.
    pub fn sni_server_name(&self) -> Result<Option<&str>, Error> {
        match &self.tls {
            Tls::Server(server) => Ok(server.server_name()),
            Tls::Client(_) => Err(Error::invalid_state(
                "the SNI server name is known only on server connections",
            )),
        }
    }

    /// The peer's certificate chain, leaf first; empty before the peer sent one, or if it did
    /// not (a client without a certificate).
    pub fn peer_certificates(&self) -> &[CertificateDer<'static>] {
        self.tls.peer_certificates().unwrap_or(&[])
    }

    /// The OCSP response the server stapled to its certificate (client connections; None if
    /// it stapled none, or the session was resumed without a certificate).
    pub fn peer_ocsp_response(&self) -> Option<&[u8]> {
        self.rare.as_ref()?.peer_ocsp_response.as_deref()
    }

    /// Whether the handshake resumed an earlier session.
    pub fn is_resumed(&self) -> bool {
        self.tls.handshake_kind() == Some(HandshakeKind::Resumed)
    }

    /// Everything the handshake chose, once it is complete.
    #[cfg(test)]
    pub fn negotiated(&self) -> Option<Negotiated> {
        negotiated(&self.tls)
    }

    fn check_not_failed(&self) -> Result<(), Error> {
        match self.failure() {
            Some(err) => Err(err.clone()),
            None => Ok(()),
        }
    }

    /// A broken transport ends the connection, as a protocol error does: the OS reports a
    /// reset only once, and a later call must not pass the stream off as merely truncated. An
    /// interrupted call (EINTR, which a callback may return) can simply be repeated.
    fn transport_failed(&mut self, err: Error) -> Error {
        if err.errno() == Some(libc::EINTR) {
            err
        } else {
            self.fail(err)
        }
    }

    fn fail(&mut self, err: Error) -> Error {
        self.rare_mut().failure = Some(err.clone());
        err
    }

    /// Hands decoded handshake messages to the sink; reports completion once the handshake is
    /// over and its last message has been seen (or flushed, if the observer lost track).
    fn deliver_trace(&mut self) {
        let Self { tls, rare, .. } = self;
        let Some(tracing) = rare.as_mut().and_then(|rare| rare.tracing.as_mut()) else {
            return;
        };
        if let Some(observer) = tracing.observer.as_mut() {
            for event in observer.take_events() {
                (tracing.sink)(HandshakeTrace::Message(event));
            }
            for alert in observer.take_alerts() {
                (tracing.sink)(HandshakeTrace::Alert(alert));
            }
            if observer.is_done() {
                tracing.observer = None;
            }
        }
        let last_message_seen = tracing.observer.is_none() || !tls.wants_write();
        if tracing.completion_reported || tls.is_handshaking() || !last_message_seen {
            return;
        }
        tracing.completion_reported = true;
        tracing.observer = None;
        if let Some(negotiated) = negotiated(tls) {
            (tracing.sink)(HandshakeTrace::Complete(&negotiated));
        }
    }
}

/// `plaintext_pending` is a u32 to keep `Connection` small; rustls never buffers 4 GiB.
fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn observer_of(rare: &mut Option<Box<Rare>>) -> Option<&mut HandshakeObserver> {
    rare.as_mut()?.tracing.as_mut()?.observer.as_mut()
}

fn negotiated(tls: &Tls) -> Option<Negotiated> {
    if tls.is_handshaking() {
        return None;
    }
    let suite = tls.negotiated_cipher_suite()?.suite();
    Some(Negotiated {
        version: version_name(tls.protocol_version()?),
        cipher_suite: suite_name(suite),
        key_exchange_group: tls
            .negotiated_key_exchange_group()
            .map(|group| group_name(group.name())),
        alpn: tls.alpn_protocol().map(<[u8]>::to_vec),
        resumed: tls.handshake_kind() == Some(HandshakeKind::Resumed),
    })
}

/// A transport with nothing to read yet (see `shrink_receive_buffer`).
struct NothingToRead;

impl Read for NothingToRead {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::ErrorKind::WouldBlock.into())
    }
}

/// Passes reads through, showing the bytes to the observer and keeping the transport's own
/// error apart from rustls' refusals.
struct ReadTap<'a> {
    inner: &'a mut dyn Read,
    observer: Option<&'a mut HandshakeObserver>,
    transport_error: Option<io::Error>,
    /// The transport gave less than asked for, or nothing.
    drained: bool,
}

impl Read for ReadTap<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = self.inner.read(buf);
        self.drained = !matches!(result, Ok(n) if n == buf.len());
        match result {
            Ok(n) => {
                if let Some(observer) = self.observer.as_mut() {
                    observer.incoming(&buf[..n.min(buf.len())]);
                }
                Ok(n)
            }
            Err(err) => {
                let copy = match err.raw_os_error() {
                    Some(errno) => io::Error::from_raw_os_error(errno),
                    // Only a would-block's kind is looked at: no text to copy (a memory BIO
                    // says it on every read that finds nothing).
                    None if err.kind() == io::ErrorKind::WouldBlock => {
                        io::ErrorKind::WouldBlock.into()
                    }
                    None => io::Error::new(err.kind(), err.to_string()),
                };
                self.transport_error = Some(copy);
                Err(err)
            }
        }
    }
}

/// Passes a traced connection's writes through, showing the written bytes to the observer.
struct WriteTap<'a> {
    inner: &'a mut dyn Write,
    observer: &'a mut HandshakeObserver,
}

impl Write for WriteTap<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.observer.outgoing(&buf[..n.min(buf.len())]);
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let n = self.inner.write_vectored(bufs)?;
        let mut remaining = n;
        for buf in bufs {
            let take = remaining.min(buf.len());
            self.observer.outgoing(&buf[..take]);
            remaining -= take;
            if remaining == 0 {
                break;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests;
