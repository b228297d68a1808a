//! SSL_SESSION: a handle on a connection's session. ftls resumes sessions through the
//! context's own cache (bound to the verification policy, and, on servers, to the session ID
//! context): a client that reconnects with the same SSL_CTX resumes whether or not it calls
//! SSL_set_session. A resumed handshake checks no certificate, so a client keeps only the
//! sessions of servers that passed verification, and a connection that checks its server
//! differently (names, callback) gets a config, and a session store, of its own; a server
//! makes no session for a client whose certificate failed verification. The handle
//! carries what programs read (id, time, timeout, protocol) and survives i2d_SSL_SESSION /
//! d2i_SSL_SESSION. A server's session also carries rustls' encoded session, its secret
//! included (as OpenSSL's form holds the master key), so that a program's own cache of
//! serialised sessions resumes them, in this process or another; a client's session cannot
//! (rustls 0.23 gives a client's session values no encoding) and does not resume once restored.
//!
//! The session callbacks (SSL_CTX_sess_set_new_cb / _remove_cb / _get_cb): a client's
//! new-session callback hears of each session rustls keeps (ftls' client session observer); a
//! server with any of them keeps its stateful sessions (TLS 1.2 session IDs, TLS 1.3 tickets
//! with SSL_OP_NO_TICKET) in the context's [`SessionCache`], rustls' external store, which
//! calls them as OpenSSL's cache does. A session the server made carries rustls' encoded
//! session, so the get-session callback can hand it back.

use std::collections::VecDeque;
use std::ffi::{c_int, c_long, c_uint};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ftls::core::{ApprovesServerSessions, ObservesClientSessions, ReceivedSession};
use rustls::server::StoresServerSessions;

use super::ctx::{CtxSettings, SSL_CTX};
use super::method::{TLS1_2_VERSION, TLS1_3_VERSION};
use super::{SSL, SSL_SESS_CACHE_CLIENT, SSL_SESS_CACHE_SERVER};
use crate::err::{self, ERR_LIB_SSL, SSL_R_BAD_LENGTH};
use crate::ffi::{self, guard};

/// The serialised form's first bytes (a DER SEQUENCE would start 0x30: this is not OpenSSL's
/// format, and d2i refuses OpenSSL's).
const MAGIC: &[u8; 8] = b"ftlsSS1\0";

/// The same form followed by a server's session value (its length, 4 bytes, then the value).
const MAGIC_WITH_VALUE: &[u8; 8] = b"ftlsSS2\0";

/// The largest server session value d2i_SSL_SESSION reads back (rustls' encoding holds the
/// client's certificate chain, if any).
const MAX_VALUE: usize = 1 << 20;

pub struct SSL_SESSION {
    id: Vec<u8>,
    time: AtomicI64,
    timeout: AtomicI64,
    protocol: c_int,
    /// rustls' encoded server session, after the policy digest of the config that made it
    /// (a session restored under another policy is not found), for a session a server made.
    server_value: Option<Vec<u8>>,
    pub ex_data: super::ex_data::ExData,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl SSL_SESSION {
    pub fn new(protocol: c_int, timeout: c_long) -> Self {
        let mut id = vec![0u8; 32];
        let _ = rustls::crypto::CryptoProvider::get_default()
            .map(|p| p.secure_random.fill(&mut id))
            .unwrap_or_else(|| ftls::core::default_provider().secure_random.fill(&mut id));
        SSL_SESSION {
            id,
            time: AtomicI64::new(now()),
            timeout: AtomicI64::new(timeout),
            protocol,
            server_value: None,
            ex_data: Default::default(),
        }
    }

    /// A session rustls' server stored under `id` (a TLS 1.2 session ID or a TLS 1.3
    /// ticket's); its protocol is not known outside rustls' encoding (0).
    fn from_server(id: Vec<u8>, value: Vec<u8>, timeout: c_long) -> Self {
        SSL_SESSION {
            id,
            time: AtomicI64::new(now()),
            timeout: AtomicI64::new(timeout),
            protocol: 0,
            server_value: Some(value),
            ex_data: Default::default(),
        }
    }

    fn expired(&self) -> bool {
        let (time, timeout) = (
            self.time.load(Ordering::Relaxed),
            self.timeout.load(Ordering::Relaxed),
        );
        now() >= time.saturating_add(timeout)
    }

    /// The serialised form: id, times and protocol, and a server's session value (its
    /// secret, as OpenSSL's form holds the master key), so that a program's own cache of
    /// serialised sessions resumes them, also in another process.
    fn encode(&self) -> Vec<u8> {
        let magic = match self.server_value {
            Some(_) => MAGIC_WITH_VALUE,
            None => MAGIC,
        };
        let mut out = magic.to_vec();
        out.push(self.id.len() as u8);
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&self.time.load(Ordering::Relaxed).to_be_bytes());
        out.extend_from_slice(&self.timeout.load(Ordering::Relaxed).to_be_bytes());
        out.extend_from_slice(&(self.protocol as u16).to_be_bytes());
        if let Some(value) = &self.server_value {
            out.extend_from_slice(&(value.len() as u32).to_be_bytes());
            out.extend_from_slice(value);
        }
        out
    }

