//! SSL: one TLS connection over BIOs, driven the way OpenSSL drives it. ftls' sans-I/O
//! connection does the protocol; this file moves its bytes through the read and write BIOs,
//! turns would-block into SSL_ERROR_WANT_*, and reports failures on the error queue with
//! OpenSSL's reasons (OpenSSL 3.0's rules: a peer that closes the transport without
//! close_notify is an error, "unexpected eof while reading", unless SSL_OP_IGNORE_UNEXPECTED_EOF
//! turns it into a clean close).

use std::ffi::{c_char, c_int, c_long, c_void};
use std::io;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ftls::core::{CheckRequest, HelloReader, ReceivedHello};
use ftls::core::{Connection, ResultCode::*};

use super::ctx::{self, CtxSettings, VerifyCallback, SSL_CTX};
use super::ex_data::{self, ExData};
use super::info::{self, Note, Tracker};
use super::method::Role;
use super::verify::{self, X509_STORE_CTX};
use super::*;
use crate::bio::{self, BIO};
use crate::err::{self, *};
use crate::ffi::{self, guard, Owned};

/// What the verification of a connection's peer uses; kept apart from the connection's state
/// because the verify callback runs while that state is busy.
#[derive(Clone, Default)]
struct VerifySettings {
    mode: c_int,
    callback: Option<VerifyCallback>,
    depth: c_int,
    /// SSL_set1_host / SSL_add1_host: the certificate must match one of them (none: no name
    /// check, as OpenSSL). The SNI name plays no part.
    hosts: Vec<String>,
    /// SSL_set_hostflags: X509_CHECK_FLAG_* for the name check.
    host_flags: std::ffi::c_uint,
}

impl VerifySettings {
    /// What a client connection checks of its server besides the mode; `session_name` is the
    /// name its sessions are kept under, which already tells the one SSL_set1_host name apart.
    fn client_scope(&self, session_name: &str) -> ctx::ClientVerifyScope {
        let named = matches!(self.hosts.as_slice(), [host] if host == session_name);
        ctx::ClientVerifyScope {
            hosts: (!named).then(|| self.hosts.as_slice().into()),
            host_flags: self.host_flags,
            depth: self.depth,
            callback: self.callback.map_or(0, |callback| callback as usize),
        }
    }
}

struct State {
    server: Option<bool>,
    conn: Option<Connection>,
    /// A server with a servername or ALPN selection callback reads the ClientHello first:
    /// the callbacks choose the context and protocol the connection is then made with. Boxed:
    /// the reader is large (over 1 KiB) and most connections never have one.
    hello: Option<Box<HelloReader>>,
    /// The name the ClientHello asked for, once read (SSL_get_servername in the callback).
    hello_name: Option<String>,
    rbio: Option<Owned<BIO>>,
    wbio: Option<Owned<BIO>>,
    /// The context's settings when the connection was made (or switched to another context),
    /// shared with it until the connection changes one of its own (SSL_set_options...).
    settings: Arc<CtxSettings>,
    sni: Option<String>,
    alpn: Option<Vec<Vec<u8>>>,
    shutdown: c_int,
    quiet_shutdown: bool,
    rwstate: c_int,
    /// The peer's close_notify arrived (SSL_ERROR_ZERO_RETURN).
    close_notify_received: bool,
    handshake_done: bool,
    failed: bool,
    /// Bytes of the last SSL_write that ftls took but could not send yet: the retry with the
    /// same buffer completes them (OpenSSL's rule for a write that returned WANT_WRITE).
    write_in_flight: Option<usize>,
    /// SSL_get_servername's string, kept until the next call.
    sni_c: Option<std::ffi::CString>,
    /// The peer's certificates as objects, once asked for.
    peer: Option<super::peer::PeerObjects>,
    /// The session handle (SSL_get_session), made once the handshake completed.
    session: Option<Owned<super::session::SSL_SESSION>>,
    /// What the info and message callbacks are told, with either set (see `info`).
    info: Option<Arc<Tracker>>,
}

impl State {
    fn peer_objects(&mut self) -> Option<&super::peer::PeerObjects> {
        if self.peer.is_none() {
            let conn = self.conn.as_ref()?;
            let chain = conn.peer_certificates();
            if chain.is_empty() {
                return None;
            }
            self.peer = Some(super::peer::PeerObjects::new(
                chain,
                self.server != Some(true),
            ));
        }
        self.peer.as_ref()
    }
}

pub struct SSL {
    ctx: Mutex<Arc<SSL_CTX>>,
    state: Mutex<State>,
    verify: Mutex<VerifySettings>,
    verify_result: AtomicI64,
    /// The CA names of the server's CertificateRequest (a client's SSL_get_client_CA_list).
    peer_ca_names: Mutex<ctx::CaList>,
    /// The client kept a TLS 1.2 session during the handshake under way.
    tls12_session_kept: std::sync::atomic::AtomicBool,
    pub ex_data: ExData,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn ssl<'a>(function: &'static str, ptr: *const SSL) -> Option<&'a SSL> {
    // SAFETY: C passes NULL or an SSL it holds (OpenSSL's contract).
    let ssl = unsafe { ffi::borrow(ptr) };
    if ssl.is_none() {
        ffi::null_argument(ERR_LIB_SSL, function, "the SSL");
    }
    ssl
}

impl SSL {
    pub fn ctx(&self) -> Arc<SSL_CTX> {
        lock(&self.ctx).clone()
    }

    /// Whether the peer's certificate passed verification (as far as checked yet): only then
    /// may a client keep the session, as a handshake resuming it checks no certificate and
    /// reports X509_V_OK.
    pub(super) fn peer_verified(&self) -> bool {
        self.verify_result.load(Ordering::Relaxed) == verify::X509_V_OK as i64
    }

    fn as_c(&self) -> *const SSL {
        self as *const SSL
    }

    /// The connection's state; a call from inside one of its own callbacks (the state is busy)
    /// is refused with an error.
    fn state(&self, function: &'static str) -> Option<MutexGuard<'_, State>> {
        match self.state.try_lock() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => {
                err::raise(
                    ERR_LIB_SSL,
                    ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED,
                    function,
                    "called from inside one of this connection's callbacks (the connection is busy)",
                );
                None
            }
        }
    }
}

/// Reads TLS bytes from a BIO for ftls: would-block becomes io::ErrorKind::WouldBlock.
struct BioReader<'a>(&'a BIO);

impl io::Read for BioReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len().min(c_int::MAX as usize);
        let n = self.0.read(&mut buf[..len]);
        if n > 0 {
            return Ok(n as usize);
        }
        if n == 0 && !self.0.should_retry() {
            return Ok(0);
        }
        if self.0.should_retry() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Err(io::Error::last_os_error())
    }
}

struct BioWriter<'a>(&'a BIO);

