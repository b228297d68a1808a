//! The info callback (SSL_CTX_set_info_callback, SSL_set_info_callback) and the message
//! callback (SSL_CTX_set_msg_callback, SSL_set_msg_callback) as OpenSSL 3.0 calls them.
//!
//! ftls' handshake observer reports each handshake message sent and received and each alert
//! record it decoded; the connection reports the rest (close_notify, TLS 1.3 tickets received
//! after the handshake, the end of each SSL_connect / SSL_accept). A connection has a
//! [`Tracker`] only when one of the two callbacks is set: the others pay nothing.
//!
//! OpenSSL's state machine calls the info callback with SSL_CB_LOOP on every transition, with
//! the state it leaves (the message last written or read): before each message it writes,
//! before each message it reads (when it has the message's header), and once more when a
//! written flight ends and it turns to reading. [`Machine`] replays that from the messages.
//! The events wait in a queue while the connection's state is busy; [`deliver`] runs the
//! callbacks once it is free, so that they may call SSL_state_string and the like.

use std::ffi::{c_int, c_void, CStr};
use std::sync::{Arc, Mutex, MutexGuard};

use ftls::core::{AlertEvent, Connection, Direction, HandshakeEvent, HandshakeMessage};

use super::ctx::{CtxSettings, InfoCallback, MsgCallback};
use super::*;

const SSL3_RT_CHANGE_CIPHER_SPEC: c_int = 20;
const SSL3_RT_ALERT: c_int = 21;
const SSL3_RT_HANDSHAKE: c_int = 22;
const TLS1_2_VERSION: c_int = 0x0303;
const TLS1_3_VERSION: c_int = 0x0304;

pub const CLOSE_NOTIFY: AlertNote = AlertNote {
    level: 1,
    description: 0,
};

/// OpenSSL's handshake states, as far as SSL_state_string(_long) tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandState {
    Before,
    Ok,
    Error,
    /// TLS 1.3 server, between its Finished and the client's (TLS_ST_EARLY_DATA).
    EarlyData,
    /// (long, short), e.g. ("SSLv3/TLS write client hello", "TWCH").
    Named(&'static CStr, &'static CStr),
}

impl HandState {
    pub fn long(self) -> &'static CStr {
        match self {
            Self::Before => c"before SSL initialization",
            Self::Ok => c"SSL negotiation finished successfully",
            Self::Error => c"error",
            Self::EarlyData => c"TLSv1.3 early data",
            Self::Named(long, _) => long,
        }
    }

    pub fn short(self) -> &'static CStr {
        match self {
            Self::Before => c"PINIT",
            Self::Ok => c"SSLOK",
            Self::Error => c"SSLERR",
            Self::EarlyData => c"TED",
            Self::Named(_, short) => short,
        }
    }
}