    fn decode(input: &[u8]) -> Option<(Self, usize)> {
        let (with_value, rest) = match input.strip_prefix(MAGIC.as_slice()) {
            Some(rest) => (false, rest),
            None => (true, input.strip_prefix(MAGIC_WITH_VALUE.as_slice())?),
        };
        let (&len, rest) = rest.split_first()?;
        let len = len as usize;
        if len > 32 || rest.len() < len + 18 {
            return None;
        }
        let id = rest[..len].to_vec();
        let number = |at: usize| i64::from_be_bytes(rest[at..at + 8].try_into().unwrap_or([0; 8]));
        let mut used = MAGIC.len() + 1 + len + 18;
        let server_value = if with_value {
            let tail = &rest[len + 18..];
            let size = u32::from_be_bytes(tail.get(..4)?.try_into().ok()?) as usize;
            if size > MAX_VALUE {
                return None;
            }
            used += 4 + size;
            Some(tail.get(4..4 + size)?.to_vec())
        } else {
            None
        };
        let session = SSL_SESSION {
            id,
            time: AtomicI64::new(number(len)),
            timeout: AtomicI64::new(number(len + 8)),
            protocol: u16::from_be_bytes([rest[len + 16], rest[len + 17]]) as c_int,
            server_value,
            ex_data: Default::default(),
        };
        Some((session, used))
    }
}