impl io::Write for BioWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let len = data.len().min(c_int::MAX as usize);
        let n = self.0.write(&data[..len]);
        if n > 0 {
            return Ok(n as usize);
        }
        if self.0.should_retry() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Err(io::Error::last_os_error())
    }

    /// What ftls has queued (a flight: ChangeCipherSpec and Finished, say) goes in one BIO
    /// write, as OpenSSL writes a flight: record by record, Nagle's algorithm would hold the
    /// second record back until the peer acknowledged the first.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let mut parts = bufs.iter().filter(|b| !b.is_empty());
        match (parts.next(), parts.next()) {
            (None, _) => Ok(0),
            (Some(one), None) => self.write(one),
            _ => {
                let mut flight = Vec::with_capacity(bufs.iter().map(|b| b.len()).sum());
                for part in bufs {
                    flight.extend_from_slice(part);
                }
                self.write(&flight)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Why a drive of the connection stopped short.
enum Stop {
    /// Would block on the BIO named by rwstate.
    Want,
    /// The transport ended without close_notify.
    Eof,
    /// The connection failed.
    Failed(ftls::core::Error),
    /// The connection was refused, the reason already queued.
    Refused,
}

impl State {
    fn conn(&mut self) -> &mut Connection {
        self.conn
            .as_mut()
            .expect("the connection exists once started")
    }

    /// Sends what ftls has for the peer.
    fn flush(&mut self) -> Result<(), Stop> {
        let Some(wbio) = self.wbio.clone() else {
            return Err(Stop::Failed(ftls::core::Error::new(
                FTLS_ERR_INVALID_STATE,
                "no write BIO",
            )));
        };
        while self.conn().wants_write() {
            match self.conn().write_tls(&mut BioWriter(&wbio)) {
                Ok(_) => {}
                Err(e) if e.code() == FTLS_WANT_WRITE => {
                    self.rwstate = SSL_WRITING;
                    return Err(Stop::Want);
                }
                Err(e) => return Err(Stop::Failed(e)),
            }
        }
        Ok(())
    }

    /// Reads and processes TLS bytes once.
    fn receive(&mut self) -> Result<(), Stop> {
        let Some(rbio) = self.rbio.clone() else {
            return Err(Stop::Failed(ftls::core::Error::new(
                FTLS_ERR_INVALID_STATE,
                "no read BIO",
            )));
        };
        let read = self.conn().read_tls(&mut BioReader(&rbio));
        match read {
            Ok(0) => {
                if let Err(e) = self.conn().process_new_packets() {
                    return Err(self.failed(e));
                }
                Err(Stop::Eof)
            }
            Ok(_) => self
                .conn()
                .process_new_packets()
                .map_err(|e| self.failed(e)),
            Err(e) if e.code() == FTLS_WANT_READ => {
                self.rwstate = SSL_READING;
                Err(Stop::Want)
            }
            Err(e) => Err(self.failed(e)),
        }
    }

    /// A failure: the alert that says why goes out (best effort).
    fn failed(&mut self, error: ftls::core::Error) -> Stop {
        if let Some(wbio) = self.wbio.clone() {
            if let Some(conn) = self.conn.as_mut() {
                // Everything queued goes: a CCS may precede the alert.
                while conn.wants_write() {
                    if !matches!(conn.write_tls(&mut BioWriter(&wbio)), Ok(n) if n > 0) {
                        break;
                    }
                }
            }
        }
        if error.code() == FTLS_ERR_UNEXPECTED_EOF {
            return Stop::Eof;
        }
        Stop::Failed(error)
    }

    /// The peer's alert, for the info and message callbacks.
    fn note_alert_received(&self, alert: info::AlertNote) {
        if let Some(tracker) = &self.info {
            tracker.note(Note::Alert { sent: false, alert });
        }
    }

    fn handshake(&mut self) -> Result<(), Stop> {
        loop {
            self.flush()?;
            if !self.conn().is_handshaking() {
                self.handshake_done = true;
                return Ok(());
            }
            self.receive()?;
        }
    }
}

/// The reason OpenSSL gives for a failed connection.
fn reason_for(error: &ftls::core::Error) -> c_int {
    if let Some(alert) = received_alert(error) {
        return SSL_AD_REASON_OFFSET + alert;
    }
    match error.code() {
        FTLS_ERR_CERT_INVALID
        | FTLS_ERR_CERT_UNKNOWN_ISSUER
        | FTLS_ERR_CERT_EXPIRED
        | FTLS_ERR_CERT_NOT_YET_VALID
        | FTLS_ERR_CERT_NAME_MISMATCH
        | FTLS_ERR_CERT_REVOKED
        | FTLS_ERR_CERT_BAD_USAGE
        | FTLS_ERR_CERT_REVOCATION_UNKNOWN
        | FTLS_ERR_CERT_REJECTED => SSL_R_CERTIFICATE_VERIFY_FAILED,
        FTLS_ERR_NO_COMMON_VERSION => SSL_R_UNSUPPORTED_PROTOCOL,
        FTLS_ERR_NO_COMMON_CIPHER_SUITE => SSL_R_NO_SHARED_CIPHER,
        FTLS_ERR_NO_COMMON_ALPN => SSL_R_NO_APPLICATION_PROTOCOL,
        FTLS_ERR_CLIENT_CERT_REQUIRED => SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE,
        FTLS_ERR_DECRYPT => SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC,
        FTLS_ERR_UNEXPECTED_EOF => SSL_R_UNEXPECTED_EOF_WHILE_READING,
        FTLS_ERR_NO_CERTIFICATE => SSL_R_NO_CERTIFICATE_ASSIGNED,
        FTLS_ERR_BAD_MESSAGE | FTLS_ERR_PROTOCOL => {
            let detail = error.detail();
            if detail.contains("content type")
                || detail.contains("version")
                || detail.contains("not TLS")
            {
                SSL_R_WRONG_VERSION_NUMBER
            } else {
                SSL_R_UNEXPECTED_MESSAGE
            }
        }
        FTLS_ERR_HANDSHAKE_FAILURE => SSL_R_SSL_HANDSHAKE_FAILURE,
        FTLS_ERR_INVALID_ARGUMENT | FTLS_ERR_CONFIG => SSL_R_NO_PROTOCOLS_AVAILABLE,
        _ => ERR_R_INTERNAL_ERROR,
    }
}

/// The alert number a "the peer sent a fatal alert: NAME (N)" detail names.
fn received_alert(error: &ftls::core::Error) -> Option<c_int> {
    let detail = error.detail();
    let rest = detail.strip_prefix("the peer sent a fatal alert: ")?;
    let number = rest.rsplit_once('(')?.1.strip_suffix(')')?;
    number.parse().ok()
}

fn is_transport_error(error: &ftls::core::Error) -> bool {
    error.code() == FTLS_ERR_IO
}

/// Queues the failure (unless it is the transport's: errno tells, SSL_ERROR_SYSCALL). The
/// record carries OpenSSL's reason and, as OpenSSL's do, no text: programs print these lines,
/// and they read the same as with OpenSSL (SSL_get_verify_result tells the certificate
/// problem).
fn report(function: &'static str, error: &ftls::core::Error) {
    if is_transport_error(error) {
        return;
    }
    // OpenSSL's records carry no text, except a received alert's number.
    let data = received_alert(error).map_or(String::new(), |n| format!("SSL alert number {n}"));
    err::raise(ERR_LIB_SSL, reason_for(error), function, data);
}

#[no_mangle]
pub extern "C" fn SSL_new(ctx: *mut SSL_CTX) -> *mut SSL {
    guard("SSL_new", std::ptr::null_mut(), || {
        // SAFETY: C passes NULL or a context it holds.
        let Some(ctx) = (unsafe { ffi::share(ctx) }) else {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_NULL_SSL_CTX,
                "SSL_new",
                "the SSL_CTX is NULL",
            );
            return std::ptr::null_mut();
        };
        let settings = ctx.shared_settings();
        let server = match ctx.method.role {
            Role::Client => Some(false),
            Role::Server => Some(true),
            Role::Either => None,
        };
        let verify = VerifySettings {
            mode: settings.verify_mode,
            callback: settings.verify_callback,
            depth: settings.verify_depth,
            hosts: Vec::new(),
            host_flags: 0,
        };
        ffi::into_c(SSL {
            ctx: Mutex::new(ctx),
            state: Mutex::new(State {
                server,
                conn: None,
                hello: None,
                hello_name: None,
                rbio: None,
                wbio: None,
                settings,
                sni: None,
                alpn: None,
                shutdown: 0,
                quiet_shutdown: false,
                rwstate: SSL_NOTHING,
                close_notify_received: false,
                handshake_done: false,
                failed: false,
                write_in_flight: None,
                sni_c: None,
                peer: None,
                session: None,
                info: None,
            }),
            verify: Mutex::new(verify),
            verify_result: AtomicI64::new(verify::X509_V_OK as i64),
            peer_ca_names: Mutex::new(ctx::CaList(std::ptr::null_mut())),
            tls12_session_kept: Default::default(),
            ex_data: ExData::default(),
        })
    })
}

#[no_mangle]
pub extern "C" fn SSL_free(s: *mut SSL) {
    // SAFETY: C gives up its reference (NULL does nothing).
    guard("SSL_free", (), || unsafe { ffi::release(s) })
}

#[no_mangle]
pub extern "C" fn SSL_up_ref(s: *mut SSL) -> c_int {
    // SAFETY: C passes NULL or an SSL it holds.
    guard("SSL_up_ref", 0, || unsafe { ffi::up_ref(s) })
}

/// Starts the ftls connection (client or server) when the first I/O call needs it.
fn start(ssl: &SSL, st: &mut State, function: &'static str) -> Result<(), c_int> {
    if st.conn.is_some() || st.hello.is_some() {
        return Ok(());
    }
    let Some(server) = st.server else {
        err::raise(ERR_LIB_SSL, SSL_R_CONNECTION_TYPE_NOT_SET, function, "call SSL_set_connect_state or SSL_set_accept_state first (or use SSL_connect / SSL_accept)");
        return Err(-1);
    };
    if st.rbio.is_none() || st.wbio.is_none() {
        // As OpenSSL: -1 with nothing queued (SSL_ERROR_SYSCALL).
        return Err(-1);
    }
    let versions = ctx::versions_of(&st.settings);
    if !versions.tls12 && !versions.tls13 {
        err::raise(
            ERR_LIB_SSL,
            SSL_R_NO_PROTOCOLS_AVAILABLE,
            function,
            "the options and the protocol version range leave neither TLS 1.2 nor TLS 1.3",
        );
        return Err(-1);
    }
    st.info = Tracker::for_settings(&st.settings, server);
    let ctx = ssl.ctx();
    if server && ctx.has_hello_callbacks() {
        st.hello = Some(Box::new(HelloReader::new()));
        return Ok(());
    }
    let made = if server {
        ctx.server_config(&per_connection(ssl, st))
            .and_then(|config| Connection::server(&config))
    } else {
        // rustls' server name is the SNI name, or without one (SNI off) the first
        // SSL_set1_host name, else an address: it keys the session cache, as names are
        // checked by verify_peer against the SSL_set1_host names.
        let verify = lock(&ssl.verify);
        let host = verify.hosts.first().cloned();
        let host = host.filter(|h| rustls_pki_types::ServerName::try_from(h.as_str()).is_ok());
        let send_sni = st.sni.is_some();
        let name = st
            .sni
            .clone()
            .or(host)
            .unwrap_or_else(|| "0.0.0.0".to_owned());
        let own = ctx::PerConnection::of(&st.settings, verify.mode)
            .with_client_scope(verify.client_scope(&name));
        drop(verify);
        ctx.client_config(&own, send_sni, st.alpn.as_deref())
            .and_then(|config| Connection::client(&config, &name))
    };
    match made {
        Ok(mut conn) => {
            if let Some(tracker) = &st.info {
                tracker.observe(&mut conn);
            }
            st.conn = Some(conn);
            Ok(())
        }
        Err(error) => {
            report(function, &error);
            st.failed = true;
            Err(-1)
        }
    }
}

/// What the connection holds for itself (see `ctx::PerConnection`).
fn per_connection(ssl: &SSL, st: &State) -> ctx::PerConnection {
    ctx::PerConnection::of(&st.settings, lock(&ssl.verify).mode)
}

/// Runs the handshake; the SSL_connect / SSL_accept / SSL_do_handshake result.
fn do_handshake(ssl: &SSL, function: &'static str) -> c_int {
    let Some(mut st) = ssl.state(function) else {
        return -1;
    };
    if st.handshake_done {
        return 1;
    }
    let starting = st.conn.is_none() && st.hello.is_none();
    if let Err(ret) = start(ssl, &mut st, function) {
        return ret;
    }
    st.rwstate = SSL_NOTHING;
    if let (true, Some(tracker)) = (starting, &st.info) {
        tracker.note(Note::Start);
    }
    let _current = verify::Current::enter(ssl.as_c());
    let result = if st.hello.is_some() {
        drop(st);
        accept_hello(ssl, function).and_then(|()| match ssl.state(function) {
            Some(mut st) => st.handshake(),
            None => Err(Stop::Failed(busy())),
        })
    } else {
        let result = st.handshake();
        drop(st);
        result
    };
    let notes = match &result {
        // The observer reported the completion already, unless the connection could not be
        // observed (made from a ClientHello read first): then this says it.
        Ok(()) => vec![Note::Complete, Note::Exit(1)],
        Err(Stop::Want) => vec![Note::Exit(-1)],
        Err(_) => vec![Note::Failed, Note::Exit(-1)],
    };
    let ret = match result {
        Ok(()) => {
            announce_new_tls12_session(ssl, function);
            1
        }
        Err(Stop::Want) => -1,
        Err(Stop::Eof) => {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_UNEXPECTED_EOF_WHILE_READING,
                function,
                "the peer closed the connection during the handshake",
            );
            mark_failed(ssl);
            -1
        }
        Err(Stop::Failed(error)) => {
            report(function, &error);
            mark_failed(ssl);
            -1
        }
        Err(Stop::Refused) => {
            mark_failed(ssl);
            -1
        }
    };
    deliver_info(ssl, notes);
    ret
}

/// Runs the info and message callbacks for what the connection noted, `last` after the rest.
fn deliver_info(ssl: &SSL, last: Vec<Note>) {
    let Ok(st) = ssl.state.try_lock() else {
        return;
    };
    let Some(tracker) = st.info.clone() else {
        return;
    };
    let callbacks = info::Callbacks::of(&st.settings);
    drop(st);
    for note in last {
        tracker.note(note);
    }
    info::deliver(ssl, &tracker, callbacks);
}

/// Notes that the client's store kept a TLS 1.2 session (see [`announce_new_tls12_session`]).
pub(super) fn tls12_session_kept(ssl: &SSL) {
    ssl.tls12_session_kept.store(true, Ordering::Relaxed);
}

/// A completed client handshake that kept a TLS 1.2 session and did not resume one made a new
/// session: the new-session callback hears of it, as in OpenSSL.
fn announce_new_tls12_session(ssl: &SSL, function: &'static str) {
    if !ssl.tls12_session_kept.swap(false, Ordering::Relaxed) {
        return;
    }
    let resumed = ssl
        .state(function)
        .is_some_and(|st| st.conn.as_ref().is_some_and(Connection::is_resumed));
    if !resumed {
        super::session::announce_tls12_session(ssl);
    }
}

fn busy() -> ftls::core::Error {
    ftls::core::Error::invalid_state("the connection is busy in one of its callbacks")
}