/// The state OpenSSL enters when it writes (`sent`) or reads a message; None for what leaves
/// its state machine alone (a TLS 1.3 ChangeCipherSpec read, messages it does not know).
fn state_for(
    message: HandshakeMessage,
    sent: bool,
    server: bool,
    tls13: bool,
) -> Option<HandState> {
    use HandshakeMessage::*;
    let named = |long, short| Some(HandState::Named(long, short));
    match (message, sent, server) {
        (ClientHello, true, false) => named(c"SSLv3/TLS write client hello", c"TWCH"),
        (ClientHello, false, true) => named(c"SSLv3/TLS read client hello", c"TRCH"),
        (ServerHello | HelloRetryRequest, true, true) => {
            named(c"SSLv3/TLS write server hello", c"TWSH")
        }
        (ServerHello | HelloRetryRequest, false, false) => {
            named(c"SSLv3/TLS read server hello", c"TRSH")
        }
        (EncryptedExtensions, true, _) => named(c"TLSv1.3 write encrypted extensions", c"TWEE"),
        (EncryptedExtensions, false, _) => named(c"TLSv1.3 read encrypted extensions", c"TREE"),
        (Certificate | CompressedCertificate, true, true) => {
            named(c"SSLv3/TLS write certificate", c"TWSC")
        }
        (Certificate | CompressedCertificate, false, false) => {
            named(c"SSLv3/TLS read server certificate", c"TRSC")
        }
        (Certificate | CompressedCertificate, true, false) => {
            named(c"SSLv3/TLS write client certificate", c"TWCC")
        }
        (Certificate | CompressedCertificate, false, true) => {
            named(c"SSLv3/TLS read client certificate", c"TRCC")
        }
        (CertificateVerify, true, true) => {
            named(c"TLSv1.3 write server certificate verify", c"TWSCV")
        }
        (CertificateVerify, false, false) => {
            named(c"TLSv1.3 read server certificate verify", c"TRSCV")
        }
        (CertificateVerify, true, false) => named(c"SSLv3/TLS write certificate verify", c"TWCV"),
        (CertificateVerify, false, true) => named(c"SSLv3/TLS read certificate verify", c"TRCV"),
        (ServerKeyExchange, true, _) => named(c"SSLv3/TLS write key exchange", c"TWSKE"),
        (ServerKeyExchange, false, _) => named(c"SSLv3/TLS read server key exchange", c"TRSKE"),
        (CertificateRequest, true, _) => named(c"SSLv3/TLS write certificate request", c"TWCR"),
        (CertificateRequest, false, _) => {
            named(c"SSLv3/TLS read server certificate request", c"TRCR")
        }
        (ServerHelloDone, true, _) => named(c"SSLv3/TLS write server done", c"TWSD"),
        (ServerHelloDone, false, _) => named(c"SSLv3/TLS read server done", c"TRSD"),
        (ClientKeyExchange, true, _) => named(c"SSLv3/TLS write client key exchange", c"TWCKE"),
        (ClientKeyExchange, false, _) => named(c"SSLv3/TLS read client key exchange", c"TRCKE"),
        (NewSessionTicket, true, _) => named(c"SSLv3/TLS write session ticket", c"TWST"),
        (NewSessionTicket, false, _) => named(c"SSLv3/TLS read server session ticket", c"TRST"),
        // OpenSSL 3.0 names both directions' EndOfEarlyData "TWEOED" for short.
        (EndOfEarlyData, true, _) => named(c"TLSv1.3 write end of early data", c"TWEOED"),
        (EndOfEarlyData, false, _) => named(c"TLSv1.3 read end of early data", c"TWEOED"),
        (ChangeCipherSpec, true, _) => named(c"SSLv3/TLS write change cipher spec", c"TWCCS"),
        (ChangeCipherSpec, false, _) if !tls13 => {
            named(c"SSLv3/TLS read change cipher spec", c"TRCCS")
        }
        (Finished, true, _) => named(c"SSLv3/TLS write finished", c"TWFIN"),
        (Finished, false, _) => named(c"SSLv3/TLS read finished", c"TRFIN"),
        (KeyUpdate, true, true) => named(c"TLSv1.3 write server key update", c"TWSKU"),
        (KeyUpdate, true, false) => named(c"TLSv1.3 write client key update", c"TWCKU"),
        (KeyUpdate, false, true) => named(c"TLSv1.3 read client key update", c"TRCKU"),
        (KeyUpdate, false, false) => named(c"TLSv1.3 read server key update", c"TRSKU"),
        _ => None,
    }
}

/// An alert's level and description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlertNote {
    pub level: u8,
    pub description: u8,
}

/// What happened on the connection, in order, waiting for the callbacks.
#[derive(Debug)]
pub enum Note {
    /// SSL_connect / SSL_accept began the handshake.
    Start,
    Message(HandshakeEvent),
    /// The handshake completed.
    Complete,
    /// A TLS 1.3 ticket the client read after the handshake (counted, not observed: no bytes).
    TicketReceived,
    Alert {
        sent: bool,
        alert: AlertNote,
    },
    /// The handshake failed.
    Failed,
    /// SSL_connect / SSL_accept returns `ret`.
    Exit(c_int),
}