fn session<'a>(s: *const SSL_SESSION) -> Option<&'a SSL_SESSION> {
    // SAFETY: C passes NULL or a session it holds.
    unsafe { ffi::borrow(s) }
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_free(s: *mut SSL_SESSION) {
    // SAFETY: C gives up its reference (NULL does nothing).
    guard("SSL_SESSION_free", (), || unsafe { ffi::release(s) })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_up_ref(s: *mut SSL_SESSION) -> c_int {
    // SAFETY: C passes NULL or a session it holds.
    guard("SSL_SESSION_up_ref", 0, || unsafe { ffi::up_ref(s) })
}

/// The session's id (32 random bytes, borrowed: valid while the session lives), its length in
/// *len.
#[no_mangle]
pub extern "C" fn SSL_SESSION_get_id(s: *const SSL_SESSION, len: *mut c_uint) -> *const u8 {
    guard("SSL_SESSION_get_id", std::ptr::null(), || {
        let Some(s) = session(s) else {
            return std::ptr::null();
        };
        // SAFETY: len is NULL or a place for the length.
        unsafe { ffi::write_out(len, s.id.len() as c_uint) };
        s.id.as_ptr()
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_time(s: *const SSL_SESSION) -> c_long {
    guard("SSL_SESSION_get_time", 0, || {
        session(s).map_or(0, |s| s.time.load(Ordering::Relaxed) as c_long)
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_timeout(s: *const SSL_SESSION) -> c_long {
    guard("SSL_SESSION_get_timeout", 0, || {
        session(s).map_or(0, |s| s.timeout.load(Ordering::Relaxed) as c_long)
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set_timeout(s: *mut SSL_SESSION, t: c_long) -> c_long {
    guard("SSL_SESSION_set_timeout", 0, || {
        session(s).map_or(0, |s| {
            s.timeout.store(t, Ordering::Relaxed);
            1
        })
    })
}

/// 1 for every session: ftls hands out sessions from completed handshakes only.
#[no_mangle]
pub extern "C" fn SSL_SESSION_is_resumable(s: *const SSL_SESSION) -> c_int {
    guard("SSL_SESSION_is_resumable", 0, || {
        c_int::from(session(s).is_some())
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_protocol_version(s: *const SSL_SESSION) -> c_int {
    guard("SSL_SESSION_get_protocol_version", 0, || {
        session(s).map_or(0, |s| s.protocol)
    })
}

/// The serialised session's length; with pp not NULL also writes it at *pp and advances *pp
/// (OpenSSL's i2d convention). 0 for NULL.
#[no_mangle]
pub extern "C" fn i2d_SSL_SESSION(s: *const SSL_SESSION, pp: *mut *mut u8) -> c_int {
    guard("i2d_SSL_SESSION", 0, || {
        let Some(s) = session(s) else { return 0 };
        let bytes = s.encode();
        if !pp.is_null() {
            // SAFETY: C passes a pointer to a buffer of at least the length a first call with
            // NULL returned (i2d's contract); *pp is advanced past what was written.
            unsafe {
                let out = *pp;
                if !out.is_null() {
                    std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len());
                    *pp = out.add(bytes.len());
                }
            }
        }
        bytes.len() as c_int
    })
}

/// Reads a session i2d_SSL_SESSION wrote (at most `length` bytes at *pp); advances *pp. A new
/// session (one reference), also stored in *a when a is not NULL; NULL on failure.
#[no_mangle]
pub extern "C" fn d2i_SSL_SESSION(
    a: *mut *mut SSL_SESSION,
    pp: *mut *const u8,
    length: c_long,
) -> *mut SSL_SESSION {
    guard("d2i_SSL_SESSION", std::ptr::null_mut(), || {
        if pp.is_null() || length < 0 {
            return std::ptr::null_mut();
        }
        // SAFETY: *pp points to length readable bytes (C's contract).
        let input = unsafe { ffi::bytes_arg((*pp).cast(), length as usize) };
        let Some((decoded, used)) = input.and_then(SSL_SESSION::decode) else {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_BAD_LENGTH,
                "d2i_SSL_SESSION",
                "not a session written by i2d_SSL_SESSION of this library",
            );
            return std::ptr::null_mut();
        };
        let out = ffi::into_c(decoded);
        // SAFETY: advancing *pp within the input; a is NULL or a place for the pointer.
        unsafe {
            *pp = (*pp).add(used);
            if !a.is_null() {
                ffi::release(*a);
                *a = out;
            }
        }
        out
    })
}

pub type NewSessionCallback = unsafe extern "C" fn(*mut SSL, *mut SSL_SESSION) -> c_int;
pub type RemoveSessionCallback = unsafe extern "C" fn(*mut SSL_CTX, *mut SSL_SESSION);
pub type GetSessionCallback =
    unsafe extern "C" fn(*mut SSL, *const u8, c_int, *mut c_int) -> *mut SSL_SESSION;

#[derive(Clone, Copy, Default)]
struct Callbacks {
    new: Option<NewSessionCallback>,
    remove: Option<RemoveSessionCallback>,
    get: Option<GetSessionCallback>,
}

/// What the server cache follows of the context's settings (set when its config is built).
#[derive(Default)]
struct ServerCache {
    mode: c_long,
    size: usize,
    timeout: c_long,
    sessions: VecDeque<Arc<SSL_SESSION>>,
}

/// A context's session callbacks, and the server's session cache when they are set.
#[derive(Default)]
pub struct SessionCache {
    callbacks: Mutex<Callbacks>,
    server: Mutex<ServerCache>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The connection this thread is driving (the callbacks' SSL argument).
fn current_ssl() -> Option<&'static SSL> {
    let ssl = super::verify::CURRENT_SSL.with(std::cell::Cell::get);
    // SAFETY: CURRENT_SSL is set only while this thread is inside a call on that SSL, and
    // session events come from inside such calls.
    unsafe { ssl.as_ref() }
}

impl SessionCache {
    fn callbacks(&self) -> Callbacks {
        *lock(&self.callbacks)
    }

    /// The store a server config keeps its sessions in: this cache, when the server cache is
    /// on and a callback is set (otherwise rustls' own cache, which calls nothing).
    pub fn server_store(
        self: &Arc<Self>,
        settings: &CtxSettings,
    ) -> Option<Arc<dyn StoresServerSessions>> {
        let c = self.callbacks();
        if settings.session_cache_mode & SSL_SESS_CACHE_SERVER == 0
            || (c.new.is_none() && c.remove.is_none() && c.get.is_none())
        {
            return None;
        }
        let mut server = lock(&self.server);
        server.mode = settings.session_cache_mode;
        server.size = usize::try_from(settings.session_cache_size).unwrap_or(0);
        server.timeout = settings.timeout;
        Some(self.clone())
    }

    /// The observer a client config tells of its sessions: this cache, which keeps only the
    /// sessions of verified servers and, when the client cache is on, hands them to the
    /// new-session callback.
    pub fn client_observer(self: &Arc<Self>) -> Arc<dyn ObservesClientSessions> {
        self.clone()
    }

    /// What a server config asks before it makes a session resumable: this cache, which
    /// approves the sessions of clients that passed verification.
    pub fn server_approver(self: &Arc<Self>) -> Arc<dyn ApprovesServerSessions> {
        self.clone()
    }

    /// Hands `session` to the new-session callback of the connection being driven.
    fn announce(&self, ssl: &SSL, session: Arc<SSL_SESSION>) {
        let Some(new) = self.callbacks().new else {
            return;
        };
        let reference = ffi::arc_into_c(session);
        // SAFETY: the program's callback, with the connection it is driving and a reference
        // it keeps when it returns 1.
        if unsafe { new((ssl as *const SSL).cast_mut(), reference) } == 0 {
            // SAFETY: the callback did not take the reference: it is still ours.
            unsafe { ffi::release(reference) };
        }
    }

    /// Tells the remove-session callback that these sessions left the cache.
    fn removed(&self, ctx: *const SSL_CTX, sessions: Vec<Arc<SSL_SESSION>>) {
        let Some(remove) = self.callbacks().remove else {
            return;
        };
        for session in sessions {
            // SAFETY: the program's callback, with the context and a session alive for the
            // call.
            unsafe { remove(ctx.cast_mut(), Arc::as_ptr(&session).cast_mut()) };
        }
    }

    /// Empties the server cache, as SSL_CTX_free does: each session goes to the remove-session
    /// callback.
    pub fn flush(&self, ctx: *const SSL_CTX) {
        let sessions = std::mem::take(&mut lock(&self.server).sessions);
        self.removed(ctx, sessions.into());
    }

    fn current_ctx(ssl: Option<&SSL>) -> *const SSL_CTX {
        ssl.map_or(std::ptr::null(), |ssl| Arc::as_ptr(&ssl.ctx()))
    }

    /// The internal lookup (unless SSL_SESS_CACHE_NO_INTERNAL_LOOKUP), then the get-session
    /// callback; `take` removes what the cache held (a single-use TLS 1.3 ticket).
    fn find(&self, key: &[u8], take: bool) -> Option<Vec<u8>> {
        let ssl = current_ssl();
        let mut left = Vec::new();
        let found = {
            let mut server = lock(&self.server);
            let mut found = None;
            if server.mode & super::SSL_SESS_CACHE_NO_INTERNAL_LOOKUP == 0 {
                if let Some(at) = server.sessions.iter().position(|s| s.id == key) {
                    if take || server.sessions[at].expired() {
                        left.extend(server.sessions.remove(at));
                        found = left.last().filter(|s| !s.expired()).cloned();
                    } else {
                        found = Some(server.sessions[at].clone());
                    }
                }
            }
            found
        };
        self.removed(Self::current_ctx(ssl), left);
        if let Some(session) = found {
            return session.server_value.clone();
        }
        let (get, ssl) = (self.callbacks().get?, ssl?);
        let mut copy: c_int = 1;
        let len = c_int::try_from(key.len()).ok()?;
        // SAFETY: the program's callback, with the connection, the ID (len bytes) and a place
        // for its copy flag, all valid for the call.
        let returned = unsafe { get((ssl as *const SSL).cast_mut(), key.as_ptr(), len, &mut copy) };
        // SAFETY: the callback returns NULL or a session it holds a reference to.
        let session = unsafe { ffi::share(returned) }?;
        if copy == 0 {
            // SAFETY: without copy, the callback's reference is handed over.
            unsafe { ffi::release(returned) };
        }
        if session.expired() {
            return None;
        }
        let value = session.server_value.clone();
        if !take && value.is_some() {
            self.keep(session);
        }
        value
    }

    /// Keeps a session in the internal cache (unless SSL_SESS_CACHE_NO_INTERNAL_STORE); the
    /// oldest ones go when it is full.
    fn keep(&self, session: Arc<SSL_SESSION>) {
        let evicted = {
            let mut server = lock(&self.server);
            if server.mode & super::SSL_SESS_CACHE_NO_INTERNAL_STORE != 0 {
                return;
            }
            server.sessions.push_back(session);
            let mut evicted = Vec::new();
            while server.size > 0 && server.sessions.len() > server.size {
                evicted.extend(server.sessions.pop_front());
            }
            evicted
        };
        self.removed(Self::current_ctx(current_ssl()), evicted);
    }
}

impl std::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCache").finish_non_exhaustive()
    }
}

impl StoresServerSessions for SessionCache {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        let timeout = lock(&self.server).timeout;
        let session = Arc::new(SSL_SESSION::from_server(key, value, timeout));
        self.keep(session.clone());
        if let Some(ssl) = current_ssl() {
            self.announce(ssl, session);
        }
        true
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.find(key, false)
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.find(key, true)
    }

    fn can_cache(&self) -> bool {
        true
    }
}

impl ObservesClientSessions for SessionCache {
    fn received(&self, session: ReceivedSession) -> bool {
        let Some(ssl) = current_ssl() else {
            return false;
        };
        let settings = ssl.ctx().shared_settings();
        if settings.session_cache_mode & SSL_SESS_CACHE_CLIENT != 0 {
            match session {
                ReceivedSession::Tls13Ticket => {
                    let session = SSL_SESSION::new(TLS1_3_VERSION, settings.timeout);
                    self.announce(ssl, Arc::new(session));
                }
                // Kept again when a handshake resumed it: announced when the handshake
                // completes, if it did not resume (OpenSSL announces new sessions only).
                _ => super::conn::tls12_session_kept(ssl),
            }
        }
        // A server whose failed verification was tolerated (SSL_VERIFY_NONE, or a verify
        // callback) would, resumed, be reported verified: OpenSSL reports the session's
        // result again; ftls does not keep the session.
        ssl.peer_verified()
    }
}

impl ApprovesServerSessions for SessionCache {
    fn approves(&self) -> bool {
        current_ssl().is_some_and(SSL::peer_verified)
    }
}

/// At the end of a client's handshake that kept a TLS 1.2 session and did not resume one.
pub(super) fn announce_tls12_session(ssl: &SSL) {
    let ctx = ssl.ctx();
    let timeout = ctx.settings().timeout;
    ctx.sessions
        .announce(ssl, Arc::new(SSL_SESSION::new(TLS1_2_VERSION, timeout)));
}

fn ctx_sessions<'a>(function: &'static str, ctx: *mut SSL_CTX) -> Option<&'a SSL_CTX> {
    super::ctx::ctx(function, ctx)
}

/// Sets one callback; the next connection's config is built with it.
fn set_callback(function: &'static str, ctx: *mut SSL_CTX, set: impl FnOnce(&mut Callbacks)) {
    if let Some(ctx) = ctx_sessions(function, ctx) {
        set(&mut lock(&ctx.sessions.callbacks));
        ctx.update(|_| ());
    }
}

/// The client's new-session callback (with SSL_SESS_CACHE_CLIENT: each TLS 1.3 ticket, each new
/// TLS 1.2 session) and the server's (each session its cache adds). Returning 1 keeps the
/// reference.
#[no_mangle]
pub extern "C" fn SSL_CTX_sess_set_new_cb(ctx: *mut SSL_CTX, cb: Option<NewSessionCallback>) {
    const F: &str = "SSL_CTX_sess_set_new_cb";
    guard(F, (), || set_callback(F, ctx, |c| c.new = cb))
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_get_new_cb(ctx: *mut SSL_CTX) -> Option<NewSessionCallback> {
    const F: &str = "SSL_CTX_sess_get_new_cb";
    guard(F, None, || {
        ctx_sessions(F, ctx).and_then(|c| c.sessions.callbacks().new)
    })
}

/// Called for each session that leaves the server cache (single use, timeout, eviction,
/// SSL_CTX_free).
#[no_mangle]
pub extern "C" fn SSL_CTX_sess_set_remove_cb(ctx: *mut SSL_CTX, cb: Option<RemoveSessionCallback>) {
    const F: &str = "SSL_CTX_sess_set_remove_cb";
    guard(F, (), || set_callback(F, ctx, |c| c.remove = cb))
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_get_remove_cb(ctx: *mut SSL_CTX) -> Option<RemoveSessionCallback> {
    const F: &str = "SSL_CTX_sess_get_remove_cb";
    guard(F, None, || {
        ctx_sessions(F, ctx).and_then(|c| c.sessions.callbacks().remove)
    })
}

/// The server's lookup by session ID when its cache has none: a session this process's server
/// made (given to the new-session callback) resumes; any other does not.
#[no_mangle]
pub extern "C" fn SSL_CTX_sess_set_get_cb(ctx: *mut SSL_CTX, cb: Option<GetSessionCallback>) {
    const F: &str = "SSL_CTX_sess_set_get_cb";
    guard(F, (), || set_callback(F, ctx, |c| c.get = cb))
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_get_get_cb(ctx: *mut SSL_CTX) -> Option<GetSessionCallback> {
    const F: &str = "SSL_CTX_sess_get_get_cb";
    guard(F, None, || {
        ctx_sessions(F, ctx).and_then(|c| c.sessions.callbacks().get)
    })
}