/// Reads the ClientHello (a server with a servername or ALPN selection callback), runs the
/// callbacks as OpenSSL does (servername first: it may switch the SSL_CTX; then ALPN
/// selection with the switched context's callback), and makes the connection from the chosen
/// context's config with the selected protocol.
fn accept_hello(ssl: &SSL, function: &'static str) -> Result<(), Stop> {
    let (hello, own) = {
        let mut st = ssl.state(function).ok_or_else(|| Stop::Failed(busy()))?;
        let hello = read_hello(&mut st)?;
        st.hello_name = hello.server_name();
        (hello, per_connection(ssl, &st))
    };
    let ctx = ssl.ctx();
    let settings = ctx.settings();
    if let Some(callback) = settings.servername {
        let mut alert = SSL_AD_UNRECOGNIZED_NAME;
        // SAFETY: the program's servername callback with this SSL (its state released, so that
        // SSL_get_servername and SSL_set_SSL_CTX work inside), a place for the alert and the
        // program's argument.
        let ret = unsafe { callback(ssl.as_c().cast_mut(), &mut alert, settings.servername_arg.0) };
        if ret == SSL_TLSEXT_ERR_ALERT_FATAL {
            return Err(refuse_hello(ssl, function, alert, SSL_R_CALLBACK_FAILED));
        }
    }
    // The servername callback may have switched the context.
    let ctx = ssl.ctx();
    let settings = ctx.shared_settings();
    let offered = hello.alpn();
    let mut alpn = None;
    if let (Some((callback, arg)), false) = (settings.alpn_select, offered.is_empty()) {
        let wire: Vec<u8> = offered
            .iter()
            .flat_map(|p| std::iter::once(p.len() as u8).chain(p.iter().copied()))
            .collect();
        let mut out: *const u8 = std::ptr::null();
        let mut out_len: u8 = 0;
        // SAFETY: the program's ALPN selection callback with this SSL (state released), places
        // for its choice, the client's list in wire format (alive for the call) and its arg.
        let ret = unsafe {
            callback(
                ssl.as_c().cast_mut(),
                &mut out,
                &mut out_len,
                wire.as_ptr(),
                wire.len() as std::ffi::c_uint,
                arg.0,
            )
        };
        match ret {
            SSL_TLSEXT_ERR_OK if !out.is_null() && out_len > 0 => {
                // SAFETY: the callback points `out` at out_len bytes (its own list or the
                // client's), alive until it returns to us; copied at once.
                let chosen = unsafe { std::slice::from_raw_parts(out, out_len as usize) };
                alpn = Some(vec![chosen.to_vec()]);
            }
            // As if there were no callback: no protocol.
            SSL_TLSEXT_ERR_NOACK | SSL_TLSEXT_ERR_OK => alpn = Some(Vec::new()),
            _ => {
                return Err(refuse_hello(
                    ssl,
                    function,
                    SSL_AD_NO_APPLICATION_PROTOCOL,
                    SSL_R_NO_APPLICATION_PROTOCOL,
                ))
            }
        }
    }
    // The servername callback may have changed the verify mode (as nginx does, after
    // switching the context); the rest of the connection's own settings stay as they were.
    let own = own.with_verify_mode(lock(&ssl.verify).mode);
    let config = ctx.server_config(&own).map_err(Stop::Failed)?;
    let config = match alpn {
        Some(protocols) => config.with_alpn(protocols),
        None => config,
    };
    let mut st = ssl.state(function).ok_or_else(|| Stop::Failed(busy()))?;
    st.hello = None;
    match hello.into_connection(&config) {
        Ok(mut conn) => {
            if let Some(tracker) = &st.info {
                tracker.observe(&mut conn);
            }
            st.conn = Some(conn);
            Ok(())
        }
        Err((error, alert)) => {
            if let Some(wbio) = st.wbio.clone() {
                let _ = io::Write::write_all(&mut BioWriter(&wbio), &alert);
            }
            Err(Stop::Failed(error))
        }
    }
}

/// Reads TLS bytes until the ClientHello is complete.
fn read_hello(st: &mut State) -> Result<ReceivedHello, Stop> {
    let (Some(rbio), Some(wbio)) = (st.rbio.clone(), st.wbio.clone()) else {
        return Err(Stop::Failed(ftls::core::Error::new(
            FTLS_ERR_INVALID_STATE,
            "no read or write BIO",
        )));
    };
    let reader = st.hello.as_mut().expect("reading the hello");
    loop {
        match reader.hello() {
            Ok(Some(hello)) => return Ok(hello),
            Ok(None) => {}
            Err(error) => {
                reader.write_alert(&mut BioWriter(&wbio));
                return Err(Stop::Failed(error));
            }
        }
        match reader.read_tls(&mut BioReader(&rbio)) {
            Ok(0) => return Err(Stop::Eof),
            Ok(_) => {}
            Err(e) if e.code() == FTLS_WANT_READ => {
                st.rwstate = SSL_READING;
                return Err(Stop::Want);
            }
            Err(e) => return Err(Stop::Failed(e)),
        }
    }
}

/// Fails the handshake at the ClientHello: the fatal alert goes to the peer and the reason on
/// the error queue.
fn refuse_hello(ssl: &SSL, function: &'static str, alert: c_int, reason: c_int) -> Stop {
    if let Some(mut st) = ssl.state(function) {
        let wbio = st.wbio.clone();
        if let (Some(reader), Some(wbio)) = (st.hello.as_mut(), wbio) {
            reader.refuse(alert as u8);
            reader.write_alert(&mut BioWriter(&wbio));
        }
        st.hello = None;
    }
    // OpenSSL's record carries no text.
    err::raise(ERR_LIB_SSL, reason, function, "");
    Stop::Refused
}

fn mark_failed(ssl: &SSL) {
    if let Ok(mut st) = ssl.state.try_lock() {
        st.failed = true;
    }
}

fn set_role(ssl: &SSL, server: bool) {
    if let Some(mut st) = ssl.state("SSL_set_connect_state") {
        st.server = Some(server);
        st.shutdown = 0;
    }
}