/// One connection's callbacks' state: the notes waiting, and OpenSSL's state as replayed.
pub struct Tracker {
    notes: Arc<Mutex<Vec<Note>>>,
    machine: Mutex<Machine>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Tracker {
    /// A tracker for a connection with an info or message callback; None (nothing to pay)
    /// without either.
    pub fn for_settings(settings: &CtxSettings, server: bool) -> Option<Arc<Tracker>> {
        if settings.info_callback.is_none() && settings.msg_callback.is_none() {
            return None;
        }
        Some(Arc::new(Tracker {
            notes: Arc::default(),
            machine: Mutex::new(Machine::new(server)),
        }))
    }

    pub fn note(&self, note: Note) {
        lock(&self.notes).push(note);
    }

    /// Sets the observer that feeds the notes on a new connection (before any TLS byte moved;
    /// a connection made from a ClientHello already read cannot be observed, and reports only
    /// what the connection itself notes).
    pub fn observe(&self, conn: &mut Connection) {
        let notes = self.notes.clone();
        let _ = conn.set_handshake_trace(Box::new(move |trace| {
            let note = match trace {
                ftls::core::HandshakeTrace::Message(event) => Note::Message(event),
                ftls::core::HandshakeTrace::Complete(_) => Note::Complete,
                ftls::core::HandshakeTrace::Alert(AlertEvent {
                    direction,
                    level,
                    description,
                }) => Note::Alert {
                    sent: direction == Direction::Sent,
                    alert: AlertNote { level, description },
                },
            };
            lock(&notes).push(note);
        }));
    }

    /// Notes the TLS 1.3 tickets a client received since the last call.
    pub fn note_tickets(&self, conn: &Connection) {
        let Ok(total) = conn.tls13_tickets_received() else {
            return;
        };
        let mut machine = lock(&self.machine);
        while machine.tickets_noted < total {
            machine.tickets_noted += 1;
            self.note(Note::TicketReceived);
        }
    }

    /// The state SSL_state_string(_long) report.
    pub fn state(&self) -> HandState {
        lock(&self.machine).shown
    }
}

/// What one note makes the callbacks see.
#[derive(Debug, PartialEq, Eq)]
enum Call {
    /// The info callback: where, ret, and the state it shows meanwhile.
    Info(c_int, c_int, HandState),
    /// The message callback: sent, content type, bytes.
    Msg(bool, c_int, Vec<u8>),
}

/// OpenSSL's state machine, replayed from the notes.
#[derive(Debug)]
struct Machine {
    server: bool,
    current: HandState,
    /// Whether OpenSSL's last step was a write (it then turns to reading before a read).
    writing: bool,
    /// The handshake reached SSL_CB_HANDSHAKE_DONE.
    done: bool,
    tls13: bool,
    /// The state SSL_state_string reports now.
    shown: HandState,
    tickets_noted: u32,
}

impl Machine {
    fn new(server: bool) -> Self {
        Self {
            server,
            current: HandState::Before,
            writing: true,
            done: false,
            tls13: false,
            shown: HandState::Before,
            tickets_noted: 0,
        }
    }

    fn side(&self) -> c_int {
        if self.server {
            SSL_ST_ACCEPT
        } else {
            SSL_ST_CONNECT
        }
    }

    fn version(&self) -> c_int {
        if self.tls13 {
            TLS1_3_VERSION
        } else {
            TLS1_2_VERSION
        }
    }

    /// A transition out of the current state.
    fn transition(&self, calls: &mut Vec<Call>) {
        calls.push(Call::Info(self.side() | SSL_CB_LOOP, 1, self.current));
    }

    fn enter(&mut self, state: HandState, write: bool, calls: &mut Vec<Call>) {
        if !write && self.writing {
            // The written flight is over: OpenSSL turns to reading.
            self.transition(calls);
        }
        self.transition(calls);
        self.current = state;
        self.writing = write;
    }

    /// The handshake is over: OpenSSL moves to "SSL negotiation finished successfully".
    fn finish(&mut self, calls: &mut Vec<Call>) {
        self.transition(calls);
        self.current = HandState::Ok;
        self.writing = true;
        if !self.done {
            self.done = true;
            calls.push(Call::Info(SSL_CB_HANDSHAKE_DONE, 1, HandState::Ok));
        }
    }

    fn step(&mut self, note: Note) -> Vec<Call> {
        let mut calls = Vec::new();
        match note {
            Note::Start => {
                calls.push(Call::Info(SSL_CB_HANDSHAKE_START, 1, self.current));
            }
            Note::Message(event) => self.message(event, &mut calls),
            Note::Complete => {
                if self.current != HandState::Ok {
                    self.finish(&mut calls);
                }
            }
            Note::TicketReceived => {
                let ticket = state_for(HandshakeMessage::NewSessionTicket, false, false, true);
                if let Some(state) = ticket {
                    self.enter(state, false, &mut calls);
                    self.finish(&mut calls);
                }
            }
            Note::Alert { sent, alert } => {
                if !sent && self.writing && !self.done {
                    self.transition(&mut calls);
                    self.writing = false;
                }
                let value = c_int::from(alert.level) << 8 | c_int::from(alert.description);
                let rw = if sent { SSL_CB_WRITE } else { SSL_CB_READ };
                calls.push(Call::Msg(
                    sent,
                    SSL3_RT_ALERT,
                    vec![alert.level, alert.description],
                ));
                calls.push(Call::Info(SSL_CB_ALERT | rw, value, self.current));
            }
            Note::Failed => self.current = HandState::Error,
            Note::Exit(ret) => calls.push(Call::Info(self.side() | SSL_CB_EXIT, ret, self.current)),
        }
        self.shown = self.current;
        calls
    }