#[no_mangle]
pub extern "C" fn SSL_set_connect_state(s: *mut SSL) {
    guard("SSL_set_connect_state", (), || {
        if let Some(ssl) = ssl("SSL_set_connect_state", s) {
            set_role(ssl, false);
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_accept_state(s: *mut SSL) {
    guard("SSL_set_accept_state", (), || {
        if let Some(ssl) = ssl("SSL_set_accept_state", s) {
            set_role(ssl, true);
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_connect(s: *mut SSL) -> c_int {
    guard("SSL_connect", -1, || {
        let Some(ssl) = ssl("SSL_connect", s) else {
            return -1;
        };
        if let Some(mut st) = ssl.state("SSL_connect") {
            if st.server.is_none() {
                st.server = Some(false);
            }
        }
        do_handshake(ssl, "SSL_connect")
    })
}

#[no_mangle]
pub extern "C" fn SSL_accept(s: *mut SSL) -> c_int {
    guard("SSL_accept", -1, || {
        let Some(ssl) = ssl("SSL_accept", s) else {
            return -1;
        };
        if let Some(mut st) = ssl.state("SSL_accept") {
            if st.server.is_none() {
                st.server = Some(true);
            }
        }
        do_handshake(ssl, "SSL_accept")
    })
}

#[no_mangle]
pub extern "C" fn SSL_do_handshake(s: *mut SSL) -> c_int {
    guard("SSL_do_handshake", -1, || {
        match ssl("SSL_do_handshake", s) {
            Some(ssl) => do_handshake(ssl, "SSL_do_handshake"),
            None => -1,
        }
    })
}

/// SSL_read / SSL_peek: > 0 bytes; 0 after close_notify or at end of input; -1 otherwise.
fn read(ssl: &SSL, function: &'static str, buf: &mut [u8], peek: bool) -> c_int {
    let ret = read_records(ssl, function, buf, peek);
    deliver_info(ssl, Vec::new());
    ret
}

fn read_records(ssl: &SSL, function: &'static str, buf: &mut [u8], peek: bool) -> c_int {
    if buf.is_empty() {
        return 0;
    }
    let handshake_done = ssl.state(function).map(|st| st.handshake_done);
    match handshake_done {
        None => return -1,
        Some(false) => {
            let ret = do_handshake(ssl, function);
            if ret <= 0 {
                return ret;
            }
        }
        Some(true) => {}
    }
    let Some(mut st) = ssl.state(function) else {
        return -1;
    };
    st.rwstate = SSL_NOTHING;
    if st.close_notify_received {
        return 0;
    }
    let _current = verify::Current::enter(ssl.as_c());
    loop {
        match st.conn().read_borrowed() {
            Ok(record) => {
                // At most one record's data per call, as OpenSSL's reads return: what follows
                // (the next reply of a line protocol) is seen by the next read or peek.
                let n = record.len().min(buf.len());
                buf[..n].copy_from_slice(&record[..n]);
                if !peek {
                    if let Err(error) = st.conn().consume(n) {
                        report(function, &error);
                        st.failed = true;
                        return -1;
                    }
                }
                return n as c_int;
            }
            Err(e) if e.code() == FTLS_CLOSED => {
                st.close_notify_received = true;
                st.shutdown |= SSL_RECEIVED_SHUTDOWN;
                st.note_alert_received(info::CLOSE_NOTIFY);
                return 0;
            }
            Err(e) if e.code() == FTLS_WANT_READ => {
                // Post-handshake messages may want an answer first (key update, tickets).
                let step = st.flush().and_then(|()| st.receive());
                if let Some(tracker) = st.info.clone() {
                    tracker.note_tickets(st.conn());
                }
                match step {
                    Ok(()) => continue,
                    Err(Stop::Want) => return -1,
                    Err(Stop::Eof) => return unexpected_eof(&mut st, function),
                    Err(Stop::Refused) => return -1,
                    Err(Stop::Failed(error)) => {
                        report(function, &error);
                        st.failed = true;
                        return -1;
                    }
                }
            }
            Err(e) if e.code() == FTLS_ERR_UNEXPECTED_EOF => {
                return unexpected_eof(&mut st, function)
            }
            Err(error) => {
                report(function, &error);
                st.failed = true;
                return -1;
            }
        }
    }
}

/// OpenSSL 3.0's rule for a transport that ended without close_notify.
fn unexpected_eof(st: &mut State, function: &'static str) -> c_int {
    if st.settings.options & SSL_OP_IGNORE_UNEXPECTED_EOF != 0 {
        st.close_notify_received = true;
        st.shutdown |= SSL_RECEIVED_SHUTDOWN;
        return 0;
    }
    err::raise(
        ERR_LIB_SSL,
        SSL_R_UNEXPECTED_EOF_WHILE_READING,
        function,
        "",
    );
    st.failed = true;
    0
}

fn out_buf<'a>(function: &'static str, buf: *mut c_void, num: usize) -> Option<&'a mut [u8]> {
    // SAFETY: C passes num writable bytes at buf.
    let out = unsafe { ffi::bytes_out(buf, num) };
    if out.is_none() {
        ffi::null_argument(ERR_LIB_SSL, function, "the buffer");
    }
    out
}

#[no_mangle]
pub extern "C" fn SSL_read(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    guard("SSL_read", -1, || {
        let Some(ssl) = ssl("SSL_read", s) else {
            return -1;
        };
        if num < 0 {
            err::raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH, "SSL_read", "negative length");
            return -1;
        }
        let Some(buf) = out_buf("SSL_read", buf, num as usize) else {
            return -1;
        };
        read(ssl, "SSL_read", buf, false)
    })
}

#[no_mangle]
pub extern "C" fn SSL_peek(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    guard("SSL_peek", -1, || {
        let Some(ssl) = ssl("SSL_peek", s) else {
            return -1;
        };
        if num < 0 {
            err::raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH, "SSL_peek", "negative length");
            return -1;
        }
        let Some(buf) = out_buf("SSL_peek", buf, num as usize) else {
            return -1;
        };
        read(ssl, "SSL_peek", buf, true)
    })
}

fn read_ex(
    s: *mut SSL,
    function: &'static str,
    buf: *mut c_void,
    num: usize,
    readbytes: *mut usize,
    peek: bool,
) -> c_int {
    guard(function, 0, || {
        let Some(ssl) = ssl(function, s) else {
            return 0;
        };
        let Some(buf) = out_buf(function, buf, num.min(c_int::MAX as usize)) else {
            return 0;
        };
        let n = read(ssl, function, buf, peek);
        // SAFETY: readbytes is NULL or a place for the count.
        unsafe { ffi::write_out(readbytes, n.max(0) as usize) };
        (n > 0) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_read_ex(
    s: *mut SSL,
    buf: *mut c_void,
    num: usize,
    readbytes: *mut usize,
) -> c_int {
    read_ex(s, "SSL_read_ex", buf, num, readbytes, false)
}

#[no_mangle]
pub extern "C" fn SSL_peek_ex(
    s: *mut SSL,
    buf: *mut c_void,
    num: usize,
    readbytes: *mut usize,
) -> c_int {
    read_ex(s, "SSL_peek_ex", buf, num, readbytes, true)
}

/// SSL_write: all of `data` (or, with SSL_MODE_ENABLE_PARTIAL_WRITE, what went out), or -1.
fn write(ssl: &SSL, function: &'static str, data: &[u8]) -> c_int {
    let handshake_done = ssl.state(function).map(|st| st.handshake_done);
    match handshake_done {
        None => return -1,
        Some(false) => {
            let ret = do_handshake(ssl, function);
            if ret <= 0 {
                return ret;
            }
        }
        Some(true) => {}
    }
    let Some(mut st) = ssl.state(function) else {
        return -1;
    };
    st.rwstate = SSL_NOTHING;
    if st.shutdown & SSL_SENT_SHUTDOWN != 0 {
        err::raise(
            ERR_LIB_SSL,
            SSL_R_PROTOCOL_IS_SHUTDOWN,
            function,
            "SSL_shutdown was called: no more data can be written",
        );
        return -1;
    }
    let _current = verify::Current::enter(ssl.as_c());
    let mut written = st.write_in_flight.take().unwrap_or(0);
    loop {
        if let Err(stop) = st.flush() {
            return match stop {
                Stop::Want => {
                    st.write_in_flight = Some(written);
                    -1
                }
                Stop::Eof | Stop::Refused => -1,
                Stop::Failed(error) => {
                    report(function, &error);
                    st.failed = true;
                    -1
                }
            };
        }
        if written >= data.len()
            || (written > 0 && st.settings.mode & SSL_MODE_ENABLE_PARTIAL_WRITE != 0)
        {
            return written.min(c_int::MAX as usize) as c_int;
        }
        match st.conn().write(&data[written..]) {
            Ok(n) => written += n,
            Err(e) if e.code() == FTLS_WANT_WRITE => {}
            Err(error) => {
                report(function, &error);
                st.failed = true;
                return -1;
            }
        }
    }
}

fn in_buf<'a>(function: &'static str, buf: *const c_void, num: usize) -> Option<&'a [u8]> {
    // SAFETY: C passes num readable bytes at buf.
    let data = unsafe { ffi::bytes_arg(buf, num) };
    if data.is_none() {
        ffi::null_argument(ERR_LIB_SSL, function, "the buffer");
    }
    data
}

#[no_mangle]
pub extern "C" fn SSL_write(s: *mut SSL, buf: *const c_void, num: c_int) -> c_int {
    guard("SSL_write", -1, || {
        let Some(ssl) = ssl("SSL_write", s) else {
            return -1;
        };
        if num < 0 {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_BAD_LENGTH,
                "SSL_write",
                "negative length",
            );
            return -1;
        }
        let Some(data) = in_buf("SSL_write", buf, num as usize) else {
            return -1;
        };
        if data.is_empty() {
            return 0;
        }
        write(ssl, "SSL_write", data)
    })
}

#[no_mangle]
pub extern "C" fn SSL_write_ex(
    s: *mut SSL,
    buf: *const c_void,
    num: usize,
    written: *mut usize,
) -> c_int {
    guard("SSL_write_ex", 0, || {
        let Some(ssl) = ssl("SSL_write_ex", s) else {
            return 0;
        };
        let Some(data) = in_buf("SSL_write_ex", buf, num.min(c_int::MAX as usize)) else {
            return 0;
        };
        let n = if data.is_empty() {
            0
        } else {
            write(ssl, "SSL_write_ex", data)
        };
        // SAFETY: written is NULL or a place for the count.
        unsafe { ffi::write_out(written, n.max(0) as usize) };
        (n > 0) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_pending(s: *const SSL) -> c_int {
    guard("SSL_pending", 0, || {
        let Some(ssl) = ssl("SSL_pending", s) else {
            return 0;
        };
        let Some(st) = ssl.state("SSL_pending") else {
            return 0;
        };
        let buffered = st.conn.as_ref().map_or(0, Connection::pending);
        buffered.min(c_int::MAX as usize) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_has_pending(s: *const SSL) -> c_int {
    (SSL_pending(s) > 0) as c_int
}

/// SSL_shutdown: 0 after sending close_notify (the peer's not seen yet), 1 once both went,
/// -1 when the BIO would block or on failure.
#[no_mangle]
pub extern "C" fn SSL_shutdown(s: *mut SSL) -> c_int {
    let ret = shutdown(s);
    guard("SSL_shutdown", (), || {
        // SAFETY: C passes NULL or an SSL it holds (NULL was reported by `shutdown`).
        if let Some(ssl) = unsafe { ffi::borrow::<SSL>(s) } {
            deliver_info(ssl, Vec::new());
        }
    });
    ret
}

fn shutdown(s: *mut SSL) -> c_int {
    const F: &str = "SSL_shutdown";
    guard(F, -1, || {
        let Some(ssl) = ssl(F, s) else { return -1 };
        let Some(mut st) = ssl.state(F) else {
            return -1;
        };
        if st.quiet_shutdown {
            st.shutdown = SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN;
            return 1;
        }
        if st.conn.is_none() || !st.handshake_done {
            if st.failed || st.conn.is_none() {
                st.shutdown |= SSL_SENT_SHUTDOWN;
                return 1;
            }
            err::raise(
                ERR_LIB_SSL,
                SSL_R_SHUTDOWN_WHILE_IN_INIT,
                F,
                "the handshake is not complete",
            );
            return -1;
        }
        st.rwstate = SSL_NOTHING;
        let _current = verify::Current::enter(ssl.as_c());
        let already_sent = st.shutdown & SSL_SENT_SHUTDOWN != 0;
        if !already_sent {
            st.shutdown |= SSL_SENT_SHUTDOWN;
            if !st.failed {
                st.conn().send_close_notify();
                if let Some(tracker) = &st.info {
                    let alert = info::CLOSE_NOTIFY;
                    tracker.note(Note::Alert { sent: true, alert });
                }
            }
        }
        if !st.failed && st.flush().is_err() {
            return -1;
        }
        if st.shutdown & SSL_RECEIVED_SHUTDOWN != 0 || st.close_notify_received {
            st.shutdown |= SSL_RECEIVED_SHUTDOWN;
            return 1;
        }
        if !already_sent || st.failed {
            return 0;
        }
        // The second call: wait for the peer's close_notify, discarding data that still comes.
        {
            let mut scratch = [0u8; 4096];
            loop {
                match st.conn().read(&mut scratch) {
                    Ok(_) => continue,
                    Err(e) if e.code() == FTLS_CLOSED => {
                        st.close_notify_received = true;
                        st.shutdown |= SSL_RECEIVED_SHUTDOWN;
                        st.note_alert_received(info::CLOSE_NOTIFY);
                        return 1;
                    }
                    Err(e) if e.code() == FTLS_WANT_READ => match st.receive() {
                        Ok(()) => continue,
                        Err(Stop::Want) => return -1,
                        Err(Stop::Eof) => {
                            unexpected_eof(&mut st, F);
                            return if st.close_notify_received { 1 } else { -1 };
                        }
                        Err(Stop::Failed(error)) => {
                            report(F, &error);
                            return -1;
                        }
                        Err(Stop::Refused) => return -1,
                    },
                    Err(e) if e.code() == FTLS_ERR_UNEXPECTED_EOF => {
                        unexpected_eof(&mut st, F);
                        return if st.close_notify_received { 1 } else { -1 };
                    }
                    Err(error) => {
                        report(F, &error);
                        return -1;
                    }
                }
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_shutdown(s: *const SSL) -> c_int {
    guard("SSL_get_shutdown", 0, || {
        ssl("SSL_get_shutdown", s)
            .and_then(|ssl| ssl.state("SSL_get_shutdown"))
            .map_or(0, |st| st.shutdown)
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_shutdown(s: *mut SSL, mode: c_int) {
    guard("SSL_set_shutdown", (), || {
        if let Some(mut st) =
            ssl("SSL_set_shutdown", s).and_then(|ssl| ssl.state("SSL_set_shutdown"))
        {
            st.shutdown = mode;
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_quiet_shutdown(s: *mut SSL, mode: c_int) {
    guard("SSL_set_quiet_shutdown", (), || {
        if let Some(mut st) =
            ssl("SSL_set_quiet_shutdown", s).and_then(|ssl| ssl.state("SSL_set_quiet_shutdown"))
        {
            st.quiet_shutdown = mode != 0;
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_quiet_shutdown(s: *const SSL) -> c_int {
    guard("SSL_get_quiet_shutdown", 0, || {
        ssl("SSL_get_quiet_shutdown", s)
            .and_then(|ssl| ssl.state("SSL_get_quiet_shutdown"))
            .map_or(0, |st| st.quiet_shutdown as c_int)
    })
}

/// OpenSSL 3.0's SSL_get_error, rule for rule.
#[no_mangle]
pub extern "C" fn SSL_get_error(s: *const SSL, ret_code: c_int) -> c_int {
    guard("SSL_get_error", SSL_ERROR_SSL, || {
        if ret_code > 0 {
            return SSL_ERROR_NONE;
        }
        let queued = err::with_record(err::Pick::PeekOldest, |r| r.map_or(0, |r| r.code));
        if queued != 0 {
            return if err::lib_of(queued) == ERR_LIB_SYS {
                SSL_ERROR_SYSCALL
            } else {
                SSL_ERROR_SSL
            };
        }
        let Some(ssl) = ssl("SSL_get_error", s) else {
            return SSL_ERROR_SSL;
        };
        let Some(st) = ssl.state("SSL_get_error") else {
            return SSL_ERROR_SSL;
        };
        let retry = |bio: &Option<Owned<BIO>>, reading: bool| -> Option<c_int> {
            let bio = bio.as_ref()?;
            if bio.test_flags(bio::BIO_FLAGS_READ) != 0 {
                Some(SSL_ERROR_WANT_READ)
            } else if bio.test_flags(bio::BIO_FLAGS_WRITE) != 0 {
                Some(SSL_ERROR_WANT_WRITE)
            } else if bio.test_flags(bio::BIO_FLAGS_IO_SPECIAL) != 0 {
                match bio.retry_reason() {
                    bio::BIO_RR_CONNECT => Some(SSL_ERROR_WANT_CONNECT),
                    bio::BIO_RR_ACCEPT => Some(SSL_ERROR_WANT_ACCEPT),
                    _ => Some(SSL_ERROR_SYSCALL),
                }
            } else {
                let _ = reading;
                None
            }
        };
        if st.rwstate == SSL_READING {
            if let Some(code) = retry(&st.rbio, true) {
                return code;
            }
            return SSL_ERROR_SYSCALL;
        }
        if st.rwstate == SSL_WRITING {
            if let Some(code) = retry(&st.wbio, false) {
                return code;
            }
            return SSL_ERROR_SYSCALL;
        }
        if st.close_notify_received {
            return SSL_ERROR_ZERO_RETURN;
        }
        SSL_ERROR_SYSCALL
    })
}

#[no_mangle]
pub extern "C" fn SSL_want(s: *const SSL) -> c_int {
    guard("SSL_want", SSL_NOTHING, || {
        ssl("SSL_want", s)
            .and_then(|ssl| ssl.state("SSL_want"))
            .map_or(SSL_NOTHING, |st| st.rwstate)
    })
}

/// Sets a BIO slot, taking over C's reference (the same BIO in both slots holds one).
fn set_bios(ssl: &SSL, function: &'static str, rbio: Option<*mut BIO>, wbio: Option<*mut BIO>) {
    let Some(mut st) = ssl.state(function) else {
        return;
    };
    let current_r = st.rbio.as_ref().map(Owned::as_ptr);
    let current_w = st.wbio.as_ref().map(Owned::as_ptr);
    let take = |ptr: *mut BIO, current: Option<*mut BIO>| -> Option<Owned<BIO>> {
        if Some(ptr) == current {
            // OpenSSL: setting the BIO already there changes no ownership.
            // SAFETY: a BIO of ours the SSL already references.
            return unsafe { ffi::share(ptr) }
                .map(Owned::from_arc)
                .inspect(|_| {
                    // share() added a count; the slot's old Owned is dropped below, balancing it.
                });
        }
        // SAFETY: C hands its reference to the SSL (SSL_set_bio / set0 transfer ownership).
        unsafe { Owned::take(ptr) }
    };
    match (rbio, wbio) {
        (Some(r), Some(w)) if r == w && !r.is_null() => {
            let owned = take(r, current_r.or(current_w));
            st.wbio = owned.clone();
            st.rbio = owned;
        }
        (r, w) => {
            if let Some(r) = r {
                st.rbio = take(r, current_r);
            }
            if let Some(w) = w {
                st.wbio = take(w, current_w);
            }
        }
    }
}

#[no_mangle]
pub extern "C" fn SSL_set_bio(s: *mut SSL, rbio: *mut BIO, wbio: *mut BIO) {
    guard("SSL_set_bio", (), || {
        if let Some(ssl) = ssl("SSL_set_bio", s) {
            set_bios(ssl, "SSL_set_bio", Some(rbio), Some(wbio));
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set0_rbio(s: *mut SSL, rbio: *mut BIO) {
    guard("SSL_set0_rbio", (), || {
        if let Some(ssl) = ssl("SSL_set0_rbio", s) {
            set_bios(ssl, "SSL_set0_rbio", Some(rbio), None);
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set0_wbio(s: *mut SSL, wbio: *mut BIO) {
    guard("SSL_set0_wbio", (), || {
        if let Some(ssl) = ssl("SSL_set0_wbio", s) {
            set_bios(ssl, "SSL_set0_wbio", None, Some(wbio));
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_rbio(s: *const SSL) -> *mut BIO {
    guard("SSL_get_rbio", std::ptr::null_mut(), || {
        ssl("SSL_get_rbio", s)
            .and_then(|ssl| ssl.state("SSL_get_rbio"))
            .and_then(|st| st.rbio.as_ref().map(Owned::as_ptr))
            .unwrap_or(std::ptr::null_mut())
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_wbio(s: *const SSL) -> *mut BIO {
    guard("SSL_get_wbio", std::ptr::null_mut(), || {
        ssl("SSL_get_wbio", s)
            .and_then(|ssl| ssl.state("SSL_get_wbio"))
            .and_then(|st| st.wbio.as_ref().map(Owned::as_ptr))
            .unwrap_or(std::ptr::null_mut())
    })
}

fn socket_bio(function: &'static str, fd: c_int) -> Option<*mut BIO> {
    let b = bio::socket::new_socket_bio(fd, bio::BIO_NOCLOSE);
    if b.is_null() {
        err::raise(
            ERR_LIB_SSL,
            ERR_R_BIO_LIB,
            function,
            "could not make the socket BIO",
        );
        return None;
    }
    Some(b)
}

/// SSL_set_fd: a socket BIO (not closing fd) for both directions. 1, or 0 on failure.
#[no_mangle]
pub extern "C" fn SSL_set_fd(s: *mut SSL, fd: c_int) -> c_int {
    guard("SSL_set_fd", 0, || {
        let Some(ssl) = ssl("SSL_set_fd", s) else {
            return 0;
        };
        let Some(b) = socket_bio("SSL_set_fd", fd) else {
            return 0;
        };
        set_bios(ssl, "SSL_set_fd", Some(b), Some(b));
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_rfd(s: *mut SSL, fd: c_int) -> c_int {
    guard("SSL_set_rfd", 0, || {
        let Some(ssl) = ssl("SSL_set_rfd", s) else {
            return 0;
        };
        let Some(b) = socket_bio("SSL_set_rfd", fd) else {
            return 0;
        };
        set_bios(ssl, "SSL_set_rfd", Some(b), None);
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_wfd(s: *mut SSL, fd: c_int) -> c_int {
    guard("SSL_set_wfd", 0, || {
        let Some(ssl) = ssl("SSL_set_wfd", s) else {
            return 0;
        };
        let Some(b) = socket_bio("SSL_set_wfd", fd) else {
            return 0;
        };
        set_bios(ssl, "SSL_set_wfd", None, Some(b));
        1
    })
}

fn bio_fd(bio: Option<&Owned<BIO>>) -> c_int {
    bio.map_or(-1, |b| {
        b.ctrl(bio::BIO_C_GET_FD, 0, std::ptr::null_mut()) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_fd(s: *const SSL) -> c_int {
    SSL_get_rfd(s)
}

#[no_mangle]
pub extern "C" fn SSL_get_rfd(s: *const SSL) -> c_int {
    guard("SSL_get_rfd", -1, || {
        ssl("SSL_get_rfd", s)
            .and_then(|ssl| ssl.state("SSL_get_rfd"))
            .map_or(-1, |st| bio_fd(st.rbio.as_ref()))
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_wfd(s: *const SSL) -> c_int {
    guard("SSL_get_wfd", -1, || {
        ssl("SSL_get_wfd", s)
            .and_then(|ssl| ssl.state("SSL_get_wfd"))
            .map_or(-1, |st| bio_fd(st.wbio.as_ref()))
    })
}

#[no_mangle]
pub extern "C" fn SSL_is_server(s: *const SSL) -> c_int {
    guard("SSL_is_server", 0, || {
        ssl("SSL_is_server", s)
            .and_then(|ssl| ssl.state("SSL_is_server"))
            // A TLS_method connection counts as a server until told otherwise, as in OpenSSL.
            .map_or(0, |st| (st.server != Some(false)) as c_int)
    })
}

#[no_mangle]
pub extern "C" fn SSL_in_init(s: *const SSL) -> c_int {
    guard("SSL_in_init", 1, || {
        ssl("SSL_in_init", s)
            .and_then(|ssl| ssl.state("SSL_in_init"))
            .map_or(1, |st| (!st.handshake_done) as c_int)
    })
}

#[no_mangle]
pub extern "C" fn SSL_is_init_finished(s: *const SSL) -> c_int {
    guard("SSL_is_init_finished", 0, || {
        ssl("SSL_is_init_finished", s)
            .and_then(|ssl| ssl.state("SSL_is_init_finished"))
            .map_or(0, |st| st.handshake_done as c_int)
    })
}

#[no_mangle]
pub extern "C" fn SSL_in_before(s: *const SSL) -> c_int {
    guard("SSL_in_before", 0, || {
        ssl("SSL_in_before", s)
            .and_then(|ssl| ssl.state("SSL_in_before"))
            .map_or(0, |st| st.conn.is_none() as c_int)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_SSL_CTX(s: *const SSL) -> *mut SSL_CTX {
    guard("SSL_get_SSL_CTX", std::ptr::null_mut(), || {
        ssl("SSL_get_SSL_CTX", s).map_or(std::ptr::null_mut(), |ssl| {
            Arc::as_ptr(&ssl.ctx()).cast_mut()
        })
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_ex_data(s: *mut SSL, idx: c_int, data: *mut c_void) -> c_int {
    guard("SSL_set_ex_data", 0, || {
        ssl("SSL_set_ex_data", s).map_or(0, |ssl| ssl.ex_data.set(idx, data) as c_int)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_ex_data(s: *const SSL, idx: c_int) -> *mut c_void {
    guard("SSL_get_ex_data", std::ptr::null_mut(), || {
        ssl("SSL_get_ex_data", s).map_or(std::ptr::null_mut(), |ssl| ssl.ex_data.get(idx))
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_ex_new_index(
    _argl: c_long,
    _argp: *mut c_void,
    _new: *mut c_void,
    _dup: *mut c_void,
    _free: *mut c_void,
) -> c_int {
    ex_data::new_index(&ex_data::SSL_INDEXES)
}

#[no_mangle]
pub extern "C" fn SSL_set_verify(s: *mut SSL, mode: c_int, callback: Option<VerifyCallback>) {
    guard("SSL_set_verify", (), || {
        if let Some(ssl) = ssl("SSL_set_verify", s) {
            let mut v = lock(&ssl.verify);
            v.mode = mode;
            v.callback = callback;
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_verify_depth(s: *mut SSL, depth: c_int) {
    guard("SSL_set_verify_depth", (), || {
        if let Some(ssl) = ssl("SSL_set_verify_depth", s) {
            lock(&ssl.verify).depth = depth;
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_verify_mode(s: *const SSL) -> c_int {
    guard("SSL_get_verify_mode", 0, || {
        ssl("SSL_get_verify_mode", s).map_or(0, |ssl| lock(&ssl.verify).mode)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_verify_depth(s: *const SSL) -> c_int {
    guard("SSL_get_verify_depth", -1, || {
        ssl("SSL_get_verify_depth", s).map_or(-1, |ssl| lock(&ssl.verify).depth)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_verify_result(s: *const SSL) -> c_long {
    guard(
        "SSL_get_verify_result",
        verify::X509_V_ERR_UNSPECIFIED as c_long,
        || {
            ssl("SSL_get_verify_result", s)
                .map_or(verify::X509_V_ERR_UNSPECIFIED as c_long, |ssl| {
                    ssl.verify_result.load(Ordering::Relaxed) as c_long
                })
        },
    )
}

#[no_mangle]
pub extern "C" fn SSL_set_verify_result(s: *mut SSL, v: c_long) {
    guard("SSL_set_verify_result", (), || {
        if let Some(ssl) = ssl("SSL_set_verify_result", s) {
            ssl.verify_result.store(v, Ordering::Relaxed);
        }
    })
}

/// The names SSL_set1_host (`replace`) and SSL_add1_host give: NULL or "" adds nothing (with
/// set1, clears the list), as OpenSSL. 1, or 0 for a name that is not UTF-8.
fn set_host(function: &'static str, s: *mut SSL, hostname: *const c_char, replace: bool) -> c_int {
    let Some(ssl) = ssl(function, s) else {
        return 0;
    };
    let name = if hostname.is_null() {
        ""
    } else {
        // SAFETY: C passes a NUL-terminated string.
        match unsafe { ffi::str_arg(hostname) } {
            Some(name) => name,
            None => {
                err::raise(
                    ERR_LIB_SSL,
                    ERR_R_PASSED_INVALID_ARGUMENT,
                    function,
                    "the host name is not UTF-8",
                );
                return 0;
            }
        }
    };
    let mut settings = lock(&ssl.verify);
    if replace {
        settings.hosts.clear();
    }
    if !name.is_empty() {
        settings.hosts.push(name.to_owned());
    }
    1
}

/// SSL_set1_host: the name the peer's certificate must carry (checked only when set, as in
/// OpenSSL; the SNI name is not checked). NULL clears it.
#[no_mangle]
pub extern "C" fn SSL_set1_host(s: *mut SSL, hostname: *const c_char) -> c_int {
    guard("SSL_set1_host", 0, || {
        set_host("SSL_set1_host", s, hostname, true)
    })
}

/// SSL_add1_host: one more name the peer's certificate may carry instead.
#[no_mangle]
pub extern "C" fn SSL_add1_host(s: *mut SSL, hostname: *const c_char) -> c_int {
    guard("SSL_add1_host", 0, || {
        set_host("SSL_add1_host", s, hostname, false)
    })
}

/// The X509_CHECK_FLAG_* the SSL_set1_host names are checked with (X509_check_host's).
#[no_mangle]
pub extern "C" fn SSL_set_hostflags(s: *mut SSL, flags: std::ffi::c_uint) {
    guard("SSL_set_hostflags", (), || {
        if let Some(ssl) = ssl("SSL_set_hostflags", s) {
            lock(&ssl.verify).host_flags = flags;
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_version(s: *const SSL) -> *const c_char {
    guard("SSL_get_version", c"unknown".as_ptr(), || {
        let version = ssl("SSL_get_version", s)
            .and_then(|ssl| ssl.state("SSL_get_version"))
            .and_then(|st| st.conn.as_ref().and_then(Connection::protocol_version));
        match version {
            Some("TLSv1.2") => c"TLSv1.2".as_ptr(),
            _ => c"TLSv1.3".as_ptr(),
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_version(s: *const SSL) -> c_int {
    guard("SSL_version", 0, || {
        let Some(ssl) = ssl("SSL_version", s) else {
            return 0;
        };
        let version = ssl
            .state("SSL_version")
            .and_then(|st| st.conn.as_ref().and_then(Connection::protocol_version));
        match version {
            Some("TLSv1.2") => super::method::TLS1_2_VERSION,
            Some(_) => super::method::TLS1_3_VERSION,
            // Before the version is negotiated, OpenSSL reports the method's: the one a
            // version-fixed method pins, else the highest.
            None => match ssl.ctx().method.version {
                0 => super::method::TLS1_3_VERSION,
                pinned => pinned,
            },
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_current_cipher(s: *const SSL) -> *const super::cipher::SSL_CIPHER {
    guard("SSL_get_current_cipher", std::ptr::null(), || {
        ssl("SSL_get_current_cipher", s)
            .and_then(|ssl| ssl.state("SSL_get_current_cipher"))
            .and_then(|st| st.conn.as_ref().and_then(Connection::cipher_suite))
            .and_then(|(id, _)| super::cipher::by_id(id))
            .map_or(std::ptr::null(), |c| c as *const _)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_cipher_list(s: *const SSL, n: c_int) -> *const c_char {
    guard("SSL_get_cipher_list", std::ptr::null(), || {
        let Some(st) =
            ssl("SSL_get_cipher_list", s).and_then(|ssl| ssl.state("SSL_get_cipher_list"))
        else {
            return std::ptr::null();
        };
        usize::try_from(n)
            .ok()
            .and_then(|n| super::cipher::configured(&st.settings).get(n).copied())
            .and_then(super::cipher::by_ftls_name)
            .map_or(std::ptr::null(), |c| c.name.as_ptr())
    })
}

/// SSL_set_cipher_list: this connection's TLS 1.2 suites, from an OpenSSL cipher string as
/// SSL_CTX_set_cipher_list takes (the context keeps its own). 1, or 0 when the string selects
/// no suite ftls has.
#[no_mangle]
pub extern "C" fn SSL_set_cipher_list(s: *mut SSL, list: *const c_char) -> c_int {
    set_suites(
        "SSL_set_cipher_list",
        s,
        list,
        super::cipher::tls12_from_list,
        |settings| &mut settings.cipher_suites,
    )
}

/// SSL_set_ciphersuites: this connection's TLS 1.3 suites, as SSL_CTX_set_ciphersuites takes
/// them (the context keeps its own). 1, or 0 for a name ftls does not have.
#[no_mangle]
pub extern "C" fn SSL_set_ciphersuites(s: *mut SSL, list: *const c_char) -> c_int {
    set_suites(
        "SSL_set_ciphersuites",
        s,
        list,
        super::cipher::tls13_from_list,
        |settings| &mut settings.tls13_suites,
    )
}

/// A connection's suite list: `parse` reads it (queueing why it refuses one), `field` is the
/// connection's setting it replaces.
fn set_suites(
    function: &'static str,
    s: *mut SSL,
    list: *const c_char,
    parse: fn(&'static str, *const c_char) -> Option<Vec<&'static str>>,
    field: fn(&mut CtxSettings) -> &mut Option<Arc<[&'static str]>>,
) -> c_int {
    guard(function, 0, || {
        let Some(mut st) = ssl(function, s).and_then(|ssl| ssl.state(function)) else {
            return 0;
        };
        match parse(function, list) {
            Some(suites) => {
                *field(Arc::make_mut(&mut st.settings)) = Some(suites.into());
                1
            }
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_session_reused(s: *const SSL) -> c_int {
    guard("SSL_session_reused", 0, || {
        ssl("SSL_session_reused", s)
            .and_then(|ssl| ssl.state("SSL_session_reused"))
            .map_or(0, |st| {
                st.conn.as_ref().is_some_and(Connection::is_resumed) as c_int
            })
    })
}

#[no_mangle]
pub extern "C" fn SSL_get0_alpn_selected(
    s: *const SSL,
    data: *mut *const u8,
    len: *mut std::ffi::c_uint,
) {
    guard("SSL_get0_alpn_selected", (), || {
        let mut ptr: *const u8 = std::ptr::null();
        let mut n = 0;
        if let Some(st) =
            ssl("SSL_get0_alpn_selected", s).and_then(|ssl| ssl.state("SSL_get0_alpn_selected"))
        {
            if let Some(alpn) = st.conn.as_ref().and_then(Connection::alpn_protocol) {
                // The protocol lives in the connection, unchanged until it is freed.
                ptr = alpn.as_ptr();
                n = alpn.len() as std::ffi::c_uint;
            }
        }
        // SAFETY: each is NULL or a place for its value.
        unsafe {
            ffi::write_out(data, ptr);
            ffi::write_out(len, n);
        }
    })
}

/// SSL_set_alpn_protos: 0 on success, 1 on failure (OpenSSL's inverted convention).
#[no_mangle]
pub extern "C" fn SSL_set_alpn_protos(
    s: *mut SSL,
    protos: *const u8,
    len: std::ffi::c_uint,
) -> c_int {
    guard("SSL_set_alpn_protos", 1, || {
        let Some(ssl) = ssl("SSL_set_alpn_protos", s) else {
            return 1;
        };
        // SAFETY: C passes len readable bytes.
        let Some(bytes) = (unsafe { ffi::bytes_arg(protos.cast(), len as usize) }) else {
            return 1;
        };
        let Some(list) = ctx::alpn_list(bytes) else {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_BAD_VALUE,
                "SSL_set_alpn_protos",
                "the ALPN list is not in wire format",
            );
            return 1;
        };
        match ssl.state("SSL_set_alpn_protos") {
            Some(mut st) => {
                st.alpn = Some(list);
                0
            }
            None => 1,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_servername(s: *const SSL, kind: c_int) -> *const c_char {
    guard("SSL_get_servername", std::ptr::null(), || {
        if kind != 0 {
            return std::ptr::null();
        }
        let Some(ssl) = ssl("SSL_get_servername", s) else {
            return std::ptr::null();
        };
        let Some(mut st) = ssl.state("SSL_get_servername") else {
            return std::ptr::null();
        };
        let name = if st.server == Some(true) {
            st.conn
                .as_ref()
                .and_then(|c| c.sni_server_name().ok().flatten())
                .map(str::to_owned)
                // Inside the servername callback: the ClientHello's name.
                .or_else(|| st.hello_name.clone())
        } else {
            st.sni.clone()
        };
        match name {
            Some(name) => {
                // Kept in the connection's state: valid until the next call that changes it.
                st.sni_c = std::ffi::CString::new(name).ok();
                st.sni_c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
            }
            None => std::ptr::null(),
        }
    })
}

/// The handshake state as the info callback sees it, for a connection with an info or message
/// callback (SSL_state_string); None for the others, or while the connection is busy.
pub fn tracked_state(s: *const SSL) -> Option<info::HandState> {
    // SAFETY: C passes NULL or an SSL it holds.
    let ssl = unsafe { ffi::borrow(s) }?;
    let st = ssl.state.try_lock().ok()?;
    Some(st.info.as_ref()?.state())
}

#[no_mangle]
pub extern "C" fn SSL_set_info_callback(s: *mut SSL, cb: Option<ctx::InfoCallback>) {
    guard("SSL_set_info_callback", (), || {
        let Some(ssl) = ssl("SSL_set_info_callback", s) else {
            return;
        };
        if let Some(mut st) = ssl.state("SSL_set_info_callback") {
            Arc::make_mut(&mut st.settings).info_callback = cb;
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_msg_callback(s: *mut SSL, cb: Option<ctx::MsgCallback>) {
    guard("SSL_set_msg_callback", (), || {
        let Some(ssl) = ssl("SSL_set_msg_callback", s) else {
            return;
        };
        if let Some(mut st) = ssl.state("SSL_set_msg_callback") {
            Arc::make_mut(&mut st.settings).msg_callback = cb;
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_ctrl(s: *mut SSL, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
    const F: &str = "SSL_ctrl";
    guard(F, 0, || {
        let Some(ssl) = ssl(F, s) else { return 0 };
        let Some(mut st) = ssl.state(F) else { return 0 };
        match cmd {
            SSL_CTRL_GET_PEER_TMP_KEY => {
                let Some(group) = st.conn.as_ref().and_then(Connection::key_exchange_group) else {
                    return 0;
                };
                let key = ffi::into_c(crate::evp::pkey::EVP_PKEY::key_exchange(group));
                // SAFETY: the macro passes an EVP_PKEY ** for the new key (the caller frees it).
                unsafe { ffi::write_out(parg.cast::<*mut crate::evp::pkey::EVP_PKEY>(), key) };
                1
            }
            SSL_CTRL_SET_TLSEXT_HOSTNAME => {
                if parg.is_null() {
                    st.sni = None;
                    return 1;
                }
                // SAFETY: the macro passes a C string.
                match unsafe { ffi::str_arg(parg.cast()) } {
                    Some(name) if !name.is_empty() && name.len() <= 255 => {
                        st.sni = Some(name.to_owned());
                        1
                    }
                    _ => {
                        err::raise(
                            ERR_LIB_SSL,
                            SSL_R_SSL3_EXT_INVALID_SERVERNAME,
                            F,
                            "the server name must be 1 to 255 bytes of UTF-8",
                        );
                        0
                    }
                }
            }
            _ => {
                // A command the context has too: on this connection's own copy of the settings
                // (the connection's own commands above leave them shared).
                let settings = Arc::make_mut(&mut st.settings);
                if let Some(result) = ctx::common_ctrl(F, settings, cmd, larg, parg) {
                    return result;
                }
                err::raise(
                    ERR_LIB_SSL,
                    SSL_R_INVALID_COMMAND,
                    F,
                    format!("SSL_ctrl command {cmd} is not supported"),
                );
                0
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_options(s: *mut SSL, op: u64) -> u64 {
    guard("SSL_set_options", 0, || {
        ssl("SSL_set_options", s)
            .and_then(|ssl| ssl.state("SSL_set_options"))
            .map_or(0, |mut st| {
                Arc::make_mut(&mut st.settings).options |= op;
                st.settings.options
            })
    })
}

#[no_mangle]
pub extern "C" fn SSL_clear_options(s: *mut SSL, op: u64) -> u64 {
    guard("SSL_clear_options", 0, || {
        ssl("SSL_clear_options", s)
            .and_then(|ssl| ssl.state("SSL_clear_options"))
            .map_or(0, |mut st| {
                Arc::make_mut(&mut st.settings).options &= !op;
                st.settings.options
            })
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_options(s: *const SSL) -> u64 {
    guard("SSL_get_options", 0, || {
        ssl("SSL_get_options", s)
            .and_then(|ssl| ssl.state("SSL_get_options"))
            .map_or(0, |st| st.settings.options)
    })
}

/// The X509_V_ERR_* result of the standard verification of the chain, and the depth it applies
/// to. The standard check of rustls' server name does not count: names are the SSL_set1_host
/// ones, checked by [`host_mismatch`].
fn openssl_result(request: &CheckRequest<'_>) -> (c_int, c_int) {
    let Err(error) = request.standard_result else {
        return (verify::X509_V_OK, 0);
    };
    let chain = request.chain;
    let info = |i: usize| {
        chain
            .get(i)
            .and_then(|c| ftls::core::CertificateInfo::parse(c).ok())
    };
    let top = chain.len().saturating_sub(1);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let find = |bad: &dyn Fn(i64, i64) -> bool| {
        (0..chain.len())
            .rev()
            .find(|&i| {
                info(i).is_some_and(|c| {
                    let (nb, na) = c.validity();
                    bad(nb, na)
                })
            })
            .unwrap_or(0) as c_int
    };
    match error.code() {
        FTLS_ERR_CERT_UNKNOWN_ISSUER => {
            let self_signed = info(top).is_some_and(|c| c.subject() == c.issuer());
            match (top, self_signed) {
                (0, true) => (verify::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 0),
                (_, true) => (verify::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, top as c_int),
                _ => (
                    verify::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                    top as c_int,
                ),
            }
        }
        FTLS_ERR_CERT_EXPIRED => (verify::X509_V_ERR_CERT_HAS_EXPIRED, find(&|_, na| na < now)),
        FTLS_ERR_CERT_NOT_YET_VALID => (
            verify::X509_V_ERR_CERT_NOT_YET_VALID,
            find(&|nb, _| nb > now),
        ),
        FTLS_ERR_CERT_NAME_MISMATCH => (verify::X509_V_OK, 0),
        FTLS_ERR_CERT_REVOKED => (verify::X509_V_ERR_CERT_REVOKED, 0),
        FTLS_ERR_CERT_BAD_USAGE => (verify::X509_V_ERR_INVALID_PURPOSE, 0),
        _ => {
            let detail = error.detail().to_ascii_lowercase();
            if detail.contains("signature") {
                (verify::X509_V_ERR_CERT_SIGNATURE_FAILURE, 0)
            } else if detail.contains("ca") && detail.contains("not") {
                (verify::X509_V_ERR_INVALID_CA, 1.min(top as c_int))
            } else if detail.contains("too long") || detail.contains("path") {
                (verify::X509_V_ERR_CERT_CHAIN_TOO_LONG, top as c_int)
            } else {
                (verify::X509_V_ERR_UNSPECIFIED, 0)
            }
        }
    }
}

/// The peer's chain under OpenSSL's rules: the result recorded for SSL_get_verify_result, the
/// verify callback called for each certificate from the top of the chain down, and the
/// handshake refused only when the mode asks for verification and the result (after the
/// callback) is a failure.
pub(crate) fn verify_peer(ssl: &SSL, request: &CheckRequest<'_>) -> Result<(), ftls::core::Error> {
    let settings = lock(&ssl.verify).clone();
    let (mut result, error_depth) = openssl_result(request);
    // OpenSSL's chain ends with the trust anchor, which the peer usually does not send. Only
    // the depth limit and the verify callback look at that chain: without them, finding the
    // anchor (parsing certificates) is skipped.
    let mut chain: Vec<rustls_pki_types::CertificateDer<'_>> = request.chain.to_vec();
    let issuer_missing = matches!(
        result,
        verify::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
            | verify::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
            | verify::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    );
    let depth_checked = settings.depth >= 0 && result == verify::X509_V_OK;
    if !issuer_missing && (depth_checked || settings.callback.is_some()) {
        let top = chain
            .last()
            .and_then(|der| ssl.ctx().parsed_certificate(der));
        if let Some(top) = top.filter(|t| t.subject().der() != t.issuer().der()) {
            if let Some(anchor) = ssl.ctx().store.anchor_for(top.issuer().der()) {
                chain.push(anchor);
            }
        }
    }
    if depth_checked && chain.len() as c_int > settings.depth + 2 {
        result = verify::X509_V_ERR_CERT_CHAIN_TOO_LONG;
    }
    // OpenSSL's order: building the chain and its extensions, the host name, revocation, then
    // each certificate's validity and signature from the top down.
    let in_walk = matches!(
        result,
        verify::X509_V_ERR_CERT_HAS_EXPIRED
            | verify::X509_V_ERR_CERT_NOT_YET_VALID
            | verify::X509_V_ERR_CERT_SIGNATURE_FAILURE
    );
    let mut before_walk = Vec::new();
    if result != verify::X509_V_OK && !in_walk {
        before_walk.push((result, error_depth));
    }
    if host_mismatch(ssl, &settings, request.chain) {
        let at = before_walk
            .iter()
            .position(|&(code, _)| code == verify::X509_V_ERR_CERT_REVOKED)
            .unwrap_or(before_walk.len());
        before_walk.insert(at, (verify::X509_V_ERR_HOSTNAME_MISMATCH, 0));
    }
    let walk_error = in_walk.then_some((result, error_depth));
    result = before_walk
        .first()
        .or(walk_error.as_ref())
        .map_or(verify::X509_V_OK, |&(code, _)| code);
    let mut refused = result != verify::X509_V_OK;
    if let Some(callback) = settings.callback {
        let store_ctx = X509_STORE_CTX {
            error: std::cell::Cell::new(verify::X509_V_OK),
            depth: std::cell::Cell::new(0),
            current_cert: std::cell::Cell::new(std::ptr::null_mut()),
            ssl: ssl.as_c().cast_mut(),
        };
        // One call, OpenSSL's way: a 0 return refuses; the context's error is what is recorded.
        let call = |depth: c_int, preverify: c_int| -> bool {
            store_ctx.depth.set(depth);
            let cert = super::peer::certificate_object(&chain, depth as usize);
            store_ctx.current_cert.set(cert);
            // SAFETY: the program's verify callback, with a context valid for the call.
            let ok =
                unsafe { callback(preverify, (&store_ctx as *const X509_STORE_CTX).cast_mut()) };
            super::peer::release_object(cert);
            ok != 0
        };
        // Errors found while building and checking the chain (issuer, length, host name,
        // revocation, purpose) are reported first; validity and signatures while each
        // certificate is checked, from the top down, each followed by the call that signals
        // the certificate done (the error, if not reset, stays).
        let mut ok = true;
        for &(code, depth) in &before_walk {
            if !ok {
                break;
            }
            store_ctx.error.set(code);
            ok = call(depth, 0);
        }
        // A certificate alone whose issuer is unknown: once that is tolerated, OpenSSL's
        // walk finds no key to check its signature with.
        let unverifiable_leaf = chain.len() == 1
            && before_walk
                .iter()
                .any(|&(code, _)| code == verify::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
        let top = chain.len().saturating_sub(1) as c_int;
        let mut depth = top;
        while ok && depth >= 0 {
            if depth == 0 && unverifiable_leaf {
                store_ctx
                    .error
                    .set(verify::X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE);
                ok = call(0, 0);
            }
            if let Some((code, _)) = walk_error.filter(|&(_, at)| at == depth) {
                store_ctx.error.set(code);
                ok = call(depth, 0);
            }
            ok = ok && call(depth, 1);
            depth -= 1;
        }
        refused = !ok;
        result = store_ctx.error.get();
        if refused && result == verify::X509_V_OK {
            result = verify::X509_V_ERR_APPLICATION_VERIFICATION;
        }
    }
    ssl.verify_result.store(result as i64, Ordering::Relaxed);
    if refused && settings.mode & SSL_VERIFY_PEER != 0 {
        return Err(match request.standard_result {
            _ if result == verify::X509_V_ERR_HOSTNAME_MISMATCH => ftls::core::Error::new(
                FTLS_ERR_CERT_NAME_MISMATCH,
                "certificate verify failed: the certificate matches none of the names set \
                 with SSL_set1_host",
            ),
            Err(error)
                if result != verify::X509_V_OK && error.code() != FTLS_ERR_CERT_NAME_MISMATCH =>
            {
                error.clone()
            }
            _ => ftls::core::Error::new(
                FTLS_ERR_CERT_REJECTED,
                format!(
                    "certificate verify failed: {}",
                    verify::error_string(result).to_string_lossy()
                ),
            ),
        });
    }
    Ok(())
}

/// Whether the peer's certificate matches none of the SSL_set1_host / SSL_add1_host names
/// (false when none is set: OpenSSL checks no name then).
fn host_mismatch(
    ssl: &SSL,
    settings: &VerifySettings,
    chain: &[rustls_pki_types::CertificateDer<'_>],
) -> bool {
    if settings.hosts.is_empty() {
        return false;
    }
    let Some(leaf) = chain
        .first()
        .and_then(|der| ssl.ctx().parsed_certificate(der))
    else {
        return true;
    };
    !settings.hosts.iter().any(|host| {
        crate::x509::ext::matching_host(&leaf, host.as_bytes(), settings.host_flags).is_some()
    })
}

/// The peer's certificate with a new reference (the caller frees it with X509_free); NULL
/// when the peer sent none.
#[no_mangle]
pub extern "C" fn SSL_get1_peer_certificate(s: *const SSL) -> *mut crate::x509::X509 {
    guard("SSL_get1_peer_certificate", std::ptr::null_mut(), || {
        let Some(mut st) = ssl("SSL_get1_peer_certificate", s)
            .and_then(|ssl| ssl.state("SSL_get1_peer_certificate"))
        else {
            return std::ptr::null_mut();
        };
        st.peer_objects()
            .and_then(|p| p.leaf())
            .map_or(std::ptr::null_mut(), |leaf| {
                ffi::arc_into_c(leaf.arc().clone())
            })
    })
}

/// The peer's certificate, borrowed (valid while the connection lives); NULL when none.
#[no_mangle]
pub extern "C" fn SSL_get0_peer_certificate(s: *const SSL) -> *mut crate::x509::X509 {
    guard("SSL_get0_peer_certificate", std::ptr::null_mut(), || {
        let Some(mut st) = ssl("SSL_get0_peer_certificate", s)
            .and_then(|ssl| ssl.state("SSL_get0_peer_certificate"))
        else {
            return std::ptr::null_mut();
        };
        st.peer_objects()
            .and_then(|p| p.leaf())
            .map_or(std::ptr::null_mut(), |leaf| leaf.as_ptr())
    })
}

/// The chain the peer sent, borrowed (valid while the connection lives): a client sees the
/// server's certificate first; a server sees the client's chain without its leaf (as in
/// OpenSSL). NULL when the peer sent none.
#[no_mangle]
pub extern "C" fn SSL_get_peer_cert_chain(s: *const SSL) -> *mut crate::stack::OPENSSL_STACK {
    guard("SSL_get_peer_cert_chain", std::ptr::null_mut(), || {
        let Some(mut st) =
            ssl("SSL_get_peer_cert_chain", s).and_then(|ssl| ssl.state("SSL_get_peer_cert_chain"))
        else {
            return std::ptr::null_mut();
        };
        st.peer_objects()
            .map_or(std::ptr::null_mut(), |p| p.stack())
    })
}

fn session_of(ssl: &SSL, function: &'static str) -> Option<Owned<super::session::SSL_SESSION>> {
    let mut st = ssl.state(function)?;
    if !st.handshake_done {
        return None;
    }
    if st.session.is_none() {
        let protocol = match st.conn.as_ref().and_then(Connection::protocol_version) {
            Some("TLSv1.2") => super::method::TLS1_2_VERSION,
            _ => super::method::TLS1_3_VERSION,
        };
        let session = super::session::SSL_SESSION::new(protocol, st.settings.timeout);
        st.session = Some(Owned::from_arc(Arc::new(session)));
    }
    st.session.clone()
}

/// The connection's session, borrowed (valid while the connection lives); NULL before the
/// handshake completed.
#[no_mangle]
pub extern "C" fn SSL_get_session(s: *const SSL) -> *mut super::session::SSL_SESSION {
    guard("SSL_get_session", std::ptr::null_mut(), || {
        ssl("SSL_get_session", s)
            .and_then(|ssl| session_of(ssl, "SSL_get_session"))
            .map_or(std::ptr::null_mut(), |x| x.as_ptr())
    })
}

/// As SSL_get_session, with a new reference the caller frees with SSL_SESSION_free.
#[no_mangle]
pub extern "C" fn SSL_get1_session(s: *mut SSL) -> *mut super::session::SSL_SESSION {
    guard("SSL_get1_session", std::ptr::null_mut(), || {
        ssl("SSL_get1_session", s)
            .and_then(|ssl| session_of(ssl, "SSL_get1_session"))
            .map_or(std::ptr::null_mut(), |x| ffi::arc_into_c(x.arc().clone()))
    })
}

/// Offers a session for resumption. ftls resumes from the context's cache, which holds the
/// sessions of earlier connections made with the same SSL_CTX: 1 (the session is accepted;
/// the reuse shows in SSL_session_reused), 0 for a NULL SSL.
#[no_mangle]
pub extern "C" fn SSL_set_session(s: *mut SSL, session: *mut super::session::SSL_SESSION) -> c_int {
    guard("SSL_set_session", 0, || {
        let Some(ssl) = ssl("SSL_set_session", s) else {
            return 0;
        };
        let Some(mut st) = ssl.state("SSL_set_session") else {
            return 0;
        };
        // SAFETY: C passes NULL or a session it holds; the connection keeps its own reference.
        st.session = unsafe { ffi::share(session) }.map(Owned::from_arc);
        1
    })
}

/// Switches the connection to another context (the servername callback's use). The new
/// context's settings apply to what happens next; the identity a server presents is chosen
/// when the handshake starts. Returns the context now in use.
#[no_mangle]
pub extern "C" fn SSL_set_SSL_CTX(s: *mut SSL, ctx: *mut SSL_CTX) -> *mut SSL_CTX {
    guard("SSL_set_SSL_CTX", std::ptr::null_mut(), || {
        let Some(ssl) = ssl("SSL_set_SSL_CTX", s) else {
            return std::ptr::null_mut();
        };
        // SAFETY: C passes NULL or a context it holds.
        if let Some(new) = unsafe { ffi::share(ctx) } {
            *lock(&ssl.ctx) = new;
        }
        Arc::as_ptr(&ssl.ctx()).cast_mut()
    })
}

/// Keeps the CA names (DER Names) of the server's CertificateRequest as X509_NAMEs; a name
/// that does not parse is left out.
pub(super) fn record_peer_ca_names(ssl: &SSL, names: &[&[u8]]) {
    let list = crate::stack::OPENSSL_sk_new_null();
    for der in names {
        if let Ok(name) = crate::x509::name::X509_NAME::from_der(der) {
            // Box: the stack's X509_NAME_free takes it back.
            crate::stack::OPENSSL_sk_push(list, Box::into_raw(Box::new(name)).cast());
        }
    }
    *lock(&ssl.peer_ca_names) = ctx::CaList(list);
}

/// A server's list: its own client CA list (SSL_CTX_set_client_CA_list). A client's: the CA
/// names the server's CertificateRequest carried, NULL before one arrived (as OpenSSL).
/// Borrowed: valid until the SSL is freed, cleared or handshakes again.
#[no_mangle]
pub extern "C" fn SSL_get_client_CA_list(s: *const SSL) -> *mut crate::stack::OPENSSL_STACK {
    guard("SSL_get_client_CA_list", std::ptr::null_mut(), || {
        let Some(ssl) = ssl("SSL_get_client_CA_list", s) else {
            return std::ptr::null_mut();
        };
        let server = ssl.state.try_lock().ok().and_then(|st| st.server);
        if server == Some(false) {
            return lock(&ssl.peer_ca_names).0;
        }
        ctx::SSL_CTX_get_client_CA_list(Arc::as_ptr(&ssl.ctx()))
    })
}

/// Makes the connection ready for a new handshake with the same settings and BIOs (what a
/// server loop reusing one SSL does). 1.
#[no_mangle]
pub extern "C" fn SSL_clear(s: *mut SSL) -> c_int {
    guard("SSL_clear", 0, || {
        let Some(ssl) = ssl("SSL_clear", s) else {
            return 0;
        };
        let Some(mut st) = ssl.state("SSL_clear") else {
            return 0;
        };
        st.conn = None;
        st.hello = None;
        st.hello_name = None;
        st.shutdown = 0;
        st.rwstate = SSL_NOTHING;
        st.close_notify_received = false;
        st.handshake_done = false;
        st.failed = false;
        st.write_in_flight = None;
        st.peer = None;
        st.info = None;
        *lock(&ssl.peer_ca_names) = ctx::CaList(std::ptr::null_mut());
        ssl.tls12_session_kept.store(false, Ordering::Relaxed);
        ssl.verify_result
            .store(verify::X509_V_OK as i64, Ordering::Relaxed);
        1
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssl::ctx::{SSL_CTX_free, SSL_CTX_get_options, SSL_CTX_new, SSL_CTX_set_options};
    use crate::ssl::method::TLS_method;

    /// Whether a connection still shares its settings with its context (no copy of its own).
    fn shares_settings(s: *mut SSL) -> bool {
        // SAFETY: an SSL made by the test and not yet freed.
        let ssl = unsafe { ffi::borrow(s) }.expect("an SSL");
        let st = ssl.state("test").expect("not busy");
        Arc::ptr_eq(&st.settings, &ssl.ctx().shared_settings())
    }

    #[test]
    fn connections_share_their_contexts_settings_until_they_change_one() {
        let ctx = SSL_CTX_new(TLS_method());
        let (a, b) = (SSL_new(ctx), SSL_new(ctx));
        assert!(shares_settings(a) && shares_settings(b), "made: shared");

        // The connection's own commands leave the settings shared.
        assert_eq!(
            SSL_ctrl(
                a,
                SSL_CTRL_SET_TLSEXT_HOSTNAME,
                0,
                c"example.test".as_ptr().cast_mut().cast()
            ),
            1
        );
        assert!(shares_settings(a), "SNI is the connection's own");

        // A change is the connection's alone.
        let before = SSL_CTX_get_options(ctx);
        assert_eq!(
            SSL_set_options(a, SSL_OP_NO_TICKET),
            before | SSL_OP_NO_TICKET
        );
        assert!(!shares_settings(a) && shares_settings(b));
        assert_eq!(SSL_get_options(b), before);
        assert_eq!(SSL_CTX_get_options(ctx), before);
        let mode = SSL_ctrl(
            b,
            SSL_CTRL_MODE,
            SSL_MODE_ENABLE_PARTIAL_WRITE,
            std::ptr::null_mut(),
        );
        assert_ne!(mode & SSL_MODE_ENABLE_PARTIAL_WRITE, 0);
        assert!(
            !shares_settings(b),
            "a context command on the connection: its own copy"
        );

        // A change of the context reaches the connections made after it, not those before.
        SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_2);
        let c = SSL_new(ctx);
        assert!(shares_settings(c));
        assert_ne!(SSL_get_options(c) & SSL_OP_NO_TLSv1_2, 0);
        assert_eq!(SSL_get_options(a) & SSL_OP_NO_TLSv1_2, 0);
        assert_eq!(SSL_get_options(b) & SSL_OP_NO_TLSv1_2, 0);
        for s in [a, b, c] {
            SSL_free(s);
        }
        SSL_CTX_free(ctx);
    }
}