    fn message(&mut self, event: HandshakeEvent, calls: &mut Vec<Call>) {
        let sent = event.direction == Direction::Sent;
        match event.message {
            HandshakeMessage::ServerHello => {
                self.tls13 = is_tls13_server_hello(&event.body);
            }
            HandshakeMessage::EncryptedExtensions => self.tls13 = true,
            _ => {}
        }
        if event.message == HandshakeMessage::NewSessionTicket && sent && self.tls13 && !self.done {
            // A TLS 1.3 server: the handshake is done before its tickets go.
            self.transition(calls);
            self.current = HandState::Ok;
            self.done = true;
            calls.push(Call::Info(SSL_CB_HANDSHAKE_DONE, 1, HandState::Ok));
            self.current = state_for(event.message, true, true, true).unwrap_or(HandState::Ok);
            self.writing = true;
            calls.push(msg_call(&event));
            return;
        }
        let Some(state) = state_for(event.message, sent, self.server, self.tls13) else {
            return;
        };
        self.enter(state, sent, calls);
        if let Some(call) = msg_call_if_reported(&event) {
            calls.push(call);
        }
        if sent && self.server && self.tls13 && event.message == HandshakeMessage::Finished {
            // OpenSSL's TLS 1.3 server passes through its early-data state after its Finished.
            self.enter(HandState::EarlyData, true, calls);
        }
    }
}

/// A ServerHello's supported_versions extension says TLS 1.3 (RFC 8446 §4.1.3); without it
/// the version is TLS 1.2 or older.
fn is_tls13_server_hello(body: &[u8]) -> bool {
    // legacy_version(2) random(32) session_id<1> cipher_suite(2) compression(1) extensions<2>
    let Some(&id_len) = body.get(34) else {
        return false;
    };
    let mut at = 35 + usize::from(id_len) + 3;
    if body.len() < at + 2 {
        return false;
    }
    at += 2;
    while body.len() >= at + 4 {
        let kind = u16::from_be_bytes([body[at], body[at + 1]]);
        let len = usize::from(u16::from_be_bytes([body[at + 2], body[at + 3]]));
        let data = body.get(at + 4..at + 4 + len).unwrap_or(&[]);
        if kind == 43 {
            return data == [3, 4];
        }
        at += 4 + len;
    }
    false
}

/// The message callback's view of a handshake message: its header and body (a
/// ChangeCipherSpec: its one byte).
fn msg_call(event: &HandshakeEvent) -> Call {
    let sent = event.direction == Direction::Sent;
    if event.message == HandshakeMessage::ChangeCipherSpec {
        return Call::Msg(sent, SSL3_RT_CHANGE_CIPHER_SPEC, vec![1]);
    }
    let len = event.body.len();
    let mut bytes = Vec::with_capacity(4 + len);
    bytes.push(event.message.number());
    bytes.extend_from_slice(&(len as u32).to_be_bytes()[1..]);
    bytes.extend_from_slice(&event.body);
    Call::Msg(sent, SSL3_RT_HANDSHAKE, bytes)
}

/// As OpenSSL 3.0: a ChangeCipherSpec read is not reported; a message whose bytes the observer
/// does not have (the TLS 1.2 Finished, encrypted) is not either.
fn msg_call_if_reported(event: &HandshakeEvent) -> Option<Call> {
    let sent = event.direction == Direction::Sent;
    match event.message {
        HandshakeMessage::ChangeCipherSpec if !sent => None,
        HandshakeMessage::ChangeCipherSpec => Some(msg_call(event)),
        _ if event.body.len() != event.length => None,
        _ => Some(msg_call(event)),
    }
}

/// The callbacks of one connection, taken from its settings when the notes are delivered.
#[derive(Clone, Copy)]
pub struct Callbacks {
    pub info: Option<InfoCallback>,
    pub msg: Option<(MsgCallback, *mut c_void)>,
}

impl Callbacks {
    pub fn of(settings: &CtxSettings) -> Self {
        Self {
            info: settings.info_callback,
            msg: settings
                .msg_callback
                .map(|callback| (callback, settings.msg_callback_arg.0)),
        }
    }
}

/// Runs the callbacks for the notes waiting, in order. Called with the connection's state
/// free: the callbacks may call back into the SSL.
pub fn deliver(ssl: &SSL, tracker: &Tracker, callbacks: Callbacks) {
    loop {
        let notes = std::mem::take(&mut *lock(&tracker.notes));
        if notes.is_empty() {
            return;
        }
        for note in notes {
            let calls = {
                let mut machine = lock(&tracker.machine);
                let calls = machine.step(note);
                (calls, machine.version(), machine.shown)
            };
            let (calls, version, after) = calls;
            for call in calls {
                match call {
                    Call::Info(where_, ret, state) => {
                        let Some(info) = callbacks.info else { continue };
                        lock(&tracker.machine).shown = state;
                        // SAFETY: the program's info callback, with this SSL (its state
                        // free) and OpenSSL's arguments.
                        unsafe { info(ssl as *const SSL, where_, ret) };
                    }
                    Call::Msg(sent, content_type, bytes) => {
                        let Some((msg, arg)) = callbacks.msg else {
                            continue;
                        };
                        // SAFETY: the program's message callback, with the bytes (alive for
                        // the call), this SSL and the program's argument.
                        unsafe {
                            msg(
                                c_int::from(sent),
                                version,
                                content_type,
                                bytes.as_ptr().cast(),
                                bytes.len(),
                                (ssl as *const SSL).cast_mut(),
                                arg,
                            )
                        };
                    }
                }
            }
            lock(&tracker.machine).shown = after;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(direction: Direction, message: HandshakeMessage) -> Note {
        Note::Message(HandshakeEvent {
            direction,
            message,
            length: 0,
            body: Vec::new(),
        })
    }

    fn loops(machine: &mut Machine, notes: Vec<Note>) -> Vec<String> {
        notes
            .into_iter()
            .flat_map(|note| machine.step(note))
            .filter_map(|call| match call {
                Call::Info(where_, _, state) if where_ & SSL_CB_LOOP != 0 => {
                    Some(state.short().to_str().unwrap().to_owned())
                }
                Call::Info(SSL_CB_HANDSHAKE_DONE, _, _) => Some("done".to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_tls12_client_handshake_shows_openssls_states() {
        use Direction::*;
        use HandshakeMessage::*;
        let mut machine = Machine::new(false);
        let notes = vec![
            Note::Start,
            message(Sent, ClientHello),
            message(Received, ServerHello),
            message(Received, Certificate),
            message(Received, ServerKeyExchange),
            message(Received, ServerHelloDone),
            message(Sent, ClientKeyExchange),
            message(Sent, ChangeCipherSpec),
            message(Sent, Finished),
            message(Received, NewSessionTicket),
            message(Received, ChangeCipherSpec),
            message(Received, Finished),
            Note::Complete,
        ];
        assert_eq!(
            loops(&mut machine, notes).join(" "),
            "PINIT TWCH TWCH TRSH TRSC TRSKE TRSD TWCKE TWCCS TWFIN TWFIN TRST TRCCS TRFIN done"
        );
        assert_eq!(machine.shown, HandState::Ok);
    }

    #[test]
    fn a_tls13_server_is_done_before_its_tickets() {
        use Direction::*;
        use HandshakeMessage::*;
        let mut machine = Machine::new(true);
        let notes = vec![
            Note::Start,
            message(Received, ClientHello),
            message(Sent, ServerHello),
            message(Sent, ChangeCipherSpec),
            message(Sent, EncryptedExtensions),
            message(Sent, Certificate),
            message(Sent, CertificateVerify),
            message(Sent, Finished),
            message(Received, ChangeCipherSpec),
            message(Received, Finished),
            message(Sent, NewSessionTicket),
            message(Sent, NewSessionTicket),
            Note::Complete,
        ];
        assert_eq!(
            loops(&mut machine, notes).join(" "),
            "PINIT PINIT TRCH TWSH TWCCS TWEE TWSC TWSCV TWFIN TED TED TRFIN done TWST TWST"
        );
        // SSL_accept notes the completion too, for a connection it could not observe.
        assert_eq!(machine.step(Note::Complete), vec![]);
    }

    #[test]
    fn an_unobserved_handshake_still_starts_and_completes() {
        let mut machine = Machine::new(true);
        let notes = vec![Note::Start, Note::Complete, Note::Exit(1)];
        assert_eq!(loops(&mut machine, notes).join(" "), "PINIT done");
        assert_eq!(machine.shown, HandState::Ok);
    }

    #[test]
    fn a_received_fatal_alert_fails_in_the_state_reached() {
        let mut machine = Machine::new(true);
        machine.step(Note::Start);
        machine.step(message(Direction::Received, HandshakeMessage::ClientHello));
        let alert = AlertNote {
            level: 2,
            description: 48,
        };
        let calls = machine.step(Note::Alert { sent: false, alert });
        assert_eq!(
            calls.last(),
            Some(&Call::Info(
                SSL_CB_ALERT | SSL_CB_READ,
                2 << 8 | 48,
                HandState::Named(c"SSLv3/TLS read client hello", c"TRCH")
            ))
        );
        machine.step(Note::Failed);
        let calls = machine.step(Note::Exit(-1));
        assert_eq!(
            calls,
            vec![Call::Info(
                SSL_ST_ACCEPT | SSL_CB_EXIT,
                -1,
                HandState::Error
            )]
        );
        assert_eq!(machine.shown.long(), c"error");
    }

    #[test]
    fn a_tls13_server_hello_is_told_from_a_tls12_one() {
        let mut hello = vec![3, 3];
        hello.extend([0; 32]);
        hello.extend([0, 0x13, 0x02, 0]); // no session id, a suite, no compression
        hello.extend([0, 6, 0, 43, 0, 2, 3, 4]);
        assert!(is_tls13_server_hello(&hello));
        hello.truncate(hello.len() - 8);
        hello.extend([0, 0]);
        assert!(!is_tls13_server_hello(&hello));
    }
}
